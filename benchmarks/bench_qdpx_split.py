"""Benchmark: cutting imported selections to speaker turns (``read_qdpx(spanning="split")``).

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_qdpx_split.py [--quick]

A constructed project (one transcript of N turns, M one-word selections, as in the
exploratory tester's report) is read with ``spanning="split"`` and ``"keep"``. Beside each,
measured in the same run on the same selections: the former search (every selection
compared with every turn of its document: codings x turns), reproduced below, against the
binary search now used (``citra_eval.qdpx.read._DocSegments``). Both must give the same
pieces (checked). Printed: seconds (best of 3; 1 for the former search) and ratios; the
growth columns compare each size with the first: the former search grows with turns x
selections, the reading now with the size of the project. Nothing is asserted on time.

One run (load about 2 on 2 cores): 6,000 turns and 2,000 selections read with "split" in
0.18 s (the former search alone took 18 s, 3,400x the binary search); 24,000 turns: 0.69 s
(former: 81 s); 8,000 selections: 0.83 s (former: 94 s).
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import re
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

import citra_eval as ce
from citra_eval.qdpx.read import _DocSegments

CODE = "aaaaaaaa-0000-0000-0000-000000000001"


def project(n_turns: int, n_sels: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    words = ["kerja", "sama", "media", "humas", "warga", "layanan", "rumah", "sakit"]
    text = "".join(f"{'Interviewer' if i % 2 == 0 else 'Budi'}: "
                   + " ".join(rng.choice(words) for _ in range(12)) + "\n"
                   for i in range(n_turns))
    spans = [m.span() for m in re.finditer(r"[a-z]+", text)]
    sels = "".join(
        f'<PlainTextSelection guid="bbbbbbbb-0000-0000-0000-{k:012d}" startPosition="{s}" '
        f'endPosition="{e}"><Coding guid="cccccccc-0000-0000-0000-{k:012d}"><CodeRef '
        f'targetGUID="{CODE}"/></Coding></PlainTextSelection>'
        for k, (s, e) in enumerate(rng.choice(spans) for _ in range(n_sels)))
    xml = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="bench" origin="Bench 1.0"><CodeBook><Codes><Code guid="{CODE}" name="A" '
           'isCodable="true"/></Codes></CodeBook><Sources><TextSource '
           'guid="dddddddd-0000-0000-0000-000000000001" name="big" '
           f'plainTextPath="internal://big.txt">{sels}</TextSource></Sources></Project>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        zf.writestr("sources/big.txt", text)
    return buf.getvalue()


def former_pieces(corpus, rows):
    """The former ``split_rows`` search: every turn of the document, for every selection."""
    segs = {d: g[["segment_id", "start", "end"]].to_numpy()
            for d, g in corpus.segments.groupby("doc_id", sort=False)}
    return [[(int(sid), max(s, int(a)), min(e, int(b)))
             for sid, a, b in segs[d] if a < e and b > s] for d, s, e in rows]


def _time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller projects")
    args = parser.parse_args()
    sizes = ([(1500, 500), (6000, 500), (1500, 2000)] if args.quick else
             [(6000, 2000), (24000, 2000), (6000, 8000)])
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"citra_eval {ce.__version__}")
    print("turns  selections | read split  read keep | search: binary   former   ratio "
          "| growth: turns x sels  read split")
    first = None
    for n_turns, n_sels in sizes:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "b.qdpx"
            path.write_bytes(project(n_turns, n_sels))
            t_split = _time(lambda p=path: ce.read_qdpx(p, spanning="split"))
            t_keep = _time(lambda p=path: ce.read_qdpx(p, spanning="keep"))
            kept = ce.read_qdpx(path, spanning="keep")
        rows = list(zip(kept.codings["doc_id"], kept.codings["start"].tolist(),
                        kept.codings["end"].tolist(), strict=True))
        segs = _DocSegments(kept.corpus)
        t_new = _time(lambda r=rows, g=segs: [g.pieces(*x) for x in r])
        t_old = _time(lambda r=rows, c=kept.corpus: former_pieces(c, r), repeat=1)
        assert [segs.pieces(*x) for x in rows] == former_pieces(kept.corpus, rows)
        if first is None:
            first = (n_turns * n_sels, t_split)
        print(f"{n_turns:6d} {n_sels:10d} | {t_split:9.2f}s {t_keep:9.2f}s | "
              f"{t_new:12.4f}s {t_old:8.2f}s {t_old / t_new:7.0f}x | "
              f"{n_turns * n_sels / first[0]:18.1f}x {t_split / first[1]:10.1f}x")


if __name__ == "__main__":
    main()
