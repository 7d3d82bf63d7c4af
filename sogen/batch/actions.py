"""What an external command in a script does to the cluster: ARM commands, net
start/stop, a product's own tools (the catalogue's `tools`: isql, svrmgrXX ...),
al2stop; each mapped back to the product catalogue."""

from __future__ import annotations

import ntpath
import re
from functools import lru_cache
from typing import NamedTuple

from sogen.batch.ir import Block, Command
from sogen.batch.parser import BUILTINS, program_of, unescape

class ClusterAction(NamedTuple):
    """An external program the script runs on one path.

    ``text`` is what a stub program would record: the program's base name upper-cased,
    a blank, and the arguments as cmd passes them (``NET start "MSSQLServer"``).
    A tuple: the interpreter makes one for every command line it runs, and a frozen
    dataclass is built field by field.
    """

    stmt: Command
    # ARMLOAD ARMKILL ARMLOADC ARMBCAST ARMSLEEP "NET START" "NET STOP" AL2STOP OTHER, or DB: a
    # program the catalogue lists among a product's `tools` (the WorkFlow databases' isql, svrmgrXX)
    verb: str
    target: str | None  # watch ID (ARM commands) or service name (net)
    product: str | None  # catalogue product id
    instance: int | None  # StarOffice instance (1 or 2) of that product
    phase: str | None  # "start" or "stop" for what starts or stops a product
    text: str
    program: str  # the command as cmd looks it up, after expansion ("c:\mssql\binn\isql")


_ARM_VERBS = {
    "armload": "ARMLOAD",
    "armkill": "ARMKILL",
    "armloadc": "ARMLOADC",
    "armbcast": "ARMBCAST",
    "armsleep": "ARMSLEEP",
}


_WATCHED = ("ARMLOAD", "ARMKILL", "ARMLOADC")


# The scripts a product's tool runs; the catalogue's `tool_scripts` says which start and which stop it.
_SQL_FILE = re.compile(r"([\w.$-]+)\.sql\b", re.I)


_BLANKS = " \t"


class _Catalogue:
    """Watch IDs and service names of the product catalogue, for mapping lines back."""

    def __init__(self) -> None:
        from sogen.catalogue import load_catalogue

        self.catalogue = load_catalogue()
        self.watch_ids = {key: (product.id, number) for key, (product, number) in self.catalogue.by_watch_id.items()}
        # A script may spell a watch ID in another case; it still names the product.
        self.watch_ids_folded = {key.lower(): value for key, value in self.watch_ids.items()}

    def by_watch_id(self, watch_id: str) -> tuple[str | None, int | None]:
        found = self.watch_ids.get(watch_id) or self.watch_ids_folded.get(watch_id.lower())
        return found if found else (None, None)

    def by_service(self, service: str) -> tuple[str | None, int | None]:
        """Also OracleService<SID> and the listener, which the catalogue knows as patterns."""
        found = self.catalogue.identify_service(service)
        return (found[0].id, found[1]) if found else (None, None)


def _stub_arguments(command_line: str) -> str:
    """The arguments a program sees: skip its name like the C runtime, strip blanks."""
    pos = 0
    if command_line.startswith('"'):
        closing = command_line.find('"', 1)
        pos = len(command_line) if closing < 0 else closing + 1
    while pos < len(command_line) and command_line[pos] not in _BLANKS:
        pos += 1
    return command_line[pos:].strip(_BLANKS)


@lru_cache(maxsize=4096)
def described(name: str, command_line: str) -> tuple:
    """ClusterAction's fields after ``stmt`` for a program and its command line:
    scripts run the same few command lines over and over."""
    program = program_of(name)
    arguments = _stub_arguments(command_line)
    values = [word.replace('"', "") for word in LIST_DELIMITERS.findall(arguments)]
    verb, target, product, instance, phase = _classify(program, values, _catalogue())
    text = program.upper() + (" " + arguments if arguments else "")
    return verb, target, product, instance, phase, text, unescape(name).replace('"', "")


@lru_cache(maxsize=1)
def _catalogue() -> _Catalogue:
    return _Catalogue()


def _classify(program: str, words: list[str], catalogue: _Catalogue):
    """(verb, target, product, instance, phase) of an external program and its argument values."""
    verb = _ARM_VERBS.get(program)
    if verb is not None:
        if verb not in _WATCHED or not words or words[0][:1] == "/":  # `ARMLOAD /S ...` has no watch ID
            return verb, None, None, None, None
        product, instance = catalogue.by_watch_id(words[0])
        phase = {"ARMLOAD": "start", "ARMKILL": "stop"}.get(verb)
        return verb, words[0], product, instance, phase
    if program == "net" and words and words[0].lower() in ("start", "stop"):
        service = " ".join(words[1:])
        product, instance = catalogue.by_service(service)
        direction = words[0].lower()
        return f"NET {direction.upper()}", service, product, instance, direction
    if program == "al2stop":
        return "AL2STOP", None, None, None, None
    owner = catalogue.catalogue.tool_product(program)
    if owner is not None:
        phase = None
        for sql in _SQL_FILE.finditer(" ".join(words)):
            phase = owner.tool_scripts.get(ntpath.basename(sql.group(1)).lower(), phase)
        return "DB", None, owner.id, 1, phase
    return "OTHER", None, None, None, None


LIST_DELIMITERS = re.compile(r'(?:"[^"\n]*"?|[^ \t\n,;="])+')  # a FOR list may go over lines


# cmd's own commands that change files; external ones (xcopy, robocopy) are actions.
FILE_COMMANDS = frozenset("copy del erase md mkdir mklink move rd ren rename rmdir".split())
# Windows' devices, which no file is: NUL, CON, ... in any folder (C:\logs\nul), with an
# extension (NUL.txt) or as \\.\NUL.
_DEVICE = re.compile(r'"?(?:[^"]*[\\/])?(?:nul|con|prn|aux|com[1-9]|lpt[1-9])(?:\.[^"\\/]*)?:?"?', re.I)


def file_change(stmt) -> str | None:
    """The text of a command of cmd's own that changes files (``RMDIR /S /Q D:\\work``,
    ``ECHO done > C:\\log.txt``, ``( ... ) >> C:\\log.txt``), as written, or None. These
    are no actions (no program runs), yet a migration that drops them changes what the
    script does."""
    if stmt.__class__ is Block:
        written = _files_written(stmt.redirections)
        return " ".join(["( ... )", *written]) if written else None
    if stmt.__class__ is not Command or stmt.program not in BUILTINS:
        return None
    written = _files_written(stmt.redirections)
    if stmt.program not in FILE_COMMANDS and not written:
        return None
    return " ".join([stmt.raw.strip(), *written])


def _files_written(redirections) -> list[str]:
    """``> C:\\log.txt`` and the like: the redirections that write a file."""
    return [f"{r.op} {r.target}" for r in redirections if writes_a_file(r)]


def writes_a_file(redirection) -> bool:
    """``> C:\\log.txt``, not ``2>&1`` or ``> nul`` (a device)."""
    return ">" in redirection.op and bool(redirection.target) and not _DEVICE.fullmatch(redirection.target)

