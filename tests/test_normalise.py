"""Normalisation: case folding, tokens with offsets, slang, Banjarese, stems, compounds."""

from __future__ import annotations

import csv
import re
import unicodedata

import numpy as np
import pytest
from conftest import _plain_stemmer, real_texts, refdata_path, sastrawi_stem
from hypothesis import given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval._passages import ZERO_WIDTH, ZWSP, loose_form
from citra_eval.normalise import (
    DEFAULT_NO_STEM,
    INVISIBLE,
    Normaliser,
    _spans_py,
    canonical_token,
    fold_case,
    load_slang,
    sentence_spans,
    stem_word,
    token_arrays,
    tokenize,
    visible_view,
)


def test_fold_case_keeps_length_for_characters_whose_lower_case_grows():
    text = "İstanbul STRASSE Straße ǅ Ωmega"
    folded = fold_case(text)
    assert len(folded) == len(text)
    assert folded.startswith("istanbul strasse straße")
    assert "İ".lower() != "i"  # the reason: str.lower() would give two code points


def test_tokens_and_loose_quotes_skip_the_same_zero_width_characters():
    assert set(INVISIBLE) == ZERO_WIDTH | {ZWSP, "\u00ad"}
    for c in ZERO_WIDTH:
        word = f"Ma{c}kanan"
        assert [t.text for t in tokenize(fold_case(word))] == ["makanan"]
        assert loose_form(word)[0] == "makanan"


#: Direction marks and bidi controls that text pasted from social media and web pages holds.
BIDI = {"LRM": "\u200e", "RLM": "\u200f", "ALM": "\u061c", "LRE": "\u202a", "RLE": "\u202b",
        "PDF": "\u202c", "LRO": "\u202d", "RLO": "\u202e", "LRI": "\u2066", "RLI": "\u2067",
        "FSI": "\u2068", "PDI": "\u2069"}


@pytest.mark.parametrize("name", list(BIDI))
def test_direction_marks_are_invisible_inside_a_word(name):
    """A direction mark or bidi control inside a word was a word break: ``ma`` + LRM +
    ``kanan`` gave the tokens ``ma`` and ``kanan``."""
    c = BIDI[name]
    assert c in INVISIBLE
    for text in (f"Ma{c}kanan enak", f"😀 Ma{c}kanan enak", f"Ma{c}kanan enak " + "x " * 300):
        toks = tokenize(text)
        assert [t.text for t in toks] == [t.text for t in tokenize(text.replace(c, ""))]
        word = next(t for t in toks if t.text == "makanan")
        assert text[word.start:word.end] == f"Ma{c}kanan"  # offsets slice the original
        assert visible_view(text).text == text.replace(c, "")
        assert loose_form(text)[0] == loose_form(text.replace(c, ""))[0]


_MARKED = ["a", "Z", "e", " ", "\r\n", "\u00e9", "\u00c5", "\u212b", "\u0301", "\u0323",
           "\u0302", "\u0344", "\u1100", "\u1161", "\u11a8", "😀", "🏽", *INVISIBLE]


