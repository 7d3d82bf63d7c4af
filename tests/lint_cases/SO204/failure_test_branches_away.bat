@echo off
IF "%ARMS_EVENT%" == "" GOTO :EOF
IF "%ARMS_EVENT%" == "RECOVER" GOTO :EOF
IF "%ARMS_DISK%" == "FAILURE" (
  ARMBCAST /MSG "ディスク異常です" /A
  GOTO :EOF
)
ARMLOAD StarOffice /S /M "StarOffice Server"
