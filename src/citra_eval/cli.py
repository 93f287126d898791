"""The ``citra-eval`` command line: a thin layer over the library.

Exit codes: 0 success; 2 the input is wrong (``error: <file>[:<line>]: ...`` lines on
stderr, nothing written); 1 a bug in citra_eval (traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from ._files import atomic_dir, write_csv, write_text
from ._version import __version__
from .autocoding import autocode, autocode_report, match_patterns
from .codebook import Codebook
from .codings import empty_codings, read_codings, write_codings
from .corpus import read_transcripts
from .errors import InputError, Problem
from .intercoder import agreement, disagreements
from .pipeline import NotebookError, reproduce, verify
from .pseudonymisation import load_key, pseudonymise, reidentify
from .psychometrics import item_statistics, scale_reliability
from .qdpx import front_matter_of, read_qdpx, transcript_source, write_qdpx
from .regression import image_model
from .survey import Instrument, likert_table, read_responses, score_scales

Handler = Callable[[argparse.Namespace], int]


class _Problems(list):
    """Problems collected across several readers, so one run reports all of them."""
    def attempt(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)``, or None after recording its :class:`InputError`."""
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            self.extend(exc.problems)
            return None

    def raise_any(self) -> None:
        if self:
            raise InputError(problems=list(self))


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

    problems = _Problems()
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


def _add_reproduce(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reproduce", help="rebuild every figure and table from the raw inputs",
        description="Check the raw inputs against data/raw/CHECKSUMS.sha256, run "
                    "notebooks/NN-*.ipynb headless in order, and write figures, tables, "
                    "executed notebooks, provenance.json and MANIFEST.sha256 to reports/.")
    p.add_argument("--check", action="store_true",
                   help="rebuild in a temporary folder; exit 1 listing every file that differs "
                        "from reports/MANIFEST.sha256")
    p.add_argument("--keep", metavar="DIR",
                   help="with --check: keep the rebuilt reports in DIR (a new folder) to inspect "
                        "the differences")
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
    from pathlib import Path


    try:
        if args.keep and not args.check:
            raise InputError("--keep only works with --check", path="citra-eval")
        if args.keep and Path(args.keep).exists():
            raise InputError("--keep needs a folder that does not exist yet", path=args.keep)
        res = reproduce(args.root, check=args.check, lang=args.lang, seed=args.seed,
                        update_checksums=args.update_checksums, progress=_progress(args.verbose),
                        keep=args.keep)
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

    diffs = verify(args.root)
    code = _print_differences(diffs, "reports/MANIFEST.sha256")
    if code == 0:
        print("ok: every file in reports/ matches reports/MANIFEST.sha256")
    return code
