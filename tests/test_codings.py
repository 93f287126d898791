"""Codings tables: reading, validation against corpus and codebook, writing."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from _advice import assert_advises
from _samples import BASIC, GOOD, edited_example

import citra_eval as ce
from citra_eval.errors import for_cli

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
                                   "text", "evidence", "note"]
    assert frame["text"].isna().all()  # an old file without the column still reads
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


def test_a_coded_category_is_told_to_code_a_child_or_become_codable(tmp_path, corpus,
                                                                     codebook):
    """Thesis study: coding a category (codable: false) was an error asking to "add it to
    the codebook", though it is there."""
    category = next(c for c in codebook.ids if c not in codebook.codable_ids)
    children = [c for c in codebook.descendants(category) if c in codebook.codable_ids]
    s, e = span(corpus, 2)
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(write(tmp_path, f"INF03,2,{s},{e},{category},A,,\n"), corpus=corpus,
                        codebook=codebook)
    message = str(info.value)
    assert (f"code {category!r} is a category (codable: false), not a codable code; code one "
            f"of its children ({', '.join(children)}) or make it codable (remove "
            "`codable: false`)") in message
    assert "add it to the codebook" not in message


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
        "error: c.csv:6: span 50:60 is not inside segment 1 of 'INF03' (5:56, 51 characters); "
        "fix the offsets or the segment_id",
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


@pytest.mark.parametrize(("column", "values", "said"), [
    ("start", ["64", "157"], r"column 'start' must hold whole numbers \(int64\), but the row "
                             r"with index 11 holds '64' \(2 such row\(s\)\); convert it, e\.g\. "
                             r"codings\.astype\(\{'start': 'int64'\}\)"),
    ("start", [64.0, 157.5], r"column 'start' must hold whole numbers .*index 11 holds 64\.0 "),
    ("end", [138, 249.5], r"column 'end' must hold whole numbers .*index 12 holds 249\.5 \(1 "),
    ("segment_id", [2, None], r"column 'segment_id' .*index 12 holds a missing value"),
    ("code", ["kerja_sama", None], r"column 'code' must hold text \(a string in every row\), "
                                   r"but the row with index 12 holds a missing value"),
    ("coder", ["A", 3], r"column 'coder' must hold text .*index 12 holds 3 "),
])
def test_cells_of_the_wrong_type_name_the_column_and_the_row(corpus, column, values, said):
    """A table built in memory with strings, floats or None where the offsets and ids go
    gave bare TypeErrors from deep inside (slicing, comparing, sorting)."""
    frame = pd.DataFrame([("INF03", 2, 64, 138, "kerja_sama", "A"),
                          ("INF03", 3, 157, 249, "kerja_sama", "A")],
                         columns=ce.CODING_COLUMNS, index=[11, 12])
    frame[column] = pd.Series(values, index=frame.index, dtype=object)
    with pytest.raises(ce.InputError, match=said):
        ce.validate_codings(frame, corpus=corpus)
    both = frame if column == "coder" else pd.concat([frame, frame.assign(coder="B")])
    with pytest.raises(ce.InputError, match=f"column '{column}' must hold"):
        ce.agreement(both, corpus=corpus, roles=None, n_boot=0)


@pytest.mark.parametrize("fn", [ce.validate_codings, lambda c: ce.write_codings(c, "x.csv")])
def test_codings_must_be_a_dataframe(fn):
    with pytest.raises(TypeError, match=r"codings must be a codings table \(a pandas "
                                        r"DataFrame\), got str; read the file first"):
        fn("codings_A.csv")


# --------------------------------------------------------------------------- the text column

TEXT_HEADER = "doc_id,segment_id,start,end,code,coder,text,note\n"


def write_with_text(tmp_path, rows):
    """A codings file with a text column; ``rows`` are (segment_id, start, end, text)."""
    frame = pd.DataFrame([("INF03", sid, s, e, "kerja_sama", "A", t, None)
                          for sid, s, e, t in rows],
                         columns=[*ce.CODING_COLUMNS, "text", "note"])
    p = tmp_path / "codings_A.csv"
    frame.to_csv(p, index=False, lineterminator="\n")
    return p


def test_recorded_text_is_checked_against_the_transcript(tmp_path, corpus):
    s, e = span(corpus, 2)
    whole = corpus.text("INF03")[s:e]
    ok = ce.read_codings(write_with_text(tmp_path, [(2, s, e, whole)]), corpus=corpus)
    assert ok.loc[0, "text"] == whole and "\n" in whole  # a turn over two lines
    # "Pagi." coded, but the file says the coding was "Pago." (the transcript was edited)
    p = write_with_text(tmp_path, [(2, s, e, whole), (2, s, s + 5, "Pago.")])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    assert problem.line == 4 and problem.column == "text"  # the first row spans two lines
    assert "'Pago.'" in problem.message and "INF03[64:69] now holds 'Pagi.'" in problem.message
    assert "ce.reanchor(codings, corpus)" in problem.message
    # session 14: the Python route too, for a user who never opens a terminal
    assert "ce.reanchor(codings, corpus)" in problem.message
    assert "read without corpus=" in problem.message
    # without a corpus the same file reads (the check needs the transcripts)
    assert len(ce.read_codings(p)) == 2


