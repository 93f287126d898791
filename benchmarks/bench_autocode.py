"""Benchmark: citra_eval's auto-coder against a naive regex baseline, in one run.

Generates (seeded) an Indonesian-like corpus of about ``--size-mb`` MB (root words from
PySastrawi's dictionary: 1,000 roots make the patterns, the other roots with random
Indonesian affixes make Zipf-distributed filler words; slang and Banjarese words, punctuation
and capitals; 3% of the words start a pattern phrase, each of its words in one of 4-12
affixed forms attested for that root, Zipf-weighted) and a codebook of 50 codes x 20 phrase
patterns, then times

* citra_eval: ``autocode`` (tokenise, slang, compounds, cached PySastrawi stems, Aho-Corasick
  over stem ids, codings table with evidence) on the whole corpus, at 1/4, 1/2 and 1x size
  (a fresh matcher and an empty stem cache each time, so stemming is paid for);
* the naive baseline: for every segment and every phrase, ``re.search`` with the phrase
  escaped, case-insensitive: how GUI tools run a text search per node. It is timed on a
  subsample of segments (``--baseline-fraction``) and scaled to the full corpus; both numbers
  are printed.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_autocode.py --size-mb 20 --seed 1
"""

from __future__ import annotations

import argparse
import gc
import re
import resource
import sys
import time

import numpy as np
import pandas as pd

import citra_eval as ce
from citra_eval.autocoding import Matcher
from citra_eval.normalise import _stemmer, root_words, stem_word

PREFIXES = ["", "", "", "me", "di", "ber", "pe", "ter", "se", "ke"]
SUFFIXES = ["", "", "", "kan", "an", "nya", "i"]
# Affixes that make the attested forms of pattern roots: common ones more likely.
VAR_PREFIXES = ["", "me", "di", "ber", "pe", "ter", "se", "ke", "memper", "diper"]
VAR_P = np.array([0.45, 0.15, 0.12, 0.08, 0.07, 0.05, 0.03, 0.03, 0.01, 0.01])
VAR_SUFFIXES = ["", "kan", "an", "nya", "i", "annya", "kannya", "lah"]
VAR_S = np.array([0.5, 0.15, 0.12, 0.1, 0.06, 0.03, 0.02, 0.02])
SLANG = ["gak", "nggak", "udah", "banget", "gercep", "medsos", "nyampein", "bales", "pian",
         "ulun", "kada", "haja", "aja", "gimana", "kalo"]
PUNCT = [",", ",", ".", ".", "?", "!", ";", ":"]


def make_codebook(rng: np.random.Generator, roots: list[str], n_codes: int = 50,
                  n_phrases: int = 20) -> ce.Codebook:
    codes = []
    for c in range(n_codes):
        pats = []
        for _ in range(n_phrases):
            n = int(rng.choice([1, 2, 2, 3]))
            pats.append(" ".join(rng.choice(roots, size=n)))
        codes.append({"id": f"code_{c:02d}", "label": f"Code {c}", "patterns": pats})
    return ce.Codebook.from_dict({"codebook": "bench", "language": "id", "codes": codes})


def make_corpus(rng: np.random.Generator, filler_roots: list[str], codebook: ce.Codebook,
                size_mb: float) -> ce.Corpus:
    """Turns of 30-120 words: affixed filler words, slang, and (3% of words) a pattern phrase
    in a random morphological variant, with punctuation and some capitals."""
    phrases = [p.text.split() for c in codebook for p in c.patterns]
    # Each pattern root takes its own few affixed forms (4-12, the bare root included), used
    # with Zipf weights: a root takes only some affixes, as in real Indonesian.
    forms: dict[str, tuple[list[str], np.ndarray]] = {}
    for w in sorted({w for ph in phrases for w in ph}):
        m = int(rng.integers(4, 13))
        fs = {w}
        while len(fs) < m:
            fs.add(str(rng.choice(VAR_PREFIXES, p=VAR_P)) + w
                   + str(rng.choice(VAR_SUFFIXES, p=VAR_S)))
        fs = [w, *sorted(fs - {w})]
        weights = 1.0 / np.arange(1, len(fs) + 1)
        forms[w] = (fs, np.cumsum(weights / weights.sum()))
    # the word pool: every filler root with random affixes (realistic type/token growth)
    pool_roots = rng.choice(filler_roots, size=200_000)
    pool = [str(p) + str(r) + str(s) for p, r, s in
            zip(rng.choice(PREFIXES, size=len(pool_roots)), pool_roots,
                rng.choice(SUFFIXES, size=len(pool_roots)), strict=True)]
    zipf = np.minimum(rng.zipf(1.3, size=2_000_000) - 1, len(pool) - 1)
    target = int(size_mb * 1_000_000)
    texts, seg_rows, doc_rows = {}, [], []
    total, d, zi = 0, 0, 0
    while total < target:
        doc = f"D{d:05d}"
        parts, pos = [], 0
        for s in range(1, 41):
            n = int(rng.integers(30, 120))
            kinds = rng.random(n)
            words = []
            for k in kinds:
                if k < 0.03:
                    ph = phrases[int(rng.integers(len(phrases)))]
                    for w in ph:
                        fs, cum = forms[w]
                        words.append(fs[min(int(np.searchsorted(cum, rng.random())),
                                            len(fs) - 1)])
                elif k < 0.05:
                    words.append(SLANG[int(k * 1e6) % len(SLANG)])
                else:
                    words.append(pool[int(zipf[zi % len(zipf)])])
                    zi += 1
                if k > 0.92:
                    words[-1] += PUNCT[int(k * 1e5) % len(PUNCT)]
                elif k < 0.001:
                    words[-1] = words[-1].capitalize()
            label = "PWW: " if s % 2 else "INF: "
            body = " ".join(words)
            start = pos + len(label)
            parts.append(label + body)
            seg_rows.append({"doc_id": doc, "segment_id": s, "speaker": label[:3],
                             "role": "interviewer" if s % 2 else "informant",
                             "start": start, "end": start + len(body), "text": body})
            pos += len(label) + len(body) + 1
        texts[doc] = "\n".join(parts)
        doc_rows.append({"doc_id": doc})
        total += len(texts[doc])
        d += 1
    return ce.Corpus.from_frames(pd.DataFrame(doc_rows), pd.DataFrame(seg_rows), texts)


