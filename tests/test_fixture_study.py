"""The second, fictional test study (tests/data/studies/rsud): it is a valid study folder that
shares no name with the example study, and its stress cases (CRLF, astral characters, a
two-word speaker label, timestamps) are really there."""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

import citra_eval as ce

STUDY = ROOT / "tests" / "data" / "studies" / "rsud"
RAW = STUDY / "data" / "raw"
EXAMPLE_RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def study():
    corpus = ce.read_transcripts(STUDY / "interview_transcripts")
    codebook = ce.Codebook.load(RAW / "codebook.yaml")
    codings = pd.concat([ce.read_codings(RAW / f"codings_{c}.csv", corpus=corpus,
                                         codebook=codebook) for c in "AB"], ignore_index=True)
    instrument = ce.Instrument.load(RAW / "instrument.yaml")
    responses = ce.read_responses(RAW / "survey_responses.csv", instrument)
    settings = yaml.safe_load((STUDY / "study.yaml").read_text(encoding="utf-8"))
    return {"corpus": corpus, "codebook": codebook, "codings": codings,
            "instrument": instrument, "responses": responses, "settings": settings}


def test_fixture_validates_through_the_public_api(study):
    corpus, codebook, inst = study["corpus"], study["codebook"], study["instrument"]
    assert corpus.doc_ids == ["WWC-01", "WWC-02", "WWC-03", "WWC-04"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in corpus.documents["date"])
    assert len(codebook.codable_ids) == 5
    assert set(study["codings"]["code"]) == set(codebook.codable_ids)
    assert set(study["codings"]["coder"]) == {"A", "B"}
    assert (inst.min, inst.max) == (1, 4)
    resp = study["responses"]
    assert 150 <= len(resp) <= 250
    values = resp[inst.item_names].to_numpy()
    assert np.nanmin(values) == 1 and np.nanmax(values) == 4
    share_missing = np.isnan(values).mean()
    assert 0 < share_missing < 0.05
    # every construct of the codebook is a scale of the instrument
    assert set(codebook.constructs.values()) <= set(inst.scales)
    assert len(codebook.constructs) >= 3


def test_study_yaml_names_only_things_of_this_study(study):
    s, inst, corpus = study["settings"], study["instrument"], study["corpus"]
    assert s["title"] and s["lang"] == "id" and s["illustrative"] is True and s["seed"] == 0
    assert s["outcome"] in inst.scales and s["outcome"] not in inst.scale_names("strategy")
    assert set(s["controls"]) | set(s["compare_by"]) <= set(inst.demographics)
    for term in s["kwic"]:
        assert len(ce.kwic(corpus, term)) > 0, term


@pytest.mark.slow
def test_cli_validate_passes(cli):
    raw = RAW.relative_to(ROOT)
    res = cli("validate", "--transcripts", str(STUDY.relative_to(ROOT) / "interview_transcripts"),
              "--codebook", str(raw / "codebook.yaml"),
              "--codings", str(raw / "codings_A.csv"), str(raw / "codings_B.csv"),
              "--instrument", str(raw / "instrument.yaml"),
              "--responses", str(raw / "survey_responses.csv"))
    assert res.returncode == 0, res.stderr
    assert "4 documents" in res.stdout and "220 respondents" in res.stdout


def test_every_coding_slices_its_informant_segment(study):
    corpus, codings = study["corpus"], study["codings"]
    segs = corpus.segments.set_index(["doc_id", "segment_id"])
    parts = 0
    for row in codings.itertuples():
        seg = segs.loc[(row.doc_id, row.segment_id)]
        assert seg["role"] == "informant"
        assert seg["start"] <= row.start < row.end <= seg["end"]
        text = corpus.text(row.doc_id)
        assert text[row.start:row.end] in seg["text"]
        assert text[row.start:row.end] == text[row.start:row.end].strip()
        parts += (row.start, row.end) != (seg["start"], seg["end"])
    assert parts >= 10  # part-turn codings, not only whole turns


