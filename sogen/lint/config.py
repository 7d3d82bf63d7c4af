"""`[tool.sogen.lint]` in pyproject.toml, or `.sogen.toml`, found upward from the linted path."""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePath

from sogen.i18n import N_, _
from sogen.lint.context import NamePatterns
from sogen.lint.rules import RULES
from sogen.lint.rules.base import SEVERITIES, WARNING
from sogen.textio import UnreadableFile, parse_utf8

SOGEN_TOML = ".sogen.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "sogen", "lint")
KEYS = ("select", "ignore", "per-file-ignores", "fail-on", "start-patterns", "stop-patterns", "doc-url")
# What {placeholders} a doc-url template may use.
DOC_URL_FIELDS = ("code", "name")
# The lint settings are a few lines; a pyproject.toml, a few kilobytes.
MAX_CONFIG_BYTES = 1 << 20
# A name pattern's '*' becomes '(.*)' in a backtracking regex, which takes time
# to the power of their number: three match a long file name in milliseconds, six in minutes.
MAX_PATTERN_STARS = 3


class ConfigError(Exception):
    """A configuration the linter cannot use: the CLI prints it and exits 2."""


@dataclass(frozen=True)
class LintConfig:
    select: tuple[str, ...] = ("SO",)
    ignore: tuple[str, ...] = ()
    # (glob, codes): globs are matched against paths relative to ``root``, both with
    # forward slashes and casefolded (see _path_key).
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: str = WARNING
    patterns: NamePatterns = field(default_factory=NamePatterns)
    root: str = "."
    source: str | None = None  # the file the settings came from
    # A rule's documentation page, "https://.../{code}": SARIF's helpUri. None: not linked.
    doc_url: str | None = None
    dialect: str | None = None  # --dialect: the event variables' names, "arm" or "clp"; None: each script's own

    def rule_url(self, code: str) -> str | None:
        """The documentation URL of rule ``code`` (doc-url filled in), or None."""
        if self.doc_url is None:
            return None
        return self.doc_url.format(code=code, name=RULES[code].name)

    def selected(self) -> frozenset[str]:
        """The codes that run, before per-file-ignores."""
        return _selected(self.select, self.ignore)

    def codes_for(self, path: str) -> frozenset[str]:
        """The codes that run on ``path``: selected, minus its per-file-ignores."""
        codes = self.selected()
        if not self.per_file_ignores:
            return codes
        relative = _path_key(_relative(path, self.root))
        name = _path_key(PurePath(path).name)
        for glob, ignored in self.per_file_ignores:
            if fnmatch.fnmatchcase(relative, glob) or ("/" not in glob and fnmatch.fnmatchcase(name, glob)):
                codes = frozenset(c for c in codes if not c.startswith(ignored))
        return codes

    def with_options(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        fail_on: str | None = None,
        extend_select: list[str] | None = None,
    ) -> LintConfig:
        """Command-line flags: --select replaces the selection, --extend-select adds to it
        (to the configured one, or to --select), --ignore adds to the ignored codes."""
        changed = self
        if select:
            changed = replace(changed, select=_codes(select, "--select"))
        if extend_select:
            changed = replace(changed, select=changed.select + _codes(extend_select, "--extend-select"))
        if ignore:
            changed = replace(changed, ignore=changed.ignore + _codes(ignore, "--ignore"))
        if fail_on:
            changed = replace(changed, fail_on=_severity(fail_on, "--fail-on"))
        return changed


@cache
def _selected(select: tuple[str, ...], ignore: tuple[str, ...]) -> frozenset[str]:
    """Asked once per file and rule: worth remembering."""
    return frozenset(code for code in RULES if code.startswith(select) and not code.startswith(ignore))


