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


@pytest.mark.parametrize("written,back", [
    ("1", "version: 1"), ("2.5", "version: 2.5"), ("v2", "version: v2"),
    ("'01'", "version: '01'"), ("'3'", "version: 3"), ("true", "version: 'True'")])
def test_save_writes_the_version_as_it_was_read(tmp_path, written, back):
    """t1 finding 12: 'version: 1' came back as '1' (a string) after save (and so after a
    qdpx round trip): a version that reads as a number is written as one."""
    cb = load(tmp_path, GOOD.replace("version: 2", f"version: {written}"))
    cb.save(tmp_path / "again.yaml")
    text = (tmp_path / "again.yaml").read_text(encoding="utf-8")
    assert back in text.splitlines(), text
    assert ce.Codebook.load(tmp_path / "again.yaml").version == cb.version


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
    # sixteenth session: a bare list of codes was told 'codebook' and 'language' were needed
    with pytest.raises(ce.InputError) as info:
        load(tmp_path, "- id: transparansi\n  label: Transparansi\n")
    message = info.value.problems[0].message
    assert "'codes'" in message and "got a list" in message and "'codes:'" in message
    assert "optional" in message
    with pytest.raises(ce.InputError, match="got a text"):
        load(tmp_path, "transparansi\n")
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


# --------------------------------------------------------------------------- refused values

REFUSED = "codebook: t\nslang:\n  ig: ''\ncodes:\n  - id: a\n    label: ''\n    patterns:\n" \
          "      - {regex: 5}\n      - {regex: ''}\n      - '!!!'\n      - {regex: '\\b'}\n" \
          "      - ok\n"


def test_values_that_can_never_work_are_refused_at_their_lines(tmp_path):
    """An empty regex, a phrase without words, an empty label and an empty slang word were
    accepted without a word; a regex that is no text got a nonsense message."""
    with pytest.raises(ce.InputError) as info:
        load(tmp_path, REFUSED)
    found = {p.line: p.message for p in info.value.problems}
    assert sorted(found) == [3, 6, 8, 9, 10, 11], info.value.format()
    assert "slang 'ig' is mapped to no word" in found[3]
    assert "'label' of code 'a' is empty" in found[6]
    assert found[8].startswith("regex must be text, got 5 (int) in code 'a'")
    assert "regex '' in code 'a' is refused: it is empty" in found[9]
    assert "pattern '!!!' in code 'a' has no words" in found[10]
    assert "can match only empty text" in found[11]
    assert all(p.path.endswith("codebook.yaml") for p in info.value.problems)


def test_an_empty_label_in_one_language_and_a_wordless_slang_word_are_refused():
    with pytest.raises(ce.InputError) as info:
        ce.Codebook.from_dict({"slang": {"...": "tidak"}, "codes": [
            {"id": "a", "label": {"id": "Kerja sama", "en": " "}}]})
    text = info.value.format()
    assert "'label' of code 'a' is empty in en" in text
    assert "slang entry '...': 'tidak' has no colloquial word" in text


def test_a_slang_entry_of_several_words_is_refused_at_its_line(tmp_path):
    """Tokens are single words: 'ga usah' (or 'kpd.', read as 'kpd') never matched, and was
    accepted without a word."""
    text = ("codebook: t\nslang:\n  gercep: gerak cepat\n  ga usah: tidak perlu\n"
            "  kpd.: kepada\ncodes:\n  - {id: a, label: A, patterns: [perlu]}\n")
    with pytest.raises(ce.InputError) as info:
        load(tmp_path, text)
    found = {p.line: p.message for p in info.value.problems}
    assert sorted(found) == [4, 5], info.value.format()
    assert found[4].startswith("slang 'ga usah' (→ 'tidak perlu') is 2 words ('ga', "
                               "'usah'), but the transcripts are read one word at a time")
    assert "map each word on its own (e.g. 'ga: ...')" in found[4]
    assert found[5].startswith("slang 'kpd.' (→ 'kepada') is read as the word 'kpd'")
    with pytest.raises(ce.InputError,
                       match=r"slang\['ga usah'\]: slang 'ga usah' \(→ 'tidak'\) is 2 words"):
        ce.Codebook.from_dict({"slang": {"ga usah": "tidak"}, "codes": [
            {"id": "a", "label": "A"}]})


def test_a_pattern_mapping_with_a_second_key_names_it():
    with pytest.raises(ce.InputError, match="holds only 'regex', got also 'flags'"):
        ce.Codebook.from_dict({"codes": [{"id": "a", "label": "A", "patterns": [
            {"regex": "x", "flags": "i"}]}]})


