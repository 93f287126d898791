"""The matcher: negation scopes, exclude patterns, literal-anchored regexes."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from conftest import real_texts, refdata_path, sastrawi_stem
from hypothesis import given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval.matching import NEGATION_WINDOW, Matcher, required_literals

BOOK = ce.Codebook.from_dict({
    "codebook": "t", "language": "id", "no_stem": ["bamara"],
    "codes": [
        {"id": "bamara", "label": "Bamara", "patterns": [{"regex": "\\bbamara\\b"}]},
        {"id": "kerja_sama", "label": "Kerja sama", "patterns": ["kerja sama", "mitra"],
         "exclude_patterns": ["kerja sama tim", {"regex": "tim redaksi"}]},
        {"id": "teknologi", "label": "Teknologi",
         "patterns": ["media sosial", {"regex": "\\bwa\\b"}],
         "exclude_patterns": [{"regex": "\\bwa (haja|aja|saja)\\b"}]},
        {"id": "tertutup", "label": "Tertutup", "patterns": ["tidak transparan"]},
        {"id": "transparan", "label": "Transparan", "patterns": ["transparan"]},
    ]})


def statuses(*turns: str) -> list[tuple[str, str]]:
    body = "".join(f"I: {t}\n" for t in turns)
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n" + body})
    hits = ce.match_patterns(corpus, BOOK)
    return list(zip(hits["code"], hits["status"], strict=True))


@pytest.mark.parametrize("turn", [
    "Ulun kada pernah ikut Bamara.",          # Banjarese negator, two words between
    "Saya tidak ikut Bamara tahun ini.",
    "Kami nggak pernah datang ke Bamara.",    # three words between: still in scope
    "Belum pernah ada Bamara di sini.",
    "Bukan Bamara yang saya maksud.",
    "Kami gak pernah ikut Bamara.",           # slang negators
    "Ulun ndak pernah ke Bamara.",
])
def test_negated_hits_do_not_code(turn):
    assert statuses(turn) == [("bamara", "negated")]


@pytest.mark.parametrize("turn", [
    "Saya tidak tahu, tapi Bamara itu bagus.",        # a conjunction closes the scope
    "Tidak, Bamara itu bagus.",                        # so does a comma
    "Tidak. Bamara itu bagus.",                        # and a sentence end
    "Tidak hanya Bamara, ada forum lain.",             # "not only"
    "Tidak pernah ada yang bilang kalau Bamara jelek.",  # too far away
    "Kami selalu ikut Bamara.",
])
def test_hits_outside_a_negation_scope_code(turn):
    assert statuses(turn) == [("bamara", "coded")]


def test_the_window_is_the_documented_number_of_words():
    between = " ".join(["kata"] * NEGATION_WINDOW)
    assert statuses(f"Tidak {between} Bamara.") == [("bamara", "negated")]
    assert statuses(f"Tidak {between} kata Bamara.") == [("bamara", "coded")]


def test_a_pattern_that_holds_the_negation_is_not_negated():
    got = statuses("Dulu Pemkot tidak transparan.")
    assert ("tertutup", "coded") in got and ("transparan", "negated") in got


def test_negation_can_be_switched_off():
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                   "I: Ulun kada ikut Bamara.\n"})
    assert ce.match_patterns(corpus, BOOK, negation=False)["status"].tolist() == ["coded"]
    assert ce.autocode(corpus, BOOK).empty
    assert ce.autocode(corpus, BOOK, negation=False)["code"].tolist() == ["bamara"]


@pytest.mark.parametrize("negator", ["jgn", "bkn", "blom", "gag", "kadak"])
def test_chat_spellings_of_negators_negate(negator):
    # chat abbreviations of jangan, bukan, belum and of tidak (gag, Banjar kadak)
    assert statuses(f"Kami {negator} pernah ikut Bamara.") == [("bamara", "negated")]
    assert negator in Matcher.from_codebook(BOOK).negation_words


def test_bukannya_is_no_negation_word():
    # "bukannya ... malah": "instead of", not a denial of what follows
    assert statuses("Bukannya ikut Bamara, dia malah pulang.") == [("bamara", "coded")]


ADA = ce.Codebook.from_dict({"codebook": "t", "language": "id", "codes": [
    {"id": "ada", "label": "Ada", "patterns": ["ada masalah"]},
    {"id": "tanpa", "label": "Tanpa", "patterns": ["tidak ada masalah", "kadada masalah"]},
    {"id": "rx", "label": "Rx", "patterns": [{"regex": "ada masalah"}]}]})


@pytest.mark.parametrize("turn", ["Kadada masalah lawan pelayanannya.",
                                  "Pokoknya kadada masalah.", "Kadada masalah"])
def test_a_slang_word_that_expands_to_a_negation_negates_what_starts_inside_it(turn):
    # Banjar kadada is "tidak ada": "ada masalah", found inside it, is negated; the
    # patterns that hold the negation code it; every hit still slices the turn as written
    text = f"---\nid: D\nspeakers: {{I: informant}}\n---\nI: {turn}\n"
    corpus = ce.Corpus.from_texts({"d.txt": text})
    hits = ce.match_patterns(corpus, ADA)
    assert dict(zip(hits["code"], hits["status"], strict=True)) == {
        "ada": "negated", "tanpa": "coded", "rx": "negated"}
    seg = corpus.segments.set_index("segment_id")["text"]
    for row in hits.itertuples(index=False):
        assert row.matched_text.lower() in seg[row.segment_id].lower()
    assert ce.match_patterns(corpus, ADA, negation=False)["status"].eq("coded").all()


def test_exclude_patterns_suppress_only_the_hits_they_overlap():
    got = statuses("Kerja sama tim redaksi bagus, kami juga bermitra dengan media.")
    assert got.count(("kerja_sama", "excluded")) == 1
    assert ("kerja_sama", "exclude") in got and ("kerja_sama", "coded") in got
    assert statuses("Kabari lewat WA haja.") == [("teknologi", "excluded"),
                                                 ("teknologi", "exclude")]
    assert statuses("Grup WA wartawan kami aktif.") == [("teknologi", "coded")]


def test_exclude_patterns_round_trip_through_yaml_and_qdc(tmp_path):
    BOOK.save(tmp_path / "cb.yaml")
    again = ce.Codebook.load(tmp_path / "cb.yaml")
    assert again["kerja_sama"].exclude_patterns == BOOK["kerja_sama"].exclude_patterns
    BOOK.to_qdc(tmp_path / "cb.qdc")
    back = ce.Codebook.from_qdc(tmp_path / "cb.qdc")
    assert back["teknologi"].exclude_patterns == BOOK["teknologi"].exclude_patterns


@pytest.mark.parametrize("pattern, expected", [
    (r"\bbamara\b|badapatan|bedapatan", ["badapatan", "bamara", "bedapatan"]),
    (r"e-?gov(ernment)?\b", ["e-gov", "egov"]),   # optional parts expanded, "egovernment"
    (r"\bapps?\b|android", ["android", "app"]),   # holds "egov": left out
    (r"kerja\s?sama|dikerjasamakan", ["kerja"]),  # \s: not expanded; the branch holds "kerja"
    (r"wali ?kota (turun|datang)", ["wali kota datang", "wali kota turun", "walikota datang",
                                    "walikota turun"]),
    (r"[ck]ontra ?narasi", ["contra narasi", "contranarasi", "kontra narasi",
                            "kontranarasi"]),
    (r"(ab){2}x|zz(yyy)+", ["ababx", "yyy"]),    # fixed repetition expanded; "yyy" required
    (r"a(b|c*)d", None),                         # an unbounded branch: only "a", "d"
    (r"(?=ab)cde|\bfg(?!h)", ["cde", "fg"]),     # assertions consume nothing
    (r"a(?i:bc)", None),                         # a case-insensitive group
    (r"[^x]yz|[a-z]yz", ["yz"]),
    (r"(?i)mou", None),              # case-insensitive: no prefilter
    (r"[a-z]+a", None),              # nothing literal of two characters
    (r"x?y", None),
])
def test_required_literals(pattern, expected):
    assert required_literals(re.compile(pattern)) == expected


REGEXES = [r"\bbamara\b|badapatan", r"e-?gov(ernment)?\b", r"\bapps?\b|android",
           r"kerja\s?sama", r"(?i)mou", r"hak (jawab|koreksi)", r"\bwa\b", r"sat-?set",
           r"wali ?kota (turun|datang) (ke|langsung)", r"[ck]ontra ?narasi",
           r"(sat){2}|(?=kota)k"]
WORDS = ["bamara", "badapatan", "egov", "e-government", "apps", "app", "android", "kerja",
         "sama", "MoU", "hak", "jawab", "koreksi", "wa", "satset", "sat-set", "x", "😀", "İ",
         "wali", "kota", "walikota", "turun", "datang", "ke", "langsung", "kontra", "contra",
         "narasi", "kontranarasi", "satsat", "sat"]


@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=12), min_size=1,
                max_size=8))
@settings(max_examples=60, deadline=None)
def test_anchored_regexes_find_exactly_what_a_full_scan_finds(turns):
    texts = [" ".join(t) for t in turns]
    matcher = Matcher.from_patterns([("c", r, "regex") for r in REGEXES])
    units = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n" + "".join(
        f"I: {t}\n" for t in texts if t.strip())}).segments
    got = matcher.hits(units, negation=False)
    full = []
    for u in units.itertuples(index=False):
        folded = ce.normalise.fold_case(u.text)
        for r in REGEXES:
            full += [(u.segment_id, r, u.start + m.start(), u.start + m.end())
                     for m in re.finditer(r, folded) if m.end() > m.start()]
    assert sorted(zip(got["segment_id"], got["pattern"], got["start"], got["end"],
                      strict=True)) == sorted(full)


def test_anchored_regexes_on_real_text():
    """The example codebook's regexes on 3,000 real reviews: the same hits as a full scan."""
    lines = []
    with open(refdata_path("indonesian-text", "smsa-reviews.tsv"), encoding="utf-8") as fh:
        for _, line in zip(range(3000), fh, strict=False):
            lines.append(line.split("\t")[0])
    book = ce.Codebook.load(ce.example_path("codebook"))
    regexes = [(c.id, p.text, "regex") for c in book for p in c.patterns if p.kind == "regex"]
    matcher = Matcher.from_patterns(regexes)
    body = "".join(f"I: {t}\n" for t in lines if t.strip())
    units = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                  + body}).segments
    got = matcher.hits(units, negation=False)
    n_full = 0
    for u in units.itertuples(index=False):
        folded = ce.normalise.fold_case(u.text)
        n_full += sum(1 for _, r, _ in regexes for m in re.finditer(r, folded)
                      if m.end() > m.start())
    assert len(got) == n_full > 50


