rem ***************************************************************
rem * stop.bat
rem * title : stop script file sample
rem ***************************************************************
rem 起動要因チェック
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO FAILOVER
rem ActiveRecoveryManager 未動作
GOTO no_arm
rem ***************************************************************
rem 通常終了対応処理
rem ***************************************************************
:NORMAL
rem ディスクチェック
IF "%CLP_DISK%" == "FAILURE" GOTO ERROR_DISK
rem プライオリティチェック
IF "%CLP_SERVER%" == "OTHER" GOTO ON_OTHER1
rem 最高プライオリティでの処理
ARMBCAST /MSG "最高プライオリティサーバで終了中です" /A
ARMKILL StarOffice
GOTO EXIT
:ON_OTHER1
rem 最高プライオリティ以外での処理
ARMBCAST /MSG "プライオリティサーバ以外で終了です" /A
ARMKILL StarOffice
GOTO EXIT
rem ***************************************************************
rem フェイルオーバ対応処理
rem ***************************************************************
:FAILOVER
rem ディスクチェック
IF "%CLP_DISK%" == "FAILURE" GOTO ERROR_DISK
rem プライオリティチェック
IF "%CLP_SERVER%" == "OTHER" GOTO ON_OTHER2
rem 最高プライオリティでの処理
ARMBCAST /MSG "最高プライオリティサーバで終了中です(フェイルオーバ後)" /A
ARMKILL StarOffice
GOTO EXIT
:ON_OTHER2
rem 最高プライオリティ以外での処理
ARMBCAST /MSG "プライオリティサーバ以外で終了中です(フェイルオーバ後)" /A
ARMKILL StarOffice
GOTO EXIT
rem ***************************************************************
rem 例外処理
rem ***************************************************************
rem ARM 未動作
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
GOTO EXIT
:EXIT
exit
