"""Interview transcripts → a :class:`Corpus` of documents, speaker-turn segments and texts.

A transcript is YAML front matter followed by speaker turns (``LABEL: text``). Formats:
``.txt``/``.md`` (the contract format), ``.docx`` (paragraphs become lines, front matter in
the first paragraphs; tables in document order, a two-column one as ``speaker | text``),
``.vtt`` and ``.srt`` subtitles (one turn per run of cues by one speaker; metadata
from a sidecar ``<name>.yaml``, else the file name is the id).

Every segment carries ``start``/``end``: code-point offsets into the document's plain text
(the body after the front matter, byte-order mark dropped, line ends normalised to LF), so
``corpus.text(doc_id)[start:end] == text``.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as _dt
import html
import io
import math
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._dates import parse_date
from ._files import (
    broken_link,
    decode_utf8,
    is_input_file,
    normalise_newlines,
    read_file_bytes,
    read_text_file,
    write_text,
)
from ._safezip import DOCX_LIMITS, read_zip_bytes, refuse_dtd
from ._validation import check_bool, check_names, check_type
from ._yaml import LineDict, load_yaml
from .errors import InputError, Problem

__all__ = ["SUPPORTED_SUFFIXES", "Corpus", "TranscriptWarning", "front_matter_of",
           "parse_transcript", "read_transcripts", "transcript_files", "transcript_source",
           "write_transcripts"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")
SUPPORTED_FORMATS = tuple(s[1:] for s in SUPPORTED_SUFFIXES)
#: Formats a transcript is often saved in that are not read: such a file among the
#: transcripts is skipped with a warning naming it (an interview left out without a word
#: would be missing from every analysis), and is an error when no transcript in the folder
#: can be read; other files there (a sidecar .yaml, a picture) are no transcripts
UNREAD_SUFFIXES = (".doc", ".docm", ".dot", ".dotm", ".dotx", ".odt", ".ott", ".fodt", ".rtf",
                   ".text", ".pages", ".wpd", ".wps", ".pdf")
SEGMENT_COLUMNS = ["doc_id", "segment_id", "speaker", "role", "start", "end", "text",
                   "timestamp", "line", "n_words"]
#: Turns one transcript may hold (speaker turns, subtitle cues, or paragraphs of a .docx):
#: memory and time grow with every turn (measured in benchmarks/bench_transcripts.py), and a
#: long interview has a few thousand.
MAX_TURNS = 200_000
#: Runs (``w:r``, stretches of text of one formatting) a ``.docx`` transcript may hold in
#: all, counted before python-docx builds the document's tree (about 1 KB each: 400,000 in
#: one paragraph took 490 MB); a long interview has a few tens of thousands.
MAX_DOCX_RUNS = 250_000
#: Bytes a text transcript (``.txt``, ``.md``, ``.vtt``, ``.srt``) may hold: memory grows
#: with the text (about 45 times its size in ``code``), and a long interview is well under
#: 1 MiB. (A ``.docx`` has the archive limits of ``_safezip.DOCX_LIMITS``.)
MAX_TRANSCRIPT_BYTES = 16 << 20
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
#: A timestamp opening a line, as transcription tools write it: ``[00:04:12]``,
#: ``(00:04:12)`` or a bare ``00:04:12`` followed by a space or tab (also ``4:12``, with
#: ``.5``/``,500`` fractions). Before a speaker label it goes into the turn's ``timestamp``
#: and, like the label, is not part of the turn's text.
TIMESTAMP_PATTERN = (r"(?:(?P<ts_sq>\[)|(?P<ts_par>\())?"
                     r"(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)"
                     r"(?(ts_sq)\]|(?(ts_par)\)|(?=[ \t])))[ \t]*")
#: A space inside a line as word processors write it: a space, a tab, or another Unicode
#: space (Word and Google Docs put a no-break space U+00A0 after a colon or inside a name).
SPACE = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_SPACES_RE = re.compile(f"{SPACE}+")
#: Characters that end a line for recognising a speaker label, though the text keeps them:
#: a form feed (a page break in Word's "Save as Plain Text"), a vertical tab (its manual line
#: break), NEL and the Unicode line and paragraph separators.
_SOFT_LINE_END_RE = re.compile("[\f\v\x85\u2028\u2029]")
#: A line number opening a line (``12<TAB>``, ``12. ``), as transcripts numbered for citing
#: write it before a declared speaker's label.
_LINE_NUMBER = rf"\d{{1,6}}[.)]?{SPACE}+"
# A speaker label: one word starting with a letter, then ':' and a space or the line end.
GENERIC_LABEL_RE = re.compile(
    rf"^(?:{TIMESTAMP_PATTERN})?(?P<label>[^\W\d_][\w.\-]{{0,39}}){SPACE}*:(?={SPACE}|$){SPACE}*")
_TS_ONLY_RE = re.compile(rf"^(?:{TIMESTAMP_PATTERN})")
_STRUCTURAL_KEYS = {"id", "speakers"}
#: Front matter ``turns: declared``: only the labels in ``speakers`` start turns; other
#: ``Word:`` lines are ordinary text (without ``speakers``: paragraphs only). The key is also
#: kept as a document attribute, so a written transcript says it again.
TURNS_KEY, TURNS_DECLARED = "turns", "declared"
#: Document columns the reader derives itself (front-matter keys never overwrite them).
DERIVED_DOC_COLUMNS = {"doc_id", "path", "format", "n_segments", "n_words"}
#: A front-matter key named like one of those columns is kept apart under this prefix
#: (``format: tatap muka`` -> column ``front_format``) and written back under its own name;
#: see :func:`attribute_column`.
FRONT_PREFIX = "front_"
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Corpus:
    """A set of transcripts: documents, speaker-turn segments and plain texts.

    Attributes
    ----------
    documents : DataFrame
        One row per document: ``doc_id``, ``path``, ``format``, ``n_segments``, ``n_words``,
        then every further front-matter key as a column (a key named like one of those five is
        kept apart as ``front_<key>``, see :func:`attribute_column`). ``date`` is parsed when
        read (ISO, ``dd/mm/yyyy``, ``9 Maret 2021``, ``March 9, 2021``; see
        ``_dates.parse_date``) and stored as an ISO string ``YYYY-MM-DD``; a date that
        cannot be read is an :class:`InputError` naming the file and line.
    segments : DataFrame
        One row per speaker turn: ``doc_id, segment_id, speaker, role, start, end, text``
        (the contract's columns), then ``timestamp`` (``hh:mm:ss`` or missing), ``line``
        (1-based line of the turn in its file) and ``n_words``. ``segment_id`` counts turns
        from 1 within each document.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> len(corpus), corpus.doc_ids[:2]
    (11, ['INF01', 'INF02'])
    >>> seg = corpus.segments.iloc[1]
    >>> seg.role, corpus.text(seg.doc_id)[seg.start:seg.end] == seg.text
    ('informant', True)
    """
    documents: pd.DataFrame
    segments: pd.DataFrame
    _texts: dict[str, str] = field(repr=False)
    _starts: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)
    _index: dict = field(default_factory=dict, repr=False, compare=False)
    #: ``{name: pseudonym}`` of a corpus :func:`~citra_eval.pseudonymise` returned (the
    #: names its texts no longer hold), so sharing it checks what goes with it; never shown
    #: nor written.
    _pseudonyms: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    #: The documents of the corpus a :meth:`subset` was taken from (of the first, through
    #: subsets of subsets); None for a corpus read whole. What a subset left out on purpose
    #: (see :func:`~citra_eval.evaluate_coder`), as against a document never read.
    _parent_ids: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def _positions(self, table: str) -> dict:
        """``{doc_id: row positions}`` of ``documents`` or ``segments``, built once per
        table (one pass; looking a document up is then constant time, so per-document
        work over the corpus stays linear in its size)."""
        frame = getattr(self, table)
        key = (table, id(frame), len(frame))
        if key not in self._index:
            self._index = {k: v for k, v in self._index.items() if k[0] != table}
            groups = frame.groupby("doc_id", sort=False).indices if len(frame) else {}
            self._index[key] = groups
        return self._index[key]

    def document(self, doc_id: str) -> pd.Series:
        """The row of ``documents`` of ``doc_id``."""
        pos = self._positions("documents").get(doc_id)
        if pos is None or not len(pos):
            raise KeyError(f"unknown doc_id {doc_id!r}")
        return self.documents.iloc[pos[0]]

    def segments_of(self, doc_id: str) -> pd.DataFrame:
        """The rows of ``segments`` of ``doc_id`` (empty when it has none)."""
        pos = self._positions("segments").get(doc_id)
        return self.segments.iloc[pos if pos is not None else []]

    def text(self, doc_id: str) -> str:
        """The plain text of ``doc_id``; codings and segments slice it with ``[start:end]``."""
        try:
            return self._texts[doc_id]
        except KeyError:
            raise KeyError(f"unknown doc_id {doc_id!r}; known: {', '.join(self.doc_ids)}") from None

    @property
    def doc_ids(self) -> list[str]:
        """Document ids in corpus order."""
        return list(self._texts)

    @property
    def texts(self) -> dict[str, str]:
        """``{doc_id: plain text}`` (a copy)."""
        return dict(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._texts

    def segment_at(self, doc_id: str, start: int, end: int | None = None) -> int | None:
        """The ``segment_id`` of the segment containing ``[start, end)``, or None."""
        if doc_id not in self._starts:
            seg = self.segments_of(doc_id)
            self._starts[doc_id] = seg["start"].tolist()
            self._starts[doc_id + "\0rows"] = list(zip(seg["segment_id"], seg["end"], strict=True))
        starts = self._starts[doc_id]
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            return None
        sid, send = self._starts[doc_id + "\0rows"][i]
        end = start if end is None else end
        return int(sid) if start < send and end <= send else None

    def subset(self, doc_ids: Iterable[str]) -> Corpus:
        """A corpus of only ``doc_ids``, each once, in the order of their first mention.

        ``doc_ids`` may repeat documents (``corpus.subset(codings["doc_id"])``: the coded
        interviews); a single id is given as a list (``["R01"]``): a bare string is a
        ``TypeError`` (it would be read letter by letter). An unknown id is a ``KeyError``.
        """
        if isinstance(doc_ids, str):
            check_names(doc_ids, "doc_ids")
        check_type("doc_ids", doc_ids, Iterable, "a list of document ids")
        keep = list(dict.fromkeys(doc_ids))
        for d in keep:
            self.text(d)
        docs = self.documents.set_index("doc_id").loc[keep].reset_index()
        segs = self.segments[self.segments["doc_id"].isin(keep)].reset_index(drop=True)
        return Corpus(docs, segs, {d: self._texts[d] for d in keep},
                      _pseudonyms=self._pseudonyms,
                      _parent_ids=self._parent_ids or frozenset(self.doc_ids))

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> Corpus:
        """Build a corpus from ``{name: transcript source}`` strings (front matter + turns).

        Handy for tests and notebooks; ``name`` plays the role of the file name.
        """
        parsed = [parse_transcript(src, path=name) for name, src in texts.items()]
        return assemble_corpus(parsed)

    @classmethod
    def from_frames(cls, documents: pd.DataFrame, segments: pd.DataFrame,
                    texts: Mapping[str, str]) -> Corpus:
        """Build a corpus from ready tables (e.g. a REFI-QDA import); columns are checked."""
        missing = [c for c in ["doc_id", "segment_id", "speaker", "role", "start", "end", "text"]
                   if c not in segments.columns]
        if missing:
            raise ValueError(f"segments is missing columns {missing}")
        if "doc_id" not in documents.columns:
            raise ValueError("documents needs a 'doc_id' column")
        segs = segments.copy()
        for col in SEGMENT_COLUMNS:
            if col not in segs.columns:
                segs[col] = _default_segment_value(col, segs)
        segs = segs[SEGMENT_COLUMNS + [c for c in segs.columns if c not in SEGMENT_COLUMNS]]
        for row in segs.itertuples(index=False):
            if texts[row.doc_id][row.start:row.end] != row.text:
                raise ValueError(f"segment {row.doc_id}/{row.segment_id}: text is not the slice "
                                 f"[{row.start}:{row.end}] of the document")
        return cls(documents.reset_index(drop=True), segs.reset_index(drop=True), dict(texts))


def _default_segment_value(col: str, segs: pd.DataFrame):
    if col == "n_words":
        return segs["text"].map(lambda t: len(t.split()))
    return None


# --------------------------------------------------------------------------- parsing


@dataclass
class ParsedTranscript:
    doc_id: str
    path: str
    fmt: str
    attrs: dict
    body: str
    turns: list[dict]
    id_line: int | None
    #: what the reader notes about the file (:class:`TranscriptWarning`)
    notes: list[str] = field(default_factory=list)


def parse_transcript(source: str | bytes, *, path: str | os.PathLike = "<string>",
                     fmt: str | None = None, meta: Mapping | None = None) -> ParsedTranscript:
    """Parse one transcript's source text (txt/md format, or ``fmt="vtt"|"srt"``).
    Raises :class:`InputError` naming ``path`` and the line for anything wrong.
    """
    spath = os.fspath(path)
    text = decode_utf8(source, spath) if isinstance(source, bytes) else _norm_str(source, spath)
    fmt = fmt or Path(spath).suffix.lstrip(".").lower() or "txt"
    if fmt in ("vtt", "srt"):
        return _parse_subtitles(text, spath, fmt, meta)
    front, body, body_line = _split_front_matter(text, spath)
    return _parse_body(front, body, body_line, spath, fmt)


def _norm_str(text: str, path: str) -> str:

    if not text.strip("\ufeff \t\r\n"):
        raise InputError("the file is empty; write content into it or remove it", path=path)
    if "\x00" in text:
        raise InputError("this is a binary file, not UTF-8 text (it contains NUL bytes)",
                         path=path, line=text.count("\n", 0, text.index("\x00")) + 1)
    return normalise_newlines(text)


def _split_front_matter(text: str, path: str) -> tuple[LineDict, str, int]:
    """Return (front matter mapping, body, 1-based file line where the body starts)."""
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and _dash_line(lines[first]):
        raise _dash_fence(lines[first], "opening", path, first + 1)
    if first is None or lines[first].strip() != "---":
        raise InputError(
            "missing YAML front matter: start the file with a line '---', then at least "
            "'id: <document id>' (and 'speakers: {LABEL: role, ...}'), then a line '---'",
            path=path, line=(first or 0) + 1)
    close = next((i for i in range(first + 1, len(lines)) if lines[i].rstrip() in ("---", "...")),
                 None)
    if close is None:
        dash = next((i for i in range(first + 1, len(lines)) if _dash_line(lines[i])), None)
        if dash is not None:
            raise _dash_fence(lines[dash], "closing", path, dash + 1)
        raise InputError(
            f"front matter opened on line {first + 1} is never closed; add a line '---' "
            "after the last metadata line", path=path, line=first + 1)
    yaml_text = "\n".join(lines[first + 1:close])
    front = load_yaml(yaml_text, path=path, line_offset=first + 1)
    if front is None:
        front = LineDict()
        front.line, front.key_lines = first + 1, {}
    if not isinstance(front, dict):
        raise InputError("front matter must be 'key: value' lines (a YAML mapping), "
                         f"not a {type(front).__name__}", path=path, line=first + 2)
    body = "\n".join(lines[close + 1:])
    return front, body, close + 2


#: Dashes a word processor types for hyphens (Word's AutoCorrect: '--' and '---' to an en or
#: em dash), and other dash-like characters.
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def _dash_line(line: str) -> bool:
    """Whether ``line`` is a front-matter fence written with dashes, not three hyphens."""
    text = line.strip()
    return any(c in _DASHES for c in text) and all(c == "-" or c in _DASHES for c in text)


def _dash_fence(line: str, which: str, path: str, number: int) -> InputError:
    """The error for a front-matter fence ``'---'`` a word processor turned into dashes."""
    dashes = ", ".join(f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'dash').lower()})"
                       for c in dict.fromkeys(line.strip()) if c in _DASHES)
    return InputError(
        f"the {which} line of the front matter is {line.strip()!r}, not '---': it holds "
        f"{dashes}, not hyphens; Word's AutoCorrect (AutoFormat As You Type: 'Replace hyphens "
        "(--) with dash') turns typed hyphens into a dash: write the line as three hyphens "
        "'---' (in Word, press Ctrl+Z right after it replaces them, or turn the option off "
        "under File > Options > Proofing > AutoCorrect Options > AutoFormat As You Type), "
        "or save the transcript as plain text (.txt)", path=path, line=number)


def _check_id(front: LineDict, path: str, *, default: str | None = None) -> tuple[str, int | None]:
    _capitalised_key(front, "id", path)
    if "id" not in front:
        if default is not None:
            return default, None
        raise InputError("front matter has no 'id'; add a line like 'id: INF01' "
                         "(unique across the corpus)", path=path, line=front.line or 1)
    raw = front["id"]
    line = front.line_of("id")
    # as written: 'id: 1.10' is the id 1.10, not the number 1.1
    text = front.text_of("id") if isinstance(raw, int | float) else raw
    if isinstance(text, str):
        _refuse_curly_quotes(text, f"'id' {text}",
                             f'write "{text[1:-1]}" with straight quotes, or none', path, line)
    if isinstance(raw, bool) or not isinstance(text, str) or not _ID_RE.match(text):
        raise InputError(
            f"'id' must be a short code of letters, digits, '_', '-' or '.', got {raw!r}",
            path=path, line=line)
    return text, line


#: Quotation marks Word's AutoCorrect types for straight ones ("smart quotes"), and others
#: a keyboard layout may give: YAML reads them as part of the text they enclose.
_CURLY_QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a"


def _curly_quoted(text: str) -> bool:
    return len(text) >= 2 and text[0] in _CURLY_QUOTES and text[-1] in _CURLY_QUOTES


def _refuse_curly_quotes(text: str, subject: str, fix: str, path: str, line: int | None,
                         part: str = "") -> None:
    """Refuse a front-matter value Word's AutoCorrect put in curly quotes, naming it as
    ``subject`` and how to ``fix`` it (``part``: what YAML takes the quotes to be part of)."""
    if _curly_quoted(text):
        tail = f"; YAML reads curly ones as part of the {part}" if part else ""
        raise InputError(f"{subject} is in curly quotes: {fix} (Word's AutoCorrect turns "
                         f"them curly{tail})", path=path, line=line)


def _capitalised_key(front: LineDict, key: str, path: str) -> None:
    """Refuse ``Id:``/``Speakers:`` (Word's AutoCorrect capitalises the first letter of a
    line) when ``key`` itself is missing: the message says what the reader would not."""
    other = next((k for k in front if isinstance(k, str) and k != key and k.lower() == key),
                 None)
    if other is not None and key not in front:
        raise InputError(f"{other!r} should be {key!r} (lower case; Word's AutoCorrect "
                         "capitalises the first letter of a line): front-matter keys are "
                         "case-sensitive", path=path, line=front.line_of(other))


def _speaker_roles(front: LineDict, path: str) -> dict[str, str] | None:
    _capitalised_key(front, "speakers", path)
    if "speakers" not in front:
        return None
    sp = front["speakers"]
    line = front.line_of("speakers")
    if isinstance(sp, list):  # a plain list of labels: roles unknown
        sp = {str(s): "" for s in sp}
    if not isinstance(sp, dict) or not sp:
        raise InputError("'speakers' must map each speaker label to a role, e.g. "
                         "'speakers: {PWW: interviewer, INF03: informant}'", path=path, line=line)
    roles = {}
    for label, role in sp.items():
        label = str(label)
        _refuse_curly_quotes(label, f"speaker label {label}",
                             f'write "{label[1:-1]}" with straight quotes', path, line,
                             part="name")
        if not label or ":" in label or label != label.strip():
            raise InputError(f"speaker label {label!r} must be non-empty without ':' or "
                             "surrounding spaces", path=path, line=line)
        same = next((k for k in roles if _label_key(k) == _label_key(label)), None)
        if same is not None:
            raise InputError(f"'speakers' declares {label!r} twice (once as {same!r}, written "
                             "with other Unicode characters or spaces that look the same); "
                             "keep one", path=path, line=line)
        role = "" if role is None else str(role)
        _refuse_curly_quotes(role, f"the role of {label!r}, {role},", f"write {role[1:-1]} without "
                             "them", path, line, part="role")
        roles[label] = role
    return roles


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def match_label(regex: re.Pattern, line: str) -> tuple[str, str | None, int] | None:
    """Match a speaker-label ``regex`` (group ``label``, optional ``ts``; in NFC) against
    the start of ``line`` whatever its Unicode normalisation form: macOS tools write 'é' as
    'e' + U+0301 (NFD), a front matter typed elsewhere has it as one character (NFC).

    Invisible format characters (Unicode category Cf) opening the line are read through: a
    byte-order mark left where files were joined, a zero-width space pasted from a chat, a
    direction mark left by editing right-to-left text would otherwise hide the label and merge
    the turn into the one before. They stay in the text, outside every turn.

    Returns ``(label in NFC, timestamp, end)`` with ``end`` an offset into ``line`` as
    written (the text is never rewritten, so offsets stay valid), or None.
    """
    skip = _leading_format_chars(line)
    if skip:
        m = match_label(regex, line[skip:])
        return None if m is None else (m[0], m[1], m[2] + skip)
    if line.isascii() or unicodedata.is_normalized("NFC", line):
        m = regex.match(line)
        return None if m is None else (m.group("label"), m.groupdict().get("ts"), m.end())
    head = line[:400]  # a label and its timestamp are short; a whole paragraph is not needed
    nfc = unicodedata.normalize("NFC", head)
    m = regex.match(nfc)
    if m is None:
        return None
    prefix = nfc[:m.end()]
    # the shortest original prefix with that NFC form: NFD writes more code points, not fewer
    end = next((k for k in range(len(prefix), len(head) + 1)
                if unicodedata.normalize("NFC", head[:k]) == prefix), None)
    return None if end is None else (m.group("label"), m.groupdict().get("ts"), end)


def _leading_format_chars(line: str) -> int:
    """How many invisible format characters (category Cf) open ``line``."""
    k = 0
    while k < len(line) and not line[k].isascii() and unicodedata.category(line[k]) == "Cf":
        k += 1
    return k


def _bare_key(name: str) -> str:
    while name.startswith(FRONT_PREFIX):
        name = name[len(FRONT_PREFIX):]
    return name


def attribute_column(key: str) -> str:
    """The document column of front-matter key ``key``: the key itself, or ``front_<key>``
    when it would clash with a column the reader derives (``doc_id``, ``path``, ``format``,
    ``n_segments``, ``n_words``). Keys already starting with ``front_`` before such a name
    get one more prefix, so the mapping can be undone (:func:`front_matter_key`)."""
    key = str(key)
    return FRONT_PREFIX + key if _bare_key(key) in DERIVED_DOC_COLUMNS else key


def front_matter_key(column: str) -> str:
    """The front-matter key of a document attribute column (undoes :func:`attribute_column`)."""
    column = str(column)
    if column.startswith(FRONT_PREFIX) and _bare_key(column) in DERIVED_DOC_COLUMNS:
        return column[len(FRONT_PREFIX):]
    return column


def _attrs(front: LineDict, path: str) -> dict:
    out = {}
    for key, value in front.items():
        if key in _STRUCTURAL_KEYS:
            continue
        if key == "date":
            try:
                value = parse_date(value)
            except ValueError as exc:
                raise InputError(f"front matter 'date': {exc}", path=path,
                                 line=front.line_of("date")) from None
        out[attribute_column(key)] = _scalar(value)
    return out


def _scalar(value):
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(_scalar(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_scalar(v)}" for k, v in value.items())
    return value


def _label_key(label: str) -> str:
    """A speaker label as the reader compares it: NFC, every run of spaces (a no-break
    space too, see :data:`SPACE`) one space."""
    return _SPACES_RE.sub(" ", _nfc(label))


def _label_regex(roles: dict[str, str] | None) -> re.Pattern | None:
    """The start of a line opening a declared speaker's turn: optional spaces (an indented
    line), line number (:data:`_LINE_NUMBER`) and timestamp, the label (its spaces written as
    any :data:`SPACE`), optional spaces, ':' and the spaces after it (none needed: a declared
    label is known, so ``INF:text`` opens a turn)."""
    if not roles:
        return None
    return re.compile(rf"^{SPACE}*(?:{_LINE_NUMBER})?(?:{TIMESTAMP_PATTERN})?"
                      rf"(?P<label>{_label_alternatives(roles)}){SPACE}*:{SPACE}*")


def _label_alternatives(roles: dict[str, str]) -> str:
    return "|".join(f"{SPACE}+".join(re.escape(w) for w in _label_key(lab).split(" "))
                    for lab in sorted(roles, key=len, reverse=True))


def _heading_regex(roles: dict[str, str] | None) -> re.Pattern | None:
    """A line holding only a declared speaker's name and the time, the words on the lines
    after it (``Budi Santoso   0:09``), as Microsoft Teams writes a transcript it downloads."""
    if not roles:
        return None
    return re.compile(rf"^{SPACE}*(?P<label>{_label_alternatives(roles)}){SPACE}+"
                      rf"(?P<ts>\d{{1,2}}:\d{{2}}(?::\d{{2}})?){SPACE}*$")


def label_lines(text: str) -> Iterable[tuple[int, int, str]]:
    """``(line index, offset, part)`` of every part of ``text`` a speaker label may open:
    its lines, each cut again at form feeds, vertical tabs and the other characters of
    :data:`_SOFT_LINE_END_RE` (kept in the text: ``offset`` is the part's offset into
    ``text``, so offsets of turns are unchanged)."""
    pos = 0
    for i, line in enumerate(text.split("\n")):
        if _SOFT_LINE_END_RE.search(line) is None:
            yield i, pos, line
        else:
            off = pos
            for part in _SOFT_LINE_END_RE.split(line):
                yield i, off, part
                off += len(part) + 1
        pos += len(line) + 1


def _parse_body(front: LineDict, body: str, body_line: int, path: str,
                fmt: str) -> ParsedTranscript:
    doc_id, id_line = _check_id(front, path)
    roles = _speaker_roles(front, path)
    declared, heading = _label_regex(roles), _heading_regex(roles)
    by_key = {_label_key(lab): lab for lab in roles or ()}  # as the front matter writes it
    declared_only = str(front.get(TURNS_KEY, "")).strip().lower() == TURNS_DECLARED
    turns: list[dict] = []
    cur: dict | None = None
    for i, pos, line in label_lines(body):
        file_line = body_line + i
        m = match_label(declared, line) if declared else None
        if m is None and heading is not None:
            m = match_label(heading, line)
        if m is None and not declared_only:
            g = match_label(GENERIC_LABEL_RE, line)
            if g is not None:
                label = g[0]
                if roles is None:
                    raise InputError(
                        f"turns carry speaker labels (here {label!r}) but the front matter has "
                        f"no 'speakers'; add e.g. 'speakers: {{{label}: informant}}'",
                        path=path, line=file_line)
                raise InputError(
                    f"speaker {label!r} is not declared in the front matter 'speakers' "
                    f"(declared: {', '.join(roles)}); add '{label}: <role>' there, or fix the "
                    "label's spelling", path=path, line=file_line)
        if m is not None:
            label = by_key[_label_key(m[0])]  # one string per speaker, not per turn
            cur = {"speaker": label, "role": roles[label],
                   "timestamp": _norm_ts(m[1]), "line": file_line,
                   "start": pos + m[2], "end": pos + len(line)}
            turns.append(cur)
            _check_count(len(turns), "turns", path, file_line)
        elif line.strip():
            if cur is None:  # text outside any labelled turn: a paragraph of its own
                ts = _TS_ONLY_RE.match(line)
                cur = {"speaker": "", "role": "", "line": file_line,
                       "timestamp": _norm_ts(ts.group("ts")) if ts else None,
                       "start": pos, "end": pos + len(line), "paragraph": True}
                turns.append(cur)
                _check_count(len(turns), "turns", path, file_line)
            else:
                cur["end"] = pos + len(line)
        elif cur is not None and cur.get("paragraph") and _blank_line(body, pos):
            cur = None  # a blank line ends an unlabelled paragraph, not a speaker turn
    segs = []
    for t in turns:  # trimmed in place: a copy per turn doubles a long transcript's memory
        t["start"], t["end"] = _trim(body, t["start"], t["end"])
        if t["start"] < t["end"]:
            segs.append(t)
    parsed = ParsedTranscript(doc_id, path, fmt, _attrs(front, path), body, segs, id_line)
    if not segs:  # read as a document of 0 turns: nothing of it can be coded
        parsed.notes.append("has no turns: nothing follows its front matter (was its text "
                            "lost when it was saved or copied?); add the interview's turns "
                            "below the closing '---', or move the file out of the folder")
    return parsed


def _blank_line(text: str, pos: int) -> bool:
    """Whether the line of ``text`` holding offset ``pos`` is blank (a page break alone on a
    line is; a page break between two words is not)."""
    end = text.find("\n", pos)
    return not text[text.rfind("\n", 0, pos) + 1:None if end < 0 else end].strip()


def _check_count(n: int, what: str, path: str, line: int | None) -> None:
    """Refuse a transcript at its turn (cue, paragraph) number ``MAX_TURNS + 1``."""
    if n > MAX_TURNS:
        where = "" if line is None else f" (number {n:,} starts on line {line})"
        raise InputError(f"more than {MAX_TURNS:,} {what} in one transcript{where}: memory "
                         "and time grow with each, and an interview has a few thousand; "
                         "split the file into several transcripts", path=path, line=line)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _norm_ts(ts: str | None) -> str | None:
    if not ts:
        return None
    ts = ts.replace(",", ".")
    main, _, frac = ts.partition(".")
    parts = [int(p) for p in main.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return f"{h:02d}:{m:02d}:{s:02d}" + (f".{frac}" if frac else "")


# --------------------------------------------------------------------------- subtitles

_CUE_TIME_RE = re.compile(
    r"^\s*(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
#: What a cue's timing line with a typo still looks like: a time, then an arrow
#: (``00:00:3,000 -->``, ``00:00:03.000 -> 00:00:04.000``, ``0:03 --> 0:04``).
_LOOSE_TIME_RE = re.compile(r"^\s*\d[\d:.,]*\s*(?:-+>|\u2013>|\u2014>|\u2192)")
_VOICE_RE = re.compile(r"<v(?:\.[\w.\-]+)?\s+([^>]+)>")
_TAG_RE = re.compile(r"</?[^>]*>")
#: A speaker's name opening a cue's line: ``Name: ``, or ``- Name: `` as subtitle dialogue
#: writes each speaker's line of a cue two speakers share.
_PREFIX_RE = re.compile(r"^(?P<dash>-\s*)?(?P<label>[^\W\d_][\w.\- ]{0,39}?)\s*:\s+")


def _cue_text(text: str, fmt: str) -> str:
    """A cue's text (its tags removed) as spoken: WebVTT writes ``&``, ``<`` and ``>`` as
    character references (``&amp;``, ``&lt;``, ``&gt;``, also ``&nbsp;`` and the other
    HTML ones), decoded here, before offsets into the text exist. SubRip defines none, so
    its text is kept as written."""
    if fmt == "vtt" and "&" in text:
        text = html.unescape(text)
    return text.strip()


def _cue_number(lines: list[str], j: int) -> bool:
    """Whether line ``j`` is the number of the cue whose timing line follows it (an .srt
    without a blank line between its cues)."""
    return (lines[j].strip().isdigit() and j + 1 < len(lines)
            and _CUE_TIME_RE.match(lines[j + 1]) is not None)


def _cue_voices(payload: list[str], fmt: str, roles: Mapping[str, str]) -> list[list]:
    """``[speaker or None, lines]`` of each voice of one cue, in order: a WebVTT ``<v Name>``
    span starts one, and so does a line opening with a speaker's name (``Name: `` on the
    cue's first line; on a later line ``- Name: `` or the name of a declared speaker), the
    name taken off the text."""
    voices: list[list] = []
    for k, line in enumerate(payload):
        spans = _VOICE_RE.split(line) if "<v" in line else [line]
        # spans: text before the first <v>, then (name, text) pairs
        if spans[0].strip() or not voices:
            plain = _TAG_RE.sub("", spans[0]).strip()  # references are decoded once, later
            p = _PREFIX_RE.match(plain)
            label = p.group("label").strip() if p else None
            if p and ((label in roles) if roles else (k == 0 or p.group("dash"))):
                voices.append([label, [plain[p.end():]]])
            elif voices:
                voices[-1][1].append(spans[0])
            else:
                voices.append([None, [spans[0]]])
        for name, text in zip(spans[1::2], spans[2::2], strict=True):
            voices.append([_cue_text(name, fmt), [text]])
    return voices


def _parse_subtitles(text: str, path: str, fmt: str, meta: Mapping | None) -> ParsedTranscript:
    front = _meta_dict(meta)
    doc_id, id_line = _check_id(front, path, default=Path(path).stem)
    roles = _speaker_roles(front, path) or {}
    lines = text.split("\n")
    if fmt == "vtt" and not lines[0].lstrip().startswith("WEBVTT"):
        raise InputError("a WebVTT file must start with the line 'WEBVTT'", path=path, line=1)
    cues = []
    i = 0
    while i < len(lines):
        m = _CUE_TIME_RE.match(lines[i])
        if m is None:
            if _LOOSE_TIME_RE.match(lines[i]):  # a cue would be dropped, text and all
                raise InputError(
                    f"the timing line is not understood: {lines[i].strip()!r}; write it as "
                    f"'00:00:01{',' if fmt == 'srt' else '.'}000 --> "
                    f"00:00:04{',' if fmt == 'srt' else '.'}000' (hours:minutes:seconds and "
                    "milliseconds, two digits each but the milliseconds)", path=path, line=i + 1)
            i += 1
            continue
        _check_cue_times(m.group("a"), m.group("b"), path, i + 1)
        j = i + 1
        payload = []
        # a cue ends at a blank line, or at the next cue's number and timing line when no
        # blank line separates them (an .srt edited in Notepad or Word)
        while (j < len(lines) and lines[j].strip() and _CUE_TIME_RE.match(lines[j]) is None
               and not _cue_number(lines, j)):
            payload.append(lines[j].strip())
            j += 1
        cues.append((i + 1, _norm_ts(m.group("a").rsplit(".", 1)[0].rsplit(",", 1)[0]), payload))
        _check_count(len(cues), "cues", path, i + 1)
        i = j
    if not cues:
        raise InputError(f"no cues found: a .{fmt} file needs lines like "
                         "'00:00:01.000 --> 00:00:04.000' followed by the spoken text",
                         path=path, line=1)
    body_parts: list[str] = []
    turns: list[dict] = []
    pos = 0
    for line_no, ts, payload in cues:
        for speaker, words in _cue_voices(payload, fmt, roles):
            joined = _cue_text(_TAG_RE.sub("", " ".join(words)), fmt)
            if not joined:
                continue
            if roles and speaker is not None and speaker not in roles:
                raise InputError(f"speaker {speaker!r} is not declared in 'speakers' of the "
                                 "sidecar metadata; add it with its role", path=path,
                                 line=line_no)
            # a cue naming no speaker is a segment of its own (not the turn before it:
            # that may be another speaker's); runs of one speaker's cues are one turn
            speaker = speaker or ""
            if turns and speaker == turns[-1]["speaker"]:
                body_parts.append("\n" + joined)
                pos += 1
                turns[-1]["end"] = pos + len(joined)
            else:
                label = f"[{ts}] {speaker}: " if speaker else f"[{ts}] "
                prefix = "" if not body_parts else "\n"
                body_parts.append(prefix + label + joined)
                pos += len(prefix) + len(label)
                turns.append({"speaker": speaker, "role": roles.get(speaker, ""),
                              "timestamp": ts, "line": line_no, "start": pos,
                              "end": pos + len(joined)})
            pos += len(joined)
    body = "".join(body_parts)
    return ParsedTranscript(doc_id, path, fmt, _attrs(front, path), body, turns, id_line)


def _check_cue_times(start: str, end: str, path: str, line: int) -> None:
    """Refuse a cue's times with minutes or seconds of 60 or more, or an end before the
    start (a typo: the cue would be placed wrongly)."""
    def seconds(value: str) -> float:
        *hours, minutes, secs = re.split(r":", value.replace(",", "."))
        for what, part in (("minutes", minutes), ("seconds", secs.split(".")[0])):
            if int(part) >= 60:
                raise InputError(f"the {what} ({int(part)}) of the time {value} must be below "
                                 "60; correct the timing line", path=path, line=line)
        return int(hours[0] if hours else 0) * 3600 + int(minutes) * 60 + float(secs)

    begins = seconds(start)
    if seconds(end) < begins:
        raise InputError(f"the cue ends ({end}) before it starts ({start}); correct the timing "
                         "line", path=path, line=line)


def _meta_dict(meta: Mapping | None) -> LineDict:
    out = LineDict(meta or {})
    out.line = getattr(meta, "line", 1)
    out.key_lines = dict(getattr(meta, "key_lines", {}))
    out.written = dict(getattr(meta, "written", {}))
    return out


def _sidecar(path: Path) -> LineDict | None:
    for suffix in (".yaml", ".yml"):
        side = path.with_suffix(suffix)
        if side.is_file():
            data = load_yaml(read_text_file(side), path=side)
            if not isinstance(data, dict):
                raise InputError("sidecar metadata must be a YAML mapping with 'id' and "
                                 "'speakers'", path=os.fspath(side), line=1)
            return data
    return None


# --------------------------------------------------------------------------- docx


class TranscriptWarning(UserWarning):
    """A transcript was read, but part of its file is not in its text, or was read in a way
    worth knowing: a Word document's tracked changes (read as if accepted), its comments,
    footnotes, endnotes, headers and footers and its hidden text (left out), a table's first
    row read as a header row; a Word lock file beside the transcripts (skipped).

    ``path`` is the file, ``message`` what was done and how to change it; ``str()`` of the
    warning is ``"<path>: <message>"``. ``citra-eval validate`` and :func:`load_study`
    give them as ``warning:`` lines.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


