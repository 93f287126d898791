"""Benchmark: ``reanchor`` of a long whole-turn coding whose turn was edited.

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_reanchor.py [--quick]

One informant turn of ``N`` repeats of ``"kata biasa "`` (a monologue; repetitive text is
difflib's worst case), coded as a whole (a coding-sheet mark); then two words are cut from its
start and its last character changed. ``reanchor`` now (long alignments split at long common
stretches, the turn tried whole before any fuzzy search) against a baseline measured in the
same run: the same ``reanchor`` with difflib aligning the whole strings (what it did before,
reproduced below by swapping :func:`citra_eval._passages.matching_blocks`), on the smaller
sizes only (it took 6 s at 4,400 characters and over 5 minutes at 17,600). Prints CPU seconds
and their ratio, and checks both give the same span; nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import time
from difflib import SequenceMatcher

import pandas as pd

import citra_eval as ce
from citra_eval import _passages

HEAD = "---\nid: D1\nspeakers: {R1: informant}\n---\n"


def _plain_blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    """The baseline: difflib over the whole strings."""
    return [(x.a, x.b, x.size) for x in SequenceMatcher(None, a, b, autojunk=False)
            .get_matching_blocks() if x.size]


def _case(n: int) -> tuple[pd.DataFrame, ce.Corpus]:
    body = "kata biasa " * n + "akhir."
    corpus = ce.Corpus.from_texts({"D1.txt": f"{HEAD}R1: {body}\n"})
    seg = corpus.segments.iloc[0]
    codings = pd.DataFrame([("D1", 1, seg.start, seg.end, "x", "A", seg.text)],
                           columns=[*ce.CODING_COLUMNS, "text"])
    edited = "Kata" + body[len("kata biasa kata biasa kata"):-1] + "!"
    return codings, ce.Corpus.from_texts({"D1.txt": f"{HEAD}R1: {edited}\n"})


def _run(codings: pd.DataFrame, corpus: ce.Corpus) -> tuple[float, tuple]:
    t = time.process_time()
    result = ce.reanchor(codings, corpus)
    row = result.report.iloc[0]
    return time.process_time() - t, (row.status, int(row.new_start), int(row.new_end))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args()
    sizes = [200, 400] if args.quick else [200, 400, 800, 1600, 3000]
    baseline_up_to = 400 if args.quick else 800
    print(f"{'turn chars':>10} {'now s':>8} {'baseline s':>11} {'ratio':>7}  span")
    for n in sizes:
        codings, corpus = _case(n)
        now, span = _run(codings, corpus)
        base = ratio = ""
        if n <= baseline_up_to:
            plain, _passages.matching_blocks = _passages.matching_blocks, _plain_blocks
            try:
                seconds, base_span = _run(codings, corpus)
            finally:
                _passages.matching_blocks = plain
            same = "same span" if base_span == span else f"DIFFERENT: baseline {base_span}"
            base, ratio = f"{seconds:11.2f}", f"{seconds / max(now, 1e-6):6.0f}x"
            span = f"{span} {same}"
        print(f"{n * 11 + 6:>10} {now:8.3f} {base:>11} {ratio:>7}  {span}", flush=True)


if __name__ == "__main__":
    main()
