"""normalise(): NFKC, without the invisible characters that hide names and numbers from the patterns."""

import hypothesis.strategies as st
import pytest
from hypothesis import given

from kiosk.moderation.normalise import normalise

INVISIBLE = [
    "\u00ad",
    "\u061c",
    "\u180e",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2060",
    "\u2061",
    "\u2062",
    "\u2063",
    "\u2064",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
]


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_are_dropped(char: str) -> None:
    assert normalise(f"9{char}1{char}2 Ka{char}ri") == "912 Kari"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("０１０１０５ ０１２４１", "010105 01241"),  # full-width digits
        ("Ｋａｒｉ", "Kari"),
        ("ﬁn kaffe", "fin kaffe"),  # a ligature
        ("kr\u00a01\u00a0250", "kr 1 250"),  # no-break spaces
        ("Kåre", "Kåre"),  # a + combining ring above composes to å
        ("e\u200d\u0301", "é"),  # composed after the joiner between them is gone
    ],
)
def test_nfkc(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_newlines_are_kept() -> None:
    assert normalise("Hei\nKari\r\n\nhilsen") == "Hei\nKari\r\n\nhilsen"


@given(st.text())
def test_normalise_is_idempotent_and_leaves_nothing_invisible(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert not set(once) & set(INVISIBLE)
