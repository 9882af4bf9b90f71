"""Digest periods and when they are due: ISO weeks (2026-W48), months (2026-11), or runs of weeks.

A council's cadence is "weekly", "monthly" or a cron expression (five fields, Europe/Oslo). Weekly and
monthly digests cover one ISO week or one calendar month and are due at the council's send time after
the period has closed ("mon 08:00"; monthly "1 08:00", the day of the month). A cron cadence says when
digests are due; each covers the whole ISO weeks that closed since the one before. A period with too
few answers merges with the next, and the label then names both ends: 2026-W47–W48.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

OSLO = ZoneInfo("Europe/Oslo")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SEND = re.compile(r"^\s*(mon|tue|wed|thu|fri|sat|sun|[1-9]|1[0-9]|2[0-8])\s+([01]?[0-9]|2[0-3]):([0-5][0-9])\s*$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEKS = re.compile(r"^(\d{4})-W(\d{2})–(?:(\d{4})-)?W(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A digest's period: its first and last day (inclusive), and how people write it."""

    first_day: date
    last_day: date
    label: str

    def merged_with(self, later: Period) -> Period:
        """Return this period and a later one as one period (weeks are written 2026-W47–W48)."""
        return Period(self.first_day, later.last_day, _weeks_label(self.first_day, later.last_day))

    @property
    def weeks(self) -> list[str]:
        """Return the ISO weeks the period covers, as labels."""
        out, day = [], self.first_day
        while day <= self.last_day:
            out.append(week_of(day).label)
            day += timedelta(days=7)
        return out

    def before(self) -> Period:
        """Return the period just before this one, of the same kind and length."""
        if _MONTH.match(self.label):
            return month_of(self.first_day - timedelta(days=1))
        days = (self.last_day - self.first_day).days + 1
        first = self.first_day - timedelta(days=days)
        return Period(first, self.first_day - timedelta(days=1), _weeks_label(first, self.first_day - timedelta(days=1)))

    def year_before(self) -> Period:
        """Return the same period a year earlier (the same ISO weeks, or the same month)."""
        if _MONTH.match(self.label):
            return month_of(date(self.first_day.year - 1, self.first_day.month, 1))
        first = _monday(self.first_day.isocalendar().year - 1, min(self.first_day.isocalendar().week, 52))
        return Period(first, first + (self.last_day - self.first_day), _weeks_label(first, first + (self.last_day - self.first_day)))


def _monday(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


def week_of(day: date) -> Period:
    """Return the ISO week that holds day."""
    monday = day - timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()
    return Period(monday, monday + timedelta(days=6), f"{year}-W{week:02d}")


def month_of(day: date) -> Period:
    """Return the calendar month that holds day."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1), f"{first.year}-{first.month:02d}")


def _weeks_label(first: date, last: date) -> str:
    start, end = week_of(first), week_of(last)
    if start == end:
        return start.label
    same_year = start.label[:4] == end.label[:4]
    return f"{start.label}–{end.label[5:] if same_year else end.label}"


def parse_period(label: str) -> Period:
    """Return the period written as 2026-W48, 2026-11 or 2026-W47–W48; ValueError otherwise."""
    label = label.strip().replace("--", "–")
    if match := _WEEK.match(label):
        return week_of(_monday(int(match[1]), int(match[2])))
    if match := _MONTH.match(label):
        return month_of(date(int(match[1]), int(match[2]), 1))
    if match := _WEEKS.match(label):
        first = _monday(int(match[1]), int(match[2]))
        # Without a second year, the weeks run on into the next year when the last number is the smaller.
        year = int(match[3] or (match[1] if int(match[4]) >= int(match[2]) else int(match[1]) + 1))
        last = _monday(year, int(match[4])) + timedelta(days=6)
        if last < first:
            raise ValueError(f"{label}: the last week comes before the first")
        return Period(first, last, _weeks_label(first, last))
    raise ValueError(f"{label!r} is not a period: write 2026-W48 (a week), 2026-11 (a month) or 2026-W47–W48")


def check_cadence(cadence: str, send: str) -> None:
    """Raise ValueError unless cadence and send time make sense together."""
    if cadence in ("weekly", "monthly"):
        match = _SEND.match(send)
        if not match:
            raise ValueError('send must be a day and a time, e.g. "mon 08:00" (weekly) or "1 08:00" (monthly)')
        if (cadence == "weekly") != (match[1] in WEEKDAYS):
            raise ValueError('a weekly digest is sent on a weekday ("mon 08:00"); a monthly one on a day of the month ("1 08:00")')
        return
    CronTrigger.from_crontab(cadence, timezone=OSLO)


def _send_moment(send: str, day: date) -> datetime:
    """Return the send time on day (in Oslo), from "mon 08:00" or "1 08:00"."""
    match = _SEND.match(send)
    if not match:
        raise ValueError(send)
    return datetime.combine(day, time(int(match[2]), int(match[3])), tzinfo=OSLO)


def due_periods(cadence: str, send: str, *, since: date, now: datetime) -> list[tuple[Period, datetime]]:
    """Return the periods that closed after since (their first day on or after it) whose send time has come."""
    if cadence == "weekly":
        return _due_weeks(send, since, now)
    if cadence == "monthly":
        return _due_months(send, since, now)
    return _due_cron(cadence, since, now)


def _due_weeks(send: str, since: date, now: datetime) -> list[tuple[Period, datetime]]:
    weekday = WEEKDAYS.index(_SEND.match(send)[1])  # type: ignore[index]
    out, period = [], week_of(since)
    if period.first_day < since:
        period = week_of(period.last_day + timedelta(days=1))
    while True:
        after = period.last_day + timedelta(days=1)
        moment = _send_moment(send, after + timedelta(days=(weekday - after.weekday()) % 7))
        if moment > now:
            return out
        out.append((period, moment))
        period = week_of(period.last_day + timedelta(days=1))


def _due_months(send: str, since: date, now: datetime) -> list[tuple[Period, datetime]]:
    day_of_month = int(_SEND.match(send)[1])  # type: ignore[index]
    out, period = [], month_of(since)
    if period.first_day < since:
        period = month_of(period.last_day + timedelta(days=1))
    while True:
        moment = _send_moment(send, (period.last_day + timedelta(days=1)).replace(day=day_of_month))
        if moment > now:
            return out
        out.append((period, moment))
        period = month_of(period.last_day + timedelta(days=1))


def _due_cron(cadence: str, since: date, now: datetime) -> list[tuple[Period, datetime]]:
    trigger = CronTrigger.from_crontab(cadence, timezone=OSLO)
    out: list[tuple[Period, datetime]] = []
    start = week_of(since).first_day if week_of(since).first_day >= since else week_of(since).last_day + timedelta(days=1)
    moment = trigger.get_next_fire_time(None, datetime.combine(start, time(0), tzinfo=OSLO))
    while moment is not None and moment <= now:
        last_closed = week_of(moment.astimezone(OSLO).date()).first_day - timedelta(days=1)
        if last_closed >= start:
            out.append((Period(start, last_closed, _weeks_label(start, last_closed)), moment))
            start = last_closed + timedelta(days=1)
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return out
