"""Rules that relate fields of a topology to each other.

Each check yields ``(loc, message)``; :func:`check_topology` turns them into
positioned problems so that ``sogen validate`` reports all of them at once.

The checks also run on a topology whose type checks failed (see
``validate_document``): there a group that did not validate is None, and so may
be the cluster's mode or nodes; every check walks :func:`_groups`, and
:func:`check_topology` runs the checks that read the mode or the nodes only when
they are there.
"""

from __future__ import annotations

from collections.abc import Iterator

from sogen.catalogue import load_catalogue
from sogen.i18n import N_, _, ngettext
from sogen.topology.document import LoadedDocument, Loc, Problem
from sogen.topology.model import (
    MAILGATEWAY_WORKDIRS,
    POLICY_NODES,
    CustomProduct,
    FormServer,
    Group,
    MailGatewaySmtp,
    StarOfficeServer,
    Topology,
    WorkFlow,
)
from sogen.topology.products import DependencyCycle, group_products, product_key, start_order

Finding = tuple[Loc, str]

# Products whose catalogue entry depends on it need StarOffice server running in their own group.
STAROFFICE = "staroffice-server"


def _groups(t: Topology) -> Iterator[tuple[int, Group]]:
    """(index, group) of every group that passed its type checks."""
    return ((g, group) for g, group in enumerate(t.groups) if group is not None)


def _multi_standby_pair(t: Topology) -> tuple[Group, Group] | None:
    """Group 1 and group 2 of a multi standby cluster, when both passed their type checks."""
    if t.cluster.mode == "multi-standby" and len(t.groups) == 2 and None not in t.groups:
        return t.groups[0], t.groups[1]
    return None


def check_mode(t: Topology) -> Iterator[Finding]:
    wanted = 1 if t.cluster.mode == "single-standby" else 2
    if len(t.groups) != wanted:
        yield ("groups",), ngettext(
            "a {mode} cluster has exactly {wanted} failover group, this file has {count}",
            "a {mode} cluster has exactly {wanted} failover groups, this file has {count}",
            wanted,
        ).format(mode=t.cluster.mode, wanted=wanted, count=len(t.groups))


def check_nodes(t: Topology) -> Iterator[Finding]:
    seen_names: dict[str, int] = {}
    seen_ips: dict[str, int] = {}
    for i, node in enumerate(t.cluster.nodes):
        for label, value, seen, key in (
            (N_("name {value} is already used by nodes[{index}]"), node.name.lower(), seen_names, "name"),
            (N_("IP address {value} is already used by nodes[{index}]"), node.ip, seen_ips, "ip"),
        ):
            if value in seen:
                yield ("cluster", "nodes", i, key), _(label).format(value=repr(getattr(node, key)), index=seen[value])
            else:
                seen[value] = i
    # Two computers of one network have two names: 1.7 note 4 sets MASTERHOST back to each
    # node's real host name, which must not be another node's name or host name.
    computers: dict[str, tuple[int, str]] = {}  # lower-case name -> (node, "name" or "hostname")
    for i, node in enumerate(t.cluster.nodes):
        for key, value in (("name", node.name), ("hostname", node.hostname)):
            if value is None:
                continue
            other, other_key = computers.setdefault(value.lower(), (i, key))
            if other != i and (key, other_key) != ("name", "name"):  # two names: reported above
                message = (
                    N_("{value} is already the host name of nodes[{index}]")
                    if other_key == "hostname"
                    else N_("{value} is already the name of nodes[{index}]")
                )
                yield ("cluster", "nodes", i, key), _(message).format(value=repr(value), index=other)


