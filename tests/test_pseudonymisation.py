"""Pseudonymisation: detection, offsets of codings, reversibility, key files, CLI."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval.pseudonymisation import DETECTORS
from citra_eval.qdpx.memos import MEMO_COLUMNS

SOURCE = ("---\nid: INF01\ninformant: Budi Santoso, Kepala Humas\n"
          "speakers: {PWW: interviewer, Budi: informant}\n---\n"
          "PWW: Selamat pagi, Pak BUDI  santoso. NIK Bapak 3201012345670001?\n"
          "Budi: Ya. Hubungi saya di 0812-3456-789 atau budi.s@pemkot.go.id.\n"
          "Siti Aminah juga ikut, kata budi; Budiman tidak.\n")
KEY = {"Budi Santoso": "INF01", "Budi": "INF01", "Siti Aminah": "P2"}


@pytest.fixture
def corpus():
    return ce.Corpus.from_texts({"a.txt": SOURCE})


def _coding(corpus, first: str, last: str, seg: int, coder="A", note=None) -> dict:
    text = corpus.text("INF01")
    s = text.index(first)
    e = text.index(last, s) + len(last)
    return {"doc_id": "INF01", "segment_id": seg, "start": s, "end": e, "code": "kontak",
            "coder": coder, "evidence": None, "note": note}


def test_replaces_names_and_identifiers(corpus):
    res = ce.pseudonymise(corpus, key=KEY)
    text = res.corpus.text("INF01")
    assert text == ("PWW: Selamat pagi, Pak INF01. NIK Bapak [NIK-1]?\n"
                    "INF01: Ya. Hubungi saya di [TELEPON-1] atau [EMAIL-1].\n"
                    "P2 juga ikut, kata INF01; Budiman tidak.\n")  # whole words only
    kinds = res.report.loc[res.report["field"] == "text", "kind"].tolist()
    assert kinds == ["name", "nik", "name", "phone", "email", "name", "name"]
    # the longest name wins, case and inner whitespace ignored
    first = res.report.iloc[0]
    assert (first["original"], first["replacement"]) == ("BUDI  santoso", "INF01")
    assert list(res.corpus.segments["speaker"]) == ["PWW", "INF01"]
    assert res.corpus.documents.loc[0, "informant"] == "INF01, Kepala Humas"
    for row in res.corpus.segments.itertuples():
        assert text[row.start:row.end] == row.text


def test_public_report_has_no_originals(corpus):
    res = ce.pseudonymise(corpus, key=KEY)
    pub = res.public_report()
    assert "original" not in pub.columns and "orig_start" not in pub.columns
    assert not any("Budi" in str(v) for v in pub.to_numpy().ravel())
    assert "Budi Santoso, Kepala Humas" in set(res.report["original"])


def test_codings_grow_and_shrink_with_replacements(corpus):
    codings = pd.DataFrame([
        _coding(corpus, "Selamat", "santoso", 1),          # ends on a name: shrinks
        _coding(corpus, "Hubungi", "go.id", 2, note="hubungi Budi"),  # holds phone + email
        _coding(corpus, "NIK", "3201012345670001", 1),     # identifier at the end
        _coding(corpus, "UDI  san", "santoso", 1),         # starts inside a name: grows
    ])
    with pytest.warns(ce.BoundaryWarning, match=r"^1 coding\(s\) began or ended inside a "
                      r"replaced name or identifier; each now holds all of it: row 3 "
                      r"\(INF01 at 24\)$") as caught:
        res = ce.pseudonymise(corpus, key=KEY, codings=codings)
    assert [w.message.rows for w in caught] == [[3]]
    new = res.corpus.text("INF01")
    got = [new[r.start:r.end] for r in res.codings.itertuples()]
    assert got == ["Selamat pagi, Pak INF01", "Hubungi saya di [TELEPON-1] atau [EMAIL-1]",
                   "NIK Bapak [NIK-1]", "INF01"]
    assert res.codings.loc[1, "note"] == "hubungi INF01"
    back = ce.reidentify(res.corpus, res.report, codings=res.codings)
    old = corpus.text("INF01")
    assert back.corpus.text("INF01") == old
    assert [old[r.start:r.end] for r in back.codings.itertuples()][:3] == [
        old[r.start:r.end] for r in codings.iloc[:3].itertuples()]
    assert back.codings.loc[1, "note"] == "hubungi Budi"
    # the coding that cut the name gets its own offsets back from the key
    assert old[back.codings.loc[3, "start"]:back.codings.loc[3, "end"]] == "UDI  santoso"


def test_codings_that_differ_only_inside_a_name_come_back_apart(corpus, tmp_path):
    # shared, both hold the whole pseudonym (one coding twice); re-identified, each has its
    # own offsets again, from the key kept as a CSV file too
    codings = pd.DataFrame([_coding(corpus, "UDI  san", "santoso", 1),
                            _coding(corpus, "BUDI  san", "santoso", 1),
                            _coding(corpus, "DI  san", "tos", 1, coder="B")])
    with pytest.warns(ce.BoundaryWarning):
        res = ce.pseudonymise(corpus, key=KEY, codings=codings)
    assert len(res.codings[["start", "end"]].drop_duplicates()) == 1
    res.report.to_csv(tmp_path / "key.csv", index=False)
    old = corpus.text("INF01")
    for key in (res.report, tmp_path / "key.csv"):
        back = ce.reidentify(res.corpus, key, codings=res.codings)
        assert back.codings[["start", "end"]].values.tolist() == \
            codings[["start", "end"]].values.tolist()
        assert [old[r.start:r.end] for r in back.codings.itertuples()] == [
            "UDI  santoso", "BUDI  santoso", "DI  santos"]
    # a coding moved in the shared data is no longer the one the key recorded: widened
    moved = res.codings.assign(end=res.codings["end"] + 1)
    back = ce.reidentify(res.corpus, res.report, codings=moved)
    assert [old[r.start:r.end] for r in back.codings.itertuples()] == ["BUDI  santoso."] * 3


def test_reidentify_refuses_a_damaged_coding_span(corpus):
    codings = pd.DataFrame([_coding(corpus, "UDI  san", "santoso", 1)])
    with pytest.warns(ce.BoundaryWarning):
        res = ce.pseudonymise(corpus, key=KEY, codings=codings)
    report = res.report.copy()
    row = report["field"] == "coding-span:0"
    assert report.loc[row, "original"].tolist() == [f"{codings.start[0]}:{codings.end[0]}"]
    for bad in ("x:3", "0:400", "3:2"):
        report.loc[row, "original"] = bad
        with pytest.raises(ce.InputError, match=r"the key's 'coding-span:0' row .* is damaged"):
            ce.reidentify(res.corpus, report, codings=res.codings)


def test_reidentify_warns_about_codings_that_cut_a_pseudonym(corpus):
    # codings made on the shared text: one starts inside the pseudonym "INF01", one ends
    # inside "[EMAIL-1]", one holds whole pseudonyms
    res = ce.pseudonymise(corpus, key=KEY)
    shared = res.corpus.text("INF01")
    s = shared.index("NF01.")
    e = shared.index("[EMAIL-1]") + 4
    codings = pd.DataFrame([
        {"doc_id": "INF01", "segment_id": 1, "start": s, "end": s + 10, "code": "k",
         "coder": "A", "text": shared[s:s + 10]},
        {"doc_id": "INF01", "segment_id": 2, "start": e - 20, "end": e, "code": "k",
         "coder": "A", "text": shared[e - 20:e]},
        {"doc_id": "INF01", "segment_id": 1, "start": s - 1, "end": s + 4, "code": "k",
         "coder": "B", "text": "INF01"}])
    with pytest.warns(ce.BoundaryWarning, match=r"^2 coding\(s\) began or ended inside a "
                      rf"pseudonym; each now holds all of it: row 0 \(INF01 at {s}\), "
                      rf"row 1 \(INF01 at {e - 20}\)$") as caught:
        back = ce.reidentify(res.corpus, res.report, codings=codings)
    assert [w.message.rows for w in caught] == [[0, 1]]
    old = corpus.text("INF01")
    got = [old[r.start:r.end] for r in back.codings.itertuples()]
    assert got == ["BUDI  santoso. NIK ", "0812-3456-789 atau budi.s@pemkot.go.id",
                   "BUDI  santoso"]
    assert back.codings["text"].tolist() == got  # recorded from the restored text


def _two_codings_on_one_shared_span(codes=("c1", "c2", "c3")):
    corpus = ce.Corpus.from_texts({"D1.txt": "---\nid: D1\nspeakers: {R1: informant}\n---\n"
                                             "R1: Kata Pak Budi teman saya.\n"})
    text = corpus.text("D1")
    rows = []
    for quote, code in zip(("Pak Budi teman", "Budi teman", "Pak Bu"), codes, strict=True):
        s = text.index(quote)
        rows.append(("D1", 1, s, s + len(quote), code, "A", quote))
    codings = pd.DataFrame(rows, columns=[*ce.CODING_COLUMNS, "text"])
    with pytest.warns(ce.BoundaryWarning):
        res = ce.pseudonymise(corpus, key={"Pak Budi": "P1"}, codings=codings, detect=())
    return codings, res


def test_reidentify_matches_codings_by_their_span_code_and_coder_not_their_order():
    """The shared codings may come back in another order (qdpx export and import sort
    them): each gets its own span back, found by its shared span, code and coder; codings
    that pseudonymise made the same (their spans differed only inside a name) are never
    given each other's spans: a warning names them and they keep the widened span."""
    codings, res = _two_codings_on_one_shared_span()
    assert res.codings["start"].nunique() == 1  # all three at 'P1 ...' in the shared data
    back = ce.reidentify(res.corpus, res.report, codings=res.codings.iloc[::-1])
    assert back.codings.reset_index(drop=True).equals(
        codings.iloc[::-1].reset_index(drop=True))
    # the first two with the same code and coder: they differ only in their own spans
    codings, res = _two_codings_on_one_shared_span(("c1", "c1", "c3"))
    with pytest.warns(ce.BoundaryWarning, match=r"^2 coding\(s\) .*: row 1 \(D1 at 9\), "
                      r"row 2 \(index 0, D1 at 9\); .* which of their own spans is whose "
                      r"is not known"):
        back = ce.reidentify(res.corpus, res.report, codings=res.codings.iloc[::-1])
    assert back.codings["text"].tolist() == ["Pak Bu", "Pak Budi teman", "Pak Budi teman"]