#: The start tag of a paragraph (``<w:p>``, ``<w:p w:rsidR=...>``, any prefix; not ``<w:pPr>``)
_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")
#: The start tag of a run (``<w:r>``, ``<w:r w:rsidR=...>``; not ``<w:rPr>``)
_RUN_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?r[\s/>]")
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_NS = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W = {t: _W_NS + t for t in (
    "p", "r", "t", "tab", "ptab", "br", "cr", "noBreakHyphen", "fldChar", "fldCharType",
    "tbl", "tr", "tc", "trPr", "tblHeader", "pPr", "rPr", "del", "ins", "moveFrom", "moveTo",
    "sdt", "sdtContent", "customXml", "txbxContent", "type", "vanish", "val", "rStyle",
    "pStyle", "style", "styleId", "basedOn")}
#: Elements in a paragraph whose content is its visible text, as their own: links, smart
#: tags, custom XML, a simple field's result, tracked insertions and moved-to text
#: (changes read as accepted), text direction runs
_INLINE_CONTAINERS = frozenset(_W_NS + t for t in (
    "hyperlink", "smartTag", "customXml", "fldSimple", "ins", "moveTo", "dir", "bdo"))
#: What a run holds besides text that may hold a text box (``w:txbxContent``)
_GRAPHICS = frozenset((_W_NS + "drawing", _W_NS + "pict", _W_NS + "object",
                       _MC_NS + "AlternateContent"))
