"""Writing REFI-QDA projects (``.qdpx``), deterministically."""

from __future__ import annotations

import io
import json
import math
import os
import warnings
import zipfile
from collections.abc import Iterable
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from .._files import XML_ILLEGAL, write_bytes
from .._refi import (
    DATETIME_RE,
    GUID_RE,
    PROJECT_NS,
    PROJECT_RECORD,
    SOURCE_GUID,
    SOURCE_NAME,
    SPEAKERS_PREFIX,
    TURNS_DECLARED_LINE,
    origin,
    serialise,
    stable_guid,
    xml_text,
)
from .._validation import (
    caller_stacklevel,
    check_choice,
    check_codebook,
    check_codings,
    check_corpus,
)
from .._validation import listed as listed_places
from ..codebook import Codebook, code_guid, codes_element, describe_code
from ..codings import CODING_COLUMNS, empty_codings
from ..corpus import (
    DATE_RE,
    DERIVED_DOC_COLUMNS,
    TURNS_DECLARED,
    TURNS_KEY,
    Corpus,
    declared_turns_only,
    is_missing_value,
    speakers_of,
)
from ..errors import InputError, Problem, quoted
from ..pseudonymisation import shared_problems
from .memos import check_memos, memos_element
from .positions import Convention, PositionsWarning, SourceText, moved_in_utf16


def _variable_type(values: list) -> str:
    vals = [v for v in values if not is_missing_value(v)]
    if not vals:
        return "Text"
    if all(isinstance(v, bool | np.bool_) for v in vals):
        return "Boolean"
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_) for v in vals):
        return "Integer"
    if all(isinstance(v, int | float | np.integer | np.floating)
           and not isinstance(v, bool | np.bool_) for v in vals):
        return "Integer" if all(float(v).is_integer() for v in vals) else "Float"
    if all(isinstance(v, str) and DATE_RE.match(v) for v in vals):
        return "Date"
    return "Text"


def _value_text(v, kind: str) -> str | None:
    if kind == "Boolean":
        return "true" if bool(v) else "false"
    if kind == "Integer":
        return str(int(v))
    if kind == "Float":
        f = float(v)
        return np.format_float_positional(f, trim="-") if math.isfinite(f) else None
    return xml_text(v)


def _check_export(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame) -> None:
    check_corpus(corpus)
    check_codebook(codebook, allow_none=False)
    check_codings(codings, columns=CODING_COLUMNS)
    problems = []
    for i, row in enumerate(codings.itertuples(index=False), start=1):
        where = f"codings row {i}"
        if row.doc_id not in corpus:
            problems.append(Problem(None, f"{where}: unknown doc_id {row.doc_id!r}"))
        elif not 0 <= int(row.start) < int(row.end) <= len(corpus.text(row.doc_id)):
            problems.append(Problem(None, f"{where}: span {row.start}:{row.end} is not inside "
                                    f"the text of {row.doc_id!r}"))
        if row.code not in codebook:
            problems.append(Problem(None, f"{where}: code {row.code!r} is not in the codebook"))
        if len(problems) >= 20:
            break
    if problems:
        raise InputError(problems=problems)


def xml_losses(codebook: Codebook, codings: pd.DataFrame, memos: pd.DataFrame | None = None,
               users: pd.DataFrame | None = None, *, name: str | None = None
               ) -> list[tuple[str, str]]:
    """What an export writes with characters XML 1.0 cannot hold (:data:`XML_ILLEGAL`:
    control characters but tab and line ends, which become U+FFFD): ``(where, text)`` of
    the project's name, each code's label or description, coder, coding note and memo
    holding one (``where`` as a message says it: ``the note of the coding INF01 0:4 (code
    'a', coder 'A')``)."""
    def bad(v) -> bool:
        return isinstance(v, str) and XML_ILLEGAL.search(v) is not None

    out = [("the project's name", name)] if bad(name) else []
    for code in codebook:
        texts = [*code.label.values(), describe_code(code, codebook.language)]
        out += [(f"code {code.id!r} (its label or description)", t) for t in texts if bad(t)][:1]
    users_names = [] if users is None or users.empty else list(users["name"])
    for coder in dict.fromkeys([*codings["coder"], *users_names]):
        if bad(coder):
            out.append((f"the name of coder {coder!r}", coder))
    if "note" in codings.columns:
        for r in codings[codings["note"].map(bad)].itertuples():
            out.append((f"the note of the coding {r.doc_id} {r.start}:{r.end} (code "
                        f"{r.code!r}, coder {r.coder!r})", r.note))
    if memos is not None and not memos.empty:
        for k, m in enumerate(memos.itertuples(), 1):
            memo = m.memo_id if isinstance(m.memo_id, str) and m.memo_id else k
            out += [(f"memo {memo}", t) for t in (m.name, m.text) if bad(t)][:1]
    return out


