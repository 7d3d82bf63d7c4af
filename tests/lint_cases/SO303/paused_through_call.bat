rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
call ARMLOADC StarOffice /W PAUSE
exit /b 0
GOTO EXIT
:EXIT
exit
