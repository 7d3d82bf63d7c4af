"""The lint result cache: a re-run over unchanged files reads results back, any change
that could alter a result lints again, and --no-cache neither reads nor writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sogen.lint import engine
from sogen.lint.config import LintConfig

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "tests" / "legacy" / "guide-141-as-printed"


@pytest.fixture
def scripts(tmp_path) -> Path:
    folder = tmp_path / "group"
    folder.mkdir()
    for script in LEGACY.glob("*.bat"):
        (folder / script.name).write_bytes(script.read_bytes())
    return folder


def entries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def lint(folder: Path, cache: Path, config: LintConfig | None = None, **options):
    return engine.lint_paths([str(folder)], config or LintConfig(), cache_folder=str(cache), **options)


def no_linting(monkeypatch) -> None:
    """Make any real linting fail the test: only cached results may come back."""

    def refuse(*args, **kwargs):
        raise AssertionError("linted again instead of reading the cache")

    monkeypatch.setattr(engine, "run_rules", refuse)


def test_a_second_run_reads_every_result_back(scripts, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = lint(scripts, cache)
    assert first.findings and len(entries(cache)) == 2
    no_linting(monkeypatch)
    again = lint(scripts, cache)
    assert again.findings == first.findings


def test_a_changed_file_is_linted_again(scripts, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    lint(scripts, cache)
    start = scripts / "start.bat"
    start.write_bytes(start.read_bytes() + b"rem edited\r\n")
    no_linting(monkeypatch)
    with pytest.raises(AssertionError, match="linted again"):
        lint(scripts, cache)


def test_other_settings_are_linted_again(scripts, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    lint(scripts, cache)
    no_linting(monkeypatch)
    with pytest.raises(AssertionError, match="linted again"):
        lint(scripts, cache, LintConfig().with_options(select=["SO1"]))


def test_a_damaged_entry_is_linted_again_with_the_same_result(scripts, tmp_path):
    cache = tmp_path / "cache"
    first = lint(scripts, cache)
    for entry in entries(cache):
        entry.write_bytes(b"not a result")
    assert lint(scripts, cache).findings == first.findings


def test_fixing_is_never_cached(scripts, tmp_path):
    cache = tmp_path / "cache"
    result = lint(scripts, cache, fix=True, unsafe_fixes=True)  # the guide's fixes insert GOTO EXIT: unsafe ones
    assert result.changed and entries(cache) == []


def sogen_lint(*args, cache: Path, cwd: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SOGEN_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sogen", "lint", *args], capture_output=True, cwd=cwd, env=environment, timeout=60
    )


def test_the_command_caches_unless_told_not_to(scripts, tmp_path):
    cache = tmp_path / "cache"
    uncached = sogen_lint("--no-cache", "--format", "json", "group", cache=cache, cwd=tmp_path)
    assert uncached.returncode == 1 and entries(cache) == []
    cold = sogen_lint("--format", "json", "group", cache=cache, cwd=tmp_path)
    warm = sogen_lint("--format", "json", "group", cache=cache, cwd=tmp_path)
    assert len(entries(cache)) == 2
    assert cold.stdout == warm.stdout == uncached.stdout and warm.returncode == 1


def test_an_unwritable_cache_is_not_an_error(scripts, tmp_path):
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_bytes(b"")
    result = sogen_lint("--format", "json", "group", cache=blocked, cwd=tmp_path)
    assert result.returncode == 1 and b"Traceback" not in result.stderr and result.stderr == b""


def test_every_fixture_result_is_read_back(tmp_path):
    """Every class a result holds is one the cache's reader builds: linted again
    instead, a cached run would be as slow as a cold one, silently."""
    from tests.test_lint_cases import ALL_CASES, TOPOLOGY

    from sogen.lint import cache as result_cache
    from sogen.topology.load import load_topology

    folder = tmp_path / "cache"
    for case, _expected in ALL_CASES:
        topology = load_topology(case / TOPOLOGY) if (case / TOPOLOGY).is_file() else None
        engine.lint_paths([str(case)], LintConfig(), topology=topology, cache_folder=str(folder))
    for tree in ("golden", "legacy", "trace_cases"):
        engine.lint_paths([str(ROOT / "tests" / tree)], LintConfig(), cache_folder=str(folder))
    stored = entries(folder)
    assert len(stored) > 500
    unread = [p for p in stored if result_cache.load(str(folder), p.parent.name + p.name) is None]
    assert unread == []


def test_an_entry_that_would_run_code_is_linted_again(scripts, tmp_path):
    """A cache restored from elsewhere (a CI cache, a shared folder) is data, never code."""
    import pickle

    cache = tmp_path / "cache"
    first = lint(scripts, cache)
    witness = tmp_path / "ran"

    class RunsCode:
        def __reduce__(self):
            return (os.mkdir, (str(witness),))

    for entry in entries(cache):
        entry.write_bytes(pickle.dumps(RunsCode()))
    assert lint(scripts, cache).findings == first.findings
    assert not witness.exists()


def test_an_entry_of_the_right_classes_with_wrong_fields_is_linted_again(scripts, tmp_path):
    """Only the result's classes were checked: findings=5 stopped the run (exit 3)."""
    import pickle

    cache = tmp_path / "cache"
    first = lint(scripts, cache)
    for entry in entries(cache):
        result = pickle.loads(entry.read_bytes())
        result.findings = 5
        entry.write_bytes(pickle.dumps(result))
    assert lint(scripts, cache).findings == first.findings
