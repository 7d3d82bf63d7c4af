"""The topology: nodes, failover groups and the products they run.

Field-level rules (types, formats, characters that would change the meaning
of a batch or registry line) live here; rules that relate fields to each
other live in :mod:`sogen.topology.checks` so that every problem is reported
with its position, all at once.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Annotated, Literal, Union, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from sogen.batch import MAX_LINE
from sogen.batch.arm import load_arm_commands
from sogen.batch.events import SPELLINGS
from sogen.i18n import N_, _

# Characters that change what a batch line means (&|<> redirect or chain,
# ^ escapes, % and ! expand variables, " opens a quoted argument) or what a
# .reg value means ("). Line breaks and control characters end or corrupt a line.
FORBIDDEN_CHARACTERS = '&|<>^%!"'
FORBIDDEN_DESCRIPTION = N_('& | < > ^ % ! " and control characters')


def _reject_unsafe(value: str) -> str:
    value = _composed(value)
    forbidden = dict.fromkeys(ch for ch in value if ch in FORBIDDEN_CHARACTERS)
    if forbidden:  # all of them at once: one fix, not one run per character
        raise ValueError(
            _(
                "contains {character}, which would change the meaning of the batch or registry "
                "line it is written to (not allowed: {forbidden})"
            ).format(character=", ".join(map(repr, forbidden)), forbidden=_(FORBIDDEN_DESCRIPTION))
        )
    for ch in value:
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            name = {"\r": _("a carriage return"), "\n": _("a line break"), "\t": _("a tab")}.get(
                ch, _("control character U+{code:04X}").format(code=ord(ch))
            )
            raise ValueError(
                _(
                    "contains {character}, which would split or corrupt the line it is written to "
                    "(not allowed: {forbidden})"
                ).format(character=name, forbidden=_(FORBIDDEN_DESCRIPTION))
            )
    cannot = [ch for ch in dict.fromkeys(value) if not _in_code_page_932(ch)]
    if cannot:  # all of them at once, as above
        message = _(
            "contains {characters}, which code page 932 cannot represent; batch files are written in code page 932"
        ).format(characters=", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in cannot))
        for ch in cannot:
            if ch in _LOOK_ALIKES:
                message += _("; ") + _("write {replacement} instead of {character}").format(
                    replacement=_(_LOOK_ALIKES[ch]), character=f"{ch!r} (U+{ord(ch):04X})"
                )
        raise ValueError(message)
    # Windows' form: what the code page 932 files hold and Windows reads back from them. A few
    # characters come back as others (U+301C WAVE DASH is written as 0x8160, which Windows reads
    # as U+FF5E FULLWIDTH TILDE); the UTF-16 registry patches and the runbook must name the same.
    return value.encode("cp932").decode("cp932")


def _in_code_page_932(ch: str) -> bool:
    try:
        ch.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


# Characters code page 932 lacks, with the one of it they are usually mistaken for.
_LOOK_ALIKES = {"\u00a5": N_("'\\' or '\uffe5' (U+FFE5)"), "\u2014": "'\u2015' (U+2015)"}


def _composed(value: str) -> str:
    """Each character with the combining marks after it composed (NFD, as macOS Finder names
    files, to NFC: 'テ' U+30C6 and U+3099 to 'デ'). Only those: NFC also replaces single
    characters code page 932 holds with others (U+212B ANGSTROM SIGN with U+00C5, the IBM
    extension kanji such as U+FA19 with their JIS twins), which would name another folder."""
    runs: list[str] = []
    for ch in value:
        if runs and unicodedata.combining(ch):
            runs[-1] += ch
        else:
            runs.append(ch)
    return "".join(unicodedata.normalize("NFC", run) if len(run) > 1 else run for run in runs)


def _not_before_closing_quote(value: str) -> str:
    if value.endswith("\\"):
        raise ValueError(
            _(
                "ends with a backslash, which would be written just before a closing double quote, where "
                'Windows programs read \\" as a literal quote and the argument runs on (not allowed: a trailing \\)'
            )
        )
    return value


# For values a template writes between double quotes ("...").
WrittenInQuotes = AfterValidator(_not_before_closing_quote)

# Windows' device names: no file or folder can be named so, in any case, even
# with an extension (con.txt). Windows counts the superscripts ¹ ² ³ as digits here.
WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{port}{digit}" for port in ("COM", "LPT") for digit in "0123456789¹²³"}
)


def _usable_as_file_name(value: str) -> str:
    if value.endswith((".", " ")):
        raise ValueError(
            _("'{value}' is not allowed: Windows drops a trailing dot or space from a file or folder name").format(
                value=value
            )
        )
    stem = value.split(".", 1)[0].rstrip(" ").upper()
    if stem in WINDOWS_DEVICE_NAMES:
        raise ValueError(
            _(
                "'{value}' is not allowed: {stem} is a Windows device name and Windows cannot create a file or "
                "folder with it (not allowed, in any case and with any extension: CON, PRN, AUX, NUL, COM0-COM9, "
                "LPT0-LPT9, and COM1-COM3, LPT1-LPT3 with superscript digits)"
            ).format(value=value, stem=stem)
        )
    return value


def _no_outer_blanks(value: str) -> str:
    """'Current Version ' is another key than 'Current Version', and nobody sees the blank."""
    if value != value.strip(" \t\u3000"):
        raise ValueError(
            _("'{value}' is not allowed: it begins or ends with a blank, which makes another name than the one shown").format(
                value=value
            )
        )
    return value


def _whole_number(value: object) -> object:
    # pydantic alone would take true as 1, and "30" or 30.0 as 30.
    if isinstance(value, bool) or not isinstance(value, int):
        shown = "null" if value is None else str(value).lower() if isinstance(value, bool) else repr(value)
        raise ValueError(
            _(
                "{value} is not allowed: a whole number such as 30, without quotes or decimals "
                "(true and false are not numbers)"
            ).format(value=shown)
        )
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


def _pattern(regex: str, allowed: str):
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(_("'{value}' is not allowed: {allowed}").format(value=value, allowed=_(allowed)))
        return value

    return check


def constrained(regex: str, allowed: str, *more):
    """A string type checked against ``regex`` (also published in the JSON Schema)."""
    return Annotated[
        str,
        Field(json_schema_extra={"pattern": f"^(?:{regex})$"}),
        AfterValidator(_reject_unsafe),
        *more,
        AfterValidator(_pattern(regex, allowed)),
    ]


def _ipv4(value: str) -> str:
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        raise ValueError(
            _("{value} is not a valid IPv4 address (four numbers 0-255, e.g. 192.168.10.11)").format(value=repr(value))
        ) from None
    if address.is_unspecified or address.is_loopback or address.is_multicast or str(address) == "255.255.255.255":
        raise ValueError(
            _("{value} cannot be a server address (unspecified, loopback, multicast or broadcast)").format(value=value)
        )
    # 0.0.0.0/8 is "this network", 240.0.0.0/4 reserved, 169.254.0.0/16 what Windows takes
    # when DHCP fails: no cluster is configured on them.
    if address in _THIS_NETWORK or address.is_reserved or address.is_link_local:
        raise ValueError(
            _("{value} cannot be a server address (0.0.0.0/8, 169.254.0.0/16 link-local or 240.0.0.0/4 reserved)").format(
                value=value
            )
        )
    return value


_THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")


# A DNS host name: dot-separated labels of 1-63 letters, digits and hyphens (RFC 1123),
# at most 253 characters; a name of digits and dots only is an IPv4 address.
_DNS_NAME = re.compile(r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def _host_or_ip(value: str) -> str:
    """An SMTP host on another machine (guide 2.2.2.2): usually a DNS name, else an address."""
    if re.fullmatch(r"[0-9.]+", value):
        return _ipv4(value)
    if not _DNS_NAME.fullmatch(value):
        raise ValueError(
            _(
                "{value} is not allowed: a host name is labels of 1-63 letters, digits and hyphens, joined by "
                "dots (e.g. mail.example.co.jp), or an IPv4 address"
            ).format(value=repr(value))
        )
    return value


# What ARMLOAD accepts, as sogen/arm_commands.toml records it for the lint rules too.
_WATCH_IDS = load_arm_commands().watch_id


def _not_nec_prefix(value: str) -> str:
    if value.upper().startswith(_WATCH_IDS.reserved_prefix.upper()):
        raise ValueError(
            _("{value} starts with {prefix}, which CLUSTERPRO reserves for its own watch IDs").format(
                value=repr(value), prefix=_WATCH_IDS.reserved_prefix
            )
        )
    return value


# Each text is written into one line of a generated script, with at most this many other
# characters on it (`ARMBCAST /MSG "..." /A` and its indentation): a longer line is cut
# by cmd, losing the closing quote and /A.
_REST_OF_A_LINE = 64


def _fits_a_line(value: str) -> str:
    room = MAX_LINE - _REST_OF_A_LINE
    if len(value) > room:
        raise ValueError(
            _("is {length} characters long; at most {room} are allowed: cmd reads {limit} characters of a line").format(
                length=len(value), room=room, limit=MAX_LINE
            )
        )
    return value


SafeText = Annotated[str, Field(min_length=1), AfterValidator(_reject_unsafe), AfterValidator(_fits_a_line)]


def _runs_and_comes_back(value: str) -> str:
    """backup.bat runs the backup command between stopping StarOffice and starting it
    again (guide 1.5.1): one command that comes back, read as cmd reads the line."""
    from sogen.batch.ir import Call, Command, ParseError
    from sogen.batch.parser import parse_lines, runs_batch_file

    statements = parse_lines((value,), 1)
    stmt = statements[0] if len(statements) == 1 else None
    if isinstance(stmt, ParseError):
        raise ValueError(_("is not a line cmd can run: {reason}").format(reason=stmt.message))
    if isinstance(stmt, Command) and not stmt.via and runs_batch_file(stmt.name):
        raise ValueError(
            _(
                "runs the batch file {name} without CALL: cmd would not come back to backup.bat, and StarOffice "
                "would stay stopped with its watch paused; write call {name}"
            ).format(name=stmt.name)
        )
    if not isinstance(stmt, Command | Call) or (isinstance(stmt, Call) and stmt.is_label):
        raise ValueError(
            _(
                "is to be one command that runs and comes back (a program, or CALL of a batch file): backup.bat "
                "starts StarOffice and resumes its watch after it; IF, FOR, GOTO, EXIT, SET, labels, CALL of a "
                "label, comments and blocks are not allowed here (put them in a batch file of your own and CALL it)"
            )
        )
    if isinstance(stmt, Call) and len(value.split(None, 1)) == 2:
        # CALL of a program runs it as the line without CALL does (call start ntbackup ...).
        called = parse_lines((value.split(None, 1)[1],), 1)
        stmt = called[0] if len(called) == 1 else stmt
    if isinstance(stmt, Command):
        _backs_up_only(stmt, value)
    return value


# Commands that wait for a person (at 3 a.m. nobody answers, and StarOffice stays stopped with
# its watch paused) or that change backup.bat's own state instead of backing up.
_WAITS = frozenset({"pause", "choice"})
_CHANGES_BACKUP_BAT = frozenset({"setlocal", "endlocal", "shift"})
# ARM commands that only say something or wait: harmless in the backup.
_ARM_NOTICES = frozenset({"armbcast", "armsleep"})


def _backs_up_only(stmt, line: str) -> None:
    """The backup command backs up: backup.bat itself pauses and resumes the watch and stops
    and starts StarOffice (guide 1.5.1), so the command may do none of that, nor wait, nor
    return before the backup is done."""
    from sogen.batch.arm import load_arm_commands

    program = stmt.program
    words = [w.value for w in stmt.args]
    if program in load_arm_commands().names and program not in _ARM_NOTICES:
        raise ValueError(
            _("runs {command}: backup.bat itself pauses and resumes the watch (guide 1.5.1); the backup command "
              "only backs up").format(command=stmt.name)
        )
    # net start/stop of a watched service: topology.checks.check_backup_services, which knows
    # the topology's own names too.
    wrappers = [wrapper.lower().split() for wrapper in stmt.via]
    timed_choice = program == "choice" and any(w.lower().startswith("/t") for w in words)
    if (program in _WAITS and not timed_choice) or program == "cmd" or any("/k" in w for w in wrappers):
        raise ValueError(
            _("{command} waits for someone to answer: backup.bat would not go on, and StarOffice would stay stopped "
              "with its watch paused (run a batch file with CALL, or with cmd /C)").format(command=f"'{line}'")
        )
    if any(w[0] == "start" and "/wait" not in w for w in wrappers):
        raise ValueError(
            _("{command} returns at once: backup.bat would start StarOffice again while the backup still reads its "
              "files; give start /WAIT, or run the program without start").format(command=f"'{line}'")
        )
    if program in _CHANGES_BACKUP_BAT:
        raise ValueError(
            _("{command} changes backup.bat itself instead of backing up (put it in a batch file of your own and "
              "CALL it)").format(command=stmt.name)
        )


BackupCommand = Annotated[SafeText, AfterValidator(_runs_and_comes_back)]
QuotedText = Annotated[SafeText, WrittenInQuotes]
HOST_REGEX = r"(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]{0,13}[A-Za-z0-9])?"
HOST_ALLOWED = N_(
    "a host name has 1-15 letters, digits and hyphens (a NetBIOS name), "
    "not starting or ending with a hyphen and not only digits"
)
HostName = constrained(HOST_REGEX, HOST_ALLOWED)
NodeName = HostName
IPv4 = Annotated[str, AfterValidator(_reject_unsafe), AfterValidator(_ipv4)]
HostOrIP = Annotated[str, AfterValidator(_reject_unsafe), AfterValidator(_host_or_ip)]
Identifier = constrained(r"[A-Za-z][A-Za-z0-9_-]{0,30}", N_("1-31 letters, digits, '_' and '-', starting with a letter"))
# A name that is also a file or folder name on Windows.
FileName = Annotated[Identifier, AfterValidator(_usable_as_file_name)]
WatchId = constrained(
    _WATCH_IDS.pattern, N_("a watch ID has 1-255 letters, digits and '_'"), AfterValidator(_not_nec_prefix)
)
DriveLetter = Annotated[
    constrained(r"[A-Za-z]:?", N_("a drive letter such as E or E:")),
    AfterValidator(lambda v: v[0].upper()),
]
WINDOWS_PATH_REGEX = r'[A-Za-z]:\\(?:[^\\/:*?<>|"]+(?:\\[^\\/:*?<>|"]+)*)?'
WINDOWS_PATH_ALLOWED = N_(
    "an absolute Windows path such as D:\\SO (drive letter, backslashes, "
    'no trailing backslash, none of / : * ? < > | ")'
)
# CreateDirectory's limit on the guide's Windows NT 4.0 (MAX_PATH less room for an 8.3 name).
MAX_FOLDER_PATH = 248


def _usable_as_path(value: str) -> str:
    """Each folder of the path is one Windows can create (no device name, no trailing dot or
    blank, so no ``..``), and the whole fits NT's MAX_PATH with files below it."""
    for part in value[3:].split("\\") if len(value) > 3 else ():
        _usable_as_file_name(part)
    if len(value) > MAX_FOLDER_PATH:
        raise ValueError(
            _("is {length} characters long; Windows NT creates folders of at most {maximum}").format(
                length=len(value), maximum=MAX_FOLDER_PATH
            )
        )
    return value


