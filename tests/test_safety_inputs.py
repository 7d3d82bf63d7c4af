"""Issue #12, safe under hostile input and faults: values Windows would misread,
files lint --fix must not replace, folder names that would break the imported
YAML, migrate's citations, and folders lint cannot read.

Each class is tested by what the user sees: the message, its place, the exit
status and what is (or is not) left on disk.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Annotated, get_args

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from typer.testing import CliRunner

from sogen.cli.app import app
from sogen.generator.artifacts import generate
from sogen import output
from sogen.migrate.importer import import_folders, parse_group_spec
from sogen.migrate.migrate import ImportedTopologyError, migrate
from sogen.topology import model
from sogen.topology.load import TopologyError, load_topology, read_document, topology_hash
from tests.test_lint_cli import BROKEN, CLEAN_START, CLEAN_STOP, batch
from tests.test_validation import VALID_MULTI, VALID_SINGLE, edit, position, problems_of

LEGACY = Path(__file__).parent / "legacy"
# cp932 with CRLF, as the guide printed it: sogen recovers its broadcast messages.
GUIDE_SAMPLE = LEGACY / "guide-141-as-printed"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def expect_problem(tmp_path: Path, text: str, marker: str, field: str, message: str) -> None:
    line, column = position(text, marker)
    assert f"{line}:{column}: {field}: {message}" in problems_of(tmp_path, text)


def loads(tmp_path: Path, text: str):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return load_topology(path)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- 5. validation gaps: whole numbers ---------------------------------------------------

WHOLE_NUMBER = "is not allowed: a whole number such as 30, without quotes or decimals (true and false are not numbers)"
# Multi standby WorkFlow needs a server link on both StarOffice servers (guide 3.4.1).
WITH_PROCINFO = edit(
    VALID_MULTI,
    "      - type: staroffice-server\n  - name: g2",
    "      - type: staroffice-server\n        addons: [server-link]\n      - type: workflow\n        database: sqlserver\n"
    "        procinfo: {mvm: 3, wfocom: 4}\n  - name: g2",
) + "        addons: [server-link]\n"
# Every whole-number field: (topology with the value at the marker, field path).
NUMBER_FIELDS = {
    "db_settle_seconds": (VALID_SINGLE + "settings:\n  db_settle_seconds: @\n", "settings.db_settle_seconds"),
    "procinfo.mvm": (WITH_PROCINFO.replace("mvm: 3", "mvm: @"), "groups[0].products[1].procinfo.mvm"),
    "procinfo.wfocom": (WITH_PROCINFO.replace("wfocom: 4", "wfocom: @"), "groups[0].products[1].procinfo.wfocom"),
}
# What the user writes, and how the message shows it.
NOT_WHOLE_NUMBERS = [
    ("true", "true"),
    ("false", "false"),
    ("True", "true"),
    ("'30'", "'30'"),
    ('"3"', "'3'"),
    ("30.0", "30.0"),
    ("3e1", "30.0"),
    ("2.5", "2.5"),
    ("null", "null"),
    ("~", "null"),
    ("yes", "'yes'"),
    ("[30]", "[30]"),
    ("{seconds: 30}", "{'seconds': 30}"),
]


@pytest.mark.parametrize("field", NUMBER_FIELDS)
@pytest.mark.parametrize("written, shown", NOT_WHOLE_NUMBERS, ids=[w for w, _ in NOT_WHOLE_NUMBERS])
def test_whole_number_fields_reject_booleans_strings_and_fractions(tmp_path, field, written, shown):
    template, path = NUMBER_FIELDS[field]
    text = template.replace("@", written)
    expect_problem(tmp_path, text, written, path, f"{shown} {WHOLE_NUMBER}")


@pytest.mark.parametrize("field", NUMBER_FIELDS)
def test_whole_number_fields_accept_whole_numbers(tmp_path, field):
    template, _ = NUMBER_FIELDS[field]
    for number in (1, 7, 0x1E):
        loads(tmp_path, template.replace("@", str(number)))


def test_true_settle_time_no_longer_becomes_armsleep_1(tmp_path):
    text = VALID_SINGLE + "settings:\n  db_settle_seconds: true\n"
    with pytest.raises(TopologyError):
        loads(tmp_path, text)
    t = loads(tmp_path, VALID_SINGLE + "settings:\n  db_settle_seconds: 45\n")
    files = generate(t, topology_hash(t.model_dump(mode="json")), "t.yaml")
    assert b"ARMSLEEP 45\r\n" in files["g1/stop.bat"]


def _whole_number_fields(root: type[BaseModel]):
    """(model, field name, FieldInfo) of every int field reachable from ``root``."""
    seen, stack = set(), [root]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, info in current.model_fields.items():
            if info.annotation is int:
                yield current, name, info
            inner = [info.annotation]
            while inner:
                item = inner.pop()
                if isinstance(item, type) and issubclass(item, BaseModel):
                    stack.append(item)
                inner.extend(get_args(item))


def test_every_int_field_of_the_model_rejects_a_boolean():
    fields = list(_whole_number_fields(model.Topology))
    assert {name for _, name, _ in fields} >= {"db_settle_seconds", "mvm", "wfocom"}
    for owner, name, info in fields:
        adapter = TypeAdapter(Annotated[(int, *info.metadata)])
        for value in (True, False, "5", 5.0):
            with pytest.raises(ValidationError, match="is not allowed: a whole number"):
                adapter.validate_python(value)
        assert adapter.validate_python(5) == 5, f"{owner.__name__}.{name}"


@given(value=st.booleans() | st.floats(allow_nan=False) | st.text(max_size=5) | st.none())
def test_nothing_but_an_int_is_a_settle_time(value):
    with pytest.raises(ValidationError):
        model.Settings.model_validate({"db_settle_seconds": value})


@given(value=st.integers(1, 3600))
def test_every_settle_time_in_range_is_kept(value):
    assert model.Settings.model_validate({"db_settle_seconds": value}).db_settle_seconds == value


# -- 5. validation gaps: Windows device names -------------------------------------------

DEVICE_NAMES = ["CON", "con", "Con", "PRN", "aux", "AUX", "NUL", "nul", "COM0", "COM1", "com5", "COM9",
                "LPT0", "lpt1", "LPT9"]
NEAR_MISSES = ["CONSOLE", "CON1", "COM10", "LPT10", "NULL", "AUXILIARY", "PRN-1", "COM", "LPT", "con_",
               "g-con", "COMA", "LPTX", "NULx"]
DEVICE_MESSAGE = (
    "is a Windows device name and Windows cannot create a file or folder with it (not allowed, in any case "
    "and with any extension: CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9, and COM1-COM3, LPT1-LPT3 with superscript digits)"
)


@pytest.mark.parametrize("name", DEVICE_NAMES)
def test_device_names_are_refused_as_group_names(tmp_path, name):
    text = edit(VALID_SINGLE, "- name: g1", f"- name: {name}")
    expect_problem(tmp_path, text, f"{name}\n", "groups[0].name", f"'{name}' is not allowed: {name.upper()} {DEVICE_MESSAGE}")


@pytest.mark.parametrize("name", DEVICE_NAMES[:4])
def test_device_names_are_refused_in_either_group_of_multi_standby(tmp_path, name):
    text = edit(VALID_MULTI, "- name: g2", f"- name: {name}")
    expect_problem(tmp_path, text, f"{name}\n", "groups[1].name", f"'{name}' is not allowed: {name.upper()} {DEVICE_MESSAGE}")


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_names_that_only_resemble_a_device_are_accepted(tmp_path, name):
    text = edit(VALID_SINGLE, "- name: g1", f"- name: '{name}'")  # quoted: NULL alone is YAML's null
    assert loads(tmp_path, text).groups[0].name == name


# Spellings the topology's own group name pattern already refuses; the file-name rule
# refuses them too, so it stays right wherever it is used.
WINDOWS_UNUSABLE = ["con.txt", "CON.tar.gz", "nul.", "Aux .txt", "COM¹", "com²", "LPT³", "lpt¹.log", "name.",
                    "name ", "name. . ", "PRN "]


@pytest.mark.parametrize("name", WINDOWS_UNUSABLE)
def test_windows_file_name_rule_on_extensions_superscripts_trailing_dots_and_spaces(name):
    with pytest.raises(ValueError, match="is not allowed: "):
        model._usable_as_file_name(name)
    with pytest.raises(ValidationError):
        TypeAdapter(model.FileName).validate_python(name)


@pytest.mark.parametrize("name", ["console.txt", "com10", "a.b", "lpt", "CON1.log", "report"])
def test_windows_file_name_rule_keeps_ordinary_names(name):
    assert model._usable_as_file_name(name) == name


# An oracle written from Microsoft's "Naming Files, Paths, and Namespaces", independent of sogen.
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{d}" for p in ("COM", "LPT") for d in "0123456789¹²³"}


def windows_can_create(name: str) -> bool:
    return not name.endswith((".", " ")) and name.split(".")[0].rstrip(" ").upper() not in RESERVED


def any_case(text: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in text)).map("".join)


NAME_LIKE = (
    st.sampled_from(sorted(RESERVED)).flatmap(any_case)
    | st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,30}", fullmatch=True)
    | st.text(st.sampled_from("conCONprnPRNauxAUXnulNULcomCOMlptLPT0123456789¹²³. _-"), min_size=1, max_size=8)
)


@given(name=NAME_LIKE, tail=st.sampled_from(["", ".txt", ".", " ", " .x", ".tar.gz"]))
def test_a_group_name_the_model_accepts_is_one_windows_can_create(name, tail):
    candidate = name + tail
    try:
        TypeAdapter(model.FileName).validate_python(candidate)
    except ValidationError:
        return
    assert windows_can_create(candidate), candidate


def test_every_generated_path_is_one_windows_can_create(tmp_path):
    # Node names end up in file names too (registry/decommission-<node>.reg): a node
    # named CON is a valid NetBIOS name, and the file name stays usable.
    text = VALID_SINGLE.replace("SV1", "CON").replace("SV2", "NUL")
    t = loads(tmp_path, text)
    files = generate(t, topology_hash(t.model_dump(mode="json")), "t.yaml")
    assert "g1/registry/decommission-CON.reg" in files
    for name in files:
        assert all(windows_can_create(part) for part in name.split("/")), name


# -- 5. validation gaps: a backslash before a closing quote ----------------------------

BEFORE_QUOTE = (
    "ends with a backslash, which would be written just before a closing double quote, where Windows "
    'programs read \\" as a literal quote and the argument runs on (not allowed: a trailing \\)'
)


@pytest.mark.parametrize("key", list(model.Messages.model_fields))
@pytest.mark.parametrize("value", ["Starting\\", "起動中\\\\", "C:\\"])
def test_every_message_refuses_a_trailing_backslash(tmp_path, key, value):
    quoted = "'" + value + "'"
    text = VALID_SINGLE + f"settings:\n  messages:\n    {key}: {quoted}\n"
    expect_problem(tmp_path, text, quoted, f"settings.messages.{key}", BEFORE_QUOTE)


def test_isql_refuses_a_trailing_backslash(tmp_path):
    text = edit(VALID_SINGLE, "database: sqlserver", "database: sqlserver\n        isql: 'C:\\'")
    expect_problem(tmp_path, text, "'C:\\'", "groups[0].products[1].isql", BEFORE_QUOTE)
    text = edit(VALID_SINGLE, "database: sqlserver", "database: sqlserver\n        isql: 'C:\\MSSQL\\BINN\\'")
    assert any("groups[0].products[1].isql" in p for p in problems_of(tmp_path, text))


def test_custom_service_refuses_a_backslash(tmp_path):
    text = edit(
        VALID_SINGLE,
        "      - type: workflow",
        "      - type: custom\n        name: extra\n        watch_id: Extra\n        service: 'Extra\\'\n      - type: workflow",
    )
    assert any("groups[0].products[1].service: 'Extra\\' is not allowed" in p for p in problems_of(tmp_path, text))


def test_backslashes_inside_a_message_are_kept(tmp_path):
    text = VALID_SINGLE + "settings:\n  messages:\n    start_home: 'C:\\SO is up'\n"
    t = loads(tmp_path, text)
    files = generate(t, topology_hash(t.model_dump(mode="json")), "t.yaml")
    assert b'ARMBCAST /MSG "C:\\SO is up" /A\r\n' in files["g1/start.bat"]


QUOTED_TEXT = st.text(st.sampled_from(list("ab \\/:.起動")), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=QUOTED_TEXT, isql=st.sampled_from(["C:\\", "C:\\MSSQL\\BINN\\isql", "D:\\x\\", "C:\\a b\\isql"]))
def test_no_generated_script_puts_a_backslash_before_a_quote(tmp_path, message, isql):
    """Whatever a topology holds, either it is refused or no batch line has \\" in it."""
    text = edit(VALID_SINGLE, "database: sqlserver", f"database: sqlserver\n        isql: '{isql}'")
    text += "settings:\n  messages:\n" + "".join(f"    {key}: '{message}'\n" for key in model.Messages.model_fields)
    try:
        t = loads(tmp_path, text)
    except TopologyError:
        assert message.endswith("\\") or isql.endswith("\\")  # refused for that reason only
        return
    files = generate(t, topology_hash(t.model_dump(mode="json")), "t.yaml")
    for name, data in files.items():
        if name.endswith(".bat"):
            assert b'\\"' not in data, name


