rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /R 3 /WAIT 0 /INT 0 "StarOffice Server"
ARMLOAD WorkFlow /S /R 3 /WAIT -5 /INT ten "WWF Server"
GOTO EXIT
:EXIT
exit
