"""``citra-eval validate``: check the inputs, one ``error:`` line per problem.

Inside a study folder with no path arguments, the whole study is checked from ``study.yaml``
(:func:`citra_eval.load_study`) and its warnings are printed as ``warning:`` lines (exit 0).
"""


from __future__ import annotations

import argparse
import sys

import pandas as pd

from ..codebook import Codebook
from ..codings import read_codings
from ..corpus import caught_transcript_warnings, read_transcripts
from ..errors import InputError, Problem, elided, for_cli, quoted
from ..learning import machine_output_signs
from ..psychometrics import reliability_warnings
from ..study import (
    cut_character_warnings,
    find_study_root,
    load_study,
    same_code_warnings,
    shown_path,
    transcript_warnings,
    turn_role_warnings,
)
from ..survey import Instrument, read_responses
from ._common import (
    Problems,
    counted,
    distinct_files,
    from_study,
    study_codebook,
    study_here,
)


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate", help="check a study (or given transcripts, codebook, codings, survey files)",
        description="Inside a study folder without arguments: check the whole study from "
                    "study.yaml (every input, and what the notebooks need: outcome, controls, "
                    "compare_by and kwic against the data) and print 'warning:' lines for what "
                    "will be skipped or looks wrong (exit 0). With file arguments: check those "
                    "files (inside a study, codings are checked against its transcripts and "
                    "codebook unless --transcripts or --codebook is given). One 'error:' line "
                    "per problem, exit 2.")
    p.add_argument("--root", metavar="DIR",
                   help="the study folder to check (default: the one holding study.yaml here "
                        "or above)")
    p.add_argument("--transcripts", metavar="DIR", help="folder (or file) of transcripts")
    p.add_argument("--codebook", metavar="FILE", help="codebook YAML")
    p.add_argument("--codings", metavar="FILE", nargs="+", default=[], help="codings CSV file(s)")
    p.add_argument("--instrument", metavar="FILE", help="survey instrument YAML")
    p.add_argument("--responses", metavar="FILE", help="survey responses CSV")
    lint = p.add_mutually_exclusive_group()
    lint.add_argument("--lint", action="store_true",
                      help="also lint the codebook when checking a whole study (patterns "
                           "that stemming widens, slang no pattern reaches, patterns that "
                           "never match); with file arguments it is on by default")
    lint.add_argument("--no-lint", action="store_true",
                      help="skip the codebook lint when checking given files")
    p.set_defaults(func=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    files = [args.transcripts, args.codebook, args.codings, args.instrument, args.responses]
    if args.root is not None or not any(files):
        if args.root is not None and any(files):
            raise InputError("give either --root (check a whole study) or file arguments, "
                             "not both", path="citra-eval")
        return _validate_study(args.root, lint=args.lint)
    return _validate_files(args)


def _validate_study(root, *, lint: bool = False) -> int:
    if root is None:  # the command's own message, not load_study's (a notebook's advice)
        try:
            find_study_root()
        except InputError as exc:
            raise InputError(for_cli(exc.message).replace(
                "; run inside a study", "; run inside a study (or give --transcripts, "
                "--codebook, --codings, --instrument and/or --responses)"),
                path=exc.path) from None
    study = load_study(root)
    print(f"ok: study.yaml: {elided(study.settings.title, 100)}")
    for line in study.summary():
        print(f"ok: {line}")
    lines = list(study.warnings)
    if study.instrument is not None and study.responses is not None:
        lines += _item_warnings(study.responses, study.instrument,
                                study.settings.relative(study.settings.responses),
                                min_items=study.settings.min_items)
    for line in lines:
        print(for_cli(line), file=sys.stderr)
    if lines:
        print(f"{len(lines)} warning(s)", file=sys.stderr)
    if study.codebook is not None and lint:
        _print_lint(study.codebook, study.corpus, study.settings.relative(study.settings.codebook),
                    unchecked="the study has no transcripts")
    return 0


def _validate_files(args: argparse.Namespace) -> int:
    distinct_files(args.codings, "--codings")
    problems = Problems()
    attempt = problems.attempt
    summary: list[str] = []
    settings = study_here() if args.codings else None
    if args.codings and not args.transcripts:
        # codings are checked against their transcripts: inside a study, the study's
        if settings is not None and settings.transcripts.exists():
            args.transcripts = from_study(None, settings, "transcripts", "--transcripts")
    with caught_transcript_warnings() as notes:
        corpus = attempt(read_transcripts, args.transcripts) if args.transcripts else None
    if corpus is not None:
        summary.append(f"transcripts: {counted(len(corpus), 'document')}, "
                       f"{counted(len(corpus.segments), 'segment')}")
    codebook_path = args.codebook
    if codebook_path is None and args.codings:
        # codings checked against a study's transcripts (wherever the codings file lies, e.g.
        # a coder's file in Downloads), or a study's own codings: the study's codebook
        codebook_path = study_codebook(settings, args.transcripts or args.codings)
    codebook = attempt(Codebook.load, codebook_path) if codebook_path else None
    if codebook is not None:
        summary.append(f"codebook: {len(codebook)} codes ({len(codebook.codable_ids)} codable)")
    read, off_turns = [], []
    for f in args.codings:
        codings = attempt(read_codings, f, corpus=corpus, codebook=codebook, keep_lines=True)
        if codings is not None:
            if corpus is not None:
                off_turns += turn_role_warnings(codings, corpus, path=f)
            off_turns += same_code_warnings(codings, path=f)
            off_turns += _machine_warnings(codings, f)
            if corpus is not None:
                off_turns += cut_character_warnings(codings, corpus, path=f)
            codings = codings.drop(columns="_line")
            read.append(codings)
            coders = ", ".join(sorted(codings["coder"].unique()))
            summary.append(f"codings {f}: {counted(len(codings), 'coding')} by {coders}"
                           if coders else
                           f"codings {f}: no codings yet")
    if args.instrument or args.responses:
        summary.extend(_validate_survey(args, attempt, problems))
    problems.raise_any()
    for line in summary:
        print(f"ok: {line}")
    if args.codings and not args.transcripts:
        print("warning: the codings were not checked against their transcripts (offsets, "
              "text): give --transcripts DIR", file=sys.stderr)
    if read and codebook is None:
        print("warning: the codes were not checked against a codebook: give --codebook FILE",
              file=sys.stderr)
    if corpus is None:
        for line in off_turns:
            print(line, file=sys.stderr)
    else:  # the warnings a study gives about its transcripts, here too
        lines = [f"warning: {note}" for note in notes]
        lines += off_turns + transcript_warnings(corpus, pd.concat(read) if read else None,
                                                 transcripts=shown_path(args.transcripts))
        for line in lines:
            print(line, file=sys.stderr)
        if lines:
            print(f"{len(lines)} warning(s)", file=sys.stderr)
    if codebook is not None and not args.no_lint:
        _print_lint(codebook, corpus, codebook_path,
                    unchecked="give --transcripts DIR to check them")
    return 0


def _print_lint(codebook: Codebook, corpus, path: str, *, unchecked: str) -> None:
    """``warning:``/``note:`` lines after the ``ok:`` lines, one per lint finding (patterns
    that never match are grouped per code); they are advice, so the exit code stays 0.
    Without a corpus, a note says the patterns were not checked against transcripts
    (``unchecked`` says why, or how to)."""
    found = codebook.lint(corpus=corpus)
    never = found["check"] == "never_matches"
    for row in found[~never].itertuples(index=False):
        print(f"{row.severity}: {_where(path, row.line)}: {row.message}")
    n_docs = len(corpus.doc_ids) if corpus is not None else 0
    for code, group in found[never].groupby("code", sort=False):
        shown = ", ".join(quoted(p, 40) if k == "phrase" else f"regex {quoted(p, 40)}"
                          for p, k in zip(group["pattern"], group["kind"], strict=True))
        print(f"note: {_where(path, group['line'].min())}: {len(group)} pattern(s) of {code} "
              f"match no turn of the {n_docs} transcript(s): {shown}")
    if corpus is None:
        print(f"note: {path}: the patterns were not checked against transcripts, so those "
              f"that match no turn are not listed ({unchecked})")
    if len(found):
        n_warn = int((found["severity"] == "warning").sum())
        print(f"codebook lint: {n_warn} warning(s), {len(found) - n_warn} note(s); advice, not "
              "errors")


def _where(path: str, line) -> str:
    return path if line is None or pd.isna(line) else f"{path}:{int(line)}"


def _validate_survey(args, attempt, problems) -> list[str]:

    out = []
    instrument = attempt(Instrument.load, args.instrument) if args.instrument else None
    if instrument is not None:
        out.append(f"instrument: {instrument.describe()}")
    if args.responses:
        if instrument is None and not args.instrument:
            problems.append(Problem(args.responses, "validating responses needs --instrument"))
        elif instrument is not None:
            resp = attempt(read_responses, args.responses, instrument)
            if resp is not None:
                out.append(f"responses: {counted(len(resp), 'respondent')}")
                for line in _item_warnings(resp, instrument, args.responses):
                    print(line, file=sys.stderr)
    return out


def _machine_warnings(codings: pd.DataFrame, path: str) -> list[str]:
    """A ``warning:`` line when a codings file looks like a machine's output (the library's
    one test, :func:`~citra_eval.learning.machine_output_signs`), as a study's own codings
    files are warned about: counted as a coder's, the machine would be measured against
    itself."""
    signs = machine_output_signs(codings)
    if signs is None:
        return []
    return [f"warning: {path}: looks like an auto-coder's output ({signs}): taken as a "
            "coder's codings (reliability, the themes, the comparisons with the auto-coder) "
            "the machine would count as a coder and be measured against itself; have a "
            "person review them (e.g. in a coding sheet: citra-eval sheet) and save them "
            "without 'score', or keep machine codings apart from the coders' files"]


def _item_warnings(resp, instrument, path: str, *, min_items: int | None = None) -> list[str]:
    """``warning:`` lines (for stderr; the exit status is unchanged): every warning of
    :func:`citra_eval.scale_reliability` and :func:`citra_eval.item_statistics`
    (:func:`~citra_eval.psychometrics.reliability_warnings`), as ``survey`` and
    ``reproduce`` print them."""
    return [f"warning: {path}: {line}"
            for line in reliability_warnings(resp, instrument, min_items=min_items)]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_validate(sub)
