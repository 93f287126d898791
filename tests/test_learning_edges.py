"""The learned coder on studies it was not shaped on: coded documents without a turn of the
coded roles (a focus group), uncoded documents without such turns, too few coded documents
for the text model, machine codings as labels (an exploratory tester's findings)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import citra_eval as ce
from citra_eval.learning import SUGGEST_COLUMNS, LearningWarning
from citra_eval.plots import plot_coder_quality

BOOK = ce.Codebook.from_dict({
    "codebook": "edges", "version": 1, "language": "id",
    "codes": [
        {"id": "visual", "label": {"id": "Visual", "en": "Visual"},
         "patterns": ["poster", "video"]},
        {"id": "aduan", "label": {"id": "Aduan", "en": "Complaints"},
         "patterns": ["keluhan"]},
        {"id": "krisis", "label": {"id": "Krisis", "en": "Crisis"}, "patterns": ["hoaks"]},
    ]})

# informant turns: (text, codes a person gave it)
TURNS = [
    ("Kami membuat poster dan video untuk warga setiap bulan.", ["visual"]),
    ("Warga menyampaikan keluhan lewat kotak saran di depan.", ["aduan"]),
    ("Petugas menjawab pertanyaan di loket pendaftaran pagi hari.", []),
    ("Desain gambar menarik kami unggah ke media sosial puskesmas.", ["visual"]),
    ("Banyak yang mengeluh soal antrean, lalu kami perbaiki jadwalnya.", ["aduan"]),
]


def _interview(doc: str, shift: int) -> str:
    body = "".join(f"P: Bagaimana pengalaman bapak nomor {k}?\nI: {TURNS[(k + shift) % 5][0]}\n"
                   for k in range(5))
    return f"---\nid: {doc}\nspeakers: {{P: interviewer, I: informant}}\n---\n" + body


FOCUS_GROUP = ("---\nid: FGD\nspeakers: {M: moderator, S: peserta}\n---\n"
               "M: Apa pendapat ibu tentang poster di puskesmas?\n"
               "S: Poster dan video itu bagus sekali menurut saya.\n"
               "M: Ada keluhan?\nS: Keluhan kami soal antrean yang panjang.\n")


def corpus_of(docs: list[str], *, focus_group: bool = False,
              uncoded_focus_group: bool = False) -> ce.Corpus:
    texts = {f"{d}.txt": _interview(d, i) for i, d in enumerate(docs)}
    if focus_group or uncoded_focus_group:
        texts["FGD.txt"] = FOCUS_GROUP
    return ce.Corpus.from_texts(texts)


def human(corpus: ce.Corpus, docs: list[str], coder: str = "A") -> pd.DataFrame:
    """A person's codings of ``docs``: the codes of TURNS on informant turns, and of the
    focus group's participant turns by their patterns."""
    rows = []
    for s in corpus.segments[corpus.segments["doc_id"].isin(docs)].itertuples():
        if s.role == "informant":
            codes = next(c for t, c in TURNS if t == s.text)
        elif s.role == "peserta":
            codes = ["visual"] if "oster" in s.text else ["aduan"]
        else:
            codes = []
        rows += [{"doc_id": s.doc_id, "segment_id": s.segment_id, "start": s.start,
                  "end": s.end, "code": c, "coder": coder} for c in codes]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- 1, 6: focus group coded


def test_a_coded_document_without_coded_role_turns_is_left_out_with_a_warning():
    """Before: it counted towards the two documents training needs, gave no training turn,
    and sklearn's "n_splits=1" ValueError escaped."""
    corpus = corpus_of(["D1"], focus_group=True)
    codings = human(corpus, ["D1", "FGD"])
    with pytest.warns(LearningWarning, match=r"coded document\(s\) 'FGD' have no turn of "
                                             r"the role\(s\) 'informant'"), \
            pytest.raises(ce.InputError, match=r"codings cover 1 document\(s\) with turns "
                                               r"of the coded roles.*'FGD' left out"):
        ce.train_coder(corpus, codings, codebook=BOOK)
    assert ce.learning.training_documents(corpus, codings) == ["D1"]
    assert ce.learning.training_documents(corpus, codings, roles=None) == ["D1", "FGD"]


