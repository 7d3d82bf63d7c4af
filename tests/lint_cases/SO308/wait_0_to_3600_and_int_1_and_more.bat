rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
rem NEC's UM8700 README: 0 waits for the start without end
ARMLOAD StarOffice /S /A /R 3 /WAIT 0 /INT 1 "StarOffice Server"
ARMLOAD WorkFlow /S /R 3 /WAIT 3600 /INT 30 "WWF Server"
GOTO EXIT
:EXIT
exit
