"""Memos of a REFI-QDA project: its notes and the descriptions it attaches to things.

REFI-QDA keeps a researcher's memos as ``<Note>`` elements (referenced by ``<NoteRef>`` from
the project, a code, a source, a selection, a coding, a link...) and as ``<Description>``
texts of the project, sources, cases, sets and variables. Notes of codings (and the
description of a coded selection) become the coding's ``note``; everything else becomes one
row of the memos table, saying what it is about, and is written back as notes on export.

The memos table itself (columns, reading, checking) is :mod:`citra_eval._memos`, shared with
:mod:`citra_eval.pseudonymisation`; its names are given here as well.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from xml.etree import ElementTree as ET

import pandas as pd

from .._memos import ABOUT, MEMO_COLUMNS, check_memos, empty_memos, given_text, read_memos
from .._refi import norm_guid, stable_guid, xml_text

__all__ = ["ABOUT", "MEMO_COLUMNS", "check_memos", "empty_memos", "memo_rows",
           "memos_element", "read_memos"]

_CITRA_LINE = "citra_eval "  # lines of citra_eval's own source descriptions


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
        guid = given_text(row.get("memo_id"))
        about = given_text(row.get("about")) or "none"
        if guid is None:
            guid = stable_guid("memo", k, about, given_text(row.get("text")))
        attrs = {"guid": guid}
        name = given_text(row.get("name"))
        if name is not None:  # a note without a name stays without one
            attrs["name"] = xml_text(name)
        author = given_text(row.get("author"))
        if author is not None:
            attrs["creatingUser"] = user_guid(author)
        created = given_text(row.get("created"))
        if created is not None:
            attrs["creationDateTime"] = created
        note = ET.SubElement(el, "Note", attrs)
        ET.SubElement(note, "PlainTextContent").text = xml_text(given_text(row.get("text")) or "")
        key = {"project": None, "code": row.get("code"), "document": row.get("doc_id"),
               "selection": (row.get("doc_id"), row.get("start"), row.get("end"))}.get(about)
        if about in ("project", "code", "document", "selection"):
            refs.setdefault((about, key), []).append(guid)
    return el, refs
