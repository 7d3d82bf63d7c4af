rem ***************************************************************
rem * stop.bat
rem *
rem * title   : stop script file sample
rem * version : 001.H10/12/4
rem ***************************************************************
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
rem ActiveRecoveryManager 未動作
GOTO no_arm
:NORMAL
rem ディスクチェック
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1
ARMBCAST /MSG "最高プライオリティサーバで終了中です" /A
ARMKILL SOMailGateway
ARMKILL StarOffice
GOTO EXIT
:ON_OTHER1
ARMBCAST /MSG "プライオリティサーバ以外で終了です" /A
ARMKILL SOMailGateway
ARMKILL StarOffice
GOTO EXIT
:FAILOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER2
ARMBCAST /MSG "最高プライオリティサーバで終了中です(フェイルオーバ後)" /A
ARMKILL SOMailGateway
ARMKILL StarOffice
GOTO EXIT
:ON_OTHER2
ARMBCAST /MSG "プライオリティサーバ以外で終了中です(フェイルオーバ後)" /A
ARMKILL SOMailGateway
ARMKILL StarOffice
GOTO EXIT
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
:EXIT
exit