def test_reidentify_restores_corpus_exactly(corpus):
    res = ce.pseudonymise(corpus, key=KEY)
    back = ce.reidentify(res.corpus, res.report)
    assert back.corpus.texts == corpus.texts
    pd.testing.assert_frame_equal(back.corpus.segments, corpus.segments)
    pd.testing.assert_frame_equal(back.corpus.documents, corpus.documents)


def test_reidentify_refuses_a_key_that_does_not_fit(corpus, tmp_path):
    res = ce.pseudonymise(corpus, key=KEY)
    other = ce.Corpus.from_texts({"a.txt": SOURCE.replace("Selamat", "Halo")})
    with pytest.raises(ce.InputError, match="does not fit"):
        ce.reidentify(other, res.report)
    res.report.to_csv(tmp_path / "key.csv", index=False)
    back = ce.reidentify(res.corpus, tmp_path / "key.csv")
    assert back.corpus.texts == corpus.texts


@pytest.mark.parametrize("text,kind", [
    ("+62 812-3456-7890", "phone"), ("+6281234567890", "phone"), ("0812 3456 789", "phone"),
    ("0812-3456-7890", "phone"), ("(021) 555-1234", "phone"), ("021-5551234", "phone"),
    ("62 811 234 5678", "phone"), ("3201012345670001", "nik"), ("3201 0123 4567 0001", "nik"),
    ("a.b-c@dinas.jabarprov.go.id", "email"),
])
def test_detects_indonesian_formats(text, kind):
    corpus = ce.Corpus.from_texts({"x.txt": f"---\nid: X\n---\nNomor {text}, terima kasih.\n"})
    res = ce.pseudonymise(corpus, key={"Nobody": "N"})
    rows = res.report[res.report["field"] == "text"]
    assert rows["kind"].tolist() == [kind]
    assert rows["original"].tolist() == [text]


@pytest.mark.parametrize("text", ["320101234567000", "32010123456700012", "2021-03-02",
                                  "00:04:12", "Rp 150.000", "tahun 2019 dan 2020",
                                  "0812\n3456 789"])
def test_leaves_non_identifiers_alone(text):
    corpus = ce.Corpus.from_texts({"x.txt": f"---\nid: X\n---\nAngka {text} saja.\n"})
    assert ce.pseudonymise(corpus, key={"Nobody": "N"}).report.empty


def test_detect_can_be_switched_off(corpus):
    res = ce.pseudonymise(corpus, key=KEY, detect=())
    assert set(res.report["kind"]) == {"name"}
    with pytest.raises(ValueError, match="detect"):
        ce.pseudonymise(corpus, key=KEY, detect=["passport"])


def test_key_files(tmp_path):
    (tmp_path / "k.csv").write_text("name,pseudonym\nBudi Santoso,INF01\nSiti,P2\n")
    (tmp_path / "k.yaml").write_text("Budi Santoso: INF01\nSiti: P2\n")
    assert ce.load_key(tmp_path / "k.csv") == ce.load_key(tmp_path / "k.yaml") == {
        "Budi Santoso": "INF01", "Siti": "P2"}
    (tmp_path / "dup.csv").write_text("name,pseudonym\nBudi,INF01\nbudi,INF02\n,X\n")
    with pytest.raises(ce.InputError) as err:
        ce.load_key(tmp_path / "dup.csv")
    lines = err.value.format().splitlines()
    assert lines[0].startswith(f"error: {tmp_path / 'dup.csv'}:3: the name 'budi' is given twice")
    assert lines[1].startswith(f"error: {tmp_path / 'dup.csv'}:4: the name must be non-empty")
    (tmp_path / "k.txt").write_text("Budi=INF01")
    with pytest.raises(ce.InputError, match="unknown key format"):
        ce.load_key(tmp_path / "k.txt")


# --------------------------------------------------------------------------- property test

NAMES = ["Budi Santoso", "Budi", "Siti Aminah", "Dewi", "Ahmad Fauzi"]
PSEUDO = {"Budi Santoso": "INF01", "Budi": "INF01", "Siti Aminah": "P2", "Dewi": "P3",
          "Ahmad Fauzi": "Narasumber Empat"}
TOKENS = ["kami", "bermitra", "dengan", "media", "humas", "😀", "é", "Budiman", "kota,",
          "budi@pemkot.go.id", "+62 812-3456-7890", "0813 1111 2222", "3201012345670001",
          "BUDI", "siti  aminah", "dewi.", "(Ahmad Fauzi)", "12", "-"]
words = st.lists(st.sampled_from(TOKENS + NAMES), min_size=1, max_size=12)
turn = st.tuples(st.sampled_from(["P", "I", "Dewi"]), words)


@st.composite
def corpus_and_codings(draw):
    turns = draw(st.lists(turn, min_size=1, max_size=6))
    body = "\n".join(f"{sp}: {' '.join(ws)}" for sp, ws in turns)
    src = (f"---\nid: D1\nketerangan: {draw(st.sampled_from(NAMES))} di kantor\n"
           "speakers: {P: interviewer, I: informant, Dewi: informant}\n---\n" + body + "\n")
    corpus = ce.Corpus.from_texts({"d.txt": src})
    text = corpus.text("D1")
    rows = []
    for seg in corpus.segments.itertuples():
        for _ in range(draw(st.integers(0, 3))):
            s = draw(st.integers(seg.start, seg.end - 1))
            e = draw(st.integers(s + 1, seg.end))
            rows.append({"doc_id": "D1", "segment_id": seg.segment_id, "start": s, "end": e,
                         "code": "c", "coder": draw(st.sampled_from("AB")),
                         "evidence": text[s:e], "note": None})
    frame = pd.DataFrame(rows, columns=[*ce.CODING_COLUMNS, "evidence", "note"])
    return corpus, frame.drop_duplicates(ce.CODING_COLUMNS).reset_index(drop=True)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus_and_codings())
def test_property_codings_slice_and_reidentify_restores(data):
    corpus, codings = data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ce.BoundaryWarning)
        res = ce.pseudonymise(corpus, key=PSEUDO, codings=codings)
    warned = [i for w in caught for i in w.message.rows]
    new = res.corpus.text("D1")
    names = re.compile(r"(?<!\w)(?:budi|siti\s+aminah|dewi|ahmad\s+fauzi)(?!\w)", re.IGNORECASE)
    assert not names.search(new)
    assert not any(d.search(new) and k != "phone" for k, (d, _) in DETECTORS.items())
    spans = res.report[res.report["field"] == "text"]
    for r in res.codings.itertuples():
        assert 0 <= r.start < r.end <= len(new)
        # evidence was pseudonymised with the same key: no name survives in it either
        assert not names.search(r.evidence)
    segs = res.corpus.segments.set_index("segment_id")
    for r in res.codings.itertuples():  # still inside its (remapped) segment
        assert segs.at[r.segment_id, "start"] <= r.start and r.end <= segs.at[r.segment_id, "end"]
    back = ce.reidentify(res.corpus, res.report, codings=res.codings)
    assert back.corpus.texts == corpus.texts
    pd.testing.assert_frame_equal(back.corpus.segments, corpus.segments)
    pd.testing.assert_frame_equal(back.corpus.documents, corpus.documents)
    assert back.codings["evidence"].tolist() == codings["evidence"].tolist()
    cuts = []
    for i, (old, restored) in enumerate(zip(codings.itertuples(), back.codings.itertuples(),
                                            strict=True)):
        cut = ((spans["orig_start"] < old.start) & (old.start < spans["orig_end"])) | (
            (spans["orig_start"] < old.end) & (old.end < spans["orig_end"]))
        assert (restored.start, restored.end) == (old.start, old.end)  # always exact
        if cut.any():  # the shared coding held the whole pseudonym, with a warning
            cuts.append(i)
    assert warned == cuts  # and exactly those were named in the warning


# --------------------------------------------------------------------------- CLI


