@echo off
rem SET /A ‚Í 08 ‚ð”‚Æ‚µ‚Ä“Ç‚ß‚¸A‚»‚±‚©‚çæ‚Í‰½‚à‘ã“ü‚µ‚È‚¢
SET MODE=keep
SET RETRY=3
SET /A MODE=1+08
SET /A RETRY=08, TRIES=2
IF "%ARMS_EVENT%" == "START" ARMBCAST /MSG "[%MODE%] [%RETRY%]" /A
