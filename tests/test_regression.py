"""Models: published R results (ordinal clm on wine, MASS polr on housing) and hand checks."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import citra_eval as ce
from citra_eval.regression import default_predictors

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = ROOT / "data" / "raw" / "instrument.yaml"
RESPONSES = ROOT / "data" / "raw" / "survey_responses.csv"


@pytest.fixture(scope="module")
def example():
    inst = ce.Instrument.load(INSTRUMENT)
    return ce.read_responses(RESPONSES, inst), inst


# --------------------------------------------------------------------------- ordinal models

def test_wine_clm(refdata):
    """Christensen, "Cumulative Link Models for Ordinal Regression with the R Package
    ordinal" (ordinal vignette), ``fm1 <- clm(rating ~ temp + contact, data = wine)``;
    ``summary(fm1)`` prints tempwarm 2.5031 (0.5287), contactyes 1.5278 (0.4766), thresholds
    1|2 -1.3444 (0.5171), 2|3 1.2508 (0.4379), 3|4 3.4669 (0.5978), 4|5 5.0064 (0.7309),
    logLik -86.49, AIC 184.98. (wine.doc.txt documents the data; its R examples, where such
    output would be, are cut from the rendering.)"""
    wine = pd.read_csv(refdata("wine.csv"))
    fit = ce.ordinal_model(wine, outcome="rating", predictors=["temp", "contact"])
    res = fit.table
    assert list(res.columns) == ce.regression.ORDINAL_COLUMNS
    assert res["term"].tolist() == ["temp[T.warm]", "contact[T.yes]", "1|2", "2|3", "3|4",
                                    "4|5"]
    assert res["kind"].tolist() == ["beta"] * 2 + ["threshold"] * 4
    assert res["estimate"].round(4).tolist() == [2.5031, 1.5278, -1.3444, 1.2508, 3.4669,
                                                 5.0064]
    assert res["std_error"].round(4).tolist() == [0.5287, 0.4766, 0.5171, 0.4379, 0.5978,
                                                  0.7309]
    assert round(fit.llf, 2) == -86.49
    assert round(fit.aic, 2) == 184.98
    assert fit.nobs == 72 and fit.converged and fit.link == "logit"
    assert fit.levels == ("1", "2", "3", "4", "5")
    assert fit.thresholds.round(4).tolist() == [-1.3444, 1.2508, 3.4669, 5.0064]
    assert fit.thresholds.index.tolist() == ["1|2", "2|3", "3|4", "4|5"]
    # BIC = -2 logLik + 6 log(72), as R's BIC(fm1)
    assert fit.bic == pytest.approx(-2 * fit.llf + 6 * np.log(72))
    assert (res["n"] == 72).all()
    beta = res.iloc[0]
    assert beta["statistic"] == pytest.approx(beta["estimate"] / beta["std_error"])
    assert beta["ci_low"] == pytest.approx(beta["estimate"] - 1.959964 * beta["std_error"],
                                           abs=1e-5)


def housing_frame(refdata) -> pd.DataFrame:
    h = pd.read_csv(refdata("housing.csv"))
    # factor levels in R's order (MASS::housing): Low < Medium < High; Tower first
    h["Sat"] = pd.Categorical(h["Sat"], ["Low", "Medium", "High"], ordered=True)
    h["Infl"] = pd.Categorical(h["Infl"], ["Low", "Medium", "High"])
    h["Type"] = pd.Categorical(h["Type"], ["Tower", "Apartment", "Atrium", "Terrace"])
    h["Cont"] = pd.Categorical(h["Cont"], ["Low", "High"])
    return h


def test_housing_polr_frequency_weights(refdata):
    """Venables & Ripley (2002), MASS 4th ed., §7.3:
    ``house.plr <- polr(Sat ~ Infl + Type + Cont, weights = Freq, data = housing)`` prints
    InflMedium 0.5664 (SE 0.1047), InflHigh 1.2888 (0.1272), TypeApartment -0.5724 (0.1192),
    TypeAtrium -0.3662 (0.1552), TypeTerrace -1.0910 (0.1515), ContHigh 0.3603 (0.0955);
    intercepts Low|Medium -0.4961 (0.1248), Medium|High 0.6907 (0.1255); residual deviance
    3479.149, AIC 3495.149. (housing.doc.txt documents the data and cites the book.)"""
    h = housing_frame(refdata)
    fit = ce.ordinal_model(h, outcome="Sat", predictors=["Infl", "Type", "Cont"],
                           weights="Freq")
    res = fit.table
    assert res["term"].tolist() == ["Infl[T.Medium]", "Infl[T.High]", "Type[T.Apartment]",
                                    "Type[T.Atrium]", "Type[T.Terrace]", "Cont[T.High]",
                                    "Low|Medium", "Medium|High"]
    assert res["estimate"].round(4).tolist() == [0.5664, 1.2888, -0.5724, -0.3662, -1.0910,
                                                 0.3603, -0.4961, 0.6907]
    assert res["std_error"].round(4).tolist() == [0.1047, 0.1272, 0.1192, 0.1552, 0.1515,
                                                  0.0955, 0.1248, 0.1255]
    assert round(-2 * fit.llf, 3) == 3479.149
    assert round(fit.aic, 3) == 3495.149
    assert fit.nobs == 1681
    assert (res["n"] == 1681).all() and h["Freq"].sum() == 1681


def test_ordinal_model_argument_errors(refdata):
    h = housing_frame(refdata)
    with pytest.raises(ValueError, match="frequency weights"):
        ce.ordinal_model(h.assign(Freq=h["Freq"] + 0.5), outcome="Sat", predictors=["Infl"],
                         weights="Freq")
    with pytest.raises(ValueError, match="pass levels"):
        ce.ordinal_model(h.assign(Sat=h["Sat"].astype(str)), outcome="Sat",
                         predictors=["Infl"])
    res = ce.ordinal_model(h.assign(Sat=h["Sat"].astype(str)), outcome="Sat",
                           predictors=["Infl"], weights="Freq",
                           levels=["Low", "Medium", "High"])
    assert res.table["term"].tolist()[-2:] == ["Low|Medium", "Medium|High"]
    with pytest.raises(ValueError, match="link must be"):
        ce.ordinal_model(h, outcome="Sat", predictors=["Infl"], link="cauchit")
    with pytest.raises(ValueError, match="not in the frame"):
        ce.ordinal_model(h, outcome="Sat", predictors=["nope"])


def _cumulative_link_mle(y: np.ndarray, X: np.ndarray, n_cat: int, cdf) -> np.ndarray:
    """The cumulative link model maximised by hand (scipy.optimize), independent of
    statsmodels: P(Y <= j | x) = F(theta_j - x'b), thresholds kept increasing by
    theta_j = theta_1 + sum(exp(d))."""
    from scipy.optimize import minimize

    k = X.shape[1]

    def thetas(p):
        return p[k] + np.concatenate([[0.0], np.cumsum(np.exp(p[k + 1:]))])

    def nll(p):
        cut = np.concatenate([[-np.inf], thetas(p), [np.inf]])
        eta = X @ p[:k]
        prob = cdf(cut[y + 1] - eta) - cdf(cut[y] - eta)
        return -np.sum(np.log(np.clip(prob, 1e-300, None)))

    start = np.concatenate([np.zeros(k), [-1.0], np.zeros(n_cat - 2)])
    res = minimize(nll, start, method="BFGS", options={"gtol": 1e-8, "maxiter": 5000})
    return np.concatenate([res.x[:k], thetas(res.x)])


def test_ordinal_model_probit_is_fitted_with_a_probit_link(refdata):
    """``link="probit"`` fits the normal CDF (a fit silently using the logit would give
    estimates about 1.7 times larger): compared with the probit likelihood maximised by
    hand on the wine data, and with the logit fit's own maximum."""
    wine = pd.read_csv(refdata("wine.csv"))
    probit = ce.ordinal_model(wine, outcome="rating", predictors=["temp", "contact"],
                              link="probit")
    assert probit.link == "probit"
    y = wine["rating"].to_numpy() - 1
    X = np.column_stack([(wine["temp"] == "warm"), (wine["contact"] == "yes")]).astype(float)
    by_hand = _cumulative_link_mle(y, X, 5, stats.norm.cdf)
    np.testing.assert_allclose(probit.table["estimate"], by_hand, atol=2e-4)
    logit_by_hand = _cumulative_link_mle(y, X, 5, stats.logistic.cdf)
    logit = ce.ordinal_model(wine, outcome="rating", predictors=["temp", "contact"])
    np.testing.assert_allclose(logit.table["estimate"], logit_by_hand, atol=2e-4)
    assert not np.allclose(probit.table["estimate"], logit.table["estimate"], atol=0.1)
    assert probit.llf != pytest.approx(logit.llf)


def test_ordinal_model_probit_sign_convention(refdata):
    # a higher temperature makes higher (more bitter) ratings more likely: beta > 0 with
    # P(Y <= j) = F(theta_j - x b), for logit and probit alike
    wine = pd.read_csv(refdata("wine.csv"))
    probit = ce.ordinal_model(wine, outcome="rating", predictors=["temp"], link="probit").table
    assert probit.loc[0, "estimate"] > 0
    assert probit.loc[probit["kind"] == "threshold", "estimate"].is_monotonic_increasing


# --------------------------------------------------------------------------- image model

def test_image_model_matches_hand_computed_ols_and_hc3(example):
    resp, inst = example
    res = ce.image_model(resp, inst, outcome="CITRA", controls=["district"])
    fit = res.table
    assert list(fit.columns) == ce.COEF_COLUMNS
    assert fit["term"].tolist()[:6] == ["Intercept", "KS", "BM", "BC", "IB", "TK"]
    scores = ce.score_scales(resp, inst)
    data = scores[["CITRA", "KS", "BM", "BC", "IB", "TK", "district"]].dropna()
    dummies = pd.get_dummies(data["district"], dtype=float).iloc[:, 1:]  # Barat = reference
    X = np.column_stack([np.ones(len(data)), data[["KS", "BM", "BC", "IB", "TK"]], dummies])
    y = data["CITRA"].to_numpy()
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    # HC3 (MacKinnon & White 1985): (X'X)^-1 X' diag(e^2 / (1 - h)^2) X (X'X)^-1
    xtx_inv = np.linalg.inv(X.T @ X)
    e = y - X @ beta
    h = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
    cov = xtx_inv @ (X.T * (e ** 2 / (1 - h) ** 2)) @ X @ xtx_inv
    se = np.sqrt(np.diag(cov))
    ours = fit.set_index("term")
    names = ["Intercept", "KS", "BM", "BC", "IB", "TK"] + [f"district[T.{d}]"
                                                           for d in dummies.columns]
    np.testing.assert_allclose(ours.loc[names, "estimate"], beta, rtol=1e-10)
    np.testing.assert_allclose(ours.loc[names, "std_error"], se, rtol=1e-8)
    df = len(y) - X.shape[1]
    t = stats.t.ppf(0.975, df)
    np.testing.assert_allclose(ours.loc[names, "ci_low"], beta - t * se, rtol=1e-8)
    np.testing.assert_allclose(ours.loc[names, "p_value"],
                               2 * stats.t.sf(np.abs(beta / se), df), rtol=1e-6)
    # standardised slope of a continuous predictor = b * sd(x) / sd(y)
    for p in ["KS", "TK"]:
        expect = ours.loc[p, "estimate"] * data[p].std() / data["CITRA"].std()
        assert ours.loc[p, "std_estimate"] == pytest.approx(expect, rel=1e-10)
    # a district dummy's standardised effect is its raw effect in outcome SDs
    d = "district[T.Banjarmasin Tengah]"
    assert ours.loc[d, "std_estimate"] == pytest.approx(
        ours.loc[d, "estimate"] / data["CITRA"].std(), rel=1e-10)
    assert (fit["n"] == len(data)).all()
    # the results object: the statsmodels fit and its statistics, by hand
    assert res.nobs == len(y) and res.df_resid == df
    assert list(res.fit.params.index) == fit["term"].tolist()
    ss_res, ss_tot = (e ** 2).sum(), ((y - y.mean()) ** 2).sum()
    assert res.rsquared == pytest.approx(1 - ss_res / ss_tot, rel=1e-10)
    assert res.rsquared_adj == pytest.approx(1 - (ss_res / df) / (ss_tot / (len(y) - 1)),
                                             rel=1e-10)
    # robust Wald F of the 9 slopes: b' (R V R')^-1 b / q
    slopes = beta[1:]
    wald = slopes @ np.linalg.solve(cov[1:, 1:], slopes) / len(slopes)
    assert res.fvalue == pytest.approx(wald, rel=1e-8)
    assert res.f_pvalue == pytest.approx(stats.f.sf(wald, len(slopes), df), rel=1e-6)
    sigma2 = ss_res / len(y)  # ML variance
    llf = -len(y) / 2 * (np.log(2 * np.pi * sigma2) + 1)
    assert res.aic == pytest.approx(-2 * llf + 2 * X.shape[1], rel=1e-10)
    assert res.bic == pytest.approx(-2 * llf + np.log(len(y)) * X.shape[1], rel=1e-10)
    assert res.reference_levels == {"district": "Banjarmasin Barat"}
    assert res.outcome == "CITRA" and res.cov_type == "HC3"
    assert res.predictors == ("KS", "BM", "BC", "IB", "TK") and res.controls == ("district",)
    stats_table = res.fit_statistics().set_index("statistic")["value"]
    assert stats_table["rsquared"] == res.rsquared and stats_table["nobs"] == len(y)


def _with_controls(resp: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return resp.assign(flag=rng.random(len(resp)) < 0.3,
                       age=rng.integers(18, 70, len(resp)).astype(float))


def test_image_model_boolean_control_is_a_group_difference(example):
    """Issue 14.1: a boolean control is a dummy ``flag[T.True]`` whose standardised effect is
    the group difference in outcome SDs, b / sd(y), not per SD of the dummy (it was z-scored
    in the refit and named ``_c0[T.True]``)."""
    resp, inst = example
    resp = _with_controls(resp)
    fit = ce.image_model(resp, inst, outcome="CITRA", controls=["flag"])
    tab = fit.table.set_index("term")
    assert "flag[T.True]" in tab.index and fit.reference_levels == {"flag": False}
    y = ce.score_scales(resp, inst)["CITRA"]
    b = tab.loc["flag[T.True]", "estimate"]
    assert tab.loc["flag[T.True]", "std_estimate"] == pytest.approx(b / y.std(), rel=1e-10)
    d = resp["flag"].astype(float)
    assert tab.loc["flag[T.True]", "std_estimate"] != pytest.approx(b * d.std() / y.std())


def test_image_model_numeric_control_is_standardised(example):
    """A numeric control is z-scored in the standardised refit like the predictors:
    std = b * sd(x) / sd(y) (catches a refit that leaves numeric controls raw)."""
    resp, inst = example
    resp = _with_controls(resp)
    tab = ce.image_model(resp, inst, outcome="CITRA",
                         controls=["age", "district"]).table.set_index("term")
    y = ce.score_scales(resp, inst)["CITRA"]
    b = tab.loc["age", "estimate"]
    assert tab.loc["age", "std_estimate"] == pytest.approx(b * resp["age"].std() / y.std(),
                                                           rel=1e-10)
    lo = tab.loc["age", "ci_low"] * resp["age"].std() / y.std()
    assert tab.loc["age", "std_ci_low"] == pytest.approx(lo, rel=1e-8)


def test_image_model_ordinal_control_uses_its_declared_lowest_level(example):
    """Issue 14.5: an ordinal demographic enters as treatment dummies against its lowest
    declared level (not the first in sorted order: "S1" < "SMA" < "SMP"); the estimates
    equal OLS with those dummies by hand."""
    resp, inst = example
    rng = np.random.default_rng(2)
    levels = ["SMP", "SMA", "S1"]
    edu = pd.Categorical(rng.choice(levels, len(resp)), categories=levels, ordered=True)
    fit = ce.image_model(resp.assign(edu=edu), inst, outcome="CITRA", controls=["edu"])
    tab = fit.table.set_index("term")
    assert fit.reference_levels == {"edu": "SMP"}
    assert {"edu[T.SMA]", "edu[T.S1]"} <= set(tab.index) and "edu[T.SMP]" not in tab.index
    scores = ce.score_scales(resp, inst).assign(edu=edu)
    preds = ["KS", "BM", "BC", "IB", "TK"]
    data = scores[["CITRA", *preds, "edu"]].dropna()
    X = np.column_stack([np.ones(len(data)), data[preds], data["edu"] == "SMA",
                         data["edu"] == "S1"]).astype(float)
    beta, *_ = np.linalg.lstsq(X, data["CITRA"].to_numpy(), rcond=None)
    np.testing.assert_allclose(tab.loc[["Intercept", *preds, "edu[T.SMA]", "edu[T.S1]"],
                                       "estimate"], beta, rtol=1e-9)


def test_image_model_refuses_text_control_with_many_levels(example):
    """Issue 14.5: age read as text would enter as one dummy per distinct age."""
    resp, inst = example
    resp = _with_controls(resp)
    as_text = resp.assign(age=resp["age"].astype(int).astype(str))
    with pytest.raises(ce.InputError, match="declare it numeric in the instrument"):
        ce.image_model(as_text, inst, outcome="CITRA", controls=["age"])
    words = as_text.assign(age="level " + as_text["age"])
    with pytest.raises(ce.InputError, match="group its levels"):
        ce.image_model(words, inst, outcome="CITRA", controls=["age"])


def test_image_model_classical_se_and_errors(example):
    resp, inst = example
    classical = ce.image_model(resp, inst, outcome="CITRA", robust=None).table.set_index("term")
    robust = ce.image_model(resp, inst, outcome="CITRA").table.set_index("term")
    np.testing.assert_allclose(classical["estimate"], robust["estimate"])
    assert not np.allclose(classical["std_error"], robust["std_error"])
    with pytest.raises(ValueError, match="shares items with the outcome"):
        ce.image_model(resp, inst, outcome="CITRA", predictors=["KS", "CK"])
    with pytest.raises(ValueError, match="unknown scale 'XX'"):
        ce.image_model(resp, inst, outcome="XX")
    with pytest.raises(ValueError, match="robust must be one of"):
        ce.image_model(resp, inst, outcome="CITRA", robust="HC9")
    with pytest.raises(ValueError, match="not in the frame"):
        ce.image_model(resp, inst, outcome="CITRA", controls=["income"])


# --------------------------------------------------------------------------- group tests

def small_groups() -> pd.DataFrame:
    return pd.DataFrame({
        "y": [2.0, 3.0, 3.5, 4.0, 2.5, 4.5, 5.0, 4.0, 4.8, 3.9, 1.0, 2.0, 1.5, 2.2, 2.8],
        "g": ["a"] * 5 + ["b"] * 5 + ["c"] * 5})


def test_compare_groups_welch_and_kruskal_by_hand():
    d = small_groups()
    res = ce.compare_groups(d, dv="y", between="g").set_index("test", drop=False)
    # Welch (1951) F by hand
    grp = d.groupby("g")["y"]
    n, m, v = grp.size(), grp.mean(), grp.var()
    w = n / v
    mw = (w * m).sum() / w.sum()
    k = 3
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    f = ((w * (m - mw) ** 2).sum() / (k - 1)) / (1 + 2 * (k - 2) / (k ** 2 - 1) * lam)
    df2 = (k ** 2 - 1) / (3 * lam)
    welch = res.loc["welch_anova"]
    assert welch["statistic"] == pytest.approx(f, rel=1e-10)
    assert welch["df2"] == pytest.approx(df2, rel=1e-10)
    assert welch["p_value"] == pytest.approx(stats.f.sf(f, k - 1, df2), rel=1e-8)
    h, p = stats.kruskal(*[x.to_numpy() for _, x in grp])
    kw = res.loc["kruskal_wallis"]
    assert kw["statistic"] == pytest.approx(h) and kw["p_value"] == pytest.approx(p)
    assert kw["effect_size"] == pytest.approx(h / (len(d) - 1))
    gh = res[res["test"] == "games_howell"]
    assert gh[["group_a", "group_b"]].values.tolist() == [["a", "b"], ["a", "c"], ["b", "c"]]
    assert gh.iloc[0]["estimate"] == pytest.approx(m["a"] - m["b"])
    # Games-Howell t for a vs b: (ma - mb) / sqrt(va/na + vb/nb)
    assert gh.iloc[0]["statistic"] == pytest.approx(
        (m["a"] - m["b"]) / np.sqrt(v["a"] / 5 + v["b"] / 5))


def test_compare_groups_numeric_group_labels():
    """Issue 14.4: Games-Howell ``n`` was NaN when the group labels are numbers (pingouin
    gets them as text and the sizes were looked up by the numbers)."""
    d = small_groups()
    coded = d.assign(g=d["g"].map({"a": 1, "b": 2, "c": 3}))
    res = ce.compare_groups(coded, dv="y", between="g")
    gh = res[res["test"] == "games_howell"]
    assert gh["n"].tolist() == [10, 10, 10]
    assert gh[["group_a", "group_b"]].values.tolist() == [[1, 2], [1, 3], [2, 3]]
    text = ce.compare_groups(d, dv="y", between="g")
    np.testing.assert_allclose(gh["statistic"], text.loc[text["test"] == "games_howell",
                                                         "statistic"])
    uneven = coded.iloc[:-2]  # group 3 has 3 values
    gh = ce.compare_groups(uneven, dv="y", between="g").query("test == 'games_howell'")
    assert gh["n"].tolist() == [10, 8, 8]


def test_numeric_group_labels_in_numeric_order_and_their_own_type():
    """Session 13 repro 8: groups 1, 2, 10 came out as 1, 10, 2 (sorted as text) in
    describe_by and compare_groups, integer labels as floats in compare_groups, and
    ttest_groups' default mean_diff was mean(10) - mean(2). Hand values: group 2 holds
    1, 2, 3 (mean 2), group 10 holds 4, 6, 8 (mean 6): mean_diff = 2 - 6 = -4."""
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"y": rng.normal(size=10), "g": [1, 1, 1, 2, 2, 2, 10, 10, 10, 10]})
    assert ce.describe_by(d, dv="y", by="g")["group"].tolist() == [1, 2, 10]
    gh = ce.compare_groups(d, dv="y", between="g").query("test == 'games_howell'")
    pairs = gh[["group_a", "group_b"]].values.tolist()
    assert pairs == [[1, 2], [1, 10], [2, 10]]
    assert all(type(x) is int for pair in pairs for x in pair)
    means = d.groupby("g")["y"].mean()
    for _, r in gh.iterrows():
        assert r["estimate"] == pytest.approx(means[r["group_a"]] - means[r["group_b"]])
    floats = d.assign(g=d["g"].astype(float))  # float labels stay floats, still in order
    assert ce.describe_by(floats, dv="y", by="g")["group"].tolist() == [1.0, 2.0, 10.0]
    t = ce.ttest_groups(pd.DataFrame({"y": [1.0, 2, 3, 4, 6, 8], "g": [2, 2, 2, 10, 10, 10]}),
                        dv="y", between="g").iloc[0]
    assert (t["group_a"], t["group_b"], t["mean_diff"]) == (2, 10, -4.0)


