"""Parser (and analyser) throughput on a generated corpus, and their start-up cost.

    python3 bench/bench_parse.py [--lines 120000] [--seed 1]

The corpus: the scripts sogen generates from samples/*.yaml and the hand-written
cases of tests/trace_cases, each repeated with small edits (messages, spacing,
an extra block or comment) until the corpus has ``--lines`` lines. Prints lines
per second of ``parse_script`` and of ``analyse`` (all 16 combinations) on one
core, and the time a fresh process takes to import the parser and to parse a
file that needs the Lark grammar.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

from checkout import ROOT

sys.path.insert(0, str(ROOT))  # the checkout's sogen, timed in this process

from sogen.batch.interpreter import analyse  # noqa: E402
from sogen.batch.parser import parse_script  # noqa: E402

# Lines that send a script through the grammar rather than the fast path.
EXTRA_BLOCKS = [
    'IF "%ARMS_SERVER%" == "OTHER" (\r\n  ARMBCAST /MSG "other" /A\r\n) ELSE (\r\n  ARMBCAST /MSG "home" /A\r\n)\r\n',
    "FOR /L %%i IN (1,1,3) DO ARMSLEEP 10\r\n",
    'net start | find /I "StarOffice" >nul && echo running || echo stopped\r\n',
]


def templates() -> list[bytes]:
    from sogen.generator.artifacts import generate
    from sogen.topology.load import load_topology, topology_hash

    found = [path.read_bytes() for path in sorted((ROOT / "tests" / "trace_cases").glob("*.bat"))]
    for sample in sorted((ROOT / "samples").glob("*.yaml")):
        topology = load_topology(sample)
        files = generate(topology, topology_hash(topology.model_dump(mode="json")), sample.name)
        found += [data for name, data in files.items() if name.endswith(".bat")]
    return found


def vary(data: bytes, rng: random.Random, number: int) -> bytes:
    """One more script like ``data``: renamed messages, respaced, sometimes a block."""
    text = data.decode("cp932", errors="replace")
    text = text.replace("/A\r\n", f"/A{' ' * rng.randrange(3)}\r\n").replace("サーバ", f"サーバ{number % 7}")
    if rng.random() < 0.3:
        at = text.find("\r\n:")
        if at > 0:
            text = text[: at + 2] + rng.choice(EXTRA_BLOCKS) + text[at + 2 :]
    return text.encode("cp932", errors="replace")


def corpus(lines: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    base = templates()
    scripts: list[bytes] = []
    total = 0
    while total < lines:
        data = vary(rng.choice(base), rng, len(scripts))
        scripts.append(data)
        total += data.count(b"\n")
    return scripts


def throughput(label: str, scripts: list[bytes], work) -> None:
    lines = sum(data.count(b"\n") for data in scripts)
    start = time.perf_counter()
    for index, data in enumerate(scripts):
        work(f"script{index}.bat", data)
    seconds = time.perf_counter() - start
    print(f"{label:28} {lines:>8} lines  {seconds:7.3f} s  {lines / seconds:>9,.0f} lines/s")


def fresh_process(label: str, code: str, runs: int = 5) -> None:
    """Median wall time of ``python -c code`` in new processes, minus an empty one.

    With byte code cached (outside the tree), as in an installed sogen, whatever
    PYTHONDONTWRITEBYTECODE says here.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "sogen-bench-pycache")

    def median(source: str) -> float:
        subprocess.run([sys.executable, "-c", source], check=True, cwd=ROOT, env=env)  # fills the cache
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", source], check=True, cwd=ROOT, env=env)
            times.append(time.perf_counter() - start)
        return sorted(times)[len(times) // 2]

    empty = median("pass")
    print(f"{label:28} {(median(code) - empty) * 1000:7.1f} ms  (python itself: {empty * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=120_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scripts = corpus(args.lines, args.seed)
    print(f"corpus: {len(scripts)} scripts")
    parse_script("warm-up.bat", EXTRA_BLOCKS[0].encode())  # Lark built once, as in a lint run
    throughput("parse_script", scripts, parse_script)
    parsed = [parse_script(f"script{index}.bat", data) for index, data in enumerate(scripts)]
    lines = sum(data.count(b"\n") for data in scripts)
    start = time.perf_counter()
    for script in parsed:
        analyse(script)
    seconds = time.perf_counter() - start
    print(f"{'analyse (16 combinations)':28} {lines:>8} lines  {seconds:7.3f} s  {lines / seconds:>9,.0f} lines/s")

    fresh_process("import sogen.batch.parser", "import sogen.batch.parser")
    fresh_process("import sogen.batch.interpreter", "import sogen.batch.interpreter")
    fresh_process(
        "import + parse a block",
        f"from sogen.batch.parser import parse_script; parse_script('x.bat', {EXTRA_BLOCKS[0].encode()!r})",
    )


if __name__ == "__main__":
    main()