#: The separators every footnotes/endnotes part holds: not notes
_NOTE_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")


@contextlib.contextmanager
def caught_transcript_warnings() -> Iterator[list[TranscriptWarning]]:
    """Collect the :class:`TranscriptWarning` raised in the block (for ``warning:`` lines);
    other warnings are shown as they would be. The list is filled when the block ends."""
    notes: list[TranscriptWarning] = []
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TranscriptWarning)
            yield notes
    finally:
        for w in caught:
            if isinstance(w.message, TranscriptWarning):
                notes.append(w.message)
            else:
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _read_docx(path: Path) -> tuple[str, list[str]]:
    """The text of a ``.docx`` transcript as lines (:class:`_DocxText`), and notes on what
    was read as accepted or left out (for :class:`TranscriptWarning`)."""
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise RuntimeError("python-docx is required to read .docx transcripts") from exc
    spath = os.fspath(path)
    data = read_file_bytes(path)
    # a .docx is a zip archive: the safe-archive limits first (a zip bomb is refused before
    # python-docx unpacks anything)
    members = read_zip_bytes(data, path=spath, limits=DOCX_LIMITS,
                             what=".docx document",
                             hint="open it in a word processor and save it again as .docx")
    if "word/document.xml" not in members:
        raise InputError("not a Word document: word/document.xml missing; open it in a word "
                         "processor and save it again as .docx", path=spath)
    # python-docx reads entities as nothing (a paragraph using one would vanish): no DTDs
    for name, part in members.items():
        refuse_dtd(part, path=spath, member=name, what="a Word document")
    # python-docx builds a tree of the whole document: count its paragraphs first
    _check_count(len(_PARAGRAPH_TAG.findall(members.get("word/document.xml", b""))),
                 "paragraphs", spath, None)
    runs = sum(1 for _ in _RUN_TAG.finditer(members.get("word/document.xml", b"")))
    if runs > MAX_DOCX_RUNS:
        raise InputError(f"more than {MAX_DOCX_RUNS:,} runs (stretches of text of one "
                         f"formatting, {runs:,} in all) in one .docx transcript: memory grows "
                         "with each, and an interview has a few tens of thousands; save it as "
                         "plain text (.txt), or clear its formatting (Ctrl+Space in Word) and "
                         "save it again", path=spath)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"not a readable .docx file ({type(exc).__name__}); open it in a word "
                         "processor and save it again as .docx", path=spath) from None
    except Exception as exc:  # zipfile.BadZipFile, lxml errors on corrupt parts
        raise InputError(f"not a readable .docx file ({type(exc).__name__}: {exc}); re-save it "
                         "as .docx", path=spath) from None
    reader = _DocxText(spath, _hidden_styles(document))
    lines: list[str] = []
    _docx_blocks(document.element.body, reader, lines)
    notes = _docx_header_rows(lines, reader)
    notes += _docx_left_out(document.element.body, members)
    if reader.hidden_places:
        notes.append(f"left out of the transcript's text: hidden text in "
                     f"{_counted(reader.hidden_places, 'place')} ("
                     f"{_counted(reader.hidden_chars, 'character')}; Word's Font > Hidden, "
                     "not shown or printed by default); if it belongs to the interview, show "
                     "it (Word: Home > Show/Hide), select it and clear Font > Hidden; if not, "
                     "delete it: hidden text stays in the file when it is shared")
    return "\n".join(lines), notes


