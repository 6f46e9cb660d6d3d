"""Every domain's models, imported in one place for Alembic and ``flask shell``."""

from community.accounts.models import Invitation, Role, User  # noqa: F401
from community.clubs.models import Club, ClubMember  # noqa: F401
from community.forums.models import (  # noqa: F401
    FaqEntry,
    ForumCategory,
    HelpfulMark,
    Post,
    PostRevision,
    Topic,
    TopicRead,
    Watch,
)
from community.groups.models import Group, GroupMember  # noqa: F401
from community.ideas.models import (  # noqa: F401
    Category,
    Comment,
    Follow,
    Idea,
    IdeaTag,
    IdeaTerm,
    PriorityEntry,
    RankingState,
    ShipFeedback,
    StatusChange,
    Vote,
)
from community.moderation.models import AuditEntry, Flag  # noqa: F401
from community.notify.models import Notification  # noqa: F401
from community.search.models import SearchDocument  # noqa: F401
from community.trust.models import SignupRecord, TrustEvent, TrustEventKind  # noqa: F401
