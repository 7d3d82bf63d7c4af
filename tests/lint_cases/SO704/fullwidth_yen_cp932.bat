rem WebOTX のガイドの例を PDF からコピーした: 全角の円記号
rem C:￥old￥path (コメントは対象外)
set PATH=%PATH%;C:￥WebOTX￥bin
"%ALROOT%￥bin￥al2stop" /q
copy D:￥data￥a.ini C:￥work
ARMBCAST /MSG "料金￥1,000 と ￥500 の請求" /A
:: C:￥also￥a￥comment
copy ￥￥fileserv￥share￥a.ini C:\work
"C:￥データ￥bin￥tool.exe" /start
set ROOT=D:￥SO & rem D:￥old
