rem backup.bat
SET ALROOT=D:\SO1
SET ALSERVICE=StarOffice Server
SET ALPROC=al2
ARMLOADC StarOffice /W PAUSE
%ALROOT%\bin\al2stop /q
net start "StarOffice Server"
ARMLOADC StarOffice /W CONTINUE
