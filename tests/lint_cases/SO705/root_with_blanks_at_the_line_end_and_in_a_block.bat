IF "%ARMS_EVENT%" == "START" (
  SET ALROOT=D:\SO 	
)
(set MODE=test )
"%ALROOT%\bin\al2start"
