"""What is kept, and for how long. Operations flush; the caller commits.

- The text as typed (sealed for moderators): until the item is moderated, at most ORIGINAL_DAYS days.
- Released and hidden text, answers and counts: RETENTION_MONTHS months from the period they belong to.
- Idempotency keys: IDEMPOTENCY_DAYS days (a tablet's retries come within hours).
Admins change the first two on the retention page (stored as settings); the configuration gives defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kiosk.database import rowcount
from kiosk.ids import EPOCH, id_range
from kiosk.models import (
    AnswerTally,
    CountedPeriod,
    Digest,
    DigestDelivery,
    FreeText,
    LedgerEntry,
    Setting,
    SettledPeriod,
    SubmissionTally,
    TextStatus,
)
from kiosk.models.reporting import DigestText
from kiosk.periods import local_today
from kiosk.storage import delete_periods
from kiosk.submissions import expire_idempotency_keys

MIN_MONTHS, MAX_MONTHS = 1, 120
MIN_DAYS, MAX_DAYS = 1, 90


@dataclass(frozen=True)
class Policy:
    """How long each kind of data is kept."""

    months: int
    original_days: int
    key_days: int


@dataclass(frozen=True)
class Report:
    """What one run deleted."""

    keys: int
    originals: int
    submissions: int
    cutoff: date
    rules: Policy
    digests: int = 0

    def summary(self) -> str:
        """Return what was deleted, in one line for the command line and the scheduler's log."""
        return (
            f"Removed {self.keys} expired idempotency keys, {self.originals} originals, and "
            f"{self.submissions} submissions and {self.digests} digests from periods before {self.cutoff.isoformat()} "
            f"(kept: {self.rules.months} months; originals at most {self.rules.original_days} days)."
        )


def policy(session: Session, config: Mapping[str, Any]) -> Policy:
    """Return the retention policy: the settings staff chose, or the configured defaults."""
    stored = {row.key: row.value for row in session.scalars(select(Setting).where(Setting.key.like("retention.%")))}
    return Policy(
        months=int(stored.get("retention.months", config["RETENTION_MONTHS"])),
        original_days=int(stored.get("retention.original_days", config["ORIGINAL_DAYS"])),
        key_days=int(config["IDEMPOTENCY_DAYS"]),
    )


def set_policy(session: Session, months: int, original_days: int) -> Policy:
    """Store new retention settings (within sensible bounds) and return them."""
    if not MIN_MONTHS <= months <= MAX_MONTHS or not MIN_DAYS <= original_days <= MAX_DAYS:
        raise ValueError("retention out of range")
    for key, value in (("retention.months", months), ("retention.original_days", original_days)):
        setting = session.get(Setting, key) or Setting(key=key)
        setting.value = value
        session.add(setting)
    session.flush()
    return Policy(months, original_days, 0)


def months_before(day: date, months: int) -> date:
    """Return the same day of the month months earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def run(session: Session, *, today: date, rules: Policy) -> Report:
    """Delete what is past its time: keys, originals, and whole periods of answers and text."""
    keys = expire_idempotency_keys(session, today, rules.key_days)
    too_old, _high = id_range(today - timedelta(days=rules.original_days), today)
    originals = session.execute(
        update(FreeText)
        .where(FreeText.sealed.is_not(None))
        .where(FreeText.status.in_((TextStatus.RELEASED, TextStatus.HIDDEN)) | (FreeText.id < too_old))
        .values(sealed=None)
    )
    cutoff = months_before(today, rules.months)
    deleted = delete_periods(session, EPOCH, cutoff - timedelta(days=1)) if cutoff > EPOCH else 0
    digests = _delete_reports(session, cutoff)
    session.flush()
    return Report(keys, rowcount(originals), deleted, cutoff, rules, digests)


def _delete_reports(session: Session, cutoff: date) -> int:
    """Delete what was counted and reported about periods before cutoff: per-period counts, their marks, digests.

    A digest holds released text and counts of its period, so it goes with the answers it was made of;
    a ledger entry that pointed to it stays, without the link.
    """
    old = select(Digest.id).where(Digest.last_day < cutoff)
    session.execute(update(LedgerEntry).where(LedgerEntry.digest_id.in_(old)).values(digest_id=None))
    for model in (DigestText, DigestDelivery):
        session.execute(delete(model).where(model.digest_id.in_(old)))
    digests = session.execute(delete(Digest).where(Digest.last_day < cutoff))
    for counts in (SubmissionTally, AnswerTally, CountedPeriod, SettledPeriod):  # and the marks on those periods
        session.execute(delete(counts).where(counts.period < cutoff))
    return rowcount(digests)


def run_due(session: Session, *, now: datetime, config: Mapping[str, Any]) -> Report:
    """Delete what is past its time today (in the service's time zone), under the policy in force."""
    return run(session, today=local_today(config["TIMEZONE"], now), rules=policy(session, config))


def expire_keys(session: Session, *, now: datetime, config: Mapping[str, Any]) -> int:
    """Delete the idempotency keys older than IDEMPOTENCY_DAYS; return how many went."""
    return expire_idempotency_keys(session, local_today(config["TIMEZONE"], now), int(config["IDEMPOTENCY_DAYS"]))
