"""The commands that skip Typer: `sogen validate`, `generate` and `lint` run on every edit,
in pre-commit hooks and in CI, where start-up counts, and this version of Typer imports
and builds pydantic adapters to coerce any declared parameter. Each parses its own
options (argparse) and returns its exit code; the Typer app only lists them."""

from __future__ import annotations

FAST_COMMANDS = {
    "validate": ("sogen.cli.generate", "validate_main"),
    "generate": ("sogen.cli.generate", "generate_main"),
    "lint": ("sogen.cli.lint", "main"),
}


def run_fast(command: str, args: list[str]) -> int:
    from importlib import import_module

    module, function = FAST_COMMANDS[command]
    return getattr(import_module(module), function)(args)
