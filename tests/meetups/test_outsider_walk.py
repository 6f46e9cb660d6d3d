"""Private and secret groups never leak: every GET route of the app, walked as a visitor and as
a signed-in member of none of these groups, shows nothing of a secret group (its name, its
slug, its members, their directory cards, its discussion, its events, their online links,
RSVPs and recap), nothing of a private group's inside (its members' names, their directory
fields, its discussion, its events and their links) and no online event link to someone not
attending it, even in a public group.

The walk takes the URL map as it is, so a route added tomorrow is walked the day it lands:
each path argument is filled with every real row that could fit it (the groups' slugs, the
events', topics', posts', requests' and members' ids, the members' handles, the walker's own
calendar feed token), and the search, the group list's search, the feeds, the calendar files
and the exports (a ZIP is opened and each of its files read) are read like any page. The
signed-in non-member once belonged to the private group (and was told there of a cancelled
event): what she was told then no longer shows its inside. The same walk as a member of both
groups finds what it looks for, so the check can fail.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from community.accounts.models import User
from community.extensions import db
from community.forums import service as forums
from community.forums.models import Post
from community.groups import directory
from community.groups.membership import GROUPS
from community.groups.models import DIRECTORY_FIELDS
from community.meetups import calendar as calendars
from community.meetups import events as events_service
from community.meetups import groups as groups_service
from community.meetups.models import Answer, Event, EventKind, Rsvp
from community.timeutil import utcnow
from tests.conftest import login, make_user
from tests.meetups.factories import MANAGER, MEMBER, PRIVATE, PUBLIC, SECRET, make_group

SECRET_NAME = "Zephyr Orchid Circle"
SECRET_SLUG = "zephyr-orchid-circle"  # then random letters: a secret group's slug
PRIVATE_NAME = "Pine Harbour Alumni"
PUBLIC_NAME = "Open Lantern Users"
# What only the secret group's members may know (its slug is checked apart: the walk itself
# puts it in addresses, which a page may echo back in a link, e.g. a log-in's "next").
SECRET_WORDS = (SECRET_NAME, "Sorrel Wintergreen", "Wintergreen Glassworks", "Marmot thread",
                "Nebula Gathering", "Quokka recap", "meet.example.test/zephyr-7f3a9",
                "meet.example.test/zephyr-past-1c2d")
# What only the private group's members may know (its name and description are public).
PRIVATE_WORDS = ("Pavel Quillfeather", "Quillfeather Tannery", "Bergamot distilling",
                 "Heron thread", "Lantern Evening", "Harbour Cancelled Supper", "Ibis recap",
                 "meet.example.test/pine-91bd2", "meet.example.test/pine-past-4e5f")
# The public group's online event: its title is public, its link for attendees only.
PUBLIC_LINK = "meet.example.test/open-5c6e1"
# GET routes with no page to read.
SKIPPED = {"static"}
WORDS = ("Zephyr", "Orchid", "Wintergreen", "Marmot", "Nebula", "Quokka", "Pavel",
         "Quillfeather", "Bergamot", "Heron", "Lantern", "Ibis", "meet.example")


def _details(title: str, url: str, days: int, capacity=None) -> events_service.Details:
    starts = (utcnow() + timedelta(days=days)).replace(hour=18, minute=0, second=0,
                                                       microsecond=0)
    return events_service.Details(
        title=title, description=f"{title}, online.", kind=EventKind.ONLINE,
        online_url=f"https://{url}", place="", starts_local=starts,
        ends_local=starts + timedelta(hours=2), timezone="UTC", capacity=capacity)


def _past_event(group, organiser_id: int, title: str, url: str, recap: str) -> Event:
    """An online event that ended last week, with its recap (rows written directly: the
    service does not create events in the past)."""
    starts = utcnow().replace(microsecond=0) - timedelta(days=7)
    event = Event(group_id=group.id, organiser_id=organiser_id, title=title,
                  description_md="", description_html="", kind=EventKind.ONLINE,
                  online_url=f"https://{url}", place="", starts_at=starts,
                  ends_at=starts + timedelta(hours=2), timezone="Europe/Paris",
                  capacity=None, going_count=0, waiting_count=0, recap_md=recap,
                  recap_html=f"<p>{recap}</p>", sequence=0, created_at=starts,
                  updated_at=starts)
    db.session.add(event)
    db.session.flush()
    return event


def _card(user: User, group, **fields) -> None:
    """The member's card, every field shown in this group (through the directory's rules)."""
    directory.save_profile(user, **fields)
    directory.set_choices(user, group, listed=True, shown=DIRECTORY_FIELDS)


def _seed(app) -> dict:
    """The three groups and everything inside them; returns the walk's candidate values."""
    ines = make_user(app, "Ines Insider", "ines@example.com")
    sorrel = make_user(app, "Sorrel Wintergreen", "sorrel@example.com")
    pavel = make_user(app, "Pavel Quillfeather", "pavel@example.com")
    olga = make_user(app, "Olga Outsider", "olga@example.com")
    secret_slug = make_group(app, ines.id, SECRET_NAME, SECRET, description="Deep inside.",
                             members=[(sorrel.id, MEMBER)])
    private_slug = make_group(app, ines.id, PRIVATE_NAME, PRIVATE,
                              description="Former students of the harbour school.",
                              members=[(pavel.id, MANAGER)])
    public_slug = make_group(app, ines.id, PUBLIC_NAME, PUBLIC, description="Open to all.",
                             members=[(olga.id, MEMBER)])
    assert secret_slug.startswith(SECRET_SLUG + "-")
    with app.app_context():
        ines, sorrel, pavel, olga = (db.session.get(User, u.id)
                                     for u in (ines, sorrel, pavel, olga))
        secret, private, public = (GROUPS.find(s)
                                   for s in (secret_slug, private_slug, public_slug))
        _card(sorrel, secret, company="Wintergreen Glassworks", job_title="Glassblower",
              location="Tromsø", cohort="1999", skills="Glass annealing",
              help_on="Kiln schedules")
        _card(pavel, private, company="Quillfeather Tannery", job_title="Tanner",
              location="Ushuaia", cohort="2001", skills="Bergamot distilling",
              help_on="Leather dyes")

        # Discussions in each group's category.
        topics = [forums.create_topic(sorrel, groups_service.category_of(secret),
                                      "Marmot thread", "Inside talk of the circle."),
                  forums.create_topic(pavel, groups_service.category_of(private),
                                      "Heron thread", "Inside talk of the alumni.")]

        # Events: upcoming online ones with RSVPs (a promotion from the waiting list tells
        # the promoted member), past ones with a recap, a cancelled one (its attendees told).
        nebula = events_service.create_event(
            ines, secret, _details("Nebula Gathering", "meet.example.test/zephyr-7f3a9", 9,
                                   capacity=1))
        events_service.answer(ines, nebula, Answer.YES)
        events_service.answer(sorrel, nebula, Answer.YES)  # waiting
        events_service.answer(ines, nebula, Answer.NO)  # Sorrel promoted
        lantern = events_service.create_event(
            ines, private, _details("Lantern Evening", "meet.example.test/pine-91bd2", 10))
        events_service.answer(pavel, lantern, Answer.YES)
        events_service.answer(ines, lantern, Answer.MAYBE)
        # Olga was a member of the private group for a while: told of a cancellation there.
        groups_service.add_member(private, olga.id)
        dropped = events_service.create_event(
            ines, private, _details("Harbour Cancelled Supper",
                                    "meet.example.test/pine-91bd2", 3))
        events_service.answer(pavel, dropped, Answer.YES)
        events_service.answer(olga, dropped, Answer.YES)
        events_service.cancel_event(ines, dropped)
        groups_service.leave(olga, private)
        webinar = events_service.create_event(
            ines, public, _details("Public Webinar", PUBLIC_LINK, 11))
        events_service.answer(ines, webinar, Answer.YES)
        past = [_past_event(secret, ines.id, "Nebula Gathering (spring)",
                            "meet.example.test/zephyr-past-1c2d", "Quokka recap"),
                _past_event(private, ines.id, "Lantern Evening (spring)",
                            "meet.example.test/pine-past-4e5f", "Ibis recap")]
        for event in past:
            db.session.add(Rsvp(event_id=event.id, user_id=ines.id, answer=Answer.YES,
                                answered_at=event.created_at))

        # Olga, outside both groups now: her own calendar feed, a pending request to the
        # private group (she left it); Ines's feed for the member walk.
        olga_token = calendars.renew_feed(olga)
        ines_token = calendars.renew_feed(ines)
        groups_service.join(olga, private, "May I join?")
        db.session.commit()

        event_ids = [nebula.id, lantern.id, dropped.id, webinar.id] + [e.id for e in past]
        posts = list(db.session.scalars(sa.select(Post.id).where(
            Post.topic_id.in_([t.id for t in topics]))))
        request_ids = list(db.session.scalars(sa.text(
            "SELECT id FROM group_join_requests")))
        ints = sorted({*event_ids, *(t.id for t in topics), *posts, *request_ids,
                       secret.id, private.id, public.id, ines.id, sorrel.id, pavel.id,
                       olga.id, secret.category_id, private.category_id, 1})
        categories = [groups_service.category_of(g).slug for g in (secret, private, public)]
        return {
            "slug": [secret_slug, private_slug, public_slug, *categories, "no-such-thing"],
            "int": ints, "version": [0, 1],
            "handle": [u.handle for u in (ines, sorrel, pavel, olga)],
            "token": {"olga": olga_token, "ines": ines_token},
            "handles": {"sorrel": sorrel.handle, "pavel": pavel.handle},
            "secret_slug": secret_slug,
        }


