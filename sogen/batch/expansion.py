"""cmd's expansion of variables: %VAR% (phase 1, as a line is read), !VAR! (delayed),
FOR variables, %0-%9, and the %VAR:~n,m% / %VAR:a=b% modifiers."""

from __future__ import annotations

import itertools
import ntpath
import re
from functools import lru_cache
from typing import NamedTuple

from sogen.batch.numbers import cmd_integer

_PERCENT_REF = re.compile(r"%([^%:\s]+)(?=[%:])")


_DELAYED_REF = re.compile(r"!([^!:\s]+)(?=[!:])")


_PERCENT_CLOSE = re.compile(r"[%:]")


_DELAYED_CLOSE = re.compile(r"[!:]")


_ARG_REF = re.compile(r"~([a-z$]*)([0-9])", re.I)


# %%i, %%~i, %%~nxi: a FOR variable, its path modifiers (the letters before it) if any.
FOR_REF = re.compile(r"%(~[fdpnxsatz]*)?([^\s%~])", re.I)


VARIABLE, ARGUMENT, ALL_ARGUMENTS = "variable", "argument", "all arguments"


# A value that, put for an unquoted %VAR%, leaves the line's words as they were: one
# word without blanks, quotes, separators, operators or wildcards ...
_PLAIN_VALUE = re.compile(r'[^\s"^&|<>()%!=,;?*]+')
# ... and none of the words IF reads as a keyword (cmd would read "IF %X% == Y" with X
# set to NOT as a negated test).
_KEYWORDS = frozenset("/i not exist defined errorlevel cmdextversion equ neq lss leq gtr geq else".split())
# Variables that always hold one such word where these scripts run: cmd's dynamic
# numbers (SET /? lists them) and what Windows sets for every process, services
# included. (%DATE%, %TIME%, %CD% and %PROGRAMFILES% may hold blanks: not here.)
ONE_WORD_ALWAYS = frozenset(
    "ERRORLEVEL RANDOM CMDEXTVERSION HIGHESTNUMANODENUMBER NUMBER_OF_PROCESSORS "
    "COMPUTERNAME COMSPEC OS PROCESSOR_ARCHITECTURE SYSTEMDRIVE SYSTEMROOT WINDIR".split()
)


def keeps_words(value: str) -> bool:
    """Whether ``value``, put for an unquoted %VAR%, leaves a line's words as they were."""
    return _PLAIN_VALUE.fullmatch(value) is not None and value.lower() not in _KEYWORDS


def one_word(value: str) -> bool:
    """Whether a SET value always gives one plain word (see :func:`keeps_words`): its own
    text and variables of :data:`ONE_WORD_ALWAYS`, nothing else."""
    parts, modified = percent_template(value)
    if modified is not None or not parts:
        return False
    for part in parts:
        if part.__class__ is str:
            if not _PLAIN_VALUE.fullmatch(part):
                return False
        elif part[0] is not VARIABLE or part[1].upper() not in ONE_WORD_ALWAYS:
            return False
    return len(parts) > 1 or parts[0].__class__ is not str or keeps_words(parts[0])


@lru_cache(maxsize=8192)
def percent_template(text: str) -> tuple[tuple, tuple[str, str, str, str | None] | None]:
    """How cmd's phase 1 reads ``text``, worked out once for every script that has the line.

    Returns (parts, modified): parts are literal strings, (VARIABLE, name),
    (ARGUMENT, number, modifiers) and (ALL_ARGUMENTS,). ``modified`` is the
    first %NAME:modifier% (name, modifier, rest of the text if NAME is unset, rest
    if set, None when no % closes it): how the rest reads depends on the value.
    """
    parts: list = []
    pos = 0
    while True:
        start = text.find("%", pos)
        if start < 0:
            parts.append(text[pos:])
            return tuple(part for part in parts if part != ""), None
        parts.append(text[pos:start])
        following = text[start + 1 : start + 2]
        if following == "%":
            parts.append("%")
            pos = start + 2
            continue
        if following == "*":
            parts.append((ALL_ARGUMENTS,))
            pos = start + 2
            continue
        argument = _ARG_REF.match(text, start + 1) if following == "~" else None
        if following.isdigit() or argument:
            number = int(argument.group(2) if argument else following)
            modifiers = argument.group(1).lower() if argument else None
            parts.append((ARGUMENT, number, modifiers))
            pos = argument.end() if argument else start + 2
            continue
        close = _PERCENT_CLOSE.search(text, start + 1)
        if close is None:
            pos = start + 1  # a lone % vanishes
            continue
        name = text[start + 1 : close.start()]
        if text[close.start()] == "%":
            parts.append((VARIABLE, name))
            pos = close.end()
            continue
        end = text.find("%", close.end())
        modified = (name, text[close.end() : end], text[close.end() :], text[end + 1 :] if end >= 0 else None)
        return tuple(part for part in parts if part != ""), modified


