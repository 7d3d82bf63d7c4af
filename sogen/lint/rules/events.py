"""SO201-SO207: how a script tells the cluster events apart.

Every rule reads the script's own event variables: ARM's ARMS_* or CLUSTERPRO X's
CLP_* (see :class:`sogen.batch.events.Dialect`)."""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from sogen.i18n import N_, _, ngettext
from sogen.lint.context import START, STOP, WHOLE_REFERENCE, FileContext, event_variable, tested_event_variable
from sogen.batch.actions import ClusterAction
from sogen.batch.parser import program_of
from sogen.batch.events import CLP, DIALECTS, VALUES
from sogen.batch.expansion import ONE_WORD_ALWAYS, never_equal, one_word, operand_ends
from sogen.batch.ir import Call, Chain, Command, Comment, Exit, Goto, Label, Set, Span, Word
from sogen.lint.rules.base import ERROR, WARNING, ClusterRule, Edit, Finding, Fix, Rule, one_per_line, register

EVENTS_BY_KIND = {START: ("START", "FAILOVER", "RECOVER"), STOP: ("START", "FAILOVER")}
KIND_NAMES = {START: N_("start"), STOP: N_("stop")}  # "this start script", in messages
SERVICE_STARTS = ("ARMLOAD", "NET START", "DB")
FALLBACK_VERBS = ("ARMBCAST", "ARMSLEEP")  # what a fallback path does: say so, wait
# Programs that only say so too, as fallback sections of CLUSTERPRO X scripts do: X's
# log (clplogcmd), the event log (eventcreate, logevent), a console message (msg).
NOTIFYING_PROGRAMS = frozenset({"clplogcmd", "eventcreate", "logevent", "msg"})


# %1, %~1, %~dp1, %*: a batch argument.
_ARGUMENT_REFERENCE = r"%(?:~[a-z$:]*[0-9]|[0-9*])"
_ARGUMENT = re.compile(_ARGUMENT_REFERENCE + "|%~", re.I)  # a %~ that names no argument stands for itself
# An operand made of nothing but %VAR% and argument references: empty when they are.
_ONLY_REFERENCES = re.compile(rf'(?:{_ARGUMENT_REFERENCE}|%[^%\s"]+%)+', re.I)


@functools.lru_cache(maxsize=4096)
def unquoted_variables(text: str) -> tuple[str, ...]:
    """The %VAR% and %1 references of an IF operand that are outside double quotes.
    (Scripts repeat their IF lines: each operand text is scanned once.)"""
    found, i, quoted = [], 0, False
    while i < len(text):
        char = text[i]
        if char == '"':
            quoted = not quoted
        elif char == "%" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "%":  # %%a: a FOR variable, never empty inside its loop
                i += 2
                continue
            argument = _ARGUMENT.match(text, i)
            if argument:
                ref = argument.group()
            else:
                close = text.find("%", i + 1)
                if close < 0:
                    break
                ref = text[i : close + 1]
            if not quoted:
                found.append(ref)
            i += len(ref)
            continue
        i += 1
    return tuple(found)


def may_vanish(operand: str) -> bool:
    """Whether an IF operand expands to nothing when its variables are unset (``[%1]``
    and ``%1.`` never do: the idioms that keep an IF whole)."""
    return _ONLY_REFERENCES.fullmatch(operand) is not None


class Assignment(NamedTuple):
    line: int
    # "word": always one plain word; "quoted": one token in double quotes ("%ARMS_EVENT%"),
    # never empty; "empty": clears the variable; None: anything else.
    value: str | None
    copies: str | None = None  # SET X=%Y%: the upper-case name of Y, whose value X takes
    in_routine: bool = False  # in a section the script CALLs (set when called, wherever it stands)
    until: int | None = None  # an ENDLOCAL's clear: for the lines before the next label only


# A SET value wholly in one pair of double quotes: one token, never empty.
_QUOTED_VALUE = re.compile(r'"[^"]*"')


