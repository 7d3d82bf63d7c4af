rem helper.bat: sets the environment, jumps nowhere
set ALROOT=D:\SO
IF NOT EXIST "%ALROOT%" echo missing
net start "StarOffice Server"
goto :eof
