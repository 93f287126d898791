"""Reliability: reproduce psych's published alphas on the real bfi data; hand checks."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

import citra_eval as ce

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = ROOT / "data" / "raw" / "instrument.yaml"
RESPONSES = ROOT / "data" / "raw" / "survey_responses.csv"

# bfi.keys.csv (psych): reversed items are marked "-"; bfi.doc.txt: 6-point scale 1..6.
BFI_SCALES = {
    "agree": ["-A1", "A2", "A3", "A4", "A5"],
    "conscientious": ["C1", "C2", "C3", "-C4", "-C5"],
    "extraversion": ["-E1", "-E2", "E3", "E4", "E5"],
    "neuroticism": ["N1", "N2", "N3", "N4", "N5"],
    "openness": ["O1", "-O2", "O3", "O4", "-O5"],
}


def bfi_instrument(refdata) -> ce.Instrument:
    keys = pd.read_csv(refdata("bfi.keys.csv"))
    scales = {}
    for name in BFI_SCALES:
        col = keys[name].tolist()
        assert col == BFI_SCALES[name]  # the keys file says what we assume
        scales[name] = {"items": [k.lstrip("-") for k in col],
                        "reverse": [k[1:] for k in col if k.startswith("-")]}
    return ce.Instrument.from_dict({"scale": {"min": 1, "max": 6}, "id_column": "rownames",
                                    "scales": scales})


@pytest.fixture
def bfi(refdata):
    data = pd.read_csv(refdata("bfi.csv"))
    items = [c for c in data.columns if c[0] in "ACENO" and c[1:].isdigit()]
    data[items] = data[items].astype("float64")
    return data, bfi_instrument(refdata)


def test_bfi_scoreitems_alphas_are_median_imputed(bfi):
    """psych, Revelle: ``scoreItems(bfi.keys, bfi)`` prints the alphas agree 0.70,
    conscientious 0.72, extraversion 0.76, neuroticism 0.81, openness 0.60 (psych vignette
    "An introduction to the psych package: Part II", §5.4.1). scoreItems imputes item medians
    (``impute = "median"``) before it computes them, so they are reproduced with
    ``impute="median"``; with pairwise deletion (psych ``alpha()``) conscientiousness is
    0.7267, printed 0.73, not 0.72."""
    data, inst = bfi
    published = {"agree": 0.70, "conscientious": 0.72, "extraversion": 0.76,
                 "neuroticism": 0.81, "openness": 0.60}
    imputed = ce.scale_reliability(data, inst, impute="median").set_index("scale")
    for scale, value in published.items():
        assert round(imputed.loc[scale, "alpha"], 2) == value, scale
    pairwise = ce.scale_reliability(data, inst).set_index("scale")
    assert round(pairwise.loc["conscientious", "alpha"], 2) == 0.73
    assert (pairwise["alpha"] > imputed["alpha"]).all()  # imputing medians shrinks variance
    assert (pairwise["n"] == 2800).all() and (pairwise["n_items"] == 5).all()
    with pytest.raises(ValueError, match="impute must be one of None, 'median', got 'mean'"):
        ce.scale_reliability(data, inst, impute="mean")


def test_feldt_interval_matches_pingouin(bfi):
    data, inst = bfi
    row = ce.scale_reliability(data, inst, scales=["openness"]).iloc[0]
    keyed = ce.survey.keyed_items(data, inst, "openness")
    _, (lo, hi) = pg.cronbach_alpha(keyed)
    assert (round(row["ci_low"], 3), round(row["ci_high"], 3)) == (lo, hi)


def test_bfi_neuroticism_six_digits(bfi):
    """Revelle, "Alpha – standardized or non-standardized" (personality-project.org psych
    FAQ, Comparing.alpha): ``a1 <- alpha(bfi[16:20]); print(a1$total, digits = 6)`` gives
    raw_alpha 0.813963, std.alpha 0.814675, average_r 0.467854, mean 3.16227, sd 1.19633."""
    data, inst = bfi
    row = ce.scale_reliability(data, inst, scales=["neuroticism"]).iloc[0]
    assert row["alpha"] == pytest.approx(0.813963, abs=5e-7)
    assert row["std_alpha"] == pytest.approx(0.814675, abs=5e-7)
    assert row["average_r"] == pytest.approx(0.467854, abs=5e-7)
    assert row["mean"] == pytest.approx(3.16227, abs=5e-6)
    assert row["sd"] == pytest.approx(1.19633, abs=5e-6)


def test_bfi_agreeableness_full_alpha_output(bfi):
    """psych ``alpha()`` on the agreeableness items with A1 reverse-coded as 7 - A1
    (printed output in the CaseyGio/Psyc6263 course notebook Wk05/Wk5_Reliability_
    demonstration.ipynb, psych 2.x):
    raw_alpha 0.7, std.alpha 0.71, average_r 0.33, mean 4.7, sd 0.9; Feldt 95% CI
    0.69 .. 0.72; alpha if dropped (raw) A1..A5 0.72 0.62 0.60 0.69 0.64; item statistics
    n 2784 2773 2774 2781 2784, r.drop 0.31 0.56 0.59 0.39 0.49; and ``describe()`` of the
    row means: n 2800, mean 4.652095, sd 0.8984019."""
    data, inst = bfi
    row = ce.scale_reliability(data, inst, scales=["agree"]).iloc[0]
    assert round(row["alpha"], 2) == 0.70 and round(row["std_alpha"], 2) == 0.71
    assert round(row["average_r"], 2) == 0.33
    assert round(row["mean"], 1) == 4.7 and round(row["sd"], 1) == 0.9
    assert row["mean"] == pytest.approx(4.652095, abs=5e-7)
    assert row["sd"] == pytest.approx(0.8984019, abs=5e-8)
    assert round(row["ci_low"], 2) == 0.69 and round(row["ci_high"], 2) == 0.72
    items = ce.item_statistics(data, inst, scales=["agree"])
    assert items["item"].tolist() == ["A1", "A2", "A3", "A4", "A5"]
    assert items["reverse"].tolist() == [True, False, False, False, False]
    assert items["alpha_if_deleted"].round(2).tolist() == [0.72, 0.62, 0.60, 0.69, 0.64]
    assert items["r_drop"].round(2).tolist() == [0.31, 0.56, 0.59, 0.39, 0.49]
    assert items["n"].tolist() == [2784, 2773, 2774, 2781, 2784]
    # the reverse-keyed A1 has mean 7 - mean(A1); describe(bfiClean) printed 4.586566
    assert items.loc[0, "mean"] == pytest.approx(4.586566, abs=5e-7)


def test_alpha_is_pairwise_not_listwise(bfi):
    data, inst = bfi
    keyed = ce.survey.keyed_items(data, inst, "conscientious")
    ours = ce.scale_reliability(data, inst, scales=["conscientious"]).loc[0, "alpha"]
    pairwise = pg.cronbach_alpha(keyed, nan_policy="pairwise")[0]
    listwise = pg.cronbach_alpha(keyed, nan_policy="listwise")[0]
    assert ours == pytest.approx(pairwise, abs=1e-12)
    assert abs(ours - listwise) > 1e-4  # bfi has missing answers, so the two differ


def test_alpha_by_hand():
    # k = 3 items; alpha = k/(k-1) * (1 - sum(var_i) / var(total))
    x = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4]], dtype=float)
    total_var = x.sum(axis=1).var(ddof=1)
    expected = 1.5 * (1 - x.var(axis=0, ddof=1).sum() / total_var)
    resp = pd.DataFrame(x, columns=["a", "b", "c"]).assign(rid=[f"r{i}" for i in range(5)])
    inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5}, "id_column": "rid",
                                    "scales": {"S": {"items": ["a", "b", "c"]}}})
    row = ce.scale_reliability(resp, inst).iloc[0]
    assert row["alpha"] == pytest.approx(expected, abs=1e-12)
    # reverse-keying c and flipping the data of c gives the same alpha
    inst_r = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5}, "id_column": "rid",
                                      "scales": {"S": {"items": ["a", "b", "c"],
                                                       "reverse": ["c"]}}})
    flipped = resp.assign(c=6 - resp["c"])
    assert ce.scale_reliability(flipped, inst_r).loc[0, "alpha"] == pytest.approx(expected)
    # without reverse-keying, the flipped item ruins alpha
    assert ce.scale_reliability(flipped, inst).loc[0, "alpha"] < 0


def exact_one_factor_sample(loadings: np.ndarray, n: int = 500, seed: int = 3) -> pd.DataFrame:
    """Data whose sample covariance is exactly the one-factor matrix L L' + diag(1 - L^2)."""
    rng = np.random.default_rng(seed)
    k = len(loadings)
    sigma = np.outer(loadings, loadings)
    np.fill_diagonal(sigma, 1.0)
    z = rng.standard_normal((n, k))
    z -= z.mean(axis=0)
    white = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    return pd.DataFrame(white @ np.linalg.cholesky(sigma).T + 3.0)


