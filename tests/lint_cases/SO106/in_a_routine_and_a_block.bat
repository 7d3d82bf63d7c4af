CALL :STOPALL
ARMBCAST /MSG "í‚é~ÇµÇ‹ÇµÇΩ" /A
GOTO :EOF
:STOPALL
IF EXIST D:\SO\stop.flg (
  "D:\tools\stop services.cmd" & ARMKILL StarOffice
)
ARMKILL WorkFlow
GOTO :EOF
