"""No topology value can smuggle a command into a generated script.

Hypothesis builds topologies whose free-text values mix ordinary text,
Japanese, the names of the stub commands and the characters that change a
batch line's meaning. A topology sogen rejects must say why; one it accepts
is generated and its start/stop scripts run under Wine's cmd.exe: every
recorded command must be one the topology implies.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sogen.catalogue import load_catalogue
from sogen.generator.artifacts import generate
from sogen.topology.load import TopologyError, load_topology, topology_hash
from sogen.topology.model import FORBIDDEN_CHARACTERS


pytestmark = pytest.mark.wine

# Pieces an attacker (or a careless copy-paste) would put into a value.
HARMLESS = st.sampled_from(
    ["Start", "起動中", " ", "ARMKILL", "StarOffice", "net", "stop", "ARMLOAD", "X", "GOTO", "EXIT", ":EXIT", "rem", "(", ")"]
)
DANGEROUS = st.sampled_from(["^", "&", "|", "<", ">", "%", "!", '"', "\r\n", "\n", "\t", "\x1a", "%ARMS_EVENT%", "&&"])
SAFE_TEXT = st.lists(HARMLESS, min_size=1, max_size=5).map("".join)
# Why a value is refused: a character that changes the line, or (the backup command) a
# line that would not run one command and come back, or would do backup.bat's own work.
REFUSALS = (
    "contains", "is not allowed", "is not a line cmd can run", "runs the batch file", "is to be one command",
    "backup.bat itself", "which ARM watches", "waits for someone", "returns at once", "changes backup.bat",
)
POISONED_TEXT = st.lists(st.one_of(HARMLESS, DANGEROUS), min_size=1, max_size=5).map("".join)
FIELDS = ("watch_id", "service", "virtual_host", "alroot", "start_home", "stop_other", "disk_error", "no_arm", "backup_command")


@st.composite
def topologies(draw):
    """One field at most gets dangerous text, so that about half the examples are accepted."""
    poisoned = draw(st.sampled_from((None,) + FIELDS))

    def text(field: str, default: str) -> str:
        if field == poisoned:
            return draw(POISONED_TEXT)
        return draw(st.one_of(st.just(default), SAFE_TEXT))

    return {
        "cluster": {
            "name": "fuzz",
            "mode": "single-standby",
            "nodes": [{"name": "SV1", "ip": "10.0.0.1"}, {"name": "SV2", "ip": "10.0.0.2"}],
        },
        "groups": [
            {
                "name": "g",
                "policy": ["SV1", "SV2"],
                "virtual_host": draw(st.just("vhost")) if poisoned != "virtual_host" else draw(POISONED_TEXT),
                "virtual_ip": "10.0.0.10",
                "partitions": ["D"],
                "alroot": "D:\\SO" if poisoned != "alroot" else "D:\\" + draw(POISONED_TEXT),
                "products": [
                    {"type": "staroffice-server"},
                    {
                        "type": "custom",
                        "name": "extra",
                        "watch_id": "Extra" if poisoned != "watch_id" else draw(POISONED_TEXT),
                        "service": text("service", "Extra Service"),
                        "depends_on": ["staroffice-server"],
                    },
                ],
            }
        ],
        "settings": {
            "messages": {key: text(key, "msg") for key in ("start_home", "stop_other", "disk_error", "no_arm")},
            "backup_command": text("backup_command", "echo nothing"),
        },
    }


def implied_commands(t) -> set[str]:
    """Every command line the topology can make a start/stop/backup script run."""
    messages = t.settings.messages.model_dump().values()
    custom = t.groups[0].products[1]
    staroffice = load_catalogue().product("staroffice-server").instance(1)
    return {f'ARMBCAST /MSG "{m}" /A' for m in messages} | {
        f'ARMLOAD {staroffice.watch_id} /S /M "{staroffice.service}"',
        f"ARMKILL {staroffice.watch_id}",
        f'ARMLOAD {custom.watch_id} /S /M "{custom.service}"',
        f"ARMKILL {custom.watch_id}",
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=topologies())
def test_accepted_values_cannot_inject_commands(wine_runner, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "t.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        t = load_topology(source)
    except TopologyError as exc:
        text = json.dumps(data, ensure_ascii=False)
        if any(ch in text for ch in FORBIDDEN_CHARACTERS + "\r\n\t\x1a"):
            assert any(any(reason in p.message for reason in REFUSALS) for p in exc.problems)
        return
    files = generate(t, topology_hash(t.model_dump(mode="json")), source.name)
    jobs = []
    for name in ("start.bat", "stop.bat"):
        script = folder / name
        script.write_bytes(files[f"g/{name}"])
        for event, server, disk in itertools.product(("START", "FAILOVER", "RECOVER", None), ("HOME", "OTHER"), ("SUCCESS", "FAILURE")):
            jobs.append((script, {"ARMS_EVENT": event, "ARMS_SERVER": server, "ARMS_DISK": disk}))
    allowed = implied_commands(t)
    for (script, env), calls in zip(jobs, wine_runner.run_many(jobs)):
        unexpected = [c for c in calls if c not in allowed]
        assert not unexpected, f"{script.name} {env}: {unexpected}"
        assert sum(c.startswith("ARMBCAST") for c in calls) == 1, f"{script.name} {env}: {calls}"

