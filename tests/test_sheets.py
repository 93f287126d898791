"""Coding sheets: export, fill (as a coder would, in the file), import; bad sheets."""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from _advice import assert_advises

import citra_eval as ce
from citra_eval.sheets import SHEET_COLUMNS

ROOT = ce.project_root()
STUDIES = {
    "example": (ROOT / "interview_transcripts", ROOT / "data" / "raw"),
    "rsud": (ROOT / "tests/data/studies/rsud/interview_transcripts",
             ROOT / "tests/data/studies/rsud/data/raw"),
}
# a mark in each of the spellings a coder may use
MARK_SPELLINGS = ["x", 1, "1", "X", " x "]


def study_inputs(name: str):
    transcripts, raw = STUDIES[name]
    corpus = ce.read_transcripts(transcripts)
    codebook = ce.Codebook.load(raw / "codebook.yaml")
    return transcripts, raw, corpus, codebook


def split_codings(codings: pd.DataFrame, corpus: ce.Corpus):
    """Coder codings as a sheet holds them: whole-turn codings (marks) and the others
    (quotes)."""
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    bounds = seg.loc[list(zip(codings["doc_id"], codings["segment_id"], strict=True)),
                     ["start", "end"]].to_numpy()
    whole = (codings["start"].to_numpy() == bounds[:, 0]) & (
        codings["end"].to_numpy() == bounds[:, 1])
    return codings[whole], codings[~whole]


def mark_xlsx(path, codings: pd.DataFrame, corpus: ce.Corpus) -> None:
    """Fill an exported workbook from ``codings`` as a coder would: marks and quotes."""
    marks, quotes = split_codings(codings, corpus)
    wb = openpyxl.load_workbook(path)
    ws, qs = wb["coding"], wb["quotes"]
    header = [c.value for c in ws[1]]
    rows = {(ws.cell(r, 1).value, ws.cell(r, 2).value): r for r in range(2, ws.max_row + 1)}
    for k, m in enumerate(marks.itertuples(index=False)):
        ws.cell(rows[(m.doc_id, m.segment_id)], header.index(m.code) + 1).value = \
            MARK_SPELLINGS[k % len(MARK_SPELLINGS)]
    for q in quotes.itertuples(index=False):
        qs.append([q.doc_id, q.segment_id, q.code, q.text, None if pd.isna(q.note) else q.note])
    wb.save(path)


def mark_csv(path, codings: pd.DataFrame, corpus: ce.Corpus) -> None:
    """The same for the CSV form (the coding and quotes files)."""
    marks, quotes = split_codings(codings, corpus)
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    where = {(d, int(s)): i for i, (d, s) in enumerate(zip(sheet["doc_id"], sheet["segment_id"],
                                                           strict=True))}
    for k, m in enumerate(marks.itertuples(index=False)):
        sheet.loc[where[(m.doc_id, m.segment_id)], m.code] = str(
            MARK_SPELLINGS[k % len(MARK_SPELLINGS)])
    sheet.to_csv(path, index=False, lineterminator="\n")
    q = pd.DataFrame({"doc_id": quotes["doc_id"], "segment_id": quotes["segment_id"],
                      "code": quotes["code"], "quote": quotes["text"], "note": quotes["note"]})
    q.to_csv(path.with_name(f"{path.stem}_quotes.csv"), index=False, lineterminator="\n")


KEY = ["doc_id", "segment_id", "start", "end", "code"]


@pytest.mark.slow
@pytest.mark.parametrize("study", ["example", "rsud"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_gives_the_coders_codings(tmp_path, cli, study, fmt):
    transcripts, raw, corpus, _ = study_inputs(study)
    inputs = ["--transcripts", str(transcripts), "--codebook", str(raw / "codebook.yaml")]
    sheet = tmp_path / f"coding_sheet_A.{fmt}"
    r = cli("sheet", "export", "--coder", "A", "--out", str(sheet), *inputs)
    assert r.returncode == 0, r.stderr
    a = ce.read_codings(raw / "codings_A.csv", corpus=corpus)
    marks, quotes = split_codings(a, corpus)
    assert len(marks) and len(quotes)  # both ways of coding are exercised
    (mark_xlsx if fmt == "xlsx" else mark_csv)(sheet, a, corpus)
    out = tmp_path / "codings_A.csv"
    r = cli("sheet", "import", str(sheet), "--coder", "A", "--out", str(out), *inputs)
    assert r.returncode == 0, r.stderr
    assert f"{len(a)} codings" in r.stdout
    got = ce.read_codings(out, corpus=corpus)
    # the same codings (same turns, the same spans for quotes), in document order
    assert sorted(map(tuple, got[KEY].to_numpy().tolist())) == sorted(
        map(tuple, a[KEY].to_numpy().tolist()))
    assert got["coder"].eq("A").all() and got["text"].notna().all()
    got_q = got.merge(quotes[[*KEY, "note"]], on=KEY, suffixes=("", "_a"))
    assert len(got_q) == len(quotes)
    assert got_q["note"].fillna("").tolist() == got_q["note_a"].fillna("").tolist()
    # and the agreement of A with the imported copy is perfect
    both = pd.concat([a, got.assign(coder="A2")], ignore_index=True)
    table = ce.agreement(both, corpus=corpus).set_index("code")
    assert table.loc["ALL", "percent_agreement"] == 1.0


def test_export_layout(tmp_path, example_corpus, example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="A", lang="en")
    out = tmp_path / "coding_sheet_A.xlsx"
    assert ce.write_coding_sheet(sheet, out) == [out]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["coding", "quotes", "codebook"]
    ws = wb["coding"]
    codes = example_codebook.codable_ids
    assert [c.value for c in ws[1]] == [*ce.sheets.SHEET_COLUMNS, *codes, "note"]
    informant = example_corpus.segments[example_corpus.segments["role"] == "informant"]
    assert ws.max_row == len(informant) + 1
    assert [ws.cell(r, 2).value for r in (2, 3)] == informant["segment_id"].tolist()[:2]
    assert ws.cell(2, 4).value == informant["text"].iloc[0]
    assert ws.freeze_panes == "E2" and ws.cell(2, 4).alignment.wrap_text
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"1,x"' and str(dv.sqref) == f"E2:S{len(informant) + 1}"
    comment = ws.cell(1, 5).comment.text
    assert comment.startswith(example_codebook["kerja_sama"].text("label", "en"))
    assert example_codebook["kerja_sama"].text("definition", "en") in comment
    assert [c.value for c in wb["quotes"][1]] == ce.sheets.QUOTE_COLUMNS
    book = wb["codebook"]
    assert [c.value for c in book[1]] == ce.sheets.CODEBOOK_SHEET_COLUMNS
    assert book.max_row == len(example_codebook) + 1
    assert book.cell(3, 4).value == example_codebook[book.cell(3, 1).value].text("label", "en")


def test_text_cells_never_become_formulas(tmp_path):
    src = ("---\nid: D1\nspeakers: {P: interviewer, I: informant}\n---\nP: Tanya?\n"
           "I: =HYPERLINK(\"http://x\",\"klik\") kata warga\nP: Lagi?\nI: +cmd|' /C calc'!A0\n"
           "P: Dan?\nI: @SUM(1+1) -2 itu\n")
    corpus = ce.Corpus.from_texts({"d.txt": src})
    codebook = ce.Codebook.from_dict({"codes": [{"id": "kode", "label": "Kode"}]})
    sheet = ce.coding_sheet(corpus, codebook)
    sheet.coding["kode"] = "x"
    out = tmp_path / "s.xlsx"
    ce.write_coding_sheet(sheet, out)
    ws = openpyxl.load_workbook(out)["coding"]
    cells = [ws.cell(r, 4) for r in (2, 3, 4)]
    assert [c.value for c in cells] == sheet.coding["text"].tolist()
    assert all(c.data_type == "s" for c in cells)
    codings = ce.read_coding_sheet(out, corpus=corpus, codebook=codebook, coder="A")
    assert codings["text"].tolist() == sheet.coding["text"].tolist()
    ce.write_coding_sheet(sheet, tmp_path / "s.csv")  # and through the CSV form
    assert "'=HYPERLINK" in (tmp_path / "s.csv").read_text(encoding="utf-8")  # neutralised
    codings = ce.read_coding_sheet(tmp_path / "s.csv", corpus=corpus, codebook=codebook,
                                   coder="A")
    assert codings["text"].tolist() == sheet.coding["text"].tolist()


@pytest.mark.slow
def test_an_unmarked_sheet_gives_an_empty_valid_codings_file(tmp_path, cli):
    inputs = ["--transcripts", "interview_transcripts", "--codebook", "data/raw/codebook.yaml"]
    assert cli("sheet", "export", "--coder", "B", "--out", str(tmp_path / "s.xlsx"),
               *inputs).returncode == 0
    out = tmp_path / "codings_B.csv"
    r = cli("sheet", "import", str(tmp_path / "s.xlsx"), "--coder", "B", "--out", str(out),
            *inputs)
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == ("doc_id,segment_id,start,end,code,coder,text,"
                                               "note,whole_turn\n")
    assert ce.read_codings(out).empty
    r = cli("validate", "--transcripts", "interview_transcripts", "--codings", str(out))
    assert r.returncode == 0, r.stderr


def test_a_sheet_of_some_interviews_records_them_and_imports(tmp_path, example_corpus,
                                                             example_codebook):
    """The active-learning loop codes the interviews suggest_turns picks: a sheet made for
    them was refused ("turns are not in the sheet ... their rows were deleted") for every
    other interview. A sheet records the interviews it covers; read back, the turns of
    those must all be rows (a deleted row, or every row of one of them, is still caught)
    and other interviews need none."""
    docs = example_corpus.doc_ids
    picked = [docs[4], docs[1]]  # any order: recorded in corpus order
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="B", documents=picked)
    assert sheet.documents == (docs[1], docs[4])
    assert list(dict.fromkeys(sheet.coding["doc_id"])) == [docs[1], docs[4]]
    sheet.coding["kerja_sama"] = "x"
    out = tmp_path / "next_B.xlsx"
    ce.write_coding_sheet(sheet, out)
    codings = ce.read_coding_sheet(out, corpus=example_corpus, codebook=example_codebook,
                                   coder="B")
    assert len(codings) == len(sheet.coding)
    assert set(codings["doc_id"]) == {docs[1], docs[4]}
    assert codings.attrs["documents"] == [docs[1], docs[4]]

    def without(rows):
        wb = openpyxl.load_workbook(out)
        for r in sorted(rows, reverse=True):
            wb["coding"].delete_rows(r)
        cut = tmp_path / "cut.xlsx"
        wb.save(cut)
        return cut

    first = sheet.coding.iloc[0]
    with pytest.raises(ce.InputError, match=rf"1 turn is not in the sheet: turn "
                       rf"{first.segment_id} of {first.doc_id!r}"):
        ce.read_coding_sheet(without([2]), corpus=example_corpus, codebook=example_codebook,
                             coder="B")
    fifth = [i + 2 for i in np.flatnonzero(sheet.coding["doc_id"].eq(docs[4]))]
    with pytest.raises(ce.InputError, match=rf"{len(fifth)} turns are not in the sheet: "
                       rf"turns .* of {docs[4]!r}"):
        ce.read_coding_sheet(without(fifth), corpus=example_corpus,
                             codebook=example_codebook, coder="B")
    with pytest.raises(ce.InputError, match=r"interview.*'NOPE'"):
        ce.coding_sheet(example_corpus, example_codebook, documents=["NOPE"])
    # a sheet recording an interview the transcripts lack is refused
    other = ce.CodingSheet(sheet.coding, sheet.quotes, sheet.codebook, "B",
                           (*sheet.documents, "GONE"))
    with pytest.raises(ce.InputError, match=r"made for interview.*'GONE'.*transcripts do not"):
        ce.codings_from_sheet(other, corpus=example_corpus, codebook=example_codebook,
                              coder="B")


def test_sheet_export_of_the_suggested_interviews_and_its_import(tmp_path, cli,
                                                                 example_corpus):
    """``sheet export --docs`` / ``--suggested`` (the file of ``code --suggest``) write a
    sheet of those interviews, whole; its import reads and names them."""
    inputs = ["--transcripts", "interview_transcripts", "--codebook", "data/raw/codebook.yaml"]
    docs = example_corpus.doc_ids
    suggested = tmp_path / "next.csv"
    suggested.write_text(f"doc_id,segment_id\n{docs[3]},2\n{docs[2]},4\n{docs[3]},6\n",
                         encoding="utf-8")
    sheet = tmp_path / "next.xlsx"
    r = cli("sheet", "export", "--coder", "B", "--out", str(sheet), "--suggested",
            str(suggested), *inputs)
    assert r.returncode == 0, r.stderr
    assert f"of 2 interviews ({docs[2]}, {docs[3]})" in r.stdout
    rows = pd.read_excel(sheet, sheet_name="coding")
    assert set(rows["doc_id"]) == {docs[2], docs[3]}
    out = tmp_path / "codings_B_2.csv"
    r = cli("sheet", "import", str(sheet), "--coder", "B", "--out", str(out), *inputs)
    assert r.returncode == 0, r.stderr
    # left unmarked: the coder coded nothing in them (no warning that it may be blank)
    assert f"coded nothing in 2 interviews ({docs[2]!r}, {docs[3]!r})" in r.stdout
    assert "double_coded" in r.stdout and "no marks and no quotes" not in r.stderr
    r = cli("sheet", "export", "--coder", "B", "--out", str(tmp_path / "d.xlsx"), "--docs",
            f"{docs[0]}, {docs[0]}X", *inputs)
    assert r.returncode == 2 and not (tmp_path / "d.xlsx").exists()
    assert f"--docs names interview(s) '{docs[0]}X'" in r.stderr
    assert f"did you mean {docs[0]!r}" in r.stderr
    suggested.write_text("code,score\nx,1\n", encoding="utf-8")
    r = cli("sheet", "export", "--coder", "B", "--out", str(tmp_path / "e.xlsx"),
            "--suggested", str(suggested), *inputs)
    assert r.returncode == 2 and "doc_id" in r.stderr and str(suggested) in r.stderr


def test_docs_in_another_case_suggest_the_id_differing_in_case_only(tmp_path, cli):
    """Session 16, tester item 6: --docs R05,r01 suggested only 'R04' (for 'R05', the first
    unknown id) and nothing for 'r01'; each unknown id gets its hint, and an id differing
    only in case is the one suggested. Session 19 (coders, item 6): 'R05' is another
    interview's number, not a typo of 'R04': no guess (as a codings file's doc_id)."""
    from citra_eval.errors import closest

    assert closest("r1", ["R10", "R1", "r2"]) == "R1"  # difflib alone: none (cutoff 0.6)
    folder = tmp_path / "t"
    folder.mkdir()
    for d in ("R01", "R04"):
        (folder / f"{d}.txt").write_text(f"---\nid: {d}\nspeakers: {{P: interviewer, R: "
                                         "informant}\n---\nP: Apa?\nR: Kami catat.\n",
                                         encoding="utf-8")
    (tmp_path / "book.yaml").write_text("codebook: x\ncodes:\n  - id: catat\n    label: C\n",
                                        encoding="utf-8")
    r = cli("sheet", "export", "--coder", "B", "--out", str(tmp_path / "s.xlsx"), "--docs",
            "R05,r01", "--transcripts", str(folder), "--codebook", str(tmp_path / "book.yaml"))
    assert r.returncode == 2 and "(did you mean 'R01' for 'r01'?)" in r.stderr, r.stderr
    assert "'R04'" not in r.stderr.split("the interviews are")[0]
    assert "(document ids are case-sensitive)" in r.stderr


# --------------------------------------------------------------------------- bad sheets


def _quote_twice(corpus):
    """(doc, turn, word) with a word found twice in an informant turn."""
    for row in corpus.segments[corpus.segments["role"] == "informant"].itertuples():
        if row.text.count(" media ") >= 2:
            return row.doc_id, row.segment_id, "media"
    raise AssertionError("no turn with a repeated word")


def _edit_xlsx(path, corpus, case):
    wb = openpyxl.load_workbook(path)
    ws, qs = wb["coding"], wb["quotes"]
    if case == "unknown code column":
        ws["E1"] = "kerjasama"
    elif case == "edited text":
        ws["D5"] = ws["D5"].value.replace("a", "o", 1)
    elif case == "edited doc_id":
        ws["A3"] = "INF99"
    elif case == "edited segment_id":
        ws["B4"] = 999
    elif case == "bad mark":
        ws["F7"] = "yes"
    elif case == "quote found nowhere":
        qs.append(["INF01", 8, "kerja_sama", "kalimat yang tidak pernah diucapkan"])
    elif case == "quote found twice":
        doc, sid, word = _quote_twice(corpus)
        qs.append([doc, sid, "kerja_sama", word])
    elif case == "unknown quote code":
        qs.append(["INF01", 8, "strategi", "kerja sama"])
    wb.save(path)


BAD = [  # case, cell, words in the message
    ("unknown code column", "coding!E1", "unknown code column 'kerjasama' (did you mean "
                                         "'kerja_sama'?)"),
    ("edited text", "coding!D5", "the text differs from turn"),
    ("edited doc_id", "coding!A3", "unknown doc_id 'INF99'"),
    ("edited segment_id", "coding!B4", "segment_id 999 is not a turn of"),
    ("bad mark", "coding!F7", "'yes' is not a mark: mark a code with 1 or x"),
    ("quote found nowhere", "quotes!D2", "is not in turn 8 of 'INF01'"),
    ("quote found twice", "quotes!D2", "times; quote more words"),
    ("unknown quote code", "quotes!C2", "'strategi' is a category, not a codable code"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("case", "cell", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_sheet_exit_2_with_the_cell_and_nothing_written(tmp_path, cli, example_corpus,
                                                            case, cell, words):
    inputs = ["--transcripts", "interview_transcripts", "--codebook", "data/raw/codebook.yaml"]
    sheet = tmp_path / "coding_sheet_A.xlsx"
    assert cli("sheet", "export", "--coder", "A", "--out", str(sheet), *inputs).returncode == 0
    _edit_xlsx(sheet, example_corpus, case)
    out = tmp_path / "codings_A.csv"
    r = cli("sheet", "import", str(sheet), "--coder", "A", "--out", str(out), *inputs)
    assert r.returncode == 2
    (line,) = r.stderr.splitlines()
    assert line.startswith(f"error: {sheet}:{cell}: "), line
    assert words in line
    assert not out.exists()


@pytest.mark.slow
def test_bad_csv_sheet_names_the_csv_file_and_cell(tmp_path, cli):
    inputs = ["--transcripts", "interview_transcripts", "--codebook", "data/raw/codebook.yaml"]
    sheet = tmp_path / "s.csv"
    assert cli("sheet", "export", "--coder", "A", "--out", str(sheet), *inputs).returncode == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    rows[3][5] = "2"                     # a mark in row 4 (records count, not text lines)
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    quotes = tmp_path / "s_quotes.csv"
    quotes.write_text(quotes.read_text() + "INF01,8,kerja_samaa,kerja sama,\n")
    out = tmp_path / "c.csv"
    r = cli("sheet", "import", str(sheet), "--coder", "A", "--out", str(out), *inputs)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        f"error: {sheet}:coding!F4: '2' is not a mark: mark a code with 1 or x, or leave the "
        "cell empty (or 0)",
        f"error: {quotes}:quotes!C2: code 'kerja_samaa' is not a code of the codebook (did "
        "you mean 'kerja_sama'?); use a code id from the codebook worksheet",
    ]
    assert not out.exists()


@pytest.mark.slow
def test_other_refusals(tmp_path, cli, example_corpus, example_codebook):
    inputs = ["--transcripts", "interview_transcripts", "--codebook", "data/raw/codebook.yaml"]
    sheet = tmp_path / "coding_sheet_A.xlsx"
    assert cli("sheet", "export", "--coder", "A", "--out", str(sheet), *inputs).returncode == 0
    # an existing sheet (maybe filled in already) is not replaced without --force
    r = cli("sheet", "export", "--coder", "A", "--out", str(sheet), *inputs)
    assert r.returncode == 2 and "--force" in r.stderr
    assert cli("sheet", "export", "--coder", "A", "--out", str(sheet), "--force",
               *inputs).returncode == 0
    # a sheet exported for A is not read as B's
    r = cli("sheet", "import", str(sheet), "--coder", "B", "--out", str(tmp_path / "b.csv"),
            *inputs)
    assert r.returncode == 2 and "exported for coder 'A', not 'B'" in r.stderr
    # a codings file of a study's raw data is not replaced without --force, nor an input
    study = tmp_path / "study"
    (study / "interview_transcripts").mkdir(parents=True)
    (study / "data" / "raw").mkdir(parents=True)
    out = study / "data" / "raw" / "codings_A.csv"
    out.write_text("keep me")
    r = cli("sheet", "import", str(sheet), "--coder", "A", "--out", str(out), *inputs)
    assert r.returncode == 2 and "raw-data file" in r.stderr and out.read_text() == "keep me"
    r = cli("sheet", "import", str(sheet), "--coder", "A", "--out", str(out), "--force",
            *inputs)
    assert r.returncode == 0, r.stderr
    assert ce.read_codings(out).empty
    r = cli("sheet", "import", str(sheet), "--coder", "A", "--out",
            "interview_transcripts/x.csv", *inputs)
    assert r.returncode == 2 and "inside the input folder" in r.stderr
    # not a workbook, not a known format
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    r = cli("sheet", "import", str(broken), "--coder", "A", "--out", str(tmp_path / "x.csv"),
            *inputs)
    assert r.returncode == 2 and r.stderr.startswith(f"error: {broken}: ")
    ods = tmp_path / "s.ods"
    ods.write_bytes(b"")
    with pytest.raises(ce.InputError, match=r"save it as \.xlsx"):
        ce.read_coding_sheet(ods, corpus=example_corpus, codebook=example_codebook, coder="A")
    r = cli("sheet", "export", "--coder", "A", "--out", str(tmp_path / "s.ods"), *inputs)
    assert r.returncode == 2 and "--out must end in .xlsx or .csv" in r.stderr
    r = cli("sheet", "export", "--coder", "A", "--out", str(tmp_path / "s.xlsx"), "--roles",
            "moderator", *inputs)
    assert r.returncode == 2 and "no turns of role(s) moderator" in r.stderr
    # beside a role the transcripts have, a typo is named too (it selected nothing silently)
    r = cli("sheet", "export", "--coder", "A", "--out", str(tmp_path / "s.xlsx"), "--roles",
            "informant", "informan", *inputs)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: ") and "no turns of role(s) informan to code: the " \
        "transcripts have role(s) informant, interviewer" in r.stderr
    assert not (tmp_path / "s.xlsx").exists()


def test_api_in_memory(example_corpus, example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook, roles=None)
    assert len(sheet.coding) == len(example_corpus.segments)
    first = sheet.coding.iloc[0]
    sheet.coding.loc[0, "bamara"] = 1
    sheet.coding.loc[0, "note"] = "sapaan"
    sheet.quotes.loc[0] = [first.doc_id, first.segment_id, "bamara",
                           first.text[:20].upper(), "loose"]  # found ignoring case
    codings = ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                                    coder="C")
    # in document order: the quote (same start, shorter) before the whole turn
    assert codings[["segment_id", "code", "note"]].values.tolist() == [
        [first.segment_id, "bamara", "loose"], [first.segment_id, "bamara", "sapaan"]]
    assert codings.loc[0, "text"] == first.text[:20]
    assert codings.loc[1, "text"] == first.text
    with pytest.raises(ValueError, match="coder must be a non-empty string"):
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder=" ")
    with pytest.raises(TypeError, match="sheet must be a CodingSheet"):
        ce.codings_from_sheet(sheet.coding, corpus=example_corpus, codebook=example_codebook,
                              coder="C")
    with pytest.raises(ValueError, match="lang must be one of"):
        ce.coding_sheet(example_corpus, example_codebook, lang="fr")


def test_a_quote_pasted_with_its_quote_marks_is_found(example_corpus, example_codebook):
    """A quote pasted with its surrounding marks (\u201ccatat keluhannya\u201d) was refused "not
    even ignoring case, spaces and typographic quotes"."""
    sheet = ce.coding_sheet(example_corpus, example_codebook)
    first = sheet.coding.iloc[0]
    words = first.text[5:30]
    for pasted in (f"\u201c{words}\u201d", f'"{words.upper()}"', f" \u2018{words}\u2019 "):
        sheet.quotes.loc[0] = [first.doc_id, first.segment_id, "bamara", pasted, ""]
        codings = ce.codings_from_sheet(sheet, corpus=example_corpus,
                                        codebook=example_codebook, coder="C")
        assert codings["text"].tolist() == [words]  # the marks are not coded
    sheet.quotes.loc[0] = [first.doc_id, first.segment_id, "bamara", "\u201cno such words\u201d",
                           ""]
    with pytest.raises(ce.InputError, match="typographic quotes and quote marks around it"):
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder="C")


