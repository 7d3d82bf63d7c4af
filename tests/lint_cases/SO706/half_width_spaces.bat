rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD WorkFlow /S /M "WWF Server"
net start "StarOffice Server"
GOTO EXIT
:EXIT
exit
