rem ”»’f‚Å‚«‚È‚¢”äŠrA’è”‚Ì”äŠr‚Í‘ÎÛŠO
IF 1==1 GOTO NORMAL
IF %DATE:~0,4% == 2026 GOTO EXIT
IF ^"%1^" == x GOTO EXIT
IF %ERRORLEVEL% EQU 0 GOTO EXIT
IF "%ERRORLEVEL%" GTR "0" GOTO EXIT
IF %1 == "" GOTO EXIT
FOR %%a IN (a b) DO IF "%%a" == "a" ECHO %%a
GOTO EXIT
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
EXIT
