"""Indonesian text normalisation for auto-coding: case, tokens with offsets, slang, stems.

Every step keeps track of where a word came from: tokens carry ``(start, end)`` code-point
offsets into the original text, and a token that expands into several standard words (slang
``gercep`` → ``gerak cepat``, compound ``bekerjasama`` → ``kerja sama``) yields one stem per
word, all pointing back at the span of the original token.

Tokens are compared in one form (:func:`canonical_token`): lower-cased, without invisible
characters, with straight apostrophes (Word's ``don’t`` is ``don't``) and in NFC; their
offsets are those of the original characters.

The pipeline for one token (lower-cased text, see :func:`fold_case`):

1. a word in the never-stem list is kept verbatim (names, acronyms: ``spbe``, and the
   codebook's ``no_stem:`` words);
2. the slang table maps colloquial and Banjarese words to standard Indonesian
   (``gak`` → ``tidak``, ``pian`` → ``anda``); it may give several words;
3. a word that is a known compound written as one word, possibly with affixes
   (``kerjasama``, ``bekerjasama``, ``dikerjasamakan``) splits into the stems of its parts;
4. every other purely alphabetic word is stemmed with PySastrawi (Nazief–Adriani with
   Arifin–Setiono's extensions), cached per unique word. Reduplicated words
   (``aplikasi-aplikasi``) stem to their base; other tokens (digits, non-Latin letters) stay.

Stop words are never dropped: negators (``tidak``) and evaluative words carry meaning.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._passages import ZERO_WIDTH, ZWSP
from .errors import InputError, quoted

__all__ = [
    "DEFAULT_NO_STEM",
    "Normaliser",
    "Token",
    "fold_case",
    "function_words",
    "load_slang",
    "sentence_abbreviations",
    "sentence_spans",
    "slang_word_problem",
    "stem_word",
    "tokenize",
]

#: Words never stemmed by default: Indonesian public-sector names and acronyms that the
#: stemmer would otherwise cut (its dictionary does not know them). A study's own names
#: (a place, a programme) go into its codebook's ``no_stem:`` list.
DEFAULT_NO_STEM = frozenset({
    "diskominfo", "kominfo", "spbe", "rri", "tvri", "perwal", "perpres", "permenpan",
    "kemenpan", "panrb", "lurah", "kelurahan", "kecamatan",
})

# Affixes stripped around a joined compound (``ber-``+``kerjasama``, ``di-…-kan``).
_PREFIXES = ("", "di", "ke", "se", "be", "ber", "me", "mem", "men", "meng", "meny", "pe",
             "pem", "pen", "peng", "peny", "per", "ter", "memper", "diper", "seper", "keber")
_SUFFIXES = ("", "kan", "an", "i", "nya", "lah", "kah", "kannya", "annya", "inya", "ku", "mu")
_JOINERS = "-'’‘‐"
_ALPHA_RE = re.compile(r"^[a-z]+$")


class Token(NamedTuple):
    """A token of the original text: its lower-cased form and code-point offsets."""

    text: str
    start: int
    end: int


# --------------------------------------------------------------------------- case


def fold_case(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid.

    ``str.lower`` is applied per character; a character whose lower case has several code
    points (``'İ'`` → ``'i̇'``) keeps only the first (``'i'``). ``'ß'`` stays ``'ß'`` (full
    case folding would give ``'ss'`` and shift every later offset).

    Examples
    --------
    >>> fold_case("İSTANBUL Straße")
    'istanbul straße'
    """
    if not text.isascii() and max(text) >= "\uff01":
        text = text.translate(_FULLWIDTH)
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower()[0] if c.lower() else c for c in text)


#: Fullwidth ASCII (``ＭＡＫＡＮＡＮ``, U+FF01-FF5E) to ASCII: what NFKC does, one character
#: for one, so offsets stay valid.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}

_SOFT_HYPHEN = "\u00ad"  # visible only where a line breaks at it
#: Invisible characters that web text leaves inside words: zero-width space, non-joiner and
#: joiner, word joiner, soft hyphen, byte-order mark, direction marks and bidirectional
#: controls (:data:`citra_eval._passages.ZERO_WIDTH`). Between two word characters they join
#: them into one token, and :func:`canonical_token` drops them from the token's text.
INVISIBLE = "".join(sorted({ZWSP, _SOFT_HYPHEN, *ZERO_WIDTH}))
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_INVISIBLE_CODES = np.array(sorted(map(ord, INVISIBLE)), dtype=np.uint32)