def _cli_inputs(tmp_path):
    """A transcript folder, one coding of it and a name key, for the CLI tests."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SOURCE, encoding="utf-8")
    corpus = ce.read_transcripts(src)
    codings = pd.DataFrame([_coding(corpus, "Hubungi", "go.id", 2)])
    ce.write_codings(codings, tmp_path / "codings_A.csv", corpus=corpus)  # records the text
    (tmp_path / "key.yaml").write_text("Budi Santoso: INF01\nBudi: INF01\nSiti Aminah: P2\n")
    return src, corpus


def test_cli_writes_pseudonymised_copies_and_never_touches_inputs(tmp_path, cli):
    src, corpus = _cli_inputs(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    out, key_out = tmp_path / "shared", tmp_path / "private" / "key.csv"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--out", str(out),
            "--key-out", str(key_out))
    assert r.returncode == 0, r.stderr
    assert {p: p.read_bytes() for p in before} == before
    # counted in words: "1 e-mail address", not "1 email"
    counts = re.search(r"^ok: pseudonymised 1 document \((.*) replaced\)", r.stdout).group(1)
    assert "1 e-mail address" in counts and "1 phone number" in counts
    new = ce.read_transcripts(out / "transcripts")
    assert not re.search(r"\bBudi\b", (out / "transcripts" / "INF01.txt").read_text())
    assert new.documents.loc[0, "informant"] == "INF01, Kepala Humas"
    got = ce.read_codings(out / "codings" / "codings_A.csv", corpus=new)
    row = got.iloc[0]
    assert new.text("INF01")[row.start:row.end] == "Hubungi saya di [TELEPON-1] atau [EMAIL-1]"
    # the recorded text is the pseudonymised one: the e-mail must not leak through it
    assert row.text == "Hubungi saya di [TELEPON-1] atau [EMAIL-1]"
    assert "@" in (tmp_path / "codings_A.csv").read_text(encoding="utf-8")
    assert "@" not in (out / "codings" / "codings_A.csv").read_text(encoding="utf-8")
    report = pd.read_csv(out / "pseudonymisation_report.csv")
    assert "original" not in report.columns
    back = ce.reidentify(new, key_out)
    assert back.corpus.texts == corpus.texts


def test_cli_refuses_key_inside_the_shared_folder(tmp_path, cli):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "key.csv").write_text("name,pseudonym\nBudi,INF01\n")
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.csv"),
            "--out", str(tmp_path / "out"), "--key-out", str(tmp_path / "out" / "key.csv"))
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {tmp_path / 'out' / 'key.csv'}: the re-identification")
    assert not (tmp_path / "out").exists()


def test_key_csv_lines_count_quoted_newlines(tmp_path):
    # A quoted cell spanning two lines: the bad row starts on file line 4, not row 3.
    (tmp_path / "ml.csv").write_text('name,pseudonym\n"Budi\nSantoso",INF01\nSiti,\n')
    with pytest.raises(ce.InputError) as err:
        ce.load_key(tmp_path / "ml.csv")
    assert err.value.line == 4, err.value.format()


def test_reidentify_needs_a_corpus(tmp_path):
    with pytest.raises(TypeError, match=r"corpus must be a citra_eval\.Corpus, got str; "
                                        r"read the transcripts"):
        ce.reidentify("interview_transcripts", tmp_path / "key.csv")


@pytest.mark.slow
def test_cli_reidentify_restores_transcripts_and_codings(tmp_path, cli):
    src, corpus = _cli_inputs(tmp_path)
    shared, key_out = tmp_path / "shared", tmp_path / "private" / "key.csv"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--out", str(shared),
            "--key-out", str(key_out))
    assert r.returncode == 0, r.stderr
    before = {p: p.read_bytes() for p in shared.rglob("*") if p.is_file()}
    back = tmp_path / "back"
    r = cli("reidentify", "--transcripts", str(shared / "transcripts"), "--key", str(key_out),
            "--codings", str(shared / "codings" / "codings_A.csv"), "--out", str(back))
    assert r.returncode == 0, r.stderr
    assert {p: p.read_bytes() for p in before} == before  # inputs untouched
    restored = ce.read_transcripts(back / "transcripts")
    assert restored.texts == corpus.texts
    assert restored.documents.loc[0, "informant"] == corpus.documents.loc[0, "informant"]
    got = ce.read_codings(back / "codings" / "codings_A.csv", corpus=restored)
    assert got[["doc_id", "segment_id", "start", "end", "code", "text"]].equals(
        ce.read_codings(tmp_path / "codings_A.csv")[["doc_id", "segment_id", "start", "end",
                                                     "code", "text"]])


def test_cli_reidentify_with_a_key_that_does_not_fit(tmp_path, cli):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "key.csv").write_text("doc_id,field,start,end,orig_start,orig_end,original,"
                                      "replacement,kind\nINF01,text,0,3,0,4,Budi,XYZ,name\n")
    r = cli("reidentify", "--transcripts", str(src), "--key", str(tmp_path / "key.csv"),
            "--out", str(tmp_path / "back"))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {tmp_path / 'key.csv'}: the key does not fit")
    assert "Traceback" not in r.stderr and not (tmp_path / "back").exists()


# --------------------------------------------------------------------------- pseudonyms


FRONT_INFORMANT = "informant: Budi Santoso, Kepala Humas\n"


@pytest.mark.parametrize("pseudonym,where,front", [
    ("Informan 2", "a.txt:7", None),  # the turn's own words, ignoring case and spacing
    ("Budiman", "a.txt:8", None),     # a substitute name that is a real word of the text
    ("[NIK-1]", "a.txt:7", None),     # an identifier's token written out
    # a value of the front matter, the text without it; nested values count too
    ("kepala  humas", "a.txt (front matter: informant)", None),
    ("Kepala Humas", "a.txt (front matter: meta)", "meta:\n  team: [Budi, Kepala Humas]\n"),
])
def test_a_pseudonym_already_in_the_text_is_refused(tmp_path, pseudonym, where, front):
    src = SOURCE.replace("Ya. Hubungi", "Ya, INFORMAN  2 dan [NIK-1]. Hubungi")
    corpus = ce.Corpus.from_texts({"a.txt": src.replace(FRONT_INFORMANT, front or FRONT_INFORMANT)})
    key = tmp_path / "key.csv"
    key.write_text(f"name,pseudonym\nBudi Santoso,INF01\nSiti Aminah,{pseudonym}\n")
    with pytest.raises(ce.InputError) as err:
        ce.pseudonymise(corpus, key=key)
    assert err.value.format() == (f"error: {key}:3: pseudonym {pseudonym!r} already occurs "
                                  f"in {where}; choose another")
    with pytest.raises(ce.InputError, match=rf"key: the pseudonym '{re.escape(pseudonym)}' of "
                       rf"'Siti Aminah' already occurs in {re.escape(where)}; choose another$"):
        ce.pseudonymise(corpus, key={"Siti Aminah": pseudonym})


def test_a_pseudonym_inside_a_replaced_name_is_no_clash(corpus):
    # "Santoso" occurs only inside "Budi Santoso", which is replaced: the shared text then
    # holds no other "Santoso"
    res = ce.pseudonymise(corpus, key={"Budi Santoso": "Santoso"}, detect=())
    assert "Pak Santoso." in res.corpus.text("INF01")
    # the same in the front matter (informant: Budi Santoso, Kepala Humas)
    assert res.corpus.documents.loc[0, "informant"] == "Santoso, Kepala Humas"


def test_cli_refuses_a_pseudonym_in_the_text_and_writes_nothing(tmp_path, cli):
    src, _ = _cli_inputs(tmp_path)
    (tmp_path / "key.yaml").write_text("Budi Santoso: INF01\nSiti Aminah: Budiman\n")
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--out", str(tmp_path / "shared"), "--key-out", str(tmp_path / "private" / "k.csv"))
    assert r.returncode == 2
    assert r.stderr == (f"error: {tmp_path / 'key.yaml'}:2: pseudonym 'Budiman' already occurs "
                        f"in {src / 'a.txt'}:8; choose another\n")
    assert not (tmp_path / "shared").exists() and not (tmp_path / "private").exists()


def test_cli_names_the_codings_file_holding_a_pseudonym(tmp_path, cli):
    src, corpus = _cli_inputs(tmp_path)
    codings = pd.DataFrame([_coding(corpus, "Hubungi", "go.id", 2)]).assign(note="lihat P2")
    ce.write_codings(codings, tmp_path / "codings_B.csv", corpus=corpus)
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), str(tmp_path / "codings_B.csv"),
            "--out", str(tmp_path / "shared"), "--key-out", str(tmp_path / "k.csv"))
    assert r.returncode == 2
    assert r.stderr == (f"error: {tmp_path / 'key.yaml'}:3: pseudonym 'P2' already occurs in "
                        f"the codings ({tmp_path / 'codings_B.csv'} line 2: note); choose "
                        "another\n")
    assert not (tmp_path / "shared").exists() and not (tmp_path / "k.csv").exists()


# --------------------------------------------------------------------------- files


FRONT = ("id: INF01\ninformant: Budi Santoso   # Kepala Humas\n"
         "speakers: {PWW: interviewer, Budi: informant}\n")
BODY = ("PWW: Selamat pagi, Pak BUDI santoso 😀. NIK 3201012345670001?\n"
        "Budi: Ya. Hubungi budi.s@pemkot.go.id; kata Budi\nSantoso, café 👩‍👩‍👧.\n\n"
        "PWW: Terima kasih, Siti Aminah\n")


def _file(*, bom=False, end="\n", trailing=True, front=FRONT, body=BODY) -> bytes:
    text = f"---\n{front}---\n{body}"
    text = text if trailing else text.rstrip("\n")
    return (("\ufeff" if bom else "") + text.replace("\n", end)).encode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("data", [
    pytest.param(_file(), id="plain"),
    pytest.param(_file(bom=True, end="\r\n"), id="bom-crlf"),
    pytest.param(_file(end="\r\n", trailing=False), id="crlf-no-final-newline"),
    pytest.param(_file(trailing=False), id="no-final-newline"),
    pytest.param(_file(bom=True), id="bom"),
    pytest.param(_file(end="\r"), id="cr"),
    pytest.param(_file().replace(b"Ya. ", b"Ya.\r\n").replace(b"Terima", b"\r\nTerima"),
                 id="mixed-line-ends"),
    pytest.param(_file(front="# wawancara oleh Siti Aminah\nid: 'INF01'\nmeta:\n  team: [Budi, "
                       "Ani]\n  Budi: ketua\ndate: 9 Maret 2021\nspeakers:\n  PWW: "
                       "interviewer\n  Budi: informant\n", end="\r\n"), id="front-matter"),
    pytest.param(_file(body="PWW: Halo Budi"), id="one-line"),
])
def test_cli_pseudonymise_then_reidentify_gives_the_file_back_byte_for_byte(tmp_path, cli,
                                                                              data):
    src = tmp_path / "in"
    src.mkdir()
    (src / "INF01.txt").write_bytes(data)
    (tmp_path / "key.yaml").write_text("Budi Santoso: INF02\nBudi: INF03\nSiti Aminah: P2\n")
    shared, key = tmp_path / "shared", tmp_path / "private" / "key.csv"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--out", str(shared), "--key-out", str(key))
    assert r.returncode == 0, r.stderr
    written = (shared / "transcripts" / "INF01.txt").read_bytes()
    assert b"budi" not in written.lower() and b"siti" not in written.lower()
    # the shared file keeps the input's byte-order mark and line ends
    assert written.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert written.count(b"\r\n") == 0 or b"\r\n" in data
    r = cli("reidentify", "--transcripts", str(shared / "transcripts"), "--key", str(key),
            "--out", str(tmp_path / "back"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "back" / "transcripts" / "INF01.txt").read_bytes() == data


@pytest.mark.slow
def test_cli_reidentify_keeps_an_edit_of_the_shared_front_matter(tmp_path, cli):
    src = tmp_path / "in"
    src.mkdir()
    (src / "INF01.txt").write_bytes(_file(bom=True, end="\r\n"))
    (tmp_path / "key.yaml").write_text("Budi Santoso: INF02\nBudi: INF03\n")
    shared, key = tmp_path / "shared", tmp_path / "private" / "key.csv"
    assert cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
               "--out", str(shared), "--key-out", str(key)).returncode == 0
    path = shared / "transcripts" / "INF01.txt"
    path.write_bytes(path.read_bytes().replace(b"id: INF01\r\n", b"id: INF01\r\ngroup: x\r\n"))
    r = cli("reidentify", "--transcripts", str(shared / "transcripts"), "--key", str(key),
            "--out", str(tmp_path / "back"))
    assert r.returncode == 0, r.stderr
    back = (tmp_path / "back" / "transcripts" / "INF01.txt").read_bytes()
    assert back.startswith(b"\xef\xbb\xbf---\r\n") and b"group: x\r\n" in back
    assert b"informant: Budi Santoso\r\n" in back  # the names are restored, the comment gone
    assert back.split(b"---\r\n")[-1] == _file(end="\r\n").split(b"---\r\n")[-1]


def test_cli_warns_about_codings_widened_to_a_whole_name(tmp_path, cli):
    src, corpus = _cli_inputs(tmp_path)
    text = corpus.text("INF01")
    s = text.index("DI  santoso")  # inside the name "BUDI  santoso"
    rows = "".join(f"INF01,1,{a},{b},kontak,A\n" for a, b in [(5, 12), (s, s + 12),
                                                               (s + 2, s + 22)])
    (tmp_path / "cut.csv").write_text("doc_id,segment_id,start,end,code,coder\n" + rows)
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "cut.csv"), "--out", str(tmp_path / "shared"),
            "--key-out", str(tmp_path / "private" / "key.csv"))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ("warning: 2 coding(s) began or ended inside a replaced name or "
                        f"identifier; each now holds all of it: cut.csv:3 (INF01 at {s}), "
                        f"cut.csv:4 (INF01 at {s + 2})\n")
    shared = ce.read_transcripts(tmp_path / "shared" / "transcripts")
    got = ce.read_codings(tmp_path / "shared" / "codings" / "cut.csv", corpus=shared)
    assert got["text"].tolist() == ["Selamat", "INF01.", "INF01. NIK Bapak"]
    # re-identified, each coding has its own offsets (and text) again
    r = cli("reidentify", "--transcripts", str(tmp_path / "shared" / "transcripts"),
            "--key", str(tmp_path / "private" / "key.csv"),
            "--codings", str(tmp_path / "shared" / "codings" / "cut.csv"),
            "--out", str(tmp_path / "back"))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    back = ce.read_codings(tmp_path / "back" / "codings" / "cut.csv", corpus=corpus)
    assert back[["start", "end"]].values.tolist() == [[5, 12], [s, s + 12], [s + 2, s + 22]]
    assert back["text"].tolist() == [text[5:12], text[s:s + 12], text[s + 2:s + 22]]


RENI = ("---\nid: R1\nspeakers: {P: interviewer, RENI: informant}\n---\n"
        "P: Halo Bu R\u00e9ni?\nRENI: Saya R\u00e9ni dari Banjarmasin.\n")


def test_a_speaker_label_that_is_a_key_name_without_its_accents_is_warned_about():
    """Session 15: key 'Réni' replaced the name in the text, but the speaker label 'RENI'
    (the name typed without its accent) stayed in the shared data without a word. Names
    are still replaced as written (ignoring case); the label is named in a warning."""
    corpus = ce.Corpus.from_texts({"r.txt": RENI})
    with pytest.warns(ce.SpeakerLabelWarning) as caught:
        res = ce.pseudonymise(corpus, key={"R\u00e9ni": "INF-1"})
    [w] = [w for w in caught if isinstance(w.message, ce.SpeakerLabelWarning)]
    assert str(w.message) == (
        "the speaker label 'RENI' of 'R1' is the key's name 'R\u00e9ni' written with other "
        "accents: names are replaced as the key writes them (ignoring case only), so the "
        "label stays in the shared transcripts (front matter and every turn); add 'RENI' to "
        "the key, or rename the speaker")
    assert res.corpus.segments["speaker"].tolist() == ["P", "RENI"]  # replacement unchanged
    assert "INF-1" in res.corpus.text("R1")
    # a label the key names (ignoring case) is replaced: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.SpeakerLabelWarning)
        res = ce.pseudonymise(corpus, key={"R\u00e9ni": "INF-1", "Reni": "INF-1"})
    assert res.corpus.segments["speaker"].tolist() == ["P", "INF-1"]


def test_cli_prints_the_speaker_label_warning_as_a_warning_line(tmp_path, cli):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "R1.txt").write_text(RENI, encoding="utf-8")
    (tmp_path / "key.csv").write_text("name,pseudonym\nR\u00e9ni,INF-1\n", encoding="utf-8")
    r = cli("pseudonymise", "--transcripts", str(tmp_path / "t"), "--key",
            str(tmp_path / "key.csv"), "--out", str(tmp_path / "shared"), "--key-out",
            str(tmp_path / "private" / "key.csv"))
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("warning: the speaker label 'RENI' of 'R1' is the key's name "), \
        r.stderr


# --------------------------------------------------------------------------- tokens


def test_a_token_never_takes_text_the_inputs_already_hold():
    # a transcript that already says "[EMAIL-1]" (and "nik-1" in its front matter, and a
    # pseudonym "TELEPON-1"): the detected values get the next free numbers, so the shared
    # data never holds one token for two different things
    src = ("---\nid: D1\nnote: lihat nik-1\nspeakers: {P: interviewer, I: informant}\n---\n"
           "P: Alamat [EMAIL-1] sudah dihapus; yang baru?\n"
           "I: budi@pemkot.go.id, NIK 3201012345670001, telepon 0812-3456-7890. Ani ikut.\n")
    corpus = ce.Corpus.from_texts({"a.txt": src})
    res = ce.pseudonymise(corpus, key={"Ani": "TELEPON-1"})
    assert res.corpus.text("D1") == (
        "P: Alamat [EMAIL-1] sudah dihapus; yang baru?\n"
        "I: [EMAIL-2], NIK [NIK-2], telepon [TELEPON-2]. TELEPON-1 ikut.\n")
    back = ce.reidentify(res.corpus, res.report)
    assert back.corpus.texts == corpus.texts


def test_a_name_stored_decomposed_is_found_whatever_form_the_key_has():
    """A key typed composed (NFC, Réni) finds the name a macOS tool stored decomposed (NFD,
    Re + U+0301 + ni) and the other way round; before, the name stayed in the shared text
    and the command said nothing was replaced. A key name that is only the first letters of
    a decomposed word (Re of Re+U+0301+ni) is not that word."""
    import unicodedata

    body = "PWW: Bagaimana kabar Bu Réni?\nINF09: Saya Réni Kartika, staf humas. Rena juga.\n"
    for text_form, key_form in (("NFD", "NFC"), ("NFC", "NFD"), ("NFD", "NFD")):
        front = "---\nid: INF09\nspeakers: {PWW: interviewer, INF09: informant}\n---\n"
        corpus = ce.Corpus.from_texts({"a.txt": front + unicodedata.normalize(text_form, body)})
        key = {unicodedata.normalize(key_form, "Réni Kartika"): "INFORMAN-9",
               unicodedata.normalize(key_form, "Bu Réni"): "INFORMAN-9", "Re": "X"}
        res = ce.pseudonymise(corpus, key=key, detect=())
        shared = res.corpus.text("INF09")
        assert "INFORMAN-9?" in shared and "Saya INFORMAN-9," in shared
        assert "R" + "e\u0301" not in shared and "Réni" not in shared
        assert "X" not in shared  # "Re" never matched inside Réni or Rena
        assert ce.reidentify(res.corpus, res.report).corpus.texts == corpus.texts


# --------------------------------------------------------------------------- memos


def _memos(corpus) -> pd.DataFrame:
    """A QDA project's memos on ``corpus`` (one document): about the project, the document,
    a span holding a name, a span cutting into a name, a case and a code."""
    from citra_eval.qdpx.memos import MEMO_COLUMNS

    doc = corpus.doc_ids[0]
    text = corpus.text(doc)
    s, e = text.index("Pak BUDI"), text.index("NIK") + 3
    cut = text.index("DI  santoso")
    return pd.DataFrame([
        {"name": "Catatan proyek", "text": "Siti Aminah mengatur;\ntelepon 0812-3456-789",
         "author": "Budi Santoso", "about": "project"},
        {"memo_id": "0d9a3faf-be60-5a4a-96f1-bd624b294eba", "name": "Wawancara Budi",
         "text": "dengan Pak Budi", "author": "Siti Aminah",
         "created": "2024-01-02T03:04:05Z", "about": "document", "doc_id": doc},
        {"name": "sapaan", "text": "nama lengkap", "about": "selection", "doc_id": doc,
         "start": s, "end": e},
        {"name": "potongan", "text": "separuh nama", "about": "selection", "doc_id": doc,
         "start": cut, "end": cut + len("DI  santoso")},
        {"name": "kasus", "text": "kasus Budi", "about": "case", "target": "Budi Santoso"},
        {"text": "kode untuk budi", "about": "code", "code": "kontak"},
    ]).reindex(columns=MEMO_COLUMNS)


def test_memos_are_pseudonymised_and_come_back_exactly(tmp_path):
    corpus = ce.Corpus.from_texts({"a.txt": SOURCE.replace("id: INF01", "id: wawancara_Budi")})
    memos = _memos(corpus)
    with pytest.warns(ce.BoundaryWarning) as caught:
        res = ce.pseudonymise(corpus, key=KEY, memos=memos)
    (w,) = [w.message for w in caught]
    assert (w.what, w.rows) == ("memo", [3]) and "1 memo(s) began or ended" in str(w)
    new_doc = "wawancara_INF01"
    assert res.corpus.doc_ids == [new_doc]
    got = res.memos
    assert list(got.columns) == list(memos.columns)
    assert got["text"].tolist() == ["P2 mengatur;\ntelepon [TELEPON-1]", "dengan Pak INF01",
                                    "nama lengkap", "separuh nama", "kasus INF01",
                                    "kode untuk INF01"]
    assert got["name"].tolist()[:2] == ["Catatan proyek", "Wawancara INF01"]
    assert got["author"].tolist()[:2] == ["INF01", "P2"] and got.at[4, "target"] == "INF01"
    # the token is the one the transcript's number got
    assert "[TELEPON-1]" in res.corpus.text(new_doc)
    for col in ("memo_id", "created", "about", "code"):  # kept as they are
        assert got[col].equals(memos[col]), col
    assert got["doc_id"].tolist()[1:4] == [new_doc] * 3 and got["doc_id"].isna()[[0, 4, 5]].all()
    new_text = res.corpus.text(new_doc)
    assert new_text[got.at[2, "start"]:got.at[2, "end"]] == "Pak INF01. NIK"
    assert new_text[got.at[3, "start"]:got.at[3, "end"]] == "INF01"  # widened to all of it
    project = res.report[res.report["field"] == "memo:0:text"]
    assert project["doc_id"].isna().all()  # a project memo has no document
    assert not any("Budi" in str(v) for v in res.public_report().to_numpy().ravel())
    # back from the report, from the key as the CLI writes it, and with memos reordered
    from citra_eval._files import write_csv
    write_csv(res.report, tmp_path / "key.csv")
    for key in (res.report, tmp_path / "key.csv"):
        back = ce.reidentify(res.corpus, key, memos=res.memos)
        pd.testing.assert_frame_equal(back.memos, got.assign(**{c: memos[c] for c in (
            "name", "text", "author", "target", "doc_id", "start", "end")}), check_dtype=False)
        assert back.memos.equals(back.memos.astype({"start": "Int64", "end": "Int64"}))
    shuffled = ce.reidentify(res.corpus, tmp_path / "key.csv", memos=res.memos.iloc[::-1])
    pd.testing.assert_frame_equal(shuffled.memos, back.memos.iloc[::-1].reset_index(drop=True))
    old = res.report[~res.report["field"].str.startswith("memo")]  # a key made before memos
    kept = ce.reidentify(res.corpus, old, memos=res.memos).memos
    assert kept["doc_id"].tolist()[1:4] == ["wawancara_Budi"] * 3
    assert kept["text"].tolist() == got["text"].tolist()
    text = corpus.text("wawancara_Budi")
    assert text[kept.at[2, "start"]:kept.at[2, "end"]] == "Pak BUDI  santoso. NIK"


def test_memos_are_checked_and_a_pseudonym_they_hold_is_refused():
    corpus = ce.Corpus.from_texts({"a.txt": SOURCE})
    memos = _memos(corpus)
    with pytest.raises(ce.InputError, match=r"already occurs in the memos \(row 2: text\)"):
        ce.pseudonymise(corpus, key={**KEY, "Siti Aminah": "Lengkap"}, memos=memos)
    with pytest.raises(ce.InputError, match=r"already occurs in the memos \(row 0: target\)"):
        ce.pseudonymise(corpus, key=KEY, memos=memos.assign(target="P2"))
    with pytest.raises(ce.InputError, match="unknown doc_id 'INF02'"):
        ce.pseudonymise(corpus, key=KEY, memos=memos.assign(doc_id="INF02"))
    stray = memos.assign(doc_id=["INF02", *memos["doc_id"][1:]])  # on a memo about the project
    with pytest.raises(ce.InputError, match="memos refer to documents not in the corpus: INF02"):
        ce.pseudonymise(corpus, key=KEY, memos=stray)
    with pytest.raises(ce.InputError, match="unknown doc_id"):
        ce.reidentify(corpus, ce.pseudonymise(corpus, key=KEY).report,
                      memos=memos.assign(doc_id="INF02"))


def test_cli_memos_survive_pseudonymise_qdpx_export_import_and_reidentify(tmp_path, cli):
    src, corpus = _cli_inputs(tmp_path)
    from citra_eval._files import write_csv
    from citra_eval.qdpx.memos import read_memos

    # a project keeps what memos are about but cases (free notes after export): no case memo
    memos = _memos(corpus).astype({"start": "Int64", "end": "Int64"}).drop(index=4)
    write_csv(memos, tmp_path / "memos.csv")
    (tmp_path / "codebook.yaml").write_text("codes:\n  - id: kontak\n    label: Kontak\n")
    shared, key_out = tmp_path / "shared", tmp_path / "private" / "key.csv"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--memos", str(tmp_path / "memos.csv"),
            "--codebook", str(tmp_path / "codebook.yaml"),
            "--out", str(shared), "--key-out", str(key_out))
    assert r.returncode == 0, r.stderr
    assert "pseudonymised 1 document and 5 memos and the codebook" in r.stdout
    # the widened memo named by its file and line (the first memo spans two lines)
    assert f"1 memo(s) began or ended inside a replaced name or identifier; each now holds " \
           f"all of it: {tmp_path / 'memos.csv'}:6 (INF01 at " in r.stderr
    assert "Budi" not in (shared / "memos.csv").read_text(encoding="utf-8")
    r = cli("qdpx", "export", "--transcripts", str(shared / "transcripts"), "--codebook",
            str(shared / "codebook.yaml"), "--codings", str(shared / "codings" / "codings_A.csv"),
            "--memos", str(shared / "memos.csv"), "--out", str(tmp_path / "shared.qdpx"))
    assert r.returncode == 0, r.stderr
    r = cli("qdpx", "import", str(tmp_path / "shared.qdpx"), "--out", str(tmp_path / "imp"))
    assert r.returncode == 0, r.stderr
    r = cli("reidentify", "--transcripts", str(tmp_path / "imp" / "transcripts"),
            "--key", str(key_out), "--memos", str(tmp_path / "imp" / "memos.csv"),
            "--out", str(tmp_path / "back"))
    assert r.returncode == 0, r.stderr
    restored = ce.read_transcripts(tmp_path / "back" / "transcripts")
    assert restored.texts == corpus.texts
    back = read_memos(tmp_path / "back" / "memos.csv", corpus=restored)
    given = read_memos(tmp_path / "memos.csv", corpus=corpus)
    cols = ["name", "text", "author", "about", "doc_id", "start", "end", "code", "target"]
    # the project tool may reorder memos and gives each a GUID: match them by name
    by_name = back.set_index(back["name"].fillna("-")).loc[given["name"].fillna("-")]
    pd.testing.assert_frame_equal(by_name[cols].reset_index(drop=True), given[cols])
    for row in back[back["about"] == "selection"].itertuples():  # offsets slice the same text
        g = given[given["name"] == row.name].iloc[0]
        assert restored.text(row.doc_id)[row.start:row.end] == corpus.text(g.doc_id)[g.start:g.end]


def test_a_pseudonym_the_codings_free_text_holds_is_refused(corpus):
    """A note or memo column of the codings is shared pseudonymised: a pseudonym already
    written there could not be told from a replaced name."""
    text = corpus.text("INF01")
    start = text.index("Siti")
    codings = pd.DataFrame({"doc_id": ["INF01", "INF01"], "start": [start, start],
                            "end": [start + 11, start + 11], "code": ["x", "y"],
                            "coder": ["A", "A"],
                            "note": ["", "tanya Lengkap soal ini"]})
    clash = r"'Lengkap' of 'Siti Aminah' already occurs in the codings \(row 1: note\)"
    with pytest.raises(ce.InputError, match=clash):
        ce.pseudonymise(corpus, key={**KEY, "Siti Aminah": "Lengkap"}, codings=codings)
    ok = ce.pseudonymise(corpus, key=KEY, codings=codings)  # no clash: accepted
    assert ok.codings["note"].tolist()[1] == "tanya Lengkap soal ini"
    coder = codings.assign(coder=["P2", "A"])  # a coder named like a pseudonym
    with pytest.raises(ce.InputError, match=r"the codings \(row 0: coder\)"):
        ce.pseudonymise(corpus, key=KEY, codings=coder)


def test_rows_of_a_dataframe_are_named_by_position_and_index_not_by_a_file_line(corpus,
                                                                               tmp_path):
    """A table given as a DataFrame has no file lines: its rows are named as everywhere in
    the package (``row 1 (index 'b')``, see ``_validation.rows_named``), not by the line
    ``position + 2`` a CSV file would give them; a table read from a file (its ``_line``
    column, as the command line reads them) keeps its lines."""
    text = corpus.text("INF01")
    start = text.index("Siti")
    codings = pd.DataFrame({"doc_id": ["INF01", "INF01"], "start": [start, start],
                            "end": [start + 11, start + 11], "code": ["x", "y"],
                            "coder": ["A", "A"], "note": ["", "tanya Lengkap soal ini"]},
                           index=["a", "b"])
    key = {**KEY, "Siti Aminah": "Lengkap"}
    with pytest.raises(ce.InputError, match=r"already occurs in the codings "
                                            r"\(row 1 \(index 'b'\): note\); choose"):
        ce.pseudonymise(corpus, key=key, codings=codings)
    with pytest.raises(ce.InputError, match=r"already occurs in the codings \(line 9: note\)"):
        ce.pseudonymise(corpus, key=key, codings=codings.assign(_line=[7, 9]))
    # the widened coding of a boundary warning
    cut = pd.DataFrame([_coding(corpus, "Selamat", "santoso", 1),
                        _coding(corpus, "UDI  san", "santoso", 1)], index=[10, 11])
    with pytest.warns(ce.BoundaryWarning, match=r"all of it: row 1 \(index 11, INF01 at 24\)$"):
        ce.pseudonymise(corpus, key=KEY, codings=cut)
    with pytest.warns(ce.BoundaryWarning, match=r"all of it: line 5 \(INF01 at 24\)$"):
        ce.pseudonymise(corpus, key=KEY, codings=cut.assign(_line=[4, 5]))
    # a memo that would carry a name into a shared project: the problem's row, not a line
    res = ce.pseudonymise(corpus, key=KEY)
    memos = _named_memos(res.corpus).set_axis([5, 6])
    with pytest.raises(ce.InputError, match=r"memo 'Wawancara', text: ") as err:
        ce.write_qdpx(tmp_path / "s.qdpx", res.corpus,
                      ce.Codebook.load(_write(tmp_path / "cb.yaml", _CLEAN_CODEBOOK)),
                      memos=memos)
    assert err.value.problems[0].line is None, err.value.format()
    assert err.value.format().startswith("error: <input>: row 1 (index 6): memo 'Wawancara'")


def test_cli_codebook_is_pseudonymised_with_the_same_key(tmp_path, cli):
    # a codebook's examples and definitions often quote the interviews: shared unchanged,
    # they would carry the names into the shared project (qdpx export --codebook)
    src, _ = _cli_inputs(tmp_path)
    cb_path = tmp_path / "codebook.yaml"
    cb_path.write_text(
        "codebook: c\nversion: 1\nlanguage: id\ncodes:\n"
        "  - id: kontak\n    label: {id: Kontak Budi, en: Contact}\n"
        "    definition: {id: 'cara menghubungi Siti Aminah'}\n"
        "    examples: ['Hubungi Budi Santoso di budi.s@pemkot.go.id']\n"
        "    note: ditulis untuk Budi\n    patterns: [hubungi budi]\n", encoding="utf-8")
    before = cb_path.read_bytes()
    out = tmp_path / "shared"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--codebook", str(cb_path),
            "--out", str(out), "--key-out", str(tmp_path / "private" / "key.csv"))
    assert r.returncode == 0, r.stderr
    assert cb_path.read_bytes() == before  # the input is never modified
    shared = ce.Codebook.load(out / "codebook.yaml")
    code = shared["kontak"]  # ids are the codings' codes: kept
    texts = [*code.label.values(), *code.definition.values(), *code.examples, code.note,
             *(p.text for p in code.patterns)]
    assert not any(re.search(r"Budi|Siti|@", t) for t in texts), texts
    assert code.label["id"] == "Kontak INF01"
    assert code.examples == ["Hubungi INF01 di [EMAIL-1]"]  # the transcripts' token
    assert "[EMAIL-1]" in (out / "transcripts" / "INF01.txt").read_text(encoding="utf-8")
    # the shared project made from the shared data holds no name
    r = cli("qdpx", "export", "--transcripts", str(out / "transcripts"),
            "--codebook", str(out / "codebook.yaml"),
            "--codings", str(out / "codings" / "codings_A.csv"), "--out", str(tmp_path / "s.qdpx"))
    assert r.returncode == 0, r.stderr
    import zipfile

    with zipfile.ZipFile(tmp_path / "s.qdpx") as z:
        qde = z.read("project.qde").decode("utf-8")
    assert "Budi" not in qde and "Siti" not in qde


_NAMED_CODEBOOK = ("codebook: c\nversion: 1\nlanguage: id\ncodes:\n"
                   "  - id: umum\n    label: Umum\n"
                   "  - id: kontak\n    label: {id: Kontak, en: Contact}\n"
                   "    examples: ['Hubungi Budi Santoso']\n")


def _export_with(cli, tmp_path, shared, codebook):
    out = tmp_path / "s.qdpx"
    r = cli("qdpx", "export", "--transcripts", str(shared / "transcripts"),
            "--codebook", str(codebook), "--codings", str(shared / "codings" / "codings_A.csv"),
            "--out", str(out))
    return r, out


def test_cli_export_of_pseudonymised_transcripts_refuses_a_codebook_not_pseudonymised(
        tmp_path, cli):
    """The report pseudonymise writes beside the shared transcripts marks them; a codebook
    that did not go through pseudonymise --codebook would carry the names into the project."""
    src, _ = _cli_inputs(tmp_path)
    cb = tmp_path / "codebook.yaml"
    cb.write_text(_NAMED_CODEBOOK, encoding="utf-8")
    shared = tmp_path / "shared"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--out", str(shared))
    assert r.returncode == 0, r.stderr
    r, out = _export_with(cli, tmp_path, shared, cb)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {cb}: "), r.stderr
    assert "pseudonymisation_report.csv" in r.stderr and "pseudonymise" in r.stderr
    assert "--codebook" in r.stderr and str(shared / "codebook.yaml") in r.stderr
    assert "Budi" not in r.stderr + r.stdout
    assert not out.exists() and not list(tmp_path.glob("*.qdpx*"))
    # the fix the message gives: the codebook pseudonymise writes is marked and accepted
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--codebook", str(cb),
            "--out", str(shared), "--force")
    assert r.returncode == 0, r.stderr
    assert ce.Codebook.load(shared / "codebook.yaml").pseudonymised
    assert not ce.Codebook.load(cb).pseudonymised
    r, out = _export_with(cli, tmp_path, shared, shared / "codebook.yaml")
    assert r.returncode == 0, r.stderr
    assert out.is_file()


def test_cli_export_names_the_field_when_the_report_holds_the_names(tmp_path, cli):
    """With --with-originals the report beside the transcripts holds the names: the check
    is exact, naming the code and field (and the pseudonym, not the name); a codebook
    without any of them is shared as it is."""
    src, _ = _cli_inputs(tmp_path)
    cb = tmp_path / "codebook.yaml"
    cb.write_text(_NAMED_CODEBOOK, encoding="utf-8")
    shared = tmp_path / "shared"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--out", str(shared),
            "--with-originals")
    assert r.returncode == 0, r.stderr
    r, out = _export_with(cli, tmp_path, shared, cb)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {cb}:7: code 'kontak', examples: "), r.stderr
    assert "'INF01'" in r.stderr and "Budi" not in r.stderr
    assert not out.exists()
    cb.write_text(_NAMED_CODEBOOK.replace("Budi Santoso", "humas"), encoding="utf-8")
    r, out = _export_with(cli, tmp_path, shared, cb)
    assert r.returncode == 0, r.stderr


def test_cli_refuses_a_codebook_it_would_overwrite(tmp_path, cli):
    src, _ = _cli_inputs(tmp_path)
    (tmp_path / "shared").mkdir()
    cb = tmp_path / "shared" / "codebook.yaml"
    cb.write_text("codebook: c\nversion: 1\nlanguage: id\ncodes:\n"
                  "  - {id: a, label: A}\n", encoding="utf-8")
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codebook", str(cb), "--out", str(tmp_path / "shared"))
    assert r.returncode == 2 and r.stderr.startswith("error: "), r.stderr
    assert "--codebook" in r.stderr


def test_renamed_document_ids_stay_apart_ignoring_case_and_avoid_device_names():
    # the ids name transcripts/<id>.txt: 'INF01' beside 'inf01' is one file on macOS and
    # Windows, and Windows cannot create 'Con.txt'
    def doc(i):
        return f"---\nid: {i}\nspeakers: {{I: interviewer, R: informant}}\n---\nR: Halo.\n"

    corpus = ce.Corpus.from_texts({"a.txt": doc("Budi"), "b.txt": doc("inf01"),
                                   "c.txt": doc("Siti")})
    res = ce.pseudonymise(corpus, key={"Budi": "INF01", "Siti": "Con"}, detect=())
    ids = res.corpus.doc_ids
    assert len({i.casefold() for i in ids}) == 3, ids
    assert "inf01" in ids and "Con" not in ids
    assert sorted(ids) == sorted(["INF01_2", "inf01", "Con_1"])


def _shared_study(tmp_path, cli, *extra):
    """``_cli_inputs`` pseudonymised into ``tmp_path/shared`` (``extra``: more options)."""
    src, corpus = _cli_inputs(tmp_path)
    shared = tmp_path / "shared"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--codings", str(tmp_path / "codings_A.csv"), "--out", str(shared), *extra)
    assert r.returncode == 0, r.stderr
    return shared, corpus


@pytest.mark.parametrize("originals", [False, True])
def test_write_qdpx_of_pseudonymised_transcripts_checks_the_codebook(tmp_path, cli, originals):
    """The library route checks what the CLI's ``qdpx export`` checks, with one message."""
    shared, _ = _shared_study(tmp_path, cli, *(["--with-originals"] if originals else []))
    cb = tmp_path / "codebook.yaml"
    cb.write_text(_NAMED_CODEBOOK, encoding="utf-8")
    corpus = ce.read_transcripts(shared / "transcripts")
    out = tmp_path / "lib.qdpx"
    with pytest.raises(ce.InputError) as err:
        ce.write_qdpx(out, corpus, ce.Codebook.load(cb))
    msg = str(err.value)
    assert "pseudonymisation_report.csv" in msg and "--codebook" in msg and "Budi" not in msg
    assert err.value.path == str(cb) and not out.exists()
    if originals:
        assert "code 'kontak', examples: " in msg and "'INF01'" in msg and err.value.line == 7
    r, _ = _export_with(cli, tmp_path, shared, cb)  # the CLI says the same
    assert r.returncode == 2 and msg.splitlines()[-1] in r.stderr, r.stderr
    # a codebook without the names (or the one pseudonymise wrote) is shared
    clean = tmp_path / "clean.yaml"
    clean.write_text(_NAMED_CODEBOOK.replace("Budi Santoso", "humas")
                     + ("" if originals else "pseudonymised: true\n"), encoding="utf-8")
    ce.write_qdpx(out, corpus, ce.Codebook.load(clean))
    assert out.is_file()
    # a corpus not read from a pseudonymised folder is not checked
    ce.write_qdpx(tmp_path / "orig.qdpx", ce.read_transcripts(tmp_path / "in"),
                  ce.Codebook.load(cb))


