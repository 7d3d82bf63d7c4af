@echo off
rem CALL の引数は , ; = でも区切られ、SHIFT は %0 にずらし、%~n1 はパスの一部を取り出す
IF "%ARMS_EVENT%" == "START" GOTO START
GOTO EXIT
:START
CALL :LOAD StarOffice,"StarOffice Server"
CALL :LOAD2 Mail=MailGW
CALL :LOG first second third
CALL :LOG2 a b c
CALL :PROGRAM C:\app\sosvc.exe
FOR %%i IN (D:\SO\bin\al2start.exe) DO ARMBCAST /MSG "%%~nxi %%~dpi" /A
FOR %%f IN (D:\SO\bin\al2start.exe) DO ARMBCAST /MSG "%%~nf.log %%~nxf" /A
GOTO EXIT
:LOAD
ARMLOAD %1 /S /M %2
GOTO :EOF
:LOAD2
ARMKILL %2
GOTO :EOF
:LOG
SHIFT
ARMBCAST /MSG "%0 %1 %*" /A
GOTO :EOF
:LOG2
SHIFT /2
ARMBCAST /MSG "%1 %2" /A
GOTO :EOF
:PROGRAM
ARMLOAD %~n1 /U Administrator /W %~nx1
GOTO :EOF
:EXIT