def test_matcher_knows_its_codes_and_labels():
    m = Matcher.from_codebook(BOOK)
    assert m.codes == BOOK.codable_ids and m.labels["bamara"] == "Bamara"
    assert {"tidak", "nggak", "kada", "gak"} <= m.negation_words
    assert set(m.pattern_table["rule"]) == {"include", "exclude"}


def _words_of(*texts: str) -> set[str]:
    return {t.text for text in texts for t in ce.normalise.tokenize(text)
            if t.text.isalpha() and t.text.isascii()}


def test_the_stemming_prefilter_admits_every_real_stem():
    """The matcher only stems tokens that PySastrawi could reduce to a pattern stem (head
    consumed by its prefix rules, suffix one of its combinations). Checked against PySastrawi
    itself: every word of the EmoT tweets and of both studies' transcripts, and a seeded grid
    of affixed forms of its dictionary's roots, must pass for its own stem."""

    import numpy as np

    from citra_eval.normalise import could_stem_to, root_words

    texts = real_texts()
    words = _words_of(*texts)
    rng = np.random.default_rng(7)
    roots = sorted(w for w in root_words() if w.isalpha() and 3 <= len(w) <= 9)
    heads = ["di", "ke", "se", "ber", "ter", "me", "mem", "men", "meng", "meny", "pe", "pem",
             "pen", "peng", "peny", "per", "memper", "diper", "keber", "penge", "menge", "ku"]
    tails = ["", "kan", "an", "i", "nya", "lah", "kannya", "annya", "ku", "mu", "pun"]
    for r in rng.choice(roots, size=1500, replace=False):
        words.add(str(rng.choice(heads)) + str(r) + str(rng.choice(tails)))
        words.add(str(r) + str(rng.choice(tails)))
    checked = 0
    for w in sorted(words):
        s = sastrawi_stem(w)
        if s == w or len(s) < 2:
            continue
        checked += 1
        assert could_stem_to(w, {s[1:]: frozenset(s[0])}), (w, s)
    assert checked > 3000