def qdpx_bytes(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame | None = None, *,
               name: str | None = None, positions: str = "codepoint",
               memos: pd.DataFrame | None = None, users: pd.DataFrame | None = None) -> bytes:
    """The ``.qdpx`` archive of a project as bytes; see :func:`write_qdpx`."""
    codings = empty_codings() if codings is None else codings
    check_choice(positions, "positions", ("codepoint", "utf16"),
                 fix="; 'codepoint' is the standard, 'utf16' what NVivo expects")
    _check_export(corpus, codebook, codings)
    _check_source_guids(corpus)
    if memos is not None:
        check_memos(memos, corpus=corpus, codebook=codebook)
    leaks = shared_problems(corpus, codebook, memos, codings=codings)
    if leaks:
        raise InputError(problems=leaks)
    lost = xml_losses(codebook, codings, memos, users, name=name)
    if lost:
        chars = sorted({c for _, text in lost for c in XML_ILLEGAL.findall(text)})
        shown = ", ".join(f"U+{ord(c):04X}" for c in chars)
        where = listed_places((w for w, _ in lost), 5, quote=False)
        warnings.warn(f"characters XML 1.0 cannot hold ({shown}) are written as U+FFFD in "
                      f"{where}; remove them (or put spaces) to keep those texts as they are",
                      UserWarning, stacklevel=3)
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": xml_text(name or codebook.name),
                                  "origin": xml_text(origin(codebook, positions=positions))})
    authors = set() if memos is None or memos.empty else {
        a for a in memos["author"] if isinstance(a, str) and a}
    listed = {} if users is None or users.empty else {
        str(n): g for n, g in zip(users["name"], users["guid"], strict=True)
        if isinstance(n, str) and n}
    user_ids = {} if users is None or users.empty or "user_id" not in users.columns else {
        str(n): i.strip() for n, i in zip(users["name"], users["user_id"], strict=True)
        if isinstance(n, str) and n and isinstance(i, str) and i.strip()}
    coders = sorted({str(c) for c in codings["coder"]} | authors | set(listed))
    user_guids = _distinct_user_guids(coders, {
        **{n: g for n, g in listed.items() if _valid(g, GUID_RE)}, **_user_guids(codings)})
    root.attrib.update({attr: user_guids[v] if attr.endswith("GUID") else v
                        for attr, v in project_record(users).items()})
    if coders:
        users = ET.SubElement(root, "Users")
        for c in coders:  # the user's id (NVivo: initials) given back when users.csv has it
            ET.SubElement(users, "User", {"guid": user_guids[c], "name": xml_text(c),
                                          **({"id": xml_text(user_ids[c])}
                                             if c in user_ids else {})})
    if codebook.codes:
        ET.SubElement(root, "CodeBook").append(codes_element(codebook))
    _variables_and_cases(root, corpus)
    memo_el, memo_refs = memos_element(
        memos, user_guid=lambda n: user_guids.get(n) or stable_guid("user", n))
    notes = _sources(root, corpus, codebook, codings, Convention(positions, 2), memo_refs,
                     user_guids)
    if notes or memo_el is not None:
        notes_el = ET.SubElement(root, "Notes")
        for guid, text in notes:
            note = ET.SubElement(notes_el, "Note", {"guid": guid, "name": "coding note"})
            ET.SubElement(note, "PlainTextContent").text = xml_text(text)
        if memo_el is not None:
            notes_el.extend(list(memo_el))
    _memo_refs(root, codebook, memo_refs)
    entries = [("project.qde", serialise(root))]
    for doc in corpus.doc_ids:
        entries.append((f"sources/{_source_guid(corpus, doc)}.txt",
                        corpus.text(doc).encode("utf-8")))
    return _zip(entries)


