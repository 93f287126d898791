"""Codebook lint: patterns that will not do what they look like they do.

Used by :meth:`citra_eval.Codebook.lint` and ``citra-eval validate``. The checks:

``stem_widens``
    A one-word pattern that the stemmer shortens to a root that everyday words share:
    *penghargaan* (award) is stemmed to *harga* (price), so the pattern also codes "harga
    cabai naik"; *kewajiban* → *wajib*, *kebijakan* → *bijak*, *menyudutkan* → *sudut*. The
    examples are common words from the package's word list (``data/common_words_id.tsv``)
    that reach the same root without containing the pattern word itself. (A word inside a
    multi-word phrase is held in place by the other words and is not reported.)
``slang_regex_only``
    A slang entry whose standard word occurs only in a regex pattern (``ig`` →
    *instagram*, with *instagram* in a regex): regexes see the text as written, so the
    slang word is never found.
``slang_unused``
    A slang entry of the codebook whose standard word no phrase pattern contains: the
    dictionary coder never uses it (the learned coder still reads it, as every feature is
    normalised). Entries that map to negation words or conjunctions are used by the
    negation rule and are not reported.
``language``
    The codebook's ``language`` is not Indonesian (or Banjarese, which the slang list
    covers), but every text is normalised as Indonesian: PySastrawi's stemming, the
    Indonesian slang list and Indonesian negation words. A phrase pattern in another
    language then matches little more than the word forms written in it ("journalist"
    does not match "journalists"), and its negations are not recognised. The same holds
    for study.yaml's ``kwic`` terms (the keyword-in-context tables).
``regex_case``
    A regex with an upper-case letter: regexes run on case-folded text, so it never matches.
``category_patterns``
    Patterns on a category (``codable: false``): a category is never applied, so its
    patterns never produce codings (neither the dictionary coder nor the learned coder
    reads them); they belong on a codable code. One finding per category.
``function_words_only``
    A phrase pattern made only of function words (``yang dan``, ``ada``, ``itu saja``; the
    package's list ``data/stopwords_id.txt``, after slang: ``gak`` counts as ``tidak``): it
    matches in most turns, whatever they are about. Give it a content word.
``label_is_id``
    A code's label (in any language) is another code's id, ignoring case (``media`` labelled
    *Apps* beside the code ``apps``): in a coding sheet, where a code may be named by its id
    or label in any case, the name is then ambiguous and refused. Relabel or rename one.
``color``
    A code's ``color`` that is not a colour a REFI-QDA file can hold (``#RRGGBB``, ``#RGB``,
    or a CSS name such as ``red`` and an alpha, which ``qdpx export`` converts): the export
    leaves it out, and NVivo or ATLAS.ti show the code without it.
``never_matches``
    With a corpus: a pattern without a single hit in any turn (a note: a deductive codebook
    may well hold words the interviews do not use).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources

import pandas as pd

from ._refi import COLOR_FORMS, refi_color
from ._validation import check_corpus
from .errors import quoted
from .matching import CONJUNCTIONS, NEGATORS, Matcher
from .normalise import function_words, tokenize

__all__ = ["LINT_COLUMNS", "PROCESSED_LANGUAGES", "common_words", "lint_codebook"]

#: Codebook languages the normalisation is made for (ISO 639-1 or -3 codes).
PROCESSED_LANGUAGES = frozenset({"id", "ind", "bjn"})
LINT_COLUMNS = ["check", "severity", "code", "pattern", "kind", "rule", "line", "message",
                "examples"]
_ORDER = ["language", "label_is_id", "color", "regex_case", "category_patterns",
          "function_words_only", "stem_widens", "slang_regex_only", "never_matches", "slang_unused"]


@functools.lru_cache(maxsize=1)
def _package_words() -> dict[str, int]:
    text = resources.files("citra_eval").joinpath("data/common_words_id.tsv").read_text(
        "utf-8")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, count = line.split("\t")[:2]
            out[word] = int(count)
    return out


def common_words() -> dict[str, int]:
    """``{word: count}``: the package's common Indonesian word forms (most frequent first).

    8,769 forms derived from the IndoNLU SmSA and EmoT samples (Apache-2.0; see
    ``data/PROVENANCE.md``).

    Examples
    --------
    >>> words = common_words()
    >>> words["harga"] > words["berharga"] > 0
    True
    """
    return dict(_package_words())


def lint_codebook(codebook, *, corpus=None, words: Mapping[str, int] | None = None,
                  max_examples: int = 6) -> pd.DataFrame:
    """Lint a codebook's patterns (the checks of this module).

    Parameters
    ----------
    codebook : Codebook
    corpus : Corpus, optional
        Also report patterns that never match its turns.
    words : mapping, optional
        ``{word: count}`` of common words (default :func:`common_words`).
    max_examples : int
        Example words per finding.

    Returns
    -------
    DataFrame
        ``check, severity, code, pattern, kind, rule, line, message, examples``: one row per
        finding, most serious checks first. ``severity`` is ``warning`` or ``note``;
        ``kind`` is ``phrase``, ``regex`` or ``slang``; ``rule`` is ``include`` or
        ``exclude`` (the pattern's list); ``line`` is the line in the codebook file when
        known; ``examples`` a comma-separated list of words.
    """
    check_corpus(corpus, allow_none=True)
    matcher = Matcher.from_codebook(codebook)
    words = _package_words() if words is None else dict(words)
    rows = _language(codebook)
    rows += _regex_case(codebook)
    rows += _category_patterns(codebook)
    rows += _function_words_only(codebook, matcher)
    rows += _stem_widens(codebook, matcher, words, max_examples)
    rows += _slang(codebook, matcher)
    rows += _label_is_id(codebook)
    rows += _color(codebook)
    if corpus is not None:
        rows += _never_matches(codebook, matcher, corpus)
    out = pd.DataFrame(rows, columns=LINT_COLUMNS)
    out["_o"] = out["check"].map({c: i for i, c in enumerate(_ORDER)})
    out = out.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
    return out.astype({"line": "Int64"})


def _patterns(codebook):
    for code in codebook:
        if not code.codable:
            continue
        for rule, pats in (("include", code.patterns), ("exclude", code.exclude_patterns)):
            for p in pats:
                yield code, rule, p


def _language(codebook) -> list[dict]:
    language = str(codebook.language)
    if language in PROCESSED_LANGUAGES:
        return []
    return [{"check": "language", "severity": "warning", "code": None, "pattern": None,
             "kind": None, "rule": None, "line": None, "examples": "",
             "message": f"the codebook's language is {language!r}, but transcripts are "
                        "normalised as Indonesian (PySastrawi stemming, Indonesian slang and "
                        "negation words): a phrase pattern matches little more than the "
                        "word forms written in it and negations are not recognised; list "
                        "every form of a word (e.g. journalist, journalists) or use a regex "
                        "(e.g. '\\bjournalists?\\b'); study.yaml's 'kwic' terms are read "
                        "the same way, so list each form there too (kwic: [journalist, "
                        "journalists])"}]


def _label_is_id(codebook) -> list[dict]:
    ids = {c.id.casefold(): c.id for c in codebook}
    out = []
    for code in codebook:
        for label in dict.fromkeys(code.label.values()):
            other = ids.get(" ".join(str(label).split()).casefold())
            if other is None or other == code.id:
                continue
            out.append({"check": "label_is_id", "severity": "warning", "code": code.id,
                        "pattern": None, "kind": None, "rule": None, "line": code.line,
                        "examples": "",
                        "message": f"the label {label!r} of {code.id!r} is the id of "
                                   f"{other!r} (ignoring case): a coding sheet naming the "
                                   f"code {label!r} is ambiguous and refused; give "
                                   f"{code.id!r} another label, or rename {other!r}"})
    return out


def color_problem(code) -> str | None:
    """What ``qdpx export`` does not write of a code's colour (one it cannot read as a
    colour), or None; the same text for lint and for the export's note."""
    if code.color is None or not str(code.color).strip() or refi_color(code.color):
        return None
    return (f"the colour {code.color!r} of {code.id!r} is not a colour a REFI-QDA file can "
            f"hold, so qdpx export leaves it out: write {COLOR_FORMS}")


