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

import numpy as np
import pandas as pd

__all__ = [
    "LEVELS",
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
    "resample_weights",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio")
_SET_LEVELS = ("masi", "jaccard")
_MAX_COINCIDENCE_VALUES = 200
_BLOCK_CELLS = 4_000_000  # cells of delta^2 held at once when summing the expected disagreement


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
                      delta: _Delta | None = None) -> AlphaDetails:
    m = (codes >= 0).sum(axis=1)
    pairable = m >= 2
    n_units, n_pair = codes.shape[0], int(pairable.sum())
    if n_pair == 0:
        raise ValueError(
            f"Krippendorff's alpha is undefined: none of the {n_units} unit(s) has two or more "
            "values, so nothing is pairable; every unit needs at least two coders' ratings")
    kp, mp = codes[pairable], m[pairable].astype(float)
    n_cats = len(cats)
    coinc = None
    if n_cats <= _MAX_COINCIDENCE_VALUES:
        # The coincidence matrix o_ck = sum_u n_uc (n_uk - [c = k]) / (m_u - 1), then
        # D_o = sum o * delta2 / n: two small matrix products over the units.
        cnt = _counts(kp, n_cats)
        n_c = cnt.sum(axis=0)
        weighted = cnt / (mp - 1.0)[:, None]
        o = weighted.T @ cnt - np.diag(weighted.sum(axis=0))
        d2 = _Delta(level, cats, n_c) if delta is None else delta
        sq = d2.block(np.arange(n_cats))
        n = n_c.sum()
        d_o = float((o * sq).sum()) / n
        d_e = float(n_c @ sq @ n_c) / (n * (n - 1.0))
        labels = [_label(c) for c in cats.tolist()]
        coinc = pd.DataFrame(o, index=labels, columns=labels)
    else:
        # Many distinct values: sum delta2 over the pairs of values within each unit instead
        # (one pass per pair of coders), and the expected disagreement in blocks.
        n_c = np.bincount(kp[kp >= 0], minlength=n_cats).astype(float)
        n = n_c.sum()
        d2 = _Delta(level, cats, n_c) if delta is None else delta
        do_u = np.zeros(n_pair)
        for i in range(kp.shape[1]):
            for j in range(i + 1, kp.shape[1]):
                both = (kp[:, i] >= 0) & (kp[:, j] >= 0)
                do_u[both] += 2.0 * d2.pair(kp[both, i], kp[both, j])
        d_o = float((do_u / (mp - 1.0)).sum()) / n
        d_e = _expected_sum(d2, n_c) / (n * (n - 1.0))
    if d_e == 0:
        only = cats[n_c > 0].tolist()
        raise ValueError(
            "Krippendorff's alpha is undefined: every pairable value is the same "
            f"({only[0] if len(only) == 1 else only}), so there is no variation to be reliable "
            "about (expected disagreement is 0)")
    return AlphaDetails(
        alpha=float(1.0 - d_o / d_e), level=level, n_units=n_units, n_pairable_units=n_pair,
        n_excluded_units=n_units - n_pair, n_values=int(n), observed_disagreement=float(d_o),
        expected_disagreement=float(d_e), categories=cats.tolist(), value_counts=n_c.tolist(),
        coincidences=coinc)


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
    details = _alpha_from_codes(codes, cats, level, delta=delta)
    if n_boot:
        low, high, valid = _alpha_bootstrap(codes, cats, level, delta, n_boot=n_boot,
                                            seed=seed, ci=ci)
        details = replace(details, ci_low=low, ci_high=high, n_boot=valid)
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


def resample_weights(rng: np.random.Generator, n_units: int, n_rep: int) -> np.ndarray:
    """``n_rep x n_units`` counts: how often each unit is drawn in each bootstrap replicate.

    Draws ``rng.integers(0, n_units, (n_rep, n_units))`` (one row per replicate) and counts
    them, so a statistic that is a sum over units becomes a matrix product.
    """
    draws = rng.integers(0, n_units, size=(n_rep, n_units))
    flat = (draws + n_units * np.arange(n_rep)[:, None]).ravel()
    return np.bincount(flat, minlength=n_rep * n_units).reshape(n_rep, n_units).astype(float)


