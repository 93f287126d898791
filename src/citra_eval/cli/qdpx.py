"""``citra-eval qdpx export|import``: exchange projects with other QDA programs."""


from __future__ import annotations

import argparse
import sys
import unicodedata
import warnings
from pathlib import Path

from .._files import atomic_dir, existing_files, read_csv_table
from .._validation import check_speakers, listed
from ..codebook import Codebook
from ..codings import empty_codings, read_codings
from ..corpus import read_transcripts
from ..errors import Problem, did_you_mean
from ..lint import color_problem
from ..pseudonymisation import shared_problems
from ..qdpx import read_qdpx, write_qdpx
from ..qdpx.memos import read_memos
from ..qdpx.positions import PositionsWarning, moved_in_utf16
from ..qdpx.project import SAVED_ENTRIES, USER_COLUMNS
from ..qdpx.write import project_record
from ._common import (
    Problems,
    add_force,
    check_outputs,
    counted,
    distinct_files,
    from_study,
    study_codebook,
    study_here,
    study_locked,
)


def _add_qdpx(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("qdpx", help="exchange projects with NVivo, ATLAS.ti, MAXQDA, QualCoder "
                       "(REFI-QDA .qdpx)",
                       description="Export transcripts, codebook and codings as a REFI-QDA "
                                   "project, or import one.")
    qsub = p.add_subparsers(dest="qdpx_command", metavar="export|import", required=True)
    e = qsub.add_parser("export", help="write a .qdpx project",
                        description="Write transcripts, codebook and codings as a .qdpx.")
    e.add_argument("--transcripts", metavar="DIR",
                   help="folder of transcripts (default inside a study: its transcripts)")
    e.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML (default inside a study, for its transcripts: its "
                        "codebook; else omit for a project without codes); with "
                        "pseudonymised transcripts, the one 'pseudonymise --codebook' wrote")
    e.add_argument("--codings", metavar="FILE", nargs="*", default=None,
                   help="codings CSV file(s) (default inside a study, when --transcripts is "
                        "not given: its codings files)")
    e.add_argument("--memos", metavar="FILE", help="memos CSV (memos.csv of qdpx import)")
    e.add_argument("--users", metavar="FILE",
                   help="users CSV (users.csv of qdpx import): their GUIDs, also of users "
                        "without codings, and who made and last changed the project "
                        "(column project)")
    e.add_argument("--name", help="project name (default: the codebook's name)")
    e.add_argument("--positions", choices=["codepoint", "utf16"], default="codepoint",
                   help="count positions in code points (the REFI-QDA standard, default) or in "
                        "UTF-16 units (for NVivo, where an emoji counts 2)")
    e.add_argument("--out", metavar="FILE.qdpx", required=True, help="the project to write")
    add_force(e)
    e.set_defaults(func=_run_qdpx_export)
    i = qsub.add_parser("import", help="read a .qdpx project into transcripts, codebook, codings",
                        description="Read a .qdpx into OUT/transcripts/*.txt, "
                                    "OUT/codebook.yaml and OUT/codings.csv; a codebook "
                                    "alone (.qdc) into OUT/codebook.yaml.")
    i.add_argument("file", metavar="FILE.qdpx", help="the project to read (or a .qdc "
                   "codebook)")
    i.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    i.add_argument("--language", help="language of the code names (default: id)")
    i.add_argument("--spanning", choices=["split", "keep"], default="split",
                   help="selections crossing speaker turns: split them per turn so every coding "
                        "lies in its segment (default), or keep their exact span")
    i.add_argument("--positions", choices=["codepoint", "utf16"],
                   help="the file counts positions in code points (the standard) or UTF-16 units "
                        "(NVivo); default: detected from the selections")
    i.add_argument("--crlf", type=int, choices=[1, 2],
                   help="a CRLF line end counts as 2 positions (as stored) or 1; default: "
                        "detected")
    i.add_argument("--turns", choices=["auto", "none", "strict"], default="auto",
                   help="speaker turns: auto (default) only in texts that look like transcripts "
                        "(repeated speaker labels), none (paragraphs), strict (only the "
                        "speakers a citra_eval export declares)")
    i.add_argument("--speakers", metavar="LABEL=ROLE", nargs="+", type=_speaker_role,
                   help="roles of the speakers in the texts, e.g. --speakers "
                        "Interviewer=interviewer 'Pak Budi=informant' (default: speakers "
                        "without a role; the analyses use informants' turns)")
    i.add_argument("--sources", metavar="DIR",
                   help="folder holding source texts the archive lacks (external sources, or "
                        "texts missing from it); external ones are also looked for beside it")
    i.add_argument("--strict", action="store_true",
                   help="refuse the project when a source's text is missing (default: skip "
                        "that source and its codings with a note)")
    add_force(i)
    i.set_defaults(func=_run_qdpx_import)


def _read_inputs(args: argparse.Namespace):
    """Read transcripts, codebook and codings, collecting every problem before failing."""
    problems = Problems()
    corpus = problems.attempt(read_transcripts, args.transcripts, allow_empty=True)
    codebook = (problems.attempt(Codebook.load, args.codebook) if args.codebook else
                Codebook(name=Path(args.out).stem, version="1", language="id", codes={}))
    memos = (problems.attempt(read_memos, args.memos, corpus=corpus, codebook=codebook,
                              keep_lines=True) if args.memos else None)
    # a REFI-QDA project has no segments: spans need only lie in their text (import with
    # --spanning keep writes spans crossing turns); lines kept to name a coding's note
    tables = [problems.attempt(read_codings, f, corpus=corpus,
                               codebook=codebook if args.codebook else None,
                               within="text", keep_lines=True) for f in args.codings]
    if corpus is not None:  # names the transcripts no longer hold
        problems += problems.attempt(
            shared_problems, corpus, codebook if args.codebook else None, memos,
            memos_path=args.memos, codings={f: t for f, t in zip(args.codings, tables,
                                                                  strict=True)
                                            if t is not None}) or []
    tables = [None if t is None else t.drop(columns="_line") for t in tables]
    if not args.codebook:  # one line per file, not one per coding
        for f, table in zip(args.codings, tables, strict=True):
            if table is not None and len(table):
                codes = list(dict.fromkeys(table["code"]))
                shown = ", ".join(codes[:5]) + (f" and {len(codes) - 5} more"
                                                if len(codes) > 5 else "")
                problems.append(Problem(f, f"these codings use {len(codes)} code(s) ({shown}) "
                                        "but no codebook was given; give it with --codebook "
                                        "FILE"))
    problems.raise_any()
    return corpus, codebook, tables, memos


def _run_qdpx_export(args: argparse.Namespace) -> int:
    study = study_here()
    if args.codings is None:  # the study's codings go with the study's transcripts
        args.codings = (from_study(None, study, "codings", "--codings")
                        if args.transcripts is None and study is not None else [])
    args.transcripts = from_study(args.transcripts, study, "transcripts", "--transcripts")
    if args.codebook is None:
        args.codebook = study_codebook(study, args.transcripts or args.codings)
    distinct_files(args.codings, "--codings")
    check_outputs(inputs={"--transcripts": args.transcripts, "--codebook": args.codebook,
                          "--codings": args.codings, "--memos": args.memos,
                          "--users": args.users},
                  files={"--out": args.out}, force=args.force,
                  examples={"--out": "study.qdpx"})
    with study_locked("qdpx export", args.out):
        return _export(args)


def _export(args: argparse.Namespace) -> int:
    import pandas as pd

    corpus, codebook, tables, memos = _read_inputs(args)
    codings = pd.concat(tables, ignore_index=True) if tables else empty_codings()
    users = (read_csv_table(args.users, columns=USER_COLUMNS, required=["guid", "name"],
                            what="a users table") if args.users else None)
    project_record(users, path=args.users)  # checked here to name the file and line
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_qdpx(args.out, corpus, codebook, codings, name=args.name,
                   positions=args.positions, memos=memos, users=users)
    positions = [w.message for w in caught if isinstance(w.message, PositionsWarning)]
    for w in caught:  # e.g. characters XML cannot hold, written as U+FFFD
        if not isinstance(w.message, PositionsWarning):
            print(f"warning: {args.out}: {w.message}", file=sys.stderr)
    print(f"ok: wrote {args.out}: {counted(len(corpus), 'document')}, "
          f"{counted(len(codebook), 'code')}, {counted(len(codings), 'coding')}")
    for p in positions:  # the library's warning, with the command's option
        print(f"note: {PositionsWarning(p.moved, p.total, 'export with --positions utf16')}",
              file=sys.stderr)
    for code in codebook:  # what validate's lint warns about, said where it happens
        why = color_problem(code)
        if why:
            print(f"note: {args.codebook}: {why}", file=sys.stderr)
    return 0


def _run_qdpx_import(args: argparse.Namespace) -> int:
    # a codebook alone replaces only codebook.yaml; a project all its entries
    written = ("codebook.yaml",) if _is_codebook(args.file) else SAVED_ENTRIES
    check_outputs(inputs={"FILE.qdpx": args.file, "--sources": args.sources},
                  folders={"--out": (args.out, SAVED_ENTRIES)}, force=args.force,
                  protected={"--out": written})
    replaced = existing_files(args.out, written)
    with study_locked("qdpx import", args.out):
        code = _import(args)
    if replaced:  # only with --force
        print(f"note: replaced in {args.out}: {listed(replaced, 5, quote=False)}",
              file=sys.stderr)
    return code


def _is_codebook(path: str) -> bool:
    """Whether ``path`` is a REFI-QDA codebook (``.qdc``) rather than a project: by its
    extension, or an XML file (not a zip) whose root is ``<CodeBook>``."""
    if Path(path).suffix.lower() == ".qdc":
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False  # the project reader names the problem
    return not head.startswith(b"PK") and b"<CodeBook" in head


def _import_codebook(args: argparse.Namespace) -> int:
    """``qdpx import x.qdc``: the codebook alone, as ``OUT/codebook.yaml`` (other files in
    OUT, e.g. an earlier project import's texts, are kept)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codebook = Codebook.from_qdc(args.file, language=args.language)
    with atomic_dir(args.out) as tmp:  # checked before: replaced only with --force
        codebook.save(tmp / "codebook.yaml")
    target = Path(args.out) / "codebook.yaml"
    print(f"ok: read {args.file}: a codebook of {counted(len(codebook), 'code')} -> {target}")
    for w in caught:  # a regex left out of a code description, as the project import notes
        print(f"note: {w.message}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    if _is_codebook(args.file):
        return _import_codebook(args)
    project = read_qdpx(args.file, language=args.language, spanning=args.spanning,
                        positions=args.positions, crlf=args.crlf, sources=args.sources,
                        strict=args.strict, turns=args.turns,
                        speakers=dict(args.speakers) if args.speakers else None)
    project.save(args.out, replace=args.force)
    print(f"ok: read {args.file}: {counted(len(project.corpus), 'document')}, "
          f"{counted(len(project.codebook), 'code')}, "
          f"{counted(len(project.codings), 'coding')} -> {args.out}")
    if project.positions is not None and project.positions.scores["n_selections"].max() > 0:
        print(f"note: {project.positions.summary()}", file=sys.stderr)
    for note in project.notes:
        print(f"note: {note}", file=sys.stderr)
    if (project.positions is not None and project.positions.convention.units == "utf16"
            and (moved := moved_in_utf16(project.corpus.texts, project.codings))):
        print(f"note: the file counts positions in UTF-16 units (as NVivo does) and its texts "
              f"hold characters beyond U+FFFF: to give the project back to NVivo, export it "
              f"with --positions utf16 (in code points, the default, {moved} of "
              f"{counted(len(project.codings), 'coding')} would hold other text there)",
              file=sys.stderr)
    for line in _unspoken_speakers(args.speakers or [], project.corpus):
        print(line, file=sys.stderr)
    if not project.memos.empty:
        print(f"note: {len(project.memos)} memo(s) kept in memos.csv (export them again with "
              "--memos)", file=sys.stderr)
    if not project.discarded.empty:
        lost = [f"{r.count} {r.what}" + (f" (with {r.codings} codings)" if r.codings else "")
                for r in project.discarded.itertuples()]
        print(f"note: not kept: {'; '.join(lost)}", file=sys.stderr)
    if not project.codebook.codes:
        print("note: the project has no codes, so no codebook.yaml was written; to export this "
              "folder with 'citra-eval qdpx export', leave out --codebook", file=sys.stderr)
    return 0


def _speaker_role(value: str) -> tuple[str, str]:
    """The ``type=`` of ``--speakers``: ``LABEL=ROLE`` as (label, role), checked as
    ``read_qdpx(speakers=)`` checks its mapping (:func:`~.._validation.check_speakers`): the
    role must be one the analyses know, as a typo ('informan') would leave the informant
    without turns to analyse (another word can still be written into a transcript's front
    matter)."""
    label, sep, role = value.rpartition("=")
    if not sep or not label.strip() or not role.strip():
        raise argparse.ArgumentTypeError(f"{value!r}: write LABEL=ROLE, e.g. "
                                         "'Pak Budi=informant'")
    try:
        [(label, role)] = check_speakers({label: role.strip()}, repr(value)).items()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return label, role


def _unspoken_speakers(speakers: list[tuple[str, str]], corpus) -> list[str]:
    """``warning:`` lines for ``--speakers`` labels that start no turn in any text (a typo
    there leaves that speaker's turns without a role, silently)."""
    spoken = [s for s in dict.fromkeys(corpus.segments["speaker"].astype(str)) if s]
    known = {unicodedata.normalize("NFC", s) for s in spoken}
    return [f"warning: --speakers: {label!r} is not a speaker label of any text, so it "
            f"gives no turn a role (the texts' labels: {listed(spoken) or 'none'}); check "
            f"its spelling{did_you_mean(label, spoken)}"
            for label, _ in speakers if unicodedata.normalize("NFC", label) not in known]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_qdpx(sub)

