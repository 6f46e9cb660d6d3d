"""How a member's name appears everywhere (``_macros/people.html``'s ``member``): their avatar,
a link to their profile, the Team label for staff, the founding member badge, or "deleted
member" — built in Python, with the words and the profile link's prefix worked out once a
request, since a topic page shows dozens of names. It reads only the attributes an author
line needs (``accounts/authors.py``'s rows answer them as well as a ``User``)."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, g, has_request_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from community.accounts.avatars import avatar

_MARK = "__cercle_handle__"


class _Words:
    __slots__ = ("locale", "deleted", "team", "team_title", "founding", "founding_title",
                 "profile")

    def __init__(self, locale) -> None:
        self.locale = locale
        self.deleted = Markup('<span class="member member-deleted">%s</span>') % _(
            "deleted member")
        self.team = Markup(' <span class="badge badge-team" title="%s">%s</span>') % (
            _("Works for the company that runs this community"), _("Team"))
        self.founding = Markup(' <span class="badge badge-founding" title="%s">%s</span>') % (
            _("One of the first %(n)d verified members",
              n=current_app.config["FOUNDING_MEMBERS"]), _("Founding member"))
        self.profile = url_for("accounts.profile", handle=_MARK).split(_MARK)


def _words() -> _Words:
    locale = get_locale()
    if not has_request_context():
        return _Words(locale)
    found = g.get("member_words")
    if found is None or found.locale != locale:
        found = g.member_words = _Words(locale)
    return found


def member_name(user, link: bool = True, with_avatar: bool = True) -> Markup:
    words = _words()
    if user is None or user.is_deleted:
        return words.deleted
    parts = [Markup('<span class="member">')]
    if with_avatar:
        parts.append(avatar(user))
    if link:
        before, after = words.profile
        parts.append(Markup('<a href="%s%s%s">%s</a>') % (
            before, quote(user.handle, safe=""), after, user.display_name))
    else:
        parts.append(escape(user.display_name))
    if user.is_staff:
        parts.append(words.team)
    if user.founding_number:
        parts.append(words.founding)
    parts.append(Markup("</span>"))
    return Markup("").join(parts)
