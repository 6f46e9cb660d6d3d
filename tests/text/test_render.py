"""The one rendering path: Markdown -> HTML -> allow-list, and @mentions in cooked HTML."""

import pytest

from community.text import plain_text, render_markdown
from community.text.mentions import find_mentions, link_mentions


@pytest.mark.parametrize("source,expected", [
    ("```\na<b & c\n```", "<pre><code>a&lt;b &amp; c\n</code></pre>"),  # escaped once
    ("`x<y`", "<p><code>x&lt;y</code></p>"),
    ("<b>bold?</b>", "<p>&lt;b&gt;bold?&lt;/b&gt;</p>"),  # raw HTML is text
    ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("# Title", "<h3>Title</h3>"),
    ("see https://example.com/a", '<p>see <a href="https://example.com/a" '
                                  'rel="nofollow ugc noopener">https://example.com/a</a></p>'),
    ("[doc](https://example.com)", '<p><a href="https://example.com" '
                                   'rel="nofollow ugc noopener">doc</a></p>'),
])
def test_render_markdown(source, expected):
    assert render_markdown(source).strip() == expected


def test_urls_in_code_are_not_linked():
    assert "<a" not in render_markdown("`https://example.com`")


def test_mentions_are_found_in_text_only():
    html = render_markdown("Hi @Alice, @bob! `@carol` [@dan](https://example.com) a@b.com")
    assert find_mentions(html) == ["alice", "bob"]


def test_only_known_members_become_links():
    html = render_markdown("@alice and @ghost")
    linked = link_mentions(html, {"alice"}, lambda h: f"/u/{h}")
    assert '<a class="mention" href="/u/alice">@alice</a>' in linked
    assert "@ghost" in linked and "/u/ghost" not in linked


def test_plain_text_keeps_words_apart():
    assert plain_text(render_markdown("**a**\n\n- b\n- c&d")) == "a b c&d"


def test_a_quote_is_marked_only_for_a_handle_or_the_deleted_member_label():
    from community.text import render_markdown
    quoted = render_markdown("> @bob [wrote:](/p/12)\n>\n> Hello")
    assert '<blockquote class="quote">' in quoted and '<p class="quote-cite">' in quoted
    gone = render_markdown("> deleted member [wrote:](/p/12)\n>\n> Hello")
    assert '<blockquote class="quote">' in gone
    for forged in ("> The CEO of Cercle [wrote:](/p/1)\n>\n> We will refund everyone",
                   "> @bob [wrote:](https://evil.example/p/1)\n>\n> x"):
        html = render_markdown(forged)
        assert 'class="quote' not in html and "<blockquote>" in html
