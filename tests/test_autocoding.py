"""Auto-coding: morphology, slang, overlaps, regexes, units, offsets, evaluation, CLI."""

from __future__ import annotations

import csv
import warnings

import pandas as pd
import pytest
from conftest import refdata_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval.autocoding import coder_scores
from citra_eval.matching import Matcher

CODEBOOK = {
    "codebook": "t", "language": "id",
    "slang": {"gercep": "cepat"},
    "no_stem": ["bamara"],
    "codes": [
        {"id": "strategi", "label": "Strategi", "codable": False, "children": [
            {"id": "kerja_sama", "label": "Kerja sama",
             "patterns": ["kerja sama", "mitra", {"regex": "\\bmou\\b"}]},
            {"id": "berita_cepat", "label": "Berita cepat",
             "patterns": ["cepat", "rilis berita", {"regex": "press ?release"}]},
            {"id": "bamara", "label": "Bamara",
             "patterns": [{"regex": "\\bbamara\\b|badapatan"}, "tatap muka"]},
            {"id": "media", "label": "Media", "patterns": ["media sosial", "berita"]},
            {"id": "tolak", "label": "Tolak", "patterns": ["tidak mau"]},
        ]},
    ],
}


def make_corpus(*informant_turns: str, interviewer: str = "Bagaimana menurut Bapak?"):
    body = "".join(f"P: {interviewer}\nI: {t}\n" for t in informant_turns)
    src = "---\nid: D1\ninformant: Kepala Humas\nspeakers: {P: interviewer, I: informant}\n---\n"
    return ce.Corpus.from_texts({"d1.txt": src + body})


@pytest.fixture(scope="module")
def cb():
    return ce.Codebook.from_dict(CODEBOOK)


@pytest.mark.parametrize("variant", ["kerja sama", "bekerja sama", "bekerjasama", "kerjasama",
                                     "dikerjasamakan", "Kerja Sama", "KERJASAMANYA"])
def test_morphology_variants_match(cb, variant):
    corpus = make_corpus(f"Kami {variant} dengan wartawan.")
    out = ce.autocode(corpus, cb)
    assert out["code"].tolist() == ["kerja_sama"]
    assert out["evidence"].iat[0] == variant


@pytest.mark.parametrize(("word", "piece"), [("infografis", "info"), ("sampaikan", "ikan"),
                                           ("setahun", "hun"), ("membuat", "mem")])
def test_a_one_word_pattern_lets_no_other_pattern_match_inside_its_word(word, piece):
    # "infografis" could be cut into the dictionary roots info + grafis; a pattern "info" of
    # another code must still not code a turn that only speaks of an infographic
    corpus = make_corpus(f"Saya {word} untuk warga.")
    book = ce.Codebook.from_dict({"codes": [{"id": "whole", "label": "W", "patterns": [word]},
                                            {"id": "piece", "label": "P", "patterns": [piece]}]})
    assert ce.autocode(corpus, book)["code"].tolist() == ["whole"]
    assert set(ce.match_patterns(corpus, book)["pattern"]) == {word}


@pytest.mark.parametrize(("text", "code"), [
    ("Prinsipnya secepatnya.", "berita_cepat"), ("Kecepatan itu penting.", "berita_cepat"),
    ("Kami mempercepat semua.", "berita_cepat"), ("Humas gercep.", "berita_cepat"),
    ("Kami bermitra.", "kerja_sama"), ("Info di medsos.", "media"),
    ("Ulun kada mau.", "tolak"), ("Warga nggak mau.", "tolak"),
])
def test_slang_banjarese_and_affixes(cb, text, code):
    out = ce.autocode(make_corpus(text), cb)
    assert code in set(out["code"])


def test_no_hit_inside_other_words_or_across_sentences(cb):
    # 'mitral' is not an affix form of 'mitra'; a sentence end separates 'Kerja' and 'Sama'
    out = ce.autocode(make_corpus("Katup mitral rusak. Kerja. Sama-sama."), cb)
    assert out.empty


def test_overlapping_hits_of_different_codes_are_all_reported(cb):
    corpus = make_corpus("Kami rilis berita secepatnya di media sosial.")
    hits = ce.match_patterns(corpus, cb)
    got = set(zip(hits["code"], hits["pattern"], hits["matched_text"], strict=True))
    assert ("berita_cepat", "rilis berita", "rilis berita") in got
    assert ("media", "berita", "berita") in got  # inside the other code's phrase
    assert ("berita_cepat", "cepat", "secepatnya") in got
    assert ("media", "media sosial", "media sosial") in got
    out = ce.autocode(corpus, cb)
    assert set(out["code"]) == {"berita_cepat", "media"}


def test_regex_patterns_run_on_case_folded_text(cb):
    corpus = make_corpus("Ada MoU baru. Acara BAMARA dan Press Release-nya.")
    hits = ce.match_patterns(corpus, cb)
    regex = hits[hits["kind"] == "regex"]
    assert sorted(regex["matched_text"]) == ["BAMARA", "MoU", "Press Release"]
    text = corpus.text("D1")
    assert all(text[s:e] == m for s, e, m in
               zip(hits["start"], hits["end"], hits["matched_text"], strict=True))


def test_offsets_survive_characters_whose_case_folding_changes_length(cb):
    corpus = make_corpus("İİİ Straße ß İ — kerja sama dan MOU İ.")
    hits = ce.match_patterns(corpus, cb)
    text = corpus.text("D1")
    assert sorted(hits["matched_text"]) == ["MOU", "kerja sama"]
    for s, e, m in zip(hits["start"], hits["end"], hits["matched_text"], strict=True):
        assert text[s:e] == m


def test_turn_unit_one_row_per_segment_and_code(cb):
    corpus = make_corpus("Kerja sama, bermitra, MoU. Lalu rilis cepat.", "Tidak ada.")
    out = ce.autocode(corpus, cb)
    assert list(out.columns) == ["doc_id", "segment_id", "start", "end", "code", "coder",
                                 "evidence", "note", "score"]
    assert out["code"].tolist() == ["kerja_sama", "berita_cepat"]
    seg = corpus.segments.set_index("segment_id").loc[2]
    assert (out["start"] == seg["start"]).all() and (out["end"] == seg["end"]).all()
    assert out["evidence"].iat[0] == "Kerja sama | bermitra | MoU"
    assert out["coder"].eq("auto").all()
    assert "regex:\\bmou\\b" in out["note"].iat[0]


def test_sentence_unit_spans_the_sentence(cb):
    corpus = make_corpus("Pertama soal lain. Kami bermitra dengan media. Terakhir cepat!")
    out = ce.autocode(corpus, cb, unit="sentence")
    text = corpus.text("D1")
    spans = {c: text[s:e] for c, s, e in zip(out["code"], out["start"], out["end"], strict=True)}
    assert spans == {"kerja_sama": "Kami bermitra dengan media.",
                     "berita_cepat": "Terakhir cepat!"}


def test_interviewer_turns_only_on_request(cb):
    corpus = make_corpus("Tidak ada.", interviewer="Soal kerja sama?")
    assert ce.autocode(corpus, cb).empty
    both = ce.autocode(corpus, cb, roles=("informant", "interviewer"))
    assert both["segment_id"].tolist() == [1]
    assert ce.autocode(corpus, cb, roles=None)["segment_id"].tolist() == [1]


