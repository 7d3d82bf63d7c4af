rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
ARMLOAD StarOffice2 /S /M "StarOffice Server2"
ARMLOAD SOMailGateway /S /M "StarOffice-MailGateway-Service"
ARMLOADC workflow /W PAUSE
ARMKILL NEC
ARMKILL NECStarOffice
ARMKILL 123
ARMKILL %WATCH_ID%
ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
GOTO EXIT
:EXIT
exit
