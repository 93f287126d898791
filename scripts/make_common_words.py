"""Write src/citra_eval/data/common_words_id.tsv: common Indonesian word forms with counts.

The codebook lint (``Codebook.lint``) shows, for a pattern that stemming widens, which
common words it would also match (*penghargaan* → *harga*: *harga, berharga, menghargai*).
It needs a list of real, inflected word forms, which PySastrawi's dictionary (roots only)
cannot give. This script derives one from the IndoNLU samples in
``../shared/reference-data/indonesian-text`` (SmSA reviews and EmoT tweets, Apache-2.0,
IndoNLP/indonlu at commit ce728f6): every lower-cased, purely alphabetic token of 3-20
letters that occurs at least ``MIN_COUNT`` times, with its count. Only word forms and
counts are kept, no text. Provenance and licence: src/citra_eval/data/PROVENANCE.md.

Run from the repository root::

    .venv/bin/python scripts/make_common_words.py [REFERENCE_DATA_DIR]
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

from citra_eval.normalise import tokenize

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "citra_eval" / "data" / "common_words_id.tsv"
MIN_COUNT = 3
WORD = re.compile(r"^[a-z]{3,20}$")
SKIP = {"username", "url", "http", "https", "www", "com"}  # masks and web debris


def texts(folder: Path):
    with open(folder / "smsa-reviews.tsv", encoding="utf-8") as fh:
        for line in fh:
            yield line.rsplit("\t", 1)[0]
    with open(folder / "emot-tweets.csv", encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        for row in rows:
            yield row[1]


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT.parent / "shared" / "reference-data" / \
        "indonesian-text"
    counts: Counter[str] = Counter()
    for text in texts(folder):
        counts.update(t.text for t in tokenize(text) if WORD.match(t.text) and
                      t.text not in SKIP)
    rows = sorted(((w, n) for w, n in counts.items() if n >= MIN_COUNT),
                  key=lambda x: (-x[1], x[0]))
    header = (
        "# common_words_id.tsv: common Indonesian word forms and how often they occur.\n"
        "# Derived by scripts/make_common_words.py from the IndoNLU SmSA and EmoT samples\n"
        "# (IndoNLP/indonlu, commit ce728f6, Apache-2.0): lower-cased alphabetic tokens of\n"
        f"# 3-20 letters occurring at least {MIN_COUNT} times. Only word forms and counts.\n"
        "# Licence: Apache-2.0 (see LICENSE-Apache-2.0.txt and PROVENANCE.md in this folder).\n"
        "# Format: word<TAB>count, most frequent first.\n")
    OUT.write_text(header + "".join(f"{w}\t{n}\n" for w, n in rows), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