def test_a_quote_pasted_with_spaces_around_it_codes_its_words_only(example_corpus,
                                                                   example_codebook):
    """Session 16, tester item 5: " Instagram. " (a copy from a cell often brings the spaces
    around it) was found with its spaces and coded them; surrounding whitespace is stripped
    as quote marks around a quote are."""
    sheet = ce.coding_sheet(example_corpus, example_codebook)
    first = sheet.coding.iloc[0]
    a = first.text.index(" ", 3)
    b = first.text.index(" ", a + 10) + 1
    words = first.text[a:b].strip()
    assert first.text[a:b] == f" {words} " and first.text.count(words) == 1
    for pasted in (f" {words} ", f"{words}\n", f"\t \u201c{words}\u201d "):
        sheet.quotes.loc[0] = [first.doc_id, first.segment_id, "bamara", pasted, ""]
        codings = ce.codings_from_sheet(sheet, corpus=example_corpus,
                                        codebook=example_codebook, coder="C")
        assert codings["text"].tolist() == [words], pasted


def test_a_quote_found_exactly_once_wins_over_other_cases(tmp_path):
    """Session 16, tester item 6: 'kami' in a turn saying 'Kami ... kami': a quote found
    exactly as written (copied from the turn) once is that place, as docs/coding.md says;
    one found only ignoring case must occur once so."""
    corpus = ce.Corpus.from_texts({"r.txt": "---\nid: R1\nspeakers: {P: interviewer, R: "
                                   "informant}\n---\nP: Apa?\nR: Kami catat, lalu kami "
                                   "teruskan.\n"})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "catat", "label": "C"}]})
    sheet = ce.coding_sheet(corpus, book)
    turn = corpus.segments.set_index("segment_id").loc[2]
    sheet.quotes.loc[0] = ["R1", 2, "catat", "kami", ""]
    got = ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    assert got["start"].tolist() == [turn.start + turn.text.index("kami")]
    sheet.quotes.loc[0] = ["R1", 2, "catat", "KAMI", ""]
    with pytest.raises(ce.InputError, match="the quote 'KAMI' is in turn 2 of 'R1' 2 times"):
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")


def test_many_bad_cells_are_capped(example_corpus, example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook)
    sheet.coding["kerja_sama"] = "y"
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder="A", path="s.xlsx")
    problems = info.value.problems
    assert len(problems) == 21 and problems[0].cell == "coding!E2"
    assert problems[-1].message.startswith("... and ")


# --------------------------------------------------------------------------- docs/coding.md

DOC = ROOT / "docs" / "coding.md"


def doc_blocks(kind: str) -> list[str]:
    """The ```kind blocks of docs/coding.md, in order."""
    text, out = DOC.read_text(encoding="utf-8"), []
    for part in text.split(f"```{kind}\n")[1:]:
        out.append(part.split("```", 1)[0])
    return out


def doc_commands() -> list[str]:
    """Every shell command shown in docs/coding.md (continuation lines joined)."""
    commands = []
    for block in doc_blocks("bash"):
        for line in block.replace("\\\n", " ").splitlines():
            line = " ".join(line.split())
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


