rem backup.bat -- StarOffice のバックアップ (1.5.1)
setlocal
rem StarOffice サービス監視の休止
ARMLOADC StarOffice /W PAUSE
rem StarOffice サービスの停止
"%ALROOT%\bin\al2stop" /q
IF "%CLP_DISK%" == "FAILURE" GOTO :EOF
rem バックアップ
call C:\scripts\so-backup.bat
rem StarOffice サービスの開始
net start "StarOffice Server"
rem StarOffice サービス監視の再開
ARMLOADC StarOffice /W CONTINUE
endlocal
