@echo off
rem The idioms that keep an IF whole when the argument or variable is empty.
if [%1]==[] GOTO usage
IF %ARMS_EVENT%.==START. GOTO START
IF x%ARMS_DISK% == xFAILURE GOTO ERROR_DISK
GOTO :EOF
:usage
echo 使い方: start.bat [引数]
GOTO :EOF
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO :EOF
:START
ARMLOAD StarOffice /S /M "StarOffice Server"
