"""Trends for staff: weekly means of closed weeks from the per-period counts, through the strictest k in force."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kiosk.digests.periods import week_of
from kiosk.models import Council, Location
from kiosk.reporting.tallies import count_periods
from kiosk.reporting.trends import strictest_k, trends
from tests.kiosk.helpers import questions_by_kind

TODAY = date(2026, 11, 25)  # a Wednesday of 2026-W48


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


@pytest.fixture
def answer(client, link, make_submission):
    """Return answer(day, smiley, yes, times): store that many submissions of a smiley and a yes/no."""
    q = questions_by_kind(client.get(f"/api/v1/links/{link.code}").get_json())

    def give(day: date, smiley: int, yes: bool, times: int) -> None:
        for _ in range(times):
            make_submission(link, {q["smiley"]["id"]: smiley, q["yes_no"]["id"]: yes}, now=noon(day))

    return give


def counted(session, first: date, today: date) -> None:
    count_periods(session, first, today, open_from=today)
    session.commit()


def follow(session, link, name: str, k: int, *more) -> None:
    """Let a council with this k follow the link's place (and more links' places)."""
    places = [session.get(Location, item.location_id) for item in (link, *more)]
    session.add(Council(name=name, created_at=datetime(2026, 1, 1), k=k, language="nb", cadence="weekly",
                        send="mon 08:00", locations=places))
    session.commit()


def by_week(line) -> dict[str, float | None]:
    return {point.week: point.mean for point in line.points}


def test_a_weeks_mean_shows_only_when_its_whole_distribution_could(session, link, answer):
    answer(date(2026, 11, 2), 5, True, 5)  # 2026-W45: 5 and 5, no small cell
    answer(date(2026, 11, 3), 4, False, 5)
    answer(date(2026, 11, 9), 5, True, 6)  # 2026-W46: two answers of 1 are a small cell
    answer(date(2026, 11, 10), 1, False, 2)
    answer(date(2026, 11, 16), 2, False, 5)  # 2026-W47: one cell of 5
    answer(TODAY, 3, True, 10)  # this week: never shown
    counted(session, date(2026, 11, 2), TODAY)
    lines = {line.question.question.kind.value: line for line in trends(session, link.location_id, today=TODAY, k=5)}
    assert set(lines) == {"smiley", "yes_no"}  # the questions with a mean that were answered
    smiley, yes_no = lines["smiley"], lines["yes_no"]
    assert len(smiley.points) == 52 and smiley.points[-1].week == "2026-W47" and smiley.points[0].week == "2025-W48"
    assert {w: m for w, m in by_week(smiley).items() if m is not None} == {"2026-W45": 4.5, "2026-W47": 2.0}
    assert by_week(smiley)["2026-W46"] is None and "2026-W48" not in by_week(smiley)
    assert {w: m for w, m in by_week(yes_no).items() if m is not None} == {"2026-W45": 0.5, "2026-W47": 0.0}
    assert (smiley.low, smiley.high, smiley.share) == (1, 5, False) and (yes_no.low, yes_no.high, yes_no.share) == (0, 1, True)
    # A line joins consecutive weeks only: W45 and W47 are two runs, with W46 hidden between them.
    w45 = 52 - 3
    assert smiley.runs() == [[(w45, 4.5)], [(w45 + 2, 2.0)]]
    # With k = 7 the cells of 5 are small too: nothing is shown.
    assert not any(line.shown for line in trends(session, link.location_id, today=TODAY, k=7))


def test_consecutive_weeks_make_one_run(session, link, answer):
    for monday in (date(2026, 11, 2), date(2026, 11, 9)):
        answer(monday, 4, True, 5)
    counted(session, date(2026, 11, 2), TODAY)
    smiley = next(line for line in trends(session, link.location_id, today=TODAY, k=5) if not line.share)
    assert smiley.runs() == [[(49, 4.0), (50, 4.0)]]


def test_the_strictest_k_of_the_councils_that_follow_a_place(session, link, make_link):
    other = make_link(location_name="Verkstedet")
    assert strictest_k(session, link.location_id) == 5  # no council: the default
    follow(session, link, "Brukerrådet med k 3", 3)
    assert strictest_k(session, link.location_id) == 5  # a smaller k never loosens the default
    follow(session, link, "Brukerrådet med k 7", 7)
    follow(session, other, "Brukerrådet for Verkstedet", 9)
    assert strictest_k(session, link.location_id) == 7
    assert strictest_k(session, other.location_id) == 9
    # A council that shares a place with one that follows this place links them: its k counts too.
    third, apart = make_link(location_name="Øran"), make_link(location_name="Tunet")
    follow(session, other, "Brukerrådet for Verkstedet og Øran", 5, third)
    follow(session, third, "Brukerrådet for Øran og Fyrlykta", 6, link)
    follow(session, apart, "Brukerrådet for Tunet", 8)
    assert strictest_k(session, link.location_id) == 9  # Fyrlykta – Øran – Verkstedet (9)
    assert strictest_k(session, apart.location_id) == 8  # linked to nobody else


def local_today(app) -> date:
    return datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()


def test_the_page_shows_closed_weeks_in_the_staff_members_language(app, admin_client, session, link, answer):
    today = local_today(app)
    closed = week_of(today - timedelta(weeks=2))
    answer(closed.first_day, 5, True, 5)
    answer(closed.first_day, 4, False, 5)
    answer(today, 1, False, 8)  # this week's answers never show
    counted(session, closed.first_day, today)
    html = admin_client.get(f"/admin/trends?location={link.location_id}").get_data(as_text=True)
    assert html.count('<svg class="trend"') == 2
    assert '<text x="42" y="14" text-anchor="end">5</text>' in html  # the smileys' range, as whole numbers
    assert '<text x="42" y="14" text-anchor="end">100\xa0%</text>' in html  # yes/no: the share
    assert f"<td>{closed.label}</td><td>4,5</td>" in html  # Norwegian decimals
    assert f"<td>{closed.label}</td><td>50\xa0%</td>" in html and "Andel som svarte ja" in html
    assert week_of(today).label not in html
    english = admin_client.get(f"/admin/trends?location={link.location_id}&lang=en").get_data(as_text=True)
    assert f"<td>{closed.label}</td><td>4.5</td>" in english and "Share who answered yes" in english


def test_a_council_with_a_larger_k_hides_the_week_from_staff_too(app, admin_client, session, link, answer):
    today = local_today(app)
    closed = week_of(today - timedelta(weeks=2))
    answer(closed.first_day, 5, True, 6)
    answer(closed.first_day, 4, False, 6)
    counted(session, closed.first_day, today)
    assert "4,5" in admin_client.get(f"/admin/trends?location={link.location_id}").get_data(as_text=True)
    follow(session, link, "Brukerrådet", 7)  # its digest hides the cells of 6, and then n
    html = admin_client.get(f"/admin/trends?location={link.location_id}").get_data(as_text=True)
    assert '<svg class="trend"' not in html and "4,5" not in html
    assert "Ingen uke kan vises ennå" in html and "færre enn 7 personer" in html
