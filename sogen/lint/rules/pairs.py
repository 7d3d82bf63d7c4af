"""SO304, SO305: a group's start script and its stop script must agree on the watch IDs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sogen.i18n import N_, _
from sogen.lint.context import FileContext
from sogen.batch.ir import Span
from sogen.lint.rules.arm import watch_id
from sogen.lint.rules.base import ERROR, WARNING, Finding, PairRule, register


class WatchUse(NamedTuple):
    """One ARMLOAD or ARMKILL line, reduced to what a pair rule reports (named tuples: a
    summary travels from the worker to the main process for every script)."""

    program: str  # "armload" or "armkill"
    watch_id: str
    span: Span
    source: str
    runs_program: bool = False  # ARMLOAD's application form, `armload ID /U user /W program`


class WatchUses(NamedTuple):
    display_path: str
    uses: tuple[WatchUse, ...]

    def ids(self, program: str) -> set[str]:
        return {u.watch_id.lower() for u in self.uses if u.program == program}


def loaded_then_killed(ctx: FileContext) -> set[tuple[int, int]]:
    """(line, column) of the ARMLOAD and ARMKILL lines that, on every path they are on, load
    a watch ID and kill it again later in the same script: a program run and then no longer
    watched (`armload ID /U user /W program` ... `armkill ID`), which the other script of the
    pair has nothing to do with."""
    ids = {program: set() for program in ("armload", "armkill")}
    for command in ctx.commands:
        word = watch_id(command) if command.program in ids else None
        if word is not None:
            ids[command.program].add(word.value.lower())
    if not ids["armload"] & ids["armkill"]:
        return set()  # the usual case: no path to walk
    paired: set[tuple[int, int]] = set()
    unpaired: set[tuple[int, int]] = set()
    for result in ctx.distinct_paths:
        loads = {}  # watch ID -> its ARMLOAD not killed yet on this path
        for action in result.actions:
            if action.verb not in ("ARMLOAD", "ARMKILL") or not action.target:
                continue
            key, where = action.target.lower(), (action.stmt.span.line, action.stmt.span.column)
            if action.verb == "ARMLOAD":
                if key in loads:
                    unpaired.add(loads[key])
                loads[key] = where
            elif key in loads:
                paired.update((loads.pop(key), where))
            else:
                unpaired.add(where)
        unpaired.update(loads.values())
    return paired - unpaired


class WatchPairRule(PairRule):
    @staticmethod
    def summarize(ctx: FileContext) -> WatchUses:
        uses = []
        within_script = loaded_then_killed(ctx)
        written = {}  # span of a line whose watch ID is a %variable% -> whether it runs a program
        for command, call in ctx.arm_calls:
            word = watch_id(command) if command.program in ("armload", "armkill") else None
            if word is None or (command.span.line, command.span.column) in within_script:
                continue
            runs_program = call.form is not None and call.form.name == "application"
            if "%" in word.value or "!" in word.value:
                written[command.span] = runs_program
                continue
            uses.append(WatchUse(command.program, word.value, command.span, ctx.line_text(command.span.line), runs_program))
        if not written:
            return WatchUses(ctx.display_path, tuple(uses))
        # A watch ID only a path knows (`armload %1` in a routine CALLed with it): the IDs the paths ran.
        read = {command.span for command, _call in ctx.arm_calls if command.span not in written}
        ran: dict[tuple, WatchUse] = {}
        for result in ctx.distinct_paths:
            for action in result.actions:
                span = action.stmt.span
                if action.verb not in ("ARMLOAD", "ARMKILL") or not action.target or span in read:
                    continue
                if (span.line, span.column) in within_script:
                    continue
                key = (action.verb, action.target.lower(), span)
                if key not in ran:
                    source = ctx.line_text(span.line)
                    ran[key] = WatchUse(action.verb.lower(), action.target, span, source, written.get(span, False))
        return WatchUses(ctx.display_path, tuple(uses) + tuple(ran.values()))

    def report(
        self, own: WatchUses, program: str, other: WatchUses, wanted: str, message: str, programs: bool = True
    ) -> Iterator[Finding]:
        """A finding on each ``program`` line of ``own`` whose watch ID ``other`` never ``wanted``s
        (of the application form's too, with ``programs``)."""
        present = other.ids(wanted)
        for use in own.uses:
            if use.program == program and use.watch_id.lower() not in present and (programs or not use.runs_program):
                yield self.finding_at(
                    own.display_path, use.span, use.source, _(message).format(id=use.watch_id, other=other.display_path)
                )


@register
class KillWithoutLoad(WatchPairRule):
    """
    ## What it does
    Checks that a stop script ARMKILLs only watch IDs its start script ARMLOADs. The
    start script is the one beside it (`start.bat` / `stop.bat`, `start2.bat` /
    `stop2.bat`). A watch ID a script ARMLOADs and then ARMKILLs itself, on every
    path that loads it (`armload ID /U user /W program`, then `armkill ID`: run a
    program, then stop watching it), is that script's own and not compared.

    ## Why it matters in a cluster
    An ARMKILL of a watch ID that nothing loads fails on every stop. It usually
    means the two scripts were edited apart: a renamed watch ID (`StarOffice2` in
    one, `StarOffice` in the other), or a product removed from one script only.

    ## Example
    ```batch
    rem start.bat
    ARMLOAD StarOffice /S /M "StarOffice Server"
    rem stop.bat
    ARMKILL WorkFlow
    ARMKILL StarOffice
    ```

    ## Use instead
    ```batch
    rem stop.bat
    ARMKILL StarOffice
    ```

    ## Fix
    Not automatic: make both scripts name the same watch IDs.
    """

    code = "SO304"
    name = "kill-without-load"
    severity = WARNING

    def check_pair(self, start: WatchUses, stop: WatchUses) -> Iterator[Finding]:
        return self.report(
            stop, "armkill", start, "armload", N_("ARMKILL {id} stops a watch ID that {other} never ARMLOADs")
        )


@register
class LoadWithoutKill(WatchPairRule):
    """
    ## What it does
    Checks that a stop script ARMKILLs every watch ID its start script ARMLOADs. The
    stop script is the one beside it (`start.bat` / `stop.bat`, `start2.bat` /
    `stop2.bat`). A watch ID a script ARMLOADs and then ARMKILLs itself, on every
    path that loads it (`armload ID /U user /W program`, then `armkill ID`: run a
    program, then stop watching it), is that script's own and not compared.
    Nor is a program the start script runs (`armload ID /U user /W program`):
    NEC's own CLUSTERPRO X samples run one and load the same ID again in the stop
    script, which ARM accepts only when nothing holds it any more.

    ## Why it matters in a cluster
    When the group stops or moves, the stop script must stop every service the
    start script started. A service left running keeps its files open on the
    switched partition: CLUSTERPRO cannot release the disk, and the failover
    stalls or the other node starts on a disk still in use.

    ## Example
    ```batch
    rem start.bat
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ARMLOAD WorkFlow /S /M "WWF Server"
    rem stop.bat
    ARMKILL StarOffice
    ```

    ## Use instead
    ```batch
    rem stop.bat
    ARMKILL WorkFlow
    ARMKILL StarOffice
    ```

    ## Fix
    Not automatic: add the ARMKILL to the stop script, in the reverse start order.
    """

    code = "SO305"
    name = "load-without-kill"
    severity = ERROR

    def check_pair(self, start: WatchUses, stop: WatchUses) -> Iterator[Finding]:
        return self.report(
            start,
            "armload",
            stop,
            "armkill",
            N_("ARMLOAD {id} starts a watch that {other} never ARMKILLs: the service keeps the switched partition busy"),
            programs=False,
        )
