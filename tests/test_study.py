"""study.yaml and load_study: one way into a study folder, errors with lines, warnings for
what is missing (one coder, no survey, no transcripts, uncoded documents, undeclared
multi-word speaker labels, codes the codebook lacks)."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest
from _advice import assert_advises
from conftest import ROOT

import citra_eval as ce
from citra_eval.errors import for_cli
from citra_eval.study import DEFAULT_PATHS, STUDY_KEYS

RSUD = ROOT / "tests" / "data" / "studies" / "rsud"


@pytest.fixture
def rsud(tmp_path) -> Path:
    """A writable copy of the fixture study."""
    root = tmp_path / "rsud"
    shutil.copytree(RSUD, root)
    return root


def _yaml(root: Path, text: str) -> None:
    (root / "study.yaml").write_text(text, encoding="utf-8")


def _error(root: Path) -> ce.InputError:
    with pytest.raises(ce.InputError) as exc:
        ce.load_study(root)
    return exc.value


# --------------------------------------------------------------------------- the two studies

def test_example_study_loads_without_warnings():
    study = ce.example_study()
    s = study.settings
    assert study.root == ce.example_path()
    assert (s.title.startswith("Strategi humas"), s.lang, s.illustrative, s.seed) == (
        True, "id", True, 0)
    assert (s.outcome, s.controls, s.kwic) == ("CITRA", ("district",), ("bamara",))
    assert s.transcripts == ce.example_path("transcripts")
    assert [p.name for p in s.codings] == ["codings_A.csv", "codings_B.csv"]
    assert study.coders == ["A", "B"] and study.n_coders == 2
    assert len(study.corpus) == 11 and len(study.responses) == 400
    assert study.has_transcripts and study.has_survey and study.has_codings
    assert list(study.codings.columns[:6]) == list(ce.CODING_COLUMNS)
    assert len(study.codings) == 253 + 261  # README: "253 + 261 manual codings"
    assert study.warnings == ()
    assert study.summary()[0] == "transcripts: 11 documents, 442 segments"


def test_fixture_study_takes_its_own_names():
    study = ce.load_study(RSUD)
    s = study.settings
    assert (s.outcome, s.controls, s.kwic) == ("PERSEPSI_RS", ("unit_layanan", "jenis_pasien"),
                                              ("humas", "viral"))
    assert study.instrument.id_column == "no_responden"
    assert study.corpus.doc_ids == ["WWC-01", "WWC-02", "WWC-03", "WWC-04"]
    assert study.warnings == ()  # "Bu Rina" is declared: not a suspicious label
    assert s.given == frozenset({"title", "lang", "illustrative", "outcome", "controls",
                                 "compare_by", "kwic", "seed"})


def test_study_is_frozen_and_repr_is_short():
    study = ce.load_study(RSUD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.corpus = None
    assert repr(study) == ("Study('Komunikasi humas RSUD Galuh Lirang (fiktif, data uji)', "
                           "4 documents, 2 coder(s), 220 respondents)")


def test_found_from_a_subfolder_and_refused_outside(rsud, tmp_path, monkeypatch):
    monkeypatch.chdir(rsud / "data" / "raw")
    study = ce.load_study()
    assert study.root == rsud.resolve()
    # files are named relative to the current folder: no machine paths in messages
    assert study.corpus.documents["path"].iloc[0] == "../../interview_transcripts/WWC-01.txt"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    with pytest.raises(ce.InputError, match="not inside a study folder") as exc:
        ce.load_study()
    assert_advises(exc.value, "ce.init_study(DIR)", "'citra-eval init DIR'")
    # a notebook run by hand outside its study: how to give the study (its parameter)
    assert "study_root" in str(exc.value) and "-p study_root PATH" in str(exc.value)
    assert ce.find_study_root(rsud / "study.yaml") == rsud.resolve()


def test_a_notebook_takes_the_study_holding_it_not_the_one_it_runs_in(tmp_path,
                                                                      monkeypatch):
    """``study_root = None`` in a notebook: the study holding the notebook's file when the
    front end says which file it is (papermill --inject-input-path, VS Code, JupyterLab),
    else the study holding the current folder, refused when that study holds another study
    with notebooks (``cd outer && papermill inner/notebooks/NN.ipynb``: whose notebook?)."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    outer = ce.init_study(tmp_path / "outer")
    inner = ce.init_study(outer / "inner")
    nb = sorted((inner / "notebooks").glob("*.ipynb"))[0]
    rel = nb.relative_to(outer).as_posix()
    monkeypatch.chdir(outer)
    assert ce.notebook_study_root({"PAPERMILL_INPUT_PATH": rel}) == inner.resolve()
    assert ce.notebook_study_root({"__vsc_ipynb_file__": str(nb)}) == inner.resolve()
    monkeypatch.setenv("JPY_SESSION_NAME", str(nb))
    assert ce.notebook_study_root({}) == inner.resolve()
    monkeypatch.delenv("JPY_SESSION_NAME")
    # the file unknown (plain papermill): the study here holds another one, so no guess
    for here in (outer, outer / "notebooks"):
        monkeypatch.chdir(here)
        with pytest.raises(ce.InputError, match="holds another study") as exc:
            ce.notebook_study_root({})
        msg = str(exc.value)
        assert "inner" in msg and "-p study_root" in msg and "--inject-input-path" in msg
        assert "citra-eval reproduce" in msg
        # a file that is not there (a path relative to another folder) tells nothing
        with pytest.raises(ce.InputError, match="holds another study"):
            ce.notebook_study_root({"PAPERMILL_INPUT_PATH": "nowhere/01-x.ipynb"})
    # the inner study holds no other: found from its folder or its notebooks/ folder
    for here in (inner, inner / "notebooks"):
        monkeypatch.chdir(here)
        assert ce.notebook_study_root({}) == inner.resolve()
    # a study folder without notebooks (test data, templates) is not another study: the
    # clone of the example study holds some
    monkeypatch.chdir(ROOT)
    assert ce.notebook_study_root({}) == ROOT.resolve()
    # commands and scripts (no notebook) still take the study holding the current folder
    monkeypatch.chdir(outer)
    assert ce.load_study().root == outer.resolve()


