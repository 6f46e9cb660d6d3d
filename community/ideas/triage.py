"""The product team's side: statuses with honest public notes, merging duplicates, comments
and official responses, feedback once shipped, and the CSV export."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from community.accounts import activity
from community.accounts.activity import ActivityKind
from community.accounts.models import Role, User
from community.extensions import db
from community.ideas import ranking, searching, service
from community.ideas.models import (
    Comment,
    Follow,
    Idea,
    Outcome,
    PriorityEntry,
    ShipFeedback,
    Status,
    StatusChange,
    Vote,
)
from community.notify import service as notify
from community.refusals import Refused
from community.text import csv_cell, render_markdown
from community.timeutil import utcnow

NEEDS_NOTE = frozenset({Status.DECLINED, Status.ALREADY_EXISTS})
TRIAGE_STATUSES = [s for s in Status if s is not Status.MERGED]


def can_triage(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.PRODUCT)


def followers(idea_id: int, *, but: int | None = None) -> list[int]:
    ids = db.session.scalars(sa.select(Follow.user_id).where(Follow.idea_id == idea_id))
    return [i for i in ids if i != but]


def change_status(actor: User, idea: Idea, status: Status, note: str) -> StatusChange:
    """Move an idea to a status; declining needs a public explanation. Followers are told."""
    if not can_triage(actor):
        raise Refused("ideas.forbidden")
    if status is Status.MERGED:
        raise Refused("ideas.use_merge", 422)
    if status in NEEDS_NOTE and not note.strip():
        raise Refused("ideas.note_required", 422)
    change = StatusChange(idea_id=idea.id, actor_id=actor.id, from_status=idea.status,
                          to_status=status, note_html=render_markdown(note))
    idea.status, idea.status_changed_at = status, utcnow()
    db.session.add(change)
    db.session.flush()
    told = set(followers(idea.id, but=actor.id))
    if status is Status.SHIPPED:  # voters get one message: it shipped, did it solve the need?
        voters = set(db.session.scalars(sa.select(Vote.user_id).where(Vote.idea_id == idea.id)))
        notify.notify(voters, "shipped", "idea", idea.id, {"title": idea.title})
        told -= voters
    notify.notify(told, "status", "idea", idea.id,
                  {"title": idea.title, "status": status.value})
    return change


def merge(actor: User, duplicate: Idea, target: Idea) -> None:
    """Fold a duplicate into an idea: votes (one per member, the higher importance), comments,
    follows and priorities move; the duplicate becomes a redirect."""
    if not can_triage(actor):
        raise Refused("ideas.forbidden")
    if duplicate.id == target.id or target.status is Status.MERGED:
        raise Refused("ideas.bad_target", 422)
    target_votes = {v.user_id: v for v in db.session.scalars(
        sa.select(Vote).where(Vote.idea_id == target.id))}
    source_votes = list(db.session.scalars(sa.select(Vote).where(Vote.idea_id == duplicate.id)))
    moves, updates = ranking.merge_votes(
        [ranking.VoteValue(v.user_id, v.importance, v.why) for v in target_votes.values()],
        [ranking.VoteValue(v.user_id, v.importance, v.why) for v in source_votes])
    moving = {m.member_id for m in moves}
    for vote in source_votes:
        if vote.user_id in moving:
            vote.idea_id = target.id
        else:
            db.session.delete(vote)
    for update in updates:
        target_votes[update.member_id].importance = update.importance
        target_votes[update.member_id].why = update.why
    db.session.flush()
    _refresh_vote_weights(target)
    db.session.execute(sa.update(Comment).where(Comment.idea_id == duplicate.id)
                       .values(idea_id=target.id))
    _move_follows_and_priorities(duplicate, target)
    change = StatusChange(idea_id=duplicate.id, actor_id=actor.id,
                          from_status=duplicate.status, to_status=Status.MERGED)
    db.session.add(change)
    duplicate.status, duplicate.merged_into_id = Status.MERGED, target.id
    duplicate.status_changed_at = utcnow()
    searching.remove_idea(duplicate.id)
    db.session.flush()
    for idea in (duplicate, target):
        _store_counts(idea)
    notify.notify(followers(target.id, but=actor.id), "merged", "idea", target.id,
                  {"title": duplicate.title, "target": target.title, "from_id": duplicate.id})


def _refresh_vote_weights(idea: Idea) -> None:
    """Votes whose importance changed in a merge get their weight from the rule again."""
    for vote in db.session.scalars(sa.select(Vote).where(Vote.idea_id == idea.id)):
        values = service._vote_values(vote.user, vote.importance, vote.created_at)
        for key, value in values.items():
            setattr(vote, key, value)
    db.session.flush()


def _move_follows_and_priorities(duplicate: Idea, target: Idea) -> None:
    already = set(followers(target.id))
    for follow in db.session.scalars(sa.select(Follow).where(Follow.idea_id == duplicate.id)):
        if follow.user_id not in already:
            db.session.add(Follow(idea_id=target.id, user_id=follow.user_id))
    db.session.execute(sa.delete(Follow).where(Follow.idea_id == duplicate.id))
    # A ballot that held the duplicate keeps the place for the target (unless it had both).
    for entry in list(db.session.scalars(sa.select(PriorityEntry).where(
            PriorityEntry.idea_id == duplicate.id))):
        has_target = db.session.get(PriorityEntry, (entry.user_id, target.id)) is not None
        if has_target:
            db.session.delete(entry)
        else:
            entry.idea_id = target.id
    db.session.flush()


def _store_counts(idea: Idea) -> None:
    fresh = service.counted(idea.id)
    for key, value in fresh.__dict__.items():
        setattr(idea, key, value)
    db.session.flush()


def add_comment(author: User, idea: Idea, body: str, official: bool = False) -> Comment:
    """Comment on an idea; an official response (product staff only) is pinned and notifies."""
    if official and not can_triage(author):
        raise Refused("ideas.forbidden")
    comment = Comment(idea_id=idea.id, author_id=author.id, body_md=body,
                      body_html=render_markdown(body), official=official)
    db.session.add(comment)
    db.session.execute(sa.update(Idea).where(Idea.id == idea.id)
                       .values(comment_count=Idea.comment_count + 1))
    db.session.flush()
    activity.record(author.id, ActivityKind.POST_WRITTEN, ("comment", comment.id))
    if official:
        notify.notify(followers(idea.id, but=author.id), "official", "idea", idea.id,
                      {"title": idea.title})
    return comment


def record_outcome(user: User, idea: Idea, outcome: Outcome) -> None:
    """A voter says whether the shipped idea solved their need (one answer, changeable)."""
    if idea.status is not Status.SHIPPED:
        raise Refused("ideas.not_shipped", 409)
    if not db.session.scalar(
            sa.select(Vote.id).where(Vote.idea_id == idea.id, Vote.user_id == user.id)):
        raise Refused("ideas.not_a_voter")
    answer = db.session.get(ShipFeedback, (idea.id, user.id))
    if answer is None:
        db.session.add(ShipFeedback(idea_id=idea.id, user_id=user.id, outcome=outcome))
    else:
        answer.outcome = outcome
    db.session.flush()


def outcomes(idea: Idea) -> dict[str, int]:
    rows = db.session.execute(sa.select(ShipFeedback.outcome, sa.func.count())
                              .where(ShipFeedback.idea_id == idea.id)
                              .group_by(ShipFeedback.outcome)).all()
    return {o.value: n for o, n in rows}


def export_csv() -> str:
    """Every idea with its counts and the voters' "why", for the product team's tools."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "status", "votes", "established_votes", "team_votes",
                     "top_score", "priority_score", "comments", "whys"])
    whys: dict[int, list[str]] = {}
    for idea_id, why in db.session.execute(sa.select(Vote.idea_id, Vote.why).where(
            Vote.why.is_not(None)).order_by(Vote.idea_id, Vote.id)):
        whys.setdefault(idea_id, []).append(why)
    for idea in db.session.scalars(sa.select(Idea).order_by(Idea.id)):
        writer.writerow([idea.id, csv_cell(idea.title), idea.status.value, idea.vote_count,
                         idea.established_vote_count, idea.staff_vote_count, idea.top_score,
                         idea.priority_score, idea.comment_count,
                         csv_cell(" | ".join(whys.get(idea.id, [])))])
    return out.getvalue()