def _named_memos(corpus) -> pd.DataFrame:
    return pd.DataFrame([
        {"name": "Catatan", "text": "bicara dengan humas", "about": "project"},
        {"name": "Wawancara", "text": "ditanya Pak Budi soal kontak", "about": "document",
         "doc_id": corpus.doc_ids[0]},
    ]).reindex(columns=MEMO_COLUMNS)


def test_cli_export_checks_memos_for_the_names_when_the_report_holds_them(tmp_path, cli):
    """Memos written into the project after pseudonymise may carry the originals."""
    from citra_eval._files import write_csv

    shared, _ = _shared_study(tmp_path, cli, "--with-originals")
    corpus = ce.read_transcripts(shared / "transcripts")
    memos = tmp_path / "memos.csv"
    write_csv(_named_memos(corpus), memos)
    out = tmp_path / "s.qdpx"
    args = ("qdpx", "export", "--transcripts", str(shared / "transcripts"), "--out", str(out))
    r = cli(*args, "--memos", str(memos))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {memos}:3: memo 'Wawancara', text: "), r.stderr
    assert "'INF01'" in r.stderr and "--memos" in r.stderr and "Budi" not in r.stderr
    assert not out.exists()
    with pytest.raises(ce.InputError, match=r"memo 'Wawancara', text: ") as err:  # library
        ce.write_qdpx(out, corpus, ce.Codebook(name="c", version="1", language="id", codes={}),
                      memos=_named_memos(corpus))
    assert err.value.line is None and err.value.problems[0].row == "row 1"  # no file
    write_csv(_named_memos(corpus).replace("Pak Budi", "informan", regex=True), memos)
    r = cli(*args, "--memos", str(memos))
    assert r.returncode == 0, r.stderr


