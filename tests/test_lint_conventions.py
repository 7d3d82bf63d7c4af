"""Issue 15 items 4-6, the back ends the `sogen lint` options call: colour decided by the
caller (--color, NO_COLOR, FORCE_COLOR), the fixable count, unsafe fixes, .gitignore
(judged against git itself), progress, `.sogen.toml`, per-file-ignores on Windows paths,
and SARIF for code scanning (fingerprints, full descriptions, help URIs, the schema)."""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from sogen.lint.config import ConfigError, LintConfig, discover_config, load_config
from sogen.i18n import set_language
from sogen.lint.engine import PARALLEL_MIN_FILES, LintUsageError, discover, lint_paths
from sogen.lint.report import render, render_human, render_statistics, wants_color
from sogen.lint.rules import RULES
from sogen.lint.rules.base import Edit, Fix

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

# A start script with one finding of each kind of fix: SO201 (quote the IF operands: safe),
# SO302 (continu -> CONTINUE: safe) and SO103 (GOTO EXIT inserted: unsafe, it changes which
# lines run).
SCRIPT = """\
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
IF %ARMS_EVENT% == RECOVER GOTO RECOVER
GOTO no_arm
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
ARMLOAD StarOffice /S /M "StarOffice Server"
ARMLOADC StarOffice /W continu
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


def batch(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp932")


def script(path: Path, text: str = SCRIPT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(batch(text))
    return path


def sogen(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SOGEN_DEBUG", "NO_COLOR", "FORCE_COLOR")}
    env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", LC_ALL="C")  # messages in English
    return subprocess.run(
        [sys.executable, "-m", "sogen", *map(str, args)], capture_output=True, cwd=cwd, env=env, timeout=120
    )


# -- colour ----------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "environment", "stream", "expected"),
    [
        ("auto", {}, Terminal, True),
        ("auto", {}, io.StringIO, False),
        ("auto", {"NO_COLOR": "1"}, Terminal, False),
        ("auto", {"NO_COLOR": ""}, Terminal, True),  # set but empty: as if not set
        ("auto", {"FORCE_COLOR": "1"}, io.StringIO, True),  # a CI log: colour without a terminal
        ("auto", {"FORCE_COLOR": ""}, io.StringIO, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, Terminal, False),  # NO_COLOR wins, as in CPython
        ("auto", {"TERM": "dumb"}, Terminal, False),
        ("always", {"NO_COLOR": "1"}, io.StringIO, True),
        ("never", {"FORCE_COLOR": "1"}, Terminal, False),
    ],
)
def test_wants_color(monkeypatch, choice, environment, stream, expected):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert wants_color(choice, stream()) is expected


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_formats_for_programs_are_never_coloured(monkeypatch, tmp_path, fmt):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not wants_color("always", Terminal(), fmt)
    assert not wants_color("auto", Terminal(), fmt)
    findings = lint_paths([str(script(tmp_path / "start.bat"))], LintConfig()).findings
    out = io.StringIO()
    render(fmt, findings, 1, out, color=True)
    assert "\x1b[" not in out.getvalue()


def test_an_unknown_color_choice_is_refused():
    with pytest.raises(ValueError, match="auto, always, never"):
        wants_color("yes", io.StringIO())


def test_without_the_flag_there_is_no_colour_even_on_a_terminal(monkeypatch, tmp_path):
    monkeypatch.setenv("FORCE_COLOR", "1")
    findings = lint_paths([str(script(tmp_path / "start.bat"))], LintConfig()).findings
    terminal = Terminal()
    render("human", findings, 1, terminal)
    assert "\x1b[" not in terminal.getvalue()
    render("human", findings, 1, terminal, color=True)
    assert "\x1b[1m" in terminal.getvalue()


# -- fixable, unsafe fixes ----------------------------------------------------------------


def test_a_fix_says_whether_it_is_unsafe_and_keeps_it_through_pickling():
    fix = Fix("insert GOTO EXIT before :RECOVER", (Edit(3, 3, "\r\nGOTO EXIT"),), unsafe=True)
    assert pickle.loads(pickle.dumps(fix)) == fix and pickle.loads(pickle.dumps(fix)).unsafe
    assert Fix("x", ()).unsafe is False


def test_summary_counts_what_fix_and_unsafe_fixes_can_fix(tmp_path):
    findings = lint_paths([str(script(tmp_path / "start.bat"))], LintConfig()).findings
    fixes = {f.code: f.fix for f in findings if f.fix}
    assert {code: fix.unsafe for code, fix in fixes.items()} == {"SO103": True, "SO201": False, "SO302": False}
    out = io.StringIO()
    render_human(findings, 1, out)
    assert out.getvalue().splitlines()[-1] == "2 fixable with `--fix` (1 more with `--fix --unsafe-fixes`)."
    out = io.StringIO()
    render_human(findings, 1, out, unsafe_fixes=True)
    assert out.getvalue().splitlines()[-1] == "3 fixable with `--fix`."
    out = io.StringIO()
    render("json", findings, 1, out)
    summary = json.loads(out.getvalue())["summary"]
    assert (summary["fixable"], summary["unsafe_fixable"]) == (2, 1)
    out = io.StringIO()
    render_human([f for f in findings if f.fix is None], 1, out)
    assert "fixable" not in out.getvalue()


def test_statistics_mark_unsafe_fixes_fixable_only_with_unsafe_fixes(tmp_path):
    findings = lint_paths([str(script(tmp_path / "start.bat"))], LintConfig(select=("SO103", "SO201"))).findings
    out = io.StringIO()
    render_statistics("human", findings, out)
    assert out.getvalue() == "1\tSO103\t    fall-through\n1\tSO201\t[*] unquoted-if-operand\n"
    out = io.StringIO()
    render_statistics("json", findings, out, unsafe_fixes=True)
    assert all(row["fixable"] for row in json.loads(out.getvalue()))


def test_unsafe_fixes_are_applied_only_when_asked(tmp_path):
    path = script(tmp_path / "start.bat")
    safe = lint_paths([str(path)], LintConfig(), fix=True)
    (changed,) = safe.changed
    text = changed.fixed.decode("cp932")
    assert 'IF "%ARMS_EVENT%" == "RECOVER"' in text and "/W CONTINUE\r\n:RECOVER" in text
    assert changed.fixes_applied == 2 and [f.code for f in safe.findings] == ["SO103"]
    both = lint_paths([str(path)], LintConfig(), fix=True, unsafe_fixes=True)
    (changed,) = both.changed
    assert "/W CONTINUE\r\nGOTO EXIT\r\n:RECOVER" in changed.fixed.decode("cp932")
    assert changed.fixes_applied == 3 and both.findings == []


def test_unsafe_fixes_reach_the_worker_processes(tmp_path):
    for index in range(PARALLEL_MIN_FILES):
        script(tmp_path / f"g{index}" / "start.bat")
    safe = lint_paths([str(tmp_path)], LintConfig(select=("SO103",)), fix=True)
    assert safe.changed == [] and len(safe.findings) == PARALLEL_MIN_FILES
    unsafe = lint_paths([str(tmp_path)], LintConfig(select=("SO103",)), fix=True, unsafe_fixes=True)
    assert len(unsafe.changed) == PARALLEL_MIN_FILES and unsafe.findings == []


def test_unsafe_fixes_from_the_command_line(tmp_path):
    path = script(tmp_path / "start.bat")
    diff = sogen("lint", "--diff", "start.bat", cwd=tmp_path)
    assert diff.returncode == 1 and b"+GOTO EXIT" not in diff.stdout and b"/W CONTINUE" in diff.stdout
    unsafe_diff = sogen("lint", "--diff", "--unsafe-fixes", "start.bat", cwd=tmp_path)
    assert b"+GOTO EXIT" in unsafe_diff.stdout and path.read_bytes() == batch(SCRIPT)
    fixed = sogen("lint", "--fix", "start.bat", cwd=tmp_path)
    assert fixed.returncode == 1 and b"SO103" in fixed.stdout
    assert fixed.stdout.decode().splitlines()[-1] == "None fixable with `--fix` (1 with `--fix --unsafe-fixes`)."
    assert sogen("lint", "--fix", "--unsafe-fixes", "start.bat", cwd=tmp_path).returncode == 0
    assert "/W CONTINUE\r\nGOTO EXIT\r\n:RECOVER" in path.read_bytes().decode("cp932")


def unsafe_codes_in_the_corpus() -> dict[str, bool]:
    """Rule code -> whether any of its fixes is unsafe, for every fix the fixture corpus gives."""
    found: dict[str, bool] = {}
    result = lint_paths([str(ROOT / "tests" / "lint_cases")], LintConfig(select=("SO",)))
    for finding in result.findings:
        if finding.fix is not None:
            found[finding.code] = found.get(finding.code, False) or finding.fix.unsafe
    return found


def test_a_rule_whose_fix_is_unsafe_says_so_in_its_docs():
    found = unsafe_codes_in_the_corpus()
    # SO302's fixes are all safe, SO103's all unsafe, SO201's safe or not by the operands.
    assert found.get("SO302") is False and found.get("SO103") is True and found.get("SO201") is True
    for code, unsafe in found.items():
        text = RULES[code].section("Fix")
        assert ("--unsafe-fixes" in text) is unsafe, (code, text)


# -- .gitignore --------------------------------------------------------------------------

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")

# Each pattern family of gitignore(5): negation, directory-only, anchored, **, wildcards,
# classes, escapes, trailing blanks, a deeper file re-including what a higher one ignores,
# and patterns that name folders above the one walked.
ROOT_GITIGNORE = """\
# generated output
out/
/build/*
!/build/keep.bat
legacy/**/old*.bat
**/tmp
*.cmd
!important.cmd
docs/*.bat
[Bb]ackup?.bat
\\#hash.bat
trailing.bat   
site/a/
"""
NESTED = {
    "docs/.gitignore": "!keep.bat\n*.reg\n",
    "group1/.gitignore": "/local.bat\n!stop.bat\n",
    "group1/sub/.gitignore": "*\n!*.bat\nskip.bat\n",
    "vendor/.gitignore": "*\n",
}
TREE = [
    "start.bat", "stop.bat", "z.cmd", "important.cmd", "#hash.bat", "trailing.bat", "Backup1.bat",
    "backup2.bat", "backup10.bat", "out/start.bat", "group1/out/start.bat", "out.bat", "build/x.bat",
    "build/keep.bat", "group1/build/x.bat", "legacy/old1.bat", "legacy/a/b/old2.bat", "legacy/new.bat",
    "a/tmp/x.bat", "tmp/y.bat", "docs/x.bat", "docs/keep.bat", "docs/sub/x.bat", "docs/opcntrl.reg",
    "group1/local.bat", "group1/sub/local.bat", "group1/stop.bat", "group1/sub/x.bat",
    "group1/sub/skip.bat", "group1/sub/note.reg", "vendor/a.bat", "site/a/start.bat", "site/b/start.bat",
]


def make_tree(top: Path) -> None:
    subprocess.run([GIT, "init", "-q", str(top)], check=True)
    (top / ".gitignore").write_text(ROOT_GITIGNORE, encoding="utf-8")
    (top / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (top / ".git" / "info" / "exclude").write_text("stop.bat\n", encoding="utf-8")
    for name, text in NESTED.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text, encoding="utf-8")
    for name in TREE:
        script(top / name, "exit\n")


def git_not_ignored(top: Path, names: list[str]) -> set[str]:
    """The files of ``names`` that git does not ignore, as `git check-ignore` judges them
    (with no global or system settings of the machine's)."""
    env = {**os.environ, "HOME": str(top), "XDG_CONFIG_HOME": str(top), "GIT_CONFIG_NOSYSTEM": "1"}
    checked = subprocess.run(
        [GIT, "-C", str(top), "check-ignore", "--stdin", "-z"],
        input="\0".join(names).encode("utf-8"),
        capture_output=True,
        env=env,
        check=False,
    )
    assert checked.returncode in (0, 1), checked.stderr
    return set(names) - set(filter(None, checked.stdout.decode("utf-8").split("\0")))


def discovered(top: Path, folder: str = ".", respect_gitignore: bool = True) -> set[str]:
    unread: list[str] = []
    found = discover([str(top / folder)], unread, respect_gitignore=respect_gitignore)
    assert unread == []
    return {Path(os.path.relpath(path, top)).as_posix() for path in found}


@needs_git
def test_discovery_skips_what_git_ignores(tmp_path):
    make_tree(tmp_path)
    scripts = [name for name in TREE if name.endswith((".bat", ".cmd", ".reg"))]
    expected = git_not_ignored(tmp_path, scripts)
    assert discovered(tmp_path) == expected
    # The fixture means something: each kind of pattern left some file out, and kept some.
    assert {"out/start.bat", "build/x.bat", "z.cmd", "stop.bat", "vendor/a.bat"}.isdisjoint(expected)
    assert {"build/keep.bat", "important.cmd", "docs/keep.bat", "group1/stop.bat", "out.bat"} <= expected
    assert discovered(tmp_path, respect_gitignore=False) == set(scripts)


@needs_git
@pytest.mark.parametrize("folder", ["group1", "group1/sub", "docs", "legacy"])
def test_a_subfolder_is_judged_by_the_gitignore_files_above_it_too(tmp_path, folder):
    make_tree(tmp_path)
    scripts = [name for name in TREE if name.startswith(folder + "/")]
    assert discovered(tmp_path, folder) == git_not_ignored(tmp_path, scripts)


@needs_git
def test_random_patterns_agree_with_git(tmp_path):
    """Patterns drawn from the pieces gitignore(5) describes, in a .gitignore at the root and
    one in a subfolder, on one tree, judged against git."""
    pieces = [
        "a", "b", "*", "?", "**", "[ab]", "[!a]", "[a-c]", "x.bat", "*.bat", "a*", "**b", "[[:digit:]]", "1",
        "*a*b*", "?*[!b]*a*", "*b*a*t",
    ]
    names = [
        "a/b/x.bat", "a/x.bat", "b/a/x.bat", "x.bat", "a/a/a.bat", "b/b.bat", "ab/x.bat", "a/b/c/d/x.bat",
        "b/x.bat", "c/1/x.bat", "c/b/1.bat", "ba/a.bat", "a/c.bat", "abab.bat", "a/bab/x.bat", "cab/bba.bat",
    ]
    rng = random.Random(15)

    def pattern() -> str:
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 3))]
        text = ("/" if rng.random() < 0.3 else "") + "/".join(parts) + ("/" if rng.random() < 0.3 else "")
        return ("!" if rng.random() < 0.3 else "") + text + (" " if rng.random() < 0.1 else "")

    for round_ in range(80):
        top = tmp_path / f"r{round_}"
        subprocess.run([GIT, "init", "-q", str(top)], check=True)
        for name in names:
            script(top / name, "exit\n")
        root = [pattern() for _ in range(rng.randint(1, 4))]
        nested = [pattern() for _ in range(rng.randint(0, 2))]
        (top / ".gitignore").write_text("\n".join(root) + "\n", encoding="utf-8")
        (top / "a" / ".gitignore").write_text("\n".join(nested) + "\n", encoding="utf-8")
        assert discovered(top) == git_not_ignored(top, names), (root, nested)


def test_a_pattern_that_would_backtrack_for_minutes_is_matched_at_once(tmp_path):
    """A .gitignore is anyone's commit: `*a*a*...*b` against a long name takes a backtracking
    regular expression minutes; sogen looks for each piece once."""
    (tmp_path / ".gitignore").write_text("*a" * 20 + "*b\n" + "**/a/" * 20 + "b\n", encoding="utf-8")
    script(tmp_path / ("a" * 200 + ".bat"), "exit\n")
    deep = tmp_path.joinpath(*["a"] * 30)
    script(deep / "c.bat", "exit\n")
    started = time.perf_counter()
    assert len(discovered(tmp_path)) == 2
    assert time.perf_counter() - started < 5