def test_omega_total_exact_one_factor():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    items = exact_one_factor_sample(lam)
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum())  # = 0.74945
    assert ce.omega_total(items) == pytest.approx(expected, abs=1e-5)
    # omega >= alpha for congeneric (unequal loadings) items
    assert ce.omega_total(items) > pg.cronbach_alpha(items)[0]


def test_omega_needs_three_items():
    items = exact_one_factor_sample(np.array([0.8, 0.7]))
    assert math.isnan(ce.omega_total(items))


def test_reliability_columns_on_example():
    inst = ce.Instrument.load(INSTRUMENT)
    resp = ce.read_responses(RESPONSES, inst)
    rel = ce.scale_reliability(resp, inst)
    assert list(rel.columns) == ce.psychometrics.RELIABILITY_COLUMNS
    assert rel["scale"].tolist() == list(inst.scales)
    assert (rel["ci_low"] < rel["alpha"]).all() and (rel["alpha"] < rel["ci_high"]).all()
    assert rel.set_index("scale").loc["CITRA", "n_items"] == 12
    stats = ce.item_statistics(resp, inst, scales=["KS"]).set_index("item")
    # KS4 is reverse-keyed: its keyed mean is 6 minus the raw mean
    assert stats.loc["KS4", "mean"] == pytest.approx(6 - resp["KS4"].mean())
    assert (stats["r_drop"] > 0.3).all()


