"""`sogen import`: recover a topology from the files found on the servers.

Each failover group's folder holds at least a start and a stop script; the
alenv files, backup script, registry patches and somg.ini add install roots,
virtual addresses and node data. Every recovered value remembers where it came
from (``stop.bat:12``) so that the written YAML can say so. What no file holds
becomes a ``FILL_IN`` placeholder that ``sogen validate`` asks for.
"""

from __future__ import annotations

import ntpath
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sogen.catalogue import ALENV_NAME, DATABASE_ROLE, Product, load_catalogue, template_values
from sogen.batch.events import (
    CLUSTERPRO_X_CONFIG, COMBINATIONS, DIALECTS, Combination, cluster_dialect, clusterpro_x_clue, dialects_read,
    x_configuration,
)
from sogen.batch.actions import file_change, writes_a_file
from sogen.batch.arm import operand_texts, read_arm_call
from sogen.batch.control import walk
from sogen.batch.interpreter import PathResult, analyse_as_written
from sogen.batch.ir import Block, Call, Command
from sogen.batch.parser import BUILTINS, parse_script
from sogen.i18n import N_, _
from sogen.regfile.reader import HIVES, parse_registry
from sogen.textio import MAX_SOURCE_BYTES, UnreadableFile, decode_bytes, name_as_written, read_regular
from sogen.topology.model import Messages

SCRIPT_NAMES = re.compile(r"(start|stop)(\d?)\.(bat|cmd)$", re.I)
# The words of a command line as a program's C runtime splits them (quotes keep blanks).
_ARGUMENT_WORDS = re.compile(r'(?:"[^"]*"?|[^ \t"])+')
_PROCINFO = re.compile(r"\\PROCINFO\[([0-9]+)\]$", re.I)
# PROCINFO indexes and ARMSLEEP seconds are small numbers; Python's int() refuses
# more than 4300 digits, and a number this long is a mistake anyway.
MAX_NUMBER_DIGITS = 9

START_PATH = Combination("START", "HOME", "SUCCESS")


class ImportError_(Exception):
    """A folder cannot be imported; the message names the file."""


@dataclass(frozen=True)
class Sourced:
    value: object
    source: str  # "start.bat:12", "registry/opcntrl.reg:7", or "" when defaulted


@dataclass
class RecoveredProduct:
    type: str
    source: str
    options: dict[str, Sourced] = field(default_factory=dict)


@dataclass
class RecoveredGroup:
    name: str
    folder: Path
    instance: Sourced | None = None
    alroot: Sourced | None = None
    virtual_host: Sourced | None = None
    virtual_ip: Sourced | None = None
    floating_ip: Sourced | None = None  # somg.ini's SelfIPAddress (guide 2.2.2.3)
    products: list[RecoveredProduct] = field(default_factory=list)
    messages: dict[str, Sourced] = field(default_factory=dict)
    settle_seconds: Sourced | None = None
    reg_format: Sourced | None = None
    backup_command: Sourced | None = None
    version_key: Sourced | None = None
    dialect: Sourced | None = None  # set for CLUSTERPRO X's CLP_* only
    programs: list[str] = field(default_factory=list)  # "folder/start.bat:40: SQLCMD -i x.sql", not imported
    options: list[str] = field(default_factory=list)  # ARM lines imported without some of their options
    nodes: dict[str, dict[str, Sourced]] = field(default_factory=dict)  # from decommission patches
    procinfo: dict[str, Sourced] = field(default_factory=dict)  # "mvm"/"wfocom" -> PROCINFO index
    policy: Sourced | None = None  # from the header sogen writes into its scripts
    cluster_name: Sourced | None = None
    scripts: dict[str, Path] = field(default_factory=dict)  # "start"/"stop" -> path
    analyses: dict[str, dict[Combination, PathResult]] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)  # "start"/"stop" -> the script's lines
    file_changes: dict[str, list[int]] = field(default_factory=dict)  # "start"/"stop" -> lines of RMDIR, DEL ...
    programs_run: dict[str, list[Command | Call]] = field(default_factory=dict)  # "start"/"stop" -> programs and CALLed scripts


def _read(path: Path) -> bytes:
    try:
        return read_regular(path, MAX_SOURCE_BYTES)
    except UnreadableFile as exc:
        raise ImportError_(str(exc)) from None