def test_compare_groups_needs_two_groups():
    d = small_groups()
    with pytest.raises(ValueError, match="at least two groups"):
        ce.compare_groups(d[d["g"] == "a"], dv="y", between="g")
    with pytest.raises(ValueError, match="must be numeric"):
        ce.compare_groups(d.assign(y=d["y"].astype(str)), dv="y", between="g")


def test_ttest_groups_against_scipy():
    d = small_groups()
    res = ce.ttest_groups(d, dv="y", between="g", groups=("a", "b")).iloc[0]
    a = d.loc[d["g"] == "a", "y"]
    b = d.loc[d["g"] == "b", "y"]
    t, p = stats.ttest_ind(a, b, equal_var=False)
    assert res["statistic"] == pytest.approx(t) and res["p_value"] == pytest.approx(p)
    pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(a) + len(b) - 2))
    assert res["cohen_d"] == pytest.approx((a.mean() - b.mean()) / pooled)
    assert abs(res["hedges_g"]) < abs(res["cohen_d"])
    assert res["ci_low"] < res["mean_diff"] < res["ci_high"]
    with pytest.raises(ValueError, match="has 3 groups"):
        ce.ttest_groups(d, dv="y", between="g")


def test_ttest_groups_interval_is_unrounded():
    """Issue 14.6: the CI of the mean difference at full precision (pingouin rounds it to
    2 decimals), as scipy's ``TtestResult.confidence_interval`` for Welch and Student."""
    d = small_groups()
    a = d.loc[d["g"] == "a", "y"]
    b = d.loc[d["g"] == "b", "y"]
    for welch in (True, False):
        res = ce.ttest_groups(d, dv="y", between="g", groups=("a", "b"), welch=welch,
                              ci=0.9).iloc[0]
        ref = stats.ttest_ind(a, b, equal_var=not welch).confidence_interval(0.9)
        assert res["ci_low"] == pytest.approx(ref.low, rel=1e-12)
        assert res["ci_high"] == pytest.approx(ref.high, rel=1e-12)


