rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMKILL StarOffice "StarOffice Server"
ARMSLEEP 30 40
ARMBCAST /MSG Failed to connect the switched partition /A
ARMBCAST /MSG "Failed to connect the switched partition" /A
ARMSLEEP 30
ARMKILL FormServer
GOTO EXIT
:EXIT
exit
