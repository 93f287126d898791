"""Reliability coefficients: published reference values and cross-checks with other packages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citra_eval.reliability import (
    ICC_COLUMNS,
    WEIGHTS,
    CategoryWarning,
    agreement_coefficients,
    agreement_weights,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    icc,
    kendall_w,
    krippendorff_alpha,
    krippendorff_alpha_details,
    krippendorff_alpha_sets,
    masi_distance,
    percent_agreement,
    presence_agreement,
    scott_pi,
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
        krippendorff_alpha(K2011, level="cyclic")  # circular is a level now
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


def test_interval_alpha_with_many_values_in_closed_form_matches_the_package():
    """Session 13 repro 12: interval alpha on continuous ratings took a V x V pass over the
    distinct values (8000 units: minutes). Its expected disagreement is now in closed form,
    sum_ck n_c n_k (c - k)^2 = 2 n sum_c n_c (c - mean)^2 (Krippendorff 2011, section F,
    interval delta); pinned against the krippendorff package's coincidence-matrix route,
    with missing ratings, above the 200 values of our coincidence route."""
    import time

    import krippendorff

    rng = np.random.default_rng(5)
    x = rng.normal(size=400)
    r = np.column_stack([x, x + rng.normal(scale=0.5, size=400),
                         x + rng.normal(scale=0.8, size=400)])
    r[rng.random(r.shape) < 0.15] = np.nan
    theirs = krippendorff.alpha(reliability_data=r.T, level_of_measurement="interval")
    assert krippendorff_alpha(r, level="interval") == pytest.approx(theirs, abs=1e-10)
    d = krippendorff_alpha_details(r, level="interval")
    pairable = r[(~np.isnan(r)).sum(axis=1) >= 2]
    values = pairable[~np.isnan(pairable)]
    # D_e by hand: the mean squared difference of all pairs of pairable values
    assert d.expected_disagreement == pytest.approx(
        2 * len(values) * values.var() / (len(values) - 1), rel=1e-12)
    big = rng.normal(size=(20000, 3))
    start = time.perf_counter()
    krippendorff_alpha(big, level="interval")
    assert time.perf_counter() - start < 5  # 60000 distinct values: not V x V
    # session 14: the interval bootstrap takes many values too (closed form per replicate)
    assert krippendorff_alpha_details(r, level="interval", n_boot=100).n_boot == 100


def _many_values(n_units: int = 90, seed: int = 3) -> np.ndarray:
    """Three coders' positive ratings of ``n_units`` units with about 250 distinct values
    (more than the 200 of the coincidence route), some missing, some units not pairable."""
    rng = np.random.default_rng(seed)
    x = rng.gamma(4.0, 2.0, size=n_units)
    r = np.round(np.column_stack([x, x + rng.normal(0, 1, n_units),
                                  x * rng.uniform(0.7, 1.3, n_units)]).clip(0.05), 2)
    r[rng.random(r.shape) < 0.1] = np.nan
    return r


@pytest.mark.parametrize("level", ["interval", "ratio", "ordinal", "nominal"])
def test_alpha_with_many_values_matches_the_package(level):
    """Session 14: the routes for more than 200 distinct values (closed form for interval,
    delta^2 in blocks of rows for ratio and the others) against the krippendorff package
    on random data. Ratio alpha has no closed form like interval's: its delta^2
    ((c - k) / (c + k))^2 is not a function of c - k, nor of a few moments of the values,
    so it keeps the pairs (in blocks)."""
    import krippendorff

    r = _many_values(400, seed=8)
    d = krippendorff_alpha_details(r, level=level)
    assert len(d.categories) > 200 and d.coincidences is None
    theirs = krippendorff.alpha(reliability_data=r.T, level_of_measurement=level)
    assert d.alpha == pytest.approx(theirs, abs=1e-10)


@pytest.mark.parametrize("level", ["interval", "ratio", "ordinal", "nominal"])
def test_alpha_bootstrap_with_many_values_matches_naive_resampling(level):
    """Session 14: the bootstrap refused more than 200 distinct values. It now resamples
    the pairable units of any number of values (interval, ordinal and nominal in closed
    form, the other levels with delta^2 held once), with the same draws as
    recomputing alpha on resampled units."""
    r = _many_values()
    pairable = r[(~np.isnan(r)).sum(axis=1) >= 2]
    n_boot, seed = 60, 4
    d = krippendorff_alpha_details(r, level=level, n_boot=n_boot, seed=seed, ci=0.9)
    assert len(d.categories) > 200
    draws = np.random.default_rng(seed).integers(0, len(pairable), (n_boot, len(pairable)))
    reps = [krippendorff_alpha(pairable[rows], level=level) for rows in draws]
    assert d.n_boot == n_boot
    assert d.ci_low == pytest.approx(np.quantile(reps, 0.05), abs=1e-10)
    assert d.ci_high == pytest.approx(np.quantile(reps, 0.95), abs=1e-10)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio", "bipolar",
                                   "masi"])
def test_alpha_bootstrap_routes_agree(monkeypatch, level):
    """The many-values bootstrap, forced on few values, gives the coincidence route's
    interval to rounding."""
    import citra_eval.reliability as rel

    if level == "masi":
        pool = [frozenset(s) for s in ({"a"}, {"b"}, {"a", "b"}, {"c"}, set())]
        rng = np.random.default_rng(2)
        data = [[pool[i] for i in rng.integers(0, len(pool), 3)] for _ in range(25)]
        data[0][1] = None
    else:
        data = K2011
    few = krippendorff_alpha_details(data, level=level, n_boot=300, seed=5)
    monkeypatch.setattr(rel, "_MAX_COINCIDENCE_VALUES", 0)
    monkeypatch.setattr(rel, "_BLOCK_CELLS", 40)  # a few replicates per block
    many = krippendorff_alpha_details(data, level=level, n_boot=300, seed=5)
    assert many.coincidences is None and many.n_boot == few.n_boot
    assert (many.ci_low, many.ci_high) == pytest.approx((few.ci_low, few.ci_high), abs=1e-12)


def test_interval_bootstrap_with_many_values_is_fast_and_bounded():
    """60000 distinct continuous values, 1000 replicates: per replicate three sums over the
    units (no V x V matrix, no units x values matrix)."""
    import time

    rng = np.random.default_rng(1)
    x = rng.normal(size=20000)
    big = np.column_stack([x, x + rng.normal(0, .5, 20000), x + rng.normal(0, .5, 20000)])
    start = time.perf_counter()
    d = krippendorff_alpha_details(big + 1e6, level="interval", n_boot=1000)
    assert time.perf_counter() - start < 20
    assert d.ci_low < d.alpha < d.ci_high and d.n_boot == 1000
    assert d.ci_high - d.ci_low < 0.02  # 20000 units: a narrow interval, no lost digits


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


def test_categories_from_an_items_response_range():
    from citra_eval import Instrument, ResponseRange

    inst = Instrument.from_dict({"scale": {"min": 1, "max": 4},
                                 "scales": {"S": {"items": ["a"]},
                                            "Y": {"items": ["y"],
                                                  "scale": {"min": 0, "max": 10}}}})
    r = [[0, 0], [3, 4], [10, 10], [7, 7]]
    assert isinstance(inst.response_range("y"), ResponseRange)
    assert gwet_ac1(r, categories=inst.response_range("y"), weights="quadratic") == \
        pytest.approx(gwet_ac1(r, categories=range(0, 11), weights="quadratic"))
    with pytest.raises(ValueError, match="different response ranges"):
        gwet_ac1(r, categories=inst)


def test_undefined_coefficients_raise_with_reason():
    same = [[1, 1], [1, 1], [1, 1]]
    for fn in (fleiss_kappa, cohen_kappa):
        with pytest.raises(ValueError, match="chance agreement is 1"):
            fn(same)
    with pytest.raises(ValueError, match="no unit was rated by both coders"):
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
    with pytest.raises(ValueError, match="ci must be a confidence level between"):
        krippendorff_alpha_details(K2011, n_boot=100, ci=1.5)
    many = np.arange(4200, dtype=float).reshape(1400, 3)
    assert krippendorff_alpha_details(many, level="interval", n_boot=100).n_boot == 100
    with pytest.raises(ValueError, match=r"level='ratio' takes at most 2000 distinct values; "
                                         r"the ratings have 4200: .*every pair of distinct "
                                         r"values .*pass n_boot=0 .*or round the ratings"):
        krippendorff_alpha_details(many, level="ratio", n_boot=100)


@pytest.mark.parametrize("n_boot, ci, least", [(1, 0.95, 40), (39, 0.95, 40), (9, 0.8, 10)])
def test_alpha_bootstrap_refuses_too_few_replicates_like_the_cli(n_boot, ci, least):
    """Stats report (session 13) repro 5: n_boot=1 gave the zero-width "interval" [0.985,
    0.985] around alpha 0.969, which `citra-eval agree --n-boot 1` refuses. A percentile
    interval at level ci needs on average a replicate beyond each bound, n_boot (1 - ci) / 2
    >= 1, so n_boot >= 2 / (1 - ci): 40 at 95 %, 10 at 80 %. One check for the library
    and the CLI."""
    with pytest.raises(ValueError, match=rf"n_boot: {n_boot} replicates cannot give a "
                                         rf"{ci:g} percentile interval .*at least {least}\)"):
        krippendorff_alpha_details(K2011, level="interval", n_boot=n_boot, ci=ci)
    d = krippendorff_alpha_details(K2011, level="interval", n_boot=least, ci=ci)
    assert d.n_boot == least and d.ci_low <= d.ci_high
    with pytest.raises(ValueError, match="at least 40"):
        presence_agreement(np.ones((2, 3, 1), dtype=bool), n_boot=1)


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
    ("alpha_bipolar", _alpha("bipolar"), "interval", None),
    ("alpha_circular", _alpha("circular"), "circular", None),
    ("alpha_custom", lambda r: krippendorff_alpha(r, level=lambda a, b: np.abs(a - b)),
     "interval", None),
    ("scott_pi", lambda r: scott_pi(r), "nominal", 2),
    ("conger_kappa", lambda r: conger_kappa(r), "nominal", None),
    ("cohen_kappa_gwet", lambda r: cohen_kappa(r, missing="gwet"), "nominal", 2),
    ("fleiss_kappa_linear", lambda r: fleiss_kappa(r, weights="linear"), "ordinal", None),
    ("gwet_ac2_quadratic", lambda r: gwet_ac2(r, weights="quadratic"), "ordinal", None),
    ("brennan_prediger_ordinal", lambda r: brennan_prediger(r, weights="ordinal"), "ordinal",
     None),
    ("conger_kappa_radical", lambda r: conger_kappa(r, weights="radical"), "ordinal", None),
    ("percent_agreement_bipolar", lambda r: percent_agreement(r, weights="bipolar"),
     "ordinal", None),
    ("icc_a1", lambda r: icc(r).loc[1, "icc"], "interval", None),
    ("kendall_w", lambda r: kendall_w(r).loc[0, "w"], "ordinal", None),
]
#: Which coefficients (by level) each kind of relabelling must leave unchanged.
_ALLOWED = {"nominal": {"nominal"}, "ordinal": {"nominal", "ordinal"},
            "interval": {"nominal", "ordinal", "interval"},
            "ratio": {"nominal", "ordinal", "interval", "ratio"},
            "shift": {"nominal", "ordinal", "interval", "circular"}}
_RELABEL = {
    # A permutation of the categories 1..5, and the same permutation as strings.
    "nominal": [lambda v: {1: 4, 2: 1, 3: 5, 4: 2, 5: 3}[v], lambda v: f"cat-{6 - v}"],
    # Strictly increasing, not affine.
    "ordinal": [lambda v: v ** 3, lambda v: np.exp(v)],
    "interval": [lambda v: 2.5 * v - 7.0, lambda v: -v + 10.0],
    "ratio": [lambda v: 3.0 * v, lambda v: v / 7.0],
    # Turning or mirroring the circle (the circular metric keeps its number of points).
    "shift": [lambda v: v + 3.0, lambda v: -v + 10.0],
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
        for kind in _RELABEL:
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
    scaled = _relabel(r, _RELABEL["ratio"][0])
    assert krippendorff_alpha(scaled, level="circular") != pytest.approx(
        krippendorff_alpha(r, level="circular"), abs=1e-3)
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


# --------------------------------------------------------------------------- the toolbox
#
# Published values from the test suite of irrCAC's Python port (github.com/afergadis/irrCAC,
# test/unit/irrCAC/{raw,table,weights}/test_*.py), which reproduces R irrCAC (Gwet 2014),
# printed to 3 decimals; and from R irrCAC's README (kgwet/irrCAC, README.md), more digits.
# p values: irrCAC's Python port reports two-sided p values (R irrCAC prints the one-sided
# ones, checked below with alternative="greater").

#: irrCAC ``cac.raw4raters`` (Gwet 2014): Krippendorff's (2011) data, with unit 12's single
#: rating given by rater 3 (as in irrCAC; only Conger's kappa depends on which rater).
RAW4RATERS = K2011.copy()
RAW4RATERS[11] = [N, N, 3, N]
#: irrCAC ``cac.raw5obser``: 5 observers x 15 units, categories 0-3.
RAW5OBSERVERS = np.array([
    [1, 1, 2, N, 0, 0, 1, 1, 2, 2, N, 0, 1, 3, 1], [1, 1, 3, 0, 0, 0, 0, N, 2, 1, 1, 0, 2, 3, 1],
    [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1], [N, 1, 3, N, N, N, N, 0, N, 1, 0, 0, 2, 2, N],
    [2, N, N, 0, 0, 0, 1, N, 2, N, N, N, N, 3, 1]]).T
_ = None
#: irrCAC ``cac.raw.g1g2``: 4 raters x 14 units, categories a-e.
RAW_G1G2 = np.array([
    ["a", "b", "c", "c", "b", "a", "d", "a", "b", _, _, _, "b", "b"],
    ["a", "b", "c", "c", "b", "b", "d", "a", "b", "e", _, _, "b", "a"],
    [_, "c", "c", "c", "b", "c", "d", "b", "b", "e", "a", "c", "c", "c"],
    ["a", "b", "c", "c", "b", "d", "d", "a", "b", "e", "a", _, "b", "b"]], dtype=object).T
#: irrCAC ``cac.ben.gerry``: 2 raters x 12 units, one rating missing.
RAW_BEN_GERRY = np.array([list("aabbdcccedda"),
                          ["b", "a", "b", "b", "b", "c", "c", "c", "e", _, "d", "d"]],
                         dtype=object).T
#: irrCAC ``cont3x3abstractors`` and ``cont4x4diagnosis`` (contingency tables).
CONT3X3 = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
CONT4X4 = [[40, 4, 4, 17], [6, 25, 2, 13], [4, 1, 21, 12], [15, 5, 9, 45]]
#: The custom weight matrices of irrCAC's Python tests.
CUSTOM5 = [[1.00, 0.75, 0.50, 0.25, 0.00], [0.00, 1.00, 0.75, 0.50, 0.25],
           [0.25, 0.00, 1.00, 0.75, 0.50], [0.50, 0.25, 0.00, 1.00, 0.75],
           [0.75, 0.50, 0.25, 0.00, 1.00]]
CUSTOM4 = [[1.00, 0.67, 0.33, 0.00], [0.00, 1.00, 0.67, 0.33], [0.00, 0.00, 1.00, 0.67],
           [0.33, 0.00, 0.00, 1.00]]


@pytest.mark.parametrize(("kind", "expected"), [
    # irrCAC Python port, test/unit/irrCAC/weights/test_weights.py, categories [1, 2, 3].
    ("linear", [[1, .5, 0], [.5, 1, .5], [0, .5, 1]]),
    ("quadratic", [[1, .75, 0], [.75, 1, .75], [0, .75, 1]]),
    ("ordinal", [[1, .667, 0], [.667, 1, .667], [0, .667, 1]]),
    ("radical", [[1, .293, 0], [.293, 1, .293], [0, .293, 1]]),
    ("ratio", [[1, .556, 0], [.556, 1, .84], [0, .84, 1]]),
    ("circular", [[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
    ("bipolar", [[1, .667, 0], [.667, 1, .667], [0, .667, 1]]),
])
def test_weight_families_irrcac(kind, expected):
    w = agreement_weights(kind, [1, 2, 3])
    np.testing.assert_array_equal(w.to_numpy().round(3), np.array(expected, float))
    assert list(w.index) == [1, 2, 3]


# (function, weights) -> (pa, pe, estimate, se, ci_low, ci_high, p two-sided), irrCAC Python
# port test/unit/irrCAC/raw/test_{fleiss,gwet,bp,conger}.py on cac.raw4raters.
_RAW4 = {
    ("fleiss_kappa", None): (.818, .239, .761, .153, .424, 1, .00042),
    ("fleiss_kappa", "bipolar"): (.968, .785, .853, .145, .535, 1, 1e-04),
    ("fleiss_kappa", "circular"): (.902, .494, .807, .149, .479, 1, .00021),
    ("fleiss_kappa", "linear"): (.939, .667, .818, .149, .491, 1, .00018),
    ("fleiss_kappa", "ordinal"): (.968, .788, .850, .147, .527, 1, .00012),
    ("fleiss_kappa", "quadratic"): (.975, .818, .865, .146, .544, 1, 1e-04),
    ("fleiss_kappa", "radical"): (.897, .511, .790, .150, .460, 1, 2.7e-04),
    ("fleiss_kappa", "ratio"): (.954, .743, .821, .152, .486, 1, 2.2e-04),
    ("fleiss_kappa", "custom"): (.886, .524, .761, .153, .424, 1, 4.2e-04),
    ("gwet_ac1", None): (.818, .190, .775, .143, .461, 1, .00021),
    ("gwet_ac1", "bipolar"): (.968, .682, .900, .106, .667, 1, None),
    ("gwet_ac1", "circular"): (.902, .426, .830, .133, .538, 1, 6e-5),
    ("gwet_ac1", "linear"): (.939, .571, .859, .117, .600, 1, 2e-5),
    ("gwet_ac1", "ordinal"): (.968, .685, .899, .107, .664, 1, None),
    ("gwet_ac1", "quadratic"): (.975, .714, .914, .104, .685, 1, None),
    ("gwet_ac1", "radical"): (.897, .430, .820, .128, .537, 1, 5e-05),
    ("gwet_ac1", "ratio"): (.954, .678, .857, .122, .589, 1, 2e-05),
    ("gwet_ac1", "custom"): (.886, .476, .783, .138, .479, 1, 1.5e-04),
    ("brennan_prediger", None): (.818, .200, .773, .145, .454, 1, .00012),
    ("brennan_prediger", "bipolar"): (.968, .717, .888, .112, .641, 1, 0),
    ("brennan_prediger", "circular"): (.902, .447, .824, .137, .522, 1, 4e-05),
    ("brennan_prediger", "linear"): (.939, .600, .848, .123, .577, 1, 1e-05),
    ("brennan_prediger", "ordinal"): (.968, .720, .886, .114, .636, 1, 0),
    ("brennan_prediger", "quadratic"): (.975, .750, .902, .111, .657, 1, 0),
    ("brennan_prediger", "radical"): (.897, .452, .813, .133, .520, 1, 4e-05),
    ("brennan_prediger", "ratio"): (.954, .713, .840, .132, .549, 1, 3e-05),
    ("brennan_prediger", "custom"): (.886, .500, .773, .145, .454, 1, 1.2e-04),
    ("conger_kappa", None): (.818, .233, .763, None, .435, 1, .00034),
    ("conger_kappa", "bipolar"): (.968, .796, .845, .142, .532, 1, 1e-04),
    ("conger_kappa", "circular"): (.902, .499, .805, .147, .481, 1, .0002),
    ("conger_kappa", "linear"): (.939, .675, .814, .145, .494, 1, .00016),
    ("conger_kappa", "ordinal"): (.968, .796, .844, .144, .526, 1, .00011),
    ("conger_kappa", "quadratic"): (.975, .827, .858, .144, .541, 1, 9e-05),
    ("conger_kappa", "radical"): (.897, .515, .788, .146, .466, 1, 2.2e-04),
    ("conger_kappa", "ratio"): (.954, .756, .812, .149, .485, 1, 2e-04),
    ("conger_kappa", "custom"): (.886, .521, .763, .149, .435, 1, 3.4e-04),
}


def _row(table, name):
    name = "gwet_ac2" if name == "gwet_ac1" and name not in set(table["coefficient"]) else name
    return table.set_index("coefficient").loc[name]


_3DP = 5e-4 + 1e-9  # "to 3 decimals" (the published values are rounded)


def _check_row(row, expected, one_sided_p=None):
    pa, pe, est, se, lo, hi, p = expected
    assert row.pa == pytest.approx(pa, abs=_3DP)
    assert row.pe == pytest.approx(pe, abs=_3DP)
    assert row.estimate == pytest.approx(est, abs=_3DP)
    if se is not None:
        assert row.se == pytest.approx(se, abs=_3DP)
    assert row.ci_low == pytest.approx(lo, abs=_3DP)
    assert row.ci_high == pytest.approx(hi, abs=_3DP)
    if p is not None:
        # irrCAC's Python port doubles R's one-sided p value, except for Brennan-Prediger.
        got = one_sided_p if row.name == "brennan_prediger" else row.p_value
        assert got == pytest.approx(p, abs=5e-6)


def _check_table(data, expected, weights=None):
    table = agreement_coefficients(data, weights=weights).set_index("coefficient")
    greater = agreement_coefficients(data, weights=weights,
                                     alternative="greater").set_index("coefficient")
    for name, values in expected.items():
        name = "gwet_ac2" if name == "gwet_ac1" and weights is not None else name
        _check_row(table.loc[name], values, greater.loc[name, "p_value"])
    return table


@pytest.mark.parametrize(("fn", "weights"), list(_RAW4), ids=[f"{f}-{w}" for f, w in _RAW4])
def test_irrcac_raw4raters_weighted_with_inference(fn, weights):
    w = CUSTOM5 if weights == "custom" else weights
    table = _check_table(RAW4RATERS, {fn: _RAW4[fn, weights]}, w).reset_index()
    # The scalar function gives the same estimate.
    scalar = {"fleiss_kappa": fleiss_kappa, "gwet_ac1": gwet_ac1,
              "brennan_prediger": brennan_prediger, "conger_kappa": conger_kappa}[fn]
    assert scalar(RAW4RATERS, weights=w) == pytest.approx(_row(table, fn).estimate)
    if fn == "gwet_ac1" and w is not None:  # AC2 under its own name
        assert gwet_ac2(RAW4RATERS, weights=w) == pytest.approx(_RAW4[fn, weights][2],
                                                                abs=_3DP)
    assert percent_agreement(RAW4RATERS, weights=w) == pytest.approx(_RAW4[fn, weights][0],
                                                                     abs=5e-4)


def test_irrcac_readme_raw4raters_more_digits():
    # R irrCAC README (kgwet/irrCAC): pa.coeff.raw se 0.12561; gwet.ac1.raw pe 0.1903212,
    # 0.77544, se 0.14295, one-sided p 0.0001043605; fleiss.kappa.raw pe 0.2387153, 0.76117,
    # se 0.15302, p 0.0002095865; conger.kappa.raw pe 0.2334252, 0.76282, se 0.14917,
    # p 0.0001683533; bp.coeff.raw 0.77273, se 0.14472, p 0.0001187804; pa p 2.172686e-05.
    t = agreement_coefficients(RAW4RATERS, alternative="greater").set_index("coefficient")
    assert round(t.loc["percent_agreement", "se"], 5) == 0.12561
    assert t.loc["percent_agreement", "p_value"] == pytest.approx(2.172686e-05, rel=1e-5)
    for name, pe, est, se, p in [("gwet_ac1", 0.1903212, 0.77544, 0.14295, 0.0001043605),
                                 ("fleiss_kappa", 0.2387153, 0.76117, 0.15302, 0.0002095865),
                                 ("conger_kappa", 0.2334252, 0.76282, 0.14917, 0.0001683533),
                                 ("brennan_prediger", 0.2, 0.77273, 0.14472, 0.0001187804)]:
        row = t.loc[name]
        assert round(row.pe, 7) == pytest.approx(pe)
        assert round(row.estimate, 5) == pytest.approx(est)
        assert round(row.se, 5) == pytest.approx(se)
        assert row.p_value == pytest.approx(p, rel=1e-5)
    assert round(conger_kappa(RAW4RATERS), 5) == 0.76282


@pytest.mark.parametrize(("data", "expected"), [
    # irrCAC Python port, raw tests on cac.raw5obser, cac.raw.g1g2 and cac.ben.gerry:
    # (pa, pe, estimate, se, ci_low, ci_high, p) for Fleiss, Gwet, BP, Conger. (Its
    # cac.raw.gender values do not follow from the data it ships, pa 0.456 vs 0.422 by hand,
    # so that case is not used.)
    (RAW5OBSERVERS, {"fleiss_kappa": (.616, .291, .458, .120, .199, .716, .00195),
                     "gwet_ac1": (.616, .236, .497, .122, .235, .758, .00114),
                     "brennan_prediger": (.616, .250, .487, .121, .228, .747, .00062),
                     "conger_kappa": (.616, .276, .469, .117, .219, .719, .00126)}),
    (RAW_G1G2, {"fleiss_kappa": (.744, .252, .657, .150, .333, .981, .00074),
                "gwet_ac1": (.744, .187, .685, .134, .396, .973, .00019),
                "brennan_prediger": (.744, .200, .679, .136, .385, .974, .00012),
                "conger_kappa": (.744, .249, .659, .146, .343, .974, .00059)}),
    (RAW_BEN_GERRY, {"fleiss_kappa": (.727, .222, .649, .191, .228, 1, .00599),
                     "gwet_ac1": (.727, .194, .661, .184, .257, 1, .00420),
                     "brennan_prediger": (.727, .200, .659, .185, .251, 1, .00225),
                     "conger_kappa": (.727, .205, .657, .179, .262, 1, .00374)}),
], ids=["raw5obser", "g1g2", "ben_gerry"])
def test_irrcac_raw_datasets(data, expected):
    _check_table(data, expected)


@pytest.mark.parametrize(("weights", "expected"), [
    # irrCAC Python port, test/unit/irrCAC/table/test_{cohen,scott,gwet,brennan_prediger,pa}.py
    # on cont3x3abstractors: estimates (cohen, scott, gwet, bp, pa).
    (None, (.796, .796, .849, .835, .890)),
    ("bipolar", (.872, .872, .925, .901, .963)),
    ("circular", (.796, .796, .849, .835, .890)),
    ("linear", (.843, .843, .900, .876, .945)),
    ("ordinal", (.872, .872, .925, .901, .963)),
    ("quadratic", (.892, .892, .940, .918, .972)),
    ("radical", (.819, .819, .875, .855, .922)),
    ("ratio", (.927, .927, .963, .951, .982)),
])
def test_irrcac_cont3x3_weighted_estimates(weights, expected):
    r = _expand_crosstab(CONT3X3)
    got = (cohen_kappa(r, weights=weights), scott_pi(r, weights=weights),
           gwet_ac1(r, weights=weights), brennan_prediger(r, weights=weights),
           percent_agreement(r, weights=weights))
    assert got == pytest.approx(expected, abs=_3DP)


@pytest.mark.parametrize(("weights", "cohen", "scott"), [
    # irrCAC Python port, table tests on cont4x4diagnosis: (estimate, se, ci_low, ci_high).
    (None, (.432, .046, .341, .522), (.430, .046, .339, .521)),
    ("bipolar", (.387, .061, .267, .507), (.386, .061, .265, .506)),
    ("circular", (.446, .049, .350, .542), (.444, .049, .347, .541)),
    ("linear", (.407, .053, .302, .512), (.406, .054, .300, .511)),
    ("ordinal", (.390, .062, .269, .512), (.389, .062, .267, .511)),
    ("quadratic", (.383, .066, .254, .513), (.382, .066, .252, .512)),
    ("radical", (.419, .048, .324, .515), (.418, .049, .322, .514)),
    ("ratio", (.413, .063, .288, .538), (.412, .063, .287, .538)),
    # Custom (asymmetric) weights: estimates only. The port transposes the weights in its
    # table variances (``(W * p).sum(axis=0)``), which differs from R irrCAC's
    # ``weights %*% p.l`` when the matrix is not symmetric; we follow R.
    ("custom", (.439, None, None, None), (.441, None, None, None)),
])
def test_irrcac_cont4x4_cohen_and_scott_with_se(weights, cohen, scott):
    w = CUSTOM4 if weights == "custom" else weights
    t = agreement_coefficients(_expand_crosstab(CONT4X4), weights=w).set_index("coefficient")
    for name, expected in [("cohen_kappa", cohen), ("scott_pi", scott)]:
        row = t.loc[name]
        got = (row.estimate, row.se, row.ci_low, row.ci_high)
        for g, e in zip(got, expected, strict=True):
            if e is not None:
                assert g == pytest.approx(e, abs=_3DP), name


def test_irrcac_readme_cont3x3_standard_errors():
    # R irrCAC README: kappa2.table 0.7964094 (se 0.05891072), scott2.table 0.7962397
    # (se 0.05905473).
    t = agreement_coefficients(_expand_crosstab(CONT3X3)).set_index("coefficient")
    assert round(t.loc["cohen_kappa", "estimate"], 7) == 0.7964094
    assert round(t.loc["cohen_kappa", "se"], 8) == 0.05891072
    assert round(t.loc["scott_pi", "estimate"], 7) == 0.7962397
    assert round(t.loc["scott_pi", "se"], 8) == 0.05905473


@pytest.mark.parametrize(("weights", "expected"), [
    # SAS PROC FREQ AGREE printout in statsmodels' test_inter_rater.py (table10):
    # kappa, ASE, 95% limits, ASE under H0, Z, one-sided p, two-sided p.
    (None, (0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626, 0.0006, 0.0011)),
    ("linear", (0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 3.2971, 0.0005, 0.0010)),
])
def test_cohen_asymptotic_sas(weights, expected):
    r = _expand_crosstab([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    two = _row(agreement_coefficients(r, weights=weights, method="asymptotic"), "cohen_kappa")
    one = _row(agreement_coefficients(r, weights=weights, method="asymptotic",
                                      alternative="greater"), "cohen_kappa")
    got = (two.estimate, two.se, two.ci_low, two.ci_high, two.se_h0, two.statistic,
           one.p_value, two.p_value)
    assert tuple(round(v, 4) for v in got) == pytest.approx(expected)


@pytest.mark.parametrize("fn", [percent_agreement, fleiss_kappa, gwet_ac1, conger_kappa,
                                brennan_prediger, scott_pi, cohen_kappa, gwet_ac2])
def test_agreement_of_a_table_without_ratings_says_why(fn):
    """Session 13 repro 1: a table with no rating at all raised numpy's "need at least one
    array to stack" from five of these; every one now says what cohen_kappa says. The
    three-coder case says "two or more coders"."""
    two = pd.DataFrame({"A": [N, N], "B": [N, N]})
    with pytest.raises(ValueError, match="is undefined: no unit was rated by both coders"):
        fn(two)
    if fn not in (cohen_kappa, scott_pi):
        with pytest.raises(ValueError, match="no unit was rated by two or more coders"):
            fn(pd.DataFrame({"A": [1, N], "B": [N, 2], "C": [N, N]}))


def test_asymptotic_interval_is_capped_at_one_like_gwets():
    """Session 13 repro 3: linearly weighted Cohen's kappa 0.816, Fleiss-Cohen-Everitt se
    0.098, gave the asymptotic ci_high 0.816 + 1.96 * 0.098 = 1.009 > 1, the largest value
    kappa can take; the gwet method caps it at 1 (as irrCAC). Now both do; ci_low is the
    unchanged estimate - z se."""
    from scipy.stats import norm

    r = pd.DataFrame({"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, 5, 3, 4],
                      "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 4, 3]})
    row = _row(agreement_coefficients(r, method="asymptotic", weights="linear",
                                      categories=[1, 2, 3, 4, 5]), "cohen_kappa")
    assert row.estimate + norm.ppf(0.975) * row.se > 1  # the case in question
    assert row.ci_high == 1.0
    assert row.ci_low == pytest.approx(row.estimate - norm.ppf(0.975) * row.se)


@pytest.mark.parametrize(("weights", "z", "p"), [
    # R irr::kappa2(anxiety[, 2:3], ...), recorded in statsmodels' test_inter_rater.py:
    # unweighted z -0.0604067 p 0.9518317; "equal" z 1.282472 p 0.1996772; "squared"
    # z 1.437451 p 0.1505898.
    (None, -0.0604067, 0.9518317), ("linear", 1.282472, 0.1996772),
    ("quadratic", 1.437451, 0.1505898),
])
def test_cohen_asymptotic_irr_anxiety(weights, z, p):
    from statsmodels.stats.tests.test_inter_rater import anxiety

    with pytest.warns(CategoryWarning, match="unused value"):
        row = _row(agreement_coefficients(anxiety[:, 1:3], weights=weights,
                                          method="asymptotic"), "cohen_kappa")
    assert row.statistic == pytest.approx(z, abs=1e-5)
    assert row.p_value == pytest.approx(p, abs=1e-6)


def test_fleiss_asymptotic_irr_diagnoses():
    # R irr::kappam.fleiss(diagnoses): Kappa 0.4302445, z = 17.65183 (recorded in statsmodels'
    # test_inter_rater.py).
    from statsmodels.stats.tests.test_inter_rater import diagnoses

    row = _row(agreement_coefficients(diagnoses, method="asymptotic"), "fleiss_kappa")
    assert round(row.estimate, 7) == 0.4302445
    assert round(row.statistic, 5) == 17.65183
    assert np.isnan(row.se) and np.isnan(row.ci_low)


def test_cohen_missing_both_versus_gwet():
    # Two coders with a missing rating: "both" drops the unit (R irr::kappa2); "gwet" keeps
    # each coder's own distribution (Gwet 2014) and equals Conger's kappa, checked against
    # irrCAC's conger.kappa.raw on cac.ben.gerry: 0.657 (pe 0.205). Without missing ratings
    # they coincide.
    assert round(cohen_kappa(RAW_BEN_GERRY, missing="gwet"), 3) == 0.657
    both = RAW_BEN_GERRY[[i for i in range(12) if i != 9]]
    assert cohen_kappa(RAW_BEN_GERRY) == pytest.approx(cohen_kappa(both))
    assert cohen_kappa(RAW_BEN_GERRY) != pytest.approx(cohen_kappa(RAW_BEN_GERRY,
                                                                   missing="gwet"))
    assert cohen_kappa(both, missing="gwet") == pytest.approx(cohen_kappa(both))
    with pytest.raises(ValueError, match="missing must be"):
        cohen_kappa(both, missing="pairwise")


def test_cohen_custom_weights_and_families_match_statsmodels():
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.array(CONT4X4, float)
    r = _expand_crosstab(CONT4X4)
    # statsmodels takes disagreement weights: 1 - agreement weights.
    v = 1 - np.array(CUSTOM4)
    assert cohen_kappa(r, weights=CUSTOM4) == pytest.approx(
        cohens_kappa(table, weights=v, return_results=False))
    for kind in WEIGHTS:
        w = agreement_weights(kind, range(4)).to_numpy()
        assert cohen_kappa(r, weights=kind) == pytest.approx(
            cohens_kappa(table, weights=1 - w, return_results=False)), kind


@pytest.mark.parametrize(("level", "expected"), [
    # irrCAC krippen.alpha.raw on cac.raw4raters with weights (Python port, raw tests):
    # Krippendorff's alpha with delta^2 = 1 - w: circular 0.790, bipolar 0.835; and the
    # quadratic (0.849) and ratio (0.797) weights are the interval and ratio metrics.
    ("circular", 0.790), ("bipolar", 0.835), ("interval", 0.849), ("ratio", 0.797),
])
def test_alpha_circular_bipolar_irrcac(level, expected):
    assert round(krippendorff_alpha(RAW4RATERS, level=level), 3) == expected


@pytest.mark.parametrize(("metric", "expected"), [
    # A custom difference function equal to irrCAC's linear and radical weights (delta^2 =
    # |c - k| and sqrt|c - k|, up to scale): krippen.alpha.raw 0.800 and 0.772.
    (lambda a, b: np.abs(a - b), 0.800), (lambda a, b: np.sqrt(np.abs(a - b)), 0.772),
])
def test_alpha_custom_difference_function(metric, expected):
    assert round(krippendorff_alpha(RAW4RATERS, level=metric), 3) == expected
    d = krippendorff_alpha_details(RAW4RATERS, level=metric, n_boot=50)
    assert d.level == "<lambda>" and np.isfinite(d.ci_low)


def test_alpha_custom_difference_function_checked():
    with pytest.raises(ValueError, match="symmetric"):
        krippendorff_alpha(RAW4RATERS, level=lambda a, b: a - b)
    with pytest.raises(ValueError, match="failed on the category values"):
        krippendorff_alpha(RAW4RATERS, level=lambda a, b: 1 / 0)
    # Labels work too: a distance between words.
    words = [["low", "low"], ["mid", "high"], ["high", "high"], ["low", "mid"]]
    rank = {"low": 0, "mid": 1, "high": 2}
    rank_of = np.vectorize(rank.get)
    assert krippendorff_alpha(words, level=lambda a, b: (rank_of(a) - rank_of(b)) ** 2) == \
        pytest.approx(krippendorff_alpha([[0, 0], [1, 2], [2, 2], [0, 1]], level="interval"))


def test_alpha_circular_uses_declared_scale_ends():
    # Days of the week 1..7, day 7 never used: the circle has 7 points, not 6.
    r = [[1, 6], [2, 2], [3, 4], [5, 5], [6, 1], [4, 4]]
    full = krippendorff_alpha(r, level="circular", categories=range(1, 8))
    assert full != pytest.approx(krippendorff_alpha(r, level="circular"))
    assert full == pytest.approx(krippendorff_alpha(
        r, level=lambda a, b: np.sin(np.pi * (a - b) / 7) ** 2))


def test_icc_shrout_fleiss_1979():
    # Shrout & Fleiss (1979), Table 2 data (6 targets x 4 judges) and Table 4:
    # ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
    data = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    t = icc(pd.DataFrame(data, columns=list("ABCD"))).set_index("form")
    assert t["icc"].round(2).to_dict() == {"ICC1": 0.17, "ICC2": 0.29, "ICC3": 0.71,
                                           "ICC1k": 0.44, "ICC2k": 0.62, "ICC3k": 0.91}
    assert (t["ci_low"] < t["icc"]).all() and (t["icc"] < t["ci_high"]).all()
    # The ICC(1,1) interval by hand (Shrout & Fleiss 1979, eq. 6): F = BMS / WMS with 5 and
    # 18 df; F_L = F / F_.975(5, 18), F_U = F * F_.975(18, 5); bound = (F - 1) / (F + k - 1).
    # Unrounded: pingouin itself rounds its CI95 column to 2 places.
    from scipy.stats import f as f_dist

    x = np.array(data, float)
    n, k = x.shape
    bms = k * ((x.mean(axis=1) - x.mean()) ** 2).sum() / (n - 1)
    wms = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum() / (n * (k - 1))
    f_l = bms / wms / f_dist.ppf(0.975, n - 1, n * (k - 1))
    f_u = bms / wms * f_dist.ppf(0.975, n * (k - 1), n - 1)
    assert t.loc["ICC1", "ci_low"] == pytest.approx((f_l - 1) / (f_l + k - 1), abs=1e-12)
    assert t.loc["ICC1", "ci_high"] == pytest.approx((f_u - 1) / (f_u + k - 1), abs=1e-12)
    import pingouin

    assert pingouin.options["round.column.CI95"] == 2  # pingouin's settings are restored
    gap = np.array(data, float)
    gap[0, 1] = np.nan
    assert icc(gap).attrs["n_units_excluded"] == 1


def test_icc_average_rater_interval_stays_coherent_below_the_pole():
    """Session 13 repro 2: 2 coders, 4 units, coder 2 constant: pingouin's ICC(A,1) lower
    bound is -1.08, below -1/(k-1) = -1, and Spearman-Brown x k / (1 + (k - 1) x) (McGraw &
    Wong 1996, Table 7) through its pole turned it into ICC(A,k) ci_low = +26.5 > ci_high.
    The bound at the pole maps to -inf; the upper bound is Spearman-Brown of ICC2's, by
    hand; the note says why."""
    t = icc(pd.DataFrame({"c1": [1, 2, 3, 4], "c2": [2, 2, 2, 2]})).set_index("form")
    low2, high2 = t.loc["ICC2", ["ci_low", "ci_high"]]
    assert low2 < -1  # the case in question: a single-rater bound below -1/(k-1)
    assert t.loc["ICC2k", "ci_low"] == -np.inf
    assert t.loc["ICC2k", "ci_high"] == pytest.approx(2 * high2 / (1 + high2))
    assert "no finite lower bound" in t.loc["ICC2k", "note"]
    assert "-1/(k-1) = -1" in t.loc["ICC2k", "note"]
    # every interval holds its estimate; 5 units and 2 coders who disagree: the same
    r2 = icc(pd.DataFrame({"c1": [3, 1, 4, 2, 5], "c2": [2, 4, 1, 5, 3]}))
    for tab in (t, r2):
        assert (tab["ci_low"] <= tab["icc"]).all() and (tab["icc"] <= tab["ci_high"]).all()
    # an ordinary case is untouched: Spearman-Brown of ICC2's bounds, no note
    data = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    sf = icc(data).set_index("form")
    single = sf.loc["ICC2", ["ci_low", "ci_high"]].to_numpy()
    assert sf.loc["ICC2k", ["ci_low", "ci_high"]].to_numpy() == pytest.approx(
        4 * single / (1 + 3 * single))
    assert sf.loc["ICC2k", "note"] == ""


def test_icc_refuses_an_infinite_rating_and_keeps_pingouins_warning_in():
    """Session 13 repro 6: an inf rating made every ICC NaN with the untrue note "each coder
    gives every unit the same rating"; refused by name as krippendorff_alpha does. Repro 11:
    pingouin's own pandas deprecation notice (dropna inplace) no longer reaches the user."""
    import warnings

    with pytest.raises(ValueError, match=r"ratings hold an infinite value \(inf\) at unit 3, "
                                         r"coder 0; icc needs finite numbers"):
        icc(pd.DataFrame({"a": [1.0, 2, 3, np.inf], "b": [1.0, 2, 4, 5]}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6]])
    assert not [w for w in caught if "inplace" in str(w.message)], caught


