rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /R 3 StarOffice Server
ARMLOAD NRS /S /A Nuance Recognition Service
ARMLOAD Agent /S /R 3 Agent32
ARMLOAD Mail /S /A /R 3 "Mail Relay"
GOTO EXIT
:EXIT
exit
