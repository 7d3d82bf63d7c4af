"""Render every artifact of a topology into memory: relative path -> bytes.

Writing them to disk (atomically, without clobbering the user's files) is
:mod:`sogen.output`'s job.
"""

from __future__ import annotations

import hashlib
import json
import ntpath
from dataclasses import dataclass

from sogen import __version__
from sogen.generator.plan import (
    InstanceEnvironment,
    event_variables,
    instance_environment,
    instance_number,
    lines_for,
    start_order,
    stop_order,
)
from sogen.generator.rendering import render
from sogen.generator.runbook import ORACLE_SYSTEM_TABLES, runbook
from sogen.output import MANIFEST
from sogen.textio import encode_batch
from sogen.topology.model import FormServer, MailGatewaySmtp, StarOfficeServer, Topology, WorkFlow

NEC_SOFTWARE = "HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC"
SERVICES_KEY = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services"
RUNBOOK = "RUNBOOK.md"


@dataclass(frozen=True)
class PatchKey:
    path: str
    values: tuple[tuple[str, str], ...]


def staroffice_key(t: Topology, env: InstanceEnvironment, *tail: str) -> str:
    return "\\".join((NEC_SOFTWARE, env.service, t.settings.version_key, *tail))


def image_path(env: InstanceEnvironment) -> str:
    """The service command line that pins an instance to its root (section 1.2.2)."""
    return f'{env.alroot}\\bin\\al2start.exe /R{env.alroot} /C "{env.service}" /P{env.alproc} /S{env.alsocket}'


def oracle_system_tables(group, workflow: WorkFlow) -> str:
    """createsystbl.sql with this installation's paths (section 3.2): the parameter file and its
    spool log beside the WorkFlow database on the switched partition, the admin scripts in Oracle's home."""
    pfile = workflow.oracle_pfile or f"{group.partitions[0]}:\\ORANT\\INIT{workflow.oracle_sid}.ORA"
    return render(
        "createsystbl.sql.j2",
        workflow=workflow,
        pfile=pfile,
        spool=ntpath.join(ntpath.dirname(pfile), "spool.log"),
        admin_dir=workflow.oracle_admin_dir or f"{workflow.script_dir}\\RDBMS80\\ADMIN",
    )


def render_reg(t: Topology, title: str, keys: list[PatchKey]) -> bytes:
    if t.settings.reg_format == "v5":
        text = render("registry.reg.j2", header="Windows Registry Editor Version 5.00", title=title, keys=keys)
        return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
    text = render("registry.reg.j2", header="REGEDIT4", title=title, keys=keys)
    return text.replace("\n", "\r\n").encode("cp932")