def test_omega_total_refuses_an_infinite_value():
    """Session 13 repro 6: an inf answer gave NaN without a word; named as elsewhere."""
    items = pd.DataFrame({"a": [1.0, 2, 3, np.inf, 2], "b": [1.0, 2, 4, 5, 1],
                          "c": [2.0, 2, 4, 5, 1]})
    with pytest.raises(ce.InputError, match=r"omega_total: column 'a' holds 1 infinite"):
        ce.omega_total(items)


def test_omega_total_needs_a_dataframe():
    with pytest.raises(TypeError, match="items must be a DataFrame of item columns, got list"):
        ce.omega_total([[1, 2, 3], [2, 3, 4]])


# --------------------------------------------------------------------------- issue 14: edges

def _one_factor(n: int = 300, k: int = 5, seed: int = 11) -> pd.DataFrame:
    """Likert-like answers 1..5 of k items loading 0.7 on one factor."""
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 1))
    x = 0.7 * f + np.sqrt(1 - 0.49) * rng.normal(size=(n, k))
    cols = [f"q{i + 1}" for i in range(k)]
    return pd.DataFrame(np.clip(np.round(3 + 1.2 * x), 1, 5), columns=cols)


def _instrument(items: list[str], reverse: list[str] = ()) -> ce.Instrument:
    return ce.Instrument.from_dict({"scale": {"min": 1, "max": 5},
                                    "scales": {"S": {"items": items, "reverse": list(reverse)}}})


def test_forgotten_reverse_key_is_flagged_and_lowers_omega():
    """Issue 14.8: an item answered in reverse whose reverse key is missing from the
    instrument. Alpha falls; omega total of the scale as keyed falls too (it used |loadings|
    and stayed high), and both functions say which item correlates negatively."""
    items = _one_factor()
    wrong = items.assign(q5=6 - items["q5"])  # answered reversed, not declared reversed
    inst = _instrument(list(items.columns))
    right = ce.scale_reliability(items, inst).iloc[0]
    with pytest.warns(ce.ScaleWarning, match="item q5: correlates negatively"):
        bad = ce.scale_reliability(wrong, inst).iloc[0]
    assert bad["alpha"] < right["alpha"] - 0.15
    assert bad["omega_total"] < right["omega_total"] - 0.15
    # omega of the keyed sum by hand: one-factor loadings with signs, q5's negative
    from statsmodels.multivariate.factor import Factor

    fa = Factor(corr=wrong.corr().to_numpy(), n_factor=1, method="ml", nobs=300).fit()
    lam = np.asarray(fa.loadings).ravel()
    lam = lam if lam.sum() > 0 else -lam
    assert lam[4] < 0 < lam[:4].min()
    # (ML converges to ~1e-6, so compare to 1e-5)
    assert bad["omega_total"] == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2
                                                                 + (1 - lam ** 2).sum()),
                                               abs=1e-5)
    assert "r_drop = -" in bad["warning"] and right["warning"] == ""
    with pytest.warns(ce.ScaleWarning):
        st = ce.item_statistics(wrong, inst).set_index("item")
    assert st.loc["q5", "r_drop"] < 0 and "reverse key" in st.loc["q5", "warning"]
    assert (st.loc[["q1", "q2", "q3", "q4"], "warning"] == "").all()
    declared = _instrument(list(items.columns), ["q5"])  # the fix: declare the key
    assert ce.scale_reliability(wrong, declared).loc[0, "alpha"] == pytest.approx(
        right["alpha"])


