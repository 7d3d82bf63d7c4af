@echo off
rem Programs run through cmd /c and start /wait are the programs: ARMLOAD below is
rem watched, as if the line named it first. (start without /wait does not wait,
rem so the order of what it runs is not fixed: not here.)
IF "%ARMS_EVENT%" == "START" GOTO START
IF "%ARMS_EVENT%" == "FAILOVER" GOTO START
cmd /c ARMKILL WRAP1
cmd.exe /q /c "ARMKILL WRAP2"
%COMSPEC% /c ARMKILL WRAP5
start /wait "" "C:\NEC\armkill.exe" WRAP6
cmd /c "C:\Program Files\NEC\armkill.exe" WRAP7
GOTO EXIT
:START
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
cmd /c ARMLOAD WRAP1 /S /M "Svc One"
start "" /b /wait ARMLOAD WRAP2 /S /M "Svc Two"
start /b /wait cmd /c ARMSLEEP 1
rem cmd /? on quotes: the first and the last go, those inside stay
cmd /c "ARMLOAD WRAP4 /S /M "Svc Four""
cmd /c "C:\NEC\armload.exe WRAP7 /S /M "Svc Seven""
cmd /c "@ARMSLEEP 5"
rem start's title is the first quoted word before the program, wherever it stands
start /w "C:\NEC\armload.exe" ARMSLEEP 4
cmd /x /c ARMSLEEP 2
cmd /c @ARMBCAST /MSG "started"
:EXIT
