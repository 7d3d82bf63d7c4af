ARMLOAD StarOffice /S /M "StarOffice Server"
ARMKILL StarOffice
ARMLOAD StarOffice /S /M "StarOffice Server"
