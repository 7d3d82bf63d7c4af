"""Find the files, lint each (in parallel when there are many), pair start/stop scripts, apply policy.

A worker only analyses one file: it parses it, runs the selected rules and, for
--fix/--diff, applies fixes until none is left. Everything that needs more than
one file (pair rules) or is policy (suppressions, baseline, order) happens here,
in the main process, so the output does not depend on how work was split.
"""

from __future__ import annotations

import bisect
import gc
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from sogen.batch.events import CLUSTERPRO_X_CONFIG, x_configuration
from sogen.catalogue import ALENV_NAME
from sogen.i18n import _, language, set_language
from sogen.lint.config import LintConfig
from sogen.lint.context import BATCH, REGISTRY, STOP, TEXT, FileContext, NamePatterns, kind_from_name
from sogen.lint.rules import RULES, Finding
from sogen.lint.rules.base import CLUSTER, FILE, FINDING_ORDER, GROUP, PAIR, SEVERITIES, Edit
from sogen.lint.rules.suppression import Suppression, apply_suppressions, by_line, find_suppressions, is_suppressed
from sogen.output import MANIFEST, manifest_content
from sogen.textio import MAX_SOURCE_BYTES, UnreadableFile, parse_utf8, read_regular, utf8, walk_folders

LANGUAGES = {".bat": BATCH, ".cmd": BATCH, ".reg": REGISTRY}
MAX_FIX_ROUNDS = 10
# Below this many files a process pool costs more start-up time than it saves.
PARALLEL_MIN_FILES = 48


class LintUsageError(Exception):
    """A path that does not exist and the like: the CLI prints it and exits 2."""


@dataclass(frozen=True)
class Job:
    path: str
    display_path: str
    codes: frozenset[str]
    patterns: NamePatterns
    fix: bool
    language: str
    data: bytes | None = None  # standard input's bytes; None: read ``path``
    cache_folder: str | None = None  # where results are kept (sogen.lint.cache); None: not kept
    lang: str = "en"  # the language of the messages (sogen.i18n), set in the worker too
    unsafe_fixes: bool = False  # --unsafe-fixes: also apply the fixes that change which lines run
    dialect: str | None = None  # --dialect: "arm" or "clp"; None: each script's own
    # In a CLUSTERPRO X configuration (clp.conf above it): a script that reads neither
    # dialect's variables is X's, not ARM's.
    x_configured: bool = False
    # With --topology (the worker's _topology): its digest, for the cache, and the index of
    # the file's failover group (None: in no group's folder).
    topology_key: str | None = None
    group: int | None = None


@dataclass
class FileResult:
    path: str
    display_path: str
    folder: str
    kind: str | None = None
    pair_key: tuple[str, ...] | None = None  # from the file name: start2.bat and stop2.bat share ("2",)
    findings: list[Finding] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    summaries: dict[str, object] = field(default_factory=dict)  # pair or tree rule code -> its summary
    original: bytes | None = None  # set, with ``fixed``, only when fixes changed the file
    fixed: bytes | None = None
    fixes_applied: int = 0
    error: str | None = None


@dataclass
class LintResult:
    files: list[FileResult]
    findings: list[Finding]
    config: LintConfig
    # Folders that could not be listed; somg.ini / RUNBOOK.md that --topology could not check.
    unread: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error] + self.unread

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.fixed is not None]


def fails(findings: list[Finding], fail_on: str) -> bool:
    """Is anything at or above the --fail-on severity?"""
    threshold = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(f.severity) >= threshold for f in findings)


# -- discovery -------------------------------------------------------------------


def display_path(path: str) -> str:
    """Relative to the working directory when below it, else as absolute."""
    if not os.path.isabs(path):
        normal = os.path.normpath(path)  # what relpath(abspath(path)) gives, for a fraction of the cost
        if normal != os.pardir and not normal.startswith(os.pardir + os.sep):
            return normal
    absolute = os.path.abspath(path)
    inside = _working_folder_prefix()
    # relpath's answer without its work; not from the root, where "//x" (POSIX's other root) is "x" to relpath
    if absolute.startswith(inside) and len(absolute) > len(inside) and inside != os.sep:
        return absolute[len(inside) :]
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith(os.pardir) else relative


