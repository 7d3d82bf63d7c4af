rem start.bat
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO FAILOVER
GOTO EXIT
:NORMAL
IF "%CLP_DISK%" == "FAILURE" GOTO EXIT
armload CHECK /U administrator /W c:\tools\check.exe
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:FAILOVER
IF "%CLP_DISK%" == "FAILURE" GOTO EXIT
armload CHECK /U administrator /W c:\tools\check.exe
armkill CHECK
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:EXIT
exit
