@echo off
rem SET /A counts in 32 bits, as C ints do: every step wraps, and / and %% round
rem toward zero. 2147483647*4/4 is -1, not 2147483647.
SET /A WRAP=0x7FFFFFFF*4/4
SET /A NEG=-7/2, REM=-7%%2, BIG=2147483647+1
IF "%ARMS_EVENT%" == "START" ARMBCAST /MSG "[%WRAP%] [%NEG%] [%REM%] [%BIG%]" /A
