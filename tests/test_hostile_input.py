"""Issue #12, safe under hostile input: nothing hangs or exhausts memory, nothing ends in a traceback.

Class 3: FIFOs, devices, huge files, YAML alias bombs, deep nesting and endless digits are
each refused quickly, with a message naming the file (and line and column where there is
one), exit status 2. What could hang runs in a subprocess with a timeout.

Class 4: wrong types and encodings anywhere in a topology, configuration, baseline or legacy
folder become such a message; a bug that still escapes prints one line and exits 3.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sogen import EXIT_INTERNAL, EXIT_USAGE, __version__
from sogen.cli import entry
from sogen.cli.lint import run_lint
from sogen.lint.engine import BASELINE_KEYS
from sogen.migrate.importer import import_folders
from sogen.migrate.recover import ImportError_
from sogen.textio import MAX_SOURCE_BYTES
from sogen.topology.load import MAX_DEPTH, MAX_TOPOLOGY_BYTES, MAX_VALUES, TopologyError, load_topology

ROOT = Path(__file__).resolve().parent.parent
SINGLE = ROOT / "samples" / "single-standby.yaml"
LEGACY = Path(__file__).parent / "legacy" / "guide-32-sqlserver"
# Every input here hung sogen for good, or took it half a minute or more, before the fix.
# The subprocess timeout is generous for a slow CI machine and still far below that.
TIMEOUT = 20
# Refusing a hostile topology in-process, once the modules are loaded.
QUICK = 1.0

pytestmark = pytest.mark.skipif(
    not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="needs FIFOs and /dev/zero"
)

SPECIALS = ["fifo", "/dev/zero", "/dev/urandom"]
REASONS = {
    "fifo": "is a named pipe (FIFO), not a regular file",
    "/dev/zero": "is a character device, not a regular file",
    "/dev/urandom": "is a character device, not a regular file",
}

CLEAN_SCRIPT = (
    b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\n'
    b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n:EXIT\r\nexit\r\n'
)


def python(*args, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Python with this checkout's sogen; a hang fails the test with TimeoutExpired."""
    environment = {k: v for k, v in os.environ.items() if k != "SOGEN_DEBUG"}
    environment.update(PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run(
        [sys.executable, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=environment, timeout=TIMEOUT
    )


def sogen(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return python("-m", "sogen", *args, cwd=cwd)


def place(kind: str, target: Path) -> Path:
    """A FIFO at ``target``, or a symbolic link there to the device ``kind``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(kind)
    return target


def lint(*paths, **options) -> tuple[int, str, str]:
    """`sogen lint` in-process, for inputs that are regular files (nothing can block)."""
    out, err = io.StringIO(), io.StringIO()
    code = run_lint([str(p) for p in paths], stdout=out, stderr=err, **options)
    return code, out.getvalue(), err.getvalue()


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """What `sogen generate` writes for the single standby sample (group sogroup, with somg.ini)."""
    out = tmp_path_factory.mktemp("generated") / "out"
    result = sogen("generate", SINGLE, "-o", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module", autouse=True)
def modules_loaded():
    """Time bounds below measure sogen's work, not importing pydantic the first time."""
    load_topology(SINGLE)


def legacy_group(folder: Path) -> Path:
    shutil.copytree(LEGACY, folder)
    return folder


# == Class 3: input that hangs or exhausts ===============================================


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("command", ["validate", "generate"])
def test_a_topology_that_is_no_regular_file_is_refused(tmp_path, kind, command):
    topology = place(kind, tmp_path / "cluster.yaml")
    out = tmp_path / "out"
    result = sogen(command, topology, *(["-o", out] if command == "generate" else []))
    assert result.returncode == EXIT_USAGE
    assert result.stderr.splitlines()[0] == f"{topology}:1:1: {REASONS[kind]}"
    assert not out.exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_named_as_topology_is_refused(device):
    result = sogen("validate", device)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.splitlines()[0] == f"{device}:1:1: is a character device, not a regular file"


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("options", [[], ["--matrix"], ["--format", "json"]])
def test_trace_of_a_script_that_is_no_regular_file_is_refused(tmp_path, kind, options):
    script = place(kind, tmp_path / "start.bat")
    result = sogen("trace", script, *options)
    assert result.returncode == EXIT_USAGE
    assert result.stderr == f"sogen trace: {script}: {REASONS[kind]}\n" and result.stdout == ""


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("name", ["x.bat", "deeper/y.cmd", "z.reg"])
def test_lint_skips_and_reports_special_files_in_a_folder(tmp_path, kind, name):
    folder = tmp_path / "group1"
    folder.mkdir()
    (folder / "start.bat").write_bytes(CLEAN_SCRIPT.replace(b'"START"', b"START"))  # an SO finding
    place(kind, folder / name)
    result = sogen("lint", "group1", cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert f"sogen lint: {Path('group1', name)}: {REASONS[kind]}" in result.stderr.splitlines()
    assert f"{Path('group1', 'start.bat')}:1:" in result.stdout  # the other files are still linted
    no_traceback(result)


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("name", ["x.bat", "pipe", "somg.ini"])
def test_lint_reports_a_special_file_named_on_the_command_line(tmp_path, kind, name):
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    place(kind, tmp_path / name)
    result = sogen("lint", name, "start.bat", cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.splitlines() == [f"sogen lint: {name}: {REASONS[kind]}"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_lint_reports_a_device_named_on_the_command_line(device):
    result = sogen("lint", device)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.splitlines() == [f"sogen lint: {device}: is a character device, not a regular file"]


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("name", ["sogroup/somg.ini", "RUNBOOK.md"])
def test_lint_topology_skips_and_reports_special_somg_ini_and_runbook(tmp_path, generated, kind, name):
    out = tmp_path / "out"
    shutil.copytree(generated, out)
    place(kind, out / name)
    result = sogen("lint", "--topology", SINGLE, "out", cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    expected = f"sogen lint: {Path('out', name)}: {REASONS[kind]}; not checked against the topology"
    assert result.stderr.splitlines() == [expected]


@pytest.mark.parametrize("kind", SPECIALS)
def test_lint_topology_that_is_no_regular_file(tmp_path, kind):
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    topology = place(kind, tmp_path / "cluster.yaml")
    result = sogen("lint", "--topology", topology, "start.bat", cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert f"{topology}:1:1: {REASONS[kind]}" in result.stderr.splitlines()


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero"])
@pytest.mark.parametrize(
    "option, name",
    [("--baseline", "baseline.json"), ("--config", "settings.toml"), (None, ".sogen.toml"), (None, "pyproject.toml")],
)
def test_lint_baseline_and_config_that_are_no_regular_files(tmp_path, kind, option, name):
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    place(kind, tmp_path / name)
    result = sogen("lint", "start.bat", *([option, name] if option else []), cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    shown = name if option else tmp_path / name  # a found configuration is named by its full path
    assert result.stderr.splitlines() == [f"sogen lint: {shown}: {REASONS[kind]}"]


@pytest.mark.parametrize(
    "kind, name",
    [
        ("fifo", "start.bat"),
        ("fifo", "stop.bat"),
        ("fifo", "alenv1.bat"),
        ("fifo", "somg.ini"),
        ("fifo", "backup.bat"),
        ("fifo", "registry/opcntrl.reg"),
        ("fifo", "other.bat"),
        ("/dev/zero", "start.bat"),
        ("/dev/urandom", "somg.ini"),
        ("/dev/zero", "x.reg"),
    ],
)
def test_import_refuses_a_legacy_folder_with_a_special_file(tmp_path, kind, name):
    folder = legacy_group(tmp_path / "so1")
    place(kind, folder / name)
    result = sogen("import", "so1", "-o", "cluster.yaml", cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert f"{Path('so1', name)}: {REASONS[kind]}" in result.stderr
    assert result.stderr.rstrip().endswith("nothing was written")
    assert not (tmp_path / "cluster.yaml").exists()


@pytest.mark.parametrize(
    "kind, name, with_topology",
    [
        ("fifo", "start.bat", False),
        ("/dev/zero", "somg.ini", False),
        # Given a topology, migrate reads the scripts only (somg.ini is not read at all).
        ("fifo", "start.bat", True),
        ("/dev/urandom", "other.bat", True),
    ],
)
def test_migrate_refuses_a_legacy_folder_with_a_special_file(tmp_path, kind, name, with_topology):
    folder = legacy_group(tmp_path / "so1")
    place(kind, folder / name)
    topology = ["--topology", SINGLE] if with_topology else []
    result = sogen("migrate", "so1", "-o", "out", *topology, cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert f"{Path('so1', name)}: {REASONS[kind]}" in result.stderr
    assert not (tmp_path / "out").exists()
    no_traceback(result)


# -- sizes ----------------------------------------------------------------------------


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space or time to write."""
    with open(path, "wb") as stream:
        stream.truncate(size)
    return path


def test_a_50_mb_topology_is_refused_by_its_size(tmp_path):
    path = sparse(tmp_path / "t.yaml", 50 << 20)
    start = time.perf_counter()
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    assert time.perf_counter() - start < QUICK
    assert [str(p) for p in info.value.problems] == [f"{path}:1:1: is 50 MiB; at most 256 KiB is allowed"]


def test_a_topology_one_byte_over_the_cap_is_refused_and_one_at_it_is_read(tmp_path):
    head = SINGLE.read_bytes() + b"# "
    path = tmp_path / "t.yaml"
    path.write_bytes(head + b"x" * (MAX_TOPOLOGY_BYTES - len(head) - 1) + b"\n")
    assert load_topology(path).cluster.name == "so-single"
    path.write_bytes(head + b"x" * (MAX_TOPOLOGY_BYTES - len(head)) + b"\n")
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    assert [str(p) for p in info.value.problems] == [f"{path}:1:1: is 256.1 KiB; at most 256 KiB is allowed"]


def test_a_million_partitions_answer_quickly(tmp_path):
    text = SINGLE.read_text(encoding="utf-8").replace("partitions: [D]", "partitions: [" + "D," * 1_000_000 + "D]")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = sogen("validate", path)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.splitlines()[0] == f"{path}:1:1: is 2 MiB; at most 256 KiB is allowed"


def test_a_script_over_the_cap_is_skipped_and_reported(tmp_path):
    big = tmp_path / "big.bat"
    big.write_bytes(CLEAN_SCRIPT * (MAX_SOURCE_BYTES // len(CLEAN_SCRIPT) + 1))
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    code, out, err = lint(tmp_path)
    assert code == EXIT_USAGE
    assert err.splitlines() == [f"sogen lint: {big}: is 1.1 MiB; at most 1 MiB is allowed"]


@pytest.mark.parametrize("name, data", [
    # Each label passed is a place later walks may take up; a walk through all of them
    # once took 86 s to keep what followed each.
    ("chain.bat", b"".join(b":L%d\r\nGOTO L%d\r\n" % (i, i + 1) for i in range(45_000)) + b":L45000\r\n"),
    ("loop.bat", b'IF "%ARMS_EVENT%" == "START" GOTO L\r\n:L\r\nSET /A N+=1\r\nGOTO L\r\n'),
    ("blocks.bat", b"IF 1==1 (\r\n" * 10_000 + b"echo deep\r\n" + b")\r\n" * 10_000),
    # A FOR list that never closes (DO forgotten, or a ^" read as a quote): reading it
    # once tried every way to end each quoted item, doubling with each one (15: a hang).
    ("no_do.bat", b"FOR %%a IN (" + b'"a" ' * 60 + b")\r\n"),
    ("escaped_quote.bat", b"FOR /F %%B IN ('type \"x\"" + b' ^| findstr /B "@"' * 30 + b' ^| findstr ".exe\\"^"\') DO (\r\necho %%B\r\n)\r\n'),
    # A string doubled 81 times (a public drawing script): cmd stops a value at 8191
    # characters; sogen filled the memory until the system killed it.
    ("doubling.bat", b'SETLOCAL EnableDelayedExpansion\r\nFOR /L %%i IN (0,1,80) DO SET "S=!S!!S!  "\r\n'),
    # SO201 pairs each ENDLOCAL with its SETLOCAL and looks at the labels above each SET:
    # once by scanning all of them each time (15,000 such scopes took 43 s).
    ("scopes.bat", b"".join(b":L%d\r\nsetlocal\r\nset V%d=1\r\nendlocal\r\n" % (i, i) for i in range(20_000))
     + b"IF %V1% == 1 echo x\r\n"),
], ids=["45,000 labels", "a loop", "10,000 blocks", "a FOR list without DO", "a FOR list with ^\"", "a doubled string",
        "20,000 SETLOCAL scopes"])
def test_pathological_scripts_are_linted_and_traced_in_time(tmp_path, name, data):
    script = tmp_path / name
    script.write_bytes(data)
    assert sogen("lint", "--no-cache", script).returncode in (0, 1)
    assert sogen("trace", script).returncode == 0


@pytest.mark.parametrize("name, size, message", [
    ("baseline.json", 17 << 20, "is 17 MiB; at most 16 MiB is allowed"),
    (".sogen.toml", 2 << 20, "is 2 MiB; at most 1 MiB is allowed"),
])
def test_a_baseline_or_config_over_the_cap(tmp_path, name, size, message):
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    path = sparse(tmp_path / name, size)
    options = {"baseline": path} if name.endswith(".json") else {}
    code, _, err = lint(tmp_path / "start.bat", **options)
    assert code == EXIT_USAGE
    assert err.splitlines() == [f"sogen lint: {path}: {message}"]


def test_import_refuses_a_legacy_file_over_the_cap(tmp_path):
    folder = legacy_group(tmp_path / "so1")
    sparse(folder / "somg.ini", MAX_SOURCE_BYTES + 1)
    with pytest.raises(ImportError_, match=r"somg\.ini: is 1\.1 MiB; at most 1 MiB is allowed$"):
        import_folders([str(folder)], "cluster.yaml")


# -- YAML that would take minutes or gigabytes ------------------------------------------


def billion_laughs(levels: int, width: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        name, previous = f"l{level}", "a" if level == 1 else f"l{level - 1}"
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
    return "\n".join(lines) + "\n"


def problem_of(tmp_path: Path, text: str):
    """The single problem sogen finds in ``text``, found in well under a second."""
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    elapsed = time.perf_counter() - start
    assert elapsed < QUICK, f"took {elapsed:.2f} s"
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{path}:{problem.line}:{problem.column}: ")
    return problem


TOO_MANY = f"more than {MAX_VALUES} values (an alias counts as every value it repeats); a topology has a few hundred"
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep; a topology needs six"


@pytest.mark.parametrize(
    "text",
    [
        billion_laughs(7),
        billion_laughs(9, width=10),
        billion_laughs(3, width=200),
        # quadratic: one big anchor, repeated many times
        "a: &a [" + ", ".join(["x"] * 2000) + "]\nb: [" + ", ".join(["*a"] * 2000) + "]\n",
        "partitions: [" + ", ".join(["D"] * (MAX_VALUES + 1)) + "]\n",
        "".join(f"k{i}: {i}\n" for i in range(MAX_VALUES)),
        "nodes:\n" + "- {name: SV1, ip: 192.168.10.11}\n" * 2000,
    ],
    ids=["laughs-7", "laughs-9x10", "laughs-3x200", "quadratic", "long-list", "many-keys", "many-nodes"],
)
def test_too_many_values_are_refused_at_the_value_that_crosses_the_cap(tmp_path, text):
    problem = problem_of(tmp_path, text)
    assert problem.message == TOO_MANY
    assert (problem.line, problem.column) != (1, 1)


def test_the_billion_laughs_answer_quickly_in_a_subprocess(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(billion_laughs(7), encoding="utf-8")
    result = sogen("validate", path)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.splitlines()[0].endswith(TOO_MANY)


@pytest.mark.parametrize(
    "text, opener",
    [
        ("cluster: " + "[" * 300 + "]" * 300 + "\n", "["),
        ("cluster: " + "{a: " * 300 + "1" + "}" * 300 + "\n", ("{", "a")),  # a key is as deep as its mapping's value
        ("".join("  " * depth + "a:\n" for depth in range(300)) + "  " * 300 + "b: 1\n", "a"),
        ("".join("  " * depth + "-\n" for depth in range(300)) + "  " * 300 + "x\n", "-"),
        ("cluster: " + "[" * 100_000 + "]" * 100_000 + "\n", "["),
    ],
    ids=["flow-lists-300", "flow-maps-300", "block-maps-300", "block-lists-300", "flow-lists-100000"],
)
def test_deep_nesting_is_refused_where_it_gets_too_deep(tmp_path, text, opener):
    problem = problem_of(tmp_path, text)
    assert problem.message == TOO_DEEP
    assert text.splitlines()[problem.line - 1][problem.column - 1 :].startswith(opener)


def test_nesting_up_to_the_cap_is_read(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("cluster: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n", encoding="utf-8")
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    assert all("nested" not in p.message for p in info.value.problems)


@pytest.mark.parametrize(
    "value",
    ["9" * 4301, "-" + "1" * 5000, "0x" + "f" * 5000, "1" * 200 + ".5", "0o" + "7" * 101],
    ids=["4301-digits", "negative", "hex", "float", "octal"],
)
def test_endless_numbers_are_refused_where_they_stand(tmp_path, value):
    text = SINGLE.read_text(encoding="utf-8") + f"settings:\n  db_settle_seconds: {value}\n"
    problem = problem_of(tmp_path, text)
    assert problem.message == f"a number of {len(value)} characters is too long; numbers in a topology have at most 100"
    assert text.splitlines()[problem.line - 1][problem.column - 1 :] == value


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: &a [*a]\n", "alias *a repeats a value that contains it"),
        ("a: &a {b: *a}\n", "alias *a repeats a value that contains it"),
        ("a: &a 1\nb: &a [*a]\n", "alias *a repeats a value that contains it"),
    ],
)
def test_an_alias_inside_its_own_anchor_is_refused(tmp_path, text, message):
    problem = problem_of(tmp_path, text)
    assert problem.message == message
    assert text.splitlines()[problem.line - 1][problem.column - 1 :].startswith("*a")


def test_a_long_string_under_the_cap_is_an_ordinary_problem(tmp_path):
    text = SINGLE.read_text(encoding="utf-8").replace("name: so-single", "name: " + "a" * 200_000)
    problem = problem_of(tmp_path, text)
    assert problem.field == "cluster.name" and "is not allowed" in problem.message


# == Class 4: no traceback from any input ================================================


@pytest.mark.parametrize(
    "value, shown",
    [
        ("!foo [a]", "!foo"),
        ('!!python/object/apply:os.system ["echo pwned"]', "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!str so-single", "!!str"),
        ("!!binary aGk=", "!!binary"),
        ("!!set {a}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
        ("!!timestamp 2001-01-01", "!!timestamp"),
        ("!!bool x", "!!bool"),
        ("!!int x", "!!int"),
        ("!<tag:yaml.org,2002:str> x", "tag:yaml.org,2002:str"),
        ("!local {a: 1}", "!local"),
    ],
)
def test_yaml_tags_are_refused_where_they_stand(tmp_path, value, shown):
    text = SINGLE.read_text(encoding="utf-8").replace("name: so-single", f"name: {value}")
    problem = problem_of(tmp_path, text)
    assert problem.message == (
        f"tag {shown} is not allowed: a topology holds plain mappings, lists, strings, numbers and booleans "
        "(quote a string that would read as something else)"
    )
    assert text.splitlines()[problem.line - 1][problem.column - 1 :].startswith(value.split(" ")[0])


def test_a_tag_in_a_subprocess_is_exit_2_without_traceback(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text('cluster: !!python/object/apply:os.system ["echo pwned"]\n', encoding="utf-8")
    result = sogen("validate", path)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.splitlines()[0].startswith(f"{path}:1:10: tag !!python/object/apply:os.system")
    assert "pwned" not in result.stdout
    no_traceback(result)


@pytest.mark.parametrize("value", ["2024-13-45", "2024-02-30", "2024-01-01T25:61:61", "2001-12-14"])
def test_dates_that_yaml_would_construct_are_read_as_text(tmp_path, value):
    text = SINGLE.read_text(encoding="utf-8").replace("name: so-single", f"name: {value}")
    problem = problem_of(tmp_path, text)
    assert problem.field == "cluster.name"
    assert problem.message.startswith(f"'{value}' is not allowed: 1-31 letters")


def test_merge_keys_are_read_and_placed(tmp_path):
    text = SINGLE.read_text(encoding="utf-8").replace(
        "    - name: SV2\n      ip: 192.168.10.12\n",
        "    - &second {name: SV2, ip: 192.168.10.12}\n    - <<: *second\n      name: SV3\n      hostname: -bad\n",
    )
    problem = problem_of(tmp_path, text)
    assert problem.field == "cluster.nodes[2].hostname"
    assert text.splitlines()[problem.line - 1][problem.column - 1 :] == "-bad"


def test_a_mapping_that_is_only_a_merge_is_placed_at_itself(tmp_path):
    """`- <<: *sv1` alone has no key of its own to place: it was an internal error, exit 3."""
    text = SINGLE.read_text(encoding="utf-8").replace(
        "    - name: SV2\n      ip: 192.168.10.12\n", "    - <<: *first\n"
    ).replace("    - name: SV1\n", "    - &first\n      name: SV1\n")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    found = {(p.field, p.message) for p in info.value.problems}
    assert found == {
        ("cluster.nodes[1].name", "name 'SV1' is already used by nodes[0]"),
        ("cluster.nodes[1].ip", "IP address '192.168.10.11' is already used by nodes[0]"),
        ("groups[0].policy[1]", "node 'SV2' is not in cluster.nodes (nodes: SV1, SV1)"),
    }
    merged = [p for p in info.value.problems if p.field.startswith("cluster.nodes[1]")]
    assert {text.splitlines()[p.line - 1].strip() for p in merged} == {"- <<: *first"}


BAD_TEXT = [
    pytest.param(b"SelfIPAddress=\x81\x20\xff\r\n", id="not-cp932"),
    pytest.param(codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"\x00", id="odd-utf16"),
    pytest.param(codecs.BOM_UTF8 + b"\xff\xfe bad", id="bom-then-bad-utf8"),
]


@pytest.mark.parametrize("data", BAD_TEXT)
@pytest.mark.parametrize("name", ["sogroup/somg.ini", "RUNBOOK.md"])
def test_lint_topology_reports_somg_ini_and_runbook_that_are_no_text(tmp_path, generated, name, data):
    out = tmp_path / "out"
    shutil.copytree(generated, out)
    (out / name).write_bytes(data)
    code, _, err = lint(out, topology=SINGLE)
    assert code == EXIT_USAGE
    assert err.splitlines() == [
        f"sogen lint: {out / name}: is neither UTF-8, UTF-16 nor code page 932 text; not checked against the topology"
    ]


# -- configuration --------------------------------------------------------------------

PYPROJECT_CASES = [
    ("tool = 1", "'tool' must be a table, written [tool]"),
    ('tool = "sogen"', "'tool' must be a table, written [tool]"),
    ("tool = [1, 2]", "'tool' must be a table, written [tool]"),
    ("tool = 1979-05-27", "'tool' must be a table, written [tool]"),
    ("[tool]\nsogen = 1", "'tool.sogen' must be a table, written [tool.sogen]"),
    ("[tool]\nsogen = []", "'tool.sogen' must be a table, written [tool.sogen]"),
    ("[tool.sogen]\nlint = 1", "'tool.sogen.lint' must be a table, written [tool.sogen.lint]"),
    ("[tool.sogen]\nlint = [{select = 1}]", "'tool.sogen.lint' must be a table, written [tool.sogen.lint]"),
    ("[tool.sogen.lint]\nselect = 1", "select: expected a list of strings"),
    ("[tool.sogen.lint]\nselect = [1]", "select: expected a list of strings"),
    ('[tool.sogen.lint]\nselect = "SO1"', "select: expected a list of strings"),
    ("[tool.sogen.lint]\nignore = {a = 1}", "ignore: expected a list of strings"),
    ("[tool.sogen.lint]\nper-file-ignores = 1", "per-file-ignores: expected a table of glob = [codes]"),
    ('[tool.sogen.lint]\nper-file-ignores = ["*.bat"]', "per-file-ignores: expected a table of glob = [codes]"),
    ('[tool.sogen.lint.per-file-ignores]\n"*.bat" = 1', "per-file-ignores '*.bat': expected a list of strings"),
    ('[tool.sogen.lint.per-file-ignores]\n"*.bat" = [[]]', "per-file-ignores '*.bat': expected a list of strings"),
    ("[tool.sogen.lint]\nfail-on = 1", "fail-on: expected one of info, warning, error, got 1"),
    ("[tool.sogen.lint]\nfail-on = []", "fail-on: expected one of info, warning, error, got []"),
    ("[tool.sogen.lint]\nfail-on = {}", "fail-on: expected one of info, warning, error, got {}"),
    ('[tool.sogen.lint]\nstart-patterns = "start*.bat"', "start-patterns: expected a list of strings"),
    ("[tool.sogen.lint]\nstop-patterns = [{}]", "stop-patterns: expected a list of strings"),
    (
        '[tool.sogen.lint]\nstart-patterns = ["*a*b*c*d.bat"]',
        "start-patterns: '*a*b*c*d.bat' has more than 3 '*' wildcards, the most allowed",
    ),
    ("[tool.sogen.lint]\nslect = []", "unknown key 'slect'"),
    ("x = " + "9" * 4400, "invalid TOML: a number has more than 4300 digits"),
    ("x = " + "[" * 5000 + "]" * 5000, "invalid TOML: nested too deeply"),
    ("x = " + "{a = " * 3000 + "1" + "}" * 3000, "invalid TOML: nested too deeply"),
    # tomllib's errors say where, as sogen does for every file: path:line:column.
    ("[tool.sogen.lint\n", "1:17: invalid TOML: ']' is missing at the end of the [table] line"),
    ('[tool.sogen.lint]\nselect = SO1', "2:10: invalid TOML: a value that is no TOML value (a string needs quotes)"),
    ('[tool.sogen.lint]\nselect = ["SO1"]\nselect = ["SO2"]', "3:17: invalid TOML: a value that is set twice"),
    ('[tool.sogen.lint]\nselect ["SO1"]', "2:8: invalid TOML: '=' is missing after the key"),
    ('[tool.sogen.lint]\nper-file-ignores = {"C:\\x" = ["SO1"]}', "2:26: invalid TOML: a backslash in a"),
]


@pytest.mark.parametrize("text, message", PYPROJECT_CASES)
@pytest.mark.parametrize("how", ["found", "--config"])
def test_wrong_types_in_pyproject_are_one_message(tmp_path, text, message, how):
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT)
    config = tmp_path / "pyproject.toml"
    config.write_text(text + "\n", encoding="utf-8")
    code, out, err = lint(script, config_file=config if how == "--config" else None)
    assert code == EXIT_USAGE
    assert not out
    (line,) = err.splitlines()
    where = ":" if message[:1].isdigit() else ": "  # a position, or the file as a whole
    assert line.startswith(f"sogen lint: {config}{where}{message}")


SOGEN_TOML_CASES = [
    ("lint = 1", "'lint' must be a table, written [lint]"),
    ('lint = "x"', "'lint' must be a table, written [lint]"),
    ("select = 1", "select: expected a list of strings"),
    ("[lint]\nselect = [true]", "select: expected a list of strings"),
    ("[lint]\nfail-on = 2.5", "fail-on: expected one of info, warning, error, got 2.5"),
    ("[lint]\nper-file-ignores = {x = {y = 1}}", "per-file-ignores 'x': expected a list of strings"),
    ("[lint]\n[other]", "unknown key 'other' beside the [lint] table"),
    ("tool = 1", "unknown key 'tool'"),
]


@pytest.mark.parametrize("text, message", SOGEN_TOML_CASES)
def test_wrong_types_in_sogen_toml_are_one_message(tmp_path, text, message):
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT)
    config = tmp_path / ".sogen.toml"
    config.write_text(text + "\n", encoding="utf-8")
    code, _, err = lint(script)
    assert code == EXIT_USAGE
    (line,) = err.splitlines()
    where = ":" if message[:1].isdigit() else ": "  # a position, or the file as a whole
    assert line.startswith(f"sogen lint: {config}{where}{message}")


def test_a_config_that_is_not_utf8(tmp_path):
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT)
    config = tmp_path / ".sogen.toml"
    config.write_bytes('select = ["SO1"] # 日本語\n'.encode("cp932"))
    code, _, err = lint(script)
    assert code == EXIT_USAGE
    assert err.splitlines() == [f"sogen lint: {config}: is not UTF-8 text, which TOML must be"]


# -- baseline -------------------------------------------------------------------------

ENTRY = {"path": "start.bat", "code": "SO101", "source": "x", "line": 1, "message": "m"}
NOT_AN_ENTRY = "is not an object with the strings path, code and source"
BASELINE_CASES = [
    ("[]", "no list of findings"),
    ("1", "no list of findings"),
    ('"findings"', "no list of findings"),
    ("{}", "no list of findings"),
    ('{"findings": 1}', "no list of findings"),
    ('{"findings": {"path": "x"}}', "no list of findings"),
    ('{"findings": [1]}', f"findings[0] {NOT_AN_ENTRY}"),
    ('{"findings": [[]]}', f"findings[0] {NOT_AN_ENTRY}"),
    (json.dumps({"findings": [ENTRY, {**ENTRY, "path": 1}]}), f"findings[1] {NOT_AN_ENTRY}"),
    (json.dumps({"findings": [{**ENTRY, "code": None}]}), f"findings[0] {NOT_AN_ENTRY}"),
    (json.dumps({"findings": [{**ENTRY, "source": ["x"]}]}), f"findings[0] {NOT_AN_ENTRY}"),
    (json.dumps({"findings": [{**ENTRY, "source": {"a": 1}}]}), f"findings[0] {NOT_AN_ENTRY}"),
    (json.dumps({"findings": [{"path": "a", "code": "b"}]}), f"findings[0] {NOT_AN_ENTRY}"),
    ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
    ('{"findings": ' + "[" * 100_000 + "]" * 100_000 + "}", "invalid JSON: nested too deeply"),
    ('{"a": ' + "9" * 5000 + "}", "invalid JSON: a number has more than 4300 digits"),
    ('{"findings": [\n  {"path": ', "2:12: not JSON (Expecting value)"),
    ("", "1:1: not JSON (Expecting value)"),
]


@pytest.mark.parametrize("text, message", BASELINE_CASES)
def test_a_baseline_with_wrong_types_is_one_message(tmp_path, text, message):
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(text, encoding="utf-8")
    code, _, err = lint(script, baseline=baseline)
    assert code == EXIT_USAGE
    (line,) = err.splitlines()
    separator = "" if message[0].isdigit() else " "
    assert line.startswith(f"sogen lint: {baseline}:{separator}{message}")


def test_a_baseline_that_is_not_utf8(tmp_path):
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT)
    baseline = tmp_path / "baseline.json"
    baseline.write_bytes(b'{"findings": ["\xff"]}')
    code, _, err = lint(script, baseline=baseline)
    assert code == EXIT_USAGE
    assert err.splitlines() == [f"sogen lint: {baseline}: is not UTF-8 text, which JSON must be"]


def test_a_well_formed_baseline_still_filters(tmp_path):
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT.replace(b'"START"', b"START"))
    baseline = tmp_path / "baseline.json"
    assert lint(script, baseline_to_write=baseline)[0] == 0
    assert lint(script, baseline=baseline)[0] == 0  # every finding is in it
    assert lint(script)[0] == 1


# -- legacy folders -------------------------------------------------------------------


def replace_in(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))


PROCINFO_KEY = b"[HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\PROCINFO["


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("alenv1.bat", b"@echo off\r\nSET ALROOT=\r\n", "so1/alenv1.bat:2: SET ALROOT= is empty"),
        ("alenv1.bat", b"SET ALROOT=   \r\n", "so1/alenv1.bat:1: SET ALROOT= is empty"),
        (
            "x.reg",
            b'REGEDIT4\r\n\r\n[OnlineShellManager]\r\n"HostName"="192.168.1.50"\r\n',
            "so1/x.reg:3: [OnlineShellManager] is not a registry key: a key starts with one of HKEY_LOCAL_MACHINE",
        ),
        (
            "x.reg",
            b"REGEDIT4\r\n\r\n[ONLINESHELLMANAGER]\r\n",
            "so1/x.reg:3: [ONLINESHELLMANAGER] is not a registry key",
        ),
        (
            "registry/p.reg",
            b"REGEDIT4\r\n\r\n" + PROCINFO_KEY + b"9" * 5000 + b']]\r\n"EXECLINE"="wfocom.exe"\r\n',
            "so1/registry/p.reg:3: the PROCINFO index has 5000 digits; at most 9 make sense",
        ),
        (
            "somg.ini",
            b"SelfIPAddress=\x81\x20\xff\r\n",
            "{folder}/somg.ini: is neither UTF-8, UTF-16 nor code page 932 text",
        ),
    ],
)
def test_import_of_bad_legacy_files_names_the_file_and_line(tmp_path, name, data, message):
    folder = legacy_group(tmp_path / "so1")
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    with pytest.raises(ImportError_) as info:
        import_folders([str(folder)], "cluster.yaml")
    assert str(info.value).startswith(message.format(folder=folder))


def test_import_of_an_armsleep_with_endless_digits(tmp_path):
    folder = legacy_group(tmp_path / "so1")
    replace_in(folder / "stop.bat", b"ARMSLEEP 30", b"ARMSLEEP " + b"9" * 5000)
    with pytest.raises(ImportError_, match=r"^so1/stop\.bat:\d+: ARMSLEEP's seconds has 5000 digits"):
        import_folders([str(folder)], "cluster.yaml")


def test_import_reads_only_registry_host_names_that_are_strings(tmp_path):
    folder = legacy_group(tmp_path / "so1")
    (folder / "somg.ini").unlink()
    (folder / "shell.reg").write_bytes(
        b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\OnlineShellManager\\Title]\r\n"
        b'"HostName"=hex:41,42\r\n'
    )
    result = import_folders([str(folder)], "cluster.yaml")
    assert result.groups[0].virtual_ip is None


@pytest.mark.parametrize(
    "name, data",
    [
        ("alenv1.bat", b"SET ALROOT=\r\n"),
        ("x.reg", b"REGEDIT4\r\n\r\n[OnlineShellManager]\r\n"),
        ("x.reg", b"REGEDIT4\r\n\r\n" + PROCINFO_KEY + b"1" * 5000 + b']]\r\n"EXECLINE"="sowfmvm -smvm"\r\n'),
    ],
)
def test_sogen_import_of_bad_legacy_files_exits_2(tmp_path, name, data):
    folder = legacy_group(tmp_path / "so1")
    (folder / name).write_bytes(data)
    result = sogen("import", "so1", "-o", "cluster.yaml", cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.startswith(f"so1/{name}:")
    assert result.stderr.rstrip().endswith("; nothing was written")
    assert not (tmp_path / "cluster.yaml").exists()
    no_traceback(result)


# -- the safety net -------------------------------------------------------------------


def internal_error_line(what: str) -> str:
    return f"sogen {__version__}: internal error ({what}); please report it with the command and input that caused it"


def run_main(monkeypatch, capsys, *argv: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["sogen", *argv])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # Typer installs its own
    with pytest.raises(SystemExit) as info:
        entry.main()
    return info.value.code, capsys.readouterr().err


BUGS = [
    (ValueError("bad value\nsecond line"), "ValueError: bad value"),
    (RecursionError("maximum recursion depth exceeded"), "RecursionError: maximum recursion depth exceeded"),
    (KeyError("k"), "KeyError: 'k'"),
    (MemoryError(), "MemoryError"),
    (ZeroDivisionError("x" * 1000), "ZeroDivisionError: " + "x" * 200),
]


@pytest.mark.parametrize("bug, what", BUGS, ids=[type(b).__name__ for b, _ in BUGS])
@pytest.mark.parametrize(
    "argv, target",
    [
        (("lint", "x.bat"), "sogen.cli.lint.main"),
        (("validate", "t.yaml"), "sogen.cli.generate.validate_main"),
        (("products",), "sogen.catalogue.load_catalogue"),
        (("rule", "--all"), "sogen.lint.report.rule_listing"),
    ],
    ids=["lint", "validate", "typer-products", "typer-rule"],
)
def test_an_escaping_bug_is_one_line_and_exit_3(monkeypatch, capsys, bug, what, argv, target):
    def broken(*args, **kwargs):
        raise bug

    monkeypatch.delenv("SOGEN_DEBUG", raising=False)
    monkeypatch.setattr(target, broken)
    code, err = run_main(monkeypatch, capsys, *argv)
    assert code == EXIT_INTERNAL
    assert err.splitlines() == [internal_error_line(what)]


def test_the_net_shows_the_traceback_with_sogen_debug(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setenv("SOGEN_DEBUG", "1")
    monkeypatch.setattr("sogen.cli.lint.main", broken)
    code, err = run_main(monkeypatch, capsys, "lint", "x.bat")
    assert code == EXIT_INTERNAL
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == internal_error_line("ValueError: boom")


def test_keyboard_interrupt_is_not_an_internal_error(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sogen.cli.lint.main", interrupted)
    assert run_main(monkeypatch, capsys, "lint", "x.bat") == (130, "interrupted\n")


INJECTED = """
import sys
import {module} as target
def broken(*args, **kwargs):
    raise RuntimeError("injected fault")
target.{function} = broken
from sogen.cli.entry import main
sys.argv = ["sogen", *{argv!r}]
main()
"""


@pytest.mark.parametrize(
    "module, function, argv",
    [
        ("sogen.cli.lint", "main", ["lint", "x.bat"]),
        ("sogen.catalogue", "load_catalogue", ["products"]),
        ("sogen.trace", "run_trace", ["trace", "x.bat"]),
    ],
    ids=["fast-path", "typer", "typer-raising-through-click"],
)
@pytest.mark.parametrize("debug", [False, True])
def test_an_escaping_bug_in_a_real_process(module, function, argv, debug):
    code = INJECTED.format(module=module, function=function, argv=argv)
    result = python("-c", code, env={"SOGEN_DEBUG": "1"} if debug else {})
    assert result.returncode == EXIT_INTERNAL  # neither 1 (findings) nor a traceback's 1
    last = internal_error_line("RuntimeError: injected fault")
    if debug:
        assert "Traceback (most recent call last)" in result.stderr
        assert result.stderr.splitlines()[-1] == last
    else:
        assert result.stderr.splitlines() == [last]


# -- fuzzing --------------------------------------------------------------------------

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TOPOLOGY_KEYS = [
    "cluster", "groups", "settings", "name", "mode", "nodes", "ip", "hostname", "policy", "virtual_host",
    "virtual_ip", "partitions", "alroot", "products", "type", "addons", "mta", "workdirs", "database", "sql_dir",
    "isql", "oracle_sid", "svrmgr", "procinfo", "mvm", "wfocom", "online_shells", "watch_id", "service",
    "depends_on", "registry_sync", "multi_standby", "messages", "start_home", "reg_format", "version_key",
    "db_settle_seconds", "backup_command", "<<", "x",
]
YAML_SCALARS = [
    "SV1", "SV2", "192.168.10.11", "D", "'D:\\SO'", "FILL_IN", "single-standby", "multi-standby",
    "staroffice-server", "workflow", "formserver", "custom", "mailgateway-smtp", "sqlserver", "oracle", "~",
    "null", "true", "no", "0x1F", "0o17", "0b101", "1e400", ".nan", "-.inf", "2024-13-45",
    "2001-12-14t21:59:43.10-05:00", "'quoted'", '"dq\\n"', "-1", "3600", "9" * 120, "[]", "{}", "&a x", "*a",
    "*b", "!foo x", "!!str 1", "? x", "|\n  x", ">-\n  y", "'a%b'", '"\\u0000"', "起動中", "\t", "@", "`",
]
YAML_TOKENS = YAML_SCALARS + [
    "\n", "\n  ", "\n    ", "- ", ": ", ", ", "[", "]", "{", "}", "#", "&a ", "*a", "<<: ", "---", "...", "%YAML 1.1",
    "%TAG ! tag:x,2000:", "? ", "!", "!!", "'", '"', "\\", "\r", "\ufeff", "\x85", "\u2028",
]


def yaml_values():
    scalars = st.sampled_from(YAML_SCALARS) | st.text(max_size=8) | st.integers() | st.floats()
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(TOPOLOGY_KEYS), children, max_size=4),
        max_leaves=25,
    )


def as_yaml(value, indent: int = 0) -> str:
    """Block YAML whose scalars are written raw, so that they may be anything YAML reads."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "".join(f"\n{pad}{key}: {as_yaml(item, indent + 2)}" for key, item in value.items())
    if isinstance(value, list):
        if not value:
            return "[]"
        return "".join(f"\n{pad}- {as_yaml(item, indent + 2)}" for item in value)
    return str(value)


def mutated_sample_text(data) -> str:
    """The single standby sample with a few tokens put in, and a few characters cut."""
    text = SINGLE.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 8))
        text = text[:at] + data.draw(st.sampled_from(YAML_TOKENS) | st.text(max_size=4)) + text[at + cut :]
    return text


def assert_loads_or_explains(path: Path) -> None:
    try:
        load_topology(path)
    except TopologyError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert str(problem).startswith(f"{path}:{problem.line}:{problem.column}: ")
            assert problem.line >= 1 and problem.column >= 1


@FUZZ
@given(data=st.data())
def test_fuzz_yaml_like_topologies(tmp_path, data):
    kind = data.draw(st.sampled_from(["structure", "tokens", "mutated"]))
    if kind == "structure":
        text = as_yaml(data.draw(yaml_values())).lstrip("\n")
    elif kind == "tokens":
        text = "".join(data.draw(st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=3), max_size=40)))
    else:
        text = mutated_sample_text(data)
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_loads_or_explains(path)


json_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10) | st.sampled_from(YAML_SCALARS),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(TOPOLOGY_KEYS), children, max_size=5),
    max_leaves=30,
)


def mutated_sample_data(data) -> dict:
    """A sample topology, every default spelt out, with a few values replaced: most of it
    validates, so the mutations reach the rules that relate fields to each other."""
    sample = data.draw(st.sampled_from(sorted((ROOT / "samples").glob("*.yaml"))))
    document = load_topology(sample).model_dump(mode="json")
    for _ in range(data.draw(st.integers(1, 3))):
        container = document
        while True:
            keys = list(container) if isinstance(container, dict) else list(range(len(container)))
            if not keys:
                break
            key = data.draw(st.sampled_from(keys))
            if isinstance(container[key], (dict, list)) and data.draw(st.booleans()):
                container = container[key]
                continue
            container[key] = data.draw(json_documents)
            break
    return document


@FUZZ
@given(data=st.data())
def test_fuzz_json_topologies(tmp_path, data):
    document = data.draw(json_documents) if data.draw(st.booleans()) else mutated_sample_data(data)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    assert_loads_or_explains(path)


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_random_bytes_as_topology(tmp_path, data):
    path = tmp_path / "t.yaml"
    path.write_bytes(data)
    assert_loads_or_explains(path)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=200) | st.builds(as_yaml, yaml_values()))
def test_fuzz_topologies_in_a_subprocess(tmp_path, data):
    path = tmp_path / "t.yaml"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    result = sogen("validate", path)
    assert result.returncode in (0, EXIT_USAGE), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode:
        assert result.stderr.startswith(f"{path}:")


TOML_KEYS = ["select", "ignore", "per-file-ignores", "fail-on", "start-patterns", "stop-patterns", "lint", "x"]


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


toml_values = st.recursive(
    st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["SO1", "SO", "so101,SO2", "error", "warning", "info", "start*.bat", "*.bat", "E501", ""]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from([*TOML_KEYS, "*.bat"]), children, max_size=3),
    max_leaves=12,
)


@FUZZ
@given(
    where=st.sampled_from(["[tool.sogen.lint]", "[tool.sogen]", "[tool]", "", "[lint]"]),
    name=st.sampled_from(["pyproject.toml", ".sogen.toml"]),
    table=st.dictionaries(st.sampled_from(TOML_KEYS + ["tool", "sogen"]), toml_values, max_size=4),
    soup=st.just("") | st.text(max_size=20),
)
def test_fuzz_toml_configuration(tmp_path, where, name, table, soup):
    for old in (".sogen.toml", "pyproject.toml"):
        (tmp_path / old).unlink(missing_ok=True)
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT)
    config = tmp_path / name
    body = "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.items())
    config.write_text(f"{where}\n{body}\n{soup}", encoding="utf-8", errors="surrogatepass")
    code, _, err = lint(script)
    assert code in (0, 1, EXIT_USAGE)
    if code == EXIT_USAGE:
        assert re.match(rf"sogen lint: {re.escape(str(config))}(:\d+:\d+)?: ", err) and len(err.splitlines()) == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from([*BASELINE_KEYS, "findings", "version"]) | st.text(max_size=5), children, max_size=5
    ),
    max_leaves=20,
)
baseline_entries = st.fixed_dictionaries(
    {},
    optional={
        "path": json_values | st.just("start.bat"),
        "code": json_values | st.just("SO101"),
        "source": json_values,
    },
)


