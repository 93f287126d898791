"""``citra-eval survey``: score, check and model a survey."""


from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .._files import atomic_dir, is_input_file
from .._validation import counted
from ..errors import InputError
from ..outputs import note, write_table
from ..psychometrics import (
    ScaleWarning,
    item_statistics,
    reliability_warnings,
    scale_reliability,
)
from ..regression import (
    ModelWarning,
    control_name_problem,
    default_predictors,
    image_model,
    no_predictors_reason,
)
from ..survey import Instrument, likert_table, read_responses, score_scales
from ._common import add_force, check_outputs, from_study, inside_study, study_here


def _add_survey(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("survey", help="score, check and model a survey",
                       description="Validate the instrument and responses, then write scale "
                                   "scores, reliability, item statistics, the Likert table and "
                                   "the image model as CSV files into DIR. When these responses "
                                   "cannot be fitted by the image model (e.g. an outcome "
                                   "without variance, too few complete respondents, a control "
                                   "left with one value), the other tables are still written, "
                                   "image_model.csv is not, a 'warning:' line says why and "
                                   "what to change, with exit 0 (exit 2 is for wrong "
                                   "input, and then nothing is written).")
    p.add_argument("--instrument", metavar="FILE",
                   help="instrument YAML (default inside a study: its instrument)")
    p.add_argument("--responses", metavar="FILE",
                   help="responses CSV (default inside a study: its responses)")
    p.add_argument("--out", metavar="DIR", required=True,
                   help="output folder (tables written as reports/ tables are: 4 decimals)")
    p.add_argument("--outcome", default=None, metavar="SCALE",
                   help="outcome scale of the image model (default inside a study: "
                        "study.yaml's outcome; without one the model is skipped, with a note)")
    p.add_argument("--predictors", nargs="+", default=None, metavar="SCALE",
                   help="predictor scales of the image model (default: the scales with "
                        "'role: strategy', else every scale sharing no item with the outcome)")
    p.add_argument("--controls", nargs="*", default=None, metavar="COLUMN",
                   help="control columns of the image model (default inside a study: "
                        "study.yaml's controls; else none)")
    p.add_argument("--min-items", type=int, default=None,
                   help="answered items needed for a scale score (default inside a study: "
                        "study.yaml's min_items; else 1)")
    p.add_argument("--lang", default=None, choices=["id", "en"],
                   help="language of labels (default: study.yaml's lang inside a study, else id)")
    add_force(p)
    p.set_defaults(func=_run_survey)


#: The tables ``survey`` writes into --out (an earlier run's are replaced).
TABLES = ("scale_scores.csv", "reliability.csv", "item_statistics.csv", "likert.csv",
          "image_model.csv")


def _run_survey(args: argparse.Namespace) -> int:
    study = study_here()
    own = [key for key in ("instrument", "responses") if not getattr(args, key)]
    args.instrument = from_study(args.instrument, study, "instrument", "--instrument")
    args.responses = from_study(args.responses, study, "responses", "--responses")
    _refuse_a_missing_survey(args, own)
    if inside_study(study, args.instrument, args.responses):  # the study's own survey
        args.outcome = args.outcome if args.outcome is not None else study.outcome
        args.controls = args.controls if args.controls is not None else list(study.controls)
        args.min_items = args.min_items if args.min_items is not None else study.min_items
    args.lang = args.lang or (study.lang if study is not None else "id")
    check_outputs(inputs={"--instrument": args.instrument, "--responses": args.responses},
                  folders={"--out": (args.out, TABLES)}, force=args.force)
    instrument = Instrument.load(args.instrument)
    responses = read_responses(args.responses, instrument)
    if args.min_items is not None and args.min_items < 1:
        raise InputError(f"--min-items must be >= 1, got {args.min_items}", path="citra-eval")
    controls = list(args.controls or [])
    unknown = [c for c in controls if c not in responses.columns]
    if unknown:
        raise InputError(f"--controls: column(s) {', '.join(unknown)} not in the responses",
                         path=args.responses, line=1)
    for c in controls:
        if (why := control_name_problem(c)) is not None:
            raise InputError(why, path=args.responses, line=1)
    if args.outcome is not None and args.outcome not in instrument.scales:
        raise InputError(f"--outcome {args.outcome!r} is not a scale of the instrument; use one "
                         f"of {', '.join(instrument.scales)}", path=args.instrument)
    predictors = _check_model_names(args, instrument, controls)
    with warnings.catch_warnings(record=True) as caught:
        # the scales' warnings are printed below from reliability_warnings, as validate and
        # reproduce print them
        warnings.simplefilter("ignore", ScaleWarning)
        warnings.simplefilter("always", ModelWarning)  # printed below as warning lines
        tables = {
            "scale_scores.csv": _whole_demographics(
                score_scales(responses, instrument, min_items=args.min_items), instrument),
            "reliability.csv": scale_reliability(responses, instrument,
                                                 min_items=args.min_items),
            "item_statistics.csv": item_statistics(responses, instrument),
            "likert.csv": likert_table(responses, instrument, lang=args.lang),
        }
        unfitted = None  # why the image model cannot be fitted to these responses
        if args.outcome is not None:
            try:
                model = image_model(responses, instrument, outcome=args.outcome,
                                    predictors=predictors, controls=controls,
                                    min_items=args.min_items)
            except InputError as exc:
                if exc.path is not None:  # a file is wrong, not the fit: nothing is written
                    raise
                unfitted = exc.message  # the data cannot carry the model: the rest stands
            else:
                tables["image_model.csv"] = model.table
    if args.outcome is None:
        note("no --outcome given: the image model (image_model.csv) is skipped; pass "
             f"--outcome with one of {', '.join(instrument.scales)}")
    with atomic_dir(args.out, managed=TABLES) as tmp:
        for name, table in tables.items():
            write_table(table, Path(tmp) / name, index=False)
    for name, table in tables.items():
        print(f"wrote {Path(args.out) / name} ({counted(len(table), 'row')})")
    scale_lines = reliability_warnings(responses, instrument, min_items=args.min_items)
    for w in dict.fromkeys([*scale_lines, *(str(w.message) for w in caught
                                            if w.category is ModelWarning)]):
        print(f"warning: {args.responses}: {w}", file=sys.stderr)
    if unfitted is not None:
        print(f"warning: {args.responses}: image model of {args.outcome!r} not fitted "
              f"(image_model.csv not written): {unfitted}", file=sys.stderr)
    return 0


def _whole_demographics(scores, instrument: Instrument):
    """``scores`` with each numeric demographic whose values are all whole numbers (an age:
    read as floats, a missing value being NaN) as integers, so that scale_scores.csv writes
    ``63``, not ``63.0000``; a demographic with a fractional value keeps its decimals."""
    for name in instrument.demographics:
        col = scores.get(name)
        if (col is not None and col.dtype.kind == "f" and col.notna().any()
                and (col.dropna() % 1 == 0).all()):
            scores[name] = col.astype("Int64")
    return scores


def _refuse_a_missing_survey(args: argparse.Namespace, own: list[str]) -> None:
    """Inside a study, its survey files (``own``: those not given as options) that are not
    there yet: say that the study has no survey, which files make one and their templates
    (not 'file not found; check the path')."""
    missing = [key for key in own if not is_input_file(getattr(args, key))]
    if not missing:
        return

    def where(key: str, what: str, *hints: str) -> str:
        path = Path(getattr(args, key))
        template = path.with_name(f"{path.stem}.template{path.suffix}")
        hints = (f"copy {template.as_posix()}",) * is_input_file(template) + hints
        return f"{what} to {path.as_posix()}" + (f" ({'; '.join(hints)})" if hints else "")

    if "instrument" in missing:
        answers = "responses" in missing
        raise InputError("this study has no survey yet; to add one, write "
                         + where("instrument", "the questionnaire")
                         + (" and " + where("responses", "the answers") if answers else "")
                         + f"; citra_eval's docs/survey.md describes {'both' if answers else 'it'}",
                         path=args.instrument)
    raise InputError("this study has no survey answers yet; write "
                     + where("responses", "them", "one row per respondent, one column per item")
                     + "; citra_eval's docs/survey.md describes it", path=args.responses)


def _check_model_names(args: argparse.Namespace, instrument: Instrument,
                       controls: list[str]) -> list[str] | None:
    """The image model's predictors (None: the library's default), after refusing names the
    model cannot take, with an error line that says what to give instead."""
    for flag, names in (("--predictors", args.predictors or []), ("--controls", controls)):
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise InputError(f"{flag} names {', '.join(twice)} more than once; give each once",
                             path="citra-eval")
    if args.outcome is None:
        if args.predictors:
            raise InputError("--predictors needs --outcome (the scale they explain)",
                             path="citra-eval")
        return None
    out_items = set(instrument.scales[args.outcome].items)
    for p in args.predictors or []:
        if p not in instrument.scales:
            raise InputError(f"--predictors {p!r} is not a scale of the instrument; use some "
                             f"of {', '.join(instrument.scales)}", path=args.instrument)
        if p == args.outcome or out_items & set(instrument.scales[p].items):
            raise InputError(f"--predictors {p!r} shares items with the outcome "
                             f"{args.outcome!r}; a predictor must be measured by other items",
                             path=args.instrument)
    for c in controls:
        if c in out_items or c in instrument.scales:
            what = "an item of the outcome" if c in out_items else "a scale"
            raise InputError(f"--controls {c!r} is {what}; controls are further response "
                             "columns such as demographics", path="citra-eval")
    if not args.predictors and not default_predictors(instrument, args.outcome):
        raise InputError(f"--outcome {args.outcome!r}: no predictor scales ("
                         f"{no_predictors_reason(instrument, args.outcome)}); give "
                         "--predictors SCALE ..., or mark the predictor scales with "
                         "'role: strategy' in the instrument", path=args.instrument)
    return list(args.predictors) if args.predictors else None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_survey(sub)

