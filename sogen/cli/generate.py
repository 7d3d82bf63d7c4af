"""`sogen validate` and `sogen generate`: their options (argparse) and what they print.

These two run on every edit of a topology and in CI, so they go around Typer
(whose parameter coercion imports and builds pydantic adapters) the way
`sogen lint` does: `sogen.cli.entry.main` hands them their arguments directly.
Each returns the exit code: 0 done, 1 --check or --diff found OUT stale, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sogen import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


def err(message: str) -> None:
    print(message, file=sys.stderr)


def load_or_report(topology: Path, *, writing: bool):
    """The validated topology, or None after printing every problem."""
    from sogen.topology.load import TopologyError, load_topology

    try:
        return load_topology(topology)
    except TopologyError as exc:
        for problem in exc.problems:
            err(str(problem))
        count = len(exc.problems)
        consequence = "; nothing was written" if writing else ""
        err(f"{count} problem{'s' if count != 1 else ''} in {topology}{consequence}")
        return None


def _parser(command: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"sogen {command}", description=description)
    parser.add_argument("topology", type=Path, metavar="TOPOLOGY", help="topology file (YAML or JSON)")
    return parser


VALIDATE_HELP = "Check a topology file and report every problem with its line and column."
GENERATE_HELP = "Write start/stop scripts, alenv, backup, registry patches, RUNBOOK.md and manifest.json."


def validate_main(argv: list[str]) -> int:
    args = _parser("validate", VALIDATE_HELP).parse_args(argv)
    topology = load_or_report(args.topology, writing=False)
    if topology is None:
        return EXIT_USAGE
    groups = ", ".join(g.name for g in topology.groups)
    print(
        f"{args.topology}: valid {topology.cluster.mode} topology ({len(topology.cluster.nodes)} nodes; groups: {groups})"
    )
    return EXIT_OK


def generate_parser() -> argparse.ArgumentParser:
    parser = _parser("generate", GENERATE_HELP)
    parser.add_argument("-o", "--out", type=Path, default=Path("out"), help="output folder (default: out)")
    parser.add_argument("--force", action="store_true", help="overwrite files sogen did not write or that were edited")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 with a diff when OUT is not up to date (for CI)"
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print what would change as a unified diff; write nothing; exit 1 when something would",
    )
    return parser


def generate_main(argv: list[str]) -> int:
    args = generate_parser().parse_args(argv)
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
        err(f"{exc.filename or out}: {exc.strerror}; nothing was written")
        return EXIT_USAGE
    parts = [
        f"{len(changes.created)} created",
        f"{len(changes.updated) + len(changes.conflicts)} updated",
        f"{len(changes.unchanged)} unchanged",
    ]
    if changes.removed:
        parts.append(f"{len(changes.removed)} removed")
    err(f"{out}: {', '.join(parts)}; read {out / 'RUNBOOK.md'} for the manual steps")
    return EXIT_OK


def _report_staleness(out: Path, files: dict[str, bytes], args) -> int:
    """--diff and --check: read OUT (never through a link, never outside it), write nothing;
    exit 1 when generating would change OUT, as `sogen lint --diff` does when fixes would.
    Only content counts: the manifest's sogen version and topology file name do not."""
    from sogen.output import pending_update, preview

    interrupted = pending_update(out)
    if interrupted:
        err(f"{out} holds an update that was interrupted; run sogen generate {args.topology} -o {out} to complete it")
        if args.check:
            return EXIT_FINDINGS
    changes, diff = preview(out, files)
    sys.stdout.write(diff)
    if interrupted or changes.differs:
        if args.check:
            err(f"{out} is not up to date with {args.topology}: run sogen generate {args.topology} -o {out}")
        return EXIT_FINDINGS
    if args.check:
        err(f"{out} is up to date")
    return EXIT_OK