@FUZZ
@given(
    document=json_values
    | st.fixed_dictionaries({"version": json_values, "findings": st.lists(baseline_entries | json_values, max_size=4)})
)
def test_fuzz_json_baseline(tmp_path, document):
    script = tmp_path / "start.bat"
    script.write_bytes(CLEAN_SCRIPT.replace(b'"START"', b"START"))
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = lint(script, baseline=baseline)
    assert code in (0, 1, EXIT_USAGE)
    if code == EXIT_USAGE:
        assert err.startswith(f"sogen lint: {baseline}") and len(err.splitlines()) == 1


# A BEL, a NUL, an ESC that turns the terminal red, a CR that would overwrite the line
# and a right-to-left override that reorders what follows it on screen.
UNSEEN_SCRIPT = (
    'IF "%ARMS_EVENT%" == "START" ARMLOAD Star\x07Office /S /M "Star\x00Office \x1b[31mServer\r\u202eX"\r\n'
).encode("utf-8")


@pytest.mark.parametrize(
    "options",
    [["lint"], ["lint", "--format", "github"], ["trace"], ["trace", "--matrix"]],
    ids=["lint", "lint-github", "trace", "trace-matrix"],
)
def test_characters_a_terminal_acts_on_are_shown_not_sent(tmp_path, options):
    """What a script holds reaches the terminal or the CI log as text to read: a control
    character is shown as \\x07, never sent to act on the screen."""
    script = tmp_path / "start.bat"
    script.write_bytes(UNSEEN_SCRIPT)
    proc = subprocess.run(
        [sys.executable, "-m", "sogen", *options, script.name],
        cwd=tmp_path, capture_output=True, timeout=TIMEOUT, env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode in (0, 1), proc.stderr
    shown = proc.stdout.decode("utf-8")
    assert "Star\\x07Office" in shown
    assert not set(shown) & {"\x00", "\x07", "\x1b", "\r", "\u202e"}


def test_a_diff_and_a_usage_error_show_control_characters_too(tmp_path):
    """--diff prints the file's name and lines, a usage error the path given: an ESC that
    clears the screen and a BEL reach the terminal as \\x1b and \\x07, CRLF kept as it is."""
    script = tmp_path / "evil\x1b[32m.bat"
    script.write_bytes(b"IF %ARMS_EVENT% == START GOTO X\r\necho \x1b[2Jowned\x07\r\n:X\r\n")
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "sogen", "lint", "--fix", "--diff", script.name],
        cwd=tmp_path, capture_output=True, timeout=TIMEOUT, env=env,
    )
    shown = proc.stdout.decode("utf-8")
    assert "--- evil\\x1b[32m.bat\n" in shown and " echo \\x1b[2Jowned\\x07\r\n" in shown
    assert not set(shown) & {"\x07", "\x1b"}
    missing = subprocess.run(
        [sys.executable, "-m", "sogen", "lint", "gone\x07\x1b[31m.bat"], cwd=tmp_path, capture_output=True, timeout=TIMEOUT
    )
    assert missing.returncode == 2 and b"gone\\x07\\x1b[31m.bat: no such file" in missing.stderr
    assert b"\x07" not in missing.stderr


