"""REFI-QDA XML primitives shared by the codebook (``.qdc``) and project (``.qdpx``) forms.

Namespaces, the stable GUIDs citra_eval writes, and deterministic XML serialisation.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from xml.etree import ElementTree as ET

from ._files import xml_safe
from ._safezip import parse_xml
from ._version import __version__
from .errors import InputError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: Namespace of the UUID-5 GUIDs citra_eval writes (fixed forever: changing it changes files).
GUID_NAMESPACE = uuid.UUID("6b1c3f0e-5a7d-5c2e-9f43-2a7e1d0c9b18")
ORIGIN_RE = re.compile(r"\(codebook (?P<name>.*), version (?P<version>[^,]*), "
                       r"language (?P<language>[a-z]{2,3})(?:, positions (?P<positions>\w+))?"
                       r"\)\s*$")
SPEAKERS_PREFIX = "citra_eval speakers: "
#: Document attributes holding a source's name and GUID in another program (when they differ
#: from the doc_id and the GUID citra_eval derives), given back on export.
SOURCE_NAME, SOURCE_GUID = "source_name", "source_guid"
#: Codings columns holding the REFI identity of a coding from another program: its
#: selection's and its own GUID, its user's GUID and its creation date, and its selection's
#: own creating user (GUID) and date where they differ from the coding's (NVivo records who
#: made a selection besides who coded it); given back on export.
REFI_CODING_COLUMNS = ["selection_guid", "coding_guid", "coder_guid", "created",
                       "selection_user_guid", "selection_created"]
GUID_RE = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                     r"[0-9a-fA-F]{12}\}?$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")
#: The project's own record on ``<Project>``: (user attribute, date attribute, the word the
#: ``project`` column of the users table gives it: ``created 2024-05-01T08:00:00Z``).
PROJECT_RECORD = (("creatingUserGUID", "creationDateTime", "created"),
                  ("modifyingUserGUID", "modifiedDateTime", "modified"))
#: Source description line of a document whose turns come from its declared speakers only.
TURNS_DECLARED_LINE = "citra_eval turns: declared"
ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
CODE_ID_OK = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_DEPTH = 200
#: Longest name (or other XML attribute: GUID, path, date) a REFI-QDA file may give an item.
#: Real names are a few words; one of megabytes costs minutes and gigabytes to write out.
MAX_NAME_CHARS = 1_000
#: Longest description, variable value or other element text (a source's or a note's own
#: text, ``PlainTextContent``, is the data and is bounded by the archive limits only).
MAX_TEXT_CHARS = 100_000


_HEX_COLOR = re.compile(r"#([0-9A-Fa-f]{3,4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})")
#: What a colour REFI-QDA cannot hold is said to be instead (messages of lint and export).
COLOR_FORMS = "#RRGGBB, #RGB or a CSS colour name such as 'red'"


def refi_color(value: object) -> str | None:
    """A code's ``color`` as REFI-QDA writes it (``#RRGGBB`` or ``#RGB``), or None.

    ``#RRGGBB`` and ``#RGB`` stay as written; an alpha (``#RRGGBBAA``, ``#RGBA``) is dropped,
    since REFI-QDA has none; a CSS colour name (``red``, ``SteelBlue``) becomes its
    ``#RRGGBB``. Anything else (``merah``, ``#12345``) is not a colour: None.

    Examples
    --------
    >>> [refi_color(c) for c in ["#abc", "#FF000080", "red", "merah"]]
    ['#abc', '#FF0000', '#FF0000', None]
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    m = _HEX_COLOR.fullmatch(text)
    if m:
        digits = m.group(1)
        return "#" + digits[:3 if len(digits) in (3, 4) else 6]
    from matplotlib.colors import CSS4_COLORS

    return CSS4_COLORS.get(text.lower())


def check_sizes(root: ET.Element, *, path: str) -> None:
    """Refuse a REFI-QDA XML tree holding a name longer than :data:`MAX_NAME_CHARS` or a
    text longer than :data:`MAX_TEXT_CHARS` (see docs/security.md, "Limits")."""
    for el in root.iter():
        for key, value in el.attrib.items():
            if len(value) > MAX_NAME_CHARS:
                _too_long(el, f"its {key!r}", len(value), MAX_NAME_CHARS,
                          "names and other attributes", path)
        if el.text is not None and len(el.text) > MAX_TEXT_CHARS \
                and el.tag != "PlainTextContent":
            _too_long(el, "its text", len(el.text), MAX_TEXT_CHARS,
                      "descriptions, variable values and other texts", path)


