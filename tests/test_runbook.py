"""RUNBOOK.md: the guide's manual steps in the guide's order, each with its node and section."""

from __future__ import annotations

import re
from pathlib import Path

from sogen.generator.runbook import uninstall
from sogen.topology.load import load_topology
from tests.test_generate import ROOT, generated, write_topology

SINGLE = ROOT / "samples" / "single-standby.yaml"
MULTI = ROOT / "samples" / "multi-standby.yaml"
WHERE = re.compile(r"\*\((?:on `[^`]+`(?:, `[^`]+`)*|CLUSTERPRO manager); section .+?\)\*")


def runbook_of(path: Path, language: str = "en") -> str:
    """The RUNBOOK.md of ``path`` in ``language`` (the tests below read the English wording;
    tests/test_runbook_i18n.py compares the languages)."""
    return generated(path, language)["RUNBOOK.md"].decode("utf-8")


def steps(path: Path) -> list[tuple[str, str | None, str]]:
    plan = uninstall(load_topology(path))
    return [(s.kind, s.node, s.group) for s in plan.workflow + plan.staroffice + plan.groups]


def test_single_standby_uninstall_order():
    """3.3: WorkFlow (sync, active, standby), its database, then 1.3's StarOffice, then the group."""
    assert steps(SINGLE) == [
        ("unsync", None, "sogroup"),
        ("remove-workflow", "SV1", "sogroup"),
        ("remove-workflow", "SV2", "sogroup"),
        ("remove-database", "SV1", "sogroup"),
        ("unsync", None, "sogroup"),
        ("unsetup", "SV1", "sogroup"),
        ("unsetup", "SV2", "sogroup"),
        ("delete-group", None, "sogroup"),
    ]


def test_multi_standby_uninstall_follows_the_ten_steps_of_1_3():
    plan = uninstall(load_topology(MULTI))
    assert [(s.kind, s.node, s.group, s.instance) for s in plan.staroffice] == [
        ("unsync", None, "group1", None),
        ("alenv-prompt", "SV1", "group1", 1),
        ("unsetup", "SV1", "group1", 1),
        ("unsync", None, "group2", None),
        ("alenv-prompt", "SV2", "group2", 2),
        ("unsetup", "SV2", "group2", 2),
        ("alenv-prompt", "SV2", "group1", 1),
        ("unsetup", "SV2", "group1", 1),
        ("alenv-prompt", "SV1", "group2", 2),
        ("unsetup", "SV1", "group2", 2),
    ]
    assert [s.section for s in plan.staroffice] == [f"1.3 ({n})" for n in range(1, 11)]
    assert [s.section for s in plan.workflow] == ["3.4.1.3 1-1", "3.4.1.3 1-2", "3.4.1.3 1-3", "3.4.1.3 2"]
    assert [(s.kind, s.group) for s in plan.groups] == [("delete-group", "group1"), ("delete-group", "group2")]


def test_uninstall_removes_workflow_sync_first_and_warns_before_staroffice():
    plan = uninstall(load_topology(MULTI))
    assert plan.workflow[0].keys == ("HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\WWF Server",)
    assert plan.staroffice[0].keys == ("HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server",)
    text = runbook_of(MULTI)
    uninstall_text = text[text.index("## Uninstall") : text.index("## Retiring")]
    assert uninstall_text.index("Uninstall the WorkFlow server") < uninstall_text.index("Only if the StarOffice user data may go")
    assert "mail, the cabinets" in uninstall_text and "UNSETUP.EXE` from DISK1" in uninstall_text
    assert "decommission" not in uninstall_text  # 1.7 note 4 retires a group; it is not uninstall


def test_every_step_names_its_node_and_section():
    for sample in (SINGLE, MULTI):
        text = runbook_of(sample)
        blocks = re.split(r"\n(?=\s*\d+\. |#)", text[text.index("## 1. ") :])
        numbered = [b for b in blocks if re.match(r"\s*\d+\. ", b)]
        assert numbered
        for block in numbered:
            assert WHERE.search(block), f"{sample.stem}: no node or section in step {block!r}"


SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def test_a_step_on_one_node_runs_where_the_group_is():
    """The MailGateway and WorkFlow sections had the SE work on the standby right after the
    group had moved to the active node, which then holds the switched partition (the guide
    starts both with the move: 2.2.3 1, 3.2 2-1)."""
    moves = re.compile(r"(?:Start group `[^`]+` on|Move group `[^`]+` to|Move the group to) `([^`]+)`")
    for sample in SAMPLES:
        text = runbook_of(sample)
        for section in re.split(r"\n(?=## )", text[text.index("## 1. ") : text.index("## Files")]):
            if not section.startswith("## ") or "Failover group" not in section.splitlines()[0]:
                continue  # "after both groups": every node in turn
            here = None
            for block in re.split(r"\n(?=\s*\d+\. |#)", section):
                moved = moves.search(block)
                if moved:
                    here = moved.group(1)
                    continue
                node = re.search(r"\*\(on `([^`]+)`; section", block)
                if node and re.match(r"\s*\d+\. ", block):
                    assert here == node.group(1), f"{sample.stem}: with the group on {here}: {block.strip()!r}"


