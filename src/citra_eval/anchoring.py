"""Codings that survive edited transcripts: find drifted codings and move them to their text.

A codings table that records its ``text`` (the coded characters) knows what it coded. When a
transcript is edited after coding (a typo fixed, a name corrected, a passage cut), codings
after the edit point at shifted characters: :func:`check_anchors` lists them, and
:func:`reanchor` moves each one to where its text is now:

1. the same text, exactly, inside the same turn (the segment with the coding's
   ``segment_id``), else anywhere in the same document;
2. the same text ignoring case, runs of whitespace and typographic quotes (turn, then
   document);
3. for text that was itself edited: the one best fuzzy match whose similarity reaches
   ``min_similarity`` (turn, then document).

A coding that covered a whole turn (a sheet mark) covers the whole edited turn, not the part
that aligns best, whichever step finds it: its turn is tried whole before any fuzzy search,
and an exact or loose match covers its whole turn when it began at its old turn's start (its
text begins the turn now, or its old start, moved as the nearest coding above it moved, or
not at all when nothing above it is coded, is the turn's start) and ended at its old turn's
end (its text ends the turn now, or the codings just after it moved by exactly the
characters now after it in the turn more than it did): words were added at its start, its
end, or both. A coding of one sentence of several fails at one end at least. Where no
coding tells (words added at a turn's end, nothing coded after it; words added at the start
of a turn that also moved, nothing coded above it: the same codings and the same edited
transcript also come from a coding of part of the turn), only the codings file can: a
coding with ``whole_turn`` true (``sheet import`` writes it for a sheet's marks) whose text
is found in a turn, at its offsets or moved, covers that whole turn; one found by no step
covers the turn its ``segment_id`` names, when its old text ran over the whole of it and is
at least :data:`MARKED_MIN_SIMILARITY` like it (a turn edited past ``min_similarity``).

A coding whose text is found in more than one place at the first step that finds it is
*ambiguous*, unless exactly one of the places is its old place moved by the shift of the
codings around it (the nearest before and after it that stayed or moved unambiguously, when
both moved alike, as text inserted above moves them); one found nowhere is *lost*: neither
is moved (a deleted passage is reported, never guessed). One whose text was found only
edited, or not at all, but is found across consecutive turns now (exactly, loosely, or more
similar than in any one turn: a speaker label inserted inside the turn it coded split that
turn) is *split*: it is not moved either, since a coding lies inside one turn and moving it
to one of them would narrow it. Codings without a recorded text
cannot be checked; they are left alone. A coding whose text is at its offsets, but whose
``segment_id`` names another turn than the one they lie in (a segment_id written wrong by
hand), gets the ``segment_id`` of that turn.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._passages import FUZZY_MIN_LENGTH, find_exact, find_fuzzy, find_loose, similarity, spans_whole
from ._validation import check_codings, check_corpus, check_proportion
from .codings import CODING_COLUMNS, check_coding_cells, form_difference, whole_turn_flags
from .corpus import Corpus
from .errors import InputError

__all__ = ["ANCHOR_COLUMNS", "MIN_SIMILARITY", "REANCHOR_COLUMNS", "ReanchorResult",
           "check_anchors", "reanchor"]

#: Columns of :func:`check_anchors`.
ANCHOR_COLUMNS = ["row", "line", "doc_id", "segment_id", "start", "end", "code", "coder",
                  "text", "now"]
#: Columns of :attr:`ReanchorResult.report`.
REANCHOR_COLUMNS = ["row", "line", "doc_id", "segment_id", "start", "end", "code", "coder",
                    "text", "status", "how", "new_segment_id", "new_start", "new_end",
                    "similarity", "found", "candidates"]
#: Default threshold of the fuzzy step.
MIN_SIMILARITY = 0.9
#: Lowest similarity of a whole-turn coding (``whole_turn`` true) to its edited turn, when no
#: step found its text: a turn at least half like it is still the turn it was of.
MARKED_MIN_SIMILARITY = 0.5


def check_anchors(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """The codings whose recorded text is no longer at their offsets.

    Parameters
    ----------
    codings : DataFrame
        A codings table with a ``text`` column (rows with missing ``text`` are not checked).
    corpus : Corpus
        The transcripts as they are now.

    Returns
    -------
    DataFrame
        One row per drifted coding, in table order: ``row`` (0-based position in
        ``codings``), ``line`` (the file line when the table has a ``_line`` column, as
        :func:`citra_eval.read_codings` with ``keep_lines=True`` gives, else missing),
        ``doc_id, segment_id, start, end, code, coder``, ``text`` (what the coding says) and
        ``now`` (what the transcript holds at ``start:end`` now; shorter when the document
        got shorter).

    Raises
    ------
    InputError
        When a coding names a document the corpus does not have.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> len(ce.check_anchors(a, corpus))
    0
    >>> moved = a.assign(start=a["start"] + 1, end=a["end"] + 1)  # as after an insertion
    >>> drifted = ce.check_anchors(moved, corpus)
    >>> len(drifted) == len(a), drifted.loc[0, "now"][:-1] == drifted.loc[0, "text"][1:]
    (True, True)
    """
    codings = _checked(codings, corpus)
    rows = []
    for i, r in enumerate(_records(codings)):
        if r["text"] is None:
            continue
        now = corpus.text(r["doc_id"])[r["start"]:r["end"]]
        if now != r["text"]:
            rows.append({**_front(i, r), "text": r["text"], "now": now})
    return _frame(rows, ANCHOR_COLUMNS)


@dataclass(frozen=True)
class ReanchorResult:
    """What :func:`reanchor` did.

    Attributes
    ----------
    codings : DataFrame
        The codings, same rows in the same order: moved ones at their new ``segment_id``,
        ``start``, ``end`` (and ``text``: the characters now coded); ambiguous, split and
        lost ones unchanged.
    report : DataFrame
        One row per drifted coding, per coding whose text is at its offsets but in
        another turn than its ``segment_id``, and per coding of a whole turn widened to the
        words added to the turn (columns :data:`REANCHOR_COLUMNS`): ``row``,
        ``line`` (file line, when known), the coding's ``doc_id, segment_id, start, end,
        code, coder, text``; ``status`` (``moved``, ``ambiguous``, ``split`` or ``lost``);
        ``how`` it was found
        (``exact``, ``loose`` or ``fuzzy``, with ``-turn`` or ``-document``: where; ``whole``: a
        coding that covered a whole turn, moved to cover the whole edited turn; ``marked-turn``: a
        coding recorded as of its whole turn (``whole_turn`` true), found by no step, whose turn
        (its ``segment_id``) its old text ran over and is at least :data:`MARKED_MIN_SIMILARITY`
        like: it covers that turn; ``-shift``: of several places, the one at its old place moved by
        the shift of the codings around it; ``exact-offsets``: the text is at the coding's offsets,
        which lie in another turn than its ``segment_id`` names, a segment_id written wrong: only
        the ``segment_id`` changes; ``form-offsets``: the text is at the coding's offsets in another
        Unicode form, composed against decomposed accents, in another letter case, or with other
        spaces, a no-break space for a space: only the ``text`` column changes, to the
        transcript's characters; ``exact-split``, ``loose-split`` or ``fuzzy-split``: a
        split coding, its text found so across the turns);
        ``new_segment_id, new_start, new_end`` (moved only); ``similarity`` of the new text to the
        old (1 for exact); ``found`` (the text now coded); ``candidates`` (for ambiguous codings:
        every place, ``start:end``, separated by ``; ``; for split codings: each new turn its
        text runs over and its part of it, ``turn <segment_id> <start>:<end>``, separated
        by ``; ``: only turns of its speaker's role, not another speaker's turn inserted
        inside the turn it coded).
    min_similarity : float
        The threshold used for fuzzy matches.
    """

    codings: pd.DataFrame
    report: pd.DataFrame
    min_similarity: float

    @property
    def moved(self) -> pd.DataFrame:
        """The report's rows of codings that were moved."""
        return self.report[self.report["status"] == "moved"]

    @property
    def ambiguous(self) -> pd.DataFrame:
        """The report's rows of codings whose text was found in several places."""
        return self.report[self.report["status"] == "ambiguous"]

    @property
    def lost(self) -> pd.DataFrame:
        """The report's rows of codings whose text was found nowhere."""
        return self.report[self.report["status"] == "lost"]

    @property
    def split(self) -> pd.DataFrame:
        """The report's rows of codings whose text now runs over several turns."""
        return self.report[self.report["status"] == "split"]

    @property
    def ok(self) -> bool:
        """True when every drifted coding was moved (none ambiguous, split or lost)."""
        return bool((self.report["status"] == "moved").all())


