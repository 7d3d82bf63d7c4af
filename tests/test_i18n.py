"""Messages in Japanese (sogen.i18n and the `sogen` catalogue): the committed catalogue is
complete and compiled, every translation keeps its placeholders, the language follows the
locale and --lang, and `sogen lint` / `sogen validate` speak it end to end, in every format,
with the same codes, places and exit statuses as in English."""

from __future__ import annotations

import io
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from sogen import i18n

babel = pytest.importorskip("babel", reason="Babel extracts and compiles the catalogues (the test extra)")

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "sogen" / "locale" / "ja" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
MO = PO.with_suffix(".mo")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def read_po():
    from babel.messages.pofile import read_po

    with PO.open("rb") as stream:
        return read_po(stream, locale="ja", domain=i18n.DOMAIN)


def extracted() -> dict:
    """Every message of sogen's sources, as `pybabel extract -F babel.cfg` finds them: id -> where."""
    from babel.messages import frontend
    from babel.messages.extract import extract_from_dir

    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping  # Babel < 2.14
    with (ROOT / "babel.cfg").open(encoding="utf-8") as stream:
        method_map, options_map = parse(stream)
    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        if message:
            found.setdefault(message, f"{filename}:{line}")
    return found


# -- the catalogue ----------------------------------------------------------------------


def test_committed_mo_is_the_compiled_po():
    """Run-time gettext reads the .mo: it must hold exactly what the .po says (recompile with
    `pybabel compile`, README "Japanese output")."""
    from babel.messages.mofile import read_mo, write_mo

    catalog = read_po()
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    with MO.open("rb") as stream:
        committed = read_mo(stream)
    compiled = read_mo(io.BytesIO(buffer.getvalue()))

    def messages(cat):
        def key(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value

        return {key(m.id): key(m.string) for m in cat if m.id}

    assert messages(committed) == messages(compiled)
    assert committed.plural_forms == "nplurals=1; plural=0;"


def test_every_message_of_the_sources_is_translated():
    """Each id `_`, `N_` or `ngettext` marks in sogen/ has a Japanese translation; the
    catalogue keeps no message the sources no longer have (run `pybabel update`)."""
    catalog = read_po()
    sources = extracted()
    assert len(sources) > 300
    untranslated = []
    for msgid, where in sources.items():
        message = catalog.get(msgid)
        strings = () if message is None else (message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not all(strings):
            untranslated.append(f"{where}: {msgid!r}")
    assert not untranslated, "untranslated (update sogen.po):\n" + "\n".join(untranslated)
    stale = [m.id for m in catalog if m.id and m.id not in sources]
    assert not stale, f"no longer in the sources (pybabel update removes them): {stale}"


BRACE_PLACEHOLDER = string.Formatter()
PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """The `{name!conversion:spec}` fields (sorted, each as written) and the `%` directives."""
    fields = sorted(
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        for _literal, name, spec, conversion in BRACE_PLACEHOLDER.parse(text)
        if name is not None
    )
    percents = sorted(m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text) if m.group(2) != "%")
    return sorted(set(fields)), percents


def test_translations_keep_every_placeholder():
    """A translation names exactly the placeholders of its id, conversion and format spec
    included (they are filled by name, so their order may change), and the same
    `%(name)s` / `%s` directives (argparse's own messages)."""
    wrong = []
    for message in read_po():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])  # the plural form: ngettext's singular has the same ones
        assert all(placeholders(i) == expected for i in ids), ids
        for text in strings:
            if placeholders(text) != expected:
                wrong.append(f"{ids[0]!r}: {placeholders(text)} != {expected}")
    assert not wrong, "\n".join(wrong)


