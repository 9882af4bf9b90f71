"""Small-number suppression: a count below k is hidden, and so is every total it is part of.

Every count that a page, export, digest or API shows goes through here first. The reader guarded against
sees everything shown and knows this code: that zeros are shown (so a hidden count is at least 1) and that
"small" means 1 to k - 1. Which counts are hidden follows from which cells are 0, small or not, and never
from a hidden number, so the pattern itself tells nothing more; and with every total around it hidden, each
small count could be one more or one less. docs/suppression.md tells why, and tests/kiosk/reporting checks
it against a reader who tries every table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

DEFAULT_K = 5
MIN_K = 3

# "small": a count from 1 to k - 1. "complementary": a total that a small count is part of; it says nothing
# of its size. "table": the whole table is hidden because its total is below k.
Reason = Literal["small", "complementary", "table"]
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)
Opt = TypeVar("Opt", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Shown:
    """A count that may be shown as it is."""

    count: int


@dataclass(frozen=True, slots=True)
class Hidden:
    """A count that must not be shown: it keeps why and under which k, never the number."""

    reason: Reason
    k: int


Cell = Shown | Hidden


@dataclass(frozen=True)
class SuppressedTable(Generic[R, C]):
    """A two-way table of counts with its row totals, column totals and total, each shown or hidden."""

    k: int
    rows: tuple[R, ...]
    columns: tuple[C, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    total: Cell

    @property
    def hidden(self) -> bool:
        """Say whether the whole table is hidden."""
        return isinstance(self.total, Hidden) and self.total.reason == "table"

    def cell(self, row: R, column: C) -> Cell:
        """Return the cell for one row and one column."""
        return self.cells[self.rows.index(row)][self.columns.index(column)]


@dataclass(frozen=True)
class SuppressedDistribution(Generic[Opt]):
    """One question's counts per option and n; percentages (of n) and a mean only when nothing is hidden."""

    k: int
    options: tuple[Opt, ...]
    cells: tuple[Cell, ...]
    n: Cell
    percentages: tuple[float | None, ...]
    mean: float | None

    @property
    def hidden(self) -> bool:
        """Say whether the whole distribution is hidden."""
        return isinstance(self.n, Hidden) and self.n.reason == "table"

    def cell(self, option: Opt) -> Cell:
        """Return the cell for one option."""
        return self.cells[self.options.index(option)]


def check_k(k: int) -> int:
    """Return k if it is a whole number of at least 3, or raise ValueError saying what to set."""
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise ValueError(
            f"k must be a whole number of at least {MIN_K}, got {k!r}: smaller groups could be picked out. "
            f"Set it to {MIN_K} or more (the default is {DEFAULT_K})."
        )
    return k


def text_visible(location_submissions: int, k: int) -> bool:
    """Say whether a location's free text may be shown for a period with this many submissions."""
    return _count(location_submissions) >= check_k(k)


def suppress_table(
    counts: Mapping[tuple[R, C], int], rows: Sequence[R], columns: Sequence[C], *, k: int
) -> SuppressedTable[R, C]:
    """Suppress a two-way table where each submission is counted in exactly one cell; missing cells are 0."""
    k = check_k(k)
    row_keys, column_keys = _labels(rows), _labels(columns)
    unknown = set(counts) - {(r, c) for r in row_keys for c in column_keys}
    if unknown:
        raise ValueError(f"counts for rows or columns that are not listed: {sorted(map(repr, unknown))[:3]}")
    grid = [[_count(counts.get((r, c), 0)) for c in column_keys] for r in row_keys]
    total = sum(map(sum, grid))
    if total < k:
        hidden = Hidden("table", k)
        return SuppressedTable(
            k,
            row_keys,
            column_keys,
            tuple((hidden,) * len(column_keys) for _ in row_keys),
            (hidden,) * len(row_keys),
            (hidden,) * len(column_keys),
            hidden,
        )
    cells = tuple(tuple(_small(v, k) for v in row) for row in grid)
    by_column = [[row[j] for row in cells] for j in range(len(column_keys))]
    return SuppressedTable(
        k,
        row_keys,
        column_keys,
        cells,
        tuple(_total(sum(values), row, k) for values, row in zip(grid, cells, strict=True)),
        tuple(_total(sum(row[j] for row in grid), column, k) for j, column in enumerate(by_column)),
        _total(total, [c for row in cells for c in row], k),
    )


def suppress_distribution(
    options: Sequence[Opt], counts: Mapping[Opt, int], *, k: int, values: Mapping[Opt, float] | None = None
) -> SuppressedDistribution[Opt]:
    """Suppress a single-choice question's counts and n, their sum; values (per option) give a mean."""
    k = check_k(k)
    keys, found = _option_counts(options, counts)
    if values is not None and not set(values) <= set(keys):
        raise ValueError("values are given for options that are not listed")
    cells, n = _one_way(found, sum(found), k)
    # With a hidden count, n and a mean are two equations a reader could solve for two hidden counts; with
    # nothing hidden, the mean follows from what is shown anyway.
    mean = _mean(keys, found, values) if values is not None and isinstance(n, Shown) else None
    return SuppressedDistribution(k, keys, cells, n, _percentages(cells, n), mean)


def suppress_multiple_choice(
    options: Sequence[Opt], counts: Mapping[Opt, int], respondents: int, *, k: int
) -> SuppressedDistribution[Opt]:
    """Suppress a multiple-choice question's ticks per option; respondents ticked one option or more."""
    k = check_k(k)
    keys, found = _option_counts(options, counts)
    n = _count(respondents)
    if any(c > n for c in found) or sum(found) < n:
        raise ValueError(
            "each option's count must be at most respondents, and all ticks together at least that"
        )
    cells, n_cell = _one_way(found, n, k)
    return SuppressedDistribution(k, keys, cells, n_cell, _percentages(cells, n_cell), None)


