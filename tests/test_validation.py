"""Every validation rule, with its exact message and position.

Each case edits a valid topology; the expected position is found in the
edited text itself (the line and column of a marker string), never taken
from sogen's output.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from sogen.topology.load import TopologyError, load_topology

VALID_SINGLE = """\
cluster:
  name: c1
  mode: single-standby
  nodes:
    - name: SV1
      ip: 192.168.10.11
    - name: SV2
      ip: 192.168.10.12
groups:
  - name: g1
    policy: [SV1, SV2]
    virtual_host: vhost1
    virtual_ip: 192.168.10.100
    partitions: [D]
    alroot: 'D:\\SO'
    products:
      - type: staroffice-server
      - type: workflow
        database: sqlserver
"""

VALID_MULTI = """\
cluster:
  name: c2
  mode: multi-standby
  nodes:
    - name: SV1
      ip: 192.168.10.11
    - name: SV2
      ip: 192.168.10.12
groups:
  - name: g1
    policy: [SV1, SV2]
    virtual_host: vhost1
    virtual_ip: 192.168.10.101
    partitions: [D]
    alroot: 'D:\\SO1'
    products:
      - type: staroffice-server
  - name: g2
    policy: [SV2, SV1]
    virtual_host: vhost2
    virtual_ip: 192.168.10.102
    partitions: [E]
    alroot: 'E:\\SO2'
    products:
      - type: staroffice-server
