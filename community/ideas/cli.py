"""``flask ideas ...``: counters, the trending epoch, categories."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.extensions import db

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
