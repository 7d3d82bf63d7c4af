rem start.bat: NEC reserves IDs beginning with NEC_, so ARMLOAD takes an underscore;
rem NEC's CLUSTERPRO X templates load INPUT_REPSTOP (sample version 9.0.3-1).
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD Star_Office /S /M "StarOffice Server"
armload INPUT_REPSTOP /U Administrator /W powershell.exe .\repstop.ps1
armkill INPUT_REPSTOP
GOTO EXIT
:EXIT
exit
