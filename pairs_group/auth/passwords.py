"""Staff passwords: the rules a new one must meet, and how they are hashed and re-hashed."""

import secrets
from functools import lru_cache
from pathlib import Path

from flask import has_request_context
from flask_babel import gettext
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 200
# werkzeug's scrypt (N=2^15, r=8, p=1); a stored hash made any other way is upgraded at sign-in.
HASH_METHOD = "scrypt:32768:8:1"
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


def _(message, **values):
    """In the page's language on a page; in English from the command line, which has no page."""
    return gettext(message, **values) if has_request_context() else message % values


@lru_cache(maxsize=1)
def common_passwords():
    """The shipped list of common and breached passwords (see data/README.md)."""
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def _normalised(password):
    return password.strip().lower()


def password_problem(password, email=""):
    """Why this password may not be used, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _("The password must be at least %(count)d characters long.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password must be %(count)d characters or fewer.", count=MAX_LENGTH)
    simple = _normalised(password)
    if simple in common_passwords() or simple.replace(" ", "") in common_passwords():
        return _("That password is too common. Choose one that is hard to guess.")
    if len(set(simple)) < 4:
        return _("That password is too easy to guess. Use more different characters.")
    local_part = _normalised(email).split("@")[0]
    if len(local_part) >= 4 and local_part in simple:
        return _("The password must not contain your email address.")
    return None


def hash_password(password):
    return generate_password_hash(password, method=HASH_METHOD)


def check_password(stored_hash, password):
    """Right or not. With no hash to check (no such account, or it is closed) a dummy hash of
    today's strength is checked instead, so the answer takes as long as for a real account
    and its timing does not say which emails have one."""
    right = check_password_hash(stored_hash or _dummy_hash(), password)
    return bool(stored_hash) and right


@lru_cache(maxsize=1)
def _dummy_hash():
    return hash_password(secrets.token_urlsafe(24))


def needs_rehash(stored_hash):
    """True for a hash made with older or weaker settings than today's."""
    return not (stored_hash or "").startswith(HASH_METHOD + "$")
