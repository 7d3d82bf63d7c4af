"""What every rule is made of: its identity, its documentation, its findings.

A rule is a class with ``code``, ``name``, ``severity``, its documentation as
the class docstring (ruff style: "What it does", "Why it matters in a cluster",
"Example", "Use instead", "Fix") and a ``check``. ``@register`` adds one
instance to the registry; importing :mod:`sogen.lint.rules` registers them all.
"""

from __future__ import annotations

import functools
import inspect
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from sogen.batch.ir import Span
from sogen.lint.context import BATCH, REGISTRY, TEXT  # noqa: F401 - the languages a rule reads, for the rules

if TYPE_CHECKING:
    from sogen.lint.context import FileContext, LintContext

ERROR, WARNING, INFO = "error", "warning", "info"
FILE, PAIR, CLUSTER = "file", "pair", "cluster"  # what a rule compares: one file, start with stop, a cluster
GROUP = "group"  # a topology rule on the files of one failover group (with CLUSTER: on any file)
SEVERITIES = (INFO, WARNING, ERROR)  # ascending, for --fail-on
DOC_SECTIONS = ("What it does", "Why it matters in a cluster", "Example", "Use instead", "Fix")


class Edit(NamedTuple):
    """Replace characters ``start:end`` of the decoded file text with ``text``."""

    start: int
    end: int
    text: str


class Fix(NamedTuple):
    description: str  # what --fix would do, in a few words
    edits: tuple[Edit, ...]
    # Changes which lines run, or when (a GOTO inserted, a /wait added): applied only with --unsafe-fixes.
    unsafe: bool = False


class Finding(NamedTuple):
    path: str  # as displayed: relative to the working directory when below it
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    message: str
    source: str  # the text of ``line``: the caret display and the baseline fingerprint
    fix: Fix | None = None

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def severity(self) -> str:
        return RULES[self.code].severity


# How findings are ordered for output: by file, line, column, code.
FINDING_ORDER = operator.attrgetter("path", "line", "column", "code")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    # What the rule needs, declared: the languages of the files it reads; its scope (FILE,
    # or PAIR: a start script with the stop script of its group, or CLUSTER: the files of
    # one cluster, see sogen.lint.engine.cluster_of); and what of `sogen lint --topology`
    # (None: nothing; GROUP: the file's failover group, so it runs only on files placed
    # in one; CLUSTER: the whole topology). The engine runs a rule only where it applies.
    languages: ClassVar[tuple[str, ...]] = (BATCH,)
    scope: ClassVar[str] = FILE
    topology: ClassVar[str | None] = None

    def check(self, ctx: LintContext) -> Iterable[Finding]:
        """The findings on one file; ``ctx`` is the context of its language (see
        sogen.lint.context.LintContext)."""
        raise NotImplementedError

    @property
    def doc(self) -> str:
        return inspect.cleandoc(type(self).__doc__ or "")

    def doc_in(self, lang: str) -> str:
        """``doc`` in ``lang`` ("en" or "ja"): prose from the ``rules`` catalogue, code blocks as
        they are (see sogen/lint/rule_docs.py)."""
        from sogen.lint.rule_docs import translate

        return translate(self.code, self.doc, lang)

    def section(self, heading: str) -> str:
        """One section of the documentation, without its heading."""
        match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return match.group(1).strip() if match else ""

    @property
    def summary(self) -> str:
        """The first sentence of "What it does"."""
        return self.summary_in("en")

    def section_in(self, heading: str, lang: str) -> str:
        """One section of the documentation in ``lang``, without its heading."""
        from sogen.lint.rule_docs import translate

        return translate(self.code, f"## {heading}\n{self.section(heading)}\n", lang).split("\n", 1)[1].strip()

    def summary_in(self, lang: str) -> str:
        """The first sentence of "What it does", in ``lang``."""
        text = " ".join(self.section_in("What it does", lang).split())
        return re.split(r"(?<=\.)\s|(?<=。)", text, maxsplit=1)[0]

    def finding(self, ctx: FileContext, span: Span, message: str, fix: Fix | None = None) -> Finding:
        return self.finding_at(ctx.display_path, span, ctx.line_text(span.line), message, fix)

    def finding_at(self, path: str, span: Span, source: str, message: str, fix: Fix | None = None) -> Finding:
        """A finding in a file known by its summary (pair and tree rules): its path and the line's text."""
        return Finding(
            path=path,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            code=self.code,
            message=message,
            source=source,
            fix=fix,
        )


class SummaryRule(Rule):
    """A rule on more than one file.

    Files are linted in separate processes, so such a rule first reduces each
    file to a small picklable ``summarize(ctx)`` (None: nothing to compare) and
    then compares the summaries. Rules sharing a ``summarize`` function share
    its result.
    """

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        return ()

    @staticmethod
    def summarize(ctx: FileContext) -> object:
        raise NotImplementedError


class PairRule(SummaryRule):
    """Compares a start script with the stop script beside it."""

    scope = PAIR

    def check_pair(self, start: object, stop: object) -> Iterator[Finding]:
        raise NotImplementedError


class ClusterRule(SummaryRule):
    """Compares the files of one cluster (``summaries``: display path -> summary); a tree of
    several clusters is checked one cluster at a time (sogen.lint.engine.cluster_of)."""

    scope = CLUSTER

    def check_cluster(self, summaries: dict[str, object]) -> Iterator[Finding]:
        raise NotImplementedError


class RegistryRule(Rule):
    """A rule on registry patches (.reg); ``check`` gets a :class:`sogen.lint.context.RegContext`."""

    languages = (REGISTRY,)


class TopologyRule(Rule):
    """Checks a file against the topology (``sogen lint --topology``): ``ctx.topology``, and
    ``ctx.group``, the index of the failover group the file belongs to."""

    topology = GROUP


def one_per_line(check: Callable[[Rule, FileContext], Iterable[Finding]]):
    """Decorates a ``check`` that walks every path: it meets the same statement on
    many of them, and reports the first finding on each line."""

    @functools.wraps(check)
    def first_on_each_line(self: Rule, ctx: FileContext) -> Iterator[Finding]:
        seen: set[int] = set()
        for finding in check(self, ctx):
            if finding.line not in seen:
                seen.add(finding.line)
                yield finding

    return first_on_each_line


RULES: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    rule = cls()
    missing = [h for h in DOC_SECTIONS if f"## {h}\n" not in rule.doc]
    if missing:
        raise TypeError(f"{cls.code}: documentation lacks {', '.join(missing)}")
    if cls.code in RULES:
        raise TypeError(f"{cls.code} is registered twice")
    RULES[cls.code] = rule
    return cls


def span_of(line: int, column: int, end_column: int) -> Span:
    return Span(line, column, line, end_column)