def _relative(path: str, root: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _path_key(path_or_glob: str) -> str:
    """Windows paths are case-insensitive and may be written with backslashes: a setting
    "Legacy\\*.BAT" applies to legacy/stop.bat."""
    return path_or_glob.replace("\\", "/").casefold()


def _codes(values: list[str], where: str) -> tuple[str, ...]:
    """Codes or prefixes (SO1 stands for SO101-SO105); commas separate several in one value."""
    codes = []
    for value in values:
        if not isinstance(value, str):
            raise ConfigError(_("{where}: expected rule codes as strings, got {value}").format(where=where, value=repr(value)))
        for code in (c.strip().upper() for c in value.split(",")):
            if not code:
                continue
            if not any(known.startswith(code) for known in RULES):
                raise ConfigError(
                    _("{where}: unknown rule code or prefix {code} (run `sogen rule --all`)").format(where=where, code=repr(code))
                )
            codes.append(code)
    return tuple(codes)


def _severity(value: object, where: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(
            _("{where}: expected one of {choices}, got {value}").format(
                where=where, choices=", ".join(SEVERITIES), value=repr(value)
            )
        )
    return value


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(_("{where}: expected a list of strings").format(where=where))
    return tuple(value)


def _patterns(value: object, where: str) -> tuple[str, ...]:
    patterns = _strings(value, where)
    for pattern in patterns:
        if pattern.count("*") > MAX_PATTERN_STARS:
            raise ConfigError(
                _("{where}: {pattern} has more than {maximum} '*' wildcards, the most allowed").format(
                    where=where, pattern=repr(pattern), maximum=MAX_PATTERN_STARS
                )
            )
    return patterns


def _doc_url(value: object, where: str) -> str:
    """An absolute URL template: "https://example.invalid/rules/{code}" ({code}, {name})."""
    import string
    from urllib.parse import urlsplit

    if not isinstance(value, str):
        raise ConfigError(
            _("{where}: expected a URL template as a string, got {value}").format(where=where, value=repr(value))
        )
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        raise ConfigError(
            _("{where}: {value} is not a template ({reason}); write {{code}} for the rule's code").format(
                where=where, value=repr(value), reason=exc
            )
        ) from None
    unknown = sorted(set(fields) - set(DOC_URL_FIELDS))
    if unknown:
        raise ConfigError(
            _("{where}: unknown placeholder {names} in {value} (known: {{code}}, {{name}})").format(
                where=where, names=", ".join("{" + f + "}" for f in unknown), value=repr(value)
            )
        )
    if not urlsplit(value).scheme or not urlsplit(value).netloc and not value.startswith("file:"):
        raise ConfigError(_("{where}: {value} is not an absolute URL (https://...)").format(where=where, value=repr(value)))
    return value


def parse_settings(table: dict, source: str, root: str) -> LintConfig:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(
            _("{source}: unknown key {keys} (known keys: {known})").format(
                source=source, keys=", ".join(map(repr, unknown)), known=", ".join(KEYS)
            )
        )
    config = LintConfig(root=root, source=source)
    if "select" in table:
        config = replace(
            config, select=_codes(list(_strings(table["select"], f"{source}: select")), f"{source}: select")
        )
    if "ignore" in table:
        config = replace(
            config, ignore=_codes(list(_strings(table["ignore"], f"{source}: ignore")), f"{source}: ignore")
        )
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(_("{source}: per-file-ignores: expected a table of glob = [codes]").format(source=source))
        config = replace(
            config,
            per_file_ignores=tuple(
                (
                    _path_key(glob),
                    _codes(
                        list(_strings(codes, f"{source}: per-file-ignores {glob!r}")), f"{source}: per-file-ignores"
                    ),
                )
                for glob, codes in raw.items()
            ),
        )
    if "fail-on" in table:
        config = replace(config, fail_on=_severity(table["fail-on"], f"{source}: fail-on"))
    if "doc-url" in table:
        config = replace(config, doc_url=_doc_url(table["doc-url"], f"{source}: doc-url"))
    patterns = config.patterns
    if "start-patterns" in table:
        patterns = replace(patterns, start=_patterns(table["start-patterns"], f"{source}: start-patterns"))
    if "stop-patterns" in table:
        patterns = replace(patterns, stop=_patterns(table["stop-patterns"], f"{source}: stop-patterns"))
    return replace(config, patterns=patterns)


# tomllib's messages (Python 3.11 to 3.13), in the user's language: a message a later
# Python adds is shown as tomllib says it. Each ends "(at line L, column C)" or "(at end
# of document)"; sogen says where as it does for every file, path:line:column.
_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_TOML_REASONS = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"Invalid value", N_("a value that is no TOML value (a string needs quotes)")),
        (r"Invalid statement", N_("not a key = value, [table] or [[array]] line")),
        (r"Expected '=' after a key in a key/value pair", N_("'=' is missing after the key")),
        (r"Expected newline or end of document after a statement", N_("more text after the value on this line")),
        (r"Expected ']' at the end of a table declaration", N_("']' is missing at the end of the [table] line")),
        (r"Expected ']]' at the end of an array declaration", N_("']]' is missing at the end of the [[array]] line")),
        (r"Unclosed array", N_("an array [ ... ] that is not closed")),
        (r"Unclosed inline table", N_("an inline table { ... } that is not closed")),
        (r"Unterminated string", N_("a string whose closing quote is missing")),
        (r"Escaped character is not a Unicode scalar value", N_("an escape \\u... or \\U... that is no character")),
        (r"Unescaped '\\' in a string", N_("a backslash in a \"...\" string: write \\\\ or use '...'")),
        (r"Invalid initial character for a key part", N_("a key cannot begin here")),
        (r"Cannot overwrite a value", N_("a value that is set twice")),
        (r"Cannot declare (.+) twice", N_("{item} is declared twice")),
        (r"Duplicate inline table key (.+)", N_("the key {item} appears twice in one inline table")),
        (r"Cannot (?:redefine|mutate immutable) namespace (.+)", N_("{item} is defined twice")),
        (r"(?:Found invalid|Illegal) character (.+)", N_("the character {item} is not allowed here")),
        (r"Expected (.+)", N_("{item} was expected here")),
    )
)


