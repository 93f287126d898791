"""Auto-coding Indonesian transcripts with a codebook, and checking the auto-coder.

Phrase patterns match on normalised, stemmed token sequences (see :mod:`citra_eval.normalise`), so
``kerja sama`` finds *bekerja sama*, *kerjasama*, *bekerjasama* and *dikerjasamakan*, and
``media sosial`` finds *medsos*. ``{regex: ...}`` patterns run on the case-folded text.

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
4. each ``{regex}`` pattern runs once over the joined case-folded text; a hit crossing a
   segment boundary is dropped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._validation import check_type
from .codebook import Codebook
from .codings import CODING_COLUMNS, empty_codings
from .corpus import Corpus
from .normalise import Normaliser, codepoints, fold_case, root_words, sentence_spans, token_arrays

if TYPE_CHECKING:  # for annotations only; keeps the modules free of import cycles
    from .codebook import Codebook
    from .corpus import Corpus


__all__ = [
    "HIT_COLUMNS",
    "Matcher",
    "autocode",
    "autocode_report",
    "evaluate_coder",
    "explain",
    "match_patterns",
]

HIT_COLUMNS = ["doc_id", "segment_id", "code", "pattern", "kind", "start", "end",
               "matched_text"]
EVAL_COLUMNS = ["code", "precision", "recall", "f1", "support", "tp", "fp", "fn"]
_OTHER, _BOUNDARY, _FIRST_ID = 0, 1, 2
_JOIN = "\n"
_CHUNK_CHARS = 4_000_000


# --------------------------------------------------------------------------- matcher


@dataclass
class _Pattern:
    code: str
    text: str
    kind: str
    key: str | None = None  # phrase: the id string
    regex: object = None


@dataclass
class Matcher:
    """A compiled codebook: normaliser, phrase automaton and regexes.

    Build it once with :meth:`from_codebook` (or :meth:`from_patterns`) and reuse it; the
    normaliser caches stems across calls.

    Examples
    --------
    >>> import citra_eval as ce
    >>> matcher = ce.Matcher.from_codebook(ce.Codebook.load(ce.example_path("codebook")))
    >>> list(matcher.pattern_table.columns)
    ['code', 'pattern', 'kind']
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> hits = matcher.hits(corpus.segments.head(3), progress=False)
    >>> list(hits.columns)
    ['doc_id', 'segment_id', 'code', 'pattern', 'kind', 'start', 'end', 'matched_text']
    """
    normaliser: Normaliser
    patterns: list[_Pattern]
    _vocab: dict[str, int] = field(default_factory=dict, repr=False)
    _automaton: object = field(default=None, repr=False)
    _tails: object = field(default=None, repr=False)
    _token_ids: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_codebook(cls, codebook, **normaliser_options) -> Matcher:
        """Compile the patterns of every codable code of ``codebook``."""
        norm = Normaliser.for_codebook(codebook, **normaliser_options)
        items = [(c.id, p.text, p.kind) for c in codebook if c.codable for p in c.patterns]
        return cls.from_patterns(items, normaliser=norm)

    @classmethod
    def from_patterns(cls, items: Iterable[tuple[str, str, str]], *,
                      normaliser: Normaliser | None = None) -> Matcher:
        """Compile ``(code, pattern text, kind)`` triples; kind is ``phrase`` or ``regex``."""
        import re

        import ahocorasick

        norm = normaliser or Normaliser()
        vocab: dict[str, int] = {}
        patterns: list[_Pattern] = []
        groups: dict[str, list[int]] = {}
        for code, text, kind in items:
            if kind == "regex":
                try:
                    rx = re.compile(text)
                except re.error as exc:
                    raise ValueError(f"regex pattern {text!r} of code {code!r} is invalid: "
                                     f"{exc}") from None
                patterns.append(_Pattern(code, text, kind, regex=rx))
                continue
            if kind != "phrase":
                raise ValueError(f"pattern kind must be 'phrase' or 'regex', got {kind!r}")
            stems = norm.phrase(text)
            if not stems:
                continue  # a phrase of punctuation only can never match a token
            ids = [vocab.setdefault(s, len(vocab) + _FIRST_ID) for s in stems]
            key = _id_string(np.asarray(ids, dtype=np.int64))
            patterns.append(_Pattern(code, text, kind, key=key))
            groups.setdefault(key, []).append(len(patterns) - 1)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
        for key, idx in groups.items():
            automaton.add_word(key, (len(key), tuple(idx)))
        if groups:
            automaton.make_automaton()
        return cls(norm, patterns, vocab, automaton if groups else None)

    # ------------------------------------------------------------------ matching
    def hits(self, units: pd.DataFrame, texts: Sequence[str] | None = None, *,
             progress: bool | None = None) -> pd.DataFrame:
        """Every pattern hit in ``units`` (rows with ``doc_id, segment_id, start, text``).

        ``start`` is the unit's offset in its document; hits get document offsets.
        Returns the :data:`HIT_COLUMNS` table in unit order, then by start.
        """
        seg_texts = units["text"].tolist() if texts is None else list(texts)
        n = len(seg_texts)
        bounds = _chunks([len(t) + 1 for t in seg_texts], _CHUNK_CHARS)
        parts = []
        bar = _progress_bar(sum(len(t) for t in seg_texts), progress)
        try:
            for a, b in bounds:
                parts.append(self._chunk_hits(seg_texts[a:b], a))
                if bar is not None:
                    bar.update(sum(len(t) for t in seg_texts[a:b]))
        finally:
            if bar is not None:
                bar.close()
        unit_idx = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
        pat_idx = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
        lo = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
        hi = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0, np.int64)
        order = np.lexsort((pat_idx, hi, lo, unit_idx))
        unit_idx, pat_idx, lo, hi = unit_idx[order], pat_idx[order], lo[order], hi[order]
        base = units["start"].to_numpy(dtype=np.int64)[unit_idx] if n else lo
        matched = [seg_texts[u][a:b] for u, a, b in
                   zip(unit_idx.tolist(), lo.tolist(), hi.tolist(), strict=True)]
        pats = self.patterns
        return pd.DataFrame({
            "doc_id": units["doc_id"].to_numpy(dtype=object)[unit_idx] if n else [],
            "segment_id": units["segment_id"].to_numpy(dtype=np.int64)[unit_idx] if n else [],
            "code": [pats[i].code for i in pat_idx.tolist()],
            "pattern": [pats[i].text for i in pat_idx.tolist()],
            "kind": [pats[i].kind for i in pat_idx.tolist()],
            "start": base + lo, "end": base + hi, "matched_text": matched,
        }, columns=HIT_COLUMNS).astype({"segment_id": "int64", "start": "int64", "end": "int64"})

    def _chunk_hits(self, seg_texts: list[str], first: int):
        """Hits in one chunk: (unit index, pattern index, start, end) within the unit."""
        lengths = np.fromiter((len(t) for t in seg_texts), dtype=np.int64, count=len(seg_texts))
        seg_base = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
        folded = fold_case(_JOIN.join(seg_texts))
        out_u, out_p, out_s, out_e = [], [], [], []
        if self._automaton is not None:
            u, p, s, e = self._phrase_hits(folded, seg_base)
            out_u.append(u)
            out_p.append(p)
            out_s.append(s)
            out_e.append(e)
        for i, pat in enumerate(self.patterns):
            if pat.kind != "regex":
                continue
            spans = [m.span() for m in pat.regex.finditer(folded) if m.end() > m.start()]
            if not spans:
                continue
            arr = np.asarray(spans, dtype=np.int64)
            seg = np.searchsorted(seg_base, arr[:, 0], side="right") - 1
            inside = arr[:, 1] <= seg_base[seg] + lengths[seg]
            arr, seg = arr[inside], seg[inside]
            out_u.append(seg)
            out_p.append(np.full(len(seg), i, dtype=np.int64))
            out_s.append(arr[:, 0] - seg_base[seg])
            out_e.append(arr[:, 1] - seg_base[seg])
        if not out_u:
            z = np.zeros(0, dtype=np.int64)
            return z, z, z, z
        return (np.concatenate(out_u) + first, np.concatenate(out_p),
                np.concatenate(out_s), np.concatenate(out_e))

    def _phrase_hits(self, folded: str, seg_base: np.ndarray):
        starts, ends, tokens, codes = token_arrays(folded)
        if codes is None:
            codes = codepoints(folded)
        z = np.zeros(0, dtype=np.int64)
        if not tokens:
            return z, z, z, z
        tok_codes, uniques = pd.factorize(pd.Series(tokens, dtype=object), sort=False)
        uniques = uniques.tolist()
        known = self._token_ids  # token -> stem ids, kept across chunks and calls
        new = [u for u in uniques if u not in known]
        if new:
            vocab, expand = self._vocab, self.normaliser.expand
            other = (_OTHER,)
            for u, maybe in zip(new, self._candidates(new), strict=True):
                known[u] = tuple(vocab.get(s, _OTHER) for s in expand(u)) if maybe else other
        expanded = [known[u] for u in uniques]
        lens = np.fromiter((len(x) for x in expanded), dtype=np.int64, count=len(expanded))
        flat = np.fromiter((i for x in expanded for i in x), dtype=np.int64, count=int(lens.sum()))
        offs = np.concatenate(([0], np.cumsum(lens)[:-1]))
        tok_codes = np.asarray(tok_codes, dtype=np.int64)
        if (lens == 1).all():
            ids = flat[tok_codes]
            src = np.arange(len(tok_codes), dtype=np.int64)
        else:
            per_tok = lens[tok_codes]
            src = np.repeat(np.arange(len(tok_codes), dtype=np.int64), per_tok)
            first_pos = np.cumsum(per_tok) - per_tok
            within = np.arange(len(src), dtype=np.int64) - np.repeat(first_pos, per_tok)
            ids = flat[offs[tok_codes[src]] + within]
        # boundaries: a new segment, or a sentence terminator in the gap before a token
        seg_of = np.searchsorted(seg_base, starts, side="right") - 1
        tpos = np.flatnonzero((codes == 46) | (codes == 33) | (codes == 63)
                              | (codes == 0x2026))
        gap_term = (np.searchsorted(tpos, starts[1:]) - np.searchsorted(tpos, ends[:-1])) > 0
        new_seg = seg_of[1:] != seg_of[:-1]
        brk_tok = np.flatnonzero(gap_term | new_seg) + 1
        if len(brk_tok):
            first_stem = np.searchsorted(src, brk_tok, side="left")
            ids = np.insert(ids, first_stem, _BOUNDARY)
            src = np.insert(src, first_stem, -1)
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
                starts[first_tok] - seg_base[seg], ends[last_tok] - seg_base[seg])

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
        slang, vocab = self.normaliser._slang, self._vocab
        joined = "\0".join(uniques) + "\0"
        lengths = np.fromiter((len(u) + 1 for u in uniques), dtype=np.int64, count=len(uniques))
        ends = np.cumsum(lengths) - 1
        found = [] if automaton is None else list(automaton.iter(joined))
        bits = np.zeros(len(uniques), dtype=np.int64)
        if found:
            arr = np.asarray(found, dtype=np.int64)
            np.bitwise_or.at(bits, np.searchsorted(ends, arr[:, 0], side="left"), arr[:, 1])
        out = []
        for u, b in zip(uniques, bits.tolist(), strict=True):
            out.append(bool(b & 2) or u in slang or u in vocab or "-" in u
                       or (bool(b & 1) and _could_stem_to(u, tails)))
        return out

    @property
    def pattern_table(self) -> pd.DataFrame:
        """``code, pattern, kind`` of every compiled pattern."""
        return pd.DataFrame([(p.code, p.text, p.kind) for p in self.patterns],
                            columns=["code", "pattern", "kind"])


_SUFFIX_COMBOS = frozenset(d + p + q for d in ("", "i", "kan", "an", "is", "isme", "isasi")
                           for p in ("", "ku", "mu", "nya")
                           for q in ("", "lah", "kah", "tah", "pun"))
_MAX_SUFFIX = max(map(len, _SUFFIX_COMBOS))
_MAX_PREFIX = 10


_RECODED = frozenset("mngylr")  # letters before a stem's tail after nasal/infix recoding


def _could_stem_to(token: str, tails: dict[str, frozenset[str]]) -> bool:
    """Whether ``token`` could stem to a stem whose tail (all but the first letter) is in
    ``tails``: the tail must end where a suffix combination starts, begin at most ten
    letters in, and follow either the stem's first letter or a recoding letter."""
    n = len(token)
    for k in range(min(_MAX_SUFFIX, n) + 1):
        if k and token[n - k:] not in _SUFFIX_COMBOS:
            continue
        j = n - k
        for i in range(1, min(_MAX_PREFIX + 1, j) + 1):
            firsts = tails.get(token[i:j])
            if firsts is not None and (token[i - 1] in firsts or token[i - 1] in _RECODED):
                return True
    return False


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
    for k in tails:
        automaton.add_word(k, 1)
    for k in normaliser._compounds:
        automaton.add_word(k, automaton.get(k, 0) | 2)
    if len(automaton):
        automaton.make_automaton()
    return (automaton if len(automaton) else None), {t: frozenset(f) for t, f in tails.items()}