def _is_on(flag) -> bool | None:
    """Whether a toggle property (``<w:vanish/>``, ``w:val="false"``) is on; None when
    absent."""
    if flag is None:
        return None
    return flag.get(_W["val"], "true").lower() not in ("false", "0", "off")


def _hidden_styles(document) -> frozenset[str]:
    """The ids of the document's styles that hide their text (Font > Hidden), also through
    the styles they are based on."""
    own: dict[str, tuple[bool | None, str | None]] = {}
    for st in document.styles.element.iter(_W["style"]):  # python-docx adds a default part
        props = st.find(_W["rPr"])
        based = st.find(_W["basedOn"])
        own[st.get(_W["styleId"], "")] = (
            None if props is None else _is_on(props.find(_W["vanish"])),
            None if based is None else based.get(_W["val"]))

    def hides(sid: str | None, seen: frozenset[str] = frozenset()) -> bool:
        if sid is None or sid not in own or sid in seen:
            return False
        flag, based = own[sid]
        return flag if flag is not None else hides(based, seen | {sid})

    return frozenset(sid for sid in own if hides(sid))


class _DocxText:
    """Reads a Word document's visible text as Word shows it with its tracked changes
    accepted: runs' text (a tab as a tab, a line, page or column break as a line end, a
    non-breaking hyphen as '-'), inside links, smart tags, custom XML, content controls and
    fields (the result, not the instruction); inserted and moved-to text in, deleted and
    moved-from text out; a paragraph whose mark is deleted joins the next one; a text box's
    paragraphs as lines after the paragraph that holds it. Hidden text (Font > Hidden:
    ``w:vanish`` on the run, its character style or its paragraph's style) is left out and
    counted; a paragraph whose mark is hidden joins the next one, as Word shows it."""

    def __init__(self, path: str, hidden_styles: frozenset[str] = frozenset()) -> None:
        self.path = path
        #: styles that hide their text (:func:`_hidden_styles`)
        self.hidden_styles = hidden_styles
        #: hidden text left out (Font > Hidden): stretches of it, and their characters
        self.hidden_places = 0
        self.hidden_chars = 0
        self._in_hidden = False  # whether the text read last was hidden
        self._paragraph_hidden = False  # whether the paragraph's style hides its text
        self.top: list[str] | None = None  # the document's own lines
        #: two-column tables in the document's own lines: (index of the first row's line,
        #: how many lines that row made, its speaker, its text, the other rows' speakers)
        self.first_rows: list[tuple[int, int, str, list[str], list[str]]] = []

    def paragraph(self, p) -> tuple[str, list]:
        """The paragraph's text and the text boxes (``w:txbxContent``) it holds; its hidden
        text (Font > Hidden, directly or by style) is left out and counted."""
        parts: list[str] = []
        boxes: list = []
        style = p.find(f"{_W['pPr']}/{_W['pStyle']}")
        outer = self._paragraph_hidden  # a paragraph in a text box of a paragraph
        self._paragraph_hidden = style is not None and style.get(_W["val"]) in self.hidden_styles
        self._in_hidden = False
        self._inline(p, parts, boxes, [])
        self._in_hidden = False
        self._paragraph_hidden = outer
        return "".join(parts), boxes

    def mark_hidden(self, p) -> bool:
        """Whether the paragraph's mark is hidden: it joins the next paragraph, as Word
        shows it."""
        flag = _is_on(p.find(f"{_W['pPr']}/{_W['rPr']}/{_W['vanish']}"))
        if flag is not None:
            return flag
        style = p.find(f"{_W['pPr']}/{_W['pStyle']}")
        return style is not None and style.get(_W["val"]) in self.hidden_styles

    def _hidden(self, r) -> bool:
        """Whether run ``r`` is hidden text: its own Font > Hidden, else its character
        style's, else its paragraph style's."""
        props = r.find(_W["rPr"])
        if props is not None:
            flag = _is_on(props.find(_W["vanish"]))
            if flag is not None:
                return flag
            style = props.find(_W["rStyle"])
            if style is not None and style.get(_W["val"]) in self.hidden_styles:
                return True
        return self._paragraph_hidden

    def _inline(self, parent, parts: list[str], boxes: list, fields: list[bool]) -> None:
        for child in parent:
            tag = child.tag
            if tag == _W["r"]:
                self._run(child, parts, boxes, fields)
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, parts, boxes, fields)
            elif tag == _W["sdt"]:
                content = child.find(_W["sdtContent"])
                if content is not None:
                    self._inline(content, parts, boxes, fields)
            elif tag == _MC_NS + "AlternateContent":
                branch = _mc_branch(child)
                if branch is not None:
                    self._inline(branch, parts, boxes, fields)
            # w:del, w:moveFrom (changes accepted), the paragraph's properties, bookmarks,
            # comment ranges, proofing marks: no text

    def _run(self, r, parts: list[str], boxes: list, fields: list[bool]) -> None:
        # ``fields``: one entry per complex field open in this paragraph, True while its
        # instruction is read (hidden), False in its result (shown)
        hidden = self._hidden(r)
        for c in r:
            tag = c.tag
            if tag == _W["fldChar"]:
                kind = c.get(_W["fldCharType"])
                if kind == "begin":
                    fields.append(True)
                elif kind == "separate" and fields:
                    fields[-1] = False
                elif kind == "end" and fields:
                    fields.pop()
            elif any(fields):
                continue  # a field's instruction (a nested field's result in it too)
            elif hidden:
                chars = len(c.text or "") if tag == _W["t"] else int(
                    tag in (_W["tab"], _W["ptab"], _W["br"], _W["cr"], _W["noBreakHyphen"]))
                if chars:
                    self.hidden_places += not self._in_hidden
                    self.hidden_chars += chars
                    self._in_hidden = True
            elif tag == _W["t"]:
                parts.append(c.text or "")
                self._in_hidden = self._in_hidden and not c.text
            elif tag in (_W["tab"], _W["ptab"]):
                parts.append("\t")
            elif tag in (_W["br"], _W["cr"]):
                parts.append("\n")  # a line, page or column break ends the line
            elif tag == _W["noBreakHyphen"]:
                parts.append("-")
            elif tag in _GRAPHICS:
                _text_boxes(c, boxes)


