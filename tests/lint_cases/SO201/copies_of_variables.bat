rem An exit code kept in a variable, as the Exchange samples for EXPRESSCLUSTER do:
rem a copy of a variable that always holds one word holds one word too.
set ERROR_CLUSTER=2
PowerShell -File .\RemoteExchange-ECX.ps1
set EXITCODE=%ERRORLEVEL%
if %EXITCODE% neq 0 goto EXIT
set EXITCODE=%ERROR_CLUSTER%
if %EXITCODE% == 2 echo cluster error
rem A copy of what may be empty, or of itself through another, may be empty.
set COPIED=%NEVER_SET%
if %COPIED% neq 0 goto EXIT
set A=%B%
set B=%A%
if %A% == x goto EXIT
:EXIT
exit %EXITCODE%
