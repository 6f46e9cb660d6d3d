"""E-mail addresses as mailboxes (pure: no Flask, no database): one person's address spelled
one way, so that a second account for the same mailbox is recognised."""

from __future__ import annotations

# Providers where dots in the local part are ignored when delivering.
DOT_BLIND_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def normalize_email(address: str) -> str:
    """The address as one person's mailbox: case folded, +tag removed, Gmail dots removed.

    ``A.Lice+news@GoogleMail.com`` -> ``alice@gmail.com``. The +tag is removed for every
    domain (sub-addressing is near universal); dots only where the provider ignores them.
    """
    local, _, domain = address.strip().lower().rpartition("@")
    domain = DOMAIN_ALIASES.get(domain, domain)
    local = local.split("+", 1)[0]
    if domain in DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"
