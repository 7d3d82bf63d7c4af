rem The same layout, the second test on START: that event jumps to the missing label.
IF "%CLP_EVENT%" == "RECOVER" GOTO EXIT
powershell -Command "Get-Service | Out-Null"
IF "%CLP_EVENT%" == "START" GOTO START_SERVICE
:EXIT