@pytest.mark.parametrize("past", ["turn", "text"])
def test_a_span_past_its_turn_or_text_is_out_of_bounds_not_drift(tmp_path, corpus, past):
    # the slice of a span past the end is cut short, so it never equals the recorded text:
    # the offsets are what is wrong, with the length they must stay within
    s, e = span(corpus, 1) if past == "turn" else span(corpus, 3)
    size = len(corpus.text("INF03"))
    end = e + 5 if past == "turn" else size + 40
    seg = 1 if past == "turn" else 3
    p = write_with_text(tmp_path, [(seg, s, end, corpus.text("INF03")[s:e] + "     ")])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    assert problem.line == 2 and "drifted" not in problem.message
    if past == "turn":
        assert f"is not inside segment 1 of 'INF03' ({s}:{e}, {e - s} characters)" in \
            problem.message
    else:
        assert f"lies outside the text of 'INF03' ({size} characters)" in problem.message
    assert "ce.reanchor(codings, corpus)" in problem.message  # an edit may have moved it
    assert "citra-eval reanchor" in for_cli(problem.message)


@pytest.mark.parametrize("recorded", [True, False])
def test_a_wrong_segment_id_names_the_turn_the_span_lies_in(tmp_path, corpus, recorded):
    """t1 finding 6: right offsets and text, segment_id one off (the interviewer's turn
    counted wrong): the message named only the wrong turn and sent the user to reanchor,
    which answered with the same error. It names the turn the span lies in, its speaker,
    and the fix; reanchor is suggested only because it corrects such a row."""
    s, e = span(corpus, 2)
    text = corpus.text("INF03")[s:e]
    p = write_with_text(tmp_path, [(1, s, e, text if recorded else None)])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    s1, e1 = span(corpus, 1)
    assert problem.message.startswith(
        f"span {s}:{e} is not inside segment 1 of 'INF03' ({s1}:{e1}, {e1 - s1} characters) "
        f"but inside segment 2 (speaker INF03, informant, {s}:{e}); set segment_id to 2")
    assert "transcript was edited" not in problem.message
    assert ("ce.reanchor(codings, corpus)" in problem.message) is recorded
    assert ("citra-eval reanchor" in for_cli(problem.message)) is recorded


def test_stale_offsets_inside_another_turn_get_the_reanchor_advice_only(tmp_path, corpus):
    """Session 18, coder item 5: offsets that now lie in another turn but no longer hold the
    recorded text (a turn was inserted above) were told "set segment_id to N" first, which
    makes a coding of other words; that advice is for rows whose offsets hold their text."""
    s, e = span(corpus, 2)
    p = write_with_text(tmp_path, [(1, s, e, "kata yang sudah pindah")])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    assert "set segment_id" not in problem.message, problem.message
    assert "citra-eval reanchor" in for_cli(problem.message)
    assert "do not hold the coding's text" in problem.message


def test_a_span_across_turns_says_so(tmp_path, corpus):
    s, _ = span(corpus, 2)
    _, e = span(corpus, 3)
    text = corpus.text("INF03")[s:e]
    p = write_with_text(tmp_path, [(2, s, e, text)])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    assert "runs across segments 2 to 3" in problem.message, problem.message
    assert "reanchor" not in problem.message  # the text is at its offsets: nothing drifted


def test_rows_with_invalid_offsets_are_not_duplicates(tmp_path, corpus):
    # both bad starts read as -1: the rows then look alike, but only the starts are wrong
    _, e = span(corpus, 2)
    p = write(tmp_path, f"INF03,2,-1,{e},kerja_sama,A,,\nINF03,2,1.5,{e},kerja_sama,A,,\n")
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    assert [(pr.line, pr.message) for pr in info.value.problems] == [
        (2, "'start' must be a whole number >= 0, got '-1'"),
        (3, "'start' must be a whole number >= 0, got '1.5'")]


def test_text_keeps_spaces_and_formula_like_characters(tmp_path):
    # BASIC with a turn that starts with "=" and ends with spaces inside the coded span
    src = BASIC.replace("INF03: Pagi.", "INF03: =SUM(A1)  Pagi.")
    corpus = ce.Corpus.from_texts({"a.txt": src})
    s, _ = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, s, s + 10, "kerja_sama", "A")],
                         columns=ce.CODING_COLUMNS)
    ce.write_codings(frame, tmp_path / "c.csv", corpus=corpus)
    back = ce.read_codings(tmp_path / "c.csv", corpus=corpus)
    assert back.loc[0, "text"] == "=SUM(A1)  "


def test_record_text_fills_refuses_drift_and_overwrites_on_request(corpus):
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, s, s + 5, "kerja_sama", "A"),
                          ("INF03", 2, s, e, "bamara", "A")], columns=ce.CODING_COLUMNS)
    out = ce.record_text(frame, corpus=corpus)
    assert list(out.columns) == [*ce.CODING_COLUMNS, "text"]
    assert out["text"].tolist() == ["Pagi.", corpus.text("INF03")[s:e]]
    assert "text" not in frame.columns  # the input is not modified
    drifted = out.assign(text=["Pago.", out.loc[1, "text"]])
    with pytest.raises(ce.InputError, match="drifted") as info:
        ce.record_text(drifted, corpus=corpus)
    assert info.value.line == 2
    assert ce.record_text(drifted, corpus=corpus, overwrite=True)["text"][0] == "Pagi."
    bad = frame.assign(doc_id=["INF03", "INF99"], end=[999, e])
    with pytest.raises(ce.InputError) as info:
        ce.record_text(bad, corpus=corpus)
    assert [p.line for p in info.value.problems] == [2, 3]
    assert "outside the text" in info.value.problems[0].message
    assert "unknown doc_id 'INF99'" in info.value.problems[1].message


