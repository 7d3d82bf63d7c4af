"""OUT under attack and under faults (issue: safe under hostile input and faults).

Confinement: whatever a manifest or the folder holds, sogen reads, writes and removes
nothing outside OUT and follows no link inside it. All or nothing: killed between any
two system calls, or failing at any of them, OUT ends with the complete old set or the
complete new set, and the next run finishes without --force.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sogen.generator.artifacts import generate, with_manifest
from sogen.output import STATE, OutputError, is_plain_name, pending_update, write
from sogen.topology.load import load_topology

ROOT = Path(__file__).resolve().parent.parent
SINGLE = ROOT / "samples" / "single-standby.yaml"
MULTI = ROOT / "samples" / "multi-standby.yaml"
FOUR = ROOT / "samples" / "four-node.yaml"


def artifacts(sample: Path) -> dict[str, bytes]:
    return generate(load_topology(sample), "0" * 64, sample.name)


SETS = {sample.stem: artifacts(sample) for sample in (SINGLE, MULTI, FOUR)}
# The single standby set after an edit of its topology: the same names, two of them changed.
SETS["single-standby, changed"] = with_manifest(
    SETS["single-standby"]
    | {"sogroup/start.bat": SETS["single-standby"]["sogroup/start.bat"] + b"rem changed\r\n", "RUNBOOK.md": b"changed\n"},
    "1" * 64,
    "single-standby.yaml",
)


def sogen(*args, cwd=ROOT, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sogen", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as their target text), sogen's own corner included."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


def visible_tree(folder: Path) -> dict[str, bytes]:
    """What the user sees of OUT: every file but sogen's own corner (lock, staging)."""
    if not folder.exists():
        return {}
    return {name: data for name, data in tree(folder).items() if not name.startswith(STATE + "/")}


def without_manifest(files: dict[str, bytes]) -> dict[str, bytes]:
    """A set's files but its manifest, which records the topology's hash and file name."""
    return {name: data for name, data in files.items() if name != "manifest.json"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def quiet(message: str) -> None:
    pass


# -- confinement ---------------------------------------------------------------------------


def tamper(out: Path, entries: dict[str, str]) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"].update(entries)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def escaping_entries(tmp_path: Path, victim: Path) -> list[str]:
    """Names that reach ``victim`` outside OUT, in every spelling seen in attacks."""
    relative_from_out = os.path.relpath(victim, tmp_path / "out")
    return [
        relative_from_out,
        relative_from_out.replace("/", "\\"),
        str(victim),
        "sogroup/../../victim.txt",
        "sogroup/./../../victim.txt",
        "./../victim.txt",
        "/" + relative_from_out,
        "C:\\victim.txt",
        "C:victim.txt",
        "\\\\server\\share\\victim.txt",
        "sogroup//../../victim.txt",
        ".sogen/../../victim.txt",
        "sogroup/\x00/victim.txt",
        "",
    ]


@pytest.mark.parametrize("mode", ["generate", "--diff", "--check", "--force"])
def test_a_manifest_naming_a_file_outside_out_is_tampering(tmp_path, mode):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"the user's own file\n")
    out = tmp_path / "out"
    for entry in escaping_entries(tmp_path, victim):
        shutil.rmtree(out, ignore_errors=True)
        assert sogen("generate", SINGLE, "-o", out).returncode == 0
        tamper(out, {entry: sha(victim.read_bytes())})
        before = tree(tmp_path)
        args = ["generate", MULTI, "-o", out] + ([] if mode == "generate" else [mode])
        result = sogen(*args)
        assert result.returncode == 2, (entry, result.stderr)
        assert "tampered" in result.stderr and "manifest.json" in result.stderr
        assert "the user's own file" not in result.stdout + result.stderr  # --diff never shows it
        assert "Traceback" not in result.stderr
        assert tree(tmp_path) == before, entry  # nothing touched, inside or outside OUT