def _invisible_mask(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of the :data:`INVISIBLE` characters over :func:`codepoints`."""
    if codes.dtype == np.uint8:
        return codes == 0xAD  # the only one below U+0100
    return np.isin(codes, _INVISIBLE_CODES)  # (a lookup table over their range: one pass)


#: Typographic apostrophes, read as the straight one (``'``) wherever words are compared:
#: right single quotation mark (what Word's autocorrect writes: ``don’t``), left single
#: quotation mark (autocorrect's mistake) and modifier letter apostrophe. Each stands for
#: one character, so a text keeps its length and its offsets.
APOSTROPHES = "\u2019\u2018\u02bc"
_APOSTROPHE_FOLD = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))
_APOSTROPHE_CODES = np.array(sorted(map(ord, APOSTROPHES)), dtype=np.uint32)


def fold_apostrophes(text: str) -> str:
    """``text`` with every typographic apostrophe (:data:`APOSTROPHES`) straight, one
    character for one, so offsets stay valid.

    Examples
    --------
    >>> fold_apostrophes("don\u2019t it\u02bcs")
    "don't it's"
    """
    return text if text.isascii() else text.translate(_APOSTROPHE_FOLD)


def canonical_token(token: str) -> str:
    """The text a token is compared by: without :data:`INVISIBLE` characters, with
    straight apostrophes (:data:`APOSTROPHES`: ``don’t`` and ``don't`` are one word) and in
    NFC (``cafe`` + U+0301 and ``café`` are one word). Offsets are never taken from it: a
    token's span is that of the original characters.

    Examples
    --------
    >>> canonical_token("ma\u200bkanan"), canonical_token("cafe\u0301") == "caf\u00e9"
    ('makanan', True)
    >>> canonical_token("don\u2019t")
    "don't"
    """
    if token.isascii():
        return token
    return unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", token).translate(
        _APOSTROPHE_FOLD))


def canonical_regex(pattern: str) -> str:
    """A regex pattern as the text it runs on (:func:`visible_view`): in NFC and with
    straight apostrophes, so ``don’t`` in a regex finds ``don't`` and the other way round.
    An apostrophe written as an escape (``\\u2019``) is left as it is, and finds nothing.
    A pattern whose meaning composing would change (a combining mark inside a character
    class or before a quantifier) is refused first: :func:`regex_composition_problem`.

    Examples
    --------
    >>> canonical_regex("it\u2019s|cafe\u0301") == "it's|caf\u00e9"
    True
    """
    if pattern.isascii():
        return pattern
    return unicodedata.normalize("NFC", pattern.translate(_APOSTROPHE_FOLD))


class _RegexItem(NamedTuple):
    """One character a regex source stands for (see :func:`regex_composition_problem`):
    ``value`` is the character it matches (None for syntax and escapes such as ``\\w``),
    ``escaped`` whether it was written as an escape, ``last`` the last character of its
    source (what NFC of the pattern sees), ``in_class`` whether it is inside ``[...]``."""

    value: str | None
    escaped: bool
    last: str
    in_class: bool
    source: str


_ESCAPED_CHARS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_ESCAPE_RE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|N\{[^}]*\}"
                        r"|[0-7]{1,3}|.)", re.DOTALL)
_REPEAT_RE = re.compile(r"[?*+]|\{\d*(?:,\d*)?\}")


def _regex_items(pattern: str) -> list[tuple[_RegexItem, bool]]:
    """The characters of a regex source, each with whether a quantifier follows it."""
    items: list[tuple[_RegexItem, bool]] = []
    i, n, in_class, class_at = 0, len(pattern), False, -1
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            m = _ESCAPE_RE.match(pattern, i)
            if m is None:  # a trailing backslash: re.compile reports it
                break
            src, body = m.group(), m.group()[1:]
            if body[0] in "uUx" and len(body) > 1:
                value = chr(int(body[1:], 16))
            elif body.startswith("N{"):
                try:
                    value = unicodedata.lookup(body[2:-1])
                except KeyError:
                    value = None
            elif body[0].isdigit():
                value = chr(int(body, 8)) if in_class or body[0] == "0" or len(body) == 3 \
                    else None  # otherwise a group reference
            elif body.isascii() and body.isalpha():
                value = _ESCAPED_CHARS.get(body)  # \w, \s, \b, ...: no one character
            else:
                value = body  # an escaped punctuation mark or non-ASCII character
            item = _RegexItem(value, True, src[-1], in_class, src)
            i = m.end()
        elif in_class:
            if ch == "]" and i > class_at + (pattern[class_at + 1:class_at + 2] == "^") + 1:
                in_class, item = False, _RegexItem(None, False, ch, False, ch)
            else:
                item = _RegexItem(ch, False, ch, True, ch)
            i += 1
        elif ch == "[":
            in_class, class_at = True, i
            item = _RegexItem(None, False, ch, False, ch)
            i += 1
        else:
            item = _RegexItem(None if ch in "()|.^$?*+{}" else ch, False, ch, False, ch)
            i += 1
        repeat = not item.in_class and _REPEAT_RE.match(pattern, i) is not None
        items.append((item, repeat))
    return items


def _shown(chars: str) -> str:
    """``chars`` for a message: printable ones quoted, combining marks by code point."""
    if all(not unicodedata.combining(c) and c.isprintable() for c in chars):
        return quoted(chars)
    return " + ".join(quoted(c) if c.isprintable() and not unicodedata.combining(c)
                      else f"U+{ord(c):04X}" for c in chars)


def _mark(c: str) -> str:
    return (f"the combining mark U+{ord(c):04X}" if unicodedata.combining(c)
            else _shown(c))


def regex_composition_problem(pattern: str) -> str | None:
    """Why ``pattern`` (a valid regex) cannot be read with its accents composed, or None.

    Regexes run on the text in NFC (:func:`visible_view`) and are composed the same way
    (:func:`canonical_regex`): a letter followed by a combining mark, typed as such
    (``cafe`` + U+0301, as macOS tools and some keyboards write it), is the accented
    letter, so ``café`` is found however either was written. That reading is refused where
    it would change what the regex means, or where a part of it could never match:

    - a letter and a mark inside a character class (``caf[eé]`` with the ``é`` decomposed,
      ``[e\\u0301]``): they are two members, each matched alone, not the letter ``é``;
    - a quantifier after a letter and its mark (``é?`` decomposed): it repeats the mark;
    - a mark written as an escape after its letter, or after a letter written as an escape
      (``cafe\\u0301``, ``\\u0065`` + U+0301): the text holds the composed letter, so
      the letter followed by the mark is never found;
    - a mark typed after an escape it would compose with (``\\s`` + U+0301 is ``\\ś``);
    - a mark, typed or an escape, after a character class or a group that ends in a letter
      it composes with (``[ae]`` + U+0301, ``(e)`` + U+0301): the text holds ``á`` and
      ``é`` composed, one character each, so the letter followed by the mark is never
      found;
    - a pattern that composed is no longer a valid regex (a range ``[Æ-Å]`` ending in the
      angstrom sign U+212B, which NFC writes U+00C5).

    The messages say how to write it: the accented letter as one character (``é``, or the
    escape ``\\u00e9``), which is found in composed and decomposed text alike.

    Examples
    --------
    >>> regex_composition_problem("caf[ee\u0301]")[:62]
    "inside a character class, 'e' and the combining mark U+0301 ar"
    >>> regex_composition_problem("cafe\u0301s?") is None  # one letter, as typed
    True
    """
    if pattern.isascii() and "\\" not in pattern:
        return None
    items = _regex_items(pattern)
    for k in range(1, len(items)):
        prev, (item, repeat) = items[k - 1][0], items[k]
        closed = _mark_after_closed(items, k)
        if closed:
            return closed
        if not item.escaped and item.value is not None:  # typed: NFC of the pattern sees it
            pair = prev.last + item.value
            if _joined(pair):
                composed = unicodedata.normalize("NFC", pair)
                if prev.escaped:
                    return (f"{_mark(item.value)} after the escape '{prev.source}' "
                            f"would make it '\\{composed}' once accents are "
                            f"composed; write the mark as the escape \\u{ord(item.value):04x}")
                if item.in_class or prev.in_class:
                    return (f"inside a character class, {_shown(prev.last)} and "
                            f"{_mark(item.value)} are two members, each matched alone, not "
                            f"the letter {_shown(composed)} they look like; {_write_as(pair)}")
                if repeat:
                    return (f"{_shown(prev.last)} and {_mark(item.value)} look like "
                            f"{_shown(composed)}, but the {quoted(items[k + 1][0].source)} "
                            f"after them repeats the mark alone; {_write_as(pair)}")
                continue  # letter and mark typed in a row: composed, the same text
        if prev.value is None or item.value is None:
            continue
        pair = prev.value + item.value
        if not _joined(pair):
            continue
        composed = unicodedata.normalize("NFC", pair)
        if item.in_class and prev.in_class:
            if k + 1 < len(items) and items[k + 1][0].source == "-":
                continue  # a range of marks ([a\u0300-\u036f]) is no letter
            return (f"inside a character class, {_shown(prev.value)} and "
                    f"{_mark(item.value)} are two members, each matched alone, and the "
                    f"transcripts hold {_shown(composed)} as one character; {_write_as(pair)}")
        if not item.in_class and not prev.in_class:
            return (f"{_shown(prev.value)} followed by {_mark(item.value)} is never found: "
                    "the transcripts are read with accents composed, where they are "
                    f"{_shown(composed)}; {_write_as(pair)}")
    try:
        re.compile(canonical_regex(pattern))
    except re.error as exc:
        return (f"it is invalid once its accents are composed (Unicode NFC, as the "
                f"transcripts are read): {exc}; write the characters it names as they are "
                "composed, or as escapes (\\uXXXX)")
    return None


def _mark_after_closed(items: list[tuple[_RegexItem, bool]], k: int) -> str | None:
    """Why ``items[k]``, a combining mark after a class's ``]`` or a group's ``)``, is never
    found (a letter the class or group may end in composes with it), or None."""
    mark, closer = items[k][0].value, items[k - 1][0]
    if mark is None or items[k][0].in_class or not unicodedata.combining(mark) \
            or closer.escaped or closer.source not in "])" or closer.in_class:
        return None
    letters = [c for c in dict.fromkeys(_last_letters(items, k - 1)) if _joined(c + mark)]
    if not letters:
        return None  # no letter there has a composed form with it (x + U+0301): found so
    where = "class" if closer.source == "]" else "group"
    first = unicodedata.normalize("NFC", letters[0] + mark)
    why = (f"{_mark(mark)} after {quoted(closer.source)} is never found: the transcripts are "
           f"read with accents composed, where {_shown(letters[0] + mark)} is {_shown(first)}")
    if len(letters) == 1:
        return f"{why}; inside the {where}, {_write_as(letters[0] + mark)}"
    each = ", ".join(f"{_shown(c)} (or the escape {_escapes(c)})" for c in (
        unicodedata.normalize("NFC", c + mark) for c in letters))
    return (f"{why}; inside the {where}, write the accented letters as one character each: "
            f"{each}, found in composed and decomposed text alike")


def _last_letters(items: list[tuple[_RegexItem, bool]], j: int) -> list[str]:
    """The characters a match of the class or group closed at ``items[j]`` may end in, as
    far as the pattern spells them: a class's members (a range's ends), the last character
    of each of a group's alternatives (of a group or class ending one, theirs)."""
    if items[j][0].source == "]":
        members = []
        while j > 0 and items[j - 1][0].in_class:
            j -= 1
            members.append(items[j][0])
        if members and members[-1].source == "^":
            return []  # a negated class: what it may end in is not spelled out
        return [m.value for m in members[::-1] if m.value is not None]
    ends, depth, at = [], 0, j
    while j > 0:
        j -= 1
        it = items[j][0]
        syntax = not it.escaped and not it.in_class
        if syntax and it.source == ")":
            depth += 1
        elif syntax and it.source == "(":
            if depth == 0:
                break
            depth -= 1
        elif syntax and it.source == "|" and depth == 0:
            ends.append(j)
    ends.append(at)
    letters = []
    for end in ends:  # the item before each '|' and before the ')'
        last = items[end - 1][0] if end - 1 > j else None
        if last is None:
            continue
        if not last.escaped and not last.in_class and last.source in "])":
            letters += _last_letters(items, end - 1)
        elif last.value is not None:
            letters.append(last.value)
    return letters


