rem start.bat (EXPRESSCLUSTER の Hyper-V サンプルの形): RECOVER 以外は PowerShell で起動する
IF "%CLP_EVENT%" == "RECOVER" GOTO RECOVER
cd "%CLP_SCRIPT_PATH%"
PowerShell -File .\start.ps1
exit %ERRORLEVEL%
:RECOVER
exit 0
