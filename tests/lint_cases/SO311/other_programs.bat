rem start.bat: start without /wait for what the cluster does not wait on
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
start /b notepad C:\StarOffice\readme.txt
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
start /b ARMBCAST /MSG "StarOffice started" /A
:EXIT
