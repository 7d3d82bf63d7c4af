rem è‘‚«‚Ì start.bat: ARMS_EVENT ‚à ARMS_DISK ‚à’²‚×‚È‚¢
ARMBCAST /MSG "StarOffice ‚ğ‹N“®‚µ‚Ü‚·" /A
ARMLOAD StarOffice /S /M "StarOffice Server"