def test_correlation_interval_is_unrounded():
    """Issue 14.6: Fisher-z CI at full precision, as scipy's ``pearsonr(...)
    .confidence_interval()`` (pingouin rounds it to 2 decimals)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    d = pd.DataFrame({"x": x, "y": 0.4 * x + rng.normal(size=40)})
    res = ce.correlation_matrix(d).iloc[0]
    ref = stats.pearsonr(d["x"], d["y"]).confidence_interval()
    assert res["ci_low"] == pytest.approx(ref.low, rel=1e-12)
    assert res["ci_high"] == pytest.approx(ref.high, rel=1e-12)


def test_rank_correlation_intervals_use_their_own_standard_errors():
    """Exploratory stats report, repro 9: Kendall's tau and Spearman's rho got Pearson's
    Fisher-z interval, 1 / (n - 3) for var(atanh r). By hand from the published formulas:
    var(atanh tau) = 0.437 / (n - 4) (Fieller, Hartley & Pearson 1957, Biometrika 44,
    470-481) and var(atanh rho) = (1 + rho^2 / 2) / (n - 3) (Bonett & Wright 2000,
    Psychometrika 65, 23-28); r itself checked against scipy."""
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"a": rng.normal(size=40)})
    d["b"] = d["a"] + rng.normal(size=40)
    n, z = 40, stats.norm.ppf(0.975)
    tau = ce.correlation_matrix(d, method="kendall").iloc[0]
    assert tau["r"] == pytest.approx(stats.kendalltau(d["a"], d["b"]).statistic, rel=1e-12)
    half = z * np.sqrt(0.437 / (n - 4))
    assert tau["ci_low"] == pytest.approx(np.tanh(np.arctanh(tau["r"]) - half), rel=1e-12)
    assert tau["ci_high"] == pytest.approx(np.tanh(np.arctanh(tau["r"]) + half), rel=1e-12)
    rho = ce.correlation_matrix(d, method="spearman").iloc[0]
    assert rho["r"] == pytest.approx(stats.spearmanr(d["a"], d["b"]).statistic, rel=1e-12)
    half = z * np.sqrt((1 + rho["r"] ** 2 / 2) / (n - 3))
    assert rho["ci_low"] == pytest.approx(np.tanh(np.arctanh(rho["r"]) - half), rel=1e-12)
    assert rho["ci_high"] == pytest.approx(np.tanh(np.arctanh(rho["r"]) + half), rel=1e-12)
    # robust correlations have no established standard error of atanh(r): no interval, and
    # a ModelWarning says so (r and p as pingouin computes them)
    for method in ("bicor", "percbend", "shepherd", "skipped"):
        with pytest.warns(ce.ModelWarning, match=rf"method='{method}'.*no confidence "
                          "interval"):
            robust = ce.correlation_matrix(d, method=method).iloc[0]
        assert np.isnan(robust[["ci_low", "ci_high"]].astype(float)).all()
        assert np.isfinite(robust[["r", "p_value"]].astype(float)).all()


def test_correlation_matrix_with_three_or_four_respondents_leaks_no_pingouin_warning():
    """Exploratory stats report, repro 3: n = 3 or 4 leaked pingouin's "Sample size is too
    small to estimate power" and numpy's divide by zero (its interval's 1 / sqrt(n - 3)).
    By hand: with n = 3, n - 3 = 0 leaves no interval (R's cor.test gives none either);
    with n = 4 Fisher's interval is tanh(atanh r -+ 1.96 / 1); Kendall's needs n > 4."""
    three = pd.DataFrame({"a": [1, 2, 3.], "b": [2, 1, 3.]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ce.correlation_matrix(three).iloc[0]
    assert [type(w.message) for w in caught] == [ce.ModelWarning]
    assert "'a' and 'b': 3 respondents are too few for a confidence interval of r" \
        in str(caught[0].message)
    assert res["r"] == pytest.approx(0.5)
    assert np.isnan(res[["ci_low", "ci_high"]].astype(float)).all()
    assert res["p_value"] == pytest.approx(stats.pearsonr(three["a"], three["b"]).pvalue)
    four = pd.DataFrame({"a": [1, 2, 3., 4], "b": [2, 1, 3., 5]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ce.correlation_matrix(four).iloc[0]
    half = stats.norm.ppf(0.975)
    assert res["ci_low"] == pytest.approx(np.tanh(np.arctanh(res["r"]) - half), rel=1e-12)
    with pytest.warns(ce.ModelWarning, match="4 respondents are too few"):
        tau = ce.correlation_matrix(four, method="kendall").iloc[0]
    assert np.isnan(tau[["ci_low", "ci_high"]].astype(float)).all()


def test_correlation_matrix_holm_by_hand():
    rng = np.random.default_rng(7)
    x = rng.normal(size=60)
    d = pd.DataFrame({"x": x, "y": x + rng.normal(size=60), "z": rng.normal(size=60)})
    d.loc[3, "z"] = np.nan
    res = ce.correlation_matrix(d)
    assert res[["x", "y"]].values.tolist() == [["x", "y"], ["x", "z"], ["y", "z"]]
    r_xy, p_xy = stats.pearsonr(d["x"], d["y"])
    assert res.loc[0, "r"] == pytest.approx(r_xy) and res.loc[0, "p_value"] == pytest.approx(p_xy)
    assert res.loc[1, "n"] == 59  # pairwise deletion
    # Holm: sort p ascending, multiply the i-th smallest by (m - i + 1), make monotone, cap 1
    p = res["p_value"].to_numpy()
    order = np.argsort(p)
    adj = np.minimum(1, np.maximum.accumulate(p[order] * (3 - np.arange(3))))
    expect = np.empty(3)
    expect[order] = adj
    np.testing.assert_allclose(res["p_adjusted"], expect)


def test_describe_by(example):
    resp, inst = example
    scores = ce.score_scales(resp, inst)
    desc = ce.describe_by(scores, dv=["CITRA", "TK"], by="used_online_service")
    assert desc[["variable", "group"]].values.tolist() == [
        ["CITRA", "Tidak"], ["CITRA", "Ya"], ["TK", "Tidak"], ["TK", "Ya"]]
    ya = scores.loc[scores["used_online_service"] == "Ya", "TK"]
    row = desc.iloc[3]
    assert row["n"] == ya.notna().sum() and row["mean"] == pytest.approx(ya.mean())
    assert row["se"] == pytest.approx(ya.std() / np.sqrt(ya.notna().sum()))
    # simulated truth: having used an online service raises the TK perception
    assert desc.iloc[3]["mean"] > desc.iloc[2]["mean"]


def test_pingouin_calls_raise_no_pandas_warnings(example):
    """pingouin 0.7 under pandas 3: the calls used here emit no Future/Deprecation warnings
    (which would turn into errors in the next pandas)."""
    import warnings

    resp, inst = example
    scores = ce.score_scales(resp, inst)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        warnings.simplefilter("error", DeprecationWarning)
        ce.compare_groups(scores, dv="CITRA", between="district")
        ce.ttest_groups(scores, dv="TK", between="used_online_service")
        ce.correlation_matrix(scores, columns=["KS", "TK", "CITRA"])
        ce.scale_reliability(resp, inst, scales=["KS"])
        ce.item_statistics(resp, inst, scales=["KS"])


def test_ordinal_model_on_a_likert_item(example):
    resp, _ = example
    res = ce.ordinal_model(resp, outcome="TK1", predictors=["used_online_service"]).table
    assert res["term"].tolist() == ["used_online_service[T.Ya]", "1|2", "2|3", "3|4", "4|5"]
    # simulated truth: having used an online service raises TK answers
    assert res.loc[0, "estimate"] > 0 and res.loc[0, "p_value"] < 0.05
    assert res.loc[0, "n"] == resp["TK1"].notna().sum()


def test_compare_scales_stacks_compare_groups_per_scale():
    rng = np.random.default_rng(0)
    d = pd.DataFrame({"g": np.repeat(["a", "b", "c"], 20), "x": rng.normal(size=60),
                      "y": rng.normal(size=60) + np.repeat([0.0, 1.0, 2.0], 20)})
    out = ce.compare_scales(d, scales=["y", "x"], between="g")
    assert list(out.columns) == ["scale", *ce.compare_groups(d, dv="x", between="g").columns]
    assert out["scale"].tolist() == ["y"] * 5 + ["x"] * 5
    for scale in ("x", "y"):
        part = out[out["scale"] == scale].drop(columns="scale").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, ce.compare_groups(d, dv=scale, between="g"))
    with pytest.raises(ValueError, match="at least one"):
        ce.compare_scales(d, scales=[], between="g")



# --------------------------------------------------------------------------- stats report

def _small_survey(n: int = 40, seed: int = 0) -> tuple[pd.DataFrame, ce.Instrument]:
    """A two-scale survey (TR strategy, IM image; 1..7) with a unit demographic."""
    inst = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 7}, "id_column": "rid",
        "scales": {"TR": {"items": ["t1", "t2"], "role": "strategy"},
                   "IM": {"items": ["i1", "i2"], "role": "image"}},
        "demographics": ["unit"]})
    rng = np.random.default_rng(seed)
    lat = rng.normal(size=n)

    def item():
        return np.clip(np.round(4 + 1.3 * lat + rng.normal(size=n)), 1, 7)

    resp = pd.DataFrame({"rid": [str(i) for i in range(n)],
                         "unit": ["A"] * (n // 2) + ["B"] * (n - n // 2 - 1) + ["Solo"],
                         "t1": item(), "t2": item(), "i1": item(), "i2": item()})
    return resp, inst


def test_image_model_refuses_a_one_respondent_level():
    """Stats report 2: a level with one respondent has leverage 1 and residual 0; HC3 gave
    SE 2.44 from 0/0 (unit[T.Solo] looked estimable)."""
    resp, inst = _small_survey()
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import OLSInfluence

    X = sm.add_constant(pd.get_dummies(resp["unit"], dtype=float).iloc[:, 1:])
    lev = OLSInfluence(sm.OLS(resp["i1"], X).fit()).hat_matrix_diag
    assert lev[-1] == pytest.approx(1.0)  # the Solo respondent: leverage 1 by hand
    with pytest.raises(ce.InputError, match="control 'unit': level 'Solo' has 1 respondent"):
        ce.image_model(resp, inst, outcome="IM", controls=["unit"])
    ok = ce.image_model(resp[resp["unit"] != "Solo"], inst, outcome="IM", controls=["unit"])
    assert ok.table["term"].tolist() == ["Intercept", "TR", "unit[T.B]"]
    # the lone respondent in the reference level (sorted first) has leverage 1 as well
    first = resp.assign(unit=resp["unit"].replace({"Solo": "0-alone"}))
    with pytest.raises(ce.InputError, match="level '0-alone' has 1 respondent"):
        ce.image_model(first, inst, outcome="IM", controls=["unit"])


def test_image_model_refuses_a_respondent_with_leverage_one_from_a_numeric_control():
    """Exploratory stats report, repro 7: age 30 for every respondent but one (60) is the
    one-respondent level in numeric form: with the intercept, age = 30 + 30 * (dummy of that
    respondent), so the hat matrix has h = 1 there (checked against statsmodels'
    OLSInfluence) and HC3 divides a zero residual by (1 - h)^2 = 0; the SE printed was
    rounding noise (0.03, 0.005 or 0.27 as the odd age changed). Now refused like the
    one-respondent level, naming the respondent and the column."""
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import OLSInfluence

    resp, inst = _small_survey()
    resp = resp[resp["unit"] != "Solo"].reset_index(drop=True)
    resp = resp.assign(age=np.where(resp.index == 7, 60.0, 30.0))
    X = sm.add_constant(resp[["age"]])
    assert OLSInfluence(sm.OLS(resp["i1"], X).fit()).hat_matrix_diag[7] == pytest.approx(1.0)
    for robust in ("HC3", None):
        with pytest.raises(ce.InputError, match=r"respondent '7' .*leverage 1.*'age'"):
            ce.image_model(resp, inst, outcome="IM", controls=["age"], robust=robust)
    # two numeric controls that single out a respondent only together: age is 40 for
    # respondents 7, 8 and 9 (30 elsewhere), late is 1 for 8 and 9; by hand
    # (age - 30) / 10 - late is the indicator of respondent 7, so h = 1 there
    two = resp.assign(age=np.where(resp.index.isin([7, 8, 9]), 40.0, 30.0),
                      late=np.where(resp.index.isin([8, 9]), 1.0, 0.0))
    X2 = sm.add_constant(two[["age", "late"]])
    assert OLSInfluence(sm.OLS(two["i1"], X2).fit()).hat_matrix_diag[7] == pytest.approx(1.0)
    with pytest.raises(ce.InputError, match=r"respondent '7' .*'age' and 'late' together"):
        ce.image_model(two, inst, outcome="IM", controls=["age", "late"])
    # a respondent far out but not alone on the line keeps a (warned-about) fit
    spread = resp.assign(age=np.where(resp.index == 7, 90.0, 30.0 + resp.index % 5))
    with pytest.warns(ce.ModelWarning, match="leverage"):
        fit = ce.image_model(spread, inst, outcome="IM", controls=["age"])
    assert np.isfinite(fit.table["std_error"]).all()


def test_image_model_refuses_perfectly_collinear_predictors():
    """Stats report 3: two scales answered identically gave an arbitrary split of one
    effect (both 0.41, 'significant'); now an error naming both."""
    resp, _ = _small_survey()
    inst = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 7}, "id_column": "rid",
        "scales": {"AA": {"items": ["t1"], "role": "strategy"},
                   "BB": {"items": ["t2"], "role": "strategy"},
                   "IM": {"items": ["i1", "i2"], "role": "image"}}})
    twin = resp.assign(t2=resp["t1"])
    assert np.linalg.matrix_rank(np.column_stack([np.ones(40), twin["t1"], twin["t2"]])) == 2
    with pytest.raises(ce.InputError, match="'AA' and 'BB' are perfectly collinear"):
        ce.image_model(twin, inst, outcome="IM")
    assert len(ce.image_model(resp, inst, outcome="IM").table) == 3


def test_image_model_constant_or_empty_text_control_is_refused():
    """Stats report 10, 16: a text control with one value was dropped silently (a numeric
    one was refused); an empty control gave 'only 0 complete respondents' without its
    name."""
    resp, inst = _small_survey()
    with pytest.raises(ce.InputError, match="control 'unit' has one value \\('A'\\)"):
        ce.image_model(resp.assign(unit="A"), inst, outcome="IM", controls=["unit"])
    with pytest.raises(ce.InputError, match="control 'sex' is empty"):
        ce.image_model(resp.assign(sex=None), inst, outcome="IM", controls=["sex"])


def test_image_model_outcome_without_variance_says_what_to_do():
    """A user's request: a constant outcome was told to 'leave it out of the model'; the
    outcome cannot be left out, so the message says to check it or model another one."""
    resp, inst = _small_survey()
    with pytest.raises(ce.InputError) as info:
        ce.image_model(resp.assign(i1=4.0, i2=4.0), inst, outcome="IM")
    msg = str(info.value)
    assert "the outcome 'IM' has no variance in the analysis sample" in msg
    assert "model another outcome" in msg and "leave it out" not in msg
    with pytest.raises(ce.InputError, match=r"'TR' has no variance.*leave it out of the model"):
        ce.image_model(resp.assign(t1=4.0, t2=4.0), inst, outcome="IM")


@pytest.mark.parametrize("spoil", [
    lambda r: r.assign(i1=4.0, i2=4.0),                               # constant outcome
    lambda r: r.assign(i1=np.where(r.index < 2, r["i1"], np.nan), i2=np.nan),  # 2 complete
    lambda r: r.assign(unit=np.where(r.index < 20, "A", None)).assign(  # one level left
        i1=lambda f: np.where(f["unit"].isna(), f["i1"], np.nan)).assign(unit="A"),
    lambda r: r.assign(unit=np.where(r["i1"].notna(), "A", "B"),
                       i1=np.where(r.index % 2 == 0, np.nan, r["i1"]),
                       i2=np.where(r.index % 2 == 0, np.nan, r["i2"])),
    lambda r: r.assign(t1=4.0, t2=4.0),                               # constant predictor
])
def test_image_model_failures_are_input_errors_not_numpy_ones(spoil):
    """Every way the model cannot be fitted is a citra_eval.InputError with a message,
    never a LinAlgError or a statsmodels exception."""
    resp, inst = _small_survey()
    resp = resp[resp["unit"] != "Solo"].reset_index(drop=True)
    try:
        ce.image_model(spoil(resp), inst, outcome="IM", controls=["unit"])
    except Exception as exc:  # the type is what is tested
        assert type(exc) is ce.InputError, repr(exc)
        assert "image model" in str(exc) or "respondent" in str(exc), str(exc)
    else:
        pytest.fail("an unfittable model was fitted")


def test_names_are_lists_given_once_everywhere():
    """Stats report 9, 15, 16: a name given twice was an AttributeError/AssertionError; a
    bare string was read one character at a time by some functions and accepted by
    others. One rule now (the validation module's): a list of names, each once."""
    resp, inst = _small_survey()
    resp = resp[resp["unit"] != "Solo"]
    with pytest.raises(ValueError, match="predictors names 'TR' more than once"):
        ce.image_model(resp, inst, outcome="IM", predictors=["TR", "TR"])
    with pytest.raises(ValueError, match="controls names 'unit' more than once"):
        ce.image_model(resp, inst, outcome="IM", controls=["unit", "unit"])
    with pytest.raises(ValueError, match="control 'i1' is an item of the outcome 'IM'"):
        ce.image_model(resp, inst, outcome="IM", controls=["i1"])
    with pytest.raises(TypeError, match="predictors must be a list of names, got the string"):
        ce.image_model(resp, inst, outcome="IM", predictors="TR")
    with pytest.raises(TypeError, match="controls must be a list of names"):
        ce.image_model(resp, inst, outcome="IM", controls="unit")
    with pytest.raises(ValueError, match="predictors names 't1' more than once"):
        ce.ordinal_model(resp, outcome="i1", predictors=["t1", "t1"])
    with pytest.raises(ValueError, match="the outcome 'i1' is also among the predictors"):
        ce.ordinal_model(resp, outcome="i1", predictors=["i1"])
    with pytest.raises(TypeError, match="predictors must be a list of names"):
        ce.ordinal_model(resp, outcome="i1", predictors="t1")
    with pytest.raises(ValueError, match="columns names 't1' more than once"):
        ce.correlation_matrix(resp, columns=["t1", "t1", "i1"])
    with pytest.raises(TypeError, match="columns must be a list of names"):
        ce.correlation_matrix(resp, columns="t1")
    with pytest.raises(TypeError, match="scales must be a list of names"):
        ce.compare_scales(resp, scales="t1", between="unit")


def test_compare_groups_keeps_a_single_member_group_in_kruskal_and_says_so():
    """Stats report 4: group a (1 value) was dropped from every test without a word:
    H = 4.09 on 2 groups instead of scipy's 5.33 on 3."""
    d = pd.DataFrame({"s": [1., 2., 3., 4., 5., 2., 4.], "g": ["a", "b", "b", "c", "c", "b", "c"]})
    res = ce.compare_groups(d, dv="s", between="g", min_group_size=1).set_index(
        "test", drop=False)  # groups of 1 and 3: the small-group note is tested below
    h, p = stats.kruskal([1.], [2., 3., 2.], [4., 5., 4.])  # 5.333, 0.0695
    kw = res.loc["kruskal_wallis"]
    assert kw["statistic"] == pytest.approx(h) and kw["p_value"] == pytest.approx(p)
    assert kw["n"] == 7 and kw["df1"] == 2 and kw["note"] == ""
    assert kw["effect_size"] == pytest.approx(h / 6)
    welch = res.loc["welch_anova"]
    assert welch["n"] == 6 and "left out group(s) 'a' with a single value" in welch["note"]
    assert (res.loc[res["test"] == "games_howell", "note"] == welch["note"]).all()
    assert (ce.compare_groups(small_groups(), dv="y", between="g")["note"] == "").all()


def test_ordinal_model_refuses_separation_and_other_degenerate_data():
    """Stats report 5, 16: x orders y perfectly (separation): estimate 45.6 with SE 4917 was
    reported as converged; R's clm warns. A constant predictor leaked statsmodels' message;
    a declared level without observations was merged silently; ci=0 was accepted."""
    d = pd.DataFrame({"y": [1, 1, 1, 2, 2, 2, 3, 3, 3], "x": [1, 2, 3, 4, 5, 6, 7, 8, 9.]})
    with pytest.raises(ce.InputError, match=r"separated by the predictors .*'x'"):
        ce.ordinal_model(d, outcome="y", predictors=["x"])
    overlap = d.assign(y=[1, 1, 2, 1, 2, 3, 2, 3, 3])  # no separation: a finite fit
    fit = ce.ordinal_model(overlap, outcome="y", predictors=["x"])
    assert fit.table["std_error"].max() < 10
    with pytest.raises(ce.InputError, match="predictor 'c' has no variance"):
        ce.ordinal_model(overlap.assign(c=2.0), outcome="y", predictors=["x", "c"])
    # a declared level without observations: merged, with a warning (session 13 repro 10:
    # consistent with the same outcome without levels, which merged silently)
    with pytest.warns(ce.CategoryWarning, match=r"no observation of the level\(s\) 2 .*"
                                                r"threshold\(s\) '1\|3'"):
        ce.ordinal_model(overlap.assign(y=overlap["y"].replace({2: 4})), outcome="y",
                         predictors=["x"], levels=[1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="ci must be a confidence level"):
        ce.ordinal_model(overlap, outcome="y", predictors=["x"], ci=0)


def test_ordinal_model_names_an_unused_interior_value_with_or_without_levels():
    """Session 13 repro 10: a 0-10 item nobody answered 1 fitted a '0|2' threshold without a
    word, and refused the same data with levels=0..10. Both now fit the same model (the
    category without observations merged: a threshold between two categories needs
    observations on both sides) and warn naming the value; levels without it merge it on
    purpose, silently. Values 0, 5, 10 (a step of 5) are a scale without gaps."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=40)
    y = np.clip(np.round(5 + 2 * x + rng.normal(size=40) * 2), 0, 10)
    d = pd.DataFrame({"y": y, "x": x})
    assert 1 not in set(y) and {0, 2} <= set(y)  # the premise
    with pytest.warns(ce.CategoryWarning, match=r"'y' has no observation of the value\(s\) 1 "
                                                r".*threshold\(s\) '0\|2'"):
        plain = ce.ordinal_model(d, outcome="y", predictors=["x"])
    with pytest.warns(ce.CategoryWarning, match=r"level\(s\) 1 .*'0\|2'"):
        declared = ce.ordinal_model(d, outcome="y", predictors=["x"], levels=list(range(11)))
    pd.testing.assert_frame_equal(plain.table, declared.table)
    assert "0|2" in plain.table["term"].tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CategoryWarning)
        ce.ordinal_model(d, outcome="y", predictors=["x"], levels=[0, *range(2, 11)])
        steps = d.assign(y=np.select([y < 4, y < 7], [0, 5], 10))
        ce.ordinal_model(steps, outcome="y", predictors=["x"])


def test_ttest_groups_without_any_variance_is_refused():
    """Stats report 6: groups [1, 1] and [2, 2] gave t = -inf, p = 0, d = -inf."""
    z = pd.DataFrame({"s": [1., 1., 2., 2.], "g": ["a", "a", "b", "b"]})
    with pytest.raises(ce.InputError, match="no variance within either group"):
        ce.ttest_groups(z, dv="s", between="g")
    one = ce.ttest_groups(z.assign(s=[1., 1., 2., 3.]), dv="s", between="g")
    # Welch with one constant group: se = sd_b / sqrt(2) = 0.5, t = -1.5 / 0.5
    assert one["statistic"].iloc[0] == pytest.approx(-3.0)


def test_correlation_matrix_refuses_a_constant_column_and_a_bad_padjust():
    """Stats report 11, 16: a constant column's pairs were dropped (1 row, Holm over 1 pair
    instead of 3); padjust="bogus" was accepted when there was one pair."""
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"a": rng.normal(size=20), "b": rng.normal(size=20), "e": 3.0})
    with pytest.raises(ce.InputError, match="column 'e' has no variance"):
        ce.correlation_matrix(d)
    with pytest.raises(ValueError, match="padjust must be one of"):
        ce.correlation_matrix(d, columns=["a", "b"], padjust="bogus")
    assert len(ce.correlation_matrix(d, columns=["a", "b"])) == 1


def test_ordinal_separation_check_does_not_depend_on_units_or_location():
    """Exploratory test 3: age in years (mean 44) was refused as "separated" while the same
    age centred was fitted (the check multiplied the information by sd**2 instead of
    dividing and did not centre); x * 100 of an accepted predictor was refused too. The
    estimate is checked against statsmodels' OrderedModel fitted directly. True separation
    stays refused in any unit, and so does a 2-respondent category all in the top level."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    rng = np.random.default_rng(3)
    d = pd.DataFrame({"age": rng.integers(18, 70, 200).astype(float),
                      "y": rng.integers(1, 5, 200).astype(float)})
    fit = ce.ordinal_model(d, outcome="y", predictors=["age"])
    direct = OrderedModel(d["y"].astype(int), d[["age"]], distr="logit").fit(
        method="bfgs", disp=0, maxiter=2000)
    assert fit.params["age"] == pytest.approx(direct.params["age"], rel=1e-3)
    assert fit.thresholds.iloc[0] == pytest.approx(direct.params["1/2"], abs=1e-3)
    cents = ce.ordinal_model(d.assign(age=d["age"] * 100), outcome="y", predictors=["age"])
    # the same model in other units: the same z, the estimate / 100 (to the optimiser's
    # precision, a small fraction of the standard error)
    assert cents.table["statistic"].iloc[0] == pytest.approx(fit.table["statistic"].iloc[0],
                                                             abs=0.01)
    assert cents.table["std_error"].iloc[0] * 100 == pytest.approx(
        fit.table["std_error"].iloc[0], rel=1e-3)
    y = rng.integers(1, 5, 60).astype(float)
    x = y + rng.uniform(0, 0.5, 60)  # x orders y perfectly
    for unit in (1, 0.01, 1e-4, 100):
        with pytest.raises(ce.InputError, match=r"separated by the predictors .*'x'"):
            ce.ordinal_model(pd.DataFrame({"y": y, "x": x * unit}), outcome="y",
                             predictors=["x"])
    g = pd.Series(rng.choice(["a", "b"], 60), dtype=object)
    g[[0, 1]] = "tiny"
    y[[0, 1]] = 4.0
    with pytest.raises(ce.InputError, match=r"separated by the predictors .*'g\[T.tiny\]'"):
        ce.ordinal_model(pd.DataFrame({"y": y, "g": g}), outcome="y", predictors=["g"])


def test_ordinal_model_refuses_a_level_whose_respondents_all_lie_in_an_extreme_category():
    """Exploratory stats report, repro 1: a control level with 1-3 respondents, all in the
    LOWEST outcome category, came back as g[T.rare] = -9 (SE 178), no warning, while the
    mirrored data (all in the highest) was refused. By hand, with P(Y <= j) =
    F(theta_j - x'b): if every row with dummy d = 1 has Y = 1, the likelihood of those rows
    F(theta_1 - b_d - ...) rises to 1 as b_d -> -inf and no other row depends on b_d, so the
    maximum-likelihood estimate is -inf (quasi-complete separation; Albert & Anderson 1984,
    Biometrika 71, 1-10). For the reference level the same holds along theta_j + c and
    every other dummy of the factor + c. statsmodels' OrderedModel at a tight tolerance
    drifts on (g_rare about -24, SE 2e7)."""
    rng = np.random.default_rng(3)
    n = 60
    d = pd.DataFrame({"x": rng.normal(size=n),
                      "g": rng.choice(["a", "b", "c"], n, p=[.45, .45, .1])})
    d["y"] = np.clip(np.round(3 + d.x + rng.normal(size=n)), 1, 5).astype(int)
    fine = ce.ordinal_model(d, outcome="y", predictors=["x", "g"])  # no level is extreme
    assert fine.table["std_error"].max() < 10
    lowest = d.index[d["y"] == 1]
    for size in (1, 3):
        low = d.copy()
        low.loc[lowest[:size], "g"] = "rare"
        assert (low.loc[low["g"] == "rare", "y"] == 1).all()
        for data, where in ((low, "lowest"), (low.assign(y=6 - low["y"]), "highest")):
            with pytest.raises(ce.InputError, match=r"separated by the predictors "
                               rf"\('g\[T.rare\]'\): (the only row|all {size} rows) "
                               rf"with 'g' = 'rare' ha(s|ve) the {where} category of 'y'"):
                ce.ordinal_model(data, outcome="y", predictors=["x", "g"])
    # the reference level (sorted first) in an extreme category is separated as well
    ref = d.copy()
    ref.loc[lowest[:2], "g"] = "0-first"
    with pytest.raises(ce.InputError,
                       match=r"predictors \('g', its reference level\): .*'g' = '0-first'"):
        ce.ordinal_model(ref, outcome="y", predictors=["x", "g"])
    # one more respondent of the level outside the extreme category: a finite fit
    mixed = d.copy()
    mixed.loc[[*lowest[:2], d.index[d["y"] == 3][0]], "g"] = "rare"
    assert np.isfinite(ce.ordinal_model(mixed, outcome="y", predictors=["x", "g"])
                       .table["std_error"]).all()


@pytest.mark.parametrize("labels, shown", [
    ([True, True, 1, 1], "True (bool) and 1 (int)"),
    ([1, 1, 1.0, 1.0], "1 (int) and 1.0 (float)"),
    ([1, 1, "1", "1"], "1 (int) and '1' (str)")])
def test_group_analyses_refuse_labels_that_differ_only_in_type(labels, shown):
    """Exploratory stats report, repro 10: in an object column True and 1 (or 1 and 1.0) are
    one group to pandas' groupby (equal and hash-equal) but two as text, so describe_by and
    Kruskal-Wallis counted 8 respondents while Welch's ANOVA and Games-Howell, which work on
    the text labels, silently dropped the two spelled '1' (n 6). The old check compared the
    text of groupby's keys, which groupby had already merged, so it never fired. Every group
    analysis now refuses such a column, naming it and the labels."""
    d = pd.DataFrame({"y": [1., 2, 3, 4, 5, 6, 7, 9],
                      "g": pd.Series(labels + ["b"] * 4, dtype=object)})
    for call in (lambda: ce.compare_groups(d, dv="y", between="g"),
                 lambda: ce.describe_by(d, dv="y", by="g"),
                 lambda: ce.compare_scales(d, scales=["y"], between="g"),
                 lambda: ce.ttest_groups(d[d["g"] != "b"], dv="y", between="g")):
        with pytest.raises(ce.InputError, match=rf"the groups of 'g' differ only in type "
                           rf"\({re.escape(shown)}\).*frame\['g'\]\.astype\(str\)"):
            call()
    # numpy and Python ints are one type; numbers and other text do not clash: n counts all
    same = d.assign(g=pd.Series([1, np.int64(1), 1, 1, "b", "b", "b", "b"], dtype=object))
    assert ce.compare_groups(same, dv="y", between="g")["n"].tolist() == [8, 8, 8]
    assert ce.describe_by(same, dv="y", by="g")["n"].tolist() == [4, 4]


def test_ttest_groups_named_as_text_of_number_labels_says_how_to_pass_them():
    """Exploratory stats report, repro 4: groups=["1", "2"] on a column of the numbers 1 and
    2 said "groups must be two of 1, 2, got ['1', '2']", which looks like a match. The
    labels are not converted (a text '1' and a number 1 are different groups elsewhere, see
    the differ-only-in-type check); the message says they are numbers and how to pass them."""
    d = pd.DataFrame({"y": [1., 2, 5, 7, 3, 4], "g": [1, 1, 2, 2, 3, 3]})
    with pytest.raises(ValueError, match=r"groups names \['1', '2'\] as text, but the groups "
                       r"of 'g' are numbers \(int\): pass groups=\[1, 2\]"):
        ce.ttest_groups(d, dv="y", between="g", groups=["1", "2"])
    ok = ce.ttest_groups(d, dv="y", between="g", groups=[1, 2]).iloc[0]
    assert (ok["group_a"], ok["group_b"], ok["mean_diff"]) == (1, 2, -4.5)
    with pytest.raises(ValueError, match=r"groups must be two of 1, 2, 3, got \[1, 9\]$"):
        ce.ttest_groups(d, dv="y", between="g", groups=[1, 9])


def test_infinite_values_are_refused_naming_the_column():
    """Exploratory stats report, repro 5: an infinite dv value made compare_groups call group
    'b' (inf and 4) "all the same" and leave it out, correlation_matrix return r = NaN with
    numpy's "invalid value encountered in subtract", and describe_by report mean inf."""
    d = pd.DataFrame({"y": [1., 2, np.inf, 4, 5, 6, 7, 9, 8], "x": [1., 3, 2, 5, 4, 6, 9, 7, 8],
                      "g": list("aaabbbccc")})
    calls = {"compare_groups": lambda f: ce.compare_groups(f, dv="y", between="g"),
             "compare_scales": lambda f: ce.compare_scales(f, scales=["x", "y"], between="g"),
             "describe_by": lambda f: ce.describe_by(f, dv=["x", "y"], by="g"),
             "ttest_groups": lambda f: ce.ttest_groups(f[f["g"] != "c"], dv="y",
                                                       between="g"),
             "correlation_matrix": lambda f: ce.correlation_matrix(f, columns=["x", "y"]),
             "ordinal_model": lambda f: ce.ordinal_model(
                 f.assign(o=[1, 2, 3, 1, 2, 3, 2, 1, 3]), outcome="o", predictors=["y"])}
    for what, call in calls.items():
        for bad in (np.inf, -np.inf):
            with pytest.raises(ce.InputError, match=rf"{what}: column 'y' holds 1 infinite "
                               r"value\(s\) \(row 2\).*NaN \(missing\)"):
                call(d.assign(y=d["y"].replace(np.inf, bad)))
        call(d.assign(y=d["y"].replace(np.inf, np.nan)))  # a missing value is fine


def test_compare_groups_leaves_out_a_group_whose_values_are_all_alike():
    """Exploratory test 3: a group of two respondents with the same score made pingouin's
    welch_anova raise ValueError ("non-zero variance") out of compare_groups/compare_scales.
    It is left out of Welch's ANOVA and Games-Howell like a one-value group, with a note;
    Kruskal-Wallis keeps it. Checked against pingouin without the group and scipy's kruskal."""
    import pingouin as pg

    d = pd.DataFrame({"g": ["a"] * 6 + ["b"] * 6 + ["c"] * 2,
                      "y": [1, 2, 3, 2, 3, 4, 2, 2, 3, 4, 4, 5, 3, 3.]})
    res = ce.compare_scales(d, scales=["y"], between="g").set_index("test", drop=False)
    welch = res.loc["welch_anova"]
    direct = pg.welch_anova(data=d[d["g"] != "c"], dv="y", between="g").iloc[0]
    assert welch["statistic"] == pytest.approx(direct["F"]) and welch["n"] == 12
    assert "left out group(s) 'c' whose values of 'y' are all the same" in welch["note"]
    assert "Kruskal-Wallis uses every group" in welch["note"]
    h, p = stats.kruskal(*(d.loc[d["g"] == g, "y"] for g in "abc"))
    kw = res.loc["kruskal_wallis"]
    assert kw["statistic"] == pytest.approx(h) and kw["p_value"] == pytest.approx(p)
    assert kw["n"] == 14
    pairs = res[res["test"] == "games_howell"]
    assert pairs[["group_a", "group_b"]].values.tolist() == [["a", "b"]]
    # only one group varies: no Welch statistic, a note why, Kruskal-Wallis still computed
    one = ce.compare_groups(d.assign(y=d["y"].where(d["g"] != "b", 5.0)), dv="y",
                            between="g").set_index("test")
    assert np.isnan(one.loc["welch_anova", "statistic"])
    assert "need two groups whose values of 'y' vary, and 1 does" in one.loc["welch_anova",
                                                                            "note"]
    assert "games_howell" not in one.index and one.loc["kruskal_wallis", "p_value"] < 0.05
    # nothing varies at all: missing statistics and notes, no crash and no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flat = ce.compare_groups(d.assign(y=3.0), dv="y", between="g",
                                 min_group_size=1).set_index("test")
    assert np.isnan(flat.loc["kruskal_wallis", "statistic"])
    assert "every value of 'y' is the same" in flat.loc["kruskal_wallis", "note"]


def test_image_model_counts_every_slope_and_warns_about_a_fragile_fit():
    """Exploratory test 3: 7 respondents for 5 slopes (3 scales, a dummy, age) were fitted
    with 1 residual df and HC3 intervals of +-766, silently; the refusal counted only the
    predictor scales. Now: refused below two residual df counting every slope; a ModelWarning
    below FEW_RESIDUAL_DF residual df or at a leverage of HIGH_LEVERAGE or more (the hat
    diagonal checked against statsmodels' OLSInfluence)."""
    from statsmodels.stats.outliers_influence import OLSInfluence

    from citra_eval.regression import HIGH_LEVERAGE

    resp, inst = _small_survey()
    resp = resp[resp["unit"] != "Solo"].assign(age=np.arange(39) % 9 * 5.0 + 20)
    # 5 respondents, slopes TR + unit[T.B] + age = 3: an intercept and 3 slopes leave 1 df
    with pytest.raises(ce.InputError, match=r"only 5 complete respondents .* for 3 slopes "
                       r"\(1 predictor scales and 2 for the controls.*needs at least 6"):
        ce.image_model(resp.iloc[[0, 1, 2, 20, 21]], inst, outcome="IM",
                       controls=["unit", "age"])
    with pytest.warns(ce.ModelWarning, match="'IM': 4 residual degrees of freedom"):
        few = ce.image_model(resp.iloc[[0, 1, 2, 3, 20, 21, 22, 23]], inst, outcome="IM",
                             controls=["unit", "age"])
    assert few.df_resid == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an ordinary fit: no warning
        ce.image_model(resp, inst, outcome="IM", controls=["unit", "age"])
    far = resp.assign(age=resp["age"].where(resp.index != 5, 5000.0))
    with pytest.warns(ce.ModelWarning) as caught:
        fit = ce.image_model(far, inst, outcome="IM", controls=["unit", "age"])
    h = OLSInfluence(fit.fit).hat_matrix_diag
    assert h.max() == pytest.approx(h[5]) and h[5] >= HIGH_LEVERAGE
    (message,) = [str(w.message) for w in caught]
    assert f"respondent 6 of the analysis sample has leverage {h[5]:.3f}" in message
    assert "HC3 standard errors divide its squared residual by (1 - h)^2" in message
    assert "residual degrees of freedom" not in message


def test_ttest_with_a_constant_group_leaks_no_scipy_warning():
    """Exploratory test 3: scipy's "Precision loss ... catastrophic cancellation" leaked from
    ttest_groups when one group's values are all equal, although the result is exact. By
    hand: group a has variance 0, group b = [1, 2, 3, 2, 3, 4, 2, 3] has mean 2.5 and
    variance 6/7, so Welch's se = sqrt(6/7/8), t = (8/3 - 2.5) / se and df = n_b - 1 = 7."""
    d = pd.DataFrame({"g": ["a", "a"] + ["b"] * 8,
                      "y": [2 + 2 / 3, 2 + 2 / 3, 1, 2, 3, 2, 3, 4, 2, 3]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ce.ttest_groups(d, dv="y", between="g", min_group_size=1).iloc[0]
    assert res["statistic"] == pytest.approx((8 / 3 - 2.5) / np.sqrt(6 / 7 / 8))
    assert res["df"] == pytest.approx(7.0)


def test_ordinal_model_refuses_degenerate_outcomes_and_too_many_parameters():
    """Exploratory test 3: a one-category outcome raised ValueError suggesting logistic
    regression; a mean score (non-whole numbers) was fitted with one threshold per distinct
    mean; more parameters than respondents leaked statsmodels' HessianInversionWarning, as
    did a small fit whose Hessian statsmodels could not invert (now our own check decides)."""
    rng = np.random.default_rng(0)
    d = pd.DataFrame({"x": rng.normal(size=30), "y": np.resize([1, 2, 3], 30).astype(float)})
    with pytest.raises(ce.InputError, match="the outcome 'y' has one category \\(3\\)"):
        ce.ordinal_model(d.assign(y=3.0), outcome="y", predictors=["x"])
    with pytest.raises(ce.InputError, match="has two categories"):
        ce.ordinal_model(d.assign(y=d["y"].clip(upper=2)), outcome="y", predictors=["x"])
    mean = d.assign(y=d["y"] + rng.integers(0, 3, 30) / 3)
    with pytest.raises(ce.InputError, match=r"'y' holds numbers that are not whole.*round"):
        ce.ordinal_model(mean, outcome="y", predictors=["x"])
    # declared levels say the values are the categories: fitted
    halves = d.assign(y=d["y"] / 2)
    assert ce.ordinal_model(halves, outcome="y", predictors=["x"],
                            levels=[0.5, 1.0, 1.5]).nobs == 30
    wide = pd.DataFrame(rng.normal(size=(6, 5)), columns=list("abcde")).assign(
        y=np.resize([1, 2, 3], 6).astype(float))
    with pytest.raises(ce.InputError, match="only 6 complete rows for 7 parameters"):
        ce.ordinal_model(wide, outcome="y", predictors=list("abcde"))
    # seed 1: statsmodels warns "Inverting hessian failed" on this fit
    small = pd.DataFrame(np.random.default_rng(1).normal(size=(8, 4)), columns=list("abcd"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            ce.ordinal_model(small.assign(y=np.resize([1, 2, 3], 8).astype(float)),
                             outcome="y", predictors=list("abcd"))
        except ce.InputError as e:
            assert "separated" in str(e)


def test_correlation_matrix_split_ballot_pair_is_missing_with_a_warning():
    """Stats t2-3: a split ballot (a asked of half the respondents, c of the other half)
    has no respondent with both; scipy's bare "length at least 2" escaped. The pair is
    missing (NaN, n 0) with a ModelWarning naming it, and the other pairs are computed and
    adjusted among themselves."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=60)
    d = pd.DataFrame({"a": x + rng.normal(size=60), "b": x, "c": x + rng.normal(size=60)})
    d.loc[d.index % 2 == 0, "a"] = np.nan
    d.loc[d.index % 2 == 1, "c"] = np.nan
    d.loc[0, "a"] = 1.0  # one respondent with both: still fewer than three
    with pytest.warns(ce.ModelWarning, match=r"'a' and 'c'.* 1 respondent"):
        res = ce.correlation_matrix(d)
    assert res[["x", "y"]].values.tolist() == [["a", "b"], ["a", "c"], ["b", "c"]]
    gap = res.iloc[1]
    assert gap["n"] == 1
    assert np.isnan(gap[["r", "ci_low", "ci_high", "p_value", "p_adjusted"]].astype(float)).all()
    for i, (u, v) in ((0, ("a", "b")), (2, ("b", "c"))):
        both = d[[u, v]].dropna()
        r, p = stats.pearsonr(both[u], both[v])
        assert res.loc[i, "r"] == pytest.approx(r) and res.loc[i, "p_value"] == pytest.approx(p)
        assert res.loc[i, "n"] == len(both)
    # Holm over the two computable pairs: the smaller p times 2, the larger at least that
    p = res.loc[[0, 2], "p_value"].to_numpy()
    small = min(1.0, 2 * p.min())
    expect = np.where(p == p.min(), small, min(1.0, max(p.max(), small)))
    np.testing.assert_allclose(res.loc[[0, 2], "p_adjusted"], expect)


def test_compare_scales_skips_a_scale_only_one_group_answered_with_a_note():
    """Stats t2-4: skip logic (y asked only of group 'a') made compare_scales raise for that
    scale, which killed notebook 05 and every report. The scale gets rows with missing
    statistics and a note saying why, with a ModelWarning; the other scales are compared."""
    rng = np.random.default_rng(0)
    d = pd.DataFrame({"g": np.repeat(["a", "b", "c"], 20), "x": rng.normal(size=60),
                      "y": rng.normal(size=60)})
    d.loc[d["g"] != "a", "y"] = np.nan
    d.loc[20, "y"] = 1.0  # one respondent of 'b': still a single group of two or more
    with pytest.warns(ce.ModelWarning, match="'y'.*only.*'a'"):
        out = ce.compare_scales(d, scales=["y", "x"], between="g")
    skipped = out[out["scale"] == "y"]
    assert skipped["test"].tolist() == ["welch_anova", "kruskal_wallis"]
    assert skipped[["statistic", "p_value"]].isna().all().all()
    assert skipped["n"].tolist() == [21, 21]
    assert skipped["note"].str.contains("not compared").all()
    part = out[out["scale"] == "x"].drop(columns="scale").reset_index(drop=True)
    pd.testing.assert_frame_equal(part, ce.compare_groups(d, dv="x", between="g"))


def test_games_howell_pairs_follow_the_declared_level_order():
    """Stats t2-12: Games-Howell pairs came out alphabetically (S1-SD, S1-SMA, ...), so the
    sign of 'estimate' ran in mixed directions; pairs now follow the declared (categorical)
    order, as describe_by does, and estimate is mean(group_a) - mean(group_b)."""
    rng = np.random.default_rng(4)
    order = ["SD", "SMP", "SMA", "S1"]
    g = pd.Categorical(np.repeat(order, 15), categories=order, ordered=True)
    d = pd.DataFrame({"edu": g, "y": rng.normal(size=60) + np.repeat([0.0, 0.5, 1.0, 1.5], 15)})
    gh = ce.compare_groups(d, dv="y", between="edu").query("test == 'games_howell'")
    assert gh[["group_a", "group_b"]].values.tolist() == [
        [a, b] for i, a in enumerate(order) for b in order[i + 1:]]
    means = d.groupby("edu", observed=True)["y"].mean()
    for _, r in gh.iterrows():
        assert r["estimate"] == pytest.approx(means[r["group_a"]] - means[r["group_b"]])
    assert ce.describe_by(d, dv="y", by="edu")["group"].tolist() == order


def test_image_model_names_a_scale_without_any_answer():
    """Stats t2-13: every answer of a predictor scale blank gave "only 0 complete
    respondents ... lower min_items", which cannot help; the error names the scale."""
    resp, inst = _small_survey()
    resp[["t1", "t2"]] = np.nan
    with pytest.raises(ce.InputError, match=r"scale 'TR' has no answers \(t1, t2 are blank "
                                            r"for every respondent\)") as exc:
        ce.image_model(resp, inst, outcome="IM")
    assert "min_items" not in str(exc.value)


@pytest.mark.parametrize("labels", [{"a": "a", "b": "b", "c": "c"}, {"a": 1, "b": 2, "c": 3}])
def test_group_comparison_tables_have_numeric_columns_and_nan_for_no_pair(labels):
    """Session 14: notebook 05 showed ``None`` in the omnibus rows (no pair of groups) beside
    ``NaN`` in a skipped scale's rows. The statistics are float columns (NaN where there is
    none), ``n`` whole numbers, and a missing pair is NaN in every row; the labels of a pair
    stay as the data holds them (text, or numbers that do not turn float)."""
    d = small_groups()
    d = d.assign(g=d["g"].map(labels), z=d["y"].where(d["g"] == "a"))
    numeric = ["estimate", "statistic", "df1", "df2", "p_value", "effect_size"]
    res = ce.compare_groups(d, dv="y", between="g")
    with pytest.warns(ce.ModelWarning):
        both = ce.compare_scales(d, scales=["y", "z"], between="g")
    with pytest.warns(ce.ModelWarning):
        alone = ce.compare_scales(d, scales=["z"], between="g")  # nothing compared
    for table in (res, both, alone):
        assert all(table[c].dtype == np.float64 for c in numeric), table.dtypes
        omnibus = table[table["test"] != "games_howell"]
        for col in ("group_a", "group_b"):
            cells = omnibus[col].tolist()
            assert all(isinstance(v, float) and np.isnan(v) for v in cells), cells
    pairs = res[res["test"] == "games_howell"]
    assert res["n"].dtype == np.int64
    assert pairs[["group_a", "group_b"]].values.tolist() == [
        [labels["a"], labels["b"]], [labels["a"], labels["c"]], [labels["b"], labels["c"]]]
    assert "None" not in res.to_string() and "None" not in both.to_string()


def test_default_predictors_leave_out_the_parts_of_a_composite_outcome():
    """Exploratory survey report 14, repro 4: an outcome built (``of:``) from strategy
    scales took those parts as its default predictors, and image_model then refused its own
    default with a bare ValueError (a traceback from ``survey``, notebook 05 failing after
    validate had passed). The defaults now leave out the outcome's parts as they leave out
    the outcome; a part named explicitly is an InputError naming both scales."""
    resp, _ = _small_survey()
    rng = np.random.default_rng(3)
    resp = resp.assign(c1=rng.integers(1, 8, len(resp)), c2=rng.integers(1, 8, len(resp)))
    inst = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 7}, "id_column": "rid",
        "scales": {"TR": {"items": ["t1", "t2"], "role": "strategy"},
                   "IM": {"items": ["i1", "i2"], "role": "strategy"},
                   "CO": {"items": ["c1", "c2"], "role": "strategy"},
                   "ALL": {"of": ["TR", "IM"], "role": "image_overall"}}})
    assert default_predictors(inst, "ALL") == ["CO"]
    assert default_predictors(inst, "TR") == ["IM", "CO"]
    res = ce.image_model(resp, inst, outcome="ALL")
    assert res.predictors == ("CO",) and res.table["term"].tolist() == ["Intercept", "CO"]
    with pytest.raises(ce.InputError, match=r"predictor 'TR' shares items with the outcome "
                       r"'ALL' \(it is one of its parts\); leave it out of the predictors"):
        ce.image_model(resp, inst, outcome="ALL", predictors=["CO", "TR"])
    every = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 7}, "id_column": "rid",
        "scales": {"TR": {"items": ["t1", "t2"], "role": "strategy"},
                   "IM": {"items": ["i1", "i2"], "role": "strategy"},
                   "ALL": {"of": ["TR", "IM"]}}})
    assert default_predictors(every, "ALL") == []
    with pytest.raises(ce.InputError, match=r"no predictors: every strategy scale \('role: "
                       r"strategy': TR, IM\) shares items with the outcome 'ALL'"):
        ce.image_model(resp, every, outcome="ALL")


