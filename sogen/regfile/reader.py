"""Registry patches (.reg): reading, parsing, and the small IR the rules use.

Both formats regedit writes are understood: ``Windows Registry Editor Version
5.00`` (UTF-16LE with BOM) and ``REGEDIT4`` (the ANSI code page, 932 here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import cast

from sogen.i18n import N_, _, language
from sogen.batch.ir import Span
from sogen.textio import decode_bytes

V5_HEADER = "Windows Registry Editor Version 5.00"
V4_HEADER = "REGEDIT4"
HIVES = ("HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER", "HKEY_CLASSES_ROOT", "HKEY_USERS", "HKEY_CURRENT_CONFIG")
_STRING_ESCAPE = re.compile(r"\\(.)")
_QUOTED = r'"(?:[^"\\\r\n]|\\[^\r\n])*"'
_STRING_VALUE = re.compile(rf"({_QUOTED}|@)[ \t]*=[ \t]*({_QUOTED})")


REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ = 1, 2, 7


@dataclass(frozen=True)
class RegValue:
    span: Span
    name: str | None  # None for the default value (@)
    kind: str  # "string", "delete", "dword", "hex"
    data: str | int | bytes | None
    hex_type: int | None = None  # N of hex(N):, None for plain hex:
    # How regedit reads hex(1)/hex(2)/hex(7) data: UTF-16LE in a version 5.00 file (True),
    # the ANSI code page in a REGEDIT4 one (False); None: the header is unknown, guessed.
    wide: bool | None = None

    @property
    def text(self) -> str | None:
        """The value as a string: a "string", or a hex(1)/hex(2) string as regedit imports
        REG_SZ / REG_EXPAND_SZ data (see ``wide``), up to its first NUL, where a program
        reading the value stops (UTF-16 data in a REGEDIT4 file is its first character)."""
        if self.kind == "string":
            return self.data
        if self.kind != "hex" or self.hex_type not in (REG_SZ, REG_EXPAND_SZ):
            return None
        raw = cast(bytes, self.data)
        wide = looks_wide(raw) if self.wide is None else self.wide
        return raw.decode("utf-16-le" if wide else "cp932", errors="replace").split("\x00", 1)[0]

    @property
    def other_width(self) -> bool:
        """hex(1)/hex(2)/hex(7) data written for the other format: UTF-16 (a NUL after
        every character) in a REGEDIT4 file, single bytes in a version 5.00 one."""
        if self.kind != "hex" or self.hex_type not in (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ) or self.wide is None:
            return False
        raw = cast(bytes, self.data)
        if not raw.strip(b"\x00"):
            return False  # empty either way
        # (one character and its NUL, 31,00, is as good ANSI as UTF-16: only longer data tells)
        ascii_in_utf16 = len(raw) >= 4 and len(raw) % 2 == 0 and not any(raw[1::2])
        if self.wide:  # UTF-16 data has an even length and ends in 00,00 (Japanese has no 00 bytes)
            return not (len(raw) % 2 == 0 and (raw.endswith(b"\x00\x00") or ascii_in_utf16))
        return ascii_in_utf16  # (Japanese in UTF-16 is not told from cp932 bytes: left alone)


def looks_wide(raw: bytes) -> bool:
    """Whether string data is UTF-16LE: ASCII text with a NUL after every character."""
    return len(raw) >= 2 and raw[1::2].count(0) >= len(raw) // 4


@dataclass(frozen=True)
class RegKey:
    span: Span
    path: str
    delete: bool
    values: tuple[RegValue, ...]

    def value(self, name: str) -> RegValue | None:
        """The last value of that name (regedit applies them in order); names are case-insensitive."""
        found = [v for v in self.values if v.name is not None and v.name.lower() == name.lower()]
        return found[-1] if found else None


@dataclass(frozen=True)
class RegProblem:
    span: Span
    message: str


@dataclass
class RegFile:
    path: str
    header: str | None  # "v5", "regedit4" or None (unknown)
    keys: list[RegKey]
    problems: list[RegProblem]  # syntax: unknown header, malformed line, bad escape, value before a key
    lines: list[str]
    encoding: str
    bom: bool
    decodable: bool = True
    raw: bytes = field(repr=False, default=b"")

    def merged_keys(self) -> list[RegKey]:
        """One key per path: regedit applies sections of the same key one after the other."""
        merged: dict[str, RegKey] = {}
        for key in self.keys:
            known = merged.get(key.path.lower())
            if known is None or key.delete or known.delete:
                merged[key.path.lower()] = key
            else:
                merged[key.path.lower()] = RegKey(known.span, known.path, False, known.values + key.values)
        return list(merged.values())


@cache
def _parser():
    from importlib import resources

    from lark import Lark

    grammar = resources.files("sogen.regfile").joinpath("reg.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual")


def _looks_utf16le(data: bytes) -> bool:
    """UTF-16LE without a BOM: ASCII text with a NUL after every character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    head = data[:200]
    return len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0


