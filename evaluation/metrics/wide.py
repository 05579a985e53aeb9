"""The numeric answers pivoted once: survey × registration × item, so every measure is a column
slice of one matrix instead of a pivot of the long rows.

`prepare(answers)` returns a `WideAnswers`; every metric that takes `answers` accepts it in
place of the long frame (and prepares a long frame itself when given one). `restrict` keeps
it prepared: narrowing to some registrations selects rows of the matrix.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._common import sorted_intersection


class WideAnswers:
    """Numeric answers by survey, registration (sorted) and item code. A repeated answer to the
    same item keeps the last row, as `wide_answers` did. `frame` is the long frame, narrowed to
    the same registrations (computed when first asked for)."""

    def __init__(
        self,
        source: pd.DataFrame,
        registrations: np.ndarray,
        surveys: dict[str, int],
        items: dict[str, int],
        values: np.ndarray,
        responded: np.ndarray,
        rows: np.ndarray | None = None,
        family: dict | None = None,
        shared: dict | None = None,
    ) -> None:
        self._source = source
        self._all_registrations = registrations
        self._surveys = surveys
        self._items = items
        self._values = values  # survey × registration × item, NaN where unanswered
        self._responded = responded  # survey × registration: any row at all, numeric or not
        self._rows = rows  # positions of the chosen registrations, None for all
        self._frame: pd.DataFrame | None = None if rows is not None else source
        self._cache: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
        self._computed: dict[tuple, Any] = {}
        # Every selection of these answers, by its rows: the same selection reached twice (a
        # criterion's phase and the report's) is one object, with its statistics computed once.
        self._family: dict[bytes, WideAnswers] = {} if family is None else family
        # What every selection of these answers can reuse (e.g. the order of all registrations).
        self._shared: dict[tuple, Any] = {} if shared is None else shared
        if rows is None:  # the answers of every registration: the one `whole()` of the family
            self._shared.setdefault(("whole",), self)

    @property
    def registrations(self) -> np.ndarray:
        """The registrations with any answer row, sorted."""
        if self._rows is None:
            return self._all_registrations
        return self.computed(("registrations",), lambda: self._all_registrations[self._rows])

    @property
    def frame(self) -> pd.DataFrame:
        """The long answer rows of these registrations."""
        if self._frame is None:
            self._frame = self._source[self._source["registration"].isin(self.registrations)]
        return self._frame

    def matrix(self, survey: str, codes: Sequence[str]) -> np.ndarray:
        """registration × code values of one survey (NaN where unanswered), one row per
        registration in `registrations`."""
        key = (survey, tuple(codes))
        if key not in self._cache:
            n = len(self.registrations)
            result = np.full((n, len(codes)), np.nan)
            position = self._surveys.get(survey)
            present = [(column, self._items[code]) for column, code in enumerate(codes) if code in self._items]
            if position is not None and present:
                columns, items = (list(numbers) for numbers in zip(*present, strict=True))
                result[:, columns] = self._layer(position)[:, items]
            self._cache[key] = result
        return self._cache[key]

    def _layer(self, position: int) -> np.ndarray:
        """One survey's registration × item values for the chosen rows, gathered once: every
        matrix of the selection takes its columns from it (whole rows are copied faster than
        the same cells picked out column by column)."""
        if self._rows is None:
            return self._values[position]
        return self.computed(("layer", position), lambda: self._values[position][self._rows])

    def responded(self, survey: str) -> np.ndarray:
        """Registrations (sorted) with at least one answer row in `survey`."""
        position = self._surveys.get(survey)
        if position is None:
            return self.registrations[:0]
        flags = self._responded[position]
        if self._rows is not None:
            flags = flags[self._rows]
        return self.registrations[flags]

    def restrict(self, registrations: Sequence) -> "WideAnswers":
        """The same answers for only these registrations."""
        chosen = np.flatnonzero(np.isin(self._all_registrations, np.asarray(registrations)))
        if self._rows is not None:
            chosen = sorted_intersection(chosen, self._rows)
        if len(chosen) == len(self._all_registrations):  # every registration: the whole, as it is
            return self.whole()
        key = chosen.tobytes()
        if key not in self._family:
            self._family[key] = self._with_rows(chosen)
        return self._family[key]

    def whole(self) -> "WideAnswers":
        """The same answers for every registration (this selection's widest ancestor)."""
        return self._shared[("whole",)]

    def _with_rows(self, rows: np.ndarray) -> "WideAnswers":
        """These answers for the registrations at `rows`, in the same family."""
        return WideAnswers(
            self._source,
            self._all_registrations,
            self._surveys,
            self._items,
            self._values,
            self._responded,
            rows,
            self._family,
            self._shared,
        )

    def positions(self, chosen: np.ndarray) -> np.ndarray:
        """The rows of `whole()` of this selection's registrations where `chosen` (one flag per
        registration of this selection) holds."""
        return np.flatnonzero(chosen) if self._rows is None else self._rows[chosen]

    def narrowed(self, values: np.ndarray) -> np.ndarray:
        """`values`, one per registration of `whole()`, for this selection's registrations only."""
        return values if self._rows is None else values[self._rows]

    def shared(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """`compute()`, once per key for these answers and every selection of them."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    def computed(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """`compute()`, once per key: the metrics keep what they derive from these answers here.
        Callers must not change what it returns."""
        if key not in self._computed:
            self._computed[key] = compute()
        return self._computed[key]


# What a metric's `answers` may be: the long frame, or the same answers prepared.
Answers = pd.DataFrame | WideAnswers


def _codes(column: pd.Series) -> tuple[np.ndarray, Sequence]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy().astype(np.int64), column.cat.categories
    codes, uniques = pd.factorize(column, sort=False)
    return codes.astype(np.int64), uniques


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize(values, sort=True): each value's rank among the distinct values, and those.
    Ids within a range not much wider than their number are marked in a table over the range
    instead of hashed (a million answer rows: 23 → 6 ms)."""
    if values.dtype.kind in "iu" and len(values):
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * len(values):
            present = np.zeros(high - low + 1, dtype=bool)
            offsets = values - low
            present[offsets] = True
            return (np.cumsum(present) - 1)[offsets], np.flatnonzero(present) + low
    return pd.factorize(values, sort=True)


def prepare(answers: Answers) -> WideAnswers:
    """Pivots the long answers (registration, survey, item, value) once."""
    if isinstance(answers, WideAnswers):
        return answers
    registration_codes, registrations = _sorted_codes(answers["registration"].to_numpy())
    survey_codes, surveys = _codes(answers["survey"])
    item_codes, items = _codes(answers["item"])
    registrations = np.asarray(registrations)
    n_surveys, n_registrations, n_items = len(surveys), len(registrations), len(items)

    # Each row's cell of survey × registration, as one flat index (a pair of index arrays is
    # several times slower to assign through).
    known = (registration_codes >= 0) & (survey_codes >= 0)
    cells = survey_codes * n_registrations
    cells += registration_codes
    responded = np.zeros(n_surveys * n_registrations, dtype=bool)
    responded[cells if known.all() else cells[known]] = True

    values = answers["value"].to_numpy(dtype=float, na_value=np.nan)
    numeric = known & (item_codes >= 0) & ~np.isnan(values)
    if numeric.all():  # (as a report's answers are: no copies of million-row columns)
        flat, numeric_values = cells, values
        flat *= n_items
        flat += item_codes
    else:
        flat = cells[numeric] * n_items + item_codes[numeric]
        numeric_values = values[numeric]
    wide = np.full(n_surveys * n_registrations * n_items, np.nan)
    wide[flat] = numeric_values
    if np.count_nonzero(~np.isnan(wide)) < len(flat):  # fewer cells than values: an answer repeated
        _, last = np.unique(flat[::-1], return_index=True)  # the last row of each repeated answer
        last = len(flat) - 1 - last
        wide[flat[last]] = numeric_values[last]
    return WideAnswers(
        answers,
        registrations,
        {str(survey): position for position, survey in enumerate(surveys)},
        {str(item): position for position, item in enumerate(items)},
        wide.reshape(n_surveys, n_registrations, n_items),
        responded.reshape(n_surveys, n_registrations),
    )
