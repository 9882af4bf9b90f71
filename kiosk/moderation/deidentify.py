"""De-identify free text on arrival: identity numbers, e-mail, phone numbers, addresses and names.

scrub() normalises the text and replaces every find by a typed placeholder ("[navn]", "[telefon]", ...);
moderators then add what it missed (redact_more) and put back what it should have left (reveal). Every
pattern here runs in linear time: no nested quantifiers over the same characters, possessive runs where a
pattern could otherwise try every split of a long run, and bounded work per candidate.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from stdnum.no import fodselsnummer

from kiosk.moderation.names import find_names
from kiosk.moderation.normalise import normalise

PLACEHOLDERS = {
    "name": "[navn]",
    "phone": "[telefon]",
    "national_id": "[fødselsnummer]",
    "email": "[e-post]",
    "address": "[adresse]",
}
# Overlapping finds resolve to one span: the lower rank wins, then the longer span.
_RANKS = {"national_id": 0, "email": 1, "phone": 2, "address": 3, "local": 4, "name": 5}


@dataclass(frozen=True)
class Redaction:
    """One placeholder in a redacted text: its span there, its kind, and the text it replaced."""

    start: int
    end: int
    kind: str
    original: str


@dataclass(frozen=True)
class Scrubbed:
    """A redacted text and its redactions, in order."""

    text: str
    redactions: tuple[Redaction, ...]


_Find = tuple[int, int, str]  # start, end, kind (a key of _RANKS)

# Identity numbers: runs of digit groups joined by up to three separators ("010190 12345", "01.01.90-123 45").
_DIGIT_CHAIN = re.compile(r"(?<!\d)\d++(?:[ \t./\-‐‑‒–—−]{1,3}+\d++)*+")
_DIGIT_GROUP = re.compile(r"\d++")
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Where people break an identity number: between day, month, year and the personal number, or 3 + 2 in
# the personal number. Breaks elsewhere count only when the check digits agree.
_USUAL_BREAKS = frozenset({2, 4, 6, 9})


# Every day and month an identity number can begin with: DDMM, D-numbers (day + 40), H-numbers (month + 40).
_DATE_STARTS = frozenset(
    f"{day + d_offset:02}{month + h_offset:02}"
    for month, days in enumerate(_DAYS_IN_MONTH[1:], start=1)
    for day in range(1, days + 1)
    for d_offset in (0, 40)
    for h_offset in (0, 40)
)


def _date_plausible(digits: str) -> bool:
    """Say whether digits begin with a date: DDMM, a D-number (day + 40) or an H-number (month + 40)."""
    return digits[:4] in _DATE_STARTS


def _check_digits_agree(digits: str) -> bool:
    """Say whether both mod-11 check digits are right (which from 2032 no longer proves anything)."""
    return (
        fodselsnummer.calc_check_digit1(digits[:9]) == digits[9]
        and fodselsnummer.calc_check_digit2(digits[:10]) == digits[10]
    )


def _national_ids(text: str) -> list[_Find]:
    """Find 11-digit runs that begin with a plausible date, written whole or in groups."""
    finds: list[_Find] = []
    for chain in _DIGIT_CHAIN.finditer(text):
        groups = [m.span() for m in _DIGIT_GROUP.finditer(text, chain.start(), chain.end())]
        digits = "".join(text[s:e] for s, e in groups)
        if len(digits) < 11:
            continue
        digits = digits if digits.isascii() else _ascii(digits)
        bounds = [0]  # where each group begins in digits, and where the last ends
        for s, e in groups:
            bounds.append(bounds[-1] + e - s)
        i = j = 0
        while i < len(groups):
            j = max(j, i + 1)
            while j < len(groups) and bounds[j] - bounds[i] < 11:
                j += 1  # j only moves forward: linear in the number of groups
            if bounds[j] - bounds[i] == 11 and _is_national_id(
                digits[bounds[i] : bounds[j]], bounds[i : j + 1]
            ):
                finds.append((groups[i][0], groups[j - 1][1], "national_id"))
                i = j
            else:
                i += 1
    return finds


def _ascii(digits: str) -> str:
    return "".join(str(int(d)) for d in digits)  # digits of other scripts, such as Arabic-Indic


def _is_national_id(digits: str, bounds: list[int]) -> bool:
    """Say whether 11 digits, in groups that begin at bounds, are an identity number."""
    if not _date_plausible(digits):
        return False
    usual = all(b - bounds[0] in _USUAL_BREAKS for b in bounds[1:-1])
    return usual or _check_digits_agree(digits)


_EMAIL = re.compile(
    r"(?<![\w.+\-])[\w.+\-]++[ \t]?(?:@|\((?:at|a|krøllalfa)\)|\[(?:at|a)\])[ \t]?"
    r"[\w\-]++(?:\.[\w\-]++)+(?<=[^\W\d_]{2})",
    re.IGNORECASE,
)


def _emails(text: str) -> list[_Find]:
    """Find e-mail addresses, also written "kari(at)nav.no" or "kari @ nav.no"."""
    if "@" not in text and "(" not in text and "[" not in text:
        return []
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


# Phone numbers: candidate runs of digits and phone punctuation; phonenumbers' matcher decides.
_PHONE_CHAIN = re.compile(r"(?<![\d+])[+(]{0,2}\d++(?:[ \t.\-()]{1,3}+\+?\d++)*+")
_MATCHER_LIMIT = 48  # matcher calls per text (each ~0.1 ms); after that, and in long runs, _NORWEGIAN_PHONE
_LONGEST_CANDIDATE = 40
_NORWEGIAN_PHONE = re.compile(
    r"(?<!\d)(?:(?:\+|00)47[ .\-]?)?"
    r"(?:[2-9]\d{7}|[2-9]\d\d[ .\-]\d\d[ .\-]\d{3}|[2-9]\d(?:[ .\-]\d\d){3}|[2-9]\d{3}[ .\-]\d{4})(?!\d)"
)
_NOT_PHONE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:kr|nok|ordre|sak|saks|faktura|kunde|konto|ref|referanse|bilag|kid|org|organisasjons"
    r"|bestilling|bestillings)[ \t.\-]*(?:nr|nummer|nummeret|no)?\.?[ \t]*[:#]?[ \t]*$",
    re.IGNORECASE,
)
_NOT_PHONE_AFTER = re.compile(r"[ \t]*(?:kr\b|kroner|nok\b|,-|%|prosent|mill|:\d)", re.IGNORECASE)
# Dates ("22.05.2024", "2024-05-22") and pairs of years ("2019 2020") that are also valid phone numbers.
_DATE_OR_YEARS = re.compile(
    r"(?:0?[1-9]|[12]\d|3[01])([./\-])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d"
    r"|(?:19|20)\d\d([./\-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:19|20)\d\d[ \t]*[\-–/ ][ \t]*(?:19|20)\d\d"
)


def _phones(text: str) -> list[_Find]:
    """Find phone numbers: Norwegian ones of 8 digits (with +47 or 0047), foreign ones with + or 00."""
    finds: list[_Find] = []
    calls = 0
    for chain in _PHONE_CHAIN.finditer(text):
        start, end = chain.span()
        digits = sum(c.isdigit() for c in chain.group())
        if digits < 8:
            continue
        if digits > 15 or end - start > _LONGEST_CANDIDATE or calls >= _MATCHER_LIMIT:
            spans = [m.span() for m in _NORWEGIAN_PHONE.finditer(text, start, end)]
        else:
            calls += 1
            spans = [(start + s, start + e) for s, e in _matched_phones(chain.group())]
        finds.extend((s, e, "phone") for s, e in spans if not _price_or_reference(text, s, e))
    return finds


@lru_cache(maxsize=1024)
def _matched_phones(candidate: str) -> tuple[tuple[int, int], ...]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(candidate, "NO", leniency=phonenumbers.Leniency.VALID):
        number = match.number
        if number.country_code == 47:
            if len(phonenumbers.national_significant_number(number)) != 8:
                continue  # five-digit service numbers and the like: not a person's number
        elif not match.raw_string.lstrip("(").startswith(("+", "00")):
            continue
        found.append((match.start, match.end))
    return tuple(found)


def _price_or_reference(text: str, start: int, end: int) -> bool:
    """Say whether a phone-shaped number is a date, years, a price, or an order, case or account number."""
    return (
        bool(_DATE_OR_YEARS.fullmatch(text, start, end))
        or bool(_NOT_PHONE_BEFORE.search(text, max(0, start - 24), start))
        or bool(_NOT_PHONE_AFTER.match(text, end))
    )


# Street addresses: a street name and a house number. Street words that are also everyday words
# ("plassen", "bakken", "parken") count only in a capitalised name; "Storgata er stengt" has no number.
_STREET_ANY_CASE = r"gat(?:a|e|en)|gt\.|vei(?:en)?|veg(?:en)?|vn\.|allé(?:en)?"
_STREET_CAPITALISED = (
    r"plass(?:en)?|torg(?:et)?|stien|bakken|svingen|kroken|ringen|tunet|løkka|brygg(?:a|e|en)|kaia|kaien|lia"
    r"|lien|haugen|åsen|jordet|parken|terrasse|vollen|høgda|myra|stranda|berget|enga|engen|lunden|marka|tråkket"
)
_STREET_WORD = (
    r"gate|gata|gaten|gt\.|vei|veien|veg|vegen|vn\.|allé|alle|alléen|plass|plassen|torg|torget|terrasse"
)
_NOT_HOUSE_NUMBER_AFTER = (
    r"km|m|meter|min|minutt|minutter|time|timer|ganger|gonger|gang|kr|kroner|prosent|år|dager|dagar|uker|veker"
    r"|personer|stk|mil"
)
_STREET_PREFIX = r"(?:(?:Nedre|Øvre|Søndre|Nordre|Vestre|Østre|Store|Lille|Gamle|Nye|St\.|Sankt)[ \t]+)?"
_ADDRESS = re.compile(
    rf"""(?<![\w\-])(?:
        (?:[A-ZÆØÅ][^\W\d_]*+\.?[ \t]+){{1,3}}(?i:{_STREET_WORD})   # Karl Johans gate, Bygdøy allé
        | {_STREET_PREFIX}[^\W\d_]{{2,}}?(?:{_STREET_ANY_CASE})      # Storgata, kirkeveien, Nedre Storgt.
        | {_STREET_PREFIX}[A-ZÆØÅ][^\W\d_]*?(?:{_STREET_CAPITALISED})  # Grünerløkka, Solbakken
        | (?:Torget|Torg|Lia|Lien|Bakken|Haugen|Åsen|Stien|Tunet|Løkka|Kaia|Myra|Enga|Lunden|Høgda)  # alone
    )[ \t]+(?:nr\.?[ \t]*)?\d{{1,4}}(?:[\-–]\d{{1,4}})?(?:[ \t]?[A-Ha-h](?![^\W\d_]))?
    (?![\d:,.]\d)(?![ \t]*(?:{_NOT_HOUSE_NUMBER_AFTER}|%)(?![^\W\d_]))""",
    re.VERBOSE,
)


# Compounds of street words that are places in a building or a town, not streets: "sitteplass 12".
_NOT_STREETS = frozenset(
    {
        "sitteplass", "soveplass", "arbeidsplass", "parkeringsplass", "holdeplass", "bussholdeplass",
        "lekeplass", "motorvei", "motorveien", "omvei", "omveien", "snarvei", "snarveien", "gangvei",
        "gangveien", "sykkelvei", "sykkelveien", "riksvei", "riksveien", "europavei",
    }
)  # fmt: skip


def _addresses(text: str) -> list[_Find]:
    """Find street addresses: "Storgata 12", "Karl Johans gate 22 B", "kirkeveien 5b"."""
    finds: list[_Find] = []
    for match in _ADDRESS.finditer(text):
        first_word = match.group().split(None, 1)[0].lower()
        if first_word not in _NOT_STREETS:
            finds.append((match.start(), match.end(), "address"))
    return finds


@lru_cache(maxsize=256)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """Compile whole-word, case-insensitive phrases, each with an optional genitive s ("Fyrlyktas")."""
    cleaned = {" ".join(normalise(phrase).split()) for phrase in phrases} - {""}
    if not cleaned:
        return None
    longest_first = sorted(cleaned, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, phrase.split(" "))) for phrase in longest_first)
    return re.compile(rf"(?<!\w)(?:{body})(?:['’]?s)?(?!\w)", re.IGNORECASE)


def _local_words(text: str, words: tuple[str, ...]) -> list[_Find]:
    """Find the location's own words: staff and residents' names, nicknames, the name of the house."""
    pattern = _phrase_pattern(words)
    return [(m.start(), m.end(), "local") for m in pattern.finditer(text)] if pattern else []


def _resolve(finds: list[_Find], length: int) -> list[_Find]:
    """Keep one find where finds overlap: the better kind, then the longer span."""
    taken = bytearray(length)
    kept: list[_Find] = []
    for start, end, kind in sorted(finds, key=lambda f: (_RANKS[f[2]], f[0] - f[1], f[0])):
        if taken.find(1, start, end) == -1:
            taken[start:end] = b"\x01" * (end - start)
            kept.append((start, end, "name" if kind == "local" else kind))
    return sorted(kept)


def _rebuild(text: str, edits: list[tuple[int, int, str | None, str]]) -> Scrubbed:
    """Replace each (start, end) of text by its kind's placeholder, or (kind None) by its original."""
    parts: list[str] = []
    redactions: list[Redaction] = []
    position = length = 0
    for start, end, kind, original in edits:
        parts.append(text[position:start])
        length += start - position
        replacement = original if kind is None else PLACEHOLDERS[kind]
        if kind is not None:
            redactions.append(Redaction(length, length + len(replacement), kind, original))
        parts.append(replacement)
        length += len(replacement)
        position = end
    parts.append(text[position:])
    return Scrubbed("".join(parts), tuple(redactions))


