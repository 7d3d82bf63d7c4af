"""`sogen migrate` on the variations hand-written legacy scripts have (issue #14).

A small generator writes correct legacy folders that differ in STRUCTURE from the
guide's samples: ARM options in another order and case, quoted or bare service names,
blanks, ``::`` or ``rem``, other label names, service sections shared by GOTO, by
fall-through or by ``CALL :sub``, server 2 alone, both groups together, with and
without ARMSLEEP, broadcasts before or after the services, CRLF code page 932 or LF
UTF-8. Each must migrate with nothing left to review, and under Wine's cmd.exe the
legacy and generated scripts must do what MIGRATION.md says, in all 16 combinations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from sogen.batch.events import ARM, CLP, COMBINATIONS
from sogen.cli.app import app
from sogen.migrate.diff import canonical_text
from sogen.migrate.migrate import _actions, migrate
from sogen.topology.model import Messages
from tests.winecmd import normalise_recorded

# The guide's broadcasts (section 1.4.1); the UTF-8 variations say them in English,
# which any code page reads the same.
JAPANESE = Messages()
ENGLISH = Messages(**{key: f"{key} message" for key in Messages.model_fields})

GUIDE_LABELS = {
    "normal": "NORMAL", "failover": "FAILOVER", "recover": "RECOVER", "other1": "ON_OTHER1",
    "other2": "ON_OTHER2", "disk": "ERROR_DISK", "no_arm": "no_arm", "exit": "EXIT",
    "home_services": "SVC_HOME", "other_services": "SVC_OTHER",
}
OWN_LABELS = {
    "normal": "ev_start", "failover": "EvFailover", "recover": "EV_RECOVER", "other1": "START_ON_STANDBY",
    "other2": "FO_ON_STANDBY", "disk": "DiskNG", "no_arm": "NOARM", "exit": "END",
    "home_services": "services_primary", "other_services": "services_secondary",
}


@dataclass(frozen=True)
class Variation:
    name: str
    instance: int = 1
    workflow: bool = False  # WorkFlow on SQL Server (group 1 only)
    procinfo: bool = False  # server 1's folder holds server 2's PROCINFO patch (multi standby)
    options: str = "/S /M"  # how ARMLOAD's options are written
    quoted_net: bool = True
    wide: bool = False  # indented commands, blanks doubled, IF without blanks around ==
    comment: str = "rem"
    labels: dict | None = None  # GUIDE_LABELS when None
    goto_colon: bool = False  # GOTO :LABEL
    shape: str = "sections"  # sections | goto | fall-through | call
    settle: int | None = 30  # ARMSLEEP after the database stops; None: no ARMSLEEP
    settle_on: tuple = ("home", "other")  # the paths that wait
    broadcast_after: bool = False  # sections and call shapes; a shared section follows its message
    stop_disk_check: bool = True
    utf8_lf: bool = False


# -- the generator ---------------------------------------------------------------------

class Writer:
    """Lines of one legacy script in the variation's spelling."""

    def __init__(self, v: Variation):
        self.v = v
        self.labels = v.labels or GUIDE_LABELS
        self.lines: list[str] = []

    def command(self, text: str) -> None:
        if self.v.wide:  # blanks between arguments, not inside quotes
            text = "    " + "".join(part if part.startswith('"') else part.replace(" ", "  ")
                                    for part in re.split(r'("[^"]*")', text))
        self.lines.append(text)

    def note(self, text: str) -> None:
        self.lines.append(f"{self.v.comment} {text}")

    def label(self, key: str) -> None:
        self.lines.append(f":{self.labels[key]}")

    def goto(self, key: str) -> None:
        self.command(f"GOTO {':' if self.v.goto_colon else ''}{self.labels[key]}")

    def test(self, variable: str, value: str, key: str) -> None:
        blank = "" if self.v.wide else " "
        target = (":" if self.v.goto_colon else "") + self.labels[key]
        self.lines.append(f'IF "%{variable}%"{blank}=={blank}"{value}" GOTO {target}')

    def broadcast(self, message: str) -> None:
        self.command(f'ARMBCAST /MSG "{message}" /A')

    def data(self) -> bytes:
        text = "\n".join(self.lines) + "\n"
        return text.encode("utf-8") if self.v.utf8_lf else text.replace("\n", "\r\n").encode("cp932")


