"""The cluster events a CLUSTERPRO script is run under: event x server x disk.

ARM sets ARMS_EVENT, ARMS_SERVER and ARMS_DISK before it runs a start or stop
script (guide 1.2.1, DOMAIN.md "ARM environment variables"); ARMS_EVENT is unset
when ARM is not running. CLUSTERPRO X names the same three CLP_EVENT, CLP_SERVER
and CLP_DISK, with the same values: its script resource samples (start.bat and
stop.bat, sample version 9.0.3-1, the guide's shape) test "%CLP_EVENT%" == "START",
"%CLP_DISK%" == "FAILURE" and "%CLP_SERVER%" == "OTHER" (the script resource
chapter of the CLUSTERPRO X for Windows Reference Guide describes them).
A :class:`Dialect` is one of these sets of names. These are the only
definitions of their names and values in sogen.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from sogen.textio import folders_up

EVENTS = ("START", "FAILOVER", "RECOVER", None)  # None: unset
SERVERS = ("HOME", "OTHER")
DISKS = ("SUCCESS", "FAILURE")


class Dialect(NamedTuple):
    """The names a cluster product gives the event, server and disk variables."""

    name: str  # as --dialect and settings.dialect spell it
    event: str
    server: str
    disk: str

    @property
    def variables(self) -> tuple[str, str, str]:
        return (self.event, self.server, self.disk)

    def counterpart(self, variable: str) -> str:
        """This dialect's name for ``variable`` of any dialect (ARMS_DISK -> CLP_DISK)."""
        return getattr(self, variable.rsplit("_", 1)[1].lower())


ARM = Dialect("arm", "ARMS_EVENT", "ARMS_SERVER", "ARMS_DISK")
CLP = Dialect("clp", "CLP_EVENT", "CLP_SERVER", "CLP_DISK")
DIALECTS = {dialect.name: dialect for dialect in (ARM, CLP)}
# How --dialect and settings.dialect may name one: "clusterpro-x" is migrate's first spelling.
SPELLINGS = {"arm": "arm", "clp": "clp", "clusterpro-x": "clp"}
# The values the cluster sets, by variable of either dialect (a script tests "not set"
# as an empty string).
VALUES = {
    name: values for dialect in DIALECTS.values() for name, values in zip(dialect.variables, (EVENTS[:-1], SERVERS, DISKS))
}

# A read of an event variable: %NAME%, %NAME:~0,3%, !NAME! or IF DEFINED NAME. Plain
# words (a comment that says ARMS_EVENT) do not count.
_NAME_AT = re.compile(r"(?:arms|clp)_(?:event|server|disk)\b")
_PREFIXES = {ARM: "arms_", CLP: "clp_"}


def dialects_read(text: str) -> list[Dialect]:
    """The dialects whose variables ``text`` reads, in the order of their first read.
    (str.find, not a regex over the text: this runs on every file a lint reads.)"""
    lowered = text.lower()
    first: dict[Dialect, int] = {}
    for dialect, prefix in _PREFIXES.items():
        at = lowered.find(prefix)
        while at >= 0 and not _read_at(lowered, at):
            at = lowered.find(prefix, at + 1)
        if at >= 0:
            first[dialect] = at
    return sorted(first, key=first.__getitem__)


def _read_at(lowered: str, at: int) -> bool:
    if not _NAME_AT.match(lowered, at):
        return False
    if at and lowered[at - 1] in "%!":
        return not _in_comment(lowered, at)
    blank = at
    while blank and lowered[blank - 1] in " \t":
        blank -= 1
    return blank < at and lowered.endswith("defined", 0, blank) and not _in_comment(lowered, at)


def _in_comment(text: str, at: int) -> bool:
    """Whether ``at`` stands in a comment: a REM or :: line, or a ``& rem`` after a command
    (``rem was: IF "%ARMS_EVENT%" == "START"`` in a script ported to CLUSTERPRO X)."""
    from sogen.batch.parser import code_of  # loaded by then wherever scripts are read; not by generate

    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return at - start >= len(code_of(text[start : end if end >= 0 else len(text)]))


