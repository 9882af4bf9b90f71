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
    text: str = ""  # the input, without marks
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # marks, in normalised-text offsets

    def expected(self) -> str:
        def put(m: re.Match[str]) -> str:
            return m.group(2) if m.group(1) == "keep" else PLACEHOLDERS[_KINDS[m.group(1)]]

        return normalise(_MARK.sub(put, self.marked))


def read_corpus() -> tuple[list[Line], list[str]]:
    """Read the corpus lines and its local words."""
    lines, local_words = [], []
    for raw in CORPUS.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# local-words:"):
            local_words = [w.strip() for w in raw.split(":", 1)[1].split(";")]
        elif raw.strip() and not raw.startswith("#"):
            lang, marked = raw.split("\t")
            lines.append(_parse(Line(lang, marked)))
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


def evaluate() -> tuple[Counter[str], Counter[str], list[str], int]:
    """Return marks found and marks in all, per kind; the misses; and redactions of unmarked text."""
    lines, local_words = read_corpus()
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    unmarked = 0
    for line in lines:
        redactions = _original_spans(line, local_words)
        for start, end, mark in line.spans:
            total[mark] += 1
            if mark == "keep":
                ok = not any(s < end and start < e for s, e, _ in redactions)
            else:
                ok = any(s <= start and end <= e and kind == _KINDS[mark] for s, e, kind in redactions)
            found[mark] += ok
            if not ok:
                misses.append(f"{mark}: {line.marked}")
        unmarked += sum(
            1 for s, e, _ in redactions if not any(s < end and start < e for start, end, _ in line.spans)
        )
    return found, total, misses, unmarked


def test_corpus_is_large_and_covers_every_kind() -> None:
    lines, local_words = read_corpus()
    assert len(lines) >= 250
    assert {line.lang for line in lines} == {"nb", "nn", "en"}
    assert local_words
    _, total, _, _ = evaluate()
    assert all(total[mark] >= 10 for mark in TARGETS), total


@pytest.mark.parametrize("mark", list(TARGETS))
def test_recall_meets_the_target(mark: str) -> None:
    found, total, misses, _ = evaluate_cached()
    rate = found[mark] / total[mark]
    assert rate >= TARGETS[mark], [m for m in misses if m.startswith(mark + ":")]


_CACHE: list[tuple[Counter[str], Counter[str], list[str], int]] = []


def evaluate_cached() -> tuple[Counter[str], Counter[str], list[str], int]:
    if not _CACHE:
        _CACHE.append(evaluate())
    return _CACHE[0]


def markdown_table() -> str:
    """Return the figures as the Markdown table in docs/moderation.md."""
    found, total, misses, unmarked = evaluate()
    rows = ["| kind | found | of | rate | target |", "|---|---:|---:|---:|---:|"]
    for mark, target in TARGETS.items():
        rate = found[mark] / total[mark]
        rows.append(f"| {LABELS[mark]} | {found[mark]} | {total[mark]} | {rate:.1%} | ≥ {target:.0%} |")
    lines, _ = read_corpus()
    rows.append(f"\n{len(lines)} sentences; {unmarked} redactions of unmarked text. Misses:\n")
    rows.extend(f"- `{miss}`" for miss in misses)
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
