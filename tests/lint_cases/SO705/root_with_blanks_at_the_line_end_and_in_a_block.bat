IF "%ARMS_EVENT%" == "START" (
  SET ALROOT=D:\SO 	
)
(set MODE=test )
SET BIN=%ALROOT%\bin
