@echo off
rem start.bat: the ENDLOCAL is on the branch the START path jumps over
setlocal
set STATE=x
IF "%ARMS_EVENT%" == "START" GOTO START
endlocal
GOTO EXIT
:START
IF %STATE% == x ARMSLEEP 3
endlocal
:EXIT