def watched(v: Variation) -> list[tuple[str, str]]:
    """(watch ID, service) of what the group starts, in start order."""
    staroffice = ("StarOffice", "StarOffice Server") if v.instance == 1 else ("StarOffice2", "StarOffice Server2")
    return [staroffice] + ([("WorkFlow", "WWF Server")] if v.workflow else [])


def service_name(v: Variation, name: str) -> str:
    return f'"{name}"' if v.quoted_net else name


def armload(v: Variation, watch_id: str, service: str) -> str:
    options = v.options.replace("/M", f'/M "{service}"').replace("/m", f'/m "{service}"')
    return f"ARMLOAD {watch_id} {options}"


def start_services(v: Variation, path: str) -> list[str]:
    lines = []
    if v.workflow:
        lines.append(f"net start {service_name(v, 'MSSQLServer')}")
        if path == "other":
            lines.append(r"C:\MSSQL\BINN\isql /Usa /P /I C:\MSSQL\ACT.SQL /o C:\MSSQL\ACT.LOG")
    return lines + [armload(v, watch_id, service) for watch_id, service in watched(v)]


def stop_services(v: Variation, path: str) -> list[str]:
    lines = [f"ARMKILL {watch_id}" for watch_id, _ in reversed(watched(v))]
    if v.workflow:
        if path == "other":
            lines.append(r"C:\MSSQL\BINN\isql /Usa /P /I C:\MSSQL\deact.sql /o C:\MSSQL\deact.log")
        lines.append(f"net stop {service_name(v, 'MSSQLServer')}")
        if v.settle is not None and path in v.settle_on:
            lines.append(f"ARMSLEEP {v.settle}")
    return lines


def event_sections(w: Writer, events: list[tuple[str, str, dict]], services, check_disk: bool) -> None:
    """The NORMAL and FAILOVER sections: disk check, priority check, broadcast and services.

    ``events``: (event label, other label, {"home": message, "other": message}). How the
    services are reached is the variation's shape."""
    v = w.v

    def broadcast_around(message: str, lines: list[str]) -> None:
        if not v.broadcast_after:
            w.broadcast(message)
        for line in lines:
            w.command(line)
        if v.broadcast_after:
            w.broadcast(message)

    def inline(path: str) -> None:
        for line in services(v, path):
            w.command(line)

    for number, (event, other, messages) in enumerate(events):
        last = number == len(events) - 1
        w.label(event)
        w.note("disk check")
        if check_disk:
            w.test("ARMS_DISK", "FAILURE", "disk")
        w.test("ARMS_SERVER", "OTHER", other)
        for path in ("home", "other"):
            if path == "other":
                w.label(other)
            shared = f"{path}_services"
            if v.shape == "sections":
                broadcast_around(messages[path], services(v, path))
                w.goto("exit")
            elif v.shape == "call":
                broadcast_around(messages[path], [f"CALL :{w.labels[shared]}"])
                w.goto("exit")
            elif v.shape == "goto" or not last:
                w.broadcast(messages[path])
                w.goto(shared)
            else:  # fall-through: the last event's message-only block runs on into the shared section
                w.broadcast(messages[path])
                w.label(shared)
                inline(path)
                w.goto("exit")
    if v.shape in ("goto", "call"):
        for path in ("home", "other"):
            w.label(f"{path}_services")
            w.note("shared service section")
            inline(path)
            if v.shape == "call":
                w.command("GOTO :EOF")
            else:
                w.goto("exit")


ARMS_EVENTS = {"normal": "START", "failover": "FAILOVER", "recover": "RECOVER"}


def dispatch(w: Writer, events: list[str]) -> None:
    w.note("ARMS_EVENT check")
    for event in events:
        w.test("ARMS_EVENT", ARMS_EVENTS[event], event)
    w.goto("no_arm")


