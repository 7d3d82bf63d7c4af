rem 起動スクリプト (EUC-JP で保存)
IF "%ARMS_EVENT%" == "START" ARMBCAST /MSG "起動中です" /A