def test_pattern_syntax_edges():
    """What git does with escapes, classes and blanks (each checked with `git check-ignore -v`)."""
    from sogen.lint.gitignore import Patterns

    def ignored(line: str, path: str, is_dir: bool = False) -> bool | None:
        return Patterns("/", [line]).decision(path, is_dir)

    assert ignored("\\#a.bat", "#a.bat") and ignored("# a comment", "# a comment") is None
    assert ignored("\\!a.bat", "!a.bat") and ignored("!a.bat", "a.bat") is False
    assert ignored("a.bat   ", "a.bat") and ignored("a.bat\\ ", "a.bat ") and not ignored("a.bat\\ ", "a.bat")
    assert ignored("[0-9].bat", "5.bat") and ignored("[!0-9].bat", "x.bat") and not ignored("[!0-9].bat", "5.bat")
    assert ignored("[]a].bat", "].bat") and ignored("[[:upper:]].bat", "S.bat")
    assert ignored("[ab", "[ab") is None  # an unclosed bracket matches nothing
    assert ignored("out/", "out", is_dir=True) and ignored("out/", "out") is None
    assert ignored("a/**", "a/b/c.bat") and ignored("a/**", "a") is None
    assert ignored("a/**/b", "a/b", is_dir=True) and ignored("a/**/b", "a/x/y/b", is_dir=True)
    assert ignored("*.bat", "deep/down/x.bat") and ignored("/x.bat", "deep/x.bat") is None


