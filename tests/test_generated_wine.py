"""Generated scripts run for real under Wine's cmd.exe, for every combination.

The expected command sequences are written here by hand from the guide's
script shape (DOMAIN.md) and each sample's products; they are not computed by
sogen. Wine runs the scripts with stub ARM/DB commands that record their
arguments, in both dialects: generated with ``settings.dialect: arm`` and run
with ARMS_* set, and with ``clp`` and run with CLUSTERPRO X's CLP_* set.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from sogen.generator.artifacts import generate
from sogen.topology.load import load_topology, topology_hash


pytestmark = pytest.mark.wine

ROOT = Path(__file__).resolve().parent.parent
# settings.dialect -> the variables the cluster sets (event, server, disk).
DIALECT_VARIABLES = {
    "arm": ("ARMS_EVENT", "ARMS_SERVER", "ARMS_DISK"),
    "clp": ("CLP_EVENT", "CLP_SERVER", "CLP_DISK"),
}
EVENTS = ("START", "FAILOVER", "RECOVER", None)
SERVERS = ("HOME", "OTHER")
DISKS = ("SUCCESS", "FAILURE")

GUIDE_MESSAGES = {
    "start_home": "最高プライオリティサーバで起動中です",
    "start_other": "プライオリティサーバ以外で起動中です",
    "start_home_failover": "最高プライオリティサーバで起動中です(フェイルオーバ後)",
    "start_other_failover": "プライオリティサーバ以外で起動中です(フェイルオーバ後)",
    "start_recover": "Serverの復旧が終了しました",
    "stop_home": "最高プライオリティサーバで終了中です",
    "stop_other": "プライオリティサーバ以外で終了です",
    "stop_home_failover": "最高プライオリティサーバで終了中です(フェイルオーバ後)",
    "stop_other_failover": "プライオリティサーバ以外で終了中です(フェイルオーバ後)",
    "disk_error": "切替パーティションの接続に失敗しました",
    "no_arm": "ActiveRecoveryManagerが動作状態にありません",
}

SQLSERVER_ACT = 'isql /Usa /P /I "C:\\MSSQL\\ACT.SQL" /o "C:\\MSSQL\\ACT.LOG"'
SQLSERVER_DEACT = 'isql /Usa /P /I "C:\\MSSQL\\deact.sql" /o "C:\\MSSQL\\deact.log"'
SO1_START = 'ARMLOAD StarOffice /S /M "StarOffice Server"'
SO2_START = 'ARMLOAD StarOffice2 /S /M "StarOffice Server2"'
MG_START = 'ARMLOAD SOMailGateway /S /M "StarOffice-MailGateway-Service"'
WF_START = 'ARMLOAD WorkFlow /S /M "WWF Server"'

# (sample, group) -> the actions after the broadcast, per script and server.
EXPECTED_ACTIONS = {
    ("single-standby", "sogroup"): {
        ("start", "HOME"): ['net start "MSSQLServer"', SO1_START, MG_START, WF_START],
        ("start", "OTHER"): ['net start "MSSQLServer"', SQLSERVER_ACT, SO1_START, MG_START, WF_START],
        ("stop", "HOME"): ["ARMKILL WorkFlow", "ARMKILL SOMailGateway", "ARMKILL StarOffice",
                           'net stop "MSSQLServer"', "ARMSLEEP 30"],
        ("stop", "OTHER"): ["ARMKILL WorkFlow", "ARMKILL SOMailGateway", "ARMKILL StarOffice",
                            SQLSERVER_DEACT, 'net stop "MSSQLServer"', "ARMSLEEP 30"],
    },
    ("multi-standby", "group1"): {
        ("start", "HOME"): ['net start "OracleServiceORCL"', 'net start "OracleTNSListener"',
                            "svrmgr30 command=@C:\\ORANT\\startup.sql", SO1_START, WF_START],
        ("start", "OTHER"): ['net start "OracleServiceORCL"', 'net start "OracleTNSListener"',
                             "svrmgr30 command=@C:\\ORANT\\startup.sql", SO1_START, WF_START],
        ("stop", "HOME"): ["ARMKILL WorkFlow", "ARMKILL StarOffice", "svrmgr30 command=@C:\\ORANT\\shutdown.sql",
                           'net stop "OracleTNSListener"', 'net stop "OracleServiceORCL"', "ARMSLEEP 30"],
        ("stop", "OTHER"): ["ARMKILL WorkFlow", "ARMKILL StarOffice", "svrmgr30 command=@C:\\ORANT\\shutdown.sql",
                            'net stop "OracleTNSListener"', 'net stop "OracleServiceORCL"', "ARMSLEEP 30"],
    },
    ("multi-standby", "group2"): {
        ("start", "HOME"): [SO2_START, 'ARMLOAD FormServer /S /M "StarOffice FormServer"'],
        ("start", "OTHER"): [SO2_START, 'ARMLOAD FormServer /S /M "StarOffice FormServer"'],
        ("stop", "HOME"): ["ARMKILL FormServer", "ARMKILL StarOffice2"],
        ("stop", "OTHER"): ["ARMKILL FormServer", "ARMKILL StarOffice2"],
    },
    ("four-node", "so-main"): {
        ("start", "HOME"): [SO1_START, MG_START, 'ARMLOAD SOWebIF /S /M "StarOffice WEBINTERFACE"'],
        ("start", "OTHER"): [SO1_START, MG_START, 'ARMLOAD SOWebIF /S /M "StarOffice WEBINTERFACE"'],
        ("stop", "HOME"): ["ARMKILL SOWebIF", "ARMKILL SOMailGateway", "ARMKILL StarOffice"],
        ("stop", "OTHER"): ["ARMKILL SOWebIF", "ARMKILL SOMailGateway", "ARMKILL StarOffice"],
    },
}

SAMPLE_MESSAGES = {
    "single-standby": GUIDE_MESSAGES,
    "multi-standby": GUIDE_MESSAGES,
    "four-node": {
        **GUIDE_MESSAGES,
        "start_home": "Starting on the highest priority server",
        "start_other": "Starting on a non-priority server",
        "stop_home": "Stopping on the highest priority server",
        "stop_other": "Stopping on a non-priority server",
    },
}


def broadcast(text: str) -> str:
    return f'ARMBCAST /MSG "{text}" /A'


def expected_sequence(kind, event, server, disk, actions, messages) -> list[str]:
    """What the guide's script shape does for one combination."""
    handled = ("START", "FAILOVER", "RECOVER") if kind == "start" else ("START", "FAILOVER")
    if event not in handled:
        return [broadcast(messages["no_arm"])]
    if event == "RECOVER":
        return [broadcast(messages["start_recover"])]
    if disk == "FAILURE":
        return [broadcast(messages["disk_error"])]
    key = f"{kind}_{'other' if server == 'OTHER' else 'home'}{'_failover' if event == 'FAILOVER' else ''}"
    return [broadcast(messages[key])] + actions[(kind, server)]


