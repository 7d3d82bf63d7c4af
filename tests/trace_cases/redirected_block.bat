@echo off
rem A block whose output goes to a file: "> file (" before it (sogen once read the
rem line as a syntax error that ended the script), and ") > file" after it.
> "%TEMP%\sogen_block.txt" (
  echo written by the block
  IF "%ARMS_EVENT%" == "START" ARMLOAD B1 /S block_one
)
2>nul (
  ARMBCAST /MSG "%ARMS_SERVER%" /A
) >> "%TEMP%\sogen_block.txt"
ARMLOAD after /S after
