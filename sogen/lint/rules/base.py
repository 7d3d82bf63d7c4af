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
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

from sogen.batch.ir import Span

if TYPE_CHECKING:
    from sogen.lint.context import FileContext

ERROR, WARNING, INFO = "error", "warning", "info"
BATCH, REGISTRY = "batch", "reg"  # the kinds of file a rule checks
TOPOLOGY = "topology"  # rules that need `sogen lint --topology`
SEVERITIES = (INFO, WARNING, ERROR)  # ascending, for --fail-on
DOC_SECTIONS = ("What it does", "Why it matters in a cluster", "Example", "Use instead", "Fix")


def pickled_as_arguments(cls: type) -> type:
    """Pickle a dataclass as the arguments that build it again.

    What a worker process finds comes back to the main process pickled; by default
    a slotted or frozen dataclass travels as a state dictionary, set field by field
    on arrival, which costs about twice as much both ways.
    """
    names = tuple(f.name for f in fields(cls))
    get = operator.attrgetter(*names)
    if len(names) == 1:
        cls.__reduce__ = lambda self: (cls, (get(self),))
    else:
        cls.__reduce__ = lambda self: (cls, get(self))
    return cls


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Edit:
    """Replace characters ``start:end`` of the decoded file text with ``text``."""

    start: int
    end: int
    text: str


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Fix:
    description: str  # what --fix would do, in a few words
    edits: tuple[Edit, ...]


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class Finding:
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

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    language: ClassVar[str] = BATCH
    # Pair rules compare a start script with the stop script of the same group;
    # tree rules compare the files of one cluster (see sogen.lint.engine.cluster_of).
    pair: ClassVar[bool] = False
    tree: ClassVar[bool] = False

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        raise NotImplementedError

    @property
    def doc(self) -> str:
        return inspect.cleandoc(type(self).__doc__ or "")

    def section(self, heading: str) -> str:
        """One section of the documentation, without its heading."""
        match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return match.group(1).strip() if match else ""

    @property
    def summary(self) -> str:
        """The first sentence of "What it does"."""
        text = " ".join(self.section("What it does").split())
        return re.split(r"(?<=\.)\s", text, maxsplit=1)[0]

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

    pair = True

    def check_pair(self, start: object, stop: object) -> Iterator[Finding]:
        raise NotImplementedError


class TreeRule(SummaryRule):
    """Compares the files of one cluster (``summaries``: display path -> summary); a tree of
    several clusters is checked one cluster at a time (sogen.lint.engine.cluster_of)."""

    tree = True

    def check_tree(self, summaries: dict[str, object]) -> Iterator[Finding]:
        raise NotImplementedError


class RegistryRule(Rule):
    """A rule on registry patches (.reg); ``check`` gets a :class:`sogen.lint.context.RegContext`."""

    language = REGISTRY


class TopologyRule(Rule):
    """Checks a file against the topology (``sogen lint --topology``).

    ``check_topology`` gets the file's context (batch, registry or plain text),
    the topology, and the index of the failover group the file belongs to.
    """

    language = TOPOLOGY

    def check(self, ctx) -> Iterable[Finding]:
        return ()

    def check_topology(self, ctx, topology, group_index: int) -> Iterator[Finding]:
        raise NotImplementedError


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
