"""Finding a passage in a text: exact, loose (case, spaces, typographic quotes), fuzzy."""

from __future__ import annotations

import difflib

import pytest

from citra_eval._passages import (
    FUZZY_MIN_LENGTH,
    find_exact,
    find_fuzzy,
    find_loose,
    grapheme_around,
    loose_form,
    similarity,
    without_quote_marks,
)

TEXT = ("Kami bekerja sama dengan media.\nSetiap  minggu ada \u201cjumpa pers\u201d di kantor.\n"
        "Kerja sama itu penting \U0001F600, kata Bu Siti. Straße ditutup.")


def test_exact_finds_every_occurrence_within_bounds():
    assert find_exact("aaa", "aa") == [(0, 2), (1, 3)]          # overlapping ones too
    assert find_exact("abcabc", "bc", 2) == [(4, 6)]
    assert find_exact("abcabc", "bc", 0, 5) == [(1, 3)]
    assert find_exact("abc", "") == []


def test_loose_ignores_case_whitespace_runs_and_typographic_quotes():
    (s, e), = find_loose(TEXT, 'setiap minggu ada "JUMPA PERS"')
    assert TEXT[s:e] == "Setiap  minggu ada \u201cjumpa pers\u201d"
    (s, e), = find_loose(TEXT, "media. setiap")            # a line break is whitespace
    assert TEXT[s:e] == "media.\nSetiap"
    # code points after an emoji and a character whose case fold is longer (ß -> ss)
    (s, e), = find_loose(TEXT, "STRASSE ditutup")
    assert TEXT[s:e] == "Straße ditutup"
    (s, e), = find_loose(TEXT, "  penting \U0001F600,  ")  # the needle's own edges are ignored
    assert TEXT[s:e] == "penting \U0001F600,"
    assert find_loose(TEXT, "kerja sama") == [(7, 17), (TEXT.index("Kerja"),
                                                        TEXT.index("Kerja") + 10)]
    assert find_loose(TEXT, "   ") == []


def test_loose_form_maps_every_character_back():
    form, starts, ends = loose_form("A  \u201cB\u201d\u00df")
    assert form == 'a "b"ss'
    assert list(zip(starts, ends, strict=True)) == [(0, 1), (1, 3), (3, 4), (4, 5), (5, 6),
                                                    (6, 7), (6, 7)]


def test_similarity_is_difflibs_ratio_without_autojunk():
    a, b = "kerja sama dengan media", "kerja sama dgn media"
    assert similarity(a, b) == pytest.approx(
        difflib.SequenceMatcher(None, a, b, autojunk=False).ratio())
    assert similarity(a, a) == 1.0
    assert similarity("abc", "xyz") == 0.0


def test_fuzzy_finds_an_edited_passage_and_its_exact_bounds():
    old = "Setiap minggu ada jumpa pers di kantor wali kota."
    text = ("Pembuka yang panjang sekali. " * 20 + "Setiap minggu ada jumpa pers di kantor "
            "walikota. " + "Penutup. " * 20)
    (s, e, r), = find_fuzzy(text, old, min_similarity=0.9)
    assert text[s:e] == "Setiap minggu ada jumpa pers di kantor walikota."
    assert r == pytest.approx(similarity(old, text[s:e])) and 0.9 < r < 1


def test_fuzzy_reports_every_place_above_the_threshold():
    old = "Setiap minggu ada jumpa pers di kantor wali kota."
    text = ("Setiap minggu ada jumpa pers di kantor walikota. Lalu lain hal. "
            "Setiap minggu ada jumpa pers di kantor wali-kota.")
    found = find_fuzzy(text, old, min_similarity=0.9)
    assert len(found) == 2 and found[0][1] <= found[1][0]


def test_fuzzy_never_matches_short_or_unrelated_text():
    assert find_fuzzy(TEXT, "Kerja sam", min_similarity=0.5) == []
    assert len("Kerja sam") < FUZZY_MIN_LENGTH
    assert find_fuzzy(TEXT, "sesuatu yang sama sekali tidak ada di sini",
                      min_similarity=0.9) == []


def test_fuzzy_on_a_long_document_aligns_only_windows():
    # 2 million characters of repetitive text: the piece votes are capped, so the search
    # does not align against the whole document (it would take minutes with difflib)
    filler = "ya, betul, kami koordinasi dengan dinas terkait. " * 40_000
    old = "Anggaran publikasi tahun ini dipotong separuh oleh dewan."
    text = filler + "Anggaran publikasi tahun ini dipotong setengah oleh dewan. " + filler
    (s, e, _), = find_fuzzy(text, old, min_similarity=0.85)
    assert text[s:e] == "Anggaran publikasi tahun ini dipotong setengah oleh dewan."


def test_loose_finding_ignores_unicode_form_and_zero_width_characters():
    text = "Di Cafe\u0301 Andre\u0301, lalu posting di\u200bTikTok\ufeff ya."
    # composed quote, decomposed text: the span covers the original (decomposed) characters
    (span,) = find_loose(text, "café andré")
    assert text[span[0]:span[1]] == "Cafe\u0301 Andre\u0301"
    # a zero-width space separates words like a space; a BOM is not part of the words
    (span,) = find_loose(text, "posting di TikTok ya")
    assert text[span[0]:span[1]] == "posting di\u200bTikTok\ufeff ya"
    assert find_loose(text, "\u200bposting\u00a0di ") == [(text.index("posting"),
                                                           text.index("di\u200b") + 2)]


@pytest.mark.parametrize("pasted", ["\u201ccatat keluhannya\u201d", '"catat keluhannya"',
                                    "'catat keluhannya'", " \u2018catat keluhannya\u2019 ",
                                    "\u00abcatat keluhannya\u00bb"])
def test_one_pair_of_quote_marks_around_a_pasted_quote(pasted):
    assert without_quote_marks(pasted) == "catat keluhannya"


def test_words_without_marks_around_them_are_kept():
    assert without_quote_marks("catat keluhannya") is None
    assert without_quote_marks("Jum'at") is None
    assert without_quote_marks('""') is None and without_quote_marks("'") is None
    # one pair only: the inner marks are the turn's own
    assert without_quote_marks("\u201c\u201cjumpa pers\u201d\u201d") == "\u201cjumpa pers\u201d"


FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"


@pytest.mark.parametrize("text, p, whole", [
    ("Instagram \U0001F44D\U0001F3FF bagus", 11, "\U0001F44D\U0001F3FF"),  # skin tone dropped
    (f"a {FAMILY} b", 4, FAMILY),
    (f"a {FAMILY} b", 5, FAMILY),
    ("Cafe\u0301 rapat", 4, "e\u0301"),                                  # accent dropped
    ("\U0001F1EE\U0001F1E9\U0001F1EE\U0001F1E9", 3, "\U0001F1EE\U0001F1E9"),    # the 2nd flag
])
def test_the_character_an_offset_cuts(text, p, whole):
    a, b = grapheme_around(text, p)
    assert a < p < b and text[a:b] == whole


def test_an_offset_between_characters_cuts_none():
    assert grapheme_around("Cafe\u0301 rapat", 5) == (5, 5)
    assert grapheme_around("abc", 0) == (0, 0) and grapheme_around("abc", 3) == (3, 3)
