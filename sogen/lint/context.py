"""Everything the rules know about one file, each part computed at most once.

One context per language (:class:`FileContext` for batch files, :class:`RegContext`
for registry patches, :class:`TextContext` for somg.ini and RUNBOOK.md), each
answering :class:`LintContext`. The parse happens when the context is made; the
control flow and the path analysis only when a selected rule first asks for them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, ClassVar, Protocol

from sogen.batch.arm import ArmCall, read_arm_call
from sogen.batch.control import ControlFlow, control_flow, walk
from sogen.batch.events import COMBINATIONS, DIALECTS, VALUES, Combination, Dialect
from sogen.batch.expansion import VARIABLE, operand_ends, percent_template
from sogen.batch.interpreter import PathResult, analyse, analyse_as_written, script_dialect
from sogen.batch.ir import Call, Command, Comment, If, Label, Script, Set, Span, Stmt, Word
from sogen.batch.parser import called_command, parse_script
from sogen.textio import BATCH_ENCODING, DecodedText, decode_bytes

if TYPE_CHECKING:
    from sogen.regfile.reader import RegFile
    from sogen.topology.model import Topology

START, STOP = "start", "stop"
BATCH, REGISTRY, TEXT = "batch", "reg", "text"  # the languages of the files linted


@dataclass(frozen=True)
class NamePatterns:
    """The file names of start and stop scripts."""

    start: tuple[str, ...] = ("start*.bat",)
    stop: tuple[str, ...] = ("stop*.bat",)


@cache
def _pattern_regex(pattern: str) -> re.Pattern:
    """A glob as a regex whose groups capture what the wildcards matched."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append("(.*)")
        elif char == "?":
            parts.append("(.)")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.I | re.S)


def kind_from_name(filename: str, patterns: NamePatterns) -> tuple[str, tuple[str, ...]] | None:
    """("start" | "stop", pair key): start2.bat and stop2.bat share the key ("2",)."""
    for kind, globs in ((START, patterns.start), (STOP, patterns.stop)):
        for glob in globs:
            match = _pattern_regex(glob).fullmatch(filename)
            if match:
                return kind, tuple(g.lower() for g in match.groups())
    return None


def event_variable(operand_text: str) -> tuple[str, str, str] | None:
    """(variable, what comes before it, what after) when the operand is one event variable
    of either dialect, bare or wrapped in text of its own: ``%ARMS_EVENT%``,
    ``"%ARMS_EVENT%"``, ``[%ARMS_EVENT%]``, ``(%CLP_EVENT%)``, ``x%ARMS_EVENT%``."""
    if "^" in operand_text or "!" in operand_text:
        return None
    parts, modified = percent_template(operand_text)
    references = [index for index, part in enumerate(parts) if part.__class__ is not str]
    if modified is not None or len(references) != 1 or parts[references[0]][0] is not VARIABLE:
        return None
    at = references[0]
    variable = parts[at][1].upper()
    if variable not in VALUES or any("%" in part for part in parts if part.__class__ is str):
        return None
    return variable, "".join(parts[:at]), "".join(parts[at + 1 :])


def tested_event_variable(stmt: If, copies: dict[str, str] | None = None) -> tuple[str, Word | None] | None:
    """(variable, the value it is compared with) for an IF on an event variable of
    either dialect, or on a copy of one (``copies``: see :attr:`FileContext.event_copies`),
    which stands for the variable it copies.

    The value is the other operand less the text the variable is wrapped in
    (``[%ARMS_EVENT%]==[START]`` compares with ``START``), spanning that operand. It is
    None for IF DEFINED, for a comparison with another variable, and for one that is
    never true because the operands are wrapped differently (``"%ARMS_EVENT%"==START``,
    ``%ARMS_EVENT%=="START"``: the cluster's values hold no quote; SO207 reports both).
    """
    cond = stmt.condition
    copies = copies or {}
    if cond.kind == "defined" and cond.left:
        name = cond.left.value.upper()
        name = copies.get(name, name)
        return (name, None) if name in VALUES else None
    if cond.kind != "compare" or cond.left is None or cond.right is None:
        return None
    left, right = cond.left.text, cond.right.text
    if copies:
        left, right = _as_copied(left, copies), _as_copied(right, copies)
    tested = _compared_event_value(left, right, cond.case_insensitive)
    if tested is None:
        return None
    variable, side, inner = tested
    return variable, None if inner is None else Word(inner, (cond.right, cond.left)[side].span)


