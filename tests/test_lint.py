"""The codebook lint: widened stems, unreachable slang, case, patterns that never match."""

from __future__ import annotations

import pandas as pd
import pytest

import citra_eval as ce
from citra_eval.lint import LINT_COLUMNS, common_words, lint_codebook


def book(*codes, **top) -> ce.Codebook:
    return ce.Codebook.from_dict({"codebook": "t", "language": "id", "codes": list(codes)}
                                 | top)


def code(cid: str, *patterns, exclude=()) -> dict:
    out = {"id": cid, "label": cid, "patterns": list(patterns)}
    if exclude:
        out["exclude_patterns"] = list(exclude)
    return out


WORDS = {"harga": 50, "menghargai": 9, "penghargaannya": 7, "berharga": 3, "makan": 99}


def test_a_stemmed_one_word_pattern_shows_the_everyday_words_it_also_matches():
    found = book(code("reputasi", "penghargaan")).lint(words=WORDS)
    assert list(found.columns) == LINT_COLUMNS
    row = found.iloc[0]
    assert (row.check, row.severity, row.code, row.pattern) == (
        "stem_widens", "warning", "reputasi", "penghargaan")
    # most frequent first; the pattern's own inflections (penghargaannya) are not "other" words
    assert row.examples == "harga, menghargai, berharga"
    assert "'harga'" in row.message and "regex" in row.message and "no_stem" in row.message


def test_roots_phrases_regexes_and_no_stem_words_are_not_reported():
    found = book(code("a", "harga", "dapat penghargaan", {"regex": "\\bpenghargaan"}),
                 no_stem=["kebijakan"]).lint(words={**WORDS, "bijak": 4})
    assert found.empty
    found = book(code("b", "kebijakan"), no_stem=["kebijakan"]).lint(words={"bijak": 4})
    assert found.empty


def test_slang_that_only_a_regex_mentions_can_never_fire():
    found = book(code("tek", {"regex": "instagram|youtube"}), slang={"insta": "instagram"})
    found = found.lint(words={})
    rows = found[found["check"] == "slang_regex_only"]
    # the package's ig -> instagram and yt -> youtube, and the codebook's own insta
    assert {"ig", "yt", "insta"} <= set(rows["examples"])
    assert rows["severity"].eq("warning").all()
    fixed = book(code("tek", "instagram", "youtube"), slang={"insta": "instagram"})
    assert fixed.lint(words={}).empty


def test_codebook_slang_no_pattern_uses_is_a_note_unless_it_negates():
    cb = ce.Codebook.from_dict({"codebook": "t", "slang": {"ulun": "saya", "kadak": "tidak",
                                                           "gercep": "cepat"},
                                "codes": [code("cepat", "cepat")]})
    found = cb.lint(words={})
    assert found[["check", "severity", "examples"]].values.tolist() == [
        ["slang_unused", "note", "ulun"]]


def test_upper_case_regex_never_matches_case_folded_text():
    found = book(code("egov", {"regex": "\\bSPBE\\b"}, {"regex": "(?i)SPBE"},
                      {"regex": "(?i:SPBE)x"})).lint(words={})
    assert found["check"].tolist() == ["regex_case"]
    assert found["pattern"].tolist() == ["\\bSPBE\\b"]


@pytest.mark.parametrize(("regex", "shown", "needed"), [
    ("\\bKUD\\b", "(KUD)", True),              # in pattern order, not sorted (was "DKU")
    ("\\x4Bud", "(K)", True),                    # the escape's letter (was "B")
    ("[A-Z]ud", "([A-Z])", True),                 # a class of upper-case letters only
    ("kud|KUD", "(KUD)", False),                  # one alternative never matches
    ("K?ud", "(K)", False)])
def test_regex_case_names_the_letters_that_never_match(regex, shown, needed):
    found = book(code("k", {"regex": regex})).lint(words={})
    assert found["check"].tolist() == ["regex_case"], found
    message = found["message"].iat[0]
    assert f"upper-case letters {shown}" in message, message
    assert ("so it never matches" in message) == needed, message


@pytest.mark.parametrize("regex", ["kaf\\N{LATIN SMALL LETTER E WITH ACUTE}", "[a-zA-Z]ud",
                                   "[^A-Z]ud", "\\Bud\\S", "\\w+ud", "(?i)KUD",
                                   "(?!KUD)kud", "\\u00e9"])
