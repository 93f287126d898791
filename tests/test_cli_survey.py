"""``citra-eval survey`` (in process): options that reach the library, error lines."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import citra_eval as ce
from citra_eval.cli import main

INSTRUMENT = """\
instrument: c
scale: {min: 1, max: 7}
id_column: rid
scales:
  X1: {items: [x1, x2, x3], reverse: [x3], role: strategy}
  Y1: {items: [y1], role: strategy}
  TOT: {of: [X1, Y1]}
"""
RESPONSES = "rid,x1,x2,x3,y1\n1,1,2,7,1\n2,3,,4,7\n3,4,4,4,3\n4,5,6,2,6\n5,2,3,6,2\n6,6,5,1,5\n"


def survey(tmp_path: Path, monkeypatch, *args: str, instrument: str = INSTRUMENT,
           responses: str = RESPONSES) -> int:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inst.yaml").write_text(instrument, encoding="utf-8")
    (tmp_path / "r.csv").write_text(responses, encoding="utf-8")
    return main(["survey", "--instrument", "inst.yaml", "--responses", "r.csv", "--out", "o",
                 *args])


def test_min_items_with_a_single_item_scale(tmp_path, monkeypatch, capsys):
    """Stats report 7: --min-items 2 with the one-item scale Y1 was a traceback; it applies
    per scale (Y1 needs its one item, X1 two of three)."""
    assert survey(tmp_path, monkeypatch, "--min-items", "2") == 0, capsys.readouterr().err
    scores = pd.read_csv(tmp_path / "o" / "scale_scores.csv")
    assert scores["Y1"].notna().all()
    assert scores.loc[1, "X1"] == pytest.approx((3 + (8 - 4)) / 2)  # x2 missing, x3 reversed


COMPOSITE = """\
instrument: c
scale: {min: 1, max: 7}
id_column: rid
scales:
  X1: {items: [x1, x2]}
  Y1: {items: [y1, y2]}
  TOT: {of: [X1, Y1]}
