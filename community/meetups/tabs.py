"""The group pages' tab bar: which tabs the reader sees, each only once its page exists in this
app (``has_page``), the inside only for those who see it, managers' and owners' tabs for them."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from community.accounts.models import User
from community.groups import access
from community.groups.models import Group
from community.meetups import groups

# (name, endpoint, label, who sees it: "all", "inside", "directory", "managers", "owners")
TABS = (
    ("about", "groups.page", _l("About"), "all"),
    ("discussions", "forums.category", _l("Discussions"), "inside"),
    ("events", "events.group_events", _l("Events"), "inside"),
    ("members", "groups.members", _l("Members"), "inside"),
    ("directory", "groups.directory", _l("Directory"), "directory"),
    ("requests", "groups.requests", _l("Requests"), "managers"),
    ("health", "groups.health", _l("Health"), "health"),
    ("ambassadors", "groups.ambassadors", _l("Ambassadors"), "owners"),
)


def _allowed(who: str, reader: User | None, group: Group) -> bool:
    if who == "all":
        return True
    if who == "inside":
        return access.sees_inside(reader, group)
    if who == "directory":
        return access.sees_directory(reader, group)
    if who == "managers":
        return access.manages(reader, group)
    if who == "health":
        return access.owns(reader, group) or access.sees_all_groups(reader)
    return access.owns(reader, group)


def group_tabs(group: Group, reader: User | None) -> list[tuple[str, str, str]]:
    """(tab name, address, label) for each tab ``reader`` may open on this group."""
    tabs = []
    for name, endpoint, label, who in TABS:
        if endpoint not in current_app.view_functions or not _allowed(who, reader, group):
            continue
        if name == "discussions":
            category = groups.visible_category(reader, group)
            if category is None:
                continue
            url = url_for(endpoint, slug=category.slug)
        else:
            url = url_for(endpoint, slug=group.slug)
        tabs.append((name, url, str(label)))
    return tabs
