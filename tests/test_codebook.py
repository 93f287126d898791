"""Codebook loading, validation with line numbers, and the tidy view."""

from __future__ import annotations

import pandas as pd
import pytest
from _samples import GOOD

import citra_eval as ce
from citra_eval.codebook import Pattern


def load(tmp_path, text):
    p = tmp_path / "codebook.yaml"
    p.write_text(text, encoding="utf-8")
    return ce.Codebook.load(p)


def test_hierarchy_labels_patterns(tmp_path):
    cb = load(tmp_path, GOOD)
    assert cb.name == "mini" and cb.version == "2" and cb.language == "id"
    assert cb.ids == ["strategi", "kerja_sama", "bamara", "citra", "citra_nilai"]
    assert cb.codable_ids == ["kerja_sama", "bamara", "citra_nilai"]
    assert cb["kerja_sama"].parent == "strategi"
    assert cb["strategi"].children == ["kerja_sama", "bamara"]
    assert cb.label("kerja_sama", "en") == "Building cooperation"
    assert cb.label("bamara", "en") == "Kegiatan Bamara"  # falls back to the only label
    assert cb["kerja_sama"].patterns == [Pattern("kerja sama"), Pattern("bermitra"),
                                         Pattern(r"nota kesepahaman|\bmou\b", "regex")]
    assert cb.constructs == {"kerja_sama": "KS"}
    assert cb.slang == {"gercep": "gerak cepat"} and cb.no_stem == ["bamara"]
    assert cb.category("citra_nilai") == "citra" and cb.ancestors("kerja_sama") == ["strategi"]


def test_to_frame(tmp_path):
    frame = load(tmp_path, GOOD).to_frame()
    assert list(frame.columns[:7]) == ["id", "parent", "label_id", "label_en", "codable",
                                       "definition", "n_patterns"]
    row = frame.set_index("id").loc["kerja_sama"]
    assert row["parent"] == "strategi" and row["n_patterns"] == 3 and bool(row["codable"])
    assert pd.isna(frame.set_index("id").loc["citra", "label_id"])


def test_save_roundtrip(tmp_path):
    cb = load(tmp_path, GOOD)
    cb.save(tmp_path / "again.yaml")
    again = ce.Codebook.load(tmp_path / "again.yaml")
    assert again.to_frame().equals(cb.to_frame())
    assert again["kerja_sama"].patterns == cb["kerja_sama"].patterns


@pytest.mark.parametrize("edit,line,words", [
    (("        patterns:", "        patern:"), 17, "did you mean 'patterns'"),
    (("id: bamara", "id: kerja_sama"), 22, "duplicate code id 'kerja_sama' (first on line 11)"),
    (("id: bamara", "id: Bamara-Event"), 22, "lowercase snake_case"),
    (("label: Kegiatan Bamara", "codable: true"), 22, "has no 'label'"),
    (('{regex: "nota kesepahaman|\\\\bmou\\\\b"}', '{regex: "nota (kesepahaman"}'), 20,
     "invalid regex"),
    (('{regex: "nota kesepahaman|\\\\bmou\\\\b"}', '{regx: "x"}'), 20, "did you mean 'regex'"),
    (("language: id", "language: Indonesian"), 3, "language code"),
    (("codable: false\n    children", "codable: no-way\n    children"), 9, "true or false"),
    (("codes:", "kodes:"), 6, "did you mean 'codes'"),
    (("version: 2", "version: 2\nversion: 3"), 3, "duplicate key 'version'"),
])
def test_validation_reports_line(tmp_path, edit, line, words):
    old, new = edit
    assert old in GOOD
    with pytest.raises(ce.InputError) as info:
        load(tmp_path, GOOD.replace(old, new, 1))
    err = info.value
    lines = [p.line for p in err.problems]
    assert line in lines, err.format()
    assert words in str(err)
    assert err.path.endswith("codebook.yaml")


def test_every_problem_is_reported(tmp_path):
    bad = GOOD.replace("id: bamara", "id: Bamara").replace("        patterns:", "        patern:")
    with pytest.raises(ce.InputError) as info:
        load(tmp_path, bad)
    assert len(info.value.problems) >= 2


def test_yaml_is_parsed_safely(tmp_path):
    with pytest.raises(ce.InputError):
        load(tmp_path, "codebook: x\ncodes: !!python/object/apply:os.system ['echo hi']\n")


def test_not_a_mapping_and_empty(tmp_path):
    with pytest.raises(ce.InputError, match="YAML mapping"):
        load(tmp_path, "- a\n- b\n")
    with pytest.raises(ce.InputError, match="empty"):
        load(tmp_path, "\n")


def test_example_codebook_has_every_study_code(example_codebook):
    study_codes = {
        "strategi": ["kerja_sama", "bamara", "berita_cepat", "imbangi_berita", "teknologi"],
        "tugas_egov": ["pengembangan_aplikasi", "ekosistem_egov", "tata_kelola_egov"],
        "lingkup": ["rasa_memiliki", "rasa_tanggung_jawab", "hubungan_eksternal"],
        "citra": ["citra_kepribadian", "citra_reputasi", "citra_nilai", "citra_identitas"],
    }
    for category, codes in study_codes.items():
        assert not example_codebook[category].codable
        for code in codes:
            c = example_codebook[code]
            assert c.parent == category
            assert c.label.get("id") and c.label.get("en")
            assert c.definition and c.patterns, code


def test_codes_of_other_programs_keep_guid_and_description(tmp_path):
    """A REFI code's GUID survives YAML and export; another program's description (even with
    lines like "Example: ...") is its definition, written back unchanged (issue 15)."""
    qdc = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
           'origin="NVivo 14"><Codes><Code guid="3C51EFBB-071F-43A7-9F32-228B89668E8D" '
           'name="Kerja sama" isCodable="true" color="#FF0000"><Description>Bekerja dengan '
           'mitra.\nExample: MoU dengan kampus</Description></Code><Code '
           'guid="{0f0e0d0c-0000-4000-8000-000000000001}" name="Media" isCodable="true"/>'
           "</Codes></CodeBook>")
    (tmp_path / "nv.qdc").write_text(qdc, encoding="utf-8")
    cb = ce.Codebook.from_qdc(tmp_path / "nv.qdc")
    code = cb["kerja_sama"]
    assert code.guid == "3C51EFBB-071F-43A7-9F32-228B89668E8D" and not code.examples
    assert code.text("definition") == "Bekerja dengan mitra.\nExample: MoU dengan kampus"
    cb.save(tmp_path / "cb.yaml")
    again = ce.Codebook.load(tmp_path / "cb.yaml")
    assert again["media"].guid == "{0f0e0d0c-0000-4000-8000-000000000001}"
    again.to_qdc(tmp_path / "back.qdc")
    xml = (tmp_path / "back.qdc").read_text(encoding="utf-8")
    assert 'guid="3C51EFBB-071F-43A7-9F32-228B89668E8D"' in xml
    assert ("<Description>Bekerja dengan mitra.\nExample: MoU dengan kampus</Description>"
            in xml) and "Id:" not in xml and "Definition:" not in xml
    (tmp_path / "bad.yaml").write_text("codebook: x\ncodes:\n  - id: a\n    label: A\n"
                                       "    guid: not-a-guid\n", encoding="utf-8")
    with pytest.raises(ce.InputError, match="'guid' of") as err:
        ce.Codebook.load(tmp_path / "bad.yaml")
    assert err.value.line == 5
