"""Near-duplicate texts, table-driven: one text posted again by other accounts, lightly edited,
with or without accents, is caught; texts sharing a stock phrase, a reply quoting a post, one
member repeating themself, or texts too short to judge are not. Every setting is tried at its
edge."""

from datetime import datetime, timedelta

import pytest

from community.trust.detectors.duplicates import NAME, Settings, detect, passages, words
from community.trust.detectors.events import Text

T0 = datetime(2026, 10, 1, 9, 0)

REVIEW_FR = ("Très bon produit : l'équipe répond vite et l'intégration avec notre outil de "
             "facturation s'est faite en une après-midi. Je recommande à toutes les petites "
             "entreprises qui cherchent un logiciel simple, honnête et bien pensé.")
REVIEW_FR_PLAIN = ("Tres bon produit, l'equipe repond vite et l'integration avec notre outil de "
                   "facturation s'est faite en une apres-midi ! Je recommande a toutes les "
                   "petites entreprises qui cherchent un logiciel simple, honnete et bien pense.")
REVIEW_EN = ("Great product overall. Support answered within the hour, the import of our old "
             "invoices worked on the first try, and the monthly reports save our accountant a "
             "full day. I would recommend it to any small business looking for a simple tool.")
REVIEW_EN_EDITED = REVIEW_EN.replace("accountant", "bookkeeper")
SHORT = "Super appli, je la recommande vivement à toute l'équipe du bureau"  # 12 words
SHORT_EDITED = "Super appli je la recommande chaudement à toute l'équipe du bureau"


def text(body, account, n=None, hours=0, kind="review"):
    return Text((kind, n if n is not None else account), account,
                T0 + timedelta(hours=hours), body)


def numbered(n, start=0, prefix="w"):
    """``n`` distinct words: exact shingle counts for the edges."""
    return " ".join(f"{prefix}{i}" for i in range(start, start + n))


def test_the_defaults():
    assert Settings() == Settings(min_words=8, shingle_words=3, char_below=30, shingle_chars=5,
                                  jaccard=0.7, max_passages=3, num_perm=128, max_pairs=100)


@pytest.mark.parametrize(("body", "expected"), [
    ("Très BIEN, l'été !", ["tres", "bien", "l", "ete"]),
    ("Cœur, ÆSIR, straße", ["coeur", "aesir", "strasse"]),  # ligatures spelled out, ß folded
    ("12,5 € / mois_ok", ["12", "5", "mois", "ok"]),  # digits kept, _ separates
    ("Cafe\u0301 decomposed", ["cafe", "decomposed"]),  # a combining accent
    ("> quoted line\n  > indented quote\nmy own words", ["my", "own", "words"]),
    ("first line\n> a quote between\nsecond line", ["first", "line", "second", "line"]),
    ("a > b is not a quote", ["a", "b", "is", "not", "a", "quote"]),
    ("", []),
])
def test_words(body, expected):
    assert words(body) == expected


def test_a_french_review_posted_again_without_accents_is_caught():
    (finding,) = detect([text(REVIEW_FR, 1, hours=0), text(REVIEW_FR_PLAIN, 2, hours=5)])
    assert finding.detector == NAME == "near_duplicate"
    assert finding.subjects == (("review", 1), ("review", 2), ("account", 1), ("account", 2))
    assert finding.score == 0.75  # similarity 1.0 * (1 - 1/4)
    n = len(words(REVIEW_FR))
    assert n == 38
    assert finding.evidence == {
        "accounts": [1, 2],
        "similarity": 1.0,
        "first": "2026-10-01T09:00:00",
        "last": "2026-10-01T14:00:00",
        "texts": [
            {"subject": ["review", 1], "account": 1, "at": "2026-10-01T09:00:00", "words": n},
            {"subject": ["review", 2], "account": 2, "at": "2026-10-01T14:00:00", "words": n}],
        "pair_count": 1,
        "pairs": [{"subjects": [["review", 1], ["review", 2]], "accounts": [1, 2],
                   "similarity": 1.0,
                   "passages": [{"words": " ".join(words(REVIEW_FR)), "length": n,
                                 "start": [0, 0]}]}],
    }


