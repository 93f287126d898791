"""``citra-eval agree``: inter-coder reliability of codings files."""


from __future__ import annotations

import argparse
import fnmatch
import os
import re
import sys
import warnings
from pathlib import Path, PurePosixPath

import pandas as pd

from .._files import read_text_file
from .._validation import n_boot_problem
from .._yaml import load_yaml
from ..codebook import Codebook
from ..codings import read_codings, write_codings
from ..corpus import read_transcripts
from ..errors import InputError, Problem
from ..intercoder import (
    CONSENSUS_CODER,
    CONSENSUS_NOTE,
    CoverageWarning,
    agreement,
    consensus,
    disagreements,
)
from ..outputs import notes_from_warnings, write_table
from ..study import (
    DEFAULT_PATHS,
    consensus_file_problem,
    declared_empty_coder,
    declared_without_codings,
    drop_unknown_codes,
    shown_path,
)
from ._common import (
    Problems,
    add_coverage,
    add_force,
    check_coverage_coders,
    check_outputs,
    coder_name,
    coverage_problem,
    from_study,
    inside_study,
    named_coverage_file,
    read_coverage,
    require_csv,
    seed_value,
    study_codebook,
    study_coverage,
    study_here,
)

#: The rules of ``--rule`` (those of :func:`~citra_eval.consensus`).
RULES = ("agreed", "any", "majority", "adjudicator")


def _add_agree(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agree", help="inter-coder reliability of two or more coders' codings",
        description="Compute per-code and whole-codebook reliability (percent agreement, Cohen, "
                    "Fleiss, Krippendorff's alpha with a bootstrap interval, Gwet's AC1) and "
                    "write it as CSV; optionally write the disagreements for a consensus "
                    "meeting.")
    p.add_argument("--transcripts", metavar="DIR",
                   help="folder (or file) of transcripts (default inside a study: its "
                        "transcripts)")
    p.add_argument("--codings", metavar="FILE", nargs="+",
                   help="codings CSV file(s) holding two or more coders (default inside a "
                        "study: its codings files)")
    p.add_argument("--out", metavar="FILE.csv", required=True,
                   help="reliability table (CSV; written as reports/ tables are: 4 decimals)")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML: report every codable code, reject unknown codes "
                        "(default inside a study, for its transcripts: its codebook, and codes "
                        "it lacks are left out with a warning, as validate and reproduce do)")
    p.add_argument("--unit", choices=["segment", "document"], default="segment",
                   help="unit of analysis (default: segment)")
    p.add_argument("--coders", metavar="NAME", nargs="+", type=coder_name,
                   help="coders to compare (default: all)")
    p.add_argument("--roles", metavar="ROLE", nargs="+", default=["informant"],
                   help="speaker roles whose segments are units (default: informant); "
                        "'all' for every segment")
    add_coverage(p, "every coder rated every document, with a note when their codings are in "
                    "different documents")
    p.add_argument("--seed", metavar="N", type=seed_value, default=None,
                   help="bootstrap seed (default inside a study: its study.yaml's seed, as "
                        "notebook 02 uses; else 0)")
    p.add_argument("--n-boot", metavar="N", type=int, default=1000,
                   help="bootstrap replicates (default 1000; 0 for none; else at least "
                        "2 / (1 - ci), 40 for a 95%% interval)")
    p.add_argument("--ci", metavar="LEVEL", type=float, default=0.95,
                   help="confidence level (default 0.95)")
    p.add_argument("--no-masi", action="store_true",
                   help="skip the set-valued (MASI) alpha of the ALL row (slow on huge tables)")
    p.add_argument("--disagreements", metavar="FILE.csv",
                   help="also write every disputed segment with its text and each coder's codes")
    p.add_argument("--consensus", metavar="FILE.csv",
                   help="also write the coders' consensus coding (coder 'consensus'), a "
                        "codings file; write it outside the study's codings files (a "
                        "consensus among them is refused: it would count as one more "
                        "coder)")
    p.add_argument("--rule", choices=RULES,
                   help="how --consensus keeps a code in a segment: every coder applied it "
                        "(agreed, the default), at least one (any), more than half "
                        "(majority), or agreed codes plus the --adjudicator's codings where "
                        "the coders disagree (adjudicator)")
    p.add_argument("--adjudicator", metavar="NAME", type=coder_name,
                   help="the coder whose codings settle disputes (with --rule adjudicator)")
    add_force(p)
    p.set_defaults(func=_run_agree)


