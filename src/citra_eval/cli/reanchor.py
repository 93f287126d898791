"""``citra-eval reanchor``: move codings back to their text after a transcript was edited."""


from __future__ import annotations

import argparse
import csv
import io
import os
from pathlib import Path

import pandas as pd

from .._files import output_path_problem, read_text_file, write_bytes
from ..anchoring import MIN_SIMILARITY, ReanchorResult, reanchor
from ..codings import (
    CODING_COLUMNS,
    OPTIONAL_COLUMNS,
    form_difference,
    read_codings,
    record_text,
    validate_codings,
    write_codings,
)
from ..corpus import Corpus, read_transcripts
from ..errors import InputError, Problem
from ..errors import quoted as shown
from ..study import shown_path
from ._common import Problems, distinct_files, from_study, study_here, study_locked

DESCRIPTION = """\
Check every coding's recorded text (the 'text' column) against the transcripts as they are now,
and move each drifted coding to where its text is: the same text in its turn, else in its
document; then ignoring case, spaces and typographic quotes; then, for text that was itself
edited, the one best fuzzy match of at least --min-similarity. A coding whose text is at its
offsets but whose segment_id names another turn gets the segment_id of the turn it lies in.
A coding recorded as of its whole turn (whole_turn true) covers its whole edited turn, also
one edited below --min-similarity (when at least half like it). Every moved coding is listed.

The codings files are UPDATED IN PLACE (written atomically); the previous version of each
changed file is kept beside it as <name>.bak. If any coding is ambiguous (its text is in
several places), split (its text now runs over several turns: a speaker label was inserted
inside its turn) or lost (its text is nowhere: the passage was deleted or rewritten), nothing
is written: each is reported with its file and line, exit 2; fix those rows by hand (or delete
them) and run again. A deleted passage is never guessed. A file given twice (under two
spellings, or through a link) is refused, and so is, before anything is written, a codings
file or backup that is a symbolic link.

Codings without a recorded text cannot be checked. --record adds the text column from the
current transcripts: do that while the transcripts are still the ones the codings were made on.

Inside a study folder, the transcripts and codings files default to those of study.yaml,
and reanchor holds the study's lock while it works (a 'citra-eval reproduce' of the study
waits for it, and it refuses to start while one runs).
"""


def _add_reanchor(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reanchor", help="move codings to their text after transcripts were "
                       "edited (updates the codings files in place, keeps <name>.bak)",
                       description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transcripts", metavar="DIR",
                   help="folder (or file) of the transcripts as they are now (default, inside "
                        "a study folder: from study.yaml)")
    p.add_argument("--codings", metavar="FILE", nargs="+",
                   help="codings CSV file(s) to check and update in place (default, inside a "
                        "study folder: every codings file of study.yaml)")
    p.add_argument("--min-similarity", type=float, default=MIN_SIMILARITY, metavar="X",
                   help=f"lowest similarity (0-1) of a fuzzy match (default {MIN_SIMILARITY})")
    p.add_argument("--record", action="store_true",
                   help="also record the text of codings that have none, from the current "
                        "transcripts (adds the text column to old files)")
    p.add_argument("--dry-run", action="store_true",
                   help="report what would be moved; write nothing")
    p.set_defaults(func=_run_reanchor)


def _run_reanchor(args: argparse.Namespace) -> int:
    if not 0 < args.min_similarity <= 1:
        raise InputError(f"--min-similarity must be a number in (0, 1], got "
                         f"{args.min_similarity}", path="citra-eval")
    if not (args.transcripts and args.codings):
        settings = study_here()  # outside a study folder: from_study says what is missing
        args.transcripts = from_study(args.transcripts, settings, "transcripts",
                                      "--transcripts")
        given = args.codings
        args.codings = from_study(args.codings, settings, "codings", "--codings")
        if not args.codings:
            raise InputError("the study has no codings files to reanchor",
                             path=shown_path(settings.path))
        if not given:  # study.yaml's files are resolved: find the links they were named by
            args.codings = _as_linked(args.codings, settings.path.parent)
    distinct_files(args.codings, "--codings")
    # a dry run writes nothing: it needs no lock
    with study_locked("reanchor", *([] if args.dry_run else args.codings)):
        return _reanchor(args)


