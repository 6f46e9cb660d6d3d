"""Idea use cases: submit, vote, unvote, follow, recount. Services flush; the caller commits.

Each member's action (an idea written, a vote cast, changed or withdrawn) writes its row to the
activity log (``accounts/activity.py``) in the same transaction, so a refused or rolled-back
action leaves none.

Counters on ``ideas`` change in the same transaction as the vote, by relative SQL updates
(``x = x + :delta``), so concurrent votes never overwrite each other; each vote row stores
exactly what it added, so removing it subtracts exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from community.accounts import activity
from community.accounts.activity import ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.ideas import priorities, ranking, searching, similar
from community.ideas.models import (
    Category,
    Comment,
    Follow,
    Idea,
    IdeaTag,
    PriorityEntry,
    RankingState,
    Vote,
)
from community.refusals import Refused
from community.text import render_markdown, slugify
from community.timeutil import utcnow
from community.trust import levels, onwrite, weights
from community.trust.voters import voter_facts

AUTHOR_IMPORTANCE = 2  # "Important" (labels.IMPORTANCE_LABELS): the one-click vote too


def idea_slug(title: str) -> str:
    """The readable part of an idea's URL (/ideas/42-dark-mode)."""
    return slugify(title, 80, "idea")


def create_idea(author: User, title: str, body: str, category: Category | None,
                tags: list[str], *, author_vote: bool = True) -> Idea:
    """Submit an idea (Markdown cooked and sanitized now); its author follows it and, as on
    Fider and Canny, votes for it ("Important", changeable and withdrawable like any vote) in
    the same transaction. The author's vote weighs what the trust rule says, like any vote,
    and is no interaction for the trust scan (``trust_sources`` skips votes for one's own
    idea). An unverified author (no page lets one submit) casts no vote."""
    idea = Idea(title=title, slug=idea_slug(title), body_md=body,
                body_html=render_markdown(body), author_id=author.id,
                category_id=category.id if category else None)
    idea.tags = [IdeaTag(tag=t) for t in dict.fromkeys(tags)]
    db.session.add(idea)
    db.session.flush()
    activity.record(author.id, ActivityKind.POST_WRITTEN, ("idea", idea.id))
    similar.index_idea(idea)
    searching.index_idea(idea)
    follow(author, idea)
    if author_vote and author.is_verified:
        _new_vote(author, idea, AUTHOR_IMPORTANCE, None, utcnow())
    return idea


def trending_epoch() -> datetime:
    """The epoch of the trending sums (created from TRENDING_EPOCH the first time)."""
    state = db.session.get(RankingState, 1)
    if state is None:
        state = RankingState(id=1, trending_epoch=datetime.fromisoformat(
            current_app.config["TRENDING_EPOCH"]))
        try:
            with db.session.begin_nested():
                db.session.add(state)
        except IntegrityError:  # another request created it first
            state = db.session.get(RankingState, 1)
    return state.trending_epoch


_EPOCH = sa.select(RankingState.trending_epoch).where(RankingState.id == 1)


def _vote_epoch(now: datetime) -> datetime:
    """The epoch a vote cast now uses, read once (by a statement built once), after a rebase
    if one is due (``rebase_trending``)."""
    epoch = db.session.execute(_EPOCH).scalar()
    if epoch is None or ranking.needs_rebase(now, epoch,
                                             current_app.config["TRENDING_HALF_LIFE_HOURS"]):
        rebase_trending(now)  # a no-op but once in months (daily maintenance does it first)
        epoch = trending_epoch()
    return epoch


