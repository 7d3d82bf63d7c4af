rem 金額とコメントの円記号は対象外: C:￥old￥path
ARMBCAST /MSG "料金￥1,000 と ￥500 の請求" /A
echo 合計 ￥12,000
echo Price:￥500
:: D:￥backup￥old
echo done & rem D:￥backup￥old
