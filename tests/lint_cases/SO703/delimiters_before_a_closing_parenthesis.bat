@echo off
rem cmd ‚Í ) ‚Ì‘O‚Ì ; , = ‚Æ‹ó”’‚ð“Ç‚Ý”ò‚Î‚·
IF "%ARMS_EVENT%" == "START" (
    ARMLOAD StarOffice /S /M "StarOffice Server"
;)
FOR /F "usebackq tokens=* delims=" %%V IN (`
  powershell -NoProfile -Command ^
    "[math]::Round((Get-PSDrive -Name 'D').Free / 1GB, 2)"
`) DO SET "FREE_GB=%%V"
IF DEFINED FREE_GB ( ECHO %FREE_GB% , )
