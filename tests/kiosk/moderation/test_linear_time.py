"""The scrubber and the crisis check run in linear time: 100,000 adversarial characters well under a second.

The issue asks for this bound to be asserted. It is generous (1.5 s of this process's CPU time, best of two
runs, so other processes on a shared machine do not count); the measured figures are in docs/moderation.md.
"""

import random
import time
from collections.abc import Callable

import pytest

from kiosk.moderation.crisis import suggests_crisis
from kiosk.moderation.deidentify import scrub

SIZE = 100_000
BOUND = 1.5
_random = random.Random(2026)


def repeat(piece: str) -> str:
    return (piece * (SIZE // len(piece) + 1))[:SIZE]


ADVERSARIAL: dict[str, str] = {
    "single digits with spaces": " ".join(_random.choice("0123456789") for _ in range(SIZE // 2))[: SIZE - 1]
    + " ",
    "digit groups with separators": "".join(_random.choice("0123456789 .-–()+/") for _ in range(SIZE)),
    "one digit run": "7" * SIZE,
    "identity-number look-alikes": repeat("010105 0124 1 "),
    "distinct phone numbers": " ".join(f"9{_random.randint(1_000_000, 9_999_999)}" for _ in range(SIZE // 8))[
        :SIZE
    ],
    "capitalised words": " ".join(
        _random.choice(["Kari", "Per", "Hansen", "Xyzzy", "Storgata", "Liv", "Berg", "Sa", "Og", "Nordmann"])
        for _ in range(SIZE // 4)
    )[:SIZE],
    "one long capitalised word": "K" + "a" * (SIZE - 1),
    "'@' and '.' soup": "".join(_random.choice("a@.") for _ in range(SIZE)),
    "dots": "." * SIZE,
    "at signs": "@" * SIZE,
    "a local part that never ends": repeat("kari.nordmann+"),
    "street words and numbers": repeat("Storgata Karl Johans gate 2 plass veien 12 "),
    "hyphenated words": repeat("Anne-Lise-"),
    "everything at once": repeat(
        "Ring Kari Hansen på 912 34 567 eller kari@nav.no, fnr 010105 01241, Storgata 12. "
    ),
}


def cpu_seconds(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_scrub_is_fast_on_adversarial_input(name: str) -> None:
    text = ADVERSARIAL[name]
    assert len(text) == SIZE
    assert cpu_seconds(lambda: scrub(text, ["Fyrlykta", "Gunnvor Brakstad"])) < BOUND


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_crisis_check_is_fast_on_adversarial_input(name: str) -> None:
    assert cpu_seconds(lambda: suggests_crisis(ADVERSARIAL[name])) < BOUND


def test_many_phone_numbers_are_all_caught_past_the_matcher_limit() -> None:
    numbers = [
        f"9{_random.randint(10, 99)} {_random.randint(10, 99)} {_random.randint(100, 999)}"
        for _ in range(500)
    ]
    scrubbed = scrub(" og ".join(f"ring {number}" for number in numbers))
    assert [r.original for r in scrubbed.redactions] == numbers
