"""Every user-facing text exists in Bokmål, Nynorsk and English, and the compiled catalogs are current."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "kiosk" / "translations"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def extracted() -> set[str]:
    ids: set[str] = set()
    for package in ("kiosk", "admin"):
        if not (ROOT / package).is_dir():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / package, METHODS, keywords={"_": None, "gettext": None, "_l": None, "ngettext": (1, 2)}):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_message_is_translated(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=lang)
    missing = [m for m in sorted(extracted()) if not (catalog.get(m) and _translated(catalog.get(m).string))]
    assert missing == []


def _translated(string: str | tuple[str, ...]) -> bool:
    """Return True when a message, or every plural form of it, is filled in."""
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_compiled_catalog_matches_source(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        source = {_plain(m.id): _plain(m.string) for m in read_po(f, locale=lang) if m.id}
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(f) if m.id}
    assert compiled == source, "run: make translations"


def _plain(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """Return a message id or string comparable across .po and .mo (plurals as tuples)."""
    return value if isinstance(value, str) else tuple(value)
