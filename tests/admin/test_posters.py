"""QR posters: every poster and every image of the code decodes back to its link."""
from __future__ import annotations

import base64
import io
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageOps
from weasyprint import HTML

from admin.posters import poster_pdf, poster_texts, qr_png, qr_svg

URL = "https://siifra.example.kommune.no/s/FZFKD3"
CODE = "FZFKD3"
LOCATION = "Fyrlykta dagsenter"
PAGE_POINTS = {"A4": (595, 842), "A3": (842, 1191)}


@dataclass
class Poster:
    path: Path
    size: str
    texts: dict[str, str]


def run(*args: str | Path) -> str:
    """Run a poppler tool and return what it printed."""
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def decode(image: Image.Image) -> list[str]:
    """Return the texts of the QR codes zxing-cpp finds in image."""
    results = zxingcpp.read_barcodes(image)
    return [result.text for result in results if result.format == zxingcpp.BarcodeFormat.QRCode]


def render(path: Path, *, size: str = "A4", lang: str = "nb", **overrides: str) -> Path:
    """Write a poster with the default texts in lang, changed by overrides, to path."""
    texts = poster_texts(lang)
    fields = {"url": URL, "code": CODE, "location_name": LOCATION, "title": texts["title"],
              "invitation": texts["invitation"], "promise": texts["promise"]}
    path.write_bytes(poster_pdf(**{**fields, **overrides}, lang=lang, size=size))
    return path


def rasterise(pdf: Path, dpi: int = 150) -> Image.Image:
    """Return the first page of pdf as an image, as poppler draws it."""
    prefix = pdf.with_suffix("")
    run("pdftoppm", "-r", dpi, "-png", "-f", 1, "-l", 1, "-singlefile", pdf, prefix)
    with Image.open(prefix.with_suffix(".png")) as image:
        return image.convert("L")


@pytest.fixture(
    scope="module",
    params=[(size, lang) for size in PAGE_POINTS for lang in ("nb", "nn", "en")],
    ids=lambda p: "-".join(p),
)
def poster(request, tmp_path_factory: pytest.TempPathFactory) -> Poster:
    """Return a poster rendered once for each size and language."""
    size, lang = request.param
    path = render(tmp_path_factory.mktemp(f"poster-{size}-{lang}") / "poster.pdf", size=size, lang=lang)
    return Poster(path, size, poster_texts(lang))


def test_poster_qr_decodes_to_the_link(poster: Poster) -> None:
    assert decode(rasterise(poster.path)) == [URL]


def test_poster_is_one_page_of_its_size(poster: Poster) -> None:
    info = run("pdfinfo", poster.path)
    assert re.search(r"^Pages:\s+1$", info, re.M)
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups()
    assert (round(float(width)), round(float(height))) == PAGE_POINTS[poster.size]


def test_poster_shows_title_code_location_address_and_promise(poster: Poster) -> None:
    text = " ".join(run("pdftotext", poster.path, "-").split())
    address = "siifra.example.kommune.no/s/"
    for expected in (poster.texts["title"], LOCATION, CODE, address, poster.texts["promise"]):
        assert expected in text
    assert "https://" not in text


def test_poster_draws_the_qr_code_as_vectors(poster: Poster) -> None:
    listing = run("pdfimages", "-list", poster.path).splitlines()
    assert len(listing) == 2, "pdfimages found raster images: " + "\n".join(listing)


def test_a3_is_the_a4_layout_scaled(tmp_path: Path) -> None:
    ink = {}
    for size in PAGE_POINTS:
        page = rasterise(render(tmp_path / f"{size}.pdf", size=size), dpi=72)
        left, top, right, bottom = ImageOps.invert(page).getbbox()
        ink[size] = (left / page.width, top / page.height, right / page.width, bottom / page.height)
    assert ink["A4"] == pytest.approx(ink["A3"], abs=0.005)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_long_names_still_fit_on_one_page(lang: str, tmp_path: Path) -> None:
    path = render(
        tmp_path / "long.pdf", lang=lang, url="https://tilbakemelding.nordre-kvaloya.kommune.no/s/FZFKD3",
        location_name="Aktivitetshuset og frisklivssentralen på Nordre Kvaløya, avdeling Storgata",
    )
    assert re.search(r"^Pages:\s+1$", run("pdfinfo", path), re.M)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"invitation": "Hva synes du om tilbudet? " * 30}, "do not fit on one page"),
        ({"code": "ABC234"}, "does not end with its code"),
        ({"size": "Letter"}, "A4 or A3"),
    ],
    ids=["too-long", "wrong-code", "letter"],
)
def test_poster_refuses_what_cannot_be_printed(overrides: dict[str, str], message: str,
                                               tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=message):
        render(tmp_path / "poster.pdf", **overrides)


def test_poster_texts_differ_per_language() -> None:
    texts = [poster_texts(lang) for lang in ("nb", "nn", "en")]
    for key in ("title", "invitation", "promise", "scan", "or_type"):
        assert all(t[key] for t in texts)
    assert len({t["invitation"] for t in texts}) == len({t["promise"] for t in texts}) == 3
    with pytest.raises(ValueError, match="no poster texts"):
        poster_texts("sv")


