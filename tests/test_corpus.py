"""Transcripts → Corpus: formats, offsets, and every bad-input case of the contract."""

from __future__ import annotations

import io
import re
import string

import pytest
from _samples import BASIC
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval.corpus import parse_transcript, transcript_files, transcript_source


def write(tmp_path, name, content, mode="w"):
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8", newline="")
    return p


def assert_offsets(corpus):
    for row in corpus.segments.itertuples(index=False):
        assert corpus.text(row.doc_id)[row.start:row.end] == row.text


def test_txt_turns_roles_attributes(tmp_path):
    write(tmp_path, "inf03.txt", BASIC)
    corpus = ce.read_transcripts(tmp_path)
    seg = corpus.segments
    assert list(seg.columns[:7]) == ["doc_id", "segment_id", "speaker", "role", "start", "end",
                                     "text"]
    assert seg["speaker"].tolist() == ["PWW", "INF03", "INF03"]
    assert seg["role"].tolist() == ["interviewer", "informant", "informant"]
    assert seg["segment_id"].tolist() == [1, 2, 3]
    assert seg.loc[1, "text"] == ("Pagi. Jadi begini, kami membangun kerja sama\n"
                                  "dengan media dan stakeholder.")
    assert seg.loc[2, "timestamp"] == "00:04:12"
    assert seg.loc[2, "text"].endswith("continue the previous turn.")
    assert seg["line"].tolist() == [8, 9, 11]
    doc = corpus.documents.iloc[0]
    assert doc["doc_id"] == "INF03"
    assert doc["group"] == "pemerintah"
    assert doc["date"] == "2021-03-02"
    assert doc["n_segments"] == 3
    assert_offsets(corpus)
    # the plain text is the body after the front matter
    assert corpus.text("INF03").startswith("PWW: Selamat pagi")


def test_bom_crlf_and_emoji_keep_offsets(tmp_path):
    src = "\ufeff" + BASIC.replace("kerja sama", "kerja sama 🤝🏽").replace("\n", "\r\n")
    write(tmp_path, "a.md", src)
    corpus = ce.read_transcripts(tmp_path / "a.md")
    assert "\r" not in corpus.text("INF03") and "\ufeff" not in corpus.text("INF03")
    assert "🤝🏽" in corpus.segments.loc[1, "text"]
    assert_offsets(corpus)
    lf = ce.Corpus.from_texts({"b.txt": BASIC.replace("kerja sama", "kerja sama 🤝🏽")})
    assert corpus.segments[["start", "end"]].equals(lf.segments[["start", "end"]])


def test_multiword_declared_speaker_and_unlabelled_preamble():
    src = ("---\nid: X1\nspeakers: {Pak Budi: informant, PWW: interviewer}\n---\n"
           "Transkrip wawancara\n\nPWW: Apa kabar?\nPak Budi: Baik: sangat baik.\n")
    corpus = ce.Corpus.from_texts({"x.txt": src})
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["", "PWW", "Pak Budi"]
    assert seg["role"].tolist() == ["", "interviewer", "informant"]
    assert seg.loc[2, "text"] == "Baik: sangat baik."
    assert_offsets(corpus)


@pytest.mark.parametrize("front_form, body_form", [("NFC", "NFD"), ("NFD", "NFC")])
def test_speaker_labels_match_in_any_unicode_form(front_form, body_form):
    import unicodedata

    front = ('---\nid: X2\nspeakers: {PWW: interviewer, "Bu Réni": informant, '
             'Désy: informant}\n---\n')
    body = ("PWW: Bagaimana kabar Ibu?\nBu Réni: Baik. Kami pakai papan pengumuman.\n"
            "[00:01:02] Désy: Sinyal lemah di désa.\n")
    src = unicodedata.normalize(front_form, front) + unicodedata.normalize(body_form, body)
    corpus = ce.Corpus.from_texts({"x.txt": src})
    seg = corpus.segments
    # the speaker as the front matter writes it; the text as the body writes it (not rewritten)
    assert seg["speaker"].tolist() == [unicodedata.normalize(front_form, s)
                                       for s in ("PWW", "Bu Réni", "Désy")]
    assert seg["role"].tolist() == ["interviewer", "informant", "informant"]
    assert seg["text"].tolist() == [unicodedata.normalize(body_form, t) for t in (
        "Bagaimana kabar Ibu?", "Baik. Kami pakai papan pengumuman.", "Sinyal lemah di désa.")]
    assert seg["timestamp"].tolist()[2] == "00:01:02"
    assert corpus.text("X2") == unicodedata.normalize(body_form, body)
    assert_offsets(corpus)
    # an undeclared one-word label is refused whatever its form
    with pytest.raises(ce.InputError, match="'Rénata' is not declared"):
        ce.Corpus.from_texts({"y.txt": unicodedata.normalize(front_form, front)
                              + unicodedata.normalize(body_form, "Rénata: Ya.\n")})
    # one label declared twice in two forms is refused
    twice = '---\nid: X3\nspeakers: {"Réni": informant, "Re\u0301ni": interviewer}\n---\n'
    with pytest.raises(ce.InputError, match="declares 'Re\u0301ni' twice"):
        ce.Corpus.from_texts({"z.txt": twice + "Réni: Ya.\n"})


def test_document_without_labels_is_split_into_paragraphs():
    corpus = ce.Corpus.from_texts({"n.txt": "---\nid: DOC1\n---\nParagraf satu.\nmasih satu.\n\n"
                                            "Paragraf dua.\n"})
    assert corpus.segments["text"].tolist() == ["Paragraf satu.\nmasih satu.", "Paragraf dua."]
    assert_offsets(corpus)


def test_docx(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in BASIC.strip("\n").split("\n"):
        d.add_paragraph(line)
    d.save(tmp_path / "inf03.docx")
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.documents.loc[0, "format"] == "docx"
    assert corpus.segments["speaker"].tolist() == ["PWW", "INF03", "INF03"]
    assert corpus.segments.loc[2, "timestamp"] == "00:04:12"
    assert_offsets(corpus)


@pytest.mark.parametrize(("opening", "closing", "line", "fence"), [
    ("\u2014", "\u2014", 1, "opening"),        # Word's AutoCorrect: '---' typed, an em dash
    ("\u2013", "---", 1, "opening"),            # an en dash
    ("\u2013\u2013\u2013", "---", 1, "opening"),
    ("---", "\u2014", 4, "closing"),            # only the closing line turned
])
def test_a_docx_whose_fences_word_turned_into_dashes_is_named_so(tmp_path, opening, closing,
                                                                  line, fence):
    """Sixteenth session: '---' that Word's AutoCorrect turned into a dash was told to "start
    the file with a line '---'", which it seemed to do; the message names the dash and Word."""
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for text in [opening, "id: W5", "speakers: {PEN: interviewer, W5: informant}", closing,
                 "PEN: Pak Lurah, bagaimana?", "W5: Saya sering blusukan."]:
        d.add_paragraph(text)
    d.save(tmp_path / "W5.docx")
    err = _error(tmp_path, {})
    (problem,) = err.problems
    assert problem.line == line and f"{fence} line" in problem.message
    assert "AutoCorrect" in problem.message and "U+20" in problem.message
    assert "three hyphens" in problem.message


VTT = """WEBVTT

NOTE an illustrative interview

1
00:00:01.000 --> 00:00:04.000
<v PWW>Selamat pagi, Bu.

2
00:00:05.500 --> 00:00:09.000
<v INF09>Pagi. Kami bekerja sama
dengan RT dan RW.

3
00:00:09.000 --> 00:00:12.000
<v INF09>Lewat grup WhatsApp 📱 juga.

4
00:01:02.000 --> 00:01:05.000
<v PWW>Terima kasih.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
PWW: Selamat pagi, Bu.

2
00:00:05,500 --> 00:00:09,000
INF09: Pagi. Kami bekerja sama
dengan RT dan RW.

3
00:00:09,000 --> 00:00:12,000
INF09: Lewat grup WhatsApp 📱 juga.
"""


def test_vtt_character_references_are_decoded_before_offsets(tmp_path):
    write(tmp_path, "a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
                             "<v I &amp; J>keluhan <b>warga</b> &amp; &lt;script&gt;&nbsp;x\n"
                             "\n00:00:05.000 --> 00:00:06.000\n<v P>AT&amp;T &#233;\n")
    corpus = ce.read_transcripts(tmp_path)
    seg = corpus.segments
    assert seg["text"].tolist() == ["keluhan warga & <script>\xa0x", "AT&T \u00e9"]
    assert seg["speaker"].tolist() == ["I & J", "P"]
    assert_offsets(corpus)


def test_srt_text_is_kept_as_written(tmp_path):
    write(tmp_path, "a.srt", "1\n00:00:01,000 --> 00:00:04,000\nP: AT&amp;T\n")
    assert ce.read_transcripts(tmp_path).segments["text"].tolist() == ["AT&amp;T"]


@pytest.mark.parametrize("name,content,line,words", [
    # a typo in a timing line dropped its cue, text and all, without a word
    ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nR: one\n\n2\n00:00:3,000 --> 00:00:04,000\n"
              "I: two\n", 6, "timing line is not understood"),
    ("b.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v R>one\n\n00:00:03.000 -> "
              "00:00:04.000\n<v I>two\n", 6, "timing line is not understood"),
    ("c.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v R>one\n\n00:00:99.000 --> "
              "00:01:40.000\n<v I>two\n", 6, "seconds (99)"),
    ("d.srt", "1\n00:75:01,000 --> 00:76:02,000\nR: one\n", 2, "minutes (75)"),
    ("e.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\n<v R>one\n", 3,
     "ends (00:00:01.000) before it starts (00:00:05.000)"),
])
def test_a_malformed_cue_timing_is_an_error_naming_its_line(tmp_path, name, content, line,
                                                            words):
    err = _error(tmp_path, {name: content})
    assert (err.path, err.line) == (str(tmp_path / name), line), err.format()
    assert words in err.message, err.message