def test_trace_json_is_utf8_whatever_the_console_encoding(tmp_path):
    """RFC 8259: JSON between systems is UTF-8; a Japanese Windows console writes a pipe
    in cp932 (here PYTHONIOENCODING=cp932), where lint's JSON was already UTF-8."""
    script = tmp_path / "start.bat"
    script.write_bytes('ARMBCAST /MSG "10:00～12:00 ①" /A\r\n'.encode("cp932"))
    proc = subprocess.run(
        [sys.executable, "-m", "sogen", "trace", script.name, "--format", "json"],
        cwd=tmp_path, capture_output=True, timeout=TIMEOUT, env={**os.environ, "PYTHONIOENCODING": "cp932"},
    )
    assert proc.returncode == 0, proc.stderr
    actions = json.loads(proc.stdout.decode("utf-8"))["combinations"][0]["actions"]
    assert actions[0]["text"] == 'ARMBCAST /MSG "10:00～12:00 ①" /A'


def test_a_run_that_could_not_read_a_file_never_reads_as_passed(tmp_path):
    """The last line of a CI log is what people read: a file that could not be read is no
    passed check, in any format, and recording a baseline then would make its findings
    look new next time (a CI review)."""
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    place("fifo", tmp_path / "stop.bat")
    human = sogen("lint", ".", "--select", "SO701", cwd=tmp_path)
    assert human.returncode == EXIT_USAGE
    assert human.stdout.strip().splitlines()[-1] == "No problems in the 1 file read; 1 could not be read"
    assert "All checks passed" not in human.stdout
    japanese = sogen("--lang", "ja", "lint", ".", "--select", "SO701", cwd=tmp_path)  # one sentence, not pasted bits
    assert japanese.stdout.strip().splitlines()[-1] == "読み込んだ 1 個のファイルに問題はありません。1 件は読み込めませんでした"
    found = sogen("lint", ".", cwd=tmp_path)  # the start script alone has findings
    assert found.stdout.strip().splitlines()[-1] == "1 file or folder could not be read and was not checked"
    report = json.loads(sogen("lint", ".", "--select", "SO701", "--format", "json", cwd=tmp_path).stdout)
    assert (report["summary"]["files"], report["summary"]["unread"]) == (1, 1)
    assert report["unread"] == ["stop.bat: is a named pipe (FIFO), not a regular file"]  # which, not only how many
    github = sogen("lint", ".", "--select", "SO701", "--format", "github", cwd=tmp_path).stdout
    assert github == "::error title=sogen::stop.bat: is a named pipe (FIFO), not a regular file\n"
    run = json.loads(sogen("lint", ".", "--format", "sarif", cwd=tmp_path).stdout)["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert "is a named pipe (FIFO)" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{}", encoding="utf-8")
    refused = sogen("lint", ".", "--write-baseline", baseline.name, cwd=tmp_path)
    assert refused.returncode == EXIT_USAGE and "not written: some files could not be read" in refused.stderr
    assert baseline.read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize("options", [["--select", ""], ["--select", ","], ["--select", "SO1", "--ignore", "SO1"]])