def test_a_notebook_run_beside_two_studies_names_them(tmp_path, monkeypatch):
    """Two studies side by side, papermill called from their parent folder (not a study):
    the notebook's file unknown, no study is guessed, and the error names the studies
    below and says to give ``study_root``; told the file or the study, each is found."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    parent = tmp_path / "theses"
    first, second = ce.init_study(parent / "s1"), ce.init_study(parent / "s2")
    monkeypatch.chdir(parent)
    with pytest.raises(ce.InputError, match="not inside a study folder") as exc:
        ce.notebook_study_root({})
    msg = str(exc.value)
    assert "s1, s2" in msg and "cannot tell which study" in msg
    assert "-p study_root PATH" in msg and "--inject-input-path" in msg
    nb = sorted((second / "notebooks").glob("*.ipynb"))[0]
    assert ce.notebook_study_root({"PAPERMILL_INPUT_PATH": str(nb)}) == second.resolve()
    monkeypatch.chdir(first)  # papermill --cwd s1
    assert ce.notebook_study_root({}) == first.resolve()
    # no study below either: the plain 'not inside a study' advice
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    with pytest.raises(ce.InputError, match="not inside a study folder") as exc:
        ce.notebook_study_root({})
    assert "cannot tell" not in str(exc.value) and "-p study_root PATH" in str(exc.value)


def test_looking_for_a_study_inside_a_study_lists_a_bounded_number_of_folders(tmp_path,
                                                                              monkeypatch):
    """A notebook whose file is unknown looks below its study for another one: a study
    holding a big tree (a data folder of many folders, node_modules, a virtual environment,
    a link back to the study) costs at most ``NESTED_STUDY_FOLDERS`` listings, nearest
    first, so a study beside the big tree is still found; installed packages, virtual
    environments and links to folders are not searched (no loop)."""
    from citra_eval import study as study_module

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    outer = ce.init_study(tmp_path / "outer")
    for i in range(300):  # depth 3: a walk that lists everything lists these 300
        (outer / "data" / "scans" / f"p{i:03d}" / "s").mkdir(parents=True)
    (outer / "data" / "loop").symlink_to(outer, target_is_directory=True)
    ce.init_study(outer / "web" / "node_modules" / "pkg")
    (outer / "env").mkdir()
    (outer / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    ce.init_study(outer / "env" / "lib" / "bundled")
    inner = ce.init_study(outer / "zz-inner")  # after data/ in name order
    listed = []
    scandir = os.scandir

    def counting(path="."):
        listed.append(Path(path))
        return scandir(path)

    monkeypatch.setattr(study_module, "NESTED_STUDY_FOLDERS", 100, raising=False)
    monkeypatch.chdir(outer)
    monkeypatch.setattr(os, "scandir", counting)
    with pytest.raises(ce.InputError, match="holds another study") as exc:
        ce.notebook_study_root({})
    monkeypatch.setattr(os, "scandir", scandir)
    assert inner.name in str(exc.value)
    assert "node_modules" not in str(exc.value) and "bundled" not in str(exc.value)
    assert 0 < len(listed) <= 100, len(listed)
    assert not any("loop" in p.parts or "node_modules" in p.parts for p in listed)
    # the budget spent before reaching a study: none is seen (the docs say so)
    shutil.rmtree(inner)
    monkeypatch.setattr(study_module, "NESTED_STUDY_FOLDERS", 20)
    ce.init_study(outer / "data" / "scans" / "zz-late")  # depth 3, after p000..p299
    assert ce.notebook_study_root({}) == outer.resolve()
    monkeypatch.setattr(study_module, "NESTED_STUDY_FOLDERS", 2000)
    with pytest.raises(ce.InputError, match="holds another study"):
        ce.notebook_study_root({})


def test_overrides_for_lang_and_seed():
    study = ce.load_study(RSUD, lang="en", seed=7)
    assert (study.settings.lang, study.settings.seed) == ("en", 7)
    with pytest.raises(ValueError, match="lang"):
        ce.load_study(RSUD, lang="fr")
    with pytest.raises(TypeError, match="seed"):
        ce.load_study(RSUD, seed="1")


# --------------------------------------------------------------------------- study.yaml errors

def test_unknown_key_has_line_and_suggestion(rsud):
    _yaml(rsud, "title: T\nlang: id\noutcom: PERSEPSI_RS\n")
    err = _error(rsud)
    assert err.format() == ("error: " + str(rsud / "study.yaml") + ":3: unknown key 'outcom' "
                            "in study.yaml; did you mean 'outcome'?")


@pytest.mark.parametrize("text, line, fragment", [
    ("lang: id\n", 1, "'title' is missing"),
    ("title: ''\n", 1, "'title' must be a non-empty text"),
    ("title: T\nlang: fr\n", 2, "'lang' must be id or en, got 'fr'"),
    ("title: T\nillustrative: ya\n", 2, "'illustrative' must be true or false"),
    ("title: T\nseed: -1\n", 2, "'seed' must be a whole number"),
    ("title: T\nseed: 1.5\n", 2, "'seed' must be a whole number"),
    # scikit-learn's random_state stops at 2**32 - 1: notebook 07 failed after six notebooks
    ("title: T\nseed: 4294967296\n", 2,
     "'seed' must be a whole number from 0 to 4294967295, got 4294967296"),
    ("title: T\ncontrols: {a: 1}\n", 2, "'controls' must be a list of names"),
    ("title: T\nkwic: [humas, humas]\n", 2, "'kwic' lists humas more than once"),
    ("title: T\nkwic: [humas, '?!']\n", 2, "'kwic': '?!' has no word"),
    # tester t4, finding 2: the second term's table overwrote the first's
    ("title: T\nkwic: [café, cafe]\n", 2,
     "'kwic': 'café' and 'cafe' give the same output file name '...-cafe.csv'"),
    ("title: T\nkwic: [humas, e-government, e government]\n", 2,
     "'kwic': 'e-government' and 'e government' give the same output file name"),
    ("title: T\ncompare_by: [Unit Layanan, unit-layanan]\n", 2,
     "'compare_by': 'Unit Layanan' and 'unit-layanan' give the same output file name"),
    ("title: T\ngroup_by: [Kota, kota]\n", 2,
     "'group_by': 'Kota' and 'kota' give the same output file name"),
    ("title: T\ntranscripts: /etc\n", 2, "must be a path inside the study folder"),
    ("title: T\ncodebook: ../codebook.yaml\n", 2, "must be a path inside the study folder"),
    ("title: T\ninstrument: data/raw/nope.yaml\n", 2, "data/raw/nope.yaml does not exist"),
    ("title: T\ncodings:\n  - data/raw/codings_A.csv\n  - data/raw/codings_C.csv\n", 4,
     "data/raw/codings_C.csv does not exist"),
    ("title: T\ncodings: [data/raw/codings_A.csv, data/raw/codings_A.csv]\n", 2,
     "names codings_A.csv more than once"),
    ("- title\n", 1, "must be 'key: value' lines"),
    ("", 1, "study.yaml is empty"),
    ("title: T\ntitle: U\n", 2, "duplicate key 'title'"),
])
def test_bad_settings_are_input_errors_with_lines(rsud, text, line, fragment):
    _yaml(rsud, text)
    err = _error(rsud)
    assert err.line == line, err
    assert fragment in err.message, err.message
    assert err.path.endswith("study.yaml")


def test_every_problem_is_reported_at_once(rsud):
    _yaml(rsud, "lang: xx\nseed: no\nkwik: [a]\n")
    err = _error(rsud)
    assert [p.line for p in err.problems] == [3, 1, 1, 2]


def test_settings_checked_against_the_survey(rsud):
    _yaml(rsud, "title: T\noutcome: PERSEPSI\ncontrols: [unit_layan]\ncompare_by: [usia, x]\n")
    err = _error(rsud)
    msgs = [(p.line, p.message) for p in err.problems]
    assert msgs[0][0] == 2 and "'outcome': 'PERSEPSI' is not a scale" in msgs[0][1]
    assert "did you mean 'PERSEPSI_RS'?" in msgs[0][1]
    assert msgs[1][0] == 3 and "did you mean 'unit_layanan'?" in msgs[1][1]
    # usia is a column, but a numeric one: group comparisons would fail inside notebook 05
    assert msgs[2][0] == 4 and "'compare_by': 'usia' is a numeric demographic" in msgs[2][1]
    assert msgs[3][0] == 4 and "'x' is not a column" in msgs[3][1]
    assert len(msgs) == 4


def test_compare_by_needs_two_groups(rsud):
    """A column that does not divide the respondents into groups is refused before the
    notebooks run (Welch's ANOVA inside notebook 05 would fail on it)."""
    path = rsud / "data" / "raw" / "survey_responses.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["jenis_pasien"] = ["Umum"] + ["BPJS"] * (len(table) - 1)  # one "Umum" respondent
    table.to_csv(path, index=False, lineterminator="\n")
    err = _error(rsud)
    (problem,) = err.problems
    assert problem.line == 7 and problem.path.endswith("study.yaml")
    assert "'compare_by': 'jenis_pasien' does not divide the respondents into two or more " \
        "groups of two or more (its groups: 'BPJS': 219, 'Umum': 1)" in problem.message


def _responses(root: Path) -> tuple[Path, pd.DataFrame]:
    path = root / "data" / "raw" / "survey_responses.csv"
    return path, pd.read_csv(path, dtype=str, keep_default_na=False)


def test_compare_by_group_whose_answers_are_all_alike_is_a_warning(rsud):
    """Welch's ANOVA weighs each group by n / variance: a group of two respondents with the
    same answers made notebook 05 fail (exit 1) after validate had passed; then validate
    refused the whole compare_by (exploratory test 3), although compare_groups now leaves
    such a group out of Welch's ANOVA with a note and keeps it in Kruskal-Wallis."""
    path, table = _responses(rsud)
    table.loc[:1, "jenis_pasien"] = "VIP"
    items = [c for c in table.columns if c[:3].isupper() and c[-1].isdigit()]
    table.loc[1, items] = table.loc[0, items]
    table.to_csv(path, index=False, lineterminator="\n")
    (found,) = [w for w in ce.load_study(rsud).warnings if "same score" in w]
    assert "study.yaml:7: 'compare_by': in 'jenis_pasien', every respondent of a group has " \
        "the same score ('VIP' on PENGADUAN, EDUKASI, MEDSOS, KETERBUKAAN, PERSEPSI_RS)" in found
    assert "leave that group out" in found and "Kruskal-Wallis keeps it" in found
    # one answer apart: the group varies on that scale, the others stay named
    table.loc[1, "ADU1"] = "1" if table.loc[0, "ADU1"] != "1" else "2"
    table.to_csv(path, index=False, lineterminator="\n")
    (found,) = [w for w in ce.load_study(rsud).warnings if "same score" in w]
    assert "('VIP' on EDUKASI, MEDSOS, KETERBUKAAN, PERSEPSI_RS)" in found


def test_compare_by_group_below_the_minimum_size_is_a_warning(rsud):
    """Quant repro 1: a compare_by group of 2 respondents passed validate without a word,
    and its p values then came without a note. compare_groups notes groups below
    MIN_GROUP_SIZE (5); validate says so first, at the compare_by line."""
    path, table = _responses(rsud)
    assert ce.load_study(rsud).warnings == [] or not any(
        "fewer than" in w for w in ce.load_study(rsud).warnings)
    table.loc[:1, "jenis_pasien"] = "VIP"
    table.to_csv(path, index=False, lineterminator="\n")
    (found,) = [w for w in ce.load_study(rsud).warnings if "fewer than" in w]
    assert "study.yaml:7: 'compare_by': group 'VIP' of 'jenis_pasien' has 2 respondents, " \
        "fewer than 5" in found and "merge" in found


def test_compare_by_scale_one_group_answered_is_a_warning(rsud):
    """Stats t2-4: skip logic (PENGADUAN asked of one group of jenis_pasien only) passed
    validate, then compare_scales raised inside notebook 05 (exit 1, no reports). validate
    now says the scale will not be compared; the comparison notes it and goes on."""
    path, table = _responses(rsud)
    asked = table["jenis_pasien"] == table["jenis_pasien"].iloc[0]
    table.loc[~asked, [c for c in table.columns if c.startswith("ADU")]] = ""
    table.to_csv(path, index=False, lineterminator="\n")
    (found,) = [w for w in ce.load_study(rsud).warnings if "'compare_by'" in w]
    assert "study.yaml:7: 'compare_by': scale 'PENGADUAN' has two or more respondents in 1 " \
        "group(s) of 'jenis_pasien' only" in found and "not compared" in found


def test_compare_by_column_must_be_a_demographic(rsud):
    """Notebook 05 compares the scores with the instrument's demographics: a column of the
    responses that is not declared there made it fail (exit 1)."""
    path, table = _responses(rsud)
    table["ruang"] = ["A", "B"] * (len(table) // 2)
    table.to_csv(path, index=False, lineterminator="\n")
    _yaml(rsud, "title: T\noutcome: PERSEPSI_RS\ncompare_by: [ruang]\n")
    (problem,) = _error(rsud).problems
    assert problem.line == 3
    assert "'compare_by': 'ruang' is a column of" in problem.message
    assert "not one of the instrument's 'demographics'; add it there" in problem.message


def test_outcome_that_leaves_no_predictor_is_refused(rsud):
    """An outcome that is the only strategy scale left the image model without predictors:
    notebook 05 failed with API advice ('pass predictors=[...]')."""
    inst = rsud / "data" / "raw" / "instrument.yaml"
    text = inst.read_text(encoding="utf-8")
    inst.write_text(text.replace("role: strategy", "role: image", 3), encoding="utf-8")
    assert ce.Instrument.load(inst).scale_names("strategy") == ["KETERBUKAAN"]
    _yaml(rsud, "title: T\n\noutcome: KETERBUKAAN\ncompare_by: [unit_layanan]\n")
    (problem,) = _error(rsud).problems
    assert problem.line == 3 and problem.path.endswith("study.yaml")
    assert "'outcome': 'KETERBUKAAN' is the only strategy scale ('role: strategy') of " \
        in problem.message
    assert "no predictors left; name the scale the strategies should explain (one of " \
        "PENGADUAN, EDUKASI, MEDSOS, PERSEPSI_RS)" in problem.message


def test_outcome_made_of_every_strategy_scale_is_refused(rsud):
    """Exploratory survey report 14, repro 4: with an outcome composed (``of:``) of strategy
    scales validate said ok and notebook 05 failed. The default predictors now leave out the
    outcome's parts (so a composite of some strategies leaves the others as predictors,
    and loads); one made of every strategy scale leaves none, which validate says."""
    inst = rsud / "data" / "raw" / "instrument.yaml"
    text = inst.read_text(encoding="utf-8")
    inst.write_text(text.replace("\nitems:\n", "  SEMUA: {of: [PENGADUAN, EDUKASI]}\n"
                                 "\nitems:\n", 1), encoding="utf-8")
    _yaml(rsud, "title: T\noutcome: SEMUA\n")
    assert ce.load_study(rsud).settings.outcome == "SEMUA"
    inst.write_text(text.replace("\nitems:\n", "  SEMUA: {of: [PENGADUAN, EDUKASI, MEDSOS, "
                                 "KETERBUKAAN]}\n\nitems:\n", 1), encoding="utf-8")
    (problem,) = _error(rsud).problems
    assert problem.line == 2 and problem.path.endswith("study.yaml")
    assert problem.message.startswith(
        "'outcome': every strategy scale ('role: strategy': PENGADUAN, EDUKASI, MEDSOS, "
        "KETERBUKAAN) shares items with the outcome 'SEMUA' (in ")
    assert "give the instrument a strategy scale that is not part of 'SEMUA'" in problem.message


def test_text_control_with_too_many_levels_is_refused(rsud):
    """Numbers held as text (an undeclared age) would enter the image model as one dummy
    per value; the image model refused it inside notebook 05, naming '<input>'."""
    inst = rsud / "data" / "raw" / "instrument.yaml"
    inst.write_text(inst.read_text(encoding="utf-8").replace("  - usia: numeric\n",
                                                             "  - usia\n"), encoding="utf-8")
    assert ce.load_study(rsud).responses["usia"].dtype == object
    _yaml(rsud, "title: T\noutcome: PERSEPSI_RS\ncontrols: [unit_layanan, usia]\n"
          "compare_by: [unit_layanan]\n")
    (problem,) = _error(rsud).problems
    assert problem.line == 3 and problem.path.endswith("study.yaml")
    assert "'controls': 'usia' is text with" in problem.message
    assert "its values are numbers held as text: declare it numeric in the instrument " \
        "('demographics: [{usia: numeric}]'" in problem.message


def test_numeric_control_singling_out_a_respondent_is_refused_as_the_image_model_would(rsud):
    """Exploratory stats report, repro 7: a numeric control constant except for one
    respondent gives that respondent leverage 1 (HC3 0/0); image_model refuses it, so
    validate reports it at the 'controls' line instead of notebook 05 failing."""
    path, table = _responses(rsud)
    table["usia"] = "30"
    table.loc[0, "usia"] = "61"
    message = _controls_problem(rsud, path, table, "usia")
    rid = table.iloc[0, 0]
    assert f"'controls': respondent {rid!r} has leverage 1 in the image model: its value " \
        "of 'usia' is unlike any other respondent's ('usia' is 61.0, every other " \
        "respondent has 30.0)" in message


def _controls_problem(rsud: Path, path: Path, table: pd.DataFrame, control: str) -> str:
    """Write ``table`` and a study.yaml with ``controls: [control]``; the one problem
    validate reports, at the 'controls' line (3)."""
    table.to_csv(path, index=False, lineterminator="\n")
    _yaml(rsud, f"title: T\noutcome: PERSEPSI_RS\ncontrols: [{control}]\n"
          "compare_by: [jenis_pasien]\n")
    (problem,) = _error(rsud).problems
    assert problem.line == 3 and problem.path.endswith("study.yaml")
    return problem.message


def test_control_level_with_one_respondent_is_refused_as_the_image_model_would(rsud):
    """Stats t2-5: a control level with one respondent passed validate, then image_model
    refused it inside notebook 05 (exit 2): validate now reports the same problem, counted
    in the image model's analysis sample (respondents with the outcome, the predictors and
    every control), at the 'controls' line."""
    path, table = _responses(rsud)
    table.loc[0, "unit_layanan"] = "Hemodialisa"
    assert "'controls': control 'unit_layanan': level 'Hemodialisa' has 1 respondent in " \
        "the analysis sample" in _controls_problem(rsud, path, table, "unit_layanan")
    study_inst = ce.Instrument.load(rsud / "data" / "raw" / "instrument.yaml")
    with pytest.raises(ce.InputError, match="level 'Hemodialisa' has 1 respondent"):
        ce.image_model(ce.read_responses(path, study_inst), study_inst,
                       outcome="PERSEPSI_RS", controls=["unit_layanan"])
    # the lone respondent without an outcome score is not in the analysis sample
    outcome_items = study_inst.scales["PERSEPSI_RS"].items
    table.loc[0, outcome_items] = ""
    table.to_csv(path, index=False, lineterminator="\n")
    ce.load_study(rsud)


def test_a_codings_glob_set_in_study_yaml_must_find_a_file(rsud):
    """'a path that is given must exist': a given glob that matched nothing was only a
    warning blamed on the transcripts folder, and reliability and the themes were skipped."""
    _yaml(rsud, "title: T\ncodings: data/raw/kode_*.csv\n")
    (problem,) = _error(rsud).problems
    assert problem.line == 2 and problem.path.endswith("study.yaml")
    assert "'codings': data/raw/kode_*.csv matches no file; fix the pattern, or remove the " \
        "line to use the default (data/raw/codings_*.csv)" in problem.message
    # the default glob finding nothing is a warning, on the codings' own place
    for f in (rsud / "data" / "raw").glob("codings_*.csv"):
        f.unlink()
    _yaml(rsud, "title: T\n")
    (found,) = [w for w in ce.load_study(rsud).warnings if "no codings files" in w]
    assert found.startswith("warning: ") and "data/raw/codings_*.csv: no codings files yet" \
        in found


def _construct_warning(rsud: Path, construct: str) -> tuple[str, str]:
    """The one construct warning when the MEDSOS code's construct becomes ``construct``, and
    where it should be: ``codebook.yaml:<line of the code>: code '<id>'``."""
    book = rsud / "data" / "raw" / "codebook.yaml"
    text = book.read_text(encoding="utf-8")
    assert "construct: MEDSOS\n" in text
    assert not [w for w in ce.load_study(rsud).warnings if "construct" in w]
    book.write_text(text.replace("construct: MEDSOS\n", f"construct: {construct}\n"),
                    encoding="utf-8")
    (found,) = [w for w in ce.load_study(rsud).warnings if "construct" in w]
    lines = text.splitlines()
    at = lines.index("        construct: MEDSOS")
    code_line = max(i for i, ln in enumerate(lines[:at], 1) if ln.lstrip().startswith("- id:"))
    code_id = lines[code_line - 1].split("id:", 1)[1].strip()
    return found, f"codebook.yaml:{code_line}: code {code_id!r}"


def test_a_construct_the_instrument_lacks_is_a_warning(rsud):
    """A typo in a code's 'construct' split the joint display into two 'expands' rows."""
    found, where = _construct_warning(rsud, "MEDSOSX")
    assert f"{where}: 'construct: MEDSOSX' is not a scale of " in found
    assert "instrument.yaml, so the joint display shows this theme without survey evidence; " \
        "did you mean 'MEDSOS'? (or remove 'construct')" in found


def test_a_construct_that_is_the_outcome_is_a_warning(rsud):
    """A theme linked to the outcome gets no effect in the joint display (the outcome has
    none on itself): validate says so at the code's line."""
    found, where = _construct_warning(rsud, "PERSEPSI_RS")
    assert f"{where}: 'construct: PERSEPSI_RS' is the study's outcome ('outcome' in " in found
    assert "study.yaml), which the image model explains, so the joint display shows no " \
        "effect for this theme, only the outcome's level" in found


def test_an_unreadable_codings_file_is_not_also_a_coder_without_codings(rsud):
    """One bad offset in a coder's file also gave "'double_coded': coder 'A' has no
    codings", a misleading second error."""
    _with(rsud, "double_coded: {A: all, B: all}\n")
    path = rsud / "data" / "raw" / "codings_A.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",801,1134,", ",802,1134,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = _error(rsud).problems
    assert problems and all(p.path.endswith("codings_A.csv") for p in problems), problems
    # a declared coder whose codings really are missing is still named
    path.unlink()
    (problem,) = _error(rsud).problems
    assert "'double_coded': coder 'A' has no codings" in problem.message


def test_reader_errors_come_with_their_files(rsud):
    (rsud / "data" / "raw" / "codebook.yaml").write_text("codebook: x\ncodes: []\n")
    (rsud / "data" / "raw" / "survey_responses.csv").write_text("nope\n1\n")
    err = _error(rsud)
    paths = {p.path for p in err.problems}
    assert "data/raw/codebook.yaml" not in paths  # shown relative to the current folder...
    assert any(p.endswith("data/raw/codebook.yaml") for p in paths)
    assert any(p.endswith("data/raw/survey_responses.csv") for p in paths)


def test_custom_paths(rsud):
    (rsud / "interview_transcripts").rename(rsud / "wawancara")
    (rsud / "data" / "raw" / "codings_A.csv").rename(rsud / "koder1.csv")
    _yaml(rsud, "title: T\ntranscripts: wawancara\ncodings: [koder1.csv, data/raw/codings_B.csv]"
          "\noutcome: PERSEPSI_RS\ncompare_by: [unit_layanan]\nkwic: [humas]\n")
    study = ce.load_study(rsud)
    assert len(study.corpus) == 4 and study.coders == ["A", "B"]
    assert [f[0] for f in study.coding_files] == ["koder1.csv", "data/raw/codings_B.csv"]
    assert study.warnings == ()


# --------------------------------------------------------------------------- warnings

def test_one_coder_is_a_warning(rsud):
    (rsud / "data" / "raw" / "codings_B.csv").unlink()
    study = ce.load_study(rsud)
    assert study.coders == ["A"] and study.n_coders == 1
    assert len(study.warnings) == 1
    assert study.warnings[0].startswith("warning: ")
    assert "codings_A.csv: only one coder (A): inter-coder reliability" in study.warnings[0]


def test_transcripts_without_text_skip_the_qualitative_side(rsud):
    """Texts imported from a QDA project that held none (e.g. NVivo's empty sources)."""
    folder = rsud / "interview_transcripts"
    for f in folder.glob("*.txt"):
        head = f.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        f.write_text(head + "\n---\n", encoding="utf-8")
    for f in (rsud / "data" / "raw").glob("codings_*.csv"):
        f.unlink()
    study = ce.load_study(rsud)
    assert len(study.corpus) == 4 and not study.has_transcripts
    (found,) = [w for w in study.warnings if "hold no text" in w]
    assert "the transcripts hold no text (4 documents, none with a turn or paragraph)" in found


def test_coded_transcripts_without_informant_turns_are_a_warning(rsud):
    """As a text imported from a QDA program has it: speakers without a role."""
    f = rsud / "interview_transcripts" / "WWC-01.txt"
    f.write_text(f.read_text(encoding="utf-8").replace(
        'speakers: {"Bu Rina": informant, PEW: interviewer}',
        "speakers: {\"Bu Rina\": '', PEW: ''}"), encoding="utf-8")
    study = ce.load_study(rsud)
    (found,) = [w for w in study.warnings if "no informant turn" in w]
    assert "coded transcript(s) WWC-01 have no informant turn" in found
    assert "speakers: {Budi: informant, Interviewer: interviewer}" in found


def test_an_empty_codings_file_is_a_warning_not_a_silent_coder(rsud):
    """An unfilled coding sheet imported as codings_C.csv: C is named, not dropped silently."""
    (rsud / "data" / "raw" / "codings_C.csv").write_text(
        "doc_id,segment_id,start,end,code,coder,text,note\n", encoding="utf-8")
    study = ce.load_study(rsud)
    assert study.coders == ["A", "B"]
    (found,) = [w for w in study.warnings if "codings_C.csv" in w]
    assert "the file holds no codings (yet): its coder is left out" in found
    assert "codings data/raw/codings_C.csv: no codings yet" in study.summary()


def test_machine_codings_among_the_coders_files_are_a_warning(rsud):
    """The auto-coder's output saved as a coder's file would be compared with itself."""
    study = ce.load_study(rsud)
    auto = ce.autocode(study.corpus, study.codebook, coder="M")
    ce.write_codings(auto, rsud / "data" / "raw" / "codings_M.csv",
                     corpus=study.corpus, replace_raw=True)
    study = ce.load_study(rsud)
    assert "M" in study.coders
    (found,) = [w for w in study.warnings if "'score'" in w]
    assert found.startswith("warning: ")
    assert "codings_M.csv: the codings of M have a 'score' column" in found
    # session 19, advice item 1: the coding sheet is a call in Python, a command in the CLI
    assert "ce.coding_sheet(" in found and "citra-eval" not in found, found
    assert "'citra-eval sheet export'" in for_cli(found) and "ce." not in for_cli(found)
    # reviewed (no score values left): no warning
    auto.assign(score=float("nan")).pipe(ce.write_codings, rsud / "data" / "raw" /
                                         "codings_M.csv", corpus=study.corpus,
                                         replace_raw=True)
    assert not [w for w in ce.load_study(rsud).warnings if "'score'" in w]


def test_a_codebook_in_another_language_is_a_warning(rsud):
    """The auto-coder reads every transcript as Indonesian: say so for an English codebook."""
    book = rsud / "data" / "raw" / "codebook.yaml"
    text = book.read_text(encoding="utf-8")
    assert "\nlanguage: id\n" in text
    assert not [w for w in ce.load_study(rsud).warnings if "language" in w]
    book.write_text(text.replace("\nlanguage: id\n", "\nlanguage: en\n"), encoding="utf-8")
    (found,) = [w for w in ce.load_study(rsud).warnings if "language" in w]
    assert "codebook.yaml: the codebook's language is 'en', but the auto-coder reads" in found
    # the vocabulary tables: English stop words for en, said so; another language is warned
    assert "keyness) leave out English stop words (scikit-learn's list)" in found
    # the keyword-in-context tables too: a term finds only the forms written in it
    assert "keyword-in-context tables" in found and "'kwic'" in found
    # session 19, advice item 1: the lint is a call in Python, an option on the command line
    assert found.endswith("(study.codebook.lint(corpus=study.corpus) says more)"), found
    assert "citra-eval" not in found and "'citra-eval validate --lint' says more" in for_cli(found)
    book.write_text(text.replace("\nlanguage: id\n", "\nlanguage: fr\n"), encoding="utf-8")
    (found,) = [w for w in ce.load_study(rsud).warnings if "language" in w]
    assert "leave out Indonesian stop words only, so this language's function words will " \
        "lead them" in found


def test_no_survey_is_a_warning(rsud):
    for f in ("instrument.yaml", "survey_responses.csv"):
        (rsud / "data" / "raw" / f).unlink()
    study = ce.load_study(rsud)
    assert not study.has_survey and study.instrument is None and study.responses is None
    text = "\n".join(study.warnings)
    assert "no survey instrument: the survey analyses" in text
    # the survey keys of study.yaml are named, with their lines
    for key, line in (("outcome", 5), ("controls", 6), ("compare_by", 7)):
        assert f"study.yaml:{line}: '{key}' is set but the study has no survey" in text


def test_instrument_without_responses_and_responses_without_instrument(rsud):
    (rsud / "data" / "raw" / "survey_responses.csv").unlink()
    study = ce.load_study(rsud)
    assert study.instrument is not None and not study.has_survey
    assert any("no survey responses" in w for w in study.warnings)
    shutil.copy(RSUD / "data" / "raw" / "survey_responses.csv", rsud / "data" / "raw")
    (rsud / "data" / "raw" / "instrument.yaml").unlink()
    err = _error(rsud)
    assert err.path.endswith("survey_responses.csv") and "need the survey instrument" in str(err)


def test_no_transcripts_is_a_warning(rsud):
    for f in (rsud / "interview_transcripts").iterdir():
        f.unlink()
    for f in ("codings_A.csv", "codings_B.csv"):
        (rsud / "data" / "raw" / f).unlink()
    (rsud / "interview_transcripts" / "INF01.template.txt").write_text("not a transcript")
    study = ce.load_study(rsud)
    assert study.corpus is None and not study.has_transcripts and study.n_coders == 0
    assert list(study.codings.columns[:6]) == list(ce.CODING_COLUMNS) and study.codings.empty
    assert study.has_survey
    text = "\n".join(study.warnings)
    assert "no transcripts yet: the qualitative analyses" in text
    assert "'kwic' is set but the study has no transcripts" in text


def test_a_kwic_term_the_informants_never_say_is_a_warning_with_its_line(rsud):
    text = (rsud / "study.yaml").read_text(encoding="utf-8")
    kwic = next(line for line in text.splitlines() if line.startswith("kwic:"))
    _yaml(rsud, text.replace(kwic, "kwic: [humas, viral, sinyal lemah]"))
    study = ce.load_study(rsud)
    line = text.splitlines().index(kwic) + 1
    found = [w for w in study.warnings if "'kwic'" in w]
    assert found == [f"warning: {ce.study.shown_path(rsud / 'study.yaml')}:{line}: 'kwic': "
                     "'sinyal lemah' does not occur in the informants' turns of the 4 "
                     "transcript(s), so its keyword-in-context table (notebook 03) is empty; "
                     "check its spelling against the transcripts, or remove it from 'kwic'"]


SPECIAL = "not a regular file (a device, FIFO or link to one); replace it with the file"


@pytest.mark.parametrize("name", ["codebook.yaml", "instrument.yaml", "survey_responses.csv",
                                  "codings_A.csv"])
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_special_file_as_an_input_is_named_not_called_missing(rsud, name, kind):
    import os

    target = rsud / "data/raw" / name
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    err = _error(rsud)
    link = "" if kind == "fifo" else "; it is a link to /dev/zero"
    assert [p.message for p in err.problems] == [SPECIAL.replace(")", f"{link})")]
    assert err.problems[0].path.endswith(f"data/raw/{name}")  # a link: by its own name


@pytest.mark.parametrize("key", ["codebook", "instrument", "responses", "codings", "glob"])
def test_a_link_named_in_study_yaml_to_a_special_file_is_named_as_written(rsud, key):
    """Issue 9.2: a path of study.yaml leading through a link to a FIFO or device is named
    as study.yaml writes it (with its key and line), not as the file it leads to."""
    import os

    os.mkfifo(rsud / "pipe")
    (rsud / "data/raw/my_input.csv").symlink_to(rsud / "pipe")
    value = "data/raw/my_*.csv" if key == "glob" else "data/raw/my_input.csv"
    _with(rsud, f"{'codings' if key == 'glob' else key}: {value}\n")
    line = len((rsud / "study.yaml").read_text(encoding="utf-8").splitlines())
    (p,) = _error(rsud).problems
    assert p.path == ce.study.shown_path(rsud / "data/raw/my_input.csv")
    assert p.message.startswith(SPECIAL.replace(")", f"; it is a link to {rsud / 'pipe'})"))
    if key != "glob":  # a glob names no single file: its matches are found later
        assert p.message.endswith(f" ('{key}' on line {line} of study.yaml)")


def test_a_special_file_in_the_transcripts_folder_is_named(rsud):
    import os

    os.mkfifo(rsud / "interview_transcripts" / "WWC-09.txt")
    assert _error(rsud).problems[0].message == SPECIAL


def _gone(what: str = "file") -> str:
    return (f"cannot be read: it is a link to /media/usb/gone, which does not exist (moved or "
            f"deleted, or on a drive that is not connected); put the {what} back there, or "
            f"replace the link with the {what}")


@pytest.mark.parametrize("name", ["interview_transcripts/WWC-09.txt", "data/raw/codebook.yaml",
                                  "data/raw/instrument.yaml", "data/raw/survey_responses.csv",
                                  "data/raw/codings_B.csv", "data/raw/codings_C.csv"])
def test_a_broken_link_as_an_input_is_named_not_left_out(rsud, name):
    """A transcript (or codings file, codebook, survey file) moved to a drive that is not
    mounted left its link behind: the study was read without it, validate said ok."""
    target = rsud / name
    target.unlink(missing_ok=True)
    target.symlink_to("/media/usb/gone")
    err = _error(rsud)
    assert [(p.path, p.message) for p in err.problems] == [
        (ce.study.shown_path(target), _gone())]


@pytest.mark.parametrize("given", [False, True])
def test_a_transcripts_folder_that_is_a_broken_link_is_named_not_skipped(rsud, given):
    """Not "no transcripts folder: the qualitative analyses are skipped" (a warning)."""
    import shutil

    shutil.rmtree(rsud / "interview_transcripts")
    (rsud / "interview_transcripts").symlink_to("/media/usb/gone")
    if given:
        _with(rsud, "transcripts: interview_transcripts\n")
    (p,) = _error(rsud).problems
    assert p.path == ce.study.shown_path(rsud / "interview_transcripts")
    assert p.message.startswith(_gone("folder")), p.message


def test_an_interviewer_only_transcript_needs_no_date(rsud):
    """Issue 9.3: saturation leaves a transcript without an informant turn out (it needs no
    date), so its missing date is no reason to warn that the interviews lose their order."""
    (rsud / "interview_transcripts" / "WWC-06.txt").write_text(
        "---\nid: WWC-06\nspeakers: {PEW: interviewer, NRS9: informant}\n"
        "---\nPEW: Halo? Saya telepon lagi besok.\n", encoding="utf-8")
    warnings = ce.load_study(rsud).warnings
    assert not [w for w in warnings if "no 'date'" in w], warnings
    assert [w for w in warnings if "WWC-06" in w]  # what is said about it is still said


def test_missing_keys_say_what_is_skipped(rsud):
    _yaml(rsud, "title: T\n")
    study = ce.load_study(rsud)
    text = "\n".join(study.warnings)
    assert "no 'outcome': the image model" in text and "PERSEPSI_RS" in text
    assert "no 'compare_by': the group comparisons are skipped" in text
    assert "no 'kwic': no keyword-in-context tables" in text
    assert (study.settings.lang, study.settings.seed, study.settings.illustrative) == (
        "id", 0, False)


def test_the_kwic_suggestion_comes_from_the_study(tmp_path):
    """t1 finding 10: an English study was told "e.g. 'kwic: [humas]'" (a word of the
    example study). The suggested terms are the study's own: phrases of its codebook's
    patterns found most often in its informants' turns."""
    root = tmp_path / "en"
    (root / "interview_transcripts").mkdir(parents=True)
    (root / "data" / "raw").mkdir(parents=True)
    _yaml(root, "title: T\nlang: en\n")
    (root / "interview_transcripts" / "R1.txt").write_text(
        "---\nid: R1\nspeakers: {Q: interviewer, R1: informant}\n---\n"
        "Q: What happened after the outage?\n"
        "R1: We blamed the contractor at first. The contractor had cut the cable, and we "
        "apologise for it.\n", encoding="utf-8")
    (root / "data" / "raw" / "codebook.yaml").write_text(
        "codebook: t\nversion: 1\nlanguage: en\ncodes:\n"
        "  - id: blame\n    label: Blame\n    patterns: [contractor, not our fault]\n"
        "  - id: apology\n    label: Apology\n    patterns: [apologise, radio]\n",
        encoding="utf-8")
    (hint,) = [w for w in ce.load_study(root).warnings if "no 'kwic'" in w]
    assert hint.endswith("e.g. 'kwic: [contractor, apologise]' (phrases of the codebook's "
                         "patterns found most often in the informants' turns)"), hint
    # without a codebook there is nothing of the study's to suggest: no example word
    (root / "data" / "raw" / "codebook.yaml").unlink()
    (hint,) = [w for w in ce.load_study(root).warnings if "no 'kwic'" in w]
    assert "humas" not in hint and "'kwic: [" not in hint, hint


def test_uncoded_document_is_named(rsud):
    src = (rsud / "interview_transcripts" / "WWC-02.txt").read_text(encoding="utf-8")
    (rsud / "interview_transcripts" / "WWC-05.txt").write_text(
        src.replace("id: WWC-02", "id: WWC-05"), encoding="utf-8")
    study = ce.load_study(rsud)
    assert len(study.warnings) == 1
    assert study.warnings[0].startswith("warning: ")
    assert "interview_transcripts/WWC-05.txt: no coder coded document 'WWC-05'" in \
        study.warnings[0]
    # coverage inferred
    assert "inter-coder agreement and the themes leave it out" in study.warnings[0]
    _with(rsud, "double_coded: {A: all, B: all}\n")
    declared = ce.load_study(rsud).warnings
    assert len(declared) == 1 and "count as agreed 'no code' units ('double_coded' says A " \
        "and B coded it)" in declared[0]


def test_uncoded_document_one_coder_of_several_read_is_coded_without_a_theme(rsud):
    """double_coded says B alone read WWC-05 and found nothing to code: validate said "no
    coder coded ... the themes leave it out as not coded" while the themes' corpus
    (coded_corpus) holds it. Both now say it is an interview without any theme."""
    src = (rsud / "interview_transcripts" / "WWC-02.txt").read_text(encoding="utf-8")
    (rsud / "interview_transcripts" / "WWC-05.txt").write_text(
        src.replace("id: WWC-02", "id: WWC-05"), encoding="utf-8")
    others = [d for d in ce.load_study(rsud).corpus.doc_ids if d != "WWC-05"]
    _with(rsud, f"double_coded: {{A: [{', '.join(others)}], B: all}}\n")
    study = ce.load_study(rsud)
    (read,) = [w for w in study.warnings if "WWC-05" in w]
    assert "document 'WWC-05' has no codings, but 'double_coded' says B alone coded it, so " \
        "the themes count it as an interview without any theme" in read
    assert "leave it out as not coded" not in read
    assert "WWC-05" in study.coded_corpus.doc_ids


def test_uncoded_document_of_the_interviewer_alone_or_of_one_coder(rsud):
    """An interviewer-only transcript "counts as agreed 'no code' units and raises the
    agreement", though it adds no unit; with one coder, "inter-coder agreement leaves it
    out" spoke of an agreement that does not exist."""
    (rsud / "interview_transcripts" / "WWC-06.txt").write_text(
        "---\nid: WWC-06\ndate: 2023-09-01\nspeakers: {PEW: interviewer, NRS9: informant}\n"
        "---\nPEW: Halo? Saya telepon lagi besok.\n", encoding="utf-8")
    _with(rsud, "double_coded: {A: all, B: all}\n")
    (alone,) = ce.load_study(rsud).warnings
    assert "interview_transcripts/WWC-06.txt: document 'WWC-06' has no informant turn, so " \
        "there is nothing in it to code (reliability, the themes and saturation leave it " \
        "out); if an informant speaks in it, give that speaker the role" in alone
    assert "agree" not in alone.replace("(reliability", "")
    (rsud / "interview_transcripts" / "WWC-06.txt").unlink()
    src = (rsud / "interview_transcripts" / "WWC-02.txt").read_text(encoding="utf-8")
    (rsud / "interview_transcripts" / "WWC-05.txt").write_text(
        src.replace("id: WWC-02", "id: WWC-05"), encoding="utf-8")
    (rsud / "data" / "raw" / "codings_B.csv").unlink()
    _with(rsud, "double_coded: {A: all}\n")
    (one,) = [w for w in ce.load_study(rsud).warnings if "WWC-05" in w]
    assert one.endswith("interview_transcripts/WWC-05.txt: document 'WWC-05' has no codings, "
                        "but 'double_coded' says A coded it, so the themes count it as an "
                        "interview without any theme; if it is not coded yet, take it out of "
                        "'double_coded'")
    # not declared coded: an interview left for the learned coder is no mistake to undo
    _with(rsud, "")
    (one,) = [w for w in ce.load_study(rsud).warnings if "WWC-05" in w]
    assert "leave it out as not coded; code it when you can ('citra-eval code " \
        "--learn-from'" in one
    assert "move it out" not in one


def test_transcripts_without_a_date_are_named(rsud):
    """The notebooks order interviews by their front matter's date (saturation): validate
    says which transcripts lack it and what the notebooks do instead."""
    import re

    assert ce.load_study(rsud).warnings == ()
    for doc in ("WWC-02", "WWC-04"):
        path = rsud / "interview_transcripts" / f"{doc}.txt"
        raw = path.read_bytes()  # WWC-04 has CRLF line ends: keep them
        path.write_bytes(re.sub(rb"(?m)^date: [^\r\n]*\r?\n", b"", raw, count=1))
    warnings = ce.load_study(rsud).warnings
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("warning: ") and "interview_transcripts: no 'date' in the " \
        "front matter of WWC-02, WWC-04: the saturation analysis follows the order of the " \
        "transcripts" in warnings[0]


def test_undeclared_multiword_speaker_label(rsud):
    path = rsud / "interview_transcripts" / "WWC-02.txt"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    n = text.count("\n") + 1  # appended lines continue the last turn: offsets stay valid
    path.write_text(text + "\nPak S: Ulun setuju, humas harus cepat menjawab.\n"
                    "[00:10:02] Bu Dokter Ani: Betul.\nTapi kalau: ini bukan label.\n"
                    "jadi begitu Pak: bukan label juga.\n", encoding="utf-8")
    study = ce.load_study(rsud)
    labels = [w for w in study.warnings if "looks like a speaker label" in w]
    assert len(labels) == 2, study.warnings
    assert f"WWC-02.txt:{n + 1}: 'Pak S:' looks like a speaker label" in labels[0]
    assert f"WWC-02.txt:{n + 2}: 'Bu Dokter Ani:'" in labels[1]
    assert "add '\"Pak S\": <role>' to 'speakers'" in labels[0]


def test_undeclared_label_in_a_crlf_file_has_the_right_line(rsud):
    path = rsud / "interview_transcripts" / "WWC-04.txt"
    data = path.read_bytes().rstrip(b"\r\n")
    assert b"\r\n" in data
    n = data.count(b"\n") + 1
    path.write_bytes(data + b"\r\nIbu Kepala Ruangan: tambahan.\r\n")
    study = ce.load_study(rsud)
    assert any(f"WWC-04.txt:{n + 1}: 'Ibu Kepala Ruangan:'" in w for w in study.warnings), \
        study.warnings


def test_codes_the_codebook_lacks_are_warned_and_left_out(rsud):
    path = rsud / "data" / "raw" / "codings_B.csv"
    text = path.read_text(encoding="utf-8")
    n_before = len(ce.load_study(rsud).codings)
    first = text.split("\n")[1]
    code = first.split(",")[4]
    path.write_text(text.replace(first, first.replace(f",{code},", ",pengadu4n,"), 1),
                    encoding="utf-8")
    study = ce.load_study(rsud)
    assert len(study.codings) == n_before - 1
    (w,) = [w for w in study.warnings if "pengadu4n" in w]
    assert "codings_B.csv:2: code 'pengadu4n' (1 coding(s)) is not in the codebook (did you " \
           "mean 'pengaduan'?)" in w


def test_drop_unknown_codes_names_a_row_of_a_dataframe_without_lines():
    """Session 19 review: drop_unknown_codes read the ``_line`` column of a table read with
    ``keep_lines=True``, so a codings table built in Python failed with a KeyError. Now it
    names the first such coding as the other coding warnings do (``_coding_place``: the
    line of its file, else ``row 1 (index 101)``)."""
    from citra_eval.study import drop_unknown_codes
    book = ce.Codebook.from_dict({"codebook": "t", "version": 1, "language": "id", "codes": [
        {"id": "tema", "label": {"id": "Tema"}, "codable": False,
         "children": [{"id": "kode", "label": {"id": "Kode"}}]}]})
    codings = pd.DataFrame([("D", 1, 0, 3, "kode", "A"), ("D", 1, 0, 3, "kod", "A"),
                            ("D", 2, 0, 3, "tema", "A"), ("D", 2, 0, 3, "kod", "A")],
                           columns=ce.CODING_COLUMNS, index=[100, 101, 102, 103])
    kept, lines = drop_unknown_codes(codings, book, "codings")
    assert kept.index.tolist() == [100]
    assert lines[0].startswith("warning: codings: row 1 (index 101): code 'kod' (2 coding(s)) "
                               "is not in the codebook (did you mean 'kode'?)"), lines
    assert lines[1].startswith("warning: codings: row 2 (index 102): code 'tema' (1 coding(s)) "
                               "is a category of the codebook"), lines
    # a default index: the position alone; a table read with its lines: the line
    _, lines = drop_unknown_codes(codings.reset_index(drop=True), book, "codings")
    assert lines[0].startswith("warning: codings: row 1: code 'kod'"), lines
    _, lines = drop_unknown_codes(codings.assign(_line=[2, 3, 4, 5]), book, "c.csv")
    assert lines[0].startswith("warning: c.csv:3: code 'kod'"), lines


def test_a_coded_category_is_told_to_code_a_child_or_become_codable(rsud):
    """Thesis study: a coding of a category (codable: false) was left out with advice to
    "add it to the codebook", though it is there."""
    book = ce.load_study(rsud).codebook
    category = next(c for c in book.ids if c not in book.codable_ids)
    children = [c for c in book.descendants(category) if c in book.codable_ids]
    path = rsud / "data" / "raw" / "codings_B.csv"
    text = path.read_text(encoding="utf-8")
    first = text.split("\n")[1]
    code = first.split(",")[4]
    path.write_text(text.replace(first, first.replace(f",{code},", f",{category},"), 1),
                    encoding="utf-8")
    (w,) = [w for w in ce.load_study(rsud).warnings if f"'{category}'" in w]
    assert (f"code one of its children ({', '.join(children)}) or make it codable (remove "
            "`codable: false`)") in w
    assert "add it to the codebook" not in w


def test_a_coding_in_two_files_is_an_error(rsud):
    a = rsud / "data" / "raw" / "codings_A.csv"
    row = a.read_text(encoding="utf-8").split("\n")[3]
    with (rsud / "data" / "raw" / "codings_B.csv").open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    err = _error(rsud)
    assert err.path.endswith("codings_B.csv")
    assert "1 coding(s) also appear in data/raw/codings_A.csv" in err.message
    n_b = len((rsud / "data" / "raw" / "codings_B.csv").read_text().strip().split("\n"))
    assert err.line == n_b


def test_two_files_with_one_coder_name_say_to_rename_the_coder(rsud):
    # a QDA program's default user name gives two coders one name: their agreed codings
    # then look like codings given twice
    raw = rsud / "data" / "raw"
    for name, coder in (("codings_A.csv", ",A,"), ("codings_B.csv", ",B,")):
        path = raw / name
        path.write_text(path.read_text(encoding="utf-8").replace(coder, ",default,"),
                        encoding="utf-8")
    err = _error(rsud)
    assert err.path.endswith("codings_B.csv")
    assert "data/raw/codings_A.csv" in err.message
    assert "same coder name 'default'" in err.message
    assert "rename the coder in one of them" in err.message and "'coder' column" in err.message
    assert "give each coder's codings once" not in err.message


def test_templates_are_not_data(rsud):
    (rsud / "interview_transcripts" / "WWC-09.template.txt").write_text("--- broken")
    (rsud / "data" / "raw" / "codings_Z.template.csv").write_text("doc_id\n")
    study = ce.load_study(rsud)
    assert len(study.corpus) == 4 and study.coders == ["A", "B"]


def test_schema_lists_every_key():
    assert set(STUDY_KEYS) == {"title", "lang", "illustrative", "outcome", "controls",
                               "compare_by", "kwic", "group_by", "min_items", "seed",
                               "double_coded", "saturation_base",
                               *DEFAULT_PATHS}


# --------------------------------------------------------------------------- double_coded

def _with(root: Path, extra: str) -> None:
    text = (RSUD / "study.yaml").read_text(encoding="utf-8")
    _yaml(root, text + extra)


def test_double_coded_is_the_coverage_of_agreement(rsud):
    """Issue 14.7: the study declares who double-coded what; ``Study.coverage`` passes it to
    ``agreement`` (no CoverageWarning); without it the coverage is inferred (and warned
    when it leaves an interview out for a coder: not here, where both coded every one)."""
    import warnings

    import pandas as pd

    base = ce.load_study(rsud)
    assert base.settings.double_coded is None and base.coverage == "documents"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        inferred = ce.agreement(base.codings, corpus=base.corpus, coverage=base.coverage,
                                n_boot=0)
    # B read WWC-04 and coded nothing there: declared, its turns stay units.
    b_only_first = base.codings[(base.codings["coder"] == "A")
                                | (base.codings["doc_id"] != "WWC-04")]
    ce.write_codings(b_only_first[b_only_first["coder"] == "B"],
                     rsud / "data" / "raw" / "codings_B.csv", replace_raw=True)
    _with(rsud, "double_coded:\n  A: all\n  B: [WWC-01, WWC-02, WWC-03, WWC-04]\n")
    study = ce.load_study(rsud)
    assert study.settings.double_coded == {"A": "all",
                                           "B": ("WWC-01", "WWC-02", "WWC-03", "WWC-04")}
    assert study.coverage == {"A": "all", "B": ("WWC-01", "WWC-02", "WWC-03", "WWC-04")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        declared = ce.agreement(study.codings, corpus=study.corpus, coverage=study.coverage,
                                n_boot=0).set_index("code")
    everyone = ce.agreement(study.codings, corpus=study.corpus, coverage="all",
                            n_boot=0).set_index("code")
    pd.testing.assert_frame_equal(declared.drop(columns="note"), everyone.drop(columns="note"))
    with pytest.warns(ce.CoverageWarning):
        dropped = ce.agreement(study.codings, corpus=study.corpus, coverage="documents",
                               n_boot=0).set_index("code")
    assert dropped.loc["ALL", "n_units"] < declared.loc["ALL", "n_units"]
    assert inferred.loc[inferred["code"] == "ALL", "n_units"].item() == \
        declared.loc["ALL", "n_units"]


@pytest.mark.parametrize("extra, line, fragment", [
    ("double_coded: [A, B]\n", 10, "'double_coded' must map each coder to 'all' or a list"),
    ("double_coded: {A: all, B: true}\n", 10, "coder 'B' must have 'all' or a list"),
    ("double_coded: {A: all, B: some}\n", 10, "'some' is not a document of"),
    ("double_coded:\n  A: all\n  B: [WWC-01, WWC-01]\n", 12, "lists WWC-01 more than once"),
    ("double_coded:\n  A: all\n  Bb: all\n", 12,
     "coder 'Bb' has no codings (did you mean 'B'?)"),
    ("double_coded:\n  A: all\n", 10, "does not say which documents coder(s) 'B' rated"),
    ("double_coded:\n  A: all\n  B:\n    - WWC-01\n    - WWC-4\n", 14,
     "'WWC-4' is not a document of interview_transcripts (did you mean 'WWC-04'?)"),
    ("double_coded:\n  A: all\n  B: [WWC-01]\n", 12,
     "coder 'B' has codings in WWC-02, WWC-03, WWC-04, which their list leaves out"),
    ("double_coded: {A: all, B: all, dobel: 1}\n", 10, "'dobel' must have 'all' or a list"),
])
def test_double_coded_errors_have_lines_and_hints(rsud, monkeypatch, extra, line, fragment):
    monkeypatch.chdir(rsud)
    _with(rsud, extra)
    err = _error(rsud)
    hit = [p for p in err.problems if fragment in p.message]
    assert hit, [p.message for p in err.problems]
    assert hit[0].line == line and hit[0].path == "study.yaml"


@pytest.mark.parametrize("extra, fragment, guess", [
    ("double_coded:\n  A: all\n  b: all\n",
     "coder 'b' has no codings (did you mean 'B'? coder names are case-sensitive)", None),
    ("double_coded:\n  A: all\n  AB: all\n", "coder 'AB' has no codings (the codings have "
     "A, B)", "did you mean"),  # a typo away from both: a guess would name the other
    ("double_coded:\n  A: all\n  B: [wwc-01]\n", "'wwc-01' is not a document of "
     "interview_transcripts (did you mean 'WWC-01'? document ids are case-sensitive)", None),
    ("double_coded:\n  A: all\n  B: [WWC-05]\n", "'WWC-05' is not a document of "
     "interview_transcripts (its documents: WWC-01, WWC-02", "did you mean"),  # another one
])
def test_double_coded_hints_name_a_likely_name_only(rsud, monkeypatch, extra, fragment, guess):
    """Session 19, advice item 2: the coder and document hints of ``double_coded`` took the
    closest name (difflib): 'WWC-05' was "did you mean 'WWC-04'?", another interview. They
    name one differing only in letter case (saying names are case-sensitive) or one typo
    away (:func:`~citra_eval.errors.name_hint`), as the package's other hints do."""
    monkeypatch.chdir(rsud)
    _with(rsud, extra)
    messages = [p.message for p in _error(rsud).problems]
    hit = [m for m in messages if fragment in m]
    assert hit, messages
    assert guess is None or guess not in hit[0], hit[0]


def test_double_coded_line_of_a_typo_key(rsud):
    _with(rsud, "double_code: {A: all}\n")
    err = _error(rsud)
    assert err.line == 10 and "did you mean 'double_coded'?" in err.message


# --------------------------------------------------------------------------- min_items

@pytest.mark.parametrize("key", ["min_items", "saturation_base"])
def test_whole_number_settings_are_read_and_checked(rsud, key):
    """``min_items`` lets a study follow the half-scale rule the scale warnings advise (the
    advice named a Python argument that study.yaml refused as an unknown key);
    ``saturation_base`` (session 12) is the base notebook 03 passes to saturation, which used
    the library's fixed 4: on this study of 4 interviews every interview was the base."""
    assert getattr(ce.load_study(rsud).settings, key) is None
    _with(rsud, f"{key}: 2\n")
    assert getattr(ce.load_study(rsud).settings, key) == 2
    for bad in ("0", "'2'", "true", "1.5"):
        _with(rsud, f"{key}: {bad}\n")
        (problem,) = _error(rsud).problems
        assert problem.message.startswith(f"'{key}' must be a whole number of 1 or more")
        assert problem.line == len((RSUD / "study.yaml").read_text().splitlines()) + 1


def test_a_saturation_base_no_run_can_follow_is_named_at_its_line(rsud, monkeypatch):
    """Session 13: saturation refuses an explicit base that leaves no run of interviews after
    it (it judged nothing before, with a warning only, and a base of every interview stopped
    notebook 03 after the notebooks before it). The study names such a ``saturation_base``
    with its line, counting what notebook 03 counts (the coded interviews with an
    informant's turn): a warning (the other analyses are not affected), which reproduce
    makes an error (tests/test_pipeline.py)."""
    monkeypatch.chdir(rsud)
    n = len(ce.load_study(rsud).coded_corpus)
    line = len((RSUD / "study.yaml").read_text().splitlines()) + 1
    _with(rsud, f"saturation_base: {n - 2}\n")
    study = ce.load_study(rsud)
    assert study.settings.saturation_base == n - 2
    assert not [w for w in study.warnings if "saturation_base" in w]
    for base in (n - 1, n):
        _with(rsud, f"saturation_base: {base}\n")
        (warning,) = [w for w in ce.load_study(rsud).warnings if "saturation_base" in w]
        assert warning.startswith(
            f"warning: study.yaml:{line}: 'saturation_base' must be at most {n - 2} (a run of "
            f"run_length=2 interviews must follow the base, in the {n} interviews counted), "
            f"got {base}; ")
        assert warning.endswith("(4, fewer in a small study) (an error for 'citra-eval "
                                "reproduce', before any notebook runs)")
    # an interview nobody coded is not counted (notebook 03 leaves it out)
    last = study.coded_corpus.doc_ids[-1]
    for f in sorted((rsud / "data" / "raw").glob("codings_*.csv")):
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
        t[t["doc_id"] != last].to_csv(f, index=False)
    _with(rsud, f"saturation_base: {n - 2}\n")
    (warning,) = [w for w in ce.load_study(rsud).warnings if "saturation_base" in w]
    assert f"must be at most {n - 3} (" in warning


# --------------------------------------------------------------------------- group_by

def test_group_by_chooses_the_attributes_themes_are_counted_by(rsud):
    """Without ``group_by`` the attributes that divide the interviews are chosen (none in
    this study: four interviews, every attribute differs or is constant); with it, the
    named ones, even one value per interview, with a warning saying so."""
    assert "group_by" not in ce.load_study(rsud).settings.given
    assert ce.load_study(rsud).group_by == []
    _yaml(rsud, "title: T\ngroup_by: [unit]\n")
    study = ce.load_study(rsud)
    assert study.group_by == ["unit"]
    (warning,) = [w for w in study.warnings if "'group_by'" in w]
    assert "study.yaml:2: 'group_by': 'unit' does not divide the interviews" in warning
    _yaml(rsud, "title: T\ngroup_by: []\n")
    assert ce.load_study(rsud).group_by == []


def test_group_by_must_name_a_front_matter_attribute(rsud):
    _yaml(rsud, "title: T\ngroup_by: [unti]\n")
    (problem,) = _error(rsud).problems
    assert problem.line == 2
    assert "'group_by': 'unti' is not a front-matter attribute" in problem.message
    assert "did you mean 'unit'" in problem.message


def test_group_by_without_transcripts_is_ignored_with_a_warning(rsud):
    for f in (rsud / "interview_transcripts").iterdir():
        f.unlink()
    _yaml(rsud, "title: T\ngroup_by: [unit]\n")
    study = ce.load_study(rsud)
    assert study.group_by == []
    assert any("'group_by' is set but the study has no transcripts" in w
               for w in study.warnings)


def test_the_themes_count_only_the_coded_interviews(rsud):
    """Interviews nobody coded yet (left for the learned coder) were "coded, no code" for the
    notebooks: saturation was reached on them and every theme's share was lowered."""
    (rsud / "data" / "raw" / "codings_B.csv").unlink()
    src = (rsud / "interview_transcripts" / "WWC-04.txt").read_text(encoding="utf-8")
    for doc, date in (("WWC-05", "2031-01-01"), ("WWC-06", "2031-02-01")):
        text = re.sub(r"(?m)^date: .*$", f"date: {date}", src.replace("id: WWC-04", f"id: {doc}"))
        (rsud / "interview_transcripts" / f"{doc}.txt").write_text(text, encoding="utf-8")
    for extra in ("", "double_coded: {A: [WWC-01, WWC-02, WWC-03, WWC-04]}\n"):
        _with(rsud, extra)
        study = ce.load_study(rsud)
        assert len(study.corpus) == 6
        coded = study.coded_corpus
        assert coded.doc_ids == ["WWC-01", "WWC-02", "WWC-03", "WWC-04"]
        ref = ce.reference_codings(study.codings)
        sat = ce.saturation(ref, corpus=coded, base_size=2, run_length=2)
        assert "WWC-05" not in set(sat["doc_id"])
        freq = ce.code_frequencies(ref, corpus=coded, codebook=study.codebook)
        with pytest.warns(ce.CoverageWarning, match="2 of 6 interviews have no coding"):
            whole = ce.code_frequencies(ref, corpus=study.corpus, codebook=study.codebook)
        used = freq["n_segments"] > 0
        assert (freq.loc[used, "share_segments"] > whole.loc[used, "share_segments"]).all()
        cases = ce.code_case_matrix(ref, corpus=coded, codebook=study.codebook)
        assert "WWC-06" not in set(cases.index) | set(cases.get("doc_id", ()))


def test_an_interview_one_coder_rated_counts_in_the_themes(rsud):
    """Finding 2 (session 10): with ``double_coded: {A: all, B: [...]}`` (the pattern the docs
    show) the interview only A coded left the themes (code-case matrix, frequencies,
    saturation, joint display) and notebook 03 said nobody had rated it."""
    import pandas as pd

    raw = rsud / "data" / "raw"
    b = pd.read_csv(raw / "codings_B.csv", keep_default_na=False)
    b[b["doc_id"] != "WWC-04"].to_csv(raw / "codings_B.csv", index=False)
    for extra in ("double_coded: {A: all, B: [WWC-01, WWC-02, WWC-03]}\n", ""):
        _with(rsud, extra)
        study = ce.load_study(rsud)
        assert study.coded_corpus.doc_ids == study.corpus.doc_ids
        ref = study.reference_codings
        a4 = study.codings.query("coder == 'A' and doc_id == 'WWC-04'")
        mine = ref[ref["doc_id"] == "WWC-04"]
        assert len(a4) and set(mine["code"]) == set(a4["code"])
        assert set(mine["note"]) == {"only A rated WWC-04"}
        # where both coded, the agreed consensus as before
        both = ref[ref["doc_id"] != "WWC-04"].reset_index(drop=True)
        old = ce.reference_codings(study.codings[study.codings["doc_id"] != "WWC-04"],
                                   corpus=study.corpus)
        pd.testing.assert_frame_equal(both, old)
        cases = ce.code_case_matrix(ref, corpus=study.coded_corpus, codebook=study.codebook)
        assert "WWC-04" in cases.columns and cases["WWC-04"].sum() > 0


def test_many_uncoded_documents_are_one_warning(rsud):
    """validate printed one 'no coder coded document' line per uncoded transcript (14,000
    lines for one review per file), while the 'no date' warning names five and counts the
    rest. Now the uncoded documents of one kind are one line as well."""
    src = (rsud / "interview_transcripts" / "WWC-02.txt").read_text(encoding="utf-8")
    new = [f"WWC-{i:02d}" for i in range(10, 18)]
    for doc in new:
        (rsud / "interview_transcripts" / f"{doc}.txt").write_text(
            src.replace("id: WWC-02", f"id: {doc}"), encoding="utf-8")
    for doc in ("WWC-20", "WWC-21"):  # another kind: nothing to code in them
        (rsud / "interview_transcripts" / f"{doc}.txt").write_text(
            f"---\nid: {doc}\ndate: 2023-09-01\nspeakers: {{PEW: interviewer}}\n---\n"
            "PEW: Halo?\n", encoding="utf-8")
    uncoded = [w for w in ce.load_study(rsud).warnings if "WWC-1" in w or "WWC-2" in w]
    assert len(uncoded) == 2, uncoded
    many = next(w for w in uncoded if "no coder coded" in w)
    assert many.startswith("warning: ") and ("interview_transcripts: no coder coded 8 "
                                             f"documents ({', '.join(new[:5])} and 3 more): "
                                             "inter-coder agreement and the themes leave them "
                                             "out as not coded") in many
    two = next(w for w in uncoded if "no informant turn" in w)
    assert "2 documents (WWC-20, WWC-21) have no informant turn, so there is nothing in " \
        "them to code" in two


def test_one_scale_has_no_scale_pairs(tmp_path):
    """A survey of a single scale: notebook 05 crashed in correlation_matrix (one column)."""
    from _studies import one_scale_study

    study = ce.load_study(one_scale_study(tmp_path / "s"))
    assert study.has_survey and list(study.instrument.scales) == ["S1"]
    assert not study.has_scale_pairs
    assert ce.example_study().has_scale_pairs
    empty = ce.load_study(ce.init_study(tmp_path / "empty"))
    assert not empty.has_survey and not empty.has_scale_pairs


def test_compare_by_suggestion_names_a_column_validate_accepts(tmp_path):
    """The warning suggested 'compare_by: [<first demographic>]', a numeric one, which
    validate then refused ('a numeric demographic ..., not groups')."""
    root = ce.init_study(tmp_path / "s")
    raw = root / "data" / "raw"
    (raw / "instrument.yaml").write_text(
        "instrument: t\nscale: {min: 1, max: 7}\nid_column: rid\n"
        "scales:\n  S1: {items: [Q1, Q2]}\n  S2: {items: [Q3, Q4]}\n"
        "demographics:\n  - age: numeric\n  - single\n  - ward\n", encoding="utf-8")
    rows = ["r1,4,3,4,2,64,x,a", "r2,2,3,2,5,30,x,b", "r3,5,6,6,4,41,x,a", "r4,6,6,7,6,22,y,b"]
    (raw / "survey_responses.csv").write_text("rid,Q1,Q2,Q3,Q4,age,single,ward\n"
                                              + "\n".join(rows) + "\n", encoding="utf-8")
    (line,) = [w for w in ce.load_study(root).warnings if "no 'compare_by'" in w]
    assert line.endswith("e.g. 'compare_by: [ward]'")
    with (root / "study.yaml").open("a", encoding="utf-8") as f:
        f.write("compare_by: [ward]\n")
    # accepted: only the groups of 2 (below MIN_GROUP_SIZE) are a warning
    assert all("fewer than 5" in w for w in ce.load_study(root).warnings if "'compare_by'" in w)


def test_labels_in_one_language_are_a_warning(rsud):
    """An English study (labels with 'en' only) got a 06-joint-display-id figure mixing
    Indonesian titles with English labels, and nothing said the 'id' labels were missing."""
    assert not [w for w in ce.load_study(rsud).warnings if "labels" in w]
    book = rsud / "data" / "raw" / "codebook.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(re.sub(r"label: \{id: ([^,}]+), en: ([^}]+)\}", r"label: {en: \2}", text),
                    encoding="utf-8")
    (found,) = [w for w in ce.load_study(rsud).warnings if "have no 'id'" in w]
    assert "codebook.yaml" in found and "06-joint-display-id" in found
    assert "mix" in found and "label: {id: ..., en: ...}" in found


