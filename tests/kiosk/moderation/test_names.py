"""The shipped name lists, and the patterns that find names that are also ordinary words."""

from pathlib import Path

import pytest

from kiosk.moderation import names
from kiosk.moderation.deidentify import scrub

DATA = Path(names.__file__).with_name("data")


@pytest.mark.parametrize("filename", ["given_names.txt", "surnames.txt", "ordinary_word_names.txt"])
def test_lists_credit_statistics_norway_and_its_licence(filename: str) -> None:
    header = "".join(line for line in (DATA / filename).open(encoding="utf-8") if line.startswith("#"))
    assert "Statistics Norway" in header and "NLOD 2.0" in header
    if filename != "ordinary_word_names.txt":
        assert "ssb.no/befolkning/navn" in header and "CC BY 4.0" in header and "Compiled from" in header


def test_lists_hold_several_hundred_names_each() -> None:
    assert len(names.given_names()) >= 600
    assert len(names.surnames()) >= 400


def test_lists_hold_common_names_of_immigrant_communities() -> None:
    assert {"mohammed", "ali", "ahmed", "fatima", "agnieszka", "yonas"} <= names.given_names()
    assert {"nguyen", "hussain", "khan", "ali", "ahmed", "nowak"} <= names.surnames()


def test_ordinary_word_names_are_names_in_lower_case() -> None:
    ordinary = names.ordinary_word_names()
    assert ordinary <= names.given_names() | names.surnames()
    assert {
        "per",
        "liv",
        "dag",
        "sol",
        "eli",
        "bo",
        "mai",
        "ask",
        "vår",
        "elv",
        "siv",
        "gro",
        "storm",
        "august",
        "line",
        "tone",
        "sander",
        "aksel",
        "hans",
        "odd",
        "even",
        "frank",
    } <= ordinary
    assert {
        "berg",
        "lie",
        "strand",
        "haug",
        "vik",
        "lund",
        "holm",
        "bakke",
        "hagen",
        "dal",
        "foss",
        "sand",
        "nes",
        "li",
    } <= ordinary
    assert all(name == name.lower() for name in ordinary)


def test_lists_are_read_once() -> None:
    assert names.given_names() is names.given_names()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ordinary words stay
        ("Vi går tur to ganger per uke.", "Vi går tur to ganger per uke."),
        ("Livet er tungt, dag etter dag.", "Livet er tungt, dag etter dag."),
        ("Dag etter dag venter vi.", "Dag etter dag venter vi."),
        ("Sol og vår gjør meg glad.", "Sol og vår gjør meg glad."),
        ("Det er glatt på bakken ved stranda.", "Det er glatt på bakken ved stranda."),
        ("Naboen hans er grei.", "Naboen hans er grei."),
        ("Kontaktpersonen min per telefon er best.", "Kontaktpersonen min per telefon er best."),
        ("Ho sa at maten var god.", "Ho sa at maten var god."),
        ("I dag sa legen at alt var fint.", "I dag sa legen at alt var fint."),
        ("We met in May, and again in August 2024.", "We met in May, and again in August 2024."),
        ("Legen sa at jeg måtte vente.", "Legen sa at jeg måtte vente."),
        # unless a name or a name pattern stands beside them
        ("Per Hansen kom.", "[navn] kom."),
        ("Jeg snakket med Per i går.", "Jeg snakket med [navn] i går."),
        ("Kontaktpersonen min Per er snill.", "Kontaktpersonen min [navn] er snill."),
        ("Naboen Hans er grei.", "Naboen [navn] er grei."),
        ("per sa at vi kunne komme.", "[navn] sa at vi kunne komme."),
        ("sykepleier liv er snill", "sykepleier [navn] er snill"),
        ("kari og per kom", "[navn] og [navn] kom"),
        ("Kari og hans venn kom", "[navn] og hans venn kom"),
        ("Liv Ullmann var her", "[navn] var her"),
        ("Kari Berg var her", "[navn] var her"),
        # names typed in lower case, possessives, full names with unknown surnames, initials
        ("takk til anne og kjell", "takk til [navn] og [navn]"),
        ("Karis rom er rotete.", "[navn] rom er rotete."),
        ("Jeg heter Kari Nordmann.", "Jeg heter [navn]."),
        ("Vi ba Kari H. Nordmann om å slutte.", "Vi ba [navn] om å slutte."),
        ("Ingen liker Thorstensen.", "Ingen liker [navn]."),
        ("Anne-Lise og Jan-Erik kom.", "[navn] og [navn] kom."),
        # introductions, roles and sign-offs, in Bokmål, Nynorsk and English
        ("jeg heter ahmad", "jeg heter [navn]"),
        ("Eg heiter Ola.", "Eg heiter [navn]."),
        ("My name is john.", "My name is [navn]."),
        ("Call me on Monday.", "Call me on Monday."),
        ("Miljøterapeuten Ole tar seg tid.", "Miljøterapeuten [navn] tar seg tid."),
        ("Naboen min Ali spiller høyt.", "Naboen min [navn] spiller høyt."),
        ("Nurse Kari was kind.", "Nurse [navn] was kind."),
        ("Ahmad sa at maten var god.", "[navn] sa at maten var god."),
        ("Hilsen\nKari", "Hilsen\n[navn]"),
    ],
)
def test_names_in_context(text: str, expected: str) -> None:
    assert scrub(text).text == expected


def test_name_patterns_are_data() -> None:
    patterns = (DATA / "name_patterns.txt").read_text(encoding="utf-8")
    for section in ("[roles]", "[signoffs]", "[intros]", "[speech]", "[stop]"):
        assert section in patterns
