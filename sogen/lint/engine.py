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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sogen.lint.config import LintConfig
from sogen.lint.context import STOP, FileContext, NamePatterns, kind_from_name
from sogen.lint.rules import RULES, Finding
from sogen.lint.rules.base import BATCH, REGISTRY, SEVERITIES, Edit
from sogen.lint.rules.suppression import Suppression, apply_suppressions, by_line, find_suppressions, is_suppressed
from sogen.output import MANIFEST
from sogen.textio import MAX_SOURCE_BYTES, UnreadableFile, decode_bytes, parse_utf8, read_regular

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
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith(os.pardir) else relative


def language_of(path: str) -> str | None:
    return LANGUAGES.get(os.path.splitext(path)[1].lower())


def named_language(path: str) -> str:
    """A file named on the command line is linted whatever its extension (start.txt, a
    script saved by an editor): as a registry patch when it ends .reg, else as batch."""
    return language_of(path) or BATCH


def discover(paths: list[str], unread: list[str], texts: list[str] | None = None) -> dict[str, str]:
    """The files to lint under ``paths`` and their languages: folders recursively (hidden
    ones skipped, only .bat/.cmd/.reg), named files whatever their extension, in a fixed
    order. A folder that cannot be listed adds a message to ``unread``. With ``texts``,
    the same pass collects there the somg.ini and RUNBOOK.md files a topology checks."""

    def report(exc: OSError) -> None:
        unread.append(f"{display_path(exc.filename)}: cannot be read: {exc.strerror}; its files are not linted")

    found: dict[str, str] = {}
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path, onerror=report):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    language = language_of(name)
                    if language:
                        found.setdefault(os.path.join(folder, name), language)
                    elif texts is not None and name.lower() in TOPOLOGY_TEXT_FILES:
                        texts.append(os.path.join(folder, name))
        elif texts is not None and os.path.basename(path).lower() in TOPOLOGY_TEXT_FILES:
            texts.append(path)
        elif os.path.exists(path):
            # A FIFO or device is named on purpose too: lint_file reports it.
            found.setdefault(path, named_language(path))
        else:
            raise LintUsageError(f"{path}: no such file or directory")
    return found


@lru_cache(maxsize=1024)
def cluster_of(folder: str) -> str:
    """The cluster whose files the cross-file rules compare, for a file in ``folder`` (absolute):
    the nearest folder holding a manifest.json (what sogen generate writes), else the folder
    the group folders stand side by side in. Linting several sites' clusters at once then
    finds exactly what linting each alone does."""
    current = folder
    while True:
        if os.path.isfile(os.path.join(current, MANIFEST)):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    group = os.path.dirname(folder) if os.path.basename(folder).lower() == "registry" else folder
    return os.path.dirname(group)


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


def make_context(job: Job, data: bytes, language: str):
    if language == REGISTRY:
        from sogen.lint.context import RegContext

        return RegContext(job.path, job.display_path, data)
    return FileContext(job.path, job.display_path, data, job.patterns)


def source_lines(ctx, language: str) -> list[str]:
    return ctx.reg.lines if language == REGISTRY else ctx.script.lines


@lru_cache(maxsize=1024)
def absolute_folder(folder: str) -> str:
    """The folder as an absolute path, the key that pairs start and stop scripts (worked
    out once per folder: abspath asks the OS for the working directory each time)."""
    return os.path.abspath(folder)


@lru_cache(maxsize=64)
def codes_for_language(codes: frozenset[str], language: str) -> tuple[str, ...]:
    """The selected rules that check this kind of file, in code order."""
    return tuple(sorted(c for c in codes if RULES[c].language == language))


def lint_file(job: Job) -> FileResult:
    try:
        data = job.data if job.data is not None else read_regular(job.path, MAX_SOURCE_BYTES)
    except UnreadableFile as exc:
        result = FileResult(job.path, job.display_path, absolute_folder(os.path.dirname(job.path)))
        result.error = f"{job.display_path}: {exc.reason}"
        return result
    if job.cache_folder is None or job.fix or job.data is not None:
        return _lint_data(job, data)
    from sogen.lint import cache

    parts = (job.language, ",".join(sorted(job.codes)), repr(job.patterns), job.path, job.display_path, os.getcwd())
    key = cache.entry_key(parts, data)
    result = cache.load(job.cache_folder, key)
    if result is None:
        result = _lint_data(job, data)
        cache.store(job.cache_folder, key, result)
    return result


