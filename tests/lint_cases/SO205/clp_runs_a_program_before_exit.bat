rem NEC's PowerShell sample: the start follows the RECOVER test and ends with EXIT, so
rem with CLP_EVENT unset it runs too.
IF "%CLP_EVENT%" == "RECOVER" GOTO EXIT
PowerShell -File .\start.ps1
set ret=%ERRORLEVEL%
exit %ret%
:EXIT