def _id_string(ids: np.ndarray) -> str:
    """Ids → a string, one character per id (skipping the surrogate range)."""
    chars = ids.astype(np.int64) + 1
    chars = np.where(chars >= 0xD800, chars + 0x800, chars)
    return chars.astype(np.uint32).tobytes().decode("utf-32-le")


def _chunks(sizes: list[int], limit: int) -> list[tuple[int, int]]:
    out, start, acc = [], 0, 0
    for i, s in enumerate(sizes):
        if acc and acc + s > limit:
            out.append((start, i))
            start, acc = i, 0
        acc += s
    if start < len(sizes):
        out.append((start, len(sizes)))
    return out


def _progress_bar(total: int, progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty() and total > 2_000_000
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="char", unit_scale=True, desc="auto-coding", file=sys.stderr)


# --------------------------------------------------------------------------- public API


def coding_units(corpus, roles: Sequence[str] | None) -> pd.DataFrame:
    seg = corpus.segments
    if roles is not None:
        if isinstance(roles, str):
            roles = (roles,)
        seg = seg[seg["role"].isin(list(roles))]
    return seg.reset_index(drop=True)


def _check_corpus_codebook(corpus, codebook) -> None:

    if not isinstance(corpus, Corpus):
        raise TypeError(f"corpus must be a citra_eval.Corpus, got {type(corpus).__name__}")
    if not isinstance(codebook, Codebook | Matcher):
        raise TypeError(f"codebook must be a citra_eval.Codebook, got {type(codebook).__name__}")