def _alpha_bootstrap(codes: np.ndarray, cats: np.ndarray, level: str, delta: _Delta | None, *,
                     n_boot: int, seed: int, ci: float) -> tuple[float, float, int]:
    """Percentile interval of alpha over unit resamples, from per-unit coincidences."""
    n_cats = len(cats)
    if n_cats > _MAX_COINCIDENCE_VALUES:
        raise ValueError(f"the bootstrap interval needs at most {_MAX_COINCIDENCE_VALUES} "
                         f"distinct values; the ratings have {n_cats}")
    m = (codes >= 0).sum(axis=1)
    kp, mp = codes[m >= 2], m[m >= 2].astype(float)
    n_units = len(kp)
    cnt = _counts(kp, n_cats)
    weighted = cnt / (mp - 1.0)[:, None]
    fixed = level != "ordinal"
    if fixed:
        sq = (delta or _Delta(level, cats, cnt.sum(axis=0))).block(np.arange(n_cats))
        do_u = ((weighted @ sq) * cnt).sum(axis=1)  # sum_ck n_uc n_uk d_ck / (m_u - 1)
    lo, hi = np.minimum.outer(np.arange(n_cats), np.arange(n_cats)), np.maximum.outer(
        np.arange(n_cats), np.arange(n_cats))
    rng = np.random.default_rng(seed)
    reps = np.empty(n_boot)
    step = max(1, _BLOCK_CELLS // max(n_units * (1 if fixed else n_cats), 1))
    for start in range(0, n_boot, step):
        w = resample_weights(rng, n_units, min(step, n_boot - start))
        nb = w @ cnt                                   # replicate x category counts
        n = nb.sum(axis=1)
        if fixed:
            d_o = w @ do_u
            d_e = np.einsum("bc,ck,bk->b", nb, sq, nb) / (n - 1.0)
        else:  # ordinal: the difference function depends on each replicate's marginals
            cum = np.cumsum(nb, axis=1)
            between = cum[:, hi] - cum[:, lo] + nb[:, lo]
            sq_b = (between - (nb[:, :, None] + nb[:, None, :]) / 2.0) ** 2 * (lo != hi)
            o = np.einsum("bu,uc,uk->bck", w, weighted, cnt, optimize=True)
            o -= np.einsum("bc,ck->bck", w @ weighted, np.eye(n_cats))
            d_o = (o * sq_b).sum(axis=(1, 2))
            d_e = np.einsum("bc,bck,bk->b", nb, sq_b, nb) / (n - 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            reps[start:start + len(w)] = np.where(d_e > 0, 1.0 - d_o / d_e, np.nan)
    valid = reps[np.isfinite(reps)]
    if valid.size == 0:
        return np.nan, np.nan, 0
    return (float(np.quantile(valid, (1 - ci) / 2)), float(np.quantile(valid, (1 + ci) / 2)),
            int(valid.size))


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


def _gwet_parts(ratings, categories) -> tuple[float, np.ndarray, int]:
    """Observed agreement ``p_a``, prevalences ``pi_k`` and the number of categories ``q``."""
    arr = _matrix(ratings)
    codes, cats = _encode(arr, categories)
    cnt = _counts(codes, len(cats))
    r = cnt.sum(axis=1)
    two = r >= 2
    if not two.any():
        raise ValueError(f"agreement is undefined: none of the {len(r)} unit(s) was rated by "
                         "two or more coders")
    pa = float(np.mean((cnt[two] * (cnt[two] - 1)).sum(axis=1) / (r[two] * (r[two] - 1))))
    one = r >= 1
    pi = (cnt[one] / r[one][:, None]).mean(axis=0)
    return pa, pi, len(cats)


def _chance_corrected(pa: float, pe: float, name: str) -> float:
    if np.isclose(pe, 1.0):
        raise ValueError(f"{name} is undefined: chance agreement is 1 (every rating falls in "
                         f"one category); percent agreement is {pa:.3f}")
    return float((pa - pe) / (1.0 - pe))


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
    return _gwet_parts(ratings, categories)[0]


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
    pa, pi, _ = _gwet_parts(ratings, categories)
    return _chance_corrected(pa, float((pi ** 2).sum()), "Fleiss' kappa")


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
    pa, pi, q = _gwet_parts(ratings, categories)
    if q < 2:
        raise ValueError("Gwet's AC1 needs at least two categories; pass categories= to "
                         "declare the permitted values")
    return _chance_corrected(pa, float((pi * (1 - pi)).sum() / (q - 1)), "Gwet's AC1")


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
    pa, _, q = _gwet_parts(ratings, categories)
    if q < 2:
        raise ValueError("Brennan-Prediger needs at least two categories; pass categories= "
                         "to declare the permitted values")
    return _chance_corrected(pa, 1.0 / q, "Brennan-Prediger")


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
    p = table / table.sum()
    e = np.outer(p.sum(axis=1), p.sum(axis=0))
    pos = np.arange(q)
    v = {None: (pos[:, None] != pos[None, :]).astype(float),
         "linear": np.abs(np.subtract.outer(pos, pos)).astype(float),
         "quadratic": np.subtract.outer(pos, pos).astype(float) ** 2}[weights]
    expected = float((v * e).sum())
    if expected == 0:
        raise ValueError(f"Cohen's kappa is undefined: chance agreement is 1 (both coders put "
                         f"every unit in one category); percent agreement is {np.trace(p):.3f}")
    return float(1.0 - (v * p).sum() / expected)