def test_image_model_refuses_a_control_named_as_its_constant():
    """Exploratory survey report 14, repro 2: a column named ``Intercept`` (the constant's
    term) was a pandas ValueError ("cannot insert Intercept, already exists")."""
    resp, inst = _small_survey()
    with pytest.raises(ValueError, match=r"^control 'Intercept': column 'Intercept' has the "
                       r"name of the image model's constant term .*: rename the column"):
        ce.image_model(resp.assign(Intercept=np.arange(len(resp)) % 5), inst, outcome="IM",
                       controls=["Intercept"])


def test_ordinal_model_takes_a_predictor_named_intercept():
    """A cumulative link model has no constant term, so a predictor column may be called
    ``Intercept``; the collinearity check overwrote it with its own constant and called
    the predictor constant."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    d = pd.DataFrame({"x": x, "y": np.clip(np.round(3 + x + rng.normal(size=200)), 1, 5)})
    fit = ce.ordinal_model(d, outcome="y", predictors=["x"]).table
    renamed = ce.ordinal_model(d.rename(columns={"x": "Intercept"}), outcome="y",
                               predictors=["Intercept"]).table
    assert renamed["term"].iloc[0] == "Intercept"
    np.testing.assert_allclose(renamed["estimate"], fit["estimate"])


def test_ttest_groups_named_as_numbers_of_text_labels_says_how_to_pass_them():
    """Exploratory survey report 14, repro 5: a categorical demographic declared with the
    levels [1, 2] is read as the text '1' and '2'; groups=[2, 1] said "groups must be two
    of 1, 2, got [2, 1]". As for the reverse case, the labels are not converted; the
    message says they are text and how to pass them (and quotes text labels)."""
    d = pd.DataFrame({"y": [1., 2, 5, 7, 3, 4], "g": ["1", "1", "2", "2", "3", "3"]})
    for groups in ([2, 1], [2.0, 1.0], (np.int64(2), 1)):
        with pytest.raises(ValueError, match=r"^groups names \[2(\.0)?, 1(\.0)?\] as numbers, "
                           r"but the groups of 'g' are text: pass groups=\['2', '1'\]$"):
            ce.ttest_groups(d, dv="y", between="g", groups=groups)
    ok = ce.ttest_groups(d, dv="y", between="g", groups=["2", "1"]).iloc[0]
    assert (ok["group_a"], ok["group_b"], ok["mean_diff"]) == ("2", "1", 4.5)
    with pytest.raises(ValueError, match=r"^groups must be two of '1', '2', '3', got \[1, 9\]$"):
        ce.ttest_groups(d, dv="y", between="g", groups=[1, 9])


# --------------------------------------------------------------------------- session 16 (quant)

def _two_small():
    rng = np.random.default_rng(0)
    return pd.DataFrame({"g": ["A"] * 29 + ["B"] * 29 + ["C"] * 2,
                         "y": rng.normal(5, 2.5, 60)})


def test_compare_groups_notes_and_warns_about_a_group_below_the_minimum_size():
    """Quant repro 1: a group of n=2 got Welch/Games-Howell p values with an empty note and
    no warning (Games-Howell df 1.08). The values stay; a note and a ModelWarning say it."""
    d = _two_small()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = ce.compare_groups(d, dv="y", between="g", min_group_size=1)
    with pytest.warns(ce.ModelWarning, match=r"group 'C' of 'g' has 2 respondents .*fewer "
                                             r"than 5"):
        res = ce.compare_groups(d, dv="y", between="g")
    pd.testing.assert_frame_equal(res.drop(columns="note"), before.drop(columns="note"))
    assert (before["note"] == "").all()
    small = "group 'C' has 2 respondents (fewer than 5)"
    by = res.set_index(["test", "group_a", "group_b"])["note"]
    assert small in by[("welch_anova", np.nan, np.nan)]
    assert small in by[("kruskal_wallis", np.nan, np.nan)]
    assert small in by[("games_howell", "A", "C")] and small in by[("games_howell", "B", "C")]
    assert by[("games_howell", "A", "B")] == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.ModelWarning)  # 29 and 29: nothing to say
        ce.compare_groups(d[d.g != "C"], dv="y", between="g")
    with pytest.raises(ValueError, match="min_group_size must be at least 1"):
        ce.compare_groups(d, dv="y", between="g", min_group_size=0)


def test_ttest_groups_notes_and_warns_about_a_group_below_the_minimum_size():
    d = _two_small()
    d = d[d.g.isin(["B", "C"])]
    with pytest.warns(ce.ModelWarning, match=r"group 'C' of 'g' has 2 respondents"):
        res = ce.ttest_groups(d, dv="y", between="g")
    assert "group 'C' has 2 respondents (fewer than 5)" in res["note"].iloc[0]
    quiet = ce.ttest_groups(d, dv="y", between="g", min_group_size=1)
    assert quiet["note"].iloc[0] == ""
    pd.testing.assert_frame_equal(res.drop(columns="note"), quiet.drop(columns="note"))


def test_the_small_group_note_and_warning_word_for_word():
    """Session 17 (one helper for the small groups' note and warning): the texts pinned, and
    the warning points at the caller's line."""
    d = _two_small()
    d = d.assign(g=d["g"].replace({"B": "D"})).iloc[list(range(27)) + list(range(29, 60))]
    note = ("group 'A' has 27 respondents, group 'C' has 2 respondents (fewer than 28): its p "
            "values rest on large-sample approximations; read them as exploratory")
    tail = (" with a value of 'y', fewer than 28 (min_group_size): its p values rest on "
            "large-sample approximations that so small a group does not support; read them as "
            "exploratory, or merge the group into another")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ce.compare_groups(d, dv="y", between="g", min_group_size=28)
    (w,) = [w for w in caught if issubclass(w.category, ce.ModelWarning)]
    assert str(w.message) == ("compare_groups: group 'A' of 'g' has 27 respondents, group "
                              "'C' of 'g' has 2 respondents" + tail)
    assert w.filename == __file__
    by = res.set_index(["test", "group_a", "group_b"])["note"]
    assert by[("kruskal_wallis", np.nan, np.nan)] == note
    assert by[("games_howell", "A", "D")] == ("group 'A' has 27 respondents (fewer than 28): "
                                              "its p values rest on large-sample "
                                              "approximations; read them as exploratory")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ce.ttest_groups(d, dv="y", between="g", groups=["A", "C"], min_group_size=28)
    (w,) = [w for w in caught if issubclass(w.category, ce.ModelWarning)]
    assert str(w.message) == ("ttest_groups: group 'A' of 'g' has 27 respondents, group "
                              "'C' of 'g' has 2 respondents" + tail)
    assert w.filename == __file__ and res["note"].iloc[0] == note


def test_ttest_groups_with_a_one_respondent_group_is_an_input_error():
    """Quant repro 6: a plain ValueError, not InputError, for wrong data."""
    d = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0], "g": list("aaaab")})
    with pytest.raises(ce.InputError, match=r"group 'b' of 'g' has 1 value of 'y'"):
        ce.ttest_groups(d, dv="y", between="g")


