rem NEC's CLUSTERPRO X sample: RECOVER has left at the first test, so the second
rem never jumps. Its missing label is still a mistake, but one no event reaches.
IF "%CLP_EVENT%" == "RECOVER" GOTO EXIT
powershell -Command "Get-Service | Out-Null"
IF "%CLP_EVENT%" == "RECOVER" GOTO RECOVER
:EXIT