@pytest.mark.slow
def test_docs_coding_commands_run_in_order(tmp_path):
    """Runs every command of docs/coding.md on a copy of the example study, doing what the
    doc says happens between them (a coder fills the sheet, a QDA program codes, a transcript
    is edited), and checks the outputs the doc shows."""
    import os
    import shutil
    import subprocess
    import sys

    study = tmp_path / "study"
    shutil.copytree(ROOT / "interview_transcripts", study / "interview_transcripts")
    shutil.copy(ROOT / "study.yaml", study / "study.yaml")
    shutil.copytree(ROOT / "data" / "raw", study / "data" / "raw")
    corpus = ce.read_transcripts(study / "interview_transcripts")
    codebook = ce.Codebook.load(study / "data/raw/codebook.yaml")
    b = ce.read_codings(study / "data/raw/codings_B.csv")

    def fill_sheet():        # coder C fills the sheet (with coder B's decisions)
        mark_xlsx(study / "coding_sheet_C.xlsx", b, corpus)

    def code_in_program():   # the QDA program: coder D codes and exports the project
        ce.write_qdpx(study / "coded.qdpx", corpus, codebook,
                      ce.read_codings(study / "data/raw/codings_A.csv").assign(coder="D"))

    def edit_transcript():   # a typo fixed early in INF02 (turn 2, before every coding)
        f = study / "interview_transcripts" / "INF02.txt"
        f.write_text(f.read_text(encoding="utf-8").replace("Gak papa kok", "Nggak apa-apa kok"),
                     encoding="utf-8")

    def code_some():         # the study so far: A and B coded all but INF10 and INF11
        later = ["INF10", "INF11"]
        now = ce.read_transcripts(study / "interview_transcripts")  # INF02 edited above
        for coder in ("A", "B"):
            f = study / f"data/raw/codings_{coder}.csv"
            t = ce.reanchor(ce.read_codings(f), now).codings  # (the doc reanchors C's)
            ce.write_codings(t[~t.doc_id.isin(later)], f, corpus=now, replace_raw=True)
        done = ", ".join(d for d in corpus.doc_ids if d not in later)
        y = study / "study.yaml"
        y.write_text(re.sub(r"(?m)^double_coded:.*$", f"double_coded: {{A: [{done}], "
                            f"B: [{done}]}}", y.read_text(encoding="utf-8")),
                     encoding="utf-8")

    def code_suggested():    # coder B codes the suggested interviews (as B did)
        sheet = study / "next_B.xlsx"
        covered = set(pd.read_excel(sheet, sheet_name="coding")["doc_id"])
        mark_xlsx(sheet, b[b.doc_id.isin(covered)], corpus)

    expected = [  # (command start, hook before it, exit code)
        ("citra-eval sheet export", None, 0),
        ("citra-eval sheet import", fill_sheet, 0),
        ("citra-eval validate", None, 0),
        ("citra-eval qdpx export", None, 0),
        ("citra-eval qdpx import", code_in_program, 0),
        ("cp imported/codings.csv", None, 0),
        ("citra-eval validate", None, 0),
        ("citra-eval reanchor --record", None, 0),
        ("citra-eval validate", edit_transcript, 2),
        ("citra-eval reanchor", None, 0),
        ("citra-eval validate", None, 0),
        ("citra-eval code --learn-from", code_some, 0),
        ("citra-eval sheet export --coder B --suggested", None, 0),
        ("citra-eval sheet import next_B.xlsx", code_suggested, 0),
    ]
    commands = doc_commands()
    assert [c[:len(e)] for c, (e, _, _) in zip(commands, expected, strict=True)] == \
        [e for e, _, _ in expected]
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep
               + os.environ["PATH"])
    doc = DOC.read_text(encoding="utf-8")
    outputs = []
    for command, (_, hook, code) in zip(commands, expected, strict=True):
        if hook is not None:
            hook()
        r = subprocess.run(["bash", "-c", command], cwd=study, env=env, capture_output=True,
                           text=True)
        assert r.returncode == code, (command, r.stdout, r.stderr)
        outputs.append(r)
    # C's codings are B's decisions (moved by reanchor, so compare what they code)
    c = ce.read_codings(study / "data/raw/codings_C.csv")
    same = ["doc_id", "segment_id", "code", "text"]
    assert sorted(map(tuple, c[same].to_numpy().tolist())) == sorted(
        map(tuple, b[same].to_numpy().tolist()))
    assert (study / "data/raw/codings_C.csv.bak").exists()
    d = ce.read_codings(study / "data/raw/codings_D.csv")
    assert set(d["coder"]) == {"D"} and len(d) == len(ce.read_codings(RAW_A))
    # the round: a sheet of the suggested interviews, imported as B's codings of them
    suggested = set(pd.read_csv(study / "next.csv")["doc_id"])
    assert suggested and suggested <= {"INF10", "INF11"}
    b2 = ce.read_codings(study / "data/raw/codings_B_2.csv")
    assert set(b2["doc_id"]) <= suggested
    assert len(b2) == len(b[b.doc_id.isin(suggested)])
    assert "add them to coder B's interviews" in outputs[-1].stdout or \
        "add it to coder B's interviews" in outputs[-1].stdout
    # the drift the doc shows is the first line validate printed after the edit
    assert outputs[8].stderr.splitlines()[0] in doc
    # the Python snippet prints what the doc shows
    (snippet,) = doc_blocks("python")
    shown = [ln[2:] for ln in snippet.splitlines() if ln.startswith("# ")]
    r = subprocess.run([sys.executable, "-c", snippet], cwd=study, capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == shown


RAW_A = ROOT / "data" / "raw" / "codings_A.csv"


def test_sheet_commands_outside_a_study_need_their_paths(tmp_path, cli):
    r = cli("sheet", "export", "--coder", "A", "--out", str(tmp_path / "s.xlsx"), cwd=tmp_path)
    assert r.returncode == 2 and "outside a study folder" in r.stderr
    assert not (tmp_path / "s.xlsx").exists()


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("long_turn", [
    "Kami bekerja sama dengan media. " * 1100,           # 35,200 characters
    "Kerja sama 🤝🏽 dengan media 😀. " * 1000,           # 30,000 code points, 36,000 units
])
def test_long_turns_and_control_characters_fit_a_cell_and_still_code_the_whole_turn(
        tmp_path, long_turn):
    src = ("---\nid: D1\nspeakers: {P: interviewer, I: informant}\n---\nP: Tanya?\n"
           f"I: {long_turn.strip()}\nP: Lagi?\nI: Ada\x0bvertical tab dan \x1b escape.\n")
    corpus = ce.Corpus.from_texts({"d.txt": src})
    codebook = ce.Codebook.from_dict({"codes": [{"id": "kode", "label": "Kode"}]})
    sheet = ce.coding_sheet(corpus, codebook)
    sheet.coding["kode"] = "x"
    sheet.quotes.loc[0] = ["D1", 4, "kode", "vertical tab", None]
    for name in ("s.xlsx", "s.csv"):
        ce.write_coding_sheet(sheet, tmp_path / name)
        got = ce.read_coding_sheet(tmp_path / name, corpus=corpus, codebook=codebook,
                                   coder="A")
        segs = corpus.segments.set_index("segment_id")
        assert got[["segment_id", "start", "end"]].values.tolist() == [
            [2, segs.loc[2, "start"], segs.loc[2, "end"]],
            [4, segs.loc[4, "start"], segs.loc[4, "end"]],
            [4, segs.loc[4, "start"] + 4, segs.loc[4, "start"] + 16]]
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["coding"]
    cell = ws["D2"].value  # full, as Excel counts (an emoji is two units; none cut in half)
    assert ce.sheets.CELL_LIMIT - 1 <= _utf16(cell) <= ce.sheets.CELL_LIMIT
    assert cell.endswith("[\u2026]") and long_turn.startswith(cell[:-len(ce.sheets.CUT)])
    assert ws["D3"].value == "Ada\ufffdvertical tab dan \ufffd escape."


@pytest.mark.parametrize(("text", "kept"), [
    ("a" * (ce.sheets.CELL_LIMIT - 2) + "😀", None),                     # fits: 32,767 units
    ("a" * (ce.sheets.CELL_LIMIT - 1) + "😀", ce.sheets.CELL_LIMIT - 4),  # 32,767 code points
    ("😀" * 20_000, (ce.sheets.CELL_LIMIT - 4) // 2),                     # 40,000 units
    ("a" * (ce.sheets.CELL_LIMIT - 5) + "😀" + "b" * 9, ce.sheets.CELL_LIMIT - 5),  # no half
    ("a\U0001d400" * 10_922 + "a", None),                # astral letters: 32,767 units, fits
])
def test_a_cell_holds_32767_utf16_units_not_code_points(text, kept):
    """Excel counts a cell's characters in UTF-16 units (an emoji is two): a turn of fewer
    than 32,767 code points but more units was written whole, and Excel cut it."""
    cell = ce.sheets.cell_text(text)
    assert _utf16(cell) <= ce.sheets.CELL_LIMIT
    if kept is None:
        assert cell == text
    else:
        assert cell == text[:kept] + ce.sheets.CUT


# --------------------------------------------------------------------------- as coders fill


def _filled(tmp_path, example_corpus, example_codebook, edit):
    """An exported workbook after ``edit(workbook)``, saved by openpyxl."""
    path = tmp_path / "coding_sheet_A.xlsx"
    ce.write_coding_sheet(ce.coding_sheet(example_corpus, example_codebook, coder="A"), path)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def _problems(path, corpus, codebook):
    with pytest.raises(ce.InputError) as info:
        ce.read_coding_sheet(path, corpus=corpus, codebook=codebook, coder="A")
    return [(p.cell, p.message) for p in info.value.problems]


def test_marks_on_a_copied_worksheet_are_not_lost_silently(tmp_path, example_corpus,
                                                           example_codebook):
    def copy_and_mark(wb):
        copy = wb.copy_worksheet(wb["coding"])
        copy.title = "coding (2)"
        copy["E2"] = "x"
    path = _filled(tmp_path, example_corpus, example_codebook, copy_and_mark)
    ((cell, message),) = _problems(path, example_corpus, example_codebook)
    assert cell == "coding (2)!A1"
    assert "is a copy of 'coding', and only 'coding' is read" in message


def test_merged_cells_and_formulas_without_a_value_are_refused(tmp_path, example_corpus,
                                                               example_codebook):
    def merge_and_compute(wb):
        ws = wb["coding"]
        ws["E2"] = "x"
        ws.merge_cells("E2:E3")      # the coder meant both turns; openpyxl reads one
        ws["F4"] = "=1"              # saved without its result (openpyxl computes nothing)
    path = _filled(tmp_path, example_corpus, example_codebook, merge_and_compute)
    problems = dict(_problems(path, example_corpus, example_codebook))
    assert "cells E2:E3 are merged" in problems["coding!E2"]
    assert "formula without a computed value" in problems["coding!F4"]


def test_checkboxes_labels_and_case_are_read(example_corpus, example_codebook):
    """A ticked checkbox (TRUE) marks, an unticked one (FALSE) does not; a column headed
    by a code's label or its id in other case is that code; ``8.0`` is turn 8."""
    sheet = ce.coding_sheet(example_corpus, example_codebook)
    sheet.coding.loc[0, "kerja_sama"] = True
    sheet.coding.loc[1, "kerja_sama"] = "FALSE"
    sheet.coding.loc[2, "bamara"] = "true"
    coding = sheet.coding.rename(columns={"kerja_sama": "BUILDING  cooperation",
                                          "bamara": "Bamara"})
    quotes = pd.DataFrame([["INF01", "8.0", "membangun kerja sama", "kerja sama dengan media",
                            None]],
                          columns=sheet.quotes.columns)
    filled = ce.CodingSheet(coding, quotes, sheet.codebook)
    codings = ce.codings_from_sheet(filled, corpus=example_corpus, codebook=example_codebook,
                                    coder="A")
    first = sheet.coding.iloc[:3]
    assert set(zip(codings["segment_id"], codings["code"], strict=True)) == {
        (first.segment_id[0], "kerja_sama"), (first.segment_id[2], "bamara"),
        (8, "kerja_sama")}


def test_several_codes_in_a_quote_row_say_one_per_row(example_corpus, example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook)
    sheet.quotes.loc[0] = ["INF01", 8, "kerja_sama, bamara", "kerja sama dengan media", None]
    with pytest.raises(ce.InputError, match="names several codes: give one code per row"):
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder="A")


def test_a_sheet_of_chosen_interviews_left_unmarked_is_a_coder_who_coded_nothing(
        example_corpus, example_codebook):
    """A sheet made for chosen interviews (``documents=``, ``sheet export --docs``) read
    back without a mark or a quote: the coder read them and coded nothing (rated, no code,
    once declared in ``double_coded``), not a likely mistake; an unmarked sheet of every
    interview still asks whether it is the filled one."""
    from citra_eval.sheets import coded_nothing_in

    chosen = ce.coding_sheet(example_corpus, example_codebook, documents=["INF02", "INF01"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        none = ce.codings_from_sheet(chosen, corpus=example_corpus,
                                     codebook=example_codebook, coder="C")
    assert none.empty and none.attrs["documents"] == ["INF01", "INF02"]
    assert coded_nothing_in(none, example_corpus) == ["INF01", "INF02"]
    chosen.coding.loc[0, "bamara"] = "x"
    some = ce.codings_from_sheet(chosen, corpus=example_corpus, codebook=example_codebook,
                                 coder="C")
    assert len(some) == 1 and coded_nothing_in(some, example_corpus) == []
    full = ce.coding_sheet(example_corpus, example_codebook)
    with pytest.warns(ce.SheetWarning, match="is this the filled sheet"):
        blank = ce.codings_from_sheet(full, corpus=example_corpus, codebook=example_codebook,
                                      coder="C")
    assert coded_nothing_in(blank, example_corpus) == []


def test_what_looks_unintended_is_warned(example_corpus, example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook)
    with pytest.warns(ce.SheetWarning, match="no marks and no quotes"):
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder="A", path="s.xlsx")
    sheet.coding.loc[3, "note"] = "penting!"          # a note, but no mark in its row
    sheet.coding.loc[0, "bamara"] = "x"
    with pytest.warns(ce.SheetWarning, match=r"1 note\(s\) in rows without a mark are not "
                                             r"kept \(\w+5\)"):
        codings = ce.codings_from_sheet(sheet, corpus=example_corpus,
                                        codebook=example_codebook, coder="A")
    assert len(codings) == 1
    sheet.coding.loc[4:10, "note"] = "lagi"           # seven: the first five, and how many more
    with pytest.warns(ce.SheetWarning, match=r"8 note\(s\) in rows without a mark are not "
                                             r"kept \(\w+5, \w+6, \w+7, \w+8, \w+9 and 3 more\)"):
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder="A")


def test_a_workbook_without_its_quotes_worksheet_warns(tmp_path, example_corpus,
                                                      example_codebook):
    """Session 16, tester item 4a: the quotes worksheet deleted from an .xlsx sheet lost its
    quotes without a word; as for a CSV sheet without its quotes file, a warning says only
    the marks were read."""
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="A")
    sheet.coding.loc[0, example_codebook.codable_ids[0]] = "x"
    ce.write_coding_sheet(sheet, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    del wb["quotes"]
    wb.save(tmp_path / "s.xlsx")
    with pytest.warns(ce.SheetWarning) as caught:
        codings = ce.read_coding_sheet(tmp_path / "s.xlsx", corpus=example_corpus,
                                       codebook=example_codebook, coder="A")
    assert len(codings) == 1
    (said,) = [str(w.message) for w in caught]
    assert said.startswith(f"{tmp_path / 's.xlsx'}: no worksheet 'quotes', so only whole-turn "
                           "marks are read"), said


def test_csv_sheets_as_google_sheets_and_excel_save_them(tmp_path, example_corpus,
                                                         example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="A")
    ce.write_coding_sheet(sheet, tmp_path / "s.csv")
    # a Google Sheets download: "<title> - coding.csv" beside "<title> - quotes.csv"
    coding = tmp_path / "Coding sheet A - coding.csv"
    (tmp_path / "s.csv").rename(coding)
    (tmp_path / "Coding sheet A - quotes.csv").write_text(
        "doc_id,segment_id,code,quote,note\nINF01,8,kerja_sama,kerja sama dengan media,\n",
        encoding="utf-8")
    codings = ce.read_coding_sheet(coding, corpus=example_corpus, codebook=example_codebook,
                                   coder="A")
    assert codings["text"].tolist() == ["kerja sama dengan media"]
    # without its quotes file, the marks are read and the missing file is named
    (tmp_path / "Coding sheet A - quotes.csv").unlink()
    with pytest.warns(ce.SheetWarning) as caught:
        ce.read_coding_sheet(coding, corpus=example_corpus, codebook=example_codebook,
                             coder="A")
    assert "no quotes file Coding sheet A - quotes.csv beside it" in str(caught[0].message)
    assert "no marks and no quotes" in str(caught[1].message)
    # Excel in an Indonesian locale separates with semicolons, even as "CSV UTF-8 (Comma
    # delimited)" (session 18, coder item 1): read as the survey reader reads them
    rows = list(csv.reader(io.StringIO(coding.read_text(encoding="utf-8-sig"))))
    rows[1][rows[0].index("kerja_sama")] = "x"
    for hint in ("", "sep=;\r\n"):
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        semi = tmp_path / "semi.csv"
        semi.write_text("\ufeff" + hint + out.getvalue(), encoding="utf-8")
        (tmp_path / "semi_quotes.csv").write_text(
            hint + "doc_id;segment_id;code;quote;note\r\nINF01;8;kerja_sama;"
            "kerja sama dengan media;\r\n", encoding="utf-8")
        codings = ce.read_coding_sheet(semi, corpus=example_corpus,
                                       codebook=example_codebook, coder="A")
        assert sorted(codings["code"]) == ["kerja_sama", "kerja_sama"], hint
        assert "kerja sama dengan media" in codings["text"].tolist()


def test_a_quote_pasted_in_another_unicode_form_is_found(tmp_path):
    text = ("---\nid: D\nspeakers: {P: interviewer, I: informant}\n---\n"
            "P: Di mana?\nI: Di Cafe\u0301 Andre\u0301, lalu posting di TikTok.\n")
    corpus = ce.Corpus.from_texts({"d.txt": text})
    book = ce.Codebook.from_dict({"codebook": "t", "version": 1, "language": "id",
                                  "codes": [{"id": "tempat", "label": {"id": "Tempat"}}]})
    sheet = ce.coding_sheet(corpus, book)
    sheet.quotes.loc[0] = ["D", 2, "tempat", "Café André", None]          # composed (NFC)
    sheet.quotes.loc[1] = ["D", 2, "tempat", "posting\u00a0di\u200bTikTok", None]
    codings = ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    assert codings["text"].tolist() == ["Cafe\u0301 Andre\u0301", "posting di TikTok"]


@pytest.mark.slow
def test_cli_blank_coders_unlabelled_transcripts_and_warnings(tmp_path, cli):
    transcripts = tmp_path / "t"
    transcripts.mkdir()
    (transcripts / "a.txt").write_text("---\nid: A\n---\nParagraf pertama.\n\n"
                                       "Paragraf kedua.\n", encoding="utf-8")
    book = tmp_path / "codebook.yaml"
    book.write_text("codebook: t\nversion: 1\nlanguage: id\ncodes:\n"
                    "  - {id: satu, label: {id: Satu}}\n", encoding="utf-8")
    inputs = ["--transcripts", str(transcripts), "--codebook", str(book)]
    sheet = tmp_path / "s.xlsx"
    for command in (["export"], ["import", str(sheet)]):
        r = cli("sheet", *command, "--coder", " ", "--out", str(tmp_path / "o.csv"), *inputs)
        assert r.returncode == 2 and "--coder: the coder's name must not be blank" in r.stderr
    # paragraphs without speaker labels have no role: the error says so, and 'all' lists them
    r = cli("sheet", "export", "--coder", "A", "--out", str(sheet), *inputs)
    assert r.returncode == 2 and "the transcripts have no speaker turns" in r.stderr
    assert "--roles all" in r.stderr and not sheet.exists()
    r = cli("sheet", "export", "--coder", "A", "--out", str(sheet), "--roles", "all", *inputs)
    assert r.returncode == 0, r.stderr
    # an unfilled sheet is imported, with a warning that it holds no codings
    r = cli("sheet", "import", str(sheet), "--coder", "A", "--out", str(tmp_path / "o.csv"),
            *inputs)
    assert r.returncode == 0, r.stderr
    assert r.stderr == f"warning: {sheet}: no marks and no quotes, so no codings: is this " \
                       "the filled sheet?\n"
    # a codebook without a codable code would give a sheet without code columns
    book.write_text(book.read_text(encoding="utf-8").replace("Satu}}", "Satu}, "
                                                                       "codable: false}"),
                    encoding="utf-8")
    r = cli("sheet", "export", "--coder", "A", "--out", str(tmp_path / "n.xlsx"), "--roles",
            "all", *inputs)
    assert r.returncode == 2 and "the codebook has no codable code" in r.stderr


def test_only_formulas_without_a_stored_result_are_refused():
    from citra_eval._safezip import parse_xml
    from citra_eval.sheets import _unreadable_cells

    xml = (b'<worksheet><sheetData><row r="2">'
           b'<c r="E2"><f>1</f><v>1</v></c>'            # computed: 1
           b'<c r="F2" t="str"><f>""</f><v></v></c>'    # computed: empty text
           b'<c r="G2"><f>1</f><v></v></c>'             # written by a program that computes nothing
           b'<c r="H2"><f>1</f></c>'
           b'</row></sheetData></worksheet>')
    problems = _unreadable_cells(parse_xml(xml), "coding", "s.xlsx")
    assert [p.cell for p in problems] == ["coding!G2", "coding!H2"]


# --------------------------------------------------------------------------- far cells


def _peak_reading(path, corpus, codebook) -> int:
    """Peak traced memory of reading ``path`` (whatever it raises)."""
    import tracemalloc

    tracemalloc.start()
    try:
        ce.read_coding_sheet(path, corpus=corpus, codebook=codebook, coder="A")
    except ce.InputError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_a_far_cell_costs_nothing_and_is_named_once(tmp_path, example_corpus, example_codebook):
    plain = _filled(tmp_path, example_corpus, example_codebook, lambda wb: None)
    baseline = _peak_reading(plain, example_corpus, example_codebook)
    far = tmp_path / "far"
    far.mkdir()

    def far_cell(wb):
        wb["coding"]["XFD3000"] = "z"   # openpyxl's iter_rows would make 49 million cells
    path = _filled(far, example_corpus, example_codebook, far_cell)
    assert _peak_reading(path, example_corpus, example_codebook) < 2 * baseline
    assert _problems(path, example_corpus, example_codebook) == [
        ("coding!XFD3000", "cell XFD3000 has a value in a column without a header; delete it, "
                           "or move it into a column of the sheet")]


def test_a_stray_cell_is_one_error_not_one_per_empty_column(tmp_path, example_corpus,
                                                            example_codebook):
    def stray(wb):
        wb["coding"]["XFD6"] = "z"
        wb["coding"]["AB4"] = "y"       # a second column: a second error, no more
        wb["coding"]["AB9"] = "y"
    path = _filled(tmp_path, example_corpus, example_codebook, stray)
    assert [cell for cell, _ in _problems(path, example_corpus, example_codebook)] == [
        "coding!AB4", "coding!XFD6"]


def test_a_value_under_an_empty_header_cell_is_named(example_corpus, example_codebook):
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="A")
    width = len(sheet.coding.columns)   # empty columns without a header are no problem
    for _ in range(3):
        sheet.coding.insert(width, "", None, allow_duplicates=True)
    sheet.coding.iloc[2, -1] = "z"
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder="A")
    (problem,) = info.value.problems
    column = openpyxl.utils.get_column_letter(len(sheet.coding.columns))
    assert problem.message.startswith(f"cell {column}4 has a value in a column without a "
                                      "header")