@pytest.mark.parametrize(
    "manifest",
    [
        b"{not json",
        b"[]",
        b'{"files": []}',
        b'{"files": {"sogroup/start.bat": 5}}',
        b'{"files": {"sogroup/start.bat": "not a digest"}}',
        b"[" * 100_000 + b"]" * 100_000,
        b"\xff\xfe\x00garbage",
    ],
    ids=["syntax", "list", "files-list", "digest-int", "digest-text", "nested-100000", "binary"],
)
def test_a_manifest_sogen_did_not_write_stops_every_mode(tmp_path, manifest):
    out = tmp_path / "out"
    assert sogen("generate", SINGLE, "-o", out).returncode == 0
    (out / "manifest.json").write_bytes(manifest)
    before = tree(tmp_path)
    for args in ([], ["--diff"], ["--check"], ["--force"]):
        result = sogen("generate", SINGLE, "-o", out, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "manifest.json" in result.stderr and "Traceback" not in result.stderr
        assert tree(tmp_path) == before


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entry=st.text(alphabet=st.sampled_from(list("ab./\\:C\x00 ")) | st.characters(), max_size=24))
def test_manifest_entries_are_accepted_only_when_they_stay_inside(tmp_path_factory, entry):
    """Any string as a manifest entry: either a plain name inside OUT, or tampering, never a write outside."""
    base = tmp_path_factory.mktemp("fuzz")
    victim = base / "victim.txt"
    victim.write_bytes(b"keep me\n")
    out = base / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    tamper(out, {entry: sha(b"keep me\n")})
    outside_before = {p: p.read_bytes() for p in base.rglob("*") if p.is_file() and out not in p.parents}
    try:
        write(out, SETS["multi-standby"], force=False, notice=quiet)
    except OutputError as exc:
        assert not is_plain_name(entry) and "tampered" in str(exc)
    else:
        assert is_plain_name(entry)
        resolved = (out / entry).resolve()
        assert out.resolve() in resolved.parents
    assert {p: p.read_bytes() for p in base.rglob("*") if p.is_file() and out not in p.parents} == outside_before


def test_a_group_folder_that_is_a_link_out_of_out_is_never_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "start.bat").write_bytes(b"rem not sogen's\r\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sogroup").symlink_to(elsewhere, target_is_directory=True)
    before = tree(tmp_path)
    for args in ([], ["--force"], ["--diff"], ["--check"]):
        result = sogen("generate", SINGLE, "-o", out, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "symbolic link" in result.stderr and "Traceback" not in result.stderr
        assert "rem not sogen's" not in result.stdout
        assert tree(tmp_path) == before


def test_a_link_deeper_inside_out_is_refused_too(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    shutil.rmtree(out / "sogroup" / "registry")
    (out / "sogroup" / "registry").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputError, match="symbolic link"):
        write(out, SETS["single-standby"], force=True, notice=quiet)
    assert list(elsewhere.iterdir()) == []


def test_a_file_replaced_by_a_link_is_a_conflict_and_force_replaces_the_link_not_its_target(tmp_path):
    target = tmp_path / "secret.txt"
    target.write_bytes(b"secret\n")
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    (out / "sogroup" / "start.bat").unlink()
    (out / "sogroup" / "start.bat").symlink_to(target)
    result = sogen("generate", SINGLE, "-o", out, "--diff")
    assert "secret" not in result.stdout and "symbolic link" in result.stdout
    with pytest.raises(OutputError, match="not written by sogen"):
        write(out, SETS["single-standby"], force=False, notice=quiet)
    write(out, SETS["single-standby"], force=True, notice=quiet)
    assert target.read_bytes() == b"secret\n"
    assert not (out / "sogroup" / "start.bat").is_symlink()
    assert tree(out) == SETS["single-standby"]


def test_a_fifo_in_out_is_never_opened(tmp_path):
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    (out / "sogroup" / "stop.bat").unlink()
    os.mkfifo(out / "sogroup" / "stop.bat")
    for args, code in (([], 2), (["--diff"], 1), (["--check"], 1)):
        result = sogen("generate", SINGLE, "-o", out, *args, timeout=20)
        assert result.returncode == code, result.stderr
    assert "not a regular file" in sogen("generate", SINGLE, "-o", out, "--diff", timeout=20).stdout
    write(out, SETS["single-standby"], force=True, notice=quiet)
    assert tree(out) == SETS["single-standby"]


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_a_journal_that_is_no_file_stops_the_run_without_waiting(tmp_path, kind):
    # A FIFO opened to read waits for a writer: generate and --check hung there.
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    journal = out / STATE / "txn" / "journal.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    {"fifo": os.mkfifo, "link": lambda p: p.symlink_to(tmp_path / "elsewhere.json"), "folder": os.mkdir}[kind](journal)
    (tmp_path / "elsewhere.json").write_text(json.dumps({"replace": {}, "remove": {}, "forced": False}))
    for args in ([], ["--check"]):
        result = sogen("generate", SINGLE, "-o", out, *args, timeout=20)
        assert result.returncode == 2, result.stderr
        assert "the journal of an interrupted update is damaged" in result.stderr
    assert visible_tree(out) == SETS["single-standby"]  # nothing of OUT touched


def plant_staging(out: Path, journal: dict | str) -> Path:
    """An OUT/.sogen/txn someone committed beside the scripts: a journal of their making."""
    txn = out / STATE / "txn"
    txn.mkdir(parents=True, exist_ok=True)
    (txn / "journal.json").write_text(journal if isinstance(journal, str) else json.dumps(journal))
    return txn


@pytest.mark.parametrize("staging", ["new", "old"])
def test_a_planted_staging_that_links_out_of_out_moves_nothing(tmp_path, staging):
    """A committed OUT/.sogen whose txn/new linked to a folder outside made the next run move
    the files there into OUT (deleting them outside); one whose txn/old did, made it move
    OUT's files out ("forced": no --force needed)."""
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "secret.txt").write_bytes(b"precious\n")
    (victim / "RUNBOOK.md").write_bytes(b"outside\n")
    runbook = SETS["single-standby"]["RUNBOOK.md"]
    txn = plant_staging(out, {
        "replace": {"secret.txt": {"new": sha(b"precious\n"), "old": None},
                    "RUNBOOK.md": {"new": sha(b"outside\n"), "old": sha(runbook)}},
        "remove": {}, "forced": True,
    })  # fmt: skip
    (txn / staging).symlink_to(victim)
    if staging == "old":
        (txn / "new").mkdir()
        (txn / "new" / "secret.txt").write_bytes(b"precious\n")
    result = sogen("generate", SINGLE, "-o", out, timeout=20)
    assert result.returncode == 2, result.stderr
    assert "is not what sogen left there" in result.stderr or "symbolic link" in result.stderr
    assert sorted(p.name for p in victim.iterdir()) == ["RUNBOOK.md", "secret.txt"]
    assert (victim / "secret.txt").read_bytes() == b"precious\n"
    assert visible_tree(out) == SETS["single-standby"]


