"""What the learned coder's leave-one-document-out cross-validation costs (notebook 07).

Times ``ce.cross_validate_coder`` on a study's human codings (every coder pooled, as notebook
07 does) with the library's fitting, and, as the baseline measured in the same run, the
plain fitting it replaced: every pooled row on its own (a turn coded by two coders is two
identical rows) and the inner ``GroupKFold`` split anew for every code and model. Both must
give the same table (precision, recall, F1 per code): the script says whether they do.
Times are CPU seconds of this process (the machine is shared) and wall-clock seconds.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_learned_coder.py [--study tests/data/studies/rsud]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from unittest import mock

import numpy as np
import pandas as pd

import citra_eval as ce
from citra_eval import learning


def plain_fit_code(x, units, y, groups, folds, seed):
    """The fitting before the weighted rows: ``x[units]`` row by row, folds per code."""
    from sklearn.model_selection import GroupKFold

    xs = x[units]
    oof = np.full(len(y), np.nan)
    for tr, te in GroupKFold(n_splits=len(folds)).split(xs, y, groups):
        if y[tr].sum() == 0 or y[tr].sum() == len(tr):
            oof[te] = float(y[tr].mean())
            continue
        oof[te] = learning._logistic(seed).fit(xs[tr], y[tr]).predict_proba(xs[te])[:, 1]
    threshold, inner_f1 = learning._best_threshold(y, oof)
    return learning._logistic(seed).fit(xs, y), threshold, inner_f1


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default=None, help="study folder (default: the example)")
    args = ap.parse_args(argv)
    study = ce.load_study(args.study if args.study else ce.example_path("study").parent)
    corpus, book, codings = study.corpus, study.codebook, study.codings
    n_turns = int(corpus.segments["role"].isin(["informant"]).sum())
    print(f"{study.settings.title}: {len(corpus)} documents, {n_turns} informant turns, "
          f"{len(book.codable_ids)} codes, coders {', '.join(study.coders)} "
          f"({len(codings)} codings); python {sys.version.split()[0]}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    def run():
        return ce.cross_validate_coder(corpus, codings, codebook=book, seed=study.settings.seed,
                                       progress=False)

    run()  # imports and caches warm, for both sides alike
    w_new, c_new, new = timed(run)
    with mock.patch.object(learning, "_fit_code", plain_fit_code):
        w_old, c_old, old = timed(run)
    same = new.table.round(12).equals(old.table.round(12))
    print(f"cross_validate_coder (library fitting): {c_new:.1f} s CPU, {w_new:.1f} s wall")
    print(f"baseline (plain fitting, same run):    {c_old:.1f} s CPU, {w_old:.1f} s wall")
    print(f"ratio (baseline / library): {c_old / c_new:.2f}x CPU, {w_old / w_new:.2f}x wall; "
          f"same table: {same}")
    if not same:
        diff = new.table.compare(old.table)
        print(pd.DataFrame(diff).head(20).to_string())
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
