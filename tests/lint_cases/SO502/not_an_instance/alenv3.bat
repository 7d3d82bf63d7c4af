rem alenv3.bat
SET ALROOT=F:\SO3