@pytest.mark.parametrize("name,content", [("inf09.vtt", VTT), ("inf09.srt", SRT)])
def test_subtitles_with_sidecar(tmp_path, name, content):
    write(tmp_path, name, content.replace("\n", "\r\n"))
    write(tmp_path, "inf09.yaml", "id: INF09\ngroup: masyarakat\n"
                                  "speakers: {PWW: interviewer, INF09: informant}\n")
    corpus = ce.read_transcripts(tmp_path)
    seg = corpus.segments
    assert corpus.doc_ids == ["INF09"]
    assert seg["speaker"].tolist()[:2] == ["PWW", "INF09"]
    assert seg["role"].tolist()[:2] == ["interviewer", "informant"]
    # consecutive cues of one speaker form one turn; its time is the first cue's
    assert seg.loc[1, "timestamp"] == "00:00:05"
    assert seg.loc[1, "text"] == ("Pagi. Kami bekerja sama dengan RT dan RW.\n"
                                  "Lewat grup WhatsApp 📱 juga.")
    assert corpus.documents.loc[0, "group"] == "masyarakat"
    assert_offsets(corpus)


def test_vtt_without_sidecar_uses_file_name(tmp_path):
    write(tmp_path, "rekaman_03.vtt", VTT)
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.doc_ids == ["rekaman_03"]
    assert set(corpus.segments["role"]) == {""}


def test_readme_and_hidden_files_are_skipped(tmp_path):
    write(tmp_path, "a.txt", BASIC)
    write(tmp_path, "README.md", "# not a transcript")
    write(tmp_path, ".hidden.txt", "junk")
    assert ce.read_transcripts(tmp_path).doc_ids == ["INF03"]


def test_segment_at_and_subset(tmp_path):
    corpus = ce.Corpus.from_texts({"a.txt": BASIC})
    row = corpus.segments.iloc[1]
    assert corpus.segment_at("INF03", row.start + 2, row.end) == 2
    assert corpus.segment_at("INF03", 0, 2) is None  # the label, not a turn
    sub = corpus.subset(["INF03"])
    assert len(sub) == 1 and len(sub.segments) == 3


def test_subset_keeps_each_document_once_and_refuses_a_bare_id():
    """subset(codings["doc_id"]) (a column repeating documents) gave a corpus whose
    documents table repeated them, and by= analyses then failed inside pandas; a bare id
    string was read letter by letter."""
    import pandas as pd

    texts = {f"{d}.txt": BASIC.replace("INF03", d) for d in ("D1", "D2", "D3")}
    corpus = ce.Corpus.from_texts(texts)
    sub = corpus.subset(pd.Series(["D3", "D1", "D3", "D1", "D3"]))
    assert sub.documents["doc_id"].tolist() == sub.doc_ids == ["D3", "D1"]
    assert sub.documents["doc_id"].is_unique
    assert len(sub.segments) == 2 * len(corpus.segments) // 3
    assert len(ce.word_frequencies(sub, by="group")) == len(ce.word_frequencies(sub))
    with pytest.raises(TypeError, match=r"^doc_ids must be a list of names, got the string "
                                        r"'D1' \(write \['D1'\] for one name\)$"):
        corpus.subset("D1")
    with pytest.raises(TypeError, match=r"^doc_ids must be a list of document ids, got int$"):
        corpus.subset(1)


# ------------------------------------------------------------------ bad input

def _error(tmp_path, files: dict) -> ce.InputError:
    for name, content in files.items():
        write(tmp_path, name, content)
    with pytest.raises(ce.InputError) as info:
        ce.read_transcripts(tmp_path)
    return info.value


@pytest.mark.parametrize("content,line,words", [
    (b"---\nid: A\n---\nPWW: caf\xe9\n", 4, "not valid UTF-8"),
    (b"", None, "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", 3, "binary"),
    ("PWW: no front matter\n", 1, "missing YAML front matter"),
    ("---\nid: A\nspeakers: {PWW: interviewer}\nPWW: halo\n", 1, "never closed"),
    ("---\nid: A\nspeakers: {PWW: interviewer\n---\nPWW: halo\n", 3, "invalid YAML"),
    ("---\ninformant: x\n---\nhalo\n", 2, "no 'id'"),
    ("---\nid: A\nspeakers: {PWW: interviewer}\n---\nPWW: halo\nINF1: jawab\n", 6,
     "not declared"),
    ("---\nid: A\n---\nPWW: halo\n", 4, "no 'speakers'"),
    ("---\nid: A B\n---\nhalo\n", 2, "'id' must be"),
    ("---\nid: A\nid: B\n---\nhalo\n", 3, "duplicate key"),
    ("---\n- a\n- b\n---\nhalo\n", 2, "mapping"),
])
def test_bad_transcripts(tmp_path, content, line, words):
    err = _error(tmp_path, {"bad.txt": content})
    assert err.path.endswith("bad.txt")
    assert err.line == line
    assert words in str(err)


def test_duplicate_id_names_both_files(tmp_path):
    err = _error(tmp_path, {"a.txt": BASIC, "b.txt": BASIC})
    assert err.path.endswith("b.txt") and err.line == 2
    assert "duplicate id 'INF03'" in str(err) and "a.txt" in str(err)


def test_ids_differing_only_in_case_are_refused(tmp_path):
    """Outputs named by id (pseudonymise's ``<id>.txt``) would overwrite each other on
    Windows and macOS, whose file names ignore case."""
    err = _error(tmp_path, {"a.txt": BASIC, "b.txt": BASIC.replace("id: INF03", "id: inf03")})
    assert err.path.endswith("b.txt") and err.line == 2
    text = str(err)
    assert "'inf03'" in text and "'INF03'" in text and "a.txt" in text
    assert "only in case" in text and "change the 'id' of one" in text


def test_subtitle_ids_from_file_names_differing_in_case_are_refused(tmp_path):
    """A subtitle file's id is its name: ``A.vtt`` and ``a.srt`` collide the same way."""
    err = _error(tmp_path, {"A.vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhalo\n",
                            "a.srt": "1\n00:00:01,000 --> 00:00:02,000\nhalo\n"})
    assert err.path.endswith("a.srt") and "A.vtt" in str(err)
    assert "rename one of the two files" in str(err)


def test_file_names_differing_only_in_case_are_refused(tmp_path):
    """``Int01.txt`` and ``int01.txt`` can live side by side on Linux only: the study could
    not be cloned or copied to Windows or macOS."""
    write(tmp_path, "Int01.txt", BASIC)
    write(tmp_path, "int01.txt", BASIC.replace("INF03", "INF04"))
    if len(list(tmp_path.iterdir())) < 2:
        pytest.skip("this file system ignores case")
    with pytest.raises(ce.InputError) as info:
        ce.read_transcripts(tmp_path)
    assert [p.path.rsplit("/", 1)[-1] for p in info.value.problems] == ["int01.txt"]
    text = str(info.value)
    assert "Int01.txt" in text and "only in case" in text and "rename one" in text


def test_every_bad_file_is_reported(tmp_path):
    err = _error(tmp_path, {"a.txt": "no front matter", "b.txt": b"", "c.txt": BASIC})
    assert [p.path.rsplit("/", 1)[-1] for p in err.problems] == ["a.txt", "b.txt"]
    assert err.format().count("\nerror: ") == 1


def test_bad_docx_and_missing_path(tmp_path):
    err = _error(tmp_path, {"x.docx": b"PK\x03\x04 not really a zip"})
    assert "not a readable .docx" in str(err)
    with pytest.raises(ce.InputError, match="no such file"):
        ce.read_transcripts(tmp_path / "nope")


def test_vtt_without_header_or_cues(tmp_path):
    assert "WEBVTT" in str(_error(tmp_path, {"a.vtt": "00:00:01.000 --> 00:00:02.000\nhi\n"}))
    with pytest.raises(ce.InputError, match="no cues"):
        parse_transcript("1\nhalo\n", path="b.srt")


# ------------------------------------------------------------------ the offset property