@needs_git
def test_named_files_and_folders_are_linted_even_when_ignored(tmp_path):
    make_tree(tmp_path)
    # A file named on the command line is always linted; so is a named folder's content
    # (`sogen lint out/` when out/ is generated and ignored), judged by what is below it.
    assert set(discover([str(tmp_path / "z.cmd")], [])) == {str(tmp_path / "z.cmd")}
    assert discovered(tmp_path, "out") == {"out/start.bat"}
    assert discovered(tmp_path, "vendor") == set()  # vendor/.gitignore ignores its own files
    # /build/* names the files themselves, not the folder: they stay ignored, as in ripgrep and ruff.
    result = lint_paths([str(tmp_path / "build")], LintConfig())
    assert [Path(r.path).name for r in result.files] == ["keep.bat"]
    named = lint_paths([str(tmp_path / "build"), str(tmp_path / "build" / "x.bat")], LintConfig())
    assert [Path(r.path).name for r in named.files] == ["keep.bat", "x.bat"]


def test_a_folder_whose_scripts_are_all_ignored_says_so(tmp_path):
    (tmp_path / ".gitignore").write_text("*.bat\n", encoding="utf-8")
    script(tmp_path / "start.bat", "exit\n")
    result = sogen("lint", ".", cwd=tmp_path)
    assert result.returncode == 2 and b"that .gitignore does not exclude (--no-respect-gitignore" in result.stderr
    assert sogen("lint", "--no-respect-gitignore", ".", cwd=tmp_path).returncode == 0


