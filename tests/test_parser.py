"""The batch parser: the IR of every construct, positions, encodings, recovery, robustness."""

from __future__ import annotations

import ast
import codecs
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sogen.batch import ir
from sogen.batch.ir import (
    Block,
    Call,
    Chain,
    Command,
    Comment,
    Condition,
    Exit,
    For,
    Goto,
    If,
    Label,
    ParseError,
    Redirection,
    Set,
    Span,
    Word,
)
from sogen.batch.parser import (
    MAX_LINE,
    MAX_NESTING,
    POSITION_FIELDS,
    _parse_with_grammar,
    _first_parse,
    _one_line_statement_at,
    parse_lines,
    parse_script,
    program_of,
    unescape,
)

TRACE_CASES = Path(__file__).resolve().parent / "trace_cases"


def one(line: str):
    """The single statement of a one-line script."""
    statements = parse_lines([line])
    assert len(statements) == 1, statements
    return statements[0]


def grammar(*lines: str):
    """The same, through the Lark grammar only (no fast path)."""
    return grammar_at(1, *lines)


def grammar_at(first_line: int, *lines: str):
    return _parse_with_grammar(list(lines), 0, len(lines), first_line, [])


def w(text: str, column: int, line: int = 1) -> Word:
    return Word(text, Span(line, column, line, column + len(text)))


# -- one construct at a time ---------------------------------------------------------


def test_comments_and_labels():
    assert one("rem ディスクチェック") == Comment(Span(1, 1, 1, 13), "ディスクチェック")
    assert one("  @REM") == Comment(Span(1, 4, 1, 7), "")
    assert one("rem,x") == Comment(Span(1, 1, 1, 6), "x")
    assert one(":: note") == Comment(Span(1, 1, 1, 8), " note")
    assert one(":EXIT") == Label(Span(1, 1, 1, 6), "EXIT")
    assert one("  :EXIT trailing text") == Label(Span(1, 3, 1, 22), "EXIT")
    assert one(":exit2:") == Label(Span(1, 1, 1, 8), "exit2")
    assert one(": not a label") == Comment(Span(1, 1, 1, 14), " not a label")
    assert isinstance(one("remark x"), Command)  # "rem" must end in a delimiter


def test_plain_command_and_words():
    stmt = one('ARMLOAD StarOffice /S /M "StarOffice Server"')
    assert stmt == Command(
        Span(1, 1, 1, 45),
        "ARMLOAD",
        "armload",
        (w("StarOffice", 9), w("/S", 20), w("/M", 23), w('"StarOffice Server"', 26)),
        (),
        'ARMLOAD StarOffice /S /M "StarOffice Server"',
    )
    assert stmt.args[3].quoted and stmt.args[3].value == "StarOffice Server"


@pytest.mark.parametrize(
    ("name", "program"),
    [
        ("c:\\mssql\\binn\\isql", "isql"),
        ('"%ALROOT%\\bin\\al2stop"', "al2stop"),
        ("%ALROOT%\\bin\\al2stop", "al2stop"),
        ("ARMLOAD.EXE", "armload"),
        ("echo.", "echo"),
        ("goto:eof", "goto"),
        ("cd..", "cd"),
        ("svrmgr30", "svrmgr30"),
    ],
)
def test_program_of(name, program):
    assert program_of(name) == program


def test_command_paths():
    stmt = one(r'"%ALROOT%\bin\al2stop" /q')
    assert (stmt.name, stmt.program, stmt.args) == (r'"%ALROOT%\bin\al2stop"', "al2stop", (w("/q", 24),))
    stmt = one(r"c:\mssql\binn\isql /Usa /P /I c:\mssql\ACT.SQL")
    assert stmt.program == "isql" and stmt.args[-1] == w(r"c:\mssql\ACT.SQL", 31)


