"""A forged Host header never reaches a link: invitations are shown and e-mailed on SIIFRA_BASE_URL only,
through the app itself and through the shipped nginx and gunicorn."""
from __future__ import annotations

import pytest

from kiosk.models import Role
from tests.admin.staffing import make_staff, sign_in
from tests.deploy.browser import Browser
from tests.deploy.browser import sign_in as sign_in_over_https
from tests.deploy.conftest import BASE_URL
from tests.deploy.test_https import invite, mailed_link
from tests.kiosk.helpers import csrf_token

EVIL = "evil.example"


def test_a_forged_host_does_not_reach_an_invitation(app, session, smtp_server):
    app.config.update(BASE_URL=BASE_URL, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    client = app.test_client()
    sign_in(client, make_staff(app, session, Role.ADMIN))
    for name in ("siifra", "siifra_admin"):  # the same browser, now sending Host: evil.example
        client.set_cookie(name, client.get_cookie(name).value, domain=EVIL)
    page = client.get("/admin/users", base_url=f"http://{EVIL}").get_data(as_text=True)
    fields = {"csrf_token": csrf_token(page), "name": "Kari", "email": "kari@example.no", "role": "moderator", "council": "0"}
    response = client.post("/admin/users/invite", data=fields, base_url=f"http://{EVIL}")
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    (message,) = smtp_server.messages
    assert mailed_link(message).startswith(f"{BASE_URL}/admin/invitation/")
    assert mailed_link(message) in shown
    assert EVIL not in shown and EVIL not in message.get_content()


@pytest.mark.slow
def test_a_forged_host_does_not_reach_an_invitation_through_nginx(app, deployment, session, smtp_server):
    staff = make_staff(app, session, Role.ADMIN)
    served = deployment(SIIFRA_MAIL_SERVER="127.0.0.1", SIIFRA_MAIL_PORT=str(smtp_server.port))
    browser = Browser(served.nginx, host=EVIL)
    sign_in_over_https(browser, staff)
    link = invite(browser, "kari@example.no")
    assert link.startswith(f"{BASE_URL}/admin/invitation/")
    (message,) = smtp_server.messages
    assert mailed_link(message) == link
    assert EVIL not in message.get_content()