WindowsPath = constrained(WINDOWS_PATH_REGEX, WINDOWS_PATH_ALLOWED, AfterValidator(_usable_as_path))
# A path written where it cannot be quoted: no blank, nor ; , = (cmd splits words there).
_SPACELESS_PATH = r'[A-Za-z]:\\[^\s\\/:*?<>|";,=]+(?:\\[^\s\\/:*?<>|";,=]+)*'
_COMMAND_NAME = r"[A-Za-z0-9_.-]{1,64}"
SpacelessPath = constrained(
    _SPACELESS_PATH,
    N_(
        "an absolute Windows path such as D:\\SO, without spaces, ';', ',' or '=', where cmd splits a line "
        "into words: it is written where it cannot be quoted (after /R in the service command line, after "
        "command=@, in PATH)"
    ),
    AfterValidator(_usable_as_path),
)


def _usable_as_path_if_one(value: str) -> str:
    return _usable_as_path(value) if re.match(r"[A-Za-z]:\\", value) else value


# Written unquoted before its arguments (svrmgr30 command=@...): a name, or a path a blank cannot split.
CommandOrPath = constrained(
    f"{_COMMAND_NAME}|{_SPACELESS_PATH}",
    N_(
        "a command name of letters, digits, '_', '.' and '-' (svrmgr30), or an absolute path without spaces, "
        "';', ',' or '=' (D:\\orant\\bin\\svrmgr30)"
    ),
    AfterValidator(_usable_as_path_if_one),
)