def _number(digits: str, where: str, what: str) -> int:
    if len(digits) > MAX_NUMBER_DIGITS:
        raise ImportError_(
            _("{where}: {what} has {digits} digits; at most {maximum} make sense").format(
                where=where, what=_(what), digits=len(digits), maximum=MAX_NUMBER_DIGITS
            )
        )
    return int(digits)


def _where(path: Path, folder: Path, line: int) -> str:
    """Where a value came from, as the group folder's name, the file and the line
    (the folder "." is named as it is called, not left out)."""
    return f"{folder_name(folder)}/{name_as_written(path.relative_to(folder).as_posix())}:{line}"


def folder_name(folder: Path) -> str:
    """A group folder as the origin comments name it: its own name, also when given as
    ".", ".." or "sub/.." (symbolic links are not followed)."""
    return name_as_written(os.path.basename(os.path.abspath(folder)))


def find_scripts(folder: Path) -> dict[str, Path]:
    """The start/stop scripts of the folder: start.bat + stop.bat, or a numbered pair
    (start2.bat + stop2.bat, the names of the guide's section 3.4.1)."""
    if not folder.is_dir():
        raise ImportError_(_("{path}: is not a folder (give one folder per failover group)").format(path=folder))
    found: dict[str, list[Path]] = {"start": [], "stop": []}
    numbered: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        match = SCRIPT_NAMES.fullmatch(path.name)
        if match and not path.is_dir():  # a FIFO or device is reported when read, not taken for missing
            found[match.group(1).lower()].append(path)
            numbered.setdefault(match.group(2), {}).setdefault(match.group(1).lower(), path)
    pairs = [scripts for scripts in numbered.values() if len(scripts) == 2]
    if len(pairs) > 1:
        # start.bat and start2.bat are two failover groups, and which alenv file or
        # patch of the folder belongs to which is for the SE to say, not to guess.
        names = ", ".join(p.name for scripts in pairs for p in scripts.values())
        raise ImportError_(
            _(
                "{path}: holds the scripts of more than one failover group ({names}); put each group's "
                "start and stop script, alenv file and patches in a folder of its own and give all the folders"
            ).format(path=folder, names=names)
        )
    if not found["start"] or not found["stop"]:
        if not found["start"] and not found["stop"]:
            message = _("{path}: no start and stop script (start.bat / stop.bat) in this folder")
        elif not found["start"]:
            message = _("{path}: no start script (start.bat / stop.bat) in this folder")
        else:
            message = _("{path}: no stop script (start.bat / stop.bat) in this folder")
        raise ImportError_(message.format(path=folder))
    if pairs:  # a stray stop2.bat beside start.bat and stop.bat is no group of its own
        return {kind: pairs[0][kind] for kind in ("start", "stop")}
    return {kind: paths[0] for kind, paths in found.items()}


def _message_of(action) -> str | None:
    """The text after ARMBCAST's /MSG: one word, as ARM reads its arguments, in quotes or
    not (the guide's section 3.2 writes it without)."""
    words = _ARGUMENT_WORDS.findall(action.text)
    for at, word in enumerate(words[:-1]):
        if word.upper() == "/MSG":
            return words[at + 1].replace('"', "")
    return None


def _service_of(action) -> str | None:
    """The service an ``ARMLOAD watchID /S ...`` line starts: the words its options do not
    take (NEC's form ends ``{/M | /R retry ...} service-name``), unquoted; the guide's
    section 3 sample prints it without quotes (``/M StarOffice Server``)."""
    words = tuple(_ARGUMENT_WORDS.findall(action.text))[1:]  # after ARMLOAD
    service = " ".join(word.replace('"', "") for word in operand_texts("armload", words))
    return service or None


