"""A week of answers that fills every section of a digest, for the tests of how digests read.

2026-W46 at three places of one council (k = 5): Fyrlykta busy on both channels (and a burst on its tablet),
Verkstedet just over k, Øran below k (carried into the next digest); released text under a theme and
without one, a quote, one urgent text; the week before and its digest, for the changes; two ledger entries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select

from kiosk.devices import create_device
from kiosk.digests.build import build
from kiosk.digests.periods import parse_period
from kiosk.extensions import db
from kiosk.ledger import EntryValues, add_entry
from kiosk.models import Council, Digest, FreeText, LedgerStatus, Location, Role, TextStatus, Theme
from tests.admin.staffing import make_staff
from tests.kiosk.helpers import questions_by_kind

WEEK = "2026-W46"  # 9-15 November 2026
IN_WEEK = datetime(2026, 11, 11, 12, tzinfo=timezone.utc)
WEEK_BEFORE = datetime(2026, 11, 4, 12, tzinfo=timezone.utc)
WEEK_BEFORE_LABEL = "2026-W45"
AFTER_WEEK_BEFORE = datetime(2026, 11, 9, 9, tzinfo=timezone.utc)
AFTER = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
PLACES = ("Fyrlykta", "Verkstedet", "Øran")
COUNCIL = "Brukerrådet Sæter og Øyer"
QUOTE = "Maten er for dårlig, vi trenger varm lunsj"
URGENT = "Jeg vil ikke leve lenger"


@dataclass
class Week:
    """The council, its places' links and the digest built for the week."""

    council_id: int
    links: dict
    digest_id: int


def answers(form_json, smiley: int, *, text: str | None = None, scale: int | None = None) -> dict:
    """Return answers in the API's shape: a smiley, yes/no, a scale and (optionally) free text."""
    q = questions_by_kind(form_json)
    given = {q["smiley"]["id"]: smiley, q["yes_no"]["id"]: smiley >= 3, q["scale"]["id"]: scale if scale is not None else smiley * 2}
    if text:
        given[q["free_text"]["id"]] = text
    return given


def fill_week(app, session, client, make_link, make_submission, *, language: str = "nb", members: tuple[str, ...] = ()) -> Week:
    """Store the week's answers, text and ledger entries, build the digest, and return where they are."""
    links = {name: make_link(location_name=name) for name in PLACES}
    forms = {name: client.get(f"/api/v1/links/{link.code}").get_json() for name, link in links.items()}
    locations = {name: session.get_one(Location, link.location_id) for name, link in links.items()}
    council = Council(name=COUNCIL, created_at=datetime(2026, 10, 1), k=5, language=language,
                      cadence="weekly", send="mon 08:00", locations=list(locations.values()))
    session.add(council)
    session.add(Theme(name={"nb": "Mat", "nn": "Mat", "en": "Food"}, keywords={"nb": ["mat*", "lunsj*"], "en": ["food"]}, position=1))
    device, _code = create_device(session, locations["Fyrlykta"], "Gangen", now=IN_WEEK, minutes=15)
    session.commit()

    fyr, verk, oran = (forms[name] for name in PLACES)
    texts = [QUOTE, "Lunsjen kommer for sent", "Flere turer i skogen", "Mer kaffe, takk", URGENT]
    for n in range(8):
        make_submission(links["Fyrlykta"], answers(fyr, 5 if n < 6 else 2, text=texts[n] if n < len(texts) else None), now=IN_WEEK)
    for n in range(6):
        make_submission(links["Fyrlykta"], answers(fyr, 4), now=IN_WEEK, channel="kiosk", device_id=device.id)
    for n in range(2):
        make_submission(links["Fyrlykta"], answers(fyr, 5), now=IN_WEEK, channel="kiosk", device_id=device.id, burst=True)
    for n in range(6):
        make_submission(links["Verkstedet"], answers(verk, 3 if n < 5 else 4), now=IN_WEEK)
    for n in range(2):
        make_submission(links["Øran"], answers(oran, 1), now=IN_WEEK)
    for n in range(10):
        make_submission(links["Fyrlykta"], answers(fyr, 3, text="Maten var grei" if n == 0 else None), now=WEEK_BEFORE)

    session.rollback()
    for item in session.scalars(select(FreeText)):
        item.status = TextStatus.HIDDEN if item.urgent else TextStatus.RELEASED
        item.quote = item.text == QUOTE
    session.commit()
    with app.app_context():
        # The week before has its digest, built before this week's ledger entries: the changes are against it.
        build(db.session, db.session.get_one(Council, council.id), parse_period(WEEK_BEFORE_LABEL), now=AFTER_WEEK_BEFORE)
        db.session.commit()
    # The members join after it, so that the e-mails queued are this week's alone.
    for email in members:
        make_staff(app, session, Role.COUNCIL, email=email, council=council)
    theme_id = session.scalars(select(Theme.id)).one()
    fyr_id = locations["Fyrlykta"].id
    add_entry(session, EntryValues(heard={"nb": "Dere ønsket varm lunsj på fredager"}, location_ids=[fyr_id], status=LedgerStatus.DONE,
                                   done={"nb": "Varm lunsj hver fredag fra uke 46"}, council_id=council.id, theme_id=theme_id),
              today=date(2026, 11, 10))
    add_entry(session, EntryValues(heard={"nb": "Flere turer ut i skogen"}, location_ids=[fyr_id], status=LedgerStatus.PLANNED,
                                   done={"nb": "Tur hver onsdag fra desember"}, council_id=council.id,
                                   milestones=[(date(2026, 12, 2), {"nb": "Første tur"})]),
              today=date(2026, 11, 12))
    session.commit()

    with app.app_context():
        result = build(db.session, db.session.get_one(Council, council.id), parse_period(WEEK), now=AFTER)
        db.session.commit()
        digest_id = result.digest.id
    session.expire_all()
    return Week(council.id, links, digest_id)


def digest_of(app, digest_id: int) -> Digest:
    """Return the digest, read in an app context of its own and detached from it."""
    with app.app_context():
        digest = db.session.get_one(Digest, digest_id)
        _ = digest.council.name, list(digest.deliveries)
        db.session.expunge_all()
        return digest
