@echo off
rem Event tests inside SETLOCAL scopes. ENDLOCAL, and the return of a CALLed routine
rem that ran SETLOCAL, give back the environment SETLOCAL saw, the event variables
rem with it, also when the walk split on them inside the scope or a SET hid one.
set SVC=old
setlocal
if "%ARMS_EVENT%"=="START" ARMBCAST /MSG "local start" /A
set ARMS_SERVER=hidden
endlocal
call :check
if "%ARMS_EVENT%"=="START" ARMLOAD W1 /S /M "Svc %ARMS_SERVER%"
(
    set SVC=new
    net start "%SVC%"
)
if "%ARMS_DISK%"=="FAILURE" ARMBCAST /MSG "disk" /A
exit /b 0
:check
setlocal
if "%ARMS_DISK%"=="FAILURE" (echo disk failed) else (echo disk ok)
if "%ARMS_EVENT%"=="" echo not under ARM
exit /b 0
