"""What a refused visitor reads, per door rule: clear, in their language, revealing no account.
Registered as the refusal codes ``"signup.<rule>"`` (``community/accounts/gates.py``)."""

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


REFUSALS = {f"signup.{rule}": message for rule, message in MESSAGES.items()}
