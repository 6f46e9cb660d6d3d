"""Search terms: words -> folded French and English stems, query strings, highlighted snippets.

Pure module (no Flask, no database). Both databases index the same thing: the text's terms as
computed here, so SQLite (FTS5) and PostgreSQL (tsvector) find exactly the same documents.

A *word* is a run of 3+ letters or digits (1-2 character words are ignored). A word made of
letters gives its French and English Snowball stems, case- and accent-folded ("Connexions" ->
``connex``, ``connexion``; "créer" -> ``cre``, ``creer``); a word with a digit ("404", "e1234")
is kept whole, folded. A query word matches a document when *either* of its stems is among the
document's terms, and every query word must match (AND). Terms hold only letters and the ASCII
digits, so the query strings built from them cannot carry any search syntax.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# Snowball stemmers keep their state in the object while they work: one pair per thread
# (gunicorn's gthread workers serve several requests at once; a shared pair raised
# IndexError, or stemmed wrongly, under load).
_LOCAL = threading.local()


def stemmers():
    """This thread's French and English Snowball stemmers."""
    found = getattr(_LOCAL, "stemmers", None)
    if found is None:
        found = _LOCAL.stemmers = (snowballstemmer.stemmer("french"),
                                   snowballstemmer.stemmer("english"))
    return found
_WORD = re.compile(r"[^\W_]+")
MIN_WORD = 3
MAX_TERM = 40
MAX_QUERY_WORDS = 8
MAX_INDEXED_WORDS = 5000
SNIPPET_CHARS = 220
_SNIPPET_SCAN_WORDS = 3000

# Said in nearly every question: dropped from queries (unless a query has nothing else), so that
# "how to reset the password" needs only "reset" and "password".
STOP_WORDS = frozenset("""
the and for with how what when where why who whom which you your yours are was were this that
these those from have has had can could not but all any our out get got into about its
does did doing there their then than them they will would should shall may might must also
just very too here been being each some such only own same both more most other off over under
les des une est que qui pour pas dans sur avec son ses par mais comment quoi quel quelle quels
quelles leur leurs nous vous ils elles sont ont aux cette ces tout tous toute toutes plus moins
ete etre avoir fait faire peut peux comme sans sous entre chez donc car lui elle mes tes vos nos
notre votre mon ton aussi tres deja encore alors quand
""".split())


def fold(text: str) -> str:
    """Lower-case (casefold) and strip accents: "Créer" -> "creer"; other scripts keep letters."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _clean(term: str) -> str:
    # Only letters and ASCII digits: what FTS5's unicode61 and PostgreSQL's parser both read
    # as one word, and nothing a query syntax could interpret.
    return "".join(c for c in term if c.isalpha() or c in "0123456789")[:MAX_TERM]


def words(text: str) -> list[str]:
    """The words of 3+ letters or digits in a text, in order (NFKC-normalized, original case)."""
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", text or ""))
            if len(w) >= MIN_WORD]


@lru_cache(maxsize=100_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms of one word: its folded FR and EN stems (one if they agree), or the folded word
    itself when it holds a digit. Empty when nothing indexable is left."""
    lowered = word.casefold()
    if any(c.isdigit() for c in lowered):
        candidates = [fold(lowered)]
    else:
        candidates = [fold(stemmer.stemWord(lowered)) for stemmer in stemmers()]
    found: list[str] = []
    for candidate in candidates:
        term = _clean(candidate)
        if len(term) >= 2 and term not in found:
            found.append(term)
    return tuple(found)


def document_terms(title: str, body: str) -> str:
    """What is indexed for a document: the terms of the title (twice, so title words weigh
    more), then of the body, space-joined, in order (so term frequency counts for ranking)."""
    out: list[str] = []
    title_terms = [t for w in words(title) for t in word_terms(w)]
    out.extend(title_terms)
    out.extend(title_terms)
    for word in words(body)[:MAX_INDEXED_WORDS]:
        out.extend(word_terms(word))
    return " ".join(out)


def query_groups(query: str) -> list[tuple[str, ...]]:
    """A query's words as groups of alternative terms (one group per distinct word, stop words
    dropped unless nothing else is left, at most ``MAX_QUERY_WORDS``). Empty: nothing to look
    for."""
    groups: list[tuple[str, ...]] = []
    stops: list[tuple[str, ...]] = []
    for word in words(query[:1000]):
        terms = word_terms(word)
        if not terms or terms in groups or terms in stops:
            continue
        (stops if fold(word) in STOP_WORDS else groups).append(terms)
    return (groups or stops)[:MAX_QUERY_WORDS]


def fts5_match(groups: list[tuple[str, ...]]) -> str:
    """The FTS5 MATCH string: ``("s1" OR "s2") AND ("t1")``; terms are quoted strings."""
    return " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)


def tsquery(groups: list[tuple[str, ...]]) -> str:
    """The PostgreSQL ``to_tsquery('simple', ...)`` string: ``('s1' | 's2') & ('t1')``."""
    return " & ".join("(" + " | ".join(f"'{t}'" for t in group) + ")" for group in groups)


def _matches(text: str, wanted: frozenset[str]) -> list[tuple[int, int]]:
    spans = []
    for count, match in enumerate(_WORD.finditer(text)):
        if count >= _SNIPPET_SCAN_WORDS:
            break
        word = match.group()
        if len(word) >= MIN_WORD and wanted.intersection(word_terms(word)):
            spans.append(match.span())
    return spans


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    """The ``size``-character window, starting a little before a match, holding most matches
    (the earliest such window on a tie); the text's start when nothing matched."""
    if len(text) <= size:
        return 0, len(text)
    best_start, best_count = 0, -1
    for start, _end in spans[:50]:
        begin = max(0, start - size // 4)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + size)
        if count > best_count:
            best_start, best_count = begin, count
    begin = best_start
    if begin > 0:  # start on a word boundary
        space = text.find(" ", begin, begin + 30)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + size)
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > begin else end
    return begin, end


def snippet(text: str, groups: list[tuple[str, ...]], size: int = SNIPPET_CHARS) -> str:
    """An HTML excerpt of ``text`` around the query's words: everything escaped, each matched
    word wrapped in ``<mark>``, "…" where the text was cut."""
    text = " ".join((text or "").split())
    wanted = frozenset(t for group in groups for t in group)
    spans = _matches(text, wanted) if wanted else []
    begin, end = _window(text, spans, size)
    parts = ["…"] if begin > 0 else []
    position = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        parts.append(html.escape(text[position:start]))
        parts.append("<mark>" + html.escape(text[start:stop]) + "</mark>")
        position = stop
    parts.append(html.escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)
