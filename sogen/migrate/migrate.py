"""`sogen migrate`: import (or take a topology), generate, and diff the behaviour."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from sogen.batch.control import control_flow
from sogen.batch.events import ARM, COMBINATIONS, DIALECTS, Combination, Dialect, cluster_dialect, dialects_read
from sogen.batch.interpreter import analyse, analyse_as_written, script_dialect
from sogen.batch.parser import parse_script
from sogen.i18n import _, language
from sogen.migrate.build import texts_not_kept
from sogen.migrate.diff import ScriptDiff, diff_script
from sogen.migrate.importer import names_its_group, group_folders, import_folders, legacy_findings
from sogen.migrate.recover import ImportError_, find_scripts
from sogen.textio import BATCH_ENCODING, MAX_SOURCE_BYTES, name_as_written, read_regular, utf8, visible
from sogen.topology.load import (
    PLACEHOLDER,
    LoadedDocument,
    TopologyError,
    load_topology,
    read_document,
    topology_hash,
    validate_document,
)
from sogen.topology.model import Topology

MIGRATION = "MIGRATION.md"
IMPORTED = "cluster.yaml"

# Stand-ins that let the scripts be generated while values are still to be filled in;
# nothing generated from them is written. Two sets that differ in every value but the
# node names: an artifact whose bytes change with the set is built from a placeholder
# (see pending_artifacts). A node's name stands only in the scripts' header comments and
# in the names of the node's own files, which wait for any node data; it reads as one
# to fill in. Candidates in order, each set taking every other one that no value of the
# topology uses (a real partition P: must not meet a stand-in P:). Addresses from TEST-NET-1.
_CANDIDATES = {
    "name": lambda i: f"FILL-IN-{i}",
    "ip": lambda i: f"192.0.2.{i}",
    "virtual_ip": lambda i: f"192.0.2.{100 + i}",
    "floating_ip": lambda i: f"192.0.2.{200 + i}",
    "virtual_host": lambda i: f"VHOST{i}",
    "mta": lambda i: f"mta{i}",
    "mvm": lambda i: 100 - 2 * i,
    "wfocom": lambda i: 101 - 2 * i,
}
_LETTERS = "DEFGHIJKLMNOPQRSTUVWXYZ"
_DRIVE = re.compile(r"([A-Za-z])(?::|$)")


class _StandIns:
    """The stand-ins of one set (``variant`` 0 or 1) for a topology whose values are ``used``
    (compared in capitals: a real virtual host vhost2 is VHOST2 to Windows)."""

    def __init__(self, used: set[str], variant: int, node_names: list[str]):
        self.variant = variant
        self.node_names = node_names  # the first nodes' names, where a policy gives them
        self.used = {value.upper() for value in used}
        drives = {value[0] for value in self.used if _DRIVE.fullmatch(value[:2])}
        # Every letter taken: a clash validate reports is better than none to offer.
        self.letters = "".join(c for c in _LETTERS if c not in drives) or _LETTERS
        self.counter: dict[str, int] = {}

    def next(self, key: str) -> object:
        n = self.counter[key] = self.counter.get(key, 0) + 1
        if key == "name" and n <= len(self.node_names):
            return self.node_names[n - 1]
        # This set's n-th: every other free candidate; a node's name is the same in both.
        wanted = n - 1 if key == "name" else 2 * (n - 1) + self.variant
        for i in range(1, _MOST_CANDIDATES):
            value = self._candidate(key, i)
            if str(value).upper() in self.used:
                continue
            if wanted == 0:
                return value
            wanted -= 1
        return self._candidate(key, _MOST_CANDIDATES)

    def _candidate(self, key: str, i: int) -> object:
        if key in ("alroot", "partitions"):  # a group's root stands on its own partition
            letter = self.letters[(i - 1) % len(self.letters)]
            return f"{letter}:\\SO{i}" if key == "alroot" else letter
        return _CANDIDATES.get(key, lambda i: f"X{i}")(i)


# Far more than a topology's values: the search for a free stand-in always ends.
_MOST_CANDIDATES = 1000


def _values_of(node) -> set[str]:
    """Every value of a topology document, as text (drive letters as themselves)."""
    if isinstance(node, dict):
        return set().union(*(_values_of(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_values_of(v) for v in node)) if node else set()
    return {str(node)}


@dataclass(frozen=True)
class ConvertedScript:
    """A legacy script whose generated successor reads the other cluster product's variables."""

    name: str
    legacy: Dialect
    generated: Dialect


