"""Reliability coefficients: published reference values and cross-checks with other packages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citra_eval.reliability import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_details,
    krippendorff_alpha_sets,
    masi_distance,
    percent_agreement,
)

N = np.nan

#: Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, section E ("nominal
#: data, any number of observers, missing data"): 4 observers x 12 units. Gwet's Handbook of
#: Inter-Rater Reliability (2014) and the R package irrCAC ship the same data as
#: ``cac.raw4raters``.
K2011 = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
                  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
                  [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
                  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]]).T

#: Wikipedia, "Krippendorff's alpha", section "A computational example": coders A, B, C x 15
#: units, '*' = missing.
WIKI_ALPHA = np.array([[N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
                       [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
                       [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4]]).T


def _expand_counts(table) -> np.ndarray:
    """Subjects x categories counts -> subjects x raters ratings (category numbers 1..q)."""
    rows = [[k + 1 for k, c in enumerate(row) for _ in range(int(c))] for row in table]
    return np.array(rows, dtype=float)


def _expand_crosstab(table) -> np.ndarray:
    """A 2-coder contingency table -> units x 2 ratings (category numbers 1..q)."""
    t = np.asarray(table)
    pairs = [[i + 1, j + 1] for i in range(t.shape[0]) for j in range(t.shape[1])
             for _ in range(int(t[i, j]))]
    return np.array(pairs, dtype=float)


# --------------------------------------------------------------------------- Krippendorff


@pytest.mark.parametrize(("level", "expected"), [
    # Krippendorff (2011), section E and the worked levels: nominal .743, ordinal .815,
    # interval .849, ratio .797 (printed to three decimals).
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_all_levels(level, expected):
    assert round(krippendorff_alpha(K2011, level=level), 3) == expected


def test_krippendorff_2011_coincidences_and_exclusions():
    # Krippendorff (2011) section E: unit 12 has a single value and is not pairable;
    # n.. = 40 pairable values; n_c = 9, 13, 10, 5, 3; o_11 = 7, o_12 = 4/3, D_o = .200.
    d = krippendorff_alpha_details(K2011)
    assert (d.n_units, d.n_pairable_units, d.n_excluded_units, d.n_values) == (12, 11, 1, 40)
    assert d.value_counts == [9, 13, 10, 5, 3]
    assert d.coincidences.loc[1, 1] == pytest.approx(7)
    assert d.coincidences.loc[1, 2] == pytest.approx(4 / 3)
    assert d.coincidences.to_numpy().sum() == pytest.approx(40)
    assert d.observed_disagreement == pytest.approx(0.2)


def test_wikipedia_alpha_example():
    # Wikipedia "Krippendorff's alpha", "A computational example": alpha_nominal = 0.691,
    # alpha_interval = 0.811.
    assert round(krippendorff_alpha(WIKI_ALPHA), 3) == 0.691
    assert round(krippendorff_alpha(WIKI_ALPHA, level="interval"), 3) == 0.811


def test_irrcac_krippendorff_on_cac_raw4raters():
    # irrCAC README: krippen.alpha.raw(cac.raw4raters) -> coeff.val 0.74342.
    assert round(krippendorff_alpha(K2011), 5) == 0.74342


def test_irrcac_distrib_6raters():
    # irrCAC README, distrib.6raters (15 patients x 6 psychiatrists): AC1 0.4448007,
    # Fleiss' kappa 0.4139265, Krippendorff's alpha 0.4204384, Brennan-Prediger 0.4388889
    # (q = 5 categories), percent agreement 0.5511111.
    counts = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6],
              [0, 3, 0, 3, 0], [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0],
              [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
              [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]]
    r = _expand_counts(counts)
    assert round(gwet_ac1(r), 7) == 0.4448007
    assert round(fleiss_kappa(r), 7) == 0.4139265
    assert round(krippendorff_alpha(r), 7) == 0.4204384
    assert round(brennan_prediger(r), 7) == 0.4388889
    assert round(percent_agreement(r), 7) == 0.5511111


def test_alpha_dataframe_and_lists_agree():
    df = pd.DataFrame(K2011, columns=list("ABCD"))
    as_list = [[None if np.isnan(v) else int(v) for v in row] for row in K2011]
    assert krippendorff_alpha(df) == pytest.approx(krippendorff_alpha(K2011))
    assert krippendorff_alpha(as_list) == pytest.approx(krippendorff_alpha(K2011))
    labels = df.map(lambda v: None if np.isnan(v) else f"c{int(v)}")
    assert krippendorff_alpha(labels) == pytest.approx(krippendorff_alpha(K2011))


def test_alpha_nothing_pairable_raises():
    with pytest.raises(ValueError, match="nothing is pairable"):
        krippendorff_alpha([[1, N], [N, 2], [3, N]])


def test_alpha_no_variation_raises():
    with pytest.raises(ValueError, match="no variation"):
        krippendorff_alpha([[1, 1], [1, 1], [1, N]])


def test_alpha_bad_arguments():
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(K2011, level="circular")
    with pytest.raises(ValueError, match="at least two coders"):
        krippendorff_alpha([[1], [2]])
    with pytest.raises(ValueError, match="numeric ratings"):
        krippendorff_alpha([["a", "b"], ["b", "b"]], level="interval")
    with pytest.raises(TypeError, match="DataFrame or 2-D array"):
        krippendorff_alpha("1,2")
    with pytest.raises(ValueError, match="same length"):
        krippendorff_alpha([[1, 2], [1]])


ratings_strategy = st.integers(min_value=2, max_value=4).flatmap(
    lambda n_coders: st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=n_coders, max_size=n_coders),
        min_size=3, max_size=25))


def _as_float(rows) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


@settings(max_examples=60, deadline=None)
@given(ratings_strategy, st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_krippendorff_package(rows, level):
    import krippendorff

    arr = _as_float(rows)
    try:
        ours = krippendorff_alpha(arr, level=level)
    except ValueError:
        return  # undefined (no pairable values or no variation): krippendorff raises too
    theirs = krippendorff.alpha(reliability_data=arr.T, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(ratings_strategy)
def test_alpha_matches_nltk(rows):
    from nltk.metrics.agreement import AnnotationTask

    arr = _as_float(rows)
    triples = [(str(c), str(u), int(v)) for u, row in enumerate(arr) for c, v in enumerate(row)
               if not np.isnan(v)]
    try:
        ours = krippendorff_alpha(arr)
    except ValueError:
        return
    assert ours == pytest.approx(AnnotationTask(data=triples).alpha(), abs=1e-9)


# --------------------------------------------------------------------------- MASI


def test_masi_distance_matches_nltk():
    from nltk.metrics.distance import masi_distance as nltk_masi

    sets = [{1}, {1, 2}, {1, 2, 3, 4}, {3}, {2, 3}, {5, 6}]
    for a in sets:
        for b in sets:
            assert masi_distance(a, b) == pytest.approx(nltk_masi(a, b))
    # Passonneau (2006): {1,2} vs {1,2,3,4}: J = 2/4, M = 2/3 -> 1 - 1/3 = 0.6667 (nltk doc).
    assert masi_distance({1, 2}, {1, 2, 3, 4}) == pytest.approx(2 / 3)
    assert masi_distance(set(), set()) == 0.0
    assert masi_distance(set(), {1}) == 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.frozensets(st.sampled_from("abcd"), min_size=1, max_size=4),
                         min_size=3, max_size=3), min_size=3, max_size=15),
       st.sampled_from(["masi", "jaccard"]))
def test_alpha_sets_matches_nltk(rows, distance):
    from nltk.metrics.agreement import AnnotationTask
    from nltk.metrics.distance import jaccard_distance
    from nltk.metrics.distance import masi_distance as nltk_masi

    triples = [(str(c), str(u), v) for u, row in enumerate(rows) for c, v in enumerate(row)]
    try:
        ours = krippendorff_alpha_sets(rows, distance=distance)
    except ValueError:
        return
    fn = nltk_masi if distance == "masi" else jaccard_distance
    theirs = AnnotationTask(data=triples, distance=fn).alpha()
    assert ours == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio", "masi"])
def test_pairwise_path_equals_coincidence_matrix(monkeypatch, level):
    # Few distinct values: the coincidence-matrix path. Many: per-pair sums and the expected
    # disagreement in blocks of rows. Force the second on small data; both must agree.
    import citra_eval.reliability as rel

    rng = np.random.default_rng(5)
    if level == "masi":
        pool = [frozenset(s) for s in ({"a"}, {"b"}, {"a", "b"}, {"c"}, {"a", "c"}, set())]
        data = [[pool[i] for i in rng.integers(0, len(pool), 3)] for _ in range(40)]
    else:
        data = rng.integers(0, 9, size=(40, 3)).astype(float)
    whole = krippendorff_alpha_details(data, level=level)
    assert whole.coincidences is not None
    monkeypatch.setattr(rel, "_MAX_COINCIDENCE_VALUES", 0)
    monkeypatch.setattr(rel, "_BLOCK_CELLS", 5)  # one row of delta^2 at a time
    blocks = krippendorff_alpha_details(data, level=level)
    assert blocks.coincidences is None
    assert blocks.observed_disagreement == pytest.approx(whole.observed_disagreement)
    assert blocks.expected_disagreement == pytest.approx(whole.expected_disagreement)
    assert blocks.alpha == pytest.approx(whole.alpha)


def test_alpha_sets_hand_computed_and_missing():
    # Hand computation: units ({a},{a}), ({a,b},{a}), ({b},{b}); missing third unit cell.
    # Values: {a} x3, {a,b} x1, {b} x2 -> n = 6. delta({a,b},{a}) = 1 - (1/2)(2/3) = 2/3,
    # delta({a},{b}) = 1, delta({a,b},{b}) = 2/3. D_o = (2 * 2/3) / 6 = 2/9.
    # D_e = 2 * (3*1*2/3 + 3*2*1 + 1*2*2/3) / (6 * 5) = 2 * (2 + 6 + 4/3) / 30 = 28/45.
    # alpha = 1 - (2/9) / (28/45) = 1 - 10/28 = 0.642857.
    rows = [[{"a"}, {"a"}], [{"a", "b"}, {"a"}], [{"b"}, {"b"}], [{"a"}, None]]
    d = krippendorff_alpha_details(rows, level="masi")
    assert d.alpha == pytest.approx(1 - 10 / 28)
    assert d.n_excluded_units == 1
    assert krippendorff_alpha(rows, level="masi") == pytest.approx(d.alpha)
    with pytest.raises(TypeError, match="set-valued rating"):
        krippendorff_alpha_sets([["a", {"a"}], [{"b"}, {"b"}]])


def test_alpha_sets_with_singletons_equals_nominal():
    nominal = [["x", "x"], ["x", "y"], ["y", "y"], ["z", "y"], ["z", "z"]]
    as_sets = [[{v} for v in row] for row in nominal]
    # Disjoint singletons have MASI distance 1, identical ones 0: the nominal metric.
    assert krippendorff_alpha_sets(as_sets) == pytest.approx(krippendorff_alpha(nominal))


# --------------------------------------------------------------------------- Fleiss, Gwet, BP


def test_fleiss_1971_diagnoses():
    # Fleiss (1971), Table 1: 30 patients x 6 psychiatrists, 5 diagnoses; kappa = .430
    # (also R irr::kappam.fleiss(diagnoses): Kappa = 0.43). Data as in statsmodels'
    # test_inter_rater.py (``diagnoses``).
    from statsmodels.stats.tests.test_inter_rater import diagnoses

    assert round(fleiss_kappa(diagnoses), 3) == 0.430


def test_fleiss_wikipedia_example():
    # Wikipedia "Fleiss' kappa", worked example: 10 subjects x 14 raters x 5 categories,
    # P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210.
    counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
              [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
              [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    r = _expand_counts(counts)
    assert round(percent_agreement(r), 3) == 0.378
    assert round(fleiss_kappa(r), 3) == 0.210


def test_irrcac_cac_raw4raters():
    # irrCAC README (Gwet 2014 data, missing ratings): pa.coeff.raw 0.8181818;
    # gwet.ac1.raw 0.77544 (pe 0.1903212); fleiss.kappa.raw 0.76117 (pe 0.2387153);
    # bp.coeff.raw 0.77273.
    assert round(percent_agreement(K2011), 7) == 0.8181818
    assert round(gwet_ac1(K2011), 5) == 0.77544
    assert round(fleiss_kappa(K2011), 5) == 0.76117
    assert round(brennan_prediger(K2011), 5) == 0.77273


def test_irrcac_cont3x3abstractors():
    # irrCAC README, cont3x3abstractors (2 abstractors, 3 categories, 100 units):
    # kappa2.table 0.7964094, gwet.ac1.table 0.8493305, bp2.table 0.835,
    # krippen2.table 0.7972585, pa2.table 0.89.
    r = _expand_crosstab([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert round(cohen_kappa(r), 7) == 0.7964094
    assert round(gwet_ac1(r), 7) == 0.8493305
    assert round(brennan_prediger(r), 3) == 0.835
    assert round(krippendorff_alpha(r), 7) == 0.7972585
    assert round(percent_agreement(r), 2) == 0.89


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 4), min_size=3, max_size=3), min_size=4, max_size=30))
def test_fleiss_matches_statsmodels_and_nltk(rows):
    from nltk.metrics.agreement import AnnotationTask
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    arr = np.array(rows, dtype=float)
    try:
        ours = fleiss_kappa(arr)
    except ValueError:
        return
    assert ours == pytest.approx(sm_fleiss(aggregate_raters(arr)[0]), abs=1e-9)
    triples = [(str(c), str(u), int(v)) for u, row in enumerate(arr) for c, v in enumerate(row)]
    # nltk's multi-rater pi is Fleiss' kappa (Artstein & Poesio 2008).
    assert ours == pytest.approx(AnnotationTask(data=triples).pi(), abs=1e-9)


def test_gwet_ac1_hand_computed_two_by_two():
    # Gwet (2008), eq. for two raters and two categories: pe = 2 pi (1 - pi) with
    # pi = (p_+1 + p_1+)/2. Table a=40, b=5, c=5, d=0 (both "yes" 40, both "no" 0):
    # pa = 0.8, pi_yes = 0.9, pe = 0.18, AC1 = (0.8 - 0.18) / 0.82 = 0.756098.
    r = _expand_crosstab([[40, 5], [5, 0]])
    assert gwet_ac1(r) == pytest.approx(0.62 / 0.82)
    # The kappa paradox: the same table gives a negative Cohen's kappa.
    assert cohen_kappa(r) < 0


def test_categories_declared_changes_q():
    r = [["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]]
    assert brennan_prediger(r) == pytest.approx(0.5)
    # With a third permitted category chance agreement is 1/3: (0.75 - 1/3) / (2/3) = 0.625.
    assert brennan_prediger(r, categories=["a", "b", "c"]) == pytest.approx(0.625)
    with pytest.raises(ValueError, match="not in categories"):
        gwet_ac1(r, categories=["a"])


def test_undefined_coefficients_raise_with_reason():
    same = [[1, 1], [1, 1], [1, 1]]
    for fn in (fleiss_kappa, cohen_kappa):
        with pytest.raises(ValueError, match="chance agreement is 1"):
            fn(same)
    with pytest.raises(ValueError, match="two or more coders"):
        percent_agreement([[1, N], [N, 2]])
    assert percent_agreement(same) == 1.0


# --------------------------------------------------------------------------- Cohen


def test_cohen_wikipedia_example():
    # Wikipedia "Cohen's kappa", simple example: 50 proposals, both yes 20, A yes/B no 5,
    # A no/B yes 10, both no 15; p_o = 0.7, p_e = 0.5, kappa = 0.4.
    r = _expand_crosstab([[20, 5], [10, 15]])
    assert percent_agreement(r) == pytest.approx(0.7)
    assert cohen_kappa(r) == pytest.approx(0.4)


def test_cohen_weighted_irr_anxiety():
    # R irr::kappa2 on irr's `anxiety` data, raters 2 and 3 (values recorded in statsmodels'
    # test_inter_rater.py): unweighted -0.006289308, "equal" (linear) 0.1459075,
    # "squared" (quadratic) 0.2520325.
    from statsmodels.stats.tests.test_inter_rater import anxiety

    r = anxiety[:, 1:3]
    assert round(cohen_kappa(r), 9) == -0.006289308
    assert round(cohen_kappa(r, weights="linear"), 7) == 0.1459075
    assert round(cohen_kappa(r, weights="quadratic"), 7) == 0.2520325


def test_cohen_weighted_sas_example():
    # SAS PROC FREQ (AGREE) printout reproduced in statsmodels' test_inter_rater.py, table
    # [[0, 4, 1], [0, 8, 0], [0, 1, 5]]: simple kappa 0.4842, weighted (Cicchetti-Allison,
    # i.e. linear) kappa 0.4701.
    r = _expand_crosstab([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    assert round(cohen_kappa(r), 4) == 0.4842
    assert round(cohen_kappa(r, weights="linear"), 4) == 0.4701


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=4, max_size=40),
       st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_matches_statsmodels(pairs, weights):
    from statsmodels.stats.inter_rater import cohens_kappa, to_table

    arr = np.array(pairs, dtype=float)
    try:
        ours = cohen_kappa(arr, weights=weights, categories=[1, 2, 3, 4])
    except ValueError:
        return
    table = to_table(arr, bins=np.arange(0.5, 5.5))[0]
    kw = {} if weights is None else {"wt": weights}
    assert ours == pytest.approx(cohens_kappa(table, return_results=False, **kw), abs=1e-9)


def test_cohen_bad_arguments():
    with pytest.raises(ValueError, match="exactly two coders"):
        cohen_kappa(K2011)
    with pytest.raises(ValueError, match="weights must be"):
        cohen_kappa([[1, 1], [1, 2]], weights="cubic")
    with pytest.raises(ValueError, match="rated by both"):
        cohen_kappa([[1, N], [N, 2]])
    with pytest.raises(ValueError, match="ordered categories"):
        cohen_kappa([["a", "b"], ["b", "b"]], weights="linear")


def test_cohen_skips_units_missing_a_coder():
    full = np.array([[1, 1], [2, 2], [1, 2], [2, 2]], dtype=float)
    with_gap = np.vstack([full, [[1, N], [N, 2]]])
    assert cohen_kappa(with_gap) == pytest.approx(cohen_kappa(full))


# --------------------------------------------------------------------------- bootstrap


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio", "masi"])
def test_alpha_bootstrap_matches_naive_resampling(level):
    # The vectorised interval must equal recomputing alpha on resampled pairable units with
    # the same draws: numpy default_rng(seed).integers(0, n_pairable, (n_boot, n_pairable)).
    if level == "masi":
        pool = [frozenset(s) for s in ({"a"}, {"b"}, {"a", "b"}, {"c"}, set())]
        rng = np.random.default_rng(2)
        data = [[pool[i] for i in rng.integers(0, len(pool), 3)] for _ in range(15)]
        data[0][1] = None
        data[1][0] = data[1][2] = None  # one value only: not pairable
        pairable = [row for row in data if sum(v is not None for v in row) >= 2]
    else:
        data = K2011
        pairable = K2011[(~np.isnan(K2011)).sum(axis=1) >= 2]
    n_boot, seed = 200, 11
    d = krippendorff_alpha_details(data, level=level, n_boot=n_boot, seed=seed, ci=0.9)
    draws = np.random.default_rng(seed).integers(0, len(pairable), (n_boot, len(pairable)))
    reps = []
    for rows in draws:
        sample = [pairable[i] for i in rows] if level == "masi" else pairable[rows]
        try:
            reps.append(krippendorff_alpha(sample, level=level))
        except ValueError:
            continue
    assert d.n_boot == len(reps)
    assert d.ci_low == pytest.approx(np.quantile(reps, 0.05))
    assert d.ci_high == pytest.approx(np.quantile(reps, 0.95))
    assert d.ci_low < d.alpha < d.ci_high


def test_alpha_bootstrap_arguments():
    d = krippendorff_alpha_details(K2011)
    assert np.isnan(d.ci_low) and d.n_boot == 0
    with pytest.raises(ValueError, match="n_boot must be"):
        krippendorff_alpha_details(K2011, n_boot=-1)
    with pytest.raises(ValueError, match="ci must be between"):
        krippendorff_alpha_details(K2011, n_boot=10, ci=1.5)
    many = np.arange(600, dtype=float).reshape(300, 2)
    with pytest.raises(ValueError, match="at most 200 distinct values"):
        krippendorff_alpha_details(many, level="interval", n_boot=10)


@pytest.mark.parametrize("bad", [42, "AB"])
def test_set_ratings_must_be_a_table(bad):
    with pytest.raises(TypeError, match="ratings must be a DataFrame or 2-D sequence of sets"):
        krippendorff_alpha_sets(bad)


# --------------------------------------------------------------------------- invariances
#
# One suite over every coefficient (scikit-learn's common metric tests): a reliability
# coefficient must not depend on the order of the coders (columns), the order of the units
# (rows), or the names of the categories, within what its level of measurement allows:
# nominal coefficients under any one-to-one relabelling (also to strings), ordinal ones under
# order-preserving relabellings, interval ones under affine maps, ratio ones under scaling.

def _alpha(level):
    return lambda r: krippendorff_alpha(r, level=level)


#: (name, coefficient, the relabellings its level of measurement allows, coders it takes)
COEFFICIENTS = [
    ("percent_agreement", percent_agreement, "nominal", None),
    ("fleiss_kappa", fleiss_kappa, "nominal", None),
    ("gwet_ac1", gwet_ac1, "nominal", None),
    ("brennan_prediger", brennan_prediger, "nominal", None),
    ("cohen_kappa", cohen_kappa, "nominal", 2),
    ("cohen_kappa_linear", lambda r: cohen_kappa(r, weights="linear"), "ordinal", 2),
    ("cohen_kappa_quadratic", lambda r: cohen_kappa(r, weights="quadratic"), "ordinal", 2),
    ("alpha_nominal", _alpha("nominal"), "nominal", None),
    ("alpha_ordinal", _alpha("ordinal"), "ordinal", None),
    ("alpha_interval", _alpha("interval"), "interval", None),
    ("alpha_ratio", _alpha("ratio"), "ratio", None),
]
#: Which coefficients (by level) each kind of relabelling must leave unchanged.
_ALLOWED = {"nominal": {"nominal"}, "ordinal": {"nominal", "ordinal"},
            "interval": {"nominal", "ordinal", "interval"},
            "ratio": {"nominal", "ordinal", "interval", "ratio"}}
_RELABEL = {
    # A permutation of the categories 1..5, and the same permutation as strings.
    "nominal": [lambda v: {1: 4, 2: 1, 3: 5, 4: 2, 5: 3}[v], lambda v: f"cat-{6 - v}"],
    # Strictly increasing, not affine.
    "ordinal": [lambda v: v ** 3, lambda v: np.exp(v)],
    "interval": [lambda v: 2.5 * v - 7.0, lambda v: -v + 10.0],
    "ratio": [lambda v: 3.0 * v, lambda v: v / 7.0],
}


def _ratings(seed: int, n_coders: int) -> np.ndarray:
    """Units x coders on a 1..5 scale, mostly agreeing, with some missing ratings."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, size=40)
    r = np.where(rng.random((40, n_coders)) < 0.7, truth[:, None],
                 rng.integers(1, 6, size=(40, n_coders))).astype(float)
    if n_coders > 2:
        r[rng.random(r.shape) < 0.1] = np.nan
    return r