def _joined(pair: str) -> bool:
    """Whether NFC changes two characters together (composes or reorders them), not each
    on its own (the angstrom sign U+212B is U+00C5 wherever it stands)."""
    if pair.isascii():
        return False
    return unicodedata.normalize("NFC", pair) != "".join(
        unicodedata.normalize("NFC", c) for c in pair)


def _escapes(chars: str) -> str:
    """``chars`` as regex escapes (``\\u00e9``)."""
    return "".join(f"\\u{ord(c):04x}" for c in chars)


def _write_as(pair: str) -> str:
    """How to write the characters of ``pair`` (a letter and its mark) as one."""
    composed = unicodedata.normalize("NFC", pair)
    escapes = _escapes(composed)
    if len(composed) == 1:
        return (f"write the accented letter as one character: {_shown(composed)} (or the "
                f"escape {escapes}), found in composed and decomposed text alike")
    return (f"write the marks in the order the transcripts are read in: {escapes}")


def _canonical_ids(ids: np.ndarray, uniques: list[str]) -> tuple[np.ndarray, list[str]]:
    """``(ids, uniques)`` with the distinct tokens replaced by their canonical forms, tokens
    that become equal sharing one id (order of first appearance kept)."""
    canon = [canonical_token(u) for u in uniques]
    if canon == uniques or len(set(canon)) == len(canon):
        return ids, canon
    remap, merged = factorize_tokens(canon)
    return remap[ids], merged


# --------------------------------------------------------------------------- tokens


@functools.lru_cache(maxsize=65536)
def _is_word_char(cp: int) -> bool:
    return unicodedata.category(chr(cp))[0] in "LNM"


_WORD_TABLE = np.array([_is_word_char(i) for i in range(128)], dtype=bool)
_JOINER_TABLE = np.zeros(128, dtype=bool)
_JOINER_TABLE[[ord(c) for c in "-'"]] = True


