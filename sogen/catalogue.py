"""The product catalogue, loaded from ``catalogue.toml``.

Plain frozen dataclasses (no pydantic) so that the linter can load it without
paying for the topology model's imports.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

DATABASE_ROLE = "database"
# A catalogue file to read instead of the packaged one (a site's products, tests).
CATALOGUE_VARIABLE = "SOGEN_CATALOGUE"
MAX_CATALOGUE_BYTES = 1024 * 1024


class CatalogueError(Exception):
    """The file SOGEN_CATALOGUE names is no catalogue sogen can read (the message says why)."""


@dataclass(frozen=True)
class Action:
    """One batch line of a start or stop sequence, with {placeholders}."""

    run: str
    # None: on every path; "other": only when ARMS_SERVER=OTHER.
    when: str | None = None
    each: str | None = None  # one line per item ({item}) of this list option
    requires: str | None = None  # only when this option is set


@dataclass(frozen=True)
class Instance:
    """A product's identifiers for one StarOffice instance (1 or 2)."""

    service: str
    watch_id: str | None = None
    registry_sync: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductFile:
    """A file a product adds to its group's folder: a template and where the file goes."""

    name: str
    template: str
    role: str


@dataclass(frozen=True)
class Recovery:
    """What `sogen import` reads back from a line into a topology option."""

    option: str
    form: str  # "service", "scripts", "name" or "path" (catalogue.toml says what each reads)


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    kind: str  # "arm" (ARMLOAD/ARMKILL) or "database" (net start/stop)
    chapter: str
    multi_standby: bool
    depends_on: tuple[str, ...]
    start: tuple[Action, ...]
    stop: tuple[Action, ...]
    instances: tuple[Instance, ...]
    rank: int = 0
    also_services: tuple[str, ...] = ()
    # multi_standby says whether group 2 of a multi standby cluster may run it;
    # single_standby_only keeps it out of a multi standby cluster altogether.
    single_standby_only: bool = False
    also_start: tuple[Action, ...] = ()
    # placeholder -> the field of the product's topology entry that fills it
    options: dict[str, str] = field(default_factory=dict, hash=False)
    # instance identifier (watch_id, service, registry_sync) -> topology field that replaces it
    overridden_by: dict[str, str] = field(default_factory=dict, hash=False)
    tools: tuple[str, ...] = ()  # regexes of its own programs, lower case
    tool_scripts: dict[str, str] = field(default_factory=dict, hash=False)  # script name (lower case) -> phase
    files: tuple[ProductFile, ...] = ()
    recover: dict[str, Recovery] = field(default_factory=dict, hash=False)  # placeholder -> option
    # "group": group N runs instance N (StarOffice's environments, 1.2.2); "occurrence":
    # the Nth group that runs the product runs instance N (FormServer).
    instances_by: str = "group"

    def instance(self, number: int) -> Instance:
        """Identifiers for StarOffice instance ``number``; single-instance products have one."""
        return self.instances[min(number, len(self.instances)) - 1]

    def roles(self, catalogue: Catalogue) -> tuple[str, ...]:
        """Names in depends_on that are options choosing a product (WorkFlow's database), not products."""
        return tuple(d for d in self.depends_on if d not in catalogue.products)


@dataclass(frozen=True)
class Addon:
    id: str
    title: str
    multi_standby: bool
    icon_command: str | None = None


# alenvN.bat: the environment of StarOffice instance N (section 1.2.2), by its file name.
ALENV_NAME = re.compile(r"alenv(\d)\.(bat|cmd)$", re.I)


@dataclass(frozen=True)
class InstanceEnv:
    """The alenvN.bat values that are fixed per instance (section 1.2.2)."""

    number: int
    alproc: str
    alsocket: str


