"""Whole-process wall times of the commands users run most.

    python3 bench/run.py [--runs N]

Each command runs N times in a fresh process (the way a user or CI runs it);
the report gives the median and the fastest run against the target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from checkout import ROOT, SOGEN, machine, sogen_environment


def wall_times(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = sogen_environment()
    out = Path(tempfile.mkdtemp(prefix="sogen-bench-"))
    try:
        cases = [
            ("sogen --help", SOGEN + ["--help"], 0.3),
            # A pre-commit hook or an editor lints one file at a time, cold.
            (
                "sogen lint start.bat (one file, --no-cache)",
                SOGEN + ["lint", "--no-cache", "tests/golden/single-standby/sogroup/start.bat"],
                0.15,
            ),
            (
                "sogen generate samples/four-node.yaml",
                SOGEN + ["generate", "samples/four-node.yaml", "-o", str(out / "four"), "--force"],
                0.5,
            ),
            (
                "sogen generate samples/multi-standby.yaml",
                SOGEN + ["generate", "samples/multi-standby.yaml", "-o", str(out / "multi"), "--force"],
                0.5,
            ),
        ]
        print(machine())
        print(f"{'command':45} {'median':>8} {'fastest':>8} {'target':>8}")
        for name, argv, target in cases:
            times = wall_times(argv, args.runs, env)
            median = statistics.median(times)
            verdict = "ok" if median <= target else "SLOW"
            print(f"{name:45} {median:8.3f} {min(times):8.3f} {target:8.2f}  {verdict}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
