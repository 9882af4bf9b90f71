"""flask --app kiosk council create | list | add-member: the staff pages' councils, for scripted set-ups."""
from __future__ import annotations

from sqlalchemy import select

from kiosk.models import AuditEvent, Council, Invitation, Location, LocationKind, Role, User
from kiosk.operations import create_location
from tests.admin.staffing import make_staff
from tests.conftest import NOW


def places(session, *names: str) -> list[int]:
    made = [create_location(session, name, LocationKind.DAY_CENTRE, now=NOW) for name in names]
    session.commit()
    return [place.id for place in made]


def create(runner, name: str, locations: list[int], *more: str):
    return runner.invoke(args=["council", "create", "--name", name, "--locations", ",".join(map(str, locations)), *more])


def test_create_and_list_councils_as_the_staff_pages_would(runner, session):
    fyrlykta, oran = places(session, "Fyrlykta", "Øran")
    made = create(runner, "Brukerrådet i sentrum", [fyrlykta, oran], "--cadence", "monthly", "--send", "1 09:30",
                  "--language", "nn", "--k", "6")
    assert made.exit_code == 0, made.output
    council = session.scalars(select(Council)).one()
    assert made.output == f"{council.id}\tBrukerrådet i sentrum\n"
    assert (council.cadence, council.send, council.language, council.k) == ("monthly", "1 09:30", "nn", 6)
    assert sorted(place.id for place in council.locations) == sorted([fyrlykta, oran])
    assert session.scalars(select(AuditEvent.action)).all() == ["council_created"]
    listed = runner.invoke(args=["council", "list"]).output
    assert listed == f"{council.id}\tBrukerrådet i sentrum\tmonthly\t1 09:30\tnn\tk=6\tFyrlykta, Øran\n"


def test_a_council_that_cannot_be_made_says_why_and_makes_nothing(runner, session):
    (fyrlykta,) = places(session, "Fyrlykta")
    refusals = {
        "--locations takes location ids": ["--locations", "1,a"],
        "locations:": ["--locations", f"{fyrlykta},99999"],
        "k:": ["--k", "2"],
        "cadence:": ["--cadence", "every other week"],
    }
    for message, arguments in refusals.items():
        args = ["council", "create", "--name", "Brukerrådet", "--locations", str(fyrlykta), *arguments]
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (arguments, result.output)
    assert create(runner, "Brukerrådet", [fyrlykta]).exit_code == 0
    taken = create(runner, "Brukerrådet", [fyrlykta])
    assert taken.exit_code != 0 and "name_taken" in taken.output
    assert len(session.scalars(select(Council)).all()) == 1


def test_the_list_says_when_a_council_sharing_places_makes_digests_hide_more(runner, session):
    fyrlykta, oran = places(session, "Fyrlykta", "Øran")
    assert create(runner, "Brukerrådet i sentrum", [fyrlykta]).exit_code == 0
    assert create(runner, "Brukerrådet for Øran", [oran], "--k", "8").exit_code == 0
    assert "digests use" not in runner.invoke(args=["council", "list"]).output
    assert create(runner, "Brukerrådet for begge", [fyrlykta, oran], "--k", "6").exit_code != 0  # places taken
    # As a version from before each place had one council could save it:
    session.add(Council(name="Brukerrådet for begge", created_at=NOW.replace(tzinfo=None), k=6,
                        locations=[session.get(Location, fyrlykta), session.get(Location, oran)]))
    session.commit()
    lines = runner.invoke(args=["council", "list"]).output.splitlines()
    ks = {line.split("\t")[1]: line.split("\t")[5] for line in lines}
    assert ks == {
        "Brukerrådet i sentrum": "k=5 (digests use k=8, as a council sharing its places does)",
        "Brukerrådet for Øran": "k=8",
        "Brukerrådet for begge": "k=6 (digests use k=8, as a council sharing its places does)",
    }


def test_add_member_invites_a_new_person_and_moves_an_existing_member(app, runner, session):
    (fyrlykta,) = places(session, "Fyrlykta")
    assert create(runner, "Brukerrådet i sentrum", [fyrlykta]).exit_code == 0
    council = session.scalars(select(Council)).one()
    first = runner.invoke(args=["council", "add-member", str(council.id), "kari@example.no", "--name", "Kari"])
    assert first.exit_code != 0 and "Make the first admin first" in first.output
    make_staff(app, session, Role.ADMIN)
    invited = runner.invoke(args=["council", "add-member", str(council.id), "kari@example.no", "--name", "Kari"])
    assert invited.exit_code == 0, invited.output
    assert invited.output.startswith("Invited kari@example.no to Brukerrådet i sentrum: http")
    invitation = session.scalars(select(Invitation)).one()
    assert (invitation.role, invitation.council_id) == (Role.COUNCIL, council.id)
    member = make_staff(app, session, Role.COUNCIL)  # a member of a council of their own
    moved = runner.invoke(args=["council", "add-member", str(council.id), member.email])
    assert moved.output == f"{member.email} is now a member of Brukerrådet i sentrum.\n"
    session.expire_all()
    assert session.get(User, member.id).council_id == council.id
    moderator = make_staff(app, session, Role.MODERATOR)
    refused = runner.invoke(args=["council", "add-member", str(council.id), moderator.email])
    assert refused.exit_code != 0 and "is a moderator" in refused.output
    unknown = runner.invoke(args=["council", "add-member", "99999", "per@example.no"])
    assert unknown.exit_code != 0 and "No council 99999" in unknown.output


def test_a_place_belongs_to_one_council(runner, session):
    fyrlykta, oran, tunet = places(session, "Fyrlykta", "Øran", "Tunet")
    assert create(runner, "Brukerrådet i sentrum", [fyrlykta, oran]).exit_code == 0
    shared = create(runner, "Brukerrådet for kommunen", [oran, tunet])
    assert shared.exit_code != 0
    assert "place_taken: Øran belongs to Brukerrådet i sentrum" in shared.output
    # A place of its own, on any cadence.
    assert create(runner, "Brukerrådet for Tunet", [tunet], "--cadence", "monthly", "--send", "1 08:00").exit_code == 0
    assert sorted(session.scalars(select(Council.name))) == ["Brukerrådet for Tunet", "Brukerrådet i sentrum"]