@pytest.mark.parametrize("codebook", ["example", "rsud"])
def test_the_candidate_test_equals_its_plain_definition_on_real_words(codebook):
    """Matcher._candidates (tail-and-suffix automaton over the unique tokens) admits exactly
    the tokens its definition admits: in the slang table or the pattern stems, holding a
    compound key, a hyphenated token with a part that could stem to a pattern stem, or
    a token PySastrawi could reduce to a pattern stem that is a root (could_stem_to)."""
    from pathlib import Path

    from citra_eval.normalise import could_stem_to, root_words

    path = (ce.example_path("codebook") if codebook == "example" else
            Path(__file__).parent / "data" / "studies" / "rsud" / "data" / "raw"
            / "codebook.yaml")
    matcher = Matcher.from_codebook(ce.Codebook.load(path))
    tokens = sorted({t.text for text in real_texts(reviews=True)
                     for t in ce.normalise.tokenize(text)})
    got = matcher._candidates(tokens)
    vocab, slang = matcher._vocab, matcher.normaliser.slang_table
    compounds = matcher.normaliser.compound_table
    tails: dict[str, frozenset[str]] = {}
    for v in vocab:
        if v in root_words():
            tails[v[1:]] = tails.get(v[1:], frozenset()) | {v[0]}

    def plain(u):
        if u in slang or u in vocab or any(k in u for k in compounds):
            return True
        if "-" in u:
            return any("-" in v for v in vocab) or any(
                p in slang or p in vocab or could_stem_to(p, tails) for p in u.split("-"))
        return could_stem_to(u, tails)

    assert got == [plain(u) for u in tokens]
    assert 100 < sum(got) < len(tokens) // 10