def _toml_problem(message: str, path: Path) -> tuple[int, int, str]:
    """(line, column, reason) of tomllib's ``message`` about ``path``."""
    where = _TOML_WHERE.search(message)
    reason = message[: where.start()] if where else message
    if where and where.group(1):
        line, column = int(where.group(1)), int(where.group(2))
    else:  # the end of the document: its last line
        text = path.read_text(encoding="utf-8", errors="replace")
        line, column = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
    for pattern, translated in _TOML_REASONS:
        found = pattern.fullmatch(reason)
        if found:  # only a message with a part of tomllib's has a placeholder ("{ ... }" is text)
            return line, column, _(translated).format(item=_toml_key(found.group(1))) if found.groups() else _(translated)
    return line, column, reason


def _toml_key(item: str) -> str:
    """A key as TOML writes it where tomllib shows its parts as a tuple: ('tool', 'sogen') is tool.sogen."""
    try:
        parts = ast.literal_eval(item)
    except (ValueError, SyntaxError):
        return item
    if isinstance(parts, tuple) and parts and all(isinstance(part, str) for part in parts):
        return ".".join(parts)
    return item


def _lint_table(path: Path) -> dict | None:
    """The lint settings in ``path``; None for a pyproject.toml without [tool.sogen.lint]."""
    try:
        data = parse_utf8(path, MAX_CONFIG_BYTES, tomllib.loads, "TOML")
    except UnreadableFile as exc:
        raise ConfigError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        line, column, reason = _toml_problem(str(exc), path)
        raise ConfigError(
            _("{path}:{line}:{column}: invalid TOML: {reason}").format(path=path, line=line, column=column, reason=reason)
        ) from None
    if path.name == PYPROJECT:
        table = data
        for depth, key in enumerate(PYPROJECT_TABLE, start=1):
            table = table.get(key)
            if table is None:
                return None
            if not isinstance(table, dict):
                name = ".".join(PYPROJECT_TABLE[:depth])
                raise ConfigError(_("{path}: '{name}' must be a table, written [{name}]").format(path=path, name=name))
        return table
    if isinstance(data.get("tool"), dict):  # the README's [tool.sogen.lint] block, copied as it is
        data = _sogen_toml_tool_table(path, data)
    if "lint" in data:
        if not isinstance(data["lint"], dict):
            raise ConfigError(_("{path}: 'lint' must be a table, written [lint]").format(path=path))
        others = sorted(set(data) - {"lint"})
        if others:
            raise ConfigError(
                _("{path}: unknown key {keys} beside the [lint] table").format(path=path, keys=", ".join(map(repr, others)))
            )
        return data["lint"]
    return data


def _sogen_toml_tool_table(path: Path, data: dict) -> dict:
    """A .sogen.toml holding ``[tool.sogen.lint]``, as pyproject.toml does: that table, as
    ``{"lint": table}``. Nothing may stand beside it: one file, one way of writing it."""
    table: object = data
    for depth, key in enumerate(PYPROJECT_TABLE, start=1):
        name = ".".join(PYPROJECT_TABLE[:depth])
        beside = sorted(set(table) - {key})
        if beside:
            raise ConfigError(
                _(
                    "{path}: unknown key {keys} beside [{name}] (a .sogen.toml holds "
                    "[lint], [tool.sogen.lint] or the settings at the top level)"
                ).format(path=path, keys=", ".join(map(repr, beside)), name=name)
            )
        table = table.get(key)
        if not isinstance(table, dict):
            raise ConfigError(_("{path}: '{name}' must be a table, written [{name}]").format(path=path, name=name))
    return {"lint": table}


def load_config(path: Path) -> LintConfig:
    """Settings from an explicit file (--config): a .sogen.toml or a pyproject.toml."""
    if not path.exists():
        raise ConfigError(_("{path}: no such configuration file").format(path=path))
    table = _lint_table(path)
    return parse_settings(table or {}, str(path), str(path.resolve().parent))


def discover_config(start: Path) -> LintConfig:
    """The nearest .sogen.toml, or pyproject.toml with [tool.sogen.lint], at or above ``start``."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate_dir in (folder, *folder.parents):
        for name in (SOGEN_TOML, PYPROJECT):
            candidate = candidate_dir / name
            try:
                present = candidate.exists() and not candidate.is_dir()  # a FIFO here is reported, not passed over
            except OSError:  # a folder that cannot be searched: lint reports it, as one it cannot read
                continue
            if present:
                table = _lint_table(candidate)
                if table is not None:
                    return parse_settings(table, str(candidate), str(candidate_dir))
    return LintConfig()
