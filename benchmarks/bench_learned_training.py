"""How the learned coder's training time grows with the study (real Indonesian text).

The text is the IndoNLU samples in ``../shared/reference-data/indonesian-text`` (as in
``bench_autocode_real.py``: one informant turn per review or tweet, 40 turns per document).
The labels are the dictionary coder's codings of that text, taken as coder A's (the
codings only need to be codings of the text: the cost depends on turns, features and codes,
not on how good the labels are). ``ce.train_coder`` (the library's defaults: ``INNER_FOLDS``
inner folds by document, two models per learnable code) is timed on the first documents
making up ``--base`` MB of text, then 2x and 4x that (``--sizes``), in one process, in
turn in each of ``--repeat`` rounds. Printed per size: the fits, CPU and wall seconds (best
round), CPU seconds per MB, and that per MB **relative to the base size in the same round**
(the median over rounds): 1.0 is linear growth. The machine is shared, so only the ratios
mean something across runs.

Run from the repository root (skips with a message when the reference data are absent)::

    PYTHONPATH=src python benchmarks/bench_learned_training.py [--base 0.25] [--sizes 1 2 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import citra_eval as ce
from citra_eval import learning

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_autocode_real import real_text


def first_mb(corpus: ce.Corpus, mb: float) -> list[str]:
    """The first documents whose turns hold ``mb`` MB of text (at least three)."""
    size = corpus.segments.groupby("doc_id", sort=False)["text"].apply(
        lambda t: t.str.len().sum()).cumsum() / 1e6
    n = max(3, int((size < mb).sum()) + 1)
    return list(size.index[:n])


def table(studies: list, rounds: list[list[tuple]]) -> list[str]:
    """The markdown table: per size its best round, and per MB relative to the base size
    (the median over rounds of the ratio within a round)."""
    lines = ["", "| size | documents | turns | MB | models fitted | fits | CPU s | wall s | "
             "CPU s per MB | per MB vs base |", "|---|" + "---:|" * 9]
    base_mb = studies[0][3]
    for i, (k, sub, _lab, mb) in enumerate(studies):
        models = rounds[0][i][2]
        rel = statistics.median((r[i][1] / mb) / (r[0][1] / base_mb) for r in rounds)
        lines.append(f"| {k:g}x | {len(sub)} | {len(sub.segments)} | {mb:.2f} | {models} | "
                     f"{models * (learning.INNER_FOLDS + 1)} | "
                     f"{min(r[i][1] for r in rounds):.1f} | {min(r[i][0] for r in rounds):.1f} | "
                     f"{min(r[i][1] for r in rounds) / mb:.1f} | {rel:.2f} |")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=float, default=0.25, help="MB of text of the base size")
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4],
                    help="multiples of the base size (the first is the baseline)")
    ap.add_argument("--repeat", type=int, default=1, help="rounds (default 1)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the learned coder")
    args = ap.parse_args(argv)
    if (loaded := real_text()) is None:
        return 0
    corpus, book = loaded
    total = corpus.segments["text"].str.len().sum() / 1e6
    if args.base * max(args.sizes) > total:
        print(f"error: --base {args.base} x {max(args.sizes)} is more than the {total:.2f} MB "
              "of text; use a smaller --base or --sizes", file=sys.stderr)
        return 2
    labels = ce.autocode(corpus, book, coder="A", progress=False)
    print(f"text: {len(corpus.segments)} turns in {len(corpus)} documents, {total:.2f} MB; "
          f"{len(labels)} codings as coder A; {len(book.codable_ids)} codes; inner folds "
          f"{learning.INNER_FOLDS}; python {sys.version.split()[0]}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    studies = []
    for k in args.sizes:
        docs = first_mb(corpus, args.base * k)
        sub = corpus.subset(docs)
        studies.append((k, sub, labels[labels["doc_id"].isin(docs)],
                        sub.segments["text"].str.len().sum() / 1e6))
    ce.train_coder(*studies[0][1:3], codebook=book, seed=args.seed, progress=False)  # warm
    rounds = []
    for _ in range(args.repeat):
        times = []
        for _k, sub, lab, _mb in studies:
            t0, c0 = time.perf_counter(), time.process_time()
            coder = ce.train_coder(sub, lab, codebook=book, seed=args.seed, progress=False)
            times.append((time.perf_counter() - t0, time.process_time() - c0,
                          int(coder.thresholds["model"].isin(["learned", "stacked"]).sum())))
        rounds.append(times)
    print("\n".join(table(studies, rounds)))
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