def test_a_text_in_another_unicode_form_is_named_so_not_called_an_edit():
    """CONTRACT: ``text`` is the transcript's characters as written, so a coding whose text
    differs only in Unicode form (composed 'é' against 'e' + U+0301) is still refused, but
    the message says what differs and how to fix it, instead of blaming an edit."""
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: D1\nspeakers: {R1: informant}\n---\n"
                                            "R1: Di cafe\u0301 itu ramai.\n"})
    s = corpus.text("D1").index("cafe")
    frame = pd.DataFrame([("D1", 1, s, s + 5, "x", "A", "caf\u00e9")],
                         columns=[*ce.CODING_COLUMNS, "text"])
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus)
    message = info.value.problems[0].message
    assert "only in Unicode form" in message and "composed" in message
    assert "edited" not in message and "ce.reanchor(codings, corpus)" in message


@pytest.mark.parametrize(("recorded", "said"), [
    ("Kami\u00a0kerja", "kind of space"),
    # sixteenth session: a hand-typed text in another letter case was called an edit
    ("kami kerja", "letter case"),
])
def test_a_text_in_another_case_or_space_is_named_so_not_called_an_edit(recorded, said):
    """A recorded text at the right offsets that differs only in letter case or in its kind
    of space is refused as not the transcript's characters, not blamed on an edit."""
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: D1\nspeakers: {R1: informant}\n---\n"
                                            "R1: Kami kerja sama.\n"})
    frame = pd.DataFrame([("D1", 1, 4, 14, "x", "A", recorded)],
                         columns=[*ce.CODING_COLUMNS, "text"])
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus)
    message = info.value.problems[0].message
    assert f"only in {said}" in message and "'Kami kerja'" in message
    assert "edited" not in message and "ce.reanchor(codings, corpus)" in message


def test_a_doc_id_in_another_letter_case_gets_a_did_you_mean(corpus):
    """Sixteenth session: 'inf03' for 'INF03' said only "no transcript has this id", while a
    code in another case gets "did you mean"; an unlike id gets no guess."""
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("inf03", 2, s, e, "kerja_sama", "A"),
                          ("INF99", 2, s, e, "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    for check in (lambda: ce.validate_codings(frame, corpus=corpus),
                  lambda: ce.record_text(frame, corpus=corpus)):
        with pytest.raises(ce.InputError) as info:
            check()
        first, second = (p.message for p in info.value.problems)
        assert "unknown doc_id 'inf03'" in first and "did you mean 'INF03'?" in first
        assert "did you mean" not in second


def test_a_doc_id_one_typo_away_gets_a_did_you_mean(corpus):
    """Session 17: the unknown doc_id's hint goes through ``errors.closest``, so a typo
    ('INF3' or 'INF_03' for 'INF03') gets "did you mean" too, without the case note; another
    number ('INF04') is another document and gets no guess, and an id in another case keeps
    the note that ids are case-sensitive."""
    s, e = span(corpus, 2)
    ids = ["INF3", "INF_03", "INF04", "inf03"]
    frame = pd.DataFrame([(d, 2, s, e, "kerja_sama", "A") for d in ids],
                         columns=ce.CODING_COLUMNS)
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus)
    three, under, other, case = (p.message for p in info.value.problems)
    for typo in (three, under):
        assert typo.endswith(": no transcript has this id (did you mean 'INF03'?)"), typo
    assert "did you mean" not in other
    assert "did you mean 'INF03'? document ids are case-sensitive" in case


def test_rows_of_a_dataframe_are_named_by_position_and_index_label(corpus, codebook):
    """Sixteenth session: a DataFrame's row was '<input>:N', N = position + 2 (the line it
    would have in a CSV), neither its position nor its index label; now both are named
    (``.line`` keeps the CSV line), and a file's rows stay ``file:line``."""
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, s, e, "kerja_sama", "A"),
                          ("INF03", 2, s, e, "kerja_sam", "A")], columns=ce.CODING_COLUMNS)
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus, codebook=codebook)
    assert str(info.value).startswith("<input>: row 1: column 'code': code 'kerja_sam'")
    assert info.value.line == 3
    frame.index = [100, 101]
    for check in (lambda: ce.validate_codings(frame, corpus=corpus, codebook=codebook),
                  lambda: ce.code_frequencies(frame, corpus=corpus, codebook=codebook)):
        with pytest.raises(ce.InputError) as info:
            check()
        assert str(info.value).startswith("<input>: row 1 (index 101): column 'code'")
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus, codebook=codebook, path="c.csv")
    assert str(info.value).startswith("c.csv:3: column 'code'")


def test_write_codings_records_text_and_writes_nothing_on_drift(tmp_path, corpus):
    s, _ = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, s, s + 5, "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    ce.write_codings(frame, tmp_path / "c.csv", corpus=corpus)
    assert (tmp_path / "c.csv").read_text(encoding="utf-8").splitlines() == [
        "doc_id,segment_id,start,end,code,coder,text", f"INF03,2,{s},{s + 5},kerja_sama,A,Pagi."]
    with pytest.raises(ce.InputError, match="drifted"):
        ce.write_codings(frame.assign(text="Pago."), tmp_path / "d.csv", corpus=corpus)
    assert not (tmp_path / "d.csv").exists()