def assignments(ctx: FileContext) -> dict[str, list[Assignment]]:
    """Upper-case variable name -> its SETs. SET /A TRIES+=1, SET RET=%ERRORLEVEL% and
    SET MODE=test give one plain word, SET EV="%ARMS_EVENT%" one quoted token; SET X=%1,
    SET /P and SET SPACED=a b (whose blank splits an IF as an empty value does) may not."""
    sets: dict[str, list[Assignment]] = {}
    jumps = ctx.flow.jumps  # lower-case label -> the GOTOs and CALL :labels naming it
    label_lines = [label.span.line for label in ctx.labels]  # in file order: searched by bisection
    called = [any(jump.__class__ is Call for jump in jumps.get(label.name.lower(), ())) for label in ctx.labels]
    # SETLOCAL ... ENDLOCAL on the straight line, which no jump from elsewhere enters:
    # what was first set in between is gone after the ENDLOCAL, up to the next label (a
    # routine below, a branch the jumps reach, is not known to run after it).
    straight = _on_the_straight_line(ctx.script.statements)
    scopes: list[tuple[int, set[str]]] = []  # each open SETLOCAL's line, and the names first set since
    dropped: dict[str, tuple[int, int | None]] = {}  # name -> (ENDLOCAL line, next label line)
    for stmt in ctx.statements:
        if isinstance(stmt, Command) and stmt.program in ("setlocal", "endlocal"):
            if id(stmt) not in straight:
                continue  # (ENDLOCAL & EXIT /B 1) in a branch
            line = stmt.span.line
            if stmt.program == "setlocal":
                scopes.append((line, set()))
            elif scopes:
                opened, names = scopes.pop()
                if not _entered_between(ctx.labels, label_lines, jumps, opened, line):
                    after = bisect.bisect_right(label_lines, line)
                    dropped.update(dict.fromkeys(names, (line, label_lines[after] if after < len(label_lines) else None)))
            continue
        if isinstance(stmt, Set):
            name = stmt.name.upper()
            dropped.pop(name, None)  # set again after the ENDLOCAL (ENDLOCAL & SET RET=%RET%)
            if scopes and name not in sets:
                scopes[-1][1].add(name)
            if stmt.arithmetic or (not stmt.prompt and one_word(stmt.value)):
                kind = "word"
            elif stmt.prompt:
                kind = None
            elif _QUOTED_VALUE.fullmatch(stmt.value):
                kind = "quoted"
            else:
                kind = "empty" if stmt.value == "" else None
            copied = WHOLE_REFERENCE.fullmatch(stmt.value) if kind is None and not stmt.prompt else None
            above = bisect.bisect_left(label_lines, stmt.span.line)  # the labels above the SET
            section = above > 0 and called[above - 1]
            sets.setdefault(name, []).append(
                Assignment(stmt.span.line, kind, copied.group(1).upper() if copied else None, section)
            )
    # As if SET X= stood on the ENDLOCAL's next line (its own was expanded before it ran).
    for name, (line, until) in dropped.items():
        sets[name].append(Assignment(line + 1, "empty", until=until))
    return sets


def _on_the_straight_line(statements) -> set[int]:
    """The statements cmd runs whenever it reaches their line: not in a block, an IF or a
    FOR, and in a chain first or after a plain ``&``, not in a pipe (``ENDLOCAL & SET ...``)."""
    found = set()
    for stmt in statements:
        found.add(id(stmt))
        if isinstance(stmt, Chain):
            # & binds more loosely than &&, || and |: A && B & C runs C whatever A did.
            operators = ("&", *stmt.operators, "&")
            found.update(
                id(part) for index, part in enumerate(stmt.parts) if operators[index] == "&" and operators[index + 1] != "|"
            )
    return found


def _entered_between(
    labels: list[Label], label_lines: list[int], jumps: dict[str, list[Goto | Call]], opened: int, closed: int
) -> bool:
    """Whether a jump may land between lines ``opened`` and ``closed`` other than a retry
    loop's, a GOTO back from between them: a CALL, a GOTO from outside, or one forward
    (a branch, which may take another ENDLOCAL than the one at ``closed``)."""
    first, last = bisect.bisect_right(label_lines, opened), bisect.bisect_left(label_lines, closed)
    between = {label.name.lower(): label.span.line for label in labels[first:last]}
    return any(
        jump.__class__ is Call or not at < jump.span.line < closed
        for name, at in between.items()
        for jump in jumps.get(name, ())
    )


def always_one_word(reference: str, sets: dict[str, list[Assignment]], line: int, quoted: bool = False) -> bool:
    """Whether %NAME% stands for one plain word on ``line`` (``quoted``: or one token in
    quotes): cmd or Windows always set it so (%ERRORLEVEL%, %COMPUTERNAME% ...), or the
    script sets it only so, wherever (a routine at the end may set it), and clears it
    nowhere above the line (SET X= and then a SET under some IF leaves it empty on the
    other paths). A copy (SET X=%Y%) holds one word when Y does where the copy is made,
    and Y is set so above it or in a routine the script CALLs."""
    if len(reference) < 3 or reference[-1] != "%":
        return False  # %1, %*: whatever the caller gave
    kinds = ("word", "quoted") if quoted else ("word",)
    return _one_word(reference[1:-1].upper(), sets, line, None, kinds, {})


def _one_word(
    name: str, sets: dict[str, list[Assignment]], line: int, copied_at: int | None, kinds: tuple[str, ...], memo: dict
) -> bool:
    """(see :func:`always_one_word`) ``copied_at``: the line of a copy being followed, above
    which one of NAME's SETs must be. Each question is answered once (a chain of copies
    set twice each would otherwise be asked again and again); one met again while it is
    being answered, a cycle of copies, may be empty."""
    if name in ONE_WORD_ALWAYS:
        return True
    key = (name, line, copied_at)
    if key in memo:
        return memo[key]
    memo[key] = False

    def gives(a: Assignment) -> bool:
        return a.value in kinds or (a.copies is not None and _one_word(a.copies, sets, a.line, a.line, kinds, memo))

    def clears_after(a: Assignment) -> bool:
        return a.value == "empty" and (a.line > line or (a.until is not None and line >= a.until))

    # SET RET=%RET% (ENDLOCAL & SET RET=%RET% keeps a value) leaves RET as it was.
    found = [a for a in sets.get(name, ()) if a.copies != name]
    memo[key] = any(gives(a) for a in found if copied_at is None or a.line < copied_at or a.in_routine) and all(
        gives(a) or clears_after(a) for a in found
    )
    return memo[key]


