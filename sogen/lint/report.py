"""Findings as text for people, JSON, SARIF 2.1.0 and GitHub workflow commands."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sogen import __version__
from sogen.i18n import _, language, ngettext
from sogen.lint.rules import RULES, Finding, rules_in_order
from sogen.lint.rules.base import ERROR, INFO, WARNING
from sogen.textio import cells, obeys_escapes, visible

FORMATS = ("human", "json", "sarif", "github")
# Read by programs, which expect UTF-8 whatever the console's encoding.
MACHINE_FORMATS = frozenset({"json", "sarif", "github"})
STATISTICS_FORMATS = ("human", "json")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {ERROR: "error", WARNING: "warning", INFO: "note"}
GITHUB_COMMANDS = {ERROR: "error", WARNING: "warning", INFO: "notice"}
_ANSI = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "blue": "34"}
SEVERITY_COLOURS = {ERROR: "red", WARNING: "yellow", INFO: "cyan"}


COLOR_CHOICES = ("auto", "always", "never")


def wants_color(choice: str, stream, fmt: str = "human") -> bool:
    """--color: ``always``, ``never``, or ``auto``: on a terminal, unless NO_COLOR is set
    (https://no-color.org), or anywhere when FORCE_COLOR is (https://force-color.org; CI
    logs show colour but are not terminals); NO_COLOR wins when both are, as in CPython.
    Set means set and not empty. The formats for programs are never coloured."""
    if choice not in COLOR_CHOICES:
        raise ValueError(f"--color: expected one of {', '.join(COLOR_CHOICES)}, got {choice!r}")
    if fmt in MACHINE_FORMATS or choice == "never":
        return False
    if choice == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty()) and obeys_escapes(stream)
    except (OSError, ValueError):  # a closed or detached stream
        return False


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def counts(findings: list[Finding]) -> dict[str, int]:
    by_severity = {ERROR: 0, WARNING: 0, INFO: 0}
    for finding in findings:
        by_severity[finding.severity] += 1
    return by_severity


def fixable(findings: list[Finding], unsafe_fixes: bool = False) -> tuple[int, int]:
    """How many findings --fix would fix, and how many more only with --unsafe-fixes
    (none when ``unsafe_fixes``: they are counted in the first number)."""
    safe = sum(1 for f in findings if f.fix is not None and (unsafe_fixes or not f.fix.unsafe))
    unsafe = 0 if unsafe_fixes else sum(1 for f in findings if f.fix is not None and f.fix.unsafe)
    return safe, unsafe


def summary(findings: list[Finding], files: int, fixed: int = 0, unsafe_fixes: bool = False, unread: int = 0) -> dict:
    """``files``: those read and linted; ``unread``: files and folders that could not be."""
    by_severity = counts(findings)
    safe, unsafe = fixable(findings, unsafe_fixes)
    return {
        "files": files,
        "unread": unread,
        "files_with_problems": len({f.path for f in findings}),
        "problems": len(findings),
        "errors": by_severity[ERROR],
        "warnings": by_severity[WARNING],
        "info": by_severity[INFO],
        "fixed": fixed,
        "fixable": safe,
        "unsafe_fixable": unsafe,
    }


# -- human ------------------------------------------------------------------------


def snippet(finding: Finding, paint, encoding: str | None = None) -> list[str]:
    """The source line and a caret (or a row of them) under the finding, like ruff and rustc,
    on a console writing ``encoding`` (see sogen.textio.cells)."""
    source = finding.source.expandtabs(1)
    if not source.strip():
        return []
    number = str(finding.line)
    gutter = " " * len(number)
    start = min(finding.column, len(source) + 1)
    single_line = finding.end_line == finding.line and finding.end_column > start
    end = min(finding.end_column, len(source) + 1) if single_line else start + 1
    if source.isascii() and source.isprintable():  # most lines: a character is a cell, shown as it is
        shown, pad, width = source, " " * (start - 1), end - start
    else:
        before, under = visible(source[: start - 1]), visible(source[start - 1 : end - 1])
        shown, pad, width = visible(source), " " * cells(before, encoding), cells(under, encoding)
    colour = SEVERITY_COLOURS[finding.severity]
    return [
        paint(f"{gutter} |", "blue"),
        paint(f"{number} |", "blue") + f" {shown}",
        paint(f"{gutter} |", "blue") + " " + pad + paint("^" * max(1, width), colour),
    ]


def render_human(
    findings: list[Finding],
    files: int,
    stream: TextIO,
    fixed: int = 0,
    color: bool = False,
    quiet: bool = False,
    unsafe_fixes: bool = False,
    unread: int = 0,
) -> None:
    """``quiet``: the findings only, without the summary lines. ``color``: ANSI colours
    (decided by the caller: see wants_color). ``unsafe_fixes``: the unsafe fixes count as
    fixable with --fix."""

    def paint(text: str, *styles: str) -> str:
        if not color:
            return text
        return "".join(f"\x1b[{_ANSI[s]}m" for s in styles) + text + "\x1b[0m"

    encoding = getattr(stream, "encoding", None)  # a console's: the caret's column depends on it
    shown_paths: dict[str, str] = {}  # the findings of a file come one after the other
    for finding in findings:
        severity = finding.severity
        path = shown_paths.get(finding.path)
        if path is None:
            path = shown_paths[finding.path] = visible(finding.path)
        where = paint(f"{path}:{finding.line}:{finding.column}:", "bold")
        code = paint(finding.code, "bold", SEVERITY_COLOURS[severity])
        lines = [f"{where} {code} [{severity}] {visible(finding.message)}", *snippet(finding, paint, encoding), "\n"]
        stream.write("\n".join(lines))  # a write a finding: thousands of them add up
    if quiet:
        return
    if fixed:
        stream.write(ngettext("Fixed {count} problem.", "Fixed {count} problems.", fixed).format(count=fixed) + "\n")
    if findings:
        by_severity = counts(findings)
        stream.write(
            paint(
                _("Found {problems} ({errors}, {warnings}, {info} info) in {files}").format(
                    problems=ngettext("{count} problem", "{count} problems", len(findings)).format(count=len(findings)),
                    errors=ngettext("{count} error", "{count} errors", by_severity[ERROR]).format(count=by_severity[ERROR]),
                    warnings=ngettext("{count} warning", "{count} warnings", by_severity[WARNING]).format(
                        count=by_severity[WARNING]
                    ),
                    info=by_severity[INFO],
                    files=_files(len({f.path for f in findings})),
                ),
                "bold",
            )
            + "\n"
        )
    elif not unread:
        stream.write(paint(_("All checks passed ({files})").format(files=_files(files)), "bold") + "\n")
    safe, unsafe = fixable(findings, unsafe_fixes)
    if safe or unsafe:
        stream.write(fixable_line(safe, unsafe) + "\n")
    if unread:  # an unread file is no passed check: the last line of a CI log says so
        if findings:
            line = ngettext(
                "{count} file or folder could not be read and was not checked",
                "{count} files or folders could not be read and were not checked",
                unread,
            ).format(count=unread)
        else:
            line = ngettext(
                "No problems in the {count} file read; {unread} could not be read",
                "No problems in the {count} files read; {unread} could not be read",
                files,
            ).format(count=files, unread=unread)
        stream.write(paint(line, "bold") + "\n")


def fixable_line(safe: int, unsafe: int) -> str:
    """As ruff says it: "2 fixable with `--fix` (1 more with `--fix --unsafe-fixes`)."""
    if unsafe:
        if not safe:  # "0 fixable ... 8 more" reads oddly, in Japanese above all
            return _("None fixable with `--fix` ({unsafe} with `--fix --unsafe-fixes`).").format(unsafe=unsafe)
        return _("{safe} fixable with `--fix` ({unsafe} more with `--fix --unsafe-fixes`).").format(safe=safe, unsafe=unsafe)
    return _("{safe} fixable with `--fix`.").format(safe=safe)