# Written in quotes (ARMLOAD ... /M "service"): the regex already keeps out a backslash.
ServiceName = constrained(
    r"[^\\/]{1,256}", N_("a Windows service name: 1-256 characters, no / or \\"), AfterValidator(_no_outer_blanks)
)
RegistryKey = constrained(
    r"HKEY_LOCAL_MACHINE(?:\\[^\\]+)+",
    N_("a full key path under HKEY_LOCAL_MACHINE, e.g. HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\MyProduct"),
)
RegistrySegment = constrained(
    r"[^\\]{1,255}", N_("one registry key name, without backslashes"), AfterValidator(_no_outer_blanks)
)
OracleSid = constrained(r"[A-Za-z][A-Za-z0-9_]{0,7}", N_("an Oracle SID: a letter, then up to 7 letters, digits or '_'"))


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Node(StrictModel):
    """A cluster node (server)."""

    name: NodeName = Field(description=N_("CLUSTERPRO server name, e.g. SV1"))
    ip: IPv4 = Field(description=N_("Real (public LAN) IP address of the node"))
    hostname: HostName | None = Field(
        default=None, description=N_("Real host name when it differs from the node name")
    )

    @property
    def real_hostname(self) -> str:
        return self.hostname or self.name


Mode = Literal["single-standby", "multi-standby"]