def matches_value(value: str, expected: str, case_insensitive: bool) -> bool:
    return value == expected or (case_insensitive and value.upper() == expected)


@register
class UnquotedIfOperand(Rule):
    """
    ## What it does
    Checks for IF comparisons with an operand that is nothing but `%variable%`
    references outside double quotes, so that it is empty when they are (operands
    such as `[%1]` or `%1.` are never empty, and not reported). Variables that
    always hold one plain word are left alone: cmd's numbers (`%ERRORLEVEL%`,
    `%RANDOM%` ...), what Windows sets for every process (`%COMPUTERNAME%`,
    `%PROCESSOR_ARCHITECTURE%` ...) and those the script only sets to one (`SET /A
    TRIES+=1`, `SET RET=%ERRORLEVEL%`, a copy of such a variable: `SET
    RET=%ERROR_CLUSTER%`; not `SET SPACED=a b`, whose blank splits the IF as an
    empty value does) or to one token in double quotes (`SET EV="%ARMS_EVENT%"`)
    and clears nowhere above the IF (`SET X=`, or, up to the next label, the
    ENDLOCAL of the SETLOCAL it was first set under; `ENDLOCAL & SET RET=%RET%`
    keeps it); unless a path certainly reaches the IF with it
    empty (`IF "%ARMS_SERVER%" == "HOME" SET Y=1`, then `IF %Y% == 1` on OTHER).

    ## Why it matters in a cluster
    cmd.exe expands the variable before it parses the IF. When ARM does not set
    `ARMS_EVENT` (the script is run by hand, or ARM is not running), the line becomes
    `IF  == START GOTO NORMAL`, a syntax error that ends the whole script: no
    message, no `GOTO no_arm`, nothing started or stopped. Section 3.2 of the guide
    writes its WorkFlow scripts this way.

    ## Example
    ```batch
    IF %ARMS_EVENT% == START GOTO NORMAL
    ```

    ## Use instead
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    ```

    ## Fix
    Automatic for `==`: both operands are put in double quotes (the quotes are part
    of what IF compares, so quoting one side only would never match). Safe when
    neither had quotes and the variables are the cluster's event variables, whose
    values are plain words: the comparison stays the same for every value. Only with
    `--unsafe-fixes` otherwise: when the other operand had quotes (`IF %V% == "X"`
    is true only for a value with the quotes in it; quoted, for `X`), or for another
    variable, whose value may end in a blank that cmd drops unquoted and keeps
    quoted (`SET ST=%%a & GOTO` leaves one): the branch may then run, or stop
    running, where it did not. Not for the numeric comparisons (`EQU`, `GTR` ...),
    which quotes would make textual.
    """

    code = "SO201"
    name = "unquoted-if-operand"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        sets = broken = None
        for stmt in ctx.ifs:
            cond = stmt.condition
            if cond.kind != "compare" or cond.left is None or cond.right is None:
                continue
            refs = [ref for word in (cond.left, cond.right) if may_vanish(word.text) for ref in unquoted_variables(word.text)]
            if refs:
                if sets is None:
                    sets = assignments(ctx)
                    # Where a path certainly ends in the syntax error: a variable set only on
                    # some paths (IF ... SET Y=1) is one word on those, empty on the others.
                    broken = {id(r.steps[-1]) for r in ctx.paths if r.end == "syntax-error" and r.steps and not r.uncertain}
                uncertain = [ref for ref in refs if not always_one_word(ref, sets, stmt.span.line, quoted=True)]
                refs = uncertain or (refs if id(stmt) in broken else [])
            if not refs:
                continue
            names = _(" and ").join(dict.fromkeys(refs))
            problem = _(
                "IF compares {names} without double quotes: when it is empty cmd reads "
                "`IF {op} ...`, a syntax error that ends the script"
            ).format(names=names, op=cond.op)
            span = Span(stmt.span.line, stmt.span.column, cond.right.span.end_line, cond.right.span.end_column)
            if cond.op == "==":
                advice = _("write {left} == {right}").format(left=quoted(cond.left), right=quoted(cond.right))
                # Safe only where quoting compares what cmd compared: both bare, and only the
                # cluster's event variables, whose values are plain words. A value with a
                # blank at an end (SET X=%%a & GOTO leaves one) loses it unquoted, not quoted.
                every = [ref for word in (cond.left, cond.right) for ref in unquoted_variables(word.text)]
                safe = cond.left.quoted == cond.right.quoted and all(
                    ref[1:-1].upper() in VALUES or always_one_word(ref, sets, stmt.span.line) for ref in every
                )
                fix = quote_operands(ctx, cond.left, cond.right, unsafe=not safe)
                yield self.finding(ctx, span, _("{problem}; {advice}").format(problem=problem, advice=advice), fix)
            else:
                # Quotes would turn a numeric comparison (GTR, LSS ...) into a textual one.
                yield self.finding(
                    ctx, span, _("{problem}; make sure the variable is set (IF DEFINED) first").format(problem=problem)
                )