_SAFE = st.characters(blacklist_categories=("Cs",), blacklist_characters=":\n\r\x00\ufeff")
_LINE = st.text(_SAFE, min_size=1, max_size=40).filter(lambda s: s.strip())
_EMOJI = st.sampled_from(["😀", "🤝🏽", "👩‍💻", "🇮🇩", "é", "ß", "\u200b", "\u2028", "\t"])
_TURN_TEXT = st.lists(st.one_of(_LINE, _EMOJI.map(lambda e: e + " ok")), min_size=1, max_size=4)


@st.composite
def transcripts(draw):
    speakers = {"PWW": "interviewer", "INF01": "informant", "Bu Sari": "informant"}
    turns = draw(st.lists(st.tuples(st.sampled_from(sorted(speakers)), _TURN_TEXT,
                                    st.booleans()), min_size=1, max_size=8))
    lines = ["---", "id: P1", "speakers: {PWW: interviewer, INF01: informant, "
             "Bu Sari: informant}", "---"]
    expected = []
    for i, (who, parts, stamp) in enumerate(turns):
        ts = f"[{i // 60:02d}:{i % 60:02d}:07] " if stamp else ""
        lines.append(f"{ts}{who}: {parts[0]}")
        lines.extend(parts[1:])
        if draw(st.booleans()):
            lines.append("")
        expected.append((who, "\n".join(parts).strip()))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return bom + newline.join(lines) + newline, expected


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts())
def test_offsets_slice_exactly(case):
    source, expected = case
    corpus = ce.Corpus.from_texts({"p.txt": source})
    assert_offsets(corpus)
    got = [(s, t) for s, t in zip(corpus.segments["speaker"], corpus.segments["text"], strict=True)]
    # every non-empty turn is a segment with its speaker; inner whitespace survives
    assert [w for w, _ in got] == [w for w, t in expected if t.strip()]
    for (_, text), (_, exp) in zip(got, [e for e in expected if e[1].strip()], strict=True):
        assert text.split() == exp.split()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data):
    try:
        corpus = ce.Corpus.from_texts({"f.txt": data.decode("utf-8", "replace")})
    except ce.InputError:
        return
    assert_offsets(corpus)


def test_label_charset_documented():
    # labels are one word starting with a letter: a URL or a time is not a speaker
    src = ("---\nid: U\nspeakers: {A: informant}\n---\nA: lihat\n"
           "https://banjarmasinkota.go.id ya\n10:30 kami rapat\n")
    corpus = ce.Corpus.from_texts({"u.txt": src})
    assert len(corpus.segments) == 1
    assert "10:30" in corpus.segments.loc[0, "text"]
    assert set(string.ascii_letters) <= set(string.printable)


def test_an_empty_folder_is_refused_unless_allowed(tmp_path):
    with pytest.raises(ce.InputError, match="no transcripts"):
        ce.read_transcripts(tmp_path)
    corpus = ce.read_transcripts(tmp_path, allow_empty=True)
    assert len(corpus) == 0 and corpus.segments.empty and corpus.doc_ids == []


def test_turns_declared_makes_undeclared_labels_plain_text():
    body = "Abstract: kami meneliti humas.\nRQ1: bagaimana citra dibangun?\n\nP: Apa?\nI: Ya.\n"
    with pytest.raises(ce.InputError, match="'Abstract'"):
        parse_transcript("---\nid: A\nspeakers: {P: interviewer}\n---\n" + body)
    parsed = parse_transcript("---\nid: A\nturns: declared\nspeakers: {P: interviewer}\n---\n"
                              + body)
    assert [t["speaker"] for t in parsed.turns] == ["", "P"]  # a paragraph, then P's turn
    assert parsed.attrs["turns"] == "declared"  # kept, so a written transcript says it again
    plain = parse_transcript("---\nid: A\nturns: declared\n---\n" + body)
    assert [t["speaker"] for t in plain.turns] == ["", ""]  # paragraphs only
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: A\nturns: declared\n---\n" + body})
    again = ce.Corpus.from_texts({"a.txt": transcript_source(corpus, "A")})
    assert again.segments[["start", "end"]].equals(corpus.segments[["start", "end"]])


# --------------------------------------------------------------------------- dates (issue 14.3)

def _dated(doc: str, date: str) -> str:
    return f"---\nid: {doc}\ndate: {date}\nspeakers: {{I: informant}}\n---\nI: teks\n"


@pytest.mark.parametrize("written, iso", [
    ("2021-03-09", "2021-03-09"),
    ('"2021-03-09"', "2021-03-09"),
    ("15/01/2021", "2021-01-15"),
    ("9/3/2021", "2021-03-09"),
    ("09.03.2021", "2021-03-09"),
    ("9 Maret 2021", "2021-03-09"),
    ("9 Mar 2021", "2021-03-09"),
    ("17 Agustus 2021", "2021-08-17"),
    ("Selasa, 9 Maret 2021", "2021-03-09"),
    ("9 March 2021", "2021-03-09"),
    ('"March 9, 2021"', "2021-03-09"),
    ("2021-03-09 10:30", "2021-03-09T10:30:00"),
    ('"2021-03-09T10:30:00+08:00"', "2021-03-09T10:30:00"),
    ('"2021-03-09T10:30:00.5Z"', "2021-03-09T10:30:00.500000"),
])
def test_dates_are_parsed_when_read(written, iso):
    """Issue 14.3: a transcript's date is parsed once, when read, and stored as ISO."""
    corpus = ce.Corpus.from_texts({"d.txt": _dated("D1", written)})
    assert corpus.documents.loc[0, "date"] == iso


@pytest.mark.parametrize("written, words", [
    ("31/02/2021", "day is out of range"),
    ("03/15/2021", "the day comes first"),
    ("9 Marc 2021", "'Marc' is not a month name"),
    ("minggu lalu", "not a date I can read"),
    ("2021", "is not a date"),
])
def test_unreadable_dates_are_refused_with_file_and_line(tmp_path, written, words):
    write(tmp_path, "d.txt", _dated("D1", written))
    with pytest.raises(ce.InputError, match=words) as exc:
        ce.read_transcripts(tmp_path)
    assert exc.value.path == str(tmp_path / "d.txt") and exc.value.line == 3
    assert "2021-03-09, 09/03/2021 (day/month/year) or 9 Maret 2021" in str(exc.value)


def test_more_turns_than_the_limit_are_refused_at_the_first_one_too_many(tmp_path,
                                                                         monkeypatch):
    import docx

    from citra_eval import corpus as corpus_module

    monkeypatch.setattr(corpus_module, "MAX_TURNS", 4)
    head = "---\nid: X\nspeakers: {A: interviewer, B: informant}\n---\n"
    turns = "".join(f"{'AB'[i % 2]}: kata {i}\n" for i in range(4))
    (tmp_path / "ok.txt").write_text(head + turns, encoding="utf-8")
    assert len(ce.read_transcripts(tmp_path / "ok.txt").segments) == 4
    (tmp_path / "long.txt").write_text(head + turns + "A: satu lagi\n", encoding="utf-8")
    cues = "".join(f"{i}\n00:00:0{i},000 --> 00:00:0{i},500\nB: kata {i}\n\n" for i in range(5))
    (tmp_path / "long.srt").write_text(cues, encoding="utf-8")
    d = docx.Document()
    for i in range(5):
        d.add_paragraph(f"kata {i}")
    d.save(tmp_path / "long.docx")
    for name, what, line in [("long.txt", "turns", 9), ("long.srt", "cues", 18),
                             ("long.docx", "paragraphs", None)]:
        with pytest.raises(ce.InputError) as info:
            ce.read_transcripts(tmp_path / name)
        assert (info.value.line, info.value.message.split(" (")[0].split(":")[0]) == (
            line, f"more than 4 {what} in one transcript"), name
        assert info.value.message.endswith("split the file into several transcripts")


@pytest.mark.parametrize("written", ["0007", "0008", "0010", "0012", "0x1F", "1.10",
                                     "1_000", "007"])
def test_front_matter_ids_are_kept_exactly_as_written(tmp_path, written):
    # YAML 1.1 reads 0010 as octal 8 and 12:30 as 750: an id is text, whatever it looks like
    write(tmp_path, "a.txt", f"---\nid: {written}\nspeakers: {{U: informant}}\n---\nU: ya\n")
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.doc_ids == [written]


def test_a_base_60_looking_id_is_refused_as_written_not_read_as_a_number(tmp_path):
    write(tmp_path, "a.txt", "---\nid: 12:30\nspeakers: {U: informant}\n---\nU: ya\n")
    with pytest.raises(ce.InputError, match="got '12:30'"):  # not 750
        ce.read_transcripts(tmp_path)


def test_number_like_ids_of_several_files_stay_distinct(tmp_path):
    for i in ("0007", "0008", "0010", "0012"):
        write(tmp_path, f"R{i}.txt", f"---\nid: {i}\nspeakers: {{U: informant}}\n---\nU: ya\n")
    docs = ce.read_transcripts(tmp_path).documents
    names = docs["path"].map(lambda p: p.rsplit("/", 1)[-1])
    assert dict(zip(docs["doc_id"], names, strict=True)) == {
        i: f"R{i}.txt" for i in ("0007", "0008", "0010", "0012")}


