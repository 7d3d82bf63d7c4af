"""`sogen lint`: configuration, fixes, baseline and output around the engine.

Returns the exit code: 0 nothing at or above --fail-on, 1 something is (or
--diff has changes to show), 2 usage or I/O errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from sogen import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from sogen.lint.config import ConfigError, LintConfig, discover_config, load_config
from sogen.lint.engine import LintUsageError, fails, filter_baseline, lint_paths, write_baseline
from sogen.lint.report import FORMATS, plural, render
from sogen.lint.rules.base import SEVERITIES
from sogen.output import ReadOnlyFile, write_atomically
from sogen.textio import decode_bytes


def common_folder(paths: list[str]) -> Path:
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def resolve_config(
    paths: list[str], config_file: Path | None, select: list[str] | None, ignore: list[str] | None, fail_on: str | None
) -> LintConfig:
    config = load_config(config_file) if config_file else discover_config(common_folder(paths))
    return config.with_options(select, ignore, fail_on)


def file_diff(display_path: str, before: bytes, after: bytes) -> str:
    import difflib

    old = decode_bytes(before).text.splitlines(keepends=True)
    new = decode_bytes(after).text.splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=display_path, tofile=f"{display_path} (fixed)")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def load_cluster(path: Path):
    """The topology for --topology; its problems are a usage error."""
    from sogen.topology.load import TopologyError, load_topology

    try:
        return load_topology(path)
    except TopologyError as exc:
        details = "\n".join(str(p) for p in exc.problems)
        raise LintUsageError(f"--topology {path} is not valid:\n{details}") from None


def run_lint(
    paths: list[str],
    fmt: str = "human",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config_file: Path | None = None,
    fail_on: str | None = None,
    fix: bool = False,
    diff: bool = False,
    baseline: Path | None = None,
    topology: Path | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        config = resolve_config(paths, config_file, select, ignore, fail_on)
        cluster = load_cluster(topology) if topology else None
        result = lint_paths(paths, config, fix=fix or diff, topology=cluster)
    except (ConfigError, LintUsageError) as exc:
        print(f"sogen lint: {exc}", file=stderr)
        return EXIT_USAGE
    for error in result.errors:
        print(f"sogen lint: {error}", file=stderr)
    io_failed = bool(result.errors)

    if diff:
        for changed in result.changed:
            stdout.write(file_diff(changed.display_path, changed.original, changed.fixed))
        fixes = sum(f.fixes_applied for f in result.changed)
        print(f"{plural(fixes, 'fix', 'fixes')} available in {plural(len(result.changed), 'file')}", file=stderr)
        return EXIT_USAGE if io_failed else (EXIT_FINDINGS if result.changed else EXIT_OK)

    fixed = 0
    if fix:
        unwritten = False
        for changed in result.changed:
            try:
                write_atomically(changed.path, changed.fixed)
                fixed += changed.fixes_applied
            except ReadOnlyFile:
                print(f"sogen lint: {changed.display_path}: read-only; not fixed", file=stderr)
                unwritten = True
            except OSError as exc:
                print(f"sogen lint: {changed.display_path}: cannot write: {exc.strerror}; not fixed", file=stderr)
                unwritten = True
        if unwritten:
            io_failed = True
            # The findings are those of the fixed text; a file left unfixed still has its own.
            result = lint_paths(paths, config, topology=cluster)

    findings = result.findings
    if baseline is not None:
        if not baseline.exists():
            try:
                write_baseline(findings, baseline)
            except OSError as exc:
                print(f"sogen lint: {baseline}: cannot write: {exc.strerror}", file=stderr)
                return EXIT_USAGE
            print(
                f"{baseline}: recorded {plural(len(findings), 'finding')}; later runs report only new ones",
                file=stderr,
            )
            return EXIT_USAGE if io_failed else EXIT_OK
        try:
            findings = filter_baseline(findings, baseline)
        except LintUsageError as exc:
            print(f"sogen lint: {exc}", file=stderr)
            return EXIT_USAGE

    render(fmt, findings, len(result.files), stdout, fixed, config.selected())
    if io_failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if fails(findings, config.fail_on) else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sogen lint",
        description="Check start/stop scripts: control flow under every cluster event, ARM commands, "
        "start/stop order. Exit status: 0 nothing at or above --fail-on, 1 something is, 2 usage or I/O error, "
        "3 an internal error (please report it).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="batch files or folders (searched for .bat/.cmd)")
    parser.add_argument("--format", choices=FORMATS, default="human", help="output format (default: human)")
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="rule codes or prefixes to run, comma-separated (SO1 = SO101-SO105); replaces the configured ones",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="rule codes or prefixes not to run; added to the configured ones",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file (.sogen.toml or pyproject.toml) instead of the nearest one",
    )
    parser.add_argument(
        "--fail-on", choices=SEVERITIES, help="lowest severity that makes the exit status 1 (default: warning)"
    )
    parser.add_argument("--fix", action="store_true", help="apply the automatic fixes, then report what remains")
    parser.add_argument(
        "--diff", action="store_true", help="print the automatic fixes as a unified diff; write nothing"
    )
    parser.add_argument(
        "--topology",
        type=Path,
        metavar="FILE",
        help="also check the scripts, registry patches, somg.ini and RUNBOOK.md against this topology (SO8xx)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="findings file: written when missing; when present, only findings not in it are reported",
    )
    return parser


def main(argv: list[str]) -> int:
    """`sogen lint ARGS`: argparse exits with status 2 (and the usage) on a bad option."""
    args = build_parser().parse_args(argv)
    return run_lint(
        args.paths,
        args.format,
        args.select,
        args.ignore,
        args.config,
        args.fail_on,
        args.fix,
        args.diff,
        args.baseline,
        args.topology,
    )
