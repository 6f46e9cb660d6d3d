"""The ideas list over HTTP: ties follow the stated rule, and every link keeps the filters."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.ideas import service
from community.ideas.models import Category, Idea
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.helpers import text
from tests.ideas.factories import make_idea

SCORES = {"top": "top_score", "trusted": "trusted_score", "trending": "trending_score",
          "discussed": "comment_count", "priorities": "priority_score"}


def _set(app, idea_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(Idea).where(Idea.id == idea_id).values(**values))
        db.session.commit()


def _order(page: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=page.index)


def test_equal_scores_list_more_votes_then_the_older_idea_first(app, client, member):
    """/ideas/ranking: "Equal scores are ordered by more votes, then the older idea first"
    (not by id): the lowest id here is the newest of the two ideas with one vote."""
    t0 = utcnow() - timedelta(days=3)
    newer = make_idea(app, member.id, "Newer single vote")
    older = make_idea(app, member.id, "Older single vote")
    most = make_idea(app, member.id, "Most voted newest")
    _set(app, newer, vote_count=1, created_at=t0 + timedelta(hours=1))
    _set(app, older, vote_count=1, created_at=t0)
    _set(app, most, vote_count=2, created_at=t0 + timedelta(hours=2))
    titles = ["Newer single vote", "Older single vote", "Most voted newest"]
    for sort, column in SCORES.items():
        for idea_id in (newer, older, most):
            _set(app, idea_id, **{column: 3})
        page = text(client.get(f"/ideas?sort={sort}"))
        assert _order(page, titles) == ["Most voted newest", "Older single vote",
                                        "Newer single vote"], sort


def test_new_ideas_proposed_at_the_same_time_list_more_votes_first(app, client, member):
    at = utcnow() - timedelta(days=1)
    fewer = make_idea(app, member.id, "Fewer votes same time")
    more = make_idea(app, member.id, "More votes same time")
    _set(app, fewer, vote_count=1, created_at=at)
    _set(app, more, vote_count=2, created_at=at)
    page = text(client.get("/ideas?sort=new"))
    assert _order(page, ["Fewer votes same time", "More votes same time"]) == [
        "More votes same time", "Fewer votes same time"]


def _links(page: str) -> dict[str, dict[str, list[str]]]:
    """Every link to the ideas list on the page, by its text: its query arguments."""
    found = {}
    for href, label in re.findall(r'<a [^>]*href="(/ideas\?[^"]*)"[^>]*>([^<]*)</a>', page):
        found[html.unescape(label).strip()] = parse_qs(urlsplit(html.unescape(href)).query)
    return found


def test_next_page_sort_and_tag_links_keep_every_active_filter(make_app):
    app = make_app(IDEAS_PER_PAGE=2)
    member = make_user(app)
    with app.app_context():
        db.session.add(Category(slug="mobile", name="Mobile app"))
        db.session.commit()
        category = db.session.scalar(sa.select(Category.id))
    ids = [make_idea(app, member.id, f"Mobile idea number {n}", tags=["offline"])
           for n in range(5)]
    make_idea(app, member.id, "Elsewhere idea", tags=["offline"])
    with app.app_context():
        user = db.session.get(User, member.id)
        for idea_id in ids + [ids[0] + 5]:
            idea = db.session.get(Idea, idea_id)
            if idea_id in ids:
                idea.category_id = category
            if idea_id != ids[4]:
                service.cast_vote(user, idea, 2, None)
        db.session.commit()
    client = app.test_client()
    login(client)
    active = {"category": [str(category)], "mine": ["1"], "status": ["open"],
              "tag": ["offline"]}
    url = f"/ideas?sort=new&category={category}&mine=1&status=open&tag=offline"
    links = _links(text(client.get(url)))
    for label in ("Top", "Trending", "New", "Most discussed", "Next page", "offline"):
        assert label in links, (label, sorted(links))
        args = links[label]
        assert {k: args.get(k) for k in active} == active, (label, args)
    assert links["Next page"]["sort"] == ["new"] and links["Next page"]["page"] == ["2"]
    assert links["Top"]["sort"] == ["top"]
    # Following "Next page" stays within the filters: the other two voted ideas of the
    # category, not the idea without a vote nor the one elsewhere.
    second = text(client.get("/ideas?" + "&".join(
        f"{k}={v[0]}" for k, v in links["Next page"].items())))
    shown = re.findall(r"Mobile idea number \d|Elsewhere idea", second)
    assert shown == ["Mobile idea number 1", "Mobile idea number 0"]
