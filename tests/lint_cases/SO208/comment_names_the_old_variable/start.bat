rem start.bat
rem ported: was IF "%ARMS_EVENT%" == "START"
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO NORMAL
IF "%CLP_EVENT%" == "RECOVER" GOTO EXIT
GOTO EXIT
:NORMAL
IF "%CLP_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
exit
