rem a CR with only blanks after it on its line: cmd drops it, nothing joins
IF "%ARMS_EVENT%" == "START" GOTO N   
GOTO EXIT
:N
ARMKILL StarOffice
:EXIT