#: How check_roles's warning begins when no turn has the roles compared.
_NO_TURN = "no turn has the role"


def _show(caught) -> None:
    """Show the warnings ``caught`` (recorded) as the command shows warnings."""
    for w in caught:
        warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _leave_out_unknown_codes(codings: pd.DataFrame, paths: list[str], corpus,
                             codebook: Codebook) -> pd.DataFrame:
    """The codings whose code the study's codebook can code; a ``warning:`` line (stderr)
    per other code, with the file and line of its first coding."""
    known = codings["code"].isin(set(codebook.codable_ids))
    if known.all():
        return codings
    for path in paths:
        _, lines = drop_unknown_codes(read_codings(path, corpus=corpus, keep_lines=True),
                                      codebook, path)
        for line in lines:
            print(line, file=sys.stderr)
    return codings[known].reset_index(drop=True)


def _run_agree(args: argparse.Namespace) -> int:


    study = study_here()
    if args.seed is None:  # inside a study its seed, so the intervals are notebook 02's
        args.seed = study.seed if study is not None else 0
    args.transcripts = from_study(args.transcripts, study, "transcripts", "--transcripts")
    the_studys = args.codings is None  # its coders' files: no consensus among them
    args.codings = from_study(args.codings, study, "codings", "--codings")
    lenient = args.codebook is None  # the study's own codebook: warn like validate/reproduce
    if lenient:
        args.codebook = study_codebook(study, args.transcripts or args.codings)
    if not args.codings:
        raise InputError("the study has no codings files yet; code the transcripts first "
                         "(one codings_<coder>.csv per coder)", path="citra-eval")
    if args.coverage is None and inside_study(study, args.transcripts, args.codings):
        args.coverage = study_coverage(study, args.transcripts, args.codings)
    # elsewhere not given (None): every coder rated every document, noted when unlikely
    coverage_file = named_coverage_file(args.coverage)
    check_outputs(inputs={"--transcripts": args.transcripts, "--codings": args.codings,
                          "--codebook": args.codebook, "--coverage": coverage_file},
                  files={"--out": args.out, "--disagreements": args.disagreements,
                         "--consensus": args.consensus},
                  force=args.force, examples={"--out": "agreement.csv",
                                              "--disagreements": "disagreements.csv",
                                              "--consensus": "consensus.csv"})
    require_csv({"--out": args.out, "--disagreements": args.disagreements,
                 "--consensus": args.consensus})
    problems = Problems()
    attempt = problems.attempt
    problems.extend(_consensus_problems(args))
    if args.consensus is not None and (pattern := _codings_pattern_of(study, args.consensus)):
        problems.append(Problem(args.consensus, f"--consensus would write the consensus among "
                                f"the study's codings files ({pattern}), where it would be "
                                "counted as one more coder (agreeing with the coders it was "
                                "made of) and validate and agree would refuse the study; "
                                "write it outside them, e.g. --consensus data/consensus.csv"))
    if args.n_boot < 0:
        problems.append(Problem("--n-boot", f"must be 0 or more, got {args.n_boot}"))
    twice = sorted({c for c in args.coders or () if args.coders.count(c) > 1})
    if twice:
        problems.append(Problem("--coders", f"coder(s) {', '.join(map(repr, twice))} given more "
                                "than once; name each coder once (e.g. --coders A B)"))
    elif args.coders is not None and len(args.coders) < 2:
        problems.append(Problem("--coders", f"names 1 coder ({args.coders[0]}); agreement "
                                "compares two or more: name them all, or leave --coders out "
                                "to compare every coder"))
    if not 0 < args.ci < 1:
        problems.append(Problem("--ci", f"must be between 0 and 1 (e.g. 0.95), got {args.ci}"))
    elif args.n_boot > 0 and (why := n_boot_problem(args.n_boot, args.ci)):
        problems.append(Problem("--n-boot", why))
    coverage, coverage_lines = args.coverage, {}
    if coverage_file is not None:
        coverage, coverage_lines = attempt(read_coverage, coverage_file) or (None, {})
    corpus = attempt(read_transcripts, args.transcripts)
    codebook = attempt(Codebook.load, args.codebook) if args.codebook else None
    codings = attempt(read_codings, args.codings, corpus=corpus,
                      codebook=None if lenient else codebook)
    if the_studys and codings is not None and (
            (codings["coder"].astype(str) == CONSENSUS_CODER).any()
            or codings["note"].astype("string").str.fullmatch(CONSENSUS_NOTE).any()):
        problems.extend(p for path in args.codings if (p := consensus_file_problem(
            read_codings(path, keep_lines=True), path)) is not None)
    problems.raise_any()
    if coverage_file is not None:
        check_coverage_coders(coverage_lines, codings, coverage_file)
    if lenient and codebook is not None:
        codings = _leave_out_unknown_codes(codings, args.codings, corpus, codebook)
    roles = None if args.roles == ["all"] else args.roles
    where = " ".join(args.codings)
    from_yaml = isinstance(coverage, dict) and coverage_file is None
    silent = _silent_declared_coders(args.codings, codings, corpus, study) if from_yaml \
        else []
    if args.coders is None:
        _check_two_coders(codings, where, study if inside_study(
            study, args.transcripts, args.codings) else None, silent=silent)
    try:
        with warnings.catch_warnings(record=True) as caught, \
                notes_from_warnings(CoverageWarning):
            warnings.simplefilter("default")
            table = agreement(codings, corpus=corpus, coders=args.coders, unit=args.unit,
                              codes=codebook, n_boot=args.n_boot, seed=args.seed, ci=args.ci,
                              roles=roles, coverage=coverage,
                              masi=False if args.no_masi else None)
            report = (disagreements(codings, corpus=corpus, coders=args.coders, roles=roles,
                                    coverage=coverage) if args.disagreements else None)
            merged = (consensus(codings, rule=args.rule or "agreed",
                                adjudicator=args.adjudicator, coders=args.coders,
                                corpus=corpus, coverage=coverage)
                      if args.consensus else None)
    except InputError as exc:
        # the error says why no turn was selected: not the roles' warning again before it
        _show(w for w in caught if not str(w.message).startswith(_NO_TURN))
        raise InputError(problems=[_where(p, where, study if from_yaml else None,
                                          coverage_file, coverage_lines)
                                   for p in exc.problems]) from None
    _show(caught)
    write_table(table, args.out, index=False)
    print(f"wrote {args.out}: {len(table) - 1} codes + ALL, {int(table['n_units'].iloc[-1])} "
          f"{args.unit}s, coders {', '.join(table.attrs['coders'])}")
    if report is not None:
        write_table(report, args.disagreements, index=False)
        print(f"wrote {args.disagreements}: {len(report)} disputed segment(s)")
    if merged is not None:
        write_codings(merged, args.consensus, corpus=corpus, replace_raw=args.force)
        print(f"wrote {args.consensus}: {len(merged)} consensus coding(s), rule "
              f"{args.rule or 'agreed'}")
    return 0