def test_compare_by_advice_without_demographics_and_for_a_missing_column(tmp_path):
    """Without demographics the warning still suggested 'compare_by: [column]', a column no
    study could name; a compare_by term that is no column did not say that it must be added
    to the responses and declared under 'demographics:'."""
    root = ce.init_study(tmp_path / "s")
    raw = root / "data" / "raw"
    (raw / "instrument.yaml").write_text(
        "instrument: t\nscale: {min: 1, max: 7}\nid_column: rid\n"
        "scales:\n  S1: {items: [Q1, Q2]}\n  S2: {items: [Q3, Q4]}\n", encoding="utf-8")
    rows = ["r1,4,3,4,2", "r2,2,3,2,5", "r3,5,6,6,4", "r4,6,6,7,6"]
    (raw / "survey_responses.csv").write_text("rid,Q1,Q2,Q3,Q4\n" + "\n".join(rows) + "\n",
                                              encoding="utf-8")
    (line,) = [w for w in ce.load_study(root).warnings if "no 'compare_by'" in w]
    assert "[column]" not in line and "declares no demographics" in line
    with (root / "study.yaml").open("a", encoding="utf-8") as f:
        f.write("compare_by: [sector]\n")
    with pytest.raises(ce.InputError) as exc:
        ce.load_study(root)
    (msg,) = [p.message for p in exc.value.problems if "'sector'" in p.message]
    assert "is not a column" in msg and "'demographics:'" in msg and "instrument.yaml" in msg


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_declared_speakers_whose_labels_open_no_line_are_warned_about(tmp_path, fmt):
    """Speakers declared but written in a layout the reader does not know (here 'Name - ...'):
    the interview is read as one unlabelled segment, and validate used to say ok."""
    from citra_eval.study import transcript_warnings

    lines = ["---", "id: LAY", "speakers: {PWW: interviewer, INF: informant}", "---",
             "PWW - Apa tugas humas?", "INF - Informasi layanan."]
    if fmt == "txt":
        (tmp_path / "LAY.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        docx = pytest.importorskip("docx")
        d = docx.Document()
        for line in lines:
            d.add_paragraph(line)
        d.save(tmp_path / "LAY.docx")
    corpus = ce.read_transcripts(tmp_path)
    assert corpus.segments["speaker"].tolist() == [""]
    warnings = [w for w in transcript_warnings(corpus) if "no declared speaker label" in w]
    assert warnings == [f"warning: {tmp_path / f'LAY.{fmt}'}: no declared speaker label was "
                        f"found at the start of a line in LAY.{fmt}; expected lines like "
                        "'PWW: ...' (a declared label, a colon and the turn's words), so the "
                        "transcript is read as text without turns and none of it is coded as "
                        "a speaker's; write each turn that way"]
    # one labelled turn is enough; a transcript declaring no speakers is plain text
    (tmp_path / f"LAY.{fmt}").unlink()
    (tmp_path / "OK.txt").write_text("\n".join([*lines[:4], "PWW: Apa?", "INF - ya"]) + "\n",
                                     encoding="utf-8")
    (tmp_path / "P.txt").write_text("---\nid: P\n---\nCatatan lapangan.\nPak S: halo.\n",
                                    encoding="utf-8")
    corpus = ce.read_transcripts(tmp_path)
    warnings = transcript_warnings(corpus)
    assert not [w for w in warnings if "no declared speaker label" in w]
    # its lines are still looked at
    assert [w for w in warnings if "P.txt:5: 'Pak S:' looks like a speaker label" in w]


def test_subtitle_cues_naming_no_speaker_are_warned_about(tmp_path):
    from citra_eval.study import transcript_warnings

    (tmp_path / "n.srt").write_text(
        "1\n00:00:01,000 --> 00:00:04,000\nPeneliti: Apa?\n\n2\n00:00:05,000 --> 00:00:08,000\n"
        "Informasi.\n\n3\n00:00:09,000 --> 00:00:10,000\nBudi: Ya.\n\n"
        "4\n00:00:11,000 --> 00:00:12,000\nlagi.\n", encoding="utf-8")
    (tmp_path / "all.srt").write_text("1\n00:00:01,000 --> 00:00:04,000\nTanpa nama.\n",
                                      encoding="utf-8")
    corpus = ce.read_transcripts(tmp_path)
    warnings = [w for w in transcript_warnings(corpus) if "name no speaker" in w]
    assert warnings == [f"warning: {tmp_path / 'n.srt'}: 2 run(s) of cues name no speaker (the "
                        "first on line 6): each is kept as a segment without a speaker or "
                        "role, not added to the turn before it, so it is not coded as "
                        "anyone's; write the speaker's name at the start of each such cue "
                        "('Name: ...' or '<v Name>...')"]


def test_a_subtitle_file_naming_none_of_its_declared_speakers_is_warned_about(tmp_path):
    from citra_eval.study import transcript_warnings

    (tmp_path / "z.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
                                    "Peneliti - Apa?\n", encoding="utf-8")
    (tmp_path / "z.yaml").write_text("speakers: {Peneliti: interviewer, Budi: informant}\n",
                                     encoding="utf-8")
    (tmp_path / "plain.srt").write_text("1\n00:00:01,000 --> 00:00:04,000\nTanpa nama.\n",
                                        encoding="utf-8")
    warnings = [w for w in transcript_warnings(ce.read_transcripts(tmp_path)) if "cue" in w]
    assert warnings == [f"warning: {tmp_path / 'z.vtt'}: no cue names a speaker the sidecar "
                        "declares (Peneliti, Budi), so the file is read as text without turns "
                        "and none of it is coded as a speaker's; expected cues like "
                        "'Peneliti: ...' or '<v Peneliti>...'"]


def test_a_transcript_in_a_format_not_read_is_an_error_not_no_transcripts(tmp_path,
                                                                          monkeypatch):
    """An interview saved as .odt beside the others (or alone) was skipped without a word:
    validate said ok (or 'no transcripts yet') and it was missing from every analysis."""
    root = ce.init_study(tmp_path / "s")
    monkeypatch.chdir(root)
    (root / "interview_transcripts" / "INF02.odt").write_bytes(b"PK\x03\x04")
    err = _error(root)
    assert err.path == "interview_transcripts/INF02.odt"
    assert "unsupported format (.odt): save it as .docx or .txt" in err.message


def test_a_pdf_beside_the_transcripts_is_a_warning_not_an_error(tmp_path, monkeypatch):
    """A consent form saved as .pdf among the transcripts stopped every command; it is
    skipped with a warning line that names it, and what to do if it is an interview."""
    root = ce.init_study(tmp_path / "s")
    monkeypatch.chdir(root)
    folder = root / "interview_transcripts"
    (folder / "INF01.txt").write_text("---\nid: INF01\nspeakers: {PWW: interviewer, INF: "
                                      "informant}\n---\nPWW: Apa?\nINF: Ya.\n",
                                      encoding="utf-8")
    (folder / "consent_INF01.pdf").write_bytes(b"%PDF-1.7\n")
    study = ce.load_study(root)
    assert study.corpus.doc_ids == ["INF01"]
    [warning] = [w for w in study.warnings if ".pdf" in w]
    assert warning.startswith("warning: interview_transcripts/consent_INF01.pdf: skipped: a "
                              ".pdf file is not read as a transcript"), warning
    assert "save it as .docx or .txt" in warning and "move it out" in warning


def test_a_coding_that_cuts_a_character_is_a_study_warning(tmp_path, monkeypatch):
    """Session 15: a span ending between an emoji and its skin tone passed silently."""
    root = ce.init_study(tmp_path / "s")
    monkeypatch.chdir(root)
    (root / "interview_transcripts" / "INF01.txt").write_text(
        "---\nid: INF01\nspeakers: {PWW: interviewer, INF: informant}\n---\nPWW: Apa?\n"
        "INF: Instagram \U0001F44D\U0001F3FF bagus.\n", encoding="utf-8")
    text = ce.read_transcripts(root / "interview_transcripts").text("INF01")
    s = text.index("Instagram")
    (root / "data" / "raw" / "codings_A.csv").write_text(
        f"doc_id,segment_id,start,end,code,coder\nINF01,2,{s},{s + 11},x,A\n",
        encoding="utf-8")
    study = ce.load_study(root)
    [warning] = [w for w in study.warnings if "inside the character" in w]
    assert warning.startswith("warning: data/raw/codings_A.csv:2: INF01, turn 2: the coding "
                              "ends inside the character '\U0001F44D\U0001F3FF'"), warning


def test_a_word_transcripts_notes_and_a_lock_file_are_study_warnings(tmp_path, monkeypatch):
    """What reading a .docx left out or read as accepted, and a Word lock file skipped,
    are warning lines naming the file relative to the study."""
    docx = pytest.importorskip("docx")
    root = ce.init_study(tmp_path / "s")
    monkeypatch.chdir(root)
    d = docx.Document()
    for line in ["---", "id: INF01", "speakers: {PWW: interviewer, INF: informant}", "---",
                 "PWW: Apa?", "INF: Informasi layanan."]:
        d.add_paragraph(line)
    d.add_comment(d.paragraphs[-1].runs, text="cek", author="Peneliti")
    folder = root / "interview_transcripts"
    d.save(folder / "INF01.docx")
    (folder / "~$INF01.docx").write_bytes(b"\x05Budi" + b"\x00" * 100)
    study = ce.load_study(root)
    assert study.corpus.doc_ids == ["INF01"]
    assert [w for w in study.warnings if "INF01.docx" in w] == [
        "warning: interview_transcripts/~$INF01.docx: skipped: the lock file Word keeps while "
        "INF01.docx is open in Word; what is not saved there yet is not read",
        "warning: interview_transcripts/INF01.docx: left out of the transcript's text: "
        "1 comment (a transcript is the document's body; move into it anything that belongs "
        "to the interview)"]


def test_a_control_column_named_intercept_is_refused_with_the_responses_file(rsud):
    """Fourteenth session, left open: a responses column 'Intercept' (not a declared
    demographic) named in 'controls' passed validate, then the image model refused it in
    notebook 05 (its name is the model's constant term): validate says to rename it."""
    path, table = _responses(rsud)
    table["Intercept"] = table["unit_layanan"]
    table.to_csv(path, index=False, lineterminator="\n")
    _yaml(rsud, "title: T\noutcome: PERSEPSI_RS\ncontrols: [Intercept]\n"
          "compare_by: [jenis_pasien]\n")
    (problem,) = _error(rsud).problems
    assert problem.path.endswith("survey_responses.csv") and problem.line == 1
    assert "column 'Intercept' has the name of the image model's constant term" \
        in problem.message
    assert "rename the column" in problem.message


def test_a_consensus_file_among_the_coders_files_is_refused(rsud):
    """Fourteenth session, left open: the consensus coding (coder 'consensus', as
    ``agree --consensus`` and ``ce.consensus`` write it) saved as data/raw/codings_*.csv
    counted as one more coder, in agreement with the coders it was made of."""
    study = ce.load_study(rsud)
    merged = ce.consensus(study.codings, corpus=study.corpus, coverage=study.coverage)
    ce.write_codings(merged, rsud / "data" / "raw" / "codings_C.csv",
                     corpus=study.corpus, replace_raw=True)
    (problem,) = _error(rsud).problems
    assert problem.path.endswith("codings_C.csv") and problem.line == 2
    assert "coder 'consensus' is the coders' consensus" in problem.message
    assert "move the file out of the study's codings files" in problem.message


@pytest.mark.parametrize("added", [0, 3])
def test_a_consensus_saved_under_another_coder_name_is_refused(rsud, added):
    """Session 16, left open in session 15: the consensus saved with its coder renamed
    ("final") counted silently as a third coder. Its notes are those ``ce.consensus``
    writes ("agreed by A, B"); codings added by hand without a note do not hide it."""
    study = ce.load_study(rsud)
    merged = ce.consensus(study.codings, corpus=study.corpus, coverage=study.coverage)
    merged = merged.assign(coder="final")
    key = ["doc_id", "segment_id", "start", "end", "code"]
    by_hand = study.codings[~study.codings.set_index(key).index.isin(
        merged.set_index(key).index)].drop_duplicates(key).head(added)
    merged = pd.concat([merged, by_hand.assign(coder="final", note=None)])
    ce.write_codings(merged, rsud / "data" / "raw" / "codings_final.csv",
                     corpus=study.corpus, replace_raw=True)
    (problem,) = _error(rsud).problems
    assert problem.path.endswith("codings_final.csv") and problem.line == 2
    assert problem.message.startswith(
        f"the notes of its codings ({len(merged) - added} of {len(merged)}, and no other "
        "note) are those 'agree --consensus' and ce.consensus write (e.g. 'agreed by A, "
        "B'): the file is the coders' consensus, saved under coder 'final'"), problem.message
    assert "move the file out of the study's codings files" in problem.message


def test_a_coders_file_with_a_note_like_a_consensus_is_a_coders_file(rsud):
    """The recognition needs the notes of at least half of the codings, and no other note:
    a coder who wrote "agreed by A, B" on a few codings is still a coder."""
    path = rsud / "data" / "raw" / "codings_A.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[:2, "note"] = "agreed by A, B"
    table.to_csv(path, index=False, lineterminator="\n")
    assert set(ce.load_study(rsud).codings["coder"]) == {"A", "B"}
    table.loc[:, "note"] = "agreed by A, B"
    table.loc[0, "note"] = "checked again with B"
    table.to_csv(path, index=False, lineterminator="\n")
    assert set(ce.load_study(rsud).codings["coder"]) == {"A", "B"}


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_init_gives_the_folder_the_usual_mode_and_keeps_an_empty_one(tmp_path):
    """Reviewer s15, finding 6: init left a new study folder at mode 0700 (a temporary
    folder renamed), and replaced a pre-made empty folder by a new one, losing its mode
    (a shared group's setgid bit, an ACL)."""
    old = os.umask(0o022)
    try:
        new = ce.init_study(tmp_path / "new")
        pre = tmp_path / "pre"
        pre.mkdir()
        pre.chmod(0o2775)
        inode = pre.stat().st_ino
        ce.init_study(pre)
    finally:
        os.umask(old)
    assert stat.S_IMODE(new.stat().st_mode) == 0o755
    assert stat.S_IMODE(pre.stat().st_mode) == 0o2775 and pre.stat().st_ino == inode
    assert (pre / "study.yaml").is_file() and (pre / "data" / "raw").is_dir()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".init-")]


