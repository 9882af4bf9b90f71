"""User councils: the places they follow and how their digests are made. Operations flush; callers commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.config import LANGUAGES
from kiosk.digests.periods import check_cadence
from kiosk.models import Council, Location
from kiosk.models.staff import council_location
from kiosk.models.types import db_time
from kiosk.reporting.suppression import check_k


class CouncilError(ValueError):
    """A council cannot be saved as it is; key names the reason for a message in the staff member's language."""

    def __init__(self, key: str, detail: str = "", place: str = "") -> None:
        super().__init__(detail or key)
        self.key = key
        self.detail = detail
        self.place = place


@dataclass(frozen=True)
class CouncilSettings:
    """What a council is: a name, its places, and how its digests are made."""

    name: str
    location_ids: Sequence[int]
    cadence: str = "weekly"
    send: str = "mon 08:00"
    language: str = "nb"
    k: int = 5
    four_eyes: bool = False


def _check(session: Session, settings: CouncilSettings, council: Council | None) -> list[Location]:
    name = settings.name.strip()
    if not name or len(name) > 120:
        raise CouncilError("name")
    clash = session.scalars(select(Council).where(Council.name == name)).first()
    if clash is not None and clash is not council:
        raise CouncilError("name_taken")
    try:
        check_cadence(settings.cadence, settings.send)
    except ValueError as error:
        raise CouncilError("cadence", str(error)) from None
    if settings.language not in LANGUAGES:
        raise CouncilError("language")
    try:
        check_k(settings.k)
    except ValueError as error:
        raise CouncilError("k", str(error)) from None
    ids = set(settings.location_ids)
    locations = (
        list(session.scalars(select(Location).where(Location.id.in_(ids)).order_by(Location.name))) if ids else []
    )
    if len(locations) != len(ids):
        raise CouncilError("locations")
    # Each place has one council. Two digests that count the same answers in different company can be
    # subtracted from each other: a council of Fyrlykta and Øran, less one of Fyrlykta alone, is Øran's
    # answers in full, small numbers and all. A place it already follows never counts against a council
    # (councils saved before this rule keep their places; their page asks an admin to part them).
    own = {location.id for location in council.locations} if council is not None else set()
    taken = councils_following(session, sorted(ids - own), excluding=council)
    if taken:
        location, other = taken[0]
        raise CouncilError("place_taken", other.name, location.name)
    # Digests of the same places over different periods can be subtracted: a month's, less the three
    # weeks shown in full, is the fourth week, small numbers and all. Councils that (still) share places
    # keep step.
    for other in linked_councils(session, list(ids), excluding=council):
        if other.cadence != settings.cadence.strip():
            raise CouncilError("cadence_shared", other.name)
    return locations


def create_council(session: Session, settings: CouncilSettings, *, now: datetime) -> Council:
    """Create a council."""
    locations = _check(session, settings, None)
    council = Council(name=settings.name.strip(), created_at=db_time(now))
    _apply(council, settings, locations)
    session.add(council)
    session.flush()
    return council


def update_council(session: Session, council: Council, settings: CouncilSettings) -> Council:
    """Change a council's name, places and digest settings (digests already made stay as they are)."""
    _apply(council, settings, _check(session, settings, council))
    session.flush()
    return council


def _apply(council: Council, settings: CouncilSettings, locations: list[Location]) -> None:
    council.name = settings.name.strip()
    council.locations = locations
    council.cadence = settings.cadence.strip()
    council.send = settings.send.strip()
    council.language = settings.language
    council.k = settings.k
    council.four_eyes = settings.four_eyes


def councils_following(
    session: Session, location_ids: Sequence[int], *, excluding: Council | None = None
) -> list[tuple[Location, Council]]:
    """Return each of these places that a council follows, with that council (excluding one), by place and council."""
    if not location_ids:
        return []
    query = (
        select(Location, Council)
        .join(council_location, council_location.c.location_id == Location.id)
        .join(Council, Council.id == council_location.c.council_id)
        .where(Location.id.in_(location_ids))
        .order_by(Location.name, Council.name)
    )
    if excluding is not None:
        query = query.where(Council.id != excluding.id)
    return [(location, council) for location, council in session.execute(query).tuples()]


def sharing_places(session: Session, council: Council) -> list[Council]:
    """Return the other councils that follow one of the council's places (saved before each place had one)."""
    found = councils_following(session, [location.id for location in council.locations], excluding=council)
    return sorted({other for _location, other in found}, key=lambda other: other.name)


def linked_councils(
    session: Session, location_ids: Sequence[int], *, excluding: Council | None = None
) -> list[Council]:
    """Return the councils that follow any of these places, or share a place with one that does, and so on.

    Councils that share places must hide the same small numbers. With k = 5 one council shows a place with
    5 submissions on its own; another with k = 7 merges that place with a place of 3 into "other places".
    An admin reads both: the difference is the place of 3, its count and every answer there.

    excluding leaves one council out, and with it the links only its places make (a council being changed).
    """
    links = session.execute(select(council_location.c.council_id, council_location.c.location_id)).all()
    places_of: dict[int, set[int]] = {}
    for council_id, location_id in links:
        if excluding is None or council_id != excluding.id:
            places_of.setdefault(council_id, set()).add(location_id)
    reached, found = set(location_ids), set[int]()
    while True:
        more = {cid for cid, places in places_of.items() if cid not in found and places & reached}
        if not more:
            break
        found |= more
        for cid in more:
            reached |= places_of[cid]
    if not found:
        return []
    return list(session.scalars(select(Council).where(Council.id.in_(found)).order_by(Council.name)))


def stricter_councils(session: Session, council: Council) -> list[Council]:
    """Return the linked councils whose larger k the council's digests hide with (none when its own is the largest)."""
    linked = linked_councils(session, [location.id for location in council.locations])
    strictest = max([council.k, *(other.k for other in linked)])
    return [other for other in linked if other.k == strictest > council.k]


def out_of_step(session: Session, council: Council) -> list[Council]:
    """Return the linked councils on another cadence (saved before councils sharing places had to keep step)."""
    linked = linked_councils(session, [location.id for location in council.locations], excluding=council)
    return [other for other in linked if other.cadence != council.cadence]


def digest_k(session: Session, council: Council) -> int:
    """Return the k the council's digests hide small numbers with: the strictest of the councils linked to it."""
    stricter = stricter_councils(session, council)
    return stricter[0].k if stricter else council.k