def _consensus_problems(args: argparse.Namespace) -> list[Problem]:
    """What is wrong with --consensus, --rule and --adjudicator together."""
    if args.consensus is None:
        given = [f for f, v in (("--rule", args.rule), ("--adjudicator", args.adjudicator))
                 if v is not None]
        return [Problem(flag, "needs --consensus FILE.csv (the consensus coding to write)")
                for flag in given]
    if args.rule == "adjudicator" and args.adjudicator is None:
        return [Problem("--rule", "'adjudicator' needs --adjudicator NAME (the coder whose "
                        "codings settle disputes)")]
    if args.adjudicator is not None and args.rule != "adjudicator":
        return [Problem("--adjudicator", "is used with --rule adjudicator only; add --rule "
                        "adjudicator, or leave --adjudicator out")]
    return []


def _codings_pattern_of(study, path: str) -> str | None:
    """The entry of the study's ``codings`` (study.yaml's glob or file, or the default glob)
    that the file ``path`` would be read by, existing or not; None when it would not be
    (or outside a study)."""
    if study is None:
        return None
    root = study.path.parent.resolve()
    target = Path(path).resolve()
    if target in study.codings:
        return study.relative(target)
    if not target.is_relative_to(root):
        return None
    patterns = [DEFAULT_PATHS["codings"]]
    if "codings" in study.given:  # already checked by StudySettings.load: a str or a list
        raw = load_yaml(read_text_file(study.path, allow_empty=True))["codings"]
        patterns = [raw] if isinstance(raw, str) else [str(p) for p in raw]
    rel = target.relative_to(root).parts
    for pattern in patterns:
        parts = PurePosixPath(pattern.strip().replace("\\", "/")).parts
        if len(parts) == len(rel) and ".template." not in rel[-1] and all(
                fnmatch.fnmatch(os.path.normcase(name), os.path.normcase(part))
                and (not name.startswith(".") or part.startswith("."))
                for name, part in zip(rel, parts, strict=True)):
            return pattern.strip()
    return None


