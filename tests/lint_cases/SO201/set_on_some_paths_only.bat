@echo off
rem Set on the HOME paths only: empty on the OTHER ones, where the IF breaks.
IF "%ARMS_SERVER%" == "HOME" set Y=1
set X=%Y%
IF %X% == 1 ARMLOAD StarOffice /S /M "StarOffice Server"