# -- 6. lint --fix: read-only files, symbolic links, temporary files ------------------


@pytest.fixture
def lint(monkeypatch, tmp_path):
    """Run `sogen lint ARGS` in tmp_path; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        result = CliRunner().invoke(app, ["lint", *args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    return invoke


def broken_script(path: Path, mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(batch(BROKEN))
    if mode is not None:
        path.chmod(mode)
    return path


def is_fixed(path: Path) -> bool:
    return 'IF "%ARMS_EVENT%" == "RECOVER"' in path.read_bytes().decode("cp932")


def no_temporary_files(folder: Path) -> bool:
    return not any(p.name.startswith(".") for p in folder.rglob("*"))


ROOT_ONLY = pytest.mark.skipif(not IS_ROOT, reason="only root can read a file without read permission")


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555, 0o440, pytest.param(0o000, marks=ROOT_ONLY)])
def test_fix_refuses_a_file_nobody_may_write(lint, tmp_path, mode):
    locked = broken_script(tmp_path / "locked" / "start.bat", mode)
    other = broken_script(tmp_path / "open" / "start.bat")
    before = locked.read_bytes()
    code, out, err = lint("--fix", "--unsafe-fixes", ".")
    assert code == 2
    assert f"sogen lint: {os.path.join('locked', 'start.bat')}: read-only; not fixed" in err
    assert locked.read_bytes() == before and stat.S_IMODE(locked.stat().st_mode) == mode
    assert is_fixed(other)  # the other files are still fixed
    assert "SO201" in out  # the unfixed file's findings are reported, not those of its fixed text
    assert no_temporary_files(tmp_path)


def test_fix_refuses_a_file_this_user_may_not_write(lint, tmp_path, monkeypatch):
    """As a user other than root, someone else's 0644 file has write bits but os.access says no."""
    path = broken_script(tmp_path / "start.bat", 0o644)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m, **kw: False if m == os.W_OK else real_access(p, m, **kw))
    code, _, err = lint("--fix", "--unsafe-fixes", "start.bat")
    assert code == 2 and "start.bat: read-only; not fixed" in err
    assert not is_fixed(path)


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o640, 0o755, 0o666, pytest.param(0o200, marks=ROOT_ONLY)])
def test_fix_keeps_the_mode_of_a_writable_file(lint, tmp_path, mode):
    path = broken_script(tmp_path / "start.bat", mode)
    code, _, err = lint("--fix", "--unsafe-fixes", "start.bat")
    assert code == 0, err
    assert is_fixed(path) and stat.S_IMODE(path.stat().st_mode) == mode
    assert listing(tmp_path) == ["start.bat"]


