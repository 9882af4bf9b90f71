"""Identity numbers (fødselsnummer, D- and H-numbers), valid or not, however they are written, are caught."""

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings
from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2

from kiosk.moderation.deidentify import scrub

DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
SEPARATORS = [" ", ".", "-", "–", ". ", " - ", "/"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202c"]
SENTENCES = [
    "Fødselsnummeret mitt er {}.",
    "Fnr: {}",
    "{} er nummeret til sønnen min",
    "eg har d-nummer {} no",
    "Personnummer ({}) står på brevet.",
    "My ID number is {}, thanks.",
    "Skriv {}, sa de, og ring meg.",
]
USUAL_LAYOUTS = [(), (6,), (2, 4, 6), (6, 9), (2, 4, 6, 9), (2, 4)]  # where people break the number


@st.composite
def identity_numbers(draw: st.DrawFn) -> tuple[str, bool]:
    """Draw an identity number, D-number or H-number, with right or wrong check digits."""
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, DAYS[month]))
    kind = draw(st.sampled_from(["fødselsnummer", "D-number", "H-number"]))
    day += 40 if kind == "D-number" else 0
    month += 40 if kind == "H-number" else 0
    base = f"{day:02}{month:02}{draw(st.integers(0, 99)):02}{draw(st.integers(0, 999)):03}"
    k1 = calc_check_digit1(base)
    k2 = calc_check_digit2(base + k1) if k1 != "10" else "10"
    valid = k1 != "10" and k2 != "10" and draw(st.booleans())
    if valid:
        return base + k1 + k2, True
    checks = draw(st.integers(0, 99).map(lambda n: f"{n:02}").filter(lambda c: c != k1 + k2))
    return base + checks, False


def write(draw: Callable[..., Any], digits: str, breaks: tuple[int, ...]) -> str:
    """Write the digits with separators at breaks, some digits full-width, zero-width characters between."""
    out = []
    for i, digit in enumerate(digits):
        if i in breaks:
            out.append(draw(st.sampled_from(SEPARATORS)))
        elif i and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(ZERO_WIDTH)))
        out.append(chr(0xFF10 + int(digit)) if draw(st.booleans()) else digit)
    return "".join(out)


def assert_caught(digits: str, written: str, sentence: str) -> None:
    scrubbed = scrub(sentence.format(written))
    found = [r for r in scrubbed.redactions if r.kind == "national_id"]
    assert len(found) == 1, (written, scrubbed)
    assert "".join(c for c in found[0].original if c.isdigit()) == digits
    assert "[fødselsnummer]" in scrubbed.text


@settings(max_examples=400, deadline=None)
@given(st.data(), identity_numbers(), st.sampled_from(USUAL_LAYOUTS), st.sampled_from(SENTENCES))
def test_numbers_in_usual_layouts_are_caught_valid_or_not(
    data: st.DataObject, number: tuple[str, bool], breaks: tuple[int, ...], sentence: str
) -> None:
    digits, _ = number
    assert_caught(digits, write(data.draw, digits, breaks), sentence)


@settings(max_examples=300, deadline=None)
@given(st.data(), identity_numbers().filter(lambda n: n[1]), st.sampled_from(SENTENCES))
def test_numbers_with_right_check_digits_are_caught_in_any_layout(
    data: st.DataObject, number: tuple[str, bool], sentence: str
) -> None:
    digits, _ = number
    breaks = tuple(data.draw(st.sets(st.integers(1, 10), max_size=10)))
    assert_caught(digits, write(data.draw, digits, breaks), sentence)


@pytest.mark.parametrize(
    "text",
    [
        "Møtet varte fra 1.2.2024 - 5.2.2024.",  # a date range: odd breaks, wrong check digits
        "Kontonummer 1234.56.78903",  # 12/34 is no date
        "Referanse 88776655443",  # day 88 is neither a date nor a D-number
        "Tallet 123101905012345",  # 15 digits in a row are not an 11-digit run
        "Datoen 31.09.21 12345 finnes ikke",  # 31 September
    ],
)
def test_digit_runs_that_are_not_identity_numbers_stay(text: str) -> None:
    assert scrub(text).text == text
