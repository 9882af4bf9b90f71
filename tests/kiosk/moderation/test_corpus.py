"""The de-identification corpus: recall per kind and look-alikes kept, against the targets of the issue.

Run as a script to print the table for docs/moderation.md:
    .venv/bin/python -m tests.kiosk.moderation.test_corpus
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.moderation.deidentify import PLACEHOLDERS, scrub
from kiosk.moderation.normalise import normalise

CORPUS = Path(__file__).with_name("corpus.tsv")
_MARK = re.compile(r"\{(id|phone|email|address|name|local|keep):([^{}]*)\}")
_KINDS = {
    "id": "national_id",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "name": "name",
    "local": "name",
}
TARGETS = {"id": 1.0, "phone": 1.0, "email": 1.0, "name": 0.9, "local": 1.0, "address": 0.9, "keep": 0.95}
LABELS = {
    "id": "identity numbers (fødselsnummer, D, H)",
    "phone": "phone numbers",
    "email": "e-mail addresses",
    "name": "names (lists and patterns)",
    "local": "local words",
    "address": "street addresses",
    "keep": "look-alikes kept",
}


@dataclass
class Line:
    lang: str
    marked: str
    section: str  # the comment line above it
    text: str = ""  # the input, without marks
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # marks, in normalised-text offsets

    def expected(self) -> str:
        def put(m: re.Match[str]) -> str:
            return m.group(2) if m.group(1) == "keep" else PLACEHOLDERS[_KINDS[m.group(1)]]

        return normalise(_MARK.sub(put, self.marked))


def read_corpus() -> tuple[list[Line], list[str]]:
    """Read the corpus lines and its local words."""
    lines, local_words, section = [], [], ""
    for raw in CORPUS.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# local-words:"):
            local_words = [w.strip() for w in raw.split(":", 1)[1].split(";")]
        elif raw.startswith("# "):
            section = raw[2:]
        elif raw.strip():
            lang, marked = raw.split("\t")
            lines.append(_parse(Line(lang, marked, section)))
    return lines, local_words


def _parse(line: Line) -> Line:
    parts, normalised, position = [], "", 0
    for m in _MARK.finditer(line.marked):
        parts.append(line.marked[position : m.start()])
        normalised += normalise(line.marked[position : m.start()])
        start = len(normalised)
        normalised += normalise(m.group(2))
        line.spans.append((start, len(normalised), m.group(1)))
        parts.append(m.group(2))
        position = m.end()
    parts.append(line.marked[position:])
    line.text = "".join(parts)
    assert normalise(line.text) == normalised + normalise(line.marked[position:]), line.marked
    return line


def _original_spans(line: Line, local_words: list[str]) -> list[tuple[int, int, str]]:
    """Scrub the line and map each redaction back onto the normalised input."""
    shift, spans = 0, []
    for r in scrub(line.text, local_words).redactions:
        start = r.start - shift
        spans.append((start, start + len(r.original), r.kind))
        shift += (r.end - r.start) - len(r.original)
    return spans


@dataclass
class Figures:
    found: Counter[str] = field(default_factory=Counter)  # per mark
    total: Counter[str] = field(default_factory=Counter)
    by_section: dict[str, Counter[str]] = field(default_factory=dict)  # found/total, marks and look-alikes
    misses: list[str] = field(default_factory=list)
    unmarked: int = 0  # redactions of text that was not marked
    exact: int = 0  # lines whose redacted text is exactly the expected one
    lines: int = 0


def evaluate() -> Figures:
    """Scrub every line and count, per kind and per section, what was found and what was kept."""
    lines, local_words = read_corpus()
    figures = Figures(lines=len(lines))
    for line in lines:
        redactions = _original_spans(line, local_words)
        section = figures.by_section.setdefault(line.section, Counter())
        for start, end, mark in line.spans:
            if mark == "keep":
                ok = not any(s < end and start < e for s, e, _ in redactions)
            else:
                ok = any(s <= start and end <= e and kind == _KINDS[mark] for s, e, kind in redactions)
            group = "keep" if mark == "keep" else "redact"
            figures.total[mark] += 1
            figures.found[mark] += ok
            section[group + " total"] += 1
            section[group + " found"] += ok
            if not ok:
                figures.misses.append(f"{mark}: {line.marked}")
        figures.unmarked += sum(
            1 for s, e, _ in redactions if not any(s < end and start < e for start, end, _ in line.spans)
        )
        figures.exact += scrub(line.text, local_words).text == line.expected()
    return figures


_CACHE: list[Figures] = []


def evaluate_cached() -> Figures:
    if not _CACHE:
        _CACHE.append(evaluate())
    return _CACHE[0]


def test_corpus_is_large_and_covers_every_kind() -> None:
    lines, local_words = read_corpus()
    assert len(lines) >= 250
    assert {line.lang for line in lines} == {"nb", "nn", "en"}
    assert local_words
    assert all(evaluate_cached().total[mark] >= 10 for mark in TARGETS)


@pytest.mark.parametrize("mark", list(TARGETS))
def test_recall_meets_the_target(mark: str) -> None:
    figures = evaluate_cached()
    rate = figures.found[mark] / figures.total[mark]
    assert rate >= TARGETS[mark], [m for m in figures.misses if m.startswith(mark + ":")]


def markdown_table() -> str:
    """Return the figures as the Markdown tables in docs/moderation.md."""
    figures = evaluate()
    rows = ["| kind | found | of | rate | target |", "|---|---:|---:|---:|---:|"]
    for mark, target in TARGETS.items():
        found, total = figures.found[mark], figures.total[mark]
        rows.append(f"| {LABELS[mark]} | {found} | {total} | {found / total:.1%} | ≥ {target:.0%} |")
    rows += [
        f"\n{figures.lines} sentences; {figures.exact} redacted exactly as expected; "
        f"{figures.unmarked} redactions of text that was not marked.\n",
        "| section of corpus.tsv | marks redacted | look-alikes kept |",
        "|---|---:|---:|",
    ]
    for section, counts in figures.by_section.items():
        redacted = f"{counts['redact found']} / {counts['redact total']}"
        kept = f"{counts['keep found']} / {counts['keep total']}"
        rows.append(f"| {section} | {redacted} | {kept} |")
    rows.append("\nMisses:\n")
    rows.extend(f"- `{miss}`" for miss in figures.misses)
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
