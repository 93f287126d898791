"""Group comparisons, correlations and regression models for survey scores.

Every function takes a tidy DataFrame first and returns a tidy DataFrame with fixed snake_case
columns. Tests of group differences and correlations come from pingouin; regression models from
statsmodels (OLS with heteroscedasticity-consistent standard errors; ``OrderedModel`` for
ordinal outcomes).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._validation import (
    check_bool,
    check_choice,
    check_ci,
    check_column_roles,
    check_finite,
    check_frame,
    check_group_labels,
    check_int,
    check_names,
    counted,
)
from .errors import InputError
from .reliability import CategoryWarning, unused_scale_points
from .survey import INTERCEPT, Instrument, score_scales

__all__ = ["COEF_COLUMNS", "FEW_RESIDUAL_DF", "HIGH_LEVERAGE", "MAX_CONTROL_LEVELS",
           "MIN_GROUP_SIZE", "ORDINAL_COLUMNS", "ImageModelResult", "ModelWarning",
           "OrdinalModelResult",
           "compare_groups", "compare_scales", "control_levels_problem",
           "control_name_problem", "correlation_matrix",
           "describe_by", "image_model", "ordinal_model", "ttest_groups"]

COEF_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high",
                "std_estimate", "std_ci_low", "std_ci_high", "n"]
ORDINAL_COLUMNS = ["term", "kind", "estimate", "std_error", "statistic", "p_value", "ci_low",
                   "ci_high", "n"]
_ROBUST = ("HC0", "HC1", "HC2", "HC3")
_CORR_METHODS = ("pearson", "spearman", "kendall", "bicor", "percbend", "shepherd", "skipped")
_PADJUST = ("holm", "bonf", "sidak", "fdr_bh", "fdr_by", "none")


#: :func:`image_model` warns (:class:`ModelWarning`) when the fit has fewer residual degrees
#: of freedom than this: the t quantile of a 95% interval exceeds 2.26 and heteroscedasticity-
#: consistent standard errors are unreliable (Long & Ervin's simulations start at n = 25).
FEW_RESIDUAL_DF = 10
#: :func:`image_model` warns (:class:`ModelWarning`) when a respondent's leverage h reaches
#: this: HC3 divides that respondent's squared residual by (1 - h)^2 (100 and more here), and
#: is undefined at h = 1, so a single respondent decides the standard errors.
HIGH_LEVERAGE = 0.9
#: :func:`compare_groups` and :func:`ttest_groups` note (in the row's ``note``) and warn
#: (:class:`ModelWarning`) about a group with fewer respondents than this (their
#: ``min_group_size``): its p values rest on large-sample approximations that so small a
#: group does not support (see the Notes of :func:`compare_groups`).
MIN_GROUP_SIZE = 5


class ModelWarning(UserWarning):
    """A regression model was fitted, but its standard errors or intervals deserve doubt (too
    few residual degrees of freedom, a respondent with leverage near 1), or a statistic of a
    table could not be computed for one of its rows (a pair of
    :func:`correlation_matrix` that too few respondents answered). Notebooks show it as a
    note (:func:`citra_eval.notes_from_warnings`)."""


def _columns(frame: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: column(s) {', '.join(map(repr, missing))} not in the frame; "
                         f"it has {', '.join(map(str, frame.columns))}")


def _numeric(frame: pd.DataFrame, col: str) -> None:
    if not pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
        raise ValueError(f"column {col!r} must be numeric, got dtype {frame[col].dtype}")


def _written(value) -> str | None:
    """How the number ``value`` is written as a text label (``'2'`` for 2 and 2.0); None
    for anything else."""
    value = _py(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _py(value: Any) -> Any:
    """A numpy scalar as the Python scalar (labels in output tables)."""
    return value.item() if isinstance(value, np.generic) else value


def _groups_in_order(values: pd.Series) -> list:
    """The groups of ``values`` as Python scalars: a categorical's declared order, numbers
    (not booleans) in numeric order (1, 2, 10, not 1, 10, 2 as text), else sorted as text."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [_py(c) for c in values.cat.categories if (values == c).any()]
    groups = [_py(g) for g in values.dropna().unique()]
    if all(isinstance(g, int | float) and not isinstance(g, bool) for g in groups):
        return sorted(groups)
    return sorted(groups, key=str)


def _left_out(frame: pd.DataFrame, columns: Sequence[str], *, noun: str = "row",
              why: str = "") -> str:
    """Which rows of ``frame`` a function leaves out for a missing value of ``columns`` and
    why: ``"left out 8 of 60 rows: 5 without 'g', 3 without 'y'"`` (each column's count on
    its own: a row without both counts under both), or ``""`` when none is left out."""
    lacking = frame[list(columns)].isna()
    counts = [f"{int(n)} without {col!r}" for col, n in lacking.sum().items() if n]
    if not counts:
        return ""
    head = f"left out {int(lacking.any(axis=1).sum())} of {counted(len(frame), noun)}{why}"
    if len(counts) == 1 and not why:
        return f"{head} without {counts[0].split(' without ', 1)[1]}"
    return f"{head}: {', '.join(counts)}"


def _outcome_not_group(where: str, argument: str, dv: str | Sequence[str],
                       between: str) -> None:
    check_column_roles(where, [(argument, "the outcome", dv),
                               ("between", "the grouping column", between)])


def _small_groups(sizes: pd.Series, minimum: int, between: str, dv: str) -> tuple[str, str]:
    """The ``note`` and the warning (after ``"<function>: "``) on the groups of ``sizes``
    (respondents per group of ``between`` with a value of ``dv``) that have fewer than
    ``minimum``: ``("", "")`` when none has."""
    small = [(f"group {_py(g)!r}", f"has {counted(int(n), 'respondent')}")
             for g, n in sizes.items() if 0 < n < minimum]
    if not small:
        return "", ""
    note = (", ".join(f"{g} {has}" for g, has in small) + f" (fewer than {minimum}): its p "
            "values rest on large-sample approximations; read them as exploratory")
    warning = (", ".join(f"{g} of {between!r} {has}" for g, has in small)
               + f" with a value of {dv!r}, fewer than {minimum} (min_group_size): its p "
               "values rest on large-sample approximations that so small a group does not "
               "support; read them as exploratory, or merge the group into another")
    return note, warning


# --------------------------------------------------------------------------- descriptives

def describe_by(frame: pd.DataFrame, *, dv: str | Sequence[str],
                by: str | None = None) -> pd.DataFrame:
    """Descriptive statistics of one or more numeric columns, optionally by group.

    Parameters
    ----------
    frame : DataFrame
        Tidy data, e.g. :func:`citra_eval.score_scales` output.
    dv : str or sequence of str
        Numeric column(s) to describe.
    by : str, optional
        Grouping column; rows with a missing group are left out: the result's
        ``attrs["note"]`` says how many of how many (``"left out 5 of 60 rows without
        'g'"``), and a :class:`ModelWarning` says it too.

    Returns
    -------
    DataFrame
        ``variable, group, n, mean, sd, se, median, min, max`` (``group`` is ``"all"``
        without ``by``). ``sd`` uses n - 1; ``se = sd / sqrt(n)``; missing values are skipped
        (``n`` counts the values used).

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> d = pd.DataFrame({"x": [1.0, 2.0, 3.0, 5.0], "g": ["a", "a", "b", "b"]})
    >>> ce.describe_by(d, dv="x", by="g")[["group", "n", "mean", "sd"]]
      group  n  mean        sd
    0     a  2   1.5  0.707107
    1     b  2   4.0  1.414214
    """
    frame = check_frame(frame, "frame")
    dvs = [dv] if isinstance(dv, str) else list(dv)
    _columns(frame, dvs + ([by] if by else []), "describe_by")
    check_column_roles("describe_by", [("dv", "the outcome", dvs),
                                       ("by", "the grouping column", by)])
    for var in dvs:
        _numeric(frame, var)
    check_finite(frame, dvs, "describe_by")
    note = ""
    if by is not None:
        check_group_labels(frame[by], by, "describe_by")
        note = _left_out(frame, [by])
        if note:
            warnings.warn(f"describe_by: {note}", ModelWarning, stacklevel=2)
    rows = []
    for var in dvs:
        groups = [("all", frame[var])] if by is None else [
            (g, frame.loc[frame[by] == g, var]) for g in _groups_in_order(frame[by])]
        for g, x in groups:
            x = x.dropna()
            n = len(x)
            sd = float(x.std(ddof=1)) if n > 1 else np.nan
            rows.append({"variable": var, "group": g, "n": n,
                         "mean": float(x.mean()) if n else np.nan, "sd": sd,
                         "se": sd / math.sqrt(n) if n > 1 else np.nan,
                         "median": float(x.median()) if n else np.nan,
                         "min": float(x.min()) if n else np.nan,
                         "max": float(x.max()) if n else np.nan})
    out = pd.DataFrame(rows, columns=["variable", "group", "n", "mean", "sd", "se", "median",
                                      "min", "max"])
    if note:
        out.attrs["note"] = note
    return out


# --------------------------------------------------------------------------- group tests

