"""A digest's tables for others to use: CSV and XLSX (one section or sheet each) and JSON.

They hold the digest as shown, never raw rows: every count has been through suppression, a hidden
count is written with the same words the page uses (or null with its reason in JSON), and nothing the
page leaves out (which texts, the ids of places) is in them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kiosk.digests import shown
from kiosk.models import Digest

Value = str | int | float | None


@dataclass(frozen=True)
class Section:
    """One table of the digest: a title, its column names and its rows."""

    title: str
    columns: list[str]
    rows: list[list[Value]]


def _count(data: Mapping[str, Any] | None, k: int) -> Value:
    """Return a shown count as a number, a hidden one as the page's words."""
    data = data or {"count": None}
    return data["count"] if data.get("count") is not None else shown.hidden(data.get("suppressed"), k)


def sections(d: Mapping[str, Any]) -> list[Section]:
    """Return the digest's tables, in the order the page shows them (call inside the council's locale)."""
    k = d["k"]
    return [
        Section(
            _("Sammendrag"),
            [_("Hva"), _("Verdi")],
            [
                [_("Brukerråd"), d["council"]],
                [_("Periode"), d["period"]["label"]],
                [_("Fra"), d["period"]["start"]],
                [_("Til"), d["period"]["end"]],
                [_("Uker"), ", ".join(d["period"]["weeks"])],
                ["k", k],
                [_("Svar i alt"), d["total"]],
                [_("Svar gitt i rask rekkefølge, talt for seg"), _count(d.get("burst"), k)],
                [_("Svar som kan handle om noen i fare"), _count(d.get("urgent"), k)],
                *_notes(d),
            ],
        ),
        _places(d),
        _questions(d),
        Section(
            _("Tema"),
            [_("Tema"), _("Tekster"), _("Endring fra perioden før"), _("Tekst"), _("Sitat")],
            [
                [theme["name"], theme["count"], theme["change"], text, _("ja") if text in theme["quotes"] else ""]
                for theme in d["themes"]
                for text in shown.texts(theme) or [""]
            ],
        ),
        Section(
            _("Dette har vi gjort"),
            [_("Status"), _("Hørt"), _("Gjort"), _("Begrunnelse"), _("Steder"), _("Avsluttet")],
            [
                [
                    e["status_name"],
                    e["heard"],
                    e["done"],
                    e["reason"],
                    ", ".join(e["locations"]),
                    _("ja") if e["closed"] else "",
                ]
                for e in d.get("ledger", {}).get("entries", [])
            ],
        ),
    ]


def _notes(d: Mapping[str, Any]) -> list[list[Value]]:
    """Return the plain-word notes (merged weeks and places, what was carried over), one a row."""
    return [[note] for note in [shown.weeks_note(d), *shown.place_notes(d), *shown.text_notes(d)] if note]


def _places(d: Mapping[str, Any]) -> Section:
    channels = d.get("channels") or []
    return Section(
        _("Svar per sted"),
        [
            _("Sted"),
            _("Svar"),
            *(shown.channel(c) for c in channels),
            _("Endring fra perioden før"),
            _("Endring fra samme tid i fjor"),
            _("Slått sammen"),
        ],
        [
            [
                row["name"],
                row["submissions"],
                *(_count(row["channels"][c], d["k"]) for c in channels),
                row["change"],
                row["change_year"],
                ", ".join(row["merged"]),
            ]
            for row in d["locations"]
        ],
    )


def _questions(d: Mapping[str, Any]) -> Section:
    rows: list[list[Value]] = []
    for q in d["questions"]:
        n = q["n"] if q["n"] is not None else shown.hidden(q.get("n_suppressed"), d["k"])
        mean = q["mean"] if shown.mean_shown(q) else None
        for option in q["options"]:
            rows.append([q["text"], n, mean, option["label"], _count(option, d["k"]), option.get("percent")])
    return Section(_("Spørsmålene"), [_("Spørsmål"), "n", _("Snitt"), _("Svar"), _("Antall"), _("Prosent")], rows)


def _digest_sections(digest: Digest) -> list[Section]:
    snapshot = digest.snapshot or {}
    with force_locale(snapshot.get("language", "nb")):
        return sections(snapshot)


def digest_csv(digest: Digest) -> bytes:
    """Return the digest's tables as one CSV file: a title line, the columns and rows per section.

    UTF-8 with a byte order mark, so that Excel reads æ, ø and å.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    for index, section in enumerate(_digest_sections(digest)):
        if index:
            writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.columns)
        writer.writerows([["" if value is None else value for value in row] for row in section.rows])
    return out.getvalue().encode("utf-8-sig")


def digest_xlsx(digest: Digest) -> bytes:
    """Return the digest's tables as a spreadsheet with one sheet per section."""
    book = Workbook()
    book.remove(book.active)
    for section in _digest_sections(digest):
        sheet = book.create_sheet(_sheet_title(section.title))
        sheet.append(section.columns)
        for header in sheet[1]:
            header.font = Font(bold=True)
        for row in section.rows:
            sheet.append(row)
        for column, name in zip(sheet.columns, section.columns, strict=False):
            longest = max([len(name), *(len(str(c.value)) for c in column if c.value is not None)])
            sheet.column_dimensions[column[0].column_letter].width = min(60, longest + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Return a title Excel takes for a sheet: at most 31 characters, none of []:*?/\\."""
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]


def digest_json(digest: Digest) -> dict[str, Any]:
    """Return the digest as shown, so that others can check it: hidden counts are null with the reason beside."""
    d = digest.snapshot or {}
    return {
        "schema": d.get("schema"),
        "council": d["council"],
        "language": d["language"],
        "period": d["period"],
        "weeks": d["period"]["weeks"],
        "k": d["k"],
        "total": d["total"],
        "channels": d.get("channels"),
        "locations": d["locations"],
        "questions": [
            {
                "text": q["text"],
                "kind": q["kind"],
                "n": q["n"],
                **({"n_suppressed": q["n_suppressed"]} if q["n"] is None else {}),
                "mean": q["mean"] if shown.mean_shown(q) else None,
                "mean_before": q["mean_before"] if shown.mean_shown(q) else None,
                "scale": q.get("scale"),
                "options": q["options"],
            }
            for q in d["questions"]
        ],
        "themes": [
            {key: theme[key] for key in ("name", "count", "change", "quotes", "texts")} for theme in d["themes"]
        ],
        "urgent": d["urgent"],
        "burst": d["burst"],
        "carried_over": d.get("carried_over", []),
        "carried_forward": [{"location": c["location"], "from": c["from"]} for c in d.get("carried_forward", [])],
        "held_back": d.get("held_back", []),
        "merged": d.get("merged", {}),
        "ledger": d.get("ledger", {}),
    }