# Which broadcast of which path is which message (section 1.4.1's shape).
MESSAGE_PATHS = {
    "start": {
        "start_home": Combination("START", "HOME", "SUCCESS"),
        "start_other": Combination("START", "OTHER", "SUCCESS"),
        "start_home_failover": Combination("FAILOVER", "HOME", "SUCCESS"),
        "start_other_failover": Combination("FAILOVER", "OTHER", "SUCCESS"),
        "start_recover": Combination("RECOVER", "HOME", "SUCCESS"),
        "disk_error": Combination("START", "HOME", "FAILURE"),
        "no_arm": Combination(None, "HOME", "SUCCESS"),
    },
    "stop": {
        "stop_home": Combination("START", "HOME", "SUCCESS"),
        "stop_other": Combination("START", "OTHER", "SUCCESS"),
        "stop_home_failover": Combination("FAILOVER", "HOME", "SUCCESS"),
        "stop_other_failover": Combination("FAILOVER", "OTHER", "SUCCESS"),
        # One text for both scripts: the start script's, unless it has none of its own.
        "disk_error": Combination("START", "HOME", "FAILURE"),
        "no_arm": Combination(None, "HOME", "SUCCESS"),
    },
}


def _first_path_with_starts(results: dict[Combination, PathResult]) -> PathResult:
    """START/HOME with a good disk, or else the first path that starts anything."""
    preferred = results[START_PATH]
    if any(a.phase == "start" for a in preferred.actions):
        return preferred
    for combination in COMBINATIONS:
        if any(a.phase == "start" for a in results[combination].actions):
            return results[combination]
    return preferred


def recover_group(name: str, folder: Path) -> RecoveredGroup:
    group = RecoveredGroup(name, folder)
    group.scripts = find_scripts(folder)
    for kind, path in group.scripts.items():
        script = parse_script(str(path), _read(path))
        # The topology holds what the SE meant: a UTF-8 or UTF-16 script's messages and
        # lines as written, not as cmd misreads them on a code page 932 server (SO702).
        group.analyses[kind] = analyse_as_written(script)
        group.lines[kind] = script.lines
        # Wherever they stand: IF EXIST x DEL x is one path the analysis never takes.
        group.file_changes[kind] = [_redirection_line(stmt) for stmt in walk(script.statements) if file_change(stmt) is not None]
        group.programs_run[kind] = [
            stmt for stmt in walk(script.statements)
            if (stmt.__class__ is Command and stmt.program not in BUILTINS) or (stmt.__class__ is Call and not stmt.is_label)
        ]
    # CLUSTERPRO X's CLP_* (ARM's ARMS_* is the default): scripts regenerated in the other
    # dialect would take the no-ARM path on every event.
    texts = ["\n".join(group.lines[kind]) for kind in ("start", "stop")]
    dialect, telling = cluster_dialect(texts)
    configuration = x_configuration(str(folder)) if telling is None else None
    if configuration is not None:
        # Scripts that test no event and use nothing of X's, in a configuration clp.conf
        # marks (NEC's UM8700 scripts): X runs them, so they are regenerated for X.
        group.dialect = Sourced(
            "clp", _("{config} is a CLUSTERPRO X configuration").format(
                config=os.path.join(configuration, CLUSTERPRO_X_CONFIG))
        )
    elif dialect is not DIALECTS["arm"]:
        text = texts[telling]
        script = f"{folder_name(folder)}/{group.scripts[('start', 'stop')[telling]].name}"
        if dialects_read(text):
            why = _("{script} tests {variable}").format(script=script, variable=dialect.event)
        else:
            why = _("{script} uses {clue} (CLUSTERPRO X)").format(script=script, clue=clusterpro_x_clue(text))
        group.dialect = Sourced(dialect.name, why)
    if not any(a.verb.startswith("ARM") for results in group.analyses.values() for r in results.values() for a in r.actions):
        # A topology holds what ARM commands start and stop; a CLUSTERPRO X script that
        # runs none (clplogcmd, PowerShell) has nothing for one, whatever it tests.
        raise ImportError_(
            _("{path}: no path runs an ARM command (ARMLOAD, ARMKILL, ARMBCAST ...): nothing in it for a topology").format(
                path=group.scripts["start"]
            )
        )
    _recover_products(group)
    _recover_unkept_lines(group)
    _recover_messages(group)
    _recover_header(group)
    files = group_files(folder)
    instance = group.instance.value if group.instance else 1
    for path in files:
        alenv = ALENV_NAME.fullmatch(path.name)
        if alenv:
            # The guide keeps alenv1.bat and alenv2.bat together (1.2.2): each is its instance's.
            if int(alenv.group(1)) == instance:
                _recover_alenv(group, path)
        elif path.name.lower() == "somg.ini":
            _recover_somg(group, path)
        elif path.name.lower() == "backup.bat":
            _recover_backup(group, path)
    for path in files:
        if path.suffix.lower() == ".reg":
            _recover_registry(group, path)
    return group


