"""Benchmark: the search for a study inside a study (``notebook_study_root``).

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_study_root.py [--quick] [--delay MS]

A study folder holding a big tree that is no study (a ``data/`` folder of many folders, a
home-like folder, ``node_modules``, a virtual environment not hidden), of growing size. The
search now (breadth first, at most ``NESTED_STUDY_FOLDERS`` folders listed, environments
skipped) against a baseline measured in the same run: the walk it did before (``os.walk``
of every folder ``NESTED_STUDY_DEPTH`` deep, reproduced below). ``--delay`` adds MS
milliseconds to every folder listing, as a network drive would. Prints seconds, folders
listed and the ratio; nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import citra_eval as ce
from citra_eval import study


def _baseline(root: Path) -> list[Path]:
    """The walk before the bound: every folder up to NESTED_STUDY_DEPTH deep."""
    found = []
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        depth = len(here.relative_to(root).parts)
        if depth and study.STUDY_FILE in files and any((here / "notebooks").glob("*.ipynb")):
            found.append(here)
        subfolders[:] = [] if depth >= study.NESTED_STUDY_DEPTH else sorted(
            d for d in subfolders if not d.startswith(".")
            and d not in {"__pycache__", "node_modules", "site-packages"})
    return found


def _tree(root: Path, n: int) -> None:
    """A study holding about ``n`` folders that are no study."""
    ce.init_study(root)
    for i in range(n // 5):
        (root / "data" / "scans" / f"p{i // 40:03d}" / f"s{i % 40:02d}").mkdir(parents=True)
    for i in range(n // 5):
        (root / "home" / f"u{i // 50:03d}" / f"d{i % 50:02d}" / "x").mkdir(parents=True)
    for i in range(n // 10):
        (root / "web" / "node_modules" / f"pkg{i}" / "lib").mkdir(parents=True)
        (root / "venv" / "lib" / "site" / f"m{i}").mkdir(parents=True)
    (root / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")


def _timed(fn, root: Path, delay: float) -> tuple[float, int, list[Path]]:
    scandir = os.scandir
    listed = [0]

    def slow(path="."):
        listed[0] += 1
        if delay:
            time.sleep(delay)
        return scandir(path)

    os.scandir = slow
    try:
        t = time.perf_counter()
        found = fn(root)
        return time.perf_counter() - t, listed[0], found
    finally:
        os.scandir = scandir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--delay", type=float, default=0.0, metavar="MS",
                        help="milliseconds added to every folder listing (a slow drive)")
    args = parser.parse_args()
    sizes = [2_000, 10_000] if args.quick else [2_000, 10_000, 30_000]
    print(f"{'folders':>8} {'now s':>8} {'listed':>7} {'baseline s':>11} {'listed':>7} "
          f"{'ratio':>7}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "study"
            _tree(root, n)
            now, listed_now, found_now = _timed(study._studies_below, root, args.delay / 1000)
            base, listed_base, found_base = _timed(_baseline, root, args.delay / 1000)
            assert found_now == [] and found_base == [], (found_now, found_base)
            print(f"{n:>8} {now:>8.3f} {listed_now:>7} {base:>11.3f} {listed_base:>7} "
                  f"{base / now:>7.1f}")


if __name__ == "__main__":
    main()
