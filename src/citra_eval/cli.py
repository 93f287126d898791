"""The ``citra-eval`` command line: a thin layer over the library.

Exit codes: 0 success; 2 the input is wrong (``error: <file>[:<line>]: ...`` lines on
stderr, nothing written); 1 a bug in citra_eval (traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .errors import InputError, Problem

Handler = Callable[[argparse.Namespace], int]


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check transcripts, codebook, codings and survey files",
                       description="Check the inputs; print one 'error:' line per problem.")
    p.add_argument("--transcripts", metavar="DIR", help="folder (or file) of transcripts")
    p.add_argument("--codebook", metavar="FILE", help="codebook YAML")
    p.add_argument("--codings", metavar="FILE", nargs="+", default=[], help="codings CSV file(s)")
    p.add_argument("--instrument", metavar="FILE", help="survey instrument YAML")
    p.add_argument("--responses", metavar="FILE", help="survey responses CSV")
    p.set_defaults(func=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    from .codebook import Codebook
    from .codings import read_codings
    from .corpus import read_transcripts

    problems: list[Problem] = []
    summary: list[str] = []

    def attempt(fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    if not any([args.transcripts, args.codebook, args.codings, args.instrument, args.responses]):
        raise InputError("nothing to validate: give --transcripts, --codebook, --codings, "
                         "--instrument and/or --responses", path="citra-eval")
    corpus = attempt(read_transcripts, args.transcripts) if args.transcripts else None
    if corpus is not None:
        summary.append(f"transcripts: {len(corpus)} documents, {len(corpus.segments)} segments")
    codebook = attempt(Codebook.load, args.codebook) if args.codebook else None
    if codebook is not None:
        summary.append(f"codebook: {len(codebook)} codes ({len(codebook.codable_ids)} codable)")
    for f in args.codings:
        codings = attempt(read_codings, f, corpus=corpus, codebook=codebook)
        if codings is not None:
            coders = ", ".join(sorted(codings["coder"].unique()))
            summary.append(f"codings {f}: {len(codings)} codings by {coders or 'nobody'}")
    if args.instrument or args.responses:
        summary.extend(_validate_survey(args, attempt, problems))
    if problems:
        raise InputError(problems=problems)
    for line in summary:
        print(f"ok: {line}")
    return 0


def _validate_survey(args, attempt, problems) -> list[str]:
    try:
        from .survey import Instrument, read_responses
    except ImportError:  # survey module not available in this build
        return []
    out = []
    instrument = attempt(Instrument.load, args.instrument) if args.instrument else None
    if instrument is not None:
        out.append(f"instrument: {len(instrument.scales)} scales")
    if args.responses:
        if instrument is None and not args.instrument:
            problems.append(Problem(args.responses, "validating responses needs --instrument"))
        elif instrument is not None:
            resp = attempt(read_responses, args.responses, instrument)
            if resp is not None:
                out.append(f"responses: {len(resp)} respondents")
    return out


def _add_reproduce(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reproduce", help="rebuild every figure and table from the raw inputs",
        description="Check the raw inputs against data/raw/CHECKSUMS.sha256, run "
                    "notebooks/NN-*.ipynb headless in order, and write figures, tables, "
                    "executed notebooks, provenance.json and MANIFEST.sha256 to reports/.")
    p.add_argument("--check", action="store_true",
                   help="rebuild in a temporary folder; exit 1 listing every file that differs "
                        "from reports/MANIFEST.sha256")
    p.add_argument("--update-checksums", action="store_true",
                   help="deliberately record the current raw inputs in data/raw/CHECKSUMS.sha256 "
                        "first")
    p.add_argument("--root", metavar="DIR", help="project folder (default: found from here)")
    p.add_argument("--lang", choices=["id", "en"], default="id", help="label language")
    p.add_argument("--seed", type=int, default=0, help="seed of every random step")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="report each notebook even when stderr is not a terminal")
    p.set_defaults(func=_run_reproduce)


def _progress(verbose: bool):
    if not (verbose or sys.stderr.isatty()):
        return None

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    return say


def _print_differences(diffs, what: str) -> int:
    if diffs:
        for d in diffs:
            print(f"{d}", file=sys.stderr)
        print(f"{len(diffs)} file(s) differ from {what}", file=sys.stderr)
        return 1
    return 0


def _run_reproduce(args: argparse.Namespace) -> int:
    from .reproduce import NotebookError, reproduce

    try:
        res = reproduce(args.root, check=args.check, lang=args.lang, seed=args.seed,
                        update_checksums=args.update_checksums, progress=_progress(args.verbose))
    except NotebookError as exc:
        if exc.ename == "InputError":  # bad user input surfaced inside a notebook
            print(f"error: {exc.notebook}: {exc.evalue}", file=sys.stderr)
            return 2
        print(f"notebook failed: {exc}", file=sys.stderr)
        return 1
    times = ", ".join(f"{k.split('-')[0]} {v:.1f} s" for k, v in res.timings.items())
    if args.check:
        code = _print_differences(res.differences, "reports/MANIFEST.sha256")
        if code == 0:
            print(f"ok: {len(res.files)} files rebuilt identical to reports/MANIFEST.sha256 "
                  f"in {res.seconds:.1f} s ({times})")
        return code
    print(f"reproduced {len(res.timings)} notebooks, {len(res.files)} files in reports/ in "
          f"{res.seconds:.1f} s ({times})")
    return 0


def _add_verify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check the files in reports/ against reports/MANIFEST.sha256",
                       description="Check every figure and table in reports/ against the "
                                   "manifest; exit 1 listing those that differ.")
    p.add_argument("--root", metavar="DIR", help="project folder (default: found from here)")
    p.set_defaults(func=_run_verify)


def _run_verify(args: argparse.Namespace) -> int:
    from .reproduce import verify

    diffs = verify(args.root)
    code = _print_differences(diffs, "reports/MANIFEST.sha256")
    if code == 0:
        print("ok: every file in reports/ matches reports/MANIFEST.sha256")
    return code


def _add_survey(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("survey", help="score, check and model a survey",
                       description="Validate the instrument and responses, then write scale "
                                   "scores, reliability, item statistics, the Likert table and "
                                   "the image model as CSV files into DIR.")
    p.add_argument("--instrument", metavar="FILE", required=True, help="instrument YAML")
    p.add_argument("--responses", metavar="FILE", required=True, help="responses CSV")
    p.add_argument("--out", metavar="DIR", required=True, help="output folder")
    p.add_argument("--outcome", default=None,
                   help="outcome scale of the image model (default CITRA; the model is "
                        "skipped when the instrument has no CITRA scale)")
    p.add_argument("--controls", nargs="*", default=None, metavar="COLUMN",
                   help="control columns of the image model (default: district when present)")
    p.add_argument("--min-items", type=int, default=None,
                   help="answered items needed for a scale score (default 1)")
    p.add_argument("--lang", default="id", help="language of labels (id or en)")
    p.set_defaults(func=_run_survey)


def _run_survey(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ._io import atomic_dir, write_csv
    from .models import image_model
    from .psychometrics import item_statistics, scale_reliability
    from .survey import Instrument, likert_table, read_responses, score_scales

    instrument = Instrument.load(args.instrument)
    responses = read_responses(args.responses, instrument)
    if args.min_items is not None and args.min_items < 1:
        raise InputError(f"--min-items must be >= 1, got {args.min_items}", path="citra-eval")
    controls = args.controls
    if controls is None:
        controls = ["district"] if "district" in responses.columns else []
    unknown = [c for c in controls if c not in responses.columns]
    if unknown:
        raise InputError(f"--controls: column(s) {', '.join(unknown)} not in the responses",
                         path=args.responses, line=1)
    tables = {
        "scale_scores.csv": score_scales(responses, instrument, min_items=args.min_items),
        "reliability.csv": scale_reliability(responses, instrument),
        "item_statistics.csv": item_statistics(responses, instrument),
        "likert.csv": likert_table(responses, instrument, lang=args.lang),
    }
    if args.outcome is not None and args.outcome not in instrument.scales:
        raise InputError(f"--outcome {args.outcome!r} is not a scale of the instrument; use one "
                         f"of {', '.join(instrument.scales)}", path=args.instrument)
    outcome = args.outcome or "CITRA"
    if outcome in instrument.scales:
        tables["image_model.csv"] = image_model(responses, instrument, outcome=outcome,
                                                controls=controls, min_items=args.min_items)
    with atomic_dir(args.out) as tmp:
        for name, table in tables.items():
            write_csv(table, Path(tmp) / name)
    for name, table in tables.items():
        print(f"wrote {Path(args.out) / name} ({len(table)} rows)")
    return 0


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_validate, _add_survey, _add_reproduce, _add_verify]


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="citra-eval",
        description="Mixed-methods evaluation of PR image building: code transcripts, measure "
                    "inter-coder reliability, analyse the survey, reproduce every figure.")
    parser.add_argument("--version", action="version", version=f"citra-eval {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(exc.format(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
