rem start.bat
rem ported to CLUSTERPRO X: was IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%CLP_DISK%" == "FAILURE" GOTO EXIT & rem the old test: %ARMS_DISK%
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
exit
