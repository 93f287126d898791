"""How a REFI-QDA file counts text positions, found from the selections themselves.

REFI-QDA 1.5 counts ``startPosition``/``endPosition`` of a ``PlainTextSelection`` in Unicode
code points of the source's plain text. Real programs differ:

- NVivo counts UTF-16 code units, so every character outside the Basic Multilingual Plane
  (emoji, many CJK ideographs) before a selection moves it one position;
- some programs count a CRLF line end as one character although the text file stores two
  (QualCoder's "line endings for MAXQDA" export; ATLAS.ti according to QualCoder's importer).

A position is therefore read in one of four *conventions* (units x line ends). Each
convention is scored on the file's own selections: a coder selects words, so under the right
reading selections start and end on word boundaries, and where a program names a selection
by its text (QualCoder, ATLAS.ti) the name is the text. The program named in the project's
``origin`` adds a prior. :func:`choose_convention` picks the winner or refuses when the
evidence does not single one out; :class:`SourceText` converts positions of any convention
to code points of the LF-normalised text citra_eval keeps (and back, for export).
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from .._validation import check_choice, counted
from ..errors import InputError

__all__ = [
    "CONVENTIONS",
    "SCORE_COLUMNS",
    "STANDARD",
    "Convention",
    "ConventionChoice",
    "PositionsWarning",
    "SourceText",
    "choose_convention",
    "misfit",
    "moved_in_utf16",
    "producer_convention",
    "score_conventions",
]

Units = Literal["codepoint", "utf16"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACE = re.compile(r"\s+")
_SPACES = re.compile(r"\s")

# Log-likelihood weights (natural log). A selection end of the right reading lies on a word
# boundary with probability ~0.9, a shifted one with ~0.5 (boundaries cluster around spaces
# and punctuation, so a shift of one or two often lands on another); a name that quotes the
# text matches under the right reading (~0.95) and rarely under a shifted one (~0.05); a
# position outside the text or inside a surrogate pair is all but impossible for the right
# reading.
_LOG_CLEAN = math.log(0.9 / 0.5)
_LOG_UNCLEAN = math.log(0.1 / 0.5)
_LOG_NAME_MATCH = math.log(0.95 / 0.05)
_LOG_NAME_MISS = math.log(0.05 / 0.95)
_LOG_INVALID = math.log(0.001 / 0.5)
#: Log prior for the convention a known producer uses, per axis (units, line ends).
PRODUCER_PRIOR = 4.0
#: Log prior for the standard's convention (code points, line ends as stored), per axis.
STANDARD_PRIOR = 0.5
#: The winner must lead every reading that maps some selection differently by this much
#: (log odds; 3 is about 20:1).
DECISIVE = 3.0
#: ... and put at least this share of those differing selections on word boundaries.
MIN_SHARE = 0.5
#: A text with fewer white-space characters than this share of its characters is written
#: without spaces between words (Chinese, Japanese, Thai; a spaced language has about one in
#: six): a coder's selections there rarely end on a word boundary, so :func:`misfit` cannot
#: tell from them whether they fit.
MIN_SPACE_RATE = 0.05


@dataclass(frozen=True)
class Convention:
    """How positions are counted: ``units`` (``codepoint`` or ``utf16``) and ``crlf``
    (2: a CRLF line end counts as two characters, as stored; 1: as one).

    Examples
    --------
    >>> Convention("utf16", 2).describe()
    'UTF-16 code units, CRLF counted as 2'
    >>> Convention.parse("codepoint/crlf1")
    Convention(units='codepoint', crlf=1)
    """

    units: Units = "codepoint"
    crlf: Literal[1, 2] = 2

    def __post_init__(self) -> None:
        check_choice(self.units, "units", ("codepoint", "utf16"))
        check_choice(self.crlf, "crlf", (1, 2))

    @property
    def label(self) -> str:
        """Short form, ``codepoint/crlf2``."""
        return f"{self.units}/crlf{self.crlf}"

    def describe(self, *, crlf: bool = True) -> str:
        """Human-readable form for messages (``crlf=False``: the units only, for texts
        without a CR, where the two counts of a line end are the same)."""
        units = "code points" if self.units == "codepoint" else "UTF-16 code units"
        return f"{units}, CRLF counted as {self.crlf}" if crlf else units

    @classmethod
    def parse(cls, label: str) -> Convention:
        """Inverse of :attr:`label`."""
        m = re.fullmatch(r"(codepoint|utf16)/crlf([12])", str(label).strip())
        if not m:
            raise ValueError(f"a position convention looks like 'codepoint/crlf2' or "
                             f"'utf16/crlf1', got {label!r}")
        return cls(m.group(1), int(m.group(2)))  # type: ignore[arg-type]


#: Every reading that is tried, the standard's first.
CONVENTIONS = (Convention("codepoint", 2), Convention("codepoint", 1),
               Convention("utf16", 2), Convention("utf16", 1))
#: REFI-QDA 1.5: code points of the text as stored.
STANDARD = CONVENTIONS[0]

# What each producer is known to do: (origin substring, name, units, crlf, weight of the
# crlf prior relative to PRODUCER_PRIOR); None = not known. Case-insensitive, first match.
_PRODUCERS: tuple[tuple[str, str, Units | None, int | None, float], ...] = (
    # NVivo (Windows 12.6 x3 measured here, Mac 12.7 in issue 15): UTF-16 units, CRLF as
    # stored.
    ("nvivo", "NVivo", "utf16", 2, 1.0),
    # QualCoder is written in Python: code points. Its default export writes LF text; its
    # "line ending for MAXQDA" option writes CRLF but counts each line end once, so the
    # line ends are left to the evidence (QualCoder names each selection by its text).
    ("qualcoder", "QualCoder", "codepoint", None, 0.0),
    # ATLAS.ti counts CRLF as one according to QualCoder's importer (not measured here):
    # half weight; units not known.
    ("atlas", "ATLAS.ti", None, 1, 0.5),
    ("citra_eval", "citra_eval", "codepoint", 2, 1.0),
    # qc (qualitative-coding) is written in Python and writes LF text.
    ("qc ", "qc", "codepoint", 2, 1.0),
)


def _producer(origin: str | None) -> tuple[str | None, Units | None, int | None, float]:
    low = f"{origin or ''} ".lower()
    for key, name, units, crlf, weight in _PRODUCERS:
        if low.startswith(key) if key == "qc " else key in low:
            if name == "citra_eval" and "positions utf16" in low:
                units = "utf16"  # written for NVivo, see write_qdpx(positions=)
            return name, units, crlf, weight
    return None, None, None, 0.0


def producer_convention(origin: str | None) -> tuple[str | None, Units | None, int | None]:
    """``(producer, units, crlf)`` known for the program named in a project's ``origin``.

    Examples
    --------
    >>> producer_convention("NVivo for Windows 12.6")
    ('NVivo', 'utf16', 2)
    >>> producer_convention("MAXQDA 24.7")
    (None, None, None)
    """
    return _producer(origin)[:3]


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"


class SourceText:
    """The plain text of one source as stored, and position maps for every convention.

    Parameters
    ----------
    raw : str
        The text as read from the archive (a leading byte-order mark is dropped: no program
        counts it).

    Attributes
    ----------
    text : str
        The LF-normalised text (CRLF and lone CR become LF) that citra_eval's offsets index.

    Examples
    --------
    >>> src = SourceText("a😀\\r\\nb")
    >>> src.text
    'a😀\\nb'
    >>> [src.from_text(3, c) for c in CONVENTIONS]    # where 'b' is in each reading
    [4, 3, 5, 4]
    >>> [src.to_text(p, c) for p, c in zip([4, 3, 5, 4], CONVENTIONS)]
    [3, 3, 3, 3]
    >>> src.to_text(2, Convention("utf16", 2)) is None     # inside the emoji's surrogate pair
    True
    """

    def __init__(self, raw: str) -> None:
        raw = raw.removeprefix("\ufeff")
        self.raw = raw
        self.text = raw.replace("\r\n", "\n").replace("\r", "\n")
        # CR of each CRLF pair, as an index into raw, and as the LF's index into text
        self._cr_raw = [m.start() for m in re.finditer("\r\n", raw)]
        self._cr_set = set(self._cr_raw)
        self._lf_text = [cr - k for k, cr in enumerate(self._cr_raw)]
        # code-point indices of astral characters, and the UTF-16 offsets where they start,
        # in raw (key 2: CRLF kept) and in text (key 1)
        self._astral = {2: [m.start() for m in _ASTRAL.finditer(raw)],
                        1: [m.start() for m in _ASTRAL.finditer(self.text)]}
        self._u16 = {k: [i + n for n, i in enumerate(v)] for k, v in self._astral.items()}
        self._u16_mid = {k: {s + 1 for s in v} for k, v in self._u16.items()}

    def length(self, convention: Convention) -> int:
        """Length of the text counted in ``convention``."""
        n = len(self.raw) if convention.crlf == 2 else len(self.text)
        return n + (len(self._u16[convention.crlf]) if convention.units == "utf16" else 0)

    def to_text(self, pos: int, convention: Convention) -> int | None:
        """The index into :attr:`text` of position ``pos`` read in ``convention``; None when
        ``pos`` cannot be a position of that reading (outside the text, inside a surrogate
        pair)."""
        if pos < 0 or pos > self.length(convention):
            return None
        if convention.units == "utf16":
            if pos in self._u16_mid[convention.crlf]:
                return None
            pos -= bisect.bisect_right(self._u16[convention.crlf], pos - 2)
        if convention.crlf == 2:
            pos -= bisect.bisect_left(self._cr_raw, pos)
        return pos

    def splits_pair(self, pos: int, convention: Convention) -> bool:
        """Whether ``pos`` (read in ``convention``) falls between the two UTF-16 code units
        of one character (an emoji or another character beyond U+FFFF)."""
        return convention.units == "utf16" and pos in self._u16_mid[convention.crlf]

    def splits_crlf(self, pos: int, convention: Convention) -> bool:
        """Whether ``pos`` (read in ``convention``) falls between the CR and LF of a line end,
        which a selection made by a person never does."""
        if convention.crlf != 2:
            return False
        if convention.units == "utf16":
            pos -= bisect.bisect_right(self._u16[2], pos - 2)
        return pos - 1 in self._cr_set

    def from_text(self, index: int, convention: Convention) -> int:
        """Inverse of :meth:`to_text`: the position in ``convention`` of ``text[index]``."""
        if not 0 <= index <= len(self.text):
            raise ValueError(f"index must lie in 0..{len(self.text)}, got {index}")
        pos = index
        if convention.crlf == 2:
            pos += bisect.bisect_left(self._lf_text, index)
        if convention.units == "utf16":
            pos += bisect.bisect_left(self._astral[convention.crlf], pos)
        return pos

    def boundary(self, index: int) -> bool:
        """Whether ``text[index]`` starts or ``text[index - 1]`` ends a word (not inside one)."""
        if index <= 0 or index >= len(self.text):
            return True
        return not (_is_word(self.text[index - 1]) and _is_word(self.text[index]))


def _norm_quote(s: str) -> str:
    s = _SPACE.sub(" ", s).strip()
    for tail in ("...", "…"):
        s = s.removesuffix(tail).rstrip()
    return s


def _name_matches(name: str, text: str) -> bool:
    text = _norm_quote(text)
    return bool(text) and (name == text or (len(name) >= 8 and text.startswith(name)))


#: Columns of the table :func:`score_conventions` returns.
SCORE_COLUMNS = ["convention", "units", "crlf", "n_selections", "n_valid", "n_boundary",
                 "boundary_share", "n_named", "n_name_match", "prior", "log_likelihood",
                 "score"]


@dataclass
class _Span:
    source: int
    start: int
    end: int
    names: set[str]
    mapped: dict[Convention, tuple[int, int] | None]
    clean: dict[Convention, bool]


def _spans(sources: Sequence[tuple[SourceText, Iterable]],
           conventions: Sequence[Convention]) -> list[_Span]:
    spans: dict[tuple[int, int, int], _Span] = {}
    for i, (_, selections) in enumerate(sources):
        for sel in selections:
            start, end, *rest = sel
            name = _norm_quote(str(rest[0])) if rest and rest[0] else ""
            key = (i, int(start), int(end))
            span = spans.get(key)
            if span is None:
                span = spans[key] = _Span(i, int(start), int(end), set(), {}, {})
            if len(name) >= 3:
                span.names.add(name)
    for span in spans.values():
        src = sources[span.source][0]
        for conv in conventions:
            s, e = src.to_text(span.start, conv), src.to_text(span.end, conv)
            ok = s is not None and e is not None and s <= e
            span.mapped[conv] = (s, e) if ok else None
            span.clean[conv] = bool(ok and src.boundary(s) and src.boundary(e)
                                    and not src.splits_crlf(span.start, conv)
                                    and not src.splits_crlf(span.end, conv))
    return list(spans.values())


def _prior(conv: Convention, origin: str | None) -> float:
    _, units, crlf, crlf_weight = _producer(origin)
    p = STANDARD_PRIOR * ((conv.units == STANDARD.units) + (conv.crlf == STANDARD.crlf))
    p += PRODUCER_PRIOR * ((units == conv.units) + crlf_weight * (crlf == conv.crlf))
    return p


def _evidence(spans: list[_Span], sources, conventions, origin) -> pd.DataFrame:
    rows = []
    quoting: dict[int, set[Convention]] = {}
    for k, span in enumerate(spans):
        if not span.names:
            continue
        text = sources[span.source][0].text
        hits = {c for c in conventions if span.mapped[c] is not None
                and any(_name_matches(n, text[span.mapped[c][0]:span.mapped[c][1]])
                        for n in span.names)}
        if hits:
            quoting[k] = hits
    for conv in conventions:
        ll = 0.0
        n_valid = n_boundary = 0
        for k, span in enumerate(spans):
            m = span.mapped[conv]
            if m is None:
                ll += 2 * _LOG_INVALID
                continue
            n_valid += 1
            src = sources[span.source][0]
            ends = [src.boundary(m[0]) and not src.splits_crlf(span.start, conv),
                    src.boundary(m[1]) and not src.splits_crlf(span.end, conv)]
            n_boundary += all(ends)
            ll += sum(_LOG_CLEAN if ok else _LOG_UNCLEAN for ok in ends)
            if k in quoting:
                ll += _LOG_NAME_MATCH if conv in quoting[k] else _LOG_NAME_MISS
        prior = _prior(conv, origin)
        rows.append({"convention": conv.label, "units": conv.units, "crlf": conv.crlf,
                     "n_selections": len(spans), "n_valid": n_valid, "n_boundary": n_boundary,
                     "boundary_share": n_boundary / len(spans) if spans else math.nan,
                     "n_named": len(quoting),
                     "n_name_match": sum(conv in hits for hits in quoting.values()),
                     "prior": prior, "log_likelihood": ll, "score": prior + ll})
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _candidates(units: str | None, crlf: int | None) -> list[Convention]:
    check_choice(units, "units", (None, "codepoint", "utf16"))
    check_choice(crlf, "crlf", (None, 1, 2))
    return [c for c in CONVENTIONS if (units is None or c.units == units)
            and (crlf is None or c.crlf == crlf)]


def score_conventions(sources: Sequence[tuple[SourceText, Iterable]], *,
                      origin: str | None = None, units: Units | None = None,
                      crlf: Literal[1, 2] | None = None) -> pd.DataFrame:
    """Score every reading of a project's selections.

    Parameters
    ----------
    sources : sequence of (SourceText, selections)
        Each source's text and its selections as ``(start, end)`` or ``(start, end, name)``
        tuples of the file's positions. Selections with the same source, start and end count
        once (one span coded with several codes is one piece of evidence).
    origin : str, optional
        The project's ``origin`` attribute (the program that wrote it), for the prior.
    units, crlf : optional
        Fix one or both axes; only the matching readings are scored.

    Returns
    -------
    DataFrame
        One row per reading: ``convention`` (``codepoint/crlf2``...), ``units``, ``crlf``,
        ``n_selections`` (distinct spans), ``n_valid`` (both positions inside the text and
        not inside a surrogate pair), ``n_boundary`` (valid, both ends on word boundaries and
        not between CR and LF), ``boundary_share`` (``n_boundary / n_selections``),
        ``n_named`` (spans whose name quotes their text under some reading),
        ``n_name_match`` (... under this reading), ``prior`` (log prior: the standard and
        the producer), ``log_likelihood``, ``score`` (``prior + log_likelihood``).

    Notes
    -----
    For each span and reading, each end adds :math:`\\log(0.9/0.5)` when it lies on a word
    boundary and :math:`\\log(0.1/0.5)` when not; an invalid span adds
    :math:`2\\log(0.001/0.5)`; a span whose name quotes its text under some reading adds
    :math:`\\pm\\log(0.95/0.05)` as the name matches under this reading or not. The prior
    adds 0.5 per axis on which the reading is the standard's and 4 per axis on which it is
    the producer's known convention (2 for ATLAS.ti's line ends, which are hearsay).

    Examples
    --------
    >>> src = SourceText("Halo 😀 dunia. Kami bermitra dengan media.")
    >>> start = src.text.index("bermitra")
    >>> sel = [(start + 1, start + 9)]    # positions as UTF-16 units (the emoji counts 2)
    >>> table = score_conventions([(src, sel)])
    >>> table[["convention", "n_boundary"]]
            convention  n_boundary
    0  codepoint/crlf2           0
    1  codepoint/crlf1           0
    2      utf16/crlf2           1
    3      utf16/crlf1           1
    """
    conventions = _candidates(units, crlf)
    spans = _spans(sources, conventions)
    return _evidence(spans, sources, conventions, origin)


@dataclass(frozen=True)
class ConventionChoice:
    """The reading chosen for a project's positions.

    Attributes
    ----------
    convention : Convention
        The winner.
    scores : DataFrame
        :func:`score_conventions`' table.
    basis : str
        ``evidence`` (the selections decided), ``producer`` (the producer's known
        convention, the selections could not tell), ``agreement`` (every reading maps every
        selection alike, so the choice changes nothing), ``override`` (both axes given).
    producer : str or None
        The program recognised in ``origin``.
    has_cr : bool
        Whether a source's text holds a CR (else a line end is counted alike in every
        reading, and :meth:`summary` does not speak of CRLF).
    """

    convention: Convention
    scores: pd.DataFrame
    basis: str
    producer: str | None = None
    has_cr: bool = True

    def summary(self) -> str:
        """One line for the user: the reading and the evidence for it."""
        row = self.scores.set_index("convention")
        win = row.loc[self.convention.label]
        n = int(win["n_selections"])
        head = f"positions read as {self.convention.describe(crlf=self.has_cr)}"
        if n == 0:
            return "no text selections, so no positions to read"
        if self.basis == "agreement":
            return f"{head}: every reading gives the same text for all {n} selection(s)"
        if self.basis == "override":
            return (f"{head} (as asked): {int(win['n_boundary'])}/{n} selection(s) start and "
                    "end on word boundaries")
        others = list(dict.fromkeys(  # without a CR, the line-end readings are one
            f"{int(r['n_boundary'])}/{n} as "
            f"{Convention.parse(label).describe(crlf=self.has_cr)}"
            for label, r in row.iterrows() if label != self.convention.label
            and (self.has_cr or Convention.parse(label).units != self.convention.units)))
        why = (f" ({self.producer}'s convention)" if self.producer and self.basis == "producer"
               else "")
        names = (f"; {int(win['n_name_match'])}/{int(win['n_named'])} selection names quote "
                 "their text" if int(win["n_named"]) else "")
        return (f"{head}{why}: {int(win['n_boundary'])}/{n} selection(s) start and end on "
                f"word boundaries{names} (against {', '.join(others)})")


def _equivalent(spans: list[_Span], a: Convention, b: Convention) -> bool:
    return all(s.mapped[a] == s.mapped[b] for s in spans)


def _table_text(scores: pd.DataFrame) -> str:
    parts = []
    for r in scores.itertuples(index=False):
        named = f", names {r.n_name_match}/{r.n_named}" if r.n_named else ""
        parts.append(f"{r.convention}: {r.n_boundary}/{r.n_selections} on word boundaries"
                     f"{named}, {r.n_valid} valid, score {r.score:.1f}")
    return "; ".join(parts)


def choose_convention(sources: Sequence[tuple[SourceText, Iterable]], *,
                      origin: str | None = None, units: Units | None = None,
                      crlf: Literal[1, 2] | None = None,
                      path: str | None = None) -> ConventionChoice:
    """Choose how a project's positions are counted, or refuse when the evidence is unclear.

    Parameters
    ----------
    sources : sequence of (SourceText, selections)
        As for :func:`score_conventions`.
    origin : str, optional
        The project's ``origin`` (the program that wrote the file).
    units : {"codepoint", "utf16"}, optional
        Take this unit as given (``--positions``) instead of detecting it.
    crlf : {1, 2}, optional
        Take this count of a CRLF line end as given (``--crlf``).
    path : str, optional
        The file, for the error message.

    Returns
    -------
    ConventionChoice
        The winner, the scores and what decided it.

    Raises
    ------
    InputError
        When readings that put some selection on different text remain and none leads the
        others by a log-odds of :data:`DECISIVE` (about 20:1), or the leader puts fewer than
        half of the selections it disagrees on onto word boundaries. The message lists the
        scores and says how to choose with ``--positions``/``--crlf``.

    Notes
    -----
    The winner has the highest ``score`` (prior + log-likelihood, see
    :func:`score_conventions`). Readings that map every selection to the same text as the
    winner are not competitors (a text without emoji cannot tell code points from UTF-16
    units); when all are alike, the choice is the producer's convention or the standard.

    Examples
    --------
    >>> text = "Kami 😀 bermitra 😀 dengan media lokal. Lalu 😀 membuat MoU resmi."
    >>> src = SourceText(text)
    >>> sels = [(src.from_text(text.index(w), Convention("utf16", 2)),
    ...          src.from_text(text.index(w) + len(w), Convention("utf16", 2)))
    ...         for w in ["bermitra", "media lokal", "membuat MoU"]]
    >>> choice = choose_convention([(src, sels)], origin="NVivo for Windows 12.6")
    >>> choice.convention.label, choice.basis
    ('utf16/crlf2', 'evidence')
    >>> s, e = (src.to_text(p, choice.convention) for p in sels[1])
    >>> src.text[s:e]
    'media lokal'
    """
    conventions = _candidates(units, crlf)
    spans = _spans(sources, conventions)
    scores = _evidence(spans, sources, conventions, origin)
    producer = producer_convention(origin)[0]
    has_cr = any("\r" in src.raw for src, _ in sources)
    order = scores.sort_values("score", ascending=False, kind="stable")
    best = Convention.parse(order["convention"].iloc[0])
    by_label = scores.set_index("convention")
    if len(conventions) == 1:
        return ConventionChoice(best, scores, "override", producer, has_cr)
    rivals: list[Convention] = []  # the best of each class of readings that agree
    for label in order["convention"]:
        conv = Convention.parse(label)
        if not any(_equivalent(spans, conv, c) for c in [best, *rivals]):
            rivals.append(conv)
    if not rivals:
        return ConventionChoice(best, scores, "agreement", producer, has_cr)
    problems = []
    evidence_decides = True
    for rival in rivals:
        lead = by_label.loc[best.label, "score"] - by_label.loc[rival.label, "score"]
        data_lead = (by_label.loc[best.label, "log_likelihood"]
                     - by_label.loc[rival.label, "log_likelihood"])
        if lead < DECISIVE:
            problems.append(f"{best.label} leads {rival.label} by only {lead:.1f}")
        elif data_lead < DECISIVE:
            evidence_decides = False
    differing = [s for s in spans if any(s.mapped[best] != s.mapped[r] for r in rivals)]
    share = sum(s.clean[best] for s in differing) / len(differing)
    if share < MIN_SHARE:
        problems.append(f"{best.label} puts only {share:.0%} of the {len(differing)} "
                        "selection(s) the readings disagree on onto word boundaries")
    if problems:
        raise InputError(
            "cannot tell how this file counts text positions (" + "; ".join(problems)
            + "). Scores: " + _table_text(scores) + ". Choose with --positions "
            "codepoint|utf16 and --crlf 1|2 (read_qdpx(..., positions=, crlf=)) and check a "
            "few codings' text", path=path)
    return ConventionChoice(best, scores, "evidence" if evidence_decides else "producer",
                            producer, has_cr)




def misfit(text: SourceText, selections: Iterable, convention: Convention) -> str | None:
    """Whether a source's selections do not fit its text in the reading chosen.

    A text changed after it was coded (words added or removed, in a file kept outside the
    archive) moves every selection after the change onto other characters. Those land on
    word boundaries about as often as any position does, where a coder's selections nearly
    always do; a selection beyond the end of the text (a text cut short) cannot be one of
    the text coded. The selections are scanned from the last one back (sorted by position),
    so that an edit far into the text, which moves only the few selections after it, is
    judged on those: the selections from some position on do not fit when fewer than
    :data:`MIN_SHARE` of them (distinct spans) start and end on word boundaries *and* their
    log-likelihood under the weights of :func:`score_conventions` is at most ``-DECISIVE``
    (20:1 against the text as coded; a selection outside the text counts as the invalid
    spans do there). Under the weights' model a text as coded meets this at some position
    with probability below ``exp(-DECISIVE)`` (about 5%, the same bound as for the whole
    text: the scan is a likelihood-ratio test of a change point). The time is
    O(n log n) in the selections, whatever the length of the text. In a text written
    without spaces (see :data:`MIN_SPACE_RATE`) only selections outside the text count.

    Parameters
    ----------
    text : SourceText
        The source's text as read.
    selections : iterable
        ``(start, end)`` or ``(start, end, name)`` positions as the file writes them.
    convention : Convention
        The reading chosen for the project (:func:`choose_convention`).

    Returns
    -------
    str or None
        ``"only K of its N selection(s) start and end on word boundaries"`` (``... of its N
        selection(s) from position P on ...`` when only those after position ``P`` of the
        file do not fit; ``M of them outside its text`` added when some lie beyond it), or
        None when they fit (or nothing can be told).

    Examples
    --------
    >>> coded = "Kami bermitra dengan media lokal dan radio setiap minggu."
    >>> sels = [(coded.index(w), coded.index(w) + len(w)) for w in
    ...         ["bermitra", "media lokal", "radio", "setiap minggu"]]
    >>> misfit(SourceText(coded), sels, STANDARD) is None
    True
    >>> misfit(SourceText("Ya, " + coded), sels, STANDARD)    # four characters added before
    'only 0 of its 4 selection(s) start and end on word boundaries'
    >>> edited = coded.replace("radio", "radioku")  # two characters added after "lokal"
    >>> misfit(SourceText(edited), sels, STANDARD)
    'only 1 of its 3 selection(s) from position 21 on start and end on word boundaries'
    """
    judge = len(_SPACES.findall(text.text)) >= MIN_SPACE_RATE * len(text.text)
    # (start, end) as the file writes them -> (log-likelihood, clean, outside the text)
    spans: dict[tuple[int, int], tuple[float, bool, bool]] = {}
    for start, end, *_ in selections:
        key = (int(start), int(end))
        s, e = text.to_text(key[0], convention), text.to_text(key[1], convention)
        if s is None or e is None:
            spans[key] = (2 * _LOG_INVALID, False, True)
        elif s < e:
            ends = [text.boundary(s) and not text.splits_crlf(key[0], convention),
                    text.boundary(e) and not text.splits_crlf(key[1], convention)]
            ll = sum(_LOG_CLEAN if ok else _LOG_UNCLEAN for ok in ends) if judge else 0.0
            spans[key] = (ll, all(ends) or not judge, False)
    order = sorted(spans)
    found: tuple[int, int, int] | None = None  # (first index, clean, outside): the earliest
    ll, clean, outside = 0.0, 0, 0
    for k in range(len(order) - 1, -1, -1):
        span_ll, span_clean, span_outside = spans[order[k]]
        ll, clean, outside = ll + span_ll, clean + span_clean, outside + span_outside
        if k and order[k - 1][0] == order[k][0]:
            continue  # judge only from a position on: every selection starting there
        n = len(order) - k
        if clean < MIN_SHARE * n and ll <= -DECISIVE:
            found = (k, clean, outside)
    if found is None:
        return None
    k, clean, outside = found
    where = f" from position {order[k][0]} on" if k else ""
    beyond = f" ({outside} of them outside its text)" if outside else ""
    return (f"only {clean} of its {len(order) - k} selection(s){where}{beyond} start and end "
            "on word boundaries")


class PositionsWarning(UserWarning):
    """Positions written in code points (the REFI-QDA standard) of texts holding characters
    beyond U+FFFF (e.g. emoji), which NVivo counts twice: ``moved`` of ``total`` codings
    would hold other text there (:func:`moved_in_utf16`); ``fix`` says how to write them as
    NVivo counts (``positions='utf16'``; the command's ``--positions utf16``)."""

    def __init__(self, moved: int, total: int, fix: str = "write with positions='utf16'"):
        self.moved, self.total, self.fix = moved, total, fix
        super().__init__(
            "positions count code points (the REFI-QDA standard), but the texts hold "
            "characters beyond U+FFFF (e.g. emoji), which NVivo counts twice: there "
            f"{moved} of {counted(total, 'coding')} would hold other text; for NVivo {fix}")


def moved_in_utf16(texts: dict[str, str], codings: pd.DataFrame) -> int:
    """How many ``codings`` (``doc_id``, ``end``) a program counting UTF-16 units (NVivo)
    would place on other text when their positions count code points: those ending after a
    character beyond U+FFFF (an emoji, which UTF-16 counts twice) of their document's text
    (``texts``: ``{doc_id: text}``, e.g. :attr:`Corpus.texts`).

    >>> import pandas as pd
    >>> moved_in_utf16({"a": "ok 😀 yes"}, pd.DataFrame({"doc_id": ["a", "a"], "end": [2, 8]}))
    1
    """
    first = {doc: m.start() for doc, text in texts.items()
             if (m := _ASTRAL.search(text)) is not None}
    if not first or codings.empty:
        return 0
    limit = codings["doc_id"].astype(str).map(first)
    return int((codings["end"].astype(float) > limit).sum())