def reanchor(codings: pd.DataFrame, corpus: Corpus, *,
             min_similarity: float = MIN_SIMILARITY) -> ReanchorResult:
    """Move drifted codings to where their recorded text now is.

    Parameters
    ----------
    codings : DataFrame
        A codings table with a ``text`` column (the coded characters, as every codings
        writer records them); rows with missing ``text`` are left alone.
    corpus : Corpus
        The transcripts as they are now (after the edit).
    min_similarity : float
        Lowest similarity (0-1) of a fuzzy match to the recorded text (default 0.9: a
        300-character passage with a few words retyped; a passage half deleted scores
        about 0.67). Fuzzy matching is only tried for texts of 12 characters or more.

    Returns
    -------
    ReanchorResult
        ``.codings`` (the table with moved codings updated), ``.report`` (one row per
        drifted coding), ``.moved``, ``.ambiguous``, ``.split``, ``.lost``, ``.ok``.

    Raises
    ------
    InputError
        When a coding names a document the corpus does not have.

    Notes
    -----
    Search order for each drifted coding (the first step that finds anything decides):
    exact text in its turn, exact in its document, then ignoring case/whitespace/
    typographic quotes in the turn and in the document, then fuzzy in the turn and in
    the document. Several places at the deciding step make the coding ambiguous. A text
    found only fuzzily, or not at all, is also searched in the document's turns joined
    (speaker labels left out): found across turns there, the coding is split. The
    similarity is difflib's ratio ``2M / (len(old) + len(new))``, ``M`` the number of
    matching characters. A new span must lie inside one turn; its ``segment_id`` is that
    turn's. Exact and loose search are linear in the document; fuzzy search aligns only
    windows little longer than the text, and long alignments are split at long common
    stretches first, so a long whole-turn coding costs near-linear time (see
    :mod:`citra_eval._passages`).

    Examples
    --------
    >>> import pandas as pd
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"a.txt": "---\\nid: D1\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Apa strategi humas?\\nI: Kerja sama dengan media.\\n"})
    >>> codings = ce.record_text(pd.DataFrame([("D1", 2, 26, 50, "kerja_sama", "A")],
    ...                          columns=ce.CODING_COLUMNS), corpus=corpus)
    >>> edited = ce.Corpus.from_texts({"a.txt": "---\\nid: D1\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Apa strategi humas kita?\\nI: Kerja sama dengan media.\\n"})
    >>> result = ce.reanchor(codings, edited)
    >>> result.report[["status", "how", "start", "new_start", "new_end"]]
      status         how  start  new_start  new_end
    0  moved  exact-turn     26         31       55
    >>> row = result.codings.iloc[0]
    >>> edited.text("D1")[row.start:row.end]
    'Kerja sama dengan media.'
    """
    codings = _checked(codings, corpus)
    min_similarity = check_proportion(min_similarity, "min_similarity", zero=False)
    finder = _Finder(corpus, min_similarity)
    records = _records(codings)
    sids = [r["segment_id"] for r in records]
    starts = [r["start"] for r in records]
    ends = [r["end"] for r in records]
    texts = [r["text"] for r in records]
    searched = {}
    for i, r in enumerate(records):
        if r["text"] is None:
            continue
        held = corpus.text(r["doc_id"])[r["start"]:r["end"]]
        if held == r["text"]:
            other = finder.other_turn(r)
            if other is not None:  # a segment_id written wrong: the turn the text is in
                searched[i] = ("moved", "exact-offsets", [(r["start"], r["end"], other)])
            continue
        if form_difference(r["text"], held) is not None:
            # not a move: the text column in another Unicode form, letter case or kind of
            # space (a no-break space for a space), rewritten as it is here
            sid = finder.other_turn(r)
            searched[i] = ("moved", "form-offsets",
                           [(r["start"], r["end"], r["segment_id"] if sid is None else sid)])
            continue
        searched[i] = finder.find(r)
    _prefer_the_shift(records, searched)
    _whole_turns(records, searched, finder)
    report = []
    for i, r in enumerate(records):
        if i not in searched:
            continue
        status, how, places = searched[i]
        row = {**_front(i, r), "text": r["text"], "status": status, "how": how,
               "new_segment_id": None, "new_start": None, "new_end": None,
               "similarity": None, "found": None, "candidates": None}
        if status == "moved":
            (s, e, sid), = places
            found = corpus.text(r["doc_id"])[s:e]
            row.update(new_segment_id=sid, new_start=s, new_end=e, found=found,
                       similarity=1.0 if how == "form-offsets"  # the same text
                       else similarity(r["text"], found))
            sids[i], starts[i], ends[i], texts[i] = sid, s, e, found
        elif status == "ambiguous":
            row["candidates"] = "; ".join(f"{s}:{e}" for s, e, _ in places)
        elif status == "split":
            row["candidates"] = "; ".join(f"turn {sid} {s}:{e}" for s, e, sid in places)
        report.append(row)
    out = codings.copy()
    if report:
        out["segment_id"] = np.asarray(sids, dtype=np.int64)
        out["start"] = np.asarray(starts, dtype=np.int64)
        out["end"] = np.asarray(ends, dtype=np.int64)
        out["text"] = pd.Series(texts, index=out.index, dtype="str")
    rep = _frame(report, REANCHOR_COLUMNS)
    rep = rep.astype({"new_segment_id": "Int64", "new_start": "Int64", "new_end": "Int64",
                      "similarity": "float64"})
    return ReanchorResult(out, rep, float(min_similarity))


