"""Printable QR posters for short links: PDF posters, and the code alone as SVG and PNG."""

from __future__ import annotations

import base64
import io
import itertools
import math
import re
from collections.abc import Iterable
from functools import partial

import qrcode
import qrcode.constants
from jinja2 import Environment, PackageLoader, select_autoescape
from PIL import Image
from weasyprint import Document
from weasyprint.formatting_structure.boxes import TextBox

from kiosk import pdf

# Q survives a poster that is scratched, folded or behind glare; the short URLs stay at a low version.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4
# A3 is A4 scaled by the square root of two, so one layout serves both.
SCALES = {"A4": 1.0, "A3": math.sqrt(2)}
TEMPLATE = "admin/posters/poster.html"

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Si ifra!",
        "invitation": "Hva synes du om tilbudet? Si ifra – {duration}.",
        "durations": "det går fort|det tar omtrent ett minutt|det tar et par minutter|det tar noen minutter",
        "promise": "Helt anonymt. Vi lagrer ikke hvem du er, og ikke når på dagen du svarte. "
        "Ingen kan finne ut hvem som sa hva.",
        "scan": "Skann koden med kameraet på mobilen.",
        "or_type": "Eller skriv adressen:",
        "code": "Kode",
    },
    "nn": {
        "title": "Sei frå!",
        "invitation": "Kva synest du om tilbodet? Sei frå – {duration}.",
        "durations": "det går fort|det tek om lag eitt minutt|det tek eit par minutt|det tek nokre minutt",
        "promise": "Heilt anonymt. Vi lagrar ikkje kven du er, og ikkje når på dagen du svarte. "
        "Ingen kan finne ut kven som sa kva.",
        "scan": "Skann koden med kameraet på mobilen.",
        "or_type": "Eller skriv adressa:",
        "code": "Kode",
    },
    "en": {
        "title": "Speak up!",
        "invitation": "What do you think of this service? Speak up – {duration}.",
        "durations": "it only takes a moment|it takes about a minute|it takes a couple of minutes|it takes a few minutes",
        "promise": "Completely anonymous. We do not store who you are, or what time of day you answered. "
        "Nobody can find out who said what.",
        "scan": "Scan the code with your phone camera.",
        "or_type": "Or type this address:",
        "code": "Code",
    },
}

# Not Flask's loader: the admin blueprint may not be registered (CLI, jobs, tests), and the
# poster needs nothing from the app, only its own template.
_templates = Environment(loader=PackageLoader("admin", "templates"), autoescape=select_autoescape())


# Rough seconds a person takes per kind of question; free text is optional, so it counts for less
# than writing a whole note would. Only the poster's promise of how long it takes depends on these.
SECONDS = {"free_text": 40, "multiple_choice": 15}
SECONDS_OTHER = 8
# Upper bounds (seconds) of the durations' wordings, in order.
DURATION_LIMITS = (20, 80, 180)


def estimated_seconds(kinds: list[str]) -> int:
    """Return roughly how many seconds a form with questions of these kinds takes to answer."""
    return sum(SECONDS.get(kind, SECONDS_OTHER) for kind in kinds)


def poster_texts(lang: str, seconds: int = 60) -> dict[str, str]:
    """Return the default poster wording (title, invitation, promise and labels) in lang.

    The invitation says how long the form takes, from seconds (see estimated_seconds).
    """
    if lang not in TEXTS:
        raise ValueError(f"no poster texts for language {lang!r}; choose one of {', '.join(TEXTS)}")
    texts = dict(TEXTS[lang])
    durations = texts.pop("durations").split("|")
    step = sum(seconds > limit for limit in DURATION_LIMITS)
    texts["invitation"] = texts["invitation"].format(duration=durations[step])
    return texts


