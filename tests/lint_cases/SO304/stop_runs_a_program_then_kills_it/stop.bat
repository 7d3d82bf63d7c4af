rem stop.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMKILL StarOffice
armload CLEANUP /U administrator /W c:\tools\cleanup.exe
armkill CLEANUP
GOTO EXIT
:FAILOVER
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMKILL StarOffice
armload CLEANUP /U administrator /W c:\tools\cleanup.exe
armkill CLEANUP
GOTO EXIT
:EXIT
exit
