"""cmd's numbers: the integer syntax of IF comparisons and EXIT /B, and SET /A arithmetic."""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from typing import cast

_INTEGER = re.compile(r"\s*([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)\s*\Z", re.I)


def cmd_integer(text: str | None) -> int | None:
    """cmd's number syntax: decimal, 0x hex, 0 octal."""
    if text is None:
        return None
    m = _INTEGER.match(text)
    if m is None:
        return None
    digits = m.group(2).lower()
    if len(digits) > 12:
        # cmd reads numbers as 32-bit (strtol saturates); so many digits are past any of them.
        return -0x80000000 if m.group(1) == "-" else 0x7FFFFFFF
    value = (
        int(digits, 16)
        if digits.startswith("0x")
        else int(digits, 8)
        if digits.startswith("0") and len(digits) > 1
        else int(digits)
    )
    return -value if m.group(1) == "-" else value


def cmd_compare(left: str, op: str, right: str, case_insensitive: bool) -> bool:
    if op == "==":
        return left.lower() == right.lower() if case_insensitive else left == right
    compare = _COMPARISONS[op]
    a, b = cmd_integer(left), cmd_integer(right)
    if a is None or b is None:  # as text when either is no number
        return compare(left.lower(), right.lower()) if case_insensitive else compare(left, right)
    return compare(a, b)


_COMPARISONS = {"EQU": operator.eq, "NEQ": operator.ne, "LSS": operator.lt, "LEQ": operator.le, "GTR": operator.gt, "GEQ": operator.ge}


_ARITHMETIC_TOKEN = re.compile(r"\s*(?:(0x[0-9a-fA-F]+|[0-9]+)|([A-Za-z_$#@][\w$#@.]*)|(<<=|>>=|[-+*/%&|^]=|<<|>>|.))")


_BINARY = [("|",), ("^",), ("&",), ("<<", ">>"), ("+", "-"), ("*", "/", "%")]


def set_arithmetic(expression: str, lookup) -> tuple[list[tuple[str, int]], bool]:
    """SET /A: evaluate ``expression``; return the assignments it makes, in order, and
    whether cmd stopped at an error ("Invalid number" for 08, "Divide by zero error",
    a missing operand), after which it assigns nothing more.

    Integers (32-bit, as cmd), variables, unary - + ! ~, the binary operators and
    parentheses, ``=`` and the compound assignments, and ``,`` between expressions.
    """
    tokens, names = _read(expression)
    assignments, failed = _evaluate(tokens, names, tuple(lookup(name) for name in names))
    return list(assignments), failed


@lru_cache(maxsize=4096)
def _read(expression: str) -> tuple[tuple[tuple[str | None, str | None, str | None], ...], tuple[str, ...]]:
    """The expression's tokens, and the variables it reads in order of first mention."""
    matches = _ARITHMETIC_TOKEN.finditer(expression.replace('"', ""))
    tokens = cast(tuple[tuple[str | None, str | None, str | None], ...], tuple(m.groups() for m in matches))
    return tokens, tuple(dict.fromkeys(name for _number, name, _op in tokens if name is not None))


@lru_cache(maxsize=4096)  # a FOR loop's SET /A meets the same values in script after script
def _evaluate(tokens: tuple, names: tuple[str, ...], read: tuple[str | None, ...]) -> tuple[tuple[tuple[str, int], ...], bool]:
    """The assignments of the expression ``tokens``, its variables ``names`` having the
    values ``read``, and whether it stopped at an error."""
    given = dict(zip(names, read))
    lookup = given.__getitem__
    assignments: list[tuple[str, int]] = []
    values: dict[str, int] = {}
    pos = 0

    def variable(name: str) -> int:
        if name.upper() in values:
            return values[name.upper()]
        return cmd_integer(lookup(name)) or 0

    def peek() -> tuple[str | None, str | None, str | None]:
        return tokens[pos] if pos < len(tokens) else (None, None, None)

    def primary() -> int:
        nonlocal pos
        number, name, op = peek()
        pos += 1
        if number is not None:
            value = cmd_integer(number)
            if value is None:  # 08, 0x: "Invalid number. Numeric constants are either decimal ..."
                raise ValueError(number)
            return value
        if name is not None:
            return variable(name)
        if op == "(":
            value = assignment()
            if peek()[2] == ")":
                pos += 1
            return value
        if op in ("-", "+", "!", "~"):
            value = primary()
            return _wrap32({"-": -value, "+": value, "!": int(not value), "~": ~value}[op])
        raise ValueError(op)

    def binary(level: int) -> int:
        nonlocal pos
        if level == len(_BINARY):
            return primary()
        value = binary(level + 1)
        while (op := peek()[2]) is not None and op in _BINARY[level]:
            pos += 1
            value = _apply(op, value, binary(level + 1))
        return value

    def assignment() -> int:
        nonlocal pos
        number, name, op = peek()
        following = tokens[pos + 1][2] if pos + 1 < len(tokens) else None
        if name is not None and following is not None and following.endswith("=") and following not in ("==",):
            pos += 2
            value = assignment()
            if following != "=":
                value = _apply(following[:-1], variable(name), value)
            value = _wrap32(value)
            values[name.upper()] = value
            assignments.append((name, value))
            return value
        return binary(0)

    try:
        assignment()
        while peek()[2] == ",":
            pos += 1
            assignment()
    except (ValueError, ArithmeticError, RecursionError):
        return tuple(assignments), True
    return tuple(assignments), False


def _apply(op: str, a: int, b: int) -> int:
    """One step of cmd's 32-bit arithmetic: every result wraps as a C int does, and / and %
    round toward zero (in integers: a float quotient of large values overflows)."""
    if op in ("/", "%"):
        quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
        return _wrap32(quotient if op == "/" else a - b * quotient)
    return _wrap32(
        {
            "+": a + b,
            "-": a - b,
            "*": a * b,
            "&": a & b,
            "|": a | b,
            "^": a ^ b,
            "<<": a << (b & 31),
            ">>": a >> (b & 31),
        }[op]
    )


def _wrap32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value & 0x80000000 else value

