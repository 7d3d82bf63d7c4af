@echo off
rem backup2.bat -- StarOffice server 2 のバックアップ (1.5節)
call C:\scripts\alenv2.bat
ARMLOADC StarOffice2 /W PAUSE
%ALROOT%\bin\al2stop /q
call C:\scripts\so-backup.bat
net start "StarOffice Server"
ARMLOADC StarOffice /W CONTINUE
