rem the jump to a label is the one that can miss
call :sub
exit /b
:sub
exit /b
