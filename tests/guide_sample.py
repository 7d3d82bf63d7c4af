"""The guide's sample start script (section 1.4.1; tests/trace_cases/guide_start.bat, with
the GOTO EXIT lines the extraction lost) and the commands it runs under each cluster
event, written by hand from reading it (shared/DOMAIN.md, "Shape of the sample start
script"), not by running anything. test_flow.py holds sogen's analysis to them,
test_winecmd_harness.py the Wine harness."""

from __future__ import annotations

from pathlib import Path

GUIDE_START = Path(__file__).resolve().parent / "trace_cases" / "guide_start.bat"

LOAD = 'ARMLOAD StarOffice /S /M "StarOffice Server"'
DISK_ERROR = ['ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A']
NO_ARM = ['ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A']
RECOVERED = ['ARMBCAST /MSG "Serverの復旧が終了しました" /A']
HOME = ['ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A', LOAD]
OTHER = ['ARMBCAST /MSG "プライオリティサーバ以外で起動中です" /A', LOAD]
HOME_FAILOVER = ['ARMBCAST /MSG "最高プライオリティサーバで起動中です(フェイルオーバ後)" /A', LOAD]
OTHER_FAILOVER = ['ARMBCAST /MSG "プライオリティサーバ以外で起動中です(フェイルオーバ後)" /A', LOAD]


def expected_guide_start(event: str | None, server: str, disk: str) -> list[str]:
    """What the sample runs with ARMS_EVENT (None: unset), ARMS_SERVER and ARMS_DISK."""
    if event is None:
        return NO_ARM
    if event == "RECOVER":
        return RECOVERED
    if disk == "FAILURE":
        return DISK_ERROR
    if event == "START":
        return HOME if server == "HOME" else OTHER
    return HOME_FAILOVER if server == "HOME" else OTHER_FAILOVER
