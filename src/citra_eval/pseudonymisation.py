"""Pseudonymise transcripts (their codings and memos) before sharing them; reverse it with the key.

Personal names come from a key (``name -> pseudonym``, e.g. informant codes); e-mail
addresses, Indonesian phone numbers and NIK numbers (16-digit identity numbers) are detected.
Every replacement is recorded with its offsets, so codings are remapped to keep slicing the
new texts, and :func:`reidentify` restores the original texts, codings and memos exactly from
the re-identification key (the full report, which holds the originals and must be stored apart
from the shared data).
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import os
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ._files import check_columns_unique, csv_rows, read_text_file, restore_cell, unique_stem
from ._memos import check_memos, read_memos
from ._refi import ID_OK
from ._validation import check_codings, check_corpus, row_name
from ._yaml import read_yaml_file
from .autocoding import QUESTION_PREFIX
from .codebook import Codebook
from .codings import read_codings, record_text
from .corpus import Corpus, front_matter_key, main_line_end, with_line_ends
from .errors import InputError, Problem

__all__ = ["DETECTORS", "BoundaryWarning", "PseudonymResult", "SpeakerLabelWarning", "load_key",
           "pseudonymise", "reidentify"]

REPORT_COLUMNS = ["doc_id", "field", "start", "end", "orig_start", "orig_end", "original",
                  "replacement", "kind"]
PUBLIC_COLUMNS = ["doc_id", "field", "start", "end", "replacement", "kind"]
_DERIVED = {"doc_id", "path", "format", "n_segments", "n_words"}
#: Codings columns never pseudonymised (``text`` is recorded again from the new texts).
_CODING_KEPT = {"doc_id", "segment_id", "start", "end", "code", "text"}
#: Memos columns never pseudonymised: what a memo is, when it was made and what it is about
#: (a ``code`` is the codebook's id, shared as it is); every other text column (``name``,
#: ``text``, ``author``, ``target``: words a person wrote) is.
_MEMO_KEPT = {"memo_id", "created", "about", "doc_id", "start", "end", "code"}
#: The columns kept of each table pseudonymise takes beside the corpus, by what a row is.
_KEPT = {"coding": _CODING_KEPT, "memo": _MEMO_KEPT}

_EMAIL = (r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
          r"\.[A-Za-z]{2,}\b")
# Indonesian numbers: +62 / 62 / 0, then a mobile (8xx) or area code, in groups split by
# spaces, dots or dashes; optional parentheses round the area code.
_PHONE = (r"(?<![\w+])(?:(?:\+62|62)[ \u00a0.\-]?\(?0?|\(0|0)(?:8\d{1,3}|[2-7]\d{1,3})\)?"
          r"(?:[ \u00a0.\-]?\d{2,5}){1,3}(?!\w)")  # separators never include a line break
_NIK = r"(?<![\w])\d{4}[ .]?\d{4}[ .]?\d{4}[ .]?\d{4}(?![\w])"
#: The detectors by name: a compiled pattern and a check of the match.
DETECTORS: dict[str, tuple[re.Pattern, Callable[[str], bool]]] = {
    "email": (re.compile(_EMAIL), lambda m: True),
    "phone": (re.compile(_PHONE), lambda m: 9 <= len(re.sub(r"\D", "", m)) <= 15),
    "nik": (re.compile(_NIK), lambda m: len(re.sub(r"\D", "", m)) == 16),
}
_TOKEN = {"email": "EMAIL", "phone": "TELEPON", "nik": "NIK"}
#: The characters of a document id (:data:`~citra_eval._refi.ID_OK`), which names a file.
_ID_CHARS = re.compile(r"[A-Za-z0-9_.\-]+")
#: A token's word (``EMAIL-1``), bracketed or not, ignoring case: one the inputs already
#: hold is never handed out.
_TOKEN_WORD = re.compile(rf"(?<!\w)({'|'.join(_TOKEN.values())})-(\d+)(?!\w)", re.IGNORECASE)
#: How many widened codings a :class:`BoundaryWarning` names.
NAMED_ROWS = 3


class BoundaryWarning(UserWarning):
    """Codings (or memos about a selection) whose start or end lay inside a replaced name,
    identifier or pseudonym were widened to hold all of it (their other characters are
    unchanged).

    Attributes
    ----------
    rows : list of int
        Positions (0-based) in the table given (codings or memos) of the widened rows.
    inside : str
        What their boundaries cut (``a replaced name or identifier``, ``a pseudonym``).
    what : str
        ``coding`` or ``memo``: which table ``rows`` are of.
    """

    def __init__(self, rows: list[int], inside: str, places: list[str],
                 what: str = "coding") -> None:
        self.rows, self.inside, self.what = rows, inside, what
        super().__init__(self.describe(places))

    def describe(self, places: list[str]) -> str:
        """The message, naming the first widened rows by ``places`` (e.g. ``line 4 (INF01
        at 120)`` of a file, ``row 2 (index 7, INF01 at 120)`` of a DataFrame; at most
        :data:`NAMED_ROWS` are shown)."""
        more = len(self.rows) - NAMED_ROWS
        return (f"{len(self.rows)} {self.what}(s) began or ended inside {self.inside}; each now "
                f"holds all of it: {', '.join(places[:NAMED_ROWS])}"
                + (f" and {more} more" if more > 0 else ""))


class SpeakerLabelWarning(UserWarning):
    """A speaker label left as it was that is a name of the key written with other accents
    (``RENI`` for the key's ``Réni``): names are replaced as the key writes them, ignoring
    case only, so the label stays in the shared transcripts."""


_PRIORITY = {"nik": 0, "email": 0, "phone": 1, "name": 2}


@dataclass
class PseudonymResult:
    """What :func:`pseudonymise` (or :func:`reidentify`) returns.

    Attributes
    ----------
    corpus : Corpus
        The new corpus (new texts, remapped segments, pseudonymised speakers/attributes).
    codings : DataFrame or None
        The codings with remapped ``start``/``end`` (and pseudonymised ``evidence``/``note``).
    memos : DataFrame or None
        The memos (None when none were given): ``name``, ``text``, ``author``, ``target``
        pseudonymised, ``doc_id`` following renamed documents, the ``start``/``end`` of a
        memo about a selection remapped.
    report : DataFrame
        The re-identification key: one row per replacement, ``doc_id, field, start, end,
        orig_start, orig_end, original, replacement, kind``. ``field`` is ``text`` for the
        plain text (``start``/``end`` in the new text, ``orig_*`` in the old one),
        ``attribute:<name>``, ``speaker``, ``coding:<row>:<column>`` or ``memo:<row>:<column>``
        for whole values (a memo about no document has no ``doc_id``), and
        ``coding-span:<row>`` (``memo-span:<row>``) for a coding (a memo about a selection)
        widened to a whole pseudonym (``original`` and ``replacement`` are its ``start:end``
        before and after), with ``coding-id:<row>`` (its code and coder, a JSON list:
        reidentify finds it by them in codings returned in another order). ``kind`` is
        ``name``,
        ``email``, ``phone``, ``nik`` or ``value``. It contains the originals: keep it apart
        from the shared data.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> res = ce.pseudonymise(corpus, key={"Humas": "PR"}, detect=())
    >>> res.report[["field", "original", "replacement", "kind"]].iloc[0].tolist()
    ['text', 'humas', 'PR', 'name']
    >>> list(res.public_report().columns)
    ['doc_id', 'field', 'start', 'end', 'replacement', 'kind']
    """
    corpus: Corpus
    codings: pd.DataFrame | None
    report: pd.DataFrame
    memos: pd.DataFrame | None = None
    _replacer: _Replacer | None = field(default=None, repr=False, compare=False)

    def apply(self, value: str) -> str:
        """Pseudonymise another string with the same key and token numbering (e.g. a front
        matter field that is not a document attribute). Not recorded in :attr:`report`."""
        if self._replacer is None:
            raise ValueError("only the result of pseudonymise() can apply its replacements")
        return self._replacer.string(value)[0]

    def public_report(self) -> pd.DataFrame:
        """The report without originals (``doc_id, field, start, end, replacement, kind``),
        safe to share with the pseudonymised data."""
        return self.report[PUBLIC_COLUMNS].copy()


# --------------------------------------------------------------------------- the key


def load_key(path: str | os.PathLike) -> dict[str, str]:
    """Read a key file: CSV (``name,pseudonym`` columns) or YAML (``name: pseudonym``).

    Parameters
    ----------
    path : str or path
        A ``.csv`` file (header ``name,pseudonym``; without a header the first two columns
        are taken) or a ``.yaml``/``.yml`` mapping of names to pseudonyms.

    Returns
    -------
    dict
        ``{name: pseudonym}`` in file order.

    Raises
    ------
    InputError
        Unknown format, empty names or pseudonyms, or a name given twice (ignoring case),
        each with its line.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> key = pathlib.Path(tempfile.mkdtemp()) / "key.csv"
    >>> _ = key.write_text("name,pseudonym\\nBudi Santoso,INF01\\n")
    >>> ce.load_key(key)
    {'Budi Santoso': 'INF01'}
    """
    return {name: pseud for name, (pseud, _) in _key_entries(path).items()}


def _key_entries(key: Mapping[str, str] | str | os.PathLike
                 ) -> dict[str, tuple[str, int | None]]:
    """``{name: (pseudonym, line in the key file or None)}`` of a key file or mapping."""
    if not isinstance(key, str | os.PathLike):
        return _check_key([(k, v, None) for k, v in dict(key).items()], None)
    spath = os.fspath(key)
    suffix = Path(spath).suffix.lower()
    if Path(spath).is_dir():
        raise InputError("expected a key file (.csv or .yaml) but this is a directory",
                         path=spath)
    pairs: list[tuple[object, object, int | None]] = []
    if suffix == ".csv":
        rows = csv_rows(read_text_file(spath), spath)
        header = [h.strip().lower() for h in rows[0][1]] if rows else []
        check_columns_unique(header, spath)
        if len(header) < 2:
            raise InputError("a key CSV needs two columns, 'name,pseudonym'", path=spath, line=1)
        start = 1 if {"name", "pseudonym"} <= set(header) or header[:2] == ["name", "code"] else 0
        ni, pi = ((header.index("name"), header.index("pseudonym"))
                  if "pseudonym" in header else (0, 1))
        for lineno, row in rows[start:]:
            if not any(c.strip() for c in row):
                continue
            if len(row) <= max(ni, pi):
                raise InputError(f"expected {len(header)} fields, found {len(row)}", path=spath,
                                 line=lineno)
            pairs.append((row[ni], row[pi], lineno))
    elif suffix in (".yaml", ".yml"):
        data = read_yaml_file(spath)
        if not isinstance(data, dict):
            raise InputError("a key YAML must map each name to its pseudonym, e.g. "
                             "'Budi Santoso: INF01'", path=spath, line=1)
        for name, pseud in data.items():
            pairs.append((name, pseud, data.line_of(name) if hasattr(data, "line_of") else None))
    else:
        raise InputError(f"unknown key format '{suffix}'; use .csv (name,pseudonym) or .yaml",
                         path=spath)
    return _check_key(pairs, spath)


def _check_key(pairs: Iterable[tuple[object, object, int | None]], path: str | None
               ) -> dict[str, tuple[str, int | None]]:
    problems, out, seen = [], {}, {}
    for name, pseud, line in pairs:
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(path, f"the name must be non-empty text, got {name!r}", line))
            continue
        if not isinstance(pseud, str | int) or isinstance(pseud, bool) or not str(pseud).strip():
            problems.append(Problem(path, f"the pseudonym of {name!r} must be non-empty text, "
                                    f"got {pseud!r}", line))
            continue
        if "\n" in str(pseud) or "\r" in str(pseud):
            problems.append(Problem(path, f"the pseudonym of {name!r} must be one line", line))
            continue
        norm = _norm_name(name)
        if norm in seen:
            problems.append(Problem(path, f"the name {name!r} is given twice (first on line "
                                    f"{seen[norm]}); names match ignoring case", line))
            continue
        seen[norm] = line
        out[name.strip()] = (str(pseud).strip(), line)
    if problems:
        raise InputError(problems=problems)
    if not out:
        raise InputError("the key lists no names", path=path)
    return out


def _norm_name(name: str) -> str:
    # NFC: a name typed composed (Réni) is the same name stored decomposed (Re + U+0301 + ni)
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


# --------------------------------------------------------------------------- finding


#: Indonesian clitics and particles written onto a name (*Budinya*, *Budilah*, *Budikah*,
#: *Budipun*, *Budiku*, *Budimu*, also stacked: *Budinyalah*): the name is replaced, the
#: ending kept (``INF01nya``).
CLITICS = r"(?:nya|ku|mu)?(?:lah|kah|pun|tah)?"


class _Replacer:
    """Finds names and detected identifiers; numbers detected values consistently."""
    def __init__(self, key: Mapping[str, str], detect: Iterable[str],
                 held: Iterable[str] = ()) -> None:
        self.key = {_norm_name(k): v for k, v in key.items()}
        self.names = (_whole_words(sorted(key, key=lambda n: (-len(n), n)), CLITICS)
                      if key else None)
        self.detect = list(detect)
        self.tokens: dict[tuple[str, str], str] = {}
        self.counts: dict[str, int] = {}
        # tokens the strings ``held`` (texts, values, pseudonyms) already contain: the
        # shared data could not tell them from a token, so numbering skips them
        self.taken = {(m.group(1).upper(), int(m.group(2)))
                      for v in held for m in _TOKEN_WORD.finditer(v)}

    def token(self, kind: str, value: str) -> str:
        norm = re.sub(r"\D", "", value) if kind in ("phone", "nik") else value.casefold()
        key = (kind, norm)
        if key not in self.tokens:
            n = self.counts.get(kind, 0) + 1
            while (_TOKEN[kind], n) in self.taken:
                n += 1
            self.counts[kind] = n
            self.tokens[key] = f"[{_TOKEN[kind]}-{n}]"
        return self.tokens[key]

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """Non-overlapping ``(start, end, kind, replacement)``, sorted by start."""
        cands: list[tuple[int, int, str]] = []
        for kind in self.detect:
            pattern, ok = DETECTORS[kind]
            cands += [(m.start(), m.end(), kind) for m in pattern.finditer(text) if ok(m.group())]
        if self.names is not None:
            cands += [(m.start(), m.end(), "name") for m in self.names.finditer(text)]
        cands.sort(key=lambda c: (_PRIORITY[c[2]], -(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int]] = []
        chosen = []
        for s, e, kind in cands:
            i = bisect.bisect_left(taken, (s, e))
            if (i > 0 and taken[i - 1][1] > s) or (i < len(taken) and taken[i][0] < e):
                continue
            taken.insert(i, (s, e))
            chosen.append((s, e, kind))
        chosen.sort()
        out = []
        for s, e, kind in chosen:  # tokens numbered in reading order
            value = text[s:e]
            rep = self.key[_norm_name(value)] if kind == "name" else self.token(kind, value)
            out.append((s, e, kind, rep))
        return out

    def string(self, value: str) -> tuple[str, list[str]]:
        found = self.find(value)
        return _apply(value, [(s, e, r) for s, e, _, r in found]), [k for _, _, k, _ in found]

    def doc_id(self, value: str) -> tuple[str, list[str]]:
        """A document id (often a file name such as ``wawancara_Budi``) with names and
        identifiers replaced (a detected value's token without its brackets, ``TELEPON-1``:
        an id holds none), and the names found in it; ``_`` counts as a word separator
        here."""
        found = self.find(value.replace("_", " "))  # same length: the spans fit ``value``
        return (_apply(value, [(s, e, r if kind == "name" else r.strip("[]"))
                               for s, e, kind, r in found]),
                [value[s:e] for s, e, kind, _ in found if kind == "name"])


def source_with_replacements(text: str, ends: list[str],
                             reps: list[tuple[int, int, str]]) -> str:
    """``text`` with ``reps`` applied, written with the line ends of its file.

    Parameters
    ----------
    text : str
        A document's plain text (LF line breaks).
    ends : list of str
        The line end of each of its line breaks as in its file (``corpus.line_ends``).
    reps : list of (start, end, new)
        Non-overlapping replacements, sorted. A line break inside a replaced span goes
        with it; one inside ``new`` (a restored name written across two lines) is written
        as the file's most frequent line end.

    Returns
    -------
    str
        The new text with every other line end as it was, so that replacing back restores
        the file's text exactly.
    """
    kept: list[str] = []
    pos = k = 0
    default = main_line_end(ends)
    for s, e, r in reps:
        n = text.count("\n", pos, s)
        kept += ends[k:k + n]
        k += n + text.count("\n", s, e)
        kept += [default] * r.count("\n")
        pos = e
    kept += ends[k:]
    return with_line_ends(_apply(text, reps), kept)


def _apply(text: str, reps: list[tuple[int, int, str]]) -> str:
    parts, pos = [], 0
    for s, e, r in reps:
        parts += [text[pos:s], r]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


class _OffsetMap:
    """Maps offsets of an old text to a new one after replacing spans.

    A boundary strictly inside a replaced span moves outwards (a start to the span's
    start, an end to its end), so a coding never holds part of a name or of a pseudonym.
    """
    def __init__(self, spans: list[tuple[int, int, int, int]]) -> None:
        # (old_start, old_end, new_start, new_end), sorted
        self.spans = spans
        self.old_starts = [s[0] for s in spans]

    def _at(self, p: int) -> tuple[int, int, int, int] | None:
        i = bisect.bisect_right(self.old_starts, p) - 1
        return self.spans[i] if i >= 0 else None

    def start(self, p: int) -> int:
        span = self._at(p)
        if span is None:
            return p
        os_, oe, ns, ne = span
        if p == os_ or p < oe:
            return ns
        return ne + (p - oe)

    def end(self, p: int) -> int:
        span = self._at(p - 1) if p > 0 else None
        if span is None:
            return p
        _, oe, _, ne = span
        if p <= oe:
            return ne
        return ne + (p - oe)

    def cuts(self, p: int) -> bool:
        """Whether ``p`` lies strictly inside a replaced span (a boundary there moves)."""
        span = self._at(p)
        return span is not None and span[0] < p < span[1]


# --------------------------------------------------------------------------- pseudonymise


def pseudonymise(corpus: Corpus, *, key: Mapping[str, str] | str | os.PathLike,
                 codings: pd.DataFrame | None = None, memos: pd.DataFrame | None = None,
                 detect: Iterable[str] = ("email", "phone", "nik")) -> PseudonymResult:
    """Replace personal names and identifiers in a corpus, remapping codings (and memos) to the
    new texts.

    Parameters
    ----------
    corpus : Corpus
    key : mapping or path
        ``{name: pseudonym}`` or a key file (see :func:`load_key`). Names match whole words,
        ignoring case and with any whitespace between their words; the longest name wins.
    codings : DataFrame, optional
        A codings table on ``corpus``; its ``start``/``end`` are remapped.
    memos : DataFrame, optional
        A REFI-QDA project's memos on ``corpus`` (:data:`~citra_eval.qdpx.memos.MEMO_COLUMNS`,
        as ``memos.csv`` of ``qdpx import``; checked with
        :func:`~citra_eval.qdpx.memos.check_memos`). Their ``name``, ``text``, ``author``,
        ``target`` (and any other text column but ``memo_id``, ``created``, ``about``,
        ``code``) are pseudonymised like the codings' text columns, ``doc_id`` follows a
        renamed document, and the ``start``/``end`` of a memo about a selection are remapped
        like a coding's.
    detect : iterable of str
        Which identifiers to detect: ``email``, ``phone`` (Indonesian numbers: ``+62``,
        ``62`` or ``0`` prefixes, mobile ``08xx`` and area codes, separated by spaces, dots or
        dashes), ``nik`` (16 digits, optionally in groups of four). Each distinct value gets a
        numbered token such as ``[EMAIL-1]``, the same everywhere in the corpus. A number
        whose token the inputs already hold (``[EMAIL-1]`` or ``email-1`` as a word in a text,
        an attribute, a codings or memos column or a pseudonym) is skipped: that value becomes
        ``[EMAIL-2]``, so no token stands for two things.

    Returns
    -------
    PseudonymResult
        ``.corpus``, ``.codings``, ``.report`` (the re-identification key, with the
        originals) and ``.public_report()`` (without them). ``.corpus`` (and any
        ``subset`` of it) remembers, in memory only, the names it no longer holds:
        :func:`~citra_eval.write_qdpx` refuses to share with it a codebook, memos or codings
        that still hold one (as ``qdpx export`` does for the transcripts written).

    Raises
    ------
    InputError
        A bad key (see :func:`load_key`), a pseudonym the texts, their front matter (the
        documents' attributes, nested values included), the codings' or the memos' text
        columns already hold (as whole words, ignoring case and spacing, outside the names
        being replaced): the shared data could not tell it from the pseudonym. The message
        names the key file and line (when the key is a file) and the transcript and line of
        the occurrence (or its front-matter field, ``a.txt (front matter: informant)``, its
        coding, ``the codings (line 5: note)``, or its memo, ``the memos (line 3: text)``;
        a table given as a DataFrame, not read from a file, by position and index label:
        ``the codings (row 3 (index 12): note)``).
        A memos table :func:`~citra_eval.qdpx.memos.check_memos` refuses, or one naming a
        ``doc_id`` not in ``corpus``.

    Warns
    -----
    BoundaryWarning
        When codings (memos about a selection) begin or end inside a replaced name or
        identifier; ``rows`` lists them, ``what`` says which table.
    SpeakerLabelWarning
        When a speaker label holds a name of the key written with other accents (``RENI``
        for ``Réni``): it is not replaced (names match ignoring case only), so it would be
        shared; the warning names it and its document.

    Notes
    -----
    Offsets: with replacements ``(s_i, e_i) -> r_i`` before position ``p``, the new offset is
    ``p + sum(len(r_i) - (e_i - s_i))``. A coding boundary inside a replaced span moves out to
    the span's edge (the coding grows to hold the whole pseudonym, with a
    :class:`BoundaryWarning`), so two codings that differ only inside a name are the same
    coding in the shared data; the report keeps each widened coding's own offsets
    (``coding-span:<row>``), and :func:`reidentify` gives them back: it is exact for every
    coding.

    Names are also found with an Indonesian clitic or particle written onto them
    (*Budinya*, *Budilah*, *-kah*, *-pun*, *-ku*, *-mu*): the name is replaced, the ending
    kept. Speaker labels, document attributes and every text column of the codings
    (``coder``, ``evidence``, ``note``, ``memo`` and any other; not ``doc_id``, ``code`` or
    the offsets) are pseudonymised too; the coded ``text`` of codings that record it is
    recorded again from the new texts. A ``doc_id`` holding a name (e.g. from a file name,
    ``wawancara_Budi``) is pseudonymised as well (``_`` separating words), in the corpus, the
    codings, the memos and the report, whose ``field`` ``doc_id`` row keeps the original id.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"a.txt": "---\\nid: INF01\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Pak Budi Santoso, boleh minta e-mail?\\n"
    ...     "I: Tentu, budi@pemkot.go.id atau 0812-3456-7890.\\n"})
    >>> res = ce.pseudonymise(corpus, key={"Budi Santoso": "INF01"})
    >>> print(res.corpus.text("INF01"))
    P: Pak INF01, boleh minta e-mail?
    I: Tentu, [EMAIL-1] atau [TELEPON-1].
    >>> back = ce.reidentify(res.corpus, res.report)
    >>> back.corpus.text("INF01") == corpus.text("INF01")
    True
    """
    check_corpus(corpus)
    check_codings(codings, allow_none=True)
    entries = _key_entries(key)
    names = {name: pseud for name, (pseud, _) in entries.items()}
    detect = list(detect)
    unknown = [d for d in detect if d not in DETECTORS]
    if unknown:
        raise ValueError(f"detect must name detectors among {', '.join(DETECTORS)}, got "
                         f"{unknown}")
    if memos is not None:
        check_memos(memos, corpus=corpus)
    tables = [t for t in (codings, memos) if t is not None]
    rep = _Replacer(names, detect, _held_strings(corpus, tables, names.values()))
    found_in = {doc: rep.find(corpus.text(doc)) for doc in corpus.doc_ids}
    _check_pseudonyms_absent(corpus, {"coding": codings, "memo": memos}, found_in, rep, entries,
                             None if isinstance(key, Mapping) else os.fspath(key))
    rows: list[dict] = []
    maps: dict[str, _OffsetMap] = {}
    texts: dict[str, str] = {}
    for doc in corpus.doc_ids:
        text = corpus.text(doc)
        found = found_in[doc]
        spans, parts, pos, shift = [], [], 0, 0
        for s, e, kind, r in found:
            parts += [text[pos:s], r]
            ns = s + shift
            spans.append((s, e, ns, ns + len(r)))
            rows.append({"doc_id": doc, "field": "text", "start": ns, "end": ns + len(r),
                         "orig_start": s, "orig_end": e, "original": text[s:e],
                         "replacement": r, "kind": kind})
            shift += len(r) - (e - s)
            pos = e
        parts.append(text[pos:])
        texts[doc] = "".join(parts)
        maps[doc] = _OffsetMap(spans)
    new_corpus = _rebuild(corpus, texts, maps, lambda v: rep.string(v), rows)
    _warn_label_variants(new_corpus, names)
    inside = "a replaced name or identifier"
    new_codings = None if codings is None else _remap_table(
        codings, maps, lambda v: rep.string(v), rows, inside, "coding")
    new_memos = None if memos is None else _remap_table(
        memos, maps, lambda v: rep.string(v), rows, inside, "memo")
    ids = _new_doc_ids(corpus.doc_ids, rep, entries,
                       None if isinstance(key, Mapping) else os.fspath(key))
    if ids:
        new_corpus, new_codings, new_memos = _rename_docs(new_corpus, ids, new_codings,
                                                          new_memos)
        for row in rows:
            row["doc_id"] = ids.get(row["doc_id"], row["doc_id"])
        rows += [{"doc_id": new, "field": "doc_id", "start": None, "end": None,
                  "orig_start": None, "orig_end": None, "original": old, "replacement": new,
                  "kind": "value"} for old, new in ids.items()]
    new_codings = _recorded_text(new_codings, codings, new_corpus)
    new_corpus._pseudonyms = {**(corpus._pseudonyms or {}), **_replaced(rows)}
    return PseudonymResult(new_corpus, new_codings, _report(rows), new_memos, rep)


def _held_strings(corpus: Corpus, tables: Iterable[pd.DataFrame],
                  pseudonyms: Iterable[str]) -> Iterator[str]:
    """Every string pseudonymising may write into the shared data, as it is before: the
    texts, the documents' attributes (the front matter's values and keys, nested ones
    included) and their names, the text columns of ``tables`` (codings, memos), and the
    pseudonyms."""
    yield from corpus.texts.values()
    yield from map(str, corpus.documents.columns)
    for col in corpus.documents.columns:
        if col not in _DERIVED:
            yield from (v for v in corpus.documents[col] if isinstance(v, str))
    for table in tables:
        for col in table.columns:
            if table[col].dtype == object:
                yield from (v for v in table[col] if isinstance(v, str))
    yield from pseudonyms


def _check_pseudonyms_absent(corpus: Corpus, tables: Mapping[str, pd.DataFrame | None],
                             found_in: Mapping[str, list], rep: _Replacer,
                             entries: Mapping[str, tuple[str, int | None]],
                             key_path: str | None) -> None:
    """Refuse a pseudonym the texts, the front matter (the documents' attributes) or the
    pseudonymised columns of the ``tables`` (``{"coding": codings, "memo": memos}``) already
    hold outside the spans being replaced: the shared data could not tell it from the
    pseudonym, and re-identifying would be wrong."""
    by_pseudonym: dict[str, str] = {}
    for name, (pseud, _) in entries.items():
        by_pseudonym.setdefault(_norm_name(pseud), name)
    pattern = _whole_words(sorted({p for p, _ in entries.values()}, key=lambda p: (-len(p), p)))

    def first_clash(text: str, found: list) -> re.Match | None:
        spans = [(s, e) for s, e, _, _ in found]
        for m in pattern.finditer(text):
            i = bisect.bisect_left(spans, (m.end(), m.end()))
            if not (i > 0 and spans[i - 1][1] > m.start()):
                return m  # not inside a name being replaced (gone from the shared data)
        return None

    def clashes() -> Iterator[tuple[re.Match, str]]:
        """Each clash and where it is: a document's text, then its front matter; the memos."""
        attrs = [c for c in corpus.documents.columns if c not in _DERIVED]
        for doc in corpus.doc_ids:
            m = first_clash(corpus.text(doc), found_in[doc])
            if m is not None:
                yield m, f"{_document_path(corpus, doc)}:{_file_line(corpus, doc, m.start())}"
            for col in attrs:
                value = corpus.document(doc).get(col)
                m = first_clash(value, rep.find(value)) if isinstance(value, str) else None
                if m is not None:
                    yield m, (f"{_document_path(corpus, doc)} (front matter: "
                              f"{front_matter_key(col)})")
        for what, table in tables.items():
            if table is None:
                continue
            cols = _text_columns(table, what)
            # the private _source column names the file of each row (several codings files)
            files = (table["_source"].map(lambda f: f"{f} ").tolist()
                     if "_source" in table.columns else [""] * len(table))
            for i in range(len(table)):
                for col in cols:
                    value = table[col].iat[i]
                    m = first_clash(value, rep.find(value)) if isinstance(value, str) else None
                    if m is not None:
                        yield m, f"the {what}s ({files[i]}{_row_place(table, i)}: {col})"

    for m, where in clashes():
        name = by_pseudonym[_norm_name(m.group())]
        pseud, line = entries[name]
        if key_path is None:
            raise InputError(f"key: the pseudonym {pseud!r} of {name!r} already occurs in "
                             f"{where}; choose another")
        raise InputError(f"pseudonym {pseud!r} already occurs in {where}; choose another",
                         path=key_path, line=line)


def _whole_words(phrases: list[str], tail: str = "") -> re.Pattern:
    """``phrases`` as whole words, ignoring case, the whitespace between their words and the
    Unicode form (composed or decomposed accents, as macOS tools write them), optionally
    followed by ``tail`` (e.g. :data:`CLITICS`)."""
    forms = dict.fromkeys(unicodedata.normalize(f, p) for p in phrases for f in ("NFC", "NFD"))
    alts = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in forms)
    # a combining mark continues the word it follows (Re + U+0301 is not the name "Re")
    return re.compile(rf"(?<![\w\u0300-\u036f])(?:{alts})(?={tail}(?![\w\u0300-\u036f]))",
                      re.IGNORECASE)


