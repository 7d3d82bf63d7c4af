rem A copy made before its source is set copies nothing: EXITCODE is empty here.
set EXITCODE=%ERROR_CLUSTER%
set ERROR_CLUSTER=2
if %EXITCODE% neq 0 goto EXIT
ARMLOAD W1 /S /M "svc"
:EXIT
exit %EXITCODE%
