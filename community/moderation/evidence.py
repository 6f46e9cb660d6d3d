"""A detector flag's evidence as a moderator reads it: one block per finding, without JSON.

``present(flag)`` turns the fused findings a trust scan stored on a flag (``trust/combiner.py``,
``Combined.evidence``) into plain dataclasses that ``templates/moderation/_evidence.html``
renders (autoescaped, no script): a burst's timeline (an SVG chart and its table), a ring's or
sockpuppets' overlap matrix, near-duplicate texts side by side with their shared passages, an
impossible testimonial's facts, and a definition list for anything else.

What it shows about an account: its name (the ``member`` macro), age, verified state, trust
level and how much it did (rows in the activity log), loaded in one query per flag. **Never an
address, an e-mail, a device id or a hash**: origins are compared here, hash against hash, and
only the words "same network" / "same device" leave this module; keys and values that look like
an address, an e-mail or a hash are dropped from the generic lists.

Impure (it reads the activity log, the accounts and what domains register), but it knows no
content domain: texts come from the moderation subject registry, ratings from the trust
sources.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import (
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    ngettext,
)
from flask_babel import gettext as _

from community.accounts.activity import Activity, ActivityKind
from community.accounts.models import User
from community.extensions import db
from community.moderation.service import SubjectView, describe_subjects
from community.timeutil import utcnow
from community.trust import sources
from community.trust.detectors import (
    bursts,
    duplicates,
    reviews,
    rings,
    sockpuppets,
    testimonials,
)
from community.trust.labels import level_label

Subject = tuple[str, int]

MAX_ACCOUNTS = 50  # rows of an account table or a matrix, at most
MAX_COLUMNS = 30  # subjects in a matrix, at most
MAX_PAIRS = 20  # pairs listed under a matrix, or texts compared side by side
LOOK_BEFORE = timedelta(days=7)  # a burst's timeline starts this long before the burst…
LOOK_AFTER = timedelta(days=1)  # …and ends this long after it
HOURLY_UP_TO = timedelta(hours=72)  # a timeline spanning less is drawn by the hour
VOTE_KINDS = (ActivityKind.VOTE_CAST, ActivityKind.VOTE_CHANGED, ActivityKind.VOTE_WITHDRAWN)
ACTING_KINDS = (*VOTE_KINDS, ActivityKind.POST_WRITTEN, ActivityKind.REVIEW_WRITTEN,
                ActivityKind.REVIEW_EDITED, ActivityKind.PRIORITY_CHANGED)

# Words of a key that names what evidence never shows (an address, an e-mail, a device id, a
# hash, a secret), and values that look like one.
_SECRET_PARTS = {"ip", "ips", "ipv4", "ipv6", "email", "emails", "mail", "mails", "device",
                 "devices", "hash", "hashes", "address", "addresses", "addr", "cookie",
                 "cookies", "token", "tokens", "secret", "password", "fingerprint", "ua",
                 "useragent", "agent", "phone"}
_SECRET_SUBSTRINGS = ("hash", "mail", "device", "addr", "cookie", "token", "secret", "passw",
                      "fingerprint")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_HEX = re.compile(r"(?<![0-9a-z])[0-9a-f]{12,}(?![0-9a-z])", re.IGNORECASE)
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$")
_TOKEN = re.compile(r"[^\W_]+")


# ---- what the template reads ---------------------------------------------------------------

@dataclass(eq=False)
class AccountFacts:
    """What a moderator sees of an account (filled by one query for the whole flag)."""

    id: int
    user: Any = None  # the User row, shown through the ``member`` macro
    age_days: int | None = None
    verified: bool = False
    trust_level: int = 0
    activity: int = 0

    @property
    def trust_label(self) -> str:
        return level_label(self.trust_level)


@dataclass(eq=False)
class SubjectRef:
    """A subject as the moderation registry shows it (filled once for the whole flag)."""

    type: str
    id: int
    view: SubjectView | None = None

    @property
    def key(self) -> Subject:
        return (self.type, self.id)

    @property
    def title(self) -> str:
        return self.view.title if self.view else f"{self.type} #{self.id}"

    @property
    def url(self) -> str | None:
        return self.view.url if self.view else None


@dataclass
class Field:
    label: str
    value: str = ""
    account: AccountFacts | None = None  # shown as the member's name instead of ``value``


@dataclass(kw_only=True)
class Block:
    """One finding: its detector's words, score, and the accounts it names."""

    kind: str = "fields"
    detector: str
    title: str
    score: str = ""
    uid: str = ""
    fields: list[Field] = field(default_factory=list)
    accounts: list[AccountFacts] = field(default_factory=list)
    more_accounts: int = 0
    account_extra: dict[int, str] = field(default_factory=dict)  # a column only some blocks have
    account_extra_label: str = ""


