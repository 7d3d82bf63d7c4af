"""Reading files (regular ones only, of a bounded size) in whatever encoding they come in;
writing what Windows expects."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sogen.i18n import N_, _

BATCH_ENCODING = "cp932"

# The scripts, registry patches, somg.ini and RUNBOOK.md of a cluster are a few
# kilobytes (a generated start.bat is about 3 KB, a RUNBOOK.md 11 KB). A mebibyte
# is a hundred times that and still lints in a fraction of a second; a larger file
# is not a hand-kept cluster file (a whole-hive registry export, a log) and would
# only cost time and memory.
MAX_SOURCE_BYTES = 1 << 20

# Opening a FIFO for reading waits for a writer, and a device such as /dev/zero
# never ends: open without blocking, then read only what fstat calls a regular
# file. (O_NOCTTY: opening a terminal must not make it ours; O_BINARY: Windows.)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_KINDS = (
    (stat.S_ISDIR, N_("is a directory, not a regular file")),
    (stat.S_ISFIFO, N_("is a named pipe (FIFO), not a regular file")),
    (stat.S_ISCHR, N_("is a character device, not a regular file")),
    (stat.S_ISBLK, N_("is a block device, not a regular file")),
    (stat.S_ISSOCK, N_("is a socket, not a regular file")),
)


class UnreadableFile(Exception):
    """A file sogen does not read; ``reason`` says why ("is a named pipe (FIFO), not a regular file")."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def _size(count: int) -> str:
    """Rounded up, so that a file one byte over the limit does not read as the limit."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{-(-count * 10 // scale) / 10}".removesuffix(".0") + f" {unit}"
    return _("{count} bytes").format(count=count)


def walk_folders(top: str, report: Callable[[OSError], None]) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk(top)'s (folder, folders, files), top down, the caller pruning ``folders`` in
    place; a link to a folder is listed among the folders and not entered. One folder at a
    time off a stack: os.walk (and shutil.rmtree) recurse before Python 3.12, and a tree a
    thousand folders deep, linted or planted in OUT's staging, ended in a RecursionError."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            report(exc)
            continue
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] = set()
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                if is_dir and entry.is_symlink():
                    links.add(entry.name)
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
        yield folder, dirs, files
        stack.extend(os.path.join(folder, name) for name in reversed(dirs) if name not in links)


def read_regular(path: str | os.PathLike, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes.

    Raises UnreadableFile for anything else: no such file, a directory, a FIFO,
    a device or socket, a larger file, or an I/O error; without ``follow_links``,
    a symbolic link too.
    """
    flags = _OPEN_FLAGS if follow_links else _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile(path, _("no such file")) from None
    except OSError as exc:
        raise UnreadableFile(path, _("cannot be read: {reason}").format(reason=exc.strerror or exc)) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), N_("is a special file, not a regular file"))
            raise UnreadableFile(path, _(kind))
        if info.st_size > limit:
            raise UnreadableFile(
                path, _("is {size}; at most {limit} is allowed").format(size=_size(info.st_size), limit=_size(limit))
            )
        data = _read_up_to(descriptor, limit + 1, info.st_size + 1)
    except OSError as exc:
        raise UnreadableFile(path, _("cannot be read: {reason}").format(reason=exc.strerror or exc)) from None
    finally:
        os.close(descriptor)
    if len(data) > limit:  # it grew after fstat
        raise UnreadableFile(path, _("is larger than {limit}, the most allowed").format(limit=_size(limit)))
    return data


def _read_up_to(descriptor: int, most: int, expected: int) -> bytes:
    """At most ``most`` bytes, read in pieces of the ``expected`` size (the file's, plus one
    to see it end): a buffered read of ``most`` would set aside ``most`` bytes for every file."""
    chunks = []
    size = 0
    while size < most:
        chunk = os.read(descriptor, min(most - size, max(expected - size, 1 << 16)))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def parse_utf8(path: str | os.PathLike, limit: int, parse, language: str):
    """``parse`` of the UTF-8 text of ``path``, a regular file of at most ``limit`` bytes.

    A UTF-8 byte order mark is skipped. UnreadableFile when the file cannot be read, is
    not UTF-8, or goes past a parser's limits: json and tomllib raise RecursionError on
    deep nesting, and a plain ValueError
    (not their syntax error) for more digits than Python turns into an int. The parser's
    own syntax error, a subclass of ValueError, passes through for its line and column.
    """
    data = read_regular(path, limit)
    try:
        # A byte order mark is no part of the text: Notepad before Windows 10 1903 and
        # PowerShell 5's -Encoding UTF8 write one, and TOML and JSON parsers refuse it.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(path, _("is not UTF-8 text, which {language} must be").format(language=language)) from None
    try:
        return parse(text)
    except RecursionError:
        raise UnreadableFile(path, _("invalid {language}: nested too deeply").format(language=language)) from None
    except ValueError as exc:
        if type(exc) is not ValueError:
            raise
        raise UnreadableFile(
            path,
            _("invalid {language}: a number has more than {digits} digits").format(
                language=language, digits=sys.get_int_max_str_digits()
            ),
        ) from None


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # codec name as Python knows it
    bom: bool


