"""SO601-SO606: registry patches (.reg), where a typo silently does nothing."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import cache, lru_cache

from sogen.i18n import _
from sogen.catalogue import load_catalogue
from sogen.lint.context import RegContext
from sogen.regfile.reader import HIVES, REG_MULTI_SZ, RegKey, RegValue, expected_encoding_problem
from sogen.lint.rules.base import ERROR, REGISTRY, Finding, RegistryRule, ClusterRule, register

HIVE_ABBREVIATIONS = {
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKCU": "HKEY_CURRENT_USER",
    "HKCR": "HKEY_CLASSES_ROOT",
    "HKU": "HKEY_USERS",
    "HKCC": "HKEY_CURRENT_CONFIG",
}
# Key names a StarOffice cluster's patches use; a near miss of one is a typo.
WELL_KNOWN_SEGMENTS = (
    "SOFTWARE",
    "SYSTEM",
    "CurrentControlSet",
    "ControlSet001",
    "ControlSet002",
    "Services",
    "Control",
    "Microsoft",
    "Windows",
    "Windows NT",
    "CurrentVersion",
    "Current Version",
    "NEC",
    "OPCNTRL",
    "SRVCNTRL",
    "PROCINFO",
    "OnlineShellManager",
    "Environment",
    "Session Manager",
)
_INDEXED = re.compile(r"^(.*)\[\d+\]$")
# Windows numbers its control sets; any number is a real key name.
_NUMBERED_CONTROL_SET = re.compile(r"ControlSet\d{3}", re.I)


@cache
def known_segments() -> dict[str, str]:
    """Lower-case -> canonical spelling, catalogue product keys included."""
    names = set(WELL_KNOWN_SEGMENTS)
    for product in load_catalogue().products.values():
        for instance in product.instances:
            names.add(instance.service)
            for key in instance.registry_sync:
                names.update(key.split("\\")[1:])
    return {name.lower(): name for name in names}


@lru_cache(maxsize=4096)
def near_miss(segment: str) -> str | None:
    """The well-known name ``segment`` is a misspelling of, if any."""
    base = _INDEXED.sub(r"\1", segment)
    known = known_segments()
    if base.lower() in known or len(base) < 3 or _NUMBERED_CONTROL_SET.fullmatch(base):
        return None
    close = difflib.get_close_matches(base.lower(), list(known), n=1, cutoff=0.85)
    return known[close[0]] if close else None


@register
class RegistrySyntax(RegistryRule):
    """
    ## What it does
    Checks that a `.reg` file has a known header and that every line is a
    `[key]`, a `"name"=value` line or a `;` comment, with only `\\\\` and `\\"`
    as escapes in strings, no value before the first key and none under a
    `[-key]` line, which deletes the key and writes none of them. Only hex data
    goes on on the next line after a backslash (regedit reads a string or a
    `dword` that ends in one as a line of its own).

    ## Why it matters in a cluster
    regedit skips what it cannot read without saying which line it skipped: a
    patch with a malformed line imports "successfully" and leaves the cluster
    value unset, which is found only when the group fails over.

    ## Example
    ```text
    Windows Registry Editor Version 5.00
    "CLUSTER"="YES"
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\CurrentVersion\\OPCNTRL]
    "SELFADDR"=192.168.10.100
    ```

    ## Use instead
    ```text
    Windows Registry Editor Version 5.00

    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\CurrentVersion\\OPCNTRL]
    "CLUSTER"="YES"
    "SELFADDR"="192.168.10.100"
    ```

    ## Fix
    Not automatic: correct the line the finding points at.
    """

    code = "SO601"
    name = "reg-syntax"
    severity = ERROR

    def check(self, ctx: RegContext) -> Iterator[Finding]:
        for problem in ctx.reg.problems:
            yield self.finding(ctx, problem.span, problem.message)


@register
class RegistryEncoding(RegistryRule):
    """
    ## What it does
    Checks that regedit reads a `.reg` file as it is written: a version 5.00 file
    is UTF-16LE with a BOM (or ASCII only), a `REGEDIT4` file code page 932 text
    without a BOM; and that the `hex(1)`, `hex(2)` and `hex(7)` string data is
    in the width of the header: UTF-16LE (a `00` after each character) in a
    version 5.00 file, single bytes in a `REGEDIT4` one.

    ## Why it matters in a cluster
    regedit refuses a file in UTF-16 without a BOM or big-endian ("not a registry
    script"), and reads a version 5.00 file that is not UTF-16 and a `REGEDIT4`
    file always in the ANSI code page: Japanese key names (FormServer online
    shell titles) and messages arrive garbled, and the patch creates keys nobody
    reads. String data in the other width is worse: a version 5.00 export relabelled
    `REGEDIT4` for Windows NT 4.0 sets the service's `ImagePath` to its first
    character, and the StarOffice service no longer starts.

    ## Example
    ```text
    REGEDIT4

    [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\StarOffice Server]
    "ImagePath"=hex(2):44,00,3a,00,5c,00,53,00,4f,00,5c,00,62,00,69,00,6e,00,00,00
    ```

    ## Use instead
    ```text
    REGEDIT4

    [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\StarOffice Server]
    "ImagePath"=hex(2):44,3a,5c,53,4f,5c,62,69,6e,00
    ```

    ## Fix
    Not automatic: save the file as "Unicode" (UTF-16LE) or, for `REGEDIT4`, in
    code page 932, write the string data in the header's width, or regenerate it
    with `sogen generate`.
    """

    code = "SO602"
    name = "reg-encoding"
    severity = ERROR

    def check(self, ctx: RegContext) -> Iterator[Finding]:
        problem = expected_encoding_problem(ctx.reg)
        if problem:
            yield self.finding(ctx, ctx.first_line_span(), problem)
        for key in ctx.reg.keys:
            for value in key.values:
                if value.other_width:
                    if value.wide is False and value.hex_type == REG_MULTI_SZ:
                        message = _(
                            "hex({type}) string data in UTF-16 in a REGEDIT4 file: regedit reads it in the ANSI "
                            "code page, where each 00 ends a string, and the list holds one character per string; "
                            "write one byte per character"
                        )
                    elif value.wide:
                        message = _(
                            "hex({type}) string data in single bytes in a version 5.00 file: regedit reads it as "
                            "UTF-16LE and writes other characters; write a 00 after each character"
                        )
                    else:
                        message = _(
                            "hex({type}) string data in UTF-16 in a REGEDIT4 file: regedit reads it in the ANSI "
                            "code page, and the value ends at the first 00, after its first character; "
                            "write one byte per character"
                        )
                    yield self.finding(ctx, value.span, message.format(type=value.hex_type))


@register
class RegistryUnknownPath(RegistryRule):
    """
    ## What it does
    Checks every key path: it must start with a full hive name, and no segment
    may be a near miss of a well-known name (`CurrentControSet`, `SOFTWRE`,
    `StarOfice Server`).

    ## Why it matters in a cluster
    regedit creates whatever key it is told to: a misspelt segment writes the
    value into a new key that Windows and StarOffice never read. Section 1.2.2 of
    the guide itself writes `CurrentControSet`, so the instance keeps its old
    service command line and the two StarOffice instances collide.

    ## Example
    ```text
    [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControSet\\Services\\StarOffice Server2]
    [HKLM\\SOFTWARE\\NEC\\StarOffice Server]
    ```

    ## Use instead
    ```text
    [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\StarOffice Server2]
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server]
    ```

    ## Fix
    Not automatic: correct the segment the message names.
    """

    code = "SO603"
    name = "reg-unknown-path"
    severity = ERROR

    def check(self, ctx: RegContext) -> Iterator[Finding]:
        for key in ctx.reg.keys:
            message = self.problem(key)
            if message:
                yield self.finding(ctx, key.span, message)

    @staticmethod
    def problem(key: RegKey) -> str | None:
        segments = key.path.split("\\")
        hive = segments[0].upper()
        if hive in HIVE_ABBREVIATIONS:
            return _("{hive} is an abbreviation regedit does not accept in a .reg file: write {full}").format(
                hive=segments[0], full=HIVE_ABBREVIATIONS[hive]
            )
        if hive not in HIVES:
            return _("unknown hive {hive}: a key starts with one of {hives}").format(
                hive=repr(segments[0]), hives=", ".join(HIVES)
            )
        for segment in segments[1:]:
            if not segment:
                return _("empty key name (two backslashes in a row, or one at the end)")
            if key.delete:
                continue  # deleting a misspelt key is how a stray one is cleaned up
            intended = near_miss(segment)
            if intended:
                return _("{segment} looks like a misspelling of {intended}: regedit would create a key nothing reads").format(
                    segment=repr(segment), intended=repr(intended)
                )
        return None


def _string(value: RegValue | None) -> str | None:
    return value.text if value is not None else None


@register
class OpcntrlInconsistent(RegistryRule):
    """
    ## What it does
    Checks the values of a StarOffice `OPCNTRL` key against each other:
    `CLUSTER` is the string `"YES"` or `"NO"`, the host in `URLPREFIX` is
    `SELFADDR`, and `MASTERHOST` is `SELFHOST`.

    ## Why it matters in a cluster
    In a cluster StarOffice must answer on the virtual IP and virtual host name
    (section 1.2.1). A `URLPREFIX` left at the real IP sends clients to the node
    that just failed; a `MASTERHOST` left at the real host name breaks server
    links after failover; a DWORD `CLUSTER` is not read at all.

    ## Example
    ```text
    REGEDIT4

    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    "CLUSTER"=dword:00000001
    "SELFADDR"="192.168.10.100"
    "URLPREFIX"="http://192.168.10.11"
    ```

    ## Use instead
    ```text
    REGEDIT4

    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    "CLUSTER"="YES"
    "SELFADDR"="192.168.10.100"
    "URLPREFIX"="http://192.168.10.100"
    ```

    ## Fix
    Not automatic: set the value to the one the message names.
    """

    code = "SO604"
    name = "opcntrl-inconsistent"
    severity = ERROR

    def check(self, ctx: RegContext) -> Iterator[Finding]:
        for key in ctx.reg.merged_keys():
            if key.delete or not key.path.upper().endswith("\\OPCNTRL"):
                continue
            cluster = key.value("CLUSTER")
            if cluster is not None and cluster.kind != "delete" and _string(cluster) not in ("YES", "NO"):
                shown = repr(cluster.data) if cluster.kind == "string" else _("a {kind} value").format(kind=cluster.kind)
                yield self.finding(
                    ctx, cluster.span, _('CLUSTER is {value}; StarOffice reads the string "YES" or "NO"').format(value=shown)
                )
            prefix, address = key.value("URLPREFIX"), _string(key.value("SELFADDR"))
            if _string(prefix) is not None and address is not None:
                host = re.sub(r"^[a-z]+://", "", _string(prefix), flags=re.I).split("/")[0].split(":")[0]
                if host.lower() != address.lower():
                    yield self.finding(
                        ctx,
                        prefix.span,
                        _("URLPREFIX points at {host}, but SELFADDR is {address}: clients must reach the virtual IP").format(
                            host=host, address=address
                        ),
                    )
            master, selfhost = key.value("MASTERHOST"), _string(key.value("SELFHOST"))
            if _string(master) is not None and selfhost is not None and _string(master).lower() != selfhost.lower():
                yield self.finding(
                    ctx,
                    master.span,
                    _("MASTERHOST is {master}, but SELFHOST is {selfhost}: both must be the virtual host name").format(
                        master=_string(master), selfhost=selfhost
                    ),
                )


_IMAGE_PATH = re.compile(
    r"""^"?(?P<exe>[^"]+?\\al2start\.exe)"?\s+/R(?P<root>\S+)\s+/C\s*(?P<name>"[^"]*"|[^/]+?)\s+/P(?P<proc>\S+)\s+/S(?P<sock>\S+)\s*$""",
    re.I,
)


def _instance_of_service(name: str) -> tuple[int, str] | None:
    """(instance number, its process name) for a StarOffice service name."""
    catalogue = load_catalogue()
    staroffice = catalogue.product("staroffice-server")
    for number, inst in enumerate(staroffice.instances, start=1):
        if inst.service.lower() == name.lower():
            return number, catalogue.instance_envs[number].alproc
    return None


@register
class ImagePathMismatch(RegistryRule):
    """
    ## What it does
    Checks the `ImagePath` of a StarOffice service key
    (`...\\Services\\StarOffice Server` or `StarOffice Server2`): the `/C` name
    is the key's service name, in double quotes; `/P` is the instance's process
    name (`al2` for instance 1, `alw2` for instance 2); `/R` is the root the
    `al2start.exe` path starts with.

    ## Why it matters in a cluster
    In multi standby these arguments are all that keeps the two StarOffice
    instances apart on one node (section 1.2.2). The guide's own section 3.4.1
    gives `/Palw` and `/PAL2OBJ`; with a wrong `/P` or `/R`, the instance starts
    with the other's environment and "may destroy the other server's environment".

    ## Example
    ```text
    REGEDIT4

    [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\StarOffice Server2]
    "ImagePath"="E:\\\\SO2\\\\bin\\\\al2start.exe /RE:\\\\SO2 /C StarOffice Server2 /Palw /Sal2"
    ```

    ## Use instead
    ```text
    REGEDIT4

    [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\StarOffice Server2]
    "ImagePath"="E:\\\\SO2\\\\bin\\\\al2start.exe /RE:\\\\SO2 /C \\"StarOffice Server2\\" /Palw2 /Sal2"
    ```

    ## Fix
    Not automatic: correct the argument the message names.
    """

    code = "SO605"
    name = "imagepath-mismatch"
    severity = ERROR

    def check(self, ctx: RegContext) -> Iterator[Finding]:
        for key in ctx.reg.merged_keys():  # a later section of the same key wins
            parent, _sep, service = key.path.rpartition("\\")
            if key.delete or not parent.lower().endswith("\\services"):
                continue
            image = _string(key.value("ImagePath"))
            if image is None or "al2start" not in image.lower():
                continue
            problems = self.problems(service, image)
            if problems:
                yield self.finding(ctx, key.value("ImagePath").span, _("; ").join(problems))

    @staticmethod
    def problems(service: str, image: str) -> list[str]:
        match = _IMAGE_PATH.match(image)
        if not match:
            return [
                _('the command line is not `<root>\\bin\\al2start.exe /R<root> /C "<service>" /P<process> /S<socket>`')
            ]
        problems = []
        name = match["name"].strip()
        unquoted = name.strip('"')
        if unquoted.lower() != service.lower():
            problems.append(
                _("/C names {name}, but this is the key of {service}").format(name=repr(unquoted), service=repr(service))
            )
        if " " in unquoted and not name.startswith('"'):
            problems.append(_("/C {name} must be in double quotes").format(name=unquoted))
        instance = _instance_of_service(service)
        if instance and match["proc"].lower() != instance[1]:
            problems.append(
                _("/P{process} should be /P{wanted}, the process name of instance {instance}").format(
                    process=match["proc"], wanted=instance[1], instance=instance[0]
                )
            )
        exe_root = (
            match["exe"][: -len("\\bin\\al2start.exe")]
            if match["exe"].lower().endswith("\\bin\\al2start.exe")
            else None
        )
        if exe_root is not None and exe_root.lower() != match["root"].lower():
            problems.append(
                _("/R{root} differs from the root {exe_root} that al2start.exe is in").format(
                    root=match["root"], exe_root=exe_root
                )
            )
        return problems


# StarOffice's version key under HKEY_LOCAL_MACHINE\SOFTWARE\NEC\<product>: the guide writes it
# both ways (DOMAIN.md), so either is accepted; a tree that uses both writes one key nobody reads.
VERSION_KEY_SPELLINGS = ("Current Version", "CurrentVersion")
_VERSION_KEY = re.compile(r"^HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\[^\\]+\\(current ?version)(?:\\|$)", re.I)


def version_key_spelling(path: str) -> str | None:
    """The version key segment of a StarOffice product key, as written, or None."""
    match = _VERSION_KEY.match(path)
    return match.group(1) if match else None


@register
class VersionKeyMixed(ClusterRule):
    """
    ## What it does
    Compares the version key of every StarOffice key
    (`HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\<product>\\<version key>\\...`) in the
    `.reg` files of one cluster: `Current Version` and `CurrentVersion` are
    both accepted, but not both in one tree. The spelling most keys use is
    taken as the installation's; the others are reported.

    ## Why it matters in a cluster
    The guide writes `Current Version` eight times and `CurrentVersion` once,
    just before a page break. A StarOffice installation has one of the two: a
    patch with the other spelling imports "successfully" into a new key that
    StarOffice never reads, so the node keeps its real host name in OPCNTRL and
    clients are sent to a server that is gone after the first failover.

    ## Example
    ```text
    ; opcntrl.reg
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    ; decommission-SV1.reg
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\CurrentVersion\\OPCNTRL]
    ```

    ## Use instead
    ```text
    ; opcntrl.reg
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    ; decommission-SV1.reg
    [HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Current Version\\OPCNTRL]
    ```

    ## Fix
    Not automatic: check which key the installation has (regedit on a node),
    set `settings.version_key` to it and regenerate with `sogen generate`.
    """

    code = "SO606"
    name = "version-key-mixed"
    severity = ERROR
    languages = (REGISTRY,)

    @staticmethod
    def summarize(ctx: RegContext) -> object:
        found = [
            (spelling, key.span, ctx.line_text(key.span.line))
            for key in ctx.reg.keys
            if (spelling := version_key_spelling(key.path)) is not None
        ]
        return found or None

    def check_cluster(self, summaries: dict[str, object]) -> Iterator[Finding]:
        uses: dict[str, int] = {}
        for display_path in sorted(summaries):
            for spelling, _span, _source in summaries[display_path]:
                uses[_canonical(spelling)] = uses.get(_canonical(spelling), 0) + 1
        if len(uses) < 2:
            return
        # The majority spelling is the installation's; on a tie, the guide's Current Version.
        chosen = max(VERSION_KEY_SPELLINGS, key=lambda spelling: uses.get(spelling, 0))
        for display_path in sorted(summaries):
            for spelling, span, source in summaries[display_path]:
                if _canonical(spelling) != chosen:
                    yield self.finding_at(
                        display_path,
                        span,
                        source,
                        _(
                            "version key {spelling}, but {count} key(s) of these patches use {chosen}: "
                            "the installation has one of them, and the other patch writes a key StarOffice never reads"
                        ).format(spelling=repr(spelling), count=uses[chosen], chosen=repr(chosen)),
                    )


def _canonical(spelling: str) -> str:
    return VERSION_KEY_SPELLINGS[0] if " " in spelling else VERSION_KEY_SPELLINGS[1]