def test_cross_validation_counts_only_documents_with_coded_role_turns():
    corpus = corpus_of(["D1", "D2"], focus_group=True)
    with pytest.warns(LearningWarning, match="'FGD'"), \
            pytest.raises(ce.InputError, match=r"codings cover 2 document.* at least 3.*"
                                               r"'FGD' left out"):
        ce.cross_validate_coder(corpus, human(corpus, ["D1", "D2", "FGD"]), codebook=BOOK)


def test_training_and_cross_validation_agree_on_the_documents():
    corpus = corpus_of(["D1", "D2", "D3"], focus_group=True)
    codings = human(corpus, ["D1", "D2", "D3", "FGD"])
    with pytest.warns(LearningWarning, match="'FGD'"):
        coder = ce.train_coder(corpus, codings, codebook=BOOK)
    with pytest.warns(LearningWarning, match="'FGD'"):
        cv = ce.cross_validate_coder(corpus, codings, codebook=BOOK)
    assert coder.documents == cv.documents == ["D1", "D2", "D3"]
    assert set(cv.by_document["doc_id"]) == {"D1", "D2", "D3"}


def test_cli_learn_from_a_study_with_a_focus_group(cli, tmp_path):
    """Counts that agree, the focus group said once, a never fitted text model said, the
    machine's own output as labels warned about."""
    corpus = corpus_of(["D1", "D2", "D3"], focus_group=True)
    folder = tmp_path / "t"
    folder.mkdir()
    for doc in corpus.doc_ids:
        (folder / f"{doc}.txt").write_text(
            FOCUS_GROUP if doc == "FGD" else _interview(doc, corpus.doc_ids.index(doc)),
            encoding="utf-8")
    BOOK.save(tmp_path / "book.yaml")
    codings = tmp_path / "a.csv"
    human(corpus, corpus.doc_ids).to_csv(codings, index=False)
    args = ["code", "--transcripts", str(folder), "--codebook", str(tmp_path / "book.yaml"),
            "--learn-from", str(codings), "--out", str(tmp_path / "out.csv"),
            "--cross-validate", str(tmp_path / "cv.csv")]
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    assert "trained on 3 documents" in r.stderr, r.stderr
    assert "leave-one-document-out over 3 documents" in r.stderr, r.stderr
    assert "note: coded document(s) 'FGD' have no turn" in r.stderr
    assert r.stderr.count("'FGD' have no turn") == 1  # said once, though each step warns
    assert "warning:" not in r.stderr  # a person's codings
    # the machine's own output as training labels: a warning naming the file and coder
    machine = tmp_path / "out.csv"
    r = cli("code", "--transcripts", str(folder), "--codebook", str(tmp_path / "book.yaml"),
            "--learn-from", str(codings), str(machine), "--out", str(tmp_path / "o2.csv"))
    assert r.returncode == 0, r.stderr
    assert (f"warning: {machine}: looks like an auto-coder's output (a filled 'score' "
            "column; a filled 'evidence' column; the machine coder name(s) 'learned'; "
            "coder(s) learned), yet --learn-from takes it") in r.stderr, r.stderr
    assert r.stderr.count("warning:") == 1
    # two interviews and the focus group: a clear error naming what was left out
    human(corpus, ["D1", "D2", "FGD"]).to_csv(codings, index=False)
    r = cli(*args, "--force")
    assert r.returncode == 2, r.stderr
    assert "got 2 (FGD left out: no turn of the coded roles)" in r.stderr
    # a text model never fitted: said, not printed as F1 0.000 [0.000, 0.000]
    _one_code_per_document(corpus).to_csv(codings, index=False)
    r = cli(*args, "--force")
    assert r.returncode == 0, r.stderr
    assert re.search(r"learned +vs A: not measured: the text model was fitted in none of the "
                     r"3 folds", r.stderr), r.stderr
    assert "(learned in 0 of 3: too few positive turns" in r.stderr


