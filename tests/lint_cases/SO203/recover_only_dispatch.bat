rem start.bat: RECOVER ‚¾‚¯‚ðU‚è•ª‚¯ASTART ‚Æ FAILOVER ‚Í‹N“®‚Ìˆ—‚Öi‚Þ
IF "%ARMS_EVENT%" == "RECOVER" GOTO EXIT
IF "%ARMS_EVENT%" == "" GOTO EXIT
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