@pytest.mark.parametrize(
    ("line", "program", "raw", "first"),
    [
        ('cmd /c ARMLOAD A1 /S /M "Svc One"', "armload", 'ARMLOAD A1 /S /M "Svc One"', w("A1", 16)),
        ("CMD /K armsleep 5", "armsleep", "armsleep 5", w("5", 17)),
        ("cmd /x /r ARMKILL A2", "armkill", "ARMKILL A2", w("A2", 19)),  # /R is /C, /X is /E:ON
        ("cmd /c @ARMKILL A3", "armkill", "ARMKILL A3", w("A3", 17)),  # the new cmd drops the @
        ("%COMSPEC% /c ARMKILL A0", "armkill", "ARMKILL A0", w("A0", 22)),
        # cmd /?: the first and the last quote go, unless the text is a program file's path
        ('cmd.exe /q /d /c "ARMLOAD A2 /S Svc"', "armload", "ARMLOAD A2 /S Svc", w("A2", 27)),
        ('cmd /c "ARMLOAD A1 /S /M "Svc One""', "armload", 'ARMLOAD A1 /S /M "Svc One"', w("A1", 17)),
        (r'cmd /c ""C:\Program Files\NEC\armkill.exe" Q1"', "armkill", r'"C:\Program Files\NEC\armkill.exe" Q1', w("Q1", 44)),
        (r'cmd /c "C:\Program Files\NEC\armkill.exe" Q1', "armkill", r'"C:\Program Files\NEC\armkill.exe" Q1', w("Q1", 43)),
        (r'cmd /c "C:\NEC\armload.exe A4"', "armload", r"C:\NEC\armload.exe A4", w("A4", 28)),  # no file's name
        ('cmd /c "@ARMKILL X"', "armkill", "ARMKILL X", w("X", 18)),
        ("cmd /c @ ARMKILL A20", "armkill", "ARMKILL A20", w("A20", 18)),
        # start: the first quoted word before the program is the title, wherever it stands
        ('start "" /b /wait ARMLOAD A3 /S Svc', "armload", "ARMLOAD A3 /S Svc", w("A3", 27)),
        ('start /b "" ARMKILL A4', "armkill", "ARMKILL A4", w("A4", 21)),
        (r'start /wait "" "C:\NEC\armload.exe" A4 /S Svc', "armload", r'"C:\NEC\armload.exe" A4 /S Svc', w("A4", 37)),
        (r'start /wait "C:\NEC\armload.exe" A4 /S Svc', "a4", "A4 /S Svc", w("/S", 37)),  # a title, not the program
        (r'start "t" /d C:\temp /min /high armkill A5', "armkill", "armkill A5", w("A5", 41)),
        ("start /w ARMKILL A6", "armkill", "ARMKILL A6", w("A6", 18)),
        ("start /b cmd /c net start Svc", "net", "net start Svc", w("start", 21)),
    ],
)
def test_a_program_run_through_cmd_or_start_is_the_command(line, program, raw, first):
    """``cmd /c ARMLOAD ...`` runs ARMLOAD: the analysis, the rules and import see it,
    read as cmd reads it, with the wrappers kept in ``via`` and every position where it
    is written."""
    stmt = one(line)
    assert (stmt.program, stmt.raw, stmt.args[0]) == (program, raw, first)
    assert line.startswith(" ".join(stmt.via)) and line[first.span.column - 1 :].startswith(first.text)


def test_a_cmd_c_path_in_quotes_is_the_program_unless_s():
    """cmd /?: two quotes, a blank between them and a program file's path: kept whole;
    with /S, the first and the last quote go whatever they hold."""
    stmt = one(r'cmd /c "C:\Program Files\NEC\armkill.exe"')
    assert (stmt.program, stmt.name, stmt.args, stmt.via) == ("armkill", r'"C:\Program Files\NEC\armkill.exe"', (), ("cmd /c",))
    stmt = one(r'cmd /s /c "C:\Program Files\NEC\armkill.exe"')
    assert (stmt.program, stmt.name, stmt.args) == ("program", r"C:\Program", (w(r"Files\NEC\armkill.exe", 23),))


@pytest.mark.parametrize(
    ("line", "via", "detached"),
    [
        ("start ARMSLEEP 3", ("start",), True),
        ('start "" /b /wait ARMKILL X', ('start "" /b /wait',), False),
        ("START /W ARMKILL X", ("START /W",), False),
        ("cmd /c ARMKILL X", ("cmd /c",), False),
        ("start /b cmd /c ARMKILL X", ("start /b", "cmd /c"), True),
        ("cmd /c start ARMKILL X", ("cmd /c", "start"), True),
        ("start /wait cmd /c start /b armkill X", ("start /wait", "cmd /c", "start /b"), True),
        ("ARMKILL X", (), False),
        # A redirection before the program goes to start (or cmd), on one line or across a caret.
        ("start /b >nul ARMKILL X", ("start /b",), True),
        ("start /b >nul ^\nARMKILL X", ("start /b",), True),
        ("cmd /c 2>&1 ARMKILL X", ("cmd /c",), False),
        # The wrapper's own text across carets is shown as one line.
        ("start ^\n/b ^\n  ARMKILL X", ("start /b",), True),
    ],
)
def test_a_start_without_wait_runs_the_program_detached(line, via, detached):
    stmt = one(line)
    assert (stmt.program, stmt.via, stmt.detached) == ("armkill" if "ARMSLEEP" not in line else "armsleep", via, detached)


@pytest.mark.parametrize(
    "line",
    [
        "cmd /c set X=1",  # sets X in a new cmd, not in the script
        "cmd /c exit 3",
        "start /x armsleep 4",  # an option start does not have
        "cmd armsleep 4",  # no /c: an interactive cmd
        'cmd /c "armsleep 4 & armsleep 5"',  # cmd reads the text again: not analysed
        "cmd /c armkill S ^& armkill W",  # the same: the new cmd runs two commands
        'start "ARMLOAD A1"',  # a title only: start opens a new cmd
        'start "" ""',  # no program's name
        "cmd /c ^",
        "start",
    ],
)
def test_a_wrapper_that_runs_no_external_program_stays_itself(line):
    stmt = one(line)
    assert stmt.program == program_of(line.split()[0]) and stmt.via == ()


def test_a_thousand_wrappers_on_one_line_are_read_without_recursion():
    """A line of cmd's longest (8,191 characters) holds over a thousand ``cmd /c``: read
    one by one, not one call deeper each (sogen stopped with RecursionError)."""
    line = "cmd /c " * 1150 + "start /b ARMKILL X"
    assert len(line) <= 8191
    stmt = one(line)
    assert (stmt.program, stmt.detached, stmt.args) == ("armkill", True, (w("X", len(line)),))
    assert stmt.via == ("cmd /c",) * 1150 + ("start /b",)


def test_at_and_delimiters_before_a_command():
    assert one("@echo off") == Command(Span(1, 2, 1, 10), "echo", "echo", (w("off", 7),), (), "echo off")
    assert one(";ARMLOAD x").span == Span(1, 2, 1, 11)
    assert one("ARMLOAD,x").args == (w(",x", 8),)  # cmd ends the name at "," and passes the rest


