"""``citra-eval init DIR``: a new study folder, or a copy of the example study."""


from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from .._files import RAW_FOLDERS
from ..errors import InputError
from ..study import STUDY_FILE, init_study


def _add_init(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init", help="make a new study folder (or a copy of the example study)",
        description="Make a new, empty study in DIR: study.yaml with every key commented, "
                    "interview_transcripts/ and data/raw/ with commented templates "
                    "(*.template.*, never read as data), the notebooks, and a README.md of "
                    "next steps. With --example, copy the bundled (illustrative) example study "
                    "instead. DIR must be new or empty.")
    p.add_argument("dir", metavar="DIR", help="the folder to make")
    p.add_argument("--example", action="store_true",
                   help="copy the illustrative example study (inputs, notebooks, reports)")
    p.add_argument("--title", help="the title written into study.yaml (default: DIR's name)")
    p.add_argument("--force", action="store_true",
                   help="write into a non-empty DIR, replacing files of the same name (other "
                        "files are kept); with --example a folder holding a study is refused "
                        "even so")
    p.set_defaults(func=_run_init)


def _refuse_mixing(folder: str) -> None:
    """Refuse to copy the example study into a folder holding a study: ``--force`` would
    replace its study.yaml, transcripts, codebook and codings with the example's and leave a
    mix of both. A study is a ``study.yaml`` or a data file (not a ``*.template.*``) in its
    raw-data folders."""
    root = Path(folder)
    if not root.is_dir():
        return
    found = [root / STUDY_FILE] if (root / STUDY_FILE).is_file() else []
    found += sorted(f for d in RAW_FOLDERS if (root / d).is_dir()
                    for f in (root / d).rglob("*")
                    if f.is_file() and ".template." not in f.name)
    if found:
        names = ", ".join(f.relative_to(root).as_posix() for f in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise InputError(f"the folder holds a study ({names}{more}): copying the example "
                         "into it would replace those files and mix the two studies, even "
                         "with --force; choose an empty folder for the example", path=folder)


def _run_init(args: argparse.Namespace) -> int:
    if args.example:
        _refuse_mixing(args.dir)
    root = init_study(args.dir, example=args.example, force=args.force, title=args.title)
    what = "a copy of the example study (illustrative)" if args.example else "a new study"
    print(f"made {what} in {args.dir}")
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        print(f"  {entry.name}{'/' if entry.is_dir() else ''}")
    where = Path(args.dir).as_posix()
    # quoted so that the line can be pasted into a shell (a folder with spaces, say)
    print(f"next: cd {shlex.quote(where)} && citra-eval validate   (the steps are in "
          f"{where}/README.md)")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register this module's command(s)."""
    _add_init(sub)
