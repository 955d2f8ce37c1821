"""Player names: one normal form, and a clear reason for every refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snakepit.protocol import MAX_NAME_LENGTH, InvalidName, normalise_name


@pytest.mark.parametrize(
    "raw, normal, why",
    [
        ("Ada", "Ada", "a plain name is kept as it is"),
        ("  Ada  ", "Ada", "spaces around a name are not part of it"),
        ("Ada \t\n Lovelace", "Ada Lovelace", "runs of whitespace become one space"),
        ("ＡＤＡ", "ADA", "full-width letters are the same name (NFKC)"),
        ("<b>Bold</b>", "<b>Bold</b>", "markup is just text; clients never render it"),
        ("Zoë", "Zoë", "accents are welcome"),
        ("x" * MAX_NAME_LENGTH, "x" * MAX_NAME_LENGTH, "exactly the limit is allowed"),
    ],
)
def test_accepted_names_take_their_normal_form(raw, normal, why):
    assert normalise_name(raw) == normal, why


@pytest.mark.parametrize(
    "raw, why",
    [
        ("", "nothing to show"),
        (" \t ", "whitespace alone shows nothing"),
        ("x" * (MAX_NAME_LENGTH + 1), "too long for the players list"),
        ("a\u202eb", "a right-to-left override disguises the name"),
        ("a\u200bb", "a zero-width space makes look-alike names"),
        ("a\x00b", "control characters are not printable"),
        ("a\ud800b", "a lone surrogate is not a character"),
        ("a\ue000b", "private-use characters render differently everywhere"),
        ("\u3164\u3164", "Hangul fillers are letters that draw nothing"),
        ("\u2800", "the blank braille pattern draws nothing"),
        ("\u0301\u0301", "combining marks alone have nothing to sit on"),
    ],
)
def test_refused_names_say_why(raw, why):
    with pytest.raises(InvalidName) as refused:
        normalise_name(raw)
    assert str(refused.value), why


@given(st.text(max_size=40))
def test_a_name_is_either_refused_or_printable_and_short_and_stable(raw):
    try:
        name = normalise_name(raw)
    except InvalidName:
        return
    assert 1 <= len(name) <= MAX_NAME_LENGTH
    assert name.isprintable()
    assert name == name.strip()
    assert normalise_name(name) == name
