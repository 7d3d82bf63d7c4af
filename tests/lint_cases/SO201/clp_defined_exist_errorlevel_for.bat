IF DEFINED CLP_EVENT GOTO ARM
IF EXIST %ALROOT%\bin\al2stop.exe GOTO ARM
IF ERRORLEVEL 1 GOTO ARM
FOR %%s IN ("StarOffice Server" "WWF Server") DO IF %%s == "WWF Server" echo %%s
:ARM
exit