def test_example_codings_record_their_text(example_corpus):
    for coder in "AB":
        frame = ce.read_codings(ce.example_path(f"codings_{coder}"), corpus=example_corpus)
        assert frame["text"].notna().all()
        assert ce.record_text(frame, corpus=example_corpus)["text"].equals(frame["text"])


def test_validate_reports_exactly_the_codings_after_an_edit(tmp_path, example_corpus):
    # Insert 3 characters into INF01's turn 4 (before any coding of INF01): every coding of
    # INF01 drifts, no other does.
    a = ce.read_codings(ce.example_path("codings_A"))
    folder = edited_example(tmp_path, {("INF01", 4): lambda t: t[:10] + "abc" + t[10:]})
    edited = ce.read_transcripts(folder)
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(a, corpus=edited, path="codings_A.csv")
    problems = info.value.problems
    inf01 = [i + 2 for i in a.index[a["doc_id"] == "INF01"]]
    assert len(inf01) > 20
    assert [p.line for p in problems[:20]] == inf01[:20]
    assert all(p.column == "text" and "drifted" in p.message for p in problems[:20])
    assert problems[20].message == f"... and {len(inf01) - 20} more problem(s) like these"
    assert ce.validate_codings(a[a["doc_id"] != "INF01"], corpus=edited) is None



def test_a_coding_sheet_given_as_codings_says_how_to_import_it(tmp_path, example_corpus,
                                                              example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="A")
    for name in ("coding_sheet_A.xlsx", "coding_sheet_A.csv"):
        ce.write_coding_sheet(sheet, tmp_path / name)
        with pytest.raises(ce.InputError) as info:
            ce.read_codings(tmp_path / name)
        assert info.value.path == str(tmp_path / name)
        # session 19, advice item 1: Python users read the call, the command line the command
        assert_advises(info.value, "ce.read_coding_sheet(", "'citra-eval sheet import FILE "
                       "--coder NAME --out data/raw/codings_NAME.csv'")


def test_doc_ids_with_leading_zeros_are_read_as_text(tmp_path):
    for i in ("0008", "0010", "0012"):
        (tmp_path / f"R{i}.txt").write_text(
            f"---\nid: {i}\nspeakers: {{U: informant}}\n---\nU: makanan enak\n",
            encoding="utf-8")
    corpus = ce.read_transcripts(tmp_path)
    path = tmp_path / "c.csv"
    path.write_text("doc_id,segment_id,start,end,code,coder\n0012,1,3,10,makanan,0042\n"
                    "0008,1,3,10,makanan,0042\n", encoding="utf-8")
    got = ce.read_codings(path, corpus=corpus)
    assert got["doc_id"].tolist() == ["0012", "0008"]
    assert got["coder"].tolist() == ["0042", "0042"]


def test_a_template_read_as_codings_says_it_is_the_template(tmp_path, corpus):
    # team report item 4: the template beside the codings, picked up by codings_*.csv, failed
    # on its example ids without saying it was the template
    template = ce.init_study(tmp_path / "s") / "data" / "raw" / "codings.template.csv"
    assert not list(template.parent.glob("codings_*.csv"))  # the documented glob skips it
    own = tmp_path / "codings_A.template.csv"  # made by an earlier version's init
    own.write_bytes(template.read_bytes())
    s, e = span(corpus, 2)
    good = write(tmp_path, f"INF03,2,{s},{e},kerja_sama,A,,\n")
    for path in (template, own):
        with pytest.raises(ce.InputError) as info:
            ce.read_codings([good, path], corpus=corpus)
        [problem] = info.value.problems
        assert problem.path == str(path)
        assert "this is the template" in problem.message and "leave it out" in problem.message


def test_read_codings_refuses_a_table_given_as_the_path(tmp_path, corpus, monkeypatch):
    """A table passed to read_codings was read as one file per column name ("doc_id: file
    not found", ...); it is a TypeError naming path and pointing to validate_codings."""
    monkeypatch.chdir(tmp_path)
    s, e = span(corpus, 2)
    table = pd.DataFrame([("INF03", 2, s, e, "bamara", "A")], columns=ce.CODING_COLUMNS)
    for bad, got in ((table, "DataFrame"), (table["code"], "Series")):
        with pytest.raises(TypeError, match=rf"^path must be a file path \(or a list of them\), "
                                            rf"got {got}; use validate_codings for a table$"):
            ce.read_codings(bad, corpus=corpus)
    with pytest.raises(TypeError, match=r"^path must be a file path .*got int$"):
        ce.read_codings(42)
    with pytest.raises(TypeError, match=r"^path must be .*holding only paths, got int$"):
        ce.read_codings([write(tmp_path, ""), 3])
    assert ce.validate_codings(table, corpus=corpus) is None  # where the table goes