# Where a value may come in: a %VAR% left as text by %% (a FOR variable), or !VAR!.
_MAY_VARY = re.compile(r"[%!]")
# What follows the last of them. A FOR variable's name is any one character (%%a, %%#,
# %%~nx#, %%~$PATH:#); its modifiers are taken greedily, so that a letter that may be
# its name is never taken for text (the tail is then shorter, never wrong).
_AFTER_LAST_VARYING = re.compile(r"(?:%(?:~[fdpnxsatz]*+(?:\$[^:]*+:)?)?[^%!]?|!)(?P<tail>[^%!]*)\Z", re.I)


class OperandEnds(NamedTuple):
    """What an IF operand starts and ends with whatever its references expand to."""

    head: str
    tail: str
    varies: bool  # False: the operand is its own text


@lru_cache(maxsize=4096)
def operand_ends(text: str) -> OperandEnds | None:
    """The literal text before an IF operand's first reference and after its last
    (the whole text when it has none); None when that cannot be told: a ^ escape.
    After a %VAR:modifier%, whose expansion may take in what follows it, nothing is
    sure: the tail is empty."""
    if "^" in text:
        return None
    parts, modified = percent_template(text)
    if modified is None and not parts:
        return OperandEnds("", "", False)
    if modified is None and len(parts) == 1 and parts[0].__class__ is str and not _MAY_VARY.search(parts[0]):
        return OperandEnds(text, text, False)
    head = _MAY_VARY.split("".join(itertools.takewhile(_is_text, parts)), 1)[0]
    if modified is not None:
        return OperandEnds(head, "", True)
    tail = "".join(reversed(list(itertools.takewhile(_is_text, reversed(parts)))))
    after = _AFTER_LAST_VARYING.search(tail)
    return OperandEnds(head, after.group("tail") if after else tail, True)


def _is_text(part) -> bool:
    """A literal part of :func:`percent_template`'s parts, not a reference."""
    return part.__class__ is str


def never_equal(left: str, right: str, case_insensitive: bool) -> tuple[str, str, bool] | None:
    """Whether IF's ``left == right`` is false whatever the variables hold, because the
    literal starts (or ends) of the two operands differ, as ``"%X%" == START`` does:
    (the differing start or end of each, True for an end), or None."""
    left_ends, right_ends = operand_ends(left), operand_ends(right)
    if left_ends is None or right_ends is None or not (left_ends.varies or right_ends.varies):
        return None  # cannot tell, or a constant test such as IF 1==1
    (left_head, left_tail, _), (right_head, right_tail, _) = left_ends, right_ends
    fold = str.lower if case_insensitive else str
    shared = min(len(left_head), len(right_head))
    for at in range(shared):
        if fold(left_head[at]) != fold(right_head[at]):
            return left_head[: at + 1], right_head[: at + 1], False
    shared = min(len(left_tail), len(right_tail))
    for at in range(1, shared + 1):
        if fold(left_tail[-at]) != fold(right_tail[-at]):
            return left_tail[-at:], right_tail[-at:], True
    return None


def only_quoted_percent(text: str) -> bool:
    return all(index % 2 for index, part in enumerate(text.split('"')) if "%" in part)


