"""``citra-eval reproduce`` and ``citra-eval verify``: rebuild and check the reports."""


from __future__ import annotations

import argparse
import sys

from ..errors import InputError, for_cli
from ..outputs import MANIFEST_NAME, read_manifest
from ..pipeline import (
    CELL_TIMEOUT,
    NotebookError,
    foreign_reports_files,
    input_changes,
    keep_problem,
    leftovers,
    provenance_counts,
    reproduce,
    verify,
)
from ..study import find_study_root
from ._common import print_differences, progress, seed_value


def _add_reproduce(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reproduce", help="rebuild every figure and table from the raw inputs",
        description="Inside a study folder (one with study.yaml): validate the study as "
                    "'citra-eval validate' does, check the raw inputs against "
                    "data/raw/CHECKSUMS.sha256, run notebooks/NN-*.ipynb headless in order "
                    "(with the parameters study_root, out_dir, lang, seed), and write "
                    "figures, tables, executed notebooks, provenance.json and MANIFEST.sha256 "
                    "to reports/. Notes the notebooks write with ce.note() are repeated on "
                    "stderr; an InputError inside a notebook, or a cell running longer than "
                    "--cell-timeout, is exit 2 naming the notebook and the cell.")
    p.add_argument("--check", action="store_true",
                   help="rebuild in a temporary folder; exit 1 listing every file, rebuilt or "
                        "now in reports/ (as 'verify' checks them), that differs from "
                        "reports/MANIFEST.sha256")
    p.add_argument("--keep", metavar="DIR",
                   help="with --check: keep the rebuilt reports in DIR (a new folder) to inspect "
                        "the differences")
    p.add_argument("--update-checksums", action="store_true",
                   help="deliberately record the current raw inputs in data/raw/CHECKSUMS.sha256 "
                        "(updated in place once they validate and the rebuild succeeded; the "
                        "previous version is kept as CHECKSUMS.sha256.bak)")
    p.add_argument("--root", metavar="DIR",
                   help="study folder (default: the one holding study.yaml here or above)")
    p.add_argument("--lang", choices=["id", "en"], default=None,
                   help="label language (default: study.yaml's lang; with --check, the "
                        "language recorded in reports/provenance.json)")
    p.add_argument("--seed", type=seed_value, default=None,
                   help="seed of every random step (default: as for --lang)")
    p.add_argument("--cell-timeout", type=float, default=CELL_TIMEOUT, metavar="SECONDS",
                   help=f"stop the run (exit 2) when a notebook cell runs longer than this many "
                        f"whole seconds (default {CELL_TIMEOUT})")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="report each notebook even when stderr is not a terminal")
    p.set_defaults(func=_run_reproduce)


def _run_reproduce(args: argparse.Namespace) -> int:
    from pathlib import Path


    try:
        if args.keep and not args.check:
            raise InputError("--keep only works with --check", path="citra-eval")
        if args.update_checksums and args.check:
            raise InputError("--update-checksums records the inputs with the reports it builds, "
                             "and --check writes no reports; run one, then the other",
                             path="citra-eval")
        if args.keep and Path(args.keep).exists():
            raise InputError("--keep needs a folder that does not exist yet", path=args.keep)
        if args.keep and (why := keep_problem(find_study_root(args.root), args.keep)):
            raise InputError(f"--keep: {why} (nothing was run)", path=args.keep)
        if not (args.cell_timeout > 0 and float(args.cell_timeout).is_integer()):
            raise InputError(f"--cell-timeout must be a positive whole number of seconds, got "
                             f"{args.cell_timeout:g}", path="citra-eval")
        res = reproduce(args.root, check=args.check, lang=args.lang, seed=args.seed,
                        update_checksums=args.update_checksums, progress=progress(args.verbose),
                        keep=args.keep, warn=lambda line: print(for_cli(line), file=sys.stderr),
                        cell_timeout=args.cell_timeout)
    except NotebookError as exc:
        # the study's data is wrong, found inside a notebook; or a cell ran out of time
        if exc.ename in ("InputError", "CellTimeoutError"):
            where = f"{exc.notebook}: cell {exc.cell}" if exc.cell else exc.notebook
            for line in (exc.evalue or "").splitlines() or [""]:
                print(f"error: {where}: {line}", file=sys.stderr)
            return 2
        # another failure (a bug, or a cell of one's own): named, and where to look
        for line in str(exc).splitlines()[:1]:
            print(f"error: {line}", file=sys.stderr)
        for line in str(exc).splitlines()[1:]:
            print(line, file=sys.stderr)
        print(f"error: {exc.notebook}: reports/ was left unchanged; the partly run notebook "
              f"is not kept: to see the failing cell with its outputs, open {exc.notebook} "
              "in Jupyter (JupyterLab, Notebook or VS Code) from the study folder and run "
              "all its cells", file=sys.stderr)
        return 1
    for n in res.notes:
        print(f"note: {n}", file=sys.stderr)
    times = ", ".join(f"{k.split('-')[0]} {v:.1f} s" for k, v in res.timings.items())
    if args.check:
        code = print_differences(res.differences, "reports/MANIFEST.sha256")
        _note_leftovers(res.reports_dir)
        if res.committed:
            print(f"note: reports/: {len(res.committed)} of these are files now in reports/ "
                  "('citra-eval verify' lists them); restore them from version control or "
                  "run 'citra-eval reproduce'", file=sys.stderr)
        for line in res.inputs:  # inputs the committed reports were not built from
            print(f"note: {line}", file=sys.stderr)
        for line in res.notebooks if code else ():  # the likely reason, named
            print(f"note: {line}", file=sys.stderr)
        if code and res.environment:
            print("note: reports/provenance.json: the reports were built with "
                  f"{', '.join(res.environment)}; figures and tables are byte-identical for "
                  "the same versions only: check in an environment with the recorded ones",
                  file=sys.stderr)
        if code == 0:
            print(f"ok: {len(res.files)} files rebuilt identical to reports/MANIFEST.sha256 "
                  f"in {res.seconds:.1f} s ({times})")
        return code
    print(f"reproduced {len(res.timings)} notebooks, {len(res.files)} files in reports/ in "
          f"{res.seconds:.1f} s ({times})")
    return 0


