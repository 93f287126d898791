"""Instrument, responses (validation), scale scores, Likert table and the survey CLI."""

from __future__ import annotations

import math
import re
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import citra_eval as ce
from citra_eval.survey import keyed_items

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = ROOT / "data" / "raw" / "instrument.yaml"
RESPONSES = ROOT / "data" / "raw" / "survey_responses.csv"

MINI = """\
instrument: mini
scale:
  min: 1
  max: 5
  labels:
    1: {id: Sangat tidak setuju, en: Strongly disagree}
    4: {id: Setuju, en: Agree}
    5: {id: Sangat setuju, en: Strongly agree}
id_column: rid
scales:
  S:
    items: [a, b, c]
    reverse: [c]
  T:
    items: [d, e]
  ALL:
    of: [S, T]
demographics: [district]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


@pytest.fixture
def mini(tmp_path) -> ce.Instrument:
    return ce.Instrument.load(write(tmp_path, "inst.yaml", MINI))


def csv_lines(*rows: str) -> str:
    return "\n".join(["rid,district,a,b,c,d,e", *rows]) + "\n"


# --------------------------------------------------------------------------- instrument

def test_example_instrument_structure():
    inst = ce.Instrument.load(INSTRUMENT)
    assert inst.min == 1 and inst.max == 5
    assert inst.id_column == "respondent_id"
    assert inst.scale_names("strategy") == ["KS", "BM", "BC", "IB", "TK"]
    assert inst.scale_names("image") == ["CK", "CR", "CN", "CI"]
    assert "KP" in inst.scales
    citra = inst.scales["CITRA"]
    assert citra.items == tuple(i for s in ["CK", "CR", "CN", "CI"] for i in inst.scales[s].items)
    assert citra.reverse == ("CR3",)  # inherited from CR
    assert inst.label(1, "id") == "Sangat tidak setuju" and inst.label(5, "en") == "Strongly agree"
    assert inst.demographics == ["district", "age_group", "gender", "news_source",
                                 "used_online_service"]
    for item in inst.item_names:  # every item has Indonesian and English wording
        assert set(inst.items[item]) == {"id", "en"}
    assert "ILLUSTRATIVE" in INSTRUMENT.read_text(encoding="utf-8")


def test_codebook_constructs_are_scales():
    codebook_path = ROOT / "data" / "raw" / "codebook.yaml"
    if not codebook_path.exists():
        pytest.skip("the example codebook is not on this branch yet")
    import yaml

    inst = ce.Instrument.load(INSTRUMENT)
    found = []

    def walk(codes):
        for c in codes or []:
            if c.get("construct"):
                found.append(c["construct"])
            walk(c.get("children"))

    walk(yaml.safe_load(codebook_path.read_text(encoding="utf-8"))["codes"])
    assert found, "the codebook links no construct"
    assert set(found) <= set(inst.scales)


@pytest.mark.parametrize("patch, line, words", [
    # reverse item that is not in its scale
    (("reverse: [c]", "reverse: [z]"), 13, ["reverse item 'z'", "scale 'S'"]),
    # composite naming an unknown scale
    (("of: [S, T]", "of: [S, X]"), 17, ["unknown scale 'X'"]),
    # typo in a scale key
    (("items: [d, e]", "itemz: [d, e]"), 15, ["unknown key 'itemz'", "did you mean 'items'"]),
    # bad response scale
    (("max: 5", "max: 1"), 2, ["min < max"]),
    # label for an option outside the scale
    (("4: {id: Setuju", "7: {id: Setuju"), 7, ["label key 7"]),
])
def test_instrument_errors_name_file_and_line(tmp_path, patch, line, words):
    bad = write(tmp_path, "bad.yaml", MINI.replace(*patch))
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(bad)
    err = exc.value
    assert err.path == str(bad)
    assert err.line == line, err
    for w in words:
        assert w in str(err)


def test_instrument_wording_for_unknown_item(tmp_path):
    bad = write(tmp_path, "bad.yaml", MINI + "items:\n  zz: {id: Apa, en: What}\n")
    with pytest.raises(ce.InputError, match="item 'zz' has wording but is in no scale") as exc:
        ce.Instrument.load(bad)
    assert exc.value.line == 20


def test_instrument_scale_without_items(tmp_path):
    bad = write(tmp_path, "bad.yaml", MINI.replace("    items: [d, e]\n", "    label: Tee\n"))
    with pytest.raises(ce.InputError, match="scale 'T' has no items"):
        ce.Instrument.load(bad)


def test_instrument_not_a_mapping(tmp_path):
    with pytest.raises(ce.InputError, match="must be a YAML mapping"):
        ce.Instrument.load(write(tmp_path, "bad.yaml", "- just\n- a list\n"))


# --------------------------------------------------------------------------- responses

def test_read_example_responses():
    inst = ce.Instrument.load(INSTRUMENT)
    resp = ce.read_responses(RESPONSES, inst)
    assert len(resp) == 400
    assert resp["respondent_id"].is_unique
    for item in inst.item_names:
        assert resp[item].dtype == "float64"
    assert resp[inst.item_names].isna().any().any()  # missing answers stay missing
    assert set(resp["district"]) == {f"Banjarmasin {d}" for d in
                                     ["Utara", "Selatan", "Timur", "Barat", "Tengah"]}


def test_missing_answers_stay_missing_and_crlf_bom(tmp_path, mini):
    text = "\ufeff" + csv_lines("r1,Utara,5,,2,3,4", "r2,,1,2,3,4,5").replace("\n", "\r\n")
    p = tmp_path / "resp.csv"
    p.write_bytes(text.encode("utf-8"))
    resp = ce.read_responses(p, mini)
    assert list(resp.columns) == ["rid", "district", "a", "b", "c", "d", "e"]
    assert math.isnan(resp.loc[0, "b"])
    assert resp.loc[0, "a"] == 5.0 and resp["a"].dtype == "float64"
    assert pd.isna(resp.loc[1, "district"])


@pytest.mark.parametrize("rows, line, column, words", [
    (["r1,Utara,5,4,3,2,1", "r2,Utara,6,4,3,2,1"], 3, "a", ["value 6 is outside", "1..5"]),
    (["r1,Utara,setuju,4,3,2,1"], 2, "a", ["got text 'setuju'", "label of option 4",
                                           "enter 4"]),
    (["r1,Utara,5,4,3,2,1", "r2,Utara,1,bagus,3,2,1"], 3, "b", ["got text 'bagus'",
                                                                 "whole number 1..5"]),
    (["r1,Utara,5,4,3.5,2,1"], 2, "c", ["whole number", "'3.5'"]),
    (["r1,Utara,5,4,3,2,1", "r2,Utara,1,2,3,4,5", "r1,Barat,1,1,1,1,1"], 4, "rid",
     ["duplicate respondent id 'r1'", "first on line 2"]),
    ([",Utara,5,4,3,2,1"], 2, "rid", ["empty respondent id"]),
    (["r1,Utara,5,4,3,2,0"], 2, "e", ["value 0 is outside"]),
])
def test_bad_cells_name_file_line_and_column(tmp_path, mini, rows, line, column, words):
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines(*rows), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    err = exc.value
    assert (err.path, err.line, err.column) == (str(p), line, column)
    formatted = err.format()
    assert formatted.startswith(f"error: {p}:{line}: ")
    for w in words:
        assert w in formatted


@pytest.mark.parametrize("cell, words, option", [
    # a form option exported with its label: the answer is there, never "missing"
    ("4 - Setuju", ["'4 - Setuju' starts with option 4; enter 4 (or export the form's values "
                    "as numbers)"], 4),
    ("5 (Sangat setuju)", ["starts with option 5; enter 5"], 5),
    ("2. Kurang", ["starts with option 2; enter 2"], 2),
    ("Setuju (4)", ["starts with the label of option 4; enter 4"], 4),
    ("sangat setuju - 5", ["starts with the label of option 5; enter 5"], 5),
    # number and label disagree: which was meant?
    ("4 - Sangat setuju", ["starts with option 4", "the label of option 5",
                           "check which was meant"], 4),
    ("Setuju (5)", ["starts with the label of option 4 but gives 5", "check which was meant"],
     4),
    # Excel: a formula kept as text, the text prefix, an error value
    ("=4", ["'=4' is a spreadsheet formula saved as text; enter 4"], 4),
    ("'4", ["Excel's text prefix", "enter 4"], 4),
    ("=A2+1", ["spreadsheet formula", "export the values"], None),
    ("#DIV/0!", ["'#DIV/0!' is a spreadsheet error value", "fix the formula",
                 "export the values"], None),
    ("#VALUE!", ["spreadsheet error value"], None),
])
def test_a_labelled_or_spreadsheet_answer_says_what_to_enter_never_missing_code(
        tmp_path, mini, cell, words, option):
    """Exploratory (office) test 6: '4 - Setuju' was told "or declare '4 - Setuju' a
    missing-value code"; doing so read every such real answer as no answer, exit 0."""
    p = tmp_path / "resp.csv"
    quoted_cell = '"' + cell.replace('"', '""') + '"'
    p.write_text(csv_lines(f"r1,Utara,{quoted_cell},4,3,2,1"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    (problem,) = exc.value.problems
    assert (problem.line, problem.column) == (2, "a")
    for w in words:
        assert w in problem.message, problem.message
    assert "missing-value code" not in problem.message
    if option is not None:
        # the advice holds: entering the number reads the answer
        p.write_text(csv_lines(f"r1,Utara,{option},4,3,2,1"), encoding="utf-8")
        assert ce.read_responses(p, mini).loc[0, "a"] == option


@pytest.mark.parametrize("cell", ["45 - Setuju", "7 - Setuju", "Setujuan", "bagus"])  # 4,5: below
def test_text_not_starting_with_an_option_gets_no_enter_n_advice(tmp_path, mini, cell):
    """Only an option number (a whole word, in range) or a label opens the 'enter N' advice
    (and, session 19, such text does not look like a missing-value code: no advice to
    declare it one)."""
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines(f'r1,Utara,"{cell}",4,3,2,1'), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    (problem,) = exc.value.problems
    assert "starts with" not in problem.message
    assert "whole number 1..5" in problem.message
    assert "missing-value code" not in problem.message


def test_every_bad_cell_is_reported(tmp_path, mini):
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines("r1,Utara,9,4,3,2,1", "r2,Utara,1,x,3,2,1"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    assert [(q.line, q.column) for q in exc.value.problems] == [(2, "a"), (3, "b")]


def test_bad_cells_are_listed_in_line_order_and_a_missing_code_says_how_to_fix(tmp_path,
                                                                               mini):
    """Exploratory test 3: the errors came column by column (line 3, 10, 12, then 8), and
    "value 99 is outside the response scale" did not say what to do with a missing-value
    code."""
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines("r1,Utara,1,2,3,2,1", "r2,Utara,99,2,3,2,1", "r3,Utara,1,NA,3,2,1",
                           "r4,Utara,1,2,3,2,-9", "r5,Utara,1,2,3,x,1", "r6,Utara,1,2,3,4,1"),
                 encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    assert [(q.line, q.column) for q in exc.value.problems] == [
        (3, "a"), (4, "b"), (5, "e"), (6, "d")]
    first = exc.value.problems[0].message
    assert "value 99 is outside the response scale 1..5; correct it, or leave the cell empty " \
        "if unanswered (if it is a missing-value code, declare it in the instrument instead: " \
        "'missing: [99]')" in first


def test_items_missing_from_responses(tmp_path, mini):
    p = tmp_path / "resp.csv"
    p.write_text("rid,district,a,b,c\nr1,Utara,1,2,3\n", encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    assert exc.value.line == 1 and exc.value.column == "d"
    assert "item(s) d, e of the instrument are missing" in str(exc.value)


GFORMS_QUESTION = "Secara umum, citra kota baik (1 = buruk, 5 = baik)"
GFORMS_HEADER = f'Timestamp,"{GFORMS_QUESTION}",Saya percaya pada pemerintah kota.\n'


def gforms_instrument(tmp_path: Path, items: str) -> Path:
    return write(tmp_path, "inst.yaml", "instrument: gforms\nscale: {min: 1, max: 5}\n"
                 "id_column: Timestamp\nscales:\n  PERSEPSI:\n" + items)


@pytest.mark.parametrize("items, line", [
    (f"    items: [{GFORMS_QUESTION}, Saya percaya pada pemerintah kota.]\n", 6),
    (f"    items:\n      - Saya percaya pada pemerintah kota.\n      - {GFORMS_QUESTION}\n", 8),
])
def test_an_unquoted_question_split_at_its_commas_says_to_quote_it(tmp_path, items, line):
    """Office test 11: a Google Forms question unquoted in a flow list is split at its
    commas; "item(s) Secara umum, citra kota baik (1 = buruk, 5 = baik) ... are missing"
    rejoined the pieces, so it read as the header itself. (In a block list YAML keeps the
    commas, and the question is read.)"""
    inst_path = gforms_instrument(tmp_path, items)
    p = write(tmp_path, "resp.csv", GFORMS_HEADER + "2024/01/15 10:23:45,4,5\n")
    if line == 8:
        inst = ce.Instrument.load(inst_path)
        assert ce.read_responses(p, inst)[GFORMS_QUESTION].tolist() == [4.0]
        return
    # found when the instrument is read, before any response is (validate of a study
    # whose survey has not run yet), with the message the responses' header gave
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(inst_path)
    (problem,) = exc.value.problems
    assert (problem.path, problem.line) == (str(inst_path), line)
    assert problem.message.startswith(f"scale 'PERSEPSI': the question {GFORMS_QUESTION!r} "
                                      "was split at its commas"), problem.message
    assert "split at its commas into the items 'Secara umum', 'citra kota baik (1 = buruk', " \
        "'5 = baik)'" in problem.message
    assert problem.message.endswith(f'quote the question: - "{GFORMS_QUESTION}"')


@pytest.mark.parametrize("items", [
    "[KS1, KS2, KS3]", "[saya puas, saya senang]", "[Q1 (lama), Q2 (baru)]",
])
def test_a_flow_list_whose_commas_separate_whole_items_is_read(tmp_path, items):
    """Only a parenthesis that a comma cut in two says a question was split: items that
    merely contain spaces or whole parentheses are items."""
    inst = ce.Instrument.load(gforms_instrument(tmp_path, f"    items: {items}\n"))
    assert len(inst.item_names) == items.count(",") + 1


def test_a_split_question_beside_a_truly_missing_item_reports_both(tmp_path):
    items = f"    items: [{GFORMS_QUESTION}, Saya percaya pada pemerintah kota., Q9]\n"
    inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5}, "id_column": "Timestamp",
                                    "scales": {"P": {"items": [
                                        *GFORMS_QUESTION.split(", "), "Q9"]}}})
    p = write(tmp_path, "resp.csv", GFORMS_HEADER + "t1,4,5\n")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    split, missing = exc.value.problems
    # an instrument built in Python has no file: the responses' header line is named
    assert (split.path, split.line) == (str(p), 1)
    assert "quote the question" in split.message and "in the instrument" in split.message
    assert "item(s) Q9 of the instrument are missing" in missing.message
    # from a file, the split is found when the instrument is read
    inst_path = gforms_instrument(tmp_path, items)
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(inst_path)
    assert [(q.path, q.line) for q in exc.value.problems] == [(str(inst_path), 6)]


@pytest.mark.parametrize("items, line, shown", [
    ("    items:\n      - Saya percaya pada pemerintah kota.\n"
     "      - Informasi layanan: jelas dan lengkap\n", 8, "Informasi layanan: jelas dan lengkap"),
    ("    items: [Saya percaya pada pemerintah kota., Informasi layanan: jelas]\n", 6,
     "Informasi layanan: jelas"),
    ("    items:\n      - Saya percaya pada pemerintah kota.\n      - Nilai kota: 10\n", 8,
     "Nilai kota: 10"),
])
def test_a_question_with_a_colon_read_as_a_mapping_says_to_quote_it(tmp_path, items, line,
                                                                     shown):
    """Office test 11: a question holding ': ' is a mapping in YAML; the error was "'items'
    of scale 'PERSEPSI' must be a list of names" and then "scale 'PERSEPSI' has no items"."""
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(gforms_instrument(tmp_path, items))
    (problem,) = exc.value.problems
    assert problem.line == line
    assert f"scale 'PERSEPSI': the entry {shown!r} of 'items'" in problem.message
    assert problem.message.endswith(f'quote the question: - "{shown}"')


def test_a_demographic_question_with_a_colon_says_to_quote_it(tmp_path):
    """Office test 11, in 'demographics': '- Pendidikan terakhir: SMA atau sederajat' is the
    column 'Pendidikan terakhir' of type 'SMA atau sederajat'."""
    text = MINI.replace("demographics: [district]\n", "demographics:\n  - district\n"
                        "  - Pendidikan terakhir: SMA atau sederajat\n  - age: numerik\n")
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(write(tmp_path, "inst.yaml", text))
    question, typo = exc.value.problems
    assert question.line == 20
    assert question.message.endswith(
        'quote the question: - "Pendidikan terakhir: SMA atau sederajat"')
    assert "did you mean 'numeric'" in typo.message and "quote" not in typo.message


TYPED = MINI.replace("demographics: [district]\n", """\
demographics:
  - district
  - age: numeric
  - edu: {type: ordinal, levels: [SD, SMP, SMA]}
  - sex: {type: categorical, levels: [P, L]}
""")


def typed_lines(*rows: str) -> str:
    return "\n".join(["rid,district,age,edu,sex,a,b,c,d,e", *rows]) + "\n"


def test_typed_demographics_are_read_as_declared(tmp_path):
    """Issue 14.5: the instrument declares a demographic's type; read_responses types it."""
    inst = ce.Instrument.load(write(tmp_path, "inst.yaml", TYPED))
    assert inst.demographics == ["district", "age", "edu", "sex"]
    types = {d: t.type for d, t in inst.demographic_types.items()}
    assert types == {"district": "categorical", "age": "numeric", "edu": "ordinal",
                     "sex": "categorical"}
    p = write(tmp_path, "resp.csv", typed_lines("r1,Utara,34,SMA,L,1,2,3,4,5",
                                                "r2,Selatan,,SD,P,2,3,4,5,1",
                                                "r3,Utara,51.5,SMP,,3,3,3,3,3"))
    resp = ce.read_responses(p, inst)
    assert str(resp["age"].dtype) == "float64" and np.isnan(resp.loc[1, "age"])
    assert resp["age"].tolist()[::2] == [34.0, 51.5]
    assert resp["edu"].cat.ordered and list(resp["edu"].cat.categories) == ["SD", "SMP", "SMA"]
    assert not resp["sex"].cat.ordered and list(resp["sex"].cat.categories) == ["P", "L"]
    assert resp["sex"].isna().tolist() == [False, False, True]
    assert resp["district"].dtype == object  # a plain name stays text


def test_plain_list_of_demographics_still_means_text(mini):
    assert mini.demographics == ["district"]
    assert mini.demographic_types["district"] == ce.Demographic("district")


def test_typed_demographic_cells_are_checked(tmp_path):
    inst = ce.Instrument.load(write(tmp_path, "inst.yaml", TYPED))
    p = write(tmp_path, "resp.csv", typed_lines("r1,Utara,tiga puluh,SMA,L,1,2,3,4,5",
                                                "r2,Utara,40,S3,L,1,2,3,4,5",
                                                "r3,Utara,40,SD,X,1,2,3,4,5",
                                                "r4,Utara,\"40,5\",SD,L,1,2,3,4,5"))
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    got = {(q.line, q.column): q.message for q in exc.value.problems}
    assert "declared numeric" in got[(2, "age")] and "'tiga puluh'" in got[(2, "age")]
    assert "'S3' is not one of its levels SD, SMP, SMA" in got[(3, "edu")]
    assert "'X' is not one of its levels P, L" in got[(4, "sex")]
    assert "'40.5' with a decimal point" in got[(5, "age")]


@pytest.mark.parametrize("cell", ["inf", "-Infinity", "1e999"])
def test_an_infinite_numeric_demographic_is_refused_at_its_line(tmp_path, cell):
    """Exploratory stats report, repro 5: 'inf' in a numeric demographic was read as a
    number (to_numeric parses it), then means and models ran on it. Refused at its cell."""
    inst = ce.Instrument.load(write(tmp_path, "inst.yaml", TYPED))
    p = write(tmp_path, "resp.csv", typed_lines("r1,Utara,34,SMA,L,1,2,3,4,5",
                                                f"r2,Utara,{cell},SD,L,1,2,3,4,5"))
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    got = {(q.line, q.column): q.message for q in exc.value.problems}
    assert f"demographic 'age' is declared numeric in the instrument, got {cell!r}, which " \
        "is not a finite number" in got[(3, "age")]


@pytest.mark.parametrize("spec, words", [
    ("  - age: numerik\n", "did you mean 'numeric'"),
    ("  - edu: ordinal\n", "list its 'levels' from lowest to highest"),
    ("  - age: {type: numeric, levels: [1, 2]}\n", "is numeric: remove its 'levels'"),
    ("  - edu: {type: ordinal, levls: [a, b]}\n", "did you mean 'levels'"),
    ("  - district\n", "listed more than once"),
    ("  - a\n", "is also an item"),
])
def test_bad_demographic_declarations(tmp_path, spec, words):
    text = MINI.replace("demographics: [district]\n", "demographics:\n  - district\n" + spec)
    with pytest.raises(ce.InputError, match=words) as exc:
        ce.Instrument.load(write(tmp_path, "inst.yaml", text))
    assert exc.value.problems[0].line >= 18  # the demographics block (or the entry)


def _the_one_load_problem(tmp_path: Path, edits: list[tuple[str, str]]):
    """The one problem of loading MINI with each ``(old, new)`` of ``edits`` replaced."""
    text = MINI
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(write(tmp_path, "inst.yaml", text))
    (problem,) = exc.value.problems
    return problem


@pytest.mark.parametrize("edits, line, words", [
    ([("  T:\n", "  district:\n"), ("[S, T]", "[S, district]")], 14,
     "scale 'district' has the name of the demographic column 'district' (in "
     "'demographics', line 18);"),
    ([("  T:\n", "  rid:\n"), ("[S, T]", "[S, rid]")], 14,
     "scale 'rid' has the name of the id column ('id_column', line 9)"),
    ([("  S:\n", "  respondent_id:\n"), ("[S, T]", "[respondent_id, T]"),
      ("id_column: rid\n", "")], 10,
     "scale 'respondent_id' has the name of the id column (the default 'id_column')"),
])
def test_a_scale_named_as_a_demographic_or_the_id_column_is_refused(tmp_path, edits, line,
                                                                    words):
    """Exploratory survey report 14, repro 6: a scale with the name of a demographic column
    (or of the id column) loaded, and its scores then replaced that column in score_scales:
    the demographic (or the respondent ids) silently lost. Refused at the scale's line, as
    a demographic that is also an item is."""
    problem = _the_one_load_problem(tmp_path, edits)
    assert problem.line == line and problem.message.startswith(words)
    assert problem.message.endswith("scale scores are columns named after their scales: "
                                    "rename the scale")


@pytest.mark.parametrize("edits, line, words", [
    ([("  T:\n", "  Intercept:\n"), ("[S, T]", "[S, Intercept]")], 14, "scale 'Intercept'"),
    ([("demographics: [district]", "demographics: [district, Intercept]")], 18,
     "demographic column 'Intercept'"),
])
def test_the_name_of_the_models_constant_is_refused(tmp_path, edits, line, words):
    """Exploratory survey report 14, repro 2: a scale named ``Intercept`` crashed the image
    model (pandas: "cannot insert Intercept, already exists"), and the coefficient tables
    and plots know the constant by that name. Refused at load, at its line."""
    problem = _the_one_load_problem(tmp_path, edits)
    assert problem.line == line
    assert problem.message == (f"{words} has the name of the image model's constant term "
                               "('Intercept' in its coefficient tables): rename it")


def test_a_numeric_demographic_takes_the_top_level_text_codes(tmp_path):
    """Exploratory survey report 14, repro 3: with a top-level ``missing: [NA]`` (R's
    write.csv) an ``NA`` age was refused ("enter a number or leave the cell empty"): a
    numeric demographic took none of the top-level codes, so that 99 stays a real age. A
    text code can never be a number, so it now takes those; the numeric ones it still
    declares itself, which an unknown word's message says."""
    spec = {"scale": {"min": 1, "max": 7}, "id_column": "rid", "missing": ["NA", 99],
            "scales": {"A": {"items": ["a1", "a2"]}}, "demographics": [{"age": "numeric"}]}
    p = write(tmp_path, "r.csv", "rid,a1,a2,age\nr1,1,NA,20\nr2,2,3,NA\nr3,3,4,99\n")
    got = ce.read_responses(p, ce.Instrument.from_dict(spec))
    assert got["age"].tolist()[::2] == [20.0, 99.0] and pd.isna(got["age"][1])
    q = write(tmp_path, "q.csv", "rid,a1,a2,age\nr1,1,NA,20\nr2,2,3,n/a\n")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(q, ce.Instrument.from_dict(spec))
    (problem,) = exc.value.problems
    assert problem.line == 3 and problem.message.endswith(
        "got 'n/a'; enter a number or leave the cell empty (or, if it is a missing-value "
        "code, declare it: 'age: {type: numeric, missing: [n/a]}')")


def test_mapping_form_of_demographics(tmp_path):
    text = MINI.replace("demographics: [district]\n",
                        "demographics:\n  district: categorical\n  age: numeric\n")
    inst = ce.Instrument.load(write(tmp_path, "inst.yaml", text))
    assert inst.demographics == ["district", "age"]
    assert inst.demographic_types["age"].type == "numeric"


def test_numeric_demographic_enters_a_model_as_one_term(tmp_path):
    """Issue 14.5: ``--controls age`` fitted one dummy per distinct age when the column was
    read as text; declared numeric, it is one slope."""
    inst = ce.Instrument.load(INSTRUMENT)
    resp = pd.read_csv(RESPONSES, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(0)
    resp.insert(1, "age", rng.integers(18, 70, len(resp)).astype(str))
    p = tmp_path / "resp.csv"
    resp.to_csv(p, index=False)
    text = INSTRUMENT.read_text(encoding="utf-8")
    assert "demographics: [district," in text
    typed = write(tmp_path, "inst.yaml", text.replace("demographics: [district,",
                                                      "demographics: [{age: numeric}, district,"))
    as_text = ce.read_responses(p, ce.Instrument.load(typed))
    fit = ce.image_model(as_text, inst, outcome="CITRA", controls=["age"])
    assert "age" in fit.table["term"].tolist() and len(fit.table) == 7
    plain = ce.read_responses(p, inst)  # age not declared: text with ~50 levels, refused
    with pytest.raises(ce.InputError, match="numbers held as text"):
        ce.image_model(plain, inst, outcome="CITRA", controls=["age"])


def test_demographics_and_id_missing(tmp_path, mini):
    p = tmp_path / "resp.csv"
    p.write_text("id,a,b,c,d,e\nr1,1,2,3,4,5\n", encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    msgs = [q.message for q in exc.value.problems]
    assert any("respondent id column 'rid' is missing" in m for m in msgs)
    assert any("demographic column(s) district are missing" in m for m in msgs)


@pytest.mark.parametrize("text, words", [
    ("rid,district,a,b,c,d,e\n", "no respondents"),
    ("rid,district,a,b,c,d,e\nr1,Utara,1,2,3\n", "expected 7 fields, found 5"),
    ("rid,rid,district,a,b,c,d,e\nr1,r1,U,1,2,3,4,5\n", "duplicate column(s) rid"),
])
def test_file_level_errors(tmp_path, mini, text, words):
    p = tmp_path / "resp.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ce.InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        ce.read_responses(p, mini)


def test_missing_file(tmp_path, mini):
    with pytest.raises(ce.InputError, match="file not found") as exc:
        ce.read_responses(tmp_path / "nope.csv", mini)
    assert exc.value.path == str(tmp_path / "nope.csv")


def test_instrument_argument_type(tmp_path):
    with pytest.raises(TypeError, match="instrument must be an Instrument"):
        ce.read_responses(tmp_path / "x.csv", {"scales": {}})


# --------------------------------------------------------------------------- scoring

def frame(rows):
    return pd.DataFrame(rows, columns=["rid", "district", "a", "b", "c", "d", "e"])


def test_reverse_keying_by_hand(mini):
    resp = frame([["r1", "U", 5.0, 4.0, 2.0, 1.0, 1.0]])
    keyed = keyed_items(resp, mini, "S")
    assert keyed.iloc[0].tolist() == [5.0, 4.0, 4.0]  # c: 1 + 5 - 2 = 4


def test_score_scales_by_hand(mini):
    resp = frame([
        ["r1", "U", 5.0, 4.0, 2.0, 1.0, 3.0],        # S: (5+4+4)/3, T: 2, ALL: (5+4+4+1+3)/5
        ["r2", "B", 1.0, np.nan, 5.0, np.nan, 4.0],  # S: (1+1)/2 = 1, T: 4, ALL: (1+1+4)/3
        ["r3", "B", np.nan, np.nan, 3.0, np.nan, np.nan],  # S: 3 (one item), T: NaN
    ])
    scores = ce.score_scales(resp, mini)
    assert list(scores.columns) == ["rid", "district", "S", "T", "ALL"]
    assert scores["S"].tolist()[:2] == pytest.approx([13 / 3, 1.0])
    assert scores.loc[2, "S"] == 3.0
    assert scores["T"].tolist()[:2] == [2.0, 4.0] and math.isnan(scores.loc[2, "T"])
    assert scores["ALL"].tolist()[:2] == pytest.approx([17 / 5, 2.0])
    strict = ce.score_scales(resp, mini, min_items=2)
    assert math.isnan(strict.loc[2, "S"]) and strict.loc[1, "S"] == 1.0
    assert math.isnan(strict.loc[1, "T"])  # only one of the two T items answered


def test_score_scales_argument_errors(mini):
    resp = frame([["r1", "U", 5.0, 4.0, 2.0, 1.0, 3.0]])
    with pytest.raises(ValueError, match="min_items must be at least 1, got 0"):
        ce.score_scales(resp, mini, min_items=0)
    with pytest.raises(TypeError, match="min_items must be an integer, got str"):
        ce.score_scales(resp, mini, min_items="2")
    with pytest.raises(ValueError, match="unknown scale 'Q'"):
        ce.score_scales(resp, mini, scales=["Q"])
    with pytest.raises(ValueError, match="outside the response scale"):
        ce.score_scales(resp.assign(a=7.0), mini)
    with pytest.raises(ValueError, match="lack item column"):
        ce.score_scales(resp.drop(columns="a"), mini)
    with pytest.raises(TypeError, match="responses must be a pandas DataFrame"):
        ce.score_scales(resp.to_dict(), mini)


def test_likert_table_by_hand(mini):
    resp = frame([["r1", "U", 5.0, 4.0, 2.0, 1.0, 3.0], ["r2", "U", 5.0, 4.0, 2.0, 1.0, 3.0],
                  ["r3", "U", 1.0, 4.0, 2.0, 1.0, 3.0], ["r4", "U", np.nan, 4.0, 2.0, 1.0, 3.0]])
    tab = ce.likert_table(resp, mini, items=["a"], lang="en")
    assert tab["option"].tolist() == [1, 2, 3, 4, 5]
    assert tab["count"].tolist() == [1, 0, 0, 0, 2]
    assert tab["percent"].tolist() == pytest.approx([100 / 3, 0, 0, 0, 200 / 3])
    assert tab["label"].tolist() == ["Strongly disagree", "", "", "Agree", "Strongly agree"]
    assert set(tab["n_answered"]) == {3} and set(tab["n_missing"]) == {1}
    with pytest.raises(ValueError, match="not in the instrument"):
        ce.likert_table(resp, mini, items=["zz"])


def test_likert_table_names_an_item_nobody_answered(mini):
    """Session 14: an item whose every cell is empty (a misnamed column, an incomplete
    export) got rows of count 0 and percent NaN and no word. A ScaleWarning names the items
    and the fix, with the words item_statistics uses for the same item; answered items give
    none."""
    resp = frame([["r1", "U", 5.0, np.nan, 2.0, np.nan, 3.0],
                  ["r2", "U", 4.0, np.nan, 2.0, np.nan, 3.0]])
    with pytest.warns(ce.ScaleWarning, match=r"^likert_table: item\(s\) b, d: no answers at "
                                             r"all \(every cell is empty\): is the column "
                                             r"misnamed or the export incomplete\?") as w:
        tab = ce.likert_table(resp, mini)
    assert len(w) == 1
    assert tab.loc[tab["item"] == "b", "percent"].isna().all()
    with pytest.warns(ce.ScaleWarning) as stats:
        ce.item_statistics(resp, mini)
    assert any("item b: no answers at all (every cell is empty): is the column misnamed or "
               "the export incomplete?" in str(x.message) for x in stats)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce.likert_table(resp, mini, items=["a", "c"])


# --------------------------------------------------------------------------- CLI

@pytest.mark.slow
def test_cli_survey_writes_tables(cli, tmp_path):
    out = tmp_path / "tables"
    res = cli("survey", "--instrument", str(INSTRUMENT), "--responses", str(RESPONSES),
              "--out", str(out), "--outcome", "CITRA", "--controls", "district")
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["image_model.csv", "item_statistics.csv", "likert.csv", "reliability.csv",
                     "scale_scores.csv"]
    model = pd.read_csv(out / "image_model.csv")
    assert list(model.columns) == ce.COEF_COLUMNS
    assert "district[T.Banjarmasin Tengah]" in set(model["term"])
    rel = pd.read_csv(out / "reliability.csv")
    assert len(rel) == 11 and rel["alpha"].between(0.5, 1).all()
    assert len(pd.read_csv(out / "scale_scores.csv")) == 400


@pytest.mark.slow
def test_cli_survey_without_outcome_skips_the_model_with_a_note(cli, tmp_path):
    """No outcome is assumed: without --outcome the model is skipped and a note says so
    (outside a study folder; inside one, study.yaml's outcome is the default)."""
    out = tmp_path / "tables"
    res = cli("survey", "--instrument", str(INSTRUMENT), "--responses", str(RESPONSES),
              "--out", str(out), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert not (out / "image_model.csv").exists()
    assert (out / "reliability.csv").is_file()
    assert res.stderr.startswith("note: no --outcome given: the image model")


@pytest.mark.slow
def test_cli_survey_bad_input_exit_2_nothing_written(cli, tmp_path):
    inst = write(tmp_path, "inst.yaml", MINI)
    resp = tmp_path / "resp.csv"
    resp.write_text(csv_lines("r1,Utara,5,4,3,2,1", "r2,Utara,setuju,4,3,2,1"), encoding="utf-8")
    out = tmp_path / "out"
    res = cli("survey", "--instrument", str(inst), "--responses", str(resp), "--out", str(out))
    assert res.returncode == 2
    assert res.stderr.startswith(f"error: {resp}:3: ")
    assert "Traceback" not in res.stderr
    assert not out.exists()


@pytest.mark.slow
def test_cli_validate_survey(cli, tmp_path):
    ok = cli("validate", "--instrument", str(INSTRUMENT), "--responses", str(RESPONSES))
    assert ok.returncode == 0, ok.stderr
    assert "responses: 400 respondents" in ok.stdout
    # the scale warnings survey prints (docs/survey.md: CR and CN each have one respondent
    # who answered one of three items), one line each
    assert ok.stderr.splitlines() == [
        f"warning: {RESPONSES}: scale {s}: 1 respondent(s) answered fewer than half of the 3 "
        "items, so their scores rest on few items: set 'min_items: 2' in study.yaml, or pass "
        "min_items=2 to score_scales, scale_reliability and image_model ('citra-eval survey "
        "--min-items 2')"
        for s in ("CR", "CN")]
    bad = write(tmp_path, "bad.yaml", MINI.replace("reverse: [c]", "reverse: [z]"))
    res = cli("validate", "--instrument", str(bad))
    assert res.returncode == 2
    assert f"error: {bad}:13: reverse item 'z'" in res.stderr


@pytest.mark.slow
def test_cli_validate_warns_about_a_missing_reverse_key(cli, tmp_path):
    """Issue 14.8: validate says which item correlates negatively with its scale (exit 0)."""
    inst = write(tmp_path, "inst.yaml", MINI)
    rows = [f"r{i},Utara,{a},{a},{a},{a},{a}" for i, a in enumerate([1, 2, 3, 4, 5, 4, 2])]
    resp = write(tmp_path, "resp.csv", csv_lines(*rows))  # c keyed reversed, answered as a
    res = cli("validate", "--instrument", str(inst), "--responses", str(resp))
    assert res.returncode == 0, res.stderr
    assert f"warning: {resp}: scale S, item c: correlates negatively with the rest of the " \
        "scale (r_drop = -1.00): is a reverse key missing?" in res.stderr


@pytest.mark.slow
def test_cli_survey_unknown_outcome(cli, tmp_path):
    res = cli("survey", "--instrument", str(INSTRUMENT), "--responses", str(RESPONSES),
              "--out", str(tmp_path / "o"), "--outcome", "NOPE")
    assert res.returncode == 2
    assert res.stderr.startswith(f"error: {INSTRUMENT}: --outcome 'NOPE' is not a scale")
    assert not (tmp_path / "o").exists()


def test_min_items_is_capped_per_scale(mini):
    """Stats report 7: min_items=3 with the two-item scale T (and the three-item S) was a
    ValueError; it now applies per scale, T needing both of its items."""
    resp = frame([
        ["r1", "U", 5.0, 4.0, 2.0, 1.0, 3.0],        # every item answered
        ["r2", "B", 1.0, np.nan, 5.0, np.nan, 4.0],  # S 2 of 3, T 1 of 2
        ["r3", "B", 2.0, 3.0, 3.0, 2.0, np.nan],     # S 3 of 3, T 1 of 2
    ])
    scores = ce.score_scales(resp, mini, min_items=3)
    assert scores["S"].tolist()[0] == pytest.approx(13 / 3)  # (5 + 4 + (6 - 2)) / 3
    assert math.isnan(scores.loc[1, "S"]) and scores.loc[2, "S"] == pytest.approx(8 / 3)
    assert scores["T"].tolist()[0] == 2.0 and scores["T"].iloc[1:].isna().all()
    assert scores["ALL"].tolist() == pytest.approx([17 / 5, 2.0, 2.5])  # 3 of 5 suffice
    every = ce.score_scales(resp, mini, min_items=99)  # every item of every scale
    assert every.loc[0].drop(["rid", "district"]).notna().all()
    assert every[["S", "T", "ALL"]].notna().to_numpy().tolist() == [
        [True, True, True], [False, False, False], [True, False, False]]


def test_a_bare_string_is_not_a_list_of_names(mini):
    """Stats report 15: scales="IMG" was read as the scales I, M, G ("unknown scale 'I'");
    one rule now for every argument naming several things (the validation module's)."""
    resp = frame([["r1", "U", 5.0, 4.0, 2.0, 1.0, 3.0]])
    for call in (lambda: ce.score_scales(resp, mini, scales="S"),
                 lambda: ce.scale_reliability(resp, mini, scales="S"),
                 lambda: ce.item_statistics(resp, mini, scales="S")):
        with pytest.raises(TypeError, match=r"scales must be a list of names, got the string "
                                            r"'S' \(write \['S'\] for one name\)"):
            call()
    with pytest.raises(TypeError, match="items must be a list of names"):
        ce.likert_table(resp, mini, items="a")
    with pytest.raises(ValueError, match="scales names 'S' more than once"):
        ce.score_scales(resp, mini, scales=["S", "S"])
    assert list(ce.score_scales(resp, mini, scales=["T"]).columns)[-1] == "T"


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated_responses_are_read(tmp_path, mini, sep):
    """Stats report 14: Excel's CSV in Indonesian (';') or its tab-delimited text gave
    "the respondent id column 'rid' is missing" without naming the separator."""
    rows = ["rid,district,a,b,c,d,e", "r1,U,1,2,3,4,5", "r2,B,5,4,,2,1"]
    p = tmp_path / "resp.csv"
    p.write_text("\n".join(r.replace(",", sep) for r in rows) + "\n", encoding="utf-8")
    comma = tmp_path / "comma.csv"
    comma.write_text("\n".join(rows) + "\n", encoding="utf-8")
    pd.testing.assert_frame_equal(ce.read_responses(p, mini), ce.read_responses(comma, mini))


def test_unnamed_empty_trailing_columns_are_ignored(tmp_path, mini):
    """Stats report 14: Excel's trailing ',,' gave "duplicate column(s) ; keep one of each"
    with an empty name; an unnamed column holding values is named by its position."""
    p = tmp_path / "resp.csv"
    p.write_text("rid,district,a,b,c,d,e,,\nr1,U,1,2,3,4,5,,\nr2,B,5,4,,2,1,,\n",
                 encoding="utf-8")
    resp = ce.read_responses(p, mini)
    assert list(resp.columns) == ["rid", "district", "a", "b", "c", "d", "e"]
    assert resp["e"].tolist() == [5.0, 1.0]
    p.write_text("rid,district,a,b,c,d,e,,\nr1,U,1,2,3,4,5,,\nr2,B,5,4,,2,1,,x\n",
                 encoding="utf-8")
    with pytest.raises(ce.InputError, match="column 9 has no name in the header but holds "
                                            "values") as exc:
        ce.read_responses(p, mini)
    assert exc.value.line == 3


def test_a_one_column_header_names_the_separator(tmp_path, mini):
    p = tmp_path / "resp.csv"
    p.write_text("rid|district|a|b|c|d|e\nr1|U|1|2|3|4|5\n", encoding="utf-8")
    with pytest.raises(ce.InputError, match="seems to use another separator"):
        ce.read_responses(p, mini)


def test_missing_value_markers_in_a_text_demographic_are_refused(tmp_path, mini):
    """Stats report 16: "N/A" and "NA" in a text demographic became groups (compared and
    used as controls) while the same cells in an item column are refused."""
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines("r1,Utara,1,2,3,4,5", "r2,N/A,1,2,3,4,5", "r3,,1,2,3,4,5",
                           "r4,na,1,2,3,4,5"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    found = [(q.line, q.message) for q in exc.value.problems]
    assert [line for line, _ in found] == [3, 5]
    assert "demographic 'district': 'N/A' looks like a missing-value marker; leave the " \
        "cell empty" in found[0][1]


def test_a_missing_code_in_a_text_demographic_is_refused_or_read_as_declared(tmp_path):
    """New-user report 4: 99 in a text demographic became a group (even the model's
    reference level), while the same code in an item column is refused."""
    rows = ["rid,sector,age,a,b", "r1,public,34,1,2", "r2,99,999,2,3", "r3,private,-9,3,4",
            "r4,DK,51,2,2"]
    p = write(tmp_path, "resp.csv", "\n".join(rows) + "\n")
    spec = {"scale": {"min": 1, "max": 5}, "id_column": "rid",
            "scales": {"S": {"items": ["a", "b"]}}, "demographics": ["sector", "age"]}
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, ce.Instrument.from_dict(spec))
    found = [(q.line, q.message) for q in exc.value.problems]
    assert [line for line, _ in found] == [3]  # 99 among words; DK is a plausible category
    assert "'99' looks like a missing-value marker" in found[0][1]
    assert "'missing: [99]'" in found[0][1]
    # declared: the top-level codes blank text demographics, a numeric one keeps 99 unless
    # it declares its own codes
    declared = {**spec, "missing": [99, "DK"],
                "demographics": ["sector", {"age": {"type": "numeric", "missing": [999, -9]}}]}
    got = ce.read_responses(p, ce.Instrument.from_dict(declared))
    assert got["sector"].tolist() == ["public", None, "private", None]
    assert got["age"].tolist()[::3] == [34.0, 51.0] and got["age"].isna().tolist() == [
        False, True, True, False]
    numeric_top = {**declared, "missing": [-9],
                   "demographics": ["sector", {"age": "numeric"}]}
    with pytest.raises(ce.InputError, match="'99' looks like a missing-value marker"):
        ce.read_responses(p, ce.Instrument.from_dict(numeric_top))
    kept = {**numeric_top, "missing": [99, "DK"]}
    assert ce.read_responses(p, ce.Instrument.from_dict(kept))["age"].tolist()[1:3] == [
        999.0, -9.0]  # the top-level codes do not apply to a numeric demographic
    coded = ["rid,district,a,b", "r1,11,1,2", "r2,99,2,3"]  # codes, not words: a level
    q = write(tmp_path, "codes.csv", "\n".join(coded) + "\n")
    numbers = {**spec, "demographics": ["district"]}
    assert ce.read_responses(q, ce.Instrument.from_dict(numbers))["district"].tolist() == [
        "11", "99"]


def test_a_demographic_level_that_is_also_a_missing_code_is_refused():
    spec = {"scale": {"min": 1, "max": 5}, "id_column": "rid",
            "scales": {"S": {"items": ["a", "b"]}},
            "demographics": [{"sector": {"levels": ["public", "DK"], "missing": ["DK"]}}]}
    with pytest.raises(ce.InputError, match="DK is both a level and a missing-value code"):
        ce.Instrument.from_dict(spec)


# --------------------------------------------------------------------------- response ranges

MIXED = """\
instrument: mixed
scale:
  min: 1
  max: 4
  labels: {1: {en: Never}, 4: {en: Always}}
id_column: rid
scales:
  S:
    items: [a, b, c]
    reverse: [c]
  P:
    items: [p1, p2]
    reverse: [p2]
    scale: {min: 1, max: 7, labels: {1: {en: Disagree}, 7: {en: Agree}}}
  Y:
    items: [y]
    scale: {min: 0, max: 10, labels: {0: {en: Not at all}, 10: {en: Completely}}}
"""


@pytest.fixture
def mixed(tmp_path) -> ce.Instrument:
    return ce.Instrument.load(write(tmp_path, "mixed.yaml", MIXED))


def mixed_csv(*rows: str) -> str:
    return "\n".join(["rid,a,b,c,p1,p2,y", *rows]) + "\n"


def test_each_scale_may_declare_its_own_response_range(mixed):
    assert [str(mixed.response_range(n)) for n in ("a", "S", "p2", "P", "y", "Y")] == [
        "1..4", "1..4", "1..7", "1..7", "0..10", "0..10"]
    assert mixed.response_range("y").options == list(range(0, 11))
    assert mixed.label(10, "en", of="y") == "Completely"
    assert mixed.label(7, "en", of="P") == "Agree" and mixed.label(4, "en", of="a") == "Always"
    with pytest.raises(ValueError, match=r"different response ranges \(1..4, 1..7, 0..10\)"):
        mixed.options  # noqa: B018 - the property raises
    with pytest.raises(ValueError, match="different response ranges"):
        mixed.label(1, "en")
    with pytest.raises(ValueError, match="unknown scale 'zz'"):
        mixed.response_range("zz")


def test_a_single_range_instrument_keeps_the_old_calls(mini):
    assert mini.options == [1, 2, 3, 4, 5] and mini.response_range().options == mini.options
    assert mini.label(4, "en") == "Agree" == mini.label(4, "en", of="a")


def test_items_are_read_against_their_own_range(tmp_path, mixed):
    ok = write(tmp_path, "ok.csv", mixed_csv("r1,1,4,4,7,1,0", "r2,4,1,1,1,7,10"))
    resp = ce.read_responses(ok, mixed)
    assert resp["y"].tolist() == [0.0, 10.0] and resp["p1"].tolist() == [7.0, 1.0]
    bad = write(tmp_path, "bad.csv", mixed_csv("r1,5,1,1,8,1,11", "r2,1,1,1,1,1,-1"))
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(bad, mixed)
    got = [(q.line, q.column) for q in exc.value.problems]
    assert got == [(2, "a"), (2, "p1"), (2, "y"), (3, "y")]
    messages = [q.message for q in exc.value.problems]
    assert "value 5 is outside the response scale 1..4" in messages[0]
    assert "value 8 is outside the response scale 1..7" in messages[1]
    assert "value 11 is outside the response scale 0..10" in messages[2]


def test_reverse_keying_uses_the_items_own_range_by_hand(mixed):
    resp = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 4.0], "c": [1.0, 4.0],
                         "p1": [7.0, 2.0], "p2": [1.0, 6.0], "y": [3.0, 10.0]})
    assert keyed_items(resp, mixed, "S")["c"].tolist() == [4.0, 1.0]   # 1 + 4 - x
    assert keyed_items(resp, mixed, "P")["p2"].tolist() == [7.0, 2.0]  # 1 + 7 - x
    scores = ce.score_scales(resp, mixed)
    assert scores["P"].tolist() == [7.0, 2.0]
    assert scores["S"].tolist() == [pytest.approx(6 / 3), pytest.approx(7 / 3)]
    assert scores["Y"].tolist() == [3.0, 10.0]
    with pytest.raises(ValueError, match=r"'y' has value 11 outside the response scale 0..10"):
        ce.score_scales(resp.assign(y=[11.0, 1.0]), mixed)


def test_likert_table_lists_each_items_own_options(mixed):
    resp = pd.DataFrame({"a": [1.0, 4.0], "b": [2.0, np.nan], "c": [1.0, 1.0],
                         "p1": [7.0, 7.0], "p2": [1.0, 2.0], "y": [0.0, 10.0]})
    tab = ce.likert_table(resp, mixed, lang="en")
    per_item = tab.groupby("item", sort=False)["option"].agg(list).to_dict()
    assert per_item["a"] == [1, 2, 3, 4] and per_item["p1"] == list(range(1, 8))
    assert per_item["y"] == list(range(0, 11))
    y = tab[tab["item"] == "y"].set_index("option")
    assert y.loc[0, "label"] == "Not at all" and y.loc[10, "label"] == "Completely"
    assert y.loc[10, "percent"] == 50.0 and y["count"].sum() == 2
    p1 = tab[tab["item"] == "p1"].set_index("option")
    assert p1.loc[7, "percent"] == 100.0 and p1.loc[7, "label"] == "Agree"


@pytest.mark.parametrize("patch, line, words", [
    # an item in two scales with different ranges
    ("  Z:\n    items: [a]\n    scale: {min: 0, max: 10}\n", 20,
     "item 'a' is in scale 'S' (responses 1..4) and in scale 'Z' (responses 0..10)"),
    # a composite over parts on different ranges
    ("  ALL:\n    of: [S, Y]\n", 19, "scale 'ALL' averages items answered on different "
     "response ranges (1..4, 0..10)"),
    ("  Z:\n    items: [z]\n    scale: {min: 3, max: 3}\n", 20,
     "scale 'Z': 'scale' needs whole numbers min < max"),
])
def test_bad_ranges_name_file_and_line(tmp_path, patch, line, words):
    p = write(tmp_path, "ins.yaml", MIXED + patch)
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(p)
    assert any(words in q.message and q.line == line and q.path == str(p)
               for q in exc.value.problems), exc.value.problems


def test_a_composite_takes_the_range_of_its_parts(tmp_path):
    p = write(tmp_path, "ins.yaml", MIXED + "  PP:\n    of: [P]\n")
    inst = ce.Instrument.load(p)
    assert str(inst.response_range("PP")) == "1..7"
    resp = pd.DataFrame({"a": [1.0], "b": [1.0], "c": [1.0], "p1": [7.0], "p2": [7.0],
                         "y": [0.0]})
    assert ce.score_scales(resp, inst)["PP"].tolist() == [4.0]  # (7 + (1 + 7 - 7)) / 2


# --------------------------------------------------------------------------- missing codes

def test_declared_missing_codes_are_read_as_missing(tmp_path):
    inst = ce.Instrument.load(write(tmp_path, "ins.yaml", MINI.replace(
        "id_column: rid\n", "id_column: rid\nmissing: [99, -9, DK]\n")))
    assert inst.missing == (99, -9, "DK")
    p = write(tmp_path, "resp.csv", csv_lines("r1,Utara,99,2,3,2,1", "r2,Utara,1,dk,3,-9,1",
                                              "r3,Utara,99.0,2,DK,2,5"))
    resp = ce.read_responses(p, inst)
    assert resp["a"].isna().tolist() == [True, False, True]
    assert resp["b"].isna().tolist() == [False, True, False]
    assert resp["c"].isna().tolist() == [False, False, True]
    assert resp["d"].isna().tolist() == [False, True, False]
    assert resp["e"].tolist() == [1.0, 1.0, 5.0]
    assert resp["district"].tolist() == ["Utara"] * 3


def test_scale_missing_codes_apply_to_its_items_only(tmp_path):
    inst = ce.Instrument.load(write(tmp_path, "ins.yaml", MINI.replace(
        "    items: [d, e]\n", "    items: [d, e]\n    missing: [8]\n")))
    assert inst.missing_codes("d") == (8,) and inst.missing_codes("a") == ()
    p = write(tmp_path, "resp.csv", csv_lines("r1,Utara,1,2,3,8,1", "r2,Utara,8,2,3,2,1"))
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    assert [(q.line, q.column) for q in exc.value.problems] == [(3, "a")]


def test_an_undeclared_code_names_the_missing_key(tmp_path, mini):
    p = write(tmp_path, "resp.csv", csv_lines("r1,Utara,99,2,3,2,1", "r2,Utara,1,DK,3,2,1"))
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    first, second = (q.message for q in exc.value.problems)
    assert "value 99 is outside the response scale 1..5" in first
    assert "'missing: [99]'" in first and "leave the cell empty" in first
    assert "got text 'DK'" in second and "'missing: [DK]'" in second


@pytest.mark.parametrize("patch, line, words", [
    ("missing: [99, 3]\n", 10, "missing-value code 3 is inside the response range 1..5 of "
     "scale 'S'"),
    ("missing: ['4']\n", 10, "missing-value code 4 is inside the response range 1..5"),
    ("missing: [true]\n", 10, "'missing' must list missing-value codes"),
    # office test 6: a form's choice declared missing turned every such answer into NaN
    ('missing: [99, "4 - Setuju"]\n', 10, "missing-value code '4 - Setuju' starts with option "
     "4 of the response range 1..5 of scale 'S', so it is a real answer: remove it from "
     "'missing' and enter 4"),
    ("missing: [DK, setuju]\n", 10, "missing-value code 'setuju' is the label of option 4"),
])
def test_a_missing_code_inside_the_range_is_refused(tmp_path, patch, line, words):
    p = write(tmp_path, "ins.yaml", MINI.replace("id_column: rid\n", "id_column: rid\n" + patch))
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(p)
    assert [(q.path, q.line) for q in exc.value.problems] == [(str(p), line)]
    assert words in exc.value.problems[0].message


def test_a_scale_missing_code_is_checked_against_the_scales_own_range(tmp_path):
    # 9 is outside 1..4 but inside P's 1..7 and Y's 0..10
    p = write(tmp_path, "ins.yaml", MIXED.replace(
        "    items: [y]\n", "    items: [y]\n    missing: [9]\n"))
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(p)
    assert [(q.line, q.message[:60]) for q in exc.value.problems] == [
        (17, "missing-value code 9 is inside the response range 0..10 of s")]


def test_a_quoted_label_key_says_it_must_be_a_number():
    """Survey report 10: labels: {"1": Never} read 'label key '1' is not a response option
    between 1 and 4', which contradicts itself."""
    spec = {"scale": {"min": 1, "max": 4, "labels": {"1": "Never", 4: "Always"}},
            "id_column": "rid", "scales": {"S": {"items": ["a", "b"]}}}
    with pytest.raises(ce.InputError, match=r"label key '1' is quoted, so YAML reads it as "
                       r"text; write the option as a number without quotes \(1: \.\.\.\)"):
        ce.Instrument.from_dict(spec)


def test_a_semicolon_file_reads_decimal_commas_in_a_numeric_demographic(tmp_path):
    """Survey report 8: semicolon files are what Excel writes where the comma is the decimal
    mark, yet 70,5 in a numeric demographic was one error per cell."""
    spec = {"scale": {"min": 1, "max": 5}, "id_column": "rid",
            "scales": {"S": {"items": ["a", "b"]}}, "demographics": [{"weight": "numeric"}]}
    inst = ce.Instrument.from_dict(spec)
    p = write(tmp_path, "semi.csv", "rid;weight;a;b\nr1;70,5;1;2\nr2;-3,25;2;3\nr3;80;3;4\n")
    assert ce.read_responses(p, inst)["weight"].tolist() == [70.5, -3.25, 80.0]
    q = write(tmp_path, "comma.csv", 'rid,weight,a,b\nr1,"70,5",1,2\n')
    with pytest.raises(ce.InputError, match=r"write '70\.5' with a decimal point"):
        ce.read_responses(q, inst)  # in a comma file a decimal comma is still refused


@pytest.mark.parametrize("content, expected", [
    # a semicolon file whose header holds a comma (a free-text column's name)
    ("rid;a;b;Remarks, other\nr1;1;2;ok\nr2;3;4;\n", None),
    # Excel's separator hint on the first line
    ("sep=;\nrid;a;b\nr1;1;2\nr2;3;4\n", None),
    ('"sep=;"\r\nrid;a;b\r\nr1;1;2\r\nr2;3;4\r\n', None),
    # a title row above the header
    ("Survey of 2024,,\nrid,a,b\nr1,1,2\n",
     r"resp.csv:1: the header \(with the id column 'rid'\) is on line 2, not on the first "
     r"line; delete the line\(s\) above it"),
])
def test_spreadsheet_csv_shapes_are_read_or_named(tmp_path, content, expected):
    """Survey report 7: three common spreadsheet CSV shapes got messages saying the id
    column and every item were missing, or that column 2 had no name."""
    inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5}, "id_column": "rid",
                                    "scales": {"S": {"items": ["a", "b"]}}})
    p = tmp_path / "resp.csv"
    p.write_bytes(content.encode("utf-8"))
    if expected is None:
        got = ce.read_responses(p, inst)
        assert got["rid"].tolist() == ["r1", "r2"] and got["b"].tolist() == [2.0, 4.0]
    else:
        with pytest.raises(ce.InputError) as exc:
            ce.read_responses(p, inst)
        assert re.search(expected, exc.value.format())


