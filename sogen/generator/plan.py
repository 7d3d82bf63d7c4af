"""What each failover group runs, in which order, with which batch lines.

The templates only lay these lines out; every decision about products,
order and values is made here from the catalogue and the topology.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace

from sogen.batch.events import DIALECTS, Dialect
from sogen.catalogue import DATABASE_ROLE, Action, Instance, load_catalogue
from sogen.topology.model import CustomProduct, FormServer, Topology, WorkFlow

PATHS = ("home", "other")


@dataclass(frozen=True)
class PlannedProduct:
    key: str  # catalogue id, or a custom product's name
    title: str
    watch_id: str | None
    service: str
    registry_sync: tuple[str, ...]
    depends_on: tuple[str, ...]
    start: tuple[Action, ...]
    stop: tuple[Action, ...]
    rank: int
    loc: tuple  # where the topology declares it (for error messages)


class DependencyCycle(Exception):
    def __init__(self, names: list[str], loc: tuple):
        super().__init__(" -> ".join(names))
        self.names = names
        self.loc = loc


def _render(actions, values: dict[str, str]) -> tuple[Action, ...]:
    return tuple(Action(a.run.format(**values), a.when) for a in actions)


def _settling(actions, settle_seconds: str):
    """A database's stop actions; with db_settle_seconds 0, without the ARMSLEEP."""
    return [a for a in actions if settle_seconds != "0" or "{settle_seconds}" not in a.run]


def instance_number(group_index: int) -> int:
    """Group 1 runs StarOffice instance 1, group 2 instance 2 (section 1.2.2)."""
    return group_index + 1


def _with_overrides(inst: Instance, product) -> Instance:
    """The catalogue's identifiers, with the ones the topology names instead (FormServer's, which the
    guide's lost chapter 4 leaves to sogen's choice)."""
    if not isinstance(product, FormServer):
        return inst
    return replace(
        inst,
        watch_id=product.watch_id or inst.watch_id,
        service=product.service or inst.service,
        registry_sync=(product.registry_key,) if product.registry_key else inst.registry_sync,
    )


def group_products(t: Topology, group_index: int) -> list[PlannedProduct]:
    """The products of a group, databases included, in declaration order."""
    catalogue = load_catalogue()
    group = t.groups[group_index]
    number = instance_number(group_index)
    settle = str(t.settings.db_settle_seconds)
    planned: list[PlannedProduct] = []
    for p, product in enumerate(group.products):
        loc = ("groups", group_index, "products", p)
        if isinstance(product, CustomProduct):
            values = {"watch_id": product.watch_id, "service": product.service}
            planned.append(
                PlannedProduct(
                    key=product.name,
                    title=product.title or product.name,
                    watch_id=product.watch_id,
                    service=product.service,
                    registry_sync=tuple(product.registry_sync),
                    depends_on=tuple(product.depends_on),
                    start=_render(catalogue.default_start, values),
                    stop=_render(catalogue.default_stop, values),
                    rank=len(catalogue.products) + p,
                    loc=loc,
                )
            )
            continue
        entry = catalogue.product(product.type)
        if isinstance(product, WorkFlow):
            database = catalogue.product(product.database)
            db_values = {
                "sid": product.oracle_sid,
                "sql_dir": product.script_dir,
                "isql": product.isql_command,
                "svrmgr": product.svrmgr,
                "settle_seconds": settle,
            }
            db_service = database.instance(number).service.format(**db_values)
            planned.append(
                PlannedProduct(
                    key=database.id,
                    title=database.title,
                    watch_id=None,
                    service=db_service,
                    registry_sync=(),
                    depends_on=(),
                    start=_render(database.start, {**db_values, "service": db_service}),
                    stop=_render(_settling(database.stop, settle), {**db_values, "service": db_service}),
                    rank=database.rank,
                    loc=loc + ("database",),
                )
            )
        inst = _with_overrides(entry.instance(number), product)
        values = {"watch_id": inst.watch_id or "", "service": inst.service}
        depends = tuple(
            (product.database if isinstance(product, WorkFlow) else d) if d == DATABASE_ROLE else d
            for d in entry.depends_on
        )
        planned.append(
            PlannedProduct(
                key=entry.id,
                title=entry.title,
                watch_id=inst.watch_id,
                service=inst.service,
                registry_sync=inst.registry_sync,
                depends_on=depends,
                start=_render(entry.start, values) + _online_shell_starts(product),
                stop=_render(entry.stop, values),
                rank=entry.rank,
                loc=loc,
            )
        )
    return planned


def _online_shell_starts(product) -> tuple[Action, ...]:
    """FormServer's online shells, when the topology starts them from the start script rather
    than with the service (4.2.1 step 3): one line per shell, after the service."""
    if not isinstance(product, FormServer) or product.online_shell_command is None:
        return ()
    return tuple(Action(f'"{product.online_shell_command}" "{title}"', None) for title in product.online_shells)


def start_order(t: Topology, group_index: int) -> list[PlannedProduct]:
    """Topological order of the dependencies; catalogue order breaks ties.

    Databases come first, then StarOffice, then what needs it (section 3.2).
    """
    products = group_products(t, group_index)
    by_key = {p.key: p for p in products}
    waiting = {p.key: {d for d in p.depends_on if d in by_key} for p in products}
    ready = [(p.rank, p.key) for p in products if not waiting[p.key]]
    heapq.heapify(ready)
    order: list[PlannedProduct] = []
    while ready:
        _, key = heapq.heappop(ready)
        order.append(by_key[key])
        for other, needs in waiting.items():
            if key in needs:
                needs.discard(key)
                if not needs:
                    heapq.heappush(ready, (by_key[other].rank, other))
    if len(order) < len(products):
        stuck = [p for p in products if waiting[p.key]]
        raise DependencyCycle([p.key for p in stuck] + [stuck[0].key], stuck[0].loc + ("depends_on",))
    return order


def stop_order(t: Topology, group_index: int) -> list[PlannedProduct]:
    return list(reversed(start_order(t, group_index)))


def event_variables(t: Topology) -> Dialect:
    """The names the start and stop scripts read the cluster event by (settings.dialect)."""
    return DIALECTS[t.settings.dialect]


def lines_for(products: list[PlannedProduct], phase: str, path: str) -> list[str]:
    """The batch lines of ``phase`` ("start" or "stop") on ``path`` ("home" or "other")."""
    return [
        action.run
        for product in products
        for action in getattr(product, phase)
        if action.when in (None, path)
    ]


@dataclass(frozen=True)
class InstanceEnvironment:
    """What alenvN.bat and backup.bat set for one StarOffice instance."""

    number: int
    alroot: str
    service: str
    watch_id: str
    alproc: str
    alsocket: str


def instance_environment(t: Topology, group_index: int) -> InstanceEnvironment:
    catalogue = load_catalogue()
    number = instance_number(group_index)
    inst = catalogue.product("staroffice-server").instance(number)
    fixed = catalogue.instance_envs[number]
    return InstanceEnvironment(
        number, t.groups[group_index].alroot or "", inst.service, inst.watch_id or "", fixed.alproc, fixed.alsocket
    )
