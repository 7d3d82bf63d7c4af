"""SO101-SO105: labels, jumps and the control flow between them."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterator

from sogen.batch.ir import Call, Command, Comment, Exit, Goto, Label, Span, Stmt
from sogen.batch.parser import runs_batch_file
from sogen.i18n import _
from sogen.lint.context import FileContext
from sogen.lint.rules.base import (
    ERROR,
    INFO,
    WARNING,
    Edit,
    Finding,
    Fix,
    Rule,
    register,
)

# The actions whose repetition a fall-through causes (a broadcast twice is harmless).
CLUSTER_ACTIONS = ("ARMLOAD", "ARMKILL", "ARMLOADC", "NET START", "NET STOP", "DB")


def sections(ctx: FileContext) -> list[tuple[Label | None, list[Stmt]]]:
    """The top-level statements grouped under the label before them (None: before the first label)."""
    grouped: list[tuple[Label | None, list[Stmt]]] = [(None, [])]
    for stmt in ctx.script.statements:
        if isinstance(stmt, Label):
            grouped.append((stmt, []))
        elif not isinstance(stmt, Comment):
            grouped[-1][1].append(stmt)
    return grouped


def only_exits(body: list[Stmt], is_last: bool) -> bool:
    """A section that ends the script at once and does nothing else: `:EXIT` / `exit`,
    `GOTO :EOF`, an empty last label, or the ENDLOCAL of `:end` / `endlocal` on the way out."""
    if not all(_ends(s) or (isinstance(s, Command) and s.program == "endlocal") for s in body):
        return False
    return is_last or (bool(body) and _ends(body[-1]))


def _ends(stmt: Stmt) -> bool:
    return isinstance(stmt, Exit) or (isinstance(stmt, Goto) and stmt.target.lower() == "eof")


def exit_label(grouped: list[tuple[Label | None, list[Stmt]]]) -> Label | None:
    """The label a fixing GOTO jumps to: the first whose section only ends the script."""
    for index, (label, body) in enumerate(grouped[1:], start=2):
        if only_exits(body, index == len(grouped)):
            return label
    return None


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


@register
class UndefinedLabel(Rule):
    """
    ## What it does
    Checks that every `GOTO label` and `CALL :label` names a label of the script.
    Labels are compared without regard to case; `:EOF` is built in. A `GOTO` that
    no cluster event reaches (an earlier test has already left on that event) is
    reported too, as harmless today: the edit that lets it run stops the script.

    ## Why it matters in a cluster
    cmd.exe reports "The system cannot find the batch label specified" and ends
    the script there. On a failover that means the services of the group are not
    started (or not stopped) and ARM is not told why. A `CALL` of a missing label
    does not end the script: cmd goes on with the next line, and what the routine
    was to do is not done.

    ## Example
    ```batch
    IF "%ARMS_DISK%" == "FAILURE" GOTO ERR_DISK
    :ERROR_DISK
    ```

    ## Use instead
    ```batch
    IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
    :ERROR_DISK
    ```

    ## Fix
    Not automatic: correct the name, or add the label.
    """

    code = "SO101"
    name = "undefined-label"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        names = {label.name.upper(): label.name for label in ctx.labels}
        for stmt in ctx.flow.undefined:
            close = difflib.get_close_matches(stmt.target.upper(), list(names), n=1)
            hint = _("; did you mean {label}?").format(label=names[close[0]]) if close else ""
            if isinstance(stmt, Call):
                message = _(
                    "CALL :{label} names no label in this script: cmd.exe reports an error and goes on "
                    "with the next line, without the routine{hint}"
                )
                span = stmt.span
            elif ctx.runs(stmt):
                message = _("GOTO {label} names no label in this script: cmd.exe stops the script here{hint}")
                span = stmt.target_span
            else:
                # Dead code today (an earlier test already left on that event): the edit that
                # makes it run would stop the script there.
                message = _(
                    "GOTO {label} names no label in this script; no cluster event reaches this jump, so it is "
                    "harmless today, but an edit that lets it run makes cmd.exe stop the script there{hint}"
                )
                span = stmt.target_span
            yield self.finding(ctx, span, message.format(label=stmt.target, hint=hint))


@register
class DuplicateLabel(Rule):
    """
    ## What it does
    Checks for a label defined more than once. Labels are compared without regard
    to case. Labels that no `GOTO` or `CALL` names (`:_` separators, headings
    such as `:Windows 7`) are left alone, unless a jump's target is a variable.

    ## Why it matters in a cluster
    cmd.exe's GOTO searches forward from the current line and wraps around at the
    end of the file: which copy it lands on depends on where the GOTO is. Copying a
    section (`:ON_OTHER1` for the failover path) without renaming its label makes
    the failover path run the normal start's commands, or the reverse.

    ## Example
    ```batch
    IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1
    :ON_OTHER1
    ARMLOAD StarOffice /S /M "StarOffice Server"
    GOTO EXIT
    :ON_OTHER1
    ```

    ## Use instead
    ```batch
    IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1
    :ON_OTHER1
    ARMLOAD StarOffice /S /M "StarOffice Server"
    GOTO EXIT
    :ON_OTHER2
    ```

    ## Fix
    Not automatic: rename the second label and the GOTOs meant for it.
    """

    code = "SO102"
    name = "duplicate-label"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        jumps = ctx.flow.jumps
        any_target = any("%" in target or "!" in target for target in jumps)
        first: dict[str, Label] = {}
        for label in ctx.labels:
            name = label.name.lower()
            earlier = first.setdefault(name, label)
            if earlier is not label and (any_target or name in jumps):
                yield self.finding(
                    ctx,
                    label.span,
                    _(
                        "label :{label} is already defined on line {line}: a GOTO lands on "
                        "whichever copy comes first after it"
                    ).format(label=label.name, line=earlier.span.line),
                )


@register
class FallThrough(Rule):
    """
    ## What it does
    Checks for a section that runs a cluster action and then runs on into the next
    label. Cluster actions are ARMLOAD, ARMKILL, ARMLOADC, net start/stop and the
    database commands; the section does not end with `GOTO` or `EXIT`. Running into
    a label whose section only ends the script (`EXIT`, `GOTO :EOF`, the `ENDLOCAL`
    of an `:end` label at the end of the file) is fine.

    ## Why it matters in a cluster
    Batch labels are only jump targets: without `GOTO EXIT` the normal start runs
    on into the "other server" section and then into the failover section,
    starting every service two or three times, or, in the stop script, stopping
    them in the wrong order. The text of the guide's samples shows every section
    without its closing `GOTO EXIT`.

    ## Example
    ```batch
    :NORMAL
    ARMLOAD StarOffice /S /M "StarOffice Server"
    :ON_OTHER1
    ARMLOAD StarOffice /S /M "StarOffice Server"
    GOTO EXIT
    ```

    ## Use instead
    ```batch
    :NORMAL
    ARMLOAD StarOffice /S /M "StarOffice Server"
    GOTO EXIT
    :ON_OTHER1
    ARMLOAD StarOffice /S /M "StarOffice Server"
    GOTO EXIT
    ```

    ## Fix
    Automatic when the script has an exit label (a label whose section only
    exits, like `:EXIT` / `exit`): `GOTO` to it is inserted after the section's
    last command. The fix is unsafe, applied only with `--fix --unsafe-fixes`: it
    changes which lines run, and a section may run on into the next on purpose.
    Review it with `--diff --unsafe-fixes` first.
    """

    code = "SO103"
    name = "fall-through"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        falls_into = ctx.flow.falls_into
        if not falls_into:
            return
        action_lines = sorted(
            {
                action.stmt.span.line
                for result in ctx.distinct_paths
                for action in result.actions
                if action.verb in CLUSTER_ACTIONS
            }
        )
        unreachable = {id(stmt) for run in ctx.flow.unreachable for stmt in run}
        grouped = sections(ctx)
        target = exit_label(grouped)
        for index, ((_above, body), (label, next_body)) in enumerate(zip(grouped, grouped[1:]), start=2):
            if not body or falls_into.get(label.name.lower()) is not body[-1] or id(body[-1]) in unreachable:
                continue
            if only_exits(next_body, index == len(grouped)):
                continue
            first, last = body[0].span.line, body[-1].span.end_line
            after_last = bisect.bisect_right(action_lines, last)
            if after_last == 0 or action_lines[after_last - 1] < first:
                continue  # no cluster action in this section
            fix = None
            if target is not None and ctx.fixable:
                at = ctx.line_end(last)
                goto = f"{ctx.newline_after(last)}{indentation(ctx.line_text(body[-1].span.line))}GOTO {target.name}"
                fix = Fix(
                    _("insert GOTO {target} before :{label}").format(target=target.name, label=label.name),
                    (Edit(at, at, goto),),
                    unsafe=True,
                )
            yield self.finding(
                ctx,
                label.span,
                _(
                    "the section above (cluster action on line {line}) runs on into :{label} "
                    "without GOTO or EXIT, so its commands run too"
                ).format(line=action_lines[after_last - 1], label=label.name),
                fix,
            )


@register
class Unreachable(Rule):
    """
    ## What it does
    Checks for statements that nothing can run. They follow an unconditional `GOTO`
    or `EXIT`, before the next label; comments and blank lines do not count. Such
    statements up to the next label are one finding, at the first of them.

    ## Why it matters in a cluster
    Such a line was meant to run, usually an ARMLOAD added below the section's
    `GOTO EXIT` during an upgrade, or a `GOTO EXIT` pasted one line too early. The
    service it starts or stops never does, and nothing says so.

    ## Example
    ```batch
    ARMLOAD StarOffice /S /M "StarOffice Server"
    GOTO EXIT
    ARMLOAD WorkFlow /S /M "WWF Server"
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ARMLOAD WorkFlow /S /M "WWF Server"
    GOTO EXIT
    ```

    ## Fix
    Not automatic: move the statement before the jump, or delete it.
    """

    code = "SO104"
    name = "unreachable"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        # One finding for each run of dead statements (a JScript or VBScript part after
        # "exit /b" in a hybrid file is one run, not a finding a line).
        for run in ctx.flow.unreachable:
            first, last = run[0].span, run[-1].span
            if len(run) == 1:
                message = _("this statement can never run: it follows an unconditional GOTO or EXIT with no label between")
            else:
                message = _(
                    "these {count} statements can never run: they follow an unconditional GOTO or EXIT with no label between"
                ).format(count=len(run))
            yield self.finding(ctx, Span(first.line, first.column, last.end_line, last.end_column), message)


@register
class UnusedLabel(Rule):
    """
    ## What it does
    Checks for labels that no `GOTO` or `CALL` names and that nothing runs into.

    ## Why it matters in a cluster
    An unused label is a section nobody reaches: a handler the dispatch forgot
    (`:RECOVER` without its `IF`), or the leftover of a misspelt GOTO. Harmless by
    itself, it is often the visible half of a real mistake.

    ## Example
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    GOTO no_arm
    :RECOVER
    ```

    ## Use instead
    ```batch
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL
    IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER
    GOTO no_arm
    :RECOVER
    ```

    ## Fix
    Not automatic: jump to the label, or delete it.
    """

    code = "SO105"
    name = "unused-label"
    severity = INFO

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        flow = ctx.flow
        if any("%" in target or "!" in target for target in flow.jumps):
            return  # a computed GOTO may reach any label
        first = next((s for s in ctx.script.statements if not isinstance(s, Comment)), None)
        for label in ctx.labels:
            name = label.name.lower()
            if label is first or name in flow.falls_into or name in flow.jumps:
                continue
            yield self.finding(
                ctx, label.span, _("label :{label} is never jumped to, and nothing runs into it").format(label=label.name)
            )


@register
class BatchFileWithoutCall(Rule):
    """
    ## What it does
    Checks for a batch file (`.bat`, `.cmd`) run without `CALL` where more lines
    follow it. cmd then goes on in that file instead of the script and does not
    come back when it ends: the lines after it never run (what is left of the same
    line or block still runs). Through `start` or `cmd /c` a batch file runs in
    another cmd and comes back, and is left alone.

    ## Why it matters in a cluster
    A stop script that runs a shared `common_stop.bat` and then `ARMKILL
    StarOffice` never stops StarOffice: the group moves to the other node while
    the service still holds its switched partition. `sogen trace` shows where
    such a path ends. Scripts that hand over on purpose, one batch file per event,
    put nothing after the line that hands over.

    ## Example
    ```batch
    IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
    %~dp0common_stop.bat
    ARMKILL StarOffice
    :EXIT
    ```

    ## Use instead
    ```batch
    IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
    CALL %~dp0common_stop.bat
    ARMKILL StarOffice
    :EXIT
    ```

    ## Fix
    Not automatic: write `CALL` before the batch file, or, where the script is
    meant to hand over, `GOTO` past what follows.
    """

    code = "SO106"
    name = "batch-file-without-call"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        statements = ctx.script.statements
        # The last line that does something: a batch file run in it loses nothing after it.
        last = next((s for s in reversed(statements) if not _ends_or_marks(s)), None)
        if last is None:
            return
        for command in ctx.commands:  # in file order
            if command.span.line >= last.span.line:
                return
            if not command.via and runs_batch_file(command.name):
                yield self.finding(
                    ctx,
                    command.span,
                    _(
                        "{name} is run without CALL: cmd goes on in it and never comes back, so the lines "
                        "after line {line} do not run; write CALL {name}"
                    ).format(name=command.name, line=command.span.end_line),
                )


def _ends_or_marks(stmt: Stmt) -> bool:
    """A line that runs nothing: a comment, a label, the script's end."""
    return isinstance(stmt, Comment | Label) or _ends(stmt)