def _mc_branch(alternate, wanted: str = _W["t"]):
    """The branch of an ``mc:AlternateContent`` read (they show the same, so one only): the
    first ``mc:Choice`` that holds ``wanted`` (text, or a text box), else the
    ``mc:Fallback`` (a Choice may be an empty drawing whose text is in the Fallback)."""
    branches = [c for c in alternate if c.tag in (_MC_NS + "Choice", _MC_NS + "Fallback")]
    for branch in branches:
        if branch.tag == _MC_NS + "Fallback" or next(branch.iter(wanted), None) is not None:
            return branch
    return None


def _text_boxes(el, boxes: list) -> None:
    """Append the text boxes (``w:txbxContent``) in ``el`` (not those inside them: reading
    a box reads its own), one branch of each ``mc:AlternateContent``."""
    if el.tag == _W["txbxContent"]:
        boxes.append(el)
        return
    if el.tag == _MC_NS + "AlternateContent":
        el = _mc_branch(el, _W["txbxContent"])
        if el is None:
            return
    for child in el:
        _text_boxes(child, boxes)


def _docx_blocks(parent, reader: _DocxText, lines: list[str]) -> None:
    """Append the lines of the paragraphs and tables under ``parent`` (the body, a table
    cell, a text box, a content control), in document order: a paragraph is a line (more
    at its breaks), then its text boxes' lines; a table its rows (:func:`_docx_table`)."""
    if reader.top is None:
        reader.top = lines
    carried = ""  # the text of paragraphs whose mark is deleted: they join the next one
    for child in parent:
        tag = child.tag
        if tag == _W["p"]:
            text, boxes = reader.paragraph(child)
            mark = child.find(f"{_W['pPr']}/{_W['rPr']}")
            if (mark is not None and (mark.find(_W["del"]) is not None
                                      or mark.find(_W["moveFrom"]) is not None)) \
                    or reader.mark_hidden(child):
                carried += text
            else:
                lines.append(carried + text)
                carried = ""
            for box in boxes:
                _docx_blocks(box, reader, lines)
        elif tag in (_W["sdt"], _W["customXml"]):
            content = child.find(_W["sdtContent"]) if tag == _W["sdt"] else child
            if content is not None:
                if carried:
                    lines.append(carried)
                    carried = ""
                _docx_blocks(content, reader, lines)
        elif tag == _W["tbl"]:
            if carried:
                lines.append(carried)
                carried = ""
            _docx_table(child, reader, lines)
    if carried:
        lines.append(carried)


