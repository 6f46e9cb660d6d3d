"""The pure search rules: words, folded FR + EN stems, safe query strings, snippets."""

import pytest

from community.search import terms


@pytest.mark.parametrize(("text", "expected"), [
    ("Créer", "creer"),
    ("ÉLÈVE Noël", "eleve noel"),
    ("Straße", "strasse"),
    ("Ключ", "ключ"),  # other scripts keep their letters
])
def test_fold_lowercases_and_strips_accents(text, expected):
    assert terms.fold(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("a to be or not", ["not"]),  # 1-2 letter words are ignored
    ("l'export d'un CSV", ["export", "CSV"]),
    ("error 404 on v2.10", ["error", "404"]),
    ("snake_case-word", ["snake", "case", "word"]),
    ("", []),
])
def test_words_are_runs_of_three_or_more_letters_or_digits(text, expected):
    assert terms.words(text) == expected


@pytest.mark.parametrize(("document_word", "query_word"), [
    ("connexion", "connexions"),   # French plural
    ("connexions", "Connexion"),
    ("runs", "running"),           # English inflections
    ("run", "running"),
    ("créer", "creer"),            # accents do not matter
    ("creer", "créer"),
    ("créé", "crée"),
    ("Paramètres", "parametre"),
    ("404", "404"),                # numbers are kept whole
])
def test_a_query_word_matches_a_form_of_the_same_word(document_word, query_word):
    assert set(terms.word_terms(document_word)) & set(terms.word_terms(query_word))


@pytest.mark.parametrize(("document_word", "query_word"), [
    ("export", "import"), ("404", "4040"), ("password", "passport"),
])
def test_different_words_do_not_match(document_word, query_word):
    assert not set(terms.word_terms(document_word)) & set(terms.word_terms(query_word))


def test_terms_hold_only_letters_and_digits():
    for word in ("don't", "x²y²z", "٣٣٣abc", "ｆｕｌｌwidth", "e\u0301te\u0301", "naïve"):
        for term in (t for w in terms.words(word) for t in terms.word_terms(w)):
            assert all(c.isalpha() or c in "0123456789" for c in term), (word, term)


def test_document_terms_count_the_title_twice():
    indexed = terms.document_terms("Export", "export again").split()
    assert indexed.count("export") == 3


def test_query_groups_are_one_per_distinct_word_without_stop_words():
    assert terms.query_groups("how to reset the password") == [
        terms.word_terms("reset"), terms.word_terms("password")]
    assert terms.query_groups("Export export EXPORTS") == [terms.word_terms("export")]
    assert terms.query_groups("the who") == [terms.word_terms("the"), terms.word_terms("who")]
    assert terms.query_groups("a b cd ! ?") == []


def test_query_words_are_capped():
    query = " ".join(f"word{i:03d}" for i in range(30))
    assert len(terms.query_groups(query)) == terms.MAX_QUERY_WORDS


@pytest.mark.parametrize(("query", "fts5", "pg"), [
    ("connexions", '("connex" OR "connexion")', "('connex' | 'connexion')"),
    ('run" OR x', '("run")', "('run')"),
    ("export csv", '("export") AND ("csv")', "('export') & ('csv')"),
    ("'; DROP TABLE users; --", '("drop") AND ("tabl") AND ("user")',
     "('drop') & ('tabl') & ('user')"),
])
def test_query_strings_quote_every_term(query, fts5, pg):
    groups = terms.query_groups(query)
    assert terms.fts5_match(groups) == fts5
    assert terms.tsquery(groups) == pg


def test_snippet_marks_matched_words_and_escapes_everything_else():
    html = terms.snippet("<script>alert('x')</script> Running & runs",
                         terms.query_groups("run"))
    assert html == ("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>Running</mark> "
                    "&amp; <mark>runs</mark>")


def test_snippet_cuts_long_text_around_the_matches():
    text = "filler " * 100 + "the invoice is late " + "padding " * 100
    html = terms.snippet(text, terms.query_groups("invoices"), size=80)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>invoice</mark>" in html
    assert len(html) < 120


def test_snippet_without_a_match_is_the_start_of_the_text():
    assert terms.snippet("Hello world", terms.query_groups("absent")) == "Hello world"
    assert terms.snippet("", terms.query_groups("absent")) == ""