"""


def position(text: str, marker: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the ``occurrence``-th ``marker`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(marker, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


def expect(tmp_path, text, marker, field, message, occurrence=1):
    line, column = position(text, marker, occurrence)
    assert f"{line}:{column}: {field}: {message}" in problems_of(tmp_path, text)


def edit(base: str, old: str, new: str) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


def test_valid_files_load(tmp_path):
    for text in (VALID_SINGLE, VALID_MULTI):
        path = tmp_path / "ok.yaml"
        path.write_text(text, encoding="utf-8")
        load_topology(path)


def test_a_product_listed_twice_is_a_problem_not_a_crash(tmp_path):
    # Both depend on StarOffice: ordering the group's products met the second copy (exit 3).
    workflow = VALID_SINGLE + "      - type: workflow\n        database: sqlserver\n"
    expect(tmp_path, workflow, "type: workflow", "groups[0].products[2]", "'workflow' is listed twice in group 'g1'", 2)
    mail = "      - type: mailgateway-smtp\n        mta: mailhub\n"
    twice = VALID_SINGLE + mail + mail
    expect(tmp_path, twice, "type: mailgateway", "groups[0].products[3]", "'mailgateway-smtp' is listed twice in group 'g1'", 2)


def test_mode_needs_matching_number_of_groups(tmp_path):
    text = edit(VALID_MULTI, "mode: multi-standby", "mode: single-standby")
    expect(tmp_path, text, "- name: g1", "groups", "a single-standby cluster has exactly 1 failover group, this file has 2")
    text = edit(VALID_SINGLE, "mode: single-standby", "mode: multi-standby")
    expect(tmp_path, text, "- name: g1", "groups", "a multi-standby cluster has exactly 2 failover groups, this file has 1")


def test_unknown_mode_lists_the_allowed_ones(tmp_path):
    text = edit(VALID_SINGLE, "mode: single-standby", "mode: single")
    expect(tmp_path, text, "single\n", "cluster.mode", "'single' is not allowed; allowed: 'single-standby' or 'multi-standby'")


def test_two_to_four_nodes(tmp_path):
    text = edit(VALID_SINGLE, "    - name: SV2\n      ip: 192.168.10.12\n", "")
    text = edit(text, "policy: [SV1, SV2]", "policy: [SV1, SV1]")
    expect(tmp_path, text, "- name: SV1", "cluster.nodes", "List should have at least 2 items after validation, not 1")
    extra = "".join(f"    - name: SV{n}\n      ip: 192.168.10.{10 + n}\n" for n in range(3, 6))
    text = edit(VALID_SINGLE, "groups:", extra + "groups:")
    expect(tmp_path, text, "- name: SV1", "cluster.nodes", "List should have at most 4 items after validation, not 5")


def test_node_names_and_ips_are_unique(tmp_path):
    text = edit(VALID_SINGLE, "name: SV2\n      ip: 192.168.10.12", "name: sv1\n      ip: 192.168.10.11")
    problems = problems_of(tmp_path, text)
    line, col = position(text, "sv1")
    assert f"{line}:{col}: cluster.nodes[1].name: name 'sv1' is already used by nodes[0]" in problems
    line, col = position(text, "192.168.10.11", 2)
    assert f"{line}:{col}: cluster.nodes[1].ip: IP address '192.168.10.11' is already used by nodes[0]" in problems


def test_policy_names_must_exist_once(tmp_path):
    text = edit(VALID_SINGLE, "policy: [SV1, SV2]", "policy: [SV1, SV9, SV1]")
    problems = problems_of(tmp_path, text)
    line, col = position(text, "SV9")
    assert f"{line}:{col}: groups[0].policy[1]: node 'SV9' is not in cluster.nodes (nodes: SV1, SV2)" in problems
    line, col = position(text, "SV1]")
    assert f"{line}:{col}: groups[0].policy[2]: node 'SV1' appears twice in the failover policy" in problems


FOUR_NODES = "".join(f"    - name: SV{n}\n      ip: 192.168.10.{10 + n}\n" for n in (3, 4))


# 1.1.1: "クラスタ内の2ノードのみに1つのフェイルオーバポリシを設定し"; figure 1: "SV3,SV4は使用しません".
def test_policy_names_exactly_two_of_up_to_four_nodes(tmp_path):
    four = edit(VALID_SINGLE, "groups:", FOUR_NODES + "groups:")
    path = tmp_path / "two-of-four.yaml"
    path.write_text(edit(four, "policy: [SV1, SV2]", "policy: [SV3, SV4]"), encoding="utf-8")
    assert load_topology(path).groups[0].policy == ["SV3", "SV4"]
    for policy, count in (("[SV1, SV2, SV3]", "3 nodes"), ("[SV1, SV2, SV3, SV4]", "4 nodes"), ("[SV1]", "1 node")):
        expect(
            tmp_path, edit(four, "policy: [SV1, SV2]", f"policy: {policy}"), policy, "groups[0].policy",
            f"names {count}; a StarOffice failover policy names exactly two of the cluster's nodes, "
            "the active node then its standby, e.g. [SV1, SV2] (guide 1.1.1)",
        )


MULTI_POLICY = (
    "is [{got}]; in multi standby both groups run on the same two nodes, each node active for one group and "
    "standby for the other, so group 2's policy is group 1's reversed: [SV2, SV1] (guide 1.1.1, 1.2.2)"
)


# 1.1.1: "マルチスタンバイ型は、クラスタ内の2ノードのみに2つのフェイルオーバポリシを設定し、各ノードで
# サービスを提供しながら、それぞれが、もう一方の待機系となります"; 1.2.2 builds group 2 on the same two servers.
@pytest.mark.parametrize(
    "policy", ["[SV1, SV2]", "[SV3, SV4]", "[SV2, SV3]", "[SV3, SV1]"], ids=["same", "disjoint", "overlap", "overlap-active"]
)
def test_multi_standby_groups_are_the_same_two_nodes_reversed(tmp_path, policy):
    text = edit(VALID_MULTI, "groups:", FOUR_NODES + "groups:")
    text = edit(text, "policy: [SV2, SV1]", f"policy: {policy}")
    expect(tmp_path, text, f"{policy}\n    virtual_host: vhost2", "groups[1].policy", MULTI_POLICY.format(got=policy[1:-1]))


def test_virtual_ip_differs_from_node_ips_and_other_groups(tmp_path):
    text = edit(VALID_SINGLE, "virtual_ip: 192.168.10.100", "virtual_ip: 192.168.10.12")
    expect(
        tmp_path, text, "192.168.10.12", "groups[0].virtual_ip",
        "192.168.10.12 is the real IP of node SV2; a virtual IP must be an unused address", occurrence=2,
    )
    text = edit(VALID_MULTI, "virtual_ip: 192.168.10.102", "virtual_ip: 192.168.10.101")
    expect(
        tmp_path, text, "192.168.10.101", "groups[1].virtual_ip",
        "192.168.10.101 is already the virtual IP of group 'g1'", occurrence=2,
    )


def test_virtual_host_differs_from_real_names_and_other_groups(tmp_path):
    text = edit(VALID_SINGLE, "virtual_host: vhost1", "virtual_host: sv2")
    expect(
        tmp_path, text, "sv2", "groups[0].virtual_host",
        "'sv2' is the name of node SV2; the virtual host name must differ from every real computer name",
    )
    text = edit(VALID_MULTI, "virtual_host: vhost2", "virtual_host: VHOST1")
    expect(tmp_path, text, "VHOST1", "groups[1].virtual_host", "'VHOST1' is already the virtual host name of group 'g1'")


def test_real_host_name_counts_as_a_computer_name(tmp_path):
    text = edit(VALID_SINGLE, "ip: 192.168.10.12\n", "ip: 192.168.10.12\n      hostname: realtwo\n")
    text = edit(text, "virtual_host: vhost1", "virtual_host: realtwo")
    expect(
        tmp_path, text, "realtwo", "groups[0].virtual_host",
        "'realtwo' is the name of node SV2; the virtual host name must differ from every real computer name",
        occurrence=2,
    )


def test_install_root_on_a_switched_partition(tmp_path):
    text = edit(VALID_SINGLE, "alroot: 'D:\\SO'", "alroot: 'C:\\SO'")
    expect(
        tmp_path, text, "'C:\\SO'", "groups[0].alroot",
        "install root C:\\SO is not on a switched partition of group 'g1' (D:); it would not move on failover",
    )


def test_install_root_is_required_with_staroffice(tmp_path):
    text = edit(VALID_SINGLE, "    alroot: 'D:\\SO'\n", "")
    expect(
        tmp_path, text, "name: g1", "groups[0].alroot",
        "is required when the group runs staroffice-server (the install root on a switched partition, e.g. D:\\SO)",
    )


@pytest.mark.parametrize("root", ["D:\\Star Office", "D:\\S;O", "D:\\SO,1", "D:\\SO=1"])
def test_install_root_without_a_word_break(tmp_path, root):
    # alenv1.bat: SET PATH=%PATH%;%ALROOT%\BIN; a ';' in it put D:\S and O\BIN in PATH.
    text = edit(VALID_SINGLE, "alroot: 'D:\\SO'", f"alroot: '{root}'")
    problems = problems_of(tmp_path, text)
    assert any(f"groups[0].alroot: '{root}' is not allowed: an absolute Windows path" in p and "without spaces" in p for p in problems)


def test_partition_in_one_group_only(tmp_path):
    text = edit(VALID_MULTI, "partitions: [E]", "partitions: [d]")
    text = edit(text, "alroot: 'E:\\SO2'", "alroot: 'D:\\SO2'")
    expect(
        tmp_path, text, "d]", "groups[1].partitions[0]",
        "drive D: is already a switched partition of group 'g1'; a partition moves with one group only",
    )


def test_invalid_ipv4(tmp_path):
    for bad, why in (
        ("192.168.10.300", "'192.168.10.300' is not a valid IPv4 address (four numbers 0-255, e.g. 192.168.10.11)"),
        ("127.0.0.1", "127.0.0.1 cannot be a server address (unspecified, loopback, multicast or broadcast)"),
        *(
            (address, f"{address} cannot be a server address (0.0.0.0/8, 169.254.0.0/16 link-local or 240.0.0.0/4 reserved)")
            for address in ("0.1.2.3", "169.254.1.1", "240.0.0.1", "250.1.1.1")
        ),
    ):
        text = edit(VALID_SINGLE, "ip: 192.168.10.12", f"ip: {bad}")
        expect(tmp_path, text, bad, "cluster.nodes[1].ip", why)


@pytest.mark.parametrize("name", ["-sv", "sv_1", "ABCDEFGHIJKLMNOP", "1234", "sv.1"])
def test_invalid_host_names(tmp_path, name):
    text = edit(VALID_SINGLE, "virtual_host: vhost1", f"virtual_host: '{name}'")
    expect(
        tmp_path, text, f"'{name}'", "groups[0].virtual_host",
        f"'{name}' is not allowed: a host name has 1-15 letters, digits and hyphens (a NetBIOS name), "
        "not starting or ending with a hyphen and not only digits",
    )


def test_watch_ids_unique_and_not_reserved(tmp_path):
    custom = "      - type: custom\n        name: extra\n        watch_id: {wid}\n        service: Extra Service\n"
    text = VALID_SINGLE + custom.format(wid="StarOffice")
    expect(
        tmp_path, text, "type: custom", "groups[0].products[2]",
        "watch ID 'StarOffice' is already used by staroffice-server in group 'g1'",
    )
    text = VALID_SINGLE + custom.format(wid="NEC_Watch")
    expect(
        tmp_path, text, "NEC_Watch", "groups[0].products[2].watch_id",
        "'NEC_Watch' starts with NEC_, which CLUSTERPRO reserves for its own watch IDs",
    )
    text = VALID_SINGLE + custom.format(wid="bad-id")
    expect(
        tmp_path, text, "bad-id", "groups[0].products[2].watch_id",
        "'bad-id' is not allowed: a watch ID has 1-255 letters, digits and '_'",
    )
    text = VALID_SINGLE + custom.format(wid="W" * 256)
    expect(
        tmp_path, text, "W" * 256, "groups[0].products[2].watch_id",
        f"'{'W' * 256}' is not allowed: a watch ID has 1-255 letters, digits and '_'",
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("sql_dir", "C:\\Oracle Home", "with Oracle it is written after command=@, where it cannot be quoted"),
        ("oracle_pfile", "D:\\ORA DATA\\INITORCL.ORA", "(startup PFILE=, @), which ends at the first blank"),
        ("oracle_admin_dir", "C:\\ORANT\\RDBMS 80\\ADMIN", "(startup PFILE=, @), which ends at the first blank"),
    ],
)
def test_oracle_paths_without_blanks(tmp_path, field, value, message):
    """createsystbl.sql and the scripts name these paths where Server Manager reads one word."""
    text = edit(VALID_SINGLE, "database: sqlserver", f"database: oracle\n        {field}: '{value}'")
    problems = problems_of(tmp_path, text)
    line, _col = position(text, value)
    assert any(p.startswith(f"{line}:") and f"groups[0].products[1].{field}: " in p and message in p for p in problems), problems
    assert any(f"'{value}' has a space" in p for p in problems), problems  # as written, not with doubled backslashes


def test_server_manager_by_name_or_by_a_path_without_blanks(tmp_path):
    # A legacy script's D:\orant\bin\svrmgr30 had to become a bare name, run from PATH.
    def oracle(svrmgr: str) -> str:
        return edit(VALID_SINGLE, "database: sqlserver", f"database: oracle\n        svrmgr: '{svrmgr}'")

    for accepted in ("svrmgr30", "D:\\orant\\bin\\svrmgr30"):
        path = tmp_path / "ok.yaml"
        path.write_text(oracle(accepted), encoding="utf-8")
        assert load_topology(path).groups[0].products[1].svrmgr == accepted
    for refused in ("D:\\Oracle Home\\svrmgr30", "bin\\svrmgr30", "D:\\orant;x\\svrmgr30"):
        problems = problems_of(tmp_path, oracle(refused))
        assert any("groups[0].products[1].svrmgr: " in p and "or an absolute path without spaces" in p for p in problems)


@pytest.mark.parametrize("field", ["messages:\n    disk_error", "backup_command"])
def test_a_text_as_long_as_a_generated_line_can_hold(tmp_path, field):
    """8,200 characters passed validate; cmd cut the ARMBCAST line (closing quote and /A lost)."""
    from sogen.batch.parser import MAX_LINE
    from sogen.generator.artifacts import generate
    from sogen.topology.load import topology_hash

    longest = "x" * (MAX_LINE - 64)
    text = VALID_SINGLE + f"settings:\n  {field}: {longest}\n"
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    topology = load_topology(path)
    files = generate(topology, topology_hash(topology.model_dump(mode="json")), "t.yaml")
    written = [line for name, data in files.items() if name.endswith(".bat") for line in data.split(b"\r\n")]
    assert any(longest.encode() in line for line in written)
    assert max(map(len, written)) <= MAX_LINE
    line, column = position(text, longest)
    name = "messages.disk_error" if field.startswith("messages") else field
    assert problems_of(tmp_path, text.replace(longest, longest + "x")) == [
        f"{line}:{column}: settings.{name}: is {len(longest) + 1} characters long; at most {len(longest)} are "
        f"allowed: cmd reads {MAX_LINE} characters of a line"
    ]


def with_mailgateway(mta: str) -> str:
    return edit(VALID_SINGLE, "    partitions: [D]", "    floating_ip: 192.168.10.110\n    partitions: [D]") + (
        f"      - type: mailgateway-smtp\n        mta: {mta}\n"
    )


@pytest.mark.parametrize("mta", ["mail.example.co.jp", "smtp-01.corp.example.com", "mailhub", "192.168.20.25"])
def test_the_mta_is_a_dns_name_or_an_address(tmp_path, mta):
    """Guide 2.2.2.2 wants an MTA on another machine, usually named in DNS; a 15-character
    NetBIOS name was all validate took."""
    path = tmp_path / "t.yaml"
    path.write_text(with_mailgateway(mta), encoding="utf-8")
    assert load_topology(path).groups[0].products[2].mta == mta


@pytest.mark.parametrize("mta", ["-mail.example.com", "mail..example.com", "mail_hub.example.com", "a" * 64 + ".com"])
def test_an_mta_that_is_no_host_name(tmp_path, mta):
    text = with_mailgateway(mta)
    expect(
        tmp_path, text, mta, "groups[0].products[2].mta",
        f"'{mta}' is not allowed: a host name is labels of 1-63 letters, digits and hyphens, joined by dots "
        "(e.g. mail.example.co.jp), or an IPv4 address",
    )


@pytest.mark.parametrize(
    "mta, what",
    [
        ("192.168.10.110", "the floating IP of group g1"),
        ("VHOST1", "the virtual host name of group g1"),
        ("192.168.10.100", "the virtual IP of group g1"),
        ("sv2", "node SV2"),
        ("192.168.10.11", "node SV1"),
    ],
)
def test_the_mta_is_another_machine_than_the_clusters(tmp_path, mta, what):
    text = with_mailgateway(mta)
    expect(
        tmp_path, text, mta, "groups[0].products[2].mta",
        f"'{mta}' is {what}: MailGateway-SMTP sends to an MTA on another machine (guide 2.2.2.2)",
        occurrence=text.count(mta),  # the MTA's, the last
    )


@pytest.mark.parametrize(
    "first, second, field, message",
    [
        ("hostname: SV2", "", "cluster.nodes[1].name", "'SV2' is already the host name of nodes[0]"),
        ("hostname: srv", "hostname: SRV", "cluster.nodes[1].hostname", "'SRV' is already the host name of nodes[0]"),
        ("", "hostname: sv1", "cluster.nodes[1].hostname", "'sv1' is already the name of nodes[0]"),
        ("hostname: SV1", "hostname: sv2-real", None, None),  # a node's own name again: no other computer
    ],
)
def test_real_host_names_are_one_computer_each(tmp_path, first, second, field, message):
    """1.7 note 4 sets MASTERHOST back to each node's real host name: two nodes cannot share one."""
    text = VALID_SINGLE.replace("      ip: 192.168.10.11\n", "      ip: 192.168.10.11\n" + (f"      {first}\n" if first else ""))
    text = text.replace("      ip: 192.168.10.12\n", "      ip: 192.168.10.12\n" + (f"      {second}\n" if second else ""))
    if field is None:
        path = tmp_path / "t.yaml"
        path.write_text(text, encoding="utf-8")
        load_topology(path)
        return
    # At the value: node 2's name, or its host name line's value.
    prefix = "- name: " if field.endswith(".name") else "hostname: "
    line, column = position(text, "- name: SV2" if prefix == "- name: " else second)
    assert f"{line}:{column + len(prefix)}: {field}: {message}" in problems_of(tmp_path, text)


