"""The survey instrument, validated responses, scale scores and the Likert table.

An instrument (``data/raw/instrument.yaml``, see CONTRACT.md) names the response scale, the
items of every scale (with reverse-keyed items), optional item wording in Indonesian and
English, and the demographic columns. Responses are a CSV with one row per respondent and one
column per item; empty cells are missing answers and stay missing, and so are cells holding
a missing-value code the instrument declares (``missing: [99, -9, DK]``). A scale may declare
its own response range (``scale: {min: 0, max: 10}``) in place of the instrument's default.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ._files import (
    csv_delimiter,
    delimited_rows,
    duplicate_columns,
    header_below,
    is_pandas_index,
    read_text_file,
    separator_name,
)
from ._validation import check_frame, check_int, check_names, counted, listed, rows_named
from ._yaml import LineDict, as_linedict, read_yaml_file, unknown_keys
from .errors import MAX_REPORTED, InputError, Problem, closest, collect

__all__ = ["DEMOGRAPHIC_TYPES", "NO_ANSWERS", "Demographic", "Instrument", "ResponseRange",
           "Scale", "ScaleWarning", "likert_table", "read_responses", "score_scales"]

TOP_KEYS = {"instrument", "version", "language", "description", "note", "scale", "id_column",
            "scales", "items", "demographics", "missing"}
SCALE_KEYS = {"label", "items", "reverse", "of", "role", "note", "description", "scale",
              "missing"}
RANGE_KEYS = {"min", "max", "labels"}
#: Most response options a scale may have (``max - min + 1``): 0..100 sliders fit; every
#: option becomes a row of :func:`likert_table`, so ``max: 1000000000`` is refused.
MAX_OPTIONS = 101
DEMOGRAPHIC_KEYS = {"type", "levels", "label", "note", "description", "missing", "min", "max"}
#: The types a demographic may declare in the instrument.
DEMOGRAPHIC_TYPES = ("categorical", "numeric", "ordinal")
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

#: The term of the image model's constant in its coefficient tables (and plots); no scale
#: or demographic may take it as its name.
INTERCEPT = "Intercept"
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
#: What is said of an item nobody answered (:func:`likert_table`, and the reliability
#: tables of :mod:`citra_eval.psychometrics`), with its likely causes.
NO_ANSWERS = ("no answers at all (every cell is empty): is the column misnamed or the export "
              "incomplete?")


class ScaleWarning(UserWarning):
    """A survey number that is computed but should not be trusted as it is (an item
    correlating negatively with its scale, an item without variance or without any answer,
    too few respondents, scores resting on few items). In the reliability tables the same
    text is in the ``warning`` column."""


@dataclass(frozen=True)
class ResponseRange:
    """The response options of an item: whole numbers ``min .. max`` and their labels.

    The instrument's top-level ``scale:`` is the default range; a scale may declare its own
    (``scales: {Y: {scale: {min: 0, max: 10}, ...}}``), which its items then use.

    Examples
    --------
    >>> import citra_eval as ce
    >>> r = ce.ResponseRange(0, 10, {0: {"en": "Not at all"}, 10: {"en": "Completely"}})
    >>> r.options[:3], len(r.options), r.label(10, "en"), str(r)
    ([0, 1, 2], 11, 'Completely', '0..10')
    """
    min: int
    max: int
    labels: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def options(self) -> list[int]:
        """The response options ``min .. max``."""
        return list(range(self.min, self.max + 1))

    def label(self, option: int, lang: str = "id") -> str:
        """Label of response ``option`` in ``lang`` (falls back to any language, then '')."""
        texts = self.labels.get(int(option), {})
        return texts.get(lang) or next(iter(texts.values()), "")

    def __str__(self) -> str:
        return f"{self.min}..{self.max}"


@dataclass(frozen=True)
class Scale:
    """One scale of an instrument.

    ``items`` lists every item scored by the scale (for a composite declared with ``of:``, the
    items of its parts, in order); ``reverse`` the reverse-keyed ones (scored ``min + max - x``);
    ``role`` is free text such as ``strategy`` or ``image``; ``response_range`` the scale's
    own :class:`ResponseRange` (None: the instrument's default ``scale:``); ``missing`` the
    missing-value codes declared for its items on top of the instrument's.

    Examples
    --------
    >>> import citra_eval as ce
    >>> ks = ce.Instrument.load(ce.example_path("instrument")).scales["KS"]
    >>> ks.items, ks.reverse, ks.text("en"), ks.role
    (('KS1', 'KS2', 'KS3', 'KS4'), ('KS4',), 'Cooperation', 'strategy')
    """
    name: str
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()
    label: dict[str, str] = field(default_factory=dict)
    of: tuple[str, ...] = ()
    role: str | None = None
    response_range: ResponseRange | None = None
    missing: tuple[float | str, ...] = ()

    def text(self, lang: str = "id") -> str:
        """The label in ``lang``, falling back to any language, then to the name."""
        return self.label.get(lang) or next(iter(self.label.values()), self.name)


@dataclass(frozen=True)
class Demographic:
    """How a demographic column is measured, as the instrument declares it.

    ``type`` is ``categorical`` (text; the default, and what a plain name in the
    ``demographics`` list means), ``numeric`` (a number, e.g. age in years) or ``ordinal``
    (ordered categories, lowest first in ``levels``). A categorical demographic may list
    its ``levels`` too (the first is then the reference group of a model's dummies);
    :func:`read_responses` refuses values outside the declared levels. ``missing`` lists the
    demographic's own missing-value codes (``{age: {type: numeric, missing: [999]}}``); a
    categorical or ordinal demographic also takes the instrument's top-level ``missing:``
    codes, a numeric one only its text codes such as ``NA`` (99 can be an age). ``min``
    and ``max`` (None: no bound) are a numeric demographic's declared range, ``{age: {type:
    numeric, min: 17, max: 99}}``: :func:`read_responses` refuses a value outside it (a
    typo such as 999 or -3), after reading the declared ``missing`` codes as missing.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5},
    ...     "scales": {"S": {"items": ["a", "b"]}},
    ...     "demographics": ["district", {"age": "numeric"},
    ...                      {"education": {"type": "ordinal", "levels": ["SD", "SMP", "SMA"]}}]})
    >>> inst.demographics
    ['district', 'age', 'education']
    >>> inst.demographic_types["age"].type, inst.demographic_types["education"].levels
    ('numeric', ('SD', 'SMP', 'SMA'))
    >>> ce.Instrument.from_dict({"scale": {"min": 1, "max": 5},
    ...     "scales": {"S": {"items": ["a", "b"]}},
    ...     "demographics": [{"age": {"type": "numeric", "min": 17, "max": 99}}]}
    ...     ).demographic_types["age"].range_text()
    '17..99'
    """
    name: str
    type: str = "categorical"
    levels: tuple[str, ...] = ()
    label: dict[str, str] = field(default_factory=dict)
    missing: tuple[float | str, ...] = ()
    min: float | None = None
    max: float | None = None

    def range_text(self) -> str:
        """The declared range as text: ``17..99``, ``(at least 1)``, ``(at most 99)``, or
        ``''`` when none is declared."""
        if self.min is not None and self.max is not None:
            return f"{self.min:g}..{self.max:g}"
        if self.min is not None:
            return f"(at least {self.min:g})"
        return "" if self.max is None else f"(at most {self.max:g})"

    def outside(self, value: float) -> bool:
        """Whether ``value`` lies outside the declared range (never, without one)."""
        return ((self.min is not None and value < self.min)
                or (self.max is not None and value > self.max))


@dataclass
class Instrument:
    """A survey instrument: response scale, scales with their items, demographics.

    Attributes
    ----------
    name : str
        The ``instrument:`` name.
    min, max : int
        The default response scale (the top-level ``scale:``, e.g. 1 and 5); a scale with its
        own ``scale:`` overrides it for its items (see :meth:`response_range`).
    labels : dict
        Response option -> {language: label} of the default scale, e.g. ``{1: {"id":
        "Sangat tidak setuju", "en": "Strongly disagree"}}``.
    id_column : str
        The respondent id column of the responses (default ``respondent_id``).
    scales : dict
        Scale name -> :class:`Scale`, in file order.
    items : dict
        Item -> {language: wording} (optional wording).
    demographics : list of str
        Demographic columns expected in the responses.
    demographic_types : dict
        Demographic column -> :class:`Demographic` (its declared type and levels; a name
        given without a type is ``categorical``).
    missing : tuple
        Missing-value codes (the top-level ``missing:``): cells of an item column holding one
        of them are read as missing answers (NaN). Numbers match by value (``99`` matches
        ``99.0``), text case-insensitively (``"DK"`` matches ``dk``).
    item_lines : dict
        Item -> the line of the instrument file that first lists it in a scale's ``items``
        (empty for an instrument built from a plain dict), for messages about an item.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> inst.min, inst.max
    (1, 5)
    >>> inst.scales["KS"].items
    ('KS1', 'KS2', 'KS3', 'KS4')
    >>> inst.scales["KS"].reverse
    ('KS4',)
    >>> inst.scales["CITRA"].of
    ('CK', 'CR', 'CN', 'CI')
    """
    name: str
    min: int
    max: int
    scales: dict[str, Scale]
    labels: dict[int, dict[str, str]] = field(default_factory=dict)
    id_column: str = "respondent_id"
    items: dict[str, dict[str, str]] = field(default_factory=dict)
    demographics: list[str] = field(default_factory=list)
    language: str = "id"
    path: str | None = None
    demographic_types: dict[str, Demographic] = field(default_factory=dict)
    missing: tuple[float | str, ...] = ()
    item_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for d in self.demographics:
            self.demographic_types.setdefault(d, Demographic(d))

    @property
    def item_names(self) -> list[str]:
        """Every item of every scale, each once, in order of first appearance."""
        return list(dict.fromkeys(i for s in self.scales.values() for i in s.items))

    @property
    def options(self) -> list[int]:
        """The response options ``min .. max`` of an instrument whose items share one range.

        Raises ValueError when scales declare different ranges: ask
        ``instrument.response_range(item_or_scale).options`` then.
        """
        return self.response_range().options

    def label(self, option: int, lang: str = "id", *, of: str | None = None) -> str:
        """Label of response ``option`` in ``lang`` (falls back to any language, then '').

        ``of`` names the item or scale whose response range holds the option; it may be left
        out when all items share one range (else ValueError).
        """
        return self.response_range(of).label(option, lang)

    def response_range(self, name: str | None = None) -> ResponseRange:
        """The :class:`ResponseRange` of an item or a scale, or of the whole instrument.

        Parameters
        ----------
        name : str, optional
            An item or a scale (an item when a name is both). Without it: the one range all
            items use.

        Raises
        ------
        ValueError
            ``name`` is neither an item nor a scale; or no name was given and the scales
            use different ranges.

        Examples
        --------
        >>> import citra_eval as ce
        >>> inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 4},
        ...     "scales": {"S": {"items": ["a", "b"]},
        ...                "Y": {"items": ["y"], "scale": {"min": 0, "max": 10}}}})
        >>> str(inst.response_range("a")), str(inst.response_range("Y"))
        ('1..4', '0..10')
        >>> inst.response_range("y").options[-1]
        10
        """
        if name is None:
            ranges = self.response_ranges
            if len(ranges) > 1:
                raise ValueError("the scales use different response ranges ("
                                 + ", ".join(map(str, ranges)) + "); name the item or scale: "
                                 "instrument.response_range(name)")
            return ranges[0] if ranges else self._default_range()
        by_item = self._item_ranges()
        if name in by_item:
            return by_item[name]
        return self._scale(name).response_range or self._default_range()

    def describe(self) -> str:
        """One line for ``validate``: the number of scales, the response ranges when there
        are several, and the declared missing-value codes.

        Examples
        --------
        >>> import citra_eval as ce
        >>> ce.Instrument.from_dict({"scale": {"min": 1, "max": 4}, "missing": [99, "DK"],
        ...     "scales": {"S": {"items": ["a"]},
        ...                "Y": {"items": ["y"], "scale": {"min": 0, "max": 10}}}}).describe()
        '2 scales (responses 1..4, 0..10); missing-value codes 99, DK'
        """
        ranges = self.response_ranges
        codes = list(dict.fromkeys([*self.missing, *(c for s in self.scales.values()
                                                      for c in s.missing)]))
        return (counted(len(self.scales), "scale")
                + (f" (responses {', '.join(map(str, ranges))})" if len(ranges) > 1 else "")
                + (f"; missing-value codes {', '.join(map(str, codes))}" if codes else ""))

    def missing_codes(self, item: str) -> tuple[float | str, ...]:
        """The missing-value codes of ``item``: the instrument's and its scales' ``missing``;
        of a demographic: its own, and the instrument's (a numeric demographic only its text
        codes: a number such as 99 may be a real age)."""
        demo = self.demographic_types.get(item)
        if demo is not None:
            top = (tuple(c for c in self.missing if isinstance(c, str))
                   if demo.type == "numeric" else self.missing)
            return tuple(dict.fromkeys([*demo.missing, *top]))
        codes = list(self.missing)
        for s in self.scales.values():
            if item in s.items:
                codes += [c for c in s.missing if c not in codes]
        return tuple(codes)

    def _default_range(self) -> ResponseRange:
        return ResponseRange(self.min, self.max, self.labels)

    def _item_ranges(self) -> dict[str, ResponseRange]:
        """Item -> its range: that of the first scale listing it with a range of its own."""
        own: dict[str, ResponseRange | None] = {}
        for s in self.scales.values():
            for item in s.items:
                if own.get(item) is None:
                    own[item] = s.response_range
        default = self._default_range()
        return {item: r or default for item, r in own.items()}

    @property
    def response_ranges(self) -> list[ResponseRange]:
        """The distinct response ranges of the items, in order of first use (one for most
        instruments; more when scales declare their own ``scale:``)."""
        out: list[ResponseRange] = []
        for r in self._item_ranges().values():
            if r not in out:
                out.append(r)
        return out

    def wording(self, item: str, lang: str = "id") -> str:
        """Wording of ``item`` in ``lang`` (falls back to any language, then the item name)."""
        texts = self.items.get(item, {})
        return texts.get(lang) or next(iter(texts.values()), item)

    def scale_names(self, role: str | None = None) -> list[str]:
        """Scale names, optionally only those with ``role``."""
        return [n for n, s in self.scales.items() if role is None or s.role == role]

    def reverse_items(self, scale: str | None = None) -> set[str]:
        """Reverse-keyed items of one scale, or of all scales."""
        scales = self.scales.values() if scale is None else [self._scale(scale)]
        return {i for s in scales for i in s.reverse}

    def _scale(self, name: str) -> Scale:
        try:
            return self.scales[name]
        except KeyError:
            raise ValueError(f"unknown scale {name!r}; the instrument has "
                             f"{', '.join(self.scales)}") from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> Instrument:
        """Read and validate an instrument YAML file.

        Raises
        ------
        InputError
            Every problem found, each with its line: missing or malformed ``scale`` (top
            level or a scale's own), scales without items, reverse items not in their scale,
            ``of:`` naming unknown scales, unknown keys (with a suggestion), wording for items
            in no scale, an item in two scales with different ranges, a composite over parts
            on different ranges, a ``missing:`` code inside a range it applies to (or a text
            code that is an answer of it: a label, or ``4 - Setuju``), ...
        """
        spath = os.fspath(path)
        return cls.from_dict(read_yaml_file(path), path=spath)

    @classmethod
    def from_dict(cls, data: dict, *, path: str | os.PathLike | None = None) -> Instrument:
        """Build and validate an instrument from a parsed mapping (see :meth:`load`)."""
        return _InstrumentBuilder(None if path is None else os.fspath(path)).build(data)


class _InstrumentBuilder:
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.item_lines: dict[str, int] = {}
        self.scale_lines: dict[str, int] = {}
        self.demographic_lines: dict[str, int] = {}

    def err(self, msg: str, line: int | None) -> None:
        self.problems.append(Problem(self.path, msg, line or None))

    def build(self, data) -> Instrument:
        if not isinstance(data, dict):
            raise InputError("an instrument must be a YAML mapping with 'scale', 'scales' and "
                             "'id_column'", path=self.path, line=1)
        data = as_linedict(data)
        self.unknown_keys(data, TOP_KEYS, "the instrument")
        language = str(data.get("language", "id"))
        lo, hi, labels = self.response_scale(data)
        missing = self.missing_codes(data, "the instrument")
        id_column = data.get("id_column", "respondent_id")
        if not isinstance(id_column, str) or not id_column.strip():
            self.err("'id_column' must name the respondent id column, e.g. 'respondent_id'",
                     data.line_of("id_column"))
            id_column = "respondent_id"
        default = ResponseRange(lo, hi, labels)
        scales = self.scales(data, language, default)
        self.check_missing(data, scales, default, missing)
        items = self.wordings(data, language, scales)
        demographics = self.demographics(data, id_column, scales, language)
        self.scale_columns(data, scales, id_column.strip(), demographics)
        if self.problems:
            raise InputError(problems=self.problems)
        return Instrument(name=str(data.get("instrument") or Path(self.path or "survey").stem),
                          min=lo, max=hi, labels=labels, id_column=id_column.strip(),
                          scales=scales, items=items, demographics=list(demographics),
                          language=language, path=self.path, demographic_types=demographics,
                          missing=missing, item_lines=self.item_lines)

    def scale_columns(self, data: LineDict, scales: dict[str, Scale], id_column: str,
                      demographics: dict[str, Demographic]) -> None:
        """Refuse a scale named as the id column or a demographic column: its scores would
        replace that column in :func:`score_scales` (the ids or the demographic lost); and a
        scale or demographic named as the image model's constant term."""
        def at(line: int | None) -> str:
            return f", line {line}" if line else ""

        for what, lines in (("scale", self.scale_lines),
                            ("demographic column", self.demographic_lines)):
            if INTERCEPT in lines:
                self.err(f"{what} {INTERCEPT!r} has the name of the image model's constant "
                         f"term ({INTERCEPT!r} in its coefficient tables): rename it",
                         lines[INTERCEPT])
        for name in scales:
            if name == id_column:
                where = (f"'id_column'{at(data.line_of('id_column'))}" if "id_column" in data
                         else "the default 'id_column'")
                clash = f"the id column ({where})"
            elif name in demographics:
                clash = (f"the demographic column {name!r} (in 'demographics'"
                         f"{at(self.demographic_lines[name])})")
            else:
                continue
            self.err(f"scale {name!r} has the name of {clash}; scale scores are columns "
                     "named after their scales: rename the scale", self.scale_lines.get(name))

    def unknown_keys(self, d: LineDict, allowed: set[str], where: str) -> None:
        for msg, line in unknown_keys(d, allowed, where):
            self.err(msg, line)

    def texts(self, value, where: str, line: int, language: str) -> dict[str, str]:
        if value is None:
            return {}
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {language: str(value).strip()}
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            bad = [k for k in value if not _LANG_RE.match(str(k))]
            if bad:
                self.err(f"{where}: {bad[0]!r} is not a language code (use id, en, ...)", line)
            return {str(k): v.strip() for k, v in value.items()}
        self.err(f"{where} must be text or {{id: ..., en: ...}}", line)
        return {}

    def response_scale(self, data: LineDict) -> tuple[int, int, dict[int, dict[str, str]]]:
        rs = data.get("scale")
        line = data.line_of("scale")
        if not isinstance(rs, dict):
            self.err("'scale' must be a mapping like 'scale: {min: 1, max: 5, labels: {1: Sangat "
                     "tidak setuju, 5: Sangat setuju}}'", line)
            return 1, 5, {}
        rr = self.response_range(rs, line, "'scale'", str(data.get("language", "id")))
        return (1, 5, {}) if rr is None else (rr.min, rr.max, rr.labels)

    def response_range(self, rs, line: int, where: str,
                       language: str) -> ResponseRange | None:
        """A ``{min, max, labels}`` mapping as a :class:`ResponseRange` (None if invalid)."""
        if not isinstance(rs, dict):
            self.err(f"{where} must be a mapping like '{{min: 0, max: 10, labels: {{0: ..., "
                     "10: ...}}}}'", line)
            return None
        rs = as_linedict(rs, line)
        self.unknown_keys(rs, RANGE_KEYS, where)
        lo, hi = rs.get("min"), rs.get("max")
        ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi))
        if not ok or lo >= hi:
            self.err(f"{where} needs whole numbers min < max, got min={lo!r}, max={hi!r}", line)
            return None
        if hi - lo + 1 > MAX_OPTIONS:
            self.err(f"{where} from {lo} to {hi} has {hi - lo + 1} response options, more than "
                     f"the {MAX_OPTIONS} a rating scale may have; check min and max",
                     rs.line_of("max"))
            return None
        labels: dict[int, dict[str, str]] = {}
        raw = rs.get("labels") or {}
        if not isinstance(raw, dict):
            self.err(f"{where}: 'labels' must map each response option to its label",
                     rs.line_of("labels"))
            raw = {}
        raw = as_linedict(raw, rs.line_of("labels"))
        for key, val in raw.items():
            kline = raw.line_of(key)
            if isinstance(key, str) and re.fullmatch(r"\s*-?\d+\s*", key):
                self.err(f"label key {key!r} is quoted, so YAML reads it as text; write the "
                         f"option as a number without quotes ({key.strip()}: ...)", kline)
                continue
            if isinstance(key, bool) or not isinstance(key, int) or not lo <= key <= hi:
                self.err(f"label key {key!r} is not a response option between {lo} and {hi}",
                         kline)
                continue
            labels[key] = self.texts(val, f"label of option {key}", kline, language)
        return ResponseRange(lo, hi, labels)

    def missing_codes(self, spec: LineDict, where: str) -> tuple[float | str, ...]:
        """The ``missing:`` codes of ``spec``: numbers (as given) and texts."""
        raw = spec.get("missing")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            raw = [raw]
        codes: list[float | str] = []
        for c in raw:
            if isinstance(c, str) and c.strip():
                c = _number(c.strip())
            if isinstance(c, bool) or not isinstance(c, int | float | str) or (
                    isinstance(c, float) and not math.isfinite(c)):
                self.err(f"{where}: 'missing' must list missing-value codes, numbers or text, "
                         f"e.g. 'missing: [99, -9, DK]'; got {c!r}", spec.line_of("missing"))
                continue
            if c not in codes:
                codes.append(c)
        return tuple(codes)

    def check_missing(self, data: LineDict, scales: dict[str, Scale], default: ResponseRange,
                      top: tuple[float | str, ...]) -> None:
        """Refuse a numeric missing-value code that is also an answer of a range it applies to."""
        raw = as_linedict(data.get("scales"), data.line_of("scales"))
        seen: set[tuple[float | str, int | None]] = set()
        ranges = [sc.response_range or default for sc in scales.values()] or [default]
        outside = [c for c in (99, -9, 999, -99, 9999, -999)
                   if not any(r.min <= c <= r.max for r in ranges)][:2]
        example = f" (e.g. {' or '.join(map(str, outside))})" if outside else ""
        for name, sc in scales.items():
            rr = sc.response_range or default
            spec = raw.get(name)
            for codes, line in ((top, data.line_of("missing")),
                                (sc.missing, spec.line_of("missing")
                                 if isinstance(spec, LineDict) else None)):
                for c in codes:
                    if isinstance(c, str) or not rr.min <= c <= rr.max or (c, line) in seen:
                        if isinstance(c, str) and (c, line) not in seen:
                            self.check_text_code(c, rr, name, line, seen)
                        continue
                    seen.add((c, line))
                    self.err(f"missing-value code {c:g} is inside the response range {rr} of "
                             f"scale {name!r}, so it would be a real answer too; pick a code "
                             f"outside every range{example} or remove it from 'missing'", line)

    def check_text_code(self, code: str, rr: ResponseRange, scale: str, line: int | None,
                        seen: set[tuple[float | str, int | None]]) -> None:
        """Refuse a text missing-value code that is an answer of ``rr``: a form's choice
        starting with an option number (``4 - Setuju``) or a response label; declared
        missing, every such real answer would be read as no answer."""
        labels = {t.casefold(): opt for opt, texts in rr.labels.items() for t in texts.values()}
        m = _LEADING_OPTION.match(code)
        if m and rr.min <= int(m.group(1)) <= rr.max:
            what, opt = f"starts with option {m.group(1).lstrip('+')}", int(m.group(1))
        elif code.casefold() in labels:
            opt = labels[code.casefold()]
            what = f"is the label of option {opt}"
        elif (d := re.fullmatch(_DECIMAL_COMMA, code.strip())) and rr.min <= float(
                code.replace(",", ".")) <= rr.max:
            seen.add((code, line))
            self.err(f"missing-value code {code!r} is the number {d.group(0).replace(',', '.')} "
                     f"written with a decimal comma, inside the response range {rr} of scale "
                     f"{scale!r}: declared missing, such a (fractional) answer would be read "
                     "as no answer; remove it from 'missing'", line)
            return
        else:
            return
        seen.add((code, line))
        self.err(f"missing-value code {code!r} {what} of the response range {rr} of scale "
                 f"{scale!r}, so it is a real answer: remove it from 'missing' and enter {opt} "
                 f"in those cells {_EXPORT_NUMBERS}", line)

    def scales(self, data: LineDict, language: str,
               default: ResponseRange) -> dict[str, Scale]:
        raw = data.get("scales")
        if not isinstance(raw, dict) or not raw:
            self.err("'scales' must map each scale name to its items, e.g. 'KS: {items: [KS1, "
                     "KS2, KS3]}'", data.line_of("scales"))
            return {}
        raw = as_linedict(raw, data.line_of("scales"))
        direct: dict[str, tuple[list[str], list[str]]] = {}
        parts: dict[str, list[str]] = {}
        meta: dict[str, tuple[dict[str, str], str | None, int]] = {}
        own: dict[str, tuple[ResponseRange | None, int]] = {}
        missing: dict[str, tuple[float | str, ...]] = {}
        of_lines: dict[str, int | None] = {}
        for name, spec in raw.items():
            line = raw.line_of(name)
            name = str(name)
            self.scale_lines[name] = line
            if not _NAME_RE.match(name):
                self.err(f"scale name {name!r} must start with a letter and use only letters, "
                         "digits and '_'", line)
            if not isinstance(spec, dict):
                self.err(f"scale {name!r} must be a mapping with 'items' (and optional "
                         "'reverse', 'label')", line)
                continue
            spec = as_linedict(spec, line)
            self.unknown_keys(spec, SCALE_KEYS, f"scale {name!r}")
            items = self.names(spec, "items", f"scale {name!r}")
            reverse = self.names(spec, "reverse", f"scale {name!r}")
            of = self.names(spec, "of", f"scale {name!r}")
            if not items and not of:
                self.err(f"scale {name!r} has no items; add 'items: [...]' (or 'of: [scales]' "
                         "for a composite)", line)
            for key, names, what in (("items", items, "item(s) "),
                                      ("reverse", reverse, "reverse item(s) "),
                                      ("of", of, "scale(s) ")):
                dup = sorted({i for i in names if names.count(i) > 1})
                if dup:
                    self.err(f"scale {name!r} lists {what}{', '.join(dup)} more than once"
                             + (" in 'of'" if key == "of" else ""), spec.line_of(key))
            of_lines[name] = spec.line_of("of") or line
            direct[name] = (list(dict.fromkeys(items)), reverse)
            parts[name] = of
            role = spec.get("role")
            label = self.texts(spec.get("label"), f"label of scale {name!r}",
                               spec.line_of("label"), language)
            meta[name] = (label, None if role is None else str(role), spec.line_of("reverse"))
            own[name] = (None if spec.get("scale") is None else self.response_range(
                spec.get("scale"), spec.line_of("scale"), f"scale {name!r}: 'scale'", language),
                spec.line_of("scale") or line)
            missing[name] = self.missing_codes(spec, f"scale {name!r}")
            for p in of:
                if p not in raw:
                    self.err(f"scale {name!r}: 'of' names unknown scale {p!r}; known scales: "
                             f"{', '.join(map(str, raw))}", spec.line_of("of"))
        out: dict[str, Scale] = {}
        for name, (items, reverse) in direct.items():
            all_items = list(items)
            all_reverse = list(reverse)
            sources = [name] if items else []  # the scales whose own keying the items take
            for p in parts[name]:
                if p == name or parts.get(p):
                    if p in direct:
                        self.err(f"scale {name!r}: 'of' may only name scales with their own "
                                 f"'items', not {p!r}", raw.line_of(name))
                    continue
                if p in direct:
                    all_items += direct[p][0]
                    all_reverse += direct[p][1]
                    sources.append(p)
            self.check_keying(name, sources, direct, of_lines[name])
            all_items = list(dict.fromkeys(all_items))
            for r in reverse:
                if r not in all_items:
                    self.err(f"reverse item {r!r} is not an item of scale {name!r}; add it to "
                             f"'items' or remove it from 'reverse'", meta[name][2])
            label, role, _ = meta[name]
            out[name] = Scale(name=name, items=tuple(all_items),
                              reverse=tuple(dict.fromkeys(r for r in all_reverse
                                                          if r in all_items)),
                              label=label, of=tuple(parts[name]), role=role,
                              response_range=own[name][0], missing=missing[name])
        return self.resolve_ranges(out, direct, own, default)

    def check_keying(self, name: str, sources: list[str],
                     direct: dict[str, tuple[list[str], list[str]]], line: int | None) -> None:
        """Refuse a composite ``name`` whose parts (``sources``: its parts and itself, each
        with its own items and reverse list) key one item in opposite directions: scored
        once, the item can only be one of them."""
        keyed: dict[str, tuple[bool, str]] = {}
        for src in sources:
            items, reverse = direct[src]
            for item in items:
                rev = item in reverse
                first = keyed.setdefault(item, (rev, src))
                if first[0] != rev:
                    on, off = (first[1], src) if first[0] else (src, first[1])
                    self.err(f"scale {name!r}: item {item!r} is reverse-keyed in scale {on!r} "
                             f"but not in scale {off!r}, and the composite scores it once; "
                             f"key it the same way in both (add it to or remove it from "
                             f"'reverse'), or leave one of them out of the composite", line)
                    keyed[item] = (rev, src)  # each conflict said once per pair

    def resolve_ranges(self, scales: dict[str, Scale],
                       direct: dict[str, tuple[list[str], list[str]]],
                       own: dict[str, tuple[ResponseRange | None, int]],
                       default: ResponseRange) -> dict[str, Scale]:
        """Give every item one response range and check that each scale's items share it.

        An item takes the range of the scales listing it in ``items`` (their own ``scale:``,
        else the default); a composite (``of:``) without its own ``scale:`` takes the range
        of its parts.
        """
        item_range: dict[str, tuple[ResponseRange, str]] = {}
        for name, (items, _) in direct.items():
            rr = own[name][0] or default
            for item in items:
                first = item_range.setdefault(item, (rr, name))
                if (first[0].min, first[0].max) != (rr.min, rr.max):
                    self.err(f"item {item!r} is in scale {first[1]!r} (responses "
                             f"{first[0]}) and in scale {name!r} (responses {rr}); an item "
                             "has one response range: give both scales the same 'scale:'",
                             own[name][1])
        out = {}
        for name, sc in scales.items():
            ranges = list(dict.fromkeys((item_range[i][0].min, item_range[i][0].max)
                                        for i in sc.items if i in item_range))
            rr = sc.response_range
            if rr is None and len(ranges) == 1 and ranges[0] != (default.min, default.max):
                rr = next(item_range[i][0] for i in sc.items if i in item_range)
            if len(ranges) > 1 or (rr is not None and ranges
                                   and ranges != [(rr.min, rr.max)]):
                shown = ", ".join(f"{lo}..{hi}" for lo, hi in ranges)
                self.err(f"scale {name!r} averages items answered on different response "
                         f"ranges ({shown}{'' if rr is None or len(ranges) > 1 else f' vs {rr}'}"
                         "); a scale score needs one range: score its parts separately or "
                         "give them the same 'scale:'", own[name][1])
            out[name] = sc if rr is sc.response_range else replace(sc, response_range=rr)
        return out

    def names(self, spec: LineDict, key: str, where: str) -> list[str]:
        """The names listed under ``key`` of ``spec`` (``items`` also noting each item's
        line). An entry YAML read as a one-pair mapping (a question holding ``': '``) is
        reported with the fix, quoting it, and kept as the text it was written as."""
        val = spec.get(key)
        if val is None:
            return []
        if isinstance(val, str):
            val = [val]
        if not isinstance(val, list):
            self.err(f"'{key}' of {where} must be a list of names", spec.line_of(key))
            return []
        lines = getattr(val, "item_lines", None) or [spec.line_of(key)] * len(val)
        if key == "items" and getattr(val, "flow", False) and all(val.plain):
            for pieces, at in _split_in_flow_list([str(v) for v in val]):
                question = ", ".join(pieces)
                self.err(_split_message(where, question, None, pieces, ""), lines[at])
        out: list[str] = []
        for v, line in zip(val, lines, strict=True):
            text = _mapping_text(v)
            if text is not None:
                self.err(f"{where}: the entry {text!r} of '{key}' is read as 'key: value' "
                         "because of its ': '; quote the question: - "
                         f"{json.dumps(text, ensure_ascii=False)}", line)
            elif isinstance(v, str | int) and not isinstance(v, bool):
                text = str(v).strip()
            else:
                self.err(f"'{key}' of {where} must be a list of names", spec.line_of(key))
                return []
            out.append(text)
            if key == "items":
                self.item_lines.setdefault(text, line)
        return out

    def wordings(self, data: LineDict, language: str,
                 scales: dict[str, Scale]) -> dict[str, dict[str, str]]:
        raw = data.get("items")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.err("'items' must map item names to their wording, e.g. 'KS1: {id: ..., en: "
                     "...}'", data.line_of("items"))
            return {}
        raw = as_linedict(raw, data.line_of("items"))
        known = {i for s in scales.values() for i in s.items}
        out = {}
        for item, text in raw.items():
            line = raw.line_of(item)
            if scales and str(item) not in known:
                self.err(f"item {item!r} has wording but is in no scale; add it to a scale's "
                         "'items' or remove it", line)
            out[str(item)] = self.texts(text, f"wording of item {item!r}", line, language)
        return out

    def demographics(self, data: LineDict, id_column: str, scales: dict[str, Scale],
                     language: str) -> dict[str, Demographic]:
        raw = data.get("demographics") or []
        line = data.line_of("demographics")
        if isinstance(raw, str):
            raw = [raw]
        entries: list[tuple[object, object, int]] = []  # (name, spec, line)
        if isinstance(raw, dict):
            raw = as_linedict(raw, line)
            entries = [(k, v, raw.line_of(k)) for k, v in raw.items()]
        elif isinstance(raw, list):
            for v in raw:
                vline = v.line if isinstance(v, LineDict) else line
                if isinstance(v, dict) and len(v) == 1:
                    (k, spec), = v.items()
                    entries.append((k, spec, vline))
                else:
                    entries.append((v, None, vline))
        else:
            entries = [(raw, None, line)]
        items = {i for s in scales.values() for i in s.items}
        out: dict[str, Demographic] = {}
        for name, spec, eline in entries:
            if not isinstance(name, str) or not name.strip():
                self.err("'demographics' must list column names, each optionally with its "
                         "type, e.g. '[kelompok, {age: numeric}, {education: {type: ordinal, "
                         "levels: [SD, SMP, SMA]}}]'", eline)
                continue
            if name in items or name == id_column:
                self.err(f"demographic column {name!r} is also an item or the id column", eline)
            if name in out:
                self.err(f"demographic column {name} listed more than once", eline)
                continue
            self.demographic_lines[name] = eline
            out[name] = self.demographic(name, spec, eline, language)
        return out

    def demographic(self, name: str, spec, line: int, language: str) -> Demographic:
        if spec is None:
            return Demographic(name)
        short = spec if isinstance(spec, str) else None  # 'name: type'
        if isinstance(spec, str):
            spec = {"type": spec}
        if not isinstance(spec, dict):
            self.err(f"demographic {name!r}: give its type as 'numeric', 'categorical' or "
                     f"'ordinal', or a mapping {{type: ..., levels: [...]}}", line)
            return Demographic(name)
        spec = as_linedict(spec, line)
        self.unknown_keys(spec, DEMOGRAPHIC_KEYS, f"demographic {name!r}")
        kind = spec.get("type", "categorical")
        if kind not in DEMOGRAPHIC_TYPES:
            hint = closest(str(kind), DEMOGRAPHIC_TYPES)
            did = f"; did you mean {hint!r}?" if hint else ""
            if not hint and short is not None:
                question = json.dumps(f"{name}: {short}", ensure_ascii=False)
                did = (f"; if {name}: {short} is one column (a question holding ': '), "
                       f"quote the question: - {question}")
            self.err(f"demographic {name!r}: type must be one of "
                     f"{', '.join(DEMOGRAPHIC_TYPES)}, got {kind!r}{did}", line)
            return Demographic(name)
        levels = spec.get("levels")
        if levels is not None and (not isinstance(levels, list) or not levels or not all(
                isinstance(v, str | int | float) and not isinstance(v, bool) for v in levels)):
            self.err(f"demographic {name!r}: 'levels' must be a list of its values, lowest "
                     "first for an ordinal", spec.line_of("levels") or line)
            levels = None
        levels = [_level_text(v) for v in levels or []]
        dup = sorted({v for v in levels if levels.count(v) > 1})
        if dup:
            self.err(f"demographic {name!r}: level(s) {', '.join(dup)} listed more than once",
                     spec.line_of("levels") or line)
        if kind == "ordinal" and len(levels) < 2:
            self.err(f"demographic {name!r} is ordinal: list its 'levels' from lowest to "
                     "highest, e.g. '{type: ordinal, levels: [SD, SMP, SMA, S1]}'", line)
        if kind == "numeric" and levels:
            self.err(f"demographic {name!r} is numeric: remove its 'levels' (or make it "
                     "ordinal)", spec.line_of("levels") or line)
            levels = []
        label = self.texts(spec.get("label"), f"label of demographic {name!r}",
                           spec.line_of("label") or line, language)
        missing = self.missing_codes(spec, f"demographic {name!r}")
        clash = sorted(map(str, set(map(str, missing)) & set(levels)))
        if clash:
            self.err(f"demographic {name!r}: {', '.join(clash)} is both a level and a "
                     "missing-value code; remove it from one of them",
                     spec.line_of("missing") or line)
        demo = Demographic(name, kind, tuple(dict.fromkeys(levels)), label, missing,
                           *self.demographic_range(name, kind, spec, line))
        for c in missing:
            if not isinstance(c, str) and demo.range_text() and not demo.outside(c):
                self.err(f"demographic {name!r}: missing-value code {c:g} is inside the "
                         f"declared range {demo.range_text()}, so it would be a real value "
                         "too; pick a code outside the range (e.g. 999 or -9) or remove it "
                         "from 'missing'", spec.line_of("missing") or line)
        return demo

    def demographic_range(self, name: str, kind: str, spec: LineDict,
                          line: int) -> tuple[float | None, float | None]:
        """The ``min``/``max`` a numeric demographic declares (None where it declares none)."""
        given = [k for k in ("min", "max") if k in spec]
        if not given:
            return None, None
        if kind != "numeric":
            self.err(f"demographic {name!r}: 'min' and 'max' are for a numeric demographic "
                     f"(its declared range); {name!r} is {kind}: remove them, or declare "
                     "'type: numeric'", spec.line_of(given[0]) or line)
            return None, None
        bounds: dict[str, float | None] = {"min": None, "max": None}
        for key in given:
            v = spec.get(key)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                self.err(f"demographic {name!r}: {key!r} must be a number, got {v!r}, e.g. "
                         f"'{{{name}: {{type: numeric, min: 0, max: 120}}}}'",
                         spec.line_of(key) or line)
                return None, None
            bounds[key] = v
        lo, hi = bounds["min"], bounds["max"]
        if lo is not None and hi is not None and not lo < hi:
            self.err(f"demographic {name!r}: its range needs min < max, got min={lo!r}, "
                     f"max={hi!r}", spec.line_of("max") or line)
            return None, None
        return lo, hi