# --------------------------------------------------------------------------- internals


def _prefer_the_shift(records: list[dict], found: dict[int, tuple]) -> None:
    """Settle an ambiguous coding whose candidates include exactly one at its old place
    moved by the shift of the codings around it (the nearest before and after it in its
    document that stayed or moved unambiguously; both by the same amount): text inserted
    or cut above moves every coding below alike. ``found`` is updated in place (how
    ``<step>-shift``)."""
    shifts = _shifts(records, found)
    for i, (status, how, places) in list(found.items()):
        if status != "ambiguous":
            continue
        r = records[i]
        around = shifts.get(r["doc_id"], [])
        k = bisect.bisect_right(around, (r["start"], math.inf))  # the first one after it
        before_or_after = ([around[k - 1][2]] if k else []) + (
            [around[k][1]] if k < len(around) else [])
        if len(set(before_or_after)) != 1:
            continue  # no coding around it, or an edit near it: their shifts disagree
        chosen = [p for p in places if p[0] == r["start"] + before_or_after[0]]
        if len(chosen) == 1:
            found[i] = ("moved", f"{how.split('-')[0]}-shift", chosen)


def _shifts(records: list[dict], found: dict[int, tuple]
            ) -> dict[str, list[tuple[int, int, int]]]:
    """Per document, ``(old start, shift of its start, shift of its end)`` of each coding
    that stayed or moved, sorted: how far the edits before its start (its end) moved it. A
    coding of a whole turn edited at its start moved more at its end than at its start."""
    shifts: dict[str, list[tuple[int, int, int]]] = {}
    for i, r in enumerate(records):
        if r["text"] is None:
            continue
        status, _, places = found.get(i, ("kept", "", [(r["start"], r["end"], None)]))
        if status in ("kept", "moved"):
            s, e = places[0][:2]
            shifts.setdefault(r["doc_id"], []).append((r["start"], s - r["start"], e - r["end"]))
    for around in shifts.values():
        around.sort()
    return shifts