def test_a_declared_coder_with_an_empty_codings_file_rated_and_coded_nothing(rsud):
    """Session 16: coder C double-coded WWC-04 and found nothing to code; 'sheet import' wrote
    a header-only codings_C.csv and said to declare WWC-04 for C in 'double_coded'. Doing so
    gave "'double_coded': coder 'C' has no codings"; now C is a coder (from the file name)
    whose interview counts as rated with no code."""
    import warnings

    header = "doc_id,segment_id,start,end,code,coder,text,note\n"
    (rsud / "data" / "raw" / "codings_C.csv").write_text(header, encoding="utf-8")
    _with(rsud, "double_coded: {A: all, B: all, C: [WWC-04]}\n")
    study = ce.load_study(rsud)
    assert study.coders == ["A", "B", "C"] and study.n_coders == 3
    assert not any("codings_C.csv" in w for w in study.warnings), study.warnings
    assert "codings data/raw/codings_C.csv: no codings by C (declared in 'double_coded': " \
           "rated, nothing coded)" in study.summary()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ce.CoverageWarning)
        table = ce.agreement(study.codings, corpus=study.corpus, coverage=study.coverage,
                             n_boot=0)
    assert table.attrs["coders"] == ["A", "B", "C"]
    # undeclared, the file still says what to do; a declared coder without a file is an error
    _with(rsud, "double_coded: {A: all, B: all}\n")
    (found,) = [w for w in ce.load_study(rsud).warnings if "codings_C.csv" in w]
    assert "its coder is left out" in found and "'double_coded'" in found
    (rsud / "data" / "raw" / "codings_C.csv").unlink()
    _with(rsud, "double_coded: {A: all, B: all, C: [WWC-04]}\n")
    (problem,) = _error(rsud).problems
    assert "'double_coded': coder 'C' has no codings" in problem.message