def check_mta(t: Topology) -> Iterator[Finding]:
    """2.2.2.2: "somg.iniファイルの設定において別マシン上のMTAを使用するよう設定して下さい": the
    MTA is another machine, not a node, a group's virtual host or one of the cluster's addresses."""
    own: dict[str, tuple[str, str]] = {}  # lower-case name or address -> (message, node or group)
    for n in t.cluster.nodes:
        for value in (n.name, n.real_hostname, n.ip):
            own.setdefault(value.lower(), (N_("{mta} is node {name}: {why}"), n.name))
    for _g, group in _groups(t):
        for value, message in (
            (group.virtual_host, N_("{mta} is the virtual host name of group {name}: {why}")),
            (group.virtual_ip, N_("{mta} is the virtual IP of group {name}: {why}")),
            (group.floating_ip, N_("{mta} is the floating IP of group {name}: {why}")),
        ):
            if value:
                own.setdefault(value.lower(), (message, group.name))
    for g, group in _groups(t):
        for p, product in enumerate(group.products):
            if isinstance(product, MailGatewaySmtp) and product.mta.lower() in own:
                message, name = own[product.mta.lower()]
                why = _("MailGateway-SMTP sends to an MTA on another machine (guide 2.2.2.2)")
                yield ("groups", g, "products", p, "mta"), _(message).format(mta=repr(product.mta), name=name, why=why)


def check_policies(t: Topology) -> Iterator[Finding]:
    names = {n.name.lower() for n in t.cluster.nodes}
    listing = ", ".join(n.name for n in t.cluster.nodes)
    for g, group in _groups(t):
        # 1.1.1: "クラスタ内の2ノードのみに1つのフェイルオーバポリシを設定し"; figure 1: "SV3,SV4は使用しません"
        if len(group.policy) != POLICY_NODES:
            yield ("groups", g, "policy"), ngettext(
                "names {count} node; a StarOffice failover policy names exactly two of the cluster's nodes, "
                "the active node then its standby, e.g. [SV1, SV2] (guide 1.1.1)",
                "names {count} nodes; a StarOffice failover policy names exactly two of the cluster's nodes, "
                "the active node then its standby, e.g. [SV1, SV2] (guide 1.1.1)",
                len(group.policy),
            ).format(count=len(group.policy))
        seen: set[str] = set()
        for p, name in enumerate(group.policy):
            loc = ("groups", g, "policy", p)
            if name.lower() not in names:
                yield loc, _("node {name} is not in cluster.nodes (nodes: {nodes})").format(name=repr(name), nodes=listing)
            elif name.lower() in seen:
                yield loc, _("node {name} appears twice in the failover policy").format(name=repr(name))
            seen.add(name.lower())
    pair = _multi_standby_pair(t)
    if pair and any(len(group.policy) != POLICY_NODES for group in pair):
        return  # reported above; reversing a longer policy says nothing
    # 1.1.1: "マルチスタンバイ型は、クラスタ内の2ノードのみに2つのフェイルオーバポリシを設定し、
    # 各ノードでサービスを提供しながら、それぞれが、もう一方の待機系となります" (also 1.2.2).
    if pair and [n.lower() for n in pair[1].policy] != [n.lower() for n in reversed(pair[0].policy)]:
        yield ("groups", 1, "policy"), _(
            "is [{policy}]; in multi standby both groups run on the same two nodes, each node "
            "active for one group and standby for the other, so group 2's policy is group 1's reversed: "
            "[{reversed}] (guide 1.1.1, 1.2.2)"
        ).format(policy=", ".join(pair[1].policy), reversed=", ".join(reversed(pair[0].policy)))


def check_virtual_addresses(t: Topology) -> Iterator[Finding]:
    node_ips = {n.ip: n.name for n in t.cluster.nodes}
    node_names = {}
    for n in t.cluster.nodes:
        node_names.setdefault(n.name.lower(), n.name)
        node_names.setdefault(n.real_hostname.lower(), n.name)
    seen_ips: dict[str, str] = {}
    seen_hosts: dict[str, str] = {}
    for g, group in _groups(t):
        if group.virtual_ip in node_ips:
            yield ("groups", g, "virtual_ip"), _(
                "{address} is the real IP of node {node}; a virtual IP must be an unused address"
            ).format(address=group.virtual_ip, node=node_ips[group.virtual_ip])
        elif group.virtual_ip in seen_ips:
            yield ("groups", g, "virtual_ip"), _("{address} is already the virtual IP of group {group}").format(
                address=group.virtual_ip, group=repr(seen_ips[group.virtual_ip])
            )
        seen_ips.setdefault(group.virtual_ip, group.name)
        host = group.virtual_host.lower()
        if host in node_names:
            yield ("groups", g, "virtual_host"), _(
                "{host} is the name of node {node}; the virtual host name must differ from every real computer name"
            ).format(host=repr(group.virtual_host), node=node_names[host])
        elif host in seen_hosts:
            yield ("groups", g, "virtual_host"), _("{host} is already the virtual host name of group {group}").format(
                host=repr(group.virtual_host), group=repr(seen_hosts[host])
            )
        seen_hosts.setdefault(host, group.name)


