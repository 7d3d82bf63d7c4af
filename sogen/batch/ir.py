"""The intermediate representation of a batch script.

The Lark parse tree becomes these small statements with positions; the
control-flow analysis, ``sogen trace`` and every lint rule read only this.
Positions are 1-based; columns count characters of the decoded line.

Statements are immutable by convention, not enforcement: the parser hands one
statement to every script with the same line at the same place (see
``sogen.batch.parser.parse_lines``), and nothing assigns to one. They are slotted dataclasses
rather than frozen ones because a frozen dataclass is built field by field
through ``object.__setattr__``, five times slower, and a lint run builds
hundreds of thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from sogen.textio import DecodedText


class Span(NamedTuple):
    # A tuple: the parser makes one for every word of every line, and a tuple is
    # the cheapest immutable object Python makes.
    line: int
    column: int
    end_line: int
    end_column: int


class Word(NamedTuple):
    """One argument as written. ``text`` keeps quotes; ``value`` has them removed."""

    text: str
    span: Span

    @property
    def quoted(self) -> bool:
        return len(self.text) >= 2 and self.text[0] == '"' and self.text[-1] == '"'

    @property
    def value(self) -> str:
        return self.text.replace('"', "")


@dataclass(slots=True)
class Redirection:
    op: str  # ">", ">>", "<", "2>", "2>&1", ...
    target: str


@dataclass(slots=True)
class Stmt:
    span: Span


@dataclass(slots=True)
class Label(Stmt):
    name: str  # without the colon, as written


@dataclass(slots=True)
class Comment(Stmt):
    text: str  # after "rem " or "::"


@dataclass(slots=True)
class Goto(Stmt):
    target: str  # without a leading colon; "EOF" for GOTO :EOF
    target_span: Span


@dataclass(slots=True)
class Call(Stmt):
    target: str  # label name (without colon) or a file/command
    is_label: bool
    args: tuple[Word, ...]


@dataclass(slots=True)
class Condition:
    """The test of an IF."""

    kind: str  # "compare", "exist", "defined", "errorlevel"
    negated: bool
    case_insensitive: bool
    left: Word | None  # compare: left operand; exist/defined/errorlevel: the operand
    op: str | None  # "==", "EQU", "NEQ", "LSS", "LEQ", "GTR", "GEQ"
    right: Word | None


@dataclass(slots=True)
class If(Stmt):
    condition: Condition
    then: tuple[Stmt, ...]
    otherwise: tuple[Stmt, ...] | None


@dataclass(slots=True)
class Set(Stmt):
    name: str
    value: str
    arithmetic: bool  # SET /A
    prompt: bool  # SET /P


@dataclass(slots=True)
class Exit(Stmt):
    batch_only: bool  # EXIT /B
    code: str | None


@dataclass(slots=True)
class Block(Stmt):
    """A parenthesised block that is not the body of an IF or FOR."""

    body: tuple[Stmt, ...]
    # Where what the whole block writes goes: ``> log ( ... )``, ``( ... ) >> log``, and
    # where each of those redirections is written.
    redirections: tuple[Redirection, ...] = ()
    redirection_spans: tuple[Span, ...] = ()


@dataclass(slots=True)
class For(Stmt):
    variable: str  # "%%a" or "%a"
    switch: str | None  # None, "/L", "/F", "/D", "/R"
    items: str  # the text inside IN ( ... )
    body: tuple[Stmt, ...]


@dataclass(slots=True)
class Command(Stmt):
    """Any other command: ARMLOAD, net, echo, setlocal, a program path...

    ``name`` is how it was written (without a leading @); ``program`` is the
    lower-cased base name without directory or extension, for matching
    (``c:\\mssql\\binn\\isql.exe`` -> ``isql``).
    """

    name: str
    program: str
    args: tuple[Word, ...]
    redirections: tuple[Redirection, ...] = ()
    raw: str = ""  # the command's text as written (without redirections)
    # The wrappers the line runs the program through, outermost first, as written
    # (``start /b``, ``cmd /c``): the program is what runs, they only how.
    via: tuple[str, ...] = ()
    detached: bool = False  # run through start without /wait: the script goes on at once


@dataclass(slots=True)
class Chain(Stmt):
    """Commands joined by &, &&, || or | on one line."""

    parts: tuple[Stmt, ...]
    operators: tuple[str, ...]  # len(parts) - 1 of "&", "&&", "||", "|"


@dataclass(slots=True)
class ParseError(Stmt):
    """A line the grammar could not parse (SO703); analysis goes on after it."""

    message: str
    text: str
    # False when cmd.exe itself runs the line anyway (a ")" that closes no block:
    # "')' is not recognized as a command") and goes on; True when it stops the script.
    fatal: bool = True


@dataclass
class Script:
    path: str
    statements: list[Stmt]  # top level, in file order
    lines: list[str]  # the decoded source lines, without line endings
    encoding: str
    newline: str  # "\r\n", "\n", "mixed", or "\r" (a CR alone before more text: cmd joins it)
    raw: bytes = field(repr=False, default=b"")
    # The bytes were neither UTF-8 nor cp932: decoded with replacement characters (SO702).
    decode_errors: bool = False
    # The whole text as decoded, when it decoded without errors (what fixes edit).
    decoded: DecodedText | None = field(repr=False, default=None)
