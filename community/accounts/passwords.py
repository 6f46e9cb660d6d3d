"""Password strength and hashing.

Strength comes from zxcvbn (its frequency lists of leaked passwords, names, words and keyboard
patterns, and its guess-count score), not from a hand-made list. Hashes are scrypt (Werkzeug).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

# zxcvbn's warnings are English; each is mapped to a translated reason.
_WARNINGS = {
    "This is a top-10 common password.": _l("This is one of the 10 most common passwords."),
    "This is a top-100 common password.": _l("This is one of the 100 most common passwords."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l(
        "This is too close to a commonly used password."
    ),
    "A word by itself is easy to guess.": _l("A single word is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l(
        "A name on its own is easy to guess."
    ),
    "Common names and surnames are easy to guess.": _l("Common names are easy to guess."),
    "Straight rows of keys are easy to guess.": _l("Rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l("Keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l('Repeats like "aaa" are easy to guess.'),
    "Sequences like abc or 6543 are easy to guess.": _l(
        'Sequences like "abc" or "6543" are easy to guess.'
    ),
    'Sequences like "abc" or "6543" are easy to guess.': _l(
        'Sequences like "abc" or "6543" are easy to guess.'
    ),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Dates are often easy to guess.": _l("Dates are easy to guess."),
}
_GENERIC = _l("This password is too easy to guess.")
_ADVICE = _l("Try a few uncommon words together: length beats symbols.")

# A real scrypt hash of a random string: checked against on unknown e-mails so that a login
# attempt costs the same time whether or not the account exists.
_DUMMY_HASH = generate_password_hash("cercle-timing-equaliser-7b1f0c", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; costs one scrypt even when there is no hash to check against."""
    if not password_hash or not password_hash.startswith("scrypt:"):
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


def password_problems(
    password: str, user_inputs: list[str], *, min_length: int, min_score: int
) -> list[str]:
    """Reasons (translated) to refuse a password; empty when it is acceptable.

    Refused: shorter than ``min_length`` characters, or a zxcvbn score below ``min_score``
    (0-4) computed with the member's own name and e-mail as known words.
    """
    if len(password) < min_length:
        return [str(_l("Use at least %(n)d characters.", n=min_length))]
    # zxcvbn refuses more than 72 characters (and is slow on long input); a long password is
    # judged by its first 72, which is plenty to tell "aaaa…" from a passphrase.
    result = zxcvbn(password[:72], user_inputs=[u[:72] for u in user_inputs if u][:10])
    if result["score"] >= min_score:
        return []
    warning = result["feedback"].get("warning") or ""
    reason = _WARNINGS.get(warning, _GENERIC)
    return [f"{reason} {_ADVICE}"]