RANGED = {"scale": {"min": 1, "max": 5}, "id_column": "rid",
          "scales": {"S": {"items": ["a", "b"]}},
          "demographics": ["sector", {"age": {"type": "numeric", "min": 17, "max": 99,
                                              "missing": [999]}},
                           {"persons": {"type": "numeric", "min": 1}}]}


def _ranged_csv(tmp_path: Path, *rows: str) -> Path:
    return write(tmp_path, "resp.csv", "\n".join(["rid,sector,age,persons,a,b", *rows]) + "\n")


def test_a_numeric_demographic_may_declare_its_range():
    """A user's request: an age of 999 or -3 typed by mistake passed silently. A numeric
    demographic declares 'min'/'max' (either or both), as a scale declares its range."""
    inst = ce.Instrument.from_dict(RANGED)
    age, persons = inst.demographic_types["age"], inst.demographic_types["persons"]
    assert (age.min, age.max, age.missing) == (17, 99, (999,))
    assert (persons.min, persons.max) == (1, None)
    assert (inst.demographic_types["sector"].min, inst.demographic_types["sector"].max) == (
        None, None)


def test_values_outside_a_declared_demographic_range_are_refused(tmp_path):
    p = _ranged_csv(tmp_path, "r1,public,17,1,1,2", "r2,public,150,2,2,3", "r3,private,-3,0,3,4",
                    "r4,private,999,4,2,2", "r5,public,99,3,4,4", "r6,public,45.5,,1,1")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, ce.Instrument.from_dict(RANGED))
    got = {(q.line, q.column): q.message for q in exc.value.problems}
    assert sorted(got) == [(3, "age"), (4, "age"), (4, "persons")]
    msg = got[(3, "age")]
    assert "demographic 'age': value 150 is outside its declared range 17..99" in msg
    assert "correct it" in msg and "missing: [150]" not in msg
    # docs finding (session 18): the advice 'age: {type: numeric, missing: [150]}', copied
    # as written, dropped the declared min/max and the code 999; it keeps them now
    assert ("add 150 to the 'missing:' list of 'age' in the instrument: 'age: {type: numeric, "
            "min: 17, max: 99, missing: [999, 150]}'") in msg
    assert "'persons: {type: numeric, min: 1, missing: [0]}'" in got[(4, "persons")]
    assert "value -3 is outside its declared range 17..99" in got[(4, "age")]
    assert "value 0 is outside its declared range (at least 1)" in got[(4, "persons")]
    first = exc.value.format().splitlines()[0]
    assert first.startswith(f"error: {p}:3: ") and "'age'" in first
    # the boundaries, a fraction inside, a blank and the declared code 999 are read
    ok = _ranged_csv(tmp_path, "r1,public,17,1,1,2", "r4,private,999,4,2,2",
                     "r5,public,99,3,4,4", "r6,public,45.5,,1,1")
    resp = ce.read_responses(ok, ce.Instrument.from_dict(RANGED))
    assert resp["age"].tolist()[::2] == [17.0, 99.0] and np.isnan(resp.loc[1, "age"])
    # without a declared range nothing changes: 150 and -3 are read as they are
    plain = {**RANGED, "demographics": ["sector", {"age": "numeric"}, {"persons": "numeric"}]}
    resp = ce.read_responses(_ranged_csv(tmp_path, "r2,public,150,2,2,3",
                                         "r3,private,-3,0,3,4"), ce.Instrument.from_dict(plain))
    assert resp["age"].tolist() == [150.0, -3.0]