@lru_cache(maxsize=1)
def _working_folder_prefix() -> str:
    """The working folder with a separator at its end (worked out once a run)."""
    return os.path.join(os.getcwd(), "")


def language_of(path: str) -> str | None:
    return LANGUAGES.get(os.path.splitext(path)[1].lower())


def named_language(path: str) -> str:
    """A file named on the command line is linted whatever its extension (start.txt, a
    script saved by an editor): as a registry patch when it ends .reg, else as batch."""
    return language_of(path) or BATCH


def discover(
    paths: list[str], unread: list[str], texts: list[str] | None = None, respect_gitignore: bool = True
) -> dict[str, str]:
    """The files to lint under ``paths`` and their languages: folders recursively (hidden
    ones skipped, only .bat/.cmd/.reg), named files whatever their extension, in a fixed
    order. A folder that cannot be listed adds a message to ``unread``. With ``texts``,
    the same pass collects there the somg.ini and RUNBOOK.md files a topology checks.
    With ``respect_gitignore``, what .gitignore files exclude is skipped in folders
    (sogen.lint.gitignore); a named file is linted all the same."""

    def report(exc: OSError) -> None:
        unread.append(
            _("{path}: cannot be read: {reason}; its files are not linted").format(
                path=display_path(exc.filename), reason=exc.strerror
            )
        )

    found: dict[str, str] = {}
    for path in paths:
        if os.path.isdir(path):
            _walk(path, found, unread, texts, respect_gitignore, report)
        elif texts is not None and os.path.basename(path).lower() in TOPOLOGY_TEXT_FILES:
            texts.append(path)
        elif os.path.exists(path):
            # A FIFO or device is named on purpose too: lint_file reports it.
            found.setdefault(path, named_language(path))
        else:
            raise LintUsageError(_missing(path))
    if len(paths) > 1:  # a file named also inside a folder named, spelt otherwise (./x): once
        by_file = {}
        for path, language in found.items():
            by_file.setdefault(os.path.abspath(path), (path, language))
        found = dict(by_file.values())
    return found


def _missing(path: str) -> str:
    """Why a path named on the command line is not there: a file in a folder the user may
    not search exists all the same, and "no such file" would send them looking for it."""
    try:
        os.stat(path)
    except PermissionError as exc:
        return _("{path}: cannot be read: {reason}").format(path=path, reason=exc.strerror)
    except OSError as exc:
        if os.path.islink(path):  # a link to itself, or to what is not there
            return _("{path}: is a symbolic link that leads to no file ({reason})").format(
                path=path, reason=exc.strerror
            )
    return _("{path}: no such file or directory").format(path=path)


def _walk(
    top: str, found: dict[str, str], unread: list[str], texts: list[str] | None, respect_gitignore: bool,
    report: Callable[[OSError], None], depth: int | None = None,
) -> None:
    """The files of ``top`` and the folders below it (``depth`` levels of them at most) into
    ``found``, as :func:`discover` takes a folder."""
    ignore = None
    if respect_gitignore:
        from sogen.lint.gitignore import Ignored

        ignore = Ignored(top, unread)
    levels = top.rstrip(os.sep).count(os.sep)
    for folder, dirs, files in walk_folders(top, report):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if depth is not None and folder.rstrip(os.sep).count(os.sep) - levels >= depth:
            dirs[:] = []
        if ignore is not None:
            ignore.enter(folder, files)
            dirs[:] = [d for d in dirs if not ignore.ignored(d, True)]
            files = [name for name in files if not ignore.ignored(name, False)]
        for name in sorted(files):
            language = language_of(name)
            if language:
                found.setdefault(os.path.join(folder, name), language)
            elif texts is not None and name.lower() in TOPOLOGY_TEXT_FILES:
                texts.append(os.path.join(folder, name))


