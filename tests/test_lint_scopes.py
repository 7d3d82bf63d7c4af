"""Cross-file rules compare the files of one cluster: linting a repository of several
sites' clusters at once finds exactly what linting each site alone does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sogen.lint.config import LintConfig
from sogen.lint.engine import lint_paths

ROOT = Path(__file__).resolve().parent.parent
LEGACY_MULTI = ROOT / "tests" / "legacy" / "multi"  # so1/ and so2/, no manifest
GENERATED_MULTI = ROOT / "tests" / "golden" / "multi-standby"  # with manifest.json


def findings(paths: list[str]) -> set[tuple[str, int, int, str]]:
    return {(f.path, f.line, f.column, f.code) for f in lint_paths(paths, LintConfig()).findings}


@pytest.fixture
def sites(tmp_path, monkeypatch) -> list[str]:
    """Four sites side by side: two legacy clusters without a manifest, two generated ones
    with it (one moved into a deeper folder), each site's own watch IDs and instances."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(LEGACY_MULTI, tmp_path / "tokyo")
    shutil.copytree(LEGACY_MULTI, tmp_path / "osaka")
    shutil.copytree(GENERATED_MULTI, tmp_path / "nagoya")
    shutil.copytree(GENERATED_MULTI, tmp_path / "fukuoka" / "2026" / "out")
    # A site whose second group watches FormServer2 as another service: its own finding only.
    stop = tmp_path / "nagoya" / "group2" / "stop.bat"
    start = tmp_path / "nagoya" / "group2" / "start.bat"
    for script in (start, stop):
        script.write_bytes(script.read_bytes().replace(b"FormServer2", b"FormServer"))
    return ["tokyo", "osaka", "nagoya", "fukuoka"]


def test_a_tree_of_sites_gives_the_findings_of_each_site_alone(sites):
    alone = set().union(*(findings([site]) for site in sites))
    together = findings(["."])
    assert {(p.removeprefix("./"), *rest) for p, *rest in together} == alone
    # The cross-file rules did find something within sites, so the test can fail.
    assert {"SO503", "SO310"} & {code for *_, code in alone}


def test_sites_named_together_on_the_command_line_are_kept_apart(sites):
    alone = set().union(*(findings([site]) for site in sites))
    assert findings(sites) == alone