def _document_path(corpus: Corpus, doc: str) -> str:
    path = corpus.document(doc).get("path")
    return path if isinstance(path, str) and path else doc


def _file_line(corpus: Corpus, doc: str, pos: int) -> int | str:
    """The line of its file holding offset ``pos`` of ``doc``'s text (counted from the
    nearest turn before it, or after it); ``?`` for a document without turns."""
    segs = corpus.segments_of(doc)
    if segs.empty:
        return "?"
    starts = segs["start"].tolist()
    i = max(bisect.bisect_right(starts, pos) - 1, 0)
    seg_start, seg_line = starts[i], int(segs["line"].iloc[i])
    text = corpus.text(doc)
    if pos >= seg_start:
        return seg_line + text.count("\n", seg_start, pos)
    return seg_line - text.count("\n", pos, seg_start)


def _new_doc_ids(doc_ids: list[str], rep: _Replacer,
                 entries: Mapping[str, tuple[str, int | None]], key_path: str | None
                 ) -> dict[str, str]:
    """``{old: new}`` for the document ids that hold a name or identifier. A new id must be
    an id (:data:`~citra_eval._refi.ID_OK`): it names the transcript's file, so a pseudonym
    with ``/`` or ``..`` would write outside the output folder; the key line of the pseudonym
    that breaks it is named."""
    found = {d: rep.doc_id(d) for d in doc_ids}
    out = {d: n for d, (n, _) in found.items() if n != d}
    by_norm = {_norm_name(name): (name, *entry) for name, entry in entries.items()}
    problems = []
    for d, n in out.items():
        used = [by_norm[_norm_name(v.replace("_", " "))] for v in found[d][1]]
        if ID_OK.match(n) or not used:  # (an id that was no id before stays for the writer)
            continue
        # the pseudonym with a character no id holds; else the first (e.g. '_x' opening it)
        name, pseud, line = next((u for u in used if not _ID_CHARS.fullmatch(u[1])), used[0])
        problems.append(Problem(
            key_path, f"{'' if key_path else 'key: '}the pseudonym {pseud!r} of {name!r} would "
            f"become part of the document id {n!r} (now {d!r}), which names its file; an id "
            "holds only letters, digits, '_', '-' or '.' and starts with a letter or digit: "
            "choose another pseudonym", line))
    if problems:
        raise InputError(problems=problems)
    # two ids that become one (INF01 and INF01's file) stay two, also ignoring case (the
    # id names <id>.txt); no Windows device name (Con.txt)
    taken = {d.casefold() for d in doc_ids if d not in out}
    return {d: unique_stem(n, taken) for d, n in out.items()}