@given(st.lists(st.sampled_from(_MARKED), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_visible_view_maps_every_visible_character_back(text):
    """The view is the text without its invisible characters, in NFC; each of its
    characters comes from a span of the original text that starts and ends on a visible
    character, and every span of the view that cuts no composed character is the NFC of
    the original characters it maps to."""
    view = visible_view(text)
    visible = "".join(c for c in text if c not in INVISIBLE)
    assert view.text == unicodedata.normalize("NFC", visible)
    if view.starts is None:
        assert view.text == text and view.ends is None
        return
    starts, ends = view.starts.tolist(), view.ends.tolist()
    assert len(starts) == len(ends) == len(view.text)
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(s < e for s, e in zip(starts, ends, strict=True))
    assert all(text[s] not in INVISIBLE and text[e - 1] not in INVISIBLE
               for s, e in zip(starts, ends, strict=True))
    n = len(view.text)
    cuts = [k for k in range(n + 1) if k in (0, n) or starts[k] != starts[k - 1]]
    for i, a in enumerate(cuts):
        for b in cuts[i + 1:]:
            s, e = view.original(np.array([[a, b]]))[0].tolist()
            original = "".join(c for c in text[s:e] if c not in INVISIBLE)
            assert unicodedata.normalize("NFC", original) == view.text[a:b]


@pytest.mark.parametrize("text", ["plain ascii", "caf\u00e9 😀 ok", "\u00e9" * 700,
                                  "x\u0301 (no composed form)"])
def test_a_text_without_invisible_or_decomposed_characters_is_its_own_view(text):
    view = visible_view(text)
    assert view.text is text and view.starts is None and view.ends is None


def test_visible_view_composes_decomposed_accents():
    text = "Re\u0301ni\u200e bilang cafe\u0301\r\n😀 A\u030a"
    view = visible_view(text)
    assert view.text == "Réni bilang café\r\n😀 Å"
    spans = view.original(np.array([[0, 4], [12, 16], [20, 21]]))
    assert [text[s:e] for s, e in spans.tolist()] == ["Re\u0301ni", "cafe\u0301", "A\u030a"]


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_fold_case_never_changes_length(text):
    assert len(fold_case(text)) == len(text)


def test_tokens_carry_offsets_into_the_original_text():
    text = "Pak, kami BEKERJA-sama; jam 16.00 rilis 😀 e-Government’s!"
    toks = tokenize(text)
    assert [t.text for t in toks] == ["pak", "kami", "bekerja-sama", "jam", "16.00", "rilis",
                                      "e-government's"]  # apostrophe straight
    for t in toks:
        assert canonical_token(fold_case(text[t.start:t.end])) == t.text


@given(st.text(alphabet=st.sampled_from(list("abcİß -.,'’‘ʼ1 2\n😀é\u0301\xa0µ²\xad")),
               max_size=120))
@settings(max_examples=300, deadline=None)
def test_numpy_and_python_tokenisers_agree(text):
    folded = fold_case(text)
    long = folded + " " * 600  # forces the numpy path
    s1, e1, t1, codes = token_arrays(long)
    s2, e2 = _spans_py(folded)
    assert s1.tolist() == s2 and e1.tolist() == e2
    assert t1 == [canonical_token(folded[a:b]) for a, b in zip(s2, e2, strict=True)]
    # one byte per character when the text allows it (the faster path), else four
    latin1 = all(ord(c) < 256 for c in long)
    assert codes.dtype == (np.uint8 if latin1 else np.uint32)
    assert codes.tolist() == [ord(c) for c in long]


@pytest.mark.parametrize(("word", "stem"), [
    ("mempercepat", "cepat"), ("secepatnya", "cepat"), ("kecepatan", "cepat"),
    ("membangun", "bangun"), ("pembangunan", "bangun"), ("bermitra", "mitra"),
    ("menyampaikan", "sampai"), ("aplikasi-aplikasi", "aplikasi"), ("16.00", "16.00"),
])
def test_stems(word, stem):
    assert stem_word(word) == stem


def test_slang_table_is_package_data_with_licence():
    from importlib import resources

    raw = resources.files("citra_eval").joinpath("data/slang_id.tsv").read_text("utf-8")
    assert "GPL-3.0-or-later" in raw.splitlines()[2]
    table = load_slang()
    for word, std in [("gak", "tidak"), ("nggak", "tidak"), ("ga", "tidak"),
                      ("enggak", "tidak"), ("udah", "sudah"), ("banget", "sangat"),
                      ("gercep", "gerak cepat"), ("medsos", "media sosial"),
                      ("nyampein", "sampaikan"), ("bales", "balas"), ("pian", "anda"),
                      ("ulun", "saya"), ("kada", "tidak"), ("haja", "saja"),
                      ("badapatan", "bertemu")]:
        assert table[word] == std, word
    rows = [ln.split("\t") for ln in raw.splitlines() if ln and not ln.startswith("#")]
    assert all(len(r) == 3 for r in rows)
    assert len({r[0] for r in rows}) == len(rows)  # no duplicate keys
    # every key is one word as the tokeniser reads it, or it could never match
    assert [r[0] for r in rows if [t.text for t in tokenize(r[0])] != [r[0]]] == []


@pytest.mark.parametrize("word,why", [
    ("ga usah", r"is 2 words \('ga', 'usah'\), but the transcripts are read one word at a "
                r"time, so it never matches; map each word on its own \(e\.g\. 'ga: \.\.\.'\) "
                r"or make the expression a phrase pattern of a code"),
    ("kpd.", r"is read as the word 'kpd' in the transcripts, so it never matches; write 'kpd' "
             r"instead"),
])
def test_a_slang_word_that_can_never_match_is_refused(word, why):
    with pytest.raises(ce.InputError, match=rf"slang '{re.escape(word)}' \(→ 'x'\) {why}$"):
        load_slang({word: "x"})
    with pytest.raises(ce.InputError, match=rf"slang '{re.escape(word)}' \(→ 'x'\) {why}$"):
        Normaliser(slang={word: "x"})
    assert load_slang({" Gak ": "x"}, default=False) == {"gak": "x"}  # case and spaces: fine


def test_codebook_slang_extends_and_overrides():
    n = Normaliser(slang={"gercep": "cepat", "sip": "bagus"})
    assert n.expand("gercep") == ("cepat",)
    assert n.expand("sip") == ("bagus",)
    assert Normaliser().expand("gercep") == ("gerak", "cepat")
    assert Normaliser(default_slang=False).expand("gak") == ("gak",)


def test_multiword_expansion_maps_back_to_the_source_token():
    text = "Info lewat MEDSOS, pian gercep."
    stems = Normaliser().stems(text)
    by_stem = {s: text[a:b] for s, a, b in stems}
    assert by_stem["media"] == by_stem["sosial"] == "MEDSOS"
    assert by_stem["gerak"] == by_stem["cepat"] == "gercep"
    assert by_stem["anda"] == "pian"


def test_banjarese_and_negators_are_kept_not_dropped():
    n = Normaliser()
    assert [s for s, *_ in n.stems("Ulun kada tahu, nggak ada")] == [
        "saya", "tidak", "tahu", "tidak", "ada"]


def test_never_stem_list_default_and_codebook():
    assert "spbe" in DEFAULT_NO_STEM
    # the default list knows no study: a study's own names come from its codebook
    assert not DEFAULT_NO_STEM & {"bamara", "banjarmasin", "prokompim", "setdako"}
    assert stem_word("pelayanan") == "layan"
    n = Normaliser(no_stem=["Pelayanan"])
    assert n.expand("pelayanan") == ("pelayanan",)
    assert n.expand("bamara") == ("bamara",)


@pytest.mark.parametrize("word", ["bekerja sama", "bekerjasama", "kerjasama", "dikerjasamakan",
                                  "kerja sama", "Kerjasamanya"])
def test_compound_variants_normalise_to_the_same_stems(word):
    n = Normaliser(compounds=["kerja sama"])
    assert n.phrase(word) == ("kerja", "sama")


def test_one_word_pattern_is_no_compound():
    """A one-word pattern is read as its own word: never cut into dictionary roots (which
    would let another pattern, ``info``, ``ikan``, ``hun``, match inside it)."""
    words = ["infografis", "sampaikan", "setahun", "membuat"]
    n = Normaliser(compounds=words)
    assert n.compound_table == {}
    for word in words:
        assert n.expand(word) == Normaliser().expand(word) == (stem_word(word),)
    # a multi-word pattern still names a compound, joined and affixed forms included
    assert Normaliser(compounds=["info grafis"]).phrase("infografisnya") == ("info", "grafis")


def test_sentence_spans():
    text = "Jam 16.00 rilis. Sudah tayang?! \"Bagus.\" Lalu\nbaris baru"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Jam 16.00 rilis.", "Sudah tayang?!",
                                             "\"Bagus.\"", "Lalu", "baris baru"]


@pytest.mark.parametrize(("text", "want"), [
    ("Our CEO Dr. Lim issued a public apology within hours. Then we waited.",
     ["Our CEO Dr. Lim issued a public apology within hours.", "Then we waited."]),
    ("Mr. Tan met Mrs. Wong at St. Mary's, e.g. on Fridays. Sales in the U.S. grew by 5%.",
     ["Mr. Tan met Mrs. Wong at St. Mary's, e.g. on Fridays.",
      "Sales in the U.S. grew by 5%."]),
    ("Kami undang Bpk. Ahmad dan Prof. Rina ke Jl. Sudirman No. 5 kemarin. Beliau datang.",
     ["Kami undang Bpk. Ahmad dan Prof. Rina ke Jl. Sudirman No. 5 kemarin.",
      "Beliau datang."]),
    ("Kami pakai IG, FB, dll. untuk rilis, dsb. lalu surat a.n. Budi Santoso, S.H. dikirim.",
     ["Kami pakai IG, FB, dll. untuk rilis, dsb. lalu surat a.n. Budi Santoso, S.H. dikirim."]),
    # an abbreviation before a capitalised word ends its sentence; words that only look like
    # one end theirs; a title at a line break does not join the lines
    ("Kami pakai IG, FB, dll. Lalu rilis. Terima kasih, Pak. Saya senang. I said no. Then",
     ["Kami pakai IG, FB, dll.", "Lalu rilis.", "Terima kasih, Pak.", "Saya senang.",
      "I said no.", "Then"]),
    ("Ada Dr.\nLalu", ["Ada Dr.", "Lalu"]),
])
def test_sentence_spans_do_not_end_at_abbreviations_and_initials(text, want):
    """--unit sentence cut 'Dr. Lim issued ...' after 'Dr.' and the coded span lost the
    sentence start. Titles and initials never end a sentence, other abbreviations (dll.,
    e.g.) only before a capitalised word, numbering ones (No.) only before a non-digit;
    the spans still slice the text exactly."""
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == want
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)


