@echo off
rem 見出しや区切りのラベルは、どの GOTO も指さなければ重複してもよい
goto check
:check
:Windows XP
ver | find "5.1." >nul && goto old
:Windows 7
ver | find "6.1." >nul && goto old
:_
echo new
goto :eof
:_
:old
echo old
