"""Inter-coder reliability coefficients on a ratings matrix.

``ratings`` is a DataFrame or 2-D array with **units in rows and coders in columns**; a
missing rating is NaN (or None). Every coefficient returns a float and raises ``ValueError``
with the reason when it is undefined (nothing pairable, or every rating in one category), so
a NaN never appears silently.

Missing ratings follow the published definitions:

* Krippendorff's alpha: units with fewer than two values are not pairable and are left out
  (Krippendorff 2011); :func:`krippendorff_alpha_details` says how many.
* Percent agreement, Fleiss' kappa, Gwet's AC1 and Brennan-Prediger: Gwet's (2014)
  generalisation to missing ratings, as in the R package irrCAC: observed agreement averages
  over units with two or more ratings, category prevalences over units with at least one.
* Cohen's kappa: the units both coders rated.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._validation import (
    check_choice,
    check_ci,
    check_finite_ratings,
    check_n_boot,
    check_ratings_frame,
    check_seed,
)

__all__ = [
    "ICC_COLUMNS",
    "INFERENCE_COLUMNS",
    "LEVELS",
    "PRESENCE_COLUMNS",
    "WEIGHTS",
    "AlphaDetails",
    "CategoryWarning",
    "agreement_coefficients",
    "agreement_weights",
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "icc",
    "kendall_w",
    "krippendorff_alpha",
    "krippendorff_alpha_details",
    "krippendorff_alpha_sets",
    "masi_distance",
    "percent_agreement",
    "percentile_interval",
    "presence_agreement",
    "resample_weights",
    "scott_pi",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio", "circular", "bipolar")
_SET_LEVELS = ("masi", "jaccard")
_MAX_COINCIDENCE_VALUES = 200
#: pandas' warning of features removed in pandas 4 (pandas >= 3.1; before, its parent).
_PANDAS4_WARNING = getattr(pd.errors, "Pandas4Warning", DeprecationWarning)
_BLOCK_CELLS = 4_000_000  # cells of delta^2 held at once when summing the expected disagreement
#: Most distinct values the bootstrap takes at a level whose expected disagreement has no
#: closed form (ratio, circular, bipolar, MASI, Jaccard, a function): every replicate sums
#: delta^2 over every pair of values, with their V x V matrix held once, within the cells
#: of ``_BLOCK_CELLS`` (2000 values: 32 MB; 1000 replicates take about a second).
#: Nominal, ordinal and interval need no such limit.
_MAX_BOOTSTRAP_VALUES = math.isqrt(_BLOCK_CELLS)
#: The levels whose bootstrap replicates take sums over units only (closed forms).
_CLOSED_FORM_LEVELS = ("nominal", "ordinal", "interval")
_UNDEFINED = 1e-12  # chance disagreement at or below this: the coefficient is 0/0 (undefined)


# --------------------------------------------------------------------------- input

# What the coefficients accept: a DataFrame or 2-D array/sequence, units in rows, coders in
# columns (cells: category values, or sets of codes for the set-valued alpha).
Ratings = pd.DataFrame | np.ndarray | Sequence[Sequence]


def _matrix(ratings, name: str = "ratings") -> np.ndarray:
    """Ratings as a 2-D array (float when numeric, else object), checked for shape.

    Cells are normalised once, here, so that the same rating is the same category whatever
    the column's type: None, NaN, ``pd.NA`` and empty or blank strings are missing; numbers
    written as text (``"1"``, ``" 2.0 "``, as when one coder's column was read as text) are
    numbers when every rating is a number, and otherwise every number is written as text
    (``1`` and ``"1"`` both become ``"1"``); other strings are stripped of surrounding blanks.
    """
    if isinstance(ratings, pd.DataFrame):
        check_ratings_frame(ratings, name)
        numeric = all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
                      for t in ratings.dtypes)
        arr = (ratings.to_numpy(dtype=float, na_value=np.nan) if numeric
               else ratings.to_numpy(dtype=object))
    elif isinstance(ratings, np.ndarray):
        arr = ratings.astype(float) if ratings.dtype.kind in "iuf" else ratings.astype(object)
    elif isinstance(ratings, pd.Series | str | bytes) or not isinstance(ratings, Iterable):
        raise TypeError(f"{name} must be a DataFrame or 2-D array (units x coders), "
                        f"got {type(ratings).__name__}")
    else:
        rows = [list(r) if isinstance(r, Iterable) and not isinstance(r, str | bytes) else None
                for r in ratings]
        if any(r is None for r in rows) or len({len(r) for r in rows}) > 1:
            raise ValueError(f"{name} must be a 2-D table (units x coders): every row a "
                             "sequence of the same length")
        arr = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
        for i, r in enumerate(rows):
            arr[i, :] = r
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (units in rows, coders in columns), got "
                         f"{arr.ndim} dimension(s)")
    if arr.shape[1] < 2:
        raise ValueError(f"{name} needs at least two coders (columns), got {arr.shape[1]}")
    if arr.shape[0] < 1:
        raise ValueError(f"{name} has no units (rows)")
    return arr if arr.dtype.kind == "f" else _normalise_cells(arr)


def _as_number(v) -> float | None:
    """``v`` as a float when it is a number or a number written as text, else None."""
    if isinstance(v, bool | np.bool_):
        return None
    if isinstance(v, int | float | np.integer | np.floating):
        return float(v)
    if isinstance(v, str):
        try:
            x = float(v)
        except ValueError:
            return None
        return x if np.isfinite(x) else None
    return None


def _number_label(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _normalise_cells(arr: np.ndarray) -> np.ndarray:
    """Object ratings: missing cells to NaN, blanks stripped, one type per category."""
    flat = arr.ravel().tolist()
    cells = []
    for v in flat:
        if isinstance(v, str):
            v = v.strip()
            cells.append(None if v == "" else v)
        elif v is None or (not isinstance(v, list | tuple | set | frozenset) and pd.isna(v)):
            cells.append(None)
        else:
            cells.append(v)
    numbers = [None if v is None else _as_number(v) for v in cells]
    if all(n is not None for n, v in zip(numbers, cells, strict=True) if v is not None):
        return np.array([np.nan if n is None else n for n in numbers],
                        dtype=float).reshape(arr.shape)
    out = np.empty(len(cells), dtype=object)
    for i, (v, n) in enumerate(zip(cells, numbers, strict=True)):
        out[i] = np.nan if v is None else (_number_label(n) if n is not None else v)
    return out.reshape(arr.shape)


def _missing(arr: np.ndarray) -> np.ndarray:
    return np.isnan(arr) if arr.dtype.kind == "f" else pd.isna(arr)


def _sort_key(v):
    return (0, float(v), "") if isinstance(v, int | float | np.number) else (1, 0.0, str(v))


def _encode(arr: np.ndarray, categories: Sequence | None = None,
            name: str = "ratings") -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (``-1`` = missing) and the ordered categories."""
    miss = _missing(arr)
    vals = arr[~miss]
    if categories is None:
        if arr.dtype.kind == "f":
            cats = np.unique(vals)
        else:
            cats = np.array(sorted(set(vals.tolist()), key=_sort_key), dtype=object)
    else:
        cats = np.asarray(list(categories), dtype=float if arr.dtype.kind == "f" else object)
        if len(set(cats.tolist())) != len(cats):
            raise ValueError("categories must not repeat a value")
    codes = np.full(arr.shape, -1, dtype=np.int64)
    if arr.dtype.kind == "f" and (categories is None or np.all(np.diff(cats) > 0)):
        idx = np.searchsorted(cats, vals).clip(0, max(len(cats) - 1, 0))
        ok = cats[idx] == vals if len(cats) else np.zeros(len(vals), bool)
    else:
        lookup = {v: i for i, v in enumerate(cats.tolist())}
        idx = np.array([lookup.get(v, -1) for v in vals.tolist()], dtype=np.int64)
        ok = idx >= 0
    if not ok.all():
        bad = sorted({str(v) for v in np.asarray(vals)[~ok]})[:10]
        raise ValueError(f"{name} holds value(s) not in categories: {', '.join(bad)}")
    codes[~miss] = idx
    return codes, cats


def _counts(codes: np.ndarray, n_cats: int) -> np.ndarray:
    """Units x categories: how many coders put each unit in each category."""
    n_units = codes.shape[0]
    rows = np.broadcast_to(np.arange(n_units)[:, None], codes.shape)
    ok = codes >= 0
    flat = rows[ok] * n_cats + codes[ok]
    return np.bincount(flat, minlength=n_units * n_cats).reshape(n_units, n_cats).astype(float)


# --------------------------------------------------------------------------- kernels
#
# One kernel per coefficient. Each works on *category counts per unit* (``counts[..., u, k]``:
# how many coders put unit ``u`` in category ``k``; leading axes batch several variables, e.g.
# the codes of a codebook) or, for Cohen's kappa, on coder-by-coder contingency tables, and
# returns NaN where the coefficient is undefined. The scalar functions below turn a NaN into a
# ValueError with the reason; :func:`presence_agreement` (the engine of
# ``citra_eval.agreement``) reports it as NaN.


class _GwetParts(NamedTuple):
    """Sufficient sums of the percent-agreement family (add them up to pool variables)."""

    pa_sum: np.ndarray  # (...,) sum over units rated at least twice of their agreement
    n_two: np.ndarray   # (...,) units rated at least twice
    pi_sum: np.ndarray  # (..., q) sum over units rated at least once of r_ik / r_i
    n_one: np.ndarray   # (...,) units rated at least once
    q: int              # number of categories
    tw: float           # sum of the agreement weights (q when unweighted)

    @property
    def pa(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n_two > 0, self.pa_sum / self.n_two, np.nan)

    @property
    def pi(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.pi_sum / self.n_one[..., None]

    def pooled(self) -> _GwetParts:
        """The parts of all variables (leading axis) stacked as one."""
        return self._replace(pa_sum=self.pa_sum.sum(axis=0), n_two=self.n_two.sum(axis=0),
                             pi_sum=self.pi_sum.sum(axis=0), n_one=self.n_one.sum(axis=0))


def _quadratic_form(counts: np.ndarray, matrix: np.ndarray | None) -> np.ndarray:
    """``sum_ck M_ck n_c n_k`` over the last axis (``M = I`` when None), for every unit.

    With few categories a loop over the non-zero cells of ``M`` (elementwise products of
    unit-length slices) is much faster than a batched matrix product over a 2-wide axis.
    """
    v = counts.shape[-1]
    if v > 8:
        prod = counts * counts if matrix is None else (counts @ matrix.T) * counts
        return prod.sum(axis=-1)
    cols = [counts[..., c] for c in range(v)]
    out = np.zeros(counts.shape[:-1])
    if matrix is None:
        for c in cols:
            out += c * c
        return out
    sym = np.allclose(matrix, matrix.T)
    for c, k in zip(*np.nonzero(np.triu(matrix) if sym else matrix), strict=True):
        term = cols[c] * cols[k]
        weight = matrix[c, k] * (2.0 if sym and c != k else 1.0)
        out += term if weight == 1.0 else weight * term
    return out


def _weighted_sum(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """``sum_c w_c n_c`` over the last axis (``w = 1`` when None)."""
    if weights is not None and not weights.any():
        return np.zeros(counts.shape[:-1])
    if counts.shape[-1] > 8:
        return counts.sum(axis=-1) if weights is None else counts @ weights
    out = np.zeros(counts.shape[:-1])
    for c in range(counts.shape[-1]):
        out += counts[..., c] if weights is None else weights[c] * counts[..., c]
    return out


def _gwet_parts(counts: np.ndarray, weights: np.ndarray | None = None) -> _GwetParts:
    """Gwet (2014): ``p_a`` and ``pi_k`` of the percent-agreement family, with missing ratings.

    ``p_a = mean_{r_i >= 2} sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))`` with the weighted counts
    ``r*_ik = sum_l w_kl r_il`` (``r*_ik = r_ik`` unweighted), and
    ``pi_k = mean_{r_i >= 1} r_ik / r_i``.
    """
    q = counts.shape[-1]
    r = _weighted_sum(counts)
    two, one = r >= 2, r >= 1
    if weights is None:  # sum_k r_ik (r_ik - 1)
        num = _quadratic_form(counts, None) - r
    else:                # sum_kl w_kl r_ik r_il - r_i
        num = _quadratic_form(counts, weights) - r
    pa_i = np.zeros(r.shape)
    np.divide(num, r * (r - 1.0), out=pa_i, where=two)
    inv_r = np.zeros(r.shape)
    np.divide(1.0, r, out=inv_r, where=one)
    if q > 8:
        pi_sum = np.einsum("...uk,...u->...k", counts, inv_r)
    else:
        pi_sum = np.stack([(counts[..., k] * inv_r).sum(axis=-1) for k in range(q)], axis=-1)
    tw = float(q if weights is None else weights.sum())
    return _GwetParts(pa_i.sum(axis=-1), two.sum(axis=-1), pi_sum, one.sum(axis=-1), q, tw)


def _chance_fleiss(p: _GwetParts, weights: np.ndarray | None) -> np.ndarray:
    """Fleiss (1971), weighted as in Gwet (2014): ``p_e = sum_kl w_kl pi_k pi_l``."""
    if weights is None:
        return (p.pi ** 2).sum(axis=-1)
    return np.einsum("...k,kl,...l->...", p.pi, weights, p.pi)


def _chance_gwet(p: _GwetParts) -> np.ndarray:
    """Gwet's AC1/AC2: ``p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k)``."""
    if p.q < 2:
        return np.full(p.pa.shape, np.nan)
    return p.tw * (p.pi * (1.0 - p.pi)).sum(axis=-1) / (p.q * (p.q - 1))


def _chance_bp(p: _GwetParts) -> np.ndarray:
    """Brennan-Prediger: ``p_e = T_w / q^2``."""
    return np.full(p.pa.shape, p.tw / p.q ** 2 if p.q >= 2 else np.nan)


def _kappa(pa: np.ndarray, pe: np.ndarray) -> np.ndarray:
    """``(p_a - p_e) / (1 - p_e)``; NaN where chance agreement is 1 (no variation)."""
    pa, pe = np.broadcast_arrays(np.asarray(pa, float), np.asarray(pe, float))
    out = np.full(pa.shape, np.nan)
    np.divide(pa - pe, 1.0 - pe, out=out, where=np.abs(1.0 - pe) > _UNDEFINED)
    return out


def _alpha_unit_parts(counts: np.ndarray, sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit observed disagreement and pairable value counts for Krippendorff's alpha.

    ``do_u = (n_u' D n_u - sum_c n_uc D_cc) / (m_u - 1)`` for units with ``m_u >= 2`` values
    (0 for the others): unit ``u``'s share of ``n D_o = sum_ck o_ck delta2_ck``. Returns
    ``do_u`` (..., U) and ``n_c`` (..., V), the counts over pairable units.
    """
    m = _weighted_sum(counts)
    pair = m >= 2
    within = _quadratic_form(counts, sq) - _weighted_sum(counts, np.diag(sq))
    do_u = np.zeros(within.shape)
    np.divide(within, m - 1.0, out=do_u, where=pair)
    n_c = (counts if pair.all() else counts * pair[..., None]).sum(axis=-2)
    return do_u, n_c


def _alpha_values(do_sum, n_c: np.ndarray, expected_sum) -> tuple[np.ndarray, ...]:
    """``alpha = 1 - D_o / D_e`` with ``D_o = sum_u do_u / n`` and
    ``D_e = sum_ck n_c n_k delta2_ck / (n (n - 1))``; NaN where ``D_e = 0``."""
    n = np.asarray(n_c, float).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_o = np.asarray(do_sum, float) / n
        d_e = np.asarray(expected_sum, float) / (n * (n - 1.0))
        alpha = np.where(d_e > 0, 1.0 - d_o / d_e, np.nan)
    return alpha, d_o, d_e, n


def _cohen_values(tables: np.ndarray, disagreement: np.ndarray) -> np.ndarray:
    """Cohen's (weighted) kappa of contingency tables ``(..., q, q)``: ``1 - sum v p / sum v e``.

    ``v`` are disagreement weights (``1 - I`` unweighted), ``p`` the observed and ``e`` the
    chance (product of the two coders' marginals) joint proportions; NaN where the chance
    disagreement is 0.
    """
    tables = np.asarray(tables, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = tables / tables.sum(axis=(-2, -1), keepdims=True)
    e = p.sum(axis=-1)[..., :, None] * p.sum(axis=-2)[..., None, :]
    observed = (disagreement * p).sum(axis=(-2, -1))
    expected = (disagreement * e).sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.abs(expected) > _UNDEFINED, 1.0 - observed / expected, np.nan)


def resample_weights(rng: np.random.Generator, n_units: int, n_rep: int) -> np.ndarray:
    """``n_rep x n_units`` counts: how often each unit is drawn in each bootstrap replicate.

    Draws ``rng.integers(0, n_units, (n_rep, n_units))`` (one row per replicate) and counts
    them, so a statistic that is a sum over units becomes a matrix product.
    """
    draws = rng.integers(0, n_units, size=(n_rep, n_units))
    flat = (draws + n_units * np.arange(n_rep)[:, None]).ravel()
    return np.bincount(flat, minlength=n_rep * n_units).reshape(n_rep, n_units).astype(float)


def _ordinal_sq(nb: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal delta^2 for value counts ``nb`` (..., V): (..., V, V)."""
    v = nb.shape[-1]
    lo, hi = np.minimum.outer(np.arange(v), np.arange(v)), np.maximum.outer(np.arange(v),
                                                                            np.arange(v))
    cum = np.cumsum(nb, axis=-1)
    between = cum[..., hi] - cum[..., lo] + nb[..., lo]
    return (between - (nb[..., :, None] + nb[..., None, :]) / 2.0) ** 2 * (lo != hi)


def _bootstrap_alpha(counts: np.ndarray, sq: np.ndarray | None, *, n_boot: int, seed: int,
                     do_u: np.ndarray | None = None) -> np.ndarray:
    """Alpha for ``n_boot`` resamples of the units, for every variable at once.

    ``counts`` (K, U, V): value counts per variable and unit (the units shared by all K
    variables); ``sq``: the fixed delta^2 (V, V), or None for the ordinal metric, whose
    delta^2 depends on each replicate's value counts; ``do_u`` (K, U): per-unit observed
    disagreement (default: from ``counts`` and ``sq``; pass it for a pooled variable whose
    units are clusters of several decisions). Alpha is a ratio of sums over units, so a
    resample is a vector of unit weights (``numpy.random.default_rng(seed)``, see
    :func:`resample_weights`) and all replicates are matrix products. Returns (n_boot, K);
    NaN where alpha is undefined in a replicate.
    """
    n_vars, n_units, n_cats = counts.shape
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, n_vars))
    m = _weighted_sum(counts)
    if sq is not None:
        if do_u is None:
            do_u = _alpha_unit_parts(counts, sq)[0]
        pair = counts if (m >= 2).all() else np.where((m >= 2)[..., None], counts, 0.0)
        stacked = np.hstack([do_u.T, pair.transpose(1, 0, 2).reshape(n_units, -1)])
        step = max(1, _BLOCK_CELLS // max(n_units, 1))
    else:  # ordinal: a single variable
        weighted = counts[0] / np.where(m[0] >= 2, m[0] - 1.0, np.inf)[:, None]
        step = max(1, _BLOCK_CELLS // max(n_units * n_cats, 1))
    for lo in range(0, n_boot, step):
        w = resample_weights(rng, n_units, min(step, n_boot - lo))
        if sq is not None:
            s = w @ stacked
            nb = s[:, n_vars:].reshape(len(w), n_vars, n_cats)
            out[lo:lo + len(w)] = _alpha_values(s[:, :n_vars], nb, _quadratic_form(nb, sq))[0]
        else:
            nb = w @ counts[0]                               # replicate x category counts
            sq_b = _ordinal_sq(nb)
            o = np.einsum("bu,uc,uk->bck", w, weighted, counts[0], optimize=True)
            o -= np.einsum("bc,ck->bck", w @ weighted, np.eye(n_cats))
            expected = np.einsum("bc,bck,bk->b", nb, sq_b, nb)
            out[lo:lo + len(w), 0] = _alpha_values((o * sq_b).sum(axis=(1, 2)), nb,
                                                   expected)[0]
    return out


def percentile_interval(reps: np.ndarray, ci: float) -> tuple[np.ndarray, ...]:
    """Per column of ``reps``: the ``(1 - ci)/2`` and ``(1 + ci)/2`` quantiles of the finite
    replicates, and how many there were (NaN bounds when none)."""
    valid = np.isfinite(reps)
    n_valid = valid.sum(axis=0)
    low = np.full(reps.shape[1], np.nan)
    high = np.full(reps.shape[1], np.nan)
    ok = n_valid > 0
    if ok.any():
        low[ok] = np.nanquantile(reps[:, ok], (1 - ci) / 2, axis=0)
        high[ok] = np.nanquantile(reps[:, ok], (1 + ci) / 2, axis=0)
    return low, high, n_valid


# --------------------------------------------------------------------------- Krippendorff


@dataclass(frozen=True)
class AlphaDetails:
    """Krippendorff's alpha with the quantities it is computed from.

    Attributes
    ----------
    alpha : float
        ``1 - D_o / D_e``.
    level : str
        Metric used (nominal, ordinal, interval, ratio, masi, jaccard).
    n_units : int
        Rows of the ratings matrix.
    n_pairable_units : int
        Units with at least two values (the only ones alpha uses).
    n_excluded_units : int
        Units with fewer than two values (not pairable, left out).
    n_values : int
        Pairable values ``n`` (the total of the coincidence matrix).
    observed_disagreement, expected_disagreement : float
        ``D_o`` and ``D_e``.
    categories : list
        The distinct values, in order.
    value_counts : list of float
        ``n_c``: how often each category occurs among the pairable values.
    coincidences : DataFrame or None
        The coincidence matrix ``o_ck`` (None when there are more than 200 distinct values).
    ci_low, ci_high : float
        Percentile bootstrap interval (NaN unless ``n_boot`` was requested).
    n_boot : int
        Bootstrap replicates in which alpha was defined (0 when none were requested).

    Examples
    --------
    >>> import citra_eval as ce
    >>> d = ce.krippendorff_alpha_details([[1, 1], [1, 2], [2, 2], [2, 2]])
    >>> round(d.alpha, 4), d.n_pairable_units, d.observed_disagreement
    (0.5333, 4, 0.25)
    """

    alpha: float
    level: str
    n_units: int
    n_pairable_units: int
    n_excluded_units: int
    n_values: int
    observed_disagreement: float
    expected_disagreement: float
    categories: list = field(repr=False)
    value_counts: list = field(repr=False)
    coincidences: pd.DataFrame | None = field(default=None, repr=False)
    ci_low: float = np.nan
    ci_high: float = np.nan
    n_boot: int = 0


def _label(c):
    if isinstance(c, frozenset):
        return "{" + ", ".join(sorted(map(str, c))) + "}"
    if isinstance(c, float) and c.is_integer():
        return int(c)
    return c


class _Delta:
    """The squared difference function delta^2 on category indices, vectorised.

    ``pair(i, j)`` is elementwise; ``block(rows)`` gives ``len(rows) x V`` (rows against every
    category), so the expected disagreement never needs the full V x V matrix at once.
    ``level`` is a metric name or a callable ``delta2(a, b)`` on arrays of category values.
    """

    def __init__(self, level, cats: np.ndarray, n_c: np.ndarray) -> None:
        self.level, self.n_c, self.n_cats = level, n_c, len(cats)
        numeric = not callable(level) and level not in ("nominal", "ordinal")
        self.values = cats.astype(float) if numeric else cats
        self.cum = np.cumsum(n_c)
        if numeric and len(cats):
            self.lo, self.hi = float(self.values[0]), float(self.values[-1])

    def pair(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Krippendorff (2011), section F, and Krippendorff (2013) for circular/bipolar."""
        if callable(self.level):
            a, b = np.broadcast_arrays(self.values[i], self.values[j])
            return np.asarray(self.level(a, b), dtype=float)
        if self.level == "nominal":
            return (i != j).astype(float)
        if self.level == "ordinal":
            lo, hi = np.minimum(i, j), np.maximum(i, j)
            between = self.cum[hi] - self.cum[lo] + self.n_c[lo]
            return (between - (self.n_c[i] + self.n_c[j]) / 2.0) ** 2 * (lo != hi)
        a, b = self.values[i], self.values[j]
        shape = np.broadcast(a, b).shape
        if self.level == "interval":
            return (a - b) ** 2
        if self.level == "circular":  # U: the number of values on the circle
            return np.sin(np.pi * (a - b) / (self.hi - self.lo + 1.0)) ** 2
        if self.level == "bipolar":
            den = (a + b - 2.0 * self.lo) * (2.0 * self.hi - a - b)
            return np.divide((a - b) ** 2, den, out=np.zeros(shape), where=(a != b) & (den != 0))
        s = a + b  # ratio
        return np.divide(a - b, s, out=np.zeros(shape), where=s != 0) ** 2

    def block(self, rows: np.ndarray) -> np.ndarray:
        return self.pair(rows[:, None], np.arange(self.n_cats)[None, :])


class _SetDelta(_Delta):
    """MASI or Jaccard distance between sets held as a 0/1 matrix (sets x labels)."""

    def __init__(self, kind: str, members: np.ndarray) -> None:
        self.level, self.n_cats = kind, members.shape[0]
        self.members = members.astype(float)
        self.sizes = self.members.sum(axis=1)

    def _similarity(self, inter, size_a, size_b):
        """``J * M`` (MASI) or ``J`` (Jaccard) for two different sets, in place on ``inter``.

        Identical sets (similarity 1, including two empty sets) are set by the callers.
        """
        union = size_a + size_b - inter
        np.maximum(union, 1.0, out=union)
        if self.level == "masi":
            # M = 2/3 when one set contains the other, 1/3 when they only overlap; with no
            # overlap J = 0, so M does not matter there.
            weight = (inter == np.minimum(size_a, size_b)).astype(float)
            weight += 1.0
            weight /= 3.0
            union /= weight
        return np.divide(inter, union, out=inter)

    def pair(self, i, j):
        inter = (self.members[i] * self.members[j]).sum(axis=-1)
        sim = self._similarity(inter, self.sizes[i], self.sizes[j])
        sim[i == j] = 1.0
        return 1.0 - sim

    def block(self, rows):
        inter = self.members[rows] @ self.members.T
        sim = self._similarity(inter, self.sizes[rows][:, None], self.sizes[None, :])
        sim[np.arange(len(rows)), rows] = 1.0
        return np.subtract(1.0, sim, out=sim)


def _expected_sum(delta: _Delta, n_c: np.ndarray) -> float:
    """``sum_ck n_c n_k delta2_ck``, in row blocks of at most ~4 million cells.

    For the interval metric, ``delta2 = (c - k)^2``, in closed form (linear in the number
    of values V, not quadratic): ``sum_ck n_c n_k (c - k)^2 = 2 n sum_c n_c (c - mean)^2``
    with ``n = sum_c n_c`` and the mean of the pairable values (Krippendorff 2011, section
    F: the expected disagreement is then twice their variance, ``n / (n - 1)``-scaled).
    The ordinal metric is the interval one on the mid-ranks ``r_c = sum_{g <= c} n_g -
    n_c / 2`` (its delta2_ck, the values from c to k less half of the two ends, squared, is
    ``(r_k - r_c)^2``), so the same closed form. The ratio metric has none:
    ``((c - k) / (c + k))^2`` is not a function of ``c - k`` nor a sum of products of a
    function of ``c`` and one of ``k``, so its sum needs the pairs, in blocks (as the
    circular, bipolar, set and user metrics). The nominal one is ``n^2 - sum_c n_c^2``."""
    if not callable(delta.level) and delta.level == "nominal":
        return float(n_c.sum()) ** 2 - float(n_c @ n_c)
    if not callable(delta.level) and delta.level in ("interval", "ordinal") and len(n_c):
        n = float(n_c.sum())
        x = delta.values if delta.level == "interval" else np.cumsum(n_c) - n_c / 2.0
        mean = float(n_c @ x) / n
        return 2.0 * n * float(n_c @ (x - mean) ** 2)
    v = len(n_c)
    step = max(1, _BLOCK_CELLS // max(v, 1))
    used = np.flatnonzero(n_c)
    total = 0.0
    for lo in range(0, len(used), step):
        rows = used[lo:lo + step]
        total += float(n_c[rows] @ delta.block(rows) @ n_c)
    return total


def _unit_disagreement(kp: np.ndarray, d2: _Delta) -> np.ndarray:
    """Per unit of the codes ``kp`` (units x coders, -1 missing), the sum of delta^2 over
    the ordered pairs of its values (twice the unordered pairs), one pass per pair of
    coders: no units x values matrix."""
    out = np.zeros(kp.shape[0])
    for i in range(kp.shape[1]):
        for j in range(i + 1, kp.shape[1]):
            both = (kp[:, i] >= 0) & (kp[:, j] >= 0)
            out[both] += 2.0 * d2.pair(kp[both, i], kp[both, j])
    return out


def _bootstrap_alpha_codes(kp: np.ndarray, d2: _Delta, *, n_boot: int,
                           seed: int) -> np.ndarray:
    """Alpha for ``n_boot`` resamples of the pairable units ``kp`` (codes, units x coders,
    -1 missing) with any number V of distinct values; the draws of :func:`_bootstrap_alpha`.

    A replicate with unit weights ``w`` has ``n_c = sum_u w_u n_uc`` and
    ``D_o n = sum_u w_u do_u``. Its expected part ``sum_ck n_c n_k delta2_ck`` is in closed
    form for three levels: nominal ``n^2 - sum_c n_c^2``; interval
    ``2 (n sum_c n_c x_c^2 - (sum_c n_c x_c)^2)`` from three sums per unit (the values
    centred on their mean, so no digits are lost to a large mean); ordinal the same on
    the mid-ranks ``r_c = sum_{g <= c} n_g - n_c / 2``, since Krippendorff's ordinal
    delta2_ck is ``(r_k - r_c)^2`` (the values between c and k, less half of the two ends),
    which also gives its observed part once each replicate's mid-ranks are known. The other
    levels sum ``n' D n`` with the V x V matrix ``D`` of delta^2 held once
    (V <= :data:`_MAX_BOOTSTRAP_VALUES`). Memory stays within :data:`_BLOCK_CELLS` cells per
    block of replicates. Returns (n_boot,), NaN where alpha is undefined."""
    n_units, n_cats = kp.shape[0], d2.n_cats
    level = None if callable(d2.level) else d2.level
    present = kp >= 0
    m = present.sum(axis=1).astype(float)
    rng = np.random.default_rng(seed)
    out = np.empty(n_boot)
    if level == "interval":
        x = d2.values.astype(float)
        x = x - x[kp[present]].mean()
        vals = np.where(present, x[np.where(present, kp, 0)], 0.0)
        parts = np.column_stack([_unit_disagreement(kp, d2) / (m - 1.0), m,
                                 vals.sum(axis=1), (vals * vals).sum(axis=1)])
        step = max(1, _BLOCK_CELLS // n_units)
        for lo in range(0, n_boot, step):
            w = resample_weights(rng, n_units, min(step, n_boot - lo))
            do, n, s1, s2 = (w @ parts).T
            out[lo:lo + len(w)] = _alpha_values(do, n[:, None], 2.0 * (n * s2 - s1 * s1))[0]
        return out
    from scipy import sparse  # here, not at the top: scipy costs time to import

    unit = np.broadcast_to(np.arange(n_units)[:, None], kp.shape)[present]
    by_value = sparse.csr_matrix((np.ones(len(unit)), (kp[present], unit)),
                                 shape=(n_cats, n_units))  # V x U counts
    do_u = None if level == "ordinal" else _unit_disagreement(kp, d2) / (m - 1.0)
    sq = None if level in _CLOSED_FORM_LEVELS else d2.block(np.arange(n_cats))
    step = max(1, _BLOCK_CELLS // max(n_units, n_cats))
    for lo in range(0, n_boot, step):
        w = resample_weights(rng, n_units, min(step, n_boot - lo))
        nb = np.asarray((by_value @ w.T).T)                    # replicates x values
        n = nb.sum(axis=1)
        if level == "ordinal":
            mid = np.cumsum(nb, axis=1) - nb / 2.0
            s1, s2 = (nb * mid).sum(axis=1), (nb * mid * mid).sum(axis=1)
            expected = 2.0 * (n * s2 - s1 * s1)
            do = np.zeros(len(w))
            for i in range(kp.shape[1]):
                for j in range(i + 1, kp.shape[1]):
                    both = present[:, i] & present[:, j]
                    gap = mid[:, kp[both, i]] - mid[:, kp[both, j]]
                    do += (gap * gap * w[:, both]) @ (2.0 / (m[both] - 1.0))
        else:
            do = w @ do_u
            expected = (n * n - (nb * nb).sum(axis=1) if level == "nominal"
                        else ((nb @ sq) * nb).sum(axis=1))
        out[lo:lo + len(w)] = _alpha_values(do, n[:, None], expected)[0]
    return out


def _alpha_from_codes(codes: np.ndarray, cats: np.ndarray, level: str,
                      delta: _Delta | None = None) -> tuple[AlphaDetails, np.ndarray | None]:
    """Alpha from integer codes; also the pairable units' value counts (None with many
    values), for the bootstrap."""
    m = (codes >= 0).sum(axis=1)
    pairable = m >= 2
    n_units, n_pair = codes.shape[0], int(pairable.sum())
    if n_pair == 0:
        raise ValueError(
            f"Krippendorff's alpha is undefined: none of the {n_units} unit(s) has two or more "
            "values, so nothing is pairable; every unit needs at least two coders' ratings")
    kp, mp = codes[pairable], m[pairable].astype(float)
    n_cats = len(cats)
    coinc, cnt = None, None
    if n_cats <= _MAX_COINCIDENCE_VALUES:
        # Value counts per unit; the kernel sums each unit's disagreement (one product over
        # units), and the coincidence matrix o_ck = sum_u n_uc (n_uk - [c = k]) / (m_u - 1)
        # is reported beside it.
        cnt = _counts(kp, n_cats)
        n_c = cnt.sum(axis=0)
        d2 = _Delta(level, cats, n_c) if delta is None else delta
        sq = d2.block(np.arange(n_cats))
        weighted = cnt / (mp - 1.0)[:, None]
        o = weighted.T @ cnt - np.diag(weighted.sum(axis=0))
        # sum_ck o_ck delta2_ck is the sum over units of the kernel's per-unit disagreement
        # (_alpha_unit_parts), here from the coincidence matrix reported beside it.
        do_sum = float((o * sq).sum())
        expected = float(n_c @ sq @ n_c)
        labels = [_label(c) for c in cats.tolist()]
        coinc = pd.DataFrame(o, index=labels, columns=labels)
    else:
        # Many distinct values: the same per-unit disagreements summed over the pairs of
        # values within each unit (one pass per pair of coders), and the expected disagreement
        # in closed form (nominal, ordinal, interval) or in blocks of rows, so no V x V
        # matrix is held.
        n_c = np.bincount(kp[kp >= 0], minlength=n_cats).astype(float)
        d2 = _Delta(level, cats, n_c) if delta is None else delta
        do_sum = float((_unit_disagreement(kp, d2) / (mp - 1.0)).sum())
        expected = _expected_sum(d2, n_c)
    alpha, d_o, d_e, n = (float(v) for v in _alpha_values(do_sum, n_c, expected))
    if not d_e > 0:
        only = cats[n_c > 0].tolist()
        raise ValueError(
            "Krippendorff's alpha is undefined: every pairable value is the same "
            f"({only[0] if len(only) == 1 else only}), so there is no variation to be reliable "
            "about (expected disagreement is 0)")
    details = AlphaDetails(
        alpha=alpha, level=_level_name(level), n_units=n_units, n_pairable_units=n_pair,
        n_excluded_units=n_units - n_pair, n_values=int(n), observed_disagreement=d_o,
        expected_disagreement=d_e, categories=cats.tolist(), value_counts=n_c.tolist(),
        coincidences=coinc)
    return details, cnt


def krippendorff_alpha_details(ratings: Ratings, *, level: str | Callable = "nominal",
                               n_boot: int = 0, seed: int = 0, ci: float = 0.95,
                               categories: Sequence | None = None) -> AlphaDetails:
    """Krippendorff's alpha with its parts: exclusions, disagreements, coincidence matrix.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing. For ``level="masi"`` or
        ``"jaccard"`` every cell is a set of codes (see :func:`krippendorff_alpha_sets`).
    level : str or callable
        Level of measurement (the difference function): ``"nominal"``, ``"ordinal"``,
        ``"interval"``, ``"ratio"``, ``"circular"``, ``"bipolar"``, ``"masi"``,
        ``"jaccard"``, or a function ``delta2(a, b)`` (see :func:`krippendorff_alpha`).
    n_boot : int
        Bootstrap replicates for a confidence interval (0: none). The pairable units are drawn
        with replacement and alpha recomputed from the resampled units (vectorised). Any
        number of distinct values at the nominal, ordinal and interval levels (closed
        forms); at most 2000 at the others, whose replicates sum over every pair of values.
    seed : int
        Seed of the bootstrap's random generator (``numpy.random.default_rng``).
    ci : float
        Confidence level of the percentile interval.
    categories : sequence, optional
        The permitted values (default: the values observed): other values are an error, and
        the first and last are the ends of the scale for ``"circular"`` and ``"bipolar"``.

    Returns
    -------
    AlphaDetails
        ``alpha``, ``n_units``, ``n_pairable_units``, ``n_excluded_units`` (units with fewer
        than two values), ``n_values``, ``observed_disagreement``, ``expected_disagreement``,
        ``categories``, ``value_counts``, the ``coincidences`` matrix, and ``ci_low``,
        ``ci_high``, ``n_boot`` (valid replicates) when a bootstrap was requested.

    Raises
    ------
    ValueError
        When no unit has two values (nothing pairable) or all pairable values are equal.

    Notes
    -----
    The interval resamples units, the sampling unit of a reliability study, and recomputes
    both the observed and the expected disagreement in every replicate. It is not Hayes and
    Krippendorff's (2007) KALPHA bootstrap, which resamples pairs of values and holds the
    expected disagreement ``D_e`` at its full-sample value; the two intervals differ, also
    with two coders and no missing data. Units are treated as independent: when they are
    nested (segments within interviews) the interval is too narrow.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import numpy as np
    >>> d = ce.krippendorff_alpha_details([[1, 1], [2, 2], [1, 2], [2, np.nan]])
    >>> round(d.alpha, 3), d.n_pairable_units, d.n_excluded_units
    (0.444, 3, 1)
    """
    n_boot = check_n_boot(n_boot, check_ci(ci))
    seed = check_seed(seed)
    if level in _SET_LEVELS:
        codes, cats, delta = _prepare_sets(ratings, distance=level)
    else:
        codes, cats, delta = _prepare(ratings, level, categories)
    details, cnt = _alpha_from_codes(codes, cats, level, delta=delta)
    if n_boot and cnt is None:  # many values: from the codes, without a units x values matrix
        closed = not callable(level) and level in _CLOSED_FORM_LEVELS
        if not closed and len(cats) > _MAX_BOOTSTRAP_VALUES:
            raise ValueError(
                f"the bootstrap interval at level={_level_name(level)!r} takes at most "
                f"{_MAX_BOOTSTRAP_VALUES} distinct values; the ratings have {len(cats)}: at "
                "this level each replicate sums delta^2 over every pair of distinct values "
                "(no closed form, unlike nominal, ordinal and interval), held as one values "
                f"x values matrix of at most {_MAX_BOOTSTRAP_VALUES} x {_MAX_BOOTSTRAP_VALUES} "
                f"({_MAX_BOOTSTRAP_VALUES ** 2 * 8 // 10 ** 6} MB); pass n_boot=0 for alpha "
                "without an interval, or round the ratings to a coarser grid (e.g. "
                "ratings.round(1)) if that precision is not meaningful")
        d2 = delta or _Delta(level, cats, np.asarray(details.value_counts, float))
        kp = codes[(codes >= 0).sum(axis=1) >= 2]
        reps = _bootstrap_alpha_codes(kp, d2, n_boot=n_boot, seed=seed)[:, None]
    elif n_boot:
        sq = None if level == "ordinal" else (
            delta or _Delta(level, cats, cnt.sum(axis=0))).block(np.arange(len(cats)))
        reps = _bootstrap_alpha(cnt[None], sq, n_boot=n_boot, seed=seed)
    if n_boot:
        low, high, valid = percentile_interval(reps, ci)
        details = replace(details, ci_low=float(low[0]), ci_high=float(high[0]),
                          n_boot=int(valid[0]))
    return details


def _prepare(ratings, level, categories=None) -> tuple[np.ndarray, np.ndarray, _Delta | None]:
    if not callable(level):
        check_choice(level, "level", LEVELS)
    arr = _matrix(ratings)
    if not callable(level) and level != "nominal" and arr.dtype.kind != "f":
        raise ValueError(f"level={level!r} needs numeric ratings; found non-numeric values "
                         "(use level='nominal' for labels)")
    if level != "nominal":
        check_finite_ratings(arr, "ratings", f"a rating at level={_level_name(level)!r} must "
                             "be a finite number")
    codes, cats = _encode(arr, _category_arg(categories))
    if level == "ratio" and len(cats) and cats.min() < 0:
        raise ValueError("level='ratio' needs values >= 0 (a ratio scale has a true zero)")
    if not callable(level):
        return codes, cats, None
    delta = _Delta(level, cats, np.zeros(len(cats)))
    if len(cats) <= _MAX_COINCIDENCE_VALUES:
        try:
            sq = delta.block(np.arange(len(cats)))
        except Exception as exc:  # the user's function
            raise ValueError(f"the difference function {_level_name(level)} failed on the "
                             f"category values: {exc}") from exc
        if (sq.shape != (len(cats), len(cats)) or not np.isfinite(sq).all() or (sq < 0).any()
                or not np.allclose(sq, sq.T) or not np.allclose(np.diag(sq), 0)):
            raise ValueError(f"the difference function {_level_name(level)} must return finite "
                             "squared differences >= 0 for arrays of values, symmetric, and 0 "
                             "for equal values")
    return codes, cats, delta


def _level_name(level) -> str:
    return level if isinstance(level, str) else getattr(level, "__name__", "custom")


def krippendorff_alpha(ratings: Ratings, *, level: str | Callable = "nominal",
                       categories: Sequence | None = None) -> float:
    """Krippendorff's alpha reliability coefficient.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing. Any number of coders; units with
        fewer than two values are not pairable and are left out (count them with
        :func:`krippendorff_alpha_details`).
    level : str or callable
        Level of measurement: ``"nominal"``, ``"ordinal"``, ``"interval"``, ``"ratio"``,
        ``"circular"`` (e.g. hours, days of the week), ``"bipolar"`` (a scale with two
        opposite poles), ``"masi"``/``"jaccard"`` (set-valued cells, see
        :func:`krippendorff_alpha_sets`), or your own difference function: a callable
        ``delta2(a, b)`` taking two equal-shaped numpy arrays of category values and returning
        the squared differences (``>= 0``, symmetric, 0 for equal values).
    categories : sequence, optional
        The permitted values (default: the values observed). For ``"circular"`` and
        ``"bipolar"`` the first and last are the ends of the scale, so declare the whole
        scale (e.g. 1..7 for days of the week even if day 7 was never coded).

    Returns
    -------
    float
        ``alpha = 1 - D_o / D_e``; 1 is perfect reliability, 0 chance agreement.

    Raises
    ------
    ValueError
        Nothing pairable, no variation, or non-numeric values for a numeric level.

    Notes
    -----
    With ``n_uc`` the number of values ``c`` in unit ``u`` and ``m_u`` the values in ``u``,
    the coincidences are ``o_ck = sum_u n_uc (n_uk - [c = k]) / (m_u - 1)`` over pairable
    units, ``n_c = sum_k o_ck`` and ``n = sum_c n_c``. Then
    ``D_o = (1/n) sum_ck o_ck delta2_ck`` and
    ``D_e = 1/(n(n-1)) sum_ck n_c n_k delta2_ck`` with the level's difference function:
    nominal ``[c != k]``; ordinal ``(sum_{g=c..k} n_g - (n_c + n_k)/2)^2``; interval
    ``(c - k)^2``; ratio ``((c - k)/(c + k))^2``; circular ``sin^2(pi (c - k) / U)`` with
    ``U = max - min + 1`` the number of values on the circle; bipolar
    ``(c - k)^2 / ((c + k - 2 min)(2 max - c - k))`` (Krippendorff 2013; the same metrics
    as irrCAC's circular and bipolar weights). The computation is vectorised over units
    (numpy), one pass per pair of coders.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
    Krippendorff, K. (2013). Content Analysis: An Introduction to Its Methodology (3rd ed.),
    ch. 12 (circular and bipolar metrics). Sage.

    Examples
    --------
    The 4 coders x 12 units example of Krippendorff (2011), with missing values:

    >>> import citra_eval as ce
    >>> import numpy as np
    >>> N = np.nan
    >>> data = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    ...                  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    ...                  [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    ...                  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]]).T
    >>> round(ce.krippendorff_alpha(data), 3)
    0.743
    >>> round(ce.krippendorff_alpha(data, level="interval"), 3)
    0.849
    """
    return krippendorff_alpha_details(ratings, level=level, categories=categories).alpha


# --------------------------------------------------------------------------- sets (MASI)


def masi_distance(a: Iterable, b: Iterable) -> float:
    """MASI distance between two sets of labels (Passonneau 2006).

    ``1 - J * M`` with ``J`` the Jaccard coefficient ``|a & b| / |a | b|`` and the
    monotonicity weight ``M`` = 1 (equal sets), 2/3 (one contains the other), 1/3 (they
    overlap), 0 (disjoint). Two empty sets are identical (distance 0). This is exactly
    ``nltk.metrics.masi_distance`` (nltk >= 3.10), which fails on two empty sets.

    Parameters
    ----------
    a, b : iterable
        The two label sets (any hashable labels; duplicates are ignored).

    Returns
    -------
    float
        The distance, in [0, 1]: 0 for equal sets, 1 for disjoint ones.

    References
    ----------
    Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for semantic and
    pragmatic annotation. Proceedings of LREC 2006.

    Examples
    --------
    >>> import citra_eval as ce
    >>> round(ce.masi_distance({1, 2}, {1, 2, 3, 4}), 4)
    0.6667
    >>> ce.masi_distance(set(), set())
    0.0
    """
    a, b = set(a), set(b)
    inter, union = len(a & b), len(a | b)
    if union == 0:
        return 0.0
    if len(a) == len(b) == inter:
        m = 1.0
    elif inter == min(len(a), len(b)):
        m = 2 / 3
    elif inter > 0:
        m = 1 / 3
    else:
        m = 0.0
    return 1.0 - inter / union * m


def _as_set(v, where: str) -> frozenset:
    if isinstance(v, set | frozenset | list | tuple):
        return frozenset(v)
    raise TypeError(f"{where}: a set-valued rating must be a set, frozenset, list or tuple of "
                    f"codes (or NaN/None for missing), got {type(v).__name__} {v!r}")


def _prepare_sets(ratings, *, distance: str) -> tuple[np.ndarray, np.ndarray, _SetDelta]:
    check_choice(distance, "distance", _SET_LEVELS)
    if isinstance(ratings, pd.DataFrame):
        arr = ratings.to_numpy(dtype=object)
    elif isinstance(ratings, pd.Series | str | bytes) or not isinstance(ratings, Sequence
                                                                           | np.ndarray):
        raise TypeError("ratings must be a DataFrame or 2-D sequence of sets (units x coders), "
                        f"got {type(ratings).__name__}")
    else:
        arr = np.empty((len(ratings), len(ratings[0]) if len(ratings) else 0), dtype=object)
        for i, row in enumerate(ratings):
            arr[i, :] = list(row)
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise ValueError("ratings must be 2-D with at least two coders (columns)")
    miss = np.array([[not isinstance(v, set | frozenset | list | tuple) and pd.isna(v)
                      for v in row] for row in arr], dtype=bool).reshape(arr.shape)
    sets = {}
    codes = np.full(arr.shape, -1, dtype=np.int64)
    for (i, j), v in np.ndenumerate(arr):
        if not miss[i, j]:
            s = _as_set(v, f"ratings[{i}, {j}]")
            codes[i, j] = sets.setdefault(s, len(sets))
    order = sorted(sets, key=lambda s: (len(s), sorted(map(str, s))))
    rank = {st: r for r, st in enumerate(order)}
    remap = np.array([rank[st] for st in sets], dtype=np.int64)
    codes = np.where(codes >= 0, remap[np.clip(codes, 0, None)], -1)
    cats = np.empty(len(order), dtype=object)
    cats[:] = order
    labels = sorted({x for s in order for x in s}, key=_sort_key)
    where = {x: i for i, x in enumerate(labels)}
    members = np.zeros((len(order), len(labels)), dtype=bool)
    for r, st in enumerate(order):
        members[r, [where[x] for x in st]] = True
    return codes, cats, _SetDelta(distance, members)


def krippendorff_alpha_sets(ratings: Ratings, *, distance: str = "masi") -> float:
    """Krippendorff's alpha for set-valued codings, with the MASI (or Jaccard) distance.

    Use it when a coder may give one unit several codes: each cell is the *set* of codes a
    coder applied to the unit (an empty set when the coder coded nothing there), NaN/None when
    the coder did not rate the unit.

    Parameters
    ----------
    ratings : DataFrame or 2-D sequence
        Units in rows, coders in columns; cells are sets (or lists/tuples) of codes.
    distance : {"masi", "jaccard"}
        The difference function ``delta^2`` between two sets.

    Returns
    -------
    float
        Alpha with ``delta^2_ck = distance(c, k)`` over the distinct sets (Passonneau 2006).

    Notes
    -----
    The sets are treated as the values of the variable; the coincidence matrix and the
    disagreements are those of :func:`krippendorff_alpha` with the chosen distance.
    Matches ``nltk.metrics.agreement.AnnotationTask(distance=masi_distance).alpha()``.

    References
    ----------
    Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for semantic and
    pragmatic annotation. LREC 2006.

    Examples
    --------
    >>> import citra_eval as ce
    >>> r = [[{"a"}, {"a"}], [{"a", "b"}, {"a"}], [{"b"}, {"b"}], [set(), set()]]
    >>> round(ce.krippendorff_alpha_sets(r), 3)
    0.781
    """
    check_choice(distance, "distance", _SET_LEVELS)
    return krippendorff_alpha_details(ratings, level=distance).alpha


# --------------------------------------------------------------------------- weights

#: irrCAC's weight families (Gwet 2014, ch. 3), computed on the category scores ``1..q``.
WEIGHTS = ("linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar")


class CategoryWarning(UserWarning):
    """The categories were taken from the ratings and leave a gap in a numeric scale."""


def _weight_family(kind: str, q: int) -> np.ndarray:
    """Agreement weights ``w_kl`` (1 on the diagonal) of a family, on scores ``x = 1..q``."""
    if q == 1:
        return np.ones((1, 1))
    x = np.arange(1.0, q + 1.0)
    d = np.subtract.outer(x, x)
    s = np.add.outer(x, x)
    lo, hi = x[0], x[-1]
    if kind == "linear":
        return 1.0 - np.abs(d) / (hi - lo)
    if kind == "quadratic":
        return 1.0 - d ** 2 / (hi - lo) ** 2
    if kind == "radical":
        return 1.0 - np.sqrt(np.abs(d)) / np.sqrt(hi - lo)
    if kind == "ratio":
        return 1.0 - (d / s) ** 2 / ((hi - lo) / (hi + lo)) ** 2
    if kind == "circular":
        raw = np.sin(np.pi * d / (hi - lo + 1.0)) ** 2
    elif kind == "bipolar":
        with np.errstate(invalid="ignore", divide="ignore"):
            raw = np.where(d != 0, d ** 2 / ((s - 2 * lo) * (2 * hi - s)), 0.0)
    else:  # ordinal: pairs of categories spanned
        span = np.abs(d) + 1.0
        raw = span * (span - 1.0) / 2.0
    return 1.0 - raw / raw.max()


def _weights(weights, cats: np.ndarray, name: str = "weights") -> np.ndarray | None:
    """The agreement-weight matrix (None for unweighted) for the ordered categories."""
    if weights is None or (isinstance(weights, str) and weights in ("identity", "unweighted")):
        return None
    q = len(cats)
    if isinstance(weights, str):
        check_choice(weights, name, WEIGHTS,
                     also=f"None, or a {q} x {q} matrix of agreement weights")
        return _weight_family(weights, q)
    w = np.asarray(weights.to_numpy() if isinstance(weights, pd.DataFrame) else weights,
                   dtype=float)
    if w.shape != (q, q):
        raise ValueError(f"a custom {name} matrix must be {q} x {q} (one row and column per "
                         f"category, in order: {', '.join(map(str, cats.tolist()))}), got "
                         f"shape {w.shape}; pass categories= to fix the categories")
    if not np.isfinite(w).all():
        raise ValueError(f"{name} must be finite numbers")
    return w


def _category_arg(categories):
    """``categories=`` may be a sequence or an object with ``options``: an Instrument whose
    items share one range, or the ``ResponseRange`` of an item (``instrument.response_range(
    item)``; a mixed-range Instrument's ``options`` raises, asking for it)."""
    if categories is None or isinstance(categories, str):
        return categories
    options = getattr(categories, "options", None)
    return list(options) if options is not None and not callable(options) else categories


def unused_scale_points(values: Sequence) -> list[int]:
    """The points missing from a numeric scale of whole numbers observed as ``values``
    (sorted, distinct): the steps of its greatest common step between the lowest and highest
    not among them (``[0, 2, 3, 4]`` -> ``[1]``), when they are a few points of a scale, not
    sparse codes (fewer missing than present); else ``[]``."""
    if len(values) < 2 or not all(isinstance(v, int | float | np.integer | np.floating)
                                  and not isinstance(v, bool | np.bool_)
                                  and float(v).is_integer() for v in values):
        return []
    ints = [int(v) for v in values]
    step = int(np.gcd.reduce(np.diff(ints)))
    unused = sorted(set(range(ints[0], ints[-1] + 1, step)) - set(ints)) if step else []
    return unused if 0 < len(unused) < len(ints) else []


def _warn_gaps(cats: np.ndarray, name: str, why: str) -> None:
    if cats.dtype.kind != "f":
        return
    unused = unused_scale_points(cats.tolist())
    if unused:  # a few points of a scale missing, not sparse codes
        shown = ", ".join(map(str, unused[:10])) + (", ..." if len(unused) > 10 else "")
        warnings.warn(CategoryWarning(
            f"{name}: the categories were taken from the ratings "
            f"({', '.join(_number_label(c) for c in cats)}), so the unused value(s) "
            f"{shown} are not categories and {why}; pass categories= "
            "with the whole scale (e.g. categories=instrument.options)"), stacklevel=4)


def agreement_weights(weights: str, categories: Sequence) -> pd.DataFrame:
    """The agreement weights of a family for ordered categories (irrCAC's definitions).

    Parameters
    ----------
    weights : {"linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar"}
        The family.
    categories : sequence
        The ordered categories; the weights use their positions ``x = 1..q`` as scores.

    Returns
    -------
    DataFrame
        ``q x q``, index and columns the categories: ``w_kl`` in [0, 1], 1 on the diagonal.

    Notes
    -----
    With ``x_min = 1``, ``x_max = q``: linear ``1 - |k - l| / (q - 1)``; quadratic
    ``1 - (k - l)^2 / (q - 1)^2``; radical ``1 - sqrt|k - l| / sqrt(q - 1)``; ratio
    ``1 - ((k - l)/(k + l))^2 / ((q - 1)/(q + 1))^2``; circular ``1 - sin^2(pi (k - l)/q)``
    scaled by its maximum; bipolar ``(k - l)^2 / ((k + l - 2)(2q - k - l))`` scaled by its
    maximum, subtracted from 1; ordinal ``1 - C(|k - l| + 1, 2) / C(q, 2)`` (Gwet 2014,
    section 3.5). For scores that are not ``1..q`` (a ratio scale starting at 0, unequal
    steps) pass a custom matrix to the coefficients instead.

    References
    ----------
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.), ch. 3. Advanced
    Analytics. irrCAC, ``weights.gen.r``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.agreement_weights("quadratic", [1, 2, 3])
          1     2     3
    1  1.00  0.75  0.00
    2  0.75  1.00  0.75
    3  0.00  0.75  1.00
    """
    cats = np.asarray(list(_category_arg(categories)), dtype=object)
    if isinstance(weights, str):
        check_choice(weights, "weights", WEIGHTS)
    labels = [_label(c) for c in cats.tolist()]
    return pd.DataFrame(_weights(weights, cats), index=labels, columns=labels)


# --------------------------------------------------------------------------- Gwet family


class _Prepared(NamedTuple):
    codes: np.ndarray          # units x coders, -1 = missing (units with no rating dropped)
    cats: np.ndarray
    weights: np.ndarray | None
    counts: np.ndarray         # units x categories


def _prepare_nominal(ratings, categories, weights, name: str, *,
                     depends_on_q: bool = False) -> _Prepared:
    """Ratings -> integer codes, categories, weights and counts; warns about scale gaps."""
    arr = _matrix(ratings)
    cats_arg = _category_arg(categories)
    codes, cats = _encode(arr, cats_arg)
    if not ((codes >= 0).sum(axis=1) >= 2).any():  # before the kernels, which need a value
        who = "both coders" if codes.shape[1] == 2 else "two or more coders"
        raise ValueError(f"{name} is undefined: no unit was rated by {who} ({len(codes)} "
                         f"unit(s), {int((codes >= 0).sum())} rating(s))")
    if weights is not None and not (isinstance(weights, str) and weights in ("identity",
                                                                                "unweighted")):
        if arr.dtype.kind != "f" and cats_arg is None:
            raise ValueError(f"weighted {name} needs ordered categories: numeric ratings or "
                             "categories= in order")
    w = _weights(weights, cats)
    if cats_arg is None and (w is not None or depends_on_q):
        _warn_gaps(cats, name, "weights and chance agreement treat the values around them "
                   "as neighbours" if w is not None else "the number of categories q is "
                   "too small")
    codes = codes[(codes >= 0).any(axis=1)]
    return _Prepared(codes, cats, w, _counts(codes, len(cats)))


def _scalar_parts(ratings, categories, weights, name: str, *,
                  depends_on_q: bool = False) -> tuple[_GwetParts, _Prepared]:
    """Validated ratings -> counts -> the Gwet-family parts of one variable."""
    prep = _prepare_nominal(ratings, categories, weights, name, depends_on_q=depends_on_q)
    parts = _gwet_parts(prep.counts, prep.weights)
    if parts.n_two == 0:
        raise ValueError(f"{name} is undefined: none of the {len(prep.codes)} unit(s) was "
                         "rated by two or more coders")
    return parts, prep


def _scalar(value, pa, name: str) -> float:
    if not np.isfinite(value):
        raise ValueError(f"{name} is undefined: chance agreement is 1 (every rating falls in "
                         f"one category); percent agreement is {float(pa):.3f}")
    return float(value)


def _need_two_categories(parts: _GwetParts, name: str) -> None:
    if parts.q < 2:
        raise ValueError(f"{name} needs at least two categories; pass categories= to "
                         "declare the permitted values")


def percent_agreement(ratings: Ratings, *, categories: Sequence | None = None,
                      weights: str | np.ndarray | None = None) -> float:
    """Observed (percent) agreement among coders, as a proportion.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values, in order (default: the values observed); other values are an
        error.
    weights : None, str or 2-D array
        Agreement weights (see :func:`fleiss_kappa`); weighted agreement gives partial credit
        to near misses.

    Returns
    -------
    float
        ``p_a``: the share of agreeing coder pairs, averaged over units rated by two or more
        coders (for two coders: the share of units both coded alike).

    Notes
    -----
    ``p_a = (1/n') sum_i sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))`` over the ``n'`` units
    with ``r_i >= 2`` ratings, where ``r*_ik = sum_l w_kl r_il`` (``= r_ik`` unweighted;
    Gwet 2014, eq. 2.9; irrCAC ``pa.coeff.raw``). Percent agreement is not corrected for
    chance: with a category that dominates (a code absent from most segments) it is high
    whatever the coders do.

    References
    ----------
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.percent_agreement([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]])
    0.75
    """
    return float(_scalar_parts(ratings, categories, weights, "percent agreement")[0].pa)


def fleiss_kappa(ratings: Ratings, *, categories: Sequence | None = None,
                 weights: str | np.ndarray | None = None) -> float:
    """Fleiss' kappa for any number of coders (Fleiss 1971; missing ratings as Gwet 2014).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values, in order (default: the values observed).
    weights : None, str or 2-D array
        Agreement weights between categories: None (unweighted, ``w_kl = [k = l]``), a
        family (``"linear"``, ``"quadratic"``, ``"ordinal"``, ``"radical"``, ``"ratio"``,
        ``"circular"``, ``"bipolar"``; see :func:`agreement_weights`) or a ``q x q`` matrix
        (rows and columns in the order of the categories). Needs ordered categories.

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``p_e = sum_kl w_kl pi_k pi_l`` (unweighted:
        ``sum_k pi_k^2``).

    Notes
    -----
    ``pi_k`` is the mean over units (rated at least once) of the share of the unit's ratings
    in category ``k``; with complete data this is Fleiss' (1971) ``p_j``. ``p_a`` as in
    :func:`percent_agreement`. For two coders and complete data this is Scott's pi.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
    Bulletin, 76(5), 378-382. Gwet, K. L. (2014). Handbook of Inter-Rater Reliability.

    Examples
    --------
    >>> import citra_eval as ce
    >>> round(ce.fleiss_kappa([[1, 1, 1], [1, 2, 2], [2, 2, 2], [1, 1, 2]]), 3)
    0.333
    >>> round(ce.fleiss_kappa([[1, 1, 2], [2, 3, 3], [3, 3, 3], [1, 2, 2]], weights="linear"), 3)
    0.419
    """
    p, prep = _scalar_parts(ratings, categories, weights, "Fleiss' kappa")
    return _scalar(_kappa(p.pa, _chance_fleiss(p, prep.weights)), p.pa, "Fleiss' kappa")


def gwet_ac1(ratings: Ratings, *, categories: Sequence | None = None,
             weights: str | np.ndarray | None = None) -> float:
    """Gwet's agreement coefficient AC1 (nominal), or AC2 with ``weights`` (any coders).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values, in order; ``q`` is their number (default: the values
        observed). Declare them: a category nobody used changes ``q`` and so AC1.
    weights : None, str or 2-D array
        Agreement weights (as in :func:`fleiss_kappa`); with weights this is AC2
        (:func:`gwet_ac2`).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k)``,
        ``T_w`` the sum of the weights (``q`` unweighted).

    Notes
    -----
    AC1's chance agreement is small when one category dominates, so AC1 stays close to
    percent agreement where kappa collapses (the "kappa paradox"). That is not a virtue for a
    code absent from most segments: agreement on "absent" then fills both ``p_a`` and the
    coefficient, and AC1 can be high although the coders seldom agree on where the code
    applies. Read it beside alpha/kappa and the number of segments anyone coded.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
    high agreement. British Journal of Mathematical and Statistical Psychology, 61, 29-48.
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.), ch. 3 (AC2).

    Examples
    --------
    >>> import citra_eval as ce
    >>> round(ce.gwet_ac1([[1, 1], [1, 1], [1, 1], [1, 2]]), 3)
    0.68
    """
    p, prep = _scalar_parts(ratings, categories, weights, "Gwet's AC1", depends_on_q=True)
    _need_two_categories(p, "Gwet's AC1")
    return _scalar(_kappa(p.pa, _chance_gwet(p)), p.pa,
                   "Gwet's AC1" if prep.weights is None else "Gwet's AC2")


def gwet_ac2(ratings: Ratings, *, weights: str | np.ndarray = "quadratic",
             categories: Sequence | None = None) -> float:
    """Gwet's AC2: AC1 with agreement weights for ordered categories.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    weights : str or 2-D array
        A weight family (default ``"quadratic"``) or a ``q x q`` matrix
        (:func:`agreement_weights`).
    categories : sequence, optional
        The ordered permitted values (default: the values observed; declare the whole scale).

    Returns
    -------
    float
        ``gwet_ac1(ratings, weights=weights)``.

    References
    ----------
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.), ch. 3.

    Examples
    --------
    >>> import citra_eval as ce
    >>> round(ce.gwet_ac2([[1, 1], [2, 3], [3, 3], [4, 4], [5, 4]], categories=range(1, 6)), 3)
    0.913
    """
    if weights is None:
        raise ValueError("gwet_ac2 needs weights (a family such as 'quadratic' or a matrix); "
                         "for unweighted agreement use gwet_ac1")
    return gwet_ac1(ratings, categories=categories, weights=weights)


def brennan_prediger(ratings: Ratings, *, categories: Sequence | None = None,
                     weights: str | np.ndarray | None = None) -> float:
    """Brennan-Prediger coefficient (free-marginal kappa; MAXQDA's "kappa").

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values; ``q`` is their number (default: the values observed).
    weights : None, str or 2-D array
        Agreement weights (as in :func:`fleiss_kappa`).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``p_e = T_w / q^2`` (``1/q`` unweighted).

    References
    ----------
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and
    alternatives. Educational and Psychological Measurement, 41, 687-699.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.brennan_prediger([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]])
    0.5
    """
    p, _ = _scalar_parts(ratings, categories, weights, "Brennan-Prediger", depends_on_q=True)
    _need_two_categories(p, "Brennan-Prediger")
    return _scalar(_kappa(p.pa, _chance_bp(p)), p.pa, "Brennan-Prediger")


def _two_coder_counts(prep: _Prepared, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Both coders' codes on the units both rated, and the contingency table."""
    if prep.codes.shape[1] != 2:
        raise ValueError(f"{name} needs exactly two coders (columns), got "
                         f"{prep.codes.shape[1]}; use fleiss_kappa, conger_kappa or "
                         "krippendorff_alpha for more (for a codings table: "
                         "ce.agreement(codings, corpus=corpus))")
    both = (prep.codes >= 0).all(axis=1)
    if not both.any():
        raise ValueError(f"{name} is undefined: no unit was rated by both coders")
    q = len(prep.cats)
    pairs = prep.codes[both]
    table = np.bincount(pairs[:, 0] * q + pairs[:, 1], minlength=q * q).reshape(q, q)
    return pairs, table.astype(float)


def scott_pi(ratings: Ratings, *, categories: Sequence | None = None,
             weights: str | np.ndarray | None = None) -> float:
    """Scott's pi for two coders (on the units both rated), unweighted or weighted.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, exactly two coders in columns; units not rated by both are left out.
    categories : sequence, optional
        The ordered permitted values (default: the values observed).
    weights : None, str or 2-D array
        Agreement weights (as in :func:`fleiss_kappa`).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``p_e = sum_kl w_kl pi_k pi_l`` and
        ``pi_k = (p_k+ + p_+k) / 2``: Fleiss' kappa of the two coders on their common units.

    References
    ----------
    Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale coding.
    Public Opinion Quarterly, 19(3), 321-325.

    Examples
    --------
    >>> import citra_eval as ce
    >>> round(ce.scott_pi([[1, 1], [1, 2], [2, 2], [2, 2], [1, 1]]), 3)
    0.6
    """
    prep = _prepare_nominal(ratings, categories, weights, "Scott's pi")
    pairs, _ = _two_coder_counts(prep, "Scott's pi")
    p = _gwet_parts(_counts(pairs, len(prep.cats)), prep.weights)
    return _scalar(_kappa(p.pa, _chance_fleiss(p, prep.weights)), p.pa, "Scott's pi")


class _CongerParts(NamedTuple):
    pe: float
    p_gk: np.ndarray      # coders x categories: each coder's distribution over their units
    n_g: np.ndarray       # units each coder rated


def _conger_parts(codes: np.ndarray, q: int, weights: np.ndarray | None) -> _CongerParts:
    """Conger (1980) chance agreement, each coder with their own distribution (Gwet 2014):
    ``p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r)`` with ``p_gk`` coder ``g``'s share of
    category ``k`` over the units they rated and ``s2_kl`` the covariance over coders."""
    r = codes.shape[1]
    classif = np.stack([np.bincount(codes[codes[:, g] >= 0, g], minlength=q)
                        for g in range(r)]).astype(float)
    n_g = classif.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_gk = classif / n_g[:, None]
    pbar = p_gk.mean(axis=0)
    s2 = (p_gk.T @ p_gk - r * np.outer(pbar, pbar)) / (r - 1)
    w = np.eye(q) if weights is None else weights
    return _CongerParts(float((w * (np.outer(pbar, pbar) - s2 / r)).sum()), p_gk, n_g)


def conger_kappa(ratings: Ratings, *, categories: Sequence | None = None,
                 weights: str | np.ndarray | None = None) -> float:
    """Conger's kappa: Cohen's kappa generalised to several coders (Conger 1980).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The ordered permitted values (default: the values observed).
    weights : None, str or 2-D array
        Agreement weights (as in :func:`fleiss_kappa`).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)``, ``p_a`` as in :func:`percent_agreement` and ``p_e`` from
        each coder's own distribution over the units they rated (Notes).

    Notes
    -----
    ``p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r)``, where ``p_gk`` is the share of coder
    ``g``'s ratings in category ``k``, ``pbar_k`` its mean over the ``r`` coders and ``s2_kl``
    the covariance of ``p_gk`` and ``p_gl`` over coders (Gwet 2014, eq. 2.23; irrCAC
    ``conger.kappa.raw``). With two coders this is Cohen's kappa; with missing ratings it is
    Gwet's handbook version of it (``cohen_kappa(..., missing="gwet")``).

    References
    ----------
    Conger, A. J. (1980). Integration and generalization of kappas for multiple raters.
    Psychological Bulletin, 88(2), 322-328.

    Examples
    --------
    >>> import citra_eval as ce
    >>> round(ce.conger_kappa([[1, 1, 1], [1, 2, 2], [2, 2, 2], [1, 1, 2]]), 3)
    0.385
    """
    p, prep = _scalar_parts(ratings, categories, weights, "Conger's kappa")
    pe = _conger_parts(prep.codes, len(prep.cats), prep.weights).pe
    return _scalar(_kappa(p.pa, pe), p.pa, "Conger's kappa")


# --------------------------------------------------------------------------- Cohen

_MISSING = ("both", "gwet")


def cohen_kappa(ratings: Ratings, *, weights: str | np.ndarray | None = None,
                categories: Sequence | None = None, missing: str = "both") -> float:
    """Cohen's kappa for two coders, unweighted or weighted (Cohen 1960, 1968).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, exactly two coders in columns, NaN for missing.
    weights : None, str or 2-D array
        Agreement weights between categories (see :func:`agreement_weights`): None,
        ``"linear"`` (``1 - |i - j|/(q - 1)``, Cicchetti-Allison), ``"quadratic"``
        (``1 - (i - j)^2/(q - 1)^2``, Fleiss-Cohen), another irrCAC family, or a ``q x q``
        matrix of agreement weights (1 = full credit). ``i, j`` are the positions of the
        categories in order.
    categories : sequence, optional
        The ordered permitted values (default: the sorted values observed). Matters for the
        weights when a category in between was never used: declare the whole scale.
    missing : {"both", "gwet"}
        Units with one rating missing: ``"both"`` (default) uses only the units both coders
        rated, like R ``irr::kappa2`` and statsmodels; ``"gwet"`` uses each coder's own
        distribution over all the units they rated for chance agreement (Gwet 2014; this is
        :func:`conger_kappa` for two coders). Equal without missing ratings.

    Returns
    -------
    float
        ``kappa_w = (p_a - p_e) / (1 - p_e)`` with ``p_a = sum w_ij p_ij`` and
        ``p_e = sum w_ij p_i+ p_+j`` (observed and chance joint proportions); for
        ``weights=None`` this is ``(p_o - p_e) / (1 - p_e)``.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20, 37-46. Cohen, J. (1968). Weighted kappa. Psychological
    Bulletin, 70(4), 213-220. Gwet, K. L. (2014). Handbook of Inter-Rater Reliability.

    Examples
    --------
    >>> import citra_eval as ce
    >>> round(ce.cohen_kappa([[1, 1], [2, 2], [3, 3], [1, 2], [2, 3]], weights="linear"), 3)
    0.545
    """
    check_choice(missing, "missing", _MISSING)
    arr = _matrix(ratings)
    if arr.shape[1] != 2:
        raise ValueError(f"Cohen's kappa needs exactly two coders (columns), got "
                         f"{arr.shape[1]}; use fleiss_kappa, conger_kappa or "
                         "krippendorff_alpha for more (for a codings table: "
                         "ce.agreement(codings, corpus=corpus))")
    prep = _prepare_nominal(arr, categories, weights, "Cohen's kappa")
    if missing == "gwet":
        _two_coder_counts(prep, "Cohen's kappa")
        p = _gwet_parts(prep.counts, prep.weights)
        pe = _conger_parts(prep.codes, len(prep.cats), prep.weights).pe
        return _scalar(_kappa(p.pa, pe), p.pa, "Cohen's kappa")
    _, table = _two_coder_counts(prep, "Cohen's kappa")
    w = np.eye(len(prep.cats)) if prep.weights is None else prep.weights
    kappa = _cohen_values(table, 1.0 - w)
    if not np.isfinite(kappa):
        raise ValueError(f"Cohen's kappa is undefined: chance agreement is 1 (both coders put "
                         f"every unit in one category); percent agreement is "
                         f"{np.trace(table) / table.sum():.3f}")
    return float(kappa)


# --------------------------------------------------------------------------- inference

#: Columns of :func:`agreement_coefficients`.
INFERENCE_COLUMNS = ["coefficient", "estimate", "pa", "pe", "se", "se_h0", "ci_low",
                     "ci_high", "statistic", "p_value", "n_units", "n_coders", "weights",
                     "method"]
_METHODS = ("gwet", "asymptotic")
_ALTERNATIVES = ("two-sided", "greater")


def _linearised_se(kappa: float, pe: float, pa_i: np.ndarray, two: np.ndarray,
                   pe_i: np.ndarray | None) -> float:
    """Gwet's (2014) variance of a chance-corrected coefficient from per-unit terms.

    ``kappa_i = (n / n2) (pa_i - pe [r_i >= 2]) / (1 - pe)``, minus
    ``2 (1 - kappa) (pe_i - pe) / (1 - pe)`` when chance agreement depends on the data;
    ``var = sum_i (kappa_i - kappa)^2 / (n (n - 1))`` (no finite-population correction).
    """
    n, n2 = len(pa_i), int(two.sum())
    k_i = (n / n2) * (pa_i - pe * two) / (1.0 - pe)
    if pe_i is not None:
        k_i = k_i - 2.0 * (1.0 - kappa) * (pe_i - pe) / (1.0 - pe)
    return float(np.sqrt(((k_i - kappa) ** 2).sum() / (n * (n - 1.0)))) if n > 1 else np.nan


def _unit_agreement(counts: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """Per unit: ``r_i``, ``[r_i >= 2]`` and ``pa_i`` (0 below two ratings)."""
    r = counts.sum(axis=1)
    two = r >= 2
    num = _quadratic_form(counts, weights) - r
    pa_i = np.zeros(len(r))
    np.divide(num, r * (r - 1.0), out=pa_i, where=two)
    return r, two, pa_i


def _conger_pe_i(codes: np.ndarray, q: int, w: np.ndarray, cp: _CongerParts) -> np.ndarray:
    """Gwet's (2014) per-unit chance-agreement terms of Conger's kappa (irrCAC
    ``conger.kappa.raw``): ``pe_i = sum_g lambda_ig / (r (r - 1))``."""
    n, r = codes.shape
    rated = (codes >= 0).astype(float)                              # epsilon_ig
    onehot = np.zeros((n, r, q))
    ii, gg = np.nonzero(codes >= 0)
    onehot[ii, gg, codes[ii, gg]] = 1.0                             # delta_igl
    centred = onehot - (rated - cp.n_g / n)[:, :, None] * cp.p_gk[None]
    a = (centred @ w.T) * (n / cp.n_g)[None, :, None]               # sum_l w_kl (...)
    b = r * cp.p_gk.mean(axis=0)[None, :] - cp.p_gk                 # r pbar_k - p_gk
    return (a * b[None]).sum(axis=(1, 2)) / (r * (r - 1.0))


def _table_se(table: np.ndarray, w: np.ndarray, kappa: float, pa: float, pe: float,
              scott: bool) -> float:
    """Variance of Cohen's kappa (Fleiss, Cohen & Everitt 1969; Gwet 2014's ``kappa2.table``)
    or Scott's pi (``scott2.table``) from the contingency table."""
    n = table.sum()
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    w_row, w_col = w @ col, w.T @ row                   # wbar_i+, wbar_+j
    if scott:
        w_row = w_col = (w_row + w_col) / 2.0
    s = (p * (w - (1.0 - kappa) * (w_row[:, None] + w_col[None, :])) ** 2).sum()
    var = (s - (pa - 2.0 * (1.0 - kappa) * pe) ** 2) / (n * (1.0 - pe) ** 2)
    return float(np.sqrt(max(var, 0.0)))


def _cohen_se_h0(table: np.ndarray, w: np.ndarray, pe: float) -> float:
    """Null variance of (weighted) Cohen's kappa (Fleiss, Cohen & Everitt 1969; SAS, stats-
    models ``var_kappa0``)."""
    n = table.sum()
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    w_row, w_col = w @ col, w.T @ row
    s = (np.outer(row, col) * (w - (w_row[:, None] + w_col[None, :])) ** 2).sum()
    return float(np.sqrt(max((s - pe ** 2) / (n * (1.0 - pe) ** 2), 0.0)))


def _fleiss_se_h0(counts: np.ndarray) -> float:
    """Null variance of Fleiss' kappa, complete data (Fleiss, Nee & Landis 1979; R
    ``irr::kappam.fleiss``): ``2 / (n m (m - 1)) [(sum p q)^2 - sum p q (q - p)] /
    (sum p q)^2``. NaN unless every unit has the same number of ratings."""
    r = counts.sum(axis=1)
    if not (r == r[0]).all() or r[0] < 2:
        return np.nan
    n, m = len(r), r[0]
    p = counts.sum(axis=0) / (n * m)
    pq = p * (1.0 - p)
    var = 2.0 / (n * m * (m - 1.0)) * (pq.sum() ** 2 - (pq * (1.0 - 2.0 * p)).sum()) / (
        pq.sum() ** 2)
    return float(np.sqrt(var))


def agreement_coefficients(ratings: Ratings, *, weights: str | np.ndarray | None = None,
                           categories: Sequence | None = None, method: str = "gwet",
                           ci: float = 0.95, alternative: str = "two-sided") -> pd.DataFrame:
    """The kappa family with standard errors, confidence intervals and p values.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    weights : None, str or 2-D array
        Agreement weights (as in :func:`fleiss_kappa`).
    categories : sequence, optional
        The ordered permitted values (default: the values observed; declare the whole scale).
    method : {"gwet", "asymptotic"}
        ``"gwet"`` (default): Gwet's (2014) linearised variances, as R irrCAC reports them,
        for every coefficient; t distribution with ``n - 1`` degrees of freedom, interval
        capped at 1. ``"asymptotic"``: the classical large-sample results for Cohen's kappa
        (Fleiss, Cohen & Everitt 1969, as statsmodels and SAS: ``se`` for the interval,
        ``se_h0`` under kappa = 0 for the z test) and Fleiss' kappa (Fleiss, Nee & Landis
        1979, as R ``irr::kappam.fleiss``: ``se_h0`` for the z test only, complete data).
    ci : float
        Confidence level.
    alternative : {"two-sided", "greater"}
        The test of "coefficient = 0": two-sided (default), or one-sided against positive
        agreement (what R irrCAC prints).

    Returns
    -------
    DataFrame
        One row per coefficient: ``percent_agreement``, ``cohen_kappa`` and ``scott_pi``
        (exactly two coders; the units both rated), ``conger_kappa``, ``fleiss_kappa``,
        ``gwet_ac1`` (``gwet_ac2`` when weighted), ``brennan_prediger`` (``"asymptotic"``:
        ``cohen_kappa`` and ``fleiss_kappa`` only). Columns: ``coefficient``, ``estimate``,
        ``pa`` (observed agreement), ``pe`` (chance agreement), ``se``, ``se_h0`` (standard
        error under no agreement; ``"asymptotic"`` only), ``ci_low``, ``ci_high``,
        ``statistic`` (t or z), ``p_value``, ``n_units`` (units used), ``n_coders``,
        ``weights``, ``method``. ``ci_high`` is capped at 1, the largest value of every
        coefficient, with either method (irrCAC caps Gwet's intervals the same way).

    Notes
    -----
    Gwet's variances linearise each coefficient over units: with ``pa_i`` unit ``i``'s
    agreement and ``pe_i`` its share of chance agreement,
    ``kappa_i = (n/n2)(pa_i - pe [r_i >= 2]) / (1 - pe) - 2 (1 - kappa)(pe_i - pe)/(1 - pe)``
    and ``var = sum_i (kappa_i - kappa)^2 / (n (n - 1))`` (Gwet 2014, ch. 5; no finite
    population correction). For Cohen's kappa and Scott's pi the contingency-table forms are
    used; Gwet's variance of Cohen's kappa is Fleiss, Cohen and Everitt's (1969) asymptotic
    variance. The tests treat units as independent: segments nested in interviews make the
    standard errors too small.

    References
    ----------
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa
    and weighted kappa. Psychological Bulletin, 72(5), 323-327. Fleiss, J. L., Nee, J. C. M.,
    & Landis, J. R. (1979). Large sample variance of kappa in the case of different sets of
    raters. Psychological Bulletin, 86(5), 974-977.

    Examples
    --------
    >>> import citra_eval as ce
    >>> t = ce.agreement_coefficients([[1, 1], [2, 2], [3, 3], [1, 2], [2, 3], [3, 3]])
    >>> t[["coefficient", "estimate", "se", "ci_low", "ci_high"]].round(3)
             coefficient  estimate     se  ci_low  ci_high
    0  percent_agreement     0.667  0.211   0.125      1.0
    1        cohen_kappa     0.500  0.273  -0.202      1.0
    2           scott_pi     0.489  0.291  -0.259      1.0
    3       conger_kappa     0.500  0.299  -0.269      1.0
    4       fleiss_kappa     0.489  0.319  -0.331      1.0
    5           gwet_ac1     0.505  0.317  -0.309      1.0
    6   brennan_prediger     0.500  0.316  -0.313      1.0
    """
    from scipy import stats  # here, not at the top: it costs ~0.4 s to import

    check_choice(method, "method", _METHODS)
    check_choice(alternative, "alternative", _ALTERNATIVES)
    check_ci(ci)
    prep = _prepare_nominal(ratings, categories, weights, "agreement", depends_on_q=True)
    q, n_coders = len(prep.cats), prep.codes.shape[1]
    w = np.eye(q) if prep.weights is None else prep.weights
    label = ("unweighted" if prep.weights is None else
             weights if isinstance(weights, str) else "custom")
    r, two, pa_i = _unit_agreement(prep.counts, prep.weights)
    if not two.any():
        raise ValueError(f"agreement is undefined: none of the {len(r)} unit(s) was rated by "
                         "two or more coders")
    parts = _gwet_parts(prep.counts, prep.weights)
    pa, pi = float(parts.pa), parts.pi
    rows = []

    def add(name, est, pe, se, n, se_h0=np.nan):
        rows.append({"coefficient": name, "estimate": est, "pa": pa if name not in (
            "cohen_kappa", "scott_pi") else table_pa, "pe": pe, "se": se, "se_h0": se_h0,
            "n_units": n})

    table = table_pa = None
    if n_coders == 2:
        table = _two_coder_counts(prep, "Cohen's kappa")[1]
        p = table / table.sum()
        table_pa = float((w * p).sum())
        row, col = p.sum(axis=1), p.sum(axis=0)
        pe_c = float(row @ w @ col)
        kappa_c = float(_kappa(table_pa, pe_c))
        pi_s = (row + col) / 2.0
        pe_s = float(pi_s @ w @ pi_s)
        kappa_s = float(_kappa(table_pa, pe_s))
    if method == "gwet":
        add("percent_agreement", pa, 0.0, _linearised_se(pa, 0.0, pa_i, two, None), len(r))
        if n_coders == 2:
            add("cohen_kappa", kappa_c, pe_c, _table_se(table, w, kappa_c, table_pa, pe_c,
                                                        False), int(table.sum()))
            add("scott_pi", kappa_s, pe_s, _table_se(table, w, kappa_s, table_pa, pe_s, True),
                int(table.sum()))
        cp = _conger_parts(prep.codes, q, prep.weights)
        k = float(_kappa(pa, cp.pe))
        add("conger_kappa", k, cp.pe, _linearised_se(
            k, cp.pe, pa_i, two, _conger_pe_i(prep.codes, q, w, cp)), len(r))
        pe = float(_chance_fleiss(parts, prep.weights))
        k = float(_kappa(pa, pe))
        pi_w = (w @ pi + w.T @ pi) / 2.0
        add("fleiss_kappa", k, pe, _linearised_se(k, pe, pa_i, two,
                                                  (prep.counts @ pi_w) / r), len(r))
        if q >= 2:
            pe = float(_chance_gwet(parts))
            k = float(_kappa(pa, pe))
            pe_i = parts.tw / (q * (q - 1.0)) * (prep.counts @ (1.0 - pi)) / r
            add("gwet_ac1" if prep.weights is None else "gwet_ac2", k, pe,
                _linearised_se(k, pe, pa_i, two, pe_i), len(r))
            pe = float(_chance_bp(parts))
            k = float(_kappa(pa, pe))
            add("brennan_prediger", k, pe, _linearised_se(k, pe, pa_i, two, None), len(r))
    else:
        if n_coders == 2:
            add("cohen_kappa", kappa_c, pe_c, _table_se(table, w, kappa_c, table_pa, pe_c,
                                                        False), int(table.sum()),
                _cohen_se_h0(table, w, pe_c))
        pe = float(_chance_fleiss(parts, prep.weights))
        add("fleiss_kappa", float(_kappa(pa, pe)), pe, np.nan, len(r),
            _fleiss_se_h0(prep.counts) if prep.weights is None else np.nan)
    out = pd.DataFrame(rows)
    est, se, n = out["estimate"], out["se"], out["n_units"]
    if method == "gwet":
        crit = stats.t.ppf((1 + ci) / 2, n - 1)
        out["ci_low"] = est - crit * se
        out["ci_high"] = np.minimum(1.0, est + crit * se)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["statistic"] = est / se
        tail = stats.t.sf(np.abs(out["statistic"]) if alternative == "two-sided"
                          else out["statistic"], n - 1)
    else:
        crit = stats.norm.ppf((1 + ci) / 2)
        out["ci_low"] = est - crit * se
        out["ci_high"] = np.minimum(1.0, est + crit * se)  # no coefficient exceeds 1
        with np.errstate(invalid="ignore", divide="ignore"):
            out["statistic"] = est / out["se_h0"]
        tail = stats.norm.sf(np.abs(out["statistic"]) if alternative == "two-sided"
                             else out["statistic"])
    out["p_value"] = (2.0 if alternative == "two-sided" else 1.0) * tail
    out["n_coders"] = n_coders
    out["weights"] = label
    out["method"] = method
    return out[INFERENCE_COLUMNS]


# --------------------------------------------------------------------------- ICC, Kendall's W

#: Columns of :func:`icc`.
ICC_COLUMNS = ["type", "form", "description", "icc", "f", "df1", "df2", "p_value", "ci_low",
               "ci_high", "note"]
_ICC_FORMS = {  # pingouin's type -> (Shrout & Fleiss's name, what it measures)
    "ICC(1,1)": ("ICC1", "single rater, one-way random effects (raters interchangeable)"),
    "ICC(A,1)": ("ICC2", "single rater, absolute agreement, two-way random effects"),
    "ICC(C,1)": ("ICC3", "single rater, consistency, two-way mixed effects"),
    "ICC(1,k)": ("ICC1k", "mean of k raters, one-way random effects"),
    "ICC(A,k)": ("ICC2k", "mean of k raters, absolute agreement, two-way random effects"),
    "ICC(C,k)": ("ICC3k", "mean of k raters, consistency, two-way mixed effects"),
}


def _long_ratings(ratings, name: str) -> tuple[pd.DataFrame, int]:
    """Numeric ratings, units with a missing rating dropped (listwise), in long form."""
    arr = _matrix(ratings)
    if arr.dtype.kind != "f":
        raise ValueError(f"{name} needs numeric ratings (interval or ordinal scores); found "
                         "non-numeric values")
    check_finite_ratings(arr, "ratings", f"{name} needs finite numbers")
    complete = ~np.isnan(arr).any(axis=1)
    arr = arr[complete]
    if len(arr) < 3:
        raise ValueError(f"{name} needs at least 3 units rated by every coder, got {len(arr)} "
                         f"({int((~complete).sum())} unit(s) with a missing rating left out)")
    n, k = arr.shape
    long = pd.DataFrame({"unit": np.repeat(np.arange(n), k), "coder": np.tile(np.arange(k), n),
                         "rating": arr.ravel()})
    return long, int((~complete).sum())


def icc(ratings: Ratings) -> pd.DataFrame:
    """Intraclass correlations, the six forms, for interval ratings (pingouin).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units (targets) in rows, coders (raters) in columns, numeric. Units with a missing
        rating are left out (listwise, as R ``psych::ICC`` and ``irr::icc``).

    Returns
    -------
    DataFrame
        Six rows. Columns: ``type`` (McGraw & Wong's name as pingouin gives it: ICC(1,1),
        ICC(A,1), ICC(C,1), ICC(1,k), ICC(A,k), ICC(C,k)), ``form`` (Shrout & Fleiss's name:
        ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k), ``description``, ``icc``, ``f``, ``df1``,
        ``df2``, ``p_value`` (F test of no between-unit variance), ``ci_low``, ``ci_high``
        (95 %), ``note`` (empty, or why the row's ICC is 0/0, e.g. every rating the same, or
        its F infinite; the values are then NaN or inf, without numpy's warnings; or why
        ICC2k's ``ci_low`` is -inf, see Notes).
        ``attrs["n_units_excluded"]`` counts the units left out.

    Notes
    -----
    Computed by :func:`pingouin.intraclass_corr` from a two-way ANOVA of the ratings
    (Shrout & Fleiss 1979; McGraw & Wong 1996), with the interval bounds unrounded (pingouin
    rounds them to 2 places). Single-rater forms say how reliable one
    coder's score is, ``k`` forms how reliable the mean of the ``k`` coders is; absolute
    agreement counts a coder who is systematically higher as disagreeing, consistency does
    not.

    ICC2k's bounds are ICC2's through Spearman-Brown, ``x k / (1 + (k - 1) x)`` (McGraw &
    Wong 1996, Table 7), which has its pole at ``x = -1/(k-1)``, the lowest ICC of ``k``
    raters. A single-rater bound at or below it (small samples with little agreement) is
    taken as ``-1/(k-1)``, so the k-rater bound is -inf and ``note`` says so; converted
    through the pole it would change sign and could lie above ``ci_high`` (pingouin does
    that). ICC1k's and ICC3k's bounds, ``1 - 1/F``, need no such care.

    Infinite ratings are refused (``ValueError`` naming the first): every mean square would
    be NaN.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
    reliability. Psychological Bulletin, 86(2), 420-428. McGraw, K. O., & Wong, S. P. (1996).
    Forming inferences about some intraclass correlation coefficients. Psychological Methods,
    1(1), 30-46.

    Examples
    --------
    >>> import citra_eval as ce
    >>> t = ce.icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9],
    ...          [6, 2, 4, 7]])
    >>> t[["form", "icc"]].round(2)
        form   icc
    0   ICC1  0.17
    1   ICC2  0.29
    2   ICC3  0.71
    3  ICC1k  0.44
    4  ICC2k  0.62
    5  ICC3k  0.91
    """
    import pingouin  # here, not at the top: the statistics stack loads when needed

    long, dropped = _long_ratings(ratings, "icc")
    saved = dict(pingouin.options)
    try:  # pingouin rounds its CI95 column to 2 places by default: keep full precision
        for key in [k for k in pingouin.options if k.startswith("round.")]:
            del pingouin.options[key]
        pingouin.options["round"] = None
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            # 0/0 and x/0 where the ratings do not vary: the note below says why
            warnings.filterwarnings("ignore", category=RuntimeWarning)
            # pingouin's own call of DataFrame.dropna(inplace=True), deprecated in pandas 3.1:
            # not the user's to act on (this one warning only)
            warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.dropna",
                                    category=_PANDAS4_WARNING)
            res = pingouin.intraclass_corr(data=long, targets="unit", raters="coder",
                                           ratings="rating").reset_index(drop=True)
    finally:
        pingouin.options.clear()
        pingouin.options.update(saved)
    ci95 = np.vstack(res["CI95"].to_numpy())
    k = int(long["coder"].nunique())
    notes = [_icc_note(long, v, f) for v, f in zip(res["ICC"], res["F"], strict=True)]
    # ICC(A,k)'s bounds are pingouin's ICC(A,1) bounds through Spearman-Brown,
    # x k / (1 + (k - 1) x), which has its pole at x = -1/(k-1): recompute them with a bound
    # at or below the pole taken as the pole (k-rater bound -inf), not through the pole
    # (which flips its sign and can put ci_low above ci_high).
    single = res.index[res["Type"] == "ICC(A,1)"][0]
    average = res.index[res["Type"] == "ICC(A,k)"][0]
    ci95[average], why = _icc_average_bounds(ci95[single], k)
    if why:
        notes[average] = "; ".join(n for n in (notes[average], why) if n)
    out = pd.DataFrame({
        "type": res["Type"], "form": [_ICC_FORMS[t][0] for t in res["Type"]],
        "description": [_ICC_FORMS[t][1] for t in res["Type"]],
        "icc": res["ICC"].astype(float), "f": res["F"].astype(float),
        "df1": res["df1"].astype(float), "df2": res["df2"].astype(float),
        "p_value": res["pval"].astype(float), "ci_low": ci95[:, 0], "ci_high": ci95[:, 1],
        "note": notes}, columns=ICC_COLUMNS)
    out.attrs["n_units_excluded"] = dropped
    return out


def _icc_average_bounds(single: np.ndarray, k: int) -> tuple[np.ndarray, str]:
    """The mean-of-``k``-raters bounds of the single-rater ``(low, high)`` by
    Spearman-Brown, ``x k / (1 + (k - 1) x)`` (McGraw & Wong 1996, Table 7, case 2A), and
    a note when a bound lies at or below ``-1/(k-1)`` (the lowest single-rater ICC, the
    formula's pole): that bound is taken as ``-1/(k-1)``, whose k-rater value is -inf."""
    pole = -1.0 / (k - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(single <= pole, pole, single)
        out = np.where(single <= pole, -np.inf, x * k / (1 + (k - 1) * x))
    low = single[0]
    if not low <= pole:
        return out, ""
    return out, (f"the single-rater (ICC2) lower bound {low:.3g} is at or below -1/(k-1) = "
                 f"{pole:.3g}, the lowest single-rater ICC of {k} raters and the pole of the "
                 f"Spearman-Brown step: the interval of the mean of {k} raters has no finite "
                 "lower bound (-inf)")


def _icc_note(long: pd.DataFrame, value: float, f: float) -> str:
    """Why an ICC row is undefined (0/0) or its F infinite, or ``""``."""
    ratings = long["rating"]
    if ratings.nunique() == 1:
        return (f"every rating is the same ({ratings.iloc[0]:g}): there is no variance "
                "between or within units, so every ICC is 0/0")
    if math.isnan(value) or math.isnan(f):
        return ("each coder gives every unit the same rating: the units do not differ and "
                "nothing is left beyond the coders' offsets (between-unit and residual mean "
                "squares are 0), so this ICC is 0/0")
    if math.isinf(f):
        return ("F is infinite: the residual mean square is 0 (the coders' ratings differ "
                "only by constant offsets, if at all)")
    return ""


def kendall_w(ratings: Ratings) -> pd.DataFrame:
    """Kendall's coefficient of concordance W for ordinal ratings of several coders.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, numeric (scores or ranks). Each coder's ratings are
        ranked over the units (ties get their mean rank). Units with a missing rating are left
        out (listwise, as R ``irr::kendall``).

    Returns
    -------
    DataFrame
        One row: ``w`` (corrected for ties), ``chi2`` (``m (n - 1) W``), ``dof`` (``n - 1``),
        ``p_value`` (chi-square approximation, valid for larger samples), ``n_units``,
        ``n_coders`` and ``note`` (empty, or why ``w`` is NaN: every coder gives every unit
        the same rating, so all ranks are tied and W is 0/0).

    Notes
    -----
    ``W = 12 S / (m^2 (n^3 - n) - m sum_j T_j)`` where ``S`` is the sum of squared deviations
    of the units' rank sums from their mean, ``m`` coders rank ``n`` units, and
    ``T_j = sum (t^3 - t)`` over the groups of ``t`` tied ranks of coder ``j``. Kendall's W is
    Friedman's test with the units as treatments and the coders as blocks; it is computed by
    :func:`pingouin.friedman`. W measures whether coders *order* the units alike (like a
    consistency ICC for ranks), not whether they give the same scores.

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. Annals of
    Mathematical Statistics, 10(3), 275-287. Siegel, S., & Castellan, N. J. (1988).
    Nonparametric Statistics for the Behavioral Sciences (2nd ed.), 9.4.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.kendall_w([[1, 1, 2], [2, 3, 1], [3, 2, 3], [4, 4, 4]])[["w", "dof"]].round(3)
           w  dof
    0  0.778    3
    """
    import pingouin  # here, not at the top: the statistics stack loads when needed

    long, dropped = _long_ratings(ratings, "kendall_w")
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # 0/0 when every coder ties all units: the note says why
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        res = pingouin.friedman(data=long, dv="rating", within="unit", subject="coder",
                                method="chisq")
    n, m = long["unit"].nunique(), long["coder"].nunique()
    w = float(res["W"].iloc[0])
    tied = long.groupby("coder")["rating"].nunique().eq(1).all()
    note = ("every coder gives every unit the same rating (all ranks tied), so there is no "
            "order to agree on: W is 0/0" if tied and math.isnan(w) else "")
    out = pd.DataFrame({"w": [w], "chi2": [float(res["Q"].iloc[0])],
                        "dof": [int(res["ddof1"].iloc[0])],
                        "p_value": [float(res["p_unc"].iloc[0])], "n_units": [n],
                        "n_coders": [m], "note": [note]})
    out.attrs["n_units_excluded"] = dropped
    return out


# --------------------------------------------------------------------------- many codes at once

#: Columns of :func:`presence_agreement`.
PRESENCE_COLUMNS = ["code", "n_units", "percent_agreement", "cohen_kappa", "fleiss_kappa",
                    "krippendorff_alpha", "gwet_ac1", "alpha_ci_low", "alpha_ci_high",
                    "brennan_prediger", "coded_agreement", "n_positive", "n_agreed", "n_boot"]
_NOMINAL_2 = np.array([[0.0, 1.0], [1.0, 0.0]])


def presence_agreement(present: np.ndarray, *, rated: np.ndarray | None = None,
                       codes: Sequence[str] | None = None, pooled: str = "ALL",
                       n_boot: int = 1000, seed: int = 0, ci: float = 0.95) -> pd.DataFrame:
    """Reliability of presence/absence decisions for many codes at once, and pooled.

    The engine of :func:`citra_eval.agreement`: each code is a binary variable (the coder
    applied it to the unit, or not), and every coefficient is the same kernel as the scalar
    function of this module, evaluated for all codes in one pass.

    Parameters
    ----------
    present : array of bool, shape (coders, units, codes)
        ``present[c, u, k]``: coder ``c`` applied code ``k`` somewhere in unit ``u``.
    rated : array of bool, shape (units, coders), optional
        Which coder rated which unit (default: every coder rated every unit). A coder's
        decisions on units they did not rate are ignored.
    codes : sequence of str, optional
        Names of the codes (default ``"0"``, ``"1"``, ...).
    pooled : str
        Name of the last row, which pools every (unit, code) decision.
    n_boot : int
        Bootstrap replicates of the units for the alpha interval (0: none).
    seed : int
        Seed of the bootstrap (``numpy.random.default_rng``).
    ci : float
        Confidence level of the percentile interval.

    Returns
    -------
    DataFrame
        One row per code, then the pooled row. Columns: ``code``; ``n_units`` (units given);
        ``percent_agreement``, ``cohen_kappa`` (NaN unless exactly two coders),
        ``fleiss_kappa``, ``krippendorff_alpha`` (nominal), ``gwet_ac1``; ``alpha_ci_low``,
        ``alpha_ci_high`` (percentile bootstrap interval); ``brennan_prediger`` (q = 2);
        ``coded_agreement`` (``n_agreed / n_positive``: of the units anyone coded, the share
        the coders agreed on, i.e. agreement without the units nobody coded);
        ``n_positive`` (units where a coder applied the code; pooled: applied any code),
        ``n_agreed`` (units where every rating coder applied it; pooled: gave the same
        non-empty set of codes); ``n_boot`` (replicates in which alpha was defined). NaN
        where a coefficient is undefined (no variation).

    Notes
    -----
    For code ``k`` the value counts of unit ``u`` are ``(m_u - a_uk, a_uk)``, with ``a_uk``
    coders applying the code out of ``m_u`` rating the unit; the Gwet-family coefficients
    use these counts (:func:`percent_agreement`, :func:`fleiss_kappa`, :func:`gwet_ac1`,
    :func:`brennan_prediger` with categories absent/present) and Krippendorff's alpha the
    per-unit disagreements ``2 a_uk (m_u - a_uk) / (m_u - 1)``. The pooled row stacks every
    (unit, code) decision as a unit of its own for the point estimates, while its bootstrap
    resamples whole units (a unit keeps all its codes' decisions): alpha is a ratio of sums
    over units, so the pooled disagreement of a unit is the sum over its codes.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import numpy as np
    >>> present = np.array([[[1, 0], [1, 1], [0, 0], [0, 1]],     # coder A: 4 units x 2 codes
    ...                     [[1, 0], [1, 0], [0, 0], [0, 1]]], bool)
    >>> t = ce.presence_agreement(present, codes=["x", "y"], n_boot=0)
    >>> t[["code", "percent_agreement", "cohen_kappa", "krippendorff_alpha"]].round(3)
      code  percent_agreement  cohen_kappa  krippendorff_alpha
    0    x              1.000         1.00               1.000
    1    y              0.750         0.50               0.533
    2  ALL              0.875         0.75               0.762
    """
    n_boot = check_n_boot(n_boot, check_ci(ci))
    seed = check_seed(seed)
    x = np.asarray(present)
    if x.ndim != 3 or x.dtype != bool:
        raise ValueError("present must be a boolean array of shape (coders, units, codes), "
                         f"got {x.dtype} with shape {x.shape}")
    n_coders, n_units, n_codes = x.shape
    rated = np.ones((n_units, n_coders), bool) if rated is None else np.asarray(rated, bool)
    if rated.shape != (n_units, n_coders):
        raise ValueError(f"rated must have shape (units, coders) = {(n_units, n_coders)}, got "
                         f"{rated.shape}")
    names = [str(k) for k in range(n_codes)] if codes is None else [str(c) for c in codes]
    if len(names) != n_codes:
        raise ValueError(f"codes names {len(names)} code(s) for {n_codes} column(s)")
    xr = x & rated.T[:, :, None]
    a = xr.sum(axis=0).astype(float)                    # units x codes: coders saying "present"
    m = rated.sum(axis=1).astype(float)                 # coders rating each unit
    counts = np.stack([m[None, :] - a.T, a.T], axis=-1)   # codes x units x (absent, present)
    p = _gwet_parts(counts)
    # The pooled variable: every (unit, code) decision stacked, i.e. the per-code sums added.
    pooled_p = p.pooled()
    p = p._replace(**{f: np.append(getattr(p, f), getattr(pooled_p, f)[None], axis=0)
                      for f in ("pa_sum", "n_two", "pi_sum", "n_one")})
    rows = {"percent_agreement": p.pa, "fleiss_kappa": _kappa(p.pa, _chance_fleiss(p, None)),
            "gwet_ac1": _kappa(p.pa, _chance_gwet(p)), "brennan_prediger": _kappa(p.pa,
                                                                               _chance_bp(p))}
    # Alpha: per-unit disagreements; the pooled variable sums them over a unit's codes.
    do_u, n_c = _alpha_unit_parts(counts, _NOMINAL_2)               # codes x units
    do_cols = np.vstack([do_u, do_u.sum(axis=0, keepdims=True)])
    n_c = np.vstack([n_c, n_c.sum(axis=0, keepdims=True)])
    rows["krippendorff_alpha"] = _alpha_values(do_cols.sum(axis=1), n_c,
                                               _quadratic_form(n_c, _NOMINAL_2))[0]
    if n_coders == 2:
        both = rated.all(axis=1)
        p, q = x[0][both], x[1][both]
        tables = np.stack([np.stack([(~p & ~q).sum(0), (~p & q).sum(0)], axis=-1),
                           np.stack([(p & ~q).sum(0), (p & q).sum(0)], axis=-1)], axis=-2)
        tables = np.concatenate([tables, tables.sum(axis=0, keepdims=True)])
        rows["cohen_kappa"] = _cohen_values(tables, _NOMINAL_2)
    else:
        rows["cohen_kappa"] = np.full(n_codes + 1, np.nan)
    low = np.full(n_codes + 1, np.nan)
    high = np.full(n_codes + 1, np.nan)
    n_valid = np.zeros(n_codes + 1, dtype=int)
    if n_boot:
        pair = m >= 2
        cols = np.concatenate([counts, counts.sum(axis=0, keepdims=True)])
        reps = _bootstrap_alpha(cols[:, pair], _NOMINAL_2, n_boot=n_boot, seed=seed,
                                do_u=do_cols[:, pair])
        low, high, n_valid = percentile_interval(reps, ci)
    # Pooled counts: units with any code; units where every rating coder gave the same
    # non-empty set of codes.
    ref = x[np.argmax(rated, axis=1), np.arange(n_units), :]
    same = ((x == ref[None]) | ~rated.T[:, :, None]).all(axis=(0, 2))
    n_positive = np.append((a > 0).sum(axis=0), x.any(axis=(0, 2)).sum())
    n_agreed = np.append(((a == m[:, None]) & (a > 0)).sum(axis=0),
                         (same & ref.any(axis=1)).sum())
    return pd.DataFrame({
        "code": [*names, pooled], "n_units": n_units,
        "percent_agreement": rows["percent_agreement"], "cohen_kappa": rows["cohen_kappa"],
        "fleiss_kappa": rows["fleiss_kappa"], "krippendorff_alpha": rows["krippendorff_alpha"],
        "gwet_ac1": rows["gwet_ac1"], "alpha_ci_low": low, "alpha_ci_high": high,
        "brennan_prediger": rows["brennan_prediger"],
        "coded_agreement": np.divide(n_agreed, n_positive, out=np.full(n_codes + 1, np.nan),
                                     where=n_positive > 0),
        "n_positive": n_positive.astype(int),
        "n_agreed": n_agreed.astype(int), "n_boot": np.asarray(n_valid).astype(int)},
        columns=PRESENCE_COLUMNS)