def exceptions(w: Writer, messages: Messages) -> None:
    w.note("exceptions")
    w.label("disk")
    w.broadcast(messages.disk_error)
    w.goto("exit")
    w.label("no_arm")
    w.broadcast(messages.no_arm)
    w.goto("exit")
    w.label("exit")
    w.lines.append("exit")


def start_script(v: Variation, m: Messages) -> bytes:
    w = Writer(v)
    dispatch(w, ["normal", "failover", "recover"])
    w.label("recover")
    w.broadcast(m.start_recover)
    w.goto("exit")
    event_sections(w, [
        ("normal", "other1", {"home": m.start_home, "other": m.start_other}),
        ("failover", "other2", {"home": m.start_home_failover, "other": m.start_other_failover}),
    ], start_services, check_disk=True)
    exceptions(w, m)
    return w.data()


def stop_script(v: Variation, m: Messages) -> bytes:
    w = Writer(v)
    dispatch(w, ["normal", "failover"])
    event_sections(w, [
        ("normal", "other1", {"home": m.stop_home, "other": m.stop_other}),
        ("failover", "other2", {"home": m.stop_home_failover, "other": m.stop_other_failover}),
    ], stop_services, check_disk=v.stop_disk_check)
    exceptions(w, m)
    return w.data()


# Server 2's PROCINFO entries for group 1's WorkFlow (section 3.4.1), as a SE keeps them
# beside server 1's scripts.
PROCINFO_PATCH = (
    "REGEDIT4\r\n\r\n"
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server2\\CurrentVersion\\SRVCNTRL\\PROCINFO[3]]\r\n"
    '"EXECLINE"="E:\\\\SO2\\\\bin\\\\sowfmvm.exe -smvm2"\r\n\r\n'
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server2\\CurrentVersion\\SRVCNTRL\\PROCINFO[4]]\r\n"
    '"EXECLINE"="E:\\\\SO2\\\\bin\\\\wfocom.exe -h sovhost2"\r\n'
).encode("cp932")


def write_folder(v: Variation, folder: Path) -> Path:
    messages = ENGLISH if v.utf8_lf else JAPANESE
    folder.mkdir(parents=True)
    suffix = "2" if v.instance == 2 else ""
    (folder / f"start{suffix}.bat").write_bytes(start_script(v, messages))
    (folder / f"stop{suffix}.bat").write_bytes(stop_script(v, messages))
    if v.procinfo:
        (folder / "procinfo.reg").write_bytes(PROCINFO_PATCH)
    return folder


# -- the corpus ----------------------------------------------------------------------

BASE = Variation("guide-shape")
WORKFLOW = replace(BASE, workflow=True)
CORPUS = [
    BASE,
    replace(BASE, name="options-reordered", options="/M /S"),
    replace(BASE, name="options-lower-case", options="/m /s"),
    replace(WORKFLOW, name="workflow"),
    replace(WORKFLOW, name="workflow-bare-net-options-reordered", quoted_net=False, options="/M /S"),
    replace(WORKFLOW, name="workflow-wide-spacing", wide=True),
    replace(WORKFLOW, name="workflow-colon-comments-own-labels", comment="::", labels=OWN_LABELS, goto_colon=True),
    replace(WORKFLOW, name="workflow-no-armsleep", settle=None),
    replace(WORKFLOW, name="workflow-armsleep-10", settle=10),
    replace(WORKFLOW, name="workflow-armsleep-on-home-only", settle_on=("home",)),
    replace(WORKFLOW, name="workflow-broadcast-after", broadcast_after=True),
    replace(WORKFLOW, name="workflow-stop-without-disk-check", stop_disk_check=False),
    replace(WORKFLOW, name="workflow-shared-by-goto", shape="goto"),
    replace(WORKFLOW, name="workflow-shared-by-fall-through", shape="fall-through"),
    replace(WORKFLOW, name="workflow-fall-through-no-armsleep-own-labels", shape="fall-through", settle=None,
            labels=OWN_LABELS, comment="::"),
    replace(WORKFLOW, name="workflow-call-sub", shape="call"),
    replace(WORKFLOW, name="workflow-call-sub-broadcast-after", shape="call", broadcast_after=True, options="/M /S"),
    replace(WORKFLOW, name="workflow-utf8-lf", utf8_lf=True),
    replace(WORKFLOW, name="workflow-procinfo-multi-standby", procinfo=True),
    replace(BASE, name="server2-alone", instance=2),
    replace(BASE, name="server2-alone-fall-through-lower-options", instance=2, shape="fall-through", options="/m /s"),
    replace(BASE, name="server2-alone-call-utf8-lf", instance=2, shape="call", utf8_lf=True),
    replace(BASE, name="server2-alone-broadcast-after-no-disk-check", instance=2, broadcast_after=True,
            stop_disk_check=False),
    replace(BASE, name="goto-wide-own-labels", shape="goto", wide=True, labels=OWN_LABELS),
    replace(BASE, name="utf8-lf-colon-comments", utf8_lf=True, comment="::"),
]
# Two groups of one multi standby cluster, given together.
PAIRS = [
    (replace(WORKFLOW, name="pair-1", shape="goto", options="/M /S"), replace(BASE, name="pair-2", instance=2, shape="call")),
    (replace(BASE, name="pair-fall-through-1", shape="fall-through", comment="::"),
     replace(BASE, name="pair-sections-2", instance=2, quoted_net=False, wide=True)),
]
CASES = [[v] for v in CORPUS] + [list(pair) for pair in PAIRS]


