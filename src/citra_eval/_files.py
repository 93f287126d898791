"""Files in and out, the same careful way everywhere.

Reading: UTF-8 only (a byte-order mark is accepted and dropped); CRLF and lone CR become LF, so
offsets are always code points into the LF-normalised text. Empty, binary and non-UTF-8 files
are reported with the line of the first bad byte.

Writing is atomic: writers create a temporary file next to the target and rename it into place
only when everything succeeded, so a failure leaves the previous file (or no file) behind.

Spreadsheet cells are neutralised (OWASP's rule against formula injection): every CSV and
XLSX the package writes goes through :func:`neutralise_cell` / :func:`neutralise_workbook`,
and :func:`csv_rows` undoes the CSV prefix on reading, so tables round-trip.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import itertools
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import InputError, Problem, collect

# --------------------------------------------------------------------------- reading

BOM = "\ufeff"


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF and drop a leading byte-order mark."""
    if text.startswith(BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_SIGNATURES = (  # (leading bytes, what the file is)
    (b"\xff\xfe\x00\x00", "UTF-32 text"), (b"\x00\x00\xfe\xff", "UTF-32 text"),
    (b"\xff\xfe", "UTF-16 text"), (b"\xfe\xff", "UTF-16 text"),
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx, Word .docx or other zip file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.xls or .doc)"),
    (b"%PDF", "a PDF document"),
)


def _binary_kind(data: bytes) -> str | None:
    """What a file that is not UTF-8 text is, from its first bytes (None: unknown)."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    if len(head) >= 8:  # UTF-16 without byte-order mark: every other byte is NUL
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) > 0.4 * len(head) / 2 and min(even, odd) < 0.05 * len(head) / 2:
            return "UTF-16 text"
    return None


def check_text_bytes(data: bytes, path: str | os.PathLike | None = None, *,
                     allow_empty: bool = False) -> None:
    """Raise :class:`InputError` unless ``data`` is non-empty UTF-8 text: an empty file, a
    known binary or other encoding (UTF-16/32, .xlsx/.docx, old Office, PDF) named as such,
    NUL bytes, or invalid UTF-8 with the line of the first bad byte. Checks in chunks,
    without building the decoded text."""
    spath = None if path is None else os.fspath(path)
    if not allow_empty and not data[:1 << 16].strip(b" \t\r\n\xef\xbb\xbf") and not (
            data.strip(b" \t\r\n\xef\xbb\xbf")):
        raise InputError("the file is empty; write content into it or remove it", path=spath)
    kind = _binary_kind(data)
    if kind is not None:
        how = ("re-save it as UTF-8 (in your editor: Save with encoding > UTF-8)"
               if kind.endswith("text") else
               "save or export it as UTF-8 text (a table: as CSV UTF-8)")
        raise InputError(f"this is {kind}, not UTF-8 text; {how}", path=spath, line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(
            "this is a binary file, not UTF-8 text (it contains NUL bytes); "
            "save it as plain UTF-8 text", path=spath, line=line)
    step, pos = 1 << 22, 0
    while pos < len(data):
        end = min(pos + step, len(data))
        while end < len(data) and end > pos and data[end] & 0xC0 == 0x80:
            end -= 1  # never cut a character: chunks start on a character's first byte
        try:
            data[pos:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
            line = data.count(b"\n", 0, bad) + 1
            raise InputError(
                f"not valid UTF-8 (byte 0x{data[bad]:02x} at byte offset {bad}); "
                "re-save the file as UTF-8 (e.g. in your editor: Save with encoding > UTF-8)",
                path=spath, line=line) from None
        pos = end if end > pos else pos + step


def windows_1252_hint(data: bytes, error: UnicodeDecodeError) -> str:
    """``"0xe9 is 'é'"``: the byte at which ``data`` is no UTF-8 (``error``, raised decoding
    ``data``) as Windows-1252 reads it, when all of ``data`` reads as Windows-1252 (as Excel
    saves 'CSV (Comma delimited)' and older Windows editors save text); else ``""``."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return ""  # undefined in Windows-1252 too: some other encoding
    byte = data[error.start]
    return f"0x{byte:02x} is {bytes([byte]).decode('cp1252')!r}"


def decode_utf8(data: bytes, path: str | os.PathLike | None = None, *,
                allow_empty: bool = False, normalise: bool = True) -> str:
    """Decode ``data`` as UTF-8 with clear errors for empty, binary or mis-encoded input
    (see :func:`check_text_bytes`); line ends normalised and byte-order mark dropped unless
    ``normalise`` is false (then the text is exactly the file's)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if (text is None or "\x00" in text or _binary_kind(data) is not None
            or (not allow_empty and not text.strip(" \t\r\n\ufeff"))):
        check_text_bytes(data, path, allow_empty=allow_empty)
    return normalise_newlines(text or "") if normalise else text or ""


#: Largest CSV cell read (the csv module's default of 128 KiB refuses long turns that
#: the package itself writes, e.g. the ``text`` of a coding spanning a long answer).
MAX_CSV_CELL = 64 << 20

#: How much of a file's start :func:`read_csv_records` looks at to find its separator.
_SNIFF_BYTES = 1 << 20
#: Most columns of a table read by :func:`read_csv_records` (a codings table has a dozen;
#: pandas handles each column of each chunk on its own, about a millisecond apiece).
MAX_CSV_COLUMNS = 1000


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def csv_rows(text: str, path: str | os.PathLike | None = None, *,
             delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """Parse CSV ``text`` into ``(line, cells)`` pairs, ``line`` being the 1-based line on
    which the row starts (a quoted cell may span lines, so this is not the row index + 1).
    Unparseable CSV raises :class:`InputError` with the line. Cells neutralised by
    :func:`neutralise_cell` get their text back (:func:`restore_cell`)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out = []
    start = 1
    try:
        with _csv_field_limit(MAX_CSV_CELL):
            for row in reader:
                out.append((start, [restore_cell(c) if c[:1] == "'" else c for c in row]))
                start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"not a valid CSV file: {exc}; check the quotes",
                         path=None if path is None else os.fspath(path),
                         line=reader.line_num) from None
    if out and out[-1][1] and "\n" in out[-1][1][-1]:  # the last cell ran over lines
        unclosed = _unclosed_quote(text, out[-1][0], len(out[-1][1]), out[0][1])
        if unclosed:
            raise InputError(unclosed, path=None if path is None else os.fspath(path),
                             line=out[-1][0])
    return out


