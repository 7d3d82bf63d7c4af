"""The sogen of this checkout, run as a user runs an installed one."""

from __future__ import annotations

import compileall
import os
import platform
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


def machine() -> str:
    """What the numbers were measured on: this project's machines have differed by a
    factor of 3.5 on the same code (blinter too), so a timing means little without it."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), model)
    except OSError:
        pass
    return f"machine: {model}, {os.cpu_count()} cores, Python {platform.python_version()}"
