"""Cross-file rules compare the files of one cluster: linting a repository of several
sites' clusters at once finds exactly what linting each site alone does."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from sogen.lint.config import LintConfig
from sogen.lint.engine import lint_paths, partners
from sogen.migrate.importer import import_folders
from sogen.trace import run_trace

ROOT = Path(__file__).resolve().parent.parent
LEGACY_MULTI = ROOT / "tests" / "legacy" / "multi"  # so1/ and so2/, no manifest
GENERATED_MULTI = ROOT / "tests" / "golden" / "multi-standby"  # with manifest.json


def findings(paths: list[str]) -> set[tuple[str, int, int, str]]:
    return {(f.path, f.line, f.column, f.code) for f in lint_paths(paths, LintConfig()).findings}


@pytest.fixture
def sites(tmp_path, monkeypatch) -> list[str]:
    """Four sites side by side: two legacy clusters without a manifest, two generated ones
    with it (one moved into a deeper folder), each site's own watch IDs and instances."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(LEGACY_MULTI, tmp_path / "tokyo")
    shutil.copytree(LEGACY_MULTI, tmp_path / "osaka")
    shutil.copytree(GENERATED_MULTI, tmp_path / "nagoya")
    shutil.copytree(GENERATED_MULTI, tmp_path / "fukuoka" / "2026" / "out")
    # A site whose FormServer is watched as the second one's service: its own finding only.
    start = tmp_path / "nagoya" / "group2" / "start.bat"
    start.write_bytes(start.read_bytes().replace(b'"StarOffice FormServer"', b'"StarOffice FormServer2"'))
    return ["tokyo", "osaka", "nagoya", "fukuoka"]


def test_a_tree_of_sites_gives_the_findings_of_each_site_alone(sites):
    alone = set().union(*(findings([site]) for site in sites))
    together = findings(["."])
    assert {(p.removeprefix("./"), *rest) for p, *rest in together} == alone
    # The cross-file rules did find something within sites, so the test can fail.
    assert {"SO503", "SO310"} & {code for *_, code in alone}


def test_sites_named_together_on_the_command_line_are_kept_apart(sites):
    alone = set().union(*(findings([site]) for site in sites))
    assert findings(sites) == alone


def _concerning(folder_findings: set[tuple[str, int, int, str]], named: set[str]) -> set[tuple[str, int, int, str]]:
    """The findings of linting the whole site that a lint of ``named`` must give: every
    finding in a named file, and a pair finding (SO304, SO305) in its start/stop partner."""
    folders = {str(Path(n).parent) for n in named}
    return {
        f for f in folder_findings
        if f[0] in named or (f[3] in ("SO304", "SO305") and str(Path(f[0]).parent) in folders)
    }


@pytest.mark.parametrize(
    "edit, named, code",
    [
        # A stop script that no longer stops WorkFlow: SO305 stands on the start script's ARMLOAD.
        ("nagoya/group1/stop.bat", ["nagoya/group1/stop.bat"], "SO305"),
        # The second instance's alenv file copies the first's service (SO503 compares the two).
        ("tokyo/so2/alenv2.bat", ["tokyo/so2/alenv2.bat"], "SO503"),
    ],
)
def test_a_file_named_alone_is_compared_with_its_cluster(sites, edit, named, code):
    """A pre-commit hook names only the staged files: the cross-file rules read the files
    they compare a named one with, and report what concerns it, as linting the folder does;
    what the other files have of their own is not reported."""
    path = Path(edit)
    if code == "SO305":
        path.write_bytes(b"".join(line for line in path.read_bytes().splitlines(True) if b"ARMKILL" not in line))
    site = edit.split("/")[0]
    whole = findings([site])
    alone = findings(named)
    assert code in {c for *_, c in alone}
    assert alone == _concerning(whole, set(named))


def test_a_script_named_outside_the_working_folder_is_compared_with_its_own_folder_only(tmp_path, monkeypatch):
    """A cluster is read around a named file only where a manifest.json marks it or in the
    working folder: a lone script elsewhere is not compared with the folders beside it."""
    shutil.copytree(LEGACY_MULTI, tmp_path / "tokyo")
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    named = str(tmp_path / "tokyo" / "so2" / "alenv2.bat")
    assert "SO503" not in {c for *_, c in findings([named])}
    monkeypatch.chdir(tmp_path)
    assert "SO503" in {c for *_, c in findings([named])}


