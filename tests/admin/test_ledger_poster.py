"""The "Dette har vi gjort" poster: an A4 page of a place's latest entries, whose QR code leads to its link."""
from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from kiosk.ledger import EntryValues, add_entry
from kiosk.models import LedgerStatus, Role
from tests.admin.test_posters import decode, rasterise, run

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "poster-ledger.png"


@pytest.fixture
def make_entry(session):
    """Return a factory for a ledger entry at some places, as staff would record it."""

    def make(location_ids, heard, status=LedgerStatus.PLANNED, *, today=date(2026, 3, 4), **values):
        entry = add_entry(session, EntryValues(heard=heard, location_ids=location_ids, status=status, **values), today=today)
        session.commit()
        return entry

    return make


def download(client, code: str, tmp_path: Path, lang: str = "nb") -> Path:
    response = client.get(f"/admin/links/{code}/ledger-poster.pdf?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="siifra-{code}-gjort-{lang}.pdf"'
    path = tmp_path / f"gjort-{lang}.pdf"
    path.write_bytes(response.data)
    return path


def words(pdf: Path) -> str:
    return " ".join(run("pdftotext", pdf, "-").split())


def test_the_poster_shows_the_places_entries_and_its_qr_code_leads_to_the_link(admin_client, link, make_link, make_entry, tmp_path) -> None:
    other = make_link(location_name="Solsida aktivitetshus")
    make_entry([link.location_id], {"nb": "Vi vil ha frukt på bordet om morgenen."}, LedgerStatus.DONE,
               done={"nb": "Nå står det frukt på bordet hver morgen."})
    make_entry([link.location_id], {"nb": "Åpent på søndager."}, LedgerStatus.NOT_POSSIBLE,
               reason={"nb": "Det er ikke penger til flere ansatte nå."})
    make_entry([link.location_id], {"nb": "Et stille rom å hvile i."}, LedgerStatus.CONSIDERING)
    make_entry([link.location_id], {"nb": "Bedre kaffe."}, LedgerStatus.RECEIVED)
    make_entry([other.location_id], {"nb": "Nye stoler i stua."}, LedgerStatus.DONE, done={"nb": "Stolene er kommet."})

    pdf = download(admin_client, link.code, tmp_path)
    assert re.search(r"^Pages:\s+1$", run("pdfinfo", pdf), re.M)
    text = words(pdf)
    assert "Fyrlykta dagsenter Dette har vi gjort" in text
    assert "Det er gjort Dere sa: Vi vil ha frukt på bordet om morgenen. Nå står det frukt på bordet hver morgen." in text
    assert "Vi kan ikke gjøre det Dere sa: Åpent på søndager. Grunnen er: Det er ikke penger til flere ansatte nå." in text
    assert "Vi ser på det Dere sa: Et stille rom å hvile i." in text
    assert "Bedre kaffe" not in text and "stoler" not in text
    assert f"/s/{link.code}/gjort" in text
    assert decode(rasterise(pdf)) == [f"http://127.0.0.1:5000/s/{link.code}"]
    if os.environ.get("SIIFRA_SCREENSHOTS"):
        run("pdftoppm", "-r", 100, "-png", "-singlefile", pdf, tmp_path / "page")
        shutil.copy(tmp_path / "page.png", SCREENSHOT)


def test_the_poster_speaks_the_chosen_language_and_falls_back_to_bokmal(admin_client, link, make_entry, tmp_path) -> None:
    make_entry([link.location_id], {"nb": "Flere turer.", "en": "More walks."}, LedgerStatus.PLANNED,
               done={"nb": "Tur hver tirsdag fra mai."})
    text = words(download(admin_client, link.code, tmp_path, "en"))
    assert "What we have done" in text
    assert "More walks." in text and "Tur hver tirsdag fra mai." in text and "Flere turer." not in text
    assert "Scan the code with your phone camera." in text


def test_long_entries_leave_out_the_oldest_to_stay_on_one_page(admin_client, link, make_entry, tmp_path) -> None:
    for n in range(6):
        make_entry([link.location_id], {"nb": f"Ønske {n}: " + "Vi vil gjerne ha flere turer ut i naturen. " * 13},
                   LedgerStatus.DONE, done={"nb": "Fra mai går vi tur hver tirsdag og torsdag. " * 13}, today=date(2026, 3, 1 + n))
    pdf = download(admin_client, link.code, tmp_path)
    assert re.search(r"^Pages:\s+1$", run("pdfinfo", pdf), re.M)
    text = words(pdf)
    shown = [n for n in range(6) if f"Ønske {n}:" in text]
    assert shown and shown == list(range(6 - len(shown), 6))  # the newest ones
    assert decode(rasterise(pdf)) == [f"http://127.0.0.1:5000/s/{link.code}"]


def test_an_empty_ledger_still_makes_a_poster_to_say_more(admin_client, link, tmp_path) -> None:
    text = words(download(admin_client, link.code, tmp_path))
    assert "Her står det ikke noe ennå." in text and "Si ifra du også!" in text


def test_the_poster_needs_an_admin_and_a_known_language(app, admin_client, make_staff, staff_login, link) -> None:
    assert admin_client.get(f"/admin/links/{link.code}/ledger-poster.pdf?lang=de").status_code == 404
    assert admin_client.get("/admin/links/ZZZZZZ/ledger-poster.pdf").status_code == 404
    client = app.test_client()
    staff_login(client, make_staff(Role.COUNCIL))
    assert client.get(f"/admin/links/{link.code}/ledger-poster.pdf").status_code == 403