def _decode(data: bytes) -> tuple[str, str, bool, bool]:
    if _looks_utf16le(data):
        try:
            return data.decode("utf-16-le"), "utf-16-le", False, True
        except UnicodeDecodeError:
            pass
    try:
        decoded = decode_bytes(data)
        return decoded.text, decoded.encoding, decoded.bom, True
    except UnicodeDecodeError:
        return data.decode("cp932", errors="replace"), "cp932", False, False


def _unescape(token: str, problems: list[str]) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    for match in _STRING_ESCAPE.finditer(body):
        if match.group(1) not in '\\"':
            problems.append(
                _('bad escape \\{character} in a string: only \\\\ and \\" are escapes').format(character=match.group(1))
            )
    return _STRING_ESCAPE.sub(r"\1", body)


# A value line whose data is hex: the only data regedit continues on the next line.
_HEX_VALUE = re.compile(rf"\s*(?:{_QUOTED}|@)\s*=\s*hex(?:\([0-9a-f]*\))?:", re.I)


def _continues(text: str, data_start: int) -> str | None:
    """``text`` less the backslash that ends its hex data (at ``data_start``) when the data
    goes on on the next line (a comment may follow: ``01,02,\\ ; note``), else None."""
    data = text[data_start:].split(";", 1)[0].rstrip()  # hex data holds no ';'
    return text[:data_start] + data[:-1] if data.endswith("\\") else None


def _logical_lines(lines: list[str]):
    """(first line number, last line number, text): hex data continued with a trailing
    backslash is joined, as regedit reads it, over the blank and ``;`` comment lines
    between (a ``[key]`` line ends it). Other lines never continue: a string or a
    comment that ends in a backslash is one line (regedit's own tests on Windows)."""
    index = 0
    while index < len(lines):
        start = index
        text = lines[index]
        hex_value = _HEX_VALUE.match(text)
        if hex_value:
            while (head := _continues(text, hex_value.end())) is not None:
                following = index + 1
                while following < len(lines) and (not lines[following].strip() or lines[following].lstrip().startswith(";")):
                    following += 1
                if following >= len(lines) or lines[following].lstrip().startswith("["):
                    text = head  # the data ends at the end of the file, or where a key begins
                    break
                index = following
                text = head + lines[index].strip()
        yield start + 1, index + 1, text
        index += 1


def parse_registry(path: str, data: bytes) -> RegFile:
    text, encoding, bom, decodable = _decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    problems: list[RegProblem] = []
    keys: list[RegKey] = []
    header = None
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        head = lines[first].strip()
        if head == V5_HEADER:
            header = "v5"
        elif head == V4_HEADER:
            header = "regedit4"
        else:
            problems.append(
                RegProblem(Span(first + 1, 1, first + 1, len(lines[first]) + 1),
                           _("unknown header {header}: a .reg file starts with {v5} or {v4}").format(
                               header=repr(head[:40]), v5=repr(V5_HEADER), v4=repr(V4_HEADER)))
            )
    current: tuple[Span, str, bool, list[RegValue]] | None = None

    def close_key():
        if current is not None:
            keys.append(RegKey(current[0], current[1], current[2], tuple(current[3])))

    for start, end, line in _logical_lines(lines[(first or 0) + 1 :] if header else lines):
        offset = (first or 0) + 1 if header else 0
        start, end = start + offset, end + offset
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        span = Span(start, len(line) - len(line.lstrip()) + 1, end, len(lines[end - 1]) + 1)
        reading = _read_line(stripped, language())
        kind = reading[0]
        if kind == _KEY:
            close_key()
            current = (span, reading[1], reading[2], [])
        elif kind == _VALUE:
            name, value, messages = reading[1:]
            problems.extend(RegProblem(span, message) for message in messages)
            if current is None:
                problems.append(RegProblem(span, _(_VALUE_BEFORE_KEY)))
            elif current[2]:
                problems.append(RegProblem(span, _(_VALUE_OF_DELETED_KEY)))
            else:
                current[3].append(RegValue(span, name, *value, wide=None if header is None else header == "v5"))
        elif kind == _MALFORMED:
            problems.append(RegProblem(span, reading[1]))
    close_key()
    return RegFile(path, header, keys, problems, lines, encoding, bom, decodable, data)