def test_echo_free_text():
    assert one("echo.") == Command(Span(1, 1, 1, 6), "echo.", "echo", (), (), "echo.")
    stmt = one("echo  a) b(c")
    assert stmt.program == "echo" and stmt.raw == "echo  a) b(c"  # ")" closes nothing outside a block
    assert [a.text for a in stmt.args] == ["a)", "b(c"]


def test_goto_forms():
    assert one("GOTO EXIT") == Goto(Span(1, 1, 1, 10), "EXIT", Span(1, 6, 1, 10))
    assert one("goto :exit") == Goto(Span(1, 1, 1, 11), "exit", Span(1, 7, 1, 11))
    assert one("GOTO :EOF") == Goto(Span(1, 1, 1, 10), "EOF", Span(1, 7, 1, 10))
    assert one("goto:eof") == Goto(Span(1, 1, 1, 9), "eof", Span(1, 6, 1, 9))
    assert one("goto exit2 extra").target == "exit2"


def test_call_forms():
    assert one("CALL :sub a b") == Call(Span(1, 1, 1, 14), "sub", True, (w("a", 11), w("b", 13)))
    assert one("call:sub") == Call(Span(1, 1, 1, 9), "sub", True, ())
    assert one(r"CALL alenv2.bat x") == Call(Span(1, 1, 1, 18), "alenv2.bat", False, (w("x", 17),))


def test_set_forms():
    assert one("SET ALROOT=D:\\SO1") == Set(Span(1, 1, 1, 18), "ALROOT", "D:\\SO1", False, False)
    assert one('set "A=b c" junk') == Set(Span(1, 1, 1, 17), "A", "b c", False, False)
    assert one("set B=x ").value == "x "  # cmd keeps trailing blanks
    assert one("set x=").value == ""
    assert one("SET /A N+=1") == Set(Span(1, 1, 1, 12), "N", "N+=1", True, False)
    assert one('set /a "x=1+2"') == Set(Span(1, 1, 1, 15), "x", "x=1+2", True, False)
    assert one("SET /P ANSWER=Continue?") == Set(Span(1, 1, 1, 24), "ANSWER", "Continue?", False, True)
    assert one("set x=a^&b").value == "a&b"
    assert isinstance(one("SET PATH"), Command)  # lists variables, assigns nothing


def test_exit_forms():
    assert one("exit") == Exit(Span(1, 1, 1, 5), False, None)
    assert one("EXIT /B") == Exit(Span(1, 1, 1, 8), True, None)
    assert one("exit /b 3") == Exit(Span(1, 1, 1, 10), True, "3")
    assert one("EXIT 1") == Exit(Span(1, 1, 1, 7), False, "1")


def test_setlocal_pushd_popd_are_commands():
    for line, program in [
        ("SETLOCAL EnableDelayedExpansion", "setlocal"),
        ("ENDLOCAL", "endlocal"),
        ("pushd %~dp0", "pushd"),
        ("popd", "popd"),
    ]:
        assert one(line).program == program


def test_if_compare():
    stmt = one('IF "%ARMS_EVENT%" == "START" GOTO NORMAL')
    assert stmt == If(
        Span(1, 1, 1, 41),
        Condition("compare", False, False, w('"%ARMS_EVENT%"', 4), "==", w('"START"', 22)),
        (Goto(Span(1, 30, 1, 41), "NORMAL", Span(1, 35, 1, 41)),),
        None,
    )


@pytest.mark.parametrize(
    ("line", "condition"),
    [
        (
            "IF %ARMS_EVENT%==START goto x",
            Condition("compare", False, False, w("%ARMS_EVENT%", 4), "==", w("START", 18)),
        ),
        ('if /i not "%A%"=="x" goto x', Condition("compare", True, True, w('"%A%"', 11), "==", w('"x"', 18))),
        ("IF 2 GTR 10 goto x", Condition("compare", False, False, w("2", 4), "GTR", w("10", 10))),
        ("if %N% lss 3 goto x", Condition("compare", False, False, w("%N%", 4), "LSS", w("3", 12))),
        ('IF EXIST "c:\\x y" goto x', Condition("exist", False, False, w('"c:\\x y"', 10), None, None)),
        ("IF NOT DEFINED ARMS_EVENT goto x", Condition("defined", True, False, w("ARMS_EVENT", 16), None, None)),
        ("IF ERRORLEVEL 1 goto x", Condition("errorlevel", False, False, w("1", 15), None, None)),
        ("IF not==x goto x", Condition("compare", False, False, w("not", 4), "==", w("x", 9))),
    ],
)
def test_if_conditions(line, condition):
    assert one(line).condition == condition


def test_if_else_blocks_over_lines():
    stmts = parse_lines(
        ['IF "%ARMS_SERVER%" == "OTHER" (', "  ARMLOAD a >nul", ") ELSE (", "  ARMLOAD b", ")", "echo after"]
    )
    assert len(stmts) == 2
    stmt = stmts[0]
    assert isinstance(stmt, If) and stmt.span == Span(1, 1, 5, 2)
    assert stmt.then == (
        Command(Span(2, 3, 2, 17), "ARMLOAD", "armload", (w("a", 11, 2),), (Redirection(">", "nul"),), "ARMLOAD a "),
    )
    assert stmt.otherwise == (Command(Span(4, 3, 4, 12), "ARMLOAD", "armload", (w("b", 11, 4),), (), "ARMLOAD b"),)
    assert stmts[1].span.line == 6


