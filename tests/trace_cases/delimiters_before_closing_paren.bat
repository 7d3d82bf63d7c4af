@echo off
rem cmd skips the delimiters " ; , =" where a command starts, also before the ")"
rem that closes a block (sogen once read such a block as a syntax error).
IF "%ARMS_EVENT%"=="START" (
  ARMLOAD A /S started
;)
IF "%ARMS_DISK%"=="FAILURE" (
  ARMLOAD D /S disk_failed
 , )
IF "%ARMS_SERVER%"=="OTHER" (ARMBCAST /MSG other /A
=)
ARMLOAD after /S after