def _reanchor(args: argparse.Namespace) -> int:
    problems = Problems()
    corpus = problems.attempt(read_transcripts, args.transcripts)
    tables = {f: problems.attempt(read_codings, f, keep_lines=True) for f in args.codings}
    problems.raise_any()
    plans = {}
    for f, codings in tables.items():
        plan = problems.attempt(_plan, f, codings, corpus, args)
        if plan is not None:
            plans[f] = plan[:4]
            problems.extend(plan[4])  # ambiguous, split or lost codings (dry run only)
    if args.dry_run and problems:  # the moves that would succeed, then what stops them
        for f, (result, *_) in plans.items():
            _print_moves(f, result)
    problems.raise_any()
    if not args.dry_run:
        _check_writable([f for f, plan in plans.items() if plan[2]])
    for f, (result, new, changed, n_recorded) in plans.items():
        _print_moves(f, result)
        n_form = int((result.moved["how"] == "form-offsets").sum())
        n_moved = len(result.moved) - n_form
        missing = int(new["text"].isna().sum()) if "text" in new.columns else len(new)
        what = ", ".join([f"{n_moved} coding(s) moved"]
                         + ([f"text of {n_form} rewritten as the transcript has it"]
                            if n_form else [])
                         + ([f"text of {n_recorded} recorded"] if n_recorded else []))
        if not changed:
            print(f"ok: {f}: every coding is where its text is; nothing to write")
        elif args.dry_run:
            print(f"dry run: {f}: {what}; nothing written")
        else:
            bak = _backup(f)
            write_bytes(bak, Path(f).read_bytes())
            write_codings(new, f, replace_raw=True)  # updating them is its purpose
            print(f"ok: {f}: {what}; previous version kept as {bak}")
        if missing:
            print(f"note: {f}: {missing} coding(s) have no recorded text and were not checked; "
                  "add it with --record while the transcripts are the ones they were made on")
    return 0


def _print_moves(path: str, result: ReanchorResult) -> None:
    for row in result.moved.itertuples(index=False):
        if row.how == "form-offsets":  # nothing moves: only the text column is rewritten
            print(f"text: {path}:{row.line}: {row.code} ({row.coder}) {row.doc_id} turn "
                  f"{row.segment_id} {row.start}:{row.end} stays; its text column differed "
                  f"only in {form_difference(row.text, row.found)} and is rewritten as "
                  "the transcript has it")
            continue
        print(f"moved: {path}:{row.line}: {row.code} ({row.coder}) {row.doc_id} turn "
              f"{row.segment_id} {row.start}:{row.end} -> turn {row.new_segment_id} "
              f"{row.new_start}:{row.new_end} ({_how(row.how, row.similarity, row)})")


def _as_linked(files: list[str], root: Path) -> list[str]:
    """``files`` (the study's codings, links resolved), each replaced by the symbolic link
    inside the study folder ``root`` that leads to it, if any: the file is updated in place,
    and a link is refused (:func:`_check_writable`) rather than written through to a file
    that may lie outside the study."""
    wanted = {os.path.realpath(f): f for f in files}
    links: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):  # links to folders are not followed
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            p = os.path.join(folder, name)
            if os.path.islink(p) and (real := os.path.realpath(p)) in wanted:
                links.setdefault(real, shown_path(p))
    return [links.get(os.path.realpath(f), f) for f in files]


def _backup(path: str) -> Path:
    return Path(path).with_name(Path(path).name + ".bak")


def _check_writable(paths: list[str]) -> None:
    """Refuse, before anything is written, a codings file or backup that cannot be written
    (a symbolic link, a named pipe, a name too long): else a backup could be left behind
    for a file that is then refused."""
    problems = [Problem(os.fspath(p), f"cannot write this file: {why}")
                for f in paths for p in (Path(f), _backup(f))
                if (why := output_path_problem(p) or _folder_problem(p)) is not None]
    if problems:
        raise InputError(problems=problems)


def _folder_problem(path: Path) -> str | None:
    """Why a folder standing where a file goes cannot be replaced, or None."""
    if path.is_dir() and not path.is_symlink():
        return ("this is a folder, not a regular file, and the file cannot be written there; "
                "move or rename the folder")
    return None


