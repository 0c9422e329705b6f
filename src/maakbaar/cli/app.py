"""The ``maakbaar`` command and its groups; each command lives in the module of its subject."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .. import config

app = typer.Typer(
    help="maakbaar: production office for metalworking job shops (quoting, nesting, planning, shop floor).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: create, upgrade and inspect (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="Users and roles: add, list, change a password, unlock.", no_args_is_help=True)
app.add_typer(user_app, name="user")
order_app = typer.Typer(help="Make an order, or turn a quote into one.", no_args_is_help=True)
app.add_typer(order_app, name="order")
floor_app = typer.Typer(help="The shop floor from the office: book for an operator, a work center's queue.",
                        no_args_is_help=True)
app.add_typer(floor_app, name="floor")


@app.callback()
def main(
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", envvar=config.DATABASE_URL_ENV, show_envvar=True,
                     help="Database to use, e.g. postgresql+psycopg://user@host/db. Default: SQLite in ./data."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", envvar="MAAKBAAR_LANG", show_envvar=True,
                     help="Language of the messages: nl (default) or en."),
    ] = None,
) -> None:
    from .common import set_language

    set_language(lang)
    if database_url:
        os.environ[config.DATABASE_URL_ENV] = database_url