def _silent_declared_coders(paths: list[str], codings: pd.DataFrame, corpus,
                              study) -> list[str]:
    """The coders study.yaml's ``double_coded`` names who have no codings row but a
    header-only ``codings_<coder>.csv`` (they read their interviews, coded nothing: each
    rates them with no code); any other declared coder without codings is refused there, as
    ``validate`` refuses it (:func:`~citra_eval.study.declared_without_codings`)."""
    silent = {c for path in paths if Path(path).name.lower().startswith("codings_")
              for c in declared_empty_coder(path, read_codings(path, corpus=corpus),
                                            study.double_coded)}
    problems = declared_without_codings(study, codings["coder"].astype(str), silent=silent)
    if problems:
        raise InputError(problems=problems)
    return sorted(silent)


def _check_two_coders(codings: pd.DataFrame, where: str, study, *,
                      silent: list[str] = ()) -> None:
    """Refuse codings of fewer than two coders (with those of ``silent``, declared without
    codings), saying how to add one: inside a study (``study``, whose files these are), as a
    codings file of its own where study.yaml looks for them; elsewhere, as another file
    given to --codings."""
    coders = sorted(set(codings["coder"].astype(str)) | set(silent))
    if len(coders) >= 2:
        return
    if study is None:
        how = ("give every coder's codings file to --codings (e.g. --codings "
               "codings_<coder>.csv codings_<other coder>.csv)")
    elif "codings" in study.given:
        how = ("add each other coder's codings as a file of their own that study.yaml's "
               "'codings' names")
    else:
        folder = shown_path(study.path.parent / Path(DEFAULT_PATHS["codings"]).parent)
        how = (f"add each other coder's codings as a file of their own, "
               f"{folder}/codings_<coder>.csv")
    raise InputError(f"inter-coder agreement needs at least 2 coders; the codings have "
                     f"{len(coders)} ({', '.join(coders) or 'none'}): {how}", path=where)


def _where(problem: Problem, codings: str, study, coverage_file: str | None = None,
           coverage_lines: dict[str, int] | None = None) -> Problem:
    """A problem of ``agreement`` located: a coverage problem at study.yaml's
    ``double_coded`` when the coverage came from there, at the ``--coverage`` file (the line
    of the coder it names) when it came from one, anything else at the codings."""
    if problem.path:
        return problem
    if coverage_file is not None and "coverage" in problem.message:
        coder = re.search(r"coder(?:\(s\))? '([^']*)'", problem.message)
        return Problem(coverage_file, problem.message,
                       (coverage_lines or {}).get(coder[1]) if coder else None)
    return coverage_problem(problem, study) or Problem(codings, problem.message,
                                                       problem.line, problem.column)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_agree(sub)

