@echo off
rem In a CALLed routine %0 is the label, but %~n0, %~x0 and %~nx0 still name the
rem script (Windows and Wine alike), as a :log routine's "%~dp0arms.log" does.
call :watch W1
ARMLOAD W2 /S /M "%~n0"
exit /b 0
:watch
ARMBCAST /MSG "%0 %~nx0 %1" /A
ARMLOAD %1 /S /M "%~n0%~x0"
goto :eof