def test_if_then_takes_the_rest_of_the_line():
    stmt = one("IF x==x ARMLOAD a & ARMLOAD b")
    assert isinstance(stmt.then[0], Chain) and stmt.then[0].operators == ("&",)
    stmt = one("if exist x echo a else echo b")  # ELSE only after a block
    assert stmt.otherwise is None and [a.text for a in stmt.then[0].args] == ["a", "else", "echo", "b"]
    stmt = one("IF a==b (echo a) ELSE IF c==d (echo c) ELSE echo e")
    assert isinstance(stmt.otherwise[0], If) and stmt.otherwise[0].otherwise[0].program == "echo"


def test_bare_block_labels_and_comments_inside():
    stmts = parse_lines(["(", ":inner", ":: note", "rem r )", "echo a)", "echo b"])
    block = stmts[0]
    assert isinstance(block, Block) and block.span == Span(1, 1, 5, 8)
    assert [type(s) for s in block.body] == [Label, Comment, Comment, Command]
    assert block.body[2].text == "r )"  # REM swallows its line, ")" and all
    assert stmts[1].span.line == 6


def test_for_forms():
    stmt = one("FOR /L %%i IN (1,1,3) DO ARMSLEEP %%i")
    assert (stmt.variable, stmt.switch, stmt.items) == ("%%i", "/L", "1,1,3")
    assert stmt.body == (Command(Span(1, 26, 1, 38), "ARMSLEEP", "armsleep", (w("%%i", 35),), (), "ARMSLEEP %%i"),)
    stmt = one("FOR /F \"tokens=1,2\" %%a IN ('dir /b') DO @echo %%a")
    assert (stmt.switch, stmt.items) == ("/F", "'dir /b'")
    assert one("for %%a in (x y) do echo %%a").switch is None
    assert one("for /d %%a in (*) do echo %%a").switch == "/D"
    stmt = parse_lines(["for /r c:\\x %%f in (*.txt) do (", "  echo %%f", ")"])[0]
    assert isinstance(stmt, For) and stmt.switch == "/R" and stmt.span == Span(1, 1, 3, 2)


def test_a_caret_in_a_for_list_escapes_the_next_character():
    """cmd reads ^ in FOR's list as everywhere outside quotes: ^) does not close the list,
    ^" opens no quote (a common public script: findstr ".exe\"^" in a FOR /F command)."""
    stmt = one("FOR /F %%a IN ('echo x^)') DO echo %%a")
    assert isinstance(stmt, For) and stmt.items == "'echo x^)'"
    stmt = one("FOR /F %%B IN ('type \"x\" ^| findstr /E \".exe,0\\\"^\"') DO echo %%B")
    assert isinstance(stmt, For) and stmt.items == "'type \"x\" ^| findstr /E \".exe,0\\\"^\"'"
    block = parse_lines(["FOR /F %%B IN ('findstr \".exe\\\"^\"') DO (", "  echo %%B", ")", "echo done"])
    assert [type(s) for s in block] == [For, Command] and block[0].span == Span(1, 1, 3, 2)
    # Options unquoted, with ^ escaping the blank and the quote (the way to make " a delimiter).
    options = parse_lines(["for /f tokens^=3^ delims^=^\" %%B in ('find \"@\" x.reg') do (", "  echo %%B", ")"])
    assert [type(s) for s in options] == [For] and options[0].items == "'find \"@\" x.reg'"


def test_a_for_list_may_go_over_several_lines():
    """cmd reads on past the end of a line until the list's ")": an item a line."""
    lines = ["for %%s in (", '  "StarOffice Server"', "  MSSQLServer", ") do net stop %%s", "echo done"]
    stmt, after = parse_lines(lines)
    assert isinstance(stmt, For) and stmt.span == Span(1, 1, 4, 18)
    assert stmt.items == '\n  "StarOffice Server"\n  MSSQLServer\n'
    assert stmt.body[0].span.line == 4 and after.span.line == 5
    # Inside IF, and with the block of a DO ( on the line of the ")".
    nested = parse_lines(['IF "%A%" == "1" FOR /L %%n IN (', " 1,1,3", ") DO (", "  ARMSLEEP %%n", ")", "echo x"])
    assert [type(s) for s in nested] == [If, Command] and nested[0].then[0].items == "\n 1,1,3\n"
    # A list never closed, or closed without DO: one error for the lines it took.
    assert [type(s) for s in parse_lines(["for %%a in (", " x"])] == [ParseError]
    assert [type(s) for s in parse_lines(["for %%a in (", " x", ")", "echo y"])] == [ParseError, Command]


def test_a_modified_reference_is_one_operand():
    """cmd expands %NAME:~1,2% and %NAME:a=b% before it splits the line: the "," "=" and
    blanks inside them separate nothing (date and time slices in IF are common)."""
    stmt = one("if %time:~3,2% == 5 goto network")
    assert isinstance(stmt, If) and (stmt.condition.left.text, stmt.condition.right.text) == ("%time:~3,2%", "5")
    stmt = one("IF %A:x y=z% == b echo x")
    assert stmt.condition.left.text == "%A:x y=z%" and stmt.then[0].program == "echo"
    loop = one("For /L %%i in (2,1,7) Do if %env:~2,1% equ %%i goto choice%%i")
    assert isinstance(loop, For) and loop.body[0].condition.left.text == "%env:~2,1%"