def environment(dialect, event, server, disk) -> dict[str, str | None]:
    return dict(zip(DIALECT_VARIABLES[dialect], (event, server, disk)))




@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The samples generated in each dialect: <folder>/<dialect>/<sample>/..."""
    folder = tmp_path_factory.mktemp("generated")
    for sample in sorted((ROOT / "samples").glob("*.yaml")):
        loaded = load_topology(sample)
        for dialect in DIALECT_VARIABLES:
            t = loaded.model_copy(update={"settings": loaded.settings.model_copy(update={"dialect": dialect})})
            for name, data in generate(t, topology_hash(t.model_dump(mode="json")), sample.name).items():
                path = folder / dialect / sample.stem / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    return folder


@pytest.mark.parametrize("dialect", DIALECT_VARIABLES)
def test_every_combination_of_every_generated_script(wine_runner, outputs, dialect):
    jobs, expectations = [], []
    for (sample, group), actions in EXPECTED_ACTIONS.items():
        for kind in ("start", "stop"):
            script = outputs / dialect / sample / group / f"{kind}.bat"
            for event, server, disk in itertools.product(EVENTS, SERVERS, DISKS):
                jobs.append((script, environment(dialect, event, server, disk)))
                expectations.append(
                    (f"{dialect}/{sample}/{group}/{kind}.bat {event}/{server}/{disk}",
                     expected_sequence(kind, event, server, disk, actions, SAMPLE_MESSAGES[sample]))
                )
    recorded = wine_runner.run_many(jobs)
    mismatches = [
        f"{where}:\n  expected {want}\n  recorded {got}"
        for (where, want), got in zip(expectations, recorded)
        if got != want
    ]
    assert not mismatches, "\n".join(mismatches)
    assert len(jobs) == 4 * 2 * 16


def test_backup_script_pauses_stops_starts_and_continues(wine_runner, outputs):
    (calls,) = wine_runner.run_many([(outputs / "arm" / "four-node" / "so-main" / "backup.bat", {})])
    assert calls == [
        "ARMLOADC StarOffice /W PAUSE",
        "al2stop /q",
        'net start "StarOffice Server"',
        "ARMLOADC StarOffice /W CONTINUE",
    ]


def test_backup_script_does_nothing_where_the_group_is_not_running(wine_runner, outputs, tmp_path):
    # The RUNBOOK schedules it on every node; on the standby the switched partition holding
    # ALROOT is not there: no pause, no al2stop, no net start of a service whose files are
    # elsewhere. (The shared Wine prefix may hold a stub under E:\SO2 from other tests: the
    # install root here is one nothing creates.)
    generated = (outputs / "arm" / "multi-standby" / "group2" / "backup.bat").read_bytes()
    assert b"SET ALROOT=E:\\SO2\r\n" in generated
    script = tmp_path / "backup.bat"
    script.write_bytes(generated.replace(b"SET ALROOT=E:\\SO2\r\n", b"SET ALROOT=R:\\sogen-not-mounted\r\n"))
    (calls,) = wine_runner.run_many([(script, {})])
    assert calls == []
