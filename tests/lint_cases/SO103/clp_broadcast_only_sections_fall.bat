rem ***************************************************************
rem * start.bat
rem * title : start script file sample
rem ***************************************************************
rem 起動要因チェック
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO FAILOVER
IF "%CLP_EVENT%" == "RECOVER" GOTO RECOVER
rem ActiveRecoveryManager 未動作
GOTO no_arm
rem ***************************************************************
rem 通常起動対応処理
rem ***************************************************************
:NORMAL
rem ディスクチェック
IF "%CLP_DISK%" == "FAILURE" GOTO ERROR_DISK
rem プライオリティチェック
IF "%CLP_SERVER%" == "OTHER" GOTO ON_OTHER1
rem 最高プライオリティでの処理
ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:ON_OTHER1
rem 最高プライオリティ以外での処理
ARMBCAST /MSG "プライオリティサーバ以外で起動中です" /A
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
rem リカバリ対応処理
:RECOVER
ARMBCAST /MSG "Serverの復旧が終了しました" /A
rem ***************************************************************
rem フェイルオーバ対応処理
rem ***************************************************************
:FAILOVER
rem ディスクチェック
IF "%CLP_DISK%" == "FAILURE" GOTO ERROR_DISK
rem プライオリティチェック
IF "%CLP_SERVER%" == "OTHER" GOTO ON_OTHER2
rem 最高プライオリティでの処理
ARMBCAST /MSG "最高プライオリティサーバで起動中です(フェイルオーバ後)" /A
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:ON_OTHER2
rem 最高プライオリティ以外での処理
ARMBCAST /MSG "プライオリティサーバ以外で起動中です(フェイルオーバ後)" /A
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
rem ***************************************************************
rem 例外処理
rem ***************************************************************
rem ディスク関連エラー処理
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO EXIT
rem ARM 未動作
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
GOTO EXIT
:EXIT
exit
