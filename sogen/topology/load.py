"""Load a topology file, keeping the position of every value for error messages.

Every problem becomes a :class:`Problem` with file, line, column and the field
path; :func:`load_topology` reports all of them at once by raising
:class:`TopologyError`.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from sogen.i18n import N_, _, language
from sogen.textio import (
    BATCH_ENCODING, UnreadableFile, damaged_utf8, decode_bytes, euc_jp_text, looks_binary, read_regular,
    undecodable_at,
)
from sogen.topology.document import LoadedDocument, Loc, Positions, Problem, TopologyError

# What `sogen import` writes where the legacy files hold no value.
PLACEHOLDER = "FILL_IN"

# Limits that keep a hostile or mistaken file from costing minutes or gigabytes.
# A four-node, two-group topology with every product is about 3 KB (10 KB as
# `sogen import` writes it, with a comment on every value) and has a few hundred
# values, six levels deep. The slowest YAML shapes parse at about 1.5 MB/s, list
# items at about 25,000 a second: at these caps either takes a fifth of a second.
MAX_TOPOLOGY_BYTES = 256 << 10
MAX_VALUES = 5_000  # keys, values and list items; an alias counts as the values it repeats
MAX_DEPTH = 20
MAX_NUMBER_LENGTH = 100  # the largest number a topology holds is 3600
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
NAME_LIKE_TAGS = (*NUMBER_TAGS, "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool")
STRING_TAG = "tag:yaml.org,2002:str"


def _plain(node: Any, loc: Loc, positions: Positions) -> Any:
    """ruamel's round-trip nodes -> plain Python, recording positions on the way."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    # Keys merged in with `<<: *anchor` have no place of their own: they take their mapping's
    # (a mapping that is only a merge, `- <<: *sv1`, has no places at all).
    if isinstance(node, CommentedMap):
        result = {}
        places = node.lc.data or {}
        for key, value in node.items():
            child = loc + (str(key),)
            place = places.get(key)
            if place:
                kline, kcol, vline, vcol = place
                positions.keys[child] = (kline + 1, kcol + 1)
                # An empty value (`virtual_host:` and a line break) has no place of its own: ruamel
                # gives the next token's, on the next line; its key's is where it is missing.
                empty = value is None and vline != kline  # (an explicit null stands on the key's line)
                positions.values[child] = (kline + 1, kcol + 1) if empty else (vline + 1, vcol + 1)
            result[str(key)] = _plain(value, child, positions)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        places = node.lc.data or {}
        for index, value in enumerate(node):
            place = places.get(index)
            if place:
                line, col = place
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


class _Refused(Exception):
    """Well-formed YAML that no topology is: the guarded composer says why, and where."""

    def __init__(self, message: str, mark):
        super().__init__(message)
        self.message, self.line, self.column = message, mark.line + 1, mark.column + 1