def case_id(case: list[Variation]) -> str:
    return "+".join(v.name for v in case)


@pytest.fixture(params=CASES, ids=case_id)
def legacy_folders(request, tmp_path) -> list[Path]:
    return [write_folder(v, tmp_path / "legacy" / f"so{v.instance}") for v in request.param]


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("legacy, generated", [
    ('ARMLOAD StarOffice /M "StarOffice Server" /S', 'ARMLOAD StarOffice /S /M "StarOffice Server"'),
    ('ARMLOAD StarOffice  /s  /m "StarOffice Server"', 'ARMLOAD StarOffice /S /M "StarOffice Server"'),
    ("NET start MSSQLServer", 'NET start "MSSQLServer"'),
    ("NET STOP MSSQLServer", 'NET stop "MSSQLServer"'),
    ('ARMBCAST /A /MSG "two words"', 'ARMBCAST /MSG "two words" /A'),
])
def test_commands_compare_by_meaning(legacy, generated):
    assert canonical_text(legacy) == canonical_text(generated)


@pytest.mark.parametrize("legacy, generated", [
    ("ARMLOAD StarOffice /S /M StarOffice Server", 'ARMLOAD StarOffice /S /M "StarOffice Server"'),  # SO301
    ('ARMLOAD StarOffice2 /S /M "StarOffice Server2"', 'ARMLOAD StarOffice /S /M "StarOffice Server"'),
    ('ARMLOAD StarOffice /M "StarOffice Server"', 'ARMLOAD StarOffice /S /M "StarOffice Server"'),
])
def test_commands_that_mean_something_else_differ(legacy, generated):
    assert canonical_text(legacy) != canonical_text(generated)


