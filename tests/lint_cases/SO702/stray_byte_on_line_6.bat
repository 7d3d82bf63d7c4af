rem ‹N“®ƒXƒNƒŠƒvƒg
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
rem ŽŸ‚Ìs‚É‰ó‚ê‚½ƒoƒCƒg
ARMBCAST /MSG "‹N“® ’†‚Å‚·" /A
:EXIT
