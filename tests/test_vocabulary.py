"""Vocabulary with nltk: frequencies, collocations and keyness on constructed turns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

import citra_eval as ce
from citra_eval.vocabulary import (
    COLLOCATION_COLUMNS,
    FREQUENCY_COLUMNS,
    KEYNESS_COLUMNS,
    collocations,
    keyness,
    stop_words,
    word_frequencies,
)


def corpus_of(*docs: tuple[str, str, list[str]]) -> ce.Corpus:
    """Documents ``(doc_id, group, [informant turns])``."""
    texts = {}
    for doc, group, turns in docs:
        body = "".join(f"P: Bagaimana?\nI: {t}\n" for t in turns)
        texts[f"{doc}.txt"] = (f"---\nid: {doc}\ngroup: {group}\nspeakers: {{P: interviewer, "
                               f"I: informant}}\n---\n{body}")
    return ce.Corpus.from_texts(texts)


C_DOCS = (("D1", "media", ["Kerja sama dengan media itu penting.",
                            "Kami bekerjasama, ulun nggak pernah telat rilis."]),
          ("D2", "warga", ["Warga senang, warga datang ke forum warga.",
                           "Forum warga itu kerja sama juga."]))
C = corpus_of(*C_DOCS)


def on_turns(corpus: ce.Corpus, rows: list[tuple]) -> pd.DataFrame:
    """Codings ``(doc_id, segment_id, start, end, code, coder)`` with ``start`` and ``end``
    counted from the start of their turn (a span inside it, as the analyses require)."""
    turn = corpus.segments.set_index(["doc_id", "segment_id"])["start"]
    return pd.DataFrame([(d, t, turn[(d, t)] + s, turn[(d, t)] + e, c, who)
                         for d, t, s, e, c, who in rows], columns=ce.CODING_COLUMNS)


def test_word_frequencies_count_normalised_words():
    f = word_frequencies(C, stopwords=False).set_index("word")
    assert list(word_frequencies(C).columns) == FREQUENCY_COLUMNS
    assert f.loc["warga", ["count", "n_turns", "n_documents"]].tolist() == [4, 2, 1]
    # slang and Banjarese are read as standard words, the written forms are kept
    assert f.loc["tidak", "forms"] == "nggak" and f.loc["saya", "forms"] == "ulun"
    assert f["count"].sum() == pytest.approx(1000 * f["count"].sum() / f["per_1000"].sum()
                                             * f["per_1000"].sum() / 1000)
    assert np.isclose(f["per_1000"].sum(), 1000)
    # the interviewer is not counted by default
    assert "bagaimana" not in f.index
    assert "bagaimana" in word_frequencies(C, roles=None, stopwords=False)["word"].tolist()


def test_stop_words_and_stems():
    plain = word_frequencies(C)["word"].tolist()
    assert "itu" not in plain and "dengan" not in plain and "itu" in stop_words()
    assert "sama" in plain  # a content word here, dropped by PySastrawi's list
    assert "sama" not in word_frequencies(C, stopwords="sastrawi")["word"].tolist()
    book = ce.Codebook.from_dict({"codes": [{"id": "ks", "label": "KS",
                                            "patterns": ["kerja sama"]}]})
    stems = word_frequencies(C, stem=True, codebook=book).set_index("word")
    # kerja sama, bekerjasama: one stem pair once the codebook names the compound
    assert stems.loc["kerja", "count"] == 3
    assert set(stems.loc["kerja", "forms"].split("; ")) == {"kerja", "bekerjasama"}


def test_one_word_patterns_split_no_word_of_the_vocabulary():
    corpus = corpus_of(("D1", "g", ["Kami membuat infografis dua kali setahun.",
                                    "Keluhan saya sampaikan ke bidan, infografis juga."]))
    book = ce.Codebook.from_dict({"codes": [{"id": "a", "label": "A", "patterns": [
        "membuat", "infografis", "setahun", "sampaikan"]}]})
    for stem in (False, True):
        plain = word_frequencies(corpus, stem=stem)
        with_book = word_frequencies(corpus, stem=stem, codebook=book)
        assert with_book["word"].tolist() == plain["word"].tolist()
        assert {"info", "grafis", "seta", "hun", "sampa", "ikan"}.isdisjoint(with_book["word"])
    pairs = collocations(corpus, min_count=1, stopwords=False, codebook=book)
    assert "info grafis" not in set(pairs["ngram"])


def test_word_frequencies_by_group_and_top():
    f = word_frequencies(C, by="group", top=1)
    assert list(f.columns) == ["group", *FREQUENCY_COLUMNS]
    assert f["group"].tolist() == ["media", "warga"]
    assert f.set_index("group").loc["warga", ["word", "count"]].tolist() == ["warga", 4]
    # ties (every word of "media" once) in alphabetical order
    assert f.set_index("group").loc["media", "word"] == sorted(
        word_frequencies(C.subset(["D1"]))["word"])[0]
    with pytest.raises(ValueError, match="by must be a document attribute"):
        word_frequencies(C, by="nope")


@pytest.mark.parametrize("call", [lambda by: word_frequencies(C, by=by),
                                  lambda by: keyness(C, by=by, target="warga")])
def test_by_takes_one_column_name_not_a_list(call):
    """Session 17 (mixed repro 2): ``by=["group"]`` (a list, as study.yaml's ``group_by``
    is) was a bare "unhashable type: 'list'"; a number was "not a document attribute"."""
    with pytest.raises(TypeError, match=r"by takes one column name, got a list "
                                        r"\['group', 'x'\]; call once per column"):
        call(["group", "x"])
    with pytest.raises(TypeError, match="by must be the name of a document attribute"):
        call(3)


def test_collocations_stay_inside_turns():
    docs = [("D1", "g", ["tatap muka lagi", "tatap muka lagi", "muka tatap", "tatap muka"])]
    out = collocations(corpus_of(*docs), min_count=2, stopwords=False)
    assert list(out.columns) == COLLOCATION_COLUMNS
    assert dict(zip(out["ngram"], out["count"], strict=True)) == {"tatap muka": 3,
                                                                 "muka lagi": 2}
    assert out["score"].is_monotonic_decreasing
    # "lagi" ends one turn and "tatap" starts the next: never paired across turns
    assert "lagi tatap" not in set(out["ngram"])
    tri = collocations(corpus_of(*docs), n=3, min_count=2, stopwords=False)
    assert tri["ngram"].tolist() == ["tatap muka lagi"]
    pmi = collocations(corpus_of(*docs), measure="pmi", min_count=2, stopwords=False)
    assert set(pmi["measure"]) == {"pmi"}
    with pytest.raises(ValueError, match="measure"):
        collocations(C, measure="dice")


def test_keyness_is_dunnings_g2_of_the_two_by_two_table():
    """Checked against scipy's G-test of the same 2x2 table (an independent oracle)."""
    codings = on_turns(C, [("D2", 2, 0, 1, "forum", "A"), ("D2", 4, 0, 1, "forum", "A"),
                            ("D1", 2, 0, 1, "other", "A")])  # D1 coded: its turns are rest
    out = keyness(C, codings=codings, target="forum", min_count=1, top=None,
                  stopwords=False)
    assert list(out.columns) == KEYNESS_COLUMNS
    c, d = int(out["count_target"].sum()), int(out["count_rest"].sum())
    assert c == 13  # the words of the two turns coded "forum"
    for word in ("warga", "forum", "media"):
        row = out.set_index("word").loc[word]
        table = np.array([[row.count_target, c - row.count_target],
                          [row.count_rest, d - row.count_rest]])
        g2, p, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
        assert row.log_likelihood == pytest.approx(g2)
        assert row.p_value == pytest.approx(p)
        a_, b_ = max(row.count_target, 0.5), max(row.count_rest, 0.5)
        assert row.log_ratio == pytest.approx(np.log2((a_ / c) / (b_ / d)))
    assert out.set_index("word").loc["warga", "direction"] == "over"
    assert out.set_index("word").loc["media", "direction"] == "under"