# Four nodes, a few failover groups, a dozen files each: a folder holding more is no
# cluster (a repository of fixtures, a tool folder), and a file named there is compared
# with its own folder's only.
MAX_CLUSTER_FILES = 200
MAX_CLUSTER_GROUPS = 8


def _group_folder(folder: str) -> str:
    """The failover group's folder of a file in ``folder`` (a patch in the group's registry
    folder is the group's)."""
    return os.path.dirname(folder) if os.path.basename(folder).lower() == "registry" else folder


def _compared_by_name(path: str, language: str, patterns: NamePatterns) -> bool:
    """Whether the cross-file rules read a file of this name: a start or stop script, an
    alenv file, a registry patch (not a tool or a log beside them)."""
    name = os.path.basename(path)
    return language == REGISTRY or kind_from_name(name, patterns) is not None or bool(ALENV_NAME.fullmatch(name))


def partners(named: list[str], linted: list[str], respect_gitignore: bool, patterns: NamePatterns) -> dict[str, str]:
    """What the cross-file rules compare files named on the command line with, when it was
    not named too: a pre-commit hook names the one stop.bat staged, and a stop script that
    no longer stops a watch its start script starts (SO305) or a second instance's alenv
    file that copies the first's (SO503) passed. Each named file's cluster is read as a
    folder named on the command line would be (its group folders and their registry
    folders, .gitignore respected), but only a cluster marked by a manifest.json or in the
    working folder: a lone script's folder beside unrelated ones is its own. The files
    ``linted`` anyway are no partners (standard input under a file's name included)."""
    here = os.getcwd()
    extra: dict[str, str] = {}
    for path in named:
        folder = absolute_folder(os.path.dirname(path))
        root = cluster_of(folder)
        tops = [(folder, 1)]  # a folder of more scripts than a cluster's is no cluster
        if _marked_folder(folder) == root or root == here or root.startswith(here + os.sep):
            # Down to the named file's folder, however deep a manifest stands above it.
            tops.insert(0, (root, max(2, folder.count(os.sep) - root.count(os.sep) + 1)))
        for top, depth in tops:
            files: dict[str, str] = {}
            _walk(top, files, [], None, respect_gitignore, lambda exc: None, depth)
            files = {f: kind for f, kind in files.items() if _compared_by_name(f, kind, patterns)}
            groups = {_group_folder(os.path.dirname(f)) for f in files}
            # A top where the named file's group is not found (a .gitignore'd folder) is no cluster of it.
            if _group_folder(folder) in groups and len(files) <= MAX_CLUSTER_FILES and len(groups) <= MAX_CLUSTER_GROUPS:
                extra.update(files)
                break
    known = {os.path.abspath(path) for path in linted}
    return {path: language for path, language in extra.items() if os.path.abspath(path) not in known}


@lru_cache(maxsize=1024)
def cluster_of(folder: str) -> str:
    """The cluster whose files the cross-file rules compare, for a file in ``folder`` (absolute):
    the nearest folder that marks one, holding the manifest.json sogen generate writes or
    the clp.conf of a CLUSTERPRO X configuration (its scripts stand in
    ``scripts\\<group>\\<resource>\\``), else the folder the group folders stand side by side
    in. Linting several sites' clusters at once then finds exactly what linting each alone does."""
    return _marked_folder(folder) or os.path.dirname(_group_folder(folder))


# Folder -> the nearest folder from it up that marks a cluster (see cluster_of; None: none), filled
# once a run as folders are asked about: the group folders of a site share their parents.
_marked_folders: dict[str, str | None] = {}


def _marked_folder(folder: str) -> str | None:
    passed = []
    current = folder
    while current not in _marked_folders:
        if _is_sogen_manifest(os.path.join(current, MANIFEST)) or os.path.isfile(os.path.join(current, CLUSTERPRO_X_CONFIG)):
            _marked_folders[current] = current
            break
        passed.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            _marked_folders[current] = None
            break
        current = parent
    found = _marked_folders[current]
    for below in passed:
        _marked_folders[below] = found
    return found