def test_number_like_speaker_labels_and_attributes_keep_their_zeros(tmp_path):
    write(tmp_path, "a.txt", "---\nid: A\nsite: 0012\nspeakers: {01: informant}\n---\n"
          "01: ya\n")
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.segments["speaker"].tolist() == ["01"]
    assert corpus.documents.loc[0, "site"] == "0012"


def test_front_matter_is_parsed_by_libyaml_without_the_slow_parser(tmp_path, monkeypatch):
    # one file per text means thousands of front matters: the pure-Python parser took 21 s
    import citra_eval._yaml as cy

    def slow(*args, **kwargs):
        raise AssertionError("the pure-Python YAML parser was used")

    monkeypatch.setattr(cy, "_Loader", slow)
    write(tmp_path, "a.txt", "---\nid: A\ndate: 2021-03-02\nsite: 0012\n"
          "speakers: {U: informant}\n---\nU: ya\n")
    doc = ce.read_transcripts(tmp_path).documents.iloc[0]
    assert (doc["doc_id"], doc["date"], doc["site"]) == ("A", "2021-03-02", "0012")


@pytest.mark.parametrize(("front", "line", "said"), [
    ("id: A\nid: B\n", 3, "duplicate key 'id' (first on line 2)"),
    ("id: A\nspeakers: {U: informant\n", 3, "invalid YAML: expected ',' or '}'"),
    ("id: A\ndate: 2021-13-45\n", 3, "cannot read the value '2021-13-45'"),
])
def test_front_matter_errors_keep_their_lines_on_the_fast_path(tmp_path, front, line, said):
    write(tmp_path, "a.txt", f"---\n{front}---\nU: ya\n")
    with pytest.raises(ce.InputError, match=re.escape(said)) as info:
        ce.read_transcripts(tmp_path)
    assert f"a.txt:{line}:" in str(info.value)


# --------------------------------------------------------------------------- docx tables


def _docx_with_table(path, rows, *, cols=2, before=("PEW: Bagaimana humas menangani keluhan?",),
                     after=("INF: Sama-sama.",), header=False):
    """A .docx transcript: front matter and ``before`` as paragraphs, then a table of
    ``rows`` (tuples of cell texts, a cell's lines split on '\\n'), then ``after``."""
    docx = pytest.importorskip("docx")
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    for line in ["---", "id: D1", "speakers: {PEW: interviewer, INF: informant}", "---",
                 *before]:
        d.add_paragraph(line)
    table = d.add_table(rows=len(rows), cols=cols)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            first, *rest = value.split("\n")
            cell.text = first
            for more in rest:
                cell.add_paragraph(more)
    if header:
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
        assert tr_pr.find(qn("w:tblHeader")) is not None
    for line in after:
        d.add_paragraph(line)
    d.save(path)
    return d


def test_docx_two_column_table_rows_are_speaker_turns_in_document_order(tmp_path):
    _docx_with_table(tmp_path / "D1.docx", [
        ("INF", "Keluhan pasien kami jawab lewat WhatsApp.\nBiasanya hari itu juga."),
        ("", "Kalau malam, besoknya."),  # an empty speaker cell continues the turn
        ("PEW:", "Terima kasih."),
    ])
    corpus = ce.read_transcripts(tmp_path)
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["PEW", "INF", "PEW", "INF"]
    assert seg["text"].tolist() == [
        "Bagaimana humas menangani keluhan?",
        "Keluhan pasien kami jawab lewat WhatsApp.\nBiasanya hari itu juga.\n"
        "Kalau malam, besoknya.", "Terima kasih.", "Sama-sama."]
    assert_offsets(corpus)


def test_docx_one_column_table_cells_are_lines_in_order(tmp_path):
    _docx_with_table(tmp_path / "D1.docx", [("INF: Keluhan pasien kami jawab.",),
                                            ("PEW: Terima kasih.",)], cols=1)
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.segments["speaker"].tolist() == ["PEW", "INF", "PEW", "INF"]
    assert "Keluhan pasien kami jawab." in corpus.segments["text"].tolist()
    assert_offsets(corpus)


def test_docx_table_header_row_is_skipped(tmp_path):
    _docx_with_table(tmp_path / "D1.docx", [("Pembicara", "Teks"), ("INF", "Ya.")], header=True)
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.segments["text"].tolist() == ["Bagaimana humas menangani keluhan?", "Ya.",
                                                "Sama-sama."]
    assert "Pembicara" not in corpus.text("D1")


def test_docx_table_merged_and_nested_cells_are_read_once(tmp_path):
    d = _docx_with_table(tmp_path / "D1.docx", [("INF", "Satu."), ("", "Dua."),
                                                ("Catatan", "x")])
    table = d.tables[0]
    table.cell(0, 0).merge(table.cell(1, 0))  # the speaker cell spans two rows
    wide = table.cell(2, 0).merge(table.cell(2, 1))  # a note across both columns
    wide.text = "catatan pewawancara"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "di dalam"
    d.save(tmp_path / "D1.docx")
    corpus = ce.read_transcripts(tmp_path)
    text = corpus.text("D1")
    for words in ("Satu.", "Dua.", "di dalam", "catatan pewawancara"):
        assert text.count(words) == 1, words
    assert text.count("INF:") == 2  # the merged speaker cell once, and the last paragraph
    assert corpus.segments["speaker"].tolist() == ["PEW", "INF", "INF"]
    assert_offsets(corpus)


def test_docx_table_of_three_columns_is_refused_with_how_to_convert(tmp_path):
    _docx_with_table(tmp_path / "D1.docx", [("00:01", "INF", "Ya.")], cols=3)
    with pytest.raises(ce.InputError) as info:
        ce.read_transcripts(tmp_path)
    assert info.value.path == str(tmp_path / "D1.docx")
    message = info.value.message
    assert "3 columns" in message and "speaker | text" in message
    assert "Convert to Text" in message


# --------------------------------------------------------------------------- timestamps

FGD = """---
id: FGD09
speakers: {MOD: interviewer, P1: informant, P2: informant, P3: informant}
---
MOD: Setuju semua?
P2: Nggih.
00:05:10 P3: Saya kurang setuju.
(00:06:00) P1: Keluhan saya belum dijawab.
[0:06:30]\tP2: Sama.
12:30 lanjut MOD bicara
"""


def test_a_timestamp_before_a_declared_label_in_any_tool_style_starts_a_turn():
    corpus = ce.Corpus.from_texts({"FGD09.txt": FGD})
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["MOD", "P2", "P3", "P1", "P2"]
    # the timestamp and the label are not part of the turn's text: the timestamp column
    assert seg["text"].tolist() == ["Setuju semua?", "Nggih.", "Saya kurang setuju.",
                                    "Keluhan saya belum dijawab.",
                                    "Sama.\n12:30 lanjut MOD bicara"]
    assert seg["timestamp"].tolist()[2:] == ["00:05:10", "00:06:00", "00:06:30"]
    assert_offsets(corpus)


@pytest.mark.parametrize("line", ["00:05:10 P9: Saya.", "(00:05:10) P9: Saya."])
def test_a_timestamped_undeclared_label_is_refused_like_any_undeclared_one(line):
    with pytest.raises(ce.InputError) as info:
        parse_transcript(FGD + line + "\n", path="FGD09.txt")
    assert info.value.line == 11 and "speaker 'P9' is not declared" in info.value.message


