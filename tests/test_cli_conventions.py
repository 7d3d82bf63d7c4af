"""Issue 16 item 5 and issue 15 items 4 and 9 (command line): one declaration of every
command (sogen.cli.spec) from which the parsers, the help and the completion scripts
are derived; one meaning per option name, no Python types in help, -V, --lang before
any help, --color, shell completion, the progress bar, no import cycle in sogen.cli."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sogen import __version__, i18n
from sogen.cli import parser as cli_parser
from sogen.cli import spec
from sogen.cli.completion import SCRIPTS
from sogen.cli.lint import Progress
from sogen.cli.parser import run_in_process

ROOT = Path(__file__).resolve().parent.parent
# An unquoted IF operand and a jump to a missing label: findings, with colour on a terminal.
BROKEN = b"IF %ARMS_EVENT% == START GOTO X\r\n"
PYTHON_TYPES = re.compile(r"\b(TEXT|PATH|INTEGER|FLOAT|BOOLEAN|FILENAME)\b|<class |\bNoneType\b|\bPosixPath\b")
ANSI = b"\x1b["


def sogen(*args, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI", "SOGEN_DEBUG")}
    environ.update({"PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", **(env or {})})
    environ.pop("LC_ALL", None)
    environ.pop("LC_MESSAGES", None)
    return subprocess.run(
        [sys.executable, "-m", "sogen", *map(str, args)], capture_output=True, cwd=cwd, env=environ, timeout=60
    )


def in_process(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = run_in_process(list(argv))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 2
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- one declaration -------------------------------------------------------------------


def test_the_declared_choices_are_the_back_ends():
    from sogen.batch.events import DIALECTS
    from sogen.lint.report import FORMATS
    from sogen.lint.rules.base import SEVERITIES

    assert set(spec.LINT_FORMATS) == set(FORMATS)
    assert set(spec.SEVERITIES) == set(SEVERITIES)
    assert set(spec.DIALECT_NAMES.values()) == set(DIALECTS)
    assert set(spec.SHELLS) == set(SCRIPTS)


def test_no_second_declaration_of_options_in_the_cli_package():
    """Options are declared in spec.py only: no add_argument, no Typer options elsewhere."""
    for path in (ROOT / "sogen" / "cli").glob("*.py"):
        if path.name in ("spec.py", "parser.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "add_argument(" not in text and "typer.Option(" not in text, path.name


def cli_imports(path: Path) -> set[str]:
    """The sogen modules ``path`` imports when it is imported (module level only)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sogen"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("sogen"))
    return found