@lru_cache(maxsize=1024)
def in_x_configuration(folder: str) -> bool:
    """Whether a file in ``folder`` belongs to a CLUSTERPRO X configuration (events.x_configuration:
    trace and import ask the same), worked out once a folder a run."""
    return x_configuration(absolute_folder(folder)) is not None


def _is_sogen_manifest(path: str) -> bool:
    """Whether ``path`` is a manifest.json sogen generate wrote: a web app's or an editor
    extension's above a tree of sites marks no cluster."""
    try:
        data = read_regular(path, MAX_MANIFEST_BYTES)
    except UnreadableFile:
        return False
    return manifest_content(data) is not None


# A manifest lists a cluster's few dozen files: a larger file is no manifest of sogen's.
MAX_MANIFEST_BYTES = 1024 * 1024


# -- one file (runs in a worker) ----------------------------------------------------


def run_rules(ctx: FileContext, codes: tuple[str, ...]) -> list[Finding]:
    findings = []
    for code in codes:
        findings.extend(RULES[code].check(ctx))
    return findings


def _touches(taken: list[tuple[int, int]], edit: Edit) -> bool:
    """Does ``edit`` overlap or touch one of the sorted ranges in ``taken``?"""
    i = bisect.bisect_left(taken, (edit.start, edit.start))
    neighbours = taken[max(0, i - 1) : i + 1]
    return any(start <= edit.end and edit.start <= end for start, end in neighbours)


def applicable(finding: Finding, unsafe_fixes: bool = False) -> bool:
    """Would --fix apply this finding's fix? Unsafe ones (they change which lines run)
    only with --unsafe-fixes."""
    return finding.fix is not None and (unsafe_fixes or not finding.fix.unsafe)


def apply_fixes(ctx: FileContext, findings: list[Finding]) -> tuple[bytes, int]:
    """The file's bytes with the non-overlapping fixes applied, and how many were.

    Only the edited characters are re-encoded: the rest of the file keeps its
    bytes exactly (cp932 has characters with two encodings), its encoding and BOM.
    """
    decoded = ctx.decoded
    accepted: list[Edit] = []
    taken: list[tuple[int, int]] = []  # sorted (start, end) of the accepted edits
    applied = 0
    for finding in sorted((f for f in findings if f.fix), key=lambda f: f.fix.edits[0].start):
        edits = finding.fix.edits
        # Two fixes touching the same place wait for the next round.
        if any(_touches(taken, e) for e in edits):
            continue
        for edit in edits:
            bisect.insort(taken, (edit.start, edit.end))
        accepted.extend(edits)
        applied += 1
    if not accepted:
        return ctx.data, 0
    encoding, text, data = decoded.encoding, decoded.text, ctx.data
    byte_pos = len(data) - len(text.encode(encoding))  # the BOM, if any
    out = [data[:byte_pos]]
    char_pos = 0
    for edit in sorted(accepted, key=lambda e: e.start):
        kept = len(text[char_pos : edit.start].encode(encoding))
        out.append(data[byte_pos : byte_pos + kept])
        out.append(edit.text.encode(encoding))
        byte_pos += kept + len(text[edit.start : edit.end].encode(encoding))
        char_pos = edit.end
    out.append(data[byte_pos:])
    return b"".join(out), applied


# The topology of `sogen lint --topology` in this process: set for a run, and in each
# worker once, when it starts (a topology travels once, not with every file).
_topology = None


def _start_worker(topology) -> None:
    global _topology
    _topology = topology
    _collect_rarely()


def make_context(job: Job, data: bytes, language: str):
    """The context of the file's language (sogen.lint.context.LintContext), placed in the topology."""
    if language == REGISTRY:
        from sogen.lint.context import RegContext

        ctx = RegContext(job.path, job.display_path, data)
    elif language == TEXT:
        from sogen.lint.context import TextContext

        ctx = TextContext(job.path, job.display_path, data)
    else:
        ctx = FileContext(job.path, job.display_path, data, job.patterns, job.dialect, job.x_configured)
    if job.topology_key is not None:
        ctx.topology, ctx.group = _topology, job.group
    return ctx