def test_bad_arguments(cb):
    corpus = make_corpus("x")
    with pytest.raises(ValueError, match="unit"):
        ce.autocode(corpus, cb, unit="paragraph")
    with pytest.raises(TypeError, match="corpus"):
        ce.autocode("not a corpus", cb)
    with pytest.raises(ValueError, match="regex"):
        Matcher.from_patterns([("a", "(", "regex")])


WORDS = ["kerja", "sama", "bekerjasama", "mitra", "MoU", "cepat", "gercep", "medsos", "İ",
         "Straße", "😀", "berita", "rilis", "tatap", "muka", "nggak", "mau", "x"]


@st.composite
def transcripts(draw):
    turns = draw(st.lists(st.lists(st.tuples(st.sampled_from(WORDS),
                                             st.sampled_from([" ", ", ", ". ", "!\n", " -"])),
                                   min_size=1, max_size=25), min_size=1, max_size=6))
    body = ""
    for i, turn in enumerate(turns):
        label = "I" if i % 2 == 0 else "P"
        body += f"{label}: " + "".join(w + sep for w, sep in turn).strip() + "\n"
    return body


@pytest.mark.slow
@given(transcripts())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_coding_lies_inside_its_segment_with_its_evidence(body):
    cb = ce.Codebook.from_dict(CODEBOOK)
    src = "---\nid: D1\nspeakers: {P: interviewer, I: informant}\n---\n" + body
    corpus = ce.Corpus.from_texts({"d.txt": src})
    text = corpus.text("D1")
    seg = corpus.segments.set_index("segment_id")
    for unit in ("turn", "sentence"):
        out = ce.autocode(corpus, cb, unit=unit, roles=None)
        for row in out.itertuples(index=False):
            s0, s1 = seg.loc[row.segment_id, ["start", "end"]]
            assert s0 <= row.start < row.end <= s1
            span = text[row.start:row.end]
            for item in row.evidence.split(" | "):
                if not item.startswith("question: "):
                    assert item in span
    hits = ce.match_patterns(corpus, cb, roles=None)
    for row in hits.itertuples(index=False):
        assert text[row.start:row.end] == row.matched_text


def test_autocode_report(cb):
    corpus = make_corpus("Kami bermitra.", "Tidak ada apa-apa.")
    codings = ce.autocode(corpus, cb)
    rep = ce.autocode_report(codings, corpus=corpus, codebook=cb)
    counts = rep.counts.set_index("code")
    assert counts.loc["kerja_sama", "n_codings"] == 1
    assert counts.loc["bamara", "n_codings"] == 0
    never = set(zip(rep.never_matched["code"], rep.never_matched["pattern"], strict=True))
    assert ("kerja_sama", "mitra") not in never
    assert ("kerja_sama", "kerja sama") in never
    assert rep.uncoded["segment_id"].tolist() == [4]


def test_robust_on_real_reviews_with_emoji():
    """A few hundred real SmSA reviews (and EmoT tweets with emoji) as informant turns."""
    reviews = []
    with open(refdata_path("indonesian-text", "smsa-reviews.tsv"), encoding="utf-8") as fh:
        for _, line in zip(range(300), fh, strict=False):
            reviews.append(line.split("\t")[0].replace("\n", " "))
    with open(refdata_path("indonesian-text", "emot-tweets.csv"), encoding="utf-8",
              newline="") as fh:
        for _, row in zip(range(200), csv.DictReader(fh), strict=False):
            reviews.append(" ".join(row["tweet"].split()) + " 😀🙏")
    body = "".join(f"I: {r}\n" for r in reviews if r.strip())
    corpus = ce.Corpus.from_texts({"r.txt": "---\nid: R\nspeakers: {I: informant}\n---\n" + body})
    cb = ce.Codebook.from_dict({"codes": [
        {"id": "makanan", "label": "Makanan", "patterns": ["makan", "enak", "menu"]},
        {"id": "harga", "label": "Harga", "patterns": ["harga", "murah", "mahal"]},
        {"id": "negatif", "label": "Negatif", "patterns": ["tidak enak", "kecewa",
                                                           {"regex": "\\bjelek\\b"}]}]})
    out = ce.autocode(corpus, cb)
    assert len(out) > 50
    hits = ce.match_patterns(corpus, cb)
    text = corpus.text("R")
    assert all(text[s:e] == m for s, e, m in
               zip(hits["start"], hits["end"], hits["matched_text"], strict=True))
    # slang on real text: 'gak enak' / 'ga enak' count as 'tidak enak'
    neg = hits[hits["pattern"] == "tidak enak"]["matched_text"].str.lower()
    assert neg.str.contains("enak").all()


# --------------------------------------------------------------------------- evaluate_coder


def _table(rows, coder, corpus):
    """Codings of ``D1``'s whole segments: ``rows`` of (segment_id, code)."""
    seg = corpus.segments.set_index("segment_id")
    return pd.DataFrame([("D1", s, int(seg.at[s, "start"]), int(seg.at[s, "end"]), c, coder)
                         for s, c in rows], columns=ce.CODING_COLUMNS)


def test_evaluate_coder_hand_computed():
    corpus = make_corpus("a", "b", "c", "d")  # informant segments 2, 4, 6, 8
    auto = _table([(2, "x"), (4, "x"), (6, "x"), (2, "y"), (8, "z"), (1, "x")], "auto", corpus)
    ref = _table([(2, "x"), (6, "x"), (8, "x"), (4, "y"), (8, "z"), (8, "z")], "A", corpus)
    ev = ce.evaluate_coder(auto, reference=ref, corpus=corpus).set_index("code")
    # x: pred {2,4,6} (segment 1 is the interviewer's), ref {2,6,8} -> tp 2, fp 1, fn 1
    assert ev.loc["x", ["tp", "fp", "fn", "support"]].tolist() == [2, 1, 1, 3]
    assert ev.loc["x", "precision"] == pytest.approx(2 / 3)
    assert ev.loc["x", "f1"] == pytest.approx(2 / 3)
    # y: pred {2}, ref {4} -> 0, 1, 1
    assert ev.loc["y", ["tp", "fp", "fn"]].tolist() == [0, 1, 1]
    assert ev.loc["y", "precision"] == 0 and ev.loc["y", "f1"] == 0
    # z: duplicates in the reference count once -> 1, 0, 0
    assert ev.loc["z", ["tp", "fp", "fn", "support"]].tolist() == [1, 0, 0, 1]
    # micro: tp 3, fp 2, fn 2
    assert ev.loc["micro", "precision"] == pytest.approx(3 / 5)
    assert ev.loc["micro", "recall"] == pytest.approx(3 / 5)
    # macro: mean of per-code values
    assert ev.loc["macro", "precision"] == pytest.approx((2 / 3 + 0 + 1) / 3)
    assert ev.loc["macro", "recall"] == pytest.approx((2 / 3 + 0 + 1) / 3)
    with_int = ce.evaluate_coder(auto, reference=ref, corpus=corpus, roles=None)
    assert with_int.set_index("code").loc["x", "fp"] == 2


