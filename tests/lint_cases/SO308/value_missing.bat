rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /R /H 2 "StarOffice Server"
ARMBCAST /MSG /A
GOTO EXIT
:EXIT
exit