"""
COMPOSITE_RESPONSES = ("rid,x1,x2,y1,y2\n1,1,2,2,1\n2,3,3,4,4\n3,5,4,6,5\n4,2,2,1,3\n"
                       "5,6,7,6,6\n6,4,5,3,4\n")


def test_composite_outcome_without_predictors_is_an_error_line(tmp_path, monkeypatch, capsys):
    """Stats report 8: an outcome made of every other scale left the model without
    predictors: a ValueError traceback (exit 1) asking for an option the CLI lacked."""
    code = survey(tmp_path, monkeypatch, "--outcome", "TOT", instrument=COMPOSITE,
                  responses=COMPOSITE_RESPONSES)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: inst.yaml: --outcome 'TOT': no predictor")
    assert "--predictors SCALE" in err and "role: strategy" in err
    assert not (tmp_path / "o").exists()
    assert survey(tmp_path, monkeypatch, "--outcome", "Y1", "--predictors", "X1",
                  instrument=COMPOSITE, responses=COMPOSITE_RESPONSES) == 0
    model = pd.read_csv(tmp_path / "o" / "image_model.csv")
    assert model["term"].tolist() == ["Intercept", "X1"]
    code = survey(tmp_path, monkeypatch, "--outcome", "TOT", "--predictors", "X1",
                  "--force", instrument=COMPOSITE, responses=COMPOSITE_RESPONSES)
    assert code == 2 and "--predictors 'X1' shares items with the outcome 'TOT'" in \
        capsys.readouterr().err


def test_composite_outcome_of_strategy_scales_leaves_its_parts_out(tmp_path, monkeypatch,
                                                                     capsys):
    """Exploratory survey report 14, repro 4: an outcome made (``of:``) of strategy scales
    was a ValueError traceback (exit 1), the default predictors holding its own parts."""
    three = INSTRUMENT.replace("  TOT:", "  Z1: {items: [z1], role: strategy}\n  TOT:")
    rows = RESPONSES.splitlines()
    answers = "rid,x1,x2,x3,y1,z1\n" + "".join(
        f"{row},{z}\n" for row, z in zip(rows[1:], [2, 5, 3, 6, 1, 4], strict=True))
    assert survey(tmp_path, monkeypatch, "--outcome", "TOT", instrument=three,
                  responses=answers) == 0, capsys.readouterr().err
    capsys.readouterr()
    model = pd.read_csv(tmp_path / "o" / "image_model.csv")
    assert model["term"].tolist() == ["Intercept", "Z1"]
    code = survey(tmp_path, monkeypatch, "--outcome", "TOT", "--force")
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(
        "error: inst.yaml: --outcome 'TOT': no predictor scales (every strategy scale ('role: "
        "strategy': X1, Y1) shares items with the outcome 'TOT'); give --predictors")


@pytest.mark.parametrize("args, words", [
    (["--controls", "x1", "x1"], "--controls names x1 more than once"),
    (["--predictors", "X1", "X1"], "--predictors names X1 more than once"),
    (["--controls", "y1"], "--controls 'y1' is an item of the outcome"),
])
def test_names_the_model_cannot_take_are_error_lines(tmp_path, monkeypatch, capsys, args,
                                                     words):
    """Stats report 9, 16: a control given twice was an AttributeError traceback; a control
    that is an item of the outcome was accepted."""
    code = survey(tmp_path, monkeypatch, "--outcome", "Y1", *args, instrument=COMPOSITE,
                  responses=COMPOSITE_RESPONSES)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and words in err, err


def test_collinear_scales_are_named_and_the_model_skipped(tmp_path, monkeypatch, capsys):
    """Stats report 3 through the command: exit 0 with a 'significant' arbitrary split. Now
    no model is written and a warning line names the collinear scales (the other tables
    are written: the data are valid, only the model cannot separate the two)."""
    inst = ("instrument: col\nscale: {min: 1, max: 7}\nid_column: rid\nscales:\n"
            "  AA: {items: [a1], role: strategy}\n  BB: {items: [b1], role: strategy}\n"
            "  IM: {items: [i1, i2], role: image}\n")
    rows = ["rid,a1,b1,i1,i2"] + [f"{i},{a},{a},{(a + i) % 7 + 1},{(a * i) % 7 + 1}"
                                  for i, a in enumerate([1, 3, 2, 5, 4, 6, 7, 2, 3, 5], 1)]
    code = survey(tmp_path, monkeypatch, "--outcome", "IM", instrument=inst,
                  responses="\n".join(rows) + "\n")
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.splitlines()[-1].startswith("warning: r.csv: image model of 'IM' not fitted "
                                           "(image_model.csv not written): 'AA' and 'BB' are "
                                           "perfectly collinear"), err
    assert not (tmp_path / "o" / "image_model.csv").exists()
    assert (tmp_path / "o" / "scale_scores.csv").is_file()


def test_validate_and_survey_print_every_scale_warning_once(tmp_path, monkeypatch, capsys):
    """Stats report 17: validate printed only item warnings (not "only 3 respondents for 4
    items" nor the half-scale rule), survey printed each item warning twice."""
    inst = ("instrument: w\nscale: {min: 1, max: 5}\nid_column: rid\nscales:\n"
            "  S: {items: [a, b, c, d]}\n  M: {items: [m1, m2, m3]}\n")
    resp = "rid,a,b,c,d,m1,m2,m3\n1,1,2,2,,3,3,1\n2,4,,,,3,4,2\n3,5,4,5,4,3,5,3\n"
    assert survey(tmp_path, monkeypatch, instrument=inst, responses=resp) == 0
    err = capsys.readouterr().err.splitlines()
    warned = [line for line in err if line.startswith("warning: ")]
    assert len(warned) == len(set(warned))
    assert sum("item m1: no variance" in line for line in warned) == 1
    assert main(["validate", "--instrument", "inst.yaml", "--responses", "r.csv"]) == 0
    err = capsys.readouterr().err
    assert "warning: r.csv: scale S: only 3 respondents for 4 items" in err
    assert "warning: r.csv: scale S: 1 respondent(s) answered fewer than half" in err
    assert err.count("item m1: no variance") == 1
    # session 13 repro 7: the same lines from both commands (one source)
    assert [line for line in err.splitlines() if line.startswith("warning: ")] == warned


def test_validate_and_survey_print_the_same_whole_warnings(tmp_path, monkeypatch, capsys):
    """Session 13 repro 7: validate split the two-item note at its "; " (a fragment "scale
    C: report alpha, or add a third item" on its own line) and printed alpha_if_deleted
    notes that survey did not; both now print the same complete lines."""
    inst = ("instrument: t\nscale: {min: 1, max: 5}\nid_column: rid\nscales:\n"
            "  C: {items: [c1, c2]}\n  K: {items: [k1, k2, k3]}\n")
    resp = ("rid,c1,c2,k1,k2,k3\nr1,1,2,1,2,3\nr2,2,2,2,2,3\nr3,3,4,3,4,3\nr4,4,4,2,3,3\n"
            "r5,5,4,4,4,3\n")
    assert survey(tmp_path, monkeypatch, instrument=inst, responses=resp) == 0
    from_survey = [x for x in capsys.readouterr().err.splitlines() if x.startswith("warning")]
    assert main(["validate", "--instrument", "inst.yaml", "--responses", "r.csv"]) == 0
    from_validate = [x for x in capsys.readouterr().err.splitlines()
                     if x.startswith("warning")]
    assert from_survey == from_validate
    assert ("warning: r.csv: scale C: two items: omega is not computed (one factor is not "
            "identified by two items) and neither is alpha if an item is deleted (one item "
            "would remain); report alpha, or add a third item") in from_validate
    assert not [x for x in from_validate if x.startswith("warning: r.csv: scale C: report")]
    assert sum("alpha_if_deleted (0.00) counts k3" in x for x in from_survey) == 2


def test_error_line_shown_in_the_docs_is_the_real_one(tmp_path, monkeypatch, capsys):
    """Stats report 18: docs/survey.md showed `error: <file>:<line>: column '<col>': ...`,
    a form the command never prints; the example it shows now is produced here."""
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "survey.md").read_text("utf-8")
    shown = re.search(r"`(error: responses\.csv:7: [^`]*)`", doc.replace("\n", " "))
    assert shown, "docs/survey.md shows no example error line"
    inst = ("instrument: e\nscale: {min: 1, max: 5, labels: {1: Sangat tidak setuju, "
            "4: Setuju, 5: Sangat setuju}}\nid_column: rid\nscales:\n  KS: {items: [KS1, KS2]}\n")
    rows = [f"{i},{(i % 5) + 1},{(i * 2) % 5 + 1}" for i in range(1, 6)]
    rows.append("6,setuju,3")  # line 7 of the file
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inst.yaml").write_text(inst, encoding="utf-8")
    (tmp_path / "responses.csv").write_text("\n".join(["rid,KS1,KS2", *rows]) + "\n",
                                            encoding="utf-8")
    assert main(["survey", "--instrument", "inst.yaml", "--responses", "responses.csv",
                 "--out", "o"]) == 2
    assert capsys.readouterr().err.strip() == shown.group(1)


