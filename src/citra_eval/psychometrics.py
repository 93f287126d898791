"""Reliability of survey scales: Cronbach's alpha, McDonald's omega, item statistics.

Alpha is computed as psych ``alpha()`` computes its ``raw_alpha`` (and as pingouin
``cronbach_alpha``): from the item covariance matrix with pairwise deletion of missing
answers, after reverse-keying. :func:`scale_reliability` evaluates pingouin's expression on
the matrix it computes anyway (:func:`_alpha`, equal to pingouin's number to the bit);
:func:`item_statistics` does the same for alpha if an item is deleted.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ._validation import (
    check_choice,
    check_ci,
    check_finite,
    check_int,
    check_names,
    check_type,
)
from .survey import NO_ANSWERS, Instrument, ScaleWarning, keyed_items

__all__ = ["ITEM_COLUMNS", "RELIABILITY_COLUMNS", "ScaleWarning", "item_statistics",
           "omega_total", "reliability_warnings", "scale_reliability"]

RELIABILITY_COLUMNS = ["scale", "n_items", "n", "alpha", "ci_low", "ci_high", "std_alpha",
                       "average_r", "omega_total", "mean", "sd", "warning"]
ITEM_COLUMNS = ["scale", "item", "reverse", "n", "mean", "sd", "r_drop", "alpha_if_deleted",
                "warning"]


def _pairwise_cov(block: pd.DataFrame) -> np.ndarray:
    """The pairwise covariance matrix; NaN for fewer than two respondents (numpy would warn
    "Degrees of freedom <= 0" and divide by zero)."""
    if len(block) < 2:
        return np.full((block.shape[1], block.shape[1]), np.nan)
    return block.cov().to_numpy()


def _alpha(cov: pd.DataFrame) -> float:
    """Cronbach's alpha from the pairwise covariance matrix ``cov`` (a DataFrame, as
    ``DataFrame.cov`` returns it) of k >= 2 items: the expression pingouin
    ``cronbach_alpha(nan_policy="pairwise")`` evaluates on the matrix it computes from the
    same items, so the same number to the bit (tested), without computing the matrix twice."""
    k = cov.shape[1]
    return float((k / (k - 1)) * (1 - np.trace(cov) / cov.sum().sum()))


def _cov2cor(c: np.ndarray) -> np.ndarray:
    s = np.sqrt(np.diag(c))
    with np.errstate(divide="ignore", invalid="ignore"):
        return c / np.outer(s, s)


def _r_drop(c: np.ndarray) -> np.ndarray:
    """Corrected item-total correlations from a covariance matrix (psych ``r.drop``)."""
    s, v, d = c.sum(axis=0), c.sum(), np.diag(c)
    denom = d * (v - 2 * s + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (s - d) / np.sqrt(denom)
    return np.where((denom > 0) & (len(d) > 1), r, np.nan)


def _not_psd(c: np.ndarray) -> str:
    """A note when the pairwise covariance matrix ``c`` is not positive semidefinite, else
    ``""``. With answers missing in different patterns each variance and covariance comes
    from other respondents, and the matrix need not be one any data could have: a
    correlation from it can exceed 1 (psych ``alpha()`` computes the same numbers)."""
    if len(c) < 2 or not np.all(np.isfinite(c)):
        return ""
    vals = np.linalg.eigvalsh((c + c.T) / 2)
    if not vals[0] < -1e-10 * max(abs(vals[-1]), 1.0):
        return ""
    return (f"the pairwise covariance matrix is not positive semidefinite (smallest "
            f"eigenvalue {vals[0]:.3g}): answers missing in different patterns make the "
            "pairwise variances and covariances inconsistent, so r_drop, std_alpha and "
            "average_r are unreliable (a correlation can exceed 1) and alpha may be too: "
            "compare with impute='median', or with the respondents who answered every item")


def _item_problems(block: pd.DataFrame, c: np.ndarray) -> dict[str, list[str]]:
    """Per item: no variance, or a negative correlation with the rest of its scale."""
    out: dict[str, list[str]] = {str(i): [] for i in block.columns}
    r = _r_drop(c)
    for j, item in enumerate(block.columns):
        if not block[item].notna().any():
            out[str(item)].append(NO_ANSWERS)
        elif block[item].notna().sum() < 2:
            out[str(item)].append("answered by 1 respondent: its variance and correlations "
                                  "need at least two")
        elif not np.diag(c)[j] > 0:
            out[str(item)].append("no variance (every respondent gave the same answer)")
        elif r[j] < 0:
            out[str(item)].append(f"correlates negatively with the rest of the scale "
                                  f"(r_drop = {r[j]:.2f}): is a reverse key missing?")
    return out


def _few_pairwise(block: pd.DataFrame) -> list[str]:
    """A note per item answered together with some other item by fewer than
    :data:`MIN_PAIRWISE_N` (but at least two) of the scale's respondents: its pairwise
    covariances, and so alpha, rest on them while Feldt's interval assumes them all."""
    if block.shape[1] < 2:
        return []
    both = block.notna().astype(int)
    together = (both.T @ both).to_numpy(copy=True)
    np.fill_diagonal(together, len(block))
    least = together.min(axis=1)
    return [f"item {item}: answered together with the other items by only {int(m)} "
            f"respondents (of {len(block)}): its covariances, and so alpha, rest on them "
            f"while alpha's interval assumes {len(block)}; report the scale without it, or "
            "collect more answers"
            for item, m in zip(block.columns, least, strict=True)
            if 2 <= m < MIN_PAIRWISE_N and m < len(block)]


