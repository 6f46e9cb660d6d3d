"""One date style per language: ``|ago`` reads "3 hours ago" / "il y a 3 heures" while recent,
the date after a week, with the exact time on hover; ``|exact`` gives the short date and time
inside a sentence. Both through Flask-Babel, in the reader's language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from community.templating import ago, exact
from community.timeutil import utcnow


@pytest.fixture
def render(app):
    def rendered(value, locale="en", how=ago):
        with app.test_request_context(), force_locale(locale):
            return str(how(value))
    return rendered


def test_recent_moments_read_relative_with_the_exact_time_on_hover(render):
    moment = utcnow() - timedelta(hours=3, minutes=5)
    shown = render(moment)
    assert shown.startswith(f'<time datetime="{moment.isoformat()}Z" title="')
    assert ">3 hours ago</time>" in shown
    assert str(moment.year) in shown.split('title="')[1]  # the exact moment, on hover
    assert ">il y a 3 heures</time>" in render(moment, "fr").replace("\N{NO-BREAK SPACE}", " ")


def test_just_now_the_future_and_older_moments(render):
    assert ">just now</time>" in render(utcnow())
    assert ">à l’instant</time>" in render(utcnow(), "fr")
    assert ">in 2 days</time>" in render(utcnow() + timedelta(days=2, hours=1))
    old = utcnow() - timedelta(days=40)
    assert f">{old.strftime('%b')} {old.day}, {old.year}</time>" in render(old)
    assert render(None) == ""


def test_a_plain_date_and_a_moment_in_a_sentence(render):
    assert render(date(2026, 3, 5)) == '<time datetime="2026-03-05">Mar 5, 2026</time>'
    moment = utcnow().replace(year=2025, month=1, day=2, hour=14, minute=30)
    assert render(moment, how=exact).endswith(">1/2/25, 2:30\N{NARROW NO-BREAK SPACE}PM</time>")
    assert render(moment, "fr", how=exact).endswith(">02/01/2025 14:30</time>")


def test_a_title_cannot_break_out_of_its_markup(render):
    shown = render(utcnow() - timedelta(minutes=5))
    assert shown.count("<time") == 1 and shown.count('"') == 4
