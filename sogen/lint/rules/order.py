"""SO401-SO403: products start after, and stop before, what they depend on.

Everything about products comes from the catalogue: which product depends on
which ("database" stands for any database product), and the order of a
product's own start and stop lines (Oracle: instance service, listener,
startup; the reverse to stop).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sogen.i18n import N_, _
from sogen.catalogue import DATABASE_ROLE, Action, Product, load_catalogue
from sogen.lint.context import FileContext
from sogen.lint.rules.base import ERROR, WARNING, Finding, Rule, one_per_line, register

START_PHASE, STOP_PHASE = "start", "stop"


def _template_regex(run: str) -> re.Pattern:
    """A catalogue line as a pattern: placeholders match anything, quotes are optional."""
    parts = re.split(r"(\{\w+\})", run.strip())
    regex = []
    for part in parts:
        if part.startswith("{"):
            regex.append(r".+?")
        else:
            literal = re.escape(part.replace('"', ""))
            regex.append(re.sub(r"(\\ )+", r'"?\\s+"?', literal))
    return re.compile('"?' + "".join(regex) + '"?', re.I)


@dataclass(frozen=True)
class Step:
    """Where a script line sits in its product's catalogue sequence."""

    index: int
    literal: int  # characters of the template that are not placeholders: the more, the more specific
    pattern: re.Pattern


class Dependencies:
    def __init__(self):
        catalogue = self.catalogue = load_catalogue()
        self.products = catalogue.products
        self.steps = {
            (product.id, phase): self._steps(actions)
            for product in self.products.values()
            for phase, actions in ((START_PHASE, product.start), (STOP_PHASE, product.stop))
        }

    @staticmethod
    def _steps(actions: tuple[Action, ...]) -> list[Step]:
        steps = [Step(i, len(re.sub(r"\{\w+\}", "", a.run)), _template_regex(a.run)) for i, a in enumerate(actions)]
        return sorted(steps, key=lambda s: -s.literal)

    def dependencies(self, product: str) -> tuple[str, ...]:
        return self.products[product].depends_on if product in self.products else ()

    def satisfies(self, product: str, dependency: str) -> bool:
        found = self.products.get(product)
        return product == dependency or (
            dependency == DATABASE_ROLE and found is not None and found.kind == DATABASE_ROLE
        )

    @functools.lru_cache(maxsize=4096)  # noqa: B019  (one instance, kept for the whole run)
    def step(self, product: str, phase: str, text: str) -> int | None:
        """The index of ``text`` in the product's catalogue start or stop lines."""
        line = " ".join(text.split())
        for step in self.steps.get((product, phase), ()):
            if step.pattern.fullmatch(line):
                return step.index
        return None

    def describe(self, dependency: str) -> str:
        if dependency == DATABASE_ROLE:
            return _("its database ({products})").format(
                products=_(" or ").join(p.title for p in self.products.values() if p.kind == DATABASE_ROLE)
            )
        product: Product | None = self.products.get(dependency)
        return product.title if product else dependency


@functools.cache
def dependencies() -> Dependencies:
    return Dependencies()


def name_of(action) -> str:
    """How the script names what an action starts or stops: a watch ID or a service."""
    return action.target or action.text.strip()


class OrderRule(Rule):
    """Both directions: ``phase`` actions must come after (start) or before (stop) their dependants."""

    phase: str
    # The messages: a product's own steps out of order; two products out of order.
    own_message: str
    other_message: str

    @one_per_line
    def check(self, ctx: FileContext) -> Iterator[Finding]:
        deps = dependencies()
        for result in ctx.distinct_paths:
            # Only the first time a product, or a step of it, runs counts: a repeat (a section
            # run twice through a fall-through, SO103/SO306) does not put it out of order.
            first_steps: dict[tuple[str, int | None], object] = {}
            for action in result.actions:
                if action.phase == self.phase and action.product:
                    first_steps.setdefault((action.product, deps.step(action.product, self.phase, action.text)), action)
            products_seen: set[str] = set()
            steps = []  # (product, step, is the product's first action, action), in path order
            for (product, step), action in first_steps.items():
                steps.append((product, step, product not in products_seen, action))
                products_seen.add(product)
            # What runs after the current action, nearest last: products by their first action, steps.
            later_products: dict[str, object] = {}
            later_steps: dict[str, dict[int, object]] = {}
            for product, step, first_of_product, action in reversed(steps):
                conflict = self.conflict(deps, product, step, later_products, later_steps.get(product, {}))
                if first_of_product:
                    later_products[product] = action
                if step is not None:
                    later_steps.setdefault(product, {})[step] = action
                if conflict is not None:
                    yield self.finding(ctx, action.stmt.span, self.message(deps, action, conflict))

    def conflict(self, deps: Dependencies, product: str, step: int | None, later_products: dict, later_steps: dict):
        """The nearest later action that should have run before this one."""
        candidates = [a for p, a in later_products.items() if p != product and self.must_precede(deps, p, product)]
        if step is not None:
            candidates += [a for other, a in later_steps.items() if other < step]
        return min(candidates, key=lambda a: (a.stmt.span.line, a.stmt.span.column)) if candidates else None

    def must_precede(self, deps: Dependencies, first: str, second: str) -> bool:
        raise NotImplementedError

    def message(self, deps: Dependencies, action, conflict) -> str:
        if conflict.product == action.product:
            return _(self.own_message).format(
                action=action.text.strip(),
                conflict=conflict.text.strip(),
                line=conflict.stmt.span.line,
                product=deps.describe(action.product),
            )
        return _(self.other_message).format(early=name_of(action), late=name_of(conflict), line=conflict.stmt.span.line)


