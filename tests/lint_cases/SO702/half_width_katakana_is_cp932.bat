rem ·ÄÞ³ ½¸ØÌßÄ
IF "%ARMS_EVENT%" == "START" ARMBCAST /MSG "»°ÊÞ° ·ÄÞ³Á­³" /A
