"""Put generated files on disk: inside OUT only, all or nothing, never losing the user's files.

The guarantees (README "Safety"):

* Confinement. Every path sogen reads, writes or removes is ``OUT/<name>`` where
  ``name`` is made of plain parts (no ``..``, no drive, no backslash); no symbolic
  link inside OUT is followed. A manifest entry that is not such a name is tampering:
  nothing is touched.
* Ownership. A file already in OUT is replaced or removed only when sogen wrote it
  (the old manifest records its SHA-256), or with ``force``.
* All or nothing. The new files are staged in ``OUT/.sogen/txn`` with a copy of every
  file they replace; a journal renamed into place is the commit point; then the files
  are moved in. An error while moving them puts the old ones back. A process killed
  after the commit point leaves the journal, and the next run completes the update
  before anything else; killed before it, OUT was never touched and the staging is
  thrown away.
* One writer at a time: runs into the same OUT wait for a lock in ``OUT/.sogen``.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sogen.i18n import N_, _
from sogen.textio import UnreadableFile, decode_bytes, read_regular, walk_folders

MANIFEST = "manifest.json"
# sogen's own corner of OUT: the lock and the staging of an update.
STATE = ".sogen"
LOCK_WAIT_SECONDS = 60.0
# A file this large is not one sogen wrote (the largest generated one is a few kB),
# so it is never read whole just to compare it.
LARGEST_OWN_FILE = 4 * 1024 * 1024
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
# A part of a name sogen writes: none of the characters Windows refuses in a file name
# (separators and the drive colon among them), no lone surrogate, no trailing dot or space.
_PLAIN_PART = re.compile(r"[^\\/:*?\"<>|\x00-\x1f\ud800-\udfff]*[^\\/:*?\"<>|\x00-\x1f\ud800-\udfff. ]")


class OutputError(Exception):
    """OUT cannot be written as asked; nothing was changed."""


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


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and _HEX_DIGEST.fullmatch(value) is not None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_plain_name(name: object) -> bool:
    """A relative path of plain parts, the only kind of name sogen writes into OUT."""
    if not isinstance(name, str) or not name:
        return False
    parts = name.split("/")
    if parts[0] == STATE:
        return False
    return all(part not in (".", "..") and _PLAIN_PART.fullmatch(part) for part in parts)


class _Link:
    """What stands at a name when it is a symbolic link (never followed)."""


class _Other:
    """A folder, a FIFO or a device where a file is expected (never read)."""


class OutputFolder:
    """OUT, and every access to it: each name is checked, no link inside is followed."""

    def __init__(self, out: Path):
        self.shown = out
        if out.is_symlink() or out.exists():
            if not out.is_dir():
                raise OutputError(_("{path}: exists and is not a folder").format(path=out))
        # OUT itself may be a link the user made; everything below it is checked.
        self.root = os.path.realpath(out)

    def show(self, name: str) -> str:
        return str(self.shown / name)

    def path(self, name: str) -> str:
        """``OUT/name`` after checking that no folder on the way is a link or a file."""
        if not is_plain_name(name):
            raise OutputError(_("{path}: not a name sogen writes").format(path=self.show(name)))
        return _below(self.root, name, self.shown)

    def is_read_only(self, name: str) -> bool:
        """Whether the file at ``name`` (a regular file sogen wrote) is marked read-only."""
        path = self.path(name)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return False
        return _read_only(path, mode)

    def is_folder(self, name: str) -> bool:
        """Whether a real folder stands at ``name`` (where sogen writes a file)."""
        try:
            return stat.S_ISDIR(os.lstat(self.path(name)).st_mode)
        except FileNotFoundError:
            return False

    def read(self, name: str) -> bytes | type[_Link] | type[_Other] | None:
        """The bytes of a regular file at ``name``; None when nothing is there."""
        return _read_plain(self.path(name))

    def owned(self) -> dict[str, str]:
        """The files the last run wrote, by the manifest; OutputError when it was tampered with."""
        data = self.read(MANIFEST)
        if not isinstance(data, bytes):
            return {}
        where = self.show(MANIFEST)
        try:
            files = json.loads(data.decode("utf-8"))["files"]
        except (ValueError, KeyError, TypeError, RecursionError):
            raise OutputError(
                _(
                    "{path}: not a manifest sogen wrote, so sogen cannot tell which files in {out} are its own: "
                    "restore it, or delete it and run again with --force; nothing was written"
                ).format(path=where, out=self.shown)
            ) from None
        if not isinstance(files, dict):
            raise OutputError(_("{path}: tampered: 'files' is not a mapping; nothing was written").format(path=where))
        for name, digest in files.items():
            if not is_plain_name(name):
                raise OutputError(
                    _(
                        "{path}: tampered: the entry {name} is not a file inside {out} "
                        "(absolute, or leaving the folder); sogen touches nothing: delete the manifest, "
                        "check the folder, and run again with --force"
                    ).format(path=where, name=repr(name), out=self.shown)
                )
            if not isinstance(digest, str) or not _HEX_DIGEST.fullmatch(digest):
                raise OutputError(
                    _("{path}: tampered: the entry {name} has no SHA-256; nothing was written").format(
                        path=where, name=repr(name)
                    )
                )
        return files


def _below(root: str, name: str, shown: Path) -> str:
    """``root/name`` after checking that no folder on the way is a link or a file
    (``shown``: ``root`` as the messages name it)."""
    current = root
    for part in name.split("/")[:-1]:
        current = os.path.join(current, part)
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            break
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(
                _(
                    "{path}: is a symbolic link to {target}; sogen writes only into real folders inside {out}: "
                    "replace the link with a folder; nothing was written"
                ).format(path=shown / os.path.relpath(current, root), target=os.readlink(current), out=shown)
            )
        if not stat.S_ISDIR(info.st_mode):
            raise OutputError(
                _("{path}: is a file where sogen needs a folder; nothing was written").format(
                    path=shown / os.path.relpath(current, root)
                )
            )
    return os.path.join(root, *name.split("/"))


def _read_plain(path: str) -> bytes | type[_Link] | type[_Other] | None:
    """The bytes of the regular file at ``path`` (never through a link); None when nothing is there."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return _Link
    if not stat.S_ISREG(info.st_mode) or info.st_size > LARGEST_OWN_FILE:
        return _Other
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return _Other
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def manifest_content(data: bytes) -> tuple | None:
    """What a manifest says about OUT's content: the files' hashes and the topology's.
    The sogen version and the topology's file name are recorded for information only."""
    try:
        manifest = json.loads(data.decode("utf-8"))
        return (manifest["files"], manifest["topology"]["sha256"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


def _same(name: str, now, data: bytes) -> bool:
    """Is what stands at ``name`` what would be written? For the manifest, the same content
    is enough: an upgrade of sogen, or the same topology under another file name, that
    changes no generated file leaves OUT up to date."""
    if now == data:
        return True
    if name != MANIFEST or not isinstance(now, bytes):
        return False
    recorded = manifest_content(now)
    return recorded is not None and recorded == manifest_content(data)


def _compare(
    folder: OutputFolder, files: dict[str, bytes], owned: dict[str, str], removing: bool = True
) -> tuple[Changes, dict]:
    """The changes, and what stands at every name now (bytes, _Link, _Other or None);
    without ``removing``, the files sogen wrote and ``files`` lacks are no change."""
    changes = Changes()
    current: dict[str, object] = {}
    for name, data in files.items():
        now = current[name] = folder.read(name)
        if now is None:
            changes.created.append(name)
        elif _same(name, now, data):
            changes.unchanged.append(name)
        elif isinstance(now, bytes) and (name == MANIFEST or owned.get(name) == _sha(now)):
            changes.updated.append(name)
        else:
            changes.conflicts.append(name)
    for name, digest in owned.items() if removing else ():
        if name in files:
            continue
        now = folder.read(name)
        if isinstance(now, bytes) and _sha(now) == digest:
            current[name] = now
            changes.removed.append(name)
    return changes, current


# -- the lock ----------------------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN, errno.EDEADLK):
            return False
        raise
    return True


def _still_there(fd: int, path: str) -> bool:
    """Whether ``path`` is still the file locked through ``fd`` (a finishing run removes it)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _open_lock(folder: OutputFolder, state: str, lock_path: str) -> int | None:
    """The lock file, opened (made if need be) in OUT/.sogen, itself made if need be;
    None when another run's end removed it meanwhile (try again). A link as the lock, or
    a file linked from elsewhere, is refused: sogen writes its process number into the
    lock, and Windows' os has no O_NOFOLLOW to keep that inside OUT."""
    with suppress(FileExistsError):
        os.mkdir(state)
    refused = OutputError(
        _("{path}: is a link, not sogen's lock file: delete it; nothing was written").format(path=folder.show(STATE + "/lock"))
    )
    try:
        if not stat.S_ISDIR(os.lstat(state).st_mode):
            raise OutputError(
                _("{path}: is not sogen's folder (a link or a file); nothing was written").format(path=folder.show(STATE))
            )
        if os.path.islink(lock_path):
            raise refused
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(lock_path):
            raise refused from None
        if isinstance(exc, FileNotFoundError):
            return None
        raise
    try:
        opened, standing = os.fstat(fd), os.lstat(lock_path)
    except FileNotFoundError:
        standing = None
    if standing is not None and stat.S_ISLNK(standing.st_mode):
        os.close(fd)  # made a link after the check
        raise refused
    if standing is None or not os.path.samestat(opened, standing):
        os.close(fd)  # removed by a finishing run, and perhaps made again by the next one
        return None
    if not stat.S_ISREG(opened.st_mode) or opened.st_nlink > 1:
        os.close(fd)  # a hard link: the same file stands elsewhere too
        raise refused
    return fd


@contextmanager
def _locked(folder: OutputFolder, wait: float, notice) -> Iterator[None]:
    """Hold OUT's lock; the operating system drops it when the process ends, however it ends.

    The lock file is removed when the run ends, so OUT keeps no trace of sogen but its
    manifest; a waiting run that finds its file removed locks the new one instead."""
    state = os.path.join(folder.root, STATE)
    lock_path = os.path.join(state, "lock")
    deadline = time.monotonic() + wait
    told = False
    while True:
        fd = _open_lock(folder, state, lock_path)
        holder = None  # no other run seen: the folder went with a run that finished just now
        if fd is not None:
            if _try_lock(fd) and (os.name == "nt" or _still_there(fd, lock_path)):
                break
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() if hasattr(os, "pread") else ""
            holder = holder if holder.isdigit() else ""  # a process ID, as sogen writes it; nothing else is shown
            os.close(fd)
        if time.monotonic() > deadline:
            raise OutputError(
                _("{path}: still being written by another sogen run after {seconds} s; nothing was written").format(
                    path=folder.shown, seconds=f"{wait:.0f}"
                )
            )
        if not told and holder is not None:
            if holder:
                message = _(
                    "{path}: another sogen run (process {process}) is writing it; waiting for it to finish (up to {seconds} s)"
                )
            else:
                message = _("{path}: another sogen run is writing it; waiting for it to finish (up to {seconds} s)")
            notice(message.format(path=folder.shown, process=holder, seconds=f"{wait:.0f}"))
            told = True
        time.sleep(0.05)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        # Windows cannot remove an open file, and a lock file left behind is harmless.
        with suppress(OSError):
            os.unlink(lock_path)
        with suppress(OSError):
            os.close(fd)  # the lock goes with the descriptor, whatever close reports
        with suppress(OSError):
            os.rmdir(state)  # fails while another run's lock, or a journal to complete, is in it


# -- the transaction -------------------------------------------------------------------------


def _write_new(path: str, data: bytes) -> None:
    """A new file, on disk (fsync) before anything refers to it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
        os.unlink(path)  # the entry itself, a link included: a file is made new, never written through
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as exc:  # a full disk, a size limit: os.write names no file
        raise OSError(exc.errno, exc.strerror, exc.filename or path) from None
    finally:
        os.close(fd)


def _sync_folder(path: str) -> None:
    """Make renames in ``path`` durable (POSIX; Windows has no folder handles for this)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class _Journal:
    """What an update does, written before it starts: enough to finish it after a kill."""

    replace: dict[str, dict]  # name -> {"new": sha, "old": sha or None}; manifest.json last
    remove: dict[str, str]  # name -> sha of the file sogen wrote
    forced: bool  # the run had --force: what it was allowed to replace, its completion may too

    def dump(self) -> bytes:
        raw = {"replace": self.replace, "remove": self.remove, "forced": self.forced}
        return json.dumps(raw, indent=1).encode("utf-8")

    @classmethod
    def load(cls, data: bytes) -> _Journal:
        raw = json.loads(data.decode("utf-8"))
        journal = cls(dict(raw["replace"]), dict(raw["remove"]), raw["forced"] is True)
        if not all(map(is_plain_name, [*journal.replace, *journal.remove])):
            raise ValueError("a name in the journal is not a name sogen writes")
        digests = [*journal.remove.values()]
        for shas in journal.replace.values():
            if not isinstance(shas, dict) or set(shas) != {"new", "old"} or not (shas["old"] is None or _is_digest(shas["old"])):
                raise ValueError("not a journal entry")
            digests.append(shas["new"])
        if not all(map(_is_digest, digests)):
            raise ValueError("not a SHA-256")
        return journal


class _Update:
    """One update of OUT: staging, commit, moves, and their undoing."""

    def __init__(self, folder: OutputFolder):
        self.folder = folder
        self.txn = os.path.join(folder.root, STATE, "txn")
        self.journal_path = os.path.join(self.txn, "journal.json")
        # What apply did in this process, in order: only that is undone, and only folders
        # it made, or emptied by removing sogen's files, are removed (a user's stay).
        self.moved_in: list[str] = []
        self.removed: list[str] = []
        self.made: list[str] = []

    def staged(self, name: str) -> str:
        return self._in_staging("new", name)

    def saved(self, name: str) -> str:
        return self._in_staging("old", name)

    def _in_staging(self, kind: str, name: str) -> str:
        """A file's place in the staging, no link on the way: a staging someone else put
        there (an OUT/.sogen committed with the scripts) must not move files from, or
        to, anywhere outside OUT."""
        base = os.path.join(self.txn, kind)
        if os.path.islink(base) or (os.path.lexists(base) and not os.path.isdir(base)):
            raise OutputError(self._not_staged(base))
        return _below(base, name, Path(self.folder.show(STATE)) / "txn" / kind)

    def _not_staged(self, path: str) -> str:
        return _(
            "{path}: the staging of an interrupted update is not what sogen left there (a link, or a file "
            "its journal does not name); nothing was changed: delete {state}, check the files in {out} "
            "and run again"
        ).format(path=path, state=self.folder.show(STATE), out=self.folder.shown)

    def verify(self, journal: _Journal) -> None:
        """Before a killed run's update is completed: every file the journal moves in is
        staged as a regular file with the journal's SHA-256, every file it replaces or
        removes has its copy, and nothing in OUT is other than the journal expects."""
        for name, shas in journal.replace.items():
            now = self.folder.read(name)
            if isinstance(now, bytes) and _sha(now) == shas["new"]:
                continue
            expected = now is None or (isinstance(now, bytes) and (_sha(now) == shas["old"] or name == MANIFEST))
            # A link, a FIFO or a large file only --force replaces; a folder never is.
            if not expected and not (journal.forced and not isinstance(now, bytes) and not self.folder.is_folder(name)):
                raise OutputError(
                    _("{path}: changed while sogen was updating it; not replaced").format(path=self.folder.show(name))
                )
            if not journal.forced and os.path.lexists(self.saved(name) + ".aside"):
                raise OutputError(self._not_staged(self.saved(name) + ".aside"))
            self._holds(self.staged(name), shas["new"])
        for name, sha in [*((n, s["old"]) for n, s in journal.replace.items() if s["old"]), *journal.remove.items()]:
            self._holds(self.saved(name), sha)

    def _holds(self, path: str, sha: str) -> None:
        data = _read_plain(path)
        if not isinstance(data, bytes) or _sha(data) != sha:
            raise OutputError(self._not_staged(path))

    def discard(self) -> None:
        if os.path.lexists(self.txn):
            _remove_tree(self.txn)

    def pending(self) -> _Journal | None:
        """The journal of an update that was committed and not finished, if there is one."""
        for path in (os.path.dirname(self.txn), self.txn, *(os.path.join(self.txn, kind) for kind in ("new", "old", "undo"))):
            if os.path.islink(path):
                raise OutputError(
                    _("{path}: is a symbolic link; sogen's own folder in {out} must be real").format(
                        path=path, out=self.folder.shown
                    )
                )
        try:  # a FIFO put in its place must not stop sogen waiting for a writer
            data = read_regular(self.journal_path, LARGEST_OWN_FILE, follow_links=False)
        except UnreadableFile:
            if not os.path.lexists(self.journal_path):
                return None
            data = b""  # a link, a folder, a device: not a journal sogen wrote
        try:
            return _Journal.load(data)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise OutputError(
                _(
                    "{path}: the journal of an interrupted update is damaged; "
                    "delete {path} and check the files in {out}"
                ).format(path=self.folder.show(STATE), out=self.folder.shown)
            ) from None

    def begin(self, files: dict[str, bytes], changes: Changes, current: dict, *, force: bool) -> _Journal:
        """Stage the new files and copies of the old ones, then commit (the journal)."""
        self.discard()
        moving = [n for n in (*changes.created, *changes.updated, *changes.conflicts) if n != MANIFEST]
        if MANIFEST in (*changes.created, *changes.updated, *changes.conflicts):
            moving.append(MANIFEST)  # last: until it moves, the old manifest describes OUT
        replace = {}
        for name in moving:
            _write_new(self.staged(name), files[name])
            old = current.get(name)
            if isinstance(old, bytes):
                _write_new(self.saved(name), old)
            replace[name] = {"new": _sha(files[name]), "old": _sha(old) if isinstance(old, bytes) else None}
        remove = {}
        for name in changes.removed:
            _write_new(self.saved(name), current[name])
            remove[name] = _sha(current[name])
        journal = _Journal(replace, remove, force)
        _write_new(self.journal_path + ".new", journal.dump())
        os.replace(self.journal_path + ".new", self.journal_path)
        _sync_folder(self.txn)
        return journal

    def apply(self, journal: _Journal) -> int:
        """Move every staged file into place and remove the old ones; idempotent, so a
        killed run's journal can be applied again. Returns how many entries it moved."""
        moved = 0
        touched_folders = set()
        for name, shas in journal.replace.items():
            target = self.folder.path(name)
            now = self.folder.read(name)
            if isinstance(now, bytes) and _sha(now) == shas["new"]:
                continue
            # Nothing there (never was, or a killed undo had moved it back) is no user's file either.
            expected = now is None or (isinstance(now, bytes) and _sha(now) == shas["old"])
            if not expected and not journal.forced and name != MANIFEST:
                raise OutputError(
                    _("{path}: changed while sogen was updating it; not replaced").format(path=self.folder.show(name))
                )
            if now is _Other or now is _Link:
                # Only --force gets here: a link, FIFO or device where the file goes is moved aside.
                os.makedirs(os.path.dirname(self.saved(name)), exist_ok=True)
                os.replace(target, self.saved(name) + ".aside")
            parts = name.split("/")[:-1]
            self.made += [
                "/".join(parts[:depth]) for depth in range(1, len(parts) + 1)
                if not os.path.lexists(os.path.join(self.folder.root, *parts[:depth]))
            ]  # fmt: skip
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(self.staged(name), target)
            self.moved_in.append(name)
            touched_folders.add(os.path.dirname(target))
            moved += 1
        for name, sha in journal.remove.items():
            now = self.folder.read(name)
            if isinstance(now, bytes) and _sha(now) == sha:
                os.unlink(self.folder.path(name))
                self.removed.append(name)
                touched_folders.add(os.path.dirname(self.folder.path(name)))
                moved += 1
        for path in touched_folders:
            _sync_folder(path)
        return moved

    def undo(self, journal: _Journal) -> None:
        """Put back what ``apply`` replaced or removed in this process. Each new file goes
        back to the staging and the old one comes back as a copy, so that the journal
        stays complete: a run killed while undoing leaves an update the next run completes."""
        for name in reversed(self.moved_in):
            shas = journal.replace[name]
            now = self.folder.read(name)
            if not (isinstance(now, bytes) and _sha(now) == shas["new"]):
                continue
            target = self.folder.path(name)
            staged = self.staged(name)
            os.makedirs(os.path.dirname(staged), exist_ok=True)
            os.replace(target, staged)
            if shas["old"] is not None:
                self._copy_back(name, target)
            aside = self.saved(name) + ".aside"
            if os.path.lexists(aside):
                os.replace(aside, target)
        for name in self.removed:
            if self.folder.read(name) is None:
                self._copy_back(name, self.folder.path(name))
        for made in reversed(self.made):
            with suppress(OSError):  # not empty: something else is in it now
                os.rmdir(os.path.join(self.folder.root, *made.split("/")))

    def _copy_back(self, name: str, target: str) -> None:
        """The saved copy of ``name`` back at ``target``, in one rename, the copy kept."""
        data = _read_plain(self.saved(name))
        if not isinstance(data, bytes):
            raise OutputError(self._not_staged(self.saved(name)))
        restored = self._in_staging("undo", name)
        _write_new(restored, data)  # a new file (O_EXCL): never through what stands there
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(restored, target)

    def finish(self, journal: _Journal, notice) -> None:
        """Clear the staging of a complete update. A failure here changes nothing in OUT:
        the journal left behind is found complete by the next run, which clears it."""
        try:
            _remove_empty_folders(self.folder, self.removed)
            os.unlink(self.journal_path)
            self.discard()
        except OSError as exc:
            notice(
                _("{path}: could not be cleared ({reason}); the next run clears it").format(
                    path=self.folder.show(STATE), reason=_reason(exc)
                )
            )


def _remove_tree(top: str) -> None:
    """shutil.rmtree without recursion (see walk_folders); links are removed, never followed."""

    def fail(exc: OSError) -> None:
        raise exc

    folders = []
    for folder, dirs, files in walk_folders(top, fail):
        folders.append(folder)
        for name in [*files, *(d for d in dirs if os.path.islink(os.path.join(folder, d)))]:
            os.unlink(os.path.join(folder, name))
    for folder in reversed(folders):
        os.rmdir(folder)


def _remove_empty_folders(folder: OutputFolder, names: list[str]) -> None:
    """Folders left empty by removed files (a renamed group's old folder) go too."""
    for name in names:
        parts = name.split("/")[:-1]
        while parts:
            path = os.path.join(folder.root, *parts)
            try:
                os.rmdir(path)
            except OSError:
                break
            parts.pop()


def write(
    out: Path, files: dict[str, bytes], *, force: bool, lock_wait: float = LOCK_WAIT_SECONDS, notice=None,
    only: bool = False,
) -> Changes:
    """Write ``files`` into ``out``, all or nothing; OutputError before touching anything on conflict.
    ``only``: ``files`` are some of OUT's (migrate's imported topology alone): the files the
    manifest records and ``files`` does not hold stay, and the manifest is not written."""
    notice = notice or (lambda message: print(message, file=sys.stderr))
    folder = OutputFolder(out)
    for name in files:
        folder.path(name)  # a generated name that is not plain is a bug, caught before any write
    os.makedirs(folder.root, exist_ok=True)
    with _locked(folder, lock_wait, notice):
        update = _Update(folder)
        pending = update.pending()
        if pending is not None:
            # The journal's "forced" is its writer's word, and the staging may be anyone's:
            # what only --force may replace is replaced only when this run has it too.
            asked, pending.forced = pending.forced, pending.forced and force
            try:
                update.verify(pending)
            except OutputError:
                if asked and not force:  # a killed --force run: what it was replacing needs it again
                    raise OutputError(
                        _(
                            "{path}: an update made with --force was interrupted; run again with --force "
                            "to complete it; nothing was changed"
                        ).format(path=out)
                    ) from None
                raise
            try:
                completed = update.apply(pending)
            except (OSError, OutputError) as exc:
                # Not undone: this run did not write the journal, and what the killed run had
                # moved in is indistinguishable from what was there. The next run goes on.
                raise OutputError(
                    _(
                        "{path}: an interrupted update could not be completed ({reason}); {path} is partly "
                        "updated and the rest is in {state}: remove the cause and run again to complete it"
                    ).format(path=out, reason=_reason(exc), state=folder.show(STATE))
                ) from None
            update.finish(pending, notice)
            notice(
                _("{path}: completed an interrupted update ({count} file(s) moved into place)").format(
                    path=out, count=completed
                )
            )
        else:
            update.discard()  # staging of a run killed before its commit point: OUT was never touched
        owned = folder.owned()
        changes, current = _compare(folder, files, owned, removing=not only)
        # --force replaces files, never a folder of the user's and what is in it.
        folders = [name for name in changes.conflicts if current[name] is _Other and folder.is_folder(name)]
        if folders:
            raise _refusal(
                N_(
                    "{count} folder(s) in {path} stand where sogen writes a file, and sogen never removes a folder, "
                    "--force or not; nothing was written (move them away):"
                ), folder, folders,
            )  # fmt: skip
        locked = [name for name in (*changes.updated, *changes.removed) if folder.is_read_only(name)]
        if locked and not force:  # marked read-only to keep it: as init, diagram and lint --fix do
            raise _refusal(
                N_("{count} file(s) in {path} are marked read-only; nothing was written (use --force to replace them):"),
                folder, locked,
            )  # fmt: skip
        if changes.conflicts and not force:
            raise _refusal(
                N_(
                    "{count} file(s) in {path} were not written by sogen or were edited since; "
                    "nothing was written (use --force to overwrite them):"
                ), folder, changes.conflicts,
            )  # fmt: skip
        if not changes.differs:
            return changes
        try:
            journal = update.begin(files, changes, current, force=force)
        except OSError as exc:
            update.discard()
            raise OutputError(_("{reason}; nothing in {path} was changed").format(reason=_reason(exc), path=out)) from None
        try:
            update.apply(journal)
        except (OSError, OutputError) as exc:
            try:
                update.undo(journal)
            except (OSError, OutputError):
                raise OutputError(
                    _(
                        "{path}: the update stopped ({reason}) and could not be undone; "
                        "the next sogen generate into {path} completes it"
                    ).format(path=out, reason=_reason(exc))
                ) from None
            update.finish(journal, notice)
            raise OutputError(_("{reason}; {path} was left as it was").format(reason=_reason(exc), path=out)) from None
        update.finish(journal, notice)
    return changes


def _refusal(message: str, folder: OutputFolder, names: list[str]) -> OutputError:
    """A run stopped before it changed anything, ``message`` (N_) above the names it is about."""
    listing = "\n".join(f"  {folder.show(name)}" for name in names)
    return OutputError(_(message).format(count=len(names), path=folder.shown) + "\n" + listing)


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        # A move into OUT that failed names the place in OUT, not sogen's staged copy.
        return "{}: {}".format(exc.filename2 or exc.filename or _("a file"), exc.strerror or exc)
    return str(exc)


def pending_update(out: Path) -> bool:
    """Whether OUT holds a committed update that a killed run did not finish."""
    return _Update(OutputFolder(out)).pending() is not None


def _lines(data: bytes) -> list[str]:
    try:
        text = decode_bytes(data).text
    except UnicodeDecodeError:
        return [f"(binary, {len(data)} bytes, sha256 {_sha(data)})\n"]
    return text.replace("\r\n", "\n").splitlines(keepends=True)


def _shown_lines(now) -> list[str]:
    if now is _Link:
        return ["(a symbolic link: not followed)\n"]
    if now is _Other:
        return ["(not a regular file, or too large to be sogen's: not read)\n"]
    return _lines(now) if now is not None else []


def preview(out: Path, files: dict[str, bytes]) -> tuple[Changes, str]:
    """What writing ``files`` would do to ``out``, read only: the changes, and the same
    changes as a unified diff (decoded text)."""
    folder = OutputFolder(out)
    changes, current = _compare(folder, files, folder.owned())
    chunks = []
    for name in sorted({*changes.created, *changes.updated, *changes.conflicts, *changes.removed}):
        old, new = current.get(name), files.get(name)
        chunks.extend(
            difflib.unified_diff(
                _shown_lines(old),
                _lines(new) if new is not None else [],
                fromfile=f"a/{name}" if old is not None else "/dev/null",
                tofile=f"b/{name}" if new is not None else "/dev/null",
            )
        )
    return changes, "".join(line if line.endswith("\n") else line + "\n" for line in chunks)


# -- one file -------------------------------------------------------------------------------


class ReadOnlyFile(Exception):
    """The file is marked read-only: sogen leaves it as it is."""


def _read_only(path: str, mode: int) -> bool:
    """Whether the file is marked read-only: root may write anything, so there no write
    bit for anyone counts as read-only too (lint --fix, init, diagram, generate alike)."""
    return not mode & 0o222 or not os.access(path, os.W_OK)


def _new_file_mode() -> int:
    """What open() would give a new file: 0666 less the umask (mkstemp gives 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: str, data: bytes, *, follow_links: bool = True) -> None:
    """Write the whole file in one step: beside it, then renamed over it. Whatever fails,
    the temporary file is removed and the old file is left as it was.

    An existing file keeps its mode and, where the user may give it, its owner; a
    read-only one raises ReadOnlyFile. A symbolic link stays a link and the file it
    points to is written, as ruff does: replacing the link would leave its target
    unfixed; without ``follow_links`` (sogen's own cache) the link itself is replaced.
    A device or a pipe (``/dev/null``, ``/dev/stdout``, a FIFO a CI step reads) is
    written to, never renamed over: as root, a rename would put a text file where
    ``/dev/null`` was.
    """
    if follow_links and is_stream(path):
        _write_in_place(path, data)
        return
    target = os.path.realpath(path) if follow_links else os.path.abspath(path)
    try:
        info = os.stat(target) if follow_links else os.lstat(target)
    except FileNotFoundError:
        info = None
    mode = _new_file_mode()
    if info is not None and stat.S_ISREG(info.st_mode):
        mode = stat.S_IMODE(info.st_mode)
        # Replacing a file needs only a writable folder, so its own permissions are asked first.
        if _read_only(target, mode):
            raise ReadOnlyFile(path)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".sogen-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        if info is not None and stat.S_ISREG(info.st_mode) and hasattr(os, "chown"):
            with suppress(OSError):  # root fixing a user's script leaves it the user's
                os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


class FixRefused(Exception):
    """lint --fix leaves the file as it is; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def write_fix(path: str, before: bytes, after: bytes, roots: list[str]) -> None:
    """lint --fix's write of one file, ``after`` for ``before`` (write_atomically). Refused
    when the file changed since it was read (an editor's save, a checkout: that text
    would be lost), when it has other hard links (they would keep the old text), and
    when it is a link to a file outside the ``roots`` (real paths: those linted and their
    repositories): a link committed to a repository must not rewrite a file elsewhere on
    the machine (a script the group folders of one repository share has its target
    fixed, as ruff does)."""
    target = os.path.realpath(path)
    if os.path.islink(path) and not any(_inside(target, root) for root in roots):
        raise FixRefused(_("is a link to {target}, outside the paths linted and their repository").format(target=target))
    try:
        now = read_regular(target, len(before) + 1)
    except UnreadableFile as exc:
        if not os.path.isfile(target) or os.path.getsize(target) <= len(before):
            raise FixRefused(exc.reason) from None
        now = None  # it grew: not what was read
    if now != before:
        raise FixRefused(_("changed while sogen was fixing it"))
    links = os.stat(target).st_nlink
    if links > 1:
        raise FixRefused(
            _("has {count} hard links: a new file would leave the others with the old text").format(count=links)
        )
    # The file checked, not the link again: a link swapped meanwhile must not lead elsewhere.
    write_atomically(target, after, follow_links=False)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


# Names of a process's open files: /dev/stdout is the shell's redirection target, which may
# be a regular file (`> report.txt`, `>> ci.log`) that is the caller's, not sogen's to replace.
_DESCRIPTOR = re.compile(r"/dev/(?:stdin|stdout|stderr|fd/\d+)|/proc/(?:self|\d+)/fd/\d+")


def is_stream(path: str | os.PathLike) -> bool:
    """Whether ``path`` is written to as it is, never replaced: a device or a pipe, or the
    name of an open file (/dev/stdout, /dev/fd/3), whatever it stands for."""
    if _DESCRIPTOR.fullmatch(os.path.abspath(path)):
        return os.path.exists(path)
    try:
        kind = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(kind) and not stat.S_ISDIR(kind)


def _write_in_place(path: str, data: bytes) -> None:
    """Write to a device or a pipe as it is, appending: /dev/stdout may be a file the shell
    opened with >>, which must keep what it holds. A FIFO no process reads fails at once
    (ENXIO) instead of waiting for a reader that never comes."""
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | nonblocking)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(exc.errno, _("a pipe that nothing reads")) from None
        raise
    try:
        if nonblocking:
            os.set_blocking(descriptor, True)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)
