@echo off
rem start.bat: an ENDLOCAL inside ( ... ) runs after cmd expanded the whole block,
rem and one in a routine's error branch does not end the straight line
setlocal
set RC=0
set MODE=full
(
  endlocal
  IF %RC% == 0 ARMSLEEP 2
)
call :one
IF %MODE% == full ARMSLEEP 4
exit /b 0
:one
setlocal
set /a N=1
IF ERRORLEVEL 1 (endlocal & exit /b 1)
endlocal
exit /b 0