def test_coders_partly_disagree(study):
    tab = ce.agreement(study["codings"], corpus=study["corpus"]).set_index("code")
    per_code = tab.drop(index="ALL")["krippendorff_alpha"]
    assert per_code.between(0.6, 0.9).all(), per_code
    assert 0.65 < tab.loc["ALL", "krippendorff_alpha"] < 0.85


def test_crlf_file_has_crlf_bytes_on_disk(study):
    files = sorted((STUDY / "interview_transcripts").glob("*.txt"))
    crlf = [p.name for p in files if b"\r\n" in p.read_bytes()]
    assert crlf == ["WWC-04.txt"]
    data = (STUDY / "interview_transcripts" / "WWC-04.txt").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 30  # every line end, not a stray one
    assert "\r" not in study["corpus"].text("WWC-04")
    attrs = (STUDY / ".gitattributes").read_text(encoding="utf-8")
    assert re.search(r"^\*\.txt\s+-text\s*$", attrs, flags=re.M)


def test_astral_character_precedes_codings(study):
    corpus, codings = study["corpus"], study["codings"]
    text = corpus.text("WWC-03")
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    assert astral
    after = codings[(codings["doc_id"] == "WWC-03") & (codings["start"] > astral[0])]
    assert len(after) > 5
    # code points, not UTF-16 units: the same span shifted by one would not start a word
    row = after.iloc[0]
    assert text[row.start:row.end].split()[0] != text[row.start + 1:row.end + 1].split()[0]


def test_multiword_label_timestamps_and_other_roles(study):
    segs = study["corpus"].segments
    rina = segs[(segs["doc_id"] == "WWC-01") & (segs["speaker"] == "Bu Rina")]
    assert len(rina) > 10 and set(rina["role"]) == {"informant"}
    assert not segs["text"].str.contains(r"^Bu Rina:", regex=True).any()
    stamped = segs[(segs["doc_id"] == "WWC-02") & segs["timestamp"].notna()]
    assert len(stamped) >= 5
    assert set(segs["role"]) == {"interviewer", "informant", "staf"}


def test_survey_relations_and_reverse_item(study):
    inst, resp, s = study["instrument"], study["responses"], study["settings"]
    reverse = inst.reverse_items()
    assert reverse == {"TRB4"}
    assert resp["TRB4"].corr(resp["TRB1"]) < 0 < resp["TRB2"].corr(resp["TRB1"])
    model = ce.image_model(resp, inst, outcome=s["outcome"], controls=s["controls"][:1]).table
    strat = model.set_index("term").loc[inst.scale_names("strategy"), "estimate"]
    assert (strat > 0).all() and (strat > 0.15).sum() >= 3
    assert model["n"].iloc[0] == resp[inst.item_names].dropna(how="all").shape[0]


def test_numeric_age_is_one_slope_and_model_statistics(study):
    """The instrument declares ``usia`` numeric: it is read as a number and enters the image
    model as one slope (as text it would be refused: one dummy per distinct age)."""
    inst, resp, s = study["instrument"], study["responses"], study["settings"]
    assert inst.demographic_types["usia"].type == "numeric"
    assert str(resp["usia"].dtype) == "float64" and resp["usia"].nunique() > 20
    fit = ce.image_model(resp, inst, outcome=s["outcome"], controls=["usia", "unit_layanan"])
    terms = fit.table["term"].tolist()
    assert "usia" in terms and not any(t.startswith("usia[") for t in terms)
    assert fit.reference_levels == {"unit_layanan": sorted(resp["unit_layanan"].unique())[0]}
    assert 0 < fit.rsquared < 1 and fit.nobs == fit.table["n"].iloc[0]
    with pytest.raises(ce.InputError, match="numbers held as text"):
        ce.image_model(resp.assign(usia=resp["usia"].fillna(0).astype(int).astype(str)), inst,
                       outcome=s["outcome"], controls=["usia"])


