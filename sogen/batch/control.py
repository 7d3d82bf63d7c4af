"""Static control flow of a batch script: labels, jumps, fall-through into labels,
unreachable statements, jumps to nowhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sogen.batch.ir import Block, Call, Chain, Comment, Exit, For, Goto, If, Label, Script, Stmt

@dataclass
class ControlFlow:
    labels: dict[str, list[Label]]  # lower-case name -> definitions in file order (only the first is reachable)
    jumps: dict[str, list[Goto | Call]]  # lower-case target -> GOTOs and CALL :labels naming it
    falls_into: dict[str, Stmt]  # lower-case label -> the statement before it that runs on into it
    unreachable: list[tuple[Stmt, ...]]  # runs after an unconditional GOTO/EXIT, each up to the next label
    undefined: list[Goto | Call]  # naming no label (":EOF" is built in; "%var%" targets are not judged)


def walk(statements: Sequence[Stmt]) -> list[Stmt]:
    """Every statement, nested ones included, in file order."""
    found: list[Stmt] = []
    _collect(statements, found)
    return found


def _collect(statements: Sequence[Stmt], found: list[Stmt]) -> None:
    # Recursion is bounded: the parser reports blocks deeper than MAX_NESTING.
    for stmt in statements:
        found.append(stmt)
        if type(stmt) in _NESTING:
            _collect(children(stmt), found)


def children(stmt: Stmt) -> tuple[Stmt, ...]:
    if isinstance(stmt, If):
        return stmt.then + stmt.otherwise if stmt.otherwise else stmt.then
    if isinstance(stmt, Block) or isinstance(stmt, For):
        return stmt.body
    if isinstance(stmt, Chain):
        return stmt.parts
    return ()


_NESTING = frozenset((If, Block, For, Chain))


def transfers(stmt: Stmt) -> bool:
    """True when ``stmt`` never lets execution run on to the next statement."""
    if isinstance(stmt, Goto) or isinstance(stmt, Exit):
        return True
    if isinstance(stmt, Chain):
        for index, part in enumerate(stmt.parts):
            if index and stmt.operators[index - 1] != "&":
                return False  # conditional, or a pipe (its parts run in child processes)
            if transfers(part):
                return True
        return False
    if isinstance(stmt, If):
        return stmt.otherwise is not None and any(map(transfers, stmt.then)) and any(map(transfers, stmt.otherwise))
    if isinstance(stmt, Block):
        return any(map(transfers, stmt.body))
    return False


def _dynamic(target: str) -> bool:
    return "%" in target or "!" in target


def control_flow(script: Script) -> ControlFlow:
    labels: dict[str, list[Label]] = {}
    jumps: dict[str, list[Goto | Call]] = {}
    ordered_jumps: list[Goto | Call] = []
    # The top level and every statement list inside it (block bodies, IF branches).
    sequences: list[Sequence[Stmt]] = [script.statements]
    for stmt in walk(script.statements):
        if isinstance(stmt, Label):
            labels.setdefault(stmt.name.lower(), []).append(stmt)
        elif isinstance(stmt, Goto) or (isinstance(stmt, Call) and stmt.is_label):
            jumps.setdefault(stmt.target.lower(), []).append(stmt)
            ordered_jumps.append(stmt)
        elif isinstance(stmt, If):
            sequences.append(stmt.then)
            if stmt.otherwise:
                sequences.append(stmt.otherwise)
        elif isinstance(stmt, Block) or isinstance(stmt, For):
            sequences.append(stmt.body)
    undefined = [
        jump
        for jump in ordered_jumps
        if jump.target.lower() not in labels and jump.target.lower() != "eof" and not _dynamic(jump.target)
    ]

    falls_into: dict[str, Stmt] = {}
    previous: Stmt | None = None
    for stmt in script.statements:
        if isinstance(stmt, Comment):
            continue
        if isinstance(stmt, Label) and previous is not None and not transfers(previous):
            falls_into.setdefault(stmt.name.lower(), previous)
        previous = stmt

    unreachable: list[tuple[Stmt, ...]] = []
    for sequence in sequences:
        runs: list[list[Stmt]] = []  # what follows each unconditional jump, up to a label
        dead = False
        for stmt in sequence:
            if isinstance(stmt, Label):
                dead = False  # a label can be jumped to: what follows runs
            elif dead and not isinstance(stmt, Comment):
                runs[-1].append(stmt)
            elif not dead and transfers(stmt):
                dead = True
                runs.append([])
        unreachable.extend(tuple(run) for run in runs if run)
    unreachable.sort(key=lambda run: (run[0].span.line, run[0].span.column))
    return ControlFlow(labels, jumps, falls_into, unreachable, undefined)

