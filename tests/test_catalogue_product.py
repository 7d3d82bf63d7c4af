"""A new product is a catalogue entry (and the templates of its own files, if any): no Python.

tests/data/new-product.toml adds a fictional product to a copy of sogen/catalogue.toml;
sogen reads that copy through SOGEN_CATALOGUE, in a fresh process. The topology names the
product by its type; generate orders it by its dependencies, lint checks the scripts
against it, the analysis classifies its tool's lines, and import recovers it.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TOPOLOGY = """\
cluster:
  name: so-archive
  mode: single-standby
  nodes:
    - {name: SV1, ip: 192.168.10.11}
    - {name: SV2, ip: 192.168.10.12}
groups:
  - name: sogroup
    policy: [SV1, SV2]
    virtual_host: sovhost
    virtual_ip: 192.168.10.100
    partitions: [D]
    alroot: 'D:\\SO'
    products:
      - type: document-archive
      - type: workflow
        database: sqlserver
      - type: staroffice-server
"""


@pytest.fixture
def site(tmp_path):
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        (ROOT / "sogen" / "catalogue.toml").read_text(encoding="utf-8")
        + "\n"
        + (ROOT / "tests" / "data" / "new-product.toml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (tmp_path / "topology.yaml").write_text(TOPOLOGY, encoding="utf-8")
    return tmp_path


def sogen(site: Path, *args: str, catalogue: bool = True, code: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOGEN_CACHE_DIR": str(site / "cache"), "XDG_CACHE_HOME": str(site / "cache")}
    env.pop("SOGEN_CATALOGUE", None)
    if catalogue:
        env["SOGEN_CATALOGUE"] = str(site / "catalogue.toml")
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "sogen", *args]
    return subprocess.run(command, cwd=site, env=env, capture_output=True, text=True, timeout=120)


def section(script: bytes, label: str) -> list[str]:
    """The command lines of one section of a generated script (section 1.4.1's shape)."""
    lines = script.decode("cp932").splitlines()
    start = lines.index(f":{label}") + 1
    body = []
    for line in lines[start:]:
        if line.startswith("GOTO EXIT"):
            return body
        if not line.startswith(("rem", "IF ", "ARMBCAST")):
            body.append(line)
    raise AssertionError(f"{label} does not end with GOTO EXIT")


def test_a_catalogue_entry_is_all_a_new_product_needs(site):
    refused = sogen(site, "validate", "topology.yaml", catalogue=False)
    assert refused.returncode != 0 and "unknown product type 'document-archive'" in refused.stdout + refused.stderr

    generated = sogen(site, "generate", "topology.yaml", "-o", "out")
    assert generated.returncode == 0, generated.stderr
    start = (site / "out" / "sogroup" / "start.bat").read_bytes()
    stop = (site / "out" / "sogroup" / "stop.bat").read_bytes()
    # Listed first in the topology, it starts after StarOffice, which it depends on; among the
    # products ready together, catalogue order (it is the last entry) breaks the tie.
    assert section(start, "NORMAL") == [
        'net start "MSSQLServer"',
        'ARMLOAD StarOffice /S /M "StarOffice Server"',
        'ARMLOAD WorkFlow /S /M "WWF Server"',
        'ARMLOAD DocArchive /S /M "Document Archive"',
    ]
    assert section(start, "ON_OTHER2")[-2:] == [
        'ARMLOAD DocArchive /S /M "Document Archive"',
        r"arcctl /run C:\ARCHIVE\online.sql",
    ]
    assert section(stop, "ON_OTHER1")[:3] == [r"arcctl /run C:\ARCHIVE\offline.sql", "ARMKILL DocArchive", "ARMKILL WorkFlow"]
    assert "HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\Document Archive" in (site / "out" / "RUNBOOK.md").read_text(encoding="utf-8")

    linted = sogen(site, "lint", "out", "--topology", "topology.yaml")
    assert linted.returncode == 0, linted.stdout + linted.stderr

    classified = sogen(site, code=(
        "from sogen.batch.actions import described\n"
        "for name, line in (('arcctl', r'arcctl /run C:\\ARCHIVE\\offline.sql'), ('ARMLOAD', 'ARMLOAD DocArchive /S /M x')):\n"
        "    print(described(name, line)[:5])\n"
    ))
    assert classified.stdout.splitlines() == [
        "('DB', None, 'document-archive', 1, 'stop')",
        "('ARMLOAD', 'DocArchive', 'document-archive', 1, 'start')",
    ], classified.stderr

    imported = sogen(site, "import", "out/sogroup", "-o", "imported.yaml")
    assert imported.returncode == 0, imported.stderr
    assert "- type: document-archive" in (site / "imported.yaml").read_text(encoding="utf-8")


def test_a_catalogue_saved_with_a_byte_order_mark_is_read(site):
    """Notepad before Windows 10 1903 and PowerShell 5's -Encoding UTF8 begin the file with a
    BOM, which tomllib refused: "Invalid statement (at line 1, column 1)"."""
    catalogue = site / "catalogue.toml"
    catalogue.write_bytes(codecs.BOM_UTF8 + catalogue.read_bytes())
    result = sogen(site, "validate", "topology.yaml")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is not a product catalogue: an entry lacks the key 'defaults'"),
        (b"[defaults\n", "invalid TOML: "),
        (b"\xff\xfe[defaults]", "is not UTF-8 text"),
        (None, "is a named pipe (FIFO), not a regular file"),
        (b"[defaults]\nstart = 1\nstop = []\n", "is not a product catalogue: "),
    ],
)
def test_a_catalogue_sogen_cannot_read_is_a_usage_error(site, content, reason):
    # It was an internal error (exit 3), or, for a FIFO, a wait without end.
    catalogue = site / "catalogue.toml"
    catalogue.unlink()
    if content is None:
        os.mkfifo(catalogue)
    else:
        catalogue.write_bytes(content)
    (site / "start.bat").write_bytes(b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n')
    for args in (["products"], ["validate", "topology.yaml"], ["lint", "--no-cache", "start.bat"]):
        result = sogen(site, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(f"sogen: SOGEN_CATALOGUE={catalogue}: {reason}"), (args, result.stderr)