def test_cli_export_refuses_memos_pseudonymise_did_not_write(tmp_path, cli):
    """Without the originals the names are unknown: only the memos pseudonymise wrote
    beside the transcripts are shared."""
    from citra_eval._files import write_csv

    src, corpus = _cli_inputs(tmp_path)
    memos = tmp_path / "memos.csv"
    write_csv(_named_memos(corpus), memos)
    shared = tmp_path / "shared"
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.yaml"),
            "--memos", str(memos), "--out", str(shared))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "s.qdpx"
    args = ("qdpx", "export", "--transcripts", str(shared / "transcripts"), "--out", str(out))
    r = cli(*args, "--memos", str(memos))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {memos}: "), r.stderr
    assert "pseudonymisation_report.csv" in r.stderr and str(shared / "memos.csv") in r.stderr
    assert not out.exists()
    r = cli(*args, "--memos", str(shared / "memos.csv"))
    assert r.returncode == 0, r.stderr


_CLEAN_CODEBOOK = _NAMED_CODEBOOK.replace("Budi Santoso", "humas") + "pseudonymised: true\n"


def _noted(path, out, note=None, evidence=None):
    """The codings at ``path`` with a ``note`` and ``evidence`` added, written to ``out``."""
    from citra_eval._files import write_csv

    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    write_csv(table.assign(evidence=evidence or "", note=note or ""), out)
    return out


