"""Benchmark: three routes whose time grew faster than their input, now about linear.

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_growth.py [--quick]

Each route is timed at 1x, 2x and 4x its size; ``growth`` is the time per row at that size
relative to 1x, measured in the same run (1.0: linear; 4.0 at 4x: quadratic). Beside it, a
baseline measured in the same run on the same input:

* ``same_code_overlaps`` (``validate``, ``load_study``, coding sheets): one turn holding N
  codings of one code by one coder, none overlapping but every tenth, which lies inside its
  neighbour. Baseline: the former all-pairs check (reproduced below; the same pairs are
  checked), which grew with N squared.
* ``read_responses`` (``citra-eval survey``, ``validate --responses``): N respondents of the
  example study's instrument (its rows drawn with replacement). Baseline: ``pandas.read_csv``
  of the same file (no checks, no line numbers); the cell-by-cell check took 250x it.
* ``qdpx_bytes`` (``qdpx export``): one transcript of N turns, each coded once (a code
  given twice in every tenth turn, under one selection). Baseline: ``read_qdpx`` of the
  archive written (the import); the export took ~5 ms a coding, 6x the import.

* ``_check_ids`` (``read_responses``): N respondent ids, every hundredth empty or a
  duplicate. Baseline: the former row-by-row loop (reproduced below; the same problems).
* ``scale_reliability`` and ``item_statistics`` (``citra-eval survey``, the reliability
  notebook): N simulated respondents of the example study's instrument
  (``simulate_survey``; 35 items in 11 scales). Baseline: ``DataFrame.cov`` and
  ``DataFrame.corr`` of every scale's items, the two pairwise matrices scale_reliability
  needs (a floor; alpha once took pingouin's second ``cov`` too, and item_statistics one
  matrix per item and per pair of items).

Times are the best of 3 runs (1 for the all-pairs baseline); nothing is asserted on time.

One run (load about 7 on 2 cores, so a ratio of 2 is noise): 12,000 codings in one turn
0.093 s (all pairs: 17 s), growth 0.78x; 20,000 respondents 2.8 s (29x read_csv; it was
about 250x), growth 0.68x; 11,000 codings exported in 3.7 s (0.56x the import), growth
2.25x, the import's own 1.74x.

Session 17 (load about 8 on 2 cores): 200,000 respondent ids checked in 0.31 s (the former
row loop 1.85 s), growth 1.46x; 20,000 simulated respondents: scale_reliability 0.40 s
(0.63 s before, same run), item_statistics 0.54 s (1.38 s before), growth 0.35x and 0.48x.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from bench_qdpx_split import _time  # best of n runs (run from benchmarks/)

import citra_eval as ce
from citra_eval.codings import same_code_overlaps
from citra_eval.errors import Problem
from citra_eval.qdpx import qdpx_bytes
from citra_eval.survey import _check_ids, keyed_items

ROOT = Path(__file__).resolve().parents[1]


def former_overlaps(codings: pd.DataFrame) -> list[tuple[int, int]]:
    """The former ``same_code_overlaps``: every pair of codings of each group compared."""
    key = ["doc_id", "segment_id", "code", "coder"]
    frame = codings[[*key, "start", "end"]].reset_index(drop=True)
    frame = frame[frame.duplicated(key, keep=False)]
    pairs = []
    for _, group in frame.groupby(key, sort=False):
        spans = list(zip(group.index, group["start"], group["end"], strict=True))
        for n, (i, s1, e1) in enumerate(spans):
            pairs += [(i, j) for j, s2, e2 in spans[n + 1:]
                      if s1 < e2 and s2 < e1 and (s1, e1) != (s2, e2)]
    return sorted(((int(i), int(j)) for i, j in pairs), key=lambda p: (p[1], p[0]))


def former_check_ids(frame: pd.DataFrame, col: str, line_of: pd.Series, path: str,
                     problems: list) -> None:
    """The former ``survey._check_ids``: one lookup per row."""
    first: dict[str, int] = {}
    for idx, rid in frame[col].items():
        line = int(line_of[idx])
        if rid == "":
            problems.append(Problem(path, "empty respondent id; give every row a unique "
                                       "id", line, col))
        elif rid in first:
            problems.append(Problem(path, f"duplicate respondent id {rid!r} (first on "
                                       f"line {first[rid]}); ids must be unique", line, col))
        else:
            first[rid] = line


def _one_turn(n: int) -> pd.DataFrame:
    start = np.arange(n) * 30
    end = start + 29
    end[9::10] = start[9::10] - 5  # inside the coding before it
    start[9::10] -= 20
    return pd.DataFrame({"doc_id": "D", "segment_id": 2, "start": start, "end": end,
                         "code": "kerja_sama", "coder": "A"})


def _growth(rows: list[tuple[int, float, float]], unit: str) -> None:
    n0, t0 = rows[0][0], rows[0][1]
    print(f"{unit:>12} | {'seconds':>9} {'baseline':>9} {'ratio':>8} | growth per row")
    for n, t, base in rows:
        print(f"{n:12,d} | {t:9.3f} {base:9.3f} {t / base:8.2f} | {t / n / (t0 / n0):8.2f}x")


def bench_overlaps(sizes: list[int]) -> None:
    print("\nsame_code_overlaps: one turn, N codings of one code (baseline: the former "
          "all-pairs check)")
    rows = []
    for n in sizes:
        codings = _one_turn(n)
        assert same_code_overlaps(codings) == former_overlaps(codings)
        rows.append((n, _time(lambda c=codings: same_code_overlaps(c)),
                     _time(lambda c=codings: former_overlaps(c), repeat=1)))
    _growth(rows, "codings")


def bench_responses(sizes: list[int]) -> None:
    print("\nread_responses: N respondents, example instrument (baseline: pandas.read_csv)")
    instrument = ce.Instrument.load(ROOT / "data" / "raw" / "instrument.yaml")
    small = pd.read_csv(ROOT / "data" / "raw" / "survey_responses.csv", dtype=str,
                        keep_default_na=False)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            big = small.sample(n, replace=True, random_state=0).reset_index(drop=True)
            big[instrument.id_column] = [f"R{i:06d}" for i in range(n)]
            path = Path(d) / f"r{n}.csv"
            big.to_csv(path, index=False)
            rows.append((n, _time(lambda p=path: ce.read_responses(p, instrument)),
                         _time(lambda p=path: pd.read_csv(p))))
    _growth(rows, "respondents")


def bench_ids(sizes: list[int]) -> None:
    print("\n_check_ids: N respondent ids, 1% empty or duplicate (baseline: the former "
          "row-by-row loop)")
    rows = []
    for n in sizes:
        ids = np.array([f"R{i:07d}" for i in range(n)], dtype=object)
        ids[50::100] = ""
        ids[99::100] = ids[:n // 100]
        frame = pd.DataFrame({"rid": ids}, dtype=object)
        line_of = pd.Series(np.arange(2, n + 2), index=frame.index)
        new: list = []
        old: list = []
        _check_ids(frame, "rid", line_of, "r.csv", new)
        former_check_ids(frame, "rid", line_of, "r.csv", old)
        assert new == old
        rows.append((n, _time(lambda f=frame, ln=line_of: _check_ids(f, "rid", ln, "r.csv", [])),
                     _time(lambda f=frame, ln=line_of:
                           former_check_ids(f, "rid", ln, "r.csv", []))))
    _growth(rows, "respondents")


def bench_reliability(sizes: list[int], table: str = "scale_reliability") -> None:
    print(f"\n{table}: N simulated respondents, example instrument (baseline: "
          "DataFrame.cov and .corr of every scale)")
    instrument = ce.Instrument.load(ROOT / "data" / "raw" / "instrument.yaml")
    settings = ce.SimulationSettings.load(ROOT / "data" / "raw" / "survey_simulation.yaml",
                                          key="simulation")
    func = getattr(ce, table)
    rows = []
    for n in sizes:
        resp = ce.simulate_survey(instrument, settings, seed=1, n=n)
        blocks = [keyed_items(resp, instrument, s) for s in instrument.scales]

        def floor(blocks=blocks):
            for b in blocks:
                b.cov()
                b.corr()

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows.append((n, _time(lambda r=resp: func(r, instrument)), _time(floor)))
    _growth(rows, "respondents")


def bench_export(sizes: list[int]) -> None:
    print("\nqdpx_bytes: one transcript of N turns coded once each (baseline: read_qdpx of "
          "the archive)")
    codebook = ce.Codebook.from_dict({"codebook": "c", "version": 1, "language": "id", "codes": [
        {"id": "kerja_sama", "label": {"id": "Kerja sama"}},
        {"id": "media", "label": {"id": "Media"}}]})
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            text = "".join(f"Ani: pertanyaan {i}\nBudi: kami kerja sama {i}\n" for i in range(n))
            corpus = ce.Corpus.from_texts({"T1.txt": "---\nid: T1\nspeakers: {Ani: interviewer, "
                                           f"Budi: informant}}\n---\n{text}"})
            segs = corpus.segments[corpus.segments["role"] == "informant"]
            codings = pd.DataFrame({"doc_id": "T1", "segment_id": segs["segment_id"],
                                    "start": segs["start"], "end": segs["end"],
                                    "code": "kerja_sama", "coder": "A"})
            codings = pd.concat([codings, codings.iloc[::10].assign(code="media")])
            path = Path(d) / f"p{n}.qdpx"
            path.write_bytes(qdpx_bytes(corpus, codebook, codings))
            rows.append((len(codings), _time(lambda c=corpus, k=codings:
                                             qdpx_bytes(c, codebook, k)),
                         _time(lambda p=path: ce.read_qdpx(p))))
    _growth(rows, "codings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    scale = 4 if args.quick else 1
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas "
          f"{pd.__version__}, citra_eval {ce.__version__}")
    bench_overlaps([n // scale for n in (3000, 6000, 12000)])
    bench_responses([n // scale for n in (5000, 10000, 20000)])
    bench_export([n // scale for n in (2500, 5000, 10000)])
    bench_ids([n // scale for n in (50000, 100000, 200000)])
    for table in ("scale_reliability", "item_statistics"):
        bench_reliability([n // scale for n in (5000, 10000, 20000)], table)


if __name__ == "__main__":
    main()