@dataclass(frozen=True)
class MixedScript:
    """A legacy stop script that reads the other cluster product's variables than its start
    script: the cluster sets the start script's, so it runs as if ARM were not running."""

    path: str
    reads: Dialect
    cluster: Dialect


@dataclass
class Migration:
    files: dict[str, bytes]
    diffs: list[ScriptDiff]
    pending: list[str] = field(default_factory=list)  # artifacts not written until placeholders are filled
    placeholders: list[str] = field(default_factory=list)  # field paths still FILL_IN
    findings: list = field(default_factory=list)
    without_folder: list[str] = field(default_factory=list)  # groups of the cluster no legacy folder was given for
    converted: list[ConvertedScript] = field(default_factory=list)  # scripts moved to the other dialect
    dialect: Dialect = ARM  # the generated scripts' event variables
    mixed: list[MixedScript] = field(default_factory=list)  # legacy stop scripts of the other product's variables
    # Imported: legacy lines no topology holds (see recover._recover_unkept_lines), "folder/start.bat:5: ..."
    not_carried: list[str] = field(default_factory=list)
    options_not_kept: list[str] = field(default_factory=list)
    texts_not_kept: list[str] = field(default_factory=list)  # "g2/start.bat:9: start_home: ..." (see build.texts_not_kept)

    @property
    def unexplained(self) -> int:
        return sum(not d.explained for s in self.diffs for d in s.differences)


def _fill(node, path: str, found: list[str], stand_ins: _StandIns):
    """Replace FILL_IN leaves with ``stand_ins``; ``found`` collects their paths."""
    if isinstance(node, dict):
        return {k: _fill(v, f"{path}.{k}" if path else k, found, stand_ins) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, f"{path}[{i}]", found, stand_ins) for i, v in enumerate(node)]
    if node == PLACEHOLDER:
        found.append(path)
        key = path.rsplit(".", 1)[-1].split("[")[0]
        if key == "type":  # which products the group runs: no stand-in can say
            return node
        return stand_ins.next(key)
    return node


class ImportedTopologyError(TopologyError):
    """The imported topology is not valid. Its problems cite ``path``, where ``yaml_text``
    (the imported topology) is to be written for the user to correct."""

    def __init__(self, problems: list, path: Path, yaml_text: str):
        super().__init__(problems)
        self.path = path
        self.yaml_text = yaml_text


def topology_for_scripts(yaml_text: str, imported_as: Path) -> tuple[Topology, list[str], Topology | None]:
    """The imported topology with the first set of stand-ins for its placeholders, the
    placeholder paths, and with placeholders the topology with the other set (see
    pending_artifacts), else None.

    Problems cite ``imported_as``, where the imported text is written for the user, at
    their line and column in that text: the temporary copy read here is gone by then.
    """
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / IMPORTED
            path.write_text(yaml_text, encoding="utf-8")
            doc = read_document(path)
        found: list[str] = []
        first = _with_stand_ins(doc, imported_as, found, 0)
        return first, found, _with_stand_ins(doc, imported_as, [], 1) if found else None
    except TopologyError as exc:
        problems = [replace(p, path=str(imported_as)) for p in exc.problems]
        raise ImportedTopologyError(problems, imported_as, yaml_text) from None


def _with_stand_ins(doc: LoadedDocument, imported_as: Path, found: list[str], variant: int) -> Topology:
    # Nodes to fill in that a policy names (from a sogen header) stand in under those names.
    known = {str(n.get("name")).upper() for n in doc.data["cluster"]["nodes"]}  # SV1 is sv1 to Windows
    named = [m for g in doc.data["groups"] for m in g.get("policy") or () if m != PLACEHOLDER and str(m).upper() not in known]
    filled = _fill(doc.data, "", found, _StandIns(_values_of(doc.data), variant, list(dict.fromkeys(named))))
    # A policy naming placeholder nodes names their stand-ins, in the imported order.
    names = [n["name"] for n in filled["cluster"]["nodes"]]
    for index, group in enumerate(filled["groups"]):
        if PLACEHOLDER in doc.data["groups"][index]["policy"]:
            group["policy"] = names[index:] + names[:index]
    return validate_document(LoadedDocument(str(imported_as), filled, doc.positions))