def quote_operands(ctx: FileContext, left: Word, right: Word, unsafe: bool = False) -> Fix | None:
    """Put the IF operands that have no double quotes in a pair of them."""
    # An operand with quotes in the middle ("a"b, "a "%B%") has no obvious quoted form.
    if not ctx.fixable or any('"' in (w.text[1:-1] if w.quoted else w.text) for w in (left, right)):
        return None
    edits = []
    for word in (left, right):
        if not word.quoted:
            start = ctx.offset(word.span.line, word.span.column)
            end = ctx.offset(word.span.end_line, word.span.end_column)
            edits += [Edit(start, start, '"'), Edit(end, end, '"')]
    return Fix(_("quote both IF operands"), tuple(edits), unsafe)


def quoted(word: Word) -> str:
    """The operand in one pair of double quotes (without the quotes it had inside)."""
    return word.text if word.quoted and '"' not in word.text[1:-1] else f'"{word.value}"'


@register
class UnknownEventValue(Rule):
    """
    ## What it does
    Checks for comparisons of `ARMS_EVENT`, `ARMS_SERVER` or `ARMS_DISK` with a value
    ARM never sets.

    ## Why it matters in a cluster
    ARM sets `ARMS_EVENT` to `START`, `FAILOVER` or `RECOVER`, `ARMS_SERVER` to
    `HOME` or `OTHER` and `ARMS_DISK` to `SUCCESS` or `FAILURE`, in capitals. `==`
    is case-sensitive, so `"%ARMS_EVENT%" == "Failover"` or a misspelt
    `"FAILOVR"` is never true: the branch is dead and, on a failover, the script
    takes whatever path comes next, often the "ARM is not running" one. An empty
    string (`""`) is accepted: it tests that the variable is not set.

    ## Example
    ```batch
    IF "%ARMS_EVENT%" == "FAILOVR" GOTO FAILOVER
    IF "%ARMS_DISK%" == "failure" GOTO ERROR_DISK
    ```

    ## Use instead
    ```batch
    IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
    IF /I "%ARMS_DISK%" == "failure" GOTO ERROR_DISK
    ```

    ## Fix
    Not automatic: write the value ARM sets, in capitals, or compare with `IF /I`.
    """

    code = "SO202"
    name = "unknown-event-value"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for stmt, variable, word in ctx.arms_tests:
            if word is None or word.value == "":
                continue
            value = word.value
            allowed = VALUES[variable]
            if any(matches_value(value, v, stmt.condition.case_insensitive) for v in allowed):
                continue
            choices = ", ".join(allowed)
            if value.upper() in allowed:
                message = _(
                    '{variable} is compared with "{value}" but the cluster sets "{upper}" and IF compares '
                    'case-sensitively: the branch never runs; write "{upper}" or use IF /I'
                ).format(variable=variable, value=value, upper=value.upper())
            else:
                close = difflib.get_close_matches(value.upper(), allowed, n=1, cutoff=0.6)
                hint = _('; did you mean "{value}"?').format(value=close[0]) if close else ""
                message = _(
                    '{variable} is compared with "{value}", a value the cluster never sets ({choices}): '
                    "the branch never runs{hint}"
                ).format(variable=variable, value=value, choices=choices, hint=hint)
            yield self.finding(ctx, word.span, message)