def test_translations_read_as_japanese():
    """No English left in a translation: each has Japanese text, unless it is only a
    command, a path or a placeholder ("- (net start/stop)", "sogen lint: {error}"), or the
    separator of a finding's problems ("; ", 。 in Japanese)."""
    english_only = [
        m.id
        for m in read_po()
        if m.id and not any(JAPANESE.search(s) for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    ]
    assert set(english_only) <= {"- (net start/stop)", "sogen lint: {error}", "{problem}; {advice}", "; "}, english_only


def test_no_function_hides_the_translation_function():
    """`for _ in ...` or `a, _, b = ...` in a function makes `_` a local name there: a
    `_("...")` in the same function then fails (UnboundLocalError) or calls the wrong thing."""
    import ast

    own_scope_stops = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp)
    own_scope_stops += (ast.DictComp, ast.GeneratorExp)
    hiding = []
    for path in sorted((ROOT / "sogen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            stack, assigns = list(ast.iter_child_nodes(function)), False
            while stack:
                node = stack.pop()
                assigns = assigns or (isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store))
                if not isinstance(node, own_scope_stops):
                    stack.extend(ast.iter_child_nodes(node))
            calls = any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in ast.walk(function)
            )
            if assigns and calls:
                hiding.append(f"{path.relative_to(ROOT)}:{function.lineno}")
    assert not hiding, f"rename the `_` these functions assign: {hiding}"


# -- choosing the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "ja_JP.SJIS"}, "ja"),
        ({"LANG": "ja"}, "ja"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),  # LC_ALL beats LANG
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "C"}, "ja"),
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "C"}, "ja"),  # LC_MESSAGES beats LANG
        ({"LC_ALL": "C.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "en"),  # LC_ALL beats LC_MESSAGES
        ({"LC_ALL": "", "LANG": "ja_JP.UTF-8"}, "ja"),  # set but empty counts as unset
        ({}, "en"),
    ],
)
def test_language_from_the_locale(environ, expected):
    if not environ and sys.platform == "win32":
        pytest.skip("with no locale variable, Windows asks the user's locale")
    assert i18n.language_from_environment(environ) == expected


def test_set_language_switches_the_messages():
    before = i18n.language()
    try:
        i18n.set_language("ja")
        assert i18n._("interrupted") == "中断しました"
        assert i18n.ngettext("{count} error", "{count} errors", 2).format(count=2) == "エラー 2 件"
        assert i18n._("not a message of sogen") == "not a message of sogen"  # unknown: English, never dropped
        i18n.set_language("en")
        assert i18n._("interrupted") == "interrupted"
        assert i18n.ngettext("{count} error", "{count} errors", 1) == "{count} error"
        with pytest.raises(ValueError, match="unknown language"):
            i18n.set_language("fr")
    finally:
        i18n.set_language(before)


# -- end to end -----------------------------------------------------------------------------

# One known finding (SO101, a misspelt GOTO target) in an otherwise clean start script.
MISSPELT = """\
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
IF "%ARMS_EVENT%" == "RECOVER" GOTO RECOVER
GOTO no_arm
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO ERR_DISK
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:RECOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
GOTO EXIT
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO EXIT
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
:EXIT
exit
"""
SO101_EN = "GOTO ERR_DISK names no label in this script: cmd.exe stops the script here; did you mean ERROR_DISK?"
SO101_JA = "GOTO ERR_DISK の指すラベルがこのスクリプトにありません。cmd.exe はここでスクリプトを中断します。ERROR_DISK の誤りではありませんか"


def sogen(*args: str, cwd: Path, lang: str | None = None, **environ: str) -> subprocess.CompletedProcess:
    """`sogen ARGS` in a process of its own, with no locale variable but ``environ``."""
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "NO_COLOR")}
    env.update(environ)
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "sogen", *(("--lang", lang) if lang else ()), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, encoding="utf-8", errors="replace")


@pytest.fixture
def script(tmp_path) -> Path:
    path = tmp_path / "start.bat"
    path.write_bytes(MISSPELT.replace("\n", "\r\n").encode("cp932"))
    return path