def test_the_coding_warnings_name_a_row_of_a_dataframe_by_position_and_index():
    """Session 18: a codings DataFrame given in memory (no ``_line`` column) got warnings
    naming no coding at all; each is named as the package's checks name a row
    (``_validation.row_name``: ``row 1 (index 101)``), never by position + 2, and a table
    read with its lines keeps them."""
    from citra_eval.study import cut_character_warnings, same_code_warnings, turn_role_warnings
    corpus = ce.Corpus.from_texts({"INF01.txt": (
        "---\nid: INF01\nspeakers: {PWW: interviewer, INF: informant}\n---\nPWW: Apa?\n"
        "INF: Instagram \U0001F44D\U0001F3FF bagus.\n")})
    text = corpus.text("INF01")
    s = text.index("Instagram")
    q = text.index("Apa")
    codings = pd.DataFrame([("INF01", 2, s, s + 9, "x", "A"),
                            ("INF01", 2, s, s + 11, "x", "A"),
                            ("INF01", 1, q, q + 3, "y", "A")],
                           columns=ce.CODING_COLUMNS, index=[100, 101, 102])
    [cut] = cut_character_warnings(codings, corpus, path="codings")
    assert cut.startswith("warning: codings: row 1 (index 101): INF01, turn 2: the coding "
                          "ends inside the character"), cut
    [twice] = same_code_warnings(codings, path="codings")
    assert twice.startswith("warning: codings: row 1 (index 101): INF01, turn 2: code 'x' is "
                            "given twice by A (also on row 0 (index 100), the spans "
                            "overlapping)"), twice
    [role] = turn_role_warnings(codings, corpus, path="codings")
    assert role.startswith("warning: codings: row 2 (index 102): INF01, turn 1 is the "
                           "interviewer's"), role
    # a default index: the position alone; a table read with its lines: the lines
    [role] = turn_role_warnings(codings.reset_index(drop=True), corpus, path="codings")
    assert role.startswith("warning: codings: row 2: INF01, turn 1"), role
    lines = codings.assign(_line=[2, 3, 4])
    [twice] = same_code_warnings(lines, path="codings_A.csv")
    assert twice.startswith("warning: codings_A.csv:3: INF01, turn 2: code 'x' is given "
                            "twice by A (also on line 2, the spans"), twice
    [role] = turn_role_warnings(lines, corpus, path="codings_A.csv")
    assert role.startswith("warning: codings_A.csv:4: INF01, turn 1"), role


