"""The mail module: .eml files in the outbox without MAIL_SERVER, SMTP with it; always from
the background sender, and after the transaction commits when asked."""

import sqlalchemy as sa

from community.extensions import db
from community.mail import send_after_commit, send_mail_later, wait_for_background_mail
from tests.helpers import read_outbox, smtp_server


def test_without_mail_server_messages_land_in_the_outbox(app, outbox):
    with app.test_request_context():
        send_mail_later("x@example.com", "Hello", "Body with a link https://example.com/a")
    [message] = read_outbox(outbox)
    assert message["To"] == "x@example.com" and message["Subject"] == "Hello"
    assert "https://example.com/a" in message.get_content()
    assert list(outbox.glob("*.eml"))[0].suffix == ".eml"


def test_without_mail_server_the_log_gives_each_link_whole(app, outbox, caplog):
    long_link = "https://cercle.example/confirm/" + "x" * 120 + "?next=%2Fideas"
    with caplog.at_level("WARNING", logger="community.mail"), app.test_request_context():
        send_mail_later("x@example.com", "Confirm", f"Open {long_link}\nor https://b.example/2.")
        wait_for_background_mail()
    [message] = read_outbox(outbox)
    assert long_link not in list(outbox.glob("*.eml"))[0].read_text()  # the file wraps it
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"link: {long_link}\n" in logged + "\n"
    assert "link: https://b.example/2\n" in logged + "\n"


def test_in_production_the_log_keeps_links_out(make_app, outbox, caplog):
    app = make_app(CERCLE_ENV="production")
    with caplog.at_level("WARNING", logger="community.mail"), app.test_request_context():
        send_mail_later("x@example.com", "Reset", "Open https://cercle.example/reset/s3cr3t")
        wait_for_background_mail()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "written to" in logged and "s3cr3t" not in logged


def test_with_mail_server_messages_go_by_smtp(make_app, outbox):
    with smtp_server() as server:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1],
                       MAIL_USE_TLS=False)
        with app.test_request_context():
            send_mail_later("x@example.com", "Hello", "Sent by SMTP")
        wait_for_background_mail()
    assert len(server.received) == 1 and b"Sent by SMTP" in server.received[0]
    assert not outbox.exists() or read_outbox(outbox) == []


def test_a_message_after_commit_waits_for_the_commit(app, outbox):
    with app.test_request_context():
        db.session.execute(sa.text("SELECT 1"))
        send_after_commit("x@example.com", "Committed", "It happened.")
        assert read_outbox(outbox) == []  # not before the commit
        db.session.commit()
    [message] = read_outbox(outbox)
    assert message["Subject"] == "Committed"


def test_a_released_savepoint_does_not_send_it(app, outbox):
    with app.test_request_context():
        db.session.execute(sa.text("SELECT 1"))
        send_after_commit("x@example.com", "Not yet", "Only at the real commit.")
        with db.session.begin_nested():
            db.session.execute(sa.text("SELECT 1"))
        assert read_outbox(outbox) == []
        db.session.rollback()
    assert read_outbox(outbox) == []


def test_a_message_after_commit_is_dropped_by_a_rollback(app, outbox):
    with app.test_request_context():
        send_after_commit("x@example.com", "Rolled back", "It did not happen.")
        db.session.rollback()
        db.session.commit()  # a later commit does not bring it back
    assert read_outbox(outbox) == []


def test_file_database_uses_wal(tmp_path):
    from community import create_app
    from community.config import TestConfig

    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'wal.db'}"))
    with app.app_context():
        assert db.session.scalar(sa.text("PRAGMA journal_mode")) == "wal"
        assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1