def test_reliability_of_two_respondents_is_flagged():
    """Issue 14.12: alpha from 2 respondents is computed from a singular covariance matrix."""
    items = _one_factor().iloc[:2]
    with pytest.warns(ce.ScaleWarning, match="only 2 respondents for 5 items"):
        row = ce.scale_reliability(items, _instrument(list(items.columns))).iloc[0]
    assert row["n"] == 2 and math.isnan(row["omega_total"])
    assert "min_items" not in row["warning"]


def test_reliability_of_one_respondent_says_why_and_leaks_no_numpy_warning():
    """Exploratory stats report, repro 8: with one respondent alpha, its interval and omega
    were NaN with an empty warning (2 or 3 respondents are flagged), item_statistics called
    every item "no variance (every respondent gave the same answer)", and numpy's "Degrees
    of freedom <= 0" and divide-by-zero warnings leaked (a variance needs n - 1 >= 1)."""
    items = pd.DataFrame({"A1": [1.], "A2": [2.], "A3": [1.], "A4": [2.], "A5": [3.]})
    inst = _instrument(list(items.columns))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        row = ce.scale_reliability(items, inst).iloc[0]
        st = ce.item_statistics(items, inst)
    assert {type(w.message) for w in caught} == {ce.ScaleWarning}
    assert row["n"] == 1
    assert np.isnan(row[["alpha", "ci_low", "ci_high", "omega_total"]].astype(float)).all()
    assert "only 1 respondent answered the scale: alpha, its interval and omega need at " \
        "least two (a variance needs n - 1 >= 1)" in row["warning"]
    assert st["r_drop"].isna().all()
    assert st["warning"].str.contains("answered by 1 respondent: its variance and "
                                      "correlations need at least two").all()
    assert not st["warning"].str.contains("every respondent gave").any()
    # no respondent at all
    with pytest.warns(ce.ScaleWarning, match="no respondent answered the scale"):
        none = ce.scale_reliability(items.iloc[:0], inst).iloc[0]
    assert none["n"] == 0 and np.isnan(none["alpha"])


def test_zero_variance_item_is_flagged():
    """Issue 14.12: an item everybody answered the same has no correlation with anything:
    std_alpha, average_r and omega are undefined (NaN), alpha is computed and flagged."""
    items = _one_factor().assign(q3=4.0)
    with pytest.warns(ce.ScaleWarning, match="item q3: no variance"):
        row = ce.scale_reliability(items, _instrument(list(items.columns))).iloc[0]
    keyed = items[list(items.columns)]
    assert row["alpha"] == pytest.approx(pg.cronbach_alpha(keyed)[0])
    assert math.isnan(row["std_alpha"]) and math.isnan(row["omega_total"])
    with pytest.warns(ce.ScaleWarning):
        st = ce.item_statistics(items, _instrument(list(items.columns))).set_index("item")
    assert "no variance" in st.loc["q3", "warning"] and math.isnan(st.loc["q3", "r_drop"])
    constant = items.assign(**{c: 3.0 for c in items.columns})
    with pytest.warns(ce.ScaleWarning, match="the scale score has no variance"):
        row = ce.scale_reliability(constant, _instrument(list(items.columns))).iloc[0]
    assert math.isnan(row["alpha"])


def test_score_from_one_of_twelve_items_is_flagged():
    """Issue 14.12: a respondent who answered 1 of 12 items gets a scale score from that
    one answer; scale_reliability says so and recommends min_items, which then leaves the
    respondent out of mean/sd."""
    items = _one_factor(k=12)
    cols = list(items.columns)
    items.loc[0, cols[1:]] = np.nan
    items.loc[0, cols[0]] = 5.0
    inst = _instrument(cols)
    with pytest.warns(ce.ScaleWarning, match=r"1 respondent\(s\) answered fewer than half "
                                             r"of the 12 items.*min_items=6"):
        row = ce.scale_reliability(items, inst).iloc[0]
    # the advice is one a user can follow (exploratory test 3: validate advised min_items,
    # which study.yaml did not take): the study's key, and where to pass it in Python
    assert row["warning"].endswith("set 'min_items: 6' in study.yaml, or pass min_items=6 to "
                                   "score_scales, scale_reliability and image_model "
                                   "('citra-eval survey --min-items 6')")
    assert "; " not in row["warning"]
    strict = ce.scale_reliability(items, inst, min_items=6).iloc[0]
    assert strict["warning"] == ""
    means = items.mean(axis=1)
    assert row["mean"] == pytest.approx(means.mean())
    assert strict["mean"] == pytest.approx(means.iloc[1:].mean())
    assert strict["alpha"] == row["alpha"]  # alpha still uses every answer (pairwise)
    # min_items is capped at a scale's items (stats report 7): 13 means all 12 here
    capped = ce.scale_reliability(items, inst, min_items=13).iloc[0]
    assert capped["mean"] == pytest.approx(means.iloc[1:].mean())


