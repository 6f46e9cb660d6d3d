"""The topic page (issue #15): quotes shown as quotes with their author, a solved question's
link to its accepted answer, the reply button as the form's default, and why a moderator hid
something, told to its author and the moderators only."""

from __future__ import annotations

import html as html_lib
import re

import pytest
import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.forums.models import Post, Topic
from community.text import render_markdown
from tests.forums.conftest import act, as_member, new_reply, new_topic, people
from tests.helpers import hidden_fields, text


def _page(client, topic_id: int, page: int | None = None) -> str:
    url = f"/t/{topic_id}" + (f"?page={page}" if page else "")
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, text(response)
    return text(response)


def _textarea(html: str) -> str:
    match = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert match, html
    return html_lib.unescape(match.group(1)).lstrip("\r\n")


def _quote_and_reply(client, topic_id: int, post_id: int, extra: str = "") -> str:
    """Open the reply page quoting ``post_id``, send what it offers (plus ``extra``)."""
    page = text(client.get(f"/t/{topic_id}/reply?quote={post_id}"))
    body = _textarea(page) + extra
    response = client.post(f"/t/{topic_id}/reply", data={
        **hidden_fields(page), "body": body, "submit": "Reply"})
    assert response.status_code == 302, text(response)
    return body


# ---- quotes ----

def test_a_quoted_post_shows_as_a_quote_with_its_author_linking_to_the_post(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    quoted = new_reply(app, bob.id, topic_id, "Open **Settings**, then Export.\n\nThat is all.")
    as_member(client, "alice@example.com")
    body = _quote_and_reply(client, topic_id, quoted, "Thanks, found it.")
    assert body.startswith(f"> @bob [wrote:](/p/{quoted})\n>\n> Open **Settings**")
    page = _page(client, topic_id)
    quote = re.search(r'<blockquote class="quote">(.*?)</blockquote>', page, re.S)
    assert quote, page
    cite = re.search(r'<p class="quote-cite">(.*?)</p>', quote.group(1), re.S).group(1)
    assert '<a class="mention" href="/u/bob">@bob</a>' in cite
    assert f'<a href="/p/{quoted}" rel="nofollow ugc noopener">wrote:</a>' in cite
    assert "<strong>Settings</strong>" in quote.group(1)
    assert "Thanks, found it." in page


def test_a_cite_line_in_another_language_makes_a_quote_too():
    """The Quote button writes "wrote:" in the writer's language ("a écrit :" in French)."""
    html = render_markdown("> @bob [a écrit\u00a0:](/p/12)\n>\n> Bonjour")
    assert '<blockquote class="quote">' in html
    assert '<p class="quote-cite">@bob <a href="/p/12" rel="nofollow ugc noopener">' in html


def test_quoting_escapes_a_hostile_author_and_body(app, client, forum):
    alice, = people(app, "alice")
    with app.app_context():
        evil = User(handle="evil", display_name='<script>alert("name")</script>',
                    email="evil@example.com", email_normalized="evil@example.com",
                    password_hash="x", email_verified_at=db.func.now())
        db.session.add(evil)
        db.session.commit()
        evil_id = evil.id
    topic_id = new_topic(app, alice.id, forum.general)
    quoted = new_reply(app, evil_id, topic_id,
                       '<img src=x onerror=alert(1)> [click](javascript:alert(2)) '
                       '<script>alert(3)</script>\n\n> @x [wrote:](javascript:alert(4))')
    as_member(client, "alice@example.com")
    _quote_and_reply(client, topic_id, quoted)
    page = _page(client, topic_id)
    body = page[page.index('id="p3"'):]
    assert "<img" not in body and "<script>alert" not in body
    assert 'href="javascript' not in page and "quote-cite\">@x" not in page
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in page or \
        "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize("source", [
    "> @bob [wrote:](//evil.example/p/1)\n>\n> hi",   # not a post of this site
    "> @bob [wrote:](https://evil.example/p/1)\n>\n> hi",
    "> @bob [wrote:](/p/1 \"title\")\n>\n> hi",
])
def test_only_a_cite_line_linking_to_a_post_here_makes_a_quote(source):
    html = render_markdown(source)
    assert "<blockquote>" in html and "quote-cite" not in html