# ---------------------------------------------------------------- 2: nothing to code


def _empty_like(empty: pd.DataFrame, full: pd.DataFrame) -> None:
    assert empty.empty and not full.empty
    assert list(empty.columns) == list(full.columns)
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()


def test_coding_documents_without_coded_role_turns_gives_empty_tables():
    """Before: IndexError in coder.scores and coder.code (the empty dictionary block)."""
    corpus = corpus_of(["D1", "D2", "D3"], uncoded_focus_group=True)
    coder = ce.train_coder(corpus, human(corpus, ["D1", "D2", "D3"]), codebook=BOOK)
    fgd, some = corpus.subset(["FGD"]), corpus.subset(["D1"])
    _empty_like(coder.scores(fgd), coder.scores(some))
    for combine in ("both", "learned"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LearningWarning)
            _empty_like(coder.code(fgd, combine=combine), coder.code(some, combine=combine))


def test_suggestions_when_the_only_uncoded_document_has_no_coded_role_turn():
    corpus = corpus_of(["D1", "D2", "D3", "D4"], uncoded_focus_group=True)
    codings = human(corpus, ["D1", "D2", "D3"])
    coder = ce.train_coder(corpus, codings, codebook=BOOK)
    full = ce.suggest_turns(corpus, codings, codebook=BOOK, coder=coder)
    assert set(full["doc_id"]) == {"D4"}
    everything = human(corpus, ["D1", "D2", "D3", "D4"])
    with pytest.warns(LearningWarning, match=r"no uncoded document \('FGD'\) has a turn"):
        none = ce.suggest_turns(corpus, everything, codebook=BOOK, coder=coder)
    _empty_like(none, full)
    with pytest.warns(LearningWarning, match="every document is coded"):
        all_coded = ce.suggest_turns(corpus.subset(["D1", "D2", "D3", "D4"]), everything,
                                     codebook=BOOK, coder=coder)
    _empty_like(all_coded, full)
    assert list(full.columns) == SUGGEST_COLUMNS


# ---------------------------------------------------------------- 5: roles of uncoded documents


def test_a_role_only_uncoded_documents_have_is_accepted_and_said():
    """Before: 'peserta' was 'a role no segment of the corpus has' (checked on the coded
    documents only)."""
    corpus = corpus_of(["D1", "D2", "D3"], uncoded_focus_group=True)
    codings = human(corpus, ["D1", "D2", "D3"])
    with pytest.warns(LearningWarning, match=r"role 'peserta' occurs only in documents "
                                             r"without codings \('FGD'\)"):
        coder = ce.train_coder(corpus, codings, codebook=BOOK, roles=("informant", "peserta"))
    assert coder.roles == ("informant", "peserta")
    out = coder.code(corpus, roles=("informant", "peserta"))
    assert "FGD" in set(coder.scores(corpus)["doc_id"])
    # a corpus without the participants' role is coded too (their role is the coder's)
    interviews = corpus.subset(["D1", "D2"])
    assert coder.code(interviews, roles=("informant", "peserta"))["doc_id"].isin(
        ["D1", "D2"]).all()
    assert set(out["doc_id"]) <= set(corpus.doc_ids)
    with pytest.raises(ce.InputError, match="'informan'"):
        coder.code(corpus, roles=("informan",))
    with pytest.raises(ValueError, match="roles must be the roles the coder was trained on"):
        coder.code(corpus, roles=("informant",))
    assert np.isfinite(coder.scores(corpus)["score"]).all()


# ---------------------------------------------------------------- 4: nothing learned


def _one_code_per_document(corpus: ce.Corpus) -> pd.DataFrame:
    """Each code in one interview only: no training set has positives in two documents,
    so the text model is never fitted."""
    full = human(corpus, ["D1", "D2", "D3"])
    keep = {"D1": "visual", "D2": "aduan", "D3": "visual"}
    rows = full[full["code"] == full["doc_id"].map(keep)]
    return rows.groupby("doc_id").head(1).reset_index(drop=True)