def test_a_negative_offset_in_memory_is_refused_as_read_codings_refuses_it(tmp_path, corpus):
    """Session 14: validate_codings passed a hand-built coding with start -5 (read_codings
    refuses the same row from a file); it now says what read_codings says."""
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, -5, e, "kerja_sama", "A"),
                          ("INF03", 2, s, -1, "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus)
    assert [(p.line, p.message) for p in info.value.problems] == [
        (2, "'start' must be a whole number >= 0, got -5"),
        (3, "'end' must be a whole number >= 0, got -1")]
    frame.to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(ce.InputError) as read:
        ce.read_codings(tmp_path / "c.csv", corpus=corpus)
    assert [p.message.split(", got")[0] for p in read.value.problems] == [
        p.message.split(", got")[0] for p in info.value.problems]  # each bad cell once


def test_start_after_end_is_reported_once_not_also_as_drift(tmp_path, corpus):
    """Session 15: a row with start > end and its text was reported twice, the second time
    as drift with 'run reanchor' (its slice is empty): a bad cell is reported for that cell
    only."""
    s, e = span(corpus, 2)
    p = write_with_text(tmp_path, [(2, e, s, corpus.text("INF03")[s:e])])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    assert [(pr.line, pr.message) for pr in info.value.problems] == [
        (2, f"start ({e}) must be smaller than end ({s})")]


def test_write_codings_refuses_offsets_no_reader_accepts_even_without_a_corpus(tmp_path,
                                                                                corpus):
    """Session 14: without corpus= a negative start or start > end was written, and
    read_codings then refused the file; with corpus= start > end was called a span outside
    the text. Both now give read_codings's message, and nothing is written."""
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, -3, e, "kerja_sama", "A"),
                          ("INF03", 2, e, s, "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    for kw in ({}, {"corpus": corpus}):
        with pytest.raises(ce.InputError) as info:
            ce.write_codings(frame, tmp_path / "w.csv", **kw)
        assert [(p.line, p.message) for p in info.value.problems] == [
            (2, "'start' must be a whole number >= 0, got -3"),
            (3, f"start ({e}) must be smaller than end ({s})")]
        assert not (tmp_path / "w.csv").exists()


def test_a_code_not_in_the_codebook_suggests_the_nearest_codable_id(corpus, codebook):
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, s, e, "kerja_samaa", "A")], columns=ce.CODING_COLUMNS)
    with pytest.raises(ce.InputError,
                       match=r"not in the codebook \(did you mean 'kerja_sama'\?\)"):
        ce.validate_codings(frame, corpus=corpus, codebook=codebook)


def test_a_quote_never_closed_is_named_where_it_opens(tmp_path):
    # it swallowed every line after it, and the message blamed the field count
    rows = ["doc_id,segment_id,start,end,code,coder,text,note",
            'D1,2,37,110,coop,A,"We have a partnership'] + ["D1,4,132,176,speed,A,,"] * 50
    path = tmp_path / "c.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ce.InputError) as err:
        ce.read_codings(path)
    assert err.value.line == 2, err.value.format()
    assert ("a quote opened on line 2 (column text) is never closed (it runs to the end of "
            "the file, line 52); close it") in err.value.message, err.value.format()


def test_csv_rows_name_a_quote_never_closed():
    from citra_eval._files import csv_rows

    with pytest.raises(ce.InputError) as err:
        csv_rows('name,pseudonym\nBudi,"INF01\nSiti,P2\n', "key.csv")
    assert err.value.line == 2
    assert "a quote opened on line 2 (column pseudonym) is never closed" in err.value.message
    # a quoted cell over two lines, closed, is fine
    assert csv_rows('a,b\n1,"x\ny"\n')[1] == (2, ["1", "x\ny"])


def _pairwise_overlaps(codings):
    """The oracle of ``same_code_overlaps``: every two rows compared, by the definition."""
    rows = list(codings[["doc_id", "segment_id", "code", "coder", "start", "end"]]
                .itertuples(index=False, name=None))
    return [(i, j) for j, (*k2, s2, e2) in enumerate(rows) for i, (*k1, s1, e1) in
            enumerate(rows[:j]) if k1 == k2 and not pd.isna(k1).any()
            and s1 < e2 and s2 < e1 and (s1, e1) != (s2, e2)]


@pytest.mark.parametrize("seed", range(6))
def test_same_code_overlaps_gives_the_pairs_of_the_all_pairs_check(seed):
    # nested, crossing, touching, identical (also three times) and empty spans, in shuffled
    # rows of several turns, codes and coders, on an index that is not 0..n-1
    from citra_eval.codings import same_code_overlaps
    rng = np.random.default_rng(seed)
    n = 400
    start = rng.integers(0, 60, n)
    t = pd.DataFrame({"doc_id": rng.choice(["D", "E"], n), "segment_id": rng.integers(1, 4, n),
                      "start": start, "end": start + rng.choice([0, 1, 3, 8, 40], n),
                      "code": rng.choice(["a", "b"], n), "coder": rng.choice(["A", "B"], n)},
                     index=rng.permutation(n) * 3)
    t = pd.concat([t, t.iloc[:30], t.iloc[:10]])  # identical codings, twice and three times
    t = t.sample(frac=1, random_state=seed)
    got = same_code_overlaps(t)
    assert got == _pairwise_overlaps(t)
    assert len(got) > 100 and all(isinstance(x, int) for p in got for x in p)


def test_same_code_overlaps_skips_a_coding_without_a_turn_as_before():
    from citra_eval.codings import same_code_overlaps
    t = pd.DataFrame([("D", 2, 0, 20, "a", "A"), ("D", 2, 5, 9, "a", "A"),
                      (None, 2, 0, 20, "a", "A"), (None, 2, 5, 9, "a", "A"),
                      ("D", 2, 25, 30, "a", "A"), ("D", 2, 26, 29, "a", "A")],
                     columns=["doc_id", "segment_id", "start", "end", "code", "coder"])
    assert same_code_overlaps(t) == _pairwise_overlaps(t) == [(0, 1), (4, 5)]
    assert same_code_overlaps(t.iloc[:0]) == []


