rem alenv1.bat -- StarOffice サーバ1 の環境 (1.2.2節)
rem 保守コマンドは必ずこのファイルを実行したプロンプトから実行すること
SET ALROOT=D:\SO1
SET ALSERVICE=StarOffice Server
SET ALPROC=al2
SET ALSOCKET=al2
SET PATH=%PATH%;%ALROOT%\BIN
