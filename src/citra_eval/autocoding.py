"""The dictionary coder: code transcripts with a codebook's patterns, and check a coder.

:func:`autocode` turns the pattern hits of :mod:`citra_eval.matching` into a codings table:
one coding per (turn or sentence, code) with the words that matched as ``evidence``. It reads
context the way a coder does: a hit governed by a negation word does not code (*ulun kada
pernah ikut Bamara*), a hit overlapping one of the code's ``exclude_patterns`` does not code
(*kerja sama tim redaksi*), and the codes of the interviewer's question are proposed for the
answer that continues its topic ("Bagaimana dengan Bamara?" → an answer that never repeats the
name). :func:`evaluate_coder` scores any coder against a reference coder.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import (
    caller_stacklevel,
    check_bool,
    check_choice,
    check_codebook,
    check_codings,
    check_corpus,
    check_frame,
    check_known,
    check_lang,
    check_names,
    check_roles,
    check_type,
    whole_number_columns,
)
from .codebook import Codebook
from .codings import CODING_COLUMNS, check_codings_against, empty_codings, warn_uncoded
from .corpus import Corpus
from .errors import InputError, closest, one_typo, quoted
from .matching import CHUNK_CHARS, HIT_COLUMNS, Matcher, chunk_bounds
from .normalise import sentence_spans, text_token_ids

__all__ = [
    "HIT_COLUMNS",
    "AutocodeReport",
    "Matcher",
    "autocode",
    "autocode_report",
    "evaluate_coder",
    "explain",
    "match_patterns",
    "question_hits",
]

EVAL_COLUMNS = ["code", "precision", "recall", "f1", "support", "tp", "fp", "fn"]


# --------------------------------------------------------------------------- public API

#: An answer of fewer words than this does not take over its question's codes.
MIN_ANSWER_WORDS = 3
#: ``score`` of a coding the dictionary made from a hit in the unit itself, and of one it
#: only carried over from the interviewer's question.
SCORE_HIT, SCORE_QUESTION = 1.0, 0.5
QUESTION_PREFIX = "question: "


def empty_coder_codings() -> pd.DataFrame:
    """An empty codings table of a machine coder: the contract's columns, then ``evidence,
    note, score`` (what :func:`autocode` and the learned coder return)."""
    return empty_codings()[[*CODING_COLUMNS, "evidence", "note"]].assign(
        score=pd.Series(dtype="float64"))


def coding_units(corpus, roles: Sequence[str] | None) -> pd.DataFrame:
    """The segments of ``roles`` (checked with :func:`~citra_eval._validation.check_roles`;
    all segments for None), in corpus order."""
    seg = corpus.segments
    if roles is not None:
        seg = seg[seg["role"].isin(list(roles))]
    return seg.reset_index(drop=True)


def _check_corpus_codebook(corpus, codebook, roles=None) -> tuple[str, ...] | None:
    """Check the corpus and codebook arguments; return ``roles`` checked against the
    corpus (see :func:`~citra_eval._validation.check_roles`)."""
    check_corpus(corpus)
    if not isinstance(codebook, Matcher):
        check_codebook(codebook, allow_none=False)
    return check_roles(roles, corpus)


#: What the table arguments hold, for the messages when one lacks a column.
_AUTOCODED = "a codings table, e.g. the output of ce.autocode(...)"
_HITS = "the output of ce.match_patterns(...)"


def _check_hits(hits: object, columns: Sequence[str], corpus: Corpus,
                matcher: Matcher | None = None) -> pd.DataFrame:
    """``hits`` as a table of ``columns`` found in ``corpus`` (and, given ``matcher``, by its
    codebook): an :class:`InputError` naming the first hit of a document, segment or code
    they lack, or whose span does not hold its ``matched_text`` (hits of another corpus, or
    of an older version of it)."""
    hits = check_frame(hits, "hits", columns=columns, what=_HITS)
    if not len(hits):
        return hits
    fix = ("the hits must be ce.match_patterns(corpus, codebook) of this corpus and codebook; "
           "recompute them, or leave hits out")
    hits = whole_number_columns(hits, "hits", ("segment_id", "start", "end"), fix=fix)
    row = hits.index
    docs = set(corpus.doc_ids)
    bad = ~hits["doc_id"].isin(docs).to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"hits: row {row[i]}: document {quoted(hits['doc_id'].iat[i])} is not "
                         f"in the corpus (it has {len(docs)} document(s)"
                         + (f", e.g. {quoted(corpus.doc_ids[0])}" if docs else "")
                         + f"); {fix}")
    sid = pd.to_numeric(hits["segment_id"], errors="coerce")
    seg = corpus.segments
    where = pd.MultiIndex.from_frame(seg[["doc_id", "segment_id"]].astype(
        {"segment_id": "int64"}))
    at = where.get_indexer(pd.MultiIndex.from_arrays(
        [hits["doc_id"], sid.fillna(-1).astype("int64")])) if sid.notna().all() else None
    if at is None or (at < 0).any():
        i = int(np.argmax(sid.isna().to_numpy() if at is None else at < 0))
        raise InputError(f"hits: row {row[i]}: document {quoted(hits['doc_id'].iat[i])} has "
                         f"no segment {quoted(hits['segment_id'].tolist()[i])}; {fix}")
    if matcher is not None:
        bad = ~hits["code"].isin(matcher.codes).to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"hits: row {row[i]}: code {quoted(hits['code'].iat[i])} is not a "
                             f"code with patterns in the codebook (it has "
                             f"{', '.join(matcher.codes) or 'none'}); {fix}")
    if any(c not in hits.columns for c in ("kind", "start", "end", "matched_text")):
        return hits
    found = hits["kind"].isin(["phrase", "regex"]).to_numpy()
    start = pd.to_numeric(hits["start"], errors="coerce").to_numpy(dtype=float)
    end = pd.to_numeric(hits["end"], errors="coerce").to_numpy(dtype=float)
    s0, s1 = (seg[c].to_numpy(dtype=float)[at] for c in ("start", "end"))
    outside = ~((s0 <= start) & (start <= end) & (end <= s1))
    texts = {d: corpus.text(d) for d in hits.loc[found, "doc_id"].unique()}
    docs_, said = hits["doc_id"].tolist(), hits["matched_text"].tolist()
    lo, hi = start.tolist(), end.tolist()
    for i in np.flatnonzero(found | outside).tolist():
        d, m = docs_[i], said[i]
        held = None if outside[i] else texts[d][int(lo[i]):int(hi[i])]
        if outside[i] or held != m:
            shown = ("outside that segment" if outside[i] else f"{quoted(held)} there")
            raise InputError(
                f"hits: row {row[i]}: the hit {quoted(m)} at {hits['start'].tolist()[i]}:"
                f"{hits['end'].tolist()[i]} of segment {hits['segment_id'].tolist()[i]} of "
                f"document {quoted(d)} does not hold its matched_text (the corpus has "
                f"{shown}); {fix}")
    return hits


def _given_hits(hits: object, corpus: Corpus, matcher: Matcher, *,
                negation: bool) -> pd.DataFrame:
    """Hits a caller passed, checked against ``corpus`` and the codebook, with the status of
    each include hit decided anew for ``negation`` (``coded`` or ``negated``: the table
    does not say which choice made it); ``excluded`` and ``exclude`` are kept."""
    hits = _check_hits(hits, HIT_COLUMNS[:8], corpus, matcher)
    status = (hits["status"] if "status" in hits.columns
              else pd.Series("coded", index=hits.index, dtype=object))
    include = (hits["rule"].eq("include") if "rule" in hits.columns
               else pd.Series(True, index=hits.index))
    open_ = (status.isin(["coded", "negated"]) & include).to_numpy()
    negated = np.zeros(len(hits), dtype=bool)
    if negation and open_.any():
        keys = ["doc_id", "segment_id"]
        units = corpus.segments.merge(hits.loc[open_, keys].astype(
            {"segment_id": "int64"}).drop_duplicates(), on=keys)
        negated[open_] = matcher.negated(units, hits[open_])
    status = np.where(open_, np.where(negated, "negated", "coded"), status.to_numpy())
    return hits.assign(status=status)


def compile_codebook(codebook) -> Matcher:
    """A :class:`Matcher` for ``codebook`` (returned as is when it already is one)."""
    return codebook if isinstance(codebook, Matcher) else Matcher.from_codebook(codebook)


def match_patterns(corpus: Corpus, codebook: Codebook, *,
                   roles: Sequence[str] | None = ("informant",), negation: bool = True,
                   progress: bool | None = None) -> pd.DataFrame:
    """Every pattern hit: the evidence trail behind :func:`autocode`.

    Parameters
    ----------
    corpus : Corpus
    codebook : Codebook or Matcher
        The patterns (and exclude patterns) of every codable code are used.
    roles : sequence of str or None
        Speaker roles whose turns are searched (default informants); None for all turns.
    negation : bool
        Mark hits inside a negation's scope as ``negated`` (default True).
    progress : bool or None
        Show a progress bar; None shows it only when stderr is a terminal (large corpora).

    Returns
    -------
    DataFrame
        One row per hit: ``doc_id, segment_id, code, pattern, kind`` (``phrase``/``regex``),
        ``start, end`` (code-point offsets into the document text), ``matched_text`` (the
        words exactly as written), ``rule`` (``include``, or ``exclude`` for a hit of an
        exclude pattern) and ``status``: ``coded`` (it codes its unit), ``negated`` (a
        negation word governs it), ``excluded`` (it overlaps a hit of one of its code's
        exclude patterns) or ``exclude`` (an exclude pattern's own hit). Overlapping hits
        are all listed.

    Notes
    -----
    A hit is negated when a negation word (:data:`citra_eval.matching.NEGATORS` and their
    slang forms: *tidak, tak, bukan, belum, jangan, tiada, nggak, gak, ndak, kada, ...*)
    stands at most :data:`citra_eval.matching.NEGATION_WINDOW` words before it in the same
    clause, unless the negation word starts "not only" (*tidak hanya, bukan cuma*) or the
    pattern itself contains a negation word (a pattern *tidak transparan* codes exactly the
    negated statement).

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "kerja_sama", "label": "Kerja sama", "patterns": ["kerja sama"],
    ...      "exclude_patterns": ["kerja sama tim"]},
    ...     {"id": "media", "label": "Media", "patterns": ["media sosial", {"regex": "medsos"}]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Bagaimana?\\nI: Kami bekerjasama lewat Medsos. "
    ...     "Kerja sama tim penting. Kami tidak pakai media sosial.\\n"})
    >>> ce.match_patterns(corpus, cb)[["code", "kind", "matched_text", "status"]]
             code    kind    matched_text    status
    0  kerja_sama  phrase     bekerjasama     coded
    1       media  phrase          Medsos     coded
    2       media   regex          Medsos     coded
    3  kerja_sama  phrase      Kerja sama  excluded
    4  kerja_sama  phrase  Kerja sama tim   exclude
    5       media  phrase    media sosial   negated
    """
    roles = _check_corpus_codebook(corpus, codebook, roles)
    check_bool(negation, "negation")
    check_bool(progress, "progress", allow_none=True)
    units = coding_units(corpus, roles)
    return compile_codebook(codebook).hits(units, progress=progress, negation=negation)


def question_hits(corpus: Corpus, codebook: Codebook, *,
                  roles: Sequence[str] | None = ("informant",),
                  negation: bool = True, hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Codes the interviewer's question hands on to the answer that follows it.

    Parameters
    ----------
    corpus : Corpus
    codebook : Codebook or Matcher
    roles : sequence of str or None
        Roles of the answers (default informants; None: every role but ``interviewer``).
        A turn of a role not in ``roles`` (or ``interviewer``) is a question.
    negation : bool
        Hits negated in the question are not handed on (default True).
    hits : DataFrame, optional
        Output of :func:`match_patterns` on this corpus and codebook that covers the
        interviewer's turns (then they are not matched again); checked, and read with
        ``negation``, as :func:`autocode` checks and reads it.

    Returns
    -------
    DataFrame
        One row per (answer, question hit): ``doc_id, segment_id`` of the answer,
        ``code, pattern, kind`` (``question``), ``start, end`` (the answer's first
        character, an empty span), ``matched_text`` (``"question: "`` and the words as
        written in the question), ``question_segment_id, question_start, question_end``
        (the question turn and the hit's offsets in the document).

    Notes
    -----
    The question is the turn right before the answer when its speaker's role is
    ``interviewer`` or, with ``roles`` given, any other role not in ``roles`` (a focus
    group's ``moderator``; a turn without a role never asks). An answer continues its
    question's topic when it is of a coded role other than ``interviewer``, has at least
    :data:`MIN_ANSWER_WORDS` words and does not begin with a negation word ("Tidak, ...",
    "Belum pernah ..."; "Tidak hanya ...", "not only", is no negation). Then every code
    with a ``coded`` hit in the question is proposed for the answer, unless the answer holds
    a hit of one of that code's exclude patterns or (with ``negation``) a negated hit of the
    code in its first sentence ("Pernah ikut Bamara?" → "Ulun kada pernah ikut Bamara."):
    the exclude and negation rules hold for the answer whatever the source of the code.
    This is how coders read an answer to "Bagaimana dengan Bamara?" that never names Bamara
    again.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "bamara", "label": "Bamara", "patterns": [{"regex": "bamara"}]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Bagaimana dengan Bamara?\\nI: Itu bagus sekali, warga "
    ...     "senang.\\nP: Ikut Bamara juga?\\nI: Tidak, saya sibuk.\\n"})
    >>> ce.question_hits(corpus, cb)[["segment_id", "code", "matched_text"]]
       segment_id    code       matched_text
    0           2  bamara  question: Bamara
    """
    roles = _check_corpus_codebook(corpus, codebook, roles)
    check_bool(negation, "negation")
    matcher = compile_codebook(codebook)
    if hits is not None:
        hits = _given_hits(hits, corpus, matcher, negation=negation)
    return _question_hits(corpus, matcher, roles, negation=negation, hits=hits)