def test_evaluate_coder_undefined_precision_is_nan_and_zero_in_macro():
    corpus = make_corpus("a", "b")
    auto = _table([(2, "x")], "auto", corpus)
    ref = _table([(2, "x"), (4, "y")], "A", corpus)
    ev = ce.evaluate_coder(auto, reference=ref, corpus=corpus).set_index("code")
    assert pd.isna(ev.loc["y", "precision"]) and ev.loc["y", "recall"] == 0
    assert ev.loc["macro", "precision"] == pytest.approx(0.5)


def test_evaluate_coder_refuses_several_reference_coders():
    corpus = make_corpus("a")
    both = pd.concat([_table([(2, "x")], "A", corpus), _table([(2, "x")], "B", corpus)])
    with pytest.raises(ValueError, match="several coders"):
        ce.evaluate_coder(_table([(2, "x")], "auto", corpus), reference=both, corpus=corpus)


def _interviews(n):
    """``n`` interviews W1..Wn, each an interviewer question and an informant answer with
    one hit of ``media``; the corpus, its dictionary codings and its turns by doc id."""
    texts = {f"W{i}.txt": f"---\nid: W{i}\nspeakers: {{P: interviewer, I: informant}}\n---\n"
             "P: Promosinya lewat apa?\nI: Lewat media sosial tiap hari.\n"
             for i in range(1, n + 1)}
    corpus = ce.Corpus.from_texts(texts)
    return corpus, corpus.segments[corpus.segments["role"] == "informant"]


def test_evaluate_coder_warns_when_the_reference_has_not_coded_some_interviews(cb):
    corpus, answers = _interviews(5)
    auto = ce.autocode(corpus, cb)
    hand = answers[answers["doc_id"].isin(["W1", "W2"])].assign(code="media", coder="RA")[
        ce.CODING_COLUMNS]
    with pytest.warns(ce.CoverageWarning,
                      match=r"3 of 5 .*W3, W4, W5.*coded_documents\(reference"):
        ev = ce.evaluate_coder(auto, reference=hand, corpus=corpus).set_index("code")
    # the numbers do not change: the auto-coder's codings in W3-W5 stay false positives
    assert ev.loc["micro", ["tp", "fp", "fn"]].tolist() == [2, 3, 0]
    # the fix the warning names: only the coded interviews count, and nothing is warned
    coded = corpus.subset(ce.coded_documents(hand, corpus=corpus))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        ev = ce.evaluate_coder(auto, reference=hand, corpus=coded).set_index("code")
        assert ev.loc["micro", ["tp", "fp", "fn"]].tolist() == [2, 0, 0]
        # every interview coded, or an empty reference: silent
        everyone = answers.assign(code="media", coder="RA")[ce.CODING_COLUMNS]
        ce.evaluate_coder(auto, reference=everyone, corpus=corpus)
        ce.evaluate_coder(auto, reference=hand.iloc[:0], corpus=corpus)
        # the per-fold scores of the cross-validation (one document at a time) stay silent
        coder_scores(auto, reference=hand, corpus=corpus, roles=("informant",), codes=None)


def test_evaluate_coder_leaves_out_only_the_documents_a_subset_left_out(cb):
    """Session 19 review: evaluate_coder left out the rows of documents outside the corpus
    "unless no row is in it", so a misspelt doc id among good rows was silently not scored
    (every other analysis refuses it), while an auto-coder with no coding in the coded
    subset was refused. Now one rule: rows of documents that ``corpus.subset(...)`` left
    out are not scored, whether some rows remain or none; a document the corpus never had
    is an InputError, as everywhere."""
    corpus, answers = _interviews(4)
    auto = ce.autocode(corpus, cb)
    hand = answers[answers["doc_id"].isin(["W1", "W2"])].assign(code="media", coder="RA")[
        ce.CODING_COLUMNS]
    # a misspelt document among good rows, the full corpus: refused, not quietly unscored
    typo = pd.concat([hand, hand.iloc[:1].assign(doc_id="W01")], ignore_index=True)
    with pytest.raises(ce.InputError, match=r"reference refer.* not in the corpus: W01"):
        ce.evaluate_coder(auto, reference=typo, corpus=corpus)
    # the coded subset: the auto-coder's rows elsewhere are left out, even when all are
    coded = corpus.subset(["W1", "W2"])
    elsewhere = auto[auto["doc_id"].isin(["W3", "W4"])]
    ev = ce.evaluate_coder(elsewhere, reference=hand, corpus=coded).set_index("code")
    assert ev.loc["micro", ["tp", "fp", "fn"]].tolist() == [0, 0, 2]
    # a subset of a subset keeps what the first corpus had
    ev = ce.evaluate_coder(elsewhere, reference=hand[hand.doc_id == "W1"],
                           corpus=coded.subset(["W1"])).set_index("code")
    assert ev.loc["micro", ["tp", "fp", "fn"]].tolist() == [0, 0, 1]
    # a document the corpus it was taken from never had: refused there too
    with pytest.raises(ce.InputError, match=r"codings refer.* not in the corpus: W01"):
        ce.evaluate_coder(pd.concat([auto, typo.tail(1)], ignore_index=True),
                          reference=hand, corpus=coded)


# --------------------------------------------------------------------------- example study


def test_example_study_autocode_and_evaluation(example_corpus, example_codebook):
    auto = ce.autocode(example_corpus, example_codebook)
    assert len(auto) > 100 and auto["evidence"].notna().all()
    ce.validate_codings(auto, corpus=example_corpus, codebook=example_codebook)
    a = ce.read_codings(ce.example_path("codings_A"), corpus=example_corpus)
    ev = ce.evaluate_coder(auto, reference=a, corpus=example_corpus).set_index("code")
    assert 0 < ev.loc["micro", "f1"] < 1
    assert ev.loc["micro", "tp"] + ev.loc["micro", "fn"] == ev.loc["micro", "support"]


# --------------------------------------------------------------------------- CLI


@pytest.mark.slow
def test_cli_code_writes_codings_and_summary(cli, tmp_path):
    out = tmp_path / "auto.csv"
    r = cli("code", "--transcripts", "interview_transcripts", "--codebook",
            "data/raw/codebook.yaml", "--out", str(out), "--unit", "sentence")
    assert r.returncode == 0, r.stderr
    assert "never matched" in r.stderr and "kerja_sama" in r.stderr
    codings = ce.read_codings(out, corpus=ce.read_transcripts("interview_transcripts"))
    assert codings["coder"].eq("auto").all() and len(codings) > 100
    assert codings["text"].notna().all()  # the coded characters, checked by the read


def test_cli_code_bad_input_exit_2_nothing_written(cli, tmp_path):
    bad = tmp_path / "cb.yaml"
    bad.write_text("codebook: x\ncodes:\n  - id: Bad-Id\n", encoding="utf-8")
    out = tmp_path / "auto.csv"
    r = cli("code", "--transcripts", "interview_transcripts", "--codebook", str(bad),
            "--out", str(out))
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    assert not out.exists()


