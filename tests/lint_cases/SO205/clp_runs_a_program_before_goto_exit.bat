rem NEC's VSS sample: only RECOVER is sent away; with CLP_EVENT unset (a hand run) the
rem script dismounts the volume before its GOTO EXIT, as a start runs into a handler.
IF "%CLP_EVENT%" == "RECOVER" GOTO EXIT
mountvol x:\ /p
GOTO EXIT
:EXIT