def _docx_table(tbl, reader: _DocxText, lines: list[str]) -> None:
    """A table's rows as transcript lines. Two columns are ``speaker | text``: a row becomes
    ``SPEAKER: text`` (an empty speaker cell continues the turn before it). One column: each
    cell's paragraphs are lines. A row marked as a repeated header row is skipped, and so is
    a row deleted with Track Changes on; a cell merged with the one above (``vMerge``) holds
    no text of its own, one merged across the columns is read as its paragraphs; a table in
    a cell is read where it stands. The first row of a two-column table in the document's
    own lines is remembered (:func:`_docx_header_rows` decides whether it is a header)."""
    def kept(tr) -> bool:
        props = tr.find(_W["trPr"])
        return props is None or (props.find(_W["tblHeader"]) is None
                                 and props.find(_W["del"]) is None)

    cells = [list(_wrapped(tr, _W["tc"])) for tr in _wrapped(tbl, _W["tr"]) if kept(tr)]
    width = max((len(c) for c in cells), default=0)
    if width > 2:
        raise InputError(
            f"a table with {width} columns (where line {len(lines) + 1} would be): a "
            "transcript in a table needs one column (a line per cell) or two (speaker | "
            "text); merge the columns into those two (e.g. the time into the text), or "
            "convert the table to text (Word: Table Layout > Convert to Text, separated by "
            "paragraph marks) and write each turn as 'SPEAKER: text'", path=reader.path)
    speakers: list[str] = []  # of the rows after the first
    first = None  # the first row: (index of its line, its speaker, its text's lines)
    count = 0  # how many lines the first row made
    for n, row in enumerate(cells):
        texts = []
        for tc in row:
            cell_lines: list[str] = []
            _docx_blocks(tc, reader, cell_lines)
            texts.append(cell_lines)
        before = len(lines)
        if len(texts) == 2:
            speaker = " ".join(" ".join(texts[0]).split()).rstrip(":").rstrip()
            said = texts[1] or [""]
            if n == 0:
                first = (before, speaker, said)
            elif speaker:
                speakers.append(speaker)
            if speaker:
                said = [f"{speaker}: {said[0]}".rstrip(), *said[1:]]
            lines.extend(said)
        else:
            lines.extend(line for cell_lines in texts for line in cell_lines)
        if n == 0:
            count = len(lines) - before
    if first is not None and first[1] and lines is reader.top:
        reader.first_rows.append((first[0], count, first[1], first[2], speakers))


