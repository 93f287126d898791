"""Reading REFI-QDA projects (``.qdpx``) into citra_eval's tables."""

from __future__ import annotations

import bisect
import codecs
import json
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from .._dates import parse_date
from .._files import unique_stem, windows_1252_hint
from .._refi import (
    DATETIME_RE,
    ID_OK,
    PROJECT_RECORD,
    REFI_CODING_COLUMNS,
    SOURCE_GUID,
    SOURCE_NAME,
    SPEAKERS_PREFIX,
    TURNS_DECLARED_LINE,
    name_key,
    norm_guid,
    project_member,
    project_root,
    stable_guid,
)
from .._safezip import DEFAULT_LIMITS, Limits, read_zip
from .._validation import check_bool, check_choice, check_speakers
from ..codebook import codebook_from_refi_root
from ..codings import CODING_COLUMNS, empty_codings
from ..corpus import (
    DERIVED_DOC_COLUMNS,
    Corpus,
    assemble_corpus,
)
from ..errors import InputError, quoted
from .inventory import discarded
from .memos import memo_rows
from .positions import SourceText, choose_convention, misfit
from .project import USER_COLUMNS, Project, users_table_needed
from .turns import TURN_MODES, segment_source


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


def _is_date(value) -> bool:
    """Whether ``value`` reads as a transcript's ``date`` (see :func:`parse_date`)."""
    try:
        parse_date(value)
    except (ValueError, TypeError):
        return False
    return True


_REEXPORT = ("save it as UTF-8 (an editor's 'save with encoding UTF-8') where it is kept, "
             "or export the project again from the program that wrote it: REFI-QDA texts "
             "are UTF-8")


