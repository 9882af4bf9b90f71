"""Print the figures for docs/moderation.md: corpus recall, and the time scrub() takes.

.venv/bin/python -m tests.kiosk.moderation.figures
"""

import random
import statistics
import time
from collections.abc import Callable

import phonenumbers

from kiosk.moderation.crisis import suggests_crisis
from kiosk.moderation.deidentify import scrub
from tests.kiosk.moderation.test_corpus import markdown_table
from tests.kiosk.moderation.test_linear_time import ADVERSARIAL

TYPICAL = (
    "Jeg er veldig fornøyd med kafeen, men {name} på kjøkkenet sa at vi ikke fikk ta med kaffe ut. "
    "Ring meg gjerne på {phone} eller skriv til kari.nordmann@gmail.com. Jeg bor i Storgata 12, og "
    "vi går tur to ganger per uke. Livet er bedre nå, takk til alle! Kaffen koster kr 10 i kiosken."
)


def typical_texts(count: int) -> list[str]:
    """Return ~300-character texts, each with its own phone number, so no cache helps."""
    rng = random.Random(1)
    names = ["Kari Hansen", "Per Olsen", "Ahmed Ali", "Liv Berg", "Ola Nordmann"]
    return [
        TYPICAL.format(
            name=rng.choice(names),
            phone=f"9{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(100, 999)}",
        )
        for _ in range(count)
    ]


def per_call_ms(work: Callable[[str], object], items: list[str]) -> list[float]:
    times = []
    for item in items:
        start = time.process_time()  # CPU time: other processes on a shared machine do not count
        work(item)
        times.append((time.process_time() - start) * 1000)
    return times


def cpu_seconds(work: Callable[[str], object], text: str) -> float:
    start = time.process_time()
    work(text)
    return time.process_time() - start


def main() -> None:
    print(markdown_table(), "\n")
    texts = typical_texts(2000)
    scrub(texts[0])  # load the name lists
    times = sorted(per_call_ms(scrub, texts))
    print(
        f"typical text ({len(texts[0])} characters, a fresh phone number each): "
        f"median {statistics.median(times):.2f} ms, p99 {times[int(len(times) * 0.99)]:.2f} ms"
    )
    crisis = sorted(per_call_ms(suggests_crisis, texts))
    print(f"suggests_crisis on the same: median {statistics.median(crisis):.3f} ms\n")
    print("| 100,000 characters of | scrub() CPU s | suggests_crisis() CPU s |\n|---|---:|---:|")
    for name, text in ADVERSARIAL.items():
        print(f"| {name} | {cpu_seconds(scrub, text):.3f} | {cpu_seconds(suggests_crisis, text):.3f} |")
    soup = ADVERSARIAL["single digits with spaces"]
    start = time.process_time()
    list(phonenumbers.PhoneNumberMatcher(soup, "NO", leniency=phonenumbers.Leniency.VALID))
    print(f"\nphonenumbers' matcher alone on the digit soup: {time.process_time() - start:.3f} CPU s")


if __name__ == "__main__":
    main()
