"""``flask users ...``: administrator accounts and roles."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup

from community.accounts import service
from community.accounts.emails import normalize_email
from community.accounts.models import Role, User
from community.extensions import db

users = AppGroup("users", help="Manage member accounts.")


def _valid_email(value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error)) from error


def _password_rules() -> str:
    cfg = current_app.config
    return (f"The password needs at least {cfg['PASSWORD_MIN_LENGTH']} characters and must not "
            "be easy to guess (no common password, nor one built from the name or e-mail "
            "address); a few unrelated words make a good one.")


@users.command("create-admin")
@click.option("--email", prompt="E-mail address", help="The administrator's e-mail address.")
@click.option("--name", "display_name", prompt="Display name", help="The name members see.")
@click.option("--password", envvar="CERCLE_ADMIN_PASSWORD", default=None,
              help="Given here or by CERCLE_ADMIN_PASSWORD it is checked once (scripts); "
                   "without it you are asked, and asked again if it is refused.")
def create_admin(email: str, display_name: str, password: str | None) -> None:
    """Create a verified administrator account."""
    email = _valid_email(email)
    display_name = " ".join(display_name.split())[:60]
    if not display_name:
        raise click.BadParameter("the display name is empty", param_hint="--name")
    if service.find_by_email(email) is not None:
        raise click.ClickException("An account already uses this e-mail address.")
    asked = password is None
    if asked:
        click.echo(_password_rules())
    while True:
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problems = service.check_password(password, display_name, email)
        if not problems:
            break
        if not asked:  # a script's password: say why and stop, there is nobody to ask
            raise click.ClickException(" ".join(problems) + " " + _password_rules())
        click.echo("This password is refused: " + " ".join(problems) + " Try another.",
                   err=True)
        password = None
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
