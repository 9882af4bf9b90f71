"""PDF from HTML with WeasyPrint: the one place that makes PDFs (council digests and posters).

Nothing a PDF is made from may reach the network or the disk: images and fonts come inline as data:
URIs or from the system's fonts, so a text someone typed can never make the server fetch a URL.
"""

from __future__ import annotations

from weasyprint import HTML, Document, URLFetcher


def data_only() -> URLFetcher:
    """Return a URL fetcher that loads data: URIs and nothing else."""
    return URLFetcher(allowed_protocols={"data"})


def render_document(html: str) -> Document:
    """Lay out html into pages (to check how it fits before writing it)."""
    return HTML(string=html, url_fetcher=data_only()).render()


def write(document: Document) -> bytes:
    """Return a laid-out document as a tagged PDF (a screen reader can follow its headings and tables)."""
    return document.write_pdf(pdf_tags=True)


def html_to_pdf(html: str) -> bytes:
    """Return html as a tagged PDF."""
    return write(render_document(html))
