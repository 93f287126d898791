"""The auto-coder against the two human coders of the bundled (illustrative) example study.

Prints, as a Markdown table, per-code precision / recall / F1 of ``autocode`` (negation and
question context on, the defaults) against coder A
and against coder B (segment level, informant turns), the F1 of coder B against coder A for
comparison (how far two people agree), and the micro/macro averages of a naive baseline: a
case-insensitive substring search per pattern per turn (regex patterns as written), the way
GUI tools auto-code.

Run from the repository root::

    PYTHONPATH=src python benchmarks/eval_autocode_example.py
"""

from __future__ import annotations

import re

import pandas as pd

import citra_eval as ce


def naive_autocode(corpus: ce.Corpus, codebook: ce.Codebook) -> pd.DataFrame:
    pats = [(c.id, re.compile(re.escape(p.text) if p.kind == "phrase" else p.text, re.I))
            for c in codebook if c.codable for p in c.patterns]
    rows = []
    seg = corpus.segments[corpus.segments["role"] == "informant"]
    for r in seg.itertuples(index=False):
        for code in dict.fromkeys(c for c, rx in pats if rx.search(r.text)):
            rows.append((r.doc_id, r.segment_id, r.start, r.end, code, "naive"))
    return pd.DataFrame(rows, columns=ce.CODING_COLUMNS)


def fmt(x: float) -> str:
    return "–" if x != x else f"{x:.2f}"


def main() -> int:
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    codebook = ce.Codebook.load(ce.example_path("codebook"))
    auto = ce.autocode(corpus, codebook)
    a = ce.read_codings(ce.example_path("codings_A"), corpus=corpus)
    b = ce.read_codings(ce.example_path("codings_B"), corpus=corpus)
    ea = ce.evaluate_coder(auto, reference=a, corpus=corpus).set_index("code")
    eb = ce.evaluate_coder(auto, reference=b, corpus=corpus).set_index("code")
    ab = ce.evaluate_coder(b, reference=a, corpus=corpus).set_index("code")
    print(f"autocode: {len(auto)} codings; coder A: {len(a)}; coder B: {len(b)}\n")
    print("| code | P vs A | R vs A | F1 vs A | support A | P vs B | R vs B | F1 vs B "
          "| support B | F1 of B vs A |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for code in ea.index:
        r, s, t = ea.loc[code], eb.loc[code], ab.loc[code]
        name = f"**{code}**" if code in ("micro", "macro") else code
        print(f"| {name} | {fmt(r.precision)} | {fmt(r.recall)} | {fmt(r.f1)} "
              f"| {int(r.support)} | {fmt(s.precision)} | {fmt(s.recall)} | {fmt(s.f1)} "
              f"| {int(s.support)} | {fmt(t.f1)} |")
    naive = naive_autocode(corpus, codebook)
    print("\n| coder | reference | codings | micro P | micro R | micro F1 | macro F1 |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for ref_name, ref in (("A", a), ("B", b)):
        for name, cod in (("citra_eval autocode", auto), ("naive substring search", naive)):
            e = ce.evaluate_coder(cod, reference=ref, corpus=corpus).set_index("code")
            m = e.loc["micro"]
            print(f"| {name} | {ref_name} | {len(cod)} | {fmt(m.precision)} | "
                  f"{fmt(m.recall)} | {fmt(m.f1)} | {fmt(e.loc['macro', 'f1'])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
