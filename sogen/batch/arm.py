"""The ARM commands as NEC documents them (``arm_commands.toml``), and an ARM command line
read against them: its watch ID, form, options with their values, and operands.

Plain frozen dataclasses, loaded once, like the product catalogue.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from sogen.batch.ir import Command, Word

DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, kw_only=True)
class Bounded:
    """A value that, with a ``minimum``, is a whole number in a documented range."""

    minimum: int | None = None
    maximum: int | None = None

    @property
    def bounds(self) -> str:
        """The range as the messages say it: "1 to 9", "1 or more"."""
        return f"{self.minimum} to {self.maximum}" if self.maximum is not None else f"{self.minimum} or more"

    def accepts(self, text: str) -> bool:
        if self.minimum is None:
            return True
        if not DIGITS.fullmatch(text):
            return False
        return self.minimum <= int(text) and (self.maximum is None or int(text) <= self.maximum)


@dataclass(frozen=True, kw_only=True)
class ArmOption(Bounded):
    name: str  # upper case: "/R"
    value: str | None = None  # what its value is called ("retry"); None: a flag
    choices: tuple[str, ...] = ()
    rest: bool = False  # the value is the rest of the line: a program and its arguments


@dataclass(frozen=True, kw_only=True)
class ArmOperand(Bounded):
    name: str  # "service name"


@dataclass(frozen=True)
class ArmForm:
    name: str
    usage: str
    marker: str | None  # the option that selects this form
    options: dict[str, ArmOption]
    operand: ArmOperand | None


@dataclass(frozen=True)
class ArmCommand:
    program: str  # lower case, as Command.program: "armload"
    source: str
    watch_id: bool  # the first argument is a watch ID
    forms: tuple[ArmForm, ...]
    options: dict[str, ArmOption]  # of every form: what a line without a marker is judged by

    def form_of(self, words: tuple[Word, ...]) -> ArmForm | None:
        """The form a line uses: the only one, or the one whose marker it has; None if unknown."""
        if len(self.forms) == 1:
            return self.forms[0]
        given = {w.text.upper() for w in words if is_option(w)}
        return next((f for f in self.forms if f.marker in given), None)

    def usages(self, form: ArmForm | None = None) -> str:
        """How NEC documents the command: ``form``, else every form."""
        return " or ".join(f"`{f.usage}`" for f in ((form,) if form is not None else self.forms))


@dataclass(frozen=True)
class WatchIdRules:
    source: str
    max_length: int
    characters: re.Pattern  # one allowed character
    reserved_prefix: str

    @cache
    def problem(self, watch_id: str) -> str | None:
        """Why ``watch_id`` is not a valid watch ID, or None (asked for the same few IDs
        in every script)."""
        if watch_id.upper().startswith(self.reserved_prefix.upper()):
            return f"IDs beginning with {self.reserved_prefix} are reserved for NEC"
        if len(watch_id) > self.max_length:
            return f"it has {len(watch_id)} characters, at most {self.max_length} are allowed"
        wrong = sorted({c for c in watch_id if not self.characters.fullmatch(c)})
        if wrong:
            shown = " ".join(repr(c) for c in wrong)
            return f"it contains {shown}: only single-byte letters and digits are allowed"
        return None


@dataclass(frozen=True)
class ArmCommands:
    commands: dict[str, ArmCommand]
    watch_id: WatchIdRules


def _option(raw: dict) -> ArmOption:
    return ArmOption(
        name=raw["name"].upper(),
        value=raw.get("value"),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        choices=tuple(raw.get("choices", ())),
        rest=raw.get("rest", False),
    )


def _form(raw: dict) -> ArmForm:
    operand = raw.get("operand")
    return ArmForm(
        name=raw["name"],
        usage=raw["usage"],
        marker=raw.get("marker"),
        options={o.name: o for o in map(_option, raw.get("options", ()))},
        operand=ArmOperand(name=operand["name"], minimum=operand.get("minimum")) if operand else None,
    )


def parse_arm_commands(text: str) -> ArmCommands:
    data = tomllib.loads(text)
    ids = data.pop("watch_id")
    watch_id = WatchIdRules(ids["source"], ids["max_length"], re.compile(ids["characters"]), ids["reserved_prefix"])
    commands = {}
    for program, raw in data.items():
        forms = tuple(_form(f) for f in raw["form"])
        options = {name: option for form in forms for name, option in form.options.items()}
        commands[program] = ArmCommand(program, raw["source"], raw["watch_id"], forms, options)
    return ArmCommands(commands, watch_id)


@cache
def load_arm_commands() -> ArmCommands:
    text = resources.files("sogen").joinpath("arm_commands.toml").read_text(encoding="utf-8")
    return parse_arm_commands(text)


def is_option(word: Word) -> bool:
    return word.text[:1] == "/"  # so never a quoted word


# Named tuples, built with tuple.__new__ (as in ir.py): the rules read every ARM line of every script.
_new_tuple = tuple.__new__


class GivenOption(NamedTuple):
    word: Word
    option: ArmOption | None  # None: not an option of this command (or form)
    values: tuple[Word, ...]


class ArmCall(NamedTuple):
    """One ARM command line, read against its documentation."""

    spec: ArmCommand
    form: ArmForm | None  # None: no marker says which form, so options are judged against all
    watch_id: Word | None
    options: tuple[GivenOption, ...]
    operands: tuple[Word, ...]  # the words no option took: the service name, ARMSLEEP's seconds

    @property
    def usages(self) -> str:
        return self.spec.usages(self.form)


def read_arm_call(command: Command) -> ArmCall | None:
    """``command`` read as an ARM command, or None when it is none."""
    spec = load_arm_commands().commands.get(command.program)
    if spec is None:
        return None
    args = command.args
    watch_id = args[0] if spec.watch_id and args and not is_option(args[0]) else None
    words = args[1:] if watch_id is not None else args
    form = spec.form_of(words)
    known = form.options if form is not None else spec.options
    options, operands = [], []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not is_option(word):
            operands.append(word)
            continue
        option = known.get(word.text.upper())
        taken = 0
        if option is not None and option.value is not None:
            if option.rest:
                taken = len(words) - index
            elif index < len(words) and not is_option(words[index]):
                taken = 1
        options.append(_new_tuple(GivenOption, (word, option, words[index : index + taken])))
        index += taken
    return _new_tuple(ArmCall, (spec, form, watch_id, tuple(options), tuple(operands)))
