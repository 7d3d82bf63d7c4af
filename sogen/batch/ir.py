"""The intermediate representation of a batch script.

The Lark parse tree becomes these small statements with positions; the
control-flow analysis, ``sogen trace`` and every lint rule read only this.
Positions are 1-based; columns count characters of the decoded line.

Statements are immutable by convention, not enforcement: the parser hands one
statement to every script with the same line at the same place (see
:meth:`Stmt.moved`), and nothing assigns to one. They are slotted dataclasses
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

    def moved(self, lines: int) -> Span:
        """The same columns ``lines`` lines further down."""
        return _new_tuple(Span, (self[0] + lines, self[1], self[2] + lines, self[3]))


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

    def moved(self, lines: int) -> Word:
        return _new_tuple(Word, (self[0], self[1].moved(lines)))


# Builds a named tuple without the keyword handling of its __new__: the parser
# makes a Span and a Word for every word of every line.
_new_tuple = tuple.__new__


def make_span(line: int, column: int, end_line: int, end_column: int) -> Span:
    """``Span(line, column, end_line, end_column)``, faster."""
    return _new_tuple(Span, (line, column, end_line, end_column))


def make_word(text: str, line: int, column: int, end_column: int) -> Word:
    """``Word(text, Span(line, column, line, end_column))``, faster."""
    return _new_tuple(Word, (text, _new_tuple(Span, (line, column, line, end_column))))


def _moved(items: tuple, lines: int) -> tuple:
    """Words or statements, each ``lines`` lines further down."""
    return tuple([item.moved(lines) for item in items])


@dataclass(slots=True)
class Redirection:
    op: str  # ">", ">>", "<", "2>", "2>&1", ...
    target: str


@dataclass(slots=True)
class Stmt:
    span: Span

    def moved(self, lines: int) -> Stmt:
        """This statement ``lines`` lines further down: the parser parses a line
        once and moves the statement to wherever else the same text appears."""
        raise NotImplementedError


@dataclass(slots=True)
class Label(Stmt):
    name: str  # without the colon, as written

    def moved(self, lines: int) -> Label:
        return Label(self.span.moved(lines), self.name)


@dataclass(slots=True)
class Comment(Stmt):
    text: str  # after "rem " or "::"

    def moved(self, lines: int) -> Comment:
        return Comment(self.span.moved(lines), self.text)


@dataclass(slots=True)
class Goto(Stmt):
    target: str  # without a leading colon; "EOF" for GOTO :EOF
    target_span: Span

    def moved(self, lines: int) -> Goto:
        return Goto(self.span.moved(lines), self.target, self.target_span.moved(lines))


@dataclass(slots=True)
class Call(Stmt):
    target: str  # label name (without colon) or a file/command
    is_label: bool
    args: tuple[Word, ...]

    def moved(self, lines: int) -> Call:
        return Call(self.span.moved(lines), self.target, self.is_label, _moved(self.args, lines))


@dataclass(slots=True)
class Condition:
    """The test of an IF."""

    kind: str  # "compare", "exist", "defined", "errorlevel"
    negated: bool
    case_insensitive: bool
    left: Word | None  # compare: left operand; exist/defined/errorlevel: the operand
    op: str | None  # "==", "EQU", "NEQ", "LSS", "LEQ", "GTR", "GEQ"
    right: Word | None

    def moved(self, lines: int) -> Condition:
        left = self.left and self.left.moved(lines)
        right = self.right and self.right.moved(lines)
        return Condition(self.kind, self.negated, self.case_insensitive, left, self.op, right)


@dataclass(slots=True)
class If(Stmt):
    condition: Condition
    then: tuple[Stmt, ...]
    otherwise: tuple[Stmt, ...] | None

    def moved(self, lines: int) -> If:
        otherwise = None if self.otherwise is None else _moved(self.otherwise, lines)
        return If(self.span.moved(lines), self.condition.moved(lines), _moved(self.then, lines), otherwise)


@dataclass(slots=True)
class Set(Stmt):
    name: str
    value: str
    arithmetic: bool  # SET /A
    prompt: bool  # SET /P

    def moved(self, lines: int) -> Set:
        return Set(self.span.moved(lines), self.name, self.value, self.arithmetic, self.prompt)


@dataclass(slots=True)
class Exit(Stmt):
    batch_only: bool  # EXIT /B
    code: str | None

    def moved(self, lines: int) -> Exit:
        return Exit(self.span.moved(lines), self.batch_only, self.code)


@dataclass(slots=True)
class Block(Stmt):
    """A parenthesised block that is not the body of an IF or FOR."""

    body: tuple[Stmt, ...]

    def moved(self, lines: int) -> Block:
        return Block(self.span.moved(lines), _moved(self.body, lines))


@dataclass(slots=True)
class For(Stmt):
    variable: str  # "%%a" or "%a"
    switch: str | None  # None, "/L", "/F", "/D", "/R"
    items: str  # the text inside IN ( ... )
    body: tuple[Stmt, ...]

    def moved(self, lines: int) -> For:
        return For(self.span.moved(lines), self.variable, self.switch, self.items, _moved(self.body, lines))


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

    def moved(self, lines: int) -> Command:
        span, args = self.span.moved(lines), _moved(self.args, lines)
        return Command(span, self.name, self.program, args, self.redirections, self.raw)


@dataclass(slots=True)
class Chain(Stmt):
    """Commands joined by &, &&, || or | on one line."""

    parts: tuple[Stmt, ...]
    operators: tuple[str, ...]  # len(parts) - 1 of "&", "&&", "||", "|"

    def moved(self, lines: int) -> Chain:
        return Chain(self.span.moved(lines), _moved(self.parts, lines), self.operators)


@dataclass(slots=True)
class ParseError(Stmt):
    """A line the grammar could not parse (SO703); analysis goes on after it."""

    message: str
    text: str
    # False when cmd.exe itself runs the line anyway (a ")" that closes no block:
    # "')' is not recognized as a command") and goes on; True when it stops the script.
    fatal: bool = True

    def moved(self, lines: int) -> ParseError:
        return ParseError(self.span.moved(lines), self.message, self.text, self.fatal)


@dataclass
class Script:
    path: str
    statements: list[Stmt]  # top level, in file order
    lines: list[str]  # the decoded source lines, without line endings
    encoding: str
    newline: str  # "\r\n", "\n" or "mixed"
    raw: bytes = field(repr=False, default=b"")
    # The bytes were neither UTF-8 nor cp932: decoded with replacement characters (SO702).
    decode_errors: bool = False
    # The whole text as decoded, when it decoded without errors (what fixes edit).
    decoded: DecodedText | None = field(repr=False, default=None)
