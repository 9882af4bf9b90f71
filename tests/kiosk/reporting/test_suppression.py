"""Small-number suppression by example: what is hidden, what it says, and what the JSON holds."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from kiosk.reporting.suppression import (
    DEFAULT_K,
    Cell,
    Hidden,
    Shown,
    SuppressedTable,
    cell_json,
    cell_text,
    check_k,
    distribution_json,
    hidden_text,
    suppress_distribution,
    suppress_multiple_choice,
    suppress_table,
    table_json,
    text_visible,
)

SMALL, OTHER, TABLE = Hidden("small", 5), Hidden("complementary", 5), Hidden("table", 5)


def table(grid: list[list[int]], k: int = 5) -> SuppressedTable[int, int]:
    counts = {(i, j): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    return suppress_table(counts, range(len(grid)), range(len(grid[0])), k=k)


def texts(cells: tuple[Cell, ...], language: str = "nb") -> list[str]:
    return [cell_text(c, language) for c in cells]


def test_a_cell_of_one_is_hidden_and_so_are_the_totals_it_is_part_of() -> None:
    t = table([[1, 10], [10, 10]])
    assert t.cells == ((SMALL, Shown(10)), (Shown(10), Shown(10)))
    # Hiding the 1 alone would let 11 - 10 give it away, so its row total, its column total and the total
    # go too; the other row and column keep theirs.
    assert t.row_totals == (OTHER, Shown(20))
    assert t.column_totals == (OTHER, Shown(20))
    assert t.total == OTHER
    assert texts(t.cells[0]) + texts(t.row_totals) == ["færre enn 5", "10", "ikke vist", "20"]


def test_the_complement_is_the_total_not_the_smallest_neighbour() -> None:
    # Hiding the 5 beside "færre enn 5" would not do: a hidden neighbour was shown before, so it is at least
    # 5, and with the row total 11 the small one could only be 1. Hiding the total leaves 1 to 4 possible.
    t = table([[1, 5, 5], [7, 8, 9]])
    assert t.cells[0] == (SMALL, Shown(5), Shown(5))
    assert t.row_totals == (OTHER, Shown(24))
    assert t.column_totals == (OTHER, Shown(13), Shown(14))
    assert t.total == OTHER


def test_a_table_whose_total_is_below_k_is_hidden_whole() -> None:
    t = table([[1, 2], [0, 1]])
    assert t.hidden
    assert all(c == TABLE for row in t.cells for c in row)
    assert t.row_totals == t.column_totals == (TABLE, TABLE) and t.total == TABLE
    # Every count in it is below k, zeros included, so the words are true for each one.
    assert hidden_text(TABLE, "nb") == "færre enn 5"
    assert table([[0, 0], [0, 0]]).hidden


def test_zeros_are_shown_and_a_row_of_them_keeps_its_total() -> None:
    t = table([[0, 3, 0], [0, 0, 0], [6, 9, 12]])
    assert t.cells == (
        (Shown(0), SMALL, Shown(0)),
        (Shown(0), Shown(0), Shown(0)),
        (Shown(6), Shown(9), Shown(12)),
    )
    assert t.row_totals == (OTHER, Shown(0), Shown(27))
    assert t.column_totals == (Shown(6), OTHER, Shown(12))


def test_a_hidden_total_never_says_fewer_than_k() -> None:
    # With k = 3, "fewer than 3" on the lower row's total, over two hidden counts that are at least 1 each,
    # would say both are 1. So it says only "not shown".
    t = table([[0, 0, 1], [0, 1, 1], [4, 5, 6]], k=3)
    assert t.row_totals[1] == Hidden("complementary", 3)
    assert cell_text(t.row_totals[1], "nb") == "ikke vist"
    assert cell_text(t.cells[1][1], "nb") == "færre enn 3"


@pytest.mark.parametrize(
    "k,expected",
    [
        (3, [["4", "12"], ["9", "færre enn 3"]]),
        (5, [["færre enn 5", "12"], ["9", "færre enn 5"]]),
        (10, [["færre enn 10", "12"], ["færre enn 10", "færre enn 10"]]),
    ],
)
def test_k_sets_the_threshold_and_the_words(k: int, expected: list[list[str]]) -> None:
    t = table([[4, 12], [9, 2]], k=k)
    assert [texts(row) for row in t.cells] == expected
    assert isinstance(t.total, Hidden)


def test_k_below_three_is_refused() -> None:
    assert DEFAULT_K == 5
    assert check_k(3) == 3
    for bad in (2, 0, -5, True, 5.0, "5"):
        with pytest.raises(ValueError, match="at least 3"):
            check_k(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 3"):
        table([[10, 10]], k=2)
    with pytest.raises(ValueError, match="at least 3"):
        suppress_distribution([1], {1: 10}, k=2)
    with pytest.raises(ValueError, match="at least 3"):
        text_visible(10, 2)


def test_free_text_needs_k_submissions_from_the_location() -> None:
    assert not text_visible(4, 5)
    assert text_visible(5, 5)
    assert not text_visible(9, 10)
    assert not text_visible(0, 3)
    with pytest.raises(ValueError):
        text_visible(-1, 5)


def test_a_distribution_with_nothing_hidden_has_n_percentages_and_a_mean() -> None:
    d = suppress_distribution([1, 2, 3, 4, 5], {3: 5, 4: 10, 5: 5}, k=5, values={o: o for o in range(1, 6)})
    assert d.cells == (Shown(0), Shown(0), Shown(5), Shown(10), Shown(5))
    assert d.n == Shown(20)
    assert d.percentages == (0.0, 0.0, 25.0, 50.0, 25.0)
    assert d.mean == 4.0


def test_a_distribution_with_a_small_count_hides_n_and_gives_no_mean_or_percentages() -> None:
    # n and a mean are two equations; with n shown alone, "færre enn 5" would be n minus the rest.
    d = suppress_distribution(
        ["yes", "no", "unsure"], {"yes": 12, "no": 2, "unsure": 7}, k=5, values={"yes": 1}
    )
    assert d.cells == (Shown(12), SMALL, Shown(7))
    assert d.n == OTHER
    assert d.mean is None
    assert d.percentages == (None, None, None)
    assert d.cell("no") == SMALL


def test_a_mean_leaves_out_options_without_a_value() -> None:
    d = suppress_distribution(["good", "bad", "don't know"], {"good": 6, "bad": 6, "don't know": 8}, k=5,
                              values={"good": 1.0, "bad": 0.0})  # fmt: skip
    assert d.mean == 0.5
    assert d.n == Shown(20)


def test_a_distribution_whose_n_is_below_k_is_hidden_whole() -> None:
    d = suppress_distribution([1, 2, 3], {1: 2, 3: 2}, k=5, values={1: 1, 2: 2, 3: 3})
    assert d.hidden
    assert d.cells == (TABLE, TABLE, TABLE) and d.n == TABLE
    assert d.mean is None and d.percentages == (None, None, None)


def test_a_multiple_choice_question_counts_respondents_apart_from_ticks() -> None:
    d = suppress_multiple_choice(["a", "b", "c"], {"a": 8, "b": 6, "c": 0}, 10, k=5)
    assert d.cells == (Shown(8), Shown(6), Shown(0)) and d.n == Shown(10)
    assert d.percentages == (80.0, 60.0, 0.0)
    d = suppress_multiple_choice(["a", "b", "c"], {"a": 8, "b": 6, "c": 3}, 10, k=5)
    assert d.cells == (Shown(8), Shown(6), SMALL) and d.n == OTHER
    assert suppress_multiple_choice(["a"], {"a": 4}, 4, k=5).hidden
    with pytest.raises(ValueError, match="at most respondents"):
        suppress_multiple_choice(["a", "b"], {"a": 11}, 10, k=5)
    with pytest.raises(ValueError, match="at least that"):
        suppress_multiple_choice(["a", "b"], {"a": 3, "b": 3}, 10, k=5)


@pytest.mark.parametrize(
    "language,small,other",
    [
        ("nb", "færre enn 5", "ikke vist"),
        ("nn", "færre enn 5", "ikkje vist"),
        ("en", "fewer than 5", "not shown"),
        ("se", "færre enn 5", "ikke vist"),
    ],
)
def test_hidden_cells_have_words_in_each_language(language: str, small: str, other: str) -> None:
    assert hidden_text(SMALL, language) == small
    assert hidden_text(OTHER, language) == other
    assert cell_text(Shown(12), language) == "12"


def test_the_words_use_the_k_the_cell_was_hidden_under() -> None:
    t = table([[4, 12]], k=10)
    assert cell_text(t.cells[0][0], "en") == "fewer than 10"


def test_json_has_null_and_a_reason_for_each_hidden_cell() -> None:
    assert cell_json(Shown(7)) == {"count": 7}
    assert cell_json(SMALL) == {"count": None, "suppressed": "small"}
    counts = {("Fyrlykta", "kiosk"): 12, ("Fyrlykta", "phone"): 2, ("Solsida", "kiosk"): 9}
    t = suppress_table(counts, ["Fyrlykta", "Solsida"], ["kiosk", "phone"], k=5)
    assert table_json(t) == {
        "k": 5,
        "columns": [
            {"label": "kiosk", "count": 21},
            {"label": "phone", "count": None, "suppressed": "complementary"},
        ],
        "rows": [
            {
                "label": "Fyrlykta",
                "count": None,
                "suppressed": "complementary",
                "cells": [
                    {"column": "kiosk", "count": 12},
                    {"column": "phone", "count": None, "suppressed": "small"},
                ],
            },
            {
                "label": "Solsida",
                "count": 9,
                "cells": [{"column": "kiosk", "count": 9}, {"column": "phone", "count": 0}],
            },
        ],
        "total": {"count": None, "suppressed": "complementary"},
    }
    # Nothing in the file is the 2 or lets it be worked out: 14 (its row) and 23 (the total) are absent.
    numbers = [int(n) for n in re.findall(r"\d+", json.dumps(table_json(t)))]
    assert sorted(numbers) == [0, 5, 9, 9, 12, 21]


def test_json_of_a_distribution_and_labels_of_any_type() -> None:
    weeks = [date(2026, 11, 16), date(2026, 11, 23)]
    d = suppress_distribution(weeks, {weeks[0]: 6, weeks[1]: 14}, k=5, values={weeks[0]: 1, weeks[1]: 2})
    assert distribution_json(d, label=date.isoformat) == {
        "k": 5,
        "n": {"count": 20},
        "mean": 1.7,
        "options": [
            {"label": "2026-11-16", "count": 6, "percent": 30.0},
            {"label": "2026-11-23", "count": 14, "percent": 70.0},
        ],
    }
    d = suppress_distribution(weeks, {weeks[0]: 3, weeks[1]: 14}, k=5)
    assert distribution_json(d, label=date.isoformat)["n"] == {"count": None, "suppressed": "complementary"}


def test_the_same_counts_give_the_same_table_whatever_their_order() -> None:
    grid = [[3, 0, 12], [8, 1, 6], [0, 0, 2]]
    counts = {(i, j): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    backwards = dict(reversed(list(counts.items())))
    assert suppress_table(counts, range(3), range(3), k=5) == suppress_table(
        backwards, range(3), range(3), k=5
    )
    t = suppress_table(counts, range(3), range(3), k=5)
    assert t.cell(1, 1) == SMALL and t.cell(0, 2) == Shown(12)


@pytest.mark.parametrize(
    "counts,rows,columns,message",
    [
        ({("x", "a"): 3}, ["y"], ["a"], "not listed"),
        ({("y", "a"): -1}, ["y"], ["a"], "0 or more"),
        ({("y", "a"): True}, ["y"], ["a"], "whole number"),
        ({("y", "a"): 2.0}, ["y"], ["a"], "whole number"),
        ({}, ["y", "y"], ["a"], "listed once"),
    ],
)
def test_bad_counts_are_refused(
    counts: dict[tuple[str, str], int], rows: list[str], columns: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        suppress_table(counts, rows, columns, k=5)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="not listed"):
        suppress_distribution([1, 2], {3: 4}, k=5)
    with pytest.raises(ValueError, match="not listed"):
        suppress_distribution([1, 2], {1: 4}, k=5, values={3: 3.0})