def decode_bytes(data: bytes) -> DecodedText:
    """BOM first (UTF-8, UTF-16 LE/BE), then strict UTF-8, then cp932.

    Raises UnicodeDecodeError when the bytes are none of these.
    """
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(data[3:].decode("utf-8"), "utf-8", True)
    if data.startswith(codecs.BOM_UTF16_LE):
        return DecodedText(data[2:].decode("utf-16-le"), "utf-16-le", True)
    if data.startswith(codecs.BOM_UTF16_BE):
        return DecodedText(data[2:].decode("utf-16-be"), "utf-16-be", True)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        return DecodedText(data.decode(BATCH_ENCODING), BATCH_ENCODING, False)


def undecodable_at(data: bytes, encodings: tuple[str, ...] = ("utf-8", BATCH_ENCODING)) -> tuple[int, int]:
    """Where the first byte that is no text stands: 1-based line and column, counted in the
    characters before it (as every position of sogen's messages is), for bytes that
    :func:`decode_bytes` refuses. After a BOM, in its encoding; otherwise in the one of
    ``encodings`` that reads furthest, the file's likely own (a stray byte in a cp932 file
    fails UTF-8 at its first Japanese character)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            start, encodings = len(bom), (codec,)
            break
    else:
        start = 0
    furthest = None
    for encoding in encodings:
        try:
            data[start:].decode(encoding)
        except UnicodeDecodeError as exc:
            if furthest is None or exc.start > furthest[1]:
                furthest = (encoding, exc.start)
    if furthest is None:
        return 1, 1
    encoding, offset = furthest
    before = data[start : start + offset].decode(encoding)
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def damaged_utf8(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 are UTF-8 text with a few bad bytes (one flipped or
    pasted in) rather than code page 932: read as UTF-8, their characters of three bytes or
    more (Japanese, from U+0800) outnumber the bad sequences at least two to one. Code page
    932 text read as UTF-8 is nearly all bad sequences (its lead bytes 0x81-0x9F never
    start one), and its half-width katakana pairs read as two-byte characters only."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    wide = sum(1 for ch in text if ch >= "\u0800" and ch != "\ufffd")
    return 0 < bad and wide >= max(2, 2 * bad)


def euc_jp_text(data: bytes) -> str | None:
    """The text of bytes that are EUC-JP (a Unix editor's Japanese), or None. Such bytes
    also read as code page 932, as half-width katakana: they are taken for EUC-JP only when
    they decode as it strictly and hold full-width kana, which code page 932 writes with lead
    bytes 0x82 and 0x83, never valid EUC-JP; text of half-width katakana alone stays cp932's."""
    if data.isascii():
        return None
    try:
        text = data.decode("euc_jp")
    except UnicodeDecodeError:
        return None
    kana = sum(1 for ch in text if "\u3041" <= ch <= "\u30fa")
    return text if kana >= 2 else None


def looks_binary(data: bytes) -> bool:
    """A NUL byte outside UTF-16 text means the file is not text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in data[:8192]


def to_crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def encode_batch(text: str) -> bytes:
    """Batch files: code page 932 and CRLF, whatever the template used."""
    return to_crlf(text).encode(BATCH_ENCODING)


# What a terminal or a CI log would act on instead of showing: control characters but
# the tab (a NUL, a BEL, an ESC that starts a colour or moves the cursor, a CR that
# overwrites the line) and the marks that reorder the text shown after them.
_UNSEEN = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str, compose: bool = True) -> str:
    """``text`` with what a terminal would act on written as ``\\x1b`` (``\\u202e``), composed
    (NFC): a name in NFD, as macOS writes it, shows ガイド, not カ and a combining mark,
    which a code page 932 console shows as "?". Without ``compose``, a name a program
    must find again (a GitHub annotation's file) keeps its form."""
    if compose and not text.isascii():
        import unicodedata  # not loaded where all text is ASCII (start-up)

        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if _UNSEEN.search(text) is None:
        return text
    return _UNSEEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if m.group() < "\u0100" else f"\\u{ord(m.group()):04x}", text)


def visible_lines(text: str) -> str:
    """:func:`visible` line by line: a message of several lines keeps its line ends."""
    return "\n".join(visible(line) for line in text.split("\n"))


def folders_up(folder: str) -> Iterator[str]:
    """``folder`` (made absolute) and every folder above it, nearest first."""
    current = os.path.abspath(folder)
    while True:
        yield current
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def name_as_written(name: str) -> str:
    """A file or folder name (or path) as its owner wrote it: a code page 932 name unpacked
    from a Windows zip on Linux reaches Python as lone surrogates (one per byte), read here as
    the cp932 text it is; every other part of the path as it is."""
    return "/".join(_part_as_written(part) for part in name.split("/"))


def _part_as_written(part: str) -> str:
    try:
        part.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(part).decode(BATCH_ENCODING, errors="replace")
    return part


def utf8(text: str) -> bytes:
    """``text`` as UTF-8 bytes for a file or a report. A file name that is no UTF-8 (a
    code page 932 name unpacked from a Windows zip, which Python keeps as lone
    surrogates) is written as its ``\\udcXX`` escape: in JSON the escape of that very
    character, elsewhere a readable stand-in, never a crash of the whole report."""
    return text.encode("utf-8", "backslashreplace")


def write_utf8(stream, text: str) -> None:
    """Machine-readable output (JSON, SARIF) as UTF-8 whatever the console's encoding
    (cp932 on a Japanese Windows, where Python would write the ANSI code page)."""
    if hasattr(stream, "buffer"):
        stream.flush()
        stream.buffer.write(utf8(text))
        stream.buffer.flush()
    else:  # a text stream without bytes underneath (io.StringIO in tests)
        stream.write(text)


def write_document(stream, text: str) -> None:
    """A file's text on standard output (the JSON Schema, an SVG, a starter topology, a
    completion script): UTF-8 when it is redirected, as every reader of those files
    expects (`sogen schema > topology.schema.json` on a Japanese Windows wrote code page
    932); the console's encoding on a console, which shows it."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        stream.write(text)
    else:
        write_utf8(stream, text)


def obeys_escapes(stream) -> bool:
    """Whether a console obeys the escape sequences of colours and of erasing a line.
    Every terminal does but Windows' console, which obeys them once asked to
    (ENABLE_VIRTUAL_TERMINAL_PROCESSING, Windows 10 and Server 2016 on) and otherwise
    prints them as they are (←[1m): it is asked here, and a console that cannot gets none."""
    if sys.platform != "win32":
        return True
    try:
        import ctypes
        import msvcrt

        handle = msvcrt.get_osfhandle(stream.fileno())
        kernel32 = ctypes.windll.kernel32
        mode = ctypes.c_uint32()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        virtual_terminal = 0x0004
        return bool(mode.value & virtual_terminal or kernel32.SetConsoleMode(handle, mode.value | virtual_terminal))
    except (AttributeError, ImportError, OSError, ValueError):  # no console under the stream
        return False


# Consoles whose code page gives a character as many cells as it has bytes.
_DOUBLE_BYTE_CONSOLES = ("cp932", "shift_jis")


def cells(text: str, encoding: str | None = None) -> int:
    """Terminal cells ``text`` takes on a console writing ``encoding``. In code page 932 (a
    Japanese Windows) a character takes as many cells as it has bytes: two for Japanese,
    the ambiguous ○ ① → ※ α included, one for a character the console shows as "?".
    Elsewhere by East Asian Width: two for wide and full-width, none for a combining mark."""
    if text.isascii():
        return len(text)
    if encoding is not None and encoding.lower().replace("-", "_") in _DOUBLE_BYTE_CONSOLES:
        return len(text.encode(encoding, "replace"))
    import unicodedata  # not loaded where all text is ASCII (start-up)

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
