@echo off
rem the jumps on a program's exit code and on the computer name run on the server: not "harmless"
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO no_arm
:NORMAL
net start MSSQLServer
IF ERRORLEVEL 1 GOTO DBFAIL
IF "%COMPUTERNAME%" == "SV2" GOTO ONSV2
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:no_arm
ARMBCAST /MSG "ARM is not running" /A
:EXIT