def _files(count: int) -> str:
    return ngettext("{count} file", "{count} files", count).format(count=count)


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


def render_json(
    findings: list[Finding], files: int, stream: TextIO, fixed: int = 0, unsafe_fixes: bool = False,
    unread: tuple[str, ...] = (),
) -> None:
    """``unread``: why files or folders could not be read, listed with the findings (a
    program reading the report learns which, not only how many)."""
    document = {
        "version": __version__,
        "findings": [finding_json(f) for f in findings],
        "unread": list(unread),
        "summary": summary(findings, files, fixed, unsafe_fixes, len(unread)),
    }
    write_json(document, stream)


# -- SARIF 2.1.0 ------------------------------------------------------------------


# partialFingerprints key: the baseline's line-independent fingerprint, hashed (see fingerprint).
FINGERPRINT_KEY = "sogenFingerprint/v1"


def sarif_rule(rule, doc_url: Callable[[str], str | None] | None = None) -> dict:
    """The rule as SARIF describes it, in the language of the messages."""
    lang = language()
    described = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary_in(lang)},
        "fullDescription": {"text": " ".join(rule.section_in("What it does", lang).split())},
        "help": {"text": rule.doc_in(lang), "markdown": rule.doc_in(lang)},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
    }
    url = doc_url(rule.code) if doc_url else None
    if url:
        described["helpUri"] = url
    return described