def _too_long(el: ET.Element, what: str, n: int, limit: int, kind: str, path: str) -> None:
    guid = el.get("guid")
    which = f" {guid!r}" if guid and len(guid) <= 80 else ""
    raise InputError(f"<{el.tag}>{which}: {what} is {n:,} characters long; {kind} may have "
                     f"at most {limit:,} (no QDA program writes more: the file is not a real "
                     "project or codebook)", path=path)


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


def norm_guid(value: str | None) -> str:
    """Compare GUIDs case-insensitively, with or without braces."""
    return (value or "").strip().strip("{}").lower()


def xml_text(value: object) -> str:
    """``value`` as XML text: the characters XML 1.0 cannot carry replaced (one for one, so
    the file stays readable and positions hold)."""
    return xml_safe(str(value))


def origin(codebook, *, positions: str = "codepoint") -> str:
    """The ``origin`` attribute citra_eval writes: version and the codebook's identity (and
    ``positions utf16`` when positions count UTF-16 units, for NVivo)."""
    tail = "" if positions == "codepoint" else f", positions {positions}"
    return (f"citra_eval {__version__} (codebook {codebook.name}, version {codebook.version}, "
            f"language {codebook.language}{tail})")


def serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")



_TEXT_CONTENT = re.compile(rb"(<(?:[\w.-]+:)?PlainTextContent\b[^>]*(?<!/)>)(.*?)"
                           rb"(</(?:[\w.-]+:)?PlainTextContent\s*>)", re.S)


def keep_carriage_returns(data: bytes) -> bytes:
    """The project XML with each carriage return inside ``<PlainTextContent>`` written as
    ``&#13;``, so that parsing keeps it.

    An XML parser turns a CRLF line end in element text into LF, but the positions of the
    selections count the text as the program stored it, CRs included: without them every
    selection after a line end would move. Other text (descriptions, names, the tags) is
    left as it is; a UTF-16 file and a text in a CDATA section are not changed.

    Examples
    --------
    >>> keep_carriage_returns(b"<P>\\r\\n<PlainTextContent>a\\r\\nb</PlainTextContent></P>")
    b'<P>\\r\\n<PlainTextContent>a&#13;\\nb</PlainTextContent></P>'
    """
    if b"\r" not in data or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data

    def escape(m: re.Match) -> bytes:
        body = m.group(2)
        if b"\r" not in body or b"<![CDATA[" in body:
            return m.group(0)
        return m.group(1) + body.replace(b"\r", b"&#13;") + m.group(3)

    return _TEXT_CONTENT.sub(escape, data)


def project_member(members: Mapping[str, bytes], path: str) -> str:
    """The archive entry holding the project XML: ``project.qde``, else the one ``.qde`` at the
    top (or the only one, in a folder when the archive was zipped with its folder)."""
    qdes = [n for n in members if n.lower().endswith(".qde")]
    top = [n for n in qdes if "/" not in n]
    chosen = ("project.qde" if "project.qde" in members else
              top[0] if len(top) == 1 else qdes[0] if len(qdes) == 1 else None)
    if chosen is None:
        found = ", ".join(sorted(qdes)[:5]) or "none"
        raise InputError(f"no single project XML (*.qde) in the archive (found: {found}); is "
                         "this a REFI-QDA .qdpx export?", path=path)
    return chosen


def name_key(name: str) -> str:
    """How two names of a project (code labels, user names) are compared: in NFC and
    case-folded, so that ``Café`` written precomposed or decomposed, or ``CAFÉ``, count as
    one name (they print alike).

    >>> name_key("Cafe\u0301") == name_key("CAFÉ") == "café"
    True
    """
    return unicodedata.normalize("NFC", name).casefold()


def project_root(members: Mapping[str, bytes], path: str) -> ET.Element:
    chosen = project_member(members, path)
    root = parse_xml(keep_carriage_returns(members[chosen]), path=path, member=chosen,
                     namespace=PROJECT_NS)
    if root.tag != "Project":
        raise InputError(f"{chosen} is not a REFI-QDA project: its root element is "
                         f"<{root.tag}>, expected <Project>", path=path)
    return root

