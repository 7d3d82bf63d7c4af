"""sogen as a user gets it: a built wheel in a fresh venv, and the README's quick start."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def outer_paths() -> list[str]:
    """The folders the running tests import their dependencies from: every folder on
    sys.path but the standard library's and sogen's source tree. site.getsitepackages()
    alone misses the user's site folder, PYTHONPATH and the folders .pth files add (an
    editable or namespace install): a dependency found only there ("No module named
    'ruamel'") would be missing from the fresh venv."""
    stdlib = {os.path.realpath(sysconfig.get_paths()[key]) for key in ("stdlib", "platstdlib")}
    stdlib |= {os.path.join(folder, "lib-dynload") for folder in stdlib}
    paths: list[str] = []
    for entry in sys.path:
        real = os.path.realpath(entry or os.getcwd())
        if real in (str(ROOT), *stdlib) or not os.path.isdir(real) or real in paths:
            continue
        paths.append(real)
    return paths


def fresh_venv(folder: Path) -> Path:
    """A venv that sees the dependencies installed where the tests run (the system's, a
    virtual environment's, the user's) but not sogen's source tree: the outer folders
    come after its own site folder, where the wheel goes."""
    venv.EnvBuilder(with_pip=True).create(folder)
    (own,) = (folder / "lib").glob("python*/site-packages")
    (own / "outer-site-packages.pth").write_text("\n".join(outer_paths()) + "\n", encoding="utf-8")
    return folder / "bin"


def run(argv, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{argv}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(folder / "dist"), str(ROOT)])
    (wheel,) = (folder / "dist").glob("sogen_clusterpro-*.whl")
    bin_dir = fresh_venv(folder / "venv")
    run([str(bin_dir / "python"), "-m", "pip", "install", "--no-deps", "--force-reinstall", "--quiet", str(wheel)])
    return bin_dir


def test_wheel_contains_templates_catalogue_arm_commands_and_schema(installed_wheel):
    code = (
        "import sogen, pathlib; root = pathlib.Path(sogen.__file__).parent; "
        "print(sorted(p.name for p in (root / 'templates').iterdir())); "
        "print((root / 'catalogue.toml').is_file(), (root / 'arm_commands.toml').is_file(), "
        "(root / 'schemas' / 'topology.schema.json').is_file())"
    )
    out = run([str(installed_wheel / "python"), "-c", code], cwd="/").stdout
    assert "'start.bat.j2'" in out and "'RUNBOOK.md.j2'" in out
    assert out.strip().endswith("True True True")


def test_installed_sogen_speaks_japanese(installed_wheel, tmp_path):
    """The compiled message catalogue (sogen/locale/ja/LC_MESSAGES/sogen.mo) is in the wheel."""
    result = subprocess.run(
        [str(installed_wheel / "python"), "-m", "sogen", "--lang", "ja", "lint", "no/such/start.bat"],
        cwd=tmp_path,
        capture_output=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 2, result.stderr
    assert "no/such/start.bat: ファイルまたはフォルダがありません" in result.stderr


def test_installed_sogen_generates_the_golden_output(installed_wheel, tmp_path):
    out = tmp_path / "out"
    run([str(installed_wheel / "sogen"), "generate", str(ROOT / "samples" / "four-node.yaml"), "-o", str(out)], cwd=tmp_path)
    golden = ROOT / "tests" / "golden" / "four-node"
    for path in golden.rglob("*"):
        if path.is_file():
            assert (out / path.relative_to(golden)).read_bytes() == path.read_bytes(), path


def readme_command(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.+?)\n```", text)
    assert match, f"README has no {marker} block"
    return match.group(1)


def test_readme_has_exactly_two_quick_start_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert section.count("```sh") == 2
    assert readme_command("quickstart-test") == "bash .ci/install && python3 -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash .ci/install" in ci and "python3 -m pytest" in ci


def test_readme_generate_command_works_from_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    run(["git", "clone", "--quiet", str(ROOT), str(clone)])
    bin_dir = fresh_venv(tmp_path / "venv")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(tmp_path / "venv")}
    env.pop("PYTHONPATH", None)
    run(["bash", "-c", readme_command("quickstart-generate")], cwd=clone, env=env)
    runbook = (clone / "out" / "RUNBOOK.md").read_text(encoding="utf-8")
    assert "`so-multi`" in runbook  # in the sample's language (settings.language, default ja)
    assert (clone / "out" / "group2" / "start.bat").read_bytes().count(b"ARMLOAD StarOffice2") == 4
