"""``citra-eval sheet export|import``: coding sheets a coder fills in a spreadsheet program."""


from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .._files import read_csv_table
from .._validation import LANGS, listed, roles_fix
from ..codebook import Codebook
from ..codings import write_codings
from ..corpus import read_transcripts
from ..errors import InputError, likely_name
from ..intercoder import CONSENSUS_CODER
from ..sheets import (
    SheetWarning,
    coded_nothing_in,
    coding_sheet,
    csv_sheet_files,
    read_coding_sheet,
    write_coding_sheet,
)
from ._common import (
    Problems,
    add_force,
    check_outputs,
    coder_name,
    counted,
    from_study,
    study_here,
    study_locked,
)

EXPORT = """\
Write a coding sheet for one coder: worksheet 'coding' lists the turns to code (informant
turns by default), one column per codable code; mark a code with 1 or x to code the whole
turn. Worksheet 'quotes' codes part of a turn: doc_id, segment_id, code and the words
pasted from the turn. Worksheet 'codebook' holds the definitions. As CSV (--format csv, or an
--out ending in .csv) the worksheets are NAME.csv, NAME_quotes.csv and NAME_codebook.csv.
An existing sheet (perhaps already filled in) is replaced only with --force. Inside a study
folder, the transcripts and codebook default to those of study.yaml.

--docs R07,R10 (or --suggested next.csv, the file of 'citra-eval code --suggest') lists only
those interviews, whole: an .xlsx sheet records them, and its import needs every turn of
those interviews only.
"""

IMPORT = """\
Read a filled coding sheet into a codings CSV: a mark codes the whole turn, a quote exactly
the words found in its turn. Any cell that cannot be read (an unknown code column, an edited
doc_id, segment_id or text cell, a deleted turn row, a quote found nowhere or twice, a mark
other than 1 or x) is reported as <file>:<worksheet>!<cell> and nothing is written. An
existing codings file of a study's raw data (data/raw/codings_NAME.csv) is replaced only
with --force.
"""


def _add_sheet(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sheet", help="coding sheets: code in Excel, LibreOffice or Google "
                       "Sheets", description="Export a coding sheet for a coder, or import a "
                       "filled one as codings.")
    ssub = p.add_subparsers(dest="sheet_command", metavar="export|import", required=True)
    e = ssub.add_parser("export", help="write a blank coding sheet (.xlsx or .csv)",
                        description=EXPORT, formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("--coder", required=True, type=coder_name,
                   help="the coder the sheet is for")
    e.add_argument("--out", metavar="FILE", required=True,
                   help="the sheet to write: coding_sheet_NAME.xlsx (or .csv)")
    _inputs(e)
    e.add_argument("--roles", nargs="+", metavar="ROLE", default=["informant"],
                   help="speaker roles whose turns are listed (default: informant; 'all' for "
                        "every turn, e.g. transcripts without speaker labels)")
    only = e.add_mutually_exclusive_group()
    only.add_argument("--docs", metavar="ID[,ID...]",
                      help="only these interviews (doc ids, comma-separated), whole")
    only.add_argument("--suggested", metavar="FILE.csv",
                      help="only the interviews of the turns 'citra-eval code --suggest' "
                           "wrote to FILE.csv, whole")
    e.add_argument("--lang", choices=LANGS, help="language of labels and definitions "
                   "(default: the study's, else the codebook's)")
    e.add_argument("--format", choices=["xlsx", "csv"],
                   help="default: from the --out suffix")
    e.add_argument("--force", action="store_true", help="replace an existing sheet")
    e.set_defaults(func=_run_export)
    i = ssub.add_parser("import", help="read a filled coding sheet into a codings CSV",
                        description=IMPORT, formatter_class=argparse.RawDescriptionHelpFormatter)
    i.add_argument("file", metavar="FILE", help="the filled sheet (.xlsx, or the coding .csv)")
    i.add_argument("--coder", required=True, type=coder_name,
                   help="the coder's name (the coder column)")
    i.add_argument("--out", metavar="FILE.csv", required=True,
                   help="codings CSV to write, e.g. data/raw/codings_NAME.csv")
    _inputs(i)
    add_force(i)
    i.set_defaults(func=_run_import)


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--transcripts", metavar="DIR",
                   help="folder (or file) of transcripts (default, inside a study folder: "
                        "from study.yaml)")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML (default, inside a study folder: from study.yaml)")


def _resolve_inputs(args: argparse.Namespace) -> None:
    """Fill --transcripts/--codebook (and --lang) from study.yaml when not given."""
    if not (args.transcripts and args.codebook):
        settings = study_here()  # outside a study folder: from_study says what is missing
        args.transcripts = from_study(args.transcripts, settings, "transcripts",
                                      "--transcripts")
        args.codebook = from_study(args.codebook, settings, "codebook", "--codebook")
        if getattr(args, "lang", "") is None:
            args.lang = settings.lang