def project_record(users: pd.DataFrame | None, *,
                   path: str | os.PathLike | None = None) -> dict[str, str]:
    """``<Project>``'s creator, last modifier and dates from the users' ``project`` column.

    Parameters
    ----------
    users : DataFrame or None
        A users table (:attr:`Project.users`, ``users.csv``); ``project`` holds
        ``created 2024-05-01T08:00:00Z``, ``modified <date>`` (the date may be left out), or
        both joined by ``; ``.
    path : str or path, optional
        The users file, for the message (``file:line``).

    Returns
    -------
    dict
        ``creatingUserGUID``/``modifyingUserGUID`` -> the user's *name* (an export maps it
        to the user's GUID), ``creationDateTime``/``modifiedDateTime`` -> the date.

    Raises
    ------
    InputError
        When a value is none of these, is on a user without a name, or a second user claims
        to have made (or last changed) the project.

    Examples
    --------
    >>> import pandas as pd
    >>> users = pd.DataFrame({"guid": ["g1", "g2"], "name": ["Rina", "Budi"],
    ...                       "project": ["created 2024-05-01T08:00:00Z", None]})
    >>> project_record(users)
    {'creatingUserGUID': 'Rina', 'creationDateTime': '2024-05-01T08:00:00Z'}
    """
    if users is None or users.empty or "project" not in users.columns:
        return {}
    record: dict[str, str] = {}
    by_word = {word: (u, d) for u, d, word in PROJECT_RECORD}
    for i, (name, value) in enumerate(zip(users["name"], users["project"], strict=True),
                                      start=1):
        if not isinstance(value, str) or not value.strip():
            continue
        where = {"path": path, "line": i + 1} if path is not None else {}
        row = "" if where else f"users row {i}: "
        for item in value.split(";"):
            word, _, date = item.strip().partition(" ")
            date = date.strip()
            if word not in by_word or (date and not DATETIME_RE.match(date)) \
                    or not isinstance(name, str) or not name:
                raise InputError(f"{row}project {value!r} is not who made or last changed "
                                 "the project: write 'created 2024-01-02T03:04:05Z', "
                                 "'modified 2024-01-02T03:04:05Z' (the date may be left out), "
                                 "or both joined by '; ', on a user with a name", **where)
            user_attr, date_attr = by_word[word]
            if user_attr in record:
                raise InputError(f"{row}project {value!r}: another user already {word} the "
                                 f"project; keep '{word}' on one user only", **where)
            record[user_attr] = name
            if date:
                record[date_attr] = date
    return record


def _valid(value, pattern) -> str | None:
    return value.strip() if isinstance(value, str) and pattern.match(value.strip()) else None


def _distinct_user_guids(coders: list[str], given: dict[str, str]) -> dict[str, str]:
    """Each coder's GUID: the one given back (the first coder claiming it keeps it), else
    the one derived from the name; no two coders share one."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in coders:
        guid, k = given.get(c), 0
        while guid is None or guid.lower() in used:
            guid, k = stable_guid("user", c, *([k] if k else [])), k + 1
        used.add(guid.lower())
        out[c] = guid
    return out


def _user_guids(codings: pd.DataFrame) -> dict[str, str]:
    """The GUID each coder had in the program a project came from (``coder_guid``)."""
    if "coder_guid" not in codings.columns:
        return {}
    out: dict[str, str] = {}
    for coder, guid in zip(codings["coder"].astype(str), codings["coder_guid"], strict=True):
        if _valid(guid, GUID_RE):
            out.setdefault(coder, guid.strip())
    return out


def _doc_attr(corpus: Corpus, doc: str, key: str):
    if key not in corpus.documents.columns:
        return None
    value = corpus.document(doc)[key]
    return None if is_missing_value(value) else value


def _check_source_guids(corpus: Corpus) -> None:
    """Refuse two documents with one source GUID: a project holds each source once (its
    text is the entry ``sources/<guid>.txt``)."""
    first: dict[str, str] = {}
    for doc in corpus.doc_ids:
        guid = _source_guid(corpus, doc).strip("{}").lower()
        if guid in first:
            raise InputError(f"documents {quoted(first[guid])} and {quoted(doc)} have the same "
                             f"{SOURCE_GUID} {quoted(guid)} (the GUID of their source in "
                             f"another program); remove it from one of them")
        first[guid] = doc


def _source_guid(corpus: Corpus, doc: str) -> str:
    """A document's source GUID: the one it had in another program, else derived."""
    return _valid(_doc_attr(corpus, doc, SOURCE_GUID), GUID_RE) or stable_guid("source", doc)