def test_a_planted_staging_whose_files_differ_from_its_journal_moves_nothing(tmp_path):
    """Regular files in a planted staging are moved in only if they are what the journal says;
    a journal that "replaces" a file of the user's that it has no copy of is refused."""
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    (out / "notes.txt").write_bytes(b"the user's\n")
    txn = plant_staging(out, {
        "replace": {"notes.txt": {"new": sha(b"planted\n"), "old": None}}, "remove": {}, "forced": True,
    })  # fmt: skip
    (txn / "new").mkdir()
    (txn / "new" / "notes.txt").write_bytes(b"planted\n")
    result = sogen("generate", SINGLE, "-o", out, timeout=20)
    assert result.returncode == 2 and "run again with --force to complete it" in result.stderr, result.stderr
    result = sogen("generate", SINGLE, "-o", out, "--force", timeout=20)  # even then: no copy, no replacing
    assert result.returncode == 2 and "changed while sogen was updating it" in result.stderr, result.stderr
    assert (out / "notes.txt").read_bytes() == b"the user's\n"
    (txn / "journal.json").write_text(json.dumps({
        "replace": {"RUNBOOK.md": {"new": sha(b"other\n"), "old": sha(SETS["single-standby"]["RUNBOOK.md"])}},
        "remove": {}, "forced": False,
    }))  # fmt: skip
    (txn / "new" / "RUNBOOK.md").write_bytes(b"not what the journal says\n")
    result = sogen("generate", SINGLE, "-o", out, timeout=20)
    assert result.returncode == 2 and "is not what sogen left there" in result.stderr, result.stderr
    assert visible_tree(out) == SETS["single-standby"] | {"notes.txt": b"the user's\n"}


def test_a_planted_journal_says_forced_but_only_this_runs_force_counts(tmp_path):
    """A planted journal marked "forced" had the user's folder, a large file and a link in OUT
    moved aside and deleted, without --force; a folder must not go even with it."""
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    (out / "notes").mkdir()
    (out / "notes" / "todo.txt").write_bytes(b"mine\n")
    (out / "backup.zip").write_bytes(b"\0" * (5 << 20))
    (out / "mylink").symlink_to(tmp_path)
    txn = plant_staging(out, {
        "replace": {name: {"new": sha(b"x\n"), "old": None} for name in ("notes", "backup.zip", "mylink")},
        "remove": {}, "forced": True,
    })  # fmt: skip
    (txn / "new").mkdir()
    for name in ("notes", "backup.zip", "mylink"):
        (txn / "new" / name).write_bytes(b"x\n")
    for force, said in (([], "run again with --force to complete it"), (["--force"], "changed while sogen was updating it")):
        result = sogen("generate", SINGLE, "-o", out, *force, timeout=20)
        assert result.returncode == 2 and said in result.stderr, result.stderr
        assert (out / "notes" / "todo.txt").read_bytes() == b"mine\n" and (out / "mylink").is_symlink()
        assert (out / "backup.zip").stat().st_size == 5 << 20