def _read(args: argparse.Namespace):
    problems = Problems()
    corpus = problems.attempt(read_transcripts, args.transcripts)
    codebook = problems.attempt(Codebook.load, args.codebook)
    problems.raise_any()
    return corpus, codebook


def _refuse_existing(paths: list[Path], force: bool, what: str) -> None:
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise InputError(f"{what} already exists; choose another name, or add --force to "
                         "replace it", path=str(existing[0]))


def _refuse_consensus_coder(coder: str) -> None:
    """The coders' consensus (as 'agree --consensus' writes it) is no coder of a sheet."""
    if coder == CONSENSUS_CODER:
        raise InputError(f"{coder!r} is the name of the coders' consensus (as 'agree "
                         "--consensus' writes it), not a coder's name: a study refuses "
                         "codings of coder 'consensus' among its coders' files; give the "
                         "coder's own name (e.g. --coder A)", path="--coder")


def _run_export(args: argparse.Namespace) -> int:
    _refuse_consensus_coder(args.coder)
    out = Path(args.out)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv") or out.suffix.lower() != f".{fmt}":
        raise InputError(f"--out must end in .{fmt if fmt in ('xlsx', 'csv') else 'xlsx'}"
                         f"{' (matching --format)' if args.format else ' or .csv'}",
                         path=args.out)
    files = csv_sheet_files(out) if fmt == "csv" else [out]
    _resolve_inputs(args)
    inputs = {"--transcripts": args.transcripts, "--codebook": args.codebook}
    if args.suggested:
        inputs["--suggested"] = args.suggested
    check_outputs(inputs=inputs,
                  files={f"--out ({f.name})" if f != out else "--out": str(f) for f in files},
                  force=args.force, examples={"--out": f"coding_sheet_{args.coder}.{fmt}"})
    _refuse_existing(files, args.force, "the sheet")
    with study_locked("sheet export", *files):
        return _export(args, out, fmt)


def _export(args: argparse.Namespace, out: Path, fmt: str) -> int:
    corpus, codebook = _read(args)
    if not codebook.codable_ids:
        raise InputError("the codebook has no codable code, so the sheet would have no code "
                         "column; add codes (or set 'codable: true')", path=args.codebook)
    roles = None if args.roles == ["all"] else args.roles
    present = sorted({r for r in corpus.segments["role"] if r})
    absent = [r for r in dict.fromkeys(roles or ()) if r not in present]
    if absent:  # said here in the command's words (the library refuses them too)
        raise InputError(f"no turns of role(s) {', '.join(absent)} to code: "
                         f"{_roles_there_are(corpus, present)}; or pass --roles all for every "
                         "turn", path=args.transcripts)
    docs = _documents(args, corpus)
    sheet = coding_sheet(corpus, codebook, coder=args.coder, roles=roles, lang=args.lang,
                         documents=docs)
    written = write_coding_sheet(sheet, out, format=fmt)
    of = "" if docs is None else (f" of {counted(len(sheet.documents), 'interview')} "
                                  f"({', '.join(sheet.documents)})")
    print(f"ok: wrote {', '.join(map(str, written))}: {counted(len(sheet.coding), 'turn')}"
          f"{of}, {counted(len(sheet.codes), 'code')}, for coder {args.coder}")
    return 0


def _documents(args: argparse.Namespace, corpus) -> list[str] | None:
    """The interviews --docs or --suggested name (None: every interview), checked against
    the transcripts."""
    if args.docs is not None:
        docs, flag, where = [d.strip() for d in args.docs.split(",") if d.strip()], "--docs", \
            args.transcripts
        if not docs:
            raise InputError("--docs names no interview; give doc ids separated by commas, "
                             "e.g. --docs R07,R10", path=args.transcripts)
        twice = [d for d in dict.fromkeys(docs) if docs.count(d) > 1]
        if twice:
            raise InputError(f"--docs names {listed(twice)} more than once; give each "
                             "interview once", path=args.transcripts)
    elif args.suggested is not None:
        flag, where = "--suggested", args.suggested
        table = read_csv_table(args.suggested, columns=["doc_id"], required=["doc_id"],
                               what="the turns to code next ('citra-eval code --suggest')")
        docs = list(dict.fromkeys(table["doc_id"].dropna().astype(str).str.strip()))
        if not docs:
            raise InputError("lists no turn to code next (every interview is coded, or the "
                             "learned coder could not rank them); nothing to export",
                             path=args.suggested)
    else:
        return None
    unknown = [d for d in docs if d not in corpus]
    if unknown:
        hints = {d: h for d in unknown if (h := likely_name(d, corpus.doc_ids))}
        said = (f"{next(iter(hints.values()))!r}" if len(unknown) == 1 and hints else
                ", ".join(f"{h!r} for {d!r}" for d, h in hints.items()))
        case = (" (document ids are case-sensitive)"
                if any(h.casefold() == d.casefold() for d, h in hints.items()) else "")
        raise InputError(f"{flag} names interview(s) {listed(unknown)} that the transcripts "
                         f"do not have{f' (did you mean {said}?)' if said else ''}; the "
                         f"interviews are {listed(corpus.doc_ids)}{case}", path=where)
    return docs