def _wrapped(parent, tag: str):
    """The children of ``parent`` with ``tag``, also those a content control or custom XML
    wraps (a repeating section around table rows, a control around a cell)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _W["sdt"]:
            content = child.find(_W["sdtContent"])
            if content is not None:
                yield from _wrapped(content, tag)
        elif child.tag == _W["customXml"]:
            yield from _wrapped(child, tag)


def _docx_header_rows(lines: list[str], reader: _DocxText) -> list[str]:
    """Drop from ``lines`` the first row of a two-column table that is a header row not
    marked as one (Word's default): its speaker cell is not a declared speaker, every
    other row's is, and its text cell reads like a heading (a few words, no sentence
    punctuation). Such a row that reads like a turn is refused, naming both fixes. Returns
    a note per row dropped."""
    if not reader.first_rows:
        return []
    try:
        front = _split_front_matter("\n".join(lines), reader.path)[0]
        roles = _speaker_roles(front, reader.path)
    except InputError:
        return []  # parse_transcript names what is wrong with the front matter
    if not roles:
        return []
    declared = {" ".join(_nfc(k).split()).casefold() for k in roles}
    notes = []
    for index, count, speaker, said, others in reversed(reader.first_rows):
        if (speaker.casefold() in declared or not others
                or any(s.casefold() not in declared for s in others)):
            continue
        line = 1 + sum(entry.count("\n") + 1 for entry in lines[:index])
        heading = " ".join(" ".join(said).split())
        if len(said) > 1 or len(heading.split()) > 3 or re.search(r"[.,;!?…]", heading):
            raise InputError(
                f"the first row of a table names the speaker {speaker!r}, which is not "
                "declared in the front matter 'speakers', while every other row names a "
                f"declared one: if it is a turn, add '{speaker}: <role>' to 'speakers'; if "
                "it is a header row, mark it as one (Word: Table Properties > Row > Repeat "
                "as header row at the top of each page) or delete it",
                path=reader.path, line=line)
        del lines[index:index + count]
        notes.append(f"the first row of the table at line {line} ({speaker} | {heading}) is "
                     f"read as a header row, not a turn: {speaker!r} is not a declared "
                     "speaker and every other row's is; mark it as a header row (Word: Table "
                     "Properties > Row > Repeat as header row) to say so, or delete it")
    return notes[::-1]


def _docx_left_out(body, members: Mapping[str, bytes]) -> list[str]:
    """Notes on a Word document's tracked changes (read as if accepted) and on what is not
    part of a transcript's text: comments, footnotes, endnotes, headers and footers."""
    notes = []
    inserted = sum(1 for tag in ("ins", "moveTo") for _ in body.iter(_W[tag]))
    deleted = sum(1 for tag in ("del", "moveFrom") for _ in body.iter(_W[tag]))
    if inserted or deleted:
        counts = ", ".join(c for c in (_counted(inserted, "insertion"),
                                       _counted(deleted, "deletion")) if c)
        notes.append(f"holds tracked changes not yet accepted or rejected ({counts}): read as "
                     "if accepted (inserted text in, deleted text out); accept or reject them "
                     "in Word (Review > Accept/Reject) so the text the codings point into "
                     "cannot change, and before sharing the file: deleted text stays in the "
                     "file")
    left = [_counted(len(re.findall(rb"<(?:[\w.-]+:)?comment[\s>]",
                                    members.get("word/comments.xml", b""))), "comment")]
    for kind in ("footnote", "endnote"):
        tags = re.findall(rb"<(?:[\w.-]+:)?" + kind.encode() + rb"(?:\s[^>]*)?>",
                          members.get(f"word/{kind}s.xml", b""))
        left.append(_counted(sum(1 for t in tags if not re.search(
            rb'type="(?:' + "|".join(_NOTE_SEPARATORS).encode() + rb')"', t)), kind))
    parts = [kind for kind in ("header", "footer")
             if any(re.search(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>[^<]*\S", data)
                    for name, data in members.items()
                    if re.fullmatch(rf"word/{kind}\d*\.xml", name))]
    if parts:
        left.append(f"the {' and '.join(parts)} text")
    left = [item for item in left if item]
    if left:
        notes.append(f"left out of the transcript's text: {', '.join(left)} (a transcript is "
                     "the document's body; move into it anything that belongs to the "
                     "interview)")
    return notes


def _counted(n: int, what: str) -> str:
    return "" if not n else f"{n} {what}{'s' * (n != 1)}"


# --------------------------------------------------------------------------- corpus


def transcript_files(folder: str | os.PathLike) -> list[Path]:
    """The transcripts :func:`read_transcripts` reads from ``folder``, by name: files with a
    supported suffix, except hidden files, ``README*``, templates (``*.template.*``) and
    the lock files Word keeps beside a document it has open (``~$*``). Special files and
    links leading nowhere are listed: reading them names them."""
    return sorted(f for f in Path(folder).iterdir()
                  if f.suffix.lower() in SUPPORTED_SUFFIXES and _listed(f))


def _listed(f: Path) -> bool:
    """Whether a file in a transcripts folder is one the user put there as a transcript: not
    hidden (LibreOffice's lock files ``.~lock.*#`` are), not ``README*``, not a template,
    not an Office lock file ``~$*``, not a folder."""
    return (not f.name.startswith((".", "~$")) and not f.name.upper().startswith("README")
            and ".template." not in f.name.lower() and not f.is_dir())


def unread_files(folder: str | os.PathLike) -> list[Path]:
    """The files in ``folder`` that look like transcripts in a format that is not read
    (:data:`UNREAD_SUFFIXES`, e.g. ``.odt``, ``.doc``, ``.rtf``, ``.pdf``):
    :func:`read_transcripts` skips them with a warning naming each, and refuses the folder
    naming them when it holds no transcript it can read."""
    return sorted(f for f in Path(folder).iterdir()
                  if f.suffix.lower() in UNREAD_SUFFIXES and _listed(f))


def _unread_fix(f: Path) -> str:
    """How to make a file in a format not read (:data:`UNREAD_SUFFIXES`) a transcript."""
    return ("rename it to .txt" if f.suffix.lower() == ".text"
            else "save it as .docx or .txt (Word, LibreOffice: File > Save As)")


def _unread_problem(f: Path) -> Problem:
    """The error for a file in a format not read when no transcript beside it can be."""
    return Problem(os.fspath(f), f"unsupported format ({f.suffix.lower()}): {_unread_fix(f)}, "
                   "or move it out of the transcripts folder if it is not a transcript; "
                   f"transcripts are read from {', '.join(SUPPORTED_SUFFIXES)} files")


def _unread_note(f: Path) -> TranscriptWarning:
    """The warning for a file in a format not read, beside transcripts that are read."""
    return TranscriptWarning(os.fspath(f), (
        f"skipped: a {f.suffix.lower()} file is not read as a transcript (transcripts are "
        f"read from {', '.join(SUPPORTED_SUFFIXES)} files); if it is an interview, "
        f"{_unread_fix(f)} so that it is read; if it is not (a consent form, notes), move it "
        "out of the transcripts folder"))


def _lock_notes(folder: Path) -> list[TranscriptWarning]:
    """A note per Word lock file (``~$NAME.docx``) in ``folder``: it is skipped, and what
    is not saved in the document open in Word is not read."""
    notes = []
    names = {f.name[2:]: f.name for f in folder.iterdir() if not f.name.startswith("~$")}
    for f in sorted(folder.glob("~$*")):
        if f.suffix.lower() not in SUPPORTED_SUFFIXES + UNREAD_SUFFIXES:
            continue
        # Word names it "~$" + the name, or "~$" in place of a long name's first two letters
        doc = (f.name[2:] if (folder / f.name[2:]).exists() else names.get(f.name[2:]))
        notes.append(TranscriptWarning(os.fspath(f), (
            f"skipped: the lock file Word keeps while {doc} is open in Word; what is not "
            f"saved there yet is not read" if doc else
            "skipped: a Word lock file left behind (no document of its name is here, or "
            "Word closed without saving); delete it")))
    return notes


def _files(path: str | os.PathLike | Iterable[str | os.PathLike], *,
           allow_empty: bool = False) -> tuple[list[Path], list[Problem], list[TranscriptWarning]]:
    """The files to read, the problems of a folder's files in formats not read (when no
    file there can be read: an interview saved only in such a format is never left out
    without an error), and notes on the lock files and files in formats not read skipped."""
    if isinstance(path, str | os.PathLike):
        p = Path(path)
        if p.is_dir():
            files, unread = transcript_files(p), unread_files(p)
            if not files and unread:
                return [], [_unread_problem(f) for f in unread], []
            if not files and not allow_empty:
                raise InputError(f"no transcripts ({', '.join(SUPPORTED_SUFFIXES)}) in this "
                                 "folder", path=os.fspath(p))
            return files, [], _lock_notes(p) + [_unread_note(f) for f in unread]
        if not p.exists():
            why = broken_link(p, "file" if p.suffix.lower() in SUPPORTED_SUFFIXES else "folder")
            raise InputError(why or "no such file or folder; check the path", path=os.fspath(p))
        return [p], [], []
    return [Path(f) for f in path], [], []


def _read_one(f: Path) -> ParsedTranscript:
    suffix = f.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"unsupported transcript format '{suffix}'; use one of "
                         f"{', '.join(SUPPORTED_SUFFIXES)}", path=os.fspath(f))
    if not is_input_file(f):
        raise InputError("file not found; check the path", path=os.fspath(f))
    if suffix == ".docx":
        text, notes = _read_docx(f)
        parsed = parse_transcript(text or " ", path=f, fmt="docx")
        parsed.notes = notes + parsed.notes
        return parsed
    data = _limited_bytes(f)
    if suffix in (".vtt", ".srt"):
        return parse_transcript(decode_utf8(data, f), path=f, fmt=suffix[1:], meta=_sidecar(f))
    return parse_transcript(data, path=f, fmt=suffix[1:])


def _limited_bytes(f: Path) -> bytes:
    """The bytes of a text transcript, refused past :data:`MAX_TRANSCRIPT_BYTES` (naming the
    line where the limit is crossed) before the rest is read."""
    limit = MAX_TRANSCRIPT_BYTES
    with open(f, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"the transcript is more than the limit of {limit:,} bytes "
                         f"(corpus.MAX_TRANSCRIPT_BYTES), which it crosses on this line; split "
                         "it into several transcripts", path=os.fspath(f),
                         line=data.count(b"\n", 0, limit) + 1)
    return data


def read_transcripts(path: str | os.PathLike | Iterable[str | os.PathLike], *,
                     allow_empty: bool = False) -> Corpus:
    """Read interview transcripts into a :class:`Corpus`.

    Parameters
    ----------
    path : str, path, or list of paths
        A folder (every ``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt`` file in it, by name,
        except hidden files, ``README*``, templates named ``*.template.*`` and the lock
        files ``~$*`` Word keeps beside an open document), a single file, or a list of
        files.
    allow_empty : bool, default False
        Return an empty corpus for a folder without transcripts instead of refusing it
        (an imported REFI-QDA project may hold no texts).

    Returns
    -------
    Corpus
        ``.documents``, ``.segments`` and ``.text(doc_id)``; see :class:`Corpus`. A
        ``.docx`` is read as Word shows it with its tracked changes accepted: the text of
        its body's paragraphs, tables, content controls, fields (their results), smart
        tags and text boxes; a page or column break ends a line. Its comments, footnotes,
        endnotes, headers and footers are not part of the text, nor is its hidden text
        (Font > Hidden, which Word neither shows nor prints by default).

    Raises
    ------
    InputError
        Listing every file that is wrong (one problem per file), with the line; a file
        in a folder that looks like a transcript in a format not read (``.odt``,
        ``.doc``, ``.rtf``, ``.text``, ``.pdf``, ...: :data:`UNREAD_SUFFIXES`) is one
        when no file in the folder can be read.

    Warns
    -----
    TranscriptWarning
        A ``.docx`` holds tracked changes (read as if accepted) or hidden text, comments,
        footnotes, endnotes, header or footer text (left out), or the first row of one of
        its tables is read as a header row; a Word lock file in the folder is skipped, and
        so is a file in a format not read (:data:`UNREAD_SUFFIXES`) beside transcripts that
        are: the warning names it and how to have it read.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> seg = corpus.segments.iloc[0]
    >>> corpus.text(seg.doc_id)[seg.start:seg.end] == seg.text
    True
    """
    check_bool(allow_empty, "allow_empty")
    parsed: list[ParsedTranscript] = []
    files, problems, notes = _files(path, allow_empty=allow_empty)
    for f in files:
        try:
            parsed.append(_read_one(f))
        except InputError as exc:
            problems.extend(exc.problems)
    problems.extend(_repeated_names(files, parsed))
    if problems:
        raise InputError(problems=problems)
    notes += [TranscriptWarning(p.path, note) for p in parsed for note in p.notes]
    for note in notes:
        warnings.warn(note, stacklevel=2)
    return assemble_corpus(parsed)


