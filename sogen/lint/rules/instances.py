"""SO501-SO504: the two StarOffice instances of a multi standby cluster never cross."""

from __future__ import annotations

import ntpath
import os
from collections.abc import Iterator

from sogen.i18n import _
from sogen.catalogue import ALENV_NAME, load_catalogue
from sogen.lint.context import FileContext
from sogen.batch.ir import Command, Set, Span
from sogen.lint.rules.arm import option_value
from sogen.lint.rules.base import ERROR, Finding, Rule, ClusterRule, register

ARM_WATCH_COMMANDS = ("armload", "armkill", "armloadc")


def watch_target(command: Command) -> str | None:
    if command.program in ARM_WATCH_COMMANDS and command.args:
        return command.args[0].value
    return None


def service_target(command: Command) -> tuple[str, Span] | None:
    """The service a line starts or stops: ARMLOAD's /M value, or net start/stop's argument."""
    if command.program == "armload":
        found = option_value(command, "/M")
        if found and found[1]:
            words = found[1]
            return " ".join(w.value for w in words), words[0].span
    if command.program == "net" and len(command.args) >= 2 and command.args[0].value.lower() in ("start", "stop"):
        words = command.args[1:]
        return " ".join(w.value for w in words), words[0].span
    return None


def script_instance(ctx: FileContext) -> tuple[int, Command] | None:
    """The StarOffice instance a script works on: that of its first instance-specific watch ID."""
    specific = load_catalogue().instance_specific_ids
    for command in ctx.commands:
        target = watch_target(command)
        if target and target.lower() in specific:
            return specific[target.lower()][1], command
    return None


@register
class InstanceMismatch(Rule):
    """
    ## What it does
    Checks that a script uses the identifiers of one StarOffice instance only:
    watch ID `StarOffice` goes with the service `"StarOffice Server"`, watch ID
    `StarOffice2` with `"StarOffice Server2"`, on every line.

    ## Why it matters in a cluster
    In multi standby both instances can run on one node after a failover. A
    group 2 script that starts `"StarOffice Server"` under watch ID `StarOffice2`
    starts (and on stop, kills) group 1's server: a failover of one group takes
    the other down. The guide's own revisions mix the two names up.

    ## Example
    ```batch
    ARMLOAD StarOffice2 /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice2 /S /M "StarOffice Server2"
    ```

    ## Fix
    Not automatic: use the identifiers of the group's own instance (`sogen
    products` lists them).
    """

    code = "SO501"
    name = "instance-mismatch"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        found = script_instance(ctx)
        if found is None:
            return
        instance, first = found
        specific = load_catalogue().instance_specific_ids
        for command in ctx.commands:
            watch = watch_target(command)
            watch_instance = specific.get(watch.lower(), (None, None))[1] if watch else None
            service = service_target(command)
            service_instance = specific.get(service[0].lower(), (None, None))[1] if service else None
            if watch_instance and service_instance and watch_instance != service_instance:
                yield self.finding(
                    ctx,
                    service[1],
                    _(
                        "{service} is instance {service_instance}'s service, but watch ID {watch_id} on this line "
                        "is instance {watch_instance}'s"
                    ).format(
                        service=repr(service[0]),
                        service_instance=service_instance,
                        watch_id=watch,
                        watch_instance=watch_instance,
                    ),
                )
            elif (watch_instance or service_instance or instance) != instance:
                name, span = (watch, command.args[0].span) if watch_instance else service
                yield self.finding(
                    ctx,
                    span,
                    _(
                        "{name} belongs to StarOffice instance {other}, but this script "
                        "works on instance {instance} (line {line})"
                    ).format(name=repr(name), other=watch_instance or service_instance, instance=instance, line=first.span.line),
                )


def _alenv_sets(ctx: FileContext) -> dict[str, Set]:
    """Upper-case variable name -> its last SET in the file."""
    return {s.name.upper(): s for s in ctx.statements if isinstance(s, Set) and not s.arithmetic}


