"""`sogen import` and `sogen migrate` on generated output, the guide's samples and bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from sogen.cli.app import app
from sogen.generator.artifacts import generate
from sogen.i18n import set_language
from sogen.migrate.importer import import_folders
from sogen.migrate.migrate import migrate, migration_report
from sogen.topology.load import TopologyError, load_topology, topology_hash
from sogen.topology.model import Topology

ROOT = Path(__file__).resolve().parent.parent
LEGACY = Path(__file__).parent / "legacy"
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def legacy_group(tmp_path: Path, start: bytes, stop: bytes) -> Path:
    """A group folder "grp" with these scripts."""
    legacy = tmp_path / "grp"
    legacy.mkdir()
    (legacy / "start.bat").write_bytes(start)
    (legacy / "stop.bat").write_bytes(stop)
    return legacy


def edited_legacy(tmp_path: Path, source: str, name: str, old: bytes, new: bytes) -> Path:
    """A copy of a legacy folder with one edit of one of its scripts (which must take)."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / source, folder)
    script = folder / name
    data = script.read_bytes()
    script.write_bytes(data.replace(old, new, 1))
    assert script.read_bytes() != data, f"{name} has no {old!r}"
    return folder


def import_group(tmp_path: Path, start: bytes, stop: bytes):
    """`sogen import` of a group folder "grp" with these scripts: (the run, the YAML written)."""
    legacy = legacy_group(tmp_path, start, stop)
    output = tmp_path / "cluster.yaml"
    result = run("import", legacy, "-o", output)
    assert result.exit_code == 0
    return result, output.read_text(encoding="utf-8")


def imported_beside_staroffice(tmp_path: Path, line: bytes, stop: bytes = b"ARMKILL StarOffice\r\n") -> str:
    """The YAML `sogen import` writes for a group whose start script runs ``line`` (line 5)
    after ARMLOAD StarOffice, of which StarOffice alone is a product."""
    _, text = import_group(
        tmp_path,
        b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\n'
        b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n' + line + b"\r\n:EXIT\r\n",
        stop,
    )
    assert [p["type"] for p in YAML(typ="safe").load(text)["groups"][0]["products"]] == ["staroffice-server"]
    return text


def so1_with_lines_before_its_watch(tmp_path: Path, lines: bytes) -> Path:
    """A copy "grp" of the guide's multi standby group so1 (its ARMLOAD StarOffice is on
    line 22 of start.bat), with ``lines`` before the first ARMLOAD StarOffice."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    start = legacy / "start.bat"
    watch = b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n'
    start.write_bytes(start.read_bytes().replace(watch, lines + watch, 1))
    return legacy


def write_generated(t: Topology, folder: Path) -> list[Path]:
    files = generate(t, topology_hash(t.model_dump(mode="json")), "t.yaml")
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return [folder / g.name for g in t.groups]


def comparable(data: dict) -> dict:
    """What the files on a server hold: drop what only the topology knows."""
    data = json.loads(json.dumps(data))
    # The decommission patches name only the nodes of the groups' policies.
    used = {n for g in data["groups"] for n in g["policy"]}
    data["cluster"]["nodes"] = [n for n in data["cluster"]["nodes"] if n["name"] in used]
    data["settings"].pop("language")  # RUNBOOK.md's language: no script holds it
    if not any(p["type"] == "workflow" for g in data["groups"] for p in g["products"]):
        data["settings"].pop("db_settle_seconds")  # no database, no ARMSLEEP to read it from
    for group in data["groups"]:
        # Only the install root's partition shows in the files; the others are CLUSTERPRO's.
        group["partitions"] = [group["alroot"][0]] if group.get("alroot") else group["partitions"]
        for product in group["products"]:
            product.pop("addons", None)  # installed software, not in any script
            product.pop("mta", None)  # somg.ini's MTA settings are the SE's
            product.pop("workdirs", None)
            if product["type"] == "workflow":
                # Compare the values in effect: a default spelt out is the same topology.
                default_dir = "C:\\MSSQL" if product["database"] == "sqlserver" else "C:\\ORANT"
                product["sql_dir"] = product["sql_dir"] or default_dir
                product["isql"] = (product["isql"] or product["sql_dir"] + "\\BINN\\isql").lower()
            if product["type"] == "custom":
                # Scripts hold a custom product's watch ID, service and place in the order (checked by
                # the migrate tests), not the names and sync keys the topology gives it.
                for key in ("name", "title", "registry_sync", "depends_on"):
                    product.pop(key)
    return data


def imported_topology(folders: list[Path], tmp_path: Path, fill: dict) -> Topology:
    result = import_folders([str(f) for f in folders], "cluster.yaml")
    text = result.yaml_text
    for placeholder_line, value in fill.items():
        text = text.replace(placeholder_line, value)
    path = tmp_path / "cluster.yaml"
    path.write_text(text, encoding="utf-8")
    return load_topology(path)


def round_trip(t: Topology, tmp_path: Path) -> Topology:
    folders = write_generated(t, tmp_path / "out")
    mta = next((p.mta for g in t.groups for p in g.products if p.type == "mailgateway-smtp"), "mta")
    return imported_topology(folders, tmp_path, {"mta: FILL_IN": f"mta: {mta}"})


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_import_of_generated_output_gives_the_topology_back(sample, tmp_path):
    original = load_topology(sample)
    recovered = round_trip(original, tmp_path)
    assert comparable(recovered.model_dump(mode="json")) == comparable(original.model_dump(mode="json"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_migrating_generated_scripts_changes_no_behaviour(sample, tmp_path):
    folders = write_generated(load_topology(sample), tmp_path / "out")
    result = migrate([str(f) for f in folders], None)
    assert [d for script in result.diffs for d in script.differences] == []
    assert all(script.identical == 16 for script in result.diffs)
    assert result.unexplained == 0


# -- topologies from hypothesis ------------------------------------------------------

NAMES = st.from_regex(r"[A-Z][A-Za-z0-9]{1,6}", fullmatch=True)


@st.composite
def topologies(draw):
    multi = draw(st.booleans())
    nodes = [{"name": f"SV{i}", "ip": f"10.0.0.{i}"} for i in range(1, draw(st.integers(2, 4)) + 1)]
    groups = []
    for index in range(2 if multi else 1):
        # A multi standby WorkFlow is reached through a server link (3.4.1).
        products = [{"type": "staroffice-server", "addons": ["server-link"] if multi else []}]
        if index == 0 and not multi and draw(st.booleans()):  # MailGateway: single standby only (2.1.1)
            products.append({"type": "mailgateway-smtp", "mta": "mailhub"})
        if index == 0 and draw(st.booleans()):
            database = draw(st.sampled_from(["sqlserver", "oracle"]))
            workflow = {"type": "workflow", "database": database}
            if database == "oracle":
                workflow["oracle_sid"] = draw(st.from_regex(r"[A-Z][A-Z0-9]{0,5}", fullmatch=True))
            groups_sql = draw(st.sampled_from(["C:\\MSSQL", "C:\\ORANT", "D:\\db"]))
            workflow["sql_dir"] = groups_sql
            if multi:
                workflow["procinfo"] = {"mvm": 3, "wfocom": 4}
            products.append(workflow)
        if draw(st.booleans()) and not any(p["type"] == "formserver" for g in groups for p in g["products"]):
            products.append({"type": "formserver", "online_shells": draw(st.lists(NAMES, max_size=2, unique=True))})
        if draw(st.booleans()):
            products.append(
                {"type": "custom", "name": f"extra{index}", "watch_id": f"Extra{index}", "service": f"Extra Service {index}",
                 "depends_on": ["staroffice-server"]}
            )
        drive = "DE"[index]
        addresses = {"virtual_ip": f"10.0.1.{index + 1}"}
        if any(p["type"] == "mailgateway-smtp" for p in products):
            addresses["floating_ip"] = f"10.0.2.{index + 1}"  # somg.ini's SelfIPAddress (2.2.2.3)
        groups.append(
            {
                "name": f"group{index + 1}",
                # Multi standby: group 2 runs on group 1's nodes, the other way round (1.2.2).
                "policy": [n["name"] for n in nodes[:2]][:: -1 if index else 1],
                "virtual_host": f"vhost{index + 1}",
                **addresses,
                "partitions": [drive],
                "alroot": f"{drive}:\\SO{index + 1}",
                "products": products,
            }
        )
    settings = {"messages": {"start_home": draw(st.sampled_from(["起動します", "Starting", "最高プライオリティサーバで起動中です"]))},
                "db_settle_seconds": draw(st.integers(0, 120))}
    return {"cluster": {"name": "h", "mode": "multi-standby" if multi else "single-standby", "nodes": nodes},
            "groups": groups, "settings": settings}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=topologies())
def test_round_trip_of_generated_topologies(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rt")
    source = folder / "t.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    original = load_topology(source)
    recovered = round_trip(original, folder)
    assert comparable(recovered.model_dump(mode="json")) == comparable(original.model_dump(mode="json"))
    result = migrate([str(folder / "out" / g.name) for g in original.groups], None)
    assert result.unexplained == 0 and not any(s.differences for s in result.diffs)


# -- the guide's samples as SEs typed them --------------------------------------------

def test_guide_sample_as_printed_is_recovered_and_every_difference_explained(tmp_path):
    result = import_folders([str(LEGACY / "guide-141-as-printed")], "cluster.yaml")
    data = YAML(typ="safe").load(result.yaml_text)
    group = data["groups"][0]
    assert data["cluster"]["mode"] == "single-standby"
    assert [p["type"] for p in group["products"]] == ["staroffice-server"]
    assert group["virtual_ip"] == "FILL_IN" and group["alroot"] == "FILL_IN"
    assert {f.code for f in result.findings} >= {"SO103", "SO306"}
    migration = migrate([str(LEGACY / "guide-141-as-printed")], None)
    start = next(s for s in migration.diffs if s.kind == "start")
    start_home = next(d for d in start.differences if str(d.combination) == "START/HOME/SUCCESS")
    assert start_home.legacy.count('ARMLOAD StarOffice /S /M "StarOffice Server"') == 4
    assert start_home.generated.count('ARMLOAD StarOffice /S /M "StarOffice Server"') == 1
    assert "SO103" in {e.code for e in start_home.explanations}
    assert migration.unexplained == 0
    assert "decommission" in " ".join(migration.pending) and "RUNBOOK.md" in migration.pending


def test_files_built_from_stand_ins_wait_for_the_placeholders():
    """The guide's sample names no install root: alenv1.bat and backup.bat would set
    ALROOT to a made-up folder (backup.bat then runs al2stop from nowhere, section 1.5),
    so they wait with the runbook; the start and stop scripts, which do not use it, are
    written, and no written file holds a stand-in of either set."""
    migration = migrate([str(LEGACY / "guide-141-as-printed")], None)
    group = "guide-141-as-printed"
    assert {f"{group}/alenv1.bat", f"{group}/backup.bat", "RUNBOOK.md"} <= set(migration.pending)
    assert f"{group}/start.bat" in migration.files and f"{group}/stop.bat" in migration.files
    assert not set(migration.pending) & set(migration.files)
    assert "manifest.json" not in migration.pending
    for name, data in migration.files.items():
        text = data.decode("cp932", errors="replace")
        assert not re.search(r"\b[D-Z]:\\SO\d|192\.0\.2\.", text), name


def test_stand_ins_never_meet_the_real_values_in_any_case(tmp_path):
    """Server 2's real virtual host vhost2 met group 1's stand-in VHOST2: Windows compares
    host names in any case, and so does validate (exit 2, blaming group1)."""
    folder = tmp_path / "so2"
    shutil.copytree(LEGACY / "multi" / "so2", folder)
    patch = folder / "registry.reg"
    patch.write_bytes(patch.read_bytes().decode("utf-16").replace("sovhost2", "vhost2").encode("utf-16"))
    migration = migrate([str(folder)], None)
    assert YAML(typ="safe").load(migration.files["cluster.yaml"])["groups"][1]["virtual_host"] == "vhost2"


def test_nodes_a_sogen_header_names_stand_in_under_those_names(tmp_path):
    """Scripts sogen wrote name the policy in their header (SV1, SV2); without the
    decommission patches the nodes are to fill in, and their stand-ins, named otherwise,
    made validate refuse the policy ("node 'SV1' is not in cluster.nodes")."""
    folder = tmp_path / "sogroup"
    shutil.copytree(ROOT / "tests" / "golden" / "single-standby" / "sogroup", folder)
    shutil.rmtree(folder / "registry")
    migration = migrate([str(folder)], None)
    topology = YAML(typ="safe").load(migration.files["cluster.yaml"])
    assert [n["name"] for n in topology["cluster"]["nodes"]] == ["FILL_IN", "FILL_IN"]
    assert topology["groups"][0]["policy"] == ["SV1", "SV2"]
    assert b"SV1, SV2" in migration.files["sogroup/start.bat"]


def test_a_header_names_a_node_in_another_case_than_its_patch(tmp_path):
    """The header says SV1, SV2; sv1's decommission patch names it in lower case. Windows
    takes sv1 for SV1: node 2 stands in as SV2 (it stood in as SV1 too: "name 'SV1' is
    already used")."""
    folder = tmp_path / "sogroup"
    shutil.copytree(ROOT / "tests" / "golden" / "single-standby" / "sogroup", folder)
    (folder / "registry" / "decommission-SV2.reg").unlink()
    patch = folder / "registry" / "decommission-SV1.reg"
    patch.rename(patch.with_name("decommission-sv1.reg"))
    migration = migrate([str(folder)], None)
    assert "sogroup/start.bat" in migration.files


@pytest.mark.parametrize("drive", ["D", "E", "P"])
def test_stand_ins_never_meet_the_real_values(tmp_path, drive):
    """Server 2's folder alone imports group 1 with its partition to fill in; a stand-in
    drive that is server 2's real one made validate blame "drive P: is already a switched
    partition of group1", a value the user never wrote (exit 2)."""
    folder = tmp_path / "so2"
    shutil.copytree(LEGACY / "multi" / "so2", folder)
    alenv = folder / "alenv2.bat"
    alenv.write_bytes(alenv.read_bytes().replace(b"SET ALROOT=E:\\SO2", f"SET ALROOT={drive}:\\SO2".encode()))
    patch = folder / "registry.reg"  # its ImagePath names the install root too
    patch.write_bytes(patch.read_bytes().decode("utf-16").replace("E:\\\\SO2", f"{drive}:\\\\SO2").encode("utf-16"))
    migration = migrate([str(folder)], None)
    assert f"{drive}:\\SO2".encode() in migration.files["so2/alenv2.bat"]
    assert "group1/alenv1.bat" in migration.pending


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_script_saved_in_another_encoding_is_imported_as_written(tmp_path, encoding):
    """cmd reads a UTF-8 or UTF-16 script's bytes in code page 932 (SO702): its messages
    turn into other characters, a UTF-16 one runs no ARM command at all. The topology
    holds what the SE wrote; MIGRATION.md explains each difference by the encoding."""
    folder = tmp_path / "grp"
    folder.mkdir()
    for name in ("start", "stop"):
        text = (LEGACY / "guide-141-lf-utf8" / f"{name}.bat").read_text(encoding="utf-8")
        text = text.replace("Serverの復旧が終了しました", "サーバの復旧が完了しました")
        (folder / f"{name}.bat").write_bytes(text.replace("\n", "\r\n").encode(encoding))
    result = import_folders([str(folder)], "cluster.yaml")
    data = YAML(typ="safe").load(result.yaml_text)
    assert data["settings"]["messages"] == {"start_recover": "サーバの復旧が完了しました"}
    assert [p["type"] for p in data["groups"][0]["products"]] == ["staroffice-server"]
    migration = migrate([str(folder)], None)
    assert "サーバの復旧が完了しました".encode("cp932") in migration.files["grp/start.bat"]
    assert migration.unexplained == 0
    # cmd reads no command of a UTF-16 file: the report says so, not the bytes 16 times over.
    report = migration.files["MIGRATION.md"].decode("utf-8")
    assert not re.search("[\x00-\x08\x0b-\x1f]", report)
    if encoding == "utf-16":
        assert "cmd.exe runs none of it (UTF-16)" in report and "| (nothing) |" in report


def test_a_message_both_scripts_broadcast_comes_from_the_stop_script_when_start_has_none(tmp_path):
    """disk_error and no_arm are one text for both scripts: the start script's, and the
    stop script's own spelling where the start script keeps the guide's (it was replaced
    by the guide's text, MIGRATION.md saying it came from the legacy path)."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-lf-utf8", folder)
    stop = folder / "stop.bat"
    stop.write_text(stop.read_text(encoding="utf-8").replace("ActiveRecoveryManagerが動作状態に", "ARM が動作状態に"), encoding="utf-8")
    data = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)
    assert data["settings"]["messages"] == {"no_arm": "ARM が動作状態にありません"}


def test_a_message_written_without_quotes_is_imported(tmp_path):
    """The guide's section 3.2 writes ARMBCAST /MSG without quotes: such a text was lost,
    the generated script broadcasting the guide's default instead."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-lf-utf8", folder)
    start = folder / "start.bat"
    start.write_text(
        start.read_text(encoding="utf-8").replace('/MSG "Serverの復旧が終了しました"', "/MSG サーバ復旧完了"), encoding="utf-8"
    )
    data = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)
    assert data["settings"]["messages"] == {"start_recover": "サーバ復旧完了"}
    assert "サーバ復旧完了".encode("cp932") in migrate([str(folder)], None).files["grp/start.bat"]