def test_keyness_by_group_and_bad_arguments():
    out = keyness(C, by="group", target="warga", min_count=2)
    assert out["word"].iloc[0] == "warga" and (out["direction"] == "over").all()
    with pytest.raises(ValueError, match=r"either codings= .* or by="):
        keyness(C, target="warga")
    with pytest.raises(ValueError, match="no document has as its 'group'"):
        keyness(C, by="group", target="nobody")
    codings = on_turns(C, [("D1", 2, 0, 1, "x", "A")])
    with pytest.raises(ValueError, match="target names code 'y' that no coding has"):
        keyness(C, codings=codings, target="y")
    with pytest.raises(TypeError, match="corpus must be"):
        word_frequencies("corpus")


def test_on_the_example_study(example_corpus):
    a = ce.read_codings(ce.example_path("codings_A"))
    key = keyness(example_corpus, codings=a, target="bamara", top=5)
    assert "bamara" in key["word"].tolist()
    assert (key["p_value"] < 0.05).all()
    top = collocations(example_corpus, top=3)
    assert "wali kota" in top["ngram"].tolist()


def test_an_english_codebook_drops_english_stop_words():
    """An English study's word list started with 'the' (20) and 'and' (15), its key words
    were 'an', 'is', its collocations 'add that'."""
    corpus = ce.Corpus.from_texts({"e.txt": (
        "---\nid: E1\nspeakers: {Q: interviewer, A: informant}\n---\n"
        "Q: What about the nurses?\n"
        "A: The nurse is kind and the doctor is kind and the ward is clean.\n"
        "A: The nurse is quick and the nurse is kind, and that is the point.\n")})
    english = ce.Codebook.from_dict({"language": "en", "codes": [
        {"id": "care", "label": {"en": "Care"}, "patterns": ["nurse"]}]})
    indonesian = ce.Codebook.from_dict({"language": "id", "codes": [
        {"id": "care", "label": {"en": "Care"}, "patterns": ["nurse"]}]})
    words = ce.word_frequencies(corpus, codebook=english)["word"].tolist()
    assert set(words[:2]) == {"nurse", "kind"}  # three times each
    assert not {"the", "and", "is", "that"} & set(words)
    # an Indonesian codebook (or none) keeps the Indonesian list: English function words stay
    assert "the" in ce.word_frequencies(corpus, codebook=indonesian)["word"].tolist()
    assert "the" in ce.word_frequencies(corpus)["word"].tolist()
    pairs = ce.collocations(corpus, codebook=english, min_count=2)["ngram"].tolist()
    assert pairs and all("the" not in p.split() and "is" not in p.split() for p in pairs)