@pytest.mark.parametrize(
    "key, message",
    [
        (
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC",
            "synced registry key HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC holds HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice "
            "Server, which staroffice-server in group 'g1' syncs",
        ),
        (
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Extra",
            "synced registry key HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server\\Extra lies inside "
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice Server, which staroffice-server in group 'g1' syncs",
        ),
    ],
)
def test_a_synced_key_neither_holds_nor_lies_inside_another_groups(tmp_path, key, message):
    """Equal keys were refused, a parent or child of group 1's accepted: after a failover
    one group's copy of the tree writes over the other's live keys."""
    custom = f"      - type: custom\n        name: extra\n        watch_id: Extra\n        service: Extra\n        registry_sync: ['{key}']\n"
    text = VALID_MULTI + custom
    problems = problems_of(tmp_path, text)
    line, column = position(text, "- type: custom")
    assert [p for p in problems if message in p] == [
        f"{line}:{column + 2}: groups[1].products[1]: {message}: after a failover one node runs both groups, and one "
        "group's copy of the tree would write over the other's keys"
    ]


@pytest.mark.parametrize(
    "alroot, message",
    [
        ("D:\\CON", "'CON' is not allowed: CON is a Windows device name"),
        ("D:\\SO\\nul.txt", "'nul.txt' is not allowed: NUL is a Windows device name"),
        ("D:\\SO.", "'SO.' is not allowed: Windows drops a trailing dot or space from a file or folder name"),
        ("D:\\x\\..\\SO", "'..' is not allowed: Windows drops a trailing dot or space from a file or folder name"),
        ("D:\\" + "S" * 246, "is 249 characters long; Windows NT creates folders of at most 248"),
    ],
)
def test_path_folders_windows_can_create(tmp_path, alroot, message):
    """Device names, trailing dots and 600-character install roots passed validate."""
    text = edit(VALID_SINGLE, "alroot: 'D:\\SO'", f"alroot: '{alroot}'")
    line, column = position(text, alroot)
    assert any(p.startswith(f"{line}:{column - 1}: groups[0].alroot: {message}") for p in problems_of(tmp_path, text))


def test_the_longest_install_root_is_taken(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(edit(VALID_SINGLE, "alroot: 'D:\\SO'", "alroot: 'D:\\" + "S" * 245 + "'"), encoding="utf-8")
    assert len(load_topology(path).groups[0].alroot) == 248


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("settings:", "settings:\n  version_key: 'Current Version '", "settings.version_key"),
        ("settings:", "settings:\n  version_key: ' Current Version'", "settings.version_key"),
        ("        database: sqlserver\n", "        database: sqlserver\n      - type: custom\n        name: x\n"
         "        watch_id: X1\n        service: 'X Service '\n", "groups[0].products[2].service"),
    ],
)
def test_names_with_a_blank_at_an_end(tmp_path, old, new, field):
    """A trailing blank made another registry key or service than the one shown: lint then
    reported every generated patch (SO603)."""
    text = edit(VALID_SINGLE + "settings:\n  db_settle_seconds: 30\n", old, new)
    assert any(
        f"{field}: " in p and "it begins or ends with a blank, which makes another name than the one shown" in p
        for p in problems_of(tmp_path, text)
    )


def test_mvm_and_wfocom_at_one_procinfo_index(tmp_path):
    """procinfo.reg wrote both EXECLINEs to PROCINFO[3]: server 2 never ran sowfmvm -smvm2."""
    text = edit(MULTI_WORKFLOW, "procinfo: {mvm: 3, wfocom: 4}", "procinfo: {mvm: 3, wfocom: 3}")
    expect(
        tmp_path, text, "3}", "groups[0].products[1].procinfo.wfocom",
        "is PROCINFO[3], as mvm is: the mail movement process and wfocom are two entries (guide 3.4.1), "
        "give each its own index",
    )


