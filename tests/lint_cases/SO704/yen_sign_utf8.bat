chcp 65001 >nul
set PATH=%PATH%;C:¥WebOTX¥bin
echo ¥100
