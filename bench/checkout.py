"""The sogen of this checkout, run as a user runs an installed one."""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOGEN = [sys.executable, "-m", "sogen"]


def sogen_environment() -> dict[str, str]:
    """The environment for timing ``python -m sogen`` from the checkout, from any folder.

    The package's bytecode is compiled first, as pip does on install: otherwise, with
    PYTHONDONTWRITEBYTECODE set, every timed run would compile the sources again.
    """
    compileall.compile_dir(ROOT / "sogen", quiet=1)
    return {**os.environ, "PYTHONPATH": str(ROOT)}
