@echo off
rem Carets go before !VAR! is expanded: ^!ID^! is the value of ID, not the name "ID^".
setlocal enabledelayedexpansion
set ID=StarOffice
set "SVC=StarOffice Server"
IF "%ARMS_EVENT%" == "START" ARMLOAD ^!ID^! /S /M "!SVC!"
IF NOT "%ARMS_EVENT%" == "START" ARMKILL ^!ID^!
