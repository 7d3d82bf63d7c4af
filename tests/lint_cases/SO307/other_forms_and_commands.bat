rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armload CHECK /U administrator /W c:\tools\check.exe /all /R 5
armkill CHECK
ARMLOADC StarOffice /W PAUSE
ARMLOADC StarOffice /W CONTINUE
ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
ARMSLEEP 30
GOTO EXIT
:EXIT
exit
