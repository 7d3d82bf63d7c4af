"""The command line derived from sogen.cli.spec: the global options, the parsers, the help
and the dispatch to a command's handler.

argparse, not Typer: `sogen lint FILE` must start in at most 0.15 s, and importing Typer
(with its vendored Click) costs about 30 ms, as much as the interpreter itself; the help
and usage errors of every command come from here, in one style. Only the parser of the
command being run is built, and only when it runs, after the language is chosen, so the
help is in the user's language.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from pathlib import Path

from sogen import EXIT_OK, EXIT_USAGE, __version__, i18n
from sogen.cli import spec
from sogen.i18n import N_, _

# argparse's own words, looked up through sogen.i18n (see _install_translations); listed
# here so that they are extracted into the catalogue.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("not allowed with argument %s"),
)

# --color, once read from the command line: "auto", "always" or "never".
color_mode = "auto"


def color_wanted(stream) -> bool:
    """Whether to colour what goes to ``stream`` (a person's console): --color always or
    never decides; auto follows NO_COLOR, FORCE_COLOR and the terminal as
    sogen.lint.report.wants_color says, the one statement of that rule."""
    if color_mode != "auto":
        return color_mode == "always"
    from sogen.lint.report import wants_color

    return wants_color(color_mode, stream)


def _usage_error(message: str) -> SystemExit:
    print(f"sogen: {message}", file=sys.stderr)
    return SystemExit(EXIT_USAGE)


def take_global_options(argv: list[str]) -> list[str]:
    """Apply --lang and --color wherever they stand before "--"; the rest of ``argv``.
    --lang is applied first, so that every message and the help are in its language."""
    global color_mode
    rest: list[str] = []
    found: dict[str, str] = {}
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            rest.extend(argv[index:])
            break
        flag, equals, value = word.partition("=")
        if flag in ("--lang", "--color"):
            if not equals:
                if index + 1 >= len(argv):
                    choices = spec.LANGUAGES if flag == "--lang" else spec.COLORS
                    found.setdefault("error", _("{option} needs a value: {choices}").format(
                        option=flag, choices=", ".join(choices)))
                    index += 1
                    continue
                index += 1
                value = argv[index]
            found[flag] = value
        else:
            rest.append(word)
        index += 1
    lang = found.get("--lang")
    if lang is not None:
        if lang.lower() not in spec.LANGUAGES:
            raise _usage_error(_("--lang: {value!r} is not a language sogen speaks; use ja or en").format(value=lang))
        i18n.set_language(lang.lower())
    if "error" in found:
        raise _usage_error(found["error"])
    color = found.get("--color")
    if color is not None:
        if color.lower() not in spec.COLORS:
            raise _usage_error(
                _("--color: {value!r} is not allowed; use auto, always or never").format(value=color)
            )
        color_mode = color.lower()
    return rest


def _install_translations() -> None:
    """argparse looks its words up through its module's ``_`` and ``ngettext``: route them
    through sogen's catalogue (English stays as it is)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


# A line does not start with these (Japanese line breaking, kinsoku).
_NO_LINE_START = "、。，．・：；？！）」』】〕ー"


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns. Japanese takes two columns a
    character (on a code page 932 console, as many as its bytes) and may break between
    any two characters (textwrap counts characters and breaks only at spaces, which
    Japanese seldom has); a 、 or 。 that may not start a line hangs in the two columns
    kept free for it, so that no line fills a console's width and wraps on its own."""
    if text.isascii():
        import textwrap

        return textwrap.wrap(text, width) or [""]
    from sogen.textio import cells  # Japanese help only: English help starts without it

    encoding = getattr(sys.stdout, "encoding", None)
    width -= 2
    lines: list[str] = []
    line, used, last_break = "", 0, -1
    for char in " ".join(text.split()):
        size = cells(char, encoding)
        if used + size > width and line.strip() and char not in _NO_LINE_START:  # 、。 may hang
            cut = last_break if last_break > 0 else len(line)
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
            used = cells(line, encoding)
            last_break = -1
        if char == " " and not line:
            continue
        if char in _NO_LINE_START and last_break == len(line):
            last_break = -1
        line += char
        used += size
        if char == " " or size == 2:
            last_break = len(line)
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


class _Formatter(argparse.HelpFormatter):
    def _split_lines(self, text, width):
        return wrap(text, width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def _format_action_invocation(self, action):
        """`-o, --out DIR` rather than argparse's `-o DIR, --out DIR`."""
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        return f"{', '.join(action.option_strings)} {self._format_args(action, self._get_default_metavar_for_optional(action))}"


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs):
        super().__init__(add_help=False, formatter_class=_Formatter, **kwargs)


def _option_help(option: spec.Option | spec.Argument) -> str:
    text = _(option.help)
    choices = option.choices
    if choices and not all(choice in text for choice in choices):
        text = f"{text} [{'|'.join(choices)}]"
    return text


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(_("global options"))
    for option in spec.GLOBAL_OPTIONS:
        if option.name == "help":
            group.add_argument(*option.flags, action="help", help=_(option.help))
        elif option.name == "version":
            group.add_argument(*option.flags, action="version", version=f"sogen {__version__}", help=_(option.help))
        else:  # taken from argv before parsing (take_global_options); here for the help and
            # for an abbreviation (--col always), applied after parsing (see parse)
            group.add_argument(
                *option.flags,
                metavar=option.metavar,
                choices=option.choices,
                help=_option_help(option),
                dest=f"global_{option.name}",
            )


def _add_option(group, option: spec.Option) -> None:
    kwargs: dict = {"dest": option.name, "help": _option_help(option)}
    if not option.takes_value:
        kwargs["action"] = "store_true"
    else:
        kwargs["metavar"] = option.metavar
        if option.choices:
            kwargs["choices"] = option.choices
        if option.repeat:
            kwargs["action"] = "append"
        if option.path:
            kwargs["type"] = {spec.READ: _path, spec.PRINT: _path_or_print, spec.REFUSE: _named_path}[option.dash]
        kwargs["default"] = Path(option.default) if option.path and option.default is not None else option.default
    group.add_argument(*option.flags, **kwargs)
    for flag in option.hidden:  # an older spelling: accepted, not shown
        group.add_argument(flag, **{**kwargs, "help": argparse.SUPPRESS, "default": argparse.SUPPRESS})


def _path_text(text: str) -> str:
    """A path as given (lint's FILE, import's NAME=DIR). An empty one is refused, not read as
    the current folder: `-o "$OUT"` with OUT unset wrote the generated tree into the
    working folder, `import "$DIR"` read it."""
    if not text:
        raise argparse.ArgumentTypeError(_("an empty path is not allowed"))
    return text


def _path(text: str) -> Path | str:
    """A path, or "-" as given (standard input, where the command reads it): Path("./-"),
    a file named -, reads the same as Path("-")."""
    text = _path_text(text)
    return text if text == "-" else Path(text)


def _path_or_print(text: str) -> Path | None:
    """A file to write, or None for "-": standard output, as without the option."""
    return None if _path_text(text) == "-" else Path(text)


def _named_path(text: str) -> Path:
    """A file or folder that cannot be a stream: "-" was taken for a file named "-"
    (`lint --write-baseline -` wrote one) or failed inside the command."""
    if _path_text(text) == "-":
        raise argparse.ArgumentTypeError(
            _("'-' (standard input or output) is not allowed here: give a file or folder name (./- for one named -)")
        )
    return Path(text)


def usage(command: spec.Command) -> str:
    """`sogen lint [OPTIONS] PATH [PATH ...]`: the options are listed below it."""
    words = ["%(prog)s", "[OPTIONS]"]
    for argument in command.arguments:
        name = argument.metavar
        words.append({"+": f"{name} [{name} ...]", "?": f"[{name}]"}.get(argument.nargs or "", name))
    return " ".join(words)


def command_parser(command: spec.Command) -> argparse.ArgumentParser:
    """The parser of ``command``, its help in the current language."""
    _install_translations()
    parser = _Parser(
        prog=f"sogen {command.name}",
        usage=usage(command),
        description=_(command.help),
        epilog=_(command.epilog) if command.epilog else None,
    )
    if command.arguments:
        arguments = parser.add_argument_group(_("arguments"))
        for argument in command.arguments:
            arguments.add_argument(
                argument.name,
                metavar=argument.metavar,
                nargs=argument.nargs,
                choices=argument.choices,
                type=(_path if argument.nargs != "+" else _path_text) if argument.path else None,
                help=_option_help(argument),
            )
    if command.options:
        options = parser.add_argument_group(_("options"))
        for option in command.options:
            _add_option(options, option)
    _add_global_options(parser)
    return parser


class _ProgramFormatter(_Formatter):
    """Keeps the list of commands in the description as it is laid out."""

    def _fill_text(self, text, width, indent):
        return "".join(indent + line for line in text.splitlines(keepends=True))


def program_parser() -> argparse.ArgumentParser:
    """`sogen` itself: the commands, one line each, and the global options."""
    import shutil

    _install_translations()
    width = max(shutil.get_terminal_size().columns - 2, 40)
    name_width = max(len(c.name) for c in spec.COMMANDS) + 2
    lines = [*wrap(_(spec.PROGRAM_HELP), width), "", _("commands:")]
    for command in spec.COMMANDS:
        wrapped = wrap(spec.first_sentence(_(command.help)), width - name_width - 2)
        lines.append(f"  {command.name:<{name_width}}{wrapped[0]}")
        lines += [" " * (name_width + 2) + rest for rest in wrapped[1:]]
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        prog="sogen",
        usage="%(prog)s [OPTIONS] COMMAND ...",
        description="\n".join(lines),
        epilog=_(spec.PROGRAM_EPILOG),
        add_help=False,
        formatter_class=_ProgramFormatter,
    )
    parser.add_argument(
        "command", metavar="COMMAND", nargs="?", choices=[c.name for c in spec.COMMANDS], help=argparse.SUPPRESS
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    _add_global_options(parser)
    return parser


def parse(command: str, argv: list[str]) -> argparse.Namespace:
    """The options of `sogen COMMAND ARGV`; a usage error exits with status 2, naming the
    option and what it allows."""
    declared = spec.BY_NAME[command]
    parser = command_parser(declared)
    args = parser.parse_args(take_global_options(argv))
    given = {name for name in vars(args) if getattr(args, name) not in (None, False, [])}
    for first, second in declared.conflicts:
        if first in given and second in given:
            parser.error(_("{first} cannot be used with {second}").format(first=_shown(declared, first), second=_shown(declared, second)))
    for option in spec.GLOBAL_OPTIONS:
        value = getattr(args, f"global_{option.name}", None)
        if value is not None:
            take_global_options([option.flags[-1], value])
    return args


def _shown(command: spec.Command, name: str) -> str:
    """How the user writes an option or argument of ``command``: its long flag, or its metavar."""
    option = next((o for o in command.options if o.name == name), None)
    if option is not None:
        return option.flags[-1]
    return next(a.metavar for a in command.arguments if a.name == name)


def run(argv: list[str]) -> int:
    """`sogen ARGV`: the exit code of the command (argparse's SystemExit for --help,
    --version and usage errors). Sets the language and --color for this process."""
    i18n.set_language(i18n.language_from_environment())
    rest = take_global_options(argv)
    if rest and rest[0] in spec.BY_NAME:
        module, function = spec.BY_NAME[rest[0]].handler.split(":")
        return getattr(import_module(module), function)(rest[1:])
    parser = program_parser()
    if not rest:  # as `sogen --help`, but a usage error: nothing was asked
        parser.print_help()
        return EXIT_USAGE
    parser.parse_args(rest)  # --help, --version, or an error naming what is allowed
    return EXIT_OK


def run_in_process(argv: list[str]) -> int:
    """run(), leaving the language and --color as they were (tests, sogen.cli.app)."""
    global color_mode
    before, color_before = i18n.language(), color_mode
    try:
        return run(argv)
    finally:
        i18n.set_language(before)
        color_mode = color_before
