"""Qualitative analyses, checked by hand computation."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import citra_eval as ce

SAT_CODES = {  # interview -> codes; see test_saturation_hand_computed
    "D01": "a b c", "D02": "b d", "D03": "a e", "D04": "f", "D05": "a g", "D06": "b",
    "D07": "h", "D08": "a", "D09": "b", "D10": "a",
}


def sat_corpus_and_codings():
    texts, rows = {}, []
    # dates in reverse file order, so order="date" must sort
    for i, (doc, codes) in enumerate(SAT_CODES.items()):
        texts[f"{doc}.txt"] = (f"---\nid: {doc}\ndate: 2021-{12 - i:02d}-01\n"
                               "speakers: {I: informant}\n---\nI: teks\n")
        rows += [(doc, 1, 3, 7, c, "A") for c in codes.split()]  # "teks", turn 1
    corpus = ce.Corpus.from_texts(texts)
    return corpus, pd.DataFrame(rows, columns=ce.CODING_COLUMNS)


def test_saturation_hand_computed():
    """Guest, Namey & Chen (2020), PLoS ONE 15(5): e0232076: base = unique codes of the first
    4 interviews = {a,b,c,d,e,f} = 6; runs of 2 advance one interview at a time; new codes in
    a run are counted against all earlier interviews and divided by the base (6).
      run D05-D06: new {g} -> 1/6; D06-D07: {h} -> 1/6; D07-D08: {h} -> 1/6;
      run D08-D09: none -> 0 <= 5%: saturation at 7 interviews, confirmed at 9."""
    corpus, codings = sat_corpus_and_codings()
    order = list(SAT_CODES)
    sat = ce.saturation(codings, corpus=corpus, order=order, base_size=4, run_length=2,
                        threshold=0.05)
    assert sat["doc_id"].tolist() == order
    assert sat["new_codes"].tolist() == [3, 1, 1, 1, 1, 0, 1, 0, 0, 0]
    assert sat["cumulative_codes"].tolist() == [3, 4, 5, 6, 7, 7, 8, 8, 8, 8]
    assert sat["new_code_ids"].iat[4] == "g"
    assert sat["in_base"].tolist() == [True] * 4 + [False] * 6
    assert sat["run_new_codes"].tolist()[5:] == [1, 1, 1, 0, 0]
    assert sat["run_new_codes"].isna().tolist()[:5] == [True] * 5
    assert sat["run_ratio"].tolist()[5:] == pytest.approx([1 / 6] * 3 + [0, 0])
    assert sat["meets_threshold"].tolist()[5:] == [False, False, False, True, True]
    info = sat.attrs["saturation"]
    assert info["base_codes"] == 6
    assert info["saturation_point"] == 7 and info["confirmed_at"] == 9
    # a 20% threshold is met by the first run already: saturation at the base (4)
    loose = ce.saturation(codings, corpus=corpus, order=order, threshold=0.2)
    assert loose.attrs["saturation"]["saturation_point"] == 4
    # a run of 3 never sees zero new codes before D10: D08-D10 is the first all-old run
    r3 = ce.saturation(codings, corpus=corpus, order=order, run_length=3, threshold=0)
    assert r3.attrs["saturation"]["confirmed_at"] == 10
    assert r3.attrs["saturation"]["saturation_point"] == 7


def test_saturation_leaves_out_documents_without_informant_turns():
    """Two transcripts of the interviewer alone (nobody answered) formed a run with 0 new
    codes and made the stopping rule "met"."""
    texts, rows = {}, []
    for i, codes in enumerate(["a b", "c", "a d", "b", "e"], start=1):
        texts[f"D0{i}.txt"] = (f"---\nid: D0{i}\ndate: 2021-01-0{i}\n"
                               "speakers: {P: interviewer, I: informant}\n---\nP: tanya\n"
                               "I: teks\n")
        rows += [(f"D0{i}", 2, 12, 16, c, "A") for c in codes.split()]
    for doc in ("E1", "E2"):  # no date either: left out before the interviews are ordered
        texts[f"{doc}.txt"] = (f"---\nid: {doc}\nspeakers: {{P: interviewer, I: informant}}\n"
                               "---\nP: halo?\nP: saya telepon lagi besok\n")
    corpus = ce.Corpus.from_texts(texts)
    codings = pd.DataFrame(rows, columns=ce.CODING_COLUMNS)
    sat = ce.saturation(codings, corpus=corpus)
    assert sat["doc_id"].tolist() == ["D01", "D02", "D03", "D04", "D05"]
    info = sat.attrs["saturation"]
    assert info["left_out"] == ["E1", "E2"]
    assert info["saturation_point"] is None and not sat["meets_threshold"].any()
    # given in an explicit order, they are left out as well
    order = ["D01", "D02", "D03", "D04", "D05", "E1", "E2"]
    assert ce.saturation(codings, corpus=corpus, order=order)["doc_id"].tolist() == order[:5]
    # roles=None: every document counts (and the empty run meets the rule)
    every = ce.saturation(codings, corpus=corpus, order=order, roles=None)
    assert every["doc_id"].tolist() == order and every.attrs["saturation"]["left_out"] == []
    assert every.attrs["saturation"]["confirmed_at"] == 7
    with pytest.raises(TypeError, match="roles must be a list of names"):
        ce.saturation(codings, corpus=corpus, roles="informant")
    # a corpus without roles: no document is left out
    plain = ce.Corpus.from_texts({"X.txt": "---\nid: X\n---\nteks\n"})
    assert ce.saturation(pd.DataFrame(columns=ce.CODING_COLUMNS), corpus=plain,
                         order=["X"]).attrs["saturation"]["left_out"] == []


def test_saturation_orders_by_date_and_validates():
    corpus, codings = sat_corpus_and_codings()
    sat = ce.saturation(codings, corpus=corpus)
    assert sat["doc_id"].tolist() == list(SAT_CODES)[::-1]
    assert sat["date"].iat[0] == "2021-03-01"
    with pytest.raises(ValueError, match="base_size"):
        ce.saturation(codings, corpus=corpus, base_size=0)
    with pytest.raises(ValueError, match="order"):
        ce.saturation(codings, corpus=corpus, order=["D01", "nope"])
    # session 13 repro 9: a repeated id listed the whole order as "unknown or repeated";
    # only the offending ids are named now, each under its reason
    first, second, third = list(SAT_CODES)[:3]
    with pytest.raises(ValueError, match=rf"distinct doc ids of the corpus; repeated: "
                                         rf"'{second}'$"):
        ce.saturation(codings, corpus=corpus, order=[first, second, third, second])
    with pytest.raises(ValueError, match=rf"; unknown: 'nope'; repeated: '{first}'$"):
        ce.saturation(codings, corpus=corpus, order=[first, "nope", first])
    sat_none = ce.saturation(codings[codings["code"] == "zzz"], corpus=corpus)
    assert sat_none.attrs["saturation"]["saturation_point"] is None


def small():
    src = {
        "a.txt": "---\nid: A\ngroup: g1\ninformant: Kepala Humas\nspeakers: {P: interviewer, "
                 "X: informant}\n---\nP: tanya\nX: satu dua tiga empat\nP: lagi\nX: lima enam\n",
        "b.txt": "---\nid: B\ngroup: g2\ninformant: Wartawan\nspeakers: {P: interviewer, "
                 "Y: informant}\n---\nP: tanya\nY: tujuh delapan\n",
    }
    corpus = ce.Corpus.from_texts(src)
    rows = [("A", 2, 5, 8, "x"), ("A", 2, 9, 13, "x"), ("A", 2, 5, 8, "y"), ("A", 4, 0, 4, "x"),
            ("B", 2, 0, 5, "x"), ("B", 2, 0, 5, "z")]
    seg = corpus.segments.set_index(["doc_id", "segment_id"])["start"]
    codings = pd.DataFrame([(d, s, seg[(d, s)] + a, seg[(d, s)] + b, c, "A")
                            for d, s, a, b, c in rows], columns=ce.CODING_COLUMNS)
    ce.validate_codings(codings, corpus=corpus)
    return corpus, codings


def test_code_frequencies_hand_computed():
    corpus, codings = small()
    f = ce.code_frequencies(codings, corpus=corpus).set_index("code")
    assert list(f.columns) == ["label", "n_codings", "n_segments", "n_documents",
                               "n_informants", "share_segments"]
    assert f.loc["x", ["n_codings", "n_segments", "n_documents", "n_informants"]].tolist() == [
        4, 3, 2, 2]
    assert f.loc["x", "share_segments"] == pytest.approx(3 / 3)  # 3 informant segments
    assert f.loc["y", "share_segments"] == pytest.approx(1 / 3)
    g = ce.code_frequencies(codings, corpus=corpus, by="group")
    x1 = g[(g["group"] == "g1") & (g["code"] == "x")].iloc[0]
    assert (x1["n_segments"], x1["share_segments"]) == (2, 1.0)
    z1 = g[(g["group"] == "g1") & (g["code"] == "z")].iloc[0]
    assert z1["n_codings"] == 0
    with pytest.raises(ValueError, match="must be a document attribute"):
        ce.code_frequencies(codings, corpus=corpus, by="nope")
    # session 17 (mixed repro 2): a list (as study.yaml's group_by is) was a bare
    # "unhashable type: 'list'"
    with pytest.raises(TypeError, match=r"by takes one column name, got a list \['group'\]; "
                                        "call once per column"):
        ce.code_frequencies(codings, corpus=corpus, by=["group"])


def test_frequencies_need_one_coder():
    corpus, codings = small()
    two = pd.concat([codings, codings.assign(coder="B")])
    with pytest.raises(ValueError, match="several coders"):
        ce.code_frequencies(two, corpus=corpus)
    f = ce.code_frequencies(two, corpus=corpus, coder="B")
    assert f["n_codings"].sum() == len(codings)


def test_cooccurrence_hand_computed():
    corpus, codings = small()
    co = ce.cooccurrence(codings, corpus=corpus)
    pairs = {(a, b): (c, j) for a, b, c, j in co.itertuples(index=False)}
    # segments: A2 {x,y}, A4 {x}, B2 {x,z}; n_x=3, n_y=1, n_z=1
    assert pairs[("x", "y")] == (1, pytest.approx(1 / 3))
    assert pairs[("z", "x")] == (1, pytest.approx(1 / 3))
    assert pairs[("x", "x")] == (3, 1.0)
    assert ("y", "z") not in pairs
    mat = ce.cooccurrence_matrix(co)
    assert mat.loc["y", "z"] == 0 and mat.loc["x", "x"] == 3
    assert (mat.to_numpy() == mat.to_numpy().T).all()
    by_j = ce.cooccurrence(codings, corpus=corpus, measure="jaccard")
    assert by_j["jaccard"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="measure"):
        ce.cooccurrence(codings, corpus=corpus, measure="dice")


def test_case_matrix_and_save(tmp_path):
    corpus, codings = small()
    m = ce.code_case_matrix(codings, corpus=corpus)
    assert m.loc["y"].tolist() == [1, 0] and m.loc["z"].tolist() == [0, 1]
    assert list(m.columns) == ["A", "B"]
    ce.save_case_matrix(m, tmp_path / "m.csv")
    back = pd.read_csv(tmp_path / "m.csv", index_col=0)
    assert back.equals(m.rename_axis(None, axis=1).rename_axis("code"))
    ce.save_case_matrix(m.T, tmp_path / "m.xlsx")
    x = pd.read_excel(tmp_path / "m.xlsx", index_col=0)
    assert x.to_numpy().tolist() == m.T.to_numpy().tolist()
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        ce.save_case_matrix(m, tmp_path / "m.txt")
    assert not list(tmp_path.glob(".*tmp"))


def test_exemplar_quotes_ranking():
    corpus, codings = small()
    b = codings[(codings["doc_id"] == "A") & (codings["segment_id"] == 4)].assign(coder="B")
    both = pd.concat([codings, b])
    q = ce.exemplar_quotes(both, corpus=corpus, k=2, min_chars=1, max_chars=100)
    x = q[q["code"] == "x"]
    # A4 has two coders -> rank 1; then A2 (two codings rows = 2 hits) before B2 (one)
    assert x[["doc_id", "segment_id"]].values.tolist() == [["A", 4], ["A", 2]]
    assert x["n_coders"].tolist() == [2, 1] and x["n_hits"].tolist() == [2, 2]
    top = x.iloc[1]
    assert top["quote"] == corpus.text("A")[top["start"]:top["end"]] == "dua tiga"
    assert top["attribution"] == "A, Kepala Humas"
    with pytest.raises(ValueError, match="k must"):
        ce.exemplar_quotes(codings, corpus=corpus, k=0)


def test_exemplar_quotes_lang_is_documented_and_checked():
    import inspect

    doc = inspect.getdoc(ce.exemplar_quotes)
    assert '\nlang : {"id", "en"}, optional\n    Language of the ``label`` column' in doc
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    codings = ce.read_codings(ce.example_path("codings_A"))
    book = ce.Codebook.load(ce.example_path("codebook"))
    q = ce.exemplar_quotes(codings, corpus=corpus, codebook=book, k=1, lang="en")
    assert q["label"].tolist() == [book.label(c, "en") for c in q["code"]]
    with pytest.raises(ValueError, match="lang must be one of 'id', 'en', got 'fr'"):
        ce.exemplar_quotes(codings, corpus=corpus, lang="fr")


def test_exemplar_quotes_use_evidence_counts():
    corpus, _ = small()
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    a2, a4 = seg.loc[("A", 2)], seg.loc[("A", 4)]
    auto = pd.DataFrame([("A", 2, a2.start, a2.end, "x", "auto", "satu | dua | tiga"),
                         ("A", 4, a4.start, a4.end, "x", "auto", "lima")],
                        columns=[*ce.CODING_COLUMNS, "evidence"])
    ce.validate_codings(auto, corpus=corpus)
    q = ce.exemplar_quotes(auto, corpus=corpus, k=1, min_chars=1)
    assert q["segment_id"].tolist() == [2] and q["n_hits"].tolist() == [3]


def test_kwic_finds_inflected_forms_with_context():
    src = ("---\nid: K\nspeakers: {I: informant}\n---\n"
           "I: Dulu kami bekerja sama dengan media. Sekarang kerjasamanya makin erat.\n"
           "I: Dikerjasamakan saja!\n")
    corpus = ce.Corpus.from_texts({"k.txt": src})
    k = ce.kwic(corpus, "kerja sama", window=2)
    assert k["keyword"].tolist() == ["bekerja sama", "kerjasamanya", "Dikerjasamakan"]
    assert k["left"].tolist() == ["Dulu kami", "media. Sekarang", ""]
    assert k["right"].tolist() == ["dengan media", "makin erat", "saja"]
    text = corpus.text("K")
    assert all(text[s:e] == w for s, e, w in zip(k["start"], k["end"], k["keyword"],
                                                 strict=True))
    assert ce.kwic(corpus, "tidak ada").empty
    with pytest.raises(ValueError, match="term"):
        ce.kwic(corpus, "  ")


def test_kwic_in_one_long_turn_is_as_fast_as_in_many_turns():
    """Session 16: kwic tokenised a hit's whole turn and scanned every token of it, once per
    hit: one long turn (a transcript without speaker labels on its lines, up to the 16 MiB
    file limit) took time quadratic in its length (1 MiB: over a minute, against 24 s in
    5,000 turns). The context of every hit is the same either way."""
    import time

    words = ("kami bekerja sama dengan media dan warga lewat layanan informasi "
             "rumah sakit setiap hari ").split()
    said = [words[i % len(words)] for i in range(14_000)]
    text = " ".join(said)
    cut = [" ".join(said[i:i + 50]) for i in range(0, len(said), 50)]
    head = "---\nid: K\nspeakers: {I: informant}\n---\n"
    one = ce.Corpus.from_texts({"k.txt": head + "I: " + text + "\n"})
    many = ce.Corpus.from_texts({"k.txt": head + "".join(f"I: {c}\n" for c in cut)})
    timed = []
    for corpus in (many, one):
        started = time.perf_counter()
        timed.append((ce.kwic(corpus, "layanan"), time.perf_counter() - started))
    (k_many, t_many), (k_one, t_one) = timed
    assert len(k_one) == len(k_many) == 1_000
    assert set(k_one["left"].iloc[:-1]) == {"dengan media dan warga lewat"}
    assert set(k_one["right"].iloc[:-1]) == {"informasi rumah sakit setiap hari"}
    assert t_one < 2 * t_many + 1, (t_one, t_many)


def test_kwic_counts_are_what_kwic_finds(example_corpus, example_codebook):
    from citra_eval.themes import kwic_counts

    terms = ["bamara", "kerja sama", "media sosial", "tidak ada", "zzz"]
    counts = kwic_counts(example_corpus, terms, roles=["informant"], codebook=example_codebook)
    assert list(counts) == terms and counts["zzz"] == 0 and counts["bamara"] > 0
    assert counts == {t: len(ce.kwic(example_corpus, t, roles=["informant"],
                                     codebook=example_codebook)) for t in terms}
    with pytest.raises(TypeError, match="list of names"):
        kwic_counts(example_corpus, "bamara")


def test_analyses_on_the_example_study(example_corpus, example_codebook):
    a = ce.read_codings(ce.example_path("codings_A"))
    f = ce.code_frequencies(a, corpus=example_corpus, codebook=example_codebook)
    assert f["code"].tolist() == example_codebook.codable_ids
    assert f["n_codings"].sum() == len(a)
    auto = ce.autocode(example_corpus, example_codebook)
    q = ce.exemplar_quotes(auto, corpus=example_corpus, codebook=example_codebook, k=3)
    assert q["informant"].notna().all()
    assert q["attribution"].str.match(r"INF\d\d, ").all()
    m = ce.code_case_matrix(auto, corpus=example_corpus, codebook=example_codebook)
    assert m.shape == (len(example_codebook.codable_ids), len(example_corpus))
    assert set(np.unique(m.to_numpy())) <= {0, 1}


def test_exemplar_quotes_spread_over_documents_among_equals():
    corpus, _ = small()
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    rows = [(d, s, seg.loc[(d, s)].start, seg.loc[(d, s)].end, "x", "A")
            for d, s in [("A", 2), ("A", 4), ("B", 2)]]
    codings = pd.DataFrame(rows, columns=ce.CODING_COLUMNS)
    q = ce.exemplar_quotes(codings, corpus=corpus, k=2, min_chars=1)
    assert q[["doc_id", "segment_id"]].values.tolist() == [["A", 2], ["B", 2]]
    assert q["rank"].tolist() == [1, 2]
    q3 = ce.exemplar_quotes(codings, corpus=corpus, k=3, min_chars=1)
    assert q3["segment_id"].tolist() == [2, 2, 4]


def test_cooccurrence_matrix_needs_a_dataframe():
    with pytest.raises(TypeError, match="table must be a DataFrame from cooccurrence"):
        ce.cooccurrence_matrix({"code_a": ["a"], "code_b": ["a"], "count": [1]})


def test_cooccurrence_matrix_of_a_codings_table_says_to_pass_cooccurrences_result():
    """Student, repro 4: a codings table where cooccurrence()'s result goes was a bare
    KeyError('code_a'); now an InputError naming the missing columns and what to pass."""
    codings = pd.DataFrame([("D", 2, 0, 4, "a", "SR")], columns=ce.CODING_COLUMNS)
    with pytest.raises(ce.InputError, match=r"table lacks column\(s\) code_a, code_b, count "
                       r"\(it has doc_id, .*\); pass .*ce\.cooccurrence\("):
        ce.cooccurrence_matrix(codings)
    t = pd.DataFrame({"code_a": ["a"], "code_b": ["a"], "count": [1]})
    with pytest.raises(ce.InputError, match=r"table lacks column\(s\) jaccard"):
        ce.cooccurrence_matrix(t, measure="jaccard")
    assert ce.cooccurrence_matrix(t).loc["a", "a"] == 1


def test_grouping_attributes_are_attributes_shared_by_interviews():
    """An attribute groups the interviews when it has 2+ values and at most half as many
    values as documents: not a name or date that differs per interview, not a constant."""
    def doc(i, kind, place, team):
        return (f"---\nid: D{i}\nkind: {kind}\nplace: {place}\nteam: {team}\n"
                f"speakers: {{I: informant}}\n---\nI: kalimat {i}\n")
    texts = {f"d{i}.txt": doc(i, k, f"tempat {i}", "satu")
             for i, k in enumerate(["staf", "staf", "pasien", "pasien", "wartawan", "staf"])}
    corpus = ce.Corpus.from_texts(texts)
    assert ce.grouping_attributes(corpus) == ["kind"]
    # three values over four documents: more than half, not a grouping
    four = ce.Corpus.from_texts(dict(list(texts.items())[1:5]))
    assert ce.grouping_attributes(four) == []
    with pytest.raises(TypeError, match="corpus"):
        ce.grouping_attributes(corpus.documents)



def _grouping_corpus(kinds, dates, *, interviewer_only=()):
    """Interviews with a ``kind`` and a ``date`` (None: no date line) each; the ids in
    ``interviewer_only`` hold the interviewer's turns alone (nobody answered)."""
    texts = {}
    for i, (kind, date) in enumerate(zip(kinds, dates, strict=True)):
        doc = f"D{i}"
        body = "P: halo?\n" if doc in interviewer_only else "P: tanya\nI: kalimat\n"
        texts[f"{doc}.txt"] = (f"---\nid: {doc}\nkind: {kind}\n"
                               + (f"date: {date}\n" if date else "")
                               + "speakers: {P: interviewer, I: informant}\n---\n" + body)
    return ce.Corpus.from_texts(texts)


