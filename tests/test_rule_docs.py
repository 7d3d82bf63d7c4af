"""Every rule's documented examples, run: the "Example" block gives that rule's finding, the
"Use instead" block none. What `sogen rule CODE` prints is what a user copies, so it must be true.

How a block becomes files:

- a line ``rem <name>.bat`` (or ``; <name>.reg``) starts a file of that name, in a folder if
  the name has one (``rem group2\\start.bat``); lines before the first such line go to
  ``start.bat`` (``opcntrl.reg`` for registry rules, ``RUNBOOK.md`` for text ones). A block can
  so hold a start/stop pair, an ``alenv2.bat`` or two failover groups;
- "Use instead" shows only the files that change: the Example's other files are kept;
- a topology rule's Example starts with a line ``rem checked against samples/<name>.yaml``
  (``;`` or ``<!-- ... -->`` in other files), with ``, group <name>`` when the sample has
  more than one failover group: the files are linted with that sample as ``--topology``, in
  a folder named after the group. That line is no part of any file;
- a block indented as a whole is read without that indentation (a RUNBOOK.md excerpt is, so
  that its ``## `` headings are not taken for the documentation's);
- "saved as <encoding>" on a file's first line says how it is stored (cp932 otherwise), "with
  BOM" that it starts with one. A remark in parentheses at the end of a line, after two
  spaces or more, is no part of the text;
- ``<LF>`` / ``<CR><LF>`` at the end of a line are its line ending (CRLF otherwise).

Every rule runs, as in a plain `sogen lint`: SO001 judges suppressions of other rules.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from sogen.lint.config import LintConfig
from sogen.lint.engine import lint_paths
from sogen.lint.rules import RULES
from sogen.lint.rules.base import REGISTRY, TEXT
from sogen.topology.load import load_topology

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```\w*\n(.*?)^```", re.M | re.S)
FILE_NAME = re.compile(r"^(?:rem|;)\s+([\w.\\-]+\.(?:bat|cmd|reg))\s*$", re.I)
CHECKED_AGAINST = re.compile(
    r"^(?:rem|;|<!--)\s+checked against (samples/[\w.-]+\.yaml)(?:, group ([\w-]+))?\s*(?:-->)?\s*$", re.I
)
SAVED_AS = re.compile(r"saved as ([\w-]+)( with BOM)?", re.I)
ANNOTATION = re.compile(r"\s{2,}\([^()]*\)$")
LINE_ENDING = re.compile(r"(<CR><LF>|<LF>)$")
FIRST_FILE = {REGISTRY: "opcntrl.reg", TEXT: "RUNBOOK.md"}


def checked_against(rule) -> tuple[Path, str | None] | None:
    """(sample topology, group folder) a topology rule's Example names; None for other rules."""
    block = FENCE.search(rule.section("Example"))
    assert block, f"{rule.code} has no code block under Example"
    found = CHECKED_AGAINST.match(textwrap.dedent(block.group(1)).splitlines()[0])
    if rule.topology is None:
        assert not found, f"{rule.code} is no topology rule, but its Example names a topology"
        return None
    assert found, f"{rule.code}: a topology rule's Example starts with 'rem checked against samples/<name>.yaml'"
    sample = ROOT / found.group(1)
    assert sample.is_file(), f"{rule.code}: no {found.group(1)}"
    return sample, found.group(2)


def example_files(rule, heading: str) -> dict[str, list[str]]:
    """File name -> its lines, for the section's first code block."""
    block = FENCE.search(rule.section(heading))
    assert block, f"{rule.code} has no code block under {heading}"
    files: dict[str, list[str]] = {}
    name = FIRST_FILE.get(rule.languages[0], "start.bat")
    for line in textwrap.dedent(block.group(1)).splitlines():
        if CHECKED_AGAINST.match(line):
            continue
        named = FILE_NAME.match(line)
        if named:
            name = named.group(1)
        files.setdefault(name, []).append(line)
    return files


def write(folder: Path, name: str, lines: list[str]) -> None:
    saved_as = SAVED_AS.search(lines[0])
    encoding = saved_as.group(1) if saved_as else "cp932"
    text = "\ufeff" if saved_as and saved_as.group(2) else ""
    for line in lines:
        ending = LINE_ENDING.search(line)
        line = ANNOTATION.sub("", LINE_ENDING.sub("", line))
        text += line + ("\n" if ending and ending.group(1) == "<LF>" else "\r\n")
    path = folder / name.replace("\\", "/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def codes_found(folder: Path, files: dict[str, list[str]], against: tuple[Path, str | None] | None) -> list[str]:
    """The codes of the findings on the files; with ``against`` (sample, group folder), linted
    with that topology, the files in the group's folder."""
    folder.mkdir()
    group = against[1] if against else None
    for name, lines in files.items():
        write(folder / group if group and "\\" not in name else folder, name, lines)
    topology = load_topology(against[0]) if against else None
    result = lint_paths([str(folder)], LintConfig(select=("SO",)), topology=topology)
    assert not result.errors, result.errors
    return [f.code for f in result.findings]


@pytest.mark.parametrize("code", sorted(RULES))
def test_example_gives_the_rules_finding(code, tmp_path):
    rule = RULES[code]
    files = example_files(rule, "Example")
    assert code in codes_found(tmp_path / "example", files, checked_against(rule))


@pytest.mark.parametrize("code", sorted(RULES))
def test_use_instead_gives_none(code, tmp_path):
    rule = RULES[code]
    files = example_files(rule, "Example") | example_files(rule, "Use instead")
    assert code not in codes_found(tmp_path / "use_instead", files, checked_against(rule))
