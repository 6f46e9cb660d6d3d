"""The forums' fixtures: most notifications are about topics and posts."""

from tests.forums.conftest import forum  # noqa: F401
