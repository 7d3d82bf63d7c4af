@echo off
rem A program's exit code handed on to CLUSTERPRO X, as NEC's samples do: trace
rem takes it to be 0 and says so, also after SET and ECHO (in a .bat file they
rem leave the errorlevel as it is) and through a variable that copies it.
IF "%CLP_EVENT%" == "START" GOTO COPY
IF "%CLP_EVENT%" == "FAILOVER" GOTO DIRECT
IF "%CLP_EVENT%" == "RECOVER" GOTO NAMED
GOTO HAND_RUN
:COPY
IF "%CLP_SERVER%" == "OTHER" GOTO OWN
PowerShell -File .\start.ps1
set ret=%ERRORLEVEL%
exit %ret%
:OWN
PowerShell -File .\start.ps1
set ret=3
exit %ret%
:DIRECT
IF "%CLP_SERVER%" == "OTHER" GOTO COPIED_BEFORE
PowerShell -File .\start.ps1
exit %ERRORLEVEL%
:COPIED_BEFORE
set ret=%ERRORLEVEL%
PowerShell -File .\start.ps1
exit %ret%
:NAMED
PowerShell -File .\start.ps1
set EXITCODE=%ERRORLEVEL%
echo done
set RC=%EXITCODE%
exit /b %RC%
:HAND_RUN
PowerShell -File .\start.ps1
echo done
set x=1
