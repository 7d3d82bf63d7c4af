rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMBCAST "ARM is not running" /A
ARMBCAST /A
ARMBCAST /MSG "ARM is not running" /A
GOTO EXIT
:EXIT
exit
