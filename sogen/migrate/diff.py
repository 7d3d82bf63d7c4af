"""The behaviour diff of a migration: legacy script against generated script.

Both run through the same analyser as `sogen trace`, for every event x server x
disk combination. Each difference is explained by a lint
finding of the legacy file or by a choice of the topology; what nothing
explains is called out for review.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sogen.batch.actions import ClusterAction, file_change
from sogen.batch.events import COMBINATIONS, Combination, Dialect
from sogen.batch.interpreter import PathResult
from sogen.batch.ir import Call, Exit, Label
from sogen.batch.parser import program_of
from sogen.catalogue import load_catalogue
from sogen.i18n import N_, _

_ARGUMENT = re.compile(r'"[^"]*"?|[^\s"]+')
_QUOTES_AND_BLANKS = re.compile(r'"|\s+')
_ARM_COMMANDS = frozenset(("ARMLOAD", "ARMLOADC", "ARMKILL", "ARMBCAST", "ARMSLEEP"))
# ARM reads its options in any order and any case; they are compared in the order
# the guide writes them (``ARMLOAD StarOffice /S /M "StarOffice Server"``), others after.
_ARM_OPTION_ORDER = ("/MSG", "/S", "/W", "/M", "/A")


def _unquoted(word: str) -> str:
    """Quotes around an argument without blanks change nothing the program receives;
    quotes that hold blanks together stay, because without them it receives something else."""
    inner = word.strip('"')
    return inner if word.startswith('"') and not re.search(r"\s", inner) else word


def _arm_arguments(words: list[str]) -> list[str]:
    """The watch ID (or ARMSLEEP's seconds), then each option with its values, in one order."""
    leading: list[str] = []
    options: list[list[str]] = []
    for word in words:
        if word.startswith("/"):
            options.append([word.upper()])
        elif options:
            options[-1].append(word)
        else:
            leading.append(word)
    rank = {flag: index for index, flag in enumerate(_ARM_OPTION_ORDER)}
    options.sort(key=lambda option: rank.get(option[0], len(rank)))
    return leading + [" ".join(option) for option in options]


def canonical_text(text: str) -> str:
    """A command line (``ClusterAction.text`` or a stub's record) as compared: its meaning.

    The program name is upper-cased and blanks between arguments collapse; ARM options
    compare as a set (``/M x /S`` is ``/S /M x``, ``/s`` is ``/S``); ``net start
    "MSSQLServer"`` is ``NET START MSSQLServer``.
    """
    program, _, arguments = text.partition(" ")
    program = program.upper()
    words = [_unquoted(word) for word in _ARGUMENT.findall(arguments)]
    if program in _ARM_COMMANDS:
        words = _arm_arguments(words)
    elif program == "NET" and words and words[0].lower() in ("start", "stop"):
        words[0] = words[0].upper()
    return " ".join([program, *words])


def canonical(action: ClusterAction) -> str:
    return canonical_text(action.text)


def _behaviour_of_steps(result: PathResult) -> list[tuple[int, str]]:
    """(position of the step in ``result.steps``, what it did) for what one path does, in
    the order it ran: its actions, and the commands of cmd's own that change files (RMDIR,
    DEL, ECHO > log). A generated script runs none of the latter: a legacy clean-up must
    not vanish unseen."""
    actions, at = result.actions, 0
    stepped = {id(step) for step in result.steps}
    done: list[tuple[int, str]] = []
    for position, step in enumerate(result.steps):
        # A step runs one program at most (a FOR body's step comes once per round); a CALL
        # of a batch file runs it through a statement of its own, which is no step.
        if at < len(actions) and (actions[at].stmt is step or (step.__class__ is Call and id(actions[at].stmt) not in stepped)):
            done.append((position, canonical(actions[at])))
            at += 1
        changed = file_change(step)
        if changed is not None:
            done.append((position, canonical_text(changed)))
    done.extend((len(result.steps), canonical(action)) for action in actions[at:])
    return done


def behaviour(result: PathResult) -> list[str]:
    """What one path does, as the migration compares it (see :func:`_behaviour_of_steps`)."""
    return [text for _, text in _behaviour_of_steps(result)]


@dataclass
class Explanation:
    text: str
    code: str | None = None  # the lint rule behind it, or None for a topology choice
    # The differing actions it accounts for (canonical text); None: all of the path's.
    covers: frozenset[str] | None = None
    order: bool = False  # it accounts for the order of the actions both scripts run (covers None does too)


@dataclass
class PathDifference:
    combination: Combination
    legacy: list[str]
    generated: list[str]
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def unexplained(self) -> list[str]:
        """The actions one side runs more often than the other that no explanation
        accounts for: a reason for one of them (a missing branch) says nothing about
        another (ARMLOAD run with /R 3 instead of /M)."""
        differing = (Counter(self.legacy) - Counter(self.generated)) + (Counter(self.generated) - Counter(self.legacy))
        return [action for action in differing if not _covered(self.explanations, action)]

    @property
    def reordered(self) -> bool:
        """The actions both scripts run here (broadcasts aside) come in another order."""
        return _shared(self.legacy, self.generated) != _shared(self.generated, self.legacy)

    @property
    def order_unexplained(self) -> bool:
        return self.reordered and not any(reason.order or reason.covers is None for reason in self.explanations)

    @property
    def explained(self) -> bool:
        """Every differing action is accounted for, and a new order of the actions both run
        (by a reason of its own where actions also differ)."""
        return bool(self.explanations) and not self.unexplained and not self.order_unexplained


@dataclass
class ScriptDiff:
    group: str
    kind: str  # "start" or "stop"
    legacy_path: str
    differences: list[PathDifference]
    identical: int  # combinations with the same behaviour


def _findings_by_code(findings) -> dict[str, list]:
    by_code: dict[str, list] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    return by_code


_DISK_VARIABLE = re.compile(r"(?:ARMS|CLP)_DISK", re.I)


def _cite(by_code: dict[str, list], *codes: str) -> tuple[str, int] | None:
    for code in codes:
        if by_code.get(code):
            return code, by_code[code][0].line
    return None


def _at(cited: tuple[str, int]) -> str:
    """A finding an explanation rests on, as it cites it: "SO101 at line 7"."""
    return _("{code} at line {line}").format(code=cited[0], line=cited[1])


def fallen_into(legacy: PathResult, falls_into: dict) -> list[tuple[Label, list[str]]]:
    """Labels this path enters by running on from the section above (no GOTO EXIT),
    each with what the path does from there on."""
    entered = []
    steps = legacy.steps
    done = None
    for index in range(1, len(steps)):
        step = steps[index]
        if not (isinstance(step, Label) and falls_into.get(step.name.lower()) is steps[index - 1]):
            continue
        # Running on into the closing ":EXIT / exit" changes nothing.
        following = steps[index + 1] if index + 1 < len(steps) else None
        if following is not None and not isinstance(following, Exit):
            done = _behaviour_of_steps(legacy) if done is None else done
            entered.append((step, [text for position, text in done if position > index]))
    return entered


def _without(actions: list[str], verb: str) -> list[str]:
    return [action for action in actions if not action.startswith(verb + " ")]


def _shared(actions: list[str], other: list[str]) -> list[str]:
    """``actions`` that ``other`` runs too (as often), in their order, broadcasts aside."""
    left = Counter(other)
    shared = []
    for action in _without(actions, "ARMBCAST"):
        if left[action] > 0:
            left[action] -= 1
            shared.append(action)
    return shared


def _order_reason(cited: tuple[str, int], covers: frozenset[str] | None = None) -> Explanation:
    return Explanation(
        _("legacy runs the same actions in another order ({cited}); generated follows the dependencies: "
          "database, StarOffice, then what needs it, and the reverse to stop").format(cited=_at(cited)),
        cited[0], covers, order=True)


# The guide's conventions that generated scripts keep where a legacy script differs and
# the topology has no choice for it (quoted in the explanation with their section).
# The explanations are in the user's language (sogen.i18n), as MIGRATION.md that shows them.
BROADCAST_FIRST = N_(
    "generated broadcasts first, then starts or stops the services, as the guide's samples do "
    "(sections 1.4.1 and 3.2: ARMBCAST, then ARMLOAD / ARMKILL)"
)
def disk_checked(disk: str) -> str:
    """The guide's disk check, named as the generated scripts name the disk variable."""
    return _(
        "generated checks {disk} first and on FAILURE only broadcasts the disk error, as the guide's start and "
        "stop samples do (section 1.4.1: IF \"%{disk}%\" == \"FAILURE\" GOTO ERROR_DISK)"
    ).format(disk=disk)
BROADCAST_MESSAGES = N_(
    "generated broadcasts the topology's settings.messages on the paths the guide's samples broadcast on "
    "(section 1.4.1; an imported topology takes each from the first legacy path that broadcasts a text of its own, "
    "the start script's before the stop script's for the two they share, disk_error and no_arm)"
)
SETTLED = N_(
    "generated waits db_settle_seconds after the database stops on every path of stop.bat "
    "(the guide's 3.2 sample waits 30 s after the database stops: ARMSLEEP 30)"
)


def _subject(action: str) -> str:
    """What an action acts on: an ARM watch command and its watch ID (``ARMLOAD W1``), so
    that one run with other options is not a missing one; any other command line is its
    own subject (``NET START MSSQLServer``)."""
    program, _, arguments = action.partition(" ")
    if program in ("ARMLOAD", "ARMKILL", "ARMLOADC"):
        return f"{program} {arguments.split(' ', 1)[0]}"
    return action


def explain(
    legacy: PathResult, generated: PathResult, findings, falls_into: dict, dialect: Dialect,
    done: dict[Combination, list[str]], generated_anywhere: frozenset[str], meant_done: dict[Combination, list[str]],
    utf16: bool = False,
) -> list[Explanation]:
    """Why ``legacy`` and ``generated`` differ on one combination, as far as the findings tell;
    the event variables are named as ``dialect``, the generated scripts', names them.
    ``done``: what legacy does on every combination (the row's twins), as :func:`behaviour`
    says; ``generated_anywhere``: what the generated script does on any of them;
    ``meant_done``: what legacy does read in the encoding it was written in; ``utf16``:
    legacy is UTF-16, of which cmd runs nothing. Each
    reason says which differing actions it accounts for (see :attr:`PathDifference.unexplained`)."""
    by_code = _findings_by_code(findings)
    combination = legacy.combination
    old, new = done[combination], behaviour(generated)
    extra = Counter(old) - Counter(new)
    missing = Counter(new) - Counter(old)
    reasons: list[Explanation] = []

    encoding = _cite(by_code, "SO702")
    # What the encoding changes: what cmd runs or skips only because it reads the bytes in
    # code page 932 (a garbled message; a quote, line end or label the Japanese text
    # swallowed): legacy read as its author wrote it (``meant_done``) does otherwise.
    meant = Counter(meant_done[combination]) if encoding else Counter()
    garbled = frozenset(a for a in extra if a not in meant) | frozenset(a for a in missing if a in meant)
    if encoding and garbled:
        how = (
            _("cmd.exe runs none of it (UTF-16)") if utf16 else
            _("cmd.exe reads it in code page 932, where its Japanese text swallows quotes, line ends and labels")
        )
        reasons.append(Explanation(
            _("legacy is not code page 932 text ({cited}): {how}; generated is code page 932").format(
                cited=_at(encoding), how=how
            ),
            encoding[0], garbled))
    if not extra and not missing:
        if old != new and _without(old, "ARMBCAST") == _without(new, "ARMBCAST"):
            first = next(index for index, (a, b) in enumerate(zip(old, new)) if a != b)
            later = new[first].startswith("ARMBCAST ")
            when = _("legacy broadcasts later on this path") if later else _("legacy broadcasts earlier on this path")
            reasons.append(Explanation(f"{when}; {_(BROADCAST_FIRST)}"))
            return reasons
        cited = _cite(by_code, "SO401", "SO402")
        if cited:
            reasons.append(_order_reason(cited))
        return reasons
    if _shared(old, new) != _shared(new, old):
        # What both run, in another order, besides what only one runs: the order has its
        # reason too, or the row is to review (a start order hidden by a missing ARMSLEEP).
        cited = _cite(by_code, "SO401", "SO402")
        if cited:
            reasons.append(_order_reason(cited, frozenset()))
    if legacy.end == "syntax-error":
        cited = _cite(by_code, "SO201", "SO703")
        if cited:
            stops = (
                _("legacy stops at an IF syntax error when {variable} is unset ({cited}); generated quotes every IF operand")
                if combination.event is None else
                _("legacy stops at an IF syntax error when a variable is empty ({cited}); generated quotes every IF operand")
            )
            reasons.append(Explanation(
                stops.format(variable=dialect.event, cited=_at(cited)), cited[0], frozenset(missing)))
    if legacy.end == "undefined-label":
        cited = _cite(by_code, "SO101")
        if cited:
            reasons.append(Explanation(
                _("legacy jumps to a label that does not exist and ends there ({cited})").format(cited=_at(cited)),
                cited[0], frozenset(missing)))
    # A fall-through explains the actions it carries from their own section onto this path:
    # those the generated script runs on some path. One the generated script runs nowhere
    # (a NET STOP in a shared section) is that section's, dropped, to review.
    runs_somewhere = {_QUOTES_AND_BLANKS.sub("", action) for action in generated_anywhere}  # quoted or not (SO301)
    carried = {a for a in extra if _QUOTES_AND_BLANKS.sub("", a) in runs_somewhere}
    entered = [(label, carried.intersection(later)) for label, later in fallen_into(legacy, falls_into)]
    entered = [(label, added) for label, added in entered if added]
    if entered:
        labels = ", ".join(
            _(":{label} (line {line})").format(label=label.name, line=label.span.line) for label, _added in entered
        )
        added = set().union(*(added for _label, added in entered))
        reasons.append(Explanation(
            _("legacy runs on from one section into the next at {labels} without GOTO EXIT (SO103), so it also runs "
              "{actions}; generated closes every section with GOTO EXIT").format(
                labels=labels, actions=", ".join(dict.fromkeys(a for a in old if a in added))
            ),
            "SO103", frozenset(added)))
    # The disk reasons hold only where the generated path does check the disk (START and
    # FAILOVER; not RECOVER, not without ARM), for what legacy runs there as with a good disk
    # (its SUCCESS row runs it too) and the disk error the generated script broadcasts; what
    # a legacy handler does once it sees the failure is its own, to review.
    disk_checked_here = combination.disk == "FAILURE" and any(v.endswith("_DISK") for _, v in generated.tests)
    good_disk = frozenset(done[combination._replace(disk="SUCCESS")]) if disk_checked_here else frozenset()
    as_with_good_disk = frozenset(missing) | frozenset(a for a in extra if a in good_disk)
    # Testing the other product's disk variable, which this cluster leaves unset, is SO206's
    # (its finding on a line that tests a disk variable, not one on the server variable).
    other_disk = not any(variable.endswith("_DISK") for _, variable in legacy.tests) and next(
        (("SO206", f.line) for f in by_code.get("SO206", ()) if _DISK_VARIABLE.search(f.source)), None
    )
    if disk_checked_here and other_disk:
        reasons.append(Explanation(
            _("legacy tests the other cluster product's variables ({cited}), which this cluster does not set, so it "
              "runs as with a good disk; {checked}").format(cited=_at(other_disk), checked=disk_checked(dialect.disk)),
            other_disk[0], as_with_good_disk))
    elif disk_checked_here and any(a.phase == "start" for a in legacy.actions):
        cited = _cite(by_code, "SO204")
        if cited:
            reasons.append(Explanation(
                _("legacy starts services before it checks {disk} ({cited}); generated checks the disk first").format(
                    disk=dialect.disk, cited=_at(cited)
                ),
                cited[0], as_with_good_disk))
    if combination.event is None and legacy.end != "syntax-error" and extra:
        cited = _cite(by_code, "SO205")
        if cited:
            reasons.append(Explanation(
                _("with {variable} unset legacy goes on past its tests and runs what a handler does ({cited}); generated "
                  "only broadcasts that ARM is not running").format(variable=dialect.event, cited=_at(cited)),
                cited[0]))
    # A missing branch or dependency explains what legacy does not run here at all; an
    # action it runs with other arguments (ARMLOAD W1 /S /R 3 for /S /M) is another matter.
    ran = {_subject(action) for action in old}
    absent = sorted(action for action in missing if _subject(action) not in ran and not action.startswith("ARMBCAST "))
    cited = _cite(by_code, "SO203")
    unbranched = frozenset(absent) | frozenset(a for a in extra if not a.startswith("ARMBCAST "))
    if cited and unbranched and combination.event is not None and old == done[combination._replace(event=None)]:
        # No branch of its own for this event (SO203 says which): legacy runs what it runs
        # with the event unset, whatever that is; it explains this row, not the others.
        reasons.append(Explanation(
            _("legacy has no branch for {variable}={value} and runs what it runs with {variable} unset ({cited})").format(
                variable=dialect.event, value=combination.event, cited=_at(cited)
            ),
            cited[0], unbranched))
    reasons.extend(_unpaired_watches(by_code, extra, missing))
    cited = _cite(by_code, "SO403")
    needed = _dependencies_not_started(legacy, generated, absent)
    if cited and needed and legacy.end not in ("syntax-error", "undefined-label"):
        reasons.append(Explanation(
            _("legacy starts a product on this path without {needed}, which it needs ({cited})").format(
                needed=", ".join(needed), cited=_at(cited)
            ),
            cited[0], frozenset(needed)))
    if disk_checked_here and not other_disk and all(not variable.endswith("_DISK") for _, variable in legacy.tests):
        reasons.append(Explanation(
            _("legacy does not check {disk}, so it runs as with a good disk; {checked}").format(
                disk=dialect.disk, checked=disk_checked(dialect.disk)
            ),
            covers=as_with_good_disk))
    # What is left: the topology's settings, or quoting (each said only where nothing above did).
    left = [action for action in extra + missing if not _covered(reasons, action)]
    # The generated scripts wait only where a database stopped, as long as the topology says:
    # a legacy wait anywhere else (between two starts) is the SE's to weigh.
    sleeps = frozenset(action for action in left if action.startswith("ARMSLEEP "))
    if sleeps and any(action.startswith("ARMSLEEP ") for action in new):
        waits = ", ".join(a for a in extra.elements() if a in sleeps)
        has = (
            _("legacy has {waits} on this path").format(waits=waits) if waits else _("legacy has no ARMSLEEP on this path")
        )
        reasons.append(Explanation(f"{has}; {_(SETTLED)}", covers=sleeps))
    broadcasts = [action for action in left if action.startswith("ARMBCAST ")]
    if broadcasts:
        reasons.append(Explanation(
            f"{_broadcasts(extra, missing, broadcasts)}; {_(BROADCAST_MESSAGES)}", covers=frozenset(broadcasts)))
    unquoted = {_QUOTES_AND_BLANKS.sub("", a) for a in extra} & {_QUOTES_AND_BLANKS.sub("", a) for a in missing}
    quoting = frozenset(a for a in left if _QUOTES_AND_BLANKS.sub("", a) in unquoted)
    if quoting:
        cited = _cite(by_code, "SO301")
        if cited:
            reasons.append(Explanation(
                _("legacy passes a service name without quotes ({cited})").format(cited=_at(cited)), cited[0], quoting))
    return reasons


def _unpaired_watches(by_code: dict[str, list], extra: Counter, missing: Counter) -> list[Explanation]:
    """A watch the legacy start script starts and its stop script never stops (SO305, found
    in the start script) explains the ARMKILL only the generated stop script runs; one the
    stop script stops and the start script never starts (SO304), the ARMKILL only legacy runs."""
    reasons = []
    for code, actions, why in (
        ("SO305", missing, N_("legacy's start script starts the watch {id} and its stop script never stops it; "
                              "generated stops every watch it starts ({where})")),
        ("SO304", extra, N_("legacy stops the watch {id}, which its start script never starts; the topology has no "
                            "product for it ({where})")),
    ):
        cited = set()
        for finding in by_code.get(code, ()):
            watch = _watch_id_at(finding)
            if watch is None or watch.upper() in cited:
                continue  # one reason a watch (it may be started on several paths)
            cited.add(watch.upper())
            covered = frozenset(a for a in actions if a.upper() == f"ARMKILL {watch}".upper())
            if covered:
                where = _("{code} at {file} line {line}").format(code=code, file=Path(finding.path).name, line=finding.line)
                reasons.append(Explanation(_(why).format(id=watch, where=where), code, covered))
    return reasons


def _watch_id_at(finding) -> str | None:
    """The watch ID of the ARMLOAD or ARMKILL a finding stands on (after an IF, an @, a
    start /b, a path to the program)."""
    words = finding.source[finding.column - 1 :].split()
    for index, word in enumerate(words[:-1]):
        if program_of(word) in ("armload", "armkill"):
            return words[index + 1]
    return None


def _dependencies_not_started(legacy: PathResult, generated: PathResult, absent: list[str]) -> list[str]:
    """The actions of ``absent`` that start what a product legacy starts on the path needs
    (the database WorkFlow needs, StarOffice for MailGateway: SO403)."""
    catalogue = load_catalogue()
    started = {a.product for a in legacy.actions if a.phase == "start" and a.product}
    return [
        text for text in absent
        if any(
            canonical(a) == text and a.phase == "start" and a.product and any(catalogue.needs(p, a.product) for p in started)
            for a in generated.actions
        )
    ]


def _covered(reasons: list[Explanation], action: str) -> bool:
    return any(reason.covers is None or action in reason.covers for reason in reasons)


def _broadcasts(extra: Counter, missing: Counter, broadcasts: list[str]) -> str:
    """What differs in the messages of one path, as the explanation says it."""
    sent = [a for a in extra if a in broadcasts]
    wanted = [a for a in missing if a in broadcasts]
    if sent and wanted:
        return _("legacy broadcasts {sent} where generated broadcasts {wanted}").format(
            sent=", ".join(sent), wanted=", ".join(wanted)
        )
    if sent:
        return _("legacy also broadcasts {sent} on this path").format(sent=", ".join(sent))
    return _("legacy broadcasts no {wanted} on this path").format(wanted=", ".join(wanted))


def topology_explanation(elsewhere: frozenset[str], difference: PathDifference) -> Explanation | None:
    """Generated actions, not yet explained, that the legacy script runs on other paths
    (``elsewhere``: what it does on any) but not this one: the topology's group has the product."""
    missing = Counter(difference.generated) - Counter(difference.legacy)
    here = [action for action in difference.unexplained if action in missing and action in elsewhere]
    if not here:
        return None
    return Explanation(
        _("generated runs {actions} here too: the topology's group has the product, and legacy runs it on other "
          "paths only").format(actions=", ".join(sorted(here))),
        covers=frozenset(here),
    )


def diff_script(group: str, kind: str, legacy_path: str, legacy: dict[Combination, PathResult],
                generated: dict[Combination, PathResult], findings, falls_into: dict, dialect: Dialect,
                intended: dict[Combination, PathResult] | None = None, encoding: str = "cp932") -> ScriptDiff:
    """The differences of one script; ``intended``: legacy's paths read as written when it is
    not code page 932 text (see :func:`explain`), else legacy's; ``encoding``: legacy's."""
    differences = []
    identical = 0
    # CLUSTERPRO X takes a script's exit code for whether the group started or stopped
    # (NEC's templates end a failure with `exit 1`): there it is behaviour too.
    exits = dialect.name == "clp"

    def does(results: dict[Combination, PathResult]) -> dict[Combination, list[str]]:
        return {
            combination: behaviour(result) + ([_("(exit code {code})").format(code=result.exit_code)] if exits and result.exit_code else [])
            for combination, result in results.items()
        }

    # What each path does, worked out once: every row reads its twins' too.
    done, generated_done = does(legacy), does(generated)
    meant_done = done if intended is None else does(intended)
    legacy_anywhere = frozenset(action for actions in done.values() for action in actions)
    generated_anywhere = frozenset(action for actions in generated_done.values() for action in actions)
    for combination in COMBINATIONS:
        old, new = done[combination], generated_done[combination]
        if old == new:
            identical += 1
            continue
        difference = PathDifference(
            combination, old, new,
            explain(
                legacy[combination], generated[combination], findings, falls_into, dialect, done, generated_anywhere,
                meant_done, encoding.startswith("utf-16"),
            ),
        )
        if not difference.explained:
            chosen = topology_explanation(legacy_anywhere, difference)
            if chosen:
                difference.explanations.append(chosen)
        differences.append(difference)
    return ScriptDiff(group, kind, legacy_path, differences, identical)
