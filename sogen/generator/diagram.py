"""A picture of the cluster: nodes, failover groups and which node each group runs on.

Two drawings of the same facts: ``mermaid`` (a flowchart for RUNBOOK.md and any
Markdown viewer) and ``svg`` (drawn here, so it needs no network, browser or
mermaid-cli). Both are deterministic: the same topology gives the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from sogen.i18n import N_, translations
from sogen.textio import cells

if TYPE_CHECKING:
    from sogen.generator.plan import GroupPlan
    from sogen.topology.model import Node, Topology

ACTIVE = N_("active")
STANDBY = N_("standby (failover)")


def words(t: Topology) -> Callable[[str], str]:
    """The diagram's words in the topology's language (``settings.language``), as the
    runbook it opens: the runbook catalogue's."""
    return translations(t.settings.language, "runbook").gettext


def node_lines(node: Node, _: Callable[[str], str]) -> list[str]:
    """The text of a node's box: its name first."""
    lines = [node.name, _("IP: {ip}").format(ip=node.ip)]
    if node.hostname:
        lines.append(_("host name: {hostname}").format(hostname=node.hostname))
    return lines


def _plans(t: Topology, plans: tuple[GroupPlan, ...] | None) -> tuple[GroupPlan, ...]:
    from sogen.generator.plan import plan_cluster

    return plans or plan_cluster(t)


def group_lines(plan: GroupPlan, _: Callable[[str], str]) -> list[str]:
    """The text of a group's box: its name first."""
    group = plan.group
    lines = [
        group.name,
        _("virtual host: {host}").format(host=group.virtual_host),
        _("virtual IP: {ip}").format(ip=group.virtual_ip),
    ]
    if group.floating_ip:
        lines.append(_("floating IP: {ip}").format(ip=group.floating_ip))
    lines.append(_("partitions: {drives}").format(drives=", ".join(f"{drive}:" for drive in group.partitions)))
    lines.append(_("products: {names}").format(names=", ".join(plan.names)))
    return lines


def title(t: Topology, _: Callable[[str], str]) -> str:
    return f"{t.cluster.name} ({_(t.cluster.mode)})"


def failover_edges(t: Topology) -> list[tuple[int, int, str]]:
    """(group index, node index, label) for each group: its active node, then its standby."""
    index = {node.name.lower(): n for n, node in enumerate(t.cluster.nodes)}
    return [
        (g, index[name.lower()], label)
        for g, group in enumerate(t.groups)
        for name, label in zip(group.policy, (ACTIVE, STANDBY))
    ]


# Mermaid reads "#<number>;" as a character; every character that could end a quoted
# label, start HTML or an entity, or open a Markdown string is written so.
_MERMAID_ESCAPES = {ch: f"#{ord(ch)};" for ch in '#"<>&`'}


def _mermaid_label(lines: list[str]) -> str:
    escaped = ("".join(_MERMAID_ESCAPES.get(ch, ch) for ch in line) for line in lines)
    return '"' + "<br/>".join(escaped) + '"'


def mermaid(t: Topology, plans: tuple[GroupPlan, ...] | None = None) -> str:
    """A Mermaid flowchart: groups above, the cluster's nodes below, an arrow from each group
    to its active node and a dotted one to its standby node."""
    say = words(t)
    out = ["flowchart TB"]
    # Ids are positions, not names: a name could be a Mermaid keyword (end) or Japanese.
    out += [f"    group{plan.index + 1}[{_mermaid_label(group_lines(plan, say))}]" for plan in _plans(t, plans)]
    out.append(f"    subgraph cluster[{_mermaid_label([title(t, say)])}]")
    out += [f"        node{n + 1}[{_mermaid_label(node_lines(node, say))}]" for n, node in enumerate(t.cluster.nodes)]
    out.append("    end")
    for g, n, label in failover_edges(t):
        arrow = "-->" if label == ACTIVE else "-.->"
        out.append(f"    group{g + 1} {arrow}|{_mermaid_label([say(label)])}| node{n + 1}")
    return "\n".join(out) + "\n"


# The SVG's geometry, in pixels. Text is monospace so that its width can be estimated
# without a font: a character is CHAR_WIDTH wide, an East Asian wide one twice that.
FONT_SIZE = 13
CHAR_WIDTH = 8
LINE_HEIGHT = 18
PADDING = 10
COLUMN_GAP = 60
ROW_GAP = 150
MARGIN = 20
LABEL_FONT_SIZE = 11
LABEL_CHAR_WIDTH = 7
WRAP_WIDTH = 36 * CHAR_WIDTH


SVG_STYLE = (
    "<style>.group{fill:#eef4ff;stroke:#3060a0}.node{fill:#f4f4f4;stroke:#404040}"
    ".active{stroke:#3060a0;stroke-width:2}.standby{stroke:#a04030;stroke-width:2;stroke-dasharray:6 4}"
    ".label{fill:#ffffff}</style>\n"
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
    'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#404040"/></marker></defs>'
)


def _text_width(text: str, char_width: int = CHAR_WIDTH) -> int:
    return cells(text) * char_width


class _Box:
    def __init__(self, lines: list[str], width: int) -> None:
        self.lines = lines
        self.width = width
        self.height = len(lines) * LINE_HEIGHT + 2 * PADDING
        self.x = self.y = 0

    @property
    def center(self) -> int:
        return self.x + self.width // 2