def _why_no_alpha(block: pd.DataFrame, c: np.ndarray) -> str:
    """Why alpha cannot be computed from the pairwise covariance matrix ``c`` of ``block``."""
    empty = [str(i) for i in block.columns if not block[i].notna().any()]
    if empty:
        return f"alpha is undefined: item(s) {', '.join(empty)} have no answers"
    if apart := _apart(block):
        return f"alpha is undefined: {apart}"
    return "the scale score has no variance: alpha is undefined"


def _apart(block: pd.DataFrame) -> str:
    """Which items of ``block`` are answered together by fewer than two respondents (their
    covariance unknown, NaN in the pairwise matrix), as a clause; ``""`` when none are."""
    both = block.notna().astype(int)
    together = both.T @ both
    apart = [(str(a), str(b)) for i, a in enumerate(block.columns)
             for b in block.columns[i + 1:] if together.loc[a, b] < 2]
    if not apart:
        return ""
    shown = ", ".join(f"{a} and {b}" for a, b in apart[:3])
    return (f"{shown} are answered together by fewer than two respondents, so their "
            "covariance is unknown")


def _warn(messages: list[str], where: str) -> str:
    text = "; ".join(messages)
    if text:
        warnings.warn(f"{where}: {text}", ScaleWarning, stacklevel=3)
    return text


#: :func:`scale_reliability` warns about an item answered together with another item of its
#: scale by fewer respondents than this (an item added late, or behind skip logic).
MIN_PAIRWISE_N = 10

#: A one-factor solution with a uniqueness below this (a standardised loading of about
#: 0.9995 or more) is a Heywood case: an item without unique variance, omega undefined.
HEYWOOD_UNIQUENESS = 1e-3


