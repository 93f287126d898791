"""What a REFI-QDA project holds that citra_eval does not keep, counted.

REFI-QDA 1.5 §7 asks an importer to show what it discards. citra_eval keeps text sources,
their coded selections (codes, coders, dates, GUIDs, the selections' own creators and
dates, comments and notes), the codebook, users, the project's creator, last modifier and
their dates, cases and variables, sets of sources (as document attributes) and memos (see
:mod:`citra_eval.qdpx.memos`). :func:`discarded` counts the rest, by kind, from the XML, so
that nothing goes missing in silence; ``Project.discarded`` holds the table and
``citra-eval qdpx import`` lists it on stderr.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree as ET

import pandas as pd

from .._refi import PROJECT_RECORD

__all__ = ["DISCARDED_COLUMNS", "discarded"]

#: Columns of ``Project.discarded``.
DISCARDED_COLUMNS = ["what", "count", "codings"]

_MEDIA = {"PictureSource": "picture sources", "PDFSource": "PDF sources",
          "AudioSource": "audio sources", "VideoSource": "video sources"}


def _codings(el: ET.Element) -> int:
    return sum(1 for _ in el.iter("Coding"))


def discarded(root: ET.Element, *, skipped: Iterable[tuple[str, int]] = (),
              changed: Iterable[tuple[str, int]] = ()) -> pd.DataFrame:
    """Count what citra_eval does not keep of a project XML (namespace stripped).

    Parameters
    ----------
    root : Element
        The ``<Project>``.
    skipped : iterable of (str, int)
        Text sources the reader skipped (their text was not found) and their codings.
    changed : iterable of (str, int)
        Text sources the reader skipped because their text file (outside the archive) has
        changed since they were coded, and their codings.

    Returns
    -------
    DataFrame
        ``what`` (a plain-language kind), ``count`` (how many), ``codings`` (codings lost
        with them); kinds absent from the file are left out.

    Examples
    --------
    >>> root = ET.fromstring('<Project><Sources><PDFSource guid="a" name="p"><PDFSelection '
    ...     'guid="b"><Coding guid="c"/></PDFSelection></PDFSource></Sources><Links><Link '
    ...     'guid="d"/></Links></Project>')
    >>> discarded(root)
                      what  count  codings
    0          PDF sources      1        1
    1  links between items      1        0
    """
    counts: dict[str, list[int]] = {}

    def add(what: str, n: int = 1, codings: int = 0) -> None:
        if n:
            c = counts.setdefault(what, [0, 0])
            c[0] += n
            c[1] += codings

    skipped = list(skipped)
    add("text sources whose text was not found", len(skipped), sum(n for _, n in skipped))
    changed = list(changed)
    add("text sources whose text changed since coding", len(changed),
        sum(n for _, n in changed))
    for src in root.iterfind("Sources/*"):
        if src.tag in _MEDIA:
            add(_MEDIA[src.tag], 1, _codings(src))
        elif src.tag == "TextSource":
            if src.get("richTextPath"):
                add("rich-text originals (.docx) of text sources")
            for sel in src.iterfind("PlainTextSelection"):
                codings = sel.findall("Coding")
                if not codings and not (sel.findtext("Description") or "").strip() \
                        and sel.find("NoteRef") is None:
                    add("text selections without codes or comments")
                if codings and (sel.get("name") or "").strip():
                    add("names of coded text selections (their text is kept)")
    for note in root.iterfind("Notes/Note"):
        n = len(note.findall("PlainTextSelection"))
        add("selections inside notes", n, _codings(note))
        if note.get("richTextPath"):
            add("rich-text originals (.docx) of notes")
    # the creator and modifier are kept with their dates on the users (Project.users);
    # a date without its user has no place there
    add("dates of the project's creation or last change that name no user",
        sum(bool((root.get(d) or "").strip()) and not (root.get(u) or "").strip()
            for u, d, _ in PROJECT_RECORD))
    add("links between items", len(root.findall("Links/Link")))
    add("graphs (network views)", len(root.findall("Graphs/Graph")))
    add("sets of codes (code groups): their memberships",
        len(root.findall("Sets/Set/MemberCode")))
    add("sets of notes: their memberships", len(root.findall("Sets/Set/MemberNote")))
    add("cases' references to codes or selections",
        len(root.findall("Cases/Case/CodeRef")) + len(root.findall("Cases/Case/SelectionRef")))
    rows = [{"what": k, "count": v[0], "codings": v[1]} for k, v in counts.items()]
    return pd.DataFrame(rows, columns=DISCARDED_COLUMNS).astype({"count": "int64",
                                                                 "codings": "int64"})
