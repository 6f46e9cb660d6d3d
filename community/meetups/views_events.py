"""Event pages: a group's events, creating and editing one (managers), the event (with the
reader's answer, the attendees and the waiting list), answering, cancelling, the recap, the
event's .ics, the member's calendar feed and its settings.

An event of a group whose inside the reader may not see answers 404 everywhere (a secret
group's to outsiders, a private group's to non-members: no join prompt, nothing leaks), its
.ics too. One they see but may not act on answers 403. The online link is in the page and the
.ics only for those who said yes and the group's managers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.decorators import verified_required
from community.extensions import db
from community.forms import ActionForm
from community.groups import access
from community.groups.membership import GROUPS
from community.groups.models import Group
from community.meetups import calendar, events
from community.meetups.blueprint import events_bp as bp
from community.meetups.forms_events import EventForm, RecapForm, RsvpForm
from community.meetups.models import Answer, Event
from community.refusals import Refused, carry_out

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _group_or_404(slug: str) -> Group:
    group = GROUPS.find(slug)
    if group is None or not access.may_see_group(current_user, group) \
            or not access.sees_inside(current_user, group):
        abort(404)
    return group


def _event_or_404(event_id: int) -> tuple[Event, Group]:
    event = events.find(event_id)
    if event is None:
        abort(404)
    group = events.group_of(event)
    if group is None or not events.may_see(current_user, event, group):
        abort(404)
    return event, group


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


@bp.route("/groups/<slug>/events")
def group_events(slug: str):
    """The group's events: upcoming (soonest first), then past ones (latest first)."""
    group = _group_or_404(slug)
    return render_template(
        "events/group_events.html", group=group, tab="events",
        upcoming=events.events_of(group, past=False), past=events.events_of(group, past=True),
        can_create=access.manages(current_user, group), local_start=events.local_start)


def _form_page(group: Group, form: EventForm, event: Event | None, status: int = 200):
    return render_template("events/form.html", group=group, form=form, event=event,
                           tab="events"), status


@bp.route("/groups/<slug>/events/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    """Managers create an event of the group; they are its organiser."""
    group = _group_or_404(slug)
    if not access.manages(current_user, group):
        abort(403)
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = events.create_event(current_user, group, form.details())
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("The event is published."), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return _form_page(group, form, None, 422 if request.method == "POST" else 200)


@bp.route("/events/<int:event_id>")
def show(event_id: int):
    """The event: when (in its zone), where (the link only for attendees and managers), the
    reader's answer and place on the waiting list, who comes."""
    event, group = _event_or_404(event_id)
    manages = access.manages(current_user, group)
    mine = events.answer_of(current_user, event)
    return render_template(
        "events/show.html", event=event, group=group, tab="events", manages=manages,
        answer=mine, sees_link=events.sees_link(current_user, event, group),
        may_answer=events.may_take_part(current_user, group),
        attendees=events.attendees(event), position=events.waiting_position(event, current_user),
        ended=events.has_ended(event), start=events.local_start(event),
        end=events.local_end(event), rsvp_form=RsvpForm(formdata=None),
        action_form=ActionForm(), Answer=Answer)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event, group = _event_or_404(event_id)
    if not access.manages(current_user, group):
        abort(403)
    if event.cancelled_at is not None or events.has_ended(event):
        flash(_("A cancelled or past event can no longer be edited."), "error")
        return redirect(url_for("events.show", event_id=event.id))
    if request.method == "POST":
        form = EventForm()
    else:
        form = EventForm(formdata=None, data={
            "title": event.title, "description": event.description_md,
            "kind": event.kind.value, "place": event.place, "online_url": event.online_url,
            "starts": events.local_start(event).replace(tzinfo=None),
            "ends": events.local_end(event).replace(tzinfo=None),
            "timezone": event.timezone, "capacity": event.capacity})
    if form.validate_on_submit():
        try:
            moved = events.update_event(current_user, event, form.details())
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("The event is saved; those coming are told of the new time or place.")
                  if moved else _("The event is saved."), "success")
            return redirect(url_for("events.show", event_id=event_id))
    return _form_page(group, form, event, 422 if request.method == "POST" else 200)