def test_grouping_leaves_out_transcripts_without_an_informant_turn():
    """Issue 9.3: an interviewer-only transcript (nothing to code, left out of every theme
    table) counted as an interview: its kind made 3 values for 5 interviews, so 'kind' was
    reported as ungrouped though it groups the 4 interviews the themes count."""
    corpus = _grouping_corpus(["staf", "staf", "pasien", "pasien", "wartawan"], [None] * 5,
                              interviewer_only=("D4",))
    assert ce.grouping_attributes(corpus) == ["kind"]
    assert "kind" not in ce.ungrouped_attributes(corpus)
    # every document counts with roles=None (or in a corpus without roles)
    assert ce.ungrouped_attributes(corpus, roles=None)["kind"] == (
        "3 values for 5 interviews (a grouping has at most half as many: 2)")
    assert ce.grouping_attributes(corpus, roles=None) == []
    # nor is its value a group of zeros in the table per group
    codings = pd.DataFrame([("D0", 2, 12, 15, "x", "A")], columns=ce.CODING_COLUMNS)
    freq = ce.code_frequencies(codings, corpus=corpus, by="kind")
    assert freq["kind"].tolist() == ["pasien", "staf"]
    assert ce.code_frequencies(codings, corpus=corpus, by="kind", roles=None)["kind"].tolist() \
        == ["pasien", "staf", "wartawan"]


