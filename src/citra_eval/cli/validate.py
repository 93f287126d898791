"""``citra-eval validate``: check the inputs, one ``error:`` line per problem."""


from __future__ import annotations

import argparse

from ..codebook import Codebook
from ..codings import read_codings
from ..corpus import read_transcripts
from ..errors import InputError, Problem
from ..survey import Instrument, read_responses
from ._common import Problems


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

    problems = Problems()
    attempt = problems.attempt
    summary: list[str] = []

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
    problems.raise_any()
    for line in summary:
        print(f"ok: {line}")
    return 0


def _validate_survey(args, attempt, problems) -> list[str]:

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


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_validate(sub)