def test_svg_is_vector_paths_with_a_quiet_zone(tmp_path: Path) -> None:
    svg = ET.fromstring(qr_svg(URL))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    size = int(svg.get("viewBox").split()[2])
    assert svg.get("viewBox") == f"0 0 {size} {size}"
    assert (size - 8 - 17) % 4 == 0, "a QR code is 17 + 4·version modules wide, plus 4 on each side"
    assert svg.find("svg:image", ns) is None
    d = svg.find("svg:path", ns).get("d")
    assert d.startswith("M4 4h7v1h-7z"), "the top-left finder pattern starts after the quiet zone"
    corners = [int(v) for pair in re.findall(r"M(\d+) (\d+)", d) for v in pair]
    assert min(corners) == 4 and max(corners) == size - 5

    # No SVG rasteriser is installed; WeasyPrint draws the SVG into a PDF for poppler to rasterise.
    pdf = tmp_path / "svg.pdf"
    src = "data:image/svg+xml;base64," + base64.b64encode(qr_svg(URL)).decode()
    page = '<style>@page { size: 120mm; margin: 0 } img { width: 120mm }</style>'
    HTML(string=f'{page}<img src="{src}">').write_pdf(pdf)
    assert decode(rasterise(pdf)) == [URL]


def test_png_is_large_black_and_white_and_decodes() -> None:
    with Image.open(io.BytesIO(qr_png(URL))) as image:
        image.load()
    assert image.width == image.height >= 2000
    assert {colour for _, colour in image.convert("L").getcolors()} == {0, 255}
    assert decode(image.convert("L")) == [URL]
    with Image.open(io.BytesIO(qr_png(URL, pixels=3000))) as larger:
        assert larger.width >= 3000


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_question_as_title_shrinks_to_fit_one_page(lang: str, tmp_path: Path) -> None:
    path = render(tmp_path / "title.pdf", lang=lang, title="Hvordan har du det på Solsiden aktivitetshus denne uka?")
    assert re.search(r"^Pages:\s+1$", run("pdfinfo", path), re.M)
    assert decode(rasterise(path)) == [URL]


def words_outside_the_page(pdf: Path) -> list[str]:
    """Return the words poppler finds (with their boxes) that lie outside the page, even partly."""
    html = run("pdftotext", "-bbox", pdf, "-")
    width, height = (float(v) for v in re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html).groups())
    outside = []
    for x_min, y_min, x_max, y_max, word in re.findall(
        r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>', html
    ):
        if float(x_min) < 0 or float(y_min) < 0 or float(x_max) > width or float(y_max) > height:
            outside.append(word)
    return outside


@pytest.mark.parametrize("size", ["A4", "A3"])
@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("nb", "Brukerundersøkelse"),
        ("nb", "Brukerundersøkelsesresultatgjennomgangen"),
        ("nn", "Brukarundersøkingsresultatgjennomgangen"),
        ("en", "Incomprehensibilities"),
        ("nb", "Xqzwvbnmlkjhgfdsapoiuytrewq"),  # no dictionary can break this one: it must shrink
    ],
)
def test_no_text_lies_outside_the_page(size: str, lang: str, title: str, tmp_path: Path) -> None:
    path = render(tmp_path / "word.pdf", size=size, lang=lang, title=title,
                  location_name="Frisklivssentralensaktivitetshusavdelingen")
    assert words_outside_the_page(path) == []
    assert re.search(r"^Pages:\s+1$", run("pdfinfo", path), re.M)


def test_the_words_outside_check_can_fail(tmp_path: Path) -> None:
    """The check above finds a word that runs off the page when nothing breaks or shrinks it."""
    pdf = tmp_path / "off.pdf"
    HTML(string='<style>@page { size: A4; margin: 10mm } p { font-size: 80pt; white-space: nowrap }</style>'
                '<p>Brukerundersøkelsesresultatgjennomgangen</p>').write_pdf(pdf)
    assert words_outside_the_page(pdf) != []


@pytest.mark.parametrize(
    ("kinds", "nb", "en"),
    [
        (["smiley"], "det går fort", "it only takes a moment"),
        (["smiley", "scale", "yes_no", "single_choice"], "det tar omtrent ett minutt", "it takes about a minute"),
        (["smiley", "scale", "yes_no", "single_choice", "multiple_choice", "free_text", "free_text"],
         "det tar et par minutter", "it takes a couple of minutes"),
        (["free_text"] * 6, "det tar noen minutter", "it takes a few minutes"),
    ],
)
def test_the_poster_says_how_long_the_form_takes(kinds: list[str], nb: str, en: str) -> None:
    from admin.posters import estimated_seconds

    seconds = estimated_seconds(kinds)
    assert nb in poster_texts("nb", seconds)["invitation"]
    assert en in poster_texts("en", seconds)["invitation"]