def compare_groups(scores: pd.DataFrame, *, dv: str, between: str,
                   min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Compare a score across groups: Welch ANOVA, Games–Howell post hoc, Kruskal–Wallis.

    Parameters
    ----------
    scores : DataFrame
        Tidy data with the score ``dv`` and the grouping column ``between``.
    dv : str
        Numeric column compared.
    between : str
        Grouping column (at least two groups with two or more values each). Rows with a
        missing ``dv`` or group are left out; every row's ``note`` says how many of how many
        and for which column, and a :class:`ModelWarning` says it too.
    min_group_size : int
        A group with fewer respondents than this (default :data:`MIN_GROUP_SIZE`, 5) is
        named in the ``note`` of every row whose test uses it, and in a
        :class:`ModelWarning`; its values are still used (see Notes). At least 1; 1 turns
        the check off.

    Returns
    -------
    DataFrame
        One row per test: ``test`` (``welch_anova``, ``kruskal_wallis``, ``games_howell``),
        ``group_a, group_b`` (the pair for Games–Howell, else NaN; pairs in the groups'
        order, the declared one of a categorical column as in :func:`describe_by`, else
        sorted, numbers as numbers: 1, 2, 10), ``estimate`` (mean of ``group_a`` minus
        ``group_b`` for Games–Howell),
        ``statistic`` (F, H or t), ``df1``, ``df2``, ``p_value`` (Games–Howell p values are
        already adjusted for all pairs),
        ``effect_size`` and ``effect_type`` (partial eta squared ``np2`` for Welch's ANOVA,
        ``epsilon2`` = H / (n - 1) for Kruskal–Wallis, Hedges' ``hedges_g`` for pairs),
        ``n`` (respondents used: in all compared groups for the omnibus tests, in the two
        groups of the pair for Games–Howell), ``note`` (empty, or which groups a test left
        out, which groups are smaller than ``min_group_size``, how many rows were left out
        for a missing value, see Notes). Group labels keep their type (numbers stay
        numbers).

    Notes
    -----
    A group without variance (a single value, or two or more equal values) leaves Welch's
    ANOVA undefined (it weighs each group by n / variance), so Welch's ANOVA and Games–Howell
    leave it out (their ``note`` names it); Kruskal–Wallis, a test on ranks, uses every group
    (as scipy ``kruskal`` and R ``kruskal.test``), so its ``n`` counts it. When fewer than two
    groups vary, the ``welch_anova`` row has missing statistics and a ``note`` saying why,
    and there are no Games–Howell rows; only Kruskal–Wallis is computed.

    Welch's ANOVA does not assume equal variances; Games–Howell is its matching post hoc test
    (Welch df per pair, studentized range distribution). Kruskal–Wallis is the rank-based
    check. All three are computed by pingouin (``welch_anova``, ``pairwise_gameshowell``,
    ``kruskal``).

    Small groups. All three p values come from large-sample approximations: Welch's F and
    the Games–Howell t are referred to F and studentized-range distributions with
    Satterthwaite-type degrees of freedom built from each group's variance (a group of n
    gives its variance n - 1 degrees of freedom: 1 for a pair), and Kruskal–Wallis's H to a
    chi-squared distribution. Siegel & Castellan (1988, sec. 8.4) give the exact
    distribution of H for three groups of up to 5 respondents because the chi-squared
    approximation is not to be trusted there; Games & Howell (1976) studied their test for
    groups of 6 and more. The default of 5 is a convention below both (a group of 5 still
    gives its variance 4 degrees of freedom; a group of 2, one): a group with fewer than
    ``min_group_size`` respondents is named in the ``note`` of every row that uses it, with
    a :class:`ModelWarning`; raise ``min_group_size`` to 6 to follow Siegel & Castellan
    strictly. The statistics themselves are unchanged: the note tells a reader to treat
    those p values as exploratory, or to merge the group into another.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: an alternative approach.
    Biometrika 38, 330–336. Games, P. A. & Howell, J. F. (1976). Pairwise multiple comparison
    procedures with unequal n's and/or variances. J. Educ. Stat. 1, 113–125. Tomczak, M. &
    Tomczak, E. (2014). The need to report effect size estimates revisited. Trends Sport Sci.
    21, 19–25 (epsilon squared). Siegel, S. & Castellan, N. J. (1988). Nonparametric
    Statistics for the Behavioral Sciences, 2nd ed. McGraw-Hill, sec. 8.4.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> scores = ce.score_scales(ce.read_responses(ce.example_path("responses"), inst), inst)
    >>> res = ce.compare_groups(scores, dv="CITRA", between="district")
    >>> res["test"].tolist()[:2]
    ['welch_anova', 'kruskal_wallis']
    >>> int((res["test"] == "games_howell").sum())  # 5 districts -> 10 pairs
    10
    """
    import pingouin as pg

    scores = check_frame(scores, "scores")
    _columns(scores, [dv, between], "compare_groups")
    _outcome_not_group("compare_groups", "dv", dv, between)
    _numeric(scores, dv)
    check_finite(scores, [dv], "compare_groups")
    min_group_size = check_int(min_group_size, "min_group_size", minimum=1)
    dropped = _left_out(scores, [between, dv])
    if dropped:
        warnings.warn(f"compare_groups of {dv!r} by {between!r}: {dropped}", ModelWarning,
                      stacklevel=2)
    data = scores[[dv, between]].dropna()
    check_group_labels(data[between], between, "compare_groups")
    all_sizes = data.groupby(between, observed=True)[dv].size()
    all_sizes = all_sizes[all_sizes > 0]
    if (all_sizes >= 2).sum() < 2:
        raise ValueError(f"compare_groups needs at least two groups of {between!r} with two or "
                         f"more values of {dv!r}; got group sizes {all_sizes.to_dict()}")
    # pingouin wants text labels; map them back to the data's own labels (numbers stay numbers)
    label = {str(g): g for g in all_sizes.index}  # one to one: check_group_labels
    # as text in the groups' own order (a declared, categorical order is kept, as in
    # describe_by): pingouin orders the Games-Howell pairs by it
    order = [str(g) for g in _groups_in_order(data[between])]
    ranks = data.assign(**{between: pd.Categorical(data[between].astype(str),
                                                   categories=order)})
    spread = data.groupby(between, observed=True)[dv].var(ddof=1)
    # Welch's ANOVA weighs each group by n / variance: a group without variance (one value,
    # or two or more equal ones) leaves it undefined, so it and Games-Howell leave such a
    # group out; Kruskal-Wallis (on ranks) uses every group
    single = [str(g) for g in all_sizes.index if all_sizes[g] < 2]
    alike = [str(g) for g in all_sizes.index if all_sizes[g] >= 2 and not spread[g] > 0]
    sizes = all_sizes[[str(g) not in single + alike for g in all_sizes.index]]
    notes = ([f"left out group(s) {', '.join(map(repr, single))} with a single value of "
              f"{dv!r} (no variance)"] if single else []) + (
        [f"left out group(s) {', '.join(map(repr, alike))} whose values of {dv!r} are all "
         "the same (no variance, which Welch's ANOVA divides by)"] if alike else [])
    if alike and len(sizes) >= 2:
        notes.append("Kruskal-Wallis uses every group")
    data = ranks[ranks[between].isin([str(g) for g in sizes.index])]
    data = data.assign(**{between: data[between].cat.remove_unused_categories()})
    size_of = {str(g): int(s) for g, s in sizes.items()}
    n = len(data)
    if len(sizes) >= 2:
        welch = pg.welch_anova(data=data, dv=dv, between=between).iloc[0]
        gh = pg.pairwise_gameshowell(data=data, dv=dv, between=between, effsize="hedges")
    else:
        notes.append(f"Welch's ANOVA and Games-Howell need two groups whose values of {dv!r} "
                     f"vary, and {len(sizes)} do{'es' if len(sizes) == 1 else ''}: only "
                     "Kruskal-Wallis (on ranks, every group) is computed")
        welch = pd.Series({"F": np.nan, "ddof1": np.nan, "ddof2": np.nan, "p_unc": np.nan,
                           "np2": np.nan})
        gh = pd.DataFrame(columns=["A", "B"])
    small_note, warning = _small_groups(all_sizes, min_group_size, between, dv)
    if warning:
        warnings.warn(f"compare_groups: {warning}", ModelWarning, stacklevel=2)
    used = _small_groups(sizes, min_group_size, between, dv)[0]
    note = "; ".join(notes + [x for x in (used, dropped) if x])
    if ranks[dv].nunique() > 1:
        kw = pg.kruskal(data=ranks, dv=dv, between=between).iloc[0]
        kw_note = ""
    else:  # H is 0 / 0: every rank is tied
        kw = pd.Series({"H": np.nan, "ddof1": float(len(all_sizes) - 1), "p_unc": np.nan})
        kw_note = f"every value of {dv!r} is the same: no test can tell the groups apart"
    rows = [
        {"test": "welch_anova", "group_a": np.nan, "group_b": np.nan, "estimate": np.nan,
         "statistic": float(welch["F"]), "df1": float(welch["ddof1"]),
         "df2": float(welch["ddof2"]), "p_value": float(welch["p_unc"]),
         "effect_size": float(welch["np2"]), "effect_type": "np2", "n": n, "note": note},
        {"test": "kruskal_wallis", "group_a": np.nan, "group_b": np.nan, "estimate": np.nan,
         "statistic": float(kw["H"]), "df1": float(kw["ddof1"]), "df2": np.nan,
         "p_value": float(kw["p_unc"]), "effect_size": float(kw["H"]) / (len(ranks) - 1),
         "effect_type": "epsilon2", "n": len(ranks),
         "note": "; ".join(x for x in (kw_note, small_note, dropped) if x)},
    ]
    base = "; ".join(notes)  # a pair's note: the groups left out, its own small groups
    for _, r in gh.iterrows():
        a, b = str(r["A"]), str(r["B"])
        pair = _small_groups(all_sizes[[str(g) in (a, b) for g in all_sizes.index]],
                             min_group_size, between, dv)[0]
        pair_note = "; ".join(x for x in (base, pair, dropped) if x)
        rows.append({"test": "games_howell", "group_a": _py(label[a]), "group_b": _py(label[b]),
                     "estimate": float(r["diff"]), "statistic": float(r["T"]),
                     "df1": float(r["df"]), "df2": np.nan, "p_value": float(r["pval"]),
                     "effect_size": float(r["hedges"]), "effect_type": "hedges_g",
                     "n": size_of[a] + size_of[b], "note": pair_note})
    out = pd.DataFrame(rows, columns=_GROUP_COLUMNS)
    # labels as the data holds them: integer labels would turn float beside the omnibus
    # rows' missing pair, which is NaN (as in every other column), not None
    for col in ("group_a", "group_b"):
        out[col] = pd.Series([r[col] for r in rows], index=out.index, dtype=object)
    return out


_GROUP_COLUMNS = ["test", "group_a", "group_b", "estimate", "statistic", "df1", "df2",
                  "p_value", "effect_size", "effect_type", "n", "note"]


def compare_scales(scores: pd.DataFrame, *, scales: Sequence[str],
                   between: str, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """:func:`compare_groups` for several scores at once, one block of rows per score.

    Parameters
    ----------
    scores : DataFrame
        Tidy data with every column of ``scales`` and the grouping column ``between``
        (e.g. :func:`citra_eval.score_scales` with the demographics kept).
    scales : sequence of str
        The numeric columns to compare, in the order of the result.
    between : str
        The grouping column.
    min_group_size : int
        Passed to :func:`compare_groups`: groups smaller than this are noted and warned of.

    Returns
    -------
    DataFrame
        ``scale`` (the compared column), then the columns of :func:`compare_groups`, for
        each scale in turn.

    Notes
    -----
    A scale that fewer than two groups answered with two or more values (skip logic: a
    question asked of one group only) cannot be compared: instead of raising, as
    :func:`compare_groups` does, it gets a ``welch_anova`` and a ``kruskal_wallis`` row with
    missing statistics, ``n`` its respondents and a ``note`` saying why, and a
    :class:`ModelWarning`; the other scales are compared as usual.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> scores = ce.score_scales(ce.read_responses(ce.example_path("responses"), inst), inst)
    >>> res = ce.compare_scales(scores, scales=["CITRA", "TK"], between="district")
    >>> res.groupby("scale", sort=False)["test"].first().to_dict()
    {'CITRA': 'welch_anova', 'TK': 'welch_anova'}
    """
    names = check_names(scales, "scales", allow_none=False, unique=True, as_str=False)
    if not names:
        raise ValueError("scales must name at least one column")
    scores = check_frame(scores, "scores")
    _columns(scores, [*names, between], "compare_scales")
    _outcome_not_group("compare_scales", "scales", names, between)
    for scale in names:
        _numeric(scores, scale)
    check_finite(scores, names, "compare_scales")
    check_group_labels(scores[between], between, "compare_scales")
    parts = []
    for scale in names:
        data = scores[[scale, between]].dropna()
        sizes = data.groupby(between, observed=True)[scale].size()
        sizes = sizes[sizes > 0]
        if (sizes >= 2).sum() >= 2:
            parts.append(compare_groups(scores, dv=scale, between=between,
                                        min_group_size=min_group_size).assign(scale=scale))
            continue
        note = (f"{scale!r} not compared by {between!r}: "
                + ("no respondent answered it" if sizes.empty else
                   f"only {', '.join(repr(_py(g)) for g in sizes[sizes >= 2].index) or 'no group'}"
                   f" of {between!r} has two or more values of it (group sizes "
                   f"{ {_py(g): int(v) for g, v in sizes.items()} }; skip logic?)"))
        warnings.warn(note, ModelWarning, stacklevel=2)
        parts.append(pd.DataFrame({"scale": scale, "test": ["welch_anova", "kruskal_wallis"],
                                   "effect_type": ["np2", "epsilon2"], "n": len(data),
                                   "note": note}))
    return pd.concat(parts, ignore_index=True).reindex(columns=["scale", *_GROUP_COLUMNS])


def ttest_groups(frame: pd.DataFrame, *, dv: str, between: str,
                 groups: Sequence[str] | None = None, welch: bool = True,
                 ci: float = 0.95, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Two-group t test (Welch's by default) with effect sizes.

    Parameters
    ----------
    frame : DataFrame
        Tidy data.
    dv : str
        Numeric column compared.
    between : str
        Grouping column; it must have exactly two groups unless ``groups`` picks two.
    groups : pair of labels, optional
        The two groups to compare, ``(a, b)``; the difference is ``a - b``. Labels as the
        column holds them: numbers as numbers (``groups=[1, 2]``; the text ``"1"`` is
        refused with a message saying so, not converted).
    welch : bool
        Welch's unequal-variance t test (default) or Student's pooled test.
    ci : float
        Confidence level of the mean-difference interval.
    min_group_size : int
        A group with fewer respondents than this (default :data:`MIN_GROUP_SIZE`, 5; at
        least 1, which turns it off) is named in ``note`` and in a :class:`ModelWarning`, as in
        :func:`compare_groups` (whose Notes say why); the test is computed all the same.

    Returns
    -------
    DataFrame
        One row: ``group_a, group_b, n_a, n_b, mean_a, mean_b, mean_diff, statistic, df,
        p_value, ci_low, ci_high, cohen_d, hedges_g, note`` (``note``: empty, or the groups
        smaller than ``min_group_size``). ``ci_low, ci_high`` bound the mean
        difference at full precision (pingouin rounds its ``CI95`` to 2 decimals):
        ``mean_diff -+ t_{(1+ci)/2, df} * se`` with Welch's ``se = sqrt(s_a²/n_a + s_b²/n_b)``
        and df, or the pooled se and ``n_a + n_b - 2`` df for Student's test. ``cohen_d``
        uses the pooled SD (pingouin ``compute_effsize``); ``hedges_g`` is its small-sample
        correction.

    Raises
    ------
    InputError
        When a group has fewer than two values of ``dv`` (no variance to estimate), or
        neither group varies (every value of each group is the same): t and d would be
        infinite.
    TypeError
        ``groups`` a bare string (``"LP"`` is not the groups L and P: pass ``["L", "P"]``).
    ValueError
        ``groups`` naming a group twice, or a group ``between`` does not have; ``dv`` and
        ``between`` the same column.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> d = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 6.0, 8.0], "g": list("aaabbb")})
    >>> r = ce.ttest_groups(d, dv="x", between="g")
    >>> # pooled SD = sqrt((2 * 1 + 2 * 4) / 4) = 1.5811, so d = -4 / 1.5811
    >>> float(r["mean_diff"].iloc[0]), round(float(r["cohen_d"].iloc[0]), 4)
    (-4.0, -2.5298)
    """
    import pingouin as pg

    frame = check_frame(frame, "frame")
    _columns(frame, [dv, between], "ttest_groups")
    _outcome_not_group("ttest_groups", "dv", dv, between)
    _numeric(frame, dv)
    check_finite(frame, [dv], "ttest_groups")
    ci = check_ci(ci)
    check_bool(welch, "welch")
    min_group_size = check_int(min_group_size, "min_group_size", minimum=1)
    check_group_labels(frame[between], between, "ttest_groups")
    groups = check_names(groups, "groups", unique=True, as_str=False)
    present = _groups_in_order(frame[between])
    if groups is None:
        if len(present) != 2:
            names = ", ".join(map(str, present))
            raise ValueError(f"{between!r} has {len(present)} groups ({names}); pass "
                             "groups=(a, b) to pick two")
        groups = present
    if len(groups) != 2 or any(g not in present for g in groups):
        as_text = {str(_py(p)): _py(p) for p in present}
        if len(groups) == 2 and all(isinstance(g, str) and g in as_text for g in groups):
            kinds = " and ".join(sorted({type(as_text[g]).__name__ for g in groups}))
            raise ValueError(f"groups names {list(groups)!r} as text, but the groups of "
                             f"{between!r} are numbers ({kinds}): pass "
                             f"groups=[{', '.join(repr(as_text[g]) for g in groups)}]")
        texts = {p for p in map(_py, present) if isinstance(p, str)}
        if len(groups) == 2 and all(_written(g) in texts for g in groups):
            raise ValueError(f"groups names {[_py(g) for g in groups]!r} as numbers, but the "
                             f"groups of {between!r} are text: pass "
                             f"groups=[{', '.join(repr(_written(g)) for g in groups)}]")
        raise ValueError(f"groups must be two of {', '.join(repr(_py(p)) for p in present)}, "
                         f"got {groups!r}")
    a = frame.loc[frame[between] == groups[0], dv].dropna().to_numpy(float)
    b = frame.loc[frame[between] == groups[1], dv].dropna().to_numpy(float)
    for g, x in zip(groups, (a, b), strict=True):
        if len(x) < 2:
            raise InputError(f"ttest_groups: group {_py(g)!r} of {between!r} has "
                             f"{counted(len(x), 'value')} of {dv!r}; a t test needs at least "
                             "two in each group (a variance to estimate): merge the group "
                             "into another, or compare other groups")
    small_note, warning = _small_groups(pd.Series([len(a), len(b)], index=list(groups)),
                                        min_group_size, between, dv)
    if warning:
        warnings.warn(f"ttest_groups: {warning}", ModelWarning, stacklevel=2)
    if a.var() == 0 and b.var() == 0:
        raise InputError(f"{dv!r} has no variance within either group ({groups[0]!r}: all "
                         f"{a[0]:g}, {groups[1]!r}: all {b[0]:g}): the t statistic and Cohen's "
                         "d are undefined; report the two values instead of a test")
    from scipy import stats  # here, not at the top: it costs ~0.4 s to import

    with warnings.catch_warnings():
        if a.var() == 0 or b.var() == 0:
            # scipy's "Precision loss ... catastrophic cancellation" about a group whose
            # values are all equal: its variance is exactly 0, the result exact
            warnings.filterwarnings("ignore", message="Precision loss occurred",
                                    category=RuntimeWarning)
        res = pg.ttest(a, b, correction=welch, confidence=ci).iloc[0]
    # the interval unrounded (pingouin rounds its CI to 2 decimals): diff +- t * se with the
    # same se and df as the test
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    if welch:
        se = math.sqrt(va + vb)
    else:
        pooled = ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (
            len(a) + len(b) - 2)
        se = math.sqrt(pooled * (1 / len(a) + 1 / len(b)))
    half = float(stats.t.ppf(0.5 + ci / 2, float(res["dof"]))) * se
    diff = a.mean() - b.mean()
    lo, hi = diff - half, diff + half
    return pd.DataFrame([{
        "group_a": groups[0], "group_b": groups[1], "n_a": len(a), "n_b": len(b),
        "mean_a": a.mean(), "mean_b": b.mean(), "mean_diff": a.mean() - b.mean(),
        "statistic": float(res["T"]), "df": float(res["dof"]), "p_value": float(res["p_val"]),
        "ci_low": float(lo), "ci_high": float(hi),
        "cohen_d": float(pg.compute_effsize(a, b, eftype="cohen")),
        "hedges_g": float(pg.compute_effsize(a, b, eftype="hedges")),
        "note": small_note}])


def correlation_matrix(frame: pd.DataFrame, *, columns: Sequence[str] | None = None,
                       method: str = "pearson", padjust: str = "holm") -> pd.DataFrame:
    """Pairwise correlations with confidence intervals and adjusted p values.

    Parameters
    ----------
    frame : DataFrame
        Tidy data.
    columns : sequence of str, optional
        Numeric columns to correlate (default: every numeric column).
    method : str
        ``pearson``, ``spearman`` or ``kendall``; or a robust correlation of pingouin
        (``bicor``, ``percbend``, ``shepherd``, ``skipped``), without an interval.
    padjust : str
        Multiple-comparison adjustment over all pairs: ``holm`` (default), ``bonf``,
        ``sidak``, ``fdr_bh``, ``fdr_by`` or ``none``.

    Returns
    -------
    DataFrame
        One row per pair in column order: ``x, y, n, r, ci_low, ci_high, p_value,
        p_adjusted`` (pairwise deletion of missing values, ``n`` respondents with both;
        95% CI on Fisher's z scale with the method's standard error, see Notes, at full
        precision: pingouin rounds its ``CI95`` to 2 decimals,
        :func:`citra_eval.save_table` rounds only when writing).

    Notes
    -----
    The interval is :math:`\\tanh(\\operatorname{artanh} r \\mp z_{0.975}\\,
    \\mathrm{se})` with the standard error of artanh r of the method: Pearson
    :math:`1/\\sqrt{n - 3}` (Fisher; R's ``cor.test``), Spearman
    :math:`\\sqrt{(1 + r^2/2)/(n - 3)}` (Bonett & Wright 2000), Kendall
    :math:`\\sqrt{0.437/(n - 4)}` (Fieller, Hartley & Pearson 1957). A pair with too few
    respondents for it (n <= 3; Kendall n <= 4) keeps r and p and a missing interval, with a
    :class:`ModelWarning`. The robust methods (``bicor``, ``percbend``, ``shepherd``,
    ``skipped``) have no established standard error: their interval is missing, with a
    :class:`ModelWarning` (their r and p are pingouin's). Holm's step-down adjustment sorts the
    m p values, multiplies the i-th smallest by ``m - i + 1`` and makes the sequence monotone
    (pingouin ``pairwise_corr``).

    A column without variance (every value the same) has no correlation with anything and
    is refused (``InputError``). A pair that fewer than :data:`MIN_CORRELATION_N`
    respondents answered both of (a split ballot, skip logic), or whose common respondents
    give one column a single value, keeps its row with ``n`` and missing ``r``, interval and
    p values, and a :class:`ModelWarning` names it (pairwise tables in R do the same with
    ``NA``); the adjustment then runs over the pairs that have a correlation.

    References
    ----------
    Fieller, E. C., Hartley, H. O. & Pearson, E. S. (1957). Tests for rank correlation
    coefficients. I. Biometrika 44, 470–481. Bonett, D. G. & Wright, T. A. (2000). Sample
    size requirements for estimating Pearson, Kendall and Spearman correlations.
    Psychometrika 65, 23–28.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    >>> ce.correlation_matrix(d)[["x", "y"]].values.tolist()
    [['a', 'b'], ['a', 'c'], ['b', 'c']]
    """
    import pingouin as pg
    from scipy import stats

    frame = check_frame(frame, "frame")
    check_choice(method, "method", _CORR_METHODS)
    check_choice(padjust, "padjust", _PADJUST)
    cols = ([c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
             and not pd.api.types.is_bool_dtype(frame[c])] if columns is None else
            check_names(columns, "columns", unique=True, as_str=False))
    _columns(frame, cols, "correlation_matrix")
    for c in cols:
        _numeric(frame, c)
    check_finite(frame, cols, "correlation_matrix")
    if len(cols) < 2:
        raise ValueError(f"correlation_matrix needs at least two numeric columns, got {cols}")
    for c in cols:
        if frame[c].nunique(dropna=True) < 2:
            raise InputError(f"column {c!r} has no variance (every value is "
                             f"{frame[c].dropna().iloc[0] if frame[c].notna().any() else 'missing'}"
                             "): its correlations are undefined; leave it out of columns")
    pairs = list(itertools.combinations(cols, 2))
    rows = []
    for x, y in pairs:
        both = frame[[x, y]].dropna()
        why = _why_no_correlation(both, x, y)
        if why:
            warnings.warn(why, ModelWarning, stacklevel=2)
            rows.append({"X": x, "Y": y, "n": len(both), "r": np.nan, "p_unc": np.nan,
                         "outliers": 0.0})
            continue
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            # pingouin's power analysis and its own Fisher-z interval at n <= 4 ("Sample
            # size is too small to estimate power", 1 / sqrt(n - 3)): neither is used here
            warnings.filterwarnings("ignore", message="Sample size is too small",
                                    category=UserWarning)
            one = pg.corr(both[x].to_numpy(float), both[y].to_numpy(float), method=method)
        rows.append({"X": x, "Y": y, "n": int(one["n"].iloc[0]), "r": float(one["r"].iloc[0]),
                     "p_unc": float(one["p_val"].iloc[0]),
                     "outliers": float(one["outliers"].iloc[0]) if "outliers" in one else 0.0})
    res = pd.DataFrame(rows)
    # the adjustment runs over the pairs that have a correlation (as pingouin pairwise_corr
    # over its pairs); a single pair is left unadjusted, as pingouin does
    ok = res["p_unc"].notna().to_numpy()
    res["p_corr"] = res["p_unc"]
    if padjust != "none" and ok.sum() > 1:
        res.loc[ok, "p_corr"] = pg.multicomp(res.loc[ok, "p_unc"].to_numpy(float),
                                             method=padjust)[1]
    # tanh(atanh(r) -+ z_{.975} * se), se of atanh(r) for the method (_Z_VARIANCE), unrounded
    r = np.clip(res["r"].to_numpy(float), -1, 1)
    n = res["n"].to_numpy(float)
    ci = np.full((len(res), 2), np.nan)
    if method in _Z_VARIANCE:
        factor, lost = _Z_VARIANCE[method]
        for i in np.flatnonzero(np.isfinite(r)):
            if n[i] - lost <= 0:
                warnings.warn(f"{res['X'].iloc[i]!r} and {res['Y'].iloc[i]!r}: {int(n[i])} "
                              "respondents are too few for a confidence interval of r (the "
                              f"{method} interval needs more than {lost} respondents); r "
                              "and its p value are reported, the interval is left missing",
                              ModelWarning, stacklevel=2)
                continue
            half = stats.norm.ppf(0.975) * math.sqrt(factor(r[i]) / (n[i] - lost))
            with np.errstate(divide="ignore"):  # |r| = 1: atanh is infinite, tanh gives +-1
                ci[i] = np.tanh(np.arctanh(r[i]) - half), np.tanh(np.arctanh(r[i]) + half)
    elif ok.any():
        warnings.warn(f"correlation_matrix(method={method!r}): no confidence interval (ci_low, "
                      "ci_high left missing): no standard error of this robust correlation's "
                      "artanh is established (pingouin's Fisher-z interval assumes Pearson's "
                      "r); r and p values are pingouin's. Use pearson, spearman or kendall for "
                      "an interval, or bootstrap one", ModelWarning, stacklevel=2)
    return pd.DataFrame({
        "x": res["X"], "y": res["Y"], "n": res["n"].astype(int), "r": res["r"].astype(float),
        "ci_low": ci[:, 0], "ci_high": ci[:, 1], "p_value": res["p_unc"].astype(float),
        "p_adjusted": res["p_corr"].astype(float)}).reset_index(drop=True)


#: :func:`correlation_matrix` leaves a pair missing when fewer respondents answered both
#: columns: R's ``cor.test`` needs three (and gives an interval from four on: the Fisher-z
#: interval needs n - 3 > 0).
MIN_CORRELATION_N = 3

#: The sampling variance of artanh(r) in :func:`correlation_matrix`'s intervals, per method:
#: (f, k) with variance f(r) / (n - k). Pearson: Fisher (1921), 1 / (n - 3). Spearman: Bonett
#: & Wright (2000), (1 + r^2 / 2) / (n - 3). Kendall: Fieller, Hartley & Pearson (1957),
#: 0.437 / (n - 4). The robust methods have none established (their interval is missing).
_Z_VARIANCE: dict[str, tuple[Any, int]] = {
    "pearson": (lambda r: 1.0, 3),
    "spearman": (lambda r: 1.0 + r * r / 2, 3),
    "kendall": (lambda r: 0.437, 4),
}


def _why_no_correlation(both: pd.DataFrame, x: str, y: str) -> str:
    """Why the pair ``x, y`` (its complete rows ``both``) has no correlation, or ``""``."""
    n = len(both)
    if n < MIN_CORRELATION_N:
        return (f"no correlation of {x!r} and {y!r}: {n} respondent(s) answered both, and a "
                f"correlation needs at least {MIN_CORRELATION_N} (a split ballot or skip "
                "logic?); its row is left missing")
    flat = [c for c in (x, y) if both[c].nunique() < 2]
    if flat:
        return (f"no correlation of {x!r} and {y!r}: among the {n} respondents who answered "
                f"both, {' and '.join(map(repr, flat))} never varies; its row is left missing")
    return ""


# --------------------------------------------------------------------------- OLS image model

@dataclass(frozen=True, eq=False)
class ImageModelResult:
    """An image model: its coefficient table, the statsmodels fits and the fit statistics.

    Returned by :func:`image_model`, in the manner of statsmodels' results classes.

    Attributes
    ----------
    table : DataFrame
        One row per term, the columns :data:`COEF_COLUMNS` (see :func:`image_model`).
    fit : statsmodels RegressionResults
        The OLS fit on the raw scores, parameters named as ``table["term"]`` (so
        ``fit.summary()``, ``fit.resid``, ``fit.get_influence()`` work as in statsmodels).
    std_fit : statsmodels RegressionResults
        The same model refitted on z-scored outcome and continuous regressors (the
        ``std_*`` columns).
    outcome : str
        The outcome scale.
    predictors : tuple of str
        The predictor scales, in table order.
    controls : tuple of str
        The control columns.
    reference_levels : dict
        Categorical control -> its reference level (the group each ``column[T.level]``
        dummy is compared with).
    cov_type : str
        ``HC0`` .. ``HC3``, or ``nonrobust`` for the classical OLS standard errors.
    ci : float
        Confidence level of the intervals in ``table``.
    note : str
        Empty, or how many respondents listwise deletion left out of how many and for
        which variable (``"left out 12 of 60 respondents (listwise deletion): 12 without
        'T1'"``; a respondent without two of them counts under both); a
        :class:`ModelWarning` says it too.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> res = ce.image_model(resp, inst, outcome="CITRA", controls=["district"])
    >>> res.nobs, round(res.rsquared, 3), res.reference_levels
    (400, 0.324, {'district': 'Banjarmasin Barat'})
    >>> list(res.fit.params.index) == res.table["term"].tolist()
    True
    """

    table: pd.DataFrame
    fit: Any
    std_fit: Any
    outcome: str
    predictors: tuple[str, ...]
    controls: tuple[str, ...]
    reference_levels: dict[str, Any]
    cov_type: str
    ci: float
    note: str = ""

    @property
    def nobs(self) -> int:
        """Respondents in the fit (after listwise deletion, which :attr:`note` reports)."""
        return int(self.fit.nobs)

    @property
    def df_resid(self) -> float:
        """Residual degrees of freedom ``n - p`` (p terms including the intercept)."""
        return float(self.fit.df_resid)

    @property
    def rsquared(self) -> float:
        """:math:`R^2 = 1 - SS_{res} / SS_{tot}`."""
        return float(self.fit.rsquared)

    @property
    def rsquared_adj(self) -> float:
        """Adjusted :math:`R^2 = 1 - (1 - R^2)(n - 1) / (n - p)`."""
        return float(self.fit.rsquared_adj)

    @property
    def fvalue(self) -> float:
        """F statistic of the test that every slope is 0 (a robust Wald F with ``cov_type``)."""
        return float(self.fit.fvalue)

    @property
    def f_pvalue(self) -> float:
        """p value of :attr:`fvalue`."""
        return float(self.fit.f_pvalue)

    @property
    def aic(self) -> float:
        """Akaike's information criterion ``-2 log L + 2p``, p terms with the intercept.

        statsmodels' convention; R's ``AIC(lm(...))`` also counts the residual variance and
        is larger by 2.
        """
        return float(self.fit.aic)

    @property
    def bic(self) -> float:
        """Bayesian information criterion ``-2 log L + p log n`` (R's ``BIC(lm)`` minus
        ``log n``, as for :attr:`aic`)."""
        return float(self.fit.bic)

    def fit_statistics(self) -> pd.DataFrame:
        """The fit statistics as a table: ``statistic, value``.

        Rows ``nobs, df_model, df_resid, rsquared, rsquared_adj, fvalue, f_pvalue, aic,
        bic`` (``df_model`` counts the slopes).
        """
        names = ["nobs", "df_model", "df_resid", "rsquared", "rsquared_adj", "fvalue",
                 "f_pvalue", "aic", "bic"]
        vals = [self.nobs, float(self.fit.df_model), self.df_resid, self.rsquared,
                self.rsquared_adj, self.fvalue, self.f_pvalue, self.aic, self.bic]
        return pd.DataFrame({"statistic": names, "value": [float(v) for v in vals]})


def image_model(responses: pd.DataFrame, instrument: Instrument, *, outcome: str,
                predictors: Sequence[str] | None = None, controls: Sequence[str] = (),
                robust: str | None = "HC3", min_items: int | None = None,
                ci: float = 0.95) -> ImageModelResult:
    """OLS of an image score on the strategy scale scores (and controls), HC3 SEs.

    Parameters
    ----------
    responses : DataFrame
        Validated responses (:func:`citra_eval.read_responses`).
    instrument : Instrument
        The instrument; scale scores are computed with :func:`citra_eval.score_scales`.
    outcome : str
        Outcome scale (the study's ``outcome``, e.g. an overall image scale).
    predictors : sequence of str, optional
        Predictor scales. Default: the scales with ``role: strategy`` (without that role,
        every scale), leaving out those sharing an item with the outcome: the outcome itself
        and, for a composite outcome (``of:``), its parts.
    controls : sequence of str
        Further response columns (e.g. demographics). Numeric columns enter as they are;
        text, categorical, ordinal and boolean columns enter as treatment-coded dummies
        (reference = first category of a pandas Categorical, e.g. the lowest level of an
        ordinal demographic, else the first in sorted order; ``False`` for a boolean). A
        text column with more than :data:`MAX_CONTROL_LEVELS` levels is refused (declare
        a numeric demographic ``numeric`` in the instrument).
    robust : str or None
        Covariance type: ``HC3`` (default; Long & Ervin 2000), ``HC0``–``HC2``, or None for
        the classical OLS standard errors.
    min_items : int, optional
        Passed to :func:`citra_eval.score_scales`.
    ci : float
        Confidence level.

    Returns
    -------
    ImageModelResult
        ``.table`` has one row per term (``Intercept``, the predictors, then the controls:
        numeric ones by name, dummies named ``column[T.level]``), columns exactly ``term,
        estimate, std_error, statistic, p_value, ci_low, ci_high, std_estimate, std_ci_low,
        std_ci_high, n``. ``statistic`` is the t value (robust or classical SE), p values and
        intervals use the t distribution with the residual df (as R's
        ``lmtest::coeftest(fit, vcov = sandwich::vcovHC(fit, type = "HC3"))``). ``n`` is the
        number of respondents in the fit (listwise deletion of missing scores and controls;
        ``.note`` and a :class:`ModelWarning` say how many were left out, and for which
        variable). ``.fit`` is the statsmodels fit; ``.nobs``, ``.rsquared``, ``.rsquared_adj``,
        ``.fvalue``, ``.f_pvalue``, ``.aic``, ``.bic`` the fit statistics.

    Raises
    ------
    InputError
        A data problem the fit cannot survive: too few complete respondents; an empty
        control, or one with a single value in the analysis sample; a category with one
        respondent (its dummy has leverage 1 and no usable HC standard error), or any
        respondent with leverage 1 (within :data:`LEVERAGE_ONE_TOL`; e.g. a numeric control
        constant except for that respondent), named with the term(s) responsible; perfectly
        collinear regressors (e.g. two scales with the same items answered the same way),
        named in the message.
        A predictor sharing items with the outcome (the outcome itself, or a part of a
        composite outcome), or no predictor left by the default (see ``predictors``).
    ValueError
        A control that is an item of the outcome or a scale of the model, or a name given
        twice.

    Warns
    -----
    ModelWarning
        The fit has fewer than :data:`FEW_RESIDUAL_DF` residual degrees of freedom, or a
        respondent has leverage of :data:`HIGH_LEVERAGE` or more (HC2/HC3 divide its squared
        residual by a power of 1 - h, undefined at h = 1). With fewer than two residual
        degrees of freedom (counting every slope: the predictors, each numeric control and
        each dummy) the model is refused instead.

    Notes
    -----
    Standardised coefficients (``std_*``) come from refitting the same model, with the same
    covariance type, after z-scoring the outcome and every continuous regressor (the
    predictors and the numeric controls) in the analysis sample (mean 0, SD 1 with n - 1).
    For a continuous regressor it is the change in outcome SDs per SD of the regressor,
    ``b * sd(x) / sd(y)``; for a dummy (a category of a text, ordinal or boolean control)
    it is the group difference in outcome SDs, ``b / sd(y)`` (dummies are not standardised).

    References
    ----------
    Long, J. S. & Ervin, L. H. (2000). Using heteroscedasticity consistent standard errors in
    the linear regression model. The American Statistician 54, 217–224.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> res = ce.image_model(resp, inst, outcome="CITRA", controls=["district"])
    >>> res.table["term"].tolist()[:6]
    ['Intercept', 'KS', 'BM', 'BC', 'IB', 'TK']
    >>> list(res.table.columns) == ce.COEF_COLUMNS
    True
    """
    import statsmodels.api as sm

    check_frame(responses, "responses")
    if not isinstance(instrument, Instrument):
        raise TypeError(f"instrument must be an Instrument, got {type(instrument).__name__}")
    check_choice(robust, "robust", (*_ROBUST, None))
    ci = check_ci(ci)
    instrument._scale(outcome)
    preds = (default_predictors(instrument, outcome) if predictors is None else
             check_names(predictors, "predictors", unique=True))
    if not preds:
        raise InputError(f"no predictors: {no_predictors_reason(instrument, outcome)}; pass "
                         "predictors=[...] scale names")
    shared_out = set(instrument.scales[outcome].items)
    for p in preds:
        instrument._scale(p)
        if p == outcome or shared_out & set(instrument.scales[p].items):
            raise InputError(f"predictor {p!r} {_shares_with(instrument, p, outcome)}; leave "
                             "it out of the predictors (a predictor must be measured by other "
                             "items)")
    controls = check_names(controls, "controls", allow_none=False, unique=True)
    _columns(responses, controls, "controls")
    for c in controls:
        if (why := control_name_problem(c)) is not None:
            raise ValueError(f"control {c!r}: {why}")
        if c in shared_out:
            raise ValueError(f"control {c!r} is an item of the outcome {outcome!r}; leave it "
                             "out of the controls")
        if c in preds or c == outcome:
            raise ValueError(f"control {c!r} is also a scale of the model; leave it out of the "
                             "controls")
        if not responses[c].notna().any():
            raise InputError(f"control {c!r} is empty (no respondent has a value); fill it in "
                             "or leave it out of the controls")
        _check_control(responses[c], c)
    check_finite(responses, controls, "image_model: controls")
    data = analysis_sample(responses, instrument, outcome=outcome, predictors=preds,
                           controls=controls, min_items=min_items, with_id=True)
    note = ""
    if len(data) < len(responses):  # which variables listwise deletion left respondents out for
        scores = score_scales(responses, instrument, scales=[outcome, *preds],
                              min_items=min_items, keep=list(controls))
        note = _left_out(scores, [outcome, *preds, *controls], noun="respondent",
                         why=" (listwise deletion)")
        warnings.warn(f"image model of {outcome!r}: {note}", ModelWarning, stacklevel=2)
    # every slope counts: a predictor scale, a numeric control, a dummy per extra category
    slopes = len(preds) + sum(1 if _is_continuous(data[c]) else max(data[c].nunique() - 1, 0)
                              for c in controls)
    if len(data) <= slopes + 2:
        unanswered = [s for s in [outcome, *preds]
                      if not responses[list(instrument.scales[s].items)].notna().any().any()]
        if unanswered:
            s = unanswered[0]
            raise InputError(f"scale {s!r} has no answers ({', '.join(instrument.scales[s].items)}"
                             " are blank for every respondent), so the image model has no "
                             "complete respondent: check that the responses hold its items, "
                             + ("or model another outcome" if s == outcome else
                                "or leave it out of the predictors"))
        raise InputError(_too_few(len(data), outcome, len(preds), slopes))
    for c in controls:
        if not _is_continuous(data[c]) and data[c].nunique() < 2:
            raise InputError(f"control {c!r} has one value ({data[c].iloc[0]!r}) for every one "
                             f"of the {len(data)} complete respondents; the image model cannot "
                             "use it: leave it out of the model")
    lone = lone_level_problem(data, controls)
    if lone is not None:
        raise InputError(lone)
    X, continuous, references = _design(data, [*preds, *controls])
    X.insert(0, INTERCEPT, 1.0)
    y = data[outcome].astype(float)
    zX, zy = X.copy(), y.copy()
    for name, col in [(outcome, zy), *((c, zX[c]) for c in continuous)]:
        sd = col.std(ddof=1)
        if not sd > 0:
            same = (f"has no variance in the analysis sample (every one of the {len(data)} "
                    "complete respondents has the same value)")
            if name == outcome:  # the one term that cannot be left out
                raise InputError(f"the outcome {name!r} {same}, so the image model has "
                                 "nothing to explain: check the answers to its items, or "
                                 "model another outcome")
            raise InputError(f"{name!r} {same}; the image model cannot use it: leave it out "
                             "of the model")
    _check_collinear(X)
    zy = (zy - zy.mean()) / zy.std(ddof=1)
    for c in continuous:
        zX[c] = (zX[c] - zX[c].mean()) / zX[c].std(ddof=1)
    alone = leverage_one_problem(data, [*preds, *controls], instrument.id_column)
    if alone is not None:
        raise InputError(alone)
    fit_kw = {"cov_type": robust, "use_t": True} if robust else {}
    raw = sm.OLS(y, X).fit(**fit_kw)
    std = sm.OLS(zy, zX).fit(**fit_kw)
    _warn_fragile_fit(X, outcome, robust)
    a = 1 - ci
    rci, sci = raw.conf_int(alpha=a), std.conf_int(alpha=a)
    table = pd.DataFrame({
        "term": list(raw.params.index),
        "estimate": raw.params.to_numpy(), "std_error": raw.bse.to_numpy(),
        "statistic": raw.tvalues.to_numpy(), "p_value": raw.pvalues.to_numpy(),
        "ci_low": rci.iloc[:, 0].to_numpy(), "ci_high": rci.iloc[:, 1].to_numpy(),
        "std_estimate": std.params.to_numpy(), "std_ci_low": sci.iloc[:, 0].to_numpy(),
        "std_ci_high": sci.iloc[:, 1].to_numpy(), "n": int(raw.nobs)}, columns=COEF_COLUMNS)
    return ImageModelResult(table=table, fit=raw, std_fit=std, outcome=outcome,
                            predictors=tuple(preds), controls=tuple(controls),
                            reference_levels=references, cov_type=robust or "nonrobust",
                            ci=float(ci), note=note)


def _too_few(n: int, outcome: str, n_preds: int, n_slopes: int) -> str:
    """Why ``n`` complete respondents cannot fit ``n_slopes`` slopes (``n_preds`` of them
    predictor scales, the rest the controls' columns and dummies) and an intercept."""
    counted = (f"{n_slopes} slopes ({n_preds} predictor scales and {n_slopes - n_preds} for "
               "the controls, one per numeric control and per category beyond the reference)"
               if n_slopes > n_preds else f"{n_preds} predictors")
    return (f"only {n} complete respondents (every score of {outcome!r}, the {n_preds} "
            f"predictor scales and the controls present) for {counted}; the image model needs "
            f"at least {n_slopes + 3} (two residual degrees of freedom): check the missing "
            "answers, lower min_items (--min-items), or use fewer controls")


def _warn_fragile_fit(X: pd.DataFrame, outcome: str, robust: str | None) -> None:
    """Warn (:class:`ModelWarning`) about a fit whose standard errors deserve doubt: fewer
    than :data:`FEW_RESIDUAL_DF` residual df, or a leverage of :data:`HIGH_LEVERAGE` or more."""
    arr = X.to_numpy(float)
    n, p = arr.shape
    q, _ = np.linalg.qr(arr)
    leverage = (q * q).sum(axis=1)  # the diagonal of the hat matrix
    worst = int(np.argmax(leverage))
    doubts = []
    if n - p < FEW_RESIDUAL_DF:
        doubts.append(f"{n - p} residual degrees of freedom ({n} respondents, {p} "
                      f"coefficients; fewer than {FEW_RESIDUAL_DF}): wide intervals and "
                      "unreliable standard errors")
    if leverage[worst] >= HIGH_LEVERAGE:
        hc = (f"{robust} standard errors divide its squared residual by "
              f"(1 - h)^{2 if robust == 'HC3' else 1} and are undefined at h = 1"
              if robust in {"HC2", "HC3"} else "its answers alone decide its fitted value")
        doubts.append(f"respondent {worst + 1} of the analysis sample has leverage "
                      f"{leverage[worst]:.3f} (at least {HIGH_LEVERAGE}): {hc}")
    if doubts:
        warnings.warn(f"image model of {outcome!r}: " + "; ".join(doubts) + "; read its "
                      "standard errors, p values and intervals with caution, or collect more "
                      "respondents or use fewer controls", ModelWarning, stacklevel=3)


#: A text control with more levels than this is refused by :func:`image_model` (a numeric
#: column read as text gives one dummy per distinct value).
MAX_CONTROL_LEVELS = 20


def control_name_problem(name: str) -> str | None:
    """Why a responses column ``name`` cannot be a control of the image model: it is named
    as the model's constant term (``Intercept``, a row of its coefficient table), or None
    when it can. Said of the responses file by ``validate`` and ``survey``."""
    if name != INTERCEPT:
        return None
    return (f"column {name!r} has the name of the image model's constant term ({INTERCEPT!r} "
            "in its coefficient tables), so it cannot be a control: rename the column (in "
            "the responses, and where it is named as a control)")


def control_levels_problem(x: pd.Series, name: str) -> str | None:
    """Why the text control ``x`` (column ``name``) cannot enter the image model: more than
    :data:`MAX_CONTROL_LEVELS` levels (e.g. numbers read as text), or None when it can."""
    if _is_continuous(x) or pd.api.types.is_bool_dtype(x):
        return None
    levels = x.dropna().unique()
    if len(levels) <= MAX_CONTROL_LEVELS:
        return None
    numeric = pd.to_numeric(pd.Series(levels).astype(str), errors="coerce").notna().all()
    hint = (f"its values are numbers held as text: declare it numeric in the instrument "
            f"('demographics: [{{{name}: numeric}}]'; or convert it with pd.to_numeric)"
            if numeric else "group its levels into fewer categories first, or leave it out")
    return (f"{name!r} is text with {len(levels)} levels, which would enter the model as "
            f"{len(levels) - 1} dummies (at most {MAX_CONTROL_LEVELS} levels); {hint}")


def _check_control(x: pd.Series, name: str) -> None:
    problem = control_levels_problem(x, name)
    if problem is not None:
        raise InputError(f"control {problem}")


def analysis_sample(responses: pd.DataFrame, instrument: Instrument, *, outcome: str,
                    predictors: Sequence[str], controls: Sequence[str],
                    min_items: int | None = None, with_id: bool = False) -> pd.DataFrame:
    """The respondents :func:`image_model` fits: the scores of ``outcome`` and
    ``predictors`` (:func:`citra_eval.score_scales` with ``min_items``) and the ``controls``
    columns, of the respondents who have all of them (``with_id``: the respondent id
    column first, when the responses have one)."""
    scores = score_scales(responses, instrument, scales=[outcome, *predictors],
                          min_items=min_items, keep=list(controls))
    cols = [outcome, *predictors, *controls]
    ids = ([instrument.id_column] if with_id and instrument.id_column in scores.columns
           and instrument.id_column not in cols else [])
    return scores[ids + cols].dropna(subset=cols).reset_index(drop=True)


def lone_level_problem(data: pd.DataFrame, controls: Sequence[str]) -> str | None:
    """Why the image model refuses a category of a control in its analysis sample ``data``
    (:func:`analysis_sample`): one respondent in it (the reference level included), whose
    own intercept fits that respondent exactly (leverage 1, residual 0), so the coefficient
    has no usable standard error (HC2/HC3 divide 0 by 0). None when every level has two or
    more respondents."""
    for c in controls:
        if _is_continuous(data[c]):
            continue
        counts = data[c].value_counts()
        lone = [_py(v) for v, k in counts.items() if k == 1]
        if lone:
            return (f"control {c!r}: level {lone[0]!r} has 1 respondent in the analysis "
                    "sample; its coefficient is not estimable (leverage 1, HC standard errors "
                    "0/0): merge the level with another or leave that respondent out")
    return None


#: :func:`image_model` refuses a respondent whose leverage h is this close to 1: its own
#: values span a direction of the design no other respondent shares, so its residual is 0
#: and HC2/HC3 standard errors divide 0 by 0 (what is printed is rounding noise).
LEVERAGE_ONE_TOL = 1e-8


def _hat_diagonal(arr: np.ndarray) -> np.ndarray:
    """The diagonal of the hat matrix of ``arr`` (from its SVD, so a rank-deficient design
    gives the leverage of its column space)."""
    u, s, _ = np.linalg.svd(arr, full_matrices=False)
    keep = s > s.max() * max(arr.shape) * np.finfo(float).eps
    return (u[:, keep] ** 2).sum(axis=1)


def leverage_one_problem(data: pd.DataFrame, terms: Sequence[str],
                         id_column: str | None = None) -> str | None:
    """Why the image model refuses its analysis sample ``data`` (:func:`analysis_sample`)
    with regressors ``terms`` (predictors, then controls): a respondent with leverage 1
    (within :data:`LEVERAGE_ONE_TOL`), e.g. a numeric control constant except for that
    respondent. Names the respondent (its ``id_column`` value, else its row) and the
    term(s) whose removal brings its leverage below 1. None when no leverage is 1."""
    X, _, _ = _design(data, terms)
    X.insert(0, INTERCEPT, 1.0, allow_duplicates=True)  # a column may be so named
    h = _hat_diagonal(X.to_numpy(float))
    ones = np.flatnonzero(h > 1 - LEVERAGE_ONE_TOL)
    if not ones.size:
        return None
    i = int(ones[0])
    who = (f"respondent {_py(data[id_column].iloc[i])!r}" if id_column in data.columns
           else f"respondent {i + 1} of the analysis sample")

    def columns_of(term: str) -> list[str]:
        return [c for c in X.columns if c == term or c.startswith(f"{term}[T.")]

    culprits = [t for t in terms
                if _hat_diagonal(X.drop(columns=columns_of(t)).to_numpy(float))[i]
                < 1 - LEVERAGE_ONE_TOL]
    if len(culprits) == 1:
        t = culprits[0]
        x = data[t]
        others = x.drop(index=data.index[i]).unique()
        value = (f" ({t!r} is {_py(x.iloc[i])!r}, every other respondent has "
                 f"{_py(others[0])!r})" if len(others) == 1 else "")
        cause = f"its value of {t!r} is unlike any other respondent's{value}"
        fix = f"leave {t!r} out of the model or that respondent out of the data"
    elif culprits:
        cause = (f"its values of {' and '.join(map(repr, culprits))} together single it out "
                 "from every other respondent")
        fix = f"leave one of {', '.join(map(repr, culprits))} out of the model"
    else:
        cause = "its values of the regressors single it out from every other respondent"
        fix = "use fewer controls or leave that respondent out of the data"
    return (f"{who} has leverage 1 in the image model: {cause}, so the model fits it "
            "exactly (residual 0) and the standard errors are not estimable (HC standard "
            f"errors 0/0): {fix}")


def _check_collinear(X: pd.DataFrame) -> None:
    """Refuse perfectly collinear regressors (OLS would split their effect arbitrarily);
    ``X``'s first column is the constant."""
    arr = X.to_numpy(float)
    if np.linalg.matrix_rank(arr) == arr.shape[1]:
        return
    for j in range(1, arr.shape[1]):
        if np.linalg.matrix_rank(arr[:, :j + 1]) <= j:
            coef, *_ = np.linalg.lstsq(arr[:, :j], arr[:, j], rcond=None)
            others = [str(X.columns[i]) for i in range(j)
                      if i > 0 and abs(coef[i]) > 1e-8]
            if not others:
                raise InputError(f"{str(X.columns[j])!r} is constant in the analysis sample; "
                                 "leave it out of the model")
            with_ = " and ".join(map(repr, [*others, str(X.columns[j])]))
            raise InputError(f"{with_} are perfectly collinear in the analysis sample (one is "
                             "a linear function of the other(s)), so their effects cannot be "
                             "separated; leave one of them out of the model")


def default_predictors(instrument: Instrument, outcome: str) -> list[str]:
    """Scales with ``role: strategy``, else every scale; of these, those sharing no item with
    ``outcome`` (so neither the outcome nor, for a composite outcome, one of its parts)."""
    out_items = set(instrument._scale(outcome).items)
    pool = instrument.scale_names("strategy") or list(instrument.scales)
    return [n for n in pool if n != outcome and not out_items & set(instrument.scales[n].items)]


def no_predictors_reason(instrument: Instrument, outcome: str) -> str:
    """Why :func:`default_predictors` finds no predictor for ``outcome`` (for messages)."""
    strategies = instrument.scale_names("strategy")
    if strategies:
        others = [s for s in strategies if s != outcome]
        if not others:
            return f"{outcome!r} is the only strategy scale ('role: strategy')"
        return (f"every strategy scale ('role: strategy': {', '.join(others)}) shares items "
                f"with the outcome {outcome!r}")
    others = [s for s in instrument.scales if s != outcome]
    return (f"no scale has 'role: strategy' and every other scale ({', '.join(others) or 'none'}"
            f") shares items with the outcome {outcome!r}")


def _shares_with(instrument: Instrument, scale: str, outcome: str) -> str:
    """``shares items with the outcome 'X'``, saying how when ``scale`` is ``outcome`` or
    one of its parts."""
    how = ("it is the outcome" if scale == outcome else
           "it is one of its parts" if scale in instrument.scales[outcome].of else
           "the outcome is one of its parts" if outcome in instrument.scales[scale].of else
           None)
    return f"shares items with the outcome {outcome!r}" + (f" ({how})" if how else "")


# --------------------------------------------------------------------------- ordinal model

@dataclass(frozen=True, eq=False)
class OrdinalModelResult:
    """A cumulative link model: its coefficient table, the statsmodels fit, fit statistics.

    Returned by :func:`ordinal_model`, in the manner of statsmodels' results classes.

    Attributes
    ----------
    table : DataFrame
        The coefficients, then the thresholds: the columns :data:`ORDINAL_COLUMNS` (see
        :func:`ordinal_model`), on R's ``polr``/``clm`` scale.
    fit : statsmodels OrderedResults
        The statsmodels fit. Its thresholds are in ``OrderedModel``'s parameterisation (the
        first threshold, then the logs of the increments); ``table`` has them transformed.
    outcome : str
        The outcome column.
    predictors : tuple of str
        The predictor columns.
    link : str
        ``logit`` or ``probit``: the link that was fitted.
    levels : tuple of str
        The outcome categories used, lowest first.
    ci : float
        Confidence level of the intervals in ``table``.
    note : str
        The rows left out for a missing outcome, predictor or weight (listwise deletion),
        e.g. ``"left out 30 of 72 rows (listwise deletion): 30 without 'temp'"``; ``""`` when
        every row is complete.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1, 2, 3, 1, 2, 3, 2, 3, 3, 1],
    ...                   "g": ["a", "a", "a", "b", "a", "b", "b", "b", "b", "a"]})
    >>> res = ce.ordinal_model(d, outcome="y", predictors=["g"], link="probit")
    >>> res.link, res.nobs, res.levels, list(res.thresholds.index)
    ('probit', 10, ('1', '2', '3'), ['1|2', '2|3'])
    """

    table: pd.DataFrame
    fit: Any
    outcome: str
    predictors: tuple[str, ...]
    link: str
    levels: tuple[str, ...]
    ci: float
    note: str = ""

    @property
    def nobs(self) -> int:
        """Observations in the fit (the sum of the frequency weights)."""
        return int(self.fit.nobs)

    @property
    def llf(self) -> float:
        """Log-likelihood at the maximum."""
        return float(self.fit.llf)

    @property
    def aic(self) -> float:
        """``-2 log L + 2p`` with p coefficients and thresholds (R's ``AIC(polr)``)."""
        return -2 * self.llf + 2 * len(self.table)

    @property
    def bic(self) -> float:
        """``-2 log L + p log n`` (n as :attr:`nobs`)."""
        return -2 * self.llf + math.log(self.nobs) * len(self.table)

    @property
    def converged(self) -> bool:
        """Whether the optimiser reported convergence."""
        return bool(self.fit.mle_retvals.get("converged", True))

    @property
    def thresholds(self) -> pd.Series:
        """The thresholds θ_j, indexed ``lower|upper`` (as R's ``zeta``)."""
        t = self.table[self.table["kind"] == "threshold"]
        return pd.Series(t["estimate"].to_numpy(), index=t["term"].to_list(), name="estimate")

    @property
    def params(self) -> pd.Series:
        """The coefficients β, indexed by term."""
        t = self.table[self.table["kind"] == "beta"]
        return pd.Series(t["estimate"].to_numpy(), index=t["term"].to_list(), name="estimate")

    def fit_statistics(self) -> pd.DataFrame:
        """The fit statistics as a table: ``statistic, value`` (``nobs, llf, aic, bic``)."""
        return pd.DataFrame({"statistic": ["nobs", "llf", "aic", "bic"],
                             "value": [float(self.nobs), self.llf, self.aic, self.bic]})


def ordinal_model(frame: pd.DataFrame, *, outcome: str, predictors: Sequence[str],
                  weights: str | None = None, link: str = "logit",
                  levels: Sequence | None = None, ci: float = 0.95) -> OrdinalModelResult:
    """Proportional-odds (cumulative link) model of an ordinal outcome, as R's ``polr``/``clm``.

    Parameters
    ----------
    frame : DataFrame
        Tidy data, one row per observation (or per cell with ``weights``).
    outcome : str
        Ordinal outcome column: an ordered pandas Categorical, numbers (ordered by value), or
        text with ``levels`` giving the order.
    predictors : sequence of str
        Predictor columns. Text/categorical columns become treatment-coded dummies named
        ``column[T.level]`` (reference: first category of a Categorical, else first sorted).
    weights : str, optional
        Column of frequency weights (whole numbers >= 0), as ``polr(..., weights = Freq)``.
        Each row counts that many times.
    link : str
        ``logit`` (proportional odds) or ``probit``.
    levels : sequence, optional
        The outcome categories from lowest to highest (needed for text outcomes).
    ci : float
        Confidence level of the Wald intervals.

    Returns
    -------
    OrdinalModelResult
        ``.table`` has one row per coefficient, then one per threshold: ``term, kind,
        estimate, std_error, statistic, p_value, ci_low, ci_high, n``. ``kind`` is ``beta``
        or ``threshold``; thresholds are named ``lower|upper`` (R's naming, e.g.
        ``Low|Medium``). ``statistic`` is the Wald z; ``n`` the number of observations (the
        sum of the weights). ``.fit`` is the statsmodels fit; ``.nobs``, ``.llf``, ``.aic``,
        ``.bic``, ``.converged`` and ``.thresholds`` the fit statistics; ``.note`` the rows
        left out for a missing value (``""`` when none).

    Raises
    ------
    InputError
        An outcome with one or two categories, or with numbers that are not whole (a mean
        score) unless ``levels`` declares them; no more complete rows than parameters
        (coefficients and thresholds); a predictor without variance, perfectly collinear
        predictors, or (quasi-)complete separation
        (a level of a categorical predictor whose rows all lie in the lowest, or all in the
        highest, outcome category; or the information matrix on standardised, centred
        predictors has a condition number above :data:`SEPARATION_CONDITION` or a smallest
        eigenvalue per observation below :data:`SEPARATION_MIN_INFORMATION`, so the check
        does not depend on the predictors' units; the estimates would be arbitrary, as R's
        ``clm`` warns); frequency weights summing to more than :data:`MAX_WEIGHTED_ROWS`
        (rows are repeated as often as their weight; rescale or aggregate).
    ValueError
        The outcome among the predictors, the weights column as the outcome or a predictor,
        a name given twice, a bad ``link`` or ``ci``.

    Warns
    -----
    ModelWarning
        Rows left out for a missing outcome, predictor or weight (also in ``.note``), or
        the optimiser did not converge (statsmodels' own ``HessianInversionWarning`` and
        ``ConvergenceWarning`` are not passed on: the separation check and this warning say
        what they mean).
    CategoryWarning
        An outcome category between the lowest and highest observed ones has no
        observations: a level of ``levels``, or without ``levels`` a point of a
        whole-number scale (a 0-10 item nobody answered 1). It is merged with its
        neighbours (threshold ``0|2`` instead of ``0|1`` and ``1|2``), as a category
        without observations has no threshold of its own; the warning names it. Pass
        ``levels`` without it to merge it on purpose (no warning). Declared levels outside
        the observed range (nobody chose the top option) are left out, as they add no
        threshold between observed categories, and named too.
        Without ``levels``, a lowest or highest numeric value further from its neighbour
        than the other values span (99 or -9 in a 1-5 outcome) is named as a likely
        missing-value code: declare it missing, or pass ``levels`` with it to keep it.

    Notes
    -----
    The model is :math:`P(Y \\le j \\mid x) = F(\\theta_j - x^\\top\\beta)` with F the logistic
    (or normal) CDF — the parameterisation of MASS ``polr`` and ordinal ``clm``. It is fitted
    by maximum likelihood with statsmodels ``OrderedModel``, which estimates the first
    threshold and the logs of the increments; thresholds are transformed back and their
    standard errors obtained by the delta method. ``OrderedModel`` (statsmodels 0.15) has no
    weights argument, so frequency weights are applied by repeating each row ``weight``
    times, which gives exactly the weighted log-likelihood that ``polr`` maximises (and the
    same Hessian, hence the same standard errors).

    References
    ----------
    Venables, W. N. & Ripley, B. D. (2002). Modern Applied Statistics with S, 4th ed.,
    §7.3. Springer. Christensen, R. H. B. (2019). Cumulative link models for ordinal
    regression with the R package ordinal (vignette of the ordinal package).

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1, 2, 3, 1, 2, 3, 2, 3, 3, 1],
    ...                   "g": ["a", "a", "a", "b", "a", "b", "b", "b", "b", "a"]})
    >>> res = ce.ordinal_model(d, outcome="y", predictors=["g"])
    >>> res.table[["term", "kind"]].values.tolist()
    [['g[T.b]', 'beta'], ['1|2', 'threshold'], ['2|3', 'threshold']]
    """
    from scipy import stats  # here, not at the top: it costs ~0.4 s to import
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

    frame = check_frame(frame, "frame")
    predictors = check_names(predictors, "predictors", allow_none=False, unique=True,
                             as_str=False)
    _columns(frame, [outcome, *predictors, *([weights] if weights else [])], "ordinal_model")
    check_choice(link, "link", ("logit", "probit"))
    ci = check_ci(ci)
    if not predictors:
        raise ValueError("predictors must name at least one column")
    if outcome in predictors:
        raise ValueError(f"the outcome {outcome!r} is also among the predictors; leave it out "
                         "of predictors")
    check_column_roles("ordinal_model", [("outcome", "the outcome", outcome),
                                         ("predictors", "a predictor", predictors),
                                         ("weights", "the frequency weights", weights)])
    check_finite(frame, [outcome, *predictors, *([weights] if weights else [])],
                 "ordinal_model")
    used = [outcome, *predictors, *([weights] if weights else [])]
    data = frame[used].dropna()
    note = _left_out(frame, used, why=" (listwise deletion)") if len(data) < len(frame) else ""
    if note:
        warnings.warn(f"ordinal model of {outcome!r}: {note}", ModelWarning, stacklevel=2)
    if weights:
        data = _expand_weights(data, weights)
    y, cats = _ordered_outcome(data[outcome], outcome, levels)
    if len(cats) == 1:
        raise InputError(f"the outcome {outcome!r} has one category ({cats[0]}) in all "
                         f"{len(data)} complete rows: there is nothing to model; choose an "
                         "outcome whose answers differ")
    if len(cats) == 2:
        raise InputError(f"the outcome {outcome!r} has two categories ({cats[0]}, {cats[1]}); "
                         "a cumulative link model needs at least three ordered categories: "
                         "use logistic regression")
    X, continuous, _ = _design(data, predictors)
    n_params = X.shape[1] + len(cats) - 1
    if len(data) <= n_params:
        raise InputError(f"only {len(data)} complete rows for {n_params} parameters "
                         f"({X.shape[1]} coefficients and {len(cats) - 1} thresholds): too "
                         "few to fit the ordinal model; use fewer predictors or merge outcome "
                         "categories")
    for c in continuous:
        if not X[c].std(ddof=1) > 0:
            raise InputError(f"predictor {c!r} has no variance (every one of the {len(data)} "
                             f"complete rows has {X[c].iloc[0]:g}); a cumulative link model "
                             "has no intercept to absorb it: leave it out of predictors")
    with_constant = X.copy()  # a predictor may be called Intercept: OrderedModel has none
    with_constant.insert(0, INTERCEPT, 1.0, allow_duplicates=True)
    _check_collinear(with_constant)
    _check_extreme_level(data, predictors, y, cats, outcome)
    model = OrderedModel(y, X, distr=link)
    with warnings.catch_warnings():
        # statsmodels' own warnings about the fit ("Inverting hessian failed", no
        # convergence) are replaced by _check_separation and the ModelWarning below
        warnings.filterwarnings("ignore", category=HessianInversionWarning)
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        res = model.fit(method="bfgs", maxiter=2000, disp=False)
        if not res.mle_retvals.get("converged", True):
            res = model.fit(start_params=res.params, method="newton", maxiter=200, disp=False)
    k = X.shape[1]
    _check_separation(model, res, X, outcome)
    if not res.mle_retvals.get("converged", True):
        warnings.warn(f"ordinal model of {outcome!r}: the optimiser did not converge (BFGS, "
                      "then Newton); the estimates may not be the maximum-likelihood ones: "
                      "check .converged, use fewer predictors or merge outcome categories",
                      ModelWarning, stacklevel=2)
    params = np.asarray(res.params, dtype=float)
    cov = np.asarray(res.cov_params(), dtype=float)
    # thresholds: theta_1 = p_k, theta_j = theta_{j-1} + exp(p_{k+j-1}); delta method for SEs
    raw_t = params[k:]
    theta = raw_t[0] + np.concatenate([[0.0], np.cumsum(np.exp(raw_t[1:]))])
    jac = np.zeros((len(raw_t), len(raw_t)))
    jac[:, 0] = 1.0
    for j in range(1, len(raw_t)):
        jac[j, 1:j + 1] = np.exp(raw_t[1:j + 1])
    t_cov = jac @ cov[k:, k:] @ jac.T
    est = np.concatenate([params[:k], theta])
    se = np.sqrt(np.concatenate([np.diag(cov)[:k], np.diag(t_cov)]))
    z = est / se
    q = stats.norm.ppf(1 - (1 - ci) / 2)
    names = list(X.columns) + [f"{cats[j]}|{cats[j + 1]}" for j in range(len(cats) - 1)]
    table = pd.DataFrame({"term": names, "kind": ["beta"] * k + ["threshold"] * len(theta),
                          "estimate": est, "std_error": se, "statistic": z,
                          "p_value": 2 * stats.norm.sf(np.abs(z)), "ci_low": est - q * se,
                          "ci_high": est + q * se, "n": len(data)}, columns=ORDINAL_COLUMNS)
    return OrdinalModelResult(table=table, fit=res, outcome=outcome,
                              predictors=tuple(predictors), link=link, levels=tuple(cats),
                              ci=float(ci), note=note)


#: Condition number of the information matrix (on standardised, centred predictors) above
#: which :func:`ordinal_model` refuses the fit as (quasi-)separated: ordinary fits have tens to
#: hundreds, separated ones millions.
SEPARATION_CONDITION = 1e6
#: Smallest eigenvalue of that information matrix per observation below which the fit is
#: refused as separated too: under complete separation every fitted probability tends to 0 or
#: 1, so the whole matrix vanishes and its condition number alone can stay moderate. Ordinary
#: fits have 0.01 to 0.3 (a 0.9995 correlation between two predictors about 1e-4), separated
#: ones below 1e-6.
SEPARATION_MIN_INFORMATION = 1e-5


def _observed_levels(x: pd.Series) -> list:
    """The levels of a categorical predictor that occur, in order (the first is the
    reference): a Categorical's own order, otherwise sorted as text."""
    lv = (list(x.cat.categories) if isinstance(x.dtype, pd.CategoricalDtype)
          else sorted(x.unique(), key=str))
    return [v for v in lv if (x == v).any()]


def _check_extreme_level(data: pd.DataFrame, predictors: Sequence[str], y: pd.Series,
                         cats: list, outcome: str) -> None:
    """Refuse a level of a categorical predictor whose rows all lie in the lowest (or all in
    the highest) outcome category: quasi-complete separation whatever the other predictors
    (its coefficient, or for the reference level the thresholds and the factor's other
    coefficients together, run off to infinity; Albert & Anderson 1984). The optimiser may
    stop early with a finite estimate and a huge SE, which the information check can miss."""
    codes = y.cat.codes.to_numpy()  # y: the ordered Categorical of _ordered_outcome
    for p in predictors:
        x = data[p]
        if _is_continuous(x):
            continue
        lv = _observed_levels(x)
        for i, v in enumerate(lv):
            rows = codes[(x == v).to_numpy()]
            for code, where in ((0, "lowest"), (len(cats) - 1, "highest")):
                if (rows == code).all():
                    term = f"'{p}[T.{v}]'" if i else f"{p!r}, its reference level"
                    raise InputError(
                        f"the categories of {outcome!r} are (quasi-)completely separated by "
                        f"the predictors ({term}): "
                        + ("the only row" if len(rows) == 1 else f"all {len(rows)} rows")
                        + f" with {p!r} = {_py(v)!r} "
                        + ("has" if len(rows) == 1 else "have")
                        + f" the {where} category of {outcome!r} "
                        f"({cats[code]}), so its coefficient has no finite "
                        "estimate or standard error (the likelihood keeps rising as it "
                        "grows): merge the level with another, or leave the predictor out")


def _check_separation(model, res, X: pd.DataFrame, outcome: str) -> None:
    """Refuse a fit whose information matrix is nearly singular: the likelihood keeps rising
    along one direction (a predictor separating the outcome categories), so the estimate
    and its standard error are arbitrary (R's ``clm`` warns, ``polr`` reports huge SEs)."""
    k = X.shape[1]
    mean = X.mean().to_numpy(dtype=float)
    sd = X.std(ddof=0).to_numpy(dtype=float)
    sd = np.where(sd > 0, sd, 1.0)
    # The information of the fit re-expressed for standardised predictors z = (x - mean) / sd,
    # so that the condition number does not depend on units or location: gamma = sd * beta and
    # the first threshold absorbs the centring (theta_1' = theta_1 - mean . beta; the log
    # increments are unchanged). With J = d(old) / d(new), the new information is J' I J.
    jac = np.eye(len(res.params))
    jac[:k, :k] = np.diag(1.0 / sd)
    jac[k, :k] = mean / sd
    info = -np.asarray(model.hessian(np.asarray(res.params)), dtype=float)
    info = jac.T @ info @ jac
    vals, vecs = np.linalg.eigh(info)
    if (vals[0] > SEPARATION_MIN_INFORMATION * len(X)
            and vals[-1] / vals[0] < SEPARATION_CONDITION):
        return
    worst = str(X.columns[int(np.argmax(np.abs(vecs[:k, 0])))]) if k else "?"
    raise InputError(f"the categories of {outcome!r} are (quasi-)completely separated by the "
                     f"predictors (most of all {worst!r}): the likelihood keeps rising as its "
                     "coefficient grows, so no finite estimate or standard error exists; "
                     "leave the predictor out, merge outcome categories, or collect more "
                     "varied data")


#: :func:`ordinal_model` refuses frequency weights summing to more than this: it repeats each
#: row as often as its weight (statsmodels' ``OrderedModel`` has no weights), so time and
#: memory grow with the sum (1.7 million rows took over three minutes).
MAX_WEIGHTED_ROWS = 1_000_000


def _expand_weights(data: pd.DataFrame, weights: str) -> pd.DataFrame:
    w = data[weights]
    if not pd.api.types.is_numeric_dtype(w) or (w < 0).any() or (w != np.round(w)).any():
        raise ValueError(f"weights column {weights!r} must hold frequency weights (whole numbers "
                         ">= 0)")
    total = float(w.sum())
    if total == 0:
        raise ValueError(f"weights column {weights!r} sums to zero")
    if total > MAX_WEIGHTED_ROWS:
        raise InputError(f"the frequency weights in {weights!r} sum to {total:,.0f}, and the "
                         f"ordinal model repeats each row as often as its weight (at most "
                         f"{MAX_WEIGHTED_ROWS:,} rows): frequency weights count respondents; "
                         "rescale survey or population weights to the sample size, or "
                         "aggregate the rows into cells with their counts")
    w = w.astype(int)
    return data.loc[data.index.repeat(w)].drop(columns=weights).reset_index(drop=True)


def _between(value, low, high, levels: list | None) -> bool:
    """Whether ``value`` lies between ``low`` and ``high``: by position in the declared
    ``levels``, else as numbers."""
    if levels is not None:
        return levels.index(low) < levels.index(value) < levels.index(high)
    return low < value < high


def _ordered_outcome(y: pd.Series, name: str, levels: Sequence | None) -> tuple[pd.Series, list]:
    declared = levels is not None
    if levels is not None:
        levels = list(levels)
        unknown = sorted(set(y.astype(object)) - set(levels), key=str)
        if unknown:
            raise ValueError(f"{name!r} has values not in levels: {unknown}")
    elif isinstance(y.dtype, pd.CategoricalDtype):
        if not y.cat.ordered:
            raise ValueError(f"{name!r} is an unordered Categorical; make it ordered or pass "
                             "levels=[lowest, ..., highest]")
        levels = list(y.cat.categories)
    elif pd.api.types.is_numeric_dtype(y):
        fraction = y[y != np.round(y)]
        if len(fraction):  # e.g. a mean score: every distinct mean would be a category
            raise InputError(f"{name!r} holds numbers that are not whole (e.g. "
                             f"{fraction.iloc[0]:g}), such as a mean score; an ordinal model "
                             "needs ordered categories: model a single item, round the score "
                             "(frame[col].round()), use image_model (OLS) for a scale score, or "
                             "pass levels=[lowest, ..., highest] if these values are the "
                             "categories")
        levels = sorted(y.unique())
    else:
        raise ValueError(f"{name!r} holds text; pass levels=[lowest, ..., highest] or make it "
                         "an ordered Categorical")
    used = [lv for lv in levels if (y == lv).any()]
    if declared:  # a declared level between observed ones
        empty = ([lv for lv in levels[levels.index(used[0]):levels.index(used[-1]) + 1]
                  if lv not in used] if used else [])
    else:  # a whole-number scale with a point nobody chose (0-10, nobody answered 1)
        empty = unused_scale_points(used) if pd.api.types.is_numeric_dtype(y) else []
    if not declared and pd.api.types.is_numeric_dtype(y):
        _warn_outlying_codes(y, used, name)
    ends = ([lv for lv in levels if lv not in used and (
        levels.index(lv) < levels.index(used[0]) or levels.index(lv) > levels.index(used[-1]))]
        if declared and used else [])
    if ends:
        warnings.warn(CategoryWarning(
            f"{name!r} has no observation of the level(s) "
            f"{', '.join(_fmt_level(e) for e in ends)} at the ends of levels=: the model "
            f"uses the categories {_fmt_level(used[0])} to {_fmt_level(used[-1])} only (a "
            "category nobody chose has no threshold); pass levels= without them to leave "
            "them out on purpose"), stacklevel=3)
    if empty:
        merged = [f"'{_fmt_level(a)}|{_fmt_level(b)}'" for a, b in itertools.pairwise(used)
                  if any(_between(e, a, b, levels if declared else None) for e in empty)]
        warnings.warn(CategoryWarning(
            f"{name!r} has no observation of the {'level' if declared else 'value'}(s) "
            f"{', '.join(_fmt_level(e) for e in empty)} between its lowest and highest "
            "observed ones: a category without observations has no threshold of its own, so "
            f"the model merges it with its neighbours (threshold(s) {', '.join(merged)}); "
            "pass levels= without it to merge it on purpose"), stacklevel=3)
    return pd.Series(pd.Categorical(y, categories=used, ordered=True), index=y.index), [
        _fmt_level(v) for v in used]


def _outlying_codes(values: Sequence) -> list:
    """The lowest or highest of sorted, distinct numbers ``values`` when it lies further from
    its neighbour than the others span (99 or -9 beside 1..5, not 9): a missing-value code
    rather than a category. At least three other values are needed to judge."""
    if len(values) < 4:
        return []
    out = []
    if values[1] - values[0] > values[-1] - values[1]:
        out.append(values[0])
    if values[-1] - values[-2] > values[-2] - values[0]:
        out.append(values[-1])
    return out


def _warn_outlying_codes(y: pd.Series, used: list, name: str) -> None:
    for code in _outlying_codes(used):
        rows = int((y == code).sum())
        rest = [v for v in used if v != code]
        warnings.warn(CategoryWarning(
            f"{name!r} has {_fmt_level(code)} in {rows} row(s), far from its other values "
            f"({_fmt_level(rest[0])} to {_fmt_level(rest[-1])}): it is probably a "
            "missing-value code, yet it is modelled as the "
            f"{'lowest' if code == used[0] else 'highest'} category; declare it as missing "
            f"(the instrument's 'missing: [{_fmt_level(code)}]', or "
            f"frame[{name!r}].replace({_fmt_level(code)}, float('nan'))), or pass levels= "
            "with it if it is a real category"), stacklevel=4)


def _fmt_level(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _is_continuous(x: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x) \
        and not isinstance(x.dtype, pd.CategoricalDtype)


def _design(data: pd.DataFrame,
            predictors: Sequence[str]) -> tuple[pd.DataFrame, list[str], dict[str, Any]]:
    """The design matrix (no intercept), its continuous columns and each factor's reference.

    Numeric columns enter as they are; text, Categorical (ordered or not) and boolean
    columns as treatment-coded dummies ``column[T.level]`` against the first level (the
    first category of a Categorical, else the first in sorted order).
    """
    cols: dict[str, pd.Series] = {}
    continuous: list[str] = []
    references: dict[str, Any] = {}
    for p in predictors:
        x = data[p]
        if _is_continuous(x):
            cols[p] = x.astype(float)
            continuous.append(p)
            continue
        lv = _observed_levels(x)
        if lv:
            references[p] = _py(lv[0])
        for v in lv[1:]:
            cols[f"{p}[T.{v}]"] = (x == v).astype(float)
    X = pd.DataFrame(cols, index=data.index)
    if X.shape[1] == 0:
        raise InputError("the predictors have no variation (every categorical has one level)")
    return X, continuous, references
