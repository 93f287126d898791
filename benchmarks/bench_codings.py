"""Benchmark: validating a codings table against the corpus (``validate_codings``).

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_codings.py [--quick | --large 5000000]

200,000 valid codings on 100 documents x 101 segments: ``validate_codings`` (vectorised: a
join against the segments table) against a baseline measured in the same run — the
row-by-row loop (``DataFrame.iterrows``) that ``validate_codings`` used before, reproduced
below. Also times the same check when the codings record their ``text`` (each compared with
the transcript), ``read_codings`` on the table written as CSV (parsing included), and
checks that both validators report the same problems on a table with bad rows.
Times are the best of 3 runs (1 for the baseline); nothing is asserted on time.

``--large N`` instead writes N valid rows (no transcripts) and runs ``citra-eval validate
--codings`` on them in a fresh process, beside ``pandas.read_csv`` of the same file in
another (the baseline): wall and CPU seconds and the peak resident memory.
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_agreement import _corpus  # the same synthetic corpus (run from benchmarks/)

import citra_eval as ce
from citra_eval.errors import Problem


def _time(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def baseline_check(codings: pd.DataFrame, corpus: ce.Corpus) -> list[Problem]:
    """The former per-row corpus check of ``validate_codings`` (same messages)."""
    problems: list[Problem] = []
    lines = pd.Series(range(2, len(codings) + 2), index=codings.index)
    ok = codings["start"].ge(0) & codings["end"].ge(0)
    seg = corpus.segments.set_index(["doc_id", "segment_id"])[["start", "end"]]
    seg_index = set(seg.index)
    known_docs = set(corpus.doc_ids)
    for idx, row in codings.iterrows():
        line = int(lines[idx])
        if row["doc_id"] not in known_docs:
            if row["doc_id"]:
                problems.append(Problem(None, f"unknown doc_id {row['doc_id']!r}: no transcript "
                                        "has this id", line, "doc_id"))
            continue
        if not ok[idx]:
            continue
        key = (row["doc_id"], int(row["segment_id"]))
        if key not in seg_index:
            n = int((corpus.segments["doc_id"] == row["doc_id"]).sum())
            problems.append(Problem(None, f"unknown segment_id {row['segment_id']} in "
                                    f"{row['doc_id']!r} (it has segments 1-{n})", line,
                                    "segment_id"))
            continue
        size = len(corpus.text(row["doc_id"]))
        if row["end"] > size:
            problems.append(Problem(None, f"span {row['start']}:{row['end']} lies outside the "
                                    f"text of {row['doc_id']!r} ({size} characters)", line))
            continue
        s_start, s_end = seg.loc[key]
        if row["start"] < s_start or row["end"] > s_end:
            problems.append(Problem(
                None, f"span {row['start']}:{row['end']} is not inside segment "
                f"{row['segment_id']} of {row['doc_id']!r} ({s_start}:{s_end}); fix the offsets "
                "or the segment_id", line))
    return problems


def _codings(corpus: ce.Corpus, n: int, seed: int) -> pd.DataFrame:
    segs = corpus.segments
    i = np.random.default_rng(seed).integers(0, len(segs), n)
    return pd.DataFrame({
        "doc_id": segs["doc_id"].to_numpy()[i], "segment_id": segs["segment_id"].to_numpy()[i],
        "start": segs["start"].to_numpy()[i], "end": segs["end"].to_numpy()[i],
        "code": [f"code_{k}" for k in range(n)], "coder": "A"})


def _write_large(path: Path, n: int) -> None:
    """``n`` valid codings rows without a corpus (about 39 bytes each: 5 million, 190 MB)."""
    rng = np.random.default_rng(0)
    docs = np.array([f"DOC{i:02d}" for i in range(1, 12)])[rng.integers(0, 11, n)]
    codes = np.array(["cooperation", "forum", "social_media", "values"])[rng.integers(0, 4, n)]
    segs = rng.integers(1, 45, n)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("doc_id,segment_id,start,end,code,coder,note\n")
        for lo in range(0, n, 500_000):
            hi = min(lo + 500_000, n)
            fh.write("".join(f"{d},{s},{i},{i + 30},{c},{'AB'[i % 2]},\n" for d, s, i, c in
                             zip(docs[lo:hi], segs[lo:hi], range(lo, hi), codes[lo:hi],
                                 strict=True)))


def _child(code: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident MB of ``python -c code`` in a child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def large(n: int) -> None:
    """``citra-eval validate --codings`` on ``n`` rows, in a child process, beside a plain
    ``pandas.read_csv`` of the same file (the baseline, same run)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "codings.csv"
        _write_large(path, n)
        mb = path.stat().st_size / 1e6
        base = _child(f"import pandas as pd; pd.read_csv({str(path)!r})")
        ours = _child("import sys; from citra_eval.cli import main; "
                      f"sys.exit(main(['validate', '--codings', {str(path)!r}]))")
    print(f"## {n:,} codings rows ({mb:.0f} MB), each in a fresh process")
    print(f"pandas.read_csv (baseline)      : {base[0]:6.1f} s wall, {base[1]:6.1f} s CPU, "
          f"peak RSS of the children so far {base[2]:,} MB")
    print(f"citra-eval validate --codings   : {ours[0]:6.1f} s wall, {ours[1]:6.1f} s CPU, "
          f"peak RSS of the children so far {ours[2]:,} MB")
    print(f"ratio (validate / read_csv)     : {ours[0] / base[0]:.1f}x wall, "
          f"{ours[1] / base[1]:.1f}x CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 codings (smoke test)")
    parser.add_argument("--large", type=int, metavar="N",
                        help="instead: validate N codings rows from the command line "
                             "(e.g. 5000000), beside pandas.read_csv of the same file")
    args = parser.parse_args()
    if args.large:
        large(args.large)
        return
    n = 20_000 if args.quick else 200_000
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}, {platform.machine()}")
    corpus = _corpus(100, 100)
    codings = _codings(corpus, n, seed=0)
    t_new = _time(lambda: ce.validate_codings(codings, corpus=corpus), repeat=3)
    t_old = _time(lambda: baseline_check(codings, corpus))
    recorded = ce.record_text(codings, corpus=corpus)
    t_text = _time(lambda: ce.validate_codings(recorded, corpus=corpus), repeat=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "codings.csv"
        ce.write_codings(codings, path, corpus=corpus)
        t_read = _time(lambda: ce.read_codings(path, corpus=corpus), repeat=3)
    print(f"## validate_codings(corpus=...) on {n:,} valid codings, "
          f"{len(corpus.segments):,} segments")
    print(f"vectorised validate_codings   : {t_new:8.3f} s")
    print(f"row loop (former, iterrows)   : {t_old:8.3f} s  "
          f"(vectorised {t_old / t_new:,.0f}x faster)")
    print(f"... with recorded text checked: {t_text:8.3f} s  "
          f"({t_text / t_new:.1f}x the time without)")
    print(f"read_codings (CSV with text)  : {t_read:8.3f} s")
    bad = codings.head(2_000).copy()
    bad.loc[::7, "segment_id"] = 999
    bad.loc[::11, "end"] = 10**7
    bad.loc[::13, "doc_id"] = "nope"
    problems: list[Problem] = []
    try:
        ce.validate_codings(bad, corpus=corpus, problems=problems)
    except ce.InputError:
        pass
    same = problems == baseline_check(bad, corpus)
    print(f"same {len(problems)} problems as the row loop on 2,000 rows with bad ones: {same}")


if __name__ == "__main__":
    main()