MIXED = """\
instrument: m
scale: {min: 1, max: 4}
id_column: rid
missing: [99, DK]
scales:
  X1: {items: [x1, x2], reverse: [x2], role: strategy}
  Y1: {items: [y1], scale: {min: 0, max: 10}}
"""
MIXED_RESPONSES = ("rid,x1,x2,y1\n1,1,4,0\n2,2,3,3\n3,3,DK,6\n4,4,1,99\n5,2,2,5\n"
                   "6,3,2,8\n7,1,3,2\n8,4,1,10\n")


def test_survey_and_validate_with_mixed_ranges_and_missing_codes(tmp_path, monkeypatch,
                                                                 capsys):
    assert survey(tmp_path, monkeypatch, instrument=MIXED,
                  responses=MIXED_RESPONSES) == 0, capsys.readouterr().err
    scores = pd.read_csv(tmp_path / "o" / "scale_scores.csv")
    assert scores["X1"].tolist()[:3] == [1.0, 2.0, 3.0]  # (x1 + 5 - x2) / 2; DK is missing
    assert scores["Y1"].isna().tolist() == [False] * 3 + [True] + [False] * 4
    likert = pd.read_csv(tmp_path / "o" / "likert.csv")
    assert likert.groupby("item")["option"].agg(["min", "max"]).loc["y1"].tolist() == [0, 10]
    assert len(likert) == 4 + 4 + 11
    capsys.readouterr()
    assert main(["validate", "--instrument", "inst.yaml", "--responses", "r.csv"]) == 0
    out = capsys.readouterr().out
    assert "instrument: 2 scales (responses 1..4, 0..10); missing-value codes 99, DK" in out


