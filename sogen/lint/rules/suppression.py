"""Inline suppressions (`rem sogen: ignore[SO104]`) and SO001, the report of unused ones."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from sogen.i18n import _
from sogen.lint.rules.base import INFO, RULES, Finding, Rule, register, span_of

# A comment at the start of a line (`rem`, `::`; `;` in a .reg file) or after `&` at the end of one.
_SUPPRESSION = re.compile(r"(?:^[ \t]*@?|&[ \t]*)(?:rem\b|::|;)[ \t]*sogen:[ \t]*ignore\[([^\]\n]*)\]", re.I | re.M)


class Suppression(NamedTuple):
    line: int
    column: int  # where the code list starts
    end_column: int  # just after it
    codes: tuple[str, ...]  # as written, upper-cased; a prefix (SO1) covers its rules
    source: str

    def covers(self, finding: Finding) -> str | None:
        """The entry that silences ``finding``, if any: on this line or the next."""
        if finding.line not in (self.line, self.line + 1):
            return None
        return next((c for c in self.codes if finding.code.startswith(c)), None)


def find_suppressions(lines: list[str]) -> list[Suppression]:
    text = "\n".join(lines)
    # Most files have no suppression, and the pattern scans text with Japanese in it
    # several times slower than a plain search (casefold reads ſ as s, as re.I does).
    if "sogen:" not in text.casefold():
        return []
    found = []
    for match in _SUPPRESSION.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        line_start = text.rfind("\n", 0, match.start()) + 1
        codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
        column = match.start(1) - line_start + 1
        found.append(Suppression(line, column, column + len(match.group(1)), codes, lines[line - 1]))
    return found


def by_line(suppressions: list[Suppression]) -> dict[int, list[Suppression]]:
    """Line -> the suppressions that may cover a finding on it."""
    index: dict[int, list[Suppression]] = {}
    for suppression in suppressions:
        for line in (suppression.line, suppression.line + 1):
            index.setdefault(line, []).append(suppression)
    return index


def is_suppressed(finding: Finding, index: dict[int, list[Suppression]]) -> bool:
    return any(s.covers(finding) for s in index.get(finding.line, ()))


def apply_suppressions(
    findings: Iterable[Finding], suppressions: list[Suppression], enabled: Callable[[str], bool], path: str
) -> tuple[list[Finding], list[Finding]]:
    """(the findings no suppression covers, SO001 findings for the unused entries).

    An entry for a rule that is not enabled for the file is not "unused": it
    may well be needed where the rule runs.
    """
    kept, used = [], set()
    index = by_line(suppressions)
    for finding in findings:
        cover = next(((s, c) for s in index.get(finding.line, ()) if (c := s.covers(finding))), None)
        if cover is None:
            kept.append(finding)
        else:
            used.add((cover[0].line, cover[1]))
    unused = []
    rule = RULES[UnusedSuppression.code]
    for suppression in suppressions:
        stale = []
        for code in suppression.codes:
            known = [c for c in RULES if c.startswith(code)]
            if not known:
                stale.append(_("{code} (no such rule)").format(code=code))
            elif (suppression.line, code) not in used and any(enabled(c) for c in known):
                stale.append(code)
        if stale and enabled(rule.code):
            unused.append(
                rule.finding_at(
                    path,
                    span_of(suppression.line, suppression.column, suppression.end_column),
                    suppression.source,
                    _("unused suppression: nothing on this line or the next is reported as {codes}").format(
                        codes=", ".join(stale)
                    ),
                )
            )
    return kept, unused


@register
class UnusedSuppression(Rule):
    """
    ## What it does
    Reports `sogen: ignore[...]` comments that silence nothing. An entry is unused
    when no finding of that rule is on the comment's line or the next one, or when
    the code names no rule.

    ## Why it matters in a cluster
    Suppressions outlive the problem they were written for. A stale one hides the
    next, real, finding of that rule on that line, perhaps a missing disk check
    added during a later edit; a misspelt code silences nothing while the reader
    thinks the line was reviewed.

    ## Example
    ```batch
    rem sogen: ignore[SO104]
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Fix
    Not automatic: delete the comment, or the code that is no longer needed.
    """

    code = "SO001"
    name = "unused-suppression"
    severity = INFO

    def check(self, ctx) -> Iterable[Finding]:
        return ()  # the engine reports it, once all other findings of the file are known