def test_regex_case_is_quiet_about_a_regex_that_can_match(regex):
    assert book(code("k", {"regex": regex})).lint(words={}).empty


@pytest.mark.parametrize("regex", ["shopee", "\\bshopee\\b", "\\bshopee", "\\wshopee\\d",
                                   "(?i)\\bshopee\\s"])
def test_slang_that_only_a_regex_with_escapes_mentions_is_found(regex):
    found = book(code("pasar_online", {"regex": regex}), slang={"sp": "shopee"}).lint(words={})
    rows = found[found["check"] == "slang_regex_only"]
    assert "sp" in set(rows["examples"]), found


@pytest.mark.parametrize("language", ["en", "jv", "ms"])
def test_a_codebook_in_another_language_is_warned_that_words_are_read_as_indonesian(language):
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                   "I: We meet journalists every week.\n"})
    found = book(code("media", "journalist"), language=language).lint(corpus=corpus, words={})
    assert found["check"].tolist() == ["language", "never_matches"]
    row = found.iloc[0]
    assert row.severity == "warning" and pd.isna(row.line)
    assert f"{language!r}" in row.message and "Indonesian" in row.message
    # study.yaml's kwic terms are read the same way ('spokesperson' misses 'spokespersons')
    assert "'kwic' terms" in row.message


@pytest.mark.parametrize("language", ["id", "ind", "bjn"])
def test_indonesian_and_banjarese_codebooks_get_no_language_warning(language):
    found = book(code("media", "wartawan"), language=language).lint(words={})
    assert "language" not in set(found["check"])


def test_patterns_that_never_match_the_corpus():
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {P: interviewer, "
                                   "I: informant}\n---\nP: Soal mitra?\nI: Kami rilis cepat.\n"})
    cb = book(code("a", "mitra", "cepat", "jejaring", exclude=["cepat saji"]))
    found = cb.lint(corpus=corpus, words={})
    assert found[["check", "pattern", "rule"]].values.tolist() == [
        ["never_matches", "jejaring", "include"], ["never_matches", "cepat saji", "exclude"]]
    assert found["severity"].eq("note").all()


def test_patterns_on_a_category_are_one_warning_they_never_code():
    cb = book({"id": "strategi", "label": "S", "codable": False,
               "patterns": ["kerja sama", {"regex": "\\bmou\\b"}],
               "exclude_patterns": ["kerja sama tim"], "children": [code("a", "mitra")]})
    found = cb.lint(words={})
    assert found[["check", "severity", "code"]].values.tolist() == [
        ["category_patterns", "warning", "strategi"]]
    assert "its 3 pattern(s) ('kerja sama', " in found["message"].item()
    assert "never produce codings" in found["message"].item()
    assert ce.autocode(ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}"
                                             "\n---\nI: Kami kerja sama.\n"}), cb).empty


def test_a_phrase_of_function_words_only_matches_almost_every_turn():
    cb = book(code("a", "yang dan", "gak ada", "yang bagus", {"regex": "yang"}))
    found = cb.lint(words={})
    assert found[["check", "pattern"]].values.tolist() == [
        ["function_words_only", "yang dan"], ["function_words_only", "gak ada"]]
    assert found["severity"].eq("warning").all()
    assert "holds only function words" in found["message"].iloc[0]


def test_long_patterns_are_shortened_in_lint_messages():
    long = "kebijakan " + "kata " * 2000
    cb = book(code("a", long.strip(), {"regex": "X" + "y" * 10_000}),
              {"id": "c", "label": "C", "codable": False, "patterns": [long]})
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                   "I: Kami rilis cepat.\n"})
    found = cb.lint(corpus=corpus, words={"bijak": 3})
    assert found["message"].str.len().max() < 400, found["message"].tolist()
    assert set(found["check"]) == {"category_patterns", "regex_case", "never_matches"}