def _matrix(url: str) -> list[list[bool]]:
    """Return the modules of url's QR code, quiet zone included, True for dark."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(url: str) -> bytes:
    """Return url's QR code alone as a standalone SVG of vector paths, one unit per module."""
    matrix = _matrix(url)
    size = len(matrix)
    # One rectangle per horizontal run of dark modules, all in a single path: small, and no
    # hairline seams between neighbouring modules when a viewer anti-aliases the edges.
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        for dark, group in itertools.groupby(row):
            width = len(list(group))
            if dark:
                runs.append(f"M{x} {y}h{width}v1h-{width}z")
            x += width
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {size} {size}" '
        f'width="{size * 10}" height="{size * 10}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>\n'
    ).encode()


def qr_png(url: str, pixels: int = 2000) -> bytes:
    """Return url's QR code alone as a black-on-white PNG at least pixels wide."""
    matrix = _matrix(url)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    box = math.ceil(pixels / size)
    # Whole pixels per module and no smoothing, so every module edge stays sharp.
    image = image.resize((size * box, size * box), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(300, 300))
    return out.getvalue()


# (title size, QR code width in mm on A4): tried in order until the poster fits on one page.
FITS = ((1.0, 105), (0.8, 100), (0.64, 94), (0.5, 88), (0.42, 80))


def _sentences(text: str) -> list[str]:
    """Return text split after each full stop, question mark or exclamation mark."""
    return re.split(r"(?<=[.?!])\s+", text.strip())


def _address_head(url: str, code: str) -> str:
    """Return url without its scheme and without the code it ends with."""
    bare = re.sub(r"^https?://", "", url).rstrip("/")
    if not bare.endswith(f"/{code}"):
        # A poster whose printed code differs from its QR code sends people to two places.
        raise ValueError(f"the poster's URL {url!r} does not end with its code {code!r}")
    return bare.removesuffix(code)


def poster_pdf(
    *,
    url: str,
    code: str,
    location_name: str,
    title: str,
    invitation: str,
    promise: str,
    lang: str,
    size: str = "A4",
) -> bytes:
    """Return an A4 or A3 PDF poster for url, with the QR code as vector graphics."""
    if size not in SCALES:
        raise ValueError(f"poster size must be A4 or A3, not {size!r}")
    scale = SCALES[size]
    labels = poster_texts(lang)
    promise_lead, *promise_rest = _sentences(promise)
    render = partial(
        _templates.get_template(TEMPLATE).render,
        lang=lang,
        size=size,
        mm=lambda value: f"{value * scale:.2f}mm",
        pt=lambda value: f"{value * scale:.2f}pt",
        qr_src=qr_data_uri(url),
        url=url,
        code=code,
        location_name=location_name,
        title=title,
        invitation=_sentences(invitation),
        promise_lead=promise_lead,
        promise_rest=" ".join(promise_rest),
        address_head=_address_head(url, code),
        labels=labels,
    )
    # A form's real title is often a whole question; it shrinks until the poster fits one page.
    try:
        return first_that_fits(render(title_scale=title_scale, qr_mm=qr_mm) for title_scale, qr_mm in FITS)
    except ValueError:
        raise ValueError(
            "the poster's texts do not fit on one page: shorten the title, invitation or location name"
        ) from None


def _runs_off_the_page(document: Document) -> bool:
    """Return True when a line of text (a word too long to break) reaches past the page's margins."""
    for page in document.pages:
        box = page._page_box
        left, right = box.content_box_x(), box.content_box_x() + box.width
        stack = [box]
        while stack:
            current = stack.pop()
            if isinstance(current, TextBox) and (
                current.position_x < left - 0.5 or current.position_x + current.width > right + 0.5
            ):
                return True
            stack.extend(getattr(current, "children", []))
    return False


def qr_data_uri(url: str) -> str:
    """Return url's QR code as a data: URI of its vector SVG, for a poster's <img>."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode()


def first_that_fits(pages: Iterable[str]) -> bytes:
    """Return the PDF of the first HTML page that fits on one page with no word past its margins."""
    for page in pages:
        document = pdf.render_document(page)
        if len(document.pages) == 1 and not _runs_off_the_page(document):
            return pdf.write(document)
    raise ValueError("the poster's texts do not fit on one page")
