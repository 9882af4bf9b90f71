"""Calm e-mails to moderators: a count and a link, never any content.

Urgent text (crisis words) is announced at once, as a count; other waiting text at most once a day.
The scheduler runs notify_due() every five minutes; `flask --app kiosk moderation notify` does the same by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk import mail
from kiosk.models import FreeText, Role, Setting, User
from kiosk.moderation.queue import WAITING, waiting_count
from kiosk.periods import local_today
from kiosk.urls import public_url

REMINDED = "moderation.reminded_on"


@dataclass(frozen=True)
class Sent:
    """How many moderators got which note in one run."""

    urgent: int
    reminders: int

    def summary(self) -> str:
        """Return what was sent, in one line for the command line and the scheduler's log."""
        return f"Urgent notes: {self.urgent}, reminders: {self.reminders}."


def _moderators(session: Session) -> list[User]:
    return list(
        session.scalars(select(User).where(User.role.in_((Role.MODERATOR, Role.ADMIN)), User.disabled_at.is_(None)))
    )


def notify_due(session: Session, *, now: datetime, config: Mapping[str, Any]) -> Sent:
    """Send what is due now, today being the date in the service's time zone."""
    return notify(session, today=local_today(config["TIMEZONE"], now), config=config)


def notify(session: Session, *, today: date, config: Mapping[str, Any]) -> Sent:
    """Send what is due: an urgent note for urgent items not yet announced, and the daily reminder."""
    if not mail.configured(config):
        return Sent(0, 0)
    moderators = _moderators(session)
    urgent = _urgent_not_announced(session)
    sent_urgent = sent_reminders = 0
    if urgent and moderators:
        mail.send([_urgent_mail(m, len(urgent)) for m in moderators], config)
        session.execute(update(FreeText).where(FreeText.id.in_(urgent)).values(alerted=True))
        sent_urgent = len(moderators)
    waiting = waiting_count(session, today=today, show_open=config.get("MODERATION_SHOWS_OPEN_PERIODS", False))
    reminded = session.get(Setting, REMINDED)
    if waiting and moderators and (reminded is None or reminded.value != today.isoformat()):
        mail.send([_reminder_mail(m, waiting) for m in moderators], config)
        session.merge(Setting(key=REMINDED, value=today.isoformat()))
        sent_reminders = len(moderators)
    session.flush()
    return Sent(sent_urgent, sent_reminders)


def _urgent_not_announced(session: Session) -> list[Any]:
    return list(
        session.scalars(
            select(FreeText.id).where(
                FreeText.urgent.is_(True), FreeText.alerted.is_(False), FreeText.status.in_(WAITING)
            )
        )
    )


def _urgent_mail(moderator: User, count: int) -> mail.Mail:
    with force_locale("nb"):
        subject = ngettext(
            "Si ifra: %(num)d svar kan handle om noen i fare", "Si ifra: %(num)d svar kan handle om noen i fare", count
        )
        text = "\n\n".join(
            [
                _("Hei %(name)s,", name=moderator.name),
                ngettext(
                    "%(num)d nytt fritekstsvar har ord som kan tyde på at noen er i fare. Det ligger øverst i køen.",
                    "%(num)d nye fritekstsvar har ord som kan tyde på at noen er i fare. De ligger øverst i køen.",
                    count,
                ),
                _(
                    "Vi sender aldri selve teksten på e-post. Les den her: %(link)s",
                    link=public_url("/admin/moderation"),
                ),
                _("Si ifra"),
            ]
        )
    return mail.Mail(to=moderator.email, subject=subject, text=text + "\n")


def _reminder_mail(moderator: User, count: int) -> mail.Mail:
    with force_locale("nb"):
        subject = ngettext(
            "Si ifra: %(num)d svar venter på moderering", "Si ifra: %(num)d svar venter på moderering", count
        )
        text = "\n\n".join(
            [
                _("Hei %(name)s,", name=moderator.name),
                ngettext(
                    "%(num)d fritekstsvar venter på at noen leser det før brukerrådet kan se det.",
                    "%(num)d fritekstsvar venter på at noen leser dem før brukerrådet kan se dem.",
                    count,
                ),
                _("Køen: %(link)s", link=public_url("/admin/moderation")),
                _("Du får denne påminnelsen høyst én gang om dagen."),
                _("Si ifra"),
            ]
        )
    return mail.Mail(to=moderator.email, subject=subject, text=text + "\n")
