"""`sogen completion SHELL`: a completion script for bash, zsh, fish or PowerShell,
derived from sogen.cli.spec (command names, options, their choices, and whether a value
is a file or a folder). The scripts are static: a Tab does not start Python.
"""

from __future__ import annotations

import re
import sys

from sogen import EXIT_OK
from sogen.batch.events import DISKS, EVENTS, SERVERS
from sogen.cli import spec
from sogen.cli.parser import parse
from sogen.i18n import _
from sogen.textio import write_document

GLOBAL_VALUE_OPTIONS = tuple(o for o in spec.GLOBAL_OPTIONS if o.takes_value)

# What trace's --event, --server and --disk are offered: the cluster's values (any case is
# taken, so they are no argparse choices).
_CLUSTER_VALUES = {"EVENT": (*EVENTS[:-1], "unset"), "SERVER": SERVERS, "DISK": DISKS}


def _values(option: spec.Option) -> tuple[str, ...]:
    return option.choices or _CLUSTER_VALUES.get(option.metavar or "", ())


def _option_kind(option: spec.Option) -> str:
    return _kind(option.metavar, _values(option), option.path)


def _kind(metavar: str | None, choices: tuple[str, ...] | None, path: bool) -> str:
    """What completes a value: "choices", "file", "dir", "none" (a free value) or "switch"."""
    if choices:
        return "choices"
    if metavar is None:
        return "switch"
    if metavar in spec.DIR_METAVARS:
        return "dir"
    if path or metavar in spec.FILE_METAVARS:
        return "file"
    return "none"


def _options(command: spec.Command | None) -> list[spec.Option]:
    own = list(command.options) if command else []
    return own + list(spec.GLOBAL_OPTIONS)


def _positional(command: spec.Command) -> tuple[str, tuple[str, ...]]:
    """How the command's positional arguments complete: a kind and, for "choices", them."""
    if not command.arguments:
        return "none", ()
    argument = command.arguments[0]
    kind = _kind(argument.metavar, argument.choices, argument.path)
    return kind, argument.choices or ()


def _short(text: str) -> str:
    """A short description for a completion menu: the (translated) help up to its first
    colon, semicolon or full stop, without the characters shells quote differently."""
    line = re.sub(r"\s*[(（][^)）]*[)）]", "", spec.first_sentence(_(text)))
    for stop in (": ", "; ", "：", "；"):
        line = line.split(stop, 1)[0]
    line = line.replace("'", "\u2019").rstrip(".")
    line = "".join(c for c in line if c not in "\"[]:\\`$")
    if len(line) > 70:
        line = line[:70].rsplit(" ", 1)[0] + "\u2026"
    return line


# -- bash ------------------------------------------------------------------------------


def _bash_reply(kind: str, choices) -> str:
    """What bash offers for a value of this kind (see _kind): its choices, folders, files or nothing."""
    if kind == "choices":
        return f'COMPREPLY=($(compgen -W "{" ".join(choices)}" -- "$cur"))'
    if kind == "dir":
        return 'COMPREPLY=($(compgen -d -- "$cur"))'
    if kind == "file":
        return 'COMPREPLY=($(compgen -f -- "$cur"))'
    return "COMPREPLY=()"


def bash() -> str:
    def value_cases(options: list[spec.Option]) -> list[str]:
        lines = []
        for option in options:
            kind = _option_kind(option)
            if kind == "switch" or option.name in ("help", "version"):
                continue
            flags = "|".join(option.flags)
            lines.append(f"                {flags}) {_bash_reply(kind, _values(option))}; return ;;")
        return lines

    top = " ".join([c.name for c in spec.COMMANDS] + [f for o in spec.GLOBAL_OPTIONS for f in o.flags])
    value_flags = "|".join(f for o in GLOBAL_VALUE_OPTIONS for f in o.flags)
    parts = [
        "# bash completion for sogen. Load it in ~/.bashrc with:",
        '#   eval "$(sogen completion bash)"',
        "# or save it as ~/.local/share/bash-completion/completions/sogen",
        "_sogen() {",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" command="" i',
        '    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
        "    for (( i = 1; i < COMP_CWORD; i++ )); do",
        '        case "${COMP_WORDS[i]}" in',
        f"            {value_flags}) (( i++ )) ;;",
        "            -*) ;;",
        '            *) command="${COMP_WORDS[i]}"; break ;;',
        "        esac",
        "    done",
        '    case "$command" in',
        '        "")',
        '            case "$prev" in',
        *value_cases(list(spec.GLOBAL_OPTIONS)),
        "            esac",
        f'            COMPREPLY=($(compgen -W "{top}" -- "$cur")) ;;',
    ]
    for command in spec.COMMANDS:
        options = _options(command)
        flags = " ".join(f for o in options for f in o.flags)
        positional = _bash_reply(*_positional(command))
        parts += [
            f"        {command.name})",
            '            case "$prev" in',
            *value_cases(options),
            "            esac",
            '            if [[ "$cur" == -* ]]; then',
            f'                COMPREPLY=($(compgen -W "{flags}" -- "$cur"))',
            "            else",
            f"                {positional}",
            "            fi ;;",
        ]
    parts += [
        "    esac",
        "}",
        "complete -o filenames -o bashdefault -F _sogen sogen",
        "",
    ]
    return "\n".join(parts)