def test_write_codings_refuses_to_replace_a_raw_data_file_of_a_study(tmp_path):
    from citra_eval.errors import InputError

    study = tmp_path / "study"
    (study / "data" / "raw").mkdir(parents=True)
    (study / "interview_transcripts").mkdir()  # the layout of a study without study.yaml
    target = study / "data" / "raw" / "codings_A.csv"
    target.write_text("kept\n")
    empty = pd.DataFrame(columns=ce.CODING_COLUMNS)
    with pytest.raises(InputError, match="raw-data file of the study"):
        ce.write_codings(empty, target)
    assert target.read_text() == "kept\n"
    ce.write_codings(empty, target, replace_raw=True)
    assert target.read_text().startswith("doc_id,")


@pytest.mark.parametrize(("col", "value", "said"), [
    ("end", "1000000000000000000", "'end' '1000000000000000000' lies outside every text"),
    ("start", "9007199254740993", "'start' '9007199254740993' lies outside every text"),
    ("segment_id", "99999999999999999999", "'segment_id' '99999999999999999999' is too large"),
])
def test_a_huge_offset_is_said_to_be_too_large_not_negative(tmp_path, col, value, said):
    # a whole number >= 0 was reported as not being one
    from citra_eval.errors import InputError

    row = {"doc_id": "X", "segment_id": "2", "start": "0", "end": "4", "code": "a", "coder": "A"}
    row[col] = value
    f = tmp_path / "c.csv"
    f.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n")
    with pytest.raises(InputError) as info:
        ce.read_codings(f)
    assert said in str(info.value)
    assert "whole number" not in str(info.value)


def test_write_codings_with_a_corpus_refuses_spans_outside_their_turn(tmp_path, corpus):
    """Session 18 (repro_7): a span starting one character before its turn (the space after
    the speaker label) was written with that text recorded, and read_codings with the same
    corpus then refused the file. Now write_codings refuses it with read_codings's message
    and writes nothing; within="text" writes codings kept across turns (a QDA project's)."""
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, s - 1, e, "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    out = tmp_path / "w.csv"
    with pytest.raises(ce.InputError) as expected:
        ce.validate_codings(frame, corpus=corpus)
    with pytest.raises(ce.InputError, match=r"is not inside segment 2 of 'INF03'") as got:
        ce.write_codings(frame, out, corpus=corpus)
    assert str(got.value) == str(expected.value)
    assert not out.exists()
    ce.write_codings(frame, out, corpus=corpus, within="text")
    assert len(ce.read_codings(out, corpus=corpus, within="text")) == 1
    with pytest.raises(ValueError, match="within"):
        ce.write_codings(frame, out, corpus=corpus, within="turn")


