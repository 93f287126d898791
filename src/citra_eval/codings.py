"""Codings tables: read, validate against the corpus and codebook, and write.

A codings table has exactly these first columns: ``doc_id, segment_id, start, end, code,
coder``, then optional ``text`` (the coded characters, ``corpus.text(doc_id)[start:end]``),
``evidence`` and ``note``. One row per code applied to a span. A further column,
``whole_turn`` (``true``/``false``; written by ``sheet import``: ``true`` for a mark, which
codes its whole turn), says which codings code their whole turn whatever it holds, so that
:func:`citra_eval.reanchor` widens one to its whole edited turn (:func:`whole_turn_flags`).

The ``text`` column is what keeps codings honest when a transcript is edited after coding:
every writer records it, every reader given the corpus checks it, and a coding whose text is
no longer at its offsets is reported as drifted (:func:`citra_eval.reanchor` moves it back).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._files import (
    is_pandas_index,
    read_csv_records,
    refuse_raw_replacement,
    refuse_repeated_files,
    separator_name,
    write_csv,
)
from ._passages import character_named, grapheme_around
from ._validation import (
    caller_stacklevel,
    check_bool,
    check_choice,
    check_codebook,
    check_codings,
    check_codings_in_corpus,
    check_corpus,
    check_type,
    listed,
    row_name,
    rows_named,
)
from .codebook import category_fix
from .errors import (
    MAX_REPORTED,
    Advice,
    InputError,
    Problem,
    advised,
    closest,
    collect,
    name_hint,
    quoted_pair,
)

if TYPE_CHECKING:  # for annotations only; keeps the modules free of import cycles
    from .codebook import Codebook
    from .corpus import Corpus


__all__ = ["CODING_COLUMNS", "WHOLE_TURN", "CodingWarning", "CoverageWarning", "empty_codings",
           "read_codings", "record_text", "same_code_overlaps", "validate_codings", "warn_uncoded",
           "whole_turn_flags", "write_codings"]

CODING_COLUMNS = ["doc_id", "segment_id", "start", "end", "code", "coder"]
OPTIONAL_COLUMNS = ["text", "evidence", "note"]
_INT_COLUMNS = ["segment_id", "start", "end"]
#: The columns a span is checked with (a coder is not needed for that).
_SPAN_COLUMNS = ["doc_id", "segment_id", "start", "end", "code"]
#: The optional column that marks codings of a whole turn (``true``/``false``).
WHOLE_TURN = "whole_turn"
_WHOLE_TURN_VALUES = {"true": True, "1": True, "false": False, "0": False, "": False}


class CoverageWarning(UserWarning):
    """Which documents a coder rated was inferred from where they applied codes."""


class CodingWarning(UserWarning):
    """A valid coding that is likely not what was meant: one on a turn that is not an
    informant's (the analyses leave it out), or one starting or ending inside a character
    (an emoji without its skin tone). :func:`validate_codings` issues it; ``citra-eval
    validate`` prints the same notes as ``warning:`` lines."""


def informant_documents(corpus: Corpus) -> set[str]:
    """Doc ids with at least one informant's turn."""
    segs = corpus.segments
    return set(segs.loc[segs["role"] == "informant", "doc_id"].astype(str))


def turn_role_notes(codings: pd.DataFrame, corpus: Corpus) -> list[tuple[int, str]]:
    """``(position, message)`` for each coding (valid against ``corpus``) on a turn that is
    not an informant's (e.g. the interviewer's question), in a document that has an
    informant's turn: reliability, the themes and the auto-coder count informants' turns
    only, so it is left out. The one check behind ``citra-eval validate``'s warning lines
    and :func:`validate_codings`' :class:`CodingWarning`."""
    if not len(codings):
        return []
    segs = corpus.segments.set_index(["doc_id", "segment_id"])[["speaker", "role"]]
    keys = pd.MultiIndex.from_arrays([codings["doc_id"].astype(str),
                                      codings["segment_id"].astype(int)])
    turn = segs.reindex(keys)
    spoken = informant_documents(corpus)
    off = ((turn["role"] != "informant").to_numpy() & turn["role"].notna().to_numpy()
           & codings["doc_id"].astype(str).isin(spoken).to_numpy())
    return [(int(i), f"{codings['doc_id'].iat[i]}, turn {int(codings['segment_id'].iat[i])} "
             f"is the {turn['role'].iat[i]}'s ({turn['speaker'].iat[i]}), not an informant's: "
             "reliability, the themes and the auto-coder count informants' turns, so this "
             "coding is left out; move it to the informant's answer or delete it")
            for i in off.nonzero()[0]]


def cut_character_notes(codings: pd.DataFrame, corpus: Corpus) -> list[tuple[int, str]]:
    """``(position, message)`` for each coding (valid against ``corpus``) whose span starts
    or ends inside a user-perceived character (an emoji without its skin tone, part of a
    family emoji, a letter without its combining accent), naming the character cut and the
    offset that would include it whole. A sheet quote is refused for that; a hand-written
    offset may be meant, so this is only a note. The one check behind ``citra-eval
    validate``'s warning lines and :func:`validate_codings`' :class:`CodingWarning`."""
    texts = corpus.texts
    out = []
    for i, (doc, sid, start, end) in enumerate(zip(
            codings["doc_id"].astype(str).tolist(), codings["segment_id"].tolist(),
            codings["start"].tolist(), codings["end"].tolist(), strict=True)):
        text = texts.get(doc, "")
        cuts = [(word, grapheme_around(text, p)) for word, p in (("start", start), ("end", end))
                if 0 < p < len(text) and not (text[p].isascii() and text[p - 1].isascii())]
        cuts = [(word, a, b) for word, (a, b) in cuts if a < b]
        if not cuts:
            continue
        said = " and ".join(f"{word}s inside the character {character_named(text[a:b])}"
                            for word, a, b in cuts)
        fix = ", ".join(f"{word} to {a if word == 'start' else b}" for word, a, b in cuts)
        out.append((i, f"{doc}, turn {int(sid)}: the coding {said}: a coding, like a sheet "
                    f"quote, holds whole characters as one sees them; set {fix} to code it "
                    "whole (or leave the offsets if they are meant)"))
    return out


def _warn_notes(codings: pd.DataFrame, corpus: Corpus, path: str | None) -> None:
    """A :class:`CodingWarning` per note of :func:`turn_role_notes` and
    :func:`cut_character_notes`, naming the coding's line of ``path`` (``_line``, else data
    row + 1) or, a table given in memory, its row (``<input>: row 1 (index 101): ...``)."""
    lines = _lines(codings)
    for i, message in [*turn_role_notes(codings, corpus), *cut_character_notes(codings, corpus)]:
        where = (f"{path}:{int(lines[i])}" if path is not None
                 else f"<input>: line {int(lines[i])}" if "_line" in codings.columns
                 else f"<input>: {row_name(codings, i)}")
        warnings.warn(f"{where}: {message}", CodingWarning, stacklevel=caller_stacklevel())


def warn_uncoded(codings: pd.DataFrame, corpus: Corpus, spoken: set[str], what: str, *,
                 name: str = "codings", stacklevel: int = 3) -> None:
    """:class:`CoverageWarning` when some of the ``spoken`` documents (those with a turn of
    the roles) have no coding at all in ``codings`` (the argument ``name``): the analysis
    (``what``) counts them as coded with no code, which is wrong for interviews not coded
    yet; the warning names them and the fix (the corpus subset to
    :func:`~citra_eval.coded_documents`). Silent for an empty table. ``stacklevel`` 3 points
    at the caller of the public function that calls this."""
    if codings.empty:
        return
    coded = set(codings["doc_id"].astype(str))
    uncoded = [d for d in corpus.doc_ids if d in spoken and str(d) not in coded]
    if uncoded:
        where = "" if name == "codings" else f" in {name}"
        warnings.warn(
            f"{what}: {len(uncoded)} of {len(spoken)} interviews have no coding{where} "
            f"({listed(uncoded, limit=5, quote=False)}) and count as coded with no code; if "
            f"they are not coded yet, pass corpus=corpus.subset(ce.coded_documents({name}, "
            "corpus=corpus))", CoverageWarning, stacklevel=stacklevel)


