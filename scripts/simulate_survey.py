"""Simulate the example resident survey (ILLUSTRATIVE data, not real findings).

Reads the simulation settings (``data/raw/survey_simulation.yaml``: what is drawn, the seed,
the sample size and the model whose truth is stated) and writes ``survey_responses.csv`` and
``survey_truth.yaml`` (the true effects, the seed and this command) into ``--out-dir``. The
generating model is documented in ``citra_eval.simulate``.

Usage (from the repository root)::

    python scripts/simulate_survey.py --instrument data/raw/instrument.yaml \
        --settings data/raw/survey_simulation.yaml --out-dir data/raw
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from citra_eval import Instrument, SimulationSettings, simulate_survey, survey_truth
from citra_eval._files import atomic_dir
from citra_eval._yaml import read_yaml_file
from citra_eval.errors import InputError


def responses_csv(frame, instrument: Instrument) -> str:
    """The responses as CSV text: whole-number answers, empty cells for missing ones."""
    out = frame.copy()
    for item in instrument.item_names:
        out[item] = out[item].astype("Int64")
    return out.to_csv(index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--instrument", default="data/raw/instrument.yaml")
    p.add_argument("--settings", default="data/raw/survey_simulation.yaml",
                   help="simulation settings YAML (seed, n, truth_model, simulation)")
    p.add_argument("--out-dir", default="data/raw")
    p.add_argument("--n", type=int, default=None, help="respondents (default: the settings')")
    p.add_argument("--seed", type=int, default=None, help="seed (default: the settings')")
    p.add_argument("--n-population", type=int, default=200_000,
                   help="size of the simulated population the truth is computed on")
    args = p.parse_args(argv)
    try:
        inst = Instrument.load(args.instrument)
        doc = read_yaml_file(args.settings)
        settings = SimulationSettings.load(args.settings, key="simulation")
        model = doc.get("truth_model") or {}
        if "outcome" not in model:
            raise InputError("truth_model: outcome is missing (the scale whose model's "
                             "population values survey_truth.yaml states)", path=args.settings)
    except InputError as exc:
        print(exc.format(), file=sys.stderr)
        return 2
    n = args.n if args.n is not None else int(doc.get("n", 400))
    seed = args.seed if args.seed is not None else int(doc["seed"])
    responses = simulate_survey(inst, settings, n=n, seed=seed)
    truth = survey_truth(inst, settings, seed=seed, n=n, n_population=args.n_population,
                         outcome=model["outcome"], controls=list(model.get("controls", [])))
    command = (f"python scripts/simulate_survey.py --instrument {args.instrument} "
               f"--settings {args.settings} --out-dir {args.out_dir} --n {n} --seed {seed} "
               f"--n-population {args.n_population}")
    header = (
        "# ILLUSTRATIVE: true effects of the SIMULATED example survey (survey_responses.csv).\n"
        "# Written by scripts/simulate_survey.py; do not edit by hand. The standardised effects\n"
        "# are population values on the scale the image model recovers (standardised scale\n"
        "# scores), computed by fitting the model to n_population simulated respondents with\n"
        "# the same item parameters; latent_model holds the generating parameters.\n")
    out = {"illustrative": True, "command": command, **truth}
    with atomic_dir(args.out_dir) as tmp:
        (Path(tmp) / "survey_responses.csv").write_text(responses_csv(responses, inst),
                                                        encoding="utf-8")
        (Path(tmp) / "survey_truth.yaml").write_text(
            header + yaml.safe_dump(out, sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(f"wrote {args.out_dir}/survey_responses.csv ({len(responses)} respondents) and "
          f"{args.out_dir}/survey_truth.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