@pytest.mark.parametrize("relative", [True, False], ids=["relative-link", "absolute-link"])
def test_fix_writes_through_a_symbolic_link_and_keeps_it(lint, tmp_path, relative):
    (tmp_path / ".git").mkdir()  # one repository: a group folder's link to its shared script
    target = broken_script(tmp_path / "shared" / "start.bat", 0o640)
    group = tmp_path / "group"
    group.mkdir()
    link = group / "start.bat"
    link.symlink_to(Path("..") / "shared" / "start.bat" if relative else target)
    link_text = os.readlink(link)
    code, _, err = lint("--fix", "--unsafe-fixes", "group")
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == link_text
    assert is_fixed(target) and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert listing(group) == ["start.bat"] and listing(tmp_path / "shared") == ["start.bat"]


def test_fix_does_not_take_the_working_folder_for_the_repository(tmp_path, monkeypatch):
    """Run from / (a container's working folder), every target counted as inside it."""
    victim = broken_script(tmp_path / "outside" / "start.bat")
    before = victim.read_bytes()
    (tmp_path / "repo" / "group").mkdir(parents=True)
    (tmp_path / "repo" / "group" / "start.bat").symlink_to(victim)
    monkeypatch.chdir("/")
    result = CliRunner().invoke(app, ["lint", "--fix", "--unsafe-fixes", str(tmp_path / "repo")])
    assert result.exit_code == 2 and "outside the paths linted and their repository; not fixed" in result.stderr
    assert victim.read_bytes() == before