def test_every_watch_id_the_topology_takes_passes_the_lint_rule():
    """The topology and SO309 read one definition (arm_commands.toml): a custom watch ID with
    an underscore was generated and then failed `sogen lint` on the generated folder."""
    from sogen.batch.arm import load_arm_commands
    from sogen.topology.model import CustomProduct

    rules = load_arm_commands().watch_id
    for watch_id in ("Star_Office", "A" * 255, "x1", "NECX"):
        CustomProduct(type="custom", name="extra", watch_id=watch_id, service="Extra")
        assert rules.problem(watch_id) is None
    for watch_id in ("NEC_Watch", "nec_x", "A" * 256, "Star-Office", "ｓｏ"):
        with pytest.raises(ValueError):
            CustomProduct(type="custom", name="extra", watch_id=watch_id, service="Extra")
        assert rules.problem(watch_id) is not None


def test_a_custom_product_cannot_watch_a_service_another_product_starts(tmp_path):
    """The Oracle database net-starts its listener too; ARMLOADing it as a custom product
    started it twice and stopped it before WorkFlow."""
    text = edit(VALID_SINGLE, "database: sqlserver", "database: oracle") + (
        "      - type: custom\n        name: listener\n        watch_id: Listener\n        service: OracleTNSListener\n"
    )
    expect(
        tmp_path, text, "type: custom", "groups[0].products[2]",
        "service 'OracleTNSListener' is already used by oracle in group 'g1'",
    )


def test_a_custom_product_depends_on_the_database_only_where_there_is_one(tmp_path):
    custom = "      - type: custom\n        name: x\n        watch_id: X1\n        service: X\n        depends_on: [database]\n"
    path = tmp_path / "ok.yaml"
    path.write_text(VALID_SINGLE + custom, encoding="utf-8")
    planned = load_topology(path)  # WorkFlow's database is in the group
    assert planned.groups[0].products[2].depends_on == ["database"]
    without = edit(VALID_SINGLE, "      - type: workflow\n        database: sqlserver\n", "") + custom
    expect(
        tmp_path, without, "database]", "groups[0].products[1].depends_on[0]",
        "'database' does not run in this group (products here: staroffice-server, x)",
    )


def test_server_2_needs_server_1(tmp_path):
    """Guide 1.2.2 sets server 2 up after server 1: a cluster whose only StarOffice was in
    group 2 got StarOffice Server2, /Palw2 and alenv2.bat alone."""
    text = edit(VALID_MULTI, "      - type: staroffice-server\n  - name: g2", "      - type: custom\n        name: x\n"
                "        watch_id: X1\n        service: X\n  - name: g2")
    expect(
        tmp_path, text, "type: staroffice-server", "groups[1].products[0]",
        "is StarOffice server 2, which the guide sets up after server 1 (1.2.2): add a staroffice-server product "
        "to group 1, or put this group first",
    )


def test_watch_ids_unique_across_groups(tmp_path):
    custom = "      - type: custom\n        name: extra\n        watch_id: StarOffice\n        service: Extra\n"
    text = VALID_MULTI + custom
    expect(
        tmp_path, text, "type: custom", "groups[1].products[1]",
        "watch ID 'StarOffice' is already used by staroffice-server in group 'g1'",
    )


def test_products_that_need_staroffice(tmp_path):
    text = edit(VALID_SINGLE, "      - type: staroffice-server\n", "")
    expect(
        tmp_path, text, "type: workflow", "groups[0].products[0]",
        "workflow runs in the StarOffice server's group: add a staroffice-server product to group 'g1'",
    )


def test_single_standby_products_only_in_group_1_of_multi_standby(tmp_path):
    # 3.4.1: "WF サーバは現状対応していません" -- it runs as a single standby service in group 1.
    text = VALID_MULTI + "      - type: workflow\n        database: sqlserver\n"
    expect(
        tmp_path, text, "workflow", "groups[1].products[1].type",
        "workflow does not support multi standby: in a multi standby cluster it runs in group 1 only",
    )


MAILGATEWAY = "      - type: mailgateway-smtp\n        mta: mailhub\n"
SINGLE_STANDBY_ONLY = (
    "mailgateway-smtp runs in a single standby cluster only (guide 2.1.1: シングルスタンバイ運用), "
    "in neither group of a multi standby cluster"
)


# 2.1.1 lists "シングルスタンバイ運用" among MailGateway-SMTP's conditions.
def test_mailgateway_not_in_a_multi_standby_cluster(tmp_path):
    with_floating_ip = edit(VALID_MULTI, "virtual_ip: 192.168.10.101\n", "virtual_ip: 192.168.10.101\n    floating_ip: 192.168.10.111\n")
    text = edit(with_floating_ip, "staroffice-server\n  - name: g2", "staroffice-server\n" + MAILGATEWAY + "  - name: g2")
    expect(tmp_path, text, "mailgateway-smtp", "groups[0].products[1].type", SINGLE_STANDBY_ONLY)
    text = edit(VALID_MULTI, "virtual_ip: 192.168.10.102\n", "virtual_ip: 192.168.10.102\n    floating_ip: 192.168.10.112\n")
    expect(tmp_path, text + MAILGATEWAY, "mailgateway-smtp", "groups[1].products[1].type", SINGLE_STANDBY_ONLY)


# 1.2.3: "ウィルスバスターサーバスキャン、GroupShieldサーバスキャンは、マルチスタンバイ型には対応しておりません".
@pytest.mark.parametrize("addon", ["virusbuster-scan", "groupshield-scan"])
@pytest.mark.parametrize("group", [0, 1])
def test_virus_scans_not_in_a_multi_standby_cluster(tmp_path, addon, group):
    marker = ["staroffice-server\n  - name: g2", "staroffice-server\n#\n"][group]
    text = edit(VALID_MULTI + "#\n", marker, marker.replace("\n", f"\n        addons: [{addon}]\n", 1))
    expect(
        tmp_path, text, addon, f"groups[{group}].products[0].addons[0]",
        f"{addon} does not support multi standby (guide 1.2.3): it is allowed in a single standby cluster only, "
        "on neither StarOffice server of a multi standby cluster",
    )
    single = edit(VALID_SINGLE, "staroffice-server\n", f"staroffice-server\n        addons: [{addon}]\n")
    path = tmp_path / "single.yaml"
    path.write_text(single, encoding="utf-8")
    assert load_topology(path).groups[0].products[0].addons == [addon]


def test_unknown_keys_get_a_hint(tmp_path):
    text = edit(VALID_SINGLE, "virtual_ip:", "virtual_iq:")
    problems = problems_of(tmp_path, text)
    line, col = position(text, "virtual_iq")
    assert any(p.startswith(f"{line}:{col}: groups[0].virtual_iq: unknown key 'virtual_iq'; did you mean 'virtual_ip'?") for p in problems)
    text = edit(VALID_SINGLE, "database: sqlserver", "database: sqlserver\n        oracle_sdi: X")
    problems = problems_of(tmp_path, text)
    line, col = position(text, "oracle_sdi")
    assert any(p.startswith(f"{line}:{col}: groups[0].products[1].oracle_sdi: unknown key 'oracle_sdi'; did you mean 'oracle_sid'?") for p in problems)


def test_keys_that_read_as_null_or_booleans_are_named_as_written(tmp_path):
    # `~:` was reported as the key 'None', `yes:` as 'True'.
    for written in ("~", "null", "true", "1"):
        text = edit(VALID_SINGLE, "virtual_ip:", f"{written}: x\n    virtual_ip:")
        line, col = position(text, f"{written}: x")
        assert [p for p in problems_of(tmp_path, text) if "unknown key" in p] == [
            f"{line}:{col}: groups[0].{written}: unknown key '{written}' (allowed: name, policy, virtual_host, "
            "virtual_ip, floating_ip, partitions, alroot, products)"
        ]


def test_a_value_repeated_by_an_alias_is_placed_at_the_alias(tmp_path):
    # The problem stood at the anchor, the first node's ip, far from virtual_host.
    text = edit(VALID_SINGLE, "ip: 192.168.10.11", "ip: &sv1 192.168.10.11")
    text = edit(text, "virtual_host: vhost1", "virtual_host: *sv1")
    line, col = position(text, "*sv1")
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith(f"{line}:{col}: groups[0].virtual_host: '192.168.10.11' is not allowed")


def test_unknown_product_type_gets_a_hint(tmp_path):
    text = edit(VALID_SINGLE, "type: workflow", "type: workflw")
    expect(
        tmp_path, text, "workflw", "groups[0].products[1].type",
        "unknown product type 'workflw'; did you mean 'workflow'? "
        "(allowed: custom, formserver, mailgateway-smtp, staroffice-server, workflow)",
    )