def test_no_import_cycle_in_the_command_line():
    modules = {f"sogen.cli.{p.stem}": cli_imports(p) for p in (ROOT / "sogen" / "cli").glob("*.py")}
    graph = {name: {m for m in imports if m in modules and m != name} for name, imports in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert not [name for name in graph if reaches(name, name, {name})]
    assert not any("sogen.cli.entry" in imports for name, imports in graph.items() if name != "sogen.cli.entry")


def test_no_other_atomic_writer_in_the_command_line():
    for path in (ROOT / "sogen" / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "os.replace(" not in text and "NamedTemporaryFile" not in text and "mkstemp" not in text, path.name


# -- one meaning per option name --------------------------------------------------------


def test_o_is_out_everywhere_it_is_declared():
    for command in spec.COMMANDS:
        for option in command.options:
            if "-o" in option.flags:
                assert option.flags == ("-o", "--out"), command.name
            assert "--output" not in option.flags, command.name  # only a hidden older spelling


@pytest.mark.parametrize("command", ["init", "diagram", "import", "generate", "migrate"])
def test_o_is_shown_as_out_in_help(capsys, command):
    code, out, _ = in_process(capsys, command, "--help")
    assert code == 0
    assert "-o, --out" in out and "--output " not in out


def test_the_older_output_spelling_still_works(tmp_path, capsys):
    target = tmp_path / "cluster.yaml"
    code, _, err = in_process(capsys, "init", "--output", str(target))
    assert code == 0, err
    assert target.is_file()
    code, _, err = in_process(capsys, "init", "-o", str(target))
    assert code == 2 and "exists" in err


def test_one_set_of_values_per_option_name():
    """An option name means one thing: the same choices wherever it has choices (--format
    excepted: each command has its own output formats)."""
    seen: dict[str, tuple] = {}
    for command in spec.COMMANDS:
        for option in command.options:
            for flag in option.flags:
                if flag == "--format" or not option.choices:
                    continue
                assert seen.setdefault(flag, option.choices) == option.choices, (command.name, flag)


# -- help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *(c.name for c in spec.COMMANDS)])
def test_no_python_types_in_help(capsys, command):
    argv = ["--help"] if command is None else [command, "--help"]
    code, out, _ = in_process(capsys, *argv)
    assert code == 0
    assert out.startswith("usage: sogen")
    assert not PYTHON_TYPES.search(out), PYTHON_TYPES.search(out)
    assert "global options:" in out and "--lang LANG" in out


def test_every_command_is_listed_in_the_programs_help(capsys):
    _, out, _ = in_process(capsys, "--help")
    for command in spec.COMMANDS:
        assert re.search(rf"^  {command.name} ", out, re.M), command.name


def test_version(tmp_path, capsys):
    for flag in ("-V", "--version"):
        result = sogen(flag, cwd=tmp_path)
        assert (result.returncode, result.stdout.decode()) == (0, f"sogen {__version__}\n")
    assert in_process(capsys, "lint", "-V")[:2] == (0, f"sogen {__version__}\n")


def test_lang_is_set_before_help(tmp_path):
    english = sogen("--lang", "en", "lint", "--help", cwd=tmp_path)
    for argv in (("--lang", "ja", "lint", "--help"), ("lint", "--help", "--lang", "ja"), ("lint", "--lang=ja", "--help")):
        result = sogen(*argv, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        translated = i18n.translations("ja").gettext(spec.BY_NAME["lint"].help)
        if translated != spec.BY_NAME["lint"].help:  # once the catalogue has it
            shown = "".join(result.stdout.decode("utf-8").split())  # wrapped at any character
            assert "".join(translated.split("。")[0].split()) in shown
            assert result.stdout != english.stdout


def test_lang_from_the_environment(tmp_path):
    result = sogen("lint", "--help", cwd=tmp_path, env={"LANG": "ja_JP.UTF-8"})
    assert result.returncode == 0
    assert result.stdout == sogen("--lang", "ja", "lint", "--help", cwd=tmp_path).stdout


def test_help_is_not_translated_at_import_time(monkeypatch, capsys):
    monkeypatch.setattr(i18n, "_current", "en")
    seen = []
    monkeypatch.setattr(cli_parser, "_", lambda text: seen.append(text) or text)
    in_process(capsys, "--lang", "ja", "lint", "--help")
    assert spec.BY_NAME["lint"].help in seen


@pytest.mark.parametrize(
    "argv, words",
    [
        (("--lang", "fr", "lint", "x.bat"), ("--lang", "ja", "en")),
        (("lint", "--color", "purple", "x.bat"), ("--color", "auto", "always", "never")),
        (("lint", "--format", "xml", "x.bat"), ("--format", "human", "json", "sarif", "github")),
        (("completion", "tcsh"), ("SHELL", "bash", "zsh", "fish", "powershell")),
        (("lint", "x.bat", "--lang"), ("--lang", "ja", "en")),
        # `-o "$OUT"` with OUT unset: the current folder was written
        (("generate", "samples/single-standby.yaml", "-o", ""), ("-o/--out", "an empty path is not allowed")),
        (("init", "-o", ""), ("-o/--out", "an empty path is not allowed")),
        (("lint", "--output-file", "", "x.bat"), ("--output-file", "an empty path is not allowed")),
        (("trace", ""), ("SCRIPT", "an empty path is not allowed")),
        (("import", "", "-o", "c.yaml"), ("FOLDER", "an empty path is not allowed")),
        (("migrate", "", "-o", "out"), ("FOLDER", "an empty path is not allowed")),
        (("lint", ""), ("FILE", "an empty path is not allowed")),
        # "-" where no stream can be: an internal error (generate, migrate, import -o -, lint
        # --config -, --baseline -) or a file named "-" (lint --write-baseline -).
        (("generate", "samples/single-standby.yaml", "-o", "-"), ("-o/--out", "'-' (standard input or output)")),
        (("migrate", "legacy", "-o", "-"), ("-o/--out", "'-' (standard input or output) is not allowed here")),
        (("import", "legacy", "-o", "-"), ("-o/--out", "./- for one named -")),
        (("lint", "--config", "-", "x.bat"), ("--config", "'-' (standard input or output)")),
        (("lint", "--baseline", "-", "x.bat"), ("--baseline", "'-' (standard input or output)")),
        (("lint", "--write-baseline", "-", "x.bat"), ("--write-baseline", "'-' (standard input or output)")),
        # Two asks that exclude each other, or a flag that does nothing alone: not a silent choice
        # (--write-baseline reports nothing, yet with --fix it fixed the scripts).
        (("lint", "--write-baseline", "b.json", "--fix", "x.bat"), ("--write-baseline cannot be used with --fix",)),
        (("lint", "--write-baseline", "b.json", "--diff", "x.bat"), ("--write-baseline cannot be used with --diff",)),
        (("generate", "t.yaml", "--check", "--diff"), ("--check cannot be used with --diff",)),
        (("generate", "t.yaml", "--check", "--force"), ("--check cannot be used with --force",)),
        (("rule", "--all", "SO101"), ("--all cannot be used with CODE",)),
    ],
)
def test_usage_errors_name_the_option_and_what_is_allowed(capsys, monkeypatch, tmp_path, argv, words):
    monkeypatch.chdir(tmp_path)  # what a regression writes (generate -o "") lands there, not in the checkout
    code, out, err = in_process(capsys, *argv)
    assert code == 2 and out == ""
    assert all(word in err for word in words), err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [("init", "-o", "-"), ("diagram", str(ROOT / "samples" / "single-standby.yaml"), "-o", "-")])
def test_dash_as_the_file_to_write_is_standard_output(capsys, monkeypatch, tmp_path, argv):
    """`init -o -` and `diagram -o -` stopped with an internal error: "-" is standard
    output there, as without -o; ./- still names a file called -."""
    monkeypatch.chdir(tmp_path)
    code, out, _err = in_process(capsys, *argv)
    assert code == 0 and out and list(tmp_path.iterdir()) == []
    code, out, _err = in_process(capsys, *argv[:-1], "./-")
    assert code == 0 and not out and (tmp_path / "-").is_file()


def test_dash_as_lint_s_output_file_is_standard_output(capsys, monkeypatch, tmp_path):
    """`lint --output-file -` wrote the report to a file named "-" and said nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "start.bat").write_bytes(BROKEN)
    code, out, _err = in_process(capsys, "lint", "--output-file", "-", "--format", "json", "start.bat")
    assert code == 1 and json.loads(out)["findings"] and not (tmp_path / "-").exists()


# -- colour -----------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path) -> Path:
    path = tmp_path / "start.bat"
    path.write_bytes(BROKEN)
    return path


@pytest.mark.parametrize(
    "options, env, coloured",
    [
        ((), {}, False),  # piped: no colour
        (("--color", "always"), {}, True),
        (("--color=always",), {"NO_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": ""}, False),
        ((), {"NO_COLOR": "1"}, False),
        (("--color", "auto"), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins, as in CPython
    ],
)
def test_color_switch(tmp_path, broken, options, env, coloured):
    result = sogen("lint", "--no-cache", *options, broken.name, cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr
    assert (ANSI in result.stdout) is coloured


def test_color_never_leaks_into_files_and_machine_formats(tmp_path, broken):
    result = sogen("--color", "always", "lint", "--output-file", "report.txt", broken.name, cwd=tmp_path)
    assert result.returncode == 1
    assert ANSI not in (tmp_path / "report.txt").read_bytes()
    result = sogen("--color", "always", "lint", "--format", "json", broken.name, cwd=tmp_path)
    assert ANSI not in result.stdout


def test_trace_uses_the_same_switch(tmp_path):
    script = ROOT / "tests" / "trace_cases" / "guide_stop_rev4_no_error_disk.bat"
    plain = sogen("trace", script, "--matrix", cwd=tmp_path)
    coloured = sogen("trace", script, "--matrix", "--color", "always", cwd=tmp_path)
    assert plain.returncode == coloured.returncode == 0
    assert ANSI not in plain.stdout and b"\x1b[31m" in coloured.stdout


def test_color_wanted(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr(cli_parser, "color_mode", "auto")
    assert cli_parser.color_wanted(Terminal()) and not cli_parser.color_wanted(io.StringIO())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert cli_parser.color_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli_parser.color_wanted(Terminal()) and not cli_parser.color_wanted(io.StringIO())
    monkeypatch.setattr(cli_parser, "color_mode", "always")
    assert cli_parser.color_wanted(io.StringIO())
    monkeypatch.setattr(cli_parser, "color_mode", "never")
    monkeypatch.delenv("NO_COLOR")
    assert not cli_parser.color_wanted(Terminal())


# -- progress ---------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


class WindowsConsole:
    """Windows' kernel32 console calls, for a console that has (or lacks) escape sequences."""

    def __init__(self, can: bool):
        self.can, self.mode = can, 0x0003

    def GetConsoleMode(self, handle, mode):  # noqa: N802 - the Windows API's name
        mode._obj.value = self.mode
        return 1

    def SetConsoleMode(self, handle, mode):  # noqa: N802
        if self.can:
            self.mode = mode
        return int(self.can)


@pytest.mark.parametrize("can", [True, False])
def test_a_windows_console_is_asked_for_escapes_before_it_gets_colours(monkeypatch, can):
    """Windows' console printed ←[1m for every colour and ←[K for the progress bar: it obeys
    escape sequences only once asked (ENABLE_VIRTUAL_TERMINAL_PROCESSING)."""
    import ctypes
    import types

    console = WindowsConsole(can)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=console), raising=False)
    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace(get_osfhandle=lambda fd: 7))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cli_parser, "color_mode", "auto")

    class Console(FakeTerminal):
        def fileno(self):
            return 1

    assert cli_parser.color_wanted(Console()) is can
    assert (Progress.for_stream(Console()) is not None) is can
    assert console.mode & 0x0004 == (0x0004 if can else 0)
    monkeypatch.setenv("FORCE_COLOR", "1")  # told to: colours, asked or not
    assert cli_parser.color_wanted(Console())