class Cluster(StrictModel):
    name: Identifier = Field(description=N_("Cluster name (used in file headers and the runbook)"))
    mode: Mode = Field(description=N_("single-standby: one failover group; multi-standby: two, each node active for one"))
    nodes: list[Node] = Field(min_length=2, max_length=4, description=N_("2 to 4 nodes"))


Addon = Literal[
    "server-link",
    "distributed-operation-tool",
    "text-extraction",
    "jtopic",
    "encryption",
    "virusbuster-scan",
    "groupshield-scan",
]


class StarOfficeServer(StrictModel):
    """StarOffice server (chapter 1). Group 1 runs instance 1, group 2 instance 2."""

    type: Literal["staroffice-server"]
    addons: list[Addon] = Field(default=[], description=N_("Server add-on products installed on this instance"))


# Counts the guide fixes. checks.py checks them, beside the other rules on these fields,
# so that a wrong count does not keep the group from the cross-field checks.
MAILGATEWAY_WORKDIRS = 6  # section 2.2.2.1
POLICY_NODES = 2  # section 1.1.1


class MailGatewaySmtp(StrictModel):
    """StarOffice/MailGateway-SMTP (chapter 2); single standby only, needs StarOffice and a floating IP in its group."""

    type: Literal["mailgateway-smtp"]
    mta: HostOrIP = Field(description=N_("External MTA (e.g. sendmail) host name or IP; Mail*Hub cannot be used in a cluster"))
    workdirs: list[WindowsPath] = Field(
        default=[],
        # Six or none: the schema can say only the upper bound.
        json_schema_extra={"maxItems": MAILGATEWAY_WORKDIRS},
        description=N_("The six working directories (section 2.2.2.1), or none; each must be on a switched partition of the group"),
    )


