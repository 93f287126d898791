"""Benchmark on real Indonesian text: the dictionary coder and the learned coder's prediction.

The text is the IndoNLU samples in ``../shared/reference-data/indonesian-text`` (11,000 SmSA
reviews and 3,521 EmoT tweets, 2.7 MB: short, colloquial turns, where per-turn costs weigh
most), one informant turn per review or tweet, 40 turns per document. The codebook is the
example study's. Timed in one process, in ``--repeat`` rounds (default 5), each timing in turn:

* the dictionary coder, ``ce.autocode`` (negation and question context on), **cold**: stem
  caches emptied and a new matcher (stemming is paid for); then again with that matcher
  (stems cached);
* the learned coder's prediction, ``coder.code(corpus)`` (``combine="both"``: features,
  dictionary block, one model per code), by a coder trained (untimed) in that round on coder
  A's codings of the example study: cold (its first call, stem caches emptied), then again
  (stems cached);
* the naive baseline: for every turn and every phrase of the codebook, ``re.search`` of the
  escaped phrase, case-insensitive (how GUI tools run a text search per node), on a random
  sample of turns (``--baseline-fraction``), scaled to the whole text.

Speeds are the best round's, per wall-clock second and per CPU second of this process; the
ratios to the baseline are per round (both measured seconds apart), their median printed
with every round's. The machine is shared: its speed changes by up to a third within
minutes, which the per-round ratio absorbs. PySastrawi's dictionary and citra_eval's
static tables (prefix heads, root tails, the automaton of suffix combinations; none depends
on the text) are built once per process before timing, like the stemmer's own setup; that
one-time cost is printed.

With ``--memory`` it times nothing and prints instead the peak memory traced (tracemalloc:
Python objects and numpy arrays) while a trained coder codes the text a second time.

Run from the repository root (skips with a message when the reference data are absent)::

    PYTHONPATH=src python benchmarks/bench_autocode_real.py [--repeat 5] [--seed 1] [--memory]
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import re
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

import citra_eval as ce
from citra_eval.matching import Matcher, suffix_ends
from citra_eval.normalise import _stemmer, head_prefixes, prefix_table, root_tails, stem_word

REFDATA = Path(os.environ.get("CITRA_EVAL_REFDATA", Path(__file__).resolve().parents[2] /
                              "shared" / "reference-data")) / "indonesian-text"


def real_corpus(folder: Path, per_doc: int = 40) -> ce.Corpus:
    texts = []
    with open(folder / "smsa-reviews.tsv", encoding="utf-8") as fh:
        texts += [line.rsplit("\t", 1)[0] for line in fh if line.strip()]
    with open(folder / "emot-tweets.csv", encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        texts += [row[1] for row in rows]
    docs, segs, full = [], [], {}
    for d in range(0, len(texts), per_doc):
        doc, parts, pos = f"D{d // per_doc:04d}", [], 0
        for i, t in enumerate(texts[d:d + per_doc]):
            t = " ".join(t.split())
            start = pos + 3
            segs.append({"doc_id": doc, "segment_id": i + 1, "speaker": "I",
                         "role": "informant", "start": start, "end": start + len(t),
                         "text": t})
            parts.append("I: " + t)
            pos += len(t) + 4
        full[doc] = "\n".join(parts)
        docs.append({"doc_id": doc})
    return ce.Corpus.from_frames(pd.DataFrame(docs), pd.DataFrame(segs), full)


def real_text() -> tuple[ce.Corpus, ce.Codebook] | None:
    """The IndoNLU text as a corpus and the example codebook; None, saying so, when the
    reference data are absent."""
    if not REFDATA.is_dir():
        print(f"skipped: the IndoNLU samples are not at {REFDATA} (set CITRA_EVAL_REFDATA)")
        return None
    return real_corpus(REFDATA), ce.Codebook.load(ce.example_path("codebook"))


def cold() -> None:
    stem_word.cache_clear()
    _stemmer.cache_clear()  # PySastrawi keeps its own cache: start from an empty one
    _stemmer()
    gc.collect()


def dictionary_coder(corpus: ce.Corpus, book: ce.Codebook):
    """A new matcher (stemming the codebook) and its codings of ``corpus``."""
    matcher = Matcher.from_codebook(book)
    return matcher, ce.autocode(corpus, matcher, progress=False)


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def naive(segments: pd.DataFrame, codebook: ce.Codebook) -> float:
    compiled = [(c.id, re.compile(re.escape(p.text), re.IGNORECASE))
                for c in codebook for p in c.patterns]
    found = []
    for doc, sid, text in zip(segments["doc_id"], segments["segment_id"], segments["text"],
                              strict=True):
        for code, rx in compiled:
            if rx.search(text):
                found.append((doc, sid, code))
    return len(found)


def peak_memory(corpus: ce.Corpus, book: ce.Codebook, mb: float) -> int:
    """Print the peak traced memory of a trained coder's second ``code`` call."""
    import tracemalloc

    example = ce.read_transcripts(ce.example_path("transcripts"))
    a = ce.read_codings(ce.example_path("codings_A"), corpus=example)
    coder = ce.train_coder(example, a, codebook=book, seed=0, progress=False)
    coder.code(corpus)
    tracemalloc.start()
    coder.code(corpus)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"learned coder prediction on {mb:.2f} MB: peak traced memory {peak / 1e6:.0f} MB "
          "(Python objects and numpy arrays, tracemalloc)")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--baseline-fraction", type=float, default=0.1)
    ap.add_argument("--memory", action="store_true",
                    help="instead of timing: the peak memory (tracemalloc: Python objects and "
                         "numpy arrays) of the learned coder's prediction, second call")
    args = ap.parse_args(argv)
    loaded = real_text()
    if loaded is None:
        return 0
    corpus, book = loaded
    mb = corpus.segments["text"].str.len().sum() / 1e6
    print(f"text: {len(corpus.segments)} turns in {len(corpus)} documents, {mb:.2f} MB; "
          f"codebook: {len(book.codable_ids)} codes, "
          f"{sum(len(c.patterns) for c in book)} patterns; python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.memory:
        return peak_memory(corpus, book, mb)
    w, c, _ = timed(lambda: (_stemmer(), prefix_table(), head_prefixes(), root_tails(),
                             suffix_ends()))
    print(f"one-time setup (PySastrawi dictionary, prefix-head table, root tails, suffix "
          f"automaton): {w:.2f} s wall, {c:.2f} s CPU")

    example = ce.read_transcripts(ce.example_path("transcripts"))
    a = ce.read_codings(ce.example_path("codings_A"), corpus=example)
    seg = corpus.segments
    sample = seg.sample(frac=args.baseline_fraction, random_state=args.seed)
    smb = sample["text"].str.len().sum() / 1e6
    # the three are timed in turn in every round, so a change of the shared machine's speed
    # hits them alike; each round's ratios compare measurements made seconds apart
    rounds = []
    for _ in range(args.repeat):
        cold()
        dw, dc, (matcher, out) = timed(lambda: dictionary_coder(corpus, book))
        dw2, dc2, _ = timed(lambda: ce.autocode(corpus, matcher, progress=False))  # noqa: B023
        coder = ce.train_coder(example, a, codebook=book, seed=0, progress=False)
        cold()
        lw, lc, learned = timed(lambda: coder.code(corpus))  # noqa: B023 - called at once
        lw2, lc2, _ = timed(lambda: coder.code(corpus))  # noqa: B023
        nw, nc, _ = timed(lambda: naive(sample, book))
        scale = mb / smb  # the baseline's time for the whole text
        rounds.append({"dict": (dw, dc), "dict_warm": (dw2, dc2), "learned": (lw, lc),
                       "learned_warm": (lw2, lc2), "naive": (nw * scale, nc * scale)})

    def best(key):
        return min(r[key][0] for r in rounds), min(r[key][1] for r in rounds)

    def line(label, key, extra=""):
        w, c = best(key)
        print(f"{label}: {w:.2f} s wall = {mb / w:.2f} MB/s; {c:.2f} s CPU = {mb / c:.2f} MB/s"
              f"{extra}")

    n = f"best of {args.repeat} rounds"
    line("dictionary coder, cold", "dict", f" ({len(out)} codings; {n})")
    line("dictionary coder, stems cached", "dict_warm", f" ({n})")
    line("learned coder prediction (combine=both), cold", "learned",
         f" ({len(learned)} codings; {n})")
    line("learned coder prediction, stems cached", "learned_warm", f" ({n})")
    nw, nc = best("naive")
    print(f"naive re.search baseline: {smb:.2f} MB ({len(sample)} turns, "
          f"{args.baseline_fraction:.0%} sample, {n}) in {nw / (mb / smb):.2f} s wall = "
          f"{mb / nw:.3f} MB/s; {nc / (mb / smb):.2f} s CPU = {mb / nc:.3f} MB/s")
    for label, key in (("dictionary cold", "dict"), ("learned prediction cold", "learned")):
        ratios = sorted(r["naive"][1] / r[key][1] for r in rounds)
        print(f"ratio to the baseline in the same round (CPU), {label}: median "
              f"{statistics.median(ratios):.1f}x (rounds: "
              f"{', '.join(f'{x:.1f}' for x in ratios)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