_KEY, _VALUE, _COMMENT, _MALFORMED = "key", "value", "comment", "malformed"
_VALUE_BEFORE_KEY = N_("value before any [key] line: regedit does not know where to write it")
_VALUE_OF_DELETED_KEY = N_(
    "value under a [-key] line: regedit deletes that key and writes none of its values; write them under [key]"
)


@lru_cache(maxsize=8192)
def _read_line(stripped: str, lang: str = "en") -> tuple:
    """What one logical line says, wherever it stands: (_KEY, path, delete),
    (_VALUE, name, (kind, data, hex_type), bad-escape messages), (_COMMENT,) or
    (_MALFORMED, message), the messages in ``lang`` (sogen.i18n's current language).
    Patches repeat their lines from file to file, so each text is read once."""
    # The two shapes nearly every line has are read without the grammar: it costs
    # twenty times more, and the fixture corpus checks that both agree.
    if stripped.startswith("[") and stripped.endswith("]"):
        delete = stripped.startswith("[-")
        return _KEY, _key_path(stripped[2:-1] if delete else stripped[1:-1]), delete
    messages: list[str] = []
    simple = _STRING_VALUE.fullmatch(stripped)
    if simple:
        name_token, data_token = simple.groups()
        name = None if name_token == "@" else _unescape(name_token, messages)
        return _VALUE, name, ("string", _unescape(data_token, messages), None), tuple(messages)
    from lark.exceptions import LarkError  # only lines of other shapes need Lark

    try:
        tree = _parser().parse(stripped)
    except LarkError:
        shown = repr(stripped[:60])
        return _MALFORMED, _('malformed line: {line} is neither a [key], a "name"=value line nor a ; comment').format(
            line=shown
        )
    if tree.data == "comment_line":
        return (_COMMENT,)
    if tree.data == "key_line":
        token = tree.children[0]
        delete = token.type == "DELETE_KEY"
        return _KEY, _key_path(token[2:-1] if delete else token[1:-1]), delete
    name_node, data_node = tree.children[0], tree.children[1]
    name = _unescape(name_node.children[0], messages) if name_node.data == "named" else None
    value = _value(data_node, messages)
    return _VALUE, name, value, tuple(messages)


def _key_path(written: str) -> str:
    """The key a [key] line names: regedit ignores backslashes at its end (``...\\OPCNTRL\\]``)."""
    return written.rstrip("\\") or written


def _value(node, problems: list[str]) -> tuple[str, object, int | None]:
    kind = node.data
    if kind == "string":
        return "string", _unescape(node.children[0], problems), None
    if kind == "delete":
        return "delete", None, None
    token = str(node.children[0])
    if kind == "dword":
        return "dword", int(token.split(":", 1)[1], 16), None
    prefix, _sep, body = token.partition(":")
    hex_type = int(prefix[4:-1], 16) if "(" in prefix else None
    digits = [b.strip() for b in body.split(",") if b.strip()]
    return "hex", bytes(int(b, 16) for b in digits), hex_type


def expected_encoding_problem(reg: RegFile) -> str | None:
    """SO602's question: does regedit read the file as it is written? It refuses UTF-16
    without a BOM or big-endian ("not a registry script") and reads what is not UTF-16LE
    in the ANSI code page (932), where a version 5.00 file of ASCII only is read right."""
    if reg.header == "v5":
        if reg.encoding == "utf-16-le" and reg.bom:
            return None
        if reg.encoding.startswith("utf-16"):
            return _(
                "regedit refuses a version 5.00 file in {found} (\"not a registry script\"): save it as "
                "UTF-16LE with a BOM, as regedit writes it"
            ).format(found=_("{encoding} with BOM").format(encoding=reg.encoding) if reg.bom else reg.encoding)
        if reg.raw.isascii():
            return None
        found = _("{encoding} with BOM").format(encoding=reg.encoding) if reg.bom else reg.encoding
        return _(
            "a version 5.00 .reg file should be UTF-16LE with a BOM (as regedit writes it); this one is {found}"
        ).format(found=found)
    # (Japanese in UTF-8 often decodes as cp932 too: what decoded it first says what it is.)
    if reg.header == "regedit4" and (reg.bom or (not reg.raw.isascii() and (reg.encoding != "cp932" or not reg.decodable))):
        return _("a REGEDIT4 file is read in the ANSI code page (932): it must be cp932 text without a BOM")
    return None
