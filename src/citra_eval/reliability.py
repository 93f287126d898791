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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "LEVELS",
    "PRESENCE_COLUMNS",
    "AlphaDetails",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "krippendorff_alpha_details",
    "krippendorff_alpha_sets",
    "masi_distance",
    "percent_agreement",
    "presence_agreement",
    "resample_weights",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio")
_SET_LEVELS = ("masi", "jaccard")
_MAX_COINCIDENCE_VALUES = 200
_BLOCK_CELLS = 4_000_000  # cells of delta^2 held at once when summing the expected disagreement
_UNDEFINED = 1e-12  # chance disagreement at or below this: the coefficient is 0/0 (undefined)


# --------------------------------------------------------------------------- input

# What the coefficients accept: a DataFrame or 2-D array/sequence, units in rows, coders in
# columns (cells: category values, or sets of codes for the set-valued alpha).
Ratings = pd.DataFrame | np.ndarray | Sequence[Sequence]


def _matrix(ratings, name: str = "ratings") -> np.ndarray:
    """Ratings as a 2-D array (float when numeric, else object), checked for shape."""
    if isinstance(ratings, pd.DataFrame):
        numeric = all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
                      for t in ratings.dtypes)
        arr = ratings.to_numpy(dtype=float if numeric else object)
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
        if all(isinstance(v, int | float | np.number) and not isinstance(v, bool)
               for v in arr.ravel()):
            arr = arr.astype(float)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (units in rows, coders in columns), got "
                         f"{arr.ndim} dimension(s)")
    if arr.shape[1] < 2:
        raise ValueError(f"{name} needs at least two coders (columns), got {arr.shape[1]}")
    if arr.shape[0] < 1:
        raise ValueError(f"{name} has no units (rows)")
    return arr


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