@dataclass
class Bucket:
    start: datetime
    count: int
    in_burst: bool


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    in_burst: bool


@dataclass
class Chart:
    """A bar chart's geometry in SVG user units, every number computed here."""

    width: int
    height: int
    left: int
    bottom: float  # the x axis's y
    top: float  # the plot's top's y
    right: float
    bars: list[Bar]
    highest: int  # the value at the top of the plot
    baseline_y: float | None
    labels: list[tuple[float, datetime]]  # x of a label's middle, the bucket it names


@dataclass(kw_only=True)
class BurstBlock(Block):
    kind: str = "burst"
    subject: SubjectRef
    window_from: datetime
    window_to: datetime
    count: int
    expected: str  # per window, formatted
    window_hours: int
    young_share: str
    hourly: bool
    buckets: list[Bucket]
    baseline_per_bucket: str
    chart: Chart


@dataclass
class Column:
    subject: SubjectRef
    owner: AccountFacts | None = None
    note: str = ""


@dataclass
class Cell:
    label: str
    at: datetime | None = None


@dataclass
class Origin:
    label: str  # "same network" or "same device", translated
    others: list[AccountFacts]


@dataclass
class Move:
    """One account's interactions of one kind with another's content."""

    source: AccountFacts | None
    target: AccountFacts | None
    what: str
    count: int
    first: datetime | None
    last: datetime | None


@dataclass
class PairRow:
    first: AccountFacts | None
    second: AccountFacts | None
    facts: list[str]
    moves: list[Move] = field(default_factory=list)


@dataclass(kw_only=True)
class MatrixBlock(Block):
    kind: str = "matrix"
    columns: list[Column]
    more_columns: int = 0
    cells: dict[tuple[int, Subject], Cell]
    origins: dict[int, list[Origin]]
    pairs: list[PairRow]
    more_pairs: int = 0

    def cell(self, account: AccountFacts, column: Column) -> Cell | None:
        return self.cells.get((account.id, column.subject.key))


@dataclass
class ShownText:
    subject: SubjectRef
    account: AccountFacts | None
    at: datetime | None
    passages: list[list[str]]

    @property
    def segments(self) -> list[tuple[str, bool]]:
        """The text the registry shows, cut into (text, shared) runs."""
        return segments(self.subject.view.excerpt if self.subject.view else "", self.passages)

    @property
    def found(self) -> bool:
        return any(shared for _, shared in self.segments)


@dataclass
class TextPair:
    similarity: str
    left: ShownText
    right: ShownText
    passages: list[str]


@dataclass(kw_only=True)
class DuplicateBlock(Block):
    kind: str = "duplicates"
    similarity: str
    pairs: list[TextPair]
    more_pairs: int = 0


@dataclass(kw_only=True)
class TestimonialBlock(Block):
    kind: str = "testimonial"
    subject: SubjectRef | None
    claim: str
    claimed: str  # years and months
    claimed_days: int
    against: str
    written_at: datetime | None
    launched_on: date | None
    product_age: str
    account_age: str
    account: AccountFacts | None

    @property
    def segments(self) -> list[tuple[str, bool]]:
        """The text the registry shows, the claim marked where it is found."""
        excerpt = self.subject.view.excerpt if self.subject and self.subject.view else ""
        if not excerpt or not self.claim:
            return []
        out, position, folded, claim = [], 0, excerpt.casefold(), self.claim.casefold()
        while (found := folded.find(claim, position)) >= 0:
            if found > position:
                out.append((excerpt[position:found], False))
            out.append((excerpt[found:found + len(claim)], True))
            position = found + len(claim)
        if not out:
            return []
        if position < len(excerpt):
            out.append((excerpt[position:], False))
        return out


