"""The forum pages a visitor can open (index, category, topic, FAQ) set no cookie and carry no
form token, so they can be cached and shared; and each runs a bounded number of queries, the
same with 3 or 40 topics, posts and FAQ entries, for a visitor and for a member."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.accounts.models import Role, User
from community.extensions import db
from community.forums import admin
from community.forums.models import FaqEntry, ForumCategory, HelpfulMark, Post, Topic
from community.timeutil import utcnow
from tests.forums.conftest import as_member, people
from tests.helpers import queries_for, text

# Upper bounds, the request's own queries included. Today a visitor's pages run 3, 4, 4 and 2
# (the topic one more when its accepted answer is on another page); a member's 6, 8, 10 and 4
# (the topic one more for the answer elsewhere, one for the reason a moderator hid the topic).
VISITOR_BOUNDS = {"index": 4, "category": 5, "topic": 6, "faq": 3}
MEMBER_BOUNDS = {"index": 8, "category": 10, "topic": 13, "faq": 6}

TOPIC = "/t/{id}-the-long-discussion"
PAGES = {"index": "/forums", "category": "/c/general", "topic": TOPIC, "faq": "/faq"}


class World:
    """Three open categories (one with a pinned topic), a long topic with an accepted answer,
    edited, hidden and deleted posts by several members (one of them deleted, one staff), and
    FAQ entries spread over the categories; ``grow`` adds more of each."""

    def __init__(self, app, forum) -> None:
        self.app, self.forum = app, forum
        self.authors = [u.id for u in people(app, "alice", "bob", "carl", "dora")]
        with app.app_context():
            second = admin.create_category("Second", slug="second", position=2)
            third = admin.create_category("Third", slug="third", position=3)
            db.session.get(User, self.authors[1]).role = Role.MODERATOR
            db.session.get(User, self.authors[3]).deleted_at = utcnow()
            db.session.commit()
            self.categories = [forum.general, second.id, third.id]
            self.topic = self._topic(0, title="The long discussion",
                                     slug="the-long-discussion", question=True)
        self.grown = 0

    def _topic(self, n: int, *, title: str | None = None, slug: str | None = None,
               question: bool = False, category: int | None = None) -> int:
        now = utcnow() - timedelta(minutes=1000 - n)
        author = self.authors[n % len(self.authors)]
        topic = Topic(category_id=category or self.forum.general, author_id=author,
                      title=title or f"Topic number {n}", slug=slug or f"topic-number-{n}",
                      is_question=question or n % 3 == 0, pinned=n % 7 == 1,
                      locked=n % 5 == 2, created_at=now, last_posted_at=now,
                      last_poster_id=self.authors[(n + 1) % len(self.authors)], max_number=1)
        db.session.add(topic)
        db.session.flush()
        db.session.add(Post(topic_id=topic.id, number=1, author_id=author, body_md="x",
                            body_html="<p>First post</p>", created_at=now))
        db.session.commit()
        return topic.id

    def grow(self, n: int) -> None:
        """``n`` more topics (over the categories), replies to the long topic, FAQ entries."""
        app = self.app
        with app.app_context():
            for i in range(self.grown, self.grown + n):
                self._topic(i + 1, category=self.categories[i % 3])
            topic = db.session.get(Topic, self.topic)
            for i in range(self.grown, self.grown + n):
                number = topic.max_number + 1
                author = self.authors[i % len(self.authors)]
                post = Post(topic_id=topic.id, number=number, author_id=author,
                            body_md="y", body_html=f"<p>Reply {i}</p>",
                            created_at=utcnow() - timedelta(minutes=500 - i),
                            edited_at=utcnow() if i % 4 == 1 else None,
                            hidden=i % 9 == 2, deleted_at=utcnow() if i % 11 == 1 else None,
                            helpful_count=i % 3)
                db.session.add(post)
                db.session.flush()
                topic.max_number, topic.reply_count = number, topic.reply_count + 1
                if i % 3:
                    db.session.add(HelpfulMark(post_id=post.id, user_id=self.authors[0]))
                if i == 0:
                    topic.accepted_post_id = post.id
                db.session.add(FaqEntry(category_id=self.categories[i % 3], topic_id=topic.id,
                                        question=f"How do I do thing {i}?", answer_md="z",
                                        answer_html=f"<p>Answer {i}</p>", position=i))
            db.session.commit()
        self.grown += n

    def url(self, page: str) -> str:
        return PAGES[page].format(id=self.topic)


@pytest.fixture
def world(app, forum):
    built = World(app, forum)
    built.grow(3)
    return built


@pytest.mark.parametrize("page", list(PAGES))
def test_a_visitor_gets_no_cookie_and_no_form_token(app, client, world, page):
    app.config["PAGE_CACHE"] = False  # the page itself, not a kept copy
    response = client.get(world.url(page))
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []
    html = text(response)
    assert "csrf_token" not in html
    assert {"index": "Topic number 3", "category": "Topic number 1",
            "topic": "Reply 0", "faq": "How do I do thing 2?"}[page] in html


def test_a_member_still_gets_the_token_of_the_actions(app, client, world):
    as_member(client, "carl@example.com")
    for page in ("category", "topic"):
        assert 'name="csrf_token"' in text(client.get(world.url(page))), page


def _counts(app, client, world) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        client.get(world.url(page))  # the reading position moves on the first visit
        counts[page] = queries_for(app, client, world.url(page))
    return counts


def _same_and_bounded(app, client, world, bounds: dict) -> None:
    """The reader's counts on every page are equal with 3 and 40 rows, and within bounds."""
    few = _counts(app, client, world)
    world.grow(37)
    many = _counts(app, client, world)
    assert few == many, (few, many)
    for page, bound in bounds.items():
        assert many[page] <= bound, (page, many[page])