_TEXTS: dict[str, dict[Reason, str]] = {
    "nb": {"small": "færre enn {k}", "table": "færre enn {k}", "complementary": "ikke vist"},
    "nn": {"small": "færre enn {k}", "table": "færre enn {k}", "complementary": "ikkje vist"},
    "en": {"small": "fewer than {k}", "table": "fewer than {k}", "complementary": "not shown"},
}


def hidden_text(cell: Hidden, language: str) -> str:
    """Return the words to print instead of a hidden count, in nb, nn or en (nb for any other language)."""
    # Every count in a table whose total is below k is below k too, so "fewer than k" is true there. A
    # complementary count can be of any size, so it only says that it is not shown.
    return _TEXTS.get(language, _TEXTS["nb"])[cell.reason].format(k=cell.k)


def cell_text(cell: Cell, language: str) -> str:
    """Return the text to print for any cell: the count, or the words for a hidden one."""
    return str(cell.count) if isinstance(cell, Shown) else hidden_text(cell, language)


def cell_json(cell: Cell) -> dict[str, int | str | None]:
    """Return a cell for JSON: {"count": 7}, or {"count": null, "suppressed": "small"}."""
    if isinstance(cell, Shown):
        return {"count": cell.count}
    return {"count": None, "suppressed": cell.reason}


def table_json(
    table: SuppressedTable[R, C], row_label: Callable[[R], str] = str, column_label: Callable[[C], str] = str
) -> dict[str, object]:
    """Return a suppressed table for a JSON export: k, labels, cells and totals, and no hidden number."""
    return {
        "k": table.k,
        "columns": [
            {"label": column_label(c), **cell_json(t)}
            for c, t in zip(table.columns, table.column_totals, strict=True)
        ],
        "rows": [
            {
                "label": row_label(r),
                **cell_json(total),
                "cells": [
                    {"column": column_label(c), **cell_json(x)}
                    for c, x in zip(table.columns, cells, strict=True)
                ],
            }
            for r, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)
        ],
        "total": cell_json(table.total),
    }


def distribution_json(
    dist: SuppressedDistribution[Opt], label: Callable[[Opt], str] = str
) -> dict[str, object]:
    """Return a suppressed distribution for a JSON export: k, n, a mean, each option's count and percent."""
    return {
        "k": dist.k,
        "n": cell_json(dist.n),
        "mean": None if dist.mean is None else round(dist.mean, 2),
        "options": [
            {"label": label(o), **cell_json(c), "percent": None if p is None else round(p, 1)}
            for o, c, p in zip(dist.options, dist.cells, dist.percentages, strict=True)
        ],
    }


def _one_way(found: list[int], n: int, k: int) -> tuple[tuple[Cell, ...], Cell]:
    """Suppress counts that share one total n."""
    if n < k:
        return (Hidden("table", k),) * len(found), Hidden("table", k)
    cells = tuple(_small(c, k) for c in found)
    return cells, _total(n, cells, k)


def _small(value: int, k: int) -> Cell:
    return Hidden("small", k) if 0 < value < k else Shown(value)


def _total(value: int, parts: Sequence[Cell], k: int) -> Cell:
    # A shown total fixes what the hidden counts in it add up to. At its least possible value each of them
    # is 1, so showing it pins them for some tables; showing it only for the other tables would tell a reader
    # which kind this is. So a total is hidden whenever a count in it is, whatever the numbers. It never says
    # "fewer than k": that too would bound what the counts in it add up to (with k = 3, two hidden counts
    # under a total below 3 are both 1).
    return Hidden("complementary", k) if any(isinstance(c, Hidden) for c in parts) else Shown(value)


def _percentages(cells: tuple[Cell, ...], n: Cell) -> tuple[float | None, ...]:
    # Only when n is shown, which is only when no count is hidden: then they follow from what is shown.
    if not isinstance(n, Shown) or n.count == 0:
        return (None,) * len(cells)
    return tuple(100 * c.count / n.count if isinstance(c, Shown) else None for c in cells)


def _mean(options: tuple[Opt, ...], found: list[int], values: Mapping[Opt, float]) -> float | None:
    weighted = [(float(values[o]), c) for o, c in zip(options, found, strict=True) if o in values]
    people = sum(c for _, c in weighted)
    return sum(v * c for v, c in weighted) / people if people else None


def _option_counts(options: Sequence[Opt], counts: Mapping[Opt, int]) -> tuple[tuple[Opt, ...], list[int]]:
    keys = _labels(options)
    unknown = set(counts) - set(keys)
    if unknown:
        raise ValueError(f"counts for options that are not listed: {sorted(map(repr, unknown))[:3]}")
    return keys, [_count(counts.get(o, 0)) for o in keys]


def _labels(labels: Sequence[R]) -> tuple[R, ...]:
    keys = tuple(labels)
    if len(set(keys)) != len(keys):
        raise ValueError("row, column and option labels must each be listed once")
    return keys


def _count(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count must be a whole number of 0 or more, got {value!r}")
    return value


def one_count(count: int, k: int) -> Cell:
    """Return a count shown on its own (not part of a table): hidden when it is 1 to k - 1."""
    value = _count(count)
    return Hidden("small", check_k(k)) if 0 < value < k else Shown(value)