def group_files(folder: Path) -> list[Path]:
    """The files of a group's folder and of its subfolders (``registry/``, ``env/``), the
    folder's own first; not those of a subfolder that holds start/stop scripts of its own,
    another group's (a script tree copied whole puts group 2 inside group 1)."""
    found: list[Path] = []
    for root, folders, names in os.walk(folder):
        here = Path(root)
        if here != folder and any(SCRIPT_NAMES.fullmatch(name) for name in names):
            folders.clear()
            continue
        folders.sort()
        found += [here / name for name in sorted(names)]  # a FIFO or device is reported when read
    return sorted(found, key=lambda path: len(path.relative_to(folder).parts))


def _take(group: RecoveredGroup, attribute: str, found: Sourced, what: str) -> None:
    """Set a value a file gives (set again further down the same file, the later counts, as
    for cmd and regedit); two files that give different ones are refused: an old copy
    (``registry/old-2003/opcntrl.reg``) must not win because of its name."""
    current = getattr(group, attribute)
    if current is None or _file_of(current) == _file_of(found):
        setattr(group, attribute, found)
    elif _same_value(current.value) != _same_value(found.value):
        raise ImportError_(
            _(
                "{first} gives the {what} {one}, {second} gives {other}: move the copy that is out of date "
                "out of the group folder"
            ).format(first=current.source, second=found.source, what=_(what), one=current.value, other=found.value)
        )


def _same_value(value: object) -> str:
    """How two files' values are compared: Windows compares names and paths in any case, and
    E:\\SO2\\ is the folder E:\\SO2 names."""
    return str(value).lower().rstrip("\\")


def _file_of(value: Sourced) -> str:
    return value.source.rsplit(":", 1)[0]


def _recover_products(group: RecoveredGroup) -> None:
    catalogue = load_catalogue()
    folder = group.folder
    start_path = group.scripts["start"]
    starting = _first_path_with_starts(group.analyses["start"])
    other = group.analyses["start"][Combination(starting.combination.event, "OTHER", "SUCCESS")]
    seen: dict[str, RecoveredProduct] = {}
    # Products another chooses by an option (WorkFlow's database), by that option's name.
    roles = {role for entry in catalogue.products.values() for role in entry.roles(catalogue)}
    chosen: dict[str, RecoveredProduct] = {}
    for action in starting.actions + other.actions:
        where = _where(start_path, folder, action.stmt.span.line)
        if action.verb == "ARMLOAD" and (runs_a_program(action) or unknown_watch_id(action)):
            continue  # see _recover_unkept_lines
        product, instance = action.product, action.instance
        renamed = None  # a product of the catalogue watched under the site's own ID
        if action.verb == "ARMLOAD" and product is None and action.target:
            service = _service_of(action)
            known = catalogue.identify_service(service) if service else None
            if known is not None and known[0].kind == "arm":
                product, instance, renamed = known[0].id, known[1], action.target
        if action.verb == "ARMLOAD" and product is None and action.target:
            if action.target not in seen:
                previous = list(seen.values())
                seen[action.target] = RecoveredProduct(
                    "custom", where,
                    {
                        "name": Sourced(re.sub(r"[^A-Za-z0-9_-]", "-", action.target).lower(), where),
                        "watch_id": Sourced(action.target, where),
                        "service": Sourced(_service_of(action) or action.target, where),
                        "depends_on": Sourced([_key(p) for p in previous if p.type != "database"], where),
                    },
                )
            continue
        if product is None or action.phase != "start":
            continue
        if product == "staroffice-server" and group.instance is None:
            group.instance = Sourced(instance, where)
        entry = catalogue.product(product)
        if entry.kind in roles:
            role = entry.kind
            chosen.setdefault(role, RecoveredProduct(role, where, {role: Sourced(product, where)}))
            _chosen_options(chosen[role], entry, action, where)
            continue
        if product not in seen:
            seen[product] = RecoveredProduct(product, where)
            if renamed is not None and "watch_id" in entry.overridden_by:
                seen[product].options["watch_id"] = Sourced(renamed, where)
            elif entry.instances_by == "occurrence" and instance and instance > 1:
                # A second instance's names (FormServer2) are generated only after a first
                # FormServer in an earlier group: the site's are kept as its line has them, and
                # the key as its patch has it (below), else as sogen named it.
                options = seen[product].options
                options[entry.overridden_by["watch_id"]] = Sourced(action.target, where)
                options[entry.overridden_by["service"]] = Sourced(
                    _service_of(action) or entry.instance(instance).service, where
                )
                options[entry.overridden_by["registry_sync"]] = Sourced(
                    entry.instance(instance).registry_sync[0],
                    _("sogen's key for the FormServer watched as {watch_id} ({where})").format(
                        watch_id=action.target, where=where
                    ),
                )
    for results in group.analyses["stop"].values():
        database_stopped = False  # the settle time is the wait after the database stops (3.2)
        for action in results.actions:
            if action.phase == "stop" and action.product is not None:
                database_stopped = database_stopped or catalogue.product(action.product).kind == DATABASE_ROLE
            if action.verb == "ARMSLEEP" and database_stopped and group.settle_seconds is None:
                seconds = action.text.split()[1:2]
                if seconds and re.fullmatch(r"[0-9]+", seconds[0]):
                    where = _where(group.scripts["stop"], folder, action.stmt.span.line)
                    group.settle_seconds = Sourced(_number(seconds[0], where, N_("ARMSLEEP's seconds")), where)
    if chosen and group.settle_seconds is None:
        group.settle_seconds = Sourced(
            0, f"{folder_name(folder)}/{group.scripts['stop'].name} has no ARMSLEEP after the database stops"
        )
    for recovered in seen.values():  # the chooser takes the options its chosen product's lines gave
        entry = catalogue.products.get(recovered.type)
        for role in entry.roles(catalogue) if entry else ():
            if role in chosen:
                recovered.options.update(chosen[role].options)
    group.products = list(seen.values())


