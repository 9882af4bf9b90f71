"""Every user-facing text exists in Bokmål, Nynorsk and English, and the compiled catalogs are current."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "kiosk" / "translations"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
# The same keywords as `make translations`: _n marks a singular and plural pair (kiosk/tablet/texts.py).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "_n": (1, 2)}


def extracted() -> set[str]:
    ids: set[str] = set()
    for package in ("kiosk", "admin"):
        if not (ROOT / package).is_dir():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / package, METHODS, keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def translated(string: str | tuple[str, ...]) -> bool:
    """Return whether a message has its text, and a plural message every one of its forms."""
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_message_is_translated(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=lang)
    missing = [m for m in sorted(extracted()) if not (catalog.get(m) and translated(catalog.get(m).string))]
    assert missing == []


def plain(text: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """Return a message id or text as a string, or a plural one as a tuple (a .mo file gives lists)."""
    return text if isinstance(text, str) else tuple(text)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_compiled_catalog_matches_source(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        source = {plain(m.id): plain(m.string) for m in read_po(f, locale=lang) if m.id}
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(f) if m.id}
    assert compiled == source, "run: make translations"