def source_lines(ctx, language: str) -> list[str]:
    """The lines suppression comments are read from (somg.ini and RUNBOOK.md have none)."""
    if language == TEXT:
        return []
    return ctx.reg.lines if language == REGISTRY else ctx.script.lines


@lru_cache(maxsize=1024)
def absolute_folder(folder: str) -> str:
    """The folder as an absolute path, the key that pairs start and stop scripts (worked
    out once per folder: abspath asks the OS for the working directory each time)."""
    return os.path.abspath(folder)


@lru_cache(maxsize=64)
def codes_for_file(codes: frozenset[str], language: str, placed: str | None) -> tuple[str, ...]:
    """The selected rules that apply to a file, in code order: those reading its language
    and, for a topology rule, only with a topology (``placed``: CLUSTER) and, for one on a
    failover group's files, only for a file in a group (``placed``: GROUP)."""
    wanted = {None: (None,), CLUSTER: (None, CLUSTER), GROUP: (None, CLUSTER, GROUP)}[placed]
    return tuple(sorted(c for c in codes if language in RULES[c].languages and RULES[c].topology in wanted))


def _placement(job: Job) -> str | None:
    if job.topology_key is None:
        return None
    return CLUSTER if job.group is None else GROUP


def lint_file(job: Job) -> FileResult:
    set_language(job.lang)
    try:
        data = job.data if job.data is not None else read_regular(job.path, MAX_SOURCE_BYTES)
    except UnreadableFile as exc:
        return _failed(job, f"{job.display_path}: {exc.reason}")
    if job.cache_folder is None or job.fix or job.data is not None:
        return _lint_data(job, data)
    from sogen.lint import cache

    parts = (
        job.lang, job.language, ",".join(sorted(job.codes)), repr(job.patterns), str(job.dialect), str(job.x_configured),
        str(job.topology_key), str(job.group), job.path, job.display_path, os.getcwd(),
    )  # fmt: skip
    key = cache.entry_key(parts, data)
    result = cache.load(job.cache_folder, key)
    if result is None:
        result = _lint_data(job, data)
        cache.store(job.cache_folder, key, result)
    return result


def _failed(job: Job, error: str) -> FileResult:
    result = FileResult(job.path, job.display_path, absolute_folder(os.path.dirname(job.path)))
    if job.language == TEXT:  # read only for the topology rules
        error = _("{error}; not checked against the topology").format(error=error)
    result.error = error
    return result


def _lint_data(job: Job, data: bytes) -> FileResult:
    result = FileResult(job.path, job.display_path, absolute_folder(os.path.dirname(job.path)))
    language = job.language
    codes = codes_for_file(job.codes, language, _placement(job))
    try:
        ctx = make_context(job, data, language)
    except UnicodeDecodeError:  # only somg.ini and RUNBOOK.md must decode
        return _failed(job, _("{path}: is neither UTF-8, UTF-16 nor code page 932 text").format(path=job.display_path))
    findings = run_rules(ctx, codes)
    if job.fix and language == BATCH and ctx.fixable:
        for _round in range(MAX_FIX_ROUNDS):
            index = by_line(find_suppressions(ctx.script.lines))
            wanted = [f for f in findings if not is_suppressed(f, index) and applicable(f, job.unsafe_fixes)]
            fixed, applied = apply_fixes(ctx, wanted)
            if not applied:
                break
            result.fixes_applied += applied
            ctx = make_context(job, fixed, language)
            findings = run_rules(ctx, codes)
        if ctx.data != data:
            result.original, result.fixed = data, ctx.data
    result.findings = findings
    result.suppressions = find_suppressions(source_lines(ctx, language))
    if language == BATCH:
        named = kind_from_name(os.path.basename(job.path), job.patterns)
        result.pair_key = named[1] if named else None
        result.kind = ctx.kind
    summaries: dict[object, object] = {}
    for code in codes:
        rule = RULES[code]
        if rule.scope != FILE:
            summarize = type(rule).summarize
            if summarize not in summaries:
                summaries[summarize] = summarize(ctx)
            result.summaries[code] = summaries[summarize]
    return result


