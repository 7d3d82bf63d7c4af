@echo off
IF "%ARMS_DISK%" == "FAILURE "%ARMS_EVENT%"" GOTO ERROR_DISK
IF "%ARMS_EVENT%" == "START" GOTO START
GOTO :EOF
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO :EOF
:START
ARMLOAD StarOffice /S /M "StarOffice Server"
