"""``sogen trace``: what a start/stop script does, for one cluster event or for all of them."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TextIO

from sogen import EXIT_OK, EXIT_USAGE
from sogen.batch.actions import ClusterAction
from sogen.batch.events import COMBINATIONS, DIALECTS, DISKS, EVENTS, SERVERS, Combination, Dialect, x_configuration
from sogen.batch.interpreter import PathResult, analyse, script_dialect
from sogen.batch.parser import cmd_misreading, parse_script
from sogen.i18n import N_, _
from sogen.textio import MAX_SOURCE_BYTES, UnreadableFile, cells, read_regular, visible, visible_lines, write_utf8

_CHOICES = {
    "event": {event or "UNSET": event for event in EVENTS},
    "server": {server: server for server in SERVERS},
    "disk": {disk: disk for disk in DISKS},
}
_DEFAULTS = {"event": "START", "server": "HOME", "disk": "SUCCESS"}


class TraceError(Exception):
    """A one-line problem with the command line or the file (exit 2)."""


def choose(event: str | None, server: str | None, disk: str | None, matrix: bool) -> list[Combination]:
    """The combinations asked for: all of them for ``--matrix`` or when none is named."""
    given = {"event": event, "server": server, "disk": disk}
    if matrix and any(value is not None for value in given.values()):
        raise TraceError(_("--matrix shows every combination; leave out --event, --server and --disk"))
    if matrix or all(value is None for value in given.values()):
        return list(COMBINATIONS)
    values = {}
    for option, value in given.items():
        choices = _CHOICES[option]
        key = (value if value is not None else _DEFAULTS[option]).upper()
        if key not in choices:
            names = ", ".join(name if name != "UNSET" else "unset" for name in choices)
            raise TraceError(
                _("--{option} must be one of {names}, not {value}").format(option=option, names=names, value=repr(value))
            )
        values[option] = choices[key]
    return [Combination(values["event"], values["server"], values["disk"])]


# Files a SCRIPT argument is no script in: what runs them is regedit, or sogen.
_TOPOLOGY_FILE = N_("{path}: is a topology file, not a script; give a .bat or .cmd file")
_NOT_SCRIPTS = {
    ".reg": N_("{path}: is a registry patch, not a script; give a .bat or .cmd file"),
    ".yaml": _TOPOLOGY_FILE,
    ".yml": _TOPOLOGY_FILE,
    ".json": _TOPOLOGY_FILE,
}


def load(path: Path):
    """Parse the script, or raise TraceError with a one-line reason. ``-``: standard input."""
    if path == "-":  # as typed; ./- names a file
        if sys.stdin is None:
            raise TraceError(_("-: standard input is closed"))
        data = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
        if len(data) > MAX_SOURCE_BYTES:
            raise TraceError(_("-: standard input is larger than {limit} bytes, the most a script may be").format(
                limit=MAX_SOURCE_BYTES
            ))
        return parse_script("-", data)
    not_a_script = _NOT_SCRIPTS.get(path.suffix.lower())
    if not_a_script:
        raise TraceError(_(not_a_script).format(path=visible(str(path))))
    try:
        data = read_regular(path, MAX_SOURCE_BYTES)
    except UnreadableFile as exc:
        if path.is_dir():
            raise TraceError(_("{error}; give one .bat or .cmd file").format(error=exc)) from None
        raise TraceError(str(exc)) from None
    return parse_script(str(path), data)


def run_trace(
    path: Path,
    event: str | None = None,
    server: str | None = None,
    disk: str | None = None,
    matrix: bool = False,
    output_format: str = "text",
    out: TextIO | None = None,
    dialect: str | None = None,
    color: bool | None = None,
) -> int:
    """The ``sogen trace`` command; returns the exit code. ``dialect``: "arm" or "clp" to
    force the event variables' names; by default the script's own. ``color``: mark the
    combinations that end in an error in red (by default on a terminal, unless NO_COLOR)."""
    out = out or sys.stdout
    try:
        if output_format not in ("text", "json"):
            raise TraceError(_("--format must be text or json, not {value}").format(value=repr(output_format)))
        if dialect is not None and dialect.lower() not in DIALECTS:
            raise TraceError(
                _("--dialect must be one of {names}, not {value}").format(names=", ".join(DIALECTS), value=repr(dialect))
            )
        combinations = choose(event, server, disk, matrix)
        script = load(path)
    except TraceError as exc:
        print(f"sogen trace: {visible_lines(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    unread = DIALECTS["clp"] if x_configuration(os.path.dirname(os.path.abspath(path))) else DIALECTS["arm"]
    names = DIALECTS[dialect.lower()] if dialect else script_dialect(script, unread)
    results = analyse(script, dialect=names)
    chosen = [results[combination] for combination in combinations]
    misreading = cmd_misreading(script)
    if output_format == "json":
        document = to_json(str(path), chosen, names) | {"cmd_misreads": misreading}
        write_utf8(out, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if misreading is not None:
        # What follows is cmd's reading of the bytes (garbled text, or nothing run at all); on
        # standard error, as a warning: standard output keeps its form.
        note = _("note: cmd.exe does not read this file as it is written ({why}): the paths are what it runs; "
                 "sogen lint reports it (SO702)").format(why=_(MISREADINGS[misreading]))
        print(f"sogen trace: {visible_lines(note)}", file=sys.stderr)
    if len(chosen) == 1:
        out.write(render_path(str(path), chosen[0], names))
    else:
        render_matrix(str(path), chosen, out, names, color=color)
    return EXIT_OK


# cmd_misreading's kinds, as the note says them.
MISREADINGS = {
    "undecodable": N_("bytes that no encoding reads"),
    "utf-16": N_("UTF-16, of which cmd runs nothing"),
    "utf-8-bom": N_("UTF-8 with a byte order mark, which joins the first command"),
    "utf-8": N_("UTF-8 text, read in code page 932"),
    "utf-8-before-chcp": N_("UTF-8 text before its chcp 65001, read in code page 932"),
    "euc-jp": N_("EUC-JP text, read in code page 932"),
}


# -- one combination -------------------------------------------------------------------


def describe(combination: Combination, dialect: Dialect) -> str:
    """The combination as the variables the trace varied: ``CLP_EVENT=START CLP_SERVER=HOME ...``."""
    values = (combination.event or _("(unset)"), combination.server, combination.disk)
    return " ".join(f"{name}={value}" for name, value in zip(dialect.variables, values))


def where(action: ClusterAction) -> str:
    return f"{action.stmt.span.line}:{action.stmt.span.column}"


def ending(result: PathResult) -> str:
    """How the path ended, in words, with the line it ended on."""
    if result.end == "eof":
        return _("end of the file")
    last = result.steps[-1].span.line  # every other end is a statement's
    return {
        "exit": _("EXIT at line {line}"),
        "syntax-error": _("syntax error at line {line}: Windows' cmd stops the script here"),
        "loop-limit": _("cut off after {count} statements at line {line}: a loop that does not end?"),
        "undefined-label": _("GOTO to a label that does not exist at line {line}: cmd stops the script here"),
        "batch-file": _("a batch file run without CALL at line {line}: cmd goes on in it and does not come back"),
    }[result.end].format(line=last, count=len(result.steps))


def render_path(path: str, result: PathResult, dialect: Dialect) -> str:
    lines = [f"{path}: {describe(result.combination, dialect)}"]
    if not result.actions:
        lines.append("  " + _("no cluster actions"))
    width = len(str(len(result.actions)))
    places = [where(action) for action in result.actions]
    place_width = max(map(len, places), default=0)
    for number, (action, place) in enumerate(zip(result.actions, places), start=1):
        note = _product_note(action)
        lines.append(f"  {number:>{width}}  {place:<{place_width}}  {action.text}{note}")
    how = ending(result)
    if exit_code(result) is not None:
        how = _("{how}, exit code {code}").format(how=how, code=result.exit_code)
        if result.exit_assumed:
            how += " " + _("(a program's, taken to succeed)")
    lines.append(_("ends: {how}").format(how=how))
    if result.uncertain:
        lines.append(_(
            "note: this path depends on something only the server knows (a variable the script\n"
            "      does not set, a file, or a program's exit code); sogen assumed the usual case"
        ))
    return visible_lines("\n".join(lines)) + "\n"


def _product_note(action: ClusterAction) -> str:
    if action.product is None:
        return ""
    parts = [action.product]
    if action.instance:
        parts.append(f"#{action.instance}")
    if action.phase:
        parts.append(action.phase)
    return "  [" + " ".join(parts) + "]"


# -- all combinations -------------------------------------------------------------------


def compact(action: ClusterAction) -> str:
    """A short name for an action in the matrix: ``ARMLOAD StarOffice``, ``NET START MSSQLServer``."""
    if action.target:
        return f"{action.verb} {action.target}"
    if action.verb in ("DB", "OTHER"):
        return action.text.split(" ", 1)[0]
    return action.verb


def _headers(dialect: Dialect) -> tuple[str, ...]:
    return (*dialect.variables, _("ACTIONS"), _("ENDS"))


# How a path ended, in a word for the table (ending() says it in a sentence).
END_NAMES = {
    "exit": N_("exit"), "eof": N_("eof"), "syntax-error": N_("syntax-error"), "loop-limit": N_("loop-limit"),
    "undefined-label": N_("undefined-label"), "batch-file": N_("batch-file"),
}  # fmt: skip
_ERROR_ENDS = ("syntax-error", "undefined-label", "loop-limit")
# The ends whose exit code the analysis knows (after a syntax error it is cmd's; after a
# batch file run without CALL, that file's): CLUSTERPRO X reads it as success or failure.
_CODE_KNOWN = ("exit", "eof", "undefined-label")


def exit_code(result: PathResult) -> int | None:
    return result.exit_code if result.end in _CODE_KNOWN else None


def _rows(results: list[PathResult]) -> list[tuple[str, ...]]:
    rows = []
    for result in results:
        combination = result.combination
        actions = ", ".join(compact(action) for action in result.actions) or "-"
        end = _(END_NAMES[result.end])
        if exit_code(result):
            end = _("{end} (code {code})").format(end=end, code=result.exit_code)
        if result.uncertain:
            end += " " + _("(uncertain)")
        rows.append((combination.event or _("(unset)"), combination.server, combination.disk, actions, end))
    return rows


def render_matrix(path: str, results: list[PathResult], out: TextIO, dialect: Dialect, color: bool | None = None) -> None:
    """A table, one combination a line; with ``color`` (by default: on a terminal, unless
    NO_COLOR is set) the title bold and the combinations that end in an error red."""
    if color is None:
        color = not os.environ.get("NO_COLOR") and hasattr(out, "isatty") and out.isatty()
    rows = [tuple(visible(cell) for cell in row) for row in _rows(results)]
    headers = _headers(dialect)
    encoding = getattr(out, "encoding", None)
    widths = [max(cells(row[i], encoding) for row in [headers, *rows]) for i in range(len(headers))]
    path = visible(path)
    out.write(f"{_BOLD}{path}{_RESET}\n" if color else f"{path}\n")
    for number, row in enumerate([headers, *rows]):
        line = "  ".join(cell + " " * (width - cells(cell, encoding)) for cell, width in zip(row, widths)).rstrip()
        if color and number == 0:
            line = f"{_BOLD}{line}{_RESET}"
        elif color and results[number - 1].end in _ERROR_ENDS:
            line = f"{_RED}{line}{_RESET}"
        out.write(line + "\n")


_BOLD, _RED, _RESET = "\033[1m", "\033[31m", "\033[0m"


# -- JSON --------------------------------------------------------------------------------


def to_json(path: str, results: list[PathResult], dialect: Dialect) -> dict:
    return {
        "version": 1,
        "script": path,
        # The variables each combination set: "event", "server" and "disk" are their values.
        "variables": dict(zip(("event", "server", "disk"), dialect.variables)),
        "combinations": [
            {
                "event": result.combination.event,
                "server": result.combination.server,
                "disk": result.combination.disk,
                "end": result.end,
                "exit_code": exit_code(result),  # null: not known (a syntax error, a batch file run)
                "exit_code_assumed": result.exit_assumed,  # a program's errorlevel, taken to be 0
                "uncertain": result.uncertain,
                "actions": [
                    {
                        "line": action.stmt.span.line,
                        "column": action.stmt.span.column,
                        "verb": action.verb,
                        "target": action.target,
                        "product": action.product,
                        "instance": action.instance,
                        "phase": action.phase,
                        "text": action.text,
                    }
                    for action in result.actions
                ],
                "tests": [{"before_action": index, "variable": name} for index, name in result.tests],
            }
            for result in results
        ],
    }
