"""``citra-eval code``: code transcripts with the codebook's patterns, or learn from coders."""


from __future__ import annotations

import argparse
import sys
import warnings

import pandas as pd

from .._files import write_csv
from .._validation import informants_fix, roles_fix
from ..autocoding import autocode, autocode_report, match_patterns
from ..codebook import Codebook
from ..codings import read_codings, write_codings
from ..corpus import read_transcripts
from ..errors import InputError
from ..intercoder import CoverageWarning
from ..learning import (
    COMBINE,
    LABELS,
    MIN_CV_DOCUMENTS,
    LearningWarning,
    MachineCodingsWarning,
    cross_validate_coder,
    machine_output_signs,
    suggest_turns,
    train_coder,
    training_documents,
)
from ..outputs import notes_from_warnings
from ._common import (
    Problems,
    add_coverage,
    add_force,
    check_coverage_coders,
    check_outputs,
    coder_name,
    counted,
    coverage_problem,
    from_study,
    inside_study,
    named_coverage_file,
    read_coverage,
    require_csv,
    seed_value,
    study_coverage,
    study_here,
    study_locked,
)


def _add_code(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("code", help="auto-code transcripts (codebook patterns, or learned "
                                    "from human codings)",
                       description="Auto-code the informant turns and write a codings CSV. "
                                   "Without --learn-from: the dictionary coder (phrases on "
                                   "stemmed tokens, regexes on case-folded text, negation and "
                                   "the interviewer's question read as context). With "
                                   "--learn-from: a coder trained on those human codings "
                                   "(combined with the dictionary by default). A summary goes "
                                   "to stderr.")
    p.add_argument("--transcripts", metavar="DIR",
                   help="folder (or file) of transcripts (default inside a study: its "
                        "transcripts)")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML (default inside a study: its codebook)")
    p.add_argument("--out", metavar="FILE.csv", required=True, help="codings CSV to write")
    p.add_argument("--unit", choices=["turn", "sentence"], default="turn",
                   help="code whole turns (default) or sentences (dictionary coder only)")
    p.add_argument("--include-interviewer", action="store_true",
                   help="also code the interviewer's turns (dictionary coder only)")
    p.add_argument("--coder", default=None, type=coder_name,
                   help="value of the coder column (default auto, or learned with "
                        "--learn-from)")
    p.add_argument("--no-question-context", action="store_true",
                   help="do not hand the codes of the interviewer's question on to the answer "
                        "(with --learn-from: in the dictionary's codings it combines with)")
    p.add_argument("--no-negation", action="store_true",
                   help="let pattern hits governed by a negation word code too (with "
                        "--learn-from: in the dictionary's codings it combines with)")
    p.add_argument("--learn-from", metavar="FILE", nargs="+", default=[],
                   help="human codings CSV(s) to train a learned coder on")
    p.add_argument("--combine", choices=list(COMBINE), default=None,
                   help="with --learn-from: the model that also sees the dictionary (both, "
                        "default), the text model alone (learned) or the dictionary alone")
    p.add_argument("--labels", choices=list(LABELS), default=None,
                   help="with --learn-from: how several coders' codings become labels "
                        "(default pooled)")
    p.add_argument("--seed", type=seed_value, default=None,
                   help="with --learn-from: seed of the learned coder (default: inside a "
                        "study, for its own files, study.yaml's seed; else 0)")
    p.add_argument("--cross-validate", metavar="OUT.csv",
                   help="with --learn-from: also write leave-one-document-out precision, "
                        "recall and F1 per code against each coder (inside a study, for its "
                        "own files: a coder is compared with another only on the "
                        "interviews both coded, study.yaml's double_coded, inferred from "
                        "the codings when it is not set)")
    add_coverage(p, "each coder's documents are those they have codings in, and the other "
                    "coders are compared with them there as if they had read them all, with a "
                    "note when the coders' codings are in different documents (with "
                    "--learn-from)")
    p.add_argument("--suggest", metavar="OUT.csv",
                   help="with --learn-from: also write the uncoded turns to code next, most "
                        "uncertain first")
    add_force(p)
    p.set_defaults(func=_run_code)


#: The learned coder's options with their defaults: given without --learn-from, refused
#: (the dictionary coder has no use for them).
_LEARNER_OPTIONS = {"combine": "both", "labels": "pooled", "seed": 0}


def _check_learner_options(args: argparse.Namespace) -> None:
    """Refuse a learned coder's option without ``--learn-from``, and ``--learn-from`` with
    ``--include-interviewer``; then fill in the defaults (the seed: study.yaml's, for a
    study's own files, as notebook 07 takes it)."""
    if args.learn_from and args.include_interviewer:
        raise InputError("does not go with --learn-from: the learned coder learns from and "
                         "codes the informants' turns only (the interviewer's turns would "
                         "be taken as turns without a code, and none of them coded); drop "
                         "--include-interviewer, or code the interviewer's turns with the "
                         "dictionary coder (without --learn-from)",
                         path="--include-interviewer")
    for name, default in _LEARNER_OPTIONS.items():
        if getattr(args, name) is None:
            if name == "seed" and getattr(args, "study", None) is not None:
                default = args.study.seed
            setattr(args, name, default)
        elif not args.learn_from:
            raise InputError("needs --learn-from (the human codings to learn from): the "
                             f"dictionary coder has no {name}; drop --{name} or add "
                             "--learn-from", path=f"--{name}")


def _check_outputs(args: argparse.Namespace) -> None:
    """Every output: a .csv, its own file, none of the inputs (the shared output guard)."""
    _check_learner_options(args)
    files = {"--out": args.out}
    for flag, value in (("--cross-validate", args.cross_validate), ("--suggest", args.suggest)):
        if value:
            if not args.learn_from:
                raise InputError(f"{flag} needs --learn-from (the human codings to learn "
                                 "from)", path=value)
            files[flag] = value
    if args.coverage is not None and not args.learn_from:
        named = named_coverage_file(args.coverage)  # the file, else the option, is the place
        raise InputError(("--coverage " if named else "") + "needs --learn-from (the coders "
                         "whose coverage it is)", path=named or "--coverage")
    check_outputs(inputs={"--transcripts": args.transcripts, "--codebook": args.codebook,
                          "--learn-from": args.learn_from,
                          "--coverage": named_coverage_file(args.coverage)},
                  files=files, force=args.force,
                  examples={"--out": "auto.csv", "--cross-validate": "cv.csv",
                            "--suggest": "next.csv"})
    require_csv(files)


def _warn_machine_codings(path: str, codings: pd.DataFrame) -> None:
    """A ``warning:`` line when a ``--learn-from`` file looks like a machine's output (the
    library's test, :func:`~citra_eval.learning.machine_output_signs`, whose warning the
    learning steps then leave unsaid). Learning from it would teach the coder its own (or
    the dictionary's) decisions as if a person had made them."""
    signs = machine_output_signs(codings)
    if signs:
        print(f"warning: {path}: looks like an auto-coder's output ({signs}), yet "
              "--learn-from takes it as a person's codings to learn from; learn from human "
              "codings (a machine's reviewed by a person, e.g. through citra-eval sheet, "
              "saved without score)", file=sys.stderr)


def _roles(corpus, args: argparse.Namespace) -> tuple[str, ...]:
    """The roles coded: informants (and interviewers with --include-interviewer) that the
    transcripts have; none of them is an error (nothing would be coded)."""
    have = {str(r) for r in corpus.segments["role"].dropna() if r}
    wanted = ("informant", "interviewer") if args.include_interviewer else ("informant",)
    if not have & set(wanted):
        # speakers with other roles are marked as informants; speakers without, given roles
        fix = informants_fix(corpus) if have else roles_fix(corpus)
        raise InputError(f"no turn has the role {' or '.join(map(repr, wanted))}, so nothing "
                         f"would be coded (roles found: {', '.join(sorted(have)) or 'none'}); "
                         f"{fix}", path=args.transcripts)
    return tuple(r for r in wanted if r in have)


def _run_code(args: argparse.Namespace) -> int:
    study = study_here()
    args.transcripts = from_study(args.transcripts, study, "transcripts", "--transcripts")
    args.codebook = from_study(args.codebook, study, "codebook", "--codebook")
    # which interviews each coder coded: study.yaml's, for the study's own files
    args.study = study if inside_study(study, args.transcripts, args.learn_from) else None
    _check_outputs(args)
    with study_locked("code", args.out, args.cross_validate, args.suggest):
        return _code(args)


def _code(args: argparse.Namespace) -> int:
    problems = Problems()
    corpus = problems.attempt(read_transcripts, args.transcripts)
    codebook = problems.attempt(Codebook.load, args.codebook)
    human = []
    if corpus is not None and codebook is not None:
        for f in args.learn_from:
            human.append(problems.attempt(read_codings, f, corpus=corpus, codebook=codebook))
    args.coverage_file = named_coverage_file(args.coverage)
    if args.coverage_file is not None:  # read as agree reads it, checked against the coders
        args.coverage, lines = problems.attempt(read_coverage, args.coverage_file) or (None, {})
    problems.raise_any()
    if args.coverage_file is not None:
        check_coverage_coders(lines, pd.concat(human, ignore_index=True), args.coverage_file)
    for f, table in zip(args.learn_from, human, strict=True):
        _warn_machine_codings(f, table)
    roles = _roles(corpus, args)
    if args.learn_from:
        return _run_learned(args, corpus, codebook, pd.concat(human, ignore_index=True), roles)
    negation, question = not args.no_negation, not args.no_question_context
    hits = match_patterns(corpus, codebook, roles=roles, negation=negation)
    codings = autocode(corpus, codebook, coder=args.coder or "auto", unit=args.unit,
                       roles=roles, hits=hits, negation=negation, question_context=question)
    report = autocode_report(codings, corpus=corpus, codebook=codebook, hits=hits, roles=roles)
    write_codings(codings, args.out, corpus=corpus, replace_raw=args.force)
    counts, never = report.counts, report.never_matched
    err = sys.stderr
    n_neg = int(counts["n_negated"].sum())
    n_exc = int(counts["n_excluded"].sum())
    print(f"auto-coded {counted(len(corpus), 'document')}: {counted(len(codings), 'coding')}, "
          f"{counted(len(hits), 'pattern hit')} ({n_neg} negated, {n_exc} excluded), "
          f"{counted(len(report.uncoded), 'turn')} without a "
          f"code; wrote {args.out}", file=err)
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


def _ratio(value: float) -> str:
    """A precision, recall or F1 to three places; '–' when undefined (nothing coded)."""
    return "–" if pd.isna(value) else f"{value:.3f}"


def _run_learned(args: argparse.Namespace, corpus, codebook, human: pd.DataFrame,
                 roles) -> int:
    if args.unit != "turn":
        raise InputError("the learned coder codes whole turns; drop --unit sentence",
                         path=args.out)
    # said once, though each step warns; so is an inferred coverage
    with notes_from_warnings(LearningWarning, CoverageWarning), warnings.catch_warnings():
        warnings.simplefilter("ignore", MachineCodingsWarning)  # warned per file already
        return _learn(args, corpus, codebook, human, roles)


def _coverage(args: argparse.Namespace, human: pd.DataFrame) -> str | dict | None:
    """The coverage of the cross-validation: ``--coverage``'s; inside a study, study.yaml's
    for the coders learned from (a coder it names whose codings are not given is left out);
    else None (noted by the library when the coders' codings are in different documents)."""
    if args.coverage is not None:
        return args.coverage
    if args.study is None:
        return None
    coverage = study_coverage(args.study, args.transcripts, args.learn_from)
    if isinstance(coverage, dict):
        given = set(human["coder"].astype(str))
        coverage = {c: docs for c, docs in coverage.items() if c in given}
    return coverage


def _learn(args: argparse.Namespace, corpus, codebook, human: pd.DataFrame, roles) -> int:
    err = sys.stderr
    # documents with codings and turns of the coded roles: the ones it can learn from
    docs = training_documents(corpus, human, roles=roles)
    if args.cross_validate and 2 <= len(docs) < MIN_CV_DOCUMENTS:
        left = sorted(set(human["doc_id"].astype(str)) - set(docs))
        why = f" ({', '.join(left)} left out: no turn of the coded roles)" if left else ""
        raise InputError(f"--cross-validate needs codings of at least {MIN_CV_DOCUMENTS} "
                         f"documents with turns of the coded roles (leave one out, train on "
                         f"the others), got {len(docs)}{why}; code another document or drop "
                         "--cross-validate", path=args.learn_from[0])
    try:
        # inside a study, the interviews a coder read and found nothing in train too
        coverage = _coverage(args, human)
        # the dictionary's options: its codings in the stacked model and combine=dictionary
        options = {"negation": not args.no_negation,
                   "question_context": not args.no_question_context}
        coder = train_coder(corpus, human, codebook=codebook, seed=args.seed, roles=roles,
                            labels=args.labels, coverage=coverage, **options)
        codings = coder.code(corpus, roles=roles, combine=args.combine,
                             coder=args.coder or ("auto" if args.combine == "dictionary"
                                                  else "learned"))
        cv = suggestions = None
        if args.cross_validate:
            cv = cross_validate_coder(corpus, human, codebook=codebook, seed=args.seed,
                                      roles=roles, labels=args.labels, coverage=coverage,
                                      **options)
        if args.suggest:
            suggestions = suggest_turns(corpus, human, codebook=codebook, seed=args.seed,
                                        roles=roles, coder=coder, coverage=coverage,
                                        **options)
    except InputError as exc:  # the codings as a whole: name the first codings file
        if exc.path is not None:
            raise
        message = exc.problems[0].message
        if args.coverage_file is not None and "coverage" in message:  # --coverage FILE's
            raise InputError(message, path=args.coverage_file) from None
        declared = coverage_problem(exc.problems[0], args.study)  # study.yaml's, at its line
        if declared is not None and args.coverage is None and isinstance(
                _coverage(args, human), dict):
            raise InputError(problems=[declared]) from None
        raise InputError(message, path=args.learn_from[0]) from None
    write_codings(codings, args.out, corpus=corpus, replace_raw=args.force)
    if cv is not None:
        write_csv(cv.table, args.cross_validate)
    if suggestions is not None:
        write_csv(suggestions, args.suggest)
    learned = coder.thresholds.loc[coder.thresholds["model"] == "learned", "code"].nunique()
    print(f"trained on {counted(len(coder.documents), 'document')} coded by "
          f"{', '.join(coder.coders)} "
          f"({learned} of {len(coder.codes)} codes learned, labels {args.labels}, seed "
          f"{args.seed}); coded {counted(len(corpus), 'document')} with combine="
          f"{args.combine}: {counted(len(codings), 'coding')}; wrote {args.out}", file=err)
    if cv is not None:
        print(f"leave-one-document-out over {len(cv.documents)} documents (micro averages, "
              f"F1 with its 95% bootstrap interval by document, seed {args.seed}; wrote "
              f"{args.cross_validate}):", file=err)
        f1 = cv.conf_int(seed=args.seed).query("measure == 'f1'").set_index(
            ["reference", "coder"])
        for row in cv.summary.itertuples(index=False):
            low, high, note = f1.loc[(row.reference, row.coder), ["ci_low", "ci_high",
                                                                   "note"]]
            if row.note.startswith("not measured"):  # a side never fitted: no figures
                print(f"  {row.coder:<10} vs {row.reference}: {row.note}", file=err)
                continue
            # fewer than two interviews to resample: no interval, and the note says why
            interval = (f"[{_ratio(low)}, {_ratio(high)}]" if "no interval" not in note
                        else "(no interval)")
            note = note if "no interval" in note else row.note
            print(f"  {row.coder:<10} vs {row.reference}: P {_ratio(row.precision)}  R "
                  f"{_ratio(row.recall)}  F1 {_ratio(row.f1)} {interval}  (macro F1 "
                  f"{_ratio(row.macro_f1)})" + (f"; {note}" if note else ""), file=err)
        short = cv.learned_in[cv.learned_in["n_learned"] < cv.learned_in["n_folds"]]
        if len(short):
            print("  the text model could not learn, in some folds: " + ", ".join(
                      f"{r.code} (learned in {r.n_learned} of {r.n_folds}: {r.reason})"
                      for r in short.itertuples(index=False)), file=err)
    if suggestions is not None and suggestions.empty:  # suggest_turns's warning says why
        print(f"wrote no turns to code next to {args.suggest} (the note below says why)",
              file=err)
    elif suggestions is not None:
        n_docs = suggestions["doc_id"].nunique()
        print(f"wrote {counted(len(suggestions), 'turn')} to code next "
              f"({counted(n_docs, 'interview')}) to "
              f"{args.suggest}; code those interviews whole: an interview with any coding "
              "counts as coded in every turn", file=err)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_code(sub)
