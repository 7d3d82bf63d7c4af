@echo off
setlocal
IF "%ARMS_EVENT%" == "START" goto normal
IF "%ARMS_EVENT%" == "FAILOVER" goto Normal
goto NO_ARM
:normal
IF "%ARMS_DISK%" == "FAILURE" goto error_disk
ARMBCAST /MSG "WorkFlow を終了します" /A
ARMKILL WorkFlow
ARMKILL StarOffice
set ORACLE_SID=ORCL
D:\orant\bin\svrmgr30 command=@D:\orant\shutdown.sql
net stop OracleTNSListener
net stop OracleServiceORCL
ARMSLEEP 30
goto exit
:error_disk
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
goto exit
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
:exit
endlocal
exit
