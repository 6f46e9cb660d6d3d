"""Command-line tools: ``flask users ...``, ``flask demo seed``, ``flask trust purge``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from community.accounts import service
from community.accounts.models import Role, User
from community.extensions import db
from community.trust import door

users = AppGroup("users", help="Manage member accounts.")
demo = AppGroup("demo", help="Demo data (only in CERCLE_ENV=demo).")
trust_cli = AppGroup("trust", help="Trust and safety maintenance.")


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
        email_normalized=door.normalize_email(email), role=Role.ADMIN,
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


@demo.command("seed")
def demo_seed() -> None:
    """Fill a demo site with demo members; refused (and logged) outside CERCLE_ENV=demo."""
    from community.demo.seed import DemoRefused, seed_demo

    try:
        created = seed_demo()
    except DemoRefused as refusal:
        db.session.commit()  # keep the TrustEvent that records the refusal
        raise click.ClickException(str(refusal)) from refusal
    db.session.commit()
    click.echo(f"{len(created)} demo members created.")


@trust_cli.command("purge")
def trust_purge() -> None:
    """Delete signup records older than SIGNUP_RECORD_RETENTION_DAYS, and sessions unused for
    longer than REMEMBER_DAYS (the log-in already refuses them)."""
    from community.accounts.sessions import purge_idle_sessions
    from community.trust.service import purge_signup_records

    count = purge_signup_records(current_app.config["SIGNUP_RECORD_RETENTION_DAYS"])
    idle = purge_idle_sessions()
    db.session.commit()
    click.echo(f"{count} signup records purged.")
    click.echo(f"{idle} idle sessions purged.")


def init_cli(app: Flask) -> None:
    from community.forums.cli import forums_cli

    for group in (users, demo, trust_cli, ideas_cli, notify_cli, forums_cli):
        app.cli.add_command(group)


ideas_cli = AppGroup("ideas", help="Ideas maintenance.")


@ideas_cli.command("recount")
def ideas_recount() -> None:
    """Rebuild the ideas' denormalized counters from the votes, priorities and comments."""
    from community.ideas.service import recount_all

    changed = recount_all()
    db.session.commit()
    click.echo(f"{changed} ideas corrected.")


@ideas_cli.command("maintain")
def ideas_maintain() -> None:
    """Daily: move the trending epoch forward when due (a no-op most days)."""
    from community.ideas.service import rebase_trending
    from community.timeutil import utcnow

    rebased = rebase_trending(utcnow())
    db.session.commit()
    click.echo("Trending epoch moved forward." if rebased else "Nothing to do.")


@ideas_cli.command("add-category")
@click.argument("slug")
@click.argument("name")
@click.option("--position", default=0, type=int)
def ideas_add_category(slug: str, name: str, position: int) -> None:
    """Add a category that members can file ideas under."""
    from community.ideas.models import Category

    db.session.add(Category(slug=slug, name=name, position=position))
    db.session.commit()
    click.echo(f"Category {slug} added.")


notify_cli = AppGroup("notify", help="Notifications.")


@notify_cli.command("digest")
def notify_digest() -> None:
    """Send the daily e-mail digests (run once a day from cron or a job queue)."""
    from community.notify.service import send_daily_digests

    # Links in e-mails need the site's address, which a command has no request to learn from.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = send_daily_digests()
    db.session.commit()
    click.echo(f"{sent} digests sent.")
