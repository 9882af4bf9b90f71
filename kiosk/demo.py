"""Demo data: two locations, a one-question smiley form and a longer form, in nb, nn and en; a user council
for both places, and two "Dette har vi gjort" entries so the tablet, the phone and the poster show them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.models import Location, LocationKind, QuestionKind
from kiosk.operations import QuestionDraft, add_version, create_form, create_link, create_location, publish


def _t(nb: str, nn: str, en: str) -> dict[str, str]:
    return {"nb": nb, "nn": nn, "en": en}


SMILEY_FORM = [
    QuestionDraft(
        QuestionKind.SMILEY,
        _t("Hvordan var dagen her i dag?", "Korleis var dagen her i dag?", "How was your day here today?"),
    ),
]

LONG_FORM = [
    QuestionDraft(
        QuestionKind.SMILEY,
        _t(
            "Hvordan har du det med tilbudet her?",
            "Korleis har du det med tilbodet her?",
            "How do you feel about the service here?",
        ),
    ),
    QuestionDraft(
        QuestionKind.SCALE,
        _t(
            "Hvor godt blir du tatt imot når du kommer?",
            "Kor godt blir du teken imot når du kjem?",
            "How well are you welcomed when you arrive?",
        ),
        scale_min=1,
        scale_max=5,
        scale_min_label=_t("Dårlig", "Dårleg", "Poorly"),
        scale_max_label=_t("Veldig godt", "Svært godt", "Very well"),
    ),
    QuestionDraft(
        QuestionKind.YES_NO,
        _t(
            "Føler du at de ansatte hører på deg?",
            "Kjenner du at dei tilsette høyrer på deg?",
            "Do you feel the staff listen to you?",
        ),
    ),
    QuestionDraft(
        QuestionKind.SINGLE_CHOICE,
        _t("Hvor ofte er du her?", "Kor ofte er du her?", "How often are you here?"),
        options=[
            _t("Første gang", "Første gong", "First time"),
            _t("Noen ganger i måneden", "Nokre gonger i månaden", "A few times a month"),
            _t("Hver uke", "Kvar veke", "Every week"),
            _t("Nesten hver dag", "Nesten kvar dag", "Almost every day"),
        ],
    ),
    QuestionDraft(
        QuestionKind.MULTIPLE_CHOICE,
        _t("Hva vil du ha mer av?", "Kva vil du ha meir av?", "What would you like more of?"),
        help=_t("Velg så mange du vil.", "Vel så mange du vil.", "Choose as many as you like."),
        options=[
            _t("Turer og aktiviteter", "Turar og aktivitetar", "Trips and activities"),
            _t("Mat og måltider", "Mat og måltid", "Food and meals"),
            _t("Noen å snakke med", "Nokon å snakke med", "Someone to talk to"),
            _t("Hjelp med bolig og økonomi", "Hjelp med bustad og økonomi", "Help with housing and money"),
            _t("Kurs og arbeid", "Kurs og arbeid", "Courses and work"),
        ],
    ),
    QuestionDraft(
        QuestionKind.FREE_TEXT,
        _t(
            "Hvordan hadde tjenesten sett ut hvis du kunne bestemme selv?",
            "Korleis hadde tenesta sett ut om du kunne bestemme sjølv?",
            "How would the service look if you could decide?",
        ),
    ),
]


def load_demo(session: Session, *, now: datetime) -> list[Location]:
    """Create the demo locations, forms and links, unless they are there already."""
    existing = session.scalars(select(Location).where(Location.name == "Fyrlykta dagsenter")).first()
    if existing is not None:
        return list(session.scalars(select(Location)))
    centre = create_location(session, "Fyrlykta dagsenter", LocationKind.DAY_CENTRE, now=now)
    house = create_location(session, "Verkstedet aktivitetshus", LocationKind.ACTIVITY_HOUSE, now=now)

    quick = create_form(session, "Dagens smil", now=now)
    publish(
        session,
        add_version(session, quick, _t("Hvordan var dagen?", "Korleis var dagen?", "How was the day?"), SMILEY_FORM),
        now=now,
    )

    survey = create_form(session, "Si ifra om tilbudet", now=now)
    version = add_version(
        session,
        survey,
        _t("Si ifra om tilbudet", "Sei frå om tilbodet", "Tell us about the service"),
        LONG_FORM,
        intro=_t(
            "Det tar et par minutter. Du er helt anonym.",
            "Det tek eit par minutt. Du er heilt anonym.",
            "It takes a couple of minutes. You are completely anonymous.",
        ),
    )
    publish(session, version, now=now)
    for location in (centre, house):
        create_link(session, quick, location, now=now)
        create_link(session, survey, location, now=now)
        # The tablet on the wall asks the survey's smiley question first, and the rest only if wanted.
        location.kiosk_form_id = survey.id
    centre.opening_hours = {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    session.flush()
    _council_and_ledger(session, [centre, house], now=now)
    return [centre, house]


def _council_and_ledger(session: Session, places: list[Location], *, now: datetime) -> None:
    from kiosk.councils import CouncilSettings, create_council
    from kiosk.ledger import EntryValues, add_entry
    from kiosk.models import LedgerStatus
    from kiosk.periods import local_today

    council = create_council(session, CouncilSettings("Brukerrådet", [p.id for p in places]), now=now)
    today = local_today(places[0].timezone, now)
    add_entry(
        session,
        EntryValues(
            heard=_t(
                "Dere ville ha frukt på bordet om morgenen.",
                "De ville ha frukt på bordet om morgonen.",
                "You wanted fruit on the table in the morning.",
            ),
            done=_t(
                "Nå står det frukt på bordet hver morgen.",
                "No står det frukt på bordet kvar morgon.",
                "Now there is fruit on the table every morning.",
            ),
            status=LedgerStatus.DONE,
            location_ids=[places[0].id],
            council_id=council.id,
        ),
        today=today,
    )
    add_entry(
        session,
        EntryValues(
            heard=_t("Flere turer ut i skogen.", "Fleire turar ut i skogen.", "More trips to the woods."),
            done=_t(
                "Vi går tur hver onsdag fra neste måned.",
                "Vi går tur kvar onsdag frå neste månad.",
                "We will go for a walk every Wednesday from next month.",
            ),
            status=LedgerStatus.PLANNED,
            location_ids=[p.id for p in places],
            council_id=council.id,
        ),
        today=today,
    )
