rem ***************************************************************
rem * start.bat -- failover group 2 (StarOffice server 2) with WorkFlow
rem ***************************************************************
rem 起動要因チェック
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO FAILOVER
IF "%CLP_EVENT%" == "RECOVER" GOTO RECOVER
rem ActiveRecoveryManager 未動作
GOTO no_arm
rem 通常起動対応処理
:NORMAL
IF "%CLP_DISK%" == "FAILURE" GOTO ERROR_DISK
IF "%CLP_SERVER%" == "OTHER" GOTO ON_OTHER1
ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
ARMLOAD StarOffice2 /S /M "StarOffice Server2"
ARMLOAD WorkFlow /S /M "WWF Server"
GOTO EXIT
:ON_OTHER1
ARMBCAST /MSG "プライオリティサーバ以外で起動中です" /A
ARMLOAD StarOffice2 /S /M "StarOffice Server2"
ARMLOAD WorkFlow /S /M "WWF Server"
GOTO EXIT
rem リカバリ対応処理
:RECOVER
ARMBCAST /MSG "Serverの復旧が終了しました" /A
GOTO EXIT
rem フェイルオーバ対応処理
:FAILOVER
IF "%CLP_DISK%" == "FAILURE" GOTO ERROR_DISK
IF "%CLP_SERVER%" == "OTHER" GOTO ON_OTHER2
ARMBCAST /MSG "最高プライオリティサーバで起動中です(フェイルオーバ後)" /A
ARMLOAD StarOffice2 /S /M "StarOffice Server2"
ARMLOAD WorkFlow /S /M "WWF Server"
GOTO EXIT
:ON_OTHER2
ARMBCAST /MSG "プライオリティサーバ以外で起動中です(フェイルオーバ後)" /A
ARMLOAD StarOffice2 /S /M "StarOffice Server2"
ARMLOAD WorkFlow /S /M "WWF Server"
GOTO EXIT
rem ディスク関連エラー処理
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO EXIT
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
:EXIT
exit