@pytest.mark.parametrize("dates", [
    ["2023-01-02", "2023-01-02", "2023-01-03", "2023-01-03", "2023-01-02", "2023-01-03"],
    ["2023-01-02", "2023-01-02", None, None, "2023-01-03", "2023-01-03"]])
def test_a_date_orders_the_interviews_it_never_groups_them(dates):
    """Interviews held on two days (or some without a date) made 'date' a grouping of its
    own: notebook 03 counted the themes per interview day, and put undated ones nowhere."""
    corpus = _grouping_corpus(["a", "a", "a", "b", "b", "b"], dates)
    assert ce.grouping_attributes(corpus) == ["kind"]
    assert ce.ungrouped_attributes(corpus)["date"] == (
        "a date orders the interviews (saturation), it does not group them")


def test_saturation_order_auto_falls_back_to_the_transcripts_and_says_why():
    """order="auto" (notebook 03): by date when every counted interview has one, else in
    the transcripts' order, naming the interviews without a date; an interviewer-only
    transcript without a date does not stop the ordering by date."""
    corpus = _grouping_corpus(["a"] * 4, ["2023-01-05", "2023-01-01", None, "2023-01-03"],
                              interviewer_only=("D2",))
    empty = pd.DataFrame(columns=ce.CODING_COLUMNS)
    sat = ce.saturation(empty, corpus=corpus, order="auto")
    assert sat["doc_id"].tolist() == ["D1", "D3", "D0"]
    assert (sat.attrs["saturation"]["order"], sat.attrs["saturation"]["undated"]) == ("date", [])
    corpus = _grouping_corpus(["a"] * 4, ["2023-01-05", None, "2023-01-01", None])
    sat = ce.saturation(empty, corpus=corpus, order="auto")
    assert sat["doc_id"].tolist() == ["D0", "D1", "D2", "D3"]
    assert sat.attrs["saturation"]["order"] == "transcripts"
    assert sat.attrs["saturation"]["undated"] == ["D1", "D3"]
    with pytest.raises(ce.InputError, match="needs a date for every interview"):
        ce.saturation(empty, corpus=corpus, order="date")
    given = ce.saturation(empty, corpus=corpus, order=["D3", "D2", "D1", "D0"])
    assert given.attrs["saturation"]["order"] == "given"