def test_more_rows_than_turns_are_refused_at_the_first_row_too_many(tmp_path, example_corpus,
                                                                    example_codebook):
    turns = len(example_corpus.segments)

    def many_rows(wb):
        for row in range(2, turns + 2 + ce.errors.MAX_REPORTED + 5):
            wb["coding"].cell(row, 7, "x")
    path = _filled(tmp_path, example_corpus, example_codebook, many_rows)
    limit = turns + ce.errors.MAX_REPORTED
    ((cell, message),) = _problems(path, example_corpus, example_codebook)
    assert cell == f"coding!G{limit + 2}"
    assert message.startswith(f"worksheet 'coding' holds more than {limit} rows with values")


def test_the_coder_is_checked_before_the_cells(tmp_path, example_corpus, example_codebook):
    def merge(wb):
        wb["coding"].merge_cells("E2:E3")
    path = _filled(tmp_path, example_corpus, example_codebook, merge)
    with pytest.raises(ce.InputError, match="exported for coder 'A', not 'B'") as info:
        ce.read_coding_sheet(path, corpus=example_corpus, codebook=example_codebook, coder="B")
    assert len(info.value.problems) == 1


def test_export_of_speakers_without_roles_says_so_and_a_large_codebook_is_quiet(tmp_path,
                                                                                 cli):
    """Imported transcripts declare speakers without roles: the error says that (not that
    'speakers' is missing) and points to 'qdpx import --speakers'. A codebook of hundreds of
    codes builds its sheet without pandas' PerformanceWarning (a frame built column by
    column)."""
    import warnings

    transcripts = tmp_path / "t"
    transcripts.mkdir()
    (transcripts / "a.txt").write_text(
        "---\nid: A\nspeakers:\n  Max Bigman: ''\n  Budi: ''\n---\nMax Bigman: Halo?\n"
        "Budi: Halo juga.\n", encoding="utf-8")
    codes = "".join(f"  - {{id: kode_{i}, label: {{id: Kode {i}}}}}\n" for i in range(300))
    book = tmp_path / "codebook.yaml"
    book.write_text("codebook: t\nversion: 1\nlanguage: id\ncodes:\n" + codes, encoding="utf-8")
    r = cli("sheet", "export", "--coder", "A", "--out", str(tmp_path / "s.xlsx"),
            "--transcripts", str(transcripts), "--codebook", str(book))
    assert r.returncode == 2
    assert "their speakers ('Max Bigman', 'Budi') have no role" in r.stderr
    assert "--speakers LABEL=ROLE" in r.stderr and "no 'speakers'" not in r.stderr
    corpus = ce.read_transcripts(transcripts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sheet = ce.coding_sheet(corpus, ce.Codebook.load(book), roles=None)
    assert list(sheet.coding.columns) == ["doc_id", "segment_id", "speaker", "text",
                                          *[f"kode_{i}" for i in range(300)], "note"]
    assert sheet.coding.iloc[:, 4:].isna().all().all() and len(sheet.coding) == 2


@pytest.mark.parametrize("per_emoji", ["?", "??"])  # one per code point, or per UTF-16 unit
def test_csv_sheet_saved_in_windows_1252_gets_one_hint(tmp_path, per_emoji):
    """Excel's 'CSV (Comma delimited)' writes Windows-1252: emoji become '?'. One problem
    names the cause and the fix, instead of a 'text differs' per turn; a real edit next to
    it is still told as such."""
    src = ("---\nid: E1\nspeakers: {PWW: interviewer, Budi: informant}\n---\n"
           "PWW: Ada kendala?\nBudi: Sinyal lemah 😤.\nPWW: Lalu?\nBudi: Kami pakai grup 📢 "
           "WhatsApp 👍🏽.\nPWW: Baik.\nBudi: Terima kasih.\n")
    corpus = ce.Corpus.from_texts({"e.txt": src})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"}]})
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), tmp_path / "s.csv")
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")  # Windows-1252 has no BOM
    for emoji in ("😤", "📢", "👍🏽"):
        text = text.replace(emoji, per_emoji * (1 if per_emoji == "?" else len(
            emoji.encode("utf-16-le")) // 2))
    text = text.replace("Terima kasih.", "Terima kasih banyak.")
    (tmp_path / "s.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(ce.InputError) as info:
        ce.read_coding_sheet(tmp_path / "s.csv", corpus=corpus, codebook=book, coder="A")
    problems = [p.message for p in info.value.problems]
    assert len(problems) == 2, problems
    hint = next(p for p in problems if p.startswith("characters such as emoji"))
    assert hint.startswith("characters such as emoji became '?' in the text of 2 turn(s) "
                           "(D2, D3)")
    assert "save it again as 'CSV UTF-8 (Comma delimited)'" in hint
    assert any(p.startswith("the text differs from turn 6 of 'E1'") for p in problems)


@pytest.mark.parametrize("file", ["s.csv", "s_quotes.csv"])
def test_csv_sheet_in_windows_1252_with_accents_gets_the_excel_advice_at_once(tmp_path, file):
    """Session 16, tester item 3: an accented name makes Excel's 'CSV (Comma delimited)'
    (Windows-1252) no valid UTF-8; the import said only "not valid UTF-8 ... re-save as
    UTF-8", and doing so then met the emoji already lost as '?'. One message names the line,
    Windows-1252, Excel's two CSV kinds, and that emoji are lost already."""
    src = ("---\nid: E1\nspeakers: {PWW: interviewer, Jos\u00e9: informant}\n---\n"
           "PWW: Ada kendala?\nJos\u00e9: Sinyal lemah \U0001F624 di kaf\u00e9.\n")
    corpus = ce.Corpus.from_texts({"e.txt": src})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"}]})
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), tmp_path / "s.csv")
    if file == "s_quotes.csv":
        (tmp_path / file).write_text("doc_id,segment_id,code,quote,note\n"
                                     "E1,2,kabar,kaf\u00e9,\n", encoding="utf-8")
    path = tmp_path / file
    text = path.read_text(encoding="utf-8-sig")
    path.write_bytes(text.encode("cp1252", errors="replace"))
    line = text[:text.index("\u00e9")].count("\n") + 1
    with pytest.raises(ce.InputError) as info:
        ce.read_coding_sheet(tmp_path / "s.csv", corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == (str(path), line)
    assert "probably Windows-1252 (byte 0xe9 is '\u00e9' there)" in problem.message
    for said in ("'CSV (Comma delimited)'", "'CSV UTF-8 (Comma delimited)'", "emoji", "'?'",
                 ".xlsx"):
        assert said in problem.message, (said, problem.message)


def _exported_csv_rows(tmp_path, speaker: str, turn: str):
    """A one-interview corpus (an interviewer's question, then ``turn`` by ``speaker``), a
    one-code codebook, and the rows of the CSV sheet exported as ``tmp_path/s.csv``."""
    src = (f"---\nid: E1\nspeakers: {{PWW: interviewer, {speaker}: informant}}\n---\n"
           f"PWW: Ada kendala?\n{turn}")
    corpus = ce.Corpus.from_texts({"e.txt": src})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"}]})
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), tmp_path / "s.csv")
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    return corpus, book, list(csv.reader(io.StringIO(text)))


