"""`sogen lint`: configuration, fixes, baseline and output around the engine.

Returns the exit code: 0 nothing at or above --fail-on (or --exit-zero), 1 something
is (or --diff has changes to show), 2 usage or I/O errors, nothing to lint among them.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TextIO

from sogen import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from sogen.cli.parser import color_wanted, parse
from sogen.cli.spec import DIALECT_NAMES
from sogen.i18n import _, ngettext
from sogen.lint.cache import cache_folder as lint_cache_folder
from sogen.lint.config import ConfigError, LintConfig, discover_config, load_config
from sogen.lint.engine import LintUsageError, fails, few_collections, filter_baseline, lint_paths, write_baseline
from sogen.lint.report import MACHINE_FORMATS, STATISTICS_FORMATS, render, render_statistics
from sogen.output import FixRefused, ReadOnlyFile, write_atomically, write_fix
from sogen.textio import MAX_SOURCE_BYTES, decode_bytes, obeys_escapes, utf8, visible, visible_lines, write_utf8

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
    # An empty CI variable (--select "$RULES") or settings file must not turn the check off unseen.
    if select is None and extend_select is None and config.source is not None and not config.selected():
        raise LintUsageError(_("{path}: select and ignore leave no rule to run").format(path=config.source))
    config = config.with_options(select, ignore, fail_on, extend_select)
    if not config.selected():
        raise LintUsageError(_("no rule is selected: --select and --ignore (or the settings) leave none to run"))
    return config


def read_stdin(name: str) -> tuple[str, bytes]:
    """Standard input, linted as the file ``name`` (an editor's unsaved buffer, a pipe)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise LintUsageError(_("-: there is no standard input to read"))
    data = stream.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise LintUsageError(
            _("-: standard input is larger than {size} MiB, the most allowed").format(size=MAX_SOURCE_BYTES >> 20)
        )
    return name, data


def fix_roots(linted: list[str]) -> list[str]:
    """Where lint --fix may write through a link: the paths linted, and the repository
    (the folder holding .git) each is in. A path is taken as named, its folder resolved,
    never its own target: a link named on the command line (scripts/*.bat) is no root
    for where it leads."""
    from sogen.lint.gitignore import repository_root

    roots = []
    for path in linted:
        absolute = os.path.abspath(path)
        named = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
        folder = named if os.path.isdir(named) and not os.path.islink(named) else os.path.dirname(named)
        repository = repository_root(folder)
        roots += [named] if repository is None else [named, os.path.realpath(repository)]
    return roots


def not_written(exc: OSError | ReadOnlyFile | FixRefused) -> str:
    """Why a file was not written, for a message."""
    if isinstance(exc, ReadOnlyFile):
        return _("read-only")
    if isinstance(exc, FixRefused):
        return exc.reason
    return _("cannot write: {reason}").format(reason=exc.strerror or exc)


def write_report(fmt: str, produce, output_file: Path | None, stdout: TextIO) -> None:
    """``produce(stream)`` renders the report. A file, and the machine formats on standard
    output, get UTF-8 bytes whatever the console's encoding (cp932 on a Japanese Windows);
    text for people goes to the console, which replaces what it cannot show (sogen.cli.entry)."""
    if output_file is None and fmt not in MACHINE_FORMATS:
        produce(stdout)
        return
    text = io.StringIO()
    produce(text)
    if output_file is not None:
        write_atomically(str(output_file), utf8(text.getvalue()))
    else:
        write_utf8(stdout, text.getvalue())


def file_diff(display_path: str, before: bytes, after: bytes) -> str:
    import difflib

    # Lines as cmd reads them, ended by LF only: a lone CR shows in its line as \x0d.
    old = _LINES.findall(decode_bytes(before).text)
    new = _LINES.findall(decode_bytes(after).text)
    lines = difflib.unified_diff(old, new, fromfile=display_path, tofile=_("{path} (fixed)").format(path=display_path))
    return "".join(_shown(line) for line in lines)


_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _shown(line: str) -> str:
    """A diff line for the terminal: what it would act on shown (sogen.textio.visible),
    its CRLF or LF kept, one added where the file's last line had none."""
    body = line.rstrip("\n")
    ending = "\r\n" if body.endswith("\r") else "\n"
    return visible(body.removesuffix("\r")) + ending


def load_cluster(path: Path):
    """The topology for --topology; its problems are a usage error."""
    from sogen.topology.load import TopologyError, load_topology

    try:
        return load_topology(path)
    except TopologyError as exc:
        details = "\n".join(str(p) for p in exc.problems)
        raise LintUsageError(_("--topology {path} is not valid:\n{details}").format(path=path, details=details)) from None


class Progress:
    """A one-line progress bar on a terminal's standard error, for long runs: drawn once
    the run has taken a second or has more than 200 files, redrawn at most ten times a
    second, cleared at the end. ``for_stream`` gives None where it must not be drawn:
    not a terminal (a pipe, a file), or a CI job (CI set)."""

    FILES = 200
    SECONDS = 1.0
    WIDTH = 30

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    @classmethod
    def for_stream(cls, stream: TextIO) -> Progress | None:
        isatty = getattr(stream, "isatty", None)
        if os.environ.get("CI") or not (isatty and isatty()) or not obeys_escapes(stream):
            return None
        return cls(stream)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.drawn and total <= self.FILES and now - self.started < self.SECONDS:
            return
        if self.drawn and now - self.last < 0.1 and done < total:
            return
        filled = self.WIDTH * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}")
        self.stream.flush()
        self.drawn, self.last = True, now

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False


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
    unsafe_fixes: bool = False,
    respect_gitignore: bool = True,
    color: bool | None = None,
    progress: bool = False,
) -> int:
    """``color``: colour the human report (None: by --color, FORCE_COLOR, NO_COLOR and the
    terminal, see sogen.cli.parser.color_wanted); ``progress``: a progress bar on ``stderr``
    when it is a terminal (sogen.cli.entry asks for it, tests do not)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    findings_status = EXIT_OK if exit_zero else EXIT_FINDINGS
    files = [p for p in paths if p != STDIN]
    bar = Progress.for_stream(stderr) if progress else None
    engine_options: dict = {}
    if unsafe_fixes:
        engine_options["unsafe_fixes"] = True
    if not respect_gitignore:
        engine_options["respect_gitignore"] = False
    if bar is not None:
        engine_options["progress"] = bar
    try:
        if STDIN in paths and (fix or topology):
            raise LintUsageError(_("--fix and --topology read and write files on disk, not standard input (-)"))
        if statistics and fmt not in STATISTICS_FORMATS:
            raise LintUsageError(
                _("--statistics: --format must be {formats}").format(formats=" or ".join(STATISTICS_FORMATS))
            )
        if baseline is not None and not baseline.exists():
            raise LintUsageError(
                _("--baseline {path}: no such file; record one with --write-baseline {path}").format(path=baseline)
            )
        config = resolve_config(files or [stdin_filename], config_file, select, ignore, fail_on, extend_select)
        if dialect:  # the event variables' names, instead of each script's own
            config = replace(config, dialect=DIALECT_NAMES.get(dialect, dialect))
        cluster = load_cluster(topology) if topology else None
        stdin = read_stdin(stdin_filename) if STDIN in paths else None
        cache_folder = lint_cache_folder() if use_cache else None
        try:
            result = lint_paths(
                files, config, fix=fix or diff, topology=cluster, stdin=stdin, cache_folder=cache_folder,
                **engine_options,
            )
        finally:
            if bar is not None:
                bar.clear()
    except (ConfigError, LintUsageError) as exc:
        print(_("sogen lint: {error}").format(error=visible_lines(str(exc))), file=stderr)
        return EXIT_USAGE
    for error in result.errors:  # a file's name may hold anything but / and NUL
        print(_("sogen lint: {error}").format(error=visible_lines(error)), file=stderr)
    io_failed = bool(result.errors)

    if diff:
        for changed in result.changed:
            stdout.write(file_diff(changed.display_path, changed.original, changed.fixed))
        fixes = sum(f.fixes_applied for f in result.changed)
        if not quiet:
            available = ngettext("{count} fix", "{count} fixes", fixes).format(count=fixes)
            where = ngettext("{count} file", "{count} files", len(result.changed)).format(count=len(result.changed))
            print(_("{fixes} available in {files}").format(fixes=available, files=where), file=stderr)
        return EXIT_USAGE if io_failed else (findings_status if result.changed else EXIT_OK)

    fixed = 0
    if fix:
        unwritten = False
        roots = fix_roots(files)
        for changed in result.changed:
            try:
                write_fix(changed.path, changed.original, changed.fixed, roots)
                fixed += changed.fixes_applied
            except (ReadOnlyFile, FixRefused, OSError) as exc:
                print(
                    _("sogen lint: {path}: {reason}; not fixed").format(path=changed.display_path, reason=not_written(exc)),
                    file=stderr,
                )
                unwritten = True
        if unwritten:
            io_failed = True
            # The findings are those of the fixed text; a file left unfixed still has its own.
            again = {k: v for k, v in engine_options.items() if k != "progress"}
            result = lint_paths(files, config, topology=cluster, cache_folder=cache_folder, **again)

    findings = result.findings
    if baseline_to_write is not None:
        if result.errors:  # the unread files' findings would read as new on the next run
            print(
                _("sogen lint: {path}: not written: some files could not be read").format(path=baseline_to_write),
                file=stderr,
            )
            return EXIT_USAGE
        try:
            write_baseline(findings, baseline_to_write)
        except (ReadOnlyFile, OSError) as exc:
            print(
                _("sogen lint: {path}: {reason}; nothing was written").format(
                    path=baseline_to_write, reason=not_written(exc)
                ),
                file=stderr,
            )
            return EXIT_USAGE
        if not quiet:
            recorded = ngettext("recorded {count} finding", "recorded {count} findings", len(findings))
            print(
                _("{path}: {recorded}; run with --baseline {path} to report only new ones").format(
                    path=baseline_to_write, recorded=recorded.format(count=len(findings))
                ),
                file=stderr,
            )
        return EXIT_USAGE if io_failed else EXIT_OK
    if baseline is not None:
        try:
            findings = filter_baseline(findings, baseline)
        except LintUsageError as exc:
            print(_("sogen lint: {error}").format(error=exc), file=stderr)
            return EXIT_USAGE

    if statistics:
        produce = partial(render_statistics, fmt, findings, unsafe_fixes=unsafe_fixes)
    else:
        # Colour only for people reading a console: never in a file, never for programs.
        if output_file is not None or fmt in MACHINE_FORMATS:
            color = False
        elif color is None:
            color = color_wanted(stdout)
        produce = partial(
            render, fmt, findings, sum(1 for f in result.files if not f.error), fixed=fixed, codes=config.selected(),
            quiet=quiet, color=color, unsafe_fixes=unsafe_fixes,
            doc_url=config.rule_url,  # SARIF's helpUri, from the settings' doc-url
            unread=tuple(result.errors),
        )
    try:
        write_report(fmt, produce, output_file, stdout)
    except (ReadOnlyFile, OSError) as exc:
        if output_file is None:
            raise  # the console went away (a closed pipe): sogen.cli.entry stops quietly
        print(
            _("sogen lint: {path}: {reason}; nothing was written").format(path=output_file, reason=not_written(exc)),
            file=stderr,
        )
        return EXIT_USAGE
    if io_failed:
        return EXIT_USAGE
    return findings_status if fails(findings, config.fail_on) else EXIT_OK


def main(argv: list[str], *, progress: bool = True) -> int:
    """`sogen lint ARGV` (options in sogen.cli.spec): a bad option exits with status 2 and
    a message naming it and what it allows."""
    args = parse("lint", argv)
    with few_collections():
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
            unsafe_fixes=args.unsafe_fixes,
            respect_gitignore=not args.no_respect_gitignore,
            progress=progress,
        )
