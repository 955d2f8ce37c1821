"""Player names: what is allowed, and the one normal form every name takes."""

from __future__ import annotations

import unicodedata

MAX_NAME_LENGTH = 16

_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
#: Letters that draw nothing (Hangul fillers, the blank braille pattern).
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


class InvalidName(ValueError):
    """A name that cannot be used; the message says why, for the player to read."""


def normalise_name(raw: str) -> str:
    """Return the normal form of ``raw`` or raise :class:`InvalidName` saying what is wrong.

    The normal form is NFKC with runs of whitespace collapsed to one space and the ends
    trimmed. It must be 1-16 characters, all printable: no control, format (bidi overrides,
    zero-width), surrogate, private-use or unassigned characters; and at least one of them
    must draw something (not only marks or blank letters). Markup such as ``<b>`` is
    allowed: clients show names as text, never as HTML.
    """
    for ch in raw:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES and not ch.isspace():
            raise InvalidName(f"names may not contain the character U+{ord(ch):04X}")
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not any(_visible(ch) for ch in name):
        raise InvalidName("a name needs at least one visible character")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"names have at most {MAX_NAME_LENGTH} characters")
    if not name.isprintable():
        raise InvalidName("names may contain printable characters only")
    return name


def _visible(ch: str) -> bool:
    return not ch.isspace() and ch not in _BLANK_LETTERS and not unicodedata.category(ch).startswith("M")