@pytest.mark.parametrize("spec, words", [
    ("  - sector: {type: categorical, min: 1}\n",
     "demographic 'sector': 'min' and 'max' are for a numeric demographic"),
    ("  - age: {type: numeric, min: 99, max: 17}\n", "needs min < max, got min=99, max=17"),
    ("  - age: {type: numeric, min: ten}\n", "'min' must be a number, got 'ten'"),
    ("  - age: {type: numeric, min: 0, max: 120, missing: [99]}\n",
     "missing-value code 99 is inside the declared range 0..120"),
])
def test_bad_demographic_ranges(tmp_path, spec, words):
    text = MINI.replace("demographics: [district]\n", "demographics:\n  - district\n" + spec)
    with pytest.raises(ce.InputError, match=words) as exc:
        ce.Instrument.load(write(tmp_path, "inst.yaml", text))
    assert exc.value.problems[0].line == 20  # the entry


def test_a_decimal_comma_answer_is_a_fractional_answer_not_text(tmp_path):
    """'4,5' in an item of a semicolon (decimal-comma) file was 'text', with the fix
    "declare '4,5' a missing-value code ('missing: [4,5]')": in YAML two codes, 4 and 5."""
    spec = {"scale": {"min": 1, "max": 7}, "id_column": "rid",
            "scales": {"S": {"items": ["a", "b"]}}, "demographics": [{"weight": "numeric"}]}
    inst = ce.Instrument.from_dict(spec)
    p = write(tmp_path, "semi.csv", "rid;a;b;weight\nr1;4,5;3;64,5\nr2;2;3;30\nr3;5;6,0;41\n")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    (problem,) = exc.value.problems  # 6,0 is the whole number 6
    assert problem.line == 2
    assert problem.message == "item 'a' must be a whole number 1..7, got '4,5'"
    # where a comma is not the decimal mark the cell is text; a code holding a comma is
    # suggested quoted, never as the two codes of 'missing: [4,5]'
    q = write(tmp_path, "comma.csv", 'rid,a,b,weight\nr1,"4,5",3,64\nr2,2,3,30\n')
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(q, inst)
    (problem,) = exc.value.problems
    # quant repro 3: the advice to declare it a missing-value code would have turned a real
    # answer into NaN; the message names the decimal comma and how to fix it instead
    assert "got '4,5', a number with a decimal comma (a fractional answer)" in problem.message
    assert "whole number 1..7" in problem.message and "missing" not in problem.message


