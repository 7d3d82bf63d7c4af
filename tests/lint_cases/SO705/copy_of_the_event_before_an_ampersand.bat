rem 移行用: イベントを短い名前に写す
SET EV=%ARMS_EVENT% & SET SV=%ARMS_SERVER%
IF "%EV%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
