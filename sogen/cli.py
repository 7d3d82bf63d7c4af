"""The `sogen` command. Heavy modules are imported inside the commands."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from sogen import __version__

app = typer.Typer(
    name="sogen",
    help="Generate, lint and migrate CLUSTERPRO failover scripts for StarOffice clusters.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _version(value: bool) -> None:
    if value:
        print(f"sogen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = None,
) -> None:
    """Generate, lint and migrate CLUSTERPRO failover scripts for StarOffice clusters."""


def err(message: str) -> None:
    print(message, file=sys.stderr)


def _load(topology: Path, *, writing: bool = True):
    """Load and validate, or print every problem and exit 2."""
    from sogen.topology.load import TopologyError, load_topology

    try:
        return load_topology(topology)
    except TopologyError as exc:
        for problem in exc.problems:
            err(str(problem))
        count = len(exc.problems)
        consequence = "; nothing was written" if writing else ""
        err(f"{count} problem{'s' if count != 1 else ''} in {topology}{consequence}")
        raise typer.Exit(EXIT_USAGE) from None


TopologyArg = Annotated[Path, typer.Argument(help="Topology file (YAML or JSON).", show_default=False)]


@app.command()
def validate(topology: TopologyArg) -> None:
    """Check a topology file and report every problem with its line and column."""
    t = _load(topology, writing=False)
    groups = ", ".join(g.name for g in t.groups)
    print(f"{topology}: valid {t.cluster.mode} topology ({len(t.cluster.nodes)} nodes; groups: {groups})")


def _generated(topology: Path):
    from sogen.generate import generate
    from sogen.topology.load import topology_hash

    t = _load(topology)
    return generate(t, topology_hash(t.model_dump(mode="json")), topology.name)


@app.command()
def generate(
    topology: TopologyArg,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("out"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite files sogen did not write or that were edited.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 with a diff when OUT is not up to date (for CI).")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print what would change as a unified diff; write nothing.")] = False,
) -> None:
    """Write start/stop scripts, alenv, backup, registry patches, RUNBOOK.md and manifest.json."""
    from sogen.output import OutputError, compare, unified_diff, write

    files = _generated(topology)
    try:
        if check or diff:
            text = unified_diff(out, files)
            sys.stdout.write(text)
            if check:
                changes = compare(out, files)
                if changes.differs:
                    err(f"{out} is not up to date with {topology}: run sogen generate {topology} -o {out}")
                    raise typer.Exit(EXIT_FINDINGS)
                err(f"{out} is up to date")
            return
        changes = write(out, files, force=force)
    except OutputError as exc:
        err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as exc:
        err(f"{exc.filename or out}: {exc.strerror}; nothing was written")
        raise typer.Exit(EXIT_USAGE) from None
    parts = [f"{len(changes.created)} created", f"{len(changes.updated)} updated", f"{len(changes.unchanged)} unchanged"]
    if changes.removed:
        parts.append(f"{len(changes.removed)} removed")
    err(f"{out}: {', '.join(parts)}; read {out / 'RUNBOOK.md'} for the manual steps")


class Mode(str, Enum):
    single = "single-standby"
    multi = "multi-standby"


@app.command()
def init(
    mode: Annotated[Mode, typer.Option("--mode", help="Cluster mode of the starter.")] = Mode.single,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: print).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter topology."""
    from sogen.generate import render

    text = render("starter.yaml.j2", mode=mode.value)
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        err(f"{output}: exists; use --force to overwrite it")
        raise typer.Exit(EXIT_USAGE)
    output.write_text(text, encoding="utf-8")
    err(f"{output}: written; edit it, then run sogen validate {output}")


@app.command()
def schema() -> None:
    """Print the topology's JSON Schema."""
    from sogen.topology.schema import schema_text

    sys.stdout.write(schema_text())


@app.command()
def products() -> None:
    """List the product catalogue: watch IDs, services, sync keys, dependencies."""
    from sogen.catalogue import load_catalogue

    catalogue = load_catalogue()
    for product in catalogue.products.values():
        print(f"{product.id}  ({product.title}, chapter {product.chapter})")
        print(f"  multi standby: {'yes' if product.multi_standby else 'no (group 1 only)'}")
        print(f"  depends on:    {', '.join(product.depends_on) or '-'}")
        for number, inst in enumerate(product.instances, start=1):
            watch = inst.watch_id or "- (net start/stop)"
            print(f"  instance {number}:    watch ID {watch}; service \"{inst.service}\"")
            for key in inst.registry_sync:
                print(f"                 sync {key}")
    print("add-ons of staroffice-server:")
    for addon in catalogue.addons.values():
        note = "" if addon.multi_standby else "  (not in multi standby group 2)"
        print(f"  {addon.id}  ({addon.title}){note}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
