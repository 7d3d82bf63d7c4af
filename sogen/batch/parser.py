"""Batch files to :mod:`sogen.batch.ir`: the parser behind ``sogen lint`` and ``sogen trace``.

cmd.exe reads a batch file one command line at a time: a physical line, or more
when a parenthesised block or a ``^`` continuation goes on. So does this parser.
Each command line is parsed on its own, so a line that cannot be parsed becomes a
:class:`~sogen.batch.ir.ParseError` and the lines after it are still read.

Three ways through, cheapest first:

* comment and label lines, recognised by a regular expression;
* lines without special characters outside quotes (most lines of these scripts:
  ``ARMLOAD ...``, ``IF "%ARMS_EVENT%" == "START" GOTO NORMAL``), split by regular
  expressions that mirror the grammar's terminals token for token;
* everything else: the Lark LALR grammar ``batch.lark``. Lark is imported and the
  parser built (from Lark's cache) only when a file has such a line.

Positions: lines are what cmd.exe reads, so only LF ends a line (a CR before it
belongs to the line ending; any other CR is a blank). Columns count characters of
the decoded line from 1; ``end_column`` is the column just after the last character.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
from functools import cache, lru_cache
from typing import NamedTuple, Sequence

from sogen.batch import MAX_LINE
from sogen.i18n import N_, _
from sogen.batch.ir import (
    Block,
    Call,
    Chain,
    Command,
    Comment,
    Condition,
    Exit,
    For,
    Goto,
    If,
    Label,
    ParseError,
    Redirection,
    Script,
    Set,
    Span,
    Stmt,
    Word,
)
from sogen.textio import BATCH_ENCODING, DecodedText, damaged_utf8, decode_bytes, euc_jp_text

__all__ = [
    "BUILTINS",
    "MAX_LINE",
    "MAX_NESTING",
    "called_command",
    "parse_lines",
    "parse_script",
    "program_of",
    "split_lines",
    "unescape",
]

#: Deeper blocks are reported instead of parsed, so that every walk of the IR
#: (analysis, rules, equality) stays far from Python's recursion limit.
MAX_NESTING = 32

# A ")" that closes no block (cmd takes it as text) reaches the grammar as this
# Unicode noncharacter, which no real script contains.
_TEXT_PAREN = "\ufdd1"

#: cmd.exe's internal commands: they run no program.
BUILTINS = frozenset(
    "assoc break call cd chdir cls color copy date del dir dpath echo endlocal erase exit for "
    "ftype goto if keys md mkdir mklink move path pause popd prompt pushd rd rem ren rename "
    "rmdir set setlocal shift start time title type ver verify vol".split()
)
# cmd recognises an internal command glued to some punctuation: echo. goto:eof cd..
_BUILTIN_PREFIX = re.compile(r"([a-z]+)(?=[.:\\\[\]+]|$)")

# -- the cheap paths: regular expressions that agree with batch.lark -------------------
_LEAD_CHARS = " \t\r\x0b\x0c,;=@"  # and "", so that an empty line is blank
_LEAD = re.compile(r"[ \t\r\x0b\x0c,;=@]*")
_REM = re.compile(r"rem(?=[ \t\r\x0b\x0c,;=]|$)", re.I)
_KEYWORD = re.compile(r"(?:(if)(?=[ \t\r\x0b\x0c(]|$)|(for)(?=[ \t\r\x0b\x0c]|$))", re.I)
# No special character outside quotes (a quote left open runs to the end of the line).
_SPECIAL = re.compile(r"[&|<>()^\r\x0b\x0c]")
_SIMPLE = re.compile(r'(?:[^"&|<>()^\r\x0b\x0c]++|"[^"]*+(?:"|$))*+\Z')
# On such a line these are exactly the grammar's NAME and WORD terminals.
_NAME = re.compile(r'(?:"[^"]*+"?|[^ \t,;="/@:])(?:"[^"]*+"?|[^ \t,;="/])*+')
_WORD = re.compile(r'(?:"[^"]*+"?|[^ \t"])++')


def _if_condition(operand: str, blank: str) -> re.Pattern[str]:
    """IF's ``[/I] [NOT] condition``. Possessive and atomic parts make the choices
    the LALR lexer makes: a keyword wins where it matches, a token is as long as
    it can be."""
    keyword = "(?:exist|defined|errorlevel)"
    return re.compile(
        rf"""
        (?P<ci>/i{blank}++)?+
        (?P<neg>not{blank}++)?+
        (?:
            (?P<kind>{keyword}){blank}++(?P<arg>{operand})
          | (?!{keyword}{blank})(?P<left>{operand}){blank}*+
            (?P<op>==|(?:equ|neq|lss|leq|gtr|geq)(?={blank})){blank}*+(?P<right>{operand})
        )
        """,
        re.I | re.X,
    )


# %NAME:~1,2% or %NAME:a=b% is expanded before cmd splits the line into words: its "," "="
# or blanks separate nothing (batch.lark's OPERAND has the same alternative). An IF
# operand may hold parentheses, "(" only at its start, as OPERAND says.
_MODIFIED_REFERENCE = r"%[A-Za-z_$#@][^%:\s]*+:[^%\n]*+%"
# IF on such a line; when the expression fails, the line goes to the grammar.
_SIMPLE_IF = re.compile(r"if[ \t]++", re.I)
# IF with nothing before "==": what an unset %VAR% leaves of "IF %VAR% == X" (guide 3.2's
# scripts when ARM is not running), a syntax error.
_EMPTY_OPERAND = re.compile(r"(?:/i[ \t]++)?(?:not[ \t]++)?(==)", re.I)
# A quoted operand: a %NAME:"=% inside is expanded before cmd looks for the closing
# quote ("%ARG:"=%" == "" is how scripts test an argument without its quotes); a %%
# is a percent sign of its own (%%n: =!B%% holds no reference), in an operand too.
_QUOTED_OPERAND = rf'"(?:%%|{_MODIFIED_REFERENCE}|[^"\n])*+"?'
_SIMPLE_CONDITION = _if_condition(rf'\(*+(?:%%|{_MODIFIED_REFERENCE}|{_QUOTED_OPERAND}|[^ \t,;="()]|\))++', r"[ \t]")
_LABEL_END = re.compile(r"[ \t\r\x0b\x0c:+,;=]")

# -- cutting a file into command lines (cmd's "phase 2" bookkeeping) -----------------
_CMD_WORD = re.compile(r'(?:"[^"]*+"?|\^.|[^ \t\r\x0b\x0c,;=&|<>()"^])++')
_IF_CONDITION = _if_condition(
    rf'\(*+(?:%%|{_MODIFIED_REFERENCE}|{_QUOTED_OPERAND}|\^.|[^ \t\r\x0b\x0c,;=&|<>()"^]|\))++', r"[ \t\r\x0b\x0c]"
)
# FOR's options and variable, IN and the opening of its list (FOR has already been read).
_FOR_UNTIL_LIST = (
    r'(?:[ \t\r\x0b\x0c]++(?!in[ \t\r\x0b\x0c(])(?:"[^"]*+"?|(?:\^.|[^ \t\r\x0b\x0c"(^])++))*+'
    r"[ \t\r\x0b\x0c]++in[ \t\r\x0b\x0c]*+\("
)
_LIST_ITEMS = r'(?:"[^"]*+"?|\^.|[^)"^])*+'
_FOR_DO = r"[ \t\r\x0b\x0c]*+do(?=[ \t\r\x0b\x0c(]|$)"
_FOR_HEADER = re.compile(_FOR_UNTIL_LIST + _LIST_ITEMS + r"\)" + _FOR_DO, re.I)
# A list that goes on on the next line ("FOR %%s IN (" and an item a line, as cmd allows).
_FOR_OPEN_LIST = re.compile(_FOR_UNTIL_LIST + _LIST_ITEMS + r"\Z", re.I)
_LIST_REST = re.compile(_LIST_ITEMS)
_AFTER_LIST = re.compile(r"\)" + _FOR_DO, re.I)
_REDIRECT = re.compile(r'[0-9]?(?:>>?|<)(?:&[0-9])?[ \t\r\x0b\x0c]*+(?:"[^"]*+"?|\^.|[^ \t\r\x0b\x0c&|<>()"^])*+')
_ARG_SPECIAL = re.compile(r'["^&|()]')
_ELSE = re.compile(r"else(?=[ \t\r\x0b\x0c(]|$)", re.I)
_BLANKS = re.compile(r"[ \t\r\x0b\x0c]*")


def _after(pattern: re.Pattern[str], text: str, pos: int = 0) -> int:
    """Where what ``pattern`` matches at ``pos`` ends: a pattern that matches the empty
    text, or one the caller knows is there. (An assert, not typing.cast: no call on the
    parser's hottest lines.)"""
    match = pattern.match(text, pos)
    assert match is not None
    return match.end()

_CARET = re.compile(r'"[^"\n]*"?|\^(\n|.)?', re.S)


_TRAILING_REM = re.compile(r"&[ \t]*@?rem(?:[ \t].*)?$", re.I)


def code_of(line: str) -> str:
    """What of ``line`` cmd runs: nothing of a comment (REM or a :: label, after the blanks
    and @), the line without a comment after & (``set X=1 & rem was 2``) otherwise."""
    pos = _after(_LEAD, line)
    if _REM.match(line, pos) is not None or line.startswith("::", pos):
        return ""
    return _TRAILING_REM.sub("", line)


# A CR that ends no line (no LF after it) with more of a command after it: cmd drops it (SO701).
LONE_CR = re.compile(r"\r(?=[ \t]*[^\s])")


def parse_script(path: str, data: bytes) -> Script:
    """Parse a batch file as stored on disk. Never raises for any ``data``."""
    decoded: DecodedText | None
    try:
        decoded = decode_bytes(data)
        text, encoding = decoded.text, decoded.encoding
    except UnicodeDecodeError:
        decoded = None
        text, encoding = _decode_with_replacement(data)
    crlf, lf = text.count("\r\n"), text.count("\n")
    if LONE_CR.search(text):  # an old Mac's line ends: cmd drops the CR, joining the text around it
        newline = "\r"
    else:
        newline = "\r\n" if crlf == lf else "\n" if crlf == 0 else "mixed"
    lines = split_lines(text)
    return Script(
        path=path,
        statements=parse_lines(lines),
        lines=lines,
        encoding=encoding,
        newline=newline,
        raw=data,
        decode_errors=decoded is None,
        decoded=decoded,
    )


def cmd_misreading(script: Script) -> str | None:
    """How cmd.exe, reading code page 932, misreads the file (None: it reads it as written):
    "undecodable" (no encoding reads it), "utf-16" (cmd runs nothing of it), "utf-8-bom"
    (the BOM joins the first command), "utf-8" (its text outside ASCII, without chcp 65001),
    "utf-8-before-chcp" (such text up to its chcp 65001) or "euc-jp" (a Unix editor's
    Japanese, which cmd reads as other characters)."""
    decoded = script.decoded
    if (decoded is None or decoded.encoding == BATCH_ENCODING) and euc_jp_text(script.raw) is not None:
        return "euc-jp"
    if decoded is None:
        return "undecodable"
    if decoded.encoding.startswith("utf-16"):
        return "utf-16"
    if decoded.encoding == "utf-8" and decoded.bom:
        return "utf-8-bom"
    if decoded.encoding == "utf-8" and not decoded.text.isascii():
        switch = utf8_from_line(script)
        # Up to its chcp 65001 cmd still reads code page 932: text outside ASCII there is garbled.
        if switch is None:
            return "utf-8"
        if not all(line.isascii() for line in script.lines[:switch]):
            return "utf-8-before-chcp"
    return None


def utf8_from_line(script: Script) -> int | None:
    """The line of the script's first ``chcp 65001``, after which Windows' cmd reads the file
    as UTF-8 (it reads a batch file line by line, in the console's code page); None without."""
    from sogen.batch.control import walk

    return next(
        (
            s.span.line
            for s in walk(script.statements)
            if s.__class__ is Command and s.program == "chcp" and any(a.value == "65001" for a in s.args)
        ),
        None,
    )


def split_lines(text: str) -> list[str]:
    """The lines cmd reads: only LF ends one; the CR of a CRLF is dropped."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _decode_with_replacement(data: bytes) -> tuple[str, str]:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec
    if damaged_utf8(data):  # UTF-8 with a stray byte: shown, and pointed at, as its author wrote it
        return data.decode("utf-8", errors="replace"), "utf-8"
    return data.decode(BATCH_ENCODING, errors="replace"), BATCH_ENCODING


def parse_lines(lines: Sequence[str], first_line: int = 1) -> list[Stmt]:
    """Parse decoded lines (without line endings); ``lines[0]`` is line ``first_line``."""
    statements: list[Stmt] = []
    append = statements.append
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        lineno = first_line + i
        known = _one_line_statement_at(line, lineno)
        if known is not None:
            append(known)
            i += 1
            continue
        end, stmt = _parse_command_line(lines, i, first_line)
        if stmt is not None:
            append(stmt)
        i = end
    return statements


@lru_cache(maxsize=16384)
def _one_line_statement_at(line: str, lineno: int) -> Stmt | None:
    """The statement of a line that is a whole command line wherever it stands, at line
    ``lineno`` (None otherwise: a blank line, a continued line, a block never closed
    on it depend on what follows). These scripts are copies of a few samples: most
    lines recur in file after file, often at the same place (then the statement is
    handed out again as it is), else moved from where the line was first parsed."""
    first = _first_parse(line)
    if not first:
        first += (_whole_line_statement(line, lineno), lineno)
        return first[0]
    stmt, at = first
    return stmt if stmt is None or at == lineno else _shift(stmt, lineno - at)


@lru_cache(maxsize=16384)
def _first_parse(line: str) -> list:
    """[statement, line number] of the line's first parse, filled by the first use."""
    return []


def _whole_line_statement(line: str, lineno: int) -> Stmt | None:
    if line.endswith("^"):
        return None
    end, stmt = _parse_command_line((line,), 0, lineno)
    if stmt is None or end != 1 or (type(stmt) is ParseError and stmt.fatal):
        return None
    return stmt


# How each field of the IR that holds positions moves down ``lines`` lines, by field name
# (the others hold none): what the field types say, written once, since a compiled IR
# keeps no annotations to read them from (tests/test_parser.py holds the two together).
POSITION_FIELDS = {
    "span": "_span({}, lines)",
    "target_span": "_span({}, lines)",
    "redirection_spans": "tuple([_span(s, lines) for s in {}])",
    "args": "tuple([_word(w, lines) for w in {}])",
    "left": "{0} and _word({0}, lines)",
    "right": "{0} and _word({0}, lines)",
    "condition": "_shift({}, lines)",
    "then": "tuple([_shift(s, lines) for s in {}])",
    "otherwise": "None if {0} is None else tuple([_shift(s, lines) for s in {0}])",
    "body": "tuple([_shift(s, lines) for s in {}])",
    "parts": "tuple([_shift(s, lines) for s in {}])",
}


def _shifter(cls: type):
    """A function building a ``cls`` (an IR class) again ``lines`` lines further down,
    written as dataclasses writes ``__init__``: one expression per field, so that moving
    a statement costs about what building it does."""
    fields = [POSITION_FIELDS.get(f.name, "{}").format(f"value.{f.name}") for f in dataclasses.fields(cls)]
    namespace = {"cls": cls, "_span": _span, "_word": _word, "_shift": _shift}
    return eval(f"lambda value, lines: cls({', '.join(fields)})", namespace)  # noqa: S307 - our own text


def _span(span: Span, lines: int) -> Span:
    return Span(span[0] + lines, span[1], span[2] + lines, span[3])


def _word(word: Word, lines: int) -> Word:
    return Word(word[0], _span(word[1], lines))


def _shift(stmt, lines: int):
    """A statement (or a part of one) ``lines`` lines further down."""
    return _SHIFTERS[type(stmt)](stmt, lines)


_SHIFTERS = {
    cls: _shifter(cls)
    for cls in (Label, Comment, Goto, Call, Condition, If, Set, Exit, Block, For, Command, Chain, ParseError)
}


def _parse_command_line(lines: Sequence[str], i: int, first_line: int) -> tuple[int, Stmt | None]:
    """The command line starting at ``lines[i]``: the index after it and its statement
    (None for a blank line)."""
    line = lines[i]
    lineno = first_line + i
    pos = _after(_LEAD, line) if line[:1] in _LEAD_CHARS else 0
    if pos == len(line):
        return i + 1, None
    first = line[pos]
    if first == ":":
        return i + 1, _label_line(line, lineno, pos)
    if first in "rR" and _REM.match(line, pos):
        return i + 1, _comment(line[pos + 4 :], Span(lineno, pos + 1, lineno, len(line) + 1))
    if len(line) > MAX_LINE:
        too_long = _("line longer than cmd's limit of {maximum} characters").format(maximum=MAX_LINE)
        return i + 1, _error_lines(lines, i, i + 1, first_line, too_long)
    if first == ")":
        # cmd runs it as a command named ")", which does not exist, and goes on.
        # In English: this statement is kept for every file (_one_line_statement_at); SO703 translates it.
        return i + 1, _error_lines(lines, i, i + 1, first_line, N_("')' closes no block"), fatal=False)
    if _plain(line):
        stmt = _simple_line(line, lineno, pos)
        if stmt is not None:
            return i + 1, stmt
    cut = _Cutter(lines, i).run()
    if cut.problem is None:
        if not cut.text_parens and cut.end - i > 1:
            block = _simple_block(lines, i, cut.end, first_line)
            if block is not None:
                return cut.end, block
        return cut.end, _parse_with_grammar(lines, i, cut.end, first_line, cut.text_parens)
    return cut.end, _error_lines(lines, i, cut.end, first_line, cut.problem)


# -- comments and labels ----------------------------------------------------------------


def _label_line(line: str, lineno: int, pos: int) -> Stmt:
    """``:name [text]`` is a label; ``::text`` (or a ":" without a name) a comment."""
    span = Span(lineno, pos + 1, lineno, len(line) + 1)
    if line.startswith("::", pos):
        return Comment(span, line[pos + 2 :])
    return _label_or_comment(line[pos + 1 :], span)


def _label_or_comment(after_colon: str, span: Span) -> Stmt:
    if after_colon.startswith(":"):
        return Comment(span, after_colon[1:])
    end = _LABEL_END.search(after_colon)
    name = after_colon[: end.start()] if end else after_colon
    if not name:
        return Comment(span, after_colon)
    return Label(span, name)


def _comment(after_rem: str, span: Span) -> Comment:
    """The text after ``rem`` and the one delimiter that ends the keyword."""
    return Comment(span, after_rem[1:] if after_rem[:1] in " \t\r\x0b\x0c,;=" else after_rem)


def _error_lines(
    lines: Sequence[str], start: int, end: int, first_line: int, message: str, fatal: bool = True
) -> ParseError:
    text = "\n".join(lines[start:end])
    span = Span(first_line + start, 1, first_line + end - 1, len(lines[end - 1]) + 1)
    return ParseError(span, message, text, fatal)


# -- the fast path -------------------------------------------------------------------------


def _plain(line: str) -> bool:
    """No special character outside quotes: the fast path may read the line."""
    return _SPECIAL.search(line) is None or _SIMPLE.match(line) is not None


def _simple_line(line: str, lineno: int, pos: int) -> Stmt | None:
    """A line without special characters; None when it needs the grammar after all."""
    keyword = _KEYWORD.match(line, pos)
    if keyword is None:
        return _simple_command(line, lineno, pos)
    if keyword.group(1) is None:  # FOR always has parentheses; never here
        return None
    return _simple_if(line, lineno, pos)


def _simple_command(line: str, lineno: int, pos: int) -> Stmt | None:
    name = _NAME.match(line, pos)
    if name is None:
        return None
    cursor = name.end()
    # Only blanks separate the words: str.split finds them faster than a regex.
    texts = _WORD.findall(line, cursor) if '"' in line or "\t" in line else line[cursor:].split(" ")
    words = []
    for text in texts:
        if text:
            start = line.index(text, cursor)
            cursor = start + len(text)
            words.append(Word(text, Span(lineno, start + 1, lineno, cursor + 1)))
    end = cursor + 1 if words else name.end() + 1
    return _command(
        name.group(),
        Span(lineno, pos + 1, lineno, name.end() + 1),
        words,
        (),
        line[pos:],
        Span(lineno, pos + 1, lineno, end),
    )


def _simple_if(line: str, lineno: int, pos: int) -> Stmt | None:
    keyword = _SIMPLE_IF.match(line, pos)
    m = keyword and _SIMPLE_CONDITION.match(line, keyword.end())
    if not m:
        empty = keyword and _EMPTY_OPERAND.match(line, keyword.end())
        if empty:  # as the grammar reports it, without loading the grammar
            message = _unexpected("'=='", lineno, empty.start(1) + 1)
            return ParseError(Span(lineno, 1, lineno, len(line) + 1), message, line, True)
        return None
    then_pos = _after(_LEAD, line, m.end())
    if then_pos == len(line) or line[then_pos] == ":" or _REM.match(line, then_pos) or _KEYWORD.match(line, then_pos):
        return None
    then = _simple_command(line, lineno, then_pos)
    if then is None:
        return None
    condition = _simple_condition(m, lineno)
    return If(Span(lineno, pos + 1, lineno, then.span.end_column), condition, (then,), None)


def _simple_condition(m: re.Match[str], lineno: int) -> Condition:
    """The Condition of a ``_SIMPLE_CONDITION`` match on line ``lineno``."""

    def word(group: str) -> Word:
        return Word(m.group(group), Span(lineno, m.start(group) + 1, lineno, m.end(group) + 1))

    negated, case_insensitive = m.group("neg") is not None, m.group("ci") is not None
    if m.group("kind"):
        return Condition(m.group("kind").lower(), negated, case_insensitive, word("arg"), None, None)
    return Condition("compare", negated, case_insensitive, word("left"), m.group("op").upper(), word("right"))


# -- the fast path for IF blocks laid out a command a line --------------------------------

# After IF's condition: the "(" that opens its block, ending the line.
_OPENS_BLOCK = re.compile(r"[ \t]*+\([ \t]*+\Z")
_CLOSES_BLOCK = re.compile(r"[ \t]*+\)[ \t]*+\Z")
_ELSE_BLOCK = re.compile(r"[ \t]*+\)[ \t]*+else[ \t]*+\([ \t]*+\Z", re.I)
_BLANK_LINE = re.compile(r"[ \t]*+\Z")
# FOR [/L|/D|/R|/F] %%v IN (...) DO ( without /F or /R options: the grammar's tokens, one by one.
_SIMPLE_FOR = re.compile(
    r"for[ \t]++(?:(?P<switch>/[ldrf])[ \t]++)?(?P<var>%%?[^ \t\"%])[ \t]++in[ \t]*+"
    rf"(?P<items>\({_LIST_ITEMS}\))[ \t]*+do[ \t]*+\([ \t]*+\Z",
    re.I,
)


def _simple_block(lines: Sequence[str], start: int, end: int, first_line: int) -> Stmt | None:
    """``IF cond (`` or ``FOR [/L] %%v IN (...) DO (`` / simple lines, comments, nested such
    blocks / [``) ELSE (`` ...] / ``)``: the shape most blocks of these scripts have, read as
    the grammar reads it (a test holds the two to the same statements). None for any other
    shape: the grammar reads it."""
    read = _simple_compound(lines, start, first_line)
    if read is None or read[1] != end:
        return None
    return read[0]


def _simple_compound(lines: Sequence[str], i: int, first_line: int) -> tuple[If | For, int] | None:
    """The IF or FOR block starting at ``lines[i]`` and the index after it, or None."""
    line = lines[i]
    pos = _after(_LEAD, line)
    keyword = _KEYWORD.match(line, pos)
    if keyword is None:
        return None
    lineno = first_line + i
    if keyword.group(2):  # FOR
        header = _SIMPLE_FOR.match(line, pos)
        if header is None:
            return None
        body = _simple_block_body(lines, i + 1, first_line)
        if body is None or _ELSE_BLOCK.match(lines[body[1]]):
            return None
        end = _closing_span(lines, body[1], first_line)
        switch = header.group("switch")
        return For(
            Span(lineno, pos + 1, end.end_line, end.end_column), header.group("var"),
            switch.upper() if switch else None, header.group("items")[1:-1], body[0],
        ), body[1] + 1  # fmt: skip
    simple_if = _SIMPLE_IF.match(line, pos)
    m = simple_if and _SIMPLE_CONDITION.match(line, simple_if.end())
    if not simple_if or not m or not _OPENS_BLOCK.match(line, m.end()) or _SPECIAL.search(line, simple_if.end(), m.end()):
        return None
    then = _simple_block_body(lines, i + 1, first_line)
    if then is None:
        return None
    then_body, close = then
    otherwise_body = None
    if _ELSE_BLOCK.match(lines[close]):
        otherwise = _simple_block_body(lines, close + 1, first_line)
        if otherwise is None:
            return None
        otherwise_body, close = otherwise
    end = _closing_span(lines, close, first_line)
    condition = _simple_condition(m, lineno)
    return If(Span(lineno, pos + 1, end.end_line, end.end_column), condition, then_body, otherwise_body), close + 1


def _closing_span(lines: Sequence[str], index: int, first_line: int) -> Span:
    """The ")" that closes a block on ``lines[index]``."""
    column = lines[index].index(")") + 1
    return Span(first_line + index, column, first_line + index, column + 1)


def _simple_block_body(lines: Sequence[str], i: int, first_line: int) -> tuple[tuple[Stmt, ...], int] | None:
    """The statements of a block from ``lines[i]`` to its closing line (``)`` or ``) ELSE (``),
    and that line's index; None when a line is not of the simple shapes."""
    body: list[Stmt] = []
    while i < len(lines):
        line = lines[i]
        if _CLOSES_BLOCK.match(line) or _ELSE_BLOCK.match(line):
            return tuple(body), i
        if _BLANK_LINE.match(line):
            i += 1
            continue
        pos = _after(_LEAD, line)
        lineno = first_line + i
        if _REM.match(line, pos):
            if _SPECIAL.search(line, pos):
                return None
            body.append(_comment(line[pos + 3 :], Span(lineno, pos + 1, lineno, len(line) + 1)))
            i += 1
            continue
        nested = _simple_compound(lines, i, first_line) if _KEYWORD.match(line, pos) else None
        if nested is not None:
            body.append(nested[0])
            i = nested[1]
            continue
        if line[pos:pos + 1] in ":" or not _plain(line):
            return None
        stmt = _simple_line(line, lineno, pos)
        if stmt is None or type(stmt) is ParseError:  # the grammar makes the whole block the error
            return None
        body.append(stmt)
        i += 1
    return None


# -- statements from a command's name and words (both paths) ----------------------------


def called_command(call: Call) -> Command:
    """What ``CALL program args`` runs, as a command of its own, marked as run through CALL."""
    raw = " ".join([call.target, *(word.text for word in call.args)])
    return Command(call.span, call.target, program_of(call.target), call.args, (), raw, ("call",))


@lru_cache(maxsize=4096)  # scripts name few programs, over and over
def program_of(name: str) -> str:
    """Lower-case base name without folder, extension or quotes: what runs.

    ``c:\\mssql\\binn\\isql.exe`` -> ``isql``; ``"%ALROOT%\\bin\\al2stop"`` -> ``al2stop``;
    ``echo.`` -> ``echo``; ``goto:eof`` -> ``goto``.
    """
    bare = name.replace("^", "").lower()
    if '"' not in bare:
        builtin = _BUILTIN_PREFIX.match(bare)
        if builtin and builtin.group(1) in BUILTINS:
            return builtin.group(1)
    base = re.split(r"[\\/]", bare.replace('"', ""))[-1]
    stem, dot, _ext = base.rpartition(".")
    return stem if dot and stem else base


def runs_batch_file(name: str) -> bool:
    """Whether a command's name is a batch file (``x.bat``, ``"%~dp0x.cmd"``): cmd runs one
    in itself and, without CALL, never comes back to the script that ran it."""
    return name.replace('"', "").replace("^", "").rstrip().lower().endswith((".bat", ".cmd"))


def unescape(text: str) -> str:
    """Remove ``^`` escapes outside quotes, as cmd does before running a command."""
    if "^" not in text:
        return text
    return _CARET.sub(_unescape_one, text)


def _unescape_one(match: re.Match[str]) -> str:
    if not match.group().startswith("^"):
        return match.group()  # a quoted string keeps its carets
    escaped = match.group(1)
    return "" if escaped in (None, "\n") else escaped  # ^ at the end of a line joins the next one


def _command(
    name: str, name_span: Span, words: list[Word], redirections: tuple[Redirection, ...], raw: str, span: Span
) -> Stmt:
    program = program_of(name)
    if program in ("goto", "call"):
        # "goto:eof", "call:sub": what follows the keyword in the name is the target.
        glued = name[len(program) :] if name[: len(program)].lower() == program else ""
        if glued:
            target = Word(
                glued, Span(name_span.line, name_span.column + len(program), name_span.line, name_span.end_column)
            )
            words = [target, *words]
        if program == "goto":
            return _goto(span, words)
        return _call(span, words)
    if program == "set":
        statement = _set(span, raw[len(name) :])
        if statement is not None:
            return statement
    if program == "exit":
        batch_only = bool(words) and words[0].text.lower() == "/b"
        rest = words[1:] if batch_only else words
        return Exit(span, batch_only, rest[0].text if rest else None)
    if program in _WRAPPERS:
        wrapped = _unwrapped(program, name_span, words, redirections, raw, span)
        if wrapped is not None:
            return wrapped
    return Command(span, name, program, tuple(words), redirections, raw)


# Programs that run another one named on their command line: ``cmd /c ARMLOAD ...``,
# ``start "" /b /wait ARMLOAD ...``. What follows their options is read as the command.
_WRAPPERS = ("cmd", "%comspec%", "start")
# cmd's options before /C, /K or /R, the same as /C (cmd /?): /Q /D /A /U /S /X /Y
# /E:ON /F:OFF /V:ON /T:fg.
_CMD_OPTION = re.compile(r"/(?:[qdausxy]|[efv]:(?:on|off)|t:[0-9a-f]{1,2})", re.I)
# start's options (start /?); /D, /NODE and /AFFINITY take the next word unless glued.
_START_FLAG = re.compile(
    r"/(?:i|min|max|separate|shared|low|normal|high|realtime|abovenormal|belownormal|wait|w|b|d.+|node\d+|affinity[0-9a-f]+)",
    re.I,
)
_START_WITH_VALUE = ("/d", "/node", "/affinity")


def _unwrapped(
    program: str, name_span: Span, words: list[Word], redirections: tuple[Redirection, ...], raw: str, span: Span
) -> Command | None:
    """The command that ``cmd /c`` or ``start`` runs, its wrappers in ``via``; None unless
    the first runs something on its own line. Wrapped in turn (``start /b cmd /c X``),
    the innermost that is an external program or a wrapper of one: ``cmd /c set X=1``
    sets X in a new cmd, not in the script, so it stays cmd's. A loop, not recursion:
    a line may hold a thousand wrappers."""
    name, vias, detached = None, [], False
    while program in _WRAPPERS:
        inner = _one_wrapper(program, name_span, words, raw)
        if inner is None:
            break
        word, rest, rest_raw, via, detaches = inner
        runs = program_of(word.text)
        if not runs or (runs in BUILTINS and runs not in _WRAPPERS):
            break  # cmd's own command, or no name (start "" "", a caret at the end)
        name, name_span, program, words, raw = word.text, word.span, runs, rest, rest_raw
        vias.append(via)
        detached = detached or detaches
    if name is None:
        return None
    return Command(span, name, program, tuple(words), redirections, raw, tuple(vias), detached)


def _one_wrapper(
    program: str, name_span: Span, words: list[Word], raw: str
) -> tuple[Word, list[Word], str, str, bool] | None:
    """For one ``cmd /c`` or ``start``: the word naming what it runs, the words after
    it, the text from that word on, the wrapper's text and whether it does not wait."""
    found = _program_index(program, words)
    if found is None:
        return None
    index, detached = found
    word = words[index]
    offset = _offset_in(raw, words, index)
    if offset < 0:
        return None
    via = _CONTINUATION.sub(" ", raw[:offset]).rstrip(" \t")
    if program == "start":  # start runs the program itself: its arguments are as written
        return word, words[index + 1 :], raw[offset:], via, detached
    # cmd reads what follows /C as a new command line: carets and the operators they
    # escape (cmd /c A ^& B runs two commands) are not read here.
    text = raw[offset:].rstrip(" \t")
    if "^" in text:
        return None
    inner, inner_text = words[index:], text
    if text.startswith('"') and not _cmd_keeps_quotes(text, any(w.text.lower() == "/s" for w in words[:index])):
        unquoted = _cmd_unquoted(text, word.span)
        if unquoted is None:
            return None
        inner, inner_text = unquoted
    inner, inner_text = _without_at(inner, inner_text)
    if not inner:
        return None
    return inner[0], inner[1:], inner_text, via, False


# A caret that joins the next line, with the blanks around it: one blank in a wrapper's text.
_CONTINUATION = re.compile(r"[ \t]*\^\n[ \t]*")


def _offset_in(raw: str, words: list[Word], index: int) -> int:
    """Where ``words[index]`` stands in the command's ``raw`` text (which has no
    redirections and holds the lines a caret joined), found after the words before it;
    -1 if it is not there."""
    at = 0
    for word in words[: index + 1]:
        at = raw.find(word.text, at)
        if at < 0:
            return -1
        at += len(word.text)
    return at - len(words[index].text)


def _program_index(program: str, words: list[Word]) -> tuple[int, bool] | None:
    """The index of the word after cmd's /C (or /K, /R), or after start's title and
    options, and whether the program runs detached (start without /WAIT)."""
    index = 0
    if program != "start":  # cmd, or %COMSPEC% (cmd's own path)
        while index < len(words) and _CMD_OPTION.fullmatch(words[index].text):
            index += 1
        if index >= len(words) or words[index].text.lower() not in ("/c", "/k", "/r"):
            return None
        return (index + 1, False) if index + 1 < len(words) else None
    titled = waits = False
    while index < len(words):
        text = words[index].text
        if text.startswith('"') and not titled:
            titled = True  # start's first quoted word before the program is the window's title
        elif text.startswith("/"):
            option = text.lower()
            if option in _START_WITH_VALUE:
                index += 1
            elif not _START_FLAG.fullmatch(option):
                return None
            waits = waits or option in ("/w", "/wait")
        else:
            return index, not waits
        index += 1
    return None


# cmd /? on the quotes of ``cmd /c "..."``: kept when there are exactly two, a blank and
# nothing special between them, and they hold a program file's name, here a path whose
# blank stands before the file's name ("C:\\Program Files\\NEC\\armkill.exe" Q1), unless /S.
_PROGRAM_PATH = re.compile(r'"[^"&<>()@^|/]*[ \t][^"&<>()@^|/]*\\[^"&<>()@^|/\\ \t]+"')


def _cmd_keeps_quotes(text: str, option_s: bool) -> bool:
    return not option_s and text.count('"') == 2 and _PROGRAM_PATH.match(text) is not None


def _cmd_unquoted(text: str, span: Span) -> tuple[list[Word], str] | None:
    """The words of ``"..."`` after cmd's /C where cmd drops the first and the last quote
    (``"ARMLOAD A1 /S /M "Svc One""``) and reads the rest as a line of its own, with their
    places in the script's line; and that rest from its first word on."""
    last = text.rindex('"')
    if last == 0:
        return None  # one quote, never closed
    inner = text[1:last] + text[last + 1 :]
    if not _plain(inner):
        return None  # an operator or parenthesis: a line of its own, not read here

    def column(index: int) -> int:  # in the line, of inner[index]: after the first quote, and the last
        return span.column + index + (1 if index < last - 1 else 2)

    found = list(_WORD.finditer(inner))
    if not found:
        return None
    words = [Word(m.group(), Span(span.line, column(m.start()), span.line, column(m.end() - 1) + 1)) for m in found]
    return words, inner[found[0].start() :]


def _without_at(words: list[Word], text: str) -> tuple[list[Word], str]:
    """Without the ``@`` a new cmd drops before a command (``cmd /c @ARMKILL X``,
    ``cmd /c "@ ARMKILL X"``), as a script's line does."""
    if not words or not words[0].text.startswith("@"):
        return words, text
    first = words[0]
    bare = first.text.lstrip("@")
    if not bare:  # the @ alone: the command is the next word
        rest = words[1:]
        return rest, text[text.find(rest[0].text, len(first.text)) :] if rest else ""
    shift = len(first.text) - len(bare)
    moved = Word(bare, Span(first.span.line, first.span.column + shift, first.span.end_line, first.span.end_column))
    return [moved, *words[1:]], text[shift:]


def _label_reference(word: Word) -> tuple[str, Span]:
    """The label a GOTO/CALL names: without the colon, up to a delimiter."""
    text = word.text
    skip = 1 if text.startswith(":") else 0
    end = _LABEL_END.search(text, skip)
    stop = end.start() if end else len(text)
    span = word.span
    return text[skip:stop], Span(span.line, span.column + skip, span.line, span.column + stop)


def _goto(span: Span, words: list[Word]) -> Goto:
    if not words:
        return Goto(span, "", span)
    target, target_span = _label_reference(words[0])
    return Goto(span, target, target_span)


def _call(span: Span, words: list[Word]) -> Call:
    if not words:
        return Call(span, "", False, ())
    first = words[0]
    if first.text.startswith(":"):
        target, _ = _label_reference(first)
        return Call(span, target, True, tuple(words[1:]))
    return Call(span, first.text, False, tuple(words[1:]))


def _set(span: Span, rest: str) -> Set | None:
    """SET's assignment, or None for a SET that only lists variables."""
    rest = unescape(rest).lstrip(" \t")
    switch = rest[:2].lower()
    arithmetic, prompt = switch == "/a", switch == "/p"
    if arithmetic or prompt:
        rest = rest[2:].lstrip(" \t")
    if rest.startswith('"'):
        closing = rest.rfind('"')
        rest = rest[1:closing] if closing > 0 else rest[1:]
    name, equals, value = rest.partition("=")
    if not equals:
        return None
    if arithmetic:
        # "n+=1": the variable is n; the value is the whole expression, to evaluate.
        return Set(span, name.rstrip(" \t+-*/%&|^<>").strip(" \t"), rest.strip(" \t"), True, False)
    return Set(span, name, value, False, prompt)


# -- cutting command lines -------------------------------------------------------------


class _Cut(NamedTuple):
    end: int  # index of the first line after the command line
    problem: str | None  # why it cannot be parsed (it then ends the ParseError)
    text_parens: list[tuple[int, int]]  # (line index, column index) of ")" that close nothing


class _Cutter:
    """Where the command line starting at ``lines[start]`` ends.

    Tracks what cmd tracks while it reads: quotes, ^ escapes and continuations,
    and how many blocks are open (an "(" opens one only where a command may start).
    """

    def __init__(self, lines: Sequence[str], start: int) -> None:
        self.lines = lines
        self.start = start
        self.depth = 0
        self.text_parens: list[tuple[int, int]] = []  # (line index, column index) of ")" that close nothing

    def run(self) -> _Cut:
        lines, index = self.lines, self.start
        state = "command"
        while True:
            line = lines[index]
            if len(line) > MAX_LINE:
                return _Cut(index + 1, _("line longer than cmd's limit of {maximum} characters").format(maximum=MAX_LINE), [])
            state, continued = self._scan_line(line, index, state)
            if self.depth > MAX_NESTING:
                return _Cut(index + 1, _("blocks nested deeper than {maximum}").format(maximum=MAX_NESTING), [])
            index += 1
            if continued and state != "for_list" and index < len(lines) and not lines[index]:
                # A ^ escapes the next line's first character: an empty line's end, which
                # is then a character of the command (set LF=^ and two empty lines), and
                # the command goes on on the line after.
                index += 1
            if self.depth == 0 and (not continued or index == len(lines)):
                return _Cut(index, None, self.text_parens)
            if index == len(lines):
                # Report the opening line only: the lines after it are read again.
                return _Cut(self.start + 1, _("'(' opens a block that is never closed"), [])
            if not continued:
                state = "command"

    def _scan_line(self, line: str, index: int, state: str) -> tuple[str, bool]:
        """Scan one physical line; return the state at its end and whether the command
        line goes on on the next one (a ^ at its end, a FOR list not closed yet)."""
        pos, end = 0, len(line)
        while pos < end:
            if state == "command":
                pos = _after(_LEAD, line, pos)
                if pos == end:
                    break
                char = line[pos]
                if char == "(":
                    self.depth += 1
                    if self.depth > MAX_NESTING:
                        return state, False
                    pos += 1
                elif char == ")":
                    pos += 1
                    if self.depth:
                        self.depth -= 1
                        state = "after_block"
                    else:
                        state = "arguments"
                elif char == ":":
                    pos = end  # a label or "::" comment
                elif char in "<>" or (char.isdigit() and line[pos + 1 : pos + 2] in ("<", ">")):
                    pos = _after(_REDIRECT, line, pos)
                elif char in "&|":
                    pos += 1
                elif char == "^" and pos + 1 == end:
                    return state, True
                else:
                    pos, state = self._command_word(line, pos)
            elif state == "for_list":  # a FOR list begun on an earlier line
                pos = _after(_LIST_REST, line, pos)
                if pos == end or line[pos] != ")":
                    return state, True
                do = _AFTER_LIST.match(line, pos)
                pos, state = (do.end(), "command") if do else (pos + 1, "arguments")
            elif state == "after_block":
                pos = _after(_BLANKS, line, pos)
                if pos == end:
                    break
                char = line[pos]
                if char == ")" and self.depth:
                    self.depth -= 1
                    pos += 1
                elif char in "&|":
                    pos += 2 if line[pos + 1 : pos + 2] == char else 1
                    state = "command"
                elif _ELSE.match(line, pos):
                    pos += 4
                    state = "command"
                else:
                    state = "arguments"
            else:  # arguments
                special = _ARG_SPECIAL.search(line, pos)
                if special is None:
                    break
                pos = special.start()
                char = line[pos]
                if char == '"':
                    closing = line.find('"', pos + 1)
                    pos = end if closing < 0 else closing + 1
                elif char == "^":
                    if pos + 1 == end:
                        return state, True
                    pos += 2
                elif char in "&|":
                    pos += 2 if line[pos + 1 : pos + 2] == char else 1
                    state = "command"
                elif char == ")":
                    if self.depth:
                        self.depth -= 1
                        state = "after_block"
                    else:
                        self.text_parens.append((index, pos))
                    pos += 1
                else:  # "(" in an argument is text
                    pos += 1
        return state, state == "for_list"

    def _command_word(self, line: str, pos: int) -> tuple[int, str]:
        """Read a command's name; REM, IF and FOR change how the rest is read."""
        word = _CMD_WORD.match(line, pos)
        if word is None:  # a lone ^ before a special character
            return pos + 1, "arguments"
        after = word.end()
        keyword = word.group().lower()
        delimited = after == len(line) or line[after] in " \t\r\x0b\x0c"
        if keyword == "rem" and (delimited or line[after] in ",;="):
            return len(line), "arguments"
        if keyword == "if" and (delimited or line[after] == "("):
            return self._if_header(line, after)
        if keyword == "for" and delimited:
            header = _FOR_HEADER.match(line, after)
            if header:
                return header.end(), "command"
            if _FOR_OPEN_LIST.match(line, after):
                return len(line), "for_list"
        return after, "arguments"

    def _if_header(self, line: str, pos: int) -> tuple[int, str]:
        """Skip IF's [/I] [NOT] and condition: a command (or a block) follows."""
        condition = _IF_CONDITION.match(line, _after(_BLANKS, line, pos))
        if condition is None:
            return pos, "arguments"
        return condition.end(), "command"


# -- the grammar ---------------------------------------------------------------------------


def _parse_with_grammar(
    lines: Sequence[str], start: int, end: int, first_line: int, text_parens: list[tuple[int, int]]
) -> Stmt:
    """Parse lines[start:end], one command line, with batch.lark."""
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    chunk = lines[start:end]
    if text_parens:
        chunk = list(chunk)
        for index, column in text_parens:
            line = chunk[index - start]
            chunk[index - start] = line[:column] + _TEXT_PAREN + line[column + 1 :]
    text = "\n".join(chunk)
    parser, builder = _grammar()
    builder.text = text
    builder.line_offset = first_line + start - 1
    try:
        return parser.parse(text)
    except UnexpectedInput as exc:
        if isinstance(exc, UnexpectedToken):
            found = _("end of line") if exc.token.type in ("$END", "_NL") else repr(_visible(str(exc.token)))
        elif isinstance(exc, UnexpectedCharacters):
            found = repr(_visible(text[exc.pos_in_stream or 0]))
        else:
            found = _("end of line")
        message = _unexpected(found, exc.line + builder.line_offset if exc.line > 0 else None, exc.column)
        if found == _("end of line"):
            message += _dangling_operator(text.split("\n")[exc.line - 1] if exc.line > 0 else text)
    except LarkError as exc:  # the grammar's own limits; never expected
        message = _("cannot parse: {reason}").format(reason=exc)
    return _error_lines(lines, start, end, first_line, message)


def _unexpected(found: str, line: int | None, column: int) -> str:
    """The message of a syntax error at (line, column); None: at the end of the text."""
    where = _("line {line}, column {column}").format(line=line, column=column) if line is not None else _("the end")
    return _("unexpected {found} at {where}").format(found=found, where=where)


def _dangling_operator(line: str) -> str:
    """Why a line ends too early, when it ends in an operator (``set NAME=<md name>``: the
    < and > redirect, to files named md and none); "" otherwise."""
    last = line.rstrip(" \t")[-1:]
    if last in ("<", ">"):
        return _("; {op} redirects to a file and none follows: to keep it as text, write ^{op}").format(op=last)
    if last in ("|", "&"):
        return _("; {op} runs another command and none follows: to keep it as text, write ^{op}").format(op=last)
    return ""


def _visible(text: str) -> str:
    return text.replace(_TEXT_PAREN, ")")


@cache
def _grammar():
    """The LALR parser with the IR builder inlined (no parse tree is built)."""
    from lark import Lark

    builder = _IRBuilder()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "batch.lark")
    with open(path, encoding="utf-8") as grammar:
        parser = Lark(grammar.read(), parser="lalr", lexer="contextual", transformer=builder, cache=True)
    return parser, builder