def test_a_visitor_runs_the_same_bounded_queries_with_few_or_many_rows(app, client, world):
    app.config["PAGE_CACHE"] = False
    _same_and_bounded(app, client, world, VISITOR_BOUNDS)


def test_a_member_runs_the_same_bounded_queries_with_few_or_many_rows(app, client, world):
    as_member(client, "carl@example.com")
    _same_and_bounded(app, client, world, MEMBER_BOUNDS)


def test_the_faq_shows_each_category_once_with_its_entries(app, client, world):
    app.config["PAGE_CACHE"] = False
    world.grow(5)
    html = text(client.get("/faq"))
    for name in ("General", "Second", "Third"):
        assert html.count(f'<h2 class="faq-category">{name}</h2>') == 1, name
    assert html.index("General</h2>") < html.index("Second</h2>") < html.index("Third</h2>")


def test_author_lines_say_team_as_the_member_s_own_page_does(app, client, forum):
    """Author lines read no e-mail address: the database tells staff apart (a staff role, or
    a verified address at one of COMPANY_DOMAINS), as ``User.is_staff`` does."""
    from tests.conftest import make_user
    app.config.update(PAGE_CACHE=False, COMPANY_DOMAINS=["acme_corp.example", "Other.example"])
    people = {
        "Vera Staff": make_user(app, "Vera Staff", "vera@ACME_CORP.example"),
        "Ulla Unverified": make_user(app, "Ulla Unverified", "ulla@acme_corp.example",
                                     verified=False),
        "Wild Card": make_user(app, "Wild Card", "wild@acmeXcorp.example"),
        "Mona Moderator": make_user(app, "Mona Moderator", "mona@else.example",
                                    role=Role.MODERATOR),
        "Pat Plain": make_user(app, "Pat Plain", "pat@else.example"),
        "Otto Other": make_user(app, "Otto Other", "otto@other.example"),
    }
    with app.app_context():
        for name, user in people.items():
            expected = db.session.get(User, user.id).is_staff
            assert expected == (name in ("Vera Staff", "Mona Moderator")), name
            topic = Topic(category_id=forum.general, author_id=user.id, title=f"By {name}",
                          slug="by", last_poster_id=user.id, max_number=1)
            db.session.add(topic)
            db.session.flush()
            db.session.add(Post(topic_id=topic.id, number=1, author_id=user.id, body_md="x",
                                body_html="<p>x</p>"))
            db.session.commit()
            page = text(client.get(f"/t/{topic.id}-by"))
            line = page.split('<header class="meta">')[1].split("</header>")[0]
            assert name in line and ("badge-team" in line) == expected, (name, line)
            listed = text(client.get("/c/general")).split(f"By {name}")[1].split("</tr>")[0]
            assert ("badge-team" in listed) == expected, (name, listed)


def test_the_kept_public_categories_follow_a_change_of_audience(app, client, forum):
    """Visitors' category ids are kept a while, but a category turned private leaves them at
    the commit: a visitor's view of a profile stops counting its posts at once."""
    from tests.forums.conftest import new_reply, new_topic
    (alice,) = people(app, "alice")
    topic = new_topic(app, alice.id, forum.general)
    new_reply(app, alice.id, topic)

    def counted() -> str:
        page = text(client.get("/u/alice"))
        return page.split("Forum posts</dt><dd>")[1].split("<")[0]

    assert counted() == "2"
    with app.app_context():
        category = db.session.get(ForumCategory, forum.general)
        admin.save_category(category, name=category.name, slug=category.slug,
                            description="", colour=category.colour, position=1,
                            audience="staff")
        db.session.commit()
    assert counted() == "0"