def _place_row(boxes: list[_Box], centers: list[float], y: int) -> None:
    """Place the boxes side by side at ``y``, each as near its wished-for centre as the
    others allow, the row as a whole centred on the mean of those centres."""
    x = None
    for box, center in zip(boxes, centers):
        wished = round(center) - box.width // 2
        box.x, box.y = wished if x is None else max(wished, x), y
        x = box.x + box.width + COLUMN_GAP
    shift = round(sum(centers) / len(centers)) - (boxes[0].x + boxes[-1].x + boxes[-1].width) // 2
    # Never left of the margin: the picture grows to the right instead.
    shift = max(shift, MARGIN - boxes[0].x)
    for box in boxes:
        box.x += shift


def _wrapped(line: str) -> list[str]:
    """A long list ("products: a, b, c") on several lines, so that boxes stay narrow."""
    parts = line.split(", ")
    lines = [parts[0]]
    for part in parts[1:]:
        if _text_width(f"{lines[-1]}, {part}") <= WRAP_WIDTH:
            lines[-1] += f", {part}"
        else:
            lines[-1] += ","
            lines.append(part)
    return lines


def _wrapped_box(lines: list[str]) -> _Box:
    wrapped = [piece for line in lines for piece in _wrapped(line)]
    return _Box(wrapped, max(_text_width(line) for line in wrapped) + 2 * PADDING)


def _box_svg(box: _Box, css_class: str) -> list[str]:
    out = [f'<rect class="{css_class}" x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" rx="6"/>']
    for i, line in enumerate(box.lines):
        weight = ' font-weight="bold"' if i == 0 else ""
        y = box.y + PADDING + (i + 1) * LINE_HEIGHT - 5
        out.append(f'<text x="{box.x + PADDING}" y="{y}"{weight}>{html.escape(line)}</text>')
    return out


def svg(t: Topology, plans: tuple[GroupPlan, ...] | None = None) -> str:
    """An SVG picture: each group as a box above the row of nodes, an arrow to its active
    node and a dashed arrow to its standby node."""
    say = words(t)
    edges = failover_edges(t)
    group_boxes = [_wrapped_box(group_lines(plan, say)) for plan in _plans(t, plans)]
    node_boxes = [_wrapped_box(node_lines(node, say)) for node in t.cluster.nodes]
    top = MARGIN + LINE_HEIGHT + PADDING
    node_y = top + max(box.height for box in group_boxes) + ROW_GAP
    x = MARGIN
    for box in node_boxes:
        box.x, box.y = x, node_y
        x += box.width + COLUMN_GAP
    # Each group above the middle of its two nodes.
    _place_row(
        group_boxes,
        [sum(node_boxes[n].center for gg, n, _ in edges if gg == g) / 2 for g in range(len(group_boxes))],
        top,
    )
    heading = title(t, say)
    total_width = max([box.x + box.width for box in node_boxes + group_boxes] + [MARGIN + _text_width(heading)]) + MARGIN
    total_height = node_y + max(box.height for box in node_boxes) + MARGIN

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width}" height="{total_height}" '
            f'viewBox="0 0 {total_width} {total_height}" font-family="monospace" font-size="{FONT_SIZE}">'
        ),
        f"<title>{html.escape(heading)}</title>",
        SVG_STYLE,
        f'<text x="{MARGIN}" y="{MARGIN + FONT_SIZE}" font-weight="bold">{html.escape(heading)}</text>',
    ]
    for box in group_boxes:
        out += _box_svg(box, "group")
    for box in node_boxes:
        out += _box_svg(box, "node")
    for g, n, label in edges:
        out += _edge_svg(group_boxes[g], node_boxes[n], g, n, label, say(label), edges)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edge_svg(
    group: _Box, node: _Box, g: int, n: int, label: str, shown: str, edges: list[tuple[int, int, str]]
) -> list[str]:
    """One arrow from a group's bottom to a node's top, with its label on a white ground."""
    # A group's arrows leave from points spread along its bottom, and arrive at points
    # spread along the node's top, in the order of the other ends: they do not cross there.
    from_group = sorted(nn for gg, nn, _ in edges if gg == g)
    into_node = sorted(gg for gg, nn, _ in edges if nn == n)
    x1 = group.x + group.width * (from_group.index(n) + 1) // (len(from_group) + 1)
    x2 = node.x + node.width * (into_node.index(g) + 1) // (len(into_node) + 1)
    y1, y2 = group.y + group.height, node.y
    css_class = "active" if label == ACTIVE else "standby"
    # Each group's labels sit at their own height, so crossing arrows keep theirs apart.
    position = (g + 1) / (len({gg for gg, _, _ in edges}) + 1)
    lx, ly = round(x1 + (x2 - x1) * position), round(y1 + (y2 - y1) * position)
    label_width = _text_width(shown, LABEL_CHAR_WIDTH) + 8
    return [
        f'<line class="{css_class}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" marker-end="url(#arrow)"/>',
        f'<rect class="label" x="{lx - label_width // 2}" y="{ly - 9}" width="{label_width}" height="16"/>',
        f'<text x="{lx}" y="{ly + 3}" font-size="{LABEL_FONT_SIZE}" text-anchor="middle">{html.escape(shown)}</text>',
    ]
