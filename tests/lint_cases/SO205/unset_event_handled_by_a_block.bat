@echo off
IF "%ARMS_EVENT%" == "" (
    ARMBCAST /MSG "ActiveRecoveryManager‚ª“®ìó‘Ô‚É‚ ‚è‚Ü‚¹‚ñ" /A
    GOTO :EOF
)
IF "%ARMS_DISK%" == "FAILURE" GOTO :EOF
:RUN
ARMLOAD StarOffice /S /M "StarOffice Server"
