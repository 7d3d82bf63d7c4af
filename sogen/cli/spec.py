"""Every command of `sogen` and its options, declared once.

The parsers (sogen.cli.parser: argparse, built for the one command being run), the help
and the shell completion scripts (sogen.cli.completion) are all derived from this table;
nothing else declares an option. Help texts are marked with ``N_`` and translated with
``_`` when the help is produced, after ``--lang`` or the locale chose the language.

Conventions across commands: ``-o/--out`` is where a file or folder is written;
``--format`` the output format; ``--force`` replaces what sogen did not write;
``--topology FILE`` a topology file; ``--dialect`` the event variables' names.
Metavars say what a value is (FILE, DIR, CODES), never a Python type.
This module imports nothing heavy: `sogen lint FILE` reads it on every run.
"""

from __future__ import annotations

from sogen.batch.events import SPELLINGS
from sogen.i18n import N_

# Global options: accepted anywhere before "--", for every command.
LANGUAGES = ("ja", "en")
COLORS = ("auto", "always", "never")
SHELLS = ("bash", "zsh", "fish", "powershell")
# Literal here to keep this module light; tests/test_cli_conventions.py checks them
# against sogen.lint.report.FORMATS, sogen.lint.rules.base.SEVERITIES, sogen.batch.events.DIALECTS.
LINT_FORMATS = ("human", "json", "sarif", "github")
SEVERITIES = ("error", "warning", "info")
DIALECT_CHOICES = tuple(SPELLINGS)
DIALECT_NAMES = SPELLINGS

# What a value names, for the completion scripts: the metavars that complete file names
# and the ones that complete folder names.
FILE_METAVARS = frozenset({"FILE", "TOPOLOGY", "SCRIPT", "PATH"})
# What "-" is as the value of a path option (Option.dash).
READ, PRINT, REFUSE = "read", "print", "refuse"
DIR_METAVARS = frozenset({"DIR", "FOLDER"})


class Option:
    """``flags``: the spellings shown; ``metavar`` None makes it a switch (on when given).
    ``hidden``: older spellings still accepted, not shown. ``repeat``: may be given more
    than once (a list). ``path``: the value is a file or folder name, and ``dash`` says what
    "-" is there: READ, given to the command as "-" (which reads standard input or says
    why it does not); PRINT, standard output, as if the option were not given; REFUSE, a
    usage error (a folder to write, a settings file, a baseline: never a stream)."""

    __slots__ = ("flags", "help", "metavar", "choices", "default", "repeat", "path", "hidden", "dest", "dash")

    def __init__(
        self,
        flags: tuple[str, ...],
        help: str,
        metavar: str | None = None,
        choices: tuple[str, ...] | None = None,
        default: object = None,
        repeat: bool = False,
        path: bool = False,
        hidden: tuple[str, ...] = (),
        dest: str | None = None,
        dash: str = "read",
    ):
        self.flags, self.help, self.metavar, self.choices = flags, help, metavar, choices
        self.default, self.repeat, self.path, self.hidden, self.dest = default, repeat, path, hidden, dest
        self.dash = dash

    @property
    def name(self) -> str:
        return self.dest or self.flags[-1].lstrip("-").replace("-", "_")

    @property
    def takes_value(self) -> bool:
        return self.metavar is not None or self.choices is not None


class Argument:
    """A positional argument; ``nargs`` as argparse's: None (one), "?" or "+"."""

    __slots__ = ("name", "metavar", "help", "nargs", "path", "choices")

    def __init__(
        self,
        name: str,
        metavar: str,
        help: str,
        nargs: str | None = None,
        path: bool = False,
        choices: tuple[str, ...] | None = None,
    ):
        self.name, self.metavar, self.help, self.nargs, self.path, self.choices = name, metavar, help, nargs, path, choices


