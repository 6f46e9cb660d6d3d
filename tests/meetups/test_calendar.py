"""Events as iCalendar on SQLite and PostgreSQL: the .ics of an event (parsed back with
icalendar), an event across a change of clocks, and the member's feed at a secret address
(created, renewed, revoked; only the groups they still see; never the link to others)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa

from community.extensions import db
from community.groups.membership import GROUPS
from community.meetups.models import CalendarFeed, Event
from community.timeutil import utcnow
from tests.clock import travel
from tests.helpers import hidden_fields, post_form
from tests.meetups.test_events_support import (
    MANAGER,
    MEMBER,
    answer,
    as_user,
    make_event,
    make_group,
    people,
    text,
)

LINK = "https://meet.example.com/r/42"


def _events(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def test_an_event_across_a_dst_change_is_stored_in_utc_and_exported_with_its_zone(app):
    users = people(app, "olive", "mia")
    slug = make_group(app, users["olive"].id, members=[(users["mia"].id, MEMBER)])
    olive = as_user(app, "olive@example.com")
    with travel() as set_now:
        set_now(datetime(2026, 10, 1, 12, 0))
        response = post_form(olive, f"/groups/{slug}/events/new", {
            "title": "Night of the clocks", "kind": "in_person", "place": "Paris",
            "starts": "2026-10-24T18:00", "ends": "2026-10-25T12:00",
            "timezone": "Europe/Paris", "capacity": ""})
        assert response.status_code == 302, text(response)
        with app.app_context():
            event = db.session.scalars(sa.select(Event)).one()
            # 18:00 CEST (UTC+2) and 12:00 CET (UTC+1): 19 hours, not 18.
            assert event.starts_at == datetime(2026, 10, 24, 16, 0)
            assert event.ends_at == datetime(2026, 10, 25, 11, 0)
            event_id = event.id
        response = olive.get(f"/events/{event_id}/event.ics")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert "no-store" in response.headers["Cache-Control"]
        body = response.get_data()
        assert b"DTSTART;TZID=Europe/Paris:20261024T180000" in body
        assert b"DTEND;TZID=Europe/Paris:20261025T120000" in body
        calendar = icalendar.Calendar.from_ical(body)
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        (vevent,) = calendar.walk("VEVENT")
        start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
        assert start == datetime(2026, 10, 24, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))
        assert end - start == timedelta(hours=18)  # wall clock: Python's aware arithmetic
        assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=19)
        assert str(vevent["UID"]) == f"event-{event_id}@127.0.0.1"
        assert str(vevent["SUMMARY"]) == "Night of the clocks"
        assert str(vevent["LOCATION"]) == "Paris"
        assert vevent["SEQUENCE"] == 0 and str(vevent["STATUS"]) == "CONFIRMED"
        assert str(vevent["URL"]).endswith(f"/events/{event_id}")
        assert "DTSTAMP" in vevent
        page = text(olive.get(f"/events/{event_id}"))
        assert "18:00" in page and "12:00" in page and "Europe/Paris" in page


def test_a_cancelled_event_says_so_in_its_ics(app):
    users = people(app, "olive")
    slug = make_group(app, users["olive"].id)
    event_id = make_event(app, slug, users["olive"].id)
    olive = as_user(app, "olive@example.com")
    post_form(olive, f"/events/{event_id}/cancel", {}, get_url=f"/events/{event_id}")
    (vevent,) = _events(olive.get(f"/events/{event_id}/event.ics").get_data())
    assert str(vevent["STATUS"]) == "CANCELLED" and vevent["SEQUENCE"] == 1


def test_the_ics_gives_the_online_link_only_to_yes_and_managers(app):
    users = people(app, "olive", "mia", "otto")
    slug = make_group(app, users["olive"].id, members=[(users["mia"].id, MEMBER)])
    event_id = make_event(app, slug, users["olive"].id, online=True, url=LINK)
    url = f"/events/{event_id}/event.ics"
    (vevent,) = _events(app.test_client().get(url).get_data())
    assert str(vevent["LOCATION"]).endswith(f"/events/{event_id}")
    answer(app, event_id, users["mia"].id, "maybe")
    assert LINK.encode() not in as_user(app, "mia@example.com").get(url).get_data()
    answer(app, event_id, users["mia"].id, "yes")
    (vevent,) = _events(as_user(app, "mia@example.com").get(url).get_data())
    assert str(vevent["LOCATION"]) == LINK
    assert LINK.encode() in as_user(app, "olive@example.com").get(url).get_data()


def _renew(client) -> str:
    page = text(client.get("/settings/calendar"))
    token = hidden_fields(page)["csrf_token"]
    response = client.post("/settings/calendar", data={"csrf_token": token, "action": "renew"})
    assert response.status_code == 200
    body = text(response)
    start = body.index("/calendar/")
    address = body[start:body.index('"', start)]
    assert address.endswith(".ics")
    return address


def test_the_feed_lists_my_events_and_follows_renew_and_revoke(app):
    users = people(app, "olive", "mia")
    slug = make_group(app, users["olive"].id, "Lyon Users", "private",
                      members=[(users["mia"].id, MEMBER)])
    public = make_group(app, users["olive"].id, "Open Users")
    private_id = make_event(app, slug, users["olive"].id, title="Private meetup",
                            online=True, url=LINK)
    public_id = make_event(app, public, users["olive"].id, title="Open meetup")
    declined_id = make_event(app, public, users["olive"].id, title="Declined meetup")
    old_id = make_event(app, public, users["olive"].id, title="Old meetup",
                        starts=utcnow() - timedelta(days=400))
    answer(app, private_id, users["mia"].id, "maybe")
    answer(app, public_id, users["mia"].id, "yes")
    answer(app, declined_id, users["mia"].id, "no")
    mia = as_user(app, "mia@example.com")
    assert "Create my calendar address" in text(mia.get("/settings/calendar"))
    address = _renew(mia)
    with app.app_context():
        feed = db.session.get(CalendarFeed, users["mia"].id)
        token = address.rsplit("/", 1)[1][:-4]
        assert feed.token_hash != token and len(feed.token_hash) == 64
    del old_id
    anonymous = app.test_client()
    response = anonymous.get(address)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]
    titles = sorted(str(e["SUMMARY"]) for e in _events(response.get_data()))
    assert titles == ["Open meetup", "Private meetup"]
    assert LINK.encode() not in response.get_data()  # maybe: no link
    # The page no longer shows the address, only that one exists.
    assert address not in text(mia.get("/settings/calendar"))
    assert "Renew the address" in text(mia.get("/settings/calendar"))
    # Renewing: the old address is a plain 404.
    new_address = _renew(mia)
    assert new_address != address
    assert anonymous.get(address).status_code == 404
    assert anonymous.get(new_address).status_code == 200
    # Leaving the private group takes its events out of the feed.
    with app.app_context():
        GROUPS.remove(GROUPS.find(slug), users["mia"].id)
        db.session.commit()
    titles = [str(e["SUMMARY"]) for e in _events(anonymous.get(new_address).get_data())]
    assert titles == ["Open meetup"]
    # Revoking: 404, and nothing left stored.
    token = hidden_fields(text(mia.get("/settings/calendar")))["csrf_token"]
    response = mia.post("/settings/calendar", data={"csrf_token": token, "action": "revoke"})
    assert response.status_code == 302
    assert anonymous.get(new_address).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0


def test_unknown_tokens_are_404_without_a_hint(app):
    client = app.test_client()
    for token in ("nope", "x" * 43, "x" * 500, "..%2F..%2Fetc%2Fpasswd", "'; DROP--", "é"):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404
        assert b"token" not in response.get_data().lower()


def test_calendar_settings_need_a_login_and_a_valid_action(app):
    people(app, "mia")
    assert app.test_client().get("/settings/calendar").status_code == 302
    mia = as_user(app, "mia@example.com")
    token = hidden_fields(text(mia.get("/settings/calendar")))["csrf_token"]
    assert mia.post("/settings/calendar", data={"csrf_token": token,
                                                "action": "steal"}).status_code == 400
    assert mia.post("/settings/calendar", data={"action": "renew"}).status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0


def test_a_secret_group_event_is_in_a_members_feed_with_its_link_for_yes(app):
    users = people(app, "olive", "mia")
    slug = make_group(app, users["olive"].id, "Hidden", "secret",
                      members=[(users["mia"].id, MANAGER)])
    event_id = make_event(app, slug, users["olive"].id, online=True, url=LINK)
    answer(app, event_id, users["mia"].id, "yes")
    address = _renew(as_user(app, "mia@example.com"))
    (vevent,) = _events(app.test_client().get(address).get_data())
    assert str(vevent["LOCATION"]) == LINK
