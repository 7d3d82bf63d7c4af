rem stop.bat: every wrapper waits, or there is none
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
start "" /b /wait ARMKILL WorkFlow
cmd /c net stop "WWF Server"
START /WAIT /B cmd /c ARMKILL StarOffice
ARMSLEEP 10
:EXIT
