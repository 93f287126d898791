"""Coding sheets: the form a coder fills in a spreadsheet, and the codings read back from it.

A coding sheet lets a coder who does not write Python (and owns no QDA program) code the
turns of a study in Excel, LibreOffice or Google Sheets:

- worksheet ``coding``: ``doc_id, segment_id, speaker, text``, one column per codable code
  (the header is the code id; its comment holds the label and definition), then ``note``;
  one row per turn to code. A mark (``1`` or ``x``) codes the whole turn.
- worksheet ``quotes``: ``doc_id, segment_id, code, quote, note``: to code part of a turn,
  paste its words; they are found inside the turn (exactly, else ignoring case, runs of
  whitespace and typographic quotes, then invisible characters too, else without one pair
  of quote marks pasted around them) and exactly those characters are coded.
- worksheet ``codebook``: every code with its label, definition, include, exclude and
  examples in the study's language.

As CSV (for tools without XLSX) the three worksheets are three files: ``NAME.csv`` (coding),
``NAME_quotes.csv`` and ``NAME_codebook.csv`` (a Google Sheets download names them
``TITLE - coding.csv``, ``TITLE - quotes.csv``, ``TITLE - codebook.csv``: read as well).

Reading a sheet back checks every cell it uses: a wrong cell is reported as
``<file>:<worksheet>!<cell>`` with what is wrong and how to fix it, and nothing is returned.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._files import (
    atomic_dir,
    csv_delimiter,
    delimited_rows,
    header_below,
    read_file_bytes,
    read_text_file,
    save_workbook,
    windows_1252_hint,
    write_csv,
    xml_safe,
)
from ._passages import (
    ZWSP,
    character_named,
    find_exact,
    find_loose,
    grapheme_around,
    grapheme_boundary,
    without_quote_marks,
)
from ._safezip import parse_xml, read_zip, refuse_dtd
from ._validation import (
    check_choice,
    check_codebook,
    check_corpus,
    check_known,
    check_lang,
    check_names,
    check_roles,
    check_type,
    listed,
)
from .codebook import Codebook, category_fix
from .codings import CODING_COLUMNS, WHOLE_TURN, same_code_overlaps, validate_codings
from .corpus import TIMESTAMP_PATTERN, Corpus
from .errors import (
    MAX_REPORTED,
    Advice,
    InputError,
    Problem,
    advised,
    closest,
    collect,
    compared_windows,
    elided,
    name_hint,
    quoted,
)

__all__ = [
    "CODEBOOK_SHEET_COLUMNS",
    "QUOTE_COLUMNS",
    "SHEET_COLUMNS",
    "CodingSheet",
    "SheetWarning",
    "coding_sheet",
    "codings_from_sheet",
    "read_coding_sheet",
    "write_coding_sheet",
]

#: The first columns of worksheet ``coding`` (then one column per code, then ``note``).
SHEET_COLUMNS = ["doc_id", "segment_id", "speaker", "text"]
#: Columns of worksheet ``quotes``.
QUOTE_COLUMNS = ["doc_id", "segment_id", "code", "quote", "note"]
#: Columns of worksheet ``codebook``.
CODEBOOK_SHEET_COLUMNS = ["code", "parent", "codable", "label", "definition", "include",
                          "exclude", "examples"]
#: The marks that code a turn (case-insensitive ``x``; ``true`` is a ticked Google Sheets
#: checkbox, ``benar`` the TRUE of Excel in Indonesian).
MARKS = ("1", "x", "true", "benar")
#: What an unmarked cell may hold besides nothing (an unticked checkbox, or Excel's FALSE,
#: ``salah`` in Indonesian; the 0 of a matrix filled with 0 and 1).
NO_MARKS = ("false", "salah", "0")
#: Characters an XLSX cell can hold, counted as Excel counts them: in UTF-16 code units (an
#: emoji or another character beyond U+FFFF is two); longer turns are cut and end with
#: :data:`CUT`.
CELL_LIMIT = 32_767
CUT = " [\u2026]"
_QUOTE_ROWS = 500  # rows of the quotes worksheet given a code drop-down
#: The workbook property naming the coder a sheet is for.
CODER_PROPERTY = "citra-eval coder"
#: The workbook property listing the interviews a sheet covers (a JSON list of doc ids).
DOCUMENTS_PROPERTY = "citra-eval documents"
#: How a CSV coding sheet records the interviews it covers (what the workbook's
#: :data:`DOCUMENTS_PROPERTY` records): the header of its last column, after ``note``, is
#: this, a space and a JSON list of doc ids (``interviews: ["R2", "R5"]``); the column's
#: cells stay empty.
CSV_DOCUMENTS_HEADER = "interviews:"


class SheetWarning(UserWarning):
    """A filled coding sheet was read, but something in it looks unintended (no marks at
    all in a sheet of every interview, notes that no coding keeps, no quotes file beside a
    CSV sheet)."""


@dataclass(frozen=True)
class CodingSheet:
    """A coding sheet as tables (what :func:`coding_sheet` makes and the readers return).

    Attributes
    ----------
    coding : DataFrame
        ``doc_id, segment_id, speaker, text``, one column per code (marks: ``1``, ``x`` or
        empty), ``note``: one row per turn.
    quotes : DataFrame
        ``doc_id, segment_id, code, quote, note``: one row per part-turn coding.
    codebook : DataFrame
        ``code, parent, codable, label, definition, include, exclude, examples`` (examples
        one per line): every code of the codebook, categories included.
    coder : str or None
        The coder the sheet is for (recorded in an XLSX workbook, checked on import).
    documents : tuple of str or None
        The interviews the sheet covers: every turn of theirs (of the roles its rows list)
        must be a row when it is read back, and the turns of other interviews need none
        (recorded in an XLSX workbook's properties, in a CSV sheet's last header cell,
        :data:`CSV_DOCUMENTS_HEADER`). None (a sheet from before they were recorded): the
        interviews its rows name.
    """

    coding: pd.DataFrame
    quotes: pd.DataFrame
    codebook: pd.DataFrame
    coder: str | None = None
    documents: tuple[str, ...] | None = None

    @property
    def codes(self) -> list[str]:
        """The code columns of ``coding``, in order."""
        cols = list(self.coding.columns)
        end = cols.index("note") if "note" in cols else len(cols)
        return cols[len(SHEET_COLUMNS):end]


def coding_sheet(corpus: Corpus, codebook: Codebook, *, coder: str | None = None,
                 roles: Sequence[str] | None = ("informant",),
                 lang: str | None = None,
                 documents: Sequence[str] | None = None) -> CodingSheet:
    """A blank coding sheet for the turns of ``corpus``.

    Parameters
    ----------
    corpus : Corpus
        The transcripts to code.
    codebook : Codebook
        Every codable code becomes a column, in codebook order.
    coder : str, optional
        The coder the sheet is for: an XLSX workbook records it, and reading it back for
        another coder is refused (so two coders' sheets cannot be swapped unnoticed).
    roles : sequence of str or None
        Speaker roles whose turns are listed (default informants); None lists every turn.
    lang : {"id", "en"}, optional
        Language of labels and definitions (default: the codebook's language).
    documents : sequence of str, optional
        Only these interviews (doc ids of ``corpus``), e.g. those
        :func:`~citra_eval.suggest_turns` lists (default: every interview of ``corpus``).

    Returns
    -------
    CodingSheet
        ``.coding`` (one row per turn, in document order, marks empty), ``.quotes`` (empty),
        ``.codebook``, and ``.documents``: the interviews covered, in corpus order (read
        back, a sheet must hold every turn of these and no other interview's).

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> sheet = ce.coding_sheet(corpus, cb)
    >>> list(sheet.coding.columns[:5]), sheet.coding.columns[-1]
    (['doc_id', 'segment_id', 'speaker', 'text', 'kerja_sama'], 'note')
    >>> len(sheet.coding) == int((corpus.segments["role"] == "informant").sum())
    True
    """
    check_corpus(corpus)
    check_codebook(codebook, allow_none=False)
    if coder is not None:
        coder = _coder(coder)
    roles = check_roles(roles, corpus)
    lang = codebook.language if lang is None else check_lang(lang)
    covered = list(corpus.doc_ids)
    if documents is not None:
        wanted = check_names(documents, "documents", unique=True)
        check_known(wanted, "documents", corpus.doc_ids, what="interview(s)",
                    absent="the corpus does not have")
        covered = [d for d in covered if d in set(wanted)]
    segs = corpus.segments
    segs = segs[segs["doc_id"].isin(covered)]
    if roles is not None:
        segs = segs[segs["role"].isin(roles)]
    codes = codebook.codable_ids
    # every column at once: one insert per code fragments the frame (pandas warns from
    # about a hundred codes)
    coding = pd.DataFrame({"doc_id": segs["doc_id"].to_numpy(dtype=object),
                           "segment_id": segs["segment_id"].to_numpy(dtype=np.int64),
                           "speaker": segs["speaker"].to_numpy(dtype=object),
                           "text": [cell_text(t) for t in segs["text"]],
                           **{code: np.full(len(segs), None, dtype=object)
                              for code in [*codes, "note"]}})
    quotes = pd.DataFrame({c: pd.Series(dtype=object) for c in QUOTE_COLUMNS})
    rows = [{"code": c.id, "parent": c.parent, "codable": c.codable,
             "label": c.text("label", lang), "definition": c.text("definition", lang) or None,
             "include": c.text("include", lang) or None,
             "exclude": c.text("exclude", lang) or None,
             "examples": "\n".join(c.examples) or None} for c in codebook]
    return CodingSheet(coding, quotes, pd.DataFrame(rows, columns=CODEBOOK_SHEET_COLUMNS),
                       coder, tuple(covered))


def _coder(coder: object) -> str:
    if not isinstance(coder, str) or not coder.strip():
        raise ValueError(f"coder must be a non-empty string (the coder's name), got {coder!r}")
    return coder.strip()


def cell_text(text: str) -> str:
    """A turn's text as a sheet cell holds it: characters an XLSX file cannot store
    (controls but tab and line end, U+FFFE, U+FFFF; :func:`~citra_eval._files.xml_safe`)
    shown as U+FFFD, and cut to fit an XLSX cell (:data:`CELL_LIMIT` UTF-16 units, never
    inside a character)."""
    text = xml_safe(text)  # (which leaves no lone surrogate)
    if len(text) <= CELL_LIMIT // 2 or (len(text) <= CELL_LIMIT and text.isascii()):
        return text  # (at most two units per character)
    units = text.encode("utf-16-le")
    if len(units) <= 2 * CELL_LIMIT:
        return text
    head = units[:2 * (CELL_LIMIT - len(CUT))]
    if 0xD800 <= int.from_bytes(head[-2:], "little") <= 0xDBFF:
        head = head[:-2]  # the first half of a character's surrogate pair
    return head.decode("utf-16-le") + CUT


# --------------------------------------------------------------------------- writing


def write_coding_sheet(sheet: CodingSheet, path: str | os.PathLike, *,
                       format: str | None = None) -> list[Path]:
    """Write a coding sheet as an XLSX workbook or as CSV files (atomically).

    Parameters
    ----------
    sheet : CodingSheet
        From :func:`coding_sheet`.
    path : str or path
        ``NAME.xlsx``, or ``NAME.csv`` (then ``NAME_quotes.csv`` and ``NAME_codebook.csv``
        are written beside it).
    format : {"xlsx", "csv"}, optional
        Default: from the suffix of ``path``.

    Returns
    -------
    list of Path
        The files written.

    Notes
    -----
    The CSV files start with a UTF-8 byte-order mark: without one, Excel reads a CSV as
    ANSI and garbles emoji and accented letters. A turn longer than an XLSX cell holds
    (32,767 characters as Excel counts them, an emoji as two) is cut and ends with
    ``[…]``; its marks still code the whole turn. The XLSX workbook has the worksheets
    ``coding`` (text wrapped, header row and the
    first four columns frozen, each code column restricted to ``1``/``x``/empty by data
    validation, each code header commented with the code's label and definition),
    ``quotes`` (the code column offers the code ids) and ``codebook``. Text is stored as
    text: a turn starting with ``=`` is never a formula.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "coding_sheet_A.xlsx"
    >>> [p.name for p in ce.write_coding_sheet(ce.coding_sheet(corpus, cb), out)]
    ['coding_sheet_A.xlsx']
    """
    check_type("sheet", sheet, CodingSheet, "a CodingSheet (from coding_sheet)")
    path = Path(path)
    fmt = check_choice(format or _format_of(path), "format", ("xlsx", "csv"))
    if fmt == "csv":
        files = csv_sheet_files(path)
        coding = sheet.coding if sheet.documents is None else sheet.coding.assign(**{
            f"{CSV_DOCUMENTS_HEADER} {json.dumps(list(sheet.documents), ensure_ascii=False)}":
                None})
        with atomic_dir(path.parent) as tmp:
            for frame, f in zip([coding, sheet.quotes, sheet.codebook], files,
                                strict=True):
                write_csv(frame, tmp / f.name, bom=True)
        return files
    save_workbook(_workbook(sheet), path)
    return [path]


def csv_sheet_files(path: str | os.PathLike) -> list[Path]:
    """The three CSV files of a coding sheet named ``path`` (coding, quotes, codebook):
    ``NAME_quotes.csv`` beside ``NAME.csv``, or ``TITLE - quotes.csv`` beside
    ``TITLE - coding.csv`` (how Google Sheets names a worksheet's download)."""
    path = Path(path)
    title, sep, tab = path.stem.rpartition(" - ")
    if sep and tab.strip().casefold() == "coding":
        return [path, path.with_name(f"{title} - quotes.csv"),
                path.with_name(f"{title} - codebook.csv")]
    return [path, path.with_name(f"{path.stem}_quotes.csv"),
            path.with_name(f"{path.stem}_codebook.csv")]


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("xlsx", "csv"):
        raise ValueError(f"a coding sheet is a .xlsx or .csv file, got {path.name!r}")
    return suffix


def _workbook(sheet: CodingSheet):
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wrap = Alignment(wrap_text=True, vertical="top")
    codes = sheet.codes
    info = sheet.codebook.set_index("code")

    ws = wb.active
    ws.title = "coding"
    header = list(sheet.coding.columns)
    widths = {"doc_id": 10, "segment_id": 10, "speaker": 12, "text": 80, "note": 30}
    _table(ws, sheet.coding, [widths.get(name, 4.5) for name in header])
    first, last = len(SHEET_COLUMNS) + 1, len(SHEET_COLUMNS) + len(codes)
    for j, name in enumerate(header[first - 1:last], start=first):
        cell = ws.cell(row=1, column=j)
        cell.alignment = Alignment(text_rotation=90, horizontal="center")
        text = str(info.loc[name, "label"])
        if isinstance(info.loc[name, "definition"], str):
            text += "\n\n" + info.loc[name, "definition"]
        cell.comment = Comment(text, "citra-eval", width=320, height=180)
    ws.row_dimensions[1].height = min(200, 12 + 6.5 * max((len(c) for c in codes), default=4))
    for i, text in enumerate(sheet.coding["text"], start=2):
        for j in (4, len(header)):
            ws.cell(row=i, column=j).alignment = wrap
        lines = sum(max(1, math.ceil(len(p) / 85)) for p in str(text).split("\n"))
        ws.row_dimensions[i].height = min(409, 15 * lines)
    ws.freeze_panes = "E2"
    if codes and len(sheet.coding):
        dv = DataValidation(type="list", formula1='"1,x"', allow_blank=True,
                            showErrorMessage=True, errorTitle="1 or x",
                            error="Mark a code with 1 or x, or leave the cell empty.")
        ws.add_data_validation(dv)
        dv.add(f"{get_column_letter(first)}2:{get_column_letter(last)}{len(sheet.coding) + 1}")

    qs = wb.create_sheet("quotes")
    _table(qs, sheet.quotes, [10, 10, 22, 80, 30])
    qs.freeze_panes = "A2"
    if codes:
        dv = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                            formula1=f"coding!${get_column_letter(first)}$1:"
                                     f"${get_column_letter(last)}$1",
                            errorTitle="code id", error="Choose a code id (a column of the "
                            "coding worksheet).", promptTitle="Part of a turn",
                            prompt="Paste the exact words of the turn into 'quote'.")
        qs.add_data_validation(dv)
        dv.add(f"C2:C{max(_QUOTE_ROWS, len(sheet.quotes) + 1)}")

    cs = wb.create_sheet("codebook")
    _table(cs, sheet.codebook, [22, 16, 9, 30, 50, 40, 40, 50])
    for row in cs.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    cs.freeze_panes = "B2"
    wb.properties.creator = "citra-eval"
    wb.properties.title = "coding sheet" + (f" of coder {sheet.coder}" if sheet.coder else "")
    if sheet.coder:
        wb.custom_doc_props.append(StringProperty(name=CODER_PROPERTY, value=sheet.coder))
    if sheet.documents is not None:
        wb.custom_doc_props.append(StringProperty(name=DOCUMENTS_PROPERTY,
                                                  value=json.dumps(list(sheet.documents))))
    return wb


def _table(ws, frame: pd.DataFrame, widths: list[float]) -> None:
    """Write ``frame`` (header first) into worksheet ``ws``: bold grey header, column
    widths."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    _append(ws, list(frame.columns))
    for row in frame.itertuples(index=False):
        _append(ws, list(row))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")


def _append(ws, values: list) -> None:
    """Append a row (text that looks like a formula is made plain text when the workbook is
    saved: :func:`~citra_eval._files.save_workbook`)."""
    ws.append([None if _missing(v) else (v.item() if isinstance(v, np.generic) else v)
               for v in values])


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


# --------------------------------------------------------------------------- reading


def read_coding_sheet(path: str | os.PathLike, *, corpus: Corpus, codebook: Codebook,
                      coder: str) -> pd.DataFrame:
    """Read a filled coding sheet (XLSX or CSV) into a codings table.

    Parameters
    ----------
    path : str or path
        The ``.xlsx`` workbook, or the ``.csv`` of worksheet ``coding`` (``NAME.csv``;
        ``NAME_quotes.csv`` beside it is read when present).
    corpus : Corpus
        The transcripts the sheet was exported from.
    codebook : Codebook
        The codebook; code columns and quote codes must be its codable ids.
    coder : str
        The value of the ``coder`` column.

    Returns
    -------
    DataFrame
        A codings table (as :func:`codings_from_sheet`).

    Raises
    ------
    InputError
        One problem per wrong cell (up to 20), each located as ``<worksheet>!<cell>`` in
        ``.cell`` (and in the message's location): an unknown code column, a ``doc_id``,
        ``segment_id`` or ``text`` cell that differs from the transcripts, a mark other than
        ``1``/``x``/``TRUE``, a quote found nowhere or more than once in its turn, an unknown
        code or several codes in one quote row, turns missing from worksheet ``coding``
        (rows deleted: every turn of the roles its rows list must be there, in each
        interview the sheet records it covers (a workbook's property, a CSV sheet's last
        header cell) and each its rows name, a turn without a
        code as a row without marks), a recorded interview the transcripts lack; in a
        workbook also merged cells, a formula
        without a stored result, a copy of worksheet ``coding`` or ``quotes`` (whose
        marks would not be read), a value right of the header row's last cell, and more
        rows with values than the corpus's turns can need (:data:`ROWS_PER_TURN`, refused
        at the first row too many); in a CSV, separators other than commas. A sheet that
        records another coder is refused before its cells are read.

    Warns
    -----
    SheetWarning
        A sheet without any mark or quote, notes in rows without a mark (not kept), a mark
        or quote on a turn that is not an informant's (kept, but the analyses leave it
        out), a code given twice in one turn (a mark and a quote of part of the turn, or
        two quotes that overlap; both cells named), and a CSV sheet without its quotes file
        beside it.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> sheet = ce.coding_sheet(corpus, cb)
    >>> sheet.coding.loc[0, "kerja_sama"] = "x"
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "coding_sheet_A.xlsx"
    >>> _ = ce.write_coding_sheet(sheet, out)
    >>> codings = ce.read_coding_sheet(out, corpus=corpus, codebook=cb, coder="A")
    >>> codings[["doc_id", "segment_id", "code", "coder"]]
      doc_id  segment_id        code coder
    0  INF01           2  kerja_sama     A
    """
    check_corpus(corpus)
    check_codebook(codebook, allow_none=False)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        sheet, where = _read_xlsx(path, _coder(coder), len(corpus.segments))
    elif suffix == ".csv":
        sheet, where = _read_csv(path)
    else:
        raise InputError("a coding sheet must be a .xlsx workbook or a .csv file; save it "
                         "as .xlsx (Excel Workbook) or CSV", path=os.fspath(path))
    return codings_from_sheet(sheet, corpus=corpus, codebook=codebook, coder=coder,
                              path=where)


#: The calls that make a coding sheet in Python (where the command line says 'citra-eval
#: sheet export'); "a new" sheet as each reader makes one (:func:`~.errors.advised`).
_SHEET_CALLS = "ce.write_coding_sheet(ce.coding_sheet(corpus, codebook, coder=NAME), path)"
_A_NEW_SHEET = advised("a new ", cli="'citra-eval sheet export'",
                       python=f"sheet made with {_SHEET_CALLS}")
_RESAVE = "open it in a spreadsheet program and save it again as .xlsx"


#: Rows with values a worksheet may hold, per turn of the corpus (``coding``: each turn once;
#: ``quotes``: as many quotes of a turn as any coder would make), plus MAX_REPORTED: beyond
#: that the sheet is refused before the rest of the file is parsed.
ROWS_PER_TURN = {"coding": 1, "quotes": 100}


#: Shared strings (the workbook's table of distinct cell texts) a coding sheet may hold: at
#: most this many, and at most ``SHARED_STRINGS_PER_CELL`` per stored cell plus
#: ``SHARED_STRINGS_SLACK``. A real sheet holds fewer strings than cells; openpyxl reads
#: the whole table before any cell (300,000 unused strings, 0.8 MB zipped: 45 s and more).
MAX_SHARED_STRINGS = 200_000
SHARED_STRINGS_PER_CELL = 4
SHARED_STRINGS_SLACK = 10_000

_SHARED_STRING_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CELL_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _refuse_many_shared_strings(members: dict[str, bytes], path: str) -> None:
    """Refuse a workbook whose shared-strings table is far larger than its cells can use
    (:data:`MAX_SHARED_STRINGS`), counted in the raw XML before openpyxl parses it."""
    strings = sum(len(_SHARED_STRING_RE.findall(part)) for name, part in members.items()
                  if name.lower().startswith("xl/") and "sharedstrings" in name.lower())
    if strings <= SHARED_STRINGS_SLACK:
        return
    cells = sum(len(_CELL_RE.findall(part)) for name, part in members.items()
                if name.lower().startswith("xl/worksheets/"))
    limit = min(MAX_SHARED_STRINGS, SHARED_STRINGS_PER_CELL * cells + SHARED_STRINGS_SLACK)
    if strings > limit:
        raise InputError(f"the workbook holds {strings:,} shared strings (cell texts) for "
                         f"{cells:,} cells, more than the {limit:,} a coding sheet can need "
                         "(docs/security.md, limits); it was not written by a spreadsheet "
                         f"program as a coding sheet: {_RESAVE}, or export the sheet again",
                         path=path)


def _read_xlsx(path: Path, coder: str | None = None,
               turns: int | None = None) -> tuple[CodingSheet, dict[str, str]]:
    from openpyxl import load_workbook

    spath = os.fspath(path)
    # size, ratio and entry limits before openpyxl inflates anything
    members = read_zip(path, what="workbook", hint=_RESAVE)
    for name, part in members.items():  # as in a .qdpx: no DTDs, entities, external references
        refuse_dtd(part, path=spath, member=name, what="a workbook")
    _refuse_many_shared_strings(members, spath)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors on broken files
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__}); {_RESAVE}",
                         path=spath) from None
    problems: list[Problem] = []
    try:
        if "coding" not in wb.sheetnames:
            renamed = next((name for name in wb.sheetnames
                            if _worksheet_kind(wb[name]) == "coding"), None)
            if renamed is not None:
                raise InputError(_renamed(renamed, "coding"), path=spath, cell=f"{renamed}!A1")
            raise InputError(f"no worksheet named 'coding' (it has {', '.join(wb.sheetnames)});"
                             " keep the worksheet names of the exported sheet", path=spath)
        recorded = next((str(p.value) for p in wb.custom_doc_props
                         if p.name == CODER_PROPERTY and p.value), None)
        if coder is not None:
            _check_coder(recorded, coder, spath)
        documents = _recorded_documents(wb, spath)
        frames = {}
        for name in wb.sheetnames:
            ws = wb[name]
            if name in ("coding", "quotes"):
                limit = None if turns is None else ROWS_PER_TURN[name] * turns + MAX_REPORTED
                frames[name] = _stored_frame(ws, name, spath, problems, limit)
            elif name != "codebook":
                problems += _copied_worksheet(ws, name, spath, wb.sheetnames)
    finally:
        wb.close()
    xml = _worksheet_xml(members, spath)
    for name in frames:
        problems += _unreadable_cells(xml.get(name), name, spath)
    if "coding" in frames:
        _formatted_text_warning(members, xml.get("coding"), list(frames["coding"].columns),
                                spath)
    collect(problems, limit=MAX_REPORTED, path=spath)
    if "quotes" not in frames:
        warnings.warn(f"{spath}: no worksheet 'quotes', so only whole-turn marks are read; "
                      "if the coder quoted parts of turns, restore the worksheet (undo its "
                      "deletion, or copy it from the coder's copy of the sheet)", SheetWarning,
                      stacklevel=3)
    if recorded is None and documents is None:
        warnings.warn(f"{spath}: the workbook has lost its document properties "
                      f"({CODER_PROPERTY!r} and {DOCUMENTS_PROPERTY!r}; a program that does "
                      "not keep them, such as a Google Sheets download, drops them), so two "
                      "checks were skipped: that this is the coder's own sheet, and that no "
                      "interview's rows were all deleted (the sheet covers the interviews its "
                      "rows name); check that you have the right coder's file and that every "
                      "interview the coder coded still has its rows, or export a new sheet "
                      "and copy this one's marks and quotes into it", SheetWarning,
                      stacklevel=3)
    quotes = frames.get("quotes", pd.DataFrame(columns=QUOTE_COLUMNS))
    sheet = CodingSheet(frames["coding"], quotes, pd.DataFrame(), recorded, documents)
    return sheet, {"coding": spath, "quotes": spath}


def _recorded_documents(wb, path: str) -> tuple[str, ...] | None:
    """The interviews a workbook records it covers (None: a sheet from before they were
    recorded: the interviews its rows name)."""
    value = next((p.value for p in wb.custom_doc_props if p.name == DOCUMENTS_PROPERTY),
                 None)
    if value is None:
        return None
    return _documents_list(str(value), f"the workbook property {DOCUMENTS_PROPERTY!r}", path)


def _documents_list(value: str, what: str, path: str, cell: str | None = None
                    ) -> tuple[str, ...]:
    """The doc ids a sheet records it covers (``value``: a JSON list), or an InputError
    naming ``what`` holds it."""
    try:
        docs = json.loads(value)
    except ValueError:
        docs = None
    if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
        raise InputError(problems=[Problem(
            path, f"{what} (the interviews the sheet covers) is not a list of doc ids: "
            f"{quoted(value)}; restore it, or export a new sheet and copy this one's marks "
            "into it", cell=cell)])
    return tuple(docs)


def _csv_documents(frame: pd.DataFrame, path: str) -> tuple[pd.DataFrame, tuple | None]:
    """``frame`` (a CSV sheet's worksheet ``coding``) without the column recording the
    interviews it covers (:data:`CSV_DOCUMENTS_HEADER`), and those interviews (None when
    no column records them). A value typed under that header is refused (it would be
    lost): notes go under ``note``."""
    from openpyxl.utils import get_column_letter

    cols = list(frame.columns)
    found = [j for j, c in enumerate(cols)
             if c.casefold().startswith(CSV_DOCUMENTS_HEADER.casefold())]
    if not found:
        return frame, None
    j = found[0]
    letter = get_column_letter(j + 1)
    if len(found) > 1:
        raise InputError(problems=[Problem(
            path, f"{len(found)} columns record the interviews the sheet covers; keep the "
            f"one the sheet was exported with and delete the others",
            cell=f"coding!{get_column_letter(found[1] + 1)}1")])
    docs = _documents_list(cols[j][len(CSV_DOCUMENTS_HEADER):].strip(),
                           f"the header of column {letter}", path, f"coding!{letter}1")
    typed = [int(i) + 2 for i, v in zip(frame.index, frame.iloc[:, j], strict=True)
             if not _blank(v)]
    collect([Problem(path, f"column {letter} records the interviews the sheet covers (in its "
                     "header), so what is typed under it is not read; move it to 'note' (or "
                     "delete it)", cell=f"coding!{letter}{row}") for row in typed],
            limit=MAX_REPORTED, path=path)
    return frame.drop(columns=cols[j]), docs


def _stored_rows(ws, coloured: list[tuple[int, int]] | None = None):
    """``(row number, {column number: value})`` of each row of a read-only worksheet that
    holds a value, from the cells the file stores: openpyxl's own ``iter_rows`` makes a cell
    for every position up to the farthest one, so one cell at ``XFD1048576`` would make
    seventeen billion. ``coloured`` gets ``(row, column)`` of each empty cell below the
    first row with a fill (a colour a coder may have meant as a mark)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = ws.parent
    with ws._get_source() as src:  # as ReadOnlyWorksheet._cells_by_row, without the filling
        parser = WorkSheetParser(src, ws._shared_strings, data_only=book.data_only,
                                 epoch=book.epoch, date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            if coloured is not None and number > 1 and len(coloured) < 10_000:
                coloured += [(number, c["column"]) for c in cells
                             if _blank(c["value"]) and _filled(book, c.get("style_id"))]
            values = {c["column"]: _as_shown(book, c["value"], c.get("style_id"))
                      for c in cells if not _blank(c["value"])}
            if values:
                yield number, values


class _ShownInt(int):
    shown: str


class _ShownFloat(float):
    shown: str


class _ShownDatetime(datetime.datetime):
    shown: str


#: Built-in number formats a spreadsheet program shows in the system's own form (the short
#: date, the date and time), which the file does not hold: read in ISO form.
_SYSTEM_FORMATS = frozenset({14, 22})
#: The ISO date and time format (what a program writing a date without a format of its own,
#: openpyxl, gives it): read in ISO form too, a date without its midnight time.
_ISO_DATETIME = "yyyy-mm-dd h:mm:ss"
#: Month names of the ``mmm``/``mmmm`` date codes (a spreadsheet program's default).
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _as_shown(book, value: Any, style_id: Any) -> Any:
    """``value`` (a stored cell's) carrying, as ``.shown``, the text its number format shows
    (``0.5`` in a percent cell: ``50%``), when that differs from :func:`_as_text`'s: a note
    or quote cell reads as the coder sees it, a mark or turn number stays a number. Only
    numbers and dates with a style can differ."""
    if not style_id or isinstance(value, bool) or not isinstance(
            value, int | float | datetime.datetime):
        return value
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    try:
        number = int(book._cell_styles[int(style_id)].numFmtId)
        fmt = (BUILTIN_FORMATS.get(number, "General") if number < BUILTIN_FORMATS_MAX_SIZE
               else book._number_formats[number - BUILTIN_FORMATS_MAX_SIZE])
    except (TypeError, ValueError, IndexError, AttributeError):
        return value
    if number in _SYSTEM_FORMATS or fmt == _ISO_DATETIME:
        return value
    shown = (_date_shown(value, fmt) if isinstance(value, datetime.datetime)
             else _number_shown(value, fmt))
    if shown is None or shown == _as_text(value):
        return value
    out = (_ShownDatetime.combine(value.date(), value.time())
           if isinstance(value, datetime.datetime)
           else _ShownInt(value) if isinstance(value, int) else _ShownFloat(value))
    out.shown = shown
    return out


def _format_parts(fmt: str, negative: bool) -> list[tuple[bool, str]] | None:
    """The section of number format ``fmt`` a value of this sign is shown with, as
    ``(is literal, text)`` parts: quoted text, escaped characters and the space of ``_x``
    literal; the symbol of a currency-locale tag (``Rp`` of ``[$Rp-421]``) literal; colour
    and locale tags (``[Red]``, ``[$-421]``) and fill characters dropped.
    None for a format this reading does not show (a text section, conditions)."""
    sections = fmt.split(";")
    if negative and len(sections) > 1:
        section, sign = sections[1], ""
    else:
        section, sign = sections[0], "-" if negative else ""
    parts: list[tuple[bool, str]] = [(True, sign)] if sign else []
    i = 0
    while i < len(section):
        c = section[i]
        if c == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            parts.append((True, section[i + 1:j]))
            i = j + 1
        elif c == "\\" and i + 1 < len(section):
            parts.append((True, section[i + 1]))
            i += 2
        elif c == "[":
            j = section.find("]", i)
            if j < 0 or section[i + 1:j][:1] in "<>=":  # a condition: not shown here
                return None
            if section[i + 1:j].startswith("$"):  # [$Rp-421]: currency symbol Rp, locale
                parts.append((True, section[i + 2:j].split("-")[0]))
            i = j + 1
        elif c in "_*":
            parts.append((True, " " if c == "_" else ""))
            i += 2
        else:
            parts.append((False, c))
            i += 1
    return parts


_NUMBER_CODE = re.compile(r"[0#?][0#?,]*(?:\.[0#?]*)?|\.[0#?]+")


#: A scientific number code: one ``0`` before the point, ``0`` decimals, ``E+``/``E-`` and
#: the exponent's least digits (``0.00E+00``).
_SCIENTIFIC_CODE = re.compile(r"0(?:\.(0*))?([eE])([+-])(0+)")


def _scientific(x: float, code: re.Match) -> str:
    """``x`` (>= 0) as scientific code ``code`` shows it: ``1.00E-07`` for ``0.00E+00``
    (``E+`` shows the exponent's sign always, ``E-`` only when negative)."""
    decimals, letter, sign, exponent = code.groups()
    mantissa, _, power = f"{x:.{len(decimals or '')}E}".partition("E")
    p = int(power)
    shown_sign = "-" if p < 0 else "+" if sign == "+" else ""
    return f"{mantissa}{letter}{shown_sign}{str(abs(p)).zfill(len(exponent))}"


def _number_shown(value: float, fmt: str) -> str | None:
    """``value`` as number format ``fmt`` shows it (percent, decimals, thousands
    separators, text around the number, a currency symbol, scientific ``0.00E+00``), or
    None for ``General``, text and formats this reading does not show (fractions,
    engineering ``##0.0E+0``): then the value as it is."""
    if fmt.strip().casefold() in ("general", "@", ""):
        return None
    parts = _format_parts(fmt, value < 0)
    if parts is None:
        return None
    code = "".join(t for literal, t in parts if not literal)
    scientific = _SCIENTIFIC_CODE.search(code)
    if scientific is not None:
        rest = code[:scientific.start()] + code[scientific.end():]
        if re.search(r"[0#?.,%eE/@]", rest):  # engineering (##0.0E+0) and the like
            return None
        digits, text = scientific, _scientific(abs(value), scientific)
    else:
        if re.search(r"[eE/@]", code):
            return None
        digits = _NUMBER_CODE.search(code)
        if digits is None:
            return None
        x = abs(value) * 100 ** code.count("%")
        whole, _, frac = digits.group().partition(".")
        fixed = frac.count("0")
        text = f"{x:{',' if ',' in whole else ''}.{len(frac)}f}"
        if len(frac) > fixed:  # '#' and '?' decimals show only when not zero
            head, _, dec = text.partition(".")
            dec = dec.rstrip("0").ljust(fixed, "0")
            text = f"{head}.{dec}" if dec else head
    out, placed, at = [], False, 0
    for literal, t in parts:
        if literal:
            out.append(t)
            continue
        if digits.start() <= at < digits.end():
            if not placed:
                out.append(text)
                placed = True
        else:
            out.append(t)
        at += 1
    return "".join(out)


_DATE_CODE = re.compile(r"yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+",
                        re.IGNORECASE)


def _date_shown(value: datetime.datetime, fmt: str) -> str | None:
    """``value`` as date format ``fmt`` shows it (``dd/mm/yyyy``: ``05/03/2024``), or None
    for a format this reading does not show (elapsed time, ``[h]``)."""
    parts = _format_parts(fmt, False)
    if parts is None or re.search(r"\[[hms]", fmt, re.IGNORECASE):
        return None
    # runs of code, each cut into date codes and other characters; literals kept as they are
    pieces: list[tuple[str, bool]] = []  # (text, is a date code)
    run = ""
    for literal, t in [*parts, (True, "")]:
        if not literal:
            run += t
            continue
        at = 0
        for m in _DATE_CODE.finditer(run):
            pieces += [(run[at:m.start()], False), (m.group(), True)]
            at = m.end()
        pieces += [(run[at:], False), (t, False)]
        run = ""
    codes = [t.casefold() for t, is_code in pieces if is_code]
    twelve = any(c in ("am/pm", "a/p") for c in codes)
    hour = value.hour % 12 or 12 if twelve else value.hour
    out, k = [], 0
    for t, is_code in pieces:
        if not is_code:
            out.append(t)
            continue
        low = codes[k]
        minutes = low in ("m", "mm") and (codes[k - 1:k] in (["h"], ["hh"])
                                          or codes[k + 1:k + 2] in (["s"], ["ss"]))
        k += 1
        month = _MONTH_NAMES[value.month - 1]
        out.append({"yyyy": f"{value.year:04d}", "yy": f"{value.year % 100:02d}",
                    "mmmmm": month[0], "mmmm": month, "mmm": month[:3],
                    "mm": f"{value.minute:02d}" if minutes else f"{value.month:02d}",
                    "m": str(value.minute) if minutes else str(value.month),
                    "dddd": value.strftime("%A"), "ddd": value.strftime("%a"),
                    "dd": f"{value.day:02d}", "d": str(value.day), "hh": f"{hour:02d}",
                    "h": str(hour), "ss": f"{value.second:02d}", "s": str(value.second),
                    "am/pm": "AM" if value.hour < 12 else "PM",
                    "a/p": "A" if value.hour < 12 else "P"}.get(
                        low, f"{value.microsecond / 1e6:.{len(t) - 1}f}"[1:]))
    return "".join(out)


def _filled(book, style_id: Any) -> bool:
    """Whether cell style ``style_id`` of a workbook has a fill (a colour)."""
    try:
        fill = book._fills[book._cell_styles[int(style_id)].fillId]
    except (TypeError, ValueError, IndexError, AttributeError):
        return False
    return getattr(fill, "patternType", None) not in (None, "none")


def _coloured_warning(coloured: list[tuple[int, int]], header: list, path: str) -> None:
    """Warn of the empty code cells of worksheet coding that are coloured: a colour is
    not a mark."""
    from openpyxl.utils import get_column_letter

    codes = {j + 1 for j, name in enumerate(header)
             if j >= len(SHEET_COLUMNS) and isinstance(name, str) and name.strip()
             and name.strip().casefold() != "note"
             and not name.startswith(CSV_DOCUMENTS_HEADER)}
    cells = [f"{get_column_letter(c)}{r}" for r, c in sorted(coloured) if c in codes]
    if cells:
        warnings.warn(f"{path}: {len(cells)} empty code cell(s) of worksheet 'coding' are "
                      f"coloured ({listed(cells, 10, quote=False)}), and a colour is not read "
                      "as a mark: type x in each cell meant as a mark (or clear the colour)",
                      SheetWarning, stacklevel=4)


def _stored_frame(ws, name: str, path: str, problems: list[Problem],
                  limit: int | None = None) -> pd.DataFrame:
    """Worksheet ``name`` as :func:`_frame` makes it, from its stored cells only: rows
    without a value are left out (the index keeps each row's number minus 2), and a value
    right of the last header cell is reported in ``problems`` (once per column) instead of
    widening every row up to it. More than ``limit`` rows with values below the header
    are refused at the first row too many."""
    from openpyxl.utils import get_column_letter

    rows = {}
    coloured: list[tuple[int, int]] | None = [] if name == "coding" else None
    for number, values in _stored_rows(ws, coloured):
        if limit is not None and len(rows) > limit:
            cell = f"{get_column_letter(min(values))}{number}"
            raise InputError(f"worksheet {name!r} holds more than {limit} rows with values, "
                             f"more than the sheet's turns can need, and row {number} is one "
                             "too many; delete the rows that are not part of the sheet (or "
                             "export a new one)", path=path, cell=f"{name}!{cell}")
        rows[number] = values
    _title_rows([(n, [v[c] for c in sorted(v)]) for n, v in rows.items()], name, path)
    header = rows.pop(1, {})
    width = max(header, default=0)
    reported: set[int] = set()
    for number, values in rows.items() if width else ():
        for col in sorted(c for c in values if c > width and c not in reported):
            reported.add(col)
            cell = f"{get_column_letter(col)}{number}"
            problems.append(Problem(path, _headless(cell), cell=f"{name}!{cell}"))
    if not width:  # no header: the header check says so
        return pd.DataFrame(columns=[""]) if rows else pd.DataFrame()
    body = {n: values for n, values in rows.items() if min(values) <= width}
    cells = [[header.get(c) for c in range(1, width + 1)]]
    cells += [[values.get(c) for c in range(1, width + 1)] for values in body.values()]
    frame = _frame(cells)
    frame.index = [n - 2 for n in body]
    if coloured:
        _coloured_warning(coloured, cells[0], path)
    return frame


def _title_rows(rows: list[tuple[int, list]], name: str, path: str | os.PathLike) -> None:
    """Refuse a worksheet whose header is below its first row (a title typed above it),
    naming the rows to delete, instead of reporting each header cell as a value without a
    header."""
    number = header_below(rows, SHEET_COLUMNS[0])
    if number is not None:
        above = "row 1" if number == 2 else f"rows 1-{number - 1}"
        raise InputError(f"the header is in row {number}: delete {above} above it (the "
                         "header, doc_id first, must be the first row)", path=os.fspath(path),
                         cell=f"{name}!A1")


def _headless(cell: str) -> str:
    return (f"cell {cell} has a value in a column without a header; delete it, or move it "
            "into a column of the sheet")


def _worksheet_kind(ws) -> str | None:
    """``"coding"`` or ``"quotes"`` when worksheet ``ws``'s header is that of the exported
    worksheet of that name, else None (a chart sheet, too)."""
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        return None
    first = next(iter(ws.iter_rows(max_row=1, values_only=True)), ())
    header = ["" if _missing(v) else str(v).strip() for v in first]
    for own, columns in (("coding", SHEET_COLUMNS), ("quotes", QUOTE_COLUMNS[:4])):
        if header[:len(columns)] == columns:
            return own
    return None


def _renamed(name: str, own: str) -> str:
    return (f"worksheet {name!r} is the {own!r} worksheet renamed, and only a worksheet "
            f"named {own!r} is read: rename it back to {own!r}")


def _copied_worksheet(ws, name: str, path: str, names: Sequence[str]) -> list[Problem]:
    """A worksheet other than the exported three whose header is that of ``coding`` or
    ``quotes``: a copy a coder may have marked, or the worksheet renamed (when the workbook
    has no worksheet of that name, ``names``), which would otherwise be ignored."""
    own = _worksheet_kind(ws)
    if own is None:
        return []
    if own not in names:
        return [Problem(path, _renamed(name, own), cell=f"{name}!A1")]
    return [Problem(path, f"worksheet {name!r} is a copy of {own!r}, and only {own!r} is "
                    f"read: move its marks or quotes to {own!r} and delete the copy",
                    cell=f"{name}!A1")]


def _worksheet_xml(members: dict[str, bytes], path: str) -> dict[str, Any]:
    """The parsed XML of each worksheet of an XLSX archive, by worksheet name (from
    ``xl/workbook.xml`` and its relationships)."""
    book = members.get("xl/workbook.xml")
    rels = members.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    targets = {}
    for rel in parse_xml(rels, path=path, member="xl/_rels/workbook.xml.rels").iter(
            "Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") \
            else f"xl/{target}"
    out = {}
    for sheet in parse_xml(book, path=path, member="xl/workbook.xml").iter("sheet"):
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id") or k == "id"),
                   None)
        member = targets.get(rid)
        if member in members:
            out[sheet.get("name")] = parse_xml(members[member], path=path, member=member)
    return out


#: A run of text in its own format (``<r>``), in a shared-strings table or an inline string.
_RUN_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?r[\s>]")


def _formatted_in_part(holder) -> bool:
    """Whether a shared string or inline string element (``si``, ``is``) holds runs of
    text in more than one format (``rPr``): words a coder formatted (bold, colour) inside
    the cell's text."""
    runs = holder.findall("r")
    if not runs:
        return False
    formats = {tuple((e.tag, tuple(sorted(e.attrib.items()))) for e in r.find("rPr") or ())
               if r.find("rPr") is not None else () for r in runs}
    return len(formats) > 1 or holder.find("t") is not None


def _formatted_text_warning(members: dict[str, bytes], root, header: list,
                            path: str) -> None:
    """Warn of the turn texts (column ``text`` of worksheet coding) with words formatted
    in part: a coder may have marked a passage so (bold, red), and formatting is not read.
    Only that column is looked at, and the shared-strings table is parsed only when it
    holds runs of formatted text at all."""
    from openpyxl.utils import get_column_letter

    if root is None or "text" not in header:
        return
    letter = get_column_letter(header.index("text") + 1)
    shared = [part for name, part in members.items()
              if name.lower().startswith("xl/") and "sharedstrings" in name.lower()]
    rich: set[int] = set()
    if shared and _RUN_RE.search(shared[0]):
        table = parse_xml(shared[0], path=path, member="xl/sharedStrings.xml")
        rich = {i for i, si in enumerate(table.iter("si")) if _formatted_in_part(si)}
    inline = any(_RUN_RE.search(part) for name, part in members.items()
                 if name.lower().startswith("xl/worksheets/"))
    if not rich and not inline:
        return
    cells = []
    for cell in root.iter("c"):
        ref = cell.get("r", "")
        if ref.rstrip("0123456789") != letter or ref == f"{letter}1":
            continue
        kind, value = cell.get("t"), cell.find("v")
        if (kind == "s" and value is not None and (value.text or "").isdigit()
                and int(value.text) in rich) or (
                kind == "inlineStr" and cell.find("is") is not None
                and _formatted_in_part(cell.find("is"))):
            cells.append(f"coding!{ref}")
    if cells:
        warnings.warn(f"{path}: {len(cells)} turn text(s) have words formatted in part (bold, "
                      f"italic, underlined or coloured: {listed(cells, 10, quote=False)}), and "
                      "formatting is not read as a coding: to code a whole turn, type x under "
                      "the code in its row; to code part of a turn, copy its words into "
                      "worksheet 'quotes' (doc_id, segment_id, code, quote)", SheetWarning,
                      stacklevel=4)


def _unreadable_cells(root, name: str, path: str) -> list[Problem]:
    """Merged cells, and formulas whose result the file does not hold (written by a program
    that does not compute them): openpyxl would read both as empty cells, and a coder's
    mark would be lost without a word."""
    if root is None:
        return []
    out = []
    for merged in root.iter("mergeCell"):
        ref = merged.get("ref", "")
        out.append(Problem(path, f"cells {ref} are merged: a merged cell holds one value for "
                           "several rows or columns; unmerge them and fill in each cell",
                           cell=f"{name}!{ref.split(':')[0]}"))
    for cell in root.iter("c"):
        if cell.find("f") is not None:
            value = cell.find("v")
            # an empty <v> is a computed empty text only in a text cell (t="str")
            if value is None or (not (value.text or "") and cell.get("t") != "str"):
                out.append(Problem(path, "the cell holds a formula without a computed value; "
                                   "type the value, or open the file in a spreadsheet "
                                   "program and save it again", cell=f"{name}!{cell.get('r')}"))
    return out


def _read_csv(path: Path) -> tuple[CodingSheet, dict[str, str]]:
    coding_file, quotes_file, _ = csv_sheet_files(path)
    rows = _csv_sheet_rows(_read_sheet_text(coding_file), coding_file, "coding")
    _not_the_coding_file(rows, coding_file)
    coding = _frame(rows)
    where = {"coding": os.fspath(coding_file)}
    quotes = pd.DataFrame(columns=QUOTE_COLUMNS)
    if quotes_file.is_file():
        quotes = _frame(_csv_sheet_rows(_read_sheet_text(quotes_file, allow_empty=True),
                                        quotes_file, "quotes"))
        where["quotes"] = os.fspath(quotes_file)
    else:
        warnings.warn(f"{os.fspath(coding_file)}: no quotes file {quotes_file.name} beside it, "
                      "so only whole-turn marks are read; put the quotes worksheet's CSV there "
                      "under that name if the coder quoted parts of turns", SheetWarning,
                      stacklevel=3)
    coding, documents = _csv_documents(coding, where["coding"])
    if documents is None:
        warnings.warn(f"{os.fspath(coding_file)}: no column '{CSV_DOCUMENTS_HEADER} [...]' "
                      "after 'note' (deleted, or its header cleared), which records the "
                      "interviews the sheet covers, so the check that no interview's rows "
                      "were all deleted was skipped: the sheet covers the interviews its rows "
                      "name; restore the column (undo the deletion, or copy its header from a "
                      "new 'sheet export'), or check that every interview the coder coded "
                      "still has its rows", SheetWarning, stacklevel=3)
    return CodingSheet(coding, quotes, pd.DataFrame(), None, documents), where


def _read_sheet_text(path: Path, *, allow_empty: bool = False) -> str:
    """The text of a CSV sheet file; one saved in Windows-1252 (Excel's 'CSV (Comma
    delimited)'), which is no UTF-8 once it holds an accented letter, is refused at its first
    such line with Excel's own fix (any other wrong encoding as every text file is)."""
    data = read_file_bytes(path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if hint := windows_1252_hint(data, exc):  # else the general message below
            semicolons = (" (Excel in Indonesian separates its columns with semicolons "
                          "then too: they are read as they are)"
                          if csv_delimiter(data.decode("cp1252", errors="replace")) == ";"
                          else "")
            raise InputError(
                f"not UTF-8 but probably Windows-1252 (byte {hint} there), as Excel saves a "
                "sheet as 'CSV (Comma delimited)', turning emoji and any character "
                "Windows-1252 lacks into '?'; save it again as 'CSV UTF-8 (Comma "
                f"delimited)' (File > Save As){semicolons}; if its turns held emoji, they "
                "stay '?' (the import then names those turns): "
                "export a new sheet and copy this one's marks, quotes and notes into it, or "
                "code in the .xlsx workbook", path=os.fspath(path),
                line=data[:exc.start].count(b"\n") + 1) from None
    return read_text_file(path, allow_empty=allow_empty)


def _not_the_coding_file(rows: list[list[str]], path: Path) -> None:
    """Refuse the quotes or codebook file of a CSV sheet given as the sheet, naming the
    coding file to give instead."""
    header = [c.strip() for c in rows[0]] if rows else []
    for kind, columns in (("quotes", QUOTE_COLUMNS), ("codebook", CODEBOOK_SHEET_COLUMNS)):
        if header[:4] != columns[:4]:
            continue
        title, sep, tab = path.stem.rpartition(" - ")
        if sep and tab.strip().casefold() == kind:
            coding = f"{title} - coding.csv"
        elif path.stem.endswith(f"_{kind}"):
            coding = f"{path.stem.removesuffix(f'_{kind}')}.csv"
        else:
            coding = f"NAME.csv, beside NAME_{kind}.csv"
        raise InputError(f"this is the {kind} file of a CSV coding sheet (its header is "
                         f"{', '.join(columns[:4])}, ...), not the sheet's coding worksheet; "
                         f"import the coding file {coding} (its quotes file is read with it)",
                         path=os.fspath(path))


#: The byte-order mark as a program shows it that reads UTF-8 as Windows-1252 (then saved
#: again): the text cells are garbled likewise, and are reported as such.
_BOM_READ_AS_1252 = "\ufeff".encode().decode("cp1252")


def _csv_sheet_rows(text: str, path: Path, name: str) -> list[list[str]]:
    """The rows of CSV worksheet ``name``, without a byte-order mark read as text before
    the first header cell (a title row above the header is refused); separated by commas,
    or by the semicolons Excel writes in Indonesian, as the survey reader reads them."""
    rows = [row for _, row in delimited_rows(text, path)]
    if rows and rows[0]:
        rows[0][0] = rows[0][0].lstrip("\ufeff").removeprefix(_BOM_READ_AS_1252)
    _title_rows(list(enumerate(rows, start=1)), name, path)
    return rows


def _frame(rows: list[list]) -> pd.DataFrame:
    """Rows of cells (header first) as a DataFrame of raw values: one row per spreadsheet
    row after the header (empty ones included, so index + 2 is the row number); a column
    with an empty header cell is named ``""`` (dropped when it is empty throughout)."""
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    header = ["" if _missing(h) else str(h).strip() for h in rows[0]]
    while header and header[-1] == "" and all(_blank(r[len(header) - 1]) for r in rows[1:]):
        header.pop()
    rows = [r[:len(header)] for r in rows]
    body = rows[1:]
    while body and all(_blank(v) for v in body[-1]):
        body.pop()
    frame = pd.DataFrame(body, columns=range(len(header)), dtype=object)
    frame.columns = header
    return frame


def _note_column(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``note`` header typed in other case (``Note``, ``NOTE``) named
    ``note``, as a code column's header may be in other case."""
    cols = list(frame.columns)
    if "note" in cols:
        return frame
    notes = [j for j, c in enumerate(cols) if isinstance(c, str) and c.casefold() == "note"]
    if len(notes) != 1:
        return frame
    cols[notes[0]] = "note"
    return frame.set_axis(cols, axis=1)


def coded_nothing_in(codings: pd.DataFrame, corpus: Corpus) -> list[str]:
    """The interviews a coder read and coded nothing in, by the codings
    :func:`codings_from_sheet` read from their sheet: those the sheet covers
    (``attrs["documents"]``, in corpus order) when it holds no coding and was made for some
    of the interviews (``coding_sheet(documents=...)``, ``sheet export --docs`` or
    ``--suggested``); else ``[]``. An unmarked sheet of every interview is more likely the
    blank one than a coder who found nothing to code anywhere. Declared in ``study.yaml``'s
    ``double_coded``, such interviews count as rated, no code."""
    covered = list(codings.attrs.get("documents") or [])
    if len(codings) or not covered or set(covered) >= set(corpus.doc_ids):
        return []
    return covered


def _blank(v: Any) -> bool:
    return _missing(v) or (isinstance(v, str) and not v.strip())


def codings_from_sheet(sheet: CodingSheet, *, corpus: Corpus, codebook: Codebook, coder: str,
                       path: str | dict[str, str] | None = None) -> pd.DataFrame:
    """The codings a filled coding sheet holds.

    Parameters
    ----------
    sheet : CodingSheet
        ``.coding`` and ``.quotes`` as filled (``.codebook`` is not read). The row labelled
        ``i`` is row ``i + 2`` of its worksheet (the header is row 1; rows without a value
        may be left out).
    corpus : Corpus
        The transcripts the sheet was made from.
    codebook : Codebook
    coder : str
        The value of the ``coder`` column; must be the sheet's own coder when it records
        one.
    path : str or dict, optional
        The file the sheet came from (or ``{worksheet: file}``), named in messages.

    Returns
    -------
    DataFrame
        A codings table ``doc_id, segment_id, start, end, code, coder, text, evidence,
        note, whole_turn``: a mark codes its whole turn (``note``: the row's note;
        ``whole_turn``: ``"true"``, so that :func:`citra_eval.reanchor` widens it to the
        whole turn when words are added to it), a quote exactly the characters found
        (``note``: the quote's note; ``whole_turn``: ``"false"``). Rows in document order, then by
        position and codebook order; a coding given twice (a mark and a quote of the whole
        turn) appears once. No marks and no quotes give an empty table: the coder coded
        nothing in the interviews the sheet was made for, when it was made for some of
        them (:func:`coded_nothing_in`), else a :class:`SheetWarning` asks whether this is
        the filled sheet. ``attrs["documents"]``: the interviews the sheet covers
        (``sheet.documents`` and those its rows name), in corpus order.

    Raises
    ------
    InputError
        As :func:`read_coding_sheet`.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> sheet = ce.coding_sheet(corpus, cb)
    >>> sheet.quotes.loc[0] = ["INF01", 8, "kerja_sama", "kerja sama dengan media", None]
    >>> c = ce.codings_from_sheet(sheet, corpus=corpus, codebook=cb, coder="A")
    >>> corpus.text("INF01")[c.start[0]:c.end[0]]
    'kerja sama dengan media'
    """
    check_type("sheet", sheet, CodingSheet, "a CodingSheet")
    check_corpus(corpus)
    check_codebook(codebook, allow_none=False)
    coder = _coder(coder)
    where = path if isinstance(path, dict) else {"coding": path, "quotes": path}
    _check_coder(sheet.coder, coder, where.get("coding"))
    reader = _SheetReader(corpus, codebook, coder, where, sheet.documents)
    unknown = [d for d in sheet.documents or () if d not in corpus]
    if unknown:
        reader.problems.append(Problem(where.get("coding"), f"the sheet was made for "
                                       f"interview(s) {listed(unknown)}, which the "
                                       "transcripts do not have; import it with the "
                                       "transcripts it was exported from"))
    rows = reader.marks(sheet.coding) + reader.quotes(sheet.quotes)
    collect(reader.problems, limit=MAX_REPORTED, path=where.get("coding"))
    shown = where.get("coding") or "the sheet"
    if reader.stray_notes:
        cells = listed(reader.stray_notes, 5, quote=False)
        warnings.warn(f"{shown}: {len(reader.stray_notes)} note(s) in rows without a mark are "
                      f"not kept ({cells}): a note is kept with the row's codings; mark a code "
                      "in the row, or put the note on a quote", SheetWarning, stacklevel=2)
    if reader.off_turn:
        named = listed((f"{cell} (turn {key[1]} of {key[0]!r} is the {role}'s ({speaker}))"
                        for cell, key, role, speaker in reader.off_turn), 5, quote=False)
        warnings.warn(f"{shown}: {len(reader.off_turn)} coding(s) on a turn that is not an "
                      f"informant's: {named}: reliability, the themes and the auto-coder count "
                      "informants' turns, so these codings are left out; mark the code in the "
                      "informant's answer (a quote: fix segment_id to it), or delete the mark "
                      "or the row", SheetWarning, stacklevel=2)
    if reader.matched:
        moved = listed((f"D{r} (turn {a} -> turn {b})" for r, a, b in reader.matched), 5,
                       quote=False)
        warnings.warn(f"{shown}: the transcript's turns changed since the sheet was made; "
                      f"{len(reader.matched)} row(s) were found by their text, unchanged, in "
                      f"another turn: {moved}; check them, or export a new sheet",
                      SheetWarning, stacklevel=2)
    columns = [*CODING_COLUMNS, "text", "evidence", "note", WHOLE_TURN]
    out = pd.DataFrame(rows, columns=[*columns, "_rank", "_cell"])
    if out.empty:
        out = out.astype({"segment_id": "int64", "start": "int64", "end": "int64"})[columns]
        out.attrs["documents"] = reader.covered()
        if not coded_nothing_in(out, corpus):
            warnings.warn(f"{shown}: no marks and no quotes, so no codings: is this the "
                          "filled sheet?", SheetWarning, stacklevel=2)
        return out
    doc_order = {d: i for i, d in enumerate(corpus.doc_ids)}
    out = out.assign(_doc=out["doc_id"].map(doc_order))
    out = out.sort_values(["_doc", "segment_id", "start", "end", "_rank"], kind="stable")
    # a mark codes its whole turn, whatever the turn holds later (reanchor widens it): also
    # when a quote gave the same span
    marks = out["_cell"].str.startswith("coding!")
    out[WHOLE_TURN] = np.where(marks.groupby([out[c] for c in CODING_COLUMNS], observed=True,
                                             sort=False).transform("max"), "true", "false")
    out = out.drop_duplicates(CODING_COLUMNS).reset_index(drop=True)
    out = out.astype({"segment_id": "int64", "start": "int64", "end": "int64"})
    twice = same_code_overlaps(out)
    cells = out["_cell"]
    is_mark = [cells[i].startswith("coding!") or cells[j].startswith("coding!")
               for i, j in twice]
    marked = [pair for pair, mark in zip(twice, is_mark, strict=True) if mark]
    quoted_twice = [pair for pair, mark in zip(twice, is_mark, strict=True) if not mark]
    for pairs, why, fix in (
            (marked, "one coding inside the other", "keep the mark (the whole turn) or the "
             "quote (its words), and delete the other"),
            (quoted_twice, "two quotes that overlap", "give the words once: one quote from "
             "the first word to the last, or two quotes that do not overlap")):
        if not pairs:
            continue
        named = listed((f"{cells[i]} and {cells[j]} (code {out.at[j, 'code']!r}, turn "
                        f"{out.at[j, 'segment_id']} of {out.at[j, 'doc_id']!r})"
                        for i, j in pairs), 5, quote=False)
        warnings.warn(f"{shown}: {len(pairs)} code(s) given twice in one turn: {named}: the "
                      f"turn then holds the code twice ({why}), and counts of codings count "
                      f"it twice; {fix}", SheetWarning, stacklevel=2)
    out = out[columns]
    validate_codings(out, corpus=corpus, codebook=codebook, warn=False)
    out.attrs["documents"] = reader.covered()
    return out


def _same_but_form(given: str, text: str) -> bool:
    """Whether a text cell differs from its turn only in Unicode form (``é`` as one
    character or as ``e`` + U+0301), as a spreadsheet program may rewrite it."""
    return given != text and (unicodedata.normalize("NFC", given)
                              == unicodedata.normalize("NFC", text))


def _lost_in_legacy_encoding(given: str, text: str) -> bool:
    """Whether ``given`` is ``text`` saved in Windows-1252 (Excel's 'CSV (Comma delimited)'):
    each character that encoding lacks (an emoji; one '?' per UTF-16 unit in Excel) is a
    '?'. Runs of '?' are compared as one, so either way of replacing matches."""
    legacy = text.encode("cp1252", errors="replace").decode("cp1252")
    if legacy == text:
        return False  # nothing the encoding lacks: the difference is an edit
    return _QUESTION_RUNS.sub("?", given) == _QUESTION_RUNS.sub("?", legacy)


_QUESTION_RUNS = re.compile(r"\?+")

#: The bytes Windows-1252 leaves undefined, as a reader may show them: as the C1 control of
#: the same number (Windows) or as U+FFFD.
_CP1252_UNDEFINED = {b: "\ufffd" for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _read_as_windows_1252(given: str, text: str) -> bool:
    """Whether ``given`` is ``text`` encoded as UTF-8 and read back as Windows-1252 (a CSV
    without a byte-order mark opened in Excel, which takes it for ANSI): ``é`` as ``Ã©``,
    an emoji as four characters."""
    misread = text.encode("utf-8").decode("cp1252", errors="replace")
    return misread != text and given.translate(_CP1252_UNDEFINED) == misread


def _check_coder(recorded: str | None, coder: str, path: str | None) -> None:
    """Refuse a sheet exported for another coder (checked before its cells are read)."""
    if recorded is not None and recorded != coder:
        raise InputError(f"this sheet was exported for coder {recorded!r}, not {coder!r}; "
                         f"read it as coder {recorded!r} (or check that you have the right "
                         "coder's file)", path=path)


class _SheetReader:
    """Turns the rows of a filled sheet into coding rows, collecting a problem per bad cell."""

    def __init__(self, corpus: Corpus, codebook: Codebook, coder: str,
                 where: dict[str, str | None],
                 documents: Sequence[str] | None = None) -> None:
        self.corpus, self.codebook, self.coder, self.where = corpus, codebook, coder, where
        #: the interviews the sheet records it covers (None: those its rows name)
        self.documents = None if documents is None else set(documents)
        self.named: set[str] = set()  # the interviews the rows of worksheet coding name
        self.turns = corpus.segments.set_index(["doc_id", "segment_id"])[
            ["start", "end", "text", "role", "speaker"]]
        self.spoken = set(corpus.segments.loc[corpus.segments["role"] == "informant",
                                              "doc_id"])  # documents with informants' turns
        #: (cell, turn, role, speaker) of the marks and quotes on a turn that is not an
        #: informant's
        self.off_turn: list[tuple[str, tuple[str, int], str, str]] = []
        self.rank = {c: i for i, c in enumerate(codebook.codable_ids)}
        self.names, self.shared_names = _code_names(codebook)
        self.problems: list[Problem] = []
        self.stray_notes: list[str] = []  # cells of notes in rows without a mark
        #: (row, turn named, turn whose text it holds) of the coding rows found by their text
        self.matched: list[tuple[int, int, int]] = []

    def problem(self, sheet: str, col: int, row: int, message: str) -> None:
        from openpyxl.utils import get_column_letter

        self.problems.append(Problem(self.where.get(sheet), message,
                                     cell=f"{sheet}!{get_column_letter(col + 1)}{row}"))

    def header(self, frame: pd.DataFrame, sheet: str, expected: list[str]) -> bool:
        cols = list(frame.columns)
        if cols[:len(expected)] != expected:
            got = ", ".join(cols[:len(expected)]) or "nothing"
            for sep, name in ((";", "semicolons"), ("\t", "tabs")):
                if cols and sep in cols[0]:
                    self.problem(sheet, 0, 1, f"the header is separated by {name} but the "
                                 "row below it is not split into as many cells by them: "
                                 "keep the exported rows whole (a cell holding the "
                                 "separator needs quotes around it), or import the .xlsx "
                                 "workbook instead")
                    return False
            self.problem(sheet, 0, 1, f"the header must start with {', '.join(expected)}; "
                         f"found {got}; keep the exported header row")
            return False
        return True

    def unnamed(self, frame: pd.DataFrame, j: int) -> None:
        """Report the first value in column ``j``, whose header cell is empty (an empty
        column without a header is no problem)."""
        from openpyxl.utils import get_column_letter

        column = frame.iloc[:, j]
        filled = [i for i, v in zip(frame.index, column, strict=True) if not _blank(v)]
        if filled:
            row = int(filled[0]) + 2
            self.problem("coding", j, row, _headless(f"{get_column_letter(j + 1)}{row}"))

    def code_of(self, name: str) -> str | None:
        """The codable code id a header or a quotes cell names: its id, or (ignoring case)
        its id or label, when that names one code only."""
        if name in self.rank:
            return name
        return self.names.get(" ".join(name.split()).casefold())

    def ambiguous(self, name: str) -> str | None:
        """Why ``name`` (which :meth:`code_of` did not resolve) names no code, when it is an
        id or label of several codes ignoring case; else None."""
        shared = self.shared_names.get(" ".join(name.split()).casefold())
        if not shared:
            return None
        return (f"ambiguous: {name!r} is {' and '.join(shared)} (ignoring case); write the "
                "id")

    def turn(self, sheet: str, row: int, doc: Any, sid: Any,
             words: Any = None) -> tuple[str, int] | None:
        """The turn a row names, or None after reporting the bad cell; a row without a
        segment_id nor ``words`` (its text or quote) is a comment typed into the sheet."""
        doc = "" if _missing(doc) else str(doc).strip()
        if _blank(sid) and _blank(words):
            what = "turn" if sheet == "coding" else "quote"
            self.problem(sheet, 0, row, f"this row is not a {what} (it has no segment_id and "
                         f"no {'text' if sheet == 'coding' else 'quote'}), as if a comment "
                         "was typed into the sheet: delete the row, or move the comment to "
                         f"the note column of the {what} it is about")
            return None
        if not doc:
            self.problem(sheet, 0, row, "doc_id is empty: fill it in (the interview's id, as "
                         "worksheet 'coding' lists it)")
            return None
        if _blank(sid):
            self.problem(sheet, 1, row, "segment_id is empty: fill it in (the turn's number, "
                         "as worksheet 'coding' lists it)")
            return None
        if doc not in self.corpus:
            converted = _converted_id(doc, self.corpus.doc_ids)
            if converted is not None:
                self.problem(sheet, 0, row, f"unknown doc_id {doc!r}: {doc!r} looks like doc_id "
                             f"{converted!r} as a spreadsheet program converts it (to a number "
                             "or a date) when it opens a CSV file; import the .xlsx sheet "
                             "instead, or open the CSV with the doc_id column as text (Excel: "
                             "Data > From Text/CSV) and restore the doc_id cells as exported")
                return None
            did = name_hint(doc, self.corpus.doc_ids, what="document ids") if doc else ""
            self.problem(sheet, 0, row, f"unknown doc_id {doc!r}{did}: no transcript has this "
                         "id; keep the doc_id cells as exported")
            return None
        n = _whole(sid)
        if n is None or (doc, n) not in self.turns.index:
            n_turns = int((self.corpus.segments["doc_id"] == doc).sum())
            self.problem(sheet, 1, row, f"segment_id {_shown(sid)} is not a turn of {doc!r} "
                         f"(it has turns 1-{n_turns}); keep the segment_id cells as exported")
            return None
        return doc, n

    def marks(self, frame: pd.DataFrame) -> list[dict]:
        from openpyxl.utils import get_column_letter

        if frame.empty and not len(frame.columns):
            self.problem("coding", 0, 1, advised("the worksheet is empty; export a new sheet "
                                                 "with ", cli="'citra-eval sheet export'",
                                                 python=_SHEET_CALLS))
            return []
        if not self.header(frame, "coding", SHEET_COLUMNS):
            return []
        frame = _note_column(frame)
        cols = list(frame.columns)
        codes = {}
        hinted = set()  # codes an unknown column's header is named as close to
        for j in range(len(SHEET_COLUMNS), len(cols)):
            name = cols[j]
            if name == "note":
                continue
            code = self.code_of(name)
            if code is not None:
                if code in codes.values():
                    self.problem("coding", j, 1, f"code column {name!r} appears twice "
                                 f"(code {code!r}); delete one")
                codes[j] = code
                continue
            if not name:
                self.unnamed(frame, j)
                continue
            ambiguous = self.ambiguous(name)
            if ambiguous:
                self.problem("coding", j, 1, f"the code column is {ambiguous} as its header")
                continue
            why = f"unknown code column {name!r}"
            hint = closest(name, self.rank)
            hinted.add(hint)
            did = f" (did you mean {hint!r}?)" if hint else ""
            if name in self.codebook:
                self.problem("coding", j, 1, f"{name!r} is a category, not a codable code: "
                             f"{category_fix(self.codebook, name)}, or "
                             "delete the column")
                continue
            self.problem("coding", j, 1, f"{why}{did}: code columns must be codable code ids "
                         "of the codebook (its worksheet lists them); delete the column or "
                         "fix its header")
        note_col = cols.index("note") if "note" in cols else None
        self.absent_codes([*codes.values(), *hinted],
                          len(cols) if note_col is None else note_col)
        out: list[dict] = []
        seen: dict[tuple[str, int], int] = {}
        lossy: list[int] = []
        garbled: list[tuple[int, str, str]] = []  # (row, cell, transcript)
        values = frame.to_numpy(dtype=object)
        unplaced = 0  # rows naming no turn: the turns they were for are unknown
        edited = False  # a row's text is in no turn of its document: the transcript changed
        exact = self.exact_rows(values)
        moved_into: set[tuple[str, int]] = set()  # turns rows were found in by their text
        for i, cells in zip(frame.index, values, strict=True):
            row = int(i) + 2
            if all(_blank(v) for v in cells):
                continue
            key = self.turn("coding", row, cells[0], cells[1], cells[3])
            if key is None:
                unplaced += 1
                continue
            if key in seen and key not in moved_into:
                self.listed_twice(key, row, seen[key], cells[3])
                continue
            seen.setdefault(key, row)
            turn = self.turns.loc[key]
            given = "" if _missing(cells[3]) else str(cells[3]).replace("\r\n", "\n")
            if _same_but_form(given, cell_text(turn.text)):  # composed/decomposed accents:
                given = cell_text(turn.text)  # the same words; the turn codes as it is
            if given != cell_text(turn.text) and _lost_in_legacy_encoding(
                    given, cell_text(turn.text)):
                lossy.append(row)  # one problem for the file, not one per turn
                continue
            if given != cell_text(turn.text) and _read_as_windows_1252(
                    given, cell_text(turn.text)):
                garbled.append((row, given, cell_text(turn.text)))  # one problem as well
                continue
            moved = (None if given == cell_text(turn.text)
                     else self.turn_holding(key[0], given, exact))
            if moved is not None and (key[0], moved) not in seen:
                # the transcript's turns changed (one split, say): the row's unchanged text
                # names its turn, found once
                self.matched.append((row, key[1], moved))
                moved_into.add((key[0], moved))
                if seen[key] == row:
                    del seen[key]
                key = (key[0], moved)
                seen[key] = row
                turn = self.turns.loc[key]
            if given != cell_text(turn.text):
                edited = True
                said, holds = map(_readable, compared_windows(given, cell_text(turn.text)))
                self.problem("coding", 3, row, f"the text differs from turn {key[1]} of "
                             f"{key[0]!r}: the cell says {said} but the transcript reads "
                             f"{holds}; restore the cell (marks go in the code columns, words "
                             "for part of a turn in the quotes worksheet), or, if the "
                             "transcript was edited since, export a new sheet and copy this "
                             "row's marks into it")
                continue
            note = None if note_col is None or _blank(cells[note_col]) else _as_text(
                cells[note_col])
            marked = False
            for j, code in codes.items():
                mark = _mark(cells[j])
                if mark is None:
                    self.problem("coding", j, row, f"{_shown(cells[j])} is not a mark: mark a "
                                 "code with 1 or x, or leave the cell empty (or 0)")
                elif mark:
                    marked = True
                    cell = f"coding!{get_column_letter(j + 1)}{row}"
                    self.off_informant(cell, key, turn)
                    out.append(self.coding(key, int(turn.start), int(turn.end), code, note,
                                           cell))
            if note is not None and not marked:
                self.stray_notes.append(f"{get_column_letter(note_col + 1)}{row}")
        if lossy:
            shown = listed((f"D{r}" for r in lossy), 5, quote=False)
            if str(self.where.get("coding") or "").lower().endswith(".xlsx"):
                why = _A_NEW_SHEET.around(
                    "the text was pasted back from a copy that cannot hold them (a sheet saved "
                    "as Excel's 'CSV (Comma delimited)', an e-mail); restore the cells: copy "
                    "each turn's text from ", " (the marks stay as they are)")
            else:
                legacy = ("the sheet was saved in a legacy encoding (Excel's 'CSV (Comma "
                          "delimited)'), which cannot hold them; save it again as 'CSV UTF-8 "
                          "(Comma delimited)', or import the .xlsx workbook instead")
                why = Advice(legacy, legacy)  # the same to both readers
            self.problem("coding", 3, lossy[0], why.around(
                f"characters such as emoji became '?' in the text of {len(lossy)} turn(s) "
                f"({shown}): "))
        if garbled:
            row, said, holds = garbled[0]
            shown = listed((f"D{r}" for r, _, _ in garbled), 5, quote=False)
            self.problem("coding", 3, row, f"the text of {len(garbled)} turn(s) ({shown}) is "
                         f"UTF-8 read as Windows-1252: the cell says {_cell(said)} where the "
                         f"transcript reads {_cell(holds)}; the CSV was opened as ANSI (as "
                         "Excel opens a CSV without a byte-order mark) and saved, which "
                         "garbles emoji and accented letters: export a new CSV sheet (Excel "
                         "reads it as UTF-8) and copy the marks and notes of this one into "
                         "it, or code in the .xlsx workbook")
        self.named = {k[0] for k in seen}
        if not unplaced and not edited:  # an edited turn's row accounts for the turns it became
            self.missing(seen, renumbered=bool(self.matched))
        return out

    def absent_codes(self, present: list[str | None], col: int) -> None:
        """Report the codable codes without a column (``present``: those with one, and
        those an unknown column was said to be close to): without one, a code would count
        as read and not applied in every turn."""
        absent = [c for c in self.codebook.codable_ids if c not in present]
        if not absent:
            return
        self.problem("coding", col, 1, f"no column for code(s) {listed(absent)}: a code "
                     "without its column counts as read and not applied in every turn; if "
                     "the column was deleted, add it back (the code id as its header) with "
                     "its marks (undo the deletion); if the code was added to the codebook "
                     "after the sheet was exported, export a new sheet and copy this one's "
                     "marks into it, or import with the codebook it was exported from")

    def listed_twice(self, key: tuple[str, int], row: int, first: int, text: Any) -> None:
        """Report a second row of a turn: a row added to code a passage of the turn (its
        text cell holds part of the turn's words) is pointed to the quotes worksheet."""
        twice = f"turn {key[1]} of {key[0]!r} is listed twice (also row {first})"
        given = "" if _blank(text) else str(text).replace("\r\n", "\n").strip()
        turn = self.turns.loc[key]
        if given and given != cell_text(turn.text).strip() and _find_quote(
                self.corpus.text(key[0]), given, int(turn.start), int(turn.end)):
            self.problem("coding", 0, row, f"{twice}, and its text {_cell(given)} is only "
                         "part of the turn: a row of worksheet 'coding' codes the whole turn; "
                         "to code part of a turn, add a row to the quotes worksheet (doc_id, "
                         "segment_id, code, and the words as quote), then delete this row")
            return
        self.problem("coding", 0, row, f"{twice}; delete one of the rows")

    def covered(self) -> list[str]:
        """The interviews the sheet covers, in corpus order: those it records, and those its
        rows name."""
        covered = self.named | (self.documents or set())
        return [d for d in self.corpus.doc_ids if d in covered]

    def exact_rows(self, values) -> set[tuple[str, int]]:
        """The turns rows name whose text cell holds the turn's text (no other row may be
        matched to them by its text)."""
        out = set()
        for cells in values:
            doc, n = ("" if _missing(cells[0]) else str(cells[0]).strip()), _whole(cells[1])
            if (doc, n) in self.turns.index:
                given = "" if _missing(cells[3]) else str(cells[3]).replace("\r\n", "\n")
                if given == cell_text(self.turns.loc[(doc, n)].text):
                    out.add((doc, n))
        return out

    def turn_holding(self, doc: str, given: str, exact: set[tuple[str, int]]) -> int | None:
        """The one turn of ``doc`` whose text ``given`` is (leaving out turns other rows
        name with their text), or None when no turn or several are."""
        segs = self.turns.loc[doc]
        found = [int(n) for n, text in zip(segs.index, segs["text"], strict=True)
                 if (doc, int(n)) not in exact and cell_text(text) == given]
        return found[0] if len(found) == 1 else None

    def missing(self, seen: dict[tuple[str, int], int], *, renumbered: bool = False) -> None:
        """Report the turns whose rows were deleted: a sheet lists every turn of the roles
        it was exported for (taken from the rows it holds) in the interviews it covers (as
        it records them, and those its rows name), and a turn left out of a coder's codings
        would count as read and given no code. With ``renumbered`` (rows were found by their
        text), they are turns the transcript gained since the sheet was made."""
        seen = self.added(seen)
        if not seen:
            return
        segs = self.corpus.segments
        covered = {k[0] for k in seen} | (self.documents or set())
        segs = segs[segs["doc_id"].isin(covered)]
        keys = list(zip(segs["doc_id"], segs["segment_id"].astype(int), strict=True))
        role = dict(zip(keys, segs["role"], strict=True))
        roles_seen = {role[k] for k in seen}
        expected = [k for k in keys if role[k] in roles_seen]
        gone = [k for k in expected if k not in seen]
        whole = sorted(r for r in roles_seen if not any(role[k] == r for k in gone))
        count = Counter(role[k] for k in seen)
        few = {r for r in roles_seen if 4 * count[r] <= sum(role[k] == r for k in gone)}
        if whole and few == roles_seen - set(whole) and not renumbered:
            # a role with every turn listed, at most a fifth of the others': rows of another
            # role's turns were added (not most of that role's rows deleted)
            for k, row in seen.items():
                if role[k] in few:
                    self.problem("coding", 0, row, f"this row was added: the sheet does not "
                                 f"list turn {k[1]} of {k[0]!r} (the {role[k]}'s); it lists "
                                 f"the {' and '.join(whole)}'s turns only: delete the row")
            return
        if not gone:
            return
        # where the first missing row was: just below the listed turn before it
        before = [seen[k] for k in expected[:expected.index(gone[0])] if k in seen]
        row = before[-1] + 1 if before else 2
        shown = _turns_named(gone[:5]) + (f" and {len(gone) - 5} more" if len(gone) > 5
                                          else "")
        are, rows = ("turn is", "its row was") if len(gone) == 1 else ("turns are",
                                                                        "their rows were")
        if renumbered:
            self.problem("coding", 0, row, f"{len(gone)} {are} new since the sheet was made "
                         f"(the transcript's turns changed): {shown}; in no row, a turn "
                         "counts as read and given no code; export a new sheet and copy "
                         "this one's marks into it")
            return
        self.problem("coding", 0, row, _A_NEW_SHEET.around(
            f"{len(gone)} {are} not in the sheet: {shown}; {rows} deleted, and a turn missing "
            "from a coder's codings counts as read and given no code; restore the rows (undo "
            "the deletion, or copy them from ", "), leaving a turn with no code as a row "
            "without marks"))

    def added(self, seen: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
        """Report the rows of interviews the sheet does not cover (as it records them:
        added by the coder); ``seen`` without them."""
        if self.documents is None:
            return seen
        covers = listed([d for d in dict.fromkeys(self.corpus.segments["doc_id"])
                         if d in self.documents], 5)
        for (doc, _), row in seen.items():
            if doc not in self.documents:
                self.problem("coding", 0, row, f"this row was added: the sheet does not list "
                             f"interview {doc!r} (it covers {covers}): delete the row, or "
                             "code that interview in a sheet exported for it")
        return {k: row for k, row in seen.items() if k[0] in self.documents}

    def quotes(self, frame: pd.DataFrame) -> list[dict]:
        if frame.empty and not len(frame.columns):
            return []
        if not self.header(frame, "quotes", QUOTE_COLUMNS[:4]):
            return []
        frame = _note_column(frame)
        cols = list(frame.columns)
        note_col = cols.index("note") if "note" in cols else None
        out: list[dict] = []
        for i, cells in zip(frame.index, frame.to_numpy(dtype=object), strict=True):
            row = int(i) + 2
            if all(_blank(v) for v in cells):
                continue
            key = self.turn("quotes", row, cells[0], cells[1], cells[3])
            if key is None and _blank(cells[1]) and _blank(cells[3]):
                continue  # a comment row, reported
            given = "" if _missing(cells[2]) else str(cells[2]).strip()
            code = self.code_of(given)
            if not given:
                self.problem("quotes", 2, row, "code is empty: fill it in (a code id from the "
                             "codebook worksheet)")
                continue
            if code is None:
                if re.search(r"[,;/]", given):
                    self.problem("quotes", 2, row, f"{given!r} names several codes: give one "
                                 "code per row (add a row with the same quote for each code)")
                    continue
                ambiguous = self.ambiguous(given)
                if ambiguous:
                    self.problem("quotes", 2, row, f"the code is {ambiguous}")
                    continue
                hint = closest(given, self.rank) if given else None
                did = f" (did you mean {hint!r}?)" if hint else ""
                self.problem("quotes", 2, row, f"code {given!r} is a category, not a codable "
                             f"code: {category_fix(self.codebook, given)}"
                             if given in self.codebook else f"code {given!r} is not a code of "
                             f"the codebook{did}; use a code id from the codebook worksheet")
                continue
            if key is None:
                continue
            quote = "" if _missing(cells[3]) else _as_text(cells[3]).replace("\r\n", "\n")
            if not quote.strip():
                self.problem("quotes", 3, row, "the quote is empty: paste the words of the "
                             "turn to code")
                continue
            span = self.find(key, quote, row)
            if span is not None:
                self.off_informant(f"quotes!D{row}", key, self.turns.loc[key])
                note = (None if note_col is None or _blank(cells[note_col])
                        else _as_text(cells[note_col]))
                out.append(self.coding(key, *span, code, note, f"quotes!D{row}"))
        return out

    def off_informant(self, cell: str, key: tuple[str, int], turn) -> None:
        """Note a mark or quote (``cell``) on a turn that is not an informant's, in a
        document that has informants' turns (one without any is validate's concern)."""
        if key[0] in self.spoken and turn.role != "informant" and not _missing(turn.role) \
                and turn.role:
            self.off_turn.append((cell, key, str(turn.role), str(turn.speaker)))

    def find(self, key: tuple[str, int], quote: str, row: int) -> tuple[int, int] | None:
        quote = quote.strip()  # spaces pasted around it are not coded, as marks are not
        turn = self.turns.loc[key]
        text, lo, hi = self.corpus.text(key[0]), int(turn.start), int(turn.end)
        found = _find_quote(text, quote, lo, hi)
        bare = None if found else without_quote_marks(quote)
        if bare:  # pasted with the marks around it, which the turn does not hold
            found = _find_quote(text, bare, lo, hi)
        if len(found) == 1:
            return found[0]
        where = f"turn {key[1]} of {key[0]!r}"
        label, words = self.speaker_label(key[0], bare or quote)
        if not found and label:  # copied from the transcript file with its speaker label
            inside = _find_quote(text, words, lo, hi)
            elsewhere = None if inside else self.elsewhere(key, words)
            what = "speaker label" if label[:1].isalpha() else "timestamp and speaker label"
            self.problem("quotes", 3, row, f"the quote {_cell(quote)} starts with the {what} "
                         f"{label!r}, which is not part of the turn's words: drop the "
                         f"{what} {label!r} from the quote"
                         + ("" if inside else f"; {elsewhere}" if elsewhere else
                            ", and copy its words from the turn's text"))
        elif not found and (cut := _find_quote(text, bare or quote, lo, hi, whole=False)):
            self.problem("quotes", 3, row, f"the quote {_cell(quote)} "
                         f"{_cut_characters(text, *cut[0])} of {where}: a quote holds whole "
                         "characters as one sees them (an emoji with its skin tone or the "
                         "other people of a family, a letter with its accent); quote that "
                         "character whole")
        elif not found:
            elsewhere = self.elsewhere(key, bare or quote)
            self.problem("quotes", 3, row, f"the quote {_cell(quote)} is not in {where} (not "
                         "even ignoring case, spaces, invisible characters, typographic "
                         "quotes and quote marks around it); " + (
                             elsewhere or "copy the words from the turn's text, or fix "
                             "doc_id/segment_id"))
        else:
            self.problem("quotes", 3, row, f"the quote {_cell(quote)} is in {where} "
                         f"{len(found)} times; quote more words so that it is found once")
        return None

    def speaker_label(self, doc: str, quote: str) -> tuple[str | None, str]:
        """The speaker label a quote starts with (``'IBU: '``, ``'Pak Budi: '`` or
        ``'[00:02:45] KABAG: '``, as copied from the transcript file: a label of a speaker of
        ``doc``, ignoring case, after an optional timestamp as the transcript reader reads
        one) and the words after it; ``(None, quote)`` when it starts with none."""
        speakers = sorted({str(s) for s in self.turns.loc[doc]["speaker"] if not _blank(s)},
                          key=len, reverse=True)
        if not speakers:
            return None, quote
        label = "|".join(re.escape(s) for s in speakers)
        match = re.match(rf"\s*(?:{TIMESTAMP_PATTERN})?(?:{label})\s*:\s*", quote,
                         flags=re.IGNORECASE)
        if match is None or not quote[match.end():].strip():
            return None, quote
        return match.group(0).lstrip(), quote[match.end():]

    def elsewhere(self, key: tuple[str, int], quote: str) -> str | None:
        """Where in its document a quote not in the turn ``key`` is (found as
        :func:`_find_quote` finds it in a turn), as advice: in another turn (``found in turn
        4 of 'R1': fix segment_id to 4``), or across turns (``runs across turns 2-4 ...: give
        one row per turn``); None when the document does not hold it."""
        doc = key[0]
        text = self.corpus.text(doc)
        turns = self.turns.loc[doc]
        spans = [[int(n) for n, a, b in zip(turns.index, turns["start"], turns["end"],
                                            strict=True) if a < e and b > s]
                 for s, e in _find_quote(text, quote, 0, len(text))]
        spans = [t for t in spans if t]  # not only within speaker labels
        if not spans:
            return None
        if len(spans) == 1 and len(spans[0]) > 1:
            return (f"its words run across turns {spans[0][0]}-{spans[0][-1]} of {doc!r}: "
                    "give one row per turn, each with the words of its turn")
        if len(spans) == 1:
            return f"its words are found in turn {spans[0][0]} of {doc!r}: fix segment_id to " \
                   f"{spans[0][0]}"
        shown = listed((str(t[0]) if len(t) == 1 else f"{t[0]}-{t[-1]}" for t in spans), 5,
                       quote=False)
        return (f"its words are found in {len(spans)} places of {doc!r} (turns {shown}): fix "
                "segment_id to the turn meant, and quote more words if it holds them twice")

    def coding(self, key: tuple[str, int], start: int, end: int, code: str,
               note: str | None, cell: str) -> dict:
        return {"doc_id": key[0], "segment_id": key[1], "start": start, "end": end,
                "code": code, "coder": self.coder,
                "text": self.corpus.text(key[0])[start:end], "evidence": None, "note": note,
                WHOLE_TURN: None, "_rank": self.rank[code], "_cell": cell}


def _find_quote(text: str, quote: str, lo: int, hi: int, *,
                whole: bool = True) -> list[tuple[int, int]]:
    """The spans of ``quote`` in ``text[lo:hi]``: exactly, else loosely (ignoring case,
    spaces, typographic quotes), else so, both without invisible format characters
    (direction marks, soft hyphens, joiners; then zero-width spaces as well), which a coder
    cannot see to type; a span covers the original characters, invisible ones included.
    With ``whole=False`` also spans that cut a user-perceived character (to say so)."""
    def kept(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        # never part of a user-perceived character: 'cafe' is not in 'cafe' + U+0301
        return [(s, e) for s, e in spans if not whole
                or (grapheme_boundary(text, s) and grapheme_boundary(text, e))]

    found = kept(find_exact(text, quote, lo, hi)) or kept(find_loose(text, quote, lo, hi))
    for keep in ("\u200b", ""):  # a zero-width space first as the space it stands for
        if found:
            break
        visible, at = _visible(text[lo:hi], keep)
        if len(at) == hi - lo:
            continue  # nothing invisible in the turn
        words = _visible(quote, keep)[0]
        found = kept([(lo + at[a], lo + at[b - 1] + 1) for a, b in
                      find_exact(visible, words) or find_loose(visible, words)])
    return found


def _cut_characters(text: str, start: int, end: int) -> str:
    """How span ``start:end`` of ``text`` cuts user-perceived characters: ``starts inside
    the character '...' (U+...)``, ``ends inside ...``, or both."""
    cuts = []
    for word, p in (("starts", start), ("ends", end)):
        a, b = grapheme_around(text, p)
        if a < b:
            cuts.append(f"{word} inside the character {character_named(text[a:b])}")
    return " and ".join(cuts)


def _visible(text: str, keep: str = "") -> tuple[str, list[int]]:
    """``text`` without format characters (Unicode category Cf) other than those in
    ``keep``, and the offset in ``text`` of each character kept."""
    kept = [i for i, c in enumerate(text)
            if c in keep or unicodedata.category(c) != "Cf"]
    return "".join(text[i] for i in kept), kept


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
           "dec"]


def _converted_id(shown: str, ids: Sequence[str]) -> str | None:
    """The doc id of ``ids`` that a spreadsheet program would show as ``shown`` when it
    opens a CSV file: digits without their leading zeros (``001`` as ``1``), or two numbers
    read as a day and month (``3-4`` as ``04-Mar`` or ``Mar-04``); None when no one id
    is."""
    found: list[str] = []
    if shown.isdigit():
        found = [d for d in ids if d.isdigit() and d != shown and d.lstrip("0") == shown]
    else:
        day_month = re.fullmatch(r"(\d{1,2})[-/ ]([a-z]{3})|([a-z]{3})[-/ ](\d{1,2})",
                                 shown.casefold())
        if day_month and (day_month.group(2) or day_month.group(3)) in _MONTHS:
            number = int(day_month.group(1) or day_month.group(4))
            month = _MONTHS.index(day_month.group(2) or day_month.group(3)) + 1
            for d in ids:
                pair = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})", d)
                if pair and {(int(pair.group(1)), int(pair.group(2)))} & {(month, number),
                                                                           (number, month)}:
                    found.append(d)
    return found[0] if len(found) == 1 else None


def _turns_named(keys: list[tuple[str, int]]) -> str:
    """``turns 2, 3 of 'D1', turn 1 of 'D2'``: turns grouped by document, in order."""
    parts = []
    for doc in dict.fromkeys(d for d, _ in keys):
        ids = [str(n) for d, n in keys if d == doc]
        parts.append(f"turn{'s' if len(ids) > 1 else ''} {', '.join(ids)} of {doc!r}")
    return ", ".join(parts)


def _code_names(codebook: Codebook) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Codable codes by their case-folded id and labels (in every language), leaving out
    a name that two codes share; and for each name left out, what it is of each code
    (``the label of 'media'``, ``the id of 'apps'``)."""
    named: dict[str, dict[str, str]] = {}
    for code in codebook:
        if not code.codable:
            continue
        for what, name in (("id", code.id), *(("label", v) for v in code.label.values())):
            if isinstance(name, str) and name.strip():
                named.setdefault(" ".join(name.split()).casefold(), {}).setdefault(code.id,
                                                                                   what)
    unique = {name: next(iter(ids)) for name, ids in named.items() if len(ids) == 1}
    shared = {name: [f"the {what} of {cid!r}" for cid, what in ids.items()]
              for name, ids in named.items() if len(ids) > 1}
    return unique, shared


#: Characters a coder cannot see in a cell, as a message names them.
_INVISIBLE_NAMES = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab",
                    " ": "a space", "\u00a0": "a non-breaking space",
                    ZWSP: "a zero-width space", "\u200c": "a zero-width non-joiner",
                    "\u200d": "a zero-width joiner", "\u2060": "a word joiner",
                    "\ufeff": "a byte-order mark"}


def _invisible(c: str, edge: bool) -> bool:
    """Whether ``c`` does not show in a cell (a plain space only at the cell's edge)."""
    if c == " ":
        return edge
    return c in _INVISIBLE_NAMES or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def _readable(text: str) -> str:
    r"""``text`` for a message a coder reads: its visible runs quoted, each invisible
    character named in words (``'x' followed by a zero-width space``), never a Python
    escape such as ``\u200b``.

    >>> _readable("x\u200b"), _readable("ada.\nLalu")
    ("'x' followed by a zero-width space", "'ada.', then a line break, then 'Lalu'")
    """
    if not text:
        return "''"
    core = text.strip(" ")
    lead = len(text) - len(text.lstrip(" "))
    parts: list[str] = []
    run = ""
    for i, c in enumerate(text):
        joins = (c == "\u200d" and 0 < i < len(text) - 1  # inside an emoji: shown as is
                 and min(ord(text[i - 1]), ord(text[i + 1])) > 0x2000)
        if joins or not _invisible(c, edge=i < lead or i >= lead + len(core)):
            run += c
            continue
        if run:
            parts.append(f"'{run}'")
            run = ""
        name = _INVISIBLE_NAMES.get(c, f"the invisible character U+{ord(c):04X}")
        parts.append(name)
    if run:
        parts.append(f"'{run}'")
    if len(parts) == 2 and parts[0].startswith("'") and not parts[1].startswith("'"):
        return f"{parts[0]} followed by {parts[1]}"
    return ", then ".join(parts)


def _cell(text: Any) -> str:
    """A cell's text for a message: its middle elided when long, as :func:`_readable`
    shows it."""
    return _readable(elided(str(text)))


def _shown(v: Any) -> str:
    """A cell's value for a message: empty, text as typed (:func:`_readable`), a date or
    number as shown."""
    if _blank(v):
        return "(an empty cell)"
    if isinstance(v, str):
        return _readable(v)
    return f"{v} ({type(v).__name__.replace('datetime', 'a date')})" \
        if hasattr(v, "isoformat") else repr(v)


def _as_text(v: Any) -> str:
    """A cell's value as text: as its number format shows it, when that is known
    (:func:`_as_shown`: ``50%``, ``05/03/2024``); else a date or time (what a spreadsheet
    makes of a note typed as ``05/03/2024`` in the system's date format) in ISO form, a
    date without its midnight time; a boolean as ``TRUE``/``FALSE``; anything else as
    ``str``."""
    if hasattr(v, "shown"):  # a number or date as its cell's number format shows it
        return v.shown
    if isinstance(v, bool | np.bool_):  # as a spreadsheet shows a boolean
        return "TRUE" if v else "FALSE"
    if isinstance(v, datetime.datetime) and v.time() == datetime.time(0):
        return v.date().isoformat()
    if isinstance(v, datetime.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, datetime.date | datetime.time):
        return v.isoformat()
    return str(v)


def _whole(v: Any) -> int | None:
    """A whole number from a cell (int, integral float, digits, ``2.0``), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        text = v.strip()
        if text.isdigit():
            return int(text)
        if re.fullmatch(r"\d+\.0*", text):
            return int(text.split(".")[0])
    return None


def _mark(v: Any) -> bool | None:
    """True for a mark, False for an empty cell (or an unticked checkbox), None for
    anything else."""
    if _blank(v):
        return False
    if isinstance(v, bool):  # a Google Sheets or Excel checkbox
        return v
    if isinstance(v, int | float | np.integer | np.floating):
        return True if v == 1 else False if v == 0 else None
    text = str(v).strip().lower()
    if text in NO_MARKS:
        return False
    return True if text in MARKS else None
