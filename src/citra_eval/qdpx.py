"""REFI-QDA exchange: projects (``.qdpx``) and codebooks (``.qdc``).

REFI-QDA is the exchange standard of NVivo, ATLAS.ti, MAXQDA, QualCoder, Transana and others.
A ``.qdpx`` is a zip holding the project XML (``project.qde``) and the sources' plain texts
(``sources/<guid>.txt``); a ``.qdc`` is a codebook XML alone.

Reading treats every file as untrusted (see :mod:`citra_eval._safezip`): nothing is extracted
to disk, archive entries escaping the folder, zip bombs and XML entity tricks are refused with
an :class:`~citra_eval.InputError` naming the file.

Offsets. REFI-QDA ``startPosition``/``endPosition`` count Unicode code points of the source
text as stored, end-exclusive. citra_eval's plain text drops a byte-order mark and turns CRLF
into LF, so every offset is mapped onto that text: the slice of the mapped offsets is exactly
the selected text (minus the carriage returns).

Writing is deterministic: GUIDs are derived from ids (UUID version 5 in a fixed namespace),
zip entries have fixed timestamps and order, so the same project exported twice gives
identical bytes, and export -> import -> export reproduces the first file byte for byte.
"""

from __future__ import annotations

import bisect
import io
import json
import math
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from ._safezip import DEFAULT_LIMITS, Limits, parse_xml, read_zip
from .codebook import Code, Codebook, Pattern
from .codings import CODING_COLUMNS, empty_codings
from .corpus import _GENERIC_LABEL_RE, _TS, Corpus, _assemble, parse_transcript
from .errors import InputError, Problem

__all__ = [
    "GUID_NAMESPACE",
    "Project",
    "codebook_from_qdc",
    "codebook_from_qdpx",
    "codebook_to_qdc",
    "front_matter_of",
    "qdc_bytes",
    "qdpx_bytes",
    "read_qdpx",
    "stable_guid",
    "transcript_source",
    "write_qdpx",
    "write_transcripts",
]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: Namespace of the UUID-5 GUIDs citra_eval writes (fixed forever: changing it changes files).
GUID_NAMESPACE = uuid.UUID("6b1c3f0e-5a7d-5c2e-9f43-2a7e1d0c9b18")
_ORIGIN_RE = re.compile(r"\(codebook (?P<name>.*), version (?P<version>[^,]*), "
                        r"language (?P<language>[a-z]{2,3})\)\s*$")
_SPEAKERS_PREFIX = "citra_eval speakers: "
_DERIVED_DOC_COLUMNS = {"doc_id", "path", "format", "n_segments", "n_words"}
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_CODE_ID_OK = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_DEPTH = 200
# Characters XML 1.0 cannot carry at all; replaced on export so the file stays readable.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def stable_guid(kind: str, *parts: object) -> str:
    """A GUID derived from ``kind`` and ``parts`` (UUID 5), stable across runs and machines.

    Examples
    --------
    >>> stable_guid("code", "kerja_sama") == stable_guid("code", "kerja_sama")
    True
    >>> stable_guid("code", "kerja_sama") != stable_guid("code", "bamara")
    True
    """
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join([kind, *map(str, parts)])))


def _norm_guid(value: str | None) -> str:
    """Compare GUIDs case-insensitively, with or without braces."""
    return (value or "").strip().strip("{}").lower()


def _xml_text(value: object) -> str:
    return _XML_BAD.sub("\ufffd", str(value))


def _origin(codebook: Codebook) -> str:
    from . import __version__

    return (f"citra_eval {__version__} (codebook {codebook.name}, version {codebook.version}, "
            f"language {codebook.language})")


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


# --------------------------------------------------------------------------- code descriptions

_DESC_KEYS = {"definition", "include", "exclude", "example", "pattern", "regex", "construct",
              "note", "label", "id", "color"}
_DESC_LINE = re.compile(r"^(?P<key>[A-Z][a-z]+)(?: \((?P<lang>[a-z]{2,3})\))?: ?(?P<value>.*)$")


def _describe(code: Code, language: str) -> str:
    """The REFI ``Description`` of a code: human-readable ``Key: value`` lines."""
    lines: list[str] = []

    def texts(key: str, values: Mapping[str, str]) -> None:
        order = sorted(values, key=lambda lang: (lang != language, lang))
        for lang in order:
            if values[lang]:
                suffix = "" if lang == language else f" ({lang})"
                lines.append(f"{key}{suffix}: {values[lang]}")

    texts("Definition", code.definition)
    texts("Include", code.include)
    texts("Exclude", code.exclude)
    lines.extend(f"Example: {e}" for e in code.examples)
    for p in code.patterns:
        lines.append(f"{'Pattern' if p.kind == 'phrase' else 'Regex'}: {p.text}")
    if code.construct:
        lines.append(f"Construct: {code.construct}")
    if code.note:
        lines.append(f"Note: {code.note}")
    texts("Label", {k: v for k, v in code.label.items() if k != language})
    lines.append(f"Id: {code.id}")
    return "\n".join(lines)


def _parse_description(text: str | None, language: str) -> dict:
    """Inverse of :func:`_describe`; free text before any ``Key:`` line is the definition."""
    out: dict = {"definition": {}, "include": {}, "exclude": {}, "label": {}, "examples": [],
                 "patterns": [], "construct": None, "note": None, "id": None}
    if not text or not text.strip():
        return out
    current: tuple[str, str | None] | None = None
    chunks: list[tuple[tuple[str, str | None] | None, list[str]]] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = _DESC_LINE.match(line)
        key = m.group("key").lower() if m else None
        if m and key in _DESC_KEYS:
            current = (key, m.group("lang"))
            chunks.append((current, [m.group("value")]))
        elif chunks:
            chunks[-1][1].append(line)
        else:
            chunks.append((None, [line]))
    for where, parts in chunks:
        value = "\n".join(parts).strip()
        key, lang = where if where else ("definition", None)
        lang = lang or language
        if not value:
            continue
        if key in ("definition", "include", "exclude", "label"):
            target = out[key]
            target[lang] = f"{target[lang]}\n{value}" if lang in target else value
        elif key == "example":
            out["examples"].append(value)
        elif key in ("pattern", "regex"):
            if key == "regex":
                try:
                    re.compile(value)
                except re.error:
                    continue  # an unusable regex from another tool is dropped, not fatal
            out["patterns"].append(Pattern(value, "phrase" if key == "pattern" else "regex"))
        elif key in ("construct", "note", "id"):
            out[key] = value
    return out