def test_compare_groups_and_describe_by_say_how_many_rows_they_left_out():
    """Quant repro 4: rows without a group (or a score) were dropped without a word."""
    d = _two_small().assign(g=lambda f: f.g.replace("C", "B"))
    d.loc[:4, "g"] = None
    d.loc[10:12, "y"] = np.nan
    with pytest.warns(ce.ModelWarning, match=r"left out 8 of 60 rows: 5 without 'g', 3 "
                                             r"without 'y'"):
        res = ce.compare_groups(d, dv="y", between="g")
    assert res["n"].iloc[0] == 52
    assert (res["note"].str.contains("left out 8 of 60 rows: 5 without 'g', 3 without "
                                     "'y'")).all()
    with pytest.warns(ce.ModelWarning, match=r"describe_by: left out 5 of 60 rows without 'g'"):
        desc = ce.describe_by(d, dv="y", by="g")
    assert desc.attrs["note"] == "left out 5 of 60 rows without 'g'"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.ModelWarning)
        assert "note" not in ce.describe_by(d, dv="y").attrs  # missing y: n says it


def test_image_model_says_how_many_respondents_listwise_deletion_left_out(example):
    """Quant repro 4: 12 of 60 respondents skipped a scale; the model silently used 48."""
    resp, inst = example
    resp = resp.copy()
    items = list(inst.scales["TK"].items)
    resp.loc[:11, items] = np.nan
    resp.loc[10:14, "district"] = None
    with pytest.warns(ce.ModelWarning, match=r"image model of 'CITRA': left out 15 of 400 "
                                             r"respondents \(listwise deletion\): 12 without "
                                             r"'TK', 5 without 'district'"):
        fit = ce.image_model(resp, inst, outcome="CITRA", controls=["district"])
    assert fit.nobs == 385 and fit.note.startswith("left out 15 of 400 respondents")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.ModelWarning)
        full = ce.image_model(example[0], inst, outcome="CITRA", controls=["district"])
    assert full.note == ""


