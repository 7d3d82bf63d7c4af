@echo off
rem start.bat: a state set between SETLOCAL and ENDLOCAL, compared after ENDLOCAL
setlocal
sc query StarOffice | find "RUNNING" > nul
IF ERRORLEVEL 1 (set STATE=stopped) ELSE (set STATE=running)
endlocal
IF %STATE% == running GOTO RUNNING
ARMLOAD StarOffice /S /M "StarOffice Server"
:RUNNING
rem the usual way to keep a value: ENDLOCAL and SET on one line
setlocal
set /a TRIES=3
IF %TRIES% == 3 echo still set here
endlocal & set KEPT=%TRIES%& IF %TRIES% == 3 echo expanded before ENDLOCAL ran
IF %KEPT% == 3 echo kept
set MODE=normal
setlocal
set MODE=test
endlocal
IF %MODE% == normal echo set before SETLOCAL: restored