# --------------------------------------------------------------------------- codebook export


def _code_element(codebook: Codebook, code: Code, depth: int = 0) -> ET.Element:
    attrs = {"guid": stable_guid("code", code.id), "name": _xml_text(codebook.label(code.id)),
             "isCodable": "true" if code.codable else "false"}
    if code.color and re.fullmatch(r"#(?:[A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})", code.color):
        attrs["color"] = code.color
    el = ET.Element("Code", attrs)
    ET.SubElement(el, "Description").text = _xml_text(_describe(code, codebook.language))
    for child in code.children:
        el.append(_code_element(codebook, codebook.codes[child], depth + 1))
    return el


def _codes_element(codebook: Codebook) -> ET.Element:
    codes = ET.Element("Codes")
    for root in codebook.roots:
        codes.append(_code_element(codebook, codebook.codes[root]))
    return codes


def qdc_bytes(codebook: Codebook) -> bytes:
    """The REFI-QDA codebook XML of ``codebook`` as bytes; see :func:`codebook_to_qdc`."""
    if not isinstance(codebook, Codebook):
        raise TypeError(f"codebook must be a Codebook, got {type(codebook).__name__}")
    if not codebook.codes:
        raise ValueError("codebook has no codes; a REFI-QDA codebook needs at least one")
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": _xml_text(_origin(codebook))})
    root.append(_codes_element(codebook))
    return _serialise(root)


def codebook_to_qdc(codebook: Codebook, path: str | os.PathLike) -> None:
    """Write ``codebook`` as a REFI-QDA codebook (``.qdc``), atomically.

    Each code becomes a ``<Code>`` named by its label in the codebook language, with
    ``isCodable`` (false for categories), ``color`` and a ``<Description>`` of
    ``Key: value`` lines (Definition, Include, Exclude, Example, Pattern/Regex, Construct,
    Note, labels in other languages as ``Label (en)``, and the ``Id``), readable in any
    QDA program and read back by :func:`codebook_from_qdc`. GUIDs are UUID-5s of the code ids,
    so exporting twice gives identical bytes.

    Parameters
    ----------
    codebook : Codebook
        The codebook to export.
    path : str or path
        Target ``.qdc`` file.

    Returns
    -------
    None
        The file is written atomically.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> cb = ce.Codebook.from_dict({"codebook": "demo", "language": "id", "codes": [
    ...     {"id": "strategi", "label": {"id": "Strategi", "en": "Strategies"},
    ...      "codable": False, "children": [{"id": "kerja_sama", "label": "Kerja sama",
    ...                                      "definition": "Bekerja dengan mitra."}]}]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "demo.qdc"
    >>> cb.to_qdc(out)
    >>> back = ce.Codebook.from_qdc(out)
    >>> back.ids, back.label("strategi", "en"), back["strategi"].codable
    (['strategi', 'kerja_sama'], 'Strategies', False)
    """
    from ._files import write_bytes

    write_bytes(path, qdc_bytes(codebook))


# --------------------------------------------------------------------------- codebook import


def snake_id(name: str) -> str:
    """A lowercase snake_case code id made from a code name (accents dropped).

    Examples
    --------
    >>> snake_id("Membangun Kerja-sama (MoU)")
    'membangun_kerja_sama_mou'
    >>> snake_id("2022 review")
    'c_2022_review'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")[:60].rstrip("_")
    if not out:
        return "code"
    return out if out[0].isalpha() else f"c_{out}"


class _CodeTree:
    """Builds a :class:`Codebook` from REFI ``<Code>`` elements, remembering GUID -> id."""

    def __init__(self, language: str, path: str | None) -> None:
        self.language = language
        self.path = path
        self.codes: dict[str, Code] = {}
        self.by_guid: dict[str, str] = {}
        self.taken: set[str] = set()

    def unique(self, wanted: str | None, name: str) -> str:
        if wanted and _CODE_ID_OK.match(wanted) and wanted not in self.taken:
            self.taken.add(wanted)
            return wanted
        base = snake_id(name)
        cid, n = base, 1
        while cid in self.taken:
            n += 1
            cid = f"{base}_{n}"
        self.taken.add(cid)
        return cid

    def add(self, el: ET.Element, parent: str | None, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise InputError(f"codes are nested more than {_MAX_DEPTH} levels deep; this is not "
                             "a real codebook", path=self.path)
        guid = _norm_guid(el.get("guid"))
        name = (el.get("name") or "").strip() or guid or "code"
        if not guid:
            raise InputError(f"code {name!r} has no 'guid' attribute, which REFI-QDA requires",
                             path=self.path)
        if guid in self.by_guid:
            raise InputError(f"two codes share the GUID {guid} (the second is {name!r}); the "
                             "file is corrupt", path=self.path)
        desc = el.find("Description")
        info = _parse_description(desc.text if desc is not None else None, self.language)
        cid = self.unique(info["id"], name)
        label = {self.language: name}
        for lang, text in info["label"].items():
            label.setdefault(lang, text)
        codable = (el.get("isCodable") or "true").strip().lower() not in ("false", "0")
        code = Code(id=cid, label=label, parent=parent, codable=codable,
                    definition=info["definition"], include=info["include"],
                    exclude=info["exclude"], examples=info["examples"],
                    patterns=info["patterns"], construct=info["construct"] if codable else None,
                    color=el.get("color"), note=info["note"])
        self.codes[cid] = code
        self.by_guid[guid] = cid
        if parent is not None:
            self.codes[parent].children.append(cid)
        for child in el.findall("Code"):
            self.add(child, cid, depth + 1)

    def build(self, codes_el: ET.Element | None, *, name: str, version: str) -> Codebook:
        if codes_el is not None:
            for el in codes_el.findall("Code"):
                self.add(el, None, 0)
        return Codebook(name=name, version=version, language=self.language, codes=self.codes,
                        path=self.path)


def _meta_from_origin(origin: str | None) -> dict:
    m = _ORIGIN_RE.search(origin or "")
    return m.groupdict() if m and (origin or "").startswith("citra_eval") else {}


def _codebook_from_root(root: ET.Element, *, path: str, language: str | None,
                        default_name: str) -> tuple[Codebook, dict[str, str]]:
    meta = _meta_from_origin(root.get("origin"))
    lang = language or meta.get("language") or "id"
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise ValueError(f"language must be a language code like 'id' or 'en', got {language!r}")
    book = root if root.tag == "CodeBook" else root.find("CodeBook")
    codes_el = book.find("Codes") if book is not None else None
    tree = _CodeTree(lang, path)
    cb = tree.build(codes_el, name=meta.get("name") or root.get("name") or default_name,
                    version=meta.get("version") or "1")
    return cb, tree.by_guid


def codebook_from_qdc(path: str | os.PathLike, *, language: str | None = None) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``) written by NVivo, ATLAS.ti, QualCoder, citra_eval...

    Parameters
    ----------
    path : str or path
        A ``.qdc`` file (a project ``.qde`` XML works too; for a ``.qdpx`` archive use
        :func:`codebook_from_qdpx`).
    language : str, optional
        The language of the code names; default: the one recorded by citra_eval, else ``id``.

    Returns
    -------
    Codebook
        Ids are the ``Id:`` recorded in the description by citra_eval, else snake_case of the
        code names (made unique with ``_2``, ``_3``...); labels are the names, in ``language``.
        A description of another tool becomes the code's definition.

    Raises
    ------
    InputError
        Not XML, unsafe XML (DTD/entities), not a REFI-QDA codebook, or no codes.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "citra.qdc"
    >>> ce.codebook_to_qdc(cb, out)
    >>> back = ce.codebook_from_qdc(out)
    >>> back.ids == cb.ids, back.codable_ids == cb.codable_ids
    (True, True)
    """
    spath = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found; check the path", path=spath) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise InputError(f"cannot read this file ({type(exc).__name__})", path=spath) from None
    if data[:4] == b"PK\x03\x04":
        return codebook_from_qdpx(path, language=language)
    root = parse_xml(data, path=spath)
    if root.tag not in ("CodeBook", "Project"):
        raise InputError(f"not a REFI-QDA codebook: the root element is <{root.tag}>, expected "
                         "<CodeBook>", path=spath)
    cb, _ = _codebook_from_root(root, path=spath, language=language, default_name=Path(spath).stem)
    if not cb.codes:
        raise InputError("the codebook has no codes", path=spath)
    return cb


