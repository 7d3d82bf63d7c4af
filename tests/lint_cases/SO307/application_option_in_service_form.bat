rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /U administrator /M "StarOffice Server"
armload CHECK /U administrator /R 3 /W c:\tools\check.exe
GOTO EXIT
:EXIT
exit
