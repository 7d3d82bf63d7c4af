rem ˆø”‚â“ü—Í‚©‚çÝ’è‚µ‚½•Ï”Aã‚Å‹ó‚É‚µ‚½•Ï”‚Í‹ó‚É‚È‚è‚¤‚é
set TARGET=%1
set /p ANSWER=‘±s‚µ‚Ü‚·‚© (y/n):
set NAME=
if %TARGET% == all GOTO ALL
if %ANSWER% == y GOTO ALL
if %NAME% == x GOTO ALL
set RESULT=
if exist C:\flag set RESULT=1
if %RESULT% == 1 GOTO ALL
set SPACED=a b
if %SPACED% == a GOTO ALL
:ALL
