"""A second, different study end to end through the command line, with no notebook edited.

The fictional hospital study (tests/data/studies/rsud: another organisation, other code ids,
a 4-point scale, other scale ids and id column, colloquial and Banjarese turns) goes through
``citra-eval init``, its files copied in, its ``study.yaml`` written, ``validate``,
``reproduce``, ``reproduce --check``: whole (two coders and a survey, built once per session
by following docs/reproduce.md, the ``guide_study`` fixture), with one coder (built in
English: ``--check`` then takes the language from provenance.json), and without a survey.
None of its reports holds a word of the example study. And a copy of the example study made
by ``init --example`` is what tests/test_pipeline.py rebuilds byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from _studies import (
    EXAMPLE_WORDS,
    RSUD,
    copy_study_files,
    no_word_of_the_example,
    notebook_text,
    shell,
)

pytestmark = pytest.mark.slow

#: The hospital study's study.yaml as a user writes it (the fixture's own, minus comments).
STUDY_YAML = """\
title: Komunikasi humas RSUD Galuh Lirang (fiktif, data uji)
lang: id
illustrative: true
outcome: PERSEPSI_RS
controls: [unit_layanan, jenis_pasien]
compare_by: [unit_layanan, jenis_pasien]
kwic: [humas, viral]
seed: 0
"""


def _new_study(tmp_path: Path, *, skip: tuple[str, ...] = (), study_yaml: str = STUDY_YAML
               ) -> Path:
    """``citra-eval init``, the study's transcripts and data/raw copied in (but ``skip``),
    ``study.yaml`` written."""
    res = shell("citra-eval init hospital", tmp_path)
    assert res.returncode == 0, res.stderr
    root = tmp_path / "hospital"
    copy_study_files(RSUD, root, skip=skip)
    (root / "study.yaml").write_text(study_yaml, encoding="utf-8")
    return root


def _build_and_check(root: Path, *, lang: str | None = None) -> tuple[str, str, str]:
    """validate, reproduce (recording the checksums), reproduce --check: their stderr/stdout."""
    res = shell("citra-eval validate", root)
    assert res.returncode == 0, res.stderr
    warnings = res.stderr
    option = f" --lang {lang}" if lang else ""
    res = shell(f"citra-eval reproduce --update-checksums{option}", root)
    assert res.returncode == 0, res.stdout + res.stderr
    built = res.stderr
    res = shell("citra-eval reproduce --check", root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("ok: ") and "rebuilt identical" in res.stdout
    return warnings, built, res.stdout


def _tables(root: Path) -> set[str]:
    return {p.name for p in (root / "reports" / "tables").glob("*.csv")}


def _outputs(root: Path) -> set[str]:
    return {p.relative_to(root / "reports").as_posix()
            for p in (root / "reports").rglob("*") if p.is_file()}


def test_the_study_yaml_written_here_is_the_fixtures():
    """The test writes the study.yaml a user would; it says what the fixture's says."""
    import yaml

    assert yaml.safe_load(STUDY_YAML) == yaml.safe_load(
        (RSUD / "study.yaml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the whole study

def test_whole_study_builds_and_checks_without_warnings(guide_study):
    out = guide_study["outputs"][1]
    assert not [ln for ln in out.splitlines() if ln.startswith("warning: ")], out
    # what a notebook skips or infers is said, naming the notebook
    notes = [ln for ln in out.splitlines() if ln.startswith("note: ")]
    assert all(re.match(r"note: notebooks/0\d-[\w-]+\.ipynb: \S", ln) for ln in notes), notes
    assert "ok: " in out and "files rebuilt identical to reports/MANIFEST.sha256" in out


def test_whole_study_reports_hold_no_word_of_the_example(guide_study):
    no_word_of_the_example(guide_study["root"])
    # the guard would see one: a table with the example's outcome in it fails it
    root = guide_study["root"]
    assert re.search(EXAMPLE_WORDS, "05-citra-by-district.csv")
    assert re.search(EXAMPLE_WORDS, "outcome CITRA")
    assert re.search(EXAMPLE_WORDS, "03-kwic-bamara.csv")
    assert not re.search(EXAMPLE_WORDS, (root / "reports" / "tables"
                                         / "06-joint-display.csv").read_text("utf-8"))


def test_the_guard_reads_the_text_of_figures(tmp_path):
    # an SVG of the example study (its theme labels) fails the guard; PNGs are not read
    figure = Path(__file__).resolve().parents[1] / "reports" / "figures"
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "f.svg").write_bytes((figure / "03-code-frequencies.svg").read_bytes())
    with pytest.raises(AssertionError, match="of the example study"):
        no_word_of_the_example(tmp_path)


def test_whole_study_output_names_are_neutral(guide_study):
    tables = _tables(guide_study["root"])
    # one group comparison per compare_by column, one KWIC table per kwic term
    assert {"05-group-comparison-unit_layanan.csv", "05-group-comparison-jenis_pasien.csv",
            "03-kwic-humas.csv", "03-kwic-viral.csv"} <= tables
    assert {t for t in tables if t.startswith("05-group-comparison-")} == {
        "05-group-comparison-unit_layanan.csv", "05-group-comparison-jenis_pasien.csv"}
    assert {t for t in tables if t.startswith("03-kwic-")} == {
        "03-kwic-humas.csv", "03-kwic-viral.csv"}
    # every table and figure of the example study that applies here has the same name
    from conftest import ROOT

    example = _outputs(ROOT)
    ours = _outputs(guide_study["root"])
    specific = re.compile(r"group-comparison-|kwic-|frequencies-by-")
    assert {n for n in ours if not specific.search(n)} <= example, sorted(
        {n for n in ours if not specific.search(n)} - example)


def test_whole_study_model_states_outcome_n_and_reference_levels(guide_study):
    root = guide_study["root"]
    model = pd.read_csv(root / "reports" / "tables" / "05-image-model.csv")
    assert set(model["n"]) == {220}
    terms = set(model["term"])
    assert {"PENGADUAN", "EDUKASI", "MEDSOS", "KETERBUKAAN"} <= terms
    assert "jenis_pasien[T.Umum]" in terms  # BPJS, the first level, is the reference
    nb = notebook_text(root / "reports" / "notebooks" / "05-image-models.ipynb")
    assert "PERSEPSI_RS" in nb
    joint = pd.read_csv(root / "reports" / "tables" / "06-joint-display.csv",
                        keep_default_na=False)
    assert "PERSEPSI_RS" not in set(joint["construct"])  # the outcome is no "expands" row
    prov = json.loads((root / "reports" / "provenance.json").read_text("utf-8"))
    assert prov["parameters"] == {"lang": "id", "seed": 0}


# --------------------------------------------------------------------------- one coder

@pytest.fixture(scope="module")
def one_coder(tmp_path_factory):
    """One coder (a master's thesis), the reports built in English."""
    root = _new_study(tmp_path_factory.mktemp("one-coder"), skip=("codings_B.csv",))
    warnings, built, checked = _build_and_check(root, lang="en")
    return {"root": root, "warnings": warnings, "built": built, "checked": checked}


def test_one_coder_warns_and_notes_what_is_skipped(one_coder):
    assert "only one coder (A)" in one_coder["warnings"]
    assert "only one coder (A)" in one_coder["built"]  # reproduce validates first
    notes = [ln for ln in one_coder["built"].splitlines() if ln.startswith("note: ")]
    assert any(ln.startswith("note: notebooks/02-coding-reliability.ipynb: one coder (A)")
               for ln in notes), notes
    tables = _tables(one_coder["root"])
    assert not tables & {"02-agreement.csv", "02-disagreements.csv",
                         "02-consensus-codings.csv"}
    assert {"03-code-frequencies.csv", "05-image-model.csv", "06-joint-display.csv"} <= tables
    no_word_of_the_example(one_coder["root"])


def test_check_takes_lang_from_provenance(one_coder):
    """Built with --lang en; a plain --check rebuilds in English and matches."""
    root = one_coder["root"]
    prov = json.loads((root / "reports" / "provenance.json").read_text("utf-8"))
    assert prov["parameters"] == {"lang": "en", "seed": 0}
    assert "files rebuilt identical" in one_coder["checked"]
    joint = pd.read_csv(root / "reports" / "tables" / "06-joint-display.csv")
    # English text in the committed table, which an Indonesian rebuild would not match
    assert joint["rationale"].str.contains("informants").any()
    assert not joint["rationale"].str.contains("informan ").any()


def test_file_names_mean_the_same_in_both_languages(one_coder, guide_study):
    """The English build names its files as the Indonesian one does: a name never depends
    on the language (notebook 06 draws the joint display in both, -id and -en)."""
    en, ids = _outputs(one_coder["root"]), _outputs(guide_study["root"])
    assert en <= ids, sorted(en - ids)
    assert {"figures/06-joint-display-id.png", "figures/06-joint-display-en.png"} <= en


# --------------------------------------------------------------------------- no survey

def test_no_survey(tmp_path):
    interviews_only = "\n".join(ln for ln in STUDY_YAML.splitlines()
                                if not ln.startswith(("outcome", "controls", "compare_by")))
    root = _new_study(tmp_path, skip=("instrument.yaml", "survey_responses.csv"),
                      study_yaml=interviews_only + "\n")
    # and one interview without a date in its front matter
    path = root / "interview_transcripts" / "WWC-03.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^date: .*\n", "", text, count=1), encoding="utf-8")
    warnings, built, _ = _build_and_check(root)
    assert "no survey instrument" in warnings
    assert "no 'date' in the front matter of WWC-03" in warnings
    notes = [ln for ln in built.splitlines() if ln.startswith("note: notebooks/")]
    assert any(ln.startswith("note: notebooks/04-survey-psychometrics.ipynb: no survey")
               for ln in notes), notes
    assert any(ln.startswith("note: notebooks/03-themes.ipynb: no 'date' in the front matter "
                             "of WWC-03 (1 of ") for ln in notes), notes
    tables = _tables(root)
    assert "02-agreement.csv" in tables and not {t for t in tables if t.startswith(("04-", "05-"))}
    joint = pd.read_csv(root / "reports" / "tables" / "06-joint-display.csv")
    assert (joint["meta_inference"] == "expands").all()
    no_word_of_the_example(root)


