IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO done
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
:done
GOTO :EOF
:ERROR_DISK
ARMBCAST /MSG "ディスク異常" /A