def test_lint_speaks_the_locale_and_lang(script):
    cwd = script.parent
    runs = {
        "LANG=ja": sogen("lint", "start.bat", cwd=cwd, LANG="ja_JP.UTF-8"),
        "--lang ja": sogen("lint", "start.bat", cwd=cwd, lang="ja"),
        "--lang ja after the command": sogen("lint", "--lang", "ja", "start.bat", cwd=cwd, LANG="C"),
        "--lang en over LANG=ja": sogen("lint", "start.bat", cwd=cwd, lang="en", LANG="ja_JP.UTF-8"),
        "LANG=C": sogen("lint", "start.bat", cwd=cwd, LANG="C"),
        "LC_ALL=C over LANG=ja": sogen("lint", "start.bat", cwd=cwd, LC_ALL="C", LANG="ja_JP.UTF-8"),
    }
    expected = {
        "LANG=ja": SO101_JA,
        "--lang ja": SO101_JA,
        "--lang ja after the command": SO101_JA,
        "--lang en over LANG=ja": SO101_EN,
        "LANG=C": SO101_EN,
        "LC_ALL=C over LANG=ja": SO101_EN,
    }
    for name, run in runs.items():
        assert run.returncode == 1, (name, run.stderr)
        assert f"start.bat:6:36: SO101 [error] {expected[name]}\n" in run.stdout, (name, run.stdout)
        summary = run.stdout.rstrip().splitlines()[-1]
        if expected[name] is SO101_JA:
            assert summary == "ファイル 1 個で 1 件の問題が見つかりました (エラー 1 件、警告 0 件、情報 0 件)", summary
        else:
            assert summary == "Found 1 problem (1 error, 0 warnings, 0 info) in 1 file", summary


def test_the_cache_keeps_results_per_language(script):
    """Results are kept (sogen.lint.cache) by language too: a Japanese run after an English
    one over the same files does not show the English messages it kept."""
    cwd = script.parent
    for lang, message in (("en", SO101_EN), ("ja", SO101_JA), ("en", SO101_EN), ("ja", SO101_JA)):
        run = sogen("lint", "start.bat", cwd=cwd, lang=lang)
        assert message in run.stdout, (lang, run.stdout)


def test_machine_formats_carry_the_japanese_message(script):
    cwd = script.parent
    for lang, message in (("ja", SO101_JA), ("en", SO101_EN)):
        run = sogen("lint", "--format", "json", "start.bat", cwd=cwd, lang=lang)
        assert run.returncode == 1, run.stderr
        (finding,) = json.loads(run.stdout)["findings"]
        assert (finding["code"], finding["line"], finding["column"], finding["message"]) == ("SO101", 6, 36, message)

        run = sogen("lint", "--format", "sarif", "start.bat", cwd=cwd, lang=lang)
        assert run.returncode == 1, run.stderr
        (result,) = json.loads(run.stdout)["runs"][0]["results"]
        assert (result["ruleId"], result["message"]["text"]) == ("SO101", message)


def test_worker_processes_speak_the_language(tmp_path):
    """Enough files for the process pool (sogen.lint.engine.PARALLEL_MIN_FILES): each
    worker makes its findings in the language of the run."""
    from sogen.lint.engine import PARALLEL_MIN_FILES

    for index in range(PARALLEL_MIN_FILES + 2):
        folder = tmp_path / f"g{index}"
        folder.mkdir()
        (folder / "start.bat").write_bytes(MISSPELT.replace("\n", "\r\n").encode("cp932"))
    run = sogen("lint", "--no-cache", "--format", "json", ".", cwd=tmp_path, lang="ja")
    messages = {f["message"] for f in json.loads(run.stdout)["findings"] if f["code"] == "SO101"}
    assert messages == {SO101_JA}


def test_usage_errors_in_japanese(tmp_path):
    run = sogen("lint", "no/such/start.bat", cwd=tmp_path, lang="ja")
    assert run.returncode == 2
    assert "no/such/start.bat: ファイルまたはフォルダがありません" in run.stderr
    run = sogen("lint", "start.bat", cwd=tmp_path, lang="fr")
    assert run.returncode == 2
    assert "--lang" in run.stderr


