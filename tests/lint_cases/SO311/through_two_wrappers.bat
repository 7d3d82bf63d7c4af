rem start.bat: a start that wraps cmd /c, and cmd /c that wraps start
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
cmd /c start /b ARMSLEEP 30
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
start /b cmd /c ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
