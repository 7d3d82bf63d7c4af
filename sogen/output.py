"""Put generated files on disk without losing anything the user had.

Files are written to a temporary folder beside OUT and moved into place only
when all of them were written. A file already in OUT is overwritten only when
sogen wrote it (it is in the old manifest with the same SHA-256), or with
``force``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sogen.generate import MANIFEST
from sogen.textio import decode_bytes


class OutputError(Exception):
    pass


@dataclass
class Changes:
    """How OUT differs from what would be generated."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # ours, no longer generated
    conflicts: list[str] = field(default_factory=list)  # not ours, or edited since

    @property
    def differs(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.conflicts)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _old_manifest(out: Path) -> dict[str, str]:
    try:
        return dict(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def compare(out: Path, files: dict[str, bytes]) -> Changes:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    owned = _old_manifest(out)
    changes = Changes()
    for name, data in files.items():
        target = out / name
        if not target.exists():
            changes.created.append(name)
            continue
        if target.is_dir():
            changes.conflicts.append(name)
            continue
        current = target.read_bytes()
        if current == data:
            changes.unchanged.append(name)
        elif name == MANIFEST or owned.get(name) == _sha(current):
            changes.updated.append(name)
        else:
            changes.conflicts.append(name)
    for name, digest in owned.items():
        target = out / name
        if name in files or not target.is_file():
            continue
        if _sha(target.read_bytes()) == digest:
            changes.removed.append(name)
    return changes


def write(out: Path, files: dict[str, bytes], *, force: bool) -> Changes:
    """Write ``files`` into ``out``; raise OutputError before touching anything on conflict."""
    changes = compare(out, files)
    if changes.conflicts and not force:
        listing = "\n".join(f"  {out / name}" for name in changes.conflicts)
        raise OutputError(
            f"{len(changes.conflicts)} file(s) in {out} were not written by sogen or were edited since; "
            f"nothing was written (use --force to overwrite them):\n{listing}"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.sogen-", dir=out.parent))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if not out.exists():
            os.replace(staging, out)
            return changes
        for name in files:
            if name in changes.unchanged:
                continue
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
        for name in changes.removed:
            (out / name).unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changes


def _lines(data: bytes) -> list[str]:
    try:
        text = decode_bytes(data).text
    except UnicodeDecodeError:
        return [f"(binary, {len(data)} bytes, sha256 {_sha(data)})\n"]
    return text.replace("\r\n", "\n").splitlines(keepends=True)


def unified_diff(out: Path, files: dict[str, bytes]) -> str:
    """What generating would change in ``out``, as a unified diff (decoded text)."""
    chunks = []
    owned = _old_manifest(out)
    names = sorted(set(files) | {n for n in owned if (out / n).is_file()})
    for name in names:
        target = out / name
        old = target.read_bytes() if target.is_file() else None
        new = files.get(name)
        if old == new:
            continue
        chunks.extend(
            difflib.unified_diff(
                _lines(old) if old is not None else [],
                _lines(new) if new is not None else [],
                fromfile=f"a/{name}" if old is not None else "/dev/null",
                tofile=f"b/{name}" if new is not None else "/dev/null",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)
