"""Property tests: nothing the suppression module shows lets a reader work out a hidden count.

Two readers try. One solves linear programs over what is shown and what the labels say (attacker.py), for
random tables. The other knows the code: it runs the module on every table in a small range and keeps those
that give the same output, so it also learns whatever the choice of hidden cells gives away.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable

import hypothesis.strategies as st
import pytest
from hypothesis import example, given, settings

from kiosk.reporting.suppression import (
    Cell,
    Hidden,
    Shown,
    suppress_distribution,
    suppress_multiple_choice,
    suppress_table,
)
from tests.kiosk.reporting.attacker import Problem, exposed, table_sums, table_values

# Many small counts, since that is where suppression has work to do, and some up to 30.
counts = st.one_of(st.integers(0, 6), st.integers(0, 30))
ks = st.sampled_from([3, 5, 10])
Output = tuple[object, ...]


@st.composite
def grids(draw: st.DrawFn) -> list[list[int]]:
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    return [[draw(counts) for _ in range(width)] for _ in range(height)]


def suppress_grid(grid: list[list[int]], k: int) -> list[Cell]:
    """Suppress a grid; return its cells in the documented order: cells, row totals, column totals, total."""
    height, width = len(grid), len(grid[0])
    table = suppress_table(
        {(i, j): grid[i][j] for i in range(height) for j in range(width)}, range(height), range(width), k=k
    )
    cells = [c for row in table.cells for c in row]
    return cells + list(table.row_totals) + list(table.column_totals) + [table.total]


def assert_honest(values: list[int], cells: list[Cell], inner: int, k: int) -> None:
    """Check what each cell says: shown counts are true, and each label says what it promises."""
    whole = any(isinstance(c, Hidden) and c.reason == "table" for c in cells)
    assert not whole or all(isinstance(c, Hidden) and c.reason == "table" for c in cells)
    for position, (value, cell) in enumerate(zip(values, cells, strict=True)):
        match cell:
            case Shown(count):
                assert count == value
                assert not (0 < value < k)
            case Hidden("table"):
                assert values[-1] < k  # hidden whole only when the total is below k
            case Hidden("small"):
                assert 0 < value < k and position < inner  # only cells are "fewer than k"
            case Hidden("complementary"):
                assert value >= (k if position < inner else 1)


@settings(max_examples=100, deadline=None)
@given(grids(), ks)
@example([[1, 10], [10, 10]], 5)
@example([[1, 5, 5], [7, 8, 9]], 5)
@example([[0, 0, 1], [0, 1, 1]], 3)
def test_no_hidden_count_in_a_table_can_be_worked_out(grid: list[list[int]], k: int) -> None:
    cells = suppress_grid(grid, k)
    values, inner = table_values(grid), len(grid) * len(grid[0])
    assert_honest(values, cells, inner, k)
    assert exposed(Problem(values, cells, table_sums(grid), k, inner)) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(counts, min_size=1, max_size=8), ks)
@example([1, 5, 5], 5)
@example([4, 6, 6], 5)
@example([1, 1, 4], 3)
def test_no_hidden_count_in_a_distribution_can_be_worked_out(found: list[int], k: int) -> None:
    values = {i: float(i + 1) for i in range(len(found))}
    dist = suppress_distribution(range(len(found)), dict(enumerate(found)), k=k, values=values)
    cells, truth = [*dist.cells, dist.n], [*found, sum(found)]
    assert_honest(truth, cells, len(found), k)
    if dist.mean is not None:
        assert all(isinstance(c, Shown) for c in cells)
    for cell, percent in zip(dist.cells, dist.percentages, strict=True):
        if percent is not None:
            assert isinstance(cell, Shown) and isinstance(dist.n, Shown)
            assert percent == 100 * cell.count / dist.n.count
    sums = [[(i, 1) for i in range(len(found))] + [(len(found), -1)]]
    mean = None if dist.mean is None else (values, dist.mean)
    assert exposed(Problem(truth, cells, sums, k, len(found), mean=mean)) == []


def ticks(m: int) -> st.SearchStrategy[tuple[int, list[set[int]]]]:
    return st.lists(st.sets(st.integers(0, m - 1), min_size=1), max_size=30).map(lambda people: (m, people))


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 6).flatmap(ticks), ks)
def test_no_hidden_count_in_a_multiple_choice_question_can_be_worked_out(
    drawn: tuple[int, list[set[int]]], k: int
) -> None:
    m, people = drawn
    found = [sum(i in ticked for ticked in people) for i in range(m)]
    dist = suppress_multiple_choice(range(m), dict(enumerate(found)), len(people), k=k)
    cells, truth = [*dist.cells, dist.n], [*found, len(people)]
    assert_honest(truth, cells, m, k)
    assert exposed(Problem(truth, cells, [], k, m, at_least=(*range(m), m))) == []


def primary_only(values: list[int], k: int) -> list[Cell]:
    """Hide counts below k and nothing else: the naive way."""
    if values[-1] < k:
        return [Hidden("table", k)] * len(values)
    return [Hidden("small", k) if 0 < v < k else Shown(v) for v in values]


def one_hidden_rule(values: list[int], sums: list[list[tuple[int, int]]], k: int) -> list[Cell]:
    """Hide counts below k, then the smallest shown count of each sum with exactly one hidden, and repeat."""
    cells = primary_only(values, k)
    changed = True
    while changed:
        changed = False
        for members in sums:
            positions = [p for p, _ in members]
            if sum(isinstance(cells[p], Hidden) for p in positions) == 1:
                shown = [(values[p], p) for p in positions if isinstance(cells[p], Shown) and values[p] > 0]
                cells[min(shown)[1]] = Hidden("complementary", k)
                changed = True
    return cells


def test_the_reader_catches_a_naive_primary_only_suppression() -> None:
    grid = [[1, 10], [10, 10]]
    naive = primary_only(table_values(grid), 5)
    # Even a reader who knows nothing but that counts are not negative finds the 1: 11 minus the 10 beside it.
    assert exposed(Problem(table_values(grid), naive, table_sums(grid), 5, 4), rules=False) == [
        (0, 1, (1, 1))
    ]
    rng = random.Random(0)
    caught = 0
    for _ in range(30):
        grid = [[rng.choice([0, 1, 2, 3, 8, 12, 20]) for _ in range(3)] for _ in range(3)]
        naive = primary_only(table_values(grid), 5)
        if not isinstance(naive[-1], Hidden):
            caught += bool(exposed(Problem(table_values(grid), naive, table_sums(grid), 5, 9), rules=False))
    assert caught > 15


def test_the_reader_catches_the_one_hidden_rule() -> None:
    # "færre enn 5" and "ikke vist" add up to 11 - 5 = 6; the one not shown was shown before, so it is at
    # least 5, and the small one can only be 1. Knowing only that counts are not negative, a reader misses it.
    truth, sums = [1, 5, 5, 11], [[(0, 1), (1, 1), (2, 1), (3, -1)]]
    naive = one_hidden_rule(truth, sums, 5)
    assert [type(c).__name__ for c in naive] == ["Hidden", "Hidden", "Shown", "Shown"]
    assert exposed(Problem(truth, naive, sums, 5, 3), rules=False) == []
    assert exposed(Problem(truth, naive, sums, 5, 3)) == [(0, 1, (1, 1)), (1, 5, (5, 5))]


def outputs(cells: list[Cell]) -> Output:
    return tuple((c.count if isinstance(c, Shown) else c.reason) for c in cells)


def pinned_by_trying_every_table(
    results: dict[Output, list[list[int]]], inner: int, top: int
) -> list[tuple[Output, int, int]]:
    """Return (output, position, value) for each hidden count that every candidate table agrees on."""
    found = []
    for output, tables in results.items():
        # Every candidate was tried if the shown total is in the range tried, or if each hidden cell is
        # small, so that the candidates differ only in counts below k (k - 1 <= top).
        shown_total = isinstance(output[-1], int) and output[-1] <= top
        if not (output[-1] == "table" or shown_total or "complementary" not in output[:inner]):
            continue
        for position, shown in enumerate(output):
            if isinstance(shown, str) and len({t[position] for t in tables}) == 1:
                found.append((output, position, tables[0][position]))
    return found


def every_distribution(
    suppress: Callable[[list[int]], list[Cell]], m: int, top: int
) -> dict[Output, list[list[int]]]:
    results: dict[Output, list[list[int]]] = defaultdict(list)
    for found in itertools.product(range(top + 1), repeat=m):
        truth = [*found, sum(found)]
        results[outputs(suppress(truth))].append(truth)
    return results


def module_distribution(k: int) -> Callable[[list[int]], list[Cell]]:
    def suppress(truth: list[int]) -> list[Cell]:
        dist = suppress_distribution(range(len(truth) - 1), dict(enumerate(truth[:-1])), k=k)
        return [*dist.cells, dist.n]

    return suppress


@pytest.mark.parametrize("k,m,top", [(3, 3, 12), (5, 3, 16), (5, 4, 10), (10, 3, 22)])
def test_a_reader_who_runs_the_code_on_every_distribution_learns_nothing(k: int, m: int, top: int) -> None:
    assert pinned_by_trying_every_table(every_distribution(module_distribution(k), m, top), m, top) == []


def test_a_reader_who_runs_the_code_catches_the_naive_rules() -> None:
    sums = [[(0, 1), (1, 1), (2, 1), (3, -1)]]
    leaks = pinned_by_trying_every_table(every_distribution(lambda t: primary_only(t, 5), 3, 16), 3, 16)
    assert (("small", 10, 0, 11), 0, 1) in leaks  # 11 - 10 - 0
    leaks = pinned_by_trying_every_table(
        every_distribution(lambda t: one_hidden_rule(t, sums, 5), 3, 16), 3, 16
    )
    # 4, 6, 6 gives "færre enn 5", "ikke vist", 6, 16: the hidden one was the smallest shown, so 5 or 6.
    assert (("small", "complementary", 6, 16), 0, 4) in leaks


@pytest.mark.parametrize("k,height,width,top", [(3, 2, 2, 7), (5, 2, 2, 12), (3, 2, 3, 4), (3, 3, 3, 2)])
def test_a_reader_who_runs_the_code_on_every_small_table_learns_nothing(
    k: int, height: int, width: int, top: int
) -> None:
    results: dict[Output, list[list[int]]] = defaultdict(list)
    for flat in itertools.product(range(top + 1), repeat=height * width):
        grid = [list(flat[i * width : (i + 1) * width]) for i in range(height)]
        results[outputs(suppress_grid(grid, k))].append(table_values(grid))
    assert pinned_by_trying_every_table(results, height * width, top) == []


@pytest.mark.parametrize("k,m,top", [(3, 3, 7), (5, 3, 9)])
def test_a_reader_who_runs_the_code_on_every_multiple_choice_question_learns_nothing(
    k: int, m: int, top: int
) -> None:
    results: dict[Output, list[list[int]]] = defaultdict(list)
    for found in itertools.product(range(top + 1), repeat=m):
        for n in range(max(found), sum(found) + 1):  # each respondent ticks one option or more
            dist = suppress_multiple_choice(range(m), dict(enumerate(found)), n, k=k)
            results[outputs([*dist.cells, dist.n])].append([*found, n])
    assert pinned_by_trying_every_table(results, m, top) == []
