rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOADÅ@WorkFlow /S /M "WWF Server"
netÅ@start "StarOffice Server"
call ARMKILLÅ@StarOffice
GOTO EXIT
:EXIT
exit
