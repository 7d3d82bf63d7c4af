@echo off
rem start.bat: the main part in SETLOCAL ... ENDLOCAL, its routine below: MODE is
rem set when the routine runs (CALL), not gone
setlocal
set MODE=full
call :work
endlocal
exit /b 0

:work
IF %MODE% == full ARMSLEEP 1
exit /b 0