def test_a_planted_link_in_the_staging_is_never_written_through(tmp_path, monkeypatch):
    """The copy that puts an old file back was written to txn/undo/<name>, opened through
    whatever stood there: a planted link made sogen write its content outside OUT."""
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    victim = tmp_path / "victim.sh"
    victim.write_bytes(b"the user's script\n")
    runbook = SETS["single-standby"]["RUNBOOK.md"]
    txn = plant_staging(out, {
        "replace": {"RUNBOOK.md": {"new": sha(b"new\n"), "old": sha(runbook)},
                    "sogroup/start.bat": {"new": sha(b"start\n"), "old": sha(SETS["single-standby"]["sogroup/start.bat"])}},
        "remove": {}, "forced": False,
    })  # fmt: skip
    for kind, name, data in (("new", "RUNBOOK.md", b"new\n"), ("new", "sogroup/start.bat", b"start\n"),
                             ("old", "RUNBOOK.md", runbook),
                             ("old", "sogroup/start.bat", SETS["single-standby"]["sogroup/start.bat"])):
        (txn / kind / name).parent.mkdir(parents=True, exist_ok=True)
        (txn / kind / name).write_bytes(data)
    (txn / "undo").mkdir()
    (txn / "undo" / "RUNBOOK.md").symlink_to(victim)
    monkeypatch.setattr(os, "replace", refusing_replace("sogroup/start.bat"))  # the update stops midway
    with pytest.raises(OutputError, match="could not be completed"):
        write(out, SETS["single-standby"], force=False, notice=quiet)
    assert victim.read_bytes() == b"the user's script\n"
    assert not (out / "RUNBOOK.md").is_symlink()


def test_a_planted_journal_is_never_undone_over_the_users_files_and_folders(tmp_path):
    """A planted journal that failed midway was "undone": a user's file whose content it named
    went into the staging and was deleted, another was replaced by a planted copy, and the
    user's empty folders went too; a planted "remove" of a file that is not there removed
    the empty folders above it."""
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    (out / "notes.txt").write_bytes(b"")
    (out / "docs").mkdir()
    (out / "logs" / "archive").mkdir(parents=True)
    txn = plant_staging(out, {
        "replace": {"notes.txt": {"new": sha(b""), "old": None}, "a": {"new": sha(b"a\n"), "old": None}},
        "remove": {"a/b": sha(b"b\n"), "logs/archive/x": sha(b"x\n"), "docs/y": sha(b"y\n")},
        "forced": False,
    })  # fmt: skip
    for kind, name, data in (("new", "notes.txt", b""), ("new", "a", b"a\n"), ("old", "a/b", b"b\n"),
                             ("old", "logs/archive/x", b"x\n"), ("old", "docs/y", b"y\n")):
        (txn / kind / name).parent.mkdir(parents=True, exist_ok=True)
        (txn / kind / name).write_bytes(data)
    sogen("generate", SINGLE, "-o", out, timeout=20)
    assert (out / "notes.txt").read_bytes() == b"" and (out / "docs").is_dir() and (out / "logs" / "archive").is_dir()


def test_a_staging_planted_a_thousand_folders_deep_is_cleared(tmp_path):
    """shutil.rmtree recurses before Python 3.12: every run stopped with an internal error."""
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    deep = out / STATE / "txn"
    deep.mkdir(parents=True)
    os.chdir(deep)  # one level at a time: the path grows past what one call takes
    try:
        for _ in range(1100):
            os.mkdir("a")
            os.chdir("a")
        Path("f").write_bytes(b"x")
    finally:
        os.chdir(ROOT)
    try:
        result = sogen("generate", SINGLE, "-o", out, timeout=20)
        assert result.returncode == 0, result.stderr
        assert not (out / STATE).exists()
    finally:  # pytest's own clean-up recurses too
        remove_deep(out / STATE)


def remove_deep(top: Path) -> None:
    stack, folders = [str(top)], []
    while stack and os.path.isdir(stack[-1]):
        folder = stack.pop()
        folders.append(folder)
        for entry in os.scandir(folder):
            stack.append(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)