@pytest.mark.parametrize("kind", ["start", "stop"])
def test_a_script_that_never_tests_the_disk_gives_no_disk_error_text(tmp_path, kind):
    """Without IF "%ARMS_DISK%" == "FAILURE" a script runs its normal path with a failed
    disk: its first broadcast there (the stop message) is no disk error, and taking it
    made the generated scripts announce "stopping" when the partition fails."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-lf-utf8", folder)
    script = folder / f"{kind}.bat"
    lines = script.read_text(encoding="utf-8").splitlines(True)
    script.write_text("".join(line for line in lines if "ARMS_DISK" not in line), encoding="utf-8")
    data = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)
    assert "disk_error" not in data.get("settings", {}).get("messages", {})


@pytest.mark.parametrize("prefix", [b"", b"@", b"@ ", b'IF NOT "%ARMS_DISK%" == "FAILURE" '])
def test_a_watch_the_stop_script_never_stops_is_explained_by_the_start_scripts_finding(tmp_path, prefix):
    """The stop script forgets ARMKILL WorkFlow: lint reports it on the start script's
    ARMLOAD (SO305), and that finding explains the ARMKILL only the generated stop runs,
    whatever stands before the ARMLOAD on its line."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-32-sqlserver", folder)
    start = folder / "start.bat"
    start.write_bytes(start.read_bytes().replace(b"\nARMLOAD WorkFlow", b"\n" + prefix + b"ARMLOAD WorkFlow"))
    stop = folder / "stop.bat"
    stop.write_bytes(b"".join(line for line in stop.read_bytes().splitlines(True) if b"ARMKILL WorkFlow" not in line))
    migration = migrate([str(folder)], None)
    stop_diff = next(s for s in migration.diffs if s.kind == "stop")
    assert stop_diff.differences and all(d.explained for d in stop_diff.differences)
    reasons = {e.text for d in stop_diff.differences for e in d.explanations if e.code == "SO305"}
    assert reasons == {
        "legacy's start script starts the watch WorkFlow and its stop script never stops it; generated stops "
        f"every watch it starts (SO305 at start.bat line {_line_of(folder / 'start.bat', b'ARMLOAD WorkFlow')})"
    }