@bp.route("/events/<int:event_id>/rsvp", methods=["POST"])
@verified_required
def rsvp(event_id: int):
    """Answer yes, maybe or no; "yes" to a full event puts the member on the waiting list."""
    event, group = _event_or_404(event_id)
    form = RsvpForm()
    if not form.validate_on_submit():
        flash(_("Answer yes, maybe or no."), "error")
        return redirect(url_for("events.show", event_id=event_id))
    recorded: list[Answer] = []
    if carry_out(lambda: recorded.append(events.answer(current_user, event,
                                                       Answer(form.answer.data)))):
        flash({
            Answer.YES: _("You are going: see you there!"),
            Answer.WAITING: _("The event is full: you are on the waiting list, and will be "
                              "told if a seat frees up."),
            Answer.MAYBE: _("Your answer is saved: maybe."),
            Answer.NO: _("Your answer is saved: not going."),
        }[recorded[0]], "success")
    return redirect(url_for("events.show", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id: int):
    event, group = _event_or_404(event_id)
    if not access.manages(current_user, group):
        abort(403)
    if ActionForm().validate_on_submit():
        carry_out(lambda: events.cancel_event(current_user, event),
                  _("The event is cancelled; those coming are told."))
    return redirect(url_for("events.show", event_id=event_id))


@bp.route("/events/<int:event_id>/recap", methods=["GET", "POST"])
@login_required
def recap(event_id: int):
    """Managers write what happened, once the event has ended."""
    event, group = _event_or_404(event_id)
    if not access.manages(current_user, group):
        abort(403)
    form = RecapForm() if request.method == "POST" else RecapForm(
        formdata=None, data={"recap": event.recap_md})
    if form.validate_on_submit():
        try:
            events.set_recap(current_user, event, form.recap.data or "")
        except Refused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_("The recap is saved."), "success")
            return redirect(url_for("events.show", event_id=event_id))
    return render_template("events/recap.html", event=event, group=group, form=form,
                           tab="events"), 422 if request.method == "POST" else 200


def _calendar_response(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, content_type=CALENDAR_TYPE)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.route("/events/<int:event_id>/event.ics")
def ics(event_id: int):
    """The event as an iCalendar file (the online link only for those who may see it)."""
    event, _group = _event_or_404(event_id)
    body = calendar.calendar([event], current_user, _host(), event.title)
    return _calendar_response(body, f"event-{event.id}.ics")


@bp.route("/settings/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    """The member's calendar feed: create or renew its secret address (shown once), or
    revoke it."""
    form = ActionForm()
    feed_url = None
    if request.method == "POST":
        action = request.form.get("action")
        if not form.validate_on_submit() or action not in ("renew", "revoke"):
            abort(400)
        if action == "renew":
            token = calendar.renew_feed(current_user)
            db.session.commit()
            feed_url = url_for("events.feed", token=token, _external=True)
            flash(_("Your calendar address is ready; any previous one no longer works."),
                  "success")
        else:
            calendar.revoke_feed(current_user)
            db.session.commit()
            flash(_("Your calendar address no longer works."), "success")
            return redirect(url_for("events.calendar_settings"))
    response = Response(render_template(
        "events/calendar_settings.html", feed=calendar.feed_of(current_user),
        feed_url=feed_url, form=form))
    response.cache_control.no_store = True  # the address is a secret
    return response


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    """The member's feed: their events (yes, maybe, waiting) in groups they still see. An
    unknown or revoked token is a plain 404."""
    user = calendar.user_by_token(token)
    if user is None:
        abort(404)
    body = calendar.calendar(calendar.feed_events(user), user, _host(),
                             current_app.config.get("SITE_NAME", "Cercle"))
    return _calendar_response(body)



@bp.context_processor
def _event_time():
    """``event_when(event)`` in the events' pages (the groups' pages get it from
    ``meetups.init_app``, which registers ``events.when_text`` app-wide)."""
    return {"event_when": events.when_text}