def test_a_target_nobody_applied_is_an_input_error_listing_the_codes():
    codings = on_turns(C, [("D1", 2, 0, 5, "media", "A")])
    with pytest.raises(ce.InputError, match=r"target names code 'medai' that no coding has; "
                       r"the known ones are 'media'; did you mean 'media'\?; a code nobody "
                       "applied has no turns"):
        keyness(C, codings=codings, target="medai")
    with pytest.raises(ce.InputError, match=r"target names value 'medya' that no document "
                       r"has as its 'group'; the known ones are 'media', 'warga'"):
        keyness(C, by="group", target="medya")


def test_keyness_checks_the_codes_against_the_codebook_as_code_frequencies_does():
    """Student, repro 11: with codebook=, a misspelt code left its turns out of the target
    without a word; now the check of code_frequencies/cooccurrence/exemplar_quotes."""
    book = ce.Codebook.from_dict({"codes": [{"id": "media", "label": "Media"},
                                            {"id": "forum", "label": "Forum"}]})
    codings = on_turns(C, [("D1", 2, 0, 5, "media", "A"), ("D2", 2, 0, 5, "mediaa", "A")])
    with pytest.raises(ce.InputError, match=r"<input>: row 1: column 'code': code 'mediaa' is not "
                                            r"in the codebook \(did you mean 'media'\?\)"):
        keyness(C, codings=codings, target="media", codebook=book, min_count=1)
    with pytest.raises(ce.InputError, match=r"code 'mediaa' is not in the codebook"):
        ce.code_frequencies(codings, corpus=C, codebook=book)  # the same check
    keyness(C, codings=codings.iloc[:1], target="media", codebook=book, min_count=1)
    keyness(C, codings=codings, target="media", min_count=1)  # no codebook: no check