def test_median_imputation_by_hand():
    """``impute="median"`` replaces a missing answer by the item's median, not its mean
    (psych ``scoreItems(impute = "median")``); alpha of the completed items by hand."""
    x = pd.DataFrame({"a": [1.0, 1.0, 2.0, 5.0, np.nan, 4.0],
                      "b": [2.0, 1.0, np.nan, 5.0, 4.0, 5.0],
                      "c": [1.0, 2.0, 2.0, 4.0, 5.0, np.nan]})
    # medians (of the answered values): a 2, b 4, c 2; means 2.6, 3.4, 2.8 differ
    filled = x.fillna({"a": 2.0, "b": 4.0, "c": 2.0}).to_numpy()
    k = 3
    expected = k / (k - 1) * (1 - filled.var(axis=0, ddof=1).sum()
                              / filled.sum(axis=1).var(ddof=1))
    row = ce.scale_reliability(x, _instrument(["a", "b", "c"]), impute="median").iloc[0]
    assert row["alpha"] == pytest.approx(expected, rel=1e-12)
    by_mean = x.fillna(x.mean()).to_numpy()
    wrong = k / (k - 1) * (1 - by_mean.var(axis=0, ddof=1).sum()
                           / by_mean.sum(axis=1).var(ddof=1))
    assert abs(row["alpha"] - wrong) > 1e-3
    assert row["mean"] == pytest.approx(filled.mean(axis=1).mean(), rel=1e-12)


# --------------------------------------------------------------------------- stats report 1

def test_omega_three_items_matches_the_closed_form_and_is_deterministic():
    """Three items identify one factor exactly: lambda_1^2 = r12 r13 / r23 (and cyclically),
    so omega by hand from the correlations; the ML fit starts from fixed values (SMCs), so
    repeated calls agree to the bit (statsmodels' default start is random)."""
    x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2, 4, 3], "b": [2, 2, 3, 5, 4, 1, 4, 4],
                      "c": [1, 3, 3, 4, 5, 2, 3, 4]}, dtype=float)
    r = x.corr().to_numpy()
    lam = np.sqrt([r[0, 1] * r[0, 2] / r[1, 2], r[0, 1] * r[1, 2] / r[0, 2],
                   r[0, 2] * r[1, 2] / r[0, 1]])  # 0.969, 0.830, 0.903
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum())  # 0.92931
    values = {ce.omega_total(x) for _ in range(10)}
    assert len(values) == 1
    assert values.pop() == pytest.approx(expected, abs=1e-6)
    items = _one_factor(k=6)
    assert len({ce.omega_total(items) for _ in range(10)}) == 1


def test_heywood_omega_is_nan_every_time_with_a_reason():
    """Stats report 1: r12 r23 / r13 = 1.657 > 1, so the second item's loading exceeds 1 (a
    Heywood case); omega was a different number on every call (random ML start), now NaN
    every time, and scale_reliability says why."""
    x = pd.DataFrame({"c1": [1, 2, 3, 4, 5, 6], "c2": [2, 3, 2, 5, 6, 5],
                      "c3": [3, 4, 1, 6, 5, 4]}, dtype=float)
    r = x.corr().to_numpy()
    assert r[0, 1] * r[1, 2] / r[0, 2] == pytest.approx(1.657, abs=1e-3)
    assert all(math.isnan(ce.omega_total(x)) for _ in range(10))
    with pytest.warns(ce.ScaleWarning, match="omega is undefined: .*Heywood case"):
        row = ce.scale_reliability(x, ce.Instrument.from_dict(
            {"scale": {"min": 1, "max": 6}, "scales": {"S": {"items": list(x.columns)}}})
        ).iloc[0]
    assert math.isnan(row["omega_total"]) and not math.isnan(row["alpha"])


def test_nan_alpha_and_omega_of_short_scales_say_why():
    """Stats report 12: a single-item scale has NaN alpha; the warning says why instead of
    staying empty. (A two-item scale's NaN omega was documented, not warned; exploratory
    test 3 found the blank unexplained, so it is warned now.)"""
    items = _one_factor(k=2)
    with pytest.warns(ce.ScaleWarning, match="two items: omega is not computed"):
        two = ce.scale_reliability(items, _instrument(["q1", "q2"])).iloc[0]
    assert math.isnan(two["omega_total"]) and not math.isnan(two["alpha"])
    with pytest.warns(ce.ScaleWarning, match="a single item: alpha and omega need"):
        one = ce.scale_reliability(items, _instrument(["q1"])).iloc[0]
    assert math.isnan(one["alpha"])