VALID = """\
cluster:
  name: c1
  mode: single-standby
  nodes:
    - name: SV1
      ip: 192.168.10.11
    - name: SV2
      ip: 192.168.10.12
groups:
  - name: g1
    policy: [SV1, SV2]
    virtual_host: vhost1
    virtual_ip: 192.168.10.100
    partitions: [D]
    alroot: 'D:\\SO'
    products:
      - type: staroffice-server
"""
# Three kinds of problem: a cross-field check (checks.py), sogen's own validator
# (model.py) and a pydantic built-in type (a list given as a string).
BAD = (
    VALID.replace("virtual_ip: 192.168.10.100", "virtual_ip: 192.168.10.11").replace("name: c1", "name: c 1")
    + "settings:\n  db_settle_seconds: 5000\n"
)
VALIDATION = [
    (
        "groups[0].virtual_ip",
        "192.168.10.11 is the real IP of node SV1; a virtual IP must be an unused address",
        "192.168.10.11 はノード SV1 の実 IP アドレスです。仮想 IP には未使用のアドレスを指定してください",
    ),
    (
        "cluster.name",
        "'c 1' is not allowed: 1-31 letters, digits, '_' and '-', starting with a letter",
        "'c 1' は使えません。英字で始まる、英字、数字、'_'、'-' の 1-31 文字にしてください",
    ),
    (
        "settings.db_settle_seconds",
        "Input should be less than or equal to 3600",
        "3600 以下の値を指定してください",
    ),
]


def test_validate_in_japanese(tmp_path):
    (tmp_path / "cluster.yaml").write_text(BAD, encoding="utf-8")
    english = sogen("validate", "cluster.yaml", cwd=tmp_path, LANG="C")
    japanese = sogen("validate", "cluster.yaml", cwd=tmp_path, LANG="ja_JP.UTF-8")
    assert english.returncode == japanese.returncode == 2
    en_lines, ja_lines = english.stderr.splitlines(), japanese.stderr.splitlines()
    assert len(en_lines) == len(ja_lines)
    for field, en_message, ja_message in VALIDATION:
        (en_line,) = [line for line in en_lines if f": {field}: " in line]
        (ja_line,) = [line for line in ja_lines if f": {field}: " in line]
        prefix = en_line[: en_line.index(f": {field}: ") + len(field) + 4]
        assert re.fullmatch(r"cluster\.yaml:\d+:\d+: .+: ", prefix), prefix
        assert en_line == prefix + en_message
        assert ja_line == prefix + ja_message
    assert ja_lines[-1] == "cluster.yaml に 3 件の問題があります"


def test_validate_reports_an_unreadable_file_in_japanese(tmp_path):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    run = sogen("validate", "empty.yaml", cwd=tmp_path, lang="ja")
    assert run.returncode == 2
    assert "empty.yaml:1:1: 空のファイルです。`sogen init` でひな形のトポロジを作成できます" in run.stderr


def test_trace_table_and_migration_rows_name_their_ends_and_an_unset_event_in_japanese():
    """The trace table's ENDS column showed eof and undefined-label, and MIGRATION.md's rows
    unset/HOME/SUCCESS, in Japanese output."""
    from sogen.batch.events import ARM, COMBINATIONS
    from sogen.batch.interpreter import analyse
    from sogen.batch.parser import parse_script
    from sogen.migrate.migrate import _combination
    from sogen.trace import render_matrix

    script = parse_script("start.bat", b'IF "%ARMS_EVENT%" == "START" GOTO NOWHERE\r\n')
    before = i18n.language()
    try:
        i18n.set_language("ja")
        out = io.StringIO()
        render_matrix("start.bat", list(analyse(script).values()), out, ARM, color=False)
        unset = _combination(next(c for c in COMBINATIONS if c.event is None))
    finally:
        i18n.set_language(before)
    rows = out.getvalue().splitlines()[2:]
    assert rows and all(row.endswith(("ラベルなし (終了コード 1)", "ファイル末尾")) for row in rows), rows
    assert unset.startswith("(未設定)/")
