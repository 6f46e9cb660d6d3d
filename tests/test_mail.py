"""The mail module: .eml files in the outbox without MAIL_SERVER, SMTP with it."""

import socketserver
import threading

import sqlalchemy as sa

from community.extensions import db
from community.mail import send_mail
from tests.helpers import read_outbox


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith(b"EHLO") or command.startswith(b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    body += chunk
                self.server.received.append(body)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_without_mail_server_messages_land_in_the_outbox(app, outbox):
    with app.test_request_context():
        where = send_mail("x@example.com", "Hello", "Body with a link https://example.com/a")
    [message] = read_outbox(outbox)
    assert where.endswith(".eml") and message["To"] == "x@example.com"
    assert "https://example.com/a" in message.get_content()


def test_with_mail_server_messages_go_by_smtp(make_app, outbox):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1],
                       MAIL_USE_TLS=False)
        with app.test_request_context():
            assert send_mail("x@example.com", "Hello", "Sent by SMTP") == "smtp"
    finally:
        server.shutdown()
        server.server_close()
    assert len(server.received) == 1 and b"Sent by SMTP" in server.received[0]
    assert not outbox.exists() or read_outbox(outbox) == []


def test_file_database_uses_wal(tmp_path):
    from community import create_app
    from community.config import TestConfig

    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'wal.db'}"))
    with app.app_context():
        assert db.session.scalar(sa.text("PRAGMA journal_mode")) == "wal"
        assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1
