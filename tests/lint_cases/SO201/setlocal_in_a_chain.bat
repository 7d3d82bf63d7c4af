@echo off
rem start.bat: SETLOCAL & SET opens a scope of its own; the ENDLOCAL closes that one
setlocal
set MODE=full
setlocal & set /a N=1
endlocal
IF %MODE% == full ARMSLEEP 9
