rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload StarOffice /U administrator /W c:\tools\check.exe
armkill StarOffice
GOTO EXIT
:FAILOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload StarOffice /U administrator /W c:\tools\check.exe
armkill StarOffice
GOTO EXIT
:EXIT
exit