@pytest.mark.parametrize(
    "journal",
    [
        {"replace": {"a.txt": "x"}, "remove": {}, "forced": False},
        {"replace": {"a.txt": {"new": "0" * 64}}, "remove": {}, "forced": False},
        "[" * 200_000 + "]" * 200_000,  # json recurses: RecursionError
        {"replace": {"a.txt": {"new": "x", "old": None}}, "remove": {}, "forced": False},
        {"replace": {}, "remove": {"a.txt": 5}, "forced": False},
    ],
)
def test_a_journal_of_another_shape_is_damaged_not_an_internal_error(tmp_path, journal):
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    plant_staging(out, journal)
    result = sogen("generate", SINGLE, "-o", out, timeout=20)
    assert result.returncode == 2 and "the journal of an interrupted update is damaged" in result.stderr, result.stderr


def test_a_folder_where_a_file_goes_is_never_removed_even_with_force(tmp_path):
    # --force moved the user's folder into sogen's corner and deleted it with what it held.
    out = tmp_path / "out"
    (out / "RUNBOOK.md" / "notes").mkdir(parents=True)
    (out / "RUNBOOK.md" / "notes" / "mine.txt").write_text("precious", encoding="utf-8")
    for args in ([], ["--force"]):
        result = sogen("generate", SINGLE, "-o", out, *args)
        assert result.returncode == 2, result.stderr
        assert "stand where sogen writes a file, and sogen never removes a folder, --force or not" in result.stderr
        assert f"  {out / 'RUNBOOK.md'}" in result.stderr.splitlines()
    assert visible_tree(out) == {"RUNBOOK.md/notes/mine.txt": b"precious"}


def test_a_file_marked_read_only_is_replaced_only_with_force(tmp_path):
    # generate replaced it quietly (and reset its mode); init, diagram and lint --fix refuse.
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    locked = out / "sogroup" / "start.bat"
    locked.chmod(0o444)
    with pytest.raises(OutputError) as refused:
        write(out, SETS["single-standby, changed"], force=False, notice=quiet)
    assert str(refused.value).splitlines() == [
        f"1 file(s) in {out} are marked read-only; nothing was written (use --force to replace them):",
        f"  {locked}",
    ]
    assert visible_tree(out) == SETS["single-standby"]
    write(out, SETS["single-standby, changed"], force=True, notice=quiet)
    assert visible_tree(out) == SETS["single-standby, changed"]


def test_removal_removes_only_what_sogen_wrote(tmp_path):
    out = tmp_path / "out"
    write(out, SETS["multi-standby"], force=False, notice=quiet)
    (out / "notes.txt").write_bytes(b"mine\n")
    edited = next(name for name in SETS["multi-standby"] if name.endswith("backup.bat"))
    (out / edited).write_bytes(b"rem my edit\r\n")
    with pytest.raises(OutputError, match="not written by sogen"):
        write(out, SETS["multi-standby"], force=False, notice=quiet)
    write(out, SETS["single-standby"], force=False, notice=quiet)
    # The edited file sogen no longer generates stays, as does the user's own; the rest of the old set goes.
    assert tree(out) == {**SETS["single-standby"], "notes.txt": b"mine\n", edited: b"rem my edit\r\n"}


# -- all or nothing: fault injection --------------------------------------------------------

# Every call that changes the file system, or opens a file, is a point where a kill can land.
SYSTEM_CALLS = ("open", "write", "fsync", "replace", "rename", "unlink", "rmdir", "mkdir", "ftruncate", "close")


class Faults:
    """Counts the system calls of a write and acts at the ``at``-th one."""

    def __init__(self, at: int | None, action):
        self.at, self.action, self.count = at, action, 0
        self.originals = {name: getattr(os, name) for name in SYSTEM_CALLS}

    def __enter__(self):
        for name, original in self.originals.items():
            setattr(os, name, self._wrap(original))
        return self

    def __exit__(self, *exc):
        for name, original in self.originals.items():
            setattr(os, name, original)

    def _wrap(self, original):
        def call(*args, **kwargs):
            self.count += 1
            if self.count == self.at:
                self.action()
            return original(*args, **kwargs)

        return call


