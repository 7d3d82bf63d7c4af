rem 起動要因ごとのスクリプトへ引き継ぐ
IF "%ARMS_EVENT%" == "" GOTO EXIT
IF "%ARMS_DISK%" == "FAILURE" GOTO EXIT
%~dp0start_%ARMS_EVENT%.bat
:EXIT
EXIT
