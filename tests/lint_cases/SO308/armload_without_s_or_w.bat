rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /M "StarOffice Server"
ARMLOAD FormServer "StarOffice FormServer"
ARMLOAD SOMailGW
ARMLOAD WorkFlow /S /M "WWF Server"
GOTO EXIT
:EXIT
exit