def check_floating_ips(t: Topology) -> Iterator[Finding]:
    # 2.2.1: "StarOffice/MailGateway-SMTPを使用する全てのサーバ機に対して、フローティングIPの設定を行って下さい";
    # 2.2.2.3: SelfIPAddress "には、フローティングIPのアドレスを設定して下さい".
    node_ips = {n.ip: n.name for n in t.cluster.nodes}
    virtual_ips = {group.virtual_ip: group.name for _, group in _groups(t)}
    seen: dict[str, str] = {}
    for g, group in _groups(t):
        loc = ("groups", g, "floating_ip")
        address = group.floating_ip
        if address is None:
            if group.product(MailGatewaySmtp) is not None:
                yield loc, _(
                    "is required when the group runs mailgateway-smtp: CLUSTERPRO needs a floating IP on every "
                    "server that runs it, and somg.ini's SelfIPAddress names it (guide 2.2.1, 2.2.2.3); give an "
                    "unused address, e.g. in the virtual IP's subnet"
                )
            continue
        # A floating IP without MailGateway is allowed: removing the product should not fail the file.
        if address in node_ips:
            yield loc, _(
                "{address} is the real IP of node {node}; a floating IP must be an unused address (guide 2.2.1)"
            ).format(address=address, node=node_ips[address])
        elif address in virtual_ips:
            yield loc, _(
                "{address} is the virtual IP of group {group}; the floating IP is an address of "
                "its own, not the virtual IP (guide 2.2.1, 2.2.2.3)"
            ).format(address=address, group=repr(virtual_ips[address]))
        elif address in seen:
            yield loc, _("{address} is already the floating IP of group {group}").format(
                address=address, group=repr(seen[address])
            )
        seen.setdefault(address, group.name)


def check_group_names(t: Topology) -> Iterator[Finding]:
    seen: set[str] = set()
    for g, group in _groups(t):
        if group.name.lower() in seen:
            yield ("groups", g, "name"), _("group name {name} is used twice (it names the output folder)").format(
                name=repr(group.name)
            )
        seen.add(group.name.lower())


def check_partitions(t: Topology) -> Iterator[Finding]:
    owner: dict[str, str] = {}
    for g, group in _groups(t):
        for p, drive in enumerate(group.partitions):
            loc = ("groups", g, "partitions", p)
            if drive in owner and owner[drive] == group.name:
                yield loc, _("drive {drive}: is listed twice").format(drive=drive)
            elif drive in owner:
                yield loc, _(
                    "drive {drive}: is already a switched partition of group {group}; a partition moves with one group only"
                ).format(drive=drive, group=repr(owner[drive]))
            owner.setdefault(drive, group.name)


def _drive_of(path: str) -> str:
    return path[0].upper()


def _on_partition(group, loc: "Loc", path: str, what: str) -> Iterator[Finding]:
    if _drive_of(path) not in group.partitions:
        drives = ", ".join(f"{d}:" for d in group.partitions)
        yield loc, _(what).format(path=path, group=repr(group.name), drives=drives)


