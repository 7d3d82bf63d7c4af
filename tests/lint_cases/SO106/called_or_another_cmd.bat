CALL %~dp0common_stop.bat
call "D:\tools\stop services.cmd"
start /wait %~dp0notify.bat
cmd /c %~dp0log.cmd stop
D:\tools\backup.exe
ARMKILL StarOffice
