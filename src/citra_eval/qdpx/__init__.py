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

from .._refi import GUID_NAMESPACE, stable_guid
from ..codebook import codebook_from_qdc, codebook_from_qdpx, codebook_to_qdc, qdc_bytes
from ..corpus import front_matter_of, transcript_source, write_transcripts
from .positions import PositionsWarning
from .project import Project
from .read import read_qdpx
from .write import qdpx_bytes, write_qdpx

__all__ = [
    "GUID_NAMESPACE",
    "PositionsWarning",
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
