@echo off
setlocal EnableDelayedExpansion
FOR /F "tokens=1,2 delims==" %%a IN ('set ARMS_') DO (
    set LAST=%%b
    echo %%a=!LAST! >> %~dp0arms.log 2>&1
)
net start | find /I "StarOffice Server" >nul && echo running || echo stopped
ARMBCAST /MSG "‹N“®’†‚Å‚·" ^
  /A
FOR /L %%i IN (1,1,3) DO ARMSLEEP 10
pushd %~dp0 & call :log & popd
endlocal
exit /b 0
:log
echo %DATE% %TIME%>>C:\cluster\start.log
goto :EOF