def test_csv_sheet_in_windows_1252_with_semicolons_gets_one_message(tmp_path):
    """Session 18, coder item 1: Excel in Indonesian writes ';' in both its CSV kinds; a
    Windows-1252 ';' file gets one message, which says the semicolons are read (so saving
    as 'CSV UTF-8', with ';' again, is the whole fix)."""
    corpus, book, rows = _exported_csv_rows(
        tmp_path, "Jos\u00e9", "Jos\u00e9: Sinyal lemah di kaf\u00e9, katanya.\n")
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    (tmp_path / "s.csv").write_bytes(out.getvalue().encode("cp1252"))
    with pytest.raises(ce.InputError) as info:
        ce.read_coding_sheet(tmp_path / "s.csv", corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert "probably Windows-1252" in problem.message
    assert "semicolons" in problem.message and "are read" in problem.message
    # saved again as UTF-8, semicolons and all, it is read
    (tmp_path / "s.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    with pytest.warns(ce.SheetWarning):
        ce.read_coding_sheet(tmp_path / "s.csv", corpus=corpus, codebook=book, coder="A")


def test_deleted_turn_rows_are_refused_naming_the_turns(tmp_path, example_corpus,
                                                         example_codebook):
    """A row deleted from the coding worksheet (e.g. the filtered rows of a sorted sheet)
    made its turn count as "coded, no code" in the agreement, without a word. The turns
    missing from the sheet are named (the first few, and how many), with how to fix it; a
    row kept without a mark is the way to leave a turn without a code."""
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="B")
    sheet.coding["kerja_sama"] = "x"
    gone = sheet.coding.iloc[3:10]
    cut = ce.CodingSheet(sheet.coding.drop(gone.index), sheet.quotes, sheet.codebook, "B")
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(cut, corpus=example_corpus, codebook=example_codebook,
                              coder="B", path="s.xlsx")
    (problem,) = info.value.problems
    assert problem.message.startswith(f"{len(gone)} turns are not in the sheet")
    first = gone.iloc[0]
    named = problem.message.split(": ")[1].split(" and ")[0]
    assert named.startswith(f"turns {first.segment_id}, ") and f"{first.doc_id!r}" in named
    assert [int(n) for n in re.findall(r"\b\d+\b", named)] == gone["segment_id"][:5].tolist()
    assert f"and {len(gone) - 5} more" in problem.message
    assert "restore the rows" in problem.message
    assert_advises(info.value, "ce.coding_sheet(", "'citra-eval sheet export'")
    assert problem.cell == f"coding!A{gone.index[0] + 2}"  # where the first one was
    # the same through a workbook whose rows a coder deleted
    out = tmp_path / "s.xlsx"
    ce.write_coding_sheet(sheet, out)
    wb = openpyxl.load_workbook(out)
    wb["coding"].delete_rows(len(sheet.coding) + 1)  # the last turn
    wb.save(out)
    last = sheet.coding.iloc[-1]
    where = f"{re.escape(str(out))}:coding!A{len(sheet.coding) + 1}"
    with pytest.raises(ce.InputError, match=rf"^{where}: 1 turn is not in the sheet: turn "
                       rf"{last.segment_id} of {last.doc_id!r}"):
        ce.read_coding_sheet(out, corpus=example_corpus, codebook=example_codebook,
                             coder="B")
    # an empty row instead of a deleted one: read, the turn has no code
    kept = sheet.coding.copy()
    kept.loc[gone.index, "kerja_sama"] = None
    codings = ce.codings_from_sheet(ce.CodingSheet(kept, sheet.quotes, sheet.codebook, "B"),
                                    corpus=example_corpus, codebook=example_codebook,
                                    coder="B")
    assert len(codings) == len(sheet.coding) - len(gone)
    # a sheet of every turn (--roles all): the interviewer's turns are missed too
    every = ce.coding_sheet(example_corpus, example_codebook, roles=None)
    asked = example_corpus.segments["role"].eq("interviewer").to_numpy()
    asked = every.coding.drop(every.coding.index[asked][::2]).assign(kerja_sama="x")
    with pytest.raises(ce.InputError, match="turns are not in the sheet"):
        ce.codings_from_sheet(ce.CodingSheet(asked, every.quotes, every.codebook),
                              corpus=example_corpus, codebook=example_codebook, coder="B")


@pytest.mark.parametrize("undefined", ["replace", "c1"])  # how a reader shows 0x81, 0x8D...
def test_csv_sheet_has_a_bom_and_one_opened_as_ansi_gets_one_hint(tmp_path, undefined):
    """Written without a byte-order mark, a CSV sheet opened in Excel was read as ANSI
    (Windows-1252): saved back, each turn with an emoji or accent was refused on its own as
    "the text differs", with no word of the cause. The sheet now starts with a BOM (and
    reads back); a sheet garbled so anyway gets one problem naming the cause, and a real
    edit beside it is still told as such."""
    src = ("---\nid: E1\nspeakers: {P: interviewer, U: informant}\n---\n"
           "U: makanan enak \U0001F600\nU: kaf\u00e9 murah \U0001F601\nU: biasa saja\n"
           "U: Terima kasih.\n")
    corpus = ce.Corpus.from_texts({"e.txt": src})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"}]})
    files = ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), tmp_path / "s.csv")
    assert all(f.read_bytes().startswith(b"\xef\xbb\xbf") for f in files)
    rows = list(csv.reader(io.StringIO(files[0].read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "doc_id"  # the BOM is not part of the first header cell
    for row in rows[1:]:
        row[4] = "x"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    files[0].write_text(out.getvalue(), encoding="utf-8-sig")
    codings = ce.read_coding_sheet(files[0], corpus=corpus, codebook=book, coder="A")
    assert codings["text"].tolist() == [r[3] for r in rows[1:]]

    def as_ansi(cell: str) -> str:  # what a program reading UTF-8 as Windows-1252 shows
        if undefined == "replace":
            return cell.encode("utf-8").decode("cp1252", errors="replace")
        return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b)
                       for b in cell.encode("utf-8"))

    garbled = [[as_ansi(c) for c in r] for r in rows]
    garbled[4][3] = "Terima kasih banyak."
    garbled[0][0] = as_ansi("\ufeff") + garbled[0][0]  # a BOM garbled too is no header cell
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(garbled)
    files[0].write_text(out.getvalue(), encoding="utf-8-sig")  # Excel's "CSV UTF-8"
    with pytest.raises(ce.InputError) as info:
        ce.read_coding_sheet(files[0], corpus=corpus, codebook=book, coder="A")
    problems = [p.message for p in info.value.problems]
    assert len(problems) == 2, problems
    hint = next(p for p in problems if "Windows-1252" in p)
    assert hint.startswith("the text of 2 turn(s) (D2, D3) is UTF-8 read as Windows-1252")
    assert repr(garbled[1][3]) in hint and repr(rows[1][3]) in hint
    assert "export a new CSV sheet" in hint
    assert any(p.startswith("the text differs from turn 4 of 'E1'") for p in problems)


INVISIBLE = {"ZWSP": "\u200b", "ZWJ": "\u200d", "LRM": "\u200e", "RLM": "\u200f",
             "WJ": "\u2060", "BOM": "\ufeff", "SHY": "\u00ad", "RLO": "\u202e", "RLI": "\u2067",
             "ALM": "\u061c"}


@pytest.mark.parametrize("name", list(INVISIBLE))
def test_a_quote_is_found_past_invisible_characters_in_the_turn(name):
    """docs/coding.md says zero-width characters do not matter in a quote, but a turn
    holding a direction mark, a soft hyphen or a bidi control (or any but ZWSP between two
    spaces) refused a quote typed with the visible words only."""
    c = INVISIBLE[name]
    turns = [f"suara {c}islam tidak pecah", f"suara {c} islam tidak pecah",
             f"sua{c}ra islam tidak pecah"]
    src = "---\nid: D1\nspeakers: {U: informant}\n---\n" + "".join(f"U: {t}\n" for t in turns)
    corpus = ce.Corpus.from_texts({"x.txt": src})
    book = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "politik", "label": "P"}]})
    sheet = ce.coding_sheet(corpus, book)
    for i in range(len(turns)):
        sheet.quotes.loc[i] = ["D1", i + 1, "politik", "suara islam tidak", None]
    sheet.quotes.loc[len(turns)] = ["D1", 1, "politik", f"pecah{c}", None]  # pasted with it
    codings = ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="B")
    # exactly the characters of the turn, invisible ones included
    assert sorted(codings["text"]) == sorted([t[:-len(" pecah")] for t in turns] + ["pecah"])
    for row in codings.itertuples():
        assert corpus.text("D1")[row.start:row.end] == row.text
    sheet.quotes.loc[0] = ["D1", 1, "politik", "suara kristen", None]
    with pytest.raises(ce.InputError, match="not even ignoring case, spaces, invisible "
                       "characters, typographic quotes"):
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="B")


def test_a_note_typed_as_a_date_or_time_is_kept_as_shown_in_iso(tmp_path):
    """Excel stores a note typed as 05/03/2024 as a date, read back as a datetime: the note
    was '2024-03-05 00:00:00'. Now the ISO date, with a time only when there is one; a cell
    whose format names the date's form (dd/mm/yyyy) as it shows (session 19)."""
    import datetime

    src = "---\nid: D1\nspeakers: {U: informant}\n---\nU: makanan enak\nU: mahal\nU: murah\n"
    corpus = ce.Corpus.from_texts({"d.txt": src})
    book = ce.Codebook.from_dict({"codebook": "x", "codes": [{"id": "makanan", "label": "M"}]})
    out = tmp_path / "s.xlsx"
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), out)
    wb = openpyxl.load_workbook(out)
    ws = wb["coding"]
    notes = [datetime.datetime(2024, 3, 5), datetime.datetime(2024, 3, 5, 14, 30),
             datetime.time(9, 15)]
    for row, note in enumerate(notes, start=2):
        ws.cell(row, 5).value = "x"
        ws.cell(row, 6).value = note
    ws["F2"].number_format = "dd/mm/yyyy"
    wb["quotes"].append(["D1", 1, "makanan", "enak", datetime.datetime(2024, 3, 6)])
    wb.save(out)
    codings = ce.read_coding_sheet(out, corpus=corpus, codebook=book, coder="A")
    assert codings["note"].tolist() == ["05/03/2024", "2024-03-06", "2024-03-05 14:30:00",
                                        "09:15:00"]


def _split_study():
    """A transcript, its codebook, and the transcript after its turn 2 was split in three
    (a missed speaker change fixed): later turns keep their text under new numbers."""
    head = "---\nid: R1\nspeakers: {I: interviewer, R: informant}\n---\n"
    before = head + ("I: Q1?\nR: Answer one. Really? Yes.\nI: Q2?\nR: Answer two.\n"
                     "I: Q3?\nR: Answer three.\n")
    after = before.replace("R: Answer one. Really? Yes.", "R: Answer one.\nI: Really?\nR: Yes.")
    cb = ce.Codebook.from_dict({"codebook": "c", "version": 1, "language": "en", "codes": [
        {"id": "a", "label": {"en": "A"}, "definition": {"en": "x"}}]})
    return ce.Corpus.from_texts({"R1.txt": before}), ce.Corpus.from_texts({"R1.txt": after}), cb


def test_a_split_turn_refuses_only_its_own_row_and_later_rows_follow_their_text():
    old, new, cb = _split_study()
    sheet = ce.coding_sheet(old, cb)
    sheet.coding["a"] = "x"
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=new, codebook=cb, coder="A", path="s.xlsx")
    problems = str(err.value).splitlines()
    assert len(problems) == 1, problems
    assert "coding!D2" in problems[0] and "differs from turn 2" in problems[0]
    # with that row's marks taken away (or copied into a fresh sheet), the rest imports:
    # each unchanged row finds its turn by its text, and the sheet says so
    sheet.coding.loc[0, "a"] = None
    sheet.coding.loc[0, "text"] = "Answer one."
    with pytest.raises(ce.InputError,
                       match=r"1 turn is new since the sheet was made.*: turn 4 of 'R1'"):
        ce.codings_from_sheet(sheet, corpus=new, codebook=cb, coder="A", path="s.xlsx")
    sheet.coding.loc[len(sheet.coding)] = {"doc_id": "R1", "segment_id": 4, "speaker": "R",
                                           "text": "Yes."}
    with pytest.warns(ce.SheetWarning, match=r"2 row\(s\).*by their text.*D3 .*turn 6.*D4 "
                                             r".*turn 8"):
        got = ce.codings_from_sheet(sheet, corpus=new, codebook=cb, coder="A", path="s.xlsx")
    assert got["segment_id"].tolist() == [6, 8]
    assert got["text"].tolist() == ["Answer two.", "Answer three."]


def test_a_row_whose_text_is_in_two_turns_is_not_guessed():
    head = "---\nid: R1\nspeakers: {I: interviewer, R: informant}\n---\n"
    old = ce.Corpus.from_texts({"R1.txt": head + "I: Q?\nR: Yes.\nI: Q2?\nR: Ok.\n"})
    new = ce.Corpus.from_texts({"R1.txt": head + "I: Q?\nR: Hm.\nI: Q2?\nR: Yes.\nI: Q3?\n"
                                                 "R: Yes.\n"})
    _, _, cb = _split_study()
    sheet = ce.coding_sheet(old, cb)
    sheet.coding.loc[0, "a"] = "x"
    with pytest.raises(ce.InputError, match="differs from turn 2"):
        ce.codings_from_sheet(sheet, corpus=new, codebook=cb, coder="A")


def test_a_code_named_by_a_label_that_is_another_codes_id_is_ambiguous():
    cb = ce.Codebook.from_dict({"codebook": "c", "version": 1, "language": "en", "codes": [
        {"id": "media", "label": {"en": "Apps"}, "definition": {"en": "x"}},
        {"id": "apps", "label": {"en": "Media"}, "definition": {"en": "y"}}]})
    corpus = ce.Corpus.from_texts({"R1.txt": "---\nid: R1\nspeakers: {I: interviewer, "
                                             "R: informant}\n---\nI: Hello?\nR: We use the app.\n"})
    sheet = ce.coding_sheet(corpus, cb)
    sheet.quotes.loc[0] = ["R1", 2, "Apps", "the app", None]
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A", path="s.xlsx")
    message = str(err.value)
    assert "quotes!C2" in message and "did you mean" not in message
    assert ("ambiguous: 'Apps' is the label of 'media' and the id of 'apps' (ignoring case); "
            "write the id") in message
    sheet.quotes.loc[0, "code"] = "apps"  # the id as written is no question
    assert ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A")["code"].tolist() \
        == ["apps"]


def _three_turns():
    corpus = ce.Corpus.from_texts({"R1.txt": (
        "---\nid: R1\nspeakers: {I: interviewer, R: informant}\n---\nI: Q1?\n"
        "R: We use the app every day.\nI: And the press?\nR: The press is a partner.\n")})
    _, _, cb = _split_study()
    return corpus, cb


def _turn_2_quote_problem(quote: str) -> str:
    """The message for a quote of code 'a' typed on turn 2 of 'R1' in an empty sheet."""
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.quotes.loc[0] = ["R1", 2, "a", quote, None]
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A", path="s.xlsx")
    return str(err.value)


@pytest.mark.parametrize(("quote", "says"), [
    ("a partner", "found in turn 4 of 'R1': fix segment_id to 4"),
    ("A  PARTNER", "found in turn 4 of 'R1': fix segment_id to 4"),  # loosely, too
    ("every day.\nI: And the press?\nR: The press is",
     "words run across turns 2-4 of 'R1': give one row per turn"),
])
def test_a_quote_not_in_its_turn_says_where_its_words_are(quote, says):
    message = _turn_2_quote_problem(quote)
    assert "quotes!D2" in message and "is not in turn 2 of 'R1'" in message
    assert says in message, message


def test_a_quote_in_no_turn_of_its_document_keeps_the_plain_message():
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.quotes.loc[0] = ["R1", 2, "a", "nowhere at all", None]
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A")
    assert "copy the words from the turn's text" in str(err.value)
    assert "found in turn" not in str(err.value) and "run across" not in str(err.value)


def test_a_quote_on_an_interviewers_turn_is_warned_on_import():
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.quotes.loc[0] = ["R1", 3, "a", "the press", None]  # the interviewer's question
    sheet.quotes.loc[1] = ["R1", 4, "a", "the press", None]
    with pytest.warns(ce.SheetWarning, match=r"1 coding\(s\) on a turn that is not an "
                                             r"informant's: quotes!D2 \(turn 3 of 'R1' is "
                                             r"the interviewer's \(I\)\).*left out"):
        got = ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A",
                                    path="s.xlsx")
    assert got["segment_id"].tolist() == [3, 4]  # kept, as validate keeps it: a warning


@pytest.mark.parametrize("empty", [0, 0.0, "0", False, "FALSE"])
def test_a_matrix_filled_with_0_and_1_reads_0_as_empty(empty):
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.coding["a"] = [1, empty]
    got = ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A")
    assert got["segment_id"].tolist() == [2]


def test_a_mark_on_an_interviewers_turn_is_warned_on_import_as_a_quote_is():
    # team report item 7: a sheet exported with --roles all; a mark on the interviewer's row
    # was imported without a word, a quote there warned
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb, roles=None)
    rows = sheet.coding.set_index("segment_id").index
    sheet.coding.loc[rows.get_loc(3), "a"] = "x"  # the interviewer's question, row 4
    sheet.coding.loc[rows.get_loc(4), "a"] = "x"
    sheet.quotes.loc[0] = ["R1", 1, "a", "Q1", None]
    column = "ABCDEFGH"[list(sheet.coding.columns).index("a")]
    with pytest.warns(ce.SheetWarning) as caught:
        got = ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A",
                                    path="s.xlsx")
    [message] = [str(w.message) for w in caught if "not an informant's" in str(w.message)]
    assert f"2 coding(s) on a turn that is not an informant's: coding!{column}4 (turn 3 of " \
           "'R1' is the interviewer's (I)), quotes!D2 (turn 1 of 'R1'" in message, message
    assert "left out" in message
    assert got["segment_id"].tolist() == [1, 3, 4]  # kept, as validate keeps it: a warning