@register
class UnhandledEvent(Rule):
    """
    ## What it does
    Checks that a script has a branch for every `ARMS_EVENT` value ARM runs it with.
    A start script needs `START`, `FAILOVER` and `RECOVER`, a stop script `START`
    and `FAILOVER`. A `GOTO %ARMS_EVENT%` (or `GOTO EV_%ARMS_EVENT%`) is a branch
    for each value whose label the script has.

    ## Why it matters in a cluster
    ARM runs the start script with `ARMS_EVENT=START` when the group starts,
    `FAILOVER` after a failover and `RECOVER` when a failed server comes back; the
    stop script with `START` or `FAILOVER`. An event without its `IF` takes the
    script's fallback path (usually the "ARM is not running" message) and the group
    comes up, or goes down, without its services. The kind of script comes from its
    name (`start*.bat`, `stop*.bat`, configurable) or, failing that, from whether
    it runs ARMLOAD or ARMKILL; a misspelt value does not count as a branch. A
    `START` or `FAILOVER` without a test of its own whose path does more than a
    fallback's ARMBCAST and ARMSLEEP (starts services, runs a program) is served,
    as when only `RECOVER` is sent elsewhere and the start follows the tests.
    Scripts that never test `ARMS_EVENT` are left alone unless they are named as
    start or stop scripts and start (stop) services: such a script runs the same
    lines for every event, `RECOVER` included.

    ## Example
    ```batch
    rem start.bat
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
    GOTO no_arm
    ```

    ## Use instead
    ```batch
    rem start.bat
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
    IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER
    GOTO no_arm
    ```

    ## Fix
    Not automatic: add the missing `IF` and the section it jumps to.
    """

    code = "SO203"
    name = "unhandled-event"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if not ctx.run_by_cluster or ctx.kind is None:
            return
        event_variable = ctx.dialect.event
        handled = set()
        for stmt, variable, word in ctx.arms_tests:
            if variable != event_variable:
                continue
            for event in VALUES[event_variable]:
                if word is not None and matches_value(word.value, event, stmt.condition.case_insensitive):
                    handled.add(event)
        # GOTO %ARMS_EVENT% (or EV_%ARMS_EVENT%): a branch for each value that has its label.
        reference = f"%{event_variable.lower()}%"
        for target in ctx.flow.jumps:
            if reference in target:
                handled.update(e for e in VALUES[event_variable] if target.replace(reference, e.lower()) in ctx.flow.labels)
        # Without a branch of its own, START or FAILOVER may still be served by what the tests
        # run on into (IF "%ARMS_EVENT%" == "RECOVER" GOTO EXIT, then the start): its paths
        # do work, not only the messages and waits of a fallback (ARMLOAD, net start, a
        # PowerShell script). Not RECOVER: starting the services then is the mistake.
        served = {
            r.combination.event
            for r in ctx.paths
            if r.combination.event in ("START", "FAILOVER") and any(a.verb not in FALLBACK_VERBS for a in r.actions)
        }
        missing = [e for e in EVENTS_BY_KIND[ctx.kind] if e not in handled and e not in served]
        if missing and not ctx.event_tests:
            first = next(s for s in ctx.script.statements if not isinstance(s, Comment))
            message = _(
                'this {kind} script never tests {variable}: it runs the same lines for {names} as for the others; '
                'add IF "%{variable}%" == "{first}" GOTO ... and a section for it'
            ).format(kind=_(KIND_NAMES.get(ctx.kind, ctx.kind)), variable=event_variable, names=_(" and ").join(missing),
                     first=missing[0])
            yield self.finding(ctx, first.span, message)
        elif missing:
            names = _(" and ").join(missing)
            message = ngettext(
                "this {kind} script has no branch for {variable}={names}: the cluster runs it with "
                'that value and it takes the fallback path; add IF "%{variable}%" == "{first}" GOTO ...',
                "this {kind} script has no branch for {variable}={names}: the cluster runs it with "
                'those values and it takes the fallback path; add IF "%{variable}%" == "{first}" GOTO ...',
                len(missing),
            ).format(kind=_(KIND_NAMES.get(ctx.kind, ctx.kind)), variable=event_variable, names=names, first=missing[0])
            yield self.finding(ctx, ctx.event_tests[0].span, message)


@register
class MissingDiskCheck(Rule):
    """
    ## What it does
    Checks that no service starts before the script has tested `ARMS_DISK`, nor
    when it is `FAILURE` after a test that does not keep the starts from running
    (a line `IF "%ARMS_DISK%" == "FAILURE" ARMBCAST ...` with the starts after it,
    or a `GOTO` in a `CALL`ed routine, which only ends the routine).
    This holds on the `START` and `FAILOVER` paths, for ARMLOAD, net start and the
    database start commands.

    ## Why it matters in a cluster
    StarOffice, MailGateway and the WorkFlow database keep their data on the
    switched partition. When ARM could not connect it, `ARMS_DISK` is `FAILURE`; a
    service started anyway runs without its data, or creates a fresh empty data
    directory on the local disk, and users log in to an empty post office. The
    guide's section 3.2 start sample starts Oracle before the disk check. Only
    scripts that test `ARMS_EVENT`, or are named as start scripts and start
    services, are checked: others (helpers they CALL) are not run by ARM.

    ## Example
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    :NORMAL
    net start "MSSQLServer"
    IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    :NORMAL
    IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
    net start "MSSQLServer"
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Fix
    Not automatic: move the `ARMS_DISK` test to the top of the section.
    """

    code = "SO204"
    name = "missing-disk-check"
    severity = ERROR

    @one_per_line
    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if not ctx.run_by_cluster:
            return
        disk_variable = ctx.dialect.disk
        # The paths where the partition failed: a start there is the harm, and a start before
        # the test is on them too (the paths part where the script reads the disk variable).
        for result in ctx.paths:
            combination = result.combination
            if combination.event not in ("START", "FAILOVER") or combination.disk != "FAILURE":
                continue
            disk_tested_at = min((i for i, var in result.tests if var == disk_variable), default=None)
            for index, action in enumerate(result.actions):
                if action.phase != "start" or action.verb not in SERVICE_STARTS:
                    continue
                if disk_tested_at is None or index < disk_tested_at:
                    message = _(
                        "{command} runs on the {event} path before {variable} is "
                        "tested: when the switched partition failed it starts without its data; put IF "
                        '"%{variable}%" == "FAILURE" GOTO ... first'
                    )
                else:
                    message = _(
                        "{command} runs on the {event} path when {variable} is FAILURE: the test above does "
                        "not keep it from starting without its data; make the test GOTO past the starts"
                    )
                yield self.finding(
                    ctx,
                    action.stmt.span,
                    message.format(command=action.text.strip(), event=combination.event, variable=disk_variable),
                )