def test_stemming_prefilter_changes_nothing_on_real_text(monkeypatch):
    """The matcher skips PySastrawi for tokens that cannot stem to a pattern stem; the hits
    must be exactly those of stemming every token (real SmSA reviews, patterns made of
    frequent stems, affixed and not)."""
    lines = []
    with open(refdata_path("indonesian-text", "smsa-reviews.tsv"), encoding="utf-8") as fh:
        for _, line in zip(range(1500), fh, strict=False):
            lines.append(line.split("\t")[0])
    body = "".join(f"I: {t}\n" for t in lines if t.strip())
    corpus = ce.Corpus.from_texts({"r.txt": "---\nid: R\nspeakers: {I: informant}\n---\n" + body})
    patterns = ["makan", "enak", "pelayanan", "harga", "tempat", "rasa", "pesan", "kecewa",
                "nyaman", "bersih", "menunggu lama", "sangat", "tidak suka", "layan", "suasana",
                "parkir", "minum", "kerja sama", "pulang", "baik", "coba", "dapat", "jual"]
    cb = ce.Codebook.from_dict({"codes": [{"id": f"c{i}", "label": p, "patterns": [p]}
                                          for i, p in enumerate(patterns)]})
    fast = ce.match_patterns(corpus, Matcher.from_codebook(cb))
    monkeypatch.setattr(Matcher, "_candidates", lambda self, uniques: [True] * len(uniques))
    full = ce.match_patterns(corpus, Matcher.from_codebook(cb))
    assert len(fast) > 1000
    pd.testing.assert_frame_equal(fast, full)


def test_explain_links_every_auto_coding_to_its_hits(example_corpus, example_codebook):
    auto = ce.autocode(example_corpus, example_codebook, unit="sentence")
    why = ce.explain(auto, corpus=example_corpus, codebook=example_codebook)
    per_coding = why.groupby(["doc_id", "segment_id", "start", "code"]).size()
    assert len(per_coding) == len(auto)  # every coding is explained by at least one hit
    direct = why[why["kind"] != "question"]
    assert ((direct["hit_start"] >= direct["start"]) & (direct["hit_end"] <= direct["end"])).all()
    for row in why.head(50).itertuples(index=False):
        assert example_corpus.text(row.doc_id)[row.hit_start:row.hit_end] == row.matched_text
    human = ce.read_codings(ce.example_path("codings_A"))
    assert len(ce.explain(human, corpus=example_corpus, codebook=example_codebook)) < 3 * len(
        human)


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from citra_eval._progress import progress_bar

    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert progress_bar(10**9, None, desc="x") is None
    assert progress_bar(10**9, False, desc="x") is None
    bar = progress_bar(10, True, desc="x")
    assert bar is not None
    bar.close()


def test_cli_code_rejects_non_csv_output(cli, tmp_path):
    out = tmp_path / "auto.xlsx"
    r = cli("code", "--transcripts", "interview_transcripts", "--codebook",
            "data/raw/codebook.yaml", "--out", str(out))
    assert r.returncode == 2 and ".csv" in r.stderr and not out.exists()


@pytest.mark.parametrize("fn", [ce.autocode_report, ce.explain])
def test_report_functions_need_a_codings_frame(fn, example_corpus, example_codebook):
    with pytest.raises(TypeError, match=r"codings must be a codings table \(a pandas "
                                        r"DataFrame\), got str; read the file first"):
        fn("codings.csv", corpus=example_corpus, codebook=example_codebook)


def qa_corpus(*pairs: tuple[str, str]) -> ce.Corpus:
    body = "".join(f"P: {q}\nI: {a}\n" for q, a in pairs)
    return ce.Corpus.from_texts({"d.txt": "---\nid: D1\nspeakers: {P: interviewer, "
                                 "I: informant}\n---\n" + body})


def test_question_context_carries_the_questions_code_to_the_answer(cb):
    corpus = qa_corpus(("Bagaimana dengan Bamara?", "Itu bagus sekali, warga senang datang."))
    out = ce.autocode(corpus, cb)
    assert out[["segment_id", "code", "evidence", "score"]].values.tolist() == [
        [2, "bamara", "question: Bamara", 0.5]]
    assert out["note"].iat[0] == "question: \\bbamara\\b|badapatan"
    assert ce.autocode(corpus, cb, question_context=False).empty
    why = ce.explain(out, corpus=corpus, codebook=cb)
    assert why["kind"].tolist() == ["question"]
    assert corpus.text("D1")[why["hit_start"].iat[0]:why["hit_end"].iat[0]] == "Bamara"


@pytest.mark.parametrize("answer", [
    "Tidak, saya belum pernah datang.",   # the answer declines the topic
    "Belum pernah, Pak.",
    "Ya betul.",                          # too short to continue a topic
])
def test_question_context_needs_an_answer_that_continues_the_topic(cb, answer):
    assert ce.autocode(qa_corpus(("Pernah ikut Bamara?", answer)), cb).empty


def test_question_context_only_for_the_turn_right_after_the_question(cb):
    src = ("---\nid: D1\nspeakers: {P: interviewer, I: informant}\n---\n"
           "P: Bagaimana dengan Bamara?\nI: Itu bagus sekali, warga senang.\n"
           "I: Lalu kami pulang ke kantor masing-masing.\n")
    out = ce.autocode(ce.Corpus.from_texts({"d.txt": src}), cb)
    assert out["segment_id"].tolist() == [2]


def test_question_context_ignores_negated_question_hits(cb):
    corpus = qa_corpus(("Kalau tidak ada Bamara, bagaimana?", "Warga akan susah menyampaikan."))
    assert ce.autocode(corpus, cb).empty


def test_a_direct_hit_keeps_score_one_and_adds_the_question(cb):
    corpus = qa_corpus(("Soal Bamara?", "Bamara itu penting, kami bermitra dengan warga."))
    out = ce.autocode(corpus, cb).set_index("code")
    assert out.loc["bamara", "evidence"] == "Bamara | question: Bamara"
    assert out.loc["bamara", "score"] == 1.0 and out.loc["kerja_sama", "score"] == 1.0


def test_sentence_unit_carries_the_question_to_the_first_sentence(cb):
    corpus = qa_corpus(("Bagaimana dengan Bamara?", "Itu bagus sekali. Warga senang datang."))
    out = ce.autocode(corpus, cb, unit="sentence")
    assert [corpus.text("D1")[s:e] for s, e in zip(out["start"], out["end"], strict=True)] == [
        "Itu bagus sekali."]


@pytest.mark.parametrize(("lang", "question", "answer", "plain", "pattern", "exclude"), [
    ("en", "What about CSR?", "We don't really do CSR, that is not our mandate.",
     "We fund two schools every year.", "csr", "don't really do csr"),
    ("id", "Bagaimana kerja sama dengan media?",
     "Oh itu maksudnya kerja sama tim di kantor kami saja.",
     "Kami rutin mengundang wartawan ke kantor.", "kerja sama", "kerja sama tim"),
])
@pytest.mark.parametrize("unit", ["turn", "sentence"])
def test_an_exclude_pattern_in_the_answer_stops_the_questions_code(lang, question, answer,
                                                                    plain, pattern, exclude,
                                                                    unit):
    """An answer whose own hit an exclude pattern suppressed was still coded from the
    question (evidence 'question: ...', score 0.5): the exclude rule now holds for the answer
    whatever the source of the code; an answer without the exclude keeps the question's."""
    book = ce.Codebook.from_dict({"language": lang, "codes": [
        {"id": "c", "label": "C", "patterns": [pattern], "exclude_patterns": [exclude]}]})
    corpus = qa_corpus((question, answer), (question, plain))
    out = ce.autocode(corpus, book, unit=unit)
    assert out[["segment_id", "score"]].values.tolist() == [[4, 0.5]]
    assert ce.question_hits(corpus, book)["segment_id"].tolist() == [4]
    reused = ce.question_hits(corpus, book, hits=ce.match_patterns(corpus, book, roles=None))
    assert reused["segment_id"].tolist() == [4]


