"""The messages of the `runbook`, `rules`, `migration` and `starter` catalogues, and their update.

    python -m tests.catalogues      # after changing a template, a file role or a rule's docs

rewrites sogen/locale/ja/LC_MESSAGES/{runbook,rules,migration,starter}.po with the current messages (keeping
every translation whose message is unchanged; new ones are left empty, for a translator) and
compiles them to .mo. Babel does the extraction (the runbook template with Jinja's own
extractor, ``jinja2.ext.babel_extract``) and the compilation; sogen reads the .mo files with
the standard library's gettext.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "sogen" / "locale"
LANGUAGES = ("ja",)
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
# RUNBOOK.md.j2 is rendered with these (sogen/generator/rendering.py); its messages depend on them.
JINJA_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true", "keep_trailing_newline": "true", "silent": "false"}
RUNBOOK_SOURCES = (
    ("jinja2.ext:babel_extract", ROOT / "templates" / "RUNBOOK.md.j2", JINJA_OPTIONS),
    ("python", ROOT / "sogen" / "generator" / "rendering.py", {}),
    ("python", ROOT / "sogen" / "generator" / "diagram.py", {}),  # the runbook opens with it
)


def po_path(lang: str, domain: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


# MIGRATION.md is rendered in the user's language (sogen/migrate/migrate.py), with the
# explanations it quotes from sogen's own catalogue; so are the comments of the starter
# topology (`sogen init`).
MIGRATION_SOURCES = (("jinja2.ext:babel_extract", ROOT / "templates" / "MIGRATION.md.j2", JINJA_OPTIONS),)
STARTER_SOURCES = (("jinja2.ext:babel_extract", ROOT / "templates" / "starter.yaml.j2", JINJA_OPTIONS),)


def _extracted(sources) -> list[tuple[str | tuple[str, str], str | None, str]]:
    from babel.messages.extract import extract_from_file

    found = []
    for method, path, options in sources:
        for line, message, _comments, context in extract_from_file(method, str(path), options=options):
            found.append((message, context, f"{path.relative_to(ROOT).as_posix()}:{line}"))
    return found


def migration_messages() -> list[tuple[str | tuple[str, str], str | None, str]]:
    """(msgid, or (singular, plural); context; where) of every MIGRATION.md message, in order."""
    return _extracted(MIGRATION_SOURCES)


def starter_messages() -> list[tuple[str | tuple[str, str], str | None, str]]:
    """(msgid; context; where) of every comment of the starter topology, in order."""
    return _extracted(STARTER_SOURCES)


def runbook_messages() -> list[tuple[str | tuple[str, str], str | None, str]]:
    """(msgid, or (singular, plural); context; where) of every runbook message, in order."""
    from sogen.catalogue import load_catalogue

    found = _extracted(RUNBOOK_SOURCES)
    # The catalogue's names and file roles are shown in the runbook too.
    catalogue = load_catalogue()
    for product in catalogue.products.values():
        found.append((product.title, None, "sogen/catalogue.toml"))
        for file in getattr(product, "files", ()):
            found.append((file.role, None, "sogen/catalogue.toml"))
    for addon in catalogue.addons.values():
        found.append((addon.title, None, "sogen/catalogue.toml"))
    return found


def rules_messages() -> list[tuple[str, str | None, str]]:
    """(msgid, context, where) of every rule's documentation, rules in code order."""
    from sogen.lint.rule_docs import messages
    from sogen.lint.rules import rules_in_order

    return [
        (msgid, context, f"sogen/lint/rules:{rule.code}")
        for rule in rules_in_order()
        for context, msgid in messages(rule.code, rule.doc)
    ]


MESSAGES = {"runbook": runbook_messages, "rules": rules_messages, "migration": migration_messages, "starter": starter_messages}


def read(lang: str, domain: str):
    from babel.messages.pofile import read_po

    with po_path(lang, domain).open("rb") as f:
        return read_po(f, locale=lang, domain=domain)


def compiled(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def update(lang: str, domain: str, translations: dict | None = None) -> None:
    """Rewrite ``domain``'s .po for ``lang`` with the current messages, and its .mo.
    ``translations``: {(msgid, context): msgstr} to add (msgid a tuple for plurals)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = po_path(lang, domain)
    old = read(lang, domain) if path.exists() else None
    # Fixed dates: the files change only when their messages do.
    new = Catalog(locale=lang, domain=domain, project="sogen", fuzzy=False, creation_date=EPOCH, revision_date=EPOCH)
    for msgid, context, _where in MESSAGES[domain]():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        if new.get(key, context) is not None:
            continue
        string = (translations or {}).get((key, context))
        if string is None and old is not None and old.get(key, context) is not None:
            string = old.get(key, context).string
        if isinstance(msgid, tuple) and not isinstance(string, tuple):
            string = (string or "",)
        new.add(msgid, string or "", context=context)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, new, width=100, omit_header=False, no_location=True, sort_output=False)
    path.with_suffix(".mo").write_bytes(compiled(read(lang, domain)))


if __name__ == "__main__":
    for language in LANGUAGES:
        for name in MESSAGES:
            update(language, name)
            print(po_path(language, name).relative_to(ROOT))