def refusing_replace(name: str, original=os.replace):
    """os.replace, failing as Windows does for a file another process holds open when the
    file moved into place is ``name``: the staged copy and the place in OUT are named."""

    def replace(source, target, *args, **kwargs):
        if str(target).endswith(os.path.join(*name.split("/"))):
            raise PermissionError(errno.EACCES, "Permission denied", str(source), None, str(target))
        return original(source, target, *args, **kwargs)

    return replace


def kill_at(out: Path, files: dict[str, bytes], force: bool, at: int | None, refused: str | None = None) -> int:
    """Run write() in a child killed (as by kill -9) at system call ``at``; the number of
    calls. With ``refused``, moving that file into place fails, so that the update is put
    back (the OutputError that says so is no failure of the child)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no cleanup of any kind runs after the kill
        os.close(reader)
        if refused is not None:
            os.replace = refusing_replace(refused)
        with Faults(at, lambda: os._exit(137)) as faults:
            try:
                write(out, files, force=force, notice=quiet)
            except OutputError:
                if refused is None:
                    os._exit(3)
            except BaseException:
                os._exit(3)
        os.write(writer, str(faults.count).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as stream:
        count = stream.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 137), f"write failed in the child (exit {code}) at call {at}"
    return int(count or 0)


SCENARIOS = {
    # name: (old set or None, new set, extra file of the user's, force)
    "first run": (None, "single-standby", None, False),
    "update, removals and a user's file": ("multi-standby", "single-standby", "notes.txt", False),
    "update with more groups": ("single-standby", "four-node", None, False),
    "forced over an edited file": ("single-standby", "single-standby, changed", "sogroup/start.bat", True),
}


def prepare(folder: Path, old: str | None, extra: str | None) -> dict[str, bytes]:
    shutil.rmtree(folder, ignore_errors=True)
    if old is not None:
        write(folder, SETS[old], force=False, notice=quiet)
    if extra is not None:
        (folder / extra).parent.mkdir(parents=True, exist_ok=True)
        (folder / extra).write_bytes(b"the user's\r\n")
    return tree(folder) if folder.exists() else {}


def expected_new(old_tree: dict[str, bytes], new: str, extra: str | None) -> dict[str, bytes]:
    """The new set, and the user's own file unless the new set (forced) replaces it."""
    return SETS[new] | ({extra: old_tree[extra]} if extra and extra not in SETS[new] else {})


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_killed_at_every_system_call_out_is_old_or_new_and_the_next_run_finishes(tmp_path, scenario):
    old, new, extra, force = SCENARIOS[scenario]
    out = tmp_path / "out"
    old_tree = prepare(out, old, extra)
    calls = kill_at(out, SETS[new], force, None)
    assert calls > 20
    new_tree = expected_new(old_tree, new, extra)
    assert tree(out) == new_tree
    for at in range(1, calls + 1):
        prepare(out, old, extra)
        kill_at(out, SETS[new], force, at)
        visible = visible_tree(out)
        if pending_update(out):
            # Past the commit point: every file is its old or its new self, and the rest is staged.
            for name, data in visible.items():
                assert data in (old_tree.get(name), new_tree.get(name)), (at, name)
        else:
            assert visible in (old_tree, new_tree), f"killed at call {at}: a mixed folder"
        # The same command again (without --force unless the first needed it) finishes, leaving no trace.
        write(out, SETS[new], force=force, notice=quiet)
        assert tree(out) == new_tree, f"killed at call {at}"
        assert not any(p.name.startswith((".out.sogen", ".sogen")) for p in tmp_path.iterdir())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_an_error_at_any_system_call_leaves_the_old_set_or_writes_the_new_one(tmp_path, scenario):
    old, new, extra, force = SCENARIOS[scenario]
    out = tmp_path / "out"
    old_tree = prepare(out, old, extra)
    with Faults(None, None) as counting:
        write(out, SETS[new], force=force, notice=quiet)
    new_tree = tree(out)

    def fail():
        raise OSError(errno.EIO, "injected I/O error", "somewhere")

    for at in range(1, counting.count + 1):
        prepare(out, old, extra)
        with Faults(at, fail):
            try:
                write(out, SETS[new], force=force, notice=quiet)
            except (OutputError, OSError) as exc:
                message = str(exc)
            else:
                message = None
        if message is None:
            # A failure while clearing the staging: OUT is complete, the next run clears the rest.
            assert visible_tree(out) == new_tree, at
            write(out, SETS[new], force=False, notice=quiet)
            assert tree(out) == new_tree, at
        elif "could not be undone" in message:
            assert pending_update(out)
            write(out, SETS[new], force=False, notice=quiet)
            assert tree(out) == new_tree
        else:
            # "nothing was written", "left as it was": true of the folder.
            assert visible_tree(out) == old_tree, (at, message)


