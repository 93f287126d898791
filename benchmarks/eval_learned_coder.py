"""The learned coder, leave one document out, against the example study's coders.

For each of the eleven interviews of the bundled (illustrative) example study in turn, a
coder is trained on the codings of the other ten (``ce.train_coder``: per-code thresholds
chosen by cross-validation inside those ten only, every hyper-parameter fixed in advance in
``citra_eval.learning``) and codes the held-out interview. The pooled out-of-fold codings
are scored at turn level (informant turns) against coder A and coder B, beside the
dictionary coder alone (with and without question context and negation) and beside the
other human coder on the same turns.

Two training set-ups: the labels are coder A's codings only (the issue's set-up: "trained
on coder A"), and both coders' codings pooled.

``--experiments`` adds the experiments of the second session, written down in
docs/autocode.md before their results were seen: (3) both coders' codings as labels with
``labels="any"`` and ``labels="all"``; (4) ``neighbours=True`` (the dictionary's codes of the
turns before and after), trained on A and on A+B. None of them changes a default.

``--ci`` adds, for the two default set-ups, each micro F1 with its 95% bootstrap interval
by interview (``CoderValidation.conf_int``: the interviews resampled with replacement, 2000
replicates, seed ``--seed``; every coder against a reference with the same draws), and the
paired differences of the learned coder and the dictionary, and of the learned coder and
the other human coder (``CoderValidation.compare``).

Run from the repository root::

    PYTHONPATH=src python benchmarks/eval_learned_coder.py [--seed 0] [--per-code] \
        [--experiments] [--ci]
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import citra_eval as ce


def fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def micro(ev: pd.DataFrame) -> pd.Series:
    return ev.set_index("code").loc["micro"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-code", action="store_true", help="also print F1 per code")
    ap.add_argument("--experiments", action="store_true",
                    help="also run the second session's experiments (3) and (4)")
    ap.add_argument("--ci", action="store_true",
                    help="also micro F1 with 95%% bootstrap intervals by interview")
    args = ap.parse_args(argv)
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    book = ce.Codebook.load(ce.example_path("codebook"))
    a = ce.read_codings(ce.example_path("codings_A"), corpus=corpus)
    b = ce.read_codings(ce.example_path("codings_B"), corpus=corpus)
    n_turns = int((corpus.segments["role"] == "informant").sum())
    print(f"example study: {len(corpus)} interviews, {n_turns} informant turns, "
          f"{len(book.codable_ids)} codes; coder A {len(a)} codings, coder B {len(b)}; "
          f"seed {args.seed}\n")
    print("| trained on | coder | reference | micro P | micro R | micro F1 | macro F1 |")
    print("|---|---|---|---:|---:|---:|---:|")
    results = {}
    ab = pd.concat([a, b], ignore_index=True)
    setups = [("A", a, {}), ("A+B", ab, {})]
    if args.experiments:
        setups += [("(3) A+B, labels=any", ab, {"labels": "any"}),
                   ("(3) A+B, labels=all", ab, {"labels": "all"}),
                   ("(4) A, neighbours", a, {"neighbours": True}),
                   ("(4) A+B, neighbours", ab, {"neighbours": True})]
    for name, labels, options in setups:
        t0, c0 = time.perf_counter(), time.process_time()
        cv = ce.cross_validate_coder(corpus, labels, codebook=book, seed=args.seed,
                                     progress=False, **options)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        results[name] = cv
        summ = cv.summary
        for row in summ.itertuples(index=False):
            if row.coder in ("dictionary", "A", "B"):
                continue
            print(f"| {name} | learned coder, combine={row.coder} | {row.reference} | "
                  f"{fmt(row.precision)} | {fmt(row.recall)} | {fmt(row.f1)} | "
                  f"{fmt(row.macro_f1)} |")
        print(f"<!-- {name}: {len(cv.documents)} folds in {secs:.0f} s wall, {cpu:.0f} s CPU -->")
    for ref_name, ref in (("A", a), ("B", b)):
        for label, kw in (("dictionary, patterns only", dict(question_context=False,
                                                              negation=False)),
                          ("dictionary + negation", dict(question_context=False)),
                          ("dictionary + question context", dict(negation=False)),
                          ("dictionary + question context + negation", {})):
            auto = ce.autocode(corpus, book, **kw)
            m = micro(ce.evaluate_coder(auto, reference=ref, corpus=corpus))
            mac = ce.evaluate_coder(auto, reference=ref, corpus=corpus).set_index(
                "code").loc["macro", "f1"]
            print(f"| – | {label} | {ref_name} | {fmt(m.precision)} | {fmt(m.recall)} | "
                  f"{fmt(m.f1)} | {fmt(mac)} |")
        other = b if ref_name == "A" else a
        ev = ce.evaluate_coder(other, reference=ref, corpus=corpus)
        m = micro(ev)
        print(f"| – | human coder {'B' if ref_name == 'A' else 'A'} | {ref_name} | "
              f"{fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} | "
              f"{fmt(ev.set_index('code').loc['macro', 'f1'])} |")
    if args.ci:
        print("\nMicro F1 with its 95% bootstrap interval (interviews resampled, 2000 "
              f"replicates, seed {args.seed}):\n")
        print("| trained on | coder | reference | micro F1 | 95% interval |")
        print("|---|---|---|---:|---|")
        for name in ("A", "A+B"):
            ci = results[name].conf_int(seed=args.seed)
            for row in ci[ci["measure"] == "f1"].itertuples(index=False):
                human = row.coder in ("A", "B")
                coder = f"human coder {row.coder}" if human else \
                    f"learned coder, combine={row.coder}" if row.coder != "dictionary" else \
                    "dictionary + question context + negation"
                print(f"| {'–' if human else name} | {coder} | {row.reference} | "
                      f"{fmt(row.estimate)} | {fmt(row.ci_low)}–{fmt(row.ci_high)} |")
        print("\nPaired differences in micro precision, recall and F1 with their 95% "
              "intervals (the same draws for both coders):\n")
        print("| trained on | coder minus other | reference | precision | recall | F1 |")
        print("|---|---|---|---|---|---|")
        for name in ("A", "A+B"):
            cv = results[name]
            for ref in dict.fromkeys(cv.summary["reference"]):
                humans = [c for c in cv.summary.loc[cv.summary["reference"] == ref, "coder"]
                          if c in ("A", "B")]
                pairs = [("both", "dictionary"), ("learned", "dictionary"),
                         *[("both", h) for h in humans]]
                for one, other in pairs:
                    d = cv.compare(one, other, reference=ref, seed=args.seed)
                    cells = [f"{r.difference:+.3f} ({r.ci_low:+.3f} to {r.ci_high:+.3f})"
                             for r in d.itertuples(index=False)]
                    print(f"| {name} | {one} minus {other} | {ref} | {' | '.join(cells)} |")
    if args.per_code:
        print("\nF1 per code against coder A (learned coder trained on coder A's codings):\n")
        table = results["A"].per_code("A")
        human = ce.evaluate_coder(b, reference=a, corpus=corpus).set_index("code")["f1"]
        table["human_B"] = table["code"].map(human)
        table = table.assign(_last=table["code"].isin(["micro", "macro"])).sort_values(
            ["_last", "code"], kind="stable")
        print("| code | both | learned | dictionary | coder B |")
        print("|---|---:|---:|---:|---:|")
        for row in table.itertuples(index=False):
            print(f"| {row.code} | {fmt(row.both)} | {fmt(row.learned)} | "
                  f"{fmt(row.dictionary)} | {fmt(row.human_B)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
