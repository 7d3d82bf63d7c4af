"""The cluster events a CLUSTERPRO script is run under: ARMS_EVENT x ARMS_SERVER x ARMS_DISK.

ARM sets the three variables before it runs a start or stop script (guide 1.2.1,
DOMAIN.md "ARM environment variables"); ARMS_EVENT is unset when ARM is not
running. These are the only definitions of their names and values in sogen.
"""

from __future__ import annotations

from typing import NamedTuple

ARMS_VARIABLES = ("ARMS_EVENT", "ARMS_SERVER", "ARMS_DISK")
EVENTS = ("START", "FAILOVER", "RECOVER", None)  # None: unset
SERVERS = ("HOME", "OTHER")
DISKS = ("SUCCESS", "FAILURE")
# The values ARM sets, by variable (a script tests "not set" as an empty string).
VALUES = {"ARMS_EVENT": EVENTS[:-1], "ARMS_SERVER": SERVERS, "ARMS_DISK": DISKS}


class Combination(NamedTuple):
    """One way CLUSTERPRO can run a script. ``event`` None: ARMS_EVENT unset (ARM not running).

    A tuple, so that hashing one (results are looked up by combination all the
    time) happens in C."""

    event: str | None
    server: str
    disk: str

    def environment(self) -> dict[str, str | None]:
        """The ARMS_* variables as ARM sets them (None: unset)."""
        return {"ARMS_EVENT": self.event, "ARMS_SERVER": self.server, "ARMS_DISK": self.disk}

    def __str__(self) -> str:
        return f"{self.event or 'unset'}/{self.server}/{self.disk}"


COMBINATIONS: tuple[Combination, ...] = tuple(
    Combination(event, server, disk) for event in EVENTS for server in SERVERS for disk in DISKS
)


ENVIRONMENTS = {combination: combination.environment() for combination in COMBINATIONS}