@register
class NoEventFallback(Rule):
    """
    ## What it does
    Checks what the script does after its `ARMS_EVENT` tests when the variable is
    unset: it must leave, or only say so (`ARMBCAST`, `ARMSLEEP`, CLUSTERPRO X's
    `clplogcmd`, `eventcreate`, `msg`), before it starts or stops anything (`ARMLOAD`, `ARMKILL`, `net start`, `net stop`, any other
    program), whether it falls into a handler's label or runs the commands that
    follow the tests before their `GOTO EXIT`. A `GOTO no_arm` after the tests, an
    inline fallback that broadcasts and leaves, an `ELSE` that does, or tests
    followed straight by the script's end (`:end` and `ENDLOCAL`) need nothing more.

    ## Why it matters in a cluster
    When none of the tests matches (ARM not running, someone running the script by
    hand, an event the script does not know), cmd simply goes on with the next
    line. Without a `GOTO no_arm` there, it runs into the first handler, or the
    commands after the tests, and starts or stops the services of a normal start,
    on a node that may not own the switched partition.

    ## Example
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
    :NORMAL
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
    GOTO no_arm
    :NORMAL
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Fix
    Not automatic: add `GOTO` to a section that reports that ARM is not running.
    """

    code = "SO205"
    name = "no-event-fallback"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        event_tests = {id(s) for s in ctx.event_tests}
        top = [s for s in ctx.script.statements if not isinstance(s, Comment)]
        first = next((i for i, s in enumerate(top) if id(s) in event_tests), None)
        if first is None:
            return
        # What the script does with the event unset decides, whatever its layout: an
        # inline fallback that broadcasts and leaves is one, ARMLOAD before a GOTO EXIT is not.
        action = self.started_without_event(ctx)
        if action is None:
            return
        rest = top[first:]
        while rest and id(rest[0]) in event_tests:
            rest = rest[1:]
        label = None
        for stmt in rest:
            if isinstance(stmt, (Goto, Exit)):
                break
            if isinstance(stmt, Label):
                label = stmt
                break
        if label is not None and label.span.line <= action.stmt.span.line:
            if rest[0] is label:
                message = _(
                    "no GOTO follows the {variable} tests: when the cluster is not running the script falls "
                    "into :{label} (line {line}); add GOTO to a fallback section after the tests"
                ).format(variable=ctx.dialect.event, label=label.name, line=label.span.line)
            else:
                message = _(
                    "no GOTO follows the {variable} tests: when the cluster is not running the script runs on from "
                    "line {first} and falls into :{label} (line {line}); add GOTO to a fallback section after the tests"
                ).format(variable=ctx.dialect.event, first=rest[0].span.line, label=label.name, line=label.span.line)
        else:
            message = _(
                "when the cluster is not running ({variable} unset) the script goes on past the tests and runs "
                "{command} (line {line}) before it leaves; add GOTO to a fallback section right after the tests"
            ).format(variable=ctx.dialect.event, command=action.stmt.raw.strip(), line=action.stmt.span.line)
        yield self.finding(ctx, top[first].span, message)

    @staticmethod
    def started_without_event(ctx: FileContext) -> ClusterAction | None:
        """The first action that starts or stops something (ARM's watches, a service, a
        program; not a broadcast or a sleep) that a path with the event variable unset
        runs after its first test of the variable, in the script as written (the lines cmd
        reads otherwise in another encoding are SO702's)."""
        event = ctx.dialect.event
        for result in ctx.paths_as_written:
            if result.combination.event is not None:
                continue
            tested = next((index for index, name in result.tests if name == event), None)
            if tested is None:
                continue
            for action in result.actions[tested:]:
                if action.verb not in FALLBACK_VERBS and program_of(action.program) not in NOTIFYING_PROGRAMS:
                    return action
        return None


