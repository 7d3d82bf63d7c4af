rem alenv2.bat
set ALSERVICE=StarOffice Server2
set ALPROC=alw2
set ALSOCKET=al2