def header_below(rows: Iterable[tuple[int, Iterable[object]]], name: str, *,
                 within: int = 5) -> int | None:
    """The number of the row that holds the header when it is not the first row (a title
    typed above it, as spreadsheets often have): the first of the next ``within`` rows
    (``(number, cells)``) with a cell ``name``; None when the first row has one, or none
    of those does."""
    for k, (number, cells) in enumerate(rows):
        if any(isinstance(c, str) and c.strip() == name for c in cells):
            return None if k == 0 else number
        if k == within:
            break
    return None


def duplicate_columns(header: Iterable[str]) -> str | None:
    """The message for a CSV header that names a column twice (names compared without
    surrounding spaces; unnamed columns are not compared), else None."""
    from collections import Counter

    counts = Counter(h.strip() for h in header)
    dup = sorted(h for h, n in counts.items() if n > 1 and h)
    return f"duplicate column(s) {', '.join(dup)}; keep one of each" if dup else None


def check_columns_unique(header: Iterable[str], path: str | os.PathLike | None,
                         line: int = 1) -> None:
    """Raise :class:`InputError` when ``header`` names a column twice (readers pick one
    of the two silently or crash)."""
    message = duplicate_columns(header)
    if message:
        raise InputError(message, path=None if path is None else os.fspath(path), line=line)


def excel_separator_hint(text: str) -> str | None:
    """The separator a first line ``sep=;`` declares (Excel writes and reads this hint),
    else None."""
    m = re.match(r'"?sep=(.)"?[ \t]*\r?(?:\n|$)', text)
    return m.group(1) if m else None


def csv_delimiter(text: str) -> str:
    """The separator of a CSV file: the one a first line ``sep=X`` declares; else, of comma,
    semicolon (what Excel writes in locales with a decimal comma, Indonesian among them) and
    tab (a "Text (Tab delimited)" export), the one that splits the header into the most
    cells while the next line has as many (so a semicolon file whose header holds a comma
    in a quoted-less name is still read by its semicolons; records, not lines, so a
    quoted cell holding line breaks is one cell); else ``,``."""
    hint = excel_separator_hint(text)
    if hint is not None:
        return hint
    lines = [line for line in text.split("\n", 3)[:3] if line.strip()]
    if lines and lines[0].lstrip('"').startswith("sep="):  # a malformed hint: not data
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines = lines[1:]
    best, cells = ",", 1
    for sep in (",", ";", "\t"):
        try:  # the first two records, a quoted cell spanning lines kept whole
            with _csv_field_limit(MAX_CSV_CELL):
                records = csv.reader(io.StringIO(text), delimiter=sep)
                counts = [len(row) for row in itertools.islice(
                    (row for row in records if any(c.strip() for c in row)), 2)]
        except csv.Error:  # e.g. an unclosed quote: csv_rows will name the line
            continue
        if counts and counts[0] > cells and (len(counts) == 1 or counts[1] == counts[0]):
            best, cells = sep, counts[0]
    if cells == 1:  # no separator splits consistently: the old rule, by the header alone
        first = lines[0] if lines else ""
        return next((sep for sep in (",", ";", "\t") if sep in first), ",")
    return best


#: The plural names of CSV separators, for messages ("quote cells that contain semicolons").
_SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def separator_name(delimiter: str) -> str:
    """What cells holding ``delimiter`` hold, for messages: ``commas``, ``semicolons``,
    ``tabs`` (else the character quoted)."""
    return _SEPARATOR_NAMES.get(delimiter, f"{delimiter!r} characters")


#: Whole numbers, as pandas writes its row index.
_INDEX_CELL = re.compile(r"\s*-?[0-9]+\s*")


def is_pandas_index(name: str, cells: Iterable[object]) -> bool:
    """Whether a CSV column named ``name`` holding ``cells`` is pandas' row index, which
    ``df.to_csv(path)`` writes without ``index=False``: no name (or pandas' ``Unnamed:
    0``) and a whole number in every cell (at least one)."""
    if name.strip() not in ("", "Unnamed: 0"):
        return False
    seen = False
    for cell in cells:
        if not (isinstance(cell, str) and _INDEX_CELL.fullmatch(cell)):
            return False
        seen = True
    return seen


def delimited_rows(text: str, path: str | os.PathLike | None = None
                   ) -> list[tuple[int, list[str]]]:
    """:func:`csv_rows` of ``text`` separated by its :func:`csv_delimiter` (comma, or the
    semicolon Excel writes in Indonesian even as 'CSV UTF-8 (Comma delimited)', or tab),
    without Excel's ``sep=X`` first line (the rows keep their file lines)."""
    rows = csv_rows(text, path, delimiter=csv_delimiter(text))
    return rows[1:] if excel_separator_hint(text) is not None else rows


def read_csv_table(path: str | os.PathLike, *, columns: list[str], required: list[str],
                   what: str, keep_lines: bool = False):
    """A small CSV table written by the package (``memos.csv``, ``users.csv``) as a
    DataFrame of strings with exactly ``columns`` (missing ones empty, others dropped);
    empty cells are missing values (NaN). With ``keep_lines``, a last column ``_line``
    holds the file line each row starts on.

    Raises :class:`InputError` when the file is missing, not CSV, names a column twice,
    lacks a ``required`` column or has a row longer than its header.
    """
    import pandas as pd

    spath = os.fspath(path)
    rows = csv_rows(read_text_file(spath, allow_empty=True), spath)
    header = rows[0][1] if rows else []
    check_columns_unique(header, spath)
    lacking = [c for c in required if c not in header]
    if lacking:
        raise InputError(f"{what} needs the column(s) {', '.join(lacking)}; found "
                         f"{', '.join(header) or 'nothing'}", path=spath, line=1)
    records = []
    rows = [rows[0], *((line, cells) for line, cells in rows[1:]
                       if any(c.strip() for c in cells))] if rows else []  # no blank rows
    for line, cells in rows[1:]:
        if len(cells) > len(header):
            raise InputError(f"this row has {len(cells)} cells, the header {len(header)}",
                             path=spath, line=line)
        records.append(dict(zip(header, cells, strict=False)))
    frame = pd.DataFrame(records, columns=header).replace("", None).reindex(columns=columns)
    if keep_lines:
        frame["_line"] = [line for line, _ in rows[1:]]
    return frame