def rebase_trending(now: datetime) -> bool:
    """Move the trending epoch forward when due, dividing every stored term by the same power
    of two and summing the ideas' scores again from the votes: the order is unchanged and the
    recount still agrees exactly. Returns whether it rebased. Runs in `flask ideas maintain`
    (daily); a vote does it itself if maintenance never ran."""
    half_life = current_app.config["TRENDING_HALF_LIFE_HOURS"]
    old = trending_epoch()
    if not ranking.needs_rebase(now, old, half_life):
        return False
    new = old + timedelta(hours=half_life * ranking.TRENDING_REBASE_HALF_LIVES)
    claimed = db.session.execute(sa.update(RankingState).where(
        RankingState.id == 1, RankingState.trending_epoch == old).values(trending_epoch=new))
    if claimed.rowcount != 1:  # another worker is rebasing: use its epoch
        db.session.expire_all()
        return False
    divisor = 2**ranking.TRENDING_REBASE_HALF_LIVES
    db.session.execute(sa.update(Vote).values(trending_term=Vote.trending_term // divisor))
    total = (sa.select(sa.func.coalesce(sa.func.sum(Vote.trending_term), 0))
             .where(Vote.idea_id == Idea.id).scalar_subquery())
    db.session.execute(sa.update(Idea).values(trending_score=total))
    db.session.expire_all()
    return True


def _vote_values(user: User, importance: int, at: datetime,
                 epoch: datetime | None = None) -> dict:
    """What a vote by this member adds to the idea's counters, from the trust rule (with the
    trending epoch given, or the session's)."""
    cfg = current_app.config
    voter = voter_facts(user)
    trust = weights.trust_weight(voter, cfg["TRUST_REDUCED_WEIGHT"])
    weight = ranking.vote_weight(importance, trust)
    return {
        "weight": weight,
        "trending_term": ranking.trending_term(weight, at, epoch or trending_epoch(),
                                               cfg["TRENDING_HALF_LIFE_HOURS"]),
        "staff": voter.staff,
        "established": weights.is_established(voter),
    }


_IDEAS = Idea.__table__
_COUNTERS = ("vote_count", "staff_vote_count", "established_vote_count", "top_score",
             "trusted_score", "trending_score")
_BUMP = (sa.update(_IDEAS).where(_IDEAS.c.id == sa.bindparam("idea"))
         .values({name: _IDEAS.c[name] + sa.bindparam(name) for name in _COUNTERS}))


def _bump(idea_id: int, values: dict, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) one vote's contribution to the idea's counters: one
    relative UPDATE (a statement built once; the ORM's bookkeeping skipped), then the idea's
    counters expired if this session holds it, so that it reads them again."""
    crowd = 0 if values["staff"] else 1
    db.session.execute(_BUMP, {
        "idea": idea_id, "vote_count": sign * crowd, "staff_vote_count": sign * (1 - crowd),
        "established_vote_count": sign * int(values["established"]),
        "top_score": sign * values["weight"],
        "trusted_score": sign * (values["weight"] if values["established"] else 0.0),
        "trending_score": sign * values["trending_term"]})
    held = db.session.identity_map.get(identity_key(Idea, idea_id))
    if held is not None:
        db.session.expire(held, _COUNTERS)


_INSERTS: dict[tuple, sa.Insert] = {}


def _insert_new(table: sa.Table, conflict: list[str], values: dict, returning=None):
    """``INSERT … ON CONFLICT (conflict) DO NOTHING`` (SQLite and PostgreSQL): a row another
    transaction inserted first is no error, and no savepoint is needed to survive it. With
    ``returning``, the inserted row's value (None when it was already there). The statement
    is built once per table, database and set of columns (its values are parameters)."""
    dialect = db.session.get_bind().dialect.name
    key = (table.name, dialect, tuple(values), returning is not None)
    statement = _INSERTS.get(key)
    if statement is None:
        insert = pg_insert if dialect == "postgresql" else lite_insert
        statement = (insert(table).values({name: sa.bindparam(name) for name in values})
                     .on_conflict_do_nothing(index_elements=conflict))
        if returning is not None:
            statement = statement.returning(returning)
        _INSERTS[key] = statement
    result = db.session.execute(statement, values)
    return result.scalar() if returning is not None else None


_EXISTING = sa.select(Vote).where(Vote.idea_id == sa.bindparam("idea"),
                                  Vote.user_id == sa.bindparam("user")).with_for_update()


def cast_vote(user: User, idea: Idea, importance: int, why: str | None, *,
              keep_existing: bool = False) -> Vote:
    """Vote for an idea, or change the importance and "why" of one's vote; follow the idea.

    With ``keep_existing`` (the one-click vote), a member who already voted keeps their vote
    as it is (importance and why untouched), even when their two clicks race: clicking twice
    never downgrades a refined vote."""
    if not user.is_verified:
        raise Refused("ideas.unverified")
    if idea.is_closed:
        raise Refused("ideas.closed", 409)
    if importance not in ranking.IMPORTANCE:
        raise Refused("ideas.importance", 422)
    epoch = _vote_epoch(utcnow())
    existing = db.session.scalar(_EXISTING, {"idea": idea.id, "user": user.id})
    if existing is None:
        now = utcnow()
        per_hour = levels.limits_for(user.trust_level or 0, user.is_staff).votes_per_hour
        if per_hour is not None and activity.count_since(
                user.id, (ActivityKind.VOTE_CAST,), now - timedelta(hours=1)) >= per_hour:
            raise Refused("ideas.vote_rate", 429)  # the trust level's votes an hour
        vote = _new_vote(user, idea, importance, why, now, epoch)
        if vote is None:  # the same member's vote landed concurrently: update it (or keep it)
            return cast_vote(user, idea, importance, why, keep_existing=keep_existing)
        return vote
    if keep_existing:
        return existing
    if (existing.importance, existing.why) != (importance, why or None):
        activity.record(user.id, ActivityKind.VOTE_CHANGED, ("idea", idea.id), importance)
    _bump(idea.id, _values_of(existing), -1)
    values = _vote_values(user, importance, existing.created_at, epoch)
    existing.importance, existing.why = importance, why or None
    for key, value in values.items():
        setattr(existing, key, value)
    db.session.flush()
    _bump(idea.id, values, +1)
    return existing


def _new_vote(user: User, idea: Idea, importance: int, why: str | None,
              now: datetime, epoch: datetime | None = None) -> Vote | None:
    """Insert a member's first vote for an idea and add it to the counters (the rules were
    checked by the caller); None if their vote landed concurrently (nothing written). The row
    goes in by one INSERT, and the Vote returned is attached to the session as it was
    written (a change to it is flushed as usual)."""
    values = _vote_values(user, importance, now, epoch)
    row = {"idea_id": idea.id, "user_id": user.id, "importance": importance,
           "why": why or None, "created_at": now, **values}
    vote_id = _insert_new(Vote.__table__, ["idea_id", "user_id"], row, Vote.__table__.c.id)
    if vote_id is None:
        return None
    vote = Vote(id=vote_id, **row)
    make_transient_to_detached(vote)
    db.session.add(vote)
    _bump(idea.id, values, +1)
    follow(user, idea)
    activity.record(user.id, ActivityKind.VOTE_CAST, ("idea", idea.id), importance)
    onwrite.after_vote(("idea", idea.id), now)  # the burst counter (docs/TRUST.md)
    return vote


def reweigh_members(user_ids) -> int:
    """Rewrite the weight of these members' votes from their standing now (a moderator's
    decision, a flag, a new trust level), moving each idea's counters by the difference in the
    same transaction, and their priorities' points likewise. Returns the votes changed.
    Registered with ``accounts.standing.register_reweigher``."""
    # populate_existing: the standing as committed now, not as this session first read it.
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_(user_ids)).execution_options(populate_existing=True))}
    changed = 0
    votes = db.session.scalars(sa.select(Vote).where(Vote.user_id.in_(list(users)))
                               .order_by(Vote.idea_id, Vote.user_id).with_for_update())
    for vote in list(votes):
        old = _values_of(vote)
        new = _vote_values(users[vote.user_id], vote.importance, vote.created_at)
        if new == old:
            continue
        _bump(vote.idea_id, old, -1)
        for key, value in new.items():
            setattr(vote, key, value)
        _bump(vote.idea_id, new, +1)
        changed += 1
    db.session.flush()
    for user in users.values():
        priorities.reweigh(user)
    return changed


def _values_of(vote: Vote) -> dict:
    return {"weight": vote.weight, "trending_term": vote.trending_term, "staff": vote.staff,
            "established": vote.established}


def remove_vote(user: User, idea: Idea) -> bool:
    """Withdraw one's vote (and its place in one's priorities); False if there was none."""
    deleted = db.session.execute(
        sa.delete(Vote).where(Vote.idea_id == idea.id, Vote.user_id == user.id)
        .returning(Vote.weight, Vote.trending_term, Vote.staff, Vote.established)
    ).first()
    if deleted is None:
        return False
    _bump(idea.id, dict(deleted._mapping), -1)
    activity.record(user.id, ActivityKind.VOTE_WITHDRAWN, ("idea", idea.id))
    priorities.remove(user, idea.id)
    return True


def follow(user: User, idea: Idea) -> None:
    """Follow an idea (idempotent, one statement): its status changes and official answers
    notify."""
    _insert_new(Follow.__table__, ["idea_id", "user_id"],
                {"idea_id": idea.id, "user_id": user.id, "created_at": utcnow()})


def unfollow(user: User, idea: Idea) -> None:
    db.session.execute(sa.delete(Follow).where(Follow.idea_id == idea.id,
                                               Follow.user_id == user.id))


@dataclass(frozen=True)
class Counters:
    vote_count: int
    staff_vote_count: int
    established_vote_count: int
    top_score: float
    trusted_score: float
    trending_score: int
    priority_score: float
    comment_count: int


def _aggregates(where=None) -> dict[int, Counters]:
    """Counters computed from the rows, per idea, in three grouped queries."""
    vote_query = sa.select(
        Vote.idea_id,
        sa.func.count().filter(Vote.staff.is_(False)),
        sa.func.count().filter(Vote.staff.is_(True)),
        sa.func.count().filter(Vote.established.is_(True)),
        sa.func.coalesce(sa.func.sum(Vote.weight), 0.0),
        sa.func.coalesce(sa.func.sum(Vote.weight).filter(Vote.established.is_(True)), 0.0),
        sa.func.coalesce(sa.func.sum(Vote.trending_term), 0),
    ).group_by(Vote.idea_id)
    priority_query = (sa.select(PriorityEntry.idea_id, sa.func.sum(PriorityEntry.points))
                      .group_by(PriorityEntry.idea_id))
    comment_query = sa.select(Comment.idea_id, sa.func.count()).group_by(Comment.idea_id)
    if where is not None:
        vote_query = vote_query.where(Vote.idea_id == where)
        priority_query = priority_query.where(PriorityEntry.idea_id == where)
        comment_query = comment_query.where(Comment.idea_id == where)
    votes = {row[0]: row[1:] for row in db.session.execute(vote_query)}
    points = dict(db.session.execute(priority_query).all())
    comments = dict(db.session.execute(comment_query).all())
    result = {}
    for idea_id in set(votes) | set(points) | set(comments):
        v = votes.get(idea_id, (0, 0, 0, 0.0, 0.0, 0))
        result[idea_id] = Counters(v[0], v[1], v[2], float(v[3]), float(v[4]), int(v[5]),
                                   float(points.get(idea_id) or 0.0),
                                   comments.get(idea_id, 0))
    return result


EMPTY = Counters(0, 0, 0, 0.0, 0.0, 0, 0.0, 0)


def counted(idea_id: int) -> Counters:
    """An idea's counters computed from its rows (what `recount` writes)."""
    return _aggregates(idea_id).get(idea_id, EMPTY)


def stored(idea: Idea) -> Counters:
    return Counters(idea.vote_count, idea.staff_vote_count, idea.established_vote_count,
                    idea.top_score, idea.trusted_score, idea.trending_score, idea.priority_score,
                    idea.comment_count)


def recount_all() -> int:
    """Rebuild every idea's counters from the rows; return how many ideas changed."""
    fresh = _aggregates()
    changed = 0
    for idea in db.session.scalars(sa.select(Idea).execution_options(yield_per=2000)):
        counters = fresh.get(idea.id, EMPTY)
        if counters != stored(idea):
            for key, value in counters.__dict__.items():
                setattr(idea, key, value)
            changed += 1
    db.session.flush()
    return changed