def test_a_watch_the_start_script_never_starts_is_explained_by_the_stop_scripts_finding(tmp_path):
    """The stop script also stops a watch nothing starts (SO304 on its ARMKILL): the
    topology has no product for it, and the finding explains the ARMKILL only legacy runs."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-32-sqlserver", folder)
    stop = folder / "stop.bat"
    stop.write_bytes(stop.read_bytes().replace(b"ARMKILL WorkFlow", b"ARMKILL WorkFlow\r\nARMKILL OldGateway"))
    migration = migrate([str(folder)], None)
    stop_diff = next(s for s in migration.diffs if s.kind == "stop")
    assert stop_diff.differences and all(d.explained for d in stop_diff.differences)
    killing = [d for d in stop_diff.differences if "ARMKILL OldGateway" in d.legacy]
    assert len(killing) == 4 and all(any(e.code == "SO304" for e in d.explanations) for d in killing)


def _line_of(path: Path, text: bytes) -> int:
    return next(number for number, line in enumerate(path.read_bytes().splitlines(), 1) if text in line)


def test_section_32_sample_recovers_workflow_on_sql_server():
    result = import_folders([str(LEGACY / "guide-32-sqlserver")], "cluster.yaml")
    data = YAML(typ="safe").load(result.yaml_text)
    group = data["groups"][0]
    workflow = next(p for p in group["products"] if p["type"] == "workflow")
    assert workflow["database"] == "sqlserver"
    assert workflow["sql_dir"].lower() == "c:\\mssql" and workflow["isql"].lower() == "c:\\mssql\\binn\\isql"
    assert group["floating_ip"] == "192.168.1.50"  # somg.ini's SelfIPAddress (guide 2.2.2.3)
    assert "# from guide-32-sqlserver/somg.ini:2" in result.yaml_text
    assert {"SO201", "SO301", "SO401"} <= {f.code for f in result.findings}


def test_section_32_sample_differences_are_explained_by_its_mistakes():
    migration = migrate([str(LEGACY / "guide-32-sqlserver")], None)
    by_kind = {s.kind: s for s in migration.diffs}
    unset = next(d for d in by_kind["start"].differences if d.combination.event is None)
    assert unset.legacy == [] and "SO201" in {e.code for e in unset.explanations}
    stop_home = next(d for d in by_kind["stop"].differences if str(d.combination) == "START/HOME/SUCCESS")
    assert stop_home.legacy.index("ARMKILL StarOffice") < stop_home.legacy.index("ARMKILL WorkFlow")
    assert stop_home.generated.index("ARMKILL WorkFlow") < stop_home.generated.index("ARMKILL StarOffice")
    assert "SO401" in {e.code for e in stop_home.explanations}
    assert migration.unexplained == 0
    report = migration.files["MIGRATION.md"].decode("utf-8")
    assert "legacy runs the same actions in another order (SO401" in report


def test_a_new_order_is_explained_also_where_actions_differ_too(tmp_path):
    """Without the ARMSLEEP of its normal stop path, the stop script's row had only the
    missing wait explained: the kills in the other order (SO401) went unsaid, 0 to review."""
    folder = edited_legacy(
        tmp_path, "guide-32-sqlserver", "stop.bat",
        b"MSSQLServer\r\nARMSLEEP 30\r\nGOTO EXIT\r\n:ON_OTHER1", b"MSSQLServer\r\nGOTO EXIT\r\n:ON_OTHER1",
    )  # fmt: skip
    migration = migrate([str(folder)], None)
    stops = next(s for s in migration.diffs if s.kind == "stop")
    row = next(d for d in stops.differences if str(d.combination) == "START/HOME/SUCCESS")
    assert "ARMSLEEP 30" in row.generated and "ARMSLEEP 30" not in row.legacy and row.reordered
    assert [e.code for e in row.explanations if e.order] == ["SO401"] and row.explained
    # Without the finding that explains it, the new order is to review, whatever else is explained.
    row.explanations = [e for e in row.explanations if not e.order]
    assert not row.unexplained and not row.explained and row.order_unexplained


def test_the_settle_time_is_the_wait_after_the_database_stops(tmp_path):
    """An ARMSLEEP 10 before the kills became db_settle_seconds: the 30 s wait after
    NET STOP MSSQLServer shrank to 10 s in the generated scripts."""
    folder = edited_legacy(
        tmp_path, "guide-32-sqlserver", "stop.bat", b"/A\r\nARMKILL StarOffice", b"/A\r\nARMSLEEP 10\r\nARMKILL StarOffice"
    )
    data = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)
    assert data["settings"]["db_settle_seconds"] == 30


def test_a_product_watched_under_the_sites_own_id_is_still_that_product(tmp_path):
    """ARMLOAD SOSV /S /M "StarOffice Server" became a custom product: alroot, alenv1.bat,
    backup.bat, opcntrl.reg and the registry sync went, and nothing was to review."""
    folder = tmp_path / "so1"
    shutil.copytree(LEGACY / "multi" / "so1", folder)
    for name in ("start.bat", "stop.bat"):
        script = folder / name
        script.write_bytes(script.read_bytes().replace(b"ARMLOAD StarOffice ", b"ARMLOAD SOSV ").replace(b"ARMKILL StarOffice", b"ARMKILL SOSV"))
    data = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)
    assert [p["type"] for p in data["groups"][0]["products"]] == ["staroffice-server"]
    assert data["groups"][0]["alroot"] == "D:\\SO1"
    # The topology has no watch ID of its own for StarOffice: the new ID is a change to review.
    assert migrate([str(folder)], None).unexplained > 0
    start = folder / "start.bat"
    start.write_bytes(
        start.read_bytes().replace(
            b'ARMLOAD SOSV /S /M "StarOffice Server"',
            b'ARMLOAD SOSV /S /M "StarOffice Server"\r\nARMLOAD SOFORM /S /M "StarOffice FormServer"',
        )
    )
    data = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)
    formserver = data["groups"][0]["products"][1]
    assert formserver == {"type": "formserver", "watch_id": "SOFORM"}  # FormServer's ID is the topology's to set


def test_server_manager_run_by_its_path_keeps_the_path(tmp_path):
    """D:\\orant\\bin\\svrmgr30 became svrmgr30, run from the PATH of ARM's account, and
    MIGRATION.md said the scripts do the same."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-32-sqlserver", folder)
    for name, verb in (("start.bat", "startup"), ("stop.bat", "shutdown")):
        script = folder / name
        text = script.read_bytes().replace(b"net start MSSQLServer", b"net start OracleServiceORCL").replace(
            b"net stop MSSQLServer", b"net stop OracleServiceORCL"
        )
        text = re.sub(rb"(?im)^.*isql.*$", rb"D:\\orant\\bin\\svrmgr30 command=@D:\\orant\\wf\\" + verb.encode() + rb".sql\r", text)
        script.write_bytes(text)
    data = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)
    workflow = next(p for p in data["groups"][0]["products"] if p["type"] == "workflow")
    assert workflow["svrmgr"] == "D:\\orant\\bin\\svrmgr30"


def test_utf8_legacy_script_differences_are_explained_by_its_encoding():
    migration = migrate([str(LEGACY / "guide-141-lf-utf8")], None)
    differences = [d for s in migration.diffs for d in s.differences]
    assert differences and all("SO702" in {e.code for e in d.explanations} for d in differences)
    assert migration.unexplained == 0


def test_multi_standby_folders_with_variations_and_the_guides_mistakes():
    result = import_folders([f"g2={LEGACY / 'multi' / 'so2'}", f"g1={LEGACY / 'multi' / 'so1'}"], "cluster.yaml")
    data = YAML(typ="safe").load(result.yaml_text)
    assert data["cluster"]["mode"] == "multi-standby"
    assert [g["name"] for g in data["groups"]] == ["g1", "g2"]  # instance 1 first, whatever the order given
    assert data["groups"][0]["alroot"] == "D:\\SO1" and data["groups"][1]["alroot"] == "E:\\SO2"
    assert data["groups"][1]["virtual_host"] == "sovhost2"
    assert {"SO502", "SO603", "SO605"} <= {f.code for f in result.findings}
    migration = migrate([str(LEGACY / "multi" / "so1"), str(LEGACY / "multi" / "so2")], None)
    assert migration.unexplained == 0


def golden_group_in_subfolders(tmp_path: Path) -> Path:
    """The single standby golden group, its alenv file in env/ and its patches in registry/."""
    folder = tmp_path / "sogroup"
    shutil.copytree(ROOT / "tests" / "golden" / "single-standby" / "sogroup", folder)
    (folder / "env").mkdir()
    (folder / "alenv1.bat").rename(folder / "env" / "alenv1.bat")
    return folder


def test_files_in_subfolders_are_read_as_the_group_folders_own(tmp_path):
    """alenv1.bat in env/ was linted and named, and its ALROOT asked for as FILL_IN."""
    folder = golden_group_in_subfolders(tmp_path)
    group = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)["groups"][0]
    sample = YAML(typ="safe").load((ROOT / "samples" / "single-standby.yaml").read_text(encoding="utf-8"))["groups"][0]
    assert (group["alroot"], group["partitions"], group["virtual_host"]) == (
        sample["alroot"], sample["partitions"][:1], sample["virtual_host"],
    )  # fmt: skip


def test_an_old_copy_of_a_patch_that_disagrees_is_refused_naming_both(tmp_path):
    """registry/old-2003/opcntrl.reg sorted first and its old virtual host was taken silently."""
    folder = golden_group_in_subfolders(tmp_path)
    patch = folder / "registry" / "opcntrl.reg"
    (folder / "registry" / "old-2003").mkdir()
    old = patch.read_bytes().replace(b'"SELFHOST"="sovhost"', b'"SELFHOST"="oldvhost"')
    assert old != patch.read_bytes()
    (folder / "registry" / "old-2003" / "opcntrl.reg").write_bytes(old)
    result = run("import", folder, "-o", tmp_path / "c.yaml")
    assert result.exit_code == 2
    line = _line_of(patch, b'"SELFHOST"')
    assert (
        f"sogroup/registry/opcntrl.reg:{line} gives the virtual host name (OPCNTRL SELFHOST) sovhost, "
        f"sogroup/registry/old-2003/opcntrl.reg:{line} gives oldvhost: move the copy that is out of date out of "
        "the group folder"
    ) in result.stderr
    assert not (tmp_path / "c.yaml").exists()
    (folder / "registry" / "old-2003" / "opcntrl.reg").write_bytes(patch.read_bytes())  # the same values: no conflict
    assert run("import", folder, "-o", tmp_path / "c.yaml").exit_code == 0


def test_install_roots_that_disagree_are_refused_wherever_they_come_from(tmp_path):
    """The ImagePath's /R was taken only while no install root was known: an old patch
    (aaa-old.reg) won by its name, and an alenv file that disagreed won without a word."""
    folder = tmp_path / "so2"
    shutil.copytree(LEGACY / "multi" / "so2", folder)
    patch = folder / "registry.reg"
    old = patch.read_bytes().decode("utf-16").replace("E:\\\\SO2", "F:\\\\OLD")
    (folder / "aaa-old.reg").write_bytes(old.encode("utf-16"))
    result = run("import", folder, "-o", tmp_path / "c.yaml")
    assert result.exit_code == 2
    assert "so2/alenv2.bat:1 gives the install root (ALROOT) E:\\SO2, so2/aaa-old.reg:4 gives F:\\OLD" in result.stderr
    (folder / "aaa-old.reg").unlink()
    alenv = folder / "alenv2.bat"
    original = alenv.read_bytes()
    alenv.write_bytes(original.replace(b"E:\\SO2", b"e:\\so2\\"))  # the same folder: no refusal
    assert run("import", folder, "-o", tmp_path / "same.yaml").exit_code == 0
    alenv.write_bytes(original)
    alenv.write_bytes(alenv.read_bytes().replace(b"E:\\SO2", b"F:\\OLD"))
    result = run("import", folder, "-o", tmp_path / "c.yaml")
    assert result.exit_code == 2
    assert "so2/alenv2.bat:1 gives the install root (ALROOT) F:\\OLD, so2/registry.reg:4 gives E:\\SO2" in result.stderr


def test_an_image_path_exported_as_hex_gives_the_install_root(tmp_path):
    """regedit exports a service's ImagePath as hex(2): its /R was looked for in the bytes' repr."""
    folder = tmp_path / "so2"
    shutil.copytree(LEGACY / "multi" / "so2", folder)
    (folder / "alenv2.bat").unlink()  # the patch is then the only place of the install root
    patch = folder / "registry.reg"
    text = patch.read_bytes().decode("utf-16")
    written = re.search(r'"ImagePath"=(".*")', text).group(1)
    command_line = written[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    data = ",".join(f"{byte:02x}" for byte in (command_line + "\0").encode("utf-16-le"))
    patch.write_bytes(text.replace(f'"ImagePath"={written}', f'"ImagePath"=hex(2):{data}').encode("utf-16"))
    groups = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)["groups"]
    assert next(g for g in groups if g["name"] == "so2")["alroot"] == "E:\\SO2"


