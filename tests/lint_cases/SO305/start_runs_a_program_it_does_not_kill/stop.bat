rem stop.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMKILL StarOffice
armload NICUP /U Administrator /W powershell.exe .\stop.ps1
GOTO EXIT
:EXIT
exit