def test_sentence_unit_keeps_the_start_of_a_sentence_with_an_abbreviation():
    book = ce.Codebook.from_dict({"language": "en", "codes": [
        {"id": "c", "label": "C", "patterns": ["public apology", "rilis"]}]})
    corpus = qa_corpus(("What happened?", "Our CEO Dr. Lim issued a public apology within "
                        "hours. Then Bpk. Ahmad dll. menyiapkan rilis. Selesai."))
    out = ce.autocode(corpus, book, unit="sentence", question_context=False)
    assert [corpus.text("D1")[s:e] for s, e in zip(out["start"], out["end"], strict=True)] == [
        "Our CEO Dr. Lim issued a public apology within hours.",
        "Then Bpk. Ahmad dll. menyiapkan rilis."]


def test_negation_on_constructed_turns(cb):
    corpus = make_corpus("Ulun kada pernah ikut Bamara.", "Kami kada mau, tapi bermitra itu perlu.")
    out = ce.autocode(corpus, cb)
    assert out[["segment_id", "code"]].values.tolist() == [[4, "kerja_sama"], [4, "tolak"]]


def test_autocode_report_counts_a_pattern_found_only_in_the_question_as_matched(cb):
    """A pattern whose code the question carried to the answer did match (the CLI's list of
    silent patterns used to name it); without question context it is silent again."""
    corpus = make_corpus("Itu bagus sekali, warga senang.",
                         interviewer="Bagaimana dengan Bamara?")

    def silent(**kw):
        rep = ce.autocode_report(ce.autocode(corpus, cb, **kw), corpus=corpus, codebook=cb)
        return set(rep.never_matched.loc[rep.never_matched["code"] == "bamara", "pattern"])

    patterns = {p.text for p in cb["bamara"].patterns}
    assert len(patterns) > 1
    with_question = silent()
    assert with_question and with_question < patterns
    assert silent(question_context=False) == patterns


def test_autocode_report_counts_negated_hits_and_accepts_a_matcher(cb):
    corpus = make_corpus("Ulun kada pernah ikut Bamara.", "Kami bermitra.")
    m = Matcher.from_codebook(cb)
    rep = ce.autocode_report(ce.autocode(corpus, m), corpus=corpus, codebook=m)
    assert isinstance(rep, ce.AutocodeReport)
    counts = rep.counts.set_index("code")
    assert counts.loc["bamara", ["n_codings", "n_hits", "n_negated"]].tolist() == [0, 0, 1]
    assert counts.loc["kerja_sama", "label"] == "Kerja sama"
    assert list(rep.never_matched.columns) == ["code", "pattern", "kind", "rule"]
    assert rep.uncoded["segment_id"].tolist() == [2]


def test_question_hits_reuse_hits_that_cover_the_questions(cb):
    corpus = qa_corpus(("Bagaimana dengan Bamara?", "Itu bagus sekali, warga senang."),
                       ("Kerja sama dengan media?", "Tidak, kami belum punya."))
    fresh = ce.question_hits(corpus, cb)
    reused = ce.question_hits(corpus, cb, hits=ce.match_patterns(corpus, cb, roles=None))
    pd.testing.assert_frame_equal(fresh, reused)
    assert fresh["code"].tolist() == ["bamara"]


def test_answers_continue_the_topic_as_the_plain_rule_says():
    """Which answers a question's codes are handed to (at least MIN_ANSWER_WORDS words, the
    first no negation word), decided for all answers at once: the same as a plain loop over
    each answer's tokens, on real reviews and tweets and on constructed answers."""
    from conftest import real_texts

    from citra_eval.autocoding import MIN_ANSWER_WORDS, _continues_topic
    from citra_eval.normalise import tokenize

    matcher = Matcher.from_codebook(ce.Codebook.load(ce.example_path("codebook")))
    negators, not_only = matcher.negation_words, matcher.not_only_words
    texts = [" ".join(t.split()) for t in real_texts(reviews=True)[:3000]]
    texts += ["Tidak, saya sibuk.", "Belum pernah ikut.", "Nggak tahu juga", "Ya.", "",
              "😀 😀", "Kada, ulun sibuk haja", "Bagus sekali itu", "16.00 tadi rilis",
              "tidak", "Tidak hanya itu saja", "Nggak cuma itu", "tidak hanya"]
    want = []
    for text in texts:
        words = [t.text for t in tokenize(text)]
        want.append(len(words) >= MIN_ANSWER_WORDS and (
            words[0] not in negators or words[1] in not_only))
    got = _continues_topic(texts, negators, not_only)
    assert got.tolist() == want
    assert 100 < sum(want) < len(texts) and not all(want[-13:-3]) and all(want[-3:-1])


def test_question_context_decided_in_chunks_is_the_same(monkeypatch):
    """The answers are tokenised in chunks of whole turns (bounded memory): with chunks of a
    few answers, the same question hits as in one chunk."""
    from citra_eval import autocoding

    answers = ["Itu bagus sekali, warga senang.", "Tidak, saya sibuk.", "Ya.",
               "Belum pernah ikut Bamara.", "Warga ramai datang ke sana."]
    body = "".join(f"P: Bagaimana dengan Bamara?\nI: {answers[(i * 7) % 5]}\n"
                   for i in range(40))
    corpus = ce.Corpus.from_texts({"x.txt": "---\nid: D1\nspeakers: {P: interviewer, "
                                   "I: informant}\n---\n" + body})
    book = ce.Codebook.from_dict({"codes": [
        {"id": "bamara", "label": "Bamara", "patterns": [{"regex": "bamara"}]}]})
    whole = autocoding.question_hits(corpus, book)
    monkeypatch.setattr(autocoding, "CHUNK_CHARS", 60)
    chunked = autocoding.question_hits(corpus, book)
    pd.testing.assert_frame_equal(chunked, whole)
    assert len(whole) == 16  # the two answers in five that continue the topic


def test_autocode_report_labels_follow_lang():
    """Notebook 07 passes the study's lang: the counts' labels were always the codebook's."""
    study = ce.example_study()
    cb, corpus = study.codebook, study.corpus
    auto = ce.autocode(corpus, cb)
    en = ce.autocode_report(auto, corpus=corpus, codebook=cb, lang="en").counts
    default = ce.autocode_report(auto, corpus=corpus, codebook=cb).counts
    assert en["label"].tolist() == [cb.label(c, "en") for c in en["code"]]
    assert default["label"].tolist() == [cb.label(c, "id") for c in default["code"]]
    assert en["label"].tolist() != default["label"].tolist()
    with pytest.raises(ValueError, match="lang"):
        ce.autocode_report(auto, corpus=corpus, codebook=cb, lang="fr")


# --------------------------------------------------------------------------- the boundary