@pytest.mark.parametrize("char", list('&|<>^%!"'))
def test_characters_that_change_a_batch_line_are_named(tmp_path, char):
    value = f"Start{char}ing"
    quoted = "'" + value + "'"
    text = VALID_SINGLE + f"settings:\n  messages:\n    start_home: {quoted}\n"
    expect(
        tmp_path, text, quoted, "settings.messages.start_home",
        f"contains {char!r}, which would change the meaning of the batch or registry line it is written to "
        "(not allowed: & | < > ^ % ! \" and control characters)",
    )


def test_every_forbidden_character_of_a_value_is_named_at_once(tmp_path):
    # Only the first was named: a text with three of them took three runs to correct.
    text = VALID_SINGLE + "settings:\n  messages:\n    no_arm: '注意! ARM 停止 | 管理者へ連絡 (100%)'\n"
    expect(
        tmp_path, text, "'注意", "settings.messages.no_arm",
        "contains '!', '|', '%', which would change the meaning of the batch or registry line it is written to "
        "(not allowed: & | < > ^ % ! \" and control characters)",
    )


def test_line_breaks_and_control_characters_are_named(tmp_path):
    text = VALID_SINGLE + 'settings:\n  messages:\n    start_home: "one\\ntwo"\n'
    expect(
        tmp_path, text, '"one', "settings.messages.start_home",
        "contains a line break, which would split or corrupt the line it is written to "
        "(not allowed: & | < > ^ % ! \" and control characters)",
    )
    text = VALID_SINGLE + 'settings:\n  backup_command: "run\\x07"\n'
    expect(
        tmp_path, text, '"run', "settings.backup_command",
        "contains control character U+0007, which would split or corrupt the line it is written to "
        "(not allowed: & | < > ^ % ! \" and control characters)",
    )


# 1.5.1: backup.bat stops StarOffice, runs the backup, starts StarOffice and resumes the watch.
def test_the_backup_command_is_one_command_that_comes_back(tmp_path):
    def backup(command: str) -> str:
        return VALID_SINGLE + f"settings:\n  backup_command: '{command}'\n"

    for accepted in ("call C:\\scripts\\so-backup.bat", "robocopy D:\\SO E:\\BACKUP /MIR", "cmd /c C:\\bk.cmd"):
        path = tmp_path / "ok.yaml"
        path.write_text(backup(accepted), encoding="utf-8")
        load_topology(path)
    # A block never closed: Windows' cmd stops backup.bat there, StarOffice stays stopped.
    expect(
        tmp_path, backup("(call C:\\scripts\\so-backup.bat"), "'(call", "settings.backup_command",
        "is not a line cmd can run: '(' opens a block that is never closed",
    )
    expect(
        tmp_path, backup("C:\\scripts\\so-backup.bat"), "'C:", "settings.backup_command",
        "runs the batch file C:\\scripts\\so-backup.bat without CALL: cmd would not come back to backup.bat, and "
        "StarOffice would stay stopped with its watch paused; write call C:\\scripts\\so-backup.bat",
    )
    for refused in ("exit /b 0", "goto :eof", "rem later", "if exist D:\\SO call x"):
        text = backup(refused)
        line, column = position(text, "'" + refused.split()[0])
        assert any(
            p.startswith(f"{line}:{column}: settings.backup_command: is to be one command that runs and comes back")
            for p in problems_of(tmp_path, text)
        ), refused


# Found by fuzzing: each of these validated, and gave a backup.bat that sogen's own lint
# flags (SO101, SO303, SO501, SO802) or that never returns with StarOffice stopped.
@pytest.mark.parametrize(
    "command, says",
    [
        ("call :nowhere", "is to be one command that runs and comes back"),
        ("ARMKILL StarOffice", "runs ARMKILL: backup.bat itself pauses and resumes the watch (guide 1.5.1)"),
        ("ARMLOADC StarOffice /W PAUSE", "runs ARMLOADC: backup.bat itself pauses and resumes the watch"),
        ("net stop StarOffice Server2", "starts or stops 'StarOffice Server2': backup.bat itself stops and starts"),
        ("net stop StarOffice", "starts or stops 'StarOffice': backup.bat itself stops and starts"),
        ("pause", "'pause' waits for someone to answer: backup.bat would not go on"),
        ("cmd /k C:\\bk.cmd", "'cmd /k C:\\bk.cmd' waits for someone to answer"),
        ("setlocal", "setlocal changes backup.bat itself instead of backing up"),
        ("call start ntbackup backup D:\\SO", "'call start ntbackup backup D:\\SO' returns at once"),
        ("start ntbackup backup D:\\SO /f E:\\so.bkf",
         "'start ntbackup backup D:\\SO /f E:\\so.bkf' returns at once: backup.bat would start StarOffice again"),
        ("net stop StarOffice-MailGateway-Service",
         "starts or stops 'StarOffice-MailGateway-Service', which ARM watches and backup.bat does not pause"),
    ],
)
def test_the_backup_command_only_backs_up(tmp_path, command, says):
    text = VALID_SINGLE + "settings:\n  backup_command: '" + command.replace("'", "''") + "'\n"
    assert any(f"settings.backup_command: {says}" in p for p in problems_of(tmp_path, text)), problems_of(tmp_path, text)


def test_the_backup_command_stops_no_service_the_topology_has_arm_watch(tmp_path):
    """A custom product's own service (or a product renamed in the topology) is as watched
    as the catalogue's: backup.bat pauses StarOffice's watch only."""
    custom = "      - type: custom\n        name: archiver\n        watch_id: Arch\n        service: SO Archiver\n"
    base = VALID_SINGLE.replace("      - type: workflow\n", custom + "      - type: workflow\n", 1)
    assert base != VALID_SINGLE
    for command in ("net stop SO Archiver", "net start Arch"):
        text = base + "settings:\n  backup_command: '" + command + "'\n"
        said = "settings.backup_command: starts or stops '" + command.split(None, 2)[2] + "', which ARM watches"
        assert any(said in p for p in problems_of(tmp_path, text)), problems_of(tmp_path, text)


def test_backup_commands_that_only_say_so_wait_a_while_or_stop_a_database_are_kept(tmp_path):
    for command in ("ARMBCAST /MSG backup-start /A", "ARMSLEEP 30", "choice /T 10 /D Y", "net stop MSSQLServer",
                    "start /wait ntbackup backup D:\\SO /f E:\\so.bkf"):
        path = tmp_path / "ok.yaml"
        path.write_text(VALID_SINGLE + "settings:\n  backup_command: '" + command + "'\n", encoding="utf-8")
        assert load_topology(path).settings.backup_command == command


def test_characters_outside_code_page_932(tmp_path):
    text = VALID_SINGLE + "settings:\n  messages:\n    no_arm: 'ARM down 😀'\n"
    expect(
        tmp_path, text, "'ARM down", "settings.messages.no_arm",
        "contains '😀' (U+1F600), which code page 932 cannot represent; batch files are written in code page 932",
    )


def test_every_character_outside_code_page_932_is_named_with_the_look_alike_to_use(tmp_path):
    text = VALID_SINGLE + "settings:\n  messages:\n    no_arm: '起動中 😀 𠮷 한 ¥100 — 終了'\n"
    expect(
        tmp_path, text, "'起動中", "settings.messages.no_arm",
        "contains '😀' (U+1F600), '𠮷' (U+20BB7), '한' (U+D55C), '¥' (U+00A5), '—' (U+2014), which code page 932 "
        "cannot represent; batch files are written in code page 932; write '\\' or '￥' (U+FFE5) instead of "
        "'¥' (U+00A5); write '―' (U+2015) instead of '—' (U+2014)",
    )


