rem ***************************************************************
rem * stop.bat -- failover group 2
rem ***************************************************************
rem 起動要因チェック
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
rem ActiveRecoveryManager 未動作
GOTO no_arm
rem 通常終了対応処理
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1
ARMBCAST /MSG "最高プライオリティサーバで終了中です" /A
ARMKILL FormServer2
ARMKILL StarOffice2
GOTO EXIT
:ON_OTHER1
ARMBCAST /MSG "プライオリティサーバ以外で終了中です" /A
ARMKILL FormServer2
ARMKILL StarOffice2
GOTO EXIT
rem フェイルオーバ対応処理
:FAILOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER2
ARMBCAST /MSG "最高プライオリティサーバで終了中です(フェイルオーバ後)" /A
ARMKILL FormServer2
ARMKILL StarOffice
GOTO EXIT
:ON_OTHER2
ARMBCAST /MSG "プライオリティサーバ以外で終了中です(フェイルオーバ後)" /A
ARMKILL FormServer2
ARMKILL StarOffice
GOTO EXIT
rem ディスク関連エラー処理
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO EXIT
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
:EXIT
exit