def _add_code(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("code", help="auto-code transcripts with the codebook's patterns",
                       description="Auto-code the informant turns (phrases on stemmed tokens, "
                                   "regexes on case-folded text); write a codings CSV and print "
                                   "a summary (codings per code, patterns that never matched) "
                                   "to stderr.")
    p.add_argument("--transcripts", metavar="DIR", required=True,
                   help="folder (or file) of transcripts")
    p.add_argument("--codebook", metavar="FILE", required=True, help="codebook YAML")
    p.add_argument("--out", metavar="FILE.csv", required=True, help="codings CSV to write")
    p.add_argument("--unit", choices=["turn", "sentence"], default="turn",
                   help="code whole turns (default) or sentences")
    p.add_argument("--include-interviewer", action="store_true",
                   help="also code the interviewer's turns")
    p.add_argument("--coder", default="auto", help="value of the coder column (default auto)")
    p.set_defaults(func=_run_code)


def _run_code(args: argparse.Namespace) -> int:
    from pathlib import Path


    _check_out(args.out, folder=False, example="codings_auto.csv")
    problems = _Problems()
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
    write_codings(codings, args.out)
    counts, never = report["counts"], report["never_matched"]
    err = sys.stderr
    print(f"auto-coded {len(corpus)} documents: {len(codings)} codings, {len(hits)} pattern "
          f"hits, {len(report['uncoded'])} turns without a code; wrote {args.out}", file=err)
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


def _add_qdpx(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("qdpx", help="exchange projects with NVivo, ATLAS.ti, MAXQDA, QualCoder "
                       "(REFI-QDA .qdpx)",
                       description="Export transcripts, codebook and codings as a REFI-QDA "
                                   "project, or import one.")
    qsub = p.add_subparsers(dest="qdpx_command", metavar="export|import", required=True)
    e = qsub.add_parser("export", help="write a .qdpx project",
                        description="Write transcripts, codebook and codings as a .qdpx.")
    e.add_argument("--transcripts", metavar="DIR", required=True, help="folder of transcripts")
    e.add_argument("--codebook", metavar="FILE", required=True, help="codebook YAML")
    e.add_argument("--codings", metavar="FILE", nargs="*", default=[], help="codings CSV file(s)")
    e.add_argument("--name", help="project name (default: the codebook's name)")
    e.add_argument("--out", metavar="FILE.qdpx", required=True, help="the project to write")
    e.set_defaults(func=_run_qdpx_export)
    i = qsub.add_parser("import", help="read a .qdpx project into transcripts, codebook, codings",
                        description="Read a .qdpx into OUT/transcripts/*.txt, "
                                    "OUT/codebook.yaml and OUT/codings.csv.")
    i.add_argument("file", metavar="FILE.qdpx", help="the project to read")
    i.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    i.add_argument("--language", help="language of the code names (default: id)")
    i.add_argument("--spanning", choices=["split", "keep"], default="split",
                   help="selections crossing speaker turns: split them per turn so every coding "
                        "lies in its segment (default), or keep their exact span")
    i.set_defaults(func=_run_qdpx_import)


def _read_inputs(args: argparse.Namespace):
    """Read transcripts, codebook and codings, collecting every problem before failing."""
    problems = _Problems()
    corpus = problems.attempt(read_transcripts, args.transcripts)
    codebook = problems.attempt(Codebook.load, args.codebook)
    tables = [problems.attempt(read_codings, f, corpus=corpus, codebook=codebook)
              for f in args.codings]
    problems.raise_any()
    return corpus, codebook, tables


def _check_out(path: str, *, folder: bool, flag: str = "--out",
               example: str = "study.qdpx") -> None:
    """Refuse an --out that cannot be written before anything is read or written.

    Catches an output of the wrong kind (a file where a folder is wanted and the other way
    round), a path running through an existing file, and a folder without write permission.
    """
    import os
    from pathlib import Path

    p = Path(path)
    if folder and p.exists() and not p.is_dir():
        raise InputError(f"{flag} must be a folder, but this is a file; choose another name",
                         path=path)
    if not folder and p.is_dir():
        raise InputError(f"{flag} must be a file name, but this is a folder; add a file name "
                         f"like {example}", path=path)
    parent = p.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"this is a file, so {path} cannot be created inside it; choose "
                         "another output path", path=str(parent) if p.is_absolute() else
                         os.path.relpath(parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"no permission to write {path} into this folder; choose another "
                         "output path", path=str(parent))


def _run_qdpx_export(args: argparse.Namespace) -> int:
    import pandas as pd


    _check_out(args.out, folder=False)
    corpus, codebook, tables = _read_inputs(args)
    codings = pd.concat(tables, ignore_index=True) if tables else empty_codings()
    write_qdpx(args.out, corpus, codebook, codings, name=args.name)
    print(f"ok: wrote {args.out}: {len(corpus)} documents, {len(codebook)} codes, "
          f"{len(codings)} codings")
    return 0


def _run_qdpx_import(args: argparse.Namespace) -> int:

    _check_out(args.out, folder=True)
    project = read_qdpx(args.file, language=args.language, spanning=args.spanning)
    project.save(args.out)
    print(f"ok: read {args.file}: {len(project.corpus)} documents, {len(project.codebook)} "
          f"codes, {len(project.codings)} codings -> {args.out}")
    for note in project.notes:
        print(f"note: {note}")
    return 0


def _add_pseudonymise(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pseudonymise", help="replace names, e-mails, phone and NIK numbers",
                       description="Write pseudonymised copies of the transcripts (front matter "
                                   "included) and of the codings, remapped to the new texts, "
                                   "into OUT. The inputs are never modified.")
    p.add_argument("--transcripts", metavar="DIR", required=True, help="folder of transcripts")
    p.add_argument("--key", metavar="FILE", required=True,
                   help="names to replace: CSV 'name,pseudonym' or YAML 'name: pseudonym'")
    p.add_argument("--codings", metavar="FILE", nargs="*", default=[], help="codings CSV file(s)")
    p.add_argument("--detect", nargs="*", default=["email", "phone", "nik"],
                   choices=["email", "phone", "nik"], metavar="KIND",
                   help="identifiers to detect: email phone nik (default: all; none: give "
                        "--detect without values)")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    p.add_argument("--key-out", metavar="FILE",
                   help="also write the re-identification key (the report with the originals) "
                        "here, outside OUT; keep it apart from the shared data")
    p.add_argument("--with-originals", action="store_true",
                   help="put the originals into OUT/pseudonymisation_report.csv as well")
    p.set_defaults(func=_run_pseudonymise)


def _run_pseudonymise(args: argparse.Namespace) -> int:
    from pathlib import Path


    _check_out(args.out, folder=True)
    if args.key_out:
        _check_out(args.key_out, folder=False, flag="--key-out", example="key.csv")
    out = Path(args.out).resolve()
    if args.key_out and out in Path(args.key_out).resolve().parents:
        raise InputError("the re-identification key must be stored apart from the "
                         f"pseudonymised data, not inside {args.out}; choose another place",
                         path=args.key_out)
    problems = _Problems()
    corpus, codings, names = _corpus_and_codings(args, problems)
    key = problems.attempt(load_key, args.key)
    problems.raise_any()
    result = pseudonymise(corpus, key=key, codings=codings, detect=args.detect)
    report = result.report if args.with_originals else result.public_report()
    _write_transcripts_and_codings(
        out, corpus, result, names, lambda doc, front: _map_strings(front, result.apply),
        inside={"pseudonymisation_report.csv": report},
        outside={args.key_out: result.report} if args.key_out else {})
    counts = result.report[result.report["field"] == "text"]["kind"].value_counts()
    what = ", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing"
    print(f"ok: pseudonymised {len(corpus)} documents ({what} replaced) -> {args.out}")
    if not args.key_out:
        print("note: no --key-out given: detected e-mails, phones and NIKs cannot be restored")
    return 0


def _corpus_and_codings(args: argparse.Namespace, problems: _Problems):
    """Read --transcripts and --codings (tagged with their file) for (re)pseudonymising."""
    from pathlib import Path

    import pandas as pd


    corpus = problems.attempt(read_transcripts, args.transcripts)
    tables = [problems.attempt(read_codings, f, corpus=corpus) for f in args.codings]
    if any(t is None for t in tables) or corpus is None:
        return corpus, None, []
    names = [Path(f).name for f in args.codings]
    names = [n if names.count(n) == 1 else f"{i + 1}_{n}" for i, n in enumerate(names)]
    codings = (pd.concat([t.assign(_file=i) for i, t in enumerate(tables)], ignore_index=True)
               if tables else None)
    return corpus, codings, names


def _write_transcripts_and_codings(out, corpus, result, names, map_front, *,
                                   inside=None, outside=None) -> None:
    """Write ``result``'s transcripts (front matter mapped by ``map_front``) and codings into
    ``out`` atomically, plus tables ``inside`` (``{file name in out: table}``) and ``outside``
    (``{path: table}``, e.g. the key, kept apart from the shared data)."""

    sources = {}
    for doc in result.corpus.doc_ids:
        front = front_matter_of(corpus, doc)
        if front is not None:
            front = map_front(doc, front)
            front["id"] = doc
        sources[doc] = transcript_source(result.corpus, doc, front=front)
    with atomic_dir(out) as tmp:
        for doc, text in sources.items():
            write_text(tmp / "transcripts" / f"{doc}.txt", text)
        for i, name in enumerate(names):
            part = result.codings[result.codings["_file"] == i].drop(columns="_file")
            write_codings(part, tmp / "codings" / name)
        for name, table in (inside or {}).items():
            write_csv(table, tmp / name)
        for path, table in (outside or {}).items():
            write_csv(table, path)


def _add_reidentify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reidentify", help="undo pseudonymise with its key",
                       description="Restore the original transcripts and codings from "
                                   "pseudonymised ones and the re-identification key written by "
                                   "'citra-eval pseudonymise --key-out'. Writes into OUT; the "
                                   "inputs are never modified.")
    p.add_argument("--transcripts", metavar="DIR", required=True,
                   help="folder of pseudonymised transcripts")
    p.add_argument("--key", metavar="FILE", required=True,
                   help="the re-identification key (pseudonymise --key-out)")
    p.add_argument("--codings", metavar="FILE", nargs="*", default=[],
                   help="pseudonymised codings CSV file(s)")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    p.set_defaults(func=_run_reidentify)


def _run_reidentify(args: argparse.Namespace) -> int:
    from pathlib import Path


    _check_out(args.out, folder=True)
    problems = _Problems()
    corpus, codings, names = _corpus_and_codings(args, problems)
    problems.raise_any()
    result = reidentify(corpus, args.key, codings=codings)
    values = {(r.doc_id, r.field, r.replacement): r.original
              for r in result.report[result.report["field"] != "text"].itertuples(index=False)}

    def restore_front(doc: str, front: dict) -> dict:
        out = {}
        for k, v in front.items():
            if k == "speakers" and isinstance(v, dict):
                v = {values.get((doc, "speaker", lab), lab): role for lab, role in v.items()}
            elif isinstance(v, str):
                v = values.get((doc, f"attribute:{k}", v), v)
            out[k] = v
        return out

    _write_transcripts_and_codings(Path(args.out).resolve(), corpus, result, names,
                                   restore_front)
    n = int((result.report["field"] == "text").sum())
    print(f"ok: restored {len(corpus)} documents ({n} replacements undone) -> {args.out}")
    return 0


def _map_strings(value, fn):
    """Apply ``fn`` to every string (keys included) of a parsed YAML value."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {(fn(k) if isinstance(k, str) else k): _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, fn) for v in value]
    return value


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
    p.add_argument("--no-masi", action="store_true",
                   help="skip the set-valued (MASI) alpha of the ALL row (slow on huge tables)")
    p.add_argument("--disagreements", metavar="FILE.csv",
                   help="also write every disputed segment with its text and each coder's codes")
    p.set_defaults(func=_run_agree)


def _run_agree(args: argparse.Namespace) -> int:
    import pandas as pd


    _check_out(args.out, folder=False, example="agreement.csv")
    if args.disagreements:
        _check_out(args.disagreements, folder=False, flag="--disagreements",
                   example="disagreements.csv")
    problems = _Problems()
    attempt = problems.attempt
    if args.n_boot < 0:
        problems.append(Problem("--n-boot", f"must be 0 or more, got {args.n_boot}"))
    if not 0 < args.ci < 1:
        problems.append(Problem("--ci", f"must be between 0 and 1 (e.g. 0.95), got {args.ci}"))
    corpus = attempt(read_transcripts, args.transcripts)
    codebook = attempt(Codebook.load, args.codebook) if args.codebook else None
    tables = [attempt(read_codings, f, corpus=corpus, codebook=codebook) for f in args.codings]
    problems.raise_any()
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
                          roles=roles, coverage=args.coverage,
                          masi=False if args.no_masi else None)
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


    _check_out(args.out, folder=True)
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
    _add_validate, _add_code, _add_agree, _add_survey, _add_qdpx, _add_pseudonymise,
    _add_reidentify,
    _add_reproduce, _add_verify]


def build_parser() -> argparse.ArgumentParser:

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