def _as_copied(operand: str, copies: dict[str, str]) -> str:
    """The operand with each copy's %NAME% read as the event variable it copies."""
    if "%" not in operand:
        return operand
    return WHOLE_REFERENCE.sub(lambda m: f"%{copies.get(m.group(1).upper(), m.group(1))}%", operand)


# One %VAR% reference, no more (a SET value that copies a variable: SET EV=%ARMS_EVENT%).
WHOLE_REFERENCE = re.compile(r"%([^%:=\s]+)%")


@lru_cache(maxsize=4096)  # scripts share most of their IF lines
def _compared_event_value(left: str, right: str, case_insensitive: bool) -> tuple[str, int, str | None] | None:
    """(variable, 1 when it is the right operand, the other operand's text it is compared
    with or None) for :func:`tested_event_variable`, from the operands' texts alone."""
    for side, (this, other) in enumerate(((left, right), (right, left))):
        tested = event_variable(this)
        if tested:
            variable, before, after = tested
            ends = operand_ends(other)
            if ends is None or ends.varies or len(other) < len(before) + len(after):
                return variable, side, None
            fold = str.upper if case_insensitive else str
            head, tail = other[: len(before)], other[len(other) - len(after) :]
            inner = other[len(before) : len(other) - len(after)]
            if fold(head) != fold(before) or fold(tail) != fold(after) or '"' in inner:
                return variable, side, None  # the cluster's values hold no quote
            return variable, side, inner
    return None


class LintContext(Protocol):
    """What every rule's ``check`` gets, whatever the file's language."""

    language: ClassVar[str]  # BATCH, REGISTRY or TEXT
    path: str
    display_path: str  # as findings show it
    data: bytes
    # With `sogen lint --topology`: the topology, and the index of the file's failover group
    # (None: the file is in no group's folder). None without.
    topology: Topology | None
    group: int | None

    def line_text(self, line: int) -> str: ...


class _Placed:
    """Where a file stands in a topology: set by the engine when it lints with one."""

    topology: Topology | None = None
    group: int | None = None


