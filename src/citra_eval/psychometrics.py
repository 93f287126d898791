"""Reliability of survey scales: Cronbach's alpha, McDonald's omega, item statistics.

Alpha is computed as psych ``alpha()`` computes its ``raw_alpha`` (and as pingouin
``cronbach_alpha``, which does the work here): from the item covariance matrix with pairwise
deletion of missing answers, after reverse-keying.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ._validation import check_type
from .survey import Instrument, keyed_items

__all__ = ["RELIABILITY_COLUMNS", "item_statistics", "omega_total", "scale_reliability"]

RELIABILITY_COLUMNS = ["scale", "n_items", "n", "alpha", "ci_low", "ci_high", "std_alpha",
                       "average_r", "omega_total", "mean", "sd"]


def _pairwise_cov(block: pd.DataFrame) -> np.ndarray:
    return block.cov().to_numpy()


def _cov2cor(c: np.ndarray) -> np.ndarray:
    s = np.sqrt(np.diag(c))
    return c / np.outer(s, s)


def omega_total(items: pd.DataFrame) -> float:
    """McDonald's omega total of one-factor items (from their pairwise correlations).

    Parameters
    ----------
    items : DataFrame
        Item columns (already reverse-keyed), NaN for missing answers.

    Returns
    -------
    float
        :math:`\\omega_t = (\\sum\\lambda_i)^2 / ((\\sum\\lambda_i)^2 + \\sum\\psi_i)`, with the
        standardised loadings :math:`\\lambda` and uniquenesses :math:`\\psi = 1 - \\lambda^2`
        of a one-factor maximum-likelihood solution (statsmodels ``Factor(method="ml")``) of
        the pairwise correlation matrix. When ML fails (e.g. a Heywood case), principal-axis
        factoring (``method="pa"``) is used. NaN for fewer than three items (a one-factor
        model is not identified with two).

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum. Revelle, W. &
    Zinbarg, R. E. (2009). Coefficients alpha, beta, omega, and the glb. Psychometrika 74,
    145–154.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(5000, 1))
    >>> items = pd.DataFrame(f * 0.7 + rng.normal(size=(5000, 4)) * np.sqrt(1 - 0.49))
    >>> round(omega_total(items), 2)  # population: 2.8**2 / (2.8**2 + 4 * 0.51) = 0.79
    0.79
    """
    from statsmodels.multivariate.factor import Factor

    check_type("items", items, pd.DataFrame, "a DataFrame of item columns")
    block = items.astype("float64")
    k = block.shape[1]
    if k < 3:
        return math.nan
    corr = _cov2cor(_pairwise_cov(block))
    if not np.all(np.isfinite(corr)):
        return math.nan
    nobs = int(block.dropna(how="all").shape[0])
    lam = None
    for method in ("ml", "pa"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = Factor(corr=corr, n_factor=1, method=method, nobs=nobs).fit()
            cand = np.abs(np.asarray(res.loadings, dtype=float).ravel())
        except (np.linalg.LinAlgError, ValueError):
            continue
        if np.all(np.isfinite(cand)) and np.all(cand < 1):
            lam = cand
            break
    if lam is None:
        return math.nan
    common = lam.sum() ** 2
    return float(common / (common + np.sum(1 - lam ** 2)))


def scale_reliability(responses: pd.DataFrame, instrument: Instrument, *,
                      scales: list[str] | None = None, ci: float = 0.95,
                      impute: str | None = None) -> pd.DataFrame:
    """Internal consistency of every scale: alpha with its CI, standardised alpha, omega.

    Parameters
    ----------
    responses : DataFrame
        Validated responses (:func:`citra_eval.read_responses`).
    instrument : Instrument
        The instrument (items and reverse keys of each scale).
    scales : list of str, optional
        Scales to analyse (default: every scale).
    ci : float
        Confidence level of the alpha interval.
    impute : {None, "median"}
        None (default): pairwise deletion, as psych ``alpha()``. ``"median"``: replace each
        missing answer by the item median first, as psych ``scoreItems()`` does by default
        (its printed alphas are those of the imputed items).

    Returns
    -------
    DataFrame
        One row per scale: ``scale``; ``n_items``; ``n`` (respondents with at least one
        answered item of the scale); ``alpha`` (Cronbach's alpha, psych ``raw_alpha``);
        ``ci_low, ci_high`` (Feldt's interval, pingouin's formula without its rounding);
        ``std_alpha`` (psych ``std.alpha``: alpha of the correlation matrix
        ``cov2cor(C)``); ``average_r`` (psych ``average_r``: mean inter-item correlation);
        ``omega_total`` (:func:`omega_total`); ``mean, sd`` (of the respondents' mean scores,
        psych ``mean``/``sd``).

    Notes
    -----
    With C the covariance matrix of the k reverse-keyed items (pairwise deletion),
    :math:`\\alpha = \\frac{k}{k-1}(1 - \\mathrm{tr}(C) / \\mathbf 1^\\top C \\mathbf 1)`
    (pingouin ``cronbach_alpha(nan_policy="pairwise")``), exactly psych
    ``alpha(x, keys)$total$raw_alpha`` with its default ``use = "pairwise"``.
    :math:`\\alpha_{std} = k\\bar r / (1 + (k-1)\\bar r)`. Feldt's interval is
    :math:`1 - (1-\\alpha) F_{1-a/2 \\text{ or } a/2}(n-1, (n-1)(k-1))`.
    Scale scores for ``mean``/``sd`` are means of answered items (psych ``alpha()`` scores the
    same way; ``scoreItems`` would impute medians first).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16, 297–334. Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987).
    Statistical inference for coefficient alpha. Appl. Psychol. Meas. 11, 93–103.
    Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality Research
    (``alpha``).

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> rel = ce.scale_reliability(resp, inst)
    >>> list(rel.columns[:6])
    ['scale', 'n_items', 'n', 'alpha', 'ci_low', 'ci_high']
    >>> bool(((rel["ci_low"] <= rel["alpha"]) & (rel["alpha"] <= rel["ci_high"])).all())
    True
    """
    import pingouin as pg
    from scipy.stats import f as f_dist

    names = list(instrument.scales) if scales is None else list(scales)
    if not 0 < ci < 1:
        raise ValueError(f"ci must lie between 0 and 1, got {ci!r}")
    if impute not in (None, "median"):
        raise ValueError(f"impute must be None or 'median', got {impute!r}")
    rows = []
    for name in names:
        block = keyed_items(responses, instrument, name)
        block = block[block.notna().any(axis=1)]
        if impute == "median":
            block = block.fillna(block.median())
        k, n = block.shape[1], block.shape[0]
        row = {"scale": name, "n_items": k, "n": n}
        scores = block.mean(axis=1)
        row["mean"] = float(scores.mean()) if n else math.nan
        row["sd"] = float(scores.std(ddof=1)) if n > 1 else math.nan
        if k >= 2 and n >= 2:
            alpha = pg.cronbach_alpha(data=block, nan_policy="pairwise", ci=ci)[0]
            # Feldt's interval as pingouin computes it, unrounded (pingouin rounds to 3 places)
            a = 1 - ci
            lo = 1 - (1 - alpha) * f_dist.isf(a / 2, n - 1, (n - 1) * (k - 1))
            hi = 1 - (1 - alpha) * f_dist.isf(1 - a / 2, n - 1, (n - 1) * (k - 1))
            r = _cov2cor(_pairwise_cov(block))
            rbar = float(r[np.triu_indices(k, 1)].mean())
            row.update(alpha=float(alpha), ci_low=float(lo), ci_high=float(hi),
                       std_alpha=k * rbar / (1 + (k - 1) * rbar), average_r=rbar,
                       omega_total=omega_total(block))
        else:  # alpha needs two items and two respondents
            row.update(alpha=math.nan, ci_low=math.nan, ci_high=math.nan, std_alpha=math.nan,
                       average_r=math.nan, omega_total=math.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)


def item_statistics(responses: pd.DataFrame, instrument: Instrument, *,
                    scales: list[str] | None = None) -> pd.DataFrame:
    """Item analysis of every scale: corrected item-total correlation, alpha if deleted.

    Parameters
    ----------
    responses : DataFrame
        Validated responses.
    instrument : Instrument
        The instrument.
    scales : list of str, optional
        Scales to analyse (default: every scale).

    Returns
    -------
    DataFrame
        One row per scale and item: ``scale, item, reverse, n, mean, sd, r_drop,
        alpha_if_deleted``. ``mean``/``sd`` are of the reverse-keyed item; ``r_drop`` is the
        correlation of the item with the sum of the other items of the scale (psych
        ``alpha()$item.stats$r.drop``); ``alpha_if_deleted`` is the raw alpha of the scale
        without the item (psych ``alpha()$alpha.drop$raw_alpha``; NaN when one item would
        remain).

    Notes
    -----
    Both come from the pairwise covariance matrix C, as in psych: with
    :math:`s_i = \\sum_j C_{ij}` and :math:`V = \\sum_{ij} C_{ij}`,
    :math:`r_{drop,i} = (s_i - C_{ii}) / \\sqrt{C_{ii}(V - 2s_i + C_{ii})}`.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> st = ce.item_statistics(resp, inst, scales=["KS"])
    >>> st["item"].tolist(), st["reverse"].tolist()
    (['KS1', 'KS2', 'KS3', 'KS4'], [False, False, False, True])
    """
    import pingouin as pg

    names = list(instrument.scales) if scales is None else list(scales)
    rows = []
    for name in names:
        block = keyed_items(responses, instrument, name)
        rev = instrument.reverse_items(name)
        k = block.shape[1]
        c = _pairwise_cov(block)
        s = c.sum(axis=0)
        v = c.sum()
        for i, item in enumerate(block.columns):
            col = block[item]
            denom = c[i, i] * (v - 2 * s[i] + c[i, i])
            r_drop = (s[i] - c[i, i]) / math.sqrt(denom) if k > 1 and denom > 0 else math.nan
            rest = block.drop(columns=item)
            rest = rest[rest.notna().any(axis=1)]
            a_del = (float(pg.cronbach_alpha(data=rest, nan_policy="pairwise")[0])
                     if k > 2 and len(rest) >= 2 else math.nan)
            rows.append({"scale": name, "item": item, "reverse": item in rev,
                         "n": int(col.notna().sum()), "mean": float(col.mean()),
                         "sd": float(col.std(ddof=1)), "r_drop": float(r_drop),
                         "alpha_if_deleted": a_del})
    return pd.DataFrame(rows, columns=["scale", "item", "reverse", "n", "mean", "sd", "r_drop",
                                       "alpha_if_deleted"])
