"""The memos table: a researcher's memos on a corpus (``memos.csv``), its columns and checks.

:mod:`citra_eval.qdpx.memos` reads them from and writes them into REFI-QDA projects;
:mod:`citra_eval.pseudonymisation` pseudonymises them with the transcripts.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import TYPE_CHECKING

import pandas as pd

from ._files import read_csv_table
from ._refi import DATETIME_RE, GUID_RE, norm_guid
from ._validation import check_frame, rows_named
from .errors import MAX_REPORTED, InputError, Problem, collect

if TYPE_CHECKING:
    from .codebook import Codebook
    from .corpus import Corpus

__all__ = ["ABOUT", "MEMO_COLUMNS", "check_memos", "empty_memos", "given_text", "read_memos"]

#: Columns of the memos table (:attr:`Project.memos`).
MEMO_COLUMNS = ["memo_id", "name", "text", "author", "created", "about", "doc_id", "start",
                "end", "code", "target"]
#: What a memo may be about (``about``); the last five are written back as free notes.
ABOUT = ("project", "document", "code", "selection", "case", "set", "variable", "link",
         "none")


def empty_memos() -> pd.DataFrame:
    """An empty memos table with its columns."""
    return pd.DataFrame(columns=MEMO_COLUMNS)


def given_text(value) -> str | None:
    """A memos cell as text, or None when it is missing or empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return text if text.strip() else None



def read_memos(path: str | os.PathLike, *, corpus: Corpus | None = None,
               codebook: Codebook | None = None, keep_lines: bool = False) -> pd.DataFrame:
    """Read a memos table (``memos.csv``, as :meth:`Project.save` writes it).

    Parameters
    ----------
    path : str or path
        The CSV file (columns :data:`MEMO_COLUMNS`; ``text`` required).
    corpus, codebook : optional
        The documents and codes the memos will be written with; when given, the documents,
        spans and codes the memos are about must exist (see :func:`check_memos`).
    keep_lines : bool
        Keep a last column ``_line``: the file line each memo starts on (for messages
        about a memo after reading).

    Returns
    -------
    DataFrame
        :data:`MEMO_COLUMNS`; ``start``/``end`` as nullable integers, ``about`` ``none``
        where empty.

    Raises
    ------
    InputError
        When the file is missing or not CSV, lacks the ``text`` column, a row has more
        cells than the header, or a row is wrong (:func:`check_memos`): each problem with
        its line.
    """
    spath = os.fspath(path)
    frame = read_csv_table(path, columns=MEMO_COLUMNS, required=["text"],
                           what="a memos table", keep_lines=True)
    check_memos(frame, corpus=corpus, codebook=codebook, path=spath)
    for col in ("start", "end"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    frame["about"] = frame["about"].fillna("none")
    return frame if keep_lines else frame.drop(columns="_line")


_WHOLE = re.compile(r"^\s*\d{1,15}\s*$")


def _datetime_ok(value: str) -> bool:
    """Whether ``value`` is an ``xs:dateTime`` REFI-QDA accepts (``2024-01-02T03:04:05Z``)."""
    if not DATETIME_RE.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@rows_named("memos")
def check_memos(memos: pd.DataFrame, *, corpus: Corpus | None = None,
                codebook: Codebook | None = None, path: str | None = None) -> None:
    """Check a memos table before it is written into a project; raise :class:`InputError`.

    Parameters
    ----------
    memos : DataFrame
        A memos table (:data:`MEMO_COLUMNS`; ``text`` required). Rows are reported by the
        column ``_line`` when present (the file line), else by position and index label
        (``<input>: row 0 (index 7): ...``; ``.line`` is then the position + 2).
    corpus, codebook : optional
        When given, a memo about a document or a span must name a document of ``corpus``
        (and a span inside its text), a memo about a code a code of ``codebook``.
    path : str, optional
        The file the table came from, named in the messages.

    Raises
    ------
    InputError
        One problem per wrong cell (up to 20, then a count): ``memo_id`` not a GUID or used
        twice, ``created`` not a date and time (``2024-01-02T03:04:05Z``), an unknown
        ``about``, ``start``/``end`` not whole numbers, a memo about a document, span or
        code that does not say which, or names one that does not exist, a span outside its
        text or ending before it starts.
    """
    check_frame(memos, "memos")
    if "text" not in memos.columns:
        raise InputError("a memos table needs the column text", path=path)
    records = memos.reindex(columns=[*MEMO_COLUMNS, "_line"]).to_dict("records")
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for k, row in enumerate(records):
        line = int(row["_line"]) if pd.notna(row["_line"]) else k + 2

        def bad(message: str, column: str, line: int = line) -> None:
            problems.append(Problem(path, message, line, column))

        cell = {c: given_text(row[c]) for c in MEMO_COLUMNS}
        guid = cell["memo_id"]
        if guid is not None:
            if not GUID_RE.match(guid):
                bad(f"{guid!r} is not a GUID (like "
                    "0d9a3faf-be60-5a4a-96f1-bd624b294eba); leave it empty to have one made",
                    "memo_id")
            elif norm_guid(guid) in seen:
                bad(f"{guid!r} is also the memo_id on line {seen[norm_guid(guid)]}; "
                    "give each memo its own (or leave it empty)", "memo_id")
            else:
                seen[norm_guid(guid)] = line
        if cell["created"] is not None and not _datetime_ok(cell["created"]):
            bad(f"{cell['created']!r} is not a date and time like "
                "2024-01-02T03:04:05Z; correct it or leave it empty", "created")
        about = cell["about"] or "none"
        if about not in ABOUT:
            bad(f"{about!r} is not one of {', '.join(ABOUT)}", "about")
            continue
        offsets = {}
        for col in ("start", "end"):
            if cell[col] is not None:
                # a float column (offsets beside missing ones in a DataFrame) holds 19.0
                raw = row[col]
                whole = (isinstance(raw, float) and raw.is_integer() and raw >= 0
                         and _WHOLE.match(str(int(raw))))
                if not (whole or _WHOLE.match(cell[col])):
                    bad(f"must be a whole number >= 0, got {cell[col]!r}", col)
                else:
                    offsets[col] = int(raw) if whole else int(cell[col])
        doc, code = cell["doc_id"], cell["code"]
        if about in ("document", "selection"):
            if doc is None:
                bad(f"a memo about a {'span' if about == 'selection' else 'document'} needs "
                    "its doc_id", "doc_id")
            elif corpus is not None and doc not in corpus:
                bad(f"unknown doc_id {doc!r}: no transcript has this id", "doc_id")
                doc = None
        if about == "selection":
            missing = [c for c in ("start", "end") if cell[c] is None]
            if missing:
                bad(f"a memo about a span needs its {' and '.join(missing)}", missing[0])
            elif len(offsets) == 2:
                size = len(corpus.text(doc)) if corpus is not None and doc is not None else None
                if offsets["start"] > offsets["end"]:
                    bad(f"span {offsets['start']}:{offsets['end']} ends before it starts",
                        "start")
                elif size is not None and offsets["end"] > size:
                    bad(f"span {offsets['start']}:{offsets['end']} lies outside the text of "
                        f"{doc!r} ({size} characters)", "end")
        if about == "code":
            if code is None:
                bad("a memo about a code needs its code", "code")
            elif codebook is not None and code not in codebook:
                bad(f"code {code!r} is not in the codebook", "code")
    collect(problems, path=path, limit=MAX_REPORTED)
