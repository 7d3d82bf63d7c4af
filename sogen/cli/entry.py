"""The `sogen` command's entry point: the safety net around sogen.cli.parser.run and
the exit codes (0 done, 1 findings, 2 usage or input errors, 3 an internal error).

Every command is declared once, in sogen.cli.spec; sogen.cli.parser builds the parser of
the command being run (argparse) and hands it its arguments.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import NoReturn

from sogen import EXIT_INTERNAL, EXIT_USAGE, __version__
from sogen.i18n import _


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
    # Under a Shift_JIS locale Python picks the strict shift_jis codec, which lacks what
    # Windows' code page 932 has (～ ① 髙): the console takes cp932's bytes.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            strict = codecs.lookup(stream.encoding or "ascii").name == "shift_jis"
            stream.reconfigure(errors="replace", **({"encoding": "cp932"} if strict else {}))
    try:
        from sogen.cli.parser import run

        try:
            code = run(sys.argv[1:])
        except SystemExit as exc:  # argparse: --help, --version, a usage error (2)
            if not isinstance(exc.code, int | None):
                raise
            code = exc.code or 0
        hard_exit(code)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # The reader (head, less) went away: stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:
        # A folder that cannot be created, a disk that is full: say where, not how.
        where = exc.filename or "sogen"
        print(_("{path}: {reason}; nothing was written").format(path=where, reason=exc.strerror or exc), file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug, not the user's input
        from sogen.catalogue import CatalogueError  # (not loaded for --help)

        if isinstance(exc, CatalogueError):  # wherever the catalogue was first needed, a worker's included
            print(f"sogen: {exc}", file=sys.stderr)
            sys.exit(EXIT_USAGE)
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
        _("sogen {version}: internal error ({what}); please report it with the command and input that caused it").format(
            version=__version__, what=what
        ),
        file=sys.stderr,
    )
