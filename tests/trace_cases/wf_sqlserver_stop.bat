IF %ARMS_EVENT% == START GOTO NORMAL
IF %ARMS_EVENT% == FAILOVER GOTO FAILOVER
GOTO no_arm
:NORMAL
IF %ARMS_DISK% == FAILURE GOTO ERROR_DISK
IF %ARMS_SERVER% == OTHER GOTO ON_OTHER1
ARMBCAST /MSG "最高プライオリティサーバで終了中です" /A
ARMKILL WorkFlow
ARMKILL StarOffice
net stop MSSQLServer
ARMSLEEP 30
GOTO EXIT
:ON_OTHER1
ARMBCAST /MSG "プライオリティサーバ以外で終了です" /A
ARMKILL WorkFlow
ARMKILL StarOffice
c:\mssql\binn\isql /Usa /P /I c:\mssql\deact.sql /o c:\mssql\deact.log
net stop MSSQLServer
ARMSLEEP 30
GOTO EXIT
:FAILOVER
IF %ARMS_DISK% == FAILURE GOTO ERROR_DISK
IF %ARMS_SERVER% == OTHER GOTO ON_OTHER1
ARMBCAST /MSG "最高プライオリティサーバで終了中です(フェイルオーバ後)" /A
ARMKILL WorkFlow
ARMKILL StarOffice
net stop MSSQLServer
ARMSLEEP 30
GOTO EXIT
:ERROR_DISK
ARMBCAST /MSG "切替パーティションの接続に失敗しました" /A
GOTO EXIT
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerが動作状態にありません" /A
:EXIT
exit