def unknown_watch_id(action) -> bool:
    """Whether an ARM line's watch ID or service is only known on the server: a FOR /F
    variable (``ARMLOAD %a /S /M "%b"`` for each line of a file), or a variable the script
    does not set (``ARMLOAD %APPID% ...``, read as ARMLOAD /S ...), which no product of a
    topology can be."""
    if action.target is None:  # ARMLOAD /S ...: no watch ID at all
        return action.verb in ("ARMLOAD", "ARMKILL")
    service = _service_of(action) if action.verb == "ARMLOAD" else None
    return "%" in action.target or (service is not None and "%" in service)


def runs_a_program(action) -> bool:
    """Whether an ARMLOAD is of the application form (/U user /W program): it runs a
    program, not a service, which no product of a topology stands for."""
    call = read_arm_call(action.stmt) if action.stmt.__class__ is Command else None
    return call is not None and call.form is not None and call.form.name == "application"


# The options the generated scripts give the ARM commands they write (section 1.4.1).
_GENERATED_OPTIONS = {"ARMLOAD": {"/S", "/M"}, "ARMKILL": set()}


def _recover_unkept_lines(group: RecoveredGroup) -> None:
    """The lines on any path of either script, in file order, that a topology cannot
    hold, for the SE to carry over or check. ``programs``: ARMLOADs of the application
    form or of a watch ID known on the server only (FOR /F), net start/stop of a service
    no product has, other programs or scripts (sqlcmd, PowerShell, CALL setenv.bat), and
    anywhere in the file cmd's own commands that change files (RMDIR, DEL, ECHO > file,
    ( ... ) >> log). ``options``: ARMLOAD and
    ARMKILL lines whose options the generated ones do not have (/A, /R 3, /WAIT 0,
    ARMKILL /T), and lines run through ``start`` or ``cmd /c`` (``start /b ARMSLEEP 30``
    does not wait; the generated scripts run every command themselves): their product
    is imported, those options are not."""
    programs: dict[tuple[str, int], str] = {}  # (script, line) -> what to list
    options: dict[tuple[str, int], str] = {}
    for kind, results in group.analyses.items():
        path = group.scripts[kind]

        def note(found: dict, line: int, end_line: int | None = None) -> None:
            # A command continued with ^ is shown whole, its lines joined.
            text = " ".join(part.strip().removesuffix("^").rstrip() for part in group.lines[kind][line - 1 : end_line or line])
            found.setdefault((path.name, line), f"{_where(path, group.folder, line)}: {text}")

        for result in results.values():
            for action in result.actions:
                if (
                    action.verb == "OTHER"
                    or (action.verb == "ARMLOAD" and runs_a_program(action))
                    or unknown_watch_id(action)
                    or (action.verb in ("NET START", "NET STOP") and action.product is None)  # no product of ours
                ):
                    note(programs, action.stmt.span.line, action.stmt.span.end_line)
                elif action.stmt.via or (action.verb in _GENERATED_OPTIONS and _options_beyond_generated(action)):
                    note(options, action.stmt.span.line, action.stmt.span.end_line)
        for line in group.file_changes[kind]:
            note(programs, line)
        # Programs on no path: the analysis takes every program to succeed, so what runs when
        # one fails (IF ERRORLEVEL 1 ... clplogcmd -l ERR, EXIT /B 1) is on none.
        run = {id(action.stmt) for result in results.values() for action in result.actions}
        # A CALLed script runs as a command of its own, standing where the CALL stands.
        run_at = {action.stmt.span[:2] for result in results.values() for action in result.actions}
        for stmt in group.programs_run[kind]:
            if id(stmt) not in run and (stmt.__class__ is Command or stmt.span[:2] not in run_at):
                note(programs, stmt.span.line, stmt.span.end_line)
    group.programs = [programs[key] for key in sorted(programs)]
    group.options = [options[key] for key in sorted(options)]