def test_parentheses_are_text_in_an_if_operand():
    """"IF (%1)==() GOTO usage" is a DOS-days idiom cmd runs: the parentheses are part of
    the operands, at the top level and in a block alike (as Wine's cmd reads them)."""
    stmt = one("if (%1)==() goto usage")
    assert isinstance(stmt, If) and (stmt.condition.left.text, stmt.condition.right.text) == ("(%1)", "()")
    assert isinstance(stmt.then[0], Goto) and stmt.then[0].target == "usage"
    stmt = one("IF NOT (%ARMS_EVENT%)==(START) ARMLOAD x /S y")
    assert stmt.condition.negated and stmt.condition.right.text == "(START)" and stmt.then[0].program == "armload"
    block, after = parse_lines(["if 1==1 (", "  if (a)==(a) echo yes", "  echo in", ")", "echo out"])
    assert isinstance(block, If) and [type(s) for s in block.then] == [If, Command] and after.span.line == 5


def test_a_caret_before_an_empty_line_escapes_that_line_s_end():
    """cmd's "set LF=^" and two empty lines: the ^ escapes the empty line's end, which
    becomes the value, and the command goes on on the next line; with one empty line it
    swallows the line after (tests/trace_cases/caret_before_empty_line.bat, under Wine)."""
    lf, after = parse_lines(["set LF=^", "", "", "echo a"])
    assert isinstance(lf, Set) and (lf.name, lf.value) == ("LF", "\n") and lf.span == Span(1, 1, 3, 1)
    assert after.span.line == 4
    swallowing, last = parse_lines(["set X=^", "", "ARMLOAD NEVER /S x", "echo c"])
    assert (swallowing.value, swallowing.span.end_line) == ("\nARMLOAD NEVER /S x", 3)
    assert last.raw == "echo c"
    (echo,) = parse_lines(["echo a ^", "", "b"])
    assert isinstance(echo, Command) and echo.span.end_line == 3


def test_a_modified_reference_with_a_quote_stays_inside_a_quoted_operand():
    """cmd expands %ARG:"=% before it looks for the closing quote: "%ARG:"=%" is one operand."""
    stmt = one('if "%x:"=%"=="a" goto stripped')
    assert (stmt.condition.left.text, stmt.condition.right.text) == ('"%x:"=%"', '"a"')
    stmt = one('IF ["%fn:"=%"]==["%~n0%~x0"] EXIT')
    assert stmt.condition.left.text == '["%fn:"=%"]' and isinstance(stmt.then[0], Exit)


def test_a_block_may_have_its_redirections_first():
    """"> file (" sends what the block writes to the file, as ") > file" does."""
    stmt, after = parse_lines(['> "%TEMP%\\x.xml" (', "  echo a", "  echo b", ")", "echo c"])
    assert isinstance(stmt, Block) and stmt.span == Span(1, 1, 4, 2) and len(stmt.body) == 2
    assert stmt.redirections == (Redirection(">", '"%TEMP%\\x.xml"'),)
    assert [span.line for span in stmt.redirection_spans] == [1]
    closing = parse_lines(["(", "  echo a", ") 2>&1 >> log.txt"])[0]
    assert [(r.target, span.line) for r, span in zip(closing.redirections, closing.redirection_spans)] == [("", 3), ("log.txt", 3)]
    assert after.span.line == 5
    block = one(">> log.txt (echo a & echo b) 2>nul")
    assert isinstance(block, Block) and block.redirections == (Redirection(">>", "log.txt"), Redirection("2>", "nul"))


def test_the_block_of_an_if_or_for_that_writes_a_file_keeps_its_redirections():
    """IF ... ( ... ) >> log sends what the branch writes to the file: the branch is the
    block with its redirections; a block without is its statements, as before."""
    written = one('IF "%ARMS_EVENT%" == "START" (\n  ARMLOAD A /S\n  echo started\n) >> C:\\cluster.log')
    assert len(written.then) == 1 and isinstance(written.then[0], Block) and len(written.then[0].body) == 2
    assert written.then[0].redirections == (Redirection(">>", "C:\\cluster.log"),)
    plain = one('IF "%ARMS_EVENT%" == "START" (\n  ARMLOAD A /S\n  echo started\n)')
    assert [type(s).__name__ for s in plain.then] == ["Command", "Command"]
    loop = one("FOR %%s IN (a b) DO (\n  echo %%s\n) > C:\\for.log")
    assert loop.body[0].redirections == (Redirection(">", "C:\\for.log"),)
    otherwise = one("IF x == y (echo x) ELSE (echo y) >> C:\\else.log")
    assert otherwise.then[0].__class__.__name__ == "Command" and otherwise.otherwise[0].redirections


def test_redirections_pipes_and_chains():
    stmt = one('2>nul ARMLOAD x >>log 2>&1 | find "x" && goto:eof || exit /b 1')
    assert isinstance(stmt, Chain) and stmt.operators == ("|", "&&", "||")
    first = stmt.parts[0]
    assert first.redirections == (Redirection("2>", "nul"), Redirection(">>", "log"), Redirection("2>&1", ""))
    assert first.raw == "ARMLOAD x   " and first.span == Span(1, 1, 1, 27)
    assert isinstance(stmt.parts[2], Goto) and isinstance(stmt.parts[3], Exit)
    assert one("ARMSLEEP 30>nul").args == (w("30", 10),)  # "30" is a word, not a handle
    assert one("echo a <in.txt").redirections == (Redirection("<", "in.txt"),)


