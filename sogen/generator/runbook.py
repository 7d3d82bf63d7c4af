"""RUNBOOK.md: the manual steps of the guide for this topology, values filled in."""

from __future__ import annotations

from dataclasses import dataclass

from sogen.catalogue import load_catalogue
from sogen.generator.diagram import mermaid
from sogen.generator.plan import GroupPlan, plan_cluster
from sogen.generator.rendering import ORACLE_SYSTEM_TABLES, file_role, render, translated
from sogen.topology.model import Topology
from sogen.topology.products import PlannedProduct


@dataclass(frozen=True)
class Step:
    """One manual step: what to do (the template words each ``kind``), where (a node, or None
    for the CLUSTERPRO manager) and the guide's section it comes from."""

    kind: str
    node: str | None
    section: str
    group: str
    instance: int | None = None  # the alenvN.bat its prompt runs first (multi standby)
    keys: tuple[str, ...] = ()  # registry synchronization keys it removes


@dataclass(frozen=True)
class Uninstall:
    """Uninstall in the order of sections 1.3, 3.3 and 3.4.1.3: WorkFlow and its database, then
    StarOffice only if its user data (mail, cabinets) may go, then the failover groups."""

    workflow: list[Step]
    staroffice: list[Step]
    groups: list[Step]


# Add-ons whose settings must match on both servers (section 1.7 note 7).
VIRUS_SCANS = frozenset({"virusbuster-scan", "groupshield-scan"})


@dataclass(frozen=True)
class GroupRunbook:
    number: int
    group: object
    active: object
    standby: object
    env: object | None
    addons: list
    mailgateway: object | None  # the topology's entries of the products the guide's chapters describe
    workflow: object | None
    formserver: object | None
    formserver_service: str | None  # a second FormServer has a service of its own (4.1.1)
    # A second FormServer: the guide's multi standby steps (4.2.2) are lost; and the names of
    # it sogen chose (topology field -> the name), those the topology leaves unset.
    formserver_second: bool
    formserver_defaults: dict[str, str]
    products: list[PlannedProduct]  # start order
    sync_keys: list[str]
    files: list[tuple[str, str]]  # (name in the group's folder, where it goes)
    server2_workflow: bool  # group 2 of a multi standby cluster whose group 1 runs WorkFlow (3.4.1.2)


def _workflow_steps(t: Topology, plans: tuple[GroupPlan, ...]) -> list[Step]:
    """3.3 / 3.4.1.3 steps 1-2: WorkFlow (one per cluster, in its group) and its database."""
    section = uninstall_section(t)
    for plan in plans:
        if plan.entry("workflow") is None:
            continue
        group = plan.group
        active, standby = (t.node(name).name for name in group.policy)
        wwf_keys = plan.planned("workflow").registry_sync
        return [
            Step("unsync", None, f"{section} 1-1", group.name, keys=wwf_keys),
            Step("remove-workflow", active, f"{section} 1-2", group.name),
            Step("remove-workflow", standby, f"{section} 1-3", group.name),
            Step("remove-database", active, f"{section} 2", group.name),
        ]
    return []


def uninstall_section(t: Topology) -> str:
    """WorkFlow's uninstall: 3.3, or in multi standby its appendix 3.4.1.3."""
    return "3.4.1.3" if t.cluster.mode == "multi-standby" else "3.3"