def test_every_kind_of_bad_item_cell_keeps_its_message_line_and_column(tmp_path):
    """The items are parsed a column at a time; the messages, their lines and their order
    are those the former cell-by-cell loop gave (recorded from it)."""
    inst = ce.Instrument.load(write(tmp_path, "inst.yaml", MINI.replace(
        "id_column: rid\n", "id_column: rid\nmissing: [99, DK]\n")))
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines(
        "r1,U,1,2,3,4,5", "r2,U,99,dk,,4,5", "r3,U,inf,Setuju,=4,'3,4 - Setuju",
        "r4,U,4.5,6,0,-1,x", "r5,U,1e400,2.0,#N/A,5 (Setuju),3", "r6,U,-inf,nan,4,,1",
        "r7,U,5,3,2,1,1.0", "r8,U,7,1,=A1+1,Sangat setuju,99"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    assert [(q.line, q.column, q.message) for q in exc.value.problems] == [
        (4, 'a', "item 'a' must be a whole number 1..5, got 'inf'"),
        (4, 'b', "item 'b' must be a number, got text 'Setuju'; 'Setuju' is the label of "
         'option 4, enter 4'),
        (4, 'c', "item 'c' must be a number, got text '=4'; '=4' is a spreadsheet formula "
         "saved as text; enter 4 (or export the form's values as numbers)"),
        (4, 'd', 'item \'d\' must be a number, got text "\'3"; "\'3" carries Excel\'s text '
         "prefix (the leading '); enter 3 without it (or export the form's values "
         'as numbers)'),
        (4, 'e', "item 'e' must be a number, got text '4 - Setuju'; '4 - Setuju' starts "
         "with option 4; enter 4 (or export the form's values as numbers)"),
        (5, 'a', "item 'a' must be a whole number 1..5, got '4.5'"),
        (5, 'b', "item 'b': value 6 is outside the response scale 1..5; correct it, or "
         'leave the cell empty if unanswered (if it is a missing-value code, '
         "declare it in the instrument instead: 'missing: [6]')"),
        (5, 'c', "item 'c': value 0 is outside the response scale 1..5; correct it, or "
         'leave the cell empty if unanswered (if it is a missing-value code, '
         "declare it in the instrument instead: 'missing: [0]')"),
        (5, 'd', "item 'd': value -1 is outside the response scale 1..5; correct it, or "
         'leave the cell empty if unanswered (if it is a missing-value code, '
         "declare it in the instrument instead: 'missing: [-1]')"),
        (5, 'e', "item 'e' must be a number, got text 'x'; enter a whole number 1..5 (the "
         "option the respondent chose), or leave the cell empty if unanswered"),
        (6, 'a', "item 'a' must be a whole number 1..5, got '1e400'"),
        (6, 'c', "item 'c' must be a number, got text '#N/A'; '#N/A' is a spreadsheet error "
         'value (a formula that failed), not an answer: fix the formula in the '
         'spreadsheet and export the values again, or leave the cell empty if '
         'unanswered'),
        (6, 'd', "item 'd' must be a number, got text '5 (Setuju)'; '5 (Setuju)' starts "
         "with option 5 but 'Setuju' is the label of option 4: check which was "
         "meant and enter it (or export the form's values as numbers)"),
        (7, 'a', "item 'a' must be a whole number 1..5, got '-inf'"),
        (7, 'b', "item 'b' must be a number, got text 'nan'; enter a whole number 1..5, "
         "leave the cell empty if unanswered, or declare 'nan' a missing-value code "
         "in the instrument ('missing: [nan]')"),
        (9, 'a', "item 'a': value 7 is outside the response scale 1..5; correct it, or "
         'leave the cell empty if unanswered (if it is a missing-value code, '
         "declare it in the instrument instead: 'missing: [7]')"),
        (9, 'c', "item 'c' must be a number, got text '=A1+1'; '=A1+1' is a spreadsheet "
         'formula saved as text, not its value: export the values (in Excel: copy, '
         'then Paste Special > Values) or enter the answer'),
        (9, 'd', "item 'd' must be a number, got text 'Sangat setuju'; 'Sangat setuju' is "
         'the label of option 5, enter 5'),
    ]
    p.write_text(csv_lines("r1,U,1,2,3,4,5", "r2,U,99,dk,,4,5", "r3,U,1.0,5,DK,2,3"),
                 encoding="utf-8")
    resp = ce.read_responses(p, inst)
    np.testing.assert_array_equal(resp[["a", "b", "c", "d", "e"]].to_numpy(), [
        [1, 2, 3, 4, 5], [np.nan, np.nan, np.nan, 4, 5], [1, 5, np.nan, 2, 3]])
    assert resp[["a", "b", "c", "d", "e"]].dtypes.eq("float64").all()



# --------------------------------------------------------------------------- session 16 (quant)

_KEYED = """instrument: t
scale: {min: 1, max: 4}
id_column: rid
scales:
  A: {items: [a1, a2, a3], reverse: [a3]}
  X: {items: [a3, b1]}
  AX: {of: [A, X]}
"""


def test_a_composite_whose_parts_key_an_item_in_opposite_directions_is_refused(tmp_path):
    """Quant repro 2: A reverses a3, X does not; AX = of: [A, X] silently took it reversed."""
    p = write(tmp_path, "ins.yaml", _KEYED)
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(p)
    (problem,) = exc.value.problems
    assert problem.line == 7
    assert problem.message.startswith("scale 'AX': item 'a3' is reverse-keyed in scale 'A' "
                                      "but not in scale 'X'")
    # keyed alike in both parts: accepted, reversed once
    ok = write(tmp_path, "ok.yaml", _KEYED.replace("X: {items: [a3, b1]}",
                                                    "X: {items: [a3, b1], reverse: [a3]}"))
    assert ce.Instrument.load(ok).scales["AX"].reverse == ("a3",)
    # the composite's own items count as a part too
    own = write(tmp_path, "own.yaml", _KEYED.replace("AX: {of: [A, X]}",
                                                      "AX: {items: [a3], of: [A]}"))
    with pytest.raises(ce.InputError, match=r"item 'a3' is reverse-keyed in scale 'A' but "
                                            r"not in scale 'AX'"):
        ce.Instrument.load(own)


@pytest.mark.parametrize("scales, line, words", [
    ("  A: {items: [a1, a2], reverse: [a2, a2]}\n", 5,
     "scale 'A' lists reverse item(s) a2 more than once"),
    ("  A: {items: [a1, a2]}\n  B: {of: [A, A]}\n", 6,
     "scale 'B' lists scale(s) A more than once in 'of'"),
])
def test_names_given_twice_in_reverse_or_of_are_refused(tmp_path, scales, line, words):
    """Quant repro 5: refused in 'items', accepted silently in 'reverse' and 'of'."""
    p = write(tmp_path, "ins.yaml", "instrument: t\nscale: {min: 1, max: 4}\nid_column: rid\n"
              "scales:\n" + scales)
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(p)
    assert [(q.line, q.message) for q in exc.value.problems] == [(line, words)]


def test_the_suggested_missing_codes_lie_outside_every_range(tmp_path):
    """Quant repro 8: beside a 0..100 scale the refusal of 99 suggested '(e.g. 99 or -9)'."""
    p = write(tmp_path, "ins.yaml", "instrument: t\nscale: {min: 1, max: 4}\nid_column: rid\n"
              "missing: [99]\nscales:\n  A: {items: [a1]}\n"
              "  S: {items: [s1], scale: {min: 0, max: 100}}\n")
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(p)
    (problem,) = exc.value.problems
    assert "(e.g. -9 or 999)" in problem.message and "99 or" not in problem.message


def test_a_decimal_comma_number_inside_a_range_is_no_missing_code(tmp_path):
    """Quant: 'missing: ["2,5"]' was accepted, so a real (fractional) answer 2,5 would have
    been read as no answer; a decimal-comma code outside every range stays a code."""
    text = ("instrument: t\nscale: {min: 1, max: 4}\nid_column: rid\n"
            "missing: [\"CODE\"]\nscales:\n  A: {items: [a1, a2]}\n")
    with pytest.raises(ce.InputError) as exc:
        ce.Instrument.load(write(tmp_path, "in.yaml", text.replace("CODE", "2,5")))
    (problem,) = exc.value.problems
    assert problem.line == 4
    assert "'2,5' is the number 2.5 written with a decimal comma" in problem.message
    assert "remove it from 'missing'" in problem.message
    inst = ce.Instrument.load(write(tmp_path, "out.yaml", text.replace("CODE", "-9,5")))
    assert list(inst.scales["A"].items) == ["a1", "a2"]


def test_describe_says_one_scale_in_the_singular():
    """Quant item 8: 'ok: instrument: 1 scales'."""
    inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 4}, "id_column": "rid",
                                    "scales": {"S": {"items": ["a"]}}})
    assert inst.describe() == "1 scale"


