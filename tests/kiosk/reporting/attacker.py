"""A reader who tries to work out hidden counts: the least and greatest each can be, given what is shown.

Written apart from kiosk.reporting.suppression, from the rules in docs/suppression.md, so that the property
tests check the module instead of repeating it. Positions follow the documented order: the cells (row by
row), then the row totals, the column totals and the total; for a distribution the options and then n.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scipy.optimize import linprog  # type: ignore[import-untyped]  # scipy ships no type hints

from kiosk.reporting.suppression import Cell, Hidden


@dataclass(frozen=True)
class Problem:
    """What a reader sees: cells by position, the sums that hold between them, and the true values."""

    values: list[int]
    cells: list[Cell]
    sums: list[list[tuple[int, int]]]  # each sum: (position, +1 or -1) adding up to 0
    k: int
    cells_before_totals: int  # positions before this are cells, from it on totals (n of a distribution last)
    at_least: tuple[int, ...] = ()  # (options..., n): ticks add up to at least n, and none is above n
    mean: tuple[dict[int, float], float] | None = None  # (value per position, mean) when a mean is shown


def table_sums(grid: Sequence[Sequence[int]]) -> list[list[tuple[int, int]]]:
    """Return the sums of a two-way table with margins, by position."""
    height, width = len(grid), len(grid[0]) if grid else 0
    size = height * width
    row, column, total = size, size + height, size + height + width
    sums = [[(i * width + j, 1) for j in range(width)] + [(row + i, -1)] for i in range(height)]
    sums += [[(i * width + j, 1) for i in range(height)] + [(column + j, -1)] for j in range(width)]
    sums.append([(column + j, 1) for j in range(width)] + [(total, -1)])
    sums.append([(row + i, 1) for i in range(height)] + [(total, -1)])
    return sums


def table_values(grid: Sequence[Sequence[int]]) -> list[int]:
    """Return a table's cells and margins in the documented order."""
    width = len(grid[0]) if grid else 0
    columns = [sum(r[j] for r in grid) for j in range(width)]
    return [v for r in grid for v in r] + [sum(r) for r in grid] + columns + [sum(columns)]


def bounds(problem: Problem, position: int, rules: bool) -> tuple[float, float]:
    """Return what a reader knows of a hidden count before solving: that it is not negative, or the rules."""
    cell = problem.cells[position]
    assert isinstance(cell, Hidden)
    if not rules:
        return 0, math.inf
    # Zeros are shown, so a hidden count is at least 1. A "small" cell is below k and a "complementary" cell k
    # or more; a hidden total says nothing of its size, except that a table that is shown has a total of k or
    # more.
    if cell.reason == "table":
        return 0, problem.k - 1  # a table hidden whole has a total below k
    if cell.reason == "small":
        return 1, problem.k - 1
    if position < problem.cells_before_totals:
        return problem.k, math.inf
    return (problem.k if position == len(problem.cells) - 1 else 1), math.inf


@dataclass
class _Program:
    """A linear program in scipy's terms: equations, inequalities (<=) and bounds over the hidden counts."""

    a_eq: list[list[float]]
    b_eq: list[float]
    a_ub: list[list[float]]
    b_ub: list[float]
    bounds: list[tuple[float, float | None]]
    whole: bool  # whether to ask for whole numbers

    def solve(self, objective: list[float]) -> Any:
        return linprog(
            objective,
            A_eq=self.a_eq or None,
            b_eq=self.b_eq or None,
            A_ub=self.a_ub or None,
            b_ub=self.b_ub or None,
            bounds=self.bounds,
            method="highs",
            integrality=[1] * len(objective) if self.whole else None,
        )

    def fits(self, x: list[int]) -> bool:
        """Say whether x satisfies the program."""

        def dot(row: list[float]) -> float:
            return sum(a * b for a, b in zip(row, x, strict=True))

        return (
            all(abs(dot(r) - b) < 1e-9 for r, b in zip(self.a_eq, self.b_eq, strict=True))
            and all(dot(r) <= b + 1e-9 for r, b in zip(self.a_ub, self.b_ub, strict=True))
            and all(lo <= v and (hi is None or v <= hi) for v, (lo, hi) in zip(x, self.bounds, strict=True))
        )


def _program(problem: Problem, rules: bool) -> tuple[list[int], _Program]:
    """Return the hidden positions and the linear program of what the reader knows about them."""
    hidden = [p for p, c in enumerate(problem.cells) if isinstance(c, Hidden)]
    column = {p: i for i, p in enumerate(hidden)}

    def row_of(terms: list[tuple[int, float]]) -> tuple[list[float], float]:
        row, rhs = [0.0] * len(hidden), 0.0
        for p, sign in terms:
            if p in column:
                row[column[p]] += sign
            else:
                rhs -= sign * problem.values[p]
        return row, rhs

    equal = [row_of([(p, float(sign)) for p, sign in members]) for members in problem.sums]
    if problem.mean is not None:
        weights, mean = problem.mean
        equal.append(row_of([(p, w - mean) for p, w in weights.items()]))
    at_most = []
    if problem.at_least:
        # Each respondent ticked one option or more, and each option at most once:
        # n - sum(options) <= 0, and option - n <= 0 for each option.
        *options, n = problem.at_least
        at_most.append(row_of([(n, 1.0)] + [(p, -1.0) for p in options]))
        at_most += [row_of([(p, 1.0), (n, -1.0)]) for p in options]
    equal = [(row, rhs) for row, rhs in equal if any(row)]
    at_most = [(row, rhs) for row, rhs in at_most if any(row)]
    box = [bounds(problem, p, rules) for p in hidden]
    return hidden, _Program(
        [r for r, _ in equal],
        [b for _, b in equal],
        [r for r, _ in at_most],
        [b for _, b in at_most],
        [(lo, None if hi == math.inf else hi) for lo, hi in box],
        # Two-way tables and distributions give network matrices, whose linear programs have whole-number
        # answers anyway; a mean or respondents may not, so ask for whole numbers then.
        whole=problem.mean is not None or bool(problem.at_least),
    )


def exposed(problem: Problem, rules: bool = True) -> list[tuple[int, int, tuple[int, int]]]:
    """Return (position, true value, (least, greatest)) for every hidden count the reader can pin down."""
    hidden, program = _program(problem, rules)
    assert program.fits([problem.values[p] for p in hidden]), problem  # the model must not rule out the truth
    bad = []
    for i, p in enumerate(hidden):
        value, extremes = problem.values[p], []
        for sign in (-1, 1):  # greatest first, then least; stop as soon as the count can move
            objective = [0.0] * len(hidden)
            objective[i] = sign
            result = program.solve(objective)
            if result.status == 3:  # unbounded
                break
            assert result.status == 0, (result.message, problem)
            extremes.append(round(sign * result.fun))
            if abs(extremes[-1] - value) >= 1:
                break
        else:
            bad.append((p, value, (extremes[1], extremes[0])))
    return bad
