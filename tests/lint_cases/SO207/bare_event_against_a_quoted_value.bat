rem ARM ‚Íˆø—p•„‚È‚µ‚Ì’l‚ðÝ’è‚·‚é: "START" ‚Æˆê’v‚·‚é‚±‚Æ‚Í‚È‚¢
IF %ARMS_EVENT% == "START" GOTO NORMAL
IF NOT %CLP_DISK% == "FAILURE" GOTO NORMAL
IF %ARMS_SERVER% == "" GOTO EXIT
GOTO EXIT
:NORMAL
ARMLOAD StarOffice /S /M "StarOffice Server"
:EXIT