def test_a_code_marked_and_quoted_in_one_turn_is_warned_naming_both_cells():
    # team report item 5: a whole-turn mark and a quote of part of the turn with the same
    # code: two nested codings of one code in one turn, silently
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    rows = sheet.coding.set_index("segment_id").index
    sheet.coding.loc[rows.get_loc(2), "a"] = "x"  # row 2
    sheet.coding.loc[rows.get_loc(4), "a"] = "x"  # row 3
    sheet.quotes.loc[0] = ["R1", 2, "a", "the app", None]  # part of the marked turn
    sheet.quotes.loc[1] = ["R1", 4, "a", "The press is a partner.", None]  # all of it: once
    column = "ABCDEFGH"[list(sheet.coding.columns).index("a")]
    with pytest.warns(ce.SheetWarning) as caught:
        got = ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A",
                                    path="s.xlsx")
    [message] = [str(w.message) for w in caught if "twice" in str(w.message)]
    assert f"coding!{column}2 and quotes!D2" in message and "turn 2 of 'R1'" in message
    assert "quotes!D3" not in message and "'a'" in message
    assert got[["segment_id", "code"]].values.tolist() == [[2, "a"], [2, "a"], [4, "a"]]


def test_a_text_cell_in_another_unicode_form_still_names_its_turn(tmp_path):
    """A text cell that differs from its turn only in Unicode form (composed 'é' where the
    transcript has 'e' + U+0301, as a spreadsheet program may write it) names that turn:
    the mark codes the turn as the transcript has it."""
    import dataclasses
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: D1\nspeakers: {R1: informant}\n---\n"
                                            "R1: Di cafe\u0301 itu ramai.\n"})
    (tmp_path / "cb.yaml").write_text("codebook: x\nversion: 1\nlanguage: id\ncodes:\n"
                                      "  - id: k\n    label: {id: K}\n", encoding="utf-8")
    book = ce.Codebook.load(tmp_path / "cb.yaml")
    sheet = ce.coding_sheet(corpus, book, coder="Q")
    coding = sheet.coding.copy()
    coding["text"] = coding["text"].str.normalize("NFC")
    assert coding.loc[0, "text"] != sheet.coding.loc[0, "text"]
    coding["k"] = "x"
    out = ce.codings_from_sheet(dataclasses.replace(sheet, coding=coding), corpus=corpus,
                                codebook=book, coder="Q")
    assert out["text"].tolist() == ["Di cafe\u0301 itu ramai."]


@pytest.mark.parametrize("quote, coded", [
    ("Saya ke cafe", None),  # the turn says café (e + U+0301): never the bare e
    ("Keluarga \U0001F468\U0001F469", None),  # the first two of a three-person family emoji
    ("Keluarga \U0001F468\u200d\U0001F469\u200d\U0001F467",
     "Keluarga \U0001F468\u200d\U0001F469\u200d\U0001F467"),
    ("ke cafe\u0301 lalu", "ke cafe\u0301 lalu"), ("ke caf\u00e9 lalu", "ke cafe\u0301 lalu"),
    ("ke cafe biasa", "ke cafe biasa")])
def test_a_quote_is_matched_on_whole_user_perceived_characters(tmp_path, quote, coded):
    """A quote never starts or ends inside a grapheme (a letter and its combining accent,
    an emoji joined by zero-width joiners): such a match is refused, not extended."""
    import dataclasses
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: D1\nspeakers: {R1: informant}\n---\n"
                                            "R1: Saya ke cafe\u0301 lalu ke cafe biasa. Keluarga "
                                            "\U0001F468\u200d\U0001F469\u200d\U0001F467 datang.\n"})
    (tmp_path / "cb.yaml").write_text("codebook: x\nversion: 1\nlanguage: id\ncodes:\n"
                                      "  - id: k\n    label: {id: K}\n", encoding="utf-8")
    book = ce.Codebook.load(tmp_path / "cb.yaml")
    sheet = ce.coding_sheet(corpus, book, coder="Q")
    quotes = pd.DataFrame([dict(doc_id="D1", segment_id=1, code="k", quote=quote, note="")])
    sheet = dataclasses.replace(sheet, quotes=quotes)
    if coded is None:
        with pytest.raises(ce.InputError, match="ends inside the character .* of turn 1 of "
                                                r"'D1'.*quote that character whole"):
            ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="Q")
    else:
        out = ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="Q")
        assert out["text"].tolist() == [coded]


@pytest.mark.parametrize("quote, says", [
    ("Instagram \U0001F44D", "ends inside the character '\U0001F44D\U0001F3FF' "
                              "(U+1F44D U+1F3FF)"),
    ("\U0001F3FF bagus", "starts inside the character '\U0001F44D\U0001F3FF' "
                         "(U+1F44D U+1F3FF)"),
    ("keluarga \U0001F468\u200d\U0001F469", "ends inside the character "
     "'\U0001F468\\u200d\U0001F469\\u200d\U0001F467' (U+1F468 U+200D U+1F469 U+200D U+1F467)"),
])
def test_a_quote_cutting_a_character_is_told_so_not_that_it_is_missing(quote, says):
    """Session 15: a quote that cut an emoji was 'not in turn 2', though its characters
    were there code point for code point; the message now names the character to quote
    whole."""
    corpus = ce.Corpus.from_texts({"a.txt": "---\nid: D1\nspeakers: {R1: informant}\n---\n"
                                            "R1: Instagram \U0001F44D\U0001F3FF bagus, keluarga "
                                            "\U0001F468\u200d\U0001F469\u200d\U0001F467 senang.\n"})
    book = ce.Codebook.from_dict({"codebook": "t", "version": 1, "language": "id",
                                  "codes": [{"id": "k", "label": {"id": "K"}}]})
    sheet = ce.coding_sheet(corpus, book)
    sheet.quotes.loc[0] = ["D1", 1, "k", quote, None]
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    message = err.value.problems[0].message
    assert f"the quote '{quote}' {says} of turn 1 of 'D1'" in message, message
    assert "quote that character whole" in message and "is not in" not in message


def test_a_coded_category_says_which_codes_to_use_instead():
    """A category (``codable: false``) in a quote row or as a code column was said to be a
    category, and no more: the message names the codes to use instead, or how to make it
    codable."""
    corpus, _ = _three_turns()
    cb = ce.Codebook.from_dict({"codebook": "c", "version": 1, "language": "en", "codes": [
        {"id": "grp", "label": {"en": "G"}, "codable": False, "children": [
            {"id": "one", "label": {"en": "One"}}, {"id": "two", "label": {"en": "Two"}}]},
        {"id": "empty", "label": {"en": "E"}, "codable": False}]})
    sheet = ce.coding_sheet(corpus, cb)
    sheet.quotes.loc[0] = ["R1", 2, "grp", "the app", None]
    sheet.quotes.loc[1] = ["R1", 2, "empty", "the app", None]
    sheet.coding["grp"] = "x"
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A", path="s.xlsx")
    messages = {p.cell: p.message for p in err.value.problems}
    column = "ABCDEFGH"[list(sheet.coding.columns).index("grp")]
    for cell in (f"coding!{column}1", "quotes!C2"):
        assert "'grp' is a category" in messages[cell], messages
        assert "code one of its children (one, two)" in messages[cell], messages[cell]
    assert "make it codable" in messages["quotes!C3"], messages


def test_a_csv_sheet_of_some_interviews_records_them(tmp_path, example_corpus,
                                                      example_codebook):
    """A CSV sheet could not record the interviews it covers, so deleting every row of one
    of them went unnoticed (the workbook records them). Its last header cell now records
    them, after 'note', as the workbook's property does; read back, every turn of each must
    be a row."""
    docs = example_corpus.doc_ids
    sheet = ce.coding_sheet(example_corpus, example_codebook, coder="B",
                            documents=[docs[4], docs[1]])
    sheet.coding[example_codebook.codable_ids[0]] = "x"
    out = tmp_path / "next_B.csv"
    ce.write_coding_sheet(sheet, out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:len(ce.sheets.SHEET_COLUMNS)] == ce.sheets.SHEET_COLUMNS
    assert rows[0][-2] == "note" and rows[0][-1].startswith("interviews: ")
    codings = ce.read_coding_sheet(out, corpus=example_corpus, codebook=example_codebook,
                                   coder="B")
    assert len(codings) == len(sheet.coding)
    assert codings.attrs["documents"] == [docs[1], docs[4]]

    def rewritten(keep, name="cut.csv", header=None):
        cut = tmp_path / name
        with cut.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header or rows[0], *(r for r in rows[1:] if keep(r))])
        return cut

    n = int(sheet.coding["doc_id"].eq(docs[4]).sum())
    with pytest.raises(ce.InputError, match=rf"{n} turns are not in the sheet: turns .* of "
                                            rf"{docs[4]!r}"):
        ce.read_coding_sheet(rewritten(lambda r: r[0] != docs[4]), corpus=example_corpus,
                             codebook=example_codebook, coder="B")
    # a note typed under the recording header is not lost silently
    typed = rewritten(lambda r: True, "typed.csv")
    text = typed.read_text(encoding="utf-8").splitlines()
    typed.write_text("\n".join([text[0], text[1] + "a note", *text[2:]]) + "\n",
                     encoding="utf-8")
    with pytest.raises(ce.InputError) as err:
        ce.read_coding_sheet(typed, corpus=example_corpus, codebook=example_codebook,
                             coder="B")
    (problem,) = err.value.problems
    assert problem.cell.startswith("coding!") and problem.cell.endswith("2")
    assert "records the interviews" in problem.message and "'note'" in problem.message
    # an edited record is refused, saying how to restore it
    broken = rewritten(lambda r: True, "broken.csv", [*rows[0][:-1], "interviews: [oops"])
    with pytest.raises(ce.InputError, match=r"interviews the sheet covers.*not a list of doc "
                                            r"ids.*restore it"):
        ce.read_coding_sheet(broken, corpus=example_corpus, codebook=example_codebook,
                             coder="B")
    # a sheet from before (no such column) covers the interviews its rows name, as before;
    # session 16 (tester item 4b): the column deleted or its header cleared, that is said
    for header, name in ((rows[0][:-1], "old.csv"), ([*rows[0][:-1], ""], "cleared.csv")):
        old = rewritten(lambda r: r[0] != docs[4], name, header)
        with pytest.warns(ce.SheetWarning) as caught:
            got = ce.read_coding_sheet(old, corpus=example_corpus, codebook=example_codebook,
                                       coder="B")
        assert got.attrs["documents"] == [docs[1]]
        (said,) = [str(w.message) for w in caught if "interviews: [" in str(w.message)]
        assert said.startswith(f"{old}: no column 'interviews: [...]'"), said
        assert "skipped" in said and "deleted" in said


# --------------------------------------------------------------------------- session 14


def _three_codes():
    """Two interviews of two informant turns each, and a codebook of three codes."""
    head = "---\nid: {}\nspeakers: {{I: interviewer, R: informant}}\n---\n"
    body = "I: Prices?\nR: Chili is dear, I borrowed money.\nI: Quarrels?\nR: Sometimes.\n"
    corpus = ce.Corpus.from_texts({f"{d}.txt": head.format(d) + body for d in ("D1", "D2")})
    cb = ce.Codebook.from_dict({"codebook": "c", "version": 1, "language": "en", "codes": [
        {"id": c, "label": {"en": c.upper() * 2}, "definition": {"en": "x"}}
        for c in ("p", "q", "r")]})
    return corpus, cb


def _exported(tmp_path, fmt, edit_rows):
    """A sheet of :func:`_three_codes` exported as ``fmt``, its coding worksheet's rows
    (header first) passed through ``edit_rows`` as a coder would edit them."""
    corpus, cb = _three_codes()
    path = tmp_path / f"s.{fmt}"
    ce.write_coding_sheet(ce.coding_sheet(corpus, cb, coder="A"), path)
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(path)
        ws = wb["coding"]
        rows = edit_rows([[c.value for c in row] for row in ws.iter_rows()])
        ws.delete_rows(1, ws.max_row)
        ws.delete_cols(1, ws.max_column)
        for row in rows:
            ws.append(row)
        wb.save(path)
    else:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(edit_rows(rows))
    return path, corpus, cb


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_missing_code_column_is_refused_naming_the_code(tmp_path, fmt):
    # session 14 sheets item 1: a deleted code column (or a code added to the codebook
    # after export) was imported silently: every turn counted "read, not applied" for it
    def drop_r(rows):
        j = rows[0].index("r")
        for row in rows[1:]:
            row[4] = "x"
        return [row[:j] + row[j + 1:] for row in rows]
    path, corpus, cb = _exported(tmp_path, fmt, drop_r)
    with pytest.raises(ce.InputError) as err:
        ce.read_coding_sheet(path, corpus=corpus, codebook=cb, coder="A")
    [problem] = err.value.problems
    assert problem.cell.startswith("coding!") and "'r'" in problem.message
    assert "no column" in problem.message and "export" in problem.message
    assert "'p'" not in problem.message and "'q'" not in problem.message


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_note_header_in_other_case_is_the_note_column(tmp_path, fmt):
    # session 14 sheets item 8: 'Note' was refused as an unknown code column
    def note_in_capitals(rows):
        note = rows[0].index("note")  # not the last column of a CSV sheet (interviews)
        rows[0][note] = " Note "
        rows[0][4] = " P "
        rows[1][4], rows[1][note] = "x", "check again"
        return rows
    path, corpus, cb = _exported(tmp_path, fmt, note_in_capitals)
    got = ce.read_coding_sheet(path, corpus=corpus, codebook=cb, coder="A")
    assert got[["code", "note"]].values.tolist() == [["p", "check again"]]


def test_sheet_export_docs_naming_an_interview_twice_is_an_error_line(tmp_path, cli):
    # session 14 sheets item 2: a traceback (ValueError), exit 1
    inputs = ["--transcripts", "interview_transcripts", "--codebook", "data/raw/codebook.yaml"]
    doc = ce.read_transcripts(ROOT / "interview_transcripts").doc_ids[0]
    out = tmp_path / "s.xlsx"
    r = cli("sheet", "export", "--coder", "A", "--docs", f"{doc},{doc}", "--out", str(out),
            *inputs)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ") and f"--docs names {doc!r} more than once" in r.stderr
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_title_row_above_the_header_says_to_delete_it(tmp_path, fmt):
    # session 14 sheets item 4: one error per header cell, advising to delete the header
    def titled(rows):
        rows[1][4] = "x"
        return [["Coding sheet - coder A"] + [None] * (len(rows[0]) - 1), *rows]
    path, corpus, cb = _exported(tmp_path, fmt, titled)
    with pytest.raises(ce.InputError) as err:
        ce.read_coding_sheet(path, corpus=corpus, codebook=cb, coder="A")
    [problem] = err.value.problems
    assert problem.cell == "coding!A1"
    assert "the header is in row 2" in problem.message and "delete row 1" in problem.message


@pytest.mark.parametrize(("quote", "says"), [
    ("R: We use the app", "drop the speaker label 'R: ' from the quote"),
    ("I: And the press?", "drop the speaker label 'I: ' from the quote; its words are found "
                          "in turn 3 of 'R1': fix segment_id to 3"),
])
def test_a_quote_pasted_with_its_speaker_label_says_to_drop_the_label(quote, says):
    # session 14 sheets item 3: "fix segment_id to 2" for a quote whose segment_id is 2
    message = _turn_2_quote_problem(quote)
    assert "quotes!D2" in message and says in message, message
    assert "fix segment_id to 2" not in message


