"""Short links: where a poster's code leads, resolved in one indexed query on every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from kiosk.models import Form, FormVersion, Location, ShortLink
from kiosk.shortcodes import normalise


class UnknownLink(LookupError):
    """No active short link has this code, or its form has no published version."""


@dataclass(frozen=True)
class LinkTarget:
    """Where a short link leads: a published form version at a location."""

    code: str
    form_id: int
    version_id: int
    location_id: int
    location_name: str
    timezone: str


# Built once: the submission path runs this on every request, and SQLAlchemy's compiled cache is
# cheapest when the statement object itself is reused.
_NEWEST_VERSION = (
    select(func.max(FormVersion.id))
    .where(FormVersion.form_id == ShortLink.form_id, FormVersion.published_at.is_not(None))
    .scalar_subquery()
)
_RESOLVE = (
    select(ShortLink.form_id, _NEWEST_VERSION, ShortLink.location_id, Location.name, Location.timezone)
    .join(Form, Form.id == ShortLink.form_id)
    .join(Location, Location.id == ShortLink.location_id)
    .where(
        ShortLink.code == bindparam("code"),
        ShortLink.retired_at.is_(None),
        Form.retired_at.is_(None),
        Location.retired_at.is_(None),
    )
)


def resolve_link(session: Session, code: str) -> LinkTarget:
    """Return what an active short link leads to, or raise UnknownLink."""
    canonical = normalise(code)
    if canonical is None:
        raise UnknownLink(code)
    row = session.connection().execute(_RESOLVE, {"code": canonical}).first()
    if row is None or row[1] is None:
        raise UnknownLink(code)
    return LinkTarget(canonical, row[0], row[1], row[2], row[3], row[4])
