"""Benchmark: validating a codings table against the corpus (``validate_codings``).

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_codings.py [--quick]

200,000 valid codings on 100 documents x 101 segments: ``validate_codings`` (vectorised: a
join against the segments table) against a baseline measured in the same run — the
row-by-row loop (``DataFrame.iterrows``) that ``validate_codings`` used before, reproduced
below. Also times the same check when the codings record their ``text`` (each compared with
the transcript), ``read_codings`` on the table written as CSV (parsing included), and
checks that both validators report the same problems on a table with bad rows.
Times are the best of 3 runs (1 for the baseline); nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import platform
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 codings (smoke test)")
    args = parser.parse_args()
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