def test_a_clash_found_on_the_other_file_is_reported_for_the_named_one(sites):
    """alenv1.bat edited to copy instance 2's service: SO503 may stand on alenv2.bat, the
    file not named; a hook that names alenv1.bat alone passed."""
    alenv1 = Path("tokyo/so1/alenv1.bat")
    alenv1.write_bytes(alenv1.read_bytes().replace(b"SET ALROOT=D:\\SO1", b"SET ALROOT=E:\\SO2"))
    whole = {f for f in findings(["tokyo"]) if f[3] == "SO503"}
    assert whole and whole <= findings([str(alenv1)])


def test_a_busy_cluster_folder_still_gives_the_named_files_own_folder(sites, tmp_path):
    """More scripts beside the group folders than a cluster has: the named file is still
    compared with its own folder's (its start script's SO305)."""
    for index in range(250):
        (tmp_path / "nagoya" / "other").mkdir(exist_ok=True)
        (tmp_path / "nagoya" / "other" / f"tool{index}.bat").write_bytes(b"echo tool\r\n")
    stop = Path("nagoya/group1/stop.bat")
    stop.write_bytes(b"".join(line for line in stop.read_bytes().splitlines(True) if b"ARMKILL" not in line))
    assert "SO305" in {code for *_, code in findings([str(stop)])}


def test_standard_input_named_as_the_partner_is_not_read_from_disk(sites):
    """lint start.bat - --stdin-filename stop.bat: the buffer is the stop script; its copy
    on disk was read to compare under the same name, and the buffer's findings vanished."""
    stop = Path("nagoya/group1/stop.bat")
    edited = b"GOTO NOWHERE\r\n" + stop.read_bytes()
    result = lint_paths(["nagoya/group1/start.bat"], LintConfig(), stdin=(str(stop), edited))
    assert "SO101" in {f.code for f in result.findings if f.path == str(stop)}
    assert len(result.files) == 2


def _clash_of_so2_and_so3() -> None:
    """tokyo/so3, a copy of so2: the same ALROOT (SO503), and so2's watch ID for another
    service (SO310)."""
    shutil.copytree("tokyo/so2", "tokyo/so3")
    start = Path("tokyo/so3/start.bat")
    start.write_bytes(start.read_bytes().replace(b'"StarOffice Server2"', b'"StarOffice Server3"'))


@pytest.mark.parametrize("named", ["tokyo/so1/start.bat", "tokyo/so1/stop.bat", "tokyo/so1/alenv1.bat"])
def test_any_file_named_of_a_cluster_brings_all_its_cross_file_findings(sites, named):
    """Which of them came with a file named alone depended on the rules that file takes
    part in: start.bat brought so3's SO310 but not its SO503, stop.bat neither."""
    _clash_of_so2_and_so3()
    whole = {f for f in findings(["tokyo"]) if f[3] in ("SO310", "SO503") and "/so1/" not in f[0]}
    assert {"SO310", "SO503"} <= {f[3] for f in whole}
    assert whole <= findings([named])


def test_standard_input_alone_is_compared_with_its_cluster(sites):
    """An editor lints its buffer through standard input under the file's name."""
    _clash_of_so2_and_so3()
    start = Path("tokyo/so3/start.bat")
    result = lint_paths([], LintConfig(), stdin=(str(start), start.read_bytes()))
    assert "SO310" in {f.code for f in result.findings if f.path == str(start)}


def test_a_partner_that_cannot_be_read_is_an_error(sites):
    """The comparison a file named alone asks for did not happen: said as for a folder."""
    stop = Path("nagoya/group1/stop.bat")
    stop.unlink()
    os.mkfifo(stop)
    result = lint_paths(["nagoya/group1/start.bat"], LintConfig())
    assert any("is a named pipe (FIFO)" in error for error in result.errors)


def test_a_file_named_inside_a_folder_named_is_linted_once(sites):
    result = lint_paths(["tokyo/so1", "./tokyo/so1/start.bat"], LintConfig())
    assert len(result.files) == len({os.path.abspath(f.path) for f in result.files}) == 3