@register
class StopOrder(OrderRule):
    """
    ## What it does
    Checks that a product stops only after the products that depend on it. On every
    path; a product's own stop lines also keep the catalogue's order (Oracle:
    instance shutdown, then the listener, then the service).

    ## Why it matters in a cluster
    WorkFlow and MailGateway talk to StarOffice, and WorkFlow to its database,
    until they stop. Stopping StarOffice or the database first makes them fail
    mid-transaction: WorkFlow loses the documents in flight and can leave its
    database inconsistent on the switched partition, which the other node then
    inherits. Revision 5 of the guide corrected exactly this order for Oracle.

    ## Example
    ```batch
    ARMKILL StarOffice
    ARMKILL WorkFlow
    net stop "MSSQLServer"
    ```

    ## Use instead
    ```batch
    ARMKILL WorkFlow
    ARMKILL StarOffice
    net stop "MSSQLServer"
    ```

    ## Fix
    Not automatic: stop the dependants first, in the reverse of the start order.
    """

    code = "SO401"
    name = "stop-order"
    severity = ERROR
    phase = STOP_PHASE
    own_message = N_("{action} runs before {conflict} (line {line}); {product} stops in the reverse order")
    other_message = N_("{early} stops before {late} (line {line}), which depends on it; stop {late} first")

    def must_precede(self, deps: Dependencies, first: str, second: str) -> bool:
        return deps.catalogue.needs(first, second)  # a dependant stops before what it needs


@register
class StartOrder(OrderRule):
    """
    ## What it does
    Checks that a product starts only after the products it depends on. On every
    path; a product's own start lines also keep the catalogue's order (Oracle: the
    service, the listener, then the instance startup).

    ## Why it matters in a cluster
    MailGateway and WorkFlow connect to StarOffice when they start, and WorkFlow
    to its database. Started first, they fail to connect: the service stops, ARM
    sees a watched service die and fails the group over, on the next node the same
    happens, and the group ends up down everywhere.

    ## Example
    ```batch
    ARMLOAD WorkFlow /S /M "WWF Server"
    net start "MSSQLServer"
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    net start "MSSQLServer"
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ARMLOAD WorkFlow /S /M "WWF Server"
    ```

    ## Fix
    Not automatic: start the database first, then StarOffice, then the products
    that need it.
    """

    code = "SO402"
    name = "start-order"
    severity = ERROR
    phase = START_PHASE
    own_message = N_("{action} runs before {conflict} (line {line}); {product} starts in the catalogue's order")
    other_message = N_("{early} starts before {late} (line {line}), which it needs; start {late} first")

    def must_precede(self, deps: Dependencies, first: str, second: str) -> bool:
        return deps.catalogue.needs(second, first)  # a dependency starts before its dependant


@register
class MissingDependency(Rule):
    """
    ## What it does
    Checks that a path that starts a product also starts what it depends on.
    StarOffice for MailGateway and WorkFlow, the database (SQL Server or Oracle)
    for WorkFlow; any StarOffice instance satisfies "needs StarOffice".

    ## Why it matters in a cluster
    The guide puts a product and everything it depends on into one failover group:
    they must move together. A start path that forgets one (often on the
    `ARMS_SERVER=OTHER` branch, copied from an older version of the script) brings
    the product up on a node where its dependency is not running; it fails, and
    ARM fails the group over again.

    ## Example
    ```batch
    :ON_OTHER1
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ARMLOAD WorkFlow /S /M "WWF Server"
    GOTO EXIT
    ```

    ## Use instead
    ```batch
    :ON_OTHER1
    net start "MSSQLServer"
    ARMLOAD StarOffice /S /M "StarOffice Server"
    ARMLOAD WorkFlow /S /M "WWF Server"
    GOTO EXIT
    ```

    ## Fix
    Not automatic: start the dependency on that path, before the product.
    """

    code = "SO403"
    name = "missing-dependency"
    severity = WARNING

    @one_per_line
    def check(self, ctx: FileContext) -> Iterator[Finding]:
        deps = dependencies()
        for result in ctx.distinct_paths:
            combination = result.combination
            starts = [a for a in result.actions if a.phase == START_PHASE and a.product]
            started = {a.product for a in starts}
            for action in starts:
                for dependency in deps.dependencies(action.product):
                    if any(deps.satisfies(p, dependency) for p in started):
                        continue
                    yield self.finding(
                        ctx,
                        action.stmt.span,
                        _(
                            "{name} starts on the {combination} path, which never starts "
                            "{dependency}; start it first on that path"
                        ).format(name=name_of(action), combination=combination, dependency=deps.describe(dependency)),
                    )
