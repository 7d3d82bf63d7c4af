@echo off
IF %1 == stop GOTO STOP
IF /I "%CLP_EVENT%" == %EXPECTED_EVENT% GOTO START
GOTO :EOF
:STOP
ARMKILL StarOffice
GOTO :EOF
:START
ARMLOAD StarOffice /S /M "StarOffice Server"