def _plain_phrase_hits(matcher: Matcher, units) -> list[tuple]:
    """Phrase hits the straightforward way: every token of every turn normalised, the stem
    list cut at sentence ends, every phrase pattern's stems searched in every piece."""
    terminators = set(".!?…")
    phrases = [(p.code, p.text, matcher.normaliser.phrase(p.text)) for p in matcher.patterns
               if p.kind == "phrase"]
    out = []
    for u in units.itertuples(index=False):
        folded = ce.normalise.fold_case(u.text)
        toks = ce.normalise.tokenize(u.text)
        pieces, piece = [], []
        for k, t in enumerate(toks):
            if k and terminators & set(folded[toks[k - 1].end:t.start]):
                pieces.append(piece)
                piece = []
            piece += [(s, k) for s in matcher.normaliser.expand(t.text)]
        pieces.append(piece)
        for piece in pieces:
            stems = [s for s, _ in piece]
            for code, text, key in phrases:
                for i in range(len(stems) - len(key) + 1):
                    if tuple(stems[i:i + len(key)]) == key:
                        first, last = toks[piece[i][1]], toks[piece[i + len(key) - 1][1]]
                        out.append((u.doc_id, u.segment_id, code, text,
                                    u.start + first.start, u.start + last.end))
    return sorted(out)


def test_phrase_hits_are_those_of_the_plain_search_on_real_text():
    """The matcher's phrase hits (candidate filter, one automaton over the runs of pattern
    stems, sentence and turn breaks) are exactly those of the plain search, on 3,000 real
    reviews, 1,000 tweets and the example transcripts, with the example codebook."""
    texts = real_texts(reviews=True)
    lines = [" ".join(t.split()) for t in texts[:3000] + texts[11000:12000]]
    body = "".join(f"I: {t}\n" for t in lines if t.strip())
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                   + body})
    example = ce.read_transcripts(ce.example_path("transcripts"))
    matcher = Matcher.from_codebook(ce.Codebook.load(ce.example_path("codebook")))
    for units in (corpus.segments, example.segments):
        hits = matcher.hits(units, negation=False, progress=False)
        hits = hits[hits["kind"] == "phrase"]
        got = sorted(zip(hits["doc_id"], hits["segment_id"], hits["code"], hits["pattern"],
                         hits["start"], hits["end"], strict=True))
        assert got == _plain_phrase_hits(matcher, units)
        assert len(got) > 50


