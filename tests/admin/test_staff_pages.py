"""Staff pages a review found awkward: choosing a council's places at once, copying an invitation link."""
from __future__ import annotations

from sqlalchemy import select

from kiosk.models import Council, LocationKind, Role
from kiosk.operations import create_location
from tests.conftest import NOW


def test_a_new_council_gets_its_places_when_it_is_made(admin_client, admin_post, session):
    places = [create_location(session, name, LocationKind.DAY_CENTRE, now=NOW) for name in ("Fyrlykta", "Verkstedet", "Øran")]
    session.commit()
    page = admin_client.get("/admin/councils").get_data(as_text=True)
    assert all(f'value="{place.id}"' in page for place in places)
    fields = {"name": "Brukerrådet i sentrum", "cadence": "weekly", "weekday": "mon", "month_day": "1", "at": "08:00",
              "language": "nb", "k": "5"}
    gone = admin_post("/admin/councils", {**fields, "locations": [places[0].id, "99999"]})
    assert gone.status_code == 422 and "finnes ikke lenger" in gone.get_data(as_text=True)
    assert session.scalars(select(Council)).first() is None
    response = admin_post("/admin/councils", {**fields, "locations": [places[0].id, places[2].id, "x"]})
    assert response.status_code == 302
    session.rollback()
    council = session.scalars(select(Council)).one()
    assert [loc.name for loc in council.locations] == ["Fyrlykta", "Øran"]


def test_the_invitation_link_is_shown_whole_with_a_copy_button(admin_client, admin_post):
    response = admin_post("/admin/users/invite", {"name": "Kari", "email": "kari@example.no", "role": "moderator", "council": "0"})
    html = response.get_data(as_text=True)
    assert '<textarea id="invitation-link" class="copy" readonly' in html
    assert "http://127.0.0.1:5000/admin/invitation/" in html
    assert 'data-copy="invitation-link"' in html and "Kopier lenken" in html


def test_a_council_page_says_when_a_council_sharing_its_places_hides_more(app, admin_client, session, make_staff, staff_login):
    fyrlykta, oran = (create_location(session, name, LocationKind.DAY_CENTRE, now=NOW) for name in ("Fyrlykta", "Øran"))
    mild = Council(name="Brukerrådet i sentrum", created_at=NOW.replace(tzinfo=None), k=5, locations=[fyrlykta])
    strict = Council(name="Brukerrådet for Øran", created_at=NOW.replace(tzinfo=None), k=8, locations=[oran])
    session.add_all([mild, strict])
    session.commit()
    assert "Tall som skjules" not in admin_client.get(f"/admin/councils/{mild.id}").get_data(as_text=True)
    strict.locations = [oran, fyrlykta]  # now they share Fyrlykta
    session.commit()
    page = admin_client.get(f"/admin/councils/{mild.id}").get_data(as_text=True)
    assert "Sammendragene skjuler tall under 8, ikke under 5." in page
    assert f'<a href="/admin/councils/{strict.id}">Brukerrådet for Øran</a>' in page
    assert "Tall som skjules" not in admin_client.get(f"/admin/councils/{strict.id}").get_data(as_text=True)
    member = app.test_client()
    staff_login(member, make_staff(Role.COUNCIL, council=mild))
    page = member.get(f"/admin/councils/{mild.id}").get_data(as_text=True)
    assert "Sammendragene skjuler tall under 8, ikke under 5." in page
    assert "Brukerrådet for Øran" not in page  # another council's page is not theirs to open


