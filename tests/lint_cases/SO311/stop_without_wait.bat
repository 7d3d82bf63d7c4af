rem stop.bat: ARMKILL and net stop run through start, not waited for
rem (one a path: what start runs is not waited for, so the order of two is not fixed)
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO FAILOVER
start /b /min net stop "WWF Server"
GOTO EXIT
:NORMAL
start "" /b ARMKILL WorkFlow
GOTO EXIT
:FAILOVER
start "" /b /normal ARMKILL StarOffice
:EXIT
