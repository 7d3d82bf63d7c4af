"""`sogen` as a Typer application, for typer.testing's CliRunner (Typer comes with the
`test` extra; an application embedding sogen in a Typer CLI installs it itself).

The command line is declared in sogen.cli.spec and parsed by sogen.cli.parser
(argparse: Typer's import alone costs about 30 ms of the 150 ms allowed to
`sogen lint FILE`). This app is one command that hands every argument, unparsed,
to that parser, so a test through Typer sees exactly what a user sees. The
`sogen` command never imports it.
"""

from __future__ import annotations

import typer

from sogen.cli.parser import run_in_process

app = typer.Typer(name="sogen", add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@app.command(
    add_help_option=False,
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "allow_interspersed_args": False,
        "help_option_names": [],
    },
)
def sogen(ctx: typer.Context) -> None:
    raise typer.Exit(run_in_process(ctx.args))