def group_artifacts(t: Topology, g: int) -> dict[str, bytes]:
    group = t.groups[g]
    multi = t.cluster.mode == "multi-standby"
    common = {
        "group": group,
        "cluster": t.cluster,
        "instance": instance_number(g),
        "messages": t.settings.messages,
        "variables": event_variables(t),
    }
    starting, stopping = start_order(t, g), stop_order(t, g)
    files = {
        "start.bat": encode_batch(
            render("start.bat.j2", home=lines_for(starting, "start", "home"), other=lines_for(starting, "start", "other"), **common)
        ),
        "stop.bat": encode_batch(
            render("stop.bat.j2", home=lines_for(stopping, "stop", "home"), other=lines_for(stopping, "stop", "other"), **common)
        ),
    }
    if group.product(StarOfficeServer) is not None:
        env = instance_environment(t, g)
        files[f"alenv{env.number}.bat"] = encode_batch(render("alenv.bat.j2", env=env, group=group))
        files["backup.bat"] = encode_batch(
            render("backup.bat.j2", env=env, group=group, backup_command=t.settings.backup_command)
        )
        opcntrl = staroffice_key(t, env, "OPCNTRL")
        files["registry/opcntrl.reg"] = render_reg(
            t,
            f"OPCNTRL of StarOffice instance {env.number}: import on every node of {', '.join(group.policy)} (section 1.2.1)",
            [
                PatchKey(
                    opcntrl,
                    (
                        ("CLUSTER", "YES"),
                        ("SELFHOST", group.virtual_host),
                        ("SELFADDR", group.virtual_ip),
                        ("URLPREFIX", f"http://{group.virtual_ip}"),
                        ("MASTERHOST", group.virtual_host),
                    ),
                )
            ],
        )
        for node_name in group.policy:
            node = t.node(node_name)
            files[f"registry/decommission-{node.name}.reg"] = render_reg(
                t,
                f"Take group {group.name} out of the cluster on {node.name}: OPCNTRL back to the real host (section 1.7, note 4)",
                [
                    PatchKey(
                        opcntrl,
                        (("CLUSTER", "NO"), ("URLPREFIX", f"http://{node.ip}"), ("MASTERHOST", node.real_hostname)),
                    )
                ],
            )
        if multi:
            files["registry/imagepath.reg"] = render_reg(
                t,
                f"Service command line of StarOffice instance {env.number}: import on every node (section 1.2.2)",
                [PatchKey(f"{SERVICES_KEY}\\{env.service}", (("ImagePath", image_path(env)),))],
            )
    mailgateway = group.product(MailGatewaySmtp)
    if mailgateway:
        files["somg.ini"] = encode_batch(render("somg.ini.j2", group=group, mta=mailgateway.mta))
    workflow = group.product(WorkFlow)
    if workflow and workflow.database == "oracle":
        files[ORACLE_SYSTEM_TABLES] = encode_batch(oracle_system_tables(group, workflow))
    formserver = group.product(FormServer)
    if formserver and formserver.online_shells:
        # The instance's own key (group 2's FormServer has another, 4.1.1), as the plan names it.
        (formserver_key,) = next(p.registry_sync for p in starting if p.key == formserver.type)
        files["registry/formserver.reg"] = render_reg(
            t,
            "FormServer online shells answer on the virtual IP (section 4.2.1)",
            [
                PatchKey(f"{formserver_key}\\OnlineShellManager\\{title}", (("HostName", group.virtual_ip),))
                for title in formserver.online_shells
            ],
        )
    if multi and g == 1:
        files.update(_server2_workflow_artifacts(t))
    return files


def _server2_workflow_artifacts(t: Topology) -> dict[str, bytes]:
    """WorkFlow runs in group 1 but reaches server 2 through its own entries (section 3.4.1)."""
    workflow = t.groups[0].product(WorkFlow)
    if workflow is None:
        return {}
    group = t.groups[1]
    files = {"services.txt": render("services.txt.j2", nodes=group.policy).replace("\n", "\r\n").encode("ascii")}
    if workflow.procinfo and group.product(StarOfficeServer) is not None:
        env = instance_environment(t, 1)
        procinfo = staroffice_key(t, env, "SRVCNTRL")
        files["registry/procinfo.reg"] = render_reg(
            t,
            "WorkFlow processes of StarOffice server 2 (section 3.4.1); check the PROCINFO numbers before importing",
            [
                PatchKey(f"{procinfo}\\PROCINFO[{workflow.procinfo.mvm}]", (("EXECLINE", f"{env.alroot}\\bin\\sowfmvm.exe -smvm2"),)),
                PatchKey(
                    f"{procinfo}\\PROCINFO[{workflow.procinfo.wfocom}]",
                    (("EXECLINE", f"{env.alroot}\\bin\\wfocom.exe -h {group.virtual_host}"),),
                ),
            ],
        )
    return files


def generate(t: Topology, topology_digest: str, source_name: str) -> dict[str, bytes]:
    """Every artifact of ``t``, plus RUNBOOK.md and manifest.json."""
    files: dict[str, bytes] = {}
    for g, group in enumerate(t.groups):
        for name, data in group_artifacts(t, g).items():
            files[f"{group.name}/{name}"] = data
    files[RUNBOOK] = runbook(t, sorted(files)).encode("utf-8")
    return with_manifest(files, topology_digest, source_name)


def with_manifest(files: dict[str, bytes], topology_digest: str, source_name: str) -> dict[str, bytes]:
    """``files`` plus manifest.json: every file's SHA-256, the sogen version, the topology's hash."""
    files = {name: data for name, data in files.items() if name != MANIFEST}
    manifest = {
        "sogen": __version__,
        "topology": {"file": source_name, "sha256": topology_digest},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return dict(sorted(files.items()))