def for_value(match: re.Match[str], bound: dict[str, str]) -> str:
    modifiers, name = match.group(1), match.group(2)
    value = bound.get(name)
    if value is not None:
        return path_modified(value, modifiers[1:])[0] if modifiers else value
    # %%~nf.log with f bound: the modifiers took the variable's letter (f, a, n ... are both),
    # and cmd backs off to the longest run of modifiers that leaves a bound variable.
    letters = modifiers[1:] if modifiers else ""
    for cut in range(len(letters) - 1, -1, -1):
        if letters[cut] in bound:
            return path_modified(bound[letters[cut]], letters[:cut])[0] + letters[cut + 1 :] + name
    return match.group(0)


def path_modified(value: str, modifiers: str) -> tuple[str, bool]:
    """cmd's ``%~<modifiers>1`` and ``%%~<modifiers>i``: the value without its quotes and,
    with ``d`` ``p`` ``n`` ``x`` (``f``: all), those parts of it as a Windows path; and
    whether that depends on the server (a relative path's folder is the current one;
    ``s`` ``a`` ``t`` ``z`` read the file: left as the value)."""
    value = value.replace('"', "")
    letters = modifiers.lower()
    if not letters:
        return value, False
    folder, name = ntpath.split(value.replace("/", "\\"))
    stem, extension = ntpath.splitext(name)
    drive, within = ntpath.splitdrive(folder)
    relative = not (drive and within.startswith("\\"))
    parts = {"d": drive, "p": within if within.endswith("\\") else within + "\\", "n": stem, "x": extension}
    reads_server = any(letter in letters for letter in "satz") or (relative and any(l in letters for l in "dpf"))
    if "f" in letters or not any(letter in letters for letter in "dpnx"):
        return value, reads_server
    return "".join(parts[letter] for letter in "dpnx" if letter in letters), reads_server


def modify_value(value: str, modifier: str) -> str:
    """``%VAR:modifier%``: ``~start[,length]`` substring or ``old=new`` replacement."""
    if modifier.startswith("~"):
        read = [cmd_integer(part) for part in modifier[1:].split(",")]
        numbers = [number for number in read if number is not None]
        if len(numbers) != len(read) or not 1 <= len(numbers) <= 2:
            return value
        start = numbers[0]
        if start < 0:
            start = max(0, len(value) + start)
        result = value[start:]
        if len(numbers) == 2:
            length = numbers[1]
            result = result[:length] if length >= 0 else result[: max(0, len(result) + length)]
        return result
    old, equals, new = modifier.partition("=")
    if not equals or not old:
        return value
    if old.startswith("*"):
        at = value.lower().find(old[1:].lower())
        return value if at < 0 else new + value[at + len(old) - 1 :]
    return re.sub(re.escape(old), lambda _m: new, value, flags=re.I)


def expand_delayed(text: str, lookup) -> str:
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("!", pos)
        if start < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:start])
        close = _DELAYED_CLOSE.search(text, start + 1)
        if close is None:
            pos = start + 1
            continue
        value = lookup(text[start + 1 : close.start()])
        if text[close.start()] == "!":
            out.append(value or "")
            pos = close.end()
            continue
        end = text.find("!", close.end())
        if value is None or end < 0:
            pos = close.end()
            continue
        out.append(modify_value(value, text[close.end() : end]))
        pos = end + 1


def variables_read(condition) -> tuple[str, ...]:
    """Upper-case names of the variables an IF condition reads."""
    words = (condition.left, condition.right)
    return _variables_in(condition.kind, *(word.text if word else None for word in words))


@lru_cache(maxsize=4096)
def _variables_in(kind: str, *operands: str | None) -> tuple[str, ...]:
    names: list[str] = []
    for text in operands:
        if text is None:
            continue
        if kind == "defined":
            names.append(text.upper())
            continue
        names.extend(m.group(1).upper() for m in _PERCENT_REF.finditer(text))
        names.extend(m.group(1).upper() for m in _DELAYED_REF.finditer(text))
    return tuple(names)