def test_a_permission_error_midway_puts_everything_back_and_says_so(tmp_path):
    out = tmp_path / "out"
    write(out, SETS["single-standby"], force=False, notice=quiet)
    before = tree(out)
    original = os.replace
    changed = dict(SETS["single-standby"])
    changed["RUNBOOK.md"] += b"\nchanged\n"
    changed["sogroup/start.bat"] += b"rem changed\r\n"
    os.replace = refusing_replace("sogroup/start.bat")
    try:
        with pytest.raises(OutputError) as caught:
            write(out, changed, force=False, notice=quiet)
    finally:
        os.replace = original
    assert "Permission denied" in str(caught.value) and "left as it was" in str(caught.value)
    # The place the user can act on, not sogen's staged copy in OUT/.sogen.
    assert f"{os.path.realpath(out / 'sogroup' / 'start.bat')}: Permission denied" in str(caught.value)
    assert STATE not in str(caught.value).split("left as it was")[0]
    assert tree(out) == before


def test_killed_while_putting_the_old_files_back_the_next_run_finishes(tmp_path):
    """An update that failed midway was being undone when the run was killed: every later
    run failed ("could not be completed"), for good, with OUT half old and half new."""
    out = tmp_path / "out"
    new = SETS["single-standby, changed"]
    prepare(out, "single-standby", None)
    calls = kill_at(out, new, False, None, refused="sogroup/start.bat")
    assert tree(out) == SETS["single-standby"]  # undone: "left as it was"
    for at in range(1, calls + 1):
        prepare(out, "single-standby", None)
        kill_at(out, new, False, at, refused="sogroup/start.bat")
        write(out, new, force=False, notice=quiet)  # the cause gone, the same command again
        assert tree(out) == new, f"killed at call {at}"


# -- one writer at a time ----------------------------------------------------------------------


