"""``citra-eval code``: auto-code transcripts with the codebook's patterns."""


from __future__ import annotations

import argparse
import sys

from ..autocoding import autocode, autocode_report, match_patterns
from ..codebook import Codebook
from ..codings import write_codings
from ..corpus import read_transcripts
from ..errors import Problem
from ._common import Problems, add_force, check_outputs, from_study, study_here


def _add_code(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("code", help="auto-code transcripts with the codebook's patterns",
                       description="Auto-code the informant turns (phrases on stemmed tokens, "
                                   "regexes on case-folded text); write a codings CSV and print "
                                   "a summary (codings per code, patterns that never matched) "
                                   "to stderr.")
    p.add_argument("--transcripts", metavar="DIR",
                   help="folder (or file) of transcripts (default inside a study: its "
                        "transcripts)")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML (default inside a study: its codebook)")
    p.add_argument("--out", metavar="FILE.csv", required=True, help="codings CSV to write")
    p.add_argument("--unit", choices=["turn", "sentence"], default="turn",
                   help="code whole turns (default) or sentences")
    p.add_argument("--include-interviewer", action="store_true",
                   help="also code the interviewer's turns")
    p.add_argument("--coder", default="auto", help="value of the coder column (default auto)")
    add_force(p)
    p.set_defaults(func=_run_code)


def _run_code(args: argparse.Namespace) -> int:
    from pathlib import Path


    study = study_here()
    args.transcripts = from_study(args.transcripts, study, "transcripts", "--transcripts")
    args.codebook = from_study(args.codebook, study, "codebook", "--codebook")
    check_outputs(inputs={"--transcripts": args.transcripts, "--codebook": args.codebook},
                  files={"--out": args.out}, force=args.force)
    problems = Problems()
    corpus = problems.attempt(read_transcripts, args.transcripts)
    codebook = problems.attempt(Codebook.load, args.codebook)
    if Path(args.out).suffix.lower() != ".csv":
        problems.append(Problem(args.out, "--out must name a .csv file"))
    problems.raise_any()
    roles = ("informant", "interviewer") if args.include_interviewer else ("informant",)
    hits = match_patterns(corpus, codebook, roles=roles)
    codings = autocode(corpus, codebook, coder=args.coder, unit=args.unit, roles=roles,
                       hits=hits)
    report = autocode_report(codings, corpus=corpus, codebook=codebook, hits=hits, roles=roles)
    write_codings(codings, args.out, corpus=corpus)
    counts, never = report.counts, report.never_matched
    err = sys.stderr
    print(f"auto-coded {len(corpus)} documents: {len(codings)} codings, {len(hits)} pattern "
          f"hits, {len(report.uncoded)} turns without a code; wrote {args.out}", file=err)
    width = max((len(c) for c in counts["code"]), default=4)
    for row in counts.itertuples(index=False):
        print(f"  {row.code:<{width}}  {row.n_codings:>5} codings  {row.n_documents:>3} "
              f"documents", file=err)
    if len(never):
        print(f"patterns that never matched ({len(never)}):", file=err)
        for row in never.itertuples(index=False):
            shown = row.pattern if row.kind == "phrase" else f"regex: {row.pattern}"
            print(f"  {row.code}: {shown}", file=err)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_code(sub)