def test_codings_without_recorded_text_are_warned_about(rsud):
    """Coders s18, finding 1: a codings file without a 'text' column passed validate silently;
    after a typo fix in its transcript a coding sliced other words, and nothing could tell."""
    assert not [w for w in ce.load_study(rsud).warnings if "no recorded text" in w]
    path = rsud / "data" / "raw" / "codings_B.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.drop(columns="text").to_csv(path, index=False, lineterminator="\n")
    warned = [w for w in ce.load_study(rsud).warnings if "no recorded text" in w]
    assert len(warned) == 1 and f"{len(table)} of {len(table)} coding(s)" in warned[0]
    assert "codings_B.csv" in warned[0] and "ce.record_text(codings, corpus=corpus)" in warned[0]
    # the command line gives the command instead (cli/validate prints for_cli(line))
    assert "citra-eval reanchor --record" in for_cli(warned[0]) and "ce." not in for_cli(warned[0])


def test_two_files_of_one_coder_name_and_a_file_named_for_another_coder_warn(rsud):
    """Session 19: codings_dewi.csv and codings_raka.csv both kept the template's coder 'A'
    (no coding identical across them): the study pooled two people as one coder and only
    said "only one coder (A)". Now a warning names both files, and one names a file whose
    name (codings_<coder>.csv) disagrees with its coder column."""
    raw = rsud / "data" / "raw"
    a, b = (pd.read_csv(raw / f"codings_{c}.csv") for c in "AB")
    span = ["doc_id", "start", "end", "code"]
    b = b.merge(a[span], how="left", indicator=True).query("_merge == 'left_only'")
    b.drop(columns="_merge").assign(coder="A").to_csv(raw / "codings_B.csv", index=False)
    study = ce.load_study(rsud)
    said = "\n".join(study.warnings)
    assert study.coders == ["A"]
    assert re.search(r"codings_B\.csv: coder 'A' is also the coder of data/raw/codings_A\.csv"
                     r".*pooled as one coder.*rename", said), said
    # a file named for one coder, holding another's codings (alone)
    (raw / "codings_B.csv").rename(raw / "codings_raka.csv")
    (raw / "codings_A.csv").unlink()
    study = ce.load_study(rsud)
    said = "\n".join(study.warnings)
    assert re.search(r"codings_raka\.csv: the file is named for coder 'raka' "
                     r"\(codings_<coder>\.csv\) but its 'coder' column says 'A'", said), said
    # the fixture itself (codings_A.csv by A, codings_B.csv by B) says nothing of the kind
    assert not any("named for coder" in w or "also the coder" in w
                   for w in ce.load_study(RSUD).warnings)