def _word_mask(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of word characters (letters, digits, marks) over code points."""
    top = int(codes.max()) + 1 if len(codes) else 0
    if top <= 128:
        return _WORD_TABLE[codes]
    # one table entry per code point present (bincount is linear; unicodedata per distinct)
    table = np.zeros(top, dtype=bool)
    table[:128] = _WORD_TABLE
    present = np.flatnonzero(np.bincount(codes[codes >= 128], minlength=top))
    table[present] = [_is_word_char(int(c)) for c in present]
    return table[codes]


def codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` as a read-only array (a view of its encoded bytes).

    One byte per character (uint8) when every character is below 256, as in most
    Indonesian text: a quarter of the memory, and every pass over it faster; uint32
    otherwise.
    """
    try:
        return np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _chars(codes: np.ndarray) -> str:
    """The string of a :func:`codepoints` array (decoded in place, no copy of the buffer)."""
    return str(memoryview(np.ascontiguousarray(codes)),
               "latin-1" if codes.dtype == np.uint8 else "utf-32-le")


class TextView(NamedTuple):
    """A text as a reader sees it (:func:`visible_view`), and where each of its characters
    comes from: ``starts[k]`` and ``ends[k]`` (int64) delimit the original characters that
    character ``k`` of ``text`` stands for (one, or several composed into one); both None
    when each character of ``text`` is the one at the same offset of the original text
    (itself, or with its apostrophes straight)."""

    text: str
    starts: np.ndarray | None
    ends: np.ndarray | None

    def original(self, spans: np.ndarray) -> np.ndarray:
        """Non-empty spans ``(a, b)`` of the view (an ``n x 2`` array, end-exclusive) as
        spans of the original text: from the first original character of ``a`` to the last
        of ``b - 1``, so invisible characters around a span stay out of it and a composed
        character is covered whole."""
        spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        if self.starts is None:
            return spans
        return np.column_stack((self.starts[spans[:, 0]], self.ends[spans[:, 1] - 1]))


def visible_view(text: str, codes: np.ndarray | None = None) -> TextView:
    """``text`` as a reader sees it, and where each of its characters lies in ``text``.

    The view leaves out the :data:`INVISIBLE` characters, writes every apostrophe straight
    (:data:`APOSTROPHES`: ``don’t`` is ``don't``, as in the tokens) and is in Unicode
    normal form C (NFC): an accent written as a letter and a combining mark (``e`` +
    U+0301, as macOS and some keyboards write it) is the composed letter (``é``), as in a
    pattern typed on another system. Each character of the view knows the span of original
    characters it stands for (:class:`TextView`), so a match on the view is put back on the
    original text with :meth:`TextView.original`.

    ``codes`` is ``text``'s :func:`codepoints` when already at hand. A text without
    invisible characters and already in NFC comes back unchanged, with None for the
    offsets (also when only apostrophes changed, one character for one): every ASCII or
    Latin-1 text is tested in one step, any other text with a few passes over its code
    points, so only a text holding such characters pays for the view.

    Examples
    --------
    >>> view = visible_view("ker\u00adja sama cafe\u0301")
    >>> view.text, view.original([[0, 5], [11, 15]]).tolist()
    ('kerja sama café', [[0, 6], [12, 17]])
    """
    if text.isascii():
        return TextView(text, None, None)
    if codes is None:
        codes = codepoints(text)
    hidden = _invisible_mask(codes)
    keep = np.flatnonzero(~hidden) if hidden.any() else None
    shown = codes if keep is None else codes[keep]
    view = text if keep is None else _chars(shown)
    if codes.dtype != np.uint8 and np.isin(shown, _APOSTROPHE_CODES).any():
        view = view.translate(_APOSTROPHE_FOLD)  # one for one: the offsets stay
    if codes.dtype == np.uint8 or not _nfc_may_change(shown):
        return TextView(view, keep, None if keep is None else keep + 1)
    composed = _composed(view, shown)
    if composed is None:  # marks with no composed form (x + U+0301): NFC already
        return TextView(view, keep, None if keep is None else keep + 1)
    view, starts, ends = composed
    if keep is not None:
        starts, ends = keep[starts], keep[ends - 1] + 1
    return TextView(view, starts, ends)


def _composed(text: str, codes: np.ndarray) -> tuple[str, np.ndarray, np.ndarray] | None:
    """The NFC of ``text`` (its :func:`codepoints` ``codes``), and per character of it the
    start and end (int64) of the characters of ``text`` it comes from; None when ``text``
    is in NFC.

    Only runs of characters that NFC may change (:func:`_nfc_unstable`) are normalised,
    each with the character before it (the letter a mark composes with); a character
    before which NFC can never change anything is a safe place to cut the text (Unicode
    Standard Annex #15). A run that NFC leaves as it is keeps its characters' own offsets;
    each character of a run it changes stands for the whole run.
    """
    unstable = np.zeros(int(codes.max()) + 1, dtype=bool)
    present = np.flatnonzero(np.bincount(codes))
    unstable[present] = [_nfc_unstable(int(c)) for c in present]
    run_starts, run_ends = _edges(unstable[codes])
    pieces: list[str] = []
    # per piece of the result: its offset in text, the end of what it stands for, its
    # length, and whether each of its characters stands for all of it (a composed run)
    spans: list[tuple[int, int, int, bool]] = []
    pos = 0
    for a, b in zip(np.maximum(run_starts - 1, 0).tolist(), run_ends.tolist(), strict=True):
        part = text[a:b]
        nfc = unicodedata.normalize("NFC", part)
        if nfc == part:
            continue
        if pos < a:
            pieces.append(text[pos:a])
            spans.append((pos, a, a - pos, False))
        pieces.append(nfc)
        spans.append((a, b, len(nfc), True))
        pos = b
    if not spans:
        return None
    if pos < len(text):
        pieces.append(text[pos:])
        spans.append((pos, len(text), len(text) - pos, False))
    at, upto, counts, whole = (np.asarray(col) for col in zip(*spans, strict=True))
    piece = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(len(piece), dtype=np.int64) - (np.cumsum(counts) - counts)[piece]
    at, upto, whole = at.astype(np.int64)[piece], upto.astype(np.int64)[piece], whole[piece]
    starts = np.where(whole, at, at + within)
    return "".join(pieces), starts, np.where(whole, upto, starts + 1)


def _nfc_may_change(codes: np.ndarray) -> bool:
    """Whether the text of :func:`codepoints` ``codes`` holds a character NFC may change
    (:func:`_nfc_unstable`): one pass over the text, then a test per distinct code point
    from U+0300 on (every character below is its own NFC and composes with nothing)."""
    high = codes[codes >= 0x300]
    return bool(len(high)) and any(map(_nfc_unstable,
                                       np.flatnonzero(np.bincount(high)).tolist()))


@functools.lru_cache(maxsize=65536)
def _nfc_unstable(cp: int) -> bool:
    """Whether NFC may change the code point ``cp`` or compose it with the one before it:
    a combining mark (canonical combining class above 0), a character NFC replaces (a
    singleton such as U+212B ANGSTROM SIGN), or one that composes with a character before
    it (NFC_Quick_Check Maybe: :func:`_composing_seconds`)."""
    c = chr(cp)
    return (unicodedata.combining(c) > 0 or unicodedata.normalize("NFC", c) != c
            or cp in _composing_seconds())


@functools.lru_cache(maxsize=1)
def _composing_seconds() -> frozenset[int]:
    """Code points that compose with a character before them: the second of every canonical
    decomposition into two (all below U+30000), and the Hangul medial vowels and final
    consonants (composed algorithmically, so not in the decomposition data)."""
    out = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x30000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            out.add(int(parts[1], 16))
    return frozenset(out)


def token_arrays(folded: str) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Tokenise a (case-folded) text in bulk.

    Returns ``starts``, ``ends`` (int64 arrays of code-point offsets into ``folded``), the
    token strings (:func:`canonical_token` of each span) and the code-point array
    (read-only, see :func:`codepoints`; None for a text shorter than 512 characters).
    A token is a run of letters, digits and combining marks; a hyphen, apostrophe (straight
    or typographic) or :data:`INVISIBLE` character between two such characters joins them
    (``e-government``, ``don’t``, ``aplikasi-aplikasi``, ``ma`` + zero-width space +
    ``kanan``), and so does ``.``/``,`` between two digits (``16.00``).
    """
    if not folded:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, [], empty
    if len(folded) < 512:  # short strings (patterns, terms): numpy overhead would dominate
        starts_l, ends_l = _spans_py(folded)
        return (np.asarray(starts_l, dtype=np.int64), np.asarray(ends_l, dtype=np.int64),
                [canonical_token(folded[a:b]) for a, b in zip(starts_l, ends_l, strict=True)],
                None)
    codes = codepoints(folded)
    word = _token_mask(codes)
    starts, ends = _edges(word)
    spaced = np.where(word, codes, codes.dtype.type(32))  # the same dtype: no conversion copy
    tokens = _chars(spaced).split()
    if len(tokens) != len(starts):  # pragma: no cover - a word char that split() sees as space
        tokens = [folded[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    if codes.dtype != np.uint8 or (codes == 0xAD).any():
        tokens = [canonical_token(t) for t in tokens]
    return starts, ends, tokens, codes


def _token_mask(codes: np.ndarray) -> np.ndarray:
    """Per character: part of a token (see :func:`token_arrays`)."""
    word = _word_mask(codes)
    # a joiner or a decimal separator between two word characters belongs to the token;
    # only those few positions are examined
    cand = (codes == 45) | (codes == 39) | (codes == 46) | (codes == 44) | _invisible_mask(codes)
    if codes.dtype != np.uint8:
        cand |= (codes == 0x2019) | (codes == 0x2018) | (codes == 0x2010)
    cand = np.flatnonzero(cand)
    cand = cand[(cand > 0) & (cand < len(codes) - 1)]
    if len(cand):
        c, before, after = codes[cand], codes[cand - 1], codes[cand + 1]
        is_sep = (c == 46) | (c == 44)
        joins = np.where(is_sep,
                         (before >= 48) & (before <= 57) & (after >= 48) & (after <= 57),
                         word[cand - 1] & word[cand + 1])
        word[cand[joins]] = True
    return word


def _edges(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (int64) of the runs of True in ``mask``."""
    edges = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


#: Per number of bytes 0-8: the mask keeping that many low bytes of a little-endian uint64.
_BYTE_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
#: Odd multipliers mixing a token's two words (and a long token's string id) into one hash.
_MIXERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0xD6E8FEB86659FD93],
                   dtype=np.uint64)


