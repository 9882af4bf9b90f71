"""https through the shipped nginx and gunicorn: the app learns the scheme from the local proxy alone
(HSTS, a Secure __Host- staff cookie, https links), and never a client's address."""
from __future__ import annotations

import http.client
import re

import pytest

from kiosk.models import Role
from tests.admin.staffing import make_staff
from tests.deploy.browser import Browser, set_cookies, sign_in
from tests.deploy.conftest import BASE_URL
from tests.deploy.servers import ROOT

pytestmark = pytest.mark.slow
HSTS = "max-age=31536000"


def invite(browser: Browser, email: str) -> str:
    """Invite a moderator through the staff pages; return the link the page shows."""
    page = browser.get("/admin/users")
    assert page.status_code == 200
    fields = {"name": "Kari Nordmann", "email": email, "role": "moderator", "council": "0"}
    response = browser.post_form("/admin/users", page.text, fields, action="/admin/users/invite")
    assert response.status_code == 200, response.text
    return re.search(r'>([^<]*/admin/invitation/[^<]*)</textarea>', response.text).group(1).strip()


def mailed_link(message) -> str:
    """Return the invitation link in an e-mail."""
    return next(line.strip() for line in message.get_content().splitlines() if "/admin/invitation/" in line)


def test_staff_over_https_get_hsts_a_secure_cookie_and_https_links(app, deployment, session, smtp_server):
    staff = make_staff(app, session, Role.ADMIN)
    served = deployment(SIIFRA_MAIL_SERVER="127.0.0.1", SIIFRA_MAIL_PORT=str(smtp_server.port))
    browser = Browser(served.nginx)

    assert browser.get("/admin/login").headers.get("Strict-Transport-Security") == HSTS
    steps = sign_in(browser, staff)
    assert steps[-1].status_code == 302 and "/admin/login" not in steps[-1].headers["Location"]
    cookies = [c for step in steps for c in set_cookies(step) if "siifra_admin=" in c]
    assert cookies, "the sign-in set no staff cookie"
    for cookie in cookies:
        assert cookie.startswith("__Host-siifra_admin="), cookie
        assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie and "Domain" not in cookie
    home = browser.get("/admin/")
    assert home.status_code == 200 and home.headers["Strict-Transport-Security"] == HSTS

    link = invite(browser, "kari@example.no")
    assert link.startswith(f"{BASE_URL}/admin/invitation/")
    (message,) = smtp_server.messages
    assert message["To"] == "kari@example.no"
    assert mailed_link(message) == link


def _direct(port: int, source: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    """GET the sign-in page from gunicorn itself, from the address source, with headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    connection.request("GET", "/admin/login", headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


CLAIMS = [
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-Ssl": "on"},
    {"X-Forwarded-Protocol": "ssl"},
    {"Forwarded": "proto=https"},
    {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.77"},
]


def test_only_the_local_proxy_may_say_https(deployment):
    port = deployment().gunicorn.port
    # nginx talks to gunicorn from 127.0.0.1, and its X-Forwarded-Proto is believed...
    assert _direct(port, "127.0.0.1", {"X-Forwarded-Proto": "https"}).headers["Strict-Transport-Security"] == HSTS
    assert _direct(port, "127.0.0.1", {}).headers["Strict-Transport-Security"] is None
    # ...but no other header is, not even from there,
    for claim in CLAIMS[1:4]:
        assert _direct(port, "127.0.0.1", claim).headers["Strict-Transport-Security"] is None, claim
    # and a client that reaches gunicorn from any other address cannot claim https at all.
    for claim in CLAIMS:
        assert _direct(port, "127.0.0.2", claim).headers["Strict-Transport-Security"] is None, claim


def test_the_trusted_proxy_address_is_configurable(deployment):
    """A container sees nginx's requests come from the Docker network's gateway, not from 127.0.0.1."""
    port = deployment(SIIFRA_FORWARDED_ALLOW_IPS="127.0.0.2").gunicorn.port
    assert _direct(port, "127.0.0.2", {"X-Forwarded-Proto": "https"}).headers["Strict-Transport-Security"] == HSTS
    assert _direct(port, "127.0.0.1", {"X-Forwarded-Proto": "https"}).headers["Strict-Transport-Security"] is None


CLIENT_ADDRESS_READERS = re.compile(
    r"remote_addr|REMOTE_ADDR|access_route|X[-_]Forwarded[-_]For|X[-_]Real[-_]IP|ProxyFix|user_agent|USER_AGENT",
    re.IGNORECASE,
)


def test_the_app_reads_no_client_address():
    """gunicorn passes the proxy's address on as REMOTE_ADDR, never one from a header; the app reads neither."""
    sources = [*(ROOT / "kiosk").rglob("*.py"), *(ROOT / "admin").rglob("*.py")]
    assert len(sources) > 20
    for path in sources:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.lstrip().startswith("#"):
                assert not CLIENT_ADDRESS_READERS.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
