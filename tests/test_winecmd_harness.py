"""Tests of the Wine batch harness itself (tests/winecmd.py, tests/wine/stub.c).

The expected command lists were written by hand from reading the sample start script
of the guide (tests/guide_sample.py), not by running anything.

Without Wine these tests are skipped, except under CI=true, where they fail: CI must
have run .ci/wine-setup.sh.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.guide_sample import DISK_ERROR, GUIDE_START, expected_guide_start
from tests.winecmd import WineBatchRunner, WineError, require_wine

pytestmark = pytest.mark.wine



@pytest.fixture(scope="module")
def runner():
    require_wine()
    with WineBatchRunner(
        extra_stubs=["svrmgr80"],
        path_stubs=[r"c:\mssql\binn\isql", r"D:\orant\bin\svrmgr30.exe"],
    ) as r:
        yield r


def write_batch(path: Path, text: str) -> Path:
    """Write text as a cp932 batch file with CRLF line endings."""
    body = "\r\n".join(text.strip("\n").split("\n")) + "\r\n"
    path.write_bytes(body.encode("cp932"))
    return path


COMBOS = list(itertools.product(["START", "FAILOVER", "RECOVER", None], ["HOME", "OTHER"], ["SUCCESS", "FAILURE"]))


def arm_env(event: str | None, server: str, disk: str) -> dict[str, str | None]:
    return {"ARMS_EVENT": event, "ARMS_SERVER": server, "ARMS_DISK": disk}


@pytest.fixture(scope="module")
def sample_start(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("sample") / "start.bat"
    copy.write_bytes(GUIDE_START.read_bytes())
    return copy


@pytest.fixture(scope="module")
def matrix_results(runner, sample_start):
    """All 16 combinations in one run_many call (the fast path)."""
    results = runner.run_many([(sample_start, arm_env(*combo)) for combo in COMBOS])
    return dict(zip(COMBOS, results))


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "-".join(str(x) for x in c))
def test_sample_start_script_matrix(matrix_results, combo):
    assert matrix_results[combo] == expected_guide_start(*combo)


@pytest.mark.parametrize(
    "combo", [("START", "HOME", "SUCCESS"), ("FAILOVER", "OTHER", "FAILURE"), (None, "OTHER", "SUCCESS")]
)
def test_single_run_matches(runner, sample_start, combo):
    assert runner.run(sample_start, arm_env(*combo)) == expected_guide_start(*combo)


def test_japanese_message_survives_cp932(runner, tmp_path):
    script = write_batch(
        tmp_path / "jp.bat", 'ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A\nexit'
    )
    assert script.read_bytes().count(b"\r\n") == 2
    assert "切替".encode("cp932") in script.read_bytes()
    assert runner.run(script, {}) == DISK_ERROR


def test_net_is_the_stub_not_wines_builtin(runner, tmp_path):
    script = write_batch(
        tmp_path / "net.bat",
        'net start "StarOffice Server"\nnet stop MSSQLServer\nNET START MSSQLServer\nexit',
    )
    result = runner.run_result(script, {})
    assert result.calls == [
        'net start "StarOffice Server"',
        "net stop MSSQLServer",
        "net START MSSQLServer",
    ]
    # Wine's own net.exe would not have written to the log at all.


def test_stub_on_path_after_cd(runner, tmp_path):
    """The stub folder is first on PATH too, so a script that changes directory still hits it.

    (Not into C:\\windows\\system32: there Wine's net.exe is in the current directory and
    wins, as Windows' would.)
    """
    script = write_batch(tmp_path / "cd.bat", "cd /d C:\\windows\nnet stop MSSQLServer\nexit")
    assert runner.run(script, {}) == ["net stop MSSQLServer"]


def test_full_path_commands(runner, tmp_path):
    script = write_batch(
        tmp_path / "paths.bat",
        "\n".join(
            [
                r"ARMLOADC StarOffice /W PAUSE",
                r"%ALROOT%\bin\al2stop /q",
                r"c:\mssql\binn\isql /Usa /P /I D:\SO1\ACT.SQL /o D:\SO1\ACT.LOG",
                r'"%ALROOT%\bin\backupcmd" /all',
                r'net start "StarOffice Server"',
                r"ARMLOADC StarOffice /W CONTINUE",
                r"exit",
            ]
        ),
    )
    assert runner.run(script, {"ALROOT": runner.alroot}) == [
        "ARMLOADC StarOffice /W PAUSE",
        "al2stop /q",
        r"isql /Usa /P /I D:\SO1\ACT.SQL /o D:\SO1\ACT.LOG",
        "backupcmd /all",
        'net start "StarOffice Server"',
        "ARMLOADC StarOffice /W CONTINUE",
    ]


def test_extra_and_other_drive_stubs(runner, tmp_path):
    script = write_batch(
        tmp_path / "oracle.bat",
        "set ORACLE_SID=ORCL\n"
        "D:\\orant\\bin\\svrmgr30 command=@D:\\orant\\startup.sql\n"
        "svrmgr80 command=@%ORACLE_SID%\n"
        "net start OracleTNSListener\n"
        "exit",
    )
    assert runner.run(script, {}) == [
        r"svrmgr30 command=@D:\orant\startup.sql",
        "svrmgr80 command=@ORCL",
        "net start OracleTNSListener",
    ]


def test_unset_means_unset_and_host_env_does_not_leak(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("ARMS_EVENT", "START")
    script = write_batch(
        tmp_path / "env.bat",
        'IF DEFINED ARMS_EVENT ARMBCAST /MSG "defined %ARMS_EVENT%" /A\n'
        'IF NOT DEFINED ARMS_EVENT ARMBCAST /MSG "undefined" /A\n'
        'ARMBCAST /MSG "%ARMS_SERVER%|%WORDS%" /A\n'
        "set PCT\n"
        "exit",
    )
    env2 = {"ARMS_EVENT": "FAILOVER", "ARMS_SERVER": "OTHER", "WORDS": "a & b ^ c", "PCT": "100%"}
    results = runner.run_many_results([(script, {}), (script, env2), (script, {"ARMS_EVENT": None})])
    assert [r.calls for r in results] == [
        # in a batch file an undefined %VAR% expands to nothing
        ['ARMBCAST /MSG "undefined" /A', 'ARMBCAST /MSG "|" /A'],
        ['ARMBCAST /MSG "defined FAILOVER" /A', 'ARMBCAST /MSG "OTHER|a & b ^ c" /A'],
        ['ARMBCAST /MSG "undefined" /A', 'ARMBCAST /MSG "|" /A'],
    ]
    # "%" in a value is passed through (it is not expanded in a script: Wine's cmd
    # re-scans expanded text for %VAR%, unlike Windows, so only "set" shows it reliably).
    assert "PCT=100%" in results[1].output


def test_exit_ends_only_its_own_job_and_errorlevel(runner, tmp_path):
    first = write_batch(tmp_path / "first.bat", "ARMSLEEP 30\nexit\nARMSLEEP 99")
    second = write_batch(tmp_path / "second.bat", "net stop MSSQLServer\nexit /b %ERRORLEVEL%")
    results = runner.run_many_results(
        [(first, {}), (second, {"SOGEN_STUB_RC_NET": "2"}), (second, {})]
    )
    assert [r.calls for r in results] == [["ARMSLEEP 30"], ["net stop MSSQLServer"], ["net stop MSSQLServer"]]
    assert [r.returncode for r in results[1:]] == [2, 0]


def test_script_path_with_blanks_and_no_calls(runner, tmp_path):
    folder = tmp_path / "a dir & 100%"
    folder.mkdir()
    script = write_batch(folder / "start script.bat", "echo nothing to call\nexit")
    result = runner.run_result(script, {})
    assert result.calls == []
    assert "nothing to call" in result.output


def test_a_stub_that_cannot_log_is_an_error(runner, tmp_path):
    script = write_batch(tmp_path / "lost.bat", "ARMSLEEP 30\nexit")
    with pytest.raises(WineError, match="could not log"):
        runner.run(script, {"SOGEN_TRACE_LOG": "C:\\no\\such\\folder\\log.txt"})


def test_a_lost_line_is_run_again_and_a_repeatable_result_kept(monkeypatch):
    """A flaky run is outvoted; results that agree twice are returned as they are."""
    from tests.winecmd import RunResult

    runs = iter([
        [RunResult(["A", "B"], "", 0), RunResult(["C"], "", 0)],
        [RunResult(["B"], "", 0), RunResult(["C"], "", 0)],  # job 0 lost its first line
        [RunResult(["A", "B"], "", 0)],  # job 0 again: agrees with the first run
    ])
    runner = WineBatchRunner.__new__(WineBatchRunner)
    monkeypatch.setattr(runner, "_require_started", lambda: None, raising=False)
    runner._root = Path("/nonexistent")
    monkeypatch.setattr(runner, "_run_once", lambda jobs: next(runs), raising=False)
    assert [r.calls for r in runner.run_many_results([(Path("a.bat"), {}), (Path("b.bat"), {})])] == [["A", "B"], ["C"]]


def _failing_runs(monkeypatch, outcomes: list) -> tuple[WineBatchRunner, list[int]]:
    """A runner whose batches end as ``outcomes`` say (an exception or a result); returns the call log."""
    calls: list[int] = []
    runner = WineBatchRunner.__new__(WineBatchRunner)
    pending = iter(outcomes)

    def run_in_fresh_folder(jobs):
        calls.append(len(jobs))
        outcome = next(pending)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(runner, "_run_in_fresh_folder", run_in_fresh_folder, raising=False)
    return runner, calls


def test_a_batch_whose_wine_cmd_dies_runs_again(monkeypatch):
    from tests.winecmd import RunResult

    done = [RunResult(["ARMLOAD W_SO1"], "", 0)]
    runner, calls = _failing_runs(monkeypatch, [WineError("driver00.bat exited with 1", "", ""), done])
    assert runner._run_once([(Path("a.bat"), {})]) == done
    assert calls == [1, 1]


def test_what_the_script_did_is_reported_at_once_not_run_again(monkeypatch):
    """A stub that could not log is the script's doing: a retry could end in a Wine
    flake instead (a driver that fails to start) and report that in its place."""
    from tests.winecmd import ScriptError

    flake = WineError("driver00.bat exited with 1", "", "ShellExecuteEx failed")
    runner, calls = _failing_runs(monkeypatch, [ScriptError("job 0 (a.bat): a stub could not log"), flake])
    with pytest.raises(ScriptError, match="could not log"):
        runner._run_once([(Path("a.bat"), {})])
    assert calls == [1]


def test_a_batch_that_fails_every_time_is_reported(monkeypatch):
    from tests.winecmd import BATCH_ATTEMPTS

    failures = [WineError(f"driver00.bat exited with {n}", "", "") for n in range(BATCH_ATTEMPTS)]
    runner, calls = _failing_runs(monkeypatch, failures)
    with pytest.raises(WineError, match=f"exited with {BATCH_ATTEMPTS - 1}"):
        runner._run_once([(Path("a.bat"), {})])
    assert len(calls) == BATCH_ATTEMPTS