# -- many files ---------------------------------------------------------------------


@contextmanager
def few_collections() -> Iterator[None]:
    """Linting makes many small objects and next to no reference cycles: with the
    default thresholds the cyclic collector spends several per cent of the time
    looking for cycles that are not there (and, once the results are in, a full
    collection goes through all of them again while the report is written)."""
    thresholds = gc.get_threshold()
    _collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _collect_rarely() -> None:
    gc.set_threshold(50_000, 20, 100)


def _run(jobs: list[Job], topology=None, progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    """The jobs' results in the jobs' order; ``progress(done, total)`` is called in this
    process after each file."""
    workers = os.cpu_count() or 1
    with few_collections():
        if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
            global _topology
            _topology = topology
            try:
                return _collect(map(lint_file, jobs), len(jobs), progress)
            finally:
                _topology = None
        from concurrent.futures import ProcessPoolExecutor

        import sogen.batch.interpreter  # noqa: F401  (loaded once here, inherited by forked workers)
        import sogen.batch.parser  # noqa: F401

        # Small chunks: at the end one worker waits for the other's last chunk, and a chunk
        # of 30-odd scripts takes some 30 ms; the messages they cost are a fraction of that.
        chunk = max(1, len(jobs) // (workers * 32))
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(topology,)) as pool:
            # map's iterator yields each result, in order, as soon as it (and those before it) is done.
            return _collect(pool.map(lint_file, jobs, chunksize=chunk), len(jobs), progress)


def _collect(
    results: Iterator[FileResult], total: int, progress: Callable[[int, int], None] | None
) -> list[FileResult]:
    if progress is None:
        return list(results)
    collected = []
    for result in results:
        collected.append(result)
        progress(len(collected), total)
    return collected


def pairs(results: list[FileResult]) -> list[tuple[FileResult, FileResult]]:
    """Start/stop scripts of one folder: same name key first (start2/stop2), then a lone start with a lone stop."""
    by_folder: dict[str, list[FileResult]] = defaultdict(list)
    for result in results:
        if result.error is None and result.kind:
            by_folder[result.folder].append(result)
    found = []
    for folder in sorted(by_folder):
        files = by_folder[folder]
        keyed = {(f.kind, f.pair_key): f for f in files if f.pair_key is not None}
        paired: set[int] = set()
        for (kind, key), start in sorted(keyed.items(), key=lambda item: item[1].display_path):
            stop = keyed.get((STOP, key))
            if kind != STOP and stop is not None:
                found.append((start, stop))
                paired.update((id(start), id(stop)))
        rest = [f for f in files if id(f) not in paired]
        starts = [f for f in rest if f.kind != STOP]
        stops = [f for f in rest if f.kind == STOP]
        if len(starts) == 1 and len(stops) == 1:
            found.append((starts[0], stops[0]))
    return found


def lint_paths(
    paths: list[str],
    config: LintConfig,
    fix: bool = False,
    topology=None,
    stdin: tuple[str, bytes] | None = None,
    cache_folder: str | None = None,
    *,
    unsafe_fixes: bool = False,
    respect_gitignore: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> LintResult:
    """Lint files and folders; with ``fix``, the results carry the fixed bytes (nothing is written).

    With ``topology`` the files are also checked against it (rules SO8xx). ``stdin``: the
    file name and bytes of standard input, linted as if they were that file.
    ``cache_folder``: keep and reuse results there (see sogen.lint.cache).
    ``unsafe_fixes``: ``fix`` applies the unsafe fixes too (Fix.unsafe: they change which
    lines run). ``respect_gitignore``: folders are searched without what .gitignore files
    exclude. ``progress(done, total)``: called in this process as files are linted.
    """
    # Worked out once a run: the working folder and the manifests may change between runs.
    absolute_folder.cache_clear()
    cluster_of.cache_clear()
    in_x_configuration.cache_clear()
    _marked_folders.clear()
    _working_folder_prefix.cache_clear()
    unread: list[str] = []
    lang = language()
    texts: list[str] | None = [] if topology is not None else None
    files = discover(paths, unread, texts, respect_gitignore)
    if texts:  # somg.ini and RUNBOOK.md, for the topology rules
        files.update((path, TEXT) for path in texts if path not in files)
    topology_key = group_names = None
    if topology is not None:
        from sogen.topology.load import topology_hash

        topology_key = topology_hash(topology.model_dump(mode="json"))
        group_names = [g.name for g in topology.groups]

    def job(path: str, language: str, data: bytes | None = None) -> Job:
        codes = config.codes_for(path)
        group = None if topology is None else _group_of(path, group_names)
        return Job(
            path, display_path(path), codes, config.patterns, fix, language, data, cache_folder, lang, unsafe_fixes,
            config.dialect, language == BATCH and in_x_configuration(os.path.dirname(path)), topology_key, group,
        )  # fmt: skip

    jobs = [job(path, language) for path, language in files.items()]
    if stdin is not None:
        name, data = stdin
        jobs.append(job(name, named_language(name), data))
    # Read for the cross-file rules only: neither fixed nor reported on their own, so
    # only those rules run on them.
    context = []
    named = [p for p in paths if p in files] + ([stdin[0]] if stdin is not None else [])
    for path, kind in partners(named, [j.path for j in jobs], respect_gitignore, config.patterns).items():
        linted = job(path, kind)
        compares = frozenset(c for c in linted.codes if RULES[c].scope in (PAIR, CLUSTER))
        context.append(replace(linted, fix=False, codes=compares))
    compared = {j.display_path for j in context}
    if not jobs and not unread:  # a folder that cannot be read is reported as such
        # An empty or misspelt folder passing as "All checks passed" would hide a broken CI step.
        message = _("nothing to lint in {paths}: no .bat, .cmd or .reg file").format(paths=", ".join(paths))
        if respect_gitignore and discover(paths, [], None, respect_gitignore=False):
            message += " that .gitignore does not exclude (--no-respect-gitignore lints them too)"
        raise LintUsageError(message)
    results = _run(jobs + context, topology, progress)
    codes_by_file = {job.display_path: job.codes for job in jobs + context}

    # Findings on more than one file: each is kept only where its rule runs on that file;
    # on a file read only to compare, where the pair holds a named one (the start script's
    # ARMLOAD a named stop script no longer ARMKILLs).
    shared: list[Finding] = []
    for start, stop in pairs(results):
        if start.display_path in compared and stop.display_path in compared:
            continue
        for code in sorted(set(start.summaries) & set(stop.summaries)):
            if RULES[code].scope == PAIR:
                shared.extend(RULES[code].check_pair(start.summaries[code], stop.summaries[code]))
    # A finding of a named file's cluster may stand on other files (alenv2.bat's SO503 when
    # alenv1.bat was edited): every cluster that holds a named file is reported whole,
    # whichever of its rules the named file itself takes part in.
    named_clusters = {cluster_of(r.folder) for r in results if r.display_path not in compared}
    for code in sorted(c for c in config.selected() if RULES[c].scope == CLUSTER):
        by_cluster: dict[str, dict[str, object]] = defaultdict(dict)
        for r in results:
            if r.summaries.get(code) is not None:
                by_cluster[cluster_of(r.folder)][r.display_path] = r.summaries[code]
        for cluster, summaries in by_cluster.items():
            if cluster in named_clusters:
                shared.extend(RULES[code].check_cluster(summaries))
    shared_by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in shared:
        if finding.code in codes_by_file.get(finding.path, ()):
            shared_by_file[finding.path].append(finding)

    findings: list[Finding] = []
    linted = []
    for result in results:
        codes = codes_by_file[result.display_path]
        if result.display_path in compared:
            own = shared_by_file.pop(result.display_path, [])
            kept = apply_suppressions(own, result.suppressions, codes.__contains__, result.display_path)[0]
            # Counted with the files it reports on; one that cannot be read is an error:
            # the comparison it was for did not happen.
            if kept or result.error:
                findings.extend(kept)
                linted.append(result)
            continue
        linted.append(result)
        own = result.findings + shared_by_file.pop(result.display_path, [])
        kept, unused = apply_suppressions(own, result.suppressions, codes.__contains__, result.display_path)
        findings.extend(kept + unused)
    return LintResult(linted, unique(findings), config, unread)


# -- placing files in a topology --------------------------------------------------------

TOPOLOGY_TEXT_FILES = ("somg.ini", "runbook.md")


def _group_of(path: str, group_names: list[str]) -> int | None:
    """The group a file belongs to: the nearest folder named like a group; the only group otherwise."""
    parts = [p.lower() for p in Path(os.path.abspath(path)).parent.parts]
    for part in reversed(parts):
        for index, name in enumerate(group_names):
            if part == name.lower():
                return index
    return 0 if len(group_names) == 1 else None


def unique(findings: list[Finding]) -> list[Finding]:
    """One finding per (file, line, code), the leftmost; sorted for output."""
    seen: set[tuple[str, int, str]] = set()
    out = []
    for finding in sorted(findings, key=FINDING_ORDER):
        key = (finding.path, finding.line, finding.code)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


# -- baseline -----------------------------------------------------------------------


def _fingerprint(path: str, code: str, source: str) -> tuple[str, str, str]:
    return (path, code, source.strip())


def _baseline_path(finding_path: str, baseline: Path) -> str:
    """Paths in a baseline are relative to the baseline's folder, so it works from any directory."""
    return Path(os.path.relpath(os.path.abspath(finding_path), baseline.resolve().parent)).as_posix()


def write_baseline(findings: list[Finding], baseline: Path) -> None:
    entries = [
        {
            "path": _baseline_path(f.path, baseline),
            "code": f.code,
            "source": f.source.strip(),
            "line": f.line,
            "message": f.message,
        }
        for f in findings
    ]
    from sogen.output import write_atomically

    text = json.dumps({"version": 1, "findings": entries}, ensure_ascii=False, indent=1) + "\n"
    write_atomically(str(baseline), utf8(text))


# A baseline entry is about 200 bytes: this is some 80,000 findings, far more than a
# cluster's scripts have, and json reads it in well under a second.
MAX_BASELINE_BYTES = 16 << 20
BASELINE_KEYS = ("path", "code", "source")


def read_baseline(baseline: Path) -> Counter[tuple[str, str, str]]:
    """How many findings of each fingerprint the baseline excuses; LintUsageError naming
    the file (and line, or entry) when it is not a baseline that `--baseline` wrote."""
    expected = _("a sogen baseline is {example}").format(
        example='{"version": 1, "findings": [{"path": ..., "code": ..., "source": ...}, ...]}'
    )
    try:
        data = parse_utf8(baseline, MAX_BASELINE_BYTES, json.loads, "JSON")
    except UnreadableFile as exc:
        raise LintUsageError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise LintUsageError(
            _("{path}:{line}:{column}: not JSON ({reason}); {expected}").format(
                path=baseline, line=exc.lineno, column=exc.colno, reason=exc.msg, expected=expected
            )
        ) from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise LintUsageError(_("{path}: no list of findings; {expected}").format(path=baseline, expected=expected))
    for index, entry in enumerate(entries):
        if not (isinstance(entry, dict) and all(isinstance(entry.get(key), str) for key in BASELINE_KEYS)):
            raise LintUsageError(
                _("{path}: findings[{index}] is not an object with the strings path, code and source").format(
                    path=baseline, index=index
                )
            )
    return Counter(_fingerprint(e["path"], e["code"], e["source"]) for e in entries)


def filter_baseline(findings: list[Finding], baseline: Path) -> list[Finding]:
    """The findings that are not in the baseline. A fingerprint ignores the line number, so
    edits above a finding do not make it new; each baseline entry excuses one finding."""
    known = read_baseline(baseline)
    new = []
    for finding in findings:
        key = _fingerprint(_baseline_path(finding.path, baseline), finding.code, finding.source)
        if known[key] > 0:
            known[key] -= 1
        else:
            new.append(finding)
    return new
