"""Finding a passage in a transcript: exactly, loosely, or by its best fuzzy match.

Used where a piece of text must be put back at code-point offsets: a quote a coder pasted into
a coding sheet (:mod:`citra_eval.sheets`), and a coding whose transcript was edited
(:mod:`citra_eval.anchoring`). Every function returns spans ``(start, end)`` into the text it
was given (end-exclusive code points), so ``text[start:end]`` is the passage found.

- :func:`find_exact`: every occurrence (overlapping ones too) inside ``[lo, hi)``.
- :func:`find_loose`: the same, ignoring case, runs of whitespace and typographic quotes
  (what copying from a spreadsheet or a word processor changes); the span found covers the
  original characters, so it may differ in length from the needle.
- :func:`find_fuzzy`: spans whose similarity to the needle (difflib's ratio,
  ``2 * matches / (len(a) + len(b))``) reaches a threshold, for text that was itself edited.
  Candidate places are found by exact pieces of the needle voting for a start offset (linear
  in the text, done by ``str.find``), then each place is aligned with
  :class:`difflib.SequenceMatcher` on a window little longer than the needle, so time does not
  grow with the square of a long document.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from difflib import SequenceMatcher

__all__ = ["FUZZY_MIN_LENGTH", "ZERO_WIDTH", "ZWSP", "character_named", "find_exact",
           "find_fuzzy", "find_loose", "grapheme_around", "grapheme_boundary", "loose_form",
           "matching_blocks", "similarity", "without_quote_marks"]

#: Typographic quotes and primes and the plain character they stand for.
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
          "\u00ab": '"', "\u00bb": '"'}

#: Marks that may stand around a pasted quote: straight and typographic.
_QUOTE_MARKS = frozenset(QUOTES) | {'"', "'"}

#: Shorter needles are never matched fuzzily (too many places look alike).
FUZZY_MIN_LENGTH = 12

_MAX_HITS_PER_PIECE = 2000   # a piece found more often than this carries no information
_MAX_PLACES = 8              # candidate places aligned per search


def find_exact(text: str, needle: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Every occurrence of ``needle`` inside ``text[lo:hi]`` (overlapping ones included)."""
    hi = len(text) if hi is None else hi
    if not needle:
        return []
    out = []
    pos = text.find(needle, lo, hi)
    while pos >= 0:
        out.append((pos, pos + len(needle)))
        pos = text.find(needle, pos + 1, hi)
    return out


