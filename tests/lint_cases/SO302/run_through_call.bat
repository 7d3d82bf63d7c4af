rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
call ARMLOADC StarOffice /W continu
call armloadc StarOffice /W PAUSE
call armloadc StarOffice /W CONTINUE
GOTO EXIT
:EXIT
exit
