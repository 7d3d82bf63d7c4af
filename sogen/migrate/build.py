"""Turn recovered groups into a commented topology YAML.

Every value carries a comment saying where it came from; what no file holds
is the placeholder ``FILL_IN`` with a comment saying what to put there.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from sogen.i18n import N_, _, ngettext
from sogen.migrate.recover import ImportError_, RecoveredGroup, Sourced
from sogen.topology.load import PLACEHOLDER
from sogen.topology.model import Messages, default_messages
from sogen.textio import name_as_written

SCHEMA_LINE = "yaml-language-server: $schema=topology.schema.json\n"

# The comments are for the SE who fills the file in: in their language (sogen.i18n).
HEADER = N_("""\
Imported by sogen import from: {folders}
Values say where they came from; FILL_IN marks what the legacy files do not
hold. Fill those in, then run: sogen validate {output}
""")

# No product of a topology stands for a program: ARMLOAD's application form, sqlcmd ...
NOT_IMPORTED = N_("""\
Not imported: these lines run programs or scripts that no product of a topology
stands for (ARMLOAD's application form /U user /W program, other commands) or
change files (RMDIR, DEL, ECHO > file, ( ... ) >> log ...); sogen generate
does not write them. Carry them over by hand:
""")

# ARMLOAD's restart form and other options a topology does not hold.
OPTIONS_NOT_KEPT = N_("""\
Imported without some of their options: the generated scripts start a service
with ARMLOAD id /S /M "service" (a stopped service fails the group over) and stop
it with ARMKILL id, run by the script itself. These lines said more (/A, /R
retries, /WAIT ..., or ran through start or cmd /c: start without /wait does not
wait); check that the generated ones do what the group needs:
""")


# One set of broadcast texts a cluster: a second group's own are not kept.
TEXTS_NOT_KEPT = N_("""\
Broadcast texts not kept: the topology has one set for the whole cluster
(settings.messages), each the first group's that differs from the guide's; these
of another group differ from it, and its generated scripts broadcast the kept ones.
Edit settings.messages if those should change:
""")


@dataclass(frozen=True)
class Placeholder:
    """A value to fill in, and what it is."""

    what: str


def order_groups(groups: list[RecoveredGroup]) -> list[RecoveredGroup]:
    """Group 1 runs StarOffice instance 1: order by instance; two folders may not claim one."""
    claimed: dict[int, RecoveredGroup] = {}
    for group in groups:
        number = group.instance.value if group.instance else 1
        if number in claimed:
            first = claimed[number]
            raise ImportError_(
                _(
                    "{script}: runs StarOffice instance {number}, as {first} does: each failover group runs "
                    "an instance of its own"
                ).format(script=group.scripts["start"], number=number, first=first.scripts["start"])
            )
        claimed[number] = group
    if len(claimed) > 2:
        raise ImportError_(
            _(
                "{folders}: more than two failover groups: a cluster has one (single standby) or two (multi standby)"
            ).format(folders=", ".join(name_as_written(str(g.folder)) for g in groups))
        )
    return [claimed[n] for n in sorted(claimed)]


def _nodes(groups: list[RecoveredGroup]) -> list[dict[str, object]]:
    known: dict[str, dict[str, Sourced]] = {}
    for group in groups:
        for name, data in group.nodes.items():
            known.setdefault(name, {}).update(data)
    nodes = []
    for name, data in known.items():
        node = {"name": Sourced(name, data.get("ip", Sourced(None, "")).source)}
        node["ip"] = data.get("ip") or Placeholder(_("the real IP address of this node"))
        if "hostname" in data and data["hostname"].value.lower() != name.lower():
            node["hostname"] = data["hostname"]
        nodes.append(node)
    while len(nodes) < 2:
        number = len(nodes) + 1
        nodes.append(
            {
                "name": Placeholder(_("the CLUSTERPRO server name of node {number} (e.g. SV{number})").format(number=number)),
                "ip": Placeholder(_("the real IP address of node {number}").format(number=number)),
            }
        )
    return nodes


def _product(product, procinfo: dict[str, Sourced], multi: bool) -> dict[str, object]:
    entry: dict[str, object] = {"type": Sourced(product.type, product.source)}
    if product.type == "staroffice-server":
        entry["addons"] = Sourced([], "")
    elif product.type == "mailgateway-smtp":
        entry["mta"] = Placeholder(_("the external MTA (host name or IP) MailGateway sends to; scripts do not name it"))
    elif product.type == "workflow":
        entry.update({k: v for k, v in product.options.items()})
        if procinfo.keys() >= {"mvm", "wfocom"}:
            entry["procinfo"] = {"mvm": procinfo["mvm"], "wfocom": procinfo["wfocom"]}
        elif multi:  # server 2's patch was not among the files given
            entry["procinfo"] = {
                "mvm": Placeholder(_("n of server 2's PROCINFO[n] that runs sowfmvm.exe -smvm2 (section 3.4.1)")),
                "wfocom": Placeholder(_("n of server 2's PROCINFO[n] that runs wfocom.exe (section 3.4.1)")),
            }
    else:
        entry.update(product.options)
    return entry


def _assumed_policy(group_nodes: dict, names: list, index: int) -> Sourced:
    """The group's nodes (from its decommission patches), else all nodes; group 2 starts on another node.
    Of more than two, the SE picks: a StarOffice group runs on two nodes of the cluster only
    (guide 1.1.1; figure 1: "SV3,SV4は使用しません")."""
    known = sorted(group_nodes)
    if len(known) < 2:
        known = [n.value if isinstance(n, Sourced) else PLACEHOLDER for n in names]
    if len(known) > 2:
        nodes = ", ".join(map(str, known))
        return Sourced([PLACEHOLDER, PLACEHOLDER], _("two of {nodes}, the active node first").format(nodes=nodes))
    rotated = known[index % len(known):] + known[: index % len(known)]
    return Sourced(rotated, _("order assumed (active node first): check it"))


def missing_instance(groups: list[RecoveredGroup]) -> int | None:
    """The StarOffice instance of a multi standby cluster that no given folder runs.

    A folder alone that runs server 2 (``ARMLOAD StarOffice2``), or server 1 with the
    PROCINFO patch that only a multi standby cluster has (section 3.4.1), is one group
    of a multi standby cluster: the other group is left to fill in, so that neither the
    watch ID is renamed nor the patch dropped.
    """
    if len(groups) != 1:
        return None
    instance = groups[0].instance.value if groups[0].instance else 1
    if instance == 2:
        return 1
    return 2 if groups[0].procinfo else None


def partner_group(number: int, taken: str, names: list) -> dict[str, object]:
    """The group of instance ``number`` that no folder was given for: StarOffice and placeholders."""
    name = f"group{number}" if taken != f"group{number}" else f"group{number}-other"
    return {
        "name": Sourced(
            name, _("the group of StarOffice instance {number}: no folder of it was given; fill in its values").format(number=number)
        ),
        "policy": _assumed_policy({}, names, number - 1),
        "virtual_host": Placeholder(_("the virtual host name (OPCNTRL SELFHOST)")),
        "virtual_ip": Placeholder(_("the virtual IP address of the group")),
        "partitions": [Placeholder(_("the switched partition's drive letter"))],
        "alroot": Placeholder(_("the StarOffice install root on the switched partition")),
        "products": [{"type": Sourced("staroffice-server", _("check the products of this group")), "addons": Sourced([], "")}],
    }


def topology_data(groups: list[RecoveredGroup]) -> dict[str, object]:
    """The topology as nested dicts whose leaves are Sourced or Placeholder values."""
    groups = order_groups(groups)
    nodes = _nodes(groups)
    names = [n["name"] for n in nodes]
    # Server 2's PROCINFO patch describes group 1's WorkFlow (section 3.4.1).
    procinfo = {k: v for g in groups for k, v in g.procinfo.items()}
    data_groups = []
    partner = missing_instance(groups)
    multi = len(groups) == 2 or partner is not None
    first_index = 1 if partner == 1 else 0
    for index, group in enumerate(groups, start=first_index):
        policy = group.policy or _assumed_policy(group.nodes, names, index)
        has_staroffice = any(p.type == "staroffice-server" for p in group.products)
        entry: dict[str, object] = {
            "name": Sourced(group.name, ""),
            "policy": policy,
            "virtual_host": group.virtual_host or Placeholder(_("the virtual host name (OPCNTRL SELFHOST)")),
            "virtual_ip": group.virtual_ip or Placeholder(_("the virtual IP address of the group")),
        }
        if group.floating_ip or any(p.type == "mailgateway-smtp" for p in group.products):
            entry["floating_ip"] = group.floating_ip or Placeholder(
                _("the CLUSTERPRO floating IP MailGateway sends and receives on (somg.ini SelfIPAddress)"))
        entry["partitions"] = (
            [Sourced(group.alroot.value[0].upper(), group.alroot.source)]
            if group.alroot
            else [Placeholder(_("the switched partition's drive letter"))]
        )
        if has_staroffice:
            entry["alroot"] = group.alroot or Placeholder(_("the StarOffice install root on the switched partition"))
        entry["products"] = [_product(p, procinfo, multi) for p in group.products] or [
            # Nothing it starts is a product sogen knows: the SE says what the group runs.
            {"type": Placeholder(_("no line of the start script starts a product sogen knows: name them "
                                   "(see the lines not imported, listed above)"))}
        ]
        data_groups.append(entry)
    if partner is not None:
        data_groups.insert(partner - 1, partner_group(partner, groups[0].name, names))
    if multi and any(p.type == "workflow" for g in groups for p in g.products):
        # Add-ons are installed software, not in any script; this one the cluster must have had.
        server_link = Sourced(["server-link"], _("a multi standby WorkFlow is reached through a server link (guide 3.4.1)"))
        for entry in data_groups:
            for product in entry["products"]:
                if product["type"].value == "staroffice-server":
                    product["addons"] = server_link
    settings: dict[str, object] = {}
    first = groups[0]
    for attribute, key in (
        ("version_key", "version_key"),
        ("reg_format", "reg_format"),
        ("settle_seconds", "db_settle_seconds"),
        ("backup_command", "backup_command"),
        ("dialect", "dialect"),
    ):
        value = next((getattr(g, attribute) for g in groups if getattr(g, attribute)), None)
        if value is not None:
            settings[key] = value
    messages = kept_messages(groups)
    if messages:
        settings["messages"] = messages
    if partner is not None:
        told = (
            _("{group} is one group of a multi standby cluster (StarOffice instance {number}, PROCINFO patch)")
            if groups[0].procinfo
            else _("{group} is one group of a multi standby cluster (StarOffice instance {number})")
        )
        mode = Sourced("multi-standby", told.format(group=groups[0].name, number=3 - partner))
    else:
        given = ngettext("{count} group folder given", "{count} group folders given", len(groups))
        mode = Sourced("single-standby" if len(groups) == 1 else "multi-standby", given.format(count=len(groups)))
    data = {
        "cluster": {
            "name": first.cluster_name or Sourced(first.name if len(data_groups) == 1 else "cluster", ""),
            "mode": mode,
            "nodes": nodes,
        },
        "groups": data_groups,
    }
    if settings:
        data["settings"] = settings
    return data


def _to_yaml_node(value):
    """Nested data -> ruamel nodes with end-of-line comments."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _to_yaml_node(item)
            comment = _comment(item)
            if comment:
                node.yaml_add_eol_comment(comment, key)
        return node
    if isinstance(value, list):
        node = CommentedSeq()
        for index, item in enumerate(value):
            node.append(_to_yaml_node(item))
            comment = _comment(item)
            if comment and not isinstance(item, (dict, list)):
                node.yaml_add_eol_comment(comment, index)
        if all(not isinstance(i, (dict, list)) for i in value) and not any(_comment(i) for i in value):
            node.fa.set_flow_style()
        return node
    if isinstance(value, Placeholder):
        return PLACEHOLDER
    if isinstance(value, Sourced):
        return _to_yaml_node(value.value) if isinstance(value.value, (list, dict)) else value.value
    return value


def comment_text(text: str) -> str:
    """``text`` fit for a one-line YAML comment. Folder names may hold any character: one
    that ends a line (CR, LF, U+0085, U+2028, ...) would end the comment and turn the rest
    into YAML, and a control character or lone surrogate cannot be written at all. Each
    such character is written as its escape (\\n, \\u2028)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _comment(value) -> str | None:
    if isinstance(value, Placeholder):
        text = f"FILL_IN: {value.what}"
    elif isinstance(value, Sourced) and value.source:
        text = _("from {source}").format(source=value.source) if re.search(r":\d+$", value.source) else value.source
    else:
        return None
    return f"# {comment_text(text)}"


def kept_messages(groups: list[RecoveredGroup], dialect: str | None = None) -> dict[str, Sourced]:
    """The cluster's one set of broadcast texts (settings.messages): of each, the first
    group's that differs from the guide's (import records no text that does not), unless
    it is what the topology's dialect broadcasts anyway (CLUSTERPRO X's "Cluster Server
    が動作状態にありません" in a clp cluster)."""
    kept: dict[str, Sourced] = {}
    for group in order_groups(groups):
        for key, value in group.messages.items():
            kept.setdefault(key, value)
    defaults = default_messages(dialect or topology_dialect(groups))
    return {key: value for key, value in kept.items() if value.value != getattr(defaults, key)}


def topology_dialect(groups: list[RecoveredGroup]) -> str:
    """The dialect the topology's scripts are written in: the first group's that tells one."""
    return next((g.dialect.value for g in groups if g.dialect), "arm")


def texts_not_kept(groups: list[RecoveredGroup], dialect: str | None = None) -> list[str]:
    """A group's broadcast texts that differ from those the topology's scripts will
    broadcast (see kept_messages), in ``dialect`` (migrate --dialect) or the topology's.
    A group that broadcasts the guide's text loses it too."""
    dialect = dialect or topology_dialect(groups)
    kept = kept_messages(groups, dialect)
    guide = Messages()
    final = default_messages(dialect).model_dump() | {key: text.value for key, text in kept.items()}
    # The texts some group has of its own, or whose default the topology's dialect changes.
    keys = [key for key in final if key in kept or any(key in g.messages for g in groups) or final[key] != getattr(guide, key)]
    dropped = []
    for group in order_groups(groups):
        for key in keys:
            own = group.messages.get(key)
            if own is None:
                if getattr(guide, key) != final[key]:
                    dropped.append(
                        _("{group} (the guide's text, or no broadcast there): {key}: {text}").format(
                            group=group.name, key=key, text=getattr(guide, key)
                        )
                    )
            elif own.value != final[key]:
                dropped.append(f"{own.source}: {key}: {own.value}")
    return dropped


def topology_yaml(groups: list[RecoveredGroup], folders: list[str], output: str) -> str:
    from ruamel.yaml import YAML

    node = _to_yaml_node(topology_data(groups))
    header = SCHEMA_LINE + _(HEADER).format(folders=comment_text(", ".join(folders)), output=comment_text(output))
    for title, lines in ((NOT_IMPORTED, [line for g in groups for line in g.programs]),
                         (OPTIONS_NOT_KEPT, [line for g in groups for line in g.options]),
                         (TEXTS_NOT_KEPT, texts_not_kept(groups))):
        if lines:
            header += _(title) + "".join(f"  {comment_text(line)}\n" for line in lines)
    node.yaml_set_start_comment(header)
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    stream = io.StringIO()
    yaml.dump(node, stream)
    return stream.getvalue()