def test_without_a_file_problems_are_placed_in_the_mapping_not_on_line_0():
    data = {"language": "xx-yy", "slang": {"ig": ""}, "codes": [
        {"id": "a", "label": "A"},
        {"id": "Bad", "label": "B", "patern": [], "codable": "ya", "guid": "g"},
        {"id": "c", "label": "", "construct": 1, "examples": 3, "definition": 5,
         "patterns": ["", {"regex": "(a+)+"}, {"rgx": "x"}, None],
         "exclude_patterns": "x", "children": [
             {"id": "a", "label": "A2"}, "not a code", {"id": "d", "label": {"fr!": "x"},
                                                       "exclude_patterns": [{"regex": 5}]}]},
        {"id": "e", "label": "E", "codable": False, "construct": "S"},
    ]}
    with pytest.raises(ce.InputError) as info:
        ce.Codebook.from_dict(data)
    problems = info.value.problems
    assert all(p.line is None and p.path is None for p in problems)
    places = [p.message.split(": ", 1)[0] for p in problems]
    assert places == [
        "language", "codes[1]", "codes[1].id", "codes[1].codable", "codes[1].guid",
        "codes[2].label", "codes[2].examples", "codes[2].construct", "codes[2].definition",
        "codes[2].patterns[0]", "codes[2].patterns[1]", "codes[2].patterns[2]",
        "codes[2].patterns[3]", "codes[2].exclude_patterns", "codes[2].children[0].id",
        "codes[2].children[1]", "codes[2].children[2].label",
        "codes[2].children[2].exclude_patterns[0]", "slang.ig", "codes[3]"], places
    assert "(first at codes[0])" in problems[14].message
    assert ":0" not in info.value.format()
    with pytest.raises(ce.InputError) as info:
        ce.Codebook.from_dict([])
    assert info.value.line is None


def test_long_values_are_shortened_in_messages(tmp_path):
    long = "kata " * 2000
    with pytest.raises(ce.InputError) as info:
        load(tmp_path, f"codebook: t\ncodes:\n  - id: a\n    label: A\n    patterns:\n"
                       f"      - {{regex: '(x+{long})+'}}\n      - '{'!' * 10_000}'\n"
                       f"    codable: '{long}'\n")
    with pytest.raises(ce.InputError) as more:
        ce.Codebook.from_dict({"language": long, "codes": [
            {"id": "a" * 5000, "label": "A", "x" * 5000: 1},
            {"id": "b", "label": {long: "B"}, "patterns": [{"regex": long * 2 + "("},
                                                          {"y" * 5000: 1}, {"regex": [long]}]},
        ]})
    for problem in info.value.problems + more.value.problems:
        assert len(problem.message) < 400, problem.message
    assert [p.line for p in info.value.problems] == [8, 6, 7]
    assert len(more.value.problems) == 6


def test_a_qdc_pattern_that_could_never_match_is_dropped_so_the_codebook_saves_and_loads(
        tmp_path):
    qdc = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
           'origin="x"><Codes><Code guid="3c51efbb-071f-43a7-9f32-228b89668e8d" name="Mitra" '
           'isCodable="true"><Description>Pattern: mitra\nPattern: !!!\nRegex: \\b\n'
           'Exclude pattern: ...\nId: mitra</Description></Code></Codes></CodeBook>')
    (tmp_path / "in.qdc").write_text(qdc, encoding="utf-8")
    cb = ce.Codebook.from_qdc(tmp_path / "in.qdc")
    assert cb["mitra"].patterns == [Pattern("mitra")] and cb["mitra"].exclude_patterns == []
    cb.save(tmp_path / "cb.yaml")
    assert ce.Codebook.load(tmp_path / "cb.yaml")["mitra"].patterns == [Pattern("mitra")]


# --------------------------------------------------------------------------- composed accents
# Regexes run on the transcripts with their accents composed (NFC, session 12), and are
# composed the same way: "e" + U+0301 typed in a pattern is "é". Where that reading would
# change what the regex means, or leave a part of it that can never match, it is refused.

_E_ACUTE = "e\u0301"  # "é" as macOS tools and some keyboards write it