@cache
def _guarded_composer() -> type:
    """ruamel's composer, refusing what no topology needs before it costs time or memory, or
    breaks the constructor: deep nesting, too many values (alias bombs), tags, numbers Python
    will not convert, keys that are lists or mappings."""
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import AliasEvent
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    class GuardedComposer(Composer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.warn_double_anchors = False  # legal YAML (the later anchor wins), not worth a Python warning
            self.values = 0
            self.sizes: dict[int, int] = {}  # id of a finished anchored node -> how many values it holds

        def count(self, values: int, mark) -> None:
            self.values += values
            if self.values > MAX_VALUES:
                raise _Refused(
                    _(
                        "more than {maximum} values (an alias counts as every value it repeats); "
                        "a topology has a few hundred"
                    ).format(maximum=MAX_VALUES),
                    mark,
                )

        def compose_node(self, parent, index):
            mark = self.parser.peek_event().start_mark
            node = self.compose_counted_node(parent, index)
            # ruamel composes a mapping's key with index None
            if isinstance(parent, MappingNode) and index is None:
                if not isinstance(node, ScalarNode):
                    raise _Refused(_("a key must be a name, not a list or mapping"), mark)
                if node.tag in NAME_LIKE_TAGS:  # `~:`, `yes:`, `1:` are unknown keys as written, not None, True, 1
                    node.tag = STRING_TAG
            return node

        def compose_counted_node(self, parent, index):
            event = self.parser.peek_event()
            if isinstance(event, AliasEvent):
                node = super().compose_node(parent, index)
                if id(node) not in self.sizes:
                    raise _Refused(
                        _("alias *{anchor} repeats a value that contains it").format(anchor=event.anchor), event.start_mark
                    )
                self.count(self.sizes[id(node)], event.start_mark)
                if isinstance(node, ScalarNode):
                    # A value is placed where the alias stands, not at its anchor: a problem
                    # with `virtual_host: *ip` is on that line, whatever line the anchor is on.
                    return ScalarNode(node.tag, node.value, event.start_mark, event.end_mark, style=node.style)
                return node
            if self.depth >= MAX_DEPTH:
                raise _Refused(
                    _("nested more than {maximum} levels deep; a topology needs six").format(maximum=MAX_DEPTH),
                    event.start_mark,
                )
            tag = event.ctag
            if tag is not None and str(tag) != "!":
                raise _Refused(
                    _(
                        "tag {tag} is not allowed: a topology holds plain mappings, "
                        "lists, strings, numbers and booleans (quote a string that would read as something else)"
                    ).format(tag=f"{tag.handle or ''}{tag.suffix}"),
                    event.start_mark,
                )
            before = self.values
            self.count(1, event.start_mark)
            node = super().compose_node(parent, index)
            if event.anchor is not None:
                self.sizes[id(node)] = self.values - before
            return node

        def compose_scalar_node(self, anchor):
            node = super().compose_scalar_node(anchor)
            if node.tag == "tag:yaml.org,2002:timestamp":
                # No field is a date: read 2024-13-45 as the text it is, not as a date that fails.
                node.tag = STRING_TAG
            elif node.tag in NUMBER_TAGS and len(node.value) > MAX_NUMBER_LENGTH:
                raise _Refused(
                    _(
                        "a number of {length} characters is too long; numbers in a topology "
                        "have at most {maximum}"
                    ).format(length=len(node.value), maximum=MAX_NUMBER_LENGTH),
                    node.start_mark,
                )
            return node

    return GuardedComposer


# The %YAML directives ruamel.yaml reads; it asserts on the others (1.0, 1.3) instead of
# raising an error, and an assertion is no message for a user (nor there under python -O).
_YAML_DIRECTIVE = re.compile(r"%YAML[ \t]+(\S+)")


def _unread_yaml_version(text: str) -> tuple[str, int] | None:
    """(the version, its line) of a %YAML directive other than 1.1 or 1.2, before the document starts."""
    for number, line in enumerate(io.StringIO(text), start=1):  # the head only, not the whole document
        line = line.rstrip("\r\n")
        if line.startswith("---") or not (line.startswith("%") or line.startswith("#") or not line.strip()):
            return None
        match = _YAML_DIRECTIVE.match(line)
        if match and match.group(1) not in ("1.1", "1.2"):
            return match.group(1), number
    return None


def read_document(path: Path) -> LoadedDocument:
    """Read and parse YAML (or JSON, which is YAML) with positions. One-line errors."""
    shown = str(path)

    def fail(message: str, line: int = 1, column: int = 1) -> TopologyError:
        return TopologyError([Problem(shown, line, column, "", message)])

    if path == "-":  # as typed (validate -, lint --topology -): lint reads standard input, this does not
        raise fail(_("a topology is read from a file, whose lines its problems name; give the file, not standard input"))
    if path.is_dir():
        raise fail(_("is a directory, not a topology file"))
    try:
        raw = read_regular(path, MAX_TOPOLOGY_BYTES)
    except UnreadableFile as exc:
        raise fail(exc.reason) from None
    if looks_binary(raw):
        raise fail(_("is a binary file, not a YAML or JSON topology"))
    try:
        decoded = decode_bytes(raw)
    except UnicodeDecodeError:
        decoded = None
    cp932_or_none = decoded is None or decoded.encoding == BATCH_ENCODING
    # EUC-JP (a Unix editor's Japanese) fails code page 932, or reads as its half-width katakana.
    euc = euc_jp_text(raw) if cp932_or_none else None
    if euc is None and cp932_or_none and damaged_utf8(raw):
        # Read as code page 932 it could pass, with every Japanese value garbled in the artifacts.
        raise fail(
            _("is UTF-8 text with a byte here that is not UTF-8: correct or remove it"), *undecodable_at(raw, ("utf-8",))
        )
    if decoded is None and euc is None:
        raise fail(_("is neither UTF-8, UTF-16 nor code page 932 text"), *undecodable_at(raw))
    text = euc if euc is not None else decoded.text
    if not text.strip():
        raise fail(_("is empty; run `sogen init` for a starter topology"))

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    yaml = YAML(typ="rt")
    yaml.Composer = _guarded_composer()
    directive = _unread_yaml_version(text)
    if directive is not None:
        version, line = directive
        raise fail(_("malformed YAML: %YAML {version}: sogen reads YAML 1.1 and 1.2").format(version=version), line, 1)
    try:
        root = yaml.load(text)
    except _Refused as exc:
        raise fail(exc.message, exc.line, exc.column) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context
        message = _("malformed YAML: {reason}").format(reason=reason) if reason else _("malformed YAML")
        raise fail(message, line, column) from None
    except ReaderError as exc:  # a character YAML does not allow: ruamel gives its offset only
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        reason = f"U+{exc.character:04X}: {exc.reason}" if isinstance(exc.character, int) else exc.reason
        raise fail(_("malformed YAML: {reason}").format(reason=reason), line, column) from None
    except YAMLError as exc:
        raise fail(_("malformed YAML: {reason}").format(reason=exc)) from None
    positions = Positions()
    data = _plain(root, (), positions)
    if not isinstance(data, dict):
        raise fail(_("the top level must be a mapping with the keys cluster, groups and settings"))
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
    return _(description) if description else None  # marked N_() in the model, English in the schema


def _message_for(error: dict, doc: LoadedDocument, user_loc: Loc, tag_loc: Loc) -> tuple[str, bool]:
    """A user-facing message for one pydantic error, and whether it is about a key."""
    from sogen.topology.model import Topology

    kind = error["type"]
    if isinstance(error.get("input"), str) and error["input"].startswith(PLACEHOLDER):
        what = _field_description(tag_loc)
        if what:
            return _("is a placeholder left by sogen import: fill it in ({description})").format(description=what), False
        return _("is a placeholder left by sogen import: fill it in"), False
    if kind == "extra_forbidden":
        name = str(user_loc[-1])
        member, rest = _union_member(tag_loc)
        allowed = _schema_fields(member, rest[:-1]) if member else _schema_fields(Topology, user_loc[:-1])
        hint = difflib.get_close_matches(name, allowed, n=1)
        suggestion = _("; did you mean {name}?").format(name=repr(hint[0])) if hint else ""
        listing = _(" (allowed: {names})").format(names=", ".join(allowed)) if allowed else ""
        return _("unknown key {name}{suggestion}{listing}").format(
            name=repr(name), suggestion=suggestion, listing=listing
        ), True
    if kind == "missing":
        return _("is required but missing"), True
    if kind == "union_tag_invalid":
        tag = error["ctx"]["tag"]
        if tag.startswith(PLACEHOLDER):  # import found no product it knows in the group's scripts
            return _("is a placeholder left by sogen import: fill it in ({description})").format(
                description=_("one of {types}").format(types=", ".join(sorted(_product_types())))
            ), False
        hint = difflib.get_close_matches(tag, list(_product_types()), n=1)
        suggestion = _("; did you mean {name}?").format(name=repr(hint[0])) if hint else ""
        return _("unknown product type {tag}{suggestion} (allowed: {types})").format(
            tag=repr(tag), suggestion=suggestion, types=", ".join(sorted(_product_types()))
        ), False
    if kind == "literal_error":
        expected = error["ctx"]["expected"]
        if language() != "en":
            expected = expected.replace(" or ", _(" or "))
        return _("{value} is not allowed; allowed: {expected}").format(value=repr(error["input"]), expected=expected), False
    if kind == "union_tag_not_found":
        return _("needs a 'type' key; allowed: {types}").format(types=", ".join(sorted(_product_types()))), False
    if error.get("input") is None and kind in _EMPTY_TYPES:
        what = _field_description(tag_loc)
        if what:
            return _("is empty; give a value ({description})").format(description=what), False
        return _("is empty; give a value"), False
    template = PYDANTIC_MESSAGES.get(kind)
    if template is not None and language() != "en":
        # pydantic's own words for its built-in checks, by error type; in English, pydantic's text.
        return _(template).format(**error.get("ctx", {})), False
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message, False


# What pydantic says of a key with nothing after it: "Input should be a valid string".
_EMPTY_TYPES = frozenset(
    ("string_type", "list_type", "model_type", "model_attributes_type", "dict_type", "bool_type", "int_type")
)

# pydantic's built-in checks (error type -> message id), in the words pydantic uses in English.
PYDANTIC_MESSAGES = {
    "string_type": N_("Input should be a valid string"),
    "string_too_short": N_("String should have at least {min_length} characters"),
    "list_type": N_("Input should be a valid list"),
    "too_short": N_("List should have at least {min_length} items after validation, not {actual_length}"),
    "too_long": N_("List should have at most {max_length} items after validation, not {actual_length}"),
    "model_type": N_("Input should be a valid dictionary"),
    "model_attributes_type": N_("Input should be a valid dictionary"),
    "dict_type": N_("Input should be a valid dictionary"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
}


def _user_loc(data: Any, loc: Loc, missing: bool) -> Loc:
    """The parts of a pydantic loc that the document has. pydantic adds the tag of a union
    member (the product type) and names `A | B` members, which the user never wrote; the last
    part of a "missing" error is the key the document lacks."""
    parts = []
    current = data
    for index, part in enumerate(loc):
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]
            parts.append(part)
        elif missing and index == len(loc) - 1:
            parts.append(part)
    return tuple(parts)


def validation_problems(doc: LoadedDocument, exc: Any) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        tag_loc = tuple(error["loc"])
        user_loc = _user_loc(doc.data, tag_loc, error["type"] == "missing")
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
    return validate_document(read_document(path))


def validate_document(doc: LoadedDocument):
    """The topology ``doc`` holds; TopologyError with every problem, each at its place in ``doc``.

    When the type checks fail, the cross-field checks still run on the parts that pass
    their own, so one run reports both kinds and fixing them brings no new ones.
    """
    from pydantic import ValidationError

    from sogen.topology.model import Topology
    from sogen.topology.checks import check_topology

    try:
        topology = Topology.model_validate(doc.data)
    except ValidationError as exc:
        problems = validation_problems(doc, exc) + check_topology(_valid_parts(doc.data), doc)
        raise TopologyError(sorted(set(problems))) from None
    problems = check_topology(topology, doc)
    if problems:
        raise TopologyError(sorted(set(problems)))
    return topology


def _valid_parts(data: dict):
    """A topology of the parts of ``data`` that pass their type checks on their own: the
    cluster's mode and its nodes (each else None), each group (else None, keeping the others'
    indexes), the settings (else the defaults, which only the ARMSLEEP of a plan reads)."""
    from pydantic import TypeAdapter, ValidationError

    from sogen.topology.model import Cluster, Group, Mode, Node, Settings, Topology

    def valid(validate, value):
        try:
            return validate(value)
        except ValidationError:
            return None

    cluster = data.get("cluster") if isinstance(data.get("cluster"), dict) else {}
    groups = data.get("groups")
    return Topology.model_construct(
        cluster=Cluster.model_construct(
            mode=valid(TypeAdapter(Mode).validate_python, cluster.get("mode")),
            nodes=valid(TypeAdapter(list[Node]).validate_python, cluster.get("nodes")),
        ),
        groups=[valid(Group.model_validate, group) for group in groups] if isinstance(groups, list) else [],
        settings=valid(Settings.model_validate, data.get("settings", {})) or Settings(),
    )
