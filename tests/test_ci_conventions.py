"""Issue 15, for Japanese SEs and CI pipelines: sogen on a code page 932 console, the CI
conventions of `sogen lint`, the pre-commit hooks, `generate --check` that fails only for
content, and a JSON Schema that ECMA-262 tools accept. Everything runs as a user runs it:
`python -m sogen` in a subprocess, judged by exit codes, bytes and messages."""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import jsonschema
import pytest
import regress
from ruamel.yaml import YAML

from sogen import __version__

ROOT = Path(__file__).resolve().parent.parent
SINGLE = ROOT / "samples" / "single-standby.yaml"
# An unquoted IF operand (SO201, fixable), a jump to a missing label (SO101), a line with
# Japanese, and an em dash, which code page 932 cannot encode.
BROKEN = "IF %ARMS_EVENT% == START GOTO X\r\nARMBCAST /MSG \"起動中です — 1\" /A\r\n"
# A name with a character cp932 has no bytes for: every format prints it.
NOT_CP932 = "stop—旧.bat"


def sogen(*args, cwd: Path, stdin: bytes | None = None, encoding: str = "cp932") -> subprocess.CompletedProcess:
    """sogen on a console of ``encoding``; stdout and stderr as bytes, to judge their encoding."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOGEN_DEBUG", "NO_COLOR")}
    env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING=encoding)
    return subprocess.run(
        [sys.executable, "-m", "sogen", *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def finding_codes(result: subprocess.CompletedProcess) -> set[str]:
    return {f["code"] for f in json.loads(result.stdout)["findings"]}


def no_crash(result: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr, result.stderr


@pytest.fixture
def broken(tmp_path) -> Path:
    path = tmp_path / NOT_CP932
    path.write_bytes(BROKEN.encode("utf-8"))
    return path


# -- 1. a code page 932 console -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_machine_formats_are_utf8_bytes_whatever_the_console(tmp_path, broken, fmt):
    result = sogen("lint", "--format", fmt, broken.name, cwd=tmp_path)
    no_crash(result)
    assert result.returncode == 1
    text = result.stdout.decode("utf-8")
    assert "stop—旧.bat" in text or "stop%E2%80%94" in text  # SARIF may percent-encode the URI
    if fmt != "github":
        json.loads(text)


def test_human_format_replaces_what_the_console_cannot_show(tmp_path, broken):
    result = sogen("lint", broken.name, cwd=tmp_path)
    no_crash(result)
    assert result.returncode == 1
    text = result.stdout.decode("cp932")
    assert "stop?旧.bat:1:1: SO201" in text


def test_output_file_gets_utf8_whole_and_stdout_nothing(tmp_path, broken):
    (tmp_path / "report.sarif").write_bytes(b"old report")
    result = sogen("lint", "--format", "sarif", "--output-file", "report.sarif", broken.name, cwd=tmp_path)
    no_crash(result)
    assert (result.returncode, result.stdout) == (1, b"")
    document = json.loads((tmp_path / "report.sarif").read_bytes().decode("utf-8"))
    assert document["runs"][0]["results"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([NOT_CP932, "report.sarif"])  # no temporary left


def test_output_file_that_cannot_be_written_is_an_error(tmp_path, broken):
    result = sogen("lint", "--output-file", "missing/report.txt", broken.name, cwd=tmp_path)
    assert result.returncode == 2
    assert b"missing/report.txt: cannot write" in result.stderr


@pytest.mark.parametrize("option", ["--output-file", "--write-baseline"])
def test_a_fifo_a_ci_step_reads_is_written_to_and_stays_a_fifo(tmp_path, broken, option):
    """Renamed over, the FIFO (as root, /dev/null) became a text file and its reader got nothing."""
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.2)  # the reader opens the FIFO first, as `sogen ... > pipe & cat pipe` would
    result = sogen("lint", option, fifo.name, broken.name, cwd=tmp_path)
    reader.join(10)
    no_crash(result)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"SO201" in read[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([NOT_CP932, "report.pipe"])


def test_a_fifo_nothing_reads_is_an_error_at_once_not_a_hang(tmp_path, broken):
    os.mkfifo(tmp_path / "report.pipe")
    result = sogen("lint", "--output-file", "report.pipe", broken.name, cwd=tmp_path)
    assert result.returncode == 2
    assert b"report.pipe: cannot write: a pipe that nothing reads" in result.stderr
    assert stat.S_ISFIFO((tmp_path / "report.pipe").lstat().st_mode)


@pytest.mark.parametrize("command", ["lint --output-file /dev/stdout {file}", "init -o /dev/stdout"])
def test_dev_stdout_redirected_to_a_log_is_appended_to_not_replaced(tmp_path, broken, command):
    """The rename went through /dev/stdout to the shell's log file: what the CI step had
    written before (and after, into the unlinked file) was lost; init asked for --force."""
    log = tmp_path / "ci.log"
    log.write_text("HEADER\n", encoding="utf-8")
    sogen_command = f"{shlex.quote(sys.executable)} -m sogen " + command.format(file=shlex.quote(broken.name))
    script = f"{{ echo before; {sogen_command}; echo after; }} >> {shlex.quote(str(log))}"
    subprocess.run(["sh", "-c", script], cwd=tmp_path, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["HEADER", "before"] and lines[-1] == "after"
    assert any(("SO201" if "lint" in command else "yaml-language-server") in line for line in lines[2:-1])


def test_output_file_dev_stdout_is_standard_output(tmp_path, broken):
    result = sogen("lint", "--format", "json", "--output-file", "/dev/stdout", broken.name, cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout.decode("utf-8"))["findings"]


def test_standard_input_is_traced_and_a_topology_asks_for_its_file(tmp_path):
    """'-' read as a file named '-': 'no such file' for trace, validate and generate."""
    script = (ROOT / "tests" / "legacy" / "guide-141-as-printed" / "start.bat").read_bytes()
    traced = sogen("trace", "-", "--event", "START", cwd=tmp_path, stdin=script)
    assert traced.returncode == 0 and "ARMLOAD StarOffice" in traced.stdout.decode("cp932")
    for command in (("validate", "-"), ("generate", "-", "-o", "out"), ("lint", "--topology", "-", "x.bat")):
        result = sogen(*command, cwd=tmp_path, stdin=SINGLE.read_bytes())
        assert result.returncode == 2
        assert b"-:1:1: a topology is read from a file, whose lines its problems name" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    (tmp_path / "-").write_bytes(script)  # ./- is a file named -, not standard input
    named = sogen("trace", "./-", "--event", "START", cwd=tmp_path, stdin=b"")
    assert named.returncode == 0 and "ARMLOAD StarOffice" in named.stdout.decode("cp932")
    closed = subprocess.run(
        [sys.executable, "-m", "sogen", "trace", "-"], cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True,
        timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=lambda: os.close(0),
    )
    assert closed.returncode == 2 and b"-: standard input is closed" in closed.stderr


def test_trace_speaks_japanese_and_lines_up_its_columns(tmp_path):
    """The headers, end reasons and the unset row were English under --lang ja, and the
    table was padded by characters, not by the columns Japanese takes."""
    script = ROOT / "tests" / "legacy" / "guide-141-as-printed" / "start.bat"
    matrix = sogen("--lang", "ja", "trace", str(script), cwd=tmp_path).stdout.decode("cp932").splitlines()
    assert matrix[1].split()[3:] == ["操作", "終了"] and matrix[-1].startswith("(未設定)")
    def column(line: str, text: str) -> int:  # on the terminal: a Japanese character takes two
        before = line[: line.rindex(text)]
        return len(before) + sum(unicodedata.east_asian_width(c) in "WF" for c in before)

    assert len({column(line, "EXIT で終了") for line in matrix[2:]} | {column(matrix[1], "終了")}) == 1
    one = sogen("--lang", "ja", "trace", str(script), "--event", "START", cwd=tmp_path).stdout.decode("cp932")
    assert one.rstrip().endswith("終了: 54 行目の EXIT、終了コード 0 (プログラムのもので、成功したものとみなした値)")


@pytest.mark.parametrize("name, kind", [("opcntrl.reg", "a registry patch"), ("cluster.yaml", "a topology file")])
def test_trace_refuses_what_is_no_script(tmp_path, name, kind):
    (tmp_path / name).write_bytes(b"REGEDIT4\r\n")
    result = sogen("trace", name, cwd=tmp_path)
    assert result.returncode == 2
    assert f"{name}: is {kind}, not a script; give a .bat or .cmd file".encode() in result.stderr


def test_rule_trace_generate_and_validate_on_a_cp932_console(tmp_path, broken):
    for code in ("SO101", "SO201", "SO501"):
        rule = sogen("rule", code, cwd=tmp_path)
        no_crash(rule)
        assert rule.returncode == 0 and rule.stdout.decode("cp932").startswith(f"# {code}")
    trace = sogen("trace", broken.name, cwd=tmp_path)
    no_crash(trace)
    assert trace.returncode == 0 and trace.stdout.decode("cp932").startswith("stop?旧.bat\n")
    diff = sogen("generate", SINGLE, "-o", "out", "--diff", cwd=tmp_path)
    no_crash(diff)
    assert diff.returncode == 1 and "最高プライオリティサーバで起動中です" in diff.stdout.decode("cp932")
    generate = sogen("generate", SINGLE, "-o", "out", cwd=tmp_path)
    assert generate.returncode == 0 and "created" in generate.stderr.decode("cp932")
    topology = tmp_path / "cluster.yaml"
    topology.write_text(SINGLE.read_text(encoding="utf-8").replace("name: sogroup", "name: 営業1"), encoding="utf-8")
    validate = sogen("validate", topology.name, cwd=tmp_path)
    no_crash(validate)
    assert validate.returncode == 2 and "'営業1' is not allowed" in validate.stderr.decode("cp932")


# -- 4. CI conventions of sogen lint ---------------------------------------------------


def test_nothing_to_lint_is_an_error_not_a_pass(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a script", encoding="utf-8")
    result = sogen("lint", "empty", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode() == "sogen lint: nothing to lint in empty: no .bat, .cmd or .reg file\n"


def test_a_named_file_is_linted_whatever_its_extension(tmp_path):
    (tmp_path / "start.txt").write_bytes(BROKEN.encode("utf-8"))
    result = sogen("lint", "--format", "json", "start.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert "SO201" in finding_codes(result)
    with (tmp_path / "start.txt").open("rb") as stdin:  # /dev/stdin redirected from a file
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        redirected = subprocess.run(
            [sys.executable, "-m", "sogen", "lint", "/dev/stdin"],
            stdin=stdin,
            capture_output=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
    assert redirected.returncode == 1 and b"SO201" in redirected.stdout


def test_standard_input_is_linted_as_the_named_file(tmp_path):
    result = sogen(
        "lint", "-", "--stdin-filename", "start.bat", "--format", "json", cwd=tmp_path, stdin=BROKEN.encode("utf-8")
    )
    assert result.returncode == 1
    assert {f["path"] for f in json.loads(result.stdout)["findings"]} == {"start.bat"}
    assert "SO203" in finding_codes(result)  # a start script: the events it must handle
    assert sogen("lint", "-", "--fix", cwd=tmp_path, stdin=b"exit\r\n").returncode == 2


def test_quiet_statistics_and_exit_zero(tmp_path, broken):
    quiet = sogen("lint", "-q", broken.name, cwd=tmp_path).stdout.decode("cp932")
    assert "SO201" in quiet and "Found" not in quiet
    statistics = sogen("lint", "--statistics", "--select", "SO101,SO201", broken.name, cwd=tmp_path)
    assert statistics.returncode == 1
    assert statistics.stdout.decode() == "1\tSO101\t    undefined-label\n1\tSO201\t[*] unquoted-if-operand\n"
    as_json = sogen("lint", "--statistics", "--format", "json", "--select", "SO201", broken.name, cwd=tmp_path)
    assert json.loads(as_json.stdout) == [
        {"code": "SO201", "name": "unquoted-if-operand", "count": 1, "fixable": True}
    ]
    zero = sogen("lint", "--exit-zero", broken.name, cwd=tmp_path)
    assert zero.returncode == 0 and b"SO201" in zero.stdout
    assert sogen("lint", "--exit-zero", "missing.bat", cwd=tmp_path).returncode == 2


def test_extend_select_adds_to_the_configured_rules(tmp_path, broken):
    (tmp_path / ".sogen.toml").write_text('select = ["SO1"]\n', encoding="utf-8")
    assert finding_codes(sogen("lint", "--format", "json", broken.name, cwd=tmp_path)) == {"SO101"}
    extended = sogen("lint", "--format", "json", "--extend-select", "SO201", broken.name, cwd=tmp_path)
    assert finding_codes(extended) == {"SO101", "SO201"}


def test_baseline_must_exist_and_write_baseline_records(tmp_path, broken):
    missing = sogen("lint", "--baseline", "baseline.json", broken.name, cwd=tmp_path)
    assert missing.returncode == 2 and not (tmp_path / "baseline.json").exists()
    assert b"--baseline baseline.json: no such file; record one with --write-baseline" in missing.stderr
    (tmp_path / "baseline.json").write_text("old", encoding="utf-8")
    recorded = sogen("lint", "--write-baseline", "baseline.json", broken.name, cwd=tmp_path)
    assert (recorded.returncode, recorded.stdout) == (0, b"")
    assert json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert sogen("lint", "--baseline", "baseline.json", broken.name, cwd=tmp_path).returncode == 0


def test_version_on_the_top_level(tmp_path):
    for flag in ("-V", "--version"):
        result = sogen(flag, cwd=tmp_path)
        assert (result.returncode, result.stdout.decode()) == (0, f"sogen {__version__}\n")


def test_per_file_ignores_match_windows_paths_case_insensitively(tmp_path):
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "stop.bat").write_bytes(BROKEN.encode("utf-8"))
    (tmp_path / ".sogen.toml").write_text('[per-file-ignores]\n"Legacy\\\\*.BAT" = ["SO2"]\n', encoding="utf-8")
    codes = finding_codes(sogen("lint", "--format", "json", "legacy", cwd=tmp_path))
    assert "SO101" in codes and not any(c.startswith("SO2") for c in codes)


# -- 6. pre-commit ---------------------------------------------------------------------


def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}


def test_lint_hooks_match_script_names_in_any_case():
    for hook_id in ("sogen-lint", "sogen-lint-fix"):
        # pre-commit matches `files` with Python's re.search.
        pattern = re.compile(hooks()[hook_id]["files"])
        assert all(pattern.search(n) for n in ("STOP.BAT", "registry/OPCNTRL.REG", "start.cmd", "Start.Bat"))
        assert not any(pattern.search(n) for n in ("README.md", "start.bat.j2"))
    assert hooks()["sogen-lint-fix"]["entry"] == "sogen lint --fix"


def test_generate_check_hook_runs_once_with_the_topology_and_out_from_args(tmp_path):
    hook = hooks()["sogen-generate-check"]
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    command = [*hook["entry"].split()[1:], SINGLE, "-o", "out"]  # as pre-commit runs it with args
    assert sogen(*command, cwd=tmp_path).returncode == 1
    sogen("generate", SINGLE, "-o", "out", cwd=tmp_path)
    assert sogen(*command, cwd=tmp_path).returncode == 0


# -- 7. generate --check fails for content only -----------------------------------------


def test_a_renamed_identical_topology_is_up_to_date(tmp_path):
    assert sogen("generate", SINGLE, "-o", "out", cwd=tmp_path).returncode == 0
    renamed = tmp_path / "renamed.yaml"
    renamed.write_bytes(SINGLE.read_bytes())
    check = sogen("generate", renamed.name, "-o", "out", "--check", cwd=tmp_path)
    assert (check.returncode, check.stdout) == (0, b"")
    assert sogen("generate", renamed.name, "-o", "out", "--diff", cwd=tmp_path).returncode == 0


def test_the_version_is_in_the_manifest_only_and_an_upgrade_is_not_stale(tmp_path):
    sogen("generate", SINGLE, "-o", "out", cwd=tmp_path)
    out = tmp_path / "out"
    for path in out.rglob("*"):
        if path.is_file() and path.name != "manifest.json":
            assert __version__.encode() not in path.read_bytes().replace(b"\x00", b""), path
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sogen"] == __version__
    manifest["sogen"] = "0.0.1"  # written by an older sogen that generated the same files
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    assert sogen("generate", SINGLE, "-o", "out", "--check", cwd=tmp_path).returncode == 0


def test_generate_diff_exits_1_when_something_would_change(tmp_path):
    assert sogen("generate", SINGLE, "-o", "out", "--diff", cwd=tmp_path).returncode == 1
    sogen("generate", SINGLE, "-o", "out", cwd=tmp_path)
    assert sogen("generate", SINGLE, "-o", "out", "--diff", cwd=tmp_path).returncode == 0
    start = tmp_path / "out" / "sogroup" / "start.bat"
    start.write_bytes(start.read_bytes() + b"rem edited\r\n")
    diff = sogen("generate", SINGLE, "-o", "out", "--diff", cwd=tmp_path)
    assert diff.returncode == 1 and b"-rem edited" in diff.stdout
    assert sogen("generate", SINGLE, "-o", "out", "--check", cwd=tmp_path).returncode == 1


# -- 8. a JSON Schema that ECMA-262 tools accept ----------------------------------------


def schema_patterns(node) -> list[str]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in ([value] if key == "pattern" else schema_patterns(value))]
    if isinstance(node, list):
        return [p for value in node for p in schema_patterns(value)]
    return []


def test_every_schema_pattern_is_an_ecma262_regex_and_the_schema_is_valid():
    schema = json.loads((ROOT / "schemas" / "topology.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    patterns = set(schema_patterns(schema))
    assert patterns
    for pattern in patterns:
        # Unicode mode, as check-jsonschema compiles them: it refuses escapes such as \" .
        regress.Regex(pattern, flags="u")


def test_the_alroot_pattern_means_the_same_in_python_and_ecma262():
    schema = json.loads((ROOT / "schemas" / "topology.schema.json").read_text(encoding="utf-8"))
    alroot = schema["$defs"]["Group"]["properties"]["alroot"]["anyOf"][0]["pattern"]
    ecma, python = regress.Regex(alroot, flags="u"), re.compile(alroot)
    for value, valid in (("D:\\SO", True), ("D:\\SO\\bin", True), ("D:\\S O", False), ('D:\\S"O', False), ("SO", False)):
        assert (ecma.find(value) is not None, python.search(value) is not None) == (valid, valid), value