# ---- reading the flag ----------------------------------------------------------------------

class _Loader:
    """Hands out account and subject holders while the blocks are built, then fills them all
    at once: one query for the accounts, one registry call per subject type."""

    def __init__(self) -> None:
        self.accounts: dict[int, AccountFacts] = {}
        self.subjects: dict[Subject, SubjectRef] = {}

    def account(self, account_id: Any) -> AccountFacts | None:
        account_id = _int(account_id)
        if account_id is None:
            return None
        if account_id not in self.accounts:
            self.accounts[account_id] = AccountFacts(account_id)
        return self.accounts[account_id]

    def subject(self, value: Any) -> SubjectRef | None:
        key = _subject(value)
        if key is None:
            return None
        if key not in self.subjects:
            self.subjects[key] = SubjectRef(*key)
        return self.subjects[key]

    def load(self) -> None:
        fill_accounts(self.accounts)
        if self.subjects:
            views = describe_subjects(list(self.subjects))
            for key, ref in self.subjects.items():
                ref.view = views.get(key)


def fill_accounts(accounts: dict[int, AccountFacts]) -> None:
    """Age, verified state, trust level and activity count of every account, one query."""
    if not accounts:
        return
    activity = (sa.select(sa.func.count(Activity.id)).where(Activity.user_id == User.id)
                .correlate(User).scalar_subquery())
    now = utcnow()
    rows = db.session.execute(sa.select(User, activity).where(User.id.in_(sorted(accounts))))
    for user, count in rows:
        facts = accounts[user.id]
        facts.user = user
        facts.age_days = max(0, (now - user.created_at).days) if user.created_at else None
        facts.verified = user.email_verified_at is not None and user.deleted_at is None
        level = getattr(user, "trust_level", 0) or 0
        facts.trust_level = min(3, max(0, int(level)))
        facts.activity = int(count or 0)


def present(flag) -> list[Block]:
    """The blocks of ``flag.evidence``: one per finding, strongest first."""
    evidence = flag.evidence
    if not isinstance(evidence, dict) or not evidence:
        return []
    loader = _Loader()
    findings = evidence.get("findings")
    if not isinstance(findings, list):  # not the combiner's shape: a plain list of its keys
        block = _fields(evidence, [], loader, {
            "detector": flag.detector or "", "title": detector_title(flag.detector or ""),
            "score": _number(flag.score, 2)})
        block.uid = f"evidence-{flag.id}-0"
        loader.load()
        return [block]
    blocks = []
    for number, finding in enumerate(f for f in findings if isinstance(f, dict)):
        block = _block(finding, loader)
        block.uid = f"evidence-{flag.id}-{number}"
        blocks.append(block)
    loader.load()
    return blocks


def _block(finding: dict, loader: _Loader) -> Block:
    detector = str(finding.get("detector") or "")
    body = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
    subjects = [s for s in map(_subject, finding.get("subjects") or []) if s is not None]
    common = {"detector": detector, "title": detector_title(detector),
              "score": _number(finding.get("score"), 2)}
    builder = BUILDERS.get(detector)
    if builder is not None:
        try:
            return builder(body, subjects, loader, common)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, StopIteration):
            pass  # evidence of an older shape: shown as a plain list below
    return _fields(body, subjects, loader, common)


def detector_title(name: str) -> str:
    titles = {
        bursts.NAME: _("Burst of votes or reviews"),
        rings.NAME: _("Co-voting ring"),
        sockpuppets.NAME: _("Accounts sharing a device or a network"),
        duplicates.NAME: _("Near-duplicate texts"),
        testimonials.NAME: _("Impossible testimonial"),
        reviews.NAME: _("Review behaviour"),
    }
    return titles.get(name, name or _("Detector"))


# ---- burst -----------------------------------------------------------------------------------