def _lint_data(job: Job, data: bytes) -> FileResult:
    result = FileResult(job.path, job.display_path, absolute_folder(os.path.dirname(job.path)))
    language = job.language
    codes = codes_for_language(job.codes, language)
    ctx = make_context(job, data, language)
    findings = run_rules(ctx, codes)
    if job.fix and language == BATCH and ctx.fixable:
        for _ in range(MAX_FIX_ROUNDS):
            index = by_line(find_suppressions(ctx.script.lines))
            wanted = [f for f in findings if not is_suppressed(f, index)]
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
        if rule.pair or rule.tree:
            summarize = type(rule).summarize
            if summarize not in summaries:
                summaries[summarize] = summarize(ctx)
            result.summaries[code] = summaries[summarize]
    return result


# -- many files ---------------------------------------------------------------------


@contextmanager
def _few_collections() -> Iterator[None]:
    """Linting makes many small objects and next to no reference cycles: with the
    default thresholds the cyclic collector spends several per cent of the time
    looking for cycles that are not there."""
    thresholds = gc.get_threshold()
    _collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _collect_rarely() -> None:
    gc.freeze()  # what is alive now (modules, rules, the catalogue) is never garbage
    gc.set_threshold(50_000, 20, 100)


def _run(jobs: list[Job]) -> list[FileResult]:
    workers = os.cpu_count() or 1
    with _few_collections():
        if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
            return [lint_file(job) for job in jobs]
        from concurrent.futures import ProcessPoolExecutor

        import sogen.batch.interpreter  # noqa: F401  (loaded once here, inherited by forked workers)
        import sogen.batch.parser  # noqa: F401

        chunk = max(1, len(jobs) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers, initializer=_collect_rarely) as pool:
            return list(pool.map(lint_file, jobs, chunksize=chunk))


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
) -> LintResult:
    """Lint files and folders; with ``fix``, the results carry the fixed bytes (nothing is written).

    With ``topology`` the files are also checked against it (rules SO8xx). ``stdin``: the
    file name and bytes of standard input, linted as if they were that file.
    ``cache_folder``: keep and reuse results there (see sogen.lint.cache).
    """
    unread: list[str] = []
    texts: list[str] | None = [] if topology is not None else None
    files = discover(paths, unread, texts)

    def job(path: str, language: str, data: bytes | None = None) -> Job:
        codes = config.codes_for(path)
        return Job(path, display_path(path), codes, config.patterns, fix, language, data, cache_folder)

    jobs = [job(path, language) for path, language in files.items()]
    if stdin is not None:
        name, data = stdin
        jobs.append(job(name, named_language(name), data))
    if not jobs and not unread and not texts:  # a folder that cannot be read is reported as such
        # An empty or misspelt folder passing as "All checks passed" would hide a broken CI step.
        raise LintUsageError(f"nothing to lint in {', '.join(paths)}: no .bat, .cmd or .reg file")
    results = _run(jobs)
    codes_by_file = {job.display_path: job.codes for job in jobs}

    # Findings on more than one file: each is kept only where its rule runs on that file.
    shared: list[Finding] = []
    for start, stop in pairs(results):
        for code in sorted(set(start.summaries) & set(stop.summaries)):
            if RULES[code].pair:
                shared.extend(RULES[code].check_pair(start.summaries[code], stop.summaries[code]))
    for code in sorted(c for c in config.selected() if RULES[c].tree):
        by_cluster: dict[str, dict[str, object]] = defaultdict(dict)
        for r in results:
            if r.summaries.get(code) is not None:
                by_cluster[cluster_of(r.folder)][r.display_path] = r.summaries[code]
        for summaries in by_cluster.values():
            shared.extend(RULES[code].check_tree(summaries))
    shared_by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in shared:
        if finding.code in codes_by_file.get(finding.path, ()):
            shared_by_file[finding.path].append(finding)
    if topology is not None:  # already limited to the codes each file runs
        for finding in topology_findings(texts, results, topology, config, unread):
            shared_by_file[finding.path].append(finding)

    findings: list[Finding] = []
    for result in results:
        codes = codes_by_file[result.display_path]
        own = result.findings + shared_by_file.pop(result.display_path, [])
        kept, unused = apply_suppressions(own, result.suppressions, codes.__contains__, result.display_path)
        findings.extend(kept + unused)
    # Files only the topology rules read (somg.ini, RUNBOOK.md) carry no suppressions.
    findings.extend(f for rest in shared_by_file.values() for f in rest)
    return LintResult(results, unique(findings), config, unread)


