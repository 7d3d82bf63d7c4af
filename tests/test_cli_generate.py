"""`sogen generate`, `validate`, `init`, `schema`, `products` as a user runs them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from sogen.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SINGLE = ROOT / "samples" / "single-standby.yaml"
MULTI = ROOT / "samples" / "multi-standby.yaml"


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generate_writes_every_artifact(tmp_path):
    out = tmp_path / "out"
    result = run("generate", SINGLE, "-o", out)
    assert result.exit_code == 0, result.output
    files = tree(out)
    assert {"RUNBOOK.md", "manifest.json", "sogroup/start.bat", "sogroup/stop.bat", "sogroup/alenv1.bat",
            "sogroup/backup.bat", "sogroup/somg.ini", "sogroup/registry/opcntrl.reg",
            "sogroup/registry/decommission-SV1.reg", "sogroup/registry/decommission-SV2.reg"} == set(files)
    assert "10 created" in result.stderr


def test_regenerating_changes_nothing(tmp_path):
    out = tmp_path / "out"
    run("generate", SINGLE, "-o", out)
    before = tree(out)
    result = run("generate", SINGLE, "-o", out)
    assert result.exit_code == 0 and "0 created, 0 updated, 10 unchanged" in result.stderr
    assert tree(out) == before


def test_edited_file_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "out"
    run("generate", SINGLE, "-o", out)
    edited = out / "sogroup" / "start.bat"
    edited.write_bytes(b"rem my local change\r\n")
    before = tree(out)
    result = run("generate", SINGLE, "-o", out)
    assert result.exit_code == 2
    assert "were not written by sogen or were edited since; nothing was written" in result.stderr
    assert str(edited) in result.stderr
    assert tree(out) == before
    result = run("generate", SINGLE, "-o", out, "--force")
    assert result.exit_code == 0
    assert edited.read_bytes().startswith(b"rem ****")


def test_foreign_file_in_the_way_is_kept(tmp_path):
    out = tmp_path / "out"
    (out / "sogroup").mkdir(parents=True)
    mine = out / "sogroup" / "stop.bat"
    mine.write_bytes(b"my own stop script\r\n")
    unrelated = out / "notes.txt"
    unrelated.write_text("keep me")
    result = run("generate", SINGLE, "-o", out)
    assert result.exit_code == 2
    assert mine.read_bytes() == b"my own stop script\r\n"
    assert not (out / "sogroup" / "start.bat").exists()
    assert run("generate", SINGLE, "-o", out, "--force").exit_code == 0
    assert unrelated.read_text() == "keep me"


def test_files_no_longer_generated_are_removed_only_if_untouched(tmp_path):
    out = tmp_path / "out"
    topology = tmp_path / "t.yaml"
    topology.write_text(SINGLE.read_text(encoding="utf-8"), encoding="utf-8")
    run("generate", topology, "-o", out)
    assert (out / "sogroup" / "somg.ini").exists()
    text = topology.read_text(encoding="utf-8")
    start = text.index("      - type: mailgateway-smtp")
    end = text.index("      - type: workflow")
    topology.write_text(text[:start] + text[end:], encoding="utf-8")
    result = run("generate", topology, "-o", out)
    assert result.exit_code == 0 and "1 removed" in result.stderr
    assert not (out / "sogroup" / "somg.ini").exists()


def test_a_look_alike_character_is_written_in_windows_form_everywhere(tmp_path):
    """U+301C WAVE DASH (typed on a Mac) is 0x8160 in code page 932, which Windows reads back as
    U+FF5E: the batch files, the UTF-16 registry patches and the runbook must name one folder."""
    text = MULTI.read_text(encoding="utf-8")
    text = text.replace("alroot: 'D:\\SO1'", "alroot: 'D:\\SO\u301c1'").replace("帳票シェル", "帳票\u301cシェル")
    topology = tmp_path / "wave.yaml"
    topology.write_text(text + "  reg_format: v5\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("generate", topology, "-o", out).exit_code == 0
    result = run("lint", out, "--topology", topology)
    assert result.exit_code == 0, result.output
    windows = "\uff5e"
    assert f"SET ALROOT=D:\\SO{windows}1".encode("cp932") in (out / "group1" / "alenv1.bat").read_bytes()
    patches = "".join(p.read_bytes().decode("utf-16") for p in (out / "group1" / "registry").glob("*.reg"))
    assert f"D:\\\\SO{windows}1" in patches
    shells = (out / "group2" / "registry" / "formserver.reg").read_bytes().decode("utf-16")
    assert f"帳票{windows}シェル" in shells
    runbook = (out / "RUNBOOK.md").read_text(encoding="utf-8")
    assert f"D:\\SO{windows}1" in runbook and f"帳票{windows}シェル" in runbook
    assert "\u301c" not in runbook + patches + shells


def test_a_topology_whose_file_name_is_no_utf8(tmp_path):
    """A code page 932 name from a Windows zip unpacked on Linux (クラスタ.yaml): Python holds
    its bytes as lone surrogates, which the manifest once failed to write (exit 3)."""
    import os

    name = os.fsdecode(b"\x83N\x83\x89\x83X\x83^.yaml")
    topology = tmp_path / name
    topology.write_bytes(SINGLE.read_bytes())
    out = tmp_path / "out"
    result = run("generate", topology, "-o", out)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_bytes())["topology"]["file"] == name
    assert run("generate", topology, "-o", out, "--check").exit_code == 0
    assert run("generate", SINGLE, "-o", out, "--check").exit_code == 0


def test_invalid_topology_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SINGLE.read_text(encoding="utf-8").replace("192.168.10.100", "192.168.10.11"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("generate", bad, "-o", out)
    assert result.exit_code == 2
    assert "groups[0].virtual_ip: 192.168.10.11 is the real IP of node SV1" in result.stderr
    assert "1 problem in" in result.stderr and "nothing was written" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no staging folder left behind


def test_check_and_diff(tmp_path):
    out = tmp_path / "out"
    result = run("generate", SINGLE, "-o", out, "--check")
    assert result.exit_code == 1
    assert "+++ b/sogroup/start.bat" in result.stdout
    assert not out.exists()
    run("generate", SINGLE, "-o", out)
    result = run("generate", SINGLE, "-o", out, "--check")
    assert result.exit_code == 0 and result.stdout == ""
    (out / "sogroup" / "somg.ini").write_bytes(b"[SendSMTP]\r\nSelfIPAddress=10.0.0.1\r\n")
    result = run("generate", SINGLE, "-o", out, "--diff")
    assert result.exit_code == 1
    assert "-SelfIPAddress=10.0.0.1" in result.stdout and "+SelfIPAddress=192.168.10.110" in result.stdout
    assert (out / "sogroup" / "somg.ini").read_bytes() == b"[SendSMTP]\r\nSelfIPAddress=10.0.0.1\r\n"
    assert run("generate", SINGLE, "-o", out, "--check").exit_code == 1


def test_diff_decodes_japanese_text(tmp_path):
    out = tmp_path / "out"
    result = run("generate", SINGLE, "-o", out, "--diff")
    assert "+ARMBCAST /MSG \"最高プライオリティサーバで起動中です\" /A" in result.stdout
    assert '+"CLUSTER"="YES"' in result.stdout


def test_output_path_is_a_file(tmp_path):
    out = tmp_path / "out"
    out.write_text("x")
    result = run("generate", SINGLE, "-o", out)
    assert result.exit_code == 2 and "exists and is not a folder" in result.stderr


def test_validate_reports_and_exits(tmp_path):
    result = run("validate", MULTI)
    assert result.exit_code == 0
    assert "valid multi-standby topology (2 nodes; groups: group1, group2)" in result.stdout
    result = run("validate", tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'missing.yaml'}:1:1: no such file"


@pytest.mark.parametrize("mode", ["single-standby", "multi-standby"])
def test_init_writes_a_valid_starter(tmp_path, mode):
    target = tmp_path / "cluster.yaml"
    assert run("init", "--mode", mode, "-o", target).exit_code == 0
    assert run("validate", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    result = run("init", "-o", target)
    assert result.exit_code == 2 and "exists; use --force" in result.stderr


@pytest.mark.parametrize("mode", ["single-standby", "multi-standby"])
def test_init_comments_the_starter_in_the_user_s_language_for_the_file_written(tmp_path, mode):
    """The starter is for the SE to fill in: a Japanese SE got English comments, and its
    header said `sogen validate cluster.yaml` whatever file -o named."""
    english, japanese = tmp_path / "site-a.yaml", tmp_path / "site-b.yaml"
    assert run("init", "--mode", mode, "-o", english).exit_code == 0
    assert run("--lang", "ja", "init", "--mode", mode, "-o", japanese).exit_code == 0
    text = japanese.read_text(encoding="utf-8")
    assert "#   sogen validate site-b.yaml\n#   sogen generate site-b.yaml -o out\n" in text
    assert "#   sogen validate site-a.yaml\n" in english.read_text(encoding="utf-8")
    assert f"# sogen のトポロジ ({mode})。値を記入してから次を実行します:\n" in text
    assert "policy: [SV1, SV2]        # 現用系ノード、待機系ノードの順\n" in text
    prose = [line.split("# ", 2)[-1] for line in text.splitlines() if "# " in line and "sogen " not in line]
    assert prose and not [p for p in prose if re.search(r"\b[a-z]{3,} [a-z]{3,} [a-z]{2,}\b", p)]
    assert run("validate", japanese).exit_code == 0
    yaml = YAML(typ="safe")
    assert yaml.load(japanese) == yaml.load(english)  # only the comments differ


def test_init_into_a_folder_says_it_is_one(tmp_path):
    """It said 'exists; use --force', and with --force 'Is a directory'."""
    for force in ((), ("--force",)):
        result = run("init", "-o", tmp_path, *force)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"{tmp_path}: is a folder; give the name of a file to write")
    assert list(tmp_path.iterdir()) == []


def test_init_asks_for_force_before_writing_through_a_link(tmp_path):
    """A file the user named is written through its link, as import and lint --fix do; an
    existing target is replaced only with --force."""
    target = tmp_path / "elsewhere" / "cluster.yaml"
    target.parent.mkdir()
    target.write_text("mine", encoding="utf-8")
    link = tmp_path / "cluster.yaml"
    link.symlink_to(target)
    assert "exists; use --force" in run("init", "-o", link).stderr
    assert target.read_text(encoding="utf-8") == "mine"
    assert run("init", "-o", link, "--force").exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_schema_is_committed_and_fresh():
    committed = (ROOT / "schemas" / "topology.schema.json").read_text(encoding="utf-8")
    assert run("schema").stdout == committed, "run: sogen schema > schemas/topology.schema.json"


def test_samples_validate_against_the_json_schema():
    import jsonschema
    from ruamel.yaml import YAML

    schema = json.loads((ROOT / "schemas" / "topology.schema.json").read_text(encoding="utf-8"))
    for sample in sorted((ROOT / "samples").glob("*.yaml")):
        text = sample.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../schemas/topology.schema.json")
        jsonschema.validate(YAML(typ="safe").load(text), schema)


def test_products_lists_the_catalogue():
    result = run("products")
    assert result.exit_code == 0
    assert 'instance 2:    watch ID StarOffice2; service "StarOffice Server2"' in result.stdout
    assert "sync HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice MailGateway" in result.stdout
    # What the guide allows where (2.1.1, 3.4.1, 1.2.3), as validation enforces it.
    mailgateway = result.stdout.split("mailgateway-smtp", 1)[1]
    assert mailgateway.splitlines()[1].strip() == "multi standby: no (single standby only)"
    workflow = result.stdout.split("workflow", 1)[1]
    assert workflow.splitlines()[1].strip() == "multi standby: no (group 1 only)"
    assert "virusbuster-scan  (VirusBuster server scan)  (not in a multi standby cluster" in result.stdout
    oracle = result.stdout.split("oracle  (", 1)[1]
    assert 'service "OracleService<oracle_sid>"' in oracle  # the topology's field, not a template's {sid}
    assert 'also starts:   service "OracleTNSListener"' in oracle  # reserved as its services are
    japanese = run("--lang", "ja", "products").stdout  # the titles the Japanese runbook shows
    assert "staroffice-server  (StarOffice サーバ、第 1 章)" in japanese and "(サーバリンク)" in japanese


def test_no_traceback_on_bad_input(tmp_path):
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\x00\xff\x00")
    for target in (binary, tmp_path):
        proc = subprocess.run(
            [sys.executable, "-m", "sogen", "generate", str(target), "-o", str(tmp_path / "o")],
            capture_output=True, text=True,
        )
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 2


def test_closed_pipe_ends_quietly():
    """`sogen lint ... | head -1` must not print a traceback when head exits."""
    legacy = Path(__file__).parent / "legacy"
    proc = subprocess.run(
        f"{sys.executable} -m sogen lint {legacy} | head -1", shell=True, capture_output=True, text=True
    )
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["generate", "samples/four-node.yaml", "-o", "/proc/sogen-test/out"],
        ["import", "tests/legacy/guide-32-sqlserver", "-o", "/proc/sogen-test.yaml"],
        ["migrate", "tests/legacy/guide-32-sqlserver", "-o", "/proc/sogen-test/out"],
        ["init", "-o", "/proc/sogen-test.yaml"],
    ],
    ids=["generate", "import", "migrate", "init"],
)
def test_unwritable_output_is_a_one_line_error(command):
    proc = subprocess.run([sys.executable, "-m", "sogen", *command], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].endswith("nothing was written")
