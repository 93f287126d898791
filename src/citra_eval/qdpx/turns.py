"""Speaker turns of texts imported from other programs: only where a text is a transcript.

Texts in a REFI-QDA project are whatever the coders worked on: interview transcripts, but
also survey answers, field notes, papers, dumps of YouTube comments. A line such as
``Abstract: ...`` or a video title ``Kötelező oltás: ...`` looks like a speaker label, and
cutting the text into "turns" there would make segments (and, with ``spanning="split"``,
codings) out of nothing. So turns are made only when asked for or when the text looks like a
transcript (:func:`looks_like_transcript`); other texts are split into paragraphs and written
with the front matter ``turns: declared``, which tells the transcript reader that ``Word:``
lines are plain text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from .._validation import check_choice
from ..corpus import (
    TIMESTAMP_PATTERN,
    TURNS_DECLARED,
    TURNS_KEY,
    ParsedTranscript,
    front_matter_text,
    one_word_labels,
    parse_transcript,
)
from ..errors import InputError

__all__ = ["TURN_MODES", "label_counts", "looks_like_transcript", "segment_source"]

#: ``auto``: turns when the text looks like a transcript or speakers are given, else
#: paragraphs; ``none``: paragraphs; ``strict``: turns of the given speakers only;
#: ``labels``: every one-word label and the given speakers (citra_eval's own exports).
TURN_MODES = ("auto", "none", "strict", "labels")

_BROAD_LABEL_RE = re.compile(
    rf"^(?:{TIMESTAMP_PATTERN})?"
    r"(?P<label>[^\W\d_][\w.\-]*(?: [\w.\-]+){0,3})[ \t]*:(?P<gap>[ \t]*)")
#: A source is a transcript when at least this share of its paragraphs starts with a
#: repeated speaker label (paragraphs are separated by blank lines; counted with 5 or more) ...
MIN_PARAGRAPH_SHARE = 0.5
#: ... or at least this share of its non-blank lines does (hard-wrapped turns of up to 20
#: lines without blank lines between them).
MIN_LINE_SHARE = 0.05


def label_counts(text: str) -> dict[str, int]:
    """How often each speaker-like label starts a line of ``text``.

    A label is up to four words and a colon at the start of a line (after an optional
    ``[hh:mm:ss]``), followed by a space, a tab or the line end. A label followed by an
    aligned gap (two or more spaces or a tab, as transcription software writes) counts twice.

    Examples
    --------
    >>> label_counts("Ana:   Halo.\\nBudi: Ya.\\nBudi: Tidak.\\nCatatan: satu\\nnot a label")
    {'Ana': 2, 'Budi': 2, 'Catatan': 1}
    """
    counts: dict[str, int] = {}
    for line in text.split("\n"):
        b = _BROAD_LABEL_RE.match(line)
        if b and (b.group("gap") or b.end() == len(line)):
            aligned = "\t" in b.group("gap") or len(b.group("gap")) >= 2
            counts[b.group("label")] = counts.get(b.group("label"), 0) + (2 if aligned else 1)
    return counts


def _speaker_labels(text: str) -> list[str]:
    return [k for k, n in label_counts(text).items() if n >= 2 and _usable_label(k)]


def looks_like_transcript(text: str) -> bool:
    """Whether ``text`` reads as speaker turns rather than as text with some ``Word:`` lines.

    Notes
    -----
    A transcript has at least two *speaker labels* (labels of :func:`label_counts` counted
    twice or more) and those labels start either at least :data:`MIN_PARAGRAPH_SHARE` of its
    paragraphs (when it has five or more) or at least :data:`MIN_LINE_SHARE` of its non-blank
    lines. Headings of a paper (``Abstract:``, ``RQ1:``) do not repeat; titles repeated in a
    dump of comments (one in every eight-line record) start 2% of its lines and none of its
    paragraphs.

    Examples
    --------
    >>> looks_like_transcript("P: Apa strategi humas?\\nI: Kami bermitra.\\nP: Dengan siapa?\\n"
    ...                       "I: Media lokal.\\n")
    True
    >>> looks_like_transcript("Abstract: kami meneliti citra.\\n\\nRQ1: bagaimana?\\n\\nHasil.")
    False
    """
    speakers = set(_speaker_labels(text))
    if len(speakers) < 2:
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    paragraphs = [p.strip().split("\n")[0] for p in re.split(r"\n[ \t]*\n", text) if p.strip()]

    def starts(ln: str) -> bool:
        b = _BROAD_LABEL_RE.match(ln)
        return bool(b) and b.group("label") in speakers

    line_share = sum(map(starts, lines)) / len(lines)
    par_share = (sum(map(starts, paragraphs)) / len(paragraphs) if len(paragraphs) >= 5
                 else 0.0)
    return par_share >= MIN_PARAGRAPH_SHARE or line_share >= MIN_LINE_SHARE


def _nfc(label: str) -> str:
    """A label as the transcript reader compares it (NFC: 'e' + U+0301 is 'é')."""
    return unicodedata.normalize("NFC", label)


def _usable_label(label: str) -> bool:
    return bool(label) and ":" not in label and label == label.strip() and "\n" not in label


def segment_source(doc_id: str, text: str, *, path: str, roles: Mapping[str, str] | None,
                   turns: str = "auto") -> ParsedTranscript:
    """Split an imported text into turns (or paragraphs) with the transcript reader's rules.

    Parameters
    ----------
    doc_id : str
        The document's id.
    text : str
        Its LF-normalised text.
    path : str
        Where it came from, for messages.
    roles : mapping, optional
        ``{label: role}`` of speakers that are known (given by the user, or declared in a
        citra_eval export).
    turns : {"auto", "none", "strict", "labels"}
        See :data:`TURN_MODES`. With ``auto``, a text that looks like a transcript (or has
        ``roles``) is split at the given speakers, at labels of up to four words counted
        twice or more by :func:`label_counts` and at every one-word label; any other text is
        split into paragraphs.

    Returns
    -------
    ParsedTranscript
        Its turns; ``attrs`` holds ``turns: declared`` when only declared speakers (or none)
        make turns, so that the transcript file written from it reads back the same.
    """
    check_choice(turns, "turns", TURN_MODES)
    speakers = {k: v for k, v in (roles or {}).items() if _usable_label(k)}
    generic: list[str] = []
    declared_only = True
    if turns == "none":
        speakers = {}
    elif turns == "labels" or (turns == "auto" and (speakers or looks_like_transcript(text))):
        declared_only = False
        generic = one_word_labels(text)  # the transcript reader refuses them undeclared
        known = {_nfc(k) for k in speakers}  # 'e' + U+0301 and 'é' are one speaker
        found = generic + (_speaker_labels(text) if turns == "auto" else [])
        for label in found:
            if _nfc(label) not in known:
                known.add(_nfc(label))
                speakers[label] = ""
    extra = {TURNS_KEY: TURNS_DECLARED} if declared_only else {}
    for _ in range(len(speakers) + 1):
        front = front_matter_text({"id": doc_id, **extra,
                                   **({"speakers": speakers} if speakers else {})})
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
        for k in unused:  # a label that starts no turn need not be declared
            del speakers[k]
    for t in parsed.turns:
        t["line"] -= skip
    return parsed
