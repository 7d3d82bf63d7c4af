"""Rules that relate fields of a topology to each other.

Each check yields ``(loc, message)``; :func:`check_topology` turns them into
positioned problems so that ``sogen validate`` reports all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterator

from sogen.catalogue import load_catalogue
from sogen.topology.document import LoadedDocument, Loc, Problem
from sogen.topology.model import CustomProduct, StarOfficeServer, Topology, WorkFlow

Finding = tuple[Loc, str]

# Products that need StarOffice server running in their own group.
NEEDS_STAROFFICE = ("mailgateway-smtp", "workflow")


def product_key(product) -> str:
    """What depends_on names a product by: its type, or a custom product's name."""
    return product.name if isinstance(product, CustomProduct) else product.type


def check_mode(t: Topology) -> Iterator[Finding]:
    wanted = 1 if t.cluster.mode == "single-standby" else 2
    if len(t.groups) != wanted:
        yield ("groups",), (
            f"a {t.cluster.mode} cluster has exactly {wanted} failover group{'s' if wanted > 1 else ''}, "
            f"this file has {len(t.groups)}"
        )


def check_nodes(t: Topology) -> Iterator[Finding]:
    seen_names: dict[str, int] = {}
    seen_ips: dict[str, int] = {}
    for i, node in enumerate(t.cluster.nodes):
        for label, value, seen, key in (
            ("name", node.name.lower(), seen_names, "name"),
            ("IP address", node.ip, seen_ips, "ip"),
        ):
            if value in seen:
                yield ("cluster", "nodes", i, key), f"{label} {getattr(node, key)!r} is already used by nodes[{seen[value]}]"
            else:
                seen[value] = i


def check_policies(t: Topology) -> Iterator[Finding]:
    names = {n.name.lower() for n in t.cluster.nodes}
    listing = ", ".join(n.name for n in t.cluster.nodes)
    for g, group in enumerate(t.groups):
        seen: set[str] = set()
        for p, name in enumerate(group.policy):
            loc = ("groups", g, "policy", p)
            if name.lower() not in names:
                yield loc, f"node {name!r} is not in cluster.nodes (nodes: {listing})"
            elif name.lower() in seen:
                yield loc, f"node {name!r} appears twice in the failover policy"
            seen.add(name.lower())
    if t.cluster.mode == "multi-standby" and len(t.groups) == 2:
        first, second = (grp.policy[0].lower() for grp in t.groups)
        if first == second:
            yield ("groups", 1, "policy", 0), (
                "in multi standby each node is active for one group: group 2 must start on "
                f"a different node than group 1 ({t.groups[0].policy[0]})"
            )


def check_virtual_addresses(t: Topology) -> Iterator[Finding]:
    node_ips = {n.ip: n.name for n in t.cluster.nodes}
    node_names = {}
    for n in t.cluster.nodes:
        node_names.setdefault(n.name.lower(), n.name)
        node_names.setdefault(n.real_hostname.lower(), n.name)
    seen_ips: dict[str, str] = {}
    seen_hosts: dict[str, str] = {}
    for g, group in enumerate(t.groups):
        if group.virtual_ip in node_ips:
            yield ("groups", g, "virtual_ip"), f"{group.virtual_ip} is the real IP of node {node_ips[group.virtual_ip]}; a virtual IP must be an unused address"
        elif group.virtual_ip in seen_ips:
            yield ("groups", g, "virtual_ip"), f"{group.virtual_ip} is already the virtual IP of group {seen_ips[group.virtual_ip]!r}"
        seen_ips.setdefault(group.virtual_ip, group.name)
        host = group.virtual_host.lower()
        if host in node_names:
            yield ("groups", g, "virtual_host"), (
                f"{group.virtual_host!r} is the name of node {node_names[host]}; the virtual host name "
                "must differ from every real computer name"
            )
        elif host in seen_hosts:
            yield ("groups", g, "virtual_host"), f"{group.virtual_host!r} is already the virtual host name of group {seen_hosts[host]!r}"
        seen_hosts.setdefault(host, group.name)


def check_group_names(t: Topology) -> Iterator[Finding]:
    seen: set[str] = set()
    for g, group in enumerate(t.groups):
        if group.name.lower() in seen:
            yield ("groups", g, "name"), f"group name {group.name!r} is used twice (it names the output folder)"
        seen.add(group.name.lower())


def check_partitions(t: Topology) -> Iterator[Finding]:
    owner: dict[str, str] = {}
    for g, group in enumerate(t.groups):
        for p, drive in enumerate(group.partitions):
            loc = ("groups", g, "partitions", p)
            if drive in owner and owner[drive] == group.name:
                yield loc, f"drive {drive}: is listed twice"
            elif drive in owner:
                yield loc, f"drive {drive}: is already a switched partition of group {owner[drive]!r}; a partition moves with one group only"
            owner.setdefault(drive, group.name)


def _drive_of(path: str) -> str:
    return path[0].upper()


