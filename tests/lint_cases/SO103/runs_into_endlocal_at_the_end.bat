@echo off
rem 停止スクリプト: 最後の :end は ENDLOCAL だけ
setlocal
IF "%ARMS_EVENT%" == "" GOTO end
IF "%ARMS_DISK%" == "FAILURE" GOTO end
ARMBCAST /MSG "StarOffice を停止します" /A
ARMKILL StarOffice
:end
endlocal
