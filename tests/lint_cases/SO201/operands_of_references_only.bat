@echo off
IF %~1 == stop GOTO STOP
IF %ARMS_EVENT%%ARMS_SERVER% == STARTHOME GOTO START
GOTO :EOF
:STOP
ARMKILL StarOffice
GOTO :EOF
:START
ARMLOAD StarOffice /S /M "StarOffice Server"