def test_fix_refuses_a_link_to_a_read_only_file(lint, tmp_path):
    (tmp_path / ".git").mkdir()
    target = broken_script(tmp_path / "shared" / "start.bat", 0o444)
    (tmp_path / "group").mkdir()
    (tmp_path / "group" / "start.bat").symlink_to(target)
    code, _, err = lint("--fix", "--unsafe-fixes", "group")
    assert code == 2 and "read-only; not fixed" in err
    assert not is_fixed(target) and (tmp_path / "group" / "start.bat").is_symlink()


def test_fix_never_rewrites_a_file_a_link_leads_to_outside_the_working_folder(lint, tmp_path, monkeypatch):
    """A link committed to a repository (repo/evil.bat -> ../outside/victim.bat) had the file
    outside the checkout rewritten by `lint --fix` in CI."""
    victim = broken_script(tmp_path / "outside" / "victim.bat")
    before = victim.read_bytes()
    repo = tmp_path / "repo"
    broken_script(repo / "group" / "start.bat")
    (repo / "group" / "stop.bat").symlink_to(victim)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, ["lint", "--fix", "--unsafe-fixes", "."])
    assert result.exit_code == 2
    assert f"is a link to {victim}, outside the paths linted and their repository; not fixed" in result.stderr
    assert victim.read_bytes() == before and is_fixed(repo / "group" / "start.bat")


def test_fix_of_a_link_named_on_the_command_line_stays_in_its_repository(tmp_path, monkeypatch):
    """scripts/*.bat, or git ls-files, names the link itself: its target was taken for a
    root, and a file outside the repository was rewritten."""
    victim = broken_script(tmp_path / "outside" / "victim.bat")
    before = victim.read_bytes()
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "scripts").mkdir()
    (tmp_path / "repo" / "scripts" / "start.bat").symlink_to(victim)
    monkeypatch.chdir(tmp_path / "repo")
    result = CliRunner().invoke(app, ["lint", "--fix", "--unsafe-fixes", "scripts/start.bat"])
    assert result.exit_code == 2 and "outside the paths linted and their repository; not fixed" in result.stderr
    assert victim.read_bytes() == before


