rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD Star-Office /S /M "StarOffice Server"
ARMLOAD "Star Office" /S /M "StarOffice Server"
ARMLOADC ÇrÇîÇÅÇíÇnÇÜÇÜÇâÇÉÇÖ /W PAUSE
GOTO EXIT
:EXIT
exit
