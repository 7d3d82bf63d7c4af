rem CLUSTERPRO X ‚ÌƒTƒ“ƒvƒ‹‚É‚ ‚é‘‚«•û: í‚É’l‚ª‚ ‚é•Ï”
IF "%CLP_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
PowerShell -File .\changeprimary.ps1
set ret=%ERRORLEVEL%
if %ret% == 0 GOTO CONTINUE
clplogcmd -m "failed" -l ERR
:CONTINUE
if %errorlevel% equ 0 echo ok
if %PROCESSOR_ARCHITECTURE%==AMD64 echo x64
if %RANDOM% GTR 100 echo big
set "MODE=test"
set EV="%CLP_EVENT%"
if %EV%=="START" echo quoted copy
if %MODE%==test echo test
call :SIZE
if %WIDTH% GTR 80 echo wide
set "MODE="
goto EXIT
:SIZE
set /a WIDTH=120
goto :EOF
:EXIT