def _percentile_interval(reps: np.ndarray, ci: float) -> tuple[np.ndarray, ...]:
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
    >>> d = krippendorff_alpha_details([[1, 1], [1, 2], [2, 2], [2, 2]])
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
    """

    def __init__(self, level: str, cats: np.ndarray, n_c: np.ndarray) -> None:
        self.level, self.n_c, self.n_cats = level, n_c, len(cats)
        self.values = None if level in ("nominal", "ordinal") else cats.astype(float)
        self.cum = np.cumsum(n_c)

    def pair(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Krippendorff (2011), section F: the four difference functions."""
        if self.level == "nominal":
            return (i != j).astype(float)
        if self.level == "ordinal":
            lo, hi = np.minimum(i, j), np.maximum(i, j)
            between = self.cum[hi] - self.cum[lo] + self.n_c[lo]
            return (between - (self.n_c[i] + self.n_c[j]) / 2.0) ** 2 * (lo != hi)
        a, b = self.values[i], self.values[j]
        if self.level == "interval":
            return (a - b) ** 2
        s = a + b  # ratio
        return np.divide(a - b, s, out=np.zeros(np.broadcast(a, b).shape), where=s != 0) ** 2

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
    """``sum_ck n_c n_k delta2_ck``, in row blocks of at most ~4 million cells."""
    v = len(n_c)
    step = max(1, _BLOCK_CELLS // max(v, 1))
    used = np.flatnonzero(n_c)
    total = 0.0
    for lo in range(0, len(used), step):
        rows = used[lo:lo + step]
        total += float(n_c[rows] @ delta.block(rows) @ n_c)
    return total


def _check_level(level: str, allowed: Sequence[str]) -> None:
    if level not in allowed:
        raise ValueError(f"level must be one of {', '.join(allowed)}, got {level!r}")


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
        d2 = _Delta(level, cats, cnt.sum(axis=0)) if delta is None else delta
        sq = d2.block(np.arange(n_cats))
        do_u, n_c = _alpha_unit_parts(cnt, sq)
        expected = float(n_c @ sq @ n_c)
        weighted = cnt / (mp - 1.0)[:, None]
        o = weighted.T @ cnt - np.diag(weighted.sum(axis=0))
        labels = [_label(c) for c in cats.tolist()]
        coinc = pd.DataFrame(o, index=labels, columns=labels)
    else:
        # Many distinct values: the same per-unit disagreements summed over the pairs of
        # values within each unit (one pass per pair of coders), and the expected disagreement
        # in blocks of rows, so no V x V matrix is held.
        n_c = np.bincount(kp[kp >= 0], minlength=n_cats).astype(float)
        d2 = _Delta(level, cats, n_c) if delta is None else delta
        do_u = np.zeros(n_pair)
        for i in range(kp.shape[1]):
            for j in range(i + 1, kp.shape[1]):
                both = (kp[:, i] >= 0) & (kp[:, j] >= 0)
                do_u[both] += 2.0 * d2.pair(kp[both, i], kp[both, j])
        do_u /= mp - 1.0
        expected = _expected_sum(d2, n_c)
    alpha, d_o, d_e, n = (float(v) for v in _alpha_values(do_u.sum(), n_c, expected))
    if not d_e > 0:
        only = cats[n_c > 0].tolist()
        raise ValueError(
            "Krippendorff's alpha is undefined: every pairable value is the same "
            f"({only[0] if len(only) == 1 else only}), so there is no variation to be reliable "
            "about (expected disagreement is 0)")
    details = AlphaDetails(
        alpha=alpha, level=level, n_units=n_units, n_pairable_units=n_pair,
        n_excluded_units=n_units - n_pair, n_values=int(n), observed_disagreement=d_o,
        expected_disagreement=d_e, categories=cats.tolist(), value_counts=n_c.tolist(),
        coincidences=coinc)
    return details, cnt


def krippendorff_alpha_details(ratings: Ratings, *, level: str = "nominal", n_boot: int = 0,
                               seed: int = 0, ci: float = 0.95) -> AlphaDetails:
    """Krippendorff's alpha with its parts: exclusions, disagreements, coincidence matrix.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing. For ``level="masi"`` or
        ``"jaccard"`` every cell is a set of codes (see :func:`krippendorff_alpha_sets`).
    level : {"nominal", "ordinal", "interval", "ratio", "masi", "jaccard"}
        Level of measurement (the difference function).
    n_boot : int
        Bootstrap replicates for a confidence interval (0: none). The pairable units are drawn
        with replacement and alpha recomputed from the resampled coincidences (vectorised);
        needs at most 200 distinct values.
    seed : int
        Seed of the bootstrap's random generator (``numpy.random.default_rng``).
    ci : float
        Confidence level of the percentile interval.

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
    The interval resamples units, the sampling unit of a reliability study. (Hayes and
    Krippendorff (2007) resample pairs of values instead; with two coders and no missing data
    the two coincide.)

    Examples
    --------
    >>> import numpy as np
    >>> d = krippendorff_alpha_details([[1, 1], [2, 2], [1, 2], [2, np.nan]])
    >>> round(d.alpha, 3), d.n_pairable_units, d.n_excluded_units
    (0.444, 3, 1)
    """
    if not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ValueError(f"n_boot must be a whole number >= 0, got {n_boot!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95), got {ci!r}")
    if level in _SET_LEVELS:
        codes, cats, delta = _prepare_sets(ratings, distance=level)
    else:
        codes, cats, delta = _prepare(ratings, level)
    details, cnt = _alpha_from_codes(codes, cats, level, delta=delta)
    if n_boot:
        if cnt is None:
            raise ValueError(f"the bootstrap interval needs at most {_MAX_COINCIDENCE_VALUES} "
                             f"distinct values; the ratings have {len(cats)}")
        sq = None if level == "ordinal" else (
            delta or _Delta(level, cats, cnt.sum(axis=0))).block(np.arange(len(cats)))
        reps = _bootstrap_alpha(cnt[None], sq, n_boot=n_boot, seed=seed)
        low, high, valid = _percentile_interval(reps, ci)
        details = replace(details, ci_low=float(low[0]), ci_high=float(high[0]),
                          n_boot=int(valid[0]))
    return details


def _prepare(ratings, level: str) -> tuple[np.ndarray, np.ndarray, None]:
    _check_level(level, LEVELS)
    arr = _matrix(ratings)
    if level != "nominal" and arr.dtype.kind != "f":
        raise ValueError(f"level={level!r} needs numeric ratings; found non-numeric values "
                         "(use level='nominal' for labels)")
    if level == "ratio" and np.nanmin(arr) < 0:
        raise ValueError("level='ratio' needs values >= 0 (a ratio scale has a true zero)")
    codes, cats = _encode(arr)
    return codes, cats, None


def krippendorff_alpha(ratings: Ratings, *, level: str = "nominal") -> float:
    """Krippendorff's alpha reliability coefficient.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing. Any number of coders; units with
        fewer than two values are not pairable and are left out (count them with
        :func:`krippendorff_alpha_details`).
    level : {"nominal", "ordinal", "interval", "ratio", "masi", "jaccard"}
        Level of measurement. ``"masi"``/``"jaccard"`` take set-valued cells
        (:func:`krippendorff_alpha_sets`).

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
    ``(c - k)^2``; ratio ``((c - k)/(c + k))^2``. The computation is vectorised over units
    (numpy), one pass per pair of coders.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43

    Examples
    --------
    The 4 coders x 12 units example of Krippendorff (2011), with missing values:

    >>> import numpy as np
    >>> N = np.nan
    >>> data = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    ...                  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    ...                  [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    ...                  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]]).T
    >>> round(krippendorff_alpha(data), 3)
    0.743
    >>> round(krippendorff_alpha(data, level="interval"), 3)
    0.849
    """
    return krippendorff_alpha_details(ratings, level=level).alpha


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
    >>> round(masi_distance({1, 2}, {1, 2, 3, 4}), 4)
    0.6667
    >>> masi_distance(set(), set())
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
    _check_level(distance, _SET_LEVELS)
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
    >>> r = [[{"a"}, {"a"}], [{"a", "b"}, {"a"}], [{"b"}, {"b"}], [set(), set()]]
    >>> round(krippendorff_alpha_sets(r), 3)
    0.8
    """
    _check_level(distance, _SET_LEVELS)
    return krippendorff_alpha_details(ratings, level=distance).alpha


# --------------------------------------------------------------------------- Gwet family


def _scalar_parts(ratings, categories, name: str) -> _GwetParts:
    """Validated ratings -> counts -> the Gwet-family parts of one variable."""
    arr = _matrix(ratings)
    codes, cats = _encode(arr, categories)
    parts = _gwet_parts(_counts(codes, len(cats)))
    if parts.n_two == 0:
        raise ValueError(f"{name} is undefined: none of the {len(codes)} unit(s) was rated by "
                         "two or more coders")
    return parts


def _scalar(value, pa, name: str) -> float:
    if not np.isfinite(value):
        raise ValueError(f"{name} is undefined: chance agreement is 1 (every rating falls in "
                         f"one category); percent agreement is {float(pa):.3f}")
    return float(value)


def _need_two_categories(parts: _GwetParts, name: str) -> None:
    if parts.q < 2:
        raise ValueError(f"{name} needs at least two categories; pass categories= to "
                         "declare the permitted values")


def percent_agreement(ratings: Ratings, *, categories: Sequence | None = None) -> float:
    """Observed (percent) agreement among coders, as a proportion.

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values (default: the values observed); other values are an error.

    Returns
    -------
    float
        ``p_a``: the share of agreeing coder pairs, averaged over units rated by two or more
        coders (for two coders: the share of units both coded alike).

    Notes
    -----
    ``p_a = (1/n') sum_i sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))`` over the ``n'`` units
    with ``r_i >= 2`` ratings (Gwet 2014, eq. 2.3.x; irrCAC ``pa.coeff.raw``).

    References
    ----------
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.

    Examples
    --------
    >>> percent_agreement([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]])
    0.75
    """
    return float(_scalar_parts(ratings, categories, "agreement").pa)


def fleiss_kappa(ratings: Ratings, *, categories: Sequence | None = None) -> float:
    """Fleiss' kappa for any number of coders (Fleiss 1971; missing ratings as Gwet 2014).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values (default: the values observed).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``p_e = sum_k pi_k^2``.

    Notes
    -----
    ``pi_k`` is the mean over units (rated at least once) of the share of the unit's ratings
    in category ``k``; with complete data this is Fleiss' (1971) ``p_j``. ``p_a`` as in
    :func:`percent_agreement`.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
    Bulletin, 76(5), 378-382. Gwet, K. L. (2014). Handbook of Inter-Rater Reliability.

    Examples
    --------
    >>> round(fleiss_kappa([[1, 1, 1], [1, 2, 2], [2, 2, 2], [1, 1, 2]]), 3)
    0.333
    """
    p = _scalar_parts(ratings, categories, "Fleiss' kappa")
    return _scalar(_kappa(p.pa, _chance_fleiss(p, None)), p.pa, "Fleiss' kappa")


def gwet_ac1(ratings: Ratings, *, categories: Sequence | None = None) -> float:
    """Gwet's first-order agreement coefficient AC1 (nominal, any number of coders).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values; ``q`` is their number (default: the values observed).

    Returns
    -------
    float
        ``(p_a - p_e) / (1 - p_e)`` with ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)``.

    Notes
    -----
    AC1 is robust to the "kappa paradox" (high agreement, low kappa when one category
    dominates), the usual situation for a code that is absent from most segments.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
    high agreement. British Journal of Mathematical and Statistical Psychology, 61, 29-48.

    Examples
    --------
    >>> round(gwet_ac1([[1, 1], [1, 1], [1, 1], [1, 2]]), 3)
    0.68
    """
    p = _scalar_parts(ratings, categories, "Gwet's AC1")
    _need_two_categories(p, "Gwet's AC1")
    return _scalar(_kappa(p.pa, _chance_gwet(p)), p.pa, "Gwet's AC1")


def brennan_prediger(ratings: Ratings, *, categories: Sequence | None = None) -> float:
    """Brennan-Prediger coefficient (free-marginal kappa; MAXQDA's "kappa").

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, coders in columns, NaN for missing.
    categories : sequence, optional
        The permitted values; ``q`` is their number (default: the values observed).

    Returns
    -------
    float
        ``(p_a - 1/q) / (1 - 1/q)``.

    References
    ----------
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and
    alternatives. Educational and Psychological Measurement, 41, 687-699.

    Examples
    --------
    >>> brennan_prediger([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]])
    0.5
    """
    p = _scalar_parts(ratings, categories, "Brennan-Prediger")
    _need_two_categories(p, "Brennan-Prediger")
    return _scalar(_kappa(p.pa, _chance_bp(p)), p.pa, "Brennan-Prediger")


# --------------------------------------------------------------------------- Cohen


def cohen_kappa(ratings: Ratings, *, weights: str | None = None,
                categories: Sequence | None = None) -> float:
    """Cohen's kappa for two coders, unweighted or weighted (Cohen 1960, 1968).

    Parameters
    ----------
    ratings : DataFrame or 2-D array
        Units in rows, exactly two coders in columns; units not rated by both are left out.
    weights : {None, "linear", "quadratic"}
        Disagreement weights between categories ``i`` and ``j`` (their positions in the
        ordered categories): none (``[i != j]``), ``|i - j|`` or ``(i - j)^2``.
    categories : sequence, optional
        The ordered permitted values (default: the sorted values observed). Matters for the
        weights when a category in between was never used.

    Returns
    -------
    float
        ``kappa_w = 1 - sum v_ij p_ij / sum v_ij e_ij`` with ``p_ij`` the observed and
        ``e_ij`` the chance (product of marginals) joint proportions; for ``weights=None``
        this is ``(p_o - p_e) / (1 - p_e)``.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20, 37-46. Cohen, J. (1968). Weighted kappa. Psychological
    Bulletin, 70(4), 213-220.

    Examples
    --------
    >>> round(cohen_kappa([[1, 1], [2, 2], [3, 3], [1, 2], [2, 3]], weights="linear"), 3)
    0.545
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    arr = _matrix(ratings)
    if arr.shape[1] != 2:
        raise ValueError(f"Cohen's kappa needs exactly two coders (columns), got "
                         f"{arr.shape[1]}; use fleiss_kappa or krippendorff_alpha for more")
    codes, cats = _encode(arr, categories)
    both = (codes >= 0).all(axis=1)
    if not both.any():
        raise ValueError("Cohen's kappa is undefined: no unit was rated by both coders")
    if weights is not None and arr.dtype.kind != "f" and categories is None:
        raise ValueError("weighted kappa needs ordered categories: numeric ratings or "
                         "categories= in order")
    q = len(cats)
    table = np.bincount(codes[both, 0] * q + codes[both, 1], minlength=q * q).reshape(q, q)
    pos = np.arange(q)
    v = {None: (pos[:, None] != pos[None, :]).astype(float),
         "linear": np.abs(np.subtract.outer(pos, pos)).astype(float),
         "quadratic": np.subtract.outer(pos, pos).astype(float) ** 2}[weights]
    kappa = _cohen_values(table, v)
    if not np.isfinite(kappa):
        raise ValueError(f"Cohen's kappa is undefined: chance agreement is 1 (both coders put "
                         f"every unit in one category); percent agreement is "
                         f"{np.trace(table) / table.sum():.3f}")
    return float(kappa)