def test_gitignore_without_a_repository_applies_within_the_tree(tmp_path):
    (tmp_path / ".gitignore").write_text("*.bat\n", encoding="utf-8")  # above the walk, no .git: not read
    (tmp_path / "scripts" / ".gitignore").parent.mkdir()
    (tmp_path / "scripts" / ".gitignore").write_text("old/\n", encoding="utf-8")
    script(tmp_path / "scripts" / "start.bat", "exit\n")
    script(tmp_path / "scripts" / "old" / "start.bat", "exit\n")
    assert discovered(tmp_path, "scripts") == {"scripts/start.bat"}


# -- progress ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, PARALLEL_MIN_FILES + 2])
def test_progress_is_reported_in_this_process_as_files_complete(tmp_path, count):
    for index in range(count):
        script(tmp_path / f"g{index:03}" / "start.bat", "exit\n")
    calls = []
    result = lint_paths([str(tmp_path)], LintConfig(), progress=lambda done, total: calls.append((done, total, os.getpid())))
    assert [(done, total) for done, total, _ in calls] == [(n, count) for n in range(1, count + 1)]
    assert {pid for *_, pid in calls} == {os.getpid()}
    assert [Path(r.path).parent.name for r in result.files] == [f"g{index:03}" for index in range(count)]


# -- .sogen.toml -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '[tool.sogen.lint]\nselect = ["SO1"]\n[tool.sogen.lint.per-file-ignores]\n"old/*.bat" = ["SO2"]\n',
        '[lint]\nselect = ["SO1"]\n[lint.per-file-ignores]\n"old/*.bat" = ["SO2"]\n',
        'select = ["SO1"]\n[per-file-ignores]\n"old/*.bat" = ["SO2"]\n',
    ],
)
def test_sogen_toml_takes_the_readme_block_a_lint_table_or_the_settings_alone(tmp_path, text):
    (tmp_path / ".sogen.toml").write_text(text, encoding="utf-8")
    config = discover_config(tmp_path)
    assert config.select == ("SO1",) and config.per_file_ignores == (("old/*.bat", ("SO2",)),)
    assert config.source == str(tmp_path / ".sogen.toml")
    assert load_config(tmp_path / ".sogen.toml").select == ("SO1",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('select = ["SO1"]\n[tool.sogen.lint]\nignore = ["SO2"]\n', "unknown key 'select' beside [tool]"),
        ('[lint]\nselect = ["SO1"]\n[tool.sogen.lint]\nignore = ["SO2"]\n', "unknown key 'lint' beside [tool]"),
        ("[tool.ruff]\nline-length = 100\n", "unknown key 'ruff' beside [tool.sogen]"),
        ("[tool]\nsogen = 1\n", "'tool.sogen' must be a table"),
    ],
)
def test_sogen_toml_with_two_ways_at_once_is_an_error(tmp_path, text, message):
    (tmp_path / ".sogen.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        discover_config(tmp_path)


def test_a_folder_that_cannot_be_searched_is_passed_over_for_settings(tmp_path, monkeypatch):
    """Linting a folder with mode 000 (as a user other than root) said its .sogen.toml
    could not be read, 'nothing was written': a file never given, a write never made.
    The settings come from the folders above; lint then says the folder is unreadable."""
    (tmp_path / ".sogen.toml").write_text('[lint]\nselect = ["SO3"]\n', encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    exists = Path.exists

    def searching(path):  # what stat() does in a folder without the execute bit
        if path.parent == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return exists(path)

    monkeypatch.setattr(Path, "exists", searching)
    assert discover_config(locked).select == ("SO3",)


@pytest.mark.parametrize("lang, said", [("en", "cannot be read: Permission denied"), ("ja", "読み込めません: Permission denied")])
def test_a_named_file_in_a_folder_that_cannot_be_searched_is_unreadable_not_missing(tmp_path, monkeypatch, lang, said):
    """`sogen lint locked/start.bat`, the folder without the execute bit for the user, said
    "no such file or directory" of a file that is there: the user went looking for it."""
    locked = tmp_path / "locked"
    locked.mkdir()
    script = locked / "start.bat"
    script.write_bytes(b"GOTO X\r\n:X\r\n")
    stat = os.stat

    def searching(path, *args, **kwargs):  # what stat() does in a folder without the execute bit
        if Path(path).parent == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", searching)
    set_language(lang)
    try:
        with pytest.raises(LintUsageError) as raised:
            discover([str(script)], [])
    finally:
        set_language("en")
    assert str(raised.value) == f"{script}: {said}"
    with pytest.raises(LintUsageError, match="no such file or directory"):
        discover([str(tmp_path / "gone.bat")], [])


@pytest.mark.parametrize("lang, said", [
    ("en", "invalid TOML: a value that is no TOML value (a string needs quotes)"),
    ("ja", "TOML として正しくありません: TOML の値ではありません (文字列は引用符で囲みます)"),
])  # fmt: skip
def test_a_settings_file_that_is_no_toml_says_where_and_why_in_the_user_s_language(tmp_path, lang, said):
    """tomllib's message was passed on in English and without the path:line:column of
    every other problem sogen reports ("Invalid value (at line 2, column 10)")."""
    config = tmp_path / ".sogen.toml"
    assert settings_problem(config, "[lint]\nselect = SO1\n", lang) == f"{config}:2:10: {said}"


def settings_problem(config: Path, text: str, lang: str) -> str:
    """The ConfigError of the settings file ``config`` holding ``text``, in ``lang``."""
    config.write_text(text, encoding="utf-8")
    set_language(lang)
    try:
        with pytest.raises(ConfigError) as raised:
            discover_config(config.parent)
    finally:
        set_language("en")
    return str(raised.value)


# One input for each of tomllib's messages (3.11): a settings file broken each way.
BROKEN_TOML = [
    "x = SO1", "= 1", "x 1", "x = 1 2", "[a", "[[a", "x = [1, 2", "x = [1 2]", "x = {a = 1", 'x = "abc',
    'x = "C:\\d"', "x = 1\nx = 2", "[a]\n[a]", "[a.b]\n[a.b]", "x = {a = 1, a = 2}", "x = 1\n[lint.x]",
    'x = "a\x01"', 'x = "\\uD800"',
]


@pytest.mark.parametrize("text", BROKEN_TOML)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_way_a_settings_file_is_no_toml_is_one_message(tmp_path, text, lang):
    """An unclosed inline table ("{ ... }" in its message) stopped lint with an internal
    error (KeyError): every message of tomllib's is a ConfigError at a position, in the
    user's language, tomllib's own wording gone."""
    config = tmp_path / ".sogen.toml"
    message = settings_problem(config, f"[lint]\n{text}\n", lang)
    invalid = "TOML として正しくありません" if lang == "ja" else "invalid TOML"
    assert re.match(rf"{re.escape(str(config))}:\d+:\d+: {invalid}: ", message), message
    reason = message.split(": ", 2)[-1]
    assert "(at " not in reason and "('" not in reason  # no tomllib position, no tuple of key parts
    if lang == "ja":
        assert re.search(r"[\u3040-\u30ff]", reason), reason


def test_the_nearest_settings_win_and_sogen_toml_before_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.sogen.lint]\nselect = ["SO2"]\n', encoding="utf-8")
    assert discover_config(tmp_path / "a").select == ("SO2",)
    (tmp_path / ".sogen.toml").write_text('[lint]\nselect = ["SO3"]\n', encoding="utf-8")
    assert discover_config(tmp_path / "a").select == ("SO3",)  # same folder: .sogen.toml first
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text('[tool.sogen.lint]\nselect = ["SO4"]\n', encoding="utf-8")
    assert discover_config(tmp_path / "a").select == ("SO4",)  # nearer folder first
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert discover_config(tmp_path / "a").select == ("SO3",)  # a pyproject.toml without the table is passed over


def test_the_readme_block_works_in_sogen_toml_from_the_command_line(tmp_path):
    script(tmp_path / "legacy" / "start.bat")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n[tool.sogen.lint]\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".sogen.toml").write_text("[tool.sogen.lint]\n" + block, encoding="utf-8")
    result = sogen("lint", "--format", "json", "legacy", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "SO103" in codes and not any(code.startswith("SO2") for code in codes)  # "legacy/*.bat" = ["SO2"]


# -- per-file-ignores -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path"),
    [
        ("GROUP1\\START.BAT", "group1/start.bat"),
        ("group1/start.bat", "GROUP1/START.BAT"),
        ("Group1\\*.Bat", "group1/stop.bat"),
        ("START.BAT", "group1/start.bat"),  # no slash: the file name in any folder
    ],
)
def test_per_file_ignores_match_windows_paths_case_insensitively(tmp_path, glob, path):
    (tmp_path / ".sogen.toml").write_text(f"[lint.per-file-ignores]\n'{glob}' = ['SO2']\n", encoding="utf-8")
    config = discover_config(tmp_path)
    assert not any(code.startswith("SO2") for code in config.codes_for(str(tmp_path / path)))
    assert any(code.startswith("SO2") for code in config.codes_for(str(tmp_path / "group2" / "other.bat")))


