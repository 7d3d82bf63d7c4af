@echo off
rem start.bat: ENDLOCAL & SET RET=%RET% keeps the value past the ENDLOCAL
setlocal
set /a RET=1
endlocal & set RET=%RET%
IF %RET% == 1 ARMSLEEP 5
