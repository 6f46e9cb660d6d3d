"""The one-click vote button, built in Python: it is drawn once per row of the ideas list, and
as a Jinja macro it cost more than the rest of the row (a macro call, three translations and a
log-in link each time). The words and the log-in link are made once per page
(``vote_words``); each button is then one string format.

A member without a vote casts an "Important" one (``ideas.vote``); with one, the button shows
pressed and withdraws it (``ideas.unvote``). A real form (it works without JS);
``static/js/cercle.js`` posts it in place. Visitors get a link to log in and come back, and no
form token. ``page`` ("list" or "detail") tells the JSON answer which vote line to send back.
The button's name is "Vote" and the idea's title (``idea-title-<id>``, which the page gives the
title's element), so a list of buttons reads apart without repeating the titles."""

from __future__ import annotations

from flask import url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

# Plain strings filled by str.format with values escaped beforehand (the page's words once, in
# ``vote_words``; a row's own values as it comes), then marked safe: Markup.format escapes
# through string.Formatter, which cost more than the rest of a row.
_MEMBER = (
    '<div class="vote-box" id="vote-box-{id}"><form method="post" action="{action}" '
    'class="vote-quick" data-view="{page}" data-idea="{id}">'
    '<input type="hidden" name="csrf_token" value="{token}">'
    '<input type="hidden" name="next" value="{next}">'
    '<button type="submit" name="quick" value="1" class="vote-button" aria-pressed="{pressed}" '
    'aria-labelledby="vote-label-{id} idea-title-{id}"{title}>'
    '<span class="vote-icon" aria-hidden="true">{icon}</span> '
    '<span id="vote-label-{id}">{vote}</span></button></form></div>')
_VISITOR = (
    '<div class="vote-box" id="vote-box-{id}"><a class="vote-button" href="{login}" '
    'aria-labelledby="vote-label-{id} idea-title-{id} vote-login-{id}">'
    '<span class="vote-icon" aria-hidden="true">▲</span> <span id="vote-label-{id}">{vote}</span>'
    '<span class="visually-hidden" id="vote-login-{id}">({login_first})</span></a></div>')
_CLOSED = '<div class="vote-box" id="vote-box-{id}"></div>'  # the badge says why


def vote_words(next_url: str, signed_in: bool) -> dict:
    """What every button (and row) of a page shares, translated and built once; the CSRF
    token only for members (a visitor's page has no form)."""
    # named ngettext so that scripts/update_catalogs extracts the strings below
    ngettext = get_translations().ngettext
    words = {"vote": escape(_("Vote")), "next": escape(next_url),
             "you_voted": escape(_("you voted")),
             "plural": ngettext,
             "comments": lambda n: ngettext("%(num)d comment", "%(num)d comments", n)
             % {"num": n}}
    if signed_in:
        words.update(withdraw=escape(_("You voted. Press again to withdraw your vote.")),
                     token=escape(generate_csrf()),
                     vote_url=escape(url_for("ideas.vote", idea_id=0)),
                     unvote_url=escape(url_for("ideas.unvote", idea_id=0)))
    else:
        words.update(login_first=escape(_("log in first")),
                     login=escape(url_for("accounts.login", next=next_url)))
    return words


def vote_button(idea, my_vote, next_url: str, signed_in: bool, page: str = "list",
                words: dict | None = None) -> Markup:
    """One idea's vote button (see the module's docstring)."""
    if idea.is_closed:
        return Markup(_CLOSED.format(id=int(idea.id)))
    w = words or vote_words(next_url, signed_in)
    if not signed_in:
        return Markup(_VISITOR.format(id=int(idea.id), login=w["login"], vote=w["vote"],
                                      login_first=w["login_first"]))
    # /ideas/0/vote with the idea's id: the route's pattern is fixed, one url_for a page
    head, _zero, tail = (w["unvote_url"] if my_vote else w["vote_url"]).rpartition("/0/")
    action = f"{head}/{int(idea.id)}/{tail}"
    return Markup(_MEMBER.format(
        id=int(idea.id), action=action, page=escape(page), token=w["token"], next=w["next"],
        pressed="true" if my_vote else "false", icon="✓" if my_vote else "▲", vote=w["vote"],
        title=f' title="{w["withdraw"]}"' if my_vote else ""))


_LINE = (  # a plain string too (see _MEMBER)
    '<p class="vote-line provenance" id="vote-line-{id}"><strong class="vote-total">{total}'
    '</strong>{mine} <span class="vote-origin"><span class="vote-sep" aria-hidden="true">· '
    '</span>{origin}</span></p>')


def vote_line(idea, my_vote=None, origin=None, words: dict | None = None) -> Markup:
    """"12 votes" first, then where they come from on a second, quieter line (without CSS it
    reads as one line, the parts joined by "·"). ``origin`` (queries.provenance, the idea
    page) adds the discounted and reduced votes; the list reads the stored counters. The
    catalogue is looked up once a page (``words``), not through Flask-Babel once a number."""
    # named ngettext so that scripts/update_catalogs extracts the strings below
    ngettext = (words or {}).get("plural") or get_translations().ngettext
    total = origin.votes if origin else idea.vote_count
    established = origin.established if origin else idea.established_vote_count
    staff = origin.staff if origin else idea.staff_vote_count
    parts = [ngettext("%(num)d from established members", "%(num)d from established members",
                    established) % {"num": established}]
    if origin and origin.discounted:
        parts.append(ngettext("%(num)d discounted after review", "%(num)d discounted after review",
                            origin.discounted) % {"num": origin.discounted})
    if origin and origin.reduced:
        parts.append(ngettext(
            "%(num)d counted at a reduced weight while moderators review it",
            "%(num)d counted at a reduced weight while moderators review them",
            origin.reduced) % {"num": origin.reduced})
    if staff:
        parts.append(ngettext("%(num)d from the team, counted apart",
                            "%(num)d from the team, counted apart", staff) % {"num": staff})
    mine = (' <span class="vote-mine">· {}</span>'.format(
        (words or {}).get("you_voted") or escape(_("you voted"))) if my_vote else "")
    return Markup(_LINE.format(
        id=int(idea.id), total=escape(ngettext("%(num)d vote", "%(num)d votes", total)
                                      % {"num": total}),
        mine=mine, origin=escape(" · ".join(parts))))