@pytest.mark.parametrize(("regex", "why"), [
    (f"caf[e{_E_ACUTE}]", "inside a character class, 'e' and the combining mark U+0301"),
    (f"[a-{_E_ACUTE}]", "inside a character class, 'e' and the combining mark U+0301"),
    (f"caf{_E_ACUTE}?", "the '?' after them repeats the mark alone"),
    (f"caf{_E_ACUTE}{{2}}", "the '{' after them repeats the mark alone"),
    ("caf[e\\u0301]", "inside a character class, 'e' and the combining mark U+0301"),
    ("cafe\\u0301", "'e' followed by the combining mark U+0301 is never found"),
    ("cafe\\N{COMBINING ACUTE ACCENT}s", "'e' followed by the combining mark U+0301 is "
                                           "never found"),
    ("caf\\u0065\u0301", "'e' followed by the combining mark U+0301 is never found"),
    ("kata\\s\u0301", "the combining mark U+0301 after the escape '\\s' would make it '\\ś'"),
    ("caf[ae]\u0301", "the combining mark U+0301 after ']' is never found"),
    ("caf[ae]\\u0301", "the combining mark U+0301 after ']' is never found"),
    ("caf[a-e]\u0301s?", "the combining mark U+0301 after ']' is never found"),
    ("caf(e)\u0301", "the combining mark U+0301 after ')' is never found"),
    ("caf(?:a|e)\\u0301", "the combining mark U+0301 after ')' is never found"),
    ("(caf(e))\u0301?", "the combining mark U+0301 after ')' is never found"),
])
def test_a_regex_whose_accents_would_change_its_meaning_when_composed_is_refused(
        tmp_path, regex, why):
    """A pattern such as 'caf[eé]' with a decomposed "é" was composed whole: the class
    changed members, a quantifier moved from the mark to the letter, an escaped mark after its
    letter never matched (the transcripts' accents are composed) — all without a word."""
    text = ("codebook: t\ncodes:\n  - id: a\n    label: A\n    patterns:\n"
            f"      - kafe\n      - {{regex: '{regex}'}}\n")
    with pytest.raises(ce.InputError) as info:
        load(tmp_path, text)
    [problem] = info.value.problems
    assert problem.line == 7 and problem.message.startswith(f"regex {regex!r} in code 'a' is "
                                                           "refused: ")
    assert why in problem.message, problem.message
    assert "write the accented letter" in problem.message or \
        "escape" in why
    with pytest.raises(ValueError, match="is refused: "):
        ce.Matcher.from_patterns([("a", regex, "regex")])


def test_the_refusal_says_how_to_write_the_accented_letter():
    with pytest.raises(ce.InputError) as info:
        ce.Codebook.from_dict({"codes": [{"id": "a", "label": "A",
                                          "patterns": [{"regex": f"caf[e{_E_ACUTE}]"}]}]})
    message = info.value.problems[0].message
    assert "'\u00e9' (or the escape \\u00e9)" in message, message
    with pytest.raises(ce.InputError) as info:
        ce.Codebook.from_dict({"codes": [{"id": "a", "label": "A",
                                          "patterns": [{"regex": "kata\\s\u0301"}]}]})
    assert "write the mark as the escape \\u0301" in info.value.problems[0].message



@pytest.mark.parametrize(("regex", "letters"), [
    ("caf[ae]\u0301", ["'\u00e1' (or the escape \\u00e1)", "'\u00e9' (or the escape \\u00e9)"]),
    ("caf(e)\\u0301", ["'\u00e9' (or the escape \\u00e9)"]),
])
def test_a_mark_after_a_class_or_group_is_refused_saying_which_letters_to_write(regex,
                                                                                 letters):
    """'[ae]' + U+0301 looks like "á or é" but the transcripts hold them composed, one
    character each: it never matched, without a word."""
    with pytest.raises(ce.InputError) as info:
        ce.Codebook.from_dict({"codes": [{"id": "a", "label": "A",
                                          "patterns": [{"regex": regex}]}]})
    message = info.value.problems[0].message
    where = "class" if "[" in regex else "group"
    assert f"inside the {where}" in message, message
    for letter in letters:
        assert letter in message, message


def test_a_regex_that_is_invalid_once_composed_is_refused_when_the_codebook_is_read():
    """'[Æ-Å]' with the angstrom sign (U+212B, which NFC makes U+00C5) passed validate and
    made `code` fail: composed, its range runs backwards."""
    with pytest.raises(ce.InputError, match="invalid once its accents are composed") as info:
        ce.Codebook.from_dict({"codes": [{"id": "a", "label": "A",
                                          "patterns": [{"regex": "[\u00c6-\u212b]"}]}]})
    assert "bad character range" in info.value.problems[0].message


@pytest.mark.parametrize("regex", [
    f"caf{_E_ACUTE}", f"caf(?:e|{_E_ACUTE})s?", "caf[e\u00e9]", "caf\u00e9?", "[\\u0300-\\u036f]",
    "x\\u0301", f"r{_E_ACUTE}ni\\b", "vie\u0323\u0302t", "\\u00e9|\u212bngstr\u00f6m",
    "[xq]\\u0301", "(x)\u0301", "caf[a\u00e9]", "(caf\u00e9)",
])
def test_regexes_whose_accents_compose_without_changing_them_are_kept(regex):
    cb = ce.Codebook.from_dict({"codes": [{"id": "a", "label": "A",
                                           "patterns": [{"regex": regex}]}]})
    assert cb["a"].patterns[0].text == regex
    ce.Matcher.from_patterns([("a", regex, "regex")])
