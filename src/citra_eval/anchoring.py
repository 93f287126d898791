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
that aligns best, at every step: its turn is tried whole before any fuzzy search, and an
exact or loose match that ends at the turn's end, of a coding that began at the turn's start,
had words added before it. One that begins at its turn's start and ends before the turn's
end, while the codings just after it moved by exactly the characters now after it in the
turn, had words added after it (also when its own text did not move): it covers the whole
turn too. When nothing after it is coded, only the codings file can say that a coding was of
its whole turn: a coding with ``whole_turn`` true (``sheet import`` writes it for a sheet's
marks) whose text is found in a turn, at its offsets or moved, covers that whole turn; one
found by no step covers the turn its ``segment_id`` names, when its old text ran over the
whole of it and is at least :data:`MARKED_MIN_SIMILARITY` like it (a turn edited past
``min_similarity``).

A coding whose text is found in more than one place at the first step that finds it is
*ambiguous*, unless exactly one of the places is its old place moved by the shift of the
codings around it (the nearest before and after it that stayed or moved unambiguously, when
both moved alike, as text inserted above moves them); one found nowhere is *lost*: neither
is moved (a deleted passage is reported, never guessed). Codings without a recorded text
cannot be checked; they are left alone. A coding whose text is at its offsets, but whose
``segment_id`` names another turn than the one they lie in (a segment_id written wrong by
hand), gets the ``segment_id`` of that turn.
"""

from __future__ import annotations

import bisect
import math
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._passages import FUZZY_MIN_LENGTH, find_exact, find_fuzzy, find_loose, similarity, spans_whole
from ._validation import check_codings, check_corpus, check_proportion
from .codings import CODING_COLUMNS, whole_turn_flags
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
        ``start``, ``end`` (and ``text``: the characters now coded); ambiguous and lost ones
        unchanged.
    report : DataFrame
        One row per drifted coding, per coding whose text is at its offsets but in
        another turn than its ``segment_id``, and per coding of a whole turn widened to the
        words added at the turn's end (columns :data:`REANCHOR_COLUMNS`): ``row``,
        ``line`` (file line, when known), the coding's ``doc_id, segment_id, start, end,
        code, coder, text``; ``status`` (``moved``, ``ambiguous`` or ``lost``); ``how`` it was found
        (``exact``, ``loose`` or ``fuzzy``, with ``-turn`` or ``-document``: where; ``whole``: a
        coding that covered a whole turn, moved to cover the whole edited turn; ``marked-turn``: a
        coding recorded as of its whole turn (``whole_turn`` true), found by no step, whose turn
        (its ``segment_id``) its old text ran over and is at least :data:`MARKED_MIN_SIMILARITY`
        like: it covers that turn; ``-shift``: of several places, the one at its old place moved by
        the shift of the codings around it; ``exact-offsets``: the text is at the coding's offsets,
        which lie in another turn than its ``segment_id`` names, a segment_id written wrong: only
        the ``segment_id`` changes; ``form-offsets``: the text is at the coding's offsets in another
        Unicode form, composed against decomposed accents, or with other spaces, a no-break space
        for a space: only the ``text`` column changes, to the transcript's characters);
        ``new_segment_id, new_start, new_end`` (moved only); ``similarity`` of the new text to the
        old (1 for exact); ``found`` (the text now coded); ``candidates`` (for ambiguous codings:
        every place, ``start:end``, separated by ``; ``).
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
    def ok(self) -> bool:
        """True when every drifted coding was moved (none ambiguous or lost)."""
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
        drifted coding), ``.moved``, ``.ambiguous``, ``.lost``, ``.ok``.

    Raises
    ------
    InputError
        When a coding names a document the corpus does not have.

    Notes
    -----
    Search order for each drifted coding (the first step that finds anything decides):
    exact text in its turn, exact in its document, then ignoring case/whitespace/
    typographic quotes in the turn and in the document, then fuzzy in the turn and in
    the document. Several places at the deciding step make the coding ambiguous. The
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
        if _same_form(held, r["text"]):
            # not a move: the text column in another Unicode form (or another space, a
            # no-break space for a space), rewritten as it is here
            sid = finder.other_turn(r)
            searched[i] = ("moved", "form-offsets",
                           [(r["start"], r["end"], r["segment_id"] if sid is None else sid)])
            continue
        searched[i] = finder.find(r)
    _prefer_the_shift(records, searched)
    _grown_at_the_end(records, searched, finder)
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
        before_or_after = [d for _, d in around[max(k - 1, 0):k + 1]]
        if len(set(before_or_after)) != 1:
            continue  # no coding around it, or an edit near it: their shifts disagree
        chosen = [p for p in places if p[0] == r["start"] + before_or_after[0]]
        if len(chosen) == 1:
            found[i] = ("moved", f"{how.split('-')[0]}-shift", chosen)


def _shifts(records: list[dict], found: dict[int, tuple]) -> dict[str, list[tuple[int, int]]]:
    """Per document, ``(old start, shift)`` of each coding that stayed or moved, sorted: how
    far the edits before it moved it."""
    shifts: dict[str, list[tuple[int, int]]] = {}
    for i, r in enumerate(records):
        if r["text"] is None:
            continue
        status, how, places = found.get(i, ("kept", "", [(r["start"], r["end"], None)]))
        if status in ("kept", "moved"):
            # a whole-turn coding widened to its edited turn moved as its end did: words
            # added at the turn's start move the codings after them, not the turn's start
            shift = (places[0][1] - r["end"] if how.startswith("whole")
                     else places[0][0] - r["start"])
            shifts.setdefault(r["doc_id"], []).append((r["start"], shift))
    for around in shifts.values():
        around.sort()
    return shifts


def _grown_at_the_end(records: list[dict], found: dict[int, tuple], finder: _Finder) -> None:
    """Widen to its whole turn a coding that covered a whole turn to which words were added
    at its end: it begins at its turn's first character and now ends before the turn's
    last, and the codings just after it (the nearest after its old end, all moved alike)
    moved by exactly the characters now between its end and the turn's end more than it
    did: that text was added there, so the turn ended where the coding did. A coding of
    a turn's first sentence is not widened (the rest of its turn was there before, so the
    codings after it did not move by it). A coding the file records as of its whole turn
    (``whole_turn`` true) covers the whole turn its text is found in, with nothing coded
    after it too. ``found`` is updated in place (how ``whole-turn``); a kept coding so
    widened is reported as moved. Likewise a coding found at its turn's end after words
    added at the turn's start, when the turn moved too: the nearest coding above it moved
    by exactly as much as the turn's start did, so the coding began at its turn's start."""
    shifts = _shifts(records, found)
    for i, r in enumerate(records):
        if r["text"] is None:
            continue
        status, how, places = found.get(i, ("kept", "", [(r["start"], r["end"], None)]))
        if status not in ("kept", "moved") or how.startswith(("whole", "form")) \
                or (how.startswith("fuzzy") and not r["whole"]):
            continue
        s, e = places[0][:2]
        sid = finder.turn_of(r["doc_id"], s, e)
        if sid is None:
            continue
        sids, starts, ends = finder.turns(r["doc_id"])
        k = int(np.flatnonzero(sids == sid)[0])
        if r["whole"]:  # recorded as a whole-turn coding (a sheet's mark)
            if (s, e) != (int(starts[k]), int(ends[k])):
                found[i] = ("moved", "whole-turn", [(int(starts[k]), int(ends[k]), sid)])
            continue
        around = shifts.get(r["doc_id"], [])
        if status == "moved" and s > int(starts[k]) and e == int(ends[k]):
            before = bisect.bisect_left(around, (r["start"], -math.inf)) - 1  # nearest above
            if before >= 0 and r["start"] + around[before][1] == int(starts[k]):
                # the turn's start moved as the coding above it: the coding began there
                found[i] = ("moved", "whole-turn", [(int(starts[k]), e, sid)])
            continue
        if s != int(starts[k]) or e >= int(ends[k]):
            continue
        at = bisect.bisect_left(around, (r["end"], -math.inf))  # the first after its end
        after = {d for start, d in around[at:] if start == around[at][0]} if at < len(around) \
            else set()
        if len(after) == 1 and after.pop() - (s - r["start"]) == int(ends[k]) - e:
            found[i] = ("moved", "whole-turn", [(s, int(ends[k]), sid)])


def _same_form(held: str, text: str) -> bool:
    """Whether ``text`` is ``held`` in another Unicode form (composed against decomposed
    accents) or with other space characters (a no-break space for a space), one for one."""
    held, text = unicodedata.normalize("NFC", held), unicodedata.normalize("NFC", text)
    return len(held) == len(text) and all(
        a == b or (a.isspace() and b.isspace()) for a, b in zip(held, text, strict=True))


def _checked(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    check_codings(codings, columns=CODING_COLUMNS)
    check_corpus(corpus)
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

    def turns(self, doc: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if doc not in self._turns:
            seg = self.corpus.segments[self.corpus.segments["doc_id"] == doc]
            self._turns[doc] = (seg["segment_id"].to_numpy(np.int64),
                                seg["start"].to_numpy(np.int64), seg["end"].to_numpy(np.int64))
        return self._turns[doc]

    def turn_of(self, doc: str, s: int, e: int) -> int | None:
        """The turn holding ``[s, e)`` entirely, or None."""
        sids, starts, ends = self.turns(doc)
        inside = np.flatnonzero((starts <= s) & (e <= ends))
        return int(sids[inside[0]]) if len(inside) else None

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

    def whole_turn(self, doc: str, old: str,
                   place: tuple[int, int, int]) -> tuple[int, int, int] | None:
        """The whole turn of a fuzzy match, when ``old`` covered a whole turn (a sheet mark)
        whose text was edited at an end: the best-aligned span leaves the edited end out,
        but the coding was of the turn, so it covers the whole new turn."""
        sids, starts, ends = self.turns(doc)
        k = int(np.flatnonzero(sids == place[2])[0])
        s, e = int(starts[k]), int(ends[k])
        turn = self.corpus.text(doc)[s:e]
        if (s, e) == place[:2] or similarity(old, turn) < self.min_similarity \
                or not spans_whole(old, turn):
            return None
        return s, e, place[2]

    def whole_edited_turn(self, r: dict, place: tuple[int, int, int] | None = None
                          ) -> tuple[str, tuple[int, int, int]] | None:
        """``(how, whole turn)`` when coding ``r`` covered a whole turn whose text was edited,
        so that it covers the whole edited turn; else None.

        Without ``place``: the turn ``r``'s ``segment_id`` names is at least
        ``min_similarity`` like the old text and the old text ran from its first character
        to its last (:func:`spans_whole`): tried before any fuzzy search, which a whole
        turn needs not (how ``whole``, also when only words inside the turn changed). With
        ``place`` (an exact or loose match in that turn): the old text still begins where
        the turn begins (nothing before the turn changed, and the coding began at the
        turn's first character) and is found at the turn's end, with words added before
        it: words added at the turn's start, the coding was of the whole turn."""
        sids, starts, ends = self.turns(r["doc_id"])
        own = np.flatnonzero(sids == r["segment_id"])
        if not len(own):
            return None
        s, e, sid = int(starts[own[0]]), int(ends[own[0]]), r["segment_id"]
        if place is not None:
            if place[2] == sid and r["start"] == s and place[1] == e and place[0] > s:
                return "whole", (s, e, sid)
            return None
        old, turn = r["text"], self.corpus.text(r["doc_id"])[s:e]
        if len(old) < FUZZY_MIN_LENGTH or not turn \
                or similarity(old, turn) < self.min_similarity or not spans_whole(old, turn):
            return None
        return "whole", (s, e, sid)

    def find(self, r: dict) -> tuple[str, str | None, list[tuple[int, int, int | None]]]:
        """``(status, how, places)`` for one drifted coding."""
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
            if how == "fuzzy":  # a whole-turn coding covers its whole edited turn
                whole = self.whole_edited_turn(r)
                if whole is not None:
                    return "moved", f"{whole[0]}-turn", [whole[1]]
            for where, lo, hi in scopes:
                places = [(s, e, self.turn_of(doc, s, e)) for s, e in search(lo, hi)]
                if how == "fuzzy":  # an alignment may run over a speaker label: clip it
                    places = [self.clipped(doc, old, s, e) for s, e, _ in places]
                places = [p for p in places if p is not None and p[2] is not None]
                if len(places) == 1 and how == "fuzzy" and self.whole_turn(doc, old,
                                                                        places[0]):
                    return "moved", f"whole-{where}", [self.whole_turn(doc, old, places[0])]
                if len(places) == 1:
                    whole = self.whole_edited_turn(r, places[0])
                    if whole is not None:
                        return "moved", f"{whole[0]}-{where}", [whole[1]]
                    return "moved", f"{how}-{where}", places
                if len(places) > 1:
                    return "ambiguous", f"{how}-{where}", places
        marked = self.marked_turn(r)
        if marked is not None:
            return "moved", "marked-turn", [marked]
        return "lost", None, []

    def marked_turn(self, r: dict) -> tuple[int, int, int] | None:
        """The turn coding ``r``'s ``segment_id`` names, when the file records ``r`` as of
        its whole turn (``whole_turn`` true), its old text ran over the whole of it
        (:func:`spans_whole`) and is at least :data:`MARKED_MIN_SIMILARITY` like it: a turn
        edited past ``min_similarity`` is still the turn the coding was of."""
        if not r["whole"]:
            return None
        sids, starts, ends = self.turns(r["doc_id"])
        own = np.flatnonzero(sids == r["segment_id"])
        if not len(own):
            return None
        s, e = int(starts[own[0]]), int(ends[own[0]])
        turn = self.corpus.text(r["doc_id"])[s:e]
        if not turn or similarity(r["text"], turn) < MARKED_MIN_SIMILARITY \
                or not spans_whole(r["text"], turn):
            return None
        return s, e, r["segment_id"]
