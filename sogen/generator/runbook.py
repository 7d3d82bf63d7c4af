"""RUNBOOK.md: the manual steps of the guide for this topology, values filled in."""

from __future__ import annotations

from dataclasses import dataclass

from sogen.catalogue import load_catalogue
from sogen.generator.plan import PlannedProduct, instance_environment, start_order
from sogen.generator.rendering import render
from sogen.topology.model import FormServer, MailGatewaySmtp, StarOfficeServer, Topology, WorkFlow


@dataclass(frozen=True)
class GroupRunbook:
    number: int
    group: object
    active: object
    standby: object
    env: object | None
    addons: list
    mailgateway: MailGatewaySmtp | None
    workflow: WorkFlow | None
    formserver: FormServer | None
    products: list[PlannedProduct]  # start order
    sync_keys: list[str]
    files: list[str]


def runbook(t: Topology, files: list[str]) -> str:
    catalogue = load_catalogue()
    groups = []
    for g, group in enumerate(t.groups):
        staroffice = group.product(StarOfficeServer)
        order = start_order(t, g)
        groups.append(
            GroupRunbook(
                number=g + 1,
                group=group,
                active=t.node(group.policy[0]),
                standby=t.node(group.policy[1]),
                env=instance_environment(t, g) if staroffice else None,
                addons=[catalogue.addons[a] for a in staroffice.addons] if staroffice else [],
                mailgateway=group.product(MailGatewaySmtp),
                workflow=group.product(WorkFlow),
                formserver=group.product(FormServer),
                products=order,
                sync_keys=[key for product in order for key in product.registry_sync],
                files=[f.split("/", 1)[1] for f in files if f.startswith(group.name + "/")],
            )
        )
    return render(
        "RUNBOOK.md.j2",
        topology=t,
        cluster=t.cluster,
        groups=groups,
        multi=t.cluster.mode == "multi-standby",
        settings=t.settings,
    )
