@echo off
rem A FOR list over several lines, an item a line, as cmd allows (sogen once read
rem the list's first line as a syntax error and the script as ending there).
IF "%ARMS_EVENT%" == "START" GOTO START
IF "%ARMS_EVENT%" == "FAILOVER" GOTO START
GOTO STOP
:START
FOR %%S IN (
  "StarOffice Server"
  MSSQLServer
) DO net start %%S
FOR /L %%N IN (
  1,1,2
) DO ARMSLEEP %%N
IF "%ARMS_SERVER%" == "OTHER" FOR %%M IN (
  "%ARMS_DISK%"
  "切替パーティションの接続を確認しました"
) DO ARMBCAST /MSG %%M /A
GOTO END
:STOP
for %%S in ( "StarOffice Server"
  MSSQLServer ) do net stop %%S
:END
ARMLOAD after /S after
