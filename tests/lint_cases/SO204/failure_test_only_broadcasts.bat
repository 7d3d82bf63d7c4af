@echo off
IF "%ARMS_EVENT%" == "" GOTO :EOF
IF "%ARMS_EVENT%" == "RECOVER" GOTO :EOF
rem ディスク異常なら通知する (が、そのまま起動してしまう)
IF "%ARMS_DISK%" == "FAILURE" ARMBCAST /MSG "ディスク異常です" /A
ARMLOAD StarOffice /S /M "StarOffice Server"