#: Zero-width characters the loose form leaves out: non-joiner, joiner, word joiner, byte
#: order mark, and the direction marks and bidirectional controls that text pasted from
#: social media and web pages holds (left-to-right, right-to-left and Arabic letter marks
#: U+200E, U+200F, U+061C; embeddings and overrides U+202A-U+202E; isolates
#: U+2066-U+2069). A zero-width space (:data:`ZWSP`) counts as a space. The token
#: normaliser's :data:`citra_eval.normalise.INVISIBLE` is built from these.
ZERO_WIDTH = frozenset("\u200c\u200d\u2060\ufeff\u200e\u200f\u061c"
                       "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: The zero-width space: a space one cannot see (a possible line break).
ZWSP = "\u200b"


def loose_form(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` case-folded and decomposed (NFD: canonically equivalent text compares
    equal), without zero-width characters, with runs of whitespace as one space and
    typographic quotes as plain ones; and for each character of the result the start and
    end offset of the original characters it stands for."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace() or c == ZWSP:
            j = i + 1
            while j < n and (text[j].isspace() or text[j] == ZWSP):
                j += 1
            chars.append(" ")
            starts.append(i)
            ends.append(j)
            i = j
            continue
        if c in ZERO_WIDTH:  # pasted from a web page or a chat: not part of the words
            i += 1
            continue
        # decomposed (NFD) so that a quote typed as "é" finds a text holding "e" + U+0301
        folded = unicodedata.normalize("NFD", QUOTES.get(c, c).casefold())
        for f in folded:
            chars.append(f)
            starts.append(i)
            ends.append(i + 1)
        i += 1
    return "".join(chars), starts, ends


def find_loose(text: str, needle: str, lo: int = 0,
               hi: int | None = None) -> list[tuple[int, int]]:
    """Occurrences of ``needle`` in ``text[lo:hi]`` ignoring case, Unicode normalisation,
    zero-width characters, runs of whitespace and typographic quotes (the needle's own
    leading and trailing whitespace is ignored); spans cover the original characters."""
    hi = len(text) if hi is None else hi
    key = loose_form(needle)[0].strip()
    if not key:
        return []
    hay, starts, ends = loose_form(text[lo:hi])
    return [(lo + starts[a], lo + ends[b - 1]) for a, b in find_exact(hay, key)]


def _extends(c: str) -> bool:
    """Whether ``c`` belongs to the character before it (a user-perceived character, a
    grapheme, goes on): a combining mark, a zero-width joiner, a variation selector, an
    emoji skin-tone modifier or tag character, a Hangul vowel or final consonant."""
    o = ord(c)
    return (unicodedata.category(c) in ("Mn", "Me", "Mc") or o == 0x200D
            or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF or 0x1F3FB <= o <= 0x1F3FF
            or 0xE0020 <= o <= 0xE007F or 0x1160 <= o <= 0x11FF)


def _regional(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF  # a flag is a pair of these


def grapheme_boundary(text: str, p: int) -> bool:
    """Whether offset ``p`` of ``text`` lies between two user-perceived characters
    (graphemes; a simplified UAX #29: not before a combining accent, zero-width joiner,
    variation selector or skin-tone modifier, not after a joiner, not inside a flag's pair
    of regional indicators). A span that starts or ends elsewhere cuts a character: ``é``
    written as ``e`` + U+0301 cut after the ``e``, a family emoji cut after its first
    person.

    >>> grapheme_boundary("cafe\u0301 ", 4), grapheme_boundary("cafe\u0301 ", 5)
    (False, True)
    """
    if p <= 0 or p >= len(text):
        return True
    if _extends(text[p]) or text[p - 1] == "\u200d":
        return False
    if _regional(text[p]) and _regional(text[p - 1]):
        run = 0
        while p - run - 1 >= 0 and _regional(text[p - run - 1]):
            run += 1
        return run % 2 == 0
    return True


def grapheme_around(text: str, p: int) -> tuple[int, int]:
    """The user-perceived character of ``text`` that offset ``p`` cuts, as ``(a, b)`` with
    ``a < p < b`` (``text[a:b]`` is the whole character: an emoji with its skin tone, a
    family emoji, a letter with its combining accent); ``(p, p)`` when ``p`` cuts none
    (:func:`grapheme_boundary`).

    >>> grapheme_around("cafe\u0301 ", 4), grapheme_around("cafe\u0301 ", 5)
    ((3, 5), (5, 5))
    """
    a = b = p
    while not grapheme_boundary(text, a):
        a -= 1
    while not grapheme_boundary(text, b):
        b += 1
    return a, b


def character_named(chars: str) -> str:
    """A user-perceived character for a message: quoted, then its code points (an emoji's
    parts or an accent may not show on a terminal).

    >>> character_named("\U0001F44D\U0001F3FF")
    "'👍🏿' (U+1F44D U+1F3FF)"
    """
    return f"{chars!r} ({' '.join(f'U+{ord(c):04X}' for c in chars)})"


def without_quote_marks(needle: str) -> str | None:
    """``needle`` without one pair of quote marks around it (straight or typographic, as a
    quote is often pasted: ``“catat keluhannya”``), or None when it has none.

    >>> without_quote_marks(" “catat keluhannya” "), without_quote_marks("catat")
    ('catat keluhannya', None)
    """
    s = needle.strip()
    if len(s) > 2 and s[0] in _QUOTE_MARKS and s[-1] in _QUOTE_MARKS:
        return s[1:-1]
    return None


#: Up to this product of the two lengths, :func:`matching_blocks` is difflib's own alignment;
#: beyond it (difflib grows with the square of the length, and faster still on repetitive
#: text), long common stretches are matched first and difflib aligns only what is between.
_PLAIN_LIMIT = 1_000_000
_ANCHOR = 32  # length of the piece of ``a`` looked up in ``b`` to split a long alignment


def matching_blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    """The matching blocks ``(i, j, size)`` of ``a`` and ``b`` in order (``a[i:i+size] ==
    b[j:j+size]``), as :meth:`difflib.SequenceMatcher.get_matching_blocks` without its
    heuristic that ignores frequent characters, and without its empty last block.

    Short strings are aligned by difflib itself. Long ones (a whole-turn coding of a
    monologue) are split first: their common start and end, then a piece from the middle
    of ``a`` found in ``b`` nearest where it would be, grown to its full common stretch;
    difflib aligns only the pieces between. Near-linear for an edited text; an
    approximation of difflib's alignment only where the two differ throughout.
    """
    out: list[tuple[int, int, int]] = []
    todo = [(0, len(a), 0, len(b))]
    while todo:
        a0, a1, b0, b1 = todo.pop()
        if a0 >= a1 or b0 >= b1:
            continue
        if (a1 - a0) * (b1 - b0) <= _PLAIN_LIMIT:
            out.extend((a0 + x.a, b0 + x.b, x.size) for x in SequenceMatcher(
                None, a[a0:a1], b[b0:b1], autojunk=False).get_matching_blocks() if x.size)
            continue
        split = _common_stretch(a, b, a0, a1, b0, b1)
        if split is None:  # nothing long in common: difflib's fast heuristic, bounded
            out.extend((a0 + x.a, b0 + x.b, x.size) for x in SequenceMatcher(
                None, a[a0:a1], b[b0:b1], autojunk=True).get_matching_blocks() if x.size)
            continue
        i, j, size = split
        out.append(split)
        todo.append((a0, i, b0, j))
        todo.append((i + size, a1, j + size, b1))
    out.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, size in out:  # adjacent blocks as one, as difflib gives them
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    return merged


def _common_stretch(a: str, b: str, a0: int, a1: int, b0: int,
                    b1: int) -> tuple[int, int, int] | None:
    """A long stretch ``(i, j, size)`` common to ``a[a0:a1]`` and ``b[b0:b1]``: their common
    start, else their common end, else a piece of ``a``'s middle (or its quarters) found in
    ``b`` nearest its proportional place, grown both ways; None when none is found."""
    p = _grow(a, b, a0, b0, a1, b1, 1)
    if p:
        return a0, b0, p
    q = _grow(a, b, a1 - 1, b1 - 1, a0 - 1, b0 - 1, -1)
    if q:
        return a1 - q, b1 - q, q
    la, lb = a1 - a0, b1 - b0
    for frac in (0.5, 0.25, 0.75, 0.125, 0.875):
        i = a0 + int(la * frac)
        piece = a[i:min(i + _ANCHOR, a1)]
        if len(piece) < _ANCHOR or not piece.strip():
            continue
        want = b0 + int(lb * frac)
        after = b.find(piece, want, b1)
        before = b.rfind(piece, b0, min(b1, want + len(piece)))
        hits = [h for h in (after, before) if h >= 0]
        if not hits:
            continue
        j = min(hits, key=lambda h: abs(h - want))
        back = _grow(a, b, i - 1, j - 1, a0 - 1, b0 - 1, -1)
        size = back + _grow(a, b, i, j, a1, b1, 1)
        return i - back, j - back, size
    return None


def _grow(a: str, b: str, i: int, j: int, i_stop: int, j_stop: int, step: int) -> int:
    """How many characters ``a`` and ``b`` have in common from ``i`` and ``j`` walking by
    ``step`` (1 forwards, -1 backwards) before ``i_stop`` / ``j_stop``; compared in chunks."""
    n = 0
    room = min((i_stop - i) * step, (j_stop - j) * step)
    chunk = 64
    while n < room:
        k = min(chunk, room - n)
        if step > 0:
            same = a[i + n:i + n + k] == b[j + n:j + n + k]
        else:
            same = a[i - n - k + 1:i - n + 1] == b[j - n - k + 1:j - n + 1]
        if same:
            n += k
            chunk *= 2
        elif k == 1:
            break
        else:
            chunk = max(1, k // 2)
    return n


def similarity(a: str, b: str) -> float:
    """difflib's ratio ``2 * M / (len(a) + len(b))`` (1 for equal strings, 0 for nothing in
    common), without its heuristic that ignores frequent characters (``M`` from
    :func:`matching_blocks`, so long texts cost near-linear time)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return 2 * sum(size for _, _, size in matching_blocks(a, b)) / (len(a) + len(b))


def spans_whole(old: str, new: str) -> bool:
    """Whether ``old``, since edited into ``new``, ran from ``new``'s first character to its
    last. At each end either the end characters match, or both have characters there the
    other lacks (the edit replaced that end: ``Pagi.`` -> ``Selamat pagi juga.``). Text
    that only ``new`` has before (after) a match of ``old``'s very first (last) characters
    was added outside ``old``, or ``old`` never covered it: either way not whole."""
    blocks = matching_blocks(old, new)
    if not blocks:
        return False
    (fa, fb, _), (la, lb, lsize) = blocks[0], blocks[-1]
    return (fb == 0 or fa > 0) and (lb + lsize == len(new) or la + lsize < len(old))


def find_fuzzy(text: str, needle: str, lo: int = 0, hi: int | None = None, *,
               min_similarity: float) -> list[tuple[int, int, float]]:
    """Non-overlapping spans of ``text[lo:hi]`` at least ``min_similarity`` like ``needle``,
    best first, as ``(start, end, similarity)``.

    Needles shorter than :data:`FUZZY_MIN_LENGTH` characters give no match. Whitespace at
    the edges of a span is trimmed unless the needle has it too.
    """
    hi = len(text) if hi is None else hi
    n = len(needle)
    if n < FUZZY_MIN_LENGTH or hi - lo <= 0:
        return []
    tol = max(8, n // 4)
    found = []
    for place in _places(text, needle, lo, hi, tol):
        span = _align(text, needle, max(lo, place - tol), min(hi, place + n + tol))
        if span is None:
            continue
        s, e = span
        found.append((s, e, similarity(needle, text[s:e])))
    found.sort(key=lambda c: (-c[2], c[0]))
    out: list[tuple[int, int, float]] = []
    for s, e, r in found:
        if r >= min_similarity and all(e <= a or s >= b for a, b, _ in out):
            out.append((s, e, r))
    return out


def _places(text: str, needle: str, lo: int, hi: int, tol: int) -> list[int]:
    """Likely start offsets of ``needle`` in ``text[lo:hi]``: pieces of the needle found
    exactly vote for where the needle would start; votes within ``tol`` are pooled."""
    n = len(needle)
    k = max(2, min(8, n // 6))
    size = n // k
    votes: Counter[int] = Counter()
    for j in range(k):
        piece = needle[j * size:(j + 1) * size]
        if not piece.strip():
            continue
        hits = find_exact(text, piece, lo, hi)
        if len(hits) > _MAX_HITS_PER_PIECE:
            continue
        for s, _ in hits:
            votes[s - j * size] += 1
    pools: list[list[int]] = []  # [total votes, first start, best start]
    for start in sorted(votes):
        if pools and start - pools[-1][1] <= tol:
            pool = pools[-1]
            pool[0] += votes[start]
            if votes[start] > votes[pool[2]]:
                pool[2] = start
        else:
            pools.append([votes[start], start, start])
    pools.sort(key=lambda p: (-p[0], p[2]))
    return [best for _, _, best in pools[:_MAX_PLACES]]


def _align(text: str, needle: str, w0: int, w1: int) -> tuple[int, int] | None:
    """The span of ``text[w0:w1]`` that ``needle`` aligns with, or None."""
    window = text[w0:w1]
    blocks = matching_blocks(needle, window)
    solid = [b for b in blocks if b[2] >= 3] or blocks
    if not solid:
        return None
    (fa, fb, _), (la, lb, lsize) = solid[0], solid[-1]
    s = w0 + max(0, fb - fa)
    e = w0 + min(len(window), lb + lsize + (len(needle) - la - lsize))
    if not needle[:1].isspace():
        while s < e and text[s].isspace():
            s += 1
    if not needle[-1:].isspace():
        while e > s and text[e - 1].isspace():
            e -= 1
    return (s, e) if s < e else None
