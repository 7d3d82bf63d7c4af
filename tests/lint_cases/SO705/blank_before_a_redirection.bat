SET ROOT=D:\SO 2>NUL
SET MODE=test >nul
set KEPT=ok>nul