def test_fix_writes_the_file_it_checked_not_where_a_swapped_link_leads(tmp_path, monkeypatch):
    """The checks resolved the link, the write resolved it again: a link swapped in between
    (a racing process) had a file outside written."""
    from sogen import output

    shared = broken_script(tmp_path / "repo" / "shared.bat")
    victim = broken_script(tmp_path / "outside" / "victim.bat")
    before = shared.read_bytes()
    link = tmp_path / "repo" / "start.bat"
    link.symlink_to(shared)
    real_stat = os.stat

    def swap_then_stat(path, *args, **kwargs):  # the hard-link check: the last look before the write
        if os.path.islink(link) and os.readlink(link) == str(shared):
            link.unlink()
            link.symlink_to(victim)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(output.os, "stat", swap_then_stat)
    output.write_fix(str(link), before, b"fixed\r\n", [str(tmp_path / "repo")])
    assert shared.read_bytes() == b"fixed\r\n" and victim.read_bytes() == before


def test_fix_leaves_a_file_with_other_hard_links_as_it_is(lint, tmp_path):
    """A new file in its place left the other names of a hard-linked script with the old text."""
    path = broken_script(tmp_path / "group" / "start.bat")
    os.link(path, tmp_path / "start-copy.bat")
    before = path.read_bytes()
    code, _, err = lint("--fix", "--unsafe-fixes", "group")
    assert code == 2 and "has 2 hard links: a new file would leave the others with the old text; not fixed" in err
    assert path.read_bytes() == before and os.stat(path).st_nlink == 2


def test_fix_leaves_a_file_that_changed_since_it_was_read(tmp_path):
    """Every file is read first and written at the end: an edit saved in between was lost."""
    from sogen.output import FixRefused, write_fix

    path = tmp_path / "start.bat"
    path.write_bytes(b"edited by the user\r\n")
    with pytest.raises(FixRefused, match="changed while sogen was fixing it"):
        write_fix(str(path), b"as read\r\n", b"fixed\r\n", [str(tmp_path)])
    assert path.read_bytes() == b"edited by the user\r\n"


def test_a_fixed_file_keeps_its_owner(tmp_path, monkeypatch):
    """root fixing a user's script left it root's: the user could no longer edit it."""
    from sogen import output

    path = tmp_path / "start.bat"
    path.write_bytes(b"old\r\n")
    info = path.stat()
    given = []
    monkeypatch.setattr(output.os, "chown", lambda p, uid, gid: given.append((uid, gid)))
    output.write_atomically(str(path), b"new\r\n")
    assert given == [(info.st_uid, info.st_gid)] and path.read_bytes() == b"new\r\n"


def test_a_cache_entry_that_is_a_link_is_replaced_not_written_through(tmp_path):
    """An entry replaced by a link (a cache restored from elsewhere) had the next result
    written over the link's target; a FIFO there would have blocked the read."""
    from sogen.lint import engine
    from sogen.lint.config import LintConfig

    group = tmp_path / "group"
    broken_script(group / "start.bat")
    cache = tmp_path / "cache"
    engine.lint_paths([str(group)], LintConfig(), cache_folder=str(cache))
    (entry,) = [p for p in cache.rglob("*") if p.is_file()]
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    entry.unlink()
    entry.symlink_to(victim)
    engine.lint_paths([str(group)], LintConfig(), cache_folder=str(cache))
    assert victim.read_bytes() == b"precious\n" and entry.is_file() and not entry.is_symlink()
    entry.unlink()
    os.mkfifo(entry)
    assert engine.lint_paths([str(group)], LintConfig(), cache_folder=str(cache)).findings


def test_a_link_named_that_leads_nowhere_is_said_to_be_one(lint, tmp_path):
    """A link to itself was "no such file or directory", though the user sees it there."""
    (tmp_path / "start.bat").symlink_to("start.bat")
    code, _, err = lint("start.bat")
    assert code == 2 and "start.bat: is a symbolic link that leads to no file" in err