def _whole_turns(records: list[dict], found: dict[int, tuple], finder: _Finder) -> None:
    """Give every coding that covered its whole old turn (:func:`_covered_whole_turn`) the
    whole turn its text is found in now, when it covers only part of it. ``found`` is
    updated in place (how ``whole-turn``); a kept coding so widened is reported as moved."""
    shifts = _shifts(records, found)
    for i, r in enumerate(records):
        if r["text"] is None:
            continue
        status, how, places = found.get(i, ("kept", "", [(r["start"], r["end"], None)]))
        if status not in ("kept", "moved") or how.startswith(("whole", "marked", "form")):
            continue
        s, e = places[0][:2]
        turn = finder.turn_holding(r["doc_id"], s, e)
        if turn is not None and turn[:2] != (s, e) and _covered_whole_turn(
                r, how, (s, e), turn, shifts.get(r["doc_id"], [])):
            found[i] = ("moved", "whole-turn", [turn])


def _covered_whole_turn(r: dict, how: str, span: tuple[int, int], turn: tuple[int, int, int],
                        around: list[tuple[int, int, int]]) -> bool:
    """Whether coding ``r``, whose old text is found at ``span`` inside ``turn`` (``start,
    end, segment_id`` as it is now), covered the whole of its old turn. The codings file
    says so (``whole_turn`` true: the place a fuzzy match gives is enough), or an exact or
    loose match shows it at both ends of the turn:

    - it began at its turn's start: its text begins the turn now, or its old start moved by
      as much as the nearest coding above it (``around``: :func:`_shifts`) moved at its end,
      or by nothing when nothing above it is coded, lands on the turn's start (so the words
      before it in the turn were added there);
    - it ended at its turn's end: its text ends the turn now, or the codings just after it
      (the nearest after its old end, all moved alike) moved by exactly the characters now
      after it in the turn more than it did (so those were added there).

    A coding of one sentence of several fails at one end at least: the rest of its turn was
    there before, so nothing around it moved by it. When nothing is coded after it and its
    text no longer ends its turn, or when the turn moved and nothing is coded above it,
    nothing but ``whole_turn`` tells: the same codings and the same edited transcript also
    come from a coding of part of the turn."""
    if r["whole"]:
        return True
    if how.startswith("fuzzy"):
        return False  # an alignment's ends say nothing of the turn's
    (s, e), (ts, te, _) = span, turn
    k = bisect.bisect_left(around, (r["start"], -math.inf))  # the first at or after its start
    began = s == ts or r["start"] + (around[k - 1][2] if k else 0) == ts
    at = bisect.bisect_left(around, (r["end"], -math.inf))  # the first at or after its end
    first = around[at][0] if at < len(around) else None
    after = {d for start, d, _ in around[at:] if start == first}
    ended = e == te or (len(after) == 1 and after.pop() - (e - r["end"]) == te - e)
    return began and ended


