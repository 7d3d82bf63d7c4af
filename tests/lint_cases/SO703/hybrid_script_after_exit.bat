@if (@X)==(@Y) @end /* JScript ‚Ì•”•ª‚Í cmd ‚ª“Ç‚Ü‚È‚¢
@echo off
cscript //E:JScript //nologo "%~nx0" %*
exit /b %errorlevel%
@if (@X)==(@Y) @end */
var shell = new ActiveXObject("WScript.Shell");
if (WScript.Arguments.Length > 0) { WScript.Echo(WScript.Arguments(0)); }
