"""SO301-SO303, SO306-SO312: how the ARM commands and net start/stop are written and used.

What the ARM commands accept is data (``sogen/arm_commands.toml``, read by
:mod:`sogen.batch.arm`), with the NEC documents it comes from.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator

from sogen.i18n import N_, _
from sogen.batch.actions import described
from sogen.batch.arm import ArmCall, Bounded, GivenOption, is_option, load_arm_commands
from sogen.lint.context import FileContext, kind_from_name
from sogen.batch.ir import Command, Span, Word
from sogen.lint.rules.base import ERROR, WARNING, Edit, Finding, Fix, Rule, ClusterRule, one_per_line, register


def expanded_at_run_time(word: Word) -> bool:
    """A word with %VAR% or !VAR! in it: its value is only known on the server."""
    return "%" in word.text or "!" in word.text


def words_known_on_the_server(command: Command) -> bool:
    """Whether a word of ``command`` is a %VAR%, which may hold options or several words
    (`ARMLOAD %ID% %OPTIONS% "svc"`): how the line reads is only known on the server."""
    return any(map(expanded_at_run_time, command.args))


def option_value(command: Command, option: str) -> tuple[int, list[Word]] | None:
    """(index of ``option``, the words after it up to the next option), or None."""
    for index, word in enumerate(command.args):
        if is_option(word) and word.text.upper() == option:
            rest = command.args[index + 1 :]
            end = next((i for i, w in enumerate(rest) if is_option(w)), len(rest))
            return index, list(rest[:end])
    return None


# The operands' names in sogen/arm_commands.toml, as messages show them.
OPERAND_NAMES = {"service name": N_("service name"), "seconds": N_("seconds")}


def covering(words: list[Word]) -> Span:
    return Span(words[0].span.line, words[0].span.column, words[-1].span.end_line, words[-1].span.end_column)


@register
class UnquotedServiceName(Rule):
    """
    ## What it does
    Checks for service names with a space that are not in double quotes: the
    name that ends ARMLOAD's service form (after `/M` or `/R retry ...`) and that
    of `net start` / `net stop`, also run through `CALL`. An ARMLOAD line with a
    `%VAR%` is not judged: the variable may hold options or the whole name.

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
        services = {id(command): call for command, call in ctx.arm_calls if command.program == "armload"}
        for command in ctx.commands_run:
            call = services.get(id(command))
            if call is not None:
                if call.watch_id is None or (call.form is not None and call.form.operand is None):
                    continue  # SO309's: the first word is no watch ID; the application form runs a program
                if words_known_on_the_server(command):
                    continue
                # The words no option took (`/S /M StarOffice Server`, `/S /R 3 StarOffice Server`),
                # up to an option ARMLOAD does not take (SO307's), whose value they may be.
                unknown = [given.word for given in call.options if given.option is None]
                end = _position(command, unknown[0]) if unknown else len(command.args)
                words = [word for word in call.operands if _position(command, word) < end]
                watched = any(given.word.text.upper() == "/M" for given in call.options)
                how = f"{command.name} /M" if watched else command.name
            elif command.program == "net" and command.args and command.args[0].value.lower() in ("start", "stop"):
                words = list(command.args[1:])
                words = words[: next((i for i, w in enumerate(words) if is_option(w)), len(words))]
                how = f"{command.name} {command.args[0].text}"
            else:
                continue
            if len(words) < 2:
                continue
            stray = " ".join(w.text for w in words[1:])
            if any('"' in w.text for w in words):  # no one pair of quotes makes them one name
                message = _("{how} gets the service name {first} and a stray {stray}: give it one name, in double quotes")
            else:
                message = _('{how} gets the service name {first} and a stray {stray}: the name has a space, write {how} "{name}"')
            name = " ".join(w.text for w in words)
            yield self.finding(ctx, covering(words), message.format(how=how, first=words[0].text, stray=stray, name=name))


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
        actions = load_arm_commands().commands["armloadc"].options["/W"].choices
        for command in ctx.commands_run:
            if command.program != "armloadc":
                continue
            found = option_value(command, "/W")
            if found is None or not found[1]:
                yield self.finding(
                    ctx,
                    command.span,
                    _("{command} has no /W PAUSE or /W CONTINUE: it neither pauses nor resumes the watch").format(
                        command=command.name
                    ),
                )
                continue
            word = found[1][0]
            if word.value.upper() in actions:
                continue
            close = difflib.get_close_matches(word.value.upper(), actions, n=1, cutoff=0.6)
            hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
            fix = None
            if close and ctx.fixable:
                start = ctx.offset(word.span.line, word.span.column)
                end = ctx.offset(word.span.end_line, word.span.end_column)
                fix = Fix(_("replace {old} with {new}").format(old=word.text, new=close[0]), (Edit(start, end, close[0]),))
            yield self.finding(
                ctx,
                word.span,
                _(
                    "{command} /W takes PAUSE or CONTINUE, not {value}{hint}: ARMLOADC does nothing "
                    "and the watch stays as it was"
                ).format(command=command.name, value=word.text, hint=hint),
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
    ends. The paths are those `sogen trace` shows: external programs are taken to
    succeed, so a branch on `IF ERRORLEVEL` after one is not followed; `IF EXIST`
    is taken as false.

    ## Why it matters in a cluster
    While a watch is paused ARM does not notice that the service stopped: no
    failover. A backup script that exits early, on an error branch, between PAUSE
    and CONTINUE leaves the group unprotected until someone notices.

    ## Example
    ```batch
    ARMLOADC StarOffice /W PAUSE
    "%ALROOT%\\bin\\al2stop" /q
    IF NOT EXIST "%BACKUP_DIR%\\" GOTO END
    call backup.bat
    net start "StarOffice Server"
    ARMLOADC StarOffice /W CONTINUE
    :END
    ```

    ## Use instead
    ```batch
    ARMLOADC StarOffice /W PAUSE
    "%ALROOT%\\bin\\al2stop" /q
    IF NOT EXIST "%BACKUP_DIR%\\" GOTO RESUME
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
        if not any(c.program == "armloadc" for c in ctx.commands_run):
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
                    _(
                        "the watch {watch_id} is paused here and a path ends without "
                        "ARMLOADC {watch_id} /W CONTINUE: ARM stops watching the service for good"
                    ).format(watch_id=action.target),
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
                    _(
                        "{verb} {target} runs a second time on one path (first on line "
                        "{line}); a section probably runs on into the next without GOTO EXIT"
                    ).format(verb=action.verb, target=action.target, line=previous.stmt.span.line),
                )


@register
class UnknownArmOption(Rule):
    """
    ## What it does
    Checks for options an ARM command does not take, judged against what NEC
    documents: ARMLOAD's service form `ARMLOAD watchID /S [/A] {/M | /R retry
    [/H hour] [/SCR] [/WAIT time] [/INT time]} service-name` and its application
    form `ARMLOAD watchID /U user /W program [arguments]` (whose program
    arguments are the program's, not ARMLOAD's), `ARMLOADC watchID /W action`,
    `ARMBCAST /MSG "text" /A`, `ARMKILL watchID [/T time]` (the `/T` of NEC's
    EXPRESSCLUSTER migration samples); ARMSLEEP takes none. A line with `/S` is
    judged by the service form, one with `/W` by the application form: only the
    options before `/W` say which, what follows `/W` is the program's
    (`/W cmd.exe /S /C ...`). Lines run through `CALL` are judged the same.

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
    ARMLOAD WorkFlow /S /R 3 /H 24 /SCR "WWF Server"
    ARMKILL StarOffice
    ```

    ## Fix
    Not automatic: remove the option or correct its spelling.

    ## Source
    NEC ExpressCluster SRE for Windows, Installation & Configuration Guide,
    chapter 8 "General Customization Process", Command Reference (ARMLOAD,
    ARMKILL), and the guide's sections 1.4.1, 1.5 and 3.2; `sogen/arm_commands.toml`
    holds what they say, with the addresses.
    NEC's EXPRESSCLUSTER/UM8700 README, a migration of ARM scripts to
    EXPRESSCLUSTER X (`armload ... /WAIT 0`, `armkill ID /T 0`).
    """

    code = "SO307"
    name = "unknown-arm-option"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for command, call in ctx.arm_calls:
            unknown = [given.word for given in call.options if given.option is None]
            if unknown:
                names = ", ".join(w.text for w in unknown)
                message = _("{command} does not take {options}: NEC documents {usages}").format(
                    command=command.name, options=names, usages=call.usages
                )
                yield self.finding(ctx, covering(unknown), message)


@register
class BadArmValue(Rule):
    """
    ## What it does
    Checks the values ARM command options take, against their documented
    ranges: ARMLOAD `/R retry` is 1 to 9, `/H hour` 1 to 24, `/WAIT time` 0 to
    3600 (0: wait for the start without end), `/U` names a user and `/W` a
    program; ARMBCAST has `/MSG` and a text. Where no document at hand gives a
    range, a whole number is asked for and the message says the range is
    sogen's: `/INT time` 1 or more, ARMKILL `/T time` and ARMSLEEP's seconds 0
    or more. It also checks that ARMLOAD has `/S` (a service) or `/W` (a
    program), that its service form ends with the service name, that no option
    is given twice with other values, and that no words are left over that the
    command does not take (`ARMSLEEP 30 40`, `ARMKILL StarOffice "StarOffice
    Server"`, a message cut at its first blank: `ARMBCAST /MSG Failed to connect`).
    Values with `%VAR%` are only known on the server and are not judged;
    ARMLOADC's `/W` is SO302's, a service name of several words SO301's.

    ## Why it matters in a cluster
    ARMLOAD with a retry count it does not accept, or without the service it
    should start, starts and watches nothing: the group comes up without the
    service, and a fault that should restart it (or fail the group over) goes
    unnoticed. `/R 0` reads like "do not restart" but is not a documented value.

    ## Example
    ```batch
    ARMLOAD StarOffice /S /R 10 /H 48 "StarOffice Server"
    ARMLOAD WorkFlow /S /M
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice /S /R 9 /H 24 "StarOffice Server"
    ARMLOAD WorkFlow /S /M "WWF Server"
    ```

    ## Fix
    Not automatic: give the value in its documented range, or the missing name.

    ## Source
    NEC ExpressCluster SRE for Windows, Installation & Configuration Guide,
    chapter 8 "General Customization Process", Command Reference (ARMLOAD,
    ARMKILL), and the guide's sections 1.4.1, 1.5 and 3.2; `sogen/arm_commands.toml`
    holds what they say, with the addresses.
    NEC's EXPRESSCLUSTER/UM8700 README, a migration of ARM scripts to
    EXPRESSCLUSTER X (`armload ... /WAIT 0`, `armkill ID /T 0`).
    """

    code = "SO308"
    name = "bad-arm-value"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for command, call in ctx.arm_calls:
            # One finding a line (the engine keeps one per line and rule): it names every problem.
            problems = list(self.problems(command, call))
            if problems:
                yield self.finding(ctx, problems[0][0], _("; ").join(text for _span, text in problems))

    def problems(self, command: Command, call: ArmCall) -> Iterator[tuple[Span, str]]:
        name, form = command.name, call.form
        expands = words_known_on_the_server(command)  # which form, which words are left over
        if form is None and call.spec.markers and not expands:
            yield command.span, _("{command} has no {markers}: NEC documents {usages}").format(
                command=name, markers=_(" or ").join(call.spec.markers), usages=call.usages
            )
        given_once: dict[str, GivenOption] = {}
        for given in call.options:
            option = given.option
            if option is None:
                continue
            first = given_once.setdefault(option.name, given)
            if first is not given and _values(first) != _values(given) and not expands:
                yield given.word.span, _("{command} gives {option} twice, with other values: {usages}").format(
                    command=name, option=given.word.text, usages=call.usages
                )
            if option.value is None or option.choices:
                continue
            if not given.values:
                needs = f" ({option.bounds})" if option.minimum is not None else ""
                yield given.word.span, _("{command} {option} has no {value}{needs}: {usages}").format(
                    command=name, option=given.word.text, value=option.value, needs=needs, usages=call.usages
                )
            elif not option.accepts(given.values[0].value) and not expanded_at_run_time(given.values[0]):
                yield given.values[0].span, out_of_range(f"{name} {given.word.text}", given.values[0], option)
        if form is None:
            return
        for option in form.options.values():
            if option.required and option.name not in given_once and not expands:
                yield command.span, _("{command} has no {option}: {usages}").format(
                    command=name, option=option.name, usages=call.usages
                )
        operand = form.operand
        # A service name in several words is SO301's (`/M StarOffice Server`).
        taken = 0 if operand is None else len(call.operands) if operand.name == "service name" else 1
        stray = call.operands[taken:]
        if stray and not expands:
            words = " ".join(w.text for w in stray)
            cut = _value_before(command, call, stray[0])
            if cut is not None:  # `ARMBCAST /MSG Failed to connect`: a text cut at its first blank
                whole = " ".join(w.value for w in (*cut.values, *stray))
                yield covering(list(stray)), _(
                    '{command} {option} takes one word, {value}, and not {words}: write {option} "{whole}"'
                ).format(command=name, option=cut.word.text, value=cut.values[-1].text, words=words, whole=whole)
            else:
                yield covering(list(stray)), _("{command} does not take {words}: NEC documents {usages}").format(
                    command=name, words=words, usages=call.usages
                )
        if operand is None:
            return
        if not call.operands:
            yield command.span, _("{command} has no {operand}: {usages}").format(
                command=name, operand=_(OPERAND_NAMES.get(operand.name, operand.name)), usages=call.usages
            )
        elif not operand.accepts(call.operands[0].value) and not expanded_at_run_time(call.operands[0]):
            yield call.operands[0].span, out_of_range(name, call.operands[0], operand)


def _position(command: Command, word: Word) -> int:
    return next(index for index, arg in enumerate(command.args) if arg is word)


def _values(given: GivenOption) -> list[str]:
    return [word.value.upper() for word in given.values]


def _value_before(command: Command, call: ArmCall, word: Word) -> GivenOption | None:
    """The option of free text (`/MSG`, `/U`) whose value ``word`` follows: the rest of a
    text cut at a blank. Not a number's nor a choice's (`/T 0 5`, `/W CONTINUE now`)."""
    at = _position(command, word)
    before = command.args[at - 1] if at else None
    return next(
        (
            given for given in call.options
            if given.values and given.values[-1] is before and given.option is not None
            and given.option.minimum is None and not given.option.choices
        ),
        None,
    )  # fmt: skip


def out_of_range(what: str, word: Word, bounded: Bounded) -> str:
    if bounded.assumed:
        return _("{what} takes {bounds}, not {value} (no NEC document at hand gives the range: sogen takes this one)").format(
            what=what, bounds=bounded.bounds, value=word.text
        )
    return _("{what} takes {bounds} (NEC's documented range), not {value}").format(
        what=what, bounds=bounded.bounds, value=word.text
    )


@register
class BadWatchId(Rule):
    """
    ## What it does
    Checks the watch ID of ARMLOAD, ARMKILL and ARMLOADC: NEC allows at most
    255 single-byte letters and digits, case-insensitive, and reserves IDs
    beginning with `NEC_` for itself (so the underscore is allowed too). A line
    without a watch ID is reported too. IDs with `%VAR%` are only known on the
    server and are not judged.

    ## Why it matters in a cluster
    ARMLOAD refuses an ID it does not accept: the service is not started or not
    watched, and the matching ARMKILL later stops nothing. An ID in NEC's
    reserved range may collide with one CLUSTERPRO itself uses, and stopping it
    stops CLUSTERPRO's own watch.

    ## Example
    ```batch
    ARMLOAD NEC_StarOffice /S /M "StarOffice Server"
    ARMLOAD Star-Office /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Fix
    Not automatic: rename the watch ID, in the start and the stop script.

    ## Source
    NEC ExpressCluster SRE for Windows, Installation & Configuration Guide,
    chapter 8 "General Customization Process", Command Reference (ARMLOAD,
    ARMKILL), and the guide's sections 1.4.1, 1.5 and 3.2; `sogen/arm_commands.toml`
    holds what they say, with the addresses.
    """

    code = "SO309"
    name = "bad-watch-id"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        documented = load_arm_commands()
        for command in ctx.commands_run:
            spec = documented.commands.get(command.program)
            if spec is None or not spec.watch_id:
                continue
            word = watch_id(command)
            if word is None:
                yield self.finding(
                    ctx, command.span, _("{command} has no watch ID: {usages}").format(command=command.name, usages=spec.usages())
                )
                continue
            if expanded_at_run_time(word):
                continue
            problem = documented.watch_id.problem(word.value)
            if problem:
                shown = word.text if len(word.text) <= 40 else word.text[:40] + "..."
                yield self.finding(
                    ctx, word.span, _("{watch_id} is not a valid watch ID: {problem}").format(watch_id=shown, problem=problem)
                )


def watched_target(call: ArmCall) -> str | None:
    """What an ARMLOAD line watches: its service name, or the program of the application form."""
    for given in call.options:
        if given.option is not None and given.option.rest and given.values:
            return given.values[0].value
    return " ".join(w.value for w in call.operands) or None


@register
class WatchIdReused(ClusterRule):
    """
    ## What it does
    Compares the ARMLOAD lines of the files of one cluster (a folder with the
    `manifest.json` sogen writes or CLUSTERPRO X's `clp.conf`, else the group
    folders side by side in one folder): one watch ID must not watch different services (or programs) in
    two failover groups. A group is a folder's start/stop scripts (`start2.bat`
    and `stop2.bat` are a second group in the same folder).

    ## Why it matters in a cluster
    NEC: the watch ID "must be unique name within a cluster". When group 2
    reuses group 1's ID for its own service, the second ARMLOAD fails while both
    groups run on one node, and an ARMKILL in one group's stop script stops the
    other group's service: a failover of one group takes the other down.

    ## Example
    ```batch
    rem group1\\start.bat
    ARMLOAD FormServer /S /M "StarOffice FormServer"
    rem group2\\start.bat
    ARMLOAD FormServer /S /M "StarOffice FormServer2"
    ```

    ## Use instead
    ```batch
    rem group2\\start.bat
    ARMLOAD FormServer2 /S /M "StarOffice FormServer2"
    ```

    ## Fix
    Not automatic: give each group's service its own watch ID (`sogen products`
    lists the catalogue's).

    ## Source
    NEC ExpressCluster SRE for Windows, Installation & Configuration Guide,
    chapter 8 "General Customization Process", Command Reference (ARMLOAD,
    ARMKILL), and the guide's sections 1.4.1, 1.5 and 3.2; `sogen/arm_commands.toml`
    holds what they say, with the addresses.
    """

    code = "SO310"
    name = "watch-id-reused"
    severity = ERROR

    @staticmethod
    def summarize(ctx: FileContext) -> object:
        loads = []
        for command, call in ctx.arm_calls:
            target = watched_target(call) if command.program == "armload" else None
            if target and call.watch_id is not None and not expanded_at_run_time(call.watch_id):
                span = call.watch_id.span
                loads.append((call.watch_id.value, target, span, ctx.line_text(span.line)))
        if not loads:
            return None
        named = kind_from_name(os.path.basename(ctx.path), ctx.patterns)
        group = (os.path.dirname(ctx.display_path), named[1] if named else os.path.basename(ctx.path).lower())
        return group, tuple(loads)

    def check_cluster(self, summaries: dict[str, object]) -> Iterator[Finding]:
        first: dict[str, tuple[tuple, str, str]] = {}  # watch ID (folded) -> (group, target, path)
        for display_path in sorted(summaries):
            group, loads = summaries[display_path]
            for watch_id, target, span, source in loads:
                seen = first.setdefault(watch_id.lower(), (group, target, display_path))
                if seen[0] != group and seen[1].lower() != target.lower():
                    yield self.finding_at(
                        display_path,
                        span,
                        source,
                        _(
                            'watch ID {watch_id} watches "{target}" here and "{other}" in {path}: '
                            "a watch ID must be unique in the cluster"
                        ).format(watch_id=watch_id, target=target, other=seen[1], path=seen[2]),
                    )


# What the script must have done before its next line: a product started or stopped, a wait.
_AWAITED_VERBS = ("ARMLOAD", "ARMKILL", "ARMLOADC", "ARMSLEEP", "NET START", "NET STOP", "AL2STOP", "DB")


@register
class ClusterCommandNotAwaited(Rule):
    """
    ## What it does
    Checks that an ARM command, a `net start` or `net stop`, or a product's tool
    run through `start` is waited for: `start /wait` (`cmd /c` always waits).

    ## Why it matters in a cluster
    Without `/wait`, `start` runs the command and the script goes on at once. A
    stop.bat with `start /b ARMKILL StarOffice` ends, and CLUSTERPRO releases the
    switched partition, while StarOffice is still stopping and writing to it; a
    start.bat starts WorkFlow before its database is up; `start ARMSLEEP 30` waits
    for nothing. The order of the guide's samples (section 3.2: the database first
    on start, the reverse on stop) holds only when each line ends before the next.

    ## Example
    ```batch
    start "" /b ARMKILL StarOffice
    ```

    ## Use instead
    ```batch
    ARMKILL StarOffice
    ```

    ## Fix
    With `--unsafe-fixes`, when one `start` runs the command: `/wait` is added
    before it (the script then waits, which changes when its next lines run).
    """

    code = "SO311"
    name = "cluster-command-not-awaited"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for command in ctx.commands:
            if not command.detached:
                continue
            verb = described(command.name, command.raw)[0]
            if verb not in _AWAITED_VERBS:
                continue
            yield self.finding(
                ctx,
                command.span,
                _(
                    "{wrapper} runs {command} without /wait: the script goes on before it ends, "
                    "so the lines after it no longer run in order; add /wait or run it directly"
                ).format(
                    wrapper=" ".join(command.via),
                    command=f"{command.name} {command.args[0].text}" if verb.startswith("NET") else command.name,
                ),
                self.fix(ctx, command),
            )

    @staticmethod
    def fix(ctx: FileContext, command: Command) -> Fix | None:
        """``/wait`` after start's options, when one ``start`` runs the program (not ``start
        cmd /c``); on start's line, also when the program stands on the next one."""
        text, start = ctx.line_text(command.span.line), command.span.column - 1
        if not ctx.fixable or len(command.via) != 1 or not text.startswith(command.via[0], start):
            return None
        at = ctx.offset(command.span.line, start + len(command.via[0]) + 1)
        return Fix(_("add /wait before {command}").format(command=command.name), (Edit(at, at, " /wait"),), unsafe=True)


@register
class MisspeltArmCommand(Rule):
    """
    ## What it does
    Checks for a command whose name is one or two letters off an ARM command's:
    `ARMLAOD`, `ARMKIL`, `ARMLOADD`, `ARMBCST`. The ARM commands it knows are
    those `sogen/arm_commands.toml` holds (ARMLOAD, ARMKILL, ARMLOADC, ARMBCAST,
    ARMSLEEP) and the others NEC's scripts run (ARMGETCD, ARMSETCD, ARMDELAY).

    ## Why it matters in a cluster
    cmd finds no program of that name ("is not recognized as an internal or
    external command"), sets the errorlevel and goes on with the next line: the
    service is not started, the watch not stopped, and the script ends as if all
    went well. Across a start/stop pair it may surface as SO304 or SO305; in a
    script of its own nothing else says so.

    ## Example
    ```batch
    ARMLAOD StarOffice /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Fix
    Not automatic: a name so close is almost always a typo, but which command
    was meant is for you to say.
    """

    code = "SO312"
    name = "misspelt-arm-command"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        known = load_arm_commands().names
        for command in ctx.commands_run:
            program = command.program
            if not program.startswith("arm") or program in known:
                continue
            meant = _closest_arm_command(program, known)
            if meant is None:
                continue
            yield self.finding(
                ctx,
                command.span,
                _("{name} is no ARM command: did you mean {meant}? cmd runs no program of this name and goes on").format(
                    name=program.upper(), meant=meant.upper()
                ),
            )


def _closest_arm_command(program: str, known: frozenset[str]) -> str | None:
    """The ARM command ``program`` is one or two letters off, if any (ARMLAOD: ARMLOAD)."""
    found = difflib.get_close_matches(program, sorted(known), n=1, cutoff=0.8)
    return found[0] if found else None
