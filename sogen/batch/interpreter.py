"""What a batch script does under every cluster event: an abstract cmd.exe.

:func:`analyse` runs the script in an abstract cmd.exe for each
:data:`COMBINATIONS` of ``ARMS_EVENT`` x ``ARMS_SERVER`` x ``ARMS_DISK`` (CLUSTERPRO
X's ``CLP_*`` in a script of that :class:`Dialect`) and records the cluster actions
(ARMLOAD, net start, isql ...) each one performs.
It follows cmd where it matters for these scripts:

* ``%VAR%`` is expanded when a command line is read (a whole block at once),
  and the expanded text is parsed again: an unset ``%ARMS_EVENT%`` in an
  unquoted ``IF %ARMS_EVENT% == START`` leaves ``IF  == START``, a syntax error
  that makes Windows' cmd stop the script (end ``"syntax-error"``);
* GOTO and CALL search labels case-insensitively from the current position,
  wrapping around to the top (so of two equal labels the one after the jump
  wins); a GOTO to a missing label ends the batch (or the CALLed routine);
* CALL :label returns at the end of the file, EXIT /B or GOTO :EOF;
  SETLOCAL / ENDLOCAL (also ended by a CALL's return), ``!VAR!`` once delayed
  expansion is enabled, FOR /L and FOR over a list, SET /A;
* the file is read as cmd reads it on these servers, in code page 932, whatever
  encoding sogen decoded it with, but for a UTF-8 file's lines after its first
  ``chcp 65001``, which Windows reads as UTF-8 (a later ``chcp`` back, or the rest
  of a block the chcp stands in, are not followed); a UTF-16 file, every other byte
  a NUL, runs nothing of the script;
* a variable holds at most 8191 characters, as in cmd; a longer value is cut there
  and the path marked uncertain;
* external programs succeed (errorlevel 0): IF ERRORLEVEL, ``&&`` and ``||``
  after one are decided on that assumption, and the path is marked uncertain,
  as it is when a condition reads a variable that neither the script nor the
  caller set (cmd sees it empty here; a real server may have it).

The combinations are not run one by one: a walk stands for every combination
until a command line mentions an event variable whose value differs among them,
and only then splits. Walks that meet again at a label in the same state (as far
as what follows reads it) share the steps the first of them recorded from there
(see :meth:`_Interpreter._converge`). A line is parsed again after expansion only
when a value could change its words (see :class:`_FileLine`).

Not followed (the path goes on as if they did nothing, or marks itself
uncertain): what FOR /F reads (a file or a command's output), FOR over file
patterns, /D and /R, IF EXIST (taken as false), the second expansion CALL does,
a called batch file (an OTHER action), START. ``%~dp0`` is the folder of the
script's path as given. A ParseError stops the path like a syntax error, unless
cmd would run the line anyway (see :attr:`ParseError.fatal`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterator, Mapping, NamedTuple, Sequence, Union, cast

from sogen.batch.actions import LIST_DELIMITERS, ClusterAction, described
from sogen.batch.control import children, walk
from sogen.batch.events import ARM, COMBINATIONS, ENVIRONMENTS, Combination, Dialect, dialect_of
from sogen.batch.expansion import (
    ALL_ARGUMENTS,
    ARGUMENT,
    FOR_REF,
    VARIABLE,
    expand_delayed,
    for_value,
    keeps_words,
    modify_value,
    only_quoted_percent,
    path_modified,
    percent_template,
    variables_read,
)
from sogen.batch.ir import Block, Call, Chain, Command, Comment, Exit, For, Goto, If, Label, ParseError, Script, Set, Stmt
from sogen.batch.numbers import cmd_compare, cmd_integer, set_arithmetic
from sogen.batch.parser import (
    BUILTINS, MAX_LINE, parse_lines, program_of, runs_batch_file, split_lines, unescape, utf8_from_line,
)
from sogen.textio import BATCH_ENCODING

#: Statements one path may execute before it is cut off as a loop, on top of one
#: per statement of the script (a straight script of any length runs through).
LOOP_LIMIT = 5_000


#: cmd itself gives up on deeper CALL recursion.
CALL_DEPTH_LIMIT = 64

#: The errorlevel of a SET /A that stopped at an error: cmd's own codes start there
#: (which code for which error is not confirmed without a Windows: taken as a guess).
SET_ARITHMETIC_ERROR = 1073750988


@dataclass
class PathResult:
    combination: Combination
    steps: list[Stmt]  # executed statements (labels passed included, comments not), in order
    actions: list[ClusterAction]
    tests: list[tuple[int, str]]  # (len(actions) when an IF tested it, an event variable of the dialect)
    end: str  # "exit", "eof", "syntax-error", "loop-limit", "undefined-label", "batch-file"
    uncertain: bool
    exit_code: int = 0  # the errorlevel it ends with: what CLUSTERPRO X takes for success or failure
    exit_assumed: bool = False  # that errorlevel is a program's, taken to succeed


# Code page 932 unit by unit: a lead byte and whatever byte follows it, or a run
# of single-byte characters.
_CP932_UNITS = re.compile(rb"[\x81-\x9f\xe0-\xfc][\x00-\xff]?|[^\x81-\x9f\xe0-\xfc]+", re.S)


_NO_CHARACTER = "\u30fb"  # "・", what Windows makes of a pair that is no cp932 character


_SWALLOWED_LF = "\ufdd2"  # marks an LF taken as the second byte of a pair


def cmd_lines(data: bytes) -> list[str]:
    """The lines cmd.exe reads from a batch file on a code page 932 system.

    Unlike Python's decoder, cmd takes a lead byte and the byte after it as one
    unit even when they make no character ("・"): a UTF-8 message can swallow the
    quote that closes it, and a comment can swallow the LF that ends it, joining
    the next line. (Seen in Wine's cmd; Windows' has not been checked.) A joined
    line is followed by an empty one, so that later lines keep their numbers.
    """
    try:
        return split_lines(data.decode(BATCH_ENCODING))
    except UnicodeDecodeError:
        pass
    units = []
    for unit in _CP932_UNITS.findall(data):
        try:
            units.append(unit.decode(BATCH_ENCODING))
        except UnicodeDecodeError:
            units.append(_NO_CHARACTER + (_SWALLOWED_LF if unit.endswith(b"\n") else ""))
    lines = []
    for line in split_lines("".join(units)):
        lines.append(line.replace(_SWALLOWED_LF, ""))
        lines.extend([""] * line.count(_SWALLOWED_LF))
    return lines


# Either dialect's names: the facts of a line are shared by every script, whatever its dialect.
_EVENT_VARIABLE_MENTION = re.compile(r"(?:arms|clp)_(?:event|server|disk)", re.I)


class _Seq:
    """Statements being run. With ``lines`` (one :class:`_FileLine` per statement) they
    are command lines read from the file, expanded as they are read."""

    __slots__ = ("statements", "index", "lines", "resume", "deferred")

    def __init__(
        self,
        statements: Sequence[Stmt],
        index: int = 0,
        lines: _FileLines | None = None,
        resume: int | None = None,
        deferred: bool = False,
    ):
        self.statements = statements
        self.index = index
        self.lines = lines
        self.resume = resume  # after a GOTO into a block: the script's position after that block
        self.deferred = deferred  # part of a command line whose %VAR% expansion is deferred

    def copy(self) -> _Seq:
        return _Seq(self.statements, self.index, self.lines, self.resume, self.deferred)


class _Return:
    """Where a CALL :label returns to."""

    __slots__ = ("scope_depth", "args", "all")

    def __init__(self, scope_depth: int, args: list[str], all_arguments: str):
        self.scope_depth = scope_depth  # SETLOCALs above this end with the routine
        self.args = args  # %0 %1 ..., split as cmd splits them; SHIFT moves them
        self.all = all_arguments  # %*, as written (SHIFT leaves it)

    def copy(self) -> _Return:
        return _Return(self.scope_depth, list(self.args), self.all)


class _Loop:
    """A FOR loop being run: the values its variable takes, and the one it had before."""

    __slots__ = ("variable", "values", "index", "body", "saved")

    def __init__(self, variable: str, values: list[str], body: Sequence[Stmt], saved: str | None):
        self.variable = variable
        self.values = values
        self.index = 0
        self.body = body
        self.saved = saved

    def copy(self) -> _Loop:
        clone = _Loop(self.variable, self.values, self.body, self.saved)
        clone.index = self.index
        return clone


class _Links:
    """A chain ``a & b && c || d | e`` being run."""

    __slots__ = ("chain", "index", "deferred")

    def __init__(self, chain: Chain, deferred: bool):
        self.chain = chain
        self.index = 0
        self.deferred = deferred

    def copy(self) -> _Links:
        clone = _Links(self.chain, self.deferred)
        clone.index = self.index
        return clone


# What SETLOCAL saved: the variables, the names known, delayed expansion, the varying event variables.
_Scope = tuple[dict[str, str], set[str], bool, tuple[str, ...]]
_Frame = Union[_Seq, _Return, _Loop, _Links]
# A label a walk passed (see _Interpreter._converge): its position, the lengths of the
# walk's steps, actions and reads then, its count, SETLOCAL depth and delayed expansion.
_Mark = tuple[int, int, int, int, int, int, bool]
# What a walk read of its state: (kind, name, value); see _reads.
_Read = tuple[str, Union[str, None], object]


class _Path:
    """One walk through the script, for the combinations it still stands for.

    ``env``: variables by upper-case name; ``known``: the names the script or the
    caller set (reading any other is an uncertain guess); ``varying``: the event
    variables whose value still differs among ``combinations`` (absent from ``env``);
    ``scopes``: what SETLOCAL saved; ``frames``: what is being run, innermost
    last; ``success``/``success_assumed``: whether the last command succeeded, and
    whether that is an assumption about an external program; ``assumed``: the
    errorlevel is a program's, taken to be 0 (the builtins after it, SET and ECHO,
    leave it so); ``deferred``: the statement
    being run expands its %VAR% as it goes (see :class:`_FileLine`); ``marks``: the
    labels passed since the walk last read an event variable, where what follows
    may be kept for other walks, and ``reads``: what of its state the walk read
    since the first of them (see :meth:`_Interpreter._converge`); ``handed_over``: a
    batch file was run without CALL, and cmd reads no further line of this one.
    """

    __slots__ = (
        "combinations", "env", "known", "varying", "scopes", "frames", "for_vars", "delayed",
        "errorlevel", "success", "success_assumed", "assumed", "steps", "actions", "tests", "uncertain", "count", "deferred", "marks", "reads",
        "handed_over",
    )  # fmt: skip
    combinations: tuple[Combination, ...]
    env: dict[str, str]
    known: set[str]
    varying: tuple[str, ...]
    scopes: list[_Scope]
    frames: list[_Frame]
    for_vars: dict[str, str]
    delayed: bool
    errorlevel: int
    success: bool
    success_assumed: bool
    assumed: bool
    steps: list[Stmt]
    actions: list[ClusterAction]
    tests: list[tuple[int, str]]
    uncertain: bool
    count: int
    deferred: bool
    marks: list[_Mark]
    reads: list[_Read]
    handed_over: bool  # a batch file run without CALL: the next line cmd reads is that file's

    def fork(self, combinations: tuple[Combination, ...]) -> _Path:
        clone = _Path()
        clone.combinations = combinations
        clone.env = dict(self.env)
        clone.known = set(self.known)
        clone.varying = self.varying
        clone.scopes = list(self.scopes)
        clone.frames = [frame.copy() for frame in self.frames]
        clone.for_vars = dict(self.for_vars)
        clone.delayed = self.delayed
        clone.errorlevel = self.errorlevel
        clone.success = self.success
        clone.success_assumed = self.success_assumed
        clone.assumed = self.assumed
        clone.steps = list(self.steps)
        clone.actions = list(self.actions)
        clone.tests = list(self.tests)
        clone.uncertain = self.uncertain
        clone.count = self.count
        clone.deferred = self.deferred
        clone.handed_over = self.handed_over
        clone.marks, clone.reads = [], []  # a walk splits where it reads an event variable: no mark stands
        return clone


class _FileLines:
    """The :class:`_FileLine` of each statement of a list, worked out when first read."""

    __slots__ = ("statements", "lines", "known")

    def __init__(self, statements: Sequence[Stmt], lines: Sequence[str]):
        self.statements = statements
        self.lines = lines
        self.known: list[_FileLine | None] = [None] * len(statements)

    def __getitem__(self, index: int) -> _FileLine:
        line = self.known[index]
        if line is None:
            line = self.known[index] = _FileLine(self.statements[index], self.lines)
        return line


class _FileLine:
    """What the interpreter needs to know about one top-level statement, worked out once.

    ``deferral``: how its %VAR% may wait to be expanded until each word is used
    instead of the whole line being parsed again after expansion, the costly part
    of a walk (None: it may not). :data:`_QUOTED` when every %...% sits inside
    quotes and there is a %VAR:modifier% (it waits if no quote comes in with a
    value); otherwise the references to look at when the line is read (see
    :meth:`_Interpreter._values_keep_words`)."""

    __slots__ = ("first", "last", "percent", "event_variables", "deferral")
    first: int
    last: int
    percent: bool
    event_variables: tuple[str, ...]
    deferral: _Deferral

    def __init__(self, stmt: Stmt, lines: Sequence[str]):
        self.first, self.last = stmt.span.line, stmt.span.end_line
        text = lines[self.first - 1] if self.first == self.last else "\n".join(lines[self.first - 1 : self.last])
        if "%" in text:
            self.percent = True
            self.event_variables, self.deferral = _facts(text)
        else:  # nothing to expand; an event variable only in IF DEFINED or SET
            self.percent, self.event_variables, self.deferral = False, _event_variables(text, text.lower()), None
        deferral = self.deferral
        if deferral and isinstance(deferral, tuple):
            if any(not quoted for _part, quoted in deferral) and not _words_only(stmt):
                self.deferral = None


# A word that may change variables (SET, SETLOCAL, ENDLOCAL, FOR ...): where one stands,
# the words cannot wait to be expanded until they are used.
_MAY_SET = re.compile(r"\b(?:set|endlocal|for)", re.I)

_QUOTED = "quoted"
# How a command line's %VAR% may wait to be expanded (see _FileLine): _QUOTED, the
# references to look at ((reference, whether it stands inside quotes) ...), or None.
_Deferral = Union[tuple[tuple[tuple, bool], ...], str, None]

# A variable name that is one word to the parser, as %NAME% stands unquoted in a line.
_WORD_NAME = re.compile(r"[\w$#@.\-\[\]{}~+]+")


@lru_cache(maxsize=8192)  # scripts share most of their lines
def _facts(text: str) -> tuple[tuple[str, ...], _Deferral]:
    """(the event variables a command line with a % names, its deferral; see :class:`_FileLine`)."""
    lowered = text.lower()
    may_set = ("set" in lowered or "for" in lowered or "endlocal" in lowered) and _MAY_SET.search(text)
    return _event_variables(text, lowered), None if may_set else _deferral(text)


def _event_variables(text: str, lowered: str) -> tuple[str, ...]:
    if "arms_" not in lowered and "clp_" not in lowered:
        return ()
    return tuple(sorted({name.upper() for name in _EVENT_VARIABLE_MENTION.findall(text)}))


def _deferral(text: str) -> _Deferral:
    refs: list[tuple[tuple, bool]] = []
    for line in text.split("\n"):
        parts, modified = percent_template(line)
        if modified is not None:
            return _QUOTED if only_quoted_percent(text) else None
        quoted = False
        for part in parts:
            if part.__class__ is str:
                quoted ^= part.count('"') % 2 == 1
            elif quoted:
                if part[0] is VARIABLE and '"' in part[1]:
                    return None
                refs.append((part, True))
            elif part[0] is ALL_ARGUMENTS or (part[0] is VARIABLE and not _WORD_NAME.fullmatch(part[1])):
                return None
            else:
                refs.append((part, False))
    return tuple(refs)


def _words_only(stmt: Stmt) -> bool:
    """Whether the statement's %VAR% all stand where a plain value leaves it as parsed:
    operands and arguments, not a command's name, a jump's target or a label."""
    return all(_keeps_words(part) for part in walk((stmt,)))


def _keeps_words(stmt: Stmt) -> bool:
    if stmt.__class__ is Command:
        return "%" not in stmt.name
    if stmt.__class__ is Goto or stmt.__class__ is Call:
        return "%" not in stmt.target
    kind = type(stmt)
    return kind is If or kind is Block or kind is Chain or kind is Exit or kind is Comment


_DELAYED_NAME = re.compile(r"!([^!:]+)(?::[^!]*)?!")


@lru_cache(maxsize=8192)
def _names_read(text: str, delayed: bool = False) -> tuple[str, ...]:
    """The upper-case names of the %VAR% (and with ``delayed``, !VAR!) a line reads, not
    ERRORLEVEL, which cmd keeps."""
    names = []
    rest: str | None = text
    while rest:
        parts, modified = percent_template(rest)
        names += [part[1] for part in parts if part.__class__ is tuple and part[0] is VARIABLE]
        rest = None
        if modified is not None:  # %A:~0,2%: the text after it is read too
            names.append(modified[0])
            rest = modified[3] if modified[3] is not None else modified[2]
    if delayed:  # read once the carets are gone: ^!ID^! reads ID
        names += _DELAYED_NAME.findall(unescape(text))
    return tuple(key for key in dict.fromkeys(name.upper() for name in names) if key != "ERRORLEVEL")


@lru_cache(maxsize=4096)
def _parse_expanded(lines: tuple[str, ...], first_line: int) -> tuple[Stmt, ...]:
    """A command line as it reads after %VAR% expansion. Shared by every script: the
    IR is immutable, and many scripts expand the same line to the same text."""
    return tuple(stmt for stmt in parse_lines(lines, first_line) if type(stmt) is not Comment)


class _Interpreter:
    def __init__(self, script: Script, environment: Mapping[str, str], dialect: Dialect):
        self.script = script
        self.dialect = dialect
        self.statements = script.statements
        self.lines = script.lines
        if script.encoding.startswith("utf-16"):
            # Every other byte a NUL: what cmd makes of the lines runs no command of the
            # script (SO702; Wine's cmd hangs on such a file).
            self.lines, self.statements = [], []
        elif script.encoding != BATCH_ENCODING and not script.raw.isascii():
            # cmd reads the bytes in the console's code page, 932 on these servers,
            # whatever sogen decoded them as: a UTF-8 message turns into other
            # characters and may swallow the quote after it; a byte order mark
            # glues onto the first command ("'・ｿ@echo' is not recognized").
            self.lines = cmd_lines(script.raw)
            decoded = script.decoded
            if decoded is not None and decoded.encoding == "utf-8" and not decoded.bom:
                switch = utf8_from_line(script)
                if switch is not None and len(self.lines) == len(script.lines):
                    # From the line after chcp 65001 on, Windows' cmd reads UTF-8: the lines as written.
                    self.lines = self.lines[:switch] + script.lines[switch:]
            self.statements = parse_lines(self.lines)
        self.environment = {name.upper(): value for name, value in environment.items()}
        self.file_lines = _FileLines(self.statements, self.lines)
        self.limit = LOOP_LIMIT + len(self.statements)
        # lower-case label -> (top-level position, label) in file order; a label inside
        # a block is filed under the position of the statement that holds it.
        self.labels: dict[str, list[tuple[int, Label]]] = {}
        for index, stmt in enumerate(self.statements):
            if type(stmt) is Label:
                self.labels.setdefault(stmt.name.lower(), []).append((index, stmt))
            elif children(stmt):
                for nested in walk(children(stmt)):
                    if type(nested) is Label:
                        self.labels.setdefault(nested.name.lower(), []).append((index, nested))
        # Top-level label -> what walks did from there on, and what they read (see _converge).
        self.rests: dict[int, list[tuple]] = {}
        self.expansions: dict[tuple[int, tuple[str, ...]], Sequence[Stmt]] = {}  # (id(_FileLine), expanded lines)
        self.rest_of_block: dict[int, tuple[list[Stmt], _FileLines]] = {}
        self.stand_ins: dict[int, Command] = {}  # id(CALL of a program) -> the Command it runs
        self.condition_variables: dict[int, tuple[str, ...]] = {}
        self.origin: dict[int, Stmt] = {}  # id(statement parsed after expansion) -> statement in the script
        self.actions: dict[tuple[int, str, str], ClusterAction] = {}

    # -- driving ---------------------------------------------------------------------

    def run(self) -> dict[Combination, PathResult]:
        start = _Path()
        start.combinations = COMBINATIONS
        start.env = {name: value for name, value in self.environment.items() if value}  # "" is unset
        start.known = set(self.environment)
        start.varying = tuple(name for name in self.dialect.variables if name not in self.environment)
        start.scopes = []
        start.frames = [_Seq(self.statements, 0, self.file_lines)]
        start.for_vars = {}
        start.delayed = False
        start.errorlevel = 0
        start.success = True
        start.success_assumed = False
        start.assumed = False
        start.steps, start.actions, start.tests = [], [], []
        start.uncertain = False
        start.count = 0
        start.deferred = False
        start.handed_over = False
        start.marks, start.reads = [], []
        results: dict[Combination, PathResult] = {}
        pending = [start]
        while pending:
            path = pending.pop()
            end = self._walk(path, pending)
            if end is None:
                continue  # split: its parts are pending
            if path.marks and end != "loop-limit":  # a limit reached at another count would cut elsewhere
                path.reads.append((_ERRORLEVEL, None, path.errorlevel))  # the exit code reads it
                path.reads.append((_OUTCOME, None, _outcome(path)))  # and whether it is a guess
                self._keep_rests(path, end)
            # The combinations of one walk share its lists: nothing changes a PathResult.
            steps, actions, tests = path.steps, path.actions, path.tests
            for combination in path.combinations:
                results[combination] = PathResult(
                    combination, steps, actions, tests, end, path.uncertain, path.errorlevel, path.assumed
                )
        return {combination: results[combination] for combination in COMBINATIONS}

    def _walk(self, path: _Path, pending: list[_Path]) -> str | None:
        """Run ``path`` to its end (returned) or until it splits (None; the parts go to ``pending``)."""
        frames = path.frames
        while True:
            if path.count > self.limit:
                return "loop-limit"
            frame = frames[-1]
            if frame.__class__ is _Seq:
                if path.handed_over and frame.lines is not None:
                    # The line that ran the other batch file is done (the rest of a line or
                    # block cmd has read runs first); what comes next is that file's.
                    path.handed_over = False
                    end = self._return(path, "batch-file")
                    if end is not None:
                        return end
                    continue
                if frame.index >= len(frame.statements):
                    frames.pop()
                    if frame.lines is None:
                        continue
                    if frame.resume is not None:
                        frames.append(_Seq(self.statements, frame.resume, self.file_lines))
                        continue
                    end = self._return(path, "eof")
                    if end is not None:
                        return end
                    continue
                stmt = frame.statements[frame.index]
                if frame.lines is not None:
                    if stmt.__class__ is Comment:
                        frame.index += 1
                        continue
                    if stmt.__class__ is Label:  # cmd never expands or runs a label line: passed, it is a step
                        frame.index += 1
                        path.count += 1
                        path.steps.append(stmt)
                        if frame.statements is self.statements and len(frames) == 1 and not path.for_vars:
                            end = self._converge(path, frame.index)
                            if end is not None:
                                return end
                        continue
                    line = frame.lines.known[frame.index] or frame.lines[frame.index]
                    if line.event_variables:
                        path.marks.clear()
                        path.reads.clear()
                        varying = tuple(name for name in line.event_variables if name in path.varying)
                        if varying and self._split(path, varying, pending):
                            return None
                    frame.index += 1
                    if line.percent:
                        expanded, path.deferred = self._read(stmt, line, path)
                        if len(expanded) != 1:
                            frames.append(_Seq(expanded))
                            continue
                        stmt = expanded[0]
                    else:
                        path.deferred = False
                else:
                    frame.index += 1
                    path.deferred = frame.deferred
                end = self._execute(stmt, path)
                if end is not None:
                    return end
            elif frame.__class__ is _Links:
                end = self._next_link(frame, path)
                if end is not None:
                    return end
            else:  # a CALL's _Return is never on top: reaching it, the routine returned
                loop = cast(_Loop, frame)
                if loop.index < len(loop.values):
                    path.for_vars[loop.variable] = loop.values[loop.index]
                    loop.index += 1
                    frames.append(_Seq(loop.body))
                else:
                    frames.pop()
                    if loop.saved is None:
                        path.for_vars.pop(loop.variable, None)
                    else:
                        path.for_vars[loop.variable] = loop.saved

    def _converge(self, path: _Path, index: int) -> str | None:
        """At a top-level label: end ``path`` as an earlier walk went on from here (the
        end returned), or mark the place for later walks (None).

        Walks part where a line reads an event variable and mostly meet again at a
        label (the common end of the sections). From there on, a walk that reads no
        event variable does what an earlier one did from the same label, whatever its
        combinations, as long as what that one read of its state (variables, which
        are known, the errorlevel, the last command's outcome) is the same here, as
        are delayed expansion and the SETLOCAL depth: the steps and actions it
        recorded then stand for this walk too."""
        depth, delayed = len(path.scopes), path.delayed
        for guards, rest_depth, rest_delayed, ended, steps, actions, count in self.rests.get(index, ()):
            if rest_depth == depth and rest_delayed == delayed and path.count + count <= self.limit:
                if all(_reads(path, kind, name) == value for (kind, name), value in guards):
                    path.steps.extend(ended.steps[steps:])
                    path.actions.extend(ended.actions[actions:])
                    end, uncertain, path.errorlevel = ended.end, ended.uncertain, ended.exit_code
                    path.assumed = ended.exit_assumed
                    path.uncertain = path.uncertain or uncertain
                    path.count += count
                    if path.marks:  # the walk's own marks were read on through the rest
                        path.reads.extend((kind, name, value) for (kind, name), value in guards)
                    return end
        if not path.uncertain:  # so that the walk's end tells whether the rest made it uncertain
            path.marks.append((index, len(path.steps), len(path.actions), path.count, len(path.reads), depth, delayed))
        return None

    def _keep_rests(self, path: _Path, end: str) -> None:
        """Keep what ``path`` did after each of its marks (the first at each label, which
        holds the later ones), with what it read of its state from there on. One pass
        back over the marks and the reads: a walk through thousands of labels stays linear."""
        ended = _Ended(path.steps, path.actions, end, path.uncertain, path.errorlevel, path.assumed)
        kept: dict[int, tuple] = {}
        guards: dict[tuple[str, str | None], object] = {}
        lowest = len(path.scopes)
        reads, at = path.reads, len(path.reads)
        for index, steps, actions, count, read, depth, delayed in reversed(path.marks):
            while at > read:
                at -= 1
                kind, name, value = reads[at]
                if kind is _DEPTH:
                    lowest = min(lowest, cast(int, value))
                else:
                    guards[(kind, name)] = value  # the first read after the mark is what it depends on
            if lowest >= depth:  # else an ENDLOCAL ended a SETLOCAL of before the label
                kept[index] = (tuple(guards.items()), depth, delayed, ended, steps, actions, path.count - count)
        for index, rest in kept.items():
            self.rests.setdefault(index, []).append(rest)

    def _split(self, path: _Path, names: tuple[str, ...], pending: list[_Path]) -> bool:
        """Give ``names`` one value per walk; True when ``path`` was split into ``pending``."""
        parts = _partition(self.dialect, names, path.combinations)
        for values, members in parts:
            part = path if len(parts) == 1 else path.fork(members)
            part.varying = tuple(name for name in part.varying if name not in names)
            for name, value in zip(names, values):
                if value is not None:
                    part.env[name] = value
            if len(parts) > 1:
                pending.append(part)
        return len(parts) > 1

    # -- reading a command line: %VAR% expansion ------------------------------------------

    def _read(self, stmt: Stmt, line: _FileLine, path: _Path) -> tuple[Sequence[Stmt], bool]:
        """The statements cmd runs for this command line once ``%...%`` is expanded,
        and whether their words are still to be expanded as they are used."""
        deferral = line.deferral
        if isinstance(deferral, tuple) and self._values_keep_words(deferral, path):
            return (stmt,), True
        source = self.lines[line.first - 1 : line.last]
        expanded = tuple(self._expand_percent(text, path) for text in source)
        if deferral is _QUOTED and all(new.count('"') == old.count('"') for new, old in zip(expanded, source)):
            return (stmt,), True
        key = (id(line), expanded)
        statements = self.expansions.get(key)
        if statements is None:
            if list(expanded) == list(source):
                statements = (stmt,)
            else:
                statements = _parse_expanded(expanded, line.first)
                if len(statements) == 1:
                    self._pair(stmt, statements[0])
            self.expansions[key] = statements
        if any(s.__class__ is ParseError and s.fatal for s in statements) and self._reads_unknown(source, path, True):
            path.uncertain = True  # "IF %FOO% == x" is a syntax error only if FOO is really unset
        return statements, False

    def _reads_unknown(self, source: Sequence[str], path: _Path, set_is_known: bool = False) -> bool:
        """Whether these lines read a variable that neither the script, the caller nor the
        cluster event gave a value or unset: its value on the server is a guess (so is a
        copy of a guessed errorlevel, unless ``set_is_known``: any value will do). What it
        looked at is recorded for the walks that share what follows a label."""
        for text in source:
            for key in _names_read(text, path.delayed):
                if key in self.dialect.variables:
                    continue
                if path.marks:
                    path.reads.append((_KNOWN, key, key in path.known))
                    if set_is_known:
                        path.reads.append((_VARIABLE, key, path.env.get(key)))
                if key not in path.known and not (set_is_known and key in path.env):
                    return True
        return False

    def _values_keep_words(self, refs: tuple, path: _Path) -> bool:
        """Whether the values of ``refs`` leave the line as parsed: no quote inside quotes,
        one plain word that is no keyword outside them."""
        for part, quoted in refs:
            value = self._reference(part, path)
            if quoted:
                if '"' in value:
                    return False
            elif not keeps_words(value):
                return False
        return True

    def _pair(self, original: Stmt, expanded: Stmt) -> None:
        """Remember which statement of the script each re-parsed statement stands for."""
        self.origin[id(expanded)] = original
        old, new = children(original), children(expanded)
        if type(original) is type(expanded) and len(old) == len(new):
            for a, b in zip(old, new):
                if type(a) is type(b):
                    self._pair(a, b)

    def _expand_percent(self, text: str, path: _Path) -> str:
        """cmd's phase 1 in a batch file: %%, %0-%9, %*, %~dp0, %VAR%, %VAR:~1,2%, %VAR:a=b%."""
        if "%" not in text:
            return text
        out: list[str] = []
        while True:
            parts, modified = percent_template(text)
            for part in parts:
                out.append(part if part.__class__ is str else self._reference(part, path))
            if modified is None:
                return "".join(out)
            name, modifier, if_unset, if_set = modified
            value = self._lookup(name, path)
            if value is None or if_set is None:
                text = if_unset  # "%UNSET:" vanishes and the scan goes on after the colon
            else:
                out.append(modify_value(value, modifier))
                text = if_set

    def _reference(self, part: tuple, path: _Path) -> str:
        """The value of a reference of :func:`percent_template` (VARIABLE, ARGUMENT or ALL_ARGUMENTS)."""
        kind = part[0]
        if kind is VARIABLE:
            return self._lookup(part[1], path) or ""
        if kind is ARGUMENT:
            return self._argument(path, part[1], part[2])
        routine = _routine(path)
        return routine.all if routine is not None else ""

    def _arguments(self, path: _Path) -> list[str]:
        routine = _routine(path)
        return routine.args if routine is not None else [self.script.path]

    def _argument(self, path: _Path, number: int, modifiers: str | None) -> str:
        args = self._arguments(path)
        value = args[number] if number < len(args) else ""
        if modifiers is None:
            return value
        if number == 0 and modifiers:
            # %~dp0 and friends: the script's folder or name, also in a CALLed routine, whose %0
            # is its label (Windows and Wine alike: "%~dp0tools\x.exe" in a :log routine).
            value = self.script.path
        modified, reads_server = path_modified(value, modifiers)
        if reads_server and number:
            path.uncertain = True
        return modified

    def _lookup(self, name: str, path: _Path) -> str | None:
        key = name.upper()
        value = path.env.get(key)
        if path.marks:
            path.reads.append((_VARIABLE, key, value))
        if value is None and key == "ERRORLEVEL":
            if path.marks:
                path.reads.append((_ERRORLEVEL, None, path.errorlevel))
            return str(path.errorlevel)
        return value

    def _resolve(self, text: str, path: _Path, escaped: bool = False) -> str:
        """Expansions at execution time: a deferred %VAR% (see :class:`_FileLine`), FOR
        variables, then !VAR! under delayed expansion. ``escaped``: ``text`` is a command
        line as written, whose carets cmd removes after %VAR% and before the rest
        (``net start ^!SVC^!`` starts the service SVC names)."""
        if path.deferred:
            text = self._expand_percent(text, path)
        if escaped:
            text = unescape(text)
        if path.for_vars and "%" in text:
            text = FOR_REF.sub(lambda m: for_value(m, path.for_vars), text)
        if path.delayed and "!" in text:
            text = expand_delayed(text, lambda name: self._lookup(name, path))
        return text

    # -- executing ---------------------------------------------------------------------

    def _execute(self, stmt: Stmt, path: _Path) -> str | None:
        """Run one statement; a string ends the path."""
        if stmt.__class__ is Comment:
            return None
        path.count += 1
        original = self.origin.get(id(stmt), stmt) if self.origin else stmt
        path.steps.append(original)
        if stmt.__class__ is Command:
            self._command(stmt, original, path)
        elif stmt.__class__ is If:
            return self._if(stmt, original, path)
        elif stmt.__class__ is Goto:
            return self._goto(self._resolve(stmt.target, path), path)
        elif stmt.__class__ is Call:
            return self._call(stmt, original, path)
        elif stmt.__class__ is Set:
            self._set(stmt, original, path)
        elif stmt.__class__ is Exit:
            if stmt.code is not None:  # EXIT /B alone leaves the errorlevel as it is (a routine's own code)
                written = original.code if original.__class__ is Exit and original.code is not None else stmt.code
                # The script's own code, unless it hands on a program's guessed one (EXIT
                # %ERRORLEVEL%, EXIT %RET% after SET RET=%ERRORLEVEL%).
                guessed = self._copies_guess(written, path)
                code = cmd_integer(self._resolve(stmt.code, path))
                path.errorlevel = code if code is not None else 0
                path.assumed = guessed
            if stmt.batch_only:
                return self._return(path, "exit")
            return "exit"
        elif stmt.__class__ is Block:
            path.frames.append(_Seq(stmt.body, deferred=path.deferred))
        elif stmt.__class__ is Chain:
            path.frames.append(_Links(stmt, path.deferred))
        elif stmt.__class__ is For:
            self._for(stmt, path)
        elif stmt.__class__ is ParseError and stmt.fatal:
            return "syntax-error"
        return None

    def _next_link(self, frame: _Links, path: _Path) -> str | None:
        chain = frame.chain
        if frame.index >= len(chain.parts):
            path.frames.pop()
            return None
        index = frame.index
        frame.index += 1
        path.deferred = frame.deferred
        if index:
            operator = chain.operators[index - 1]
            if operator in ("&&", "||"):
                if path.marks:
                    path.reads.append((_OUTCOME, None, _outcome(path)))
                if path.success_assumed:
                    path.uncertain = True
                if path.success != (operator == "&&"):
                    return None  # skipped; the chain's outcome so far stands
        return self._execute(chain.parts[index], path)

    def _command(self, stmt: Command, original: Stmt, path: _Path) -> None:
        name = self._resolve(stmt.name, path)
        program = program_of(name)
        if program == "setlocal":
            path.scopes.append((dict(path.env), set(path.known), path.delayed, path.varying))
            for word in stmt.args:
                option = word.value.lower()
                if option in ("enabledelayedexpansion", "disabledelayedexpansion"):
                    path.delayed = option.startswith("enable")
            path.success, path.success_assumed = True, False  # the errorlevel stays as it was
            return
        if program == "endlocal":
            if len(path.scopes) > self._scope_floor(path):
                self._restore(path, path.scopes.pop())
                if path.marks:
                    path.reads.append((_DEPTH, None, len(path.scopes)))
            path.success, path.success_assumed = True, False  # the errorlevel stays as it was
            return
        if program == "shift":  # %1 becomes %0 (SHIFT /n: %n+1 becomes %n); %* stays
            args = self._arguments(path)
            first = stmt.args[0].value if stmt.args else "/0"
            start = cmd_integer(first[1:]) if first.startswith("/") else 0
            if start is not None and 0 <= start < len(args):
                del args[start]
            return
        if program in BUILTINS:
            path.success, path.success_assumed = True, False  # the errorlevel stays as it was
            return
        command_line = self._resolve(stmt.raw, path, escaped=True)
        written = original if isinstance(original, Command) else stmt
        if self._reads_unknown((written.raw,), path):
            # A program run with a variable only the server knows (one a CALLed script or
            # the server's environment may set): the path is a guess from there on.
            path.uncertain = True
        self._external(written, name, command_line, path)
        if not stmt.via and runs_batch_file(name):
            path.handed_over = True  # cmd goes on in that file and never comes back to this one

    def _external(self, original: Command, name: str, command_line: str, path: _Path) -> None:
        """An external program: record the action; it succeeds (errorlevel 0), by assumption."""
        key = (id(original), name, command_line)
        action = self.actions.get(key)
        if action is None:
            action = self.actions[key] = ClusterAction(original, *described(name, command_line))
        path.actions.append(action)
        path.errorlevel, path.success, path.success_assumed, path.assumed = 0, True, True, True

    def _if(self, stmt: If, original: Stmt, path: _Path) -> str | None:
        condition = stmt.condition
        kind = condition.kind
        left = self._resolve(condition.left.text, path) if condition.left else ""
        if kind == "compare":
            right = self._resolve(condition.right.text, path) if condition.right else ""
            result = cmd_compare(left, condition.op or "==", right, condition.case_insensitive)
        elif kind == "defined":
            result = self._lookup(left, path) is not None
        elif kind == "errorlevel":
            threshold = cmd_integer(left)
            result = threshold is not None and path.errorlevel >= threshold
            if path.marks:
                path.reads.append((_ERRORLEVEL, None, path.errorlevel))
                path.reads.append((_OUTCOME, None, _outcome(path)))
            if path.assumed:
                path.uncertain = True
        else:  # exist: the file system of the server is unknown; take "not there"
            result = False
            path.uncertain = True
        if condition.negated:
            result = not result
        original_condition = original.condition if isinstance(original, If) else condition
        names = self.condition_variables.get(id(original_condition))
        if names is None:
            names = self.condition_variables[id(original_condition)] = variables_read(original_condition)
        for name in names:
            if name in self.dialect.variables:
                path.tests.append((len(path.actions), name))
            else:
                if path.marks:
                    path.reads.append((_KNOWN, name, name in path.known))
                if name not in path.known:
                    path.uncertain = True
        branch = stmt.then if result else stmt.otherwise
        if not branch:
            return None
        if len(branch) == 1:  # IF ... GOTO: no frame for one statement
            return self._execute(branch[0], path)
        path.frames.append(_Seq(branch, deferred=path.deferred))
        return None

    def _goto(self, target: str, path: _Path) -> str | None:
        name = target.lower()
        if name == "eof":
            return self._return(path, "eof")
        found = self._find_label(name, path)
        if found is None:
            # cmd: "The system cannot find the batch label specified"; the batch (or the CALLed routine) ends.
            path.errorlevel, path.success, path.success_assumed, path.assumed = 1, False, False, False
            return self._return(path, "undefined-label")
        frames = path.frames
        while frames[-1].__class__ is not _Seq or frames[-1].lines is None:
            frames.pop()
        frames[-1] = self._read_from(found, path)
        return None

    def _call(self, stmt: Call, original: Stmt, path: _Path) -> str | None:
        target = self._resolve(stmt.target, path)
        args = [self._resolve(word.text, path) for word in stmt.args]
        if not stmt.is_label:
            if program_of(target) in BUILTINS:
                return None
            stand_in = self.stand_ins.get(id(original))
            if stand_in is None:
                stand_in = Command(original.span, target, program_of(target), stmt.args, (), "")
                self.stand_ins[id(original)] = stand_in
            written = original if original.__class__ is Call else stmt
            if self._reads_unknown((" ".join([written.target, *(word.text for word in written.args)]),), path):
                path.uncertain = True  # CALL "%ExchangeBin%\setup.bat": as for a program
            self._external(stand_in, target, unescape(" ".join([target, *args])), path)
            return None
        found = self._find_label(target.lower(), path)
        if found is None:
            path.errorlevel, path.success, path.success_assumed, path.assumed = 1, False, False, False
            return None  # CALL to a missing label fails; the script goes on
        depth = sum(1 for frame in path.frames if frame.__class__ is _Return) + 1
        if depth > CALL_DEPTH_LIMIT:
            return "loop-limit"
        given = " ".join(args)
        # cmd splits a batch file's parameters at , ; = and tabs too (CALL :load W1,svc1: %2 is svc1).
        path.frames.append(_Return(len(path.scopes), [":" + target, *LIST_DELIMITERS.findall(given)], given))
        path.frames.append(self._read_from(found, path))
        return None

    def _return(self, path: _Path, end: str) -> str | None:
        """Leave the current CALL (None), or end the path with ``end`` at the top level."""
        frames = path.frames
        while frames:
            frame = frames.pop()
            if frame.__class__ is _Return:
                if len(path.scopes) > frame.scope_depth:  # a CALLed routine's SETLOCALs end with it
                    self._restore(path, path.scopes[frame.scope_depth])
                    del path.scopes[frame.scope_depth :]
                    if path.marks:
                        path.reads.append((_DEPTH, None, frame.scope_depth))
                return None
        return end

    def _restore(self, path: _Path, scope: tuple) -> None:
        """Back to what SETLOCAL saved: copies, since the walks split from this one share
        the scope. An event variable that was still one value per combination then is
        again: the walk's own where it has split on it since, else varying (a SET in the
        scope only hid it)."""
        env, known, delayed, varying = scope
        path.env, path.known, path.delayed = dict(env), set(known), delayed
        if varying == path.varying:
            return
        still = []
        for name, values in zip(varying, _partition_values(self.dialect, varying, path.combinations)):
            if name in path.varying or len(values) > 1:
                still.append(name)
            elif values[0] is not None:
                path.env[name] = values[0]
        path.varying = tuple(still)

    def _scope_floor(self, path: _Path) -> int:
        for frame in reversed(path.frames):
            if frame.__class__ is _Return:
                return frame.scope_depth
        return 0

    def _find_label(self, name: str, path: _Path) -> tuple[int, Label] | None:
        """The label a GOTO/CALL reaches: the first after the current command line,
        else the first from the top (cmd wraps around)."""
        found = self.labels.get(name)
        if not found:
            return None
        current = self._current_position(path)
        at = bisect.bisect_left(found, current, key=lambda entry: entry[0])
        return found[at] if at < len(found) else found[0]

    def _current_position(self, path: _Path) -> int:
        """Top-level position of the line after the command line being run."""
        for frame in reversed(path.frames):
            if frame.__class__ is _Seq and frame.lines is not None:
                return frame.resume if frame.resume is not None else frame.index
        return len(self.statements)

    def _read_from(self, found: tuple[int, Label], path: _Path) -> _Seq:
        """The file frame that reads on from a label. For a label inside a block, cmd
        reads the rest of the block's lines as ordinary lines, then goes on."""
        index, label = found
        if self.statements[index] is label:
            return _Seq(self.statements, index, self.file_lines)
        rest = self.rest_of_block.get(id(label))
        if rest is None:
            holder = self.statements[index]
            statements = [label, *parse_lines(self.lines[label.span.line : holder.span.end_line], label.span.line + 1)]
            rest = (statements, _FileLines(statements, self.lines))
            self.rest_of_block[id(label)] = rest
        return _Seq(rest[0], 0, rest[1], resume=index + 1)

    def _copies_guess(self, text: str, path: _Path) -> bool:
        """Whether ``text`` (a SET's value or an EXIT's code as written) reads a program's
        errorlevel taken to be 0: %ERRORLEVEL% while it is one, or a variable SET from
        such a copy (which the script set, and yet is not known: see :meth:`_learn`)."""
        if "errorlevel" in text.lower():
            if path.marks:
                path.reads.append((_OUTCOME, None, _outcome(path)))  # whether it copies a guess
            if path.assumed:
                return True
        for key in _names_read(text, path.delayed):
            if key in self.dialect.variables:
                continue
            if path.marks:
                path.reads.append((_KNOWN, key, key in path.known))
                path.reads.append((_VARIABLE, key, path.env.get(key)))
            if key not in path.known and key in path.env:
                return True
        return False

    def _set(self, stmt: Set, original: Stmt, path: _Path) -> None:
        # After an external program the errorlevel is a guess (0): a copy of it (SET
        # RET=%ERRORLEVEL%, NEC's samples after ARMGETCD) is one too, and so is a copy of
        # that copy, so the IF that reads the copy makes the path uncertain as one on
        # %ERRORLEVEL% itself does, and EXIT %RET% ends with a guessed code. SET leaves
        # the errorlevel as it is in a .bat file (a .cmd file's sets 0; Wine's cmd may
        # differ): a program's stays a guess after it.
        guessed = self._copies_guess((original if original.__class__ is Set else stmt).value, path)
        path.success, path.success_assumed = True, False
        if stmt.prompt:
            return  # SET /P reads the console: the value is unknown, the variable stays as it was
        if stmt.arithmetic:
            assignments, failed = set_arithmetic(self._resolve(stmt.value, path), lambda n: self._lookup(n, path))
            for target, number in assignments:
                path.env[target.upper()] = str(number)
                self._learn(path, target.upper(), guessed)
            if failed:  # cmd sets an errorlevel of its own (1073750988 and up): a guess, as a program's is
                path.errorlevel, path.success, path.success_assumed, path.assumed = SET_ARITHMETIC_ERROR, False, True, True
            return
        name = self._resolve(stmt.name, path).upper()
        value = self._resolve(stmt.value, path)
        if len(value) > MAX_LINE:
            # cmd holds no variable longer than 8191 characters (Microsoft KB 830473); how
            # it cuts one is not known here. Without a cap, SET "S=!S!!S!" in a loop (a way
            # to make a long string) would double a value until memory runs out.
            value = value[:MAX_LINE]
            path.uncertain = True
        if value:
            path.env[name] = value
        else:
            path.env.pop(name, None)
        self._learn(path, name, guessed)
        if name in path.varying:
            path.varying = tuple(other for other in path.varying if other != name)

    @staticmethod
    def _learn(path: _Path, name: str, guessed: bool) -> None:
        """The script set ``name``: its value is known, unless it is a guess."""
        if guessed:
            path.known.discard(name)
        else:
            path.known.add(name)

    def _for(self, stmt: For, path: _Path) -> None:
        variable = stmt.variable.lstrip("%")
        items = self._resolve(stmt.items, path, escaped=True)  # (x^^y) lists x^y
        values: list[str] = []
        if stmt.switch == "/L":
            numbers = [cmd_integer(part) for part in re.split(r"[ \t\n,;=]+", items.strip(" \t\n,;="))]
            first, step, last = numbers if len(numbers) == 3 else (None, None, None)
            if first is not None and step is not None and last is not None:
                budget = self.limit - path.count
                if step:
                    values = [str(n) for n in _bounded_range(first, step, last, budget)]
        elif stmt.switch is None or stmt.switch in ("/D", "/R"):
            # A file pattern (or /D, /R: folders) stands for the server's files, unknown
            # here: the body runs once, for the pattern, as where one file matches.
            for item in LIST_DELIMITERS.findall(items):
                if stmt.switch is not None or "*" in item or "?" in item:
                    path.uncertain = True
                values.append(item)
        else:
            # /F reads a file, a string or a command's output: the body runs once (a list
            # of servers, the output of one query), its variable unknown ("%a" as written).
            path.uncertain = True
            values = [f"%{variable}"]
        if values:
            path.frames.append(_Loop(variable, values, stmt.body, path.for_vars.get(variable)))


@lru_cache(maxsize=256)
def _partition(
    dialect: Dialect, names: tuple[str, ...], combinations: tuple[Combination, ...]
) -> list[tuple[tuple[str | None, ...], tuple[Combination, ...]]]:
    """``combinations`` grouped by the values they give ``names``, in order of first member."""
    environments = ENVIRONMENTS[dialect]
    groups: dict[tuple[str | None, ...], list[Combination]] = {}
    for combination in combinations:
        values = environments[combination]
        groups.setdefault(tuple(values[name] for name in names), []).append(combination)
    return [(values, tuple(members)) for values, members in groups.items()]


def _partition_values(
    dialect: Dialect, names: tuple[str, ...], combinations: tuple[Combination, ...]
) -> list[list[str | None]]:
    """For each of ``names``, the values ``combinations`` give it, each once."""
    environments = ENVIRONMENTS[dialect]
    return [list(dict.fromkeys(environments[combination][name] for combination in combinations)) for name in names]


class _Ended(NamedTuple):
    """A walk as it ended, whose lists later walks take their rest from."""

    steps: list[Stmt]
    actions: list[ClusterAction]
    end: str
    uncertain: bool
    exit_code: int
    exit_assumed: bool


# What a walk read of its state (see _Interpreter._converge): a variable's value, the
# errorlevel, the last command's outcome (see _outcome), whether a variable is known, and
# the SETLOCAL depth an ENDLOCAL or a CALL's return left.
_VARIABLE, _ERRORLEVEL, _OUTCOME, _KNOWN, _DEPTH = "variable", "errorlevel", "outcome", "known", "depth"


def _routine(path: _Path) -> _Return | None:
    """The CALLed routine the walk is in, innermost (None: the script itself)."""
    return next((frame for frame in reversed(path.frames) if type(frame) is _Return), None)


def _outcome(path: _Path) -> tuple[bool, bool, bool]:
    """The last command's outcome and what of it is a guess, as a walk reads it."""
    return (path.success, path.success_assumed, path.assumed)


def _reads(path: _Path, kind: str, name: str | None) -> object:
    """What ``path`` would read now, as a walk's reads recorded it."""
    if kind is _VARIABLE:
        return path.env.get(cast(str, name))
    if kind is _ERRORLEVEL:
        return path.errorlevel
    if kind is _OUTCOME:
        return _outcome(path)
    return name in path.known


def _bounded_range(first: int, step: int, last: int, budget: int) -> Iterator[int]:
    value = first
    while (value <= last if step > 0 else value >= last) and budget > 0:
        yield value
        value += step
        budget -= 1


# What Windows sets for every process, services included, where its value decides only
# which program runs: %COMSPEC% /c ARMKILL X runs cmd (C:\WINNT\system32\cmd.exe on
# Windows 2000: the same program), and cmd runs ARMKILL.
_EVERY_PROCESS = {"COMSPEC": "C:\\Windows\\system32\\cmd.exe"}


def analyse(
    script: Script, environment: Mapping[str, str] | None = None, dialect: Dialect | None = None
) -> dict[Combination, PathResult]:
    """Run ``script`` for each of :data:`COMBINATIONS`.

    ``environment``: variables the caller sets besides the event variables (e.g.
    ALROOT), which the script may read; event variables given here override the
    combinations. ``dialect``: the names the combinations are set under; by
    default the script's own (see :func:`script_dialect`).
    """
    return _Interpreter(script, {**_EVERY_PROCESS, **(environment or {})}, dialect or script_dialect(script)).run()


def analyse_as_written(script: Script, dialect: Dialect | None = None) -> dict[Combination, PathResult]:
    """:func:`analyse` of the script as its author wrote it: a file in another encoding
    than code page 932 read as its text, not as cmd reads its bytes (see :func:`cmd_lines`)."""
    return analyse(replace(script, encoding=BATCH_ENCODING), dialect=dialect)


def script_dialect(script: Script, unread: Dialect = ARM) -> Dialect:
    """The dialect ``script`` is written in, from one scan of its text (``unread``: when it
    reads neither dialect's variables, see events.dialect_of)."""
    return dialect_of("\n".join(script.lines), unread)