def _plan(path: str, codings: pd.DataFrame, corpus: Corpus,
          args: argparse.Namespace) -> tuple[ReanchorResult, pd.DataFrame, bool, int, list]:
    """Reanchor one file's codings; raise :class:`InputError` for ambiguous, split or lost ones
    (with ``--dry-run``, return them as the last item instead)."""
    try:
        result = reanchor(codings, corpus, min_similarity=args.min_similarity)
    except InputError as exc:
        raise InputError(problems=[Problem(path, p.message, p.line, p.column)
                                   for p in exc.problems]) from None
    bad = [_refusal(path, row, result.min_similarity)
           for row in result.report.itertuples(index=False) if row.status != "moved"]
    if bad:
        if args.dry_run:  # the moves that would succeed are still printed
            return result, result.codings, False, 0, bad
        raise InputError(problems=bad)
    new = result.codings
    n_recorded = 0
    if args.record:
        n_recorded = int(new["text"].isna().sum())
        new = record_text(new, corpus=corpus)
    validate_codings(new, corpus=corpus, path=path, warn=False)
    new = new[_columns(path, new)]
    return result, new, bool(len(result.moved) or n_recorded), n_recorded, []


def _refusal(path: str, row, min_similarity: float) -> Problem:
    who = f"{row.code} ({row.coder})"
    if row.status == "ambiguous":
        n = row.candidates.count(";") + 1
        where = "its turn" if row.how.endswith("-turn") else row.doc_id
        how = {"exact": "", "loose": " (ignoring case and spaces)",
               "fuzzy": " (as similar fuzzy matches)"}[row.how.split("-")[0]]
        return Problem(path, f"ambiguous: the coded text {shown(row.text)} of {who} is in "
                       f"{n} places in {where}{how}: {row.candidates}; set this row's "
                       "start/end (and segment_id) by hand, then run reanchor again",
                       row.line)
    if row.status == "split":
        turns = row.candidates.split("; ")
        return Problem(path, f"split: the coded text {shown(row.text)} of {who} now runs over "
                       f"{len(turns)} turns of {row.doc_id}: {', '.join(turns)} (a speaker "
                       "label was inserted inside the turn it coded, so that turn was split); "
                       "a coding lies inside one turn: replace this row by one row per turn "
                       "that the code applies to, with that turn's segment_id and start:end "
                       "as listed (or delete it and code the new turns again), then run "
                       "reanchor again", row.line)
    return Problem(path, f"lost: the coded text {shown(row.text)} of {who} is no longer in "
                   f"{row.doc_id} (nothing at least {min_similarity:.0%} similar): the passage was "
                   "deleted or rewritten (if it was only edited, a lower --min-similarity may "
                   "find it); code the new text by hand or delete this row",
                   row.line)


def _how(how: str, sim: float, row=None) -> str:
    kind, where = how.split("-")
    if where == "offsets":
        return "exact, at its offsets: the segment_id named another turn"
    place = {"turn": "same turn", "document": "elsewhere in the document"}.get(where)
    if where == "shift":  # one of several places: where the codings around it moved
        place = (f"one of several places: the one moved by {row.new_start - row.start:+d} "
                 "characters, as the codings around it")
    if kind == "exact":
        return f"exact, {place}"
    if kind == "loose":
        return f"ignoring case and spaces, {place}"
    if kind == "marked":  # whole_turn true, its turn edited past --min-similarity
        return (f"{sim:.0%} similar, below --min-similarity, but recorded as of its whole "
                f"turn (whole_turn true): the whole turn as before, {place}")
    if kind == "whole":  # the coding covered a whole turn, and covers the edited one
        return f"{sim:.0%} similar, the whole turn as before, {place}"
    return f"fuzzy, {sim:.0%} similar, {place}"


def _columns(path: str, frame: pd.DataFrame) -> list[str]:
    """The file's own columns (plus ``text``): optional columns the reader added are left
    out when the file did not have them."""
    header = next(csv.reader(io.StringIO(read_text_file(path))), [])
    header = [h.strip() for h in header]
    added = [c for c in OPTIONAL_COLUMNS if c not in header and c != "text"]
    keep = [c for c in frame.columns if c not in added and not c.startswith("_")]
    if "text" in keep and "text" not in header and frame["text"].isna().all():
        keep.remove("text")
    front = [c for c in [*CODING_COLUMNS, *OPTIONAL_COLUMNS] if c in keep]
    return front + [c for c in keep if c not in front]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_reanchor(sub)
