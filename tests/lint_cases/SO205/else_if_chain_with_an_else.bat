@echo off
setlocal
if "%ARMS_EVENT%"=="START" (
    armload StarOffice /S /M "StarOffice Server"
) else if "%ARMS_EVENT%"=="FAILOVER" (
    armload StarOffice /S /M "StarOffice Server"
) else if "%ARMS_EVENT%"=="RECOVER" (
    rem âΩÇ‡ÇµÇ»Ç¢
) else (
    armbcast /msg "ARM Ç™ìÆçÏÇµÇƒÇ¢Ç‹ÇπÇÒ" /a
)
:end
endlocal