def test_kendall_w_hand_computed_and_ties():
    # Hand computation: 3 coders rank 4 units without ties; rank sums 4, 6, 8, 12, mean 7.5,
    # S = 12.25 + 2.25 + 0.25 + 20.25 = 35; W = 12 S / (m^2 (n^3 - n)) = 420 / 540 = 0.7778;
    # chi2 = m (n - 1) W = 7.0, 3 df.
    t = kendall_w([[1, 1, 2], [2, 3, 1], [3, 2, 3], [4, 4, 4]])
    assert t.loc[0, "w"] == pytest.approx(420 / 540)
    assert t.loc[0, "chi2"] == pytest.approx(7.0) and t.loc[0, "dof"] == 3
    # With ties the tie-corrected W equals Friedman's statistic / (m (n - 1)) (scipy).
    from scipy.stats import friedmanchisquare

    r = np.array([[1, 2, 2], [2, 2, 1], [3, 3, 3], [3, 5, 4], [5, 4, 4]], float)
    stat = friedmanchisquare(*r).statistic
    assert kendall_w(r).loc[0, "w"] == pytest.approx(stat / (3 * (5 - 1)))


def test_icc_and_kendall_w_of_ratings_that_never_vary_say_why():
    """Exploratory stats report, repro 6: ratings that never vary gave NaN with only
    pingouin's "invalid value encountered in scalar divide". By hand (Shrout & Fleiss 1979):
    every mean square is 0, so each ICC is 0/0 and F = BMS / EMS = 0/0; Kendall's W has the
    denominator m^2 (n^3 - n) - m sum T_j = 4 * 24 - 2 * 2 * 24 = 0 when each coder ties all
    n = 3 units (T_j = 3^3 - 3 = 24). NaN with the reason in ``note``, no numpy warning."""
    import warnings

    flat = pd.DataFrame({"a": [2, 2, 2], "b": [2, 2, 2]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # numpy's 0/0 (pingouin's own
        # pandas deprecation notices are not ours)
        w = kendall_w(flat)
        t = icc(flat)
    assert np.isnan(w.loc[0, "w"]) and np.isnan(w.loc[0, "p_value"])
    assert "every coder gives every unit the same rating" in w.loc[0, "note"]
    assert list(t.columns) == ICC_COLUMNS and t["icc"].isna().all() and t["f"].isna().all()
    assert (t["note"] == "every rating is the same (2): there is no variance between or "
            "within units, so every ICC is 0/0").all()
    # each coder constant, the coders apart (1 and 3): BMS = EMS = 0 and WMS = 2, so by hand
    # ICC(1,1) = (0 - 2) / (0 + 2) = -1 is defined, ICC(C,1) = (0 - 0) / (0 + 0) is not;
    # W is 0/0 again (every coder ties all units)
    apart = pd.DataFrame({"a": [1, 1, 1], "b": [3, 3, 3]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        w = kendall_w(apart)
        t = icc(apart).set_index("form")
    assert np.isnan(w.loc[0, "w"]) and "all ranks tied" in w.loc[0, "note"]
    assert t.loc["ICC1", "icc"] == pytest.approx(-1.0) and t.loc["ICC1", "note"] == ""
    assert np.isnan(t.loc["ICC3", "icc"])
    assert "each coder gives every unit the same rating" in t.loc["ICC3", "note"]
    # ordinary ratings: an empty note
    ok = [[1, 1, 2], [2, 3, 1], [3, 2, 3], [4, 4, 4]]
    assert kendall_w(ok).loc[0, "note"] == "" and (icc(ok)["note"] == "").all()


def test_weighted_needs_ordered_categories_and_checks_custom_shape():
    with pytest.raises(ValueError, match="ordered categories"):
        fleiss_kappa([["a", "b"], ["b", "b"]], weights="linear")
    assert fleiss_kappa([["a", "b"], ["b", "b"], ["a", "a"]], weights="linear",
                        categories=["a", "b"]) == pytest.approx(
        fleiss_kappa([[1, 2], [2, 2], [1, 1]], weights="linear"))
    with pytest.raises(ValueError, match="must be 3 x 3"):
        gwet_ac1([[1, 2], [2, 3]], weights=np.eye(2))
    with pytest.raises(ValueError, match=r"^weights must be one of 'linear', .*'bipolar' "
                                         r"\(or None, or a 5 x 5 matrix of agreement "
                                         r"weights\), got 'cubic'$"):
        gwet_ac2(RAW4RATERS, weights="cubic")
    with pytest.raises(ValueError, match="gwet_ac2 needs weights"):
        gwet_ac2(RAW4RATERS, weights=None)
    with pytest.raises(ValueError, match="method must be"):
        agreement_coefficients(RAW4RATERS, method="jackknife")
    with pytest.raises(ValueError, match="alternative must be"):
        agreement_coefficients(RAW4RATERS, alternative="less")


def test_scott_pi_is_fleiss_for_two_complete_coders():
    r = _expand_crosstab(CONT4X4)
    assert scott_pi(r) == pytest.approx(fleiss_kappa(r))
    with pytest.raises(ValueError, match="exactly two coders"):
        scott_pi(RAW4RATERS)


# --------------------------------------------------------------------------- issue 14 items

def test_issue14_item2_text_numbers_and_blanks_are_the_same_categories():
    # One coder's column read as text: 1 and "1" must be one category (alpha 0.782 on the
    # numbers; the former code gave -0.108), "" is missing, and an object column of numbers
    # with None is numeric for interval alpha (was refused as "non-numeric").
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, 4, 3, 2]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 4, 3, 3]
    numeric = pd.DataFrame({"A": a, "B": b})
    expected = krippendorff_alpha(numeric)
    assert round(expected, 3) == 0.782
    text = pd.DataFrame({"A": a, "B": [str(v) for v in b]})
    assert krippendorff_alpha(text) == pytest.approx(expected)
    assert fleiss_kappa(text) == pytest.approx(fleiss_kappa(numeric))
    assert cohen_kappa(text) == pytest.approx(cohen_kappa(numeric))
    blank = pd.DataFrame({"A": [*a, 2], "B": [*(f" {v} " for v in b), ""]})
    assert krippendorff_alpha(blank) == pytest.approx(expected)
    assert krippendorff_alpha_details(blank).n_excluded_units == 1
    objects = pd.DataFrame({"A": pd.Series([*a, 2], dtype=object),
                            "B": pd.Series([*b, None], dtype=object)})
    assert krippendorff_alpha(objects, level="interval") == pytest.approx(
        krippendorff_alpha(numeric, level="interval"))
    # Labels mixed with numbers: numbers become their text, so 1 and "1" still match.
    mixed = [["x", 1], ["1", "x"], [1.0, "1"], ["y", "y"]]
    assert percent_agreement(mixed) == pytest.approx(0.5)


def test_issue14_item9_unused_scale_point_is_warned_and_declared():
    # Two coders on a 1-4 scale; nobody used 3. With the categories taken from the ratings,
    # 2 and 4 are neighbours and linear kappa is 0.588; with the whole scale it is 0.500.
    r = np.array([[2, 2], [4, 4], [2, 2], [2, 4], [2, 2], [2, 4], [1, 1]], float)
    with pytest.warns(CategoryWarning, match=r"unused value\(s\) 3 .*categories="):
        assert round(cohen_kappa(r, weights="linear"), 3) == 0.588
    import warnings

    from citra_eval import Instrument

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert round(cohen_kappa(r, weights="linear", categories=[1, 2, 3, 4]), 3) == 0.5
        scale = Instrument(name="x", min=1, max=4, scales={})
        assert round(cohen_kappa(r, weights="linear", categories=scale), 3) == 0.5
        assert cohen_kappa(r) == pytest.approx(cohen_kappa(r, categories=[1, 2, 3, 4]))
    # AC1 and Brennan-Prediger depend on the number of categories, so they warn too.
    with pytest.warns(CategoryWarning):
        gwet_ac1(r)
    with pytest.warns(CategoryWarning):
        brennan_prediger(r)
    assert gwet_ac1(r, categories=[1, 2, 3, 4]) != pytest.approx(
        gwet_ac1(r[:, ::-1], categories=[1, 2, 4]))


def test_issue14_item13_unit_bootstrap_is_not_kalpha():
    # The unit bootstrap recomputes D_e in every replicate; Hayes & Krippendorff's KALPHA
    # holds D_e at its full-sample value. With two coders and no missing data the intervals
    # still differ, and the docstring must not claim otherwise.
    r = _expand_crosstab([[20, 5, 1], [4, 15, 3], [1, 2, 9]])
    n_boot, seed = 500, 3
    d = krippendorff_alpha_details(r, n_boot=n_boot, seed=seed)
    draws = np.random.default_rng(seed).integers(0, len(r), (n_boot, len(r)))
    fixed = []
    for rows in draws:
        boot = krippendorff_alpha_details(r[rows])
        fixed.append(1 - boot.observed_disagreement / d.expected_disagreement)
    assert (d.ci_low, d.ci_high) != pytest.approx(
        (np.quantile(fixed, 0.025), np.quantile(fixed, 0.975)), abs=1e-4)
    doc = " ".join(krippendorff_alpha_details.__doc__.split())
    assert "the two coincide" not in doc
    assert "holds the expected disagreement ``D_e`` at its full-sample value" in doc
    assert "nested" in doc


def test_interval_alpha_refuses_an_infinite_rating():
    """Stats report 16: an inf rating gave "every pairable value is the same ([1.0, 2.0, 3.0,
    inf])", which is untrue; the message now names the infinite value and where it is."""
    with pytest.raises(ValueError, match=r"ratings hold an infinite value \(inf\) at unit 2, "
                                         r"coder 1; a rating at level='interval' must be a "
                                         r"finite number"):
        krippendorff_alpha([[1, 2], [2, 3], [3, np.inf]], level="interval")


_CODINGS = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "segment_id": [1, 2, 1],
                         "start": [0, 5, 0], "end": [4, 9, 3], "code": ["a", "b", "a"],
                         "coder": ["x", "y", "x"], "text": ["abcd", "efgh", "abc"]})