def test_write_codings_needs_the_contract_columns_even_without_a_corpus(tmp_path, corpus):
    """Session 18 (repro_8): without corpus= a 'Start' column was a bare pandas KeyError;
    now the shared missing-column message, and nothing is written."""
    s, e = span(corpus, 2)
    frame = pd.DataFrame([("INF03", 2, s, e, "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    for kw in ({}, {"corpus": corpus}):
        with pytest.raises(ce.InputError, match=r"codings lacks column\(s\) start .*Start"):
            ce.write_codings(frame.rename(columns={"start": "Start"}), tmp_path / "w.csv", **kw)
        assert not (tmp_path / "w.csv").exists()


def test_validate_codings_warns_what_citra_eval_validate_warns(tmp_path):
    """Session 18 (repro_2): in Python, validate_codings accepted silently a coding on the
    interviewer's turn (which the analyses leave out) and one ending inside an emoji (its
    skin tone cut off); `citra-eval validate` warns about both. Now validate_codings gives
    the same notes (one check: turn_role_notes, cut_character_notes) as CodingWarning,
    naming the row; read_codings leaves them to the commands (no warning twice)."""
    corpus = ce.Corpus.from_texts({"a.txt": BASIC.replace("stakeholder.", "stakeholder 👍🏽.")})
    text = corpus.text("INF03")
    q, e = span(corpus, 1)
    at = text.index("👍🏽")
    frame = pd.DataFrame([("INF03", 1, q, e, "kerja_sama", "A"),
                          ("INF03", 2, at - 12, at + 1, "kerja_sama", "A")],
                         columns=ce.CODING_COLUMNS)
    with pytest.warns(ce.CodingWarning) as got:
        ce.validate_codings(frame, corpus=corpus)
    messages = [str(w.message) for w in got if w.category is ce.CodingWarning]
    assert messages == [
        "<input>: row 0: INF03, turn 1 is the interviewer's (PWW), not an informant's: "
        "reliability, the themes and the auto-coder count informants' turns, so this coding "
        "is left out; move it to the informant's answer or delete it",
        "<input>: row 1: INF03, turn 2: the coding ends inside the character '👍🏽' (U+1F44D "
        f"U+1F3FD): a coding, like a sheet quote, holds whole characters as one sees them; set "
        f"end to {at + 2} to code it whole (or leave the offsets if they are meant)"]
    assert got[0].filename == __file__  # points at the caller
    out = tmp_path / "codings_A.csv"
    frame.to_csv(out, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CodingWarning)
        ce.read_codings(out, corpus=corpus)
    with pytest.warns(ce.CodingWarning, match=rf"^{re.escape(str(out))}:2: INF03, turn 1"):
        ce.validate_codings(ce.read_codings(out), corpus=corpus, path=str(out))


@pytest.mark.parametrize("shift", [(0, 1), (-1, 0), (1, 0), (0, -1), (1, 1), (-1, -1)])
def test_offsets_typed_one_off_are_named_as_such_not_as_an_edit(tmp_path, corpus, shift):
    """Session 19, student item 1: offsets typed by hand one character off (the recorded
    text right) were told "the transcript was edited after coding; run reanchor". The text
    is found one character away: the message says the offsets are likely off by one and
    gives the right start:end."""
    s, _ = span(corpus, 2)
    start, end = s + 6, s + 17  # "Jadi begini"
    text = corpus.text("INF03")[start:end]
    p = write_with_text(tmp_path, [(2, start + shift[0], end + shift[1], text)])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    assert "off by one" in problem.message, problem.message
    assert f"{start}:{end}" in problem.message
    assert "transcript was edited" not in problem.message
    # and when writing (record_text gives the same message)
    frame = ce.read_codings(p)
    with pytest.raises(ce.InputError, match="off by one"):
        ce.write_codings(frame, tmp_path / "out.csv", corpus=corpus)


@pytest.mark.parametrize("seg", [2, 3])
def test_an_end_typed_one_past_the_turn_or_text_is_named_off_by_one(tmp_path, corpus, seg):
    """The same slip at the end of a turn (the span then runs into the next turn) or of the
    text (past its end): named as an offset off by one, with the right start:end."""
    s, e = span(corpus, seg)
    text = corpus.text("INF03")[s:e]
    p = write_with_text(tmp_path, [(seg, s, e + 1, text)])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    assert "off by one" in problem.message and f"{s}:{e}" in problem.message, problem.message
    assert "transcript was edited" not in problem.message


def test_drift_further_than_one_character_keeps_the_reanchor_advice(tmp_path, corpus):
    s, _ = span(corpus, 2)
    text = corpus.text("INF03")[s + 6:s + 17]
    p = write_with_text(tmp_path, [(2, s + 8, s + 19, text)])
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p, corpus=corpus)
    (problem,) = info.value.problems
    assert "off by one" not in problem.message
    assert "ce.reanchor(codings, corpus)" in problem.message
    assert "citra-eval reanchor" in for_cli(problem)


def _pandas_codings(corpus):
    """Two codings of INF03 as a student builds them in pandas (with their text)."""
    s, e = span(corpus, 2)
    return pd.DataFrame([("INF03", 2, s, s + 5, "kerja_sama", "A"),
                         ("INF03", 2, s + 6, e, "bamara", "A")],
                        columns=ce.CODING_COLUMNS).pipe(ce.record_text, corpus=corpus)


def test_a_file_pandas_wrote_with_its_index_is_read(tmp_path, corpus):
    """Session 19, student item 2a: ``df.to_csv(path)`` without ``index=False`` writes an
    unnamed first column 0, 1, 2...: "the first columns must be ..." did not name the cause.
    Such a column (no name, whole numbers, the codings columns after it) is pandas' index:
    it is left out."""
    frame = _pandas_codings(corpus)
    frame.index = [3, 7]  # a filtered table keeps its labels
    p = tmp_path / "codings_A.csv"
    frame.to_csv(p)
    back = ce.read_codings(p, corpus=corpus)
    assert back.drop(columns=["evidence", "note"]).equals(frame.reset_index(drop=True))
    assert list(back.columns[:6]) == ce.CODING_COLUMNS


def test_an_unnamed_first_column_that_is_not_an_index_is_named(tmp_path):
    p = tmp_path / "codings_A.csv"
    p.write_text(",doc_id,segment_id,start,end,code,coder\nx,INF03,2,64,69,kerja_sama,A\n")
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p)
    assert info.value.line == 1
    assert "first column has no name" in info.value.message, info.value.message
    assert "index=False" in info.value.message


def test_a_semicolon_codings_file_is_read(tmp_path, corpus):
    """Session 19, student item 2b: a ';'-separated codings file (Excel in Indonesian, or
    ``df.to_csv(path, sep=';')``) was "the first columns must be ...; found
    doc_id;segment_id;...": read it by its semicolons, as the coding sheets and the survey
    responses are read."""
    frame = _pandas_codings(corpus)
    assert "," in frame.loc[1, "text"] and "\n" in frame.loc[1, "text"]
    p = tmp_path / "codings_A.csv"
    frame.to_csv(p, sep=";", index=False)
    back = ce.read_codings(p, corpus=corpus, keep_lines=True)
    assert back.drop(columns=["evidence", "note", "_line"]).equals(frame)
    assert back["_line"].tolist() == [2, 3]
    # Excel's "sep=;" first line: the rows keep their file lines
    p.write_text("sep=;\n" + p.read_text(encoding="utf-8"), encoding="utf-8")
    back = ce.read_codings(p, corpus=corpus, keep_lines=True)
    assert back["_line"].tolist() == [3, 4]
    # a bad cell is reported at its line, with its column
    p.write_text(p.read_text(encoding="utf-8").replace("\nINF03;2;", "\nINF03;x;", 1),
                 encoding="utf-8")
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p)
    assert [(q.line, q.column) for q in info.value.problems] == [(3, "segment_id")]


def test_a_semicolon_file_with_a_row_of_other_length_names_the_semicolons(tmp_path):
    p = tmp_path / "codings_A.csv"
    p.write_text("doc_id;segment_id;start;end;code;coder\nINF03;2;64;69;kerja_sama;A;x\n")
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p)
    assert info.value.line == 2 and "semicolons" in info.value.message, info.value.message