def test_sentence_abbreviations_are_package_data_for_both_languages():
    from citra_eval.normalise import sentence_abbreviations

    kinds = sentence_abbreviations()
    assert {"dr", "mr", "bpk", "prof", "jl"} <= kinds["title"]
    assert {"dll", "dsb", "etc"} <= kinds["word"] and {"no"} <= kinds["number"]
    assert not set.intersection(*map(set, kinds.values()))


def test_stem_word_is_pysastrawi_where_it_skips_it():
    """stem_word skips PySastrawi for a word no prefix/suffix split reduces to one of its
    dictionary's roots. It must give PySastrawi's own stem for every word of the real
    SmSA reviews and EmoT tweets, both studies' transcripts and affixed forms of roots."""

    from citra_eval.normalise import could_stem_to, root_tails, root_words

    texts = real_texts(reviews=True)
    words = {t.text for text in texts for t in tokenize(fold_case(text))
             if t.text.isalpha() and t.text.isascii()}
    rng = np.random.default_rng(11)
    roots = sorted(w for w in root_words() if w.isalpha() and 3 <= len(w) <= 9)
    for r in rng.choice(roots, size=2000, replace=False):
        words.add(str(rng.choice(["me", "mem", "men", "meng", "meny", "pe", "pem", "pen",
                                  "peng", "peny", "ber", "ter", "di", "ke", "se", "per",
                                  "memper", "diper"])) + str(r)
                  + str(rng.choice(["", "kan", "an", "i", "nya", "lah", "annya"])))
    skipped = [w for w in sorted(words) if w not in root_words()
               and not could_stem_to(w, root_tails())]
    assert len(skipped) > 3000  # the shortcut is taken often (the costliest words for it)
    wrong = [(w, sastrawi_stem(w)) for w in skipped if sastrawi_stem(w) != w]
    assert not wrong, wrong[:10]
    assert all(stem_word(w) == w for w in skipped)