class ProcInfo(StrictModel):
    """PROCINFO[n] indexes under StarOffice Server2's SRVCNTRL (section 3.4.1)."""

    mvm: WholeNumber = Field(ge=1, le=99, description=N_("n of PROCINFO[n] whose EXECLINE runs sowfmvm.exe -smvm"))
    wfocom: WholeNumber = Field(ge=1, le=99, description=N_("n of PROCINFO[n] whose EXECLINE runs wfocom.exe"))


class WorkFlow(StrictModel):
    """StarOffice/WorkFlow server (chapter 3) with its database; group 1 only."""

    type: Literal["workflow"]
    database: Literal["sqlserver", "oracle"]
    sql_dir: WindowsPath | None = Field(
        default=None,
        description=N_("Folder of the start/stop SQL scripts (SQL Server: ACT.SQL, deact.sql; "
        "Oracle: startup.sql, shutdown.sql). Default C:\\MSSQL or C:\\ORANT"),
    )
    isql: Annotated[WindowsPath, WrittenInQuotes] | None = Field(
        default=None, description=N_("SQL Server isql command; default <sql_dir>\\BINN\\isql")
    )
    oracle_sid: OracleSid = Field(default="ORCL", description=N_("Oracle SID (service OracleService<SID>)"))
    svrmgr: CommandOrPath = Field(
        default="svrmgr30",
        description=N_("Oracle Server Manager: its command name (svrmgrXX), or its absolute path, without spaces"),
    )
    # createsystbl.sql (section 3.2): the guide marks these paths as the installation's own.
    oracle_pfile: WindowsPath | None = Field(
        default=None,
        description=N_("Oracle only: parameter file createsystbl.sql starts the instance with (its spool log goes "
        "beside it); default <first switched partition>:\\ORANT\\INIT<oracle_sid>.ORA"),
    )
    oracle_admin_dir: WindowsPath | None = Field(
        default=None,
        description=N_("Oracle only: folder of CATALOG.SQL, CATPROC.SQL, UTLCHAIN.SQL and UTLXPLAN.SQL; "
        "default <sql_dir>\\RDBMS73\\ADMIN with svrmgr23, else <sql_dir>\\RDBMS80\\ADMIN (the guide's rdbmsXX)"),
    )
    procinfo: ProcInfo | None = Field(
        default=None, description=N_("Multi standby only: PROCINFO indexes of server 2's mail movement process and wfocom")
    )

    @property
    def script_dir(self) -> str:
        return self.sql_dir or ("C:\\MSSQL" if self.database == "sqlserver" else "C:\\ORANT")

    @property
    def isql_command(self) -> str:
        return self.isql or f"{self.script_dir}\\BINN\\isql"


