"""The search service on SQLite (FTS5) and PostgreSQL (tsvector + GIN): same answers on both."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.search import kinds, service
from community.search.models import SearchDocument

OPEN, OTHER, PRIVATE = 1, 2, 3
FORUM_KINDS = ("topic", "post", "faq")  # registered by the forums (forums/searching.py)


def add(kind, ref_id, title="", body="", *, category_id=OPEN, **fields):
    service.index_document(kind, ref_id, title=title, body=body, category_id=category_id,
                           **fields)


def visible(category_ids=(OPEN, OTHER), category_id=None):
    """What a reader who sees ``category_ids`` may search, as kinds.audience gives it for the
    forum kinds (narrowed to ``category_id`` when given: nothing if it is not among them)."""
    if category_id is not None:
        category_ids = [category_id] if category_id in category_ids else []
    condition = kinds.in_scopes(category_ids)
    return {kind: condition for kind in FORUM_KINDS}


def found(query, category_ids=(OPEN, OTHER), category_id=None, **filters):
    page = service.search(query, visible(category_ids, category_id), **filters)
    return [(hit.kind, hit.ref_id) for hit in page.hits]


@pytest.mark.parametrize(("body", "query"), [
    ("Problème de connexion au portail", "connexions"),
    ("Mes connexions échouent", "connexion"),
    ("The sync runs every hour", "running"),
    ("It kept running all night", "run"),
    ("Comment créer un compte ?", "creer"),
    ("Comment creer un compte ?", "créer"),
    ("Error 404 on the export page", "404"),
    ("Ключ не работает", "КЛЮЧ"),
])
def test_french_and_english_forms_and_accents_match(ctx, body, query):
    add("post", 1, "Topic title", body, topic_id=9)
    assert found(query) == [("post", 1)]


def test_every_query_word_must_match(ctx):
    add("topic", 1, "Export to CSV", "The export button is missing", topic_id=1)
    add("topic", 2, "Export to PDF", "Printing works", topic_id=2)
    assert found("export csv") == [("topic", 1)]
    assert sorted(found("export")) == [("topic", 1), ("topic", 2)]
    assert found("export csv pdf") == []


def test_a_reply_does_not_match_by_its_topic_title_alone(ctx):
    add("topic", 1, "Invoices are late", "Since March.", topic_id=1)
    add("post", 10, "Invoices are late", "Same here, since April.", topic_id=1)
    assert found("invoices") == [("topic", 1)]
    assert found("april")[0] == ("post", 10)


def test_title_words_rank_above_a_passing_mention(ctx):
    add("topic", 1, "Billing question", "I also wonder about the export of old invoices, "
        "and several other unrelated things about my account settings.", topic_id=1)
    add("topic", 2, "Export to CSV", "How do I export my data to CSV?", topic_id=2)
    assert found("export") == [("topic", 2), ("topic", 1)]


def test_filters_category_author_solved_and_kind(ctx):
    add("topic", 1, "Sync fails", "sync", topic_id=1, author_id=7, solved=True)
    add("post", 2, "Sync fails", "sync again", topic_id=1, author_id=8, solved=True)
    add("topic", 3, "Sync slow", "sync", category_id=OTHER, topic_id=3, author_id=7)
    add("faq", 4, "How does sync work?", "It syncs hourly.", category_id=OTHER)
    assert len(found("sync")) == 4
    assert sorted(found("sync", category_id=OTHER)) == [("faq", 4), ("topic", 3)]
    assert sorted(found("sync", author_id=7)) == [("topic", 1), ("topic", 3)]
    assert sorted(found("sync", solved=True)) == [("post", 2), ("topic", 1)]
    assert sorted(found("sync", solved=False)) == [("faq", 4), ("topic", 3)]
    assert found("sync", kinds=["faq"]) == [("faq", 4)]
    assert found("sync", author_id=-1) == []


def test_documents_outside_the_visible_categories_are_never_returned(ctx):
    add("topic", 1, "Secret roadmap", "roadmap for partners", category_id=PRIVATE, topic_id=1)
    add("topic", 2, "Public roadmap", "roadmap", topic_id=2)
    assert found("roadmap") == [("topic", 2)]
    assert found("roadmap", category_id=PRIVATE) == []  # asking for it directly does not help
    assert found("roadmap", category_ids=()) == []
    assert sorted(found("roadmap", category_ids=(OPEN, PRIVATE))) == [("topic", 1), ("topic", 2)]


def test_reindexing_replaces_the_words_and_remove_forgets_them(ctx):
    add("post", 1, "T", "the printer jams", topic_id=1, created_at=datetime(2026, 1, 1))
    add("post", 1, "T", "the scanner jams", topic_id=1)
    assert found("printer") == []
    assert found("scanner") == [("post", 1)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)) == 1
    assert db.session.scalar(sa.select(SearchDocument.created_at)) == datetime(2026, 1, 1)
    service.remove_document("post", 1)
    assert found("scanner") == []
    service.remove_document("post", 1)  # already gone: no error
    assert_text_index_consistent()


def test_moving_accepting_and_merging_update_a_topics_documents(ctx):
    add("topic", 1, "Login loop", "login loop", topic_id=1)
    add("post", 2, "Login loop", "login loop too", topic_id=1)
    add("faq", 3, "Login loop?", "Clear cookies.", topic_id=1)
    assert service.update_topic_documents(1, category_id=OTHER, solved=True) == 2
    assert found("login", category_ids=(OPEN,)) == [("faq", 3)]  # the FAQ keeps its category
    assert sorted(found("login", category_ids=(OTHER,), solved=True)) == [
        ("post", 2), ("topic", 1)]
    service.remove_document("topic", 1)
    service.update_topic_documents(1, topic_id=5, title="Sign-in loop")
    hits = service.search("login", visible([OTHER])).hits
    assert [(h.kind, h.topic_id, h.title) for h in hits] == [("post", 5, "Sign-in loop")]
    assert found("sign") == []  # a reply's title is shown, not indexed
    assert_text_index_consistent()
    with pytest.raises(TypeError):
        service.update_topic_documents(1, body="x")


def test_pages_are_disjoint_and_ties_go_to_the_newest(ctx):
    for ref_id in range(1, 26):
        add("post", ref_id, "T", "identical words about backups", topic_id=1)
    first = service.search("backups", visible([OPEN]), per_page=10)
    third = service.search("backups", visible([OPEN]), per_page=10, page=3)
    assert [h.ref_id for h in first.hits] == list(range(25, 15, -1)) and first.has_next
    assert [h.ref_id for h in third.hits] == list(range(5, 0, -1)) and not third.has_next
    assert service.search("backups", visible([OPEN]), page=10_000).page == service.MAX_PAGE


def test_only_the_newest_candidates_are_ranked(ctx, monkeypatch):
    monkeypatch.setattr(service, "CANDIDATES", 3)
    add("topic", 1, "Backups backups backups", "backups backups", topic_id=1)
    for ref_id in range(2, 6):
        add("post", ref_id, "T", "backups", topic_id=1)
    assert sorted(ref for _kind, ref in found("backups")) == [3, 4, 5]


def test_hits_carry_what_the_page_shows(ctx):
    when = datetime(2026, 2, 3, 4, 5)
    add("topic", 1, "Widget <b>broken</b>", "The widget shows <script>alert(1)</script>",
        topic_id=1, author_id=4, solved=True, created_at=when)
    (hit,) = service.search("widget", visible([OPEN])).hits
    assert (hit.kind, hit.ref_id, hit.topic_id, hit.category_id, hit.author_id) == (
        "topic", 1, 1, OPEN, 4)
    assert hit.title == "Widget <b>broken</b>" and hit.solved and hit.created_at == when
    assert str(hit.snippet) == ("The <mark>widget</mark> shows "
                                "&lt;script&gt;alert(1)&lt;/script&gt;")
    assert hit.score > 0


def test_queries_without_a_word_search_nothing(ctx):
    add("topic", 1, "A B", "ab cd", topic_id=1)
    for query in ("", "   ", "ab", "a b c", "!!! ???", "\x00"):
        page = service.search(query, visible([OPEN]))
        assert (page.hits, page.searched) == ([], False), query


def test_unknown_kinds_are_refused(ctx):
    with pytest.raises(ValueError):
        service.index_document("nonesuch", 1, title="x", body="y", category_id=OPEN)
    with pytest.raises(ValueError):
        service.remove_document("nonesuch", 1)
    with pytest.raises(ValueError):
        kinds.register_kind(kinds.SearchKind("k" * 21, "K", "K", lambda reader: True))
    with pytest.raises(ValueError):  # who may see it?
        kinds.register_kind(kinds.SearchKind("nobody", "N", "N"))


def test_a_kind_absent_from_visible_or_outside_its_condition_is_never_returned(ctx):
    add("topic", 1, "Roadmap", "roadmap", topic_id=1)
    add("faq", 2, "Roadmap?", "roadmap", category_id=OTHER)
    add("idea", 3, "Roadmap view", "roadmap", category_id=None)
    everything = {**visible(), "idea": True}
    assert sorted(found_in("roadmap", everything)) == [("faq", 2), ("idea", 3), ("topic", 1)]
    assert found_in("roadmap", {**visible(), "idea": None}) == [("faq", 2), ("topic", 1)]
    assert found_in("roadmap", {"idea": True}) == [("idea", 3)]
    assert found_in("roadmap", {"topic": kinds.in_scopes([OTHER]), "idea": False}) == []
    assert found_in("roadmap", {}) == []
    assert found_in("roadmap", everything, kinds=["idea", "nonesuch"]) == [("idea", 3)]
    assert found_in("roadmap", everything, kinds=[]) == []
    assert found_in("roadmap", everything, author_id=4) == []


def found_in(query, conditions, **filters):
    return [(hit.kind, hit.ref_id) for hit in service.search(query, conditions, **filters).hits]


def assert_text_index_consistent():
    """SQLite: the FTS5 index agrees with its content table (PostgreSQL: a generated column)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text(
            "INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"))