# -- zsh -------------------------------------------------------------------------------


def _zsh_action(kind: str, choices: tuple[str, ...] | None, metavar: str | None) -> str:
    label = metavar or "VALUE"
    if kind == "choices":
        return f":{label}:({' '.join(choices or ())})"
    if kind == "dir":
        return f":{label}:_files -/"
    if kind == "file":
        return f":{label}:_files"
    if kind == "none":
        return f":{label}: "
    return ""


def _zsh_specs(options: list[spec.Option]) -> list[str]:
    specs = []
    for option in options:
        kind = _option_kind(option)
        action = _zsh_action(kind, _values(option), option.metavar)
        help_text = _short(option.help)
        repeat = "*" if option.repeat else ""
        if len(option.flags) == 1:
            specs.append(f"'{repeat}{option.flags[0]}[{help_text}]{action}'")
        else:
            exclusive = " ".join(option.flags)
            flags = ",".join(option.flags)
            specs.append(f"'({exclusive})'{{{flags}}}'[{help_text}]{action}'")
    return specs


def zsh() -> str:
    lines = [
        "#compdef sogen",
        "# zsh completion for sogen. Load it in ~/.zshrc (after compinit) with:",
        "#   eval \"$(sogen completion zsh)\"",
        "# or save it as _sogen in a folder of $fpath",
        "_sogen() {",
        "    local curcontext=\"$curcontext\" state line",
        "    local -a commands",
        "    commands=(",
        *[f"        '{c.name}:{_short(c.help)}'" for c in spec.COMMANDS],
        "    )",
        "    _arguments -C \\",
        *[f"        {s} \\" for s in _zsh_specs(list(spec.GLOBAL_OPTIONS))],
        "        '1: :->command' \\",
        "        '*:: :->arguments'",
        "    case $state in",
        "        command) _describe 'command' commands ;;",
        "        arguments)",
        "            case $line[1] in",
    ]
    for command in spec.COMMANDS:
        specs = _zsh_specs(_options(command))
        for argument in command.arguments:
            kind = _kind(argument.metavar, argument.choices, argument.path)
            action = _zsh_action(kind, argument.choices, argument.metavar) or f":{argument.metavar}: "
            if argument.nargs == "+":
                specs.append(f"'*{action}'")
            elif argument.nargs == "?":
                specs.append(f"':{action}'")
            else:
                specs.append(f"'{action}'")
        body = " \\\n                        ".join(specs) if specs else "'*: :'"
        lines += [f"                {command.name}) _arguments {body} ;;"]
    lines += [
        "            esac ;;",
        "    esac",
        "}",
        'if [ "$funcstack[1]" = "_sogen" ]; then',
        '    _sogen "$@"',
        "else",
        "    compdef _sogen sogen",
        "fi",
        "",
    ]
    return "\n".join(lines)


# -- fish ------------------------------------------------------------------------------


def _fish_option(condition: str, option: spec.Option) -> str:
    parts = ["complete -c sogen"]
    if condition:
        parts.append(f"-n '{condition}'")
    for flag in option.flags:
        parts.append(f"-s {flag[1:]}" if len(flag) == 2 else f"-l {flag[2:]}")
    kind = _option_kind(option)
    if kind == "choices":
        parts.append(f"-x -a '{' '.join(_values(option))}'")
    elif kind in ("file", "dir"):
        parts.append("-r -F")
    elif kind == "none":
        parts.append("-x")
    parts.append(f"-d '{_short(option.help)}'")
    return " ".join(parts)