def _color(codebook) -> list[dict]:
    return [{"check": "color", "severity": "warning", "code": code.id, "pattern": None,
             "kind": None, "rule": None, "line": code.line, "examples": "", "message": why}
            for code in codebook if (why := color_problem(code))]


def _regex_case(codebook) -> list[dict]:
    out = []
    for code, rule, p in _patterns(codebook):
        if p.kind != "regex":
            continue
        found = _upper_case_parts(p.text)
        if found is None or not found[0]:
            continue
        shown, needed = found
        where = ("so it never matches" if needed else
                 "so the part of it that needs them (an alternative, an optional part) never "
                 "matches")
        out.append(_row("regex_case", "warning", code.id, p, rule,
                        f"regex {quoted(p.text)} of {code.id} has upper-case letters "
                        f"({''.join(shown)}) but runs on lower-cased text, {where}; write "
                        "it in lower case", ""))
    return out


#: Code points a character range may span and still be read letter by letter.
_MAX_RANGE = 2000


def _upper_case_parts(text: str) -> tuple[list[str], bool] | None:
    """What in the regex ``text`` can never match case-folded text: its upper-case letters
    (as the parsed pattern reads them: ``\\x4B`` is K, ``\\N{...}`` its letter) and classes
    of upper-case letters only (shown back as ``[A-Z]``), in pattern order, each once; and
    whether every match needs one (not only an alternative or an optional part). Read from
    the parsed pattern, as :func:`~citra_eval.matching.required_literals` reads it; parts
    under ``(?i)`` and negative lookarounds are left out. None when it cannot be parsed."""
    try:
        from re import _constants as C
        from re import _parser as P
    except ImportError:  # pragma: no cover - Python < 3.11
        return None
    try:
        parsed = P.parse(text, 0)
    except re.error:
        return None
    shown: dict[str, None] = {}
    needed = False

    def dead_class(items) -> str | None:
        parts = []
        for op, av in items:
            if op is C.LITERAL and chr(av).isupper():
                parts.append(chr(av))
            elif op is C.RANGE and av[1] - av[0] <= _MAX_RANGE and all(
                    chr(c).isupper() for c in range(av[0], av[1] + 1)):
                parts.append(f"{chr(av[0])}-{chr(av[1])}")
            else:  # a lower-case letter, a category (\w), a negated class: it can match
                return None
        return f"[{''.join(parts)}]" if parts else None

    def walk(items, required: bool, caseless: bool) -> None:
        nonlocal needed
        for op, av in items:
            dead = None
            if op is C.LITERAL and not caseless and chr(av).isupper():
                dead = chr(av)
            elif op is C.IN and not caseless:
                dead = dead_class(av)
            elif op is C.SUBPATTERN:
                _, add, remove, body = av
                walk(body, required, (caseless or bool(add & re.IGNORECASE))
                     and not remove & re.IGNORECASE)
            elif op is C.BRANCH:
                for branch in av[1]:
                    walk(branch, required and len(av[1]) == 1, caseless)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                walk(av[2], required and av[0] >= 1, caseless)
            elif op is C.ATOMIC_GROUP:
                walk(av, required, caseless)
            elif op is C.ASSERT:
                walk(av[1], required, caseless)
            elif op is C.GROUPREF_EXISTS:
                for body in av[1:]:
                    if body is not None:
                        walk(body, False, caseless)
            if dead is not None:
                shown.setdefault(dead)
                needed |= required

    walk(parsed, True, bool(parsed.state.flags & re.IGNORECASE))
    return list(shown), needed


