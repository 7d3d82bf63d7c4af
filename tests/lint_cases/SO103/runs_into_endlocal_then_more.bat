@echo off
setlocal
IF "%ARMS_EVENT%" == "" GOTO end
ARMKILL StarOffice
:end
endlocal
ARMBCAST /MSG "í‚é~ÇµÇ‹ÇµÇΩ" /A