def test_carets_and_continuation():
    stmt = one("echo a^&b")
    assert stmt.raw == "echo a^&b" and unescape(stmt.raw) == "echo a&b"
    stmts = parse_lines(["ARMBCAST /MSG x ^", "  /A", "echo next"])
    assert len(stmts) == 2 and stmts[0].span == Span(1, 1, 2, 5)
    assert unescape(stmts[0].raw) == "ARMBCAST /MSG x   /A"
    assert unescape('a "^&" ^^ ^') == 'a "^&" ^ '


def test_variables_stay_as_written():
    stmt = one("echo %VAR% %~dp0 %%a !VAR! %VAR:a=b%")
    assert [a.text for a in stmt.args] == ["%VAR%", "%~dp0", "%%a", "!VAR!", "%VAR:a=b%"]


def test_keywords_are_case_insensitive():
    assert isinstance(one("If 1==1 GoTo x"), If)
    assert isinstance(one("iF 1==1 (echo a) eLsE (echo b)").otherwise[0], Command)
    assert isinstance(parse_lines(["FoR %%a In (x) Do echo %%a"])[0], For)


# -- the fast path and the grammar agree ---------------------------------------------

SIMPLE_LINES = [
    'ARMLOAD StarOffice /S /M "StarOffice Server"',
    "ARMLOAD,x y",
    "@ARMKILL StarOffice",
    'IF "%ARMS_EVENT%" == "START" GOTO NORMAL',
    "IF %ARMS_EVENT%==START goto:eof",
    'if /i not "%A%"=="x" echo x',
    "IF EXIST c:\\x del c:\\x",
    "IF ERRORLEVEL 1 exit /b 1",
    "SET /A N+=1",
    'set "A=b c" ',
    "call :sub a b",
    'net start "MSSQLServer"',
    "echo.",
    'ARMBCAST /MSG "unclosed',
    "svrmgr30 command=@C:\\ORANT\\startup.sql",
    "goto exit2 extra",
    "IF 1==1 ARMLOAD a",
    "IF  == START GOTO NORMAL",
    'if /i not  =="x" echo x',
    'cmd /c ARMLOAD A1 /S /M "Svc One"',
    'cmd.exe /q /c "ARMKILL A2"',
    'start "" /b ARMKILL A3',
    "start /b /wait cmd /c net stop Svc",
    "IF 1==1 start /min ARMSLEEP 3",
]


@pytest.mark.parametrize("line", SIMPLE_LINES)
def test_fast_path_matches_the_grammar(line):
    assert one(line) == grammar(line)


# -- files: encodings, line ends ------------------------------------------------------


def test_encodings():
    text = "rem 日本語\r\nARMLOAD x\r\n"
    assert parse_script("a.bat", text.encode("cp932")).encoding == "cp932"
    assert parse_script("a.bat", text.encode("utf-8")).encoding == "utf-8"
    bom = parse_script("a.bat", codecs.BOM_UTF8 + text.encode("utf-8"))
    assert bom.encoding == "utf-8" and bom.statements[0].span == Span(1, 1, 1, 8)  # columns after the BOM
    utf16 = parse_script("a.bat", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert utf16.encoding == "utf-16-le" and utf16.statements[1].program == "armload"
    bad = parse_script("a.bat", b"ARMLOAD \x81\x20x\r\nARMKILL y\r\n")  # neither UTF-8 nor cp932
    assert bad.encoding == "cp932" and bad.decode_errors and "\ufffd" in bad.lines[0]
    assert not parse_script("a.bat", text.encode("cp932")).decode_errors


@pytest.mark.parametrize(
    ("data", "newline"),
    [(b"a\r\nb\r\n", "\r\n"), (b"a\nb\n", "\n"), (b"a\r\nb\n", "mixed"), (b"one line", "\r\n"), (b"", "\r\n")],
)
def test_newline_style(data, newline):
    assert parse_script("a.bat", data).newline == newline


def test_lines_are_what_cmd_reads():
    script = parse_script("a.bat", b"echo a\rARMLOAD x\r\nGOTO b\n")
    assert script.lines == ["echo a\rARMLOAD x", "GOTO b"]  # a lone CR ends no line
    assert script.statements[1].span.line == 2


# -- recovery -----------------------------------------------------------------------


def test_a_bad_line_is_a_parse_error_and_parsing_goes_on():
    stmts = parse_lines(["IF == START GOTO X", "ARMLOAD after"])
    assert isinstance(stmts[0], ParseError) and stmts[0].fatal and "'=='" in stmts[0].message
    assert stmts[1].program == "armload"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        # NEC's ScheduleMirroring sample: a placeholder in angle brackets is two redirections.
        ("set MDNAME=<md resource name>", "> redirects to a file and none follows: to keep it as text, write ^>"),
        ("echo done >  ", "> redirects to a file and none follows"),
        ("set X=a|", "| runs another command and none follows: to keep it as text, write ^|"),
    ],
)
def test_a_line_ending_in_an_operator_says_why(line, said):
    (stmt,) = parse_lines([line])
    assert isinstance(stmt, ParseError) and stmt.message.startswith("unexpected end of line") and said in stmt.message