def test_undefined_alpha_names_its_cause():
    """Stats report 13: items never answered together (scores 1, 2, 5, 6: sd 2.38) or an
    item without answers were reported as "the scale score has no variance"."""
    # here the scores 1, 2, 4, 5 vary (sd 1.83) though the two items never meet
    apart = pd.DataFrame({"d1": [1.0, 2.0, np.nan, np.nan], "d2": [np.nan, np.nan, 4.0, 5.0]})
    inst = _instrument(["d1", "d2"])
    with pytest.warns(ce.ScaleWarning, match="d1 and d2 are answered together by fewer than "
                                             "two respondents"):
        row = ce.scale_reliability(apart, inst).iloc[0]
    assert math.isnan(row["alpha"]) and row["sd"] > 0
    assert "no variance" not in row["warning"]
    empty = _one_factor(k=3).assign(q3=np.nan)
    with pytest.warns(ce.ScaleWarning, match="alpha is undefined: item\\(s\\) q3 have no"):
        row = ce.scale_reliability(empty, _instrument(["q1", "q2", "q3"])).iloc[0]
    assert "no variance" not in row["warning"]


def test_two_item_scale_and_alpha_if_deleted_beside_a_constant_item_say_why():
    """Exploratory test 3: a two-item scale had a blank omega_total and alpha_if_deleted with
    an empty warning; alpha_if_deleted 0.0000 for an item whose deletion leaves one item plus
    a constant one, unexplained. By hand: with C the covariance of (q1, constant),
    alpha = 2 (1 - C11 / C11) = 0; the constant item's own alpha_if_deleted is the two-item
    alpha of q1, q2, which pingouin gives."""
    items = _one_factor(k=3)
    with pytest.warns(ce.ScaleWarning, match="two items: omega is not computed"):
        two = ce.scale_reliability(items[["q1", "q2"]], _instrument(["q1", "q2"])).iloc[0]
    assert math.isnan(two["omega_total"]) and "alpha if an item is deleted" in two["warning"]
    flat = items.assign(q3=3.0)
    with pytest.warns(ce.ScaleWarning):
        st = ce.item_statistics(flat, _instrument(["q1", "q2", "q3"])).set_index("item")
    assert st.loc["q1", "alpha_if_deleted"] == 0.0
    assert "alpha_if_deleted (0.00) counts q3, which has no variance" in st.loc["q1", "warning"]
    assert st.loc["q3", "alpha_if_deleted"] == pytest.approx(
        pg.cronbach_alpha(items[["q1", "q2"]])[0])
    assert "counts" not in st.loc["q3", "warning"]
    # a three-item scale without a constant item: no such note
    assert (ce.item_statistics(items, _instrument(["q1", "q2", "q3"]))["warning"] == "").all()


def test_a_pairwise_matrix_that_is_not_psd_is_flagged_wherever_its_correlations_are():
    """Session 13 repro 4: with pairwise deletion the covariance matrix of these 8 answers
    has a negative eigenvalue (-0.19, numpy below), and r_drop of a3 from it (psych r.drop's
    formula) is 1.32, a correlation above 1, reported with an empty warning. Every table
    and warning built on that matrix now says it is not positive semidefinite."""
    nan = np.nan
    items = pd.DataFrame({"a1": [nan, 3, 2, nan, 2, 3, 4, 1], "a2": [nan, nan, 3, 1, nan, nan, 3,
                                                                  nan],
                          "a3": [2, 2, 3, 2, 2, nan, 3, 2], "a4": [1, 2, 2, nan, nan, nan, 3,
                                                                  nan]})
    # the premise, independently: a negative eigenvalue; r_drop by hand above 1
    c = items.cov().to_numpy()
    assert np.linalg.eigvalsh(c)[0] < -0.1
    s, d = c.sum(axis=0), np.diag(c)
    assert ((s - d) / np.sqrt(d * (c.sum() - 2 * s + d)))[2] > 1
    inst = _instrument(list(items.columns))
    with pytest.warns(ce.ScaleWarning, match="not positive semidefinite"):
        st = ce.item_statistics(items, inst)
    assert (st["r_drop"].abs() > 1).any()
    assert st["warning"].str.contains("not positive semidefinite").all()
    with pytest.warns(ce.ScaleWarning, match="not positive semidefinite"):
        rel = ce.scale_reliability(items, inst)
    assert "not positive semidefinite" in rel.loc[0, "warning"]
    from citra_eval.psychometrics import reliability_warnings

    lines = [w for w in reliability_warnings(items, inst) if "positive semidefinite" in w]
    assert len(lines) == 1 and lines[0].startswith("scale S: ")  # once, for the scale
    # complete answers: a covariance matrix is PSD, nothing said
    full = items.fillna(2)
    assert not ce.item_statistics(full, inst)["warning"].str.contains("semidefinite").any()
    assert "semidefinite" not in ce.scale_reliability(full, inst).loc[0, "warning"]