def _load_generator():
    spec = importlib.util.spec_from_file_location("rsud_make_fixture", STUDY / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_rebuilds_the_committed_files(tmp_path):
    assert _load_generator().main(["--out", str(tmp_path)]) == 0
    for name in ["codings_A.csv", "codings_B.csv", "survey_responses.csv"]:
        assert (tmp_path / name).read_bytes() == (RAW / name).read_bytes(), name


def test_generator_does_not_depend_on_the_machines_svd(tmp_path, monkeypatch):
    """The latents' correlation matrix has one eigenvalue three times, so an SVD's vectors
    (numpy's default factor for multivariate_normal) are any basis LAPACK picks: a machine with
    another LAPACK would write other answers for the same seed and the byte-for-byte check above
    would fail there. Another valid SVD must give the committed files."""
    svd = np.linalg.svd

    def other_basis(m, *args, **kwargs):
        u, s, vh = svd(m, *args, **kwargs)
        return -u, s, -vh  # as valid a decomposition, other draws if it were used

    monkeypatch.setattr(np.linalg, "svd", other_basis)
    assert _load_generator().main(["--out", str(tmp_path)]) == 0
    name = "survey_responses.csv"
    assert (tmp_path / name).read_bytes() == (RAW / name).read_bytes()


def test_generator_refuses_an_ambiguous_quote():
    gen = _load_generator()
    corpus = ce.read_transcripts(STUDY / "interview_transcripts")
    row = {"doc": "WWC-01", "quote": "haja", "span": "part", "row": 1}
    with pytest.raises(SystemExit, match="exactly once"):
        gen.locate(corpus, row)
    row = {"doc": "WWC-01", "quote": "Boleh saya rekam", "span": "turn", "row": 1}
    with pytest.raises(SystemExit, match="informant turn"):
        gen.locate(corpus, row)


# ------------------------------------------------------------------ no name of the example study

def _example_names() -> tuple[set[str], set[str]]:
    """(case-sensitive names, case-insensitive names) of the example study, from its files.

    Front-matter keys are checked by their own test: some are plain English words (the roles
    ``informant`` and ``interviewer`` are the contract's)."""
    codebook = ce.Codebook.load(EXAMPLE_RAW / "codebook.yaml")
    inst = ce.Instrument.load(EXAMPLE_RAW / "instrument.yaml")
    corpus = ce.read_transcripts(ROOT / "interview_transcripts")
    exact = set(inst.scales) | set(inst.item_names) | set(corpus.doc_ids)
    exact |= set(corpus.segments["speaker"])
    folded = set(codebook.ids) | {i.replace("_", " ") for i in codebook.ids if "_" in i}
    folded |= {inst.id_column, inst.name, codebook.name, *inst.demographics}
    folded |= {"Banjarmasin", "Pemkot", "Pemko", "Diskominfotik", "Prokompim", "Setdako",
               "Badapatan", "Kayuh Baimbai"}
    return exact, folded


def _hits(text: str, names: set[str], flags: int) -> list[str]:
    found = []
    for name in names:
        # an underscore does not end a name: CITRA_RS would still carry CITRA
        if re.search(rf"(?<![^\W_]|-){re.escape(name)}(?![^\W_]|-)", text, flags=flags):
            found.append(name)
    return sorted(found)


def test_no_name_of_the_example_study_in_any_fixture_file():
    exact, folded = _example_names()
    assert {"CITRA", "respondent_id", "banjarmasin"} <= exact | {n.lower() for n in folded}
    files = [p for p in STUDY.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(files) >= 12
    for path in files:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"citra[_-]eval", "", text)  # the package's own name
        assert not _hits(text, exact, 0), (path, _hits(text, exact, 0))
        assert not _hits(text, folded, re.IGNORECASE), (path, _hits(text, folded, re.I))


def test_front_matter_keys_differ_from_the_example(study, example_corpus):
    shared = {"doc_id", "path", "format", "n_segments", "n_words", "date", "note"}
    ours = set(study["corpus"].documents.columns) - shared
    theirs = set(example_corpus.documents.columns) - shared
    assert ours and theirs and not ours & theirs