class FormServer(StrictModel):
    """StarOffice FormServer (chapter 4); in multi standby each group may run one (4.1.1, figure 3).

    The cluster's first FormServer has 4.2.1's service name; chapter 4 breaks off before it names
    a watch ID, a second FormServer's service or the registry keys: the defaults are the
    catalogue's formserver instances (interpretation), overridable here.
    """

    type: Literal["formserver"]
    online_shells: list[RegistrySegment] = Field(
        default=[], description=N_("Online shell titles (OnlineShellManager\\<title>\\HostName = virtual IP)")
    )
    watch_id: WatchId | None = Field(
        default=None, description=N_("ARM watch ID; default FormServer, FormServer2 for the cluster's second FormServer")
    )
    service: ServiceName | None = Field(
        default=None,
        description=N_("Windows service; default 'StarOffice FormServer' (section 4.2.1), "
        "'StarOffice FormServer2' for the cluster's second FormServer"),
    )
    # 4.2.1 step 3: the shells start with the service, or, if not registered so, from the start script.
    online_shell_command: Annotated[WindowsPath, WrittenInQuotes] | None = Field(
        default=None,
        description=N_("Program that starts one online shell, given its title; set it to start the online shells "
        "from the start script (after the FormServer service) instead of with the service (section 4.2.1 step 3)"),
    )
    registry_key: RegistryKey | None = Field(
        default=None,
        description=N_("FormServer's key: synced on failover, holds OnlineShellManager; default "
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\NEC\\StarOffice FormServer, ...\\StarOffice FormServer2 for the cluster's second "
        "FormServer"),
    )


