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


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_validate, _add_reproduce,
                                                                _add_verify]


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
