rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
ARMLOAD WorkFlow /S /A /R 3 /H 24 /SCR /WAIT 60 /INT 10 "WWF Server"
armload SOMailGateway /s /a /r 1 /h 1 /scr /wait 1 /int 1 "StarOffice-MailGateway-Service"
GOTO EXIT
:EXIT
exit