@pytest.mark.parametrize("instrument, responses, where, words", [
    (MIXED, MIXED_RESPONSES.replace("6,3,2,8", "6,3,2,11"), "r.csv:7",
     "value 11 is outside the response scale 0..10"),
    (MIXED.replace("[99, DK]", "[DK]"), MIXED_RESPONSES, "r.csv:5",
     "declare it in the instrument instead: 'missing: [99]'"),
    (MIXED.replace("[99, DK]", "[99, 7]"), MIXED_RESPONSES, "inst.yaml:4",
     "missing-value code 7 is inside the response range 0..10 of scale 'Y1'"),
])
def test_range_and_missing_code_errors_exit_2(tmp_path, monkeypatch, capsys, instrument,
                                              responses, where, words):
    assert survey(tmp_path, monkeypatch, instrument=instrument, responses=responses) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {where}: ") and words in err, err
    assert not (tmp_path / "o").exists()


def test_survey_prints_the_model_warning_as_a_warning_line(tmp_path, monkeypatch, capsys):
    """Stats t2-9: the image model's ModelWarning (few residual df) came out as a raw Python
    warning (source path, line number, source line), not a 'warning: <file>: ...' line."""
    import warnings

    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")  # what would reach Python's own warning display
        assert survey(tmp_path, monkeypatch, "--outcome", "Y1") == 0
    assert not [w for w in escaped if issubclass(w.category, ce.ModelWarning)]
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if "residual degrees of freedom" in x]
    assert line.startswith("warning: r.csv: image model of 'Y1': 4 residual degrees")


UNFIT = """\
instrument: u
scale: {min: 1, max: 5}
id_column: pid
scales:
  PA: {items: [pa1, pa2], role: strategy}
  PB: {items: [pb1, pb2], role: strategy}
  IM: {items: [im1, im2], role: image}
demographics: [site]
"""
UNFIT_ROWS = [  # pid, pa1, pa2, pb1, pb2, im1, im2, site
    [1, 1, 2, 3, 2, 2, 3, "n"], [2, 3, 3, 1, 2, 4, 4, "s"], [3, 5, 4, 2, 4, 5, 4, "n"],
    [4, 2, 2, 5, 4, 1, 2, "s"], [5, 4, 5, 4, 5, 3, 3, "n"], [6, 2, 1, 2, 1, 2, 1, "s"],
    [7, 5, 5, 3, 3, 4, 5, "n"], [8, 1, 2, 4, 5, 3, 2, "s"], [9, 3, 4, 5, 3, 5, 5, "n"],
]


def _unfit_csv(rows: list[list]) -> str:
    return "\n".join(["pid,pa1,pa2,pb1,pb2,im1,im2,site",
                      *(",".join("" if v is None else str(v) for v in r) for r in rows)]) + "\n"


def _same_image(rows):  # every respondent scores the outcome the same
    return [[*r[:5], 3, 3, r[7]] for r in rows]


def _three_complete(rows):  # the outcome answered by three respondents only
    return [r if i < 3 else [*r[:5], None, None, r[7]] for i, r in enumerate(rows)]


def _one_site_left(rows):  # the 's' respondents left the outcome blank: 'site' has one level
    return [r if r[7] == "n" else [*r[:5], None, None, r[7]] for r in rows]