def test_ten_parallel_runs_into_one_folder_leave_one_complete_set(tmp_path):
    out = tmp_path / "out"
    samples = [SINGLE, MULTI, FOUR, SINGLE, MULTI, FOUR, SINGLE, MULTI, FOUR, MULTI]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "sogen", "generate", str(s), "-o", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )
        for s in samples
    ]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    for code, stderr in results:
        assert code == 0, stderr
    final = tree(out)
    assert any(without_manifest(final) == without_manifest(artifacts(s)) for s in (SINGLE, MULTI, FOUR))
    manifest = json.loads(final["manifest.json"])
    assert {name: sha(data) for name, data in final.items() if name != "manifest.json"} == manifest["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def held_lock(out: Path, text: bytes) -> int:
    """OUT's lock, held as another run holds it, holding ``text``; the descriptor."""
    import fcntl

    (out / STATE).mkdir(parents=True)
    lock = os.open(out / STATE / "lock", os.O_RDWR | os.O_CREAT)
    os.write(lock, text)
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def test_a_held_lock_makes_a_run_wait_and_say_so(tmp_path):
    import fcntl

    out = tmp_path / "out"
    lock = held_lock(out, b"4242\n")
    messages = []
    with pytest.raises(OutputError, match="still being written by another sogen run"):
        write(out, SETS["single-standby"], force=False, lock_wait=0.3, notice=messages.append)
    assert messages and "process 4242" in messages[0] and "waiting" in messages[0]
    assert not (out / "manifest.json").exists()
    run = subprocess.Popen(
        [sys.executable, "-m", "sogen", "generate", str(SINGLE), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    time.sleep(1.5)
    assert run.poll() is None  # waiting
    fcntl.flock(lock, fcntl.LOCK_UN)
    os.close(lock)
    assert run.wait(timeout=60) == 0
    assert "another sogen run (process 4242) is writing it; waiting" in run.stderr.read()
    assert without_manifest(tree(out)) == without_manifest(artifacts(SINGLE))


def test_a_lock_held_with_other_text_than_a_process_id_shows_none_of_it(tmp_path):
    """Whatever holds the lock wrote the text shown as its process: terminal escapes went to
    the console as they were."""
    out = tmp_path / "out"
    lock = held_lock(out, b"\x1b[31mRED\r")
    messages = []
    try:
        with pytest.raises(OutputError):
            write(out, SETS["single-standby"], force=False, lock_wait=0.1, notice=messages.append)
    finally:
        os.close(lock)
    assert messages == [f"{out}: another sogen run is writing it; waiting for it to finish (up to 0 s)"]


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path, monkeypatch):
    """os.write names no file: the message said "a file: No space left on device"."""
    out = tmp_path / "out"
    real_write = os.write

    def full(fd, data):
        if len(data) > 16:  # a file's content, not the lock's process ID
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError) as caught:
        write(out, SETS["single-standby"], force=False, notice=quiet)
    assert f"{os.strerror(errno.ENOSPC)}; nothing in {out} was changed" in str(caught.value)
    assert str(caught.value).startswith(str(out / STATE))  # the file it was writing, not "a file"


@pytest.mark.parametrize("kind", ["file", "link to a folder outside"])
def test_a_state_corner_that_is_not_a_real_folder_stops_the_run(tmp_path, kind):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    if kind == "file":
        (out / STATE).write_bytes(b"mine\n")
    else:
        (out / STATE).symlink_to(outside, target_is_directory=True)
    before = tree(tmp_path)
    result = sogen("generate", SINGLE, "-o", out)
    assert result.returncode == 2
    assert f"{out / STATE}: is not sogen's folder (a link or a file); nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(tmp_path) == before


def test_a_state_corner_removed_by_a_finishing_run_is_made_again(tmp_path, monkeypatch):
    """Another run that finishes removes OUT/.sogen; when that happens between this run
    making it and looking at it, this run makes it again and writes (CI saw the race)."""
    out = tmp_path / "out"
    out.mkdir()
    real_mkdir, vanished = os.mkdir, []

    def mkdir_then_another_run_finishes(path, *args, **kwargs):
        real_mkdir(path, *args, **kwargs)
        if os.path.basename(path) == STATE and not vanished:
            vanished.append(path)
            os.rmdir(path)

    monkeypatch.setattr(os, "mkdir", mkdir_then_another_run_finishes)
    write(out, SETS["single-standby"], force=False)
    assert vanished
    assert visible_tree(out) == SETS["single-standby"]


@pytest.mark.parametrize("o_nofollow", [True, False], ids=["posix", "no O_NOFOLLOW, as on Windows"])
@pytest.mark.parametrize("target", ["a link to nowhere", "a link to a file", "a hard link to a file"])
def test_a_lock_linked_from_elsewhere_stops_the_run_at_once(tmp_path, monkeypatch, o_nofollow, target):
    """sogen writes its process number into the lock. Windows' os has no O_NOFOLLOW: a
    link to a missing folder failed with FileNotFoundError, which the lock loop took for a
    finishing run and retried for ever; a link to a file was followed, and the file
    outside OUT truncated."""
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    (out / STATE).mkdir(parents=True)
    victim.write_bytes(b"precious\n")
    lock = out / STATE / "lock"
    if target == "a link to nowhere":
        lock.symlink_to(tmp_path / "nowhere" / "lock")
    elif target == "a link to a file":
        lock.symlink_to(victim)
    else:
        os.link(victim, lock)
    if not o_nofollow:
        monkeypatch.delattr(os, "O_NOFOLLOW")
    started = time.monotonic()
    with pytest.raises(OutputError, match=r"lock: is a link, not sogen's lock file: delete it; nothing was written"):
        write(out, SETS["single-standby"], force=False, lock_wait=5)
    assert time.monotonic() - started < 2
    assert victim.read_bytes() == b"precious\n"
    assert not (tmp_path / "nowhere").exists() and not (out / "manifest.json").exists()


def test_a_lock_file_made_again_by_the_next_run_is_no_link(tmp_path, monkeypatch):
    """Run B opens the lock file run A holds; A ends and removes it; run C makes a new
    one at the same place; only then does B compare what it opened with what stands
    there. They differ, as with a link swapped in: B must try again, not refuse
    (1 write in 1,200 of four runs side by side failed so)."""
    out = tmp_path / "out"
    lock = out / STATE / "lock"
    lock.parent.mkdir(parents=True)
    lock.write_bytes(b"111\n")  # A's
    real_fstat, swapped = os.fstat, []

    def fstat_after_a_ends_and_c_starts(fd):
        if not swapped:
            swapped.append(fd)
            lock.unlink()
            lock.write_bytes(b"333\n")  # C's, not locked yet
        return real_fstat(fd)

    monkeypatch.setattr(os, "fstat", fstat_after_a_ends_and_c_starts)
    write(out, SETS["single-standby"], force=False, lock_wait=5)
    assert swapped and visible_tree(out) == SETS["single-standby"]