def test_an_edited_english_review_is_caught():
    (finding,) = detect([text(REVIEW_EN, 1), text(REVIEW_EN_EDITED, 2, hours=1)])
    # 42 words, 40 shingles each; word 25 changed: 3 shingles differ, 37 shared of 43
    assert finding.evidence["similarity"] == 0.86
    assert finding.score == pytest.approx(37 / 43 * 0.75, abs=5e-4)
    (pair,) = finding.evidence["pairs"]
    assert pair["similarity"] == 0.86  # 0.8605
    assert pair["passages"] == [
        {"words": " ".join(words(REVIEW_EN)[:25]), "length": 25, "start": [0, 0]},
        {"words": " ".join(words(REVIEW_EN)[26:]), "length": 16, "start": [26, 26]}]
    assert pair["passages"][0]["words"].startswith("great product overall")


def test_a_short_text_edited_is_caught_by_its_characters():
    """12 words: one changed word leaves 7 of 13 word shingles (0.538), but 53 of 69
    5-character shingles (0.768)."""
    (finding,) = detect([text(SHORT, 1), text(SHORT_EDITED, 2, hours=1)])
    assert finding.evidence["similarity"] == 0.768
    assert finding.score == pytest.approx(53 / 69 * 0.75, abs=5e-4)
    assert detect([text(SHORT, 1), text(SHORT_EDITED, 2)], settings=Settings(char_below=12)) \
        == []
    assert len(detect([text(SHORT, 1), text(SHORT_EDITED, 2)],
                      settings=Settings(char_below=13))) == 1


@pytest.mark.parametrize("texts", [
    # two unrelated French reviews sharing a stock phrase ("depuis 2 ans… très satisfait")
    pytest.param([
        text("J'utilise ce logiciel depuis 2 ans et j'en suis très satisfait, le support "
             "répond vite.", 1),
        text("J'utilise cette application depuis 2 ans et j'en suis très satisfait, mais "
             "l'export PDF plante souvent.", 2)], id="stock-phrase-fr"),
    # a short common phrase against a long, different review containing it
    pytest.param([text("Great product, works well.", 1),
                  text("Great product, works well. " + REVIEW_EN, 2)], id="common-phrase"),
    # two long English reviews with the same opening and different substance
    pytest.param([
        text("Great product overall. " + numbered(30, prefix="a"), 1),
        text("Great product overall. " + numbered(30, prefix="b"), 2)], id="same-opening"),
    # a reply quoting the post it answers
    pytest.param([text(REVIEW_EN, 1, kind="post"),
                  text("> " + REVIEW_EN + "\n>\n> (quoted)\n\nI disagree: the reports "
                       "missed two invoices last month and support took a week.", 2,
                       n=2, kind="post")], id="quoting-reply"),
    # one member posting the same text twice
    pytest.param([text(REVIEW_EN, 1, n=1), text(REVIEW_EN, 1, n=2, hours=24)],
                 id="same-account"),
    # too short to judge, however identical: seven words
    pytest.param([text("Top, je recommande, rien à redire, vraiment.", 1),
                  text("Top, je recommande, rien à redire, vraiment.", 2)], id="too-short"),
])
def test_honest_look_alikes_are_not_flagged(texts):
    assert detect(texts) == []


def test_a_crowd_copying_one_text_is_one_finding():
    texts = [text(REVIEW_EN, a, hours=a) for a in (3, 1, 2)]
    (finding,) = detect(texts)
    assert finding.evidence["accounts"] == [1, 2, 3]
    assert finding.score == 0.833  # 1.0 * (1 - 1/6)
    assert [p["accounts"] for p in finding.evidence["pairs"]] == [[1, 2], [1, 3], [2, 3]]
    assert finding.evidence["first"] == "2026-10-01T10:00:00"
    assert finding.evidence["last"] == "2026-10-01T12:00:00"
    assert finding.subjects == (("review", 1), ("review", 2), ("review", 3),
                                ("account", 1), ("account", 2), ("account", 3))