def pending_artifacts(files: dict[str, bytes], other: dict[str, bytes], placeholders: list[str]) -> list[str]:
    """Artifacts built from values that are still placeholders: those that change when
    generated from the other set of stand-ins (``other``), a node's own files while node
    data is missing, and the runbook, whose every step names the real values."""
    node_data = any(p.startswith("cluster.nodes") for p in placeholders)
    return [
        name
        for name in files
        if name != "manifest.json"  # made again for what is written
        and (other.get(name) != files[name] or name == "RUNBOOK.md" or (node_data and "/registry/decommission-" in name))
    ]


def _folders_of_groups(t, specs: list[str], parsed: list[tuple[str, Path]], topology_path: Path) -> dict[str, Path]:
    """Each topology group's legacy folder: a folder that names one of its groups (``NAME=DIR``,
    or a folder named as the group is) goes with that group, the others with the groups left,
    in the topology's order."""
    names = {group.name.lower(): group.name for group in t.groups}
    unknown = [name for (name, _folder), spec in zip(parsed, specs) if names_its_group(spec) and name.lower() not in names]
    if unknown:
        raise ImportError_(
            _("{path}: the folders name the groups {given}, but its failover groups are {groups}: "
              "give each group's folder as NAME=DIR with one of those names").format(
                path=topology_path, given=", ".join(unknown), groups=", ".join(names.values())
            )
        )
    folder_of: dict[str, Path] = {}
    unnamed = []
    for name, folder in parsed:
        group = names.get(name.lower())
        if group is None:
            unnamed.append(folder)
        elif group in folder_of:  # two folders for one group: which is its legacy is the SE's to say
            raise ImportError_(
                _("{path}: {first} and {second} both name its group {group}: give each group's folder once "
                  "(NAME=DIR)").format(path=topology_path, first=folder_of[group], second=folder, group=group)
            )
        else:
            folder_of[group] = folder
    left = [group.name for group in t.groups if group.name not in folder_of]
    folder_of.update(zip(left, unnamed))
    return {group.name: folder_of[group.name] for group in t.groups if group.name in folder_of}