def fish() -> str:
    names = " ".join(c.name for c in spec.COMMANDS)
    lines = [
        "# fish completion for sogen: sogen completion fish > ~/.config/fish/completions/sogen.fish",
        "complete -c sogen -f",
    ]
    lines += [_fish_option("", option) for option in spec.GLOBAL_OPTIONS]
    for command in spec.COMMANDS:
        lines.append(f"complete -c sogen -n 'not __fish_seen_subcommand_from {names}' -a {command.name} -d '{_short(command.help)}'")
    for command in spec.COMMANDS:
        seen = f"__fish_seen_subcommand_from {command.name}"
        lines += [_fish_option(seen, option) for option in command.options]
        kind, choices = _positional(command)
        if kind == "choices":
            lines.append(f"complete -c sogen -n '{seen}' -x -a '{' '.join(choices)}'")
        elif kind == "dir":
            lines.append(f"complete -c sogen -n '{seen}' -x -a '(__fish_complete_directories)'")
        elif kind == "file":
            lines.append(f"complete -c sogen -n '{seen}' -F")
    return "\n".join(lines) + "\n"


# -- PowerShell ------------------------------------------------------------------------


def _ps_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def powershell() -> str:
    def option_table(options: list[spec.Option]) -> str:
        entries = []
        for option in options:
            kind = _option_kind(option)
            values = ",".join(_ps_string(c) for c in _values(option))
            for flag in option.flags:
                entries.append(f"{_ps_string(flag)} = @{{ Kind = {_ps_string(kind)}; Values = @({values}); "
                               f"Help = {_ps_string(_short(option.help))} }}")
        return "@{ " + "; ".join(entries) + " }"

    commands = []
    for command in spec.COMMANDS:
        kind, choices = _positional(command)
        values = ",".join(_ps_string(c) for c in choices)
        commands.append(
            f"    {_ps_string(command.name)} = @{{ Help = {_ps_string(_short(command.help))}; "
            f"Positional = {_ps_string(kind)}; Values = @({values}); Options = {option_table(_options(command))} }}"
        )
    globals_table = option_table(list(spec.GLOBAL_OPTIONS))
    return "\n".join([
        "# PowerShell completion for sogen. Add to your profile ($PROFILE):",
        "#   sogen completion powershell | Out-String | Invoke-Expression",
        "$sogenGlobalOptions = " + globals_table,
        "$sogenCommands = @{",
        *commands,
        "}",
        "Register-ArgumentCompleter -Native -CommandName sogen, sogen.exe -ScriptBlock {",
        "    param($wordToComplete, $commandAst, $cursorPosition)",
        "    $words = @($commandAst.CommandElements |",
        "        Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.Extent.Text })",
        "    $command = $null",
        "    for ($i = 1; $i -lt $words.Count; $i++) {",
        "        $word = $words[$i]",
        "        if ($sogenGlobalOptions.ContainsKey($word) -and $sogenGlobalOptions[$word].Kind -ne 'switch') { $i++; continue }",
        "        if ($word.StartsWith('-')) { continue }",
        "        $command = $word; break",
        "    }",
        "    $options = if ($command -and $sogenCommands.ContainsKey($command)) { $sogenCommands[$command].Options } else { $sogenGlobalOptions }",
        "    $previous = if ($words.Count -gt 1) { $words[$words.Count - 1] } else { '' }",
        "    function Result($text, $help) {",
        "        [System.Management.Automation.CompletionResult]::new($text, $text, 'ParameterValue', $(if ($help) { $help } else { $text }))",
        "    }",
        "    if ($options.ContainsKey($previous)) {",
        "        $option = $options[$previous]",
        "        if ($option.Kind -eq 'choices') {",
        "            $option.Values | Where-Object { $_ -like \"$wordToComplete*\" } | ForEach-Object { Result $_ $option.Help }",
        "            return",
        "        }",
        "        if ($option.Kind -ne 'switch') { return }  # a file, a folder or a free value: PowerShell's own",
        "    }",
        "    if ($wordToComplete.StartsWith('-')) {",
        "        $options.Keys | Sort-Object | Where-Object { $_ -like \"$wordToComplete*\" } |",
        "            ForEach-Object { Result $_ $options[$_].Help }",
        "        return",
        "    }",
        "    if (-not $command) {",
        "        $sogenCommands.Keys | Sort-Object | Where-Object { $_ -like \"$wordToComplete*\" } |",
        "            ForEach-Object { Result $_ $sogenCommands[$_].Help }",
        "        return",
        "    }",
        "    $entry = $sogenCommands[$command]",
        "    if ($entry -and $entry.Positional -eq 'choices') {",
        "        $entry.Values | Where-Object { $_ -like \"$wordToComplete*\" } | ForEach-Object { Result $_ $entry.Help }",
        "    }",
        "}",
        "",
    ])


SCRIPTS = {"bash": bash, "zsh": zsh, "fish": fish, "powershell": powershell}


def main(argv: list[str]) -> int:
    args = parse("completion", argv)
    write_document(sys.stdout, SCRIPTS[args.shell]())
    return EXIT_OK
