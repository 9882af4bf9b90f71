"""Find people's names in free text: shipped lists of common names, and the words around names."""

import re
from functools import cache, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

_DATA = Path(__file__).with_name("data")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE_END = frozenset(".!?:;…")
_OPENERS = "\"'«»“”‘’([{*•-–—"  # quotes, brackets and bullets that may stand before a sentence's first word


def _read(filename: str) -> frozenset[str]:
    with open(_DATA / filename, encoding="utf-8") as lines:
        return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


@cache
def _patterns() -> SimpleNamespace:
    """Read data/name_patterns.txt: one section per kind of word around names."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    with open(_DATA / "name_patterns.txt", encoding="utf-8") as lines:
        for raw in lines:
            line = raw.strip()
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1].replace(" ", "_"), [])
            elif line and not line.startswith("#"):
                current.append(line.lower())
    intros: dict[str, list[tuple[str, ...]]] = {}
    strong: set[tuple[str, ...]] = set()
    for entry in sections["intros"]:
        phrase = tuple(entry.rstrip(" *").split())
        intros.setdefault(phrase[0], []).append(phrase)
        if entry.endswith("*"):
            strong.add(phrase)
    words: dict[str, object] = {
        name: frozenset(entries) for name, entries in sections.items() if name != "intros"
    }
    words["noun_endings"] = tuple(sections["noun_endings"])
    return SimpleNamespace(**words, intros=intros, strong_intros=frozenset(strong))


@cache
def given_names() -> frozenset[str]:
    """Return the shipped given names, lower case."""
    return _read("given_names.txt")


@cache
def surnames() -> frozenset[str]:
    """Return the shipped surnames, lower case."""
    return _read("surnames.txt")


@cache
def ordinary_word_names() -> frozenset[str]:
    """Return the names that are also ordinary words ("per", "liv", "berg"), lower case."""
    return _read("ordinary_word_names.txt")


class _Token(NamedTuple):
    start: int
    end: int
    lower: str
    gap: str  # the text between the previous word and this one
    cap: bool  # capitalised (not all capitals, which is an acronym or shouting)
    first: bool  # first word of a sentence, where a capital letter says nothing
    given: bool
    surname: bool
    ordinary: bool  # a name that is also an ordinary word: needs more evidence
    stop: bool  # a word that is never a name

    @property
    def known(self) -> bool:
        return self.given or self.surname

    @property
    def strong(self) -> bool:
        return (self.given or self.surname) and not self.ordinary


@lru_cache(maxsize=8192)
def _lookup(lower: str) -> tuple[bool, bool, bool]:
    """Say whether a word is a given name, a surname, and an ordinary word, trying its genitive too."""
    given, sur, ordinary = given_names(), surnames(), ordinary_word_names()
    forms = [lower]
    if lower.endswith(("'s", "’s")):
        forms.append(lower[:-2])
    elif lower.endswith("s") and len(lower) > 3:
        forms.append(lower[:-1])  # Norwegian genitive: "Karis", "Hansens"
    for form in forms:
        if form in given or form in sur:
            return form in given, form in sur, form in ordinary
    if "-" in lower:  # double names: "Anne-Lise", "Nordmann-Hansen"; "Kari-gruppa" is as sure as "Kari"
        known = [found for found in map(_lookup, lower.split("-")) if found[0] or found[1]]
        if known:
            return any(f[0] for f in known), any(f[1] for f in known), all(f[2] for f in known)
    return False, False, False


def _starts_sentence(gap: str, previous: str | None) -> bool:
    """Say whether a word after this gap (and after the word previous) begins a sentence."""
    if "\n" in gap:
        return True
    rest = gap.rstrip().rstrip(_OPENERS).rstrip()
    if not rest:
        return previous is None
    if rest[-1] not in _SENTENCE_END:
        return False
    return not (rest == "." and previous in _patterns().abbreviations)


def _surname_shaped(lower: str) -> bool:
    """Say whether an unknown word has the commonest surname shape: "Thorstensen", not "Dagsavisen"."""
    return len(lower) >= 6 and lower.endswith("sen") and lower[-4] not in "aeiouyæøå"


def _tokens(text: str) -> list[_Token]:
    stop = _patterns().stop
    tokens: list[_Token] = []
    end, previous = 0, None
    for match in _WORD.finditer(text):
        word, gap = match.group(), text[end : match.start()]
        lower = word.lower()
        first = _starts_sentence(gap, previous)
        cap = word[0].isupper() and (len(word) == 1 or not word.isupper())
        given, sur, ordinary = _lookup(lower)
        if not (given or sur) and cap and not first and _surname_shaped(lower):
            sur = lower not in stop
        tokens.append(
            _Token(match.start(), match.end(), lower, gap, cap, first, given, sur, ordinary, lower in stop)
        )
        end, previous = match.end(), lower
    return tokens


def _adjacent(gap: str) -> bool:
    """Say whether two words with this gap between them may be parts of one name."""
    return gap != "" and gap.strip(" \t") == ""


def _pattern_gap(gap: str) -> bool:
    """Say whether a name may follow a pattern across this gap ("naboen min, Ali", "Hilsen\nKari")."""
    return len(gap) <= 4 and gap.strip(" \t\n,:") == "" and gap.count(",") + gap.count(":") <= 1


def _is_month(tokens: list[_Token], i: int) -> bool:
    """Say whether the ordinary name at i is a month ("in May", "17 Mai", "August 2024")."""
    p, tok = _patterns(), tokens[i]
    if tok.lower not in p.months:
        return False
    before = tokens[i - 1].lower if i else ""
    after = tokens[i + 1].gap if i + 1 < len(tokens) else ""
    digit_before = tok.gap.rstrip(" .")[-1:].isdigit()
    return before in p.month_context or digit_before or after.lstrip()[:1].isdigit()


def _take(tokens: list[_Token], marks: list[bool], j: int, mode: str) -> None:
    """Mark the word at j as a name if it fits its pattern: intro, role, speech, or said (speech + "at")."""
    tok = tokens[j]
    if tok.strong:
        ok = True
    elif tok.stop:
        ok = False  # nynorsk "Ho sa at": a pronoun before it is also a surname
    elif tok.ordinary:
        ok = tok.cap or mode in ("intro", "said") or tok.lower not in _patterns().function_names
    elif tok.cap:
        speech = mode in ("speech", "said")
        ok = not speech or not tok.first or not tok.lower.endswith(_patterns().noun_endings)
    else:
        ok = mode == "intro"  # "jeg heter ahmad": whatever follows is a name
    if not ok:
        return
    marks[j] = True
    for k in range(j + 1, min(j + 3, len(tokens))):  # the rest of a full name: "Kari Nordmann"
        nxt = tokens[k]
        if not (_adjacent(nxt.gap) and (nxt.cap or nxt.strong) and not nxt.stop):
            break
        marks[k] = True


def _mark_patterns(tokens: list[_Token], marks: list[bool]) -> None:
    """Mark names after roles, sign-offs and introductions, and before verbs of speech."""
    p, n = _patterns(), len(tokens)
    for i, tok in enumerate(tokens):
        lower = tok.lower
        if lower in p.roles or lower in p.signoffs:
            j = i + 1
            if j < n and lower in p.roles and tokens[j].lower in p.possessives and not tokens[j].cap:
                j += 1
            if j < n and _pattern_gap(tokens[j].gap):
                _take(tokens, marks, j, "role")
        for phrase in p.intros.get(lower, ()):
            j = i + len(phrase)
            said = j < n and all(tokens[i + k].lower == part for k, part in enumerate(phrase))
            if said and _pattern_gap(tokens[j].gap):
                _take(tokens, marks, j, "intro" if phrase in p.strong_intros else "role")
        if i + 1 < n and tokens[i + 1].lower in p.speech and _adjacent(tokens[i + 1].gap):
            said_that = i + 2 < n and tokens[i + 2].lower in p.speech_objects  # "per sa at": surely a name
            _take(tokens, marks, i, "said" if said_that else "speech")


def _mark_capitalised(tokens: list[_Token], marks: list[bool]) -> None:
    """Mark ordinary given names written with a capital letter in the middle of a sentence ("med Per")."""
    for i, tok in enumerate(tokens):
        if tok.ordinary and tok.given and tok.cap and not tok.first and not _is_month(tokens, i):
            marks[i] = True


def _joins(name: _Token, other: _Token) -> bool:
    """Say whether an ordinary name beside a name is a name too: capitalised, or both in lower case."""
    return other.cap or (not name.cap and other.lower not in _patterns().function_names)


def _mark_neighbours(tokens: list[_Token], marks: list[bool]) -> None:
    """Spread names to their neighbours: "Per Hansen", "Kari Nordmann", "Ahmad Hansen", "kari og liv"."""
    and_words = _patterns().and_words
    for _ in range(2):
        for i in range(len(tokens) - 1):
            a, b = tokens[i], tokens[i + 1]
            initial = len(a.lower) == 1 and a.cap and b.gap in (". ", ".")  # "Kari H. Nordmann"
            if b.lower in and_words:
                if i + 2 < len(tokens) and _adjacent(b.gap) and _adjacent(tokens[i + 2].gap):
                    _mark_linked(tokens, marks, i, i + 2)
            elif _adjacent(b.gap) or initial:
                if marks[i] and not marks[i + 1]:
                    marks[i + 1] = (b.ordinary and _joins(a, b)) or (
                        (a.given or initial) and not b.known and b.cap and not b.stop
                    )
                elif marks[i + 1] and not marks[i]:
                    marks[i] = (a.ordinary and _joins(b, a)) or (
                        b.surname and not a.known and a.cap and not a.stop
                    )
                elif not marks[i] and a.ordinary and a.given and a.cap and b.cap and not b.known:
                    marks[i] = marks[i + 1] = not b.stop  # "Dag Solstad", "Liv Ullmann"


def _mark_linked(tokens: list[_Token], marks: list[bool], i: int, k: int) -> None:
    """Mark an ordinary name joined by "og"/"and" to a sure name: "Kari og Per", "kari og liv"."""
    excluded = _patterns().and_excluded
    for name, other in ((i, k), (k, i)):
        a, b = tokens[name], tokens[other]
        if (
            marks[name]
            and (a.strong or b.cap)
            and not marks[other]
            and b.ordinary
            and b.lower not in excluded
        ):
            marks[other] = b.cap or not a.cap


def _spans(tokens: list[_Token], marks: list[bool]) -> list[tuple[int, int]]:
    """Join marked words that follow each other into one span: "Kari Nordmann", "Kari H. Nordmann"."""
    spans: list[tuple[int, int]] = []
    for i, tok in enumerate(tokens):
        if not marks[i]:
            continue
        after_initial = i and len(tokens[i - 1].lower) == 1 and tok.gap in (". ", ".")
        if spans and marks[i - 1] and (_adjacent(tok.gap) or after_initial):
            spans[-1] = (spans[-1][0], tok.end)
        else:
            spans.append((tok.start, tok.end))
    return spans


def find_names(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of text that look like people's names, in order."""
    tokens = _tokens(text)
    marks = [tok.strong for tok in tokens]
    _mark_capitalised(tokens, marks)
    _mark_patterns(tokens, marks)
    _mark_neighbours(tokens, marks)
    return _spans(tokens, marks)