def test_progress_bar_only_on_a_terminal_and_not_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert Progress.for_stream(io.StringIO()) is None
    assert isinstance(Progress.for_stream(FakeTerminal()), Progress)
    monkeypatch.setenv("CI", "true")
    assert Progress.for_stream(FakeTerminal()) is None


def test_progress_bar_for_many_files_is_drawn_and_cleared():
    stream = FakeTerminal()
    bar = Progress(stream)
    bar(0, 50)
    assert stream.getvalue() == ""  # a short run: nothing drawn
    for done in range(0, 301, 50):
        bar(done, 300)
    bar.clear()
    text = stream.getvalue()
    assert "\r[" in text and "300/300" in text and text.endswith("\r\x1b[K")


def test_progress_bar_absent_when_piped(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(Progress.FILES + 20):
        (folder / f"s{number}.bat").write_bytes(b"@ECHO OFF\r\n")
    result = sogen("lint", "--no-cache", "-q", "many", cwd=tmp_path)
    assert b"\r" not in result.stderr and b"[#" not in result.stderr and b"\x1b[K" not in result.stderr


# -- completion -------------------------------------------------------------------------


@pytest.mark.parametrize("shell", spec.SHELLS)
def test_completion_script_is_produced_for_every_shell(tmp_path, shell):
    result = sogen("completion", shell, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == b""
    script = result.stdout.decode("utf-8")
    for command in spec.COMMANDS:
        assert command.name in script
    for flag in ("--lang", "--color", "--format", "--out", "--unsafe-fixes"):
        assert flag.lstrip("-") in script


BASH_COMPLETE = """
source <({sogen} completion bash)
COMP_WORDS=({words})
COMP_CWORD={cword}
_sogen
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


def bash_complete(tmp_path: Path, *words: str) -> list[str]:
    sogen_command = f"PYTHONPATH={ROOT} {sys.executable} -m sogen"
    quoted = " ".join(f"'{word}'" for word in words)
    script = BASH_COMPLETE.format(sogen=sogen_command, words=quoted, cword=len(words) - 1)
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_bash_completes_commands_options_and_values(tmp_path):
    (tmp_path / "start.bat").write_bytes(BROKEN)
    (tmp_path / "legacy").mkdir()
    assert bash_complete(tmp_path, "sogen", "li") == ["lint"]
    assert set(bash_complete(tmp_path, "sogen", "")) >= {c.name for c in spec.COMMANDS}
    assert bash_complete(tmp_path, "sogen", "lint", "--unsafe") == ["--unsafe-fixes"]
    assert bash_complete(tmp_path, "sogen", "lint", "--format", "s") == ["sarif"]
    assert bash_complete(tmp_path, "sogen", "--lang", "ja", "lint", "--col") == ["--color"]
    assert bash_complete(tmp_path, "sogen", "lint", "--color", "") == ["auto", "always", "never"]
    assert bash_complete(tmp_path, "sogen", "lint", "sta") == ["start.bat"]
    assert bash_complete(tmp_path, "sogen", "import", "") == ["legacy"]
    assert bash_complete(tmp_path, "sogen", "completion", "p") == ["powershell"]
    assert "--out" in bash_complete(tmp_path, "sogen", "generate", "-")
    assert "--output" not in bash_complete(tmp_path, "sogen", "init", "--")
    # trace takes the cluster's values in any case: no argparse choices, offered all the same
    assert bash_complete(tmp_path, "sogen", "trace", "start.bat", "--event", "") == ["START", "FAILOVER", "RECOVER", "unset"]
    assert bash_complete(tmp_path, "sogen", "trace", "start.bat", "--disk", "F") == ["FAILURE"]


# -- dependencies (issue 15, item 9) ---------------------------------------------------


def test_rich_is_not_a_dependency_and_the_project_has_urls():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(re.match(r"rich\b", dependency) for dependency in project["dependencies"])
    assert set(project["urls"]) >= {"Homepage", "Documentation", "Issues", "Changelog"}
    for source in (ROOT / "sogen").rglob("*.py"):
        assert not re.search(r"^\s*(from|import) rich\b", source.read_text(encoding="utf-8"), re.M), source


def test_lint_does_not_import_typer_or_rich(tmp_path, broken):
    code = (
        "import sys; sys.argv = ['sogen', 'lint', '--no-cache', 'start.bat']\n"
        "from sogen.cli import parser\n"
        "try:\n    parser.run(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click', 'rich')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def require_shell(name: str) -> None:
    """Skip where the shell is missing, but fail under CI=true: .ci/install installs it."""
    if shutil.which(name):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is not installed under CI=true (.ci/install installs it)", pytrace=False)
    pytest.skip(f"{name} is not installed")


def test_fish_completes_commands_options_and_values(tmp_path):
    require_shell("fish")
    (tmp_path / "start.bat").write_bytes(BROKEN)
    script = tmp_path / "sogen.fish"
    script.write_bytes(sogen("completion", "fish", cwd=tmp_path).stdout)

    def complete(line: str) -> list[str]:
        result = subprocess.run(
            ["fish", "--no-config", "-c", f"source {script}; complete -C '{line}'"],
            capture_output=True, text=True, cwd=tmp_path, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return [row.split("\t")[0] for row in result.stdout.splitlines()]

    assert complete("sogen li") == ["lint"]
    assert complete("sogen lint --format s") == ["sarif"]
    assert "--unsafe-fixes" in complete("sogen lint --")
    assert complete("sogen completion p") == ["powershell"]


@pytest.mark.parametrize("shell, check", [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-config", "-n"])])
def test_completion_scripts_are_valid_syntax(tmp_path, shell, check):
    require_shell(check[0])
    script = tmp_path / f"sogen.{shell}"
    script.write_bytes(sogen("completion", shell, cwd=tmp_path).stdout)
    result = subprocess.run([*check, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_powershell_script_registers_a_completer_with_every_option(tmp_path):
    script = sogen("completion", "powershell", cwd=tmp_path).stdout.decode("utf-8")
    assert "Register-ArgumentCompleter -Native -CommandName sogen" in script
    for command in spec.COMMANDS:
        assert f"'{command.name}' = @{{" in script
        for option in command.options:
            for flag in option.flags:
                assert f"'{flag}' = @{{" in script
    assert script.count("{") == script.count("}") and script.count("(") == script.count(")")


def test_japanese_help_is_wrapped_by_display_width():
    import unicodedata

    from sogen.cli.parser import wrap

    text = "開始/停止スクリプトとレジストリパッチを検査します: すべてのクラスタイベントでの制御の流れ、ARM コマンド、起動/停止の順序、引用符、整合性。" * 2
    lines = wrap(text, 40)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        # A hanging 、 or 。 stays inside the width: a line of 80 cells wraps on an 80-column console.
        assert width <= 40 and not line.startswith(("、", "。")), line
    hanging = wrap("あ" * 20 + "、" + "い" * 5, 40)  # the 、 comes right after a full line
    assert all(len(line.encode("cp932")) <= 40 for line in hanging) and not hanging[1].startswith("、"), hanging
    assert wrap("plain English words " * 5, 30) == __import__("textwrap").wrap("plain English words " * 5, 30)


@pytest.mark.parametrize(
    "command",
    [("schema",), ("diagram", "samples/single-standby.yaml", "--format", "svg"), ("init",), ("completion", "zsh")],
)
def test_a_document_on_redirected_output_is_utf8_on_a_code_page_932_console(tmp_path, command):
    """`sogen schema > topology.schema.json` on a Japanese Windows wrote code page 932:
    no JSON or XML reader (nor yaml-language-server) reads that."""
    argv = [a if not a.startswith("samples/") else ROOT / a for a in command]
    written = sogen("--lang", "ja", *argv, cwd=tmp_path, env={"PYTHONIOENCODING": "cp932"})
    assert written.returncode == 0, written.stderr
    assert not written.stdout.isascii()  # Japanese there, to be encoded one way or the other
    written.stdout.decode("utf-8")


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is no UTF-8 needs a Linux file system")
def test_a_file_name_that_is_no_utf8_is_reported_in_every_format(tmp_path):
    """A legacy tree unpacked from a Windows zip keeps code page 932 names: every machine
    format crashed (exit 3) and hid the findings of every other file."""
    folder = os.path.join(os.fsencode(tmp_path), "グループ".encode("cp932"))
    os.mkdir(folder)
    with open(os.path.join(folder, b"start.bat"), "wb") as stream:
        stream.write(BROKEN)
    name = os.fsdecode(os.path.join(folder, b"start.bat"))
    shown = os.path.relpath(name, tmp_path)
    for fmt in ("json", "github", "sarif", "human"):
        result = sogen("lint", "--no-cache", "--format", fmt, "--output-file", f"out.{fmt}", ".", cwd=tmp_path)
        assert result.returncode == 1, (fmt, result.stderr)
        text = (tmp_path / f"out.{fmt}").read_bytes().decode("utf-8")
        assert "SO201" in text, fmt
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["findings"][0]["path"] == shown
    sarif = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "%83O%83%8B%81%5B%83v/start.bat", "uriBaseId": "%SRCROOT%"}
    assert sogen("lint", "--no-cache", ".", "--write-baseline", "b.json", cwd=tmp_path).returncode == 0
    assert sogen("lint", "--no-cache", ".", "--baseline", "b.json", cwd=tmp_path).returncode == 0
    traced = sogen("trace", "--format", "json", name, cwd=tmp_path)
    assert traced.returncode == 0 and json.loads(traced.stdout)["script"] == name


def test_the_caret_stands_under_its_column_on_a_code_page_932_console():
    """On a Japanese Windows console a character takes as many cells as its code page 932
    bytes: ○ ① → ※ (East Asian "ambiguous") take two, an emoji shown as "?" one; the
    caret stood three to five cells off."""
    from sogen.lint.report import snippet
    from sogen.lint.rules.base import Finding

    for source in ('ARMBCAST /MSG "起動中です①○→※" /A & GOTO NOWHERE', 'ECHO 😀ガイド & GOTO NOWHERE'):
        column = source.index("GOTO") + 1
        finding = Finding("start.bat", 1, column, 1, column + 4, "SO101", "m", source)
        _gutter, shown, carets = snippet(finding, lambda text, *styles: text, "cp932")
        shown_bytes, caret_bytes = shown.encode("cp932", "replace"), carets.encode("cp932")
        assert caret_bytes.index(b"^") == shown_bytes.index(b"GOTO"), (shown, carets)


def test_a_name_in_nfd_is_shown_composed_on_a_code_page_932_console():
    """A folder named on macOS (NFD) showed カ?イト? on a Japanese console: cp932 has no
    combining marks. Shown composed, the caret stays under its column."""
    import unicodedata

    from sogen.lint.report import snippet
    from sogen.lint.rules.base import Finding

    source = unicodedata.normalize("NFD", "ECHO ガイド & GOTO NOWHERE")
    column = source.index("GOTO") + 1
    finding = Finding("ガイド/start.bat", 1, column, 1, column + 4, "SO101", "m", source)
    _gutter, shown, carets = snippet(finding, lambda text, *styles: text, "cp932")
    assert "ガイド" in shown and "?" not in shown.encode("cp932", "replace").decode("cp932")
    assert carets.encode("cp932").index(b"^") == shown.encode("cp932").index(b"GOTO")


def test_a_github_annotation_names_an_nfd_file_as_it_is():
    """The file property is for GitHub to find the file: it keeps the name's form."""
    import io
    import unicodedata

    from sogen.lint.report import render_github
    from sogen.lint.rules.base import Finding

    name = unicodedata.normalize("NFD", "ガイド/start.bat")
    out = io.StringIO()
    render_github([Finding(name, 1, 1, 1, 2, "SO101", "m", "x")], out)
    assert f"file={name}," in out.getvalue()
