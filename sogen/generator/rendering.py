"""Jinja2 templates (the top-level templates/ folder, or the wheel's copy): the text of
every generated file. Templates hold text; the values and rules come from the plan."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from sogen import __version__


def templates_dir() -> Path:
    """Inside a wheel the templates live in the package; in a checkout, at the top."""
    packaged = resources.files("sogen").joinpath("templates")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates"


def reg_escape(value: str) -> str:
    """A .reg string value: backslashes and double quotes are escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


FILE_ROLES = {
    "start.bat": "CLUSTERPRO: start script of the group",
    "stop.bat": "CLUSTERPRO: stop script of the group",
    "backup.bat": "every node of the policy, outside the install root; schedule it",
    "somg.ini": "merge into %ALROOT%\\bin\\somg\\somg.ini",
    "services.txt": "append to %SystemRoot%\\system32\\drivers\\etc\\services on each node",
    "registry/opcntrl.reg": "import on each node of the policy during setup",
    "registry/imagepath.reg": "import on each node of the policy during setup",
    "registry/procinfo.reg": "import on each node of the policy after checking the PROCINFO numbers",
    "registry/formserver.reg": "import on each node of the policy during setup",
    "createsystbl.sql": "run once with Server Manager before the WorkFlow database is created (section 3.2)",
}


def file_role(name: str, group) -> str:
    if name.startswith("alenv"):
        return "every node, outside the install root; run it before StarOffice commands"
    if name.startswith("registry/decommission-"):
        node = name.removeprefix("registry/decommission-").removesuffix(".reg")
        return f"import on {node} only when the group is taken out of the cluster"
    return FILE_ROLES[name]


def _bytecode_cache():
    """Compiled templates are cached per user: compiling them costs more than a whole run."""
    import os

    import jinja2

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "sogen" / f"templates-{__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["reg_escape"] = reg_escape
    env.filters["add_colon"] = lambda drive: f"{drive}:"
    env.filters["file_role"] = file_role
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
