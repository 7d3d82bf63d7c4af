rem ŒÃ‚¢‘‚«•û‚ÌU‚è•ª‚¯: [ ] ‚Æ ( ) ‚ÅˆÍ‚ñ‚Å‚à•ªŠò‚Í•ªŠò
IF [%ARMS_EVENT%]==[START] GOTO NORMAL
IF (%ARMS_EVENT%)==(FAILOVER) GOTO NORMAL
IF .%ARMS_EVENT%.==.RECOVER. GOTO EXIT
GOTO EXIT
:NORMAL
IF [%ARMS_DISK%]==[FAILURE] GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
EXIT
