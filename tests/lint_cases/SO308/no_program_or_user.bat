rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload CHECK /U administrator /W
armload CLEANUP /U /W c:\tools\cleanup.exe
GOTO EXIT
:EXIT
exit
