"""Memos of a REFI-QDA project: its notes and the descriptions it attaches to things.

REFI-QDA keeps a researcher's memos as ``<Note>`` elements (referenced by ``<NoteRef>`` from
the project, a code, a source, a selection, a coding, a link...) and as ``<Description>``
texts of the project, sources, cases, sets and variables. Notes of codings (and the
description of a coded selection) become the coding's ``note``; everything else becomes one
row of the memos table, saying what it is about, and is written back as notes on export.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import pandas as pd

from .._files import read_csv_table
from .._refi import DATETIME_RE, GUID_RE, norm_guid, stable_guid, xml_text
from ..errors import MAX_REPORTED, InputError, Problem, collect

if TYPE_CHECKING:
    from ..codebook import Codebook
    from ..corpus import Corpus

__all__ = ["ABOUT", "MEMO_COLUMNS", "check_memos", "empty_memos", "memo_rows",
           "memos_element", "read_memos"]

#: Columns of the memos table (:attr:`Project.memos`).
MEMO_COLUMNS = ["memo_id", "name", "text", "author", "created", "about", "doc_id", "start",
                "end", "code", "target"]
#: What a memo may be about (``about``); the last five are written back as free notes.
ABOUT = ("project", "document", "code", "selection", "case", "set", "variable", "link",
         "none")
_CITRA_LINE = "citra_eval "  # lines of citra_eval's own source descriptions


def empty_memos() -> pd.DataFrame:
    """An empty memos table with its columns."""
    return pd.DataFrame(columns=MEMO_COLUMNS)


def _given(value) -> str | None:
    """A memos cell as text, or None when it is missing or empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return text if text.strip() else None


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def memo_rows(root: ET.Element, *, note_text: Callable[[ET.Element], str],
              user_name: Callable[[str | None], str | None], docs: Mapping[str, str],
              codes: Mapping[str, str],
              selections: Mapping[str, tuple[str, int, int, bool]]) -> pd.DataFrame:
    """The memos table of a project XML.

    Parameters
    ----------
    root : Element
        The ``<Project>`` (namespace stripped).
    note_text : callable
        The text of a ``<Note>`` (its ``PlainTextContent`` or its text file).
    user_name : callable
        A user's name from a ``creatingUser`` GUID.
    docs, codes : mapping
        Source GUID -> ``doc_id`` and code GUID -> code id (normalised GUIDs).
    selections : mapping
        Selection GUID -> ``(doc_id, start, end, coded)``, offsets into the corpus text.

    Returns
    -------
    DataFrame
        :data:`MEMO_COLUMNS`: ``memo_id`` (the note's GUID, empty for a description),
        ``name``, ``text``, ``author``, ``created``, ``about`` (``project``, ``document``,
        ``code``, ``selection``, ``case``, ``set``, ``variable``, ``link`` or ``none``),
        ``doc_id``/``start``/``end`` for a document or selection, ``code``, ``target`` (the
        name of the case, set, variable or link).
    """
    notes = {norm_guid(n.get("guid")): n for n in root.iterfind("Notes/Note")}
    rows: list[dict] = []
    used: set[str] = set()

    def note(ref: ET.Element, about: str, **where) -> None:
        guid = norm_guid(ref.get("targetGUID"))
        el = notes.get(guid)
        if el is None:
            return
        used.add(guid)
        rows.append({"memo_id": guid, "name": el.get("name") or "", "text": note_text(el),
                     "author": user_name(el.get("creatingUser")),
                     "created": el.get("creationDateTime"), "about": about, **where})

    def description(el: ET.Element, about: str, **where) -> None:
        text = "\n".join(ln for ln in _text(el.find("Description")).splitlines()
                         if not ln.startswith(_CITRA_LINE)).strip()
        if text:
            rows.append({"memo_id": None, "name": el.get("name") or "", "text": text,
                         "author": user_name(el.get("creatingUser")),
                         "created": el.get("creationDateTime"), "about": about, **where})

    description(root, "project")
    for ref in root.findall("NoteRef"):
        note(ref, "project")
    for code in root.iter("Code"):
        cid = codes.get(norm_guid(code.get("guid")))
        for ref in code.findall("NoteRef"):
            note(ref, "code", code=cid)
    for src in root.iterfind("Sources/TextSource"):
        doc = docs.get(norm_guid(src.get("guid")))
        if doc is None:
            continue
        description(src, "document", doc_id=doc)
        for ref in src.findall("NoteRef"):
            note(ref, "document", doc_id=doc)
        for sel in src.iterfind("PlainTextSelection"):
            found = selections.get(norm_guid(sel.get("guid")))
            if found is None or found[3]:
                continue  # a coded selection's comments are its codings' notes
            where = {"doc_id": found[0], "start": found[1], "end": found[2]}
            description(sel, "selection", **where)
            for ref in sel.findall("NoteRef"):
                note(ref, "selection", **where)
    for kind, path in (("case", "Cases/Case"), ("set", "Sets/Set"),
                       ("variable", "Variables/Variable"), ("link", "Links/Link")):
        for el in root.iterfind(path):
            target = el.get("name") or el.get("guid")
            description(el, kind, target=target)
            for ref in el.findall("NoteRef"):
                note(ref, kind, target=target)
    coding_notes = {norm_guid(r.get("targetGUID")) for tag in ("Coding", "PlainTextSelection")
                    for el in root.iter(tag) if tag == "Coding" or el.find("Coding") is not None
                    for r in el.findall("NoteRef")}
    for guid, el in notes.items():
        if guid not in used and guid not in coding_notes:
            rows.append({"memo_id": guid, "name": el.get("name") or "", "text": note_text(el),
                         "author": user_name(el.get("creatingUser")),
                         "created": el.get("creationDateTime"), "about": "none"})
    frame = pd.DataFrame(rows, columns=MEMO_COLUMNS)
    return frame.astype({"start": "Int64", "end": "Int64"}) if not frame.empty else empty_memos()