def _category_patterns(codebook) -> list[dict]:
    out = []
    for code in codebook:
        pats = [] if code.codable else code.patterns + code.exclude_patterns
        if not pats:
            continue
        shown = ", ".join(quoted(p.text, 30) for p in pats[:4])
        more = f" and {len(pats) - 4} more" if len(pats) > 4 else ""
        out.append({"check": "category_patterns", "severity": "warning", "code": code.id,
                    "pattern": None, "kind": None, "rule": None,
                    "line": pats[0].line or code.line, "examples": shown,
                    "message": f"{code.id} is a category (codable: false), which is never "
                               f"applied, so its {len(pats)} pattern(s) ({shown}{more}) never "
                               "produce codings; move them to a codable code under it, or "
                               "make it codable"})
    return out


def _function_words_only(codebook, matcher: Matcher) -> list[dict]:
    slang, stop = matcher.normaliser.slang_table, function_words()
    out = []
    for code, rule, p in _patterns(codebook):
        if p.kind != "phrase":
            continue
        words = [w for t in tokenize(p.text) for w in slang.get(t.text, t.text).split()]
        if words and all(w in stop for w in words):
            out.append(_row("function_words_only", "warning", code.id, p, rule,
                            f"pattern {quoted(p.text)} of {code.id} holds only function "
                            "words, so it matches in most turns whatever they are about; add "
                            "the content word it is meant to find", ""))
    return out