@pytest.mark.parametrize("spoil, args, cause", [
    (_same_image, [], "'IM' has no variance in the analysis sample"),
    (_three_complete, [], "only 3 complete respondents"),
    (_one_site_left, ["--controls", "site"], "control 'site' has one value ('n')"),
])
def test_a_model_that_cannot_be_fitted_still_writes_the_other_tables(
        tmp_path, monkeypatch, capsys, spoil, args, cause):
    """A user's request: when the image model cannot be fitted, survey wrote nothing at all
    (exit 2); the tables that can be computed are written, the model is skipped with a
    warning line naming why, exit 0 (CONTRACT: exit 2 is for wrong input, and these files
    are valid)."""
    assert survey(tmp_path, monkeypatch, "--outcome", "IM", *args, instrument=UNFIT,
                  responses=_unfit_csv(UNFIT_ROWS)) == 0, capsys.readouterr().err
    assert (tmp_path / "o" / "image_model.csv").is_file()  # this survey's model fits
    capsys.readouterr()
    code = survey(tmp_path, monkeypatch, "--outcome", "IM", *args, instrument=UNFIT,
                  responses=_unfit_csv(spoil(UNFIT_ROWS)))
    out, err = capsys.readouterr()
    assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert written == ["item_statistics.csv", "likert.csv", "reliability.csv",
                       "scale_scores.csv"]  # and the earlier run's image_model.csv is gone
    assert len(pd.read_csv(tmp_path / "o" / "scale_scores.csv")) == len(UNFIT_ROWS)
    assert set(pd.read_csv(tmp_path / "o" / "reliability.csv")["scale"]) == {"PA", "PB", "IM"}
    assert "image_model.csv" not in out
    (line,) = [x for x in err.splitlines() if "image model" in x and "not fitted" in x]
    assert line.startswith("warning: r.csv: image model of 'IM' not fitted "
                           "(image_model.csv not written): "), line
    assert cause in line and "Traceback" not in err


def test_an_unfittable_model_with_bad_options_is_still_an_error(tmp_path, monkeypatch, capsys):
    """Only the fit's own failure is a warning: a wrong option stays exit 2, nothing written."""
    code = survey(tmp_path, monkeypatch, "--outcome", "IM", "--controls", "nope",
                  instrument=UNFIT, responses=_unfit_csv(_same_image(UNFIT_ROWS)))
    assert code == 2 and capsys.readouterr().err.startswith("error: r.csv:1: --controls")
    assert not (tmp_path / "o").exists()