def test_legacy_text_in_migration_md_is_shown_as_written_not_read_as_markdown(tmp_path):
    """A broadcast text with backticks ended its code span, and the rest became Markdown."""
    message = 'ARMBCAST /MSG "Serverの`復旧` *完了* 確認" /A'
    folder = edited_legacy(
        tmp_path, "guide-141-as-printed", "start.bat",
        'ARMBCAST /MSG "Serverの復旧が終了しました" /A'.encode("cp932"), message.encode("cp932"),
    )  # fmt: skip
    assert run("migrate", folder, "-o", tmp_path / "out").exit_code in (0, 1)
    report = (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    rows = [line for line in report.splitlines() if line.startswith("| ") and "確認" in line]
    assert rows and all(f"``{message}``" in row for row in rows), rows


def test_a_group_takes_its_own_instances_alenv_file(tmp_path):
    """The guide keeps alenv1.bat and alenv2.bat together (1.2.2): beside group 1's scripts
    alenv2.bat was refused as 'out of date' (before, its ALROOT was taken for group 1)."""
    folder = tmp_path / "so1"
    shutil.copytree(LEGACY / "multi" / "so1", folder)
    shutil.copy(LEGACY / "multi" / "so2" / "alenv2.bat", folder)
    group = YAML(typ="safe").load(import_folders([str(folder)], "cluster.yaml").yaml_text)["groups"][0]
    assert group["alroot"] == "D:\\SO1"


def test_a_group_folder_inside_another_is_not_read_as_its_files(tmp_path):
    """A script tree copied whole: group 2's folder inside group 1's gave group 1 its address."""
    golden = ROOT / "tests" / "golden" / "multi-standby"
    outer = tmp_path / "group1"
    shutil.copytree(golden / "group1", outer)
    shutil.copytree(golden / "group2", outer / "group2")
    shutil.rmtree(outer / "registry")
    group = YAML(typ="safe").load(import_folders([str(outer)], "cluster.yaml").yaml_text)["groups"][0]
    assert (group["virtual_host"], group["alroot"]) == ("FILL_IN", "D:\\SO1")  # its own, not group 2's


def test_a_stop_script_still_reading_arms_beside_a_clp_start_script_runs_as_the_cluster_runs_it(tmp_path):
    """A half-ported group: MIGRATION.md said the ARMS_* stop.bat acts like the new CLP_* one
    ("same actions in all 16"), comparing it under ARM; CLUSTERPRO X sets CLP_* only, and
    there it takes the no-ARM path and never stops StarOffice."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-as-printed", legacy)
    start = legacy / "start.bat"
    start.write_bytes(start.read_bytes().replace(b"ARMS_", b"CLP_"))
    migration = migrate([str(legacy)], None)
    assert [(m.path, m.reads.name, m.cluster.name) for m in migration.mixed] == [(str(legacy / "stop.bat"), "arm", "clp")]
    stop = next(d for d in migration.diffs if d.kind == "stop")
    kills = {str(d.combination) for d in stop.differences if "ARMKILL StarOffice" in d.unexplained}
    assert {"START/HOME/SUCCESS", "FAILOVER/OTHER/SUCCESS"} <= kills
    report = migration_report(migration, [str(legacy)])
    assert f"## `{legacy / 'stop.bat'}` reads ARMS_EVENT, ARMS_SERVER, ARMS_DISK, its start script CLP_EVENT" in report


@pytest.mark.parametrize("prefix", ["CLP", "ARMS"])
def test_an_exit_code_is_behaviour_for_clusterpro_x(tmp_path, prefix):
    """NEC's CLUSTERPRO X templates end a failure with `exit 1`, which X takes for a failed
    activation; the generated scripts end 0, and MIGRATION.md said nothing of it. What runs
    only when a program fails (IF ERRORLEVEL 1 ... clplogcmd) was on no path and not listed."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-as-printed", legacy)
    for name in ("start.bat", "stop.bat"):
        script = legacy / name
        text = script.read_bytes().replace(b"ARMS_", prefix.encode() + b"_")
        text = text.replace(b"GOTO ERROR_DISK", b"EXIT /B 1")
        if name == "start.bat":
            watch = b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n'
            assert watch in text
            text = text.replace(
                watch, watch + b'IF ERRORLEVEL 1 clplogcmd -m "failed" -l ERR\r\nIF ERRORLEVEL 1 CALL C:\\tools\\notify.bat\r\n'
                b"ARMSLEEP 1 || CALL C:\\tools\\alert.bat\r\n", 1
            )
        script.write_bytes(text)
    migration = migrate([str(legacy)], None)
    exits = {
        (diff.kind, str(d.combination)) for diff in migration.diffs for d in diff.differences if "(exit code 1)" in d.unexplained
    }
    if prefix == "CLP":
        # The guide's start script checks the disk on RECOVER too, its stop script does not.
        events = {"start": ("START", "FAILOVER", "RECOVER"), "stop": ("START", "FAILOVER")}
        assert exits == {(k, f"{e}/{s}/FAILURE") for k in events for e in events[k] for s in ("HOME", "OTHER")}
    else:  # ARM's scripts: the exit code is not compared
        assert exits == set()
    line = _line_of(legacy / "start.bat", b"IF ERRORLEVEL 1 clplogcmd")
    assert f"grp/start.bat:{line}: IF ERRORLEVEL 1 clplogcmd -m \"failed\" -l ERR" in migration.not_carried
    assert f"grp/start.bat:{line + 1}: IF ERRORLEVEL 1 CALL C:\\tools\\notify.bat" in migration.not_carried
    # on a line a path runs, after || (the program is taken to succeed): matched where it stands
    assert f"grp/start.bat:{line + 2}: ARMSLEEP 1 || CALL C:\\tools\\alert.bat" in migration.not_carried


def test_a_second_groups_own_broadcast_texts_are_listed_not_dropped_unseen(tmp_path):
    """settings.messages is one set for the cluster: group 2's own texts gave way to group 1's
    with no word in cluster.yaml, and at its failover the operators read group 1's."""
    so2 = tmp_path / "so2"
    shutil.copytree(LEGACY / "multi" / "so2", so2)
    start = so2 / "start.bat"
    home = "最高プライオリティサーバで起動中です".encode("cp932")
    start.write_bytes(start.read_bytes().replace(b'"' + home + b'"', b'"SO2 ' + home + b'"', 1))
    # Group 1 broadcasts the guide's text, which import records as no text of its own: the
    # topology keeps group 2's, and group 1's is the one not kept.
    expected = "so1 (the guide's text, or no broadcast there): start_home: 最高プライオリティサーバで起動中です"
    result = import_folders([str(LEGACY / "multi" / "so1"), str(so2)], "cluster.yaml")
    assert f"#   {expected}\n" in result.yaml_text
    assert YAML(typ="safe").load(result.yaml_text)["settings"]["messages"]["start_home"] == "SO2 最高プライオリティサーバで起動中です"
    migration = migrate([str(LEGACY / "multi" / "so1"), str(so2)], None)
    assert migration.texts_not_kept == [expected]
    assert f"- `{expected}`" in migration_report(migration, [])

    so1 = tmp_path / "so1"  # both with texts of their own: group 1's is kept, group 2's listed
    shutil.copytree(LEGACY / "multi" / "so1", so1)
    (so1 / "start.bat").write_bytes((so1 / "start.bat").read_bytes().replace(b'"' + home + b'"', b'"SO1 ' + home + b'"', 1))
    line = _line_of(start, b'"SO2 ')
    result = import_folders([str(so1), str(so2)], "cluster.yaml")
    assert f"#   so2/start.bat:{line}: start_home: SO2 最高プライオリティサーバで起動中です\n" in result.yaml_text


def test_a_start_script_that_tests_no_event_leaves_the_dialect_to_the_stop_script(tmp_path):
    """NEC's UM8700 start.bat tests no event: the ARM default taken from it made migrate run
    a CLP_* stop script as ARM's, on the no-ARM path everywhere, and say the start script
    read ARMS_*."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-as-printed", legacy)
    (legacy / "start.bat").write_bytes(b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\nexit\r\n')
    stop = legacy / "stop.bat"
    stop.write_bytes(stop.read_bytes().replace(b"ARMS_", b"CLP_"))
    text = import_folders([str(legacy)], "cluster.yaml").yaml_text
    assert "  dialect: clp  # grp/stop.bat tests CLP_EVENT" in text
    migration = migrate([str(legacy)], None)
    assert migration.mixed == []
    stop_rows = next(d for d in migration.diffs if d.kind == "stop").differences
    assert not any("ARMKILL StarOffice" in d.unexplained for d in stop_rows)


def test_so206_explains_the_disk_only_where_the_other_disk_variable_is_tested(tmp_path):
    """A CLP_EVENT script that tests no disk but reads ARMS_SERVER was said to test the other
    product's disk variable (SO206 at the ARMS_SERVER line), and lost the SO204 reason."""
    legacy = tmp_path / "grp"
    legacy.mkdir()
    for kind in ("start", "stop"):
        text = (LEGACY / "guide-141-as-printed" / f"{kind}.bat").read_bytes().replace(b"ARMS_EVENT", b"CLP_EVENT")
        lines = [line for line in text.split(b"\r\n") if b"ARMS_DISK" not in line]
        (legacy / f"{kind}.bat").write_bytes(b"\r\n".join(lines))
    migration = migrate([str(legacy)], None)
    start = next(d for d in migration.diffs if d.kind == "start")
    row = next(d for d in start.differences if str(d.combination) == "START/HOME/FAILURE")
    assert "SO204" in [e.code for e in row.explanations] and "SO206" not in [e.code for e in row.explanations]
    assert not any("other cluster product's variables" in e.text for e in row.explanations)


def test_a_start_script_with_clusterpro_x_commands_makes_the_group_x(tmp_path):
    """A start script that tests no event but logs with clplogcmd runs on CLUSTERPRO X,
    whatever its stop script still reads: the group was imported as ARM's, and its new
    scripts tested ARMS_EVENT, which X leaves unset."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-as-printed", legacy)
    (legacy / "start.bat").write_bytes(
        b'clplogcmd -m "starting" -l INFO\r\nARMLOAD StarOffice /S /M "StarOffice Server"\r\nexit\r\n'
    )
    text = import_folders([str(legacy)], "cluster.yaml").yaml_text
    assert "  dialect: clp  # grp/start.bat uses clplogcmd (CLUSTERPRO X)" in text


def test_decommission_patches_of_four_nodes_leave_the_two_of_the_policy_to_fill_in(tmp_path):
    """A group runs on two nodes only (guide 1.1.1); a policy of all four passed import and
    failed validate after the SE had filled in what import asked for."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-as-printed", legacy)
    patch = ROOT / "tests" / "golden" / "four-node" / "so-main" / "registry" / "decommission-SV3.reg"
    for node in ("SV1", "SV2", "SV3", "SV4"):
        (legacy / f"decommission-{node}.reg").write_bytes(patch.read_bytes())
    text = import_folders([str(legacy)], "cluster.yaml").yaml_text
    assert "policy: [FILL_IN, FILL_IN]  # two of SV1, SV2, SV3, SV4, the active node first" in text


@pytest.mark.parametrize("order", ["own first", "other first"])
def test_one_patch_with_both_instances_keys_gives_each_group_its_own(tmp_path, order):
    """Sites import one opcntrl.reg and imagepath.reg on both nodes; group 2 took group 1's
    virtual host, IP and install root, the first key in the file."""
    golden = ROOT / "tests" / "golden" / "multi-standby"
    folders = [tmp_path / name for name in ("group1", "group2")]
    for folder in folders:
        shutil.copytree(golden / folder.name, folder)
    for name in ("opcntrl.reg", "imagepath.reg"):
        own = [(golden / folder.name / "registry" / name).read_bytes() for folder in folders]
        for index, folder in enumerate(folders):
            first, second = (own[index], own[1 - index]) if order == "own first" else (own[1 - index], own[index])
            keys = second.split(b"\r\n", 1)[1]  # without its REGEDIT4 line
            (folder / "registry" / name).write_bytes(first + b"\r\n" + keys)
    data = YAML(typ="safe").load(import_folders([str(f) for f in folders], "cluster.yaml").yaml_text)
    sample = YAML(typ="safe").load((ROOT / "samples" / "multi-standby.yaml").read_text(encoding="utf-8"))
    for got, expected in zip(data["groups"], sample["groups"]):
        assert (got["virtual_host"], got["virtual_ip"], got["alroot"]) == (
            expected["virtual_host"], expected["virtual_ip"], expected["alroot"],
        )  # fmt: skip


# -- the command line and bad input -----------------------------------------------------

def test_import_command_writes_a_commented_topology(tmp_path):
    output = tmp_path / "cluster.yaml"
    result = run("import", LEGACY / "guide-32-sqlserver", "-o", output)
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "FILL_IN  # FILL_IN: the virtual host name" in text.replace("FILL_IN # FILL_IN", "FILL_IN  # FILL_IN")
    assert "Lint findings of the legacy files" in result.stderr
    assert "To fill in before generating" in result.stderr
    assert run("import", LEGACY / "guide-32-sqlserver", "-o", output).exit_code == 2  # no overwrite without --force