def test_only_files_the_cross_file_rules_read_are_brought(tmp_path, monkeypatch):
    """A tool or a log beside the scripts is no file the rules compare: linting one script
    of a folder of large unrelated ones read them all (the benchmark's pathological files
    took the sum of the four)."""
    monkeypatch.chdir(tmp_path)
    for name in ("start.bat", "stop.bat", "alenv1.bat", "backup.bat", "tool.bat", "opcntrl.reg"):
        (tmp_path / name).write_bytes(b"rem\r\n")
    brought = partners(["start.bat"], ["start.bat"], True, LintConfig().patterns)
    assert sorted(os.path.basename(p) for p in brought) == ["alenv1.bat", "opcntrl.reg", "stop.bat"]


def test_a_folder_of_many_groups_is_no_cluster_to_bring(tmp_path, monkeypatch):
    """A repository of fixtures (a folder per rule, start and stop scripts in many of them)
    is no cluster: a case named alone was compared with all of them (SO606 from another
    case's patches), where a cluster has a few failover groups."""
    monkeypatch.chdir(tmp_path)
    for index in range(9):
        (tmp_path / "cases" / f"case{index}").mkdir(parents=True)
        (tmp_path / "cases" / f"case{index}" / "start.bat").write_bytes(b"rem\r\n")
    named = "cases/case0/start.bat"
    assert partners([named], [named], True, LintConfig().patterns) == {}
    (tmp_path / "cases" / "case0" / "stop.bat").write_bytes(b"rem\r\n")
    assert list(partners([named], [named], True, LintConfig().patterns)) == [str(tmp_path / "cases" / "case0" / "stop.bat")]


