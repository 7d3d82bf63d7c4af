"""What a failover group runs: each product of the topology read against the catalogue
(its identifiers, dependencies and start/stop actions), and their start order.

The checks (unique names, dependency cycles), the lint rules that compare scripts with
the topology and the generator's plan all read the group through here. Nothing here
knows a product by its model class: what differs between products is catalogue data.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from sogen.catalogue import Action, Product, load_catalogue

CUSTOM = "custom"


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
    also_services: tuple[str, ...] = ()  # services it starts besides its own (Oracle's TNS listener)
    instance: int = 1  # which of the catalogue's instances it is


class DependencyCycle(Exception):
    def __init__(self, names: list[str], loc: tuple):
        super().__init__(" -> ".join(names))
        self.names = names
        self.loc = loc


def product_key(product) -> str:
    """What depends_on names a product by: its type, or a custom product's name."""
    return product.name if product.type == CUSTOM else product.type


def instance_number(group_index: int) -> int:
    """Group 1 runs StarOffice instance 1, group 2 instance 2 (section 1.2.2)."""
    return group_index + 1


def _product_instance(entry: Product, t, group_index: int) -> int:
    """The instance of ``entry`` group ``group_index`` runs: by group, or, for a product
    numbered by occurrence, one more than the groups before it that run the product."""
    if entry.instances_by == "group":
        return instance_number(group_index)
    earlier = [group for group in t.groups[:group_index] if group is not None]  # None: failed validation
    return 1 + sum(any(p.type == entry.id for p in group.products) for group in earlier)


def _render(actions, values: dict) -> tuple[Action, ...]:
    """The actions with their placeholders filled: a ``requires`` option unset drops an action,
    an ``each`` option repeats it for every item."""
    lines: list[Action] = []
    for action in actions:
        if action.requires is not None and values.get(action.requires) is None:
            continue
        items = values[action.each] if action.each else [None]
        lines += [Action(action.run.format(**values, item=item), action.when) for item in items]
    return tuple(lines)


def _settling(actions, settle_seconds: str):
    """Stop actions; with db_settle_seconds 0, without the ARMSLEEP."""
    return [a for a in actions if settle_seconds != "0" or "{settle_seconds}" not in a.run]


def _planned(entry: Product, product, number: int, values: dict, settle: str, loc: tuple) -> PlannedProduct:
    """A catalogue product as instance ``number`` of a group runs it. ``product`` is the
    topology entry that names it (for a product chosen by an option, the chooser's)."""
    inst = entry.instance(number)
    identifiers = {"watch_id": inst.watch_id, "service": inst.service.format(**values), "registry_sync": inst.registry_sync}
    for name, option in entry.overridden_by.items():
        value = getattr(product, option)
        if value:
            identifiers[name] = (value,) if name == "registry_sync" else value
    values = {**values, "watch_id": identifiers["watch_id"] or "", "service": identifiers["service"]}
    return PlannedProduct(
        key=entry.id,
        title=entry.title,
        depends_on=tuple(getattr(product, d) if d in entry.roles(load_catalogue()) else d for d in entry.depends_on),
        start=_render(entry.start + entry.also_start, values),
        stop=_render(_settling(entry.stop, settle), values),
        rank=entry.rank,
        loc=loc,
        also_services=tuple(service.format(**values) for service in entry.also_services),
        instance=number,
        **identifiers,
    )


def group_products(t, group_index: int) -> list[PlannedProduct]:
    """The products of a group, in declaration order; a product chosen by an option (WorkFlow's
    database) comes just before the product that chooses it."""
    catalogue = load_catalogue()
    group = t.groups[group_index]
    number = instance_number(group_index)
    settle = str(t.settings.db_settle_seconds)
    planned: list[PlannedProduct] = []
    for p, product in enumerate(group.products):
        loc = ("groups", group_index, "products", p)
        if product.type == CUSTOM:
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
        values = {name: getattr(product, option) for name, option in entry.options.items()}
        values["settle_seconds"] = settle
        for role in entry.roles(catalogue):
            chosen = catalogue.product(getattr(product, role))
            planned.append(_planned(chosen, product, number, values, settle, loc + (role,)))
        planned.append(_planned(entry, product, _product_instance(entry, t, group_index), values, settle, loc))
    return planned


def dependency_order(products: list[PlannedProduct]) -> list[PlannedProduct]:
    """Topological order of the dependencies; catalogue order breaks ties.

    Databases come first, then StarOffice, then what needs it (section 3.2).
    """
    by_key: dict[str, PlannedProduct] = {}
    for product in products:  # a product listed twice is check_products' finding: ordered once
        by_key.setdefault(product.key, product)
    products = list(by_key.values())
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


def start_order(t, group_index: int) -> list[PlannedProduct]:
    return dependency_order(group_products(t, group_index))