@pytest.mark.parametrize(("word", "hint"), [("narasumber", False), ("informan", True)])
def test_speakers_with_roles_but_no_informant_are_an_error_of_the_study(rsud, word, hint):
    """Session 19: informants with the role 'narasumber' (or 'informan'): validate said ok,
    then reproduce stopped in notebook 02 saying "no speaker has the role ... give the
    speakers roles" (they have roles), or, with one coder, the joint display concluded from
    zero informants. The study check is an error naming the transcripts, their roles and
    the fix (with "did you mean 'informant'" for a near miss)."""
    for f in (rsud / "interview_transcripts").glob("*.txt"):
        text = f.read_text(encoding="utf-8")
        f.write_text(re.sub(r"(speakers: \{.*): informant\b", rf"\1: {word}", text),
                     encoding="utf-8")
    err = _error(rsud)
    (problem,) = [p for p in err.problems if "'informant'" in p.message]
    assert problem.path.endswith("interview_transcripts")
    said = problem.message
    assert "WWC-01" in said and re.search(rf"roles used: [^)]*\b{word}\b", said), said
    # the YAML a user types (session 19, newcode): not Python's {'Bu Rina': informant}
    assert "Bu Rina: informant" in said and "'Bu Rina'" not in said, said
    assert "front matter" in said
    assert ("did you mean 'informant'" in said) is hint, said
    # session 19, advice item 1: checking again is ce.load_study() in Python
    assert said.endswith("then call ce.load_study() again") and "citra-eval" not in said, said
    assert for_cli(problem).endswith("then run 'citra-eval validate' again")