def _checked(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    check_codings(codings, columns=CODING_COLUMNS)
    check_corpus(corpus)
    check_coding_cells(codings)  # a missing code, start >= end: read_codings's messages
    unknown = sorted(set(map(str, codings["doc_id"])) - set(corpus.doc_ids))
    if unknown:
        raise InputError(f"codings refer to document(s) not in the corpus: "
                         f"{', '.join(unknown[:5])}; read the transcripts these codings were "
                         "made on")
    return codings


def _records(codings: pd.DataFrame) -> list[dict]:
    text = (codings["text"].to_numpy(dtype=object) if "text" in codings.columns
            else np.full(len(codings), None, dtype=object))
    lines = (codings["_line"].to_numpy() if "_line" in codings.columns
             else np.full(len(codings), None, dtype=object))
    whole = whole_turn_flags(codings)
    return [{"doc_id": str(d), "segment_id": int(sid), "start": int(s), "end": int(e),
             "code": c, "coder": who, "text": None if pd.isna(t) else str(t),
             "line": None if ln is None or pd.isna(ln) else int(ln), "whole": bool(w)}
            for d, sid, s, e, c, who, t, ln, w in zip(
                codings["doc_id"], codings["segment_id"], codings["start"], codings["end"],
                codings["code"], codings["coder"], text, lines, whole, strict=True)]


def _front(i: int, r: dict) -> dict:
    return {"row": i, "line": r["line"], "doc_id": r["doc_id"], "segment_id": r["segment_id"],
            "start": r["start"], "end": r["end"], "code": r["code"], "coder": r["coder"]}


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"line": "Int64"})