def test_a_programs_own_options_leave_it_a_program(tmp_path):
    """A review's case: the program's arguments after /W (cmd.exe /S /C, robocopy /S) once
    chose ARMLOAD's service form, and import wrote a custom product whose service was
    "Administrator cmd.exe D:\\job\\prep.bat"."""
    text = imported_beside_staroffice(tmp_path, b'armload BKUP /U Administrator /W cmd.exe /S /C "D:\\job\\prep.bat"')
    assert '#   grp/start.bat:5: armload BKUP /U Administrator /W cmd.exe /S /C "D:\\job\\prep.bat"' in text


def test_programs_are_listed_not_taken_for_services_nor_dropped(tmp_path):
    """ARMLOAD's application form (/U user /W program), as NEC's EXPRESSCLUSTER templates
    use it, runs a program: importing it as a custom product with service REPNORMAL made
    migrate write ARMLOAD REPNORMAL /S /M "REPNORMAL" on every path. The program lines,
    on whatever path, are listed in the header for the SE; the services are products."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    start = legacy / "start.bat"
    start.write_bytes(start.read_bytes().replace(
        b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n',
        b'armload REPNORMAL /U Administrator /W powershell.exe .\\normal.ps1\r\n'
        b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n', 1))
    output = tmp_path / "cluster.yaml"
    assert run("import", legacy, "-o", output).exit_code == 0
    text = output.read_text(encoding="utf-8")
    assert "# Not imported: these lines run programs or scripts" in text
    line = next(n for n, t in enumerate(start.read_bytes().split(b"\r\n"), 1) if t.startswith(b"armload REPNORMAL"))
    assert f"#   grp/start.bat:{line}: armload REPNORMAL /U Administrator /W powershell.exe .\\normal.ps1" in text
    products = YAML(typ="safe").load(text)["groups"][0]["products"]
    assert [p["type"] for p in products] == ["staroffice-server"]
    # Other programs and scripts no product stands for are listed the same way, as written.
    start.write_bytes(start.read_bytes().replace(b"armload REPNORMAL", b"call setenv.bat\r\nsqlcmd -i act.sql\r\narmload REPNORMAL", 1))
    assert run("import", legacy, "-o", output, "--force").exit_code == 0
    text = output.read_text(encoding="utf-8")
    assert f"#   grp/start.bat:{line}: call setenv.bat\n#   grp/start.bat:{line + 1}: sqlcmd -i act.sql\n" in text


def test_migrate_command_exit_code_and_report(tmp_path):
    out = tmp_path / "out"
    result = run("migrate", LEGACY / "guide-32-sqlserver", "-o", out)
    assert result.exit_code == 0, result.output
    assert (out / "MIGRATION.md").is_file() and (out / "cluster.yaml").is_file()
    assert (out / "guide-32-sqlserver" / "start.bat").is_file()
    assert not (out / "RUNBOOK.md").exists()
    assert "need review" in result.stderr


def test_unexplained_difference_fails_the_migration(tmp_path):
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    # A hand edit no rule knows about: an extra command on the START/HOME path.
    start = legacy / "start.bat"
    text = start.read_bytes().replace(b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n',
                                      b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\nnotify-admin.exe started\r\n', 1)
    start.write_bytes(text)
    result = run("migrate", legacy, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "1 need review" in result.stderr
    assert "**needs review**" in (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")


def test_a_reason_for_one_action_does_not_explain_another(tmp_path):
    """ARMLOAD's restart form (/R 3 /H 2: ARM restarts a stopped service) is not the
    guide's /M (a stopped service fails the group over), and the missing RECOVER branch
    of the same file does not explain that change: it passed as "legacy does not run
    ARMLOAD StarOffice /S /M ... on this path (SO203)" on the very path that runs it."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    start = legacy / "start.bat"
    start.write_bytes(
        start.read_bytes()
        .replace(b'ARMLOAD StarOffice /S /M "StarOffice Server"', b'ARMLOAD StarOffice /S /R 3 /H 2 "StarOffice Server"')
        .replace(b'IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER\r\n', b"")
    )
    migration = migrate([str(legacy)], None)
    rows = {str(d.combination): d for s in migration.diffs if s.kind == "start" for d in s.differences}
    restart, watch = 'ARMLOAD StarOffice /S /R 3 /H 2 "StarOffice Server"', 'ARMLOAD StarOffice /S /M "StarOffice Server"'
    for combination in ("START/HOME/SUCCESS", "START/OTHER/SUCCESS", "FAILOVER/HOME/SUCCESS", "FAILOVER/OTHER/SUCCESS"):
        assert sorted(rows[combination].unexplained) == sorted([restart, watch]), combination
    assert all(rows[c].explained for c in rows if c.startswith("RECOVER/"))  # no branch: SO203
    assert migration.unexplained == 4
    result = run("migrate", legacy, "-o", tmp_path / "out")
    assert result.exit_code == 1
    report = (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    row = next(line for line in report.splitlines() if line.startswith("| START/HOME/SUCCESS |"))
    assert f"**needs review**: no lint finding or topology choice explains `{restart}`<br>`{watch}`" in row


def test_import_names_the_arm_lines_whose_options_it_does_not_keep(tmp_path):
    """NEC's UM8700 scripts watch with /S /A /R 3 (restart three times) and stop with
    ARMKILL id /T 0: the products were imported, their options dropped without a note."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    start, stop = legacy / "start.bat", legacy / "stop.bat"
    start.write_bytes(start.read_bytes().replace(
        b'ARMLOAD StarOffice /S /M "StarOffice Server"', b'ARMLOAD StarOffice /S /A /R 3 "StarOffice Server"', 1))
    stop.write_bytes(stop.read_bytes().replace(b"ARMKILL StarOffice\r\n", b"ARMKILL StarOffice /T 0\r\n", 1))
    output = tmp_path / "cluster.yaml"
    assert run("import", legacy, "-o", output).exit_code == 0
    text = output.read_text(encoding="utf-8")
    header = text.split("\ncluster:")[0]
    assert "# Imported without some of their options" in header
    assert '#   grp/start.bat:22: ARMLOAD StarOffice /S /A /R 3 "StarOffice Server"' in header
    assert "#   grp/stop.bat:15: ARMKILL StarOffice /T 0" in header
    assert header.count("#   grp/") == 2  # the lines with /S /M only are not listed
    assert [p["type"] for p in YAML(typ="safe").load(text)["groups"][0]["products"]] == ["staroffice-server"]


def test_import_reads_arm_lines_run_through_start_or_cmd_and_names_them(tmp_path):
    """``start "" /b /wait ARMLOAD ...`` and ``cmd /c ARMKILL ...`` watch and stop
    StarOffice as the plain lines do: import takes the product from them (it found no
    product before and wrote a type to fill in), and lists them, since the generated
    scripts run ARM themselves (start without /wait would not wait)."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    start, stop = legacy / "start.bat", legacy / "stop.bat"
    watch = b'ARMLOAD StarOffice /S /M "StarOffice Server"'
    start.write_bytes(start.read_bytes().replace(watch, b'start "" /b /wait ' + watch))
    # The stop script's wrapper stands on a line of its own: the list shows the command whole.
    stop.write_bytes(stop.read_bytes().replace(b"ARMKILL StarOffice\r\n", b"cmd /c ^\r\n  ARMKILL StarOffice\r\n"))
    output = tmp_path / "cluster.yaml"
    assert run("import", legacy, "-o", output).exit_code == 0
    text = output.read_text(encoding="utf-8")
    header = text.split("\ncluster:")[0]
    assert "# Imported without some of their options" in header and "ran through start or cmd /c" in header
    assert '#   grp/start.bat:22: start "" /b /wait ARMLOAD StarOffice /S /M "StarOffice Server"' in header
    assert "#   grp/stop.bat:15: cmd /c ARMKILL StarOffice" in header
    assert "Not imported" not in header
    assert [p["type"] for p in YAML(typ="safe").load(text)["groups"][0]["products"]] == ["staroffice-server"]
    migration = migrate([str(legacy)], None)
    assert migration.unexplained == 0  # the same ARM commands on every path


def test_a_missing_branch_explains_only_its_own_event(tmp_path):
    """A start.bat without the RECOVER test has an SO203 finding; its START/OTHER section
    lost its ARMLOAD in a hand edit. The finding explained that START row too ("legacy
    does not run ARMLOAD StarOffice ... on this path (SO203)"): it explains the rows of
    the event without a branch, which run what the script runs without ARM (here the
    same on both sides: import took RECOVER's message from it). The START row is the
    topology's: its group has StarOffice, which legacy starts elsewhere."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    start = legacy / "start.bat"
    lines = start.read_bytes().split(b"\r\n")
    other = lines.index(b":ON_OTHER1")
    watch = next(i for i in range(other, len(lines)) if lines[i].startswith(b"ARMLOAD StarOffice"))
    del lines[watch]
    lines.remove(b'IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER')
    start.write_bytes(b"\r\n".join(lines))
    migration = migrate([str(legacy)], None)
    rows = {str(d.combination): d for s in migration.diffs if s.kind == "start" for d in s.differences}
    (reason,) = rows["START/OTHER/SUCCESS"].explanations
    assert reason.code is None and "the topology's group has the product" in reason.text
    assert not any(e.code == "SO203" for d in rows.values() for e in d.explanations)  # RECOVER's rows are alike


def test_reasons_from_review_cover_only_their_own_actions(tmp_path):
    """A review's cases of reasons that covered a whole row: SO204 (legacy checks the disk
    late) also covered what its disk-error handler does; a fall-through also covered what
    the shared section it runs into does on every path; SO702 (not code page 932 text)
    covered ARMLOAD's /R 3 (restart) becoming /M (fail over)."""
    def group(name: str, start: str, stop: str = "ARMKILL StarOffice\r\n", encoding: str = "cp932") -> str:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "start.bat").write_bytes(start.replace("\n", "\r\n").encode(encoding))
        (folder / "stop.bat").write_bytes(stop.encode(encoding))
        return str(folder)

    def unexplained(folder: str) -> dict[str, list[str]]:
        rows = [d for s in migrate([folder], None).diffs if s.kind == "start" for d in s.differences]
        return {str(d.combination): sorted(d.unexplained) for d in rows if d.unexplained}

    dispatch = 'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\nIF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL\n' \
               'IF "%ARMS_EVENT%" == "RECOVER" GOTO EXIT\nGOTO no_arm\n'
    tail = 'GOTO EXIT\n:no_arm\nARMBCAST /MSG "ARM is not running" /A\n:EXIT\nexit\n'
    watch = 'ARMLOAD StarOffice /S /M "StarOffice Server"\n'
    late = group("late", dispatch + ":NORMAL\n" + watch + 'IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK\nGOTO EXIT\n'
                 ':ERROR_DISK\nARMBCAST /MSG "disk error" /A\nNET STOP MSSQLServer\nRMDIR /S /Q D:\\cache\n' + tail)
    handler = ["NET STOP MSSQLServer", "RMDIR /S /Q D:\\cache"]
    assert unexplained(late) == {f"{e}/{s}/FAILURE": handler for e in ("START", "FAILOVER") for s in ("HOME", "OTHER")}

    shared = group("shared", dispatch + ':NORMAL\nIF "%ARMS_DISK%" == "FAILURE" GOTO no_arm\n'
                   'IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1\nARMBCAST /MSG "home" /A\n:ON_OTHER1\n'
                   + watch + "NET STOP Spooler\n" + tail)
    assert unexplained(shared) == {f"{e}/{s}/SUCCESS": ["NET STOP Spooler"] for e in ("START", "FAILOVER") for s in ("HOME", "OTHER")}

    restart = 'ARMLOAD StarOffice /S /R 3 "StarOffice Server"'
    utf8 = group("utf8", dispatch + ':NORMAL\nIF "%ARMS_DISK%" == "FAILURE" GOTO EXIT\nARMBCAST /MSG "起動中です" /A\n'
                 + restart + "\n" + tail, encoding="utf-8")
    assert unexplained(utf8) == {
        f"{e}/{s}/SUCCESS": sorted([restart, watch.strip()]) for e in ("START", "FAILOVER") for s in ("HOME", "OTHER")
    }


