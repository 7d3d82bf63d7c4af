@echo off
rem start.bat: an inner SETLOCAL with an ENDLOCAL on each branch; one of them runs,
rem so MODE, which the outer SETLOCAL holds, is still set after either
setlocal
set MODE=full
setlocal
set /a N=1
IF "%ARMS_EVENT%" == "START" GOTO started
endlocal
GOTO after
:started
endlocal
IF %MODE% == full ARMSLEEP 1
:after
