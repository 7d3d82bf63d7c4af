"""Lint throughput against blinter, cold start, and pathological inputs.

    python3 bench/lint.py [--files 2000] [--seed 1]

Builds a corpus of start/stop scripts that vary in structure (bench/corpus.py:
the figure that counts), one of copies of the project's own scripts with text
edits, and one of registry patches in a temporary folder, then times whole
processes: `sogen lint` and `blinter` on the same structured scripts, `sogen lint` on the patches (blinter reads no
.reg files), on one file, and on pathological files. Times are of the sogen in
this checkout (see checkout.py); blinter comes from `pip install '.[bench]'`.
A run that fails instead of linting stops the benchmark, so a refusal cannot
pass for speed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from checkout import ROOT, machine, sogen_environment
from checkout import SOGEN as SOGEN_COMMAND
from corpus import script

# Cold figures: every file linted (the result cache is timed on its own line).
SOGEN = [*SOGEN_COMMAND, "lint", "--no-cache"]


def templates() -> list[bytes]:
    """Scripts to vary: every generated and legacy fixture start/stop script."""
    found = sorted((ROOT / "tests" / "golden").rglob("st*.bat")) + sorted((ROOT / "tests" / "legacy").rglob("st*.bat"))
    return [p.read_bytes() for p in found]


def localize(text: str, site: int) -> str:
    """What differs from site to site in the same script: the messages name the
    system, the Oracle SID and home are the site's own, the header says whose it is."""
    text = text.replace('ARMBCAST /MSG "', f'ARMBCAST /MSG "[SYS{site:03d}] ')
    text = text.replace("ORCL", f"S{site:03d}").replace("C:\\ORANT", f"{'DEF'[site % 3]}:\\ORA{site:03d}")
    return f"rem site {site:03d}: cluster scripts, maintained by SE team {site % 7}\r\n" + text


def vary(data: bytes, rng: random.Random, site: int) -> bytes:
    """A site's copy of a script with a hand edit of the kind the lint rules are about."""
    text = localize(data.decode("cp932", errors="replace"), site)
    choice = rng.randrange(6)
    if choice == 0:
        text = text.replace("GOTO EXIT\r\n", "", 1)
    elif choice == 1:
        text = text.replace('"%ARMS_EVENT%"', "%ARMS_EVENT%").replace('"START"', "START")
    elif choice == 2:
        text = text.replace("ON_OTHER1", f"OTHER_{rng.randrange(1000)}")
    elif choice == 3:
        text = text.replace("\r\n", "\r\nrem " + "保守メモ " * rng.randrange(1, 4) + "\r\n", 3)
    elif choice == 4:
        text = text.replace("/W CONTINUE", "/W continu")
    return text.encode("cp932", errors="replace")


def registry_patches() -> list[bytes]:
    found = sorted((ROOT / "tests" / "golden").rglob("*.reg")) + sorted((ROOT / "tests" / "legacy").rglob("*.reg"))
    return [p.read_bytes() for p in found]


def vary_patch(data: bytes, rng: random.Random) -> bytes:
    """A hand edit of a registry patch: a typo in a key, another value, or saved by Notepad as ANSI."""
    utf16 = data.startswith(b"\xff\xfe")
    text = data.decode("utf-16" if utf16 else "cp932")
    choice = rng.randrange(4)
    if choice == 0:
        text = text.replace("SOFTWARE", "SOFWARE", 1)
    elif choice == 1:
        text = text.replace("CurrentVersion", f"CurrentVersion{rng.randrange(3)}", 1)
    elif choice == 2:
        utf16 = not utf16
    return b"\xff\xfe" + text.encode("utf-16-le") if utf16 else text.encode("cp932", errors="replace")


def build_registry(folder: Path, count: int, seed: int) -> int:
    """``count`` registry patches, a few to a group folder, as sogen generate lays them out."""
    rng = random.Random(seed)
    sources = registry_patches()
    lines = 0
    for index in range(count):
        group = folder / f"site{index // 160:03d}" / f"group{index // 4:04d}" / "registry"
        group.mkdir(parents=True, exist_ok=True)
        data = vary_patch(rng.choice(sources), rng)
        (group / f"patch{index % 4}.reg").write_bytes(data)
        lines += (data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("cp932")).count("\n")
    return lines


def build_corpus(folder: Path, count: int, seed: int) -> int:
    rng = random.Random(seed)
    sources = templates()
    lines = 0
    for index in range(count):
        site = index // 40
        group = folder / f"site{site:03d}" / f"group{index // 2:04d}"
        group.mkdir(parents=True, exist_ok=True)
        data = vary(rng.choice(sources), rng, site)
        (group / ("start.bat" if index % 2 == 0 else "stop.bat")).write_bytes(data)
        lines += data.count(b"\n")
    return lines


