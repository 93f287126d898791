"""The codebook: a tree of codes with bilingual labels, rules and auto-coding patterns.

Loaded from YAML (``data/raw/codebook.yaml``) with every problem reported at its line, and
exchanged with other QDA tools as a REFI-QDA codebook (``.qdc``).
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from ._files import is_input_file, write_bytes, write_text
from ._refi import (
    CODE_ID_OK,
    CODEBOOK_NS,
    GUID_RE,
    MAX_DEPTH,
    ORIGIN_RE,
    check_sizes,
    name_key,
    norm_guid,
    origin,
    project_root,
    refi_color,
    serialise,
    stable_guid,
    xml_text,
)
from ._safezip import DEFAULT_LIMITS, Limits, parse_xml, read_zip
from ._validation import check_codebook, regex_hazard
from ._yaml import LineDict, as_linedict, read_yaml_file, unknown_keys
from .errors import InputError, Problem, closest, quoted
from .lint import lint_codebook
from .normalise import regex_composition_problem, slang_word_problem, tokenize

__all__ = ["Code", "Codebook", "Pattern"]

_CODE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
#: How a YAML value that is not a mapping is named ("got a list").
_YAML_KIND = {int: "number", float: "number", bool: "true/false value"}
TOP_KEYS = {"codebook", "version", "language", "languages", "description", "note", "codes",
            "slang", "no_stem", "authors", "license", "pseudonymised"}
CODE_KEYS = {"id", "label", "codable", "children", "definition", "include", "exclude",
             "examples", "patterns", "exclude_patterns", "construct", "color", "note", "memo",
             "guid"}

TEXT_KEYS = ("label", "definition", "include", "exclude")


@dataclass(frozen=True)
class Pattern:
    """One auto-coding pattern: a phrase (matched on normalised, stemmed tokens) or a regex.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.Codebook.load(ce.example_path("codebook"))["kerja_sama"].patterns[0]
    Pattern(text='kerja sama', kind='phrase')
    """
    text: str
    kind: str = "phrase"  # "phrase" or "regex"
    line: int | None = field(default=None, compare=False, repr=False)  # in the YAML file

    def to_yaml(self) -> str | dict:
        return self.text if self.kind == "phrase" else {"regex": self.text}


@dataclass
class Code:
    """One node of the codebook tree.

    ``label``, ``definition``, ``include`` and ``exclude`` map a language code
    (``id``, ``en``, ...) to text.

    Examples
    --------
    >>> import citra_eval as ce
    >>> code = ce.Codebook.load(ce.example_path("codebook"))["kerja_sama"]
    >>> code.parent, code.codable, code.text("label", "en"), code.construct
    ('strategi', True, 'Building cooperation', 'KS')
    """
    id: str
    label: dict[str, str]
    parent: str | None = None
    codable: bool = True
    definition: dict[str, str] = field(default_factory=dict)
    include: dict[str, str] = field(default_factory=dict)
    exclude: dict[str, str] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    exclude_patterns: list[Pattern] = field(default_factory=list)
    construct: str | None = None
    color: str | None = None
    note: str | None = None
    children: list[str] = field(default_factory=list)
    line: int | None = None
    #: The REFI-QDA GUID another program gave the code (kept so that an export keeps it);
    #: None for citra_eval's own, derived from the id (:func:`code_guid`).
    guid: str | None = None

    def text(self, what: str, lang: str = "id") -> str:
        """``label``/``definition``/``include``/``exclude`` in ``lang``, falling back to any."""
        values: dict[str, str] = getattr(self, what)
        if lang in values:
            return values[lang]
        return next(iter(values.values()), "")


@dataclass
class Codebook:
    """A hierarchical codebook.

    Attributes
    ----------
    name, version, language : str
        From the YAML header (``codebook``, ``version``, ``language``).
    codes : dict
        ``{code id: Code}`` in tree (pre-)order.
    slang : dict
        Extra ``{colloquial word: standard word}`` entries for auto-coding.
    no_stem : list
        Words the auto-coder must never stem.
    pseudonymised : bool
        Whether its texts went through ``citra-eval pseudonymise --codebook`` (YAML
        ``pseudonymised: true``, which that command writes): ``qdpx export`` of pseudonymised
        transcripts shares only such a codebook, unless it can check the names itself.

    Examples
    --------
    >>> import citra_eval as ce
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> cb.codable_ids[:3], "strategi" in cb, cb["strategi"].codable
    (['kerja_sama', 'bamara', 'berita_cepat'], True, False)
    """
    name: str
    version: str
    language: str
    codes: dict[str, Code]
    description: str = ""
    slang: dict[str, str] = field(default_factory=dict)
    no_stem: list[str] = field(default_factory=list)
    path: str | None = None
    pseudonymised: bool = False
    slang_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ queries
    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def __getitem__(self, code_id: str) -> Code:
        try:
            return self.codes[code_id]
        except KeyError:
            raise KeyError(f"unknown code {quoted(code_id)}") from None

    @property
    def ids(self) -> list[str]:
        """All code ids, categories included, in tree order."""
        return list(self.codes)

    @property
    def codable_ids(self) -> list[str]:
        """Ids of codes that can be applied (categories excluded), in tree order."""
        return [c.id for c in self.codes.values() if c.codable]

    @property
    def roots(self) -> list[str]:
        return [c.id for c in self.codes.values() if c.parent is None]

    def label(self, code_id: str, lang: str | None = None) -> str:
        """The label of ``code_id`` in ``lang`` (default: the codebook language)."""
        return self[code_id].text("label", lang or self.language)

    def labels(self, lang: str | None = None) -> dict[str, str]:
        """``{code id: label}`` in ``lang``."""
        return {cid: self.label(cid, lang) for cid in self.codes}

    def ancestors(self, code_id: str) -> list[str]:
        """Parent, grandparent, ... of ``code_id``."""
        out, parent = [], self[code_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.codes[parent].parent
        return out

    def category(self, code_id: str) -> str:
        """The top-level ancestor of ``code_id`` (itself if it is a root)."""
        chain = self.ancestors(code_id)
        return chain[-1] if chain else code_id

    def descendants(self, code_id: str) -> list[str]:
        out = []
        for child in self[code_id].children:
            out.append(child)
            out.extend(self.descendants(child))
        return out

    @property
    def constructs(self) -> dict[str, str]:
        """``{code id: survey construct}`` for codes linked to a survey scale."""
        return {c.id: c.construct for c in self.codes.values() if c.construct}

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """One row per code, categories included.

        Returns
        -------
        DataFrame
            ``id, parent, label_id, label_en, codable, definition, n_patterns``, then
            ``category`` (top-level ancestor), ``depth``, ``construct``, ``include``,
            ``exclude``, ``n_examples``. Texts are in ``lang`` (default: codebook language).

        Examples
        --------
        >>> import citra_eval as ce
        >>> cb = ce.Codebook.load(ce.example_path("codebook"))
        >>> frame = cb.to_frame()
        >>> frame.loc[frame["id"] == "bamara", "parent"].item()
        'strategi'
        """
        lang = lang or self.language
        rows = []
        for c in self.codes.values():
            rows.append({
                "id": c.id, "parent": c.parent,
                "label_id": c.label.get("id"), "label_en": c.label.get("en"),
                "codable": c.codable, "definition": c.text("definition", lang) or None,
                "n_patterns": len(c.patterns), "category": self.category(c.id),
                "depth": len(self.ancestors(c.id)), "construct": c.construct,
                "include": c.text("include", lang) or None,
                "exclude": c.text("exclude", lang) or None, "n_examples": len(c.examples),
            })
        return pd.DataFrame(rows, columns=["id", "parent", "label_id", "label_en", "codable",
                                           "definition", "n_patterns", "category", "depth",
                                           "construct", "include", "exclude", "n_examples"])

    # ------------------------------------------------------------------ I/O
    @classmethod
    def load(cls, path: str | os.PathLike) -> Codebook:
        """Read and validate a YAML codebook.

        Raises
        ------
        InputError
            Every problem found (unknown keys, duplicate or malformed ids, missing labels,
            invalid regexes, ...), each with its line.

        Examples
        --------
        >>> import citra_eval as ce
        >>> cb = ce.Codebook.load(ce.example_path("codebook"))
        >>> cb.label("kerja_sama", "en")
        'Building cooperation'
        """
        data = read_yaml_file(path)
        return cls.from_dict(data, path=path)

    @classmethod
    def from_dict(cls, data: dict, *, path: str | os.PathLike | None = None) -> Codebook:
        """Build and validate a codebook from a parsed YAML mapping.

        Raises
        ------
        InputError
            Every problem found. Read from a YAML file (:meth:`load`), each is at its line;
            for a mapping built in Python, which has no lines, the message starts with the
            place in ``data`` (``codes[2].patterns[0]: ...``).
        """
        return _Builder(os.fspath(path) if path is not None else None).build(data)

    def to_dict(self) -> dict:
        """The codebook as plain data in the YAML layout (for :meth:`save`)."""
        def node(c: Code) -> dict:
            out: dict = {"id": c.id, "label": dict(c.label)}
            if not c.codable:
                out["codable"] = False
            for key in ("definition", "include", "exclude"):
                val = getattr(c, key)
                if val:
                    out[key] = val[self.language] if list(val) == [self.language] else dict(val)
            if c.examples:
                out["examples"] = list(c.examples)
            if c.patterns:
                out["patterns"] = [p.to_yaml() for p in c.patterns]
            if c.exclude_patterns:
                out["exclude_patterns"] = [p.to_yaml() for p in c.exclude_patterns]
            for key in ("construct", "color", "note", "guid"):
                if getattr(c, key):
                    out[key] = getattr(c, key)
            if c.children:
                out["children"] = [node(self.codes[k]) for k in c.children]
            return out

        out: dict = {"codebook": self.name, "version": _yaml_version(self.version),
                     "language": self.language}
        if self.pseudonymised:
            out["pseudonymised"] = True
        if self.description:
            out["description"] = self.description
        if self.slang:
            out["slang"] = dict(self.slang)
        if self.no_stem:
            out["no_stem"] = list(self.no_stem)
        out["codes"] = [node(self.codes[r]) for r in self.roots]
        return out

    def lint(self, *, corpus=None, words: Mapping[str, int] | None = None,
             max_examples: int = 6) -> pd.DataFrame:
        """Warnings about patterns that will not do what they look like they do.

        Parameters
        ----------
        corpus : Corpus, optional
            With a corpus, also the patterns that never match any of its turns.
        words : mapping, optional
            ``{word: count}`` of common words to look for widened patterns in (default: the
            package's list of common Indonesian words, ``data/common_words_id.tsv``).
        max_examples : int
            How many example words to show per warning.

        Returns
        -------
        DataFrame
            One row per finding: ``check, severity, code, pattern, kind, rule, line,
            message, examples``; see :func:`citra_eval.lint.lint_codebook` for the checks.

        Examples
        --------
        >>> import citra_eval as ce
        >>> cb = ce.Codebook.from_dict({"codes": [
        ...     {"id": "reputasi", "label": "Reputasi", "patterns": ["penghargaan"]}]})
        >>> found = cb.lint()
        >>> found[["check", "pattern"]].values.tolist()
        [['stem_widens', 'penghargaan']]
        >>> found["examples"].item()
        'harga, menghargai, seharga, berharga, dihargai, harganya'
        """
        return lint_codebook(self, corpus=corpus, words=words, max_examples=max_examples)

    def save(self, path: str | os.PathLike) -> None:
        """Write the codebook as YAML (atomically)."""
        import yaml


        write_text(path, yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False,
                                        width=100))

    def to_qdc(self, path: str | os.PathLike) -> None:
        """Export as a REFI-QDA codebook (``.qdc``); see :func:`codebook_to_qdc`."""
        codebook_to_qdc(self, path)

    @classmethod
    def from_qdc(cls, path: str | os.PathLike, *, language: str | None = None) -> Codebook:
        """Import a REFI-QDA codebook (``.qdc``); see :func:`codebook_from_qdc`."""
        return codebook_from_qdc(path, language=language)


def _yaml_version(version: str) -> str | int | float:
    """A codebook's version (text, as :meth:`Codebook.load` keeps it) as YAML should hold
    it: a number when the text is one as YAML writes it, so that saving (and a qdpx round
    trip) writes ``version: 1`` back as ``1``, not ``'1'``; any other text unchanged.

    >>> _yaml_version("1"), _yaml_version("2.5"), _yaml_version("01"), _yaml_version("1.10")
    (1, 2.5, '01', '1.10')
    """
    if re.fullmatch(r"0|[1-9][0-9]*", version):
        return int(version)
    if re.fullmatch(r"(0|[1-9][0-9]*)\.[0-9]+", version) and repr(float(version)) == version:
        return float(version)
    return version


class _Builder:
    """Validates the YAML tree, collecting every problem where it is: at its line in the
    file, or, for a mapping built in Python (which has no lines), at its place in it
    (``codes[2].patterns[0]``)."""
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.language = "id"
        self.problems: list[Problem] = []
        self.codes: dict[str, Code] = {}
        self.first: dict[str, str] = {}  # code id -> where it was first defined
        self.places: dict[str, str] = {}  # code id -> its place in the mapping

    def err(self, msg: str, line: int | None, place: str) -> None:
        """Record a problem at ``line`` (1-based); without one (0 or None: the value did not
        come from a YAML file), at ``place`` in the mapping, named in the message."""
        if line:
            self.problems.append(Problem(self.path, msg, line))
        else:
            self.problems.append(Problem(self.path, f"{place}: {msg}"))

    def build(self, data) -> Codebook:
        if not isinstance(data, dict):
            got = "a list" if isinstance(data, list) else f"a {_YAML_KIND.get(type(data), 'text')}"
            fix = (": if it is the list of codes, put a line 'codes:' above it and indent the "
                   "list under it" if isinstance(data, list) else "")
            raise InputError("a codebook must be a YAML mapping ('key: value' lines) with at "
                             "least 'codes' (its list of codes; 'codebook', 'language' and "
                             f"the other keys are optional), got {got}{fix}",
                             path=self.path, line=1 if self.path else None)
        data = as_linedict(data)
        self.unknown_keys(data, TOP_KEYS, "codebook", "codebook")
        language = str(data.get("language", "id"))
        self.language = language
        if not _LANG_RE.match(language):
            self.err(f"'language' must be a language code like 'id' or 'en', got "
                     f"{quoted(language)}", data.line_of("language"), "language")
        codes = data.get("codes")
        if not isinstance(codes, list) or not codes:
            self.err("'codes' must be a non-empty list of codes ('- id: ...')",
                     data.line_of("codes"), "codes")
        else:
            for i, (item, line) in enumerate(_items(codes)):
                self.code(item, None, line, f"codes[{i}]")
        slang = self.slang(data)
        no_stem = data.get("no_stem") or []
        if not isinstance(no_stem, list) or not all(isinstance(w, str) for w in no_stem):
            self.err("'no_stem' must be a list of words", data.line_of("no_stem"), "no_stem")
            no_stem = []
        pseudonymised = data.get("pseudonymised", False)
        if not isinstance(pseudonymised, bool):
            self.err("'pseudonymised' must be true or false (pseudonymise --codebook writes "
                     f"it), got {quoted(str(pseudonymised))}", data.line_of("pseudonymised"),
                     "pseudonymised")
        self.check_constructs()
        if self.problems:
            raise InputError(problems=self.problems)
        return Codebook(
            name=str(data.get("codebook") or Path(self.path or "codebook").stem),
            version=str(data.get("version", "1")), language=language, codes=self.codes,
            description=str(data.get("description") or ""),
            slang={k.lower(): v.lower() for k, v in slang.items()},
            no_stem=[w.lower() for w in no_stem], path=self.path,
            pseudonymised=pseudonymised is True,
            slang_lines={k.lower(): slang.line_of(k) for k in slang if slang.line_of(k)})

    def slang(self, data: LineDict) -> LineDict:
        """The ``slang`` mapping; an entry without a word on either side is refused (an
        empty standard word would delete the colloquial word from every text), and so is one
        that is not exactly one word (it could never match a token, see
        :func:`~citra_eval.normalise.slang_word_problem`)."""
        slang = data.get("slang") or {}
        if not isinstance(slang, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in slang.items()):
            self.err("'slang' must map colloquial words to standard words, e.g. "
                     "'slang: {gak: tidak}'", data.line_of("slang"), "slang")
            return as_linedict({})
        slang = as_linedict(slang, data.line_of("slang"))
        bad = []
        for word, standard in slang.items():
            if not tokenize(word):
                self.err(f"slang entry {quoted(word)}: {quoted(standard)} has no colloquial "
                         "word; write the word as the transcripts spell it, e.g. 'gak: tidak'",
                         slang.line_of(word), _place("slang", word))
            elif not tokenize(standard):
                self.err(f"slang {quoted(word)} is mapped to no word ({quoted(standard)}); "
                         "write the standard word it stands for, or remove the entry",
                         slang.line_of(word), _place("slang", word))
            elif problem := slang_word_problem(word):
                self.err(f"slang {quoted(word)} (→ {quoted(standard)}) {problem}",
                         slang.line_of(word), _place("slang", word))
            else:
                continue
            bad.append(word)
        return as_linedict({k: v for k, v in slang.items() if k not in bad}) if bad else slang

    def unknown_keys(self, d: LineDict, allowed: set[str], where: str, place: str) -> None:
        for msg, line in unknown_keys(d, allowed, where):
            self.err(msg, line, place)

    def code(self, item, parent: str | None, line: int | None, place: str) -> None:
        if not isinstance(item, dict):
            self.err("each code must be a mapping with at least 'id' and 'label'", line, place)
            return
        item = as_linedict(item, line)
        cid = item.get("id")
        where = f"code {quoted(cid)}" if cid else "a code"
        self.unknown_keys(item, CODE_KEYS, where, place)
        if cid is None:
            self.err("code without 'id'; add 'id: some_code' (lowercase snake_case)", item.line,
                     place)
            return
        cid = str(cid)
        if not _CODE_ID_RE.match(cid):
            self.err(f"code id {quoted(cid)} must be lowercase snake_case (letters, digits, '_', "
                     f"starting with a letter), e.g. {quoted(_snake(cid))}", item.line_of("id"),
                     f"{place}.id")
        if cid in self.codes:
            self.err(f"duplicate code id {quoted(cid)} (first {self.first[cid]}); ids must be "
                     "unique in the whole tree", item.line_of("id"), f"{place}.id")
            return
        label = self.label(item, where, place)
        codable = item.get("codable", True)
        if not isinstance(codable, bool):
            self.err(f"'codable' of {where} must be true or false, got {quoted(codable)}",
                     item.line_of("codable"), f"{place}.codable")
            codable = True
        examples = item.get("examples") or []
        if isinstance(examples, str):
            examples = [examples]
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            self.err(f"'examples' of {where} must be a list of quotes", item.line_of("examples"),
                     f"{place}.examples")
            examples = []
        construct = item.get("construct")
        if construct is not None and not isinstance(construct, str):
            self.err(f"'construct' of {where} must be the name of a survey scale, got "
                     f"{quoted(construct)}", item.line_of("construct"), f"{place}.construct")
            construct = None
        guid = _opt_str(item.get("guid"))
        if guid is not None and not GUID_RE.match(guid):
            self.err(f"'guid' of {where} must be a GUID like "
                     f"'3c51efbb-071f-43a7-9f32-228b89668e8d', got {quoted(guid)}",
                     item.line_of("guid"), f"{place}.guid")
            guid = None
        code = Code(id=cid, label=label, parent=parent, codable=codable,
                    definition=self.texts(item, "definition", where, place),
                    include=self.texts(item, "include", where, place),
                    exclude=self.texts(item, "exclude", where, place), examples=list(examples),
                    patterns=self.patterns(item, where, place),
                    exclude_patterns=self.patterns(item, where, place, key="exclude_patterns"),
                    construct=construct,
                    color=_opt_str(item.get("color")),
                    note=_opt_str(item.get("note") or item.get("memo")),
                    line=item.line or None, guid=guid)
        self.codes[cid] = code
        self.places[cid] = place
        first = item.line_of("id")
        self.first[cid] = f"on line {first}" if first else f"at {place}"
        if parent is not None:
            self.codes[parent].children.append(cid)
        children = item.get("children")
        if children is not None:
            if not isinstance(children, list):
                self.err(f"'children' of {where} must be a list of codes",
                         item.line_of("children"), f"{place}.children")
                return
            for k, (child, cline) in enumerate(_items(children)):
                self.code(child, cid, cline, f"{place}.children[{k}]")

    def label(self, item: LineDict, where: str, place: str) -> dict[str, str]:
        """The code's label, which every code needs, in at least one language and not empty
        in any (the label is what tables, figures and coding sheets show)."""
        label = self.texts(item, "label", where, place)
        if not label:
            self.err(f"{where} has no 'label'; add 'label: {{id: ..., en: ...}}'",
                     item.line_of("id"), place)
        empty = [lang for lang, text in label.items() if not text]
        if empty:
            self.err(f"'label' of {where} is empty"
                     + (f" in {', '.join(empty)}" if len(label) > 1 else "")
                     + "; write the code's name (tables, figures and coding sheets show it)",
                     item.line_of("label"), f"{place}.label")
        return label

    def texts(self, item: LineDict, key: str, where: str, place: str) -> dict[str, str]:
        val = item.get(key)
        if val is None:
            return {}
        if isinstance(val, str):
            return {self.language: val.strip()}
        if isinstance(val, dict) and all(isinstance(v, str) for v in val.values()):
            bad = [k for k in val if not _LANG_RE.match(str(k))]
            if bad:
                self.err(f"'{key}' of {where}: {quoted(bad[0])} is not a language code (use "
                         "id, en, ...)", item.line_of(key), f"{place}.{key}")
            return {str(k): v.strip() for k, v in val.items()}
        self.err(f"'{key}' of {where} must be text or {{id: ..., en: ...}}", item.line_of(key),
                 f"{place}.{key}")
        return {}

    def patterns(self, item: LineDict, where: str, place: str,
                 key: str = "patterns") -> list[Pattern]:
        raw = item.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.err(f"'{key}' of {where} must be a list of phrases or {{regex: ...}}",
                     item.line_of(key), f"{place}.{key}")
            return []
        found = (self.pattern(p, line, where, f"{place}.{key}[{j}]")
                 for j, (p, line) in enumerate(_items(raw)))
        return [p for p in found if p is not None]

    def pattern(self, p, line: int | None, where: str, place: str) -> Pattern | None:
        """One item of a pattern list, or None (and a problem) when it cannot match."""
        if isinstance(p, str | int | float) and not isinstance(p, bool):
            text = str(p).strip()
            if not text:
                self.err(f"empty pattern in {where}; write the words to look for, or remove "
                         "the item", line, place)
            elif not tokenize(text):
                self.err(f"pattern {quoted(text)} in {where} has no words (letters or digits), "
                         "so it can never match; write the words to look for, or a "
                         "{regex: ...}", line, place)
            else:
                return Pattern(text, "phrase", line)
        elif isinstance(p, dict) and list(p) == ["regex"]:
            return self.regex(p["regex"], line, where, place)
        elif isinstance(p, dict):
            other = next((k for k in p if k != "regex"), None)
            if "regex" in p:
                self.err(f"a pattern mapping holds only 'regex', got also {quoted(other)} in "
                         f"{where}; write each pattern as its own item", line, place)
            else:
                hint = closest(str(other), {"regex"})
                self.err("a pattern mapping must be {regex: '...'}, got "
                         + (f"key {quoted(other)}" if p else "an empty mapping")
                         + f" in {where}" + (f"; did you mean {hint!r}?" if hint else ""),
                         line, place)
        else:
            self.err(f"pattern {quoted(p)} in {where} must be a phrase or {{regex: ...}}",
                     line, place)
        return None

    def regex(self, value, line: int | None, where: str, place: str) -> Pattern | None:
        """A ``{regex: ...}`` pattern, or None (and a problem) when it is refused."""
        if not isinstance(value, str):
            self.err(f"regex must be text, got {quoted(value)} ({type(value).__name__}) in "
                     f"{where}; write it in quotes, e.g. {{regex: '...'}}", line, place)
            return None
        try:
            re.compile(value)
        except re.error as exc:
            self.err(f"invalid regex {quoted(value)} in {where}: {exc}; fix it or quote "
                     "special characters with a backslash", line, place)
            return None
        hazard = regex_hazard(value) or _empty_only(value) or regex_composition_problem(value)
        if hazard:
            self.err(f"regex {quoted(value)} in {where} is refused: {hazard}", line, place)
            return None
        return Pattern(value, "regex", line)

    def check_constructs(self) -> None:
        for c in self.codes.values():
            if c.construct and not c.codable:
                self.err(f"category {quoted(c.id)} cannot have a 'construct'; put it on a "
                         "codable code", c.line, self.places[c.id])


def _items(seq: list) -> Iterator[tuple[object, int | None]]:
    lines = getattr(seq, "item_lines", None) or [getattr(seq, "line", None)] * len(seq)
    yield from zip(seq, lines, strict=False)


def _place(where: str, key: object) -> str:
    """``where.key`` (``slang.ig``), or ``where['key']`` for a key that is no plain name."""
    return f"{where}.{key}" if re.fullmatch(r"[A-Za-z_]\w*", str(key)) else \
        f"{where}[{quoted(key)}]"


def _empty_only(regex: str) -> str | None:
    """Why a valid ``regex`` never codes anything, when it can match only empty text (an
    empty regex, ``\\b``, a lookaround alone): empty matches are never coded."""
    from re import _parser  # type: ignore[attr-defined]

    if _parser.parse(regex).getwidth()[1] > 0:
        return None
    return (("it is empty" if not regex else "it can match only empty text (positions such "
             "as \\b or lookarounds, no characters)")
            + ", and an empty match is never coded; write the characters it must match")


def _opt_str(v) -> str | None:
    return None if v is None else str(v)


def _snake(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_") or "code"


# =========================================================================== REFI-QDA form
# The codebook exchanged with other QDA tools as a REFI-QDA codebook (.qdc, or the codebook
# inside a .qdpx project).

# --------------------------------------------------------------------------- code descriptions

_DESC_KEYS = {"definition", "include", "exclude", "example", "pattern", "regex", "construct",
              "note", "label", "id", "color", "exclude pattern", "exclude regex"}
_DESC_LINE = re.compile(r"^(?P<key>[A-Z][a-z]+(?: [a-z]+)?)(?: \((?P<lang>[a-z]{2,3})\))?: ?"
                        r"(?P<value>.*)$")


#: At most this many child ids are named by :func:`category_fix`.
_FIX_CHILDREN = 8


def category_fix(codebook: Codebook, code_id: str) -> str:
    """How to fix a coding of the category ``code_id`` (``codable: false``), for every
    message about one: code one of its codable children (descendants, when a child is a
    category too), or make it codable."""
    children = [c for c in codebook.descendants(code_id) if codebook[c].codable]
    make = "make it codable (remove `codable: false`)"
    if not children:
        return make
    named = ", ".join(children[:_FIX_CHILDREN])
    if len(children) > _FIX_CHILDREN:
        named += f", ... {len(children) - _FIX_CHILDREN} more"
    return f"code one of its children ({named}) or {make}"


def describe_code(code: Code, language: str) -> str:
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
    for p in code.exclude_patterns:
        lines.append(f"Exclude {'pattern' if p.kind == 'phrase' else 'regex'}: {p.text}")
    if code.construct:
        lines.append(f"Construct: {code.construct}")
    if code.note:
        lines.append(f"Note: {code.note}")
    texts("Label", {k: v for k, v in code.label.items() if k != language})
    lines.append(f"Id: {code.id}")
    return "\n".join(lines)


def parse_description(text: str | None, language: str) -> dict:
    """Inverse of :func:`describe_code`; free text before any ``Key:`` line is the definition."""
    out: dict = {"definition": {}, "include": {}, "exclude": {}, "label": {}, "examples": [],
                 "patterns": [], "exclude_patterns": [], "construct": None, "note": None,
                 "id": None, "dropped": []}
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
        elif key in ("pattern", "regex", "exclude pattern", "exclude regex"):
            kind = "phrase" if key.endswith("pattern") else "regex"
            if kind == "regex":
                try:
                    re.compile(value)
                except re.error as exc:
                    # an unusable regex from another tool is dropped (with a note), not fatal
                    out["dropped"].append((value, f"not a valid regular expression ({exc})"))
                    continue
                why = (regex_hazard(value) or _empty_only(value)
                       or regex_composition_problem(value))
                if why:
                    out["dropped"].append((value, why))
                    continue  # so is one that could hang the coder, never code, or means
                    # something else once its accents are composed
            elif not tokenize(value):
                continue  # a phrase without words never matches (and would not load again)
            target = "exclude_patterns" if key.startswith("exclude ") else "patterns"
            out[target].append(Pattern(value, kind))
        elif key in ("construct", "note", "id"):
            out[key] = value
    return out


# --------------------------------------------------------------------------- codebook export


def code_guid(code: Code) -> str:
    """The GUID a code is exported with: the one another program gave it, else one derived
    from its id (the same in every export)."""
    return code.guid or stable_guid("code", code.id)


def _plain_ids(codebook: Codebook) -> set[str]:
    """Codes whose description can be their definition alone: nothing else to say, a label
    only in the codebook language, and an id that reading the file derives again from the
    name (so no ``Id:`` line is needed; codes of the same name, ``trust`` and ``trust_2``,
    included: the reader numbers them in file order, as :func:`_derived_ids` checks). Codes
    from other programs look like this, and go back out with their description as it was
    (none when they had none)."""
    lang = codebook.language
    plain = {c.id for c in codebook.codes.values()
             if list(c.label) == [lang] and set(c.definition) <= {lang}
             and not (c.include or c.exclude or c.examples or c.patterns or c.construct
                      or c.note)
             and not _DESC_LINE.match(c.definition.get(lang, "").split("\n")[0])
             and not re.search(r"(?m)^Id:", c.definition.get(lang, ""))}
    order = _export_order(codebook)
    while True:  # drop the codes read back under another id, until none is
        derived = _derived_ids(codebook, order, plain)
        wrong = {cid for cid in plain if derived[cid] != cid}
        if not wrong:
            return plain
        plain -= wrong


def _export_order(codebook: Codebook) -> list[str]:
    """Code ids in the order an export writes them and a reader meets them (depth first)."""
    out: list[str] = []
    stack = list(reversed(codebook.roots))
    while stack:
        cid = stack.pop()
        out.append(cid)
        stack.extend(reversed(codebook.codes[cid].children))
    return out


def _derived_ids(codebook: Codebook, order: list[str], plain: set[str]) -> dict[str, str]:
    """The id reading an export gives each code when the codes of ``plain`` carry no
    ``Id:`` line: the rule of :meth:`CodeTree.unique`, code by code in file order."""
    taken: set[str] = set()
    out = {}
    for cid in order:
        if cid not in plain and CODE_ID_OK.match(cid) and cid not in taken:
            got = cid
        else:
            code = codebook.codes[cid]
            name = xml_text(codebook.label(cid)).strip() or norm_guid(code_guid(code))
            base = got = snake_id(name)
            n = 1
            while got in taken:
                n += 1
                got = f"{base}_{n}"
        taken.add(got)
        out[cid] = got
    return out


def code_element(codebook: Codebook, code: Code, depth: int = 0, *,
                 plain: set[str] | None = None) -> ET.Element:
    attrs = {"guid": code_guid(code), "name": xml_text(codebook.label(code.id)),
             "isCodable": "true" if code.codable else "false"}
    color = refi_color(code.color)  # a CSS name converted, an alpha dropped
    if color:
        attrs["color"] = color
    el = ET.Element("Code", attrs)
    plain = _plain_ids(codebook) if plain is None else plain
    if code.id in plain:
        if code.definition:
            ET.SubElement(el, "Description").text = xml_text(code.text("definition"))
    else:
        ET.SubElement(el, "Description").text = xml_text(describe_code(code, codebook.language))
    for child in code.children:
        el.append(code_element(codebook, codebook.codes[child], depth + 1, plain=plain))
    return el


def codes_element(codebook: Codebook) -> ET.Element:
    codes = ET.Element("Codes")
    plain = _plain_ids(codebook)
    for root in codebook.roots:
        codes.append(code_element(codebook, codebook.codes[root], plain=plain))
    return codes


def qdc_bytes(codebook: Codebook) -> bytes:
    """The REFI-QDA codebook XML of ``codebook`` as bytes; see :func:`codebook_to_qdc`."""
    check_codebook(codebook, allow_none=False)
    if not codebook.codes:
        raise ValueError("codebook has no codes; a REFI-QDA codebook needs at least one")
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": xml_text(origin(codebook))})
    root.append(codes_element(codebook))
    return serialise(root)


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


class CodeTree:
    """Builds a :class:`Codebook` from REFI ``<Code>`` elements, remembering GUID -> id."""
    def __init__(self, language: str, path: str | None) -> None:
        self.language = language
        self.path = path
        self.codes: dict[str, Code] = {}
        self.by_guid: dict[str, str] = {}
        self.taken: set[str] = set()
        self.labels: set[str] = set()  # labels given so far, as name_key compares them
        #: notes on the regexes of descriptions left out (invalid or hazardous)
        self.dropped: list[str] = []

    def unique_label(self, name: str, recorded: bool) -> str:
        """``name``, or ``name (2)``, ``name (3)``... when an earlier code has that label
        (ignoring case and Unicode normalisation, :func:`~citra_eval._refi.name_key`: a
        precomposed and a decomposed ``Café`` print alike): a coding sheet may name a code
        by its label, and two codes of one label make that name ambiguous. A code
        citra_eval exported (``recorded``: its id is in its description) keeps its label as
        written."""
        label, k = name, 1
        while not recorded and (name_key(label) in self.labels
                                or (k > 1 and label.casefold() in self.taken)):
            k += 1
            label = f"{name} ({k})"
        self.labels.add(name_key(label))
        return label

    def unique(self, wanted: str | None, name: str) -> str:
        if wanted and CODE_ID_OK.match(wanted) and wanted not in self.taken:
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
        if depth > MAX_DEPTH:
            raise InputError(f"codes are nested more than {MAX_DEPTH} levels deep; this is not "
                             "a real codebook", path=self.path)
        raw_guid = (el.get("guid") or "").strip()
        guid = norm_guid(raw_guid)
        name = (el.get("name") or "").strip() or guid or "code"
        if not guid:
            raise InputError(f"code {quoted(name)} has no 'guid' attribute, which REFI-QDA "
                             "requires", path=self.path)
        if guid in self.by_guid:
            raise InputError(f"two codes share the GUID {quoted(guid)} (the second is "
                             f"{quoted(name)}); the file is corrupt", path=self.path)
        desc = el.find("Description")
        info = parse_description(desc.text if desc is not None else None, self.language)
        if info["id"] is None and desc is not None and (desc.text or "").strip():
            # not citra_eval's "Key: value" lines (those end with "Id:"): the description of
            # another program, kept whole as the definition
            info = {**parse_description(None, self.language),
                    "definition": {self.language: desc.text.strip()}}
        for value, why in info["dropped"]:
            self.dropped.append(f"code {quoted(name)}: the regex {quoted(value)} of its "
                                f"description was left out: {why}")
        cid = self.unique(info["id"], name)
        label = {self.language: self.unique_label(name, info["id"] is not None)}
        for lang, text in info["label"].items():
            label.setdefault(lang, text)
        codable = (el.get("isCodable") or "true").strip().lower() not in ("false", "0")
        code = Code(id=cid, label=label, parent=parent, codable=codable,
                    definition=info["definition"], include=info["include"],
                    exclude=info["exclude"], examples=info["examples"],
                    patterns=info["patterns"], exclude_patterns=info["exclude_patterns"],
                    construct=info["construct"] if codable else None,
                    color=el.get("color"), note=info["note"],
                    guid=raw_guid if guid != stable_guid("code", cid) else None)
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


def meta_from_origin(origin: str | None) -> dict:
    m = ORIGIN_RE.search(origin or "")
    return m.groupdict() if m and (origin or "").startswith("citra_eval") else {}


def codebook_from_refi_root(root: ET.Element, *, path: str, language: str | None,
                        default_name: str, notes: list[str] | None = None
                        ) -> tuple[Codebook, dict[str, str]]:
    """The codebook of a REFI-QDA root element and ``{GUID: code id}``; ``notes`` (when
    given) gets a line per regex of a code description left out (invalid or hazardous)."""
    check_sizes(root, path=path)  # before anything is built from a name of megabytes
    meta = meta_from_origin(root.get("origin"))
    lang = language or meta.get("language") or "id"
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise ValueError("language must be a language code like 'id' or 'en', got "
                         f"{quoted(language)}")
    book = root if root.tag == "CodeBook" else root.find("CodeBook")
    codes_el = book.find("Codes") if book is not None else None
    tree = CodeTree(lang, path)
    cb = tree.build(codes_el, name=meta.get("name") or root.get("name") or default_name,
                    version=meta.get("version") or "1")
    if notes is not None:
        notes.extend(tree.dropped)
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
    is_input_file(path)  # a device or FIFO would never end or never start
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
    notes: list[str] = []
    cb, _ = codebook_from_refi_root(root, path=spath, language=language,
                                    default_name=Path(spath).stem, notes=notes)
    if not cb.codes:
        raise InputError("the codebook has no codes", path=spath)
    _warn_left_out(notes, spath)
    return cb


def _warn_left_out(notes: list[str], path: str) -> None:
    """One warning per regex of a code description left out, as a project import notes it
    (the codebook is usable without it, so not an error)."""
    for note in notes:
        warnings.warn(f"{path}: {note}", UserWarning, stacklevel=3)



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
    members = read_zip(path, limits=limits, what="REFI-QDA project (.qdpx)", lazy=True)
    root = project_root(members, spath)
    notes: list[str] = []
    cb, _ = codebook_from_refi_root(root, path=spath, language=language,
                                    default_name=Path(spath).stem, notes=notes)
    _warn_left_out(notes, spath)
    return cb


# --------------------------------------------------------------------------- project import