def test_a_place_belongs_to_one_council(admin_client, admin_post, session):
    fyrlykta, oran = (create_location(session, name, LocationKind.DAY_CENTRE, now=NOW) for name in ("Fyrlykta", "Øran"))
    sentrum = Council(name="Brukerrådet i sentrum", created_at=NOW.replace(tzinfo=None), cadence="weekly",
                      send="mon 08:00", locations=[fyrlykta])
    ved_oran = Council(name="Brukerrådet for Øran", created_at=NOW.replace(tzinfo=None), cadence="weekly",
                       send="mon 08:00", locations=[oran])
    session.add_all([sentrum, ved_oran])
    session.commit()
    # The form says which council each place belongs to before anyone ticks it.
    form = admin_client.get(f"/admin/councils/{ved_oran.id}").get_data(as_text=True)
    assert "Fyrlykta <span class=\"hint\">(hører til Brukerrådet i sentrum)</span>" in form
    assert "Øran <span" not in form  # its own place
    fields = {"name": "Brukerrådet for Øran", "cadence": "weekly", "weekday": "mon", "month_day": "1", "at": "08:00",
              "language": "nb", "k": "5"}
    refused = admin_post(f"/admin/councils/{ved_oran.id}", {**fields, "locations": [oran.id, fyrlykta.id]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Fyrlykta hører allerede til Brukerrådet i sentrum." in html
    assert f'value="{fyrlykta.id}" checked' in html  # the form comes back as it was filled in
    made = admin_post("/admin/councils", {**fields, "name": "Brukerrådet for kommunen", "locations": [fyrlykta.id]})
    assert made.status_code == 422 and "Fyrlykta hører allerede til Brukerrådet i sentrum." in made.get_data(as_text=True)
    session.expire_all()
    assert [place.name for place in session.get(Council, ved_oran.id).locations] == ["Øran"]
    assert session.scalars(select(Council.name).order_by(Council.name)).all() == ["Brukerrådet for Øran", "Brukerrådet i sentrum"]
    # Its own places never count against it: changing its cadence alone is fine.
    assert admin_post(f"/admin/councils/{ved_oran.id}", {**fields, "cadence": "monthly", "locations": [oran.id]}).status_code == 302


def test_a_council_saved_before_the_rule_keeps_step_with_the_councils_it_shares_places_with(admin_client, admin_post, session):
    fyrlykta = create_location(session, "Fyrlykta", LocationKind.DAY_CENTRE, now=NOW)
    weekly = Council(name="Brukerrådet i sentrum", created_at=NOW.replace(tzinfo=None), cadence="weekly",
                     send="mon 08:00", locations=[fyrlykta])
    kommunen = Council(name="Brukerrådet for kommunen", created_at=NOW.replace(tzinfo=None), cadence="weekly",
                       send="mon 08:00", locations=[fyrlykta])
    session.add_all([weekly, kommunen])  # as an older version could save them
    session.commit()
    fields = {"name": "Brukerrådet for kommunen", "cadence": "monthly", "weekday": "mon", "month_day": "1", "at": "08:00",
              "language": "nb", "k": "5", "locations": [fyrlykta.id]}
    refused = admin_post(f"/admin/councils/{kommunen.id}", fields)
    assert refused.status_code == 422 and "Brukerrådet deler steder med Brukerrådet i sentrum" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(Council, kommunen.id).cadence == "weekly"
    # Kept as it is, it still saves: the place it already follows does not count against it.
    assert admin_post(f"/admin/councils/{kommunen.id}", {**fields, "cadence": "weekly"}).status_code == 302


def test_a_council_saved_before_the_rule_warns_the_admin_of_a_council_on_another_cadence(admin_client, session):
    fyrlykta = create_location(session, "Fyrlykta", LocationKind.DAY_CENTRE, now=NOW)
    weekly = Council(name="Brukerrådet i sentrum", created_at=NOW.replace(tzinfo=None), cadence="weekly",
                     send="mon 08:00", locations=[fyrlykta])
    monthly = Council(name="Brukerrådet for kommunen", created_at=NOW.replace(tzinfo=None), cadence="monthly",
                      send="1 08:00", locations=[fyrlykta])
    session.add_all([weekly, monthly])  # as an older version could save them
    session.commit()
    page = admin_client.get(f"/admin/councils/{weekly.id}").get_data(as_text=True)
    assert "Dette brukerrådet deler steder med et annet brukerråd." in page
    assert "deler steder med brukerråd som får sammendrag på en annen plan" in page
    assert f'<a href="/admin/councils/{monthly.id}">Brukerrådet for kommunen</a>' in page
    monthly.cadence, monthly.send = "weekly", "mon 08:00"
    session.commit()
    page = admin_client.get(f"/admin/councils/{weekly.id}").get_data(as_text=True)
    assert "på en annen plan" not in page and "deler steder med et annet brukerråd" in page
    monthly.locations = []  # parted: each place has one council
    session.commit()
    assert "Steder som deles" not in admin_client.get(f"/admin/councils/{weekly.id}").get_data(as_text=True)