# --------------------------------------------------------------------------- the example

def test_the_example_copied_by_init_is_the_one_checked_byte_for_byte(tmp_path):
    """``init --example`` copies exactly what tests/test_pipeline.py rebuilds byte for byte
    (``reproduce --check`` of the repository's example study, run once per suite: a second
    full rebuild here would prove nothing more), and the copy validates and verifies outside
    the clone."""
    from conftest import ROOT

    from citra_eval.pipeline import raw_checksums

    res = shell("citra-eval init copy --example && cd copy && citra-eval validate "
                "&& citra-eval verify", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"^ok: \d+ figures and tables and provenance.json match "
                     r"reports/MANIFEST.sha256", res.stdout, re.M)
    copy = tmp_path / "copy"
    assert raw_checksums(copy) == raw_checksums(ROOT)  # the same raw inputs, study.yaml too
    for rel in ("notebooks", "reports"):
        ours = {p.relative_to(copy).as_posix(): p.read_bytes()
                for p in (copy / rel).rglob("*") if p.is_file()}
        theirs = {p.relative_to(ROOT).as_posix(): p.read_bytes()
                  for p in (ROOT / rel).rglob("*")
                  if p.is_file() and not any(x.startswith(".") for x in p.relative_to(ROOT).parts)}
        assert ours == theirs, rel
