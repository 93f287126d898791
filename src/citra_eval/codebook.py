"""The codebook: a tree of codes with bilingual labels, rules and auto-coding patterns.

Loaded from YAML (``data/raw/codebook.yaml``) with every problem reported at its line, and
exchanged with other QDA tools as a REFI-QDA codebook (``.qdc``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ._yaml import LineDict, as_linedict, read_yaml_file, unknown_keys
from .errors import InputError, Problem, closest

__all__ = ["Code", "Codebook", "Pattern"]

_CODE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
TOP_KEYS = {"codebook", "version", "language", "languages", "description", "note", "codes",
            "slang", "no_stem", "authors", "license"}
CODE_KEYS = {"id", "label", "codable", "children", "definition", "include", "exclude",
             "examples", "patterns", "construct", "color", "note", "memo"}
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
    construct: str | None = None
    color: str | None = None
    note: str | None = None
    children: list[str] = field(default_factory=list)
    line: int | None = None

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
            raise KeyError(f"unknown code {code_id!r}") from None

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
        """Build and validate a codebook from a parsed YAML mapping."""
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
            for key in ("construct", "color", "note"):
                if getattr(c, key):
                    out[key] = getattr(c, key)
            if c.children:
                out["children"] = [node(self.codes[k]) for k in c.children]
            return out

        out: dict = {"codebook": self.name, "version": self.version, "language": self.language}
        if self.description:
            out["description"] = self.description
        if self.slang:
            out["slang"] = dict(self.slang)
        if self.no_stem:
            out["no_stem"] = list(self.no_stem)
        out["codes"] = [node(self.codes[r]) for r in self.roots]
        return out

    def save(self, path: str | os.PathLike) -> None:
        """Write the codebook as YAML (atomically)."""
        import yaml

        from ._files import write_text

        write_text(path, yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False,
                                        width=100))

    def to_qdc(self, path: str | os.PathLike) -> None:
        """Export as a REFI-QDA codebook (``.qdc``) with GUIDs derived from code ids."""
        from .qdpx import codebook_to_qdc

        codebook_to_qdc(self, path)

    @classmethod
    def from_qdc(cls, path: str | os.PathLike) -> Codebook:
        """Import a REFI-QDA codebook (``.qdc``) written by NVivo, ATLAS.ti, QualCoder, ..."""
        from .qdpx import codebook_from_qdc

        return codebook_from_qdc(path)


class _Builder:
    """Validates the YAML tree, collecting every problem with its line."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.language = "id"
        self.problems: list[Problem] = []
        self.codes: dict[str, Code] = {}
        self.first_line: dict[str, int] = {}

    def err(self, msg: str, line: int | None) -> None:
        self.problems.append(Problem(self.path, msg, line))

    def build(self, data) -> Codebook:
        if not isinstance(data, dict):
            raise InputError("a codebook must be a YAML mapping with 'codebook', 'language' and "
                             "'codes'", path=self.path, line=1)
        data = as_linedict(data)
        self.unknown_keys(data, TOP_KEYS, "codebook")
        language = str(data.get("language", "id"))
        self.language = language
        if not _LANG_RE.match(language):
            self.err(f"'language' must be a language code like 'id' or 'en', got {language!r}",
                     data.line_of("language"))
        codes = data.get("codes")
        if not isinstance(codes, list) or not codes:
            self.err("'codes' must be a non-empty list of codes ('- id: ...')",
                     data.line_of("codes"))
        else:
            for item, line in _items(codes):
                self.code(item, None, line)
        slang = data.get("slang") or {}
        if not isinstance(slang, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in slang.items()):
            self.err("'slang' must map colloquial words to standard words, e.g. "
                     "'slang: {gak: tidak}'", data.line_of("slang"))
            slang = {}
        no_stem = data.get("no_stem") or []
        if not isinstance(no_stem, list) or not all(isinstance(w, str) for w in no_stem):
            self.err("'no_stem' must be a list of words", data.line_of("no_stem"))
            no_stem = []
        self.check_constructs()
        if self.problems:
            raise InputError(problems=self.problems)
        return Codebook(
            name=str(data.get("codebook") or Path(self.path or "codebook").stem),
            version=str(data.get("version", "1")), language=language, codes=self.codes,
            description=str(data.get("description") or ""),
            slang={k.lower(): v.lower() for k, v in slang.items()},
            no_stem=[w.lower() for w in no_stem], path=self.path)

    def unknown_keys(self, d: LineDict, allowed: set[str], where: str) -> None:
        for msg, line in unknown_keys(d, allowed, where):
            self.err(msg, line)

    def code(self, item, parent: str | None, line: int) -> None:
        if not isinstance(item, dict):
            self.err("each code must be a mapping with at least 'id' and 'label'", line)
            return
        item = as_linedict(item, line)
        cid = item.get("id")
        where = f"code {cid!r}" if cid else "a code"
        self.unknown_keys(item, CODE_KEYS, where)
        if cid is None:
            self.err("code without 'id'; add 'id: some_code' (lowercase snake_case)", item.line)
            return
        cid = str(cid)
        if not _CODE_ID_RE.match(cid):
            self.err(f"code id {cid!r} must be lowercase snake_case (letters, digits, '_', "
                     f"starting with a letter), e.g. {_snake(cid)!r}", item.line_of("id"))
        if cid in self.codes:
            self.err(f"duplicate code id {cid!r} (first on line {self.first_line[cid]}); ids must "
                     "be unique in the whole tree", item.line_of("id"))
            return
        label = self.texts(item, "label", where)
        if not label:
            self.err(f"{where} has no 'label'; add 'label: {{id: ..., en: ...}}'",
                     item.line_of("id"))
        codable = item.get("codable", True)
        if not isinstance(codable, bool):
            self.err(f"'codable' of {where} must be true or false, got {codable!r}",
                     item.line_of("codable"))
            codable = True
        examples = item.get("examples") or []
        if isinstance(examples, str):
            examples = [examples]
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            self.err(f"'examples' of {where} must be a list of quotes", item.line_of("examples"))
            examples = []
        construct = item.get("construct")
        if construct is not None and not isinstance(construct, str):
            self.err(f"'construct' of {where} must be the name of a survey scale, e.g. 'KS'",
                     item.line_of("construct"))
            construct = None
        code = Code(id=cid, label=label, parent=parent, codable=codable,
                    definition=self.texts(item, "definition", where),
                    include=self.texts(item, "include", where),
                    exclude=self.texts(item, "exclude", where), examples=list(examples),
                    patterns=self.patterns(item, where), construct=construct,
                    color=_opt_str(item.get("color")),
                    note=_opt_str(item.get("note") or item.get("memo")), line=item.line)
        self.codes[cid] = code
        self.first_line[cid] = item.line_of("id")
        if parent is not None:
            self.codes[parent].children.append(cid)
        children = item.get("children")
        if children is not None:
            if not isinstance(children, list):
                self.err(f"'children' of {where} must be a list of codes",
                         item.line_of("children"))
                return
            for child, cline in _items(children):
                self.code(child, cid, cline)

    def texts(self, item: LineDict, key: str, where: str) -> dict[str, str]:
        val = item.get(key)
        if val is None:
            return {}
        if isinstance(val, str):
            return {self.language: val.strip()}
        if isinstance(val, dict) and all(isinstance(v, str) for v in val.values()):
            bad = [k for k in val if not _LANG_RE.match(str(k))]
            if bad:
                self.err(f"'{key}' of {where}: {bad[0]!r} is not a language code (use id, en, ...)",
                         item.line_of(key))
            return {str(k): v.strip() for k, v in val.items()}
        self.err(f"'{key}' of {where} must be text or {{id: ..., en: ...}}", item.line_of(key))
        return {}

    def patterns(self, item: LineDict, where: str) -> list[Pattern]:
        raw = item.get("patterns")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.err(f"'patterns' of {where} must be a list of phrases or {{regex: ...}}",
                     item.line_of("patterns"))
            return []
        out = []
        for p, line in _items(raw):
            if isinstance(p, str | int | float) and not isinstance(p, bool):
                text = str(p).strip()
                if not text:
                    self.err(f"empty pattern in {where}", line)
                    continue
                out.append(Pattern(text, "phrase"))
            elif isinstance(p, dict) and list(p) == ["regex"] and isinstance(p["regex"], str):
                try:
                    re.compile(p["regex"])
                except re.error as exc:
                    self.err(f"invalid regex {p['regex']!r} in {where}: {exc}; fix it or quote "
                             "special characters with a backslash", line)
                    continue
                out.append(Pattern(p["regex"], "regex"))
            elif isinstance(p, dict):
                key = next(iter(p), None)
                hint = closest(str(key), {"regex"})
                self.err(f"a pattern mapping must be {{regex: '...'}}, got key {key!r}" +
                         (f"; did you mean {hint!r}?" if hint else ""), line)
            else:
                self.err(f"pattern {p!r} in {where} must be a phrase or {{regex: ...}}", line)
        return out

    def check_constructs(self) -> None:
        seen: dict[str, str] = {}
        for c in self.codes.values():
            if c.construct and not c.codable:
                self.err(f"category {c.id!r} cannot have a 'construct'; put it on a codable code",
                         c.line)
            if c.construct:
                seen.setdefault(c.construct, c.id)


def _items(seq: list) -> Iterator[tuple[object, int]]:
    lines = getattr(seq, "item_lines", None) or [getattr(seq, "line", None)] * len(seq)
    yield from zip(seq, lines, strict=False)




def _opt_str(v) -> str | None:
    return None if v is None else str(v)


def _snake(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_") or "code"


