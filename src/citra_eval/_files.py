"""Files in and out, the same careful way everywhere.

Reading: UTF-8 only (a byte-order mark is accepted and dropped); CRLF and lone CR become LF, so
offsets are always code points into the LF-normalised text. Empty, binary and non-UTF-8 files
are reported with the line of the first bad byte.

Writing is atomic: writers create a temporary file next to the target and rename it into place
only when everything succeeded, so a failure leaves the previous file (or no file) behind.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
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


def csv_rows(text: str, path: str | os.PathLike | None = None) -> list[tuple[int, list[str]]]:
    """Parse CSV ``text`` into ``(line, cells)`` pairs, ``line`` being the 1-based line on
    which the row starts (a quoted cell may span lines, so this is not the row index + 1).
    Unparseable CSV raises :class:`InputError` with the line."""
    reader = csv.reader(io.StringIO(text))
    out = []
    start = 1
    try:
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"not a valid CSV file: {exc}; check the quotes",
                         path=None if path is None else os.fspath(path),
                         line=reader.line_num) from None
    return out


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
    """Atomically write a DataFrame as UTF-8 CSV with LF line ends and no index."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    with atomic_write(path, newline="") as fh:
        frame.to_csv(fh, **kwargs)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Build a directory in a temporary sibling and move it over ``path`` on success.

    Files already in ``path`` that the block does not rewrite are kept.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        target.mkdir(exist_ok=True)
        for item in sorted(tmp.rglob("*")):
            if item.is_file():
                dest = target / item.relative_to(tmp)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
