"""Reliability: reproduce psych's published alphas on the real bfi data; hand checks."""

from __future__ import annotations

import math
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
    with pytest.raises(ValueError, match="impute must be None or 'median'"):
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


def test_omega_total_needs_a_dataframe():
    with pytest.raises(TypeError, match="items must be a DataFrame of item columns, got list"):
        ce.omega_total([[1, 2, 3], [2, 3, 4]])