def same_code_overlaps(codings: pd.DataFrame) -> list[tuple[int, int]]:
    """The pairs of codings that give one code twice in one turn: same coder, code and
    segment, spans that overlap (one inside the other, as a coding sheet's whole-turn mark
    and a quote of part of the turn) but differ. Two passages of a turn apart from each
    other are no such pair, and identical codings are the readers' concern.

    Parameters
    ----------
    codings : DataFrame
        A codings table (contract columns).

    Returns
    -------
    list of (int, int)
        Positions (``iloc``) of each pair, the earlier row first, sorted by the later one.

    Notes
    -----
    The spans of each (document, turn, code, coder) are sorted and swept, so the time grows
    with the number of codings and of pairs found, not with the square of the codings of
    one turn (``benchmarks/bench_growth.py``). Codings without a turn, code or coder, or
    without both ends of their span, are in no pair.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> t = pd.DataFrame([("D", 2, 0, 20, "a", "A"), ("D", 2, 5, 9, "a", "A"),
    ...                   ("D", 2, 25, 30, "a", "A"), ("D", 2, 5, 9, "b", "A")],
    ...                  columns=ce.CODING_COLUMNS)
    >>> same_code_overlaps(t)
    [(0, 1)]
    """
    key = ["doc_id", "segment_id", "code", "coder"]
    if codings.empty:
        return []
    frame = codings[[*key, "start", "end"]].reset_index(drop=True)
    # a coding without a turn, code or coder is in no group, and a span without both
    # numbers overlaps nothing
    frame = frame[frame.notna().all(axis=1)]
    frame = frame[frame.duplicated(key, keep=False)]
    if frame.empty:
        return []
    # spans as ranks among all their ends (same order, small numbers), rows sorted by
    # (group, start, end); a distinct span overlaps the spans after it that start before
    # it ends (a sweep: linear in the codings when few overlap)
    group = frame.groupby(key, sort=False).ngroup().to_numpy()
    start, end = frame["start"].to_numpy(), frame["end"].to_numpy()
    values = np.unique(np.concatenate([start, end]))
    start, end = np.searchsorted(values, start), np.searchsorted(values, end)
    order = np.lexsort((end, start, group))
    row = frame.index.to_numpy()[order]
    group, start, end = group[order], start[order], end[order]
    head = np.flatnonzero(np.r_[True, (group[1:] != group[:-1]) | (start[1:] != start[:-1])
                                | (end[1:] != end[:-1])])
    size = np.diff(np.r_[head, len(order)])
    group, start, end = group[head], start[head], end[head]
    stride = len(values) + 1
    upto = np.searchsorted(group * stride + start, group * stride + end, side="left")
    a, step = _runs(np.maximum(upto - np.arange(len(head)) - 1, 0))
    b = a + 1 + step
    a, b = a[start[a] < end[b]], b[start[a] < end[b]]
    # every coding of span a with every coding of span b (identical codings share a span)
    pair, k = _runs(size[a] * size[b])
    i = row[head[a][pair] + k // size[b][pair]]
    j = row[head[b][pair] + k % size[b][pair]]
    i, j = np.minimum(i, j), np.maximum(i, j)
    order = np.lexsort((i, j))
    return list(zip(i[order].tolist(), j[order].tolist(), strict=True))


def _runs(length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs of the given lengths laid end to end: each element's run and its place in
    the run (from 0)."""
    run = np.repeat(np.arange(len(length)), length)
    return run, np.arange(len(run)) - (np.cumsum(length) - length)[run]


@rows_named("codings")
def whole_turn_flags(codings: pd.DataFrame, *, path: str | None = None) -> np.ndarray:
    """Which codings code their whole turn, from the optional :data:`WHOLE_TURN` column.

    Parameters
    ----------
    codings : DataFrame
        A codings table; without a ``whole_turn`` column no coding is flagged.
    path : str, optional
        The file the table was read from, for error lines (the rows' lines come from a
        ``_line`` column, as ``read_codings(..., keep_lines=True)`` gives).

    Returns
    -------
    ndarray of bool
        One flag per row: ``true`` or ``1`` (any case; or a boolean True) is a coding of its
        whole turn (a coding sheet's mark); ``false``, ``0`` and a blank are not.

    Raises
    ------
    InputError
        For any other value, at its line.
    """
    if WHOLE_TURN not in codings.columns:
        return np.zeros(len(codings), dtype=bool)
    values = codings[WHOLE_TURN].to_numpy(dtype=object)
    lines = _lines(codings)
    flags, problems = np.zeros(len(codings), dtype=bool), []
    for i, v in enumerate(values):
        if isinstance(v, bool | np.bool_):
            flags[i] = bool(v)
            continue
        key = "" if v is None or pd.isna(v) else str(v).strip()
        if key.lower() not in _WHOLE_TURN_VALUES:
            problems.append(Problem(path, f"{WHOLE_TURN!r} is {key!r}; write true (the coding "
                                    "covers its whole turn) or false (it does not), or leave "
                                    "it empty", int(lines[i]), WHOLE_TURN))
            continue
        flags[i] = _WHOLE_TURN_VALUES[key.lower()]
    collect(problems, limit=MAX_REPORTED)
    return flags


def empty_codings() -> pd.DataFrame:
    """An empty codings table with the contract's columns and dtypes."""
    return pd.DataFrame({
        "doc_id": pd.Series(dtype="str"), "segment_id": pd.Series(dtype="int64"),
        "start": pd.Series(dtype="int64"), "end": pd.Series(dtype="int64"),
        "code": pd.Series(dtype="str"), "coder": pd.Series(dtype="str"),
        "text": pd.Series(dtype="str"), "evidence": pd.Series(dtype="str"),
        "note": pd.Series(dtype="str")})


def read_codings(path: str | os.PathLike | Sequence[str | os.PathLike], *,
                 corpus: Corpus | None = None, codebook: Codebook | None = None,
                 keep_lines: bool = False, within: str = "segment") -> pd.DataFrame:
    """Read and validate a codings CSV (or several, e.g. one per coder).

    Parameters
    ----------
    path : str, path, or list of them
        UTF-8 CSV whose first columns are ``doc_id, segment_id, start, end, code, coder``.
        Several files are read into one table (in the order given); a coding that appears
        in more than one of them is reported with its line in each. Files as pandas and
        Excel write them are read too: separated by semicolons (Excel in Indonesian, with
        or without its ``sep=;`` first line) or tabs; with pandas' row index as an unnamed
        first column (``df.to_csv(path)`` without ``index=False``), which is left out; with
        offsets written as floats (``79.0``, a column that held a NaN), read as the whole
        numbers they are (``79.5`` is refused).
    corpus : Corpus, optional
        When given, every ``doc_id`` and ``segment_id`` must exist, every span must lie
        inside its segment, and where the file records the coded ``text`` it must still be
        what the transcript holds at ``start:end`` (else the coding has drifted: see
        :func:`citra_eval.reanchor`).
    codebook : Codebook, optional
        When given, every ``code`` must be a codable code of the codebook.
    keep_lines : bool
        Keep a ``_line`` column: the 1-based line of the file on which each row starts
        (a quoted cell may span lines). Readers that report rows later use it; writers
        drop it.
    within : {"segment", "text"}, default "segment"
        With ``corpus``: every span must lie inside its segment (``"segment"``), or only
        inside its document's text (``"text"``: for writers that do not use segments, such
        as the REFI-QDA export, which must accept the spans crossing speaker turns that
        ``read_qdpx(..., spanning="keep")`` gives).

    Returns
    -------
    DataFrame
        ``doc_id, segment_id, start, end, code, coder, text, evidence, note`` (integers for
        the offsets; empty ``text``/``evidence``/``note`` become missing; ``text`` is
        missing throughout for a file without that column), then any further columns, in
        file order.

    Raises
    ------
    InputError
        One problem per bad row (up to 20 per file), each with the CSV line number; every
        file's problems are reported together. A file too large for the memory available
        is reported as such (millions of rows need well under 1 GB). A template (a name
        with ``.template.``, as ``citra-eval init``'s ``codings.template.csv``) is refused
        as such.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> both = ce.read_codings([ce.example_path("codings_A"), ce.example_path("codings_B")])
    >>> sorted(both["coder"].unique())
    ['A', 'B']
    >>> a = ce.read_codings(ce.example_path("codings_A"), corpus=corpus)
    >>> list(a.columns[:6])
    ['doc_id', 'segment_id', 'start', 'end', 'code', 'coder']
    >>> a["coder"].unique().tolist()
    ['A']
    >>> row = a.iloc[0]
    >>> seg = corpus.segments.set_index(["doc_id", "segment_id"]).loc[(row.doc_id, row.segment_id)]
    >>> corpus.text(row.doc_id)[row.start:row.end] in seg.text
    True
    """
    check_choice(within, "within", ("segment", "text"))
    check_bool(keep_lines, "keep_lines")
    check_corpus(corpus, allow_none=True)
    check_codebook(codebook)
    if not isinstance(path, str | os.PathLike):
        paths = _paths(path)
        out = _read_several(paths, corpus=corpus, codebook=codebook, within=within)
    else:
        out = _plain(_read_one(path, corpus, codebook, within)).reset_index(drop=True)
    return out if keep_lines else out.drop(columns="_line")


def _paths(path: object) -> list:
    """``path``, not one path, as a list of paths; ``TypeError`` for anything else (a
    table would otherwise be read as one file per column name)."""
    what = "a file path (or a list of them)"
    if isinstance(path, pd.DataFrame | pd.Series):
        check_type("path", path, (str, os.PathLike), what,
                   fix="; use validate_codings for a table")
    check_type("path", path, Iterable, what)
    paths = list(path)  # type: ignore[call-overload]
    for p in paths:
        check_type("path", p, (str, os.PathLike), what + " holding only paths")
    return paths


#: How a filled coding sheet (``citra_eval.sheets``) becomes a codings table.
_SHEET_IMPORT = advised("read it with ", cli="'citra-eval sheet import FILE --coder NAME "
                        "--out data/raw/codings_NAME.csv', which writes the codings table",
                        python="ce.read_coding_sheet(path, corpus=corpus, codebook=codebook, "
                        "coder=NAME), which returns the codings table (ce.write_codings "
                        "writes it)")
#: The first columns of a coding sheet's worksheet ``coding`` (``sheets.SHEET_COLUMNS``).
_SHEET_HEADER = ["doc_id", "segment_id", "speaker", "text"]


def _read_one(path, corpus, codebook, within: str = "segment") -> pd.DataFrame:
    spath = os.fspath(path)
    if ".template." in Path(spath).name.lower():  # as the study's readers skip it
        raise InputError("this is the template of a codings file (its rows are examples of "
                         "the format, never data); leave it out, e.g. give only the coders' "
                         "codings_<coder>.csv files, or copy it to codings_<coder>.csv and "
                         "put that coder's codings in it", path=spath)
    if Path(spath).suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls"):
        raise InputError(_SHEET_IMPORT.around("this is a spreadsheet workbook, not a codings "
                                              "CSV; if it is a filled coding sheet, "),
                         path=spath)
    try:
        frame = _read_frame(path)
        _validate(frame, corpus=corpus, codebook=codebook, path=spath,
                  problems=frame.attrs.pop("problems"), within=within)
    except MemoryError:
        raise InputError("the file is too large to read in the memory available; split it "
                         "into several codings files (e.g. one per coder)", path=spath) from None
    return frame


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    for col in _TEXT_COLUMNS:  # categories (each text stored once while reading) -> text
        frame[col] = frame[col].astype("str")
    return frame


def _read_several(paths: list, *, corpus, codebook, within: str = "segment") -> pd.DataFrame:
    refuse_repeated_files(paths, why=", so its codings would appear in more than one file")
    problems: list[Problem] = []
    frames = []
    for i, p in enumerate(paths):
        try:
            frames.append(_plain(_read_one(p, corpus, codebook, within)).assign(_file=i))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems=problems)
    if not frames:
        return empty_codings().assign(_line=pd.Series(dtype="int64"))
    both = pd.concat(frames, ignore_index=True)
    again = both.duplicated(CODING_COLUMNS, keep=False).to_numpy()
    if again.any():
        rows = both[again]
        group = rows.groupby(CODING_COLUMNS, sort=False)
        first_file, first_line = group["_file"].transform("first"), group["_line"].transform(
            "first")
        other = (rows["_file"] != first_file).to_numpy()
        for f, line, ff, fl in zip(rows["_file"][other], rows["_line"][other],
                                   first_file[other], first_line[other], strict=True):
            problems.append(Problem(
                os.fspath(paths[f]), "this coding (same span, code and coder) is also in "
                f"{os.fspath(paths[ff])}:{fl}; give each coding once (each coder's codings "
                "in one file)", int(line)))
        collect(problems, limit=MAX_REPORTED)
    return both.drop(columns=["_file"])


_TEXT_COLUMNS = ["doc_id", "code", "coder"]


def _read_frame(path: str | os.PathLike) -> pd.DataFrame:
    """The codings file as a table with ``_line`` and, in ``attrs["problems"]``, what is
    wrong with its cells. Read in chunks with vectorised checks, so millions of rows fit in
    well under 1 GB (``benchmarks/bench_codings.py``)."""
    spath = os.fspath(path)
    problems: list[Problem] = []
    table = read_csv_records(path, dtypes=dict.fromkeys(_TEXT_COLUMNS, "category"),
                             convert=lambda chunk: _offsets(chunk, spath, problems),
                             delimiter=None)
    header = [h.strip() for h in table.header]
    if header[:len(_SHEET_HEADER)] == _SHEET_HEADER:
        raise InputError(_SHEET_IMPORT.around("this is a coding sheet (worksheet 'coding'), "
                                              "not a codings table; "), path=spath, line=1)
    # pandas' index (df.to_csv(path) without index=False): an unnamed first column
    index = header[:1] in ([""], ["Unnamed: 0"]) and header[1:1 + len(CODING_COLUMNS)] == \
        CODING_COLUMNS
    if header[index:index + len(CODING_COLUMNS)] != CODING_COLUMNS:
        raise InputError(
            f"the first columns must be {', '.join(CODING_COLUMNS)}; found "
            f"{', '.join(header[:len(CODING_COLUMNS)]) or 'nothing'}", path=spath, line=1)
    if table.bad_rows:
        collect([Problem(spath, f"expected {len(header)} fields, found {n}; quote cells that "
                         f"contain {separator_name(table.delimiter)}", line)
                 for line, n in table.bad_rows],
                path=spath, limit=MAX_REPORTED)
    frame = table.frame
    frame.columns = [*header, "_line"]
    if index:
        frame = _drop_index_column(frame, spath)
        header = header[1:]
    frame = _coerce(frame, spath, problems)
    frame.attrs["problems"] = problems
    return frame


def _drop_index_column(frame: pd.DataFrame, path: str) -> pd.DataFrame:
    """``frame`` without its unnamed first column when that is pandas' index (a whole
    number in every row: ``df.to_csv(path)`` without ``index=False``); an
    :class:`InputError` naming the column otherwise."""
    if not is_pandas_index("", frame.iloc[:, 0].astype(str)) and len(frame):
        first = frame.iloc[:, 0].astype(str).str.strip()
        bad = int(np.flatnonzero(~first.str.fullmatch(r"-?\d+").to_numpy(dtype=bool))[0])
        raise InputError(
            f"the first column has no name and holds {first.iat[bad]!r} on line "
            f"{int(frame['_line'].iat[bad])}, so it is not pandas' row index: the codings "
            f"columns ({', '.join(CODING_COLUMNS)}) must come first; delete that column or "
            "move it after coder (a file pandas writes gets its index there unless written "
            "with df.to_csv(path, index=False))", path=path, line=1)
    return frame.iloc[:, 1:]


def _offsets(chunk: pd.DataFrame, path: str, problems: list[Problem]) -> pd.DataFrame:
    """Parse ``segment_id, start, end`` of one chunk: plain whole numbers >= 0 only, or
    such a number as pandas writes a float column (``12.0``: a column that held a NaN;
    unambiguous, so read as 12). ``1e1``, ``12.5``, ``+5``, ``-1``, an empty cell and
    numbers beyond 2**53 are reported, once per cell; such cells become -1, which later
    checks skip."""
    names = [str(c).strip() for c in chunk.columns]
    for col in _INT_COLUMNS:
        if col in names:
            pos = names.index(col)
            chunk.isetitem(pos, _whole_numbers(chunk.iloc[:, pos], chunk["_line"], col, path,
                                               problems))
    return chunk


def _whole_numbers(raw: pd.Series, lines: pd.Series, col: str, path: str,
                   problems: list[Problem]) -> np.ndarray:
    values = raw.to_numpy(dtype=object)
    try:  # the usual case, at C speed: every cell is ASCII digits
        joined = "".join(values)
        if joined.isascii() and joined.isdigit():
            ints = values.astype(np.int64)
            if not len(ints) or ints.max() < 2**53:
                return ints
    except (ValueError, TypeError, OverflowError):
        pass
    ints = np.full(len(values), -1, dtype=np.int64)
    for i, v in enumerate(values):
        text = str(v).strip()
        if _FLOAT_WHOLE.fullmatch(text):  # 79.0 (79,0 with a decimal comma): pandas or
            text = re.split("[.,]", text)[0]  # Excel wrote the column as floats
        if text.isascii() and text.isdigit() and len(text) < 17 and int(text) < 2**53:
            ints[i] = int(text)
        elif text.isascii() and text.isdigit():  # a whole number, but no text is that long
            where = ("is too large: no transcript has that many turns (segment_id counts the "
                     "turns of a transcript from 1)" if col == "segment_id" else
                     "lies outside every text (start and end count the characters of "
                     "a transcript)")
            problems.append(Problem(path, f"'{col}' {text!r} {where}; correct the cell",
                                    int(lines.iat[i]), col))
        elif not text:
            problems.append(Problem(path, f"'{col}' is empty; every coding needs its "
                                    f"{col} (a table built in pandas writes a missing value, "
                                    "NaN, as an empty cell): fill it in or drop the row",
                                    int(lines.iat[i]), col))
        else:
            comma = (" (with a decimal comma, as an Indonesian-locale Excel writes numbers: "
                     "a fraction is no character position)" if _DECIMAL_COMMA.fullmatch(text)
                     else "")
            problems.append(Problem(path, f"'{col}' must be a whole number >= 0, got "
                                    f"{v!r}{comma}", int(lines.iat[i]), col))
    return ints


#: A whole number as pandas writes a float column (``79.0``; ``79,0`` with a decimal comma,
#: as an Indonesian-locale Excel or ``to_csv(decimal=",")`` writes it).
_FLOAT_WHOLE = re.compile(r"[0-9]+[.,]0+")
#: A fraction written with a decimal comma (``79,5``).
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]+")


def _coerce(frame: pd.DataFrame, path: str, problems: list[Problem]) -> pd.DataFrame:
    for col in _TEXT_COLUMNS:
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = [str(c).strip() for c in s.cat.categories]
            s = (s.cat.rename_categories(cats) if len(set(cats)) == len(cats)
                 else s.astype(object).str.strip().astype("category"))
        else:
            s = s.astype(str).str.strip().astype("category")
        frame[col] = s
        for line in frame.loc[(s == "").to_numpy(), "_line"]:
            problems.append(Problem(path, f"'{col}' is empty; fill it in", int(line), col))
    for col in _INT_COLUMNS:
        frame[col] = frame[col].astype("int64")
    for col in OPTIONAL_COLUMNS:
        if col not in frame.columns:
            # the same all-missing text column as an empty one read from the file, so a
            # written and re-read table equals the original
            frame[col] = pd.Series(None, index=frame.index, dtype="str")
        elif col == "text":  # the coded characters, spaces included: only "" is missing
            s = frame[col].astype(object)
            frame[col] = s.where((s != "").to_numpy(), None).astype("str")
        else:
            s = frame[col].astype(object)
            blank = (s == "").to_numpy() | s.str.isspace().fillna(False).to_numpy(dtype=bool)
            frame[col] = s.where(~blank, None).astype("str")
    for col in frame.columns:  # further columns: text, as read
        if col not in (*CODING_COLUMNS, *OPTIONAL_COLUMNS, "_line") and frame[col].dtype == object:
            frame[col] = frame[col].astype("str")
    problems.sort(key=lambda p: p.line or 0)
    front = [*CODING_COLUMNS, *OPTIONAL_COLUMNS]
    return frame[front + [c for c in frame.columns if c not in front]]


@rows_named("codings")
def validate_codings(codings: pd.DataFrame, *, corpus: Corpus | None = None,
                     codebook: Codebook | None = None,
                     path: str | None = None, problems: list[Problem] | None = None,
                     within: str = "segment", warn: bool = True) -> None:
    """Check a codings table against a corpus and codebook; raise :class:`InputError`.

    Parameters
    ----------
    codings : DataFrame
        A codings table with at least ``doc_id, segment_id, start, end, code, coder``
        (integer offsets, as :func:`read_codings` returns).
    corpus : Corpus, optional
        When given, every ``doc_id`` and ``segment_id`` must exist, every span must lie in
        the document's text and inside its segment, and a recorded ``text`` (where the
        column is present and the cell not missing) must equal
        ``corpus.text(doc_id)[start:end]``.
    codebook : Codebook, optional
        When given, every ``code`` must be a codable code of the codebook.
    path : str, optional
        The file the table came from, named in the messages.
    problems : list of Problem, optional
        Problems found earlier (e.g. while parsing); the new ones are appended and all are
        raised together.
    within : {"segment", "text"}, default "segment"
        With ``corpus``: every span must lie inside its segment, or (``"text"``) only inside
        its document's text (see :func:`read_codings`).
    warn : bool, default True
        With ``corpus``, give the :class:`CodingWarning` below. The package's own functions
        (agreement, the coding sheets, the commands) pass False: they report these cases
        their own way.

    Returns
    -------
    None
        The table is valid when the call returns.

    Raises
    ------
    InputError
        A missing column, or one problem per bad row (up to 20, then a count): ``start`` not
        smaller than ``end``, an unknown or non-codable code, an unknown document, drifted
        text (the transcript no longer holds the recorded ``text`` at ``start:end``: the
        message quotes both), an unknown segment, a span outside the text or its segment,
        a duplicate row. Rows are reported by their CSV line (column ``_line`` when
        present, else data row + 1); a table given without ``path`` or ``_line``, by
        position and index label (``<input>: row 0 (index 100): ...``).

    Warns
    -----
    CodingWarning
        With ``corpus``, for a valid coding that is likely not meant, as ``citra-eval
        validate`` warns: one on a turn that is not an informant's (the analyses leave it
        out), one starting or ending inside a character (an emoji without its skin tone);
        each names its row (or line of ``path``). Not with ``warn=False``, nor from
        :func:`read_codings`.

    Notes
    -----
    The corpus checks are one join of the codings against the segments table (not a loop
    over rows), so 200,000 valid codings are checked in about 0.15 s
    (``benchmarks/bench_codings.py``); messages are built only for bad rows. A recorded
    ``text`` is compared with one slice of the transcript per coding (the benchmark reports
    what that adds, as a ratio).

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> ce.validate_codings(a, corpus=corpus) is None
    True
    >>> bad = a.head(2).assign(segment_id=[a.segment_id[0], 999])
    >>> try:
    ...     ce.validate_codings(bad, corpus=corpus, path="codings_A.csv")
    ... except ce.InputError as err:
    ...     print(err.path, err.line, err.message)
    codings_A.csv 3 unknown segment_id 999 in 'INF01' (it has segments 1-45)
    """
    check_bool(warn, "warn")
    _validate(codings, corpus=corpus, codebook=codebook, path=path, problems=problems,
              within=within)
    if warn and corpus is not None:
        _warn_notes(codings, corpus, path)


def _validate(codings: pd.DataFrame, *, corpus: Corpus | None, codebook: Codebook | None,
              path: str | None, problems: list[Problem] | None, within: str) -> None:
    """:func:`validate_codings` without its warnings (:func:`read_codings` reads with it:
    the commands print the same notes as ``warning:`` lines of their own)."""
    check_codings(codings)
    check_choice(within, "within", ("segment", "text"))
    check_corpus(corpus, allow_none=True)
    check_codebook(codebook)
    problems = [] if problems is None else problems
    missing = [c for c in CODING_COLUMNS if c not in codings.columns]
    if missing:
        raise InputError(f"codings lack column(s) {', '.join(missing)}", path=path)
    # positional arrays: the frame's index may be anything (even non-unique)
    lines = _lines(codings)
    collect(_type_problems(codings, path, lines))  # the checks below need the right types
    # a negative value read_codings reported already stands for that cell: not again
    offsets, ok = _offset_problems(codings, path, lines,
                                   reported={(p.line, p.column) for p in problems})
    problems.extend(offsets)
    if codebook is not None:
        problems.extend(_code_problems(codings, codebook, path, lines))
    if corpus is not None:
        problems.extend(_corpus_problems(codings, corpus, lines, ok, path,
                                         segments=within == "segment"))
    # only rows with valid offsets: rows whose bad cells all read as -1 are not duplicates
    dup = np.zeros(len(codings), dtype=bool)
    dup[ok] = codings[ok].duplicated(CODING_COLUMNS, keep="first").to_numpy()
    for i in np.flatnonzero(dup):
        problems.append(Problem(path, "duplicate row (same span, code and coder); delete it",
                                int(lines[i])))
    collect(problems, path=path, limit=MAX_REPORTED)


@rows_named("codings")
def check_codings_against(codings: pd.DataFrame, corpus: Corpus, *,
                          codebook: Codebook | None = None, name: str = "codings",
                          within: str = "segment") -> None:
    """The codings check of the analyses (themes, vocabulary, learning, and
    :func:`write_codings` with a corpus): an :class:`InputError` for a coding on a document
    or segment the corpus lacks and, when the table has the offsets (``doc_id, segment_id,
    start, end, code``; ``coder`` may be missing), what :func:`validate_codings` reports but
    duplicates: whole-number offsets >= 0 with ``start`` smaller than ``end``, a code not
    codable in ``codebook`` (when given; an empty code too), a span outside its document's
    text or (``within="segment"``, the default) outside its turn, drifted recorded text:
    the same rule, and the same messages, as :func:`validate_codings` and
    :func:`~citra_eval.agreement`, in one vectorised pass. ``within="text"`` checks spans
    against the text only (as ``read_codings(within="text")`` allows, e.g. a QDA project's
    codings kept across turns)."""
    check_choice(within, "within", ("segment", "text"))
    check_codings_in_corpus(codings, corpus, name=name)
    if not len(codings) or any(c not in codings.columns for c in _SPAN_COLUMNS):
        return
    if "coder" not in codings.columns:  # not needed to check a span
        codings = codings.assign(coder="")
    lines = _lines(codings)
    collect(_type_problems(codings, None, lines))
    problems, ok = _offset_problems(codings, None, lines)
    if codebook is not None:  # an empty code is in no codebook (read_codings says so too)
        problems += [Problem(None, "'code' is empty; fill it in", int(line), "code")
                     for line in lines[(codings["code"] == "").to_numpy()]]
        problems += _code_problems(codings, codebook, None, lines)
    problems += _corpus_problems(codings, corpus, lines, ok, None,
                                 segments=within == "segment")
    collect(problems, limit=MAX_REPORTED)


@rows_named("codings")
def check_coding_cells(codings: pd.DataFrame) -> None:
    """What :func:`read_codings` refuses in a table's cells, without a corpus: offsets and
    segment ids that are not whole numbers >= 0, ``start`` not smaller than ``end``, ids,
    codes and coders that are not text (``NaN``, ``3``); an :class:`InputError` naming the
    rows. ``codings`` holds :data:`CODING_COLUMNS` (checked first: the shared
    missing-column message). The one cell check of the functions that take codings without
    validating them against a corpus (``write_codings``, ``record_text``, ``check_anchors``,
    ``reanchor``, ``explain``)."""
    check_codings(codings, columns=CODING_COLUMNS)
    lines = _lines(codings)
    collect(_type_problems(codings, None, lines))
    collect(_offset_problems(codings, None, lines)[0], limit=MAX_REPORTED)


def _lines(codings: pd.DataFrame) -> np.ndarray:
    """The CSV line of each row: column ``_line`` when present, else data row + 1."""
    return (codings["_line"].to_numpy() if "_line" in codings.columns
            else np.arange(2, len(codings) + 2))


def _offset_problems(codings: pd.DataFrame, path: str | None, lines: np.ndarray, *,
                     reported: set = frozenset()) -> tuple[list[Problem], np.ndarray]:
    """:func:`read_codings`'s offset rules for integer columns, in row order: a negative
    ``segment_id``, ``start`` or ``end`` (in read_codings's words; a ``(line, column)`` of
    ``reported`` is skipped: read_codings marked that cell -1 and reported it), ``start``
    not smaller than ``end``. Also the rows whose offsets are usable: all >= 0, ``start``
    smaller than ``end`` (the corpus checks skip the others: an empty or reversed span is
    reported as that, not also as drift)."""
    values = {c: codings[c].to_numpy() for c in _INT_COLUMNS}
    nonneg = (values["start"] >= 0) & (values["end"] >= 0)
    ok = nonneg & (values["segment_id"] >= 0) & (values["start"] < values["end"])
    out = []
    for i in np.flatnonzero(~ok):
        line = int(lines[i])
        bad = [Problem(path, f"'{c}' must be a whole number >= 0, got {v[i]}", line, c)
               for c, v in values.items() if v[i] < 0 and (line, c) not in reported]
        if nonneg[i] and values["start"][i] >= values["end"][i]:
            bad.append(Problem(path, f"start ({values['start'][i]}) must be smaller than end "
                               f"({values['end'][i]})", line))
        out += bad
    return out, ok


def _code_problems(codings: pd.DataFrame, codebook: Codebook, path: str | None,
                   lines: np.ndarray) -> list[Problem]:
    """One problem per coding whose code is not a codable code of ``codebook``."""
    code = codings["code"].to_numpy()
    ids = list(codebook.codable_ids)
    out = []
    for i in np.flatnonzero((~codings["code"].isin(ids) & codings["code"].ne("")).to_numpy()):
        hint = closest(code[i], ids)
        why = (f"is a category (codable: false), not a codable code; "
               f"{category_fix(codebook, code[i])}" if code[i] in codebook
               else "is not in the codebook" + (f" (did you mean {hint!r}?)" if hint else "")
               + "; use one of the codebook's codable ids or add it to the codebook")
        out.append(Problem(path, f"code {code[i]!r} {why}", int(lines[i]), "code"))
    return out


def _type_problems(codings: pd.DataFrame, path: str | None,
                   lines: np.ndarray) -> list[Problem]:
    """One problem per column of the wrong type, naming its first bad row: offsets and
    segment ids that are not integers (``"16"``, ``1.5``, ``16.0``: a string or float
    column built in memory), ids and codes that are not text (``None``, ``NaN``, ``3``).
    Tables read by :func:`read_codings` always pass (it parses the cells itself)."""
    out = []
    for col, want, ok in ((c, "whole numbers (int64)", _is_int) for c in _INT_COLUMNS):
        out += _first_bad(codings, col, want, ok, path, lines,
                          fix=f"; convert it, e.g. codings.astype({{'{col}': 'int64'}})")
    for col in _TEXT_COLUMNS:
        out += _first_bad(codings, col, "text (a string in every row)",
                          lambda v: isinstance(v, str), path, lines,
                          fix="; fill in or drop the rows without one")
    return out


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _first_bad(codings: pd.DataFrame, col: str, want: str, ok, path: str | None,
               lines: np.ndarray, *, fix: str) -> list[Problem]:
    """``[Problem]`` for the first row of column ``col`` whose value fails ``ok``, else []."""
    s = codings[col]
    if want.startswith("whole") and pd.api.types.is_integer_dtype(s.dtype) \
            and not pd.api.types.is_bool_dtype(s.dtype):
        return []
    if not want.startswith("whole") and _all_text(s):
        return []
    bad = ~np.fromiter(map(ok, s.tolist()), dtype=bool, count=len(s))
    if not bad.any():
        return []
    i = int(np.flatnonzero(bad)[0])
    where = ("" if "_line" in codings.columns
             else f"the row with index {_plain_scalar(codings.index[i])!r} ")
    value = s.iat[i]
    held = "a missing value" if pd.isna(value) else repr(_plain_scalar(value))
    return [Problem(path, f"column '{col}' must hold {want}, but {where}holds {held} "
                    f"({int(bad.sum())} such row(s)){fix}", int(lines[i]), col)]


def _all_text(s: pd.Series) -> bool:
    """Whether a text column holds a string in every row, judged from its dtype (the fast
    path: text columns as :func:`read_codings` gives them); False when unsure."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return not s.hasnans and all(isinstance(c, str) for c in s.cat.categories)
    return isinstance(s.dtype, pd.StringDtype) and not s.hasnans


def _plain_scalar(value: object) -> object:
    """A NumPy scalar as the Python value it holds (``1.5``, not ``np.float64(1.5)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _corpus_problems(codings: pd.DataFrame, corpus, lines: np.ndarray, ok: np.ndarray,
                     path: str | None, *, segments: bool = True) -> list[Problem]:
    """At most one problem per row, in row order: unknown document, drifted text, unknown
    segment, span past the end of the text, span outside its segment (only with ``segments``;
    a span past the end of its text or segment is reported as that even when its recorded
    text differs). Rows with a negative offset skip all but the first: their offsets were
    already reported."""
    segs = corpus.segments
    doc = codings["doc_id"].to_numpy(dtype=object)
    sid = codings["segment_id"].to_numpy()
    start, end = codings["start"].to_numpy(), codings["end"].to_numpy()
    known = codings["doc_id"].isin(corpus.doc_ids).to_numpy()
    sid_num = pd.to_numeric(codings["segment_id"], errors="coerce").to_numpy(dtype=float)
    whole = np.isfinite(sid_num) & (sid_num == np.round(sid_num))
    check = known & ok
    # join (doc_id, segment_id) against the segments table; -1 where there is no such segment
    pos = np.full(len(codings), -1, dtype=np.int64)
    look = check & whole
    key = pd.MultiIndex.from_arrays([segs["doc_id"], segs["segment_id"]])
    pos[look] = key.get_indexer(pd.MultiIndex.from_arrays(
        [doc[look], sid_num[look].astype(np.int64)]))
    # per segment: its bounds and its document's length; a trailing 0 makes pos == -1 safe,
    # even when the corpus has no segments
    doc_size = segs["doc_id"].map({d: len(corpus.text(d)) for d in corpus.doc_ids})
    size = np.append(doc_size.to_numpy(dtype=np.int64), 0)[pos]
    s_start = np.append(segs["start"].to_numpy(dtype=np.int64), 0)[pos]
    s_end = np.append(segs["end"].to_numpy(dtype=np.int64), 0)[pos]
    no_doc = ~known
    no_doc[no_doc] = [bool(d) for d in doc[no_doc]]  # an empty doc_id was reported already
    no_seg = check & (pos < 0)
    outside = check & ~no_seg & (end > size)
    not_in = check & ~no_seg & ~outside & ((start < s_start) | (end > s_end))
    if not segments:
        not_in[:] = False
    # a span past the end of its text or turn is reported as such, not as drift: its slice
    # is cut short or runs into the next turn, so the offsets are wrong whatever it holds
    past_end = outside | (not_in & (end > s_end))
    drift = np.zeros(len(codings), dtype=bool)
    now: list[str | None] = [None] * len(codings)
    recorded = (codings["text"].to_numpy(dtype=object) if "text" in codings.columns
                else np.full(len(codings), None, dtype=object))
    rows = np.flatnonzero(check & ~past_end & pd.notna(recorded))
    texts = corpus.texts
    held = [texts[d][s:e] for d, s, e in zip(doc[rows].tolist(), start[rows].tolist(),
                                              end[rows].tolist(), strict=True)]
    held_arr = np.empty(len(held), dtype=object)
    held_arr[:] = held
    bad = held_arr != recorded[rows]
    drift[rows] = bad
    for i, h in zip(rows[bad].tolist(), held_arr[bad].tolist(), strict=True):
        now[i] = h
    # a coding of its whole turn (whole_turn true) that now covers part of it: words were
    # added to the turn after coding (its recorded text stayed at its offsets)
    part = (whole_turn_flags(codings, path=path) & check & ~no_seg & ~outside & ~not_in
            & ~drift & pd.notna(recorded) & ((start != s_start) | (end != s_end)))
    n_segs = segs["doc_id"].value_counts()
    turns = _Turns(segs)
    out = []
    for i in np.flatnonzero(no_doc | drift | no_seg | outside | not_in | part):
        line = int(lines[i])
        # the recorded text at its offsets: nothing was edited, the offsets or segment_id
        # were written wrong (reanchor can only help when the text has moved)
        at_offsets = bool(check[i] and pd.notna(recorded[i]) and not drift[i]
                          and texts[doc[i]][start[i]:end[i]] == recorded[i])
        edited = (_reanchor_advice("; if the transcript was edited after coding, ")
                  if pd.notna(recorded[i]) and not at_offsets else Advice("", ""))
        # the recorded text one character away: offsets typed by hand, not an edit
        near = (_one_off_span(texts[doc[i]], recorded[i], int(start[i]), int(end[i]))
                if edited and not no_doc[i] else None)
        if near is not None and (outside[i] or not_in[i]) and not drift[i]:
            one_off = "; " + _one_off_fix(doc[i], near)
            edited = Advice(one_off, one_off)
        if no_doc[i]:
            out.append(Problem(path, _unknown_doc(doc[i], texts), line, "doc_id"))
        elif drift[i]:
            out.append(Problem(path, _drift_message(recorded[i], now[i], doc[i], start[i],
                                                   end[i], text=texts[doc[i]]), line, "text"))
        elif part[i]:
            out.append(Problem(path, _reanchor_advice(
                f"a coding of its whole turn ({WHOLE_TURN!r} true) covers "
                f"{start[i]}:{end[i]}, but turn {sid[i]} of {doc[i]!r} is now "
                f"{s_start[i]}:{s_end[i]}: the transcript was edited after coding; set "
                f"{WHOLE_TURN!r} to false if it codes part of the turn, else ",
                "to widen it to the whole turn"), line, WHOLE_TURN))
        elif no_seg[i]:
            out.append(Problem(path, f"unknown segment_id {sid[i]} in {doc[i]!r} (it has "
                               f"segments 1-{int(n_segs.get(doc[i], 0))})", line, "segment_id"))
        elif outside[i]:
            out.append(Problem(path, edited.around(
                f"span {start[i]}:{end[i]} lies outside the text of {doc[i]!r} ({size[i]} "
                "characters)"), line))
        else:
            out.append(Problem(path, _outside_segment_message(
                turns, doc[i], int(sid[i]), int(start[i]), int(end[i]),
                (int(s_start[i]), int(s_end[i])), edited=edited, at_offsets=at_offsets),
                line))
    return out


class _Turns:
    """The turns of each document (segment ids, bounds, speakers, roles), built on first
    use: only the rows reported as outside their segment need them."""

    def __init__(self, segs: pd.DataFrame) -> None:
        self._segs = segs
        self._by_doc: dict[str, pd.DataFrame] | None = None

    def overlapping(self, doc: str, s: int, e: int) -> pd.DataFrame:
        """The turns of ``doc`` that share a character with ``[s, e)``, in order."""
        if self._by_doc is None:
            self._by_doc = {str(d): g for d, g in self._segs.groupby("doc_id", sort=False)}
        seg = self._by_doc.get(str(doc), self._segs.iloc[:0])
        return seg[(seg["start"] < e) & (seg["end"] > s)]


def _outside_segment_message(turns: _Turns, doc: str, sid: int, s: int, e: int,
                             bounds: tuple[int, int], *, edited: Advice,
                             at_offsets: bool) -> str:
    """The message for a span that is not inside its segment: the turn it lies in instead
    (with its speaker, and the segment_id to write, when the offsets hold the coding's text
    or it records none; else, ``edited`` given, the offsets are stale: reanchor), or the
    turns it runs across; ``edited`` holding :func:`_one_off_fix`'s advice (the text is one
    character away), that advice alone."""
    head = (f"span {s}:{e} is not inside segment {sid} of {doc!r} ({bounds[0]}:{bounds[1]}, "
            f"{bounds[1] - bounds[0]} characters)")
    if edited.startswith("; " + _ONE_OFF_WORDS):  # the text is one character away
        return edited.around(head)
    over = turns.overlapping(doc, s, e)
    holding = over[(over["start"] <= s) & (over["end"] >= e)]
    if len(holding) and edited:  # the recorded text is not at the offsets: they are stale
        return _reanchor_advice(
            f"{head}, and the offsets do not hold the coding's text: the transcript was edited "
            "after coding (a new segment_id alone would code other words): ",
            "to move the coding to where its text is now")
    if len(holding):
        t = holding.iloc[0]
        role = f", {t['role']}" if pd.notna(t["role"]) and t["role"] else ""
        fix = advised(" (or ", cli="run 'citra-eval reanchor'", python="call ce.reanchor("
                      "codings, corpus).codings on the codings read without corpus=").around(
            after=", which does that: the coded text is at these offsets)") if at_offsets \
            else edited  # empty: the coding's text is not elsewhere (returned above)
        return fix.around(
            f"{head} but inside segment {int(t['segment_id'])} (speaker {t['speaker']}{role}, "
            f"{int(t['start'])}:{int(t['end'])}); set segment_id to {int(t['segment_id'])}")
    if len(over) > 1:
        return edited.around(
            f"{head}: it runs across segments {int(over['segment_id'].iloc[0])} to "
            f"{int(over['segment_id'].iloc[-1])}; a coding lies inside one turn: fix the "
            "offsets (one coding per turn)")
    return edited.around(f"{head}; fix the offsets or the segment_id")


def _unknown_doc(doc_id: str, doc_ids: Iterable[str]) -> str:
    """The message for a coding's unknown ``doc_id``, with "did you mean" the id
    :func:`~citra_eval.errors.name_hint` finds: one that differs only in letter case (then
    with the note that ids are case-sensitive) or by one typo."""
    return _doc_hint(doc_id, tuple(map(str, doc_ids)))


@functools.lru_cache(maxsize=256)
def _doc_hint(doc_id: str, doc_ids: tuple[str, ...]) -> str:
    """:func:`_unknown_doc`, once per id (a table may name one unknown id on many rows)."""
    did = name_hint(str(doc_id), doc_ids, what="document ids",
                    fix="write it as the transcript's front matter has it")
    return f"unknown doc_id {doc_id!r}: no transcript has this id{did}"


def _reanchor_advice(body: str, purpose: str = "") -> Advice:
    """``body`` followed by the advice to reanchor (for ``purpose``, if given: "to move the
    coding to where its text is now"): the command on the command line, the call in Python
    (:func:`~citra_eval.errors.advised`)."""
    purpose = f" {purpose}" if purpose else ""
    return advised(body, cli=f"run 'citra-eval reanchor'{purpose}",
                   python=f"call ce.reanchor(codings, corpus).codings{purpose} (on the "
                   "codings read without corpus=)")


def form_difference(text: str, held: str) -> str | None:
    """What ``text`` differs from ``held`` (the transcript's characters at its offsets) in,
    when it is the same text written otherwise: in another Unicode form (composed against
    decomposed accents), letter case or kind of space (a no-break space for a space), one
    character for one; None when the two are equal or differ otherwise (an edit)."""
    if text == held:
        return None
    a, b = unicodedata.normalize("NFC", text), unicodedata.normalize("NFC", held)
    if len(a) != len(b):
        return None
    case = space = False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if x.isspace() and y.isspace():
            space = True
        elif x.casefold() == y.casefold():
            case = True
        else:
            return None
    form = len(text) != len(held) or any(  # unexplained by case and spaces alone
        x != y and not (x.isspace() and y.isspace()) and x.casefold() != y.casefold()
        for x, y in zip(text, held, strict=False))
    return " and ".join(
        ([] if not form else ["Unicode form (composed vs decomposed accents: 'é' as one "
                              "character or as 'e' plus a combining accent)"])
        + (["letter case"] if case else [])
        + (["kind of space (a no-break space or a tab for a space, as a word processor may "
            "type it)"] if space else []))


#: The offsets around a coding's where :func:`_one_off_span` looks for its recorded text, the
#: least moved first: an end or a start one character off, then both.
_ONE_OFF = ((0, 1), (0, -1), (-1, 0), (1, 0), (1, 1), (-1, -1), (-1, 1), (1, -1))
#: How :func:`_one_off_fix` begins (a message with it is not about an edit).
_ONE_OFF_WORDS = "the coding's text is at"


def _one_off_span(text: str, recorded: object, start: int, end: int) -> tuple[int, int] | None:
    """Where ``recorded`` lies in ``text`` when ``start``, ``end`` or both are one character
    off (offsets typed by hand: an end one too far, a start one too early), as the right
    ``(start, end)``; None when it lies at ``start:end``, further away, or ``recorded`` is
    missing or empty. The least moved span wins (an end or a start alone, then both)."""
    if not isinstance(recorded, str) or not recorded or text[start:end] == recorded:
        return None
    for a, b in _ONE_OFF:
        s, e = start + a, end + b
        if 0 <= s < e <= len(text) and e - s == len(recorded) and text[s:e] == recorded:
            return s, e
    return None


def _one_off_fix(doc_id: str, near: tuple[int, int]) -> str:
    """The advice for a coding whose recorded text :func:`_one_off_span` found at ``near``."""
    s, e = near
    return (f"{_ONE_OFF_WORDS} {doc_id}[{s}:{e}], one character away: the offsets are "
            f"likely off by one (typed by hand?); set start:end to {s}:{e} (start {s}, end "
            f"{e})")


def _drift_message(recorded: str, now: str, doc_id: str, start: int, end: int, *,
                   text: str | None = None) -> str:
    """The message for a coding whose recorded text is no longer at its offsets (or is,
    written otherwise: the contract's ``text`` is the transcript's characters); ``text``,
    the document's whole text, given: one found one character away (:func:`_one_off_span`) is
    named as offsets off by one, not as an edit."""
    said, holds = quoted_pair(recorded, now)
    near = None if text is None else _one_off_span(text, recorded, int(start), int(end))
    if near is not None:
        return (f"the coding says {said} but {doc_id}[{start}:{end}] holds {holds}; "
                f"{_one_off_fix(doc_id, near)}")
    what = form_difference(recorded, now)
    if what is not None:
        return _reanchor_advice(
            f"the coding's text differs from {doc_id}[{start}:{end}] only in {what}: it says "
            f"{said}, the transcript holds {holds}; the offsets are right, but the text "
            "column must hold the transcript's own characters: write the cell as the "
            "transcript has it, or ", "to rewrite it")
    return _reanchor_advice(
        f"coded text has drifted: the coding says {said} but {doc_id}[{start}:{end}] now "
        f"holds {holds}; the transcript was edited after coding: ",
        "to move the coding to where its text is now")


@rows_named("codings")
def record_text(codings: pd.DataFrame, *, corpus: Corpus,
                overwrite: bool = False) -> pd.DataFrame:
    """The codings with their coded characters recorded in the ``text`` column.

    Parameters
    ----------
    codings : DataFrame
        A codings table on ``corpus`` (with or without a ``text`` column).
    corpus : Corpus
        The transcripts the offsets point into.
    overwrite : bool
        Replace a recorded ``text`` that differs from the transcript with what the
        transcript now holds (default False: such a drifted coding is an error, because
        recording the new text would hide the drift; move it with
        :func:`citra_eval.reanchor` first).

    Returns
    -------
    DataFrame
        A copy of ``codings`` with ``text`` (right after ``coder``) equal to
        ``corpus.text(doc_id)[start:end]`` on every row.

    Raises
    ------
    InputError
        An unknown ``doc_id``, a span outside its document's text, or (without
        ``overwrite``) a recorded text that is no longer at its offsets; one problem per
        row (up to 20), by ``_line``, else by position and index label (``<input>: row 0
        (index 100): ...``; ``.line`` is the position + 2).

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> recorded = ce.record_text(a.drop(columns="text"), corpus=corpus)
    >>> recorded["text"].equals(a["text"])
    True
    """
    check_codings(codings, columns=CODING_COLUMNS)
    check_bool(overwrite, "overwrite")
    check_corpus(corpus)
    check_coding_cells(codings)  # start > end is not "outside the text"
    lines = _lines(codings)
    problems: list[Problem] = []
    old = (codings["text"].to_numpy(dtype=object) if "text" in codings.columns
           else np.full(len(codings), None, dtype=object))
    docs = corpus.texts
    texts: list[str | None] = []
    for i, (doc, s, e) in enumerate(zip(codings["doc_id"].tolist(), codings["start"].tolist(),
                                        codings["end"].tolist(), strict=True)):
        if doc not in docs:
            problems.append(Problem(None, _unknown_doc(doc, docs), int(lines[i]), "doc_id"))
            texts.append(None)
            continue
        full = docs[doc]
        if not 0 <= int(s) < int(e) <= len(full):
            problems.append(Problem(None, f"span {s}:{e} lies outside the text of {doc!r} "
                                    f"({len(full)} characters)", int(lines[i])))
            texts.append(None)
            continue
        now = full[int(s):int(e)]
        if not overwrite and not pd.isna(old[i]) and old[i] != now:
            problems.append(Problem(None, _drift_message(old[i], now, doc, int(s), int(e),
                                                         text=full), int(lines[i]), "text"))
        texts.append(now)
    collect(problems, limit=MAX_REPORTED)
    out = codings.copy()
    if "text" in out.columns:
        out = out.drop(columns="text")
    out.insert(len(CODING_COLUMNS) if list(out.columns[:6]) == CODING_COLUMNS
               else len(out.columns), "text", pd.Series(texts, index=out.index, dtype="str"))
    return out


@rows_named("codings")
def write_codings(codings: pd.DataFrame, path: str | os.PathLike, *,
                  corpus: Corpus | None = None, replace_raw: bool = False,
                  within: str = "segment") -> None:
    """Write a codings table as CSV (atomically), contract columns first.

    Parameters
    ----------
    codings : DataFrame
        A codings table (``doc_id, segment_id, start, end, code, coder``, optionally
        ``text``, ``evidence``, ``note`` and further columns; columns starting with ``_``
        are internal and dropped).
    path : str or path
        The CSV file to write (UTF-8, LF line ends); its folder is created if needed. The
        file is written to a temporary name and renamed, so it is never half-written.
    corpus : Corpus, optional
        The transcripts the codings point into: the ``text`` column is filled from them
        (see :func:`record_text`; a recorded text that no longer matches is an error, and
        nothing is written). Every command that writes codings passes it.
    replace_raw : bool
        Allow replacing an existing file of a study's raw data (``data/raw/``,
        ``interview_transcripts/``, e.g. a coder's ``codings_A.csv``); without it that is
        refused, as the commands refuse it without ``--force``.
    within : {"segment", "text"}, default "segment"
        With ``corpus``: every span must lie inside its segment (turn), or (``"text"``) only
        inside its document's text, as :func:`read_codings` reads the file back with the
        same ``within``.

    Returns
    -------
    None

    Raises
    ------
    InputError
        A missing column (of ``doc_id, segment_id, start, end, code, coder``); cells
        :func:`read_codings` would refuse (an offset that is negative or not a whole
        number, ``start`` not smaller than ``end``, a missing code), with or without
        ``corpus``; with it, what :func:`record_text` refuses and a span outside its turn
        (``within="segment"``): what ``read_codings(path, corpus=corpus, within=within)``
        would refuse; ``path`` is an existing raw-data file of a study and ``replace_raw``
        is false. Nothing is written then.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "copy" / "codings_A.csv"
    >>> ce.write_codings(a, out, corpus=corpus)
    >>> ce.read_codings(out, corpus=corpus).equals(a)
    True
    """
    check_codings(codings, columns=CODING_COLUMNS)
    check_corpus(corpus, allow_none=True)
    check_bool(replace_raw, "replace_raw")
    check_choice(within, "within", ("segment", "text"))
    refuse_raw_replacement(path, replace_raw)
    check_coding_cells(codings)  # what read_codings would refuse
    if corpus is not None:  # and, with the corpus, what read_codings(within=) would refuse
        codings = record_text(codings, corpus=corpus)
        check_codings_against(codings, corpus, within=within)
    front = [*CODING_COLUMNS, *[c for c in OPTIONAL_COLUMNS if c in codings.columns]]
    rest = [c for c in codings.columns if c not in front and not c.startswith("_")]
    write_csv(codings[front + rest], path)
