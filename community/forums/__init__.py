"""Forums: categories, topics and replies, questions with accepted answers, and the FAQ."""