def test_a_broken_link_among_the_transcripts_is_named_not_left_out(tmp_path):
    """A transcript moved to a drive that is not mounted left its link behind: the folder was
    read with one interview fewer, and validate said ok."""
    write(tmp_path, "a.txt", BASIC)
    (tmp_path / "b.txt").symlink_to("/media/usb/b.txt")
    (tmp_path / "c.txt").symlink_to("c.txt")  # a loop: the link leads to itself
    for path in (tmp_path, [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"]):
        with pytest.raises(ce.InputError) as info:
            ce.read_transcripts(path)
        assert [(p.path, p.message) for p in info.value.problems] == [
            (str(tmp_path / "b.txt"), "cannot be read: it is a link to /media/usb/b.txt, "
             "which does not exist (moved or deleted, or on a drive that is not connected); "
             "put the file back there, or replace the link with the file"),
            (str(tmp_path / "c.txt"), "cannot be read: it is a link that leads back to "
             "itself (a loop of links); replace the link with the file")]


# --------------------------------------------------------------------------- labels as word
# processors type them (session 13): no-break spaces, indents, page breaks, AutoCorrect

OFFICE_FRONT = ('---\nid: NB\nspeakers: {PWW: interviewer, INF: informant, '
                '"Bu Rina": informant}\n---\n')


@pytest.mark.parametrize("line", [
    "INF:\u00a0Menjawab keluhan.",      # Word: a no-break space after the colon
    "INF\u00a0: Menjawab keluhan.",     # French-style AutoCorrect: one before it
    "INF\u202f:\u2009Menjawab keluhan.",  # narrow and thin spaces
    "\tINF: Menjawab keluhan.",         # an indented line
    " INF: Menjawab keluhan.",
    "\u00a0\u00a0INF: Menjawab keluhan.",
    "INF:Menjawab keluhan.",            # no space typed after the colon
    "2\tINF: Menjawab keluhan.",        # lines numbered for citing
    "2. INF: Menjawab keluhan.",
    "\t[00:01:02] INF: Menjawab keluhan.",
])
def test_a_declared_label_typed_with_other_spaces_starts_a_turn(line):
    """Each of these was glued onto the interviewer's question, validate saying ok."""
    corpus = ce.Corpus.from_texts({"nb.txt": OFFICE_FRONT + "PWW: Lalu?\n" + line + "\n"})
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["PWW", "INF"]
    assert seg["text"].tolist() == ["Lalu?", "Menjawab keluhan."]
    assert_offsets(corpus)


def test_a_two_word_label_with_a_no_break_space_is_its_declared_speaker():
    corpus = ce.Corpus.from_texts({"nb.txt": OFFICE_FRONT + "PWW: Dan?\nBu\u00a0Rina: Setuju.\n"
                                             "Bu \u2002 Rina: Lagi.\n"})
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["PWW", "Bu Rina", "Bu Rina"]  # as declared
    assert seg["text"].tolist() == ["Dan?", "Setuju.", "Lagi."]
    assert_offsets(corpus)


def test_labels_differing_only_in_spaces_are_one_speaker_declared_twice():
    with pytest.raises(ce.InputError, match=r"declares 'Bu.xa0Rina' twice \(once as 'Bu Rina'"):
        ce.Corpus.from_texts({"z.txt": '---\nid: Z\nspeakers: {"Bu Rina": informant, '
                                       '"Bu\u00a0Rina": informant}\n---\nBu Rina: Ya.\n'})


def test_an_undeclared_label_with_a_no_break_space_is_refused_like_any_other():
    with pytest.raises(ce.InputError, match="'Rina' is not declared"):
        ce.Corpus.from_texts({"u.txt": OFFICE_FRONT + "PWW: Lalu?\nRina:\u00a0Ya.\n"})


@pytest.mark.parametrize("brk", ["\f", "\v", "\u2028", "\u2029"])
def test_a_page_or_manual_line_break_before_a_label_ends_the_turn(brk):
    """Word's "Save as Plain Text" writes a page break as a form feed and a manual line break
    as a vertical tab; the text keeps them, so offsets are those of the file."""
    body = f"PWW: Apa tugas humas?\n{brk}INF: Informasi.\nPWW: Lalu?{brk}INF: Keluhan.\n"
    corpus = ce.Corpus.from_texts({"ff.txt": OFFICE_FRONT + body})
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["PWW", "INF", "PWW", "INF"]
    assert seg["text"].tolist() == ["Apa tugas humas?", "Informasi.", "Lalu?", "Keluhan."]
    assert corpus.text("NB") == body
    assert seg["line"].tolist() == [5, 6, 7, 7]
    assert_offsets(corpus)
    # a page break between two words of a turn, or alone on a line, is text
    inside = ce.Corpus.from_texts({"f2.txt": OFFICE_FRONT + f"INF: satu{brk}dua\n{brk}\ntiga\n"})
    assert inside.segments["text"].tolist() == [f"satu{brk}dua\n{brk}\ntiga"]
    # the transcript written from it reads back the same
    again = ce.Corpus.from_texts({"a.txt": transcript_source(corpus, "NB")})
    assert again.segments[["speaker", "start", "end"]].equals(seg[["speaker", "start", "end"]])


@pytest.mark.parametrize("mark", ["\ufeff", "\u200b", "\u200e", "\u200f", "\u2060",
                                  "\u200e\u200b"])
def test_an_invisible_character_before_a_label_does_not_hide_it(mark):
    """Files joined that each start with a byte-order mark, a zero-width space pasted from a
    chat, a direction mark left by editing right-to-left text: the interviewer's question was
    merged into the informant's turn before it, silently. The characters stay in the text
    (offsets are those of the file), outside every turn."""
    body = f"PWW: Lalu?\nINF: Kerja sama.\n{mark}PWW: Apa ada media?\n{mark}[00:01:02] INF: Ya.\n"
    corpus = ce.Corpus.from_texts({"cf.txt": OFFICE_FRONT + body})
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["PWW", "INF", "PWW", "INF"]
    assert seg["text"].tolist() == ["Lalu?", "Kerja sama.", "Apa ada media?", "Ya."]
    assert seg["timestamp"].tolist()[3] == "00:01:02"
    assert corpus.text("NB") == body
    assert_offsets(corpus)
    # an undeclared label behind one is refused like any other
    with pytest.raises(ce.InputError, match="'Rina' is not declared"):
        ce.Corpus.from_texts({"u.txt": OFFICE_FRONT + f"PWW: Lalu?\n{mark}Rina: Ya.\n"})
    # the transcript written from it reads back the same
    again = ce.Corpus.from_texts({"a.txt": transcript_source(corpus, "NB")})
    assert again.segments[["speaker", "start", "end"]].equals(seg[["speaker", "start", "end"]])


def test_a_page_break_alone_on_a_line_ends_an_unlabelled_paragraph_but_not_between_words():
    corpus = ce.Corpus.from_texts({"p.txt": "---\nid: P\n---\nsatu\f\ndua\n\f\ntiga\n"})
    assert corpus.segments["text"].tolist() == ["satu\f\ndua", "tiga"]
    assert_offsets(corpus)


@pytest.mark.parametrize("front, message", [
    ('id: Q\nspeakers: {PWW: interviewer, \u201cBu Rina\u201d: informant}',
     'speaker label \u201cBu Rina\u201d is in curly quotes: write "Bu Rina" with straight quotes'),
    ('id: \u201cQ1\u201d\nspeakers: {PWW: interviewer}',
     "'id' \u201cQ1\u201d is in curly quotes: write \"Q1\" with straight quotes"),
    ("Id: CAPS\nspeakers: {PWW: interviewer}", "'Id' should be 'id' (lower case"),
    ("ID: CAPS\nspeakers: {PWW: interviewer}", "'ID' should be 'id' (lower case"),
    ("id: CAPS\nSpeakers: {PWW: interviewer}", "'Speakers' should be 'speakers' (lower case"),
    ('id: Q\nspeakers: {PWW: \u201cinterviewer\u201d}',
     "the role of 'PWW', \u201cinterviewer\u201d, is in curly quotes: write interviewer"),
])
def test_word_autocorrect_in_the_front_matter_is_named(front, message):
    with pytest.raises(ce.InputError) as info:
        parse_transcript(f"---\n{front}\n---\nPWW: Apa?\n", path="q.txt")
    assert message in info.value.message
    assert info.value.line in (2, 3)


def test_a_teams_transcript_names_the_speaker_and_time_on_a_line_of_their_own():
    """Microsoft Teams' downloaded transcript: 'Name   0:03', the words on the next line(s)."""
    src = ('---\nid: T\nspeakers: {Peneliti: interviewer, "Budi Santoso": informant}\n---\n'
           "Peneliti   0:03\nApa tugas humas?\nBudi Santoso   1:02:09\nKami menyampaikan\n"
           "informasi layanan.\nBudi Santoso 0:25 berkata begitu.\n")
    corpus = ce.Corpus.from_texts({"t.txt": src})
    seg = corpus.segments
    assert seg["speaker"].tolist() == ["Peneliti", "Budi Santoso"]
    assert seg["timestamp"].tolist() == ["00:00:03", "01:02:09"]
    assert seg["text"].tolist() == ["Apa tugas humas?", "Kami menyampaikan\ninformasi layanan."
                                    "\nBudi Santoso 0:25 berkata begitu."]
    assert seg["line"].tolist() == [5, 7]
    assert_offsets(corpus)


# --------------------------------------------------------------------------- subtitle cues
# holding two voices, naming no one, or not separated by a blank line (session 13)

SIDECAR = "speakers: {Peneliti: interviewer, Budi: informant}\n"


def _subtitles(tmp_path, name, content, sidecar=SIDECAR):
    write(tmp_path, name, content)
    if sidecar:
        write(tmp_path, name.rsplit(".", 1)[0] + ".yaml", sidecar)
    corpus = ce.read_transcripts(tmp_path / name)
    assert_offsets(corpus)
    return corpus.segments


def test_a_vtt_cue_with_two_voices_is_a_turn_per_voice(tmp_path):
    seg = _subtitles(tmp_path, "v2.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
                     "<v Peneliti>Apa tugas humas?</v>\n\n00:00:04.500 --> 00:00:08.000\n"
                     "<v Peneliti>Pertanyaan kedua?</v>\n<v Budi>Jawaban &amp; Budi</v>\n"
                     "lanjut. <v Peneliti>Baik.</v>\n")
    assert seg["speaker"].tolist() == ["Peneliti", "Budi", "Peneliti"]
    assert seg["role"].tolist() == ["interviewer", "informant", "interviewer"]
    assert seg["text"].tolist() == ["Apa tugas humas?\nPertanyaan kedua?",
                                    "Jawaban & Budi lanjut.", "Baik."]
    assert seg["timestamp"].tolist() == ["00:00:01", "00:00:04", "00:00:04"]


@pytest.mark.parametrize("sidecar", [SIDECAR, None])
def test_srt_dialogue_lines_are_a_turn_per_speaker(tmp_path, sidecar):
    seg = _subtitles(tmp_path, "s2.srt", "1\n00:00:01,000 --> 00:00:04,000\nBudi: Informasi.\n\n"
                     "2\n00:00:07,000 --> 00:00:09,000\n- Peneliti: Baik, terima kasih.\n"
                     "- Budi: Sama-sama.\nBetul: itu saja.\n", sidecar)
    assert seg["speaker"].tolist() == ["Budi", "Peneliti", "Budi"]
    assert seg["text"].tolist() == ["Informasi.", "Baik, terima kasih.",
                                    "Sama-sama. Betul: itu saja."]


def test_a_declared_speaker_opening_a_later_line_of_a_cue_starts_a_turn(tmp_path):
    seg = _subtitles(tmp_path, "s3.srt", "1\n00:00:01,000 --> 00:00:04,000\nPeneliti: Apa?\n"
                     "Budi: Informasi.\nKata: bukan nama.\n")
    assert seg["speaker"].tolist() == ["Peneliti", "Budi"]
    assert seg["text"].tolist() == ["Apa?", "Informasi. Kata: bukan nama."]


@pytest.mark.parametrize("name,cues", [
    ("n.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nPeneliti: Apa tugas humas?\n\n"
              "00:00:05.000 --> 00:00:08.000\nInformasi layanan.\n\n"
              "00:00:08.000 --> 00:00:09.000\nkata saya.\n\n"
              "00:00:10.000 --> 00:00:11.000\n<v Budi>Ya.\n"),
    ("n.srt", "1\n00:00:01,000 --> 00:00:04,000\nPeneliti: Apa tugas humas?\n\n"
              "2\n00:00:05,000 --> 00:00:08,000\nInformasi layanan.\n\n"
              "3\n00:00:08,000 --> 00:00:09,000\nkata saya.\n\n"
              "4\n00:00:10,000 --> 00:00:11,000\nBudi: Ya.\n"),
])
def test_a_cue_naming_no_speaker_is_not_added_to_the_turn_before_it(tmp_path, name, cues):
    """Zoom writes a cue without a name when it could not tell the speaker: it may be the
    informant answering, so it is not made the interviewer's."""
    seg = _subtitles(tmp_path, name, cues)
    assert seg["speaker"].tolist() == ["Peneliti", "", "Budi"]
    assert seg["role"].tolist() == ["interviewer", "", "informant"]
    assert seg["text"].tolist() == ["Apa tugas humas?", "Informasi layanan.\nkata saya.", "Ya."]
    assert seg["line"].tolist() == ([3, 6, 12] if name.endswith("vtt") else [2, 6, 14])


def test_srt_cues_without_a_blank_line_between_them_are_still_cues(tmp_path):
    seg = _subtitles(tmp_path, "s.srt", "1\n00:00:01,000 --> 00:00:04,000\nPeneliti: Apa?\n\n"
                     "2\n00:00:04,500 --> 00:00:08,000\nBudi: Informasi layanan.\n2020\n"
                     "3\n00:00:09,000 --> 00:00:10,000\nPeneliti: Terima kasih.\n"
                     "00:00:10,000 --> 00:00:11,000\nBudi: Sama-sama.\n")
    assert seg["speaker"].tolist() == ["Peneliti", "Budi", "Peneliti", "Budi"]
    assert seg["text"].tolist() == ["Apa?", "Informasi layanan. 2020", "Terima kasih.",
                                    "Sama-sama."]
    assert seg["line"].tolist() == [2, 6, 10, 12]


# --------------------------------------------------------------------------- docx as Word writes it

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run(text):
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _ins(inner, n=1):
    return f'<w:ins w:id="{n}" w:author="E" w:date="2024-01-01T00:00:00Z">{inner}</w:ins>'


def _del(text, n=2):
    return (f'<w:del w:id="{n}" w:author="E" w:date="2024-01-01T00:00:00Z"><w:r>'
            f'<w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>')


def _word_docx(path, blocks, *, doc_id="D1", speakers="{PWW: interviewer, INF: informant}"):
    """A .docx transcript: front matter paragraphs, then ``blocks``, each raw
    WordprocessingML for one paragraph's content (a str) or a whole body element (a
    1-tuple), as Word writes them. Returns the document (to add comments, notes...)."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    d = docx.Document()
    for line in ["---", f"id: {doc_id}", f"speakers: {speakers}", "---"]:
        d.add_paragraph(line)
    body = d.element.body
    for block in blocks:
        xml = block[0].replace("<w:sdt>", f"<w:sdt {_W}>", 1) if isinstance(block, tuple) \
            else f"<w:p {_W}>{block}</w:p>"
        body.insert(len(body) - 1, parse_xml(xml))  # before the section properties
    d.save(path)
    return d


def _read_warned(path):
    """``read_transcripts(path)`` and the messages of the TranscriptWarnings it gave."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = ce.read_transcripts(path)
    return corpus, [str(w.message) for w in caught
                    if issubclass(w.category, ce.TranscriptWarning)]


def test_docx_tracked_changes_are_read_as_accepted_and_said(tmp_path):
    """Text typed with Track Changes on (a word, a whole turn) was dropped; deleted text
    stays out; a deleted paragraph mark joins the paragraph to the next, as accepting
    does."""
    _word_docx(tmp_path / "D1.docx", [
        _run("PWW: Apa tugas humas?"),
        _run("INF: Tugas kami ") + _del("gosip ") + _ins(_run("menyampaikan informasi"))
        + _run(" kepada masyarakat."),
        _ins(_run("PWW: Bagaimana keluhan warga?")),  # a whole turn typed with tracking on
        # a paragraph mark deleted: the next paragraph joins this one
        '<w:pPr><w:rPr><w:del w:id="5" w:author="E" w:date="2024-01-01T00:00:00Z"/></w:rPr>'
        '</w:pPr>' + _run("INF: Keluhan kami ") + _del("RAHASIA", 6),
        _run("jawab dalam sehari."),
        # a move: the moved-from text stays out, the moved-to text is read
        '<w:moveFrom w:id="7" w:author="E" w:date="2024-01-01T00:00:00Z">'
        + _run("PWW: Dipindah?") + "</w:moveFrom>",
    ])
    corpus, said = _read_warned(tmp_path)
    assert corpus.text("D1") == ("PWW: Apa tugas humas?\nINF: Tugas kami menyampaikan informasi"
                                 " kepada masyarakat.\nPWW: Bagaimana keluhan warga?\n"
                                 "INF: Keluhan kami jawab dalam sehari.\n")
    assert corpus.segments["speaker"].tolist() == ["PWW", "INF", "PWW", "INF"]
    assert "gosip" not in corpus.text("D1") and "RAHASIA" not in corpus.text("D1")
    assert_offsets(corpus)
    [warning] = said
    assert warning.startswith(f"{tmp_path / 'D1.docx'}: ")
    assert "tracked changes" in warning and "as if accepted" in warning
    assert "deleted text stays in the file" in warning


def _hidden(text, val=None):
    """A run of Word's hidden text (Font > Hidden: ``w:vanish``), or with ``val`` set."""
    flag = "<w:vanish/>" if val is None else f'<w:vanish w:val="{val}"/>'
    return f'<w:r><w:rPr>{flag}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_docx_hidden_text_is_left_out_and_said(tmp_path):
    """Hidden text (Font > Hidden, which Word neither shows nor prints by default) was read
    as if visible: a coder's aside, or a name hidden rather than deleted, went into the
    transcript, its codings and its word counts."""
    from docx.enum.style import WD_STYLE_TYPE

    d = _word_docx(tmp_path / "D1.docx", [
        _run("PWW: Apa tugas humas?") + _hidden(" [catatan: tanya lagi]"),
        _run("INF: Tugas kami ") + _hidden("RAHASIA ") + _hidden("Budi ")
        + _run("menyampaikan informasi."),
        # hidden explicitly switched off: shown
        _run("PWW: Kapan?") + _hidden(" Besok.", "false") + _hidden(" Lusa.", "0"),
        # a whole paragraph hidden, its mark too: it is gone, not an empty line
        '<w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>' + _hidden("INF: Turn tersembunyi."),
        _run("INF: Sehari."),
    ])
    # a character style that hides (Word: a style with Font > Hidden)
    style = d.styles.add_style("Rahasia", WD_STYLE_TYPE.CHARACTER)
    style.font.hidden = True
    d.paragraphs[-1].add_run(" Nama Rahasia.").style = style
    d.save(tmp_path / "D1.docx")
    corpus, said = _read_warned(tmp_path)
    assert corpus.text("D1") == ("PWW: Apa tugas humas?\nINF: Tugas kami menyampaikan "
                                 "informasi.\nPWW: Kapan? Besok. Lusa.\nINF: Sehari.")
    assert corpus.segments["speaker"].tolist() == ["PWW", "INF", "PWW", "INF"]
    assert_offsets(corpus)
    [warning] = said
    hidden = len(" [catatan: tanya lagi]RAHASIA Budi INF: Turn tersembunyi. Nama Rahasia.")
    assert warning.startswith(f"{tmp_path / 'D1.docx'}: ")
    assert f"hidden text in 4 places ({hidden} characters;" in warning, warning
    assert "left out" in warning and "Hidden" in warning
    # the same document without hidden text says nothing of it
    _word_docx(tmp_path / "D1.docx", [_run("PWW: Apa?"), _run("INF: Ya.")])
    assert _read_warned(tmp_path)[1] == []


def test_docx_fields_content_controls_smart_tags_and_text_boxes_are_read(tmp_path):
    """Visible text in a field's result, a content control (in a paragraph or around whole
    paragraphs), a smart tag, custom XML and a text box was lost."""
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    wps = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    box = f"<w:txbxContent><w:p>{_run('INF: jawaban di kotak teks')}</w:p></w:txbxContent>"
    _word_docx(tmp_path / "D1.docx", [
        _run("PWW: Tanggal ") + f'<w:fldSimple w:instr=" DATE ">{_run("15/01/2024")}'
        "</w:fldSimple>" + _run(" ya?"),
        # a complex field: the instruction (with a nested field's result) stays out
        _run("INF: Tanggalnya ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("99")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("15 Januari")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + _run(" betul."),
        _run("INF: Nama unit ") + f"<w:sdt><w:sdtPr/><w:sdtContent>{_run('Bagian Humas')}"
        "</w:sdtContent></w:sdt>" + _run(" kami."),
        _run("PWW: Di ") + '<w:smartTag w:uri="urn:x" w:element="place">'
        + _run("Banjarmasin") + "</w:smartTag>" + '<w:customXml w:element="x">'
        + _run(" kota") + "</w:customXml>" + _run("?"),
        # a text box, as Word 2010+ writes it: a drawing and its VML fallback (read once)
        _run("INF: Lihat kotak.") + f'<w:r><mc:AlternateContent {mc}><mc:Choice Requires="wps">'
        f"<w:drawing><wps:wsp {wps}><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing>"
        f"</mc:Choice><mc:Fallback><w:pict><v:shape {vml}><v:textbox>{box}</v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>",
        # a drawing without its text box, which only the fallback holds
        _run("PWW: Lanjut.") + f'<w:r><mc:AlternateContent {mc}><mc:Choice Requires="wps">'
        f"<w:drawing/></mc:Choice><mc:Fallback><w:pict><v:shape {vml}><v:textbox>"
        f"<w:txbxContent><w:p>{_run('TEKS KOTAK')}</w:p></w:txbxContent></v:textbox></v:shape>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r>",
        (f"<w:sdt><w:sdtPr/><w:sdtContent><w:p>{_run('PWW: Dalam kontrol konten?')}</w:p>"
         f"<w:p>{_run('INF: Ya, dua paragraf.')}</w:p></w:sdtContent></w:sdt>",),
    ])
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.text("D1") == (
        "PWW: Tanggal 15/01/2024 ya?\nINF: Tanggalnya 15 Januari betul.\n"
        "INF: Nama unit Bagian Humas kami.\nPWW: Di Banjarmasin kota?\nINF: Lihat kotak.\n"
        "INF: jawaban di kotak teks\nPWW: Lanjut.\nTEKS KOTAK\nPWW: Dalam kontrol konten?\n"
        "INF: Ya, dua paragraf.")
    assert corpus.segments["speaker"].tolist() == ["PWW", "INF", "INF", "PWW", "INF", "INF",
                                                   "PWW", "PWW", "INF"]
    assert_offsets(corpus)


def test_docx_table_rows_and_cells_in_content_controls_are_read(tmp_path):
    """A repeating-section content control around table rows, or one around a cell."""
    row = "<w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr>"
    par = "<w:p>{}</w:p>"
    _word_docx(tmp_path / "D1.docx", [(
        f"<w:tbl {_W}><w:tr><w:tc>{par.format(_run('PWW'))}</w:tc><w:tc>"
        f"{par.format(_run('Apa?'))}</w:tc></w:tr><w:sdt><w:sdtPr/><w:sdtContent>"
        + row.format(par.format(_run("INF")), par.format(_run("Ya.")))
        + "</w:sdtContent></w:sdt><w:tr><w:sdt><w:sdtPr/><w:sdtContent><w:tc>"
        f"{par.format(_run('PWW'))}</w:tc></w:sdtContent></w:sdt><w:tc>"
        f"{par.format(_run('Lalu?'))}</w:tc></w:tr></w:tbl>",)])
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.text("D1") == "PWW: Apa?\nINF: Ya.\nPWW: Lalu?"
    assert_offsets(corpus)


def test_docx_comments_notes_headers_and_footers_are_left_out_and_said(tmp_path):
    d = _word_docx(tmp_path / "D1.docx", [_run("PWW: Ada keluhan?")])
    p = d.add_paragraph("INF: Ada, sedikit.")
    d.add_comment(p.runs, text="Catatan pewawancara: tanya lagi", author="Peneliti")
    d.add_comment(p.runs, text="Cek lagi", author="Peneliti")
    d.sections[0].header.paragraphs[0].text = "RAHASIA - transkrip"
    d.save(tmp_path / "D1.docx")
    corpus, said = _read_warned(tmp_path)
    assert corpus.text("D1") == "PWW: Ada keluhan?\nINF: Ada, sedikit."
    assert "Catatan" not in corpus.text("D1") and "RAHASIA" not in corpus.text("D1")
    [warning] = said
    assert warning.startswith(f"{tmp_path / 'D1.docx'}: ")
    assert "2 comments" in warning and "header" in warning and "left out" in warning
    # a plain document says nothing
    _word_docx(tmp_path / "D1.docx", [_run("PWW: Ada keluhan?")])
    assert _read_warned(tmp_path)[1] == []


def test_docx_footnotes_and_endnotes_are_counted(tmp_path):
    """python-docx writes no notes: add a footnotes part by hand."""
    import zipfile

    _word_docx(tmp_path / "D0.docx", [_run("PWW: Ada?") + '<w:r><w:footnoteReference w:id="1"/>'
                                      "</w:r>"])
    notes = (f'<w:footnotes {_W}><w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
             f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p/></w:footnote>'
             f'<w:footnote w:id="1"><w:p>{_run("Catatan kaki")}</w:p></w:footnote>'
             "</w:footnotes>")
    with zipfile.ZipFile(tmp_path / "D0.docx") as src, \
            zipfile.ZipFile(tmp_path / "D1.docx", "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/footnotes.xml", notes)
    (tmp_path / "D0.docx").unlink()
    corpus, [warning] = _read_warned(tmp_path)
    assert "Catatan" not in corpus.text("D1")
    assert "1 footnote" in warning and "comment" not in warning


def test_docx_page_and_column_breaks_end_a_line(tmp_path):
    """A page or column break inside a paragraph glued two turns ('humas?INF:') into one;
    a rendered page break (where Word last laid out a page) is no break in the text."""
    _word_docx(tmp_path / "D1.docx", [
        '<w:r><w:t>PWW: Apa tugas humas?</w:t><w:br w:type="page"/>'
        "<w:t>INF: Menyampaikan informasi.</w:t></w:r>",
        '<w:r><w:t>PWW: Lalu?</w:t><w:br w:type="column"/><w:t>INF: Keluhan.</w:t></w:r>',
        "<w:r><w:lastRenderedPageBreak/><w:t>PWW: Terima</w:t></w:r>"
        "<w:r><w:lastRenderedPageBreak/><w:t xml:space=\"preserve\"> kasih.</w:t></w:r>",
    ])
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.segments["text"].tolist() == ["Apa tugas humas?", "Menyampaikan informasi.",
                                                "Lalu?", "Keluhan.", "Terima kasih."]
    assert_offsets(corpus)


def test_docx_unmarked_table_header_row_is_recognised_and_said(tmp_path):
    """A header row not marked 'Repeat as header row' (Word's default) got the advice to
    declare 'Pembicara' as a speaker, which would make the header a turn."""
    _docx_with_table(tmp_path / "D1.docx", [("Pembicara", "Teks"), ("INF", "Ya."),
                                            ("PEW", "Lalu?")])
    corpus, [warning] = _read_warned(tmp_path)
    assert "Pembicara" not in corpus.text("D1")
    assert corpus.segments["speaker"].tolist() == ["PEW", "INF", "PEW", "INF"]
    assert "header row" in warning and "'Pembicara'" in warning
    assert_offsets(corpus)


def test_docx_table_first_row_that_may_be_a_turn_is_not_dropped(tmp_path):
    """An undeclared first speaker whose row reads like a turn is refused, naming both fixes
    (declare the speaker, or mark or delete the header row)."""
    _docx_with_table(tmp_path / "D1.docx", [("Moderator", "Selamat pagi, mari mulai."),
                                            ("INF", "Ya."), ("PEW", "Lalu?")])
    with pytest.raises(ce.InputError) as info:
        ce.read_transcripts(tmp_path)
    message = info.value.message
    assert "'Moderator'" in message and "Repeat as header row" in message
    assert "speakers" in message


def test_office_lock_files_among_the_transcripts_are_skipped(tmp_path):
    """While INF01.docx is open, Word keeps '~$INF01.docx' beside it (LibreOffice:
    '.~lock.INF01.docx#'): every command failed on it."""
    _word_docx(tmp_path / "INF01.docx", [_run("PWW: Apa?"), _run("INF: Ya.")], doc_id="INF01")
    (tmp_path / "~$INF01.docx").write_bytes(b"\x05Budi " + b" " * 48 + b"\x00" * 100)
    (tmp_path / "~$terview02.docx").write_bytes(b"\x05Budi" + b"\x00" * 100)
    (tmp_path / ".~lock.INF01.docx#").write_text(",Budi,host,01.01.2024 10:00,file:///x;")
    assert [f.name for f in transcript_files(tmp_path)] == ["INF01.docx"]
    corpus, said = _read_warned(tmp_path)
    assert corpus.doc_ids == ["INF01"]
    assert said == [f"{tmp_path / '~$INF01.docx'}: skipped: the lock file Word keeps while "
                    "INF01.docx is open in Word; what is not saved there yet is not read",
                    f"{tmp_path / '~$terview02.docx'}: skipped: a Word lock file left behind "
                    "(no document of its name is here, or Word closed without saving); "
                    "delete it"]


@pytest.mark.parametrize("name", ["INF02.odt", "INF03.rtf", "INF04.doc", "INF05.text",
                                  "INF06.DOCM", "INF07.pages", "consent.pdf"])
def test_a_file_in_a_format_not_read_is_skipped_with_a_warning_naming_it(tmp_path, name):
    """Transcripts saved as .odt, .doc, .rtf or .text were skipped without a word (the
    interview was missing from every analysis); then any such file, a consent form as .pdf
    say, stopped every command. It is skipped with a warning naming it and both fixes."""
    write(tmp_path, "INF01.txt", BASIC)
    write(tmp_path, name, b"PK\x03\x04 whatever")
    write(tmp_path, "INF01.yaml", "notes: a sidecar is no transcript\n")
    corpus, said = _read_warned(tmp_path)
    assert len(corpus.doc_ids) == 1
    [warning] = said
    suffix = name[name.index("."):].lower()
    fix = "rename it to .txt" if suffix == ".text" else "save it as .docx or .txt"
    assert warning.startswith(f"{tmp_path / name}: skipped: a {suffix} file is not read as a "
                              "transcript"), warning
    assert f"if it is an interview, {fix}" in warning and "move it out" in warning
    # alone in the folder (no transcript can be read), it is an error naming it
    (tmp_path / "INF01.txt").unlink()
    with pytest.raises(ce.InputError) as info:
        ce.read_transcripts(tmp_path)
    [problem] = info.value.problems
    assert problem.path == str(tmp_path / name)
    assert problem.message.startswith(f"unsupported format ({suffix}): {fix}")
    with pytest.raises(ce.InputError, match="unsupported format"):
        ce.read_transcripts(tmp_path, allow_empty=True)


def test_a_word_transcript_with_every_feature_codes_to_offsets_that_slice_its_text(tmp_path):
    """Offsets are sacred: codings of a .docx with tracked changes, fields, content
    controls, a text box, breaks and a table (every route: the auto-coder by turn and by
    sentence, a codings file read back, a REFI-QDA round trip) slice the text read."""
    _word_docx(tmp_path / "D1.docx", [
        _run("PWW: Apa ") + _ins(_run("strategi ")) + _del("gosip ") + _run("humas?"),
        _ins(_run("INF: Kami bermitra dengan media. ")) + _run("Rilis ")
        + f'<w:fldSimple w:instr=" DATE ">{_run("hari ini")}</w:fldSimple>' + _run(" cepat."),
        '<w:r><w:t>PWW: Lalu?</w:t><w:br w:type="page"/><w:t>INF: Kami bermitra lagi.</w:t>'
        "</w:r>",
        (f"<w:sdt><w:sdtPr/><w:sdtContent><w:p>{_run('INF: Kerja sama ')}<w:sdt><w:sdtPr/>"
         f"<w:sdtContent>{_run('dengan mitra')}</w:sdtContent></w:sdt>{_run(' media.')}</w:p>"
         "</w:sdtContent></w:sdt>",),
    ])
    with pytest.warns(ce.TranscriptWarning, match="tracked changes"):
        corpus = ce.read_transcripts(tmp_path)
    assert corpus.segments["speaker"].tolist() == ["PWW", "INF", "PWW", "INF", "INF"]
    cb = ce.Codebook.from_dict({"codes": [
        {"id": "kerja_sama", "label": "Kerja sama", "patterns": ["kerja sama", "mitra"]},
        {"id": "cepat", "label": "Cepat", "patterns": ["cepat"]}]})
    text = corpus.text("D1")
    for unit in ("turn", "sentence"):
        codings = ce.autocode(corpus, cb, unit=unit, question_context=False)
        assert len(codings) >= 3
        for row in codings.itertuples():
            assert row.evidence.split(" | ")[0].lower() in text[row.start:row.end].lower()
    codings = ce.autocode(corpus, cb, unit="sentence", question_context=False)
    codings.to_csv(tmp_path / "codings_auto.csv", index=False)
    back = ce.read_codings(tmp_path / "codings_auto.csv", corpus=corpus)
    assert [text[s:e] for s, e in zip(back["start"], back["end"], strict=True)] == \
        [text[s:e] for s, e in zip(codings["start"], codings["end"], strict=True)]
    ce.write_qdpx(tmp_path / "p.qdpx", corpus, cb, codings)
    project = ce.read_qdpx(tmp_path / "p.qdpx")
    assert project.corpus.text("D1") == text
    assert sorted(zip(project.codings["start"], project.codings["end"], strict=True)) == \
        sorted(zip(codings["start"], codings["end"], strict=True))


def test_a_docx_without_its_document_or_encrypted_says_what_it_is(tmp_path):
    import zipfile

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(tmp_path / "a.docx", "w") as dst:
        for n in src.namelist():
            if n != "word/document.xml":
                dst.writestr(n, src.read(n))
    err = _error(tmp_path, {})
    assert "not a Word document: word/document.xml missing" in err.message, err.format()
    (tmp_path / "a.docx").unlink()
    # what Word writes for "Encrypt with password": an OLE compound file
    write(tmp_path, "b.docx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4096)
    err = _error(tmp_path, {})
    assert "is encrypted or an old .doc/.xls: save it as .docx/.xlsx without a password" \
        in err.message, err.format()


def test_a_transcript_above_the_size_limit_is_refused_at_its_line(tmp_path, monkeypatch):
    # 200 MB of one turn took 1.7 GB to validate and ran 'code' out of memory, naming no file
    from citra_eval import corpus as corpus_module

    monkeypatch.setattr(corpus_module, "MAX_TRANSCRIPT_BYTES", 100)
    text = "---\nid: X\n---\nI: q\nR: " + "partnership " * 20 + "\n"
    err = _error(tmp_path, {"a.txt": text})
    assert err.line == 5, err.format()
    assert "more than the limit of 100 bytes (corpus.MAX_TRANSCRIPT_BYTES)" in err.message


def test_a_transcript_with_front_matter_and_no_turns_is_warned_about(tmp_path):
    # read silently as a document of 0 segments: its body may have been lost
    import citra_eval as ce

    (tmp_path / "X.txt").write_text("---\nid: X\nspeakers: {P: interviewer, X: informant}\n"
                                    "---\n")
    with pytest.warns(ce.TranscriptWarning, match=r"X\.txt: .*no turns") as caught:
        corpus = ce.read_transcripts(tmp_path)
    assert len(corpus.documents) == 1 and len(corpus.segments) == 0
    assert len([w for w in caught if issubclass(w.category, ce.TranscriptWarning)]) == 1


def test_a_docx_with_too_many_runs_is_refused_before_python_docx_reads_it(tmp_path,
                                                                           monkeypatch):
    # 400,000 runs in one paragraph took 490 MB: python-docx builds the whole tree
    docx = pytest.importorskip("docx")
    from citra_eval import corpus as corpus_module

    monkeypatch.setattr(corpus_module, "MAX_DOCX_RUNS", 50)
    d = docx.Document()
    for line in BASIC.strip("\n").split("\n"):
        d.add_paragraph(line)
    d.save(tmp_path / "ok.docx")
    ce.read_transcripts(tmp_path / "ok.docx")
    p = d.add_paragraph("INF03: ")
    for i in range(60):
        p.add_run(f"w{i} ").bold = True
    d.save(tmp_path / "runs.docx")
    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(ce.InputError, match="more than 50 runs") as info:
        ce.read_transcripts(tmp_path / "runs.docx")
    assert info.value.problems[0].path == str(tmp_path / "runs.docx")