def test_negation_status_is_that_of_the_plain_scan_on_real_text():
    """Every hit's negated/coded status equals a plain per-turn scan: the last negation
    word before the hit's first token, at most NEGATION_WINDOW words before it, no clause
    punctuation or conjunction in between, not followed by a "not only" word, the pattern
    itself holding no negation word. On 3,000 real reviews and 1,000 tweets (many
    negations: tidak, gak, nggak, bukan)."""
    from citra_eval.matching import _word_kinds

    texts = real_texts(reviews=True)
    lines = [" ".join(t.split()) for t in texts[:3000] + texts[11000:12000]]
    body = "".join(f"I: {t}\n" for t in lines if t.strip())
    units = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                  + body}).segments
    matcher = Matcher.from_codebook(ce.Codebook.load(ce.example_path("codebook")))
    hits = matcher.hits(units, progress=False)
    kinds = _word_kinds(matcher.normaliser)
    negates = {(p.code, p.text): p.negates for p in matcher.patterns}
    clause = set(",;:.!?…()")
    texts_by_id = dict(zip(units["segment_id"], units["text"], strict=True))
    starts_by_id = dict(zip(units["segment_id"], units["start"], strict=True))
    plain = []
    for sid, code, pattern, start, rule in zip(hits["segment_id"], hits["code"],
                                               hits["pattern"], hits["start"], hits["rule"],
                                               strict=True):
        text = texts_by_id[sid]
        folded, toks = ce.normalise.fold_case(text), ce.normalise.tokenize(text)
        lo = start - starts_by_id[sid]
        t = next((k for k, tk in enumerate(toks) if tk.end > lo), len(toks) - 1)
        j = max((k for k in range(t) if kinds.get(toks[k].text, 0) & 1), default=-1)
        neg = (j >= 0 and t - j - 1 <= NEGATION_WINDOW and not negates[(code, pattern)]
               and not any(clause & set(folded[toks[k - 1].end:toks[k].start])
                           or kinds.get(toks[k].text, 0) & 2 for k in range(j + 1, t + 1))
               and not (j + 1 < len(toks) and kinds.get(toks[j + 1].text, 0) & 4))
        plain.append("exclude" if rule == "exclude" else "negated" if neg else "coded")
    got = hits["status"].tolist()
    keep = [s != "excluded" for s in got]  # an exclude hit overrides the negation status
    assert [s for s, k in zip(got, keep, strict=True) if k] == [
        s for s, k in zip(plain, keep, strict=True) if k]
    assert 20 < plain.count("negated") < len(plain) // 2


def test_hits_in_chunks_are_the_hits_in_one(monkeypatch):
    """A long text is matched in chunks of whole turns (bounded memory): with chunks of a
    few turns, every hit and status is the same as in one chunk (on real reviews)."""
    from citra_eval import matching

    lines = [" ".join(t.split()) for t in real_texts(reviews=True)[:800]]
    body = "".join(f"I: {t}\n" for t in lines if t.strip())
    units = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                  + body}).segments
    book = ce.Codebook.load(ce.example_path("codebook"))
    whole = Matcher.from_codebook(book).hits(units, progress=False)
    assert matching.chunk_bounds(units["text"].str.len().to_numpy() + 1,
                            matching.CHUNK_CHARS) == [(0, len(units))]
    monkeypatch.setattr(matching, "CHUNK_CHARS", 1_000)
    assert len(matching.chunk_bounds(units["text"].str.len().to_numpy() + 1, 1_000)) > 50
    chunked = Matcher.from_codebook(book).hits(units, progress=False)
    pd.testing.assert_frame_equal(chunked, whole)
    assert len(whole) > 100 and (whole["status"] == "negated").any()


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab 1.,;!?…\n(x)-’😀")), max_size=40),
                min_size=1, max_size=30))
