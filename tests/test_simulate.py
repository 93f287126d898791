"""The example survey's simulation: determinism, the shipped files, recovery of the truth."""

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


@pytest.fixture(scope="module")
def inst():
    return ce.Instrument.load(INSTRUMENT)


@pytest.fixture(scope="module")
def truth():
    return yaml.safe_load(TRUTH.read_text(encoding="utf-8"))


def test_seeded_and_deterministic(inst):
    a = ce.simulate_survey(inst, n=120, seed=5)
    assert a.equals(ce.simulate_survey(inst, n=120, seed=5))
    assert not a.equals(ce.simulate_survey(inst, n=120, seed=6))
    assert a["respondent_id"].tolist()[:2] == ["R0001", "R0002"]
    items = a[inst.item_names]
    assert set(np.unique(items.dropna())) <= {1.0, 2.0, 3.0, 4.0, 5.0}


def test_data_problems_are_present(inst):
    sim = ce.simulate_survey(inst, n=4000, seed=2)
    items = sim[inst.item_names]
    assert items.isna().to_numpy().mean() == pytest.approx(0.02, abs=0.004)
    straight = items.nunique(axis=1) == 1
    assert straight.mean() == pytest.approx(0.015, abs=0.008)
    none = ce.simulate_survey(inst, n=500, seed=2, missing_rate=0, straightliner_rate=0)
    assert not none[inst.item_names].isna().any().any()


def test_argument_errors(inst):
    with pytest.raises(ValueError, match="n must be"):
        ce.simulate_survey(inst, n=0)
    with pytest.raises(ValueError, match="missing_rate"):
        ce.simulate_survey(inst, missing_rate=1.5)
    other = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5}, "demographics": ["income"],
                                     "scales": {"I": {"items": ["i1", "i2"], "role": "image"}}})
    with pytest.raises(ValueError, match="cannot simulate demographic column"):
        ce.simulate_survey(other, n=10)


def test_shipped_responses_are_the_documented_simulation(inst, truth):
    """The CSV is exactly what the seeded simulation gives (written by the script)."""
    assert truth["illustrative"] is True
    assert truth["seed"] == simulate.DEFAULT_SEED and truth["n"] == 400
    assert "scripts/simulate_survey.py" in truth["command"]
    shipped = ce.read_responses(RESPONSES, inst)
    again = ce.simulate_survey(inst, n=truth["n"], seed=truth["seed"])
    pd.testing.assert_frame_equal(shipped.astype({c: object for c in inst.demographics}),
                                  again.astype({c: object for c in inst.demographics}),
                                  check_dtype=False)


@pytest.mark.slow
def test_truth_file_is_recomputed_exactly(inst, truth):
    fresh = ce.survey_truth(inst, seed=truth["seed"], n=truth["n"],
                            n_population=truth["n_population"])
    assert fresh["standardised_effects"] == truth["standardised_effects"]
    assert fresh["district_effects_std"] == truth["district_effects_std"]
    assert fresh["latent_model"]["image_effects"] == truth["latent_model"]["image_effects"]


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
    d = truth["district_effects_std"]
    assert d["Banjarmasin Tengah"] > 0.1 and d["Banjarmasin Utara"] < -0.1


def test_image_model_recovers_true_effects(inst, truth):
    """The acceptance check of the example survey: every true standardised effect lies in its
    95% confidence interval from the shipped 400 respondents."""
    resp = ce.read_responses(RESPONSES, inst)
    model = truth["model"]
    fit = ce.image_model(resp, inst, outcome=model["outcome"], controls=model["controls"],
                         robust=model["robust"]).set_index("term")
    for scale, value in truth["standardised_effects"].items():
        lo, hi = fit.loc[scale, ["std_ci_low", "std_ci_high"]]
        assert lo <= value <= hi, (scale, value, lo, hi)
    for district, value in truth["district_effects_std"].items():
        lo, hi = fit.loc[f"district[T.{district}]", ["std_ci_low", "std_ci_high"]]
        assert lo <= value <= hi, (district, value, lo, hi)


@pytest.mark.slow
def test_interval_coverage_over_replicate_samples(inst, truth):
    """The intervals are calibrated: over 40 fresh samples of 400 (independent streams), about
    95% of the 200 intervals cover the truth (a binomial 95% range is 0.92-0.98)."""
    params = simulate._item_parameters(inst, truth["seed"])
    hits = []
    for rep in range(40):
        rng = np.random.default_rng([truth["seed"], 1000 + rep])
        sample = simulate._draw(inst, 400, rng, params, 0.02, 0.015)
        fit = ce.image_model(sample, inst, outcome="CITRA", controls=["district"]).set_index("term")
        for scale, value in truth["standardised_effects"].items():
            hits.append(fit.loc[scale, "std_ci_low"] <= value <= fit.loc[scale, "std_ci_high"])
    assert 0.88 <= np.mean(hits) <= 0.995


@pytest.mark.slow
def test_script_writes_both_files(tmp_path):
    env = {"PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "simulate_survey.py"),
                          "--instrument", str(INSTRUMENT), "--out-dir", str(tmp_path),
                          "--n", "30", "--seed", "4", "--n-population", "5000"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    inst = ce.Instrument.load(INSTRUMENT)
    resp = ce.read_responses(tmp_path / "survey_responses.csv", inst)
    assert len(resp) == 30
    truth = yaml.safe_load((tmp_path / "survey_truth.yaml").read_text(encoding="utf-8"))
    assert truth["seed"] == 4 and truth["n_population"] == 5000
    assert "--seed 4" in truth["command"]


def test_survey_truth_needs_an_instrument():
    with pytest.raises(TypeError, match="instrument must be an Instrument"):
        ce.survey_truth("data/raw/instrument.yaml")
