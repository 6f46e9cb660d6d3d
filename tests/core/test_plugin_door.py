"""The plug-in door: a domain written outside community/ joins the app through its init_app
alone (one more name in the domains tuple), and what it registers works end to end; an app
built without it knows nothing of it (registries live on the app)."""

import json
import sys
import textwrap

import pytest

from community import DOMAINS, create_app
from community.accounts.models import Role
from community.config import TestConfig
from community.extensions import db
from tests.conftest import GOOD_PASSWORD, dispose, login, make_user
from tests.helpers import post_form, text

KUDOS = '''
"""A toy domain: a page, a menu entry, a profile section, an export part and an eraser, a CLI
group, a refusal message, a sign-up gate, a notification kind, a search kind and a moderation
subject."""

from dataclasses import dataclass

import click
from flask import Blueprint, Flask
from flask.cli import AppGroup

ERASED = []
bp = Blueprint("kudos", __name__, template_folder="kudos_templates")


@bp.route("/kudos")
def index():
    from community.refusals import Refused

    raise Refused("kudos.closed", status=409)


@dataclass
class NoKudosNames:
    rule: str = "kudos_name"

    def check(self, attempt):
        return [self] if "kudos" in attempt.display_name.lower() else []

    def accepted(self, attempt):
        pass


def word_kudos(reader, notifications):
    from community.notify.service import Shown

    return {n.id: Shown(f"Kudos #{n.subject_id} for you", f"/kudos#{n.subject_id}")
            for n in notifications}


def init_app(app: Flask) -> None:
    import sqlalchemy as sa

    from community.accounts import data, gates, profiles
    from community.moderation import service as moderation
    from community.navigation import Link, register_link
    from community.notify.service import register_kinds
    from community.refusals import register_messages
    from community.search.kinds import SearchKind, register_kind

    register_kinds(["kudos_given"], word_kudos)
    register_kind(SearchKind(name="kudos", label="Kudos", badge="Kudos",
                             visible=lambda reader: sa.true(),
                             url=lambda hit: f"/kudos#{hit.ref_id}"))
    moderation.register_subject("kudos", moderation.SubjectHandler(
        describe=lambda i: moderation.SubjectView(title=f"Kudos #{i}", url=f"/kudos#{i}")))

    app.register_blueprint(bp)
    group = AppGroup("kudos")

    @group.command("count")
    def count():
        click.echo("kudos: 0")

    app.cli.add_command(group)
    register_link(Link("kudos.index", "Kudos", 70))
    register_messages({"kudos.closed": "The kudos desk is closed.",
                       "signup.kudos_name": "No kudos in names, please."})
    gates.register_gate("kudos", NoKudosNames())
    data.register_exporter("kudos", lambda user: {"given": 0, "handle": user.handle})
    data.register_eraser("kudos", lambda user: ERASED.append(user.id))
    profiles.register_section(profiles.Section(
        "kudos", "kudos/_profile.html", lambda user, reader: 7))
'''


@pytest.fixture
def kudos(tmp_path, monkeypatch):
    (tmp_path / "kudos_domain.py").write_text(textwrap.dedent(KUDOS))
    (tmp_path / "kudos_templates" / "kudos").mkdir(parents=True)
    (tmp_path / "kudos_templates" / "kudos" / "_profile.html").write_text(
        "<dt>Kudos</dt><dd>{{ section.data }} kudos received</dd>")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "kudos_domain"
    sys.modules.pop("kudos_domain", None)


def _app(tmp_path, domains):
    app = create_app(TestConfig("sqlite://", OUTBOX_DIR=str(tmp_path / "outbox")),
                     domains=domains)
    with app.app_context():
        db.create_all()
    return app


def test_a_domain_plugs_in_with_one_line(kudos, tmp_path):
    app = _app(tmp_path, DOMAINS + (kudos,))
    try:
        member = make_user(app)
        client = app.test_client()
        # its page, and its refusal answered by the app-wide handler in the reader's words
        page = client.get("/kudos")
        assert page.status_code == 409 and "The kudos desk is closed." in text(page)
        # its menu entry, and its section of a profile
        assert 'href="/kudos"' in text(client.get("/"))
        assert "7 kudos received" in text(client.get(f"/u/{member.handle}"))
        # its CLI group
        result = app.test_cli_runner().invoke(args=["kudos", "count"])
        assert result.output.strip() == "kudos: 0"
        # its sign-up gate, with its message
        refused = post_form(app.test_client(), "/signup", {
            "display_name": "Kudos Fan", "email": "fan@example.com",
            "password": GOOD_PASSWORD})
        assert refused.status_code == 422 and "No kudos in names, please." in text(refused)
        # its part of the export, and its eraser
        assert login(client).status_code == 302
        export = json.loads(client.get("/settings/export").data)
        assert export["kudos"] == {"given": 0, "handle": member.handle}
        # its notifications, worded by it
        with app.app_context():
            from community.notify.service import notify
            from community.search.service import index_document

            notify([member.id], "kudos_given", "kudos", 42)
            index_document("kudos", 42, title="Kudos for the zeppelin team",
                           body="Thanks for the quick answer")
            db.session.commit()
        assert "Kudos #42 for you" in text(client.get("/notifications"))
        # its search kind, found and linked from /search, and filterable by kind
        found = text(client.get("/search?q=zeppelin&kind=kudos"))
        assert "/kudos#42" in found and "Kudos for the zeppelin team" in found
        # its moderation subject, shown in the queue
        with app.app_context():
            from community.accounts.models import User
            from community.moderation.service import open_flag

            open_flag(db.session.get(User, member.id), "kudos", 42, "spam")
            db.session.commit()
        moderator = make_user(app, "Mo Derator", "mo@example.com", role=Role.MODERATOR)
        mod_client = app.test_client()
        assert login(mod_client, moderator.email).status_code == 302
        assert "Kudos #42" in text(mod_client.get("/moderation/flags"))
        # and deletion runs its eraser
        post_form(client, "/settings/delete", {"current_password": GOOD_PASSWORD})
        assert sys.modules[kudos].ERASED == [member.id]
    finally:
        dispose(app)


def test_an_app_without_the_domain_knows_nothing_of_it(kudos, tmp_path):
    with_it = _app(tmp_path, DOMAINS + (kudos,))
    without = _app(tmp_path, DOMAINS)
    try:
        make_user(without)
        client = without.test_client()
        assert client.get("/kudos").status_code == 404
        assert 'href="/kudos"' not in text(client.get("/"))  # no BuildError, no stray link
        assert login(client).status_code == 302
        assert "kudos" not in json.loads(client.get("/settings/export").data)
        with without.app_context():  # nor its refusal messages
            from community.refusals import known_codes

            assert "kudos.closed" not in known_codes()
    finally:
        dispose(with_it)
        dispose(without)