@pytest.mark.parametrize("column", ["note", "evidence"])
def test_export_checks_codings_notes_for_the_names_when_the_report_holds_them(
        tmp_path, cli, column):
    """A note (or evidence) written on a coding of the shared transcripts may name an
    informant; with the originals in the report, the row is named, never the name."""
    shared, _ = _shared_study(tmp_path, cli, "--with-originals")
    cb = tmp_path / "codebook.yaml"
    cb.write_text(_CLEAN_CODEBOOK, encoding="utf-8")
    named = _noted(shared / "codings" / "codings_A.csv", tmp_path / "noted.csv",
                   **{column: "kata Pak Budi soal kontak"})
    out = tmp_path / "s.qdpx"
    args = ("qdpx", "export", "--transcripts", str(shared / "transcripts"), "--codebook",
            str(cb), "--out", str(out), "--codings")
    r = cli(*args, str(named))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {named}:2: coding 1 (INF01, code 'kontak', coder "
                               f"'A'), {column}: "), r.stderr
    assert "'INF01'" in r.stderr and "--codings" in r.stderr and "Budi" not in r.stderr
    assert not out.exists()
    corpus = ce.read_transcripts(shared / "transcripts")
    codings = ce.read_codings(named, corpus=corpus)
    with pytest.raises(ce.InputError, match=rf"coding 1 \(INF01, .*\), {column}: ") as err:
        ce.write_qdpx(out, corpus, ce.Codebook.load(cb), codings)
    assert "Budi" not in str(err.value) and not out.exists()
    clean = _noted(shared / "codings" / "codings_A.csv", tmp_path / "clean.csv",
                   **{column: "kata informan soal kontak"})
    r = cli(*args, str(clean))
    assert r.returncode == 0, r.stderr


