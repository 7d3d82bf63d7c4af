"""`sogen lint`: configuration, fixes, baseline and output around the engine.

Returns the exit code: 0 nothing at or above --fail-on (or --exit-zero), 1 something
is (or --diff has changes to show), 2 usage or I/O errors, nothing to lint among them.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TextIO

from sogen import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from sogen.batch.events import DIALECTS
from sogen.lint.cache import cache_folder as lint_cache_folder
from sogen.lint.config import ConfigError, LintConfig, discover_config, load_config
from sogen.lint.engine import LintUsageError, fails, filter_baseline, lint_paths, write_baseline
from sogen.lint.report import FORMATS, MACHINE_FORMATS, STATISTICS_FORMATS, plural, render, render_statistics
from sogen.lint.rules.base import SEVERITIES
from sogen.output import ReadOnlyFile, write_atomically
from sogen.textio import MAX_SOURCE_BYTES, decode_bytes

STDIN = "-"


def common_folder(paths: list[str]) -> Path:
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def resolve_config(
    paths: list[str],
    config_file: Path | None,
    select: list[str] | None,
    ignore: list[str] | None,
    fail_on: str | None,
    extend_select: list[str] | None = None,
) -> LintConfig:
    config = load_config(config_file) if config_file else discover_config(common_folder(paths))
    return config.with_options(select, ignore, fail_on, extend_select)


def read_stdin(name: str) -> tuple[str, bytes]:
    """Standard input, linted as the file ``name`` (an editor's unsaved buffer, a pipe)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise LintUsageError("-: there is no standard input to read")
    data = stream.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise LintUsageError(f"-: standard input is larger than {MAX_SOURCE_BYTES >> 20} MiB, the most allowed")
    return name, data


def not_written(exc: OSError | ReadOnlyFile) -> str:
    """Why a file was not written, for a message."""
    return "read-only" if isinstance(exc, ReadOnlyFile) else f"cannot write: {exc.strerror or exc}"


def write_report(fmt: str, produce, output_file: Path | None, stdout: TextIO) -> None:
    """``produce(stream)`` renders the report. A file, and the machine formats on standard
    output, get UTF-8 bytes whatever the console's encoding (cp932 on a Japanese Windows);
    text for people goes to the console, which replaces what it cannot show (sogen.cli.entry)."""
    if output_file is None and fmt not in MACHINE_FORMATS:
        produce(stdout)
        return
    text = io.StringIO()
    produce(text)
    data = text.getvalue().encode("utf-8")
    if output_file is not None:
        write_atomically(str(output_file), data)
    elif hasattr(stdout, "buffer"):
        stdout.flush()
        stdout.buffer.write(data)
        stdout.buffer.flush()
    else:  # a text stream without bytes underneath (io.StringIO in tests)
        stdout.write(text.getvalue())


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
    *,
    output_file: Path | None = None,
    stdin_filename: str = STDIN,
    quiet: bool = False,
    statistics: bool = False,
    exit_zero: bool = False,
    extend_select: list[str] | None = None,
    baseline_to_write: Path | None = None,
    dialect: str | None = None,
    use_cache: bool = False,
) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    findings_status = EXIT_OK if exit_zero else EXIT_FINDINGS
    files = [p for p in paths if p != STDIN]
    try:
        if STDIN in paths and (fix or topology):
            raise LintUsageError("--fix and --topology read and write files on disk, not standard input (-)")
        if statistics and fmt not in STATISTICS_FORMATS:
            raise LintUsageError(f"--statistics: --format must be {' or '.join(STATISTICS_FORMATS)}")
        if baseline is not None and not baseline.exists():
            raise LintUsageError(f"--baseline {baseline}: no such file; record one with --write-baseline {baseline}")
        config = resolve_config(files or [stdin_filename], config_file, select, ignore, fail_on, extend_select)
        if dialect:  # the event variables' names, instead of each script's own
            config = replace(config, patterns=replace(config.patterns, dialect=dialect))
        cluster = load_cluster(topology) if topology else None
        stdin = read_stdin(stdin_filename) if STDIN in paths else None
        cache_folder = lint_cache_folder() if use_cache else None
        result = lint_paths(files, config, fix=fix or diff, topology=cluster, stdin=stdin, cache_folder=cache_folder)
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
        if not quiet:
            print(f"{plural(fixes, 'fix', 'fixes')} available in {plural(len(result.changed), 'file')}", file=stderr)
        return EXIT_USAGE if io_failed else (findings_status if result.changed else EXIT_OK)

    fixed = 0
    if fix:
        unwritten = False
        for changed in result.changed:
            try:
                write_atomically(changed.path, changed.fixed)
                fixed += changed.fixes_applied
            except (ReadOnlyFile, OSError) as exc:
                print(f"sogen lint: {changed.display_path}: {not_written(exc)}; not fixed", file=stderr)
                unwritten = True
        if unwritten:
            io_failed = True
            # The findings are those of the fixed text; a file left unfixed still has its own.
            result = lint_paths(files, config, topology=cluster, cache_folder=cache_folder)

    findings = result.findings
    if baseline_to_write is not None:
        try:
            write_baseline(findings, baseline_to_write)
        except (ReadOnlyFile, OSError) as exc:
            print(f"sogen lint: {baseline_to_write}: {not_written(exc)}; nothing was written", file=stderr)
            return EXIT_USAGE
        if not quiet:
            print(
                f"{baseline_to_write}: recorded {plural(len(findings), 'finding')}; "
                f"run with --baseline {baseline_to_write} to report only new ones",
                file=stderr,
            )
        return EXIT_USAGE if io_failed else EXIT_OK
    if baseline is not None:
        try:
            findings = filter_baseline(findings, baseline)
        except LintUsageError as exc:
            print(f"sogen lint: {exc}", file=stderr)
            return EXIT_USAGE

    if statistics:
        produce = partial(render_statistics, fmt, findings)
    else:
        produce = partial(render, fmt, findings, len(result.files), fixed=fixed, codes=config.selected(), quiet=quiet)
    try:
        write_report(fmt, produce, output_file, stdout)
    except (ReadOnlyFile, OSError) as exc:
        if output_file is None:
            raise  # the console went away (a closed pipe): sogen.cli.entry stops quietly
        print(f"sogen lint: {output_file}: {not_written(exc)}; nothing was written", file=stderr)
        return EXIT_USAGE
    if io_failed:
        return EXIT_USAGE
    return findings_status if fails(findings, config.fail_on) else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sogen lint",
        description="Check start/stop scripts: control flow under every cluster event, ARM commands, "
        "start/stop order. Exit status: 0 nothing at or above --fail-on, 1 something is, 2 usage or I/O error "
        "(nothing to lint among them), "
        "3 an internal error (please report it).",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="folders (searched for .bat, .cmd and .reg), files (linted whatever their extension: "
        "as registry patches when they end .reg, else as batch files), or - for standard input",
    )
    parser.add_argument(
        "--stdin-filename",
        default=STDIN,
        metavar="NAME",
        help="the file name standard input (-) is linted as: its kind, start or stop, and the settings for it",
    )
    parser.add_argument("--format", choices=FORMATS, default="human", help="output format (default: human)")
    parser.add_argument(
        "--output-file",
        type=Path,
        metavar="FILE",
        help="write the report to FILE (UTF-8, whole or not at all) instead of standard output",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary, no notes")
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings of each rule instead of the findings (--format human or json)",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings are reported (2 still means an error)"
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="rule codes or prefixes to run, comma-separated (SO1 = SO101-SO105); replaces the configured ones",
    )
    parser.add_argument(
        "--extend-select",
        action="append",
        metavar="CODES",
        help="rule codes or prefixes to run besides the selected ones (configured, or given with --select)",
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
        "--no-cache",
        action="store_true",
        help="lint every file again instead of reusing results kept from earlier runs "
        "(kept by content, settings and version; SOGEN_CACHE_DIR moves them)",
    )
    parser.add_argument(
        "--dialect",
        choices=tuple(DIALECTS),
        help="read every script's event variables as ARM's ARMS_* or CLUSTERPRO X's CLP_* (default: each script's own)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only the findings not in FILE, written earlier with --write-baseline",
    )
    parser.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's findings in FILE (replacing it) and exit 0; report nothing",
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
        output_file=args.output_file,
        stdin_filename=args.stdin_filename,
        quiet=args.quiet,
        statistics=args.statistics,
        exit_zero=args.exit_zero,
        extend_select=args.extend_select,
        baseline_to_write=args.write_baseline,
        dialect=args.dialect,
        use_cache=not args.no_cache,
    )
