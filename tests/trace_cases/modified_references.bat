@echo off
rem %%NAME:~n,m%% and %%NAME:a=b%% are expanded before cmd splits the line: the "," and
rem "=" inside them separate nothing (sogen once read such an IF as a syntax error).
SET STAMP=20261205
IF %STAMP:~0,4% == 2026 ARMLOAD Y /S year
IF %STAMP:~4,2% GTR 06 ARMLOAD H /S second_half
IF %ARMS_EVENT:~0,4% == STAR GOTO START
IF %ARMS_SERVER:OTHER=HOME% == HOME ARMBCAST /MSG either /A
GOTO END
:START
FOR /L %%N IN (1,1,2) DO IF %ARMS_DISK:~0,1% EQU F ARMSLEEP %%N
ARMLOAD S /S started
:END
ARMLOAD after /S after