def test_literal_removals_stem_as_pysastrawi_does():
    """The stemmer's visitors record removals with str.replace instead of PySastrawi's
    re.sub: every word of the real reviews, tweets and both studies that reaches PySastrawi,
    and affixed forms of its roots, must get PySastrawi's own stem."""
    from citra_eval.normalise import (
        _VISITOR_CACHE,
        _LiteralRemoval,
        _stemmer,
        could_stem_to,
        root_tails,
    )

    inner = _stemmer().delegatedStemmer
    assert all(isinstance(v, _LiteralRemoval) for v in
               inner.visitor_provider.get_prefix_visitors()
               + inner.visitor_provider.get_suffix_visitors())
    words = {t.text for text in real_texts(reviews=True) for t in tokenize(fold_case(text))
             if t.text.isalpha() and t.text.isascii()}
    words |= {p + r + s for r in ("ajar", "kerja", "percaya", "tulis", "sampai")
              for p in ("", "ber", "mem", "memper", "pe", "pen", "ter", "di", "ke", "se")
              for s in ("", "kan", "an", "i", "nya", "lah", "annya", "kannya")}
    reached = sorted(w for w in words if could_stem_to(w, root_tails()))
    assert len(reached) > 5000
    plain = _plain_stemmer().delegatedStemmer
    wrong = [(w, inner.stem_word(w), plain.stem_word(w)) for w in reached
             if inner.stem_word(w) != plain.stem_word(w)]
    assert not wrong, wrong[:10]
    visitors = (inner.visitor_provider.get_prefix_visitors()
                + inner.visitor_provider.get_suffix_visitors())
    assert max(len(v._results) for v in visitors) <= _VISITOR_CACHE  # memory stays bounded


