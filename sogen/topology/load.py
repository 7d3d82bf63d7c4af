"""Load a topology file, keeping the position of every value for error messages.

Every problem becomes a :class:`Problem` with file, line, column and the field
path; :func:`load_topology` reports all of them at once by raising
:class:`TopologyError`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sogen.textio import decode_bytes, looks_binary

Loc = tuple[str | int, ...]
# What `sogen import` writes where the legacy files hold no value.
PLACEHOLDER = "FILL_IN"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class TopologyError(Exception):
    """The topology file cannot be used; ``problems`` says why, each with its place."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Positions:
    """Where each key and value of the document stands (1-based line and column)."""

    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of ``loc``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class LoadedDocument:
    path: str
    data: Any
    positions: Positions

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.positions.of(loc, key=key)
        return Problem(self.path, line, column, format_loc(loc), message)


def _plain(node: Any, loc: Loc, positions: Positions) -> Any:
    """ruamel's round-trip nodes -> plain Python, recording positions on the way."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            child = loc + (str(key),)
            kline, kcol = node.lc.key(key)
            vline, vcol = node.lc.value(key)
            positions.keys[child] = (kline + 1, kcol + 1)
            positions.values[child] = (vline + 1, vcol + 1)
            result[str(key)] = _plain(value, child, positions)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, col = node.lc.item(index)
            positions.values[loc + (index,)] = (line + 1, col + 1)
            positions.keys[loc + (index,)] = (line + 1, col + 1)
            items.append(_plain(value, loc + (index,), positions))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def read_document(path: Path) -> LoadedDocument:
    """Read and parse YAML (or JSON, which is YAML) with positions. One-line errors."""
    shown = str(path)

    def fail(message: str, line: int = 1, column: int = 1) -> TopologyError:
        return TopologyError([Problem(shown, line, column, "", message)])

    if not path.exists():
        raise fail("no such file")
    if path.is_dir():
        raise fail("is a directory, not a topology file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror}") from None
    if looks_binary(raw):
        raise fail("is a binary file, not a YAML or JSON topology")
    try:
        text = decode_bytes(raw).text
    except UnicodeDecodeError:
        raise fail("is neither UTF-8, UTF-16 nor code page 932 text") from None
    if not text.strip():
        raise fail("is empty; run `sogen init` for a starter topology")

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        root = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "malformed YAML"
        raise fail(f"malformed YAML: {reason}", line, column) from None
    except YAMLError as exc:
        raise fail(f"malformed YAML: {exc}") from None
    positions = Positions()
    data = _plain(root, (), positions)
    if not isinstance(data, dict):
        raise fail("the top level must be a mapping with the keys cluster, groups and settings")
    return LoadedDocument(shown, data, positions)


def _schema_fields(model: type, loc: Loc) -> list[str]:
    """Field names allowed at ``loc`` (for "did you mean" hints)."""
    from pydantic import BaseModel

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            # A discriminated union member, named by pydantic after its tag.
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(get_args(item))
    return None


def _product_types() -> dict[str, type]:
    from sogen.topology.model import PRODUCT_TYPES

    return PRODUCT_TYPES


def _union_member(loc: Loc):
    """pydantic names the member of a discriminated union after its tag (the product
    type) in an error's loc: the model it stands for, and the loc after it."""
    members = _product_types()
    for index, part in enumerate(loc):
        if part in members:
            return members[part], loc[index + 1 :]
    return None, loc


def _field_description(tag_loc: Loc) -> str | None:
    """The schema description of the field at ``tag_loc``, for placeholder messages."""
    from pydantic import BaseModel

    from sogen.topology.model import Topology

    member, rest = _union_member(tag_loc)
    current: Any = member or Topology
    path = rest if member else tag_loc
    description = None
    for part in path:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            break
        description = info.description
        current = _inner_model(info.annotation)
    return description


def _message_for(error: dict, doc: LoadedDocument, user_loc: Loc, tag_loc: Loc) -> tuple[str, bool]:
    """A user-facing message for one pydantic error, and whether it is about a key."""
    from sogen.topology.model import Topology

    kind = error["type"]
    if isinstance(error.get("input"), str) and error["input"].startswith(PLACEHOLDER):
        what = _field_description(tag_loc)
        return f"is a placeholder left by sogen import: fill it in{f' ({what})' if what else ''}", False
    if kind == "extra_forbidden":
        name = str(user_loc[-1])
        member, rest = _union_member(tag_loc)
        allowed = _schema_fields(member, rest[:-1]) if member else _schema_fields(Topology, user_loc[:-1])
        hint = difflib.get_close_matches(name, allowed, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"unknown key {name!r}{suggestion}{listing}", True
    if kind == "missing":
        return "is required but missing", True
    if kind == "union_tag_invalid":
        tag = error["ctx"]["tag"]
        hint = difflib.get_close_matches(tag, list(_product_types()), n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        return f"unknown product type {tag!r}{suggestion} (allowed: {', '.join(sorted(_product_types()))})", False
    if kind == "literal_error":
        return f"{error['input']!r} is not allowed; allowed: {error['ctx']['expected']}", False
    if kind == "union_tag_not_found":
        return f"needs a 'type' key; allowed: {', '.join(sorted(_product_types()))}", False
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message, False


def validation_problems(doc: LoadedDocument, exc: Any) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        tag_loc = tuple(error["loc"])
        # The user never wrote the tag pydantic puts into the loc.
        user_loc = tuple(p for p in tag_loc if p not in _product_types())
        # pydantic reports `X | None` and `A | B` members as extra loc parts.
        user_loc = tuple(p for p in user_loc if not (isinstance(p, str) and ("[" in p or p in ("str", "int"))))
        message, about_key = _message_for(error, doc, user_loc, tag_loc)
        if error["type"] == "union_tag_invalid":
            user_loc += ("type",)
        problems.append(doc.problem(user_loc, message, key=about_key))
    return problems


def topology_hash(data: Any) -> str:
    """Hash of the validated model, independent of formatting and comments."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_topology(path: Path):
    """Read, validate structurally and semantically; raise TopologyError with every problem."""
    from pydantic import ValidationError

    from sogen.topology.model import Topology
    from sogen.topology.rules import check_topology

    doc = read_document(path)
    try:
        topology = Topology.model_validate(doc.data)
    except ValidationError as exc:
        raise TopologyError(sorted(set(validation_problems(doc, exc)))) from None
    problems = check_topology(topology, doc)
    if problems:
        raise TopologyError(sorted(set(problems)))
    return topology
