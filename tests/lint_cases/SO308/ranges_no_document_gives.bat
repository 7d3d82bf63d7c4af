rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /R 3 /INT 0 "StarOffice Server"
ARMKILL StarOffice /T soon
ARMSLEEP 0
ARMKILL FormServer /T 0
ARMLOAD WorkFlow /S /R 3 /INT 1 "WWF Server"
GOTO EXIT
:EXIT
exit
