set SERVICE=StarOffice Server2
set ALPROC=alw2
set ALSOCKET=al2
set ALROOT=E:\SO2
rem StarOffice サービス監視の休止
ARMLOADC StarOffice2 /W PAUSE
rem StarOffice サービスの停止
%ALROOT%\bin\al2stop /q
rem StarOffice サービスの開始
net start StarOffice Server2
net start "%SERVICE%"
rem StarOffice サービス監視の再開
ARMLOADC StarOffice2 /W CONTINUE