def _burst(body: dict, subjects: list[Subject], loader: _Loader, common: dict) -> Block:
    subject = next(s for s in subjects if s[0] != "account")
    start, end = _when(body["from"]), _when(body["to"])
    window = bursts.Settings().window
    if not timedelta(0) <= end - start <= 30 * window:  # no burst of ours: a plain list
        raise ValueError("a burst window of an unknown shape")
    expected = float(body["expected"])
    ages: dict[int, float] = {}
    for item in body.get("accounts") or []:
        account_id = _int(item.get("account"))
        if account_id is not None and account_id not in ages:
            ages[account_id] = float(item.get("age_days") or 0)
    times = _timeline(subject, start - LOOK_BEFORE, end + LOOK_AFTER)
    moments = [*times, start, end]
    hourly = max(moments) - min(moments) <= HOURLY_UP_TO
    step = timedelta(hours=1) if hourly else timedelta(days=1)
    buckets = _buckets(times, min(moments), max(moments), step, start, end)
    per_bucket = expected * (step / window)
    accounts = [loader.account(a) for a in list(ages)[:MAX_ACCOUNTS]]
    return BurstBlock(
        **common, subject=loader.subject(subject), window_from=start, window_to=end,
        count=int(body["count"]), expected=_number(expected, 1),
        window_hours=int(window.total_seconds() // 3600),
        young_share=_percent(body.get("young_share")), hourly=hourly, buckets=buckets,
        baseline_per_bucket=_number(per_bucket, 2), chart=chart(buckets, per_bucket),
        accounts=accounts, more_accounts=max(0, len(ages) - len(accounts)),
        account_extra={a.id: _number(ages[a.id], 1) for a in accounts},
        account_extra_label=_("Age when acting (days)"))


def _timeline(subject: Subject, start: datetime, end: datetime) -> list[datetime]:
    """When the subject was voted on (the activity log) or, for a product, reviewed (the
    ratings the trust sources give), between ``start`` and ``end``."""
    if subject[0] == "product":
        return sorted(r.at for r in sources.ratings(start)
                      if r.product_id == subject[1] and start <= r.at <= end)
    return list(db.session.scalars(
        sa.select(Activity.at).where(
            Activity.subject_type == subject[0], Activity.subject_id == subject[1],
            Activity.kind == ActivityKind.VOTE_CAST, Activity.at >= start, Activity.at <= end)
        .order_by(Activity.at)))


def _floor(moment: datetime, step: timedelta) -> datetime:
    if step >= timedelta(days=1):
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(minute=0, second=0, microsecond=0)


def _buckets(times: list[datetime], first: datetime, last: datetime, step: timedelta,
             burst_from: datetime, burst_to: datetime) -> list[Bucket]:
    origin = _floor(first, step)
    count = int((last - origin) / step) + 1
    counts = [0] * count
    for moment in times:
        index = int((moment - origin) / step)
        if 0 <= index < count:
            counts[index] += 1
    buckets = []
    for index, value in enumerate(counts):
        begins = origin + index * step
        overlaps = begins <= burst_to and begins + step > burst_from
        buckets.append(Bucket(begins, value, overlaps))
    return buckets


def chart(buckets: list[Bucket], baseline: float, width: int = 600,
          height: int = 220) -> Chart:
    """Bars for the buckets and a line for the baseline, scaled to the highest of both."""
    left, right, top, bottom = 40, width - 8, 12.0, height - 28.0
    highest = max([b.count for b in buckets] + [math.ceil(baseline), 1])
    slot = (right - left) / max(1, len(buckets))
    scale = (bottom - top) / highest
    bars = []
    for index, bucket in enumerate(buckets):
        tall = bucket.count * scale
        bars.append(Bar(x=round(left + index * slot + slot * 0.1, 1), y=round(bottom - tall, 1),
                        width=round(max(1.0, slot * 0.8), 1), height=round(tall, 1),
                        in_burst=bucket.in_burst))
    every = max(1, math.ceil(len(buckets) / 6))
    labels = [(round(left + index * slot + slot / 2, 1), bucket.start)
              for index, bucket in enumerate(buckets) if index % every == 0]
    baseline_y = round(bottom - baseline * scale, 1) if baseline > 0 else None
    return Chart(width=width, height=height, left=left, bottom=bottom, top=top, right=right,
                 bars=bars, highest=highest, baseline_y=baseline_y, labels=labels)


# ---- rings and sockpuppets: the overlap matrix --------------------------------------------------

def _ring(body: dict, subjects: list[Subject], loader: _Loader, common: dict) -> Block:
    listed = body["accounts"]
    members = [loader.account(item["account"]) for item in listed[:MAX_ACCOUNTS]]
    members = [m for m in members if m is not None]
    columns, marks = [], {}
    for item in body.get("subjects") or []:
        ref = loader.subject(item["subject"])
        if ref is None:
            continue
        columns.append(Column(ref, note=_("%(count)s in the ring, %(all)s in all, within "
                                          "%(minutes)s min",
                                          count=len(item.get("ring_voters") or []),
                                          all=item.get("voters", "?"),
                                          minutes=_number(item.get("spread_minutes"), 0))))
        for voter in item.get("ring_voters") or []:
            marks[(_int(voter), ref.key)] = Cell(_("voted"))
    pairs = [PairRow(loader.account(p["accounts"][0]), loader.account(p["accounts"][1]), [
        ngettext("%(num)d subject in common", "%(num)d subjects in common",
                 int(p.get("shared") or 0)),
        _("overlap %(value)s", value=_percent(p.get("jaccard"))),
        _("%(value)s times what chance predicts", value=_number(p.get("lift"), 1)),
        _("%(value)s voted in step", value=_percent(p.get("lockstep_share"))),
    ]) for p in (body.get("pairs") or [])[:MAX_PAIRS]]
    fields = [
        Field(_("Accounts"), str(body.get("size", len(members)))),
        Field(_("Overlap of their votes"), _percent(body.get("jaccard"))),
        Field(_("Votes cast in step (within %(minutes)s min)",
                minutes=_number(body.get("lockstep_minutes"), 0)),
              _percent(body.get("lockstep_share"))),
    ]
    return _matrix(common, members, len(listed), columns, marks, pairs, fields, VOTE_KINDS,
                   int(body.get("pair_count") or len(pairs)))


def _sockpuppets(body: dict, subjects: list[Subject], loader: _Loader, common: dict) -> Block:
    listed = body["accounts"]
    members = [loader.account(a) for a in listed[:MAX_ACCOUNTS]]
    members = [m for m in members if m is not None]
    columns: dict[Subject, Column] = {}
    marks: dict[tuple[int | None, Subject], Cell] = {}
    pairs, said = [], {}
    for pair in (body.get("pairs") or [])[:MAX_PAIRS]:
        a, b = (loader.account(x) for x in pair["accounts"])
        shared = [_origin_label(label) for label in pair.get("shared") or []]
        said[(a.id, b.id)] = said[(b.id, a.id)] = {s for s in shared if s}
        facts = [s for s in shared if s]
        facts.append(ngettext("%(num)d account behind it", "%(num)d accounts behind it",
                              int(pair.get("accounts_behind") or 0)))
        moves = []
        for row in pair.get("interactions") or []:
            moves.append(Move(loader.account(row["from"]), loader.account(row["to"]),
                              _kind_word(row.get("kind")), int(row.get("count") or 0),
                              _when(row.get("first")), _when(row.get("last"))))
            for value in row.get("subjects") or []:
                ref = loader.subject(value)
                if ref is None:
                    continue
                columns.setdefault(ref.key, Column(ref, owner=loader.account(row["to"])))
                key = (_int(row["from"]), ref.key)
                marks.setdefault(key, Cell(_kind_word(row.get("kind")), _when(row["first"])))
        facts.append(_("one-way share %(value)s", value=_percent(pair.get("one_way"))))
        pairs.append(PairRow(a, b, facts, moves))
    fields = [Field(_("Accounts"), str(len(listed))),
              Field(_("Suspicious pairs"), str(body.get("pair_count", len(pairs))))]
    block = _matrix(common, members, len(listed), list(columns.values()), marks, pairs, fields,
                    ACTING_KINDS, int(body.get("pair_count") or len(pairs)))
    shown = {m.id for m in members}
    for (x, y), labels in sorted(said.items()):  # what the evidence says, if the log has not
        if x not in shown:
            continue
        found = block.origins.setdefault(x, [])
        for label in sorted(labels):
            same = next((o for o in found if o.label == label), None)
            if same is None:
                found.append(Origin(label, [loader.account(y)]))
            elif all(other.id != y for other in same.others):
                same.others.append(loader.account(y))
    return block


def _matrix(common: dict, members: list[AccountFacts], total: int, columns: list[Column],
            marks: dict, pairs: list[PairRow], fields: list[Field],
            kinds: Iterable[ActivityKind], pair_count: int) -> MatrixBlock:
    shown, columns_shown = members, columns[:MAX_COLUMNS]
    cells = dict(marks)
    seen = _acted({m.id for m in shown}, {c.subject.key for c in columns_shown}, tuple(kinds))
    for key, cell in seen.items():
        said = marks.get(key)
        if said is not None and cell.label in (_("wrote"), _("reviewed")):
            cell = Cell(said.label, cell.at)  # "replied" says more than "wrote"
        cells[key] = cell
    return MatrixBlock(
        **common, fields=fields, accounts=shown, more_accounts=max(0, total - len(shown)),
        columns=columns_shown, more_columns=len(columns) - len(columns_shown), cells=cells,
        origins=origins({m.id: m for m in shown}), pairs=pairs[:MAX_PAIRS],
        more_pairs=max(0, pair_count - min(len(pairs), MAX_PAIRS)))


def _acted(accounts: set[int], subjects: set[Subject],
           kinds: tuple[ActivityKind, ...]) -> dict[tuple[int, Subject], Cell]:
    """Where each account acted on each subject, from the activity log: a standing vote from
    when it was first cast, or the first post or review; a withdrawn vote says so."""
    if not accounts or not subjects:
        return {}
    by_type: dict[str, list[int]] = defaultdict(list)
    for subject_type, subject_id in subjects:
        by_type[subject_type].append(subject_id)
    query = (sa.select(Activity.user_id, Activity.subject_type, Activity.subject_id,
                       Activity.kind, Activity.at)
             .where(Activity.user_id.in_(sorted(accounts)), Activity.kind.in_(kinds),
                    sa.or_(*(sa.and_(Activity.subject_type == t, Activity.subject_id.in_(ids))
                             for t, ids in by_type.items())))
             .order_by(Activity.at, Activity.id))
    cells: dict[tuple[int, Subject], Cell] = {}
    for user_id, subject_type, subject_id, kind, at in db.session.execute(query):
        key = (user_id, (subject_type, subject_id))
        held = cells.get(key)
        if kind is ActivityKind.VOTE_WITHDRAWN:
            cells[key] = Cell(_("withdrew the vote"), at)
        elif kind in VOTE_KINDS:
            if held is None or held.label != _("voted"):
                cells[key] = Cell(_("voted"), at)
        elif held is None:
            word = _("reviewed") if kind in (ActivityKind.REVIEW_WRITTEN,
                                              ActivityKind.REVIEW_EDITED) else _("wrote")
            cells[key] = Cell(word, at)
    return cells


def origins(members: dict[int, AccountFacts]) -> dict[int, list[Origin]]:
    """For each account, the others of ``members`` it acted from the same network or the same
    device as: the keyed hashes of the activity log compared here, never shown."""
    if len(members) < 2:
        return {}
    behind: dict[tuple[str, str], set[int]] = defaultdict(set)
    query = (sa.select(Activity.user_id, Activity.net_hash, Activity.device_hash).distinct()
             .where(Activity.user_id.in_(sorted(members)),
                    sa.or_(Activity.net_hash.is_not(None), Activity.device_hash.is_not(None))))
    for user_id, net, device in db.session.execute(query):
        if net:
            behind[("net", net)].add(user_id)
        if device:
            behind[("device", device)].add(user_id)
    shared: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for (kind, _hash), ids in behind.items():
        if len(ids) > 1:
            for account_id in ids:
                shared[account_id][kind] |= ids - {account_id}
    labels = {"device": _("same device"), "net": _("same network")}
    return {account_id: [Origin(labels[kind], [members[i] for i in sorted(others)])
                         for kind, others in sorted(kinds.items()) if others]
            for account_id, kinds in shared.items()}


def _origin_label(label: Any) -> str:
    words = {sockpuppets.LABELS["device"]: _("same device"),
             sockpuppets.LABELS["net"]: _("same network")}
    return words.get(label, "")


def _kind_word(kind: Any) -> str:
    words = {"vote": _("voted"), "reply": _("replied"), "helpful": _("marked helpful")}
    return words.get(kind, _("acted"))


# ---- near-duplicates ----------------------------------------------------------------------------

def _duplicates(body: dict, subjects: list[Subject], loader: _Loader, common: dict) -> Block:
    texts = {}
    for item in body.get("texts") or []:
        key = _subject(item.get("subject"))
        if key is not None:
            texts[key] = (loader.account(item.get("account")), _when(item.get("at")))
    pairs = []
    for pair in body["pairs"][:MAX_PAIRS]:
        first, second = (_subject(s) for s in pair["subjects"])
        runs = [str(p.get("words") or "").split() for p in pair.get("passages") or []]
        runs = [r for r in runs if r]
        shown = []
        for key, position in ((first, 0), (second, 1)):
            account, at = texts.get(key, (loader.account(pair["accounts"][position]), None))
            shown.append(ShownText(loader.subject(key), account, at, runs))
        pairs.append(TextPair(_percent(pair.get("similarity")), shown[0], shown[1],
                              [" ".join(r) for r in runs]))
    accounts = list(dict.fromkeys(a for a, _at in texts.values() if a is not None))
    for account_id in body.get("accounts") or []:
        account = loader.account(account_id)
        if account is not None and account not in accounts:
            accounts.append(account)
    pair_count = int(body.get("pair_count") or len(pairs))
    return DuplicateBlock(**common, similarity=_percent(body.get("similarity")), pairs=pairs,
                          more_pairs=max(0, pair_count - len(pairs)),
                          accounts=accounts[:MAX_ACCOUNTS],
                          more_accounts=max(0, len(accounts) - MAX_ACCOUNTS))


def segments(text: str, passages: list[list[str]]) -> list[tuple[str, bool]]:
    """``text`` cut into runs, each marked shared when it spells one of ``passages`` (runs of
    normalised words, ``duplicates.words``): the words are found again in the text as shown,
    whatever its case, accents and punctuation."""
    if not text:
        return []
    tokens = [(word, m.start(), m.end()) for m in _TOKEN.finditer(text)
              for word in duplicates.words(m.group(0))]
    words = [t[0] for t in tokens]
    spans = []
    for run in passages:
        size = len(run)
        for start in range(len(words) - size + 1):
            if words[start] == run[0] and words[start:start + size] == run:
                spans.append((tokens[start][1], tokens[start + size - 1][2]))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        if start > position:
            out.append((text[position:start], False))
        out.append((text[start:end], True))
        position = end
    if position < len(text):
        out.append((text[position:], False))
    return out


# ---- impossible testimonial --------------------------------------------------------------------

def _testimonial(body: dict, subjects: list[Subject], loader: _Loader, common: dict) -> Block:
    subject = next((s for s in subjects if s[0] != "account"), None)
    account = next((loader.account(i) for t, i in subjects if t == "account"), None)
    written = _when(body.get("written_at"))
    claimed_days = int(body["claimed_days"])
    product_days = _int(body.get("product_age_days"))
    account_days = _int(body.get("account_age_days"))
    launched = (written - timedelta(days=product_days)).date() if (
        written is not None and product_days is not None) else None
    against = {"product": _("the product's launch"),
               "account": _("the account's age")}.get(body.get("against"), "")
    return TestimonialBlock(
        **common, subject=loader.subject(subject) if subject else None,
        claim=str(body.get("claim") or ""), claimed=duration(claimed_days),
        claimed_days=claimed_days, against=against, written_at=written, launched_on=launched,
        product_age=duration(product_days) if product_days is not None else "",
        account_age=duration(account_days) if account_days is not None else "",
        account=account, accounts=[account] if account else [])


def duration(days: int) -> str:
    """``days`` in years and months ("2 years and 3 months"), or days under a month."""
    days = max(0, int(days))
    years, rest = divmod(days, 365)
    months = rest // 30
    parts = []
    if years:
        parts.append(ngettext("%(num)d year", "%(num)d years", years))
    if months:
        parts.append(ngettext("%(num)d month", "%(num)d months", months))
    if not parts:
        return ngettext("%(num)d day", "%(num)d days", days)
    return format_list(parts, locale=get_locale() or "en")


# ---- anything else: a definition list ---------------------------------------------------------

def _labels() -> dict[str, str]:
    return {
        "rating": _("Rating"), "other_reviews": _("Other reviews by the account"),
        "account_age_days": _("Account age when reviewing (days)"), "newness": _("Newness"),
        "trusted_mean": _("Trusted mean rating of the product"),
        "deviation": _("Deviation from the trusted mean"), "extremity": _("Extremity"),
        "context": _("Suspicion of the product's other reviews"),
        "same_day": _("Another review that day"), "all_extreme": _("Only extreme ratings"),
        "early": _("Among the product's first reviews"), "product": _("Product"),
        "account": _("Account"),
    }


def _fields(body: dict, subjects: list[Subject], loader: _Loader, common: dict) -> Block:
    labels = _labels()
    fields, accounts = [], []
    for key, value in body.items():
        if not isinstance(key, str) or secret_key(key):
            continue
        label = labels.get(key) or key.replace("_", " ").strip().capitalize()
        if key == "account" and _int(value) is not None:
            account = loader.account(value)
            fields.append(Field(label, account=account))
            accounts.append(account)
            continue
        shown = scalar(value)
        if shown is not None:
            fields.append(Field(label, f"#{value}" if key == "product" else shown))
    for subject_type, subject_id in subjects:
        if subject_type == "account":
            account = loader.account(subject_id)
            if account not in accounts:
                accounts.append(account)
    return Block(**common, fields=fields, accounts=accounts[:MAX_ACCOUNTS],
                 more_accounts=max(0, len(accounts) - MAX_ACCOUNTS))


def secret_key(key: str) -> bool:
    """A key that names an address, an e-mail, a device id or a hash (or a secret)."""
    parts = [p for p in re.split(r"[^a-z0-9]+", key.lower()) if p]
    return any(p in _SECRET_PARTS or any(s in p for s in _SECRET_SUBSTRINGS)
               or (p.startswith("ip") and (len(p) <= 4 or p.startswith("ipaddr")))
               for p in parts)


def secret_value(text: str) -> bool:
    """A value that holds an e-mail address, an IP address or a long hexadecimal hash."""
    if _EMAIL.search(text) or _HEX.search(text):
        return True
    for word in re.split(r"[\s,;()\[\]<>\"']+", text):
        candidate = word.strip(".")
        if "/" in candidate:
            candidate = candidate.split("/", 1)[0]
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return True
    return False


def scalar(value: Any) -> str | None:
    """A plain value as shown (numbers and dates in the reader's language), or None when it is
    no scalar (nor a list of scalars) or looks like an address, an e-mail or a hash."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return format_decimal(value)
    if isinstance(value, float):
        return _number(value, 3)
    if isinstance(value, str):
        if secret_value(value):
            return None
        if _ISO.match(value):
            moment = _when(value)
            return format_datetime(moment, "short") if moment else value
        return value
    if isinstance(value, list) and value and all(
            isinstance(v, str | int | float | bool) for v in value):
        shown = [scalar(v) for v in value]
        if any(s is None for s in shown):
            return None
        return ", ".join(shown)
    return None


BUILDERS = {
    bursts.NAME: _burst,
    rings.NAME: _ring,
    sockpuppets.NAME: _sockpuppets,
    duplicates.NAME: _duplicates,
    testimonials.NAME: _testimonial,
}


# ---- small helpers ------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def _subject(value: Any) -> Subject | None:
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str):
        subject_id = _int(value[1])
        if subject_id is not None:
            return (value[0][:20], subject_id)
    return None


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        return None
    return moment.replace(tzinfo=None)


def _number(value: Any, digits: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return format_decimal(round(float(value), digits),
                          format="#,##0" + ("." + "#" * digits if digits else ""))


def _percent(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return format_percent(float(value))
