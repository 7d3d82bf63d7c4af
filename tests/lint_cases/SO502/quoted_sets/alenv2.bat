@echo off
rem alenv2.bat -- quoted SETs, lower case, PATH prepended
set "ALROOT=E:\SO2"
set "ALSERVICE=StarOffice Server2"
set "ALPROC=alw2"
set "ALSOCKET=al2"
set "PATH=%ALROOT%\bin;%PATH%"
