"""Reading untrusted archives (``.qdpx``) and XML safely, entirely in memory.

Nothing is extracted to disk. Entry names that would escape a target folder (absolute paths,
``..``, drive letters; backslashes count as separators) are refused, as are encrypted
entries, too many entries, and sizes or compression ratios typical of zip bombs. The byte
counts are enforced while decompressing, so a lying header cannot smuggle more data through.
XML is parsed with ``defusedxml`` (no DTDs, no entity expansion, no external references).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element, ParseError

from ._files import is_input_file
from .errors import InputError

__all__ = ["DOCX_LIMITS", "Limits", "ZipMembers", "parse_xml", "read_zip", "read_zip_bytes",
           "refuse_dtd"]

_CHUNK = 1 << 16
#: The first bytes of an OLE compound file: an encrypted .docx/.xlsx, or an old .doc/.xls.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """Caps for reading an untrusted archive.

    Attributes
    ----------
    max_total : int
        Total uncompressed bytes of all entries read (default 1 GiB).
    max_file : int
        Uncompressed bytes of any one entry (default 512 MiB).
    max_ratio : float
        Largest uncompressed/compressed size ratio of an entry above 1 MiB (default 200;
        text compresses about 3-10x, zip bombs 1000x and more).
    max_entries : int
        Number of entries in the archive (default 100 000: a project of 20,000 sources has
        one entry per source).
    """

    max_total: int = 1 << 30
    max_file: int = 512 << 20
    max_ratio: float = 200.0
    max_entries: int = 100_000
    ratio_floor: int = 1 << 20  # small entries may compress extremely well (e.g. empty files)


DEFAULT_LIMITS = Limits()
#: A ``.docx`` transcript is a zip archive too (Word XML): the same checks, smaller caps.
DOCX_LIMITS = Limits(max_total=256 << 20, max_file=128 << 20, max_entries=2_000)
_REEXPORT = "export it again from your QDA program"
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> str | None:
    """Why ``name`` would escape the extraction folder, or None if it is safe."""
    if "\x00" in name:
        return "contains a NUL byte"
    name = name.replace("\\", "/")  # some Windows tools write backslashes
    if name.startswith("/") or _DRIVE_RE.match(name):
        return "is an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "contains '..' (it would be written outside the target folder)"
    return None


def read_zip(path: str | os.PathLike, *, limits: Limits = DEFAULT_LIMITS,
             what: str = "archive", hint: str = _REEXPORT,
             lazy: bool = False) -> Mapping[str, bytes]:
    """Read every file entry of a zip archive into memory, refusing anything hostile.

    Returns ``{entry name: bytes}`` in archive order (directories left out). With ``lazy``,
    a :class:`ZipMembers` instead: every entry's name and header are checked at once, but
    an entry is decompressed (with the same limits) only when it is first read, so entries
    nobody reads cost no memory.

    Raises
    ------
    InputError
        Not a zip file, truncated or corrupt, encrypted, an entry escaping the folder, or a
        size/ratio/entry-count limit exceeded; the message names the file and the entry.
    """
    spath = os.fspath(path)
    is_input_file(path)  # a device or FIFO would never end or never start
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise InputError("file not found; check the path", path=spath) from None
    except IsADirectoryError:
        raise InputError(f"expected a {what} file but this is a directory", path=spath) from None
    except PermissionError:
        raise InputError("permission denied; make the file readable", path=spath) from None
    return read_zip_bytes(data, path=spath, limits=limits, what=what, hint=hint, lazy=lazy)


def read_zip_bytes(data: bytes, *, path: str | None = None, limits: Limits = DEFAULT_LIMITS,
                   what: str = "archive", hint: str = _REEXPORT,
                   lazy: bool = False) -> Mapping[str, bytes]:
    """:func:`read_zip` on bytes already in memory (``hint``: how to fix an unreadable
    archive)."""
    if not data:
        raise InputError(f"the file is empty, not a {what}", path=path)
    if data.startswith(_OLE_MAGIC):  # what Office writes for a password, or a .doc/.xls
        raise InputError(f"this {what} is encrypted or an old .doc/.xls: save it as "
                         ".docx/.xlsx without a password", path=path)
    if len(data) > limits.max_total:
        raise InputError(f"the {what} is {len(data)} bytes, more than the limit of "
                         f"{limits.max_total}; refusing it", path=path)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            IndexError, KeyError, UnicodeDecodeError, NotImplementedError, OverflowError) as exc:
        raise InputError(f"not a readable {what} (a zip file): {_why(exc)}; {hint}",
                         path=path) from None
    if len(infos) > limits.max_entries:
        raise InputError(f"the {what} has {len(infos)} entries, more than the limit of "
                         f"{limits.max_entries}; refusing it", path=path)
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        # zipfile cuts a name at a NUL byte; the name as stored still has it
        why = _unsafe_name(getattr(info, "orig_filename", info.filename))
        name = info.filename.replace("\\", "/")
        if why is not None:
            raise InputError(f"entry {name!r} {why}; refusing the whole {what}", path=path)
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise InputError(f"entry {name!r} is encrypted; export the {what} without a "
                             "password", path=path)
        if info.file_size > limits.max_file:
            raise InputError(f"entry {name!r} would unpack to {info.file_size} bytes, more than "
                             f"the limit of {limits.max_file}; refusing it", path=path)
        _check_ratio(name, info.file_size, info.compress_size, limits, path)
        if lazy and name in entries:
            raise InputError(f"entry {name!r} appears twice; the {what} is corrupt", path=path)
        entries.setdefault(name, info)
    members = ZipMembers(zf, entries, limits=limits, path=path)
    if lazy:
        return members
    out: dict[str, bytes] = {}
    for info in infos:
        name = info.filename.replace("\\", "/")
        if info.is_dir():
            continue
        if name in out:
            raise InputError(f"entry {name!r} appears twice; the {what} is corrupt", path=path)
        out[name] = members.read(info)
    return out


class ZipMembers(Mapping[str, bytes]):
    """The file entries of a checked archive, each decompressed when first read (then kept).

    Names, headers, encryption and declared sizes were checked when the archive was opened
    (:func:`read_zip` with ``lazy=True``); the bytes are counted against :class:`Limits`
    while decompressing (an entry's size and ratio, and the total of the entries read), so
    a lying header does not help, and entries never read are never inflated.
    """

    def __init__(self, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], *,
                 limits: Limits, path: str | None) -> None:
        self._zf, self._entries, self._limits, self._path = zf, entries, limits, path
        self._read: dict[str, bytes] = {}
        self.total = 0  # bytes decompressed so far

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """Decompress one entry within the limits (counted in :attr:`total`)."""
        blob = _read_entry(self._zf, info, self._limits, self._limits.max_total - self.total,
                           self._path)
        self.total += len(blob)
        return blob

    def __getitem__(self, name: str) -> bytes:
        if name not in self._read:
            self._read[name] = self.read(self._entries[name])
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries


def _check_ratio(name: str, size: int, compressed: int, limits: Limits, path) -> None:
    if size > limits.ratio_floor and size > limits.max_ratio * max(compressed, 1):
        ratio = size / max(compressed, 1)
        raise InputError(f"entry {name!r} expands {ratio:.0f}-fold ({compressed} -> {size} "
                         f"bytes), above the limit of {limits.max_ratio:.0f}; this looks like "
                         "a zip bomb, refusing it", path=path)


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: int,
                path) -> bytes:
    name = info.filename
    parts: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limits.max_file:
                    raise InputError(f"entry {name!r} unpacks to more than the limit of "
                                     f"{limits.max_file} bytes; refusing it", path=path)
                if size > budget:
                    raise InputError(f"the archive unpacks to more than the limit of "
                                     f"{limits.max_total} bytes in total (at entry {name!r}); "
                                     "refusing it", path=path)
                _check_ratio(name, size, info.compress_size, limits, path)
                parts.append(chunk)
    except InputError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError, KeyError,
            NotImplementedError, RuntimeError, IndexError, OverflowError) as exc:
        raise InputError(f"entry {name!r} cannot be read: {_why(exc)}; the archive is truncated "
                         "or corrupt, export it again", path=path) from None
    return b"".join(parts)


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


# --------------------------------------------------------------------------- XML


def parse_xml(data: bytes, *, path: str | None = None, member: str | None = None,
              max_bytes: int = 256 << 20, namespace: str | None = None) -> Element:
    """Parse untrusted XML bytes into an ElementTree element with namespaces stripped.

    DTDs (and with them entity definitions and external references) are refused by
    :func:`refuse_dtd`, the one DTD check of every XML the package reads, which stops XXE
    and "billion laughs" attacks; the parser (``defusedxml``) forbids them too, in case the
    prolog could not be read, with the same message. Tags lose their ``{namespace}``
    prefix so files with and without the REFI-QDA namespace read the same. ``member`` names
    the archive entry the XML came from (errors then name ``path`` and say the entry and its
    line). ``namespace``: the one namespace the root element may have (a root without one
    is read too); another is refused, as a file of another schema.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    where = f"{member}: " if member else ""

    def fail(msg: str, line: int | None = None) -> InputError:
        if member and line is not None:
            return InputError(f"{member} line {line}: {msg}", path=path)
        return InputError(where + msg, path=path, line=line)

    if len(data) > max_bytes:
        raise fail(f"the XML is {len(data)} bytes, more than the limit of {max_bytes}")
    if not data.strip():
        raise fail("the XML file is empty")
    refuse_dtd(data, path=path, member=member)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise _unsafe_xml(path, member, _REFI_FILES) from None
    except ParseError as exc:
        line = getattr(exc, "position", (None, None))[0]
        raise fail(f"not well-formed XML: {_why(exc)}", line) from None
    except (ValueError, UnicodeDecodeError, LookupError, RecursionError) as exc:
        raise fail(f"not readable XML: {_why(exc)}") from None
    got = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else None
    if namespace is not None and got not in (None, namespace):
        raise fail(f"expected namespace {namespace}, got {got} (the root element "
                   f"<{root.tag.rsplit('}', 1)[1]}> belongs to another schema); export the "
                   "project again as REFI-QDA 1.0 (.qdpx, the standard's only published "
                   "version)")
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.rsplit("}", 1)[1]
    return root


class _Prolog(Exception):
    """Raised by :func:`refuse_dtd`'s handlers: the prolog has been read."""


#: What :func:`parse_xml` reads, for :func:`refuse_dtd`'s message.
_REFI_FILES = "REFI-QDA files"


def _unsafe_xml(path: str | None, member: str | None, what: str) -> InputError:
    """The error of XML holding a DTD (``what`` names the kind of file)."""
    return InputError(f"{member + ': ' if member else ''}unsafe XML refused (a DTD: DTDs, "
                      f"entities and external references are not allowed in {what})",
                      path=path)


def refuse_dtd(data: bytes, *, path: str | None = None, member: str | None = None,
               what: str = _REFI_FILES) -> None:
    """Refuse XML ``data`` whose prolog holds a DTD (``<!DOCTYPE ...>``: entity definitions,
    external references): for XML another library parses (python-docx, openpyxl), and
    for :func:`parse_xml`'s own. Only the prolog is read (parsing stops at the root
    element, whatever the encoding), so this costs next to nothing; data that is no XML is
    left to its reader. ``what`` names the kind of file in the message."""
    from xml.parsers import expat

    def stop(*_args) -> None:
        raise _Prolog

    found = []
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = lambda *_a: (found.append(True), stop())
    parser.StartElementHandler = stop
    try:
        for i in range(0, max(len(data), 1), _CHUNK):
            parser.Parse(data[i:i + _CHUNK], i + _CHUNK >= len(data))
    except _Prolog:
        pass
    except (expat.ExpatError, ValueError, LookupError):
        return
    if found:
        raise _unsafe_xml(path, member, what)