def test_one_members_repeats_join_a_crowd_only_through_another_account():
    texts = [text(REVIEW_EN, 1, n=10), text(REVIEW_EN, 1, n=11, hours=1),
             text(REVIEW_EN, 2, n=12, hours=2)]
    (finding,) = detect(texts)
    assert finding.evidence["accounts"] == [1, 2]
    assert finding.score == 0.75  # two accounts
    assert [p["subjects"] for p in finding.evidence["pairs"]] == [
        [["review", 10], ["review", 12]], [["review", 11], ["review", 12]]]
    assert len(finding.evidence["texts"]) == 3


def test_findings_are_ordered_by_score():
    texts = [text(REVIEW_FR, 1), text(REVIEW_FR_PLAIN, 2),  # 0.75
             text(REVIEW_EN, 3), text(REVIEW_EN_EDITED, 4), text(REVIEW_EN, 5)]
    found = detect(texts)
    assert [f.evidence["accounts"] for f in found] == [[3, 4, 5], [1, 2]]
    # three accounts: mean of 1.0, 37/43, 37/43, times (1 - 1/6)
    assert found[0].score == pytest.approx((1 + 74 / 43) / 3 * 5 / 6, abs=5e-4)
    assert found[1].score == 0.75


def test_equal_scores_are_ordered_by_their_subjects():
    texts = [text(REVIEW_EN, 3, n=30), text(REVIEW_EN, 4, n=31),
             text(REVIEW_FR, 1, n=40), text(REVIEW_FR, 2, n=41)]
    found = detect(texts)
    assert [f.subjects[0] for f in found] == [("review", 30), ("review", 40)]


def edge_pair():
    """19 words each, the first 16 shared: 14 shared word shingles of 20 (0.7)."""
    return [text(numbered(19), 1), text(numbered(16) + " x0 x1 x2", 2, hours=1)]


def test_jaccard_edge():
    words_only = Settings(char_below=0)
    (finding,) = detect(edge_pair(), settings=words_only)
    assert finding.evidence["similarity"] == 0.7
    assert detect(edge_pair(), settings=Settings(char_below=0, jaccard=0.71)) == []


def test_shingle_words_is_a_setting():
    # bigrams: 15 shared of 21
    (finding,) = detect(edge_pair(), settings=Settings(char_below=0, shingle_words=2))
    assert finding.evidence["similarity"] == 0.714


def test_characters_count_only_when_higher_and_for_two_short_texts():
    # the edge pair has 19 words: its characters (50 of 69 shared) beat its words (0.7)
    (finding,) = detect(edge_pair())
    assert char_jaccard(*edge_pair()) == 50 / 69
    assert finding.evidence["similarity"] == round(50 / 69, 3)
    # one text of 29 words, one of 31: only the words are compared (27 of 29 shingles)
    (finding,) = detect([text(numbered(29), 1), text(numbered(29) + " x0 x1", 2)])
    assert finding.evidence["similarity"] == round(27 / 29, 3)
    # one text of 30 words: characters are not compared
    long_one = [text(numbered(30), 1), text(numbered(27) + " x0 x1 x2", 2)]
    (finding,) = detect(long_one)
    assert finding.evidence["similarity"] == round(25 / 31, 3)


def char_jaccard(first, second, size=5):
    grams = [{" ".join(words(t.text))[i:i + size]
              for i in range(len(" ".join(words(t.text))) - size + 1)} for t in (first, second)]
    return len(grams[0] & grams[1]) / len(grams[0] | grams[1])


def test_shingle_chars_is_a_setting():
    pair = [text(SHORT, 1), text(SHORT_EDITED, 2)]
    (finding,) = detect(pair, settings=Settings(shingle_chars=4))
    assert finding.evidence["similarity"] == round(char_jaccard(*pair, size=4), 3)
    assert finding.evidence["similarity"] != 0.768


def test_min_words_edge():
    eight = "Top, je recommande, rien à redire, vraiment, merci."
    assert len(words(eight)) == 8
    assert len(detect([text(eight, 1), text(eight, 2)])) == 1
    assert detect([text(eight, 1), text(eight, 2)], settings=Settings(min_words=9)) == []


