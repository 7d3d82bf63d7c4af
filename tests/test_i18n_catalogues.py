"""The runbook and `sogen rule` in Japanese: the same steps, commands and code as in English,
every message translated with the same placeholders, the committed .mo compiled from the .po."""

from __future__ import annotations

import re

import pytest

from sogen.lint.rule_docs import messages as rule_messages
from sogen.lint.rules import RULES
from tests import catalogues
from tests.test_generate import ROOT, generated, write_topology
from tests.test_runbook import FORMSERVER, ORACLE

SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
FENCE = re.compile(r"^```[^\n]*\n.*?^```", re.M | re.S)
CODE = re.compile(r"`[^`\n]+`")
MERMAID_LINE = re.compile(r"^    (?:group|node|subgraph|end)\S*", re.M)  # the boxes and arrows of the diagram
# *(on `SV1`, `SV2`; section 1.2.1 (2) 1)*  /  *(`SV1`, `SV2` で実施、ガイド 1.2.1 (2) 1)*
WHERE = {
    "en": re.compile(r"\*\((?:on ((?:`[^`]+`(?:, )?)+)|CLUSTERPRO manager); section (.+?)\)\*"),
    "ja": re.compile(r"\*\((?:((?:`[^`]+`(?:, )?)+) で実施|CLUSTERPRO マネージャで実施)、ガイド (.+?)\)\*"),
}
NOTE = {"en": "note", "ja": "注意事項"}


def runbooks(path) -> dict[str, str]:
    return {lang: generated(path, lang)["RUNBOOK.md"].decode("utf-8") for lang in ("en", "ja")}


def topologies(tmp_path):
    extra = []
    shells = FORMSERVER + "        online_shell_command: 'W:\\FORM\\bin\\olshell.exe'\n"
    for name, text in (("oracle", ORACLE), ("formserver", shells)):
        (tmp_path / name).mkdir()
        extra.append(write_topology(tmp_path / name, text))
    return SAMPLES + extra


def test_the_runbook_language_comes_from_the_topology_not_the_user(monkeypatch):
    from sogen import i18n

    sample = ROOT / "samples" / "single-standby.yaml"
    monkeypatch.setattr(i18n, "_current", "en")
    default = generated(sample)["RUNBOOK.md"].decode("utf-8")
    monkeypatch.setattr(i18n, "_current", "ja")
    assert generated(sample)["RUNBOOK.md"].decode("utf-8") == default
    assert "## 0. 作業の前に" in default and "待機系サーバ" in default  # settings.language defaults to ja
    english = (ROOT / "samples" / "four-node.yaml").read_text(encoding="utf-8")
    assert "language: en" in english  # one golden RUNBOOK.md stays English (tests/golden/four-node)


def test_japanese_runbook_has_the_same_steps_commands_and_sections(tmp_path):
    for path in topologies(tmp_path):
        text = runbooks(path)
        # the same headings and numbered steps, in the same order
        for pattern in (r"^#+ [\d.]*", r"^\s*\d+\. "):
            assert [m.group(0) for m in re.finditer(pattern, text["ja"], re.M)] == [
                m.group(0) for m in re.finditer(pattern, text["en"], re.M)
            ], f"{path.name}: {pattern}"
        # the same code blocks, but the diagram's words in the runbook's language (test_diagram.py),
        # and the same table rows of values
        assert [block for block in FENCE.findall(text["ja"]) if not block.startswith("```mermaid")] == [
            block for block in FENCE.findall(text["en"]) if not block.startswith("```mermaid")
        ]
        assert [len(MERMAID_LINE.findall(t)) for t in (text["ja"], text["en"])] == [
            len(MERMAID_LINE.findall(text["en"]))
        ] * 2
        rows = {lang: [line.split("|")[1:] for line in t.splitlines() if line.startswith("| ") and "`" in line] for lang, t in text.items()}
        assert [r[0] for r in rows["ja"]] == [r[0] for r in rows["en"]]
        # the same nodes and guide sections for every step
        where = {
            lang: [(m.group(1), m.group(2).replace(NOTE[lang], "note")) for m in WHERE[lang].finditer(t)]
            for lang, t in text.items()
        }
        assert where["en"] and where["ja"] == where["en"], path.name
        assert len(where["en"]) == text["en"].count(")*")
        # every command line, path and value in backquotes is still there, as often
        codes = {lang: sorted(CODE.findall(WHERE[lang].sub("", t))) for lang, t in text.items()}
        assert codes["ja"] == codes["en"], path.name