def test_keyness_checks_the_corpus_before_the_options():
    """Student, repro 5: a codings table where the corpus goes was told to give codings= or
    by=; the first argument's type is checked first, as in word_frequencies."""
    codings = pd.DataFrame([("D1", 2, 0, 5, "media", "A")], columns=ce.CODING_COLUMNS)
    for call in (lambda: keyness(codings, target="media"),
                 lambda: keyness(codings, target="media", min_count=0),
                 lambda: keyness(codings, codings=codings, target="media")):
        with pytest.raises(TypeError, match=r"^corpus must be a citra_eval\.Corpus, got "
                                            r"DataFrame$"):
            call()


def _forms_one_word_at_a_time(toks):
    return toks.groupby("word")["form"].agg(
        lambda s: "; ".join(s.value_counts(sort=True).sort_index(kind="stable")
                            .sort_values(ascending=False, kind="stable").index)).to_dict()


def test_forms_are_counted_in_one_pass_with_the_same_order(example_corpus, monkeypatch):
    from citra_eval.vocabulary import _tokens

    # ties (gak/nggak/tidak once each) are ordered alphabetically after the most frequent
    corpus = ce.Corpus.from_texts({"x.txt": "---\nid: D1\nspeakers: {I: informant}\n---\n"
                                   "I: gak nggak tidak tidak enggak enggak ga\n"})
    for c in (corpus, example_corpus):
        toks = _tokens(c, roles=None, stem=False, stopwords=False, codebook=None)
        expected = _forms_one_word_at_a_time(toks)
        got = ce.word_frequencies(c, roles=None, stopwords=False).set_index("word")["forms"]
        assert got.to_dict() == expected
    calls = []
    real = pd.Series.value_counts
    monkeypatch.setattr(pd.Series, "value_counts",
                        lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    ce.word_frequencies(example_corpus, roles=None, stopwords=False)
    assert len(calls) < 5  # not one per distinct word


def test_keyness_takes_one_coder_and_leaves_out_documents_nobody_coded():
    three = corpus_of(*C_DOCS, ("D3", "warga", ["Media sosial media kami pakai."]))
    a = on_turns(C, [("D1", 2, 0, 1, "forum", "A"), ("D2", 2, 0, 1, "other", "A")])
    b = on_turns(C, [("D2", 4, 0, 1, "forum", "B")])
    with pytest.raises(ce.InputError, match=r"several coders.*coder="):
        keyness(three, codings=pd.concat([a, b]), target="forum", min_count=1)
    out = keyness(three, codings=pd.concat([a, b]), coder="A", target="forum", min_count=1,
                  top=None, stopwords=False).set_index("word")
    # D3 was coded by nobody: its words are neither target nor rest
    assert "sosial" not in out.index
    # ... so adding an interview nobody coded changes nothing
    two = keyness(C, codings=a, target="forum", min_count=1, top=None,
                  stopwords=False).set_index("word")
    pd.testing.assert_frame_equal(out, two)
    with pytest.raises(ce.InputError, match="coder='Z'"):
        keyness(three, codings=a, coder="Z", target="forum")


def test_keyness_a_word_at_the_same_rate_is_neither_over_nor_under():
    """Session 12: a word used at exactly the same rate in target and rest (G² = 0,
    log ratio 0) was called 'over' and listed among the top key words."""
    corpus = corpus_of(("D1", "a", ["rilis pers tahun", "krisis rencana tahun"]))
    codings = on_turns(corpus, [("D1", 2, 0, 5, "m", "A"), ("D1", 4, 0, 5, "other", "A")])
    every = keyness(corpus, codings=codings, target="m", min_count=1, top=None,
                    stopwords=False).set_index("word")
    assert every.loc["tahun", "count_target"] == every.loc["tahun", "count_rest"] == 1
    assert every.loc["tahun", "direction"] == "equal"
    assert every.loc["tahun", "log_ratio"] == 0 and every.loc["tahun", "log_likelihood"] == 0
    assert every.loc["rilis", "direction"] == "over" and every.loc["krisis", "direction"] == \
        "under"
    assert set(every["direction"]) == {"over", "under", "equal"}
    top = keyness(corpus, codings=codings, target="m", min_count=1, top=5, stopwords=False)
    assert "tahun" not in set(top["word"]) and (top["direction"] == "over").all()


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_english_stop_words_cover_contractions(apostrophe):
    """Session 12: 'it's', 'don't', 'i'm', 'we're', 'that's' passed the English stop words
    (scikit-learn's list has no contractions) and topped the word lists, in either
    apostrophe."""
    turn = ("It's busy. We're always on call, that's the job. I'm sure it's fine, don't "
            "worry, it's what we do. Isn't it? The crisis plan, the crisis plan.")
    corpus = ce.Corpus.from_texts({"e.txt": (
        "---\nid: E1\nspeakers: {Q: interviewer, A: informant}\n---\nQ: Media?\n"
        f"A: {turn.replace(chr(39), apostrophe)}\n")})
    english = ce.Codebook.from_dict({"language": "en", "codes": [
        {"id": "crisis", "label": {"en": "Crisis"}, "patterns": ["crisis"]}]})
    stop = stop_words("english")
    assert {"it's", "don't", "i'm", "isn't", "we're", "that's"} <= stop
    assert {"the", "and"} <= stop and "crisis" not in stop
    words = ce.word_frequencies(corpus, codebook=english)
    assert not set(words["word"]) & {"it's", "don't", "i'm", "isn't", "we're", "that's"}
    assert words["word"].iloc[:2].tolist() == ["crisis", "plan"]
    pairs = ce.collocations(corpus, codebook=english, min_count=2)["ngram"].tolist()
    assert pairs == ["crisis plan"]


def test_urls_and_email_addresses_are_no_words_of_the_vocabulary():
    """Session 12: tweets' links made 'https', 't' and 'co' top words and collocations."""
    turns = [f"pelayanan humas cepat https://t.co/Ab{i}Xy lihat www.pemkot.go.id/berita?id={i}. "
             f"surat ke humas.kota@mail.go.id, (http://x.id/a_b) selesai" for i in range(5)]
    corpus = corpus_of(("D1", "a", turns))
    words = set(word_frequencies(corpus, stopwords=False)["word"])
    assert words == {"pelayanan", "humas", "cepat", "lihat", "surat", "ke", "selesai"}
    pairs = collocations(corpus, min_count=3, stopwords=False)["ngram"].tolist()
    assert "cepat lihat" in pairs and not any(
        w in p.split() for p in pairs for w in ("https", "t", "co", "www", "id"))
    codings = on_turns(corpus, [("D1", 2, 0, 5, "m", "A"), ("D1", 4, 0, 5, "x", "A")])
    key = keyness(corpus, codings=codings, target="m", min_count=1, top=None, stopwords=False)
    assert set(key["word"]) == words


def test_social_media_handles_are_no_words_of_the_vocabulary():
    """A tweet corpus's @handles (@humas_kota, @user) were its top words and collocations;
    they name who is addressed, as a link names a page. A hashtag's word stays a word."""
    turns = [f"@humas_kota jalan rusak lagi @user{i} #BanjirJakarta mohon cepat @Pemkot_Bjm"
             for i in range(4)]
    corpus = corpus_of(("D1", "a", turns))
    words = set(word_frequencies(corpus, stopwords=False)["word"])
    assert words == {"jalan", "rusak", "lagi", "banjirjakarta", "mohon", "cepat"}
    pairs = collocations(corpus, min_count=3, stopwords=False)["ngram"].tolist()
    assert "lagi banjirjakarta" in pairs and not any(
        w in p.split() for p in pairs for w in ("humas_kota", "pemkot_bjm", "user0"))
    codings = on_turns(corpus, [("D1", 2, 0, 5, "m", "A")])
    key = keyness(corpus, codings=codings, target="m", min_count=1, top=None, stopwords=False)
    assert set(key["word"]) == words
