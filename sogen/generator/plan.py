"""One plan per failover group, built once and handed to every renderer.

The plan says what the group runs, in which order, with which batch lines,
instance environment, synced keys and product files. The templates only lay it
out; artifacts.py, runbook.py and diagram.py read it and decide nothing about
products or their order. What a product is comes from the catalogue, through
:mod:`sogen.topology.products`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sogen.batch.events import DIALECTS, Dialect
from sogen.catalogue import ProductFile, load_catalogue
from sogen.topology.products import PlannedProduct, dependency_order, group_products, instance_number, product_key

# The product whose instance has an environment of its own (alenvN.bat, section 1.2.2).
STAROFFICE = "staroffice-server"


@dataclass(frozen=True)
class InstanceEnvironment:
    """What alenvN.bat and backup.bat set for one StarOffice instance."""

    number: int
    alroot: str
    service: str
    watch_id: str
    alproc: str
    alsocket: str


@dataclass(frozen=True)
class PlannedFile:
    """A file a product's catalogue entry adds to the group: rendered with ``context``."""

    name: str
    template: str
    context: dict


@dataclass(frozen=True)
class GroupPlan:
    index: int
    number: int  # the StarOffice instance the group runs
    group: object
    products: tuple[PlannedProduct, ...]  # start order, databases included
    entries: dict  # catalogue id -> the topology's entry for it (the chooser's, for a chosen product)
    env: InstanceEnvironment | None  # when the group runs StarOffice server
    sync_keys: tuple[str, ...]
    files: tuple[PlannedFile, ...]

    @property
    def stopping(self) -> tuple[PlannedProduct, ...]:
        return tuple(reversed(self.products))

    def entry(self, product_id: str):
        """The topology's entry for a catalogue product the group runs, or None."""
        return self.entries.get(product_id)

    def planned(self, key: str) -> PlannedProduct | None:
        return next((p for p in self.products if p.key == key), None)

    def lines(self, phase: str, path: str) -> list[str]:
        """The batch lines of ``phase`` ("start" or "stop") on ``path`` ("home" or "other")."""
        products = self.products if phase == "start" else self.stopping
        return [action.run for product in products for action in getattr(product, phase) if action.when in (None, path)]

    @property
    def names(self) -> list[str]:
        """The group's products as the topology names them, in declaration order."""
        return [product_key(p) for p in self.group.products]


def event_variables(t) -> Dialect:
    """The names the start and stop scripts read the cluster event by (settings.dialect)."""
    return DIALECTS[t.settings.dialect]


def _environment(t, group_index: int, staroffice: PlannedProduct) -> InstanceEnvironment:
    number = instance_number(group_index)
    fixed = load_catalogue().instance_envs[number]
    alroot = t.groups[group_index].alroot or ""
    return InstanceEnvironment(number, alroot, staroffice.service, staroffice.watch_id or "", fixed.alproc, fixed.alsocket)


def _files(t, group, entries: dict) -> tuple[PlannedFile, ...]:
    catalogue = load_catalogue()
    files: list[PlannedFile] = []
    for product_id, product in entries.items():
        declared: tuple[ProductFile, ...] = catalogue.product(product_id).files
        fields = product.model_dump() if hasattr(product, "model_dump") else {}
        files += [PlannedFile(f.name, f.template, {**fields, "group": group, "cluster": t.cluster}) for f in declared]
    return tuple(files)


def plan_group(t, group_index: int) -> GroupPlan:
    catalogue = load_catalogue()
    group = t.groups[group_index]
    products = tuple(dependency_order(group_products(t, group_index)))
    entries: dict = {}
    for product in group.products:
        if product.type in catalogue.products:
            entries.setdefault(product.type, product)
            for role in catalogue.product(product.type).roles(catalogue):
                entries.setdefault(getattr(product, role), product)
    staroffice = next((p for p in products if p.key == STAROFFICE), None)
    return GroupPlan(
        index=group_index,
        number=instance_number(group_index),
        group=group,
        products=products,
        entries=entries,
        env=_environment(t, group_index, staroffice) if staroffice else None,
        sync_keys=tuple(key for product in products for key in product.registry_sync),
        files=_files(t, group, entries),
    )


def plan_cluster(t) -> tuple[GroupPlan, ...]:
    """Every group's plan, in the topology's order."""
    return tuple(plan_group(t, g) for g in range(len(t.groups)))