class _Finder:
    """Searches one corpus, caching each document's turn table."""

    def __init__(self, corpus: Corpus, min_similarity: float) -> None:
        self.corpus = corpus
        self.min_similarity = min_similarity
        self._turns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._joined: dict[str, tuple] = {}

    def turns(self, doc: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if doc not in self._turns:
            seg = self.corpus.segments[self.corpus.segments["doc_id"] == doc]
            self._turns[doc] = (seg["segment_id"].to_numpy(np.int64),
                                seg["start"].to_numpy(np.int64), seg["end"].to_numpy(np.int64))
        return self._turns[doc]

    def turn_holding(self, doc: str, s: int, e: int) -> tuple[int, int, int] | None:
        """``(start, end, segment_id)`` of the turn holding ``[s, e)`` entirely, or None."""
        sids, starts, ends = self.turns(doc)
        inside = np.flatnonzero((starts <= s) & (e <= ends))
        return (int(starts[inside[0]]), int(ends[inside[0]]), int(sids[inside[0]])) \
            if len(inside) else None

    def turn_of(self, doc: str, s: int, e: int) -> int | None:
        """The ``segment_id`` of the turn holding ``[s, e)`` entirely, or None."""
        turn = self.turn_holding(doc, s, e)
        return None if turn is None else turn[2]

    def other_turn(self, r: dict) -> int | None:
        """The turn holding coding ``r``'s span when that is not the turn its
        ``segment_id`` names (a segment_id written wrong), else None."""
        sids, starts, ends = self.turns(r["doc_id"])
        own = np.flatnonzero(sids == r["segment_id"])
        if len(own) and starts[own[0]] <= r["start"] and r["end"] <= ends[own[0]]:
            return None
        return self.turn_of(r["doc_id"], r["start"], r["end"])

    def clipped(self, doc: str, old: str, s: int, e: int) -> tuple[int, int, int] | None:
        """``[s, e)`` cut to the turn it overlaps most, if still similar enough to ``old``."""
        sids, starts, ends = self.turns(doc)
        overlap = np.minimum(ends, e) - np.maximum(starts, s)
        if not len(overlap) or overlap.max() <= 0:
            return None
        k = int(np.argmax(overlap))
        s, e = max(s, int(starts[k])), min(e, int(ends[k]))
        text = self.corpus.text(doc)
        if similarity(old, text[s:e]) < self.min_similarity:
            return None
        return s, e, int(sids[k])

    def whole_turn(self, doc: str, old: str, sid: int,
                   threshold: float) -> tuple[int, int, int] | None:
        """``(start, end, segment_id)`` of turn ``sid`` when ``old`` (a coding's text before
        the edit) ran from the turn's first character to its last (:func:`spans_whole`) and
        is at least ``threshold`` like it: the coding was of that whole turn, whose text was
        since edited, so it covers the whole edited turn, not the part that aligns best."""
        sids, starts, ends = self.turns(doc)
        own = np.flatnonzero(sids == sid)
        if not len(own):
            return None
        s, e = int(starts[own[0]]), int(ends[own[0]])
        turn = self.corpus.text(doc)[s:e]
        if not turn or similarity(old, turn) < threshold or not spans_whole(old, turn):
            return None
        return s, e, sid

    def find(self, r: dict) -> tuple[str, str | None, list[tuple[int, int, int | None]]]:
        """``(status, how, places)`` for one drifted coding: :meth:`search`, unless its
        text was found only edited (fuzzy, a whole turn, a marked turn) or not at all, and
        runs over several turns now (:meth:`split`): then ``split``, never a part of it."""
        found = self.search(r)
        status, how, places = found
        if status == "ambiguous" or (how is not None and how.startswith(("exact", "loose"))):
            return found
        now = (similarity(r["text"], self.corpus.text(r["doc_id"])[places[0][0]:places[0][1]])
               if status == "moved" else 0.0)
        return self.split(r, now) or found

    def split(self, r: dict, now: float) -> tuple[str, str, list[tuple[int, int, int]]] | None:
        """``("split", how, pieces)`` when coding ``r``'s old text is now found across
        consecutive turns (a speaker label inserted inside the turn it covered): exactly or
        loosely in the document's turns joined by spaces (:meth:`joined`), or by the one
        fuzzy match there that is more similar than ``now`` (the similarity of the place
        found in one turn, 0 when none); ``pieces`` are the ``(start, end, segment_id)`` of
        its part of each turn. None when it is not so found."""
        view, vstarts, seg = self.joined(r["doc_id"])
        old = r["text"]
        searches = [("exact", lambda: find_exact(view, old)),
                    ("loose", lambda: find_loose(view, old))]
        if len(old) >= FUZZY_MIN_LENGTH:
            searches.append(("fuzzy", lambda: [(s, e) for s, e, sim in find_fuzzy(
                view, old, min_similarity=self.min_similarity) if sim > now]))
        for how, search in searches:
            places = search()
            across = [p for p in (self._pieces(vs, ve, vstarts, seg) for vs, ve in places)
                      if len(p) > 1]
            if len(across) == 1:
                return "split", f"{how}-split", self._of_its_speaker(r["doc_id"], across[0])
            if places:  # found in one turn, or across turns in several places: not told
                return None
        return None

    def _of_its_speaker(self, doc: str, pieces: list[tuple[int, int, int]]
                        ) -> list[tuple[int, int, int]]:
        """The ``pieces`` of a split coding in turns of its speaker: of the role (else the
        speaker label) of its longest piece. A turn of another speaker inserted inside the
        coded turn (an interviewer's ``Oh begitu.``) holds none of the coded words; the
        pieces whole when fewer than two would remain."""
        seg = self.corpus.segments
        seg = seg[seg["doc_id"] == doc].set_index("segment_id")
        role = seg["role"].astype(object).where(seg["role"].notna(), None)
        who = {int(k): (("role", r) if r not in (None, "") else ("speaker", sp))
               for k, r, sp in zip(seg.index, role, seg["speaker"].astype(object), strict=True)}
        longest = max(pieces, key=lambda p: p[1] - p[0])
        mine = [p for p in pieces if who.get(p[2]) == who.get(longest[2])]
        return mine if len(mine) > 1 else pieces

    @staticmethod
    def _pieces(vs: int, ve: int, vstarts: np.ndarray,
                seg: tuple[np.ndarray, np.ndarray, np.ndarray]) -> list[tuple[int, int, int]]:
        """The part ``[vs, ve)`` of the joined turns covers of each turn, as ``(start,
        end, segment_id)`` in the document; the joining spaces belong to none."""
        sids, starts, ends = seg
        out = []
        for k in range(int(np.searchsorted(vstarts, vs, side="right")) - 1, len(sids)):
            k0 = int(vstarts[k])
            if k0 >= ve:
                break
            lo = max(vs, k0) - k0
            hi = min(ve, k0 + int(ends[k] - starts[k])) - k0
            if hi > lo:
                out.append((int(starts[k]) + lo, int(starts[k]) + hi, int(sids[k])))
        return out

    def joined(self, doc: str) -> tuple[str, np.ndarray, tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]]:
        """Document ``doc``'s turns joined by one space each (without speaker labels or
        line ends between them: a turn split in two reads as it did before), where each turn
        starts in it, and the turn table (:meth:`turns`)."""
        if doc not in self._joined:
            seg = self.turns(doc)
            text = self.corpus.text(doc)
            parts = [text[s:e] for s, e in zip(seg[1], seg[2], strict=True)]
            lengths = np.fromiter((len(p) + 1 for p in parts), np.int64, len(parts))
            vstarts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
            self._joined[doc] = (" ".join(parts), vstarts, seg)
        return self._joined[doc]

    def search(self, r: dict) -> tuple[str, str | None, list[tuple[int, int, int | None]]]:
        """``(status, how, places)`` for one drifted coding, its text searched turn by turn.

        A coding of a whole turn whose text was edited covers the whole edited turn: its own
        turn (the one its ``segment_id`` names) is tried whole before any fuzzy search
        (which a whole turn needs not), a fuzzy match in another turn is widened to it, and
        one found by no step that the file records as of its whole turn (``whole_turn``
        true) covers its own turn when at least :data:`MARKED_MIN_SIMILARITY` like it (how
        ``marked-turn``: a turn edited past ``min_similarity`` is still the turn it was
        of). Exact and loose matches are widened afterwards (:func:`_whole_turns`)."""
        doc, old = r["doc_id"], r["text"]
        text = self.corpus.text(doc)
        sids, starts, ends = self.turns(doc)
        own = np.flatnonzero(sids == r["segment_id"])
        scopes = [("turn", int(starts[own[0]]), int(ends[own[0]]))] if len(own) else []
        scopes.append(("document", 0, len(text)))
        searches = [
            ("exact", lambda lo, hi: find_exact(text, old, lo, hi)),
            ("loose", lambda lo, hi: find_loose(text, old, lo, hi)),
            ("fuzzy", lambda lo, hi: [(s, e) for s, e, _ in find_fuzzy(
                text, old, lo, hi, min_similarity=self.min_similarity)]),
        ]
        for how, search in searches:
            if how == "fuzzy" and len(old) >= FUZZY_MIN_LENGTH:
                whole = self.whole_turn(doc, old, r["segment_id"], self.min_similarity)
                if whole is not None:
                    return "moved", "whole-turn", [whole]
            for where, lo, hi in scopes:
                places = [(s, e, self.turn_of(doc, s, e)) for s, e in search(lo, hi)]
                if how == "fuzzy":  # an alignment may run over a speaker label: clip it
                    places = [self.clipped(doc, old, s, e) for s, e, _ in places]
                places = [p for p in places if p is not None and p[2] is not None]
                if len(places) == 1 and how == "fuzzy":
                    whole = self.whole_turn(doc, old, places[0][2], self.min_similarity)
                    if whole is not None and whole != places[0]:
                        return "moved", f"whole-{where}", [whole]
                if len(places) == 1:
                    return "moved", f"{how}-{where}", places
                if len(places) > 1:
                    return "ambiguous", f"{how}-{where}", places
        marked = (self.whole_turn(doc, old, r["segment_id"], MARKED_MIN_SIMILARITY)
                  if r["whole"] else None)
        if marked is not None:
            return "moved", "marked-turn", [marked]
        return "lost", None, []
