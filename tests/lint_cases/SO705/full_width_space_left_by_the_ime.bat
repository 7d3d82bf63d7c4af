rem 全角モードのまま打った空白
SET SV=%ARMS_SERVER%　
IF "%SV%" == "HOME" ARMLOAD StarOffice /S /M "StarOffice Server"
SET ALROOT=D:\SO 　& SET EV=%ARMS_EVENT%
