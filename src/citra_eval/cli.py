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


def _add_agree(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agree", help="inter-coder reliability of two or more coders' codings",
        description="Compute per-code and whole-codebook reliability (percent agreement, Cohen, "
                    "Fleiss, Krippendorff's alpha with a bootstrap interval, Gwet's AC1) and "
                    "write it as CSV; optionally write the disagreements for a consensus "
                    "meeting.")
    p.add_argument("--transcripts", metavar="DIR", required=True,
                   help="folder (or file) of transcripts")
    p.add_argument("--codings", metavar="FILE", nargs="+", required=True,
                   help="codings CSV file(s) holding two or more coders")
    p.add_argument("--out", metavar="FILE.csv", required=True, help="reliability table (CSV)")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML: report every codable code, reject unknown codes")
    p.add_argument("--unit", choices=["segment", "document"], default="segment",
                   help="unit of analysis (default: segment)")
    p.add_argument("--coders", metavar="NAME", nargs="+", help="coders to compare (default: all)")
    p.add_argument("--roles", metavar="ROLE", nargs="+", default=["informant"],
                   help="speaker roles whose segments are units (default: informant); "
                        "'all' for every segment")
    p.add_argument("--coverage", choices=["all", "documents"], default="all",
                   help="'documents': a coder rated only documents they coded (default: all)")
    p.add_argument("--seed", metavar="N", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--n-boot", metavar="N", type=int, default=1000,
                   help="bootstrap replicates (default 1000; 0 for none)")
    p.add_argument("--ci", metavar="LEVEL", type=float, default=0.95,
                   help="confidence level (default 0.95)")
    p.add_argument("--disagreements", metavar="FILE.csv",
                   help="also write every disputed segment with its text and each coder's codes")
    p.set_defaults(func=_run_agree)


def _run_agree(args: argparse.Namespace) -> int:
    import pandas as pd

    from ._io import write_csv
    from .agreement import agreement, disagreements
    from .codebook import Codebook
    from .codings import read_codings
    from .corpus import read_transcripts

    problems: list[Problem] = []

    def attempt(fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    if args.n_boot < 0:
        problems.append(Problem("--n-boot", f"must be 0 or more, got {args.n_boot}"))
    if not 0 < args.ci < 1:
        problems.append(Problem("--ci", f"must be between 0 and 1 (e.g. 0.95), got {args.ci}"))
    corpus = attempt(read_transcripts, args.transcripts)
    codebook = attempt(Codebook.load, args.codebook) if args.codebook else None
    tables = [attempt(read_codings, f, corpus=corpus, codebook=codebook) for f in args.codings]
    if problems:
        raise InputError(problems=problems)
    codings = pd.concat(tables, ignore_index=True)
    clash = codings.duplicated(["doc_id", "segment_id", "start", "end", "code", "coder"])
    if clash.any():
        first = codings[clash].iloc[0]
        raise InputError(f"{int(clash.sum())} coding(s) appear in more than one file (e.g. "
                         f"{first.doc_id} segment {first.segment_id}, code {first.code!r}, coder "
                         f"{first.coder!r}); give each coder's codings once",
                         path=" ".join(args.codings))
    roles = None if args.roles == ["all"] else args.roles
    where = " ".join(args.codings)
    try:
        table = agreement(codings, corpus=corpus, coders=args.coders, unit=args.unit,
                          codes=codebook, n_boot=args.n_boot, seed=args.seed, ci=args.ci,
                          roles=roles, coverage=args.coverage)
        report = (disagreements(codings, corpus=corpus, coders=args.coders, roles=roles,
                                coverage=args.coverage) if args.disagreements else None)
    except InputError as exc:
        raise InputError(problems=[Problem(p.path or where, p.message, p.line, p.column)
                                   for p in exc.problems]) from None
    write_csv(table, args.out)
    print(f"wrote {args.out}: {len(table) - 1} codes + ALL, {int(table['n_units'].iloc[-1])} "
          f"{args.unit}s, coders {', '.join(table.attrs['coders'])}")
    if report is not None:
        write_csv(report, args.disagreements)
        print(f"wrote {args.disagreements}: {len(report)} disputed segment(s)")
    return 0


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_validate, _add_agree]


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