def _redirection_line(stmt) -> int:
    """The line to show for a file change: a block's ``) >> log`` rather than its ``(``."""
    if stmt.__class__ is Block:
        return next(span.line for r, span in zip(stmt.redirections, stmt.redirection_spans) if writes_a_file(r))
    return stmt.span.line


def _options_beyond_generated(action) -> bool:
    call = read_arm_call(action.stmt) if action.stmt.__class__ is Command else None
    given = {option.word.text.upper() for option in call.options} if call else set()
    return bool(given - _GENERATED_OPTIONS[action.verb])


def _key(product: RecoveredProduct) -> str:
    return product.options["name"].value if product.type == "custom" else product.type


def _chosen_options(chosen: RecoveredProduct, entry: Product, action, where: str) -> None:
    """The options a chosen product's line gives back, as its catalogue entry's `recover` says."""
    options = chosen.options
    program = action.program.strip('"')
    scripts = "|".join(re.escape(name) for name in entry.tool_scripts)
    for placeholder, recovery in entry.recover.items():
        value = None
        if recovery.form == "service" and action.verb == "NET START" and action.target:
            value = (template_values(entry.instance(1).service, action.target) or {}).get(placeholder)
        elif action.verb != "DB":
            continue
        elif recovery.form == "scripts" and scripts:
            folder = re.search(rf'"?([A-Za-z]:\\[^"]*?)\\(?:{scripts})\.sql"?', action.text, re.I)
            value = folder.group(1) if folder else None
        elif re.match(r"[A-Za-z]:\\", program) and recovery.form in ("name", "path"):
            value = re.sub(r"\.exe$", "", program, flags=re.I)  # the place it runs from, kept
        elif recovery.form == "name":
            value = ntpath.basename(program)
        if value is not None:
            options.setdefault(recovery.option, Sourced(value, where))


_HEADER_POLICY = re.compile(r"^rem \* policy\s*:\s*(\S.*?)\s*$", re.I)
_HEADER_CLUSTER = re.compile(r"^rem \* group\s*:.*\(cluster ([A-Za-z][\w-]*),", re.I)


def _recover_header(group: RecoveredGroup) -> None:
    """Scripts sogen generated name their cluster and failover policy in the header."""
    path = group.scripts["start"]
    lines = parse_script(str(path), _read(path)).lines[:20]
    for number, line in enumerate(lines, start=1):
        policy = _HEADER_POLICY.match(line)
        if policy:
            group.policy = Sourced([n.strip() for n in policy.group(1).split(",")], _where(path, group.folder, number))
        cluster = _HEADER_CLUSTER.match(line)
        if cluster:
            group.cluster_name = Sourced(cluster.group(1), _where(path, group.folder, number))