def _variables_and_cases(root: ET.Element, corpus: Corpus) -> None:
    docs = corpus.documents
    if TURNS_KEY in docs.columns:  # "turns: declared" goes into the source description
        docs = docs.assign(**{TURNS_KEY: docs[TURNS_KEY].where(
            docs[TURNS_KEY].astype(str).str.strip().str.lower() != TURNS_DECLARED)})
    columns = [c for c in docs.columns if c not in DERIVED_DOC_COLUMNS
               and c not in (SOURCE_NAME, SOURCE_GUID)  # the source's own name and GUID
               and not docs[c].map(is_missing_value).all()]
    if not columns:
        return
    kinds = {c: _variable_type(docs[c].tolist()) for c in columns}
    variables = ET.SubElement(root, "Variables")
    for c in columns:
        ET.SubElement(variables, "Variable", {"guid": stable_guid("variable", c),
                                              "name": xml_text(c), "typeOfVariable": kinds[c]})
    cases = ET.SubElement(root, "Cases")
    for row in docs.to_dict("records"):
        doc = row["doc_id"]
        case = ET.SubElement(cases, "Case", {"guid": stable_guid("case", doc),
                                             "name": xml_text(doc)})
        for c in columns:
            if is_missing_value(row.get(c)):
                continue
            text = _value_text(row[c], kinds[c])
            if text is None:
                continue
            vv = ET.SubElement(case, "VariableValue")
            ET.SubElement(vv, "VariableRef", {"targetGUID": stable_guid("variable", c)})
            ET.SubElement(vv, f"{kinds[c]}Value").text = text
        ET.SubElement(case, "SourceRef", {"targetGUID": _source_guid(corpus, doc)})


def _memo_refs(root: ET.Element, codebook: Codebook, refs: dict[tuple, list[str]]) -> None:
    """``NoteRef``s from the project and from codes to the memos about them."""
    for guid in refs.get(("project", None), []):
        ET.SubElement(root, "NoteRef", {"targetGUID": guid})
    by_guid = {el.get("guid"): el for el in root.iter("Code")}
    for (about, key), guids in refs.items():
        if about != "code" or key not in codebook:
            continue
        el = by_guid[code_guid(codebook.codes[key])]
        at = 1 if el.find("Description") is not None else 0  # Description, NoteRef, Code
        for k, guid in enumerate(guids):
            el.insert(at + k, ET.Element("NoteRef", {"targetGUID": guid}))


def _sources(root: ET.Element, corpus: Corpus, codebook: Codebook, codings: pd.DataFrame,
             convention: Convention, memo_refs: dict[tuple, list[str]] | None = None,
             user_guids: dict[str, str] | None = None) -> list[tuple[str, str]]:
    code_order = {cid: i for i, cid in enumerate(codebook.ids)}
    doc_order = {d: i for i, d in enumerate(corpus.doc_ids)}
    frame = codings.assign(_d=codings["doc_id"].map(doc_order),
                           _c=codings["code"].map(code_order),
                           coder=codings["coder"].astype(str))
    frame = frame.sort_values(["_d", "start", "end", "_c", "coder"], kind="stable")
    frame = frame.drop_duplicates(["doc_id", "start", "end", "code", "coder"])
    # codings of one span share a selection, unless another program gave them their own
    frame["_sel"] = (frame["selection_guid"].where(frame["selection_guid"].notna(), "")
                     .astype(str) if "selection_guid" in frame.columns else "")
    guids = {cid: code_guid(code) for cid, code in codebook.codes.items()}
    by_doc = _selections(frame)
    notes: list[tuple[str, str]] = []
    if not corpus.doc_ids:
        return []
    sources = ET.SubElement(root, "Sources")
    used: set[str] = set()  # GUIDs given back (a selection cut into turns keeps it once)

    def keep(value, kind: str, *parts) -> str:
        """The GUID given back, else the derived one; never one written before (a GUID
        given back may be the one derived for another span, or be given twice)."""
        guid, k = _valid(value, GUID_RE), 0
        while guid is None or guid.lower() in used:
            guid, k = stable_guid(kind, *parts, *([k] if k else [])), k + 1
        used.add(guid.lower())
        return guid

    user_guids = user_guids or {}
    for doc in corpus.doc_ids:
        guid = _source_guid(corpus, doc)
        src_name = _doc_attr(corpus, doc, SOURCE_NAME)
        src = ET.SubElement(sources, "TextSource", {
            "guid": guid, "name": xml_text(src_name if isinstance(src_name, str) else doc),
            "plainTextPath": f"internal://{guid}.txt"})
        roles = speakers_of(corpus, doc)
        desc = [SPEAKERS_PREFIX + json.dumps(roles, ensure_ascii=False)] if roles else []
        if declared_turns_only(corpus, doc):
            desc.append(TURNS_DECLARED_LINE)
        if desc:
            ET.SubElement(src, "Description").text = xml_text("\n".join(desc))
        text = SourceText(corpus.text(doc)) if convention.units != "codepoint" else None
        _memo_selections(src, doc, memo_refs or {}, text, convention)
        for (start, end, _), sel_rows in by_doc.get(doc, {}).items():
            a, b = ((start, end) if text is None else
                    (text.from_text(start, convention), text.from_text(end, convention)))
            sel = ET.SubElement(src, "PlainTextSelection", {
                "guid": keep(sel_rows[0].get("selection_guid"), "selection", doc, start, end),
                "startPosition": str(a), "endPosition": str(b),
                **_selection_creator(sel_rows, user_guids)})
            for row in sel_rows:
                cguid = keep(row.get("coding_guid"), "coding", doc, start, end, row["code"],
                             row["coder"])
                attrs = {"guid": cguid, "creatingUser": user_guids.get(row["coder"])
                         or stable_guid("user", row["coder"])}
                created = _valid(row.get("created"), DATETIME_RE)
                if created:
                    attrs["creationDateTime"] = created
                coding = ET.SubElement(sel, "Coding", attrs)
                ET.SubElement(coding, "CodeRef", {"targetGUID": guids[row["code"]]})
                note = row.get("note")
                if isinstance(note, str) and note.strip():
                    nguid = stable_guid("note", cguid)
                    ET.SubElement(coding, "NoteRef", {"targetGUID": nguid})
                    notes.append((nguid, note))
        for guid in (memo_refs or {}).get(("document", doc), []):
            ET.SubElement(src, "NoteRef", {"targetGUID": guid})  # after the selections
    return notes


