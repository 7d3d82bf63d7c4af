rem A copy of a variable a CALLed routine at the end sets: set when the copy is made.
call :init
set X=%Y%
IF %Y% == 1 ARMBCAST /MSG one /A
IF %X% == 1 ARMLOAD StarOffice /S /M "StarOffice Server"
goto :eof
:init
set Y=1
goto :eof
