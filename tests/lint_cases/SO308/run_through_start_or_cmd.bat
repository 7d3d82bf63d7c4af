rem start.bat: ARMLOAD run through start /wait or cmd /c is still ARMLOAD
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
start "" /b /wait ARMLOAD StarOffice /S /R 12 "StarOffice Server"
cmd /c ARMLOAD WorkFlow /S /R 3 /H 0 "WWF Server"
GOTO EXIT
:EXIT
exit