@pytest.mark.parametrize("code", [99, 999, -9])
def test_ordinal_model_warns_of_a_far_outlying_value_as_a_missing_value_code(refdata, code):
    """Session 18 repro 9: a missing-value code left in a 1-5 outcome (99, 999, -9) became the
    top (or bottom) category without a word; it is now named as a likely missing-value code,
    with how to declare it. Declared levels keep it on purpose, silently."""
    w = pd.read_csv(refdata("wine.csv"))
    d = w.copy()
    d.loc[0, "rating"] = code
    with pytest.warns(ce.CategoryWarning, match=rf"'rating' .*{code}.* missing-value code"
                                                r".*missing:"):
        ce.ordinal_model(d, outcome="rating", predictors=["temp", "contact"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CategoryWarning)
        ce.ordinal_model(w, outcome="rating", predictors=["temp", "contact"])
        ce.ordinal_model(d, outcome="rating", predictors=["temp", "contact"],
                         levels=sorted({*range(1, 6), code}))


def test_ordinal_model_refuses_weights_summing_beyond_the_cap(refdata):
    """Session 18 repro 1: frequency weights are applied by repeating rows, so population-scale
    weights (x1e6) ended in a numpy MemoryError after minutes. They are refused before any
    row is repeated, saying what the weights sum to."""
    from citra_eval.regression import MAX_WEIGHTED_ROWS

    h = housing_frame(refdata)
    big = h.assign(W=h["Freq"] * 1_000_000)
    total = int(big["W"].sum())
    assert total > MAX_WEIGHTED_ROWS  # the premise
    with pytest.raises(ce.InputError, match=rf"'W' sum to {total:,}.*at most "
                                            rf"{MAX_WEIGHTED_ROWS:,}.*respondents.*rescale"):
        ce.ordinal_model(big, outcome="Sat", predictors=["Infl"], weights="W")


def test_one_column_in_two_roles_is_refused():
    """Session 18 repro 3: dv == between crashed compare_groups (AttributeError) and
    compare_scales (pandas' 'Grouper not 1-dimensional'), and describe_by described each
    group's own label; repro 11: the weights column among the predictors (or as the outcome)
    of ordinal_model blamed the weights' values. Each now says which column has two roles."""
    rng = np.random.default_rng(7)
    sc = pd.DataFrame({"y": rng.normal(size=60), "g": rng.integers(1, 4, size=60)})
    two = r"'g' .*the outcome .*cannot also be the grouping column"
    with pytest.raises(ValueError, match=two):
        ce.compare_groups(sc, dv="g", between="g")
    with pytest.raises(ValueError, match=two):
        ce.compare_scales(sc, scales=["y", "g"], between="g")
    with pytest.raises(ValueError, match=two):
        ce.ttest_groups(sc, dv="g", between="g", groups=[1, 2])
    with pytest.raises(ValueError, match=two):
        ce.describe_by(sc, dv=["g"], by="g")
    d = sc.assign(y=np.clip(np.round(3 + sc["y"]), 1, 5), f=rng.integers(1, 4, size=60))
    with pytest.raises(ValueError, match=r"'f' .*a predictor cannot also be the frequency "
                                         r"weights"):
        ce.ordinal_model(d, outcome="y", predictors=["g", "f"], weights="f")
    with pytest.raises(ValueError, match=r"'f' .*the outcome cannot also be the frequency "
                                         r"weights"):
        ce.ordinal_model(d, outcome="f", predictors=["g"], weights="f")


def test_ordinal_model_reports_the_incomplete_rows_it_leaves_out(refdata):
    """Session 18 repro 2: ordinal_model dropped rows without an outcome, predictor or weight
    silently; like image_model it now says how many, and for which column, in .note and in a
    ModelWarning. Complete data: no note, no warning."""
    w = pd.read_csv(refdata("wine.csv"))
    gaps = w.copy()
    gaps.loc[:29, "temp"] = np.nan
    gaps.loc[40, "rating"] = np.nan
    with pytest.warns(ce.ModelWarning, match=r"ordinal model of 'rating': left out 31 of 72 "
                                             r"rows \(listwise deletion\): 1 without 'rating', "
                                             r"30 without 'temp'"):
        om = ce.ordinal_model(gaps, outcome="rating", predictors=["temp", "contact"])
    assert om.nobs == 41 and "left out 31 of 72 rows" in om.note
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.ModelWarning)
        assert ce.ordinal_model(w, outcome="rating", predictors=["temp", "contact"]).note == ""