def _run_import(args: argparse.Namespace) -> int:
    _refuse_consensus_coder(args.coder)
    out = Path(args.out)
    if out.suffix.lower() != ".csv":
        raise InputError("--out must name a .csv file (e.g. data/raw/codings_NAME.csv)",
                         path=args.out)
    _resolve_inputs(args)
    sheet_files = [str(f) for f in csv_sheet_files(args.file)[:2]] \
        if Path(args.file).suffix.lower() == ".csv" else [args.file]
    check_outputs(inputs={"FILE": sheet_files, "--transcripts": args.transcripts,
                          "--codebook": args.codebook},
                  files={"--out": args.out}, force=args.force,
                  examples={"--out": f"codings_{args.coder}.csv"})
    with study_locked("sheet import", out):
        return _import(args, out)


def _import(args: argparse.Namespace, out: Path) -> int:
    corpus, codebook = _read(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SheetWarning)
        codings = read_coding_sheet(args.file, corpus=corpus, codebook=codebook,
                                    coder=args.coder)
    write_codings(codings[[c for c in codings.columns if c != "evidence"]], out,
                  corpus=corpus, replace_raw=args.force)
    n_turns = codings[["doc_id", "segment_id"]].drop_duplicates().shape[0]
    nothing = coded_nothing_in(codings, corpus)
    if nothing:  # said once, as what it is: rated, no code (declared)
        print(f"ok: read {args.file}: coder {args.coder} coded nothing in "
              f"{counted(len(nothing), 'interview')} ({listed(nothing)}): no marks, no "
              f"quotes -> {args.out}; {_declaration(nothing, corpus, args.coder)}) and "
              f"{'it counts' if len(nothing) == 1 else 'they count'} as rated, no code")
    else:
        part = _coverage_advice(codings.attrs.get("documents") or [], corpus, args.coder)
        print(f"ok: read {args.file}: {counted(len(codings), 'coding')} of "
              f"{counted(n_turns, 'turn')} by coder {args.coder} -> {args.out}{part}")
    for w in caught:
        if issubclass(w.category, SheetWarning):
            print(f"warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return 0


def _coverage_advice(covered: list[str], corpus, coder: str) -> str:
    """The end of the import line: which interviews the sheet covers and how to declare them
    in study.yaml's ``double_coded`` (a full sheet as ``all``), so that a turn the coder left
    without a mark counts as rated with no code rather than as not read."""
    if not covered:
        return ""
    whole = set(covered) == set(corpus.doc_ids)
    return (f"; the sheet covers {'all ' if whole and len(covered) > 1 else ''}"
            f"{counted(len(covered), 'interview')} ({listed(covered)}): "
            f"{_declaration(covered, corpus, coder)}; a turn without a mark counts as rated, "
            "no code)")


def _declaration(covered: list[str], corpus, coder: str) -> str:
    """How to declare ``covered`` as ``coder``'s in study.yaml's ``double_coded`` (a full
    sheet as ``all``), without the closing parenthesis."""
    how = "all" if set(covered) == set(corpus.doc_ids) else (
        f"[{', '.join(covered)}]" if len(covered) <= 10 else "[<these doc ids>]")
    return (f"add {'it' if len(covered) == 1 else 'them'} to coder {coder}'s interviews in "
            f"study.yaml's 'double_coded' ({coder}: {how}")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_sheet(sub)


def _roles_there_are(corpus, present: list[str]) -> str:
    """What the transcripts offer instead of the roles asked for, and how to get them."""
    speakers = [s for s in dict.fromkeys(corpus.segments["speaker"]) if s]
    if present:
        return f"the transcripts have role(s) {', '.join(present)}; pass --roles with one of them"
    if speakers:  # e.g. imported from a QDA program: labels, no roles
        return (f"their speakers ({listed(speakers)}) have no role; {roles_fix(corpus)}; "
                "or import the project again with 'citra-eval qdpx import ... --speakers "
                "LABEL=ROLE ...'")
    return "the transcripts have no speaker turns (no 'speakers' in their front matter)"
