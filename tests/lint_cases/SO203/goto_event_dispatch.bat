@echo off
rem 起動要因のラベルへ直接ジャンプする
IF "%ARMS_EVENT%"=="" GOTO NOARM
GOTO EV_%ARMS_EVENT%
:EV_START
:EV_FAILOVER
IF "%ARMS_DISK%"=="FAILURE" GOTO END
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO END
:EV_RECOVER
GOTO END
:NOARM
ARMBCAST /MSG "ARM が動作していません" /A
:END
