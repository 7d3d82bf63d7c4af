"""Findings as text for people, JSON, SARIF 2.1.0 and GitHub workflow commands."""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from pathlib import Path
from typing import TextIO

from sogen import __version__
from sogen.lint.rules import RULES, Finding, rules_in_order
from sogen.lint.rules.base import ERROR, INFO, WARNING

FORMATS = ("human", "json", "sarif", "github")
# Read by programs, which expect UTF-8 whatever the console's encoding.
MACHINE_FORMATS = frozenset({"json", "sarif", "github"})
STATISTICS_FORMATS = ("human", "json")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {ERROR: "error", WARNING: "warning", INFO: "note"}
GITHUB_COMMANDS = {ERROR: "error", WARNING: "warning", INFO: "notice"}
_ANSI = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "blue": "34"}
SEVERITY_COLOURS = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal, never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def counts(findings: list[Finding]) -> dict[str, int]:
    by_severity = {ERROR: 0, WARNING: 0, INFO: 0}
    for finding in findings:
        by_severity[finding.severity] += 1
    return by_severity


def summary(findings: list[Finding], files: int, fixed: int = 0) -> dict:
    by_severity = counts(findings)
    return {
        "files": files,
        "files_with_problems": len({f.path for f in findings}),
        "problems": len(findings),
        "errors": by_severity[ERROR],
        "warnings": by_severity[WARNING],
        "info": by_severity[INFO],
        "fixed": fixed,
    }


# -- human ------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal cells: Japanese (wide) characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def snippet(finding: Finding, paint) -> list[str]:
    """The source line and a caret (or a row of them) under the finding, like ruff and rustc."""
    source = finding.source.expandtabs(1)
    if not source.strip():
        return []
    number = str(finding.line)
    gutter = " " * len(number)
    start = min(finding.column, len(source) + 1)
    single_line = finding.end_line == finding.line and finding.end_column > start
    end = min(finding.end_column, len(source) + 1) if single_line else start + 1
    pad = " " * _width(source[: start - 1])
    carets = "^" * max(1, _width(source[start - 1 : end - 1]))
    colour = SEVERITY_COLOURS[finding.severity]
    return [
        paint(f"{gutter} |", "blue"),
        paint(f"{number} |", "blue") + f" {source}",
        paint(f"{gutter} |", "blue") + " " + pad + paint(carets, colour),
    ]


def render_human(
    findings: list[Finding],
    files: int,
    stream: TextIO,
    fixed: int = 0,
    colour: bool | None = None,
    quiet: bool = False,
) -> None:
    """``quiet``: the findings only, without the summary lines."""
    colour = use_colour(stream) if colour is None else colour

    def paint(text: str, *styles: str) -> str:
        if not colour:
            return text
        return "".join(f"\x1b[{_ANSI[s]}m" for s in styles) + text + "\x1b[0m"

    for finding in findings:
        severity = finding.severity
        where = paint(f"{finding.path}:{finding.line}:{finding.column}:", "bold")
        code = paint(finding.code, "bold", SEVERITY_COLOURS[severity])
        stream.write(f"{where} {code} [{severity}] {finding.message}\n")
        for line in snippet(finding, paint):
            stream.write(line + "\n")
        stream.write("\n")
    if quiet:
        return
    if fixed:
        stream.write(f"Fixed {plural(fixed, 'problem')}.\n")
    if findings:
        by_severity = counts(findings)
        stream.write(
            paint(
                f"Found {plural(len(findings), 'problem')} ({plural(by_severity[ERROR], 'error')}, "
                f"{plural(by_severity[WARNING], 'warning')}, {by_severity[INFO]} info) "
                f"in {plural(len({f.path for f in findings}), 'file')}",
                "bold",
            )
            + "\n"
        )
    else:
        stream.write(paint(f"All checks passed ({plural(files, 'file')})", "bold") + "\n")


def write_json(document: dict, stream: TextIO) -> None:
    # One line: without indent, json uses its C encoder, many times faster on big reports.
    stream.write(json.dumps(document, ensure_ascii=False) + "\n")


