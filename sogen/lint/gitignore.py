"""What .gitignore files exclude from folder discovery, with git's semantics.

The patterns are git's (gitignore(5)): ``#`` comments, trailing blanks dropped unless
escaped, ``!`` re-includes, a trailing ``/`` matches folders only, a ``/`` at the
start or in the middle anchors the pattern to its file's folder (else it matches a
name at any depth), ``*``, ``?`` and ``[...]`` (``[!...]``, ``[[:digit:]]``) never
match a ``/``, ``**`` as a whole component spans folders (``**/x``, ``a/**``,
``a/**/b``), ``\\`` escapes. The files read are the .gitignore of every folder walked
and of the folders above it up to the repository root (the folder holding
``.git``), and the repository's ``.git/info/exclude``; a deeper file's patterns take
precedence, and in one file the last pattern that matches decides, as in git.
tests/test_lint_conventions.py judges the whole against `git check-ignore`.

As in git (and ripgrep, ruff), an ignored folder is not entered, so nothing inside
it can be re-included; and a folder named on the command line is walked even if it
is ignored itself: only what is below it is judged, each entry by itself.

The patterns are translated to regular expressions here rather than by a library:
what sogen needs is some sixty lines, and the library (pathspec) costs 20-40 ms to
import, on every run in a repository, which has a .gitignore.
"""

from __future__ import annotations

import os
import re

from sogen.i18n import _
from sogen.textio import folders_up

GITIGNORE = ".gitignore"
# A .gitignore is a few hundred bytes; anything this large is not one.
MAX_GITIGNORE_BYTES = 1 << 20
# Every entry of a folder is judged against every pattern that applies there: a file of
# tens of thousands (none that people write has more than a few hundred) made a lint of
# a few hundred scripts take minutes. Such a file is reported and not applied.
MAX_PATTERNS = 5000
# Git on Windows matches case-insensitively (core.ignorecase, set on NTFS).
IGNORE_CASE = os.path.normcase("A") == "a"
POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}
_LONGEST_CLASS_NAME = max(map(len, POSIX_CLASSES))


FLAGS = re.IGNORECASE if IGNORE_CASE else 0
DOUBLE_STAR = None  # a `**` component of a pattern: zero or more folders


class Component:
    """A pattern's component (the text between slashes) matching one file or folder name.

    With at most one `*` it is one regular expression. With more, a regular expression
    would backtrack for minutes on a long name (`*a*a*a*a*b`: a .gitignore is anyone's
    commit); the star-free pieces between the stars have a fixed length, so each is
    looked for once, leftmost, which is the whole of glob matching, in linear time."""

    __slots__ = ("matches",)

    def __init__(self, pieces: list[tuple[str, int]]):
        if len(pieces) <= 2:
            regex = re.compile("[^/]*".join(source for source, _length in pieces), FLAGS)
            self.matches = lambda name: regex.fullmatch(name) is not None
        else:
            compiled = [(re.compile(source, FLAGS), length) for source, length in pieces]
            self.matches = lambda name: _pieces_match(compiled, name)


def _pieces_match(pieces: list[tuple[re.Pattern[str], int]], name: str) -> bool:
    (first, first_length), (last, last_length) = pieces[0], pieces[-1]
    tail = len(name) - last_length
    if tail < first_length or not first.fullmatch(name, 0, first_length) or not last.fullmatch(name, tail):
        return False
    position = first_length
    for piece, _length in pieces[1:-1]:
        found = piece.search(name, position, tail)
        if found is None:
            return False
        position = found.end()
    return True