def _relabel(r: np.ndarray, fn) -> np.ndarray:
    out = np.array([[np.nan if np.isnan(v) else fn(int(v)) for v in row] for row in r],
                   dtype=object)
    if all(isinstance(v, int | float | np.floating) for v in out.ravel()):
        return out.astype(float)
    return np.where(pd.isna(out), None, out)


def _coders(n):
    return [2] if n == 2 else [2, 3, 4]


every_coefficient = pytest.mark.parametrize(("name", "fn", "level", "n"), COEFFICIENTS,
                                            ids=[c[0] for c in COEFFICIENTS])


@every_coefficient
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_invariant_to_coder_order(name, fn, level, n, seed):
    for n_coders in _coders(n):
        r = _ratings(seed, n_coders)
        expected = fn(r)
        for perm in ([*range(n_coders)][::-1], np.random.default_rng(seed).permutation(n_coders)):
            assert fn(r[:, perm]) == pytest.approx(expected, abs=1e-12), (name, perm)


@every_coefficient
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_invariant_to_unit_order(name, fn, level, n, seed):
    for n_coders in _coders(n):
        r = _ratings(seed, n_coders)
        perm = np.random.default_rng(seed + 100).permutation(len(r))
        assert fn(r[perm]) == pytest.approx(fn(r), abs=1e-12)
        assert fn(pd.DataFrame(r[perm])) == pytest.approx(fn(r), abs=1e-12)


