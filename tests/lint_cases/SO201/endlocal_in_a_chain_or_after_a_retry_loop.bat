@echo off
rem start.bat: ENDLOCAL & SET keeps RET, and drops OTHER; a retry loop's label
rem between SETLOCAL and ENDLOCAL is entered from inside only
setlocal
set /a RET=1
set /a OTHER=2
endlocal & set RET=%RET%
IF %OTHER% == 2 ARMSLEEP 5
IF %RET% == 1 ARMSLEEP 6
setlocal
set /a TRIES=0
:retry
set /a TRIES+=1
IF %TRIES% LSS 3 GOTO retry
endlocal
IF %TRIES% == 3 ARMSLEEP 3