def test_the_runbook_names_real_paths_not_variables():
    """The files table said 'merge into %ALROOT%\\bin\\somg\\somg.ini' where step 1.4 gives the real path."""
    for sample in SAMPLES:
        for language in ("en", "ja"):
            assert "%ALROOT%" not in runbook_of(sample, language), (sample.stem, language)


def test_every_file_the_runbook_names_is_generated():
    for sample in (SINGLE, MULTI, ROOT / "samples" / "four-node.yaml"):
        files = generated(sample)
        groups = {name.split("/", 1)[0] for name in files if "/" in name}
        named = {
            path
            for path in re.findall(r"`([^`\s]+/[^`\s]+)`", files["RUNBOOK.md"].decode("utf-8"))
            if path.split("/", 1)[0] in groups
        }
        assert named
        assert named <= set(files), f"{sample.stem}: {sorted(named - set(files))} named but not generated"


def test_multi_standby_workflow_entries_are_server_2_setup():
    text = runbook_of(MULTI)
    group1 = text[text.index("## 1. ") : text.index("## 2. ")]
    group2 = text[text.index("## 2. ") : text.index("## 3. ")]
    assert "procinfo.reg" not in group1 and "services.txt" not in group1
    assert group2.index("Install on the active node") < group2.index("WorkFlow entries of server 2 (section 3.4.1.2)")
    assert "`group2/registry/procinfo.reg`" in group2 and "`group2/services.txt`" in group2


def test_maintenance_sections_of_the_guide():
    text = runbook_of(MULTI)
    assert "## Adding an extended file system (section 1.6.1)" in text
    assert "ホストと通信できません" in text  # 1.7 note 1
    assert 'al2addr.exe /RE:\\SO2 /C "StarOffice Server2" /Palw2 /Sal2' in text  # 1.2.3 multi standby (6)
    assert "note 7" not in text  # no virus scan add-on in this cluster
    scanned = runbook_of(ROOT / "samples" / "four-node.yaml")  # virusbuster-scan
    assert "same settings" in scanned and "*(on `SV3`, `SV4`; section 1.7 note 7)*" in scanned


ORACLE = """
cluster:
  name: ora
  mode: single-standby
  nodes: [{name: SV1, ip: 192.168.0.1}, {name: SV2, ip: 192.168.0.2}]
groups:
  - name: so
    policy: [SV1, SV2]
    virtual_host: sovhost
    virtual_ip: 192.168.0.10
    partitions: [W]
    alroot: 'W:\\SO'
    products:
      - type: staroffice-server
      - type: workflow
        database: oracle
        oracle_sid: PROD
        sql_dir: 'C:\\ORANT'
"""


def test_createsystbl_sql_is_written_with_the_topology_paths(tmp_path):
    files = generated(write_topology(tmp_path, ORACLE))
    sql = files["so/createsystbl.sql"].decode("cp932")
    statements = [line for line in sql.split("\r\n") if line and not line.startswith("REMARK")]
    assert statements == [
        "connect internal/oracle",
        "startup PFILE=W:\\ORANT\\INITPROD.ORA",
        "spool W:\\ORANT\\spool.log",
        "@C:\\ORANT\\RDBMS80\\ADMIN\\CATALOG.SQL",
        "@C:\\ORANT\\RDBMS80\\ADMIN\\CATPROC.SQL",
        "@C:\\ORANT\\RDBMS80\\ADMIN\\UTLCHAIN.SQL",
        "@C:\\ORANT\\RDBMS80\\ADMIN\\UTLXPLAN.SQL",
        "connect system/manager",
        "@C:\\ORANT\\DBS\\PUPBLD.SQL",
        "connect internal/oracle",
        "shutdown normal",
    ]
    chosen = ORACLE + "        oracle_pfile: 'W:\\DB\\initprod.ora'\n        oracle_admin_dir: 'C:\\ORANT\\RDBMS73\\ADMIN'\n"
    sql = generated(write_topology(tmp_path, chosen))["so/createsystbl.sql"].decode("cp932")
    assert "startup PFILE=W:\\DB\\initprod.ora\r\nspool W:\\DB\\spool.log\r\n" in sql
    assert "@C:\\ORANT\\RDBMS73\\ADMIN\\CATALOG.SQL\r\n" in sql
    assert "`so/createsystbl.sql`" in files["RUNBOOK.md"].decode("utf-8")
    # Oracle7 7.3's Server Manager, svrmgr23, goes with its RDBMS73 (the guide's svrmgrxx, rdbmsxx).
    oracle73 = ORACLE.replace("        oracle_sid: PROD\n", "        oracle_sid: PROD\n        svrmgr: svrmgr23\n")
    assert oracle73 != ORACLE
    sql = generated(write_topology(tmp_path, oracle73))["so/createsystbl.sql"].decode("cp932")
    assert "@C:\\ORANT\\RDBMS73\\ADMIN\\CATALOG.SQL\r\n" in sql and "RDBMS80" not in sql


