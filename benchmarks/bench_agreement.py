"""Benchmark: citra_eval's Krippendorff's alpha and bootstrapped agreement table.

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_agreement.py [--quick]

1. Nominal alpha, 3 coders x 100,000 units (5 % missing): citra_eval vs nltk
   ``AnnotationTask.alpha`` (and the ``krippendorff`` package), timed in the same run.
   nltk is timed on a subsample and scaled linearly when the full run would be too slow
   (its alpha is linear in the number of ratings); the output says so.
2. ``agreement()`` on 50 codes x 10,000 informant segments, 2 coders, 1,000 bootstrap
   replicates: total seconds, of which validating the codings against the corpus and the
   coefficient engine (``presence_agreement``, with and without the bootstrap), and a naive
   baseline (recomputing alpha per replicate and code with ``krippendorff.alpha``, timed on a
   few replicates and scaled).

Times are the best of 3 runs (1 for the slow baselines); ratios are against baselines
measured in this run; nothing is asserted.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

import citra_eval as ce


def _time(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_alpha(n_units: int, nltk_units: int) -> None:
    import krippendorff
    from nltk.metrics.agreement import AnnotationTask

    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, size=n_units)
    ratings = np.where(rng.random((n_units, 3)) < 0.8, truth[:, None],
                       rng.integers(0, 4, size=(n_units, 3))).astype(float)
    ratings[rng.random((n_units, 3)) < 0.05] = np.nan

    t_ours, ours = _time(lambda: ce.krippendorff_alpha(ratings), repeat=3)
    t_kd, kd = _time(lambda: krippendorff.alpha(reliability_data=ratings.T,
                                                level_of_measurement="nominal"), repeat=3)
    sub = ratings[:nltk_units]
    triples = [(str(c), str(u), int(v)) for u, row in enumerate(sub) for c, v in enumerate(row)
               if not np.isnan(v)]

    def run_nltk():
        return AnnotationTask(data=triples).alpha()

    t_nltk_sub, nltk_alpha = _time(run_nltk, repeat=3)
    scale = n_units / nltk_units
    t_nltk = t_nltk_sub * scale
    ours_sub = ce.krippendorff_alpha(sub)
    print(f"## 1. Nominal alpha, 3 coders x {n_units:,} units (5% missing)")
    print(f"citra_eval.krippendorff_alpha : {t_ours:8.3f} s  alpha = {ours:.6f}")
    print(f"krippendorff.alpha            : {t_kd:8.3f} s  alpha = {kd:.6f}  "
          f"(citra_eval {t_kd / t_ours:,.1f}x faster)")
    if nltk_units < n_units:
        print(f"nltk AnnotationTask.alpha     : {t_nltk:8.3f} s  (measured {t_nltk_sub:.3f} s on "
              f"the first {nltk_units:,} units, scaled x{scale:g} linearly; alpha on that "
              f"subsample {nltk_alpha:.6f} vs citra_eval {ours_sub:.6f})")
    else:
        print(f"nltk AnnotationTask.alpha     : {t_nltk:8.3f} s  alpha = {nltk_alpha:.6f}")
    print(f"speed-up vs nltk: {t_nltk / t_ours:,.0f}x")


def _corpus(n_docs: int, per_doc: int) -> ce.Corpus:
    texts = {}
    for d in range(n_docs):
        turns = "\n".join(f"I: Jawaban nomor {i} tentang strategi humas." for i in range(per_doc))
        texts[f"d{d:03d}.txt"] = (f"---\nid: D{d:03d}\nspeakers: {{P: interviewer, I: informant}}"
                                  f"\n---\nP: Pertanyaan pembuka.\n{turns}\n")
    return ce.Corpus.from_texts(texts)


def bench_bootstrap(n_codes: int, n_docs: int, per_doc: int, n_boot: int,
                    naive_reps: int) -> None:
    import krippendorff

    corpus = _corpus(n_docs, per_doc)
    segs = corpus.segments[corpus.segments["role"] == "informant"].reset_index(drop=True)
    rng = np.random.default_rng(1)
    prevalence = rng.uniform(0.02, 0.3, size=n_codes)
    truth = rng.random((len(segs), n_codes)) < prevalence
    rows, flips = [], []
    for coder in ("A", "B"):
        flip = rng.random(truth.shape) < 0.05
        flips.append(flip)
        applied = truth ^ flip
        u, k = np.nonzero(applied)
        rows.append(pd.DataFrame({
            "doc_id": segs["doc_id"].to_numpy()[u], "segment_id": segs["segment_id"].to_numpy()[u],
            "start": segs["start"].to_numpy()[u], "end": segs["end"].to_numpy()[u],
            "code": [f"code_{i:02d}" for i in k], "coder": coder}))
    codings = pd.concat(rows, ignore_index=True)
    t_total, table = _time(lambda: ce.agreement(codings, corpus=corpus, n_boot=n_boot, seed=0),
                           repeat=3)
    t_masi, _ = _time(lambda: ce.agreement(codings, corpus=corpus, n_boot=n_boot, seed=0,
                                           masi=True))
    t_valid, _ = _time(lambda: ce.validate_codings(codings, corpus=corpus))
    # The engine of agreement() on the coders x segments x codes presence array.
    present = np.stack([truth ^ f for f in flips])
    t_core, _ = _time(lambda: ce.presence_agreement(present, n_boot=0), repeat=3)
    t_core_boot, _ = _time(lambda: ce.presence_agreement(present, n_boot=n_boot, seed=0),
                           repeat=3)
    t_boot = t_core_boot - t_core
    # Naive baseline: per replicate, resample the units and call krippendorff.alpha per code.
    ratings = present.astype(float)  # coders x units x codes
    draws = np.random.default_rng(0).integers(0, len(segs), size=(naive_reps, len(segs)))

    def naive():
        for d in draws:
            for k in range(n_codes):
                try:
                    krippendorff.alpha(reliability_data=ratings[:, d, k],
                                       level_of_measurement="nominal")
                except ValueError:
                    pass

    t_naive_part, _ = _time(naive)
    t_naive = t_naive_part * n_boot / naive_reps
    print()
    print(f"## 2. agreement(): {n_codes} codes x {len(segs):,} segments, 2 coders, "
          f"{len(codings):,} codings, {n_boot:,} bootstrap replicates")
    masi_note = table["note"].iloc[-1]
    masi_note = masi_note[masi_note.find("alpha_masi"):] if "alpha_masi" in masi_note else (
        "computed")
    print(f"agreement() total             : {t_total:8.3f} s  ({masi_note})")
    print(f"agreement(masi=True)          : {t_masi:8.3f} s  (set-valued MASI alpha forced)")
    print(f"  validate_codings            : {t_valid:8.3f} s  (vectorised; part of the total)")
    print(f"  presence_agreement (engine) : {t_core_boot:8.3f} s  (of which bootstrap "
          f"{t_boot:.3f} s)")
    print(f"naive bootstrap (krippendorff.alpha per replicate and code): {t_naive:8.1f} s "
          f"(measured {t_naive_part:.2f} s for {naive_reps} replicates, scaled x"
          f"{n_boot / naive_reps:g}); vectorised bootstrap {t_naive / t_boot:,.0f}x faster")
    ok = table.iloc[:-1]
    print(f"per-code alpha: median {ok['krippendorff_alpha'].median():.3f}, median CI width "
          f"{(ok['alpha_ci_high'] - ok['alpha_ci_low']).median():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke test)")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"pandas {pd.__version__}, {platform.machine()}")
    if args.quick:
        bench_alpha(10_000, 2_000)
        bench_bootstrap(10, 10, 100, 200, 2)
    else:
        bench_alpha(100_000, 100_000)
        bench_bootstrap(50, 100, 100, 1000, 5)


if __name__ == "__main__":
    main()