class Command:
    """``help``: its first sentence is the command's line in `sogen --help`.
    ``handler``: "module:function", called with the arguments after the command's name
    (imported only when the command runs)."""

    __slots__ = ("name", "help", "handler", "arguments", "options", "epilog", "conflicts")

    def __init__(
        self,
        name: str,
        help: str,
        handler: str,
        arguments: tuple[Argument, ...] = (),
        options: tuple[Option, ...] = (),
        epilog: str | None = None,
        conflicts: tuple[tuple[str, str], ...] = (),
    ):
        self.name, self.help, self.handler = name, help, handler
        self.arguments, self.options, self.epilog = arguments, options, epilog
        # Pairs of options that ask for two things that exclude each other: a usage error,
        # not a silent choice.
        self.conflicts = conflicts


def _force(what: str) -> Option:
    return Option(("--force",), what)


TOPOLOGY = Argument("topology", "TOPOLOGY", N_("topology file (YAML or JSON)"), path=True)
GROUP_FOLDERS = Argument(
    "folders", "FOLDER", N_("one folder per failover group (NAME=DIR to name the group)"), nargs="+", path=True
)

GLOBAL_OPTIONS = (
    Option(("-h", "--help"), N_("show this help and exit")),
    Option(("-V", "--version"), N_("print the version and exit")),
    Option(
        ("--lang",),
        N_("language of messages and help: ja or en (default: from LC_ALL, LC_MESSAGES or LANG)"),
        metavar="LANG",
        choices=LANGUAGES,
    ),
    Option(
        ("--color",),
        N_("colour in the output: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never"),
        metavar="WHEN",
        choices=COLORS,
        default="auto",
    ),
)

COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        N_("Check a topology file and report every problem with its line and column."),
        "sogen.cli.generate:validate_main",
        (TOPOLOGY,),
    ),
    Command(
        "generate",
        N_("Write start/stop scripts, alenv, backup, registry patches, RUNBOOK.md and manifest.json."),
        "sogen.cli.generate:generate_main",
        (TOPOLOGY,),
        (
            Option(("-o", "--out"), N_("folder to write (default: out)"), metavar="DIR", default="out", path=True, dash=REFUSE),
            _force(N_("overwrite files sogen did not write or that were edited")),
            Option(("--check",), N_("write nothing; exit 1 with a diff when DIR is not up to date (for CI)")),
            Option(("--diff",), N_("print what would change as a unified diff; write nothing; exit 1 when something would")),
        ),
        epilog=N_("Exit status: 0 done, 1 --check or --diff found DIR out of date, 2 bad input."),
        conflicts=(("check", "diff"), ("check", "force"), ("diff", "force")),
    ),
    Command(
        "init",
        N_("Write a commented starter topology."),
        "sogen.cli.commands:init",
        (),
        (
            Option(
                ("--mode",),
                N_("cluster mode of the starter (default: single-standby)"),
                metavar="MODE",
                choices=("single-standby", "multi-standby"),
                default="single-standby",
            ),
            Option(
                ("-o", "--out"), N_("file to write (default: print it)"), metavar="FILE", path=True, hidden=("--output",),
                dash=PRINT,
            ),
            _force(N_("overwrite an existing file")),
        ),
    ),
    Command("schema", N_("Print the topology's JSON Schema."), "sogen.cli.commands:schema"),
    Command(
        "diagram",
        N_("Draw the cluster: nodes, failover groups, their virtual hosts, IPs, partitions, products."),
        "sogen.cli.commands:diagram",
        (TOPOLOGY,),
        (
            Option(
                ("--format",),
                N_("mermaid: a flowchart for Markdown; svg: a picture (default: mermaid)"),
                metavar="FORMAT",
                choices=("mermaid", "svg"),
                default="mermaid",
            ),
            Option(
                ("-o", "--out"), N_("file to write (default: print it)"), metavar="FILE", path=True, hidden=("--output",),
                dash=PRINT,
            ),
            _force(N_("overwrite an existing file")),
        ),
    ),
    Command(
        "products",
        N_("List the product catalogue: watch IDs, services, sync keys, dependencies."),
        "sogen.cli.commands:products",
    ),
    Command(
        "lint",
        N_("Check start/stop scripts and registry patches: control flow under every cluster event, "
           "ARM commands, start/stop order, quoting and consistency."),
        "sogen.cli.lint:main",
        (
            Argument(
                "paths",
                "FILE",
                N_("folders (searched for .bat, .cmd and .reg), files (linted whatever their extension: "
                   "as registry patches when they end .reg, else as batch files), or - for standard input"),
                nargs="+",
                path=True,
            ),
        ),
        (
            Option(
                ("--stdin-filename",),
                N_("the file name standard input (-) is linted as: its kind, start or stop, and the settings for it"),
                metavar="NAME",
                default="-",
            ),
            Option(("--format",), N_("output format (default: human)"), metavar="FORMAT", choices=LINT_FORMATS, default="human"),
            Option(
                ("--output-file",),
                N_("write the report to FILE (UTF-8, whole or not at all) instead of standard output"),
                metavar="FILE",
                path=True,
                dash=PRINT,
            ),
            Option(("-q", "--quiet"), N_("print the findings only: no summary, no notes")),
            Option(
                ("--statistics",),
                N_("print how many findings of each rule instead of the findings (--format human or json)"),
            ),
            Option(("--exit-zero",), N_("exit 0 even when findings are reported (2 still means an error)")),
            Option(
                ("--select",),
                N_("rule codes or prefixes to run, comma-separated (SO1 = SO101-SO105); replaces the configured ones"),
                metavar="CODES",
                repeat=True,
            ),
            Option(
                ("--extend-select",),
                N_("rule codes or prefixes to run besides the selected ones (configured, or given with --select)"),
                metavar="CODES",
                repeat=True,
            ),
            Option(("--ignore",), N_("rule codes or prefixes not to run; added to the configured ones"), metavar="CODES", repeat=True),
            Option(
                ("--config",),
                N_("settings file (.sogen.toml or pyproject.toml) instead of the nearest one"),
                metavar="FILE",
                path=True,
                dash=REFUSE,
            ),
            Option(
                ("--fail-on",),
                N_("lowest severity that makes the exit status 1 (default: warning)"),
                metavar="SEVERITY",
                choices=SEVERITIES,
            ),
            Option(("--fix",), N_("apply the safe automatic fixes, then report what remains")),
            Option(
                ("--unsafe-fixes",),
                N_("with --fix or --diff, also apply the fixes that change control flow (such as inserting GOTO EXIT)"),
            ),
            Option(("--diff",), N_("print the automatic fixes as a unified diff; write nothing")),
            Option(
                ("--topology",),
                N_("also check the scripts, registry patches, somg.ini and RUNBOOK.md against this topology (SO8xx)"),
                metavar="FILE",
                path=True,
            ),
            Option(
                ("--no-cache",),
                N_("lint every file again instead of reusing results kept from earlier runs "
                   "(kept by content, settings and version; SOGEN_CACHE_DIR moves them)"),
            ),
            Option(
                ("--no-respect-gitignore",),
                N_("also lint the files that .gitignore files exclude from a folder"),
            ),
            Option(
                ("--dialect",),
                N_("read every script's event variables as ARM's ARMS_* (arm) or CLUSTERPRO X's CLP_* "
                   "(clp or clusterpro-x) (default: each script's own)"),
                metavar="DIALECT",
                choices=DIALECT_CHOICES,
            ),
            Option(
                ("--baseline",),
                N_("report only the findings not in FILE, written earlier with --write-baseline"),
                metavar="FILE",
                path=True,
                dash=REFUSE,
            ),
            Option(
                ("--write-baseline",),
                N_("record today's findings in FILE (replacing it) and exit 0; report nothing"),
                metavar="FILE",
                path=True,
                dash=REFUSE,
            ),
        ),
        epilog=N_("Exit status: 0 nothing at or above --fail-on, 1 something is, 2 usage or I/O error "
                  "(nothing to lint among them), 3 an internal error (please report it)."),
        # --write-baseline records and reports nothing: it fixed the scripts with --fix.
        conflicts=(("write_baseline", "fix"), ("write_baseline", "diff")),
    ),
    Command(
        "rule",
        N_("Explain a lint rule: what it detects, why it matters in a cluster, examples, the fix."),
        "sogen.cli.commands:rule",
        (Argument("code", "CODE", N_("rule code, e.g. SO201"), nargs="?"),),
        (Option(("--all",), N_("list every rule: code, name, severity, summary"), dest="show_all"),),
        conflicts=(("show_all", "code"),),
    ),
    Command(
        "import",
        N_("Recover a topology from legacy scripts, alenv files, registry patches and somg.ini."),
        "sogen.cli.commands:import_",
        (GROUP_FOLDERS,),
        (
            Option(
                ("-o", "--out"),
                N_("topology file to write (default: cluster.yaml)"),
                metavar="FILE",
                default="cluster.yaml",
                path=True,
                dash=REFUSE,  # import reads the file back to check it
                hidden=("--output",),
            ),
            _force(N_("overwrite an existing topology file")),
        ),
    ),
    Command(
        "migrate",
        N_("Import, regenerate, and write MIGRATION.md: every behaviour difference, explained."),
        "sogen.cli.commands:migrate",
        (GROUP_FOLDERS,),
        (
            Option(("-o", "--out"), N_("folder to write (default: out)"), metavar="DIR", default="out", path=True, dash=REFUSE),
            Option(
                ("--topology",),
                N_("use this topology instead of importing one from the folders"),
                metavar="FILE",
                path=True,
            ),
            _force(N_("overwrite files sogen did not write or that were edited")),
            Option(
                ("--dialect",),
                N_("write the scripts for ARM (arm: ARMS_*) or CLUSTERPRO X (clp or clusterpro-x: CLP_*) "
                   "(default: the topology's)"),
                metavar="DIALECT",
                choices=DIALECT_CHOICES,
            ),
        ),
        epilog=N_("Exit status: 0 done, 1 some differences need review, 2 bad input."),
    ),
    Command(
        "trace",
        N_("Show the cluster actions a script performs for one event combination, or for all of them."),
        "sogen.cli.commands:trace",
        (Argument("script", "SCRIPT", N_("a start or stop script (.bat or .cmd), or - for standard input"), path=True),),
        (
            Option(
                ("--event",),
                N_("ARMS_EVENT/CLP_EVENT: START, FAILOVER, RECOVER or unset (default, with --server or --disk: START)"),
                metavar="EVENT",
            ),
            Option(("--server",), N_("ARMS_SERVER/CLP_SERVER: HOME or OTHER (default, with --event or --disk: HOME)"), metavar="SERVER"),
            Option(("--disk",), N_("ARMS_DISK/CLP_DISK: SUCCESS or FAILURE (default, with --event or --server: SUCCESS)"), metavar="DISK"),
            Option(("--matrix",), N_("all 16 combinations in a table (also when no combination is named)")),
            Option(
                ("--format",),
                N_("output format (default: text)"),
                metavar="FORMAT",
                choices=("text", "json"),
                default="text",
            ),
            Option(
                ("--dialect",),
                N_("read the event variables as ARM's ARMS_* (arm) or CLUSTERPRO X's CLP_* (clp or clusterpro-x) "
                   "(default: the script's own)"),
                metavar="DIALECT",
                choices=DIALECT_CHOICES,
            ),
        ),
    ),
    Command(
        "completion",
        N_("Print a shell completion script for bash, zsh, fish or PowerShell (see README, Shell completion)."),
        "sogen.cli.completion:main",
        (Argument("shell", "SHELL", N_("bash, zsh, fish or powershell"), choices=SHELLS),),
    ),
)

BY_NAME = {command.name: command for command in COMMANDS}
PROGRAM_HELP = N_("Generate, lint and migrate CLUSTERPRO failover scripts for StarOffice clusters.")
PROGRAM_EPILOG = N_("Run sogen COMMAND --help for a command's options.")


def first_sentence(text: str) -> str:
    """The first sentence of a (translated) help text: a command's line in `sogen --help`."""
    for end in (". ", "。"):
        if end in text:
            return text.split(end, 1)[0] + end.strip()
    return text
