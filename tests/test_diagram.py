"""`sogen diagram`: the Mermaid flowchart and the SVG picture of a cluster, read back by
their structure (boxes, labels, arrows) and checked against the topology itself."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sogen.cli.app import app
from sogen.generator.diagram import mermaid, svg
from sogen.topology.load import load_topology

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
SINGLE = ROOT / "samples" / "single-standby.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def english(sample: Path):
    """The sample's topology with an English diagram (the samples' own language is Japanese,
    settings.language's default; test_diagram_speaks_the_topology_s_language checks that)."""
    t = load_topology(sample)
    return t.model_copy(update={"settings": t.settings.model_copy(update={"language": "en"})})


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def product_names(group) -> list[str]:
    return [getattr(p, "name", None) or p.type for p in group.products]


def group_values(group) -> list[str]:
    """Every value of a group the picture must show."""
    values = [group.name, group.virtual_host, group.virtual_ip, *(f"{d}:" for d in group.partitions)]
    values += product_names(group)
    return values + ([group.floating_ip] if group.floating_ip else [])


# --- Mermaid --------------------------------------------------------------------------

BOX = re.compile(r'^ {4,8}(?P<id>(?:group|node)\d+)\["(?P<label>[^"]*)"\]$')
EDGE = re.compile(r'^ {4}(?P<group>group\d+) (?P<arrow>-->|-\.->)\|"(?P<label>[^"]*)"\| (?P<node>node\d+)$')
SUBGRAPH = re.compile(r'^ {4}subgraph cluster\["(?P<label>[^"]*)"\]$')


def unescape(label: str) -> list[str]:
    """A quoted Mermaid label back to its lines of text."""
    return [re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), line) for line in label.split("<br/>")]