def migrate(
    specs: list[str], topology_path: Path | None, imported_as: Path = Path(IMPORTED), dialect: str | None = None
) -> Migration:
    """With no ``topology_path`` the topology is imported; its problems cite ``imported_as``.
    ``dialect`` ("arm" or "clp") overrides the topology's settings.dialect: the scripts are
    written for that product, and the report compares them combination by combination."""
    from sogen.generator.artifacts import generate

    parsed = group_folders(specs)
    placeholders: list[str] = []
    extra: dict[str, bytes] = {}
    if topology_path is not None:
        t = load_topology(topology_path)
        if len(parsed) != len(t.groups):
            raise ImportError_(
                _("{path}: give one group folder for each of its failover groups ({groups}), not {folders}").format(
                    path=topology_path, groups=len(t.groups), folders=len(parsed)
                )
            )
        folder_of = _folders_of_groups(t, specs, parsed, topology_path)
        findings = legacy_findings(list(folder_of.values()))
        source_name = topology_path.name
    else:
        imported = import_folders(specs, IMPORTED)
        t, placeholders, other = topology_for_scripts(imported.yaml_text, imported_as)
        # A group of a multi standby cluster whose folder was not given has none.
        folder_of = {g.name: g.folder for g in imported.groups}
        findings = imported.findings
        extra[IMPORTED] = utf8(imported.yaml_text)
        source_name = IMPORTED
    if dialect is not None:
        t = _in_dialect(t, dialect)
    digest = topology_hash(t.model_dump(mode="json"))
    files = generate(t, digest, source_name)
    without_folder = [g.name for g in t.groups if g.name not in folder_of]
    waiting = set()
    if placeholders:
        other_files = generate(_in_dialect(other, dialect) if dialect else other, digest, source_name)
        waiting = set(pending_artifacts(files, other_files, placeholders))
    # Everything of a group without a folder is built from stand-ins.
    pending = [name for name in files if name in waiting or name.split("/", 1)[0] in without_folder]
    diffs = []
    converted = []
    mixed = []
    dialect_of_output = DIALECTS[t.settings.dialect]  # the report names the variables as the generated scripts do
    for group in t.groups:
        folder = folder_of.get(group.name)
        if folder is None:
            continue
        scripts = find_scripts(folder)
        parsed = {kind: parse_script(str(path), read_regular(path, MAX_SOURCE_BYTES)) for kind, path in scripts.items()}
        # The legacy cluster set one product's variables, those the start script reads (else
        # the stop script; import takes settings.dialect so too): a stop script still reading
        # the other's is compared as that cluster ran it, on the no-ARM path (SO206).
        legacy_dialect, _telling = cluster_dialect(["\n".join(parsed[kind].lines) for kind in ("start", "stop")])
        for kind in ("start", "stop"):
            legacy_path, script = scripts[kind], parsed[kind]
            reads = dialects_read("\n".join(script.lines))
            if reads and reads[0] != legacy_dialect:
                mixed.append(MixedScript(name_as_written(str(legacy_path)), reads[0], legacy_dialect))
            legacy = analyse(script, dialect=legacy_dialect)
            name = f"{group.name}/{kind}.bat"
            generated_script = parse_script(name, files[name])
            generated = analyse(generated_script)
            generated_dialect = script_dialect(generated_script)
            if legacy_dialect != generated_dialect:
                converted.append(ConvertedScript(name, legacy_dialect, generated_dialect))
            own = [f for f in findings if Path(f.path).resolve() == legacy_path.resolve()]
            if kind == "stop":  # the start script's watches the stop script never stops
                own += [f for f in findings if f.code == "SO305" and Path(f.path).resolve() == scripts["start"].resolve()]
            falls_into = control_flow(script).falls_into
            # As its author wrote it: cmd reads another encoding's bytes in code page 932 (interpreter.cmd_lines).
            intended = analyse_as_written(script, legacy_dialect) if script.encoding != BATCH_ENCODING else legacy
            diffs.append(diff_script(
                group.name, kind, name_as_written(str(legacy_path)), legacy, generated, own, falls_into, dialect_of_output,
                intended,
                script.encoding,
            ))
    kept = {name: data for name, data in files.items() if name not in pending and name != "manifest.json"}
    result = Migration(kept, diffs, pending, placeholders, findings, without_folder, converted, dialect_of_output, mixed)
    if topology_path is None:
        result.not_carried = [line for group in imported.groups for line in group.programs]
        result.options_not_kept = [line for group in imported.groups for line in group.options]
        result.texts_not_kept = texts_not_kept(imported.groups, t.settings.dialect)
    report = utf8(migration_report(result, [name_as_written(str(f)) for f in folder_of.values()]))
    from sogen.generator.artifacts import with_manifest

    result.files = with_manifest({**kept, **extra, MIGRATION: report}, digest, source_name)
    return result


def _actions(actions: list[str]) -> str:
    """A table cell: one action per line, each a code span; a | would end the cell."""
    return "<br>".join(_code(a).replace("|", "\\|") for a in actions) if actions else _("(nothing)")


def _code(text: str) -> str:
    """``text`` as a Markdown code span that holds it whole: a legacy line with a backtick
    (ARMBCAST /MSG "`完了`") ended a span of one backtick and showed the rest as Markdown."""
    text = visible(text)
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _prose(text: str) -> str:
    """Text quoted from scripts and findings, read as the characters it is, not Markdown
    (a message with *注意* was set in italics; a | ended the table's cell)."""
    return _MARKDOWN.sub(r"\\\1", visible(text))


_BACKTICKS = re.compile(r"`+")
# What Markdown would act on in running text: emphasis, code, a table's cell, HTML, and a
# backslash that would escape the character after it (C:\SO stays as it is, raw and shown).
_MARKDOWN = re.compile(r"([`*|<]|\\(?=[!-/:-@\[-`{-~]))")


def _in_dialect(t: Topology, dialect: str) -> Topology:
    return t.model_copy(update={"settings": t.settings.in_dialect(dialect)})


def migration_report(result: Migration, folders: list[str]) -> str:
    """MIGRATION.md, in the language of the user (as the findings and explanations it quotes)."""
    from sogen.generator.rendering import render, translated

    return render(
        "MIGRATION.md.j2", result=result, folders=folders, actions=_actions, combinations=COMBINATIONS, zip=zip,
        shown=_combination, code=_code, prose=_prose, written=name_as_written, **translated(language(), "migration"),
    )  # fmt: skip


def _combination(combination: Combination) -> str:
    """A row's combination, as trace names an unset event: START/HOME/SUCCESS, (unset)/HOME/SUCCESS."""
    return "/".join((combination.event or _("(unset)"), combination.server, combination.disk))
