rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
call ARMLOAD StarOffice /S /R 0 "StarOffice Server"
call ARMSLEEP
call ARMLOAD FormServer /S /M "StarOffice FormServer"
call :SUB
GOTO EXIT
:EXIT
exit
:SUB
ARMSLEEP 3
GOTO :EOF
