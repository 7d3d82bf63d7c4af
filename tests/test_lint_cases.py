"""The lint fixture corpus: every case under tests/lint_cases/<CODE>/ with its expected findings.

A case is either a file ``<case>.bat`` (or .cmd, .reg) with ``<case>.expected`` beside it (one
``line:col CODE`` per finding, nothing for a negative case), or a folder
``<case>/`` with several files (a start/stop pair) and ``expected`` (``file:line:col CODE``,
``file`` relative to the case folder with ``/``, e.g. ``g1/start.bat``).
Only the folder's rule runs, unless the expected file starts with a line
``# select: CODES`` (comma-separated codes or prefixes). Adding a case needs
no Python.

A folder case with a ``topology.yaml`` is linted against it, as by
``sogen lint --topology topology.yaml <case>`` (rules SO8xx): files belong to the
failover group named like the folder they are in (``g1/start.bat``,
``g1/registry/opcntrl.reg``); ``somg.ini`` and ``RUNBOOK.md`` are read too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sogen.lint.config import LintConfig
from sogen.lint.engine import lint_paths
from sogen.lint.rules import RULES
from sogen.topology.load import load_topology

CASES = Path(__file__).parent / "lint_cases"
SCRIPT_SUFFIXES = (".bat", ".cmd", ".reg")
TOPOLOGY = "topology.yaml"  # in a folder case: lint against this topology


def discover() -> list[tuple[Path, Path]]:
    """(what to lint, its expected file)."""
    found = []
    for rule_dir in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for entry in sorted(rule_dir.iterdir()):
            if entry.is_dir():
                found.append((entry, entry / "expected"))
            elif entry.suffix.lower() in SCRIPT_SUFFIXES:
                found.append((entry, entry.with_suffix(".expected")))
    return found


def read_expected(path: Path) -> tuple[tuple[str, ...], list[str]]:
    select = (path.parent.name if path.name != "expected" else path.parent.parent.name,)
    findings = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("# select:"):
            select = tuple(c.strip() for c in line.removeprefix("# select:").split(","))
        elif line and not line.startswith("#"):
            findings.append(line)
    return select, sorted(findings)


def case_relative(path: str, case: Path) -> str:
    """A finding's file as the expected file names it: relative to the case folder, with ``/``."""
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(case))).as_posix()


ALL_CASES = discover()


@pytest.mark.parametrize("case, expected_file", ALL_CASES, ids=[str(c.relative_to(CASES)) for c, _ in ALL_CASES])
def test_case(case: Path, expected_file: Path):
    assert expected_file.is_file(), f"{case.name} has no {expected_file.name} beside it"
    select, expected = read_expected(expected_file)
    topology = load_topology(case / TOPOLOGY) if (case / TOPOLOGY).is_file() else None
    result = lint_paths([str(case)], LintConfig(select=select), topology=topology)
    assert not result.errors, result.errors
    if case.is_dir():
        got = sorted(f"{case_relative(f.path, case)}:{f.line}:{f.column} {f.code}" for f in result.findings)
    else:
        got = sorted(f"{f.line}:{f.column} {f.code}" for f in result.findings)
    messages = "\n".join(f"{f.path}:{f.line}:{f.column} {f.code} {f.message}" for f in result.findings)
    assert got == expected, messages


@pytest.mark.parametrize("case, expected_file", ALL_CASES, ids=[str(c.relative_to(CASES)) for c, _ in ALL_CASES])
def test_every_fix_offered_edits_the_file_and_applies(case: Path, expected_file: Path):
    """A fix that edits nothing is no fix (and once made --fix fail); every case can be fixed."""
    select, _expected = read_expected(expected_file)
    topology = load_topology(case / TOPOLOGY) if (case / TOPOLOGY).is_file() else None
    offered = lint_paths([str(case)], LintConfig(select=select), topology=topology).findings
    empty = [f"{f.path}:{f.line}:{f.column} {f.code}" for f in offered if f.fix is not None and not f.fix.edits]
    assert not empty, f"fixes without edits: {empty}"
    fixed = lint_paths([str(case)], LintConfig(select=select), fix=True, unsafe_fixes=True, topology=topology)
    assert not fixed.errors, fixed.errors


def test_every_rule_has_two_positive_and_two_negative_cases():
    positive: dict[str, int] = {code: 0 for code in RULES}
    negative: dict[str, int] = {code: 0 for code in RULES}
    for _, expected_file in ALL_CASES:
        if not expected_file.is_file():
            continue
        code = expected_file.parent.name if expected_file.name != "expected" else expected_file.parent.parent.name
        _, findings = read_expected(expected_file)
        if any(f.endswith(" " + code) for f in findings):
            positive[code] += 1
        else:
            negative[code] += 1
    thin = {code: (positive[code], negative[code]) for code in RULES if positive[code] < 2 or negative[code] < 2}
    assert not thin, f"rules with fewer than 2 positive / 2 negative cases: {thin}"
