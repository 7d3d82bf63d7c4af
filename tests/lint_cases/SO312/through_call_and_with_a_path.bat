rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
call ARMLOADD StarOffice /S /M "StarOffice Server"
C:\CLUSTERPRO\bin\armsleeep.exe 30
GOTO EXIT
:EXIT
exit