# -- SARIF for code scanning --------------------------------------------------------------------


def sarif(findings, doc_url=None) -> dict:
    out = io.StringIO()
    render("sarif", findings, 1, out, codes=frozenset(RULES), doc_url=doc_url)
    document = json.loads(out.getvalue())
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    return document


def test_sarif_results_carry_line_independent_fingerprints(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script(tmp_path / "start.bat")
    before = sarif(lint_paths(["start.bat"], LintConfig()).findings)["runs"][0]["results"]
    script(tmp_path / "start.bat", "rem a line added above\n" + SCRIPT)
    after = sarif(lint_paths(["start.bat"], LintConfig()).findings)["runs"][0]["results"]

    def prints(results):
        return {r["ruleId"]: r["partialFingerprints"]["sogenFingerprint/v1"] for r in results}

    assert prints(before) == prints(after)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before
    ]
    assert len(set(prints(before).values())) == len(before)


@pytest.mark.parametrize("name, uri", [
    ("a#b.bat", "a%23b.bat"), ("x?y.bat", "x%3Fy.bat"), ("停止.bat", "%E5%81%9C%E6%AD%A2.bat"), ("my stop.bat", "my%20stop.bat"),
])
def test_sarif_uris_are_percent_encoded_and_name_the_file_as_linted(tmp_path, monkeypatch, name, uri):
    """SARIF 3.10.2 wants RFC 3986 URI references: a code scanning tool read x?y.bat as the
    file x with a query, a#b.bat as a; a link is named as the other formats name it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    script(tmp_path / "shared.bat")
    (tmp_path / "site" / name).symlink_to(tmp_path / "shared.bat")
    results = sarif(lint_paths([f"site/{name}"], LintConfig()).findings)["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {f"site/{uri}"}


def test_a_sarif_uri_outside_the_working_folder_is_a_file_uri_on_windows_too(monkeypatch):
    """Outside the checkout a file is named by a file: URI; built by hand it read the drive
    of D:\\scripts as a host ("file://D%3A/..."), Windows' paths as pathlib spells them."""
    import ntpath
    from pathlib import PureWindowsPath

    from sogen.lint import report

    monkeypatch.setattr(report.os, "path", ntpath)
    monkeypatch.setattr(report, "Path", PureWindowsPath)
    monkeypatch.setattr(report.os, "getcwd", lambda: "C:\\work")
    assert report.artifact_uri("D:\\scripts\\停止 #1.bat") == "file:///D:/scripts/%E5%81%9C%E6%AD%A2%20%231.bat"
    assert report.artifact_uri("C:\\work\\site\\stop.bat") == "site/stop.bat"