def broken_link(path: str | os.PathLike, what: str = "file") -> str | None:
    """Why ``path``, a symbolic link, leads to no ``what`` (its target is gone, unreachable,
    or the links loop), as an error message; None when it is no link or leads somewhere."""
    try:
        os.stat(path)
        return None
    except (OSError, ValueError) as exc:
        if not isinstance(exc, OSError) or not os.path.islink(path):
            return None
        error = exc
    if error.errno == errno.ELOOP:
        return (f"cannot be read: it is a link that leads back to itself (a loop of links); "
                f"replace the link with the {what}")
    target = os.path.realpath(path)
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        why = "does not exist (moved or deleted, or on a drive that is not connected)"
    else:
        why = f"cannot be reached ({error.strerror or error})"
    return (f"cannot be read: it is a link to {target}, which {why}; put the {what} back "
            f"there, or replace the link with the {what}")


def is_input_file(path: str | os.PathLike, shown: str | None = None) -> bool:
    """Whether ``path`` is a regular file (a link to one counts): False when nothing or a
    folder is there. Anything else (a device such as ``/dev/zero``, a named pipe, a socket,
    or a link to one; a link leading nowhere, :func:`broken_link`) raises
    :class:`InputError` naming ``shown`` (default ``path``): reading it would never end or
    never start, and calling it missing, or leaving it out, would mislead."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        why = broken_link(path)
        if why is not None:
            raise InputError(why, path=shown or os.fspath(path)) from None
        return False
    if stat.S_ISREG(mode):
        return True
    if stat.S_ISDIR(mode):
        return False
    real = os.path.realpath(path)
    via = f"; it is a link to {real}" if real != os.path.abspath(path) else ""
    raise InputError(f"not a regular file (a device, FIFO or link to one{via}); replace it "
                     "with the file", path=shown or os.fspath(path))


def read_file_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of ``path``; a missing file, a folder, a special file (:func:`is_input_file`)
    or no permission is an :class:`InputError`."""
    try:
        if os.path.lexists(path):  # a link leading nowhere is named as one
            is_input_file(path)
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found; check the path", path=os.fspath(path)) from None
    except IsADirectoryError:
        raise InputError("expected a file but this is a directory", path=os.fspath(path)) from None
    except PermissionError:
        raise InputError("permission denied; make the file readable",
                         path=os.fspath(path)) from None


@dataclass
class CsvTable:
    """A CSV file read by :func:`read_csv_records`.

    ``frame`` holds one row per record after the header (blank records dropped), its cells
    as text (or the dtypes asked for), plus ``_line``: the file line each record starts on.
    ``bad_rows`` lists ``(line, number of fields)`` of records whose field count differs from
    the header's (``frame`` is then empty).
    """
    header: list[str]
    frame: object
    bad_rows: list[tuple[int, int]]
    #: The separator the file was read with (``","``, or the one found, e.g. ``";"``).
    delimiter: str = ","


def read_csv_records(path: str | os.PathLike, *, dtypes: dict | None = None,
                   convert=None, chunksize: int = 1 << 18,
                   delimiter: str | None = ",") -> CsvTable:
    """Read a large UTF-8 CSV file fast and in bounded memory (pandas' C parser in chunks).

    The file is checked as for :func:`check_text_bytes` (without building its text), line
    ends are normalised and the byte-order mark dropped. Line numbers of records are found
    with vectorised scans (a quoted cell may span lines); files with quotes inside unquoted
    cells, on which those scans could be wrong, take the exact route of the ``csv`` module.
    ``dtypes`` maps columns to ``category`` (repetitive text, stored once); the other
    columns are read as text. ``convert``, if given, is applied to each chunk (a DataFrame
    with the header's column names) as it is read, so e.g. numbers are parsed before the
    next chunk's text is built. Cells neutralised by :func:`neutralise_cell` get their text
    back (before ``convert`` sees them). A header of more than :data:`MAX_CSV_COLUMNS`
    columns, or naming one twice, and a cell longer than :data:`MAX_CSV_CELL` are refused.
    ``delimiter`` None: the file's own separator, found by :func:`csv_delimiter` (the
    semicolon Excel writes in Indonesian, or Excel's ``sep=X`` first line, which is then
    skipped; the records keep their file lines); the table's ``delimiter`` says which.
    """
    import numpy as np
    import pandas as pd

    spath = os.fspath(path)
    data = read_file_bytes(path)
    check_text_bytes(data, spath)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    skipped = 0  # lines before the header that are no record (Excel's "sep=X")
    if delimiter is None:
        head = data[:_SNIFF_BYTES].decode("utf-8", errors="replace")
        delimiter = csv_delimiter(head)
        if excel_separator_hint(head) is not None:
            cut = data.find(b"\n")
            data, skipped = (data[cut + 1:] if cut >= 0 else b""), 1
    if len(delimiter.encode()) != 1 or delimiter in "\"\n":
        raise InputError(f"the separator {delimiter!r} (the first line 'sep={delimiter}') cannot "
                         "be read; save the file with commas or semicolons", path=spath, line=1)
    sep = delimiter.encode()
    header = _first_record(data, spath, delimiter, skipped)
    if len(header) > MAX_CSV_COLUMNS:
        raise InputError(f"the header has {len(header):,} columns, more than "
                         f"{MAX_CSV_COLUMNS:,}; delete the columns you do not need",
                         path=spath, line=1)
    check_columns_unique(header, spath)
    width = len(header)
    starts, counts = _record_lines(data, width, sep)
    if starts is None:
        starts, counts = _record_lines_csv(data, spath, delimiter, skipped)
    starts = starts + skipped
    # counts: 0 for an empty line (pandas skips those), -1 for a blank one (only spaces
    # and commas: kept by pandas, dropped below)
    bad = np.flatnonzero((counts != width) & (counts > 0))
    if len(bad):
        unclosed = _unclosed_quote(data, int(starts[-1]), int(counts[-1]), header)
        if bad[-1] == len(counts) - 1 and unclosed:
            raise InputError(unclosed, path=spath, line=int(starts[-1]))
        return CsvTable(header, pd.DataFrame(), [(int(starts[i]), int(counts[i])) for i in bad],
                        delimiter)
    keep = counts[1:] != 0
    lines, blank = starts[1:][keep], counts[1:][keep] == -1
    restore = b"'" in data and any(_cell_start(data, m.start(), sep)
                                   for m in _QUOTED_CELL_RE.finditer(data))
    done = 0
    long_cells = len(data) > MAX_CSV_CELL  # else no cell can be too long

    def prepare(chunk):
        nonlocal done
        chunk.columns = header
        if restore:
            for col in header:
                chunk[col] = _restore_series(chunk[col])
        rows = slice(done, done + len(chunk))
        done += len(chunk)
        # joined, not inserted: inserting into a frame of many columns warns (fragmented)
        chunk = pd.concat([chunk, pd.Series(lines[rows], index=chunk.index, name="_line")],
                          axis=1)
        if long_cells:
            _check_cell_lengths(chunk, header, spath)
        drop = blank[rows] | _blank_rows(chunk, header)
        if drop.any():
            chunk = chunk[~drop]
        return chunk if convert is None else convert(chunk)

    joiner = _parse_records(data, header, dtypes or {}, chunksize, spath, prepare,
                            len(lines), delimiter)
    del data
    if not joiner.columns:  # no records
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [*header, "_line"]})
    else:
        frame = joiner.frame()
    if done != len(lines):  # pragma: no cover - the parsers disagree
        raise InputError("the CSV file cannot be read consistently; check its quotes",
                         path=spath)
    return CsvTable(header, frame, [], delimiter)