def _on_partition(group, loc: "Loc", path: str, what: str) -> Iterator[Finding]:
    if _drive_of(path) not in group.partitions:
        drives = ", ".join(f"{d}:" for d in group.partitions)
        yield loc, f"{what} {path} is not on a switched partition of group {group.name!r} ({drives}); it would not move on failover"


def check_install_roots(t: Topology) -> Iterator[Finding]:
    for g, group in enumerate(t.groups):
        has_staroffice = any(isinstance(p, StarOfficeServer) for p in group.products)
        if group.alroot is None:
            if has_staroffice:
                yield ("groups", g, "alroot"), "is required when the group runs staroffice-server (the install root on a switched partition, e.g. D:\\SO)"
            continue
        yield from _on_partition(group, ("groups", g, "alroot"), group.alroot, "install root")
        for p, product in enumerate(group.products):
            for w, workdir in enumerate(getattr(product, "workdirs", [])):
                yield from _on_partition(group, ("groups", g, "products", p, "workdirs", w), workdir, "working directory")


def check_products(t: Topology) -> Iterator[Finding]:
    catalogue = load_catalogue()
    multi = t.cluster.mode == "multi-standby"
    for g, group in enumerate(t.groups):
        keys = [product_key(p) for p in group.products]
        for p, product in enumerate(group.products):
            loc = ("groups", g, "products", p)
            key = product_key(product)
            if key in keys[:p]:
                yield loc, f"{key!r} is listed twice in group {group.name!r}"
            if product.type in NEEDS_STAROFFICE and "staroffice-server" not in keys:
                yield loc, f"{product.type} runs in the StarOffice server's group: add a staroffice-server product to group {group.name!r}"
            supports_multi = (
                product.multi_standby if isinstance(product, CustomProduct) else catalogue.product(product.type).multi_standby
            )
            if multi and g == 1 and not supports_multi:
                yield loc + ("type",), f"{key} does not support multi standby: in a multi standby cluster it runs in group 1 only"
            if isinstance(product, StarOfficeServer):
                for a, addon in enumerate(product.addons):
                    if multi and g == 1 and not catalogue.addons[addon].multi_standby:
                        yield loc + ("addons", a), f"{addon} does not support multi standby: install it on group 1's StarOffice only"
                    if addon in product.addons[:a]:
                        yield loc + ("addons", a), f"{addon} is listed twice"
            if isinstance(product, WorkFlow) and product.database == "oracle" and " " in product.script_dir:
                yield loc + ("sql_dir",), (
                    f"{product.script_dir!r} has a space; with Oracle it is written after command=@, "
                    "where it cannot be quoted"
                )
            if isinstance(product, WorkFlow) and product.procinfo is not None:
                if not multi:
                    yield loc + ("procinfo",), "is used only in a multi standby cluster (server 2's PROCINFO edits, section 3.4.1); remove it"
                elif not any(isinstance(q, StarOfficeServer) for q in t.groups[-1].products):
                    yield loc + ("procinfo",), "the PROCINFO edits belong to server 2: group 2 needs a staroffice-server product"
            if isinstance(product, CustomProduct):
                yield from _check_custom(product, loc, keys, catalogue)


def _check_custom(product: CustomProduct, loc: "Loc", keys: list[str], catalogue) -> Iterator[Finding]:
    if product.name in catalogue.products or product.name == "database":
        yield loc + ("name",), f"{product.name!r} is the name of a built-in product; choose another name"
    for d, dependency in enumerate(product.depends_on):
        if dependency == product.name:
            yield loc + ("depends_on", d), "a product cannot depend on itself"
        elif dependency not in keys and dependency != "database":
            yield loc + ("depends_on", d), f"{dependency!r} does not run in this group (products here: {', '.join(keys)})"


def check_watch_ids(t: Topology) -> Iterator[Finding]:
    """Watch IDs must be unique across the cluster: on failover one node runs both groups."""
    from sogen.generator.plan import group_products

    seen: dict[str, str] = {}
    for g, group in enumerate(t.groups):
        for planned in group_products(t, g):
            if planned.watch_id is None:
                continue
            where = f"group {group.name!r}"
            if planned.watch_id.lower() in seen:
                yield planned.loc, f"watch ID {planned.watch_id!r} is already used by {seen[planned.watch_id.lower()]}"
            else:
                seen[planned.watch_id.lower()] = f"{planned.key} in {where}"


def check_dependency_cycles(t: Topology) -> Iterator[Finding]:
    from sogen.generator.plan import DependencyCycle, start_order

    for g, _group in enumerate(t.groups):
        try:
            start_order(t, g)
        except DependencyCycle as cycle:
            yield cycle.loc, f"depends_on forms a cycle: {' -> '.join(cycle.names)}"


CHECKS = (
    check_mode,
    check_nodes,
    check_policies,
    check_virtual_addresses,
    check_group_names,
    check_partitions,
    check_install_roots,
    check_products,
    check_watch_ids,
    check_dependency_cycles,
)


def check_topology(t: Topology, doc: "LoadedDocument") -> list["Problem"]:
    problems = []
    for check in CHECKS:
        for loc, message in check(t):
            problems.append(doc.problem(loc, message))
    return problems
