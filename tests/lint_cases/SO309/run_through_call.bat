rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
call ARMLOAD NEC_X /S /M "StarOffice Server"
call ARMKILL Star-Office
call ARMKILL StarOffice
GOTO EXIT
:EXIT
exit