def test_sqlite_walks_the_fts_index_newest_first(ctx):
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's plan depends on its statistics")
    groups = service.terms.query_groups("backups")
    # Forum kinds in two categories and ideas (everyone's), as the page asks; one kind only;
    # one category: never a plan that walks a kind or a category and probes FTS5 per row.
    for conditions, filters in (({**visible([1, 2]), "idea": True}, {}),
                                (visible([1, 2]), {"author_id": 7, "solved": True}),
                                ({**visible([1, 2]), "idea": True}, {"kinds": ["faq"]}),
                                (visible([2]), {})):
        where = service._filters(conditions, filters.get("author_id"), filters.get("solved"),
                                 filters.get("kinds"), sqlite=True)
        candidates = service._sqlite_candidates(groups, where)
        compiled = sa.select(candidates).compile(db.engine,
                                                 compile_kwargs={"literal_binds": True})
        plan = [row[-1] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))]
        scans = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
        assert scans[0].startswith("SCAN search_fts VIRTUAL TABLE"), plan  # not every document
        assert not any("TEMP B-TREE" in step for step in plan), plan  # rowids come in order
        assert not any("MULTI-INDEX OR" in step for step in plan), plan


def test_migration_helpers_are_idempotent_and_autogenerate_ignores_them(ctx):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from community.search.models import create_search_index, include_name, include_object

    with db.engine.begin() as connection:
        create_search_index(connection)  # already there (create_all): no error
    add("topic", 1, "Backups", "nightly", topic_id=1)
    assert found("backups") == [("topic", 1)]  # SQLite's 'rebuild' kept the row indexed
    db.session.commit()  # in-memory SQLite has one connection: end the session's transaction
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": include_object, "include_name": include_name})
        diffs = compare_metadata(context, SearchDocument.metadata)
    assert [d for d in diffs if "search" in repr(d)] == []


def test_postgresql_plans_a_search_without_parallel_workers_and_restores_the_setting(ctx):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    setting = "SELECT current_setting('max_parallel_workers_per_gather')"
    db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 3"))
    add("topic", 1, "Backups", "nightly backups", topic_id=1)
    assert found("backups") == [("topic", 1)]
    assert db.session.scalar(sa.text(setting)) == "3"  # the rest of the transaction keeps it
