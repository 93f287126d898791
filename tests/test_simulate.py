"""The survey simulation: determinism, settings from a file, the example's shipped files,
recovery of the truth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import citra_eval as ce
from citra_eval import simulate

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = ROOT / "data" / "raw" / "instrument.yaml"
RESPONSES = ROOT / "data" / "raw" / "survey_responses.csv"
TRUTH = ROOT / "data" / "raw" / "survey_truth.yaml"
SETTINGS = ROOT / "data" / "raw" / "survey_simulation.yaml"


@pytest.fixture(scope="module")
def inst():
    return ce.Instrument.load(INSTRUMENT)


@pytest.fixture(scope="module")
def settings():
    return ce.SimulationSettings.load(SETTINGS, key="simulation")


@pytest.fixture(scope="module")
def truth():
    return yaml.safe_load(TRUTH.read_text(encoding="utf-8"))


def test_seeded_and_deterministic(inst, settings):
    a = ce.simulate_survey(inst, settings, n=120, seed=5)
    assert a.equals(ce.simulate_survey(inst, settings, n=120, seed=5))
    assert not a.equals(ce.simulate_survey(inst, settings, n=120, seed=6))
    assert a["respondent_id"].tolist()[:2] == ["R0001", "R0002"]
    items = a[inst.item_names]
    assert set(np.unique(items.dropna())) <= {1.0, 2.0, 3.0, 4.0, 5.0}


def test_same_seed_same_respondents_whatever_the_machines_lapack(inst, settings, monkeypatch):
    """The latents' correlation matrix has one eigenvalue many times, so an SVD's vectors
    (numpy's default factor for multivariate_normal) are any rotation LAPACK picks: another
    processor gave other respondents for the same seed. A machine whose SVD returns another
    basis of that eigenspace must give the same data."""
    a = ce.simulate_survey(inst, settings, n=60, seed=3)
    svd = np.linalg.svd

    def other_basis(m, *args, **kwargs):
        u, s, vh = svd(m, *args, **kwargs)
        return -u, s, -vh  # as valid a decomposition, other draws if it were used

    monkeypatch.setattr(np.linalg, "svd", other_basis)
    pd.testing.assert_frame_equal(a, ce.simulate_survey(inst, settings, n=60, seed=3))


def test_data_problems_are_present(inst, settings):
    sim = ce.simulate_survey(inst, settings, n=4000, seed=2)
    items = sim[inst.item_names]
    assert items.isna().to_numpy().mean() == pytest.approx(0.02, abs=0.004)
    straight = items.nunique(axis=1) == 1
    assert straight.mean() == pytest.approx(0.015, abs=0.008)
    none = ce.simulate_survey(inst, settings, n=500, seed=2, missing_rate=0,
                              straightliner_rate=0)
    assert not none[inst.item_names].isna().any().any()


def test_demographics_follow_the_settings(inst, settings):
    """Independent columns follow their probabilities; a conditional column its given one."""
    sim = ce.simulate_survey(inst, settings, n=20_000, seed=3)
    for col, probs in settings.demographics.items():
        if col in sim:
            share = sim[col].value_counts(normalize=True)
            for level, p in probs.items():
                assert share[level] == pytest.approx(p, abs=0.015), (col, level)
    spec = settings.conditional["used_online_service"]
    for given, probs in spec["probabilities"].items():
        rows = sim[sim[spec["given"]] == given]
        assert (rows["used_online_service"] == "Ya").mean() == pytest.approx(probs["Ya"],
                                                                             abs=0.03)


def test_no_study_in_the_library():
    """The library knows no study: without settings nothing is simulated."""
    assert ce.SimulationSettings().demographics == {}
    assert ce.SimulationSettings().image_effects == {}
    code = [ln for ln in Path(simulate.__file__).read_text(encoding="utf-8").splitlines()
            if not ln.lstrip().startswith((">>>", "..."))]  # doctests run on the example
    for name in ("Banjarmasin", "district", "CITRA", "used_online_service", '"TK"', '"KS"'):
        assert not any(name in ln for ln in code), name


def test_another_instrument_with_its_own_settings():
    """A 4-point instrument with other scales and demographics, simulated from its settings."""
    inst = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 4}, "id_column": "no", "demographics": ["unit"],
        "scales": {"LAYANAN": {"items": ["l1", "l2"], "role": "strategy"},
                   "PERSEPSI": {"items": ["p1", "p2", "p3"], "role": "image"}}})
    s = ce.SimulationSettings.from_dict({
        "demographics": {"unit": {"IGD": 0.5, "Rawat inap": 0.5}},
        "image_effects": {"LAYANAN": 0.5}, "group_effects": {"unit": {"IGD": -0.5}}})
    sim = ce.simulate_survey(inst, s, n=3000, seed=0, missing_rate=0, straightliner_rate=0)
    assert list(sim.columns) == ["no", "unit", "l1", "l2", "p1", "p2", "p3"]
    assert set(np.unique(sim[["l1", "p1"]])) <= {1.0, 2.0, 3.0, 4.0}
    scores = ce.score_scales(sim, inst)
    by_unit = scores.groupby(sim["unit"])["PERSEPSI"].mean()
    assert by_unit["IGD"] < by_unit["Rawat inap"]
    assert scores["LAYANAN"].corr(scores["PERSEPSI"]) > 0.2


def test_argument_errors(inst, settings):
    with pytest.raises(ValueError, match="n must be"):
        ce.simulate_survey(inst, settings, n=0, seed=1)
    with pytest.raises(ValueError, match="missing_rate"):
        ce.simulate_survey(inst, settings, missing_rate=1.5, seed=1)
    with pytest.raises(TypeError, match="settings must be"):
        ce.simulate_survey(inst, {"demographics": {}}, seed=1)
    other = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5}, "demographics": ["income"],
                                     "scales": {"I": {"items": ["i1", "i2"], "role": "image"}}})
    with pytest.raises(ValueError, match="cannot simulate demographic column"):
        ce.simulate_survey(other, settings, n=10, seed=1)


@pytest.mark.parametrize(("data", "match"), [
    ({"demografi": {}}, "unknown simulation setting"),
    ({"demographics": {"u": {"a": 0.5, "b": 0.4}}}, "summing to 1"),
    ({"demographics": {"u": {"a": 1.0}}, "conditional": {"v": {"given": "w", "probabilities":
                                                             {"a": {"x": 1.0}}}}}, "given"),
    ({"item_loading_range": [0.5, 1.2]}, "item_loading_range"),
])
def test_bad_settings_are_input_errors(data, match):
    with pytest.raises(ce.InputError, match=match):
        ce.SimulationSettings.from_dict(data)


def test_shipped_responses_are_the_documented_simulation(inst, settings, truth):
    """The CSV is exactly what the seeded simulation gives (written by the script)."""
    doc = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    assert truth["illustrative"] is True
    assert truth["seed"] == doc["seed"] and truth["n"] == doc["n"] == 400
    assert "scripts/simulate_survey.py" in truth["command"]
    shipped = ce.read_responses(RESPONSES, inst)
    again = ce.simulate_survey(inst, settings, n=truth["n"], seed=truth["seed"])
    pd.testing.assert_frame_equal(shipped.astype({c: object for c in inst.demographics}),
                                  again.astype({c: object for c in inst.demographics}),
                                  check_dtype=False)


@pytest.mark.slow
def test_truth_file_is_recomputed_exactly(inst, settings, truth):
    model = truth["model"]
    fresh = ce.survey_truth(inst, settings, seed=truth["seed"], n=truth["n"],
                            n_population=truth["n_population"], outcome=model["outcome"],
                            controls=model["controls"])
    assert fresh["standardised_effects"] == truth["standardised_effects"]
    assert fresh["group_effects_std"] == truth["group_effects_std"]
    assert fresh["group_means"] == truth["group_means"]
    assert fresh["latent_model"] == truth["latent_model"]


def test_truth_is_sensible(truth):
    eff = truth["standardised_effects"]
    latent = truth["latent_model"]["image_effects"]
    assert set(eff) == set(latent) == {"KS", "BM", "BC", "IB", "TK"}
    # order of the latent effects survives measurement: TK largest, IB (latent 0) smallest
    assert max(eff, key=eff.get) == "TK" and min(eff, key=eff.get) == "IB"
    assert abs(eff["IB"]) < 0.06
    # the observed-score effects stay close to the latent ones (measurement error pulls them
    # down, straight-liners and correlated strategies push some up)
    for s, b in latent.items():
        assert abs(eff[s] - b) < 0.06, s
    d = truth["group_effects_std"]["district"]
    assert d["Banjarmasin Tengah"] > 0.1 and d["Banjarmasin Utara"] < -0.1


def test_image_model_recovers_true_effects(inst, truth):
    """The acceptance check of the example survey: every true standardised effect lies in its
    95% confidence interval from the shipped 400 respondents."""
    resp = ce.read_responses(RESPONSES, inst)
    model = truth["model"]
    fit = ce.image_model(resp, inst, outcome=model["outcome"], controls=model["controls"],
                         robust=model["robust"]).table.set_index("term")
    for scale, value in truth["standardised_effects"].items():
        lo, hi = fit.loc[scale, ["std_ci_low", "std_ci_high"]]
        assert lo <= value <= hi, (scale, value, lo, hi)
    for column, levels in truth["group_effects_std"].items():
        for level, value in levels.items():
            lo, hi = fit.loc[f"{column}[T.{level}]", ["std_ci_low", "std_ci_high"]]
            assert lo <= value <= hi, (level, value, lo, hi)


@pytest.mark.slow
def test_interval_coverage_over_replicate_samples(inst, settings, truth):
    """The intervals are calibrated: over 40 fresh samples of 400 (independent streams), about
    95% of the 200 intervals cover the truth (a binomial 95% range is 0.92-0.98)."""
    params = simulate._item_parameters(inst, truth["seed"], settings)
    model = truth["model"]
    hits = []
    for rep in range(40):
        rng = np.random.default_rng([truth["seed"], 1000 + rep])
        sample = simulate._draw(inst, 400, rng, params, 0.02, 0.015, settings)
        fit = ce.image_model(sample, inst, outcome=model["outcome"],
                             controls=model["controls"]).table.set_index("term")
        for scale, value in truth["standardised_effects"].items():
            hits.append(fit.loc[scale, "std_ci_low"] <= value <= fit.loc[scale, "std_ci_high"])
    assert 0.88 <= np.mean(hits) <= 0.995


@pytest.mark.slow
def test_script_writes_both_files(tmp_path):
    env = {"PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "simulate_survey.py"),
                          "--instrument", str(INSTRUMENT), "--settings", str(SETTINGS),
                          "--out-dir", str(tmp_path),
                          "--n", "30", "--seed", "4", "--n-population", "5000"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    inst = ce.Instrument.load(INSTRUMENT)
    resp = ce.read_responses(tmp_path / "survey_responses.csv", inst)
    assert len(resp) == 30
    truth = yaml.safe_load((tmp_path / "survey_truth.yaml").read_text(encoding="utf-8"))
    assert truth["seed"] == 4 and truth["n_population"] == 5000
    assert "--seed 4" in truth["command"]
    assert truth["model"]["outcome"] == "CITRA"


def test_survey_truth_needs_an_instrument(settings):
    with pytest.raises(TypeError, match="instrument must be an Instrument"):
        ce.survey_truth("data/raw/instrument.yaml", settings, seed=1, outcome="CITRA")


def test_items_are_simulated_on_their_own_response_range():
    inst = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 4}, "demographics": ["unit"],
        "scales": {"L": {"items": ["l1", "l2"], "role": "strategy"},
                   "P": {"items": ["p1", "p2"], "role": "image", "reverse": ["p2"],
                         "scale": {"min": 0, "max": 10}}}})
    s = ce.SimulationSettings.from_dict({"demographics": {"unit": {"A": 0.5, "B": 0.5}},
                                         "image_effects": {"L": 0.5}})
    sim = ce.simulate_survey(inst, s, n=2000, seed=1, missing_rate=0, straightliner_rate=0)
    assert set(np.unique(sim[["l1", "l2"]])) == {1.0, 2.0, 3.0, 4.0}
    assert set(np.unique(sim[["p1", "p2"]])) == {float(v) for v in range(11)}
    assert ce.score_scales(sim, inst)["P"].between(0, 10).all()
    liners = ce.simulate_survey(inst, s, n=400, seed=1, missing_rate=0,
                                straightliner_rate=0.9)
    below_top = np.array([4.0, 4.0, 10.0, 10.0]) - liners[["l1", "l2", "p1", "p2"]].to_numpy()
    same = (below_top == below_top[:, :1]).all(axis=1) & (below_top[:, 0] <= 1)
    assert same.mean() > 0.85  # straight-liners: top (or one below) of each item's own range
    assert set(np.unique(below_top[same])) == {0.0, 1.0}
