rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice" "Server"
ARMLOAD /S /M StarOffice "StarOffice Server"
ARMLOAD BKUP /U Administrator /W cmd.exe /C echo a b
GOTO EXIT
:EXIT
exit
