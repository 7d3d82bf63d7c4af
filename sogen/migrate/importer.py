"""Orchestration of `sogen import`: group folders in, commented topology and report out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sogen.migrate.build import order_groups, topology_yaml
from sogen.i18n import _
from sogen.migrate.recover import ImportError_, RecoveredGroup, recover_group
from sogen.textio import name_as_written


@dataclass
class ImportResult:
    groups: list[RecoveredGroup]  # in group order (instance 1 first)
    yaml_text: str
    findings: list  # lint findings of the legacy files


_GROUP_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,30}")


def parse_group_spec(spec: str) -> tuple[str, Path]:
    """``name=DIR`` or ``DIR``: the group is named after the folder, its letters and
    digits kept (``グループ 2`` gives ``g2``)."""
    name, sep, folder = spec.partition("=")
    if names_its_group(spec):
        if not folder:  # NAME=$DIR with DIR unset: not the current folder
            raise ImportError_(_("{spec}: names no folder after '='").format(spec=spec))
        return name, Path(folder)
    path = Path(spec)
    if sep and name and not path.exists():
        raise ImportError_(
            _(
                "{spec}: {name} cannot name a group: a group name is a letter, then up to 30 letters, "
                "digits, - or _ (ASCII)"
            ).format(spec=spec, name=repr(name))
        )
    # A cp932 name from a Windows zip: its own letters, not the ASCII trail bytes (グ is 0x83 0x4F).
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", name_as_written(path.resolve().name)).strip("-") or "group"
    if not base[0].isalpha():
        base = "g" + base
    return base[:31], path


def group_folders(specs: list[str]) -> list[tuple[str, Path]]:
    """(name, folder) of each ``NAME=DIR`` or ``DIR``; a folder given twice is refused (it
    would be two groups claiming one StarOffice instance)."""
    parsed = [parse_group_spec(spec) for spec in specs]
    seen: dict[Path, int] = {}
    for index, (spec, (_name, folder)) in enumerate(zip(specs, parsed)):
        first = seen.setdefault(folder.resolve(), index)
        if first != index:
            raise ImportError_(
                _("{spec}: the folder of {first} again; give each failover group's folder once").format(
                    spec=spec, first=specs[first]
                )
            )
    return parsed


def names_its_group(spec: str) -> bool:
    """``NAME=DIR`` with a NAME a group may have."""
    name, sep, _folder = spec.partition("=")
    return bool(sep and _GROUP_NAME.fullmatch(name))


def legacy_findings(folders: list[Path]) -> list:
    """What `sogen lint` says of the legacy files: the import reports, never silently fixes.
    A file it cannot read (a FIFO, a device, a huge file) is an error, as it is for lint."""
    from sogen.lint.config import LintConfig
    from sogen.lint.engine import lint_paths

    result = lint_paths([str(f) for f in folders], LintConfig())
    if result.errors:
        raise ImportError_("\n".join(result.errors))
    return result.findings


def import_folders(specs: list[str], output_name: str) -> ImportResult:
    if not specs:
        raise ImportError_(_("give at least one group folder (one per failover group)"))
    parsed = group_folders(specs)
    # Folders named alike once their other characters go (東京 and 大阪 are both "group")
    # are told apart by their place; a name given with NAME=DIR is kept as given.
    derived = [name for (name, _), spec in zip(parsed, specs) if not names_its_group(spec)]
    parsed = [
        (f"{name[:28]}-{index}" if not names_its_group(spec) and derived.count(name) > 1 else name, folder)
        for index, ((name, folder), spec) in enumerate(zip(parsed, specs), start=1)
    ]
    names = [name for name, _ in parsed]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise ImportError_(
            _("two group folders are both named {name}: name them with NAME=DIR").format(name=repr(duplicate))
        )
    groups = order_groups([recover_group(name, folder) for name, folder in parsed])
    text = topology_yaml(groups, [name_as_written(str(folder)) for _, folder in parsed], output_name)
    return ImportResult(groups, text, legacy_findings([folder for _, folder in parsed]))
