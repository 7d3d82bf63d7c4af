set PATH=%PATH%;C:\WebOTX\bin
"%ALROOT%\bin\al2stop" /q
copy D:\data\a.ini C:\work
