rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLAOD StarOffice /S /M "StarOffice Server"
ARMKIL FormServer
armbcst /MSG "x" /A
GOTO EXIT
:EXIT
exit