FORMSERVER = """
cluster:
  name: fs
  mode: single-standby
  nodes: [{name: SV1, ip: 192.168.0.1}, {name: SV2, ip: 192.168.0.2}]
groups:
  - name: so
    policy: [SV1, SV2]
    virtual_host: sovhost
    virtual_ip: 192.168.0.10
    partitions: [W]
    products:
      - type: formserver
        online_shells: [Shell1, 帳票シェル]
"""


def test_formserver_online_shells_start_from_the_script_only_when_chosen(tmp_path):
    default = generated(write_topology(tmp_path, FORMSERVER))["so/start.bat"].decode("cp932")
    assert "Shell1" not in default
    chosen = FORMSERVER + "        online_shell_command: 'W:\\FORM\\bin\\olshell.exe'\n"
    files = generated(write_topology(tmp_path, chosen))
    start = files["so/start.bat"].decode("cp932")
    lines = [line.strip() for line in start.split("\r\n")]
    armload = 'ARMLOAD FormServer /S /M "StarOffice FormServer"'
    shells = ['"W:\\FORM\\bin\\olshell.exe" "Shell1"', '"W:\\FORM\\bin\\olshell.exe" "帳票シェル"']
    starts = [i for i, line in enumerate(lines) if line == armload]
    assert len(starts) == 4  # every path that starts FormServer starts its shells right after it
    for i in starts:
        assert lines[i + 1 : i + 3] == shells
    assert "without** starting them with the service" in runbook_of(write_topology(tmp_path, chosen))


# 3.2 3: "現用系サーバにて待機系サーバでのセットアップ手順 1~6を行います" -- only StarOffice's
# own 2-4 are skipped: the active node's DBMS gets the WorkFlow database too (2-5).
def test_the_active_node_repeats_the_workflow_database_steps():
    single = runbook_of(SINGLE)  # SQL Server
    assert "6. Repeat steps 3 to 4 there: the WorkFlow database as this node's DBMS sees it" in single
    multi = runbook_of(MULTI)  # Oracle: createsystbl.sql first, on this node too
    assert "6. Repeat steps 2 to 4 there: the WorkFlow database as this node's DBMS sees it" in multi


# 3.4.1.1: server 2's clients reach WorkFlow through the server link; 1.7 note 5: its connection
# between servers is given virtual host names.
def test_multi_standby_workflow_joins_the_servers_by_virtual_host_names():
    text = runbook_of(MULTI)
    entries = text[text.index("WorkFlow entries of server 2") : text.index("## 3. ")]
    join = entries[entries.index("3. Join server 1 and server 2 with the server link") :]
    assert "`sovhost1`\n   for server 1, `sovhost2` for server 2" in join
    assert "section 3.4.1.1, 1.7 note 5" in join


def test_only_a_second_formserver_is_said_to_have_sogens_names(tmp_path):
    assert "second FormServer" not in runbook_of(MULTI)  # its one FormServer, in group 2
    text = MULTI.read_text(encoding="utf-8")
    both = text.replace("      - type: workflow\n", "      - type: formserver\n      - type: workflow\n", 1)
    assert both != text
    path = write_topology(tmp_path, both)
    group2 = runbook_of(path)
    group2 = group2[group2.index("## 2. ") :]
    assert "This is the cluster's second FormServer" in group2
    assert (
        "These names are sogen's: service: StarOffice FormServer2, watch_id: FormServer2, "
        "registry_key: HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer2;"
    ) in " ".join(group2.split())
    # Named in the topology, its names are the SE's own: only the guide's gap is said.
    own = both.replace(
        "online_shells: [FormShell1, 帳票シェル]",
        "online_shells: [FormShell1, 帳票シェル]\n        watch_id: FSB\n        service: SO FormServer B",
    )
    assert own != both
    text = " ".join(runbook_of(write_topology(tmp_path, own)).split())
    assert "This is the cluster's second FormServer" in text
    assert "These names are sogen's: registry_key: HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer2;" in text