def _matcher(codebook) -> Matcher:
    return codebook if isinstance(codebook, Matcher) else Matcher.from_codebook(codebook)


def match_patterns(corpus: Corpus, codebook: Codebook, *,
                   roles: Sequence[str] | None = ("informant",),
                   progress: bool | None = None) -> pd.DataFrame:
    """Every pattern hit: the evidence trail behind :func:`autocode`.

    Parameters
    ----------
    corpus : Corpus
    codebook : Codebook or Matcher
        The patterns of every codable code are used.
    roles : sequence of str or None
        Speaker roles whose turns are searched (default informants); None for all turns.
    progress : bool or None
        Show a progress bar; None shows it only when stderr is a terminal (large corpora).

    Returns
    -------
    DataFrame
        One row per hit: ``doc_id, segment_id, code, pattern, kind`` (``phrase``/``regex``),
        ``start, end`` (code-point offsets into the document text) and ``matched_text``
        (the words exactly as written). Overlapping hits are all listed.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "kerja_sama", "label": "Kerja sama", "patterns": ["kerja sama"]},
    ...     {"id": "media", "label": "Media", "patterns": ["media sosial", {"regex": "medsos"}]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Bagaimana?\\nI: Kami bekerjasama lewat Medsos.\\n"})
    >>> match_patterns(corpus, cb)[["code", "kind", "matched_text"]]
             code    kind matched_text
    0  kerja_sama  phrase  bekerjasama
    1       media  phrase       Medsos
    2       media   regex       Medsos
    """
    _check_corpus_codebook(corpus, codebook)
    units = coding_units(corpus, roles)
    return _matcher(codebook).hits(units, progress=progress)


