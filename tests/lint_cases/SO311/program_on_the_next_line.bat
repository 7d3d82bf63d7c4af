rem stop.bat: what start runs stands on the line below a caret
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
start /b ^
  ARMKILL StarOffice
GOTO EXIT
:NORMAL
start "" /b /wait ^
ARMKILL WorkFlow
cmd /c ^
ARMKILL FormServer
:EXIT
