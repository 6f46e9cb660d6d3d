"""The one way Cercle sends e-mail.

SMTP when ``MAIL_SERVER`` is set; otherwise each message is written to ``OUTBOX_DIR`` as an
``.eml`` file and logged, so a newcomer can open the links without a mail server.
``send_mail_later`` sends from a background thread, off the request's path;
``send_after_commit`` too, once the current transaction has committed (never for a change
that was rolled back, nor twice for a request run again after a lost race, nor while the
database's write lock is held).
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from community.extensions import db

log = logging.getLogger(__name__)
_LINK = re.compile(r"https?://[^\s<>\"']+")
# One sender thread per process: it starts with the first message, so in each server worker
# (after the fork), and at exit Python waits for it to finish what it was handed.
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="cercle.local")
    message.set_content(body)
    return message


def send_mail_later(to: str, subject: str, body: str, *, deliver: bool = True) -> None:
    """Build the message now and send it from the background thread, off the request's path.

    With ``deliver=False`` the message is built and handed over all the same, then dropped: a
    request that must not reveal whether it mails anyone (a password reset for an unknown
    address) does the same work either way, and never waits for the mail server.
    """
    message = build_message(to, str(subject), str(body))
    app = current_app._get_current_object()
    _sender.submit(_deliver_in_background, app, message if deliver else None)


_AFTER_COMMIT = "cercle_mail_after_commit"


def send_after_commit(to: str, subject: str, body: str) -> None:
    """Build the message now; the background thread sends it once the database transaction
    in progress commits. A rollback drops it."""
    message = build_message(to, str(subject), str(body))
    session = db.session()
    if not session.in_transaction():
        session.begin()  # the transaction whose commit sends it (its end drops it)
    queued = session.info.setdefault(_AFTER_COMMIT, [])
    queued.append((current_app._get_current_object(), message))


@sa.event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: nothing is committed yet
    for app, message in session.info.pop(_AFTER_COMMIT, []):
        _sender.submit(_deliver_in_background, app, message)


@sa.event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction) -> None:
    """The outermost transaction ended without sending them (rolled back, or closed)."""
    if transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def wait_for_background_mail() -> None:
    """Return once the background thread has sent everything handed to it so far (tests read
    the outbox after this)."""
    _sender.submit(lambda: None).result()


def _deliver_in_background(app: Flask, message: EmailMessage | None) -> None:
    """Nobody waits for this thread: a failure is logged, or it would go unseen."""
    if message is None:
        return
    with app.app_context():
        try:
            _send(message)
        except Exception:
            log.exception("mail to %s could not be sent: %s", message["To"], message["Subject"])


def _send(message: EmailMessage) -> None:
    """Send a built message by SMTP, or write it to the outbox (and log where it went)."""
    to, subject = message["To"], str(message["Subject"])
    cfg = current_app.config
    if cfg["MAIL_SERVER"]:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
        log.info("mail sent by SMTP to %s: %s", to, subject)
        return
    outbox = Path(cfg["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:40]
    path = outbox / f"{time.time_ns()}-{stem}.eml"
    path.write_bytes(bytes(message))
    # The .eml wraps long lines (quoted-printable): in development the log gives each link
    # whole, to click. Never in production: links carry sign-in and reset tokens.
    links = ([link.rstrip(".,;:!?)") for link in _LINK.findall(message.get_content())]
             if cfg["CERCLE_ENV"] != "production" else [])
    log.warning("mail to %s written to %s (set MAIL_SERVER to send by SMTP)%s", to, path,
                "".join(f"\n  link: {link}" for link in links))