@register
class MixedEventDialects(Rule):
    """
    ## What it does
    Checks that a script tests the event variables of one cluster product only:
    ARM's `ARMS_EVENT`, `ARMS_SERVER`, `ARMS_DISK` or CLUSTERPRO X's `CLP_EVENT`,
    `CLP_SERVER`, `CLP_DISK`. A variable the script sets itself (`SET
    ARMS_EVENT=%CLP_EVENT%`, the shim of a migration) is its own to test.

    ## Why it matters in a cluster
    Each product sets its own three variables and no others. A script half ported
    to CLUSTERPRO X (the event test renamed, the disk test not) compares a variable
    that is never set: `"%ARMS_DISK%" == "FAILURE"` is always false, so the services
    start even when the switched partition failed. sogen reads the script in the
    dialect it tests first (`--dialect` forces one); every test of the other is
    reported.

    ## Example
    ```batch
    IF "%CLP_EVENT%" == "START" GOTO NORMAL
    GOTO no_arm
    :NORMAL
    IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
    ```

    ## Use instead
    ```batch
    IF "%CLP_EVENT%" == "START" GOTO NORMAL
    GOTO no_arm
    :NORMAL
    IF "%CLP_DISK%" == "FAILURE" GOTO ERROR_DISK
    ```

    ## Fix
    Not automatic: which product runs the script is for you to say; rename the
    other tests to its variables.
    """

    code = "SO206"
    name = "mixed-event-dialects"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        dialect = ctx.dialect
        for stmt, variable, _word in ctx.arms_tests:
            # A script that sets them itself (a migration's shim) tests its own values.
            if variable in dialect.variables or variable in ctx.names_set:
                continue
            yield self.finding(
                ctx,
                stmt.span,
                _(
                    "{variable} is tested in a script read as {dialect}: a cluster sets "
                    "one product's variables, not both, so this test never sees a value; write %{counterpart}%"
                ).format(variable=variable, dialect="/".join(dialect.variables), counterpart=dialect.counterpart(variable)),
            )


@register
class OperandsNeverEqual(Rule):
    """
    ## What it does
    Checks for IF `==` comparisons that are false whatever the variables hold,
    because the two operands begin (or end) with different text of their own:
    `"%ARMS_EVENT%" == START`, `[%1] == x`, `x%MODE% == yTEST`; `EQU` and `NEQ`
    too where an operand has a quote (they then compare text, not numbers), and
    an event variable against a quoted value (`%ARMS_EVENT% == "START"`: the
    cluster sets bare words).

    ## Why it matters in a cluster
    `==` compares the operands as written, quotes and brackets included: with
    `ARMS_EVENT` set to `START`, `"%ARMS_EVENT%" == START` compares `"START"` with
    `START`, which is never true. The `START` branch never runs and the script
    takes its fallback path on every start: no service comes up, and nothing says
    why. `IF NOT` and `NEQ` are then always true. sogen does not count such a
    test as the script's branch for the value (SO203).

    ## Example
    ```batch
    IF "%ARMS_EVENT%" == START GOTO NORMAL
    IF [%ARMS_DISK%] == FAILURE GOTO ERROR_DISK
    ```

    ## Use instead
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    IF [%ARMS_DISK%] == [FAILURE] GOTO ERROR_DISK
    ```

    ## Fix
    With `--unsafe-fixes`, when one operand is in double quotes and the other has
    none, the other is put in quotes too; unsafe, because the branch then runs.
    """

    code = "SO207"
    name = "operands-never-equal"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for stmt in ctx.ifs:
            cond = stmt.condition
            if cond.kind != "compare" or cond.left is None or cond.right is None:
                continue
            if cond.op != "==" and (cond.op not in ("EQU", "NEQ") or '"' not in cond.left.text + cond.right.text):
                continue  # EQU and NEQ compare numbers when both sides are numbers: not with a quote
            span = Span(cond.left.span.line, cond.left.span.column, cond.right.span.end_line, cond.right.span.end_column)
            # IF NOT ... and NEQ hold where the operands differ: never equal makes them always true.
            if cond.negated != (cond.op == "NEQ"):
                outcome = _("the test is always true")
            else:
                outcome = _("the branch never runs")
            differ = never_equal(cond.left.text, cond.right.text, cond.case_insensitive)
            if differ is None:
                quoted_value = self.quoted_event_value(stmt, outcome)
                if quoted_value:
                    yield self.finding(ctx, span, quoted_value)
                continue
            left, right, at_end = differ
            if at_end:
                problem = _("{a} ends with {b} and {c} with {d}")
            else:
                problem = _("{a} starts with {b} and {c} with {d}")
            problem = problem.format(a=cond.left.text, b=repr_text(left), c=cond.right.text, d=repr_text(right))
            message = _("IF compares operands that are never equal: {problem}, whatever the variables hold; {outcome}").format(
                problem=problem, outcome=outcome
            )
            yield self.finding(ctx, span, message, self.fix(ctx, cond.left, cond.right, cond.case_insensitive))

    @staticmethod
    def quoted_event_value(stmt, outcome: str) -> str | None:
        """The message for ``%ARMS_EVENT% == "START"``: the cluster's values hold no quote."""
        tested = tested_event_variable(stmt)
        if tested is None or tested[1] is not None:
            return None
        cond = stmt.condition
        for this, other in ((cond.left, cond.right), (cond.right, cond.left)):
            wrapped = event_variable(this.text)
            ends = operand_ends(other.text)
            quoted = '"' in other.text and other.text != '""'  # == "" tests for unset: SO201's case
            if wrapped and ends is not None and not ends.varies and quoted and '"' not in this.text:
                return _(
                    "{operand} never holds a double quote (the cluster sets {variable} to {values}), so it never "
                    "equals {other}; {outcome}"
                ).format(operand=this.text, variable=wrapped[0], values=", ".join(VALUES[wrapped[0]]), other=other.text,
                         outcome=outcome)
        return None

    def fix(self, ctx: FileContext, left: Word, right: Word, case_insensitive: bool) -> Fix | None:
        """Quotes for the operand without them, where that is all the two lack to compare."""
        if left.quoted == right.quoted:
            return None
        quoted_texts = [word.text if word.quoted else f'"{word.text}"' for word in (left, right)]
        if never_equal(*quoted_texts, case_insensitive) is not None:
            return None
        return quote_operands(ctx, left, right, unsafe=True)