def _utf16_without_mark(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` looks like UTF-16 text without a
    byte-order mark (a NUL in every other byte, where ASCII characters have their zero
    half), else None."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0) / (len(data) / 2), data[1::2].count(0) / (len(data) / 2)
    for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.3 and others <= 0.05:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return encoding
    return None


def _decode_text(data: bytes, what: str, path: str) -> tuple[str, str | None]:
    """The text of a source file and a note on how it was read: UTF-8 (REFI-QDA's
    encoding), UTF-16 with a byte-order mark, or UTF-16 without one (noted); anything else
    is refused naming the likely encoding and how to fix it."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").lstrip("\ufeff"), None
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        encoding = _utf16_without_mark(data)
        if encoding is not None:
            name = "UTF-16 " + ("little" if encoding.endswith("le") else "big") + "-endian"
            return data.decode(encoding), (f"{what} is {name} text without a byte-order mark "
                                           "(REFI-QDA texts are UTF-8); read as such")
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"{what} line {line}: this is a binary file, not UTF-8 text (it "
                         "holds NUL bytes), or text in another encoding such as UTF-32; "
                         f"{_REEXPORT}", path=path)
    mark = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = data[mark:]
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        hint = windows_1252_hint(body, exc)
        likely = f"; it is probably Windows-1252 (Latin-1) text, where {hint}" if hint else ""
        raise InputError(f"{what} is not valid UTF-8 (byte 0x{body[exc.start]:02x} at offset "
                         f"{mark + exc.start}){likely}: {_REEXPORT}", path=path) from None


#: Items REFI-QDA identifies by GUID (codes are checked with the codebook): where they are,
#: and what a message calls them.
_IDENTIFIED = [("Users/User", "users"), ("Sources/*", "sources"),
               ("Sources/*/*", "selections"), ("Sources/*/*/Coding", "codings"),
               ("Sources/*/Coding", "codings"), ("Variables/Variable", "variables"),
               ("Cases/Case", "cases"), ("Notes/Note", "notes"), ("Sets/Set", "sets")]


def _refuse_shared_guids(root: ET.Element, path: str) -> None:
    """Refuse a project in which two items of one kind share a GUID: every reference to it
    is ambiguous (whose codings, which text), and an export would write it twice."""
    seen: dict[str, dict[str, ET.Element]] = {}
    for where, kind in _IDENTIFIED:
        first = seen.setdefault(kind, {})
        for el in root.iterfind(where):
            guid = norm_guid(el.get("guid"))
            if not guid or (kind == "selections" and not el.tag.endswith("Selection")):
                continue
            if guid in first:
                name = el.get("name") or el.get("id") or ""
                which = f" (the second is {quoted(name)})" if name else ""
                raise InputError(f"two {kind} share the GUID {quoted(guid)}{which}; the "
                                 "project is corrupt: export it again from the program that "
                                 "wrote it", path=path)
            first[guid] = el


class _Reader:
    """State of one ``read_qdpx`` call."""

    def __init__(self, path: str, members: Mapping[str, bytes], root: ET.Element,
                 language: str | None, *, sources: str | os.PathLike | None = None,
                 strict: bool = False, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.sources_dir = Path(sources) if sources is not None else None
        self.strict = strict
        self.limits = limits
        self.skipped: list[tuple[str, int]] = []
        self.changed: list[tuple[str, int]] = []  # outside texts changed since coding
        self.members = members
        # the folder of the project XML: an archive zipped with its folder holds
        # myproj/project.qde and its texts in myproj/sources/
        folder = PurePosixPath(project_member(members, path)).parent
        self.base = "" if str(folder) == "." else f"{folder}/"
        self.root = root
        self.ours = (root.get("origin") or "").startswith("citra_eval")
        self.notes: list[str] = []
        self.codebook, self.code_ids = codebook_from_refi_root(
            root, path=path, language=language, default_name=Path(path).stem,
            notes=self.notes)
        _refuse_shared_guids(root, path)
        #: {GUID: [coder name, codings]} of users codings name but the project lacks
        self.undeclared: dict[str, list] = {}
        self.userless = 0  # codings that name no user
        self.users = self.read_users()
        self.variables = {norm_guid(v.get("guid")): v.get("name") or v.get("guid") or "variable"
                          for v in root.iterfind("Variables/Variable")}
        self.not_dates = self.undated_values()
        self.notes_by_guid = {norm_guid(n.get("guid")): n for n in root.iterfind("Notes/Note")}
        self.sel_info: dict[str, tuple[str, int, int, bool]] = {}

    def undated_values(self) -> list:
        """The values of variables named ``date`` that are not dates (``Spring 2021``): a
        transcript's ``date`` must be one, so such a variable is kept as ``date_variable``."""
        dates = {g for g, name in self.variables.items() if name == "date"}
        found = []
        for vv in self.root.iter("VariableValue"):
            ref = vv.find("VariableRef")
            if ref is not None and norm_guid(ref.get("targetGUID")) in dates:
                value = _variable_value(vv)
                if not _is_date(value):
                    found.append(value)
        if found:
            self.notes.append(f"variable 'date' holds values that are not dates "
                              f"({str(found[0])!r}...): kept as 'date_variable' (a "
                              "transcript's date must be a date)")
        return found

    def read_users(self) -> dict[str, dict]:
        """Users by GUID. Two users (two GUIDs) of one name are two people: the second
        becomes coder ``Name (2)``, so their codings are not merged (nor their agreement
        counted as one coder's) and an export gives each GUID back."""
        users: dict[str, dict] = {}
        # name (as name_key compares: case and Unicode form aside) -> the coder names its
        # users were given
        taken: dict[str, list[str]] = {}
        assigned: set[str] = set()
        for u in self.root.iterfind("Users/User"):
            guid = norm_guid(u.get("guid"))
            name = (u.get("name") or u.get("id") or guid or "unknown").strip() or "unknown"
            unique, k = name, 1
            while name_key(unique) in assigned:
                k += 1
                unique = f"{name} ({k})"
            assigned.add(name_key(unique))
            taken.setdefault(name_key(name), []).append(unique)
            # the GUID as the file spells it (ATLAS.ti: upper case), given back on export
            users[guid] = {"guid": (u.get("guid") or "").strip() or guid, "name": unique,
                           "user_id": u.get("id")}
        self.shared_names = [given for given in taken.values() if len(given) > 1]
        return users

    def shared_name_notes(self, users: pd.DataFrame, codings: pd.DataFrame) -> None:
        """Notes on users of one name (:meth:`read_users`), naming the files a save writes
        them into (``users.csv`` only when it is written)."""
        files = ("codings.csv and users.csv" if users_table_needed(users, codings)
                 else "codings.csv")
        for given in self.shared_names:
            self.notes.append(f"{len(given)} users are named {given[0]!r} (each with its own "
                              "GUID; names are compared ignoring case and Unicode form): "
                              "they are kept as distinct coders "
                              f"{', '.join(map(repr, given))}; rename them in {files} if "
                              "they are one person")

    def coder(self, *els: ET.Element) -> str:
        """The coder of a coding (``els``: it and its selection): its user's name; for a
        user the project does not declare, ``user <first 8 digits of the GUID>`` (the whole
        GUID if that is taken); ``unknown`` without a user. Both are counted for a note."""
        for el in els:
            guid = norm_guid(el.get("creatingUser"))
            if guid:
                if guid in self.users:
                    return self.users[guid]["name"]
                if guid not in self.undeclared:
                    names = {u["name"] for u in self.users.values()} | {
                        n for n, _ in self.undeclared.values()}
                    name = f"user {guid[:8]}"
                    self.undeclared[guid] = [name if name not in names else guid, 0]
                self.undeclared[guid][1] += 1
                return self.undeclared[guid][0]
        self.userless += 1
        return "unknown"

    def project_record(self) -> None:
        """The project's creator and last modifier, with the dates (``<Project>``'s
        :data:`~citra_eval._refi.PROJECT_RECORD`), kept in the ``project`` column of the
        users they name (a user the project does not list is added, named as
        :meth:`coder` names one), so that an export gives them back. A date without its
        user is counted in ``Project.discarded``."""
        for user_attr, date_attr, word in PROJECT_RECORD:
            raw = (self.root.get(user_attr) or "").strip()
            guid = norm_guid(raw)
            if not guid:
                continue
            date = (self.root.get(date_attr) or "").strip()
            if date and not DATETIME_RE.match(date):
                self.notes.append(f"the project's {date_attr} {date!r} is not a date and "
                                  "time like 2024-01-02T03:04:05Z: not kept")
                date = ""
            if guid not in self.users:
                names = {u["name"] for u in self.users.values()}
                name = (self.undeclared[guid][0] if guid in self.undeclared
                        else f"user {guid[:8]}")
                self.users[guid] = {"guid": raw, "name": name if name not in names else raw,
                                    "user_id": None}
            user = self.users[guid]
            item = f"{word} {date}".strip()
            user["project"] = f"{user['project']}; {item}" if user.get("project") else item

    def user_notes(self) -> None:
        """Notes on the codings :meth:`coder` found no declared user for."""
        if self.undeclared:
            n = sum(k for _, k in self.undeclared.values())
            named = ", ".join(f"{name!r} ({guid})" for guid, (name, _) in
                              list(self.undeclared.items())[:5])
            self.notes.append(f"{n} coding(s) name a user the project does not declare "
                              f"(no <User> with that GUID); kept as coder(s) {named}: rename "
                              "them in codings.csv if you know who coded")
        if self.userless:
            self.notes.append(f"{self.userless} coding(s) name no user (no creatingUser); "
                              "kept as coder 'unknown': set their coder in codings.csv if "
                              "you know who coded")

    def note_text(self, note: ET.Element) -> str:
        """The text of a ``<Note>``: its ``PlainTextContent`` or its text file."""
        content = note.find("PlainTextContent")
        if content is not None:  # its CRs are kept (see keep_carriage_returns)
            return (content.text or "").replace("\r\n", "\n").replace("\r", "\n")
        found = self.find_text((note.get("plainTextPath") or "").strip() or "-")
        if found is None:
            return ""
        return found[1].decode("utf-8-sig", errors="replace").replace("\r\n", "\n")

    def user_name(self, guid: str | None) -> str | None:
        user = self.users.get(norm_guid(guid))
        return user["name"] if user else None

    # -- sources
    def source_bytes(self, src: ET.Element, what: str) -> tuple[str, str] | None:
        """(raw text as stored, where it came from) of a TextSource; None when its text file
        is missing (noted, or refused with ``strict``)."""
        content = src.find("PlainTextContent")
        if content is not None:
            return content.text or "", "PlainTextContent"
        ref = (src.get("plainTextPath") or "").strip()
        if not ref:
            self.notes.append(f"{what} has no plain text (neither plainTextPath nor "
                              "PlainTextContent); read as empty")
            return "", ""
        found = self.find_text(ref)
        if found is None:
            n = sum(len(sel.findall("Coding")) for sel in src.iterfind("PlainTextSelection"))
            n += len(src.findall("Coding"))
            inside = ref.startswith("internal://") or "://" not in ref
            looked = ([] if not inside else ["in the archive"]) + (
                [f"in {self.sources_dir}"] if self.sources_dir is not None else []) + (
                [] if inside else [f"beside {Path(self.path).name}"])
            how = ("" if self.sources_dir is not None else
                   "; give the folder that holds it with --sources DIR "
                   "(read_qdpx(..., sources=DIR))")
            kind = "" if inside else " (a file outside the archive)"
            message = (f"{what}: its text file {ref!r}{kind} was not found "
                       f"{' nor '.join(looked)}{how}")
            if self.strict:
                raise InputError(message, path=self.path)
            self.notes.append(f"{message}; skipped with its {n} coding(s)")
            self.skipped.append((what, n))
            return None
        member, data = found
        text, note = _decode_text(data, f"{what}: {member}", self.path)
        if note:
            self.notes.append(note)
        return text, member

    def find_text(self, ref: str) -> tuple[str, bytes] | None:
        """The archive member or file that ``plainTextPath`` names, and its bytes.

        ``internal://`` (or no scheme): an entry of the archive, else a file of that name in
        the ``sources`` folder. ``relative://`` and ``absolute://``: the file under the
        ``sources`` folder or the archive's folder (by relative path, then by name; paths
        outside those folders are never opened).
        """
        from urllib.parse import unquote

        m = re.match(r"^([A-Za-z]+)://(.*)$", ref)
        scheme, rest = (m.group(1).lower(), m.group(2)) if m else ("internal", ref)
        rest = unquote(rest).replace("\\", "/")
        if scheme == "internal":
            name = rest.lstrip("/")
            candidates = list(dict.fromkeys([f"{self.base}sources/{name}", f"{self.base}{name}",
                                              f"sources/{name}", name]))
            member = next((c for c in candidates if c in self.members), None)
            if member is None:
                lower = {k.lower(): k for k in self.members}
                member = next((lower[c.lower()] for c in candidates if c.lower() in lower), None)
            if member is not None:
                return member, self.members[member]
            folders = [self.sources_dir] if self.sources_dir is not None else []
        else:
            folders = [f for f in (self.sources_dir, Path(self.path).parent) if f is not None]
        relative = PurePosixPath(rest.lstrip("/")) if scheme == "relative" else None
        for folder in folders:
            base = folder.resolve()
            names = ([relative] if relative is not None else []) + [
                PurePosixPath(PurePosixPath(rest).name)]
            for rel in names:
                if not str(rel) or rel.name in ("", ".", ".."):
                    continue
                candidate = (base / rel).resolve()
                if not candidate.is_relative_to(base) or not candidate.is_file():
                    continue
                if candidate.stat().st_size > self.limits.max_file:
                    raise InputError(f"{candidate} is larger than {self.limits.max_file} bytes; "
                                     "raise Limits.max_file to read it", path=self.path)
                return str(candidate), candidate.read_bytes()
        return None

    def read(self, turns: str, roles_hint: Mapping[str, str] | None,
             spanning: str, units: str | None, crlf: int | None) -> Project:
        parsed, src_guid_doc, codings = [], {}, []
        taken: set[str] = set()
        attrs_by_doc: dict[str, dict] = {}
        found = []
        for n, src in enumerate(self.root.iterfind("Sources/*"), start=1):
            what = f"source {src.get('name') or src.get('guid') or n!r}"
            if src.tag != "TextSource":
                continue  # counted in Project.discarded
            got = self.source_bytes(src, what)
            if got is None:
                continue
            raw, member = got
            doc_id = _doc_id(src, member, taken, n)
            found.append((src, what, member, doc_id, SourceText(raw), self.positions(src, what)))
        self.choice = choose_convention(
            [(text, [(a, b, sel.get("name")) for sel, a, b in sels])
             for *_, text, sels in found],
            origin=self.root.get("origin"), units=units, crlf=crlf, path=self.path)
        found = [f for f in found if self.fits(*f)]
        for src, what, member, doc_id, text, sels in found:
            src_guid_doc[norm_guid(src.get("guid"))] = doc_id
            parsed.append(self.segment(src, doc_id, text.text, member or what, turns,
                                       roles_hint))
            attrs_by_doc[doc_id] = dict(parsed[-1].attrs)  # turns: declared
            # what an export needs to give the source back its name and GUID
            name, guid = (src.get("name") or "").strip(), (src.get("guid") or "").strip()
            if name and name != doc_id:
                attrs_by_doc[doc_id][SOURCE_NAME] = name
            if guid and norm_guid(guid) != stable_guid("source", doc_id):
                attrs_by_doc[doc_id][SOURCE_GUID] = guid
            for vv in src.iterfind("VariableValue"):
                self.set_attr(attrs_by_doc[doc_id], vv)
            codings.extend(self.selections(src, doc_id, text, sels, what))
        cases = self.read_cases(src_guid_doc, attrs_by_doc)
        self.read_sets(src_guid_doc, attrs_by_doc)
        for p in parsed:
            p.attrs = attrs_by_doc[p.doc_id]
            p.fmt = "qdpx"
        corpus = assemble_corpus(parsed)
        frame = self.codings_frame(codings, corpus, spanning)
        self.user_notes()
        for cid in dict.fromkeys(frame["code"]):
            code = self.codebook.codes[cid]
            if not code.codable:  # a "category" another program let users code with
                code.codable = True
                self.notes.append(f"code {cid!r} is marked not codable but has codings; "
                                  "read as codable")
        self.project_record()
        users = pd.DataFrame(list(self.users.values()), columns=USER_COLUMNS)
        self.shared_name_notes(users, frame)
        memos = memo_rows(self.root, note_text=self.note_text, user_name=self.user_name,
                          docs=src_guid_doc, codes=self.code_ids, selections=self.sel_info)
        return Project(name=self.root.get("name") or Path(self.path).stem, corpus=corpus,
                       codebook=self.codebook, codings=frame, users=users, cases=cases,
                       origin=self.root.get("origin"), path=self.path, notes=self.notes,
                       positions=self.choice, memos=memos,
                       discarded=discarded(self.root, skipped=self.skipped,
                                           changed=self.changed))

    def fits(self, src: ET.Element, what: str, member: str, doc_id: str, text: SourceText,
             sels: list[tuple[ET.Element, int, int]]) -> bool:
        """Whether a source's selections fit its text (:func:`~.positions.misfit`). A file
        from outside the archive that does not fit has most likely changed since it was
        coded: it is skipped with its codings (refused with ``strict``); a text inside the
        archive is kept with a note to check its codings."""
        why = misfit(text, [(a, b) for _, a, b in sels], self.choice.convention)
        if why is None:
            return True
        n = sum(len(sel.findall("Coding")) for sel, *_ in sels) + len(src.findall("Coding"))
        if member in self.members or member in ("PlainTextContent", ""):
            self.notes.append(f"{what}: {why} as read "
                              f"({self.choice.convention.describe(crlf=self.choice.has_cr)}); "
                              "check a few of its codings' text (codings.csv, column text): "
                              "if they cut words, the project's text is not the one that "
                              "was coded; export the project again from the program that "
                              "coded it")
            return True
        message = (f"{what}: {why} in its text file {member}: the file has most likely "
                   "changed since it was coded, so its codings would cut the wrong words; "
                   "give the file as it was when coded (--sources DIR, read_qdpx(..., "
                   "sources=DIR)), or export the project again with its texts inside")
        if self.strict:
            raise InputError(message, path=self.path)
        self.notes.append(f"{message}; skipped with its {n} coding(s)")
        self.changed.append((what, n))
        return False

    def read_sets(self, src_doc: Mapping[str, str], attrs_by_doc: dict) -> None:
        """Sets of sources become document attributes: a set named ``key: value`` (ATLAS.ti
        document groups used as variables, "gender: male") sets ``key``; others are listed
        in the attribute ``sets``."""
        for st in self.root.iterfind("Sets/Set"):
            name = (st.get("name") or st.get("guid") or "set").strip()
            key, sep, value = name.partition(":")
            key, value = key.strip(), value.strip()
            for ref in st.iterfind("MemberSource"):
                doc = src_doc.get(norm_guid(ref.get("targetGUID")))
                if doc is None:
                    continue
                attrs = attrs_by_doc[doc]
                if key == "date" and not _is_date(value):
                    key = "date_variable"  # "date: Spring 2021": a transcript's date is a date
                if sep and key and value and key not in DERIVED_DOC_COLUMNS \
                        and key not in ("id", "speakers", "turns", "sets"):
                    prev = attrs.get(key)
                    attrs[key] = value if prev in (None, value) else f"{prev}; {value}"
                else:
                    prev = attrs.get("sets")
                    attrs["sets"] = name if prev is None else f"{prev}; {name}"

    def positions(self, src: ET.Element, what: str) -> list[tuple[ET.Element, int, int]]:
        """The text selections of a source with their positions as written in the file."""
        out = []
        for sel in src.iterfind("PlainTextSelection"):
            swhat = f"{what}, selection {sel.get('guid') or sel.get('name') or ''}".rstrip(", ")
            start = _int_attr(sel, "startPosition", self.path, swhat)
            end = _int_attr(sel, "endPosition", self.path, swhat)
            if start > end:
                raise InputError(f"{swhat}: startPosition {start} lies after endPosition {end}; "
                                 "the project is inconsistent", path=self.path)
            out.append((sel, start, end))
        return out

    def segment(self, src: ET.Element, doc_id: str, text: str, where: str,
                turns: str, roles_hint: Mapping[str, str] | None):
        """Turns of one source; our own exports declare their speakers in the description."""
        roles, declared = _declared_roles(src) if self.ours else (None, False)
        if self.ours and turns != "none":
            turns = "strict" if declared else "labels"
        try:
            return segment_source(doc_id, text, path=f"{self.path}!{where}",
                                  roles=roles if roles is not None else roles_hint, turns=turns)
        except InputError as exc:  # name the archive; the entry and line go in the message
            line = f" line {exc.line}" if exc.line is not None else ""
            # the reader's advice is to edit the file, which inside an archive nobody can
            what = exc.message.split("; ")[0]
            raise InputError(f"{where}{line}: {what}; the project is inconsistent (its text "
                             "and its speakers disagree): import it with --turns none "
                             "(read_qdpx(..., turns='none')) to read the text as paragraphs, "
                             "or export it again from the program that wrote it",
                             path=self.path) from None

    def set_attr(self, attrs: dict, vv: ET.Element) -> str | None:
        ref = vv.find("VariableRef")
        if ref is None:
            return None
        var = self.variables.get(norm_guid(ref.get("targetGUID")))
        if var is None:
            raise InputError(f"a VariableValue refers to the unknown variable "
                             f"{ref.get('targetGUID')!r}", path=self.path)
        value = _variable_value(vv)
        reserved = ("id", "speakers") if self.ours else ("id", "speakers", "case")
        if var in DERIVED_DOC_COLUMNS or var in reserved or (var == "date" and self.not_dates):
            var = f"{var}_variable"  # these names mean something else in a transcript
        if value is not None:
            attrs[var] = value
        return var

    def read_cases(self, src_doc: Mapping[str, str], attrs_by_doc: dict) -> pd.DataFrame:
        rows = []
        # {doc: {variable: [distinct values of its cases]}}: a source of several cases (a
        # focus group) keeps every case's value, joined with "; " as sets of sources are
        by_doc: dict[str, dict[str, list]] = {}
        for case in self.root.iterfind("Cases/Case"):
            guid = norm_guid(case.get("guid"))
            name = case.get("name") or guid
            values: dict = {}
            for vv in case.iterfind("VariableValue"):
                self.set_attr(values, vv)
            docs = [src_doc[g] for g in (norm_guid(r.get("targetGUID"))
                                         for r in case.iterfind("SourceRef")) if g in src_doc]
            for doc in docs:
                if not (self.ours and name == doc):
                    prev = attrs_by_doc[doc].get("case")
                    attrs_by_doc[doc]["case"] = name if prev is None else f"{prev}; {name}"
                for key, value in values.items():
                    seen = by_doc.setdefault(doc, {}).setdefault(key, [])
                    if value not in seen:
                        seen.append(value)
            for doc in docs or [None]:
                rows.append({"case_guid": guid, "case": name, "doc_id": doc, **values})
        for doc, found in by_doc.items():
            attrs = attrs_by_doc[doc]
            for key, values in found.items():
                value = values[0] if len(values) == 1 else "; ".join(map(str, values))
                if key not in attrs:
                    attrs[key] = value
                elif attrs[key] != value:
                    self.notes.append(f"source {doc!r}: its own variable {key!r} "
                                      f"({attrs[key]!r}) was kept; its case(s) give {key!r} "
                                      f"the value {str(value)!r}, left out")
        cols = ["case_guid", "case", "doc_id"]
        frame = pd.DataFrame(rows)
        return frame if not frame.empty else pd.DataFrame(columns=cols)

    def selections(self, src: ET.Element, doc_id: str, text: SourceText,
                   sels: list[tuple[ET.Element, int, int]], what: str) -> list[dict]:
        out = []
        conv = self.choice.convention
        whole = [c for c in src.findall("Coding")]
        if whole and text.text:
            for coding in whole:
                out.append(self.coding_row(coding, doc_id, 0, len(text.text), None, src))
        for sel, start, end in sels:
            swhat = f"{what}, selection {sel.get('guid') or sel.get('name') or ''}".rstrip(", ")
            s, e = text.to_text(start, conv), text.to_text(end, conv)
            if s is None or e is None:
                raise InputError(f"{swhat}: {_bad_positions(text, conv, start, end)}",
                                 path=self.path)
            self.sel_info[norm_guid(sel.get("guid"))] = (doc_id, s, e,
                                                          sel.find("Coding") is not None)
            if s >= e:
                self.notes.append(f"{swhat} is empty ({start}-{end}); left out")
                continue
            desc = sel.findtext("Description")
            for coding in sel.findall("Coding"):
                out.append(self.coding_row(coding, doc_id, s, e, desc, sel))
        return out

    def coding_row(self, coding, doc_id, s, e, desc, sel) -> dict:
        ref = coding.find("CodeRef")
        target = norm_guid(ref.get("targetGUID") if ref is not None else None)
        code = self.code_ids.get(target)
        if code is None:
            raise InputError(f"a coding in {doc_id!r} refers to the unknown code "
                             f"{target or '(none)'}; the codebook and codings disagree",
                             path=self.path)
        refs = [*coding.iterfind("NoteRef"),
                *(sel.iterfind("NoteRef") if sel.tag == "PlainTextSelection" else [])]
        notes = [self.note_text(self.notes_by_guid[g]) for g in
                 dict.fromkeys(norm_guid(r.get("targetGUID")) for r in refs)
                 if g in self.notes_by_guid]
        note = "\n".join(n for n in [desc, *notes] if n) or None
        row = {"doc_id": doc_id, "start": s, "end": e, "code": code,
               "coder": self.coder(coding, sel), "evidence": None, "note": note}
        # the REFI identity, kept where it is not what citra_eval derives, so an export gives
        # it back (a project citra_eval wrote from its own data gets none of these)
        user = next((u for u in (coding.get("creatingUser"), sel.get("creatingUser")) if u),
                    None)
        derived = {"selection_guid": stable_guid("selection", doc_id, s, e),
                   "coding_guid": stable_guid("coding", doc_id, s, e, code, row["coder"]),
                   "coder_guid": stable_guid("user", row["coder"])}
        found = {"selection_guid": sel.get("guid") if sel.tag == "PlainTextSelection" else None,
                 "coding_guid": coding.get("guid"), "coder_guid": user}
        for key, value in found.items():
            row[key] = value if value and norm_guid(value) != derived[key] else None
        row["created"] = coding.get("creationDateTime") or sel.get("creationDateTime")
        # the selection's own creator and date, where its coding has others (a coding
        # without its own took the selection's above)
        for key, attr in (("selection_user_guid", "creatingUser"),
                          ("selection_created", "creationDateTime")):
            own = sel.get(attr) if sel.tag == "PlainTextSelection" else None
            theirs = coding.get(attr)
            same = (norm_guid(own) == norm_guid(theirs) if attr == "creatingUser"
                    else own == theirs)
            row[key] = own.strip() if own and own.strip() and theirs and not same else None
        return row

    def codings_frame(self, rows: list[dict], corpus: Corpus, spanning: str) -> pd.DataFrame:
        segs = _DocSegments(corpus)
        if spanning == "split":
            rows = self.split_rows(rows, segs, corpus)
        else:
            crossing = sum(len(segs.pieces(r["doc_id"], r["start"], r["end"])) > 1
                           for r in rows)
            if crossing:
                self.notes.append(f"{crossing} selection(s) crossing speaker turns (or "
                                  "paragraphs) kept whole (spanning='keep'): their text runs "
                                  "into the next turn, and validate refuses them; "
                                  "spanning='split' cuts them to their turns")
        if not rows:
            return empty_codings()
        frame = pd.DataFrame(rows)
        if "segment_id" not in frame.columns:
            frame.insert(1, "segment_id", [
                segs.segment_for(d, s, e)
                for d, s, e in zip(frame["doc_id"], frame["start"], frame["end"], strict=True)])
        dup = frame.duplicated(CODING_COLUMNS)
        if dup.any():
            self.notes.append(f"{int(dup.sum())} duplicate coding(s) (same span, code and user) "
                              "left out")
            frame = frame[~dup]
        frame = frame.astype({"segment_id": "int64", "start": "int64", "end": "int64"})
        extra = [c for c in REFI_CODING_COLUMNS if c in frame.columns and frame[c].notna().any()]
        return frame[[*CODING_COLUMNS, "evidence", "note", *extra]].reset_index(drop=True)

    def split_rows(self, rows: list[dict], segs: _DocSegments, corpus: Corpus) -> list[dict]:
        """One coding per segment a selection overlaps, clipped to the segment; the notes
        say what was cut (a selection across turns, one over a label, or only the white
        space at a paragraph's end that a segment leaves out)."""
        out, dropped = [], 0
        cut = {"crossing": 0, "label": 0, "space": 0}
        for row in rows:
            pieces = segs.pieces(row["doc_id"], row["start"], row["end"])
            if not pieces:
                dropped += 1
                continue
            if len(pieces) > 1:
                cut["crossing"] += 1
            elif pieces[0][1:] != (row["start"], row["end"]):
                text = corpus.text(row["doc_id"])
                left = text[row["start"]:pieces[0][1]] + text[pieces[0][2]:row["end"]]
                cut["space" if not left.strip() else "label"] += 1
            out.extend({**row, "segment_id": sid, "start": a, "end": b} for sid, a, b in pieces)
        if cut["crossing"]:
            self.notes.append(f"{cut['crossing']} selection(s) crossing speaker turns (or "
                              "paragraphs) were cut into one coding per turn they overlap")
        if cut["label"]:
            self.notes.append(f"{cut['label']} selection(s) covering a speaker label were cut "
                              "to the turn's text")
        if cut["space"]:
            self.notes.append(f"{cut['space']} selection(s) starting or ending in white space "
                              "outside their turn or paragraph (a line end) were trimmed to "
                              "its text")
        if dropped:
            self.notes.append(f"{dropped} selection(s) overlapping no turn (only labels or "
                              "blank lines) left out")
        return out


class _DocSegments:
    """The segments of each document as sorted lists, for finding a span's segments by
    binary search (time logarithmic in the number of segments, not linear per coding).

    Turns follow one another, so within a document both the starts and the ends of the
    segments (in corpus order) never decrease; then the segments a span ``start:end``
    overlaps are exactly those from the first whose end lies after ``start`` to the last
    whose start lies before ``end``. A document whose segments do not have that shape is
    scanned whole (the same answers, only slower).
    """

    def __init__(self, corpus: Corpus) -> None:
        self.docs: dict[str, tuple[list[int], list[int], list[int], bool]] = {}
        for d, g in corpus.segments.groupby("doc_id", sort=False):
            ids = g["segment_id"].to_numpy(dtype=np.int64)
            starts = g["start"].to_numpy(dtype=np.int64)
            ends = g["end"].to_numpy(dtype=np.int64)
            ordered = bool((np.diff(starts) >= 0).all() and (np.diff(ends) >= 0).all()
                           and (starts <= ends).all())
            self.docs[d] = (ids.tolist(), starts.tolist(), ends.tolist(), ordered)

    def _candidates(self, doc: str, start: int, end: int) -> range:
        ids, starts, ends, ordered = self.docs[doc]
        if not ordered:
            return range(len(ids))
        lo = bisect.bisect_right(ends, start)  # the first segment ending after start
        hi = bisect.bisect_left(starts, end)   # the first starting at or after end
        return range(lo, max(lo, hi))

    def pieces(self, doc: str, start: int, end: int) -> list[tuple[int, int, int]]:
        """``(segment_id, start, end)`` of each segment ``start:end`` overlaps, the span cut
        to it, in corpus order."""
        if doc not in self.docs:
            return []
        ids, starts, ends, *_ = self.docs[doc]
        return [(ids[k], max(start, starts[k]), min(end, ends[k]))
                for k in self._candidates(doc, start, end)
                if starts[k] < end and ends[k] > start]

    def segment_for(self, doc: str, start: int, end: int) -> int:
        """The segment a coding kept whole belongs to: the one containing its start, else
        the first it overlaps (a span starting on a speaker label), else the next one after
        it (a span inside a label belongs to the turn the label opens), else the last one
        (a span after the last turn); 0 for a document without segments."""
        if doc not in self.docs:
            return 0
        ids, starts, ends, ordered = self.docs[doc]
        if not ordered:
            found = next((k for k in range(len(ids)) if starts[k] <= start < ends[k]), None)
            if found is None:
                found = next((k for k in range(len(ids))
                              if starts[k] < end and ends[k] > start), None)
            if found is None:
                found = next((k for k in range(len(ids)) if starts[k] >= start), None)
            return ids[found] if found is not None else ids[-1]
        # the segments containing ``start`` and those overlapping the span both begin at the
        # first segment ending after ``start`` (starts and ends never decrease)
        k = bisect.bisect_right(ends, start)
        if k < len(ids) and (starts[k] <= start < ends[k]
                             or (starts[k] < end and ends[k] > start)):
            return ids[k]
        k = bisect.bisect_left(starts, start)
        return ids[k] if k < len(ids) else ids[-1]


def _bad_positions(text: SourceText, conv, start: int, end: int) -> str:
    """Why a selection's positions ``start``-``end`` do not fit its text in ``conv``."""
    pair = [f"{what} {pos}" for what, pos in (("start", start), ("end", end))
            if text.splits_pair(pos, conv)]
    if pair:
        verb = "falls" if len(pair) == 1 else "fall"
        return (f"positions {start}-{end}: {' and '.join(pair)} {verb} between the two "
                "UTF-16 code units of one character (an emoji or another character beyond "
                "U+FFFF), which no program selects; if the file counts code points, give "
                "--positions codepoint (read_qdpx(..., positions='codepoint'))")
    counted = conv.describe(crlf="\r" in text.raw)
    return (f"positions {start}-{end} lie outside its text ({text.length(conv)} "
            f"{counted}); the project is inconsistent")


def _doc_id(src: ET.Element, member: str, taken: set[str], n: int) -> str:
    name = (src.get("name") or "").strip()
    if not name and member and member != "PlainTextContent":
        name = PurePosixPath(member).stem
    base = name if ID_OK.match(name) else re.sub(r"[^A-Za-z0-9_.\-]+", "_", name).strip("_.-")
    base = base[:80].rstrip(". ") or f"source{n}"
    if not base[0].isalnum():
        base = f"s{base}"
    # the id names transcripts/<id>.txt: unique ignoring case, no Windows device name
    return unique_stem(base, taken)


def _declared_roles(src: ET.Element) -> tuple[dict[str, str] | None, bool]:
    """Speakers (and whether only they make turns) a citra_eval export declares for a source."""
    desc = src.findtext("Description") or ""
    roles, declared = None, False
    for line in desc.splitlines():
        if line.startswith(SPEAKERS_PREFIX):
            try:
                found = json.loads(line[len(SPEAKERS_PREFIX):])
            except ValueError:
                found = None
            if isinstance(found, dict):
                roles = {}
                by_nfc: dict[str, str] = {}  # earlier exports could name one twice
                for k, v in found.items():
                    label, role = str(k), "" if v is None else str(v)
                    first = by_nfc.setdefault(unicodedata.normalize("NFC", label), label)
                    if first == label or not roles[first]:
                        roles[first] = role
        elif line.strip() == TURNS_DECLARED_LINE:
            declared = True
    return roles, declared


def read_qdpx(path: str | os.PathLike, *, language: str | None = None,
              turns: str = "auto", speakers: Mapping[str, str] | None = None,
              spanning: str = "split", positions: str | None = None, crlf: int | None = None,
              sources: str | os.PathLike | None = None, strict: bool = False,
              limits: Limits = DEFAULT_LIMITS) -> Project:
    """Read a REFI-QDA project (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA, QualCoder, ...

    Parameters
    ----------
    path : str or path
        The ``.qdpx`` file. It is treated as untrusted: read in memory only, with size,
        ratio and entry-count limits and without XML entities.
    language : str, optional
        Language of the code names (default: the one recorded by citra_eval, else ``id``).
    turns : {"auto", "none", "strict"}, default "auto"
        Speaker turns of texts from other programs. ``auto``: a text that looks like a
        transcript (two or more labels such as ``Max Bigman:`` or ``Speaker 1:`` that each
        start two or more lines and together start most of its paragraphs or at least 5% of
        its lines, see :func:`citra_eval.qdpx.turns.looks_like_transcript`) or has
        ``speakers`` is split into turns at those labels and every one-word label; any other
        text into paragraphs, so headings and titles (``Abstract:``) stay text. ``none``:
        paragraphs only. ``strict``: turns of the ``speakers`` given, nothing detected.
        citra_eval's own exports declare their speakers and are read as written.
    speakers : mapping, optional
        ``{label: role}`` for the speakers in the texts (e.g. ``{"Max Bigman":
        "interviewer"}``); gives roles to the turns. The roles are ``informant`` and
        ``interviewer`` (another word can still be written into a transcript's front matter).
    spanning : {"split", "keep"}, default "split"
        What to do with a selection that crosses speaker turns (or covers a speaker label):
        ``split`` it into one coding per turn it overlaps, each cut to its turn, so that every
        coding lies inside its segment (what ``citra-eval validate`` checks, and what
        ``citra-eval qdpx import`` does); ``keep`` its exact span, with the ``segment_id`` of
        the turn where it starts (quotes of such a coding then run into the next speaker's
        words, and ``validate`` refuses the files ``Project.save`` writes).
    positions : {"codepoint", "utf16"}, optional
        How the file counts positions: Unicode code points (the standard) or UTF-16 code
        units (NVivo). Default: detected from the selections (see Notes).
    crlf : {1, 2}, optional
        Whether a CRLF line end of the stored text counts as 2 positions (as stored) or 1.
        Default: detected.
    sources : str or path, optional
        A folder holding text files the archive lacks: sources outside the archive
        (``relative://``, ``absolute://``, looked up by relative path and by name) and
        ``internal://`` texts missing from it. Outside sources are also looked for beside
        the archive. Files outside these folders are never opened.
    strict : bool, default False
        Refuse the project when a source's text cannot be found, or when a text file from
        outside the archive does not fit its selections (changed since it was coded, see
        :func:`citra_eval.qdpx.positions.misfit`); by default the source is skipped (with its
        codings) and named in ``.notes``.
    limits : Limits, optional
        Caps for the archive (see :class:`citra_eval._safezip.Limits`).

    Returns
    -------
    Project
        ``.corpus`` (one document per text source; ids are the source names), ``.codebook``,
        ``.codings`` (one row per coding; ``coder`` is the user's name), ``.users``,
        ``.cases``, ``.notes``, ``.positions`` (how the positions were read, with the
        scores). Case and source variables become document attributes.

    Notes
    -----
    Offsets: REFI-QDA counts positions in code points of the source as stored, but NVivo
    counts UTF-16 code units (an emoji counts 2) and some programs count a CRLF line end as
    one. Every reading is scored on the file's selections (how many start and end on word
    boundaries, how many are named by their text) with the program named in ``origin`` as a
    prior, see :func:`citra_eval.qdpx.positions.choose_convention`; the winner's positions
    are mapped onto the LF-normalised corpus text (a leading byte-order mark is not counted).
    When no reading is convincing the file is refused, naming the scores.

    With ``spanning="keep"`` a selection that crosses speaker turns keeps its exact span and
    gets the ``segment_id`` of the turn where it starts (for a selection starting on a
    speaker label, the first turn it overlaps; for one inside a label, the turn that label
    opens); ``.notes`` counts them. ``citra-eval qdpx export`` (``read_codings(...,
    within="text")``) accepts such codings; ``validate`` asks for ``spanning="split"``, the
    default. Both modes find a selection's turns
    by binary search, so the time grows with the number of codings, not codings x turns.

    Raises
    ------
    InputError
        Not a zip, truncated, hostile (path traversal, zip bomb, XML entities), not a
        REFI-QDA project (or one of another namespace than ``urn:QDA-XML:project:1.0``),
        inconsistent (selection outside its text, unknown code), or its positions fit no
        counting convention convincingly.
    TypeError
        ``speakers`` is not a mapping, or a label in it not a string.
    ValueError
        An option is not one of its values; a role in ``speakers`` is not ``informant`` or
        ``interviewer``, or a label is blank.

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
    check_bool(strict, "strict")
    spath = os.fspath(path)
    members = read_zip(path, limits=limits, what="REFI-QDA project (.qdpx)", lazy=True)
    root = project_root(members, spath)
    check_choice(spanning, "spanning", ("keep", "split"))
    check_choice(turns, "turns", TURN_MODES[:3])
    check_choice(positions, "positions", (None, "codepoint", "utf16"))
    check_choice(crlf, "crlf", (None, 1, 2))
    speakers = check_speakers(speakers)
    if sources is not None and not Path(sources).is_dir():
        raise InputError("the folder of source texts does not exist or is not a folder",
                         path=os.fspath(sources))
    reader = _Reader(spath, members, root, language, sources=sources, strict=strict,
                     limits=limits)
    try:
        return reader.read(turns, speakers, spanning, positions, crlf)
    except InputError:
        raise
    except RecursionError:
        raise InputError("the project XML is nested too deeply to be real", path=spath) from None

