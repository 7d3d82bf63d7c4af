"""Jinja2 templates (the top-level templates/ folder, or the wheel's copy): the text of
every generated file. Templates hold text; the values and rules come from the plan."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from sogen import __version__
from sogen.i18n import N_, translations


def templates_dir() -> Path:
    """Inside a wheel the templates live in the package; in a checkout, at the top."""
    packaged = resources.files("sogen").joinpath("templates")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates"


def reg_escape(value: str) -> str:
    """A .reg string value: backslashes and double quotes are escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


# Oracle's system table script (section 3.2), written by artifacts.py.
ORACLE_SYSTEM_TABLES = "createsystbl.sql"
# Where each generated file goes; a product's own template files say it in the catalogue.
# N_: messages of the runbook's catalogue (sogen/locale/<lang>/LC_MESSAGES/runbook.po).
FILE_ROLES = {
    "start.bat": N_("CLUSTERPRO: start script of the group"),
    "stop.bat": N_("CLUSTERPRO: stop script of the group"),
    "backup.bat": N_("every node of the policy, outside the install root; schedule it"),
    "services.txt": N_("append to %SystemRoot%\\system32\\drivers\\etc\\services on each node"),
    "registry/opcntrl.reg": N_("import on each node of the policy during setup"),
    "registry/imagepath.reg": N_("import on each node of the policy during setup"),
    "registry/procinfo.reg": N_("import on each node of the policy after checking the PROCINFO numbers"),
    "registry/formserver.reg": N_("import on each node of the policy during setup"),
    ORACLE_SYSTEM_TABLES: N_("run with Server Manager before the WorkFlow database is created, on each node (section 3.2)"),
}
ALENV_ROLE = N_("every node, outside the install root; run it before StarOffice commands")
DECOMMISSION_ROLE = N_("import on %(node)s only when the group is taken out of the cluster")


def file_role(name: str, group, gettext=None) -> str:
    """Where a generated file goes, translated by ``gettext`` (RUNBOOK.md's language) if given."""
    gettext = gettext or (lambda message: message)
    if name.startswith("alenv"):
        return gettext(ALENV_ROLE)
    if name.startswith("registry/decommission-"):
        node = name.removeprefix("registry/decommission-").removesuffix(".reg")
        return gettext(DECOMMISSION_ROLE) % {"node": node}
    from sogen.catalogue import load_catalogue

    role = gettext(FILE_ROLES.get(name) or load_catalogue().file_role(name))
    # The catalogue says where in the install tree; the runbook names the group's real path.
    return role.replace("%ALROOT%", group.alroot) if group.alroot else role


def translated(language: str, domain: str) -> dict:
    """The gettext functions of ``jinja2.ext.i18n`` in ``language`` for one render: given with
    the context, they stand for the environment's (English) ones in that render only."""
    catalogue = translations(language, domain)
    return {"gettext": catalogue.gettext, "ngettext": catalogue.ngettext}


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

    class Cache(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket) -> None:
            # A cache another user filled, or a read-only home: the templates are compiled
            # again next time, and the run that writes the user's files goes on.
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return Cache(str(folder))


@cache
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        extensions=["jinja2.ext.i18n"],
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
    env.install_null_translations(newstyle=False)  # English, unless a render is given `translated`
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