class Pattern:
    """One line of a .gitignore."""

    __slots__ = ("include", "directory_only", "anchored", "components", "depth")

    def __init__(self, include: bool, directory_only: bool, anchored: bool, components: list):
        self.include = include  # True: ignores; False: a `!` pattern, re-includes
        self.directory_only = directory_only
        # Anchored: matched against the path from the .gitignore's folder; else against the name.
        self.anchored = anchored
        self.components = components  # Component or DOUBLE_STAR
        self.depth = None if DOUBLE_STAR in components else len(components)

    def matches(self, relative: str, name: str) -> bool:
        if not self.anchored:
            return self.components[0].matches(name)
        parts = relative.split("/")
        if self.depth is not None and self.depth != len(parts):  # without `**`, one name per component
            return False
        states = {0}  # how many of ``parts`` the components so far can have matched
        last = len(self.components) - 1
        for index, component in enumerate(self.components):
            if component is DOUBLE_STAR:
                if index == last:  # `a/**`: everything inside, one component or more
                    return min(states) < len(parts)
                states = set(range(min(states), len(parts) + 1))
            else:
                states = {s + 1 for s in states if s < len(parts) and component.matches(parts[s])}
            if not states:
                return False
        return len(parts) in states


def parse_line(line: str) -> Pattern | None:
    """The pattern on ``line``; None for a blank line, a comment, or a pattern that can
    match nothing (an unclosed ``[``, which git's wildmatch also rejects)."""
    line = line.rstrip("\r")
    kept = line.rstrip(" ")
    if len(kept) < len(line):  # trailing blanks go, but one escaped with a backslash
        line = kept + " " if kept.endswith("\\") else kept
    if not line or line.startswith("#"):
        return None
    include = not line.startswith("!")
    if not include:
        line = line[1:]
    directory_only = line.endswith("/")
    body = line.rstrip("/")
    anchored = "/" in body
    body = body.lstrip("/") if anchored else body
    if not body:
        return None
    components = []
    for part in body.split("/") if anchored else [body]:
        if part == "**" and anchored:
            components.append(DOUBLE_STAR)
            continue
        pieces = _pieces(part)
        if pieces is None:
            return None
        components.append(Component(pieces))
    return Pattern(include, directory_only, anchored, components)


def _pieces(part: str) -> list[tuple[str, int]] | None:
    """The star-free pieces of a component, as (regular expression, characters matched),
    that its runs of `*` separate; None when it has an unclosed bracket."""
    pieces: list[tuple[str, int]] = []
    out: list[str] = []
    i = 0
    while i < len(part):
        char = part[i]
        if char == "\\":
            i += 1
            if i < len(part):
                out.append(re.escape(part[i]))
        elif char == "*":
            while i + 1 < len(part) and part[i + 1] == "*":  # `**` inside a name is `*`
                i += 1
            pieces.append(("".join(out), len(out)))
            out = []
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            found = _bracket(part, i)
            if found is None:
                return None
            text, i = found
            out.append(text)
        else:
            out.append(re.escape(char))
        i += 1
    pieces.append(("".join(out), len(out)))
    return pieces


def _bracket(part: str, start: int) -> tuple[str, int] | None:
    """The bracket expression at ``part[start]`` as a regex class, and the index of its "]"."""
    i = start + 1
    negated = i < len(part) and part[i] in "!^"
    if negated:
        i += 1
    members = []
    first = True
    while i < len(part):
        char = part[i]
        if char == "]" and not first:
            inside = "".join(members)
            return (f"[^/{inside}]" if negated else f"(?!/)[{inside}]"), i
        first = False
        if char == "[" and part.startswith("[:", i):
            close = part.find(":]", i + 2, i + 4 + _LONGEST_CLASS_NAME)  # not the rest of a long line each time
            name = part[i + 2 : close] if close != -1 else None
            if name in POSIX_CLASSES:
                members.append(POSIX_CLASSES[name])
                i = close + 2
                continue
        if char == "\\" and i + 1 < len(part):
            i += 1
            char = part[i]
        if i + 2 < len(part) and part[i + 1] == "-" and part[i + 2] != "]":
            low, high = char, part[i + 2]
            if high == "\\" and i + 3 < len(part):
                high = part[i + 3]
                i += 1
            if low <= high:
                members.append(f"{re.escape(low)}-{re.escape(high)}")
            i += 3
            continue
        members.append(re.escape(char))
        i += 1
    return None  # no closing "]"


