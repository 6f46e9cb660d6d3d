"""``flask search ...``: rebuild the index from the domains' content."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from community.extensions import db
from community.search import kinds
from community.search.models import SearchDocument

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
@click.option("--kind", "names", multiple=True, help="Only this kind (repeatable).")
def reindex(names: tuple[str, ...]) -> None:
    """Rebuild the documents of every kind (or of --kind) from the content, as it now is.

    A kind's documents are deleted, then written again batch by batch, each batch committed:
    a search meanwhile misses what is not rewritten yet. Kinds sharing one ``reindex`` (forum
    topics and replies) are rebuilt together."""
    unknown = [n for n in names if kinds.get(n) is None]
    if unknown:
        raise click.ClickException(f"No search kind {', '.join(unknown)}; registered: "
                                   + ", ".join(k.name for k in kinds.registered()))
    chosen = [k for k in kinds.registered() if not names or k.name in names]
    runs: dict[int, tuple] = {}  # one run per reindex callable, with every kind sharing it
    for kind in kinds.registered():
        if kind.reindex is not None and any(c.reindex is kind.reindex for c in chosen):
            runs.setdefault(id(kind.reindex), (kind.reindex, []))[1].append(kind.name)
    for kind in chosen:
        if kind.reindex is None:
            click.echo(f"{kind.name}: this kind cannot be rebuilt (no reindex); kept.")
    for rebuild, together in runs.values():
        db.session.execute(sa.delete(SearchDocument).where(SearchDocument.kind.in_(together)))
        written = 0
        for count in rebuild():
            db.session.commit()
            written += count
        db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)
                                  .where(SearchDocument.kind.in_(together)))
        click.echo(f"{', '.join(together)}: {written} items read, {count} documents.")
