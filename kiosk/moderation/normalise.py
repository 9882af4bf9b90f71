"""Put free text into one canonical form before anything looks for names or numbers in it."""

import re
import unicodedata

# Invisible characters that only hide things from a reader or a pattern: zero-width spaces and joiners,
# the word joiner and byte-order mark, the soft hyphen, bidi marks, embeddings, overrides and isolates,
# and the invisible mathematical operators and the Mongolian vowel separator, which render as nothing.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x061C,
        0x180E,
        *range(0x200B, 0x2010),  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2065),  # word joiner, invisible function application, times, separator, plus
        *range(0x2066, 0x206A),  # bidi isolates
        0xFEFF,
    ]
)


# Looking for one is about a tenth of what translate() costs on text that holds none, as nearly all does.
_ANY_INVISIBLE = re.compile("[" + "".join(chr(c) for c in _INVISIBLE) + "]")


def normalise(text: str) -> str:
    """Return text in NFKC with zero-width, soft-hyphen and bidi control characters removed."""
    if text.isascii():
        return text  # ASCII is already in NFKC and holds none of the invisible characters
    # Drop first, so that NFKC composes letters that an invisible character kept apart.
    if _ANY_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return unicodedata.normalize("NFKC", text)