def autocode(corpus: Corpus, codebook: Codebook, *, coder: str = "auto", unit: str = "turn",
             roles: Sequence[str] | None = ("informant",), progress: bool | None = None,
             hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Code a corpus with the codebook's patterns.

    Parameters
    ----------
    corpus : Corpus
    codebook : Codebook or Matcher
    coder : str
        Value of the ``coder`` column (default ``"auto"``).
    unit : {"turn", "sentence"}
        ``turn``: one row per (segment, code) spanning the whole turn; ``sentence``: one row
        per (sentence, code) spanning the sentence that holds the hit.
    roles : sequence of str or None
        Speaker roles coded (default informants only: the interviewer's questions are not
        coded); ``("informant", "interviewer")`` or None to code every turn.
    progress : bool or None
        Progress bar; None: only when stderr is a terminal.
    hits : DataFrame, optional
        Output of :func:`match_patterns` to reuse (skips matching).

    Returns
    -------
    DataFrame
        A codings table: ``doc_id, segment_id, start, end, code, coder, evidence, note``.
        ``evidence`` is the matched words as written, in text order, distinct, joined with
        ``' | '``; ``note`` lists the patterns that matched (``; ``). Rows are in corpus order.

    Notes
    -----
    Every row satisfies ``corpus.text(doc_id)[start:end]`` lying inside its segment, and
    every evidence item occurs in that slice.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "kerja_sama", "label": "Kerja sama", "patterns": ["kerja sama", "mitra"]},
    ...     {"id": "cepat", "label": "Cepat", "patterns": ["cepat"]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Kerja sama?\\nI: Kami bermitra. Rilis gercep, "
    ...     "kerjasama media.\\n"})
    >>> autocode(corpus, cb)[["segment_id", "code", "evidence"]]
       segment_id        code                 evidence
    0           2  kerja_sama  bermitra | kerjasama
    1           2       cepat                   gercep
    >>> autocode(corpus, cb, unit="sentence")[["start", "end", "code"]]
       start  end        code
    0     18   32  kerja_sama
    1     33   63  kerja_sama
    2     33   63       cepat
    """
    _check_corpus_codebook(corpus, codebook)
    if unit not in ("turn", "sentence"):
        raise ValueError(f"unit must be 'turn' or 'sentence', got {unit!r}")
    if not isinstance(coder, str) or not coder.strip():
        raise ValueError(f"coder must be a non-empty string, got {coder!r}")
    if hits is None:
        hits = match_patterns(corpus, codebook, roles=roles, progress=progress)
    if hits.empty:

        return empty_codings()
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    if unit == "turn":
        keys = ["doc_id", "segment_id", "code"]
        spans = corpus.segments[["doc_id", "segment_id", "start", "end"]].rename(
            columns={"start": "u_start", "end": "u_end"})
        hits = hits.merge(spans, on=["doc_id", "segment_id"], how="left", validate="m:1")
    else:
        keys = ["doc_id", "segment_id", "u_start", "code"]
        hits = _assign_sentences(hits, corpus, seg)
    order = {c: i for i, c in enumerate(dict.fromkeys(_code_order(codebook, hits)))}
    hits = hits.assign(_rank=hits["code"].map(order),
                       _label=[_pattern_label(k, p) for k, p in
                               zip(hits["kind"].tolist(), hits["pattern"].tolist(),
                                   strict=True)])
    hits = hits.sort_values(["start", "end"], kind="stable")
    gid = hits.groupby(keys, sort=False).ngroup().to_numpy()
    order = np.argsort(gid, kind="stable")
    gid = gid[order]
    cuts = np.flatnonzero(np.diff(gid)) + 1
    lo = np.concatenate(([0], cuts)).tolist()
    hi = np.concatenate((cuts, [len(gid)])).tolist()
    cols = {c: hits[c].to_numpy()[order] for c in
            ["doc_id", "segment_id", "code", "u_start", "u_end", "_rank"]}
    texts = hits["matched_text"].to_numpy()[order].tolist()
    labels = hits["_label"].to_numpy()[order].tolist()
    out = pd.DataFrame({
        "doc_id": cols["doc_id"][lo], "segment_id": cols["segment_id"][lo],
        "start": np.minimum.reduceat(cols["u_start"].astype(np.int64), lo),
        "end": np.maximum.reduceat(cols["u_end"].astype(np.int64), lo),
        "code": cols["code"][lo], "_rank": cols["_rank"][lo],
        "evidence": [" | ".join(dict.fromkeys(texts[a:b])) for a, b in
                     zip(lo, hi, strict=True)],
        "note": ["; ".join(dict.fromkeys(labels[a:b])) for a, b in zip(lo, hi, strict=True)],
    })
    out["coder"] = coder
    doc_order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.assign(_doc=out["doc_id"].map(doc_order))
    out = out.sort_values(["_doc", "segment_id", "start", "_rank"], kind="stable")
    out = out.drop(columns=["_doc", "_rank"]).reset_index(drop=True)
    return out.astype({"segment_id": "int64", "start": "int64", "end": "int64"})[
        [*CODING_COLUMNS, "evidence", "note"]]


def _pattern_label(kind: str, pattern: str) -> str:
    return pattern if kind == "phrase" else f"regex:{pattern}"


def _code_order(codebook, hits: pd.DataFrame) -> list[str]:
    if isinstance(codebook, Matcher):
        return [p.code for p in codebook.patterns] + hits["code"].unique().tolist()
    return list(codebook.codable_ids) + hits["code"].unique().tolist()


def _assign_sentences(hits: pd.DataFrame, corpus, seg: pd.DataFrame) -> pd.DataFrame:
    """Give every hit the span of the sentence holding its start (extended over its end)."""
    cache: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
    u_start, u_end = [], []
    for doc, sid, s, e in zip(hits["doc_id"], hits["segment_id"], hits["start"], hits["end"],
                              strict=True):
        key = (doc, int(sid))
        if key not in cache:
            s0, s1 = seg.loc[key, ["start", "end"]]
            spans = sentence_spans(corpus.text(doc)[s0:s1]) or [(0, s1 - s0)]
            arr = np.asarray(spans, dtype=np.int64) + int(s0)
            cache[key] = (arr[:, 0], arr[:, 1])
        starts, ends = cache[key]
        i = max(int(np.searchsorted(starts, s, side="right")) - 1, 0)
        j = max(int(np.searchsorted(starts, e - 1, side="right")) - 1, i)
        u_start.append(int(min(starts[i], s)))
        u_end.append(int(max(ends[j], e)))
    return hits.assign(u_start=u_start, u_end=u_end)


def autocode_report(codings: pd.DataFrame, *, corpus: Corpus, codebook: Codebook,
                    hits: pd.DataFrame | None = None,
                    roles: Sequence[str] | None = ("informant",)) -> dict[str, pd.DataFrame]:
    """What the auto-coder did: counts per code, silent patterns, uncoded turns.

    Parameters
    ----------
    codings : DataFrame
        Output of :func:`autocode`.
    corpus : Corpus
    codebook : Codebook
    hits : DataFrame, optional
        Output of :func:`match_patterns` (recomputed when omitted).
    roles : sequence of str or None
        The roles that were coded (for the uncoded turns).

    Returns
    -------
    dict of DataFrame
        ``"counts"``: ``code, label, n_codings, n_segments, n_documents, n_hits`` for every
        codable code (zeros included); ``"never_matched"``: ``code, pattern, kind`` of
        patterns without a single hit; ``"uncoded"``: ``doc_id, segment_id, start, end,
        text`` of coded-role turns that received no code.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "cepat", "label": "Cepat", "patterns": ["cepat", "segera"]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: Secepatnya.\\nI: Tidak ada.\\n"})
    >>> rep = autocode_report(autocode(corpus, cb), corpus=corpus, codebook=cb)
    >>> rep["never_matched"]["pattern"].tolist(), rep["uncoded"]["segment_id"].tolist()
    (['segera'], [2])
    """
    check_type("codings", codings, pd.DataFrame, "a codings DataFrame")
    _check_corpus_codebook(corpus, codebook)
    if hits is None:
        hits = match_patterns(corpus, codebook, roles=roles)
    matcher_codes = codebook.codable_ids
    counts = pd.DataFrame({"code": matcher_codes})
    counts["label"] = [codebook.label(c) for c in matcher_codes]
    g = codings.groupby("code")
    counts["n_codings"] = counts["code"].map(g.size()).fillna(0).astype("int64")
    counts["n_segments"] = counts["code"].map(
        g.apply(lambda x: len(set(zip(x["doc_id"], x["segment_id"], strict=True))))
        if len(codings) else pd.Series(dtype="int64")).fillna(0).astype("int64")
    counts["n_documents"] = counts["code"].map(g["doc_id"].nunique()).fillna(0).astype("int64")
    counts["n_hits"] = counts["code"].map(hits.groupby("code").size()).fillna(0).astype("int64")
    patterns = pd.DataFrame([(c.id, p.text, p.kind) for c in codebook if c.codable
                             for p in c.patterns], columns=["code", "pattern", "kind"])
    seen = set(zip(hits["code"], hits["pattern"], hits["kind"], strict=True))
    never = patterns[[(c, p, k) not in seen for c, p, k in
                      patterns.itertuples(index=False)]].reset_index(drop=True)
    units = coding_units(corpus, roles)
    coded = set(zip(codings["doc_id"], codings["segment_id"], strict=True))
    mask = [(d, s) not in coded for d, s in zip(units["doc_id"], units["segment_id"],
                                                 strict=True)]
    uncoded = units.loc[mask, ["doc_id", "segment_id", "start", "end", "text"]]
    return {"counts": counts, "never_matched": never, "uncoded": uncoded.reset_index(drop=True)}


def explain(codings: pd.DataFrame, *, corpus: Corpus, codebook: Codebook,
            hits: pd.DataFrame | None = None,
            roles: Sequence[str] | None = None) -> pd.DataFrame:
    """The pattern hits behind each coding: why the auto-coder applied a code.

    Parameters
    ----------
    codings : DataFrame
        Codings (typically from :func:`autocode`, any subset of rows).
    corpus : Corpus
    codebook : Codebook or Matcher
    hits : DataFrame, optional
        Output of :func:`match_patterns` (recomputed for every turn when omitted).
    roles : sequence of str or None
        Roles searched when ``hits`` is recomputed (default every turn).

    Returns
    -------
    DataFrame
        One row per (coding, hit inside its span): ``doc_id, segment_id, code, start, end``
        of the coding, then ``pattern, kind, hit_start, hit_end, matched_text``. A coding
        without a hit (e.g. a human coder's) has no row.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "cepat", "label": "Cepat", "patterns": ["cepat", {"regex": "gercep"}]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: Kami gercep, secepatnya.\\n"})
    >>> explain(ce.autocode(corpus, cb), corpus=corpus, codebook=cb)[
    ...     ["pattern", "kind", "matched_text"]]
      pattern    kind matched_text
    0   cepat  phrase       gercep
    1  gercep   regex       gercep
    2   cepat  phrase   secepatnya
    """
    check_type("codings", codings, pd.DataFrame, "a codings DataFrame")
    _check_corpus_codebook(corpus, codebook)
    if hits is None:
        hits = match_patterns(corpus, codebook, roles=roles)
    keys = ["doc_id", "segment_id", "code"]
    left = codings[[*keys, "start", "end"]].assign(
        segment_id=codings["segment_id"].astype("int64")).reset_index(drop=True)
    right = hits.rename(columns={"start": "hit_start", "end": "hit_end"})
    both = left.merge(right[[*keys, "pattern", "kind", "hit_start", "hit_end",
                             "matched_text"]], on=keys, how="inner")
    inside = (both["hit_start"] >= both["start"]) & (both["hit_end"] <= both["end"])
    out = both[inside].sort_values(["doc_id", "segment_id", "start", "code", "hit_start"],
                                   kind="stable")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- evaluation


def _positives(codings: pd.DataFrame, units: set, name: str) -> set[tuple[str, int, str]]:
    for col in ("doc_id", "segment_id", "code"):
        if col not in codings.columns:
            raise ValueError(f"{name} lacks the column {col!r}; pass a codings table")
    if "coder" in codings.columns and codings["coder"].nunique() > 1:
        coders = ", ".join(sorted(map(str, codings["coder"].unique())))
        raise ValueError(f"{name} holds several coders ({coders}); pass one coder's codings "
                         "(e.g. codings[codings.coder == 'A']) or a consensus table")
    keys = zip(codings["doc_id"], codings["segment_id"].astype("int64"), codings["code"],
               strict=True)
    return {(d, int(s), c) for d, s, c in keys if (d, int(s)) in units}


def evaluate_coder(codings: pd.DataFrame, *, reference: pd.DataFrame, corpus: Corpus,
                   roles: Sequence[str] | None = ("informant",),
                   codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Precision, recall and F1 of a coder (e.g. ``autocode``) against a reference coder.

    Parameters
    ----------
    codings : DataFrame
        The codings to evaluate (one coder).
    reference : DataFrame
        The reference codings: one coder, or a consensus table.
    corpus : Corpus
        Defines the units (segments).
    roles : sequence of str or None
        Only segments of these roles count (default informants); None for all.
    codes : sequence of str, optional
        Codes to report (default: every code in either table, sorted).

    Returns
    -------
    DataFrame
        ``code, precision, recall, f1, support, tp, fp, fn``: one row per code, then
        ``micro`` and ``macro``. ``support`` is the number of reference-positive segments.

    Notes
    -----
    Units are segments: the pair (segment, code) is positive for a table when any of its
    codings of that code lies in the segment. With TP, FP, FN counted over pairs,
    ``precision = TP / (TP + FP)``, ``recall = TP / (TP + FN)``,
    ``f1 = 2 TP / (2 TP + FP + FN)``; undefined ratios (0/0) are NaN. ``micro`` pools TP, FP,
    FN over codes; ``macro`` is the unweighted mean of the per-code values over codes with
    ``support > 0``, undefined values counted as 0 (scikit-learn's ``zero_division=0``).

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: satu\\nI: dua\\nI: tiga\\n"})
    >>> def table(rows, coder):
    ...     return pd.DataFrame([("D", s, 0, 1, c, coder) for s, c in rows],
    ...                         columns=ce.CODING_COLUMNS)
    >>> auto = table([(1, "a"), (2, "a"), (3, "b")], "auto")
    >>> ref = table([(1, "a"), (3, "a"), (3, "b")], "A")
    >>> evaluate_coder(auto, reference=ref, corpus=corpus)[["code", "precision", "recall",
    ...                                                      "tp", "fp", "fn"]]
        code  precision    recall  tp  fp  fn
    0      a   0.500000  0.500000   1   1   1
    1      b   1.000000  1.000000   1   0   0
    2  micro   0.666667  0.666667   2   1   1
    3  macro   0.750000  0.750000   2   1   1

    On the bundled (illustrative) example study, the auto-coder against coder A:

    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> auto = ce.autocode(corpus, ce.Codebook.load(ce.example_path("codebook")))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> ev = evaluate_coder(auto, reference=a, corpus=corpus)
    >>> list(ev["code"].tail(2))
    ['micro', 'macro']
    >>> bool(0 < ev.loc[ev["code"] == "micro", "f1"].item() < 1)
    True
    """
    if not isinstance(corpus, Corpus):
        raise TypeError(f"corpus must be a citra_eval.Corpus, got {type(corpus).__name__}")
    for name, table in (("codings", codings), ("reference", reference)):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a DataFrame, got {type(table).__name__}")
    units_df = coding_units(corpus, roles)
    units = set(zip(units_df["doc_id"], units_df["segment_id"].astype(int), strict=True))
    pred = _positives(codings, units, "codings")
    ref = _positives(reference, units, "reference")
    all_codes = sorted({c for *_, c in pred | ref}) if codes is None else list(codes)
    rows = []
    for code in all_codes:
        p = {k for k in pred if k[2] == code}
        r = {k for k in ref if k[2] == code}
        rows.append(_prf(code, len(p & r), len(p - r), len(r - p)))
    table = pd.DataFrame(rows, columns=EVAL_COLUMNS)
    tp, fp, fn = (int(table[c].sum()) for c in ("tp", "fp", "fn"))
    micro = _prf("micro", tp, fp, fn)
    scored = table[table["support"] > 0]
    macro = {"code": "macro", "tp": tp, "fp": fp, "fn": fn,
             "support": int(scored["support"].sum()),
             **{m: float(scored[m].fillna(0).mean()) if len(scored) else float("nan")
                for m in ("precision", "recall", "f1")}}
    out = pd.concat([table, pd.DataFrame([micro, macro], columns=EVAL_COLUMNS)],
                    ignore_index=True)
    return out.astype({"support": "int64", "tp": "int64", "fp": "int64", "fn": "int64"})


def _prf(code: str, tp: int, fp: int, fn: int) -> dict:
    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    return {"code": code, "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn),
            "f1": ratio(2 * tp, 2 * tp + fp + fn), "support": tp + fn, "tp": tp, "fp": fp,
            "fn": fn}
