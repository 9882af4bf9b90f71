"""Which themes a text belongs to: a keyword matches whole words (or, ending in *, the start of one), in a row."""

import hypothesis.strategies as st
import pytest
from hypothesis import given

from kiosk.digests import texts
from kiosk.models import Theme


def theme(*keywords: str, lang: str = "nb") -> Theme:
    return Theme(name={"nb": keywords[0]}, keywords={lang: list(keywords)})


@pytest.mark.parametrize(
    ("text", "keyword", "matches"),
    [
        ("Kaffen var kald.", "kaffe", False),
        ("Kaffen var kald.", "kaffe*", True),
        ("God KAFFE!", "kaffe", True),
        ("kaffe-kake til lunsj", "kaffe kake", True),  # words in a row, whatever stands between them
        ("kaffe, og kake", "kaffe kake", False),
        ("Kaf\u00adfe i dag", "kaffe", True),  # a soft hyphen hides nothing
        ("ﬁne dager", "fine", True),  # NFKC: the ligature is two letters
        ("Måltidet", "MÅLTID*", True),
        ("_kaffe_", "kaffe", False),  # the underscore is part of a word
        ("", "kaffe", False),
    ],
)
def test_keywords_match_whole_words(text: str, keyword: str, matches: bool) -> None:
    food = theme(keyword)
    matcher = texts._matcher(food)
    assert matcher is not None and texts._themes_of(text, [(food, matcher)]) == ([food] if matches else [])


WORDISH = st.text(alphabet=st.sampled_from("kafeøå Æ-_,.!\u00ad\u200b1"), max_size=30)


@given(WORDISH, st.lists(WORDISH.filter(str.strip), min_size=1, max_size=3), st.booleans())
def test_a_keyword_matches_exactly_where_its_words_stand_in_a_row(text: str, keywords: list[str], prefix: bool) -> None:
    """The same as looking for the keyword's words among the text's words, joined by single spaces."""
    keywords = [k + "*" if prefix else k for k in keywords]
    subject = theme(*keywords)
    joined = " " + " ".join(texts.words_of(text)) + " "
    needles = texts._needles(subject)
    expected = [subject] if any(needle in joined for needle in needles) else []
    matcher = texts._matcher(subject)
    assert (texts._themes_of(text, [(subject, matcher)]) if matcher else []) == expected
