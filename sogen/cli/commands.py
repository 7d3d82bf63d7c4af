"""The commands other than validate, generate and lint: init, schema, diagram, products,
rule, import, migrate and trace. Options in sogen.cli.spec; each handler takes the
arguments after the command's name and returns the exit code. Heavy modules are
imported inside the handlers."""

from __future__ import annotations

import sys
from pathlib import Path

from sogen import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from sogen.cli.generate import err
from sogen.cli.parser import color_wanted, parse
from sogen.cli.spec import DIALECT_NAMES
from sogen.i18n import _
from sogen.textio import utf8, write_document


class _Stop(Exception):
    """A command's message is printed; exit with ``code``."""

    def __init__(self, code: int):
        self.code = code


def write_new_file(path: Path, data: bytes, force: bool) -> None:
    """Write ``path`` whole or not at all (sogen.output.write_atomically); never replace a
    file without ``force`` (a device or a pipe, /dev/stdout, holds nothing to lose). A link
    the user named stays a link and its file is written, as lint --fix does. The message
    names ``path``, not the temporary file beside it."""
    from sogen.output import ReadOnlyFile, is_stream, write_atomically

    if path.is_dir():
        err(_("{path}: is a folder; give the name of a file to write").format(path=path))
        raise _Stop(EXIT_USAGE)
    stream = is_stream(path)  # written as it is: /dev/stdout, a FIFO
    if (path.is_file() or path.is_symlink() and not path.exists()) and not stream and not force:
        err(_("{path}: exists; use --force to overwrite it").format(path=path))
        raise _Stop(EXIT_USAGE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(str(path), data)
    except ReadOnlyFile:
        err(_("{path}: read-only; nothing was written").format(path=path))
        raise _Stop(EXIT_USAGE) from None
    except OSError as exc:
        # "File exists" of a folder on the way that is a file says nothing of which one.
        blocker = next((p for p in path.parents if p.exists() or p.is_symlink()), None)
        reason = exc.strerror or exc
        if blocker is not None and not blocker.is_dir():
            reason = _("{folder} is a file, not a folder").format(folder=blocker)
        err(_("{path}: cannot be written: {reason}; nothing was written").format(path=path, reason=reason))
        raise _Stop(EXIT_USAGE) from None


def print_or_write(text: str, output: Path | None, force: bool, then: str = "") -> None:
    """``text`` on standard output, or written to ``output`` (UTF-8, see write_new_file)."""
    if output is None:
        write_document(sys.stdout, text)
        return
    write_new_file(output, utf8(text), force)
    err(_("{path}: written; {then}").format(path=output, then=then) if then else _("{path}: written").format(path=output))


def _stops(handler):
    """Turn a _Stop raised inside ``handler`` into its exit code."""

    def run(argv: list[str]) -> int:
        try:
            return handler(argv)
        except _Stop as stop:
            return stop.code

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


@_stops
def init(argv: list[str]) -> int:
    """Write a commented starter topology."""
    args = parse("init", argv)
    from sogen.generator.rendering import render, translated
    from sogen.i18n import language

    # The commands its header suggests name the file written (`sogen init > x.yaml`: cluster.yaml).
    name = Path(args.out).name if args.out else "cluster.yaml"
    text = render("starter.yaml.j2", mode=args.mode, name=name, **translated(language(), "starter"))
    print_or_write(
        text, args.out, args.force, _("edit it, then run sogen validate {path}").format(path=args.out)
    )
    return EXIT_OK


def schema(argv: list[str]) -> int:
    """Print the topology's JSON Schema."""
    parse("schema", argv)
    from sogen.topology.schema import schema_text

    write_document(sys.stdout, schema_text())
    return EXIT_OK


@_stops
def diagram(argv: list[str]) -> int:
    """Draw the cluster."""
    args = parse("diagram", argv)
    from sogen.cli.generate import load_or_report
    from sogen.generator.diagram import mermaid, svg

    loaded = load_or_report(args.topology, writing=args.out is not None)
    if loaded is None:
        return EXIT_USAGE
    print_or_write(svg(loaded) if args.format == "svg" else mermaid(loaded), args.out, args.force)
    return EXIT_OK


def products(argv: list[str]) -> int:
    """List the product catalogue."""
    parse("products", argv)
    import re

    from sogen.catalogue import load_catalogue
    from sogen.i18n import language, translations

    catalogue = load_catalogue()
    title = translations(language(), "runbook").gettext  # the titles the runbook shows
    # A template's placeholder by the topology field that fills it: OracleService<oracle_sid>.
    fields = {name: field for product in catalogue.products.values() for name, field in product.options.items()}
    for product in catalogue.products.values():
        print(_("{id}  ({title}, chapter {chapter})").format(id=product.id, title=title(product.title), chapter=product.chapter))
        multi = _("no (single standby only)") if product.single_standby_only else _("no (group 1 only)")
        print(_("  multi standby: {answer}").format(answer=_("yes") if product.multi_standby else multi))
        print(_("  depends on:    {products}").format(products=", ".join(product.depends_on) or "-"))
        for number, inst in enumerate(product.instances, start=1):
            watch = inst.watch_id or _("- (net start/stop)")
            service = re.sub(r"\{(\w+)\}", lambda m: f"<{fields.get(m[1], m[1])}>", inst.service)
            print(_("  instance {number}:    watch ID {watch}; service \"{service}\"").format(
                number=number, watch=watch, service=service))
            for key in inst.registry_sync:
                print(_("                 sync {key}").format(key=key))
        for service in product.also_services:  # started and stopped with it: no other product's to watch
            print(_("  also starts:   service \"{service}\"").format(service=service))
    print(_("add-ons of staroffice-server:"))
    for addon in catalogue.addons.values():
        note = "" if addon.multi_standby else _("  (not in a multi standby cluster, section 1.2.3)")
        print(f"  {addon.id}  ({title(addon.title)}){note}")
    return EXIT_OK


def rule(argv: list[str]) -> int:
    """Explain a lint rule."""
    args = parse("rule", argv)
    from sogen.lint.report import rule_listing, rule_page
    from sogen.lint.rules import RULES

    if args.show_all:
        print("\n".join(rule_listing()))
        return EXIT_OK
    code = args.code
    if code is None or code.upper() not in RULES:
        what = _("unknown rule {code!r}").format(code=code) if code else _("give a rule code or --all")
        err(_("sogen rule: {what}; run sogen rule --all").format(what=what))
        return EXIT_USAGE
    sys.stdout.write(rule_page(code.upper()))
    return EXIT_OK


def _print_findings(findings, heading: str) -> None:
    if findings:
        err(heading)
        for f in findings:
            err(f"  {f.path}:{f.line}:{f.column}: {f.code} {f.message}")


@_stops
def import_(argv: list[str]) -> int:
    """Recover a topology from legacy files."""
    args = parse("import", argv)
    from sogen.migrate.importer import import_folders
    from sogen.migrate.recover import ImportError_
    from sogen.topology.load import TopologyError, load_topology

    output: Path = args.out
    try:
        result = import_folders(args.folders, output.name)
    except ImportError_ as exc:
        err(_("{error}; nothing was written").format(error=exc))
        return EXIT_USAGE
    write_new_file(output, utf8(result.yaml_text), args.force)
    names = ", ".join(
        _("{name} (instance {number})").format(name=g.name, number=g.instance.value if g.instance else 1)
        for g in result.groups
    )
    err(_("{path}: written from {count} group folder(s): {names}").format(
        path=output, count=len(result.groups), names=names))
    _print_findings(result.findings, _("Lint findings of the legacy files (the new scripts will not repeat them):"))
    try:
        load_topology(output)
    except TopologyError as exc:
        err(_("To fill in before generating ({count}):").format(count=len(exc.problems)))
        for problem in exc.problems:
            err(f"  {problem}")
    else:
        err(_("{path} is complete: run sogen generate {path} -o out").format(path=output))
    return EXIT_OK


@_stops
def migrate(argv: list[str]) -> int:
    """Import, regenerate, and write MIGRATION.md."""
    args = parse("migrate", argv)
    from sogen.migrate.migrate import IMPORTED, MIGRATION, ImportedTopologyError, migrate as run_migration
    from sogen.migrate.recover import ImportError_
    from sogen.output import OutputError, write
    from sogen.topology.load import TopologyError

    out: Path = args.out
    dialect = DIALECT_NAMES[args.dialect] if args.dialect else None
    try:
        result = run_migration(args.folders, args.topology, imported_as=out / IMPORTED, dialect=dialect)
        write(out, result.files, force=args.force)
    except ImportError_ as exc:
        err(_("{error}; nothing was written").format(error=exc))
        return EXIT_USAGE
    except OutputError as exc:
        err(str(exc))
        return EXIT_USAGE
    except ImportedTopologyError as exc:
        # The problems cite the imported topology: write it, for the user to correct.
        # Into OUT as generate writes it (no link followed, a file of the user's kept without --force).
        try:
            write(out, {IMPORTED: utf8(exc.yaml_text)}, force=args.force, only=True)
        except OutputError as refused:
            err(str(refused))
            return EXIT_USAGE
        for problem in exc.problems:
            err(str(problem))
        err(
            _("{path}: the imported topology is not valid and nothing else was written; correct it, "
              "fill in its FILL_IN values, then run sogen migrate again with --topology {path}").format(path=exc.path)
        )
        return EXIT_USAGE
    except TopologyError as exc:
        for problem in exc.problems:
            err(str(problem))
        err(_("the topology is not valid; nothing was written"))
        return EXIT_USAGE
    differences = sum(len(s.differences) for s in result.diffs)
    err(
        _("{out}: generated; {differences} behaviour difference(s) in {scripts} script(s), "
          "{unexplained} need review: read {migration}").format(
            out=out, differences=differences, scripts=len(result.diffs), unexplained=result.unexplained,
            migration=out / MIGRATION)
    )
    for name in result.pending:
        err(_("  pending (fill in the placeholders first): {name}").format(name=name))
    return EXIT_FINDINGS if result.unexplained else EXIT_OK


def trace(argv: list[str]) -> int:
    """Show the cluster actions of a script."""
    args = parse("trace", argv)
    from sogen.trace import run_trace

    dialect = DIALECT_NAMES[args.dialect] if args.dialect else None
    return run_trace(
        args.script, args.event, args.server, args.disk, args.matrix, args.format,
        dialect=dialect, color=color_wanted(sys.stdout),
    )
