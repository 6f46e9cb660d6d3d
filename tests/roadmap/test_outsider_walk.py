"""Members-only clubs and roadmap items never leak: every GET route of the app, walked as an
outsider, shows no members-only club's name, ballot or discussion, and (to visitors who are not
signed in) no members-only roadmap item or changelog entry.

The walk takes the URL map as it is, so a route added tomorrow is walked the day it lands:
each path argument is filled with every real row that could fit it (the secret club's slug,
the public club's, the members-only item's id, its changelog entry's, the idea on the secret
ballot...), and the search, the feeds and the CSV exports are read like any page.
"""

from __future__ import annotations

import itertools

import pytest
from flask import url_for

from community.accounts.models import Role, User
from community.clubs.membership import CLUBS
from community.clubs.models import ClubRole, Visibility
from community.extensions import db
from community.forums import admin as forum_admin
from community.forums import service as forums
from community.ideas import priorities
from community.ideas import service as ideas
from community.roadmap.models import (
    BallotLine,
    ChangelogEntry,
    ClubBallot,
    Horizon,
    RoadmapItem,
    RoadmapLink,
)
from tests.conftest import login, make_user

# Words that exist only inside the secret club and the members-only roadmap item (not its
# slug: the walk itself puts the slug in addresses, which pages may echo back in links).
CLUB_SECRETS = ("Zephyr Orchid", "Quokka reason", "Marmot thread")
ITEM_SECRETS = ("Nebula Members Item", "Nebula detail", "Nebula shipped")
# GET routes with an effect or no page to read.
SKIPPED = {"static"}


def _seed(app) -> dict[str, list]:
    """A members-only club (with a member, a manager, its restricted category and a topic, a
    published ballot), a public club, a members-only roadmap item with a linked idea and its
    changelog entry, and a public item. Returns the candidate values of each path argument."""
    with app.app_context():
        insider = db.session.get(User, make_user(app, "Ines Insider", "ines@example.com").id)
        idea = ideas.create_idea(insider, "Offline export", "Export everything.", None, [])
        ideas.cast_vote(insider, idea, 3, "We need it monthly.")
        priorities.set_ballot(insider, [idea.id])
        secret = CLUBS.create("Zephyr Orchid", "zephyr-orchid")
        secret.visibility = Visibility.MEMBERS
        CLUBS.add(secret, insider.id, role=ClubRole.MANAGER)
        public = CLUBS.create("Open Circle", "open-circle")
        CLUBS.add(public, insider.id)
        category = forum_admin.create_category("Zephyr Orchid room", slug="zephyr-orchid-room",
                                               club=secret)
        topic = forums.create_topic(insider, category, "Marmot thread", "Inside talk.")
        ballot = ClubBallot(club_id=secret.id, version=1, published_by_id=insider.id)
        db.session.add(ballot)
        db.session.flush()
        db.session.add(BallotLine(ballot_id=ballot.id, position=1, idea_id=idea.id,
                                  reason="Quokka reason"))
        hidden = RoadmapItem(title="Nebula Members Item", body_md="Nebula detail",
                             body_html="<p>Nebula detail</p>", horizon=Horizon.NOW,
                             members_only=True)
        shown = RoadmapItem(title="Public item", horizon=Horizon.NEXT)
        db.session.add_all([hidden, shown])
        db.session.flush()
        db.session.add(RoadmapLink(idea_id=idea.id, item_id=hidden.id))
        entry = ChangelogEntry(item_id=hidden.id, title="Nebula shipped",
                               body_html="<p>Nebula shipped</p>", members_only=True)
        db.session.add(entry)
        db.session.flush()
        db.session.commit()
        ints = sorted({idea.id, secret.id, public.id, hidden.id, shown.id, entry.id,
                       ballot.id, topic.id, category.id, insider.id, 1})
        return {"slug": [secret.slug, public.slug, category.slug, idea.slug],
                "int": ints, "handle": [insider.handle], "version": [0, 1]}


def _urls(app, candidates) -> list[str]:
    """Every GET rule of the URL map with its arguments filled by every fitting candidate."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED:
                continue
            choices = []
            for name in sorted(rule.arguments):
                converter = type(rule._converters[name]).__name__
                if converter in ("IdConverter", "IntegerConverter"):
                    choices.append(candidates["version"] if name == "version"
                                   else candidates["int"])
                else:
                    choices.append(candidates.get(name, candidates["slug"]))
            for values in itertools.product(*choices):
                try:
                    urls.append(url_for(rule.endpoint,
                                        **dict(zip(sorted(rule.arguments), values, strict=True))))
                except Exception:  # a value the converter refuses: not a page to walk
                    continue
    words = ("Zephyr", "Orchid", "Quokka", "Marmot", "Nebula")
    urls += [f"/search?q={w}" for w in words] + [f"/clubs?q={w}" for w in words]
    urls += ["/roadmap?by=status", "/roadmap?by=horizon", "/changelog?page=1",
             "/ideas?sort=top", "/forums/latest"]
    return sorted(set(urls))


def _walk(client, urls, secrets) -> list[str]:
    """The URLs whose answer shows a secret or fails (a 500)."""
    leaks = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            leaks.append(f"{url}: {response.status_code}")
            continue
        body = response.get_data(as_text=True)
        for secret in secrets:
            if secret.lower() in body.lower():
                leaks.append(f"{url}: shows {secret!r}")
    return leaks


@pytest.fixture
def walk(app):
    candidates = _seed(app)
    urls = _urls(app, candidates)
    assert any("/clubs/zephyr-orchid" in url for url in urls)  # the walk reaches the club
    assert any("/roadmap/" in url for url in urls)
    return urls


def test_a_visitor_sees_no_members_only_club_item_or_ballot_anywhere(app, client, walk):
    leaks = _walk(client, walk, CLUB_SECRETS + ITEM_SECRETS)
    assert leaks == []


def test_a_signed_in_member_outside_the_club_sees_nothing_of_it(app, client, walk):
    make_user(app, "Olga Outsider", "olga@example.com")
    login(client, "olga@example.com")
    leaks = _walk(client, walk, CLUB_SECRETS)
    assert leaks == []


def test_the_walk_would_see_a_leak(app, client, walk):
    """The check can fail: the club's own member sees its name and ballot on its pages, and a
    signed-in member sees the members-only item."""
    login(client, "ines@example.com")
    seen = _walk(client, walk, CLUB_SECRETS + ITEM_SECRETS)
    assert any("Zephyr Orchid" in line and "/clubs/zephyr-orchid" in line for line in seen)
    assert any("Quokka reason" in line for line in seen)
    assert any("Nebula Members Item" in line for line in seen)
    assert not any(line.endswith((": 500", ": 502", ": 503")) for line in seen)


def test_product_staff_see_the_members_only_club(app, client, walk):
    make_user(app, "Paula Product", "paula@example.com", role=Role.PRODUCT)
    login(client, "paula@example.com")
    response = client.get("/clubs")
    assert "Zephyr Orchid" in response.get_data(as_text=True)