class FileContext(_Placed):
    language = BATCH

    def __init__(
        self, path: str, display_path: str, data: bytes, patterns: NamePatterns, dialect: str | None = None,
        x_configured: bool = False,
    ):
        self.path = path
        self.display_path = display_path
        self.data = data
        self.patterns = patterns
        self.forced_dialect = dialect  # --dialect: "arm" or "clp"; None: the script's own
        self.x_configured = x_configured  # in a CLUSTERPRO X configuration (engine.in_x_configuration)
        self.script: Script = parse_script(path, data)

    # -- what the rules read --------------------------------------------------

    @cached_property
    def flow(self) -> ControlFlow:
        return control_flow(self.script)

    @cached_property
    def dialect(self) -> Dialect:
        """The event variables' names: as forced (--dialect), else the script's own (CLUSTERPRO
        X's, in an X configuration, for a script that reads neither's)."""
        forced = self.forced_dialect
        if forced:
            return DIALECTS[forced]
        return script_dialect(self.script, DIALECTS["clp"] if self.x_configured else DIALECTS["arm"])

    @cached_property
    def analysis(self) -> dict[Combination, PathResult]:
        """Combination -> PathResult for the 16 combinations, in the script's dialect."""
        return analyse(self.script, dialect=self.dialect)

    @cached_property
    def paths(self) -> list[PathResult]:
        """The path results in a fixed order, so that findings come out the same every run."""
        return [self.analysis[c] for c in COMBINATIONS if c in self.analysis]

    @cached_property
    def distinct_paths(self) -> list[PathResult]:
        """One path per distinct sequence of actions (most scripts have a handful, not 16),
        for the rules that look at the actions only."""
        distinct: dict[tuple, PathResult] = {}
        for result in self.paths:
            distinct.setdefault(tuple((id(a.stmt), a.text) for a in result.actions), result)
        return list(distinct.values())

    @cached_property
    def paths_as_written(self) -> list[PathResult]:
        """:attr:`paths` of the script as its author wrote it: a file in another encoding
        than code page 932 read as its text, not as cmd reads its bytes (which SO702
        reports), for the rules that judge what the lines say."""
        if self.script.encoding == BATCH_ENCODING or self.script.raw.isascii():
            return self.paths
        results = analyse_as_written(self.script, dialect=self.dialect)
        return [results[c] for c in COMBINATIONS if c in results]

    @cached_property
    def _lines_run(self) -> frozenset[tuple[type, int]] | None:
        """(kind, line) of each statement some path as written runs; None when a path was
        cut off as a loop or depends on what only the server knows (IF ERRORLEVEL after a
        program, IF on %COMPUTERNAME%): the branch the analysis took is then a guess."""
        paths = self.paths_as_written
        if any(result.end == "loop-limit" or result.uncertain for result in paths):
            return None
        step_lists = {id(result.steps): result.steps for result in paths}  # combinations share a walk's
        return frozenset((step.__class__, step.span.line) for steps in step_lists.values() for step in steps)

    def runs(self, stmt: Stmt) -> bool:
        """Whether some combination of the cluster's variables runs ``stmt``, in the script
        as written. By its kind and line: the analysis runs a line parsed again after
        %VAR% expansion as statements of its own; of two statements of a kind on one
        line, both are taken to run when one does."""
        lines = self._lines_run
        return lines is None or (stmt.__class__, stmt.span.line) in lines

    @cached_property
    def statements(self) -> list[Stmt]:
        """All statements, nested ones included, in file order; comments left out."""
        return [s for s in walk(self.script.statements) if not isinstance(s, Comment)]

    @cached_property
    def commands(self) -> list[Command]:
        return [s for s in self.statements if isinstance(s, Command)]

    @cached_property
    def commands_run(self) -> list[Command]:
        """The commands, and each CALL of a program as the command it runs (``call ARMLOAD
        ...`` runs ARMLOAD as the line without CALL does), in file order."""
        if not any(s.__class__ is Call for s in self.statements):
            return self.commands
        return [
            s if s.__class__ is Command else called_command(s)
            for s in self.statements
            if s.__class__ is Command or (s.__class__ is Call and not s.is_label)
        ]

    @cached_property
    def arm_calls(self) -> list[tuple[Command, ArmCall]]:
        """The ARM command lines, read against NEC's documented forms once for every rule."""
        return [(command, call) for command in self.commands_run if (call := read_arm_call(command)) is not None]

    @cached_property
    def names_set(self) -> frozenset[str]:
        """The upper-case names the script SETs (a migration's shim sets ARMS_EVENT itself)."""
        return frozenset(s.name.upper() for s in self.statements if s.__class__ is Set)

    @cached_property
    def ifs(self) -> list[If]:
        return [s for s in self.statements if isinstance(s, If)]

    @cached_property
    def labels(self) -> list[Label]:
        """Top-level labels in file order."""
        return [s for s in self.script.statements if isinstance(s, Label)]

    @cached_property
    def event_copies(self) -> dict[str, str]:
        """Upper-case name -> the event variable it copies, for a variable whose every SET
        is ``SET NAME=%VARIABLE%`` of one event variable: ``SET EV=%ARMS_EVENT%``, and
        ``SET ARMS_EVENT=%CLP_EVENT%``, the shim of a migration to CLUSTERPRO X. A test
        of the copy is a test of the variable (a copy with a blank more is no copy). The
        dialect's own variables are the cluster's, never a copy (an ARM script's fallback
        ``IF "%ARMS_EVENT%" == "" SET ARMS_EVENT=%CLP_EVENT%`` still tests ARMS_EVENT)."""
        own = self.dialect.variables
        copied: dict[str, str | None] = {}
        for stmt in self.statements:
            if stmt.__class__ is Set and stmt.name.upper() not in own:
                name = stmt.name.upper()
                match = None if stmt.arithmetic or stmt.prompt else WHOLE_REFERENCE.fullmatch(stmt.value)
                source = match.group(1).upper() if match else None
                if source not in VALUES or source == name:
                    source = None
                copied[name] = source if copied.get(name, source) == source else None
        return {name: source for name, source in copied.items() if source is not None}

    @cached_property
    def arms_tests(self) -> list[tuple[If, str, Word | None]]:
        """The IFs that test an event variable of either dialect, or a copy of one
        (:attr:`event_copies`), in file order, each with the variable and the operand it is
        compared with (see :func:`tested_event_variable`)."""
        copies = self.event_copies
        return [(s, *tested) for s in self.ifs if (tested := tested_event_variable(s, copies))]

    @cached_property
    def event_tests(self) -> list[If]:
        """The IFs that test the dialect's event variable (ARMS_EVENT, CLP_EVENT), in file order."""
        return [stmt for stmt, variable, _ in self.arms_tests if variable == self.dialect.event]

    @cached_property
    def run_by_cluster(self) -> bool:
        """Whether the cluster runs this script with the event variables set: it tests the
        event variable, or it is named as a start (stop) script and starts (stops) services,
        dispatch or not. A helper such as startup.bat that does neither is not."""
        if self.event_tests:
            return True
        named = self.named_kind
        return named is not None and any(a.phase == named for result in self.paths for a in result.actions)

    @cached_property
    def named_kind(self) -> str | None:
        """ "start", "stop" or None: by file name only (start*.bat, stop*.bat, configurable)."""
        named = kind_from_name(os.path.basename(self.path), self.patterns)
        return named[0] if named else None

    @cached_property
    def kind(self) -> str | None:
        """ "start", "stop" or None: by file name, else by what the script does."""
        if self.named_kind:
            return self.named_kind
        programs = {c.program for c in self.commands}
        loads, kills = "armload" in programs, "armkill" in programs
        if loads != kills:
            return START if loads else STOP
        return None

    # -- text and positions ---------------------------------------------------

    def line_text(self, line: int) -> str:
        lines = self.script.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @property
    def decoded(self) -> DecodedText | None:
        """The text as the fixes edit it; None when the bytes do not decode (no fixes then)."""
        return self.script.decoded

    @cached_property
    def _line_starts(self) -> list[int]:
        text = self.decoded.text if self.decoded else ""
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", text))
        return starts

    def offset(self, line: int, column: int) -> int:
        """Offset in the decoded text of a 1-based (line, column)."""
        return self._line_starts[line - 1] + column - 1

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``, before its line ending."""
        return self.offset(line, len(self.line_text(line)) + 1)

    def newline_after(self, line: int) -> str:
        """The line ending ``line`` has ("\\r\\n" or "\\n")."""
        text = self.decoded.text if self.decoded else ""
        return "\r\n" if text.startswith("\r\n", self.line_end(line)) else "\n"

    @property
    def fixable(self) -> bool:
        return self.decoded is not None


class RegContext(_Placed):
    """What the registry rules read about one .reg file (the batch rules' FileContext counterpart)."""

    language = REGISTRY
    kind = "reg"

    def __init__(self, path: str, display_path: str, data: bytes):
        self.path = path
        self.display_path = display_path
        self.data = data
        from sogen.regfile.reader import parse_registry  # only when a .reg file is linted

        self.reg: RegFile = parse_registry(path, data)

    def line_text(self, line: int) -> str:
        lines = self.reg.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def first_line_span(self) -> Span:
        return Span(1, 1, 1, len(self.line_text(1)) + 1)


class TextContext(_Placed):
    """A plain text file the topology rules read (somg.ini, RUNBOOK.md); UnicodeDecodeError
    when it is neither UTF-8, UTF-16 nor code page 932 text."""

    language = TEXT
    kind = None

    def __init__(self, path: str, display_path: str, data: bytes):
        self.path = path
        self.display_path = display_path
        self.data = data
        self.lines = decode_bytes(data).text.splitlines()

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""