def _repeated_names(files: list[Path], parsed: list[ParsedTranscript]) -> list[Problem]:
    """One problem per transcript whose file name (in the same folder) or id repeats an
    earlier one's, ignoring case: Windows and macOS file systems ignore it, so such files
    cannot be cloned or copied there side by side, and outputs named by id (pseudonymise's
    ``<id>.txt``) would overwrite each other."""
    problems: list[Problem] = []
    names: dict[tuple[Path, str], Path] = {}
    for f in files:
        other = names.setdefault((f.absolute().parent, f.name.casefold()), f)
        if other is not f:
            problems.append(Problem(
                os.fspath(f), f"its name differs from {other.name} only in case; Windows "
                "and macOS keep one file for both names, so the study cannot be copied there; "
                "rename one of the two"))
    reported = {p.path for p in problems}
    seen: dict[str, ParsedTranscript] = {}
    for p in parsed:
        other = seen.setdefault(p.doc_id.casefold(), p)
        if other is p or p.path in reported:
            continue
        if other.doc_id == p.doc_id:
            what = f"duplicate id {p.doc_id!r} (also in {other.path})"
        else:
            what = (f"id {p.doc_id!r} differs from {other.doc_id!r} (in {other.path}) only in "
                    "case; files named by id would overwrite each other on Windows and macOS")
        # a subtitle file without an id in its sidecar is named by its file
        named = [q.path for q in (other, p) if q.id_line is None]
        fix = ("every transcript needs its own id" if other.doc_id == p.doc_id
               else "change the 'id' of one" if not named
               else "rename one of the two files (its name is its id)" if len(named) == 2
               else f"change the 'id' of one, or rename {named[0]} (its name is its id)")
        problems.append(Problem(p.path, f"{what}; {fix}", p.id_line))
    return problems


def assemble_corpus(parsed: list[ParsedTranscript]) -> Corpus:
    # column lists, not a dict per turn: a transcript of a million short turns would
    # otherwise hold a million dicts next to the turns' own
    seg_cols: dict[str, list] = {c: [] for c in SEGMENT_COLUMNS}
    columns = list(seg_cols.values())
    doc_rows = []
    for p in parsed:
        words = 0
        for n, t in enumerate(p.turns, start=1):
            text = p.body[t["start"]:t["end"]]
            nw = len(text.split())
            words += nw
            row = (p.doc_id, n, t["speaker"], t["role"], t["start"], t["end"], text,
                   t.get("timestamp"), t["line"], nw)  # in SEGMENT_COLUMNS order
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        doc_rows.append({"doc_id": p.doc_id, "path": p.path, "format": p.fmt,
                         "n_segments": len(p.turns), "n_words": words, **p.attrs})
    segments = pd.DataFrame(seg_cols, columns=SEGMENT_COLUMNS)
    segments = segments.astype({"segment_id": "int64", "start": "int64", "end": "int64",
                                "line": "int64", "n_words": "int64"})
    documents = pd.DataFrame(doc_rows)
    if documents.empty:
        documents = pd.DataFrame(columns=["doc_id", "path", "format", "n_segments", "n_words"])
    for col in documents.columns:
        if documents[col].dtype.kind == "f" and _whole_numbers(doc_rows, col):
            # whole numbers some documents lack (an Integer case variable, ``age: 42`` in
            # a few front matters) stay whole numbers, not 42.0: nullable integers
            documents[col] = pd.array([r.get(col) if not is_missing_value(r.get(col))
                                       else None for r in doc_rows], dtype="Int64")
    return Corpus(documents, segments, {p.doc_id: p.body for p in parsed})


def _whole_numbers(rows: list[dict], key: str) -> bool:
    """Whether every present value of ``key`` is a whole number (not a bool) that fits 64
    bits, and some row lacks it."""
    values = [r.get(key) for r in rows]
    present = [v for v in values if not is_missing_value(v)]
    return (0 < len(present) < len(values)
            and all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)
                    and -(1 << 63) <= int(v) < (1 << 63) for v in present))


# --------------------------------------------------------------------------- writing
# The inverse of reading: a corpus document back to transcript source (front matter + text),
# so codings' offsets slice the written file's text exactly.


def front_matter_text(data: Mapping) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False,
                                     width=10_000) + "---\n"


def transcript_source(corpus: Corpus, doc_id: str, *, front: Mapping | None = None) -> str:
    """The transcript file (YAML front matter + plain text) of one document of ``corpus``.
    Reading the result back with :func:`~citra_eval.read_transcripts` gives the same plain
    text, segments and attributes, so codings keep slicing their text. ``front`` replaces
    the front matter built from the document's attributes and speakers.
    """
    text = corpus.text(doc_id)
    if front is None:
        row = corpus.document(doc_id)
        data: dict = {"id": doc_id}
        for key, value in row.items():
            if key in DERIVED_DOC_COLUMNS or key in ("id", "speakers") or is_missing_value(value):
                continue
            data[front_matter_key(key)] = _plain(value)
        speakers = speakers_of(corpus, doc_id)
        if speakers:
            data["speakers"] = speakers
        front = data
    return front_matter_text(front) + text


def front_matter_of(corpus: Corpus, doc_id: str) -> dict | None:
    """The front matter of a ``.txt``/``.md`` transcript of ``corpus``, re-read from its file
    as plain data (None for other formats or when the file is gone)."""

    row = corpus.document(doc_id)
    path, fmt = row.get("path"), row.get("format")
    if fmt not in ("txt", "md") or not isinstance(path, str) or not Path(path).is_file():
        return None
    front, _, _ = _split_front_matter(read_text_file(path), path)
    return _plain_data(front)


def declared_speakers(corpus: Corpus, doc_id: str) -> list[str]:
    """The speaker labels the front matter of a transcript of ``corpus`` declares (a
    subtitle file's: its sidecar's), re-read from its file (empty when it declares none, or
    when the file is gone or no longer reads)."""
    row = corpus.document(doc_id)
    path, fmt = row.get("path"), row.get("format")
    if fmt not in SUPPORTED_FORMATS or not isinstance(path, str) or not Path(path).is_file():
        return []
    try:
        if fmt in ("vtt", "srt"):
            front = _sidecar(Path(path)) or {}
        else:
            source = _read_docx(Path(path))[0] if fmt == "docx" else read_text_file(path)
            front, _, _ = _split_front_matter(source, path)
    except InputError:
        return []
    speakers = front.get("speakers")
    return [str(s) for s in speakers] if isinstance(speakers, dict | list) else []


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_source(source: str, path: str | os.PathLike = "<string>") -> tuple[str, str]:
    """A ``.txt``/``.md`` transcript exactly as in its file (byte-order mark and line ends
    kept, :func:`~citra_eval._files.read_text_file` with ``normalise=False``) split into its
    head (everything through the line closing the front matter, that line's end included)
    and its body, whose normalised form is the document's plain text."""
    _, _, body_line = _split_front_matter(normalise_newlines(source), os.fspath(path))
    head_lines = body_line - 1
    cut = len(source)
    for n, m in enumerate(_LINE_END.finditer(source), start=1):
        if n == head_lines:
            cut = m.end()
            break
    return source[:cut], source[cut:]


def line_ends(text: str) -> list[str]:
    """The line ends of ``text`` as written (``\\n``, ``\\r\\n`` or ``\\r``), in order: one per
    line break of its normalised form."""
    return _LINE_END.findall(text)


def main_line_end(ends: Iterable[str]) -> str:
    """The most frequent of ``ends`` (``\\n`` on a tie or when there is none)."""
    counts = {"\n": 0}
    for e in ends:
        counts[e] = counts.get(e, 0) + 1
    return max(counts, key=lambda e: (counts[e], e == "\n"))


def with_line_ends(text: str, ends: list[str]) -> str:
    """``text`` (LF line breaks) with its ``i``-th line break written as ``ends[i]``; the
    inverse of normalising the line ends of a text whose :func:`line_ends` are ``ends``."""
    if all(e == "\n" for e in ends):
        return text
    parts = text.split("\n")
    if len(parts) != len(ends) + 1:
        raise ValueError(f"{len(parts) - 1} line breaks but {len(ends)} line ends")
    return "".join(p + e for p, e in zip(parts, [*ends, ""], strict=True))


def _plain_data(value):
    """LineDict/LineList -> dict/list (PyYAML's safe dumper refuses subclasses)."""
    if isinstance(value, dict):
        return {k: _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    return value


def speakers_of(corpus: Corpus, doc_id: str) -> dict[str, str]:
    """``{label: role}`` a transcript file must declare to re-create the document's turns."""
    segs = corpus.segments_of(doc_id)
    roles: dict[str, str] = {}
    seen: set[str] = set()  # labels in NFC: 'e' + U+0301 and 'é' are one speaker

    def add(label: str, role: str) -> None:
        if _nfc(label) not in seen:
            seen.add(_nfc(label))
            roles[label] = role

    for sp, role in zip(segs["speaker"], segs["role"], strict=True):
        if isinstance(sp, str) and sp:
            add(sp, role if isinstance(role, str) else "")
    if not declared_turns_only(corpus, doc_id):
        for label in one_word_labels(corpus.text(doc_id)):
            add(label, "")
    return roles


def declared_turns_only(corpus: Corpus, doc_id: str) -> bool:
    """Whether the document says ``turns: declared`` (see :data:`TURNS_KEY`)."""
    if TURNS_KEY not in corpus.documents.columns:
        return False
    value = corpus.document(doc_id)[TURNS_KEY]
    return isinstance(value, str) and value.strip().lower() == TURNS_DECLARED


def _plain(value):
    """numpy scalars -> Python scalars, ISO date strings -> dates (unquoted in YAML)."""
    import datetime as dt

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def write_transcripts(corpus: Corpus, folder: str | os.PathLike) -> list[Path]:
    """Write every document of ``corpus`` as ``<folder>/<doc_id>.txt`` (front matter + text).
    Returns the paths written. Each file is written atomically.
    """
    out = []
    for doc in corpus.doc_ids:
        target = Path(folder) / f"{doc}.txt"
        write_text(target, transcript_source(corpus, doc))
        out.append(target)
    return out


def one_word_labels(text: str) -> list[str]:
    """Labels the transcript reader sees as speaker labels (one word, colon, space)."""
    out: dict[str, None] = {}
    for _, _, line in label_lines(text):
        g = match_label(GENERIC_LABEL_RE, line)
        if g:
            out.setdefault(g[0])
    return list(out)



def is_missing_value(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and math.isnan(v)