@settings(max_examples=200, deadline=None)
def test_token_gaps_and_segments_follow_their_definition(turns):
    """Per pair of neighbouring tokens, punctuation in the gap between them (clause marks;
    sentence terminators), and each token's segment: as defined by plain scans."""
    from citra_eval.matching import _PUNCT_TABLE, _ChunkTokens
    from citra_eval.normalise import codepoints, factorize_tokens, token_arrays

    folded = ce.normalise.fold_case("\n".join(turns)) + " " * 600  # the numpy tokeniser
    starts, ends, tokens, _ = token_arrays(folded)
    lengths = [len(t) + 1 for t in turns]
    seg_base = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    tok = _ChunkTokens(starts, ends, seg_base, codepoints(folded), *factorize_tokens(tokens))
    kind = [int(_PUNCT_TABLE[ord(c)]) if ord(c) < len(_PUNCT_TABLE) else 0 for c in folded]
    gaps = [kind[a:b] for a, b in zip(ends[:-1].tolist(), starts[1:].tolist(), strict=True)]
    assert tok.gaps[0].tolist() == [any(g) for g in gaps]
    assert tok.gaps[1].tolist() == [2 in g for g in gaps]
    assert tok.seg_of.tolist() == [max(i for i, b in enumerate(seg_base.tolist()) if b <= s)
                                   for s in starts.tolist()]


# a word as web text and other systems write it: invisible characters inside, decomposed
# accents, fullwidth letters; an emoji (two UTF-16 units, one code point) before it
_WRITTEN = {"makanan": ["makanan", "ma\u200bkanan", "ma\u00adkanan", "ma\u2060kanan",
                        "ma\u200dka\ufeffnan", "ma\u200ekanan", "mak\u202ban\u202can",
                        "ma\u2067ka\u200fnan", "\uff2d\uff21\uff2b\uff21\uff2e\uff21\uff2e"],
            "kafe": ["cafe\u0301", "caf\u00e9"]}


@pytest.mark.parametrize("lead", ["", "😀🤝🏽 ", "x" * 600 + " "])  # short and bulk paths
def test_patterns_match_words_with_invisible_characters_and_other_forms(lead):
    body = "".join(f"U: {lead}{w} enak\n" for forms in _WRITTEN.values() for w in forms)
    corpus = ce.Corpus.from_texts({"x.txt": "---\nid: D1\nspeakers: {U: informant}\n---\n"
                                   + body})
    book = ce.Codebook.from_dict({"codebook": "x", "language": "id", "codes": [
        {"id": "makanan", "label": {"id": "Makanan", "en": "Food"}, "patterns": ["makanan"]},
        {"id": "kafe", "label": {"id": "Kafe", "en": "Cafe"}, "patterns": ["caf\u00e9"]}]})
    got = ce.autocode(corpus, book)
    text = corpus.text("D1")
    segs = corpus.segments.set_index("segment_id")["text"]
    for code, forms in _WRITTEN.items():
        rows = got[got["code"] == code]
        assert sorted(rows["evidence"]) == sorted(forms)  # as written, invisible ones kept
        # offsets are sacred: every span slices the original text (its turn)
        assert [text[s:e] for s, e in zip(rows["start"], rows["end"], strict=True)] \
            == segs[rows["segment_id"]].tolist()
        assert all(f"{lead}{w} enak" in segs.tolist() for w in forms)
    words = ce.word_frequencies(corpus, stopwords=False).set_index("word")["count"]
    assert words["makanan"] == len(_WRITTEN["makanan"]) and "ma" not in words
    assert words["caf\u00e9"] == 2 and "kanan" not in words


# invisible characters as chats, word processors and PDFs leave them inside words
_INVISIBLES = {"zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "word joiner": "\u2060",
               "soft hyphen": "\u00ad", "bom": "\ufeff", "lrm": "\u200e", "rlm": "\u200f",
               "alm": "\u061c", "rle": "\u202b", "pdf": "\u202c", "rlo": "\u202e",
               "lri": "\u2066", "pdi": "\u2069"}
_RX = [("rx_layanan", r"pelayanan publik", "regex"),          # anchored by its literal
       ("rx_kerja", r"\bkerja\s?sama\b", "regex"),            # anchored by "kerja"
       ("rx_kerja_i", r"(?i)kerja sama", "regex")]            # unanchored: scans every turn


