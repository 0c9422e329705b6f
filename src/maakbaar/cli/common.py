"""What every command shares: the consoles, the database check, and one mapping from the services' errors to
a message and an exit code (``EXIT``)."""

from __future__ import annotations

import datetime as dt

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from .. import config
from ..domain import validation_reasons
from ..services.errors import ImportProblem, InvalidInput, Kind, database_failure, kind_of, message_in
from ..store import migrate
from ..store.db import make_engine

console = Console(emoji=False)
errors = Console(stderr=True, emoji=False)

# exit codes, documented in docs/cli.md: 0 done, 1 invalid input (and a usage error of a command's own
# options), 2 a usage error Typer finds (unknown option), 3 not found, 4 conflict, 5 not allowed, 6 busy
EXIT = {Kind.INVALID_INPUT: 1, Kind.NOT_FOUND: 3, Kind.CONFLICT: 4, Kind.NOT_ALLOWED: 5, Kind.BUSY: 6}


class UserError(InvalidInput):
    """Something the user can fix in the command line; printed without a stack trace."""


def database(require_current: bool = True):
    made = make_engine()
    if require_current:
        current = migrate.current_revision(made)
        if current != migrate.head_revision():
            made.dispose()
            where = config.database_url()
            state = "has no maakbaar schema yet" if current is None else f"is at schema {current}"
            raise UserError(f"The database {where} {state}. Run `maakbaar db upgrade` (or `maakbaar init`) first.",
                            code="cli.schema_missing" if current is None else "cli.schema_old", where=where,
                            current=current)
    return made


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]{say('cli.error')}:[/] " + escape(message), highlight=False)
    raise typer.Exit(code=code)


def run(action):
    """Run a use case and turn every expected failure into a clear message and its exit code."""
    try:
        return action()
    except ImportProblem as error:
        errors.print("[bold red]" + escape(why(error.reason)) + "[/]", highlight=False)
        for problem in error.problems[:100]:
            errors.print(f"  - {why(problem)}", highlight=False, markup=False)
        raise typer.Exit(code=EXIT[Kind.INVALID_INPUT]) from None
    except ValidationError as error:
        fail("\n".join(why(reason) for reason in validation_reasons(error)), EXIT[Kind.INVALID_INPUT])
    except FileNotFoundError as error:
        fail(say("cli.no_such_file", file=str(error.filename or error)), EXIT[Kind.NOT_FOUND])
    except Exception as error:  # noqa: BLE001 - sorted below; a bug is raised again with its trace
        kind = kind_of(error)
        if kind is not None:
            message = message_in(error, LANGUAGE)
            fail(message if isinstance(message, str) else "\n".join(map(str, message)), EXIT[kind])
        failure = database_failure(error)
        if failure is not None:
            fail(failure)
        raise


def progress_bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), console=console, transient=True)


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: '{text}' is not a date as YYYY-MM-DD", code="cli.not_a_date", option=option,
                        text=text) from None


def parse_moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--start: '{text}' is not a date or date and time (YYYY-MM-DDTHH:MM)",
                        code="cli.not_a_moment", text=text) from None


LANGUAGE_ENV = "MAAKBAAR_LANG"
LANGUAGE = "nl"  # the CLI's language: ``--lang`` or MAAKBAAR_LANG (app.main sets it), Dutch by default


def _asked_language() -> str | None:
    """The language asked before the command line is parsed (for the help texts): ``--lang X`` or ``--lang=X``
    among the arguments, else MAAKBAAR_LANG."""
    import os
    import sys

    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get(LANGUAGE_ENV)


def h(key: str) -> str:
    """A command's or an option's help text (``help.*``) in the language asked (``_asked_language``): Typer reads
    help texts when the commands are made, before ``--lang`` is parsed."""
    from ..i18n import SCREEN_LANGUAGES, language, translator

    return translator(language(_asked_language(), SCREEN_LANGUAGES))(key)


def help_in_language() -> None:
    """Typer's own words around the help texts (panel titles, default, environment variable, required) in the
    language asked; Click's "Usage:" stays as Click writes it."""
    import typer.rich_utils as rich_utils

    for name, key in (("OPTIONS_PANEL_TITLE", "cli.typer.options"), ("COMMANDS_PANEL_TITLE", "cli.typer.commands"),
                      ("ARGUMENTS_PANEL_TITLE", "cli.typer.arguments"), ("ERRORS_PANEL_TITLE", "cli.error"),
                      ("DEFAULT_STRING", "cli.typer.default"), ("ENVVAR_STRING", "cli.typer.envvar"),
                      ("REQUIRED_LONG_STRING", "cli.typer.required"), ("ABORTED_TEXT", "cli.typer.aborted")):
        setattr(rich_utils, name, h(key))


def set_language(code: str | None) -> str:
    """The language the CLI writes in from now on (one of the screens' languages; anything else: Dutch)."""
    from ..i18n import SCREEN_LANGUAGES, language

    global LANGUAGE
    LANGUAGE = language(code, SCREEN_LANGUAGES)
    return LANGUAGE


def say(key: str, /, **values) -> str:
    """A message of the catalogue in the CLI's language, its values written the language's way (``n`` chooses
    the plural form): the reason ``key`` with ``values``, as ``why`` writes any reason."""
    from ..reasons import Reason

    return why(Reason.of(key, **values))


def yes_no(value: bool) -> str:
    return say("yes") if value else say("no")


def number(value: float, digits: int = 0) -> str:
    from ..i18n import number as written

    return written(value, LANGUAGE, digits)


def size(value: float) -> str:
    """A size: 3 mm, 2,5 mm (whole numbers without decimals)."""
    return number(value, 0 if float(value).is_integer() else 1)


def counted(counts: dict[str, int]) -> str:
    """What an import, an export or the demo stored: "12 orders, 3 artikelen", the counts that are not zero."""
    return ", ".join(say(f"count.{kind}", n=n) for kind, n in counts.items() if n) or say("count.nothing")


def day(value) -> str:
    from ..i18n import day as written

    return written(value, LANGUAGE, "short")


def moment(value) -> str:
    from ..i18n import moment as written

    return written(value, LANGUAGE)


def money(value: float) -> str:
    from ..i18n import money as written

    return written(value, LANGUAGE)


def duration(minutes: int) -> str:
    from ..i18n import duration as written

    return written(minutes, LANGUAGE)


def why(reason) -> str:
    """A reason code with its values (maakbaar.reasons), written out in the CLI's language."""
    from ..i18n import say

    return say(reason, LANGUAGE)
