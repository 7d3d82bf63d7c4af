rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD NEC_StarOffice /S /M "StarOffice Server"
armkill nec_check
GOTO EXIT
:EXIT
exit
