rem alenv2.bat -- StarOffice サーバ2 の環境 (1.2.2節)
rem 保守コマンドは必ずこのファイルを実行したプロンプトから実行すること
SET ALROOT=E:\SO2
SET ALSERVICE=StarOffice Server2
SET ALPROC=alw2
SET ALSOCKET=al2
SET PATH=%PATH%;%ALROOT%\BIN
