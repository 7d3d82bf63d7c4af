rem EXPRESSCLUSTER の README にある形: RECOVER だけを振り分け、残りは起動へ進む
IF "%ARMS_EVENT%" == "RECOVER" GOTO EXIT
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
