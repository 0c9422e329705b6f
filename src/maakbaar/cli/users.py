"""Users and roles."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..store.db import unit_of_work
from .app import user_app
from .common import console, database, h, run, say, yes_no


@user_app.command("add", help=h("help.user_add"))
def user_add(
    username: Annotated[str, typer.Argument(help=h("help.user_add.username"))],
    role: Annotated[str, typer.Option(help=h("help.user_add.role"))] = "viewer",
    name: Annotated[str, typer.Option(help=h("help.user_add.name"))] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help=h("help.user_add.password"))] = "",
    badge: Annotated[str | None, typer.Option(help=h("help.user_add.badge"))] = None,
    pin: Annotated[str | None, typer.Option(help=h("help.user_add.pin"))] = None,
    operator: Annotated[str | None, typer.Option(help=h("help.user_add.operator"))] = None,
) -> None:
    """Add a user who can log in to the web app."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            user = user_service.create_user(session, username, password, role, name, badge, pin, operator)
        console.print(say("cli.user_added", user=user.username, role=say(f"role.{user.role}")))

    run(action)


@user_app.command("list", help=h("help.user_list"))
def user_list() -> None:
    """List the users and their roles."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            users = user_service.list_users(session)
        table = Table(title=say("cli.users"))
        for column in ("cli.username", "name", "role", "cli.badge", "cli.active", "cli.locked"):
            table.add_column(say(column))
        for u in users:
            table.add_row(u.username, u.display_name, say(f"role.{u.role}"), u.badge or "", yes_no(u.active),
                          yes_no(True) if u.locked else "")
        console.print(table)

    run(action)


@user_app.command("password", help=h("help.user_password"))
def user_password(
    username: Annotated[str, typer.Argument(help=h("help.user_password.username"))],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Set a user's password."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            user_service.update_user(session, username, password=password)
        console.print(say("cli.password_changed", user=username))

    run(action)


@user_app.command("unlock", help=h("help.user_unlock"))
def user_unlock(username: Annotated[str, typer.Argument(help=h("help.user_unlock.username"))]) -> None:
    """Lift the lock after too many wrong passwords or PINs."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            user_service.update_user(session, username, unlock=True)
        console.print(say("cli.unlocked", user=username))

    run(action)
