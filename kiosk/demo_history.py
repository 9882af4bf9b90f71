"""Demo history: six closed weeks of answers at the demo's two places, their free text moderated and
grouped by themes, so that `make run` shows the council's half too: digests, trends and the moderation
queue. Made through the submission service, as a tablet or a phone would; not part of load_demo(),
which the benchmarks build on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.formspec import QuestionSpec, spec_for
from kiosk.ids import period_of
from kiosk.links import LinkTarget, resolve_link
from kiosk.models import (
    Council,
    Form,
    FreeText,
    LedgerEntry,
    Location,
    QuestionKind,
    ShortLink,
    Submission,
    TextStatus,
    Theme,
)
from kiosk.models.types import db_time
from kiosk.moderation.queue import finish
from kiosk.periods import local_today
from kiosk.submissions import Given, Rules, submit

WEEKS = 6
# Answers a week: the day centre is busy, the activity house small (some weeks below k, so its answers are
# merged into "andre steder" or carried over, and the digest says so).
PER_WEEK = {"Fyrlykta dagsenter": (36, 50), "Verkstedet aktivitetshus": (3, 12)}
TEXT_SHARE = 0.5  # of the longer form's answers
STILL_WAITING = 3  # texts of the last week left for the moderators' queue

THEMES = [
    (
        {"nb": "Mat og måltider", "nn": "Mat og måltid", "en": "Food and meals"},
        {
            "nb": ["mat*", "lunsj*", "frokost*", "middag*", "frukt*", "kaff*", "brød*"],
            "nn": ["mat*", "lunsj*", "frukost*", "middag*", "frukt*", "kaffi*", "brød*"],
            "en": ["food*", "lunch*", "breakfast*", "meal*", "fruit*", "coffee*"],
        },
    ),
    (
        {"nb": "Turer og aktiviteter", "nn": "Turar og aktivitetar", "en": "Trips and activities"},
        {
            "nb": ["tur*", "aktivitet*", "kurs*", "skog*", "trening*", "musikk*"],
            "nn": ["tur*", "aktivitet*", "kurs*", "skog*", "trening*", "musikk*"],
            "en": ["trip*", "walk*", "activit*", "course*", "music*"],
        },
    ),
    (
        {"nb": "Åpningstider", "nn": "Opningstider", "en": "Opening hours"},
        {
            "nb": ["åpningstid*", "åpent", "helg*", "kveld*", "stengt"],
            "nn": ["opningstid*", "ope", "helg*", "kveld*", "stengt"],
            "en": ["opening hours", "open", "weekend*", "evening*", "closed"],
        },
    ),
    (
        {"nb": "Ansatte og samtaler", "nn": "Tilsette og samtalar", "en": "Staff and talks"},
        {
            "nb": ["ansatt*", "personal*", "samtale*", "snakke*", "hører", "lytt*"],
            "nn": ["tilsett*", "personal*", "samtale*", "snakke*", "høyrer", "lytt*"],
            "en": ["staff*", "talk*", "listen*"],
        },
    ),
]

TEXTS = [
    "Maten har blitt mye bedre i det siste, takk!",
    "Kan vi få frukt på bordet om ettermiddagen også?",
    "Flere turer ut i skogen, det gjør godt.",
    "Savner musikkgruppa som var før jul.",
    "Det hadde vært fint med åpent på kvelden en dag i uka.",
    "Stengt i helgene er tøft, da er jeg mest alene.",
    "De ansatte tar seg tid til å snakke med meg. Det betyr mye.",
    "Noen ganger føler jeg at ingen hører på meg når det er travelt.",
    "Lunsjen er for dyr for oss som har lite penger.",
    "Kaffen er alltid kald om morgenen.",
    "Kurs i matlaging hadde vært noe.",
    "Godt å ha et sted å komme til.",
    "Vil gjerne ha hjelp med søknader til NAV.",
    "Mer fysisk aktivitet, kanskje en treningsgruppe?",
    "Det er for trangt i stua når alle er her.",
    "Bedre stoler i stua, ryggen min takker.",
    "Eg skulle ønskt vi hadde fleire turar på sommaren.",
    "Maten er god, men det blir mykje brød.",
    "The staff are kind, but the opening hours are too short.",
    "Takk for at dere lyttet til meg i forrige uke.",
    "Ring meg gjerne på 912 34 567 hvis dere vil høre mer om ideen min.",
    "Hyggelig med frokost på fredager!",
    "Wifi fungerer nesten aldri.",
    "Kunne vi hatt en egen stille krok for dem som trenger ro?",
]
QUOTES = {"Godt å ha et sted å komme til.", "De ansatte tar seg tid til å snakke med meg. Det betyr mye."}


def has_history(session: Session) -> bool:
    """Return True when anything has been answered here (then no demo history is made)."""
    return bool(session.scalar(select(func.count()).select_from(Submission)))


def load_history(session: Session, *, now: datetime, rules: Rules, timezone: str) -> int:
    """Answer the demo's forms over the six weeks before this one, moderate the text; return how many answers.

    The demo council is dated from the first of those weeks, so that the scheduler's build (build_due)
    makes its digests. Nothing is committed here.
    """
    today = local_today(timezone, now)
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=WEEKS)
    people = _People(session, rules, ZoneInfo(timezone))
    made = 0
    for week in range(WEEKS):
        for location in session.scalars(select(Location).order_by(Location.id)):
            low, high = PER_WEEK.get(location.name, (5, 10))
            for _ in range(people.pick.randint(low, high)):
                made += people.answer(location, first_monday + timedelta(weeks=week), week)
    _themes(session)
    _moderate(session, last_week=this_monday - timedelta(weeks=1))
    for council in session.scalars(select(Council)):
        council.created_at = db_time(datetime.combine(first_monday - timedelta(days=1), time(12), people.zone))
    session.flush()
    return made


@dataclass
class _People:
    """Made-up people answering, from one seeded random sequence: the same demo every time."""

    session: Session
    rules: Rules
    zone: ZoneInfo
    pick: random.Random = field(default_factory=lambda: random.Random(2026))
    texts: list[str] = field(default_factory=list)
    targets: dict[tuple[int, str], LinkTarget | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.texts = TEXTS[:]
        self.pick.shuffle(self.texts)

    def answer(self, location: Location, monday: date, week: int) -> int:
        """Store one answer at location on a weekday of the week from monday: a tap on the tablet, or the form."""
        on_tablet = self.pick.random() < 0.6
        target = self._target(location, "Dagens smil" if on_tablet else "Si ifra om tilbudet")
        if target is None:
            return 0
        # A little better every week: the council sees a change from the week before.
        mood = min(5, max(1, round(self.pick.gauss(3.2 + week * 0.15, 1.0))))
        answers = {}
        for question in spec_for(self.session, target.version_id).questions.values():
            value = self._value(question, mood)
            if value is not None:
                answers[str(question.id)] = value
        day = monday + timedelta(days=self.pick.randint(0, 4))
        moment = datetime.combine(day, time(self.pick.randint(9, 15), self.pick.randint(0, 59)), self.zone)
        submit(self.session, target, Given(answers, "kiosk" if on_tablet else "qr"), now=moment, rules=self.rules)
        return 1

    def _target(self, location: Location, form_name: str) -> LinkTarget | None:
        """Return what the demo's link for the form at location leads to (looked up once), or None."""
        key = (location.id, form_name)
        if key not in self.targets:
            code = self.session.scalars(
                select(ShortLink.code)
                .join(Form, Form.id == ShortLink.form_id)
                .where(ShortLink.location_id == location.id, Form.name == form_name)
            ).first()
            self.targets[key] = resolve_link(self.session, code) if code is not None else None
        return self.targets[key]

    def _value(self, question: QuestionSpec, mood: int) -> Any:
        options = sorted(question.option_ids)
        choices: dict[QuestionKind, Callable[[], Any]] = {
            QuestionKind.SMILEY: lambda: mood,
            QuestionKind.SCALE: lambda: self._on_scale(question, mood),
            QuestionKind.YES_NO: lambda: self.pick.random() < 0.25 + mood * 0.12,
            QuestionKind.SINGLE_CHOICE: lambda: self.pick.choice(options),
            QuestionKind.MULTIPLE_CHOICE: lambda: self.pick.sample(options, self.pick.randint(1, 2)),
            QuestionKind.FREE_TEXT: self._text,
        }
        return choices[question.kind]()

    def _on_scale(self, question: QuestionSpec, mood: int) -> int | None:
        if question.scale is None:
            return None
        low, high = question.scale
        return min(high, max(low, mood + self.pick.choice((-1, 0, 0, 1))))

    def _text(self) -> str | None:
        """Half of those who fill in the longer form write something; the texts come round in turn."""
        if self.pick.random() >= TEXT_SHARE:
            return None
        self.texts.append(self.texts.pop(0))
        return self.texts[-1]


def _themes(session: Session) -> None:
    """Add the themes, and file the demo's "Dette har vi gjort" entries under the ones they answer."""
    if session.scalar(select(func.count()).select_from(Theme)):
        return
    themes = [Theme(name=name, keywords=keywords, position=n) for n, (name, keywords) in enumerate(THEMES, start=1)]
    session.add_all(themes)
    session.flush()
    for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.theme_id.is_(None))):
        heard = entry.heard.get("nb", "")
        entry.theme_id = themes[0].id if "frukt" in heard else themes[1].id if "turer" in heard.lower() else None


def _moderate(session: Session, *, last_week: date) -> None:
    """Release the text as moderators would on the Monday after its week; leave a few of the last week waiting."""
    waiting = 0
    for item in session.scalars(select(FreeText).order_by(FreeText.id.desc())):
        day = period_of(item.id)
        week_of_text = day - timedelta(days=day.weekday())
        if week_of_text >= last_week and waiting < STILL_WAITING:
            waiting += 1
            continue
        finish(item, TextStatus.RELEASED, week_of_text + timedelta(weeks=1))
        item.quote = item.text in QUOTES