# --------------------------------------------------------------------------- session 17

def test_ids_are_checked_with_the_messages_of_the_former_row_loop(tmp_path, mini):
    """``_check_ids`` checks the column at once; its messages, lines and order are those the
    former row-by-row loop gave (recorded from it): empty ids, and duplicates naming the
    line of the first occurrence (an empty id is no first occurrence)."""
    p = tmp_path / "ids.csv"
    p.write_text(csv_lines("r1,U,1,2,3,4,5", ",U,1,2,3,4,5", "r2,U,1,2,3,4,5",
                           "r1,U,1,2,3,4,5", ",U,1,2,3,4,5", "r1,U,9,2,3,4,5",
                           "r2,U,1,2,3,4,5"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    assert [(q.line, q.column, q.message) for q in exc.value.problems] == [
        (3, "rid", "empty respondent id; give every row a unique id"),
        (5, "rid", "duplicate respondent id 'r1' (first on line 2); ids must be unique"),
        (6, "rid", "empty respondent id; give every row a unique id"),
        (7, "rid", "duplicate respondent id 'r1' (first on line 2); ids must be unique"),
        (7, "a", "item 'a': value 9 is outside the response scale 1..5; correct it, or "
         "leave the cell empty if unanswered (if it is a missing-value code, declare it in "
         "the instrument instead: 'missing: [9]')"),
        (8, "rid", "duplicate respondent id 'r2' (first on line 4); ids must be unique")]


def test_a_responses_frame_names_the_row_of_a_bad_value(mini):
    """Session 17: a responses DataFrame (no file) with a value outside the response scale
    or text in an item named no row; it is named as the codings checks name theirs: by
    position and index label."""
    resp = frame([["r1", "U", 5.0, 4.0, 2.0, 1.0, 3.0], ["r2", "U", 7.0, 4.0, 2.0, 1.0, 3.0]])
    with pytest.raises(ce.InputError) as info:
        ce.score_scales(resp, mini)
    assert str(info.value) == (
        "<input>: row 1: responses column 'a' has value 7 outside the response scale 1..5 "
        "of the item; correct it, or set it to NaN (missing)")
    resp.index = [100, 101]
    _row_1_refused(resp, mini, "has value 7 outside")
    text = resp.assign(a=["5", "tiga"])
    with pytest.raises(ce.InputError) as info:
        ce.score_scales(text, mini)
    assert str(info.value) == (
        "<input>: row 1 (index 101): responses column 'a' must be numeric, got dtype "
        f"{text['a'].dtype} holding 'tiga'; 'tiga' is the number 3 written as a word; enter "
        "the digit 3 (read a responses file with read_responses(path, instrument), which "
        "checks every cell)")
    with pytest.raises(ce.InputError, match=r"^<input>: row 0 \(index 100\): responses column "
                       r"'a' must be numeric, got dtype \w+ holding '5'; convert the "
                       r"column with pd.to_numeric"):
        ce.score_scales(resp.assign(a=["5", "4"]), mini)


@pytest.mark.parametrize("cell, hint", [
    ("tiga", "'tiga' is the number 3 written as a word; enter the digit 3"),
    ("Lima", "'Lima' is the number 5 written as a word; enter the digit 5"),
    ("three", "'three' is the number 3 written as a word; enter the digit 3"),
    ("sembilan", "'sembilan' is the number 9 written as a word, outside the response scale "
     "1..5; enter the answer as a digit 1..5"),
])
def test_a_number_written_as_a_word_is_said_to_be_one(tmp_path, mini, cell, hint):
    """Session 17: 'tiga' in an item got the advice to declare it a missing-value code (an
    answer would have become NaN); it is a number written as a word."""
    p = tmp_path / "words.csv"
    p.write_text(csv_lines(f"r1,U,{cell},2,3,4,5"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    (problem,) = exc.value.problems
    assert problem.message == f"item 'a' must be a number, got text {cell!r}; {hint}"
    assert "missing" not in problem.message


def test_a_real_text_code_keeps_the_missing_code_advice(tmp_path, mini):
    p = tmp_path / "codes.csv"
    p.write_text(csv_lines("r1,U,TT,-,3,4,5"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    assert ["declare 'TT' a missing-value code" in q.message for q in exc.value.problems] \
        == [True, False]
    assert "declare '-' a missing-value code" in exc.value.problems[1].message


def test_a_numeric_demographic_written_as_a_word_is_said_to_be_one(tmp_path):
    inst = ce.Instrument.load(write(tmp_path, "inst.yaml", MINI.replace(
        "demographics: [district]", "demographics: [{children: numeric}]")))
    p = tmp_path / "r.csv"
    p.write_text("rid,children,a,b,c,d,e\nr1,dua,1,2,3,4,5\n", encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    (problem,) = exc.value.problems
    assert problem.message == ("demographic 'children' is declared numeric in the "
                               "instrument, got 'dua'; 'dua' is the number 2 written as a "
                               "word; enter the digit 2")


def test_a_missing_code_advice_keeps_the_declared_range(tmp_path):
    """Docs finding (session 18): the advice for a word in a numeric demographic with a
    declared range ('age: {type: numeric, missing: [x]}') dropped min, max and the declared
    code 999 when copied as written; the declaration shown keeps them."""
    p = _ranged_csv(tmp_path, "r1,public,unknown,1,1,2")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, ce.Instrument.from_dict(RANGED))
    (problem,) = exc.value.problems
    assert problem.message.endswith(
        "declare it: 'age: {type: numeric, min: 17, max: 99, missing: [999, unknown]}')")


def test_a_responses_frame_with_a_fractional_answer_is_refused_with_its_row(mini):
    """Session 18 repro 10: read_responses refuses an answer of 2.5 ("must be a whole
    number"), but the same value in a responses frame given in memory was scored silently;
    the in-memory check refuses it too, naming the row."""
    resp = frame([["r1", "U", 5.0, 4.0, 2.0, 1.0, 3.0], ["r2", "U", 2.5, 4.0, 2.0, 1.0, 3.0]])
    resp.index = [100, 101]
    _row_1_refused(resp, mini, "has value 2.5, not a whole number 1..5")


def _row_1_refused(resp: pd.DataFrame, mini, what: str) -> None:
    """Every in-memory check of the items refuses ``resp`` naming its row 1 (index 101)."""
    for check in (lambda: ce.score_scales(resp, mini), lambda: keyed_items(resp, mini, "S"),
                  lambda: ce.likert_table(resp, mini),
                  lambda: ce.scale_reliability(resp, mini)):
        with pytest.raises(ce.InputError) as info:
            check()
        assert str(info.value).startswith(f"<input>: row 1 (index 101): responses column 'a' "
                                          f"{what}")
        assert info.value.line == 3 and info.value.column == "a"


@pytest.mark.parametrize("cell, option, words", [
    ("Sangat  setuju", 5, "written with other spaces"),
    ("sangat\u00a0tidak setuju ", 1, "written with other spaces"),
    ("SS", 5, "initials of 'Sangat setuju'"),
    ("STS", 1, "initials of 'Sangat tidak setuju'"),
    ("S", 4, "initials of 'Setuju'"),
    ("sa", 5, "initials of 'Strongly agree'"),
])
def test_a_label_with_other_spaces_or_as_initials_names_its_option(tmp_path, mini, cell,
                                                                   option, words):
    """Session 19, student item 3: "Sangat  setuju" (two spaces) and "SS" (its initials, as
    paper forms abbreviate) were told to declare themselves missing-value codes, which would
    have read real answers as no answer. They name the option to enter instead."""
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines(f"r1,U,{cell},2,3,4,5"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    (problem,) = exc.value.problems
    assert words in problem.message and f"enter {option}" in problem.message, problem.message
    assert "missing" not in problem.message


def test_initials_shared_by_two_labels_name_both_options(tmp_path):
    inst = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 4, "labels": {1: "Tidak setuju", 2: "Tidak sesuai",
                                                  4: "Setuju"}},
        "id_column": "rid", "scales": {"S": {"items": ["a"]}}})
    p = tmp_path / "resp.csv"
    p.write_text("rid,a\nr1,TS\n", encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, inst)
    (problem,) = exc.value.problems
    assert "option 1 ('Tidak setuju') or 2 ('Tidak sesuai')" in problem.message, \
        problem.message
    assert "missing" not in problem.message


@pytest.mark.parametrize("cell, missing", [
    ("NA", True), ("tidak tahu", True), ("Tidak  Tahu", True), ("TT", True), ("-", True),
    ("DK", True), ("bagus", False), ("x", False), ("Setujuan", False)])
def test_only_what_looks_like_a_missing_value_code_is_advised_to_be_declared(
        tmp_path, mini, cell, missing):
    """Session 19, student item 3: any text not a label was advised to be declared a
    missing-value code; only what looks like one (NA, tidak tahu, DK, -) is."""
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines(f"r1,U,{cell},2,3,4,5"), encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    (problem,) = exc.value.problems
    assert ("missing-value code" in problem.message) is missing, problem.message
    assert "whole number 1..5" in problem.message


def test_a_semicolon_responses_file_names_semicolons_in_a_ragged_row(tmp_path, mini):
    """Session 19, student item 4: a ';' file's row with a field too many was told to "quote
    cells that contain commas"; it names the file's own separator, as the codings reader."""
    p = tmp_path / "resp.csv"
    p.write_text("sep=;\n" + csv_lines("r1,U,1,2,3,4,5", "r2,U,1,2,3,4,5,6").replace(",", ";"),
                 encoding="utf-8")
    with pytest.raises(ce.InputError) as exc:
        ce.read_responses(p, mini)
    (problem,) = exc.value.problems
    assert problem.line == 4 and "quote cells that contain semicolons" in problem.message


@pytest.mark.parametrize("sep", [",", ";"])
def test_responses_pandas_wrote_with_its_index_are_read(tmp_path, mini, sep):
    """Session 19, student item 4 (as codings, item 2a): ``df.to_csv(path)`` without
    ``index=False`` writes an unnamed first column 0, 1, 2...: "column 1 has no name in the
    header but holds values". Such a column (whole numbers in every row) is pandas' row
    index: it is left out."""
    p = tmp_path / "resp.csv"
    p.write_text(csv_lines("r1,U,1,2,3,4,5", "r2,U,5,4,,2,1"), encoding="utf-8")
    want = ce.read_responses(p, mini)
    want.to_csv(p, sep=sep)
    assert p.read_text(encoding="utf-8").startswith(f"{sep}rid")
    pd.testing.assert_frame_equal(ce.read_responses(p, mini), want)
    # an unnamed first column of other values is still named
    p.write_text(csv_lines("r1,U,1,2,3,4,5").replace("\n", "\n" + "x,", 1).replace(
        "rid", ",rid", 1), encoding="utf-8")
    with pytest.raises(ce.InputError, match="column 1 has no name"):
        ce.read_responses(p, mini)
