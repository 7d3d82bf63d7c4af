"""Lint results kept by content, settings and version, as ruff keeps its own: a CI re-run
over scripts that did not change reads them back instead of linting again.

A result is stored under the SHA-256 of everything it depends on: sogen's version and
the modification times of its rules, analysis core and message catalogues (so that a
development checkout never reads a result of older code), the language of the messages
(sogen.i18n), the file's language, the rules that run on it,
the start/stop name patterns, its path as given and as shown, and its bytes. Fixing
(`--fix`, `--diff`) and standard input are never cached. `--no-cache` skips the cache;
SOGEN_CACHE_DIR moves it (default: the user's cache folder). A damaged or unreadable
entry is linted again, and a cache that cannot be written is not an error.

An entry is read back with an unpickler that builds only the classes a lint result is
made of (:data:`RESULT_CLASSES`): a cache restored from somewhere else (a CI cache,
a shared folder) can at worst hold a wrong result, never run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from functools import cache

from sogen import __version__


# Every class a FileResult holds (findings, fixes, suppressions, the rules' summaries).
# tests/test_lint_cache.py reads back the results of every fixture: a summary of a new
# class fails it until the class is named here.
RESULT_CLASSES = frozenset({
    ("sogen.lint.engine", "FileResult"),
    ("sogen.lint.rules.base", "Finding"),
    ("sogen.lint.rules.base", "Fix"),
    ("sogen.lint.rules.base", "Edit"),
    ("sogen.lint.rules.suppression", "Suppression"),
    ("sogen.lint.rules.pairs", "WatchUse"),
    ("sogen.lint.rules.pairs", "WatchUses"),
    ("sogen.lint.rules.events", "DialectRead"),
    ("sogen.batch.ir", "Span"),
})  # fmt: skip


# A result is a few kB; a script of 1 MiB full of findings, a few MB.
MAX_ENTRY_BYTES = 64 * 1024 * 1024


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) not in RESULT_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a lint result")
        return super().find_class(module, name)


def _well_formed(result) -> bool:
    """Whether an entry is a FileResult as sogen stores one, down to the types of the fields
    the report reads: the classes alone would let a crafted entry (findings=5) stop the run."""
    from sogen.lint.engine import FileResult
    from sogen.lint.rules.base import Edit, Finding, Fix
    from sogen.lint.rules.suppression import Suppression

    def of(value, *kinds) -> bool:
        return type(value) in kinds

    def finding(f) -> bool:
        fix = f.fix
        return (
            type(f) is Finding and all(of(v, int) for v in f[1:5]) and all(of(v, str) for v in (f.path, *f[5:8]))
            and (fix is None or (of(fix, Fix) and of(fix.description, str) and of(fix.edits, tuple) and of(fix.unsafe, bool)
                                 and all(of(e, Edit) and of(e.start, int) and of(e.end, int) and of(e.text, str) for e in fix.edits)))
        )  # fmt: skip

    return (
        type(result) is FileResult
        and all(of(v, str) for v in (result.path, result.display_path, result.folder))
        and of(result.kind, str, type(None)) and of(result.error, str, type(None)) and of(result.fixes_applied, int)
        and (result.pair_key is None or (of(result.pair_key, tuple) and all(of(k, str) for k in result.pair_key)))
        and of(result.findings, list) and all(map(finding, result.findings))
        and of(result.suppressions, list) and all(of(x, Suppression) for x in result.suppressions)
        and of(result.summaries, dict) and all(of(code, str) for code in result.summaries)
        and of(result.original, bytes, type(None)) and of(result.fixed, bytes, type(None))
    )  # fmt: skip


def cache_folder() -> str:
    base = os.environ.get("SOGEN_CACHE_DIR")
    if not base:
        user_cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(user_cache, "sogen")
    return os.path.join(base, f"lint-{__version__}")


@cache
def _code_stamp() -> str:
    """When the code that makes a result last changed: the rules, the core, the catalogue."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    newest = 0
    messages = os.path.join("locale", "ja", "LC_MESSAGES")
    for folder in ("lint", os.path.join("lint", "rules"), "batch", "regfile", "", messages):
        try:
            with os.scandir(os.path.join(package, folder)) as entries:
                newest = max([newest, *(entry.stat().st_mtime_ns for entry in entries if entry.is_file())])
        except OSError:
            continue
    catalogue = os.environ.get("SOGEN_CATALOGUE")  # a catalogue read instead of the packaged one
    if catalogue:
        try:
            return f"{newest} {os.path.abspath(catalogue)} {os.stat(catalogue).st_mtime_ns}"
        except OSError:
            return f"{newest} {os.path.abspath(catalogue)}"
    return str(newest)


def entry_key(parts: tuple[str, ...], data: bytes) -> str:
    digest = hashlib.sha256()
    for part in (__version__, _code_stamp(), *parts):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _entry_path(folder: str, key: str) -> str:
    return os.path.join(folder, key[:2], key[2:])


def load(folder: str, key: str):
    """The result stored under ``key``, or None."""
    from sogen.textio import read_regular

    try:  # the entry itself, never what a link there points at (nor a FIFO, which would block)
        data = read_regular(_entry_path(folder, key), MAX_ENTRY_BYTES, follow_links=False)
        result = _ResultUnpickler(io.BytesIO(data)).load()
        return result if _well_formed(result) else None
    except Exception:  # noqa: BLE001 - missing, damaged, foreign or from another Python: lint again
        return None


def store(folder: str, key: str, result) -> None:
    """Keep ``result``; whole or not at all (another worker may be writing the same entry)."""
    from sogen.output import ReadOnlyFile, write_atomically

    path = _entry_path(folder, key)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomically(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), follow_links=False)
    except (OSError, ReadOnlyFile):
        pass  # a read-only home or a full disk: the next run lints again
