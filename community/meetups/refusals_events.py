"""What the events' rules say when they refuse (see ``community/refusals.py``), in the reader's
language. Registered by ``meetups.init_app``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from community.refusals import register_messages

MESSAGES = {
    "events.managers_only": _l("Only the group's managers can do this."),
    "events.members_only": _l("Only members of the group can answer its events."),
    "events.not_found": _l("There is no such event."),
    "events.bad_zone": _l("Choose a time zone from the list."),
    "events.too_far": _l("Choose a date within the next %(years)d years."),
    "events.time_skipped": _l(
        "%(time)s does not exist in %(zone)s: the clocks skip that hour. Choose another time."),
    "events.time_twice": _l(
        "%(time)s happens twice in %(zone)s: the clocks go back that night. Choose a time "
        "outside that hour."),
    "events.ends_before_start": _l("The end must come after the start."),
    "events.too_long": _l("An event lasts at most %(days)d days."),
    "events.starts_in_past": _l("The start must be in the future."),
    "events.title_needed": _l("Give the event a title."),
    "events.title_too_long": _l("Use at most %(max)d characters for the title."),
    "events.bad_capacity": _l("The capacity is a number from 1 to %(max)d, or empty for no "
                              "limit."),
    "events.url_needed": _l("Give the link of the online meeting."),
    "events.bad_url": _l("The link must be a web address starting with https:// or http://."),
    "events.place_needed": _l("Give the place of the event."),
    "events.place_too_long": _l("Use at most %(max)d characters for the place."),
    "events.cancelled": _l("This event is cancelled."),
    "events.ended": _l("This event has ended: its answers no longer change."),
    "events.recap_after_end": _l("The recap can be written once the event has ended."),
    "events.bad_answer": _l("Answer yes, maybe or no."),
}


def register() -> None:
    register_messages(MESSAGES)
