"""The words and figures a digest is shown with, the same on the page, on paper, in the e-mail and in exports.

A hidden count is never a number anywhere: it is written as words ("færre enn 5", "ikke vist"), and a bar
is drawn only for a shown count, as long as the largest shown count of its question (never as a share of a
hidden total). Call these inside the council's locale (flask_babel.force_locale).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kiosk.models import Digest

CHANNEL_NAMES = {
    "kiosk": _l("Nettbrett"),
    "qr": _l("Mobil (QR-kode)"),
    "paper": _l("Papirlapp"),
    "meeting": _l("Brukermøte"),
    "interview": _l("Intervju"),
}
# A mean says something only on a scale; for yes/no and choices the counts say it.
MEAN_KINDS = ("smiley", "scale")


def file_name(digest: Digest, extension: str) -> str:
    """Return the digest's file name, like siifra-brukerradet-sentrum-2026-W48.pdf."""
    council = re.sub(r"[^a-z0-9]+", "-", _ascii(digest.council.name.lower())).strip("-") or "brukerrad"
    period = re.sub(r"[^A-Za-z0-9-]+", "-", digest.period)  # 2026-W47–W48 has an en dash
    return f"siifra-{council}-{period}.{extension}"


_ASCII: dict[str, str | int | None] = {"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u"}


def _ascii(text: str) -> str:
    return text.translate(str.maketrans(_ASCII))


def hidden(suppressed: str | None, k: int) -> str:
    """Return the words for a hidden count: too few to show, or not shown because it would give one away."""
    if suppressed in ("small", "table"):
        return _("færre enn %(k)d", k=k)
    return _("ikke vist")


def count(value: int | None, suppressed: str | None, k: int) -> str:
    """Return a count as it is shown: the number, or the words for a hidden one."""
    return hidden(suppressed, k) if value is None else str(value)


def cell(data: Mapping[str, Any] | None, k: int) -> str:
    """Return a {"count": ..., "suppressed": ...} cell as it is shown."""
    data = data or {"count": None}
    return count(data.get("count"), data.get("suppressed"), k)


def change(value: int | None) -> str:
    """Return a change as +4, −2 or 0; an empty string when there is nothing to compare with."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")


def channel(name: str) -> str:
    """Return a channel's name in the council's language."""
    return str(CHANNEL_NAMES.get(name, name))


def decimal(value: float) -> str:
    """Return a mean with one decimal, written the way the language writes it (3,8 in Norwegian)."""
    return str(format_decimal(value, "0.0"))


def day(iso: str) -> str:
    """Return a day as people write it (9. november 2026)."""
    return str(format_date(date.fromisoformat(iso), "long"))


def widths(options: Sequence[Mapping[str, Any]]) -> list[int | None]:
    """Return each option's bar length in percent of the largest shown count (None for a hidden count)."""
    largest = max((o["count"] for o in options if o.get("count") is not None), default=0)
    return [None if o.get("count") is None else (round(100 * o["count"] / largest) if largest else 0) for o in options]


def quotes(theme: Mapping[str, Any]) -> list[str]:
    """Return a theme's quotes in alphabetical order (never the order they came in)."""
    return sorted(theme.get("quotes") or [])


def texts(theme: Mapping[str, Any], *, without_quotes: bool = False) -> list[str]:
    """Return a theme's texts in alphabetical order, optionally leaving out its quotes."""
    quoted = set(theme.get("quotes") or []) if without_quotes else set()
    return sorted(text for text in theme.get("texts") or [] if text not in quoted)


def more_texts(theme: Mapping[str, Any]) -> int:
    """Return how many of a theme's texts the digest counts but does not print (a theme shows a sample)."""
    return max(0, int(theme.get("count") or 0) - len(theme.get("texts") or []))


def mean_shown(question: Mapping[str, Any]) -> bool:
    """Return True when the question's mean means something and may be shown."""
    return question.get("mean") is not None and question.get("kind") in MEAN_KINDS


def scale_of(question: Mapping[str, Any]) -> tuple[int, int]:
    """Return the lowest and highest value a question's mean lies between."""
    if question.get("kind") == "scale" and question.get("scale"):
        low, high = question["scale"]
        return int(low), int(high)
    return 1, 5


def place_notes(d: Mapping[str, Any]) -> list[str]:
    """Return, in plain words, which places were merged or carried over, and why."""
    k = d["k"]
    notes = []
    if d.get("merged", {}).get("locations"):
        notes.append(_("Steder med færre enn %(k)d svar er slått sammen under «andre steder».", k=k))
    for item in d.get("carried_forward", []):
        notes.append(
            _(
                "%(place)s hadde færre enn %(k)d svar. Svarene derfra tas med i neste sammendrag.",
                place=item["location"],
                k=k,
            )
        )
    for item in d.get("carried_over", []):
        notes.append(
            _(
                "Fra %(place)s er også svar fra %(week)s med, som kom for få til å vises da.",
                place=item["location"],
                week=item["from"],
            )
        )
    return notes


def text_notes(d: Mapping[str, Any]) -> list[str]:
    """Return, in plain words, whose text is not shown this time, and why."""
    return [
        _("Tekst fra %(place)s vises ikke denne gangen: det kom færre enn %(k)d svar derfra.", place=name, k=d["k"])
        for name in d.get("held_back", [])
    ]


def weeks_note(d: Mapping[str, Any]) -> str | None:
    """Return, when weeks were merged because there were too few answers, which weeks the digest covers."""
    if not d.get("merged", {}).get("periods"):
        return None
    return _(
        "Perioden før hadde for få svar, så dette sammendraget gjelder %(weeks)s.",
        weeks=", ".join(d["period"]["weeks"]),
    )


def burst_note(d: Mapping[str, Any]) -> str:
    """Return the sentence on answers given in a quick burst on one tablet, counted apart."""
    return _(
        "Svar gitt i rask rekkefølge på samme nettbrett er talt for seg og er ikke med over: %(count)s.",
        count=cell(d.get("burst"), d["k"]),
    )


def urgent_note(d: Mapping[str, Any]) -> str:
    """Return the sentence with the number of urgent texts (never what they said)."""
    return _(
        "Svar som kan handle om noen i fare: %(count)s. Vi viser aldri hva de sa.", count=cell(d.get("urgent"), d["k"])
    )
