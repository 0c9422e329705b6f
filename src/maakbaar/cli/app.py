"""The ``maakbaar`` command and its groups; each command lives in the module of its subject."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .. import config
from .common import h, help_in_language

help_in_language()

app = typer.Typer(
    help=h("help.group.app"),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help=h("help.group.db_app"), no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help=h("help.group.user_app"), no_args_is_help=True)
app.add_typer(user_app, name="user")
order_app = typer.Typer(help=h("help.group.order_app"), no_args_is_help=True)
app.add_typer(order_app, name="order")
floor_app = typer.Typer(help=h("help.group.floor_app"),
                        no_args_is_help=True)
app.add_typer(floor_app, name="floor")


@app.callback()
def main(
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", envvar=config.DATABASE_URL_ENV, show_envvar=True,
                     help=h("help.main.database_url")),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", envvar="MAAKBAAR_LANG", show_envvar=True,
                     help=h("help.main.lang")),
    ] = None,
) -> None:
    from .common import set_language

    set_language(lang)
    if database_url:
        os.environ[config.DATABASE_URL_ENV] = database_url
