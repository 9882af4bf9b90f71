"""A small HTTP client for the shipped deployment: what a browser sends, over real TLS to nginx."""
from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from tests.admin.staffing import PASSWORD, Staff
from tests.deploy.servers import SERVER_NAME, Nginx
from tests.kiosk.helpers import csrf_token


# Browsers connect from this address, which no server in a test has: a log that holds it names the client.
CLIENT_ADDRESS = "127.0.0.3"


class FromClientAddress(HTTPAdapter):
    """Connect from CLIENT_ADDRESS."""

    def init_poolmanager(self, *args: Any, **options: Any) -> None:
        """Open every connection from CLIENT_ADDRESS."""
        super().init_poolmanager(*args, source_address=(CLIENT_ADDRESS, 0), **options)


class Browser:
    """Requests to nginx with a cookie jar, the Host a browser on host would send, and no redirects followed."""

    def __init__(self, nginx: Nginx, host: str = SERVER_NAME) -> None:
        self.http = requests.Session()
        self.http.mount("https://", FromClientAddress())
        self.http.trust_env = False  # no proxy, and no CA bundle from the environment in place of ours
        self.http.verify = str(nginx.certificate)
        self.url, self.host = nginx.url, host

    def get(self, path: str, headers: dict[str, str] | None = None) -> requests.Response:
        """GET path."""
        return self.http.get(self.url + path, headers=self._headers(headers), allow_redirects=False, timeout=30)

    def post(self, path: str, headers: dict[str, str] | None = None, **body: Any) -> requests.Response:
        """POST to path (data= for a form, json= for JSON)."""
        return self.http.post(self.url + path, headers=self._headers(headers), allow_redirects=False, timeout=30, **body)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Host": self.host, **(extra or {})}

    def submit(self, path: str, fields: dict[str, str]) -> requests.Response:
        """Fill in the staff form on path as a browser would: its CSRF token, and the page as referrer."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return self.post_form(path, page.text, fields)

    def post_form(self, path: str, page: str, fields: dict[str, str], action: str | None = None) -> requests.Response:
        """Post fields with the page's CSRF token; over https Flask-WTF wants a same-origin referrer."""
        referrer = {"Referer": f"https://{self.host}{path}"}
        return self.post(action or path, headers=referrer, data={"csrf_token": csrf_token(page), **fields})


def set_cookies(response: requests.Response) -> list[str]:
    """Return every Set-Cookie header of a response, as sent."""
    return response.raw.headers.getlist("Set-Cookie")


def sign_in(browser: Browser, staff: Staff) -> list[requests.Response]:
    """Sign in through the real pages, password then TOTP code; return each step's response."""
    steps = [browser.submit("/admin/login", {"email": staff.email, "password": PASSWORD})]
    if steps[-1].status_code == 302 and steps[-1].headers["Location"].endswith("/admin/login/code"):
        steps.append(browser.submit("/admin/login/code", {"code": staff.next_code()}))
    return steps