def _invisible_hits(lead: str, c: str):
    turns = [f"{lead}Pelayanan{c} publik bagus.", f"{lead}Ker{c}ja sama{c} dengan desa.",
             f"{lead}pelayanan pub{c}{c}lik dan kerja\u200b{c}sama."]
    corpus = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n"
                                   + "".join(f"I: {t}\n" for t in turns)})
    return corpus, Matcher.from_patterns(_RX).hits(corpus.segments, negation=False)


@pytest.mark.parametrize("lead", ["", "😀🤝🏽 ", "x" * 600 + " "])  # short and bulk paths
@pytest.mark.parametrize("name", list(_INVISIBLES))
def test_regex_patterns_match_past_invisible_characters(name, lead):
    corpus, hits = _invisible_hits(lead, _INVISIBLES[name])
    text = corpus.text("D")
    visible = {c: {re.sub(f"[{''.join(_INVISIBLES.values())}]", "", m).lower()
                   for m in hits.loc[hits["code"] == c, "matched_text"]}
               for c, _, _ in _RX}
    assert visible == {"rx_layanan": {"pelayanan publik"}, "rx_kerja": {"kerja sama", "kerjasama"},
                       "rx_kerja_i": {"kerja sama"}}
    assert hits.groupby("code").size().to_dict() == {"rx_layanan": 2, "rx_kerja": 2,
                                                     "rx_kerja_i": 1}
    # offsets are sacred: each span slices the original text, invisible characters included,
    # and starts and ends on a visible character
    for s, e, m in zip(hits["start"], hits["end"], hits["matched_text"], strict=True):
        assert text[s:e] == m
        assert text[s] not in _INVISIBLES.values() and text[e - 1] not in _INVISIBLES.values()
    assert any(_INVISIBLES[name] in m for m in hits["matched_text"])


_VISIBLE_WORDS = [w for w in WORDS if w not in ("😀", "İ")] + ["😀", "İ", "🤝🏽"]