def _note_leftovers(reports) -> None:
    """A ``note:`` per leftover of a stopped run (a check removes nothing in reports/)."""
    for p in leftovers(reports):
        shown = f"reports/{p.name}" + ("/" if p.is_dir() else "")
        print(f"note: {shown}: left by a 'citra-eval reproduce' that was stopped; the next "
              "'citra-eval reproduce' removes it", file=sys.stderr)


def _add_verify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check the files in reports/ against reports/MANIFEST.sha256",
                       description="Check every figure and table in reports/ against the "
                                   "manifest, and the raw inputs and notebooks against the "
                                   "checksums reports/provenance.json records for them; "
                                   "exit 1 listing those that differ.")
    p.add_argument("--root", metavar="DIR",
                   help="study folder (default: the one holding study.yaml here or above)")
    p.set_defaults(func=_run_verify)


def _run_verify(args: argparse.Namespace) -> int:
    diffs = verify(args.root)
    root = find_study_root(args.root)
    recorded = provenance_counts(root)  # before any line: a provenance.json to refuse
    code = print_differences(diffs, "reports/MANIFEST.sha256")
    if recorded is None:
        print("note: reports/provenance.json: not found, so the inputs and notebooks the "
              "reports were built from are not checked; 'citra-eval reproduce' writes it",
              file=sys.stderr)
        stale, notebooks = [], []
    else:
        stale = input_changes(root, only="inputs")
        notebooks = input_changes(root, only="notebooks")
    for line in sorted(stale + notebooks):
        print(line, file=sys.stderr)
    _note_leftovers(root / "reports")
    listed = {d.path for d in diffs}  # those verify already lists ("not listed")
    for rel in (f for f in foreign_reports_files(root / "reports") if f not in listed):
        print(f"note: {rel}: not made by 'citra-eval reproduce', which replaces "
              "reports/figures/, reports/tables/ and reports/notebooks/ as a whole and so "
              "refuses to run while it is there; move it elsewhere (e.g. reports/extra/)",
              file=sys.stderr)
    if stale or notebooks:
        counts = [_count(len(stale), "input"), _count(len(notebooks), "notebook")]
        verb = "differs" if len(stale) + len(notebooks) == 1 else "differ"
        print(f"{' and '.join(c for c in counts if c)} {verb} from reports/provenance.json",
              file=sys.stderr)
        code = 1
    if code == 0:
        inputs = ("; no reports/provenance.json: the inputs and notebooks the reports were "
                  "built from are not checked" if recorded is None else
                  f", and the {_count(recorded['inputs'], 'raw input')} and "
                  f"{_count(recorded['notebooks'], 'notebook')} match the checksums "
                  "reports/provenance.json records")
        print(f"ok: {_checked(root)} match reports/MANIFEST.sha256{inputs}; the executed "
              "notebooks in reports/notebooks/ are not checked (see docs/reproduce.md)")
    return code


def _count(n: int, what: str) -> str:
    """"1 input", "2 inputs"; empty for none."""
    return "" if n == 0 else f"{n} {what}" + ("s" if n != 1 else "")


def _checked(root) -> str:
    """What the manifest of the study ``root`` lists, as verify's ok line says it: "55
    figures and tables and provenance.json"."""
    listed = read_manifest(root / "reports" / MANIFEST_NAME)
    files = [rel for rel in listed if rel != "reports/provenance.json"]
    what = f"{len(files)} figure(s) and table(s)" if len(files) < 2 else \
        f"{len(files)} figures and tables"
    return what + (" and provenance.json" if len(files) < len(listed) else "")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_reproduce(sub)
    _add_verify(sub)

