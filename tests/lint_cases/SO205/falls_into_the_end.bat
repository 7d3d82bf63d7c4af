IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
:end
endlocal
GOTO :EOF
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
