"""`sogen validate` and `sogen generate` (options in sogen.cli.spec) and what they print.

Each returns the exit code: 0 done, 1 --check or --diff found OUT stale, 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sogen import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from sogen.cli.parser import parse
from sogen.i18n import _, ngettext
from sogen.textio import visible_lines


def err(message: str) -> None:
    print(visible_lines(message), file=sys.stderr)


def load_or_report(topology: Path, *, writing: bool):
    """The validated topology, or None after printing every problem."""
    from sogen.topology.load import TopologyError, load_topology

    try:
        return load_topology(topology)
    except TopologyError as exc:
        for problem in exc.problems:
            err(str(problem))
        count = len(exc.problems)
        if writing:
            message = ngettext(
                "{count} problem in {topology}; nothing was written",
                "{count} problems in {topology}; nothing was written",
                count,
            )
        else:
            message = ngettext("{count} problem in {topology}", "{count} problems in {topology}", count)
        err(message.format(count=count, topology=topology))
        return None


def validate_main(argv: list[str]) -> int:
    args = parse("validate", argv)
    topology = load_or_report(args.topology, writing=False)
    if topology is None:
        return EXIT_USAGE
    groups = ", ".join(g.name for g in topology.groups)
    print(
        _("{topology}: valid {mode} topology ({nodes} nodes; groups: {groups})").format(
            topology=args.topology, mode=topology.cluster.mode, nodes=len(topology.cluster.nodes), groups=groups
        )
    )
    return EXIT_OK


def generate_main(argv: list[str]) -> int:
    args = parse("generate", argv)
    topology = load_or_report(args.topology, writing=True)
    if topology is None:
        return EXIT_USAGE
    from sogen.generator.artifacts import generate
    from sogen.output import OutputError, write
    from sogen.topology.load import topology_hash

    files = generate(topology, topology_hash(topology.model_dump(mode="json")), args.topology.name)
    out = args.out
    try:
        if args.check or args.diff:
            return _report_staleness(out, files, args)
        changes = write(out, files, force=args.force)
    except OutputError as exc:
        err(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        err(_("{path}: {reason}; nothing was written").format(path=exc.filename or out, reason=exc.strerror))
        return EXIT_USAGE
    parts = [
        _("{count} created").format(count=len(changes.created)),
        _("{count} updated").format(count=len(changes.updated) + len(changes.conflicts)),
        _("{count} unchanged").format(count=len(changes.unchanged)),
    ]
    if changes.removed:
        parts.append(_("{count} removed").format(count=len(changes.removed)))
    err(
        _("{out}: {changes}; read {runbook} for the manual steps").format(
            out=out, changes=", ".join(parts), runbook=out / "RUNBOOK.md"
        )
    )
    return EXIT_OK


def _report_staleness(out: Path, files: dict[str, bytes], args) -> int:
    """--diff and --check: read OUT (never through a link, never outside it), write nothing;
    exit 1 when generating would change OUT, as `sogen lint --diff` does when fixes would.
    Only content counts: the manifest's sogen version and topology file name do not."""
    from sogen.output import pending_update, preview

    interrupted = pending_update(out)
    if interrupted:
        err(
            _("{out} holds an update that was interrupted; run sogen generate {topology} -o {out} to complete it").format(
                out=out, topology=args.topology
            )
        )
        if args.check:
            return EXIT_FINDINGS
    changes, diff = preview(out, files)
    sys.stdout.write(diff)
    if interrupted or changes.differs:
        if args.check:
            err(
                _("{out} is not up to date with {topology}: run sogen generate {topology} -o {out}").format(
                    out=out, topology=args.topology
                )
            )
        return EXIT_FINDINGS
    if args.check:
        err(_("{out} is up to date").format(out=out))
    return EXIT_OK
