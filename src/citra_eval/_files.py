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
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .errors import InputError

# --------------------------------------------------------------------------- reading

BOM = "\ufeff"


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF and drop a leading byte-order mark."""
    if text.startswith(BOM):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode_utf8(data: bytes, path: str | os.PathLike | None = None, *,
                allow_empty: bool = False) -> str:
    """Decode ``data`` as UTF-8 with clear errors for empty, binary or mis-encoded input."""
    spath = None if path is None else os.fspath(path)
    if not data.strip(b" \t\r\n\xef\xbb\xbf") and not allow_empty:
        raise InputError("the file is empty; write content into it or remove it", path=spath)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(
            "this is a binary file, not UTF-8 text (it contains NUL bytes); "
            "save it as plain UTF-8 text", path=spath, line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            "re-save the file as UTF-8 (e.g. in your editor: Save with encoding > UTF-8)",
            path=spath, line=line) from None
    return normalise_newlines(text)


#: Largest CSV cell read (the csv module's default of 128 KiB refuses long turns that
#: the package itself writes, e.g. the ``text`` of a coding spanning a long answer).
MAX_CSV_CELL = 64 << 20


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def csv_rows(text: str, path: str | os.PathLike | None = None) -> list[tuple[int, list[str]]]:
    """Parse CSV ``text`` into ``(line, cells)`` pairs, ``line`` being the 1-based line on
    which the row starts (a quoted cell may span lines, so this is not the row index + 1).
    Unparseable CSV raises :class:`InputError` with the line. Cells neutralised by
    :func:`neutralise_cell` get their text back (:func:`restore_cell`)."""
    reader = csv.reader(io.StringIO(text))
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
    return out


def read_csv_table(path: str | os.PathLike, *, columns: list[str], required: list[str],
                   what: str):
    """A small CSV table written by the package (``memos.csv``, ``users.csv``) as a
    DataFrame of strings with exactly ``columns`` (missing ones empty, others dropped);
    empty cells are None.

    Raises :class:`InputError` when the file is missing, not CSV, lacks a ``required``
    column or has a row longer than its header.
    """
    import pandas as pd

    spath = os.fspath(path)
    rows = csv_rows(read_text_file(spath, allow_empty=True), spath)
    header = rows[0][1] if rows else []
    lacking = [c for c in required if c not in header]
    if lacking:
        raise InputError(f"{what} needs the column(s) {', '.join(lacking)}; found "
                         f"{', '.join(header) or 'nothing'}", path=spath, line=1)
    records = []
    for line, cells in rows[1:]:
        if len(cells) > len(header):
            raise InputError(f"this row has {len(cells)} cells, the header {len(header)}",
                             path=spath, line=line)
        records.append(dict(zip(header, cells, strict=False)))
    frame = pd.DataFrame(records, columns=header).replace("", None)
    return frame.reindex(columns=columns)


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


def neutralise_workbook(workbook) -> None:
    """Make every formula-like cell of an openpyxl ``workbook`` plain text, in place.

    XLSX cells keep their exact text: they are stored as text (never as formulas) and
    marked with Excel's own "quote prefix" (what Excel records when one types ``'=x``), so
    Excel, LibreOffice and openpyxl all read the text back unchanged. Numbers stay numbers.
    """
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or is_risky_cell(value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def read_text_file(path: str | os.PathLike, *, allow_empty: bool = False) -> str:
    """Read a UTF-8 text file; see :func:`decode_utf8`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found; check the path", path=os.fspath(path)) from None
    except IsADirectoryError:
        raise InputError("expected a file but this is a directory", path=os.fspath(path)) from None
    except PermissionError:
        raise InputError("permission denied; make the file readable",
                         path=os.fspath(path)) from None
    return decode_utf8(data, path, allow_empty=allow_empty)


# --------------------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "\n") -> Iterator[IO]:
    """Open a temporary file that replaces ``path`` on successful exit of the block."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    try:
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str) -> None:
    """Atomically write UTF-8 ``text`` (LF line ends) to ``path``."""
    with atomic_write(path) as fh:
        fh.write(text)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Atomically write ``data`` to ``path``."""
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        fh.write(data)


def write_csv(frame, path: str | os.PathLike, **kwargs) -> None:
    """Atomically write a DataFrame as UTF-8 CSV with LF line ends and no index; text cells
    are neutralised against formula injection (:func:`neutralise_cell`)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_write(path, newline="") as fh:
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


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike, *, managed: Iterable[str] = ()) -> Iterator[Path]:
    """Build a folder's content in a temporary sibling and move it into ``path`` on success.

    Each top-level entry the block creates replaces the entry of that name in ``path``
    wholesale (a ``transcripts/`` folder is replaced, not merged, so files from an earlier
    run do not linger); entries named in ``managed`` that the block did not create this time
    are removed. Anything else in ``path`` is left alone. On failure ``path`` is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
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
