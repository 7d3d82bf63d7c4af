"""The `sogen` command. Heavy modules are imported inside the commands."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from sogen import EXIT_FINDINGS, EXIT_USAGE, __version__
from sogen.cli.fast import run_fast
from sogen.cli.generate import GENERATE_HELP, VALIDATE_HELP, err

app = typer.Typer(
    name="sogen",
    help="Generate, lint and migrate CLUSTERPRO failover scripts for StarOffice clusters.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"sogen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        Optional[bool], typer.Option("-V", "--version", callback=_version, is_eager=True, help="Print the version.")
    ] = None,
) -> None:
    """Generate, lint and migrate CLUSTERPRO failover scripts for StarOffice clusters."""


# `sogen validate`, `generate` and `lint` are run by sogen.cli.entry before Typer is
# imported (see there); Typer only lists them and hands them their arguments.
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


@app.command(help=VALIDATE_HELP, context_settings=PASS_THROUGH, add_help_option=False)
def validate(ctx: typer.Context) -> None:
    raise typer.Exit(run_fast("validate", ctx.args))


@app.command(help=GENERATE_HELP, context_settings=PASS_THROUGH, add_help_option=False)
def generate(ctx: typer.Context) -> None:
    raise typer.Exit(run_fast("generate", ctx.args))


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
    from sogen.generator.rendering import render

    text = render("starter.yaml.j2", mode=mode.value)
    _print_or_write(text, output, force, f"edit it, then run sogen validate {output}")


@app.command()
def schema() -> None:
    """Print the topology's JSON Schema."""
    from sogen.topology.schema import schema_text

    sys.stdout.write(schema_text())


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    svg = "svg"


@app.command()
def diagram(
    topology: Annotated[Path, typer.Argument(help="Topology file (YAML or JSON).", show_default=False)],
    output_format: Annotated[
        DiagramFormat, typer.Option("--format", help="mermaid: a flowchart for Markdown; svg: a picture.")
    ] = DiagramFormat.mermaid,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: print).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Draw the cluster: nodes, failover groups, their virtual hosts, IPs, partitions, products."""
    from sogen.cli.generate import load_or_report
    from sogen.generator.diagram import mermaid, svg

    loaded = load_or_report(topology, writing=output is not None)
    if loaded is None:
        raise typer.Exit(EXIT_USAGE)
    _print_or_write(svg(loaded) if output_format is DiagramFormat.svg else mermaid(loaded), output, force)


@app.command()
def products() -> None:
    """List the product catalogue: watch IDs, services, sync keys, dependencies."""
    from sogen.catalogue import load_catalogue

    catalogue = load_catalogue()
    for product in catalogue.products.values():
        print(f"{product.id}  ({product.title}, chapter {product.chapter})")
        multi = "no (single standby only)" if product.single_standby_only else "no (group 1 only)"
        print(f"  multi standby: {'yes' if product.multi_standby else multi}")
        print(f"  depends on:    {', '.join(product.depends_on) or '-'}")
        for number, inst in enumerate(product.instances, start=1):
            watch = inst.watch_id or "- (net start/stop)"
            print(f"  instance {number}:    watch ID {watch}; service \"{inst.service}\"")
            for key in inst.registry_sync:
                print(f"                 sync {key}")
    print("add-ons of staroffice-server:")
    for addon in catalogue.addons.values():
        note = "" if addon.multi_standby else "  (not in a multi standby cluster, section 1.2.3)"
        print(f"  {addon.id}  ({addon.title}){note}")


@app.command(context_settings=PASS_THROUGH, add_help_option=False)
def lint(ctx: typer.Context) -> None:
    """Check start/stop scripts and registry patches for ordering, flow, quoting and consistency errors.

    Run `sogen lint --help` for the options.
    """
    raise typer.Exit(run_fast("lint", ctx.args))


@app.command()
def rule(
    code: Annotated[Optional[str], typer.Argument(help="Rule code, e.g. SO201.", show_default=False)] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every rule: code, name, severity, summary.")] = False,
) -> None:
    """Explain a lint rule: what it detects, why it matters in a cluster, examples, the fix."""
    from sogen.lint.report import rule_listing, rule_page
    from sogen.lint.rules import RULES

    if show_all:
        print("\n".join(rule_listing()))
        return
    if code is None or code.upper() not in RULES:
        err(f"sogen rule: {'unknown rule ' + repr(code) if code else 'give a rule code or --all'}; run sogen rule --all")
        raise typer.Exit(EXIT_USAGE)
    sys.stdout.write(rule_page(code.upper()))


GroupFolders = Annotated[
    list[str], typer.Argument(help="One folder per failover group (NAME=DIR to name the group).", show_default=False)
]


def _write_new_file(path: Path, data: bytes, force: bool) -> None:
    """Write ``path`` whole or not at all; never replace a file without ``force``.

    Nothing is left behind when writing fails (a folder in the way, a full disk), and
    the message names ``path``, not the temporary file beside it.
    """
    from sogen.output import ReadOnlyFile, write_atomically

    if path.exists() and not force:
        err(f"{path}: exists; use --force to overwrite it")
        raise typer.Exit(EXIT_USAGE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(str(path), data)
    except ReadOnlyFile:
        err(f"{path}: read-only; nothing was written")
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as exc:
        err(f"{path}: cannot be written: {exc.strerror or exc}; nothing was written")
        raise typer.Exit(EXIT_USAGE) from None


def _print_or_write(text: str, output: Path | None, force: bool, then: str = "") -> None:
    """``text`` on standard output, or written to ``output`` (UTF-8, see _write_new_file)."""
    if output is None:
        sys.stdout.write(text)
        return
    _write_new_file(output, text.encode("utf-8"), force)
    err(f"{output}: written{'; ' + then if then else ''}")


def _print_findings(findings, heading: str) -> None:
    if findings:
        err(heading)
        for f in findings:
            err(f"  {f.path}:{f.line}:{f.column}: {f.code} {f.message}")


@app.command("import")
def import_(
    folders: GroupFolders,
    output: Annotated[Path, typer.Option("-o", "--output", help="Topology file to write.")] = Path("cluster.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing topology file.")] = False,
) -> None:
    """Recover a topology from legacy scripts, alenv files, registry patches and somg.ini."""
    from sogen.migrate.importer import import_folders
    from sogen.migrate.recover import ImportError_
    from sogen.topology.load import TopologyError, load_topology

    try:
        result = import_folders(folders, output.name)
    except ImportError_ as exc:
        err(f"{exc}; nothing was written")
        raise typer.Exit(EXIT_USAGE) from None
    _write_new_file(output, result.yaml_text.encode("utf-8"), force)
    names = ", ".join(f"{g.name} (instance {g.instance.value if g.instance else 1})" for g in result.groups)
    err(f"{output}: written from {len(result.groups)} group folder(s): {names}")
    _print_findings(result.findings, "Lint findings of the legacy files (the new scripts will not repeat them):")
    try:
        load_topology(output)
    except TopologyError as exc:
        err(f"To fill in before generating ({len(exc.problems)}):")
        for problem in exc.problems:
            err(f"  {problem}")
    else:
        err(f"{output} is complete: run sogen generate {output} -o out")


class MigrationDialect(str, Enum):
    arm = "arm"
    clusterpro_x = "clusterpro-x"

    @property
    def setting(self) -> str:
        """The topology's settings.dialect for this choice."""
        return "clp" if self is MigrationDialect.clusterpro_x else "arm"