def _rename_docs(corpus: Corpus, ids: Mapping[str, str], *tables: pd.DataFrame | None
                 ) -> tuple:
    """``corpus`` and ``tables`` (codings, memos; None stays None) with document ids renamed
    by ``ids``."""
    def rename(table: pd.DataFrame | None) -> pd.DataFrame | None:
        if table is None or "doc_id" not in table.columns:
            return table
        return table.assign(doc_id=table["doc_id"].map(lambda d: ids.get(d, d)))

    texts = {ids.get(d, d): t for d, t in corpus.texts.items()}
    return (Corpus.from_frames(rename(corpus.documents), rename(corpus.segments), texts),
            *map(rename, tables))


def _recorded_text(new: pd.DataFrame | None, old: pd.DataFrame | None,
                   new_corpus: Corpus) -> pd.DataFrame | None:
    """The remapped codings' ``text`` column recorded from the new texts (a recorded text of
    the old texts would still hold the names)."""
    if new is None or old is None or "text" not in old.columns:
        return new
    return record_text(new, corpus=new_corpus, overwrite=True)


def _report(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    return frame.astype({"start": "Int64", "end": "Int64", "orig_start": "Int64",
                         "orig_end": "Int64"})


def _remap_segments(corpus: Corpus, texts: dict[str, str],
                    maps: Mapping[str, _OffsetMap]) -> pd.DataFrame:
    """The corpus's segments with offsets, texts and word counts moved to ``texts``."""
    segs = corpus.segments.copy()
    segs["start"] = [maps[d].start(int(s)) for d, s in zip(segs["doc_id"], segs["start"],
                                                            strict=True)]
    segs["end"] = [maps[d].end(int(e)) for d, e in zip(segs["doc_id"], segs["end"], strict=True)]
    segs["text"] = [texts[d][s:e] for d, s, e in zip(segs["doc_id"], segs["start"], segs["end"],
                                                      strict=True)]
    segs["n_words"] = segs["text"].map(lambda t: len(t.split()))
    return segs


def _rebuild(corpus: Corpus, texts: dict[str, str], maps: Mapping[str, _OffsetMap],
             transform: Callable[[str], tuple[str, list[str]]], rows: list[dict]) -> Corpus:
    segs = _remap_segments(corpus, texts, maps)
    speakers = {}
    for doc, sp in zip(segs["doc_id"], segs["speaker"], strict=True):
        if isinstance(sp, str) and sp and (doc, sp) not in speakers:
            new, kinds = transform(sp)
            speakers[(doc, sp)] = new
            if new != sp:
                rows.append(_value_row(doc, "speaker", sp, new, kinds))
    segs["speaker"] = [speakers.get((d, sp), sp) for d, sp in zip(segs["doc_id"], segs["speaker"],
                                                                 strict=True)]
    docs = corpus.documents.copy()
    for col in docs.columns:
        if col in _DERIVED:
            continue
        values = docs[col].tolist()
        for i, v, new, kinds in _transform_strings(values, transform):
            rows.append(_value_row(docs.at[i, "doc_id"], f"attribute:{col}", v, new, kinds))
        docs[col] = pd.Series(values, index=docs.index, dtype=docs[col].dtype
                              if docs[col].dtype != object else object)
    docs["n_words"] = _words_per_doc(docs, segs)
    return Corpus.from_frames(docs, segs, texts)


def _unaccented(text: str) -> str:
    """``text`` without accents, case folded, its spaces single: how names are compared
    when looking for one the key writes otherwise."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", bare).casefold().split())


def _warn_label_variants(corpus: Corpus, names: Iterable[str]) -> None:
    """A :class:`SpeakerLabelWarning` per speaker label of ``corpus`` (after replacing)
    holding a name of the key as a word when accents and case are ignored."""
    folded = {_unaccented(n): n for n in names}
    seen = corpus.segments[["doc_id", "speaker"]].drop_duplicates()
    for doc, label in zip(seen["doc_id"], seen["speaker"], strict=True):
        if not isinstance(label, str) or not label:
            continue
        padded = f" {_unaccented(label)} "
        name = next((n for f, n in folded.items() if f and f" {f} " in padded), None)
        if name is not None:
            warnings.warn(SpeakerLabelWarning(
                f"the speaker label {label!r} of {doc!r} is the key's name {name!r} written "
                "with other accents: names are replaced as the key writes them (ignoring "
                "case only), so the label stays in the shared transcripts (front matter and "
                f"every turn); add {label!r} to the key, or rename the speaker"), stacklevel=3)


def _words_per_doc(docs: pd.DataFrame, segs: pd.DataFrame) -> list[int]:
    """Words of each document of ``docs`` (summed over its segments; one pass)."""
    totals = segs.groupby("doc_id", sort=False)["n_words"].sum()
    return [int(totals.get(d, 0)) for d in docs["doc_id"]]


def _transform_strings(values: list, transform: Callable[[str], tuple[str, list[str]]]
                       ) -> list[tuple[int, str, str, list[str]]]:
    """Replace each string of ``values`` (in place) by its transform; return
    ``(index, original, new, kinds)`` for those that changed."""
    changed = []
    for i, v in enumerate(values):
        if isinstance(v, str):
            new, kinds = transform(v)
            if new != v:
                values[i] = new
                changed.append((i, v, new, kinds))
    return changed


def _value_row(doc, field: str, original: str, new: str, kinds: list[str]) -> dict:
    # a memo about no document has none
    return {"doc_id": None if pd.isna(doc) else doc, "field": field, "start": None,
            "end": None, "orig_start": None, "orig_end": None, "original": original,
            "replacement": new,
            "kind": "value" if not kinds else ",".join(sorted(set(kinds)))}


def _text_columns(table: pd.DataFrame, what: str) -> list:
    """The columns of a codings (``what``: ``coding``) or memos (``memo``) table that are
    pseudonymised: all but the kept ones and the private ``_`` columns."""
    return [c for c in table.columns if c not in _KEPT[what] and not str(c).startswith("_")]


def _row_place(table: pd.DataFrame, at: int) -> str:
    """How a message names the row at position ``at`` of ``table``: ``line N`` of the file
    it was read from (its ``_line`` column, which the command line's readers keep), else, a
    DataFrame given in memory, its position and index label (``row 0 (index 'b')``, as the
    package's checks name them), never the line it would have in a CSV file. One row at a
    time: a message shows a few rows (:data:`NAMED_ROWS`) of a table that may hold millions."""
    if "_line" in table.columns:
        return f"line {table['_line'].iat[at]}"
    return row_name(table, at)


def _placed(place: str, detail: str) -> str:
    """A row's ``place`` (:func:`_row_place`) with ``detail`` in its parentheses:
    ``line 5 (D1 at 9)``, ``row 1 (index 11, D1 at 9)``."""
    return f"{place[:-1]}, {detail})" if place.endswith(")") else f"{place} ({detail})"


def _row_where(table: pd.DataFrame, k: int, path: str | None) -> dict:
    """Where row ``k`` of ``table`` is, as :class:`Problem`'s ``line`` or ``row``: its file
    line when it was read from a file (``path``; the ``_line`` column, else the data row +
    1), else its position and index label."""
    if "_line" in table.columns:
        return {"line": int(table["_line"].iat[k])}
    return {"line": k + 2} if path else {"row": row_name(table, k)}


def _spans(table: pd.DataFrame, maps: Mapping[str, _OffsetMap], what: str) -> list[int]:
    """The rows of ``table`` with a span to remap: every coding; a memo with a document (one
    of ``maps``, as every ``doc_id`` given must be), a start and an end (a memo about a
    selection; a lone offset means nothing and is kept)."""
    given = table["doc_id"].notna() if what == "memo" else pd.Series(True, index=table.index)
    bad = sorted(map(str, set(table.loc[given, "doc_id"]) - set(maps)))
    if bad:
        raise InputError(f"{what}s refer to documents not in the corpus: {', '.join(bad)}")
    if what == "coding":
        return list(range(len(table)))
    return [i for i, (g, s, e) in enumerate(zip(given, table["start"], table["end"],
                                                strict=True))
            if g and pd.notna(s) and pd.notna(e)]


def _remap_table(table: pd.DataFrame, maps: Mapping[str, _OffsetMap],
                 transform: Callable[[str], tuple[str, list[str]]],
                 rows: list[dict], inside: str, what: str) -> pd.DataFrame:
    """The codings (``what``: ``coding``) or memos (``memo``) with offsets moved by ``maps``
    and text columns transformed, each change recorded in ``rows``; warns
    (:class:`BoundaryWarning`) about rows with a boundary ``inside`` a replaced span."""
    out = table.copy().reset_index(drop=True)
    added = [c for c in ("doc_id", "start", "end") if c not in out.columns]  # memos may lack
    for col in added:
        out[col] = None
    if what == "memo":  # as read_memos gives them: whole numbers or missing
        for col in ("start", "end"):
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    spans = _spans(out, maps, what)
    widened = _warn_widened(out, spans, maps, inside, what, table)
    old = out[["start", "end"]].copy()
    for col, move in (("start", _OffsetMap.start), ("end", _OffsetMap.end)):
        values = out[col].tolist()
        for i in spans:
            values[i] = move(maps[out.at[i, "doc_id"]], int(values[i]))
        out[col] = pd.Series(values, index=out.index, dtype="Int64") if what == "memo" else values
    # the key keeps their own offsets (``original``: start:end before, ``replacement``:
    # after) in ``coding-span:<row>`` (``memo-span:<row>``) rows: reidentify gives them back
    for i in widened:
        rows.append(_value_row(out.at[i, "doc_id"], f"{what}-span:{i}",
                               f"{old.at[i, 'start']}:{old.at[i, 'end']}",
                               f"{out.at[i, 'start']}:{out.at[i, 'end']}", []))
    for col in _text_columns(out, what):
        values = out[col].tolist()
        changed = _transform_strings(values, transform)
        for i, v, new, kinds in changed:
            rows.append(_value_row(out.at[i, "doc_id"], f"{what}:{i}:{col}", v, new, kinds))
        if changed:  # other columns keep their dtype (numbers stay numbers)
            out[col] = pd.Series(values, index=out.index, dtype=out[col].dtype
                                 if out[col].dtype != object else object)
    if what == "coding":  # each widened coding's code and coder: it is found by them, too,
        for i in widened:  # when the shared codings come back in another order
            rows.append(_value_row(out.at[i, "doc_id"], f"coding-id:{i}",
                                   _identity(table.iloc[i]), _identity(out.iloc[i]), []))
    return out.drop(columns=added)


def _identity(row: pd.Series) -> str:
    """A coding's code and coder, as one key cell."""
    return json.dumps([str(row["code"]), str(row["coder"])], ensure_ascii=False)


def _warn_widened(table: pd.DataFrame, spans: list[int], maps: Mapping[str, _OffsetMap],
                  inside: str, what: str, given: pd.DataFrame) -> list[int]:
    """Warn about the rows of ``spans`` (offsets before remapping) that a replacement
    widens, the first :data:`NAMED_ROWS` named by their place (:func:`_row_place`) in the
    table ``given`` (``table`` before its index was reset); return their positions."""
    widened = [i for i in spans
               if maps[table.at[i, "doc_id"]].cuts(int(table.at[i, "start"]))
               or maps[table.at[i, "doc_id"]].cuts(int(table.at[i, "end"]))]
    if not widened:
        return widened
    named = [_placed(_row_place(given, i), f"{table.at[i, 'doc_id']} at {table.at[i, 'start']}")
             for i in widened[:NAMED_ROWS]]
    warnings.warn(BoundaryWarning(widened, inside, named, what), stacklevel=4)
    return widened


# --------------------------------------------------------------------------- reidentify


def reidentify(corpus: Corpus, key: pd.DataFrame | str | os.PathLike, *,
               codings: pd.DataFrame | None = None,
               memos: pd.DataFrame | None = None) -> PseudonymResult:
    """Undo :func:`pseudonymise` with its report (the re-identification key).

    Parameters
    ----------
    corpus : Corpus
        The pseudonymised corpus.
    key : DataFrame or path
        ``PseudonymResult.report`` or the CSV it was saved to.
    codings : DataFrame, optional
        The pseudonymised codings, in the order they were returned or in any other (as a
        QDA program returns them): a widened coding is then found by its document, shared
        span, code and coder; codings that match alike but had different own spans keep
        the widened one, with a :class:`BoundaryWarning` naming them (never swapped).
    memos : DataFrame, optional
        The pseudonymised memos (checked with :func:`~citra_eval.qdpx.memos.check_memos`).
        In the order they were returned, each gets its own values and offsets back; memos
        reordered (a QDA program may do that) are found by their pseudonymised values and
        offsets, which is exact unless two memos of a document with different originals
        became the same text (those keep the shared text).

    Returns
    -------
    PseudonymResult
        The original corpus, codings and memos; ``report`` is the key used (one written
        before memos could be pseudonymised serves as well).

    Raises
    ------
    InputError
        When the key does not fit the corpus (a replacement is not where the key says), or
        the memos are refused by :func:`~citra_eval.qdpx.memos.check_memos`.

    Warns
    -----
    BoundaryWarning
        When codings (memos about a selection) begin or end inside a pseudonym (made on the
        pseudonymised texts): each is widened to the whole restored name, a coding's
        recorded ``text`` with it.
        No finer place exists (a pseudonym's characters have no counterparts in the name),
        so two such codings that differ only inside the pseudonym become the same coding.
        Codings that pseudonymise widened are not among them: at the offsets it gave
        them, in its order or found by document, span, code and coder in another, they
        get their own offsets back from the key (``coding-span:<row>`` rows;
        ``memo-span:<row>``). Also warned: codings (memos) that match several of the key's
        rows with different own spans (which is whose is not known).

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> res = ce.pseudonymise(corpus, key={"Humas": "PR"}, detect=())
    >>> "Humas" in res.corpus.text("INF01")
    False
    >>> back = ce.reidentify(res.corpus, res.report)
    >>> back.corpus.text("INF01") == corpus.text("INF01")
    True
    """
    check_corpus(corpus)
    check_codings(codings, allow_none=True)
    if memos is not None:
        check_memos(memos, corpus=corpus)
    report = _read_report(key)
    path = None if isinstance(key, pd.DataFrame) else os.fspath(key)
    renamed = {r.replacement: r.original for r in report[report["field"] == "doc_id"]
               .itertuples(index=False)}
    text_rows = report[report["field"] == "text"]
    by_doc = {d: g.sort_values("start") for d, g in text_rows.groupby("doc_id", sort=False)}
    texts, maps = {}, {}
    for doc in corpus.doc_ids:
        text = corpus.text(doc)
        group = by_doc.get(doc)
        reps, spans, shift = [], [], 0
        if group is not None:
            for r in group.itertuples(index=False):
                s, e = int(r.start), int(r.end)
                if text[s:e] != r.replacement:
                    raise InputError(f"the key does not fit document {doc!r}: expected "
                                     f"{r.replacement!r} at {s}:{e}, found {text[s:e]!r}",
                                     path=path)
                reps.append((s, e, str(r.original)))
                ns = s + shift
                spans.append((s, e, ns, ns + len(str(r.original))))
                shift += len(str(r.original)) - (e - s)
        texts[doc] = _apply(text, reps)
        maps[doc] = _OffsetMap(spans)
    values = {(r.doc_id, r.field, r.replacement): r.original
              for r in report[report["field"] != "text"].itertuples(index=False)}
    new_corpus = _rebuild_back(corpus, texts, maps, _ValueRestorer(values))
    new_codings = new_memos = None
    if codings is not None:
        new_codings = _remap_table(codings, maps, lambda v: (v, []), [], "a pseudonym", "coding")
        _restore_rows(new_codings, codings, report, texts, path, "coding")
    if memos is not None:
        new_memos = _remap_table(memos, maps, lambda v: (v, []), [], "a pseudonym", "memo")
        _restore_rows(new_memos, memos, report, texts, path, "memo")
    if renamed:
        new_corpus, new_codings, new_memos = _rename_docs(new_corpus, renamed, new_codings,
                                                          new_memos)
    if new_codings is not None:
        new_codings = _recorded_text(new_codings, codings, new_corpus)
    return PseudonymResult(new_corpus, new_codings, report, new_memos)


class _KeyRows:
    """The originals the key holds for the rows of one table (``what``: ``coding`` or
    ``memo``): its values (``<what>:<row>:<column>`` rows) and the offsets of widened rows
    (``<what>-span:<row>``). Found by row; with ``by_value`` (memos, which a QDA program
    may reorder), else by document, column and replacement when that names one original."""

    def __init__(self, report: pd.DataFrame, what: str, by_value: bool) -> None:
        self.exact: dict[tuple, str] = {}
        self.loose: dict[tuple, set[str]] = {}
        self.by_value = by_value
        for doc, place, new, old in zip(report["doc_id"], report["field"].astype(str),
                                        report["replacement"], report["original"],
                                        strict=True):
            kind, _, where = place.partition(":")
            if kind in (what, f"{what}-span"):
                _, _, col = where.partition(":")
                self.exact[(_doc_key(doc), place, new)] = old
                if by_value:
                    self.loose.setdefault((_doc_key(doc), kind, col, new), set()).add(old)

    def __bool__(self) -> bool:
        return bool(self.exact)

    def get(self, doc, field: str, value: str) -> str | None:
        """The original of ``value`` at ``field`` (e.g. ``memo:3:text``) of ``doc``."""
        doc = _doc_key(doc)
        found = self.exact.get((doc, field, value))
        if found is None and self.by_value:
            kind, _, where = field.partition(":")
            olds = self.loose.get((doc, kind, where.partition(":")[2], value), ())
            found = next(iter(olds)) if len(olds) == 1 else None
        return found


def _doc_key(doc) -> str | None:
    """A key row's (or table row's) document: None for none (missing, NaN or empty as a
    key CSV reads it back)."""
    return doc if isinstance(doc, str) and doc else None


def _restore_rows(new: pd.DataFrame, shared: pd.DataFrame, report: pd.DataFrame,
                  texts: Mapping[str, str], path: str | None, what: str) -> None:
    """Give the codings (``what``: ``coding``) or memos (``memo``) remapped to ``texts``
    (``new``; ``shared`` as given) their own values and widened offsets back, in place."""
    originals = _KeyRows(report, what, by_value=True)
    if not originals:
        return
    rows = _restore_spans(new, shared, originals, report, texts, path, what)
    for col in _text_columns(new, what):
        new[col] = [v if not isinstance(v, str)
                    else (originals.get(d, f"{what}:{rows.get(i, i)}:{col}", v) or v)
                    for i, (d, v) in enumerate(zip(new["doc_id"], new[col], strict=True))]


def _restore_spans(new: pd.DataFrame, shared: pd.DataFrame, originals: _KeyRows,
                   report: pd.DataFrame, texts: Mapping[str, str], path: str | None,
                   what: str) -> dict[int, int]:
    """Give the rows pseudonymise widened (the key's ``<what>-span:<row>`` rows) their own
    offsets back, in place: only a row still at the offsets the key recorded for it (a
    coding moved in the shared data stays widened). ``new``: remapped to ``texts``.

    Codings given in the order pseudonymise returned them (every widened one at its
    position, shared span, code and coder) are found by position, exactly. Else a row is
    found by its document and shared span, and a coding also by its code and coder (the
    key's ``coding-id:<row>`` rows): the shared codings may come back in another order
    (qdpx export and import sort them). Rows that then match key rows with different own
    spans, or more rows than the key widened there, keep the widened span, with a
    :class:`BoundaryWarning` naming them (with a key without ``coding-id`` rows: by
    position, also named). Returns the key row found for each row given."""
    as_given, shared = shared, shared.reset_index(drop=True)
    spans: dict[tuple, list[tuple[int, str]]] = {}  # (doc, shared span) -> (row, own span)
    ids: dict[int, str] = {}
    for doc, place, new_value, old in zip(report["doc_id"], report["field"].astype(str),
                                          report["replacement"], report["original"],
                                          strict=True):
        kind, _, where = place.partition(":")
        if kind == f"{what}-span" and where.isdigit():
            spans.setdefault((_doc_key(doc), str(new_value)), []).append((int(where), old))
        elif kind == f"{what}-id" and where.isdigit():
            ids[int(where)] = str(new_value)
    by_id = what == "coding" and bool(ids)

    def group(i: int) -> tuple:
        doc, s, e = shared.at[i, "doc_id"], shared.at[i, "start"], shared.at[i, "end"]
        return (_doc_key(doc), f"{int(s)}:{int(e)}",
                _identity(shared.iloc[i]) if by_id else None)

    rows = _spans(shared.reindex(columns=["doc_id", "start", "end"]), texts, what)
    alike = Counter(group(i) for i in rows)  # rows given at one shared span (code, coder)
    given = set(rows)
    # the rows in the order pseudonymise returned them: each widened one where it was
    in_order = by_id and all(j in given and group(j) == (place[0], place[1], ids.get(j))
                             for place, olds in spans.items() for j, _ in olds)
    found: dict[int, int] = {}
    unsure: list[int] = []
    for i in rows:
        doc = shared.at[i, "doc_id"]
        key = group(i)
        here = [(j, old) for j, old in spans.get(key[:2], [])
                if not by_id or ids.get(j) == key[2]]
        if in_order:
            here = [(j, old) for j, old in here if j == i]
        elif here and (len({old for _, old in here}) > 1 or alike[key] != len(here)):
            # several codings there, not all with the same own span: which is whose is
            # known only from the order (a key without code and coder), else never guessed
            unsure.append(i)
            here = [] if by_id else [(j, old) for j, old in here if j == i]
        if not here:
            continue
        j, recorded = here[0]
        found[i] = j
        field = f"{what}-span:{j}"
        ns, ne = int(new.at[i, "start"]), int(new.at[i, "end"])
        m = re.fullmatch(r"(\d+):(\d+)", str(recorded))
        os_, oe = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)
        # pseudonymise only widens: the coding's own span lies within the restored one
        if not (ns <= os_ <= oe <= ne <= len(texts[doc])):
            raise InputError(f"the key's {field!r} row of {doc!r} is damaged: its original "
                             f"must be 'start:end' within {ns}:{ne}, got {recorded!r}; use "
                             "the key pseudonymise wrote", path=path)
        new.at[i, "start"], new.at[i, "end"] = os_, oe
    if unsure:
        named = [_placed(_row_place(as_given, i), f"{shared.at[i, 'doc_id']} at "
                                                f"{shared.at[i, 'start']}")
                 for i in unsure[:NAMED_ROWS]]
        how = ("they keep the whole name" if by_id
               else "each was given the span of its position in the key's table")
        warning = BoundaryWarning(unsure, "a pseudonym", named, what)
        warning.args = (f"{warning.args[0]}; the key holds several {what}s at the same shared "
                        f"span{' with the same code and coder' if by_id else ''}, so which of "
                        f"their own spans is whose is not known: {how}; set their start and "
                        "end by hand",)
        warnings.warn(warning, stacklevel=4)
    return found


class _ValueRestorer:
    def __init__(self, values: Mapping[tuple[str, str, str], str]) -> None:
        self.values = values

    def __call__(self, doc: str, field: str, value):
        return self.values.get((doc, field, value), value) if isinstance(value, str) else value


def _rebuild_back(corpus: Corpus, texts, maps, restore: _ValueRestorer) -> Corpus:
    segs = _remap_segments(corpus, texts, maps)
    segs["speaker"] = [restore(d, "speaker", sp) for d, sp in zip(segs["doc_id"], segs["speaker"],
                                                                 strict=True)]
    docs = corpus.documents.copy()
    for col in docs.columns:
        if col in _DERIVED:
            continue
        docs[col] = pd.Series([restore(d, f"attribute:{col}", v)
                               for d, v in zip(docs["doc_id"], docs[col], strict=True)],
                              index=docs.index, dtype=docs[col].dtype
                              if docs[col].dtype != object else object)
    docs["n_words"] = _words_per_doc(docs, segs)
    return Corpus.from_frames(docs, segs, texts)


def _replaced(rows: Iterable[Mapping]) -> dict[str, str]:
    """``{name: pseudonym}`` of the key's names replaced in the texts (report ``rows``)."""
    return {r["original"]: r["replacement"] for r in rows
            if r["field"] == "text" and r["kind"] == "name"}


def replaced_names(report: str | os.PathLike) -> dict[str, str] | None:
    """``{name: pseudonym}`` of the key's names :func:`pseudonymise` replaced in the texts,
    from a report file (the re-identification key, or ``pseudonymisation_report.csv``
    written ``--with-originals``); None when the report holds no originals (the public
    report: the names are kept apart from the shared data)."""
    path = os.fspath(report)
    header = next(iter(csv_rows(read_text_file(path), path)), (1, []))[1]
    if "original" not in header:
        return None
    return {str(k): str(v) for k, v in _replaced(_read_report(path).to_dict("records")).items()}


def name_finder(names: Mapping[str, str]) -> Callable[[str], list[str]]:
    """A function giving the pseudonyms of the ``names`` (``{name: pseudonym}``) a text
    holds, in reading order, found as :func:`pseudonymise` finds them (whole words, any
    case and spacing, with clitics); the names themselves are never returned."""
    replacer = _Replacer(names, detect=())
    return lambda text: [rep for *_, rep in replacer.find(text)]


def _read_report(key) -> pd.DataFrame:
    if isinstance(key, pd.DataFrame):
        frame = key
        path = lines = None
    else:
        path = os.fspath(key)

        try:
            text = read_text_file(path)
            frame = pd.read_csv(io.StringIO(text), dtype=str,
                                keep_default_na=False)
        except (pd.errors.ParserError, ValueError) as exc:
            raise InputError(f"not a readable key CSV: {exc}", path=path) from None
        check_columns_unique(next(csv.reader(io.StringIO(text)), []), path)
        # cells the writer neutralised against formula injection ('+62 ...) read back as
        # they were written from
        frame = frame.apply(lambda col: col.map(restore_cell))
        lines = _row_lines(text, path, len(frame))
    missing = [c for c in ("doc_id", "field", "start", "end", "original", "replacement")
               if c not in frame.columns]
    if missing:
        raise InputError(f"the re-identification key lacks column(s) {', '.join(missing)}; "
                         "use the full report written with the originals", path=path)
    frame = frame.copy()
    text = frame["field"] == "text"
    for col in ("start", "end"):
        num = pd.to_numeric(frame.loc[text, col], errors="coerce")
        if num.isna().any():
            raise InputError(f"column {col!r} of the key must hold whole numbers for text rows",
                             path=path)
        frame[col] = frame[col].where(~text, num)
    _check_original_ids(frame, path, lines)
    return frame


def _row_lines(text: str, path: str, n: int) -> list[int] | None:
    """The file line each of the ``n`` rows of a key CSV starts on (None when the rows do not
    line up with them)."""
    lines = [line for line, row in csv_rows(text, path) if row][1:]
    return lines if len(lines) == n else None


def _check_original_ids(report: pd.DataFrame, path: str | None, lines: list[int] | None
                        ) -> None:
    """The original id of each renamed document must be an id: reidentify writes
    ``<original id>.txt``, so a key changed to hold ``../x`` would write outside its output
    folder."""
    problems = []
    for i, (place, old) in enumerate(zip(report["field"], report["original"], strict=True)):
        if place == "doc_id" and not (isinstance(old, str) and ID_OK.match(old)):
            problems.append(Problem(
                path, f"{'' if path else 'key: '}the original document id {old!r} is not a "
                "document id (letters, digits, '_', '-' or '.', starting with a letter or "
                "digit; it names the file written): use the key pseudonymise wrote",
                None if lines is None else lines[i]))
    if problems:
        raise InputError(problems=problems)


# ------------------------------------------------------------------ sharing what was pseudonymised

#: The report :func:`pseudonymise`'s command writes beside the shared ``transcripts`` folder
#: (``OUT/pseudonymisation_report.csv``); its presence marks the transcripts as pseudonymised.
SHARED_REPORT = "pseudonymisation_report.csv"
#: The codebook and memos the command writes beside them (``--codebook``, ``--memos``).
SHARED_CODEBOOK, SHARED_MEMOS = "codebook.yaml", "memos.csv"

#: The keys of a codebook (and of each code) whose values are ids, settings or regexes, not
#: words a person wrote; the values of all other keys (label, definition, ...) are texts.
_CODEBOOK_KEPT = frozenset({"id", "codebook", "version", "language", "codable", "construct",
                            "color", "guid", "slang", "no_stem", "pseudonymised"})
#: The memos columns that are words a person wrote (what pseudonymise replaces names in).
_MEMO_TEXTS = ["name", "text", "author", "target"]


def codebook_texts(codebook, fn) -> dict:
    """``codebook.to_dict()`` with ``fn(text, code id or None, key)`` run over every text a
    person wrote (description, labels, definitions, include/exclude, examples, notes and
    phrase patterns); ids, settings and regex patterns are kept."""
    def text(value, code, key):
        if isinstance(value, str):
            return fn(value, code, key)
        if isinstance(value, dict):  # {language: text}, or {regex: ...}: kept
            return value if "regex" in value else {k: text(v, code, key)
                                                   for k, v in value.items()}
        if isinstance(value, list):
            return [text(v, code, key) for v in value]
        return value

    def node(data: dict, code: str | None) -> dict:
        return {k: (v if k in _CODEBOOK_KEPT else [node(c, c["id"]) for c in v]
                    if k == "children" else text(v, code, k)) for k, v in data.items()}

    data = codebook.to_dict()
    return {**node({k: v for k, v in data.items() if k != "codes"}, None),
            "codes": [node(c, c["id"]) for c in data["codes"]]}


def pseudonymised_codebook(codebook, apply):
    """``codebook`` with ``apply`` (:meth:`PseudonymResult.apply`) run over every text a
    person wrote (description, labels, definitions, include/exclude, examples, notes and
    phrase patterns); ids, settings and regex patterns are kept. Marked ``pseudonymised``
    (what :func:`shared_problems` looks for)."""
    data = codebook_texts(codebook, lambda value, code, key: apply(value))
    return Codebook.from_dict({**data, "pseudonymised": True})


@dataclass(frozen=True)
class _Shared:
    """A pseudonymised corpus, as the checks of what goes with it see it: ``where`` it is
    (the transcripts in a folder, or the corpus :func:`pseudonymise` returned), the report
    pseudonymise wrote beside the folder (None in Python), the ``names`` it no longer holds
    (``{name: pseudonym}``; None when the report holds no originals) and the folder
    pseudonymise wrote (None in Python)."""
    where: str
    report: Path | None
    names: Mapping[str, str] | None
    folder: Path | None = None

    @property
    def hold(self) -> str:
        """``where`` no longer ... a name: the verb agreeing with it."""
        return "hold" if self.folder is not None else "holds"

    @property
    def cause(self) -> str:
        """Where the pseudonymisation is recorded, for the messages."""
        return f"; {self.report}" if self.report else ""

    def fix(self, what: str, option: str, path: str | None, written: str,
            reader: str | None = None) -> str:
        """How to share ``what`` (``codebook``, ``memos``, ``codings``) instead: the one
        pseudonymise writes (``option`` of the command, ``written`` in its folder, read in
        Python with ``reader``), or, in Python, what it returns."""
        if self.folder is None:
            return (f"pass the {what} to pseudonymise with the corpus ({option.lstrip('-')}=) "
                    "and share what it returns")
        return (f"share the {what} pseudonymise writes: run it again adding {option} "
                f"{path or 'FILE'}, then export {self.folder / written} (qdpx export {option}"
                + (f"; in Python {reader})" if reader else ")"))


def _pseudonymised_folder(transcripts: str | os.PathLike) -> _Shared | None:
    """How ``transcripts`` was pseudonymised when it is a folder pseudonymise wrote (its
    report is beside it; the names only when the report holds the originals), else None."""
    report = Path(transcripts).parent / SHARED_REPORT
    if not report.is_file():
        return None
    return _Shared(f"the transcripts in {transcripts}", report, replaced_names(report),
                   report.parent)


def _unshown(shared: _Shared, found: list, fix: str, path: str | None,
             line: int | None = None, row: str | None = None) -> Problem:
    """The problem of ``found`` (``(what, pseudonym)`` pairs, first shown): a name the
    pseudonymised corpus no longer holds, shown by its pseudonym, never itself."""
    where, pseudonym = found[0]
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return Problem(path, f"{where}: holds a name {shared.where} no longer {shared.hold} "
                   f"(pseudonymised "
                   f"as {pseudonym!r}{shared.cause}){more}; {fix}", line, row=row)


def shared_codebook_problem(codebook, path: str | None, shared: _Shared) -> Problem | None:
    """Why ``codebook`` (read from ``path``) must not be shared with a pseudonymised
    corpus (``shared``), or None. With the names known (the report holds the originals, or
    the corpus was pseudonymised in Python), the codebook's texts are searched for them (the
    message names the code, field and pseudonym, never the name); else only a codebook
    pseudonymise wrote (marked ``pseudonymised: true``) or one without texts is shared."""
    fix = shared.fix("codebook", "--codebook", path, SHARED_CODEBOOK, "Codebook.load")
    if shared.folder is None:
        fix = ("replace the names with their pseudonyms (citra_eval.pseudonymisation."
               "pseudonymised_codebook(codebook, result.apply), or pseudonymise --codebook)")
    found: list[tuple[str | None, str, str]] = []
    pseudonyms = name_finder(shared.names) if shared.names is not None else None

    def look(value: str, code: str | None, key: str) -> str:
        where = f"{f'code {code!r}, ' if code else ''}{key}"
        if pseudonyms is None:
            found.extend((code, where, "") for _ in [value] if value.strip())
        else:
            found.extend((code, where, rep) for rep in pseudonyms(value))
        return value

    codebook_texts(codebook, look)
    if not found:
        return None
    if shared.names is None:
        if codebook.pseudonymised:
            return None
        return Problem(path, f"{shared.where} are pseudonymised ({shared.report}) but this "
                       "codebook is not (it lacks 'pseudonymised: true'): its labels, "
                       "definitions, examples, notes and patterns may hold the names the "
                       f"transcripts no longer do; {fix}")
    code = found[0][0]
    return _unshown(shared, [f[1:] for f in found], fix, path,
                    codebook.codes[code].line if code else None)


def _memo_texts(memos: pd.DataFrame) -> list[tuple]:
    """Each memo's words a person wrote (:data:`_MEMO_TEXTS`), missing ones as None."""
    return _free_texts(memos, _MEMO_TEXTS)


def _free_texts(table: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Each row's ``columns`` (words a person wrote), missing ones as None."""
    frame = table.reindex(columns=columns)
    return [tuple(None if not isinstance(v, str) or not v else v for v in row)
            for row in frame.itertuples(index=False)]


def shared_memos_problem(memos: pd.DataFrame, path: str | None,
                         shared: _Shared) -> Problem | None:
    """Why ``memos`` (read from ``path``, None for a table made in Python) must not be shared
    with a pseudonymised corpus, or None; as :func:`shared_codebook_problem` for a
    codebook. With the names known, the memos' names, texts, authors and targets are
    searched for them; without them, only the memos pseudonymise wrote beside the
    transcripts (``OUT/memos.csv``) are shared."""
    if memos is None or memos.empty:
        return None
    fix = shared.fix("memos", "--memos", path, SHARED_MEMOS, "read_memos")
    if shared.names is None:
        written = shared.folder / SHARED_MEMOS
        try:
            known = set(_memo_texts(read_memos(written))) if written.is_file() else set()
        except InputError:
            known = set()
        if set(_memo_texts(memos)) <= known:
            return None
        return Problem(path, f"{shared.where} are pseudonymised ({shared.report}) "
                       f"but these memos are not the ones pseudonymise wrote with them "
                       f"({written}): their names, texts, authors and targets may hold the "
                       f"names the transcripts no longer do; {fix}")
    pseudonyms = name_finder(shared.names)
    found = [(k, col, rep) for k, row in enumerate(_memo_texts(memos))
             for col, value in zip(_MEMO_TEXTS, row, strict=True) if value
             for rep in pseudonyms(value)]
    if not found:
        return None
    k = found[0][0]
    name = memos["name"].iat[k] if "name" in memos.columns else None
    which = f"memo {name!r}" if isinstance(name, str) and name else "a memo"
    return _unshown(shared, [(f"{which}, {c}", rep) for _, c, rep in found], fix, path,
                    **_row_where(memos, k, path))


#: The codings' columns of words a person (or an auto-coder) wrote about a coding, which a
#: shared project may carry: what the shared-data checks search.
_CODING_TEXTS = ["evidence", "note"]
#: How auto-coding joins the words that matched (``evidence``) and the labels of the
#: patterns (``note``).
_JOINED = re.compile(r" \| |; ")


def _written_codings_texts(folder: Path) -> set[tuple]:
    """The free texts (:data:`_CODING_TEXTS`) of the codings pseudonymise wrote into
    ``folder/codings``."""
    known: set[tuple] = set()
    for f in sorted((folder / "codings").glob("*.csv")):
        try:
            known |= set(_free_texts(read_codings(f), _CODING_TEXTS))
        except InputError:
            continue
    return known


def _quoted(value: str, text: str, labels: set[str]) -> bool:
    """Whether ``value`` is made only of what auto-coding writes from shared data: words of
    ``text`` (the shared transcript) and labels of the codebook shared with it."""
    def part(p: str) -> bool:
        p = p.strip().removeprefix(QUESTION_PREFIX)
        return not p or p in labels or re.search(
            rf"(?<!\w){re.escape(p)}(?!\w)", text, re.IGNORECASE) is not None
    return all(part(p) for p in _JOINED.split(value))


def shared_codings_problem(codings: pd.DataFrame, path: str | None, shared: _Shared,
                           corpus: Corpus, codebook=None) -> Problem | None:
    """Why ``codings`` (read from ``path``, None for a table made in Python) must not be
    shared with a pseudonymised corpus, or None; as :func:`shared_memos_problem` for memos.
    With the names known, each coding's ``evidence`` and ``note`` are searched for them;
    without them, a coding's are shared when pseudonymise wrote them (``OUT/codings``), or
    when they hold only words of the shared transcript and labels of ``codebook`` (what
    auto-coding writes). The message names the coding (its file line, else its row)."""
    if codings is None or codings.empty or not set(_CODING_TEXTS) & set(codings.columns):
        return None
    rows = _free_texts(codings, _CODING_TEXTS)
    if shared.names is not None:
        pseudonyms = name_finder(shared.names)
        found = [(k, col, rep) for k, row in enumerate(rows)
                 for col, value in zip(_CODING_TEXTS, row, strict=True) if value
                 for rep in pseudonyms(value)]
    else:
        known = _written_codings_texts(shared.folder)
        labels: set[str] = set()
        if codebook is not None:
            codebook_texts(codebook, lambda v, c, k: labels.add(v.strip()) or v)
        seen: dict[tuple, bool] = {}  # (doc, value): quoted (auto-coding repeats them)

        def quoted(doc, value: str) -> bool:
            if (doc, value) not in seen:
                seen[doc, value] = _quoted(value, corpus.text(doc) if doc in corpus else "",
                                           labels)
            return seen[doc, value]

        found = [(k, col, "") for k, (row, doc) in enumerate(zip(rows, codings["doc_id"],
                                                                  strict=True))
                 if row not in known
                 for col, value in zip(_CODING_TEXTS, row, strict=True)
                 if value and not quoted(doc, value)]
    if not found:
        return None
    k, col, _ = found[0]
    row = codings.iloc[k]
    which = (f"coding {k + 1} ({row['doc_id']}, code {row['code']!r}, coder "
             f"{str(row['coder'])!r}), {col}")
    where = _row_where(codings, k, path)
    fix = shared.fix("codings", "--codings", path, "codings/", "read_codings")
    if shared.names is not None:
        fix = f"replace the name with its pseudonym, or {fix}"
        return _unshown(shared, [(which, rep) for *_, rep in found], fix, path, **where)
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return Problem(path, f"{which}: {shared.where} are pseudonymised ({shared.report}) but "
                   f"this text is not one pseudonymise wrote ({shared.folder / 'codings'}) "
                   f"and may hold a name they no longer do{more}; {fix}, or write the report "
                   "with the names (pseudonymise --with-originals, kept private) so the "
                   "check can look for them", **where)


def transcript_folders(corpus: Corpus) -> list[str]:
    """The folders ``corpus``'s documents were read from (files that exist), in order."""
    paths = corpus.documents["path"] if "path" in corpus.documents.columns else []
    return list(dict.fromkeys(str(Path(p).parent) for p in paths
                              if isinstance(p, str) and Path(p).is_file()))


def _how_shared(corpus: Corpus) -> list[_Shared]:
    """How ``corpus`` was pseudonymised: in Python (:func:`pseudonymise` returned it) or
    read from the folders pseudonymise wrote; empty when it was not."""
    if corpus._pseudonyms is not None:
        return [_Shared("the corpus pseudonymise returned", None, corpus._pseudonyms)]
    found = (_pseudonymised_folder(f) for f in transcript_folders(corpus))
    return [f for f in found if f is not None]


def shared_problems(corpus: Corpus, codebook=None, memos: pd.DataFrame | None = None, *,
                    memos_path: str | None = None,
                    codings: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None
                    ) -> list[Problem]:
    """What must not be shared with ``corpus`` when it was pseudonymised (read from
    transcripts pseudonymise wrote, or returned by :func:`pseudonymise`): a codebook
    (:func:`shared_codebook_problem`), memos (:func:`shared_memos_problem`) or codings
    (:func:`shared_codings_problem`; a table, or tables by the file each was read from)
    that may hold the names the texts no longer do. The one check of ``write_qdpx`` and
    ``citra-eval qdpx export``."""
    tables = ({} if codings is None else {None: codings}
              if isinstance(codings, pd.DataFrame) else dict(codings))
    problems = []
    for shared in _how_shared(corpus):
        if codebook is not None:
            problems.append(shared_codebook_problem(codebook, codebook.path, shared))
        if memos is not None:
            problems.append(shared_memos_problem(memos, memos_path, shared))
        problems += [shared_codings_problem(table, path, shared, corpus, codebook)
                     for path, table in tables.items()]
    return [p for p in problems if p is not None]
