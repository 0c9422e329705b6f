"""Users and roles."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..store.db import unit_of_work
from .app import user_app
from .common import console, database, run


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Log-in name")],
    role: Annotated[str, typer.Option(help="admin, planner, estimator, operator or viewer")] = "viewer",
    name: Annotated[str, typer.Option(help="Display name")] = "",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="At least 8 characters")] = "",
    badge: Annotated[str | None, typer.Option(help="Badge number for the shop-floor terminal")] = None,
    pin: Annotated[str | None, typer.Option(help="PIN (4-8 digits) for the terminal")] = None,
    operator: Annotated[str | None, typer.Option(help="The operator (code) this user is on the floor")] = None,
) -> None:
    """Add a user who can log in to the web app."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            user = user_service.create_user(session, username, password, role, name, badge, pin, operator)
        console.print(f"User {user.username} ({user.role}) added.")

    run(action)


@user_app.command("list")
def user_list() -> None:
    """List the users and their roles."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            users = user_service.list_users(session)
        table = Table(title="Users")
        for column in ("Username", "Name", "Role", "Badge", "Active", "Locked"):
            table.add_column(column)
        for u in users:
            table.add_row(u.username, u.display_name, u.role, u.badge or "", "yes" if u.active else "no",
                          "yes" if u.locked else "")
        console.print(table)

    run(action)


@user_app.command("password")
def user_password(
    username: Annotated[str, typer.Argument(help="Log-in name")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Set a user's password."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            user_service.update_user(session, username, password=password)
        console.print(f"Password of {username} changed.")

    run(action)


@user_app.command("unlock")
def user_unlock(username: Annotated[str, typer.Argument(help="Log-in name")]) -> None:
    """Lift the lock after too many wrong passwords or PINs."""
    from ..services import user_service

    def action():
        with unit_of_work(database()) as session:
            user_service.update_user(session, username, unlock=True)
        console.print(f"{username} may log in again.")

    run(action)