def test_offsets_pandas_wrote_as_floats_are_read_as_whole_numbers(tmp_path, corpus):
    """Session 19, student item 2c: a column that held a NaN is written by pandas as floats
    (``79.0``) and each such cell was "'start' must be a whole number >= 0, got '79.0'".
    A whole number written as a float is unambiguous: it is read; a fraction is refused,
    and an empty offset (the NaN) says it is missing."""
    frame = _pandas_codings(corpus)
    floats = frame.astype({"segment_id": float, "start": float, "end": float})
    p = tmp_path / "codings_A.csv"
    floats.to_csv(p, index=False)
    assert "64.0" in p.read_text(encoding="utf-8")
    assert ce.read_codings(p, corpus=corpus).drop(columns=["evidence", "note"]).equals(frame)
    floats.loc[0, "start"], floats.loc[1, "end"] = 64.5, np.nan
    floats.to_csv(p, index=False)
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p)
    messages = [(q.column, q.message) for q in info.value.problems]
    assert messages[0] == ("start", "'start' must be a whole number >= 0, got '64.5'")
    assert messages[1][0] == "end" and "'end' is empty" in messages[1][1], messages
    assert "NaN" in messages[1][1]


def test_offsets_with_a_decimal_comma_are_read_when_whole(tmp_path, corpus):
    """An Indonesian-locale Excel or pandas (``decimal=","``) writes 64.0 as ``64,0``: a whole
    number, read as 64 like ``64.0``; ``64,5`` is refused naming the decimal comma."""
    frame = _pandas_codings(corpus)
    floats = frame.astype({"segment_id": float, "start": float, "end": float})
    p = tmp_path / "codings_A.csv"
    floats.to_csv(p, index=False, sep=";", decimal=",")
    assert ";64,0;" in p.read_text(encoding="utf-8")
    assert ce.read_codings(p, corpus=corpus).drop(columns=["evidence", "note"]).equals(frame)
    floats.loc[0, "start"] = 64.5
    floats.to_csv(p, index=False, sep=";", decimal=",")
    with pytest.raises(ce.InputError) as info:
        ce.read_codings(p)
    message = info.value.problems[0].message
    assert "'start' must be a whole number >= 0, got '64,5'" in message
    assert "decimal comma" in message, message


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_semicolon_or_tab_file_with_a_quote_inside_a_cell_keeps_its_lines(tmp_path, sep):
    """A quote inside an unquoted cell takes the exact (csv module) route of the reader;
    it splits by the file's separator too."""
    rows = ["doc_id;segment_id;start;end;code;coder;note", 'INF03;2;64;69;kerja_sama;A;a 5" tv',
            'INF03;2;70;80;kerja_sama;A;"two\nlines"', "INF03;3;90;99;kerja_sama;A;"]
    p = tmp_path / "codings_A.csv"
    p.write_text("\n".join(r.replace(";", sep) for r in rows) + "\n", encoding="utf-8")
    back = ce.read_codings(p, keep_lines=True)
    assert back["note"].tolist()[:2] == ['a 5" tv', "two\nlines"]
    assert back["_line"].tolist() == [2, 3, 5] and back["start"].tolist() == [64, 70, 90]


def test_the_drift_message_advises_the_python_call_in_python_and_the_command_in_the_cli(
        tmp_path, corpus):
    """Coders s19, item 2: the drift message showed CLI users a Python tail ('(in Python:
    ce.reanchor(...))'). Python users read the Python call, the command line the command."""
    s, _ = span(corpus, 2)
    frame = ce.record_text(pd.DataFrame([("INF03", 2, s, s + 5, "kerja_sama", "A")],
                                        columns=ce.CODING_COLUMNS), corpus=corpus)
    for text in ("Pago.", "PAGI."):  # an edit; the same text in another letter case
        with pytest.raises(ce.InputError) as info:
            ce.validate_codings(frame.assign(text=[text]), corpus=corpus)
        python, cli = str(info.value), for_cli(info.value)
        assert "ce.reanchor(codings, corpus)" in python and "citra-eval" not in python
        assert "'citra-eval reanchor'" in cli and "Python" not in cli and "ce." not in cli



@pytest.mark.parametrize("seg, start, end, recorded", [
    (3, 157, 300, "kata yang sudah pindah"),  # past the end of the text
    (1, 5, 61, "kata yang sudah pindah"),  # past the end of its turn
    (1, 64, 138, "kata yang sudah pindah"),  # stale offsets inside another turn
    (1, 64, 138, None),  # the right offsets and text, segment_id wrong (text recorded below)
    (1, 5, 138, "kata yang sudah pindah"),  # across turns
    (1, 50, 60, "kata yang sudah pindah"),  # partly outside its turn
])
def test_out_of_bounds_spans_advise_the_python_call_in_python_and_the_command_in_the_cli(
        corpus, seg, start, end, recorded):
    """Session 19, advice item 1: a span outside the text or its segment told Python users
    to run 'citra-eval reanchor'; they read the call, the command line the command."""
    text = corpus.text("INF03")[start:end] if recorded is None else recorded
    frame = pd.DataFrame([("INF03", seg, start, end, "kerja_sama", "A", text)],
                         columns=[*ce.CODING_COLUMNS, "text"])
    with pytest.raises(ce.InputError) as info:
        ce.validate_codings(frame, corpus=corpus)
    assert "drifted" not in str(info.value)
    assert_advises(info.value, "ce.reanchor(codings, corpus)", "'citra-eval reanchor'")
