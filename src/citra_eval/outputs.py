"""Byte-reproducible figures and tables, and the manifest that proves it.

Every figure and table of the evaluation is written through :func:`save_figure` and
:func:`save_table`, so that rebuilding the reports from the same inputs with the same package
versions gives the same bytes: no dates, no software banners, a fixed SVG hash salt, a fixed
resolution, LF line ends and fixed float rounding. Files are written atomically (nothing is
ever half-written). :func:`write_manifest` records a SHA-256 checksum of every generated file in
the coreutils ``sha256sum -c`` format; :func:`check_manifest` lists the files that differ.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._files import (
    neutralise_frame,
    read_text_file,
    refuse_raw_replacement,
    write_bytes,
    write_text,
)
from ._labels import label
from ._validation import check_bool, check_frame, check_int, check_lang, check_type
from .errors import InputError, Problem

__all__ = [
    "FIGURE_FORMATS",
    "MANIFEST_NAME",
    "NOTE_PREFIX",
    "SVG_HASHSALT",
    "Difference",
    "SavedFigure",
    "SavedPath",
    "StudyBanner",
    "check_manifest",
    "file_sha256",
    "note",
    "notes_from_warnings",
    "output_name",
    "read_manifest",
    "read_manifest_lines",
    "save_figure",
    "save_table",
    "set_reproducible_style",
    "study_banner",
    "write_manifest",
]

SVG_HASHSALT = "citra_eval"
FIGURE_FORMATS = ("png", "svg", "pdf")
MANIFEST_NAME = "MANIFEST.sha256"
#: What :func:`write_manifest` covers inside a reports folder (executed notebooks hold
#: timestamps and are deliberately left out).
MANIFEST_INCLUDE = ("figures", "tables", "provenance.json")

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# Metadata that would otherwise embed dates or the matplotlib version in the file.
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def output_name(*parts: object) -> str:
    """A file name for :func:`save_table` / :func:`save_figure` built from ``parts``.

    Parameters
    ----------
    *parts : object
        The pieces of the name, e.g. a fixed prefix and a study's own word (a column, a
        search term); each is turned into text.

    Returns
    -------
    str
        Each part reduced to ASCII letters, digits, ``_``, ``-`` and ``.`` (accents dropped,
        other characters and spaces become ``-``, lower case, no leading or trailing ``-``
        or ``.``), the parts joined with ``-`` (and a file extension at the end, as in
        ``laporan.pdf``, joined with ``-`` too): a plain file name without a folder or
        extension, so a study's words can name an output but never place it elsewhere.

    Raises
    ------
    ValueError
        No part has a usable character.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.output_name("05-group-comparison", "unit_layanan")
    '05-group-comparison-unit_layanan'
    >>> ce.output_name("03-kwic", "Rumah Sakit/IGD")
    '03-kwic-rumah-sakit-igd'
    """
    import unicodedata

    out = []
    for part in parts:
        text = unicodedata.normalize("NFKD", str(part)).encode("ascii", "ignore").decode()
        text = re.sub(r"[^A-Za-z0-9_.-]+", "-", text.lower()).strip("-.")
        if text:
            out.append(text)
    if not out:
        raise ValueError(f"no usable characters for a file name in {parts!r}")
    name = "-".join(out)
    base, dot, ext = name.rpartition(".")
    if dot and ext.lower() in _EXTENSIONS:  # a word such as 'laporan.pdf' names no format
        name = f"{base}-{ext}"
    return _check_name(name, "the name")


def _check_name(name: str, what: str) -> str:
    # the caller's choice, not data: TypeError/ValueError by the policy of _validation
    check_type(what, name, str, "a file name (str)")
    if not _NAME_RE.match(name) or name.endswith("."):
        folder, _, base = name.replace("\\", "/").rpartition("/")
        base = _without_extension(base)  # the hint is a name the saving functions take
        hint = (f"; to write into the folder {folder!r}, pass out_dir={folder!r} and "
                f"{what}={base!r}" if folder and _NAME_RE.match(base) else "")
        raise ValueError(f"{what} must be a plain file name without folder or extension, made "
                         f"of letters, digits, '_', '-' and '.', got {name!r}{hint}")
    return name


#: Extensions of files a study writes or reads: a name ending in one is refused by
#: :func:`save_table` and :func:`save_figure`, which add their own (no ``freq.csv.csv``).
_EXTENSIONS = frozenset({"csv", "tsv", "txt", "json", "xlsx", "xls", "ods", "md", "html",
                         *FIGURE_FORMATS, "jpg", "jpeg", "tif", "tiff", "eps", "ps"})


def _without_extension(name: str) -> str:
    """``name`` without a file extension of :data:`_EXTENSIONS` at its end (``"freq.csv"``
    -> ``"freq"``; ``"freq.v2"`` is kept)."""
    base, dot, ext = name.rpartition(".")
    return base if dot and base and ext.lower() in _EXTENSIONS else name


def _check_file_stem(name: str) -> str:
    """``name`` as :func:`_check_name` checks it, refusing a file extension at its end
    (the saving functions add theirs: ``"freq.csv"`` would become ``freq.csv.csv``)."""
    _check_name(name, "name")
    base = _without_extension(name)
    if base != name:
        raise ValueError(f"name must be a plain file name without folder or extension (the "
                         f"extension is added for each format written), got {name!r}; write "
                         f"name={base!r}")
    return name


# --------------------------------------------------------------------------- style

def set_reproducible_style(*, context: str = "paper", font_scale: float = 1.0) -> None:
    """Set a seaborn theme and matplotlib settings that render identically everywhere.

    Starts from matplotlib's defaults (a user's ``matplotlibrc`` is ignored), and uses only
    DejaVu Sans (bundled with matplotlib, so no system font is ever picked up),
    text drawn as paths in SVG, TrueType fonts embedded in PDF, and a fixed SVG hash salt.

    Parameters
    ----------
    context : str
        seaborn context (``paper``, ``notebook``, ``talk``, ``poster``).
    font_scale : float
        Passed to :func:`seaborn.set_theme`.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import matplotlib
    >>> ce.set_reproducible_style()
    >>> matplotlib.rcParams["svg.hashsalt"]
    'citra_eval'
    """
    import matplotlib as mpl
    import seaborn as sns

    # from matplotlib's own defaults, never a user's matplotlibrc (MATPLOTLIBRC, the config
    # folder's, one in the working folder), which would change the figures' bytes; the
    # backend is kept
    mpl.rcdefaults()
    sns.set_theme(context=context, style="whitegrid", palette="colorblind", font="DejaVu Sans",
                  font_scale=font_scale)
    mpl.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "figure.constrained_layout.use": False,
        "axes.unicode_minus": True,
        "image.interpolation": "nearest",
    })


# --------------------------------------------------------------------------- figures

class SavedPath(type(Path())):
    """A written file's path whose repr names only its folder and file (no machine paths in
    executed notebooks)."""

    def __repr__(self) -> str:
        return f"<saved {self.parent.name}/{self.name}>"


class SavedFigure(tuple):
    """The paths a figure was saved to; shows the PNG when displayed in a notebook."""

    def __repr__(self) -> str:
        return "<saved " + ", ".join(f"{Path(p).parent.name}/{Path(p).name}" for p in self) + ">"

    def _repr_png_(self) -> bytes | None:
        for p in self:
            if Path(p).suffix == ".png" and Path(p).exists():
                return Path(p).read_bytes()
        return None


def save_figure(fig, name: str, *, out_dir: str | os.PathLike = "reports/figures",
                formats: Sequence[str] = ("png", "svg"), dpi: int = 150,
                close: bool = False) -> SavedFigure:
    """Save ``fig`` as ``out_dir/name.<format>`` for each format, byte-reproducibly.

    Parameters
    ----------
    fig : matplotlib Figure (or an Axes, whose figure is saved)
        The figure.
    name : str
        File name without extension, e.g. ``"saturation"``.
    out_dir : path
        Folder, created if needed.
    formats : sequence of str
        Any of ``png``, ``svg``, ``pdf``.
    dpi : int
        Resolution of the PNG (fixed, never the screen's).
    close : bool
        Close the figure afterwards (frees memory in long notebooks).

    Returns
    -------
    SavedFigure
        A tuple of the written paths, in the order of ``formats``; in a notebook it displays
        as the PNG.

    Notes
    -----
    PNG: no ``Software`` text chunk. SVG: no date or creator, ``svg.hashsalt`` fixed to
    ``"citra_eval"`` so element ids do not change. PDF: no creation date, creator or producer.
    Each file is rendered in memory and then renamed into place, so a failure leaves no
    half-written file.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import tempfile, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([1, 2, 3])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = ce.save_figure(fig, "line", out_dir=d)
    ...     [p.name for p in paths]
    ['line.png', 'line.svg']
    >>> plt.close(fig)
    """
    import matplotlib as mpl

    fig = getattr(fig, "figure", fig) if not hasattr(fig, "savefig") else fig
    if not hasattr(fig, "savefig"):
        raise TypeError(f"fig must be a matplotlib Figure or Axes, got {type(fig).__name__}")
    _check_file_stem(name)
    if isinstance(formats, str):
        formats = (formats,)
    bad = [f for f in formats if f not in FIGURE_FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FIGURE_FORMATS}, got "
                         f"{tuple(formats)!r}")
    check_bool(close, "close")
    if not isinstance(dpi, int) or dpi <= 0:
        raise ValueError(f"dpi must be a positive integer, got {dpi!r}")
    out = Path(out_dir)
    paths = []
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        for fmt in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=dict(_METADATA[fmt]),
                        bbox_inches="tight", pad_inches=0.05)
            path = out / f"{name}.{fmt}"
            write_bytes(path, buf.getvalue())
            paths.append(SavedPath(path))
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return SavedFigure(paths)


# --------------------------------------------------------------------------- tables

def _format_float(values: pd.Series, decimals: int) -> pd.Series:
    arr = values.to_numpy(dtype=float)
    # round first, then + 0.0 so that a tiny negative does not print as "-0.000"
    rounded = np.round(arr, decimals) + 0.0
    out = [
        "" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v)
        else f"{v:.{decimals}f}"
        for v in rounded
    ]
    return pd.Series(out, index=values.index, dtype="object")


def _float_objects(s: pd.Series) -> bool:
    """An object column holding only floats (and missing values), e.g. after a concat."""
    if s.dtype != object:
        return False
    vals = s.dropna()
    return len(vals) > 0 and all(isinstance(v, float) for v in vals)


def _table_text(frame: pd.DataFrame, decimals: int | Mapping[str, int], index: bool | None) -> str:
    if index is None:  # keep the index only when it carries information
        index = not isinstance(frame.index, pd.RangeIndex) or any(
            n is not None for n in frame.index.names)
    df = frame.reset_index() if index else frame.copy()
    if df.columns.duplicated().any():
        dup = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(f"frame has duplicated column names {dup}; rename them first")
    if isinstance(decimals, Mapping):
        unknown = sorted(set(decimals) - {"default"} - {str(c) for c in df.columns})
        if unknown:
            raise ValueError(f"decimals names columns that are not in the table: {unknown}")
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or _bool_objects(s):
            df[col] = s.map({True: "true", False: "false"}).astype("object")
        elif pd.api.types.is_float_dtype(s) or _float_objects(s):
            values = s.astype(float)
            if _is_count(col, values):  # counts made float by a missing value
                df[col] = values.astype("Int64")
                continue
            d = (decimals.get(str(col), decimals.get("default", 4))
                 if isinstance(decimals, Mapping) else decimals)
            df[col] = (_format_p(values) if _is_p_value(col) and not isinstance(decimals, Mapping)
                       else _format_float(values, int(d)))
    buf = io.StringIO()
    neutralise_frame(df).to_csv(buf, index=False, lineterminator="\n", na_rep="")
    return buf.getvalue()


def _bool_objects(s: pd.Series) -> bool:
    """A column of Booleans with missing values (dtype object), e.g. a Boolean case
    variable set on some documents only: written like a Boolean column, missing empty."""
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "boolean"


def _is_count(col, values: pd.Series) -> bool:
    finite = values.dropna()
    return (str(col).startswith("n_") and len(finite) > 0
            and bool(((finite == finite.round()) & (finite.abs() < 2**53)).all()))


def _is_p_value(col) -> bool:
    name = str(col).lower()
    return name == "p" or name.startswith(("p_", "p-"))


def _format_p(values: pd.Series) -> pd.Series:
    """p values keep 4 significant digits, so 3.1e-08 is not printed as 0.0000."""
    return values.map(lambda v: "" if pd.isna(v) else f"{v:.4g}").astype("object")


def save_table(frame: pd.DataFrame, name: str, *, out_dir: str | os.PathLike = "reports/tables",
               decimals: int | Mapping[str, int] = 4, index: bool | None = None,
               replace_raw: bool = False) -> Path:
    """Write ``frame`` as ``out_dir/name.csv``, byte-reproducibly.

    Parameters
    ----------
    frame : DataFrame
        The table.
    name : str
        File name without extension.
    out_dir : path
        Folder, created if needed.
    decimals : int or mapping
        Digits after the decimal point of float columns (fixed-point, so the file does not
        depend on floating-point noise below that digit); a mapping gives them per column,
        with an optional ``"default"`` key.
    index : bool, optional
        Write the index as the first column(s). Default: only when it is named or is not a
        plain 0..n-1 range.
    replace_raw : bool
        Allow replacing an existing file of a study's raw data (``data/raw/``,
        ``interview_transcripts/``); without it that is refused, as the commands refuse it
        without ``--force``.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InputError
        The file exists in a study's raw data and ``replace_raw`` is false; nothing is
        written.

    Notes
    -----
    UTF-8 without byte-order mark, LF line ends, comma-separated, minimal quoting; floats
    rounded half-to-even to ``decimals`` digits and printed fixed-point (``-0.0`` becomes
    ``0.0``); missing values are empty cells; booleans are ``true``/``false``; text a
    spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) gets a leading
    ``'`` (see ``docs/security.md``). Two kinds of
    float column are printed as what they are: counts (names starting with ``n_`` holding
    whole numbers, made float by a missing value) as integers, and p values (``p``,
    ``p_*``, ``p-*``) with 4 significant digits (``3.1e-08``, not ``0.0000``) unless
    ``decimals`` is a mapping.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import tempfile, pandas as pd
    >>> t = pd.DataFrame({"code": ["a", "b"], "alpha": [0.81234, -1e-12]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     print(ce.save_table(t, "alpha", out_dir=d, decimals=3).read_text(), end="")
    code,alpha
    a,0.812
    b,0.000
    """
    _check_file_stem(name)
    check_bool(replace_raw, "replace_raw")
    path = SavedPath(Path(out_dir) / f"{name}.csv")
    refuse_raw_replacement(path, replace_raw)
    write_table(frame, path, decimals=decimals, index=index)
    return path


def write_table(frame: pd.DataFrame, path: str | os.PathLike, *,
                decimals: int | Mapping[str, int] = 4, index: bool | None = None) -> None:
    """Write ``frame`` to the file ``path`` as :func:`save_table` writes its tables (same
    rounding, booleans, quoting; atomically): for a command's ``--out`` file, so that it
    reads as the same table in ``reports/``. Not API: the commands' writer."""
    check_frame(frame, "frame")
    check_bool(index, "index", allow_none=True)
    _check_decimals(decimals)
    write_text(path, _table_text(frame, decimals, index))


def _check_decimals(decimals: object) -> None:
    """``decimals`` of :func:`save_table`: a whole number of digits >= 0, or a mapping of
    them (``decimals['share']`` named in the message); ``TypeError``/``ValueError``."""
    items = decimals.items() if isinstance(decimals, Mapping) else [(None, decimals)]
    for key, d in items:
        check_int(d, "decimals" if key is None else f"decimals[{key!r}]", minimum=0)


# --------------------------------------------------------------------------- manifest

def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: Why a file whose CRLF line ends, made LF, give its recorded checksum differs, and the fix.
CRLF_HINT = ("only its line ends differ (CRLF instead of LF): git converted them on checkout "
             "(core.autocrlf); clone again with 'git -c core.autocrlf=false clone ...' (the "
             ".gitattributes 'citra-eval init' writes, '* -text', keeps them as committed)")

#: Larger files are not re-hashed to look for converted line ends.
_CRLF_CHECK_LIMIT = 256 << 20


def only_line_ends_differ(path: str | os.PathLike, expected: str) -> bool:
    """True when ``path`` has ``expected`` as SHA-256 once its CRLF line ends are made LF:
    a git checkout with ``core.autocrlf`` converted a file committed with LF line ends."""
    try:
        if os.path.getsize(path) > _CRLF_CHECK_LIMIT:
            return False
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    return (b"\r\n" in data
            and hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest() == expected)


def checksum_changes(recorded: Mapping[str, str],
                     current: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(path, status)`` per path whose checksum in ``current`` is not the one
    ``recorded``, by path: ``status`` is ``"changed"``, ``"missing"`` (recorded, not
    current) or ``"unlisted"`` (current, not recorded), as in :class:`Difference`.

    The one comparison of two ``{path: sha256}`` lists: the manifest (:func:`check_manifest`),
    the raw inputs' checksums and what ``provenance.json`` records (``pipeline``).
    """
    out = []
    for rel in sorted(recorded.keys() | current.keys()):
        if rel not in current:
            out.append((rel, "missing"))
        elif rel not in recorded:
            out.append((rel, "unlisted"))
        elif recorded[rel] != current[rel]:
            out.append((rel, "changed"))
    return out


def _escape(rel: str) -> tuple[str, str]:
    # coreutils: a name with a backslash or newline is escaped and the line starts with "\"
    if "\\" in rel or "\n" in rel or "\r" in rel:
        return "\\", rel.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return "", rel


def _unescape(rel: str) -> str:
    out, i = [], 0
    while i < len(rel):
        c = rel[i]
        if c == "\\" and i + 1 < len(rel):
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(rel[i + 1], rel[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def manifest_text(hashes: Mapping[str, str]) -> str:
    """Render ``{relative path: sha256}`` as sorted ``sha256sum`` lines."""
    lines = []
    for rel in sorted(hashes):
        prefix, name = _escape(rel)
        lines.append(f"{prefix}{hashes[rel]}  {name}\n")
    return "".join(lines)


def manifest_covers(rel: str, include: Iterable[str] = MANIFEST_INCLUDE) -> bool:
    """Whether ``rel``, a path inside a reports folder (``tables/a.csv``, with ``/``), is
    one a manifest covers (:func:`hash_reports` hashes it when it is a file there): one of
    ``include`` or below one of them, with no hidden part (hidden files and files in
    hidden folders, such as ``.ipynb_checkpoints/``, are not outputs).

    Examples
    --------
    >>> manifest_covers("tables/a.csv"), manifest_covers("notebooks/01-x.ipynb")
    (True, False)
    >>> manifest_covers("tables/.ipynb_checkpoints/a-checkpoint.csv")
    False
    """
    parts = rel.split("/")
    return parts[0] in set(include) and not any(part.startswith(".") for part in parts)


def _collect(reports_dir: Path, include: Iterable[str]) -> list[Path]:
    include = tuple(include)
    files: list[Path] = []
    for item in include:
        p = reports_dir / item
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files.extend(f for f in p.rglob("*") if f.is_file() and manifest_covers(
                f.relative_to(reports_dir).as_posix(), include))
    return sorted(files)


def hash_reports(reports_dir: str | os.PathLike, *, root: str | os.PathLike | None = None,
                 include: Iterable[str] = MANIFEST_INCLUDE) -> dict[str, str]:
    """``{path relative to root (POSIX): sha256}`` of the generated files in ``reports_dir``."""
    rdir = Path(reports_dir)
    base = Path(root) if root is not None else rdir.parent
    return {f.relative_to(base).as_posix(): file_sha256(f) for f in _collect(rdir, include)}


def write_manifest(reports_dir: str | os.PathLike = "reports", *,
                   root: str | os.PathLike | None = None,
                   include: Iterable[str] = MANIFEST_INCLUDE) -> Path:
    """Write ``reports_dir/MANIFEST.sha256`` over the generated figures, tables and provenance.

    Parameters
    ----------
    reports_dir : path
        The reports folder.
    root : path, optional
        Paths in the manifest are relative to this folder (default: the parent of
        ``reports_dir``, i.e. the repository), so ``sha256sum -c reports/MANIFEST.sha256``
        works from the repository root.
    include : iterable of str
        Files or folders inside ``reports_dir`` to cover. Hidden files, and files in hidden
        folders, are skipped.

    Returns
    -------
    Path
        The manifest written.

    Notes
    -----
    One line per file, ``<64 hex digits><two spaces><path>``, sorted by path, LF line ends:
    the format of GNU coreutils ``sha256sum`` (text mode), checkable with ``sha256sum -c``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r = pathlib.Path(d, "reports")
    ...     _ = ce.save_table(pd.DataFrame({"x": [1]}), "t", out_dir=r / "tables")
    ...     line = ce.write_manifest(r).read_text()
    >>> line.split("  ")[1].strip(), len(line.split("  ")[0])
    ('reports/tables/t.csv', 64)
    """
    rdir = Path(reports_dir)
    path = rdir / MANIFEST_NAME
    write_text(path, manifest_text(hash_reports(rdir, root=root, include=include)))
    return path


def read_manifest(path: str | os.PathLike) -> dict[str, str]:
    """Read a ``sha256sum`` manifest into ``{path: sha256}``.

    Raises
    ------
    InputError
        For a missing file, a malformed line, or a second line for a file with another
        checksum (with its line number).
    """
    return {rel: sha for rel, (sha, _) in read_manifest_lines(path).items()}


def read_manifest_lines(path: str | os.PathLike) -> dict[str, tuple[str, int]]:
    """Read a ``sha256sum`` manifest into ``{path: (sha256, line number)}``.

    Raises
    ------
    InputError
        As :func:`read_manifest`.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("manifest not found; run 'citra-eval reproduce' to create it", path=p)
    out: dict[str, tuple[str, int]] = {}
    problems = []
    line_re = re.compile(r"^(\\?)([0-9a-fA-F]{64}) [ *](.+)$")
    # a manifest that is not UTF-8 text is an error line naming it, not a traceback
    for n, line in enumerate(read_text_file(p, allow_empty=True).splitlines(), start=1):
        if not line.strip():
            continue
        m = line_re.match(line)
        if not m:
            problems.append(Problem(str(p), "not a 'sha256sum' line ('<64 hex digits>  <path>')",
                                    line=n))
            continue
        rel = _unescape(m.group(3)) if m.group(1) else m.group(3)
        sha = m.group(2).lower()
        if rel in out and out[rel][0] != sha:
            problems.append(Problem(str(p), f"{rel}: a second line for this file, with another "
                                    f"checksum than line {out[rel][1]}; one of them was edited: "
                                    "restore the file from version control, or run "
                                    "'citra-eval reproduce' to write it again", line=n))
            continue
        out.setdefault(rel, (sha, n))
    if problems:
        raise InputError(problems=problems)
    return out


@dataclass(frozen=True)
class Difference:
    """One file whose bytes do not match the manifest.

    ``status`` is ``changed`` (different checksum), ``missing`` (listed, not found) or
    ``unlisted`` (generated, not in the manifest). ``line_ends`` is True for a changed file
    whose only change is CRLF line ends (a git checkout converted them). As text, a changed
    file names the manifest's line it differs from (``..., line 12``): the file, or that
    line, was changed.
    """

    path: str
    status: str
    expected: str | None = None
    actual: str | None = None
    line_ends: bool = False
    #: The manifest's line for the file (a changed file: the file or that line was edited).
    line: int | None = None

    def __str__(self) -> str:
        what = {"changed": "differs from the manifest", "missing": "listed in the manifest "
                "but missing", "unlisted": "not listed in the manifest"}[self.status]
        # the manifest's line: the file differs from it, or it was edited
        where = f", line {self.line}" if self.line is not None and not self.line_ends else ""
        return f"{self.path}: {what}{where}" + (f"; {CRLF_HINT}" if self.line_ends else "")


def check_manifest(reports_dir: str | os.PathLike = "reports", *,
                   manifest: str | os.PathLike | None = None,
                   root: str | os.PathLike | None = None,
                   include: Iterable[str] = MANIFEST_INCLUDE) -> list[Difference]:
    """Compare the files in ``reports_dir`` with a manifest.

    Parameters
    ----------
    reports_dir : path
        The reports folder to check (it may be a rebuilt copy in a temporary folder).
    manifest : path, optional
        The manifest to compare against (default ``reports_dir/MANIFEST.sha256``).
    root : path, optional
        The folder manifest paths are relative to (default: the parent of ``reports_dir``).
    include : iterable of str
        What counts as generated (files not listed are reported as ``unlisted``).

    Returns
    -------
    list of Difference
        Sorted by path; empty when everything matches.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r = pathlib.Path(d, "reports")
    ...     t = ce.save_table(pd.DataFrame({"x": [1]}), "t", out_dir=r / "tables")
    ...     _ = ce.write_manifest(r)
    ...     _ = t.write_text("x\\n2\\n")
    ...     [str(x) for x in ce.check_manifest(r)]
    ['reports/tables/t.csv: differs from the manifest, line 1']
    """
    rdir = Path(reports_dir)
    base = Path(root) if root is not None else rdir.parent
    lines = read_manifest_lines(manifest if manifest is not None else rdir / MANIFEST_NAME)
    expected = {rel: sha for rel, (sha, _) in lines.items()}
    actual = hash_reports(rdir, root=base, include=include)
    diffs = []
    for rel, status in checksum_changes(expected, actual):
        e, a = expected.get(rel), actual.get(rel)
        if status == "changed":
            diffs.append(Difference(rel, status, e, a,
                                    line_ends=only_line_ends_differ(base / rel, e),
                                    line=lines[rel][1]))
        else:
            diffs.append(Difference(rel, status, e, a))
    return diffs


# --------------------------------------------------------------------------- notes

#: How a note starts; ``citra-eval reproduce`` forwards such lines from executed notebooks.
NOTE_PREFIX = "note: "


def note(message: str) -> None:
    """Say, in one line, that a part of the analysis does not apply to this study.

    For notebooks: a part that cannot apply (inter-coder reliability with one coder, the
    survey analyses without a survey) calls ``ce.note(...)`` and moves on instead of failing.
    The line goes to standard error, so it shows in the notebook (as a stderr stream) and on
    the terminal of a script; ``citra-eval reproduce`` finds these lines in the executed
    notebooks and repeats them on its own standard error, naming the notebook.

    Parameters
    ----------
    message : str
        One line (newlines are replaced by spaces).

    Returns
    -------
    None
        Unlike the analysis functions, this one prints: that is its purpose.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     ce.note("one coder (A): inter-coder reliability is skipped")
    >>> err.getvalue()
    'note: one coder (A): inter-coder reliability is skipped\\n'
    """
    import sys

    if not isinstance(message, str):
        raise TypeError(f"message must be a str, got {type(message).__name__}")
    text = " ".join(message.split())
    print(f"{NOTE_PREFIX}{text}", file=sys.stderr, flush=True)


@contextmanager
def notes_from_warnings(*categories: type[Warning]) -> Iterator[None]:
    """Show warnings of the given kinds raised inside the block as notes (:func:`note`).

    For notebooks and commands: a warning that qualifies a result (e.g. the
    :class:`~citra_eval.CoverageWarning` of :func:`citra_eval.agreement` when a study does
    not declare who double-coded what) is said once, as a ``note:`` line that ``citra-eval
    reproduce`` repeats, instead of as a Python warning naming a source line. Other warnings
    pass through unchanged.

    Parameters
    ----------
    *categories : Warning subclasses
        The kinds of warning to turn into notes (at least one).

    Returns
    -------
    context manager
        Within it, each distinct warning message of those kinds becomes one note, in the
        order raised, when the block ends (also when it raises).

    Examples
    --------
    >>> import citra_eval as ce
    >>> import contextlib, io, warnings
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err), ce.notes_from_warnings(UserWarning):
    ...     warnings.warn("coverage inferred")
    ...     warnings.warn("coverage inferred")
    >>> err.getvalue()
    'note: coverage inferred\\n'
    """
    if not categories or not all(isinstance(c, type) and issubclass(c, Warning)
                                 for c in categories):
        raise TypeError(f"categories must be one or more Warning classes, got {categories!r}")
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        seen: list[str] = []
        for w in caught:
            if not issubclass(w.category, categories):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno,
                                       source=w.source)
            elif str(w.message) not in seen:
                seen.append(str(w.message))
        for message in seen:
            note(message)


# --------------------------------------------------------------------------- study banner

@dataclass(frozen=True)
class StudyBanner:
    """The head of a notebook: the study's title and, for an illustrative study, the
    "not real findings" banner. Shown as Markdown in a notebook, as text elsewhere."""
    title: str
    illustrative: bool
    lang: str

    @property
    def text(self) -> str:
        """The banner as Markdown."""
        out = f"**{self.title}**"
        if self.illustrative:
            out += "\n\n> " + label("banner.illustrative", self.lang)
        return out

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def study_banner(study) -> StudyBanner:
    """The banner of a study's notebooks (its title; "illustrative" when ``study.yaml`` says
    ``illustrative: true``), in the study's language.

    Parameters
    ----------
    study : Study
        A loaded study (:func:`citra_eval.load_study`).

    Returns
    -------
    StudyBanner
        Displays as Markdown in a notebook; ``.text`` is the Markdown source.

    Examples
    --------
    >>> import citra_eval as ce
    >>> banner = ce.study_banner(ce.load_study(ce.example_path(), lang="en"))
    >>> banner.illustrative, banner.text.splitlines()[-1].startswith("> **Illustrative")
    (True, True)
    """
    settings = getattr(study, "settings", None)
    if settings is None or not hasattr(settings, "title"):
        raise TypeError(f"study must be a Study (see load_study), got {type(study).__name__}")
    return StudyBanner(str(settings.title), bool(settings.illustrative),
                       check_lang(settings.lang))
