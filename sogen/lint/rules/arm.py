"""SO301-SO303, SO306, SO307: how the ARM commands and net start/stop are written and used."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from sogen.lint.context import FileContext
from sogen.batch.ir import Command, Span, Word
from sogen.lint.rules.base import ERROR, WARNING, Edit, Finding, Fix, Rule, one_per_line, register

# What each ARM command accepts (CLUSTERPRO for Windows NT, as the guide uses them).
ARM_OPTIONS = {
    "armload": ("/S", "/M"),
    "armkill": (),
    "armloadc": ("/W",),
    "armbcast": ("/MSG", "/A"),
    "armsleep": (),
}
WATCH_ACTIONS = ("PAUSE", "CONTINUE")


def is_option(word: Word) -> bool:
    return word.text[:1] == "/"  # so never a quoted word


def option_value(command: Command, option: str) -> tuple[int, list[Word]] | None:
    """(index of ``option``, the words after it up to the next option), or None."""
    for index, word in enumerate(command.args):
        if is_option(word) and word.text.upper() == option:
            rest = command.args[index + 1 :]
            end = next((i for i, w in enumerate(rest) if is_option(w)), len(rest))
            return index, list(rest[:end])
    return None


def covering(words: list[Word]) -> Span:
    return Span(words[0].span.line, words[0].span.column, words[-1].span.end_line, words[-1].span.end_column)


@register
class UnquotedServiceName(Rule):
    """
    ## What it does
    Checks for service names with a space that are not in double quotes. This is
    about ARMLOAD's `/M` and about `net start` / `net stop`.

    ## Why it matters in a cluster
    cmd splits arguments at spaces: `ARMLOAD StarOffice /S /M StarOffice Server`
    gives ARMLOAD the service name `StarOffice` and a stray `Server`, so ARM starts
    and watches no service at all and the group comes up without StarOffice.
    Section 3.2 of the guide writes `/M StarOffice Server` and `/M WWF Server`.

    ## Example
    ```batch
    ARMLOAD StarOffice /S /M StarOffice Server
    net stop StarOffice Server
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice /S /M "StarOffice Server"
    net stop "StarOffice Server"
    ```

    ## Fix
    Not automatic: put the whole service name in double quotes.
    """

    code = "SO301"
    name = "unquoted-service-name"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for command in ctx.commands:
            if command.program == "armload":
                found = option_value(command, "/M")
                words, how = (found[1] if found else []), f"{command.name} /M"
            elif command.program == "net" and command.args and command.args[0].value.lower() in ("start", "stop"):
                words = list(command.args[1:])
                words = words[: next((i for i, w in enumerate(words) if is_option(w)), len(words))]
                how = f"{command.name} {command.args[0].text}"
            else:
                continue
            if len(words) < 2:
                continue
            name = " ".join(w.text for w in words)
            stray = " ".join(w.text for w in words[1:])
            yield self.finding(
                ctx,
                covering(words),
                f"{how} gets the service name {words[0].text} and a stray {stray}: "
                f'the name has a space, write {how} "{name}"',
            )


@register
class BadArmloadcAction(Rule):
    """
    ## What it does
    Checks that every ARMLOADC has `/W PAUSE` or `/W CONTINUE`.

    ## Why it matters in a cluster
    Backups and add-on installs pause ARM's watch on a service
    (`ARMLOADC StarOffice /W PAUSE`), stop it, do their work, start it and resume
    the watch. With a misspelt action ARMLOADC does nothing: the watch stays
    paused and ARM no longer fails the group over when the service dies. The guide
    itself writes `ARMLOADC StarOffice /W continu` in its restore steps (1.5.2).

    ## Example
    ```batch
    ARMLOADC StarOffice /W continu
    ```

    ## Use instead
    ```batch
    ARMLOADC StarOffice /W CONTINUE
    ```

    ## Fix
    Automatic when the value is close to PAUSE or CONTINUE: it is replaced with it.
    """

    code = "SO302"
    name = "bad-armloadc-action"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for command in ctx.commands:
            if command.program != "armloadc":
                continue
            found = option_value(command, "/W")
            if found is None or not found[1]:
                yield self.finding(
                    ctx,
                    command.span,
                    f"{command.name} has no /W PAUSE or /W CONTINUE: it neither pauses nor resumes the watch",
                )
                continue
            word = found[1][0]
            if word.value.upper() in WATCH_ACTIONS:
                continue
            close = difflib.get_close_matches(word.value.upper(), WATCH_ACTIONS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            fix = None
            if close and ctx.fixable:
                start = ctx.offset(word.span.line, word.span.column)
                end = ctx.offset(word.span.end_line, word.span.end_column)
                fix = Fix(f"replace {word.text} with {close[0]}", (Edit(start, end, close[0]),))
            yield self.finding(
                ctx,
                word.span,
                f"{command.name} /W takes PAUSE or CONTINUE, not {word.text}{hint}: ARMLOADC does nothing "
                f"and the watch stays as it was",
                fix,
            )


def watch_id(command: Command) -> Word | None:
    """The first argument of ARMLOAD / ARMKILL / ARMLOADC: the watch ID."""
    return command.args[0] if command.args and not is_option(command.args[0]) else None


@register
class PauseWithoutContinue(Rule):
    """
    ## What it does
    Checks that every path that pauses a watch resumes it. After
    `ARMLOADC <id> /W PAUSE`, `ARMLOADC <id> /W CONTINUE` must run before the script
    ends.

    ## Why it matters in a cluster
    While a watch is paused ARM does not notice that the service stopped: no
    failover. A backup script that exits early, on an error branch, between PAUSE
    and CONTINUE leaves the group unprotected until someone notices.

    ## Example
    ```batch
    ARMLOADC StarOffice /W PAUSE
    "%ALROOT%\\bin\\al2stop" /q
    IF ERRORLEVEL 1 GOTO END
    call backup.bat
    net start "StarOffice Server"
    ARMLOADC StarOffice /W CONTINUE
    :END
    ```

    ## Use instead
    ```batch
    ARMLOADC StarOffice /W PAUSE
    "%ALROOT%\\bin\\al2stop" /q
    IF ERRORLEVEL 1 GOTO RESUME
    call backup.bat
    :RESUME
    net start "StarOffice Server"
    ARMLOADC StarOffice /W CONTINUE
    ```

    ## Fix
    Not automatic: make every path after the PAUSE reach the CONTINUE.
    """

    code = "SO303"
    name = "pause-without-continue"
    severity = ERROR

    @one_per_line
    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if not any(c.program == "armloadc" for c in ctx.commands):
            return
        for result in ctx.distinct_paths:
            paused = {}  # watch ID -> its PAUSE
            for action in result.actions:
                if action.verb != "ARMLOADC" or not action.target:
                    continue
                found = option_value(action.stmt, "/W")
                value = found[1][0].value.upper() if found and found[1] else None
                if value == "PAUSE":
                    paused.setdefault(action.target.lower(), action)
                elif value == "CONTINUE":
                    paused.pop(action.target.lower(), None)
            for action in paused.values():
                yield self.finding(
                    ctx,
                    action.stmt.span,
                    f"the watch {action.target} is paused here and a path ends without "
                    f"ARMLOADC {action.target} /W CONTINUE: ARM stops watching the service for good",
                )


@register
class DuplicateLoad(Rule):
    """
    ## What it does
    Checks for a path that ARMLOADs (or ARMKILLs) the same watch ID twice. An
    ARMKILL (or ARMLOAD) of it in between makes it a restart, which is fine.

    ## Why it matters in a cluster
    The second ARMLOAD of a watch ID that is already loaded fails, and ARM may take
    the failure as a service fault and fail the group over. Twice the same command
    on one path is almost always a missing `GOTO EXIT`: the section runs on into
    the next one (see SO103).

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
    Not automatic: end the section with `GOTO EXIT`, or remove the repeated line.
    """

    code = "SO306"
    name = "duplicate-load"
    severity = ERROR
    OPPOSITE = {"ARMLOAD": "ARMKILL", "ARMKILL": "ARMLOAD"}

    @one_per_line
    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for result in ctx.distinct_paths:
            last: dict[str, object] = {}  # watch ID -> the ARMLOAD/ARMKILL that ran last
            for action in result.actions:
                if action.verb not in self.OPPOSITE or not action.target:
                    continue
                key = action.target.lower()
                previous = last.get(key)
                last[key] = action
                if previous is None or previous.verb != action.verb:
                    continue
                yield self.finding(
                    ctx,
                    action.stmt.span,
                    f"{action.verb} {action.target} runs a second time on one path (first on line "
                    f"{previous.stmt.span.line}); a section probably runs on into the next without GOTO EXIT",
                )


@register
class UnknownArmOption(Rule):
    """
    ## What it does
    Checks for options an ARM command does not take. ARMLOAD takes `/S` and `/M`,
    ARMLOADC `/W`, ARMBCAST `/MSG` and `/A`; ARMKILL and ARMSLEEP take none.

    ## Why it matters in a cluster
    An unknown option makes the ARM command fail or ignore the rest of the line,
    which the script never notices: the service is not started or not watched, and
    nothing says so until the first real failover.

    ## Example
    ```batch
    ARMLOAD StarOffice /S /N "StarOffice Server"
    ARMKILL StarOffice /S
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ARMKILL StarOffice
    ```

    ## Fix
    Not automatic: remove the option or correct its spelling.
    """

    code = "SO307"
    name = "unknown-arm-option"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for command in ctx.commands:
            allowed = ARM_OPTIONS.get(command.program)
            if allowed is None:
                continue
            unknown = [w for w in command.args if is_option(w) and w.text.upper() not in allowed]
            if not unknown:
                continue
            takes = f"it takes {' and '.join(allowed)}" if allowed else "it takes no options"
            names = ", ".join(w.text for w in unknown)
            yield self.finding(ctx, covering(unknown), f"{command.name} does not take {names}: {takes}")