def codebook_from_qdpx(path: str | os.PathLike, *, language: str | None = None,
                       limits: Limits = DEFAULT_LIMITS) -> Codebook:
    """The codebook of a REFI-QDA project (``.qdpx``), without reading its sources.

    Parameters
    ----------
    path : str or path
        A ``.qdpx`` archive (NVivo, ATLAS.ti, MAXQDA, QualCoder, citra_eval).
    language : str, optional
        The language of the code names; default: the one recorded by citra_eval, else
        ``id``.
    limits : Limits
        Size limits of the archive (zip-bomb protection).

    Returns
    -------
    Codebook
        As :func:`codebook_from_qdc` reads it.

    Raises
    ------
    InputError
        Not a zip, truncated, hostile, or not a REFI-QDA project.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "study.qdpx"
    >>> ce.write_qdpx(out, corpus, cb, ce.read_codings(ce.example_path("codings_A")))
    >>> ce.codebook_from_qdpx(out).ids == cb.ids
    True
    """
    spath = os.fspath(path)
    members = read_zip(path, limits=limits, what="REFI-QDA project (.qdpx)")
    root = _project_root(members, spath)
    cb, _ = _codebook_from_root(root, path=spath, language=language,
                                default_name=Path(spath).stem)
    return cb


# --------------------------------------------------------------------------- project import


@dataclass
class Project:
    """A REFI-QDA project read into citra_eval's tables.

    Attributes
    ----------
    name : str
        The project's name.
    corpus : Corpus
        One document per text source; segments are speaker turns (or paragraphs).
    codebook : Codebook
        The project's code tree.
    codings : DataFrame
        ``doc_id, segment_id, start, end, code, coder, evidence, note``: one row per coding of
        a text selection, offsets into the corpus texts; ``coder`` is the name of the user who
        made the coding.
    users : DataFrame
        ``guid, name, user_id`` of the project's users.
    cases : DataFrame
        ``case_guid, case, doc_id`` (one row per case and source it refers to, ``doc_id``
        missing for a case without sources), then one column per variable.
    origin : str or None
        The program that wrote the file.
    notes : list of str
        What was read differently from the file or left out (non-text sources, empty or
        duplicate selections), for the user to check.

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "study.qdpx"
    >>> ce.write_qdpx(out, corpus, cb, a)
    >>> project = ce.read_qdpx(out)
    >>> len(project.corpus), len(project.codings) == len(a), project.codebook.ids == cb.ids
    (11, True, True)
    """

    name: str
    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    users: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["guid", "name",
                                                                              "user_id"]))
    cases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["case_guid",
                                                                              "case", "doc_id"]))
    origin: str | None = None
    path: str | None = None
    notes: list[str] = field(default_factory=list)

    def write(self, path: str | os.PathLike) -> None:
        """Export this project again as a ``.qdpx`` (see :func:`write_qdpx`)."""
        write_qdpx(path, self.corpus, self.codebook, self.codings, name=self.name)

    def save(self, folder: str | os.PathLike) -> list[Path]:
        """Write the project as a citra_eval study into ``folder`` (atomically).

        ``transcripts/<doc_id>.txt`` (front matter + text, so the codings' offsets slice
        them), ``codebook.yaml`` (when the project has codes) and ``codings.csv``; returns
        the files written (relative to ``folder``).
        """
        from ._files import atomic_dir
        from .codings import write_codings

        with atomic_dir(folder) as tmp:
            write_transcripts(self.corpus, tmp / "transcripts")
            if self.codebook.codes:
                self.codebook.save(tmp / "codebook.yaml")
            write_codings(self.codings, tmp / "codings.csv")
            return sorted(p.relative_to(tmp) for p in tmp.rglob("*") if p.is_file())


