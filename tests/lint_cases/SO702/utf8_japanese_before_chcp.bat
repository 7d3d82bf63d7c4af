@ECHO OFF
SET MSG=起動します
chcp 65001 >nul
ARMBCAST /MSG "%MSG%" /A
EXIT /B 0
