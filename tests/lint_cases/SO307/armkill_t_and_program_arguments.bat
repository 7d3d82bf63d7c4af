rem start.bat
IF "%ARMS_EVENT%" == "START" GOTO NORMAL
GOTO EXIT
:NORMAL
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
armkill CXUS  /T 0
ARMKILL PERLE /T 0
armload BKUP /U Administrator /W cmd.exe /S /C "D:\job\prep.bat"
armload COPY /U Administrator /W robocopy.exe D:\data E:\data /S /R:1
armkill BKUP
armkill COPY
GOTO EXIT
:EXIT
exit
