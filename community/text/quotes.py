"""Quotes in cooked HTML: a blockquote opening with a cite line ("@handle wrote:" linking to the
quoted post, as the forums' Quote button writes it) is marked so that it shows as a quote with
its author.

Pure string work on HTML that :func:`community.text.render_markdown` has already sanitized: it
only adds fixed class names to tags it matches exactly, and never changes any text or link.
A blockquote without a cite line stays a plain blockquote (styled as a quote all the same).
"""

from __future__ import annotations

import re

# The cite line as the sanitizer leaves it: "@handle" (or the deleted-member label in one of the
# site's languages: never free text, which could put any name on a quote), a space, then a
# link to a post permalink (/p/<id>) whose text is a short "wrote:" in the writer's language.
_CITE = re.compile(
    r'<blockquote>\n<p>(?P<who>@[A-Za-z0-9][A-Za-z0-9-]{0,39}|deleted member|membre supprimé) '
    r'(?P<link><a href="/p/[0-9]{1,12}" rel="nofollow ugc noopener">[^<>\n]{1,40}</a>)</p>'
)


def mark_quotes(html: str) -> str:
    """Mark each quote's blockquote (``class="quote"``) and cite line (``class="quote-cite"``)."""
    if "<blockquote>" not in html:
        return html
    return _CITE.sub(lambda m: (f'<blockquote class="quote">\n<p class="quote-cite">'
                                f'{m.group("who")} {m.group("link")}</p>'), html)