def test_the_migration_report_is_in_the_user_s_language(tmp_path):
    """MIGRATION.md is read by the SE who runs migrate: under --lang ja a Japanese SE got
    Japanese findings inside English prose, headings and explanations."""
    legacy = legacy_group(
        tmp_path,
        b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\n'
        b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\nIF "%ARMS_DISK%" == "FAILURE" GOTO EXIT\r\n'
        b"NET STOP Spooler\r\n:EXIT\r\nexit\r\n",
        b"ARMKILL StarOffice\r\n",
    )
    assert run("migrate", legacy, "-o", tmp_path / "en").exit_code in (0, 1)
    assert run("--lang", "ja", "migrate", legacy, "-o", tmp_path / "ja").exit_code in (0, 1)
    english = (tmp_path / "en" / "MIGRATION.md").read_text(encoding="utf-8")
    japanese = (tmp_path / "ja" / "MIGRATION.md").read_text(encoding="utf-8")
    assert english.startswith("# Migration report\n") and japanese.startswith("# 移行レポート\n")
    assert "legacy starts services before it checks ARMS_DISK (SO204 at line " in english
    assert "既存スクリプトは ARMS_DISK を判定する前にサービスを起動します (" in japanese
    assert "行目の SO204)" in japanese
    assert "**要確認**: " in japanese and "| 組み合わせ | 既存 | 生成 | 理由 |" in japanese
    assert "確認が必要な違いは " in japanese
    # The actions compared and the combinations are the same in both: only the words differ.
    rows = [line.split(" | ")[:3] for line in english.splitlines() if line.startswith("| START/")]
    assert rows and rows == [line.split(" | ")[:3] for line in japanese.splitlines() if line.startswith("| START/")]
    # English prose throughout, but for the actions themselves (the guide's broadcast texts).
    prose = re.sub(r"`[^`]*`|ARMBCAST /MSG .*? /A", "", english)
    assert not re.search(r"[\u3040-\u30ff]", prose)


def test_a_wait_the_generated_scripts_do_not_have_needs_review(tmp_path):
    """The generated scripts wait (db_settle_seconds) only after a database stops; a
    legacy ARMSLEEP after a start was explained by that setting of stop.bat."""
    legacy = tmp_path / "grp"
    shutil.copytree(LEGACY / "multi" / "so1", legacy)
    start = legacy / "start.bat"
    watch = b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n'
    start.write_bytes(start.read_bytes().replace(watch, watch + b"ARMSLEEP 10\r\n"))
    migration = migrate([str(legacy)], None)
    rows = [d for s in migration.diffs for d in s.differences]
    assert {str(d.combination) for d in rows} == {
        "START/HOME/SUCCESS", "START/OTHER/SUCCESS", "FAILOVER/HOME/SUCCESS", "FAILOVER/OTHER/SUCCESS",
    }
    assert all(d.unexplained == ["ARMSLEEP 10"] for d in rows)


def test_a_group_that_starts_no_known_product(tmp_path):
    """NEC's Milestone sample starts its database with sqlcmd only: import wrote
    ``products: []`` (validate: "List should have at least 1 item"), and migrate, which
    stands in for placeholders, stopped on "unknown product type 'X1'"."""
    result, text = import_group(
        tmp_path,
        b'IF "%CLP_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\n'
        b"sqlcmd -i C:\\mssql\\ACT.SQL\r\narmload APP /U Administrator /W app.exe\r\n:EXIT\r\n",
        b"armkill APP\r\n",
    )
    assert YAML(typ="safe").load(text)["groups"][0]["products"] == [{"type": "FILL_IN"}]
    placeholder = (
        "groups[0].products[0].type: is a placeholder left by sogen import: fill it in "
        "(one of custom, formserver, mailgateway-smtp, staroffice-server, workflow)"
    )
    assert placeholder in result.stderr
    assert "#   grp/start.bat:4: sqlcmd -i C:\\mssql\\ACT.SQL" in text  # listed, to carry over
    out = tmp_path / "out"
    result = run("migrate", tmp_path / "grp", "-o", out)
    assert result.exit_code == 2
    assert placeholder in result.stderr and "X1" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["cluster.yaml"]


def test_file_changes_of_cmds_own_commands_are_listed_and_compared(tmp_path):
    """RMDIR, DEL, ECHO > file run no program, so they were no actions: NEC's UM8700
    scripts clear a cache folder on start and stop, and import and migrate dropped
    those lines without a word (the stop row passed as explained by its broadcast)."""
    legacy = so1_with_lines_before_its_watch(
        tmp_path,
        b"RMDIR /S /Q D:\\CX\\Cache\r\necho started> D:\\CX\\state.txt\r\necho quiet >nul\r\n"
        b"echo shown >con\r\ndir > NUL.txt\r\necho gone > C:\\logs\\nul\r\n"  # devices, no files
        b"IF EXIST D:\\CX\\x.lck DEL D:\\CX\\x.lck\r\n",  # a path the analysis never takes
    )
    output = tmp_path / "cluster.yaml"
    assert run("import", legacy, "-o", output).exit_code == 0
    header = output.read_text(encoding="utf-8").split("\ncluster:")[0]
    assert "#   grp/start.bat:22: RMDIR /S /Q D:\\CX\\Cache\n#   grp/start.bat:23: echo started> D:\\CX\\state.txt" in header
    assert "nul" not in header.lower() and "con" not in header
    assert "#   grp/start.bat:28: IF EXIST D:\\CX\\x.lck DEL D:\\CX\\x.lck" in header
    migration = migrate([str(legacy)], None)
    row = next(d for s in migration.diffs for d in s.differences if str(d.combination) == "START/HOME/SUCCESS")
    assert row.legacy[1:3] == ["RMDIR /S /Q D:\\CX\\Cache", "ECHO started > D:\\CX\\state.txt"]  # as they ran
    assert sorted(row.unexplained) == ["ECHO started > D:\\CX\\state.txt", "RMDIR /S /Q D:\\CX\\Cache"]
    assert migration.unexplained == 1  # the other paths do not run the lines
    report = migration.files["MIGRATION.md"].decode("utf-8")
    listed = report.split("## Legacy lines the generated scripts do not have")[1].split("\n## ")[0]
    assert "- `grp/start.bat:22: RMDIR /S /Q D:\\CX\\Cache`" in listed
    assert "- `grp/start.bat:28: IF EXIST D:\\CX\\x.lck DEL D:\\CX\\x.lck`" in listed


def test_a_block_that_writes_a_file_is_a_file_change(tmp_path):
    """( ... ) >> log sends what the whole block writes to a file: the block's own
    redirection, which import and migrate did not see (only a command's were)."""
    legacy = so1_with_lines_before_its_watch(
        tmp_path,
        b"(\r\n  echo %DATE% %TIME% started\r\n  ver\r\n) >> \"D:\\CX\\logs (old)\\cluster.log\"\r\n"
        b"> D:\\CX\\state.txt (\r\n  echo running\r\n) 2>&1\r\n( echo quiet ) 2>nul\r\n"
        b'IF "%ARMS_EVENT%" == "START" (\r\n  echo %DATE% start\r\n) >> D:\\CX\\events.log\r\n',
    )
    output = tmp_path / "cluster.yaml"
    assert run("import", legacy, "-o", output).exit_code == 0
    header = output.read_text(encoding="utf-8").split("\ncluster:")[0]
    # the line of the redirection: not the "(" before it, the ")" in "(old)" or the ") 2>&1" after
    assert '#   grp/start.bat:25: ) >> "D:\\CX\\logs (old)\\cluster.log"\n#   grp/start.bat:26: > D:\\CX\\state.txt (' in header
    assert "2>nul" not in header
    migration = migrate([str(legacy)], None)
    row = next(d for s in migration.diffs for d in s.differences if str(d.combination) == "START/HOME/SUCCESS")
    assert sorted(row.unexplained) == [
        "( ... ) > D:\\CX\\state.txt", '( ... ) >> "D:\\CX\\logs (old)\\cluster.log"', "( ... ) >> D:\\CX\\events.log"
    ]


def test_a_watch_id_read_from_a_file_is_no_product(tmp_path):
    """for /f %%a in (services.txt) do ARMLOAD %%a ...: the body runs once with %a, and
    import made a product with watch ID '%a' (and service '%b'), which validate refused."""
    text = imported_beside_staroffice(
        tmp_path,
        b'for /f "tokens=1,2" %%a in (services.txt) do ARMLOAD %%a /S /M "%%b"',
        b"for /f %%a in (services.txt) do ARMKILL %%a\r\nARMKILL StarOffice\r\n",
    )
    assert '#   grp/start.bat:5: for /f "tokens=1,2" %%a in (services.txt) do ARMLOAD %%a /S /M "%%b"' in text
    assert "#   grp/stop.bat:1: for /f %%a in (services.txt) do ARMKILL %%a" in text


def test_watch_ids_and_services_only_the_server_knows_are_listed(tmp_path):
    """A second review's cases: a FOR /F variable as the service, a variable the script
    never sets as the watch ID (it became a product "-s" with watch ID "/S"), and net
    start of a service no product has (neither imported nor listed)."""
    _, text = import_group(
        tmp_path,
        b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\n'
        b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n'
        b'for /f "delims=" %%s in (service.txt) do ARMLOAD AppSvc /S /M "%%s"\r\n'
        b'ARMLOAD %APPID% /S /M "Other Service"\r\nNET START "MyApp Agent"\r\n:EXIT\r\n',
        b"ARMKILL StarOffice\r\n",
    )
    assert [p["type"] for p in YAML(typ="safe").load(text)["groups"][0]["products"]] == ["staroffice-server"]
    for line in ('5: for /f "delims=" %%s in (service.txt) do ARMLOAD AppSvc /S /M "%%s"',
                 '6: ARMLOAD %APPID% /S /M "Other Service"', '7: NET START "MyApp Agent"'):
        assert f"#   grp/start.bat:{line}" in text


def test_import_takes_the_service_name_of_any_armload_form(tmp_path, monkeypatch):
    """NEC's form ends ``{/M | /R retry ...} service-name``: the name is what no option
    takes, with or without /M, quoted or (as the guide's section 3 prints it) not."""
    legacy = tmp_path / "grp"
    legacy.mkdir()
    (legacy / "start.bat").write_bytes(
        b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\n'
        b"ARMLOAD Agent /S Agent32\r\n"
        b'ARMLOAD Backup /S /R 3 /H 2 "Backup Service"\r\n'
        b"ARMLOAD Mail /S /M Mail Relay\r\n:EXIT\r\n"
    )
    (legacy / "stop.bat").write_bytes(b"ARMKILL Mail\r\nARMKILL Backup\r\nARMKILL Agent\r\n")
    # Run from inside the folder, named "." (the origin comments said "/start.bat:4").
    monkeypatch.chdir(legacy)
    output = tmp_path / "cluster.yaml"
    assert run("import", ".", "-o", output).exit_code == 0
    text = output.read_text(encoding="utf-8")
    products = YAML(typ="safe").load(text)["groups"][0]["products"]
    assert {p["watch_id"]: p["service"] for p in products} == {
        "Agent": "Agent32", "Backup": "Backup Service", "Mail": "Mail Relay",
    }
    assert "# from grp/start.bat:4" in text and "/start.bat" not in text.replace("grp/start.bat", "")
    # "..", from a folder inside it, names it too.
    sub = legacy / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert run("import", "..", "-o", output, "--force").exit_code == 0
    text = output.read_text(encoding="utf-8")
    assert "# from grp/start.bat:4" in text and "../start.bat" not in text


