ARMLOADC StarOffice /W STOP
"%ALROOT%\bin\al2stop" /q
call C:\scripts\so-backup.bat
net start "StarOffice Server"
ARMLOADC StarOffice