class CustomProduct(StrictModel):
    """A service the catalogue does not know (e.g. Surprise server, WEBINTERFACE, Forum server)."""

    type: Literal["custom"]
    name: Identifier = Field(description=N_("Name used in depends_on and in the runbook"))
    title: SafeText | None = None
    watch_id: WatchId
    service: ServiceName
    depends_on: list[str] = Field(default=[], description=N_("Product types or custom names it needs"))
    registry_sync: list[RegistryKey] = Field(default=[])
    multi_standby: bool = Field(default=True, description=N_("Whether it may run in group 2 of a multi standby cluster"))


PRODUCT_MODELS = (StarOfficeServer, MailGatewaySmtp, WorkFlow, FormServer, CustomProduct)


def _catalogue_only() -> tuple[str, ...]:
    """Products of the catalogue that no model above describes and no option chooses: a product
    added to catalogue.toml is listed by its type alone, without a model of its own."""
    from sogen.catalogue import load_catalogue

    catalogue = load_catalogue()
    modelled = {get_args(m.model_fields["type"].annotation)[0] for m in PRODUCT_MODELS}
    chosen = {role for product in catalogue.products.values() for role in product.roles(catalogue)}
    return tuple(p.id for p in catalogue.products.values() if p.id not in modelled and p.kind not in chosen)


if _catalogue_only():

    class CatalogueProduct(StrictModel):
        """A product of the catalogue without options: its identifiers and lines are the catalogue's."""

        type: Literal[_catalogue_only()]  # type: ignore[valid-type]

    PRODUCT_MODELS += (CatalogueProduct,)
# The values of `type` that select each product model.
PRODUCT_TYPES = {tag: m for m in PRODUCT_MODELS for tag in get_args(m.model_fields["type"].annotation)}
Product = Annotated[Union[PRODUCT_MODELS], Field(discriminator="type")]


class Group(StrictModel):
    name: FileName = Field(description=N_("Failover group name; also the output folder name"))
    policy: list[NodeName] = Field(
        json_schema_extra={"minItems": POLICY_NODES, "maxItems": POLICY_NODES},
        description=N_("Failover policy: exactly two nodes, the active node then the standby node (section 1.1.1)"),
    )
    virtual_host: HostName = Field(description=N_("Virtual host name (resolves to the virtual IP; not a real computer name)"))
    virtual_ip: IPv4
    floating_ip: IPv4 | None = Field(
        default=None,
        description=N_("CLUSTERPRO floating IP; required with mailgateway-smtp, which sends and receives on it "
        "(sections 2.2.1, 2.2.2.3): an unused address, not the virtual IP"),
    )
    partitions: list[DriveLetter] = Field(min_length=1, description=N_("Switched partitions (drive letters)"))
    alroot: SpacelessPath | None = Field(
        default=None,
        description=N_("StarOffice install root (ALROOT) on a switched partition; needed with staroffice-server. "
        "No spaces: it is written unquoted after /R in the service ImagePath"),
    )
    products: list[Product] = Field(min_length=1)

    def product(self, kind: type):
        """The group's product of that model class, or None."""
        return next((p for p in self.products if isinstance(p, kind)), None)


# What a script broadcasts when the cluster product is not running (its event variable is
# unset), by dialect: the guide's (section 1.4.1) and that of NEC's CLUSTERPRO X script
# samples (start.bat and stop.bat, sample version 9.0.3-1: `rem Cluster Server 未動作`).
NOT_RUNNING_MESSAGES = {"arm": "ActiveRecoveryManagerが動作状態にありません", "clp": "Cluster Server が動作状態にありません"}


