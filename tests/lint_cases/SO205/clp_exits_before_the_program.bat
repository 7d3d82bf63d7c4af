rem The same start, with an inline fallback that leaves before it.
IF "%CLP_EVENT%" == "START" GOTO RUN
IF "%CLP_EVENT%" == "FAILOVER" GOTO RUN
exit 0
:RUN
PowerShell -File .\start.ps1
set ret=%ERRORLEVEL%
exit %ret%
