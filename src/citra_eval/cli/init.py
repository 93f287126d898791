"""``citra-eval init DIR``: a new study folder, or a copy of the example study."""


from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from ..study import init_study


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


def _run_init(args: argparse.Namespace) -> int:
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
