"""SO701-SO706: the file as cmd.exe reads it: line endings, encoding, syntax, path separators,
blanks that end up in a value, full-width spaces between words."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sogen.i18n import _, ngettext
from sogen.lint.context import FileContext
from sogen.batch.ir import Call, Goto, ParseError, Set, Span
from sogen.batch.parser import LONE_CR, cmd_misreading, code_of
from sogen.textio import undecodable_at
from sogen.lint.rules.base import (
    ERROR,
    WARNING,
    Edit,
    Finding,
    Fix,
    Rule,
    register,
    span_of,
)

_BARE_LF = re.compile(r"(?<!\r)\n")


@register
class LfLineEndings(Rule):
    """
    ## What it does
    Checks that a batch file ends every line with CRLF.

    ## Why it matters in a cluster
    cmd.exe looks for a `GOTO` target by reading the file in 512-byte blocks and
    counting CRLFs; with LF-only (or mixed) line endings it misses labels that
    straddle a block boundary and jumps to the wrong place, or reports "label not
    found" and ends the script. The failure depends on byte offsets, so it appears
    after an unrelated edit, typically when a script was saved by a Unix editor or
    checked out by git with `core.autocrlf=false`. A script that jumps to no
    label (no `GOTO label`, no `CALL :label`) is read line by line whatever its
    line endings, and is left alone. A CR alone (an old Mac editor, a bad transfer)
    ends no line at all: cmd reads the whole file as one line, and the group's
    script runs at most its first command.

    ## Example
    ```text
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL<LF>
    ```

    ## Use instead
    ```text
    IF "%ARMS_EVENT%" == "START" GOTO NORMAL<CR><LF>
    ```

    ## Fix
    Automatic: every line ending becomes CRLF; the encoding is kept. Add
    `*.bat text eol=crlf` to `.gitattributes` so that it stays so.
    """

    code = "SO701"
    name = "lf-line-endings"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        newline = ctx.script.newline
        text = ctx.decoded.text if ctx.decoded else ""
        if newline == "\r":
            # Found in the lines as read (bytes that are no text are replacement characters there).
            line, column = next(
                (number, found.start() + 1)
                for number, read in enumerate(ctx.script.lines, start=1)
                if (found := LONE_CR.search(read))
            )
            fix = None
            if ctx.fixable:
                ends = tuple(Edit(m.start() + 1, m.start() + 1, "\n") for m in LONE_CR.finditer(text))
                fix = Fix(_("convert line endings to CRLF"), ends)
            yield self.finding(
                ctx,
                span_of(line, column, column + 1),
                _("a CR without LF ends no line: cmd.exe drops it and reads the text on both sides as one line; use CRLF"),
                fix,
            )
            return
        if newline == "\r\n" or not any(_searches_label(s) for s in ctx.statements):
            return
        bare = [m.start() for m in _BARE_LF.finditer(text)]
        if newline == "mixed":
            what = _("mixed line endings ({bare} of {lines} lines end in LF only)").format(
                bare=len(bare), lines=text.count(chr(10))
            )
        else:
            what = _("LF-only line endings")
        fix = None
        if ctx.fixable and bare:
            fix = Fix(_("convert line endings to CRLF"), tuple(Edit(i, i, "\r") for i in bare))
        yield self.finding(
            ctx,
            span_of(1, 1, 1),
            _("{what}: cmd.exe's label search reads 512-byte blocks and can miss a GOTO target; use CRLF").format(
                what=what
            ),
            fix,
        )


def _searches_label(stmt) -> bool:
    """GOTO and CALL :label read the file for their label (GOTO :EOF does not)."""
    if stmt.__class__ is Goto:
        return stmt.target.upper() != "EOF"
    return stmt.__class__ is Call and stmt.is_label


@register
class Encoding(Rule):
    """
    ## What it does
    Checks that the bytes are what cmd.exe on a Japanese Windows reads. That is code
    page 932 (Shift_JIS), or UTF-8 only together with `chcp 65001`.

    ## Why it matters in a cluster
    cmd.exe decodes each line in the console code page, 932 on the nodes. UTF-8
    Japanese text becomes mojibake: ARMBCAST messages are garbled, and a label or
    service name with non-ASCII characters no longer matches. A UTF-8 byte order
    mark becomes part of the first command, and cmd.exe cannot run UTF-16 at all.
    EUC-JP, a Unix editor's Japanese, reads as other characters (half-width
    katakana, unrelated kanji). Bytes that are neither cp932 nor UTF-8 come from a
    copy through another code page and are garbled already.

    ## Example
    ```batch
    rem saved as UTF-8, no chcp
    ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
    ```

    ## Use instead
    ```batch
    rem saved as cp932 (Shift_JIS)
    ARMBCAST /MSG "最高プライオリティサーバで起動中です" /A
    ```

    ## Fix
    Not automatic: save the file as cp932 (Shift_JIS), or put `chcp 65001 >nul`
    at the top of a UTF-8 file without a byte order mark.
    """

    code = "SO702"
    name = "encoding"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        misreading = cmd_misreading(ctx.script)
        if misreading is None:
            return
        line, column = 1, 1
        if misreading == "undecodable":
            # The first byte that is no text, in the encoding the lines are shown in: code page 932,
            # or UTF-8 for a UTF-8 file with a stray byte.
            line, column = undecodable_at(ctx.data, (ctx.script.encoding,))
        problem = {
            "undecodable": _("the bytes are valid neither as cp932 (Shift_JIS) nor as UTF-8: the text is garbled"),
            "utf-16": _("the file is UTF-16: cmd.exe cannot run it; save it as cp932 (Shift_JIS)"),
            "utf-8-bom": _(
                "UTF-8 with a byte order mark: cmd.exe reads the BOM as part of the first command; save it as cp932"
            ),
            "utf-8": _(
                "UTF-8 text without chcp 65001: cmd.exe reads it in code page 932 and its text outside ASCII is garbled; "
                "save it as cp932 (Shift_JIS)"
            ),
            "utf-8-before-chcp": _(
                "UTF-8 text before the script's chcp 65001: cmd.exe reads the lines up to it in code page 932 and "
                "their text outside ASCII is garbled; put chcp 65001 first, or save the file as cp932 (Shift_JIS)"
            ),
            "euc-jp": _(
                "EUC-JP text: cmd.exe reads it in code page 932 and its Japanese text is garbled; save it as cp932 "
                "(Shift_JIS)"
            ),
        }[misreading]
        yield self.finding(ctx, span_of(line, column, column), problem)


@register
class ParseErrorRule(Rule):
    """
    ## What it does
    Reports lines the batch grammar cannot parse.

    ## Why it matters in a cluster
    A line sogen cannot parse is usually one cmd.exe cannot either (an unbalanced
    parenthesis, an IF without a command, a stray quote): cmd reports a syntax
    error and ends the script, and the group neither starts nor stops its services.
    sogen also cannot follow that line's control flow, so the other rules may miss
    problems around it. Lines cmd never reads are left alone: those after an
    unconditional `GOTO` or `EXIT` with no label between (SO104 reports them), such
    as the JScript or VBScript part of a hybrid script.

    ## Example
    ```batch
    IF "%ARMS_EVENT%" == "START" (
        ARMLOAD StarOffice /S /M "StarOffice Server"
    ```

    ## Use instead
    ```batch
    IF "%ARMS_EVENT%" == "START" (
        ARMLOAD StarOffice /S /M "StarOffice Server"
    )
    ```

    ## Fix
    Not automatic: correct the syntax.
    """

    code = "SO703"
    name = "parse-error"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        errors = [stmt for stmt in ctx.statements if isinstance(stmt, ParseError)]
        if not errors:
            return
        never_read = {id(stmt) for run in ctx.flow.unreachable for stmt in run}
        for stmt in errors:
            if id(stmt) not in never_read:
                yield self.finding(ctx, stmt.span, _("cannot parse this line: {reason}").format(reason=_(stmt.message)))


# Yen signs as path separators. A line splits into segments at blanks, ";", "," and "="
# (quotes stay in them: "%ALROOT%"￥bin is one). A segment holds a path when it has an
# anchor: a drive (C:￥, C:\\), a %VAR%, %~dp0 or %%f, a backslash, a \\server start
# (￥￥), or a file name at its end (sub￥stop.bat); then all its yen signs are separators,
# Japanese folder names or not. A segment right after a path one goes on with it ("C:￥
# Program Files￥bin") unless its yen sign comes before a digit: "料金￥1,000" is a price.
_SEGMENT = re.compile(r"[^\s;,=]+")
_YEN = re.compile("[\u00a5\uffe5]")
_PATH_ANCHOR = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]:[\\\u00a5\uffe5]|%[^%\s]+%|%~|%%\w|\\|^\"?[\u00a5\uffe5]{2}|\.[A-Za-z][A-Za-z0-9]{0,3}\"?$"
)
_PRICE = re.compile("[\u00a5\uffe5][0-9]")


def yen_separators(code: str) -> list[int]:
    """The offsets in ``code`` (a line without its comment) of the yen signs that stand
    for path separators."""
    found: list[int] = []
    previous_path, previous_end = False, -2
    for segment in _SEGMENT.finditer(code):
        text = segment.group(0)
        follows = previous_path and segment.start() == previous_end + 1 and code[previous_end] == " "
        path = _PATH_ANCHOR.search(text) is not None or (follows and _YEN.search(text) is not None and not _PRICE.search(text))
        if path:
            found += [segment.start() + sign.start() for sign in _YEN.finditer(text)]
        previous_path, previous_end = path, segment.end()
    return found


@register
class YenSignInPath(Rule):
    """
    ## What it does
    Checks for yen signs where path separators belong: in a path, which has a
    drive, a `%VAR%`, a backslash, a server name or a file name at its end
    (`C:￥WebOTX￥bin`, `%ALROOT%¥bin¥al2stop`, `￥￥server￥share`, `sub￥stop.bat`).
    Both the full-width `￥` (code page 932's 0x818F) and `¥` (U+00A5, from a UTF-8
    copy) are reported; a price in a message (`￥1,000`) and comments are not.

    ## Why it matters in a cluster
    A Japanese font shows the backslash `\\` as a yen sign, so Japanese manuals print
    paths with yen signs, and a path copied from a PDF or a Word file keeps the
    yen sign, a character of its own. cmd.exe separates folders only with `\\`:
    the path names a file that does not exist, the program does not run, and the
    failover group comes up without it (WebOTX's own EXPRESSCLUSTER guide prints
    `set PATH=%PATH%;C:¥WebOTX¥bin`).

    ## Example
    ```batch
    "%ALROOT%￥bin￥al2stop" /q
    ```

    ## Use instead
    ```batch
    "%ALROOT%\\bin\\al2stop" /q
    ```

    ## Fix
    Automatic: each yen sign in a path becomes `\\`.
    """

    code = "SO704"
    name = "yen-sign-in-path"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for number, line in enumerate(ctx.script.lines, start=1):
            if "\u00a5" not in line and "\uffe5" not in line:
                continue
            signs = yen_separators(code_of(line))
            if not signs:
                continue
            fix = None
            if ctx.fixable:
                edits = tuple(Edit(ctx.offset(number, at + 1), ctx.offset(number, at + 2), "\\") for at in signs)
                fix = Fix(_("replace the yen signs with backslashes"), edits)
            yield self.finding(
                ctx,
                span_of(number, signs[0] + 1, signs[0] + 2),
                _("{sign} is no path separator for cmd.exe, only a character (a Japanese font shows \\ as a yen sign); write \\").format(
                    sign=f"{line[signs[0]]} (U+{ord(line[signs[0]]):04X})"  # U+00A5 is "?" on a code page 932 console
                ),
                fix,
            )


# SET "NAME=value" (also SET"NAME=...", @SET): the quotes say where the value ends.
_QUOTED_SET = re.compile(r'[@\s]*set[\s,;=]*"', re.I)


# What ends a SET value unseen: cmd keeps every character, a Japanese IME's full-width space too.
_SET_VALUE_BLANKS = " \t\u3000"


@register
class BlankEndsSetValue(Rule):
    """
    ## What it does
    Checks for `SET NAME=value` whose value ends with blanks (spaces, tabs, or
    the full-width space U+3000, 全角スペース, that a Japanese IME leaves): before
    an `&`, a `)`, a redirection (`2>NUL`) or the end of the line. `SET /A` (whose blanks are no part of a number),
    `SET /P` (a prompt) and `SET "NAME=value"` (whose quotes end the value) are
    left alone.

    ## Why it matters in a cluster
    cmd.exe keeps every character up to the end of the command in the value, the
    blanks included, and a blank is invisible in an editor. After
    `SET EV=%ARMS_EVENT% & ...` the variable holds `START ` (with the blank),
    so `IF "%EV%" == "START"` is never true: the script takes its fallback for
    every event and the group comes up without its services. The same blank
    after a path (`SET ALROOT=D:\\SO `) makes `%ALROOT%\\bin` a folder that does
    not exist. cmd ends a value at no blank at all: a full-width space typed
    after `%ARMS_SERVER%` makes the value `HOME　`, as invisible as the others.

    ## Example
    ```batch
    SET EV=%ARMS_EVENT% & SET SV=%ARMS_SERVER%
    IF "%EV%" == "START" GOTO NORMAL
    ```

    ## Use instead
    ```batch
    SET "EV=%ARMS_EVENT%" & SET "SV=%ARMS_SERVER%"
    IF "%EV%" == "START" GOTO NORMAL
    ```

    ## Fix
    Unsafe (`--unsafe-fixes`): the blanks, full-width ones too, are removed, which changes the value;
    a script that meant them (a prefix glued to the next word) keeps them in
    quotes, `SET "PREFIX=abc "`. Before a redirection, none: `abc2>NUL` would
    redirect another handle; write `SET "X=abc" 2>NUL`.
    """

    code = "SO705"
    name = "blank-ends-set-value"
    severity = WARNING

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for stmt in ctx.statements:
            if stmt.__class__ is not Set or stmt.arithmetic or stmt.prompt:
                continue
            value = stmt.value
            kept = value.rstrip(_SET_VALUE_BLANKS)
            span = stmt.span
            if kept == value or span.line != span.end_line:
                continue
            text = ctx.line_text(span.line)
            assigned = text.lower().find(stmt.name.lower() + "=", span.column - 1)
            first = assigned + len(stmt.name) + 1  # 0-based, the value's first character
            if assigned < 0 or text[first : first + len(value)] != value or _QUOTED_SET.match(text, span.column - 1):
                continue  # written otherwise than it reads (carets, %VAR% in the name): no place to point at
            start, end = first + len(kept) + 1, first + len(value) + 1  # 1-based, the blanks (before a 2>NUL too)
            fix = None
            # Not before a redirection: SET X=abc 2>NUL would become abc2>NUL, another redirection.
            if ctx.fixable and text[end - 1 : end] in ("", "&", "|", ")"):
                fix = Fix(_("remove the blanks that end the value"), (Edit(ctx.offset(span.line, start), ctx.offset(span.line, end), ""),), unsafe=True)
            count = end - start
            template = ngettext(
                'the value of {name} ends with {count} blank, a full-width space (U+3000), which cmd keeps: '
                '"%{name}%" is "{value}", not "{kept}"; remove it or write SET "{name}={kept}"',
                'the value of {name} ends with {count} blanks, full-width spaces (U+3000) among them, which cmd '
                'keeps: "%{name}%" is "{value}", not "{kept}"; remove them or write SET "{name}={kept}"',
                count,
            ) if _FULL_WIDTH_SPACE in value[len(kept):] else ngettext(
                'the value of {name} ends with {count} blank, which cmd keeps: "%{name}%" is "{value}", not "{kept}"; '
                'remove it or write SET "{name}={kept}"',
                'the value of {name} ends with {count} blanks, which cmd keeps: "%{name}%" is "{value}", not "{kept}"; '
                'remove them or write SET "{name}={kept}"',
                count,
            )
            message = template.format(name=stmt.name, count=count, value=value, kept=kept)
            yield self.finding(ctx, span_of(span.line, start, end), message, fix)


# cmd splits a command line's words at half-width blanks (and , ; =), never at the
# full-width space a Japanese IME types in full-width mode.
_FULL_WIDTH_SPACE = "\u3000"


@register
class FullWidthSpaceInCommand(Rule):
    """
    ## What it does
    Checks for a full-width space (U+3000, 全角スペース) in the name of a command:
    `ARMLOAD　WorkFlow ...`, `GOTO　NORMAL`, `net　start ...`. One inside double
    quotes or in a path (`C:\\新しい　フォルダ\\tool.exe`) is part of the name it
    means to be.

    ## Why it matters in a cluster
    cmd.exe separates a command from its arguments only at half-width blanks (and
    `,` `;` `=`). A full-width space, typed when the IME was left in full-width
    mode, is part of the word: cmd looks for a program named `ARMLOAD　WorkFlow`,
    finds none ("is not recognized as an internal or external command") and goes
    on with the next line. The service is never started or stopped, a GOTO never
    jumps, and in an editor the line looks right.

    ## Example
    ```batch
    ARMLOAD　WorkFlow /S /M "WWF Server"
    GOTO　EXIT
    ```

    ## Use instead
    ```batch
    ARMLOAD WorkFlow /S /M "WWF Server"
    GOTO EXIT
    ```

    ## Fix
    With `--unsafe-fixes`: the full-width space becomes a half-width one. Unsafe,
    because the command then runs (or the GOTO jumps), which it did not.
    """

    code = "SO706"
    name = "full-width-space-in-command"
    severity = ERROR

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for command in ctx.commands_run:
            inside = _unquoted_full_width_space(command.name)
            if inside is None:
                continue
            line = command.span.line
            start = ctx.line_text(line).find(command.name, command.span.column - 1)
            if start < 0:
                continue  # a name that came out of expansion: not on this line as written
            at = start + inside
            fix = None
            if ctx.fixable:
                offset = ctx.offset(line, at + 1)
                fix = Fix(_("replace the full-width space with a half-width one"), (Edit(offset, offset + 1, " "),), unsafe=True)
            first = command.name.split(_FULL_WIDTH_SPACE, 1)[0]
            yield self.finding(
                ctx,
                Span(line, at + 1, line, at + 2),
                _(
                    "a full-width space (U+3000) follows {word}: cmd splits words only at half-width blanks, "
                    "so it runs no {word} but a program named {name}, which does not exist"
                ).format(word=first, name=command.name),
                fix,
            )


def _unquoted_full_width_space(name: str) -> int | None:
    """Where the first full-width space outside double quotes stands in a command's name;
    None in a path, quoted or not (``C:\\新しい　フォルダ\\x.exe`` is what cmd runs)."""
    if "\\" in name or "/" in name or ":" in name.split(_FULL_WIDTH_SPACE, 1)[0]:
        return None
    quoted = False
    for index, char in enumerate(name):
        if char == '"':
            quoted = not quoted
        elif char == _FULL_WIDTH_SPACE and not quoted:
            return index
    return None
