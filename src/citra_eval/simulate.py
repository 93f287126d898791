"""A seeded latent-variable simulation of survey responses for an instrument.

Nothing here knows any study: what is simulated (the demographic columns and their levels,
which strategy drives the image by how much, which groups differ) comes from a
:class:`SimulationSettings`, read from a YAML file beside the simulated data (the example
study's is ``data/raw/survey_simulation.yaml``). The generating model:

1. **Demographics** are drawn independently from their level probabilities
   (``demographics``), in the order given; then each ``conditional`` column is drawn given
   one of them (e.g. having used an online service given the age group).
2. **Strategy perceptions** (one latent per scale that is neither a ``role: image`` element
   nor a composite) are standard normal with a common correlation (``strategy_correlation``).
   ``latent_shifts`` move a latent for respondents in one level of a demographic
   (``{column: {level: {scale: shift}}}``, in latent SDs).
3. **Image**: the latent overall image is a linear combination of the ``role: strategy``
   latents (``image_effects``; ``other_strategy_effect`` for strategy scales not named) plus
   the effects of demographic levels (``group_effects``) plus normal noise scaled so that the
   image latent has variance about 1. Each ``role: image`` element is
   ``element_loading * image + unique noise``.
4. **Items**: each item is ``loading * latent + noise`` (loadings drawn once per item from
   ``item_loading_range``), cut into the response options at thresholds shifted towards
   agreement (``agreement_shift`` SDs); reverse-keyed items are then flipped
   (``min + max - x``).
5. **Data problems**: a few straight-liners (all items the same, acquiescent ``max - 1`` or
   ``max``) and missing answers completely at random.

Effects on latent variables are attenuated once items are averaged into scale scores
(measurement error, thresholds, straight-liners), so the truth a regression on scale scores
can recover is computed, not assumed: :func:`survey_truth` simulates a very large population
with the same item parameters and fits the same model to it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ._validation import check_int, check_names, check_proportion, check_seed, check_type
from ._yaml import read_yaml_file
from .errors import InputError
from .regression import ModelWarning, default_predictors, image_model
from .survey import Instrument, score_scales

__all__ = ["SimulationSettings", "simulate_survey", "survey_truth"]

_FIELDS = ("demographics", "conditional", "image_effects", "other_strategy_effect",
           "group_effects", "latent_shifts", "strategy_correlation", "element_loading",
           "item_loading_range", "agreement_shift")


@dataclass(frozen=True)
class SimulationSettings:
    """What :func:`simulate_survey` draws (see the module docstring for the model).

    Attributes
    ----------
    demographics : dict
        ``{column: {level: probability}}``, drawn independently in this order; each column's
        probabilities sum to 1.
    conditional : dict
        ``{column: {"given": other column, "probabilities": {given level: {level: p}}}}``,
        drawn after ``demographics``, in this order.
    image_effects : dict
        ``{strategy scale: effect}`` on the latent image.
    other_strategy_effect : float
        Effect of a ``role: strategy`` scale not in ``image_effects``.
    group_effects : dict
        ``{column: {level: effect}}`` on the latent image (levels not named: 0).
    latent_shifts : dict
        ``{column: {level: {scale: shift}}}`` added to a perception latent.
    strategy_correlation, element_loading, agreement_shift : float
        Correlation of the perception latents; loading of each image element on the image;
        how far the response thresholds move towards agreement (latent SDs).
    item_loading_range : tuple of float
        Item loadings are drawn uniformly from this range (rounded to 2 decimals).

    Examples
    --------
    >>> import citra_eval as ce
    >>> s = ce.SimulationSettings.from_dict({"demographics": {"unit": {"A": 0.5, "B": 0.5}}})
    >>> s.demographics, s.strategy_correlation
    ({'unit': {'A': 0.5, 'B': 0.5}}, 0.35)
    """
    demographics: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    conditional: Mapping[str, Mapping] = field(default_factory=dict)
    image_effects: Mapping[str, float] = field(default_factory=dict)
    other_strategy_effect: float = 0.10
    group_effects: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    latent_shifts: Mapping[str, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)
    strategy_correlation: float = 0.35
    element_loading: float = 0.90
    item_loading_range: tuple[float, float] = (0.65, 0.85)
    agreement_shift: float = 0.35

    @classmethod
    def from_dict(cls, data: Mapping, *, path: str | None = None) -> SimulationSettings:
        """Settings from a mapping with the attribute names as keys.

        Parameters
        ----------
        data : mapping
            Keys among the attributes of this class; values as documented there.
        path : str, optional
            The file the mapping was read from (named in errors).

        Returns
        -------
        SimulationSettings

        Raises
        ------
        InputError
            Unknown keys, probabilities that do not sum to 1, a conditional column whose
            ``given`` column is not drawn first, loadings outside (0, 1).
        """
        if not isinstance(data, Mapping):
            raise InputError("simulation settings must be a mapping of keys "
                             f"({', '.join(_FIELDS)})", path=path)
        unknown = [k for k in data if k not in _FIELDS]
        if unknown:
            raise InputError(f"unknown simulation setting(s) {', '.join(map(str, unknown))}; "
                             f"allowed: {', '.join(_FIELDS)}", path=path)
        values = {k: _plain(v) for k, v in data.items()}
        if "item_loading_range" in values:
            values["item_loading_range"] = tuple(values["item_loading_range"])
        settings = cls(**values)
        settings._check(path)
        return settings

    @classmethod
    def load(cls, path: str | os.PathLike, *, key: str | None = None) -> SimulationSettings:
        """Settings from a YAML file.

        Parameters
        ----------
        path : str or path
            The YAML file.
        key : str, optional
            Read the settings from this top-level section (the example's
            ``survey_simulation.yaml`` keeps them under ``simulation``, beside the seed, the
            sample size and the model whose truth is stated).

        Returns
        -------
        SimulationSettings

        Raises
        ------
        InputError
            The file is not valid YAML, lacks the section, or the settings are wrong (see
            :meth:`from_dict`).
        """
        data = read_yaml_file(path)
        if key is not None:
            data = (data or {}).get(key) if isinstance(data, Mapping) else None
            if data is None:
                raise InputError(f"no {key!r} section with the simulation settings",
                                 path=os.fspath(path))
        return cls.from_dict(data, path=os.fspath(path))

    def to_dict(self) -> dict:
        """The settings as plain data (as written to YAML)."""
        out = asdict(self)
        out["item_loading_range"] = list(self.item_loading_range)
        return out

    def _check(self, path: str | None) -> None:
        def bad(msg: str) -> InputError:
            return InputError(f"simulation settings: {msg}", path=path)

        for col, probs in {**self.demographics, **{c: None for c in self.conditional}}.items():
            rows = ([probs] if probs is not None
                    else list(self.conditional[col].get("probabilities", {}).values()))
            if not rows:
                raise bad(f"{col!r} has no probabilities")
            for p in rows:
                if not isinstance(p, Mapping) or not p or \
                        abs(sum(float(v) for v in p.values()) - 1) > 1e-9:
                    raise bad(f"the probabilities of {col!r} must map levels to probabilities "
                              f"summing to 1, got {p!r}")
        for col, spec in self.conditional.items():
            given = spec.get("given") if isinstance(spec, Mapping) else None
            if given not in self.demographics:
                raise bad(f"conditional column {col!r} must name a 'given' column of "
                          f"demographics ({', '.join(self.demographics)}), got {given!r}")
        lo, hi = self.item_loading_range
        if not 0 < lo <= hi < 1:
            raise bad(f"item_loading_range must lie in (0, 1), got {self.item_loading_range}")


def _plain(v):
    """YAML containers as plain dicts and lists (keys as text)."""
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def _item_parameters(instrument: Instrument, seed: int,
                     settings: SimulationSettings) -> dict[str, float]:
    rng = np.random.default_rng([seed, 0])
    lo, hi = settings.item_loading_range
    return {item: float(round(rng.uniform(lo, hi), 2)) for item in instrument.item_names}


def _roles(instrument: Instrument) -> tuple[list[str], list[str], list[str]]:
    """(latent perception scales, image element scales, composite scales)."""
    image = instrument.scale_names("image")
    composites = [n for n, s in instrument.scales.items() if s.of]
    perceptions = [n for n in instrument.scales if n not in image and n not in composites]
    if not image:
        raise ValueError("the instrument has no 'role: image' scales to simulate the image from")
    return perceptions, image, composites


def _image_effects(instrument: Instrument, settings: SimulationSettings) -> dict[str, float]:
    return {s: settings.image_effects.get(s, settings.other_strategy_effect)
            for s in instrument.scale_names("strategy")}


def _demographics(settings: SimulationSettings, n: int,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    demo = {name: rng.choice(list(p), size=n, p=list(p.values()))
            for name, p in settings.demographics.items()}
    for name, spec in settings.conditional.items():
        table = spec["probabilities"]
        levels = list(dict.fromkeys(lv for row in table.values() for lv in row))
        cum = {g: np.cumsum([row.get(lv, 0.0) for lv in levels]) for g, row in table.items()}
        u = rng.random(n)
        rows = np.array([cum[str(g)] for g in demo[spec["given"]]]).reshape(n, len(levels))
        # inverse CDF: the first level whose cumulative probability exceeds u
        idx = np.minimum((rows <= u[:, None]).sum(axis=1), len(levels) - 1)
        demo[name] = np.array(levels)[idx]
    return demo


def _draw(instrument: Instrument, n: int, rng: np.random.Generator,
          loadings: dict[str, float], missing_rate: float,
          straightliner_rate: float, settings: SimulationSettings) -> pd.DataFrame:
    from scipy import stats  # here, not at the top: it costs ~0.4 s to import

    known = [*settings.demographics, *settings.conditional]
    unknown = [d for d in instrument.demographics if d not in known]
    if unknown:
        raise ValueError(f"cannot simulate demographic column(s) {', '.join(unknown)}; the "
                         f"simulation settings define {', '.join(known) or 'none'}")
    demo = _demographics(settings, n, rng)

    perceptions, image, _ = _roles(instrument)
    k = len(perceptions)
    corr = np.full((k, k), settings.strategy_correlation)
    np.fill_diagonal(corr, 1.0)
    # Cholesky, not numpy's default SVD: this matrix has one eigenvalue k - 1 times, so an
    # SVD's vectors (and the draws) depend on the machine's LAPACK; the Cholesky factor is
    # unique, so the same seed gives the same respondents everywhere.
    latent = dict(zip(perceptions, rng.multivariate_normal(np.zeros(k), corr, size=n,
                                                           method="cholesky").T, strict=True))
    for col, by_level in settings.latent_shifts.items():
        for level, shifts in by_level.items():
            for scale, shift in shifts.items():
                if scale in latent:
                    latent[scale] = latent[scale] + shift * (demo[col] == level)
    effects = _image_effects(instrument, settings)
    b = np.array([effects.get(s, 0.0) for s in perceptions])
    explained = float(b @ corr @ b)
    eta = sum(effects.get(s, 0.0) * latent[s] for s in perceptions)
    for col, by_level in settings.group_effects.items():
        eta = eta + np.array([by_level.get(str(v), 0.0) for v in demo[col]])
    eta = eta + np.sqrt(max(1.0 - explained, 0.1)) * rng.standard_normal(n)
    loading = settings.element_loading
    for s in image:
        latent[s] = loading * eta + np.sqrt(1 - loading ** 2) * rng.standard_normal(n)

    reverse = instrument.reverse_items()
    owner = {}
    for s in [*perceptions, *image]:
        for item in instrument.scales[s].items:
            owner.setdefault(item, s)
    data = {}
    for item in instrument.item_names:
        lam = loadings[item]
        ystar = lam * latent[owner[item]] + np.sqrt(1 - lam ** 2) * rng.standard_normal(n)
        options = instrument.response_range(item)  # each item on its own response range
        n_opt = options.max - options.min + 1
        cuts = stats.norm.ppf(np.linspace(0, 1, n_opt + 1)[1:-1]) - settings.agreement_shift
        x = options.min + np.searchsorted(cuts, ystar).astype(float)
        if item in reverse:
            x = options.min + options.max - x
        data[item] = x
    arr = np.column_stack([data[i] for i in instrument.item_names])
    liners = rng.random(n) < straightliner_rate
    # a straight-liner answers the top option (or the one below it) of every item's range
    tops = np.array([instrument.response_range(i).max for i in instrument.item_names], float)
    arr[liners] = tops[None, :] - rng.choice([1, 0], size=int(liners.sum()))[:, None]
    arr[rng.random(arr.shape) < missing_rate] = np.nan
    items = pd.DataFrame(arr, columns=instrument.item_names)
    ids = [f"R{i:04d}" for i in range(1, n + 1)]
    out = pd.DataFrame({instrument.id_column: ids})
    for d in instrument.demographics:
        out[d] = demo[d]
    return pd.concat([out, items], axis=1)


def _check_rates(missing_rate: float, straightliner_rate: float) -> None:
    for name, val in [("missing_rate", missing_rate), ("straightliner_rate", straightliner_rate)]:
        check_proportion(val, name, one=False)


def simulate_survey(instrument: Instrument, settings: SimulationSettings, *, seed: int,
                    n: int = 400, missing_rate: float = 0.02,
                    straightliner_rate: float = 0.015) -> pd.DataFrame:
    """Simulate survey responses for ``instrument`` (see the module docstring for the model).

    Parameters
    ----------
    instrument : Instrument
        An instrument with ``role: image`` scales (and usually ``role: strategy`` ones).
    settings : SimulationSettings
        What to draw: every demographic column of the instrument must be defined there.
    seed : int
        Seed of the random generator (the item parameters depend on the seed only, so a
        sample and :func:`survey_truth` with the same seed share them).
    n : int
        Number of respondents.
    missing_rate : float
        Probability that an answer is missing (completely at random).
    straightliner_rate : float
        Share of respondents who give the same answer (``max - 1`` or ``max`` of each item's
        response range) to every item.

    Returns
    -------
    DataFrame
        Responses as :func:`citra_eval.read_responses` returns them: the id column
        (``R0001``, ...), the demographics, then every item (float, NaN for missing).

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> settings = ce.SimulationSettings.load(ce.example_path("raw") / "survey_simulation.yaml",
    ...                                       key="simulation")
    >>> sim = ce.simulate_survey(inst, settings, n=50, seed=1)
    >>> sim.shape[0], sim.columns[0]
    (50, 'respondent_id')
    >>> sim.equals(ce.simulate_survey(inst, settings, n=50, seed=1))
    True
    """
    check_type("instrument", instrument, Instrument, "an Instrument (see Instrument.load)")
    check_type("settings", settings, SimulationSettings,
               "a SimulationSettings (see SimulationSettings.load)")
    check_seed(seed)
    check_int(n, "n", minimum=1)
    _check_rates(missing_rate, straightliner_rate)
    rng = np.random.default_rng([seed, 1])
    return _draw(instrument, n, rng, _item_parameters(instrument, seed, settings), missing_rate,
                 straightliner_rate, settings)


def survey_truth(instrument: Instrument, settings: SimulationSettings, *, seed: int,
                 outcome: str, controls: Sequence[str] = (), n: int = 400,
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
    settings : SimulationSettings
        The settings of :func:`simulate_survey`.
    seed : int
        The seed of the sample whose truth is wanted (the item parameters depend on it).
    outcome : str
        The outcome scale of the image model.
    controls : sequence of str
        Control columns of the image model.
    n : int
        The sample size, recorded in the result.
    n_population : int
        How many respondents the population fit uses (more: closer to the limit, slower).
    missing_rate, straightliner_rate : float
        As in :func:`simulate_survey`.

    Returns
    -------
    dict
        ``seed, n, n_population, model`` (outcome, predictors, controls),
        ``standardised_effects`` (predictor -> population standardised coefficient),
        ``group_effects_std`` (control column -> level -> population difference from the
        reference level in outcome SDs), ``group_means`` (control column -> level ->
        population mean outcome score), and ``latent_model`` (the generating parameters:
        the settings, the image effect of every strategy scale, the item loadings, the
        rates).

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> settings = ce.SimulationSettings.load(ce.example_path("raw") / "survey_simulation.yaml",
    ...                                       key="simulation")
    >>> truth = ce.survey_truth(inst, settings, seed=1, outcome="CITRA", n_population=20_000)
    >>> sorted(truth["standardised_effects"])
    ['BC', 'BM', 'IB', 'KS', 'TK']
    """
    check_type("instrument", instrument, Instrument, "an Instrument (see Instrument.load)")
    check_type("settings", settings, SimulationSettings,
               "a SimulationSettings (see SimulationSettings.load)")
    check_seed(seed)
    controls = check_names(controls, "controls", allow_none=False)
    check_int(n_population, "n_population", minimum=1)
    _check_rates(missing_rate, straightliner_rate)
    pop = _draw(instrument, n_population, np.random.default_rng([seed, 2]),
                _item_parameters(instrument, seed, settings), missing_rate, straightliner_rate,
                settings)
    with warnings.catch_warnings():  # the population's drawn missing answers: by design
        warnings.filterwarnings("ignore", message=r"image model of .*: left out ",
                                category=ModelWarning)
        fit = image_model(pop, instrument, outcome=outcome, controls=controls,
                          robust=None).table
    preds = default_predictors(instrument, outcome)
    est = dict(zip(fit["term"], fit["std_estimate"], strict=True))
    scores = score_scales(pop, instrument, scales=[outcome], keep=controls)
    categorical = [c for c in controls if not pd.api.types.is_numeric_dtype(pop[c])]
    return {
        "seed": int(seed), "n": int(n), "n_population": int(n_population),
        "model": {"function": "citra_eval.image_model", "outcome": outcome,
                  "predictors": preds, "controls": controls, "robust": "HC3"},
        "standardised_effects": {p: round(float(est[p]), 4) for p in preds},
        "group_effects_std": {
            c: {t.split("[T.", 1)[1][:-1]: round(float(v), 4) for t, v in est.items()
                if t.startswith(f"{c}[T.")} for c in categorical},
        "group_means": {
            c: {str(k): round(float(v), 4)
                for k, v in scores.groupby(c)[outcome].mean().items()} for c in categorical},
        "latent_model": {
            **settings.to_dict(),
            "image_effects": _image_effects(instrument, settings),
            "item_loadings": _item_parameters(instrument, seed, settings),
            "missing_rate": missing_rate, "straightliner_rate": straightliner_rate},
    }
