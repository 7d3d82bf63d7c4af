rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload CHECK /U administrator /W c:\tools\check.exe
armkill CHECK
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:FAILOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload CHECK /U administrator /W c:\tools\check.exe
armkill CHECK
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:EXIT
exit