def check_install_roots(t: Topology) -> Iterator[Finding]:
    for g, group in _groups(t):
        has_staroffice = any(isinstance(p, StarOfficeServer) for p in group.products)
        if group.alroot is None:
            if has_staroffice:
                yield ("groups", g, "alroot"), _(
                    "is required when the group runs staroffice-server (the install root on a switched partition, e.g. D:\\SO)"
                )
            continue
        yield from _on_partition(
            group,
            ("groups", g, "alroot"),
            group.alroot,
            N_("install root {path} is not on a switched partition of group {group} ({drives}); it would not move on failover"),
        )


def check_mailgateway_workdirs(t: Topology) -> Iterator[Finding]:
    # 2.2.2.1: "StarOffice/MailGateway-SMTPが使用する6つのディレクトリは、切替パーティション上に作成して下さい"
    for g, group in _groups(t):
        for p, product in enumerate(group.products):
            if not isinstance(product, MailGatewaySmtp):
                continue
            count = len(product.workdirs)
            if count not in (0, MAILGATEWAY_WORKDIRS):
                yield ("groups", g, "products", p, "workdirs"), ngettext(
                    "lists {count} directory; MailGateway-SMTP uses six working directories, all on the group's "
                    "switched partitions (guide 2.2.2.1): list all six, or leave workdirs out",
                    "lists {count} directories; MailGateway-SMTP uses six working directories, all on the group's "
                    "switched partitions (guide 2.2.2.1): list all six, or leave workdirs out",
                    count,
                ).format(count=count)
            seen: set[str] = set()
            for w, workdir in enumerate(product.workdirs):
                loc = ("groups", g, "products", p, "workdirs", w)
                if workdir.lower() in seen:
                    yield loc, _(
                        "{path} is listed twice; the six working directories are six different folders (guide 2.2.2.1)"
                    ).format(path=workdir)
                seen.add(workdir.lower())
                yield from _on_partition(
                    group,
                    loc,
                    workdir,
                    N_(
                        "working directory {path} is not on a switched partition of group {group} ({drives}); "
                        "it would not move on failover"
                    ),
                )


def check_formserver_shells(t: Topology) -> Iterator[Finding]:
    # 4.2.1 step 3: the start script starts the online shells it names; a command with no
    # shell to start would silently start nothing.
    for g, group in _groups(t):
        for p, product in enumerate(group.products):
            if not isinstance(product, FormServer):
                continue
            if product.online_shell_command and not product.online_shells:
                yield ("groups", g, "products", p, "online_shell_command"), _(
                    "starts online shells from the start script, but online_shells names none: list the shell "
                    "titles, or leave online_shell_command out (guide 4.2.1 step 3)"
                )
            seen: set[str] = set()
            for s, shell in enumerate(product.online_shells):
                if shell.lower() in seen:  # one registry key (keys ignore case), one shell started twice
                    yield ("groups", g, "products", p, "online_shells", s), _(
                        "online shell {shell} is listed twice (registry keys ignore case)"
                    ).format(shell=shell)
                seen.add(shell.lower())


def check_backup_services(t: Topology) -> Iterator[Finding]:
    """backup.bat stops and starts StarOffice itself and pauses its watch only (guide 1.5.1):
    its command may start or stop neither StarOffice nor another service ARM watches, by the
    catalogue's names or by those this topology gives its products."""
    from sogen.batch.ir import Command
    from sogen.batch.parser import parse_lines

    command = t.settings.backup_command if t.settings is not None else None
    statements = parse_lines((command,), 1) if command else []
    stmt = statements[0] if len(statements) == 1 else None
    words = [w.value for w in stmt.args] if isinstance(stmt, Command) and stmt.program == "net" else []
    if len(words) < 2 or words[0].lower() not in ("start", "stop"):
        return
    service = " ".join(words[1:]).strip('"')
    catalogue = load_catalogue()
    known = catalogue.identify_service(service) or catalogue.by_watch_id.get(service)
    if known is not None and known[0].id == "staroffice-server":
        yield ("settings", "backup_command"), _(
            "starts or stops {service}: backup.bat itself stops and starts StarOffice (guide 1.5.1); the "
            "backup command only backs up"
        ).format(service=repr(service))
        return
    watched = known is not None and known[0].kind == "arm"
    for g, _group in _groups(t):
        for planned in group_products(t, g):
            armed = planned.key not in catalogue.products or catalogue.products[planned.key].kind == "arm"
            watched = watched or (armed and service.lower() in (planned.service.lower(), (planned.watch_id or "").lower()))
    if watched:
        yield ("settings", "backup_command"), _(
            "starts or stops {service}, which ARM watches and backup.bat does not pause: ARM would restart "
            "it or fail the group over"
        ).format(service=repr(service))


