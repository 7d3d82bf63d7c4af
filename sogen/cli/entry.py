"""The `sogen` command's entry point.

`sogen validate`, `sogen generate` and `sogen lint` parse their own options
(argparse) and are run from here before Typer is imported: they run on every
edit, in pre-commit hooks and in CI, where start-up time counts, and this
version of Typer imports and builds pydantic adapters to coerce any declared
parameter. Every other command, and `sogen --help`, goes to the Typer app.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from sogen import EXIT_INTERNAL, EXIT_USAGE, __version__
from sogen.cli.fast import FAST_COMMANDS, run_fast

def hard_exit(code: int) -> NoReturn:
    """Exit without tearing the interpreter down, as mypy does: freeing every module
    and object (pydantic's, Jinja's) takes about 50 ms, a tenth of a generate run.
    The commands have closed what they wrote; only the console streams are left."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    # sogen validates its own models only: pydantic need not scan every installed
    # distribution for validation plugins (about 15 ms) when the first one is built.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # A console that cannot show a character (code page 932 has no "—") shows "?" rather
    # than stopping sogen; the formats for programs write UTF-8 bytes of their own.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        if sys.argv[1:2] and sys.argv[1] in FAST_COMMANDS:
            hard_exit(run_fast(sys.argv[1], sys.argv[2:]))
        from sogen.cli.app import app

        app()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # The reader (head, less) went away: stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:
        # A folder that cannot be created, a disk that is full: say where, not how.
        where = exc.filename or "sogen"
        print(f"{where}: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug, not the user's input
        report_internal_error(exc)
        sys.exit(EXIT_INTERNAL)


def report_internal_error(exc: Exception) -> None:
    """One line asking for a report, not a traceback: exit status 1 would read as findings,
    and a traceback as the user's mistake. SOGEN_DEBUG=1 adds the traceback."""
    if os.environ.get("SOGEN_DEBUG") == "1":
        import traceback

        traceback.print_exception(exc)
    reason = (str(exc).splitlines() or [""])[0][:200]
    what = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
    print(
        f"sogen {__version__}: internal error ({what}); please report it with the command and input that caused it",
        file=sys.stderr,
    )