def _project_root(members: Mapping[str, bytes], path: str) -> ET.Element:
    qdes = [n for n in members if n.lower().endswith(".qde")]
    top = [n for n in qdes if "/" not in n]
    chosen = ("project.qde" if "project.qde" in members else
              top[0] if len(top) == 1 else qdes[0] if len(qdes) == 1 else None)
    if chosen is None:
        found = ", ".join(sorted(qdes)[:5]) or "none"
        raise InputError(f"no single project XML (*.qde) in the archive (found: {found}); is "
                         "this a REFI-QDA .qdpx export?", path=path)
    root = parse_xml(members[chosen], path=path, member=chosen)
    if root.tag != "Project":
        raise InputError(f"{chosen} is not a REFI-QDA project: its root element is "
                         f"<{root.tag}>, expected <Project>", path=path)
    return root


def _int_attr(el: ET.Element, name: str, path: str, what: str) -> int:
    raw = el.get(name)
    try:
        value = int((raw or "").strip())
    except ValueError:
        raise InputError(f"{what}: '{name}' must be a whole number, got {raw!r}",
                         path=path) from None
    if value < 0:
        raise InputError(f"{what}: '{name}' must not be negative, got {value}", path=path)
    return value


def _variable_value(vv: ET.Element):
    for child in vv:
        tag, text = child.tag, (child.text or "").strip()
        if tag == "TextValue":
            return child.text or ""
        if tag == "BooleanValue":
            return text.lower() in ("true", "1")
        if tag == "IntegerValue":
            try:
                return int(text)
            except ValueError:
                return text
        if tag == "FloatValue":
            try:
                return float(text)
            except ValueError:
                return text
        if tag in ("DateValue", "DateTimeValue"):
            return text
    return None


