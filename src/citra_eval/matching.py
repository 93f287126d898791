"""Pattern matching: compile a codebook's patterns once, find every hit in a corpus.

Phrase patterns match on normalised, stemmed token sequences (see :mod:`citra_eval.normalise`),
so ``kerja sama`` finds *bekerja sama*, *kerjasama*, *bekerjasama* and *dikerjasamakan*, and
``media sosial`` finds *medsos*. ``{regex: ...}`` patterns run on the case-folded text without
its invisible characters (as the tokens skip them) and in Unicode normal form C, as the regex
itself (``é`` finds ``e`` + U+0301 and the other way round); their hits are offsets into the
original.

How matching works (exact, every hit, linear in the text):

1. the selected segments are joined and case-folded (length preserving) and tokenised in
   bulk with numpy; each *unique* token is normalised and stemmed once;
2. every stem that occurs in some phrase pattern gets a small integer id, every other stem
   the id "other"; the token stream becomes a string with one character per stem, with a
   boundary character between segments and after sentence ends (``. ! ? …``), so a phrase
   never spans two turns or two sentences;
3. an Aho–Corasick automaton (pyahocorasick) built from the phrase patterns' id strings
   reports every occurrence of every pattern in one pass — overlapping hits and hits of
   different codes on the same words included (one regex alternation would report only one);
4. each ``{regex}`` pattern runs over the case-folded text of the segments that contain one
   of the literal strings every match of it must contain (found for all regexes at once by
   a second automaton); a hit crossing a segment boundary is dropped;
5. every hit is then given a status: ``coded``; ``negated`` when a negation word (*tidak,
   bukan, belum, jangan, kada, nggak, ...*) stands at most :data:`NEGATION_WINDOW` words
   before it in the same clause (a comma, a sentence end or *tapi/namun/melainkan* closes the
   clause; *tidak hanya / bukan cuma ...* "not only" is no negation; a pattern that itself
   contains a negation word is never negated); ``excluded`` when it overlaps a hit of one of
   its code's ``exclude_patterns``; ``exclude`` for the exclude pattern's own hit.

This module knows nothing of codebooks or corpora beyond their attributes, so the codebook
can use it (:meth:`citra_eval.Codebook.lint`) without an import cycle.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._progress import progress_bar
from ._validation import check_bool, check_choice, regex_hazard
from .normalise import (
    MAX_PREFIX,
    SUFFIX_COMBOS,
    Normaliser,
    canonical_regex,
    codepoints,
    core_ok,
    could_stem_to,
    fold_case,
    prefix_table,
    regex_composition_problem,
    root_words,
    token_ids,
    tokenize,
    visible_view,
)

__all__ = [
    "CONJUNCTIONS",
    "HIT_COLUMNS",
    "NEGATION_WINDOW",
    "NEGATORS",
    "NOT_ONLY",
    "Matcher",
]

HIT_COLUMNS = ["doc_id", "segment_id", "code", "pattern", "kind", "start", "end",
               "matched_text", "rule", "status"]
#: Standard forms of negation words; every slang word that expands to one of them (``gak``,
#: ``nggak``, ``kada``, ``ndak``, ...) negates too.
NEGATORS = frozenset({"tidak", "tak", "bukan", "belum", "jangan", "tiada"})
#: Words that close a negation's scope (besides ``, ; : . ! ? …`` and the end of a turn).
CONJUNCTIONS = frozenset({"tetapi", "tapi", "namun", "melainkan", "sedangkan", "padahal",
                          "sementara", "walaupun", "meskipun"})
#: A negation word followed by one of these is "not only ...", not a negation.
NOT_ONLY = frozenset({"hanya", "cuma", "sekadar", "sekedar", "saja"})
#: At most this many words may stand between a negation word and the hit it negates
#: ("ulun *kada* pernah ikut *Bamara*": two).
NEGATION_WINDOW = 3
_OTHER, _BOUNDARY, _FIRST_ID = 0, 1, 2
_JOIN = "\n"
#: Characters matched at once (whole turns): what bounds the memory on a long text.
CHUNK_CHARS = 4_000_000
_CLAUSE_PUNCT = (44, 59, 58, 46, 33, 63, 0x2026, 40, 41)  # , ; : . ! ? … ( )
_TERMINATORS = (46, 33, 63, 0x2026)  # . ! ? …
# lookup table over code points: 1 clause punctuation, 2 a sentence terminator (which also
# closes a clause); the last entry, for every higher code point, is 0
_PUNCT_TABLE = np.zeros(0x2028, dtype=np.uint8)
_PUNCT_TABLE[list(_CLAUSE_PUNCT)] = 1
_PUNCT_TABLE[list(_TERMINATORS)] = 2



@dataclass
class _Pattern:
    code: str
    text: str
    kind: str
    rule: str = "include"  # or "exclude"
    key: str | None = None  # phrase: the id string
    regex: object = None
    negates: bool = False  # the pattern itself holds a negation word


@dataclass
class Matcher:
    """A compiled codebook: normaliser, phrase automaton, regexes, negation words.

    Build it once with :meth:`from_codebook` (or :meth:`from_patterns`) and reuse it; the
    normaliser caches stems across calls.

    Attributes
    ----------
    normaliser : Normaliser
    patterns : list
        The compiled patterns (``code, text, kind, rule``).
    codes : list of str
        Codes in codebook order (every codable code, with or without patterns).
    labels : dict
        ``{code: label}`` in the codebook language (the id where there is no codebook).

    Examples
    --------
    >>> import citra_eval as ce
    >>> matcher = ce.Matcher.from_codebook(ce.Codebook.load(ce.example_path("codebook")))
    >>> list(matcher.pattern_table.columns)
    ['code', 'pattern', 'kind', 'rule']
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> hits = matcher.hits(corpus.segments.head(3), progress=False)
    >>> list(hits.columns)
    ['doc_id', 'segment_id', 'code', 'pattern', 'kind', 'start', 'end', 'matched_text', \
'rule', 'status']
    """
    normaliser: Normaliser
    patterns: list[_Pattern]
    codes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    _vocab: dict[str, int] = field(default_factory=dict, repr=False)
    _automaton: object = field(default=None, repr=False)
    _anchors: object = field(default=None, repr=False)
    _tails: object = field(default=None, repr=False)
    _token_ids: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _token_kind: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_codebook(cls, codebook, **normaliser_options) -> Matcher:
        """Compile the patterns and exclude patterns of every codable code of ``codebook``."""
        norm = Normaliser.for_codebook(codebook, **normaliser_options)
        items = []
        for c in codebook:
            if c.codable:
                items += [(c.id, p.text, p.kind, "include") for p in c.patterns]
                items += [(c.id, p.text, p.kind, "exclude")
                          for p in getattr(c, "exclude_patterns", ())]
        out = cls.from_patterns(items, normaliser=norm)
        out.codes = list(codebook.codable_ids)
        out.labels = {c: codebook.label(c) for c in out.codes}
        return out

    @classmethod
    def from_patterns(cls, items: Iterable[tuple[str, ...]], *,
                      normaliser: Normaliser | None = None) -> Matcher:
        """Compile ``(code, pattern text, kind[, rule])`` tuples.

        ``kind`` is ``phrase`` or ``regex``; ``rule`` is ``include`` (default) or ``exclude``
        (a hit of an exclude pattern suppresses the code's hits it overlaps).
        """
        import ahocorasick

        norm = normaliser or Normaliser()
        vocab: dict[str, int] = {}
        patterns: list[_Pattern] = []
        groups: dict[str, list[int]] = {}
        negators = _negation_forms(norm)
        for item in items:
            code, text, kind = item[:3]
            rule = item[3] if len(item) > 3 else "include"
            check_choice(rule, "pattern rule", ("include", "exclude"))
            check_choice(kind, "pattern kind", ("phrase", "regex"))
            if kind == "regex":
                try:  # NFC, straight apostrophes: as the text it runs on (visible_view)
                    rx = re.compile(canonical_regex(text))
                except re.error as exc:
                    raise ValueError(f"regex pattern {text!r} of code {code!r} is invalid: "
                                     f"{exc}") from None
                hazard = regex_hazard(text) or regex_composition_problem(text)
                if hazard:
                    raise ValueError(f"regex pattern {text!r} of code {code!r} is refused: "
                                     f"{hazard}")
                words = re.findall(r"[^\W\d_]+", text.lower())
                patterns.append(_Pattern(code, text, kind, rule, regex=rx,
                                         negates=any(w in negators for w in words)))
                continue
            stems = norm.phrase(text)
            if not stems:
                continue  # a phrase of punctuation only can never match a token
            ids = [vocab.setdefault(s, len(vocab) + _FIRST_ID) for s in stems]
            key = _id_string(np.asarray(ids, dtype=np.int64))
            negates = any(w in negators for w in fold_case(text).split())
            patterns.append(_Pattern(code, text, kind, rule, key=key, negates=negates))
            groups.setdefault(key, []).append(len(patterns) - 1)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
        for key, idx in groups.items():
            automaton.add_word(key, (len(key), tuple(idx)))
        if groups:
            automaton.make_automaton()
        codes = list(dict.fromkeys(p.code for p in patterns))
        return cls(norm, patterns, codes, {c: c for c in codes}, vocab,
                   automaton if groups else None)

    # ------------------------------------------------------------------ matching
    def hits(self, units: pd.DataFrame, texts: Sequence[str] | None = None, *,
             progress: bool | None = None, negation: bool = True) -> pd.DataFrame:
        """Every pattern hit in ``units`` (rows with ``doc_id, segment_id, start, text``).

        ``start`` is the unit's offset in its document; hits get document offsets.
        Returns the :data:`HIT_COLUMNS` table in unit order, then by start: ``rule`` is
        ``include`` or ``exclude`` (the pattern's list), ``status`` one of ``coded``,
        ``negated`` (only when ``negation`` is on), ``excluded`` and ``exclude`` (see the
        module notes).
        """
        check_bool(progress, "progress", allow_none=True)
        check_bool(negation, "negation")
        seg_texts = units["text"].tolist() if texts is None else list(texts)
        n = len(seg_texts)
        lengths = np.fromiter(map(len, seg_texts), dtype=np.int64, count=n)
        bounds = chunk_bounds(lengths + 1, CHUNK_CHARS)
        parts = []
        bar = progress_bar(int(lengths.sum()), progress, desc="auto-coding")
        try:
            for a, b in bounds:
                parts.append(self._chunk_hits(seg_texts[a:b], lengths[a:b], a,
                                              negation=negation))
                if bar is not None:
                    bar.update(int(lengths[a:b].sum()))
        finally:
            if bar is not None:
                bar.close()
        cols = [np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, np.int64)
                for k in range(5)]
        unit_idx, pat_idx, lo, hi, neg = cols
        order = np.lexsort((pat_idx, hi, lo, unit_idx))
        unit_idx, pat_idx, lo, hi = unit_idx[order], pat_idx[order], lo[order], hi[order]
        neg = neg[order].astype(bool)
        base = units["start"].to_numpy(dtype=np.int64)[unit_idx] if n else lo
        matched = [seg_texts[u][a:b] for u, a, b in
                   zip(unit_idx.tolist(), lo.tolist(), hi.tolist(), strict=True)]
        pats = self.patterns
        pat_list = pat_idx.tolist()
        rule = np.array([pats[i].rule for i in pat_list], dtype=object)
        status = np.where(rule == "exclude", "exclude", np.where(neg, "negated", "coded"))
        excl = self._excluded(unit_idx, pat_idx, lo, hi, rule)
        status = np.where(excl, "excluded", status).astype(object)
        return pd.DataFrame({
            "doc_id": units["doc_id"].to_numpy(dtype=object)[unit_idx] if n else [],
            "segment_id": units["segment_id"].to_numpy(dtype=np.int64)[unit_idx] if n else [],
            "code": [pats[i].code for i in pat_list],
            "pattern": [pats[i].text for i in pat_list],
            "kind": [pats[i].kind for i in pat_list],
            "start": base + lo, "end": base + hi, "matched_text": matched,
            "rule": rule, "status": status,
        }, columns=HIT_COLUMNS).astype({"segment_id": "int64", "start": "int64", "end": "int64"})

    def _excluded(self, unit_idx, pat_idx, lo, hi, rule) -> np.ndarray:
        """Include hits overlapping an exclude hit of the same code in the same unit."""
        out = np.zeros(len(unit_idx), dtype=bool)
        is_ex = rule == "exclude"
        if not is_ex.any():
            return out
        number = {c: k for k, c in enumerate(dict.fromkeys(p.code for p in self.patterns))}
        code_of = np.fromiter((number[p.code] for p in self.patterns), dtype=np.int64,
                              count=len(self.patterns))
        key = unit_idx * len(number) + code_of[pat_idx]  # (unit, code)
        ex = np.flatnonzero(is_ex)
        spans: dict[int, list[tuple[int, int]]] = {}
        for k, a, b in zip(key[ex].tolist(), lo[ex].tolist(), hi[ex].tolist(), strict=True):
            spans.setdefault(k, []).append((a, b))
        # only the few include hits sharing a unit and code with an exclude hit are compared
        near = np.flatnonzero(~is_ex & np.isin(key, key[ex]))
        for r, k, a, b in zip(near.tolist(), key[near].tolist(), lo[near].tolist(),
                              hi[near].tolist(), strict=True):
            out[r] = any(a < xe and xs < b for xs, xe in spans[k])
        return out

    def _chunk_hits(self, seg_texts: list[str], lengths: np.ndarray, first: int, *,
                    negation: bool):
        """Hits in one chunk (texts and their lengths): unit index, pattern index, start,
        end within the unit, negated."""
        seg_base, folded, codes, tok = _chunk_tokens(seg_texts, lengths)
        z = np.zeros(0, dtype=np.int64)
        out_u, out_p, out_s, out_e = [], [], [], []
        if self._automaton is not None and tok is not None:
            for arr, out in zip(self._phrase_hits(tok), (out_u, out_p, out_s, out_e),
                                strict=True):
                out.append(arr)
        for i, spans in self._regex_spans(folded, codes, seg_base, lengths, tok):
            arr = np.asarray(spans, dtype=np.int64)
            seg = np.searchsorted(seg_base, arr[:, 0], side="right") - 1
            inside = arr[:, 1] <= seg_base[seg] + lengths[seg]
            arr, seg = arr[inside], seg[inside]
            out_u.append(seg)
            out_p.append(np.full(len(seg), i, dtype=np.int64))
            out_s.append(arr[:, 0] - seg_base[seg])
            out_e.append(arr[:, 1] - seg_base[seg])
        if not out_u:
            return z, z, z, z, z
        u, p = np.concatenate(out_u), np.concatenate(out_p)
        s, e = np.concatenate(out_s), np.concatenate(out_e)
        if negation and tok is not None and len(u):
            neg = self._negated(tok, p, s + seg_base[u])
        else:
            neg = np.zeros(len(u), dtype=np.int64)
        return u + first, p, s, e, neg

    def negated(self, units: pd.DataFrame, hits: pd.DataFrame) -> np.ndarray:
        """Per row of ``hits`` (``doc_id, segment_id, code, pattern, kind, start`` of include
        patterns' hits in ``units``, rows with ``doc_id, segment_id, start, text``): True when
        a negation word governs it, as :meth:`hits` decides with ``negation`` on (a hit of a
        pattern this matcher lacks: False).

        Only the units are tokenised (no pattern is matched again): how a table of hits made
        without negation, or with it, is read with the other choice.
        """
        out = np.zeros(len(hits), dtype=bool)
        if not len(hits) or not len(units):
            return out
        keys = ["doc_id", "segment_id"]
        where = pd.MultiIndex.from_frame(units[keys].astype({"segment_id": "int64"}))
        u = where.get_indexer(pd.MultiIndex.from_frame(
            hits[keys].astype({"segment_id": "int64"})))
        index = {(q.code, q.text, q.kind): i for i, q in enumerate(self.patterns)
                 if q.rule == "include"}
        p = np.fromiter((index.get(k, -1) for k in zip(
            hits["code"].tolist(), hits["pattern"].tolist(), hits["kind"].tolist(),
            strict=True)), dtype=np.int64, count=len(hits))
        offset = (hits["start"].to_numpy(dtype=np.int64)
                  - units["start"].to_numpy(dtype=np.int64)[np.maximum(u, 0)])
        texts = units["text"].tolist()
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        for a, b in chunk_bounds(lengths + 1, CHUNK_CHARS):
            rows = np.flatnonzero((u >= a) & (u < b) & (p >= 0))
            if not len(rows):
                continue
            seg_base, _, _, tok = _chunk_tokens(texts[a:b], lengths[a:b])
            if tok is not None:
                out[rows] = self._negated(tok, p[rows], offset[rows] + seg_base[u[rows] - a]) > 0
        return out

    def _regex_spans(self, folded: str, codes: np.ndarray, seg_base: np.ndarray,
                     lengths: np.ndarray, tok: _ChunkTokens | None):
        """``(pattern index, spans)`` of every regex pattern with at least one match.

        Regexes run on the text as a reader sees it (:func:`~citra_eval.normalise.visible_view`:
        without zero-width characters, soft hyphens and direction marks, which the tokens
        skip too, and in NFC, as the tokens are compared); their spans are put back on the
        original characters. A regex whose every match must
        contain one of a few literal strings (see :func:`required_literals`) runs only over
        the runs of consecutive segments that contain one of them; the others run over the
        whole chunk.
        """
        regexes = [i for i, p in enumerate(self.patterns) if p.kind == "regex"]
        if not regexes:
            return
        if self._anchors is None:
            self._anchors = _anchor_automaton([self.patterns[i] for i in regexes], regexes)
        shown = visible_view(folded, codes)
        view = shown.text
        hiding: list[int] = []
        if shown.starts is not None:  # segments' offsets in the view (no segment boundary,
            # a line break, is ever inside a composed character)
            view_base = np.searchsorted(shown.starts, seg_base)
            view_lengths = np.searchsorted(shown.starts, seg_base + lengths) - view_base
            hiding = np.flatnonzero(view_lengths != lengths).tolist()
            seg_base, lengths = view_base, view_lengths
        where = _anchor_segments(self._anchors, view, seg_base, lengths, tok, hiding)
        for i in regexes:
            rx = self.patterns[i].regex
            if i not in where:
                spans = [m.span() for m in rx.finditer(view) if m.end() > m.start()]
            else:
                spans = []
                for a, b in _runs(sorted(where[i])):
                    lo, hi = int(seg_base[a]), int(seg_base[b] + lengths[b])
                    spans += [m.span() for m in rx.finditer(view, lo, hi)
                              if m.end() > m.start()]
            if spans and shown.starts is not None:  # first and last character of each match
                spans = shown.original(np.asarray(spans, dtype=np.int64))
            if len(spans):
                yield i, spans

    def _phrase_hits(self, tok: _ChunkTokens):
        tok_codes, uniques = tok.codes, tok.uniques
        z = np.zeros(0, dtype=np.int64)
        known = self._token_ids  # token -> stem ids, kept across chunks and calls
        expanded = list(map(known.get, uniques))
        if None in expanded:  # tokens not seen before: the candidate test, then stems
            vocab, expand = self._vocab, self.normaliser.expand
            new = [u for u, e in zip(uniques, expanded, strict=True) if e is None]
            maybe = self._candidates(new)
            known.update(zip(itertools.compress(new, map(operator.not_, maybe)),
                             itertools.repeat((_OTHER,))))
            for u in itertools.compress(new, maybe):
                known[u] = tuple(vocab.get(s, _OTHER) for s in expand(u))
            expanded = list(map(known.__getitem__, uniques))
        lens = np.fromiter(map(len, expanded), dtype=np.int64, count=len(expanded))
        flat = np.fromiter(itertools.chain.from_iterable(expanded), dtype=np.int64,
                           count=int(lens.sum()))
        offs = np.concatenate(([0], np.cumsum(lens)[:-1]))
        if (lens == 1).all():
            ids = flat[tok_codes]
            src = np.arange(len(tok_codes), dtype=np.int64)
        else:
            per_tok = lens[tok_codes]
            src = np.repeat(np.arange(len(tok_codes), dtype=np.int64), per_tok)
            first_pos = np.cumsum(per_tok) - per_tok
            within = np.arange(len(src), dtype=np.int64) - np.repeat(first_pos, per_tok)
            ids = flat[offs[tok_codes[src]] + within]
        # a break before a token: a new segment, or a sentence terminator in the gap
        starts, ends, seg_of = tok.starts, tok.ends, tok.seg_of
        brk = np.zeros(len(starts), dtype=bool)
        brk[1:] = tok.gaps[1] | (seg_of[1:] != seg_of[:-1])
        # a phrase holds pattern stems only: the automaton reads the runs of pattern stems
        # (consecutive stems, no break between their tokens), each after a boundary
        real = np.flatnonzero(ids >= _FIRST_ID)
        if not len(real):
            return z, z, z, z
        rsrc = src[real]
        run = np.ones(len(real), dtype=bool)
        run[1:] = (np.diff(real) > 1) | ((rsrc[1:] != rsrc[:-1]) & brk[rsrc[1:]])
        first = np.flatnonzero(run)
        ids = np.insert(ids[real], first, _BOUNDARY)
        src = np.insert(rsrc, first, -1)
        stream = _id_string(ids)
        ends_pos, vals = [], []
        for end_pos, val in self._automaton.iter(stream):
            ends_pos.append(end_pos)
            vals.append(val)
        if not ends_pos:
            return z, z, z, z
        rows_end, rows_len, rows_pat = [], [], []
        for end_pos, (length, idx) in zip(ends_pos, vals, strict=True):
            for i in idx:
                rows_end.append(end_pos)
                rows_len.append(length)
                rows_pat.append(i)
        e = np.asarray(rows_end, dtype=np.int64)
        first_tok = src[e - np.asarray(rows_len, dtype=np.int64) + 1]
        last_tok = src[e]
        seg = seg_of[first_tok]
        return (seg, np.asarray(rows_pat, dtype=np.int64),
                starts[first_tok] - tok.seg_base[seg], ends[last_tok] - tok.seg_base[seg])

    def _negated(self, tok: _ChunkTokens, p: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """1 where a hit (pattern ``p``, chunk offset ``pos``) is negated.

        The hit's first token ``t`` is negated when the last negation word ``j`` before it
        lies in the same segment and clause, at most :data:`NEGATION_WINDOW` words before
        ``t``, and is not followed by a "not only" word; or when it starts inside a negation
        word that stands for several words, after the negation (*kadada*, "tidak ada": a
        hit of *ada masalah* in *kadada masalah*).
        """
        kinds = self._kinds(tok.uniques)  # per unique: 1 negator, 2 conjunction, 4 not-only
        codes, n = tok.codes, len(tok.codes)
        negators = np.flatnonzero((kinds[codes] & 1) > 0)
        negates = np.fromiter((self.patterns[i].negates for i in p.tolist()), dtype=bool,
                              count=len(p))
        if not len(negators):
            return np.zeros(len(p), dtype=np.int64)
        t = np.minimum(np.searchsorted(tok.ends, pos, side="right"), n - 1)
        # a hit that starts inside a negator standing for several words (kadada: "tidak
        # ada") after its negation: a phrase hit at such a token (a phrase starting at the
        # negation holds it, so never negates), a regex hit past the token's start
        regex = np.fromiter((self.patterns[i].kind == "regex" for i in p.tolist()),
                            dtype=bool, count=len(p))
        inside = ((kinds[codes[t]] & 8) > 0) & (~regex | (pos > tok.starts[t]))
        if n < 2:
            return (inside & ~negates).astype(np.int64)
        last = np.searchsorted(negators, t, side="left") - 1  # the last negator before t
        j = np.where(last >= 0, negators[np.maximum(last, 0)], -1)
        near = (j >= 0) & (t - j - 1 <= NEGATION_WINDOW)
        # no break before any of the tokens j + 1 .. t (at most NEGATION_WINDOW + 1 of them):
        # a new segment, clause punctuation in the gap, a conjunction
        clause_gap, seg_of = tok.gaps[0], tok.seg_of
        broken = np.zeros(len(t), dtype=bool)
        for d in range(1, NEGATION_WINDOW + 2):
            k = np.clip(j + d, 1, n - 1)
            brk = (clause_gap[k - 1] | (seg_of[k] != seg_of[k - 1])
                   | ((kinds[codes[k]] & 2) > 0))
            broken |= near & (j + d <= t) & brk
        after = np.minimum(np.maximum(j, 0) + 1, n - 1)
        negated = (near & ~broken & ~((kinds[codes[after]] & 4) > 0)) | inside
        return (negated & ~negates).astype(np.int64)

    def _kinds(self, uniques: list[str]) -> np.ndarray:
        """Per unique token: 1 negation word, 2 conjunction, 4 "not only" word, 8 a
        negation word that stands for several words (bits; see :func:`_word_kinds`)."""
        known = self._token_kind
        if not known:
            known.update(_word_kinds(self.normaliser))
            known[""] = 0
        return np.fromiter(map(known.get, uniques, itertools.repeat(0)), dtype=np.int64,
                           count=len(uniques))

    def _candidates(self, uniques) -> list[bool]:
        """Which unique tokens could stand for a pattern stem (the rest skip stemming).

        PySastrawi returns either the token itself or the token with a prefix of at most
        ten letters and a closed set of suffixes removed (particles, possessives,
        derivational and foreign suffixes), the first letter possibly changed by nasal
        substitution (*menyampaikan* → *sampai*). So a token can only stem to a pattern stem
        ``v`` if some such core equals ``v`` apart from its first letter. Tokens in the slang
        table, hyphenated tokens and tokens holding a known compound are always normalised
        in full. All other tokens cannot match and map to "other" without calling the
        stemmer: the saving that makes large corpora fast (checked against PySastrawi on
        real Indonesian text in the tests).
        """
        if self._tails is None:
            self._tails = _tail_automaton(self._vocab, self.normaliser)
        if self._tails is False:
            return [False] * len(uniques)
        automaton, tails = self._tails
        slang, vocab = self.normaliser.slang_table, self._vocab
        hyphen_stems = any("-" in v for v in vocab)
        heads = prefix_table()
        joined, ends = _nul_joined(uniques)
        starts = np.concatenate(([0], ends + 1))[:-1]
        out = np.zeros(len(uniques), dtype=bool)
        tailed = np.zeros(len(uniques), dtype=bool)  # holds a stem's tail somewhere
        found = [] if automaton is None else list(automaton.iter(joined))
        result: list[bool]
        if found:
            arr = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64,
                              count=2 * len(found)).reshape(-1, 2)
            tok = np.searchsorted(ends, arr[:, 0], side="left")
            tailed[tok[(arr[:, 1] & 1) > 0]] = True
            j = arr[:, 0] + 1 - starts[tok]
            size = arr[:, 1] >> 2
            i = j - size
            out[tok[(arr[:, 1] & 2) > 0]] = True  # holds a compound: normalise in full
            # a tail at [i, j) with room for the stem's first letter and a short enough head,
            # followed by a suffix combination to the token's end (core_ok's first test)
            core_ends = np.concatenate([ends, [e - k for e, k in suffix_ends().iter(joined)]])
            near = (((arr[:, 1] & 1) > 0) & (i >= 1) & (i <= MAX_PREFIX + 1) & ~out[tok]
                    & np.isin(arr[:, 0] + 1, core_ends))
            result = out.tolist()
            for t, a, b in zip(tok[near].tolist(), i[near].tolist(), j[near].tolist(),
                               strict=True):
                if result[t]:
                    continue
                u = uniques[t]
                # core_ok needs a prefix head before the root (tested first: most fail here)
                if ("-" not in u and (u[:a - 1] in heads or u[:a] in heads)
                        and core_ok(u, a, b, tails[u[a:b]], heads)):
                    result[t] = True
        else:
            result = out.tolist()
        member = set(slang).union(vocab)
        result = [r or u in member for r, u in zip(result, uniques, strict=True)]
        if hyphen_stems:
            parts_ok = None
        else:
            reach: dict[str, bool] = {}

            def parts_ok(part: str) -> bool:
                if part not in reach:
                    reach[part] = could_stem_to(part, tails)
                return reach[part]
        # hyphenated tokens are stemmed part by part: a part must be able to reach a stem
        # (which needs a tail inside it, so a token holding none needs a slang or stem part)
        dashes = np.flatnonzero(codepoints(joined) == 45)
        for t in np.unique(np.searchsorted(ends, dashes)).tolist():
            if not result[t]:
                parts = uniques[t].split("-")
                result[t] = (parts_ok is None or any(map(member.__contains__, parts))
                             or (bool(tailed[t]) and any(map(parts_ok, parts))))
        return result

    @property
    def negation_words(self) -> frozenset[str]:
        """Every case-folded word that negates (standard words and their slang forms)."""
        return _negation_forms(self.normaliser)

    @property
    def not_only_words(self) -> frozenset[str]:
        """Every case-folded word that, after a negation word, makes it "not only ..."
        (:data:`NOT_ONLY` and their slang forms)."""
        return frozenset(w for w, k in _word_kinds(self.normaliser).items() if k & 4)

    @property
    def pattern_table(self) -> pd.DataFrame:
        """``code, pattern, kind, rule`` of every compiled pattern."""
        return pd.DataFrame([(p.code, p.text, p.kind, p.rule) for p in self.patterns],
                            columns=["code", "pattern", "kind", "rule"])


@dataclass(frozen=True)
class _ChunkTokens:
    """The tokens of one chunk of joined, case-folded segments."""
    starts: np.ndarray
    ends: np.ndarray
    seg_base: np.ndarray
    text_codes: np.ndarray
    codes: np.ndarray  # per token: index into uniques
    uniques: list[str]

    @functools.cached_property
    def gaps(self) -> tuple[np.ndarray, np.ndarray]:
        """Per pair of neighbouring tokens: clause punctuation in the gap between them, and
        a sentence terminator there (one pass over the text for both)."""
        codes = self.text_codes
        if codes.dtype != np.uint8:  # one byte per character: every code is in the table
            codes = np.minimum(codes, len(_PUNCT_TABLE) - 1)
        n = len(self.starts)
        if n < 2:
            return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
        kind = _PUNCT_TABLE[codes]
        ppos = np.flatnonzero(kind)
        # each punctuation mark (far fewer than tokens) finds the token starting before it;
        # it lies in the gap after that token unless inside it ("16.00")
        g = np.searchsorted(self.starts, ppos, side="right") - 1
        in_gap = (g >= 0) & (g < n - 1) & (ppos >= self.ends[np.maximum(g, 0)])
        clause, sentence = np.zeros(n - 1, dtype=bool), np.zeros(n - 1, dtype=bool)
        clause[g[in_gap]] = True
        sentence[g[in_gap & (kind[ppos] == 2)]] = True
        return clause, sentence

    @functools.cached_property
    def seg_of(self) -> np.ndarray:
        """Per token: its segment's index in the chunk (computed once, from each segment's
        first token: far fewer segments than tokens)."""
        firsts = np.searchsorted(self.starts, self.seg_base, side="left")
        counts = np.diff(np.append(firsts, len(self.starts)))
        return np.repeat(np.arange(len(self.seg_base), dtype=np.int64), counts)


def _chunk_tokens(seg_texts: list[str], lengths: np.ndarray
                  ) -> tuple[np.ndarray, str, np.ndarray, _ChunkTokens | None]:
    """Segments joined into one case-folded chunk: each segment's offset in it, the text,
    its character codes and its tokens (None when it has none)."""
    seg_base = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
    folded = fold_case(_JOIN.join(seg_texts))
    starts, ends, ids, uniques, codes = token_ids(folded)
    if codes is None:
        codes = codepoints(folded)
    tok = _ChunkTokens(starts, ends, seg_base, codes, ids, uniques) if uniques else None
    return seg_base, folded, codes, tok


def _negation_forms(norm: Normaliser) -> frozenset[str]:
    """Every case-folded word that negates: the standard words and their slang forms."""
    return frozenset(w for w, k in _word_kinds(norm).items() if k & 1)


def _word_kinds(norm: Normaliser) -> dict[str, int]:
    """``{word: bits}``: 1 negation word, 2 conjunction, 4 "not only" word, slang included;
    8 a slang negation word whose expansion goes on after the negation (Banjar *kadada*,
    "tidak ada"): what starts inside it is negated."""
    out: dict[str, int] = {}
    for bit, words in ((1, NEGATORS), (2, CONJUNCTIONS), (4, NOT_ONLY)):
        for w in words:
            out[w] = out.get(w, 0) | bit
    for word, standard in norm.slang_table.items():
        first, *rest = standard.split() or [""]
        for bit, words in ((1, NEGATORS), (2, CONJUNCTIONS), (4, NOT_ONLY)):
            if first in words:
                out[word] = out.get(word, 0) | bit
        if first in NEGATORS and rest:
            out[word] |= 8
    return out


def _anchor_segments(anchors: _Anchors, folded: str, seg_base: np.ndarray,
                     lengths: np.ndarray, tok: _ChunkTokens | None,
                     hiding: Sequence[int] = ()) -> dict[int, set[int]]:
    """``{anchored regex index: segments holding one of its literals}``.

    ``folded`` is the text the regexes run on (``seg_base`` and ``lengths`` are offsets in
    it); the segments ``hiding`` invisible characters, which it leaves out, are split into
    tokens otherwise than it, so the literals are looked for in their text instead.
    """
    where: dict[int, set[int]] = {i: set() for i in anchors.anchored}

    def add(seg: int, regexes: tuple[int, ...]) -> None:
        for i in regexes:
            where[i].add(seg)

    def add_found(found: list, offset: int = 0) -> None:
        if found:
            at = np.fromiter((e for e, _ in found), dtype=np.int64, count=len(found)) + offset
            segs = (np.searchsorted(seg_base, at, side="right") - 1).tolist()
            for seg, (_, regexes) in zip(segs, found, strict=True):
                add(seg, regexes)

    if anchors.pieces is not None and tok is not None:
        uniques = tok.uniques
        joined, ends = _nul_joined(uniques)
        found = list(anchors.pieces.iter(joined))
        if found:
            at = np.fromiter((e for e, _ in found), dtype=np.int64, count=len(found))
            lits_of: dict[int, set[int]] = {}
            for u, (_, ids) in zip(np.searchsorted(ends, at).tolist(), found, strict=True):
                lits_of.setdefault(u, set()).update(ids)
            flag = np.zeros(len(uniques), dtype=bool)
            flag[list(lits_of)] = True
            hit = np.flatnonzero(flag[tok.codes])
            seen: set[tuple[int, int]] = set()
            for seg, u in zip(tok.seg_of[hit].tolist(), tok.codes[hit].tolist(), strict=True):
                for lit_id in lits_of[u]:
                    if (lit_id, seg) in seen:
                        continue
                    seen.add((lit_id, seg))
                    lit, regexes = anchors.literals[lit_id]
                    a = int(seg_base[seg])
                    if anchors.exact[lit_id] or lit in folded[a:a + int(lengths[seg])]:
                        add(seg, regexes)
    # (without tokens no literal with a token can occur)
    if anchors.text is not None:
        add_found(list(anchors.text.iter(folded)))
    if anchors.tokened is not None:
        for a, b in _runs(hiding):  # (a slice: the automaton copies the string it reads)
            lo, hi = int(seg_base[a]), int(seg_base[b] + lengths[b])
            add_found(list(anchors.tokened.iter(folded[lo:hi])), lo)
    return where


def _nul_joined(words: list[str]) -> tuple[str, np.ndarray]:
    """``words`` each followed by ``"\0"``, as one string (for an automaton pass over all of
    them), and the offset of each word's ``"\0"`` in it (int64)."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words)) + 1
    return "\0".join(words) + "\0", np.cumsum(lengths) - 1


def _runs(sorted_ids: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive integers as ``(first, last)``."""
    out: list[tuple[int, int]] = []
    for i in sorted_ids:
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


@dataclass(frozen=True)
class _Anchors:
    """Where the anchored regexes can match: the literals every match of a regex must
    contain (:func:`required_literals`), found through the tokens or in the text.

    ``pieces`` finds, in the unique tokens, the longest token of each literal that is
    case-folded and holds no line break: any occurrence of such a literal lies in one
    segment, and its longest token inside one of that segment's tokens; ``exact`` marks
    the literals that are that token (no check of the segment's text needed). ``text``
    finds the other literals in the text itself, and ``tokened`` the literals of ``pieces``
    in the text of a segment whose tokens do not show them (one hiding invisible characters).
    """
    anchored: list[int]
    literals: list[tuple[str, tuple[int, ...]]]  # literal, regex indices
    exact: list[bool]
    pieces: object  # automaton: longest token -> literal ids, or None
    text: object  # automaton: literal -> regex indices, or None
    tokened: object  # automaton: literal of ``pieces`` -> regex indices, or None


def _anchor_automaton(regex_patterns: list[_Pattern], indices: list[int]) -> _Anchors:
    """The :class:`_Anchors` of the regexes; a regex without required literals (or with
    case-insensitive parts) is not anchored and runs over all the text."""
    import ahocorasick

    table: dict[str, list[int]] = {}
    anchored = []
    for pat, i in zip(regex_patterns, indices, strict=True):
        lits = required_literals(pat.regex)
        if lits is None:
            continue
        anchored.append(i)
        for lit in lits:
            table.setdefault(lit, []).append(i)
    literals, exact, by_piece, in_text = [], [], {}, {}
    for lit, idx in table.items():
        toks = [t.text for t in tokenize(lit)] if fold_case(lit) == lit and "\n" not in lit \
            else []
        if toks:
            piece = max(toks, key=len)
            by_piece.setdefault(piece, []).append(len(literals))
            literals.append((lit, tuple(idx)))
            exact.append(piece == lit)
        else:
            in_text[lit] = tuple(idx)

    def automaton(items):
        if not items:
            return None
        out = ahocorasick.Automaton(ahocorasick.STORE_ANY)
        for key, value in items.items():
            out.add_word(key, tuple(value))
        out.make_automaton()
        return out

    return _Anchors(anchored, literals, exact, automaton(by_piece), automaton(in_text),
                    automaton(dict(literals)))


#: At most this many strings in a literal set built by expanding a regex's alternatives.
_MAX_EXPANSION = 32
#: A character class of at most this many plain characters is expanded (``[ck]``).
_MAX_CLASS = 8


def required_literals(regex: re.Pattern, *, min_length: int = 2) -> list[str] | None:
    """Literal strings of which every non-empty match of ``regex`` contains at least one.

    Read from the parsed pattern, the way RE2's prefilter reads it: a part matching one
    of a few known strings (literal characters, small character classes, optional parts,
    alternations of such parts; zero-width assertions add nothing) is expanded into those
    strings, and a sequence of such parts into their concatenations, while there are at
    most :data:`_MAX_EXPANSION` of them. Every match contains one of the strings of each
    expanded run; an alternation requires the union of its branches' requirements, a
    repetition with minimum one its body's. Of the candidate sets, the one whose shortest
    string is longest is returned, without strings that contain another of the set; None
    when there is none of at least ``min_length`` characters or when the pattern ignores
    case anywhere (then it must scan everything).

    Examples
    --------
    >>> required_literals(re.compile(r"\\bbamara\\b|badapatan|bedapatan"))
    ['badapatan', 'bamara', 'bedapatan']
    >>> required_literals(re.compile(r"e-?gov(ernment)?\\b"))
    ['e-gov', 'egov']
    >>> required_literals(re.compile(r"hak (jawab|koreksi)"))
    ['hak jawab', 'hak koreksi']
    >>> required_literals(re.compile(r"(?i)mou")) is None
    True
    """
    try:
        from re import _constants as C
        from re import _parser as P
    except ImportError:  # pragma: no cover - Python < 3.11
        return None
    if regex.flags & re.IGNORECASE:
        return None
    try:
        parsed = P.parse(regex.pattern, regex.flags)
    except Exception:  # pragma: no cover - it compiled, so it parses
        return None

    def info(op, av) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        """``(exact, required)`` of one item: the strings it matches when they are few,
        and a set of which every match contains one (None: unknown)."""
        if op is C.LITERAL:
            return frozenset(chr(av)), None
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # zero-width
            return frozenset([""]), None
        if op is C.IN:
            if len(av) <= _MAX_CLASS and all(o is C.LITERAL for o, _ in av):
                return frozenset(chr(a) for _, a in av), None
            return None, None
        if op is C.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                raise _Caseless
            return seq(av[-1])
        if op is C.ATOMIC_GROUP:
            return seq(av)
        if op is C.BRANCH:
            parts = [seq(b) for b in av[1]]
            exacts = [e for e, _ in parts]
            if all(e is not None for e in exacts):
                union = frozenset().union(*exacts)
                if len(union) <= _MAX_EXPANSION:
                    return union, None
            reqs = [_usable(e) or r for e, r in parts]
            return None, (frozenset().union(*reqs) if all(reqs) else None)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, body = av
            exact, req = seq(body)
            if exact is not None and low == high:
                out = frozenset([""])
                for _ in range(low):
                    out = _cross(out, exact)
                    if out is None:
                        break
                if out is not None:
                    return out, None
            if exact is not None and (low, high) == (0, 1):
                return exact | {""}, None
            return None, ((_usable(exact) or req) if low >= 1 else None)
        return None, None  # any other item: nothing known

    def seq(items) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        cands: list[frozenset[str]] = []
        run: frozenset[str] | None = frozenset([""])
        whole = True  # every item so far expanded (and within the limit)
        for op, av in items:
            exact, req = info(op, av)
            if exact is not None and run is not None:
                joined = _cross(run, exact)
                if joined is not None:
                    run = joined
                    continue
            whole = False
            if run is not None:
                cands.append(run)
            if exact is not None:
                run = exact
            else:
                run = frozenset([""])
                if req is not None:
                    cands.append(req)
        cands.append(run)
        return (run if whole else None), _best(cands)

    try:
        exact, req = seq(parsed)
    except _Caseless:
        return None
    out = _best([x for x in (exact, req) if x is not None])
    if not out or min(map(len, out)) < min_length:
        return None
    return sorted(out)


def _cross(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    """Every concatenation of a string of ``left`` and one of ``right`` (None if too many)."""
    if len(left) * len(right) > _MAX_EXPANSION:
        return None
    return frozenset(a + b for a in left for b in right)


def _usable(strings: frozenset[str] | None) -> frozenset[str] | None:
    """A literal set every match contains one of: None if one of them is empty."""
    return strings if strings and "" not in strings else None


def _best(cands: list[frozenset[str]]) -> frozenset[str] | None:
    """The candidate set whose shortest string is longest (then the smallest), without
    the strings that contain another of the set (the other one is found anyway)."""
    usable = [_minimal(c) for c in cands if _usable(c)]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)))


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


class _Caseless(Exception):
    """A part of the pattern ignores case: no literal prefilter."""


@functools.lru_cache(maxsize=1)
def suffix_ends():
    """Aho–Corasick automaton of PySastrawi's suffix combinations followed by ``"\\0"``
    (a token's end in a ``"\\0"``-joined string), valued by the combination's length."""
    import ahocorasick

    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for suffix in SUFFIX_COMBOS:
        if suffix:
            automaton.add_word(suffix + "\0", len(suffix))
    automaton.make_automaton()
    return automaton


def _tail_automaton(vocab: dict[str, int], normaliser: Normaliser):
    """Aho–Corasick automaton of the vocabulary's stem tails and compound keys."""
    import ahocorasick

    if not vocab:
        return False
    if any(len(v) < 2 for v in vocab):  # a one-letter stem: no cheap test, stem everything
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        automaton.add_word("\0", 2)
        automaton.make_automaton()
        return automaton, {}
    # PySastrawi returns the token itself or a dictionary root: only roots can be reached
    # from other tokens (a token equal to a pattern stem is caught directly)

    roots = root_words()
    tails: dict[str, set[str]] = {}
    for v in vocab:
        if v in roots:
            tails.setdefault(v[1:], set()).add(v[0])
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for k in tails:  # value: key length << 2 | 1 (a tail) | 2 (a compound)
        automaton.add_word(k, len(k) << 2 | 1)
    for k in normaliser.compound_table:
        automaton.add_word(k, automaton.get(k, len(k) << 2) | 2)
    if len(automaton):
        automaton.make_automaton()
    return (automaton if len(automaton) else None), {t: frozenset(f) for t, f in tails.items()}


def _id_string(ids: np.ndarray) -> str:
    """Ids → a string, one character per id (skipping the surrogate range)."""
    chars = ids.astype(np.int64) + 1
    chars = np.where(chars >= 0xD800, chars + 0x800, chars)
    return chars.astype(np.uint32).tobytes().decode("utf-32-le")


def chunk_bounds(sizes: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """``(first, end)`` of consecutive runs of items whose sizes sum to at most ``limit``
    (an item larger than that alone)."""
    if int(sizes.sum()) <= limit:
        return [(0, len(sizes))] if len(sizes) else []
    out, start, acc = [], 0, 0
    for i, s in enumerate(sizes.tolist()):
        if acc and acc + s > limit:
            out.append((start, i))
            start, acc = i, 0
        acc += s
    if start < len(sizes):
        out.append((start, len(sizes)))
    return out