def test_an_error_inside_a_block_stays_inside_it():
    stmts = parse_lines(["IF 1==1 (", "  echo a", "  IF == x echo b", ")", "ARMLOAD after"])
    assert isinstance(stmts[0], ParseError) and stmts[0].span == Span(1, 1, 4, 2)
    assert "line 3" in stmts[0].message
    assert stmts[1].program == "armload"


def test_an_unclosed_block_costs_its_first_line():
    stmts = parse_lines(["IF 1==1 (", "  ARMLOAD a", "ARMLOAD b"])
    assert isinstance(stmts[0], ParseError) and stmts[0].span == Span(1, 1, 1, 10)
    assert [s.program for s in stmts[1:]] == ["armload", "armload"]


def test_a_stray_closing_parenthesis_is_not_fatal():
    stmt = one(") ELSE (")
    assert isinstance(stmt, ParseError) and not stmt.fatal



# -- no input crashes or hangs -----------------------------------------------------------


def _timed(data: bytes, budget: float):
    start = time.perf_counter()
    script = parse_script("x.bat", data)
    assert time.perf_counter() - start < budget
    return script


def test_five_megabyte_line():
    script = _timed(b"echo " + b"a b " * 1_300_000, 5)
    assert isinstance(script.statements[0], ParseError) and str(MAX_LINE) in script.statements[0].message


def test_fifty_thousand_labels():
    script = _timed(b"".join(b":L%d\r\nGOTO L%d\r\n" % (i, i + 1) for i in range(50_000)), 10)
    assert len(script.statements) == 100_000


def test_ten_thousand_nested_parentheses():
    one_line = _timed(b"(" * 10_000 + b"echo x" + b")" * 10_000, 5)
    assert isinstance(one_line.statements[0], ParseError)
    across = _timed(b"(\r\n" * 10_000 + b"echo x\r\n" + b")\r\n" * 10_000, 10)
    assert isinstance(across.statements[0], ParseError) and str(MAX_NESTING) in across.statements[0].message


# -- properties ------------------------------------------------------------------------


def _blank(line: str) -> bool:
    """Nothing of a command: delimiters, or a caret alone that joins the next line, whose
    statement starts at its own name (hypothesis found ``^`` then a line)."""
    return line.strip(" \t\r\x0b\x0c,;=@") in ("", "^")


def _assert_every_line_covered(script) -> None:
    covered = set()
    for stmt in script.statements:
        covered.update(range(stmt.span.line, stmt.span.end_line + 1))
    missing = [n for n, line in enumerate(script.lines, start=1) if n not in covered and not _blank(line)]
    assert not missing, (missing, script.lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data):
    _assert_every_line_covered(parse_script("x.bat", data))


_REAL = [path.read_bytes() for path in sorted(TRACE_CASES.glob("*.bat"))]
_SPECIALS = list(b'()"^&|<>%!:\r\n @=,;')


@st.composite
def mutated_script(draw):
    data = bytearray(draw(st.sampled_from(_REAL)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        if kind == "delete" and at < len(data):
            del data[at : at + draw(st.integers(1, 5))]
        else:
            byte = draw(st.sampled_from(_SPECIALS) | st.integers(0, 255))
            if kind == "insert" or at == len(data):
                data.insert(at, byte)
            else:
                data[at] = byte
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_script())
def test_mutated_real_scripts_never_crash(data):
    _assert_every_line_covered(parse_script("x.bat", data))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ARMLOAD", "x", '"a b"', "/S", "%V%", "!V!", "^&", ",", "=", "echo.", "%V:~0,2%"]), min_size=1, max_size=6
    )
)
def test_fast_path_and_grammar_agree_on_simple_lines(words):
    line = " ".join(words)
    assume(not _blank(line))
    assert one(line) == grammar(line)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["IF", "if", "@IF", "  If"]),
    st.lists(st.sampled_from(["/I", "/i", "NOT", "not", "EXIST", "/I NOT"]), max_size=2),
    st.sampled_from([" ", "  ", "\t", " \t "]),
    st.lists(st.sampled_from(["START", '"START"', "==", "GOTO", "x", ":EOF", "/S", "EQU", "%A%", "%A:~1,2%"]), max_size=4),
    st.integers(1, 50),
)
def test_an_if_with_nothing_before_its_operator_is_the_grammar_s_syntax_error(keyword, words, blank, rest, first_line):
    # What "IF %ARMS_EVENT% == START ..." reads as when the variable is unset.
    line = blank.join([keyword, *words, "==", *rest])
    assert parse_lines([line], first_line) == [grammar_at(first_line, line)]


# -- a line met again: parsed once, moved to where it stands ------------------------------


def test_a_line_met_again_further_down_has_its_own_positions():
    first = parse_lines(['ARMLOAD "a b" /S', "GOTO EXIT"])
    again = parse_lines(["rem", "", 'ARMLOAD "a b" /S', "IF 1==1 GOTO EXIT", "GOTO EXIT"])
    assert again[1] == Command(
        Span(3, 1, 3, 17), "ARMLOAD", "armload", (w('"a b"', 9, 3), w("/S", 15, 3)), (), 'ARMLOAD "a b" /S'
    )
    assert again[3] == Goto(Span(5, 1, 5, 10), "EXIT", Span(5, 6, 5, 10))
    assert first[1] == Goto(Span(2, 1, 2, 10), "EXIT", Span(2, 6, 2, 10))


