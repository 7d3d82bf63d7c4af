rem start.bat: NEC's CLUSTERPRO X samples (Hyper-V replica kit, network_script) run a
rem program under a watch ID and load the same ID again in stop.bat: nothing to ARMKILL.
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload NICUP /U Administrator /W powershell.exe .\start.ps1
ARMLOAD StarOffice /S /M "StarOffice Server"
ARMLOAD SOCheck /S /M "StarOffice Check"
GOTO EXIT
:EXIT
exit
