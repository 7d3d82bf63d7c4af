@echo off
rem IF (%%1)==() GOTO ..., a DOS-days idiom: the parentheses are part of the operands
rem (sogen once read such a line as a syntax error that ended the script); operands
rem wrapped differently never compare equal (SO207).
IF (%1)==() ARMLOAD NOARG /S no_argument
IF (%ARMS_EVENT%)==(START) GOTO START
IF NOT (%ARMS_SERVER%)==(HOME) ARMBCAST /MSG other /A
IF (%ARMS_DISK%)==() GOTO END
IF "%ARMS_EVENT%"==START ARMLOAD NEVER /S quotes_on_one_side
IF NOT [%ARMS_EVENT%]==FAILOVER ARMLOAD ALWAYS /S brackets_on_one_side
GOTO END
:START
IF 1==1 (
  IF (%ARMS_DISK%)==(FAILURE) GOTO END
  ARMLOAD S /S started
)
:END
ARMLOAD after /S after