def _expected_alenv(number: int) -> dict[str, str]:
    catalogue = load_catalogue()
    env = catalogue.instance_envs[number]
    return {
        "ALSERVICE": catalogue.product("staroffice-server").instance(number).service,
        "ALPROC": env.alproc,
        "ALSOCKET": env.alsocket,
    }


@register
class AlenvMismatch(Rule):
    """
    ## What it does
    Checks `alenv1.bat` / `alenv2.bat`: `ALSERVICE`, `ALPROC` and `ALSOCKET` are
    those of instance 1 (`StarOffice Server`, `al2`, `al2`) or instance 2
    (`StarOffice Server2`, `alw2`, `al2`), `ALROOT` is set, and `PATH` adds
    `%ALROOT%\\BIN`.

    ## Why it matters in a cluster
    Every StarOffice maintenance command (setup, backup, restore, `al2stop`) acts
    on the instance these variables name. The guide warns that a command run with
    the wrong environment "may destroy the other server's environment" — and its
    own section 3.4.1 gives an `alenv2.bat` with `ALSERVICE=StarOffice Server`.

    ## Example
    ```batch
    rem alenv2.bat
    SET ALROOT=E:\\SO2
    SET ALSERVICE=StarOffice Server
    SET ALPROC=alw2
    ```

    ## Use instead
    ```batch
    rem alenv2.bat
    SET ALROOT=E:\\SO2
    SET ALSERVICE=StarOffice Server2
    SET ALPROC=alw2
    SET ALSOCKET=al2
    SET PATH=%PATH%;%ALROOT%\\BIN
    ```

    ## Fix
    Not automatic: set the value the message names.
    """

    code = "SO502"
    name = "alenv-mismatch"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        match = ALENV_NAME.fullmatch(os.path.basename(ctx.path))
        if not match or int(match.group(1)) not in load_catalogue().instance_envs:
            return
        number = int(match.group(1))
        sets = _alenv_sets(ctx)
        file_start = Span(1, 1, 1, len(ctx.line_text(1)) + 1)
        for variable, wanted in _expected_alenv(number).items():
            found = sets.get(variable)
            if found is None:
                yield self.finding(
                    ctx,
                    file_start,
                    _("alenv{number}.bat does not set {variable} (instance {number}: {variable}={wanted})").format(
                        number=number, variable=variable, wanted=wanted
                    ),
                )
            elif found.value != wanted:  # cmd keeps trailing blanks: "StarOffice Server " names no service
                yield self.finding(
                    ctx,
                    found.span,
                    _("{variable}={value} is not instance {number}'s value: {variable}={wanted}").format(
                        variable=variable, value=repr(found.value), number=number, wanted=wanted
                    ),
                )
        if "ALROOT" not in sets:
            yield self.finding(
                ctx,
                file_start,
                _("alenv{number}.bat does not set ALROOT, the install root of instance {number}").format(number=number),
            )
        path = sets.get("PATH")
        if path is None:
            yield self.finding(
                ctx, file_start, _("alenv{number}.bat does not add %ALROOT%\\BIN to PATH").format(number=number)
            )
        elif "%alroot%\\bin" not in path.value.lower():
            yield self.finding(
                ctx, path.span, _("PATH does not add %ALROOT%\\BIN: StarOffice commands would come from elsewhere")
            )


def _same_value(variable: str, value: str) -> str:
    """A value as compared: ALROOT as a Windows path (case and a trailing backslash do not matter)."""
    value = value.strip().lower()
    return ntpath.normpath(value).rstrip("\\") if variable == "ALROOT" else value


