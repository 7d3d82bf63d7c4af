rem Š‡ŒÊ‚â‚©‚Á‚±‚ÅˆÍ‚ñ‚¾”äŠr: ˆÍ‚Ý‚Ì’†‚Ì’l‚ð’²‚×‚é
IF [%ARMS_EVENT%]==[STRAT] GOTO NORMAL
IF (%ARMS_EVENT%)==(FAILOVER) GOTO NORMAL
IF x%ARMS_SERVER%==xother GOTO EXIT
IF /I [%ARMS_DISK%]==[failure] GOTO EXIT
GOTO EXIT
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
EXIT