class _Reader:
    """State of one ``read_qdpx`` call."""

    def __init__(self, path: str, members: Mapping[str, bytes], root: ET.Element,
                 language: str | None) -> None:
        self.path = path
        self.members = members
        self.root = root
        self.ours = (root.get("origin") or "").startswith("citra_eval")
        self.notes: list[str] = []
        self.codebook, self.code_ids = _codebook_from_root(
            root, path=path, language=language, default_name=Path(path).stem)
        self.users = self.read_users()
        self.variables = {_norm_guid(v.get("guid")): v.get("name") or v.get("guid") or "variable"
                          for v in root.iterfind("Variables/Variable")}
        self.note_texts = {_norm_guid(n.get("guid")): (n.findtext("PlainTextContent") or "")
                           for n in root.iterfind("Notes/Note")}

    def read_users(self) -> dict[str, dict]:
        users = {}
        for u in self.root.iterfind("Users/User"):
            guid = _norm_guid(u.get("guid"))
            name = (u.get("name") or u.get("id") or guid or "unknown").strip() or "unknown"
            users[guid] = {"guid": guid, "name": name, "user_id": u.get("id")}
        return users

    def coder(self, *els: ET.Element) -> str:
        for el in els:
            guid = _norm_guid(el.get("creatingUser"))
            if guid:
                return self.users.get(guid, {}).get("name") or guid
        return "unknown"

    # -- sources
    def source_bytes(self, src: ET.Element, what: str) -> tuple[str, str]:
        """(raw text as stored, where it came from) of a TextSource."""
        content = src.find("PlainTextContent")
        if content is not None:
            return content.text or "", "PlainTextContent"
        ref = (src.get("plainTextPath") or "").strip()
        if not ref:
            self.notes.append(f"{what} has no plain text (neither plainTextPath nor "
                              "PlainTextContent); read as empty")
            return "", ""
        if re.match(r"^[a-z]+://", ref) and not ref.startswith("internal://"):
            raise InputError(f"{what}: its text {ref!r} lies outside the archive; export the "
                             "project with its sources embedded", path=self.path)
        from urllib.parse import unquote

        name = ref.removeprefix("internal://").lstrip("/")
        candidates = [f"sources/{name}", name, f"sources/{unquote(name)}", unquote(name)]
        member = next((c for c in candidates if c in self.members), None)
        if member is None:
            lower = {m.lower(): m for m in self.members}
            member = next((lower[c.lower()] for c in candidates if c.lower() in lower), None)
        if member is None:
            raise InputError(f"{what}: its text file {ref!r} is not in the archive; export the "
                             "project again", path=self.path)
        data = self.members[member]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
                try:
                    text = data.decode("utf-16")
                except UnicodeDecodeError:
                    text = None
                if text is not None:
                    return text.lstrip("\ufeff"), member
            raise InputError(f"{what}: {member} is not valid UTF-8 (byte 0x{data[exc.start]:02x} "
                             f"at offset {exc.start})", path=self.path) from None
        return text, member

    def read(self, split_turns: bool, roles_hint: Mapping[str, str] | None,
             spanning: str) -> Project:
        parsed, src_guid_doc, codings = [], {}, []
        taken: set[str] = set()
        attrs_by_doc: dict[str, dict] = {}
        for n, src in enumerate(self.root.iterfind("Sources/*"), start=1):
            what = f"source {src.get('name') or src.get('guid') or n!r}"
            if src.tag != "TextSource":
                self.notes.append(f"{what} is a {src.tag}; only text sources are read")
                continue
            raw, member = self.source_bytes(src, what)
            doc_id = _doc_id(src, member, taken, n)
            src_guid_doc[_norm_guid(src.get("guid"))] = doc_id
            text, to_norm = _normalise(raw)
            parsed.append(self.segment(src, doc_id, text, member or what, split_turns,
                                       roles_hint))
            attrs_by_doc[doc_id] = {}
            for vv in src.iterfind("VariableValue"):
                self.set_attr(attrs_by_doc[doc_id], vv)
            codings.extend(self.selections(src, doc_id, raw, to_norm, text, what))
        cases = self.read_cases(src_guid_doc, attrs_by_doc)
        for p in parsed:
            p.attrs = attrs_by_doc[p.doc_id]
            p.fmt = "qdpx"
        corpus = _assemble(parsed)
        frame = self.codings_frame(codings, corpus, spanning)
        for cid in dict.fromkeys(frame["code"]):
            code = self.codebook.codes[cid]
            if not code.codable:  # a "category" another program let users code with
                code.codable = True
                self.notes.append(f"code {cid!r} is marked not codable but has codings; "
                                  "read as codable")
        users = pd.DataFrame(list(self.users.values()), columns=["guid", "name", "user_id"])
        return Project(name=self.root.get("name") or Path(self.path).stem, corpus=corpus,
                       codebook=self.codebook, codings=frame, users=users, cases=cases,
                       origin=self.root.get("origin"), path=self.path, notes=self.notes)

    def segment(self, src: ET.Element, doc_id: str, text: str, where: str,
                split_turns: bool, roles_hint: Mapping[str, str] | None):
        """Turns of one source; our own exports declare their speakers in the description."""
        roles = _declared_roles(src) if self.ours else None
        try:
            return _segment_source(doc_id, text, path=f"{self.path}!{where}",
                                   roles=roles if roles is not None else roles_hint,
                                   detect=split_turns and not self.ours)
        except InputError as exc:  # name the archive; the entry and line go in the message
            line = f" line {exc.line}" if exc.line is not None else ""
            raise InputError(f"{where}{line}: {exc.message}", path=self.path) from None

    def set_attr(self, attrs: dict, vv: ET.Element) -> str | None:
        ref = vv.find("VariableRef")
        if ref is None:
            return None
        var = self.variables.get(_norm_guid(ref.get("targetGUID")))
        if var is None:
            raise InputError(f"a VariableValue refers to the unknown variable "
                             f"{ref.get('targetGUID')!r}", path=self.path)
        value = _variable_value(vv)
        reserved = ("id", "speakers") if self.ours else ("id", "speakers", "case")
        if var in _DERIVED_DOC_COLUMNS or var in reserved:
            var = f"{var}_variable"  # these names mean something else in a transcript
        if value is not None:
            attrs[var] = value
        return var

    def read_cases(self, src_doc: Mapping[str, str], attrs_by_doc: dict) -> pd.DataFrame:
        rows = []
        for case in self.root.iterfind("Cases/Case"):
            guid = _norm_guid(case.get("guid"))
            name = case.get("name") or guid
            values: dict = {}
            for vv in case.iterfind("VariableValue"):
                self.set_attr(values, vv)
            docs = [src_doc[g] for g in (_norm_guid(r.get("targetGUID"))
                                         for r in case.iterfind("SourceRef")) if g in src_doc]
            for doc in docs:
                if not (self.ours and name == doc):
                    prev = attrs_by_doc[doc].get("case")
                    attrs_by_doc[doc]["case"] = name if prev is None else f"{prev}; {name}"
                for key, value in values.items():
                    attrs_by_doc[doc].setdefault(key, value)
            for doc in docs or [None]:
                rows.append({"case_guid": guid, "case": name, "doc_id": doc, **values})
        cols = ["case_guid", "case", "doc_id"]
        frame = pd.DataFrame(rows)
        return frame if not frame.empty else pd.DataFrame(columns=cols)

    def selections(self, src, doc_id, raw, to_norm, text, what) -> list[dict]:
        out = []
        whole = [c for c in src.findall("Coding")]
        if whole and text:
            for coding in whole:
                out.append(self.coding_row(coding, doc_id, 0, len(text), None, src))
        for sel in src.iterfind("PlainTextSelection"):
            swhat = f"{what}, selection {sel.get('guid') or sel.get('name') or ''}".rstrip(", ")
            start = _int_attr(sel, "startPosition", self.path, swhat)
            end = _int_attr(sel, "endPosition", self.path, swhat)
            if end > len(raw) or start > end:
                raise InputError(f"{swhat}: positions {start}-{end} lie outside its text "
                                 f"({len(raw)} characters); the project is inconsistent",
                                 path=self.path)
            s, e = to_norm(start), to_norm(end)
            if s >= e:
                self.notes.append(f"{swhat} is empty ({start}-{end}); left out")
                continue
            desc = sel.findtext("Description")
            for coding in sel.findall("Coding"):
                out.append(self.coding_row(coding, doc_id, s, e, desc, sel))
        return out

    def coding_row(self, coding, doc_id, s, e, desc, sel) -> dict:
        ref = coding.find("CodeRef")
        target = _norm_guid(ref.get("targetGUID") if ref is not None else None)
        code = self.code_ids.get(target)
        if code is None:
            raise InputError(f"a coding in {doc_id!r} refers to the unknown code "
                             f"{target or '(none)'}; the codebook and codings disagree",
                             path=self.path)
        notes = [self.note_texts.get(_norm_guid(r.get("targetGUID")), "")
                 for r in coding.iterfind("NoteRef")]
        note = "\n".join(n for n in [desc, *notes] if n) or None
        return {"doc_id": doc_id, "start": s, "end": e, "code": code,
                "coder": self.coder(coding, sel), "evidence": None, "note": note}

    def codings_frame(self, rows: list[dict], corpus: Corpus, spanning: str) -> pd.DataFrame:
        if spanning == "split":
            rows = self.split_rows(rows, corpus)
        if not rows:
            return empty_codings()
        frame = pd.DataFrame(rows)
        if "segment_id" not in frame.columns:
            frame.insert(1, "segment_id", [
                _segment_for(corpus, d, s, e)
                for d, s, e in zip(frame["doc_id"], frame["start"], frame["end"], strict=True)])
        dup = frame.duplicated(CODING_COLUMNS)
        if dup.any():
            self.notes.append(f"{int(dup.sum())} duplicate coding(s) (same span, code and user) "
                              "left out")
            frame = frame[~dup]
        frame = frame.astype({"segment_id": "int64", "start": "int64", "end": "int64"})
        return frame[[*CODING_COLUMNS, "evidence", "note"]].reset_index(drop=True)

    def split_rows(self, rows: list[dict], corpus: Corpus) -> list[dict]:
        """One coding per segment a selection overlaps, clipped to the segment."""
        segs = {d: g[["segment_id", "start", "end"]].to_numpy()
                for d, g in corpus.segments.groupby("doc_id", sort=False)}
        out, split, dropped = [], 0, 0
        for row in rows:
            table = segs.get(row["doc_id"])
            pieces = [] if table is None else [
                (int(sid), max(row["start"], int(a)), min(row["end"], int(b)))
                for sid, a, b in table if a < row["end"] and b > row["start"]]
            if not pieces:
                dropped += 1
                continue
            if len(pieces) > 1 or pieces[0][1:] != (row["start"], row["end"]):
                split += 1
            out.extend({**row, "segment_id": sid, "start": a, "end": b} for sid, a, b in pieces)
        if split:
            self.notes.append(f"{split} selection(s) crossing speaker turns or covering speaker "
                              "labels were cut to the turns they overlap")
        if dropped:
            self.notes.append(f"{dropped} selection(s) overlapping no turn (only labels or "
                              "blank lines) left out")
        return out


