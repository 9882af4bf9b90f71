"""Every address that leaves the app (printed, e-mailed, shown to copy) is built here, from BASE_URL.

Never from the request's Host header: a forged Host would otherwise end up in an e-mailed link.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def public_url(path: str) -> str:
    """Return the public address of a path on this service, e.g. "/s/K7M2QX"."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/{path.lstrip('/')}"


def external_url(endpoint: str, **values: Any) -> str:
    """Return the public address of a Flask endpoint, like url_for(..., _external=True) but from BASE_URL."""
    return public_url(url_for(endpoint, **values))


def link_url(code: str) -> str:
    """Return the full public address of a short link (what a poster's QR code holds)."""
    return public_url(f"/s/{code}")


def pairing_url(code: str) -> str:
    """Return the address a tablet opens to pair with code; the code travels after #, never to a server."""
    from kiosk.devices import format_pairing_code

    return public_url(f"/kiosk/pair#code={format_pairing_code(code)}")


def pairing_page_url() -> str:
    """Return the address typed on a tablet to pair it (the QR code adds the code itself)."""
    return public_url("/kiosk/pair")


def receipt_address() -> str:
    """Return where to check a receipt code, as people write it down: "siifra.no/kvittering", no scheme."""
    address = public_url("/kvittering")
    return address.split("://", 1)[-1]