def test_quote_attribution_names_no_front_matter_key():
    """The attribution uses the study's own describing attribute (the first whose value
    differs per interview), not a fixed key such as 'informant'."""
    from conftest import ROOT

    study = ROOT / "tests" / "data" / "studies" / "rsud"
    corpus = ce.read_transcripts(study / "interview_transcripts")
    codings = ce.read_codings(study / "data" / "raw" / "codings_A.csv", corpus=corpus)
    q = ce.exemplar_quotes(codings, corpus=corpus, k=1)
    jabatan = corpus.documents.set_index("doc_id")["jabatan"]
    assert q["informant"].tolist() == jabatan[q["doc_id"]].tolist()
    assert q["attribution"].iloc[0] == f"{q['doc_id'].iloc[0]}, {q['informant'].iloc[0]}"
    unit = ce.exemplar_quotes(codings, corpus=corpus, k=1, attribute="unit")
    assert unit["informant"].tolist() == corpus.documents.set_index("doc_id")["unit"][
        q["doc_id"]].tolist()
    bare = ce.exemplar_quotes(codings, corpus=corpus, k=1, attribute=None)
    assert bare["attribution"].tolist() == bare["doc_id"].tolist()
    with pytest.raises(ValueError, match="attribute must be one of"):
        ce.exemplar_quotes(codings, corpus=corpus, attribute="informan")


def test_saturation_orders_real_dates_not_strings():
    """Issue 14.3: ``15/01/2021`` style dates were sorted as text (02/03 before 15/01) and
    undated interviews went last silently."""
    dates = {"A": "15/01/2021", "B": "02/03/2021", "C": "9 Februari 2021", "D": "2020-12-30"}
    texts = {f"{d}.txt": f"---\nid: {d}\ndate: {v}\nspeakers: {{I: informant}}\n---\nI: teks\n"
             for d, v in dates.items()}
    corpus = ce.Corpus.from_texts(texts)
    codings = pd.DataFrame([(d, 1, 3, 7, "a", "A") for d in dates], columns=ce.CODING_COLUMNS)
    sat = ce.saturation(codings, corpus=corpus, base_size=1, run_length=1)
    assert sat["doc_id"].tolist() == ["D", "A", "C", "B"]
    assert sat["date"].tolist() == ["2020-12-30", "2021-01-15", "2021-02-09", "2021-03-02"]
    undated = dict(texts, **{"E.txt": "---\nid: E\nspeakers: {I: informant}\n---\nI: teks\n"})
    corpus = ce.Corpus.from_texts(undated)
    with pytest.raises(ce.InputError, match="needs a date for every interview; 1 have none: E"):
        ce.saturation(codings, corpus=corpus)
    sat = ce.saturation(codings, corpus=corpus, order=["E", "D", "A"])  # explicit order works
    assert sat["date"].isna().tolist() == [True, False, False]
    assert sat["date"].tolist()[1:] == ["2020-12-30", "2021-01-15"]


def test_code_frequencies_labels_follow_lang():
    """Notebook 03 passes the study's lang: the labels were always the codebook's."""
    study = ce.example_study()
    a = study.codings[study.codings["coder"] == "A"]
    cb = study.codebook
    en = ce.code_frequencies(a, corpus=study.corpus, codebook=cb, lang="en")
    default = ce.code_frequencies(a, corpus=study.corpus, codebook=cb)
    assert en["label"].tolist() == [cb.label(c, "en") for c in en["code"]]
    assert default["label"].tolist() == [cb.label(c, "id") for c in default["code"]]
    assert en["label"].tolist() != default["label"].tolist()
    by = ce.code_frequencies(a, corpus=study.corpus, codebook=cb, by="group", lang="en")
    assert set(by["label"]) == set(en["label"])
    with pytest.raises(ValueError, match="lang"):
        ce.code_frequencies(a, corpus=study.corpus, codebook=cb, lang="fr")


def test_code_frequencies_count_only_the_roles_turns():
    """Finding 7 (session 10): a coding on the interviewer's question was counted in
    n_codings, n_segments, n_documents and share_segments (a share of informant turns) but
    not in n_informants; codings outside ``roles`` are now left out of every count."""
    corpus, codings = small()
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    asked = seg.loc[("B", 1)]  # B's interviewer turn
    slip = pd.DataFrame([("B", 1, int(asked["start"]), int(asked["end"]), "y", "A")],
                        columns=ce.CODING_COLUMNS)
    with pytest.warns(UserWarning, match=r"1 of 7 codings .* left out of every count"):
        f = ce.code_frequencies(pd.concat([codings, slip], ignore_index=True),
                                corpus=corpus).set_index("code")
    assert f.loc["y", ["n_codings", "n_segments", "n_documents", "n_informants"]].tolist() == [
        1, 1, 1, 1]
    assert f.loc["y", "share_segments"] == pytest.approx(1 / 3)
    assert f.attrs["n_codings_ignored"] == 1
    # roles=None: every turn counts, the interviewer's coding too
    every = ce.code_frequencies(pd.concat([codings, slip], ignore_index=True), corpus=corpus,
                                roles=None).set_index("code")
    assert every.loc["y", ["n_codings", "n_segments", "n_documents"]].tolist() == [2, 2, 2]
    assert every.attrs["n_codings_ignored"] == 0


@pytest.mark.parametrize("roles, n_informants", [(None, 3), (("informant",), 2),
                                                   (("interviewer",), 1)])
