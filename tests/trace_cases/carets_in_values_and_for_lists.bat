@echo off
rem Carets are removed once, where cmd reads a line: a value set with one keeps it, a FOR
rem list's item is the item without its escapes, a quoted item keeps them.
set V=a^^b
ARMBCAST /MSG %V% /A
for %%a in (x^^y) do ARMBCAST /MSG %%a /A
for %%a in ("p^q") do ARMBCAST /MSG %%a /A
set Q="m^n"
ARMBCAST /MSG %Q% /A
if "%ARMS_EVENT%"=="START" (
  for %%a in (x^^y) do ARMBCAST /MSG %%a^^! /A
)
