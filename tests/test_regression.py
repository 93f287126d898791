"""Models: published R results (ordinal clm on wine, MASS polr on housing) and hand checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import citra_eval as ce

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
    res = ce.ordinal_model(wine, outcome="rating", predictors=["temp", "contact"])
    assert list(res.columns) == ce.regression.ORDINAL_COLUMNS
    assert res["term"].tolist() == ["temp[T.warm]", "contact[T.yes]", "1|2", "2|3", "3|4",
                                    "4|5"]
    assert res["kind"].tolist() == ["beta"] * 2 + ["threshold"] * 4
    assert res["estimate"].round(4).tolist() == [2.5031, 1.5278, -1.3444, 1.2508, 3.4669,
                                                 5.0064]
    assert res["std_error"].round(4).tolist() == [0.5287, 0.4766, 0.5171, 0.4379, 0.5978,
                                                  0.7309]
    assert round(res.attrs["loglik"], 2) == -86.49
    assert round(res.attrs["aic"], 2) == 184.98
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
    res = ce.ordinal_model(h, outcome="Sat", predictors=["Infl", "Type", "Cont"],
                           weights="Freq")
    assert res["term"].tolist() == ["Infl[T.Medium]", "Infl[T.High]", "Type[T.Apartment]",
                                    "Type[T.Atrium]", "Type[T.Terrace]", "Cont[T.High]",
                                    "Low|Medium", "Medium|High"]
    assert res["estimate"].round(4).tolist() == [0.5664, 1.2888, -0.5724, -0.3662, -1.0910,
                                                 0.3603, -0.4961, 0.6907]
    assert res["std_error"].round(4).tolist() == [0.1047, 0.1272, 0.1192, 0.1552, 0.1515,
                                                  0.0955, 0.1248, 0.1255]
    assert round(-2 * res.attrs["loglik"], 3) == 3479.149
    assert round(res.attrs["aic"], 3) == 3495.149
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
    assert res["term"].tolist()[-2:] == ["Low|Medium", "Medium|High"]
    with pytest.raises(ValueError, match="link must be"):
        ce.ordinal_model(h, outcome="Sat", predictors=["Infl"], link="cauchit")
    with pytest.raises(ValueError, match="not in the frame"):
        ce.ordinal_model(h, outcome="Sat", predictors=["nope"])


def test_ordinal_model_probit_sign_convention(refdata):
    # a higher temperature makes higher (more bitter) ratings more likely: beta > 0 with
    # P(Y <= j) = F(theta_j - x b), for logit and probit alike
    wine = pd.read_csv(refdata("wine.csv"))
    probit = ce.ordinal_model(wine, outcome="rating", predictors=["temp"], link="probit")
    assert probit.loc[0, "estimate"] > 0
    assert probit.loc[probit["kind"] == "threshold", "estimate"].is_monotonic_increasing


# --------------------------------------------------------------------------- image model

def test_image_model_matches_hand_computed_ols_and_hc3(example):
    resp, inst = example
    fit = ce.image_model(resp, inst, outcome="CITRA", controls=["district"])
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


def test_image_model_classical_se_and_errors(example):
    resp, inst = example
    classical = ce.image_model(resp, inst, outcome="CITRA", robust=None).set_index("term")
    robust = ce.image_model(resp, inst, outcome="CITRA").set_index("term")
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
    res = ce.ordinal_model(resp, outcome="TK1", predictors=["used_online_service"])
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

