rem START ‚Ì”äŠr‚Íˆø—p•„‚ª•Ð‘¤‚¾‚¯: Œˆ‚µ‚Äˆê’v‚µ‚È‚¢
IF "%ARMS_EVENT%" == START GOTO NORMAL
IF "%ARMS_EVENT%" == "FAILOVER" GOTO NORMAL
IF "%ARMS_EVENT%" == "RECOVER" GOTO EXIT
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
EXIT
