set TRIES=0
:retry
set /a TRIES+=1
ARMSLEEP 10
IF %TRIES% LSS 3 GOTO retry
IF %MAX_TRIES% GTR 0 GOTO retry
ARMLOAD StarOffice /S /M "StarOffice Server"
