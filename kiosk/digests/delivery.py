"""Sending digests by e-mail: one message per member, exactly once, retried with backoff when it fails.

A delivery row exists per (digest, member) before anything is sent (a unique key). A sender claims a
row with one conditional UPDATE (queued and due → sending); only the process whose UPDATE changed the
row sends, so two schedulers never send the same e-mail twice. A send that fails goes back to queued
with the next attempt further off; after MAX_ATTEMPTS it is failed, shown to admins, and can be sent
again by hand. A claim older than STALE (a sender that died mid-send) may be taken again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from kiosk import mail
from kiosk.database import commit_and_begin_write, rowcount
from kiosk.models import DeliveryStatus, DigestDelivery
from kiosk.models.types import db_time

log = logging.getLogger(__name__)
# Minutes to wait before the next attempt, after the first, second ... failure.
BACKOFF_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
STALE = timedelta(minutes=15)


def due(session: Session, *, now: datetime) -> list[int]:
    """Return the ids of deliveries that may be sent now."""
    moment = db_time(now)
    return list(
        session.scalars(
            select(DigestDelivery.id)
            .where(
                or_(
                    (DigestDelivery.status == DeliveryStatus.QUEUED) & (DigestDelivery.next_attempt_at <= moment),
                    (DigestDelivery.status == DeliveryStatus.SENDING) & (DigestDelivery.claimed_at < moment - STALE),
                )
            )
            .order_by(DigestDelivery.id)
        )
    )


def claim(session: Session, delivery_id: int, *, now: datetime) -> DigestDelivery | None:
    """Take one delivery for sending, and commit that; None when another sender has it."""
    commit_and_begin_write(session)
    moment = db_time(now)
    taken = session.execute(
        update(DigestDelivery)
        .where(
            DigestDelivery.id == delivery_id,
            or_(
                (DigestDelivery.status == DeliveryStatus.QUEUED) & (DigestDelivery.next_attempt_at <= moment),
                (DigestDelivery.status == DeliveryStatus.SENDING) & (DigestDelivery.claimed_at < moment - STALE),
            ),
        )
        .values(status=DeliveryStatus.SENDING, claimed_at=moment)
    )
    session.commit()
    if not rowcount(taken):
        return None
    return session.get(DigestDelivery, delivery_id)


def deliver_due(session: Session, *, now: datetime, config: Mapping[str, Any]) -> int:
    """Send every delivery that is due; return how many went out. The caller need not commit."""
    if not mail.configured(config):
        return 0
    from kiosk.digests.render import compose

    sent = 0
    # A digest's e-mail is the same for every member but the address: render it (the PDF takes about
    # 0.4 s) once per digest, not once per member.
    letters: dict[int, mail.Mail] = {}
    for delivery_id in due(session, now=now):
        delivery = claim(session, delivery_id, now=now)
        if delivery is None:
            continue
        try:
            letter = letters.get(delivery.digest_id)
            if letter is None:
                letter = letters[delivery.digest_id] = compose(delivery.digest, delivery.user, config=config)
            mail.send([replace(letter, to=delivery.user.email)], config)
        except mail.MailError as error:
            commit_and_begin_write(session)
            _failed(delivery, str(error), now=now)
            log.warning(
                "Digest %s to member %s not sent (attempt %s): %s",
                delivery.digest_id,
                delivery.user_id,
                delivery.attempts,
                error,
            )
        else:
            commit_and_begin_write(session)
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = db_time(now)
            delivery.attempts += 1
            delivery.last_error = None
            sent += 1
        session.commit()
    return sent


def _failed(delivery: DigestDelivery, error: str, *, now: datetime) -> None:
    delivery.attempts += 1
    delivery.last_error = error[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        return
    delivery.status = DeliveryStatus.QUEUED
    delivery.next_attempt_at = db_time(now) + timedelta(minutes=BACKOFF_MINUTES[delivery.attempts - 1])


def send_again(session: Session, delivery: DigestDelivery, *, now: datetime) -> None:
    """Queue a delivery to be sent again at once (an admin's "send again"), whatever happened before."""
    delivery.status = DeliveryStatus.QUEUED
    delivery.next_attempt_at = db_time(now)
    delivery.claimed_at = None
    delivery.attempts = 0
    session.flush()