def test_lines_point_into_the_codebook_file(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("codebook: t\nslang:\n  ulun: saya\ncodes:\n  - id: a\n    label: A\n"
                    "    patterns:\n      - mitra\n      - kewajiban\n", encoding="utf-8")
    found = ce.Codebook.load(path).lint(words={"wajib": 3})
    assert dict(zip(found["check"], found["line"], strict=True)) == {
        "stem_widens": 9, "slang_unused": 3}


def test_the_example_codebook_has_no_warnings(example_codebook, example_corpus):
    found = example_codebook.lint(corpus=example_corpus)
    assert found[found["severity"] == "warning"].empty, found["message"].tolist()


def test_the_shipped_word_list():
    words = common_words()
    assert len(words) > 5000
    assert all(w.isalpha() and w.islower() and n >= 3 for w, n in words.items())
    counts = list(words.values())
    assert counts == sorted(counts, reverse=True)


@pytest.mark.slow
def test_cli_validate_prints_the_lint_and_exits_0(cli, tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("codebook: t\ncodes:\n  - id: a\n    label: A\n    patterns:\n"
                    "      - penghargaan\n", encoding="utf-8")
    res = cli("validate", "--codebook", str(path))
    assert res.returncode == 0, res.stderr
    assert f"warning: {path}:6: 'penghargaan' in pattern" in res.stdout
    assert "1 warning(s)" in res.stdout and res.stderr == ""
    quiet = cli("validate", "--codebook", str(path), "--no-lint")
    assert quiet.returncode == 0 and "warning" not in quiet.stdout


@pytest.mark.slow
def test_cli_validate_lints_a_whole_study_on_request(cli, tmp_path):
    import shutil

    from conftest import ROOT

    study = tmp_path / "rsud"
    shutil.copytree(ROOT / "tests" / "data" / "studies" / "rsud", study)
    plain = cli("validate", cwd=study)
    assert plain.returncode == 0 and "lint" not in plain.stdout
    res = cli("validate", "--lint", cwd=study)
    assert res.returncode == 0, res.stderr
    # the fixture's codebook has real findings: ig/fb only in a regex
    assert "warning: data/raw/codebook.yaml:92: slang 'fb' is read as 'facebook'" in res.stdout
    assert res.stdout.rstrip().splitlines()[-1].startswith("codebook lint: ")


@pytest.mark.slow
def test_cli_validate_says_when_patterns_were_not_checked_against_transcripts(cli, tmp_path):
    import shutil

    from conftest import ROOT

    study = tmp_path / "rsud"
    shutil.copytree(ROOT / "tests" / "data" / "studies" / "rsud", study)
    res = cli("validate", "--lint", cwd=study)
    assert res.returncode == 0, res.stderr
    assert ("note: data/raw/codebook.yaml:142: 1 pattern(s) of komunikasi_krisis match no turn "
            "of the 4 transcript(s): 'krisis'") in res.stdout
    assert "not checked against transcripts" not in res.stdout
    shutil.rmtree(study / "interview_transcripts")
    res = cli("validate", "--lint", cwd=study)
    assert res.returncode == 0, res.stderr
    assert "pattern(s) of" not in res.stdout
    assert ("note: data/raw/codebook.yaml: the patterns were not checked against transcripts, "
            "so those that match no turn are not listed (the study has no transcripts)"
            ) in res.stdout
    alone = cli("validate", "--codebook", str(study / "data" / "raw" / "codebook.yaml"))
    assert "(give --transcripts DIR to check them)" in alone.stdout


def test_a_label_that_is_another_codes_id_ignoring_case_is_warned():
    cb = book({"id": "media", "label": {"id": "Apps", "en": "Media"}},
              {"id": "apps", "label": "Aplikasi"}, {"id": "cepat", "label": "Cepat"})
    found = cb.lint(words={})
    rows = found[found["check"] == "label_is_id"]
    assert rows[["severity", "code"]].values.tolist() == [["warning", "media"]]
    message = rows["message"].item()
    assert "'Apps'" in message and "'apps'" in message and "ignoring case" in message
    # a code's own id as its label is no clash
    assert book({"id": "apps", "label": "Apps"}).lint(words={}).empty


def test_a_colour_an_export_cannot_hold_is_warned_about_and_others_are_not():
    """What qdpx export writes (a CSS name or an alpha is converted) lint accepts; what it
    leaves out lint names, so validate and export agree."""
    cb = book(*[{"id": f"c{k}", "label": f"c{k}", "color": colour}
                for k, colour in enumerate(["red", "#FF000080", "#abc", "merah", "#12345"])])
    found = lint_codebook(cb, words=WORDS)
    colours = found[found["check"] == "color"]
    assert colours["code"].tolist() == ["c3", "c4"]
    assert (colours["severity"] == "warning").all()
    assert all("leaves it out" in m and "#RRGGBB" in m for m in colours["message"])