def test_text_pasted_in_nfd_is_composed(tmp_path):
    """macOS Finder names files in NFD: デ is テ and U+3099, which code page 932 has only composed."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "データベース停止")
    assert decomposed != "データベース停止"
    path = tmp_path / "t.yaml"
    path.write_text(VALID_SINGLE + f"settings:\n  messages:\n    stop_home: '{decomposed}'\n", encoding="utf-8")
    assert load_topology(path).settings.messages.stop_home == "データベース停止"


def test_look_alikes_are_kept_as_windows_reads_them_back(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(edit(VALID_SINGLE, "'D:\\SO'", "'D:\\SO\u301c1'"), encoding="utf-8")
    assert load_topology(path).groups[0].alroot == "D:\\SO\uff5e1"
    path.write_text(VALID_SINGLE + "settings:\n  messages:\n    no_arm: '\u2212\u2016\u00a2\u00a3\u00ac \u212b'\n", encoding="utf-8")
    # U+212B ANGSTROM SIGN is code page 932's own: NFC would make it U+00C5, which is not
    assert load_topology(path).settings.messages.no_arm == "\uff0d\u2225\uffe0\uffe1\uffe2 \u212b"


def test_procinfo_only_in_multi_standby(tmp_path):
    text = edit(VALID_SINGLE, "database: sqlserver", "database: sqlserver\n        procinfo: {mvm: 1, wfocom: 2}")
    expect(
        tmp_path, text, "{mvm", "groups[0].products[1].procinfo",
        "is used only in a multi standby cluster (server 2's PROCINFO edits, section 3.4.1); remove it",
    )


def test_custom_dependencies(tmp_path):
    custom = (
        "      - type: custom\n        name: a\n        watch_id: A\n        service: A\n        depends_on: [b]\n"
        "      - type: custom\n        name: b\n        watch_id: B\n        service: B\n        depends_on: [a, nothere]\n"
    )
    problems = problems_of(tmp_path, VALID_SINGLE + custom)
    text = VALID_SINGLE + custom
    line, col = position(text, "nothere")
    assert (
        f"{line}:{col}: groups[0].products[3].depends_on[1]: 'nothere' does not run in this group "
        "(products here: staroffice-server, workflow, a, b)"
    ) in problems
    line, col = position(text, "[b]")
    assert f"{line}:{col}: groups[0].products[2].depends_on: depends_on forms a cycle: a -> b -> a" in problems


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty; run `sogen init` for a starter topology"),
        (b"  \n\n", "is empty; run `sogen init` for a starter topology"),
        (b"\x00\x01\x02binary", "is a binary file, not a YAML or JSON topology"),
        (b"- just\n- a list\n", "the top level must be a mapping with the keys cluster, groups and settings"),
    ],
)
def test_unusable_files_give_one_line(tmp_path, content, message):
    path = tmp_path / "t.yaml"
    path.write_bytes(content)
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    assert [str(p) for p in info.value.problems] == [f"{path}:1:1: {message}"]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_a_byte_that_is_no_text_is_reported_where_it_stands(tmp_path, encoding):
    """A stray byte in a comment on line 20 (a copy through another code page), not 1:1."""
    text = VALID_SINGLE.replace("      - type: workflow\n", "      - type: workflow  # 日本語の説明\n")
    line, column = position(text, "説明")
    data = text.encode(encoding)
    at = data.index("説明".encode(encoding))
    path = tmp_path / "t.yaml"
    path.write_bytes(data[:at] + b"\x81\x20" + data[at:])
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    message = {
        "cp932": "is neither UTF-8, UTF-16 nor code page 932 text",
        "utf-8": "is UTF-8 text with a byte here that is not UTF-8: correct or remove it",
    }[encoding]
    assert [str(p) for p in info.value.problems] == [f"{path}:{line}:{column}: {message}"]


def test_utf8_with_one_stray_byte_is_refused_not_read_as_code_page_932(tmp_path):
    """One flipped byte in a comment of a UTF-8 topology made the whole file read as code page
    932: valid, and every Japanese value garbled in the artifacts (帳票シェル as 蟶ｳ逾ｨ...)."""
    text = VALID_MULTI + FORMSERVER.replace("[Shell1]", "[帳票シェル]") + "# 備考\n"
    data = text.encode("utf-8")
    path = tmp_path / "t.yaml"
    path.write_bytes(data + b"# \xe6x\n")
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    line = text.count("\n") + 1
    assert [str(p) for p in info.value.problems] == [
        f"{path}:{line}:3: is UTF-8 text with a byte here that is not UTF-8: correct or remove it"
    ]
    path.write_bytes(text.encode("cp932"))  # a code page 932 topology is still read as one
    (formserver,) = [p for p in load_topology(path).groups[1].products if p.type == "formserver"]
    assert formserver.online_shells == ["帳票シェル"]
    # Also with half-width katakana alone, whose pairs (0xC6 0xAF ...) are valid UTF-8 too.
    for shell in ("ﾆｯﾎﾟｳ", "ﾆｯﾎﾟｳ ｼｭｳｹｲ", "ｻｰﾊﾞｰ"):
        path.write_bytes(text.replace("帳票シェル", shell).replace("# 備考\n", "").encode("cp932"))
        (formserver,) = [p for p in load_topology(path).groups[1].products if p.type == "formserver"]
        assert formserver.online_shells == [shell]


def test_an_euc_jp_topology_is_read_as_euc_jp(tmp_path):
    """A topology saved by a Unix editor in EUC-JP generated alroot D:\\･ｽ･ﾕ･ﾈ (its bytes read
    as code page 932's half-width katakana) without a word."""
    text = VALID_MULTI.replace("alroot: 'D:\\SO1'", "alroot: 'D:\\ソフト'") + FORMSERVER.replace("[Shell1]", "[帳票シェル]")
    assert "ソフト" in text
    path = tmp_path / "t.yaml"
    path.write_bytes(text.encode("euc_jp"))
    t = load_topology(path)
    assert t.groups[0].alroot == "D:\\ソフト"
    (formserver,) = [p for p in t.groups[1].products if p.type == "formserver"]
    assert formserver.online_shells == ["帳票シェル"]


def test_malformed_yaml_points_at_the_problem(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("cluster:\n  name: [unclosed\n  mode: x\n", encoding="utf-8")
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    (problem,) = info.value.problems
    assert problem.line == 3 and problem.message.startswith("malformed YAML: ")


def test_an_empty_value_is_named_on_its_own_line(tmp_path):
    # It was "Input should be a valid string" on the next key's line, or past the file's end.
    text = edit(VALID_SINGLE, "    virtual_host: vhost1\n", "    virtual_host:\n")
    expect(
        tmp_path, text, "virtual_host:", "groups[0].virtual_host",
        "is empty; give a value (Virtual host name (resolves to the virtual IP; not a real computer name))",
    )
    expect(tmp_path, VALID_SINGLE + "settings:\n", "settings:", "settings", "is empty; give a value")


def test_a_character_yaml_refuses_is_placed_and_a_key_with_a_line_break_stays_one_line(tmp_path):
    # The character was placed at 1:1 with "position 956"; the key's line break split the problem.
    path = tmp_path / "t.yaml"
    path.write_text(VALID_SINGLE.replace("name: c1", "name: c\x81"), encoding="utf-8")
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2:10: malformed YAML: U+0081: special characters are not allowed"
    ]
    problems = problems_of(tmp_path, VALID_SINGLE + "? |\n  x\n  y\n: 1\n")
    assert problems == ["20:3: x\\x0ay\\x0a: unknown key 'x\\ny\\n' (allowed: cluster, groups, settings)"]


def test_a_yaml_version_other_than_1_1_or_1_2_is_named(tmp_path):
    # ruamel.yaml asserts on %YAML 1.0 and 1.3: that was an internal error (exit 3).
    path = tmp_path / "t.yaml"
    for version in ("1.0", "1.3", "2.0"):
        path.write_text(f"# cluster\n%YAML {version}\n---\n" + VALID_SINGLE, encoding="utf-8")
        with pytest.raises(TopologyError) as info:
            load_topology(path)
        assert [str(p) for p in info.value.problems] == [
            f"{path}:2:1: malformed YAML: %YAML {version}: sogen reads YAML 1.1 and 1.2"
        ]
    path.write_text("%YAML 1.2\n---\n" + VALID_SINGLE, encoding="utf-8")
    load_topology(path)


def test_missing_file_and_directory(tmp_path):
    for path, message in ((tmp_path / "nope.yaml", "no such file"), (tmp_path, "is a directory, not a topology file")):
        with pytest.raises(TopologyError) as info:
            load_topology(path)
        assert [str(p) for p in info.value.problems] == [f"{path}:1:1: {message}"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp932"])
def test_topology_in_any_encoding(tmp_path, encoding):
    text = VALID_SINGLE + "settings:\n  messages:\n    start_home: 起動中です\n"
    path = tmp_path / "t.yaml"
    path.write_bytes(text.encode(encoding))
    assert load_topology(path).settings.messages.start_home == "起動中です"
    assert encoding != "utf-16" or path.read_bytes().startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def test_json_topology_is_accepted(tmp_path):
    import json

    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(VALID_SINGLE)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    assert load_topology(path).groups[0].virtual_ip == "192.168.10.100"


def test_all_problems_reported_at_once(tmp_path):
    text = edit(VALID_SINGLE, "virtual_ip: 192.168.10.100", "virtual_ip: 192.168.10.12")
    text = edit(text, "policy: [SV1, SV2]", "policy: [SV1, SV3]")
    text = edit(text, "alroot: 'D:\\SO'", "alroot: 'C:\\SO'")
    assert len(problems_of(tmp_path, text)) == 3


FORMSERVER = "      - type: formserver\n        online_shells: [Shell1]\n"


# 4.1.1, figure 3: "SV1/SV2各々でSOフォームサーバサービスが提供されており" -- one FormServer per group,
# each with its own watch ID (ARM knows a watch ID once per cluster) and its own service and key.
def test_formserver_in_both_groups_of_multi_standby(tmp_path):
    from sogen.topology.products import group_products

    text = edit(VALID_MULTI, "staroffice-server\n  - name: g2", "staroffice-server\n" + FORMSERVER + "  - name: g2")
    path = tmp_path / "both.yaml"
    path.write_text(text + FORMSERVER, encoding="utf-8")
    t = load_topology(path)
    names = [
        (p.watch_id, p.service, p.registry_sync) for g in (0, 1) for p in group_products(t, g) if p.key == "formserver"
    ]
    assert names == [
        ("FormServer", "StarOffice FormServer", ("HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer",)),
        ("FormServer2", "StarOffice FormServer2", ("HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer2",)),
    ]
    # Overridden with group 1's names, the second instance clashes.
    for field, value, label in (
        ("watch_id", "FormServer", "watch ID 'FormServer'"),
        ("service", "StarOffice FormServer", "service 'StarOffice FormServer'"),
        ("registry_key", "'HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer'",
         "synced registry key 'HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\NEC\\\\StarOffice FormServer'"),
    ):
        clash = text + FORMSERVER + f"        {field}: {value}\n"
        expect(
            tmp_path, clash, "type: formserver", "groups[1].products[1]",
            f"{label} is already used by formserver in group 'g1'", occurrence=2,
        )


# The guide names one FormServer service only, 4.2.1's: a multi standby cluster's one FormServer
# has it in whichever group runs it (group 2 here), not an invented "StarOffice FormServer2".
def test_the_clusters_only_formserver_has_the_guides_names_in_group_2(tmp_path):
    from sogen.topology.products import group_products

    path = tmp_path / "group2.yaml"
    path.write_text(VALID_MULTI + FORMSERVER, encoding="utf-8")
    t = load_topology(path)
    (formserver,) = [p for p in group_products(t, 1) if p.key == "formserver"]
    assert (formserver.watch_id, formserver.service, formserver.registry_sync) == (
        "FormServer", "StarOffice FormServer", ("HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer",)
    )


def test_a_group_that_fails_its_checks_does_not_rename_the_next_groups_formserver(tmp_path):
    """With group 1's virtual IP mistyped, group 2's FormServer was taken for the cluster's first
    and its own watch ID FormServer reported as a clash besides the real problem."""
    own_names = "        watch_id: FS1\n        service: SO FormServer One\n        registry_key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\FS1'\n"
    text = VALID_MULTI.replace(
        "staroffice-server\n  - name: g2", "staroffice-server\n" + FORMSERVER + own_names + "  - name: g2", 1
    )
    # Group 2 runs the cluster's second FormServer (FormServer2) and a product of its own
    # watched as FormServer, a name group 1's FormServer (FS1) leaves free.
    text += FORMSERVER + "      - type: custom\n        name: archiver\n        watch_id: FormServer\n        service: Archiver\n"
    bad = text.replace("virtual_ip: 192.168.10.101", "virtual_ip: 192.168.10.1011", 1)
    assert bad != text
    problems = problems_of(tmp_path, bad)
    assert len(problems) == 1 and "groups[0].virtual_ip" in problems[0], problems
    path = tmp_path / "ok.yaml"
    path.write_text(text, encoding="utf-8")
    load_topology(path)


WITH_MAILGATEWAY = edit(VALID_SINGLE, "      - type: workflow", MAILGATEWAY.rstrip("\n") + "\n      - type: workflow")
FLOATING_IP = "virtual_ip: 192.168.10.100\n"


# 2.2.1: "StarOffice/MailGateway-SMTPを使用する全てのサーバ機に対して、フローティングIPの設定を行って下さい";
# 2.2.2.3: SelfIPAddress "には、フローティングIPのアドレスを設定して下さい".
def test_mailgateway_needs_a_floating_ip_of_its_own(tmp_path):
    expect(
        tmp_path, WITH_MAILGATEWAY, "name: g1", "groups[0].floating_ip",
        "is required when the group runs mailgateway-smtp: CLUSTERPRO needs a floating IP on every server that "
        "runs it, and somg.ini's SelfIPAddress names it (guide 2.2.1, 2.2.2.3); give an unused address, "
        "e.g. in the virtual IP's subnet",
    )
    for address, message in (
        ("192.168.10.100", (
            "192.168.10.100 is the virtual IP of group 'g1'; the floating IP is an address of its own, "
            "not the virtual IP (guide 2.2.1, 2.2.2.3)"
        )),
        ("192.168.10.12", "192.168.10.12 is the real IP of node SV2; a floating IP must be an unused address (guide 2.2.1)"),
    ):
        text = edit(WITH_MAILGATEWAY, FLOATING_IP, f"{FLOATING_IP}    floating_ip: {address}\n")
        expect(tmp_path, text, f"{address}\n    partitions", "groups[0].floating_ip", message)
    path = tmp_path / "ok.yaml"
    path.write_text(edit(WITH_MAILGATEWAY, FLOATING_IP, f"{FLOATING_IP}    floating_ip: 192.168.10.110\n"), encoding="utf-8")
    assert load_topology(path).groups[0].floating_ip == "192.168.10.110"


def test_floating_ip_is_written_to_somg_ini(tmp_path):
    from sogen.generator.artifacts import group_artifacts

    path = tmp_path / "t.yaml"
    path.write_text(edit(WITH_MAILGATEWAY, FLOATING_IP, f"{FLOATING_IP}    floating_ip: 192.168.10.110\n"), encoding="utf-8")
    ini = group_artifacts(load_topology(path), 0)["somg.ini"].decode("cp932")
    assert ini.count("SelfIPAddress=192.168.10.110\r\n") == 2 and "192.168.10.100" not in ini


SIX_WORKDIRS = ", ".join(f"'D:\\somg\\{name}'" for name in ("spool", "recv", "send", "work", "log", "err"))


# 2.2.2.1: "StarOffice/MailGateway-SMTPが使用する6つのディレクトリは、切替パーティション上に作成して下さい".
def test_mailgateway_workdirs_are_six_on_the_partitions(tmp_path):
    base = edit(WITH_MAILGATEWAY, FLOATING_IP, f"{FLOATING_IP}    floating_ip: 192.168.10.110\n")

    def with_workdirs(listing: str) -> str:
        return edit(base, "mta: mailhub\n", f"mta: mailhub\n        workdirs: [{listing}]\n")

    path = tmp_path / "six.yaml"
    path.write_text(with_workdirs(SIX_WORKDIRS), encoding="utf-8")
    assert len(load_topology(path).groups[0].products[1].workdirs) == 6
    expect(
        tmp_path, with_workdirs("'D:\\somg\\a', 'D:\\somg\\b', 'D:\\somg\\c'"), "['D:", "groups[0].products[1].workdirs",
        "lists 3 directories; MailGateway-SMTP uses six working directories, all on the group's switched "
        "partitions (guide 2.2.2.1): list all six, or leave workdirs out",
    )
    twice = with_workdirs(SIX_WORKDIRS.replace("'D:\\somg\\err'", "'d:\\SOMG\\spool'"))
    expect(
        tmp_path, twice, "'d:\\SOMG", "groups[0].products[1].workdirs[5]",
        "d:\\SOMG\\spool is listed twice; the six working directories are six different folders (guide 2.2.2.1)",
    )
    local = with_workdirs(SIX_WORKDIRS.replace("'D:\\somg\\err'", "'C:\\somg\\err'"))
    expect(
        tmp_path, local, "'C:\\somg", "groups[0].products[1].workdirs[5]",
        "working directory C:\\somg\\err is not on a switched partition of group 'g1' (D:); it would not move on failover",
    )


MULTI_WORKFLOW = edit(
    VALID_MULTI,
    "      - type: staroffice-server\n  - name: g2",
    "      - type: staroffice-server\n        addons: [server-link]\n      - type: workflow\n        database: sqlserver\n"
    "        procinfo: {mvm: 3, wfocom: 4}\n  - name: g2",
) + "        addons: [server-link]\n"
SERVER_LINK = (
    "needs server-link: in multi standby WorkFlow clients log in to StarOffice server 2 and reach WorkFlow on "
    "server 1 through a server link between the two servers (guide 3.4.1); add server-link to both groups' "
    "staroffice-server"
)


# 3.4.1: "SO サーバ 1 と SO サーバ 2 をサーバリンクで結びつける事によって、フロークライアントは仮想 IP2 を用いて
# サーバ 2 へログインし、サーバ 1 で動作する WF サーバのサービスを受ける"; step 6 installs the server link on
# server 2, and step 4 edits server 2's "PROCINFO[num]" (mail movement process, wfocom).
def test_multi_standby_workflow_needs_server_links_and_procinfo(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(MULTI_WORKFLOW, encoding="utf-8")
    load_topology(path)
    text = edit(MULTI_WORKFLOW, "        procinfo: {mvm: 3, wfocom: 4}\n", "")
    expect(
        tmp_path, text, "type: workflow", "groups[0].products[1].procinfo",
        "is required in a multi standby cluster: server 2's mail movement process (sowfmvm.exe -smvm2) and wfocom "
        "run from the PROCINFO[n] entries that guide 3.4.1 edits; give both indexes, e.g. {mvm: 3, wfocom: 4}",
    )
    group_1_without_link = MULTI_WORKFLOW.replace("        addons: [server-link]\n", "", 1)
    expect(tmp_path, group_1_without_link, "type: staroffice-server", "groups[0].products[0].addons", SERVER_LINK)
    group_2_without_link = MULTI_WORKFLOW.removesuffix("        addons: [server-link]\n")
    expect(tmp_path, group_2_without_link, "type: staroffice-server", "groups[1].products[0].addons", SERVER_LINK, 2)
    formserver_only = MULTI_WORKFLOW.removesuffix("      - type: staroffice-server\n        addons: [server-link]\n")
    expect(
        tmp_path, formserver_only + FORMSERVER, "- type: formserver", "groups[1].products",
        "needs a staroffice-server product: in multi standby WorkFlow clients log in to StarOffice server 2 and "
        "reach WorkFlow on server 1 through a server link (guide 3.4.1)",
    )


# Every problem in one run: a type error in one group does not hide the cross-field rules of the
# other group or of the cluster.
def test_type_errors_and_cross_field_problems_in_one_run(tmp_path):
    text = edit(VALID_MULTI, "virtual_ip: 192.168.10.101", "virtual_ip: 192.168.10.300")
    text = edit(text, "policy: [SV2, SV1]", "policy: [SV2, SV1, SV9]")
    text = edit(text, "partitions: [E]", "partitions: [E]\n    floating_ip: 192.168.10.11")
    text = edit(text, "mode: multi-standby", "mode: single-standby")
    problems = problems_of(tmp_path, text)
    expected = [
        ("192.168.10.300", "groups[0].virtual_ip",
         "'192.168.10.300' is not a valid IPv4 address (four numbers 0-255, e.g. 192.168.10.11)", 1),
        ("[SV2, SV1, SV9]", "groups[1].policy", (
            "names 3 nodes; a StarOffice failover policy names exactly two of the cluster's nodes, the active node "
            "then its standby, e.g. [SV1, SV2] (guide 1.1.1)"
        ), 1),
        ("SV9", "groups[1].policy[2]", "node 'SV9' is not in cluster.nodes (nodes: SV1, SV2)", 1),
        ("- name: g1", "groups", "a single-standby cluster has exactly 1 failover group, this file has 2", 1),
        ("192.168.10.11", "groups[1].floating_ip",
         "192.168.10.11 is the real IP of node SV1; a floating IP must be an unused address (guide 2.2.1)", 2),
    ]
    for marker, field, message, occurrence in expected:
        line, column = position(text, marker, occurrence)
        assert f"{line}:{column}: {field}: {message}" in problems
    assert len(problems) == len(expected)


def test_cluster_type_errors_leave_the_other_rules_running(tmp_path):
    # A wrong mode: the rules on nodes and groups still run.
    text = edit(VALID_MULTI, "mode: multi-standby", "mode: multi")
    text = edit(text, "partitions: [E]", "partitions: [D]")
    text = edit(text, "policy: [SV2, SV1]", "policy: [SV2, SV9]")
    problems = problems_of(tmp_path, text)
    line, column = position(text, "D]", 2)
    assert f"{line}:{column}: groups[1].partitions[0]: drive D: is already a switched partition of group 'g1'; a partition moves with one group only" in problems
    line, column = position(text, "SV9")
    assert f"{line}:{column}: groups[1].policy[1]: node 'SV9' is not in cluster.nodes (nodes: SV1, SV2)" in problems
    # ... besides the mode itself and group 2's alroot, now off its partitions.
    assert len(problems) == 4 and any("cluster.mode: 'multi' is not allowed" in p for p in problems)
    # A wrong node address: the rules on the mode and the products still run.
    text = edit(VALID_MULTI, "ip: 192.168.10.12", "ip: 192.168.10.312")
    text = edit(text, "virtual_ip: 192.168.10.102\n", "virtual_ip: 192.168.10.102\n    floating_ip: 192.168.10.112\n")
    problems = problems_of(tmp_path, text + MAILGATEWAY)
    line, column = position(text + MAILGATEWAY, "mailgateway-smtp")
    assert f"{line}:{column}: groups[1].products[1].type: {SINGLE_STANDBY_ONLY}" in problems
    assert len(problems) == 2 and any("cluster.nodes[1].ip: '192.168.10.312' is not a valid IPv4" in p for p in problems)


def test_online_shells_started_from_the_script_need_shells(tmp_path):
    # 4.2.1 step 3: the start script starts each online shell named; none named starts nothing.
    command = "      - type: formserver\n        online_shell_command: 'D:\\SO\\bin\\shellstart.exe'\n"
    text = VALID_SINGLE + command
    expect(
        tmp_path, text, "'D:\\SO\\bin\\shellstart.exe'", "groups[0].products[2].online_shell_command",
        "starts online shells from the start script, but online_shells names none: list the shell titles, "
        "or leave online_shell_command out (guide 4.2.1 step 3)",
    )
    path = tmp_path / "shells.yaml"
    path.write_text(text + "        online_shells: [Shell1]\n", encoding="utf-8")
    load_topology(path)


def test_an_online_shell_listed_twice_is_a_problem(tmp_path):
    # formserver.reg held the same key (keys ignore case) three times, and the start script
    # started the shell as often.
    text = VALID_SINGLE + "      - type: formserver\n        online_shells: [FormShell1, formshell1, FormShell1]\n"
    expect(
        tmp_path, text, "formshell1", "groups[0].products[2].online_shells[1]",
        "online shell formshell1 is listed twice (registry keys ignore case)",
    )
    expect(
        tmp_path, text, "FormShell1", "groups[0].products[2].online_shells[2]",
        "online shell FormShell1 is listed twice (registry keys ignore case)", occurrence=2,
    )
