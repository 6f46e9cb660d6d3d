"""Similar ideas on an empty site, while its first idea is being written."""

import sqlalchemy as sa

from community.extensions import db
from community.ideas import similar
from community.ideas.models import Idea, IdeaTerm
from tests.conftest import dispose, file_app, make_user


def test_similar_ideas_on_an_empty_site_answer_an_empty_list(app, client):
    response = client.get("/ideas/similar", query_string={"title": "Dark mode for the app"})
    assert response.status_code == 200 and response.get_json() == []


def test_similar_ideas_while_the_first_idea_is_committed_between_two_reads(
        backend, make_app, tmp_path):
    """The draft's suggestions read the number of ideas, then the ideas sharing its words.
    If the site's first idea is committed between the two (PostgreSQL reads each statement
    at its own snapshot), the words are found while the count said zero: no division by
    zero, still an answer."""
    app = make_app() if backend == "postgresql" else file_app(tmp_path / "empty.db")
    author = make_user(app)
    with app.app_context():
        engine = db.engine
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0
    written = []

    def first_idea_commits(conn, cursor, statement, *args):
        if written or "count(" not in statement.lower() or "idea_terms" in statement:
            return
        written.append(True)
        with engine.begin() as other:  # another request's transaction, another connection
            idea_id = other.execute(sa.insert(Idea).values(
                title="Dark mode", slug="dark-mode", body_md="", body_html="",
                author_id=author.id)).inserted_primary_key[0]
            other.execute(sa.insert(IdeaTerm), [
                {"term": t, "idea_id": idea_id, "in_title": True}
                for t in similar.terms("Dark mode")])

    sa.event.listen(engine, "after_cursor_execute", first_idea_commits)
    try:
        response = app.test_client().get("/ideas/similar",
                                          query_string={"title": "Dark mode please"})
    finally:
        sa.event.remove(engine, "after_cursor_execute", first_idea_commits)
        if backend == "sqlite":
            dispose(app)
    assert written, "the count of ideas was never read"
    assert response.status_code == 200
    assert [m["title"] for m in response.get_json()] in ([], ["Dark mode"])
