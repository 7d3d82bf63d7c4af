rem 円記号のパス: 区切りの前後が日本語でも、引用符の外でも、拡張子で終わる相対パスでも
set WEBOTX=C:\Program Files￥WebOTX￥bin
copy C:\WebOTX￥bin\a.ini D:\x
set SHARE=￥￥fileserv￥share
call sub￥stop.bat
for %%f in (a b) do copy %%f￥a.ini D:\x
"%ALROOT%"￥bin￥al2stop.exe
ARMBCAST /MSG "保存先 C:￥data 料金￥500" /A
%~dp0tools￥x.exe