class _Redirect(NamedTuple):
    redirection: Redirection
    start_pos: int
    end_pos: int
    span: Span


class _Condition(NamedTuple):
    kind: str
    left: Word
    op: str | None
    right: Word | None


def _stmt_body(stmt: Stmt) -> tuple[Stmt, ...]:
    """What an IF branch or FOR runs: a block's statements, or the one command line; a
    block that writes a file (``IF ... ( ... ) >> C:\\log.txt``) stays one, with its
    redirections."""
    return stmt.body if isinstance(stmt, Block) and not stmt.redirections else (stmt,)


def _from(first: Span, last: Span) -> Span:
    return Span(first.line, first.column, last.end_line, last.end_column)


class _IRBuilder:
    """Lark callbacks, one per rule, building the IR while the LALR parser reduces.

    ``text`` and ``line_offset`` describe the command line being parsed (the parser
    is not re-entrant; each process parses one line at a time).
    """

    def __init__(self) -> None:
        self.text = ""
        self.line_offset = 0

    # Lark looks callbacks up by rule name.
    def _token_span(self, token) -> Span:
        offset = self.line_offset
        return Span(token.line + offset, token.column, token.end_line + offset, token.end_column)

    def _word(self, token) -> Word:
        value = str(token)
        if _TEXT_PAREN in value:
            value = value.replace(_TEXT_PAREN, ")")
        return Word(value, self._token_span(token))

    def start(self, children):
        return children[0]

    def chain(self, children):
        if len(children) == 1:
            return children[0]
        parts = tuple(children[0::2])
        return Chain(_from(parts[0].span, parts[-1].span), parts, tuple(str(op) for op in children[1::2]))

    def simple(self, children: list) -> Stmt:
        """``[redirections] NAME (WORD | redirection)*``; raw text without the redirections."""
        name_index = next(i for i, child in enumerate(children) if not isinstance(child, _Redirect))
        name = self._word(children[name_index])
        redirects = list(children[:name_index])
        words: list[Word] = []
        raw_parts: list[str] = []
        cursor = children[name_index].start_pos
        for child in children[name_index + 1 :]:
            if isinstance(child, _Redirect):
                raw_parts.append(self.text[cursor : child.start_pos])
                cursor = child.end_pos
                redirects.append(child)
            else:
                words.append(self._word(child))
        # SET keeps the blanks before a "&" or the end of the line in its value.
        raw_parts.append(self.text[cursor : _after(_BLANKS, self.text, children[-1].end_pos)])
        raw = "".join(raw_parts)
        if _TEXT_PAREN in raw:
            raw = raw.replace(_TEXT_PAREN, ")")
        first, last = children[0], children[-1]
        span = _from(
            first.span if isinstance(first, _Redirect) else self._token_span(first),
            last.span if isinstance(last, _Redirect) else self._token_span(last),
        )
        return _command(name.text, name.span, words, tuple(r.redirection for r in redirects), raw, span)

    def redirection(self, children):
        op = children[0]
        if len(children) == 1:
            return _Redirect(Redirection(str(op), ""), op.start_pos, op.end_pos, self._token_span(op))
        target = self._word(children[1])
        return _Redirect(
            Redirection(str(op), target.text),
            op.start_pos,
            children[1].end_pos,
            _from(self._token_span(op), target.span),
        )

    def block(self, children):
        """``[redirections] ( ... ) [redirections]``: from the first redirection or the "(" to the ")"."""
        body = tuple(child for child in children if isinstance(child, Stmt))
        first = children[0]
        start = first.span if isinstance(first, _Redirect) else self._token_span(first)
        close = next(child for child in reversed(children) if not isinstance(child, (Stmt, _Redirect)))
        redirects = [child for child in children if isinstance(child, _Redirect)]
        return Block(
            _from(start, self._token_span(close)),
            body,
            tuple(r.redirection for r in redirects),
            tuple(r.span for r in redirects),
        )

    def comment(self, children):
        token = children[0]
        span = self._token_span(token)
        value = str(token)
        if token.type == "REM":
            return _comment(value[3:], span)
        return _label_or_comment(value[1:], span)

    def _if(self, children, otherwise):
        keyword = children[0]
        flags = {str(child).lower() for child in children[1:3] if not isinstance(child, (_Condition, Stmt))}
        condition = next(child for child in children if isinstance(child, _Condition))
        then = next(child for child in children if isinstance(child, Stmt))
        last = otherwise if otherwise is not None else then
        return If(
            _from(self._token_span(keyword), last.span),
            Condition(condition.kind, "not" in flags, "/i" in flags, condition.left, condition.op, condition.right),
            _stmt_body(then),
            _stmt_body(otherwise) if otherwise is not None else None,
        )

    def if_then(self, children):
        return self._if(children, None)

    def if_else(self, children):
        return self._if(children[:-2], children[-1])

    def compare(self, children):
        left, op, right = children
        return _Condition("compare", self._word(left), str(op).upper(), self._word(right))

    def _single(self, kind, children):
        return _Condition(kind, self._word(children[1]), None, None)

    def exist(self, children):
        return self._single("exist", children)

    def defined(self, children):
        return self._single("defined", children)

    def errorlevel(self, children):
        return self._single("errorlevel", children)

    def for_stmt(self, children):
        tokens = {child.type: child for child in children[:-1]}
        switch = tokens.get("FOR_SWITCH")
        items = str(tokens["FOR_ITEMS"])[1:-1]
        body = children[-1]
        return For(
            _from(self._token_span(children[0]), body.span),
            str(tokens["FOR_VAR"]),
            str(switch).upper() if switch is not None else None,
            items,
            _stmt_body(body),
        )
