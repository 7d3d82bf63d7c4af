@echo off
rem CLUSTERPRO X: the fallback section writes to X's log
IF "%CLP_EVENT%" == "START" GOTO NORMAL
IF "%CLP_EVENT%" == "FAILOVER" GOTO NORMAL
GOTO no_arm
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
GOTO EXIT
:no_arm
clplogcmd -m "Cluster Server is not started" -l WARN
eventcreate /T WARNING /ID 1 /L APPLICATION /D "not started"
:EXIT
exit