def test_a_selection_of_no_rule_is_a_usage_error(tmp_path, options):
    """sogen lint --select "$RULES" with the variable unset turned every check off and
    passed (exit 0)."""
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    result = sogen("lint", "start.bat", *options, cwd=tmp_path)
    assert result.returncode == EXIT_USAGE and "no rule is selected" in result.stderr


def test_settings_that_select_no_rule_name_their_file(tmp_path):
    """Found by the settings fuzz test: `select = []` said only that no rule is selected."""
    (tmp_path / "start.bat").write_bytes(CLEAN_SCRIPT)
    settings = tmp_path / "pyproject.toml"
    settings.write_text("[tool.sogen.lint]\nselect = []\n", encoding="utf-8")
    result = sogen("lint", "start.bat", cwd=tmp_path)
    assert result.returncode == EXIT_USAGE
    assert result.stderr == f"sogen lint: {settings}: select and ignore leave no rule to run\n"
    assert sogen("lint", "start.bat", "--select", "SO1", cwd=tmp_path).returncode == 0  # the command line decides


def test_a_shift_jis_console_gets_code_page_932(tmp_path):
    """Under LANG=ja_JP.SJIS (the locale the project's CI installs for Wine) Python writes
    with its strict shift_jis codec, which has no ～, ① or 髙: code page 932, what the
    console takes, shows them (they were "?")."""
    (tmp_path / "start.bat").write_bytes('IF %ARMS_EVENT% == START ARMBCAST /MSG "髙橋①～ⅰ" /A\r\n'.encode("cp932"))
    proc = subprocess.run(
        [sys.executable, "-m", "sogen", "lint", "start.bat", "--select", "SO201"],
        cwd=tmp_path, capture_output=True, timeout=TIMEOUT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIOENCODING"))}, "LANG": "ja_JP.SJIS"},
    )
    assert 'ARMBCAST /MSG "髙橋①～ⅰ" /A'.encode("cp932") in proc.stdout


