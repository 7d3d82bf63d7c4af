IF "%ARMS_EVENT%" ==
FOR %%s IN (StarOffice WorkFlow) ARMKILL %%s
ARMKILL StarOffice