def test_export_refuses_codings_notes_pseudonymise_did_not_write(tmp_path, cli):
    """Without the originals the names are unknown: a note is shared only as pseudonymise
    wrote it; evidence quoting the shared transcripts and notes naming codebook labels (what
    auto-coding writes) are shared too."""
    shared, _ = _shared_study(tmp_path, cli)
    cb = tmp_path / "codebook.yaml"
    cb.write_text(_CLEAN_CODEBOOK, encoding="utf-8")
    out = tmp_path / "s.qdpx"
    args = ("qdpx", "export", "--transcripts", str(shared / "transcripts"), "--codebook",
            str(cb), "--out", str(out), "--codings")
    written = shared / "codings" / "codings_A.csv"
    named = _noted(written, tmp_path / "noted.csv", note="kata Pak Budi soal kontak")
    r = cli(*args, str(named))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {named}:2: coding 1 (INF01, "), r.stderr
    assert "pseudonymisation_report.csv" in r.stderr and "--with-originals" in r.stderr
    assert str(shared / "codings") in r.stderr and not out.exists()
    assert cli(*args, str(written)).returncode == 0
    auto = _noted(written, tmp_path / "auto.csv", evidence="Hubungi | [EMAIL-1]",
                  note="Kontak; Contact")
    r = cli(*args, str(auto), "--force")
    assert r.returncode == 0, r.stderr
    unquoted = _noted(written, tmp_path / "unquoted.csv", evidence="Hubungi | Pak Budi")
    r = cli(*args, str(unquoted), "--force")
    assert r.returncode == 2 and "evidence: " in r.stderr, r.stderr


def test_write_qdpx_checks_a_corpus_pseudonymised_in_python(tmp_path):
    """A corpus pseudonymise returned was never written: it remembers what it no longer
    holds, and write_qdpx checks its codebook, memos and codings as qdpx export does."""
    corpus = ce.Corpus.from_texts({"a.txt": SOURCE})
    codings = pd.DataFrame([_coding(corpus, "Hubungi", "go.id", 2)])
    res = ce.pseudonymise(corpus, key=KEY, codings=codings)
    named_cb = ce.Codebook.load(_write(tmp_path / "cb.yaml", _NAMED_CODEBOOK))
    out = tmp_path / "s.qdpx"
    with pytest.raises(ce.InputError, match=r"code 'kontak', examples: .*'INF01'") as err:
        ce.write_qdpx(out, res.corpus, named_cb, res.codings)
    assert "Budi" not in str(err.value) and "pseudonymise" in str(err.value)
    noted = res.codings.assign(note="kata Budi")
    clean_cb = ce.Codebook.load(_write(tmp_path / "clean.yaml", _CLEAN_CODEBOOK))
    with pytest.raises(ce.InputError, match=r"coding 1 \(INF01, code 'kontak', coder 'A'\), "
                                            r"note: .*'INF01'"):
        ce.write_qdpx(out, res.corpus, clean_cb, noted)
    with pytest.raises(ce.InputError, match=r"memo 'Wawancara', text: "):
        ce.write_qdpx(out, res.corpus, clean_cb, res.codings, memos=_named_memos(res.corpus))
    # a part of it is still the pseudonymised corpus
    with pytest.raises(ce.InputError, match="note: "):
        ce.write_qdpx(out, res.corpus.subset(["INF01"]), clean_cb, noted)
    assert not out.exists()
    ce.write_qdpx(out, res.corpus, clean_cb, res.codings)
    assert out.is_file()
    # the names are never shown, nor kept in what the corpus prints
    assert "Budi" not in repr(res.corpus)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _named_doc(doc_id: str) -> str:
    return (f"---\nid: {doc_id}\nspeakers: {{I: interviewer, R: informant}}\n---\n"
            "I: Halo Budi.\nR: Saya Budi, humas kota.\n")


@pytest.mark.parametrize("pseudonym", ["../../../../tr/victim", "a/b", "INF 01", "x\\y"])
def test_a_pseudonym_in_a_document_id_must_be_a_valid_id(tmp_path, pseudonym):
    # the id names the output file <id>.txt: '/' or '..' there would write outside --out
    corpus = ce.Corpus.from_texts({"w.txt": _named_doc("wawancara_Budi")})
    key = _write(tmp_path / "key.csv", f"name,pseudonym\nSiti,P2\nBudi,{pseudonym}\n")
    with pytest.raises(ce.InputError) as err:
        ce.pseudonymise(corpus, key=key)
    assert err.value.path == str(key) and err.value.line == 3, err.value.format()
    assert "document id" in str(err.value) and "wawancara_Budi" in str(err.value)
    with pytest.raises(ce.InputError, match=r"key: the pseudonym"):
        ce.pseudonymise(corpus, key={"Budi": pseudonym})
    # in the text alone any pseudonym is fine
    ok = ce.Corpus.from_texts({"w.txt": _named_doc("W1")})
    assert pseudonym in ce.pseudonymise(ok, key={"Budi": pseudonym}).corpus.text("W1")


def _shared_with_key(tmp_path, cli, name: str, doc_id: str, out: str):
    """``tmp_path/tr/name`` (document ``doc_id``) pseudonymised into ``tmp_path/out``, the
    key in ``tmp_path/rkey.csv``; returns the transcripts folder."""
    src = tmp_path / "tr"
    src.mkdir()
    _write(src / name, _named_doc(doc_id))
    _write(tmp_path / "key.csv", "name,pseudonym\nBudi,INF01\n")
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(tmp_path / "key.csv"),
            "--out", str(tmp_path / out), "--key-out", str(tmp_path / "rkey.csv"))
    assert r.returncode == 0, r.stderr
    return src