def test_a_yen_sign_finding_names_the_sign_a_japanese_console_cannot_show(tmp_path):
    """SO704's message said "a Japanese font shows \\ as ¥": U+00A5 is "?" on a code page
    932 console, the very sign the finding is about. It says "a yen sign" and gives the
    sign's code point."""
    (tmp_path / "start.bat").write_bytes('"%ALROOT%\u00a5bin\u00a5al2stop" /q\r\n'.encode("utf-8"))
    proc = subprocess.run(
        [sys.executable, "-m", "sogen", "lint", "start.bat", "--select", "SO704"],
        cwd=tmp_path, capture_output=True, timeout=TIMEOUT, env={**os.environ, "PYTHONIOENCODING": "cp932"},
    )
    shown = proc.stdout.decode("cp932")
    assert "? (U+00A5) is no path separator" in shown and "as a yen sign" in shown


def test_a_lone_cr_in_bytes_that_are_no_text_is_reported_not_a_crash(tmp_path):
    """Neither cp932 nor UTF-8, with a CR alone in a line: SO701 looked for the CR in the
    decoded text, which such a file has none of, and stopped the run (exit 3)."""
    (tmp_path / "stop.bat").write_bytes(b"echo \x81\x20x\r\nARMKILL WorkFlow\rARMKILL StarOffice\r\n")
    result = sogen("lint", "stop.bat", "--select", "SO701,SO702", "--format", "json", cwd=tmp_path)
    no_traceback(result)
    assert {(f["code"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]} == {
        ("SO702", 1, 6), ("SO701", 2, 17)
    }


# -- folders lint walks ---------------------------------------------------------------------


def test_a_tree_a_thousand_folders_deep_is_linted(tmp_path, monkeypatch):
    """os.walk recurses before Python 3.12: 1,500 nested folders ended in an internal error."""
    monkeypatch.chdir(tmp_path)
    os.mkdir("t")
    os.chdir("t")
    for _ in range(1500):  # one level at a time: os.makedirs recurses too (and shutil.rmtree)
        os.mkdir("a")
        os.chdir("a")
    with open("start.bat", "wb") as stream:
        stream.write(b"IF %ARMS_EVENT% == START GOTO X\r\n")
    try:
        result = sogen("lint", "--no-cache", "--format", "json", "t", cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert [f["code"] for f in json.loads(result.stdout)["findings"]].count("SO201") == 1
    finally:
        os.remove("start.bat")
        for _ in range(1500):
            os.chdir("..")
            os.rmdir("a")


@pytest.mark.parametrize(
    "text",
    [
        "x[" + "[:" * 400_000 + "\n",  # a "[:" class looked for to the end of the line, each time
        "y" + " " * 1_000_000 + "\n",  # trailing blanks dropped one at a time
        "".join(f"pattern{i}\n" for i in range(80_000)),  # each entry against each pattern
    ],
    ids=["bracket-classes", "trailing-blanks", "many-patterns"],
)
def test_a_pathological_gitignore_takes_no_time(tmp_path, text):
    """Each of these kept lint busy for minutes."""
    (tmp_path / ".gitignore").write_text(text, encoding="utf-8")
    for index in range(200):
        (tmp_path / f"g{index}").mkdir()
        (tmp_path / f"g{index}" / "start.bat").write_bytes(CLEAN_SCRIPT)
    started = time.monotonic()
    result = sogen("lint", "--no-cache", ".", cwd=tmp_path)
    assert time.monotonic() - started < TIMEOUT and "Traceback" not in result.stderr
    if text.startswith("pattern"):
        assert result.returncode == 2 and "more than 5000 patterns; its patterns are not applied" in result.stderr
    else:
        assert result.returncode in (0, 1) and "in 200 files" in result.stdout, result.stderr