@app.command()
def migrate(
    folders: GroupFolders,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("out"),
    topology: Annotated[
        Optional[Path], typer.Option("--topology", help="Use this topology instead of importing one from the folders.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files sogen did not write or that were edited.")] = False,
    dialect: Annotated[
        Optional[MigrationDialect],
        typer.Option("--dialect", help="Write the scripts for ARM (ARMS_*) or CLUSTERPRO X (CLP_*); default: the topology's."),
    ] = None,
) -> None:
    """Import, regenerate, and write MIGRATION.md: every behaviour difference, explained."""
    from sogen.migrate.migrate import IMPORTED, MIGRATION, ImportedTopologyError, migrate as run_migration
    from sogen.migrate.recover import ImportError_
    from sogen.output import OutputError, write
    from sogen.topology.load import TopologyError

    try:
        result = run_migration(
            folders, topology, imported_as=out / IMPORTED, dialect=dialect.setting if dialect else None
        )
        write(out, result.files, force=force)
    except (ImportError_, OutputError) as exc:
        err(f"{exc}; nothing was written" if isinstance(exc, ImportError_) else str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except ImportedTopologyError as exc:
        # The problems cite the imported topology: write it, for the user to correct.
        data = exc.yaml_text.encode("utf-8")
        if not (exc.path.is_file() and exc.path.read_bytes() == data):
            _write_new_file(exc.path, data, force)
        for problem in exc.problems:
            err(str(problem))
        err(
            f"{exc.path}: the imported topology is not valid and nothing else was written; correct it, "
            f"fill in its FILL_IN values, then run sogen migrate again with --topology {exc.path}"
        )
        raise typer.Exit(EXIT_USAGE) from None
    except TopologyError as exc:
        for problem in exc.problems:
            err(str(problem))
        err("the topology is not valid; nothing was written")
        raise typer.Exit(EXIT_USAGE) from None
    differences = sum(len(s.differences) for s in result.diffs)
    err(f"{out}: generated; {differences} behaviour difference(s) in {len(result.diffs)} script(s), "
        f"{result.unexplained} need review: read {out / MIGRATION}")
    for name in result.pending:
        err(f"  pending (fill in the placeholders first): {name}")
    if result.unexplained:
        raise typer.Exit(EXIT_FINDINGS)


class TraceFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def trace(
    script: Annotated[Path, typer.Argument(help="A start or stop script (.bat/.cmd).", show_default=False)],
    event: Annotated[
        Optional[str],
        typer.Option("--event", help="ARMS_EVENT/CLP_EVENT: START, FAILOVER, RECOVER or unset (default START)."),
    ] = None,
    server: Annotated[
        Optional[str], typer.Option("--server", help="ARMS_SERVER/CLP_SERVER: HOME or OTHER (default HOME).")
    ] = None,
    disk: Annotated[
        Optional[str], typer.Option("--disk", help="ARMS_DISK/CLP_DISK: SUCCESS or FAILURE (default SUCCESS).")
    ] = None,
    matrix: Annotated[
        bool, typer.Option("--matrix", help="All 16 combinations in a table (also when no combination is named).")
    ] = False,
    output_format: Annotated[TraceFormat, typer.Option("--format", help="Output format.")] = TraceFormat.text,
    dialect: Annotated[
        Optional[str],
        typer.Option("--dialect", help="arm (ARMS_*) or clp (CLUSTERPRO X's CLP_*); default: the script's own."),
    ] = None,
) -> None:
    """Show the cluster actions a script performs for one event combination, or for all of them."""
    from sogen.trace import run_trace

    raise typer.Exit(run_trace(script, event, server, disk, matrix, output_format.value, dialect=dialect))
