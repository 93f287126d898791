"""The learned coder: determinism, the codings contract, labels, validation, suggestions, CLI."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import citra_eval as ce
from citra_eval.learning import (
    CHOICES,
    CV_COLUMNS,
    CV_COMPARE_COLUMNS,
    CV_DOCUMENT_COLUMNS,
    CV_INTERVAL_COLUMNS,
    MIN_POSITIVES,
    SUGGEST_COLUMNS,
    THRESHOLD_COLUMNS,
    THRESHOLD_GRID,
)

DOCS = ["INF01", "INF02", "INF03", "INF04"]
RSUD = Path(__file__).parent / "data" / "studies" / "rsud"
CODED_COLUMNS = ["doc_id", "segment_id", "start", "end", "code", "coder", "evidence", "note",
                 "score"]


@pytest.fixture(scope="module")
def small(example_corpus):
    a = ce.read_codings(ce.example_path("codings_A"), corpus=example_corpus)
    b = ce.read_codings(ce.example_path("codings_B"), corpus=example_corpus)
    return example_corpus.subset(DOCS), a[a.doc_id.isin(DOCS)], b[b.doc_id.isin(DOCS)]


@pytest.fixture(scope="module")
def coder(small, example_codebook):
    corpus, a, _ = small
    return ce.train_coder(corpus, a[a.doc_id != "INF04"], codebook=example_codebook, seed=0)


def check_codings_contract(out: pd.DataFrame, corpus: ce.Corpus, coder_name: str) -> None:
    """What every codings table of every coder promises."""
    assert list(out.columns) == CODED_COLUMNS
    assert out.dtypes[["segment_id", "start", "end"]].eq("int64").all()
    assert out["score"].dtype == "float64" and out["score"].between(0, 1).all()
    assert out["coder"].eq(coder_name).all()
    assert not out.duplicated(["doc_id", "segment_id", "code"]).any()
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    for row in out.itertuples(index=False):
        s0, s1 = seg.loc[(row.doc_id, row.segment_id), ["start", "end"]]
        assert s0 <= row.start < row.end <= s1
        assert isinstance(row.evidence, str) and isinstance(row.note, str) and row.note
    ce.validate_codings(out, corpus=corpus)


@pytest.mark.parametrize("combine", ["both", "learned", "dictionary"])
def test_every_combination_returns_a_codings_table(coder, small, combine):
    corpus = small[0]
    out = coder.code(corpus, combine=combine)
    name = "auto" if combine == "dictionary" else "learned"
    check_codings_contract(out, corpus, name)
    assert len(out) > 10


def test_dictionary_combination_is_the_dictionary_coder(coder, small, example_codebook):
    corpus = small[0]
    pd.testing.assert_frame_equal(coder.code(corpus, combine="dictionary"),
                                  ce.autocode(corpus, example_codebook))


def test_codings_are_the_turns_above_their_codes_threshold(coder, small):
    corpus = small[0]
    out = coder.code(corpus, combine="learned")
    scores = coder.scores(corpus, combine="learned")
    coded = scores[scores["coded"]]
    assert sorted(zip(out["doc_id"], out["segment_id"], out["code"], strict=True)) == sorted(
        zip(coded["doc_id"], coded["segment_id"], coded["code"], strict=True))
    merged = out.merge(scores, on=["doc_id", "segment_id", "code"], suffixes=("", "_s"))
    assert np.allclose(merged["score"], merged["score_s"])
    assert (merged["score"] >= merged["threshold"]).all()


def test_evidence_names_words_of_the_turn_or_the_dictionarys_hits(coder, small):
    corpus = small[0]
    out = coder.code(corpus, combine="learned")
    items = [i for e in out["evidence"] for i in e.split(" | ") if i]
    assert items and all(i.startswith(("word: ", "question: ")) for i in items)
    both = coder.code(corpus, combine="both")
    assert both["evidence"].str.len().gt(0).mean() > 0.9


def test_same_seed_same_coder(small, example_codebook, coder):
    corpus, a, _ = small
    again = ce.train_coder(corpus, a[a.doc_id != "INF04"], codebook=example_codebook, seed=0)
    pd.testing.assert_frame_equal(coder.thresholds, again.thresholds)
    pd.testing.assert_frame_equal(coder.code(corpus), again.code(corpus))


def test_thresholds_table(coder):
    t = coder.thresholds
    assert list(t.columns) == THRESHOLD_COLUMNS
    assert set(t["model"]) == {"dictionary", "learned", "stacked"}
    assert t["threshold"].isin(THRESHOLD_GRID).all()
    fitted = t[t["model"] != "dictionary"]
    assert (fitted["n_positive"] >= MIN_POSITIVES).all() and (fitted["n_documents"] >= 2).all()
    assert t["inner_f1"].between(0, 1).all()
    # one coder per code for combine="both": the better of the dictionary and the stacked
    # model in the inner cross-validation; the text-only model is never chosen
    chosen = t[t["selected"]]
    assert sorted(chosen["code"]) == sorted(coder.codes)
    assert set(chosen["model"]) <= set(CHOICES)
    candidates = t[t["model"].isin(CHOICES)]
    best = candidates.groupby("code")["inner_f1"].max()
    assert np.allclose(chosen.set_index("code")["inner_f1"], best[chosen["code"]])
    # a tie goes to the dictionary
    wide = candidates.pivot(index="code", columns="model", values="inner_f1").dropna()
    tied = wide.index[np.isclose(wide["dictionary"], wide["stacked"])]
    assert (chosen.set_index("code").loc[tied, "model"] == "dictionary").all()


def test_both_follows_the_chosen_coder_per_code(coder, small):
    corpus = small[0]
    both = coder.code(corpus)
    dictionary = coder.code(corpus, combine="dictionary")
    chosen = coder.thresholds[coder.thresholds["selected"]].set_index("code")["model"]
    for code in coder.codes:
        mine = both[both["code"] == code]
        if chosen[code] == "dictionary":
            theirs = dictionary[dictionary["code"] == code]
            assert mine["segment_id"].tolist() == theirs["segment_id"].tolist()
            assert mine["evidence"].tolist() == theirs["evidence"].tolist()
        else:
            assert mine["note"].str.startswith(chosen[code]).all()


def test_uncoded_documents_are_not_negatives(small, example_corpus, example_codebook):
    corpus, a, _ = small
    train = a[a.doc_id.isin(["INF01", "INF02", "INF03"])]
    alone = ce.train_coder(corpus.subset(["INF01", "INF02", "INF03"]), train,
                           codebook=example_codebook)
    beside = ce.train_coder(example_corpus, train, codebook=example_codebook)
    assert beside.documents == ["INF01", "INF02", "INF03"]
    pd.testing.assert_frame_equal(alone.thresholds, beside.thresholds)


@pytest.mark.slow
def test_several_coders_labels(small, example_codebook):
    corpus, a, b = small
    both = pd.concat([a, b], ignore_index=True)
    n = {rule: ce.train_coder(corpus, both, codebook=example_codebook, labels=rule)
         .thresholds.query("model == 'learned'").set_index("code")["n_positive"]
         for rule in ("pooled", "any", "all")}
    code = "bamara"
    turns = {c: set(zip(t.doc_id, t.segment_id, strict=True)) for c, t in
             (("A", a[a.code == code]), ("B", b[b.code == code]))}
    assert n["pooled"][code] == len(turns["A"]) + len(turns["B"])
    assert n["any"][code] == len(turns["A"] | turns["B"])
    assert n["all"][code] == len(turns["A"] & turns["B"])


def test_bad_input(small, example_codebook, coder):
    corpus, a, _ = small
    with pytest.raises(TypeError, match="corpus must be"):
        ce.train_coder("corpus", a, codebook=example_codebook)
    with pytest.raises(TypeError, match="codings must be"):
        ce.train_coder(corpus, "a.csv", codebook=example_codebook)
    with pytest.raises(ce.InputError, match="at least two documents"):
        ce.train_coder(corpus, a[a.doc_id == "INF01"], codebook=example_codebook)
    with pytest.raises(ce.InputError, match="'nope' is not in the codebook"):
        ce.train_coder(corpus, a.assign(code="nope"), codebook=example_codebook)
    with pytest.raises(ce.InputError, match="not in the corpus"):
        ce.train_coder(corpus, a.assign(doc_id="INF99"), codebook=example_codebook)
    typo = a.copy()  # a hand-built table with offsets past the end of the text
    typo.iloc[0, typo.columns.get_loc("start")] = 10**6
    typo.iloc[0, typo.columns.get_loc("end")] = 10**6 + 40
    with pytest.raises(ce.InputError, match="outside the text"):
        ce.train_coder(corpus, typo, codebook=example_codebook)
    with pytest.raises(ValueError, match="labels must be one of"):
        ce.train_coder(corpus, a, codebook=example_codebook, labels="majority")
    with pytest.raises(ValueError, match="combine must be one of"):
        coder.code(corpus, combine="union")
    with pytest.raises(ValueError, match="roles must be the roles the coder was trained on"):
        coder.code(corpus, roles=None)


def test_a_role_no_turn_has_is_refused_as_by_agreement(small, example_codebook, coder):
    """Before: coder.code gave a ValueError blaming the training, train_coder and
    suggest_turns an empty result or a misleading error; now the InputError of
    ce.agreement."""
    corpus, a, _ = small
    said = r"roles names role\(s\) 'informan' that no segment of the corpus has"
    with pytest.raises(ce.InputError, match=said):
        coder.code(corpus, roles=["informan"])
    with pytest.raises(ce.InputError, match=said):
        ce.suggest_turns(corpus, a, codebook=example_codebook, coder=coder, roles=["informan"])
    with pytest.raises(ce.InputError, match=said):
        ce.train_coder(corpus, a, codebook=example_codebook, roles=["informan"])
    with pytest.raises(TypeError, match="neighbours must be True or False, got 'no'"):
        ce.train_coder(corpus, a, codebook=example_codebook, neighbours="no")
    with pytest.raises(TypeError, match="coder must be a coder name"):
        coder.code(corpus, coder=3)


@pytest.mark.slow
def test_cross_validation_never_trains_on_the_held_out_document(small, example_codebook):
    corpus, a, _ = small
    docs = ["INF01", "INF02", "INF03"]
    corpus = corpus.subset(docs)
    a = a[a.doc_id.isin(docs)]
    cv = ce.cross_validate_coder(corpus, a, codebook=example_codebook)
    assert list(cv.table.columns) == CV_COLUMNS and cv.documents == docs
    # scramble the held-out document's codings: its predictions must not move
    scrambled = pd.concat([a[a.doc_id != "INF02"],
                           a[a.doc_id == "INF02"].assign(code="citra_identitas")])
    again = ce.cross_validate_coder(corpus, scrambled, codebook=example_codebook)
    held = cv.predictions[cv.predictions.doc_id == "INF02"]
    pd.testing.assert_frame_equal(held.reset_index(drop=True),
                                  again.predictions[again.predictions.doc_id == "INF02"]
                                  .reset_index(drop=True))
    summary = cv.summary
    assert summary["coder"].tolist() == ["both", "learned", "dictionary"]
    assert summary["f1"].between(0, 1).all()
    # the table agrees with evaluate_coder on the pooled predictions
    learned = cv.predictions[cv.predictions.coder == "learned"]
    ev = ce.evaluate_coder(learned, reference=a, corpus=corpus,
                           codes=example_codebook.codable_ids)
    mine = cv.table.query("coder == 'learned'").reset_index(drop=True)
    # but a code the text model learned in no fold is not measured (NaN, with the reason)
    fitted = ~mine["note"].str.startswith("not measured")
    assert mine.loc[fitted, "f1"].equals(ev.loc[fitted, "f1"])
    assert mine.loc[~fitted, "f1"].isna().all()
    assert mine[["tp", "fp", "fn"]].equals(ev[["tp", "fp", "fn"]])
    never = cv.learned_in.query("n_learned == 0")["code"]
    assert set(mine.loc[~fitted, "code"]) == set(never)


def test_cross_validation_beside_the_other_human(small, example_codebook):
    corpus, a, b = small
    docs = ["INF01", "INF02", "INF03"]
    both = pd.concat([a, b])
    both = both[both.doc_id.isin(docs)]
    cv = ce.cross_validate_coder(corpus.subset(docs), both, codebook=example_codebook,
                                 reference=["A"])
    assert set(cv.summary["coder"]) == {"both", "learned", "dictionary", "B"}
    human = cv.table.query("coder == 'B' and code == 'micro'")["f1"].item()
    ref = ce.evaluate_coder(b[b.doc_id.isin(docs)], reference=a[a.doc_id.isin(docs)],
                            corpus=corpus.subset(docs)).set_index("code").loc["micro", "f1"]
    assert human == pytest.approx(ref)
    wide = cv.per_code("A")
    assert {"code", "both", "learned", "dictionary", "B"} <= set(wide.columns)
    # the counts per document add up to the table's micro counts, for every coder
    assert list(cv.by_document.columns) == CV_DOCUMENT_COLUMNS
    assert set(cv.by_document["doc_id"]) == set(docs)
    summed = cv.by_document.groupby(["reference", "coder"])[["tp", "fp", "fn"]].sum()
    micro = cv.table[cv.table["code"] == "micro"].set_index(["reference", "coder"])
    assert summed.sort_index().equals(micro[["tp", "fp", "fn"]].sort_index())
    ci = cv.conf_int(n_boot=300)
    assert list(ci.columns) == CV_INTERVAL_COLUMNS and len(ci) == 4 * 3
    assert ((ci["ci_low"] <= ci["estimate"] + 1e-12)
            & (ci["estimate"] <= ci["ci_high"] + 1e-12)).all()
    with pytest.raises(ValueError, match="reference must name coders"):
        ce.cross_validate_coder(corpus.subset(docs), both, codebook=example_codebook,
                                reference=["C"])


def test_cross_validation_without_coverage_warns_when_the_coders_read_different_interviews(
        small, example_codebook):
    """Without ``coverage`` another coder is taken to have read every interview the
    reference coded, which is unlikely when their codings are in different interviews: said
    (CoverageWarning, as agreement says it), with how to declare it; not when told."""
    import warnings

    corpus, a, b = small
    docs = ["INF01", "INF02", "INF03"]
    both = pd.concat([a[a.doc_id.isin(docs)], b[b.doc_id == docs[0]]])
    with pytest.warns(ce.CoverageWarning, match=r"B has no codings in INF02, INF03.*"
                                                r"coverage="):
        ce.cross_validate_coder(corpus.subset(docs), both, codebook=example_codebook,
                                reference=["A"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        ce.cross_validate_coder(corpus.subset(docs), both, codebook=example_codebook,
                                reference=["A"], coverage="all")


def test_suggest_turns(small, example_corpus, example_codebook, coder):
    corpus, a, _ = small
    train = a[a.doc_id != "INF04"]
    out = ce.suggest_turns(corpus, train, codebook=example_codebook, n=7, coder=coder)
    assert list(out.columns) == SUGGEST_COLUMNS and len(out) == 7
    assert out["doc_id"].eq("INF04").all()
    assert out["margin"].is_monotonic_increasing
    assert np.allclose(out["margin"], (out["score"] - out["threshold"]).abs())
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    assert (out["text"].to_numpy() == seg.loc[list(zip(out.doc_id, out.segment_id,
                                                       strict=True)), "text"].to_numpy()).all()
    with pytest.warns(ce.LearningWarning, match="every document is coded"):
        everything = ce.suggest_turns(corpus, a, codebook=example_codebook, coder=coder)
    assert everything.empty and list(everything.columns) == SUGGEST_COLUMNS


@pytest.mark.slow
def test_the_fixture_study(tmp_path):
    """A second study (other codes, speakers, roles): train, code, cross-validate."""
    corpus = ce.read_transcripts(RSUD / "interview_transcripts")
    book = ce.Codebook.load(RSUD / "data" / "raw" / "codebook.yaml")
    a = ce.read_codings(RSUD / "data" / "raw" / "codings_A.csv", corpus=corpus, codebook=book)
    b = ce.read_codings(RSUD / "data" / "raw" / "codings_B.csv", corpus=corpus, codebook=book)
    coder = ce.train_coder(corpus, pd.concat([a, b]), codebook=book, seed=3)
    for combine in ("both", "learned", "dictionary"):
        out = coder.code(corpus, combine=combine)
        check_codings_contract(out, corpus, "auto" if combine == "dictionary" else "learned")
        assert set(out["code"]) <= set(book.codable_ids)
    cv = ce.cross_validate_coder(corpus, pd.concat([a, b]), codebook=book, seed=3)
    assert set(cv.table["reference"]) == {"A", "B"} and len(cv.documents) == 4
    assert set(cv.table["code"]) == {*book.codable_ids, "micro", "macro"}


@pytest.mark.slow
def test_cli_learn_from(cli, tmp_path):
    out, cv, nxt = tmp_path / "learned.csv", tmp_path / "cv.csv", tmp_path / "next.csv"
    codings = tmp_path / "a_some.csv"
    a = ce.read_codings(ce.example_path("codings_A"))
    ce.write_codings(a[a.doc_id.isin(["INF01", "INF02", "INF03"])], codings)
    r = cli("code", "--transcripts", "interview_transcripts", "--codebook",
            "data/raw/codebook.yaml", "--out", str(out), "--learn-from", str(codings),
            "--cross-validate", str(cv), "--suggest", str(nxt))
    assert r.returncode == 0, r.stderr
    assert "trained on 3 documents coded by A" in r.stderr and "both" in r.stderr
    learned = ce.read_codings(out, corpus=ce.read_transcripts("interview_transcripts"))
    assert set(learned["coder"]) == {"learned"} and "score" in learned.columns
    assert learned["text"].notna().all()  # issue 12: the file records the coded characters
    assert list(pd.read_csv(cv).columns) == CV_COLUMNS
    nxt = pd.read_csv(nxt)
    assert list(nxt.columns) == SUGGEST_COLUMNS
    assert (f"wrote 20 turns to code next ({nxt['doc_id'].nunique()} interviews)" in r.stderr
            and "code those interviews whole" in r.stderr)


@pytest.mark.slow
def test_cli_cross_validation_needs_three_documents_and_prints_no_nan(cli, tmp_path):
    """With two coded documents every fold trained on one and was skipped, so each coder,
    the dictionary too, scored 0 and precision printed as 'nan'. Now: a clear error,
    nothing written; with three, an undefined precision prints as '–'."""
    a = ce.read_codings(ce.example_path("codings_A"))
    codings, out, cv = tmp_path / "a_some.csv", tmp_path / "out.csv", tmp_path / "cv.csv"
    ce.write_codings(a[a.doc_id.isin(["INF01", "INF02"])], codings)
    args = ("code", "--transcripts", "interview_transcripts", "--codebook",
            "data/raw/codebook.yaml", "--out", str(out), "--learn-from", str(codings),
            "--cross-validate", str(cv))
    r = cli(*args)
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {codings}: --cross-validate needs codings of at "
                               "least 3 documents")
    assert not out.exists() and not cv.exists()
    ce.write_codings(a[a.doc_id.isin(["INF01", "INF02", "INF03"])], codings)
    r = cli(*args)
    assert r.returncode == 0 and "nan" not in r.stderr, r.stderr
    assert re.search(r"dictionary vs A: P 0\.\d{3} +R 0\.\d{3} +F1 0\.\d{3} "
                     r"\[0\.\d{3}, [01]\.\d{3}\]", r.stderr), r.stderr


def _validation(by_document: list[tuple], seed: int = 0, **others) -> ce.CoderValidation:
    """A CoderValidation against reference A of coder ``m`` with the given (doc, tp, fp,
    fn), and of each coder in ``others`` (name: its list)."""
    from citra_eval.autocoding import _prf

    parts, tables = [], []
    for coder, rows in {"m": by_document, **others}.items():
        docs = pd.DataFrame(rows, columns=["doc_id", "tp", "fp", "fn"]).assign(
            reference="A", coder=coder)[CV_DOCUMENT_COLUMNS]
        tp, fp, fn = (int(docs[c].sum()) for c in ("tp", "fp", "fn"))
        tables.append(pd.DataFrame([_prf(code, tp, fp, fn) for code in ("micro", "macro")])
                      .assign(reference="A", coder=coder, note="")[CV_COLUMNS])
        parts.append(docs)
    return ce.CoderValidation(table=pd.concat(tables, ignore_index=True),
                              predictions=pd.DataFrame(), documents=parts[0]["doc_id"].tolist(),
                              seed=seed, by_document=pd.concat(parts, ignore_index=True))


def test_per_code_keeps_the_codebook_order_and_the_summary_rows_last():
    """07-coder-quality-per-code.csv sorted the 'macro' and 'micro' rows alphabetically
    among the codes."""
    codes = ["zebra", "alpha", "nilai", "micro", "macro"]
    table = pd.DataFrame([{"reference": "A", "coder": coder, "code": code, "f1": f1}
                          for coder, f1 in (("both", 0.5), ("B", 0.75)) for code in codes])
    cv = ce.CoderValidation(table=table.reindex(columns=CV_COLUMNS), predictions=pd.DataFrame(),
                            documents=[], seed=0)
    wide = cv.per_code("A")
    assert wide["code"].tolist() == codes
    assert wide.set_index("code")[["both", "B"]].eq([0.5, 0.75]).all(axis=None)


def test_conf_int_of_identical_documents_is_the_estimate():
    """Every resample of identical documents has the same ratios: a zero-width interval."""
    ci = _validation([(f"D{i}", 3, 1, 2) for i in range(5)]).conf_int(n_boot=50)
    f1 = 2 * 15 / (2 * 15 + 5 + 10)  # hand computation: TP 15, FP 5, FN 10
    assert ci["measure"].tolist() == ["precision", "recall", "f1"]
    assert ci["estimate"].tolist() == pytest.approx([15 / 20, 15 / 25, f1])
    assert ci["ci_low"].tolist() == pytest.approx(ci["estimate"].tolist())
    assert ci["ci_high"].tolist() == pytest.approx(ci["estimate"].tolist())
    assert ci["n_documents"].eq(5).all() and ci["n_boot"].eq(50).all()


def test_conf_int_resamples_documents_and_drops_undefined_replicates():
    """Two documents: D1 one hit (tp 1), D2 one false alarm (fp 1). A replicate of D1 twice
    has F1 1, of D2 twice F1 0 and recall 0/0 (undefined, dropped: about a quarter of the
    replicates), of one each F1 2/3."""
    cv = _validation([("D1", 1, 0, 0), ("D2", 0, 1, 0)], seed=7)
    ci = cv.conf_int(n_boot=4000, ci=0.9).set_index("measure")
    assert ci.loc["f1", ["ci_low", "ci_high"]].tolist() == [0.0, 1.0]
    assert ci.loc["precision", "n_boot"] == 4000
    assert 0.70 * 4000 < ci.loc["recall", "n_boot"] < 0.80 * 4000
    assert ci.loc["recall", ["ci_low", "ci_high"]].tolist() == [1.0, 1.0]
    # the same draws as a plain loop over documents drawn with replacement
    rng = np.random.default_rng(7)
    draws = rng.integers(0, 2, size=(4000, 2))
    tp = (draws == 0).sum(axis=1)
    fp = (draws == 1).sum(axis=1)
    f1 = 2 * tp / (2 * tp + fp)
    assert ci.loc["f1", "ci_low"] == np.quantile(f1, 0.05)
    assert cv.conf_int(n_boot=4000, ci=0.9).equals(cv.conf_int(n_boot=4000, ci=0.9, seed=7))
    for bad in ({"ci": 1.5}, {"n_boot": 0}, {"seed": -1}):
        with pytest.raises(ValueError):
            cv.conf_int(**bad)


def test_compare_gives_the_paired_difference_of_two_coders():
    """m: D1 one hit, D2 one false alarm; n: a hit in each. Replicates: D1 twice (m's F1 1,
    difference 0), D2 twice (m's F1 0, difference -1), one of each (2/3, difference -1/3)."""
    cv = _validation([("D1", 1, 0, 0), ("D2", 0, 1, 0)], seed=3,
                     n=[("D1", 1, 0, 0), ("D2", 1, 0, 0)])
    d = cv.compare("m", "n", reference="A", n_boot=4000, ci=0.9)
    assert list(d.columns) == CV_COMPARE_COLUMNS
    d = d.set_index("measure")
    assert d.loc["f1", "difference"] == pytest.approx(2 / 3 - 1)
    assert d.loc["f1", ["ci_low", "ci_high"]].tolist() == [-1.0, 0.0]
    assert d.loc["precision", "difference"] == pytest.approx(0.5 - 1)
    # the same draws as conf_int: the difference of the replicates, by a plain loop
    draws = np.random.default_rng(3).integers(0, 2, size=(4000, 2))
    tp = (draws == 0).sum(axis=1)
    diff = 2 * tp / (2 * tp + (draws == 1).sum(axis=1)) - 1.0
    assert (d.loc["f1", "ci_low"], d.loc["f1", "ci_high"]) == (np.quantile(diff, 0.05),
                                                             np.quantile(diff, 0.95))
    # drawn in blocks of replicates: the same draws whatever the block size
    from citra_eval import learning

    small_blocks = pytest.MonkeyPatch.context()
    with small_blocks as mp:
        mp.setattr(learning, "_BOOT_CELLS", 7)
        blocked = cv.compare("m", "n", reference="A", n_boot=4000, ci=0.9)
    assert blocked.equals(cv.compare("m", "n", reference="A", n_boot=4000, ci=0.9))
    same = cv.compare("m", "m", reference="A", n_boot=100)
    assert same[["difference", "ci_low", "ci_high"]].eq(0).all().all()
    with pytest.raises(ValueError, match="reference must be one of"):
        cv.compare("m", "n", reference="B")
    with pytest.raises(ValueError, match="other"):
        cv.compare("m", "x", reference="A")
    bare = ce.CoderValidation(table=cv.table, predictions=cv.predictions, documents=[],
                              seed=0)
    with pytest.raises(ValueError, match="by_document holds no counts"):
        bare.compare("m", "n", reference="A")
    assert bare.conf_int().empty


def test_cross_validation_needs_three_coded_documents(example_corpus, example_codebook):
    a = ce.read_codings(ce.example_path("codings_A"))
    with pytest.raises(ce.InputError, match=r"codings cover 2 document.* at least 3"):
        ce.cross_validate_coder(example_corpus, a[a.doc_id.isin(["INF01", "INF02"])],
                                codebook=example_codebook)


@pytest.mark.slow
def test_cli_learn_from_bad_input_writes_nothing(cli, tmp_path):
    out = tmp_path / "x.csv"
    r = cli("code", "--transcripts", "interview_transcripts", "--codebook",
            "data/raw/codebook.yaml", "--out", str(out), "--learn-from", "data/raw/nope.csv")
    assert r.returncode == 2 and "error: data/raw/nope.csv" in r.stderr and not out.exists()
    r = cli("code", "--transcripts", "interview_transcripts", "--codebook",
            "data/raw/codebook.yaml", "--out", "data/raw/codings_A.csv", "--learn-from",
            "data/raw/codings_A.csv")
    assert r.returncode == 2 and "is one of the command's inputs" in r.stderr
    r = cli("code", "--transcripts", "interview_transcripts", "--codebook",
            "data/raw/codebook.yaml", "--out", str(out), "--cross-validate",
            str(tmp_path / "cv.csv"))
    assert r.returncode == 2 and "needs --learn-from" in r.stderr and not out.exists()


def _tiny_study(tmp_path) -> list[str]:
    """A transcript folder and codebook (one code): the inputs of ``code``."""
    tdir = tmp_path / "t"
    tdir.mkdir(parents=True)
    (tdir / "D1.txt").write_text("---\nid: D1\nspeakers: {X: informant}\n---\n"
                                 "X: makanannya enak sekali\n", encoding="utf-8")
    (tmp_path / "cb.yaml").write_text("codes:\n  - {id: rasa, label: Rasa, patterns: "
                                      "[enak]}\n", encoding="utf-8")
    return ["code", "--transcripts", str(tdir), "--codebook", str(tmp_path / "cb.yaml")]


@pytest.mark.parametrize("option", [("--combine", "learned"), ("--labels", "all"),
                                    ("--seed", "3"), ("--seed", "0"),
                                    ("--combine", "both")])
def test_cli_learner_options_need_learn_from(tmp_path, capsys, option):
    """--combine, --labels and --seed were silently ignored without --learn-from (the
    dictionary's codings, exit 0), while --suggest was refused: now refused alike, even
    at their default value, and nothing is written."""
    from citra_eval.cli import main

    out = tmp_path / "out.csv"
    assert main([*_tiny_study(tmp_path), "--out", str(out), *option]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {option[0]}: needs --learn-from"), err
    assert not out.exists()
    assert main([*_tiny_study(tmp_path / "ok"), "--out", str(out)]) == 0


def test_dictionary_options_reach_the_dictionary_side(small, example_codebook):
    """negation= and question_context= are the dictionary's: the learned coder's dictionary
    block and its combine='dictionary' follow them (they were fixed on before)."""
    corpus, a, _ = small
    plain = dict(negation=False, question_context=False)
    coder = ce.train_coder(corpus, a[a.doc_id != "INF04"], codebook=example_codebook,
                           seed=0, **plain)
    want = ce.autocode(corpus, example_codebook, **plain)
    assert not want.equals(ce.autocode(corpus, example_codebook))  # the options matter here
    pd.testing.assert_frame_equal(coder.code(corpus, combine="dictionary"), want)
    pd.testing.assert_frame_equal(coder._features.prepare(corpus).auto, want)
    for name in ("negation", "question_context"):
        with pytest.raises(TypeError, match=name):
            ce.train_coder(corpus, a, codebook=example_codebook, **{name: "no"})
    # the cross-validation's dictionary is the same dictionary
    cv = ce.cross_validate_coder(corpus, a, codebook=example_codebook, seed=0, **plain)
    held = cv.predictions[cv.predictions["coder"] == "dictionary"]
    pd.testing.assert_frame_equal(
        held.drop(columns="coder").reset_index(drop=True),
        want[want["doc_id"].isin(cv.documents)].drop(columns="coder").reset_index(drop=True))


def test_cli_dictionary_options_with_learn_from(tmp_path, capsys):
    """--no-negation and --no-question-context were silently ignored with --learn-from:
    --combine dictionary gave the default dictionary's codings."""
    from citra_eval.cli import main

    tdir = tmp_path / "t"
    tdir.mkdir()
    for d in (1, 2, 3):
        (tdir / f"D{d}.txt").write_text(
            f"---\nid: D{d}\nspeakers: {{P: interviewer, X: informant}}\n---\n"
            "P: Bagaimana rasa makanannya?\nX: Menurut saya cukup lumayan.\n"
            "X: Makanannya tidak enak sama sekali.\nX: Tempatnya enak dan nyaman.\n",
            encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(
        "codes:\n  - {id: rasa, label: Rasa, patterns: [enak]}\n"
        "  - {id: tempat, label: Tempat, patterns: [nyaman]}\n", encoding="utf-8")
    corpus = ce.read_transcripts(tdir)
    seg = corpus.segments[corpus.segments["text"].str.contains("nyaman")]
    ce.write_codings(seg[["doc_id", "segment_id", "start", "end"]].assign(
        code="tempat", coder="A"), tmp_path / "a.csv")
    base = ["code", "--transcripts", str(tdir), "--codebook", str(tmp_path / "cb.yaml")]
    flags = ["--no-negation", "--no-question-context"]
    assert main([*base, "--out", str(tmp_path / "plain.csv"), *flags]) == 0
    assert main([*base, "--out", str(tmp_path / "learned.csv"), "--learn-from",
                 str(tmp_path / "a.csv"), "--combine", "dictionary", *flags]) == 0
    capsys.readouterr()
    plain = pd.read_csv(tmp_path / "plain.csv")
    learned = pd.read_csv(tmp_path / "learned.csv")
    assert len(plain) > len(ce.autocode(corpus, ce.Codebook.load(tmp_path / "cb.yaml")))
    pd.testing.assert_frame_equal(learned, plain)


def test_character_block_is_what_sklearns_vectoriser_gives(example_corpus, example_codebook):
    """The character block is counted once per distinct word; it must equal
    ``TfidfVectorizer(analyzer="char_wb", ...)`` fitted and applied the usual way."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from citra_eval.learning import CHAR_NGRAMS, _Featuriser

    feats = _Featuriser(ce.autocoding.compile_codebook(example_codebook), ("informant",), 0,
                        codes=example_codebook.codable_ids)
    train = feats.units(example_corpus.subset(["INF01", "INF02", "INF03", "INF04"]))
    other = feats.units(example_corpus.subset(["INF05", "INF06"]))
    feats.fit(train)
    sk = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2,
                         lowercase=False, sublinear_tf=True).fit(train["stems"])
    assert list(feats.char_vocab) == sk.get_feature_names_out().tolist()
    assert np.allclose(feats.char_idf, sk.idf_)
    for units in (train, other):
        diff = feats.char_matrix(units["stems"]) - sk.transform(units["stems"])
        assert abs(diff).max() < 1e-12


def test_a_word_longer_than_any_spoken_one_adds_no_character_ngrams(example_codebook):
    """A run of text without spaces (a base64 blob) would add four n-grams per character,
    held as Python strings: gigabytes for a 16 MiB file. Words up to MAX_CHAR_WORD
    characters keep theirs."""
    from citra_eval.learning import MAX_CHAR_WORD, _Featuriser

    blob, word = "zq" * 600, "x" * MAX_CHAR_WORD
    texts = [f"kami bekerja {blob} {word}", f"kami {blob} bekerja {word}", "kami saja"]
    segs = pd.DataFrame({"doc_id": ["D1", "D1", "D2"], "segment_id": [1, 2, 1],
                         "role": "informant", "text": texts})
    feats = _Featuriser(ce.autocoding.compile_codebook(example_codebook), ("informant",), 0,
                        codes=example_codebook.codable_ids)
    units = segs.assign(stems=feats.stems(texts), q_stems="")
    feats.fit(units)
    assert "zqzq" not in feats.char_vocab and "qz" not in feats.char_vocab
    assert "xxxx" in feats.char_vocab and "kam" in feats.char_vocab
    assert feats.char_matrix(units["stems"]).shape == (3, len(feats.char_vocab))


def test_character_block_is_bit_for_bit_the_plain_computation(example_corpus,
                                                               example_codebook):
    """char_matrix multiplies in float64 and logs in place; every stored entry, in order,
    must be that of the plain computation (integer product, astype, log + 1, idf, L2), on
    the example study and on real tweets, so predictions do not move by a bit."""
    from conftest import real_texts
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    from citra_eval.learning import CHAR_NGRAMS, _Featuriser, _Words

    feats = _Featuriser(ce.autocoding.compile_codebook(example_codebook), ("informant",), 0,
                        codes=example_codebook.codable_ids)
    feats.fit(feats.units(example_corpus))
    for stems in (feats.units(example_corpus)["stems"],
                  pd.Series(feats.stems(real_texts()[:3000]))):
        per_turn, words = feats._word_counts(_Words.of(stems))
        grams = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, lowercase=False,
                                vocabulary=feats.char_vocab)
        plain = (per_turn @ grams.transform(words)).tocsr().astype(np.float64)
        plain.data = np.log(plain.data) + 1.0
        plain = normalize((plain @ sparse.diags(feats.char_idf)).tocsr(), norm="l2")
        got = feats.char_matrix(stems)
        assert got.nnz > 10000
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(got, part), getattr(plain, part)), part


def test_word_blocks_are_bit_for_bit_the_vectorisers(example_corpus, example_codebook):
    """The word and question blocks count n-grams with pandas; every stored entry, in order,
    must be what the fitted TfidfVectorizer's own transform gives, on the example study
    (questions included), real tweets and turns with no or unknown words."""
    from conftest import real_texts

    from citra_eval.learning import _Featuriser, _tfidf_rows, _Words

    feats = _Featuriser(ce.autocoding.compile_codebook(example_codebook), ("informant",), 0,
                        codes=example_codebook.codable_ids)
    units = feats.units(example_corpus)
    feats.fit(units[units["doc_id"].isin(DOCS)])
    assert feats.question is not None
    odd = pd.Series(["", "zzz qqq", "humas humas humas", "   "])
    for vectorizer, terms, stems in (
            (feats.word, feats.word_terms, units["stems"]),
            (feats.question, feats.question_terms, units["q_stems"]),
            (feats.word, feats.word_terms, pd.Series(feats.stems(real_texts()[:2000]))),
            (feats.word, feats.word_terms, odd)):
        got, want = (_tfidf_rows(vectorizer, terms, _Words.of(stems)),
                     vectorizer.transform(stems))
        assert type(got) is type(want) and got.shape == want.shape
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(got, part), getattr(want, part)), part
    assert _tfidf_rows(feats.word, feats.word_terms, _Words.of(units["stems"])).nnz > 5000


@pytest.mark.parametrize("combine", ["both", "learned"])
def test_prediction_in_chunks_is_the_prediction_on_one_matrix(coder, small, monkeypatch,
                                                             combine):
    """Coding featurises PREDICT_CHUNK turns at a time; scores (to the bit) and evidence must
    be those of one matrix of every turn, which are scikit-learn's own predict_proba."""
    from scipy import sparse

    from citra_eval import learning

    corpus = small[0]
    if combine == "both":  # every learnable code by its stacked model, to test that path
        monkeypatch.setattr(coder, "_choice", {c: "stacked" if ("stacked", c) in coder._models
                                               else "dictionary" for c in coder.codes})
    monkeypatch.setattr(learning, "PREDICT_CHUNK", 10**9)
    whole, whole_scores = coder.code(corpus, combine=combine), coder.scores(corpus,
                                                                            combine=combine)
    monkeypatch.setattr(learning, "PREDICT_CHUNK", 7)
    pd.testing.assert_frame_equal(coder.code(corpus, combine=combine), whole, check_exact=True)
    pd.testing.assert_frame_equal(coder.scores(corpus, combine=combine), whole_scores,
                                  check_exact=True)
    prepared = coder._features.prepare(corpus)
    x_text = coder._features.text_matrix(prepared.units)
    x = {"learned": x_text,
         "stacked": sparse.hstack([x_text, sparse.csr_matrix(prepared.dic)], format="csr")}
    checked = 0
    for code in coder.codes:
        name = coder._choice[code] if combine == "both" else "learned"
        if (name, code) not in coder._models:
            continue
        got = whole_scores.loc[whole_scores["code"] == code, "score"].to_numpy()
        assert np.array_equal(got, coder._models[(name, code)].predict_proba(x[name])[:, 1])
        checked += 1
    assert checked >= 3


@pytest.mark.slow
def test_repeated_turns_are_fitted_as_weighted_rows(example_corpus, example_codebook):
    """Pooled labels repeat a turn once per coder; the fit merges a turn's rows with the same
    label into one weighted row. That must be the model of the repeated rows: the same
    threshold and inner F1 (the folds are by document, weighted counts are the counts) and
    the same probabilities up to the solver's tolerance."""
    from scipy import sparse
    from sklearn.model_selection import GroupKFold

    from citra_eval.learning import (
        _best_threshold,
        _Featuriser,
        _fit_code,
        _inner_folds,
        _labels,
        _logistic,
    )

    corpus = example_corpus.subset([*DOCS, "INF05", "INF06"])
    a = ce.read_codings(ce.example_path("codings_A"))
    b = ce.read_codings(ce.example_path("codings_B"))
    codings = pd.concat([a, b[b.doc_id != "INF06"]], ignore_index=True)
    codings = codings[codings.doc_id.isin(corpus.doc_ids)]
    feats = _Featuriser(ce.autocoding.compile_codebook(example_codebook), ("informant",), 0,
                        codes=example_codebook.codable_ids)
    units = feats.units(corpus)
    feats.fit(units)
    x = sparse.csr_matrix(feats.text_matrix(units))
    x.sum_duplicates()
    idx, y, groups = _labels(units, codings, feats.codes, "pooled")
    assert len(idx) > len(set(idx.tolist()))  # turns repeated: the case under test
    folds = _inner_folds(groups)
    checked = 0
    for j in range(len(feats.codes)):
        yj = y[:, j]
        if yj.sum() < MIN_POSITIVES or (yj == 0).sum() == 0:
            continue
        model, thr, f1 = _fit_code(x, idx, yj, groups, folds, seed=0)
        oof = np.full(len(yj), np.nan)  # the plain way: every repeated row on its own
        for tr, te in GroupKFold(n_splits=len(folds)).split(x[idx], yj, groups):
            if 0 < yj[tr].sum() < len(tr):
                oof[te] = _logistic(0).fit(x[idx][tr], yj[tr]).predict_proba(x[idx][te])[:, 1]
            else:
                oof[te] = yj[tr].mean()
        assert (thr, round(f1, 9)) == tuple(round(v, 9) for v in _best_threshold(yj, oof))
        plain = _logistic(0).fit(x[idx], yj)
        assert np.abs(plain.predict_proba(x)[:, 1] - model.predict_proba(x)[:, 1]).max() < 1e-3
        checked += 1
    assert checked >= 3


def test_neighbour_codes_stay_inside_their_document():
    from citra_eval.learning import _neighbour_codes

    units = pd.DataFrame({"doc_id": ["D1", "D1", "D1", "D2", "D2"]})
    direct = np.array([[1, 0], [0, 0], [0, 1], [1, 1], [0, 0]], dtype=float)
    out = _neighbour_codes(units, direct)
    prev, nxt = out[:, :2], out[:, 2:]
    assert prev.tolist() == [[0, 0], [1, 0], [0, 0], [0, 0], [1, 1]]
    assert nxt.tolist() == [[0, 0], [0, 1], [0, 0], [0, 0], [0, 0]]


def test_neighbours_option(small, example_codebook):
    corpus, a, _ = small
    train = a[a.doc_id != "INF04"]
    one = ce.train_coder(corpus, train, codebook=example_codebook, seed=0, neighbours=True)
    two = ce.train_coder(corpus, train, codebook=example_codebook, seed=0, neighbours=True)
    held = corpus.subset(["INF04"])
    out = one.code(held)
    check_codings_contract(out, held, "learned")
    pd.testing.assert_frame_equal(out, two.code(held))
    n_codes = len(example_codebook.codable_ids)
    names = one._features.feature_names(True)
    assert names[-2 * n_codes:] == ([f"<{c}" for c in example_codebook.codable_ids]
                                    + [f">{c}" for c in example_codebook.codable_ids])
    with pytest.raises(TypeError, match="neighbours must be True or False"):
        ce.train_coder(corpus, train, codebook=example_codebook, neighbours="yes")


def test_a_few_short_turns_with_no_shared_word(example_codebook):
    """Three interviews of two short turns: no word occurs in two turns, so the word and
    question blocks have no vocabulary (min_df=2); training and cross-validation still run
    (before, sklearn's "no terms remain" escaped)."""
    words = iter(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                  "india", "juliet", "kilo", "lima"])
    texts, rows = {}, []
    for d in ("D1", "D2", "D3"):
        body = "".join(f"P: {next(words)}?\nI: {next(words)}.\n" for _ in range(2))
        head = f"---\nid: {d}\nspeakers: {{P: interviewer, I: informant}}\n---\n"
        texts[f"{d}.txt"] = head + body
    corpus = ce.Corpus.from_texts(texts)
    code = example_codebook.codable_ids[0]
    for seg in corpus.segments[corpus.segments.role == "informant"].itertuples():
        rows.append({"doc_id": seg.doc_id, "segment_id": seg.segment_id, "start": seg.start,
                     "end": seg.end, "code": code, "coder": "A"})
    codings = pd.DataFrame(rows)
    with pytest.warns(ce.LearningWarning, match="no code could be learned"):
        fitted = ce.train_coder(corpus, codings, codebook=example_codebook, seed=0)
    assert fitted._features.word is None and fitted._features.question is None
    check_codings_contract(fitted.code(corpus), corpus, "learned")
    cv = ce.cross_validate_coder(corpus, codings, codebook=example_codebook, seed=0)
    assert set(cv.table["coder"]) >= {"both", "learned", "dictionary"}


def test_suggestions_rank_by_a_fitted_models_probability_only(small, example_codebook, coder):
    """Before: a code left to the dictionary had its fixed score (1.0/0.5/0.0, threshold
    0.5) ranked as a probability, so every question-context hit (0.5) got margin 0 and
    topped the list. Now the stacked model's probability ranks wherever it was fitted; turns
    with no model code come last, margin NaN."""
    corpus, a, _ = small
    train = a[a.doc_id != "INF04"]
    n_turns = int(((corpus.segments.doc_id == "INF04")
                   & (corpus.segments.role == "informant")).sum())
    out = ce.suggest_turns(corpus, train, codebook=example_codebook, n=n_turns, coder=coder)
    assert len(out) == n_turns
    stacked = {c for (m, c) in coder._models if m == "stacked"}
    chosen_dictionary = {c for c in stacked if coder._choice[c] == "dictionary"}
    assert chosen_dictionary  # the case of the finding: learned, yet left to the dictionary
    ranked = out[out["margin"].notna()]
    assert len(ranked) and set(ranked["code"]) <= stacked
    # the stacked model's threshold and a probability, not the dictionary's fixed scores
    thr = coder.thresholds.query("model == 'stacked'").set_index("code")["threshold"]
    assert np.allclose(ranked["threshold"], ranked["code"].map(thr))
    assert not ranked["score"].isin([0.0, 0.5, 1.0]).any()
    assert ranked["margin"].is_monotonic_increasing
    assert out["margin"].isna().sum() == len(out) - len(ranked)
    assert out["margin"].iloc[:len(ranked)].notna().all()  # NaN last
    # proposed: what the both model codes in that turn
    both = coder.code(corpus.subset(["INF04"]))
    codes = both.groupby("segment_id")["code"].agg(set)
    for row in out.itertuples(index=False):
        assert set(filter(None, row.proposed.split("; "))) == codes.get(row.segment_id, set())


def _one_code_everywhere(tmp_path, n):
    """``n`` transcripts D0.. of six alike informant turns, and codings of every turn of
    D0-D2 with one code, 'positif' (nothing a model could learn): the folder, the corpus and
    the codings."""
    tdir = tmp_path / "t"
    tdir.mkdir()
    for d in range(n):
        body = "".join(f"U: ulasan {d}-{i} makanan enak harga murah\n" for i in range(6))
        (tdir / f"D{d}.txt").write_text(f"---\nid: D{d}\nspeakers: {{U: informant}}\n---\n"
                                        + body, encoding="utf-8")
    corpus = ce.read_transcripts(tdir)
    seg = corpus.segments[corpus.segments.doc_id.isin(["D0", "D1", "D2"])]
    return tdir, corpus, seg[["doc_id", "segment_id", "start", "end"]].assign(
        code="positif", coder="A")


def test_suggestions_when_nothing_was_learned_say_so(tmp_path, capsys):
    """Every coded turn with the same code: no model could be fitted, and suggest_turns
    returned n 'suggestions' all scoring 0.0 for the codebook's first code (the first turns
    of the first uncoded document), with no word. Now: none, and a LearningWarning (a note
    in the command) saying nothing could be learned to rank them by."""
    from citra_eval.cli import main

    tdir, corpus, human = _one_code_everywhere(tmp_path, 5)
    book = ce.Codebook.from_dict({"codebook": "x", "codes": [
        {"id": "harga", "label": "Harga"}, {"id": "positif", "label": "Positif"}]})
    with pytest.warns(ce.LearningWarning, match="no code could be learned"):
        out = ce.suggest_turns(corpus, human, codebook=book, n=5)
    assert out.empty and list(out.columns) == SUGGEST_COLUMNS
    # the command says so too
    (tmp_path / "cb.yaml").write_text("codes:\n  - id: harga\n    label: Harga\n  - id: "
                                      "positif\n    label: Positif\n", encoding="utf-8")
    ce.write_codings(human, tmp_path / "a.csv")
    nxt = tmp_path / "next.csv"
    assert main(["code", "--transcripts", str(tdir), "--codebook", str(tmp_path / "cb.yaml"),
                 "--out", str(tmp_path / "out.csv"), "--learn-from", str(tmp_path / "a.csv"),
                 "--suggest", str(nxt)]) == 0
    err = capsys.readouterr().err
    assert "no code could be learned" in err and "wrote 0 turns to code next" not in err
    assert f"wrote no turns to code next to {nxt} (the note below says why)" in err
    assert pd.read_csv(nxt).empty


# --------------------------------------------------------------------------- coverage

#: Three interviews of four informant turns; turn k of each speaks of topic k % 2.
_TOPICS = [("Keluhan pasien dijawab cepat oleh petugas.", "keluhan"),
           ("Informasi layanan ada di papan pengumuman.", "informasi")]


def _one_of_three() -> tuple[ce.Corpus, ce.Codebook, pd.DataFrame]:
    """A codes every informant turn of D1-D3 with its topic; B codes D1 alike and
    nothing else (B coded one document of three)."""
    texts = {}
    for d in ("D1", "D2", "D3"):
        body = "".join(f"P: Bagaimana {d} {k}?\nI: {_TOPICS[k % 2][0]} Hari {k} di {d}.\n"
                       for k in range(4))
        texts[f"{d}.txt"] = f"---\nid: {d}\nspeakers: {{P: interviewer, I: informant}}\n---\n" \
            + body
    corpus = ce.Corpus.from_texts(texts)
    book = ce.Codebook.from_dict({"codebook": "t", "version": 1, "language": "id", "codes": [
        {"id": "keluhan", "label": {"id": "Keluhan"}, "patterns": ["keluhan"]},
        {"id": "informasi", "label": {"id": "Informasi"}, "patterns": ["informasi layanan"]}]})
    rows = []
    turns = corpus.segments[corpus.segments.role == "informant"]
    for seg in turns.itertuples():
        code = "keluhan" if seg.text.startswith("Keluhan") else "informasi"
        for coder in ("A", "B") if seg.doc_id == "D1" else ("A",):
            rows.append((seg.doc_id, seg.segment_id, seg.start, seg.end, code, coder))
    return corpus, book, pd.DataFrame(rows, columns=ce.CODING_COLUMNS)


@pytest.fixture(scope="module")
def one_of_three():
    return _one_of_three()


def _micro(cv: ce.CoderValidation, reference: str, coder: str) -> pd.Series:
    t = cv.table
    return t[(t.reference == reference) & (t.coder == coder) & (t.code == "micro")].iloc[0]


def test_cross_validation_scores_a_human_coder_only_where_both_coded(one_of_three):
    """Review session 11: B coded D1 of D1-D3. Without coverage, A's codings in D2 and D3
    counted as B's misses (recall 4/12); with the coverage study.yaml declares, the
    comparison of the two coders is on D1 only, where they agree (recall 1, as agreement()
    with the same coverage gives alpha 1); the machines are scored on every document the
    reference coded."""
    corpus, book, codings = one_of_three
    a, b = codings[codings.coder == "A"], codings[codings.coder == "B"]
    declared = {"A": "all", "B": ["D1"]}
    cv = ce.cross_validate_coder(corpus, codings, codebook=book, coverage=declared)
    b_vs_a = _micro(cv, "A", "B")
    assert (b_vs_a.tp, b_vs_a.fn, b_vs_a.fp) == (len(b), 0, 0)
    assert b_vs_a.recall == 1 and b_vs_a.support == len(a[a.doc_id == "D1"])
    assert _micro(cv, "B", "A")[["precision", "recall"]].tolist() == [1, 1]
    pairs = cv.by_document.groupby(["reference", "coder"])["doc_id"].agg(set)
    assert pairs[("A", "B")] == pairs[("B", "A")] == {"D1"}
    alpha = ce.agreement(codings, corpus=corpus, codes=book, coverage=declared, n_boot=0)
    assert alpha.set_index("code").loc["ALL", "krippendorff_alpha"] == 1
    # the machines against A: every document A coded; against B: the one B coded
    for machine in ("both", "learned", "dictionary"):
        assert _micro(cv, "A", machine).support == len(a)
        assert _micro(cv, "B", machine).support == len(b)
        assert pairs[("A", machine)] == {"D1", "D2", "D3"} and pairs[("B", machine)] == {"D1"}
    # the intervals resample A's documents; B is measured on the one both rated, and one
    # document drawn again and again is no interval (it was a zero-width "95% interval")
    ci = cv.conf_int(n_boot=50).query("reference == 'A' and measure == 'recall'")
    ci = ci.set_index("coder")
    assert ci.drop(index="B")["n_documents"].eq(3).all()
    assert ci.drop(index="B")[["ci_low", "ci_high"]].notna().all(axis=None)
    assert ci.loc["B", "n_documents"] == 1 and ci.loc["B", "n_boot"] == 0
    assert ci.loc["B", ["ci_low", "ci_high"]].isna().all()
    assert "no interval: 1 interview in common with A" in ci.loc["B", "note"]
    # and against B (one document), the machines have none either
    against_b = cv.conf_int(n_boot=50).query("reference == 'B' and measure == 'f1'")
    against_b = against_b.set_index("coder")
    assert against_b[["ci_low", "ci_high"]].isna().all(axis=None)
    assert against_b.loc["dictionary", "note"].startswith("no interval: B rated 1 interview")
    # a table of (coder, doc_id) says the same as the mapping
    table = pd.DataFrame({"coder": ["A", "A", "A", "B"], "doc_id": ["D1", "D2", "D3", "D1"]})
    again = ce.cross_validate_coder(corpus, codings, codebook=book, coverage=table)
    pd.testing.assert_frame_equal(again.table, cv.table)


def test_cross_validation_without_coverage_is_unchanged(one_of_three):
    """Without coverage, every other coder is taken to have rated the reference's
    documents (the behaviour before coverage=): B vs A is evaluate_coder over D1-D3."""
    corpus, book, codings = one_of_three
    a, b = codings[codings.coder == "A"], codings[codings.coder == "B"]
    cv = ce.cross_validate_coder(corpus, codings, codebook=book)
    b_vs_a = _micro(cv, "A", "B")
    ev = ce.evaluate_coder(b, reference=a, corpus=corpus).set_index("code").loc["micro"]
    assert (b_vs_a.tp, b_vs_a.fn) == (len(b), len(a) - len(b)) == (ev.tp, ev.fn)
    assert b_vs_a.recall == pytest.approx(len(b) / len(a))


def test_cross_validation_coverage_is_the_declaration_not_the_codings(one_of_three):
    """A document B is declared to have rated but coded nothing in counts: A's codings
    there are B's misses; a declaration that contradicts the codings is refused, as by
    agreement()."""
    corpus, book, codings = one_of_three
    a, b = codings[codings.coder == "A"], codings[codings.coder == "B"]
    cv = ce.cross_validate_coder(corpus, codings, codebook=book,
                                 coverage={"A": "all", "B": ["D1", "D2"]})
    b_vs_a = _micro(cv, "A", "B")
    assert (b_vs_a.tp, b_vs_a.fn) == (len(b), len(a[a.doc_id == "D2"]))
    with pytest.raises(ce.InputError, match="coder 'B' has codings in 'D1'"):
        ce.cross_validate_coder(corpus, codings, codebook=book,
                                coverage={"A": "all", "B": ["D2"]})
    with pytest.raises(ce.InputError, match=r"coverage does not say .* 'B'"):
        ce.cross_validate_coder(corpus, codings, codebook=book, coverage={"A": "all"})
    with pytest.raises(ValueError, match="coverage must be one of 'all', 'documents'"):
        ce.cross_validate_coder(corpus, codings, codebook=book, coverage="some")
    with pytest.warns(ce.CoverageWarning, match="infers which documents"):
        inferred = ce.cross_validate_coder(corpus, codings, codebook=book,
                                           coverage="documents")
    assert _micro(inferred, "A", "B").fn == 0


def test_a_document_declared_read_without_codings_trains_and_is_not_suggested(one_of_three):
    """double_coded says A read D3 and found nothing to code: the learned coder ignored it
    (no negative example) and suggest_turns offered D3's turns as uncoded. With the
    coverage, D3's turns are A's examples without a code, D3 is trained on, held out in the
    cross-validation and never suggested."""
    from citra_eval.learning import _labels

    corpus, book, codings = one_of_three
    a = codings[(codings.coder == "A") & (codings.doc_id != "D3")]
    declared = {"A": "all"}
    assert ce.train_coder(corpus, a, codebook=book).documents == ["D1", "D2"]
    coder = ce.train_coder(corpus, a, codebook=book, coverage=declared)
    assert coder.documents == ["D1", "D2", "D3"]
    units = corpus.segments[corpus.segments.role == "informant"].reset_index(drop=True)
    _, y, groups = _labels(units, a, book.codable_ids, "pooled", {"A": {"D1", "D2", "D3"}})
    assert set(groups) == {"D1", "D2", "D3"}
    assert y[groups == "D3"].sum() == 0 and y[groups != "D3"].sum() == len(a)
    plain = ce.suggest_turns(corpus, a, codebook=book)
    assert set(plain["doc_id"]) == {"D3"}
    assert ce.suggest_turns(corpus, a, codebook=book, coverage=declared).empty
    assert ce.suggest_turns(corpus, a, codebook=book, coder=coder, coverage=declared).empty
    cv = ce.cross_validate_coder(corpus, a, codebook=book, coverage=declared)
    assert cv.documents == ["D1", "D2", "D3"]
    # checked as agreement() checks it: a declared coder without codings rated their
    # documents and applied no code (said, not refused)
    with pytest.warns(ce.CoverageWarning, match="coder 'B' has no codings"):
        ce.train_coder(corpus, a, codebook=book, coverage={"A": "all", "B": ["D1"]})


def test_an_inferred_coverage_is_explained_for_training_not_for_agreement(one_of_three):
    """Session 17 (mixed repro 3): in a one-coder study, ``code --learn-from`` (and notebook
    07) said that the inferred coverage "can make agreement look better than it is",
    though no agreement is computed. Training is told what the inference means for it
    (which turns are negatives), and nothing when every coder coded every document."""
    corpus, book, codings = one_of_three
    a = codings[codings.coder == "A"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)  # A coded D1-D3: nothing inferred
        ce.train_coder(corpus, a, codebook=book, coverage="documents")
    two = a[a.doc_id != "D3"]
    with pytest.warns(ce.CoverageWarning, match="infers which documents") as caught:
        ce.train_coder(corpus, two, codebook=book, coverage="documents")
    message = " ".join(str(w.message) for w in caught)
    assert "agreement" not in message
    assert "negative" in message and "'double_coded: {A: [D1, D2]}'" in message
    # cross-validation: training, and with two coders their comparison; agreement: its own
    with pytest.warns(ce.CoverageWarning, match="negative example") as caught:
        ce.cross_validate_coder(corpus, codings, codebook=book, coverage="documents")
    assert "compared with another only on the documents both" in str(caught[0].message)
    with pytest.warns(ce.CoverageWarning, match="agreement look better"):
        ce.agreement(codings, corpus=corpus, codes=book, coverage="documents", n_boot=0)
    with pytest.raises(ValueError, match="purpose must be one of"):
        ce.intercoder.rated_documents(a, corpus=corpus, coverage="all", purpose="train")


def test_coders_who_rated_no_document_in_common_are_not_measured(one_of_three):
    """A coded D2-D3, B coded D1: no turn both rated, so B against A is not measured (NaN,
    with the reason, and no interval), while the machines are scored against each."""
    corpus, book, codings = one_of_three
    apart = codings[(codings.coder == "B") | (codings.doc_id != "D1")]
    cv = ce.cross_validate_coder(corpus, apart, codebook=book,
                                 coverage={"A": ["D2", "D3"], "B": ["D1"]})
    for ref, other in (("A", "B"), ("B", "A")):
        row = _micro(cv, ref, other)
        assert np.isnan(row.f1) and row.support == 0
        assert row.note.startswith(f"not measured: {other} and {ref} rated no held-out")
        assert not np.isnan(_micro(cv, ref, "dictionary").f1)
    ci = cv.conf_int(n_boot=40).set_index(["reference", "coder", "measure"])
    assert ci.loc[("A", "B", "f1"), "n_boot"] == 0
    assert np.isnan(ci.loc[("A", "B", "f1"), "ci_low"])
    assert ci.loc[("A", "dictionary", "f1"), "n_documents"] == 2


@pytest.mark.parametrize("n_docs", [2, 3, 5, 11, 40, 250])
def test_inner_folds_are_at_most_a_fixed_number_and_never_split_a_document(n_docs):
    """The inner cross-validation costs a bounded number of fits however large the study:
    min(INNER_FOLDS, documents) folds, each holding out whole documents, every document held
    out exactly once; the folds depend only on the documents and their turns (no labels)."""
    from citra_eval.learning import INNER_FOLDS, _inner_folds

    rng = np.random.default_rng(n_docs)
    turns = rng.integers(1, 30, size=n_docs)  # documents of unequal length
    groups = np.repeat(np.array([f"D{i:03d}" for i in range(n_docs)], dtype=object), turns)
    folds = _inner_folds(groups)
    assert 2 <= INNER_FOLDS <= 10  # a small fixed number, documented in the module
    assert len(folds) == min(INNER_FOLDS, n_docs)
    held = np.concatenate(folds)
    assert sorted(held.tolist()) == sorted(set(groups.tolist()))  # each document once
    # a fold is a set of whole documents: the rows of a held-out document all go together
    for fold in folds:
        te = np.isin(groups, fold)
        assert set(groups[te].tolist()) == set(fold.tolist())
        assert not set(groups[~te].tolist()) & set(fold.tolist())
    assert all(len(f) for f in folds)
    again = _inner_folds(groups.copy())
    assert [f.tolist() for f in again] == [f.tolist() for f in folds]


def test_training_fits_a_bounded_number_of_models_per_code(example_corpus, example_codebook,
                                                          monkeypatch):
    """Per learned code and model: one fit per inner fold and one on every training turn,
    so training grows with the size of the fits, not with the number of documents."""
    from citra_eval import learning

    calls = []
    real = learning._logistic

    def counting(seed):
        model = real(seed)
        fit = model.fit

        def counted_fit(x, y, **kw):
            calls.append(x.shape[0])
            return fit(x, y, **kw)

        model.fit = counted_fit
        return model

    monkeypatch.setattr(learning, "_logistic", counting)
    a = ce.read_codings(ce.example_path("codings_A"))
    coder = ce.train_coder(example_corpus, a, codebook=example_codebook, seed=0,
                           progress=False)
    fitted = coder.thresholds["model"].isin(["learned", "stacked"]).sum()
    assert fitted > 0
    n_docs = len(coder.documents)
    assert n_docs > learning.INNER_FOLDS  # more documents than folds: the case under test
    assert len(calls) <= fitted * (learning.INNER_FOLDS + 1)
    assert len(calls) >= fitted  # every fitted model at least once, on all its turns


def test_training_progress_counts_every_fit_and_is_silent_otherwise(example_corpus,
                                                                   example_codebook, capsys):
    """progress=True: a bar on stderr over the fits that ends full (codes left to the
    dictionary count as done); progress=False and None (not a terminal) print nothing."""
    a = ce.read_codings(ce.example_path("codings_A"))
    corpus = example_corpus.subset(DOCS)
    a = a[a.doc_id.isin(DOCS)]
    ce.train_coder(corpus, a, codebook=example_codebook, seed=0, progress=False)
    ce.train_coder(corpus, a, codebook=example_codebook, seed=0)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    ce.train_coder(corpus, a, codebook=example_codebook, seed=0, progress=True)
    out = capsys.readouterr()
    assert out.out == ""
    done = re.findall(r"(\d+)/(\d+) \[", out.err.replace("\r", "\n"))
    assert done and done[-1][0] == done[-1][1]
    n_codes = len(example_codebook.codable_ids)
    assert int(done[-1][1]) % n_codes == 0 and int(done[-1][1]) > n_codes


@pytest.mark.slow
def test_cli_in_a_study_uses_double_coded_for_training_intervals_and_suggestions(cli,
                                                                                 tmp_path):
    """Inside a study, `code --learn-from` reads double_coded: an interview A read and
    found nothing in (INF04) is coded (not suggested), and B, who shares one interview with
    A, gets no interval ('F1 0.737 [0.737, 0.737]' was printed) but a note."""
    import shutil

    study = tmp_path / "study"
    docs = ["INF01", "INF02", "INF03", "INF04"]
    (study / "interview_transcripts").mkdir(parents=True)
    for d in docs:
        shutil.copy(ce.example_path("transcripts") / f"{d}.txt", study / "interview_transcripts")
    (study / "data" / "raw").mkdir(parents=True)
    shutil.copy(ce.example_path("codebook"), study / "data/raw/codebook.yaml")
    a = ce.read_codings(ce.example_path("codings_A"))
    b = ce.read_codings(ce.example_path("codings_B"))
    ce.write_codings(a[a.doc_id.isin(docs[:3])], study / "data/raw/codings_A.csv", replace_raw=True)
    ce.write_codings(b[b.doc_id == "INF01"], study / "data/raw/codings_B.csv", replace_raw=True)
    (study / "study.yaml").write_text(
        "title: t\nlang: id\ndouble_coded: {A: [INF01, INF02, INF03, INF04], B: [INF01]}\n",
        encoding="utf-8")
    r = cli("code", "--learn-from", "data/raw/codings_A.csv", "data/raw/codings_B.csv",
            "--out", "learned.csv", "--cross-validate", "cv.csv", "--suggest", "next.csv",
            cwd=study)
    assert r.returncode == 0, r.stderr
    assert "trained on 4 documents" in r.stderr
    assert re.search(r"B +vs A: P [\d.]+ +R [\d.]+ +F1 [\d.]+ \(no interval\) .*no interval: "
                     r"1 interview in common with A", r.stderr), r.stderr
    assert "wrote no turns to code next to next.csv (the note below says why)" in r.stderr
    assert "note: every document is coded (has codings, or a coder is declared to have read " \
           "it)" in r.stderr


@pytest.mark.parametrize("method", ["conf_int", "compare"])
def test_learned_coder_intervals_check_n_boot_as_every_interval_does(method):
    """Session 14: ``conf_int`` and ``compare`` had their own ``n_boot`` check (any n_boot
    >= 1), so 20 replicates gave a 95 % "interval" of the extreme replicates that
    ``krippendorff_alpha_details`` and ``citra-eval agree`` refuse. One check
    (``_validation.check_n_boot``), one message; 0 (no interval) is no option here."""
    cv = _validation([(f"D{i}", 3, 1, i) for i in range(5)])
    call = getattr(cv, method)
    args = ("m", "m") if method == "compare" else ()
    with pytest.raises(ValueError) as theirs:
        ce.krippendorff_alpha_details([[1, 1], [1, 2], [2, 2]], level="interval", n_boot=20)
    shared = str(theirs.value).split("; give ")[0]
    with pytest.raises(ValueError) as ours:
        call(*args, reference="A", n_boot=20) if args else call(n_boot=20)
    assert str(ours.value) == shared + "; give 2000 (the default)"
    assert "0 for no interval" not in str(ours.value)
    with pytest.raises(ValueError, match=r"^n_boot must be at least 1, got 0$"):
        call(*args, reference="A", n_boot=0) if args else call(n_boot=0)
    with pytest.raises(TypeError, match=r"^n_boot must be an integer, got float$"):
        call(*args, reference="A", n_boot=40.0) if args else call(n_boot=40.0)
    kwargs = {"reference": "A"} if args else {}
    assert len(call(*args, n_boot=40, **kwargs)) in (1, 3)


# --------------------------------------------------------------------------- addresses


def _handle_study() -> tuple[ce.Corpus, ce.Codebook, pd.DataFrame]:
    """Four chat transcripts of six informant turns; every turn that names the handle
    ``@pemkot_xyz`` (and a link or an e-mail address) is coded ``keluhan``, and no other
    turn is: the handle predicts the code perfectly in training."""
    words = ["jalan", "rusak", "lampu", "mati", "sampah", "numpuk", "air", "keruh", "macet",
             "parah", "banjir", "lagi", "antre", "lama", "parkir", "penuh"]
    texts, rows = {}, []
    for d in range(4):
        body = []
        for k in range(6):
            w = [words[(d * 5 + k * 3 + i) % len(words)] for i in range(4)]
            said = " ".join(w)
            if k % 2 == 0:
                said = f"@pemkot_xyz {said} https://t.co/Zq9vW lapor ke aduan@kotaxyz.go.id"
            body.append(f"P: Ada kabar lagi {k}? cc @dinas_qwv\nI: {said}\n")
        head = f"---\nid: D{d}\nspeakers: {{P: interviewer, I: informant}}\n---\n"
        texts[f"D{d}.txt"] = head + "".join(body)
    corpus = ce.Corpus.from_texts(texts)
    book = ce.Codebook.from_dict({"codebook": "t", "version": 1, "language": "id", "codes": [
        {"id": "keluhan", "label": {"id": "Keluhan"}, "patterns": ["rusak"]}]})
    for seg in corpus.segments[corpus.segments.role == "informant"].itertuples():
        if "@pemkot_xyz" in seg.text:
            rows.append((seg.doc_id, seg.segment_id, seg.start, seg.end, "keluhan", "A"))
    return corpus, book, pd.DataFrame(rows, columns=ce.CODING_COLUMNS)


def test_handles_links_and_addresses_are_no_features_of_the_learned_coder():
    """Before: the stems of ``@pemkot_xyz`` (*pemkot*, *xyz*), of a link (*https*, *t*,
    *co*) and of an e-mail address were words and character n-grams of the text model, so
    a coder learned a handle's name as evidence. Now they are blanked as the vocabulary
    tables blank them (``normalise.blank_addresses``), in the turn and in the question."""
    corpus, book, human = _handle_study()
    coder = ce.train_coder(corpus, human, codebook=book, seed=0)
    assert "keluhan" not in coder._unlearned  # the text model was fitted for the code
    names = coder._features.feature_names(with_dictionary=False)
    assert names
    for bad in ("xyz", "pemk", "qwv", "dinas", "https", "zq9", "aduan", "go id"):
        assert not [n for n in names if bad in n[1:]], bad
    for combine in ("both", "learned"):
        out = coder.code(corpus, combine=combine)
        evidence = " | ".join(out["evidence"])
        for bad in ("xyz", "pemkot", "qwv", "https", "aduan"):
            assert bad not in evidence, (combine, bad)


def test_suggest_turns_takes_the_dictionarys_negation_option():
    """Before: suggest_turns had no negation= (train_coder and autocode have it), so the
    coder it trained always read negation. Now negation= (and question_context=) reach
    the coder it trains; a coder passed must have been trained with the same options."""
    texts = {}
    for d in ("D1", "D2", "D3", "D4"):
        body = "".join(f"P: Bagaimana {d} {k}?\nI: {_TOPICS[k % 2][0]} Hari {k} di {d}.\n"
                       for k in range(4))
        if d == "D4":  # not coded yet: a negated hit of a code too rare to learn
            body += "P: Ada masalah?\nI: Tidak ada tarif tambahan.\n"
        texts[f"{d}.txt"] = f"---\nid: {d}\nspeakers: {{P: interviewer, I: informant}}\n---\n" \
            + body
    corpus = ce.Corpus.from_texts(texts)
    book = ce.Codebook.from_dict({"codebook": "t", "version": 1, "language": "id", "codes": [
        {"id": "keluhan", "label": {"id": "Keluhan"}, "patterns": ["keluhan"]},
        {"id": "informasi", "label": {"id": "Informasi"}, "patterns": ["informasi layanan"]},
        {"id": "tarif", "label": {"id": "Tarif"}, "patterns": ["tarif"]}]})
    turns = corpus.segments[(corpus.segments.role == "informant")
                            & (corpus.segments.doc_id != "D4")]
    human = pd.DataFrame(
        [(t.doc_id, t.segment_id, t.start, t.end,
          "keluhan" if t.text.startswith("Keluhan") else "informasi", "A")
         for t in turns.itertuples()], columns=ce.CODING_COLUMNS)
    proposed = {}
    for negation in (True, False):
        out = ce.suggest_turns(corpus, human, codebook=book, negation=negation)
        proposed[negation] = "; ".join(out["proposed"])
        coder = ce.train_coder(corpus, human, codebook=book, negation=negation)
        pd.testing.assert_frame_equal(
            out, ce.suggest_turns(corpus, human, codebook=book, negation=negation, coder=coder))
    # 'tarif' is never coded by the humans: the dictionary decides it, negated or not
    assert "tarif" not in proposed[True]
    assert "tarif" in proposed[False]
    coder = ce.train_coder(corpus, human, codebook=book, negation=False)
    with pytest.raises(ValueError, match=r"negation=True.*trained with negation=False"):
        ce.suggest_turns(corpus, human, codebook=book, coder=coder)
    with pytest.raises(TypeError, match="negation must be True or False"):
        ce.suggest_turns(corpus, human, codebook=book, negation="no")


@pytest.mark.parametrize("train", ["train_coder", "cross_validate_coder"])
def test_the_learned_coder_checks_codes_as_every_analysis_does(small, example_codebook, train):
    """Before: its own check named the unknown codes only ("no codable code for: ..."),
    without the row, a suggestion, or what to do with a category. Now the check of the
    analyses (check_codings_against with the codebook), as code_frequencies gives it."""
    corpus, a, _ = small
    typo = a.reset_index(drop=True)
    typo.loc[1, "code"] = "bamra"
    with pytest.raises(ce.InputError, match=r"row 1: .*'bamra' is not in the codebook \(did you "
                                            r"mean 'bamara'\?\)"):
        getattr(ce, train)(corpus, typo, codebook=example_codebook)
    category = a.reset_index(drop=True)
    category.loc[0, "code"] = "strategi"
    with pytest.raises(ce.InputError, match="'strategi' is a category"):
        getattr(ce, train)(corpus, category, codebook=example_codebook)
    empty = a.reset_index(drop=True)  # its own check refused an empty code: still refused
    empty.loc[2, "code"] = ""
    with pytest.raises(ce.InputError, match="'code' is empty; fill it in"):
        getattr(ce, train)(corpus, empty, codebook=example_codebook)


@pytest.mark.parametrize("train", ["train_coder", "cross_validate_coder", "suggest_turns"])
def test_learning_from_the_machines_own_codings_warns(one_of_three, train):
    """Student, repro 6: train_coder and cross_validate_coder learned from autocode()'s output
    (coder 'auto', filled score and evidence) without a word, while `code --learn-from`
    warned; now the library warns (the CLI prints the same signs, per file)."""
    corpus, book, human = one_of_three
    auto = ce.autocode(corpus, book)
    with pytest.warns(ce.MachineCodingsWarning,
                      match=r"codings look like an auto-coder's output \(a filled 'score' "
                            r"column; a filled 'evidence' column; the machine coder name\(s\) "
                            r"'auto'; coder\(s\) auto\)"):
        getattr(ce, train)(corpus, auto, codebook=book)
    assert issubclass(ce.MachineCodingsWarning, ce.LearningWarning)
    renamed = auto.assign(coder="SR")  # a machine's coder renamed: its scores still say so
    with pytest.warns(ce.MachineCodingsWarning, match=r"\(a filled 'score' column; a filled "
                                                     r"'evidence' column; coder\(s\) SR\)"):
        getattr(ce, train)(corpus, renamed, codebook=book)
    with warnings.catch_warnings():  # a person's codings: not a word
        warnings.simplefilter("error", ce.MachineCodingsWarning)
        getattr(ce, train)(corpus, human[human.coder == "A"], codebook=book)
        reviewed = auto.assign(coder="SR", score=np.nan, evidence="")
        getattr(ce, train)(corpus, reviewed, codebook=book)


def test_suggest_turns_says_why_it_suggests_nothing(one_of_three):
    """Student, repro 7: with every interview coded, suggest_turns returned an empty table
    without a word (the command said 'every interview is coded'); an uncoded interview
    without a turn of the coded roles was called 'no code could be learned'. Now a
    LearningWarning says which, and the command prints it as its note."""
    corpus, book, human = one_of_three
    a = human[human.coder == "A"]
    with pytest.warns(ce.LearningWarning, match=r"every document is coded \(has codings, or "
                                                r"a coder is declared to have read it\)"):
        out = ce.suggest_turns(corpus, a, codebook=book)
    assert out.empty and list(out.columns) == SUGGEST_COLUMNS
    b = human[human.coder == "B"]  # D1 coded; D2, D3 read by B, declared
    with pytest.warns(ce.LearningWarning, match="every document is coded"):
        ce.suggest_turns(corpus, pd.concat([a[a.doc_id != "D3"], b]), codebook=book,
                         coverage={"A": ["D1", "D2", "D3"], "B": ["D1"]})
    texts = {"F.txt": "---\nid: F\nspeakers: {M: moderator, X: peserta}\n---\n"
                      "M: Keluhan?\nX: Keluhan pasien dijawab.\n"}
    for d in corpus.doc_ids:
        turns = corpus.segments[corpus.segments.doc_id == d]
        texts[f"{d}.txt"] = ("---\nid: " + d + "\nspeakers: {P: interviewer, I: informant}\n"
                             "---\n" + "".join(f"{t.speaker}: {t.text}\n"
                                                for t in turns.itertuples()))
    both = ce.Corpus.from_texts(texts)
    with pytest.warns(ce.LearningWarning, match=r"no uncoded document \('F'\) has a turn of "
                                                r"the role\(s\) 'informant'"):
        out = ce.suggest_turns(both, a, codebook=book)
    assert out.empty
    with warnings.catch_warnings():  # an uncoded interview: suggestions, not a word
        warnings.simplefilter("error", ce.LearningWarning)
        assert len(ce.suggest_turns(corpus, a[a.doc_id != "D3"], codebook=book, n=2)) == 2


def test_train_coder_that_learns_nothing_says_so_and_its_codings_are_the_dictionarys(tmp_path):
    """Student, s18 repro 3: train_coder learned 0 of 2 codes without a word, and .code()
    labelled the dictionary's codings coder 'learned'."""
    _, corpus, human = _one_code_everywhere(tmp_path, 4)
    book = ce.Codebook.from_dict({"codebook": "x", "codes": [
        {"id": "harga", "label": "Harga", "patterns": ["harga"]},
        {"id": "positif", "label": "Positif"}]})
    with pytest.warns(ce.LearningWarning, match=r"no code could be learned .*dictionary"):
        coder = ce.train_coder(corpus, human, codebook=book)
    out = coder.code(corpus)
    assert list(out.columns) == [*ce.CODING_COLUMNS, "evidence", "note", "score"]
    assert len(out) and set(out["coder"]) == {"auto"}
    assert set(coder.code(corpus, coder="mine")["coder"]) == {"mine"}  # a name given is kept


def test_the_question_features_read_a_moderators_question_as_autocode_does():
    """Session 19: the turn before an answer is its question when its role is interviewer
    or any role not coded (a focus group's moderator), for the learned coder's question
    features as for autocode's question context."""
    from citra_eval.learning import _Featuriser

    cb = ce.Codebook.from_dict({"codes": [{"id": "k", "label": "K", "patterns": ["koperasi"]}]})
    corpus = ce.Corpus.from_texts({"F.txt": "---\nid: F\nspeakers: {M: moderator, "
                                   "P1: participant, P2: participant}\n---\n"
                                   "M: Bagaimana dengan koperasi?\nP1: Sudah lama bubar.\n"
                                   "P2: Betul itu.\n"})
    feats = _Featuriser(ce.autocoding.compile_codebook(cb), ("participant",), 0, codes=["k"])
    assert feats.units(corpus)["question"].tolist() == ["Bagaimana dengan koperasi?", ""]