def fail_with(error: int):
    def fail(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    return fail


class FullDisk:
    """A file whose every write fails as on a full disk; closing it closes the descriptor."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stream.close()

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# Where writing can fail: while writing the data, setting its mode, or renaming it into place.
FAILURES = {
    "write": ("os.fdopen", lambda real: lambda fd, mode: FullDisk(real(fd, mode)), errno.ENOSPC),
    "chmod": ("os.chmod", lambda real: fail_with(errno.EPERM), errno.EPERM),
    "rename": ("os.replace", lambda real: fail_with(errno.EXDEV), errno.EXDEV),
}


def inject(monkeypatch, failure: str) -> int:
    target, make, error = FAILURES[failure]
    name = target.removeprefix("os.")
    monkeypatch.setattr(os, name, make(getattr(os, name)))
    return error


@pytest.mark.parametrize("failure", FAILURES)
def test_fix_that_fails_leaves_no_temporary_file_and_the_file_as_it_was(lint, tmp_path, monkeypatch, failure):
    path = broken_script(tmp_path / "start.bat")
    before = path.read_bytes()
    reason = os.strerror(inject(monkeypatch, failure))
    code, out, err = lint("--fix", "--unsafe-fixes", "start.bat")
    assert code == 2
    assert f"sogen lint: start.bat: cannot write: {reason}; not fixed" in err
    assert path.read_bytes() == before and listing(tmp_path) == ["start.bat"]
    assert "SO201" in out


def test_write_atomically_removes_its_temporary_file_on_an_interrupt(tmp_path, monkeypatch):
    path = tmp_path / "start.bat"
    path.write_bytes(b"old")

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomically(str(path), b"new")
    assert listing(tmp_path) == ["start.bat"] and path.read_bytes() == b"old"


# -- 7. import and migrate: folder names, the written file, citations -------------------

# Everything Python's str.splitlines or YAML reads as the end of a line, and
# characters that are not text at all (a lone surrogate is how Python spells a
# byte of a file name that is not UTF-8).
LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
HOSTILE_FOLDER_NAMES = [
    *(f"grp{b}groups: []" for b in LINE_BREAKS),
    "a\n# comment\nb",
    "x\r\ncluster: {}",
    "\u2028- item",
    "tab\there",
    "bell\x07",
    "del\x7f",
    "nel\x85",
    "bom\ufeff",
    "bidi\u202eevil",
    "latin1-\udcff\udcfe",
    "#hash",
    ": colon",
    "- dash",
    "'quote\"",
    "{[brace",
    "&anchor *alias !tag",
    "%percent",
    "@at `tick",
    "日本語 フォルダ",
    "CON",
]


def make_group_folder(parent: Path, name: str) -> Path:
    folder = parent / name
    shutil.copytree(GUIDE_SAMPLE, folder)
    return folder


def check_imported_text(text: str, expected_group: str) -> None:
    assert text.splitlines() == text.split("\n")[:-1], "a line break other than LF reached the YAML"
    text.encode("utf-8")  # no lone surrogate
    for loader in ("safe", "rt"):
        data = YAML(typ=loader).load(text)
        assert data["groups"][0]["name"] == expected_group


@pytest.mark.parametrize("name", HOSTILE_FOLDER_NAMES, ids=ascii)
def test_any_folder_name_gives_a_parseable_topology(tmp_path, name):
    folder = make_group_folder(tmp_path, name)
    for spec, group in ((str(folder), parse_group_spec(str(folder))[0]), (f"g1={folder}", "g1")):
        text = import_folders([spec], "cluster.yaml").yaml_text
        check_imported_text(text, group)


@pytest.mark.parametrize("name", HOSTILE_FOLDER_NAMES, ids=ascii)
def test_import_command_writes_a_file_sogen_reads_back(tmp_path, name):
    folder = make_group_folder(tmp_path, name)
    output = tmp_path / "cluster.yaml"
    result = run("import", folder, "-o", output)
    assert result.exit_code == 0, result.output
    doc = read_document(output)
    assert doc.data["groups"][0]["name"] == parse_group_spec(str(folder))[0]


@pytest.mark.parametrize("name", ["cluster\n.yaml", "c\u2028.yaml", "c\udcff.yaml"], ids=ascii)
def test_output_name_in_the_header_comment_is_escaped(tmp_path, name):
    folder = make_group_folder(tmp_path, "grp")
    check_imported_text(import_folders([str(folder)], name).yaml_text, "grp")


def _usable_folder_name(name: str) -> bool:
    try:
        return name not in (".", "..") and len(os.fsencode(name)) <= 200
    except UnicodeEncodeError:  # a file system encoding other than UTF-8 cannot spell every name
        return False


FOLDER_NAMES = (
    st.lists(
        st.characters(exclude_characters="/\x00", exclude_categories=("Cs",))
        | st.sampled_from(LINE_BREAKS + ["\udc80", "\udcff", "#", ": ", "- ", "\ufeff"]),
        min_size=1,
        max_size=16,
    )
    .map("".join)
    .filter(_usable_folder_name)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=FOLDER_NAMES)
def test_no_folder_name_makes_the_imported_yaml_invalid(tmp_path_factory, name):
    parent = tmp_path_factory.mktemp("names")
    try:
        folder = make_group_folder(parent, name)
    except OSError:
        assume(False)  # a name this file system refuses
    text = import_folders([str(folder)], "cluster.yaml").yaml_text
    check_imported_text(text, parse_group_spec(str(folder))[0])
    named = import_folders([f"Grp-1={folder}"], "cluster.yaml").yaml_text
    check_imported_text(named, "Grp-1")


def test_import_force_over_an_existing_file_leaves_nothing_beside_it(tmp_path):
    output = tmp_path / "existing.yaml"
    output.write_text("old\n", encoding="utf-8")
    output.chmod(0o640)
    result = run("import", "--force", GUIDE_SAMPLE, "-o", output)
    assert result.exit_code == 0, result.output
    assert listing(tmp_path) == ["existing.yaml"]
    assert stat.S_IMODE(output.stat().st_mode) == 0o640  # the file keeps its mode
    assert output.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_import_gives_a_new_file_the_usual_mode(tmp_path):
    old = os.umask(0o027)
    try:
        result = run("import", GUIDE_SAMPLE, "-o", tmp_path / "new.yaml")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640  # not mkstemp's 0600


def test_a_file_where_a_folder_is_needed_is_named(tmp_path):
    # "cannot be written: File exists" said nothing of which file was in the way.
    (tmp_path / "notes").write_text("mine", encoding="utf-8")
    for target in (tmp_path / "notes" / "new.yaml", tmp_path / "notes" / "sub" / "new.yaml"):
        result = run("import", GUIDE_SAMPLE, "-o", target)
        assert result.exit_code == 2
        assert f"{target}: cannot be written: {tmp_path / 'notes'} is a file, not a folder" in result.stderr
    assert listing(tmp_path) == ["notes"]


def test_import_onto_a_folder_says_so_and_leaves_nothing(tmp_path):
    target = tmp_path / "dir.yaml"
    target.mkdir()
    result = run("import", "--force", GUIDE_SAMPLE, "-o", target)
    assert result.exit_code == 2
    assert f"{target}: is a folder; give the name of a file to write" in result.stderr
    assert listing(tmp_path) == ["dir.yaml"] and listing(target) == []


@pytest.mark.parametrize("failure", FAILURES)
def test_import_that_fails_to_write_leaves_no_temporary_file(tmp_path, monkeypatch, failure):
    output = tmp_path / "existing.yaml"
    output.write_text("old\n", encoding="utf-8")
    reason = os.strerror(inject(monkeypatch, failure))
    result = run("import", "--force", GUIDE_SAMPLE, "-o", output)
    assert result.exit_code == 2
    assert f"{output}: cannot be written: {reason}; nothing was written" in result.stderr
    assert listing(tmp_path) == ["existing.yaml"] and output.read_text(encoding="utf-8") == "old\n"


def test_import_refuses_a_read_only_file_even_with_force(tmp_path):
    output = tmp_path / "locked.yaml"
    output.write_text("old\n", encoding="utf-8")
    output.chmod(0o444)
    result = run("import", "--force", GUIDE_SAMPLE, "-o", output)
    assert result.exit_code == 2 and f"{output}: read-only; nothing was written" in result.stderr
    assert listing(tmp_path) == ["locked.yaml"] and output.read_text(encoding="utf-8") == "old\n"


def test_import_writes_through_a_symbolic_link(tmp_path):
    real = tmp_path / "real.yaml"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "cluster.yaml"
    link.symlink_to("real.yaml")
    assert run("import", "--force", GUIDE_SAMPLE, "-o", link).exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert listing(tmp_path) == ["cluster.yaml", "real.yaml"]


def cited_places(stderr: str) -> list[tuple[str, int, int]]:
    return [(m[1], int(m[2]), int(m[3])) for m in re.finditer(r"^(.+?):(\d+):(\d+): ", stderr, re.M)]


def legacy_with_message(parent: Path, message: bytes) -> Path:
    folder = make_group_folder(parent, "grp")
    start = folder / "start.bat"
    home = 'ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A'.encode("cp932")
    start.write_bytes(start.read_bytes().replace(home, b'ARMBCAST /MSG "' + message + b'" /A', 1))
    return folder


def place_of(text: str, key: str, value: str) -> tuple[int, int]:
    """Line and column of ``value`` where ``key: value`` is written below ``groups:``
    (the cluster's name and the header comment may hold the same text above it)."""
    index = text.index(f"{key}: {value}", text.index("\ngroups:")) + len(key) + 2
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


MIGRATE_CASES = {
    # case: (make the legacy folder, its group spec, key and value written in cluster.yaml, field)
    "device-folder-name": (lambda p: make_group_folder(p, "CON"), str, "name", "CON", "groups[0].name"),
    "device-group-name": (lambda p: make_group_folder(p, "grp"), lambda f: f"lpt1={f}", "name", "lpt1", "groups[0].name"),
    "backslash-message": (
        lambda p: legacy_with_message(p, b"Starting\\"), str, "start_home", "Starting", "settings.messages.start_home",
    ),
}


@pytest.mark.parametrize("case", MIGRATE_CASES)
def test_migrate_cites_the_imported_topology_it_writes(tmp_path, case):
    make, spec, key, value, field = MIGRATE_CASES[case]
    folder = make(tmp_path / "legacy")
    out = tmp_path / "out"
    result = run("migrate", spec(folder), "-o", out)
    assert result.exit_code == 2, result.output
    written = out / "cluster.yaml"
    assert listing(out) == ["cluster.yaml"]  # nothing else was written
    text = written.read_text(encoding="utf-8")
    places = cited_places(result.stderr)
    assert places and all(path == str(written) for path, _, _ in places), result.stderr
    line, column = place_of(text, key, value)
    assert any(f"{written}:{line}:{column}: {field}: " in m for m in result.stderr.splitlines()), result.stderr
    assert f"then run sogen migrate again with --topology {written}" in result.stderr
    # The same run again finds its own file and says the same.
    again = run("migrate", spec(folder), "-o", out)
    assert again.exit_code == 2 and again.stderr == result.stderr


def test_migrate_never_overwrites_an_edited_imported_topology(tmp_path):
    folder = make_group_folder(tmp_path / "legacy", "CON")
    out = tmp_path / "out"
    run("migrate", folder, "-o", out)
    written = out / "cluster.yaml"
    edited = written.read_text(encoding="utf-8") + "# my notes\n"
    written.write_text(edited, encoding="utf-8")
    result = run("migrate", folder, "-o", out)
    assert result.exit_code == 2 and "were not written by sogen or were edited since" in result.stderr
    assert f"  {written}\n" in result.stderr and "use --force to overwrite them" in result.stderr
    assert written.read_text(encoding="utf-8") == edited


def test_an_invalid_import_leaves_the_last_migrations_files(tmp_path):
    """Writing the imported topology alone removed every file the last migration wrote
    (they were not in the set written), though the message said nothing else was written."""
    good = make_group_folder(tmp_path / "legacy", "sogroup")
    out = tmp_path / "out"
    assert run("migrate", good, "-o", out).exit_code in (0, 1)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert "MIGRATION.md" in before and "sogroup/start.bat" in before
    bad = make_group_folder(tmp_path / "other", "CON")
    result = run("migrate", bad, "-o", out)
    assert result.exit_code == 2 and "the imported topology is not valid" in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == before


def test_migrate_writes_the_imported_topology_as_generate_writes_out(tmp_path):
    """OUT/cluster.yaml that was a link had the imported topology written to its target,
    outside OUT, a FIFO or a device there too, even without --force."""
    folder = make_group_folder(tmp_path / "legacy", "CON")  # an invalid group name: the topology is written
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("victim data\n", encoding="utf-8")
    (out / "cluster.yaml").symlink_to(victim)
    refused = run("migrate", folder, "-o", out)
    assert refused.exit_code == 2 and "were not written by sogen" in refused.stderr
    forced = run("migrate", folder, "-o", out, "--force")
    assert forced.exit_code == 2 and "the imported topology is not valid" in forced.stderr
    assert victim.read_text(encoding="utf-8") == "victim data\n"
    written = out / "cluster.yaml"
    assert not written.is_symlink() and "name: CON" in written.read_text(encoding="utf-8")


def test_migrate_problems_cite_the_path_given(tmp_path):
    folder = make_group_folder(tmp_path, "CON")
    chosen = tmp_path / "somewhere" / "cluster.yaml"
    with pytest.raises(ImportedTopologyError) as info:
        migrate([str(folder)], None, imported_as=chosen)
    assert info.value.path == chosen and "name: CON" in info.value.yaml_text
    assert [p.path for p in info.value.problems] == [str(chosen)]
    assert not chosen.exists()  # the command writes it, not the library


# -- 8. folders lint cannot read --------------------------------------------------------

def unreadable(monkeypatch, folder: Path) -> None:
    """Make ``folder`` unreadable as a chmod 000 does for a user other than root: listing
    it fails with EACCES (root reads through any permission, so the test cannot chmod)."""
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(path, real):
        if os.path.abspath(os.fspath(path)) == str(folder):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", lambda path=".": refuse(path, real_scandir))
    monkeypatch.setattr(os, "listdir", lambda path=".": refuse(path, real_listdir))


@pytest.fixture
def group_with_locked_subfolder(tmp_path) -> Path:
    group = tmp_path / "group"
    (group / "locked").mkdir(parents=True)
    (group / "locked" / "start.bat").write_bytes(batch(BROKEN))
    (group / "start.bat").write_bytes(batch(CLEAN_START))
    (group / "stop.bat").write_bytes(batch(CLEAN_STOP))
    return group


def test_unreadable_subfolder_is_reported_and_exits_2(lint, monkeypatch, group_with_locked_subfolder):
    unreadable(monkeypatch, group_with_locked_subfolder / "locked")
    code, _, err = lint("group")
    assert code == 2
    assert os.path.join("group", "locked") in err


def test_unreadable_folder_given_on_the_command_line_is_reported(lint, monkeypatch, tmp_path):
    (tmp_path / "locked").mkdir()
    unreadable(monkeypatch, tmp_path / "locked")
    code, _, err = lint("locked")
    assert code == 2 and "sogen lint: locked" in err


def test_unreadable_subfolder_is_reported_with_fix_and_json(lint, monkeypatch, group_with_locked_subfolder):
    unreadable(monkeypatch, group_with_locked_subfolder / "locked")
    code, _, err = lint("--fix", "--unsafe-fixes", "--format", "json", "group")
    assert code == 2 and os.path.join("group", "locked") in err


def test_the_simulation_fails_like_a_real_unreadable_folder(monkeypatch, group_with_locked_subfolder):
    """The simulated folder fails os.walk where a chmod 000 one would: at its listing."""
    locked = group_with_locked_subfolder / "locked"
    unreadable(monkeypatch, locked)
    errors = []
    list(os.walk(group_with_locked_subfolder, onerror=errors.append))
    assert [(e.errno, e.filename) for e in errors] == [(errno.EACCES, str(locked))]