@dataclass(frozen=True)
class Catalogue:
    products: dict[str, Product]
    addons: dict[str, Addon]
    instance_envs: dict[int, InstanceEnv]
    default_start: tuple[Action, ...] = field(default=())
    default_stop: tuple[Action, ...] = field(default=())

    def product(self, product_id: str) -> Product:
        return self.products[product_id]

    def databases(self) -> list[Product]:
        return [p for p in self.products.values() if p.kind == DATABASE_ROLE]

    def needs(self, dependant: str, dependency: str) -> bool:
        """Does product ``dependant`` depend on product ``dependency`` (any database, for
        WorkFlow's "database")?"""
        wanted = self.products[dependant].depends_on if dependant in self.products else ()
        other = self.products.get(dependency)
        return dependency in wanted or (DATABASE_ROLE in wanted and other is not None and other.kind == DATABASE_ROLE)

    @cached_property
    def _tools(self) -> list[tuple[re.Pattern, Product]]:
        return [(re.compile(tool), product) for product in self.products.values() for tool in product.tools]

    def tool_product(self, program: str) -> Product | None:
        """The product a program (lower case, no folder or extension) belongs to, from its `tools`."""
        return next((product for pattern, product in self._tools if pattern.fullmatch(program)), None)

    def file_role(self, name: str) -> str | None:
        """Where a product's file goes, as its catalogue entry says."""
        return next((f.role for p in self.products.values() for f in p.files if f.name == name), None)

    @cached_property
    def by_watch_id(self) -> dict[str, tuple[Product, int]]:
        """Watch ID -> (product, instance number), for mapping script lines back."""
        found: dict[str, tuple[Product, int]] = {}
        for product in self.products.values():
            for number, inst in enumerate(product.instances, start=1):
                if inst.watch_id and inst.watch_id not in found:
                    found[inst.watch_id] = (product, number)
        return found

    @cached_property
    def by_service(self) -> dict[str, tuple[Product, int]]:
        """Service name (lower case) -> (product, instance number), for names without placeholders."""
        found: dict[str, tuple[Product, int]] = {}
        for product in self.products.values():
            for number, inst in enumerate(product.instances, start=1):
                if "{" not in inst.service:
                    found.setdefault(inst.service.lower(), (product, number))
            for service in product.also_services:
                found.setdefault(service.lower(), (product, 1))
        return found

    def identify_service(self, name: str) -> tuple[Product, int] | None:
        """The product (and instance) a service name belongs to; templated names
        such as OracleService{sid} match any value of the placeholder."""
        known = self.by_service.get(name.lower())
        if known:
            return known
        for product in self.products.values():
            for number, inst in enumerate(product.instances, start=1):
                if "{" in inst.service and _template_regex(inst.service).fullmatch(name):
                    return product, number
        return None

    @cached_property
    def instance_specific_ids(self) -> dict[str, tuple[str, int]]:
        """Watch IDs and service names (lower case) that belong to one StarOffice instance only:
        identifier -> (product id, instance number). The rest are shared or single-instance,
        or of a product numbered by occurrence (a cluster's one FormServer may run in group 2)."""
        result: dict[str, tuple[str, int]] = {}
        for product in self.products.values():
            if len(product.instances) < 2 or product.instances_by != "group":
                continue
            for number, inst in enumerate(product.instances, start=1):
                others = [o for n, o in enumerate(product.instances, start=1) if n != number]
                if inst.watch_id and all(inst.watch_id != o.watch_id for o in others):
                    result[inst.watch_id.lower()] = (product.id, number)
                if all(inst.service != o.service for o in others):
                    result[inst.service.lower()] = (product.id, number)
        return result


@cache
def _template_regex(template: str):
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(r"\w+".join(re.escape(p) for p in parts), re.I)


def template_values(template: str, text: str) -> dict[str, str] | None:
    """The placeholders of ``template`` (OracleService{sid}) read back from ``text``, or None."""
    names = re.findall(r"\{([a-z_]+)\}", template)
    parts = re.split(r"\{[a-z_]+\}", template)
    regex = "".join(re.escape(part) + (rf"(?P<{name}>\w+)" if i < len(names) else "")
                    for i, (part, name) in enumerate(zip(parts, names + [""])))
    match = re.fullmatch(regex, text, re.I)
    return match.groupdict() if match else None