def test_every_field_that_holds_a_position_moves_with_its_line():
    # The IR's annotations name the types that hold positions; a field added with one
    # and left out of POSITION_FIELDS would keep the line it was first parsed at. Read
    # from the source, which a compiled module keeps no annotation strings of.
    holders = ("Span", "Word", "Stmt", "Condition")
    source = ast.parse((Path(ir.__file__).parent / "ir.py").read_text(encoding="utf-8"))
    fields = [
        (cls.name, node.target.id, ast.unparse(node.annotation))
        for cls in source.body if isinstance(cls, ast.ClassDef) and cls.name not in ("Script", "Span", "Word")
        for node in cls.body if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    ]  # fmt: skip
    assert len(fields) > 20
    for cls, name, annotation in fields:
        holds = any(holder in annotation for holder in holders)
        assert holds == (name in POSITION_FIELDS), f"{cls}.{name}: {annotation}"


def test_a_block_never_closed_is_not_taken_for_one_closed_later():
    assert isinstance(parse_lines(["IF 1==1 (", "  ARMLOAD a"])[0], ParseError)
    closed = parse_lines(["IF 1==1 (", "  ARMLOAD a", ")"])
    assert isinstance(closed[0], If) and closed[0].then[0].program == "armload"


def test_a_continued_last_line_is_not_taken_for_one_that_goes_on():
    assert [w.text for w in parse_lines(["echo a ^"])[0].args] == ["a", "^"]
    assert [w.text for w in parse_lines(["echo a ^", "b c"])[0].args] == ["a", "b", "c"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_script(), st.integers(1, 4))
def test_lines_parsed_before_parse_as_they_would_afresh(data, shift):
    """Whatever the memo of parsed lines holds, a script parses as it would with none."""
    lines = parse_script("x.bat", data).lines
    parse_lines(lines)  # remembered where they stand here
    moved = [""] * shift + list(reversed(lines))
    remembered = parse_lines(moved)
    _first_parse.cache_clear()
    _one_line_statement_at.cache_clear()
    assert remembered == parse_lines(moved)


# -- IF blocks laid out a command a line: read without the grammar, as the grammar reads them ----

_BLOCK_HEADERS = ['IF "%ARMS_EVENT%" == "START" (', "@if /i not %A%==b (", "IF ERRORLEVEL 1 (", "  IF EXIST x (",
                  "IF %TIME:~0,2% LSS 10 (", "if %A:a=b c%==x (",
                  'IF DEFINED X(', 'IF "%A%" EQU "1"  (  ', "if a==b ( rem", 'IF "a(b" == "c" (',
                  "FOR /L %%N IN (1,1,3) DO (", "for %%s in (a \"b c\" d) do(", 'FOR /F "tokens=1" %%a IN (x) DO (',
                  "FOR %%a IN (x)DO (", "FOR /R C:\\x %%f IN (*.bat) DO (", "FOR /F %%a IN ('ver ^| find \"x^)\"') DO (",
                  "FOR /F %%a IN ('echo x^)') DO (", "FOR /F %%a IN ('findstr \".exe\\\"^\"') DO ("]
_BLOCK_LINES = ['ARMLOAD a /S /M "x y"', "  rem a note", "rem", "::x", ":label", "", "   ", "GOTO EXIT", "echo (x)",
                "set A=%B%", "echo a & echo b", '"%ALROOT%\\bin\\al2start"', "echo ^)", "remark", "rem a (b)"]
_BLOCK_CLOSES = [")", "  )  ", ") ELSE (", ")else(", ") > nul", "))", ") & echo x"]


@st.composite
def simple_block(draw, depth=0):
    lines = [draw(st.sampled_from(_BLOCK_HEADERS))]
    for _ in range(draw(st.integers(0, 4))):
        if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
            lines += draw(simple_block(depth + 1))
        else:
            lines.append(draw(st.sampled_from(_BLOCK_LINES)))
    lines.append(draw(st.sampled_from(_BLOCK_CLOSES)))
    if lines[-1].lower().replace(" ", "") == ")else(" and not lines[0].lower().lstrip().startswith("for"):
        lines += [draw(st.sampled_from(_BLOCK_LINES)), ")"]
    return lines


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_block(), st.integers(1, 3))
def test_block_fast_path_and_grammar_agree(lines, first_line):
    """What the fast path reads of a block is what the grammar reads (it may decline: None)."""
    from sogen.batch.parser import _Cutter, _parse_with_grammar, _simple_block

    cut = _Cutter(lines, 0).run()
    assume(cut.problem is None and not cut.text_parens)
    fast = _simple_block(lines, 0, cut.end, first_line)
    if fast is not None:
        assert fast == _parse_with_grammar(lines, 0, cut.end, first_line, cut.text_parens)


def test_block_fast_path_reads_the_usual_shapes():
    from sogen.batch.parser import _simple_block

    nested = ['IF "%A%" == "1" (', "  rem x", "  IF EXIST y (", "    echo y", "  )", ") ELSE (", "  echo n", ")"]
    stmt = _simple_block(nested, 0, len(nested), 1)
    assert stmt == grammar(*nested)
    assert isinstance(stmt.then[1], If) and stmt.otherwise[0].program == "echo"
    loop = ["FOR /L %%N IN (1,1,3) DO (", "  SET /A N=N+1", "  IF %%N==2 (", "    ARMSLEEP 5", "  )", ")"]
    stmt = _simple_block(loop, 0, len(loop), 4)
    assert stmt == grammar_at(4, *loop)
    assert isinstance(stmt, For) and stmt.items == "1,1,3" and isinstance(stmt.body[1], If)
