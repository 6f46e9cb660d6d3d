"""Topic lists and topic pages: keyset pages, unread markers, bounded queries, watching, feed,
and the new-account limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.forums import queries
from community.forums.models import Topic
from community.notify.models import Notification
from community.timeutil import utcnow
from tests.conftest import make_user
from tests.forums.conftest import act, as_member, new_reply, new_topic, people
from tests.helpers import post_form, queries_for, text


def _age_topics(app, ids):
    """Spread last activity one minute apart, oldest first."""
    with app.app_context():
        for n, topic_id in enumerate(ids):
            db.session.get(Topic, topic_id).last_posted_at = utcnow() - timedelta(
                minutes=len(ids) - n)
        db.session.commit()


def test_category_pages_follow_the_cursor_without_repeats_or_gaps(app, client, forum):
    (alice,) = people(app, "alice")
    ids = [new_topic(app, alice.id, forum.general, title=f"Topic number {n:02d}")
           for n in range(queries.TOPICS_PER_PAGE + 7)]
    _age_topics(app, ids)
    first = text(client.get("/c/general"))
    assert f"Topic number {len(ids) - 1:02d}" in first and "Topic number 06" not in first
    cursor = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = text(client.get(cursor))
    shown = [n for n in range(len(ids)) if f"Topic number {n:02d}" in second]
    assert shown == list(range(7)) and 'rel="next"' not in second


def test_pinned_topics_come_first(app, client, forum):
    (alice,) = people(app, "alice")
    old = new_topic(app, alice.id, forum.general, title="Read me first, please")
    new_topic(app, alice.id, forum.general, title="A fresh discussion")
    with app.app_context():
        db.session.get(Topic, old).pinned = True
        db.session.commit()
    page = text(client.get("/c/general"))
    assert page.index("Read me first") < page.index("A fresh discussion")


def test_long_topics_are_paged_by_post_number(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general, title="A very long thread")
    with app.app_context():
        from community.accounts.models import User
        from community.forums import service
        author, topic = db.session.get(User, bob.id), db.session.get(Topic, topic_id)
        for n in range(2, 46):
            service.reply(author, topic, f"Message {n:03d}", now=utcnow() - timedelta(days=1))
        db.session.commit()
    last = text(client.get(f"/t/{topic_id}-a-very-long-thread?page=3"))
    assert "Message 041" in last and "Message 045" in last and "Message 040" not in last
    assert "Message 021" in text(client.get(f"/t/{topic_id}-a-very-long-thread?page=2"))
    beyond = client.get(f"/t/{topic_id}-a-very-long-thread?page=99")
    assert "Message 045" in text(beyond)  # past the end: the last page
    permalink = client.get(f"/p/{_post_id(app, topic_id, 30)}")
    assert permalink.headers["Location"].endswith(f"/t/{topic_id}-a-very-long-thread?page=2#p30")


def _post_id(app, topic_id, number):
    from community.forums.models import Post
    with app.app_context():
        return db.session.scalar(sa.select(Post.id).where(Post.topic_id == topic_id,
                                                          Post.number == number))


def test_list_and_topic_queries_do_not_grow_with_the_page(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    first = new_topic(app, alice.id, forum.general, title="Counting queries here")
    new_reply(app, bob.id, first)
    as_member(client, "alice@example.com")
    client.get("/forums")  # the day's first visit (counted once, with the level) is behind
    few_list = queries_for(app, client, "/c/general")
    few_topic = queries_for(app, client, f"/t/{first}-counting-queries-here")
    for n in range(12):
        topic_id = new_topic(app, bob.id, forum.general, title=f"Another topic {n:02d}")
        new_reply(app, alice.id, topic_id)
        new_reply(app, bob.id, first, f"Reply {n}")
    assert queries_for(app, client, "/c/general") == few_list
    assert queries_for(app, client, f"/t/{first}-counting-queries-here") == few_topic
    assert few_list <= 12 and few_topic <= 16


def test_unread_markers_follow_the_reading_position(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    with app.app_context():
        from community.accounts.models import User
        db.session.get(User, alice.id).created_at = utcnow() - timedelta(days=90)
        db.session.commit()
    topic_id = new_topic(app, bob.id, forum.general, title="Fresh news for everyone")
    as_member(client, "alice@example.com")
    assert 'class="badge badge-new"' in text(client.get("/c/general"))
    client.get(f"/t/{topic_id}-fresh-news-for-everyone")
    page = text(client.get("/c/general"))
    assert "badge-new" not in page and "badge-unread" not in page
    new_reply(app, bob.id, topic_id, "One more")
    new_reply(app, bob.id, topic_id, "And another")
    assert 'title="2 unread posts">2<' in text(client.get("/c/general"))


def test_watching_a_category_brings_new_topics(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    as_member(client, "alice@example.com")
    act(client, "/c/general/watch", "/c/general", level="watching")
    topic_id = new_topic(app, bob.id, forum.general, title="Something new to watch")
    new_reply(app, bob.id, topic_id, "And a reply")
    with app.app_context():
        kinds = db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == alice.id).order_by(Notification.id)).all()
    assert kinds == ["forum_topic", "forum_reply"]
    page = text(client.get("/notifications"))
    assert "Something new to watch" in page and 'href="/p/' in page


def test_muting_a_topic_stops_reply_notices(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general, title="My own question here")
    as_member(client, "alice@example.com")
    act(client, f"/t/{topic_id}/watch", f"/t/{topic_id}", level="muted")
    new_reply(app, bob.id, topic_id)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_feed_lists_open_categories_only(app, client, forum):
    (alice,) = people(app, "alice")
    new_topic(app, alice.id, forum.general, title="Public topic for the feed")
    response = client.get("/feeds/forums.atom")
    assert response.mimetype == "application/atom+xml"
    assert "Public topic for the feed" in text(response)
    assert client.get("/feeds/forums.atom?category=team-room").status_code == 404


def test_new_accounts_may_post_two_links_at_most(app, client, forum):
    make_user(app, "Nina New", "nina@example.com", handle="nina")
    as_member(client, "nina@example.com")
    links = " ".join(f"https://spam{n}.com" for n in range(3))
    response = post_form(client, "/forums/new", {
        "title": "Great offers inside", "category": str(forum.general), "body": links,
        "submit": "1"})
    assert "at most 2 links" in text(response)
    ok = post_form(client, "/forums/new", {
        "title": "Two links are fine", "category": str(forum.general),
        "body": "https://a.com and https://b.com", "submit": "1"})
    assert ok.status_code == 302


def test_new_accounts_are_slowed_down_past_ten_posts_an_hour(app, client, forum):
    (alice,) = people(app, "alice")
    nina = make_user(app, "Nina New", "nina@example.com", handle="nina")
    topic_id = new_topic(app, alice.id, forum.general)
    for n in range(10):
        new_reply(app, nina.id, topic_id, f"Quick reply {n}")
    as_member(client, "nina@example.com")
    response = post_form(client, f"/t/{topic_id}/reply", {"body": "Eleventh", "submit": "1"})
    assert "posting very fast" in text(response)
    veteran = app.test_client()
    as_member(veteran, "alice@example.com")
    assert post_form(veteran, f"/t/{topic_id}/reply", {"body": "Fine for me",
                                                       "submit": "1"}).status_code == 302


def test_pinned_topics_are_found_through_their_partial_index(app, forum):
    """The query pinned_topics runs is answered from ix_topics_pinned, not by walking the
    category (the benchmark's category page spent most of its time there). SQLite only: it
    has no statistics, so its plan is deterministic; PostgreSQL's plan on the seeded benchmark
    database is in docs/BENCHMARKS.md."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's plan depends on its statistics")
        seen = []
        engine = db.engine

        def capture(conn, cursor, statement, parameters, context, executemany):
            seen.append((statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", capture)
        try:
            queries.pinned_topics(forum.general)
        finally:
            sa.event.remove(engine, "before_cursor_execute", capture)
        statement, parameters = next((s, p) for s, p in seen if "pinned" in s)
        rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                       parameters)
        plan = " ".join(str(r[-1]) for r in rows)
        assert "ix_topics_pinned" in plan, plan


def test_postgresql_plans_every_query_for_its_own_values(app):
    """No server-side prepared statements: a generic plan cannot see a search's words (at 1M
    posts it chose a 2.7 s plan for a common word; docs/BENCHMARKS.md)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no server-side prepared statements")
        with db.engine.connect() as connection:
            assert connection.connection.driver_connection.prepare_threshold is None


def test_instant_mail_tells_of_a_forum_reply(app, client, forum, outbox):
    from tests.helpers import mails_to
    alice, bob = people(app, "alice", "bob")
    with app.app_context():
        from community.accounts.models import User
        db.session.get(User, alice.id).email_digest = "instant"
        db.session.commit()
    topic_id = new_topic(app, alice.id, forum.general, title="Mail me the replies please")
    new_reply(app, bob.id, topic_id, "Here is a reply")
    mails = mails_to(outbox, "alice@example.com")
    assert len(mails) == 1
    assert "Bob Doe replied in" in mails[0].get_content()
    assert "topics you follow" in mails[0]["Subject"]
