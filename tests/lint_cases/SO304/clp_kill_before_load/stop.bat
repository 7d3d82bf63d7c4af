rem stop.bat
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO FAILOVER
GOTO EXIT
:NORMAL
IF "%CLP_DISK%" == "FAILURE" GOTO EXIT
ARMKILL StarOffice
armkill CLEANUP
armload CLEANUP /U administrator /W c:\tools\cleanup.exe
GOTO EXIT
:FAILOVER
IF "%CLP_DISK%" == "FAILURE" GOTO EXIT
ARMKILL StarOffice
armkill CLEANUP
armload CLEANUP /U administrator /W c:\tools\cleanup.exe
GOTO EXIT
:EXIT
exit
