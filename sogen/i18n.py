"""Messages in the user's language: English in the code, Japanese from gettext catalogues.

The English text is the message id (``_("... {name} ...").format(name=...)``); the
Japanese catalogues are ``sogen/locale/ja/LC_MESSAGES/<domain>.po``, compiled to
``.mo`` beside them (stdlib gettext reads those; Babel is only needed to extract and
compile, see README "Japanese output"). A message missing from a catalogue is shown in
English, never dropped.

What a user sees follows ``--lang`` or else the locale (LC_ALL, LC_MESSAGES, LANG as
POSIX orders them; the Windows user locale when none is set). Generated files never
do: their language comes from the topology (``settings.language``).
"""

from __future__ import annotations

import functools
import gettext
import os
import sys
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("en", "ja")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "sogen"

_current = "en"


@functools.cache
def translations(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The catalogue of ``domain`` in ``lang``; English is the identity."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, LOCALE_DIR, [lang], fallback=True)


def set_language(lang: str) -> None:
    """Show messages in ``lang`` ("en" or "ja") from now on, in this process."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; sogen speaks {' and '.join(LANGUAGES)}")
    global _current
    _current = lang


def language() -> str:
    return _current


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """"ja" when the locale is Japanese, else "en": the first of LC_ALL, LC_MESSAGES and
    LANG that is set decides (as POSIX does); with none set, on Windows, the user's locale."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    if sys.platform == "win32":  # pragma: no cover - a Windows console sets none of them
        import locale

        name = (locale.getlocale()[0] or "").lower()
        return "ja" if name.startswith(("ja", "japanese")) else "en"
    return "en"


def _(message: str) -> str:
    """``message`` in the current language."""
    if _current == "en":
        return message
    return translations(_current).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    if _current == "en":
        return singular if count == 1 else plural
    return translations(_current).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue where it is defined; ``_`` translates it where shown."""
    return message
