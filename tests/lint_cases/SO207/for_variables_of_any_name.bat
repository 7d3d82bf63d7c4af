rem FOR ïœêîÇÃñºëOÇÕãLçÜÇ≈Ç‡ÇÊÇ¢: %%# %%@ %%~$PATH:#
for %%# in (-wow x) do if /i "%%~#"=="-wow" echo hit1
for %%@ in (-wow) do if "%%@"=="-wow" echo hit2
for %%# in (cmd.exe) do if not "%%~$PATH:#"=="" echo hit3
for %%a in (a.txt) do if "%%~nxa"=="a.txt" echo hit4