def test_code_frequencies_count_the_speakers_of_the_roles_as_theme_evidence_does(
        roles, n_informants):
    """Session 15: with roles=None, a code applied once to an interviewer's turn and to two
    informants' turns had n_informants 2 here and 3 in theme_evidence, whose docstring says
    it counts them as code_frequencies does: both count the distinct speakers of the coded
    turns of ``roles`` (every speaker for None), as the role filter chooses the turns."""
    corpus = ce.Corpus.from_texts({
        f"{x}.txt": f"---\nid: {x}\nspeakers: {{P: interviewer, I: informant}}\n---\n"
                    "P: Gamma tanya?\nI: Gamma jawab.\n" for x in ("X1", "X2", "X3")})
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    codings = pd.DataFrame([(d, s, int(seg.at[(d, s), "start"]), int(seg.at[(d, s), "end"]),
                             "c", "A") for d, s in (("X1", 1), ("X2", 2), ("X3", 2))],
                           columns=ce.CODING_COLUMNS)
    book = ce.Codebook.from_dict({"codebook": "t", "version": 1, "language": "id",
                                  "codes": [{"id": "c", "label": {"id": "c"}}]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        freq = ce.code_frequencies(codings, corpus=corpus, codebook=book, roles=roles)
        theme = ce.theme_evidence(codings, corpus=corpus, codebook=book, roles=roles)
    assert int(freq["n_informants"][0]) == n_informants
    assert int(theme["n_informants"][0]) == n_informants


def _with_question_coded():
    """``small()`` plus codings on B's interviewer turn: ``y`` (also coded in A's answer)
    and ``x`` with ``q``, a code nobody coded in an answer."""
    corpus, codings = small()
    asked = corpus.segments.set_index(["doc_id", "segment_id"]).loc[("B", 1)]
    slip = pd.DataFrame([("B", 1, int(asked["start"]), int(asked["end"]), c, "A")
                         for c in ("y", "x", "q")], columns=ce.CODING_COLUMNS)
    return corpus, pd.concat([codings, slip], ignore_index=True)


def test_cooccurrence_counts_only_the_roles_turns():
    """Session 11: the co-occurrence table counted codings on the interviewer's question
    that the theme table (code_frequencies) leaves out, so the two disagreed."""
    corpus, codings = _with_question_coded()
    co = ce.cooccurrence(codings, corpus=corpus)
    pairs = {(a, b): c for a, b, c, _ in co.itertuples(index=False)}
    assert pairs[("x", "x")] == 3 and pairs[("y", "y")] == 1 and pairs[("x", "y")] == 1
    assert "q" not in set(co["code_a"]) and co.attrs["n_codings_ignored"] == 3
    freq = ce.code_frequencies(codings, corpus=corpus).set_index("code")
    assert all(freq.loc[c, "n_segments"] == pairs[(c, c)] for c in ("x", "y", "z"))
    every = ce.cooccurrence(codings, corpus=corpus, roles=None)
    pairs = {(a, b): c for a, b, c, _ in every.itertuples(index=False)}
    assert pairs[("x", "x")] == 4 and pairs[("x", "q")] == 1 and pairs[("y", "q")] == 1
    assert every.attrs["n_codings_ignored"] == 0
    asked = ce.cooccurrence(codings, corpus=corpus, roles=["interviewer"])
    assert set(asked["code_a"]) == {"x", "y", "q"} and asked.attrs["n_codings_ignored"] == 6
    with pytest.raises(TypeError, match="roles must be a list of names"):
        ce.cooccurrence(codings, corpus=corpus, roles="informant")
    with pytest.raises(ce.InputError, match="informan"):
        ce.cooccurrence(codings, corpus=corpus, roles=["informan"])


def test_case_matrix_counts_only_the_roles_turns():
    corpus, codings = _with_question_coded()
    m = ce.code_case_matrix(codings, corpus=corpus)
    # B's answer has x and z; y and q only on B's question
    assert m.loc["y"].tolist() == [1, 0] and m.loc["x"].tolist() == [1, 1]
    # q, on the question only, is a row of zeros (code_frequencies lists it with zeros)
    assert m.loc["q"].tolist() == [0, 0] and m.attrs["n_codings_ignored"] == 3
    with pytest.warns(UserWarning, match="3 of 9 codings"):
        freq = ce.code_frequencies(codings, corpus=corpus).set_index("code")
    assert m.sum(axis=1).to_dict() == freq["n_documents"].to_dict()
    every = ce.code_case_matrix(codings, corpus=corpus, roles=None)
    assert every.loc["y"].tolist() == [1, 1] and every.loc["q"].tolist() == [0, 1]
    assert every.attrs["n_codings_ignored"] == 0


def test_exemplar_quotes_never_quote_the_interviewer():
    """An exemplar quote could be the interviewer's own question (coded by mistake)."""
    corpus, codings = _with_question_coded()
    extra = codings[codings["doc_id"].eq("B") & codings["segment_id"].eq(1)].assign(coder="B")
    both = pd.concat([codings, extra], ignore_index=True)  # two coders: ranked first
    q = ce.exemplar_quotes(both, corpus=corpus, k=3, min_chars=1)
    roles = corpus.segments.set_index(["doc_id", "segment_id"])["role"]
    quoted = pd.MultiIndex.from_frame(q[["doc_id", "segment_id"]])
    assert (roles.reindex(quoted) == "informant").all()
    assert "q" not in set(q["code"]) and q.attrs["n_codings_ignored"] == 6
    every = ce.exemplar_quotes(both, corpus=corpus, k=3, min_chars=1, roles=None)
    assert every.loc[every["code"] == "y", ["doc_id", "segment_id"]].values.tolist()[0] \
        == ["B", 1]
    assert every.attrs["n_codings_ignored"] == 0
    empty = ce.exemplar_quotes(codings[codings["code"] == "q"], corpus=corpus)
    assert empty.empty and empty.attrs["n_codings_ignored"] == 1


def test_role_filter_without_roles_in_the_corpus_is_code_frequencies():
    """A corpus whose turns have no role: every analysis leaves out what code_frequencies
    leaves out (informants' turns by default: none), and roles=None counts every turn."""
    corpus = ce.Corpus.from_texts({"X.txt": "---\nid: X\n---\nteks satu\n\nteks dua\n"})
    seg = corpus.segments
    codings = pd.DataFrame([("X", int(s), int(a), int(b), "a", "A") for s, a, b in
                            zip(seg["segment_id"], seg["start"], seg["end"], strict=True)],
                           columns=ce.CODING_COLUMNS)
    freq = ce.code_frequencies(codings, corpus=corpus)
    tables = [ce.cooccurrence(codings, corpus=corpus),
              ce.code_case_matrix(codings, corpus=corpus),
              ce.exemplar_quotes(codings, corpus=corpus, min_chars=1)]
    assert [t.attrs["n_codings_ignored"] for t in tables] == [freq.attrs["n_codings_ignored"]] * 3
    assert freq["n_codings"].sum() == 0 and tables[0].empty and tables[2].empty
    assert int(tables[1].to_numpy().sum()) == 0
    every = [ce.cooccurrence(codings, corpus=corpus, roles=None),
             ce.code_case_matrix(codings, corpus=corpus, roles=None),
             ce.exemplar_quotes(codings, corpus=corpus, min_chars=1, roles=None)]
    assert every[0]["count"].tolist() == [2] and every[1].loc["a", "X"] == 1
    assert len(every[2]) == 2


FOCUS_GROUPS = {  # two focus groups: a moderator and several participants each
    "fg1.txt": "---\nid: FG1\nkelompok: Warga RT 3\nspeakers: {MOD: interviewer, "
               "{a}: informant, {b}: informant}\n---\nMOD: Bagaimana layanannya?\n"
               "{a}: Layanan puskesmas sudah cepat.\n{b}: Antrean masih panjang.\n"
               "{a}: Petugasnya juga ramah.\n",
    "fg2.txt": "---\nid: FG2\nkelompok: Kader Posyandu\nspeakers: {MOD: interviewer, "
               "P3: informant, P4: informant}\n---\nMOD: Bagaimana layanannya?\n"
               "P3: Kami dibantu petugas.\nP4: Jadwalnya jelas.\n",
}


def focus_groups(a="P1", b="P2"):
    """Two focus groups; FG1's participants are labelled ``a`` and ``b``."""
    corpus = ce.Corpus.from_texts({name: text.replace("{a}", a).replace("{b}", b)
                                   for name, text in FOCUS_GROUPS.items()})
    seg = corpus.segments
    return corpus, seg[seg["role"] == "informant"].set_index(["doc_id", "segment_id"])


def _whole_turns(turns, keys, code="x", coder="A"):
    return pd.DataFrame([(d, s, int(turns.loc[(d, s), "start"]), int(turns.loc[(d, s), "end"]),
                          code, coder) for d, s in keys], columns=ce.CODING_COLUMNS)


def test_focus_group_quotes_are_attributed_to_their_speaker():
    """Session 11: a focus-group quote was attributed to the document ("FG1, Warga RT 3"),
    not to the participant who said it."""
    corpus, turns = focus_groups()
    codings = _whole_turns(turns, [("FG1", 2), ("FG1", 3), ("FG2", 2)])
    q = ce.exemplar_quotes(codings, corpus=corpus, k=3, min_chars=1).set_index("segment_id")
    fg1 = q[q["doc_id"] == "FG1"]
    assert fg1.loc[2, "speaker"] == "P1" and fg1.loc[3, "speaker"] == "P2"
    assert fg1.loc[3, "attribution"] == "FG1, P2, Warga RT 3"
    assert fg1.loc[3, "informant"] == "Warga RT 3"  # the document's attribute, as before
    fg2 = q[q["doc_id"] == "FG2"].iloc[0]
    assert (fg2["speaker"], fg2["attribution"]) == ("P3", "FG2, P3, Kader Posyandu")
    bare = ce.exemplar_quotes(codings, corpus=corpus, k=3, min_chars=1, attribute=None)
    assert sorted(bare["attribution"]) == ["FG1, P1", "FG1, P2", "FG2, P3"]


def test_one_informant_per_transcript_keeps_its_attribution():
    """An interview with one informant: the document is the informant, the label is not
    repeated (``small()``'s informant X of A)."""
    corpus, codings = small()
    q = ce.exemplar_quotes(codings, corpus=corpus, k=1, min_chars=1)
    x = q[q["code"] == "x"].iloc[0]
    assert (x["speaker"], x["attribution"]) == ("X", "A, Kepala Humas")


def test_top_quotes_come_from_different_speakers_not_documents():
    """Among equal quotes, a participant not yet quoted comes first: the second quote
    of FG1 is P2's, not P1's second turn, nor another group's only because it is one."""
    corpus, turns = focus_groups()
    codings = _whole_turns(turns, [("FG1", 2), ("FG1", 4), ("FG1", 3), ("FG2", 2)])
    q = ce.exemplar_quotes(codings, corpus=corpus, k=2, min_chars=1)
    assert q[["doc_id", "speaker"]].values.tolist() == [["FG1", "P1"], ["FG1", "P2"]]
    q3 = ce.exemplar_quotes(codings, corpus=corpus, k=3, min_chars=1)
    assert q3["speaker"].tolist() == ["P1", "P2", "P3"]
    q4 = ce.exemplar_quotes(codings, corpus=corpus, k=4, min_chars=1)
    assert q4["segment_id"].tolist()[-1] == 4  # P1's second turn only when all are quoted


def test_quote_attribution_never_shows_a_pseudonymised_name():
    """The label comes from the (pseudonymised) corpus: a real name the key replaced is in
    no column of the quotes, not even when the codings carry a speaker column of their own
    (e.g. copied from a coding sheet of the original transcripts)."""
    corpus, turns = focus_groups("Budi", "Sari")
    codings = _whole_turns(turns, [("FG1", 2), ("FG1", 3)])
    res = ce.pseudonymise(corpus, key={"Budi": "P1", "Sari": "P2"}, codings=codings,
                          detect=())
    carried = res.codings.assign(speaker=["Budi", "Sari"])
    q = ce.exemplar_quotes(carried, corpus=res.corpus, k=2, min_chars=1)
    assert sorted(q["attribution"]) == ["FG1, P1, Warga RT 3", "FG1, P2, Warga RT 3"]
    shown = q.astype(str).to_numpy().ravel()
    assert not any(name in cell for cell in shown for name in ("Budi", "Sari"))


#: The analyses that take codings and a corpus, as ``analysis(codings, corpus)``.
ANALYSES = [
    lambda c, corpus: ce.code_frequencies(c, corpus=corpus),
    lambda c, corpus: ce.saturation(c, corpus=corpus, order="auto"),
    lambda c, corpus: ce.exemplar_quotes(c, corpus=corpus, min_chars=1),
    lambda c, corpus: ce.cooccurrence(c, corpus=corpus),
    lambda c, corpus: ce.code_case_matrix(c, corpus=corpus),
]


@pytest.mark.parametrize("analysis", ANALYSES)
def test_analyses_check_spans_and_documents_like_agreement(analysis):
    corpus, codings = small()
    size = len(corpus.text("A"))
    bad = codings.copy()
    bad.loc[0, ["start", "end"]] = [size + 10, size + 40]  # a typo past the end of the text
    with pytest.raises(ce.InputError, match="outside the text"):
        analysis(bad, corpus)
    stray = codings.copy()
    stray.loc[0, "doc_id"] = "NOPE"  # a coding on a document the corpus lacks
    with pytest.raises(ce.InputError, match="NOPE"):
        analysis(stray, corpus)


def test_uncoded_interviews_are_named_not_counted_silently():
    """Interviews the coder has not coded yet are not "coded with no code": saturation and
    code_frequencies warn, naming how many and how to restrict the corpus."""
    corpus, codings = sat_corpus_and_codings()
    order = list(SAT_CODES)
    started = codings[codings["doc_id"].isin(order[:6])]  # 4 interviews not coded yet
    with pytest.warns(ce.CoverageWarning, match=r"4 of 10 .*coded_documents"):
        ce.saturation(started, corpus=corpus, order=order)
    with pytest.warns(ce.CoverageWarning, match=r"4 of 10"):
        ce.code_frequencies(started, corpus=corpus)
    # restricted to the coded interviews (the fix the warning names): silent, and the share
    # of a code is over the coded interviews
    coded = corpus.subset(order[:6])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        freq = ce.code_frequencies(started, corpus=coded).set_index("code")
        ce.saturation(started, corpus=coded, order=order[:6])
        ce.saturation(codings, corpus=corpus, order=order)  # every interview coded
    assert freq.loc["a", "share_segments"] == pytest.approx(
        started.loc[started["code"] == "a", "doc_id"].nunique() / 6)


def test_saturation_refuses_an_explicit_base_no_run_can_follow():
    """Session 13: an explicit ``base_size`` that leaves fewer than ``run_length`` interviews
    after it judged nothing, with a warning only; it is refused as a base of every
    interview was (the default base, None, still adapts). The maximum follows run_length."""
    corpus, codings = sat_corpus_and_codings()
    few = corpus.subset(list(SAT_CODES)[:5])
    codings = codings[codings["doc_id"].isin(few.doc_ids)]
    for base, run in ((4, 2), (5, 2), (6, 2), (3, 3)):
        with pytest.raises(ValueError, match=rf"^base_size must be at most {5 - run} \(a run "
                                             rf"of run_length={run} interviews must follow "
                                             rf"the base.*5 interviews.*\), got {base}$"):
            ce.saturation(codings, corpus=few, order="auto", base_size=base, run_length=run)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sat = ce.saturation(codings, corpus=few, order="auto", base_size=3, run_length=2)
    assert sat.attrs["saturation"]["judged"] is True
    # too few interviews for any base and a run: only the default (None) goes on, unjudged
    two = corpus.subset(list(SAT_CODES)[:2])
    mine = codings[codings["doc_id"].isin(two.doc_ids)]
    with pytest.raises(ValueError, match=r"^base_size must leave a run of run_length=2 .* "
                                         r"in the 2 interview\(s\) .*got 1; leave "
                                         r"base_size=None"):
        ce.saturation(mine, corpus=two, order="auto", base_size=1)


def test_saturation_says_when_it_cannot_be_judged():
    corpus, codings = sat_corpus_and_codings()
    few = corpus.subset(list(SAT_CODES)[:2])
    codings = codings[codings["doc_id"].isin(few.doc_ids)]
    with pytest.warns(ce.SaturationWarning,
                      match=r"cannot be judged: not even a base of one interview leaves a run "
                            r"of run_length=2 in the 2 interview"):
        sat = ce.saturation(codings, corpus=few, order="auto")
    assert sat.attrs["saturation"]["judged"] is False
    assert sat.attrs["saturation"]["saturation_point"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus, codings = sat_corpus_and_codings()
        full = ce.saturation(codings, corpus=corpus, order="auto")
    assert full.attrs["saturation"]["judged"] is True


def test_by_an_attribute_some_interviews_lack_names_them_and_leaves_them_out():
    """One rule for code_frequencies, word_frequencies and keyness: an interview without the
    ``by`` attribute is in no group (not in the rest either), a warning names it, and
    code_frequencies counts its codings in attrs["n_codings_ignored"]."""
    src = {f"{d}.txt": f"---\nid: {d}\n{g}speakers: {{Q: interviewer, R: informant}}\n---\n"
                       f"Q: Promosi?\nR: Lewat instagram {w}.\n"
           for d, g, w in (("G1", "group: kafe\n", "saja"), ("G2", "", "juga"),
                           ("G3", "group: toko\n", "terus"))}
    corpus = ce.Corpus.from_texts(src)
    book = ce.Codebook.from_dict({"codebook": "x", "language": "id", "codes": [
        {"id": "m", "label": "M", "patterns": ["instagram"]}]})
    auto = ce.autocode(corpus, book)
    assert len(auto) == 3
    with pytest.warns(UserWarning, match=r"1 interview.*'group'.*G2"):
        freq = ce.code_frequencies(auto, corpus=corpus, by="group")
    assert freq["n_codings"].sum() + freq.attrs["n_codings_ignored"] == len(auto)
    with pytest.warns(UserWarning, match=r"'group'.*G2"):
        words = ce.word_frequencies(corpus, by="group", stopwords=False, min_count=1)
    assert "juga" not in set(words["word"])
    with pytest.warns(UserWarning, match=r"'group'.*G2"):
        key = ce.keyness(corpus, by="group", target="kafe", min_count=1, top=None,
                         stopwords=False)
    assert "juga" not in set(key["word"])
    assert int(key.set_index("word").loc["instagram", "count_rest"]) == 1  # G3 only


def test_the_default_base_adapts_to_the_number_of_interviews():
    """Session 12: the default base of 4 on a study of 4 interviews made every interview the
    base (a warning, and a table that judges nothing). ``base_size=None`` (the default) is
    Guest et al.'s base of 4 when a run can follow it, else the largest base that leaves
    one run (with a warning that the base is smaller than the method's)."""
    corpus, codings = sat_corpus_and_codings()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = ce.saturation(codings, corpus=corpus, order="auto")
    assert full.attrs["saturation"]["base_size"] == 4
    assert full.equals(ce.saturation(codings, corpus=corpus, order="auto", base_size=4))
    for n, base in ((5, 3), (4, 2), (3, 1)):
        few = corpus.subset(list(SAT_CODES)[:n])
        mine = codings[codings["doc_id"].isin(few.doc_ids)]
        with pytest.warns(ce.SaturationWarning,
                          match=rf"base_size={base} .*of the {n} interviews.*Guest et al. "
                                "suggest 4 or 6.*saturation_base in study.yaml"):
            sat = ce.saturation(mine, corpus=few, order="auto")
        info = sat.attrs["saturation"]
        assert (info["base_size"], info["judged"]) == (base, True)
        assert sat["in_base"].sum() == base and sat["run_ratio"].notna().sum() == 1
    # too few interviews for a base and a run: every interview is the base, not judged
    two = corpus.subset(list(SAT_CODES)[:2])
    with pytest.warns(ce.SaturationWarning, match="cannot be judged"):
        sat = ce.saturation(codings[codings["doc_id"].isin(two.doc_ids)], corpus=two,
                            order="auto")
    assert sat.attrs["saturation"]["judged"] is False


@pytest.mark.parametrize("with_value, expected", [
    (1, "one value, in 1 of 5 interviews"),
    (5, "one value for 5 interviews")])
def test_ungrouped_attribute_counts_the_interviews_that_have_it(with_value, expected):
    """Session 12: 'language' set in 1 of 5 transcripts was reported as 'one value for 5
    interviews', as if every interview had it."""
    texts = {f"I{i}.txt": (f"---\nid: I{i}\n" + ("language: ms\n" if i < with_value else "")
                           + "speakers: {Q: interviewer, A: informant}\n---\n"
                           "Q: Hello?\nA: We send a press release.\n") for i in range(5)}
    why = ce.ungrouped_attributes(ce.Corpus.from_texts(texts))
    assert why["language"] == expected


def _two_spans_in_one_turn():
    """One informant turn of three sentences; the first and the last are coded."""
    corpus = ce.Corpus.from_texts({"H01.txt": (
        "---\nid: H01\nspeakers: {INT: interviewer, H01: informant}\n---\n"
        "INT: How did you handle it?\n"
        "H01: We set up a crisis team at once. The canteen menu changed too. "
        "We briefed journalists every morning.\n")})
    text = corpus.text("H01")
    first, last = "We set up a crisis team at once.", "We briefed journalists every morning."
    spans = [(text.index(s), text.index(s) + len(s)) for s in (first, last)]
    return corpus, text, spans, (first, last)


def test_a_quote_holds_only_the_coded_text_of_separate_spans():
    """Thesis study: two separate spans of one code in one turn were quoted from the first
    start to the last end, with the uncoded sentence between them."""
    corpus, text, spans, (first, last) = _two_spans_in_one_turn()
    codings = pd.DataFrame([("H01", 2, s, e, "x", "A") for s, e in spans],
                           columns=ce.CODING_COLUMNS)
    q = ce.exemplar_quotes(codings, corpus=corpus, k=3, min_chars=1).iloc[0]
    assert "canteen" not in q["quote"]
    assert q["quote"] == f"{first} … {last}"
    assert (q["start"], q["end"], q["n_spans"]) == (spans[0][0], spans[1][1], 2)
    assert q["n_chars"] == len(first) + len(last)  # the coded characters quoted
    # overlapping or touching spans (two coders' boundaries) are one span, sliced as is
    s, e = spans[0]
    over = pd.DataFrame([("H01", 2, s, e - 5, "x", "A"), ("H01", 2, s + 3, e, "x", "B"),
                         ("H01", 2, e + 1, spans[1][0] - 1, "x", "B")],
                        columns=ce.CODING_COLUMNS)
    one = ce.exemplar_quotes(over, corpus=corpus, k=1, min_chars=1).iloc[0]
    assert one["n_spans"] == 1 and one["quote"] == text[one["start"]:one["end"]]
    assert one["quote"] == text[s:spans[1][0] - 1] and one["n_chars"] == len(one["quote"])


def test_the_quote_of_a_consensus_is_its_hull():
    """A consensus span is the hull of the coders' spans (documented in exemplar_quotes):
    quoting it quotes the text between them; quoting the coders' codings does not."""
    corpus, _, spans, _ = _two_spans_in_one_turn()
    both = pd.DataFrame([("H01", 2, *spans[0], "x", "A"), ("H01", 2, *spans[1], "x", "B")],
                        columns=ce.CODING_COLUMNS)
    hull = ce.exemplar_quotes(ce.consensus(both, rule="any"), corpus=corpus, k=1,
                              min_chars=1).iloc[0]
    assert "canteen" in hull["quote"] and hull["n_spans"] == 1
    coders = ce.exemplar_quotes(both, corpus=corpus, k=1, min_chars=1).iloc[0]
    assert "canteen" not in coders["quote"] and coders["n_coders"] == 2
    import inspect
    assert "hull" in inspect.getdoc(ce.exemplar_quotes)


def test_code_frequencies_of_no_codings_says_so():
    """Session 14: an empty codings table (an unfilled file, a filter that kept nothing) gave
    an empty table, or with a codebook a table of zeros, and no word. A CoverageWarning says
    that there is no coding and what to check; the table is still returned, as before."""
    corpus, codings = small()
    none = codings.iloc[:0]
    with pytest.warns(ce.CoverageWarning, match=r"code_frequencies: codings holds no coding "
                                                r"at all, so every count is 0.*coder") as w:
        empty = ce.code_frequencies(none, corpus=corpus)
    assert len(w) == 1
    assert list(empty.columns) == ["code", "label", "n_codings", "n_segments", "n_documents",
                                   "n_informants", "share_segments"] and empty.empty
    with pytest.warns(ce.CoverageWarning, match="no coding at all"):
        grouped = ce.code_frequencies(none, corpus=corpus, by="group")
    assert grouped.empty and grouped.columns[0] == "group"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce.code_frequencies(codings, corpus=corpus)  # codings: no warning


def test_coder_threshold_and_quote_lengths_of_the_wrong_type_name_the_argument():
    """A list for coder=, a string for threshold=/min_chars=/max_chars= escaped as raw
    pandas or comparison errors; min_chars above max_chars was accepted (no quote fits)."""
    corpus, codings = sat_corpus_and_codings()
    for call in (lambda: ce.saturation(codings, corpus=corpus, coder=["A"]),
                 lambda: ce.code_frequencies(codings, corpus=corpus, coder=["A"])):
        with pytest.raises(TypeError, match=r"^coder must be one coder's name \(a string\) or "
                                            r"None, got list$"):
            call()
    with pytest.raises(TypeError, match=r"^threshold must be a proportion, a number from 0 to "
                                        r"1 \(e\.g\. 0\.05\), got the string '0\.05'$"):
        ce.saturation(codings, corpus=corpus, threshold="0.05")
    with pytest.raises(ValueError, match=r"^threshold must be a proportion in \[0, 1\]"):
        ce.saturation(codings, corpus=corpus, threshold=float("nan"))
    for option in ("min_chars", "max_chars"):
        with pytest.raises(TypeError, match=rf"^{option} must be an integer, got str$"):
            ce.exemplar_quotes(codings, corpus=corpus, **{option: "10"})
    with pytest.raises(ValueError, match=r"^min_chars \(100\) must not exceed max_chars \(10\)"):
        ce.exemplar_quotes(codings, corpus=corpus, min_chars=100, max_chars=10)
    assert len(ce.exemplar_quotes(codings, corpus=corpus, min_chars=4, max_chars=4))


@pytest.mark.parametrize("bad, said", [
    ({"start": -5}, "'start' must be a whole number >= 0, got -5"),
    ({"start": 9, "end": 4}, "start (9) must be smaller than end (4)"),
    ({"code": "xx"}, "code 'xx' is not in the codebook (did you mean 'x'?)"),
])
@pytest.mark.parametrize("analysis", ["code_frequencies", "cooccurrence", "code_case_matrix",
                                      "exemplar_quotes", "saturation"])
def test_analyses_refuse_codings_validate_codings_refuses(analysis, bad, said):
    """Session 14: a hand-built coding with a negative start or start > end was counted
    (and quoted as ''), and a misspelt code became its own row although codebook= was
    passed; the analyses now check codings as validate_codings does."""
    corpus, codings = small()
    book = ce.Codebook.from_dict({"codebook": "t", "language": "id", "codes": [
        {"id": c, "label": {"id": c}} for c in ("x", "y", "z")]})
    first = codings.iloc[0]
    row = {**first.to_dict(), "start": int(first["start"]) + 1, **bad}
    hand = pd.concat([codings, pd.DataFrame([row])], ignore_index=True)
    kw = {"codebook": book} if analysis != "saturation" else {}
    if analysis == "saturation" and "code" in bad:
        pytest.skip("saturation counts code ids; it takes no codebook")
    with pytest.raises(ce.InputError) as info:
        getattr(ce, analysis)(hand, corpus=corpus, **kw)
    assert len(info.value.problems) == 1 and info.value.problems[0].message.startswith(said)
    assert info.value.problems[0].line == len(hand) + 1


def test_saturation_counts_only_the_roles_turns():
    """Session 14: saturation counted a code found only on the interviewer's question as a
    new code of that interview although roles=("informant",) (code_frequencies leaves such
    a coding out); it now counts the codings of the roles' turns, as the other analyses."""
    corpus, codings = _with_question_coded()  # B's question: y, x and q (q nowhere else)
    order = ["A", "B"]
    sat = ce.saturation(codings, corpus=corpus, order=order, base_size=1, run_length=1)
    assert sat.set_index("doc_id").loc["B", "new_code_ids"] == "z"
    every = ce.saturation(codings, corpus=corpus, order=order, base_size=1, run_length=1,
                          roles=None)
    assert every.set_index("doc_id").loc["B", "new_code_ids"] == "q; z"


def test_saturation_says_how_many_codings_it_leaves_out_and_why():
    """Session 14 left open: saturation left out the codings on turns outside ``roles``
    without a word (the other analyses count them in ``attrs["n_codings_ignored"]``). Now
    it counts them there too and a UserWarning names how many, the roles of their turns
    and how to count them."""
    corpus, codings = _with_question_coded()  # 3 codings on B's interviewer turn
    order = ["A", "B"]
    with pytest.warns(UserWarning, match=r"saturation: 3 of 9 codings are on turns of "
                                         r"other roles than 'informant' \('interviewer'\) and "
                                         r"are left out.*roles=\['informant', 'interviewer'\]"
                                         r".*roles=None"):
        sat = ce.saturation(codings, corpus=corpus, order=order, base_size=1, run_length=1)
    assert sat.attrs["n_codings_ignored"] == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = ce.saturation(small()[1], corpus=corpus, order=order, base_size=1,
                             run_length=1)
        every = ce.saturation(codings, corpus=corpus, order=order, base_size=1, run_length=1,
                              roles=None)
    assert kept.attrs["n_codings_ignored"] == every.attrs["n_codings_ignored"] == 0


def test_code_frequencies_warns_when_every_coding_is_outside_the_roles():
    """Session 14 left open: codings all on the interviewer's turns (or on speakers of
    another role, such as a focus group's moderator) gave a table of zeros without a word.
    Now a UserWarning names the roles of their turns and how to include them; a table with
    some codings on the roles' turns stays silent (attrs["n_codings_ignored"] counts)."""
    corpus, _ = small()
    seg = corpus.segments
    asked = seg[seg["role"] == "interviewer"]
    codings = pd.DataFrame([(t.doc_id, t.segment_id, t.start, t.end, "x", "A")
                            for t in asked.itertuples()], columns=ce.CODING_COLUMNS)
    with pytest.warns(UserWarning, match=r"code_frequencies: all 3 codings are on turns of "
                                         r"other roles than 'informant' \('interviewer'\).*"
                                         r"every count is 0.*roles=\['informant', "
                                         r"'interviewer'\].*roles=None"):
        f = ce.code_frequencies(codings, corpus=corpus)
    assert f["n_codings"].sum() == 0 and f.attrs["n_codings_ignored"] == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce.code_frequencies(codings, corpus=corpus, roles=["interviewer"])
        ce.code_frequencies(pd.concat([small()[1], codings], ignore_index=True),
                            corpus=corpus, roles=None)


def test_code_frequencies_warns_once_when_some_codings_are_outside_the_roles():
    """Session 19 left open: code_frequencies warned only when every coding was left out,
    so a few codings on the interviewer's questions vanished from the counts without a
    word (saturation, given the same codings, warned). Now one UserWarning says how many
    of how many, the roles of their turns and the ``roles=`` that counts them."""
    corpus, kept = small()
    seg = corpus.segments
    asked = seg[seg["role"] == "interviewer"]
    slips = pd.DataFrame([(t.doc_id, t.segment_id, t.start, t.end, "x", "A")
                          for t in asked.itertuples()], columns=ce.CODING_COLUMNS)
    codings = pd.concat([kept, slips], ignore_index=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = ce.code_frequencies(codings, corpus=corpus)
        by = ce.code_frequencies(codings, corpus=corpus, by="group")
    said = [str(w.message) for w in caught if "other roles" in str(w.message)]
    assert len(said) == 2, said  # once per call
    assert all(re.search(rf"code_frequencies: 3 of {len(codings)} codings are on turns of "
                         r"other roles than 'informant' \('interviewer'\) and are left out "
                         r"of every count; pass roles=\['informant', 'interviewer'\].*"
                         r"roles=None", m) for m in said), said
    assert "every count is 0" not in said[0]
    assert f.attrs["n_codings_ignored"] == by.attrs["n_codings_ignored"] == 3
    assert int(f["n_codings"].sum()) == len(kept)


@pytest.mark.parametrize("analysis", [
    *ANALYSES, lambda c, corpus: ce.keyness(corpus, codings=c, target="x")])
def test_analyses_refuse_spans_outside_their_turn_like_validate_codings(analysis):
    """Session 18 (repro_12): a span starting on the speaker label, or running into the
    interviewer's next question, was accepted by the theme analyses (exemplar_quotes then
    quoted the label and the interviewer), though validate_codings and agreement refuse it:
    now the same InputError, with the same message, everywhere."""
    corpus, codings = small()
    turn = corpus.segments.set_index(["doc_id", "segment_id"]).loc[("A", 2)]
    first = codings.iloc[[0]]  # A, turn 2: 'X: satu dua tiga empat'
    for bad in (first.assign(start=int(turn["start"]) - 3),   # 'X: satu'
                first.assign(end=int(turn["end"]) + 3)):      # into 'P: lagi'
        with pytest.raises(ce.InputError) as expected:
            ce.validate_codings(bad, corpus=corpus)
        with pytest.raises(ce.InputError, match="is not inside segment 2 of 'A'") as got:
            analysis(bad, corpus)
        assert str(got.value) == str(expected.value)


def test_exemplar_quotes_needs_the_offsets_it_quotes():
    """Session 18 (repro_8): a 'Start' column was a bare KeyError deep in exemplar_quotes;
    now the shared missing-column message, naming what it has."""
    corpus, codings = small()
    with pytest.raises(ce.InputError, match=r"codings lacks column\(s\) start .*Start"):
        ce.exemplar_quotes(codings.rename(columns={"start": "Start"}), corpus=corpus)


def test_saturation_without_a_turn_of_the_roles_counts_what_code_frequencies_counts():
    """Session 19: informants with the role 'narasumber', roles=('informant',): saturation
    fell back to every coding (new codes in each interview) while code_frequencies counted
    0. Now it leaves the same codings out (and claims no saturation); roles=None counts
    them all."""
    corpus = ce.Corpus.from_texts({
        f"N{i}.txt": f"---\nid: N{i}\nspeakers: {{PEN: pewawancara, R{i}: narasumber}}\n---\n"
                     f"PEN: Bagaimana?\nR{i}: Jawaban {i}.\n" for i in range(1, 6)})
    seg = corpus.segments[corpus.segments["role"] == "narasumber"]
    codings = pd.DataFrame([(d, int(s), int(a), int(b), f"c{k % 3}", "A") for k, (d, s, a, b)
                            in enumerate(seg[["doc_id", "segment_id", "start", "end"]]
                                         .itertuples(index=False))],
                           columns=ce.CODING_COLUMNS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        freq = ce.code_frequencies(codings, corpus=corpus)
        sat = ce.saturation(codings, corpus=corpus, order="auto")
    assert freq["n_codings"].sum() == 0
    assert sat["new_codes"].sum() == 0 and sat.attrs["n_codings_ignored"] == len(codings)
    assert sat.attrs["saturation"]["saturation_point"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        every = ce.saturation(codings, corpus=corpus, order="auto", roles=None)
    assert every["new_codes"].sum() == 3
