rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
ARMLOAD FormServer /S /M "StarOffice FormServer"
GOTO EXIT
:FAILOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
ARMLOAD FormServer /S /M "StarOffice FormServer"
GOTO EXIT
:EXIT
exit
