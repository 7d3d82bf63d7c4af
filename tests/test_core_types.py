"""The batch core (sogen.batch: the parser, the IR, the interpreter) type-checks.

It is the part of sogen that runs for every line of every script linted, traced or
migrated, and the part a compiler such as mypyc would build: its declared types have
to be the ones its values have (a compiled module trusts them). mypy holds them so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_batch_core_type_checks():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--no-error-summary", "sogen/batch"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
