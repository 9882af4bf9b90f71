"""Digests as people read them: the page, the PDF (read back with pdftotext), the e-mail through a real SMTP
server, the exports, and the command line — all showing the same sections and hiding the same numbers."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from kiosk.digests import exports, render
from kiosk.digests.delivery import BACKOFF_MINUTES, MAX_ATTEMPTS, deliver_due
from kiosk.extensions import db
from kiosk.models import DeliveryStatus, DigestDelivery
from tests.kiosk.digest_data import AFTER, COUNCIL, answers, QUOTE, URGENT, WEEK, digest_of, fill_week

GOLDEN = Path(__file__).parent / "golden"
SECTIONS = ("Dette sa dere", "Dette har vi gjort", "Dette skjer nå", "Slik beskytter vi deg", "Svar per sted",
            "Spørsmålene", "Hva folk skrev")
MEMBERS = ("kari@example.no", "per@example.no")
FILE_NAME = "siifra-brukerradet-saeter-og-oyer-2026-W46.pdf"


@pytest.fixture
def week(app, session, client, make_link, make_submission):
    return fill_week(app, session, client, make_link, make_submission, members=MEMBERS)


def rendered(app, digest_id: int, what, *args, **kwargs):
    with app.app_context():
        return what(digest_of(app, digest_id), *args, **kwargs)


def row_of(html: str, label: str) -> str:
    """Return the table row whose header cell is label."""
    return re.search(rf"<tr[^>]*><th [^>]*>{re.escape(label)}</th>.*?</tr>", html, re.S).group(0)


@pytest.mark.parametrize("mode", ["page", "pdf", "email"])
def test_every_mode_shows_the_sections_and_hides_small_numbers(app, week, mode):
    html = str(rendered(app, week.digest_id, render.render_html, mode=mode))
    for heading in SECTIONS:
        assert heading in html, heading
    assert COUNCIL in html and "9. november 2026" in html and "15. november 2026" in html
    assert QUOTE in html and "Flere turer i skogen" in html
    assert "Varm lunsj hver fredag fra uke 46" in html and "Første tur" in html  # closed and open ledger entries
    # Two answered "Dårlig": a hidden count is words, and it has no bar that could be measured.
    dårlig = row_of(html, "Dårlig")
    assert "færre enn 5" in dårlig and "<svg" not in dårlig and "bar-fill" not in dårlig
    assert "Svar som kan handle om noen i fare: færre enn 5" in html and URGENT not in html
    assert "Øran hadde færre enn 5 svar. Svarene derfra tas med i neste sammendrag." in html
    assert "Tekst fra Øran vises ikke denne gangen" in html
    assert "ikke med over: færre enn 5" in html  # the burst, counted apart
    assert "<script" not in html and "http://" not in html.replace(f"http://127.0.0.1:5000/admin/digests/{week.digest_id}", "")


def test_the_page_is_a_fragment_without_style_attributes(app, week):
    html = str(rendered(app, week.digest_id, render.render_html, mode="page"))
    assert html.lstrip().startswith('<div class="digest" lang="nb">') and "<html" not in html
    assert "style=" not in html and "<style" not in html  # the staff pages' CSP allows neither
    assert re.search(r'<svg class="meter"[^>]*aria-hidden="true"', html)
    assert 'width="100"' in row_of(html, "Bra")  # 7, the largest count, is the longest bar


def test_the_pdf_document_has_its_print_css(app, week):
    html = str(rendered(app, week.digest_id, render.render_html, mode="pdf"))
    assert html.startswith("<!doctype html>") and "size: A4" in html and "counter(pages)" in html
    assert "Brukerr\\e5 det S\\e6 ter og \\f8 yer" not in html  # letters stay letters in the footer
    assert '@bottom-left { content: "Brukerrådet Sæter og Øyer · sammendrag for 2026-W46"' in html


def test_the_email_has_its_styles_inlined_and_bars_as_table_cells(app, week):
    html = str(rendered(app, week.digest_id, render.render_html, mode="email"))
    assert "<style" not in html and "<link" not in html and "<svg" not in html
    assert 'class="sheet"' in html and 'width="640"' in html
    bra = row_of(html, "Bra")
    assert 'class="bar-fill"' in bra and 'width="100%"' in bra and 'bgcolor="#1d5c4f"' in bra
    assert 'style="' in bra


def test_unknown_mode_is_refused(app, week):
    with pytest.raises(ValueError, match="page, pdf, email"):
        rendered(app, week.digest_id, render.render_html, mode="poster")


def test_a_digest_renders_in_the_councils_language(app, session, client, make_link, make_submission):
    week = fill_week(app, session, client, make_link, make_submission, language="nn")
    html = str(rendered(app, week.digest_id, render.render_html, mode="page"))
    assert 'lang="nn"' in html and "Dette sa de" in html and "Dette sa dere" not in html


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "digest.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_pdf_reads_back_with_council_period_and_sections(app, week, tmp_path):
    data = rendered(app, week.digest_id, render.render_pdf)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    for heading in SECTIONS:
        assert heading in text, heading
    assert text.count(f"{COUNCIL} · sammendrag for {WEEK}") >= 2  # every page's footer
    assert "Side 1 av" in text and "færre enn 5" in text
    assert re.search(r"Fyrlykta\s+14\s+6\s+8\s+\+4", text)  # answers, tablet, phone, change
    info = subprocess.run(["pdfinfo", str(tmp_path / "digest.pdf")], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info) and re.search(r"Page size:.*\(A4\)", info)


@pytest.mark.parametrize(("name", "what"), [("digest-2026-W46.txt", render.render_text),
                                           ("digest-2026-W46.html", lambda d: str(render.render_html(d, mode="page")))])
def test_golden(app, week, name, what):
    """The digest reads exactly as the file; SIIFRA_UPDATE_GOLDEN=1 writes it anew (then read the diff)."""
    got = rendered(app, week.digest_id, what)
    path = GOLDEN / name
    if os.environ.get("SIIFRA_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def smtp_config(port: int) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_FROM": "Si ifra <siifra@example.no>"}


def deliveries(session) -> list[DigestDelivery]:
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(DigestDelivery).order_by(DigestDelivery.id)))


def test_each_member_gets_the_email_once_with_text_html_and_the_pdf(app, session, week, smtp_server):
    config = smtp_config(smtp_server.port)
    with app.app_context():
        assert deliver_due(db.session, now=AFTER, config=config) == 2
        assert deliver_due(db.session, now=AFTER + timedelta(hours=1), config=config) == 0
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(MEMBERS)
    message = smtp_server.messages[0]
    assert message["Subject"] == f"Si ifra: sammendrag for {COUNCIL}, {WEEK}"
    assert message.is_multipart() and message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dette sa dere" in text and f"/admin/digests/{week.digest_id}" in text
    assert "Dette sa dere" in html and 'style="' in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_filename() == FILE_NAME
    assert attachment.get_content().startswith(b"%PDF-")
    assert {d.status for d in deliveries(session)} == {DeliveryStatus.SENT}


def test_the_subject_goes_on_the_wire_encoded(app, week):
    from kiosk import mail

    with app.app_context():
        delivery = db.session.scalars(select(DigestDelivery)).first()
        raw = mail.build(render.compose(delivery.digest, delivery.user, config={}), "siifra@example.no").as_bytes()
    subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", raw, re.M).group(1)
    assert subject.isascii() and b"=?utf-8?" in subject.lower()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_mail_server_that_is_down_queues_with_backoff_then_fails(app, session, week):
    config = smtp_config(free_port())  # nothing listens there
    now = AFTER
    with app.app_context():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert deliver_due(db.session, now=now, config=config) == 0
            state = deliveries(session)
            assert {d.attempts for d in state} == {attempt}
            if attempt < MAX_ATTEMPTS:
                assert {d.status for d in state} == {DeliveryStatus.QUEUED}
                wait = timedelta(minutes=BACKOFF_MINUTES[attempt - 1])
                assert deliver_due(db.session, now=now + wait - timedelta(seconds=1), config=config) == 0
                assert {d.attempts for d in deliveries(session)} == {attempt}  # not tried before its time
                now += wait
    final = deliveries(session)
    assert {d.status for d in final} == {DeliveryStatus.FAILED}
    assert all("ConnectionRefusedError" in (d.last_error or "") for d in final)


def test_a_send_refused_twice_goes_out_at_the_third_try_and_is_logged_per_member(app, session, week, smtp_server,
                                                                                 caplog):
    config = smtp_config(smtp_server.port)
    smtp_server.refuse = 4  # both members' e-mails, twice
    now = AFTER
    with app.app_context(), caplog.at_level("WARNING", logger="kiosk.digests.delivery"):
        assert deliver_due(db.session, now=now, config=config) == 0
        now += timedelta(minutes=BACKOFF_MINUTES[0])
        assert deliver_due(db.session, now=now, config=config) == 0
        assert {(d.status, d.attempts) for d in deliveries(session)} == {(DeliveryStatus.QUEUED, 2)}
        now += timedelta(minutes=BACKOFF_MINUTES[1])
        assert deliver_due(db.session, now=now, config=config) == 2
    assert {(d.status, d.attempts) for d in deliveries(session)} == {(DeliveryStatus.SENT, 3)}
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(MEMBERS)
    failures = [r.getMessage() for r in caplog.records if "not sent" in r.getMessage()]
    assert len(failures) == 4 and all("451" in line for line in failures)
    assert not any(member in line for member in MEMBERS for line in failures)  # an id, not an address, in the log


def test_csv_export_reads_back_with_the_pages_words(app, week):
    data = rendered(app, week.digest_id, exports.digest_csv)
    assert data.startswith(b"\xef\xbb\xbf")  # so that Excel reads æøå
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    titles = [rows[0][0]] + [rows[i + 1][0] for i, row in enumerate(rows[:-1]) if row == []]
    assert titles == ["Sammendrag", "Svar per sted", "Spørsmålene", "Tema", "Dette har vi gjort"]
    assert ["Brukerråd", COUNCIL] in rows and ["Svar i alt", "20"] in rows
    assert ["Fyrlykta", "14", "6", "8", "4", "", ""] in rows
    assert ["Hvordan var dagen?", "ikke vist", "", "Dårlig", "færre enn 5", ""] in rows
    assert ["Svar som kan handle om noen i fare", "færre enn 5"] in rows
    assert not any(row[:1] == ["Øran"] for row in rows) and URGENT not in data.decode("utf-8-sig")


def test_xlsx_export_has_one_sheet_per_section(app, week, tmp_path):
    path = tmp_path / "digest.xlsx"
    path.write_bytes(rendered(app, week.digest_id, exports.digest_xlsx))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Sammendrag", "Svar per sted", "Spørsmålene", "Tema", "Dette har vi gjort"]
    places = [list(row) for row in book["Svar per sted"].iter_rows(values_only=True)]
    assert places[0][:4] == ["Sted", "Svar", "Nettbrett", "Mobil (QR-kode)"]
    assert places[1][:5] == ["Fyrlykta", 14, 6, 8, 4]
    questions = [list(row) for row in book["Spørsmålene"].iter_rows(values_only=True)]
    assert ["Hvordan var dagen?", "ikke vist", None, "Dårlig", "færre enn 5", None] in questions
    quotes = [row for row in book["Tema"].iter_rows(values_only=True) if row[3] == QUOTE]
    assert quotes == [("Mat", 2, 1, QUOTE, "ja")]  # one more than in the week before's digest


def test_json_export_is_the_digest_as_shown(app, week):
    data = json.loads(json.dumps(rendered(app, week.digest_id, exports.digest_json)))
    assert data["council"] == COUNCIL and data["k"] == 5 and data["total"] == 20
    assert data["period"] == {"label": WEEK, "start": "2026-11-09", "end": "2026-11-15", "weeks": [WEEK]}
    assert data["weeks"] == [WEEK]
    assert [row["name"] for row in data["locations"]] == ["Fyrlykta", "Verkstedet"]
    smiley = data["questions"][0]
    assert smiley["n"] is None and smiley["n_suppressed"] == "complementary"
    assert {"label": "Dårlig", "count": None, "suppressed": "small", "percent": None} in smiley["options"]
    assert data["urgent"] == {"count": None, "suppressed": "small"}
    assert data["carried_forward"] == [{"location": "Øran", "from": "2026-11-09"}] and data["held_back"] == ["Øran"]
    text = json.dumps(data, ensure_ascii=False)
    assert "text_ids" not in text and "location_id" not in text and URGENT not in text


def test_digest_commands(app, week, runner, tmp_path):
    listed = runner.invoke(args=["digest", "list"])
    assert listed.exit_code == 0 and listed.output.startswith(f"{week.digest_id}\t{COUNCIL}\t{WEEK}\tready\t20")
    assert runner.invoke(args=["digest", "list", "--council", str(week.council_id + 1)]).output == ""
    assert "Dette sa dere" in runner.invoke(args=["digest", "show", str(week.digest_id)]).output
    assert json.loads(runner.invoke(args=["digest", "show", str(week.digest_id), "--format", "json"]).output)["total"] == 20
    assert "<!DOCTYPE html>" in runner.invoke(args=["digest", "show", str(week.digest_id), "--format", "html"]).output
    out = tmp_path / "d.pdf"
    assert runner.invoke(args=["digest", "show", str(week.digest_id), "--format", "pdf", "-o", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert runner.invoke(args=["digest", "show", str(week.digest_id), "--format", "pdf"]).stdout_bytes.startswith(b"%PDF-")
    missing = runner.invoke(args=["digest", "show", "999"])
    assert missing.exit_code != 0 and "No built digest 999" in missing.output


def test_digest_build_command(app, week, runner, client, make_submission):
    council = str(week.council_id)
    link = week.links["Fyrlykta"]
    form = client.get(f"/api/v1/links/{link.code}").get_json()
    for n in range(5):
        make_submission(link, answers(form, 4), now=datetime(2026, 11, 18, 12, tzinfo=timezone.utc))
    new = runner.invoke(args=["digest", "build", "--council", council, "--period", "2026-W47"])
    # Fyrlykta's five: Øran's two (and none this week) are carried on again.
    assert new.exit_code == 0 and re.search(rf"^\d+\t{COUNCIL} 2026-W47: built, 5 answers, 2 e-mails queued", new.output), new.output
    again = runner.invoke(args=["digest", "build", "--council", council, "--period", WEEK])
    assert again.exit_code == 0 and "already built; nothing changed" in again.output
    quiet = runner.invoke(args=["digest", "build", "--council", council, "--period", "2026-W44"])
    assert quiet.exit_code == 0 and "too few answers, carried into the next digest" in quiet.output
    today = datetime.now(timezone.utc).date().isocalendar()
    current = runner.invoke(args=["digest", "build", "--council", council, "--period", f"{today.year}-W{today.week:02d}"])
    assert current.exit_code != 0 and "is not over" in current.output
    wrong = runner.invoke(args=["digest", "build", "--council", council, "--period", "week 48"])
    assert wrong.exit_code != 0 and "2026-W48" in wrong.output
    assert runner.invoke(args=["digest", "build", "--council", "999", "--period", WEEK]).exit_code != 0


def test_the_emails_link_to_the_page_is_a_link(app, week):
    html = str(rendered(app, week.digest_id, render.render_html, mode="email"))
    url = f"http://127.0.0.1:5000/admin/digests/{week.digest_id}"
    assert re.search(rf'Les sammendraget på nett: <a href="{re.escape(url)}"[^>]*>{re.escape(url)}</a>', html)
