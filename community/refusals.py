"""One way to refuse: a rule says no with a code, and the code's domain says it in words.

Services raise :class:`Refused` with a code namespaced by the domain that owns the rule
(``"forums.locked"``, ``"ideas.closed"``); each domain registers its map from codes to lazy,
translated messages in its ``init_app`` (:func:`register_messages`). A view may catch the
refusal to put the message next to the form it concerns; one it lets through is answered by
the error handler (``community/errors.py``) with the refusal's status and message, in the
reader's language. A code nobody registered reads as a generic refusal, never as the code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from community import registry


def register_messages(messages: Mapping[str, object]) -> None:
    """Add a domain's codes and their messages (lazy strings, so the reader's language), to
    this app's map (community/registry.py)."""
    registry.table("refusal_messages").update(messages)


class Refused(Exception):
    """A business rule refused an action. ``code`` names the rule; ``status`` is the HTTP
    answer when a view lets it through (403 by default: "not allowed"; 409 for a state that
    changed under the member; 422 for input a rule refuses)."""

    def __init__(self, code: str, status: int = 403, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params

    @property
    def message(self) -> str:
        """The message in the current language (with its parameters filled in)."""
        from flask_babel import gettext

        template = registry.table("refusal_messages").get(self.code)
        if template is None:
            return gettext("This action is not allowed.")
        text = str(template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        try:
            return self.message
        except Exception:  # outside an app (a traceback in a pure test): the code itself
            return self.code


def message_for(code: str) -> str:
    """The message of a code, for a refusal reported without an exception (a list of them)."""
    return Refused(code).message


def known_codes() -> frozenset[str]:
    return frozenset(registry.table("refusal_messages"))


def carry_out(work: Callable[[], object], done: object = None, *,
              refused: str = "error") -> bool:
    """A view's one action: run ``work`` (service calls, which flush), then commit it and
    flash ``done``; or, if a rule refuses, undo everything it wrote and flash the refusal's
    message (in the ``refused`` category). True when the action went through."""
    from flask import flash

    from community.extensions import db

    try:
        work()
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, refused)
        return False
    db.session.commit()
    if done is not None:
        flash(str(done), "success")
    return True
