@echo off
rem A %NAME:"=% inside a quoted IF operand is expanded before cmd looks for the
rem closing quote: "%ARG:"=%" == "" tests an argument without its quotes (sogen once
rem read these lines as syntax errors).
set X="a b"
if "%X:"=%"=="a b" ARMLOAD STRIPPED /S stripped
if ["%X:"=%"]==["a b"] ARMLOAD BRACKETED /S bracketed
if NOT "%X:"=%"=="" ARMLOAD NOTEMPTY /S not_empty
set EV="%ARMS_EVENT%"
if "%EV:"=%"=="START" GOTO START
ARMLOAD OTHER /S other_event
GOTO :EOF
:START
ARMLOAD S /S started
