"""Benchmark: reading transcripts of many short turns (the cost behind ``corpus.MAX_TURNS``).

Run from the repository root:

    PYTHONPATH=src python benchmarks/bench_transcripts.py [--turns 190000]

Writes a ``.txt`` transcript of N one-word turns and the same as a ``.docx`` (a paragraph
per line),
and reads each with ``citra-eval validate --transcripts`` in a fresh process, beside a bare
``python -c 'import citra_eval'`` (the baseline: the interpreter and the libraries). Prints
wall seconds, peak resident memory, and the memory above the baseline per turn and per byte
of the file. Nothing is asserted; docs/security.md quotes its numbers.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_MEASURE = """
import json, resource, sys, time
t0 = time.perf_counter()
from citra_eval.cli import main
code = main(sys.argv[1:]) if len(sys.argv) > 1 else 0
print(json.dumps({"code": code, "seconds": time.perf_counter() - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(*args: str) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURE, *args], check=True,
                         capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - t0
    return result


def _lines(n: int) -> list[str]:
    """A transcript of ``n`` one-word turns, line by line."""
    head = ["---", "id: BIG", "speakers: {A: interviewer, B: informant}", "---"]
    return head + [f"{'AB'[i % 2]}: kata{i}" for i in range(n)]  # distinct: under the zip ratio


def write_txt(path: Path, n: int) -> None:
    path.write_text("".join(f"{line}\n" for line in _lines(n)), encoding="utf-8")


def write_docx(path: Path, n: int) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("x")
    d.save(path)
    # python-docx adds paragraphs slowly: write document.xml's body directly
    import zipfile

    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = members["word/document.xml"].decode("utf-8")
    para = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    body = "".join(para.format(line) for line in _lines(n))  # a paragraph per line
    start = xml.index("<w:body>") + len("<w:body>")
    end = xml.index("<w:sectPr")
    members["word/document.xml"] = (xml[:start] + body + xml[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=190_000,
                        help="turns per transcript (default 190,000, below the limit of "
                             "200,000)")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {args.turns:,} turns")
    base = _child()
    print(f"baseline (import): {base['wall']:.1f} s, {base['rss_mb']:.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        for suffix, write in ((".txt", write_txt), (".docx", write_docx)):
            folder = Path(tmp) / suffix.strip(".")
            folder.mkdir()
            path = folder / f"BIG{suffix}"
            write(path, args.turns)
            size = path.stat().st_size
            got = _child("validate", "--transcripts", str(folder))
            above = (got["rss_mb"] - base["rss_mb"]) * 1024 * 1024
            print(f"{suffix}: file {size / 1e6:.1f} MB, exit {got['code']}, "
                  f"{got['wall']:.1f} s, peak {got['rss_mb']:.0f} MB "
                  f"({above / args.turns:.0f} bytes per turn, {above / size:.0f}x the file "
                  "above the baseline)")


if __name__ == "__main__":
    main()
