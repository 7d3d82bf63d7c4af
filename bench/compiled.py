"""What compiling the batch core would gain: lint throughput of this checkout as it is,
and with sogen.batch built by mypyc, on the structured corpus of bench/lint.py.

    python3 bench/compiled.py [--files 2000] [--seed 1]

sogen ships as pure Python. The batch core (parser, IR, interpreter, expansion ...) is
typed to mypy's satisfaction (tests/test_core_types.py), which is what mypyc needs to
build it as C extensions; this measures the gain on a copy of the package in a temporary
folder, the checkout untouched. It needs mypy and setuptools (mypy is in the `test`
extra) and a C compiler. A run that fails instead of linting, or a compiled core that
reports otherwise than the pure Python one, stops the benchmark.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from checkout import ROOT, machine, sogen_environment
from lint import build_structured, wall

# The modules of sogen.batch that build: all but the package's own __init__.
CORE = ("ir", "events", "numbers", "expansion", "actions", "control", "interpreter", "parser", "arm")

BUILD = """\
from setuptools import setup
from mypyc.build import mypycify

setup(name="sogen-core", packages=[], ext_modules=mypycify({modules!r}, opt_level="3"))
"""


def compiled_copy(folder: Path) -> Path:
    """A copy of the package whose batch core mypyc has built, importable from ``folder``."""
    shutil.copytree(ROOT / "sogen", folder / "sogen", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "build_core.py").write_text(
        BUILD.format(modules=[f"sogen/batch/{name}.py" for name in CORE]), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "build_core.py", "build_ext", "--inplace"], cwd=folder, capture_output=True, text=True
    )
    batch = folder / "sogen" / "batch"
    built = [*batch.glob("*.so"), *batch.glob("*.pyd")]
    if result.returncode != 0 or len(built) < len(CORE):
        raise SystemExit(f"mypyc could not build the batch core:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sogen-compiled-bench-"))
    try:
        print(machine())
        lines = build_structured(work / "structured", args.files, args.seed)
        print(f"structured corpus: {args.files} scripts varying in structure, {lines} lines")
        argv = [sys.executable, "-m", "sogen", "lint", "--no-cache", "structured"]
        checkout = sogen_environment()  # compiles the checkout's bytecode: once
        plain = wall(argv, work, runs=3, env=checkout)
        print(f"pure Python            {plain:7.2f} s  {lines / plain:10.0f} lines/s  (fastest of 3)")
        copy = compiled_copy(work / "compiled")
        env = {**os.environ, "PYTHONPATH": str(copy)}
        check = subprocess.run(
            [sys.executable, "-c", "import sogen.batch.interpreter as m; print(m.__file__)"],
            cwd=work, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        if not check.stdout.strip().endswith((".so", ".pyd")):
            raise SystemExit(f"the compiled core was not the one imported: {check.stdout.strip()}")
        fast = wall(argv, work, runs=3, env=env)
        print(f"batch core by mypyc    {fast:7.2f} s  {lines / fast:10.0f} lines/s  (fastest of 3)")
        print(f"gain                   {plain / fast:.2f}x")
        # A speed-up counts only if it finds the same: the JSON reports must be equal.
        reports = [
            subprocess.run([*argv, "--format", "json"], cwd=work, env=environment, capture_output=True).stdout
            for environment in (checkout, env)
        ]
        if reports[0] != reports[1] or not reports[0]:
            raise SystemExit("the compiled core reports otherwise than the pure Python one")
        print("reports                the same, byte for byte")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