# -- JSON -------------------------------------------------------------------------


def finding_json(finding: Finding) -> dict:
    rule = finding.rule
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "name": rule.name,
        "severity": rule.severity,
        "message": finding.message,
        "fix": finding.fix.description if finding.fix else None,
    }


def render_json(findings: list[Finding], files: int, stream: TextIO, fixed: int = 0) -> None:
    document = {
        "version": __version__,
        "findings": [finding_json(f) for f in findings],
        "summary": summary(findings, files, fixed),
    }
    write_json(document, stream)


# -- SARIF 2.1.0 ------------------------------------------------------------------


def sarif_rule(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.section("What it does").split())},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
    }


def artifact_uri(path: str) -> str:
    """A URI reference relative to the working directory (%SRCROOT%), or a file: URI."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix().replace("%", "%25").replace(" ", "%20")
    except ValueError:
        return absolute.as_uri()


def render_sarif(findings: list[Finding], stream: TextIO, codes: frozenset[str] | None = None) -> None:
    rules = [r for r in rules_in_order() if codes is None or r.code in codes or any(f.code == r.code for f in findings)]
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for finding in findings:
        uri = artifact_uri(finding.path)
        location = {"uri": uri}
        if not uri.startswith("file:"):
            location["uriBaseId"] = "%SRCROOT%"
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": SARIF_LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": location,
                            "region": {
                                "startLine": finding.line,
                                "startColumn": finding.column,
                                "endLine": finding.end_line,
                                "endColumn": max(finding.end_column, finding.column),
                            },
                        }
                    }
                ],
            }
        )
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "sogen", "version": __version__, "rules": [sarif_rule(r) for r in rules]}},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                # Columns count characters, as sogen's other formats do.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    write_json(document, stream)


# -- GitHub Actions ---------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding], stream: TextIO) -> None:
    for f in findings:
        properties = ",".join(
            [
                f"file={_escape_property(Path(f.path).as_posix())}",
                f"line={f.line}",
                f"col={f.column}",
                f"endLine={f.end_line}",
                f"endColumn={f.end_column}",
                f"title={_escape_property(f.code)}",
            ]
        )
        stream.write(f"::{GITHUB_COMMANDS[f.severity]} {properties}::{_escape_data(f'{f.code} {f.message}')}\n")


def render(
    fmt: str,
    findings: list[Finding],
    files: int,
    stream: TextIO,
    fixed: int = 0,
    codes: frozenset[str] | None = None,
    quiet: bool = False,
) -> None:
    """``codes``: the rules that ran, described in the SARIF output; ``quiet``: no summary
    in the human format (the others are for programs, which ignore what they do not need)."""
    if fmt == "json":
        render_json(findings, files, stream, fixed)
    elif fmt == "sarif":
        render_sarif(findings, stream, codes)
    elif fmt == "github":
        render_github(findings, stream)
    else:
        render_human(findings, files, stream, fixed, quiet=quiet)


def render_statistics(fmt: str, findings: list[Finding], stream: TextIO) -> None:
    """How many findings of each rule, most first, as ruff's --statistics: "[*]" marks a
    rule whose findings here can all be fixed with --fix."""
    by_code = Counter(f.code for f in findings)
    unfixable = {f.code for f in findings if f.fix is None}
    rows = sorted(by_code.items(), key=lambda item: (-item[1], item[0]))
    if fmt == "json":
        write_json(
            [
                {"code": code, "name": RULES[code].name, "count": count, "fixable": code not in unfixable}
                for code, count in rows
            ],
            stream,
        )
        return
    width = len(str(rows[0][1])) if rows else 0
    for code, count in rows:
        marker = "   " if code in unfixable else "[*]"
        stream.write(f"{count:>{width}}\t{code}\t{marker} {RULES[code].name}\n")


def rule_listing() -> list[str]:
    rules = rules_in_order()
    width = max(len(r.name) for r in rules)
    return [f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}" for r in rules]


def rule_page(code: str) -> str:
    rule = RULES[code]
    return f"# {rule.code} {rule.name} ({rule.severity})\n\n{rule.doc}\n"