def check_products(t: Topology) -> Iterator[Finding]:
    catalogue = load_catalogue()
    multi = t.cluster.mode == "multi-standby"
    for g, group in _groups(t):
        keys = [product_key(p) for p in group.products]
        for p, product in enumerate(group.products):
            loc = ("groups", g, "products", p)
            key = product_key(product)
            if key in keys[:p]:
                yield loc, _("{product} is listed twice in group {group}").format(product=repr(key), group=repr(group.name))
            entry = None if isinstance(product, CustomProduct) else catalogue.product(product.type)
            if entry is not None and STAROFFICE in entry.depends_on and STAROFFICE not in keys:
                yield loc, _(
                    "{product} runs in the StarOffice server's group: add a staroffice-server product to group {group}"
                ).format(product=product.type, group=repr(group.name))
            supports_multi = product.multi_standby if entry is None else entry.multi_standby
            if multi and entry is not None and entry.single_standby_only:
                yield loc + ("type",), _(
                    "{product} runs in a single standby cluster only (guide 2.1.1: シングルスタンバイ運用), "
                    "in neither group of a multi standby cluster"
                ).format(product=key)
            elif multi and g == 1 and not supports_multi:
                yield loc + ("type",), _(
                    "{product} does not support multi standby: in a multi standby cluster it runs in group 1 only"
                ).format(product=key)
            if isinstance(product, StarOfficeServer):
                for a, addon in enumerate(product.addons):
                    # 1.2.3: "ウィルスバスターサーバスキャン、GroupShieldサーバスキャンは、マルチスタンバイ型には対応しておりません"
                    if multi and not catalogue.addons[addon].multi_standby:
                        yield loc + ("addons", a), _(
                            "{addon} does not support multi standby (guide 1.2.3): it is allowed in a single "
                            "standby cluster only, on neither StarOffice server of a multi standby cluster"
                        ).format(addon=addon)
                    if addon in product.addons[:a]:
                        yield loc + ("addons", a), _("{addon} is listed twice").format(addon=addon)
            if isinstance(product, WorkFlow) and product.database == "oracle" and " " in product.script_dir:
                yield loc + ("sql_dir",), _(
                    "{path} has a space; with Oracle it is written after command=@, where it cannot be quoted"
                ).format(path=f"'{product.script_dir}'")  # as written: repr() doubles every backslash
            if isinstance(product, WorkFlow):
                # createsystbl.sql (section 3.2): `startup PFILE=<path>`, `spool`, `@<admin_dir>\x.sql`
                # read up to the first blank.
                for name in ("oracle_pfile", "oracle_admin_dir"):
                    path = getattr(product, name)
                    if path is not None and " " in path:
                        yield loc + (name,), _(
                            "{path} has a space; createsystbl.sql names it in a Server Manager command "
                            "(startup PFILE=, @), which ends at the first blank"
                        ).format(path=f"'{path}'")
            if isinstance(product, WorkFlow) and product.procinfo is not None and not multi:
                yield loc + ("procinfo",), _(
                    "is used only in a multi standby cluster (server 2's PROCINFO edits, section 3.4.1); remove it"
                )
            if isinstance(product, CustomProduct):
                yield from _check_custom(product, loc, keys, catalogue)


def _indexed(group: Group, kind: type):
    """(index, product) of the group's first product of that model class, or None."""
    return next(((p, product) for p, product in enumerate(group.products) if isinstance(product, kind)), None)


