rem start.bat から CALL する補助スクリプト: クラスタの操作はしない
echo %DATE% %TIME% >> C:\LOG\start.log
