@echo off
rem The sections meet again at :COMMON, each in a state of its own: a variable set
rem or not, a SETLOCAL still open, the errorlevel a routine left.
IF "%ARMS_SERVER%" == "OTHER" SET SIDE=other
IF "%ARMS_DISK%" == "FAILURE" GOTO FAILED
IF "%ARMS_EVENT%" == "START" GOTO LOCAL
GOTO COMMON
:LOCAL
SETLOCAL
SET SIDE=local
GOTO COMMON
:FAILED
CALL :FAIL
:COMMON
IF ERRORLEVEL 1 ARMBCAST /MSG failed /A
ARMLOAD W%SIDE% /S svc
ENDLOCAL
ARMKILL W%SIDE%
GOTO :EOF
:FAIL
EXIT /B 1
