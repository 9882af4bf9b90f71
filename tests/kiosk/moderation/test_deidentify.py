"""scrub(), redact_more() and reveal(): placeholders, spans, overlaps, local words, a moderator's edits."""

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from kiosk.moderation.deidentify import PLACEHOLDERS, Redaction, Scrubbed, redact_more, reveal, scrub
from kiosk.moderation.normalise import normalise


def restore(scrubbed: Scrubbed) -> str:
    """Put every original back, from the last redaction to the first."""
    text = scrubbed.text
    for r in reversed(scrubbed.redactions):
        text = text[: r.start] + r.original + text[r.end :]
    return text


def test_placeholders_are_the_issue_s() -> None:
    assert PLACEHOLDERS == {
        "name": "[navn]",
        "phone": "[telefon]",
        "national_id": "[fødselsnummer]",
        "email": "[e-post]",
        "address": "[adresse]",
    }


def test_redactions_index_the_redacted_text_and_keep_the_original() -> None:
    scrubbed = scrub("Kari Hansen (tlf 912 34 567, kari@nav.no, fnr 010105 01241) bor i Storgata 3.")
    assert scrubbed.text == "[navn] (tlf [telefon], [e-post], fnr [fødselsnummer]) bor i [adresse]."
    assert [(r.kind, r.original) for r in scrubbed.redactions] == [
        ("name", "Kari Hansen"),
        ("phone", "912 34 567"),
        ("email", "kari@nav.no"),
        ("national_id", "010105 01241"),
        ("address", "Storgata 3"),
    ]
    for r in scrubbed.redactions:
        assert scrubbed.text[r.start : r.end] == PLACEHOLDERS[r.kind]


def test_scrub_normalises_first() -> None:
    scrubbed = scrub("Fnr ０１０１０５\u200b０１２４１, ring 9\u200d1234567")
    assert scrubbed.text == "Fnr [fødselsnummer], ring [telefon]"
    assert scrubbed.redactions[0].original == "01010501241"


def test_text_without_finds_comes_back_normalised() -> None:
    assert scrub("Kaffen er god, ﬁn stemning.") == Scrubbed("Kaffen er god, fin stemning.", ())
    assert scrub("") == Scrubbed("", ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an identity number beats the phone number inside it and the e-mail around it
        ("Ring 01010501241", "Ring [fødselsnummer]"),
        ("01010501241@nav.no", "[fødselsnummer]@nav.no"),
        # an e-mail address beats the names in it
        ("kari.hansen@nav.no", "[e-post]"),
        # an address beats a name in it, a local word beats a name
        ("Kari Hansens gate 12", "[adresse]"),
        ("Hei Fyrlykta Kari", "Hei [navn] [navn]"),
        # names next to each other are one span
        ("Kari Nordmann Hansen kom", "[navn] kom"),
    ],
)
def test_overlapping_finds_resolve_to_one_span(text: str, expected: str) -> None:
    assert scrub(text, ["Fyrlykta"]).text == expected


def test_a_longer_find_of_the_same_rank_wins() -> None:
    scrubbed = scrub("Hilsen Gunnvor Brakstad", ["Gunnvor", "Gunnvor Brakstad"])
    assert scrubbed.text == "Hilsen [navn]"
    assert scrubbed.redactions[0].original == "Gunnvor Brakstad"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alle på Fyrlykta er snille", "Alle på [navn] er snille"),
        ("Fyrlyktas kafé", "[navn] kafé"),
        ("fyrlykta's kafé", "[navn] kafé"),
        ("FYRLYKTA", "[navn]"),
        ("Fyrlyktabussen går", "Fyrlyktabussen går"),  # whole words only
        ("Gunnvor\n Brakstad kjefter", "[navn] kjefter"),  # several words, any space between
        ("Tøffen tok kaffen", "[navn] tok kaffen"),
    ],
)
def test_local_words(text: str, expected: str) -> None:
    scrubbed = scrub(text, ["Fyrlykta", "Gunnvor Brakstad", "tøffen", " "])
    assert scrubbed.text == expected
    assert all(r.kind == "name" for r in scrubbed.redactions)


def test_local_words_are_taken_literally() -> None:
    assert scrub("a.b og axb", ["a.b"]).text == "[navn] og axb"


def test_redact_more_redacts_every_whole_word_occurrence_outside_placeholders() -> None:
    scrubbed = scrub("Tante Gudny og gudny, ikke Gudnyen. Ring 912 34 567.")
    more = redact_more(scrubbed, "gudny", "name")
    assert more.text == "Tante [navn] og [navn], ikke Gudnyen. Ring [telefon]."
    assert [r.original for r in more.redactions] == ["Gudny", "gudny", "912 34 567"]
    assert restore(more) == "Tante Gudny og gudny, ikke Gudnyen. Ring 912 34 567."
    assert redact_more(more, "navn", "name") == more  # the placeholders themselves are not text


def test_redact_more_keeps_the_kind_it_is_given() -> None:
    more = redact_more(scrub("Jeg bor på Solgløtt 4"), "Solgløtt 4", "address")
    assert more.text == "Jeg bor på [adresse]"
    assert more.redactions == (Redaction(11, 20, "address", "Solgløtt 4"),)


@pytest.mark.parametrize(("phrase", "kind"), [("Kari", "person"), ("", "name"), ("  ", "name")])
def test_redact_more_refuses_what_it_cannot_do(phrase: str, kind: str) -> None:
    with pytest.raises(ValueError):
        redact_more(scrub("Kari"), phrase, kind)


def test_reveal_puts_one_original_back() -> None:
    scrubbed = scrub("Per Hansen sa at Storgata 12 er fin.")
    assert scrubbed.text == "[navn] sa at [adresse] er fin."
    revealed = reveal(scrubbed, 0)
    assert revealed.text == "Per Hansen sa at [adresse] er fin."
    assert revealed.redactions == (Redaction(17, 26, "address", "Storgata 12"),)
    assert reveal(revealed, -1).text == "Per Hansen sa at Storgata 12 er fin."
    with pytest.raises(IndexError):
        reveal(revealed, 1)


_PIECES = st.sampled_from(
    [
        "Kari",
        "kari",
        "Per",
        "per",
        "Hansen",
        "Storgata",
        "12",
        "912",
        "34",
        "567",
        "010105",
        "01241",
        "@",
        ".",
        "nav.no",
        "kr",
        "uke",
        "Fyrlykta",
        "sa",
        "at",
        "jeg",
        "heter",
        "-",
        "+47",
        "\u200b",
        "０",
        "\n",
        "Liv",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.sampled_from(["", " ", ", ", ". "])), max_size=30))
def test_every_redaction_can_be_undone_exactly(pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + gap for piece, gap in pieces)
    scrubbed = scrub(text, ["Fyrlykta"])
    assert restore(scrubbed) == normalise(text)
    for r in scrubbed.redactions:
        assert scrubbed.text[r.start : r.end] == PLACEHOLDERS[r.kind]
    while scrubbed.redactions:
        scrubbed = reveal(scrubbed, len(scrubbed.redactions) // 2)
    assert scrubbed.text == normalise(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_scrubs_and_restores(text: str) -> None:
    scrubbed = scrub(text)
    assert restore(scrubbed) == normalise(text)


def test_digits_of_other_scripts_are_digits() -> None:
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "01010501241")
    assert scrub(f"رقمي {arabic_indic}").text == "رقمي [fødselsnummer]"