@every_coefficient
@pytest.mark.parametrize("seed", [0, 1])
def test_invariant_to_category_relabelling(name, fn, level, n, seed):
    for n_coders in _coders(n):
        r = _ratings(seed, n_coders)
        expected = fn(r)
        for kind in ("nominal", "ordinal", "interval", "ratio"):
            if level not in _ALLOWED[kind]:
                continue
            for relabel in _RELABEL[kind]:
                moved = _relabel(r, relabel)
                if level != "nominal" and moved.dtype == object:
                    continue  # ordered levels need numbers (or declared categories)
                assert fn(moved) == pytest.approx(expected, abs=1e-9), (name, kind)


def test_relabelling_beyond_the_level_changes_the_value():
    # The suite above could pass vacuously if every coefficient ignored the values: a
    # non-order-preserving relabelling must change the ordinal/interval ones.
    r = _ratings(0, 3)
    swap = _relabel(r, _RELABEL["nominal"][0])
    assert krippendorff_alpha(swap, level="interval") != pytest.approx(
        krippendorff_alpha(r, level="interval"), abs=1e-3)
    assert krippendorff_alpha(swap, level="ordinal") != pytest.approx(
        krippendorff_alpha(r, level="ordinal"), abs=1e-3)
    cubed = _relabel(r, _RELABEL["ordinal"][0])
    assert krippendorff_alpha(cubed, level="interval") != pytest.approx(
        krippendorff_alpha(r, level="interval"), abs=1e-3)
    two = r[:, :2][~np.isnan(r[:, :2]).any(axis=1)]
    assert cohen_kappa(_relabel(two, _RELABEL["nominal"][0]), weights="linear") != \
        pytest.approx(cohen_kappa(two, weights="linear"), abs=1e-3)