class Messages(StrictModel):
    """ARMBCAST texts. Defaults are the guide's (section 1.4.1)."""

    start_home: QuotedText = "最高プライオリティサーバで起動中です"
    start_other: QuotedText = "プライオリティサーバ以外で起動中です"
    start_home_failover: QuotedText = "最高プライオリティサーバで起動中です(フェイルオーバ後)"
    start_other_failover: QuotedText = "プライオリティサーバ以外で起動中です(フェイルオーバ後)"
    start_recover: QuotedText = "Serverの復旧が終了しました"
    stop_home: QuotedText = "最高プライオリティサーバで終了中です"
    # The guide's sample says 終了です here (no 中); kept as printed.
    stop_other: QuotedText = "プライオリティサーバ以外で終了です"
    stop_home_failover: QuotedText = "最高プライオリティサーバで終了中です(フェイルオーバ後)"
    stop_other_failover: QuotedText = "プライオリティサーバ以外で終了中です(フェイルオーバ後)"
    disk_error: QuotedText = "切替パーティションの接続に失敗しました"
    no_arm: QuotedText = Field(default=NOT_RUNNING_MESSAGES["arm"], description=N_(
        "broadcast when the event variable is unset; the default is the guide's, and with dialect clp "
        "that of NEC's CLUSTERPRO X script samples"))




class Settings(StrictModel):
    # The guide writes "Current Version" eight times and "CurrentVersion" once, just before
    # a page break (1.7 note 4): the majority spelling is the default, the other stays a choice.
    version_key: RegistrySegment = Field(
        default="Current Version",
        description=N_("StarOffice's version key name; the guide writes 'Current Version' (once 'CurrentVersion')"),
    )
    # The guide's platform is Windows NT 4.0 (1.1.3), whose regedit reads only REGEDIT4.
    reg_format: Literal["regedit4", "v5"] = Field(
        default="regedit4",
        description=N_("regedit4: REGEDIT4, code page 932, CRLF (Windows NT 4.0, the guide's platform); "
        "v5: Windows Registry Editor 5.00, UTF-16LE with BOM (Windows 2000 and later)"),
    )
    # The variable names CLUSTERPRO sets for a start/stop script, by product (sogen.batch.events).
    dialect: Annotated[Literal["arm", "clp", "clusterpro-x"], AfterValidator(SPELLINGS.__getitem__)] = Field(
        default="arm",
        description=N_("event variables the scripts test; arm: ARMS_EVENT, ARMS_SERVER, ARMS_DISK (ARM, the guide's); "
        "clp (or clusterpro-x): CLP_EVENT, CLP_SERVER, CLP_DISK (CLUSTERPRO X)"),
    )
    messages: Messages = Field(default_factory=Messages)

    def in_dialect(self, dialect: str) -> Settings:
        """These settings for scripts in ``dialect``: a broadcast text they do not name
        follows it, as when the topology says so itself."""
        data = self.model_dump(exclude_unset=True)
        return Settings.model_validate({**data, "dialect": dialect})

    @model_validator(mode="before")
    @classmethod
    def _not_running_message_of_the_dialect(cls, data):
        """With dialect clp, messages.no_arm defaults to CLUSTERPRO X's text, not the guide's."""
        if isinstance(data, dict) and isinstance(data.get("dialect"), str) and SPELLINGS.get(data["dialect"]) == "clp":
            messages = data.get("messages", {})
            if isinstance(messages, dict) and "no_arm" not in messages:
                data = {**data, "messages": {**messages, "no_arm": NOT_RUNNING_MESSAGES["clp"]}}
        return data
    db_settle_seconds: WholeNumber = Field(
        default=30, ge=0, le=3600, description=N_("ARMSLEEP after the database stops; 0: no ARMSLEEP (as some legacy scripts)")
    )
    backup_command: BackupCommand | None = Field(
        default=None, description=N_("Command that backs up the StarOffice data (runs while the service is stopped)")
    )
    # Generated files never depend on who runs sogen: the runbook's language is the topology's.
    language: Literal["ja", "en"] = Field(
        default="ja",
        description=N_("language of RUNBOOK.md; ja: Japanese in the guide's terms (現用系, 待機系, ...); en: English"),
    )



def default_messages(dialect: str = "arm") -> Messages:
    """The broadcast texts a topology of ``dialect`` has where it names none."""
    return Settings(dialect=dialect).messages


class Topology(StrictModel):
    cluster: Cluster
    groups: list[Group] = Field(min_length=1, max_length=2)
    settings: Settings = Field(default_factory=Settings)

    def node(self, name: str) -> Node:
        return next(n for n in self.cluster.nodes if n.name.lower() == name.lower())