def test_every_variation_migrates_with_nothing_to_review(legacy_folders, tmp_path):
    result = run("migrate", *legacy_folders, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    assert "**0 differences need review.**" in report and "**needs review**" not in report


def test_migrating_to_clusterpro_x_writes_clp_scripts_and_says_so(tmp_path):
    folder = write_folder(CASES[0][0], tmp_path / "legacy")
    result = run("migrate", folder, "-o", tmp_path / "out", "--dialect", "clusterpro-x")
    assert result.exit_code == 0, result.output
    start = (tmp_path / "out" / "legacy" / "start.bat").read_bytes()
    assert b'"%CLP_EVENT%"' in start and b"ARMS_" not in start
    report = (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    assert "reads CLP_EVENT, CLP_SERVER, CLP_DISK instead of ARMS_EVENT, ARMS_SERVER, ARMS_DISK" in report
    for combination in COMBINATIONS:  # every combination, under both names
        assert f"`ARMS_DISK={combination.disk}` | `CLP_EVENT={combination.event or ''}`" in report
    assert "**0 differences need review.**" in report


def test_scripts_of_clusterpro_x_are_imported_and_migrated_as_such(tmp_path):
    """Legacy scripts that test CLP_* give a topology with settings.dialect clp, so that
    migrate, told nothing, writes CLP_* scripts again: ARMS_* ones would take the no-ARM
    path on every event of a CLUSTERPRO X cluster."""
    folder = write_folder(CASES[0][0], tmp_path / "legacy")
    for script in folder.glob("*.bat"):
        script.write_bytes(script.read_bytes().replace(b"%ARMS_", b"%CLP_"))
    assert run("import", folder, "-o", tmp_path / "imported.yaml").exit_code == 0
    imported = (tmp_path / "imported.yaml").read_text(encoding="utf-8")
    assert "  dialect: clp  # legacy/start.bat tests CLP_EVENT" in imported
    result = run("migrate", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    start = (tmp_path / "out" / "legacy" / "start.bat").read_bytes()
    assert b'"%CLP_EVENT%"' in start and b"ARMS_" not in start
    report = (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    assert "instead of" not in report and "**0 differences need review.**" in report
    assert "`CLP_EVENT` x `CLP_SERVER` x `CLP_DISK` combination" in report and "ARMS_" not in report


def test_import_recovers_the_choices_the_topology_can_express(tmp_path):
    folders = {v.name: write_folder(v, tmp_path / v.name) for v in CORPUS}
    migration = migrate([str(folders["workflow-no-armsleep"])], None)
    topology = YAML(typ="safe").load(migration.files["cluster.yaml"])
    assert topology["settings"]["db_settle_seconds"] == 0
    assert b"ARMSLEEP" not in migration.files["workflow-no-armsleep/stop.bat"]
    assert not any(script.differences for script in migration.diffs)
    migration = migrate([str(folders["workflow-armsleep-10"])], None)
    assert YAML(typ="safe").load(migration.files["cluster.yaml"])["settings"]["db_settle_seconds"] == 10
    assert not any(script.differences for script in migration.diffs)

    # Server 2 alone keeps its watch ID: it is group 2 of a multi standby cluster.
    migration = migrate([str(folders["server2-alone"])], None)
    topology = YAML(typ="safe").load(migration.files["cluster.yaml"])
    assert topology["cluster"]["mode"] == "multi-standby"
    assert [g["name"] for g in topology["groups"]] == ["group1", "server2-alone"]
    assert b'ARMLOAD StarOffice2 /S /M "StarOffice Server2"' in migration.files["server2-alone/start.bat"]
    assert "group1/start.bat" in migration.pending and "group1/start.bat" not in migration.files
    assert not any(script.differences for script in migration.diffs)

    # Server 1 with server 2's PROCINFO patch: multi standby, WorkFlow keeps its indexes.
    migration = migrate([str(folders["workflow-procinfo-multi-standby"])], None)
    topology = YAML(typ="safe").load(migration.files["cluster.yaml"])
    assert topology["cluster"]["mode"] == "multi-standby"
    workflow = next(p for p in topology["groups"][0]["products"] if p["type"] == "workflow")
    assert workflow["procinfo"] == {"mvm": 3, "wfocom": 4}

    # Both groups without server 2's patch: its indexes are left to fill in, the patch waits.
    pair = [write_folder(v, tmp_path / "pair" / f"so{v.instance}") for v in PAIRS[0]]
    migration = migrate([str(f) for f in pair], None)
    topology = YAML(typ="safe").load(migration.files["cluster.yaml"])
    workflow = next(p for p in topology["groups"][0]["products"] if p["type"] == "workflow")
    assert workflow["procinfo"] == {"mvm": "FILL_IN", "wfocom": "FILL_IN"}
    assert "so2/registry/procinfo.reg" in migration.pending


@pytest.mark.parametrize("name, section", [
    ("workflow-broadcast-after", "sections 1.4.1 and 3.2"),
    ("workflow-stop-without-disk-check", "section 1.4.1"),
    ("workflow-armsleep-on-home-only", "the guide's 3.2 sample waits 30 s after the database stops"),
])
def test_deliberate_changes_name_the_guide_section(tmp_path, name, section):
    variation = next(v for v in CORPUS if v.name == name)
    migration = migrate([str(write_folder(variation, tmp_path / name))], None)
    differences = [d for script in migration.diffs for d in script.differences]
    assert differences and all(section in " ".join(e.text for e in d.explanations) for d in differences)
    assert not any(e.code == "SO103" for d in differences for e in d.explanations)


def test_shared_section_by_fall_through_is_not_called_a_defect(tmp_path):
    variation = next(v for v in CORPUS if v.name == "workflow-shared-by-fall-through")
    migration = migrate([str(write_folder(variation, tmp_path / "legacy"))], None)
    assert not any(script.differences for script in migration.diffs)


# -- MIGRATION.md against Wine -----------------------------------------------------

# `sogen migrate --dialect clusterpro-x`: every third case again, its scripts written for
# CLUSTERPRO X (CLP_*), the legacy ones still ARM's.
MIGRATIONS = [("arm", case) for case in CASES] + [("clp", case) for case in CASES[::3]]


def migration_id(dialect: str, case: list[Variation]) -> str:
    return f"{dialect}-{case_id(case)}"


@pytest.fixture(scope="module")
def wine_seen(tmp_path_factory, wine_runner) -> dict[str, tuple]:
    """Every migration, and each legacy and generated script run under Wine for all 16
    combinations, in one Wine batch (scripts with the same bytes run once), with both
    products' variables set, each script reading its own:
    migration id -> (migration, {script path: {combination: canonical actions}})."""
    migrations, scripts = {}, {}
    for dialect, case in MIGRATIONS:
        name = migration_id(dialect, case)
        root = tmp_path_factory.mktemp("case")
        folders = [write_folder(v, root / "legacy" / f"so{v.instance}") for v in case]
        migration = migrate([str(f) for f in folders], None, dialect=dialect)
        migrations[name] = migration
        for script in migration.diffs:
            generated = root / "generated" / script.group / f"{script.kind}.bat"
            generated.parent.mkdir(parents=True, exist_ok=True)
            generated.write_bytes(migration.files[f"{script.group}/{script.kind}.bat"])
            scripts[script.legacy_path] = Path(script.legacy_path)
            scripts[(script.group, script.kind, name)] = generated
    distinct = {path.read_bytes(): path for path in scripts.values()}
    jobs = [
        (path, {**c.environment(ARM), **c.environment(CLP), "ALROOT": wine_runner.alroot})
        for path in distinct.values()
        for c in COMBINATIONS
    ]
    recorded = iter(wine_runner.run_many(jobs))
    by_bytes = {
        data: {c: [canonical_text(normalise_recorded(line)) for line in next(recorded)] for c in COMBINATIONS}
        for data in distinct
    }
    return {name: (migration, {key: by_bytes[path.read_bytes()] for key, path in scripts.items()})
            for name, migration in migrations.items()}


@pytest.mark.wine
@pytest.mark.parametrize("case", [migration_id(dialect, case) for dialect, case in MIGRATIONS])
def test_migration_report_is_what_wine_shows(wine_seen, case):
    migration, seen = wine_seen[case]
    if case.startswith("clp-"):
        assert all(b"%CLP_EVENT%" in data for name, data in migration.files.items() if name.endswith("start.bat"))
        assert all(moved.generated.event == "CLP_EVENT" for moved in migration.converted) and migration.converted
        assert migration.unexplained == 0
    report = migration.files["MIGRATION.md"].decode("utf-8")
    for script in migration.diffs:
        legacy, ours = seen[script.legacy_path], seen[(script.group, script.kind, case)]
        reported = {d.combination: d for d in script.differences}
        for combination in COMBINATIONS:
            if combination not in reported:
                assert legacy[combination] == ours[combination], f"{script.group}/{script.kind}.bat {combination}"
                continue
            difference = reported[combination]
            assert (difference.legacy, difference.generated) == (legacy[combination], ours[combination])
            # The report names an unset event as trace does: (unset)/HOME/SUCCESS.
            shown = "/".join((combination.event or "(unset)", combination.server, combination.disk))
            row = f"| {shown} | {_actions(difference.legacy)} | {_actions(difference.generated)} |"
            assert row in report