def _doc_id(src: ET.Element, member: str, taken: set[str], n: int) -> str:
    name = (src.get("name") or "").strip()
    if not name and member and member != "PlainTextContent":
        name = PurePosixPath(member).stem
    base = name if _ID_OK.match(name) else re.sub(r"[^A-Za-z0-9_.\-]+", "_", name).strip("_.-")
    base = base[:80] or f"source{n}"
    if not base[0].isalnum():
        base = f"s{base}"
    doc, k = base, 1
    while doc in taken:
        k += 1
        doc = f"{base}_{k}"
    taken.add(doc)
    return doc


def _normalise(raw: str):
    """LF-normalised text and a map from stored offsets (CRs counted) to its offsets."""
    raw = raw.removeprefix("\ufeff")
    if "\r" not in raw:
        return raw, lambda p: p
    dropped = [m.start() for m in re.finditer("\r\n", raw)]
    text = raw.replace("\r\n", "\n").replace("\r", "\n")

    def to_norm(p: int) -> int:
        return p - bisect.bisect_left(dropped, p)

    return text, to_norm


def _declared_roles(src: ET.Element) -> dict[str, str] | None:
    desc = src.findtext("Description") or ""
    for line in desc.splitlines():
        if line.startswith(_SPEAKERS_PREFIX):
            try:
                roles = json.loads(line[len(_SPEAKERS_PREFIX):])
            except ValueError:
                return None
            if isinstance(roles, dict):
                return {str(k): "" if v is None else str(v) for k, v in roles.items()}
    return None


_BROAD_LABEL_RE = re.compile(
    rf"^(?:{_TS})?(?P<label>[^\W\d_][\w.\-]*(?: [\w.\-]+){{0,3}})[ \t]*:(?P<gap>[ \t]*)")


def _segment_source(doc_id: str, text: str, *, path: str, roles: Mapping[str, str] | None,
                    detect: bool):
    """Split ``text`` into turns with the transcript reader's own rules.

    Speakers are the ``roles`` given plus, when ``detect``, labels of up to four words that
    start at least two lines or are followed by an aligned gap of two or more spaces or a tab
    (``Max Bigman:``, ``Speaker 1:     text``), and every one-word label (which the transcript
    reader would otherwise refuse as undeclared); without speakers, paragraphs. A speaker
    label that ends up with no turn (nothing said after it) is dropped again, so that the
    speakers of the segments are all a transcript file needs to re-create the same turns.
    """
    speakers = {k: v for k, v in (roles or {}).items() if _usable_label(k)}
    generic = _one_word_labels(text)
    for label in generic:
        speakers.setdefault(label, "")
    if detect:
        counts: dict[str, int] = {}
        for line in text.split("\n"):
            b = _BROAD_LABEL_RE.match(line)
            if b and (b.group("gap") or b.end() == len(line)):
                # an aligned gap ("Name:   text", as transcription software writes) is
                # as good as a second occurrence
                aligned = "\t" in b.group("gap") or len(b.group("gap")) >= 2
                counts[b.group("label")] = counts.get(b.group("label"), 0) + (2 if aligned else 1)
        for label, count in counts.items():
            if count >= 2 and _usable_label(label):
                speakers.setdefault(label, "")
    for _ in range(len(speakers) + 1):
        front = _front_matter({"id": doc_id, **({"speakers": speakers} if speakers else {})})
        skip = front.count("\n")  # lines are counted in the source text, not our front matter
        try:
            parsed = parse_transcript(front + text, path=path, fmt="txt")
        except InputError as exc:
            line = exc.line - skip if exc.line is not None and exc.line > skip else None
            raise InputError(exc.message, path=path, line=line) from None
        used = {t["speaker"] for t in parsed.turns}
        unused = [k for k in speakers if k not in used and k not in generic]
        if not unused:
            break
        for k in unused:
            del speakers[k]
    for t in parsed.turns:
        t["line"] -= skip
    return parsed


def _usable_label(label: str) -> bool:
    return bool(label) and ":" not in label and label == label.strip() and "\n" not in label


def _one_word_labels(text: str) -> list[str]:
    """Labels the transcript reader sees as speaker labels (one word, colon, space)."""
    out: dict[str, None] = {}
    for line in text.split("\n"):
        g = _GENERIC_LABEL_RE.match(line)
        if g:
            out.setdefault(g.group("label"))
    return list(out)


def _front_matter(data: Mapping) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False,
                                     width=10_000) + "---\n"


def transcript_source(corpus: Corpus, doc_id: str, *, front: Mapping | None = None) -> str:
    """The transcript file (YAML front matter + plain text) of one document of ``corpus``.

    Reading the result back with :func:`~citra_eval.read_transcripts` gives the same plain
    text, segments and attributes, so codings keep slicing their text. ``front`` replaces
    the front matter built from the document's attributes and speakers.
    """
    text = corpus.text(doc_id)
    if front is None:
        row = corpus.documents.loc[corpus.documents["doc_id"] == doc_id].iloc[0]
        data: dict = {"id": doc_id}
        for key, value in row.items():
            if key in _DERIVED_DOC_COLUMNS or key in ("id", "speakers") or _missing(value):
                continue
            data[str(key)] = _plain(value)
        speakers = _speakers_of(corpus, doc_id)
        if speakers:
            data["speakers"] = speakers
        front = data
    return _front_matter(front) + text


def front_matter_of(corpus: Corpus, doc_id: str) -> dict | None:
    """The front matter of a ``.txt``/``.md`` transcript of ``corpus``, re-read from its file
    as plain data (None for other formats or when the file is gone)."""
    from ._files import read_text_file
    from .corpus import _split_front_matter

    row = corpus.documents.loc[corpus.documents["doc_id"] == doc_id].iloc[0]
    path, fmt = row.get("path"), row.get("format")
    if fmt not in ("txt", "md") or not isinstance(path, str) or not Path(path).is_file():
        return None
    front, _, _ = _split_front_matter(read_text_file(path), path)
    return _plain_data(front)


