rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /R 3 /WAIT 1 /INT 1 "StarOffice Server"
ARMLOAD WorkFlow /S /R 3 /WAIT 600 /INT 30 "WWF Server"
GOTO EXIT
:EXIT
exit