def _question_hits(corpus: Corpus, matcher, roles: tuple[str, ...] | None, *,
                   negation: bool, hits: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`question_hits` of arguments already checked (``roles`` by
    :func:`~citra_eval._validation.check_roles`, which warns once per call)."""
    seg = corpus.segments
    prev = seg.groupby("doc_id", sort=False)[["role", "segment_id"]].shift(1)
    answer_role = seg["role"].ne("interviewer")
    if roles is not None:
        answer_role &= seg["role"].isin(list(roles))
    is_answer = (answer_role & asks_question(prev["role"], roles)).to_numpy()
    answers = seg[is_answer].assign(
        question_segment_id=prev["segment_id"].to_numpy()[is_answer])
    out_cols = [*HIT_COLUMNS[:8], "question_segment_id", "question_start", "question_end"]
    if answers.empty:
        return pd.DataFrame(columns=out_cols)
    texts = answers["text"].tolist()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    negators, not_only = matcher.negation_words, matcher.not_only_words
    keep = [_continues_topic(texts[a:b], negators, not_only)  # in chunks: bounded memory
            for a, b in chunk_bounds(lengths + 1, CHUNK_CHARS)]
    answers = answers[np.concatenate(keep)]
    qids = answers[["doc_id", "question_segment_id"]].astype({"question_segment_id": "int64"})
    questions = seg.merge(qids.rename(columns={"question_segment_id": "segment_id"}),
                          on=["doc_id", "segment_id"]).drop_duplicates(["doc_id", "segment_id"])
    covered = hits is not None and "status" in hits.columns and pd.MultiIndex.from_frame(
        questions[["doc_id", "segment_id"]]).isin(pd.MultiIndex.from_frame(
            hits[["doc_id", "segment_id"]])).all()
    if covered:
        qh = hits.merge(questions[["doc_id", "segment_id"]], on=["doc_id", "segment_id"])
    else:
        qh = matcher.hits(questions, negation=negation)
    qh = qh[(qh["status"] == "coded")].drop_duplicates(["doc_id", "segment_id", "code",
                                                        "matched_text"])
    if qh.empty:
        return pd.DataFrame(columns=out_cols)
    carried = answers[["doc_id", "segment_id", "start", "question_segment_id"]].astype(
        {"question_segment_id": "int64"}).merge(
        qh[["doc_id", "segment_id", "code", "pattern", "matched_text", "start", "end"]].rename(
            columns={"segment_id": "question_segment_id", "start": "q_start", "end": "q_end"}),
        on=["doc_id", "question_segment_id"])
    excluded = _answer_blocks(answers, matcher, hits, negation) if len(carried) else ()
    if len(excluded):
        keys = ["doc_id", "segment_id", "code"]
        carried = carried[~pd.MultiIndex.from_frame(carried[keys].astype(
            {"segment_id": "int64"})).isin(pd.MultiIndex.from_frame(excluded))]
        if carried.empty:
            return pd.DataFrame(columns=out_cols)
    carried = carried.sort_values(["doc_id", "segment_id", "q_start"], kind="stable")
    out = pd.DataFrame({
        "doc_id": carried["doc_id"], "segment_id": carried["segment_id"],
        "code": carried["code"], "pattern": carried["pattern"], "kind": "question",
        "start": carried["start"], "end": carried["start"],
        "matched_text": QUESTION_PREFIX + carried["matched_text"],
        "question_segment_id": carried["question_segment_id"],
        "question_start": carried["q_start"], "question_end": carried["q_end"]},
        columns=out_cols)
    doc_order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.assign(_d=out["doc_id"].map(doc_order)).sort_values(
        ["_d", "segment_id"], kind="stable").drop(columns="_d")
    return out.reset_index(drop=True).astype(
        {"segment_id": "int64", "start": "int64", "end": "int64", "question_segment_id": "int64",
         "question_start": "int64", "question_end": "int64"})


def asks_question(role: pd.Series, roles: Sequence[str] | None) -> pd.Series:
    """Per turn of role ``role``: whether it is a question to the turn after it, for the
    coded ``roles``: an ``interviewer``'s turn, or (``roles`` given) a turn of any other
    named role not coded (a focus group's ``moderator``). The one rule of
    :func:`question_hits` and of the learned coder's question features."""
    asks = role.eq("interviewer")
    if roles is not None:
        named = role.fillna("").astype(str).str.strip().ne("")
        asks |= named & ~role.isin(list(roles))
    return asks


def _answer_blocks(answers: pd.DataFrame, matcher, hits: pd.DataFrame | None,
                   negation: bool) -> pd.DataFrame:
    """``doc_id, segment_id, code`` of the answers holding a hit of one of the code's exclude
    patterns, or (with ``negation``) a negated hit of the code in their first sentence: the
    question does not hand that code on (the exclude and negation rules hold for the answer
    whatever the source of the code: "Ulun kada pernah ikut Bamara" after "Pernah ikut
    Bamara?" is not coded). From ``hits`` when they cover the answers."""
    keys = ["doc_id", "segment_id"]
    covered = hits is not None and {"rule", "status"} <= set(hits.columns) and \
        pd.MultiIndex.from_frame(answers[keys].astype({"segment_id": "int64"})).isin(
            pd.MultiIndex.from_frame(hits[keys].astype({"segment_id": "int64"}))).all()
    if not covered:
        if not negation and not any(p.rule == "exclude" for p in matcher.patterns):
            return pd.DataFrame(columns=[*keys, "code"])
        hits = matcher.hits(answers, negation=negation)
    blocked = hits["rule"].eq("exclude").to_numpy().copy()
    negated = np.flatnonzero(negation & hits["status"].eq("negated").to_numpy())
    if len(negated):  # a negated hit in the answer's first sentence: its reply to the question
        where = pd.MultiIndex.from_frame(answers[keys].astype({"segment_id": "int64"}))
        at = where.get_indexer(pd.MultiIndex.from_frame(
            hits.iloc[negated][keys].astype({"segment_id": "int64"})))
        negated, at = negated[at >= 0], at[at >= 0]
        starts, texts = answers["start"].to_numpy(dtype=np.int64), answers["text"].tolist()
        first_end = np.zeros(len(answers), dtype=np.int64)
        for a in np.unique(at).tolist():
            spans = sentence_spans(texts[a])
            first_end[a] = starts[a] + (spans[0][1] if spans else len(texts[a]))
        blocked[negated] = hits["start"].to_numpy(dtype=np.int64)[negated] < first_end[at]
    return hits.loc[blocked, [*keys, "code"]].astype({"segment_id": "int64"}).drop_duplicates()


def autocode(corpus: Corpus, codebook: Codebook, *, coder: str = "auto", unit: str = "turn",
             roles: Sequence[str] | None = ("informant",), question_context: bool = True,
             negation: bool = True, progress: bool | None = None,
             hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Code a corpus with the codebook's patterns, reading negation and the question.

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
    question_context : bool
        Propose the codes of the interviewer's question for the answer that follows when it
        continues the topic (default True; see :func:`question_hits`).
    negation : bool
        A hit governed by a negation word does not code (default True; see
        :func:`match_patterns`).
    progress : bool or None
        Progress bar; None: only when stderr is a terminal.
    hits : DataFrame, optional
        Output of :func:`match_patterns` on this corpus and codebook, to reuse (skips
        matching); read back from a CSV it may hold its numbers as text (``dtype=str``),
        read as whole numbers here. Checked against both: a hit of a document, segment or
        code they lack, an empty or non-whole ``segment_id``, ``start`` or ``end``, or a
        span that does not hold its ``matched_text``, is an :class:`InputError`. The table
        does not record whether it was made with negation, so whether each hit is
        ``negated`` is decided anew for ``negation`` (the turns holding hits are tokenised
        again, no pattern is matched again); ``excluded`` hits stay excluded.

    Returns
    -------
    DataFrame
        A codings table: ``doc_id, segment_id, start, end, code, coder, evidence, note,
        score``. ``evidence`` is the matched words as written, in text order, distinct,
        joined with ``' | '``; words carried over from the question are prefixed
        ``question: ``; ``note`` lists the patterns that matched (``; ``). ``score`` is
        1.0 when a pattern matched in the unit, 0.5 when the code was only carried over
        from the question. Rows are in corpus order.

    Notes
    -----
    Every row satisfies ``corpus.text(doc_id)[start:end]`` lying inside its segment, and
    every evidence item without the ``question: `` prefix occurs in that slice. Hits with
    a status other than ``coded`` (negated, excluded) never code.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "kerja_sama", "label": "Kerja sama", "patterns": ["kerja sama", "mitra"]},
    ...     {"id": "cepat", "label": "Cepat", "patterns": ["cepat"]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Kerja sama?\\nI: Kami bermitra. Rilis gercep, "
    ...     "kerjasama media.\\nP: Cepat?\\nI: Selalu tepat waktu, Pak.\\nP: Cepat?\\n"
    ...     "I: Kami tidak cepat.\\n"})
    >>> ce.autocode(corpus, cb)[["segment_id", "code", "evidence", "score"]]
       segment_id        code                                      evidence  score
    0           2  kerja_sama  bermitra | kerjasama | question: Kerja sama    1.0
    1           2       cepat                                        gercep    1.0
    2           4       cepat                               question: Cepat    0.5

    The last answer's own hit of *cepat* is negated, so the question does not hand it on.

    >>> ce.autocode(corpus, cb, unit="sentence", question_context=False)[["start", "end", "code"]]
       start  end        code
    0     18   32  kerja_sama
    1     33   63  kerja_sama
    2     33   63       cepat
    """
    roles = _check_corpus_codebook(corpus, codebook, roles)
    check_choice(unit, "unit", ("turn", "sentence"))
    check_type("coder", coder, str, "a coder name (a string such as 'auto')")
    if not coder.strip():
        raise ValueError(f"coder must be a non-empty string, got {coder!r}")
    check_bool(question_context, "question_context")
    check_bool(negation, "negation")
    check_bool(progress, "progress", allow_none=True)
    matcher = compile_codebook(codebook)
    if hits is not None:
        hits = _given_hits(hits, corpus, matcher, negation=negation)
    else:
        hits = matcher.hits(coding_units(corpus, roles), progress=progress, negation=negation)
    all_hits = hits
    if "status" in hits.columns:
        hits = hits[hits["status"] == "coded"]
    hits = hits[HIT_COLUMNS[:8]].assign(_q=0)
    if question_context:
        carried = _question_hits(corpus, matcher, roles, negation=negation, hits=all_hits)
        if len(carried):
            hits = pd.concat([hits, carried[HIT_COLUMNS[:8]].assign(_q=1)], ignore_index=True)
    if hits.empty:
        return empty_coder_codings()
    return _group_hits(hits, corpus, matcher, unit=unit, coder=coder)


def _continues_topic(texts: list[str], negators: frozenset[str],
                     not_only: frozenset[str] = frozenset()) -> np.ndarray:
    """Per answer: at least :data:`MIN_ANSWER_WORDS` words, the first no negation word
    unless the second is a "not only" word (*tidak hanya*, *bukan cuma*: no negation);
    every answer tokenised at once."""
    which, ids, uniques = text_token_ids(texts)
    negates = np.array([u in negators for u in uniques], dtype=bool)
    only = np.array([u in not_only for u in uniques], dtype=bool)
    first = np.flatnonzero(np.diff(which, prepend=-1))  # each answer's first token
    second = first + 1
    has_second = second < len(which)
    has_second[has_second] = which[second[has_second]] == which[first[has_second]]
    first_negates = np.zeros(len(texts), dtype=bool)
    first_negates[which[first]] = negates[ids[first]] & ~(
        has_second & only[ids[np.minimum(second, len(which) - 1)]])
    counts = np.bincount(which, minlength=len(texts))
    return (counts >= MIN_ANSWER_WORDS) & ~first_negates


def _group_hits(hits: pd.DataFrame, corpus: Corpus, matcher: Matcher, *, unit: str,
                coder: str) -> pd.DataFrame:
    """One coding per (unit, code) from its hits: span, evidence, note, score."""
    if unit == "turn":
        keys = ["doc_id", "segment_id", "code"]
        spans = corpus.segments[["doc_id", "segment_id", "start", "end"]].rename(
            columns={"start": "u_start", "end": "u_end"})
        hits = hits.merge(spans, on=["doc_id", "segment_id"], how="left", validate="m:1")
    else:
        keys = ["doc_id", "segment_id", "u_start", "code"]
        hits = _assign_sentences(hits, corpus,
                                 corpus.segments.set_index(["doc_id", "segment_id"]))
    order = {c: i for i, c in enumerate(dict.fromkeys([*matcher.codes,
                                                       *hits["code"].unique().tolist()]))}
    hits = hits.assign(_rank=hits["code"].map(order),
                       _label=[_pattern_label(k, p) for k, p in
                               zip(hits["kind"].tolist(), hits["pattern"].tolist(),
                                   strict=True)])
    hits = hits.sort_values(["_q", "start", "end"], kind="stable")
    gid = hits.groupby(keys, sort=False).ngroup().to_numpy()
    order = np.argsort(gid, kind="stable")
    gid = gid[order]
    cuts = np.flatnonzero(np.diff(gid)) + 1
    lo = np.concatenate(([0], cuts)).tolist()
    hi = np.concatenate((cuts, [len(gid)])).tolist()
    cols = {c: hits[c].to_numpy()[order] for c in
            ["doc_id", "segment_id", "code", "u_start", "u_end", "_rank", "_q"]}
    texts = hits["matched_text"].to_numpy()[order].tolist()
    labels = hits["_label"].to_numpy()[order].tolist()
    direct = np.minimum.reduceat(cols["_q"].astype(np.int64), lo) == 0
    out = pd.DataFrame({
        "doc_id": cols["doc_id"][lo], "segment_id": cols["segment_id"][lo],
        "start": np.minimum.reduceat(cols["u_start"].astype(np.int64), lo),
        "end": np.maximum.reduceat(cols["u_end"].astype(np.int64), lo),
        "code": cols["code"][lo], "_rank": cols["_rank"][lo],
        "evidence": [" | ".join(dict.fromkeys(texts[a:b])) for a, b in
                     zip(lo, hi, strict=True)],
        "note": ["; ".join(dict.fromkeys(labels[a:b])) for a, b in zip(lo, hi, strict=True)],
        "score": np.where(direct, SCORE_HIT, SCORE_QUESTION),
    })
    out["coder"] = coder
    doc_order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.assign(_doc=out["doc_id"].map(doc_order))
    out = out.sort_values(["_doc", "segment_id", "start", "_rank"], kind="stable")
    out = out.drop(columns=["_doc", "_rank"]).reset_index(drop=True)
    return out.astype({"segment_id": "int64", "start": "int64", "end": "int64",
                       "score": "float64"})[[*CODING_COLUMNS, "evidence", "note", "score"]]


def _pattern_label(kind: str, pattern: str) -> str:
    if kind == "regex":
        return f"regex:{pattern}"
    if kind == "question":
        return f"{QUESTION_PREFIX}{pattern}"
    return pattern


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
        j = max(int(np.searchsorted(starts, max(e - 1, s), side="right")) - 1, i)
        u_start.append(int(min(starts[i], s)) if e > s else int(starts[i]))
        u_end.append(int(max(ends[j], e)))
    return hits.assign(u_start=u_start, u_end=u_end)


@dataclass(frozen=True)
class AutocodeReport:
    """What the dictionary coder did (see :func:`autocode_report`).

    Attributes
    ----------
    counts : DataFrame
        ``code, label, n_codings, n_segments, n_documents, n_hits, n_negated, n_excluded``
        for every codable code (zeros included).
    never_matched : DataFrame
        ``code, pattern, kind, rule`` of patterns without a single hit.
    uncoded : DataFrame
        ``doc_id, segment_id, start, end, text`` of coded-role turns without a code.
    """
    counts: pd.DataFrame
    never_matched: pd.DataFrame
    uncoded: pd.DataFrame


def autocode_report(codings: pd.DataFrame, *, corpus: Corpus, codebook: Codebook,
                    hits: pd.DataFrame | None = None,
                    roles: Sequence[str] | None = ("informant",),
                    lang: str | None = None) -> AutocodeReport:
    """What the auto-coder did: counts per code, silent patterns, uncoded turns.

    Parameters
    ----------
    codings : DataFrame
        Output of :func:`autocode`.
    corpus : Corpus
    codebook : Codebook or Matcher
    hits : DataFrame, optional
        Output of :func:`match_patterns` (recomputed when omitted).
    roles : sequence of str or None
        The roles that were coded (for the uncoded turns).
    lang : {"id", "en"}, optional
        Language of the ``label`` column of ``.counts`` (default: the codebook's; a code
        without a label in ``lang`` keeps the one it has; a Matcher keeps its labels).

    Returns
    -------
    AutocodeReport
        ``.counts``: ``code, label, n_codings, n_segments, n_documents, n_hits, n_negated,
        n_excluded`` for every codable code (zeros included; ``n_hits`` counts the hits
        that coded); ``.never_matched``: ``code, pattern, kind, rule`` of patterns without a
        single hit in the coded turns nor in a question whose code ``codings`` carried to
        its answer; ``.uncoded``: ``doc_id, segment_id, start, end, text`` of coded-role
        turns that received no code.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "cepat", "label": "Cepat", "patterns": ["cepat", "segera"]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: Secepatnya.\\nI: Tidak ada.\\n"})
    >>> rep = ce.autocode_report(ce.autocode(corpus, cb), corpus=corpus, codebook=cb)
    >>> rep.never_matched["pattern"].tolist(), rep.uncoded["segment_id"].tolist()
    (['segera'], [2])
    """
    check_codings(codings, columns=["doc_id", "segment_id", "code"], what=_AUTOCODED)
    roles = _check_corpus_codebook(corpus, codebook, roles)
    matcher = compile_codebook(codebook)
    if hits is None:
        hits = matcher.hits(coding_units(corpus, roles))
    else:
        _check_hits(hits, ["doc_id", "segment_id", "code", "pattern", "kind"], corpus, matcher)
    codes = list(dict.fromkeys([*matcher.codes, *codings.get("code", pd.Series()).tolist()]))
    counts = pd.DataFrame({"code": codes})
    if lang is not None:
        check_lang(lang)
    labels = dict(matcher.labels)
    if lang is not None and isinstance(codebook, Codebook):
        labels.update((c, codebook.label(c, lang)) for c in codes if c in codebook)
    counts["label"] = [labels.get(c, c) for c in codes]
    g = codings.groupby("code")
    seg_pairs = codings.drop_duplicates(["doc_id", "segment_id", "code"]).groupby("code").size()
    counts["n_codings"] = counts["code"].map(g.size()).fillna(0).astype("int64")
    counts["n_segments"] = counts["code"].map(seg_pairs).fillna(0).astype("int64")
    counts["n_documents"] = counts["code"].map(g["doc_id"].nunique()).fillna(0).astype("int64")
    status = hits["status"] if "status" in hits.columns else pd.Series("coded", hits.index)
    for col, st in (("n_hits", "coded"), ("n_negated", "negated"), ("n_excluded", "excluded")):
        counts[col] = counts["code"].map(hits[status == st].groupby("code").size()).fillna(
            0).astype("int64")
    patterns = matcher.pattern_table
    seen = set(zip(hits["code"], hits["pattern"], hits["kind"], strict=True))
    asked = _carried_patterns(codings, corpus, matcher, roles)
    never = patterns[[(c, p, k) not in seen and (c, p) not in asked for c, p, k, _ in
                      patterns.itertuples(index=False)]].reset_index(drop=True)
    units = coding_units(corpus, roles)
    coded = set(zip(codings["doc_id"], codings["segment_id"], strict=True))
    mask = [(d, s) not in coded for d, s in zip(units["doc_id"], units["segment_id"],
                                                 strict=True)]
    uncoded = units.loc[mask, ["doc_id", "segment_id", "start", "end", "text"]]
    return AutocodeReport(counts, never, uncoded.reset_index(drop=True))


def _carried_patterns(codings: pd.DataFrame, corpus: Corpus, matcher,
                      roles: Sequence[str] | None) -> set[tuple[str, str]]:
    """``(code, pattern)`` of the question hits whose code ``codings`` carried to an answer
    (none when no coding's evidence comes from a question)."""
    evidence = codings.get("evidence", pd.Series(dtype=object)).astype("string")
    if not evidence.str.contains(QUESTION_PREFIX, regex=False).fillna(False).any():
        return set()
    carried = question_hits(corpus, matcher, roles=roles)
    coded = set(zip(codings["doc_id"], codings["segment_id"], codings["code"], strict=True))
    return {(c, p) for d, s, c, p in zip(carried["doc_id"], carried["segment_id"],
                                         carried["code"], carried["pattern"], strict=True)
            if (d, s, c) in coded}


def explain(codings: pd.DataFrame, *, corpus: Corpus, codebook: Codebook,
            hits: pd.DataFrame | None = None, roles: Sequence[str] | None = None,
            question_context: bool = True) -> pd.DataFrame:
    """The pattern hits behind each coding: why the auto-coder applied a code.

    Parameters
    ----------
    codings : DataFrame
        Codings (typically from :func:`autocode`, any subset of rows).
    corpus : Corpus
    codebook : Codebook or Matcher
    hits : DataFrame, optional
        Output of :func:`match_patterns` on this corpus and codebook (recomputed for every
        turn when omitted; checked as :func:`autocode` checks it). Its ``status`` is taken
        as given: hits made with ``negation=False`` explain with their negated hits too.
    roles : sequence of str or None
        Roles searched when ``hits`` is recomputed (default every turn).
    question_context : bool
        Also list the hits in the interviewer's question that :func:`autocode` handed on to
        the answer (kind ``question``; default True).

    Returns
    -------
    DataFrame
        One row per (coding, hit inside its span): ``doc_id, segment_id, code, start, end``
        of the coding, then ``pattern, kind, hit_start, hit_end, matched_text``. For kind
        ``question`` the hit lies in the question before the coded turn, and is listed for
        the coding that holds the answer's first character (with ``unit="sentence"`` its
        first sentence, the one :func:`autocode` gives the question's code). A coding
        without a hit (e.g. a human coder's) has no row.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codes": [
    ...     {"id": "cepat", "label": "Cepat", "patterns": ["cepat", {"regex": "gercep"}]}]})
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: Kami gercep, secepatnya.\\n"})
    >>> ce.explain(ce.autocode(corpus, cb), corpus=corpus, codebook=cb)[
    ...     ["pattern", "kind", "matched_text"]]
      pattern    kind matched_text
    0   cepat  phrase       gercep
    1  gercep   regex       gercep
    2   cepat  phrase   secepatnya
    """
    check_codings(codings, columns=["doc_id", "segment_id", "code", "start", "end"],
                  what=_AUTOCODED)
    roles = _check_corpus_codebook(corpus, codebook, roles)
    check_codings_against(codings, corpus)  # the analyses' check: ids, offsets, turns
    check_bool(question_context, "question_context")
    if hits is None:
        hits = match_patterns(corpus, codebook, roles=roles)
    else:
        _check_hits(hits, HIT_COLUMNS[:8], corpus, compile_codebook(codebook))
    if "status" in hits.columns:
        hits = hits[hits["status"] == "coded"]
    keys = ["doc_id", "segment_id", "code"]
    left = codings[[*keys, "start", "end"]].assign(
        segment_id=codings["segment_id"].astype("int64")).reset_index(drop=True)
    right = hits.rename(columns={"start": "hit_start", "end": "hit_end"})
    cols = [*keys, "pattern", "kind", "hit_start", "hit_end", "matched_text"]
    right = right[cols]
    if question_context:
        q = question_hits(corpus, codebook, roles=roles)
        q = q.assign(kind="question", hit_start=q["question_start"], hit_end=q["question_end"],
                     matched_text=q["matched_text"].str.slice(len(QUESTION_PREFIX)),
                     _at=q["start"] + _leading_space(corpus, q))
        right = pd.concat([right, q[[*cols, "_at"]]], ignore_index=True)
    else:
        right = right.assign(_at=np.nan)
    both = left.merge(right, on=keys, how="inner")
    # a question's code goes to the unit holding the answer's first character (the turn,
    # or with unit="sentence" the first sentence), as autocode gives it (docs/autocode.md)
    # only a question row has a position (_at); the others' NaN is not compared (numpy
    # warned 'invalid value encountered' for it)
    is_question = both["kind"].eq("question")
    at = both["_at"].where(is_question, both["start"])
    asked = is_question & (both["start"] <= at) & (
        (at < both["end"]) | (both["start"] == both["end"]))
    inside = (((both["hit_start"] >= both["start"]) & (both["hit_end"] <= both["end"])
               & both["kind"].ne("question")) | asked)
    both = both.drop(columns="_at")
    out = both[inside].sort_values(["doc_id", "segment_id", "start", "code", "hit_start"],
                                   kind="stable")
    return out.reset_index(drop=True)


def _leading_space(corpus: Corpus, rows: pd.DataFrame) -> np.ndarray:
    """Characters of white space at the start of the turns of ``rows`` (``doc_id,
    segment_id``): a sentence starts after them."""
    seg = corpus.segments
    lead = seg["text"].astype(str).map(lambda t: len(t) - len(t.lstrip()))
    by = dict(zip(zip(seg["doc_id"], seg["segment_id"].astype("int64"), strict=True), lead,
                  strict=True))
    return np.fromiter((by.get((d, int(sid)), 0) for d, sid in
                        zip(rows["doc_id"], rows["segment_id"], strict=True)),
                       dtype=np.int64, count=len(rows))


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

    Raises
    ------
    InputError
        When either table is not a valid codings table for ``corpus``: a missing column of
        the contract, a ``start`` not smaller than ``end``, a missing code, a span outside its
        document's text, drifted recorded ``text`` (the checks, and messages, of
        :func:`~citra_eval.validate_codings`), or documents the corpus lacks. A corpus
        that is a subset (``corpus.subset(...)``) is the exception: the rows of the
        documents it left out of the corpus it was taken from are not scored (nor checked),
        whether some rows remain or none; a document that corpus never had is refused.

    Warns
    -----
    UserWarning
        When a code of ``reference`` is missing from ``codings``, which holds instead a code
        a typo away that ``reference`` lacks (``'media_sosiall'`` and ``'media_sosial'``).
    CoverageWarning
        When ``reference`` (not empty) has no coding in some documents with a turn of
        ``roles``: they count as read and found to hold no code, so every coding of
        ``codings`` there is a false positive. If they are not coded yet, pass
        ``corpus=corpus.subset(ce.coded_documents(reference, corpus=corpus))``.

    Notes
    -----
    Units are segments: the pair (segment, code) is positive for a table when any of its
    codings of that code lies in the segment. With TP, FP, FN counted over pairs,
    ``precision = TP / (TP + FP)``, ``recall = TP / (TP + FN)``,
    ``f1 = 2 TP / (2 TP + FP + FN)``; undefined ratios (0/0) are NaN. ``micro`` pools TP, FP,
    FN over codes; ``macro`` is the unweighted mean of the per-code values over the codes
    either table applied (``support > 0`` or ``fp > 0``: the codes whose counts ``micro``
    pools, as scikit-learn averages the labels present in either), undefined values counted
    as 0 (scikit-learn's ``zero_division=0``): a code only ``codings`` applied counts with
    precision 0 and recall 0. A code of ``codes`` neither table applied is reported, not
    averaged. Both rows show the same ``tp, fp, fn``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: satu\\nI: dua\\nI: tiga\\n"})
    >>> turns = corpus.segments.set_index("segment_id")
    >>> def table(rows, coder):  # each coding spans its whole turn
    ...     return pd.DataFrame([("D", s, turns.start[s], turns.end[s], c, coder)
    ...                          for s, c in rows], columns=ce.CODING_COLUMNS)
    >>> auto = table([(1, "a"), (2, "a"), (3, "b")], "auto")
    >>> ref = table([(1, "a"), (3, "a"), (3, "b")], "A")
    >>> ce.evaluate_coder(auto, reference=ref, corpus=corpus)[["code", "precision", "recall",
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
    >>> ev = ce.evaluate_coder(auto, reference=a, corpus=corpus)
    >>> list(ev["code"].tail(2))
    ['micro', 'macro']
    >>> bool(0 < ev.loc[ev["code"] == "micro", "f1"].item() < 1)
    True

    When the reference has coded only some interviews so far, score on those alone (the
    others would count every coding of ``codings`` there as a false positive; a
    :class:`~citra_eval.CoverageWarning` names them):
    ``evaluate_coder(auto, reference=a, corpus=corpus.subset(ce.coded_documents(a,
    corpus=corpus)))``.
    """
    check_corpus(corpus)
    # a corpus may be a subset (the documented fix of the CoverageWarning below): the rows
    # of the documents it left out are not scored nor checked, however many; a document
    # the corpus it was taken from lacks too is refused, as every analysis refuses it
    left_out = (corpus._parent_ids or frozenset()) - set(corpus.doc_ids)
    for table, name in ((codings, "codings"), (reference, "reference")):
        check_codings(table, name, columns=CODING_COLUMNS)
        check_codings_against(table[~table["doc_id"].isin(left_out)], corpus, name=name)
    roles = check_roles(roles, corpus)
    _warn_codes_of_one_table(codings, reference)
    if codes is not None:
        codes = check_names(codes, "codes", allow_none=False)
        check_known(codes, "codes", {str(c) for t in (codings, reference)
                                     for c in t.get("code", ())},
                    what="code(s)", absent="neither table has")
    scores = coder_scores(codings, reference=reference, corpus=corpus, roles=roles, codes=codes)
    # after the checks of coder_scores (columns, one coder), before the result is handed back
    warn_uncoded(reference, corpus, set(coding_units(corpus, roles)["doc_id"]),
                 "evaluate_coder", name="reference")
    return scores


def _warn_codes_of_one_table(codings: pd.DataFrame, reference: pd.DataFrame) -> None:
    """A warning for each code of ``reference`` that ``codings`` lacks while holding one a
    typo away that ``reference`` lacks (every segment of both would count as an error)."""
    pred, ref = (set(map(str, t["code"].dropna().unique())) for t in (codings, reference))
    for code in sorted(ref - pred):
        hint = closest(code, pred - ref)
        if hint is not None and one_typo(code, hint):
            warnings.warn(
                f"evaluate_coder: reference holds code {code!r} and codings {hint!r}, neither "
                "held by the other table, so every segment of either counts as an error (F1 0); "
                "if one is a typo, fix it, e.g. reference.replace({'code': "
                f"{{{code!r}: {hint!r}}}}})", UserWarning, stacklevel=caller_stacklevel())


def coder_scores(codings: pd.DataFrame, *, reference: pd.DataFrame, corpus: Corpus,
                 roles: tuple[str, ...] | None, codes: Sequence[str] | None) -> pd.DataFrame:
    """:func:`evaluate_coder` on arguments already checked: ``roles`` and ``codes`` may name
    what this corpus (e.g. one document of a cross-validation) or these tables lack."""
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
    # the codes either table applied (scikit-learn's labels present in y_true or y_pred):
    # the codes whose counts micro pools, so both rows count the same tp, fp, fn
    scored = table[(table["support"] > 0) | (table["fp"] > 0)]
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