def test_a_quote_written_before_the_change_still_renders_as_a_blockquote(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    new_reply(app, bob.id, topic_id, "@alice wrote:\n> I cannot find the export button.")
    page = _page(client, topic_id)
    assert re.search(r"<blockquote>\s*<p>I cannot find the export button.</p>\s*</blockquote>",
                     page)


def test_quoting_a_hidden_post_offers_nothing(app, client, forum, moderator):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    quoted = new_reply(app, bob.id, topic_id, "Secret words")
    mod = as_member(app.test_client(), "mo@example.com")
    act(mod, f"/p/{quoted}/moderate/hide", f"/t/{topic_id}", reason="spam")
    as_member(client, "alice@example.com")
    assert _textarea(text(client.get(f"/t/{topic_id}/reply?quote={quoted}"))) == ""


# ---- the accepted answer ----

def test_a_solved_question_links_to_its_accepted_answer_on_another_page(app, client, forum):
    alice, bob, carol = people(app, "alice", "bob", "carol")
    topic_id = new_topic(app, alice.id, forum.general, question=True)
    replies = [new_reply(app, carol.id, topic_id, f"Guess {n}") for n in range(2, 23)]
    answer = new_reply(app, bob.id, topic_id, "The real answer")  # post #23, page 2
    replies.append(new_reply(app, carol.id, topic_id, "Thanks"))
    assert "accepted answer" not in _page(client, topic_id).lower().replace(
        "accept this answer", "")
    as_member(client, "alice@example.com")
    assert act(client, f"/p/{answer}/accept", f"/t/{topic_id}?page=2").status_code == 302
    first = _page(app.test_client(), topic_id)
    link = re.search(r'<p class="solved-link">.*?<a href="([^"]+)">([^<]+)</a>', first, re.S)
    assert link, first
    assert link.group(1) == f"/p/{answer}" and link.group(2) == "See the accepted answer by Bob Doe"
    landing = app.test_client().get(link.group(1))
    assert landing.status_code == 302 and landing.location.endswith("?page=2#p23")
    second = _page(app.test_client(), topic_id, page=2)
    assert re.search(r'<p class="solved-link">.*?<a href="#p23">', second, re.S)


def test_an_unsolved_question_or_a_discussion_has_no_link(app, client, forum):
    alice, bob = people(app, "alice", "bob")
    question = new_topic(app, alice.id, forum.general, question=True)
    new_reply(app, bob.id, question)
    discussion = new_topic(app, alice.id, forum.general, title="Show us your setups")
    assert "solved-link" not in _page(client, question)
    assert "solved-link" not in _page(client, discussion)


# ---- the reply form ----

def test_the_reply_button_comes_before_the_preview_so_enter_sends_the_reply(app, client, forum):
    alice, = people(app, "alice")
    topic_id = new_topic(app, alice.id, forum.general)
    as_member(client, "alice@example.com")
    for html in (_page(client, topic_id), text(client.get(f"/t/{topic_id}/reply"))):
        form = html[html.index(f'action="/t/{topic_id}/reply"'):]
        assert form.index('name="submit"') < form.index('name="preview"'), form


# ---- why it was hidden ----

@pytest.fixture
def hidden_post(app, forum, moderator):
    alice, bob, carol = people(app, "alice", "bob", "carol")
    topic_id = new_topic(app, alice.id, forum.general)
    post_id = new_reply(app, bob.id, topic_id, "Buy cheap watches here")
    from community.moderation import service as moderation
    with app.app_context():  # two reports, decided in the queue with a note for moderators
        moderation.open_flag(db.session.get(User, alice.id), "post", post_id, "spam")
        moderation.open_flag(db.session.get(User, carol.id), "post", post_id, "off_topic")
        moderation.open_flag(db.session.get(User, carol.id), "account", bob.id, "fake")
        moderation.decide_subject(db.session.scalar(sa.select(User).where(
            User.email == "mo@example.com")), "post", post_id, "hide",
            "Carol <b>says</b> he is Dave's sockpuppet")
        db.session.commit()
    return topic_id, post_id


# the kinds of report, never the moderator's note (written for moderators: it names people)
REASON = ("Hidden by a moderator after members reported it: "
          "Off topic, Spam or advertising.")
NOTE = "sockpuppet"


def test_the_author_of_a_hidden_post_reads_why_and_their_text(app, client, hidden_post):
    topic_id, _ = hidden_post
    as_member(client, "bob@example.com")
    page = _page(client, topic_id)
    assert REASON in page and "Only you and the moderators can see it." in page
    assert "Buy cheap watches here" in page and NOTE not in page


def test_moderators_read_why_a_post_was_hidden(app, hidden_post):
    topic_id, _ = hidden_post
    page = _page(as_member(app.test_client(), "mo@example.com"), topic_id)
    assert REASON in page and "Buy cheap watches here" in page
    assert "Only you and the moderators" not in page


@pytest.mark.parametrize("who", [None, "carol@example.com", "alice@example.com"])
def test_others_see_that_a_post_is_hidden_but_not_why(app, hidden_post, who):
    topic_id, _ = hidden_post
    client = app.test_client()
    if who:
        as_member(client, who)
    page = _page(client, topic_id)
    assert "This post was hidden by a moderator." in page
    assert "reported" not in page and "Buy cheap watches" not in page


def test_the_reason_given_from_the_flag_queue_is_the_one_shown(app, client, forum, moderator):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    post_id = new_reply(app, bob.id, topic_id, "Rude words")
    from community.moderation import service as moderation
    with app.app_context():
        moderation.open_flag(db.session.get(User, alice.id), "post", post_id, "abuse")
        moderation.decide_subject(db.session.scalar(sa.select(User).where(
            User.email == "mo@example.com")), "post", post_id, "hide", "Personal attack")
        db.session.commit()
    as_member(client, "bob@example.com")
    page = _page(client, topic_id)
    assert "after members reported it: Abusive or disrespectful." in page
    assert "Personal attack" not in page  # the moderator's note stays among moderators


def test_a_reason_undone_is_not_shown_for_a_later_hiding(app, client, hidden_post):
    topic_id, post_id = hidden_post
    mod = as_member(app.test_client(), "mo@example.com")
    act(mod, f"/p/{post_id}/moderate/unhide", f"/t/{topic_id}")
    act(mod, f"/p/{post_id}/moderate/hide", f"/t/{topic_id}", reason="Spam again, see #12")
    as_member(client, "bob@example.com")
    page = _page(client, topic_id)
    assert "This post was hidden by a moderator." in page
    assert "reported" not in page and "see #12" not in page


def test_the_author_of_a_hidden_topic_may_open_it_and_read_why(app, client, forum, moderator):
    alice, carol = people(app, "alice", "carol")
    topic_id = new_topic(app, alice.id, forum.general, title="Selling my licence cheap")
    mod = as_member(app.test_client(), "mo@example.com")
    act(mod, f"/t/{topic_id}/moderate/hide", f"/t/{topic_id}", reason="No trading here")
    as_member(client, "alice@example.com")
    page = _page(client, topic_id)
    assert "This topic is hidden by a moderator." in page and "No trading here" not in page
    assert 'class="form reply-form"' not in page  # no replies to a hidden topic
    other = as_member(app.test_client(), "carol@example.com")
    assert other.get(f"/t/{topic_id}").status_code == 404
    assert app.test_client().get(f"/t/{topic_id}").status_code == 404
    assert "This topic is hidden by a moderator." in _page(mod, topic_id)


def test_a_hidden_post_without_a_reason_says_it_was_hidden(app, client, forum, moderator):
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    post_id = new_reply(app, bob.id, topic_id, "Meh")
    act(as_member(app.test_client(), "mo@example.com"), f"/p/{post_id}/moderate/hide",
        f"/t/{topic_id}")
    as_member(client, "bob@example.com")
    page = _page(client, topic_id)
    assert "This post was hidden by a moderator." in page and "Hidden by a moderator:" not in page


def test_a_hidden_review_tells_its_author_why(app, client, moderator):
    from datetime import date

    from community.reviews import service as reviews
    from community.reviews.models import Product
    alice, carol = people(app, "alice", "carol")
    with app.app_context():
        product = Product(name="Cercle Cloud", slug="cloud", launched_on=date(2024, 1, 1))
        db.session.add(product)
        db.session.flush()
        review = reviews.write_review(db.session.get(User, alice.id), product, 2,
                                        "Not great at all", "It crashed twice on me.",
                                        date(2024, 6, 1))
        mo = db.session.scalar(sa.select(User).where(User.email == "mo@example.com"))
        db.session.commit()
        review_id = review.id
        from community.moderation import service as moderation
        moderation.open_flag(db.session.get(User, carol.id), "review", review_id, "fake")
        moderation.decide_subject(mo, "review", review_id, "hide", "Rating a competitor")
        db.session.commit()
    as_member(client, "alice@example.com")
    page = text(client.get(f"/reviews/{review_id}"))
    assert ("Hidden by a moderator after members reported it: Fake: not a real person, or "
            "not a genuine opinion.") in page and "Rating a competitor" not in page
    assert as_member(app.test_client(), "carol@example.com").get(
        f"/reviews/{review_id}").status_code == 404


def test_the_topic_page_stays_bounded_with_hidden_posts(app, forum, moderator):
    """The reasons come in one query for the page, however many posts are hidden."""
    from tests.helpers import queries_for
    alice, bob = people(app, "alice", "bob")
    topic_id = new_topic(app, alice.id, forum.general)
    posts = [new_reply(app, bob.id, topic_id, f"Reply {n}") for n in range(6)]
    mod = as_member(app.test_client(), "mo@example.com")
    act(mod, f"/p/{posts[0]}/moderate/hide", f"/t/{topic_id}", reason="one")
    with app.app_context():
        slug = db.session.get(Topic, topic_id).slug
    one = queries_for(app, mod, f"/t/{topic_id}-{slug}")
    for post_id in posts[1:]:
        act(mod, f"/p/{post_id}/moderate/hide", f"/t/{topic_id}", reason="more")
    assert queries_for(app, mod, f"/t/{topic_id}-{slug}") == one
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(
            Post.hidden.is_(True))) == 6