@given(st.lists(st.lists(st.tuples(st.sampled_from(_VISIBLE_WORDS),
                                   st.sampled_from(["", *_INVISIBLES.values()]),
                                   st.integers(0, 12)),
                         min_size=0, max_size=12), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_regexes_find_on_text_with_invisible_characters_what_they_find_without(turns):
    """A regex's hits on a turn are its hits on the turn without its invisible characters,
    put back on the original characters; a turn without any gives the plain scan's hits."""
    texts = [" ".join(w[:k] + c + w[k:] for w, c, k in t) for t in turns]
    matcher = Matcher.from_patterns([("c", r, "regex") for r in REGEXES])
    units = ce.Corpus.from_texts({"d.txt": "---\nid: D\nspeakers: {I: informant}\n---\n" + "".join(
        f"I: {t}\n" for t in texts if t.strip())}).segments
    got = matcher.hits(units, negation=False)
    drop = set(_INVISIBLES.values())
    full = []
    for u in units.itertuples(index=False):
        where = [i for i, ch in enumerate(u.text) if ch not in drop]
        folded = ce.normalise.fold_case("".join(u.text[i] for i in where))
        for r in REGEXES:
            full += [(u.segment_id, r, u.start + where[m.start()], u.start + where[m.end() - 1] + 1)
                     for m in re.finditer(r, folded) if m.end() > m.start()]
    assert sorted(zip(got["segment_id"], got["pattern"], got["start"], got["end"],
                      strict=True)) == sorted(full)


# accents as macOS, some keyboards and web pages write them: decomposed (NFD: "e" + U+0301)
# or composed (NFC: "é"), in the text and in the pattern alike
_ACCENT_RX = [("kafe", "caf\u00e9\\b"),            # anchored by its literal
              ("reni", "(?i)r\u00e9ni"),             # unanchored: scans every turn
              ("viet", "vi\u1ec7t")]                 # two marks, in either order in the text


@pytest.mark.parametrize("lead", ["", "😀🤝🏽 ", "x" * 600 + " "])  # short and bulk paths
@pytest.mark.parametrize("text_form", ["NFC", "NFD"])
@pytest.mark.parametrize("pattern_form", ["NFC", "NFD"])
def test_regex_patterns_match_accents_in_either_normal_form(pattern_form, text_form, lead):
    """A regex written with "é" found no "e" + U+0301 in the text, and the other way round;
    the hits slice the original text, whole accented letters included."""
    turns = [f"{lead}Kami ke CAFE\u0301 itu 😀\r\nRe\u0301ni\u200e bilang cafe\u0301s",
             f"{lead}Tie\u0302\u0323ng vie\u0323\u0302t, vie\u0302\u0323t\r\n", "cafe re\u0301"]
    turns = [unicodedata.normalize(text_form, t) for t in turns]
    units = pd.DataFrame({"doc_id": "D", "segment_id": range(3), "text": turns,
                          "start": np.cumsum([0] + [len(t) + 1 for t in turns[:-1]])})
    text = "\n".join(turns)
    matcher = Matcher.from_patterns([(c, unicodedata.normalize(pattern_form, p), "regex")
                                     for c, p in _ACCENT_RX])
    hits = matcher.hits(units, negation=False)
    found = [(c, unicodedata.normalize("NFC", text[s:e].replace("\u200e", "")).lower())
             for c, s, e in zip(hits["code"], hits["start"], hits["end"], strict=True)]
    assert found == [("kafe", "caf\u00e9"), ("reni", "r\u00e9ni"), ("viet", "vi\u1ec7t"),
                     ("viet", "vi\u1ec7t")]
    assert hits["matched_text"].tolist() == [text[s:e] for s, e in
                                             zip(hits["start"], hits["end"], strict=True)]
    assert all(not unicodedata.combining(text[e]) for e in hits["end"] if e < len(text))


_ACCENTED_WORDS = ["caf\u00e9", "cafe\u0301", "CAFE\u0301", "r\u00e9ni", "re\u0301ni",
                   "vie\u0323\u0302t", "vie\u0302\u0323t", "vi\u1ec7t", "\u212bngstr\u00f6m",
                   "A\u030angstro\u0308m", "cafe", "kerja", "sama", "😀", "🤝🏽", "\u0301",
                   "e\r\n\u0301"]
# (an escaped mark after its letter, r"re\u0301ni", is refused: test_codebook.py)
_ACCENTED_REGEXES = [r"caf\u00e9\b", "(?i)re\u0301ni", r"vi\u1ec7t|\u00e5ng", r"kerja\s?sama",
                     r"caf.", r"\b\w+\u00f6m", "\u0301", r"e\b"]


@given(st.lists(st.lists(st.tuples(st.sampled_from(_ACCENTED_WORDS),
                                   st.sampled_from(["", "\u200b", "\u00ad", "\u200f", "\u2066"]),
                                   st.integers(0, 12)),
                         min_size=0, max_size=10), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_regexes_find_on_decomposed_text_what_they_find_on_its_nfc(turns):
    """A regex's hits on a turn are its hits on the turn's NFC without invisible
    characters, each put back on the original characters it was composed from."""
    from citra_eval.normalise import INVISIBLE

    texts = [" ".join(w[:k] + c + w[k:] for w, c, k in t) for t in turns]
    texts = [t + " " * 600 if i == 0 else t for i, t in enumerate(texts)]  # the bulk path too
    units = pd.DataFrame({"doc_id": "D", "segment_id": range(len(texts)), "text": texts,
                          "start": np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])})
    regexes = [unicodedata.normalize("NFC", r) for r in _ACCENTED_REGEXES]
    got = Matcher.from_patterns([("c", r, "regex") for r in regexes]).hits(units,
                                                                           negation=False)
    text = "\n".join(texts)

    def seen(s: str) -> str:
        return unicodedata.normalize("NFC", "".join(
            c for c in ce.normalise.fold_case(s) if c not in INVISIBLE))

    expected = sorted((u, r, m.group()) for u, t in enumerate(texts) for r in regexes
                      for m in re.finditer(r, seen(t)) if m.end() > m.start())
    assert sorted(zip(got["segment_id"], got["pattern"], (seen(text[s:e]) for s, e in zip(
        got["start"], got["end"], strict=True)), strict=True)) == expected
    for s, e in zip(got["start"], got["end"], strict=True):
        assert text[s] not in INVISIBLE and text[e - 1] not in INVISIBLE