@pytest.mark.parametrize("call", [
    lambda c, b: ce.autocode(c, b, roles=["informan"]),
    lambda c, b: ce.match_patterns(c, b, roles=["informan"]),
    lambda c, b: ce.question_hits(c, b, roles=["informan"]),
    lambda c, b: ce.explain(ce.autocode(c, b), corpus=c, codebook=b, roles=["informan"]),
    lambda c, b: ce.autocode_report(ce.autocode(c, b), corpus=c, codebook=b,
                                    roles=["informan"]),
    lambda c, b: ce.evaluate_coder(ce.autocode(c, b), reference=ce.autocode(c, b), corpus=c,
                                   roles=["informant", "informan"]),
])
def test_a_role_no_turn_has_is_refused_not_an_empty_table(call, example_corpus,
                                                           example_codebook):
    """As ce.agreement does: a typo in roles= selected no turn and gave an empty table."""
    with pytest.raises(ce.InputError, match=r"roles names role\(s\) 'informan' that no "
                                            r"segment of the corpus has.*did you mean "
                                            r"'informant'"):
        call(example_corpus, example_codebook)


def test_tables_lacking_columns_name_the_argument_and_the_expected_table(example_corpus,
                                                                         example_codebook):
    auto = ce.autocode(example_corpus, example_codebook)
    kw = {"corpus": example_corpus, "codebook": example_codebook}
    with pytest.raises(ce.InputError, match=r"codings lacks column\(s\) end \(it has .*\); "
                                            r"pass a codings table, e.g. the output of "
                                            r"ce.autocode\(...\)"):
        ce.explain(auto.drop(columns="end"), **kw)
    with pytest.raises(ce.InputError, match=r"codings lacks column\(s\) doc_id"):
        ce.autocode_report(auto.drop(columns="doc_id"), **kw)
    for fn in (ce.explain, ce.autocode_report):  # a codings table given as the hits
        with pytest.raises(ce.InputError, match=r"hits lacks column\(s\) pattern, kind.*pass "
                                                r"the output of ce.match_patterns\(...\)"):
            fn(auto, hits=auto, **kw)
    with pytest.raises(ce.InputError, match=r"hits lacks column\(s\) .*matched_text"):
        ce.autocode(example_corpus, example_codebook, hits=auto)


@pytest.mark.parametrize(("call", "name", "bad"), [
    (lambda c, b, v: ce.autocode(c, b, negation=v), "negation", "no"),
    (lambda c, b, v: ce.autocode(c, b, question_context=v), "question_context", "yes"),
    (lambda c, b, v: ce.autocode(c, b, progress=v), "progress", 1),
    (lambda c, b, v: ce.match_patterns(c, b, negation=v), "negation", "False"),
    (lambda c, b, v: ce.question_hits(c, b, negation=v), "negation", 0),
    (lambda c, b, v: ce.explain(ce.autocode(c, b), corpus=c, codebook=b, question_context=v),
     "question_context", "no"),
])
def test_flags_must_be_true_or_false(call, name, bad, example_corpus, example_codebook):
    with pytest.raises(TypeError, match=f"{name} must be True or False( \\(or None\\))?, "
                                        f"got {bad!r}"):
        call(example_corpus, example_codebook, bad)


def test_coder_name_of_the_wrong_type_is_a_type_error(example_corpus, example_codebook):
    with pytest.raises(TypeError, match=r"coder must be a coder name .*got int"):
        ce.autocode(example_corpus, example_codebook, coder=3)


def test_evaluate_coder_refuses_codes_neither_table_has(example_corpus):
    a = ce.read_codings(ce.example_path("codings_A"))
    with pytest.raises(ce.InputError, match=r"codes names code\(s\) 'zzz' that neither table "
                                            r"has"):
        ce.evaluate_coder(a, reference=a, corpus=example_corpus, codes=["bamara", "zzz"])