def _unclosed_quote(data: bytes | str, line: int, fields: int, header: list[str]) -> str | None:
    """The message for a quote opened in the last record of a CSV file (starting on
    ``line``, read as ``fields`` fields) and never closed, which swallows every line after
    it; None when the file's quotes pair up (then a wrong field count is another fault)."""
    quote = b'"' if isinstance(data, bytes) else '"'
    if data.count(quote) % 2 == 0:  # type: ignore[arg-type]
        return None
    end = data.count(b"\n" if isinstance(data, bytes) else "\n")  # type: ignore[arg-type]
    end += not (data.endswith(b"\n") if isinstance(data, bytes) else data.endswith("\n"))
    column = header[fields - 1] if 0 < fields <= len(header) else str(fields)
    return (f"a quote opened on line {line} (column {column}) is never closed (it runs to the "
            f"end of the file, line {end}); close it")


def _check_cell_lengths(chunk, header: list[str], path: str) -> None:
    """Refuse a cell longer than :data:`MAX_CSV_CELL` as the ``csv`` module does (pandas'
    parser has no such limit)."""
    import numpy as np
    import pandas as pd

    for i in range(len(header)):
        column = chunk.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            if column.cat.categories.str.len().max() <= MAX_CSV_CELL:
                continue
            column = column.astype(object)
        if column.dtype == object:
            long = np.flatnonzero(column.str.len().to_numpy(na_value=0) > MAX_CSV_CELL)
            if len(long):
                raise InputError(f"not a valid CSV file: field larger than field limit "
                                 f"({MAX_CSV_CELL}); check the quotes", path=path,
                                 line=int(chunk["_line"].iloc[long[0]]))


# a cell that :func:`neutralise_cell` changed starts with apostrophes and a trigger
_QUOTED_CELL_RE = re.compile(rb"'[=+\-@\t\r]")


def _cell_start(data: bytes, pos: int, sep: bytes = b",") -> bool:
    """Whether the run of apostrophes ending at ``pos`` starts a CSV cell (cells separated
    by ``sep``)."""
    while pos > 0 and data[pos - 1] == 39:
        pos -= 1
    return pos == 0 or data[pos - 1] in b'\n"' + sep


def _record_lines(data: bytes, width: int, sep: bytes = b","):
    """``(start line of each record, its number of fields)`` by vectorised scans (fields
    separated by ``sep``), or
    ``(None, None)`` when a quote stands inside an unquoted cell (the scans assume every
    quote opens or closes a cell, or is doubled inside one). Empty lines count 0 fields,
    blank records (spaces and commas) -1. Memory: a few arrays the size of the number of
    records and quotes, and one byte mask of the file at a time."""
    import numpy as np

    arr = np.frombuffer(data, dtype=np.uint8)
    n = len(arr)
    quotes = np.flatnonzero(arr == 34)
    if len(quotes):
        prev = arr[np.maximum(quotes - 1, 0)].copy()
        prev[quotes == 0] = 10
        nxt = arr[np.minimum(quotes + 1, n - 1)].copy()
        nxt[quotes == n - 1] = 10
        edge = (np.isin(prev, (sep[0], 10)) | np.isin(nxt, (sep[0], 10)) | (prev == 34)
                | (nxt == 34))
        if not edge.all() or len(quotes) % 2:
            return None, None
    newlines = np.flatnonzero(arr == 10)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0] if len(quotes) else newlines
    if n and arr[-1] != 10:
        ends = np.append(ends, n)  # the last record has no line end
    if not len(ends):
        return np.ones(1, dtype=np.int64), np.ones(1, dtype=np.int64)
    begins = np.concatenate(([0], ends[:-1] + 1))
    starts = np.searchsorted(newlines, begins) + 1
    del newlines
    counts = np.ones(len(ends), dtype=np.int64)
    block = 1 << 24
    for lo in range(0, n, block):  # block by block: comma positions of a whole file are big
        commas = np.flatnonzero(arr[lo:lo + block] == sep[0]) + lo
        if len(quotes):  # commas inside quoted cells do not separate fields
            commas = commas[np.searchsorted(quotes, commas) % 2 == 0]
        counts += np.bincount(np.searchsorted(ends, commas), minlength=len(ends))[:len(ends)]
    counts[ends == begins] = 0
    for i in np.flatnonzero((counts != width) & (counts > 0)):
        record = data[begins[i]:ends[i]]
        if not record.strip(b" \t"):
            counts[i] = 0  # white space only: pandas skips it like an empty line
        elif not record.strip(b" \t" + sep):
            counts[i] = -1
    return starts.astype(np.int64), counts