def _selections(frame: pd.DataFrame) -> dict[str, dict[tuple[int, int, str], list[dict]]]:
    """The rows of ``frame`` (sorted, with ``_sel``) as plain records, by document and then
    by selection ``(start, end, _sel)``, both in order of first appearance: grouped in one
    pass (a group-by per selection cost milliseconds a coding)."""
    columns = [c for c in ("code", "coder", "selection_guid", "coding_guid", "created", "note",
                           "selection_user_guid", "selection_created") if c in frame.columns]
    out: dict[str, dict[tuple[int, int, str], list[dict]]] = {}
    keys = zip(frame["doc_id"].tolist(), frame["start"].tolist(), frame["end"].tolist(),
               frame["_sel"].tolist(), strict=True)
    records = frame[columns].to_dict("records")
    for (doc, start, end, sel), record in zip(keys, records, strict=True):
        if pd.isna(doc):
            continue
        out.setdefault(doc, {}).setdefault((int(start), int(end), sel), []).append(record)
    return out


def _selection_creator(rows: list[dict], user_guids: dict[str, str]) -> dict[str, str]:
    """A selection's own ``creatingUser`` and ``creationDateTime`` given back (codings'
    ``selection_user_guid``, ``selection_created``: from another program): the user only
    when the project declares it (a coder, a memo author or a row of ``users``), spelt as
    its ``<User>`` is."""
    out = {}
    guid = next((g for r in rows if _valid(g := r.get("selection_user_guid"), GUID_RE)), None)
    declared = {g.strip("{}").lower(): g for g in user_guids.values()} if guid else {}
    if guid is not None and guid.strip().strip("{}").lower() in declared:
        out["creatingUser"] = declared[guid.strip().strip("{}").lower()]
    created = next((d for r in rows if _valid(d := r.get("selection_created"), DATETIME_RE)),
                   None)
    if created is not None:
        out["creationDateTime"] = created.strip()
    return out


def _memo_selections(src: ET.Element, doc: str, refs: dict[tuple, list[str]],
                     text: SourceText | None, convention: Convention) -> None:
    """Uncoded selections carrying the memos about a span of the document."""
    for (about, key), guids in refs.items():
        if about != "selection" or key[0] != doc or any(pd.isna(v) for v in key[1:]):
            continue
        start, end = int(key[1]), int(key[2])
        a, b = ((start, end) if text is None else
                (text.from_text(start, convention), text.from_text(end, convention)))
        sel = ET.SubElement(src, "PlainTextSelection", {
            "guid": stable_guid("memo-selection", doc, start, end),
            "startPosition": str(a), "endPosition": str(b)})
        for guid in guids:
            ET.SubElement(sel, "NoteRef", {"targetGUID": guid})