def test_a_text_model_never_fitted_is_not_measured():
    """Before: 'learned vs A: F1 0.000 [0.000, 0.000]' and a 'significant' difference from
    the dictionary, though the text model was fitted in no fold."""
    corpus = corpus_of(["D1", "D2", "D3"])
    cv = ce.cross_validate_coder(corpus, _one_code_per_document(corpus), codebook=BOOK)
    assert cv.learned_in["n_learned"].eq(0).all() and cv.learned_in["n_folds"].eq(3).all()
    learned = cv.table[cv.table["coder"] == "learned"]
    assert learned["f1"].isna().all() and learned["precision"].isna().all()
    assert learned["note"].str.startswith("not measured: the text model was fitted in none "
                                          "of the 3 folds").all()
    summary = cv.summary.set_index("coder")
    assert np.isnan(summary.loc["learned", "f1"]) and summary.loc["dictionary", "f1"] > 0
    ci = cv.conf_int(n_boot=50).set_index(["coder", "measure"])
    assert ci.loc[("learned", "f1"), ["ci_low", "ci_high"]].isna().all()
    assert ci.loc[("learned", "f1"), "n_boot"] == 0
    assert ci.loc[("learned", "f1"), "note"].startswith("not measured")
    assert ci.loc[("dictionary", "f1"), "n_boot"] == 50
    versus = cv.compare("learned", "dictionary", reference="A", n_boot=50)
    assert versus[["difference", "ci_low", "ci_high"]].isna().all(axis=None)
    assert versus["n_boot"].eq(0).all() and versus["note"].str.startswith(
        "learned: not measured").all()
    both = cv.compare("both", "dictionary", reference="A", n_boot=50)
    assert both["note"].eq("both: the dictionary in every fold: no code was learned").all()


def _every_turn_coded(tmp_path=None):
    """Four interviews whose every informant turn A coded 'rasa' (many positives in each
    document, no negative) and never 'harga'; written to ``tmp_path`` when given."""
    texts = {}
    for d in range(1, 5):
        turns = "".join(f"P: Bagaimana?\nX: Makanan nomor {i} di tempat {d} itu enak sekali "
                        "dan murah juga.\n" for i in range(8))
        texts[f"d{d}.txt"] = (f"---\nid: D{d}\nspeakers: {{P: interviewer, X: informant}}\n"
                              f"---\n{turns}")
    book = {"codebook": "t", "codes": [{"id": "rasa", "label": "Rasa", "patterns": ["enak"]},
                                       {"id": "harga", "label": "Harga", "patterns": ["murah"]}]}
    corpus = ce.Corpus.from_texts(texts)
    seg = corpus.segments[corpus.segments["role"] == "informant"]
    codings = seg[["doc_id", "segment_id", "start", "end"]].assign(code="rasa", coder="A")
    if tmp_path is not None:
        (tmp_path / "t").mkdir()
        for name, text in texts.items():
            (tmp_path / "t" / name).write_text(text, encoding="utf-8")
        (tmp_path / "cb.yaml").write_text(
            "codes:\n  - {id: rasa, label: Rasa, patterns: [enak]}\n"
            "  - {id: harga, label: Harga, patterns: [murah]}\n", encoding="utf-8")
        ce.write_codings(codings, tmp_path / "a.csv")
    return corpus, ce.Codebook.from_dict(book), codings


EVERY_TURN = "applied to every coded turn"
TOO_FEW = "too few positive turns"