def check_server_2_after_server_1(t: Topology) -> Iterator[Finding]:
    """Group 2's StarOffice is server 2 (StarOffice Server2, /Palw2, alenv2.bat), which the
    guide sets up beside server 1: "サーバ2のセットアップは、サーバ1のセットアップの後に行います"
    (1.2.2). A cluster whose only StarOffice is in group 2 would get server 2's names alone."""
    pair = _multi_standby_pair(t)
    second = pair and _indexed(pair[1], StarOfficeServer)
    if second and not _indexed(pair[0], StarOfficeServer):
        yield ("groups", 1, "products", second[0]), _(
            "is StarOffice server 2, which the guide sets up after server 1 (1.2.2): add a staroffice-server "
            "product to group 1, or put this group first"
        )


def check_workflow_in_multi_standby(t: Topology) -> Iterator[Finding]:
    """What appendix 3.4.1 presupposes when WorkFlow runs in group 1 of a multi standby cluster.

    3.4.1: "SO サーバ 1 と SO サーバ 2 をサーバリンクで結びつける事によって、フロークライアントは仮想 IP2 を
    用いてサーバ 2 へログインし、サーバ 1 で動作する WF サーバのサービスを受ける事が可能となります"; its step 6
    installs the server link on server 2 ("サーバリンクをインストールします"), and step 4 points server 2's mail
    movement process and wfocom at WorkFlow through "PROCINFO[num]" ("PROCINFO[1]から順番に探してください").
    """
    pair = _multi_standby_pair(t)
    workflow = pair and _indexed(pair[0], WorkFlow)
    if not workflow:
        return
    w, product = workflow
    if product.procinfo is None:
        yield ("groups", 0, "products", w, "procinfo"), _(
            "is required in a multi standby cluster: server 2's mail movement process (sowfmvm.exe -smvm2) and "
            "wfocom run from the PROCINFO[n] entries that guide 3.4.1 edits; give both indexes, e.g. "
            "{{mvm: 3, wfocom: 4}}"
        ).format()
    elif product.procinfo.mvm == product.procinfo.wfocom:
        # procinfo.reg would write both EXECLINEs to one PROCINFO[n]: the second replaces
        # the first, and server 2 runs one of the two processes only.
        yield ("groups", 0, "products", w, "procinfo", "wfocom"), _(
            "is PROCINFO[{index}], as mvm is: the mail movement process and wfocom are two entries "
            "(guide 3.4.1), give each its own index"
        ).format(index=product.procinfo.wfocom)
    for g, group in enumerate(pair):
        staroffice = _indexed(group, StarOfficeServer)
        if staroffice is None:
            if g == 1:  # group 1's is asked for with its WorkFlow
                yield ("groups", 1, "products"), _(
                    "needs a staroffice-server product: in multi standby WorkFlow clients log in to StarOffice "
                    "server 2 and reach WorkFlow on server 1 through a server link (guide 3.4.1)"
                )
            continue
        index, server = staroffice
        if "server-link" not in server.addons:
            yield ("groups", g, "products", index, "addons"), _(
                "needs server-link: in multi standby WorkFlow clients log in to StarOffice server 2 and reach "
                "WorkFlow on server 1 through a server link between the two servers (guide 3.4.1); "
                "add server-link to both groups' staroffice-server"
            )


def _check_custom(product: CustomProduct, loc: "Loc", keys: list[str], catalogue) -> Iterator[Finding]:
    if product.name in catalogue.products or product.name == "database":
        yield loc + ("name",), _("{name} is the name of a built-in product; choose another name").format(
            name=repr(product.name)
        )
    # A role another product fills (WorkFlow's database) stands for the product it chose.
    roles = {role for key in keys if key in catalogue.products for role in catalogue.products[key].roles(catalogue)}
    for d, dependency in enumerate(product.depends_on):
        if dependency == product.name:
            yield loc + ("depends_on", d), _("a product cannot depend on itself")
        elif dependency not in keys and dependency not in roles:
            yield loc + ("depends_on", d), _("{name} does not run in this group (products here: {products})").format(
                name=repr(dependency), products=", ".join(keys)
            )