def _mapping_text(value) -> str | None:
    """The text a one-pair mapping of plain values was written as (``Informasi layanan:
    jelas`` unquoted in a list is ``{'Informasi layanan': 'jelas'}``), else None."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (key, val), = value.items()
    if isinstance(key, dict | list) or isinstance(val, dict | list):
        return None
    shown = value.text_of(key) if isinstance(value, LineDict) else str(val)
    return f"{key}: {'' if val is None and shown == 'None' else shown}".strip()


def _number(text: str) -> float | str:
    """``text`` as an int or float when it is a number, else unchanged."""
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and math.isfinite(value) else value


def _level_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- responses

def read_responses(path: str | os.PathLike, instrument: Instrument) -> pd.DataFrame:
    """Read and validate a survey responses CSV against ``instrument``.

    Parameters
    ----------
    path : str or path
        UTF-8 CSV (a byte-order mark and CRLF line ends are accepted), one row per respondent:
        the id column, every item of the instrument, the demographic columns, and any further
        columns (kept as text). The separator is a comma, or a semicolon or tab when the
        header line has no comma (Excel's CSV in Indonesian and other decimal-comma
        locales, and its tab-delimited text; Excel's ``sep=;`` first line is read too).
        Columns without a name and without values (the trailing ``,,`` Excel may add) are
        ignored, and so is pandas' row index (an unnamed first column of whole numbers,
        written by ``df.to_csv(path)`` without ``index=False``).
    instrument : Instrument
        The instrument the responses answer.

    Returns
    -------
    DataFrame
        One row per respondent in file order: the id column (text), then the other columns in
        file order. Item columns are ``float64`` with NaN for missing answers (empty cells and
        declared ``missing`` codes). Demographic columns follow their declared type
        (:class:`Demographic`): ``numeric`` ones are ``float64`` (in a file separated by
        semicolons, a decimal comma such as ``70,5`` reads as 70.5); ``ordinal`` ones an ordered
        pandas Categorical with the declared levels; ``categorical`` ones with declared levels
        an unordered Categorical, without levels
        text. Every other column is text; empty cells are missing values.

    Raises
    ------
    InputError
        One problem per bad cell (up to 20 are listed), each with the file, the CSV line and the
        column: values outside the item's response scale (a missing-value code such as 99
        is read as missing only when the instrument declares it under ``missing:``), text in
        an item column (``"setuju"``; when the text holds the answer, the message says
        which number to enter and never to declare it a missing-value code: a response
        label, a number written as a word (``"tiga"``, ``"three"``: 0 to 10), a form's
        choice starting with its option number or label such as ``"4 - Setuju"``, a formula
        kept as text ``=4``, Excel's text prefix ``'4``; a spreadsheet error value such as
        ``#DIV/0!`` is named as one), fractional
        answers, empty or duplicate respondent ids, text in a numeric demographic, values
        outside a demographic's declared levels, a missing-value marker (``NA``, ``N/A``,
        ``#N/A``, ``null``, ...) in a text demographic without declared levels (it would
        become a group); and for the header: items or demographic
        columns missing from the responses, duplicate columns. A file without respondents is
        an error too.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> resp.columns[0]
    'respondent_id'
    >>> str(resp["KS1"].dtype)
    'float64'
    >>> bool(resp["KS1"].dropna().between(1, 5).all())
    True
    """
    if not isinstance(instrument, Instrument):
        raise TypeError(f"instrument must be an Instrument, got {type(instrument).__name__}")
    spath = os.fspath(path)
    text = read_text_file(path)
    delimiter = csv_delimiter(text)
    rows = delimited_rows(text, spath)  # without Excel's "sep=;" line; rows keep their lines
    if not rows:
        raise InputError("the file has no header line", path=spath, line=1)
    _check_header_row(rows, instrument, spath)
    rows = _drop_unnamed_empty_columns(rows, spath)
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    _check_header(header, instrument, spath, header_line)
    problems: list[Problem] = []
    records: list[list[str]] = []
    lines: list[int] = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(spath, f"expected {len(header)} fields, found {len(row)}; "
                                    f"quote cells that contain {separator_name(delimiter)}",
                                    line))
            continue
        records.append([c.strip() for c in row])
        lines.append(line)
    if not records and not problems:
        raise InputError("no respondents: the file has a header but no data rows; add one row "
                         "per respondent", path=spath, line=header_line)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    line_of = pd.Series(lines, index=frame.index)
    _check_ids(frame, instrument.id_column, line_of, spath, problems)
    ranges = instrument._item_ranges()
    # the columns the instrument does not name, in one step (a survey export may have
    # thousands; one assignment per column made reading quadratic)
    other = [c for c in header if c not in ranges and c not in instrument.demographic_types]
    frame = frame[other].where(frame[other] != "", None).join(
        frame.drop(columns=other))[header]
    for col in header:
        if col in ranges:
            frame[col] = _parse_item(frame[col], col, ranges[col],
                                     instrument.missing_codes(col), line_of, spath, problems,
                                     decimal_comma=delimiter == ";")
        elif col in instrument.demographic_types:
            frame[col] = _parse_demographic(frame[col], instrument.demographic_types[col],
                                            instrument.missing_codes(col), line_of, spath,
                                            problems, decimal_comma=delimiter == ";")
    # checked column by column, reported in line order (within a line, in column order)
    problems.sort(key=lambda p: p.line or 0)
    collect(problems, path=spath, limit=MAX_REPORTED)
    front = [instrument.id_column]
    return frame[front + [c for c in header if c not in front]].reset_index(drop=True)


def _check_header_row(rows: list[tuple[int, list[str]]], inst: Instrument, path: str) -> None:
    """Refuse a file whose header is not its first row (a title above it, as spreadsheets
    often have) by naming the line that holds the header."""
    line = header_below(rows, inst.id_column)
    if line is not None:
        raise InputError(f"the header (with the id column {inst.id_column!r}) is on line "
                         f"{line}, not on the first line; delete the line(s) above it",
                         path=path, line=rows[0][0])


def _drop_unnamed_empty_columns(rows: list[tuple[int, list[str]]],
                                path: str) -> list[tuple[int, list[str]]]:
    """``rows`` without the columns that have no name and no values (Excel writes such
    trailing ``,,`` columns) and without pandas' row index (an unnamed first column of
    whole numbers, :func:`~citra_eval._files.is_pandas_index`); an unnamed column holding
    other values is an error."""
    header = rows[0][1]
    if header and is_pandas_index(header[0], (r[0] for _, r in rows[1:]
                                              if len(r) == len(header) and "".join(r).strip())):
        # pandas' row index (df.to_csv(path) without index=False): left out
        rows = [(ln, r[1:] if len(r) == len(header) else r) for ln, r in rows]
        header = rows[0][1]
    unnamed = [j for j, h in enumerate(header) if not h.strip()]
    if not unnamed:
        return rows
    for j in unnamed:
        line = next((ln for ln, r in rows[1:] if j < len(r) and r[j].strip()), None)
        if line is not None:
            raise InputError(f"column {j + 1} has no name in the header but holds values; "
                             "give it a name (or delete the column)", path=path, line=line)
    keep = [j for j in range(len(header)) if j not in set(unnamed)]
    width = len(header)
    return [(ln, [r[j] for j in keep] if len(r) == width else r) for ln, r in rows]


def _check_header(header: list[str], inst: Instrument, path: str, line: int) -> None:
    problems = []
    dup = duplicate_columns(header)
    if dup:
        problems.append(Problem(path, dup, line))
    if len(header) == 1 and inst.id_column not in header:
        problems.append(Problem(path, f"the header has a single column ({header[0]!r}); "
                                "the file seems to use another separator than ',', ';' or "
                                "tab: save it as CSV (comma delimited)", line))
    if inst.id_column not in header:
        problems.append(Problem(path, f"the respondent id column {inst.id_column!r} is missing; "
                                "add it or set 'id_column' in the instrument", line,
                                inst.id_column))
    missing = [i for i in inst.item_names if i not in header]
    for column, scale, pieces in _split_questions(header, inst, missing):
        # reported at the instrument's line when it was read from a file
        at = ((inst.path, inst.item_lines[pieces[0]], "")
              if inst.path and pieces[0] in inst.item_lines
              else (path, line, "in the instrument, "))
        problems.append(Problem(at[0], _split_message(f"scale {scale!r}", column, path,
                                                      pieces, at[2]), at[1]))
        missing = [i for i in missing if i not in pieces]
    if missing:
        problems.append(Problem(path, f"item(s) {', '.join(missing)} of the instrument are "
                                "missing from the responses; add the column(s) (empty cells "
                                "for unanswered items) or remove them from the instrument",
                                line, missing[0]))
    missing_demo = [d for d in inst.demographics if d not in header]
    if missing_demo:
        problems.append(Problem(path, f"demographic column(s) {', '.join(missing_demo)} are "
                                "missing from the responses; add them or remove them from "
                                "'demographics'", line, missing_demo[0]))
    if problems:
        raise InputError(problems=problems)


#: Longest run of items :func:`_split_questions` rejoins (a question with that many commas).
_MAX_SPLIT = 40


def _split_message(where: str, question: str, path: str | None, pieces: list[str],
                   place: str) -> str:
    """What to say of a question YAML split at its commas into ``pieces`` (``path``: the
    responses file that has it as a column, when known; ``place``: where to quote it)."""
    column = "" if path is None else f" (a column of {path})"
    return (f"{where}: the question {question!r}{column} was split at its commas into the "
            f"items {', '.join(map(repr, pieces))} (unquoted in a [...] list, YAML reads ', ' "
            f"as a separator); {place}quote the question: - "
            f"{json.dumps(question, ensure_ascii=False)}")


def _split_in_flow_list(items: list[str]) -> list[tuple[list[str], int]]:
    """``(pieces, index of the first)`` for each question that YAML split at its commas in a
    flow list of unquoted items, found without the responses: a piece that opens a
    parenthesis the pieces after it close (``citra baik (1 = buruk``, ``5 = baik)``); the
    clause before it is taken too when the first piece goes on in lower case after it
    (``Secara umum``, ``citra ...``)."""
    out: list[tuple[list[str], int]] = []
    i = floor = 0  # floor: the first item after the last question found
    while i < len(items):
        depth, j = 0, i
        while j < min(len(items), i + _MAX_SPLIT):
            depth += items[j].count("(") - items[j].count(")")
            if depth <= 0:
                break
            j += 1
        if j == i or depth != 0:
            i += 1
            continue  # no parenthesis that the pieces after it close
        start = i
        while start > floor and items[start][:1].islower() and " " in items[start - 1] \
                and not re.search(r"[.?!:;)]$", items[start - 1]):
            start -= 1
        out.append((items[start:j + 1], start))
        i = floor = j + 1
    return out


def _comma_key(text: str) -> str:
    return re.sub(r"\s*,\s*", ", ", text.strip())


def _split_questions(header: list[str], inst: Instrument,
                     missing: list[str]) -> list[tuple[str, str, list[str]]]:
    """``(column, scale, items)`` for each response column that consecutive items of a
    scale, not all in the header, form when joined with ``", "``: a question with commas
    that YAML split in an unquoted flow list (``items: [Secara umum, citra ...]``)."""
    if not missing:
        return []
    columns = {_comma_key(h): h for h in header}
    absent = set(missing)
    out: list[tuple[str, str, list[str]]] = []
    seen: set[str] = set()
    for name, sc in inst.scales.items():
        items, i = list(sc.items), 0
        while i < len(items):
            hit = None
            if items[i] in absent:
                for j in range(min(len(items), i + _MAX_SPLIT), i + 1, -1):
                    column = columns.get(_comma_key(", ".join(items[i:j])))
                    if column is not None:
                        hit = (column, items[i:j])
                        break
            if hit is None:
                i += 1
                continue
            if hit[0] not in seen:
                seen.add(hit[0])
                out.append((hit[0], name, hit[1]))
            i += len(hit[1])
    return out


def _check_ids(frame: pd.DataFrame, col: str, line_of: pd.Series, path: str,
               problems: list[Problem]) -> None:
    """Empty and duplicate respondent ids, the column checked at once (a row-by-row loop
    was slow on large files); a duplicate names the line of the first occurrence."""
    ids = frame[col].to_numpy(dtype=object)
    lines = line_of.to_numpy()
    empty = ids == ""
    dup = pd.Series(ids).duplicated().to_numpy() & ~empty
    bad = np.flatnonzero(empty | dup)
    if not len(bad):
        return
    first = pd.Series(lines[~empty & ~dup], index=ids[~empty & ~dup])
    first_of = dict(zip(ids[dup], first.reindex(ids[dup]).to_numpy(), strict=True))
    for k in bad:
        rid, line = ids[k], int(lines[k])
        if empty[k]:
            problems.append(Problem(path, "empty respondent id; give every row a unique id",
                                    line, col))
        else:
            problems.append(Problem(path, f"duplicate respondent id {rid!r} (first on line "
                                    f"{int(first_of[rid])}); ids must be unique", line, col))


#: A number written with a decimal comma (``4,5``, ``-70,25``).
_DECIMAL_COMMA = r"-?\d+,\d+"


def _decimal_points(cells: pd.Series) -> pd.Series:
    """``cells`` with each number written with a decimal comma rewritten with a point."""
    comma = cells.str.fullmatch(_DECIMAL_COMMA).fillna(False).astype(bool)
    return cells.where(~comma, cells.str.replace(",", ".", regex=False))


def _declaration_with_code(demo: Demographic, raw: str) -> str:
    """The instrument's declaration of the numeric demographic ``demo`` with ``raw`` added to
    its ``missing:`` list, its range and other codes kept (``age: {type: numeric, min: 17,
    max: 99, missing: [999, 150]}``): the line to write, not one that drops what is there."""
    keys = ["type: numeric"]
    keys += [f"{key}: {value:g}" for key, value in (("min", demo.min), ("max", demo.max))
             if value is not None]
    codes = [f"{c:g}" if isinstance(c, float | int) else _flow_code(str(c))
             for c in demo.missing]
    keys.append(f"missing: [{', '.join([*codes, _flow_code(raw)])}]")
    return f"{demo.name}: {{{', '.join(keys)}}}"


def _flow_code(raw: str) -> str:
    """``raw`` as an entry of a YAML flow list (``missing: [...]``): quoted when YAML would
    otherwise split or misread it (``4,5`` unquoted is the two codes 4 and 5)."""
    if raw == raw.strip() and not re.search(r"[,\[\]{}#:&*!|>'\"%@`]", raw):
        return raw
    return json.dumps(raw, ensure_ascii=False)


def _parse_item(values: pd.Series, col: str, rng: ResponseRange,
                missing: tuple[float | str, ...], line_of: pd.Series, path: str,
                problems: list[Problem], *, decimal_comma: bool = False) -> pd.Series:
    """The answers of item ``col`` as floats: empty cells and declared ``missing`` codes NaN
    (``decimal_comma``: a semicolon file, where ``4,5`` is the number 4.5, as in
    :func:`_parse_demographic`)."""
    if missing:
        values = values.where(~_is_missing_code(values, missing), "")
    numbers = values.where(values != "", None)
    if decimal_comma:
        numbers = _decimal_points(numbers)
    out = pd.to_numeric(numbers, errors="coerce").astype("float64")
    label_to_option = {_squeezed(t): opt for opt, texts in rng.labels.items()
                       for t in texts.values()}
    where = f"{rng.min}..{rng.max}"
    # the column checked at once; the cells that fail (few) then get their messages
    number = out.to_numpy()
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(number) | (number != np.round(number)) | (number < rng.min) \
            | (number > rng.max)
    bad &= (values != "").to_numpy()
    cells, lines = values.to_numpy(dtype=object), line_of.to_numpy()
    for k in np.flatnonzero(bad):
        raw, val, line = cells[k], float(number[k]), int(lines[k])
        if math.isinf(val):
            problems.append(Problem(path, f"item {col!r} must be a whole number {where}, got "
                                    f"{raw!r}", line, col))
        elif math.isnan(val) and re.fullmatch(_DECIMAL_COMMA, raw):
            problems.append(Problem(path, f"item {col!r} must be a whole number {where}, got "
                                    f"{raw!r}, a number with a decimal comma (a fractional "
                                    "answer); enter the option the respondent chose as a whole "
                                    f"number {where} (if an answer lies between two options, "
                                    "decide which, or leave the cell empty)", line, col))
        elif math.isnan(val):
            hint = _text_answer_hint(raw, rng, label_to_option) or (
                f"; enter a whole number {where}, leave the cell empty if unanswered, "
                f"or declare {raw!r} a missing-value code in the instrument ('missing: "
                f"[{_flow_code(raw)}]')" if _squeezed(raw) in _MISSING_LIKE else
                f"; enter a whole number {where} (the option the respondent chose), or "
                "leave the cell empty if unanswered")
            problems.append(Problem(path, f"item {col!r} must be a number, got text {raw!r}"
                                    + hint, line, col))
        elif val != round(val):
            problems.append(Problem(path, f"item {col!r} must be a whole number {where}, got "
                                    f"{raw!r}", line, col))
        elif not rng.min <= val <= rng.max:
            problems.append(Problem(path, f"item {col!r}: value {raw} is outside the response "
                                    f"scale {where}; correct it, or leave the cell empty if "
                                    "unanswered (if it is a missing-value code, declare it in "
                                    f"the instrument instead: 'missing: [{raw}]')", line, col))
    return out


#: The numbers 0 to 10 written as words (Indonesian and English), compared case-folded: a
#: cell holding one is an answer to write as a digit, never a missing-value code.
_NUMBER_WORDS = {word: n for n, words in enumerate([
    ("nol", "zero"), ("satu", "one"), ("dua", "two"), ("tiga", "three"), ("empat", "four"),
    ("lima", "five"), ("enam", "six"), ("tujuh", "seven"), ("delapan", "eight"),
    ("sembilan", "nine"), ("sepuluh", "ten")]) for word in words}


def _number_word_hint(raw: str, rng: ResponseRange | None = None) -> str | None:
    """``; ...`` saying that ``raw`` is a number written as a word and to write its digit
    (on ``rng``, when given, and the number lies outside it: to enter the answer as a digit
    of the scale), else None."""
    n = _NUMBER_WORDS.get(raw.strip().casefold())
    if n is None:
        return None
    if rng is not None and not rng.min <= n <= rng.max:
        return (f"; {raw!r} is the number {n} written as a word, outside the response scale "
                f"{rng.min}..{rng.max}; enter the answer as a digit {rng.min}..{rng.max}")
    return f"; {raw!r} is the number {n} written as a word; enter the digit {n}"


#: Error values spreadsheets (Excel, LibreOffice, Google Sheets) show in a cell whose
#: formula failed, compared case-folded.
_SPREADSHEET_ERRORS = frozenset({
    "#div/0!", "#n/a", "#name?", "#null!", "#num!", "#ref!", "#value!", "#spill!", "#calc!",
    "#field!", "#blocked!", "#connect!", "#busy!", "#unknown!", "#getting_data", "#error!",
    "#n/a!", "err:502", "err:504", "err:508", "err:522"})
#: Leading whole number of a cell, as a word of its own: ``4 - Setuju``, ``5 (Sangat
#: setuju)``, ``2. Kurang``, but not ``4,5``, ``4.5`` or ``45``.
_LEADING_OPTION = re.compile(r"\s*([-+]?\d+)(?![.,]?\d)(?=[^\w]|$)(.*)", re.S)
#: What separates an option's number from its label in a form's choice.
_CHOICE_SEPARATORS = " \t-\u2013\u2014:.=)([]/|"
_EXPORT_NUMBERS = "(or export the form's values as numbers)"


def _text_answer_hint(raw: str, rng: ResponseRange,
                      label_to_option: dict[str, int]) -> str | None:
    """What to enter for the text answer ``raw`` of an item on ``rng`` when the text holds
    the answer (``; ...``), else None: a response label; a form's choice starting with its
    option number or its label (``4 - Setuju``); a number written as a word (``tiga``); a
    spreadsheet formula, text prefix or error value. Such a cell is a real answer, never a
    missing-value code."""
    folded = _squeezed(raw)
    if folded in _SPREADSHEET_ERRORS:
        return (f"; {raw!r} is a spreadsheet error value (a formula that failed), not an "
                "answer: fix the formula in the spreadsheet and export the values again, or "
                "leave the cell empty if unanswered")
    opt = label_to_option.get(folded)
    if opt is not None:
        other = " written with other spaces" if folded != raw.casefold().strip() else ""
        return f"; {raw!r} is the label of option {opt}{other}, enter {opt}"
    if (word := _number_word_hint(raw, rng)) is not None:
        return word
    if raw.startswith("="):
        body = raw[1:].strip()
        if isinstance(_number(body), int | float):
            return (f"; {raw!r} is a spreadsheet formula saved as text; enter {body} "
                    f"{_EXPORT_NUMBERS}")
        return (f"; {raw!r} is a spreadsheet formula saved as text, not its value: export the "
                "values (in Excel: copy, then Paste Special > Values) or enter the answer")
    if raw.startswith("'") and isinstance(_number(raw[1:].strip()), int | float):
        return (f"; {raw!r} carries Excel's text prefix (the leading '); enter "
                f"{raw[1:].strip()} without it {_EXPORT_NUMBERS}")
    m = _LEADING_OPTION.match(raw)
    if m and rng.min <= int(m.group(1)) <= rng.max:
        n, rest = int(m.group(1)), m.group(2).strip(_CHOICE_SEPARATORS)
        other = label_to_option.get(rest.casefold())
        if other is not None and other != n:
            return (f"; {raw!r} starts with option {n} but {rest!r} is the label of option "
                    f"{other}: check which was meant and enter it {_EXPORT_NUMBERS}")
        return f"; {raw!r} starts with option {n}; enter {n} {_EXPORT_NUMBERS}"
    for label in sorted(filter(None, label_to_option), key=len, reverse=True):
        after = folded[len(label):]
        if folded.startswith(label) and not after[:1].isalnum():
            opt = label_to_option[label]
            number = _number(after.strip(_CHOICE_SEPARATORS))
            if isinstance(number, int) and number != opt:
                return (f"; {raw!r} starts with the label of option {opt} but gives "
                        f"{number}: check which was meant and enter it {_EXPORT_NUMBERS}")
            return (f"; {raw!r} starts with the label of option {opt}; enter {opt} "
                    f"{_EXPORT_NUMBERS}")
    return _initials_hint(raw, rng)


def _squeezed(text: str) -> str:
    """``text`` case-folded, its runs of spaces (a no-break space, a tab) one space."""
    return " ".join(text.casefold().split())


def _initials_hint(raw: str, rng: ResponseRange) -> str | None:
    """``; ...`` naming the option(s) whose label ``raw`` abbreviates by the initials of its
    words (``SS`` for Sangat setuju, ``STS``, ``S``; as paper forms and data entry
    abbreviate), else None."""
    key = raw.strip().casefold()
    if not key.isalpha() or len(key) > 5:
        return None
    hits = {}
    for opt, texts in rng.labels.items():
        for text in texts.values():
            if "".join(w[0] for w in text.split()).casefold() == key:
                hits.setdefault(opt, text)
    if len(hits) == 1:
        ((opt, text),) = hits.items()
        return (f"; {raw!r} looks like the initials of {text!r}, the label of option {opt}: "
                f"if so, enter {opt}")
    if hits:
        which = " or ".join(f"{o} ({t!r})" for o, t in sorted(hits.items()))
        return (f"; {raw!r} looks like the initials of option {which}: check which was meant "
                "and enter it")
    return None


def _is_missing_code(values: pd.Series, codes: tuple[float | str, ...]) -> pd.Series:
    """Cells of ``values`` (text) holding one of ``codes``: numbers compared by value, text
    case-insensitively."""
    numbers = [c for c in codes if not isinstance(c, str)]
    texts = {c.casefold() for c in codes if isinstance(c, str)}
    hit = values.str.casefold().isin(texts)
    if numbers:
        hit |= pd.to_numeric(values, errors="coerce").isin(numbers)
    return hit


#: Cells that spreadsheets and statistics packages write for a missing value (compared
#: case-folded); in a text demographic without declared levels they are refused rather than
#: read as a group.
_MISSING_MARKERS = frozenset({"na", "n/a", "#n/a", "nan", "null", "none", "missing"})
#: Text of an item's cell that looks like a missing-value code (compared case-folded, spaces
#: squeezed: :func:`_squeezed`): the markers above, no answer, don't know, refused (in
#: Indonesian and English), and the dashes and marks written for them. Only such text is
#: advised to be declared under ``missing:``; other text gets no such advice (declaring a
#: mistyped answer missing would read a real answer as no answer).
_MISSING_LIKE = _MISSING_MARKERS | frozenset({
    "-", "--", "---", ".", "?", "n.a.", "dk", "tt", "tj", "tdk tahu", "tidak tahu",
    "tak tahu", "tidak tau", "tdk tau", "gak tahu", "ga tahu", "nggak tahu", "gatau",
    "tidak menjawab", "tdk menjawab", "tidak jawab", "tidak ada jawaban", "menolak",
    "menolak menjawab", "kosong", "don't know", "dont know", "do not know", "refused",
    "no answer", "not applicable", "rf", "nr"})
#: Numbers survey packages use as missing-value codes (99, 999, -9, -99, -1, ...).
_MISSING_NUMBER = r"-\d+|9{2,}|9{2,}\.0+"


def _looks_missing(text: pd.Series) -> pd.Series:
    """Cells of a text demographic that look like a missing-value marker: a marker word, or
    a code number (99, -9) in a column whose other answers are words (a column of numbers,
    such as a district code, holds no marker by this rule)."""
    words = text.str.casefold().isin(_MISSING_MARKERS)
    code = text.str.fullmatch(_MISSING_NUMBER).fillna(False).astype(bool)
    numeric = pd.to_numeric(text, errors="coerce").notna()
    has_words = bool((text.notna() & ~numeric).any())
    return words | (code & has_words)


def _parse_demographic(values: pd.Series, demo: Demographic,
                       missing: tuple[float | str, ...], line_of: pd.Series, path: str,
                       problems: list[Problem], *, decimal_comma: bool = False) -> pd.Series:
    """A demographic column by its declared type (``decimal_comma``: the file separates
    cells with semicolons, as Excel does where the comma is the decimal mark, so a numeric
    ``70,5`` is 70.5)."""
    if missing:
        values = values.where(~_is_missing_code(values, missing), "")
    text = values.where(values != "", None).astype(object)
    col = demo.name
    if demo.type == "numeric":
        if decimal_comma:
            text = _decimal_points(text)
        out = pd.to_numeric(text, errors="coerce").astype("float64")
        for idx in text.index[text.notna() & out.isna()]:
            raw = text[idx]
            hint = (f"; write {raw.replace(',', '.')!r} with a decimal point"
                    if re.fullmatch(_DECIMAL_COMMA, raw) else _number_word_hint(raw)
                    or "; enter a number or leave the cell empty (or, if it is a "
                    f"missing-value code, declare it: '{_declaration_with_code(demo, raw)}')")
            problems.append(Problem(path, f"demographic {col!r} is declared numeric in the "
                                    f"instrument, got {raw!r}" + hint, int(line_of[idx]), col))
        for idx in out.index[np.isinf(out)]:
            problems.append(Problem(path, f"demographic {col!r} is declared numeric in the "
                                    f"instrument, got {text[idx]!r}, which is not a finite "
                                    "number; enter a number or leave the cell empty",
                                    int(line_of[idx]), col))
        for idx in out.index[np.isfinite(out)]:
            if demo.outside(out[idx]):
                raw = text[idx]
                problems.append(Problem(
                    path, f"demographic {col!r}: value {raw} is outside its declared range "
                    f"{demo.range_text()}; correct it, or leave the cell empty if unknown (if "
                    f"it is a missing-value code, add {raw} to the 'missing:' list of {col!r} "
                    f"in the instrument: '{_declaration_with_code(demo, raw)}')",
                    int(line_of[idx]), col))
        return out
    if not demo.levels:
        for idx in text.index[text.notna() & _looks_missing(text)]:
            problems.append(Problem(path, f"demographic {col!r}: {text[idx]!r} looks like a "
                                    "missing-value marker; leave the cell empty for a missing "
                                    "answer, declare it a missing-value code (the instrument's "
                                    f"'missing: [{text[idx]}]'), or declare the levels of "
                                    f"{col!r} in the instrument if {text[idx]!r} is a real "
                                    "category", int(line_of[idx]), col))
        return text
    known = set(demo.levels)
    for idx in text.index[text.notna() & ~text.isin(known)]:
        problems.append(Problem(path, f"demographic {col!r}: {text[idx]!r} is not one of its "
                                f"levels {', '.join(demo.levels)}; correct the cell or add the "
                                "level in the instrument", int(line_of[idx]), col))
    return pd.Series(pd.Categorical(text.where(text.isin(known)), categories=list(demo.levels),
                                    ordered=demo.type == "ordinal"), index=text.index)


# --------------------------------------------------------------------------- scoring

@rows_named("responses")
def _check_items(responses: pd.DataFrame, inst: Instrument, items: Iterable[str]) -> None:
    """Check the ``items`` of a responses frame given in memory: numeric, whole numbers
    inside their response scales. A bad cell's :class:`InputError` names its row as the
    codings checks do (``<input>: row 1 (index 101): ...``, by
    :func:`~._validation.rows_named`)."""
    check_frame(responses, "responses")
    if not isinstance(inst, Instrument):
        raise TypeError(f"instrument must be an Instrument, got {type(inst).__name__}")
    missing = [i for i in items if i not in responses.columns]
    if missing:
        raise ValueError(f"responses lack item column(s) {', '.join(missing)}; read them with "
                         "read_responses(path, instrument)")
    block = responses[list(items)]
    for col in block.columns:
        if not pd.api.types.is_numeric_dtype(block[col]):
            _not_numeric(responses, col)
    ranges = inst._item_ranges()
    for col in block.columns:
        rng = ranges.get(col) or inst._default_range()
        arr = block[col].to_numpy(dtype="float64")
        bad = ~np.isnan(arr) & ((arr < rng.min) | (arr > rng.max))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            more = f" ({int(bad.sum())} values outside it in all)" if bad.sum() > 1 else ""
            raise InputError(f"responses column {col!r} has value {arr[k]:g} outside the "
                             f"response scale {rng} of the item{more}; correct it, or set it "
                             "to NaN (missing)", line=k + 2, column=col)
        with np.errstate(invalid="ignore"):
            part = ~np.isnan(arr) & (arr != np.round(arr))
        if part.any():  # read_responses refuses these too ("must be a whole number")
            k = int(np.flatnonzero(part)[0])
            more = f" ({int(part.sum())} such values in all)" if part.sum() > 1 else ""
            raise InputError(f"responses column {col!r} has value {arr[k]:g}, not a whole "
                             f"number {rng.min}..{rng.max} (a fractional answer){more}; enter "
                             "the option the respondent chose, or set it to NaN (missing)",
                             line=k + 2, column=col)


def _not_numeric(responses: pd.DataFrame, col: str) -> None:
    """Raise for the item ``col`` of ``responses`` that is not numeric, naming its first
    cell that is not a number (text, such as ``"tiga"`` or ``"5"``) when there is one (by
    ``line`` position + 2, which :func:`_check_items` turns into the row's name)."""
    cells = responses[col]
    dtype = cells.dtype
    said = f"responses column {col!r} must be numeric, got dtype {dtype}"
    why = ("(read a responses file with read_responses(path, instrument), which checks "
           "every cell)")
    try:
        numbers = pd.to_numeric(cells, errors="coerce")
    except (TypeError, ValueError):  # values pandas cannot convert at all (lists, ...)
        numbers = pd.Series(np.nan, index=cells.index)
    text = cells.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    bad = np.flatnonzero(cells.notna().to_numpy() & numbers.isna().to_numpy())
    at = bad if len(bad) else np.flatnonzero(text)
    if not len(at):
        raise ValueError(f"{said}; convert it with pd.to_numeric {why}")
    k = int(at[0])
    raw = cells.iloc[k]
    hint = (_number_word_hint(raw) if isinstance(raw, str) else None) or (
        "; enter numbers, NaN for a missing answer" if len(bad) else
        "; convert the column with pd.to_numeric")
    raise InputError(f"{said} holding {raw!r}{hint} {why}", line=k + 2, column=col)


def keyed_items(responses: pd.DataFrame, instrument: Instrument, scale: str) -> pd.DataFrame:
    """The item columns of ``scale`` with reverse-keyed items scored ``min + max - x``.

    ``min`` and ``max`` are those of the scale's response range (:meth:`Instrument.response_range`).

    Examples
    --------
    >>> import pandas as pd
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 5},
    ...     "scales": {"S": {"items": ["a", "b"], "reverse": ["b"]}}})
    >>> keyed_items(pd.DataFrame({"a": [1.0, 4.0], "b": [1.0, 5.0]}), inst, "S")
         a    b
    0  1.0  5.0
    1  4.0  1.0
    """
    sc = instrument._scale(scale)
    _check_items(responses, instrument, sc.items)
    block = responses[list(sc.items)].astype("float64")
    rng = instrument.response_range(scale)
    for item in sc.reverse:
        block[item] = rng.min + rng.max - block[item]
    return block


def score_scales(responses: pd.DataFrame, instrument: Instrument, *,
                 scales: Sequence[str] | None = None, min_items: int | None = None,
                 keep: Sequence[str] | None = None) -> pd.DataFrame:
    """Score every scale: the mean of its answered items after reverse-keying.

    Parameters
    ----------
    responses : DataFrame
        Validated responses (:func:`read_responses`).
    instrument : Instrument
        The instrument.
    scales : sequence of str, optional
        Scales to score (default: all, in instrument order).
    min_items : int, optional
        A respondent needs at least this many answered items of a scale to get a score,
        else the score is NaN. Default: 1 (as psych ``scoreFast`` / ``rowMeans(na.rm=TRUE)``).
        It applies per scale, capped at the scale's number of items: a scale with fewer
        items than ``min_items`` needs all of its items answered (so ``min_items=2`` is
        usable with an instrument that also has single-item scales).
    keep : sequence of str, optional
        Further response columns carried into the result (default: the instrument's
        demographics present in ``responses``).

    Returns
    -------
    DataFrame
        One row per respondent in ``responses`` order: the id column (when present), the
        ``keep`` columns, then one float column per scale named after it.

    Raises
    ------
    InputError
        An item column that is not numeric or holds a value outside its response range
        or a fractional one (2.5), naming the first such row by position and index label
        (``<input>: row 1 (index 101): responses column 'a' has value 7 outside the
        response scale 1..5 ...``), as do :func:`keyed_items`, :func:`likert_table` and
        the psychometrics.

    Notes
    -----
    A reverse-keyed item ``x`` is scored ``min + max - x``. The scale score of respondent
    ``i`` is :math:`\\bar x_i = \\frac{1}{m_i}\\sum_{j \\in A_i} x_{ij}` over the ``m_i``
    answered items ``A_i``; no imputation (psych's ``scoreItems`` imputes item medians by
    default, which shrinks scores of respondents with missing answers towards the middle).

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> scores = ce.score_scales(resp, inst)
    >>> list(scores.columns[:2])
    ['respondent_id', 'district']
    >>> "CITRA" in scores.columns and len(scores) == len(resp)
    True
    """
    _check_items(responses, instrument, [])
    names = (list(instrument.scales) if scales is None else
             check_names(scales, "scales", allow_none=False, unique=True))
    for n in names:
        instrument._scale(n)
    if min_items is not None:
        check_int(min_items, "min_items", minimum=1)
    if keep is None:
        keep = [d for d in instrument.demographics if d in responses.columns]
    else:
        keep = check_names(keep, "keep", unique=True, as_str=False)
        missing = [k for k in keep if k not in responses.columns]
        if missing:
            raise ValueError(f"keep names column(s) not in responses: {', '.join(missing)}")
    front = ([instrument.id_column] if instrument.id_column in responses.columns else [])
    out = responses[front + [k for k in keep if k not in front]].copy()
    need = 1 if min_items is None else min_items
    for n in names:
        block = keyed_items(responses, instrument, n)
        answered = block.notna().sum(axis=1)
        out[n] = block.mean(axis=1, skipna=True).where(
            answered >= min(need, block.shape[1]))
    return out.reset_index(drop=True)


def likert_table(responses: pd.DataFrame, instrument: Instrument, *,
                 items: Sequence[str] | None = None, lang: str = "id") -> pd.DataFrame:
    """Counts and percentages of every response option of every item.

    Parameters
    ----------
    responses : DataFrame
        Validated responses.
    instrument : Instrument
        The instrument (for the options and their labels).
    items : sequence of str, optional
        Items to tabulate (default: every item, in instrument order).
    lang : str
        Language of the option labels (``id`` or ``en``; falls back to any).

    Returns
    -------
    DataFrame
        One row per item and option of the item's own response range
        (:meth:`Instrument.response_range`; options with no answers included, count 0):
        ``item, option, label, count, percent, n_answered, n_missing``. ``percent`` is
        ``100 * count / n_answered`` (missing answers excluded); raw answers, not reverse-keyed.

    Warns
    -----
    ScaleWarning
        An item nobody answered (every cell empty: a misnamed column, an incomplete export):
        its rows count 0 and ``percent`` is NaN.

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> tab = ce.likert_table(resp, inst)
    >>> list(tab.columns)
    ['item', 'option', 'label', 'count', 'percent', 'n_answered', 'n_missing']
    >>> round(float(tab.loc[tab["item"] == "KS1", "percent"].sum()), 6)
    100.0
    """
    names = (instrument.item_names if items is None else
             check_names(items, "items", allow_none=False, unique=True))
    unknown = [i for i in names if i not in set(instrument.item_names)]
    if unknown:
        raise ValueError(f"items not in the instrument: {', '.join(unknown)}")
    _check_items(responses, instrument, names)
    empty = [i for i in names if not responses[i].notna().any()]
    if empty:
        warnings.warn(f"likert_table: item(s) {listed(empty, quote=False)}: {NO_ANSWERS} "
                      "(their rows count 0, percent NaN)", ScaleWarning, stacklevel=2)
    rows = []
    for item in names:
        col = responses[item]
        counts = col.value_counts()
        answered = int(col.notna().sum())
        rng = instrument.response_range(item)
        for opt in rng.options:
            c = int(counts.get(float(opt), 0))
            rows.append({"item": item, "option": opt, "label": rng.label(opt, lang),
                         "count": c, "percent": 100.0 * c / answered if answered else np.nan,
                         "n_answered": answered, "n_missing": int(col.isna().sum())})
    return pd.DataFrame(rows, columns=["item", "option", "label", "count", "percent",
                                       "n_answered", "n_missing"])