def fingerprints(findings: list[Finding]) -> list[str]:
    """Each finding's partialFingerprints value: what a baseline matches it by (path from
    the working directory, code, the line's text without surrounding blanks: not the line
    number, so edits above it keep it) hashed, and ":n" for the n-th finding of that print,
    as GitHub numbers its own line hashes: two identical lines stay two alerts."""
    import hashlib

    from sogen.lint.engine import _fingerprint

    seen: Counter[str] = Counter()
    prints = []
    for finding in findings:
        absolute = os.path.abspath(finding.path)
        try:
            path = Path(os.path.relpath(absolute)).as_posix()
        except ValueError:  # another drive than the working directory's, on Windows
            path = Path(absolute).as_posix()
        key = "\0".join(_fingerprint(path, finding.code, finding.source))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[digest] += 1
        prints.append(f"{digest}:{seen[digest]}")
    return prints


def artifact_uri(path: str) -> str:
    """A URI reference relative to the working directory (%SRCROOT%), or a file: URI, of
    the file as named (a link is not followed: the other formats and the fingerprint name
    the link). Percent-encoded as RFC 3986 wants (SARIF 3.10.2): ``a#b.bat`` is no
    fragment, ``停止.bat`` UTF-8 escapes."""
    from urllib.parse import quote

    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(os.path.abspath(os.getcwd())).as_posix()
    except ValueError:
        return absolute.as_uri()  # file:///D:/... on Windows, escaped as above
    # The name's bytes: a code page 932 name unpacked from a Windows zip escapes as itself.
    return quote(os.fsencode(relative), safe="/")


def render_sarif(
    findings: list[Finding],
    stream: TextIO,
    codes: frozenset[str] | None = None,
    doc_url: Callable[[str], str | None] | None = None,
    unread: tuple[str, ...] = (),
) -> None:
    """``unread``: why files could not be read; the run is then no successful one
    (SARIF 3.20.14, 3.20.21), so that code scanning does not take their alerts for fixed."""
    rules = [r for r in rules_in_order() if codes is None or r.code in codes or any(f.code == r.code for f in findings)]
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for finding, fingerprint in zip(findings, fingerprints(findings)):
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
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
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
                "tool": {"driver": {"name": "sogen", "version": __version__, "rules": [sarif_rule(r, doc_url) for r in rules]}},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                # Columns count characters, as sogen's other formats do.
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not unread,
                        "toolExecutionNotifications": [{"level": "error", "message": {"text": e}} for e in unread],
                    }
                ],
                "results": results,
            }
        ],
    }
    write_json(document, stream)


# -- GitHub Actions ---------------------------------------------------------------


def _escape_data(text: str, compose: bool = True) -> str:
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"), compose)


def _escape_property(text: str) -> str:
    return _escape_data(text, compose=False).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding], stream: TextIO, unread: tuple[str, ...] = ()) -> None:
    """Workflow commands: an annotation per finding, and an error per file that could not
    be read (a CI log that shows none would read as a passed check)."""
    for reason in unread:
        stream.write(f"::error title=sogen::{_escape_data(reason)}\n")
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
    *,
    color: bool = False,
    unsafe_fixes: bool = False,
    doc_url: Callable[[str], str | None] | None = None,
    unread: tuple[str, ...] = (),
) -> None:
    """``unread``: why files or folders could not be read (they are not counted in
    ``files``). ``codes``: the rules that ran, described in the SARIF output; ``quiet``: no summary
    in the human format (the others are for programs, which ignore what they do not need);
    ``color``: ANSI colours in the human format, never in the others (see wants_color);
    ``unsafe_fixes``: the unsafe fixes count as fixable with --fix; ``doc_url``: a rule
    code's documentation URL or None (LintConfig.rule_url), SARIF's helpUri."""
    if fmt == "json":
        render_json(findings, files, stream, fixed, unsafe_fixes, unread)
    elif fmt == "sarif":
        render_sarif(findings, stream, codes, doc_url, unread)
    elif fmt == "github":
        render_github(findings, stream, unread)
    else:
        render_human(findings, files, stream, fixed, color=color, quiet=quiet, unsafe_fixes=unsafe_fixes, unread=len(unread))


def render_statistics(fmt: str, findings: list[Finding], stream: TextIO, unsafe_fixes: bool = False) -> None:
    """How many findings of each rule, most first, as ruff's --statistics: "[*]" marks a
    rule whose findings here can all be fixed with --fix (unsafe fixes: with --unsafe-fixes)."""
    by_code = Counter(f.code for f in findings)
    unfixable = {f.code for f in findings if f.fix is None or (f.fix.unsafe and not unsafe_fixes)}
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
    lang = language()
    return [f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary_in(lang)}" for r in rules]


def rule_page(code: str) -> str:
    rule = RULES[code]
    return f"# {rule.code} {rule.name} ({rule.severity})\n\n{rule.doc_in(language())}\n"