# The messages of a failure, taken only from a broadcast after the path tested the
# variable that tells it (``_DISK``, ``_EVENT``): a script that never tests the disk runs
# its normal path with a failed disk, and its first message is no disk error.
_TESTED_FIRST = {"disk_error": "_DISK", "no_arm": "_EVENT"}


def _recover_messages(group: RecoveredGroup) -> None:
    defaults = Messages().model_dump()  # the guide's: build compares with the topology's dialect
    for kind, paths in MESSAGE_PATHS.items():
        script = group.scripts[kind]
        for key, combination in paths.items():
            result = group.analyses[kind][combination]
            found = next(((i, a) for i, a in enumerate(result.actions) if a.verb == "ARMBCAST"), None)
            if found is None or key in group.messages:
                continue
            index, broadcast = found
            tested = _TESTED_FIRST.get(key)
            if tested and not any(at <= index and variable.endswith(tested) for at, variable in result.tests):
                continue
            text = _message_of(broadcast)
            if text is not None and text != defaults[key]:
                group.messages[key] = Sourced(text, _where(script, group.folder, broadcast.stmt.span.line))


def _recover_alenv(group: RecoveredGroup, path: Path) -> None:
    from sogen.batch.ir import Set

    script = parse_script(str(path), _read(path))
    for stmt in script.statements:
        if isinstance(stmt, Set) and stmt.name.upper() == "ALROOT" and "%" not in stmt.value:
            where = _where(path, group.folder, stmt.span.line)
            if not stmt.value.strip():
                raise ImportError_(
                    _("{where}: SET ALROOT= is empty; it names StarOffice's install root, e.g. D:\\SO").format(where=where)
                )
            _take(group, "alroot", Sourced(stmt.value.strip(), where), N_("install root (ALROOT)"))


def _recover_backup(group: RecoveredGroup, path: Path) -> None:
    """The backup command is what runs between al2stop and the service's restart (section 1.5.1)."""
    from sogen.batch.ir import Command, Comment

    script = parse_script(str(path), _read(path))
    stopped = False
    for stmt in script.statements:
        if isinstance(stmt, Command) and stmt.program == "al2stop":
            stopped = True
        elif stopped and isinstance(stmt, Command) and stmt.program == "net":
            return
        elif stopped and not isinstance(stmt, Comment):
            group.backup_command = Sourced(script.lines[stmt.span.line - 1].strip(), _where(path, group.folder, stmt.span.line))
            return


def _recover_somg(group: RecoveredGroup, path: Path) -> None:
    try:
        text = decode_bytes(_read(path)).text
    except UnicodeDecodeError:
        raise ImportError_(_("{path}: is neither UTF-8, UTF-16 nor code page 932 text").format(path=path)) from None
    for number, line in enumerate(text.splitlines(), start=1):
        key, _sep, value = line.partition("=")
        # 2.2.2.3: SelfIPAddress is the floating IP MailGateway sends and receives on, not the virtual IP.
        if key.strip().lower() == "selfipaddress" and value.strip():
            found = Sourced(value.strip(), _where(path, group.folder, number))
            _take(group, "floating_ip", found, N_("floating IP (SelfIPAddress)"))


