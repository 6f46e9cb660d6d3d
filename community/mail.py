"""The one way Cercle sends e-mail.

SMTP when ``MAIL_SERVER`` is set; otherwise each message is written to ``OUTBOX_DIR`` as an
``.eml`` file and logged, so a newcomer can open the links without a mail server.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


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


def send_mail(to: str, subject: str, body: str) -> str:
    """Send a plain-text message; return where it went (``smtp`` or the .eml path)."""
    message = build_message(to, str(subject), str(body))
    cfg = current_app.config
    if cfg["MAIL_SERVER"]:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
        log.info("mail sent by SMTP to %s: %s", to, subject)
        return "smtp"
    outbox = Path(cfg["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^a-z0-9]+", "-", str(subject).lower()).strip("-")[:40]
    path = outbox / f"{time.time_ns()}-{stem}.eml"
    path.write_bytes(bytes(message))
    log.warning("mail to %s written to %s (set MAIL_SERVER to send by SMTP)", to, path)
    return str(path)
