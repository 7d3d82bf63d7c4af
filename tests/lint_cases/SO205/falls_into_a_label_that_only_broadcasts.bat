rem The unset event falls into :no_arm, which only says so and leaves: a fallback too.
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
:no_arm
ARMBCAST /MSG "ActiveRecoveryManagerÇ™ìÆçÏèÛë‘Ç…Ç†ÇËÇ‹ÇπÇÒ" /A
GOTO EXIT
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