# --------------------------------------------------------------------------- many codes at once

#: Columns of :func:`presence_agreement`.
PRESENCE_COLUMNS = ["code", "n_units", "percent_agreement", "cohen_kappa", "fleiss_kappa",
                    "krippendorff_alpha", "gwet_ac1", "alpha_ci_low", "alpha_ci_high",
                    "brennan_prediger", "n_positive", "n_agreed", "n_boot"]
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
    >>> import numpy as np
    >>> present = np.array([[[1, 0], [1, 1], [0, 0], [0, 1]],     # coder A: 4 units x 2 codes
    ...                     [[1, 0], [1, 0], [0, 0], [0, 1]]], bool)
    >>> t = presence_agreement(present, codes=["x", "y"], n_boot=0)
    >>> t[["code", "percent_agreement", "cohen_kappa", "krippendorff_alpha"]].round(3)
      code  percent_agreement  cohen_kappa  krippendorff_alpha
    0    x              1.000         1.00               1.000
    1    y              0.750         0.50               0.533
    2  ALL              0.875         0.75               0.762
    """
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
        low, high, n_valid = _percentile_interval(reps, ci)
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
        "brennan_prediger": rows["brennan_prediger"], "n_positive": n_positive.astype(int),
        "n_agreed": n_agreed.astype(int), "n_boot": np.asarray(n_valid).astype(int)},
        columns=PRESENCE_COLUMNS)
