@echo off
rem A ^ at the end of a line escapes the next line's first character: for an empty
rem line, its end. SET LF=^ and two empty lines hold a line feed; with one empty line
rem the command goes on and swallows the next line (sogen once read both as errors).
setlocal EnableDelayedExpansion
set LF=^


IF DEFINED LF ARMLOAD DEFINED /S lf_defined
IF "!LF!"=="" ARMLOAD EMPTY /S lf_empty
set SWALLOWED=^

ARMLOAD NEVER /S swallowed
IF DEFINED SWALLOWED ARMLOAD SET /S swallowed_is_set
IF "%ARMS_EVENT%"=="START" ARMLOAD A /S a
ARMLOAD after /S after
