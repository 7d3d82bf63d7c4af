"""A rule's documentation in the user's language (`sogen rule CODE`).

The documentation is the rule's class docstring (see rules/base.py): "## " sections whose
prose is translated by the ``rules`` catalogue (sogen/locale/<lang>/LC_MESSAGES/rules.po)
and whose code blocks (Example, Use instead) are shown as they are, in every language.

The messages of the catalogue:

- each section heading ("What it does", ...), without context;
- each run of prose of a section (the text between its code blocks), with the context
  ``"<code> <heading>"`` (``"SO301 Why it matters in a cluster"``) and, as msgid, the prose
  with the lines of each paragraph joined by single spaces.

So re-wrapping a docstring keeps its translation; changing its words shows that part in
English until the catalogue is updated (``python -m tests.catalogues``), and the test of the
catalogues fails until then.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

FENCE = re.compile(r"(^```[^\n]*\n.*?^```[ \t]*$)", re.M | re.S)
HEADING = re.compile(r"^## (.+)$", re.M)
DOMAIN = "rules"


def normalize(prose: str) -> str:
    """The msgid of a run of prose: paragraphs kept, each paragraph's lines joined."""
    paragraphs = re.split(r"\n[ \t]*\n", prose.strip())
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs if p.strip())


def _sections(doc: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first heading, and each (heading, body) in order."""
    parts = HEADING.split(doc)
    return parts[0], list(zip(parts[1::2], parts[2::2]))


def _pieces(body: str) -> Iterator[tuple[bool, str]]:
    """(is a code block, text) for each part of a section's body, which they make up exactly."""
    for i, piece in enumerate(FENCE.split(body)):
        if piece:
            yield i % 2 == 1, piece


def messages(code: str, doc: str) -> Iterator[tuple[str | None, str]]:
    """(context, msgid) of every message of a rule's documentation, in order."""
    for heading, body in _sections(doc)[1]:
        yield None, heading
        for is_code, piece in _pieces(body):
            if not is_code and piece.strip():
                yield f"{code} {heading}", normalize(piece)


def translate(code: str, doc: str, lang: str) -> str:
    """``doc`` in ``lang``: headings and prose translated, code blocks unchanged; English where
    the catalogue has no translation (so "en" gives ``doc`` itself)."""
    if lang == "en":
        return doc
    from sogen.i18n import translations

    catalogue = translations(lang, DOMAIN)
    before, sections = _sections(doc)
    out = [before]
    for heading, body in sections:
        out.append(f"## {catalogue.gettext(heading)}")
        for is_code, piece in _pieces(body):
            core = piece.strip()
            if is_code or not core:
                out.append(piece)
                continue
            msgid = normalize(core)
            text = catalogue.pgettext(f"{code} {heading}", msgid)
            lead = piece[: len(piece) - len(piece.lstrip())]
            trail = piece[len(piece.rstrip()) :]
            out.append(lead + (core if text == msgid else text) + trail)
    return "".join(out)