def test_sastrawi_stems_are_cores_of_the_token_on_real_text():
    """The matcher skips stemming tokens that cannot stem to a pattern stem; this relies on
    PySastrawi returning a core of the token (prefix <= 10 letters, a suffix combination,
    first letter possibly recoded). Checked on every word of the real SmSA reviews."""
    from citra_eval.normalise import could_stem_to

    path = refdata_path("indonesian-text", "smsa-reviews.tsv")
    words = set()
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 3000:
                break
            words.update(t.text for t in tokenize(line.split("\t")[0]))
    checked = 0
    for w in words:
        s = stem_word(w) if "-" in w else sastrawi_stem(w)
        if s == w or "-" in w or len(s) < 2:
            continue
        checked += 1
        assert could_stem_to(w, {s[1:]: frozenset(s[0])}), (w, s)
    assert checked > 1000


def test_tokenize_real_tweets_with_emoji_keeps_exact_offsets():
    path = refdata_path("indonesian-text", "emot-tweets.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        tweets = [row["tweet"] for _, row in zip(range(500), csv.DictReader(fh), strict=False)]
    n = Normaliser()
    for tweet in tweets:
        for stem, a, b in n.stems(tweet):
            assert 0 <= a < b <= len(tweet)
            assert stem
    assert np.mean([len(tokenize(t)) for t in tweets]) > 5


def _could_stem_to_plain(token, tails):
    """could_stem_to as a plain scan of every split (the reference for the fast version)."""
    from citra_eval.normalise import MAX_PREFIX, MAX_SUFFIX, SUFFIX_COMBOS, core_ok, prefix_table

    n = len(token)
    for k in range(min(MAX_SUFFIX, n) + 1):
        if k and token[n - k:] not in SUFFIX_COMBOS:
            continue
        for i in range(1, min(MAX_PREFIX + 1, n - k) + 1):
            firsts = tails.get(token[i:n - k])
            if firsts is not None and core_ok(token, i, n - k, firsts, prefix_table()):
                return True
    return False


def test_could_stem_to_equals_the_plain_scan_on_real_words():
    """The fast scan (only the starts a prefix head allows) gives the plain scan's answer
    for every word of the real reviews and tweets and both studies, with the tails of every
    root and with the tails of one stem (as the matcher's candidate test uses it)."""
    from citra_eval.normalise import could_stem_to, root_tails

    words = sorted({t.text for text in real_texts(reviews=True)
                    for t in tokenize(fold_case(text)) if t.text.isalpha()})
    assert len(words) > 10000
    tails = root_tails()
    fast = [could_stem_to(w, tails) for w in words]
    assert fast == [_could_stem_to_plain(w, tails) for w in words]
    assert 0 < sum(fast) < len(words)
    for stem in ("kerja", "sampai", "gigi", "bangun", "cepat", "harga"):
        one = {stem[1:]: frozenset(stem[0])}
        assert ([could_stem_to(w, one) for w in words]
                == [_could_stem_to_plain(w, one) for w in words]), stem


def test_compound_key_prefilter_changes_no_expansion_on_real_words():
    """Normaliser._compound looks for affixed compounds only in words holding a compound
    key; on every real word the result is that of the plain affix scan."""
    import citra_eval as ce
    from citra_eval.normalise import _PREFIXES, _SUFFIXES

    n = Normaliser.for_codebook(ce.Codebook.load(ce.example_path("codebook")))
    assert len(n.compound_table) > 10

    def plain(word):
        if len(word) < 6:
            return None
        hit = n.compound_table.get(word)
        if hit is not None:
            return hit
        for p in _PREFIXES:
            for s in _SUFFIXES:
                if ((p or s) and word.startswith(p) and word.endswith(s)
                        and len(word) > len(p) + len(s)):
                    hit = n.compound_table.get(word[len(p):len(word) - len(s)])
                    if hit is not None:
                        return hit
        return None

    words = sorted({t.text for text in real_texts(reviews=True)
                    for t in tokenize(fold_case(text))})
    words += [p + k + s for k in n.compound_table for p in _PREFIXES for s in _SUFFIXES]
    got = [n._compound(w) for w in words]
    assert got == [plain(w) for w in words]
    assert sum(g is not None for g in got) > 1000


@given(st.lists(st.text(alphabet=st.sampled_from(list("abn ")), max_size=4)
                | st.sampled_from(["nan", "None", "NaN", "", "é", "😀", "İ"]), max_size=60))
@settings(max_examples=200, deadline=None)
def test_factorize_tokens_is_pandas_factorize(tokens):
    """Tokens are factorised through pandas' string hash table directly (no type check per
    call); the result is pd.factorize's, "nan" and "None" included (plain strings)."""
    import pandas as pd

    from citra_eval.normalise import factorize_tokens

    codes, uniques = factorize_tokens(tokens)
    want_codes, want_uniques = pd.factorize(np.array(tokens, dtype=object), sort=False)
    assert codes.dtype == np.int64 and codes.tolist() == want_codes.tolist()
    assert uniques == list(want_uniques) == list(dict.fromkeys(tokens))


def test_factorize_tokens_without_pandas_string_table(monkeypatch):
    """Should pandas' private string table be missing or answer otherwise, pd.factorize
    gives the same result."""
    import sys
    import types

    import pandas as pd

    from citra_eval.normalise import factorize_tokens

    tokens = ["kami", "tidak", "kami", "nan", "😀", "tidak"]
    want = factorize_tokens(tokens)
    monkeypatch.setitem(sys.modules, "pandas._libs.hashtable", None)  # import fails
    got = factorize_tokens(tokens)
    assert got[0].tolist() == want[0].tolist() == [0, 1, 0, 2, 3, 1]
    assert got[1] == want[1] == ["kami", "tidak", "nan", "😀"]

    class Flipped:  # a table answering in another order than pandas' own
        def __init__(self, size):
            pass

        def factorize(self, values):
            codes, uniques = pd.factorize(values)
            return codes, uniques

    fake = types.SimpleNamespace(StringHashTable=Flipped)
    monkeypatch.setitem(sys.modules, "pandas._libs.hashtable", fake)
    got = factorize_tokens(tokens)
    assert got[0].tolist() == want[0].tolist() and got[1] == want[1]


_TOKEN_TEXT = st.lists(st.tuples(st.sampled_from(
    ["a", "ab", "abcdefgh", "abcdefgi", "bbcdefgh", "abcdefghi", "abcdefghj",
     "abcdefghijklmnop", "abcdefghijklmnoq", "bbcdefghijklmnop", "abcdefghijklmnopq",
     "abcdefghijklmnopr", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyy", "kami",
     "kamí", "16.00", "e-gov", "ß", "é\u0301", "e\u0300", "e\u0301", "😀", "’s"]),
    st.sampled_from([" ", " ", " ", "\n", ", ", ". ", "-", ""])), max_size=60).map(
        lambda pairs: "".join(w + sep for w, sep in pairs))


@given(_TOKEN_TEXT)
@settings(max_examples=300, deadline=None)
def test_token_ids_are_the_factorised_tokens(text):
    """token_ids (tokens grouped by their packed bytes, no string per token) gives what
    tokenising and factorising the strings gives: tokens of 1-26 characters, around the
    8- and 16-byte limits, in one-byte text and in text needing four bytes a character."""
    from citra_eval.normalise import factorize_tokens, token_ids

    folded = fold_case(text) + " " * 600  # the bulk path
    starts, ends, ids, uniques, codes = token_ids(folded)
    want_starts, want_ends, tokens, want_codes = token_arrays(folded)
    want_ids, want_uniques = factorize_tokens(tokens)
    assert starts.tolist() == want_starts.tolist() and ends.tolist() == want_ends.tolist()
    assert ids.dtype == np.int64 and ids.tolist() == want_ids.tolist()
    assert uniques == want_uniques
    assert codes.tolist() == want_codes.tolist()


def test_token_ids_group_tokens_as_strings_when_hashes_collide(monkeypatch):
    """Every token hashed alike (the mixers zeroed): the check against each group's first
    token fails, and the tokens are grouped as strings, with the same result."""
    from citra_eval import normalise

    text = ("kami kerja sama kami pelayanan-pelayanan pertanggungjawabannya "
            "pertanggungjawabanmu kerja " * 30)
    want = normalise.token_ids(text)
    assert normalise._packed_ids(want[4], want[0], want[1], text) is not None
    monkeypatch.setattr(normalise, "_MIXERS", np.zeros(3, dtype=np.uint64))
    assert normalise._packed_ids(want[4], want[0], want[1], text) is None
    got = normalise.token_ids(text)
    assert got[2].tolist() == want[2].tolist() and got[3] == want[3]
    assert want[3] == ["kami", "kerja", "sama", "pelayanan-pelayanan",
                       "pertanggungjawabannya", "pertanggungjawabanmu"]
    # two long tokens alike in length and first 16 bytes: told apart by their strings
    pair = "abcdefghijklmnopqrs abcdefghijklmnopqrt " * 20
    twins = normalise.token_ids(pair)
    assert normalise._packed_ids(twins[4], twins[0], twins[1], pair) is None
    assert twins[3] == ["abcdefghijklmnopqrs", "abcdefghijklmnopqrt"]


#: Apostrophes word processors and keyboards write: right single quotation mark (Word's
#: autocorrect), left single quotation mark (autocorrect after a space-less letter), modifier
#: letter apostrophe.
APOSTROPHES = ["\u2019", "\u2018", "\u02bc"]


@pytest.mark.parametrize("apostrophe", APOSTROPHES)
@pytest.mark.parametrize("pad", ["", " x" * 300])  # the short (Python) and bulk (numpy) paths
def test_a_typographic_apostrophe_is_the_straight_one_in_tokens(apostrophe, pad):
    """Session 12: ``don’t`` (Word) and ``don't`` (a pattern typed by hand) were two words:
    the pattern never matched and word lists counted the word twice."""
    text = f"We DON{apostrophe}T say it{apostrophe}s ok{pad}"
    toks = tokenize(text)
    assert [t.text for t in toks[:4]] == ["we", "don't", "say", "it's"]
    assert [text[t.start:t.end] for t in toks[:4]] == ["We", f"DON{apostrophe}T", "say",
                                                      f"it{apostrophe}s"]
    from citra_eval.normalise import text_token_ids, token_ids

    _, _, ids, uniques, _ = token_ids(fold_case(f"don't don{apostrophe}t{pad}"))
    assert uniques[0] == "don't" and ids[0] == ids[1]
    _, ids, uniques = text_token_ids(["don't", f"Don{apostrophe}t"])
    assert uniques == ["don't"] and ids.tolist() == [0, 0]


@pytest.mark.parametrize("apostrophe", APOSTROPHES)
def test_patterns_match_across_apostrophe_forms_with_exact_offsets(apostrophe):
    """A phrase, exclude or regex pattern typed with one apostrophe finds the text written
    with another, and the codings slice the original text."""
    turn = f"We don{apostrophe}t really do CSR here, it{apostrophe}s costly."
    corpus = ce.Corpus.from_texts({"d.txt": (
        "---\nid: D1\nspeakers: {Q: interviewer, A: informant}\n---\n"
        f"Q: Programs?\nA: {turn}\n")})
    book = ce.Codebook.from_dict({"language": "en", "codes": [
        {"id": "csr", "label": {"en": "CSR"}, "patterns": ["csr"],
         "exclude_patterns": ["don't really do csr"]},
        {"id": "cost", "label": {"en": "Cost"}, "patterns": ["it’s costly"]},
        {"id": "rx", "label": {"en": "Rx"}, "patterns": [{"regex": "don't\\s+really"}]}]})
    hits = ce.match_patterns(corpus, book)
    hits = hits[hits["rule"] == "include"].set_index("code")
    assert hits.loc["csr", "status"] == "excluded"
    assert "csr" not in set(ce.autocode(corpus, book)["code"])
    text = corpus.text("D1")
    for code, want in (("cost", f"it{apostrophe}s costly"), ("rx", f"don{apostrophe}t really")):
        row = hits.loc[code]
        assert row["status"] == "coded"
        assert text[row["start"]:row["end"]] == row["matched_text"] == want


def test_visible_view_writes_apostrophes_straight_one_for_one():
    text = "Don\u2019t\u200b say it\u02bcs cafe\u0301"
    view = visible_view(text)
    assert view.text == "Don't say it's café"
    assert [text[s:e] for s, e in view.original(np.array([[0, 5], [10, 14]])).tolist()] == [
        "Don\u2019t", "it\u02bcs"]
    plain = visible_view("it\u2019s 😀")  # nothing hidden or composed: the same offsets
    assert plain.text == "it's 😀" and plain.starts is None


def test_slang_and_never_stem_words_written_with_a_typographic_apostrophe():
    norm = Normaliser(slang={"g‘day": "halo"}, no_stem=["Jum’at"], default_slang=False)
    assert norm.expand("g'day") == ("halo",)
    assert norm.expand("jum'at") == ("jum'at",)
    assert canonical_token("jum\u02bcat") == "jum'at"


@pytest.mark.parametrize(("text", "kept"), [
    ("lihat https://t.co/Ab1Xy, ok", ["lihat", "ok"]),
    ("(cek WWW.Kota.go.id/a?b=1.) dan humas.kota@mail.go.id.", ["cek", "dan"]),
    ("rapat jam 16.00 di kantor; email: -", ["rapat", "jam", "16.00", "di", "kantor", "email"]),
    # @handles of social media are no words; a hashtag's word is (session 13)
    ("RT @humas_kota: banjir lagi @user. cc:@Budi.Santoso!", ["rt", "banjir", "lagi", "cc"]),
    ("#BanjirJakarta @ pintu 2, tulis ke a@b", ["banjirjakarta", "pintu", "2", "tulis", "ke",
                                               "a", "b"]),
])
def test_blank_addresses_keeps_length_and_the_other_words(text, kept):
    from citra_eval.normalise import blank_addresses

    blank = blank_addresses(text)
    assert len(blank) == len(text)
    assert [t.text for t in tokenize(blank)] == kept
    for t in tokenize(blank):  # the words left keep their offsets into the text
        assert fold_case(text[t.start:t.end]) == t.text
