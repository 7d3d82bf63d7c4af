"""What every rule declares, and that the engine keeps to it: a rule gets only the contexts
of the languages it reads, and a topology rule only files placed as it declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sogen.lint.config import LintConfig
from sogen.lint.context import BATCH, REGISTRY, TEXT, FileContext, NamePatterns, RegContext, TextContext
from sogen.lint.engine import apply_fixes, codes_for_file, lint_paths, run_rules
from sogen.lint.rules import RULES
from sogen.lint.rules.base import CLUSTER, FILE, GROUP, PAIR, ClusterRule, PairRule
from sogen.topology.load import load_topology

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "single-standby.yaml"
# One small file of each language, with something for every kind of rule to read.
FILES = {
    BATCH: ("start.bat", b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\nset ALROOT=C:\\x\r\n'
            b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n:EXIT\r\nexit\r\n'),
    REGISTRY: ("opcntrl.reg", b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\CurrentVersion\\OPCNTRL]\r\n"
               b'"SELFHOST"="x"\r\n'),
    TEXT: ("RUNBOOK.md", "## 1. Failover group `sogroup`\n- `HKEY_LOCAL_MACHINE\\SOFTWARE\\X`\n".encode()),
}  # fmt: skip


def context(language: str, topology):
    name, data = FILES[language]
    if language == BATCH:
        ctx = FileContext(name, name, data, NamePatterns())
    elif language == REGISTRY:
        ctx = RegContext(name, name, data)
    else:
        ctx = TextContext(name, name, data)
    ctx.topology, ctx.group = topology, 0
    return ctx


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_declares_what_it_needs(code):
    rule = RULES[code]
    assert rule.languages and set(rule.languages) <= {BATCH, REGISTRY, TEXT}
    assert rule.scope in (FILE, PAIR, CLUSTER)
    assert rule.topology in (None, GROUP, CLUSTER)
    assert (rule.scope == PAIR) == isinstance(rule, PairRule)
    assert (rule.scope == CLUSTER) == isinstance(rule, ClusterRule)


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_reads_each_language_it_declares(code):
    """No rule looks for what a context of its languages lacks (the AttributeError of a
    check that assumed a batch file and got a patch)."""
    topology = load_topology(SAMPLE)
    rule = RULES[code]
    for language in rule.languages:
        ctx = context(language, topology)
        assert all(f.code == code for f in rule.check(ctx))
        if rule.scope != FILE:
            type(rule).summarize(ctx)


def test_the_engine_gives_a_rule_only_files_it_applies_to():
    codes = frozenset(RULES)
    for language in (BATCH, REGISTRY, TEXT):
        for placed in (None, CLUSTER, GROUP):
            for code in codes_for_file(codes, language, placed):
                rule = RULES[code]
                assert language in rule.languages
                assert rule.topology is None or placed is not None
                assert rule.topology != GROUP or placed == GROUP
    # Without --topology no SO8xx rule runs; with one, RUNBOOK.md is read by SO805 only.
    assert not [c for c in codes_for_file(codes, BATCH, None) if c.startswith("SO8")]
    assert codes_for_file(codes, TEXT, CLUSTER) == ("SO805",)


def test_a_runbook_outside_any_group_folder_is_still_checked(tmp_path):
    """SO805 reads the whole topology: RUNBOOK.md beside the group folders, in none of them
    (with two groups, a file in no group's folder is in neither)."""
    topology = load_topology(ROOT / "samples" / "multi-standby.yaml")
    assert len(topology.groups) == 2
    (tmp_path / "RUNBOOK.md").write_bytes(FILES[TEXT][1])
    (tmp_path / topology.groups[0].name).mkdir()
    (tmp_path / topology.groups[0].name / "start.bat").write_bytes(FILES[BATCH][1])
    result = lint_paths([str(tmp_path)], LintConfig(select=("SO805",)), topology=topology)
    assert [(Path(f.path).name, f.code) for f in result.findings] == [("RUNBOOK.md", "SO805")]


# Scripts the rules were written for, and what hand edits put into them: words of every
# kind, pasted into a line (inside quotes too), or as lines of their own.
_EDITED = sorted((ROOT / "tests" / "lint_cases").rglob("*.bat")) + sorted((ROOT / "tests" / "legacy").rglob("*.bat"))
_PIECES = [
    "(", ")", ") ELSE (", "%", "%%", "!", "^", "&", "&&", "||", "|", ">nul", '"', ":", "::", "GOTO", "GOTO :EOF",
    "CALL :", "SETLOCAL EnableDelayedExpansion", "ENDLOCAL", "SET /A X=1/0", 'SET "A=%B:~-3%"', "IF ERRORLEVEL 1",
    'IF "%ARMS_EVENT%"=="START"', '"%ARMS_EVENT%"', "IF /I %CLP_EVENT% == START", "EXIT /B 3", "ARMLOAD W /S /R 0 /H 99", "ARMKILL",
    "ARMLOAD a /U x /W", "%~dp0", "%*", "%1", "\t", "\x1a", "\u3000", "\u2014", "net stop", "EQU", "NOT", "ELSE",
]
_BATCH_CODES = tuple(sorted(code for code, rule in RULES.items() if BATCH in rule.languages and rule.topology is None))


@st.composite
def edited_script(draw) -> bytes:
    lines = draw(st.sampled_from(_EDITED)).read_bytes().decode("cp932", "replace").split("\n")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(lines) - 1))
        piece = " ".join(draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4)))
        if draw(st.booleans()):
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + piece + lines[at][column:]
        else:
            lines.insert(at, piece)
    return "\n".join(lines).encode(draw(st.sampled_from(["cp932", "utf-8"])), errors="replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_script(), st.sampled_from([None, "arm", "clp"]))
def test_every_rule_reads_edited_scripts_and_its_fixes_apply(data, dialect):
    """No rule fails on a hand-edited script, and every fix offered edits the file and
    applies (a fix without edits once stopped --fix with an internal error)."""
    ctx = FileContext("group1/start.bat", "group1/start.bat", data, NamePatterns(), dialect)
    findings = run_rules(ctx, _BATCH_CODES)
    assert all(f.fix is None or f.fix.edits for f in findings)
    if ctx.fixable:
        fixed, _applied = apply_fixes(ctx, findings)
        run_rules(FileContext("group1/start.bat", "group1/start.bat", fixed, NamePatterns(), dialect), _BATCH_CODES)
