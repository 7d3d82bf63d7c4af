@echo off
rem start.bat: & binds more loosely than &&: the ENDLOCAL runs whatever DIR did
setlocal
set /a A=1
dir C:\nowhere >nul 2>&1 && set /a B=2 & endlocal
IF %A% == 1 ARMSLEEP 3