def token_ids(folded: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Tokenise a (case-folded) text in bulk into indices of its distinct tokens.

    Returns ``starts``, ``ends``, each token's index into the distinct tokens (int64 arrays),
    the distinct tokens in order of first appearance, and the code-point array (None for a
    text shorter than 512 characters): :func:`token_arrays` followed by
    :func:`factorize_tokens`, the same result.

    No string is made per token: a token's first 16 characters, one byte each, read as two
    64-bit words (the token has no zero byte, so the padding keeps tokens apart), are
    grouped by a hash of both, every token then compared with its group's first one; only
    tokens of more than 16 characters or holding a character beyond one byte (``’``, an
    emoji), and texts where the check fails, are grouped as strings. On long texts this is
    what makes tokenising cheap: a string per distinct token, not one per token.
    """
    if len(folded) < 512:
        starts, ends, tokens, codes = token_arrays(folded)
        return (starts, ends, *factorize_tokens(tokens), codes)
    codes = codepoints(folded)
    starts, ends = _edges(_token_mask(codes))
    if codes.dtype == np.uint8:
        packed = _packed_ids(codes, starts, ends, folded)
    else:  # tokens holding a character beyond one byte are grouped as strings
        wide = codes > 255
        count = np.concatenate(([0], np.cumsum(wide, dtype=np.int64)))
        packed = _packed_ids(np.where(wide, 255, codes).astype(np.uint8), starts, ends, folded,
                             as_strings=count[ends] > count[starts])
    if packed is None:  # a hash shared by different tokens: group them as strings
        ids, uniques = factorize_tokens(
            [folded[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
        return starts, ends, *_canonical_ids(ids, uniques), codes
    ids, first = packed
    uniques = [folded[s:e] for s, e in zip(starts[first].tolist(), ends[first].tolist(),
                                           strict=True)]
    return starts, ends, *_canonical_ids(ids, uniques), codes


def text_token_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The tokens of several texts at once: each token's text (index into ``texts``), its
    id and the distinct tokens (:func:`token_ids` of the case-folded texts joined by line
    breaks, which no token crosses)."""
    starts, _, ids, uniques, _ = token_ids(fold_case("\n".join(texts)))
    bounds = np.cumsum([len(t) + 1 for t in texts])  # each text's end in the joined text
    return np.searchsorted(bounds, starts, side="right"), ids, uniques


def _packed_ids(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray, folded: str, *,
                as_strings: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Token ids in order of first appearance and each id's first token, from each token's
    first 16 bytes (uint8 ``chars``) and, for tokens beyond 16 bytes (or marked
    ``as_strings``), its string. None if a hash collides."""
    n = len(starts)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    buf = np.concatenate([chars, np.zeros(16, dtype=np.uint8)])
    # a little-endian uint64 at every byte offset (unaligned reads, no copy)
    words = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    length = ends - starts
    low = words[starts] & _BYTE_MASKS[np.minimum(length, 8)]
    high = words[starts + 8] & _BYTE_MASKS[np.clip(length - 8, 0, 8)]
    mixed = low * _MIXERS[0] + high * _MIXERS[1]  # wraps modulo 2**64
    strings = length > 16 if as_strings is None else (length > 16) | as_strings
    longer = np.flatnonzero(strings)
    beyond = np.full(n, -1, dtype=np.int64)  # those tokens' ids as strings
    if len(longer):
        beyond[longer] = factorize_tokens([folded[s:e] for s, e in zip(
            starts[longer].tolist(), ends[longer].tolist(), strict=True)])[0]
        mixed[longer] += beyond[longer].astype(np.uint64) * _MIXERS[2]
    ids, _ = pd.factorize(mixed, sort=False)
    ids = np.asarray(ids, dtype=np.int64)
    first = np.flatnonzero(np.diff(np.maximum.accumulate(ids), prepend=-1) > 0)
    rep = first[ids]  # each token's group's first token: equal, or the hash collided
    same = ((low == low[rep]) & (high == high[rep]) & (length == length[rep])
            & (beyond == beyond[rep]))
    return (ids, first) if same.all() else None


def factorize_tokens(tokens: list[str]) -> tuple[np.ndarray, list[str]]:
    """Each token's index into the distinct tokens (int64), and the distinct tokens in
    order of first appearance (what ``pd.factorize(tokens, sort=False)`` gives)."""
    values = np.fromiter(tokens, dtype=object, count=len(tokens))
    try:
        # every token is a str: pandas' string hash table, which pd.factorize picks for
        # such values only after checking every value's type (a third of its time here)
        from pandas._libs.hashtable import StringHashTable

        uniques, codes = StringHashTable(max(len(values) // 8, 1)).factorize(values)
        codes = np.asarray(codes)
        if codes.dtype.kind not in "iu" or len(codes) != len(values):
            raise TypeError("not pd.factorize's result")
    except (ImportError, AttributeError, TypeError, ValueError):  # another pandas
        codes, uniques = pd.factorize(values, sort=False)
    return np.asarray(codes, dtype=np.int64), list(uniques)


def _spans_py(folded: str) -> tuple[list[int], list[int]]:
    """Token spans by a plain loop; the same rules as the numpy path of token_arrays."""
    n = len(folded)
    word = [_is_word_char(ord(c)) for c in folded]
    digit = [c.isascii() and c.isdigit() for c in folded]
    joined = list(word)
    for i in range(1, n - 1):
        c = folded[i]
        if ((c in _JOINERS + INVISIBLE and word[i - 1] and word[i + 1])
                or (c in ".," and digit[i - 1] and digit[i + 1])):
            joined[i] = True
    starts, ends = [], []
    inside = False
    for i, w in enumerate(joined):
        if w and not inside:
            starts.append(i)
        elif not w and inside:
            ends.append(i)
        inside = w
    if inside:
        ends.append(n)
    return starts, ends


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (lower-cased) with their offsets into ``text``.

    Examples
    --------
    >>> [t.text for t in tokenize("Humas Pemkot gercep, rilis jam 16.00!")]
    ['humas', 'pemkot', 'gercep', 'rilis', 'jam', '16.00']
    >>> t = tokenize("Kami BEKERJA sama")[1]
    >>> "Kami BEKERJA sama"[t.start:t.end]
    'BEKERJA'
    """
    starts, ends, tokens, _ = token_arrays(fold_case(text))
    return [Token(t, int(s), int(e))
            for t, s, e in zip(tokens, starts.tolist(), ends.tolist(), strict=True)]


#: A web address (``https://t.co/Ab1``, ``www.kota.go.id/berita?id=3``; closing punctuation
#: after it is not part of it), an e-mail address (``humas@kota.go.id``) or a social media
#: handle (``@humas_kota``, ``@budi.santoso``: an ``@`` after no word character, then word
#: characters, with dots between them; a full stop after it ends the sentence).
_ADDRESS_RE = re.compile(r"""
    (?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"]*[^\s<>"'.,;:!?)\]}’”]
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+
    | (?<!\w)@\w+(?:\.\w+)*
    """, re.IGNORECASE | re.VERBOSE)


def blank_addresses(text: str) -> str:
    """``text`` with every web and e-mail address and every social media handle replaced by
    as many spaces, so its other words keep their offsets: an address is not words
    (``https://t.co/Ab1`` would be the tokens *https*, *t*, *co*, *ab1*), and a handle
    (``@humas_kota``, ``@user``) names who is addressed, as a link names a page. The
    vocabulary tables (word frequencies, collocations, keyness) and the learned coder's
    text features count none of them; pattern matching (the dictionary coder) still sees
    them.

    A hashtag's word is kept as one word, without the ``#``: ``#BanjirJakarta`` counts as
    *banjirjakarta* (it is what the post is about), and is not split at its capitals (a
    guess that fails on ``#SPBEKota``). An ``@`` with no word after it (``@ pintu 2``) or
    inside a word (``a@b``) is left alone.

    Examples
    --------
    >>> blank_addresses("lihat https://t.co/Ab1, atau humas@kota.go.id.")
    'lihat                 , atau                 .'
    >>> blank_addresses("@humas_kota banjir lagi #BanjirJakarta, cc @budi.santoso.")
    '            banjir lagi #BanjirJakarta, cc              .'
    """
    if "://" not in text and "@" not in text and "www." not in text.lower():
        return text
    return _ADDRESS_RE.sub(lambda m: " " * (m.end() - m.start()), text)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the sentences of ``text``, trimmed of surrounding space.

    A sentence ends after a run of ``. ! ? …`` (with closing quotes or brackets) that is
    followed by white space or the end of the text, or at a line break. Decimal points
    (``16.00``) do not end sentences, nor do the full stops of abbreviations and initials
    on the same line (:func:`sentence_abbreviations`): titles (*Dr. Lim*, *Bpk. Ahmad*,
    *Jl. Sudirman*) and initials (*U.S.*, *e.g.*, *a.n.*, *S.H.*) never, other
    abbreviations (*dll.*, *etc.*) only before a capitalised word, numbering ones (*No.*)
    unless a digit follows.

    Examples
    --------
    >>> s = "Rilis cepat. Jam 16.00 sudah tayang!  Bagus"
    >>> [s[a:b] for a, b in sentence_spans(s)]
    ['Rilis cepat.', 'Jam 16.00 sudah tayang!', 'Bagus']
    >>> s = "Bpk. Ahmad datang, dll. untuk rilis. Lalu"
    >>> [s[a:b] for a, b in sentence_spans(s)]
    ['Bpk. Ahmad datang, dll. untuk rilis.', 'Lalu']
    """
    spans: list[tuple[int, int]] = []
    join = False  # whether the last span ended at an abbreviation (then it goes on)
    for m in _SENTENCE_RE.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b:
            continue
        if join and "\n" not in text[spans[-1][1]:a] and _goes_on(text[spans[-1][0]:
                                                                        spans[-1][1]],
                                                                   text[a]):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
        join = text[b - 1] == "." and text[b - 2:b] != ".."
    return spans


def _goes_on(sentence: str, next_char: str) -> bool:
    """Whether ``sentence`` (ending in one full stop) ends at an abbreviation or initials
    that do not end a sentence before ``next_char``."""
    words = sentence[:-1].rsplit(None, 1)
    word = words[-1].lstrip("\"'“‘([").casefold() if words else ""
    if _INITIALS.fullmatch(word):
        return True
    kinds = sentence_abbreviations()
    if word in kinds["title"]:
        return True
    if word in kinds["number"]:
        return next_char.isdigit()
    return word in kinds["word"] and not next_char.isupper()


#: Letters joined by full stops: U.S, e.g, a.n, S.H, J (the last full stop cut off).
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")


@functools.lru_cache(maxsize=1)
def sentence_abbreviations() -> dict[str, frozenset[str]]:
    """The package's English and Indonesian abbreviations whose full stop does not end a
    sentence (``data/abbreviations.tsv``), lower case, without the final full stop, by kind.

    Returns
    -------
    dict
        ``title`` (before a name or a place: *dr, bpk, jl*; never ends a sentence),
        ``word`` (*dll, etc*; ends one only before a capitalised word) and ``number``
        (*no, hlm*; ends one unless a digit follows).

    Examples
    --------
    >>> kinds = sentence_abbreviations()
    >>> "bpk" in kinds["title"], "dll" in kinds["word"], "no" in kinds["number"]
    (True, True, True)
    """
    text = resources.files("citra_eval").joinpath("data/abbreviations.tsv").read_text(
        "utf-8")
    kinds: dict[str, set[str]] = {"title": set(), "word": set(), "number": set()}
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and
            not ln.startswith("#")]
    for row in rows[1:]:  # after the header
        kinds[row[1]].add(row[0])
    return {k: frozenset(v) for k, v in kinds.items()}


_SENTENCE_RE = re.compile(r"[^\n]*?(?:[.!?…]+[\"'”’)\]]*(?=\s|$)|\n|$)")


# --------------------------------------------------------------------------- stems


@functools.lru_cache(maxsize=1)
def _stemmer():
    """PySastrawi's stemmer, its visitors recording what they remove as plain strings
    (:class:`_LiteralRemoval`)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    inner = getattr(stemmer, "delegatedStemmer", None)
    if inner is not None and hasattr(inner, "visitor_provider"):
        inner.visitor_provider = _literal_removals()
    return stemmer


#: Words whose result each wrapped PySastrawi visitor remembers (then it starts afresh).
_VISITOR_CACHE = 4096
#: The affix type PySastrawi records for each of its removing visitors.
_AFFIX_TYPES = {"RemoveInflectionalParticle": "P", "RemoveInflectionalPossessivePronoun": "PP",
                "RemoveDerivationalSuffix": "DS", "RemovePlainPrefix": "DP"}


class _LiteralRemoval:
    """One of PySastrawi's suffix or prefix visitors, the same rule, recording the removed
    part with ``str.replace`` where PySastrawi calls ``re.sub(result, "", word, count=1)``.

    PySastrawi compiles that remainder as a new regular expression for every word it
    stems, which also pushes its own rule patterns out of ``re``'s cache: on new text most
    of its time. For the purely alphabetic words :func:`stem_word` gives it, the pattern
    has no special character and both give the same string (every stem is checked against
    PySastrawi's own on real text in the tests).
    """

    def __init__(self, visitor) -> None:
        from Sastrawi.Stemmer.Context.Removal import Removal

        self.visitor = visitor
        self.disambiguators = getattr(visitor, "disambiguators", None)
        self.affix_type = "DP" if self.disambiguators is not None else _AFFIX_TYPES[
            type(visitor).__name__]
        self._removal = Removal
        # the rule's result per word: a pure function of the word (and the fixed
        # dictionary), asked again for the same word as PySastrawi retries its orders;
        # a few thousand recent words per visitor are enough for that (memory stays small)
        self._results: dict[str, str | None] = {}

    def _result(self, word: str, dictionary) -> str | None:
        """The word without the affix this visitor removes; None if it removes nothing."""
        if self.disambiguators is None:
            result = self.visitor.remove(word)
            return None if result == word else result
        result = None  # PySastrawi's prefix disambiguation: the first rule giving a root
        for rule in self.disambiguators:
            result = rule.disambiguate(word)
            if dictionary.contains(result):
                break
        return result

    def visit(self, context) -> None:
        word = context.current_word
        results = self._results
        if word in results:
            result = results[word]
        else:
            if len(results) >= _VISITOR_CACHE:
                results.clear()
            result = results[word] = self._result(word, context.dictionary)
        if result is None:
            return
        removed = word.replace(result, "", 1)
        context.add_removal(self._removal(self.visitor, word, result, removed,
                                          self.affix_type))
        context.current_word = result


def _literal_removals():
    """PySastrawi's visitor provider with its suffix and prefix visitors as
    :class:`_LiteralRemoval` (PySastrawi's own provider should a visitor be unknown)."""
    from Sastrawi.Stemmer.Context.Visitor.VisitorProvider import VisitorProvider

    provider = VisitorProvider()
    try:
        provider.suffix_visitors = [_LiteralRemoval(v) for v in provider.suffix_visitors]
        provider.prefix_visitors = [_LiteralRemoval(v) for v in provider.prefix_visitors]
    except KeyError:  # a visitor this wrapper does not know: keep PySastrawi's own
        return VisitorProvider()
    return provider


@functools.lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    stemmer = _stemmer()
    inner = getattr(stemmer, "delegatedStemmer", stemmer)
    return frozenset(getattr(inner.dictionary, "words", {}))


# ---------------------------------------------------------------- what PySastrawi can reach

SUFFIX_COMBOS = frozenset(d + p + q for d in ("", "i", "kan", "an", "is", "isme", "isasi")
                           for p in ("", "ku", "mu", "nya")
                           for q in ("", "lah", "kah", "tah", "pun"))
MAX_SUFFIX = max(map(len, SUFFIX_COMBOS))
#: The prefixes PySastrawi's rules remove (plain ``di|ke|se``, disambiguation rules 1-42:
#: *ber-, be-, bel-, ter-, te-, me-, mem-, men-, meng-, menge-, meny-, pe-, pem-, pen-, peng-,
#: penge-, peny-, per-, pel-, ku-, kau-*), the nasal ones that stand for a root's first letter
#: (*menyampaikan* → *sampai*: ``meny`` for ``s``), and its infixes (*-er-, -el-, -em-, -in-*).
_PIECES = ("di", "ke", "se", "ber", "be", "bel", "ter", "te", "me", "mem", "men", "meng",
           "menge", "meny", "pe", "pem", "pen", "peng", "penge", "peny", "per", "pel", "ku",
           "kau")
_NASAL = {"mem": "p", "men": "t", "meng": "k", "meny": "s", "pem": "p", "pen": "t",
          "peng": "k", "peny": "s"}
_INFIXES = ("er", "el", "em", "in")
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxyz")
MAX_PREFIX = 15  # three removals of at most five letters


@functools.lru_cache(maxsize=1)
def prefix_table() -> dict[str, frozenset[str]]:
    """Every string up to three of PySastrawi's prefix removals can consume, with the first
    letters they may leave in front of the rest that are not in the token.

    ``""``: none (the root continues with the token's next letter); ``"s"``: a nasal
    ``meny-`` stood for it (*menyampaikan* → *sampai*); a consonant kept by an infix rule
    (*gerigi* → *gigi*). Built once per process (about 93,000 heads, a fraction of a second).
    """
    table: dict[str, set[str]] = {"": {""}}
    frontier = {("", "")}
    for _ in range(3):
        nxt = set()
        for head, virtual in frontier:
            for piece in _PIECES:
                if virtual and not piece.startswith(virtual):
                    continue
                part = head + piece[len(virtual):]
                nxt.add((part, ""))
                if piece in _NASAL:
                    nxt.add((part, _NASAL[piece]))
            for infix in _INFIXES:
                if virtual:
                    nxt.add((head + infix, virtual))
                else:
                    nxt.update((head + c + infix, c) for c in _CONSONANTS)
        frontier = {x for x in nxt if x[1] not in table.get(x[0], ())}
        for head, virtual in frontier:
            table.setdefault(head, set()).add(virtual)
    return {h: frozenset(v) for h, v in table.items()}


def core_ok(token: str, i: int, j: int, firsts: frozenset[str], heads) -> bool:
    """Could PySastrawi reduce ``token`` to a root ``f + token[i:j]`` (``f`` in ``firsts``)?"""
    if j < len(token) and token[j:] not in SUFFIX_COMBOS:
        return False
    plain = heads.get(token[:i - 1])
    if plain is not None and "" in plain and token[i - 1] in firsts:
        return True
    virtual = heads.get(token[:i])
    return virtual is not None and any(c and c in firsts for c in virtual)


def could_stem_to(token: str, tails: dict[str, frozenset[str]]) -> bool:
    """Whether PySastrawi could stem ``token`` to a root whose tail (all but the first
    letter) is in ``tails`` (which maps tails to the possible first letters).

    PySastrawi returns the token or ``first letter + token[i:j]``: the suffix ``token[j:]``
    is a combination of its suffixes, and the head ``token[:i]`` is consumed by at most three
    of its prefix rules, the first letter either the token's own (``token[i - 1]``) or one a
    nasal prefix or an infix stands for (:func:`prefix_table`). Checked against PySastrawi
    on every word of the IndoNLU samples and both studies in the tests.

    With ``tails`` of every root of PySastrawi's dictionary (:func:`root_tails`), a token
    for which this is False is its own stem: :func:`stem_word` then skips PySastrawi.
    """
    heads = prefix_table()
    opened = head_prefixes()
    n = len(token)
    # the root can only start at i when token[:i - 1] or token[:i] is a head (core_ok);
    # the heads' prefixes stop the scan at the first i where neither can be
    starts = []
    for i in range(1, min(MAX_PREFIX + 1, n) + 1):
        if token[:i - 1] not in opened:
            break
        if token[:i - 1] in heads or token[:i] in heads:
            starts.append(i)
    for k in range(min(MAX_SUFFIX, n) + 1):
        if k and token[n - k:] not in SUFFIX_COMBOS:
            continue
        j = n - k
        for i in starts:
            if i > j:
                break
            firsts = tails.get(token[i:j])
            if firsts is not None and core_ok(token, i, j, firsts, heads):
                return True
    return False


@functools.lru_cache(maxsize=1)
def head_prefixes() -> frozenset[str]:
    """Every prefix of every head of :func:`prefix_table` (the heads included)."""
    return frozenset(h[:n] for h in prefix_table() for n in range(len(h) + 1))


@functools.lru_cache(maxsize=1)
def root_tails() -> dict[str, frozenset[str]]:
    """Every root of PySastrawi's dictionary as ``{root[1:]: first letters}`` (the form
    :func:`could_stem_to` takes), built once per process."""
    tails: dict[str, set[str]] = {}
    for root in root_words():
        if root:
            tails.setdefault(root[1:], set()).add(root[0])
    return {t: frozenset(f) for t, f in tails.items()}


@functools.lru_cache(maxsize=1 << 20)  # bounded: a million distinct words
def stem_word(word: str) -> str:
    """The PySastrawi stem of one lower-case word (cached per unique word).

    Only purely alphabetic words are stemmed; a reduplicated word (``kerja-kerja``) stems to
    its base, other hyphenated words stem part by part; anything else is returned unchanged.
    PySastrawi returns a word itself or a root of its dictionary reached by removing a
    suffix combination and at most three prefixes (:func:`could_stem_to`); a word from which
    no such split leaves a root is returned at once, without calling PySastrawi (the same
    result, checked against PySastrawi on real text in the tests; words PySastrawi cannot
    reduce are the ones it spends longest on).

    Examples
    --------
    >>> [stem_word(w) for w in ["mempercepat", "pembangunan", "aplikasi-aplikasi", "16.00"]]
    ['cepat', 'bangun', 'aplikasi', '16.00']
    """
    if _ALPHA_RE.match(word):
        if word in root_words():  # PySastrawi's first step returns a root word unchanged
            return word
        if not could_stem_to(word, root_tails()):
            # no prefix/suffix split of the word leaves a root: PySastrawi would return it
            # unchanged (checked against PySastrawi in the tests)
            return word
        stemmer = _stemmer()
        # the uncached inner stemmer on one [a-z]+ word: the same result as .stem(word)
        # without re-normalising the text twice
        inner = getattr(stemmer, "delegatedStemmer", None)
        out = inner.stem_word(word) if hasattr(inner, "stem_word") else stemmer.stem(word)
        return out if out and _ALPHA_RE.match(out) else word
    if "-" in word:
        parts = word.split("-")
        if all(_ALPHA_RE.match(p) for p in parts):
            stems = [stem_word(p) for p in parts]
            if len(set(stems)) == 1:
                return stems[0]
            return "-".join(stems)
    return word


# --------------------------------------------------------------------------- stop words


@functools.lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The package's Indonesian function words (``data/stopwords_id.txt``, in standard
    form): what the vocabulary tables leave out and what a pattern should hold more than.

    Examples
    --------
    >>> {"yang", "dan"} <= function_words(), "kerja" in function_words()
    (True, False)
    """
    text = resources.files("citra_eval").joinpath("data/stopwords_id.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and
                     not w.startswith("#"))


# --------------------------------------------------------------------------- slang


@functools.lru_cache(maxsize=1)
def _default_slang() -> dict[str, str]:
    text = resources.files("citra_eval").joinpath("data/slang_id.tsv").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, standard = line.split("\t")[:2]
        table[fold_apostrophes(word.strip().lower())] = " ".join(standard.lower().split())
    return table


def slang_word_problem(word: str) -> str | None:
    """Why the slang entry ``word`` could never match (None when it can, or when it has no
    word at all, which the caller refuses in its own words).

    Texts are read one token at a time (:func:`tokenize`) and the slang table is looked up
    with each token, so an entry matches only when it is exactly one token: ``ga usah`` is
    two, ``kpd.`` is read as ``kpd``.

    Examples
    --------
    >>> slang_word_problem("gak") is None
    True
    >>> slang_word_problem("kpd.")
    "is read as the word 'kpd' in the transcripts, so it never matches; write 'kpd' instead"
    """
    words = [t.text for t in tokenize(word)]
    if len(words) > 1:
        return (f"is {len(words)} words ({', '.join(map(quoted, words))}), but the "
                "transcripts are read one word at a time, so it never matches; map each word "
                f"on its own (e.g. '{words[0]}: ...') or make the expression a phrase pattern "
                "of a code")
    if words and words[0] != fold_apostrophes(word.strip().lower()):  # as load_slang keys it
        return (f"is read as the word {quoted(words[0])} in the transcripts, so it never "
                f"matches; write '{words[0]}' instead")
    return None


def load_slang(extra: Mapping[str, str] | None = None, *, default: bool = True) -> dict[str, str]:
    """The slang table: package data ``data/slang_id.tsv`` updated with ``extra``.

    Parameters
    ----------
    extra : mapping, optional
        ``{colloquial word: standard word(s)}``, e.g. ``codebook.slang``; overrides the
        package entries.
    default : bool
        Start from the package table (``True``) or from nothing.

    Examples
    --------
    >>> table = load_slang({"gercep": "cepat"})
    >>> table["nggak"], table["pian"], table["gercep"]
    ('tidak', 'anda', 'cepat')
    """
    table = dict(_default_slang()) if default else {}
    for word, standard in (extra or {}).items():
        if not isinstance(word, str) or not isinstance(standard, str):
            raise TypeError(f"slang entries must map str to str, got {word!r}: {standard!r}")
        problem = slang_word_problem(word)
        if problem:
            raise InputError(f"slang {quoted(word)} (→ {quoted(standard)}) {problem}")
        table[fold_apostrophes(word.strip().lower())] = " ".join(standard.lower().split())
    return table


# --------------------------------------------------------------------------- normaliser


@dataclass
class Normaliser:
    """Maps tokens to stems: never-stem list, slang, compounds, PySastrawi.

    Parameters
    ----------
    slang : mapping, optional
        Extra slang entries (e.g. ``codebook.slang``), added to the package table.
    no_stem : iterable of str
        Extra words never to touch (added to :data:`DEFAULT_NO_STEM`).
    compounds : iterable of str
        Multi-word expressions (``"kerja sama"``) whose joined form (``kerjasama``), with
        Indonesian affixes around it (``bekerjasama``, ``dikerjasamakan``), is split back
        into the stems of its words. A one-word phrase is no compound and is ignored.
    default_slang : bool
        Use the package slang table (default True).
    stem : bool
        Stem with PySastrawi (default True); False keeps words after slang mapping.

    Examples
    --------
    >>> n = Normaliser(compounds=["kerja sama"])
    >>> [n.expand(w) for w in ["dikerjasamakan", "gercep", "nggak", "ulun", "bamara"]]
    [('kerja', 'sama'), ('gerak', 'cepat'), ('tidak',), ('saya',), ('bamara',)]
    """

    slang: Mapping[str, str] | None = None
    no_stem: Iterable[str] = ()
    compounds: Iterable[str] = ()
    default_slang: bool = True
    stem: bool = True

    def __post_init__(self) -> None:
        self._slang = load_slang(self.slang, default=self.default_slang)
        self._no_stem = frozenset(DEFAULT_NO_STEM | {fold_apostrophes(w.lower())
                                                     for w in self.no_stem})
        self._compounds: dict[str, tuple[str, ...]] = {}
        self._cache: dict[str, tuple[str, ...]] = {}
        self._compound_keys = None  # automaton of the compound keys, built when first needed
        for phrase in self.compounds:
            self.add_compound(phrase)

    @property
    def slang_table(self) -> dict[str, str]:
        """The slang table in use: ``{colloquial word: standard word(s)}``."""
        return self._slang

    @property
    def compound_table(self) -> dict[str, tuple[str, ...]]:
        """Registered compounds: ``{joined form: stems of its words}``."""
        return self._compounds

    @classmethod
    def for_codebook(cls, codebook, **kwargs) -> Normaliser:
        """A normaliser with the codebook's slang, never-stem words and compounds.

        Every multi-word phrase pattern is registered as a compound. A one-word pattern is
        not: it is read as its own word, so it never changes how a word of the text is split
        (``infografis`` stays one word, and a pattern ``info`` never matches inside it).
        """
        n = cls(slang=codebook.slang, no_stem=codebook.no_stem, **kwargs)
        for code in codebook:
            for p in code.patterns:
                if p.kind == "phrase":
                    n.add_compound(p.text)
        return n

    def add_compound(self, phrase: str) -> None:
        """Register a compound of two or more words; a one-word phrase registers nothing.

        A word is never cut into pieces guessed from the dictionary (``infografis`` into
        *info* + *grafis*, ``setahun`` into *seta* + *hun*): only words a phrase names are
        split, so no other pattern can match inside a word.
        """
        words = [t.text for t in tokenize(phrase)]
        if len(words) < 2:
            return
        stems = tuple(s for w in words for s in self._expand_plain(w))
        joined = "".join(words)
        for key in dict.fromkeys((joined, "".join(stems))):  # in order: compound_table too
            if len(key) >= 6 and key not in self._no_stem:
                self._compounds[key] = stems
        self._cache.clear()
        self._compound_keys = None

    def expand(self, token: str) -> tuple[str, ...]:
        """The stems a lower-cased token stands for (one or more)."""
        try:
            return self._cache[token]
        except KeyError:
            pass
        if token in self._no_stem:
            out: tuple[str, ...] = (token,)
        else:
            out = tuple(s for w in self._slang.get(token, token).split()
                        for s in self._expand_word(w))
            out = out or (token,)
        self._cache[token] = out
        return out

    def _expand_word(self, word: str) -> tuple[str, ...]:
        if word in self._no_stem:
            return (word,)
        parts = self._compound(word)
        if parts is not None:
            return parts
        return (stem_word(word),) if self.stem else (word,)

    def _expand_plain(self, word: str) -> tuple[str, ...]:
        if word in self._no_stem:
            return (word,)
        return tuple(stem_word(w) if self.stem else w
                     for w in self._slang.get(word, word).split())

    def _compound(self, word: str) -> tuple[str, ...] | None:
        if not self._compounds or len(word) < 6:
            return None
        hit = self._compounds.get(word)
        if hit is not None:
            return hit
        if self._compound_keys is None:
            self._compound_keys = _key_automaton(self._compounds)
        if next(self._compound_keys.iter(word), None) is None:
            return None  # no key inside the word: no affix split below can find one
        for p in _PREFIXES:
            if not word.startswith(p):
                continue
            for s in _SUFFIXES:
                if (p or s) and word.endswith(s) and len(word) > len(p) + len(s):
                    core = word[len(p):len(word) - len(s)]
                    hit = self._compounds.get(core)
                    if hit is not None:
                        return hit
        return None

    def stems(self, text: str) -> list[tuple[str, int, int]]:
        """``(stem, start, end)`` for every stem of ``text``, offsets into ``text``.

        Examples
        --------
        >>> Normaliser().stems("Medsos kami gercep")
        [('media', 0, 6), ('sosial', 0, 6), ('kami', 7, 11), ('gerak', 12, 18), ('cepat', 12, 18)]
        """
        return [(s, t.start, t.end) for t in tokenize(text) for s in self.expand(t.text)]

    def phrase(self, text: str) -> tuple[str, ...]:
        """The stem sequence of a phrase pattern (what token sequences must match).

        Examples
        --------
        >>> Normaliser().phrase("Membangun Kerja Sama")
        ('bangun', 'kerja', 'sama')
        """
        return tuple(s for t in tokenize(text) for s in self.expand(t.text))


def _key_automaton(keys: Iterable[str]):
    """Aho–Corasick automaton reporting whether any of ``keys`` occurs in a string."""
    import ahocorasick

    automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
    for key in keys:
        automaton.add_word(key)
    automaton.make_automaton()
    return automaton
