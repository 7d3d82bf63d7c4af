rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload CHECK /U administrator /W c:\tools\check.exe /R 0
ARMLOAD StarOffice /S /R %RETRY% /H %HOURS% "StarOffice Server"
ARMSLEEP %DELAY%
GOTO EXIT
:EXIT
exit