def _actions(raw: list[dict]) -> tuple[Action, ...]:
    return tuple(Action(a["run"], a.get("when"), a.get("each"), a.get("requires")) for a in raw)


def parse_catalogue(text: str) -> Catalogue:
    data = tomllib.loads(text)
    default_start = _actions(data["defaults"]["start"])
    default_stop = _actions(data["defaults"]["stop"])
    products: dict[str, Product] = {}
    for rank, raw in enumerate(data["product"]):
        products[raw["id"]] = Product(
            id=raw["id"],
            title=raw["title"],
            kind=raw["kind"],
            chapter=raw["chapter"],
            multi_standby=raw["multi_standby"],
            depends_on=tuple(raw["depends_on"]),
            start=_actions(raw["start"]) if "start" in raw else default_start,
            stop=_actions(raw["stop"]) if "stop" in raw else default_stop,
            instances=tuple(
                Instance(
                    service=i["service"],
                    watch_id=i.get("watch_id"),
                    registry_sync=tuple(i.get("registry_sync", ())),
                )
                for i in raw["instances"]
            ),
            rank=rank,
            also_services=tuple(raw.get("also_services", ())),
            single_standby_only=raw.get("single_standby_only", False),
            also_start=_actions(raw.get("also_start", [])),
            options=dict(raw.get("options", {})),
            overridden_by=dict(raw.get("overridden_by", {})),
            tools=tuple(raw.get("tools", ())),
            tool_scripts={name.lower(): phase for name, phase in raw.get("tool_scripts", {}).items()},
            files=tuple(ProductFile(f["name"], f["template"], f["role"]) for f in raw.get("files", ())),
            recover={name: Recovery(r["option"], r["form"]) for name, r in raw.get("recover", {}).items()},
            instances_by=raw.get("instances_by", "group"),
        )
    addons = {
        a["id"]: Addon(a["id"], a["title"], a["multi_standby"], a.get("icon_command"))
        for a in data["addon"]
    }
    envs = {
        int(n): InstanceEnv(int(n), v["alproc"], v["alsocket"]) for n, v in data["instances"].items()
    }
    return Catalogue(products, addons, envs, default_start, default_stop)


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, or the file ``SOGEN_CATALOGUE`` names."""
    other = os.environ.get(CATALOGUE_VARIABLE)
    if other:
        return _site_catalogue(other)
    text = resources.files("sogen").joinpath("catalogue.toml").read_text(encoding="utf-8")
    return parse_catalogue(text)


def _site_catalogue(path: str) -> Catalogue:
    """The catalogue a site keeps (SOGEN_CATALOGUE): read as any input is, and refused
    with the file, the place and the reason when it is not one."""
    from sogen.i18n import _
    from sogen.textio import UnreadableFile, read_regular

    def refuse(reason: str) -> CatalogueError:
        return CatalogueError(f"{CATALOGUE_VARIABLE}={path}: {reason}")

    try:
        text = read_regular(path, MAX_CATALOGUE_BYTES).decode("utf-8-sig")  # a BOM (Notepad) is no TOML
    except UnreadableFile as exc:
        raise refuse(exc.reason) from None
    except UnicodeDecodeError:
        raise refuse(_("is not UTF-8 text")) from None
    try:
        return parse_catalogue(text)
    except tomllib.TOMLDecodeError as exc:
        raise refuse(_("invalid TOML: {reason}").format(reason=exc)) from None
    except KeyError as exc:
        raise refuse(_("is not a product catalogue: an entry lacks the key {key}").format(key=exc)) from None
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise refuse(_("is not a product catalogue: {reason}").format(reason=exc)) from None
