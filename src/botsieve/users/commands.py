"""``botsieve users create|list``: registered on the project's CLI by ``register``."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from botsieve.kit.commands import run_with_db
from botsieve.users import service
from botsieve.users.schemas import UserCreate

users_app = typer.Typer(help="Dashboard users: create and list.", no_args_is_help=True)


@users_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="The user's email, used to sign in")],
    role: Annotated[str, typer.Option(help="admin, analyst or viewer")] = "admin",
    name: Annotated[str, typer.Option(help="A display name")] = "",
    password: Annotated[
        str | None,
        typer.Option(help="Password (asked for when not given)"),
    ] = None,
) -> None:
    """Create a dashboard user (the first one is usually an admin)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        data = UserCreate(email=email, name=name, role=role, password=password)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        typer.echo(f"error: {problems}", err=True)
        raise typer.Exit(code=2) from None
    user = run_with_db(lambda db: service.create_user(db, data))
    typer.echo(f"created {user.role} {user.email}")


@users_app.command("list")
def list_() -> None:
    """List dashboard users."""
    for user in run_with_db(service.list_users):
        state = "active" if user.is_active else "disabled"
        typer.echo(f"{user.id}  {user.role:<8} {state:<8} {user.email}  {user.name}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