def _recover_registry(group: RecoveredGroup, path: Path) -> None:
    reg = parse_registry(str(path), _read(path))

    def where(line: int) -> str:
        return _where(path, group.folder, line)

    if reg.header and group.reg_format is None:
        group.reg_format = Sourced(reg.header, where(1))
    for key in reg.keys:
        segments = key.path.split("\\")
        upper = key.path.upper()
        if segments[0].upper() not in HIVES:
            raise ImportError_(
                _(
                    "{where}: [{key}] is not a registry key: a key starts with one of "
                    "{hives}, or regedit does not import the file"
                ).format(where=where(key.span.line), key=key.path, hives=", ".join(HIVES))
            )
        # Server 2's PROCINFO patch is read for group 1's WorkFlow (section 3.4.1); the
        # other instance's address and install root are the other group's.
        if upper.endswith("\\OPCNTRL") or upper.split("\\")[-2:-1] == ["SERVICES"]:
            if _staroffice_instance(segments) not in (None, group.instance.value if group.instance else 1):
                continue
        if upper.endswith("\\OPCNTRL"):
            _recover_opcntrl(group, path, key, segments, where)
        elif upper.split("\\")[-2:-1] == ["SERVICES"] and key.value("ImagePath"):
            match = re.search(r"/R(\S+)", key.value("ImagePath").text or "")
            if match:
                found = Sourced(match.group(1), where(key.value("ImagePath").span.line))
                _take(group, "alroot", found, N_("install root (ALROOT)"))
        elif "ONLINESHELLMANAGER" in upper and segments[-2].upper() == "ONLINESHELLMANAGER":
            _add_option(group, "formserver", "online_shells", segments[-1], where(key.span.line))
            formserver = next((p for p in group.products if p.type == "formserver"), None)
            if formserver is not None and "registry_key" in formserver.options:  # a second FormServer's
                shell_manager = key.path.upper().rindex("\\ONLINESHELLMANAGER")
                formserver.options["registry_key"] = Sourced(key.path[:shell_manager], where(key.span.line))
            host = key.value("HostName")
            if host and host.text is not None:
                _take(group, "virtual_ip", Sourced(host.text, where(host.span.line)), N_("virtual IP address"))
        elif (procinfo := _PROCINFO.search(key.path)) and key.value("EXECLINE"):
            index = _number(procinfo.group(1), where(key.span.line), N_("the PROCINFO index"))
            line = (key.value("EXECLINE").text or "").lower()
            role = "mvm" if "sowfmvm" in line else "wfocom" if "wfocom" in line else None
            if role:
                group.procinfo[role] = Sourced(index, where(key.span.line))


def _staroffice_instance(segments: list[str]) -> int | None:
    """The StarOffice server instance a key belongs to: it is in the instance's registry
    tree (``...\\StarOffice Server2\\...`` is instance 2's, guide 3.4.1) or is its service's
    key. A site's one opcntrl.reg often holds both instances' OPCNTRL; each group takes its own."""
    key = "\\".join(segments).upper() + "\\"
    for number, instance in enumerate(load_catalogue().products["staroffice-server"].instances, start=1):
        if segments[-1].upper() == instance.service.upper() and segments[-2].upper() == "SERVICES":
            return number
        if any(key.startswith(tree.upper() + "\\") for tree in instance.registry_sync):
            return number
    return None


def _add_option(group: RecoveredGroup, product_type: str, option: str, value: str, where: str) -> None:
    product = next((p for p in group.products if p.type == product_type), None)
    if product is None:
        return
    current = product.options.get(option)
    values = list(current.value) if current else []
    if value not in values:
        values.append(value)
    product.options[option] = Sourced(values, current.source if current else where)


def _recover_opcntrl(group: RecoveredGroup, path: Path, key, segments: list[str], where) -> None:
    cluster = key.value("CLUSTER")
    if len(segments) >= 3 and group.version_key is None:
        group.version_key = Sourced(segments[-2], where(key.span.line))
    if cluster is not None and (cluster.text or "").upper() == "NO":
        node = re.sub(r"^decommission-", "", path.stem, flags=re.I)
        entry = group.nodes.setdefault(node, {})
        prefix = key.value("URLPREFIX")
        if prefix is not None:
            entry["ip"] = Sourced(re.sub(r"^[a-z]+://", "", prefix.text or "", flags=re.I).split("/")[0], where(prefix.span.line))
        master = key.value("MASTERHOST")
        if master is not None:
            entry["hostname"] = Sourced(master.text or "", where(master.span.line))
        return
    for value_name, attribute, what in (
        ("SELFHOST", "virtual_host", N_("virtual host name (OPCNTRL SELFHOST)")),
        ("SELFADDR", "virtual_ip", N_("virtual IP address (OPCNTRL SELFADDR)")),
    ):
        value = key.value(value_name)
        if value is not None and value.text is not None:
            _take(group, attribute, Sourced(value.text, where(value.span.line)), what)