def time_citra(corpus: ce.Corpus, codebook: ce.Codebook, roles, repeat: int = 3):
    """Best of ``repeat`` cold runs (empty stem caches, new matcher), then one warm run.

    Returns (cold seconds, warm seconds, number of codings)."""
    best = float("inf")
    for _ in range(repeat):
        stem_word.cache_clear()
        _stemmer.cache_clear()  # PySastrawi keeps its own cache: start from an empty one
        _stemmer()
        gc.collect()
        t0 = time.perf_counter()
        matcher = Matcher.from_codebook(codebook)
        codings = ce.autocode(corpus, matcher, roles=roles, progress=False)
        best = min(best, time.perf_counter() - t0)
    t0 = time.perf_counter()
    ce.autocode(corpus, matcher, roles=roles, progress=False)  # every stem cached
    return best, time.perf_counter() - t0, len(codings)


def time_naive(segments: pd.DataFrame, codebook: ce.Codebook, repeat: int = 3) -> float:
    """Best of ``repeat`` runs of the naive loop over ``segments``."""
    compiled = [(c.id, re.compile(re.escape(p.text), re.IGNORECASE))
                for c in codebook for p in c.patterns]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = []
        for doc, sid, text in zip(segments["doc_id"], segments["segment_id"],
                                  segments["text"], strict=True):
            for code, rx in compiled:
                if rx.search(text):
                    found.append((doc, sid, code))
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--baseline-fraction", type=float, default=0.02,
                    help="share of segments the naive baseline is timed on (then scaled)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    roots = sorted(w for w in root_words() if w.isalpha() and 4 <= len(w) <= 9)
    roots = list(rng.permutation(roots))
    pattern_roots, filler_roots = roots[:1000], roots[1000:]
    codebook = make_codebook(rng, pattern_roots)
    t0 = time.perf_counter()
    corpus = make_corpus(rng, filler_roots, codebook, args.size_mb)
    roles = ("informant", "interviewer")  # code every turn: all the text is searched
    mb = sum(len(corpus.text(d)) for d in corpus.doc_ids) / 1e6
    seg_mb = corpus.segments["text"].str.len().sum() / 1e6
    print(f"corpus: {len(corpus)} documents, {len(corpus.segments)} turns, {mb:.1f} MB "
          f"({seg_mb:.1f} MB of turn text), generated in {time.perf_counter() - t0:.1f} s; "
          f"codebook: 50 codes x 20 phrases", flush=True)
    print(f"python {sys.version.split()[0]}, one process (single core)")

    rows = []
    docs = corpus.doc_ids
    for frac in (0.25, 0.5, 1.0):
        sub = corpus.subset(docs[: max(1, int(len(docs) * frac))])
        sub_mb = sub.segments["text"].str.len().sum() / 1e6
        cold, warm, n = time_citra(sub, codebook, roles, repeat=args.repeat)
        rows.append((frac, sub_mb, cold, warm, n))
        print(f"citra_eval autocode {frac:>4}x: {sub_mb:6.2f} MB in {cold:6.2f} s = "
              f"{sub_mb / cold:6.2f} MB/s from cold caches ({n} codings); "
              f"with stems cached {warm:5.2f} s = {sub_mb / warm:6.2f} MB/s", flush=True)
    full_mb, full_secs = rows[-1][1], rows[-1][2]
    cold_per = [c / m for _, m, c, _, _ in rows]
    warm_per = [w / m for _, m, _, w, _ in rows]
    print("linearity, seconds per MB at 1/4, 1/2, 1x: cold "
          f"{', '.join(f'{x:.3f}' for x in cold_per)} "
          f"(1x / (1/4)x = {cold_per[-1] / cold_per[0]:.2f}); cached "
          f"{', '.join(f'{x:.3f}' for x in warm_per)} (1x / (1/4)x = "
          f"{warm_per[-1] / warm_per[0]:.2f}); 1.00 is linear, below 1 sub-linear (stemming is "
          "paid once per distinct word form)")

    seg = corpus.segments
    k = max(1, int(len(seg) * args.baseline_fraction))
    sample = seg.sample(n=k, random_state=args.seed)
    sample_mb = sample["text"].str.len().sum() / 1e6
    base_secs = time_naive(sample, codebook, repeat=args.repeat)
    base_rate = sample_mb / base_secs
    print(f"naive re.search baseline: {sample_mb:.2f} MB ({k} turns, "
          f"{args.baseline_fraction:.0%} sample, best of {args.repeat}) in {base_secs:.2f} s = "
          f"{base_rate:.3f} MB/s; "
          f"scaled to the full corpus: {full_mb / base_rate:.0f} s")
    citra_rate = full_mb / full_secs
    print(f"speed-up (cold caches): {citra_rate / base_rate:.0f}x "
          f"(citra_eval {citra_rate:.2f} MB/s vs naive {base_rate:.3f} MB/s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of the whole process, corpus included): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