def _stem_widens(codebook, matcher: Matcher, words: dict[str, int],
                 max_examples: int) -> list[dict]:
    norm = matcher.normaliser
    out = []
    for code, rule, p in _patterns(codebook):
        toks = tokenize(p.text)
        if p.kind != "phrase" or len(toks) != 1:
            continue
        for tok in toks:
            t = tok.text
            stems = norm.expand(t)
            if len(stems) != 1 or stems[0] == t or t in norm.slang_table:
                continue
            root = stems[0]
            tail = root[1:]
            found = [w for w in words if tail in w and t not in w and w != root + t
                     and norm.expand(w) == (root,)]
            if not found:
                continue
            found.sort(key=lambda w: -words[w])
            shown = ", ".join(found[:max_examples])
            more = f" and {len(found) - max_examples} more" if len(found) > max_examples else ""
            out.append(_row(
                "stem_widens", "warning", code.id, p, rule,
                f"{quoted(t)} in pattern {quoted(p.text)} of {code.id} is stemmed to "
                f"{quoted(root)}, so the "
                f"pattern also matches everyday words like {shown}{more}; if those are not "
                f"meant, write it as a regex ({{regex: '\\b{t}'}}) or add {quoted(t)} to "
                "no_stem",
                ", ".join(found[:max_examples])))
    return out


#: A regex's escapes (``\\b``, ``\\w``, ``\\x4B``, ``\\N{...}``, ``\\.``): no word of it.
_ESCAPE = re.compile(r"\\(?:N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)",
                     re.DOTALL)


def _without_escapes(regex: str) -> str:
    """``regex`` with every escape replaced by a space, so that the words it spells are
    found (``\\bshopee\\b`` holds ``shopee``, not ``bshopee``)."""
    return _ESCAPE.sub(" ", regex)


def _slang(codebook, matcher: Matcher) -> list[dict]:
    norm = matcher.normaliser
    vocab = {s for _, rule, p in _patterns(codebook) if rule == "include" and p.kind == "phrase"
             for s in norm.phrase(p.text)}
    regex_words: dict[str, tuple] = {}
    for code, rule, p in _patterns(codebook):
        if p.kind == "regex" and rule == "include":
            for w in re.findall(r"[a-z]{3,}", _without_escapes(p.text)):
                regex_words.setdefault(w, (code, p))
    context = NEGATORS | CONJUNCTIONS
    own = set(codebook.slang)
    out = []
    for word, standard in norm.slang_table.items():
        parts = standard.split()
        if not parts or parts[0] in context or word in vocab:
            continue
        stems = set(norm.phrase(standard))
        if stems & vocab:
            continue
        in_regex = [w for w in parts if w in regex_words]
        if in_regex:
            code, p = regex_words[in_regex[0]]
            line = codebook.slang_lines.get(word) if word in own else p.line
            out.append(_row(
                "slang_regex_only", "warning", code.id, p, "include",
                f"slang {quoted(word)} is read as {quoted(standard)}, but {in_regex[0]!r} "
                f"occurs only in the regex {quoted(p.text)} of {code.id}, and regexes see the "
                f"text as written, so {quoted(word)} is never found; make {in_regex[0]!r} a "
                "phrase pattern", word,
                line=line))
        elif word in own:
            out.append({"check": "slang_unused", "severity": "note", "code": None,
                        "pattern": None, "kind": "slang", "rule": None,
                        "line": codebook.slang_lines.get(word),
                        "message": f"slang {quoted(word)} → {quoted(standard)}: no phrase "
                                   f"pattern contains {quoted(standard)}, so the dictionary "
                                   "coder never uses it (the "
                                   "learned coder still reads it)", "examples": word})
    return out


def _never_matches(codebook, matcher: Matcher, corpus) -> list[dict]:
    hits = matcher.hits(corpus.segments, negation=False)
    seen = set(zip(hits["code"], hits["pattern"], hits["kind"], hits["rule"], strict=True))
    n_docs = len(corpus.doc_ids)
    out = []
    for code, rule, p in _patterns(codebook):
        if (code.id, p.text, p.kind, rule) in seen:
            continue
        what = "exclude pattern" if rule == "exclude" else "pattern"
        out.append(_row("never_matches", "note", code.id,
                        p, rule, f"{what} {quoted(p.text)} of {code.id} matches no turn of the "
                        f"{n_docs} transcript(s)", ""))
    return out


def _row(check, severity, code, p, rule, message, examples, *, line=None) -> dict:
    return {"check": check, "severity": severity, "code": code, "pattern": p.text,
            "kind": p.kind, "rule": rule, "line": p.line if line is None else line,
            "message": message, "examples": examples}