def _zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries:
            if name in names:  # a reader refuses it: never written
                raise ValueError(f"the archive would hold the entry {name!r} twice")
            names.add(name)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def write_qdpx(path: str | os.PathLike, corpus: Corpus, codebook: Codebook,
               codings: pd.DataFrame | None = None, *, name: str | None = None,
               positions: str = "codepoint", memos: pd.DataFrame | None = None,
               users: pd.DataFrame | None = None) -> None:
    """Write a REFI-QDA project (``.qdpx``) that NVivo, ATLAS.ti, MAXQDA, QualCoder... import.
    Parameters
    ----------
    path : str or path
        Target ``.qdpx`` (written atomically).
    corpus : Corpus
        Each document becomes a text source (``sources/<guid>.txt``, the plain text the
        offsets refer to) named by its ``doc_id``; its speakers and roles are kept in the
        source description so turns are recovered on import.
    codebook : Codebook
        Becomes the project codebook (see :func:`codebook_to_qdc` for what a code carries).
    codings : DataFrame, optional
        A codings table; each distinct span becomes a ``PlainTextSelection`` and each row a
        ``Coding`` by the user named ``coder``; a ``note`` becomes a REFI note.
    name : str, optional
        The project's name (default: the codebook's name).
    positions : {"codepoint", "utf16"}, default "codepoint"
        How ``startPosition``/``endPosition`` count: Unicode code points, as REFI-QDA 1.5
        says, or UTF-16 code units, as NVivo reads them (an emoji counts 2). The choice is
        recorded in the project's ``origin``, so :func:`read_qdpx` reads either back.
    memos : DataFrame, optional
        A memos table (:attr:`Project.memos`, ``memos.csv``): each memo becomes a note
        (without a name when it has none), referenced from the project, its code, its
        document or an uncoded selection of its span according to ``about``.
    users : DataFrame, optional
        ``guid, name[, user_id]`` of users to write besides the coders and memo authors
        (:attr:`Project.users`: users without codings are kept, with their GUIDs; a
        ``user_id``, NVivo's initials, becomes the user's ``id``; a ``project`` column,
        ``created 2024-05-01T08:00:00Z`` and/or ``modified <date>`` joined by ``; ``,
        becomes the project's creator, last modifier and dates).

    Notes
    -----
    Document attributes (front-matter keys) become variables of one case per document
    (typed Boolean, Integer, Float, Date or Text). GUIDs are UUID-5s of ids, zip entries have
    fixed dates and order: the same input always gives the same bytes. Not exported:
    ``evidence``, the codebook's ``slang``/``no_stem``.

    Returns
    -------
    None
        The archive is written to a temporary name and renamed, never half-written.

    Warns
    -----
    PositionsWarning
        With ``positions="codepoint"``, when some codings end after a character beyond
        U+FFFF (an emoji) of their text: NVivo, which counts such a character twice, would
        put them on other text; the message says how many, and ``positions="utf16"``.
    UserWarning
        When a text holds characters XML 1.0 cannot hold (written as U+FFFD).

    Raises
    ------
    InputError
        When a user's ``project`` is not ``created [date]``/``modified [date]`` (or names
        one of them twice), a coding refers to an unknown document or code, or lies outside
        its text, or a memo is wrong (:func:`~citra_eval.qdpx.memos.check_memos`: a GUID or
        date the schema refuses, an unknown document, code or ``about``, a span outside its
        text).
        When ``corpus`` was read from transcripts ``citra-eval pseudonymise`` wrote (its
        ``pseudonymisation_report.csv`` beside their folder), or is the corpus
        :func:`~citra_eval.pseudonymise` returned, and the codebook, the memos or the
        codings' ``note``/``evidence`` may hold the names it no longer does
        (:func:`~citra_eval.pseudonymisation.shared_problems`, the check of ``qdpx export``):
        the message says which file pseudonymise writes to share instead.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> codings = ce.read_codings(ce.example_path("codings_A"), corpus=corpus, codebook=cb)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "study.qdpx"
    >>> ce.write_qdpx(out, corpus, cb, codings)
    >>> back = ce.read_qdpx(out)
    >>> len(back.codings) == len(codings), back.corpus.texts == corpus.texts
    (True, True)
    """
    write_bytes(path, qdpx_bytes(corpus, codebook, codings, name=name, positions=positions,
                                 memos=memos, users=users))
    moved = (moved_in_utf16(corpus.texts, codings)
             if positions == "codepoint" and codings is not None else 0)
    if moved:
        warnings.warn(PositionsWarning(moved, len(codings)), stacklevel=caller_stacklevel())
