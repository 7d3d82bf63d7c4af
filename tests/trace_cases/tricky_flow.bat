@echo off
setlocal
set TRIES=0
IF "%ARMS_EVENT%"=="" (
  ARMBCAST /MSG "ARM not running" /A
  GOTO :EOF
)
CALL :start_db MSSQLServer
IF /I "%ARMS_SERVER%"=="other" (
  CALL :log "on other"
) ELSE (
  CALL :log "on home"
)
:retry
set /a TRIES+=1
ARMSLEEP %TRIES%
IF %TRIES% LSS 3 GOTO retry
FOR /L %%i IN (1,1,2) DO ARMLOAD Probe%%i /S /M "Probe %%i"
FOR %%w IN (StarOffice SOMailGateway) DO ARMLOAD %%w /S /M "%%w"
set V=old
IF "%ARMS_DISK%"=="SUCCESS" (
  set V=new
  ARMBCAST /MSG "block saw %V%" /A
)
ARMBCAST /MSG "after %V% %V:~0,2%" /A
GOTO Twice
:twice
ARMKILL first
GOTO end
:TWICE
ARMKILL second
:end
endlocal
EXIT /B 0
:start_db
net start "%~1"
GOTO :EOF
:log
ARMBCAST /MSG %1 /A
EXIT /B