def dialect_of(text: str, unread: Dialect = ARM) -> Dialect:
    """The dialect a script is written in: the one it reads first (a script half ported
    to CLUSTERPRO X usually has its new dispatch at the top); when it reads neither,
    CLUSTERPRO X's if it uses what only that has (see :func:`clusterpro_x_clue`), else
    ``unread`` (CLUSTERPRO X's for a script of an X configuration: see x_configuration)."""
    found = dialects_read(text)
    if found:
        return found[0]
    return CLP if clusterpro_x_clue(text) else unread


# A CLUSTERPRO X configuration as clpcfctrl exports it: clp.conf beside its scripts folder
# (NEC's UM8700 README: "copy scripts directory" with clp.conf; genw.bat of NEC's Hyper-V
# samples: ..\scripts\failover\replica_script). ARM had no such file.
CLUSTERPRO_X_CONFIG = "clp.conf"


def x_configuration(folder: str) -> str | None:
    """The CLUSTERPRO X configuration ``folder`` belongs to: the folder above it whose
    clp.conf stands beside the scripts folder ``folder`` is in, or None. A manifest.json
    on the way up (sogen's output, another cluster of its own) ends the search, as does a
    clp.conf ``folder`` is not under the scripts folder of (a repository's root)."""
    start = os.path.abspath(folder)
    for current in folders_up(start):
        if os.path.isfile(os.path.join(current, CLUSTERPRO_X_CONFIG)):
            scripts = os.path.join(current, "scripts")
            return current if os.path.normcase(start).startswith(os.path.normcase(scripts) + os.sep) else None
        if os.path.isfile(os.path.join(current, "manifest.json")):
            return None
    return None


def cluster_dialect(texts: list[str]) -> tuple[Dialect, int | None]:
    """The dialect a cluster ran one failover group's scripts in (``texts``: start, stop),
    and the index of the script that tells: the first that reads either's variables or
    uses what only CLUSTERPRO X has (a start script with clplogcmd is CLUSTERPRO X's,
    whatever its stop script still reads); else ARM's (None). A start script that tests
    no event and uses nothing of X's (NEC's UM8700 sample) leaves it to the stop script."""
    for index, text in enumerate(texts):
        found = dialects_read(text)
        if found:
            return found[0], index
        if clusterpro_x_clue(text):
            return CLP, index
    return ARM, None


# What only CLUSTERPRO X gives a script, outside comments: its other variables
# (%CLP_SCRIPT_PATH%, %CLP_GROUPNAME% ...) and its commands (clplogcmd, clpgrp ...);
# ARM had neither. A folder or label that starts with "clp" is neither.
_CLUSTERPRO_X_ONLY = re.compile(
    r"%clp_\w+%"
    r"|(?<![\w.-])clp(?:logcmd|grp|rsc|cl|stat|down|stdn|monctrl|mdctrl|hdctrl|mdstat|hdstat|trnreq|rexec|bwctrl"
    r"|regctrl|cfctrl|cfchk|ledctrl|mail|mgtmib)(?:\.exe)?(?![\w.-])",
    re.I,
)


def clusterpro_x_clue(text: str) -> str | None:
    """The first CLUSTERPRO X variable or command ``text`` uses outside comments, or None."""
    if "clp" not in text.lower():
        return None
    from sogen.batch.parser import code_of  # loaded by then wherever scripts are read; not by generate

    for line in text.split("\n"):
        if "clp" in line.lower():
            found = _CLUSTERPRO_X_ONLY.search(code_of(line))
            if found:
                return found.group(0)
    return None


class Combination(NamedTuple):
    """One way CLUSTERPRO can run a script. ``event`` None: the event variable is unset
    (ARM or the cluster is not running).

    A tuple, so that hashing one (results are looked up by combination all the
    time) happens in C."""

    event: str | None
    server: str
    disk: str

    def environment(self, dialect: Dialect = ARM) -> dict[str, str | None]:
        """The variables as the cluster sets them, named in ``dialect`` (None: unset)."""
        return dict(zip(dialect.variables, self))

    def __str__(self) -> str:
        return f"{self.event or 'unset'}/{self.server}/{self.disk}"


COMBINATIONS: tuple[Combination, ...] = tuple(
    Combination(event, server, disk) for event in EVENTS for server in SERVERS for disk in DISKS
)


# Dialect -> combination -> its environment, built once.
ENVIRONMENTS = {
    dialect: {combination: combination.environment(dialect) for combination in COMBINATIONS}
    for dialect in DIALECTS.values()
}

