@echo off
rem The ELSE takes every event but RECOVER, the unset one too: it starts StarOffice.
if "%ARMS_EVENT%"=="RECOVER" (
    armbcast /msg "Server‚Ì•œ‹Œ‚ªI—¹‚µ‚Ü‚µ‚½" /a
) else (
    armload StarOffice /S /M "StarOffice Server"
)
