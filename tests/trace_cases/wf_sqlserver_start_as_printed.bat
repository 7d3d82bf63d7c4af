rem ***************************************************************
rem 起動要因チェック
rem ***************************************************************
IF %ARMS_EVENT% == START GOTO NORMAL
IF %ARMS_EVENT% == FAILOVER GOTO FAILOVER
IF %ARMS_EVENT% == RECOVER GOTO RECOVER
rem ActiveRecoveryManager 未動作
GOTO no_arm
:NORMAL
rem net start OracleServiceORCL
rem net start OracleTNSListener
rem set ORACLE_SID=ORCL
rem svrmgr30 command=@c:\orant\startup.sql
rem ディスクチェック
IF %ARMS_DISK% == FAILURE GOTO ERROR_DISK
IF %ARMS_SERVER% == OTHER GOTO ON_OTHER1
ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
net start MSSQLServer
ARMLOAD StarOffice /S /M StarOffice Server
ARMLOAD WorkFlow /S /M WWF Server
:ON_OTHER1
ARMBCAST /MSG "プライオリティサーバ以外で起動中です" /A
net start MSSQLServer
c:\mssql\binn\isql /Usa /P /I c:\mssql\ACT.SQL /o c:\mssql\ACT.LOG
ARMLOAD StarOffice /S /M StarOffice Server
ARMLOAD WorkFlow /S /M WWF Server
:RECOVER
ARMBCAST /MSG "Serverの復旧が終了しました" /A
:FAILOVER
IF %ARMS_DISK% == FAILURE GOTO ERROR_DISK
IF %ARMS_SERVER% == OTHER GOTO ON_OTHER2
ARMBCAST /MSG "最高プライオリティサーバで起動中です(フェイルオーバ後)" /A
net start MSSQLServer
ARMLOAD StarOffice /S /M StarOffice Server
ARMLOAD WorkFlow /S /M WWF Server
:ON_OTHER2
ARMBCAST /MSG "プライオリティサーバ以外で起動中です(フェイルオーバ後)" /A
net start MSSQLServer
c:\mssql\binn\isql /Usa /P /I c:\mssql\ACT.SQL /o c:\mssql\ACT.LOG
ARMLOAD StarOffice /S /M StarOffice Server
ARMLOAD WorkFlow /S /M WWF Server
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
:EXIT
exit
