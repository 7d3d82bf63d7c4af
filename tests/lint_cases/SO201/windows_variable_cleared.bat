@echo off
rem Windows sets OS for every process; the script clears it.
set OS=
IF %OS% == Windows_NT echo nt
