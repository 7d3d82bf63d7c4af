@echo off
if "%ARMS_EVENT%"=="START" (
    goto NORMAL
) else if "%ARMS_EVENT%"=="FAILOVER" (
    goto NORMAL
)
:NORMAL
armload StarOffice /S /M "StarOffice Server"