def test_a_detected_identifier_in_a_document_id_keeps_it_a_valid_id(tmp_path, cli):
    # a phone number in a file name: the id gets the token without brackets, so the shared
    # transcript can be read back (and re-identified)
    src = _shared_with_key(tmp_path, cli, "a.txt", "wawancara_081234567890", "o")
    assert ce.read_transcripts(tmp_path / "o" / "transcripts").doc_ids == ["wawancara_TELEPON-1"]
    r = cli("reidentify", "--transcripts", str(tmp_path / "o" / "transcripts"),
            "--key", str(tmp_path / "rkey.csv"), "--out", str(tmp_path / "back"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "back" / "transcripts" / "wawancara_081234567890.txt").read_text() \
        == (src / "a.txt").read_text()


def test_cli_pseudonym_with_a_path_writes_nothing_outside_out(tmp_path, cli):
    src = tmp_path / "tr"
    src.mkdir()
    _write(src / "wawancara_Budi.txt", _named_doc("wawancara_Budi"))
    victim = _write(src / "victim.txt", _named_doc("other"))
    before = victim.read_bytes()
    key = _write(tmp_path / "key.csv", "name,pseudonym\nBudi,../../tr/victim\n")
    r = cli("pseudonymise", "--transcripts", str(src), "--key", str(key),
            "--out", str(tmp_path / "o"))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: {key}:2: the pseudonym '../../tr/victim' of 'Budi'")
    assert victim.read_bytes() == before and not (tmp_path / "o").exists()


def test_reidentify_refuses_an_original_document_id_that_is_no_id(tmp_path, cli):
    # a tampered key would make reidentify write <original id>.txt outside --out
    _shared_with_key(tmp_path, cli, "wawancara_Budi.txt", "wawancara_Budi", "ps")
    lines = (tmp_path / "rkey.csv").read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if ",wawancara_Budi,wawancara_INF01," in line)
    lines[at] = lines[at].replace(",wawancara_Budi,", ",../../ESCAPED,")
    evil = _write(tmp_path / "evil.csv", "".join(lines))
    shared = ce.read_transcripts(tmp_path / "ps" / "transcripts")
    with pytest.raises(ce.InputError) as err:
        ce.reidentify(shared, evil)
    assert err.value.path == str(evil) and err.value.line == at + 1, err.value.format()
    assert "'../../ESCAPED'" in str(err.value)
    r = cli("reidentify", "--transcripts", str(tmp_path / "ps" / "transcripts"),
            "--key", str(evil), "--out", str(tmp_path / "w" / "back"))
    assert r.returncode == 2 and r.stderr.startswith(f"error: {evil}:{at + 1}: "), r.stderr
    assert not list(tmp_path.rglob("ESCAPED*"))


def test_only_the_rows_a_message_shows_are_named(corpus, monkeypatch):
    """Session 18: a message names at most ``NAMED_ROWS`` rows of a codings table given in
    memory, and only those are formatted (a table of a million codings formatted a million
    places to show three): counted through ``row_name``; the messages are unchanged."""
    from citra_eval import pseudonymisation as pm
    calls = []
    real = pm.row_name

    def counted(frame, at):
        calls.append(at)
        return real(frame, at)

    monkeypatch.setattr(pm, "row_name", counted)
    n = 40
    cut = pd.DataFrame([_coding(corpus, "UDI  san", "santoso", 1)] * n,
                       index=range(100, 100 + n))
    with pytest.warns(ce.BoundaryWarning, match=r"all of it: row 0 \(index 100, INF01 at 24\), "
                      r"row 1 \(index 101, INF01 at 24\), row 2 \(index 102, INF01 at 24\) "
                      rf"and {n - pm.NAMED_ROWS} more$"):
        ce.pseudonymise(corpus, key=KEY, codings=cut)
    assert calls == list(range(pm.NAMED_ROWS))
    calls.clear()
    text = corpus.text("INF01")
    start = text.index("Siti")
    clash = pd.DataFrame({"doc_id": "INF01", "start": start, "end": start + 11, "code": "x",
                          "coder": "A", "note": [""] * (n - 1) + ["tanya Lengkap soal ini"]},
                         index=range(100, 100 + n))
    with pytest.raises(ce.InputError, match=rf"already occurs in the codings \(row {n - 1} "
                                            rf"\(index {99 + n}\): note\); choose"):
        ce.pseudonymise(corpus, key={**KEY, "Siti Aminah": "Lengkap"}, codings=clash)
    assert calls == [n - 1]
    # codings reidentify cannot tell apart (same shared span, code and coder), out of order
    small = ce.Corpus.from_texts({"D1.txt": "---\nid: D1\nspeakers: {R1: informant}\n---\n"
                                            "R1: Kata Pak Budi teman saya.\n"})
    words = small.text("D1")
    quotes = ("Pak Budi teman", "Budi teman", "udi teman", "di teman", "i teman")
    rows = [("D1", 1, words.index(q), words.index(q) + len(q), "c1" if k else "c2", "A")
            for k, q in enumerate(quotes)]
    codings = pd.DataFrame(rows, columns=ce.CODING_COLUMNS)
    with pytest.warns(ce.BoundaryWarning):
        res = ce.pseudonymise(small, key={"Pak Budi": "P1"}, codings=codings, detect=())
    calls.clear()
    with pytest.warns(ce.BoundaryWarning, match=r"^4 coding\(s\) .*: row 0 \(index 4, D1 at "
                      r"9\), row 1 \(index 3, D1 at 9\), row 2 \(D1 at 9\) and 1 "
                      r"more; .* which of their own spans is whose is not known"):
        ce.reidentify(res.corpus, res.report, codings=res.codings.iloc[::-1])
    assert len(calls) == pm.NAMED_ROWS, calls
