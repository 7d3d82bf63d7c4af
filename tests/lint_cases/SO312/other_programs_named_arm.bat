rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armory.exe /scan
arm-none-eabi-gcc --version
armgr list
GOTO EXIT
:EXIT
exit