def test_a_code_on_every_turn_is_said_to_be_on_every_turn(tmp_path, capsys):
    """A code applied to every coded turn was said to have 'too few positive turns, or
    positives in only one document' (by combine='learned', the cross-validation's notes
    and the command), though it had many in every document."""
    corpus, book, codings = _every_turn_coded()
    coder = ce.train_coder(corpus, codings, codebook=book)
    with pytest.warns(LearningWarning) as got:
        coder.code(corpus, combine="learned")
    said = str(got[0].message)
    assert re.search(rf"'rasa'[^;]*{EVERY_TURN}", said), said
    assert re.search(rf"'harga'[^;]*{TOO_FEW}", said), said
    cv = ce.cross_validate_coder(corpus, codings, codebook=book)
    notes = cv.table.set_index(["coder", "code"])["note"]
    assert EVERY_TURN in notes[("learned", "rasa")] and TOO_FEW not in notes[("learned", "rasa")]
    assert EVERY_TURN in notes[("both", "rasa")] and TOO_FEW not in notes[("both", "rasa")]
    assert TOO_FEW in notes[("learned", "harga")] and EVERY_TURN not in notes[("learned",
                                                                               "harga")]
    reasons = cv.learned_in.set_index("code")["reason"]
    assert reasons["rasa"].startswith(EVERY_TURN) and reasons["harga"].startswith(TOO_FEW)
    with pytest.warns(LearningWarning, match=f"'rasa'[^;]*{EVERY_TURN}"):
        ce.suggest_turns(corpus, codings[codings["doc_id"] != "D4"], codebook=book)
    # the command's summary names it too
    from citra_eval.cli import main

    _every_turn_coded(tmp_path)
    assert main(["code", "--transcripts", str(tmp_path / "t"), "--codebook",
                 str(tmp_path / "cb.yaml"), "--out", str(tmp_path / "out.csv"),
                 "--learn-from", str(tmp_path / "a.csv"), "--combine", "learned",
                 "--cross-validate", str(tmp_path / "cv.csv")]) == 0
    err = capsys.readouterr().err
    assert re.search(rf"learned +vs A: not measured: .*'?rasa'?[^;]*{EVERY_TURN}", err), err


def test_codes_never_learned_are_named_and_combine_learned_warns_once():
    corpus = corpus_of(["D1", "D2", "D3"])
    codings = human(corpus, ["D1", "D2", "D3"])  # 'krisis' is never coded
    cv = ce.cross_validate_coder(corpus, codings, codebook=BOOK)
    n = cv.learned_in.set_index("code")["n_learned"]
    assert n["krisis"] == 0 and n["visual"] == 3
    t = cv.table.set_index(["coder", "code"])
    assert np.isnan(t.loc[("learned", "krisis"), "f1"])
    assert not np.isnan(t.loc[("learned", "visual"), "f1"])
    assert t.loc[("learned", "micro"), "note"] == ("counts the codes never learned as never "
                                                   "coded: krisis")
    assert t.loc[("both", "krisis"), "note"].startswith("left to the dictionary in all 3")
    coder = ce.train_coder(corpus, codings, codebook=BOOK)
    with pytest.warns(LearningWarning) as got:
        coder.code(corpus, combine="learned")
    said = [str(w.message) for w in got if w.category is LearningWarning]
    assert said == [said[0]] and said[0].startswith("combine='learned' never codes 'krisis'")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LearningWarning)
        coder.code(corpus)  # both: the dictionary codes it, nothing to say


# ---------------------------------------------------------------- 8: unknown reference


def test_per_code_of_an_unknown_reference_is_refused_like_compare():
    corpus = corpus_of(["D1", "D2", "D3"])
    cv = ce.cross_validate_coder(corpus, _one_code_per_document(corpus), codebook=BOOK)
    with pytest.raises(ValueError, match=r"^reference must be one of 'A', got 'Z'$"):
        cv.per_code("Z")
    with pytest.raises(ValueError, match=r"^reference must be one of 'A', got 'Z'$"):
        cv.compare("both", "dictionary", reference="Z")
    assert cv.per_code("A")["code"].tolist() == ["visual", "aduan", "krisis", "micro",
                                                 "macro"]
    # the table says whose reference it is, so its figure cannot label it another's
    assert cv.per_code("A").attrs["reference"] == "A"
    with pytest.raises(ValueError, match=r"reference='B' but per_code holds the F1 against "
                                         r"coder 'A'"):
        plot_coder_quality(cv.per_code("A"), reference="B")