def scrub(text: str, local_words: Iterable[str] = ()) -> Scrubbed:
    """Normalise text and replace identity numbers, e-mail, phone numbers, addresses and names."""
    text = normalise(text)
    finds = [
        *_national_ids(text),
        *_emails(text),
        *_phones(text),
        *_addresses(text),
        *_local_words(text, tuple(sorted(set(local_words)))),
        *((start, end, "name") for start, end in find_names(text)),
    ]
    return _rebuild(text, [(s, e, kind, text[s:e]) for s, e, kind in _resolve(finds, len(text))])


def redact_more(scrubbed: Scrubbed, phrase: str, kind: str) -> Scrubbed:
    """Redact every whole-word, case-insensitive occurrence of phrase outside the placeholders."""
    if kind not in PLACEHOLDERS:
        raise ValueError(f"kind must be one of {', '.join(PLACEHOLDERS)}, not {kind!r}")
    pattern = _phrase_pattern((phrase,))
    if pattern is None:
        raise ValueError("phrase is empty: give the words to redact")
    taken = bytearray(len(scrubbed.text))
    for r in scrubbed.redactions:
        taken[r.start : r.end] = b"\x01" * (r.end - r.start)
    edits: list[tuple[int, int, str | None, str]] = [
        (r.start, r.end, r.kind, r.original) for r in scrubbed.redactions
    ]
    for match in pattern.finditer(scrubbed.text):
        if taken.find(1, match.start(), match.end()) == -1:
            edits.append((match.start(), match.end(), kind, match.group()))
    return _rebuild(scrubbed.text, sorted(edits))


def reveal(scrubbed: Scrubbed, index: int) -> Scrubbed:
    """Undo redaction number index (a false positive): put its original text back."""
    if not -len(scrubbed.redactions) <= index < len(scrubbed.redactions):
        raise IndexError(f"no redaction {index}: this text has {len(scrubbed.redactions)}")
    index %= len(scrubbed.redactions)
    edits = [
        (r.start, r.end, None if i == index else r.kind, r.original)
        for i, r in enumerate(scrubbed.redactions)
    ]
    return _rebuild(scrubbed.text, edits)
