"""Benchmark: time against the number of documents (issue 16, item 11).

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_documents.py [--quick]

Two commands that handle every document of a study, each at N and 4N small documents:

1. ``citra-eval pseudonymise`` (read, pseudonymise, write transcripts and the key) on N
   transcripts; the full size is N = 2,500, so 4N = 10,000 transcripts as in the issue.
2. ``citra-eval qdpx import`` of a ``.qdpx`` of N sources (written by ``write_qdpx``,
   not timed); 4N = 20,000 sources as in the issue.

For each the output gives the seconds at N and at 4N and their ratio: linear time gives
about 4, quadratic time 16. The baseline of the same run is reading the N and 4N
transcripts (``read_transcripts``, linear by construction), so the ratio of each command
can be compared with the ratio of a plain read on this machine at this moment. Times are
the best of 2 runs (1 with ``--quick``); nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import platform
import tempfile
import time
from pathlib import Path

import citra_eval as ce
from citra_eval.cli import main
from citra_eval.codings import empty_codings

CODEBOOK = "codebook: bench\nlanguage: id\ncodes:\n  - id: kabar\n    label: Kabar\n" \
           "    patterns: [kabar]\n"


def _transcripts(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"D{i:05d}.txt").write_text(
            f"---\nid: D{i:05d}\nspeakers: {{P: interviewer, I: informant}}\n---\n"
            f"P: Apa kabar, Pak Budi?\nI: Baik. Telepon saya 0812-3456-{i % 10_000:04d}.\n",
            encoding="utf-8")
    return folder


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        (base / "key.csv").write_text("name,pseudonym\nBudi,INF01\n", encoding="utf-8")
        (base / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
        cb = ce.Codebook.load(base / "cb.yaml")
        rows = []
        for size in (n, 4 * n):
            tr = _transcripts(base / f"tr{size}", size)
            t_read = _best(lambda tr=tr: ce.read_transcripts(tr), repeat)
            out, key_out = base / f"shared{size}", base / f"key_out{size}.csv"
            t_pseud = _best(lambda tr=tr, out=out, key_out=key_out: main([
                "pseudonymise", "--transcripts", str(tr), "--key", str(base / "key.csv"),
                "--out", str(out), "--key-out", str(key_out), "--force"]), repeat)
            qdpx = base / f"p{size}.qdpx"
            ce.write_qdpx(qdpx, ce.read_transcripts(tr), cb, empty_codings())
            imp = base / f"imported{size}"
            t_import = _best(lambda qdpx=qdpx, imp=imp: main([
                "qdpx", "import", str(qdpx), "--out", str(imp), "--force"]), repeat)
            rows.append((size, t_read, t_pseud, t_import))
        (n1, r1, p1, i1), (n4, r4, p4, i4) = rows
        print(f"{'':28s}{f'N = {n1:,}':>14s}{f'4N = {n4:,}':>14s}{'ratio 4N/N':>12s}")
        for name, a, b in [("read_transcripts (baseline)", r1, r4),
                           ("citra-eval pseudonymise", p1, p4),
                           ("citra-eval qdpx import", i1, i4)]:
            print(f"{name:28s}{a:12.2f} s{b:12.2f} s{b / a:12.1f}")
        print("linear time: a ratio near 4 (as the baseline's); quadratic: near 16")


def main_() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 500, one run each")
    args = ap.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}")
    bench(500 if args.quick else 2_500, 1 if args.quick else 2)


if __name__ == "__main__":
    main_()
