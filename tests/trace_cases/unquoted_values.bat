@echo off
rem %%VAR%% outside quotes: cmd splits the line after it expands it. One plain word
rem stands where the reference stood; a keyword, blanks or an ampersand make other words.
SET WORD=HOME
SET KEYWORD=NOT
SET SPACED=a b
SET AMP=svc^&ARMSLEEP
SET SVC=svc6
IF %ARMS_SERVER% == %WORD% ARMLOAD W1 /S svc1
IF %ARMS_DISK% == FAILURE ARMBCAST /MSG disk /A
ARMLOAD W6 /S %SVC%
IF "%ARMS_EVENT%" == "START" GOTO SPACES
IF "%ARMS_EVENT%" == "FAILOVER" GOTO KEYWORD
IF "%ARMS_EVENT%" == "RECOVER" GOTO AMPERSAND
GOTO END
:SPACES
ARMLOAD W7 /S svc7
IF %SPACED% == a ARMLOAD W3 /S svc3
GOTO END
:KEYWORD
ARMLOAD W8 /S svc8
IF %KEYWORD% == %WORD% ARMLOAD W2 /S svc2
GOTO END
:AMPERSAND
ARMKILL %AMP% 1
:END
