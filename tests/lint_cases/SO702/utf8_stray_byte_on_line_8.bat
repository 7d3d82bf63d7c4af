@echo off
rem 起動スクリプト: UTF-8 で保存
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
rem 次の行のコメントに壊れたバイト
rem ascii
rem 起�動
ARMBCAST /MSG "started" /A
:EXIT
