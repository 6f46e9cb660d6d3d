"""User clubs: customer organisations weighing in on priorities. For now, membership only
(forum categories may be restricted to a club); the roadmap work adds the rest."""
