"""Codings tables: reading, validation against corpus and codebook, writing."""

from __future__ import annotations

import pandas as pd
import pytest
from _samples import BASIC, GOOD

import citra_eval as ce

HEADER = "doc_id,segment_id,start,end,code,coder,evidence,note\n"


@pytest.fixture
def corpus():
    return ce.Corpus.from_texts({"a.txt": BASIC})


@pytest.fixture
def codebook(tmp_path):
    p = tmp_path / "cb.yaml"
    p.write_text(GOOD, encoding="utf-8")
    return ce.Codebook.load(p)


def span(corpus, seg_id):
    row = corpus.segments.set_index("segment_id").loc[seg_id]
    return int(row.start), int(row.end)


def write(tmp_path, body):
    p = tmp_path / "codings_A.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_read_valid(tmp_path, corpus, codebook):
    s, e = span(corpus, 2)
    p = write(tmp_path, f"INF03,2,{s},{e},kerja_sama,A,,first\nINF03,2,{s},{s + 5},bamara,A,,\n")
    frame = ce.read_codings(p, corpus=corpus, codebook=codebook)
    assert list(frame.columns) == ["doc_id", "segment_id", "start", "end", "code", "coder",
                                   "evidence", "note"]
    assert frame["start"].dtype == "int64"
    assert frame.loc[0, "note"] == "first" and pd.isna(frame.loc[1, "note"])
    assert corpus.text("INF03")[frame.loc[1, "start"]:frame.loc[1, "end"]] == "Pagi."


def test_write_roundtrip(tmp_path, corpus):
    s, e = span(corpus, 2)
    frame = ce.read_codings(write(tmp_path, f"INF03,2,{s},{e},kerja_sama,A,\"a, b\",\n"))
    ce.write_codings(frame, tmp_path / "out.csv")
    assert ce.read_codings(tmp_path / "out.csv").equals(frame)


@pytest.mark.parametrize("row,line,words", [
    ("INF03,2,{s},{after},kerja_sama,A,,", 2, "not inside segment 2"),
    ("INF03,2,{s},{s},kerja_sama,A,,", 2, "must be smaller than end"),
    ("INF99,2,{s},{e},kerja_sama,A,,", 2, "unknown doc_id 'INF99'"),
    ("INF03,7,{s},{e},kerja_sama,A,,", 2, "unknown segment_id 7"),
    ("INF03,2,{s},{e},kerja_samaa,A,,", 2, "'kerja_samaa' is not in the codebook"),
    ("INF03,2,{s},{e},strategi,A,,", 2, "is a category"),
    ("INF03,two,{s},{e},kerja_sama,A,,", 2, "whole number"),
    ("INF03,2,{s},{e},kerja_sama,,,", 2, "'coder' is empty"),
    ("INF03,2,{s},{e},kerja_sama,A", 2, "expected 8 fields"),
    ("INF03,2,{s},{e},kerja_sama,A,,\nINF03,2,{s},{e},kerja_sama,A,,", 3, "duplicate row"),
    ("INF03,2,{s},99999,kerja_sama,A,,", 2, "outside the text"),
])
def test_bad_rows(tmp_path, corpus, codebook, row, line, words):
    s, e = span(corpus, 2)
    p = write(tmp_path, row.format(s=s, e=e, after=e + 5) + "\n")
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus, codebook=codebook)
    assert any(pr.line == line for pr in info.value.problems), info.value.format()
    assert words in str(info.value)


def test_wrong_header(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("doc,segment,start,end,code,coder\n", encoding="utf-8")
    with pytest.raises(ce.InputError, match="first columns must be") as info:
        ce.read_codings(p)
    assert info.value.line == 1


def test_many_problems_are_capped(tmp_path, corpus):
    body = "".join(f"INF03,2,5,{i},kerja_sama,A,,\n" for i in range(40))
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(write(tmp_path, body), corpus=corpus)
    assert len(info.value.problems) == 21
    assert "more problem" in info.value.problems[-1].message


def test_example_codings_slice_inside_segments(example_corpus, example_codebook):
    root = ce.project_root()
    for coder in "AB":
        frame = ce.read_codings(root / f"data/raw/codings_{coder}.csv", corpus=example_corpus,
                                codebook=example_codebook)
        assert set(frame["coder"]) == {coder}
        assert set(frame["doc_id"]) == set(example_corpus.doc_ids)


def test_validate_in_memory_reports_every_row_in_order(corpus):
    # Hand-checked against the segments of BASIC: 1 = 5:56, 2 = 64:138, 3 = 157:249; the
    # text has 250 characters. Rows are reported by data row + 1 (no _line column), even
    # with a non-unique index, each row at most once for the corpus checks.
    frame = pd.DataFrame([
        ("INF03", 2, 64, 138, "kerja_sama", "A"),    # line 2: fine
        ("INF99", 2, 64, 138, "kerja_sama", "A"),    # line 3: unknown document
        ("INF03", 9, 64, 138, "kerja_sama", "A"),    # line 4: unknown segment
        ("INF03", 3, 157, 900, "kerja_sama", "A"),   # line 5: beyond the text
        ("INF03", 1, 50, 60, "kerja_sama", "A"),     # line 6: crosses the segment end
        ("INF03", 2, 70, 70, "kerja_sama", "A"),     # line 7: empty span (start check only)
        ("INF03", 2, 64, 138, "kerja_sama", "A"),    # line 8: duplicate of line 2
    ], columns=ce.CODING_COLUMNS, index=[0, 0, 1, 1, 2, 2, 3])
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus, path="c.csv")
    assert info.value.format().splitlines() == [
        "error: c.csv:7: start (70) must be smaller than end (70)",
        "error: c.csv:3: column 'doc_id': unknown doc_id 'INF99': no transcript has this id",
        "error: c.csv:4: column 'segment_id': unknown segment_id 9 in 'INF03' "
        "(it has segments 1-3)",
        "error: c.csv:5: span 157:900 lies outside the text of 'INF03' (250 characters)",
        "error: c.csv:6: span 50:60 is not inside segment 1 of 'INF03' (5:56); fix the offsets "
        "or the segment_id",
        "error: c.csv:8: duplicate row (same span, code and coder); delete it",
    ]


def test_validate_valid_table_passes(corpus):
    frame = pd.DataFrame([("INF03", s, 0, 0, "kerja_sama", "A") for s in (1, 2, 3)],
                         columns=ce.CODING_COLUMNS)
    segs = corpus.segments.set_index("segment_id")
    frame["start"] = frame["segment_id"].map(segs["start"])
    frame["end"] = frame["segment_id"].map(segs["end"])
    assert ce.validate_codings(frame, corpus=corpus) is None


def test_line_numbers_count_quoted_newlines(tmp_path, corpus, codebook):
    # A note spanning two lines (as QDA exports write them): the bad row starts on line 4.
    s, e = span(corpus, 2)
    p = write(tmp_path, f'INF03,2,{s},{e},kerja_sama,A,,"two\nlines"\n'
                        f"INF03,2,{s},{e},kerja_samaa,A,,\n")
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus, codebook=codebook)
    assert [pr.line for pr in info.value.problems] == [4]


@pytest.mark.parametrize("fn", [ce.validate_codings, lambda c: ce.write_codings(c, "x.csv")])
def test_codings_must_be_a_dataframe(fn):
    with pytest.raises(TypeError, match="codings must be a codings DataFrame, got str"):
        fn("codings_A.csv")