class Patterns:
    """The patterns of one .gitignore (or info/exclude), relative to ``base``."""

    def __init__(self, base: str, lines: list[str]):
        self.base = base
        self.patterns = [p for p in map(parse_line, lines) if p is not None]

    def decision(self, relative: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included (``!``), None: no pattern matches the entry."""
        name = relative.rpartition("/")[2]
        for pattern in reversed(self.patterns):
            if pattern.directory_only and not is_dir:
                continue
            if pattern.matches(relative, name):
                return pattern.include
        return None


def repository_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` holding ``.git`` (a folder, or a file in a
    worktree or submodule)."""
    return next((current for current in folders_up(folder) if os.path.exists(os.path.join(current, ".git"))), None)


class Ignored:
    """Which entries of a walk of the named folder ``top`` are ignored.

    For each folder the walk lists, ``enter(folder, files)`` reads the folder's
    .gitignore if ``files`` has one, and ``ignored(name, is_dir)`` then judges an
    entry of that folder. A .gitignore that cannot be read adds a message to ``unread``.
    Folders are known by the paths os.walk gives (``top`` joined with names), so that
    nothing is asked of the file system beyond listing them."""

    def __init__(self, top: str, unread: list[str]):
        self.unread = unread
        self.top = top
        # The .gitignore files in force in each folder, each with the folder's path relative
        # to the .gitignore's own folder ("" there, "sub/" below it ...).
        self.by_folder: dict[str, list[tuple[Patterns, str]]] = {}
        self.prefixes: list[tuple[Patterns, str]] = []  # the last folder entered's, deepest first
        self.inherited: list[tuple[Patterns, str]] = []
        absolute = os.path.abspath(top)
        root = repository_root(absolute)
        if root is None:
            return
        exclude = os.path.join(root, ".git", "info", "exclude")
        if os.path.isfile(exclude):
            self.inherited += [(p, _prefix(absolute, root)) for p in self._read(root, exclude)]
        above = []  # the folders above ``top``, up to the root
        current = absolute
        while current != root:
            current = os.path.dirname(current)
            above.append(current)
        for folder in reversed(above):
            path = os.path.join(folder, GITIGNORE)
            if os.path.isfile(path):
                self.inherited += [(p, _prefix(absolute, folder)) for p in self._read(folder, path)]

    def _read(self, base: str, path: str) -> list[Patterns]:
        from sogen.textio import UnreadableFile, read_regular

        try:
            data = read_regular(path, MAX_GITIGNORE_BYTES)
        except UnreadableFile as exc:
            self.unread.append(_("{error}; its patterns are not applied").format(error=exc))
            return []
        # git skips a UTF-8 BOM (Windows editors write one); names that are not UTF-8 stay as os.walk gives them.
        patterns = Patterns(base, data.decode("utf-8-sig", "surrogateescape").split("\n"))
        if len(patterns.patterns) > MAX_PATTERNS:
            self.unread.append(
                _("{path}: more than {maximum} patterns; its patterns are not applied").format(
                    path=path, maximum=MAX_PATTERNS
                )
            )
            return []
        return [patterns]

    def enter(self, folder: str, files: list[str]) -> None:
        if folder == self.top:
            current = list(self.inherited)
            # Its subfolders name it as os.path.dirname of their paths: "out" for "out/" + "g1".
            self.by_folder[os.path.dirname(os.path.join(folder, "x"))] = current
        else:
            name = os.path.basename(folder)
            current = [(p, f"{prefix}{name}/") for p, prefix in self.by_folder.get(os.path.dirname(folder), ())]
        if GITIGNORE in files:
            current += [(p, "") for p in self._read(folder, os.path.join(folder, GITIGNORE))]
        self.by_folder[folder] = current
        self.prefixes = current[::-1]

    def ignored(self, name: str, is_dir: bool) -> bool:
        """Is ``name``, in the folder last entered, ignored?"""
        for patterns, prefix in self.prefixes:
            decision = patterns.decision(prefix + name, is_dir)
            if decision is not None:
                return decision
        return False


def _prefix(folder: str, base: str) -> str:
    """``folder`` relative to ``base``, with forward slashes and a trailing one ("" for base)."""
    relative = os.path.relpath(folder, base)
    return "" if relative == os.curdir else relative.replace(os.sep, "/") + "/"
