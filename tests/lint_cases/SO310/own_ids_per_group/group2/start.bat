rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice2 /S /M "StarOffice Server2"
ARMLOAD FormServer2 /S /M "StarOffice FormServer2"
GOTO EXIT
:FAILOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice2 /S /M "StarOffice Server2"
ARMLOAD FormServer2 /S /M "StarOffice FormServer2"
GOTO EXIT
:EXIT
exit
