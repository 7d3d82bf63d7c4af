"""A topology document with the position of every key and value, and the problems
found in it, each at its place (``file:line:col: field: message``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sogen.textio import visible

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        # A key may hold a line break (`? |` keys): one problem stays one line.
        field = visible(self.field)
        return f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"


class TopologyError(Exception):
    """The topology file cannot be used; ``problems`` says why, each with its place."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Positions:
    """Where each key and value of the document stands (1-based line and column)."""

    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of ``loc``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class LoadedDocument:
    path: str
    data: Any
    positions: Positions

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.positions.of(loc, key=key)
        return Problem(self.path, line, column, format_loc(loc), message)
