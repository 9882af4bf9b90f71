"""Coarse time: the only time kept next to an answer is the day or the ISO week it was given in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_today(tz: str, now: datetime) -> date:
    """Return the calendar date at now in the time zone tz."""
    return now.astimezone(ZoneInfo(tz)).date()


def period_start(day: date, unit: str) -> date:
    """Return the first day of the period (a day, or a Monday-based ISO week) that holds day."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "day":
        return day
    raise ValueError(f"unknown period unit {unit!r}")


def period_label(start: date, unit: str) -> str:
    """Return a period as people write it: 2026-11-22, or 2026-W47."""
    if unit == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.isoformat()
