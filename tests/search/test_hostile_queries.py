"""Hostile queries (naughty strings, SQL injection, XSS payloads) never break the search."""

from pathlib import Path

import pytest

from community.search import kinds, service, terms

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
EXTRA = ['"', "'", '"unbalanced', "NEAR(a b)", "a* OR b*", "col:word", "^start", "(((", "!&|:*",
         "x' | 'y", "\\", "'\\''", "NOT AND OR", "-word", "+word", "😀" * 50, "é" * 5000,
         "\x00drop", "\u202eevil", "word " * 500]
FORUM_OPEN = {kind: kinds.in_scopes([1]) for kind in ("topic", "post", "faq")}


def corpus_lines() -> list[str]:
    if not CORPORA.is_dir():
        pytest.skip(f"the shared corpora are missing ({CORPORA}); nothing to replay")
    return [line for path in sorted(CORPORA.glob("*.txt"))
            for line in path.read_text(errors="replace").splitlines()
            if line.strip() and not line.startswith("#")]


def test_every_corpus_line_searches_cleanly(ctx):
    service.index_document("topic", 1, title="Select from users", category_id=1, topic_id=1,
                           body="script alert onerror drop table union select or and not")
    for line in [*corpus_lines(), *EXTRA]:
        page = service.search(line, FORUM_OPEN, author_id=None)
        assert all("<script" not in str(hit.snippet) for hit in page.hits), line


@pytest.mark.parametrize("line", EXTRA)
def test_hostile_strings_index_cleanly(ctx, line):
    service.index_document("post", 1, title=line, body=line, category_id=1, topic_id=1)
    for word in terms.words(line)[:3]:
        assert service.search(word, FORUM_OPEN).hits, word