def repr_text(text: str) -> str:
    """Literal text in a message, in single quotes: ``'"'``, ``'S'``."""
    return f"'{text}'"


class DialectRead(NamedTuple):
    """What a script's event tests read: a summary for SO208."""

    dialect: str  # "arm" or "clp"
    variable: str  # the first event variable it tests
    span: Span
    source: str


@register
class MixedClusterDialects(ClusterRule):
    """
    ## What it does
    Compares the event variables the scripts of one cluster (a folder with the
    `manifest.json` sogen writes or CLUSTERPRO X's `clp.conf`, else the group
    folders side by side in one folder) test: all
    of them ARM's `ARMS_*`, or all CLUSTERPRO X's `CLP_*`. A script that tests
    neither is left out, and so is one that sets the variables it tests itself
    (`IF NOT DEFINED ARMS_EVENT SET ARMS_EVENT=%CLP_EVENT%`, a shim that runs
    under either product); one that mixes both is SO206's; with `--dialect`
    every script is read in the dialect given, and SO206 reports the others.

    ## Why it matters in a cluster
    A cluster runs one product, which sets its own variables and no others. When
    a cluster moves to CLUSTERPRO X and one script is left behind, that script
    never sees its event: a stop script that still tests `"%ARMS_EVENT%" ==
    "START"` takes its fallback path on every stop, and ARMKILL never runs.
    Each script on its own looks right. The cluster's dialect is the one most of
    its scripts test (CLUSTERPRO X's when as many test each: the cluster is being
    ported); the others are reported.

    ## Example
    ```batch
    rem start.bat
    IF "%CLP_EVENT%" == "START" GOTO NORMAL
    GOTO EXIT
    :NORMAL
    IF "%CLP_DISK%" == "FAILURE" GOTO EXIT
    ARMLOAD StarOffice /S /M "StarOffice Server"
    :EXIT
    rem stop.bat
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    GOTO EXIT
    :NORMAL
    ARMKILL StarOffice
    :EXIT
    ```

    ## Use instead
    ```batch
    rem stop.bat
    IF "%CLP_EVENT%" == "START" GOTO NORMAL
    GOTO EXIT
    :NORMAL
    ARMKILL StarOffice
    :EXIT
    ```

    ## Fix
    Not automatic: rename the script's tests to the variables of the product
    the cluster runs.
    """

    code = "SO208"
    name = "mixed-cluster-dialects"
    severity = ERROR

    @staticmethod
    def summarize(ctx: FileContext) -> DialectRead | None:
        if ctx.forced_dialect is not None:
            return None
        dialect = ctx.dialect
        # A script that sets its dialect's variables itself is a shim between the two
        # (`IF NOT DEFINED ARMS_EVENT SET ARMS_EVENT=%CLP_EVENT%`): it runs under either.
        if ctx.names_set.intersection(dialect.variables):
            return None
        for stmt, variable, _word in ctx.arms_tests:
            if variable in dialect.variables:
                return DialectRead(dialect.name, variable, stmt.span, ctx.line_text(stmt.span.line))
        return None

    def check_cluster(self, summaries: dict[str, object]) -> Iterator[Finding]:
        reads = {path: read for path, read in summaries.items() if isinstance(read, DialectRead)}
        counts = {name: sum(1 for read in reads.values() if read.dialect == name) for name in DIALECTS}
        if sum(1 for count in counts.values() if count) < 2:
            return
        # The most scripts' dialect; on a tie CLUSTERPRO X's, where a half-ported cluster is going.
        cluster = max(DIALECTS, key=lambda name: (counts[name], name == CLP.name))
        example = next(path for path in sorted(reads) if reads[path].dialect == cluster)
        for path in sorted(reads):
            read = reads[path]
            if read.dialect == cluster:
                continue
            counterpart = DIALECTS[cluster].counterpart(read.variable)
            yield self.finding_at(
                path,
                read.span,
                read.source,
                _(
                    "this script tests {variable}, the cluster's other scripts {counterpart} ({example}): a "
                    "cluster sets one product's variables, so this script never sees its event; write %{counterpart}%"
                ).format(variable=read.variable, counterpart=counterpart, example=example),
            )
