rem ‹N“®ƒXƒNƒŠƒvƒg
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
rem ŽŸ‚Ìs‚ÌƒRƒƒ“ƒg‚É‰ó‚ê‚½ƒoƒCƒg (cmd ‚ªŽÀs‚µ‚È‚¢s: Wine ‚Ì“Ç‚Ý•û‚É—Š‚ç‚È‚¢)
rem ‹N“® ’†‚Å‚·
ARMBCAST /MSG "‹N“®’†‚Å‚·" /A
:EXIT