def _site(folder: Path, service: str, groups=("failover1",), layout="{group}") -> None:
    """A site of legacy groups whose start scripts watch DB as ``service`` (SO310 between sites)."""
    for group in groups:
        where = folder / layout.format(group=group)
        where.mkdir(parents=True)
        (where / "start.bat").write_bytes(
            b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\n'
            b'IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT\r\n'
            b'ARMLOAD DB /S /M "' + service.encode() + b'"\r\n:EXIT\r\n'
        )
        (where / "stop.bat").write_bytes(b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\nGOTO EXIT\r\n:NORMAL\r\nARMKILL DB\r\n:EXIT\r\n')


def test_a_manifest_sogen_did_not_write_marks_no_cluster(tmp_path, monkeypatch):
    """A review's case: a web app's manifest.json above a tree of sites made them one cluster
    (SO310 between two sites' own DB watches)."""
    monkeypatch.chdir(tmp_path)
    _site(tmp_path / "repo" / "siteC", "OracleServiceORCL", ("failover1", "failover2"))
    _site(tmp_path / "repo" / "siteE", "OracleServiceSALES", ("failover1", "failover2"))
    (tmp_path / "repo" / "manifest.json").write_text('{"name": "my docs", "files": {}}\n', encoding="utf-8")
    alone = findings(["repo/siteC"]) | findings(["repo/siteE"])
    assert findings(["repo"]) == alone and "SO310" not in {c for *_, c in alone}


def test_a_file_named_alone_under_a_deep_manifest_is_compared_with_its_cluster(tmp_path, monkeypatch):
    """A review's case: with sogen's manifest three folders above the named stop script, the
    cluster was searched two levels down, found nothing, and the named file was compared
    with nothing, not even the start script beside it (no SO305)."""
    site = tmp_path / "site"
    shutil.copytree(GENERATED_MULTI / "group1", site / "scripts" / "failover" / "grp1")
    shutil.copy(GENERATED_MULTI / "manifest.json", site / "manifest.json")
    stop = site / "scripts" / "failover" / "grp1" / "stop.bat"
    stop.write_bytes(b"".join(line for line in stop.read_bytes().splitlines(True) if b"ARMKILL" not in line))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # outside the working folder: only the manifest makes it a cluster
    assert "SO305" in {c for *_, c in findings([str(stop)])}


def test_a_clusterpro_x_configuration_is_one_cluster(tmp_path, monkeypatch):
    """CLUSTERPRO X keeps a group's scripts in scripts/<group>/<resource>/, beside clp.conf:
    each resource folder was taken for a cluster of its own, and a watch ID two groups
    use for different services (SO310) was missed."""
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "site"
    _site(config, "OracleServiceORCL", ("failover1",), "scripts/{group}/script")
    _site(config, "OracleServiceSALES", ("failover2",), "scripts/{group}/script")
    assert "SO310" not in {c for *_, c in findings(["site"])}
    (config / "clp.conf").write_text("<root/>\n", encoding="ascii")
    assert "SO310" in {c for *_, c in findings(["site"])}
    # Two configurations side by side stay apart.
    _site(tmp_path / "other", "OracleServiceTEST", ("failover1",), "scripts/{group}/script")
    (tmp_path / "other" / "clp.conf").write_text("<root/>\n", encoding="ascii")
    together = findings(["."])
    assert {(p.removeprefix("./"), *rest) for p, *rest in together} == findings(["site"]) | findings(["other"])


def test_scripts_of_a_clusterpro_x_configuration_are_x_scripts_when_they_test_nothing(tmp_path, monkeypatch):
    """NEC's UM8700 scripts test no event variable: beside clp.conf they were linted as ARM
    scripts, and the advice (test %ARMS_EVENT%, %ARMS_DISK%) named variables X never sets."""
    monkeypatch.chdir(tmp_path)
    resource = tmp_path / "x" / "scripts" / "failover" / "UM8700"
    resource.mkdir(parents=True)
    (resource / "start.bat").write_bytes(b'rem UM8700\r\narmload PERLE /S /A /R 3 "TruePortSrv"\r\nexit\r\n')
    (resource / "stop.bat").write_bytes(b"armkill PERLE\r\nexit\r\n")

    def advice() -> str:
        result = lint_paths(["x"], LintConfig())
        return " ".join(f.message for f in result.findings if f.code in ("SO203", "SO204"))

    assert "ARMS_EVENT" in advice()
    (tmp_path / "x" / "clp.conf").write_text("<root/>\n", encoding="ascii")
    said = advice()
    assert "CLP_EVENT" in said and "CLP_DISK" in said and "ARMS_" not in said
    # trace varies X's variables, and import writes an X topology.
    out = io.StringIO()
    run_trace(resource / "start.bat", matrix=True, out=out)
    assert out.getvalue().splitlines()[1].split()[:3] == ["CLP_EVENT", "CLP_SERVER", "CLP_DISK"]
    text = import_folders([str(resource)], "cluster.yaml").yaml_text
    assert YAML(typ="safe").load(text)["settings"]["dialect"] == "clp"


def test_a_clp_conf_marks_only_the_scripts_folder_beside_it(tmp_path, monkeypatch):
    """A review's cases: a clp.conf at a repository's root made an ARM site's scripts in
    legacy-nt/so1 X's (import wrote dialect: clp, and the regenerated scripts would take
    GOTO no_arm on every ARM start), and in a sogen output with its manifest below that root
    lint read ARM while trace read X."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clp.conf").write_text("<root/>\n", encoding="ascii")
    site = tmp_path / "legacy-nt" / "so1"
    site.mkdir(parents=True)
    (site / "start.bat").write_bytes(b'ARMLOAD StarOffice /S /M "StarOffice Server"\r\n')
    (site / "stop.bat").write_bytes(b"ARMKILL StarOffice\r\n")
    out = tmp_path / "out" / "g1"
    out.mkdir(parents=True)
    (tmp_path / "out" / "manifest.json").write_text("{}", encoding="ascii")
    (out / "start.bat").write_bytes((site / "start.bat").read_bytes())
    for folder in (site, out):
        said = " ".join(f.message for f in lint_paths([str(folder)], LintConfig()).findings if f.code == "SO203")
        assert "ARMS_EVENT" in said, folder
        text = io.StringIO()
        run_trace(folder / "start.bat", matrix=True, out=text)
        assert text.getvalue().splitlines()[1].split()[0] == "ARMS_EVENT", folder
    data = YAML(typ="safe").load(import_folders([str(site)], "cluster.yaml").yaml_text)
    assert "dialect" not in data.get("settings", {})
