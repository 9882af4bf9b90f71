"""deploy/nginx/siifra.conf, run by a real nginx in front of the app: it forwards no client address or
user agent, only the scheme, and it logs nothing about the requests it passes on."""
from __future__ import annotations

import pytest
import requests

from tests.conftest import LiveServer
from tests.deploy.servers import Nginx
from tests.kiosk.test_anonymity import HEADERS


@pytest.mark.slow
def test_nginx_forwards_and_logs_nothing_identifying(app, link, tmp_path) -> None:
    seen: list[dict[str, str]] = []
    inner = app.wsgi_app

    def record_headers(environ, start_response):
        seen.append({key: value for key, value in environ.items() if key.startswith("HTTP_")})
        return inner(environ, start_response)

    app.wsgi_app = record_headers
    with LiveServer(app) as upstream, Nginx(tmp_path / "nginx", int(upstream.url.rsplit(":", 1)[1])) as nginx:
        http = requests.Session()
        http.trust_env = False
        for path, status in ((f"/s/{link.code}?lang=en&who=someone", 200), ("/s/ZZZZZZ?secret=query", 404)):
            response = http.get(nginx.url + path, headers=HEADERS, verify=str(nginx.certificate), timeout=30)
            assert response.status_code == status
        # Plain http only ever redirects to https, and never reaches the app.
        response = http.get(f"http://127.0.0.1:{nginx.http}/s/{link.code}", headers=HEADERS, allow_redirects=False, timeout=30)
        assert response.status_code == 301 and response.headers["Location"].startswith("https://")

    assert len(seen) == 2
    for headers in seen:
        assert "HTTP_X_FORWARDED_FOR" not in headers  # neither the client's address nor the one it sent
        assert "HTTP_X_REAL_IP" not in headers and "HTTP_FORWARDED" not in headers
        assert "HTTP_USER_AGENT" not in headers
        assert headers["HTTP_X_FORWARDED_PROTO"] == "https"
    assert nginx.log_text() == ""