def _record_lines_csv(data: bytes, path: str, delimiter: str = ",", skipped: int = 0):
    """The exact (slower) route of :func:`_record_lines`: the ``csv`` module, streaming
    (``skipped``: lines cut from the file before ``data``, for the error's line)."""
    from array import array

    import numpy as np

    starts, counts = array("q"), array("q")
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""),
                        delimiter=delimiter)
    start = 1
    try:
        with _csv_field_limit(MAX_CSV_CELL):
            for row in reader:
                starts.append(start)
                blank = not "".join(row).strip(" \t")
                counts.append(0 if blank and len(row) <= 1 else -1 if blank else len(row))
                start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"not a valid CSV file: {exc}; check the quotes", path=path,
                         line=reader.line_num + skipped) from None
    return np.frombuffer(starts, dtype=np.int64), np.frombuffer(counts, dtype=np.int64)


def _first_record(data: bytes, path: str, delimiter: str = ",", skipped: int = 0
                  ) -> list[str]:
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""),
                        delimiter=delimiter)
    try:
        with _csv_field_limit(MAX_CSV_CELL):
            return [restore_cell(c) if c[:1] == "'" else c for c in next(reader, [])]
    except csv.Error as exc:
        raise InputError(f"not a valid CSV file: {exc}; check the quotes", path=path,
                         line=1 + skipped) from None


def _parse_records(data: bytes, header: list[str], dtypes: dict, chunksize: int, path: str,
                   prepare, rows: int, delimiter: str = ","):
    import pandas as pd

    # every column is read as text: pandas infers the categories of a "category" column
    # (0012 and 0008 would become the numbers 12 and 8), so those are made categorical after
    categorical = [i for i, c in enumerate(header) if dtypes.get(c) == "category"]
    kinds = {i: dtypes.get(c, object) for i, c in enumerate(header) if i not in categorical}
    kinds.update(dict.fromkeys(categorical, object))
    joiner = ChunkJoiner(rows)
    try:
        chunks = pd.read_csv(io.BytesIO(data), sep=delimiter, dtype=kinds, header=0,
                             names=list(range(len(header))), keep_default_na=False,
                             na_filter=False, chunksize=chunksize, engine="c",
                             encoding="utf-8")
        with _csv_field_limit(MAX_CSV_CELL):
            for chunk in chunks:
                for i in categorical:
                    chunk[i] = chunk[i].astype("category")
                joiner.add(prepare(chunk))
    except pd.errors.ParserError as exc:
        raise InputError(f"not a valid CSV file: {exc}; check the quotes", path=path) from None
    return joiner


class ChunkJoiner:
    """Join DataFrame chunks into one without holding the chunks and the result at once:
    numeric and text columns are copied into arrays sized for ``capacity`` rows as chunks
    arrive; categorical columns keep their small codes and are united at the end."""

    def __init__(self, capacity: int) -> None:
        self.capacity, self.rows = capacity, 0
        self.columns: list = []
        self.arrays: dict = {}
        self.pieces: dict = {}

    def add(self, chunk) -> None:
        import numpy as np
        import pandas as pd

        if not self.columns:
            self.columns = list(chunk.columns)
        n = len(chunk)
        for i, c in enumerate(self.columns):
            s = chunk.iloc[:, i]
            if c in self.pieces or isinstance(s.dtype, pd.CategoricalDtype):
                self.pieces.setdefault(c, []).append(s)
                continue
            arr = self.arrays.get(c)
            values = s.to_numpy()
            if arr is None:
                arr = self.arrays[c] = np.empty(max(self.capacity, n), dtype=values.dtype)
            elif arr.dtype != values.dtype or self.rows + n > len(arr):
                # a chunk of another dtype (or more rows than announced): join as pieces
                self.pieces[c] = [pd.Series(arr[:self.rows]), s]
                del self.arrays[c]
                continue
            arr[self.rows:self.rows + n] = values
        self.rows += n

    def frame(self):
        import pandas as pd
        from pandas.api.types import union_categoricals

        out = {}
        for c in self.columns:
            if c in self.arrays:
                out[c] = self.arrays.pop(c)[:self.rows]
            else:
                pieces = self.pieces.pop(c)
                if all(isinstance(x.dtype, pd.CategoricalDtype) for x in pieces):
                    out[c] = pd.Series(union_categoricals(pieces))
                else:
                    out[c] = pd.concat(pieces, ignore_index=True)
        return pd.DataFrame(out, columns=self.columns)


def _blank_rows(frame, header: list[str]):
    """Rows whose every cell is empty or white space (cheap: only rows whose first cell is
    blank are looked at closely)."""
    import numpy as np
    import pandas as pd

    first = frame[header[0]]
    if isinstance(first.dtype, pd.CategoricalDtype):
        cats = [not str(c).strip() for c in first.cat.categories]
        cand = np.asarray([*cats, False], dtype=bool)[first.cat.codes.to_numpy()]
    elif first.dtype == object:
        cand = (first == "").to_numpy() | first.str.isspace().fillna(False).to_numpy(dtype=bool)
    else:
        return np.zeros(len(frame), dtype=bool)
    for col in header[1:]:
        if not cand.any():
            break
        idx = np.flatnonzero(cand)
        cells = frame[col].iloc[idx]
        cand[idx] = [isinstance(v, str) and not v.strip() for v in cells]
    return cand


def _restore_series(s):
    """:func:`restore_cell` over a column (categories are restored once each)."""
    import pandas as pd

    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        if cats.dtype == object or pd.api.types.is_string_dtype(cats):
            new = [restore_cell(c) if isinstance(c, str) and c[:1] == "'" else c for c in cats]
            if new != list(cats):
                if len(set(new)) == len(new):
                    return s.cat.rename_categories(new)
                s = s.astype(object)  # two cells that differ only by the added quote
            else:
                return s
        else:
            return s
    if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
        return s
    hit = s.str.match(_RESTORE_RE)
    hit = hit.where(hit.notna(), False).astype(bool)
    if not hit.any():
        return s
    out = s.copy()
    out[hit] = s[hit].str[1:]
    return out


_RESTORE_RE = re.compile(r"'+[=+\-@\t\r]")


