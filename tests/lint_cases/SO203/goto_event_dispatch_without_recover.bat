@echo off
IF "%ARMS_EVENT%"=="" GOTO NOARM
GOTO %ARMS_EVENT%
:START
:FAILOVER
IF "%ARMS_DISK%"=="FAILURE" GOTO END
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO END
:NOARM
ARMBCAST /MSG "ARM Ç™ìÆçÏÇµÇƒÇ¢Ç‹ÇπÇÒ" /A
:END