def test_identical_lines_get_distinct_fingerprints(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script(tmp_path / "start.bat", SCRIPT.replace("GOTO no_arm\n", "IF %ARMS_EVENT% == RECOVER GOTO RECOVER\nGOTO no_arm\n"))
    results = sarif(lint_paths(["start.bat"], LintConfig(select=("SO201",))).findings)["runs"][0]["results"]
    values = [r["partialFingerprints"]["sogenFingerprint/v1"] for r in results]
    assert len(values) == 2 and values[0].split(":")[0] == values[1].split(":")[0]
    assert [v.split(":")[1] for v in values] == ["1", "2"]


def test_sarif_rules_carry_full_descriptions_and_help_uris_when_configured(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script(tmp_path / "start.bat")
    findings = lint_paths(["start.bat"], LintConfig()).findings
    rules = {r["id"]: r for r in sarif(findings)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SO103"]["fullDescription"]["text"].startswith("Checks for a section that runs a cluster action")
    assert not any("helpUri" in r for r in rules.values())  # no documentation URL by default
    config = LintConfig(doc_url="https://example.invalid/rules/{code}.html#{name}")
    rules = {r["id"]: r for r in sarif(findings, config.rule_url)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SO103"]["helpUri"] == "https://example.invalid/rules/SO103.html#fall-through"


def test_doc_url_from_the_settings_reaches_the_sarif_report(tmp_path):
    script(tmp_path / "start.bat")
    (tmp_path / ".sogen.toml").write_text('[lint]\ndoc-url = "https://example.invalid/rules/{code}"\n', encoding="utf-8")
    result = sogen("lint", "--format", "sarif", "start.bat", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert {r["helpUri"] for r in rules} == {f"https://example.invalid/rules/{r['id']}" for r in rules}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://example.invalid/{rule}", "unknown placeholder {rule}"),
        ("https://example.invalid/{code", "is not a template"),
        ("rules/{code}", "is not an absolute URL"),
        (3, "expected a URL template as a string"),
    ],
)
def test_a_bad_doc_url_is_a_configuration_error(tmp_path, value, message):
    (tmp_path / ".sogen.toml").write_text(f"doc-url = {json.dumps(value)}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("{", r"\{")):
        discover_config(tmp_path)


def test_sarif_describes_the_rules_in_the_language_of_the_messages(tmp_path):
    """A Japanese code-scanning page shows Japanese rule help, as it shows Japanese messages."""
    script(tmp_path / "start.bat", "IF %ARMS_EVENT%==START GOTO A\n:A\n")
    runs = {}
    for lang in ("en", "ja"):
        result = sogen("lint", "--lang", lang, "--format", "sarif", "start.bat", cwd=tmp_path)
        runs[lang] = json.loads(result.stdout)["runs"][0]
    english = {r["id"]: r for r in runs["en"]["tool"]["driver"]["rules"]}
    for rule in runs["ja"]["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"] != english[rule["id"]]["fullDescription"]["text"]
        assert any("\u3040" <= char <= "\u30ff" for char in rule["shortDescription"]["text"])  # kana
        assert rule["help"]["text"].count("```") == english[rule["id"]]["help"]["text"].count("```")
    assert [r["ruleId"] for r in runs["ja"]["results"]] == [r["ruleId"] for r in runs["en"]["results"]]
