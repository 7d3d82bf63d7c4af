rem 停止スクリプト: 共通の停止処理を呼ぶ
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
%~dp0common_stop.bat
ARMKILL StarOffice
:EXIT
