"""Every rule's documented examples, run: the "Example" block gives that rule's finding, the
"Use instead" block none. What `sogen rule CODE` prints is what a user copies, so it must be true.

How a block becomes files:

- a line ``rem <name>.bat`` (or ``; <name>.reg``) starts a file of that name, in a folder if
  the name has one (``rem group2\\start.bat``); lines before the first such line go to
  ``start.bat`` (``opcntrl.reg`` for registry rules). A block can so hold a start/stop pair,
  an ``alenv2.bat`` or two failover groups;
- "Use instead" shows only the files that change: the Example's other files are kept;
- "saved as <encoding>" on a file's first line says how it is stored (cp932 otherwise), "with
  BOM" that it starts with one; said in parentheses at the end of the line, it is no part of the text;
- ``<LF>`` / ``<CR><LF>`` at the end of a line are its line ending (CRLF otherwise).

Every rule runs, as in a plain `sogen lint`: SO001 judges suppressions of other rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sogen.lint.config import LintConfig
from sogen.lint.engine import lint_paths
from sogen.lint.rules import RULES
from sogen.lint.rules.base import REGISTRY

# Rules whose examples cannot run as files alone, and why.
NOT_RUNNABLE = {
    code: "a topology rule: its examples show the scripts, not the topology.yaml they are checked against"
    for code, rule in RULES.items()
    if rule.topology is not None
}

FENCE = re.compile(r"^```\w*\n(.*?)^```", re.M | re.S)
FILE_NAME = re.compile(r"^(?:rem|;)\s+([\w.\\-]+\.(?:bat|cmd|reg))\s*$", re.I)
SAVED_AS = re.compile(r"saved as ([\w-]+)( with BOM)?", re.I)
ANNOTATION = re.compile(r"\s*\(saved as [^)]*\)$", re.I)
LINE_ENDING = re.compile(r"(<CR><LF>|<LF>)$")


def example_files(rule, heading: str) -> dict[str, list[str]]:
    """File name -> its lines, for the section's first code block."""
    block = FENCE.search(rule.section(heading))
    assert block, f"{rule.code} has no code block under {heading}"
    files: dict[str, list[str]] = {}
    name = "opcntrl.reg" if rule.languages == (REGISTRY,) else "start.bat"
    for line in block.group(1).splitlines():
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


def codes_found(folder: Path, files: dict[str, list[str]]) -> list[str]:
    folder.mkdir()
    for name, lines in files.items():
        write(folder, name, lines)
    result = lint_paths([str(folder)], LintConfig(select=("SO",)))
    assert not result.errors, result.errors
    return [f.code for f in result.findings]


RUNNABLE = sorted(code for code in RULES if code not in NOT_RUNNABLE)


@pytest.mark.parametrize("code", RUNNABLE)
def test_example_gives_the_rules_finding(code, tmp_path):
    files = example_files(RULES[code], "Example")
    assert code in codes_found(tmp_path / "example", files)


@pytest.mark.parametrize("code", RUNNABLE)
def test_use_instead_gives_none(code, tmp_path):
    files = example_files(RULES[code], "Example") | example_files(RULES[code], "Use instead")
    assert code not in codes_found(tmp_path / "use_instead", files)
