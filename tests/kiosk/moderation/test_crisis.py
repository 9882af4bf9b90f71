"""Crisis signposting: the phrase lists, the matching rule the tablet copies, and a corpus of sentences."""

import re
import unicodedata
from pathlib import Path

import pytest

from kiosk.moderation.crisis import PHRASES, crisis_phrases, suggests_crisis
from kiosk.moderation.normalise import normalise

CORPUS = Path(__file__).with_name("crisis_corpus.tsv")


def read_corpus() -> list[tuple[bool, str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected, lang, text = line.split("\t")
            rows.append((expected == "crisis", lang, text))
    return rows


def test_corpus_covers_every_language_both_ways() -> None:
    rows = read_corpus()
    assert {(lang, crisis) for crisis, lang, _ in rows} == {
        (l, c) for l in ("nb", "nn", "en") for c in (True, False)
    }
    assert sum(crisis for crisis, _, _ in rows) >= 50 and sum(not crisis for crisis, _, _ in rows) >= 50


@pytest.mark.parametrize(("crisis", "lang", "text"), read_corpus())
def test_corpus(crisis: bool, lang: str, text: str) -> None:
    assert suggests_crisis(text) is crisis


@pytest.mark.parametrize("text", ["jeg er lei av maten", "dødsbra", "drepende kjedelig"])
def test_ordinary_complaints_named_in_the_issue_do_not_flag(text: str) -> None:
    assert not suggests_crisis(text)


@pytest.mark.parametrize("phrase", ["selvmord*", "ta livet mitt", "kill myself", "overdos*"])
def test_the_issue_s_examples_are_phrases(phrase: str) -> None:
    assert phrase in crisis_phrases()


def test_phrases_follow_the_rule_the_tablet_implements() -> None:
    phrases = crisis_phrases()
    assert phrases == sorted(set(phrases))
    assert set(PHRASES) == {"nb", "nn", "en"}
    for phrase in phrases:
        assert phrase == normalise(phrase).lower() == " ".join(phrase.split(" ")), phrase
        for word in phrase.split(" "):
            stem = word.removesuffix("*")
            assert re.fullmatch(r"[^\W_]+", stem), phrase  # letters and digits only, as the text is split
            assert not word.endswith("*") or len(stem) >= 3, phrase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELVMORDSTANKER", True),  # lower-cased, and * lets the word go on
        ("sel\u200bvmord", True),  # normalised first
        ("ｓｅｌｖｍｏｒｄ", True),
        ("ikke-selvmord", True),  # a hyphen separates words
        ("selv mord", False),  # but a space is not a spelling of the phrase
        ("kill-myself", True),
        ("kill\nmyself", True),
        ("skill myself", False),  # whole words only: "kill" must be a word of its own
        ("ta livet, mitt", True),  # punctuation between the words of a phrase does not matter
        ("overdose", True),
        ("overdo", False),
        ("", False),
    ],
)
def test_matching_rule(text: str, expected: bool) -> None:
    assert suggests_crisis(text) is expected


def test_python_words_are_javascript_s_letter_and_number_runs() -> None:
    """r"[^\\W_]" in Python is [\\p{L}\\p{N}] in JavaScript: the tablet splits words the same way."""
    for code_point in range(0x10000):
        char = chr(code_point)
        is_word = re.fullmatch(r"[^\W_]", char) is not None
        assert is_word == (unicodedata.category(char)[0] in "LN"), hex(code_point)