def test_help_says_what_happens_when_the_model_cannot_be_fitted(capsys):
    with pytest.raises(SystemExit):
        main(["survey", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "cannot be fitted" in text and "exit 0" in text


def test_a_study_without_a_survey_is_told_how_to_add_one(tmp_path, monkeypatch, capsys):
    """Not 'data/raw/instrument.yaml: file not found; check the path': the study has no
    survey yet, and the two files (and their templates) are named."""
    root = ce.init_study(tmp_path / "s")
    monkeypatch.chdir(root)
    assert main(["survey", "--out", "o"]) == 2
    assert capsys.readouterr().err == (
        "error: data/raw/instrument.yaml: this study has no survey yet; to add one, write the "
        "questionnaire to data/raw/instrument.yaml (copy data/raw/instrument.template.yaml) "
        "and the answers to data/raw/survey_responses.csv (copy "
        "data/raw/survey_responses.template.csv); citra_eval's docs/survey.md describes both\n")
    # the questionnaire written, the answers not yet: only they are asked for
    (root / "data/raw/instrument.yaml").write_text(INSTRUMENT, encoding="utf-8")
    monkeypatch.chdir(root / "data")  # paths as the current folder sees them
    assert main(["survey", "--out", "o"]) == 2
    assert capsys.readouterr().err == (
        "error: raw/survey_responses.csv: this study has no survey answers yet; write them to "
        "raw/survey_responses.csv (copy raw/survey_responses.template.csv; one row per "
        "respondent, one column per item); citra_eval's docs/survey.md describes it\n")
    assert not (root / "data" / "o").exists()


def test_survey_inside_a_study_uses_its_min_items(tmp_path, monkeypatch, capsys):
    """Exploratory survey report 14, repro 1: inside a study ``survey`` ignored study.yaml's
    min_items (its tables differed from reports/) and its warning advised setting the very
    min_items study.yaml had. It now applies it as it does outcome and controls; the
    option overrides it."""
    root = ce.init_study(tmp_path / "s")
    (root / "data/raw/instrument.yaml").write_text(INSTRUMENT, encoding="utf-8")
    (root / "data/raw/survey_responses.csv").write_text(RESPONSES, encoding="utf-8")
    settings = root / "study.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nmin_items: 3\n",
                        encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["survey", "--out", "o"]) == 0
    err = capsys.readouterr().err
    assert "min_items" not in err and "--min-items" not in err
    scores = pd.read_csv(root / "o" / "scale_scores.csv")
    assert scores["X1"].isna().tolist() == [False, True, False, False, False, False]
    inst = ce.Instrument.load(root / "data/raw/instrument.yaml")
    resp = ce.read_responses(root / "data/raw/survey_responses.csv", inst)
    expected = ce.score_scales(resp, inst, min_items=3)
    for scale in ("X1", "Y1", "TOT"):
        assert scores[scale].tolist() == pytest.approx(expected[scale].tolist(), abs=1e-4,
                                                       nan_ok=True)
    assert main(["survey", "--out", "o", "--min-items", "1", "--force"]) == 0
    assert pd.read_csv(root / "o" / "scale_scores.csv")["X1"].notna().all()


def test_out_tables_are_written_as_the_reports_tables(tmp_path, monkeypatch, capsys):
    """Thesis study: survey --out wrote floats with 16-17 digits where reports/ (save_table)
    rounds to 4 decimals; both now go through the one writer."""
    assert survey(tmp_path, monkeypatch) == 0, capsys.readouterr().err
    inst = ce.Instrument.load(tmp_path / "inst.yaml")
    resp = ce.read_responses(tmp_path / "r.csv", inst)
    for name, table in [("reliability", ce.scale_reliability(resp, inst)),
                        ("likert", ce.likert_table(resp, inst))]:
        saved = ce.save_table(table, name, out_dir=tmp_path / "reports")
        assert (tmp_path / "o" / f"{name}.csv").read_bytes() == saved.read_bytes()
    for path in (tmp_path / "o").glob("*.csv"):
        long = re.findall(r"\d\.\d{5,}", path.read_text(encoding="utf-8"))
        assert not long, f"{path.name}: {long[:3]}"
    scores = pd.read_csv(tmp_path / "o" / "scale_scores.csv")
    assert list(scores.columns) == ["rid", "X1", "Y1", "TOT"]  # no index column added


def test_a_control_named_intercept_is_an_error_line(tmp_path, monkeypatch, capsys):
    """Fourteenth session, left open: a control column 'Intercept' was a ValueError
    traceback (exit 1) from the image model; it is an error line saying to rename it."""
    code = survey(tmp_path, monkeypatch, "--outcome", "IM", "--controls", "Intercept",
                  instrument=UNFIT,
                  responses="".join(f"{line},{line.rsplit(',', 1)[1]}\n".replace(
                      ",site,site", ",site,Intercept") for line in _unfit_csv(
                          UNFIT_ROWS).splitlines()))
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: r.csv:1: ") and "Traceback" not in err, err
    assert "column 'Intercept' has the name of the image model's constant term" in err
    assert "rename the column" in err
    assert not (tmp_path / "o").exists()


def test_counts_are_singular_for_one_and_a_whole_numeric_demographic_stays_whole(
        tmp_path, monkeypatch, capsys):
    """Quant item 8: '(1 rows)', and a numeric demographic of whole numbers written as
    63.0000 in scale_scores.csv (fractional ones keep their decimals)."""
    inst = INSTRUMENT + "demographics:\n  - age: numeric\n  - weight: numeric\n"
    resp = ("rid,x1,x2,x3,y1,age,weight\n1,1,2,7,1,63,70.5\n2,3,,4,7,,64\n3,4,4,4,3,30,80\n"
            "4,5,6,2,6,41,55\n5,2,3,6,2,22,60\n6,6,5,1,5,35,71\n")
    assert survey(tmp_path, monkeypatch, instrument=inst, responses=resp) == 0
    out = capsys.readouterr().out
    assert re.search(r"reliability\.csv \(\d+ rows\)", out)
    first = (tmp_path / "o" / "scale_scores.csv").read_text(encoding="utf-8").splitlines()
    assert first[0].startswith("rid,age,weight,") and first[1].startswith("1,63,70.5000,")
    assert first[2].startswith("2,,64.0000,")
    one = "rid,x1,x2,x3,y1\n1,1,2,7,1\n"
    survey(tmp_path, monkeypatch, responses=one)
    assert "scale_scores.csv (1 row)" in capsys.readouterr().out
