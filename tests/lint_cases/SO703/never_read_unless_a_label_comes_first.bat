@echo off
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
EXIT /B 0
IF "%ARMS_DISK%" == "FAILURE" (
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" (
    ARMLOAD StarOffice /S /M "StarOffice Server"
EXIT /B 0
