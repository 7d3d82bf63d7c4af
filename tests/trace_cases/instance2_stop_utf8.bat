rem サーバ2のストップスクリプト (UTF-8)
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
GOTO no_arm
:NORMAL
rem ディスクチェック
IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK
IF "%ARMS_SERVER%" == "OTHER" (
  ARMBCAST /MSG "Stopping StarOffice Server2 (not the priority server)" /A
) ELSE (
  ARMBCAST /MSG "Stopping StarOffice Server2" /A
)
ARMKILL StarOffice2
GOTO EXIT
:ERROR_DISK
ARMBCAST /MSG "Switched partition not connected" /A
GOTO EXIT
:no_arm
ARMBCAST /MSG "ActiveRecoveryManager is not running" /A
:EXIT
exit
