rem óºï”ÇìØÇ∂å`Ç≈àÕÇﬂÇŒî‰ärÇÕê¨ÇËóßÇ¬
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF [%ARMS_EVENT%] == [FAILOVER] GOTO NORMAL
IF (%ARMS_EVENT%)==(RECOVER) GOTO EXIT
IF x%1 == x GOTO EXIT
IF %1. == . GOTO EXIT
IF /I "%ARMS_DISK%" == "failure" GOTO EXIT
IF "%CLP_SERVER%%ARMS_SERVER%" == "HOME" GOTO EXIT
GOTO EXIT
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
EXIT