def test_reliability_warnings_count_min_items_and_name_the_study_key():
    """The half-scale warning names what a study can set (``min_items`` in study.yaml) and
    goes away when the study sets it; validate and reproduce print these lines."""
    from citra_eval.psychometrics import reliability_warnings

    inst = ce.Instrument.load(ce.example_path("instrument"))
    resp = ce.read_responses(ce.example_path("responses"), inst)
    half = [w for w in reliability_warnings(resp, inst) if "fewer than half" in w]
    assert half and all("set 'min_items: 2' in study.yaml" in w for w in half)
    assert not [w for w in reliability_warnings(resp, inst, min_items=2)
                if "fewer than half" in w]


def test_omega_uses_the_pairwise_correlation_matrix_with_missing_answers():
    """Stats t2-6: omega was fitted to cov2cor(pairwise covariances), whose variances come
    from every answer of an item, not to the pairwise correlation matrix (R
    cor(use="pairwise"), pandas .corr(), what psych omega() factors). With answers missing
    at random the two differ; three items identify one factor exactly, so omega by hand from
    the pairwise correlations."""
    rng = np.random.default_rng(11)
    lam = np.array([0.55, 0.6, 0.8])
    f = rng.normal(size=(120, 1))
    x = pd.DataFrame(f * lam + rng.normal(size=(120, 3)) * np.sqrt(1 - lam ** 2),
                     columns=["a", "b", "c"])
    x = x.mask(rng.random(x.shape) < 0.3)
    r = x.corr().to_numpy()
    c = x.cov().to_numpy()  # not it: cov2cor of pairwise covariances
    assert not np.allclose(r, c / np.sqrt(np.outer(np.diag(c), np.diag(c))), atol=1e-3)
    load = np.sqrt([r[0, 1] * r[0, 2] / r[1, 2], r[0, 1] * r[1, 2] / r[0, 2],
                    r[0, 2] * r[1, 2] / r[0, 1]])
    assert np.all(load < 1)
    expected = load.sum() ** 2 / (load.sum() ** 2 + (1 - load ** 2).sum())
    assert ce.omega_total(x) == pytest.approx(expected, abs=1e-6)


# --------------------------------------------------------------------------- session 17

def _reliability_inputs():
    inst = ce.Instrument.load(INSTRUMENT)
    resp = ce.read_responses(RESPONSES, inst)
    rng = np.random.default_rng(17)
    items = [f"q{i}" for i in range(1, 9)]
    wide = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5}, "id_column": "rid",
                                    "scales": {"A": {"items": items, "reverse": ["q3"]}}})
    x = np.clip(np.round(3 + rng.normal(size=(300, 1)) + rng.normal(size=(300, 8))), 1, 5)
    x[rng.random(x.shape) < 0.05] = np.nan
    x[7] = np.nan  # a respondent who answered nothing
    return [(inst, resp), (wide, pd.DataFrame(x, columns=items))]


@pytest.mark.parametrize("impute", [None, "median"])
def test_scale_reliability_alpha_is_pingouins_to_the_bit(impute):
    """Session 17: alpha comes from the covariance matrix the table computes anyway, not
    from a second one in pingouin; it is pingouin's number, bit for bit (the example and a
    wider scale with missing answers)."""
    for inst, resp in _reliability_inputs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rel = ce.scale_reliability(resp, inst, impute=impute)
        for name, got in zip(rel["scale"], rel["alpha"], strict=True):
            block = keyed_items_answered(resp, inst, name)
            if impute == "median":
                block = block.fillna(block.median())
            if block.shape[1] < 2 or math.isnan(got):
                continue
            assert got == float(pg.cronbach_alpha(data=block, nan_policy="pairwise")[0])


def keyed_items_answered(resp, inst, name):
    from citra_eval.survey import keyed_items
    block = keyed_items(resp, inst, name)
    return block[block.notna().any(axis=1)]


@pytest.mark.parametrize("call", ["ce.scale_reliability(resp, inst)",
                                  "ce.item_statistics(resp, inst)",
                                  "ce.psychometrics.reliability_warnings(resp, inst)"])