def test_max_passages_edge():
    """Three runs of ten words, one word inserted between them: 24 shared shingles of 34."""
    blocks = [numbered(10, prefix=p) for p in "abc"]
    pair = [text(" ".join(blocks), 1), text(" x ".join(blocks), 2)]
    (finding,) = detect(pair)
    assert finding.evidence["similarity"] == round(24 / 34, 3)
    assert [p["start"] for p in finding.evidence["pairs"][0]["passages"]] == [
        [0, 0], [10, 11], [20, 22]]
    (finding,) = detect(pair, settings=Settings(max_passages=2))
    assert [p["start"] for p in finding.evidence["pairs"][0]["passages"]] == [[0, 0], [10, 11]]


@pytest.mark.parametrize(("first", "second", "expected"), [
    # the longest run first, then by position in the first text
    ("a b c d e x f g h y i j k l", "f g h z a b c d e w i j k l",
     [{"words": "a b c d e", "length": 5, "start": [0, 4]},
      {"words": "i j k l", "length": 4, "start": [10, 10]}]),
    # runs of two words are no passage
    ("a b x c d y", "a b z c d w", []),
    # three words are
    ("a b c x", "y a b c", [{"words": "a b c", "length": 3, "start": [0, 1]}]),
    ("", "a b c", []),
])
def test_passages(first, second, expected):
    assert passages(first.split(), second.split()) == expected


def test_passages_follow_the_settings():
    runs = passages("a b x c d y e f g".split(), "a b z c d w e f g".split(),
                    Settings(shingle_words=2, max_passages=2))
    assert runs == [{"words": "e f g", "length": 3, "start": [6, 6]},
                    {"words": "a b", "length": 2, "start": [0, 0]}]


def test_the_output_does_not_depend_on_the_input_order():
    texts = [text(REVIEW_EN, 3, hours=2), text(REVIEW_EN_EDITED, 4, hours=1),
             text(REVIEW_FR, 1), text(REVIEW_FR_PLAIN, 2)]
    assert detect(texts) == detect(list(reversed(texts)))


def test_fewer_permutations_still_find_a_copy():
    assert len(detect([text(REVIEW_EN, 1), text(REVIEW_EN, 2)],
                      settings=Settings(num_perm=16))) == 1


def test_a_text_too_short_does_not_hide_later_ones():
    texts = [text("Top, je recommande.", 9, hours=-1), text(REVIEW_EN, 1), text(REVIEW_EN, 2)]
    (finding,) = detect(texts)
    assert finding.evidence["accounts"] == [1, 2]


def test_pair_similarity_is_rounded():
    (finding,) = detect([text(REVIEW_EN, 3), text(REVIEW_EN_EDITED, 4), text(REVIEW_EN, 5)])
    assert [p["similarity"] for p in finding.evidence["pairs"]] == [0.86, 1.0, 0.86]
    assert finding.evidence["similarity"] == 0.907  # (1 + 2 * 37/43) / 3 = 0.9070


def test_passages_of_long_texts_keep_their_common_words():
    """Past 200 words difflib would treat frequent words as junk: not here."""
    first = [f"a{i}" for i in range(120)] + ["the"] * 10 + [f"a{i}" for i in range(120, 240)]
    second = [f"b{i}" for i in range(120)] + ["the"] * 10 + [f"b{i}" for i in range(120, 240)]
    assert passages(first, second) == [{"words": " ".join(["the"] * 10), "length": 10,
                                        "start": [120, 120]}]


def test_max_pairs_edge():
    texts = [text(REVIEW_EN, 3), text(REVIEW_EN_EDITED, 4), text(REVIEW_EN, 5)]
    (finding,) = detect(texts, settings=Settings(max_pairs=3))
    assert len(finding.evidence["pairs"]) == 3
    (finding,) = detect(texts, settings=Settings(max_pairs=2))
    assert finding.evidence["pair_count"] == 3
    assert [p["accounts"] for p in finding.evidence["pairs"]] == [[3, 4], [3, 5]]
    assert finding.evidence["similarity"] == 0.907  # every pair counts, listed or not