def check_unique_names(t: Topology) -> Iterator[Finding]:
    """Watch IDs, services and synced registry keys must be unique across the cluster: on failover one
    node runs both groups, and ARM, Windows and the registry each hold one of a name (so a FormServer
    in each group of a multi standby cluster, 4.1.1, needs names of its own)."""
    owners: dict[tuple[str, str], tuple[str, str]] = {}  # (label, name) -> (product, group)
    products = load_catalogue().products
    for g, group in _groups(t):
        for planned in group_products(t, g):
            if None in t.groups[:g] and planned.key in products and products[planned.key].instances_by != "group":
                continue  # its default names depend on what a group that failed its checks runs
            names = [(N_("watch ID"), planned.watch_id), (N_("service"), planned.service)]
            names += [(N_("service"), service) for service in planned.also_services]
            names += [(N_("synced registry key"), key) for key in planned.registry_sync]
            clash = next(((label, name) for label, name in names if name and (label, name.lower()) in owners), None)
            if clash:  # the first is enough: a product listed twice would clash on every name
                label, name = clash
                owner, owner_group = owners[label, name.lower()]
                yield planned.loc, _("{label} {name} is already used by {product} in group {group}").format(
                    label=_(label), name=repr(name), product=owner, group=repr(owner_group)
                )
            for label, name in names:
                if name:
                    owners.setdefault((label, name.lower()), (planned.key, group.name))


def check_synced_keys_apart(t: Topology) -> Iterator[Finding]:
    """A group's synced registry key may not hold, or lie inside, another group's: after a
    failover one node runs both groups, and restoring one group's copy of the tree would
    write over the other's live keys (equal keys: see check_unique_names)."""
    synced: list[tuple[str, str, str, int]] = []  # (key, product, group name, group index)
    for g, group in _groups(t):
        for planned in group_products(t, g):
            for key in planned.registry_sync:
                for other, product, other_group, h in synced:
                    if h == g:
                        continue
                    if key.lower().startswith(other.lower() + "\\"):
                        message = N_(
                            "synced registry key {key} lies inside {other}, which {product} in group {group} "
                            "syncs: after a failover one node runs both groups, and one group's copy of the tree "
                            "would write over the other's keys"
                        )
                    elif other.lower().startswith(key.lower() + "\\"):
                        message = N_(
                            "synced registry key {key} holds {other}, which {product} in group {group} syncs: "
                            "after a failover one node runs both groups, and one group's copy of the tree would "
                            "write over the other's keys"
                        )
                    else:
                        continue
                    yield planned.loc, _(message).format(
                        key=key, other=other, product=product, group=repr(other_group)
                    )
                synced.append((key, planned.key, group.name, g))


def check_dependency_cycles(t: Topology) -> Iterator[Finding]:
    for g, _group in _groups(t):
        try:
            start_order(t, g)
        except DependencyCycle as cycle:
            yield cycle.loc, _("depends_on forms a cycle: {cycle}").format(cycle=" -> ".join(cycle.names))


# What each check reads besides the groups: the cluster's mode, or its nodes (and the mode if there).
MODE_CHECKS = (check_mode, check_products, check_server_2_after_server_1, check_workflow_in_multi_standby)
NODE_CHECKS = (check_nodes, check_policies, check_virtual_addresses, check_floating_ips, check_mta)
GROUP_CHECKS = (
    check_group_names,
    check_partitions,
    check_install_roots,
    check_mailgateway_workdirs,
    check_formserver_shells,
    check_unique_names,
    check_synced_keys_apart,
    check_dependency_cycles,
    check_backup_services,
)


def check_topology(t: Topology, doc: "LoadedDocument") -> list["Problem"]:
    """The problems of ``t``, which may lack what failed its type checks (a None mode, nodes or group)."""
    checks = GROUP_CHECKS
    checks += MODE_CHECKS if t.cluster.mode is not None else ()
    checks += NODE_CHECKS if t.cluster.nodes is not None else ()
    return [doc.problem(loc, message) for check in checks for loc, message in check(t)]