# --------------------------------------------------------------------------- spreadsheet cells
# OWASP CSV injection: a cell starting with = + - @ tab or CR is a formula to a spreadsheet.
# Such text cells are written with a leading apostrophe. To tell the apostrophe we add from
# one that is really there, we also add one to text that already is apostrophes followed by a
# trigger ("'=x" is written "''=x"), and readers remove exactly one apostrophe from cells of
# that shape: writing then reading gives the text back, whatever it was. Numbers ("-1.5",
# "-inf", "+3e-5") are left alone, so they stay numbers.

_RISKY_RE = re.compile(r"'*[=+\-@\t\r]")
_NUMBER_RE = re.compile(r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)",
                        re.IGNORECASE)


def is_risky_cell(value: object) -> bool:
    """Whether a spreadsheet would take text ``value`` for a formula (OWASP's rule)."""
    return (isinstance(value, str) and _RISKY_RE.match(value) is not None
            and _NUMBER_RE.fullmatch(value) is None and not value.startswith("'"))


def neutralise_cell(value):
    """``value`` made safe for a CSV cell: text a spreadsheet would run as a formula (it
    starts with ``= + - @``, tab or carriage return) gets a leading ``'``; text made of
    apostrophes and then such a character gets one more, so :func:`restore_cell` can undo
    exactly what was added. Numbers, number-like text (``-1.5``) and other values are
    returned unchanged."""
    if (isinstance(value, str) and _RISKY_RE.match(value) is not None
            and _NUMBER_RE.fullmatch(value) is None):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell` on a cell read back from CSV."""
    if value[:1] == "'" and _RISKY_RE.match(value, 1) is not None:
        return value[1:]
    return value


def neutralise_frame(frame):
    """``frame`` ready for CSV: its text cells, column names and index labels passed through
    :func:`neutralise_cell` (numeric columns untouched; ``frame`` itself when nothing
    needed it), and carriage returns inside text turned into LF, as every reader of the
    package does (a bare CR would otherwise be written unquoted and split the row).
    Vectorised: only affected cells are rebuilt."""
    out = frame
    for i in range(frame.shape[1]):
        s = frame.iloc[:, i]
        new = _neutral_series(s)
        if new is not s:
            if out is frame:
                out = frame.copy()
            out.isetitem(i, new)
    columns, index = _neutral_index(frame.columns), _neutral_index(frame.index)
    if columns is not frame.columns or index is not frame.index:
        out = out.copy() if out is frame else out
        out.columns, out.index = columns, index
    return out


def _neutral_series(s):
    import pandas as pd

    if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
        return s
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) not in (
            "string", "mixed", "mixed-integer"):
        return s  # no text in it (e.g. Booleans with missing values): nothing to neutralise
    cr = s.str.contains("\r", regex=False)
    if cr.where(cr.notna(), False).astype(bool).any():
        s = s.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False
                                                                  ).where(s.notna(), s)
    risky = s.str.match(_RISKY_RE)
    risky = risky.where(risky.notna(), False).astype(bool)
    if not risky.any():
        return s
    number = s[risky].str.fullmatch(_NUMBER_RE).astype(bool)
    hit = risky.copy()
    hit[risky] = ~number
    if not hit.any():
        return s
    out = s.astype(object)  # a copy
    out[hit] = "'" + s[hit].astype(str)
    return out


def _neutral_index(index):
    import pandas as pd

    names = [neutralise_cell(n) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        levels = [_neutral_index(lv) for lv in index.levels]
        if any(a is not b for a, b in zip(levels, index.levels, strict=True)):
            index = index.set_levels(levels)
    elif (index.dtype == object or pd.api.types.is_string_dtype(index)) and any(
            neutralise_cell(v) is not v for v in index):
        index = index.map(neutralise_cell)
    if any(a is not b for a, b in zip(names, index.names, strict=True)):
        index = index.set_names(names)
    return index


#: Characters XML 1.0 cannot hold, so neither can an XLSX or a ``.qdpx`` file: the C0
#: controls but tab and line ends, unpaired surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with each character XML 1.0 forbids (:data:`XML_ILLEGAL`) shown as U+FFFD,
    one for one, so offsets into the text still hold.

    Examples
    --------
    >>> xml_safe("a\x0bb\ufffe")
    'a\ufffdb\ufffd'
    """
    return XML_ILLEGAL.sub("\ufffd", text)


def xml_safe_frame(frame):
    """``frame`` with :func:`xml_safe` applied to its text labels and cells (openpyxl
    refuses a control character when a cell is set, lxml U+FFFE when the file is saved)."""
    def fix(value):
        return xml_safe(value) if isinstance(value, str) else value

    out = frame.rename(index=fix, columns=fix).rename_axis(
        index=[fix(n) for n in frame.index.names], columns=fix(frame.columns.name))
    return out.map(fix) if any(t == "object" for t in out.dtypes) else out


def neutralise_workbook(workbook) -> None:
    """Make every formula-like cell of an openpyxl ``workbook`` plain text, in place, and
    replace the characters XML cannot hold (:func:`xml_safe`) in cells and comments.

    XLSX cells keep their exact text: they are stored as text (never as formulas) and
    marked with Excel's own "quote prefix" (what Excel records when one types ``'=x``), so
    Excel, LibreOffice and openpyxl all read the text back unchanged. Numbers stay numbers.
    """
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and XML_ILLEGAL.search(value):
                    cell.value = value = xml_safe(value)
                if cell.comment is not None and XML_ILLEGAL.search(cell.comment.text):
                    cell.comment.text = xml_safe(cell.comment.text)
                if cell.data_type == "f" or is_risky_cell(value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def read_text_file(path: str | os.PathLike, *, allow_empty: bool = False,
                   normalise: bool = True) -> str:
    """Read a UTF-8 text file; see :func:`decode_utf8`."""
    return decode_utf8(read_file_bytes(path), path, allow_empty=allow_empty,
                       normalise=normalise)


# --------------------------------------------------------------------------- writing


def _name_limits(path: Path) -> tuple[int, int]:
    """(longest file name, longest path) in bytes on the file system holding ``path``'s
    nearest existing folder (255 and 4096 where the system does not say)."""
    folder = path
    while not os.path.isdir(folder) and folder != folder.parent:
        folder = folder.parent
    try:
        return os.pathconf(folder, "PC_NAME_MAX"), os.pathconf(folder, "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):  # Windows, or an unusual file system
        return 255, 4096


def _entry_kind(path: str | os.PathLike) -> str | None:
    """What the existing entry ``path`` is when it is not a regular file or a folder (a
    symbolic link, named pipe, device or socket), else None (also when it does not exist)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISLNK(mode):
        try:
            return f"a symbolic link (to {os.readlink(path)})"
        except OSError:  # pragma: no cover - removed meanwhile
            return "a symbolic link"
    return ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else
            "a character device" if stat.S_ISCHR(mode) else
            "a block device" if stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "a special file")


#: Device names Windows reserves in every folder, whatever the case and extension.
_WINDOWS_DEVICE = re.compile(r"^(con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|"
                             r"lpt[1-9\u00b9\u00b2\u00b3])$", re.IGNORECASE)


def portable_stem(name: str) -> str:
    """``name`` as a file name (before a suffix the caller adds) every system can hold:
    trailing dots and spaces dropped (Windows drops them), and a Windows device name
    (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``-``COM9``, ``LPT1``-``LPT9``, in any case,
    with or without an extension) gets ``_1`` after its first part (``con.v2`` becomes
    ``con_1.v2``).

    Examples
    --------
    >>> [portable_stem(n) for n in ("CON", "lpt1.draft", "a. ", "CONSOLE")]
    ['CON_1', 'lpt1_1.draft', 'a', 'CONSOLE']

    A name that is no single file name (empty, ``.``, ``..``, or holding ``/``, ``\\`` or a
    NUL) raises ValueError: its callers check the names they are given, so a file is never
    written outside its folder.
    """
    if not name.strip(". ") or any(c in name for c in "/\\\0"):
        raise ValueError(f"{name!r} is not one file name (a separator, '..' or nothing)")
    name = name.rstrip(". ")
    first, dot, rest = name.partition(".")
    if _WINDOWS_DEVICE.match(first.rstrip(" ")):
        return f"{first.rstrip(' ')}_1{dot}{rest}"
    return name


def unique_stem(name: str, taken: set[str]) -> str:
    """:func:`portable_stem` of ``name``, made unique ignoring case (macOS and Windows file
    systems do: ``Interview.txt`` and ``interview.txt`` are one file) with ``_2``, ``_3``, ...
    ``taken`` holds the names given so far in :meth:`str.casefold` form; the result is
    added to it.

    Examples
    --------
    >>> taken = set()
    >>> [unique_stem(n, taken) for n in ("Interview", "interview", "INTERVIEW_2")]
    ['Interview', 'interview_2', 'INTERVIEW_2_2']
    """
    base = portable_stem(name)
    stem, k = base, 1
    while stem.casefold() in taken:
        k += 1
        stem = f"{base}_{k}"
    taken.add(stem.casefold())
    return stem


def refuse_repeated_files(paths: Iterable[str | os.PathLike], *, to: str = "",
                          why: str = "") -> None:
    """Refuse, naming each, the ``paths`` that name a file an earlier one names: under
    another spelling (``a.csv``, ``./a.csv``), or through a symbolic or hard link. Read
    twice it would count twice, and a command that updates its files in place would replace
    its backup with the new version. ``to`` names what it was given to (`` to --codings``),
    ``why`` what reading it twice would do. Paths that do not exist are left to their
    readers."""
    seen: dict[tuple[int, int], str] = {}
    problems = []
    for path in map(os.fspath, paths):
        try:
            st = os.stat(path)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            problems.append(Problem(path, f"this file is given twice{to} (also as "
                                          f"{seen[key]}){why}; give each file once"))
        else:
            seen[key] = path
    collect(problems)


def output_path_problem(path: str | os.PathLike, *, folder: bool = False) -> str | None:
    """Why ``path`` cannot be an output file (or, with ``folder``, an output folder), as the
    start of a message, or None when it can.

    Refused before anything is written: a name (one path component) or a whole path longer
    than the file system allows, and an existing output file that is not a regular file (a
    symbolic link, named pipe, device or socket), which writing would replace by a regular
    file. An existing folder whose path is a symbolic link is accepted (its content is
    written through the link). Whether a folder or a file stands where the other is wanted,
    and permissions, are the callers' checks.
    """
    absolute = Path(os.path.abspath(os.fspath(path)))
    name_max, path_max = _name_limits(absolute)
    for part in absolute.parts:
        size = len(os.fsencode(part))
        if size > name_max:
            shown = part if len(part) <= 40 else f"{part[:20]}...{part[-12:]}"
            return (f"the name '{shown}' is {size} bytes long, more than this file system "
                    f"allows ({name_max}); choose a shorter name")
    size = len(os.fsencode(str(absolute)))
    if size >= path_max:
        return (f"the path is {size} bytes long, more than this file system allows "
                f"({path_max - 1}); choose a shorter path")
    kind = _entry_kind(absolute)
    if kind is not None and not (folder and os.path.isdir(absolute)):
        what = "a folder" if folder else "a regular file"
        return (f"this is {kind}, not {what}, and writing would replace it; choose "
                "another output path")
    return None


#: A study's raw-data folders (relative to the study root: the folder holding
#: ``study.yaml``, or both of these); an existing file in them is replaced only on request.
RAW_FOLDERS = ("data/raw", "interview_transcripts")


def raw_data_folders(path: str | os.PathLike) -> list[Path]:
    """The standard raw-data folders (:data:`RAW_FOLDERS`, links resolved) of the study
    ``path`` lies in: the nearest folder above it holding ``study.yaml``, or both raw-data
    folders; ``[]`` outside a study. (The commands add the inputs ``study.yaml`` names.)"""
    here = Path(os.path.realpath(os.path.abspath(path)))
    for root in (here, *here.parents):
        if (root / "study.yaml").is_file() or all((root / d).is_dir() for d in RAW_FOLDERS):
            return [root / d for d in RAW_FOLDERS]
    return []


def refuse_raw_replacement(path: str | os.PathLike, replace_raw: bool) -> None:
    """An :class:`InputError` when ``path`` is an existing file in a study's raw data
    (:func:`raw_data_folders`) and ``replace_raw`` is false: the library's writers do not
    replace coders' or interviewers' files silently (the commands ask for ``--force``)."""
    if replace_raw or not os.path.lexists(path):
        return
    target = Path(os.path.realpath(os.path.abspath(path)))
    if any(target == raw or raw in target.parents for raw in raw_data_folders(target.parent)):
        raise InputError("writing would replace this raw-data file of the study; choose "
                         "another output, or pass replace_raw=True to replace it",
                         path=os.fspath(path))


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "\n", private: bool = False) -> Iterator[IO]:
    """Open a temporary file that replaces ``path`` on successful exit of the block.

    The file gets the usual mode (``0666`` less the umask), or ``0600`` (owner only, whatever
    the umask) when ``private``. A full disk, a read-only folder, missing permission or a
    folder where no file can be created is an :class:`InputError` naming ``path``; the
    previous file is then left as it was. So is, before anything is written, a ``path``
    :func:`output_path_problem` refuses (a symbolic link, named pipe or device, a name
    longer than the file system allows).
    """
    target = Path(path)
    problem = output_path_problem(target)
    if problem is not None:
        raise InputError(f"cannot write this file: {problem}", path=os.fspath(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{_short(target.name)}.", suffix=".tmp",
                                   dir=target.parent)
    except OSError as exc:
        raise _write_error(exc, target, creating=True) from None
    text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    try:
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
        # mkstemp makes 0600: keep it for private files, else give the usual mode
        os.chmod(tmp, 0o600 if private else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
            raise _write_error(exc, target) from None
        raise


#: OS errors that mean "cannot write here" rather than a bug.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                 errno.EFBIG, errno.ENOTDIR, errno.ENAMETOOLONG}


def _short(name: str) -> str:
    """The start of ``name`` for a temporary sibling's name (at most 40 characters, 160
    bytes), so that the temporary name fits the file system whenever ``name`` does."""
    return name[:40]


def _write_error(exc: OSError, target: Path, *, creating: bool = False,
                 what: str = "this file") -> BaseException:
    """``exc`` as an :class:`InputError` naming ``target`` when it means "cannot write
    here"; with ``creating`` (making the folder or the temporary file) every OS error does
    (e.g. a folder of ``/proc``, where files cannot be created)."""
    if exc.errno not in _WRITE_ERRNOS and not creating:
        return exc
    how = {errno.ENOSPC: "free some disk space or write elsewhere",
           errno.EDQUOT: "free some space in your quota or write elsewhere",
           errno.EFBIG: "write elsewhere"}.get(exc.errno, "choose a folder you can write to")
    return InputError(f"cannot write {what}: {exc.strerror}; {how} (nothing was "
                      "changed)", path=os.fspath(target))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str, *, private: bool = False) -> None:
    """Atomically write UTF-8 ``text`` (LF line ends) to ``path`` (``0600`` when
    ``private``)."""
    with atomic_write(path, private=private) as fh:
        fh.write(text)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        fh.write(data)


def write_csv(frame, path: str | os.PathLike, *, private: bool = False, bom: bool = False,
              **kwargs) -> None:
    """Atomically write a DataFrame as UTF-8 CSV with LF line ends and no index; text cells
    are neutralised against formula injection (:func:`neutralise_cell`). ``private``: the
    file is readable by its owner only (``0600``). ``bom``: the file starts with a UTF-8
    byte-order mark, for a file meant for a spreadsheet program (Excel reads a CSV without
    one as ANSI)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_write(path, newline="", private=private,
                      encoding="utf-8-sig" if bom else "utf-8") as fh:
        neutralise_frame(frame).to_csv(fh, **kwargs)


def save_workbook(workbook, path: str | os.PathLike) -> None:
    """Atomically save an openpyxl ``workbook`` after :func:`neutralise_workbook`."""
    neutralise_workbook(workbook)
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        workbook.save(fh)


def replace_with_backup(path: str | os.PathLike, data: str | bytes) -> Path | None:
    """Update the file ``path`` in place, atomically, keeping its previous version beside it
    as ``<name>.bak`` (replacing an older backup). Returns the backup's path (None when
    ``path`` did not exist). For commands whose purpose is to update a file."""
    target = Path(path)
    backup = None
    if target.exists():
        backup = target.with_name(target.name + ".bak")
        with atomic_write(backup, "wb", encoding=None, newline=None) as fh:
            fh.write(target.read_bytes())
    if isinstance(data, bytes):
        write_bytes(target, data)
    else:
        write_text(target, data)
    return backup


def existing_files(folder: str | os.PathLike, names: Iterable[str]) -> list[str]:
    """The files (and links) already under the entries ``names`` of ``folder``, as paths
    relative to it with ``/`` (``codebook.yaml``, ``transcripts/INF01.txt``), sorted: what a
    write replacing those entries wholesale (:func:`atomic_dir`) would replace or delete."""
    base = Path(folder)
    found: list[str] = []
    for name in names:
        entry = base / name
        if entry.is_symlink() or entry.is_file():
            found.append(name)
        elif entry.is_dir():
            found += [p.relative_to(base).as_posix() for p in entry.rglob("*")
                      if p.is_symlink() or not p.is_dir()]
    return sorted(found)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike, *, managed: Iterable[str] = ()) -> Iterator[Path]:
    """Build a folder's content in a temporary sibling and move it into ``path`` on success.

    Each top-level entry the block creates replaces the entry of that name in ``path``
    wholesale (a ``transcripts/`` folder is replaced, not merged, so files from an earlier
    run do not linger); entries named in ``managed`` that the block did not create this time
    are removed. Anything else in ``path`` is left alone. On failure ``path`` is untouched.
    A ``path`` :func:`output_path_problem` refuses, or a place where no folder can be made,
    is an :class:`InputError`.
    """
    target = Path(path)
    problem = output_path_problem(target, folder=True)
    if problem is not None:
        raise InputError(f"cannot write into this folder: {problem}", path=os.fspath(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{_short(target.name)}.", dir=target.parent))
    except OSError as exc:
        raise _write_error(exc, target, creating=True, what="this folder") from None
    try:
        yield tmp
        target.mkdir(exist_ok=True)
        trash = Path(tempfile.mkdtemp(prefix=".old-", dir=target))
        try:
            names = sorted({p.name for p in tmp.iterdir()} | set(managed))
            for name in names:
                if (target / name).exists() or (target / name).is_symlink():
                    os.replace(target / name, trash / name)
            for name in names:
                if (tmp / name).exists():
                    os.replace(tmp / name, target / name)
        finally:
            shutil.rmtree(trash, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