def _ml_start(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic starting values of the one-factor ML fit: uniquenesses ``1 - SMC``
    (squared multiple correlations, psych ``fa``'s start) and the loadings of the first
    principal axis of the correlation matrix with the SMCs on its diagonal."""
    try:
        smc = 1 - 1 / np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError:
        smc = np.full(len(corr), 0.5)
    if not np.all(np.isfinite(smc)):
        smc = np.full(len(corr), 0.5)
    uniq = np.clip(1 - smc, 0.005, 0.995)
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1 - uniq)
    vals, vecs = np.linalg.eigh(reduced)
    load = vecs[:, -1] * np.sqrt(max(vals[-1], 0.01))
    load = load if load.sum() >= 0 else -load
    return load[:, None], uniq


def _omega(items: pd.DataFrame) -> tuple[float, str]:
    """Omega total of ``items`` and, when it is NaN for a reason a user should know, why."""
    from statsmodels.multivariate.factor import Factor

    block = items.astype("float64")
    k = block.shape[1]
    if k < 3:
        return math.nan, ""  # documented: one factor is not identified by two items
    # the pairwise correlation matrix, as psych omega() on raw data (cor(x, use="pairwise")):
    # each correlation from the respondents who answered both items, with their own variances
    corr = block.corr().to_numpy()
    if not np.all(np.isfinite(corr)):
        return math.nan, ""  # an item without variance or pairs never answered together
    nobs = int(block.dropna(how="all").shape[0])
    if nobs <= k:
        return math.nan, ""  # fewer respondents than items: the caller says so
    fits = {"ml": {"start": _ml_start(corr)}, "pa": {}}
    for method, kwargs in fits.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = Factor(corr=corr, n_factor=1, method=method, nobs=nobs).fit(**kwargs)
            cand = np.asarray(res.loadings, dtype=float).ravel()
        except (np.linalg.LinAlgError, ValueError):
            continue
        if method == "ml" and not bool(getattr(res.mle_retvals, "success", True)):
            continue
        cand = cand if cand.sum() >= 0 else -cand  # the factor's sign is arbitrary
        if np.all(np.isfinite(cand)) and np.all(1 - cand ** 2 > HEYWOOD_UNIQUENESS):
            common = cand.sum() ** 2
            return float(common / (common + np.sum(1 - cand ** 2))), ""
    return math.nan, ("omega is undefined: the one-factor solution is a Heywood case (an "
                      "item loads 1 or more, with no unique variance, in both the ML and the "
                      "principal-axis solution), usual with few respondents or near-duplicate "
                      "items: report alpha only")


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
        the pairwise correlation matrix (see Notes). When ML does not converge or gives a
        Heywood case (a uniqueness below :data:`HEYWOOD_UNIQUENESS`), principal-axis factoring
        (``method="pa"``) is used; when that is a Heywood case too, omega is NaN
        (:func:`scale_reliability` says why in its ``warning``). NaN also for fewer than
        three items (a one-factor model is not identified with two), fewer respondents than
        items, or an item without variance.

    Raises
    ------
    InputError
        When an item holds an infinite value (named, with its rows).

    Notes
    -----
    The correlation matrix factored is the pairwise one: each correlation is computed from
    the respondents who answered both items, with the means and variances of those
    respondents (pandas ``items.corr()``, R ``cor(x, use = "pairwise")``, which psych
    ``omega()`` uses on raw data). It is not ``cov2cor`` of the pairwise covariances
    (variances from every answer of an item), which differs when answers are missing and
    can turn a proper solution into a Heywood case; without missing answers the two agree.

    This is omega total of the items **as keyed**: the loadings keep their signs (the
    factor is oriented so that their sum is positive), so an item loading negatively — a
    forgotten reverse key — lowers omega as it lowers alpha. psych ``omega()`` with its
    default ``check.keys = TRUE`` reverses such items first and reports the omega of a
    differently keyed scale (higher); on items that all load positively the two agree.

    The result is deterministic: the ML fit starts from the uniquenesses ``1 - SMC``
    (squared multiple correlations, as psych ``fa``) and the first principal axis of the
    correlation matrix with the SMCs on its diagonal, never from random values (statsmodels'
    default start draws them).

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum. Revelle, W. &
    Zinbarg, R. E. (2009). Coefficients alpha, beta, omega, and the glb. Psychometrika 74,
    145–154.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(5000, 1))
    >>> items = pd.DataFrame(f * 0.7 + rng.normal(size=(5000, 4)) * np.sqrt(1 - 0.49))
    >>> round(ce.omega_total(items), 2)  # population: 2.8**2 / (2.8**2 + 4 * 0.51) = 0.79
    0.79
    """
    check_type("items", items, pd.DataFrame, "a DataFrame of item columns")
    check_finite(items, items.columns, "omega_total")
    return _omega(items)[0]


def scale_reliability(responses: pd.DataFrame, instrument: Instrument, *,
                      scales: list[str] | None = None, ci: float = 0.95,
                      impute: str | None = None, min_items: int | None = None) -> pd.DataFrame:
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
    min_items : int, optional
        As in :func:`citra_eval.score_scales`: the ``mean``/``sd`` of the scale scores use
        only respondents with at least this many answered items (default 1; the alpha
        itself uses every answer, pairwise); per scale, capped at its number of items.

    Returns
    -------
    DataFrame
        One row per scale: ``scale``; ``n_items``; ``n`` (respondents with at least one
        answered item of the scale); ``alpha`` (Cronbach's alpha, psych ``raw_alpha``);
        ``ci_low, ci_high`` (Feldt's interval, pingouin's formula without its rounding; NaN,
        with the reason in ``warning``, when alpha exceeds 1 or the pairwise covariance matrix
        is not positive semidefinite);
        ``std_alpha`` (psych ``std.alpha``: alpha of the correlation matrix
        ``cov2cor(C)``); ``average_r`` (psych ``average_r``: mean inter-item correlation);
        ``omega_total`` (:func:`omega_total`: one-factor omega total of the items as keyed);
        ``mean, sd`` (of the respondents' mean scores, psych ``mean``/``sd``); ``warning``
        (empty, or why a number should not be trusted as it is, see Notes).

    Warns
    -----
    ScaleWarning
        For every scale with a non-empty ``warning``.

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

    ``warning`` flags, as psych ``alpha()`` warns: an item whose correlation with the sum of
    the other items (``r_drop``) is negative — usually a missing reverse key, which lowers
    alpha and omega; an item without variance (``std_alpha``, ``average_r`` and omega are
    then undefined, NaN); fewer respondents than items (the covariance matrix is singular:
    alpha is unstable and omega is not computed); respondents whose score rests on fewer than
    half of the items (pass ``min_items`` here and to :func:`citra_eval.score_scales`); an item
    answered together with another by fewer than :data:`MIN_PAIRWISE_N` respondents.
    Alpha is NaN with fewer than two items or two respondents, when the scale score has
    no variance, when an item has no answers, or when two items are answered together by
    fewer than two respondents (their covariance is unknown); ``warning`` names the cause.
    Omega is NaN for fewer than three items (for two, ``warning`` says so, and that
    :func:`item_statistics` has no alpha if deleted either) and, with a warning, for a
    Heywood case (see :func:`omega_total`).

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
    names = (list(instrument.scales) if scales is None else
             check_names(scales, "scales", allow_none=False, unique=True))
    check_ci(ci)
    check_choice(impute, "impute", (None, "median"))
    if min_items is not None:
        check_int(min_items, "min_items", minimum=1)
    table, notes = _scale_reliability(responses, instrument, names, ci=ci, impute=impute,
                                      min_items=min_items)
    for name, said in notes.items():
        _warn(said, f"scale {name}")
    return table


def _scale_reliability(responses: pd.DataFrame, instrument: Instrument, names: list[str], *,
                       ci: float, impute: str | None, min_items: int | None
                       ) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """:func:`scale_reliability`'s table (checked arguments) and, per scale, its warnings,
    each whole (the ``warning`` column joins them with ``"; "``); not warned."""
    from scipy.stats import f as f_dist

    rows, said = [], {}
    for name in names:
        block = keyed_items(responses, instrument, name)
        block = block[block.notna().any(axis=1)]
        answered = block.notna().sum(axis=1)
        if impute == "median":
            block = block.fillna(block.median())
        k, n = block.shape[1], block.shape[0]
        row = {"scale": name, "n_items": k, "n": n}
        scores = block.mean(axis=1)[answered >= min(min_items or 1, k)]
        row["mean"] = float(scores.mean()) if len(scores) else math.nan
        row["sd"] = float(scores.std(ddof=1)) if len(scores) > 1 else math.nan
        row.update(alpha=math.nan, ci_low=math.nan, ci_high=math.nan, std_alpha=math.nan,
                   average_r=math.nan, omega_total=math.nan)
        notes: list[str] = []
        cov = block.cov() if n >= 2 else None
        c = cov.to_numpy() if cov is not None else np.full((k, k), np.nan)
        if k >= 2 and n >= 2 and c.sum() > 0:
            alpha = _alpha(cov)
            # Feldt's interval as pingouin computes it, unrounded (pingouin rounds to 3 places)
            a = 1 - ci
            lo = 1 - (1 - alpha) * f_dist.isf(a / 2, n - 1, (n - 1) * (k - 1))
            hi = 1 - (1 - alpha) * f_dist.isf(1 - a / 2, n - 1, (n - 1) * (k - 1))
            r = _cov2cor(c)
            rbar = float(r[np.triu_indices(k, 1)].mean())
            omega, why = _omega(block)
            psd = _not_psd(c)
            if psd or not alpha <= 1:  # Feldt's F bounds would cross (ci_low > ci_high)
                lo = hi = math.nan
            row.update(alpha=float(alpha), ci_low=float(lo), ci_high=float(hi),
                       std_alpha=k * rbar / (1 + (k - 1) * rbar), average_r=rbar,
                       omega_total=omega)
            if why:
                notes.append(why)
            if psd:
                notes.append(psd)
            if not alpha <= 1:
                notes.append(f"no Feldt interval: alpha ({alpha:.3g}) exceeds 1, which no "
                             "data answered in full can give (the pairwise variances and "
                             "covariances come from different respondents)")
            elif psd:
                notes.append("no Feldt interval: it assumes a covariance matrix that "
                             "complete answers could give")
        elif k >= 2 and n >= 2:
            notes.append(_why_no_alpha(block, c))
        elif k >= 2:
            notes.append("no respondent answered the scale: alpha, its interval and omega "
                         "need at least two" if n == 0 else
                         "only 1 respondent answered the scale: alpha, its interval and "
                         "omega need at least two (a variance needs n - 1 >= 1)")
        elif k == 1:
            notes.append("a single item: alpha and omega need at least two (omega three) "
                         "items")
        if k == 2:
            notes.append("two items: omega is not computed (one factor is not identified by "
                         "two items) and neither is alpha if an item is deleted (one item "
                         "would remain); report alpha, or add a third item")
        for item, probs in _item_problems(block, c).items() if n >= 2 else ():
            notes += [f"item {item}: {p}" for p in probs]
        if impute is None and n >= 2:
            notes += _few_pairwise(block)
        if 2 <= n <= k:
            notes.append(f"only {n} respondents for {k} items: the covariance matrix is "
                         "singular, alpha is unstable and omega is not computed")
        few = int((answered < k / 2).sum()) if min_items is None else 0
        if few:
            m = math.ceil(k / 2)
            notes.append(f"{few} respondent(s) answered fewer than half of the {k} items, "
                         f"so their scores rest on few items: set 'min_items: {m}' in "
                         f"study.yaml, or pass min_items={m} to score_scales, "
                         "scale_reliability and image_model ('citra-eval survey --min-items "
                         f"{m}')")
        row["warning"] = "; ".join(notes)
        said[name] = notes
        rows.append(row)
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS), said


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
        alpha_if_deleted, warning``. ``mean``/``sd`` are of the reverse-keyed item;
        ``r_drop`` is the correlation of the item with the sum of the other items of the
        scale (psych ``alpha()$item.stats$r.drop``); ``alpha_if_deleted`` is the raw alpha
        of the scale without the item (psych ``alpha()$alpha.drop$raw_alpha``; NaN when one
        item would remain); ``warning`` is empty, or says that the item correlates
        negatively with the rest of its scale (``r_drop < 0``: is a reverse key missing?),
        has no variance, or that its ``alpha_if_deleted`` counts an item without variance
        (which lowers it, to exactly 0 when one other item is left), or why ``r_drop`` is
        undefined (two items answered together by fewer than two respondents).

    Warns
    -----
    ScaleWarning
        For every scale with an item so flagged.

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
    names = (list(instrument.scales) if scales is None else
             check_names(scales, "scales", allow_none=False, unique=True))
    table, problems, psd = _item_statistics(responses, instrument, names)
    for name in names:
        _warn([f"item {i}: {'; '.join(p)}" for i, p in problems[name].items() if p]
              + ([psd[name]] if psd[name] else []), f"scale {name}")
    return table


def _item_statistics(responses: pd.DataFrame, instrument: Instrument, names: list[str]
                     ) -> tuple[pd.DataFrame, dict[str, dict[str, list[str]]], dict[str, str]]:
    """:func:`item_statistics`'s table, per scale its items' problems, and per scale the
    note that its pairwise covariance matrix is not positive semidefinite, or has unknown
    covariances so that no r_drop is defined (``""`` when neither; in every item's
    ``warning``, since every ``r_drop`` comes from it); not warned.

    One covariance matrix per scale: alpha if an item is deleted is :func:`_alpha` of the
    matrix without the item, which is the matrix pingouin computed from the other items
    (pandas computes each pairwise covariance on its own), except where the other items
    have no missing answer and pandas takes numpy's path: then their own matrix, as
    pingouin had it. So the same numbers to the bit, without a matrix per item and per
    pair of items (10 s for 30 items of 20,000 respondents)."""
    rows, said, psd = [], {}, {}
    for name in names:
        block = keyed_items(responses, instrument, name)
        rev = instrument.reverse_items(name)
        k = block.shape[1]
        cov = block.cov() if len(block) >= 2 else None
        c = _pairwise_cov(block) if cov is None else cov.to_numpy()
        r_drop = _r_drop(c)
        problems = said[name] = _item_problems(block, c)
        psd[name] = _not_psd(c)
        if k >= 2 and len(block) >= 2 and np.isnan(r_drop).all() and (apart := _apart(block)):
            psd[name] = f"r_drop is undefined: {apart}"
        answered = block.notna().to_numpy()
        per_row = answered.sum(axis=1)
        # the variance of each item on its own answers (its column has no missing answer
        # among the respondents who answered another item: numpy's path), else from the
        # matrix (pandas' pairwise path gives each item the same number either way)
        own: dict[int, float] = {}
        for i, item in enumerate(block.columns):
            col = block[item]
            rows_in = per_row - answered[:, i] > 0  # who answered another item
            gaps = (~answered[rows_in]).sum(axis=0)  # their missing answers, per item
            gaps[i] = 0
            a_del = math.nan
            if k > 2 and rows_in.sum() >= 2:
                sub = (cov.drop(index=item, columns=item) if gaps.any()
                       else block.drop(columns=item)[rows_in].cov())
                if sub.to_numpy().sum() > 0:
                    a_del = _alpha(sub)
            # an item without variance among the rest adds nothing to the total's variance
            # but counts in k / (k - 1): with one other item left, that alpha is 0
            flat = []
            for j, other in enumerate(block.columns):
                if j == i:
                    continue
                if not gaps[j]:
                    if j not in own:
                        own[j] = _pairwise_cov(block[[other]].dropna())[0, 0]
                    var = own[j]
                else:
                    var = c[j, j]
                if not var > 0:
                    flat.append(str(other))
            if not math.isnan(a_del) and flat:
                problems[str(item)].append(
                    f"alpha_if_deleted ({a_del:.2f}) counts {', '.join(flat)}, which has no "
                    "variance and lowers it (to 0 when one other item is left): read it "
                    "without that item")
            rows.append({"scale": name, "item": item, "reverse": item in rev,
                         "n": int(col.notna().sum()), "mean": float(col.mean()),
                         "sd": float(col.std(ddof=1)), "r_drop": float(r_drop[i]),
                         "alpha_if_deleted": a_del,
                         "warning": "; ".join(p for p in [*problems[str(item)], psd[name]]
                                              if p)})
    return pd.DataFrame(rows, columns=ITEM_COLUMNS), said, psd


def reliability_warnings(responses: pd.DataFrame, instrument: Instrument, *,
                         min_items: int | None = None) -> list[str]:
    """Every warning of :func:`item_statistics` and :func:`scale_reliability`, one line each.

    What ``citra-eval validate``, ``survey`` and ``reproduce`` print as ``warning:`` lines
    (after ``warning: <responses file>:``): first the items (negative correlation with
    their scale, no variance, ...), one line per item, as ``scale S, item I: ...``; then what
    concerns a whole scale (too few respondents, scores resting on few items, an undefined
    alpha or omega), as ``scale S: ...``.

    Parameters
    ----------
    responses : DataFrame
        Validated responses.
    instrument : Instrument
        The instrument.
    min_items : int, optional
        As for :func:`scale_reliability` (a study's ``min_items``).

    Returns
    -------
    list of str
        The messages, without the ``warning: <file>:`` prefix; empty when nothing is wrong.
    """
    if min_items is not None:
        check_int(min_items, "min_items", minimum=1)
    names = list(instrument.scales)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's and pingouin's; ours are returned
        _, items, _ = _item_statistics(responses, instrument, names)
        _, scales = _scale_reliability(responses, instrument, names, ci=0.95, impute=None,
                                       min_items=min_items)
    lines = [f"scale {name}, item {item}: {'; '.join(problems)}"
             for name in names for item, problems in items[name].items() if problems]
    # the scale's own notes (its items' are above, with alpha_if_deleted's too), each whole
    lines += [f"scale {name}: {note}" for name in names for note in scales[name]
              if not note.startswith("item ")]
    return lines
