"""Static control flow of a batch script: labels, jumps, fall-through into labels,
unreachable statements, jumps to nowhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, cast

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
    # By class, not isinstance: the statement classes have no subclasses, and every
    # statement of every script comes through here.
    cls = stmt.__class__
    if cls is If:
        stmt = cast(If, stmt)
        return stmt.then + stmt.otherwise if stmt.otherwise else stmt.then
    if cls is Block or cls is For:
        return cast(Block | For, stmt).body
    if cls is Chain:
        return cast(Chain, stmt).parts
    return ()


_NESTING = frozenset((If, Block, For, Chain))


def transfers(stmt: Stmt) -> bool:
    """True when ``stmt`` never lets execution run on to the next statement."""
    cls = stmt.__class__
    if cls is Goto or cls is Exit:
        return True
    if cls is Chain:
        chain = cast(Chain, stmt)
        for index, part in enumerate(chain.parts):
            if index and chain.operators[index - 1] != "&":
                return False  # conditional, or a pipe (its parts run in child processes)
            if transfers(part):
                return True
        return False
    if cls is If:
        branch = cast(If, stmt)
        return branch.otherwise is not None and any(map(transfers, branch.then)) and any(map(transfers, branch.otherwise))
    if cls is Block:
        return any(map(transfers, cast(Block, stmt).body))
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
        cls = stmt.__class__
        if cls is Label:
            labels.setdefault(cast(Label, stmt).name.lower(), []).append(cast(Label, stmt))
        elif cls is Goto or (cls is Call and cast(Call, stmt).is_label):
            jump = cast(Goto | Call, stmt)
            jumps.setdefault(jump.target.lower(), []).append(jump)
            ordered_jumps.append(jump)
        elif cls is If:
            branch = cast(If, stmt)
            sequences.append(branch.then)
            if branch.otherwise:
                sequences.append(branch.otherwise)
        elif cls is Block or cls is For:
            sequences.append(cast(Block | For, stmt).body)
    undefined = [
        jump
        for jump in ordered_jumps
        if jump.target.lower() not in labels and jump.target.lower() != "eof" and not _dynamic(jump.target)
    ]

    falls_into: dict[str, Stmt] = {}
    previous: Stmt | None = None
    for stmt in script.statements:
        cls = stmt.__class__
        if cls is Comment:
            continue
        if cls is Label and previous is not None and not transfers(previous):
            falls_into.setdefault(cast(Label, stmt).name.lower(), previous)
        previous = stmt

    unreachable: list[tuple[Stmt, ...]] = []
    for sequence in sequences:
        runs: list[list[Stmt]] = []  # what follows each unconditional jump, up to a label
        dead = False
        for stmt in sequence:
            cls = stmt.__class__
            if cls is Label:
                dead = False  # a label can be jumped to: what follows runs
            elif dead and cls is not Comment:
                runs[-1].append(stmt)
            elif not dead and transfers(stmt):
                dead = True
                runs.append([])
        unreachable.extend(tuple(run) for run in runs if run)
    unreachable.sort(key=lambda run: (run[0].span.line, run[0].span.column))
    return ControlFlow(labels, jumps, falls_into, unreachable, undefined)