def test_the_reliability_tables_do_not_load_pingouin(call):
    """Session 17: pingouin computed the covariance matrix a second time (a quarter of
    scale_reliability's time on 20,000 respondents; item_statistics computed one per item
    and one per pair of items, 10 s for 30 items), and its import cost half a second."""
    import subprocess
    import sys
    code = ("import sys, warnings; import citra_eval as ce; import citra_eval.psychometrics\n"
            "warnings.simplefilter('ignore')\n"
            f"inst = ce.Instrument.load({str(INSTRUMENT)!r})\n"
            f"resp = ce.read_responses({str(RESPONSES)!r}, inst)\n"
            f"{call}\n"
            "print('pingouin' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_item_statistics_alpha_if_deleted_is_pingouins_to_the_bit():
    """Session 17: alpha if deleted comes from the scale's covariance matrix without the
    item (or, where pandas would take its complete-data path for the other items, their
    own matrix), evaluated as pingouin does: its number, bit for bit, and the same
    warnings as when pingouin was called once per item."""
    inputs = _reliability_inputs()
    full = inputs[1][1].fillna(3.0)  # no missing answers: numpy's path in DataFrame.cov
    inputs.append((inputs[1][0], full))
    inputs.append((inputs[1][0], full.assign(q2=np.where(full.index < 5, np.nan, full["q2"]))))
    for inst, resp in inputs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            st = ce.item_statistics(resp, inst)
        for _, row in st.iterrows():
            from citra_eval.survey import keyed_items
            block = keyed_items(resp, inst, row["scale"])
            rest = block.drop(columns=row["item"])
            rest = rest[rest.notna().any(axis=1)]
            if block.shape[1] <= 2 or math.isnan(row["alpha_if_deleted"]):
                continue
            assert row["alpha_if_deleted"] == float(
                pg.cronbach_alpha(data=rest, nan_policy="pairwise")[0])
        assert st["alpha_if_deleted"].notna().sum() >= 8


def _late_item(n: int, few: int, seed: int, k: int) -> pd.DataFrame:
    """k items of one factor, the last answered by the first ``few`` respondents only."""
    rng = np.random.default_rng(seed)
    lat = rng.normal(size=n)
    d = pd.DataFrame({f"s{i + 1}": np.clip(np.round(3 + lat + rng.normal(size=n)), 1, 5)
                      for i in range(k)})
    d.loc[few:, f"s{k}"] = np.nan
    return d


def test_alpha_above_one_or_from_a_non_psd_matrix_has_no_interval():
    """Session 18 repro 5, case A: an item answered by 3 of 300 respondents gave alpha 1.05
    and an inverted Feldt interval (ci_low 1.061 > ci_high 1.041) as numbers. The interval
    is now NaN, the warning says why, and names the item with few pairwise answers."""
    items = _late_item(300, 3, 3, 3)
    with pytest.warns(ce.ScaleWarning, match="item s3: answered together with"):
        row = ce.scale_reliability(items, _instrument(list(items.columns))).iloc[0]
    assert row["alpha"] > 1  # the premise
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert "no Feldt interval" in row["warning"] and "exceeds 1" in row["warning"]
    assert "by only 3 respondents" in row["warning"]


def test_an_item_with_few_pairwise_answers_is_named():
    """Session 18 repro 5, case B: alpha of two items rests on the 2 respondents who answered
    both, yet nothing said so; the warning now names the item and its pairwise n."""
    items = _late_item(100, 2, 2, 2)
    with pytest.warns(ce.ScaleWarning, match=r"item s2: answered together with the other "
                                             r"items by only 2 respondents \(of 100\)"):
        ce.scale_reliability(items, _instrument(list(items.columns)))
    enough = _late_item(100, 40, 2, 3)
    assert "answered together" not in ce.scale_reliability(
        enough, _instrument(list(enough.columns))).loc[0, "warning"]


def test_item_statistics_says_why_r_drop_is_undefined():
    """Session 18 repro 12: two items never answered together (form A asked b1, form B b2)
    made r_drop NaN for every item with an empty warning column; each row now says why."""
    items = _late_item(100, 100, 2, 3).rename(columns=lambda c: c.replace("s", "b"))
    items.loc[:49, "b1"] = np.nan
    items.loc[50:, "b2"] = np.nan
    inst = _instrument(list(items.columns))
    with pytest.warns(ce.ScaleWarning, match="b1 and b2 are answered together by fewer than "
                                             "two respondents"):
        st = ce.item_statistics(items, inst)
    assert st["r_drop"].isna().all()
    assert st["warning"].str.contains(r"r_drop is undefined: b1 and b2 are answered "
                                      "together").all()
