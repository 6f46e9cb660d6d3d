"""What a refused visitor reads, per rule: clear, in their language, revealing no account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "disposable_email": _l(
        "Please use a permanent e-mail address: disposable addresses are not accepted."
    ),
    "honeypot": _l("Your sign-up could not be completed. Please try again."),
    "form_token": _l("This form has expired. Please fill it in again."),
    "too_fast": _l("That was very fast. Please check your details and send the form again."),
    "network_velocity": _l(
        "Too many accounts were created from your network recently. Please try again later, "
        "or ask a member for an invitation."
    ),
    "device_velocity": _l(
        "Too many accounts were created from this device recently. Please try again later."
    ),
    "domain_burst": _l(
        "Many accounts were just created with addresses at this domain. Please try again later, "
        "or ask a member for an invitation."
    ),
    "counter_batch": _l(
        "This name or address looks like part of a numbered series of accounts. "
        "Please choose another, or ask a member for an invitation."
    ),
}


def refusal_messages(refusals) -> list[str]:
    """One message per refusal (duplicate e-mails say nothing: they look like a success)."""
    seen: list[str] = []
    for refusal in refusals:
        message = MESSAGES.get(refusal.rule)
        if message is not None and str(message) not in seen:
            seen.append(str(message))
    return seen