@pytest.mark.parametrize("distance", ["masi", "jaccard"])
def test_set_alpha_invariant_to_coder_unit_order_and_labels(distance):
    rng = np.random.default_rng(3)
    pool = [frozenset(s) for s in ({"a"}, {"b"}, {"a", "b"}, {"c"}, {"a", "c"}, set())]
    data = [[pool[i] for i in rng.integers(0, len(pool), 3)] for _ in range(30)]
    data[4][1] = None
    expected = krippendorff_alpha_sets(data, distance=distance)
    rename = {"a": "z", "b": "x", "c": "y"}
    renamed = [[None if s is None else frozenset(rename[x] for x in s) for s in row]
               for row in data]
    assert krippendorff_alpha_sets(renamed, distance=distance) == pytest.approx(expected)
    assert krippendorff_alpha_sets([row[::-1] for row in data[::-1]],
                                   distance=distance) == pytest.approx(expected)


def test_presence_agreement_invariant_to_coder_and_code_order():
    from citra_eval.reliability import presence_agreement

    rng = np.random.default_rng(4)
    x = rng.random((3, 30, 5)) < 0.3
    x[1] = x[0] ^ (rng.random((30, 5)) < 0.1)
    rated = rng.random((30, 3)) < 0.9
    base = presence_agreement(x, rated=rated, n_boot=50, seed=1).set_index("code")
    flipped = presence_agreement(x[::-1], rated=rated[:, ::-1], n_boot=50,
                                 seed=1).set_index("code")
    pd.testing.assert_frame_equal(base, flipped, check_exact=False, atol=1e-12)
    perm = [3, 0, 4, 1, 2]
    moved = presence_agreement(x[:, :, perm], rated=rated, codes=[str(k) for k in perm],
                               n_boot=50, seed=1).set_index("code")
    pd.testing.assert_frame_equal(base, moved.loc[base.index], check_exact=False, atol=1e-12)