# -- against a topology -------------------------------------------------------------

TOPOLOGY_TEXT_FILES = ("somg.ini", "runbook.md")


def _group_of(path: str, group_names: list[str]) -> int | None:
    """The group a file belongs to: the nearest folder named like a group; the only group otherwise."""
    parts = [p.lower() for p in Path(os.path.abspath(path)).parent.parts]
    for part in reversed(parts):
        for index, name in enumerate(group_names):
            if part == name.lower():
                return index
    return 0 if len(group_names) == 1 else None


def topology_findings(
    texts: list[str], results: list[FileResult], topology, config: LintConfig, unread: list[str]
) -> list[Finding]:
    """Run the SO8xx rules on the linted files and on the somg.ini / RUNBOOK.md files
    discovery found beside them (``texts``).

    Files the lint could not read are left out (their error is reported already); a
    somg.ini or RUNBOOK.md that cannot be read or decoded adds a message to ``unread``.
    """
    from sogen.lint.context import RegContext
    from sogen.lint.rules.base import TOPOLOGY
    from sogen.lint.rules.topology import TextContext

    group_names = [g.name for g in topology.groups]
    findings: list[Finding] = []
    reported = {r.path for r in results}
    linted = [r.path for r in results if r.error is None]
    for path in linted + [t for t in texts if t not in reported]:
        codes = [c for c in sorted(config.codes_for(path)) if RULES[c].language == TOPOLOGY]
        if not codes:
            continue
        shown = display_path(path)
        language = language_of(path)
        try:
            data = read_regular(path, MAX_SOURCE_BYTES)
            if language == REGISTRY:
                ctx = RegContext(path, shown, data)
            elif language == BATCH:
                ctx = FileContext(path, shown, data, config.patterns)
            else:
                ctx = TextContext(path, shown, decode_bytes(data).text.splitlines())
        except UnreadableFile as exc:
            unread.append(f"{shown}: {exc.reason}; not checked against the topology")
            continue
        except UnicodeDecodeError:
            unread.append(
                f"{shown}: is neither UTF-8, UTF-16 nor code page 932 text; not checked against the topology"
            )
            continue
        group = _group_of(path, group_names)
        for code in codes:
            rule = RULES[code]
            if group is not None or getattr(rule, "whole_tree", False):
                findings.extend(rule.check_topology(ctx, topology, 0 if group is None else group))
    return findings


def unique(findings: list[Finding]) -> list[Finding]:
    """One finding per (file, line, code), the leftmost; sorted for output."""
    seen: set[tuple[str, int, str]] = set()
    out = []
    for finding in sorted(findings, key=Finding.sort_key):
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
    write_atomically(str(baseline), text.encode("utf-8"))


# A baseline entry is about 200 bytes: this is some 80,000 findings, far more than a
# cluster's scripts have, and json reads it in well under a second.
MAX_BASELINE_BYTES = 16 << 20
BASELINE_KEYS = ("path", "code", "source")


def read_baseline(baseline: Path) -> Counter[tuple[str, str, str]]:
    """How many findings of each fingerprint the baseline excuses; LintUsageError naming
    the file (and line, or entry) when it is not a baseline that `--baseline` wrote."""
    expected = 'a sogen baseline is {"version": 1, "findings": [{"path": ..., "code": ..., "source": ...}, ...]}'
    try:
        data = parse_utf8(baseline, MAX_BASELINE_BYTES, json.loads, "JSON")
    except UnreadableFile as exc:
        raise LintUsageError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise LintUsageError(f"{baseline}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); {expected}") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise LintUsageError(f"{baseline}: no list of findings; {expected}")
    for index, entry in enumerate(entries):
        if not (isinstance(entry, dict) and all(isinstance(entry.get(key), str) for key in BASELINE_KEYS)):
            raise LintUsageError(
                f"{baseline}: findings[{index}] is not an object with the strings path, code and source"
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