def test_ttest_groups_refuses_a_group_twice_and_a_bare_string():
    """Session 18 repros 4 and 6: groups=["Ya", "Ya"] compared a group with itself (t = 0,
    p = 1) and groups="LP" was split into the groups L and P; as every argument naming
    several things, a name given twice is a ValueError and a bare string a TypeError."""
    rng = np.random.default_rng(7)
    sc = pd.DataFrame({"y": rng.normal(size=60), "g": rng.choice(["Ya", "Tidak"], 60)})
    with pytest.raises(ValueError, match="groups names 'Ya' more than once"):
        ce.ttest_groups(sc, dv="y", between="g", groups=["Ya", "Ya"])
    lp = sc.assign(g=sc["g"].map({"Ya": "L", "Tidak": "P"}))
    with pytest.raises(TypeError, match=r"groups must be a list of names, got the string 'LP'"):
        ce.ttest_groups(lp, dv="y", between="g", groups="LP")
    assert ce.ttest_groups(lp, dv="y", between="g", groups=("L", "P"))["group_a"].iloc[0] == "L"


def test_ordinal_model_names_declared_levels_nobody_chose_at_the_ends(refdata):
    """Session 18 repro 7: levels=[0, ..., 6] for a rating observed 1..5 dropped 0 and 6 (no
    threshold '5|6') silently, while an empty level in the middle was named. Both ends are
    now named in a CategoryWarning; levels matching the observed ones say nothing."""
    w = pd.read_csv(refdata("wine.csv"))
    with pytest.warns(ce.CategoryWarning, match=r"'rating' has no observation of the "
                                                r"level\(s\) 0, 6 at the ends of levels"):
        om = ce.ordinal_model(w, outcome="rating", predictors=["temp", "contact"],
                              levels=[0, 1, 2, 3, 4, 5, 6])
    assert list(om.thresholds.index) == ["1|2", "2|3", "3|4", "4|5"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CategoryWarning)
        ce.ordinal_model(w, outcome="rating", predictors=["temp", "contact"],
                         levels=[1, 2, 3, 4, 5])