def _urls(app, candidates, walker: str) -> list[str]:
    """Every GET rule of the URL map with its arguments filled by every fitting candidate;
    ``token`` arguments get the walker's own calendar token and a wrong one."""
    tokens = [candidates["token"][walker], "not-a-token"] if walker in candidates["token"] \
        else ["not-a-token"]
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
                elif name == "token":
                    choices.append(tokens)
                elif name == "handle":
                    choices.append(candidates["handle"])
                else:
                    choices.append(candidates["slug"])
            for values in itertools.product(*choices):
                try:
                    urls.append(url_for(rule.endpoint,
                                        **dict(zip(sorted(rule.arguments), values, strict=True))))
                except Exception:  # a value the converter refuses: not a page to walk
                    continue
    urls += [f"/search?q={w}" for w in WORDS] + [f"/groups?q={w}" for w in WORDS]
    urls += ["/search?q=meet.example.test", "/groups?page=2", "/forums/latest"]
    return sorted(set(urls))


def _texts(response) -> list[str]:
    """The answer's text; a ZIP (an export) gives each of its files."""
    data = response.get_data()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()]
    return [data.decode("utf-8", "replace")]


def _walk(client, urls, words, candidates, allowed=None) -> list[str]:
    """The URLs whose answer shows one of ``words`` (or, where the address does not carry it,
    the secret group's slug), or fails (a 500). ``allowed``: {path: words that path may show}."""
    allowed = allowed or {}
    own_profile = {f"/u/{candidates['handles']['pavel']}": "Pavel Quillfeather",
                   f"/u/{candidates['handles']['sorrel']}": "Sorrel Wintergreen"}
    leaks = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            leaks.append(f"{url}: {response.status_code}")
            continue
        path = url.split("?")[0]
        checked = [w for w in words
                   if own_profile.get(path) != w and w not in allowed.get(path, ())]
        if path in own_profile:
            # A member's own profile shows their name, but not a group whose inside the
            # reader may not see.
            checked.append(PRIVATE_NAME)
        if candidates["secret_slug"] not in url:
            checked.append(candidates["secret_slug"])
        for text in _texts(response):
            lowered = text.lower()
            for word in checked:
                if word.lower() in lowered:
                    leaks.append(f"{url}: shows {word!r}")
    return sorted(set(leaks))


