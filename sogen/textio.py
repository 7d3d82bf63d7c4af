"""Reading files (regular ones only, of a bounded size) in whatever encoding they come in;
writing what Windows expects."""

from __future__ import annotations

import codecs
import os
import stat
import sys
from dataclasses import dataclass

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
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
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
    return f"{count} bytes"


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes.

    Raises UnreadableFile for anything else: no such file, a directory, a FIFO,
    a device or socket, a larger file, or an I/O error.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise UnreadableFile(path, "no such file") from None
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "a special file")
            raise UnreadableFile(path, f"is {kind}, not a regular file")
        if info.st_size > limit:
            raise UnreadableFile(path, f"is {_size(info.st_size)}; at most {_size(limit)} is allowed")
        with open(descriptor, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:  # it grew after fstat
        raise UnreadableFile(path, f"is larger than {_size(limit)}, the most allowed")
    return data


def parse_utf8(path: str | os.PathLike, limit: int, parse, language: str):
    """``parse`` of the UTF-8 text of ``path``, a regular file of at most ``limit`` bytes.

    UnreadableFile when the file cannot be read, is not UTF-8, or goes past a parser's
    limits: json and tomllib raise RecursionError on deep nesting, and a plain ValueError
    (not their syntax error) for more digits than Python turns into an int. The parser's
    own syntax error, a subclass of ValueError, passes through for its line and column.
    """
    data = read_regular(path, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(path, f"is not UTF-8 text, which {language} must be") from None
    try:
        return parse(text)
    except RecursionError:
        raise UnreadableFile(path, f"invalid {language}: nested too deeply") from None
    except ValueError as exc:
        if type(exc) is not ValueError:
            raise
        limit_text = f"a number has more than {sys.get_int_max_str_digits()} digits"
        raise UnreadableFile(path, f"invalid {language}: {limit_text}") from None


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