def memos_element(memos: pd.DataFrame, *, user_guid: Callable[[str], str]
                  ) -> tuple[ET.Element | None, dict[tuple, list[str]]]:
    """``<Notes>`` for a memos table, and where each note is referenced from.

    Returns the element (None without memos) and ``{(about, key): [note GUIDs]}`` with keys
    ``("project", None)``, ``("code", code_id)``, ``("document", doc_id)`` and
    ``("selection", (doc_id, start, end))``; memos about anything else are free notes.
    """
    if memos is None or memos.empty:
        return None, {}
    el = ET.Element("Notes")
    refs: dict[tuple, list[str]] = {}
    for k, row in enumerate(memos.to_dict("records")):
        guid = _given(row.get("memo_id"))
        about = _given(row.get("about")) or "none"
        if guid is None:
            guid = stable_guid("memo", k, about, _given(row.get("text")))
        attrs = {"guid": guid}
        name = _given(row.get("name"))
        if name is not None:  # a note without a name stays without one
            attrs["name"] = xml_text(name)
        author = _given(row.get("author"))
        if author is not None:
            attrs["creatingUser"] = user_guid(author)
        created = _given(row.get("created"))
        if created is not None:
            attrs["creationDateTime"] = created
        note = ET.SubElement(el, "Note", attrs)
        ET.SubElement(note, "PlainTextContent").text = xml_text(_given(row.get("text")) or "")
        key = {"project": None, "code": row.get("code"), "document": row.get("doc_id"),
               "selection": (row.get("doc_id"), row.get("start"), row.get("end"))}.get(about)
        if about in ("project", "code", "document", "selection"):
            refs.setdefault((about, key), []).append(guid)
    return el, refs


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


def check_memos(memos: pd.DataFrame, *, corpus: Corpus | None = None,
                codebook: Codebook | None = None, path: str | None = None) -> None:
    """Check a memos table before it is written into a project; raise :class:`InputError`.

    Parameters
    ----------
    memos : DataFrame
        A memos table (:data:`MEMO_COLUMNS`; ``text`` required). Rows are reported by the
        column ``_line`` when present (the file line), else as data row + 1.
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
    if not isinstance(memos, pd.DataFrame):
        raise TypeError(f"memos must be a DataFrame, got {type(memos).__name__}")
    if "text" not in memos.columns:
        raise InputError("a memos table needs the column text", path=path)
    records = memos.reindex(columns=[*MEMO_COLUMNS, "_line"]).to_dict("records")
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for k, row in enumerate(records):
        line = int(row["_line"]) if pd.notna(row["_line"]) else k + 2

        def bad(message: str, column: str, line: int = line) -> None:
            problems.append(Problem(path, message, line, column))

        cell = {c: _given(row[c]) for c in MEMO_COLUMNS}
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