def build_structured(folder: Path, count: int, seed: int) -> int:
    """``count`` scripts that vary in structure (bench/corpus.py), a start/stop pair a group."""
    rng = random.Random(seed)
    lines = 0
    for index in range(count):
        site = index // 40
        group = folder / f"site{site:03d}" / f"group{index // 2:04d}"
        group.mkdir(parents=True, exist_ok=True)
        data = script(rng, site, start=index % 2 == 0)
        (group / ("start.bat" if index % 2 == 0 else "stop.bat")).write_bytes(data)
        lines += data.count(b"\n")
    return lines


def wall(argv: list[str], cwd: Path, runs: int = 1, env: dict[str, str] | None = None) -> float:
    """The fastest of ``runs`` runs; a run that did not lint (an error, not findings) stops the benchmark."""
    best = float("inf")
    for _ in range(runs):
        with tempfile.TemporaryFile() as output:
            start = time.perf_counter()
            proc = subprocess.run(argv, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
            best = min(best, time.perf_counter() - start)
            output.seek(0)
            text = output.read().decode("utf-8", errors="replace")
        # Both exit with 1 for findings; blinter also for a refused scan, which it reports as "Error: ...".
        if proc.returncode not in (0, 1) or text.startswith("Error:") or "\nError:" in text[:2000]:
            raise SystemExit(f"{' '.join(argv)} failed (exit {proc.returncode}):\n{text[:2000]}")
    return best


def pathological(folder: Path) -> dict[str, Path]:
    # Each just under the 1 MiB a script may have (sogen.textio.MAX_SOURCE_BYTES); a larger
    # file is refused before it is read, in constant time.
    cases = {
        "1 MB line": b"echo " + b"x" * 1_000_000 + b"\r\n",
        "45,000 labels": b"".join(b":L%d\r\nGOTO L%d\r\n" % (i, i + 1) for i in range(45_000)) + b":L45000\r\n",
        "10,000 nested parentheses": b"IF 1==1 (\r\n" * 10_000 + b"echo deep\r\n" + b")\r\n" * 10_000,
        # SO201 pairs each ENDLOCAL with its SETLOCAL and looks at the labels above each SET.
        "20,000 SETLOCAL scopes": b"".join(b":L%d\r\nsetlocal\r\nset V%d=1\r\nendlocal\r\n" % (i, i) for i in range(20_000))
        + b"IF %V1% == 1 echo x\r\n",
    }
    paths = {}
    for name, data in cases.items():
        path = folder / (name.split()[1].replace(",", "") + ".bat")
        path.write_bytes(data)
        paths[name] = path
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    env = sogen_environment()
    work = Path(tempfile.mkdtemp(prefix="sogen-lint-bench-"))
    try:
        print(machine())
        structured = work / "structured"
        lines = build_structured(structured, args.files, args.seed)
        print(f"structured corpus: {args.files} scripts varying in structure, {lines} lines")
        sogen = wall(SOGEN + ["structured"], work, runs=3, env=env)
        print(f"sogen lint structured/  {sogen:7.2f} s  {lines / sogen:10.0f} lines/s  (target 150,000; fastest of 3)")
        cached = [*SOGEN_COMMAND, "lint", "structured"]
        warm_env = {**env, "SOGEN_CACHE_DIR": str(work / "cache")}
        wall(cached, work, env=warm_env)  # fills the cache
        warm = wall(cached, work, runs=3, env=warm_env)
        print(f"  re-run, results cached  {warm:7.2f} s  {lines / warm:10.0f} lines/s  (unchanged files; fastest of 3)")
        blinter = shutil.which("blinter")
        if blinter:
            # blinter refuses folders with more than 1,000 batch files unless told otherwise.
            (work / "blinter.ini").write_text("[general]\nmax_scan_files = 1000000\n", encoding="ascii")
            other = wall([blinter, "structured"], work)
            print(f"blinter structured/     {other:7.2f} s  {lines / other:10.0f} lines/s  (one run: it is slow)")
            print(f"ratio                   sogen is {other / sogen:.1f}x blinter's speed (target 60x)")
        else:
            print("blinter: not installed (pip install blinter)")
        corpus = work / "corpus"
        copies = build_corpus(corpus, args.files, args.seed)
        varied = wall(SOGEN + ["corpus"], work, runs=3, env=env)
        print(f"copies of the project's scripts: {args.files} scripts, {copies} lines (text varied only)")
        print(f"sogen lint corpus/      {varied:7.2f} s  {copies / varied:10.0f} lines/s")
        registry = work / "registry"
        patch_lines = build_registry(registry, args.files * 2, args.seed)
        patches = wall(SOGEN + ["registry"], work, runs=3, env=env)
        print(f"registry: {args.files * 2} patches, {patch_lines} lines")
        print(f"sogen lint registry/    {patches:7.2f} s  {patch_lines / patches:10.0f} lines/s  (target 100,000; fastest of 3)")
        one = next(corpus.rglob("start.bat"))
        cold = wall(SOGEN + [str(one.relative_to(work))], work, runs=5, env=env)
        print(f"sogen lint one file     {cold:7.3f} s  (target 0.15, fastest of 5)")
        for name, path in pathological(work).items():
            print(f"{name:24}{wall(SOGEN + [path.name], work, env=env):7.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
