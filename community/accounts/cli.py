"""``flask users ...``: administrator accounts and roles."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.accounts import service
from community.accounts.emails import normalize_email
from community.accounts.models import Role, User
from community.extensions import db

users = AppGroup("users", help="Manage member accounts.")


@users.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.password_option(envvar="CERCLE_ADMIN_PASSWORD")
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create a verified administrator account."""
    if service.find_by_email(email) is not None:
        raise click.ClickException("An account already uses this e-mail address.")
    problems = service.check_password(password, display_name, email)
    if problems:
        raise click.ClickException(" ".join(problems))
    user = User(
        handle=service.make_handle(display_name), display_name=display_name, email=email,
        email_normalized=normalize_email(email), role=Role.ADMIN,
        password_hash=service.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    service.mark_verified(user)
    db.session.commit()
    click.echo(f"Administrator {user.handle} created.")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(email: str, role: str) -> None:
    """Give an account a role (member, moderator, product, admin)."""
    user = service.find_by_email(email)
    if user is None:
        raise click.ClickException("No account uses this e-mail address.")
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{user.handle} is now {role}.")