def _plain_data(value):
    """LineDict/LineList -> dict/list (PyYAML's safe dumper refuses subclasses)."""
    if isinstance(value, dict):
        return {k: _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    return value


def _speakers_of(corpus: Corpus, doc_id: str) -> dict[str, str]:
    """``{label: role}`` a transcript file must declare to re-create the document's turns."""
    segs = corpus.segments[corpus.segments["doc_id"] == doc_id]
    roles: dict[str, str] = {}
    for sp, role in zip(segs["speaker"], segs["role"], strict=True):
        if isinstance(sp, str) and sp:
            roles.setdefault(sp, role if isinstance(role, str) else "")
    for label in _one_word_labels(corpus.text(doc_id)):
        roles.setdefault(label, "")
    return roles


def _plain(value):
    """numpy scalars -> Python scalars, ISO date strings -> dates (unquoted in YAML)."""
    import datetime as dt

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def write_transcripts(corpus: Corpus, folder: str | os.PathLike) -> list[Path]:
    """Write every document of ``corpus`` as ``<folder>/<doc_id>.txt`` (front matter + text).

    Returns the paths written. Each file is written atomically.
    """
    from ._files import write_text

    out = []
    for doc in corpus.doc_ids:
        target = Path(folder) / f"{doc}.txt"
        write_text(target, transcript_source(corpus, doc))
        out.append(target)
    return out


def _segment_for(corpus: Corpus, doc_id: str, start: int, end: int) -> int:
    """The segment a coding belongs to: the one containing its start, else the first it
    overlaps, else the last one before it (else the first)."""
    segs = corpus.segments[corpus.segments["doc_id"] == doc_id]
    if segs.empty:
        return 0
    starts = segs["start"].to_numpy()
    ends = segs["end"].to_numpy()
    ids = segs["segment_id"].to_numpy()
    inside = np.flatnonzero((starts <= start) & (start < ends))
    if inside.size:
        return int(ids[inside[0]])
    overlap = np.flatnonzero((starts < end) & (ends > start))
    if overlap.size:
        return int(ids[overlap[0]])
    before = np.flatnonzero(starts <= start)
    return int(ids[before[-1]] if before.size else ids[0])


def read_qdpx(path: str | os.PathLike, *, language: str | None = None,
              split_turns: bool = True, speakers: Mapping[str, str] | None = None,
              spanning: str = "keep", limits: Limits = DEFAULT_LIMITS) -> Project:
    """Read a REFI-QDA project (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA, QualCoder, ...

    Parameters
    ----------
    path : str or path
        The ``.qdpx`` file. It is treated as untrusted: read in memory only, with size,
        ratio and entry-count limits and without XML entities.
    language : str, optional
        Language of the code names (default: the one recorded by citra_eval, else ``id``).
    split_turns : bool, default True
        Split texts of other programs into speaker turns at labels that start two or more
        lines (``Max Bigman:``, ``Speaker 1:``); else only at one-word labels.
    speakers : mapping, optional
        ``{label: role}`` for the speakers in the texts (e.g. ``{"Max Bigman":
        "interviewer"}``); gives roles to the detected turns.
    spanning : {"keep", "split"}, default "keep"
        What to do with a selection that crosses speaker turns (or covers a speaker label):
        ``keep`` its exact span, with the ``segment_id`` of the turn where it starts;
        ``split`` it into one coding per turn it overlaps, each cut to its turn, so that every
        coding lies inside its segment (what ``citra-eval validate`` checks).
    limits : Limits, optional
        Caps for the archive (see :class:`citra_eval._safezip.Limits`).

    Returns
    -------
    Project
        ``.corpus`` (one document per text source; ids are the source names), ``.codebook``,
        ``.codings`` (one row per coding; ``coder`` is the user's name), ``.users``,
        ``.cases``, ``.notes``. Case and source variables become document attributes.

    Notes
    -----
    Offsets: REFI positions count code points of the source as stored, so with CRLF line
    ends each CR counts; they are mapped onto the LF-normalised corpus text (a leading
    byte-order mark is not counted). With ``spanning="keep"`` a selection that crosses
    speaker turns keeps its exact span and gets the ``segment_id`` of the turn where it
    starts (for a selection starting on a speaker label, the first turn it overlaps).

    Raises
    ------
    InputError
        Not a zip, truncated, hostile (path traversal, zip bomb, XML entities), not a
        REFI-QDA project, or inconsistent (selection outside its text, unknown code).

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"a.txt": "---\\nid: INF01\\nspeakers: {P: interviewer, "
    ...     "I: informant}\\n---\\nP: Apa strategi humas?\\nI: Kami bermitra dengan media.\\n"})
    >>> cb = ce.Codebook.from_dict({"codebook": "demo", "codes": [
    ...     {"id": "kerja_sama", "label": "Kerja sama"}]})
    >>> import pandas as pd
    >>> start = corpus.text("INF01").index("bermitra")
    >>> codings = pd.DataFrame([{"doc_id": "INF01", "segment_id": 2, "start": start,
    ...                          "end": start + 8, "code": "kerja_sama", "coder": "A"}])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "demo.qdpx"
    >>> ce.write_qdpx(out, corpus, cb, codings)
    >>> project = ce.read_qdpx(out)
    >>> row = project.codings.iloc[0]
    >>> project.corpus.text(row.doc_id)[row.start:row.end], row.coder, int(row.segment_id)
    ('bermitra', 'A', 2)
    """
    spath = os.fspath(path)
    members = read_zip(path, limits=limits, what="REFI-QDA project (.qdpx)")
    root = _project_root(members, spath)
    if spanning not in ("keep", "split"):
        raise ValueError(f"spanning must be 'keep' or 'split', got {spanning!r}")
    reader = _Reader(spath, members, root, language)
    try:
        return reader.read(split_turns, speakers, spanning)
    except InputError:
        raise
    except RecursionError:
        raise InputError("the project XML is nested too deeply to be real", path=spath) from None


# --------------------------------------------------------------------------- project export


def _variable_type(values: list) -> str:
    vals = [v for v in values if not _missing(v)]
    if not vals:
        return "Text"
    if all(isinstance(v, bool | np.bool_) for v in vals):
        return "Boolean"
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_) for v in vals):
        return "Integer"
    if all(isinstance(v, int | float | np.integer | np.floating)
           and not isinstance(v, bool | np.bool_) for v in vals):
        return "Integer" if all(float(v).is_integer() for v in vals) else "Float"
    if all(isinstance(v, str) and _DATE_RE.match(v) for v in vals):
        return "Date"
    return "Text"


