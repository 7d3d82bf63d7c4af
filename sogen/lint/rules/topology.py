"""SO801-SO806: scripts and patches checked against what the topology says.

These run only with ``sogen lint --topology cluster.yaml``. Files are matched to
a failover group by the name of the folder they are in (the layout `sogen
generate` writes); with one group, every file belongs to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

from sogen.i18n import _
from sogen.batch.ir import Set, Span
from sogen.lint.context import LintContext
from sogen.lint.rules.base import BATCH, CLUSTER, ERROR, REGISTRY, TEXT, WARNING, Finding, TopologyRule, register

START_HOME = ("START", "HOME", "SUCCESS")


def first_line(ctx) -> Span:
    return Span(1, 1, 1, len(ctx.line_text(1)) + 1)


def identity(watch_id: str | None, product: str | None) -> str | None:
    """How a product is told apart in a script: an ARM product by its watch ID (which also
    names the StarOffice instance), a database by its catalogue id."""
    return watch_id.lower() if watch_id else product


def planned_keys(topology, group_index: int) -> dict[str, object]:
    """What the group runs: identity -> planned product (databases included)."""
    from sogen.topology.products import group_products

    return {identity(p.watch_id, p.key): p for p in group_products(topology, group_index)}


def script_products(ctx) -> dict[str, tuple[int, str, str]]:
    """What a script starts or stops on START/HOME with a good disk: identity -> (line, verb, shown name)."""
    from sogen.batch.events import Combination

    result = ctx.analysis[Combination(*START_HOME)]
    found: dict[str, tuple[int, str, str]] = {}
    for action in result.actions:
        if action.phase is None:
            continue
        arm = action.verb in ("ARMLOAD", "ARMKILL")
        key = identity(action.target if arm else None, action.product)
        if key:
            found.setdefault(key, (action.stmt.span.line, action.verb, action.target if arm else action.product))
    return found


@register
class TopologyProductMissing(TopologyRule):
    """
    ## What it does
    With `--topology`, checks that the start script starts, and the stop script
    stops, every product the topology puts in the group (on the START path of
    the highest-priority server).

    ## Why it matters in a cluster
    A product missing from the start script does not come up after a failover;
    one missing from the stop script keeps the switched partition busy, so the
    group cannot move. Both happen when a product is added to a running cluster
    and only one script is edited.

    ## Example
    ```batch
    rem checked against samples/single-standby.yaml
    rem stop.bat
    ARMKILL SOMailGateway
    ARMKILL StarOffice
    ```

    ## Use instead
    ```batch
    rem stop.bat
    ARMKILL WorkFlow
    ARMKILL SOMailGateway
    ARMKILL StarOffice
    net stop "MSSQLServer"
    ```

    ## Fix
    Not automatic: regenerate the scripts with `sogen generate`.
    """

    code = "SO801"
    name = "topology-product-missing"
    severity = ERROR

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if ctx.kind not in ("start", "stop"):
            return
        topology, group_index = ctx.topology, ctx.group
        planned = planned_keys(topology, group_index)
        found = set(script_products(ctx))
        group = topology.groups[group_index].name
        for key, product in planned.items():
            if key not in found:
                message = (
                    _("group {group} runs {product}, but this script never starts it")
                    if ctx.kind == "start"
                    else _("group {group} runs {product}, but this script never stops it")
                )
                yield self.finding(ctx, first_line(ctx), message.format(group=group, product=product.title))


@register
class TopologyProductExtra(TopologyRule):
    """
    ## What it does
    With `--topology`, checks that a script starts or stops no product the
    topology does not put in its group.

    ## Why it matters in a cluster
    A script that starts a product of another group (or one since removed)
    starts it twice after a failover, or fails because the service is not
    installed on this group's switched partition.

    ## Example
    ```batch
    rem checked against samples/multi-standby.yaml, group group2
    ARMLOAD StarOffice2 /S /M "StarOffice Server2"
    ARMLOAD WorkFlow /S /M "WWF Server"
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice2 /S /M "StarOffice Server2"
    ARMLOAD FormServer /S /M "StarOffice FormServer"
    ```

    ## Fix
    Not automatic: remove the line, or add the product to the group in the
    topology and regenerate.
    """

    code = "SO802"
    name = "topology-product-extra"
    severity = ERROR

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if ctx.kind not in ("start", "stop"):
            return
        topology, group_index = ctx.topology, ctx.group
        planned = planned_keys(topology, group_index)
        group = topology.groups[group_index].name
        for key, (line, verb, shown) in script_products(ctx).items():
            if key not in planned:
                yield self.finding(
                    ctx,
                    Span(line, 1, line, len(ctx.line_text(line)) + 1),
                    _("{command} of {name}, which the topology does not put in group {group}").format(
                        command=verb, name=shown, group=group
                    ),
                )


@register
class TopologyVirtualAddress(TopologyRule):
    """
    ## What it does
    With `--topology`, checks that OPCNTRL's `SELFHOST`, `SELFADDR`,
    `URLPREFIX` and `MASTERHOST` and FormServer's `HostName` name the group's
    virtual host name and virtual IP, and that somg.ini's `SelfIPAddress` names
    the group's CLUSTERPRO floating IP, which MailGateway needs (guide 2.2.1,
    2.2.2.3: the floating IP, not the virtual IP).

    ## Why it matters in a cluster
    Clients follow the group by its virtual address. A patch or ini file with
    another group's address (or the node's real one) works until the first
    failover, then sends everyone to a server that is no longer there.

    ## Example
    ```text
    ; checked against samples/single-standby.yaml
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    "SELFADDR"="192.168.10.11"     (SV1's real IP)
    ```

    ## Use instead
    ```text
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    "SELFADDR"="192.168.10.100"    (the group's virtual IP)
    ```

    ## Fix
    Not automatic: regenerate the patches with `sogen generate`.
    """

    code = "SO803"
    name = "topology-virtual-address"
    severity = ERROR
    languages = (REGISTRY, TEXT)  # the patches, somg.ini

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        group = ctx.topology.groups[ctx.group]
        if ctx.language == REGISTRY:
            yield from self._registry(ctx, group)
        elif PurePath(ctx.path).name.lower() == "somg.ini":
            for number, line in enumerate(ctx.lines, start=1):
                key, _sep, value = line.partition("=")
                if key.strip().lower() == "selfipaddress" and value.strip() != group.floating_ip:
                    yield self.finding(
                        ctx, Span(number, 1, number, len(line) + 1),
                        _("SelfIPAddress is {value}, but group {group}'s floating IP is {floating_ip}").format(
                            value=value.strip(), group=group.name, floating_ip=group.floating_ip
                        ),
                    )

    def _registry(self, ctx, group) -> Iterator[Finding]:
        expected = {
            "SELFHOST": group.virtual_host,
            "SELFADDR": group.virtual_ip,
            "URLPREFIX": f"http://{group.virtual_ip}",
            "MASTERHOST": group.virtual_host,
        }
        for key in ctx.reg.keys:
            upper = key.path.upper()
            if upper.endswith("\\OPCNTRL"):
                cluster = key.value("CLUSTER")
                if cluster is not None and (cluster.text or "").upper() == "NO":
                    continue  # a decommission patch points back at the real host on purpose
                pairs = expected.items()
            elif "\\ONLINESHELLMANAGER\\" in upper:
                pairs = (("HostName", group.virtual_ip),)
            else:
                continue
            for name, wanted in pairs:
                value = key.value(name)
                if value is not None and value.text is not None and value.text.lower() != wanted.lower():
                    yield self.finding(
                        ctx,
                        value.span,
                        _("{name} is {value}, but group {group} has {wanted}").format(
                            name=name, value=value.text, group=group.name, wanted=wanted
                        ),
                    )


_IMAGE_ROOT = re.compile(r"/R(\S+)", re.I)


@register
class TopologyInstallRoot(TopologyRule):
    """
    ## What it does
    With `--topology`, checks that `ALROOT` in the alenv files and backup
    script and the `/R` root of the service `ImagePath` are the group's
    install root.

    ## Why it matters in a cluster
    The install root must be on the group's switched partition: a root on
    another drive points maintenance commands and the service at data that
    does not move with the group, or at the other instance's data.

    ## Example
    ```batch
    rem checked against samples/multi-standby.yaml, group group2
    rem alenv2.bat
    SET ALROOT=D:\\SO1      (group 2's root is E:\\SO2)
    ```

    ## Use instead
    ```batch
    rem alenv2.bat
    SET ALROOT=E:\\SO2
    ```

    ## Fix
    Not automatic: regenerate with `sogen generate`.
    """

    code = "SO804"
    name = "topology-install-root"
    severity = ERROR
    languages = (BATCH, REGISTRY)  # alenv and backup scripts, the service patches

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        group = ctx.topology.groups[ctx.group]
        if not group.alroot:
            return
        if ctx.language == REGISTRY:
            for key in ctx.reg.keys:
                image = key.value("ImagePath")
                match = _IMAGE_ROOT.search(image.text or "") if image is not None else None
                if match and match.group(1).lower() != group.alroot.lower():
                    yield self.finding(
                        ctx,
                        image.span,
                        _("/R{root}, but group {group}'s install root is {alroot}").format(
                            root=match.group(1), group=group.name, alroot=group.alroot
                        ),
                    )
            return
        for stmt in ctx.statements:
            if isinstance(stmt, Set) and stmt.name.upper() == "ALROOT" and stmt.value.strip().lower() != group.alroot.lower():
                yield self.finding(
                    ctx,
                    stmt.span,
                    _("ALROOT={value}, but group {group}'s install root is {alroot}").format(
                        value=stmt.value.strip(), group=group.name, alroot=group.alroot
                    ),
                )


_SYNC_KEY = re.compile(r"^\s*- `(HKEY_[^`]+)`\s*$", re.I)
_GROUP_HEADING = re.compile(r"^## \d+\. (?:Failover group|フェイルオーバグループ) `([^`]+)`")  # RUNBOOK.md in English or Japanese


@register
class TopologySyncKeys(TopologyRule):
    """
    ## What it does
    With `--topology`, checks the registry synchronization keys that
    `RUNBOOK.md` tells the SE to enter for each group against the keys of the
    group's products.

    ## Why it matters in a cluster
    A key missing from the group's registry synchronization is not copied to
    the standby node: after a failover the product starts with the settings it
    had at install time (section 1.2.1 step 4, 2.2.4.1, 3.2 step 4).

    ## Example
    ```text
        <!-- checked against samples/single-standby.yaml -->
        ## 1. Failover group `sogroup`
        1. Registry synchronization keys:
           - `HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server`
           - `HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice MailGateway`
    ```

    ## Use instead
    ```text
        ## 1. Failover group `sogroup`
        1. Registry synchronization keys:
           - `HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server`
           - `HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice MailGateway`
           - `HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\WWF Server`
    ```

    ## Fix
    Not automatic: regenerate RUNBOOK.md with `sogen generate`.
    """

    code = "SO805"
    name = "topology-sync-keys"
    severity = WARNING
    languages = (TEXT,)
    topology = CLUSTER  # RUNBOOK.md describes every group

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if PurePath(ctx.path).name != "RUNBOOK.md":
            return
        topology = ctx.topology
        from sogen.topology.products import start_order

        listed: dict[str, tuple[int, list[str]]] = {}
        current = None
        for number, line in enumerate(ctx.lines, start=1):
            heading = _GROUP_HEADING.match(line)
            if heading:
                current = heading.group(1)
                listed[current] = (number, [])
            elif current and _SYNC_KEY.match(line):
                listed[current][1].append(_SYNC_KEY.match(line).group(1))
        for index, group in enumerate(topology.groups):
            wanted = [key for product in start_order(topology, index) for key in product.registry_sync]
            line, keys = listed.get(group.name, (1, []))
            if sorted(k.lower() for k in keys) != sorted(k.lower() for k in wanted):
                missing = [k for k in wanted if k.lower() not in {x.lower() for x in keys}]
                extra = [k for k in keys if k.lower() not in {x.lower() for x in wanted}]
                parts = ([_("missing {keys}").format(keys=", ".join(missing))] if missing else []) + (
                    [_("not for this group: {keys}").format(keys=", ".join(extra))] if extra else []
                )
                yield self.finding(
                    ctx, Span(line, 1, line, len(ctx.line_text(line)) + 1),
                    _("registry synchronization keys of group {group}: {problems}").format(
                        group=group.name, problems=_("; ").join(parts)
                    ),
                )


@register
class TopologyVersionKey(TopologyRule):
    """
    ## What it does
    With `--topology`, checks that every StarOffice key of a `.reg` patch
    (`HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\<product>\\<version key>\\...`) spells
    the version key as the topology's `settings.version_key` does
    (`Current Version` by default, or `CurrentVersion`). Without a topology,
    SO606 compares the patches with each other.

    ## Why it matters in a cluster
    The guide writes the key both ways (`Current Version` eight times,
    `CurrentVersion` once). The topology records the one the installation has:
    a patch with the other spelling imports into a new key StarOffice never
    reads, and the group answers on the real host after a failover.

    ## Example
    ```text
    ; checked against samples/single-standby.yaml
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\CurrentVersion\\OPCNTRL]
    ```

    ## Use instead
    ```text
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    ```

    ## Fix
    Not automatic: set `settings.version_key` to the installation's spelling and
    regenerate the patches with `sogen generate`.
    """

    code = "SO806"
    name = "topology-version-key"
    severity = ERROR

    languages = (REGISTRY,)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        topology = ctx.topology
        from sogen.lint.rules.registry import version_key_spelling

        wanted = topology.settings.version_key
        for key in ctx.reg.keys:
            spelling = version_key_spelling(key.path)
            if spelling is not None and spelling.lower() != wanted.lower():
                yield self.finding(
                    ctx,
                    key.span,
                    _("version key {spelling}, but the topology's settings.version_key is {wanted}").format(
                        spelling=repr(spelling), wanted=repr(wanted)
                    ),
                )


@register
class TopologyRegFormat(TopologyRule):
    """
    ## What it does
    With `--topology`, checks that no `.reg` patch is a version 5.00 file
    (`Windows Registry Editor Version 5.00`) when the topology's
    `settings.reg_format` is `regedit4` (the default): the nodes' regedit reads
    only `REGEDIT4`. A `REGEDIT4` patch is read by every regedit, whichever the
    topology says.

    ## Why it matters in a cluster
    The guide's servers run Windows NT 4.0 (1.1.3), whose regedit reads only
    `REGEDIT4` files and refuses a version 5.00 one whole: none of its values is
    written, and the group fails over to a server that still has the old ones.
    A patch exported on a newer server and copied beside the scripts has the
    newer header; the topology says which the nodes run.

    ## Example
    ```text
    ; checked against samples/single-standby.yaml
    Windows Registry Editor Version 5.00
    ```

    ## Use instead
    ```text
    REGEDIT4
    ```

    ## Fix
    Not automatic: regenerate the patch with `sogen generate` (it writes the
    topology's format), or set `settings.reg_format` to `v5` if the nodes run
    Windows 2000 or later.
    """

    code = "SO807"
    name = "topology-reg-format"
    severity = ERROR

    languages = (REGISTRY,)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if ctx.reg.header == "v5" and ctx.topology.settings.reg_format == "regedit4":
            yield self.finding(
                ctx,
                ctx.first_line_span(),
                _(
                    "a version 5.00 .reg file, but the topology's settings.reg_format is regedit4 (Windows NT 4.0): "
                    "its regedit refuses the file whole; write it as REGEDIT4"
                ),
            )