def parse_flowchart(text: str):
    """(boxes: id -> lines, edges: [(group id, arrow, label, node id)], subgraph title)."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    boxes, edges, titles = {}, [], []
    for line in lines[1:]:
        if box := BOX.match(line):
            assert box["id"] not in boxes, line
            boxes[box["id"]] = unescape(box["label"])
        elif edge := EDGE.match(line):
            edges.append((edge["group"], edge["arrow"], edge["label"], edge["node"]))
        elif subgraph := SUBGRAPH.match(line):
            titles.append(unescape(subgraph["label"]))
        else:
            assert line == "    end", f"a line the test cannot read: {line!r}"
    return boxes, edges, titles


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_mermaid_shows_every_node_group_and_the_failover_order(sample):
    t = english(sample)
    text = mermaid(t)
    boxes, edges, titles = parse_flowchart(text)
    assert titles == [[f"{t.cluster.name} ({t.cluster.mode})"]]
    by_name = {lines[0]: box_id for box_id, lines in boxes.items()}

    for node in t.cluster.nodes:
        lines = boxes[by_name[node.name]]
        assert f"IP: {node.ip}" in lines
        if node.hostname:
            assert f"host name: {node.hostname}" in lines

    for group in t.groups:
        group_id = by_name[group.name]
        shown = " ".join(boxes[group_id])
        for value in group_values(group):
            assert re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.])", shown), (value, shown)
        # An arrow to the active node, a dotted one to the standby node, nothing else.
        active, standby = group.policy
        assert sorted((arrow, label, boxes[node][0]) for g, arrow, label, node in edges if g == group_id) == [
            ("-->", "active", active),
            ("-.->", "standby (failover)", standby),
        ]
    assert len(boxes) == len(t.cluster.nodes) + len(t.groups)
    assert mermaid(english(sample)) == text


def hostile(t):
    """The topology with characters that mean something to Mermaid, HTML and XML, and Japanese
    (pydantic's model_copy does not validate: a topology file could not say this)."""
    node = t.cluster.nodes[0].model_copy(update={"name": 'SV<1>&"帳票"#amp;'})
    cluster = t.cluster.model_copy(update={"nodes": [node, *t.cluster.nodes[1:]]})
    group = t.groups[0].model_copy(update={"name": "g&<b>`end`", "policy": [node.name, t.groups[0].policy[1]]})
    return t.model_copy(update={"cluster": cluster, "groups": [group, *t.groups[1:]]})


def test_mermaid_labels_are_quoted_and_escaped():
    t = hostile(load_topology(SINGLE))
    text = mermaid(t)
    for label in re.findall(r'\["([^"]*)"\]', text):
        assert not re.search(r"[<>&`]", label.replace("<br/>", "")), label
    boxes, edges, _ = parse_flowchart(text)
    names = {lines[0] for lines in boxes.values()}
    assert {'SV<1>&"帳票"#amp;', "g&<b>`end`"} <= names
    assert len(edges) == 2


# --- SVG ------------------------------------------------------------------------------


def svg_boxes(root):
    """name -> (rect, lines of text), from each box's rect and the texts drawn after it."""
    boxes, current = {}, None
    for element in root:
        if element.tag == f"{SVG}rect" and element.get("class") in ("group", "node"):
            current = (element, [])
        elif element.tag == f"{SVG}text" and current is not None:
            if not current[1]:
                boxes[element.text] = current
            current[1].append(element.text)
        else:
            current = None
    return boxes


def inside(rect, x: str, y: str) -> bool:
    left, top = float(rect.get("x")), float(rect.get("y"))
    return left <= float(x) <= left + float(rect.get("width")) and top <= float(y) <= top + float(rect.get("height"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_svg_shows_each_value_once_in_its_box_and_arrows_to_the_policy_nodes(sample):
    t = english(sample)
    text = svg(t)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    boxes = svg_boxes(root)
    assert len(boxes) == len(t.cluster.nodes) + len(t.groups)

    def tokens(name: str) -> Counter:
        return Counter(re.split(r"[\s,]+", " ".join(boxes[name][1])))

    everywhere = Counter(re.split(r"[\s,]+", " ".join(e.text for e in root.iter(f"{SVG}text"))))
    for node in t.cluster.nodes:
        values = [node.name, node.ip, *([node.hostname] if node.hostname else [])]
        for value in values:
            assert tokens(node.name)[value] == 1 and everywhere[value] == 1, value
    products = Counter(name for group in t.groups for name in product_names(group))
    for group in t.groups:
        for value in group_values(group):
            assert tokens(group.name)[value] == 1, value
            assert everywhere[value] == products.get(value, 1), value

    lines = list(root.iter(f"{SVG}line"))
    for group in t.groups:
        group_rect = boxes[group.name][0]
        arrows = sorted(
            (
                line.get("class"),
                next(n for n, (rect, _) in boxes.items() if inside(rect, line.get("x2"), line.get("y2"))),
            )
            for line in lines
            if inside(group_rect, line.get("x1"), line.get("y1"))
        )
        assert arrows == [("active", group.policy[0]), ("standby", group.policy[1])]
    labels = Counter(e.text for e in root.iter(f"{SVG}text") if e.get("text-anchor") == "middle")
    assert labels == {"active": len(t.groups), "standby (failover)": len(t.groups)}
    assert svg(english(sample)) == text


def test_svg_escapes_xml():
    text = svg(hostile(load_topology(SINGLE)))
    assert "&lt;1&gt;&amp;&quot;帳票&quot;#amp;" in text
    boxes = svg_boxes(ET.fromstring(text))
    assert {'SV<1>&"帳票"#amp;', "g&<b>`end`"} <= set(boxes)


# --- the command ----------------------------------------------------------------------


def test_command_prints_mermaid_by_default_and_svg_when_asked():
    t = load_topology(SINGLE)
    result = run("diagram", SINGLE)
    assert result.exit_code == 0, result.output
    assert result.stdout == mermaid(t)
    result = run("diagram", SINGLE, "--format", "svg")
    assert result.exit_code == 0, result.output
    assert result.stdout == svg(t)


def test_command_reports_a_bad_topology_with_positions(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SINGLE.read_text(encoding="utf-8").replace("policy: [SV1, SV2]", "policy: [SV1, SV9]"), encoding="utf-8"
    )
    result = run("diagram", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert re.search(rf"^{re.escape(str(bad))}:\d+:\d+: .*SV9", result.stderr, re.MULTILINE), result.stderr


def test_output_file_is_not_overwritten_without_force(tmp_path):
    picture = tmp_path / "cluster.svg"
    result = run("diagram", SINGLE, "--format", "svg", "-o", picture)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    ET.parse(picture)
    picture.write_text("mine", encoding="utf-8")
    result = run("diagram", SINGLE, "-o", picture)
    assert result.exit_code == 2
    assert "exists; use --force" in result.stderr
    assert picture.read_text(encoding="utf-8") == "mine"
    result = run("diagram", SINGLE, "-o", picture, "--force")
    assert result.exit_code == 0
    assert picture.read_text(encoding="utf-8") == mermaid(load_topology(SINGLE))


def test_readme_example_is_what_the_command_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A picture of the cluster", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```mermaid\n(.*?)```", section, re.DOTALL)
    assert example and example.group(1) == run("diagram", SINGLE).stdout


def test_diagram_speaks_the_topology_s_language():
    """A Japanese runbook opens with a Japanese picture, in the guide's terms, whoever runs sogen."""
    t = load_topology(ROOT / "samples" / "multi-standby.yaml")
    assert t.settings.language == "ja"
    text = mermaid(t)
    boxes, edges, titles = parse_flowchart(text)
    assert titles == [["so-multi (マルチスタンバイ型)"]]
    assert boxes["group1"][:3] == ["group1", "仮想ホスト名: sovhost1", "仮想 IP アドレス: 192.168.20.101"]
    assert "切替パーティション: D:" in boxes["group1"]
    assert "IP アドレス: 192.168.20.11" in boxes["node1"]
    assert sorted(label for _g, _arrow, label, _node in edges) == ["待機系 (フェイルオーバ先)"] * 2 + ["現用系"] * 2
    picture = svg(t)
    assert "仮想ホスト名: sovhost2" in picture and "現用系" in picture
    assert 'class="standby"' in picture  # the arrow's kind does not depend on its words
