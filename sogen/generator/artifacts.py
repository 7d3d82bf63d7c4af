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
from sogen.generator.plan import GroupPlan, InstanceEnvironment, event_variables, plan_cluster
from sogen.generator.rendering import ORACLE_SYSTEM_TABLES, render
from sogen.generator.runbook import runbook
from sogen.output import MANIFEST
from sogen.textio import encode_batch, utf8
from sogen.topology.model import Topology

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


def oracle_system_tables(group, workflow) -> str:
    """createsystbl.sql with this installation's paths (section 3.2): the parameter file and its
    spool log beside the WorkFlow database on the switched partition, the admin scripts in Oracle's home."""
    pfile = workflow.oracle_pfile or f"{group.partitions[0]}:\\ORANT\\INIT{workflow.oracle_sid}.ORA"
    return render(
        "createsystbl.sql.j2",
        workflow=workflow,
        pfile=pfile,
        spool=ntpath.join(ntpath.dirname(pfile), "spool.log"),
        admin_dir=workflow.oracle_admin_dir or f"{workflow.script_dir}\\{_rdbms_folder(workflow.svrmgr)}\\ADMIN",
    )


# The guide writes "svrmgrxx" and "rdbmsxx" (3.2): Oracle on Windows NT ships them in pairs,
# Server Manager svrmgr23 with RDBMS73 (Oracle7 7.3), svrmgr30 with RDBMS80 (Oracle8 8.0).
_RDBMS_OF_SVRMGR = {"svrmgr23": "RDBMS73", "svrmgr30": "RDBMS80"}


def _rdbms_folder(svrmgr: str) -> str:
    """Oracle's admin scripts folder for the Server Manager a topology names (else 8.0's)."""
    return _RDBMS_OF_SVRMGR.get(ntpath.splitext(ntpath.basename(svrmgr))[0].lower(), "RDBMS80")


def render_reg(t: Topology, title: str, keys: list[PatchKey]) -> bytes:
    if t.settings.reg_format == "v5":
        text = render("registry.reg.j2", header="Windows Registry Editor Version 5.00", title=title, keys=keys)
        return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
    text = render("registry.reg.j2", header="REGEDIT4", title=title, keys=keys)
    return text.replace("\n", "\r\n").encode("cp932")


def group_artifacts(t: Topology, g: int, plans: tuple[GroupPlan, ...] | None = None) -> dict[str, bytes]:
    """The files of group ``g``: its scripts, the files its products' catalogue entries name,
    and those whose values are computed here (a builder per catalogue id)."""
    plans = plans or plan_cluster(t)
    plan = plans[g]
    common = {
        "group": plan.group,
        "cluster": t.cluster,
        "instance": plan.number,
        "messages": t.settings.messages,
        "variables": event_variables(t),
    }
    files = {
        script: encode_batch(
            render(f"{script}.j2", home=plan.lines(phase, "home"), other=plan.lines(phase, "other"), **common)
        )
        for script, phase in (("start.bat", "start"), ("stop.bat", "stop"))
    }
    for planned in plan.files:
        files[planned.name] = encode_batch(render(planned.template, **planned.context))
    for product_id in plan.entries:
        if product_id in PRODUCT_FILES:
            files.update(PRODUCT_FILES[product_id](t, plan))
    if t.cluster.mode == "multi-standby" and g == 1:
        files.update(_server2_workflow_artifacts(t, plans))
    return files


def _staroffice_files(t: Topology, plan: GroupPlan) -> dict[str, bytes]:
    """alenvN.bat, backup.bat and the OPCNTRL, decommission and ImagePath patches (sections 1.2, 1.5.1, 1.7)."""
    group, env = plan.group, plan.env
    files = {
        f"alenv{env.number}.bat": encode_batch(render("alenv.bat.j2", env=env, group=group)),
        "backup.bat": encode_batch(render("backup.bat.j2", env=env, group=group, backup_command=t.settings.backup_command)),
    }
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
    if t.cluster.mode == "multi-standby":
        files["registry/imagepath.reg"] = render_reg(
            t,
            f"Service command line of StarOffice instance {env.number}: import on every node (section 1.2.2)",
            [PatchKey(f"{SERVICES_KEY}\\{env.service}", (("ImagePath", image_path(env)),))],
        )
    return files


def _oracle_files(t: Topology, plan: GroupPlan) -> dict[str, bytes]:
    return {ORACLE_SYSTEM_TABLES: encode_batch(oracle_system_tables(plan.group, plan.entry("oracle")))}


def _formserver_files(t: Topology, plan: GroupPlan) -> dict[str, bytes]:
    formserver = plan.entry("formserver")
    if not formserver.online_shells:
        return {}
    # The instance's own key (a second FormServer has another, 4.1.1), as the plan names it.
    (formserver_key,) = plan.planned("formserver").registry_sync
    return {
        "registry/formserver.reg": render_reg(
            t,
            "FormServer online shells answer on the virtual IP (section 4.2.1)",
            [
                PatchKey(f"{formserver_key}\\OnlineShellManager\\{title}", (("HostName", plan.group.virtual_ip),))
                for title in formserver.online_shells
            ],
        )
    }


# Files whose values are computed, not only laid out: by the catalogue id of the product they belong
# to. A product whose files are templates alone lists them in the catalogue (`files`) instead.
PRODUCT_FILES = {"staroffice-server": _staroffice_files, "oracle": _oracle_files, "formserver": _formserver_files}


def _server2_workflow_artifacts(t: Topology, plans: tuple[GroupPlan, ...]) -> dict[str, bytes]:
    """WorkFlow runs in group 1 but reaches server 2 through its own entries (section 3.4.1)."""
    workflow = plans[0].entry("workflow")
    if workflow is None:
        return {}
    group, env = plans[1].group, plans[1].env
    files = {"services.txt": render("services.txt.j2", nodes=group.policy).replace("\n", "\r\n").encode("ascii")}
    if workflow.procinfo and env is not None:
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
    plans = plan_cluster(t)
    files: dict[str, bytes] = {}
    for g, group in enumerate(t.groups):
        for name, data in group_artifacts(t, g, plans).items():
            files[f"{group.name}/{name}"] = data
    files[RUNBOOK] = runbook(t, sorted(files), plans).encode("utf-8")
    return with_manifest(files, topology_digest, source_name)


def with_manifest(files: dict[str, bytes], topology_digest: str, source_name: str) -> dict[str, bytes]:
    """``files`` plus manifest.json: every file's SHA-256, the sogen version, the topology's hash."""
    files = {name: data for name, data in files.items() if name != MANIFEST}
    manifest = {
        "sogen": __version__,
        "topology": {"file": source_name, "sha256": topology_digest},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    # A topology's file name that is no UTF-8 (a code page 932 name from a Windows zip) is kept
    # as its \udcXX escapes, which JSON reads back as the same name.
    files[MANIFEST] = utf8(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return dict(sorted(files.items()))
