"""A seeded latent-variable simulation of the example resident survey.

The example study's survey responses are simulated (never real data). The generating model:

1. **Demographics** are drawn independently (district, age group, gender, main news source);
   having used an online service is more likely for younger respondents.
2. **Strategy perceptions** (one latent per ``role: strategy`` scale, plus one for every other
   non-image scale such as KP) are standard normal with a common correlation
   (``STRATEGY_CORRELATION``). Having used an online service raises the TK latent
   (``ONLINE_SERVICE_EFFECT_ON_TK`` latent SDs).
3. **Image**: the latent overall image is a linear combination of the strategy latents
   (``LATENT_IMAGE_EFFECTS``) plus district effects (``DISTRICT_EFFECTS``) plus normal noise
   scaled so that the image latent has variance about 1. Each of Harrison's four image
   elements (``role: image`` scales) is ``ELEMENT_LOADING * image + unique noise``.
4. **Items**: each item is ``loading * latent + noise`` (loadings drawn once per item from
   ``ITEM_LOADING_RANGE``), cut into the response options at thresholds shifted towards
   agreement; reverse-keyed items are then flipped (``min + max - x``).
5. **Data problems**: a few straight-liners (all items the same, acquiescent 4 or 5) and
   missing answers completely at random.

Effects on latent variables are attenuated once items are averaged into scale scores
(measurement error, thresholds, straight-liners), so the truth a regression on scale scores
can recover is computed, not assumed: :func:`survey_truth` simulates a very large population
with the same item parameters and fits the same model to it. Those population standardised
coefficients are written to ``survey_truth.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._validation import check_type
from .regression import default_predictors, image_model
from .survey import Instrument, score_scales

__all__ = ["DEFAULT_SEED", "simulate_survey", "survey_truth"]

DEFAULT_SEED = 1  # the example survey's seed (see docs/survey.md)
STRATEGY_CORRELATION = 0.35
LATENT_IMAGE_EFFECTS = {"KS": 0.15, "BM": 0.10, "BC": 0.20, "IB": 0.0, "TK": 0.30}
OTHER_STRATEGY_EFFECT = 0.10  # for strategy scales not named above
DISTRICT_EFFECTS = {"Banjarmasin Tengah": 0.25, "Banjarmasin Utara": -0.20}
ONLINE_SERVICE_EFFECT_ON_TK = 0.50
ELEMENT_LOADING = 0.90
ITEM_LOADING_RANGE = (0.65, 0.85)
AGREEMENT_SHIFT = 0.35  # thresholds move down by this many SDs: answers lean to agreement

DEMOGRAPHICS: dict[str, tuple[list[str], list[float]]] = {
    "district": (["Banjarmasin Utara", "Banjarmasin Selatan", "Banjarmasin Timur",
                  "Banjarmasin Barat", "Banjarmasin Tengah"], [0.22, 0.24, 0.18, 0.20, 0.16]),
    "age_group": (["17-25", "26-35", "36-45", "46-55", "56+"], [0.22, 0.25, 0.22, 0.18, 0.13]),
    "gender": (["Laki-laki", "Perempuan"], [0.49, 0.51]),
    "news_source": (["Media sosial", "Televisi", "Portal berita daring", "Grup WhatsApp",
                     "Surat kabar", "Radio"], [0.38, 0.20, 0.16, 0.14, 0.07, 0.05]),
}
ONLINE_BY_AGE = {"17-25": 0.70, "26-35": 0.65, "36-45": 0.50, "46-55": 0.35, "56+": 0.20}


def _item_parameters(instrument: Instrument, seed: int) -> dict[str, float]:
    rng = np.random.default_rng([seed, 0])
    lo, hi = ITEM_LOADING_RANGE
    return {item: float(round(rng.uniform(lo, hi), 2)) for item in instrument.item_names}


def _roles(instrument: Instrument) -> tuple[list[str], list[str], list[str]]:
    """(latent perception scales, image element scales, composite scales)."""
    image = instrument.scale_names("image")
    composites = [n for n, s in instrument.scales.items() if s.of]
    perceptions = [n for n in instrument.scales if n not in image and n not in composites]
    if not image:
        raise ValueError("the instrument has no 'role: image' scales to simulate the image from")
    return perceptions, image, composites


def _image_effects(instrument: Instrument) -> dict[str, float]:
    return {s: LATENT_IMAGE_EFFECTS.get(s, OTHER_STRATEGY_EFFECT)
            for s in instrument.scale_names("strategy")}


def _draw(instrument: Instrument, n: int, rng: np.random.Generator,
          loadings: dict[str, float], missing_rate: float,
          straightliner_rate: float) -> pd.DataFrame:
    from scipy import stats  # here, not at the top: it costs ~0.4 s to import

    unknown = [d for d in instrument.demographics
               if d not in DEMOGRAPHICS and d != "used_online_service"]
    if unknown:
        raise ValueError(f"cannot simulate demographic column(s) {', '.join(unknown)}; the "
                         f"simulation knows {', '.join([*DEMOGRAPHICS, 'used_online_service'])}")
    demo = {name: rng.choice(levels, size=n, p=p) for name, (levels, p) in DEMOGRAPHICS.items()}
    p_online = np.array([ONLINE_BY_AGE[a] for a in demo["age_group"]])
    online = rng.random(n) < p_online
    demo["used_online_service"] = np.where(online, "Ya", "Tidak")

    perceptions, image, _ = _roles(instrument)
    k = len(perceptions)
    corr = np.full((k, k), STRATEGY_CORRELATION)
    np.fill_diagonal(corr, 1.0)
    latent = dict(zip(perceptions, rng.multivariate_normal(np.zeros(k), corr, size=n).T,
                      strict=True))
    if "TK" in latent:
        latent["TK"] = latent["TK"] + ONLINE_SERVICE_EFFECT_ON_TK * online
    effects = _image_effects(instrument)
    b = np.array([effects.get(s, 0.0) for s in perceptions])
    explained = float(b @ corr @ b)
    eta = sum(effects.get(s, 0.0) * latent[s] for s in perceptions)
    eta = eta + np.array([DISTRICT_EFFECTS.get(d, 0.0) for d in demo["district"]])
    eta = eta + np.sqrt(max(1.0 - explained, 0.1)) * rng.standard_normal(n)
    for s in image:
        latent[s] = ELEMENT_LOADING * eta + np.sqrt(1 - ELEMENT_LOADING ** 2) * \
            rng.standard_normal(n)

    n_opt = instrument.max - instrument.min + 1
    cuts = stats.norm.ppf(np.linspace(0, 1, n_opt + 1)[1:-1]) - AGREEMENT_SHIFT
    reverse = instrument.reverse_items()
    owner = {}
    for s in [*perceptions, *image]:
        for item in instrument.scales[s].items:
            owner.setdefault(item, s)
    data = {}
    for item in instrument.item_names:
        lam = loadings[item]
        ystar = lam * latent[owner[item]] + np.sqrt(1 - lam ** 2) * rng.standard_normal(n)
        x = instrument.min + np.searchsorted(cuts, ystar).astype(float)
        if item in reverse:
            x = instrument.min + instrument.max - x
        data[item] = x
    arr = np.column_stack([data[i] for i in instrument.item_names])
    liners = rng.random(n) < straightliner_rate
    arr[liners] = rng.choice([instrument.max - 1, instrument.max],
                             size=int(liners.sum()))[:, None]
    arr[rng.random(arr.shape) < missing_rate] = np.nan
    items = pd.DataFrame(arr, columns=instrument.item_names)
    ids = [f"R{i:04d}" for i in range(1, n + 1)]
    out = pd.DataFrame({instrument.id_column: ids})
    for d in instrument.demographics:
        out[d] = demo[d]
    return pd.concat([out, items], axis=1)


def simulate_survey(instrument: Instrument, *, n: int = 400, seed: int = DEFAULT_SEED,
                    missing_rate: float = 0.02,
                    straightliner_rate: float = 0.015) -> pd.DataFrame:
    """Simulate survey responses for ``instrument`` (see the module docstring for the model).

    Parameters
    ----------
    instrument : Instrument
        An instrument with ``role: strategy`` and ``role: image`` scales and demographics among
        district, age_group, gender, news_source, used_online_service (the example instrument).
    n : int
        Number of respondents.
    seed : int
        Seed of the random generator (the item parameters depend on the seed only, so a
        sample and :func:`survey_truth` with the same seed share them).
    missing_rate : float
        Probability that an answer is missing (completely at random).
    straightliner_rate : float
        Share of respondents who give the same answer (4 or 5 on a 1–5 scale) to every item.

    Returns
    -------
    DataFrame
        Responses as :func:`citra_eval.read_responses` returns them: the id column
        (``R0001``, ...), the demographics, then every item (float, NaN for missing).

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> sim = ce.simulate_survey(inst, n=50, seed=1)
    >>> sim.shape[0], sim.columns[0]
    (50, 'respondent_id')
    >>> sim.equals(ce.simulate_survey(inst, n=50, seed=1))
    True
    """
    if not isinstance(instrument, Instrument):
        raise TypeError(f"instrument must be an Instrument, got {type(instrument).__name__}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    for name, val in [("missing_rate", missing_rate), ("straightliner_rate", straightliner_rate)]:
        if not 0 <= val < 1:
            raise ValueError(f"{name} must lie in [0, 1), got {val!r}")
    rng = np.random.default_rng([seed, 1])
    return _draw(instrument, n, rng, _item_parameters(instrument, seed), missing_rate,
                 straightliner_rate)


def survey_truth(instrument: Instrument, *, seed: int = DEFAULT_SEED, n: int = 400,
                 outcome: str = "CITRA", controls: Sequence[str] = ("district",),
                 n_population: int = 200_000, missing_rate: float = 0.02,
                 straightliner_rate: float = 0.015) -> dict:
    """The true effects of the simulation, on the scale the image model recovers.

    Simulates ``n_population`` respondents with the same item parameters (same ``seed``,
    an independent random stream) and fits :func:`citra_eval.image_model` with ``outcome``
    and ``controls`` to them; its standardised coefficients are the population values a
    sample fit estimates.

    Parameters
    ----------
    instrument : Instrument
        The instrument of :func:`simulate_survey`.
    seed : int
        The seed of the sample whose truth is wanted (the item parameters depend on it).
    n : int
        The sample size, recorded in the result.
    outcome : str
        The outcome scale of the image model.
    controls : sequence of str
        Control columns of the image model.
    n_population : int
        How many respondents the population fit uses (more: closer to the limit, slower).
    missing_rate, straightliner_rate : float
        As in :func:`simulate_survey`.

    Returns
    -------
    dict
        ``seed, n, n_population, model`` (outcome, predictors, controls),
        ``standardised_effects`` (predictor -> population standardised coefficient),
        ``district_effects_std`` (district dummy -> population difference from the reference
        district in outcome SDs), ``district_means`` (population mean outcome score per
        district), and ``latent_model`` (the generating parameters, on the latent scale).

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> truth = ce.survey_truth(inst, seed=1, n_population=20_000)
    >>> sorted(truth["standardised_effects"])
    ['BC', 'BM', 'IB', 'KS', 'TK']
    """
    check_type("instrument", instrument, Instrument, "an Instrument (see Instrument.load)")
    pop = _draw(instrument, n_population, np.random.default_rng([seed, 2]),
                _item_parameters(instrument, seed), missing_rate, straightliner_rate)
    fit = image_model(pop, instrument, outcome=outcome, controls=list(controls), robust=None)
    preds = default_predictors(instrument, outcome)
    est = dict(zip(fit["term"], fit["std_estimate"], strict=True))
    scores = score_scales(pop, instrument, scales=[outcome])
    means = scores.groupby("district")[outcome].mean() if "district" in scores else {}
    return {
        "seed": int(seed), "n": int(n), "n_population": int(n_population),
        "model": {"function": "citra_eval.image_model", "outcome": outcome,
                  "predictors": preds, "controls": list(controls), "robust": "HC3"},
        "standardised_effects": {p: round(float(est[p]), 4) for p in preds},
        "district_effects_std": {t.split("[T.", 1)[1].rstrip("]"): round(float(v), 4)
                                 for t, v in est.items() if t.startswith("district[T.")},
        "district_means": {str(k): round(float(v), 4) for k, v in dict(means).items()},
        "latent_model": {
            "image_effects": _image_effects(instrument),
            "district_effects": dict(DISTRICT_EFFECTS),
            "strategy_correlation": STRATEGY_CORRELATION,
            "online_service_effect_on_TK": ONLINE_SERVICE_EFFECT_ON_TK,
            "element_loading": ELEMENT_LOADING,
            "item_loadings": _item_parameters(instrument, seed),
            "agreement_shift": AGREEMENT_SHIFT,
            "missing_rate": missing_rate, "straightliner_rate": straightliner_rate},
    }