def test_japanese_runbook_uses_the_guides_terms():
    text = runbooks(ROOT / "samples" / "multi-standby.yaml")["ja"]
    for term in ("現用系", "待機系", "フェイルオーバグループ", "切替パーティション", "仮想 IP アドレス",
                 "仮想ホスト名", "仮想コンピュータ名", "レジストリ同期", "開始スクリプト", "終了スクリプト"):
        assert term in text, term
    assert not re.search(r"\b(?:the|and|with|group|node)\b", FENCE.sub("", CODE.sub("", text))), "English left"


def test_sync_keys_of_a_japanese_runbook_are_read_by_so805():
    from sogen.lint.rules.topology import _GROUP_HEADING

    text = runbooks(ROOT / "samples" / "multi-standby.yaml")["ja"]
    assert [m.group(1) for m in map(_GROUP_HEADING.match, text.splitlines()) if m] == ["group1", "group2"]


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)s|%%", text))


@pytest.mark.parametrize("domain", ["runbook", "rules", "migration", "starter"])
def test_catalogue_has_every_message_translated_with_the_same_placeholders(domain):
    catalog = catalogues.read("ja", domain)
    wanted = {(m[0] if isinstance(m, tuple) else m, context) for m, context, _ in catalogues.MESSAGES[domain]()}
    present = {(message.id[0] if isinstance(message.id, tuple) else message.id, message.context) for message in catalog if message.id}
    assert wanted == present, "run: python -m tests.catalogues"
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"not translated: {ids[0]!r}"
        for string in strings:
            assert placeholders(string) == placeholders(ids[0]), ids[0]


@pytest.mark.parametrize("domain", ["runbook", "rules", "migration", "starter"])
def test_committed_mo_is_the_compiled_po(domain):
    mo = catalogues.po_path("ja", domain).with_suffix(".mo")
    assert mo.read_bytes() == catalogues.compiled(catalogues.read("ja", domain)), "run: python -m tests.catalogues"


@pytest.mark.parametrize("code", sorted(RULES))
def test_japanese_rule_doc_has_the_english_code_blocks_and_every_section(code):
    rule = RULES[code]
    japanese = rule.doc_in("ja")
    assert FENCE.findall(japanese) == FENCE.findall(rule.doc)

    def inline_code(text: str) -> list[str]:  # `...` in the prose; English wraps some over lines
        return sorted(re.findall(r"`[^`]+`", re.sub(r"[ \t]*\n[ \t]*", " ", FENCE.sub("", text))))

    assert inline_code(japanese) == inline_code(rule.doc)
    assert japanese.count("\n## ") == rule.doc.count("\n## ")
    catalogue = catalogues.read("ja", "rules")
    for context, msgid in rule_messages(code, rule.doc):
        entry = catalogue.get(msgid, context)
        assert entry is not None and entry.string, f"{code}: not translated: {context or msgid}"
    assert rule.doc_in("en") == rule.doc


def test_sogen_rule_shows_the_docs_in_the_users_language(monkeypatch):
    from sogen import i18n
    from sogen.lint.report import rule_page

    monkeypatch.setattr(i18n, "_current", "ja")
    page = rule_page("SO301")
    assert "## 概要" in page and 'ARMLOAD StarOffice /S /M "StarOffice Server"' in page
    monkeypatch.setattr(i18n, "_current", "en")
    assert "## What it does" in rule_page("SO301")


def test_every_catalogue_title_and_file_role_is_a_runbook_message():
    from sogen.catalogue import load_catalogue

    catalogue = load_catalogue()
    ja = catalogues.read("ja", "runbook")
    names = [p.title for p in catalogue.products.values()] + [a.title for a in catalogue.addons.values()]
    for name in names:
        assert ja.get(name) is not None, name