def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and math.isnan(v)


def _value_text(v, kind: str) -> str | None:
    if kind == "Boolean":
        return "true" if bool(v) else "false"
    if kind == "Integer":
        return str(int(v))
    if kind == "Float":
        f = float(v)
        return np.format_float_positional(f, trim="-") if math.isfinite(f) else None
    return _xml_text(v)


def _check_export(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame) -> None:
    if not isinstance(corpus, Corpus):
        raise TypeError(f"corpus must be a Corpus, got {type(corpus).__name__}")
    if not isinstance(codebook, Codebook):
        raise TypeError(f"codebook must be a Codebook, got {type(codebook).__name__}")
    if not isinstance(codings, pd.DataFrame):
        raise TypeError(f"codings must be a DataFrame, got {type(codings).__name__}")
    missing = [c for c in CODING_COLUMNS if c not in codings.columns]
    if missing:
        raise ValueError(f"codings lack column(s) {', '.join(missing)}")
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


def qdpx_bytes(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame | None = None, *,
               name: str | None = None) -> bytes:
    """The ``.qdpx`` archive of a project as bytes; see :func:`write_qdpx`."""
    codings = empty_codings() if codings is None else codings
    _check_export(corpus, codebook, codings)
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": _xml_text(name or codebook.name),
                                  "origin": _xml_text(_origin(codebook))})
    coders = sorted({str(c) for c in codings["coder"]})
    if coders:
        users = ET.SubElement(root, "Users")
        for c in coders:
            ET.SubElement(users, "User", {"guid": stable_guid("user", c), "name": _xml_text(c)})
    if codebook.codes:
        ET.SubElement(root, "CodeBook").append(_codes_element(codebook))
    _variables_and_cases(root, corpus)
    notes = _sources(root, corpus, codebook, codings)
    if notes:
        notes_el = ET.SubElement(root, "Notes")
        for guid, text in notes:
            note = ET.SubElement(notes_el, "Note", {"guid": guid, "name": "coding note"})
            ET.SubElement(note, "PlainTextContent").text = _xml_text(text)
    entries = [("project.qde", _serialise(root))]
    for doc in corpus.doc_ids:
        entries.append((f"sources/{stable_guid('source', doc)}.txt",
                        corpus.text(doc).encode("utf-8")))
    return _zip(entries)


def _variables_and_cases(root: ET.Element, corpus: Corpus) -> None:
    docs = corpus.documents
    columns = [c for c in docs.columns if c not in _DERIVED_DOC_COLUMNS]
    if not columns:
        return
    kinds = {c: _variable_type(docs[c].tolist()) for c in columns}
    variables = ET.SubElement(root, "Variables")
    for c in columns:
        ET.SubElement(variables, "Variable", {"guid": stable_guid("variable", c),
                                              "name": _xml_text(c), "typeOfVariable": kinds[c]})
    cases = ET.SubElement(root, "Cases")
    for row in docs.to_dict("records"):
        doc = row["doc_id"]
        case = ET.SubElement(cases, "Case", {"guid": stable_guid("case", doc),
                                             "name": _xml_text(doc)})
        for c in columns:
            if _missing(row.get(c)):
                continue
            text = _value_text(row[c], kinds[c])
            if text is None:
                continue
            vv = ET.SubElement(case, "VariableValue")
            ET.SubElement(vv, "VariableRef", {"targetGUID": stable_guid("variable", c)})
            ET.SubElement(vv, f"{kinds[c]}Value").text = text
        ET.SubElement(case, "SourceRef", {"targetGUID": stable_guid("source", doc)})


def _sources(root: ET.Element, corpus: Corpus, codebook: Codebook,
             codings: pd.DataFrame) -> list[tuple[str, str]]:
    code_order = {cid: i for i, cid in enumerate(codebook.ids)}
    doc_order = {d: i for i, d in enumerate(corpus.doc_ids)}
    frame = codings.assign(_d=codings["doc_id"].map(doc_order),
                           _c=codings["code"].map(code_order),
                           coder=codings["coder"].astype(str))
    frame = frame.sort_values(["_d", "start", "end", "_c", "coder"], kind="stable")
    frame = frame.drop_duplicates(["doc_id", "start", "end", "code", "coder"])
    has_note = "note" in frame.columns
    by_doc = {d: g for d, g in frame.groupby("doc_id", sort=False)}
    notes: list[tuple[str, str]] = []
    if not corpus.doc_ids:
        return []
    sources = ET.SubElement(root, "Sources")
    for doc in corpus.doc_ids:
        guid = stable_guid("source", doc)
        src = ET.SubElement(sources, "TextSource", {"guid": guid, "name": _xml_text(doc),
                                                     "plainTextPath": f"internal://{guid}.txt"})
        roles = _speakers_of(corpus, doc)
        if roles:
            ET.SubElement(src, "Description").text = _xml_text(
                _SPEAKERS_PREFIX + json.dumps(roles, ensure_ascii=False))
        group = by_doc.get(doc)
        if group is None:
            continue
        for (start, end), sel_rows in group.groupby(["start", "end"], sort=False):
            sel = ET.SubElement(src, "PlainTextSelection", {
                "guid": stable_guid("selection", doc, int(start), int(end)),
                "startPosition": str(int(start)), "endPosition": str(int(end))})
            for row in sel_rows.itertuples(index=False):
                cguid = stable_guid("coding", doc, int(start), int(end), row.code, row.coder)
                coding = ET.SubElement(sel, "Coding", {
                    "guid": cguid, "creatingUser": stable_guid("user", row.coder)})
                ET.SubElement(coding, "CodeRef", {"targetGUID": stable_guid("code", row.code)})
                note = getattr(row, "note", None) if has_note else None
                if isinstance(note, str) and note.strip():
                    nguid = stable_guid("note", cguid)
                    ET.SubElement(coding, "NoteRef", {"targetGUID": nguid})
                    notes.append((nguid, note))
    return notes


def _zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def write_qdpx(path: str | os.PathLike, corpus: Corpus, codebook: Codebook,
               codings: pd.DataFrame | None = None, *, name: str | None = None) -> None:
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

    Raises
    ------
    InputError
        When a coding refers to an unknown document or code, or lies outside its text.

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
    from ._files import write_bytes

    write_bytes(path, qdpx_bytes(corpus, codebook, codings, name=name))
