rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /R 3 /WAIT 3601 "StarOffice Server"
ARMLOAD StarOffice /S /R 3 /INT 0 "StarOffice Server"
ARMLOAD WorkFlow /S /R 3 /WAIT -5 "WWF Server"
ARMLOAD WorkFlow /S /R 3 /INT ten "WWF Server"
GOTO EXIT
:EXIT
exit
