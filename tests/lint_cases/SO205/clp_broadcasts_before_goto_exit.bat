rem The same layout with an inline fallback that only says so and leaves: nothing runs.
IF "%CLP_EVENT%" == "START" GOTO DISMOUNT
IF "%CLP_EVENT%" == "FAILOVER" GOTO DISMOUNT
IF "%CLP_EVENT%" == "RECOVER" GOTO EXIT
ARMBCAST /MSG "ÉNÉâÉXÉ^Ç™ìÆçÏÇµÇƒÇ¢Ç‹ÇπÇÒ" /A
GOTO EXIT
:DISMOUNT
mountvol x:\ /p
:EXIT