def test_a_row_added_for_a_passage_points_to_the_quotes_worksheet():
    # session 14 sheets item 5: "listed twice; delete one of the rows" lost a coding
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.coding.loc[0, "a"] = "x"
    passage = sheet.coding.iloc[[0]].assign(text="the app", a="x")
    coding = pd.concat([sheet.coding.iloc[:1], passage, sheet.coding.iloc[1:]],
                       ignore_index=True)
    import dataclasses
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(dataclasses.replace(sheet, coding=coding), corpus=corpus,
                              codebook=cb, coder="A", path="s.xlsx")
    [problem] = err.value.problems
    assert problem.cell == "coding!A3"
    assert "quotes worksheet" in problem.message and "'the app'" in problem.message
    assert "delete one of the rows" not in problem.message


@pytest.mark.parametrize("own", ["quotes", "coding"])
def test_a_renamed_worksheet_is_told_to_be_renamed_back(tmp_path, example_corpus,
                                                        example_codebook, own):
    # session 14 sheets item 6: called a copy, with advice to move its quotes to a
    # 'quotes' worksheet that is not there
    def rename(wb):
        wb[own].title = "Renamed"
    path = _filled(tmp_path, example_corpus, example_codebook, rename)
    [(cell, message)] = _problems(path, example_corpus, example_codebook)
    assert cell == "Renamed!A1" or cell is None
    assert f"rename it back to {own!r}" in message and "'Renamed'" in message
    assert "copy" not in message


def test_blank_cells_in_a_typed_quote_row_say_fill_it_in():
    # session 14 sheets item 7: "unknown doc_id ''", "code '' is not a code"
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.quotes.loc[0] = ["R1", 2, "a", "the app", None]
    sheet.quotes.loc[1] = [None, 4, "a", "a partner", None]
    sheet.quotes.loc[2] = ["R1", None, "a", "a partner", None]
    sheet.quotes.loc[3] = ["R1", 4, " ", "a partner", None]
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A", path="s.xlsx")
    got = {p.cell: p.message for p in err.value.problems}
    assert got.keys() == {"quotes!A3", "quotes!B4", "quotes!C5"}
    for cell, column in (("quotes!A3", "doc_id"), ("quotes!B4", "segment_id"),
                         ("quotes!C5", "code")):
        assert got[cell].startswith(f"{column} is empty: fill it in"), got[cell]


@pytest.mark.parametrize(("doc", "excel"), [("001", "1"), ("3-4", "04-Mar"), ("3-4", "4-Mar"),
                                            ("12-5", "Dec-05"), ("007", "7")])
def test_a_doc_id_a_spreadsheet_converted_names_the_likely_id(doc, excel):
    # session 14 sheets item 8: "unknown doc_id '1' ... keep the doc_id cells as exported"
    corpus = ce.Corpus.from_texts({
        f"{d.replace('/', '_')}.txt": f"---\nid: \"{d}\"\nspeakers: {{R: informant}}\n---\n"
                                      "R: Chili is dear.\n" for d in (doc, "D9")})
    _, _, cb = _split_study()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.coding["doc_id"] = sheet.coding["doc_id"].replace({doc: excel})
    sheet.coding["a"] = "x"
    with pytest.raises(ce.InputError) as err:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A", path="s.csv")
    [problem] = err.value.problems
    assert problem.cell == "coding!A2"
    assert f"{excel!r} looks like doc_id {doc!r}" in problem.message, problem.message
    assert ".xlsx" in problem.message and "as text" in problem.message


def test_two_overlapping_quotes_of_a_code_are_warned_as_overlapping_quotes():
    # session 14 sheets item 10: "one inside the other ... keep the mark (the whole turn)",
    # for two quotes and no mark
    corpus, cb = _three_turns()
    sheet = ce.coding_sheet(corpus, cb)
    sheet.quotes.loc[0] = ["R1", 2, "a", "We use the app", None]
    sheet.quotes.loc[1] = ["R1", 2, "a", "the app every day", None]
    with pytest.warns(ce.SheetWarning) as caught:
        got = ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A",
                                    path="s.xlsx")
    [message] = [str(w.message) for w in caught if "twice" in str(w.message)]
    assert "quotes!D2 and quotes!D3" in message and "overlap" in message
    assert "mark" not in message and "one inside the other" not in message
    assert len(got) == 2


@pytest.mark.parametrize(("given", "coding"), [
    ("s_quotes.csv", "s.csv"), ("s_codebook.csv", "s.csv"),
    ("T - quotes.csv", "T - coding.csv"), ("other.csv", "s.csv")])
def test_the_quotes_or_codebook_csv_given_as_the_sheet_names_the_coding_file(
        tmp_path, given, coding):
    # session 14 sheets item 11: "the header must start with doc_id, segment_id, speaker,
    # text" for the quotes file, not "import s.csv"
    corpus, cb = _three_turns()
    ce.write_coding_sheet(ce.coding_sheet(corpus, cb), tmp_path / "s.csv")
    kind = "codebook" if "codebook" in given else "quotes"
    (tmp_path / given).write_bytes((tmp_path / f"s_{kind}.csv").read_bytes())
    with pytest.raises(ce.InputError) as err:
        ce.read_coding_sheet(tmp_path / given, corpus=corpus, codebook=cb, coder="A")
    message = str(err.value)
    assert f"is the {kind} file of a CSV coding sheet" in message, message
    shown = coding if given != "other.csv" else "NAME.csv"
    assert f"import the coding file ({shown})" in message or (
        f"import the coding file {shown}" in message), message


def test_a_workbook_part_with_a_dtd_is_refused_as_unsafe_xml(tmp_path, example_corpus,
                                                             example_codebook):
    # as in a .qdpx: a DTD (entities, external references) in any part is refused, before
    # openpyxl reads it
    import zipfile

    path = _filled(tmp_path, example_corpus, example_codebook, lambda wb: None)
    evil = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(evil, "w") as dst:
        for n in src.namelist():
            data = src.read(n)
            if n == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE worksheet [<!ENTITY x "1">]>' + data.split(b"?>", 1)[-1]
            dst.writestr(n, data)
    with pytest.raises(ce.InputError, match=r"xl/worksheets/sheet1\.xml: unsafe XML refused"):
        ce.read_coding_sheet(evil, corpus=example_corpus, codebook=example_codebook, coder="A")


@pytest.mark.parametrize("command", ["export", "import"])
def test_the_consensus_is_not_a_coder_of_a_sheet(tmp_path, cli, command):
    """Session 16, tester item 1: a sheet for coder 'consensus' gives codings a study refuses
    (the consensus of 'agree --consensus' is not a coder); refused before anything is
    written."""
    transcripts, raw, _, _ = study_inputs("rsud")
    inputs = ["--transcripts", str(transcripts), "--codebook", str(raw / "codebook.yaml")]
    sheet, out = tmp_path / "s.xlsx", tmp_path / "codings_consensus.csv"
    if command == "import":
        assert cli("sheet", "export", "--coder", "A", "--out", str(sheet),
                   *inputs).returncode == 0
        args = ["import", str(sheet), "--out", str(out)]
    else:
        args = ["export", "--out", str(sheet)]
    r = cli("sheet", *args, "--coder", "consensus", *inputs)
    assert r.returncode == 2, r.stdout
    assert r.stderr.startswith("error: --coder: 'consensus' is the name of the coders' "
                               "consensus"), r.stderr
    assert not out.exists() and (command == "import") == sheet.exists()


def test_cli_an_unmarked_double_coding_sheet_enters_reliability(tmp_path, monkeypatch, capsys):
    """Session 16: coder C double-codes WWC-04 (sheet --docs) and finds nothing to code.
    'sheet import' said to declare WWC-04 for C in 'double_coded'; doing so, validate said
    "coder 'C' has no codings" and agree "needs at least 2 coders". Now the route holds:
    import, declare, validate, agree with C's absence counted. A full sheet says it covers
    every interview ('E: all'), not nothing."""
    import shutil

    from conftest import ROOT

    from citra_eval.cli import main

    study = tmp_path / "rsud"
    shutil.copytree(ROOT / "tests" / "data" / "studies" / "rsud", study)
    monkeypatch.chdir(study)
    (study / "data" / "raw" / "codings_B.csv").unlink()
    assert main(["sheet", "export", "--coder", "C", "--docs", "WWC-04", "--out", "C.xlsx"]) == 0
    capsys.readouterr()
    assert main(["sheet", "import", "C.xlsx", "--coder", "C", "--out",
                 "data/raw/codings_C.csv"]) == 0
    captured = capsys.readouterr()
    # said once, as what it is: no warning that the sheet may be the blank one
    assert captured.out == "ok: read C.xlsx: coder C coded nothing in 1 interview " \
        "('WWC-04'): no marks, no quotes -> data/raw/codings_C.csv; add it to coder C's " \
        "interviews in study.yaml's 'double_coded' (C: [WWC-04]) and it counts as rated, " \
        "no code\n", captured.out
    assert captured.err == "", captured.err
    with (study / "study.yaml").open("a", encoding="utf-8") as fh:
        fh.write("double_coded: {A: all, C: [WWC-04]}\n")
    assert main(["validate"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["agree", "--out", "ag.csv", "--n-boot", "0"]) == 0, capsys.readouterr().err
    captured = capsys.readouterr()
    assert "coders A, C" in captured.out
    assert "coder 'C' has no codings: counted as having rated WWC-04" in captured.err
    row = pd.read_csv(study / "ag.csv").set_index("code").loc["ALL"]
    a = ce.read_codings(study / "data" / "raw" / "codings_A.csv")
    assert row["n_coders"] == 2 and row["n_units"] > 0
    assert row["n_positive"] == a.loc[a["doc_id"] == "WWC-04", "segment_id"].nunique()
    # a full sheet names what it covers, as 'all'
    assert main(["sheet", "export", "--coder", "E", "--out", "E.xlsx"]) == 0
    assert main(["sheet", "import", "E.xlsx", "--coder", "E", "--out", "e.csv"]) == 0
    assert "the sheet covers all 4 interviews ('WWC-01', 'WWC-02', 'WWC-03', 'WWC-04'): add " \
           "them to coder E's interviews in study.yaml's 'double_coded' (E: all; a turn " \
           "without a mark counts as rated, no code)" in capsys.readouterr().out
    # a declared coder without any codings file (a typo) is refused by validate and agree
    (study / "data" / "raw" / "codings_C.csv").unlink()
    capsys.readouterr()
    for command in (["validate"], ["agree", "--out", "ag2.csv", "--n-boot", "0"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "'double_coded': coder 'C' has no codings (the codings have A); correct the " \
               "name, or add their codings file codings_<coder>.csv" in err, err
    assert not (study / "ag2.csv").exists()


def _with_shared_strings(sheet: Path, out: Path, n: int) -> Path:
    """``sheet`` with a shared-strings part of ``n`` strings no cell uses."""
    import zipfile

    with zipfile.ZipFile(sheet) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    ct = parts["[Content_Types].xml"].decode().replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    rels = parts["xl/_rels/workbook.xml.rels"].decode().replace("</Relationships>", (
        '<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    parts["[Content_Types].xml"], parts["xl/_rels/workbook.xml.rels"] = ct.encode(), rels.encode()
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">'
        + "".join(f"<si><t>s{i}</t></si>" for i in range(n)) + "</sst>").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def test_a_workbook_with_far_more_shared_strings_than_cells_is_refused(tmp_path):
    # 300,000 unused shared strings (0.8 MB) kept openpyxl busy for 45 s and more
    from citra_eval import sheets

    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    cb = ce.Codebook.load(ce.example_path("codebook"))
    plain = tmp_path / "coding_sheet_A.xlsx"
    ce.write_coding_sheet(ce.coding_sheet(corpus, cb), plain)
    few = _with_shared_strings(plain, tmp_path / "few.xlsx", 100)
    ce.read_coding_sheet(few, corpus=corpus, codebook=cb, coder="A")  # unused, but few
    for n in [50_000, sheets.MAX_SHARED_STRINGS + 1]:  # beyond 4 per cell; beyond the cap
        many = _with_shared_strings(plain, tmp_path / f"many{n}.xlsx", n)
        with pytest.raises(ce.InputError, match=f"{n:,} shared strings") as info:
            ce.read_coding_sheet(many, corpus=corpus, codebook=cb, coder="A")
        assert info.value.problems[0].path == str(many)


def test_semicolon_csv_sheet_whose_first_turn_spans_lines_is_read(tmp_path):
    """Session 18, coder item 1: the separator was sniffed from the first two physical
    lines; a first turn holding a line break (a quoted cell over two lines) and the commas
    in the 'interviews:' header made a ';' sheet read as commas and refused."""
    corpus, book, rows = _exported_csv_rows(
        tmp_path, "Sari", "Sari: Sinyal lemah, katanya.\nLalu kami pindah.\n")
    assert "\n" in rows[1][3]
    rows[1][4] = "x"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    (tmp_path / "s.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    (tmp_path / "s_quotes.csv").write_text("doc_id;segment_id;code;quote;note\r\n",
                                          encoding="utf-8")
    codings = ce.read_coding_sheet(tmp_path / "s.csv", corpus=corpus, codebook=book,
                                   coder="A")
    assert codings["code"].tolist() == ["kabar"]


def _one_turn_sheet():
    src = ("---\nid: E1\nspeakers: {PWW: interviewer, Sari: informant}\n---\n"
           "PWW: Ada kendala?\nSari: Sinyal lemah.\nLalu kami pindah.\n")
    corpus = ce.Corpus.from_texts({"e.txt": src})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"},
                                                             {"id": "pindah", "label": "P"}]})
    return corpus, book, ce.coding_sheet(corpus, book, coder="A")


def test_indonesian_excel_true_false_are_marks():
    """Session 18, coder item 2: Indonesian Excel shows TRUE/FALSE as BENAR/SALAH."""
    corpus, book, sheet = _one_turn_sheet()
    sheet.coding.loc[0, "kabar"] = "BENAR"
    sheet.coding.loc[0, "pindah"] = "Salah"
    codings = ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    assert codings["code"].tolist() == ["kabar"]


def test_cells_in_messages_are_shown_readably_not_as_python():
    """Session 18, coder item 2: 'x\\u200b' and '...dinas.\\nSelain...' are Python; coders
    read the cell's text, its invisible characters named in words."""
    corpus, book, sheet = _one_turn_sheet()
    sheet.coding.loc[0, "kabar"] = "x\u200b"
    sheet.coding.loc[0, "text"] = "Sinyal lemah. Lalu kami pindah."
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    said = " ".join(p.message for p in info.value.problems)
    assert "\\u200b" not in said and "\\n" not in said, said
    sheet.coding.loc[0, "text"] = "Sinyal lemah.\nLalu kami pindah."
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert problem.message.startswith("'x' followed by a zero-width space is not a mark"), \
        problem.message
    sheet.coding.loc[0, "kabar"] = "x"
    sheet.coding.loc[0, "text"] = "Sinyal lemah. Lalu kami pindah."
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert ("the cell says 'Sinyal lemah. Lalu kami pindah.' but the transcript reads "
            "'Sinyal lemah.', then a line break, then 'Lalu kami pindah.'") in problem.message


@pytest.mark.parametrize(("line", "quote", "label"), [
    ("Pak Budi: Gunakan media sosial untuk berita.", "Pak Budi: Gunakan media sosial",
     "Pak Budi: "),
    ("[00:02:45] KABAG: Kami buat berita tiap minggu.", "[00:02:45] KABAG: Kami buat berita",
     "[00:02:45] KABAG: "),
])
def test_a_quote_with_a_two_word_label_or_a_timestamp_is_told_to_drop_it(line, quote, label):
    """Session 18, coder item 3: the label rule took one word, so 'Pak Budi: ...' and
    '[00:02:45] KABAG: ...' were told "not in turn 2 ... found in turn 2: fix segment_id to
    2"."""
    speaker = line.split("] ")[-1].split(":")[0]
    src = (f"---\nid: E1\nspeakers: {{PWW: interviewer, {speaker}: informant}}\n---\n"
           f"PWW: Ada kendala?\n{line}\n")
    corpus = ce.Corpus.from_texts({"e.txt": src})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"}]})
    sheet = ce.coding_sheet(corpus, book, coder="A")
    sheet.quotes.loc[0] = ["E1", 2, "kabar", quote, None]
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert f"label {label!r} from the quote" in problem.message, problem.message
    assert "segment_id" not in problem.message


def _two_interviews():
    src = ("---\nid: {d}\nspeakers: {{PWW: interviewer, Sari: informant}}\n---\n"
           "PWW: Ada kendala?\nSari: Sinyal lemah.\nPWW: Lalu?\nSari: Kami pindah.\n"
           "PWW: Sudah?\nSari: Sudah.\n")
    corpus = ce.Corpus.from_texts({f"{d}.txt": src.format(d=d) for d in ("E1", "E2")})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"}]})
    return corpus, book


@pytest.mark.parametrize(("documents", "added", "cell", "said"), [
    (None, ["E1", 3, "PWW", "Lalu?", "x", None], "A8",
     "the sheet does not list turn 3 of 'E1' (the interviewer's)"),
    (["E1"], ["E2", 2, "Sari", "Sinyal lemah.", "x", None], "A5",
     "the sheet does not list interview 'E2' (it covers 'E1')"),
])
def test_an_added_row_is_named_not_called_deleted_rows(documents, added, cell, said):
    """Session 18, coder item 4: one interviewer row added to an informant sheet, or a row
    of an interview the sheet does not cover, was told that the turns' rows "were
    deleted"."""
    corpus, book = _two_interviews()
    sheet = ce.coding_sheet(corpus, book, coder="A", documents=documents)
    sheet.coding.loc[len(sheet.coding)] = added
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert problem.cell == f"coding!{cell}"
    assert "deleted" not in problem.message
    assert problem.message.startswith(f"this row was added: {said}"), problem.message


@pytest.mark.parametrize(("cells", "col"), [
    (["Catatan: wawancara sulit", None, None, None, None, None], "A"),
    ([None, None, None, None, None, "nanti dibahas"], "A"),
])
def test_a_comment_row_is_told_it_is_no_turn(cells, col):
    """Session 18, coder item 6: a comment typed into a blank row was told "segment_id is
    empty: fill it in" (or doc_id), advice that makes a second row of a turn."""
    corpus, book = _two_interviews()
    sheet = ce.coding_sheet(corpus, book, coder="A")
    coding = pd.concat([sheet.coding.iloc[:2], pd.DataFrame([cells], columns=sheet.coding.columns),
                        sheet.coding.iloc[2:]], ignore_index=True)
    sheet = ce.CodingSheet(coding, sheet.quotes, sheet.codebook, "A", sheet.documents)
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert problem.cell == f"coding!{col}4"
    assert problem.message.startswith("this row is not a turn"), problem.message
    assert "delete the row" in problem.message and "note column" in problem.message
    assert "fill it in" not in problem.message


def test_an_xlsx_whose_emoji_became_question_marks_is_not_told_it_is_a_csv(tmp_path):
    """Session 18, coder item 6: an .xlsx with '?' for an emoji (text pasted back from a
    CSV or an e-mail) was told it "was saved in a legacy encoding" and to "import the .xlsx
    workbook instead" -- it is the workbook."""
    src = ("---\nid: E1\nspeakers: {PWW: interviewer, Sari: informant}\n---\n"
           "PWW: Ada kendala?\nSari: Sinyal lemah \U0001F624 katanya.\n")
    corpus = ce.Corpus.from_texts({"e.txt": src})
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [{"id": "kabar", "label": "K"}]})
    out = tmp_path / "s.xlsx"
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), out)
    wb = openpyxl.load_workbook(out)
    wb["coding"]["D2"] = wb["coding"]["D2"].value.replace("\U0001F624", "?")
    wb["coding"]["E2"] = "x"
    wb.save(out)
    with pytest.raises(ce.InputError) as info:
        ce.read_coding_sheet(out, corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert problem.message.startswith("characters such as emoji became '?'"), problem.message
    assert ".xlsx workbook instead" not in problem.message
    assert "legacy encoding" not in problem.message
    assert_advises(info.value, "ce.write_coding_sheet(ce.coding_sheet(",
                   "'citra-eval sheet export'")


def test_an_xlsx_without_its_document_properties_is_warned_of(tmp_path):
    """Session 18, coder item 7: a workbook whose custom properties were dropped (a program
    that does not keep them) lost both the coder check and the deleted-interview check
    without a word; the CSV route warns when its interviews column is gone."""
    import zipfile

    corpus, book = _two_interviews()
    out = tmp_path / "s.xlsx"
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), out)
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(bare, "w") as zout:
        for item in zin.infolist():
            if item.filename == "docProps/custom.xml":
                continue
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/docProps/custom.xml"[^>]*/>', b"", data)
            if item.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship[^>]*custom-properties[^>]*/>", b"", data)
            zout.writestr(item, data)
    with pytest.warns(ce.SheetWarning) as caught:
        ce.read_coding_sheet(bare, corpus=corpus, codebook=book, coder="B")
    said = [str(w.message) for w in caught if "properties" in str(w.message)]
    assert len(said) == 1, [str(w.message) for w in caught]
    assert "coder" in said[0] and "interviews" in said[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.SheetWarning)
        with pytest.raises(ce.SheetWarning, match="no marks"):  # the kept one: no such warning
            ce.read_coding_sheet(out, corpus=corpus, codebook=book, coder="A")


