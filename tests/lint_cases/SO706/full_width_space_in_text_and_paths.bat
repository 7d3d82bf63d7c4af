rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
echo 全角　スペース
ARMBCAST /MSG "サーバ　起動中" /A
"C:\新しい　フォルダ\tool.exe" /q
C:\新しい　フォルダ\tool.exe /q
call 新しい　フォルダ\setenv.bat
rem 全角　スペース
GOTO EXIT
:EXIT
exit
