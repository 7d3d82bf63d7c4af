rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /R 3 /H 0 "StarOffice Server"
ARMLOAD WorkFlow /S /R 3 /H 25 "WWF Server"
GOTO EXIT
:EXIT
exit