def test_cli_code_transcripts_without_informants_are_an_error_not_an_empty_file(tmp_path,
                                                                                capsys):
    """autocode refuses roles no turn has; the command says so at the transcripts (before,
    it wrote an empty codings file)."""
    from citra_eval.cli import main

    tdir = tmp_path / "t"
    tdir.mkdir()
    (tdir / "d.txt").write_text("---\nid: D\nspeakers: {P: interviewer}\n---\nP: Apa kabar?\n",
                                encoding="utf-8")
    book = tmp_path / "cb.yaml"
    book.write_text("codes:\n  - id: kabar\n    label: Kabar\n    patterns: [kabar]\n",
                    encoding="utf-8")
    out = tmp_path / "auto.csv"
    assert main(["code", "--transcripts", str(tdir), "--codebook", str(book), "--out",
                 str(out)]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: {tdir}: no turn has the role 'informant', so nothing would be coded (roles "
        "found: interviewer)")
    assert not out.exists()
    assert main(["code", "--transcripts", str(tdir), "--codebook", str(book), "--out",
                 str(out), "--include-interviewer"]) == 0
    assert ce.read_codings(out)["code"].tolist() == ["kabar"]


def test_cli_code_without_an_informant_says_how_to_mark_the_informants(tmp_path, capsys):
    """Session 12: speakers with roles but none an informant got the fix for speakers without
    roles ("give the speakers roles ..."); the fix names the roles found and how to mark
    the informants, where the transcript declares its speakers (front matter or sidecar),
    and the library (autocode's role check) says the same."""
    from citra_eval.cli import main

    book = tmp_path / "cb.yaml"
    book.write_text("codes:\n  - id: kabar\n    label: Kabar\n    patterns: [kabar]\n",
                    encoding="utf-8")
    tdir = tmp_path / "t"
    tdir.mkdir()
    (tdir / "w.txt").write_text("---\nid: W1\nspeakers: {P: pewawancara, N: narasumber}\n"
                                "---\nP: Apa kabar?\nN: Kabar baik.\n", encoding="utf-8")
    sub = tmp_path / "s"
    sub.mkdir()
    (sub / "zoom.vtt").write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nCitra: Apa kabar?"
                                  "\n\n2\n00:00:04.500 --> 00:00:08.000\nBudi: Kabar baik.\n",
                                  encoding="utf-8")
    (sub / "zoom.yaml").write_text("id: Z1\nspeakers: {Citra: interviewer, Budi: peserta}\n",
                                   encoding="utf-8")
    out = tmp_path / "auto.csv"
    for folder, found, example, place in (
            (tdir, "narasumber, pewawancara", "P: pewawancara, N: informant",
             "front matter"),
            (sub, "interviewer, peserta", "Citra: interviewer, Budi: informant",
             "zoom.yaml")):
        assert main(["code", "--transcripts", str(folder), "--codebook", str(book), "--out",
                     str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {folder}: no turn has the role 'informant'"), err
        assert f"roles found: {found}" in err and example in err and place in err, err
        assert "as informants" in err and "give the speakers roles" not in err, err
        assert not out.exists()
        corpus = ce.read_transcripts(folder)
        with pytest.warns(UserWarning, match=f"roles here: {found}") as record:
            assert ce.autocode(corpus, ce.Codebook.load(book)).empty
        assert example in str(record[0].message) and place in str(record[0].message)


@pytest.mark.parametrize("c", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"])
def test_regex_codes_are_found_past_invisible_characters_with_exact_offsets(c):
    """A pasted zero-width character or soft hyphen inside the words hides nothing from a
    regex pattern; every coding and hit still slices the original text (BOM, CRLF, emoji)."""
    book = ce.Codebook.from_dict({"codebook": "rx", "language": "id", "codes": [
        {"id": "rx_layanan", "label": "Layanan", "patterns": [{"regex": "pelayanan publik"}]},
        {"id": "rx_kerja", "label": "Kerja", "patterns": [{"regex": "\\bkerja ?sama\\b"}]},
        {"id": "plain", "label": "Plain", "patterns": ["desa"]}]})
    src = ("\ufeff---\r\nid: D\r\nspeakers: {I: informant}\r\n---\r\n"
           f"I: 😀🤝🏽 Pelayanan{c} publik di de{c}sa.\r\n"
           f"I: Ker{c}ja sama{c} dan kerja{c}sama 👍 bagus.\r\n"
           "I: Tidak ada apa-apa.\r\n")
    corpus = ce.Corpus.from_texts({"d.txt": src})
    text = corpus.text("D")
    segs = corpus.segments.set_index("segment_id")
    got = ce.autocode(corpus, book)
    first, second, _ = segs.index
    assert sorted(zip(got["segment_id"], got["code"], strict=True)) == [
        (first, "plain"), (first, "rx_layanan"), (second, "rx_kerja")]
    for row in got.itertuples(index=False):
        assert text[row.start:row.end] == segs.loc[row.segment_id, "text"]
        for item in row.evidence.split(" | "):
            assert item in text[row.start:row.end] and c in item
    hits = ce.match_patterns(corpus, book)
    assert sorted(hits["matched_text"]) == sorted(
        [f"Pelayanan{c} publik", f"de{c}sa", f"Ker{c}ja sama", f"kerja{c}sama"])
    assert [text[s:e] for s, e in zip(hits["start"], hits["end"], strict=True)] \
        == hits["matched_text"].tolist()


def test_explain_gives_the_question_to_the_sentence_autocode_gave_it():
    """unit="sentence" hands the question's code to the answer's first sentence (the docs);
    explain listed the question hit for the second sentence too, whose evidence has no
    question item. Now every coding's question rows match its evidence."""
    corpus = ce.Corpus.from_texts({"w.txt": "---\nid: W1\nspeakers: {Q: interviewer, "
                                            "R: informant}\n---\nQ: Kalau review di Google "
                                            "Maps?\nR: Wah penting banget! Customer suka kasih "
                                            "review bintang lima.\n"})
    book = ce.Codebook.from_dict({"codes": [{"id": "r", "label": "R", "patterns": ["review"]}]})
    for unit in ("sentence", "turn"):
        codings = ce.autocode(corpus, book, unit=unit)
        why = ce.explain(codings, corpus=corpus, codebook=book)
        for row in codings.itertuples():
            mine = why[(why["start"] == row.start) & (why["end"] == row.end)]
            assert mine["kind"].eq("question").any() == ("question:" in row.evidence), unit


@pytest.mark.parametrize("question_context", [True, False])
def test_explain_without_an_interviewer_turn_warns_nothing(question_context):
    """Student, repro 2: explain's docstring example (no interviewer turn, so no question
    hit) printed numpy's 'invalid value encountered in less_equal': the question rows'
    position compared as NaN for every pattern hit."""
    cb = ce.Codebook.from_dict({"codes": [
        {"id": "cepat", "label": "Cepat", "patterns": ["cepat", {"regex": "gercep"}]}]})
    corpus = ce.Corpus.from_texts({"x.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                            "I: Kami gercep, secepatnya.\n"})
    auto = ce.autocode(corpus, cb)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        why = ce.explain(auto, corpus=corpus, codebook=cb, question_context=question_context)
    assert why["matched_text"].tolist() == ["gercep", "gercep", "secepatnya"]


@pytest.mark.parametrize("table", ["codings", "reference"])
@pytest.mark.parametrize(("bad", "message"), [
    (lambda t: t.assign(start=t["end"] + 5), r"start .*smaller than .*end|start.*end"),
    (lambda t: t.assign(doc_id=1), r"not in the corpus: 1"),
    (lambda t: t.rename(columns={"start": "Start"}), r"lacks column\(s\) start"),
    (lambda t: t.assign(code=[None, *list(t["code"][1:])]), r"code"),
    (lambda t: t.assign(text="not what the transcript holds"), r"text"),
])
def test_evaluate_coder_checks_both_tables(example_corpus, table, bad, message):
    a = ce.read_codings(ce.example_path("codings_A"))
    good = a.head(20).reset_index(drop=True)
    kwargs = {"codings": good, "reference": good}
    kwargs[table] = bad(good)
    with pytest.raises(ce.InputError, match=message):
        ce.evaluate_coder(kwargs["codings"], reference=kwargs["reference"],
                          corpus=example_corpus)


def test_evaluate_coder_warns_of_a_code_misspelt_in_one_table(example_corpus):
    a = ce.read_codings(ce.example_path("codings_A")).head(20).reset_index(drop=True)
    code = a["code"].iloc[0]
    typo = a.assign(code=a["code"].where(a["code"] != code, code + "x"))
    with pytest.warns(UserWarning, match=rf"'{code}x' and codings '{code}'"):
        ce.evaluate_coder(a, reference=typo, corpus=example_corpus.subset(["INF01"]))


def test_explain_checks_the_codings_like_the_analyses(cb):
    """Session 18 (repro_8): an integer doc_id was a bare pandas merge ValueError in
    explain; now the analyses' shared check (check_codings_against): an InputError."""
    corpus = make_corpus("Kami kerja sama dengan media.")
    auto = ce.autocode(corpus, cb)
    assert len(auto)
    with pytest.raises(ce.InputError, match="not in the corpus: 1"):
        ce.explain(auto.assign(doc_id=1), corpus=corpus, codebook=cb)
    with pytest.raises(ce.InputError, match=r"start \(\d+\) must be smaller than end"):
        ce.explain(auto.assign(start=auto["end"] + 1), corpus=corpus, codebook=cb)


# --------------------------------------------------------------------------- session 19


def _one_answer(doc: str, answer: str = "Baik. Kami ikut koperasi nelayan sejak lama."):
    return ce.Corpus.from_texts({f"{doc}.txt": f"---\nid: {doc}\nspeakers: {{P: interviewer, "
                                 f"N: informant}}\n---\nP: Apa kabar?\nN: {answer}\n"})


KOPERASI = {"codes": [{"id": "koperasi", "label": "Koperasi", "patterns": ["koperasi"]}]}


def test_hits_of_another_corpus_are_refused():
    book = ce.Codebook.from_dict(KOPERASI)
    a, b = _one_answer("A1"), _one_answer("B1")
    other = ce.match_patterns(b, book)
    with pytest.raises(ce.InputError, match=r"hits.*'B1'.*not in the corpus"):
        ce.autocode(a, book, hits=other)
    with pytest.raises(ce.InputError, match=r"hits.*'B1'"):
        ce.question_hits(a, book, hits=other)
    codings = ce.autocode(a, book)
    with pytest.raises(ce.InputError, match=r"hits.*'B1'"):
        ce.explain(codings, corpus=a, codebook=book, hits=other)
    # the same document id, another text: the span does not hold the matched words
    moved = ce.match_patterns(_one_answer("A1", "Ya, koperasi ada."), book)
    with pytest.raises(ce.InputError, match=r"hits.*'koperasi'.*does not hold"):
        ce.autocode(a, book, hits=moved)
    # a segment the document lacks
    with pytest.raises(ce.InputError, match=r"hits.*segment 9"):
        ce.autocode(a, book, hits=ce.match_patterns(a, book).assign(segment_id=9))


def test_hits_of_another_codebook_are_refused():
    corpus = _one_answer("D", "Kami tidak pernah ikut koperasi di sini.")
    book = ce.Codebook.from_dict(KOPERASI)
    other = ce.Codebook.from_dict({"codes": [{"id": "lembaga", "label": "Lembaga",
                                              "patterns": ["koperasi"]}]})
    hits = ce.match_patterns(corpus, other, negation=False)
    with pytest.raises(ce.InputError, match=r"hits.*'lembaga'.*codebook"):
        ce.autocode(corpus, book, negation=False, hits=hits)


@pytest.mark.parametrize("made_with", [True, False])
@pytest.mark.parametrize("negation", [True, False])
def test_given_hits_are_read_with_the_calls_negation(made_with, negation):
    corpus = _one_answer("D", "Kami tidak pernah ikut koperasi di sini.")
    book = ce.Codebook.from_dict(KOPERASI)
    hits = ce.match_patterns(corpus, book, negation=made_with)
    want = ce.autocode(corpus, book, negation=negation)
    got = ce.autocode(corpus, book, negation=negation, hits=hits)
    pd.testing.assert_frame_equal(got, want)
    assert len(want) == (0 if negation else 1)


def test_question_context_does_not_code_an_answer_whose_own_hit_is_negated():
    book = ce.Codebook.from_dict({"no_stem": ["bamara"], "codes": [
        {"id": "bamara", "label": "Bamara", "patterns": ["bamara"]}]})
    corpus = qa_corpus(("Apa kabar, Pak?", "Ulun kada pernah ikut Bamara."),
                       ("Bapak pernah ikut Bamara?", "Ulun kada pernah ikut Bamara."),
                       ("Bapak pernah ikut Bamara?", "Itu bagus, warga senang datang."))
    assert ce.autocode(corpus, book)["segment_id"].tolist() == [6]
    assert ce.question_hits(corpus, book)["segment_id"].tolist() == [6]
    # without negation, the answer's own hit codes it
    assert ce.autocode(corpus, book, negation=False)["segment_id"].tolist() == [2, 4, 6]


@pytest.mark.parametrize(("answer", "coded"), [
    ("Selain itu, pengurusnya juga rajin datang ke dermaga.", True),
    ("Tidak hanya itu, pengurusnya juga rajin datang ke dermaga.", True),
    ("Bukan cuma itu, pengurusnya juga rajin datang ke dermaga.", True),
    ("Nggak cuma itu, pengurusnya juga rajin datang ke dermaga.", True),
    ("Tidak, pengurusnya jarang datang ke dermaga.", False)])
def test_an_answer_starting_with_not_only_continues_the_topic(answer, coded):
    book = ce.Codebook.from_dict(KOPERASI)
    corpus = qa_corpus(("Bagaimana dengan koperasi di sini?", answer))
    assert len(ce.autocode(corpus, book)) == int(coded)


@pytest.mark.parametrize(("asker", "answerer", "roles", "carried"), [
    ("interviewer", "informant", ("informant",), True),
    ("moderator", "participant", ("participant",), True),
    ("interviewer", "participant", ("participant",), True),
    ("moderator", "participant", None, False),   # every role coded: only an interviewer asks
    ("participant", "participant", ("participant",), False)])
def test_the_question_is_the_turn_before_of_a_role_not_coded(asker, answerer, roles, carried):
    book = ce.Codebook.from_dict(KOPERASI)
    speakers = f"{{M: {asker}, P1: {answerer}}}"
    corpus = ce.Corpus.from_texts({"F.txt": f"---\nid: F\nspeakers: {speakers}\n---\n"
                                   "M: Bagaimana dengan koperasi di kampung ini?\n"
                                   "P1: Sudah lama bubar, orang malas datang rapat.\n"})
    out = ce.autocode(corpus, book, roles=roles)
    got = out.loc[out["segment_id"] == 2, "evidence"].tolist()
    assert got == (["question: koperasi"] if carried else [])


def test_macro_averages_the_codes_of_either_table_as_micro_counts_them():
    corpus = make_corpus("a", "b", "c")
    auto = _table([(2, "x"), (4, "y"), (6, "y")], "auto", corpus)
    ref = _table([(2, "x")], "A", corpus)
    ev = ce.evaluate_coder(auto, reference=ref, corpus=corpus).set_index("code")
    assert ev.loc["micro", ["tp", "fp", "fn"]].tolist() == [1, 2, 0]
    assert ev.loc["macro", ["tp", "fp", "fn"]].tolist() == [1, 2, 0]
    # y: never applied by the reference, two false positives: precision 0, recall 0/0 -> 0
    assert ev.loc["macro", "precision"] == pytest.approx(0.5)
    assert ev.loc["macro", "recall"] == pytest.approx(0.5)
    assert ev.loc["macro", "f1"] == pytest.approx(0.5)
    # a code asked for that neither table applied is reported, not averaged
    ev = ce.evaluate_coder(auto, reference=ref, corpus=corpus,
                           codes=["x", "y"]).set_index("code")
    assert ev.loc["macro", "f1"] == pytest.approx(0.5)


def test_a_negated_hit_after_the_answers_first_sentence_keeps_the_questions_code():
    book = ce.Codebook.from_dict(KOPERASI)
    corpus = qa_corpus(("Bagaimana dengan koperasi di sini?",
                        "Ada, pengurusnya rajin datang. Jangan bilang koperasi itu mati."))
    assert ce.autocode(corpus, book)["evidence"].tolist() == ["question: koperasi"]


def test_hits_read_back_as_text_give_the_same_codings(tmp_path):
    corpus = _one_answer("D", "Ya, koperasi ada di sini.")
    book = ce.Codebook.from_dict(KOPERASI)
    path = tmp_path / "hits.csv"
    ce.match_patterns(corpus, book).to_csv(path, index=False)
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    want = ce.autocode(corpus, book)
    pd.testing.assert_frame_equal(ce.autocode(corpus, book, hits=text), want)
    pd.testing.assert_frame_equal(ce.autocode(corpus, book, hits=pd.read_csv(path)), want)


@pytest.mark.parametrize(("value", "said"), [
    (None, r"row 0: 'start' is empty"), ("", r"row 0: 'start' is empty"),
    ("4.5", r"row 0: 'start' must be a whole number >= 0, got '4.5'"),
    ("-1", r"row 0: 'start' must be a whole number >= 0, got '-1'")])
def test_hits_with_an_unreadable_start_are_refused_by_name(value, said):
    corpus = _one_answer("D", "Ya, koperasi ada di sini.")
    book = ce.Codebook.from_dict(KOPERASI)
    hits = ce.match_patterns(corpus, book).astype({"start": object})
    hits.loc[hits.index[0], "start"] = value
    with pytest.raises(ce.InputError, match="hits: " + said) as e:
        ce.autocode(corpus, book, hits=hits)
    assert "nan" not in str(e.value)