def _staroffice_steps(t: Topology, plans: tuple[GroupPlan, ...], workflow_group: str | None) -> list[Step]:
    """1.3: each group's registry sync removed, then UNSETUP.EXE on the active node, then on the
    standby; in multi standby both active nodes come before both standby nodes (1.3 (1)-(10))."""
    multi = t.cluster.mode == "multi-standby"
    instances = [(plan.index, plan.group) for plan in plans if plan.env is not None]

    def keys_left(g: int, group) -> tuple[str, ...]:
        # WorkFlow's key left the group's synchronization before (3.3 1.(1)).
        return tuple(
            key
            for p in plans[g].products
            if not (group.name == workflow_group and p.key == "workflow")
            for key in p.registry_sync
        )

    def on_node(g: int, group, node: str, number: int) -> list[Step]:
        """UNSETUP.EXE on one node; in multi standby from a prompt where alenvN.bat ran first."""
        if not multi:
            return [Step("unsetup", node, f"1.3 ({number})", group.name)]
        instance = plans[g].number
        return [
            Step("alenv-prompt", node, f"1.3 ({number})", group.name, instance=instance),
            Step("unsetup", node, f"1.3 ({number + 1})", group.name, instance=instance),
        ]

    def unsync(group, g: int, number: int) -> Step:
        return Step("unsync", None, f"1.3 ({number})", group.name, keys=keys_left(g, group))

    steps: list[Step] = []
    if not multi:
        for g, group in instances:
            active, standby = (t.node(name).name for name in group.policy)
            steps += [unsync(group, g, 1), *on_node(g, group, active, 2), *on_node(g, group, standby, 3)]
        return steps
    for g, group in instances:  # (1)-(6): per group, its sync removed, then its active node
        steps += [unsync(group, g, 1 + 3 * g), *on_node(g, group, t.node(group.policy[0]).name, 2 + 3 * g)]
    for g, group in instances:  # (7)-(10): the standby nodes, group 1 first
        steps += on_node(g, group, t.node(group.policy[1]).name, 7 + 2 * g)
    return steps


def uninstall(t: Topology, plans: tuple[GroupPlan, ...] | None = None) -> Uninstall:
    plans = plans or plan_cluster(t)
    workflow = _workflow_steps(t, plans)
    return Uninstall(
        workflow=workflow,
        staroffice=_staroffice_steps(t, plans, workflow[0].group if workflow else None),
        groups=[Step("delete-group", None, f"{uninstall_section(t)} 4", group.name) for group in t.groups],
    )


def _file_roles(group, files: list[str]) -> list[tuple[str, str]]:
    names = [f.split("/", 1)[1] for f in files if f.startswith(group.name + "/")]
    return [(name, file_role(name, group)) for name in names]


def runbook(t: Topology, files: list[str], plans: tuple[GroupPlan, ...] | None = None) -> str:
    """RUNBOOK.md from the groups' plans (built once by the caller, or here)."""
    plans = plans or plan_cluster(t)
    catalogue = load_catalogue()
    multi = t.cluster.mode == "multi-standby"
    groups = []
    for plan in plans:
        group = plan.group
        staroffice = plan.entry("staroffice-server")
        formserver = plan.planned("formserver")
        groups.append(
            GroupRunbook(
                number=plan.index + 1,
                group=group,
                active=t.node(group.policy[0]),
                standby=t.node(group.policy[1]),
                env=plan.env,
                addons=[catalogue.addons[a] for a in staroffice.addons] if staroffice else [],
                mailgateway=plan.entry("mailgateway-smtp"),
                workflow=plan.entry("workflow"),
                formserver=plan.entry("formserver"),
                formserver_service=formserver.service if formserver else None,
                formserver_second=formserver is not None and formserver.instance > 1,
                formserver_defaults=_named_by_sogen(plan.entry("formserver"), formserver),
                products=list(plan.products),
                sync_keys=list(plan.sync_keys),
                files=_file_roles(group, files),
                server2_workflow=multi and plan.index == 1 and plans[0].entry("workflow") is not None,
            )
        )
    scanned = [g for g in groups if VIRUS_SCANS & {addon.id for addon in g.addons}]
    return render(
        "RUNBOOK.md.j2",
        diagram=mermaid(t, plans),
        topology=t,
        cluster=t.cluster,
        groups=groups,
        multi=multi,
        settings=t.settings,
        uninstall=uninstall(t, plans),
        oracle_system_tables=ORACLE_SYSTEM_TABLES,
        virus_scan_groups=[g.group.name for g in scanned],
        virus_scan_nodes=[node.name for g in scanned for node in (g.active, g.standby)],
        **translated(t.settings.language, "runbook"),  # the topology's language, not the user's
    )


def _named_by_sogen(entry, planned) -> dict[str, str]:
    """The names of a FormServer the topology leaves to the catalogue: field -> name."""
    if planned is None:
        return {}
    names = {"service": planned.service, "watch_id": planned.watch_id or "", "registry_key": planned.registry_sync[0]}
    return {field: name for field, name in names.items() if not getattr(entry, field)}