@pytest.mark.parametrize("prefix", ["ARMS", "CLP"])
def test_the_disk_check_explains_only_the_paths_where_generated_checks_the_disk(tmp_path, prefix):
    """A legacy script without the ARMS_DISK test that does nothing on RECOVER or without
    ARM differs from the generated one on those rows too; the generated script checks the
    disk on START and FAILOVER only, so only their FAILURE rows may be explained by that
    check (the others once were, which could pass a row that needs review)."""
    legacy = tmp_path / "grp"
    legacy.mkdir()
    dispatch = 'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nIF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL\r\nGOTO EXIT\r\n'
    for kind, action in (("start", 'ARMLOAD StarOffice /S /M "StarOffice Server"'), ("stop", "ARMKILL StarOffice")):
        text = f"{dispatch}:NORMAL\r\n{action}\r\n:EXIT\r\n".replace("ARMS_", f"{prefix}_")
        (legacy / f"{kind}.bat").write_bytes(text.encode("ascii"))
    run("migrate", legacy, "-o", tmp_path / "out")
    report = (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    rows = [r for r in report.splitlines() if "/FAILURE |" in r]
    checked = f"generated checks {prefix}_DISK first"  # named as the generated scripts name it
    explained_by_disk = {r.split(" |")[0].lstrip("| ").split("/")[0] for r in rows if checked in r}
    assert explained_by_disk == {"START", "FAILOVER"}
    assert ("ARMS_" in report) == (prefix == "ARMS")


def test_a_late_disk_check_explains_only_the_paths_where_generated_checks_the_disk(tmp_path):
    """NEC's UM8700 start.bat tests no event: it starts its service on RECOVER and
    without ARM too, disk or no disk. SO204 ("starts services before it checks
    ARMS_DISK") explained its RECOVER and unset FAILURE rows, where the generated script
    only broadcasts and checks no disk, while their SUCCESS twins needed review. RECOVER
    is SO203's (no branch of its own: it runs what the script runs without ARM); without
    ARM the legacy script starts the service, which nothing explains."""
    legacy = tmp_path / "grp"
    legacy.mkdir()
    (legacy / "start.bat").write_bytes(b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n')
    (legacy / "stop.bat").write_bytes(b"ARMKILL StarOffice\r\n")
    migration = migrate([str(legacy)], None)
    rows = {str(d.combination): d for s in migration.diffs if s.kind == "start" for d in s.differences}
    by_disk = {c.split("/")[0] for c, d in rows.items() if any(e.code == "SO204" for e in d.explanations)}
    assert by_disk == {"START", "FAILOVER"}
    for disk in ("SUCCESS", "FAILURE"):
        recover = rows[f"RECOVER/HOME/{disk}"]
        assert recover.explained and {e.code for e in recover.explanations} == {"SO203", None}
        assert not rows[f"unset/HOME/{disk}"].explained
    assert not any(e.code == "SO203" for e in rows["START/HOME/SUCCESS"].explanations)  # same service, no reason


# A code page 932 file name from a Windows zip unpacked on Linux is no UTF-8 (クラスタ.yaml).
CP932_NAME = os.fsdecode(b"\x83N\x83\x89\x83X\x83^.yaml")


@pytest.mark.parametrize("name", ["t.yaml", CP932_NAME])
def test_migrate_with_a_given_topology(tmp_path, name):
    topology = tmp_path / name
    topology.write_text((ROOT / "samples" / "single-standby.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    folders = write_generated(load_topology(topology), tmp_path / "legacy")
    out = tmp_path / "out"
    result = run("migrate", *folders, "--topology", topology, "-o", out)
    assert result.exit_code == 0, result.output
    assert (out / "RUNBOOK.md").is_file() and not (out / "cluster.yaml").exists()
    assert json.loads((out / "manifest.json").read_bytes())["topology"]["file"] == name


def echo_scripts(folder: Path) -> None:
    (folder / "start.bat").write_bytes(b"echo hello\r\n")
    (folder / "stop.bat").write_bytes(b"echo bye\r\n")


def clp_logging_scripts(folder: Path) -> None:
    for kind in ("start", "stop"):
        (folder / f"{kind}.bat").write_bytes(
            b'IF "%CLP_EVENT%" == "START" clplogcmd -m "' + kind.encode() + b'" -l INFO\r\n'
        )


def two_groups_in_one_folder(folder: Path) -> None:
    for name in ("start", "stop"):
        data = (LEGACY / "guide-141-lf-utf8" / f"{name}.bat").read_bytes()
        (folder / f"{name}.bat").write_bytes(data)
        (folder / f"{name}2.bat").write_bytes(data.replace(b"StarOffice", b"StarOffice2"))


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda folder: None, "no start and stop script (start.bat / stop.bat) in this folder"),
        (echo_scripts, "no path runs an ARM command (ARMLOAD, ARMKILL, ARMBCAST ...): nothing in it for a topology"),
        # A CLUSTERPRO X script that logs only (NEC's WSL2 sample): not "not a CLUSTERPRO script".
        (clp_logging_scripts, "no path runs an ARM command (ARMLOAD, ARMKILL, ARMBCAST ...): nothing in it for a topology"),
        # The guide's section 3.4.1 names group 2's scripts start2.bat / stop2.bat: beside
        # group 1's they are a second group, whose alenv file and patches sogen cannot tell.
        (two_groups_in_one_folder, "holds the scripts of more than one failover group (start.bat, stop.bat, start2.bat, stop2.bat)"),
    ],
    ids=["empty", "not-clusterpro", "no-arm-command", "two-groups"],
)
def test_bad_group_folders(tmp_path, setup, message):
    folder = tmp_path / "grp"
    folder.mkdir()
    setup(folder)
    for command in (["import", folder, "-o", tmp_path / "c.yaml"], ["migrate", folder, "-o", tmp_path / "out"]):
        result = run(*command)
        assert result.exit_code == 2
        assert message in result.stderr and "nothing was written" in result.stderr
        assert str(folder) in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grp"]


def test_a_folder_with_the_second_groups_numbered_scripts_alone(tmp_path):
    """start2.bat / stop2.bat (section 3.4.1) in a folder of their own are that group's."""
    folder = tmp_path / "so2"
    folder.mkdir()
    for name in ("start", "stop"):
        data = (LEGACY / "guide-141-lf-utf8" / f"{name}.bat").read_bytes()
        (folder / f"{name}2.bat").write_bytes(data.replace(b"StarOffice Server", b"StarOffice Server2").replace(b"StarOffice ", b"StarOffice2 "))
    result = import_folders([str(folder)], "cluster.yaml")
    assert [g.scripts["start"].name for g in result.groups] == ["start2.bat"]
    assert result.groups[0].instance.value == 2


@pytest.mark.parametrize(
    "pair, stray",
    [(("start.bat", "stop.bat"), "stop2.bat"), (("start.bat", "stop.bat"), "start2.bat"),
     (("start2.bat", "stop2.bat"), "stop.bat"), (("start2.bat", "stop2.bat"), "start.bat")],
)
def test_a_stray_numbered_script_is_no_group_of_its_own(tmp_path, pair, stray):
    """A copy kept beside the pair (stop2.bat, no start2.bat) is no second failover group:
    the complete pair is the folder's, whichever way the names sort."""
    folder = tmp_path / "grp"
    folder.mkdir()
    for name, source in zip(pair, ("start.bat", "stop.bat")):
        shutil.copy(LEGACY / "guide-141-lf-utf8" / source, folder / name)
    shutil.copy(LEGACY / "guide-141-lf-utf8" / "stop.bat", folder / stray)
    scripts = import_folders([str(folder)], "cluster.yaml").groups[0].scripts
    assert (scripts["start"].name, scripts["stop"].name) == pair


def test_two_folders_claiming_one_instance(tmp_path):
    for name in ("a", "b"):
        shutil.copytree(LEGACY / "guide-141-lf-utf8", tmp_path / name)
    result = run("import", tmp_path / "a", tmp_path / "b", "-o", tmp_path / "c.yaml")
    assert result.exit_code == 2
    assert (
        f"{tmp_path / 'b' / 'start.bat'}: runs StarOffice instance 1, as {tmp_path / 'a' / 'start.bat'} does: each "
        "failover group runs an instance of its own"
    ) in result.stderr
    assert not (tmp_path / "c.yaml").exists()


def test_a_name_without_a_folder_is_refused(tmp_path, monkeypatch):
    """g1=$DIR with DIR unset read the current folder."""
    monkeypatch.chdir(tmp_path)
    for command in (["import", "g1=", "-o", tmp_path / "c.yaml"], ["migrate", "g1=", "-o", tmp_path / "o"]):
        result = run(*command)
        assert result.exit_code == 2 and "g1=: names no folder after '='" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("second", ["{folder}", "{folder}/", "other={folder}", "{folder}/../grp"])
def test_a_folder_given_twice_is_refused_as_such(tmp_path, second):
    """It was taken for two groups claiming one instance; with --topology, for a count."""
    folder = tmp_path / "grp"
    shutil.copytree(LEGACY / "guide-141-lf-utf8", folder)
    again = second.format(folder=folder)
    for command in (["import", folder, again, "-o", tmp_path / "c.yaml"], ["migrate", folder, again, "-o", tmp_path / "o"]):
        result = run(*command)
        assert result.exit_code == 2
        assert f"{again}: the folder of {folder} again; give each failover group's folder once" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grp"]


def test_migrate_with_a_topology_of_other_groups_than_folders(tmp_path):
    result = run("migrate", LEGACY / "guide-32-sqlserver", LEGACY / "multi" / "so2", "--topology",
                 ROOT / "samples" / "single-standby.yaml", "-o", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 2
    assert "single-standby.yaml: give one group folder for each of its failover groups (1), not 2" in result.stderr


@pytest.mark.parametrize(
    "folder, group", [("グループ1", "g1"), ("グループ 2", "g2"), ("東京", "group"), ("so-1 (旧)", "so-1")]
)
def test_a_group_is_named_after_the_letters_and_digits_of_its_folder(tmp_path, folder, group):
    shutil.copytree(LEGACY / "guide-141-lf-utf8", tmp_path / folder)
    assert [g.name for g in import_folders([str(tmp_path / folder)], "cluster.yaml").groups] == [group]


@pytest.mark.parametrize("folder, group", [("グループ", "group"), ("グループ 2", "g2")])
def test_a_code_page_932_folder_name_names_its_group_by_its_own_letters(tmp_path, folder, group):
    """A Windows zip unpacked on Linux keeps the cp932 bytes of グループ: its ASCII trail
    bytes (0x83 0x4F ...) named the group "O-v"."""
    (tmp_path / "移行").mkdir()  # a UTF-8 folder above it stays as it is
    raw = os.fsdecode(os.fsencode(str(tmp_path / "移行")) + b"/" + folder.encode("cp932"))
    shutil.copytree(LEGACY / "guide-141-lf-utf8", raw)
    imported = import_folders([raw], "cluster.yaml")
    assert [g.name for g in imported.groups] == [group]
    # Where each value came from names the folder as written, not as \udc83O\udc83\udc8b...
    assert f"# from {folder}/start.bat:" in imported.yaml_text and "\\udc" not in imported.yaml_text
    assert f"移行/{folder}" in imported.yaml_text
    out = tmp_path / "out"
    assert run("migrate", raw, "-o", out).exit_code in (0, 1)
    report = (out / "MIGRATION.md").read_text(encoding="utf-8")
    assert f"{folder}/start.bat" in report and "\\udc" not in report


def test_folders_that_give_one_name_are_numbered_by_their_place(tmp_path):
    """東京 and 大阪支社 both keep no letter or digit: group-1 and group-2, not a refusal;
    a name given with NAME=DIR stays as given."""
    for name, legacy in (("東京", "so1"), ("大阪支社", "so2")):
        shutil.copytree(LEGACY / "multi" / legacy, tmp_path / name)
    groups = import_folders([str(tmp_path / "東京"), str(tmp_path / "大阪支社")], "cluster.yaml").groups
    assert [g.name for g in groups] == ["group-1", "group-2"]
    groups = import_folders([f"tokyo={tmp_path / '東京'}", str(tmp_path / "大阪支社")], "cluster.yaml").groups
    assert [g.name for g in groups] == ["tokyo", "group"]


@pytest.mark.parametrize("name", ["グループ東京", "../evil", "1st"])
def test_a_name_for_a_group_that_cannot_be_one_is_refused_as_such(tmp_path, name):
    shutil.copytree(LEGACY / "guide-141-lf-utf8", tmp_path / "grp")
    result = run("import", f"{name}={tmp_path / 'grp'}", "-o", tmp_path / "c.yaml")
    assert result.exit_code == 2
    assert f"{name!r} cannot name a group: a group name is a letter" in result.stderr
    assert not (tmp_path / "c.yaml").exists()


def test_missing_folder(tmp_path):
    result = run("import", tmp_path / "nope", "-o", tmp_path / "c.yaml")
    assert result.exit_code == 2 and "is not a folder" in result.stderr


def test_placeholders_are_named_by_validate(tmp_path):
    output = tmp_path / "cluster.yaml"
    run("import", LEGACY / "guide-141-as-printed", "-o", output)
    with pytest.raises(TopologyError) as info:
        load_topology(output)
    messages = [str(p) for p in info.value.problems]
    assert any("groups[0].virtual_ip: is a placeholder left by sogen import: fill it in" in m for m in messages)
    assert any("cluster.nodes[0].ip: is a placeholder left by sogen import: fill it in (Real (public LAN) IP address" in m for m in messages)


def test_the_imported_topology_is_commented_in_the_user_s_language(tmp_path):
    """The comments of cluster.yaml are for the SE who fills it in: a Japanese SE got
    "FILL_IN: the virtual IP address of the group" and "order assumed ... check it"."""
    folders = [LEGACY / "multi" / "so1", LEGACY / "multi" / "so2"]
    english, japanese = tmp_path / "en.yaml", tmp_path / "ja.yaml"
    assert run("import", *folders, "-o", english).exit_code == 0
    assert run("--lang", "ja", "import", *folders, "-o", japanese).exit_code == 0
    text = japanese.read_text(encoding="utf-8")
    assert "# sogen import が次のフォルダから読み込みました: " in text
    assert "virtual_ip: FILL_IN # FILL_IN: グループの仮想 IP アドレス\n" in text
    assert "policy: [FILL_IN, FILL_IN]  # 順序は推定です (現用系ノードが先)。確認してください\n" in text
    assert "alroot: D:\\SO1  # so1/alenv1.bat:1 から\n" in text
    assert "mode: multi-standby  # グループのフォルダ 2 個を指定\n" in text
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line][1:]  # after the schema line
    assert comments and not [c for c in comments if re.search(r"\b[a-z]{3,} [a-z]{3,} [a-z]{3,}\b", c)]
    yaml = YAML(typ="safe")
    assert yaml.load(japanese) == yaml.load(english)  # the values are the same


def test_placeholders_are_described_in_japanese_under_ja(tmp_path):
    """A Japanese SE read "値を記入してください (Failover policy: exactly two nodes, ...)": what
    to fill in was the one part left in English."""
    output = tmp_path / "cluster.yaml"
    run("import", LEGACY / "guide-141-as-printed", "-o", output)
    set_language("ja")
    try:
        with pytest.raises(TopologyError) as info:
            load_topology(output)
    finally:
        set_language("en")
    messages = [str(p) for p in info.value.problems]
    assert any("cluster.nodes[0].ip: sogen import が残したプレースホルダです。値を記入してください (ノードの実 IP アドレス" in m for m in messages)
    assert any("groups[0].policy[0]: " in m and "(フェイルオーバポリシ: ちょうど 2 ノード" in m for m in messages)
    described = [m.split("値を記入してください", 1)[1] for m in messages if "値を記入してください (" in m]
    assert described and not [d for d in described if re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", d)]


def test_a_group_in_the_other_dialect_keeps_its_broadcast_text_reported(tmp_path):
    """A review's case: so2 ported to CLUSTERPRO X (CLP_*, NEC's "Cluster Server" text), so1
    still ARM's. The topology is clp, whose scripts broadcast the X text: so1's ARM text is
    not kept, and import must say so (it said nothing, each text being its own dialect's)."""
    legacy = tmp_path / "multi"
    shutil.copytree(LEGACY / "multi", legacy)
    arm_text = "ActiveRecoveryManagerが動作状態にありません".encode("cp932")
    for name in ("start.bat", "stop.bat"):
        script = legacy / "so2" / name
        data = script.read_bytes().replace(b"ARMS_", b"CLP_")
        script.write_bytes(data.replace(arm_text, "Cluster Server が動作状態にありません".encode("cp932")))
    output = tmp_path / "cluster.yaml"
    assert run("import", legacy / "so1", legacy / "so2", "-o", output).exit_code == 0
    text = output.read_text(encoding="utf-8")
    settings = YAML(typ="safe").load(text)["settings"]
    assert settings["dialect"] == "clp" and "no_arm" not in settings.get("messages", {})
    assert "so1 (the guide's text, or no broadcast there): no_arm: ActiveRecoveryManagerが動作状態にありません" in text


def test_migrating_to_clusterpro_x_broadcasts_its_text_and_says_so(tmp_path):
    """A review's case: `migrate --dialect clp` wrote `rem Cluster Server 未動作` above an
    ARMBCAST of ARM's text (the dialect was switched without the model's defaults)."""
    out = tmp_path / "out"
    assert run("migrate", "--dialect", "clp", "-o", out, LEGACY / "guide-141-as-printed").exit_code in (0, 1)
    start = (out / "guide-141-as-printed" / "start.bat").read_bytes().decode("cp932")
    assert 'ARMBCAST /MSG "Cluster Server が動作状態にありません" /A' in start and "ActiveRecoveryManager" not in start
    report = (out / "MIGRATION.md").read_text(encoding="utf-8")
    assert "no_arm: ActiveRecoveryManagerが動作状態にありません" in report


def test_a_sites_second_formserver_keeps_its_names_when_its_group_runs_the_only_one(tmp_path):
    """A site's group 2 watches FormServer2 / "StarOffice FormServer2" (as sogen generated
    before a cluster's one FormServer got the guide's names): imported and generated again,
    the scripts still start the service the site has."""
    folders = []
    for group in ("group1", "group2"):
        shutil.copytree(ROOT / "tests" / "golden" / "multi-standby" / group, tmp_path / group)
        folders.append(str(tmp_path / group))
    for name in ("start.bat", "stop.bat"):
        script = tmp_path / "group2" / name
        script.write_bytes(
            script.read_bytes()
            .replace(b'FormServer /S /M "StarOffice FormServer"', b'FormServer2 /S /M "StarOffice FormServer2"')
            .replace(b"ARMKILL FormServer\r\n", b"ARMKILL FormServer2\r\n")
        )
    assert b"FormServer2" in (tmp_path / "group2" / "stop.bat").read_bytes()
    patch = tmp_path / "group2" / "registry" / "formserver.reg"
    patch.write_bytes(patch.read_bytes().replace(b"\\StarOffice FormServer\\", b"\\StarOffice FormServer2\\"))
    text = import_folders(folders, "cluster.yaml").yaml_text
    (formserver,) = [p for p in YAML(typ="safe").load(text)["groups"][1]["products"] if p["type"] == "formserver"]
    assert (formserver["watch_id"], formserver["service"], formserver["registry_key"]) == (
        "FormServer2", "StarOffice FormServer2", "HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer2"
    )
    assert "registry_key: HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer2 # from group2/registry/formserver.reg" in text
    # The site's own service name is kept, not the catalogue's.
    start = tmp_path / "group2" / "start.bat"
    start.write_bytes(start.read_bytes().replace(b'"StarOffice FormServer2"', b'"SO FormSrv 2"'))
    text2 = import_folders(folders, "cluster.yaml").yaml_text
    (renamed,) = [p for p in YAML(typ="safe").load(text2)["groups"][1]["products"] if p["type"] == "formserver"]
    assert renamed["service"] == "SO FormSrv 2"
    path = tmp_path / "cluster.yaml"
    path.write_text(text, encoding="utf-8")
    t = load_topology(path)
    start = generate(t, topology_hash(t.model_dump(mode="json")), "cluster.yaml")["group2/start.bat"]
    assert b'ARMLOAD FormServer2 /S /M "StarOffice FormServer2"' in start


def test_migrate_with_a_topology_pairs_folders_with_groups_by_their_names(tmp_path):
    """Given as group2 then group1 (by folder name, or NAME=DIR), the folders were paired
    with the topology's groups by position: MIGRATION.md compared group1's new scripts with
    group2's old ones and reported 16 differences to review for identical scripts."""
    sample = ROOT / "samples" / "multi-standby.yaml"
    t = load_topology(sample)
    for name, data in generate(t, topology_hash(t.model_dump(mode="json")), sample.name).items():
        (tmp_path / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / name).write_bytes(data)
    site = tmp_path / "site"
    for n, folders in enumerate(([site / "group2", site / "group1"], [f"group2={site / 'group2'}", f"group1={site / 'group1'}"])):
        result = run("migrate", *folders, "--topology", sample, "-o", tmp_path / f"out{n}")
        assert result.exit_code == 0, result.output
        assert "0 behaviour difference(s)" in result.output
    # A folder named as a group goes with it even beside one that names none.
    shutil.copytree(site / "group1", tmp_path / "old-first")
    result = run("migrate", site / "group2", tmp_path / "old-first", "--topology", sample, "-o", tmp_path / "out2")
    assert result.exit_code == 0 and "0 behaviour difference(s)" in result.output, result.output
    refused = run("migrate", f"gx={site / 'group2'}", f"group1={site / 'group1'}", "--topology", sample, "-o", tmp_path / "bad")
    assert refused.exit_code == 2
    assert "the folders name the groups gx, but its failover groups are group1, group2" in refused.stderr
    twice = run("migrate", f"group1={site / 'group1'}", f"group1={site / 'group2'}", "--topology", sample, "-o", tmp_path / "bad")
    assert twice.exit_code == 2 and "both name its group group1" in twice.stderr
    assert not (tmp_path / "bad").exists()