@pytest.fixture
def walked(app):
    candidates = _seed(app)
    walks = {walker: _urls(app, candidates, walker) for walker in ("visitor", "olga", "ines")}
    urls = walks["visitor"]
    # The walk reaches the groups' pages, the events' pages and files, the feed, the
    # directory and the export.
    assert f"/groups/{candidates['secret_slug']}" in urls
    assert any(u.endswith("/directory") for u in urls)
    assert any(u.endswith("/event.ics") for u in urls)
    assert f"/calendar/{candidates['token']['olga']}.ics" in walks["olga"]
    assert "/settings/export" in urls
    return candidates, walks


def test_a_visitor_sees_no_secret_group_private_inside_or_online_link(app, client, walked):
    candidates, walks = walked
    leaks = _walk(client, walks["visitor"], SECRET_WORDS + PRIVATE_WORDS + (PUBLIC_LINK,),
                  candidates)
    assert leaks == []


def test_a_signed_in_non_member_sees_none_of_them_either(app, client, walked):
    candidates, walks = walked
    assert login(client, "olga@example.com").status_code == 302
    # Her export holds her own answer to the event she was told was cancelled (her data; its
    # title, not its link): nothing else of the group she left.
    leaks = _walk(client, walks["olga"], SECRET_WORDS + PRIVATE_WORDS + (PUBLIC_LINK,),
                  candidates, allowed={"/settings/export": {"Harbour Cancelled Supper"}})
    assert leaks == []


def test_the_walk_would_see_a_leak(app, client, walked):
    """The check can fail: a member of both groups (attending the events) finds the secret
    group, the private group's members and directory, and the online links, on the pages
    that are theirs to see."""
    candidates, walks = walked
    assert login(client, "ines@example.com").status_code == 302
    seen = "\n".join(_walk(client, walks["ines"],
                           SECRET_WORDS + PRIVATE_WORDS + (PUBLIC_LINK,), candidates))
    assert f"/groups/{candidates['secret_slug']}: shows {SECRET_NAME!r}" in seen
    assert "/directory: shows 'Quillfeather Tannery'" in seen
    assert "/directory: shows 'Wintergreen Glassworks'" in seen
    assert "shows 'meet.example.test/zephyr-7f3a9'" in seen
    assert "shows 'meet.example.test/open-5c6e1'" in seen
    assert "event.ics: shows 'meet.example.test/open-5c6e1'" in seen
    assert f"/calendar/{candidates['token']['ines']}.ics: shows" in seen
    assert "shows 'Quokka recap'" in seen
    assert "shows 'Heron thread'" in seen
    assert f"/groups: shows {candidates['secret_slug']!r}" in seen  # the list shows it to her
    assert not any(line.endswith((": 500", ": 502", ": 503")) for line in seen.splitlines())
