"""The ARM commands as NEC documents them (``arm_commands.toml``), and an ARM command line
read against them: its watch ID, form, options with their values, and operands.

Plain frozen dataclasses, loaded once, like the product catalogue.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

from sogen.i18n import _, language

if TYPE_CHECKING:  # the topology model reads the watch ID rules without the batch IR
    from sogen.batch.ir import Command, Word

DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, kw_only=True)
class Bounded:
    """A value that, with a ``minimum``, is a whole number in a documented range."""

    minimum: int | None = None
    maximum: int | None = None
    assumed: bool = False  # no source gives the range: sogen takes one

    @property
    def bounds(self) -> str:
        """The range as the messages say it: "1 to 9", "1 or more"."""
        if self.maximum is not None:
            return _("{minimum} to {maximum}").format(minimum=self.minimum, maximum=self.maximum)
        return _("{minimum} or more").format(minimum=self.minimum)

    def accepts(self, text: str) -> bool:
        if self.minimum is None:
            return True
        if not DIGITS.fullmatch(text):
            return False
        digits = text.lstrip("0") or "0"
        if len(digits) > len(str(self.maximum or self.minimum)):
            # Past the bound (and Python reads no more than 4,300 digits as a number).
            return self.maximum is None
        value = int(digits)
        return self.minimum <= value and (self.maximum is None or value <= self.maximum)


@dataclass(frozen=True, kw_only=True)
class ArmOption(Bounded):
    name: str  # upper case: "/R"
    value: str | None = None  # what its value is called ("retry"); None: a flag
    choices: tuple[str, ...] = ()
    rest: bool = False  # the value is the rest of the line: a program and its arguments
    required: bool = False  # every line of its form has it


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

    def form_of_options(self, given: set[str]) -> ArmForm | None:
        """The form a line with the options ``given`` (upper case) uses: the only one, or the
        one whose marker it has; None if unknown."""
        if len(self.forms) == 1:
            return self.forms[0]
        return next((f for f in self.forms if f.marker in given), None)

    @property
    def markers(self) -> tuple[str, ...]:
        """The options that select a form (ARMLOAD's /S and /W), when it has several."""
        return tuple(f.marker for f in self.forms if f.marker is not None) if len(self.forms) > 1 else ()

    def usages(self, form: ArmForm | None = None) -> str:
        """How NEC documents the command: ``form``, else every form."""
        return _(" or ").join(f"`{f.usage}`" for f in ((form,) if form is not None else self.forms))


@dataclass(frozen=True)
class WatchIdRules:
    source: str
    max_length: int
    characters: re.Pattern  # one allowed character
    reserved_prefix: str

    def problem(self, watch_id: str) -> str | None:
        """Why ``watch_id`` is not a valid watch ID, or None, in the current language."""
        return self._problem(watch_id, language())

    @cache
    def _problem(self, watch_id: str, lang: str) -> str | None:
        """(asked for the same few IDs in every script)"""
        if watch_id.upper().startswith(self.reserved_prefix.upper()):
            return _("IDs beginning with {prefix} are reserved for NEC").format(prefix=self.reserved_prefix)
        if len(watch_id) > self.max_length:
            return _("it has {length} characters, at most {maximum} are allowed").format(
                length=len(watch_id), maximum=self.max_length
            )
        wrong = sorted({c for c in watch_id if not self.characters.fullmatch(c)})
        if wrong:
            shown = " ".join(repr(c) for c in wrong)
            return _("it contains {characters}: only single-byte letters, digits and '_' are allowed").format(
                characters=shown
            )
        return None

    @property
    def pattern(self) -> str:
        """A whole valid watch ID as a regular expression (the reserved prefix aside)."""
        return f"{self.characters.pattern}{{1,{self.max_length}}}"


@dataclass(frozen=True)
class ArmCommands:
    commands: dict[str, ArmCommand]
    watch_id: WatchIdRules
    unjudged: frozenset[str]  # other ARM commands NEC's scripts run, lower case

    @cached_property  # asked by SO312 for every script
    def names(self) -> frozenset[str]:
        """Every ARM command sogen knows of, lower case."""
        return frozenset(self.commands) | self.unjudged


def _option(raw: dict) -> ArmOption:
    return ArmOption(
        name=raw["name"].upper(),
        value=raw.get("value"),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        choices=tuple(raw.get("choices", ())),
        rest=raw.get("rest", False),
        required=raw.get("required", False),
        assumed=raw.get("assumed", False),
    )


def _form(raw: dict) -> ArmForm:
    operand = raw.get("operand")
    return ArmForm(
        name=raw["name"],
        usage=raw["usage"],
        marker=raw.get("marker"),
        options={o.name: o for o in map(_option, raw.get("options", ()))},
        operand=ArmOperand(name=operand["name"], minimum=operand.get("minimum"), assumed=operand.get("assumed", False))
        if operand
        else None,
    )


def parse_arm_commands(text: str) -> ArmCommands:
    data = tomllib.loads(text)
    unjudged = frozenset(data.pop("unjudged"))
    ids = data.pop("watch_id")
    watch_id = WatchIdRules(ids["source"], ids["max_length"], re.compile(ids["characters"]), ids["reserved_prefix"])
    commands = {}
    for program, raw in data.items():
        forms = tuple(_form(f) for f in raw["form"])
        options = {name: option for form in forms for name, option in form.options.items()}
        commands[program] = ArmCommand(program, raw["source"], raw["watch_id"], forms, options)
    return ArmCommands(commands, watch_id, unjudged)


@cache
def load_arm_commands() -> ArmCommands:
    text = resources.files("sogen").joinpath("arm_commands.toml").read_text(encoding="utf-8")
    return parse_arm_commands(text)


def is_option(word: Word) -> bool:
    return word.text[:1] == "/"  # so never a quoted word


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
    form, watched, options, operands = _layout(command.program, tuple(word.text for word in args))
    given = tuple(GivenOption(args[at], option, args[start:end]) for at, option, start, end in options)
    return ArmCall(spec, form, args[0] if watched else None, given, tuple(args[at] for at in operands))


def operand_texts(program: str, texts: tuple[str, ...]) -> tuple[str, ...]:
    """The words of an ARM command line (after its name) that no option takes: ARMLOAD's
    service name (``/S /M "StarOffice Server"``, ``/S /R 3 Svc``), ARMSLEEP's seconds."""
    _form, _watched, _options, operands = _layout(program, texts)
    return tuple(texts[at] for at in operands)


@lru_cache(maxsize=4096)
def _layout(program: str, texts: tuple[str, ...]) -> tuple:
    """How an ARM command's words read, by position: (form, whether the first is the watch
    ID, (option word, option, first and end of its values), operand positions). It depends
    on the words' texts only, and scripts repeat the same ARM lines over and over."""
    spec = load_arm_commands().commands[program]
    watched = bool(spec.watch_id and texts and texts[0][:1] != "/")
    first = 1 if watched else 0
    # The options up to one that takes the rest of the line choose the form: after
    # `/W program` come the program's own arguments (`/W robocopy.exe D:\a E:\a /S`).
    named = set()
    for text in texts[first:]:
        if text[:1] == "/":
            named.add(text.upper())
            option = spec.options.get(text.upper())
            if option is not None and option.rest:
                break
    form = spec.form_of_options(named)
    known = form.options if form is not None else spec.options
    options, operands = [], []
    index = first
    while index < len(texts):
        at = index
        index += 1
        if texts[at][:1] != "/":
            operands.append(at)
            continue
        option = known.get(texts[at].upper())
        taken = 0
        if option is not None and option.value is not None:
            if option.rest:
                taken = len(texts) - index
            elif index < len(texts) and texts[index][:1] != "/":
                taken = 1
        options.append((at, option, index, index + taken))
        index += taken
    return form, watched, tuple(options), tuple(operands)