@register
class AlenvCollision(ClusterRule):
    """
    ## What it does
    Compares the `alenvN.bat` files of one cluster (a folder with the
    `manifest.json` sogen writes or CLUSTERPRO X's `clp.conf`, else the group
    folders side by side in one folder): no two
    may set the same `ALROOT`, `ALSERVICE` or `ALPROC`.

    ## Why it matters in a cluster
    Two environment files that share a root, a service or a process name make
    two "instances" that are really one: maintenance run for server 2 changes
    server 1's data, and the two services fight over one install directory
    after a failover.

    ## Example
    ```batch
    rem alenv1.bat
    SET ALROOT=D:\\SO
    rem alenv2.bat
    SET ALROOT=D:\\SO
    ```

    ## Use instead
    ```batch
    rem alenv1.bat
    SET ALROOT=D:\\SO1
    rem alenv2.bat
    SET ALROOT=E:\\SO2
    ```

    ## Fix
    Not automatic: give each instance its own root (on its own group's switched
    partition), service and process name.
    """

    code = "SO503"
    name = "alenv-collision"
    severity = ERROR
    VARIABLES = ("ALROOT", "ALSERVICE", "ALPROC")

    @staticmethod
    def summarize(ctx: FileContext) -> object:
        if not ALENV_NAME.fullmatch(os.path.basename(ctx.path)):
            return None
        return {
            name: (_same_value(name, stmt.value), stmt.value.strip(), stmt.span, ctx.line_text(stmt.span.line))
            for name, stmt in _alenv_sets(ctx).items()
            if name in AlenvCollision.VARIABLES
        }

    def check_cluster(self, summaries: dict[str, object]) -> Iterator[Finding]:
        seen: dict[tuple[str, str], str] = {}
        for display_path in sorted(summaries, key=lambda p: (os.path.basename(p).lower(), p)):
            values = summaries[display_path]
            if not values:
                continue
            for variable in self.VARIABLES:
                if variable not in values:
                    continue
                key, shown, span, source = values[variable]
                if (variable, key) in seen:
                    yield self.finding_at(
                        display_path,
                        span,
                        source,
                        _("{variable}={value} is also set by {path}: each instance needs its own").format(
                            variable=variable, value=shown, path=seen[(variable, key)]
                        ),
                    )
                else:
                    seen[(variable, key)] = display_path


@register
class SingleStandbyProduct(Rule):
    """
    ## What it does
    Checks that a script of StarOffice instance 2 (it uses watch ID
    `StarOffice2`) starts no product that supports single standby only:
    WorkFlow, MailGateway-SMTP and their databases.

    ## Why it matters in a cluster
    These products exist once per cluster and run in group 1 (sections 2.1.1
    and 3.1.1). Started from group 2 as well, two copies run against one
    database or one mail spool after a failover, or group 2 fails to start
    because the service is not installed on its disk.

    ## Example
    ```batch
    ARMLOAD StarOffice2 /S /M "StarOffice Server2"
    ARMLOAD WorkFlow /S /M "WWF Server"
    ```

    ## Use instead
    ```batch
    ARMLOAD StarOffice2 /S /M "StarOffice Server2"
    ```

    ## Fix
    Not automatic: start the product from group 1's script; server 2 reaches
    WorkFlow through a server link (section 3.4.1).
    """

    code = "SO504"
    name = "single-standby-product"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        found = script_instance(ctx)
        if found is None or found[0] != 2:
            return
        catalogue = load_catalogue()
        by_watch = {watch.lower(): found for watch, found in catalogue.by_watch_id.items()}
        for command in ctx.commands:
            starts = command.program == "armload" or (
                command.program == "net" and command.args and command.args[0].value.lower() == "start"
            )
            if not starts:
                continue
            # Known by its watch ID, or by the service it starts under any watch ID.
            watch = watch_target(command)
            service = service_target(command)
            product = by_watch.get(watch.lower(), (None,))[0] if watch else None
            if product is None and service:
                product = (catalogue.identify_service(service[0]) or (None,))[0]
            if product is not None and not product.multi_standby:
                where = (
                    _("not in a multi standby cluster at all")
                    if product.single_standby_only
                    else _("start it from group 1's script, not from instance 2's")
                )
                yield self.finding(
                    ctx,
                    command.span,
                    _("{product} supports single standby only: {where}").format(product=product.title, where=where),
                )
