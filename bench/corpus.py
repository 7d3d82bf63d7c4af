"""Start/stop scripts that vary in structure, not only in text, for the lint benchmark.

None is a copy of the project's golden or legacy scripts: each is put together from
the shapes hand-kept CLUSTERPRO scripts take (guide 1.2.1, 3.2; NEC's ARM samples):
dispatch by GOTO or by nested IF blocks, label names of the site's own, sections in
any order, a shared service section reached by GOTO or by falling through, CALL
subroutines, FOR loops with SET /A, product mixes, comments, typos, and the
CLUSTERPRO X variables (CLP_EVENT ...) in some of them. Caches keyed by line text
get little help here.
"""

from __future__ import annotations

import random

EVENTS = ("START", "FAILOVER", "RECOVER")
PRODUCTS = [
    ("ARMLOAD {id} /S /M \"{service}\"", "ARMKILL {id}", [("StarOffice", "StarOffice Server"),
                                                          ("StarOffice2", "StarOffice Server2"),
                                                          ("SOMailGW", "StarOffice MailGateway SMTP"),
                                                          ("FormServer", "StarOffice FormServer")]),
    ("net start \"{service}\"", "net stop \"{service}\"", [("-", "MSSQLServer"), ("-", "OracleServiceORCL"),
                                                          ("-", "OracleTNSListener")]),
]
WORDS = ("NORMAL", "FOVER", "RECOV", "MAIN", "SVC", "HOME", "OTHER", "DISKNG", "ERR", "DONE", "TOP", "SUB", "WAIT")


class ScriptWriter:
    """One script: lines, and label names the site chose."""

    def __init__(self, rng: random.Random, site: int):
        self.rng = rng
        self.site = site
        self.lines: list[str] = []
        self.clp = rng.random() < 0.15  # a site on CLUSTERPRO X
        self.used: set[str] = set()

    def label(self, hint: str) -> str:
        while True:
            name = f"{self.rng.choice(WORDS)}_{hint}{self.rng.randrange(100)}"
            if name not in self.used:
                self.used.add(name)
                return name

    def var(self, kind: str) -> str:
        return f"%{'CLP' if self.clp else 'ARMS'}_{kind}%"

    def emit(self, *lines: str) -> None:
        self.lines.extend(lines)

    def comments(self) -> None:
        for _ in range(self.rng.randrange(4)):
            self.emit(self.rng.choice(["rem ", "REM ", ":: "]) + self.rng.choice(
                [f"site {self.site:03d} 保守メモ", "担当: SE", "changed for the failover test", "do not edit by hand"]))

    def test(self, kind: str, value: str, target: str) -> str:
        quoted = self.rng.random() < 0.8
        left, right = (f'"{self.var(kind)}"', f'"{value}"') if quoted else (self.var(kind), value)
        flag = "/I " if self.rng.random() < 0.2 else ""
        return f"IF {flag}{left} == {right} GOTO {target}"

    def services(self, start: bool) -> None:
        template_start, template_stop, choices = self.rng.choice(PRODUCTS)
        for watch, service in self.rng.sample(choices, k=self.rng.randint(1, len(choices))):
            line = (template_start if start else template_stop).format(id=watch, service=service)
            if self.rng.random() < 0.05:
                line = line.replace("/S /M", "/M /S")
            self.emit(line)
        if not start and self.rng.random() < 0.6:
            self.emit(f"ARMSLEEP {self.rng.choice([10, 30, 60])}")
        if self.rng.random() < 0.5:
            self.emit(f'ARMBCAST /MSG "site {self.site:03d}: {"起動" if start else "停止"}しました" /A')


def script(rng: random.Random, site: int, start: bool) -> bytes:
    w = ScriptWriter(rng, site)
    if rng.random() < 0.7:
        w.emit("@echo off")
    w.comments()
    if rng.random() < 0.3:
        w.emit("SETLOCAL")
    events = list(EVENTS if start else EVENTS[:2])
    rng.shuffle(events)
    sections = {event: w.label(event[:2]) for event in events}
    shared, done, sub = w.label("SVC"), w.label("EXIT"), w.label("SUB")
    nested = rng.random() < 0.3
    if nested:  # dispatch by IF blocks instead of a GOTO per event
        for event in events:
            w.emit(f'IF "{w.var("EVENT")}" == "{event}" (', f"  GOTO {sections[event]}", ")")
    else:
        for event in events:
            w.emit(w.test("EVENT", event, sections[event]))
    w.emit(f"GOTO {done}" if rng.random() < 0.9 else f"GOTO {done[:-1]}")  # a typo now and then
    falls = rng.random() < 0.3
    for index, event in enumerate(events):
        w.emit("", f":{sections[event]}")
        w.comments()
        w.emit(w.test("DISK", "FAILURE", done))
        if rng.random() < 0.5:
            other = w.label("OT")
            w.emit(w.test("SERVER", "OTHER", other), f"CALL :{sub} {index}")
            w.emit(f"GOTO {shared}", f":{other}", f'ARMBCAST /MSG "{event} on the other server" /A')
        last = index == len(events) - 1
        if not (falls and last):
            w.emit(f"GOTO {shared}")
    w.emit("", f":{shared}")
    w.services(start)
    if rng.random() < 0.3:
        w.emit("FOR /L %%N IN (1,1,3) DO (", "  SET /A TRIES=%%N*2", "  ARMSLEEP 1", ")")
    w.emit(f"GOTO {done}", "", f":{sub}", "SET /A ROUND=%1+1")
    if rng.random() < 0.4:
        w.emit("IF %ROUND% GTR 1 (", "  IF EXIST C:\\temp\\flag.txt (", "    ARMBCAST /MSG \"retry\" /A", "  )", ")")
    w.emit("GOTO :EOF", "", f":{done}", "exit" if rng.random() < 0.8 else "EXIT /B 0")
    eol = "\r\n" if rng.random() < 0.95 else "\n"
    return (eol.join(w.lines) + eol).encode("cp932", errors="replace")
