"""Search: full text over forum topics, replies and the FAQ (FTS5 on SQLite, GIN on PostgreSQL)."""