def test_speakers_without_roles_give_the_kwic_warning_the_roles_cause_and_no_python_warning(
        rsud):
    """Session 19: with no informant turn, load_study let check_roles's UserWarnings out
    (kwic_counts, grouping_attributes: raw Python warnings repeating the study's warning
    lines) and said each kwic term "does not occur ... check its spelling" although the
    terms occur: the cause is the roles."""
    import warnings

    for f in (rsud / "interview_transcripts").glob("*.txt"):
        text = f.read_text(encoding="utf-8")
        f.write_text(re.sub(r"speakers: \{(.*)\}", lambda m: "speakers: [" + ", ".join(
            p.split(":")[0] for p in m.group(1).split(", ")) + "]", text), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study = ce.load_study(rsud)
        assert study.group_by is not None
    assert not (study.corpus.segments["role"].astype(bool)).any()
    said = "\n".join(study.warnings)
    assert "check its spelling" not in said, said
    assert re.search(r"'kwic':.*no informant turn.*roles", said), said



def test_no_study_advises_init_study_in_python_and_init_on_the_command_line(tmp_path,
                                                                            monkeypatch):
    """Session 19, advice item 1: "make one with 'citra-eval init DIR'" was what a Python
    user read too; they read the call, the command line the command."""
    monkeypatch.chdir(tmp_path)
    for call in (ce.find_study_root, lambda: ce.StudySettings.load(tmp_path / "study.yaml")):
        with pytest.raises(ce.InputError) as exc:
            call()
        assert_advises(exc.value, "ce.init_study(DIR)", "'citra-eval init DIR'")