@pytest.mark.parametrize("func", [krippendorff_alpha, fleiss_kappa, gwet_ac1, percent_agreement,
                                  conger_kappa, cohen_kappa])
def test_ratings_refuse_a_codings_table(func):
    from citra_eval import InputError

    with pytest.raises(InputError, match=r"codings table.*ce\.agreement\(codings, corpus"):
        func(_CODINGS)


@pytest.mark.parametrize("column", ["unit", "Unit_ID", "id", "doc_id", "segment_id",
                                    "respondent"])
def test_ratings_refuse_an_id_column(column):
    from citra_eval import InputError

    r = pd.DataFrame({column: ["u1", "u2", "u3", "u4"], "a": [0, 1, 0, 0], "b": [0, 1, 0, 1]})
    with pytest.raises(InputError, match=rf"ratings\.set_index\('{column}'\)"):
        krippendorff_alpha(r)
    ok = krippendorff_alpha(r.set_index(column))
    assert ok == pytest.approx(krippendorff_alpha(r[["a", "b"]]))


def test_ratings_refuse_a_text_column_beside_numbers():
    from citra_eval import InputError

    r = pd.DataFrame({"label": ["DKS01-2", "DKS01-4", "DKS03-2"], "a": [0, 1, 0],
                      "b": [0, 1, 1]})
    with pytest.raises(InputError, match="'label' holds text"):
        fleiss_kappa(r)
    with pytest.raises(InputError, match="'when' holds dates"):
        fleiss_kappa(r[["a", "b"]].assign(when=pd.Timestamp("2024-01-01")))
    # numbers written as text, or text categories throughout, are still ratings
    assert np.isfinite(fleiss_kappa(r[["a", "b"]].assign(c=["0", "1", " 1 "])))
    assert np.isfinite(fleiss_kappa(pd.DataFrame({"a": ["y", "n", "y"], "b": ["y", "n", "n"]})))


def test_cohen_kappa_more_coders_names_agreement():
    with pytest.raises(ValueError, match=r"ce\.agreement\(codings, corpus=corpus\)"):
        cohen_kappa([[1, 2, 1], [2, 2, 1]])
