rem ˆø”‚â“ü—Í‚©‚çÝ’è‚µ‚½•Ï”‚Í‹ó‚É‚È‚è‚¤‚é
set TARGET=%1
set /p ANSWER=‘±s‚µ‚Ü‚·‚© (y/n):
set NAME=
if %TARGET% == all GOTO ALL
if %ANSWER% == y GOTO ALL
if %NAME% == x GOTO ALL
:ALL
