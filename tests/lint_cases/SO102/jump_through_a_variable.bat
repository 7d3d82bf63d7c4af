@echo off
rem GOTO ‚Ìs‚«æ‚ª•Ï”‚È‚çA‚Ç‚Ìƒ‰ƒxƒ‹‚É‚à”ò‚Ñ‚¤‚é
set NEXT=%1
goto %NEXT%
:_
echo first
goto :eof
:_
echo second