def test_coloured_code_cells_without_a_mark_are_warned_of(tmp_path):
    """Session 18, coder item 7: a coder "marked" cells by colouring them (no x): the import
    read them as unmarked without a word."""
    from openpyxl.styles import PatternFill

    corpus, book = _two_interviews()
    out = tmp_path / "s.xlsx"
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), out)
    wb = openpyxl.load_workbook(out)
    ws = wb["coding"]
    ws["E2"] = "x"
    ws["E3"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["E5"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["D4"].fill = PatternFill("solid", fgColor="FFFF00")  # a coloured text cell: no mark
    wb.save(out)
    with pytest.warns(ce.SheetWarning) as caught:
        codings = ce.read_coding_sheet(out, corpus=corpus, codebook=book, coder="A")
    assert len(codings) == 1
    said = [str(w.message) for w in caught if "coloured" in str(w.message)]
    assert len(said) == 1, [str(w.message) for w in caught]
    assert "E3, E5" in said[0] and "D4" not in said[0]
    assert "type x" in said[0]


def test_a_quote_in_a_message_names_its_invisible_characters():
    corpus, book, sheet = _one_turn_sheet()
    sheet.quotes.loc[0] = ["E1", 2, "kabar", "Sinyal kuat\u200b", None]
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=corpus, codebook=book, coder="A")
    (problem,) = info.value.problems
    assert problem.message.startswith("the quote 'Sinyal kuat' followed by a zero-width space "
                                      "is not in turn 2"), problem.message


@pytest.mark.parametrize(("doc", "hint"), [
    ("INF12", ""),  # another interview's number: no guess ('INF11' by difflib before)
    ("INF1", ""),  # INF01, INF10 or INF11?
    ("inf01", " (did you mean 'INF01'? document ids are case-sensitive"),
    ("INF3", " (did you mean 'INF03'?)"),
])
def test_an_unknown_doc_id_in_a_sheet_gets_the_hint_codings_give(example_corpus,
                                                                 example_codebook, doc, hint):
    """Coders s19, item 6: a sheet's unknown doc_id got difflib's closest id (another
    interview for a number one digit off); it gets the hint a codings file gives: an id in
    another letter case or one typo away, never another interview's number."""
    sheet = ce.coding_sheet(example_corpus, example_codebook, roles=None)
    sheet.coding.loc[0, "doc_id"] = doc
    with pytest.raises(ce.InputError) as info:
        ce.codings_from_sheet(sheet, corpus=example_corpus, codebook=example_codebook,
                              coder="C")
    message = info.value.problems[0].message
    assert message.startswith(f"unknown doc_id {doc!r}{hint}"), message
    assert hint or "did you mean" not in message


def _note_cells(wb, row: int) -> tuple[str, str]:
    """The cell of the first code column and of the note column in row ``row`` of
    worksheet coding."""
    from openpyxl.utils import get_column_letter

    header = [c.value for c in wb["coding"][1]]
    return (f"{get_column_letter(len(SHEET_COLUMNS) + 1)}{row}",
            f"{get_column_letter(header.index('note') + 1)}{row}")


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (0.5, "0%", "50%"),
    (0.125, "0.0%", "12.5%"),
    (1234.5, "#,##0.00", "1,234.50"),
    (3, "0.00", "3.00"),
    (0.3, "General", "0.3"),
    (datetime.datetime(2024, 3, 5), "dd/mm/yyyy", "05/03/2024"),
    (datetime.datetime(2024, 3, 5), "d mmm yyyy", "5 Mar 2024"),
    (datetime.datetime(2024, 3, 5, 14, 30), "yyyy-mm-dd hh:mm", "2024-03-05 14:30"),
    (datetime.datetime(2024, 3, 5), "mm-dd-yy", "2024-03-05"),  # shown as the system's
    # session 19, newcode: a currency-locale tag shows its symbol; scientific as Excel shows
    # it; a boolean as TRUE; a fraction (not shown here) as its value, never wrongly
    (45000, "[$Rp-421] #,##0", "Rp 45,000"),
    (45000, "[$Rp-421]#,##0.00", "Rp45,000.00"),
    (1e-7, "0.00E+00", "1.00E-07"),
    (123456, "0.0E+0", "1.2E+5"),
    (-0.00123, "0.00E+00", "-1.23E-03"),
    (True, "General", "TRUE"),
    (0.25, "# ?/?", "0.25"),
])
def test_a_note_reads_as_the_coder_sees_it_in_the_sheet(tmp_path, example_corpus,
                                                        example_codebook, value,
                                                        number_format, shown):
    """Coders s19, item 4: a note typed '50%' in Excel (stored 0.5, percent format) was read
    as '0.5'. A number in a note reads as its number format shows it; a date in an explicit
    format too (a date in the system's short format, which the file does not hold, in ISO
    form)."""
    def note(wb):
        mark, cell = _note_cells(wb, 2)
        wb["coding"][mark] = "x"
        wb["coding"][cell] = value
        wb["coding"][cell].number_format = number_format
    path = _filled(tmp_path, example_corpus, example_codebook, note)
    codings = ce.read_coding_sheet(path, corpus=example_corpus, codebook=example_codebook,
                                   coder="A")
    assert codings["note"].tolist() == [shown]


def _shared_rich_text(path, cell: str, text: str, bold: str) -> None:
    """Rewrite workbook ``path`` so that worksheet coding's ``cell`` holds ``text`` from the
    shared-strings table with ``bold`` formatted bold, as Excel stores a cell a coder
    formatted in part (openpyxl writes rich text inline)."""
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    head, _, tail = text.partition(bold)
    run = (f'<si><r><t xml:space="preserve">{escape(head)}</t></r><r><rPr><b/><color '
           f'rgb="FFFF0000"/></rPr><t>{escape(bold)}</t></r><r><t xml:space="preserve">'
           f"{escape(tail)}</t></r></si>").encode()
    main = b"http://schemas.openxmlformats.org/"
    if "xl/sharedStrings.xml" not in parts:  # the export writes its texts inline
        parts["xl/sharedStrings.xml"] = b'<sst xmlns="' + main + \
            b'spreadsheetml/2006/main"></sst>'
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdShared" Type="' + main
            + b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>")
    shared = parts["xl/sharedStrings.xml"]
    count = shared.count(b"<si>")
    parts["xl/sharedStrings.xml"] = shared.replace(b"</sst>", run + b"</sst>")
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(f'<c r="{cell}"'.encode())
    end = sheet.index(b"</c>", start) + 4
    parts["xl/worksheets/sheet1.xml"] = (sheet[:start] + f'<c r="{cell}" t="s"><v>{count}</v>'
                                         f"</c>".encode() + sheet[end:])
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


@pytest.mark.parametrize("stored", ["inline", "shared"])
def test_words_formatted_in_a_turn_text_are_warned_about(tmp_path, example_corpus,
                                                         example_codebook, stored):
    """Coders s19, item 5: a coder who marked a passage by formatting part of a turn's text
    (bold, red) got no coding and no warning. The cell is named, with how codings are
    marked; a sheet without such formatting reads as before, silently."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    texts = {}

    def highlight(wb):
        text = texts["D2"] = wb["coding"]["D2"].value
        if stored == "inline":
            head, _, tail = text.partition(text.split()[1])
            wb["coding"]["D2"] = CellRichText(head, TextBlock(InlineFont(b=True),
                                                              text.split()[1]), tail)
    path = _filled(tmp_path, example_corpus, example_codebook, highlight)
    text = texts["D2"]
    bold = text.split()[1]
    if stored == "shared":
        _shared_rich_text(path, "D2", text, bold)
    with pytest.warns(ce.SheetWarning, match="formatted in part") as caught:
        codings = ce.read_coding_sheet(path, corpus=example_corpus, codebook=example_codebook,
                                       coder="A")
    assert codings.empty
    messages = [str(w.message) for w in caught if "formatted in part" in str(w.message)]
    assert len(messages) == 1, messages
    message = messages[0]
    assert "coding!D2" in message and "quotes" in message and "type x" in message
    (tmp_path / "plain").mkdir()
    plain = _filled(tmp_path / "plain", example_corpus, example_codebook, lambda wb: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.SheetWarning)
        warnings.filterwarnings("ignore", "no mark", ce.SheetWarning)
        warnings.filterwarnings("ignore", ".*no marks and no quotes", ce.SheetWarning)
        ce.read_coding_sheet(plain, corpus=example_corpus, codebook=example_codebook,
                             coder="A")



def test_an_empty_coding_worksheet_advises_a_new_sheet_the_reader_can_make(tmp_path):
    """Session 19, advice item 1: "export a new sheet with 'citra-eval sheet export'" was
    what a Python user read too; they read the calls that make one."""
    corpus, book, _ = _exported_csv_rows(tmp_path, "INF", "INF: Sinyal lemah.\n")
    out = tmp_path / "s.xlsx"
    ce.write_coding_sheet(ce.coding_sheet(corpus, book, coder="A"), out)
    wb = openpyxl.load_workbook(out)
    wb["coding"].delete_rows(1, wb["coding"].max_row)
    wb.save(out)
    with pytest.raises(ce.InputError, match="the worksheet is empty") as info:
        ce.read_coding_sheet(out, corpus=corpus, codebook=book, coder="A")
    assert_advises(info.value, "ce.write_coding_sheet(ce.coding_sheet(",
                   "'citra-eval sheet export'")
