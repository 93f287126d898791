"""Argument and table checks, in one place, with one policy.

Which error a bad input raises:

- :class:`TypeError`: an argument of the wrong Python type (a list where a DataFrame is
  expected, a string where a list of names is expected).
- :class:`ValueError`: an argument of the right type whose *value* is not allowed (``lang="fr"``,
  ``ci=1.5``, an unknown ``method``). These are the caller's choices, fixed by editing the call.
- :class:`~citra_eval.InputError` (a ``ValueError`` subclass): the *data* is wrong — a table or
  file lacks columns, names documents or segments that do not exist, holds impossible values.
  It names the file and line where there is one, so the CLI reports it as ``error: ...``.

Every public function validates its arguments once, at its boundary, through these helpers;
messages name the argument, what was expected and what was received.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import inspect
import itertools
import math
import numbers
import os
import re
import sys
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from .errors import InputError, Problem, did_you_mean

__all__ = [
    "LANGS",
    "SEED_MAX",
    "check_ax",
    "check_bool",
    "check_choice",
    "check_ci",
    "check_codebook",
    "check_codings",
    "check_codings_in_corpus",
    "check_columns",
    "check_corpus",
    "check_document_attribute",
    "check_finite",
    "check_finite_ratings",
    "check_frame",
    "check_group_labels",
    "check_int",
    "check_known",
    "check_lang",
    "check_n_boot",
    "check_names",
    "check_proportion",
    "check_ratings_frame",
    "check_roles",
    "check_seed",
    "check_type",
    "counted",
    "listed",
    "n_boot_problem",
    "regex_hazard",
    "row_name",
]

#: Languages of labels in tables and figures.
LANGS = ("id", "en")

T = TypeVar("T")


def check_type(name: str, value: object, expected: type | tuple[type, ...], what: str, *,
               fix: str = "") -> None:
    """Raise ``TypeError`` naming the argument when ``value`` is not of ``expected`` type;
    ``fix`` (``"; use ... instead"``) ends the message."""
    if not isinstance(value, expected):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}{fix}")


def _is_a(value: object, module: str, cls: str) -> bool:
    """Whether ``value`` is an instance of the package's class ``module.cls`` (or of a
    subclass): ``isinstance`` by the class's module and name, as the inputs' classes live a
    layer above these checks (ARCHITECTURE.md)."""
    return any(c.__module__ == f"citra_eval.{module}" and c.__qualname__ == cls
               for c in type(value).__mro__)


def _check_input(value: object, name: str, module: str, cls: str, *, allow_none: bool,
                 how: str):
    """``value`` if it is a ``citra_eval.<cls>`` (or None with ``allow_none``), else
    ``TypeError`` naming ``name``; for a path (a string or ``os.PathLike``: the usual mistake
    is passing the file a reader takes instead of what it returns) the message ends with
    ``how`` to read it."""
    if (value is None and allow_none) or _is_a(value, module, cls):
        return value
    fix = f"; {how}" if isinstance(value, str | PathLike) else ""
    also = " or None" if allow_none else ""
    raise TypeError(f"{name} must be a citra_eval.{cls}{also}, got {type(value).__name__}{fix}")


def check_corpus(corpus: object, name: str = "corpus", *, allow_none: bool = False):
    """``corpus`` if it is a :class:`~citra_eval.Corpus` (or None with ``allow_none``), else
    ``TypeError``; for a path, the message says how to read the transcripts. The one check of
    every ``corpus=`` argument."""
    return _check_input(corpus, name, "corpus", "Corpus", allow_none=allow_none,
                        how="read the transcripts first: citra_eval.read_transcripts(folder)")


def check_codebook(codebook: object, name: str = "codebook", *, allow_none: bool = True):
    """``codebook`` if it is a :class:`~citra_eval.Codebook` (or None with ``allow_none``),
    else ``TypeError``; for a path, the message says how to load it. The one check of every
    ``codebook=`` argument (a path or a number would otherwise be ignored or fail deep
    inside); for a dict (a codebook.yaml read with ``yaml.safe_load``), it says
    ``Codebook.from_dict``."""
    if isinstance(codebook, Mapping):
        also = " or None" if allow_none else ""
        raise TypeError(f"{name} must be a citra_eval.Codebook{also}, got "
                        f"{type(codebook).__name__}; build it first: "
                        "citra_eval.Codebook.from_dict(d) (or read the file: "
                        "citra_eval.Codebook.load(path))")
    return _check_input(codebook, name, "codebook", "Codebook", allow_none=allow_none,
                        how="load the file first: citra_eval.Codebook.load(path)")


#: A codings table, for messages: its columns (CODING_COLUMNS of citra_eval.codings).
CODINGS_TABLE = "a codings table (doc_id, segment_id, start, end, code, coder)"
#: cooccurrence()'s result, for messages (a codings table is the usual mistake).
COOCCURRENCE_TABLE = ("the result of ce.cooccurrence(codings, corpus=corpus) (code_a, code_b, "
                      "count, jaccard), not the codings table itself")


def check_codings(codings: object, name: str = "codings", *, columns: Iterable[str] = (),
                  what: str = CODINGS_TABLE, allow_none: bool = False) -> pd.DataFrame | None:
    """``codings`` if it is a DataFrame holding ``columns`` (or None with ``allow_none``).

    ``TypeError`` naming ``name`` otherwise, one message for every function (for a path,
    the usual mistake, it ends with how to read the file); :class:`InputError` listing the
    missing ``columns``, ending with ``what`` to pass. The one type check of every
    ``codings=`` (and ``reference=``) argument.
    """
    if codings is None and allow_none:
        return None
    if not isinstance(codings, pd.DataFrame):
        fix = ("; read the file first: citra_eval.read_codings(path)"
               if isinstance(codings, str | PathLike) else "")
        also = " or None" if allow_none else ""
        raise TypeError(f"{name} must be a codings table (a pandas DataFrame){also}, got "
                        f"{type(codings).__name__}{fix}")
    check_columns(codings, name, columns, what=what)
    return codings


def check_ax(ax: object, name: str = "ax"):
    """``ax`` if it is a matplotlib ``Axes`` or None (a new figure), else ``TypeError``:
    the one check of every plot's ``ax=``."""
    if ax is None:
        return None
    from matplotlib.axes import Axes

    check_type(name, ax, Axes, "a matplotlib Axes or None (e.g. fig, ax = plt.subplots())")
    return ax


def check_proportion(value: object, name: str, *, zero: bool = True,
                     one: bool = True) -> float:
    """A proportion from 0 to 1 as a ``float``; 0 itself only with ``zero``, 1 only with
    ``one`` (a share that must be positive, a rate below 1): ``TypeError`` for a value that
    is not a number (``"0.05"``, ``True``), ``ValueError`` for one outside the interval
    (which the message writes, ``(0, 1]``) or NaN."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a proportion, a number from 0 to 1 (e.g. 0.05), got "
                        f"{_described(value)}")
    v = float(value)
    if not ((0 <= v if zero else 0 < v) and (v <= 1 if one else v < 1)):  # NaN fails too
        interval = f"{'[' if zero else '('}0, 1{']' if one else ')'}"
        raise ValueError(f"{name} must be a proportion in {interval}, got {value!r}")
    return v


def check_frame(frame: object, name: str, *, columns: Iterable[str] = (),
                what: str | None = None) -> pd.DataFrame:
    """``frame`` as a DataFrame holding ``columns``.

    ``TypeError`` if it is not a DataFrame; :class:`InputError` listing the missing columns
    (and the ones it has) otherwise. ``what`` describes the expected table in the message
    (e.g. ``"a codings table (doc_id, segment_id, start, end, code, coder)"``).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be {what or 'a pandas DataFrame'}, got "
                        f"{type(frame).__name__}")
    check_columns(frame, name, columns, what=what)
    return frame


def whole_number_columns(frame: pd.DataFrame, name: str, columns: Iterable[str], *,
                         fix: str) -> pd.DataFrame:
    """``frame`` with each of ``columns`` it holds as ``int64``: whole numbers >= 0 as
    numbers, as floats (``12.0``: a column that held a NaN) or as text (a table read back
    from a CSV with ``dtype=str``), read once here so later steps see numbers.

    :class:`InputError` naming the first row of an empty cell (``'start' is empty``) or of
    any other value (``'start' must be a whole number >= 0, got '4.5'``), ending with
    ``fix``.
    """
    out = {}
    for col in columns:
        if col not in frame.columns:
            continue
        s = frame[col]
        if pd.api.types.is_integer_dtype(s.dtype) and not (s.isna() | (s < 0)).any():
            continue
        raw = s.to_numpy(dtype=object)
        num = pd.to_numeric(s.astype(object).map(
            lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
        values = num.to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(values) & (values >= 0) & (values < 2**53)
        ok[ok] = values[ok] == np.floor(values[ok])
        ok &= np.array([not isinstance(v, bool | np.bool_) for v in raw], dtype=bool)
        if not ok.all():
            i = int(np.argmax(~ok))
            v = raw[i]
            empty = v is None or (isinstance(v, str) and not v.strip()) or (
                isinstance(v, float | np.floating) and math.isnan(v)) or v is pd.NA
            said = (f"{col!r} is empty" if empty else
                    f"{col!r} must be a whole number >= 0, got "
                    + (repr(v) if isinstance(v, str) else str(v)))
            raise InputError(f"{name}: row {frame.index[i]}: {said}; {fix}")
        out[col] = values.astype(np.int64)
    return frame.assign(**out) if out else frame


def check_columns(frame: pd.DataFrame, name: str, columns: Iterable[str], *,
                  what: str | None = None) -> None:
    """:class:`InputError` when ``frame`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        hint = f"; pass {what}" if what else ""
        raise InputError(f"{name} lacks column(s) {', '.join(map(str, missing))} (it has "
                         f"{', '.join(map(str, frame.columns)) or 'none'}){hint}")


def check_lang(lang: object, name: str = "lang") -> str:
    """``lang`` if it is a supported label language, else ``ValueError``."""
    return str(check_choice(lang, name, LANGS))


def check_ci(ci: object, name: str = "ci") -> float:
    """A confidence level strictly between 0 and 1: ``TypeError`` for a value that is not a
    number (``"0.9"``, ``True``), ``ValueError`` for a number outside (0, 1)."""
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real):
        raise TypeError(f"{name} must be a confidence level, a number between 0 and 1 (e.g. "
                        f"0.95), got {_described(ci)}")
    if not 0 < float(ci) < 1 or math.isnan(float(ci)):
        raise ValueError(f"{name} must be a confidence level between 0 and 1 (e.g. 0.95), "
                         f"got {ci!r}")
    return float(ci)


def check_bool(value: object, name: str, *, allow_none: bool = False) -> bool | None:
    """``value`` if it is True or False (a NumPy bool too; None too with ``allow_none``),
    else ``TypeError``: a flag given as ``"no"`` or ``1`` would otherwise be silently
    truthy."""
    if value is None and allow_none:
        return None
    if not isinstance(value, bool | np.bool_):
        also = " (or None)" if allow_none else ""
        raise TypeError(f"{name} must be True or False{also}, got {value!r}")
    return bool(value)


def check_group_labels(values: pd.Series, column: str, what: str) -> None:
    """:class:`InputError` when the group labels of ``column`` mix types that pandas or text
    would merge (``1`` and ``1.0`` or ``True`` and ``1`` are one group to ``groupby`` but two
    as text; ``1`` and ``'1'`` two groups to ``groupby`` but one as text), so every analysis
    of ``what`` sees one grouping. Only object columns can mix types."""
    if values.dtype != object:
        return
    typed: dict[tuple[str, str], object] = {}
    for x in values.dropna():
        x = x.item() if isinstance(x, np.generic) else x
        typed.setdefault((type(x).__name__, str(x)), x)
    by_text: dict[str, list] = {}
    by_value: dict[object, list] = {}
    for key, x in typed.items():
        by_text.setdefault(key[1], []).append(key)
        try:
            by_value.setdefault(x, []).append(key)
        except TypeError:  # unhashable: pandas groups it by itself
            pass
    clashes = [keys for keys in [*by_value.values(), *by_text.values()] if len(keys) > 1]
    if clashes:
        shown = "; ".join(" and ".join(f"{typed[k]!r} ({k[0]})" for k in keys)
                          for keys in clashes[:5])
        raise InputError(f"{what}: the groups of {column!r} differ only in type ({shown}): "
                         "pandas' grouping and the text labels of the tests disagree about "
                         "which rows form a group; make the column one type, e.g. "
                         f"frame[{column!r}].astype(str)")


def check_finite(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """:class:`InputError` naming the first of the numeric ``columns`` of ``frame`` that
    holds an infinite value (e.g. a division by zero upstream), and its first three such
    rows (:func:`row_name`: ``row 1 (index 101)``): means, variances and ranks are not
    defined with it. Missing values are allowed (each analysis leaves them out)."""
    for c in columns:
        x = frame[c]
        if not pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x):
            continue
        bad = np.isinf(x.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            rows = ", ".join(row_name(frame, int(at)) for at in np.flatnonzero(bad)[:3])
            raise InputError(f"{what}: column {c!r} holds {int(bad.sum())} infinite "
                             f"value(s) ({rows}); means, variances and ranks are undefined "
                             "with them: replace them with a number or NaN (missing)")


def check_finite_ratings(arr: np.ndarray, name: str, needs: str) -> None:
    """``ValueError`` naming the first infinite value of a units x coders float array and
    where it is (unit = row, coder = column, from 0); ``needs`` says what the analysis needs
    (``"a rating at level='interval' must be a finite number"``). An infinite rating (a
    division by zero upstream) would otherwise turn every sum of squares into NaN."""
    if arr.dtype.kind != "f":
        return
    bad = np.isinf(arr)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ValueError(f"{name} hold an infinite value ({arr[r, c]}) at unit {r}, coder {c}; "
                         f"{needs} (NaN for a missing rating)")


def n_boot_problem(n_boot: int, ci: float, *, default: int = 1000,
                   none: bool = True) -> str | None:
    """Why ``n_boot`` bootstrap replicates cannot give a ``ci`` percentile interval, or None.

    0 means no interval. Otherwise each bound needs, on average, at least one replicate
    beyond it: ``n_boot * (1 - ci) / 2 >= 1``, so at least ``2 / (1 - ci)`` replicates (40 for
    95 %); with fewer the "interval" is the extreme replicates (one replicate: zero width,
    which need not hold the estimate). The fix names the function's ``default`` and, when
    ``none`` (0 is allowed), 0 for no interval. The text follows the argument's name."""
    if n_boot == 0:
        return None
    least = math.ceil(2 / (1 - ci) - 1e-9)
    if n_boot < least:
        return (f"{n_boot} replicates cannot give a {ci:g} percentile interval (each bound "
                f"needs, on average, a replicate beyond it: at least {least}); give {default} "
                f"(the default){', or 0 for no interval' if none else ''}")
    return None


def check_n_boot(n_boot: object, ci: float, name: str = "n_boot", *, default: int = 1000,
                 none: bool = True) -> int:
    """``n_boot`` as an ``int``: 0 (no interval; only when ``none``) or enough replicates for
    a ``ci`` percentile interval (:func:`n_boot_problem`, whose fix names ``default``); else
    ``TypeError`` (not a whole number) or ``ValueError``. ``ci`` must already be checked
    (:func:`check_ci`). A count like any other: :func:`check_int`'s words."""
    n_boot = check_int(n_boot, name, minimum=0 if none else 1)
    problem = n_boot_problem(n_boot, ci, default=default, none=none)
    if problem:
        raise ValueError(f"{name}: {problem}")
    return n_boot


def _described(value: object) -> str:
    """``the string '0.9'`` / ``list``: what a wrong-typed argument was, for a message."""
    return f"the string {value!r}" if isinstance(value, str) else (
        repr(value) if isinstance(value, bool) or value is None else type(value).__name__)


def listed(items: Iterable[object], limit: int = 10, *, quote: bool = True) -> str:
    """``items`` comma-separated (quoted, unless not ``quote``), the first ``limit`` of them
    and a count of the rest (a message must stay readable when a table has hundreds of
    codes)."""
    items = list(items)
    shown = ", ".join(map(repr if quote else str, items[:limit]))
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun`` for a summary line, the noun plural (+ 's') unless ``n`` is 1.

    >>> counted(1, "document"), counted(0, "coding"), counted(3, "pattern hit")
    ('1 document', '0 codings', '3 pattern hits')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_known(values: Iterable[str], name: str, known: Collection[str], *, what: str,
                absent: str = "the data do not have", fix: str = "") -> None:
    """:class:`InputError` naming the ``values`` that are not in ``known`` and listing the
    known ones (shortened when long), with a suggestion for the first unknown one.

    ``what`` names the kind of value (``"code(s)"``), ``absent`` where they were looked for
    (``"no coding has"``); ``fix`` ends the message (how to fix it). One message for every
    argument that names ids of the data (codes, roles).
    """
    have = set(known)
    unknown = [v for v in dict.fromkeys(values) if v not in have]
    if unknown:
        choices = sorted(map(str, have))
        raise InputError(f"{name} names {what} {listed(unknown)} that {absent}; "
                         f"the known ones are {listed(choices) or 'none'}"
                         f"{did_you_mean(str(unknown[0]), choices)}{fix}")


#: The roles CONTRACT.md names; other words are roles too, when a transcript declares them.
CONTRACT_ROLES = ("informant", "interviewer")


def check_speakers(speakers: object, name: str = "speakers") -> dict[str, str] | None:
    """``speakers`` (``{label: role}`` of the speakers in texts to read, or None) as a dict:
    ``TypeError`` for another type or a label that is not a string, ``ValueError`` for a
    blank label or a role the analyses do not know (:data:`CONTRACT_ROLES`: a typo such as
    ``'informan'`` would leave the informant without turns to analyse)."""
    if speakers is None:
        return None
    check_type(name, speakers, Mapping, "a mapping {label: role}",
               fix=", e.g. {'Pak Budi': 'informant', 'Interviewer': 'interviewer'}")
    out = {}
    for label, role in speakers.items():
        check_type(f"a label of {name}", label, str, "a string (a speaker label)")
        if not label.strip():
            raise ValueError(f"{name} has a blank label; give each speaker's label as the "
                             "texts write it")
        check_choice(role, f"the role of {label!r} in {name}", CONTRACT_ROLES,
                     fix=" (the analyses use informants' turns; give other speakers "
                         "'interviewer', or leave them out)")
        out[label.strip()] = role
    return out


def check_roles(roles: object, corpus, name: str = "roles") -> tuple[str, ...] | None:
    """``roles`` (a list of role names, or None for every segment) as a tuple, each a role
    of some segment of ``corpus``: the one check of every ``roles=`` argument.

    ``TypeError`` for a bare string (as :func:`check_names`: ``["informant"]`` for one
    role) and for anything but strings; :class:`InputError` naming a role no segment
    has (``"informan"``), so a typo cannot select no turns and give an empty result. The
    contract's roles (``informant``, ``interviewer``) are always accepted: a corpus without
    speakers has none, and selects nothing (as a study, ``validate`` warns about it); a
    corpus whose turns all have other roles (``narasumber``) selects nothing with a
    ``UserWarning`` naming the roles it has.
    """
    chosen = check_names(roles, name, as_str=False)
    if chosen is None:
        return None
    if not all(isinstance(r, str) for r in chosen):
        raise TypeError(f"{name} must be a list of role names (e.g. ['informant']) or None "
                        f"for every segment, got {roles!r}")
    have = [r for r in corpus.segments["role"].dropna().astype(str).unique() if r]
    # the contract's two roles select nothing in a corpus without them (a study whose
    # transcripts have no speakers: validate warns); any other unknown role is a typo
    unknown = [r for r in chosen if r not in {*have, *CONTRACT_ROLES}]
    if unknown:
        check_known(chosen, name, [*have, *CONTRACT_ROLES], what="role(s)",
                    absent="no segment of the corpus has",
                    fix=(f"; {roles_fix(corpus)}, or choose roles the corpus has (None for "
                         "every segment; on the command line --roles, 'all' for every "
                         "segment)"))
    if have and not set(chosen) & set(have):
        # the contract's roles, absent where the speakers have other role words (e.g.
        # 'narasumber'): every analysis would come back empty without a word
        other = ([r for r in sorted(have) if r not in CONTRACT_ROLES] or sorted(have))[0]
        warnings.warn(f"no turn has the role(s) {listed(chosen)}, so nothing is selected "
                      f"(roles here: {', '.join(sorted(have))}); {informants_fix(corpus)}; "
                      f"or pass the roles to use, e.g. {name}=[{other!r}]",
                      UserWarning, stacklevel=3)
    elif not have:
        _warn_speakers_without_roles(chosen, corpus)
    return tuple(chosen)


def _warn_speakers_without_roles(chosen: list[str], corpus) -> None:
    """The ``UserWarning`` of :func:`check_roles` for a corpus whose turns have speakers but
    no roles (``speakers: [INT, R1]``, a list, names the speakers without roles): ``chosen``
    selects nothing; the fix shows the mapping to write, with the corpus's speakers."""
    segs = corpus.segments
    labels = [s for s in segs["speaker"].dropna().astype(str).unique() if s]
    if not labels:  # no speakers at all: the documented silent selection (validate warns)
        return
    first = [s for s in dict.fromkeys(segs.loc[segs["doc_id"] == segs["doc_id"].iloc[0],
                                               "speaker"].astype(str)) if s]
    mapping = ", ".join(f"{s}: {'interviewer' if i == 0 and len(first) > 1 else 'informant'}"
                        for i, s in enumerate(first[:4]))
    fix = (roles_fix(corpus) if len(_subtitle_documents(corpus))
           else "write them with their roles in each transcript's front matter, e.g. "
                f"'speakers: {{{mapping}}}' (a list such as 'speakers: [{', '.join(first[:4])}]'"
                " names the speakers without roles)")
    warnings.warn(f"no turn has the role(s) {listed(chosen)}, so nothing is selected: the "
                  f"speakers ({listed(labels, limit=5, quote=False)}) have no role; {fix}",
                  UserWarning, stacklevel=4)


def _subtitle_documents(corpus) -> pd.DataFrame:
    """The documents of ``corpus`` read from a subtitle file (``.vtt``, ``.srt``): they have
    no front matter, their speakers' roles come from a sidecar ``<name>.yaml``."""
    docs = corpus.documents
    return docs[docs["format"].isin(("vtt", "srt"))] if len(docs) else docs


def _sidecar_place(subtitles: pd.DataFrame, example: str) -> str:
    """Where a subtitle file's speakers get their roles: its sidecar, with the lines it
    holds (``example``: the speakers mapping)."""
    doc, path = subtitles["doc_id"].iloc[0], Path(str(subtitles["path"].iloc[0]))
    others = " (and one per other subtitle file)" if len(subtitles) > 1 else ""
    return (f"in a sidecar file beside each .vtt/.srt, named like it with .yaml: "
            f"{path.with_suffix('.yaml').name}{others} with the lines id: {doc} and "
            f"speakers: {{{example}}}")


def without_speakers(corpus) -> bool:
    """Whether no turn of ``corpus`` has a speaker: texts of paragraphs (field notes,
    comments, a QDA project's documents), whose turns no role can select."""
    speakers = corpus.segments["speaker"]
    return not speakers.map(lambda s: isinstance(s, str) and bool(s)).any()


def roles_fix(corpus) -> str:
    """How to give the speakers of ``corpus`` roles, as the fix of a message: in each
    transcript's front matter, and for a format without one (``.vtt``, ``.srt``) in its
    sidecar ``<name>.yaml``, with that file's speakers as the example. Texts without
    speakers (:func:`without_speakers`) have no one to give a role: every paragraph is
    taken with ``--roles all`` (``roles=None``)."""
    if len(corpus.segments) and without_speakers(corpus):
        return ("these texts have no speakers (paragraphs, not turns), so no role can "
                "select their text: take every paragraph with --roles all ('citra-eval "
                "agree', 'citra-eval sheet export') or roles=None (the library's functions)")
    docs, subtitles = corpus.documents, _subtitle_documents(corpus)
    where = []
    if len(subtitles) < len(docs):
        where.append("in each transcript's front matter (e.g. 'speakers: {Budi: informant, "
                     "Interviewer: interviewer}')")
    if len(subtitles):
        doc = subtitles["doc_id"].iloc[0]
        speakers = [s for s in dict.fromkeys(corpus.segments_of(doc)["speaker"]) if s][:3]
        example = ", ".join(f"{s!r}: <role>" for s in speakers) or "LABEL: <role>"
        where.append(_sidecar_place(subtitles, example)
                     + " (roles: informant, interviewer)")
    return "give the speakers roles " + "; and ".join(where)


def _informant_example(corpus, doc_ids) -> str:
    """``P: pewawancara, N: informant``: the speakers of the first of ``doc_ids`` with a
    role, the last one not the interviewer marked as the informant (an example)."""
    segs = corpus.segments
    for doc in doc_ids:
        mine = segs[segs["doc_id"] == doc]
        roles = {str(s): str(r) for s, r in zip(mine["speaker"], mine["role"], strict=True)
                 if isinstance(s, str) and s and isinstance(r, str) and r}
        if roles:
            shown = dict(list(roles.items())[:3])
            others = [s for s, r in shown.items() if r != "interviewer"]
            shown[others[-1] if others else "N"] = "informant"
            return ", ".join(f"{yaml_key(s)}: {r}" for s, r in shown.items())
    return "P: interviewer, N: informant"


#: Words that YAML (PyYAML, which reads the front matter) reads as a boolean or null:
#: quoted as keys.
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})


def yaml_key(name: str) -> str:
    """``name`` as a user types it as a YAML mapping key in front matter: plain (``PWW``,
    ``Budi Santoso``) when YAML reads it back as that text, else single-quoted."""
    if (re.fullmatch(r"[^\W\d_][\w .-]*", name) and not name.endswith(" ")
            and name.lower() not in _YAML_WORDS and ": " not in name and " #" not in name):
        return name
    return "'" + name.replace("'", "''") + "'"


def informants_fix(corpus) -> str:
    """How to mark the informants of ``corpus`` whose speakers have roles but none is
    ``informant``, as the fix of a message (which names the roles found): where each
    transcript's speakers are declared (its front matter, or the sidecar ``<name>.yaml`` of
    a ``.vtt`` or ``.srt``), with an example from its own speakers."""
    docs, subtitles = corpus.documents, _subtitle_documents(corpus)
    head = "mark the people interviewed as informants: give each of them the role informant "
    head += "in 'speakers' "
    where = []
    rest = docs[~docs["doc_id"].isin(subtitles["doc_id"])]
    if len(rest):
        where.append("in each transcript's front matter (e.g. 'speakers: "
                     f"{{{_informant_example(corpus, rest['doc_id'])}}}')")
    if len(subtitles):
        where.append(_sidecar_place(subtitles,
                                    _informant_example(corpus, subtitles["doc_id"])))
    return head + "; and ".join(where)


def caller_stacklevel() -> int:
    """The ``stacklevel`` of a warning, issued by the function that calls this, that points
    at the first frame outside the citra_eval package (the user's call, however deep the
    library functions in between)."""
    package = os.path.normcase(os.path.dirname(os.path.abspath(__file__))) + os.sep
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.normcase(
            os.path.abspath(frame.f_code.co_filename)).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def check_choice(value: T, name: str, choices: Collection[T], *, also: str = "",
                 fix: str = "") -> T:
    """``value`` if it is one of ``choices``, else ``ValueError``: the one check of every
    option that takes one of a fixed set of values.

    The message names the argument, lists the choices (a set sorted; None among them as
    None), says what else the argument takes (``also``, e.g. ``"a list of doc ids"``), what
    it got, the choice closest to a mistyped string, and ends with ``fix`` (``"; ..."``).
    A value that cannot be compared with the choices (a list, a dict) is not one of them.
    """
    try:
        known = value in choices
    except (TypeError, ValueError):  # unhashable for a set; an array's ambiguous truth
        known = False
    if not known:
        shown = sorted(choices, key=repr) if isinstance(choices, set | frozenset) else choices
        words = [c for c in shown if isinstance(c, str)]
        did = did_you_mean(value, words) if isinstance(value, str) else ""
        other = f" (or {also})" if also else ""
        raise ValueError(f"{name} must be one of {', '.join(map(repr, shown))}{other}, got "
                         f"{value!r}{did}{fix}")
    return value


def check_int(value: object, name: str, *, minimum: int | None = None,
              maximum: int | None = None, why: str = "") -> int:
    """An integer (not a bool; a NumPy integer too) of at least ``minimum`` and at most
    ``maximum``, as a Python ``int``, else ``TypeError``/``ValueError``; ``why`` (``"smaller
    than the 4 interviews"``) says in the message where the maximum comes from."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        reason = f" ({why})" if why else ""
        raise ValueError(f"{name} must be at most {maximum}{reason}, got {value}")
    return int(value)


#: The largest seed: scikit-learn's ``random_state`` (the learned coder) takes 0 to 2**32 - 1,
#: numpy's ``default_rng`` (the bootstraps, the simulation) any whole number of 0 or more.
SEED_MAX = 2**32 - 1


def check_seed(value: object, name: str = "seed") -> int:
    """A seed every random step takes: a whole number from 0 to :data:`SEED_MAX` (numpy
    integers too), as a Python ``int``; else ``TypeError`` (not a whole number) or
    ``ValueError`` (out of range), both saying the range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        error: type[Exception] = TypeError
    elif not 0 <= value <= SEED_MAX:
        error = ValueError
    else:
        return int(value)
    raise error(f"{name} must be a whole number from 0 to {SEED_MAX}, got {value!r}")


def check_names(value: object, name: str, *, allow_none: bool = True, unique: bool = False,
                as_str: bool = True) -> list | None:
    """A list of names from a list/tuple of strings; a bare string is refused (``TypeError``).

    A single string is almost always a mistake for a one-element list (``controls="age"``
    would otherwise be read as the names ``a``, ``g``, ``e``): the one rule for every
    argument that takes several names. With ``unique``, a name given twice is a
    ``ValueError``. ``as_str=False`` keeps the names as given (column labels of a frame
    may be numbers).
    """
    if value is None and allow_none:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence | set | frozenset | pd.Index):
        got = f"the string {value!r}" if isinstance(value, str) else type(value).__name__
        hint = f" (write [{value!r}] for one name)" if isinstance(value, str) else ""
        raise TypeError(f"{name} must be a list of names, got {got}{hint}")
    names = [str(v) for v in value] if as_str else list(value)
    if unique:
        twice = list(dict.fromkeys(v for i, v in enumerate(names) if v in names[:i]))
        if twice:
            raise ValueError(f"{name} names {', '.join(map(repr, twice))} more than once; give "
                             "each name once")
    return names


def check_document_attribute(value: object, corpus, name: str = "by") -> str:
    """``value`` if it names one document attribute of ``corpus`` (a column of
    ``corpus.documents``: a front-matter field), the one check of every ``by=`` of the
    analyses that group interviews.

    One name only: a list or tuple (``by=["faculty", "campus"]``, as a study's ``group_by``
    is) is a ``TypeError`` saying to call once per column (several columns would need one
    output column per attribute and, for ``keyness``, a target per attribute); any other
    non-string is a ``TypeError`` too. A string that is not an attribute is a
    ``ValueError`` listing the attributes (and the closest one).
    """
    if isinstance(value, list | tuple):
        names = list(value)
        how = (f" (e.g. {name}={names[0]!r}, then {name}={names[1]!r})" if len(names) > 1
               else f" ({name}={names[0]!r})" if names else "")
        raise TypeError(f"{name} takes one column name, got a {type(value).__name__} "
                        f"{names!r}; call once per column{how}")
    if not isinstance(value, str):
        raise TypeError(f"{name} must be the name of a document attribute (a string), got "
                        f"{_described(value)}")
    columns = [str(c) for c in corpus.documents.columns]
    if value not in columns:
        raise ValueError(f"{name} must be a document attribute (a front-matter field: "
                         f"{listed(columns, 20)}), got {value!r}{did_you_mean(value, columns)}")
    return value


def rows_named(argument: str):
    """Decorate a function that checks the table ``argument`` (a DataFrame): when that table
    is given in memory (no ``path``, no ``_line`` column), its :class:`InputError` names each
    row by position and index label (``<input>: row 0 (index 100): ...``), not by the line
    ``position + 2`` it would have in a CSV file (kept as ``.line``)."""
    def wrap(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def checked(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except InputError as exc:
                frame = signature.bind(*args, **kwargs).arguments.get(argument)
                if not isinstance(frame, pd.DataFrame) or "_line" in frame.columns:
                    raise
                problems = [_row_named(p, frame) for p in exc.problems]
                if problems == exc.problems:
                    raise
                raise InputError(problems=problems) from None
        return checked
    return wrap


def _row_named(problem: Problem, frame: pd.DataFrame) -> Problem:
    """``problem`` with its row of ``frame`` named, when it is one (line = position + 2)."""
    at = None if problem.line is None else problem.line - 2
    if problem.path is not None or problem.row is not None or at is None \
            or not 0 <= at < len(frame):
        return problem
    return dataclasses.replace(problem, row=row_name(frame, at))


def row_name(frame: pd.DataFrame, at: int) -> str:
    """The row at position ``at`` of a DataFrame given in memory, as :class:`Problem`
    ``row`` names it: ``row 0`` when its index label is its position (a default index),
    else ``row 0 (index 100)``."""
    label = frame.index[at]
    label = label.item() if isinstance(label, np.generic) else label
    return f"row {at}" if isinstance(frame.index, pd.RangeIndex) and label == at \
        else f"row {at} (index {label!r})"


def check_codings_in_corpus(codings: pd.DataFrame, corpus, *, name: str = "codings") -> None:
    """:class:`InputError` when codings name documents or segments the corpus does not have.

    One rule for every function that combines codings with a corpus (the same bad input
    gives the same error everywhere).
    """
    docs = set(corpus.doc_ids)
    unknown = sorted({str(d) for d in codings["doc_id"]} - {str(d) for d in docs})
    if unknown:
        shown = listed(unknown, limit=5, quote=False)
        raise InputError(f"{name} refer to document(s) not in the corpus: {shown}; read the "
                         "transcripts these codings were made on")
    if "segment_id" in codings.columns and len(codings):
        segs = corpus.segments
        known = pd.MultiIndex.from_frame(segs[["doc_id", "segment_id"]].astype(
            {"segment_id": "int64"}))
        ids = pd.to_numeric(codings["segment_id"], errors="coerce")
        pairs = pd.MultiIndex.from_arrays([codings["doc_id"].astype(str),
                                           ids.fillna(-1).astype("int64")])
        bad = ~pairs.isin(known)
        if bad.any():
            first = codings[bad].iloc[0]
            raise InputError(f"{name} refer to {int(bad.sum())} segment(s) not in the corpus, "
                             f"e.g. {first['doc_id']}/{first['segment_id']}; segment_id counts "
                             "the turns of each transcript from 1")


# --------------------------------------------------------------------------- regexes

_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def regex_hazard(pattern: str) -> str | None:
    """Why ``pattern`` (a valid Python regex) may take exponential time, or None.

    A codebook regex is run on every turn of every transcript; a pattern such as
    ``(a+)+$`` backtracks exponentially on a long run of ``a`` not followed by the end and
    hangs the run. Refused: a repeated group (``*``, ``+``, ``{m,n}`` with more than one
    repetition) that itself holds a repetition — *nested quantifiers*, the usual form of
    catastrophic backtracking; a repeated group that can match nothing or holds an optional
    part that can start like what follows it (``(?:a?){30}a{30}``, ``(?:\\w?\\s?){25}!``:
    minutes on one 40-character tweet); alternatives under repetition that can start alike;
    and two repetitions of characters in a row that can match the same character (``a*a*c``,
    ``[a-z ]*[a-z ]*x``: polynomial, over a minute on one 5 KB turn). Possessive repeats are
    allowed; an atomic group is judged by what it holds (``(?>(a+)+b)`` is refused: it gives
    nothing back once matched, but backtracks fully inside itself while matching). Write
    ``(a+)+`` as ``a+``, ``(\\w+\\s?)*`` as ``[\\w\\s]*``, ``a*a*`` as ``a*``.
    """
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    try:
        tree = _parser.parse(pattern)
    except re.error:
        return None  # invalid patterns are reported by re.compile
    token = _UNIVERSE.set(_ALPHABET | _characters_named(tree))
    try:
        return _hazard(tree, c)
    finally:
        _UNIVERSE.reset(token)


def _hazard(tree, c) -> str | None:
    """:func:`regex_hazard` of a parsed pattern (``c``: ``re._constants``)."""

    def many(hi: int) -> bool:
        return hi is c.MAXREPEAT or hi > 1

    def repeats_inside(seq) -> bool:
        for op, av in seq:
            if str(op) in _REPEATS and many(av[1]):
                return True
            if any(repeats_inside(sub) for sub in _children(op, av)):
                return True
        return False

    def walk(seq) -> str | None:
        for op, av in seq:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT") and many(av[1]) and repeats_inside(av[2]):
                return ("a repeated group holds another repetition (nested quantifiers, as in "
                        "'(a+)+'), which can take exponential time on some texts; write it "
                        "without the nesting (e.g. 'a+' for '(a+)+')")
            if name in ("MAX_REPEAT", "MIN_REPEAT") and many(av[1]) and _ambiguous(av[2]):
                return ("alternatives inside a repeated group can match the same text (as in "
                        "'(a|a)*' or '(a|aa)*'), which can take exponential time on some texts; "
                        "make the alternatives start with different characters, or make the "
                        "repetition possessive ('(?:a|aa)*+')")
            if name in ("MAX_REPEAT", "MIN_REPEAT") and many(av[1]) and _optional(av[2]):
                return ("a repeated group can match nothing or holds an optional part (as "
                        "in '(?:a?){30}' or '(?:\\w?\\s?)+'), so a text can be split among "
                        "the repetitions in exponentially many ways; write the group as one "
                        "class ('[\\w\\s]*' for '(?:\\w?\\s?)+'), or make the repetition "
                        "possessive ('(?:a?)++')")
            # an atomic group gives nothing back once it has matched, but backtracks as
            # much as any group while it is matching: its inside is judged like any other
            for sub in _children(op, av):
                why = walk(sub)
                if why:
                    return why
        if _adjacent_runs(seq):  # after what the groups themselves say
            return ("two repetitions in a row can match the same characters (as in 'a*a*', "
                    "'[a-z ]*[a-z ]*' or '(?:ab|cd)*(?:ab|ef)*'), which takes polynomial time on "
                    "long turns; merge them into one ('a*'), or make one possessive ('a*+')")
        return None

    return walk(tree)


#: The characters first-character sets are computed over (Latin scripts and punctuation),
#: to which each pattern adds the characters it names (:func:`_characters_named`).
_ALPHABET = frozenset(map(chr, range(0x250)))
#: :data:`_ALPHABET` and the characters of the pattern being judged.
_UNIVERSE: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "regex_universe", default=_ALPHABET)
#: A class range beyond :data:`_ALPHABET` adds all its characters up to this many, else
#: every n-th one and its ends (two ranges that overlap share the higher of their starts).
_RANGE_SAMPLE = 2048


def _characters_named(seq) -> frozenset:
    """The characters outside :data:`_ALPHABET` that ``seq`` names as literals or class
    ranges (a range: its characters, sampled when long), so that two runs of another script
    (``[\u0600-\u06ff]*[\u0600-\u06ff]*``) are seen to overlap as Latin ones are."""
    chars: set = set()
    for op, av in seq:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL"):
            chars.add(chr(av))
        elif name == "IN":
            for item_op, item in av:
                if str(item_op) == "LITERAL":
                    chars.add(chr(item))
                elif str(item_op) == "RANGE":
                    lo, hi = item
                    step = max(1, (hi - lo + 1) // _RANGE_SAMPLE)
                    chars.update(map(chr, range(lo, hi + 1, step)))
                    chars.update((chr(lo), chr(hi)))
        for sub in _children(op, av):
            chars |= _characters_named(sub)
    return frozenset(chars) - _ALPHABET
_CATEGORY = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
             "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


def _class_chars(items) -> frozenset:
    """The characters of the universe (:data:`_UNIVERSE`) a character class (``IN``
    items) matches."""
    universe = _UNIVERSE.get()
    chars, negate = set(), False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE":
            chars.update(c for c in universe if av[0] <= ord(c) <= av[1])
        elif name == "CATEGORY" and str(av) in _CATEGORY:
            rx = re.compile(_CATEGORY[str(av)])
            chars.update(c for c in universe if rx.match(c))
        else:
            return universe  # anything else: assume it may match anything
    return universe - chars if negate else frozenset(chars)


def _first(seq) -> tuple[frozenset, bool]:
    """(characters a match of ``seq`` can start with, whether it can match the empty
    string); conservative: when unsure, every character."""
    first: set = set()
    for op, av in seq:
        chars, empty = _first_of(op, av)
        first |= chars
        if not empty:
            return frozenset(first), False
    return frozenset(first), True


def _first_of(op, av) -> tuple[frozenset, bool]:
    name = str(op)
    if name == "LITERAL":
        return frozenset(chr(av)), False
    if name == "NOT_LITERAL":
        return _UNIVERSE.get() - {chr(av)}, False
    if name == "ANY":
        return _UNIVERSE.get(), False
    if name == "IN":
        return _class_chars(av), False
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return frozenset(), True  # zero width
    if name in _REPEATS:
        chars, empty = _first(av[2])
        return chars, empty or av[0] == 0
    if name == "SUBPATTERN":
        return _first(av[3])
    if name == "ATOMIC_GROUP":
        return _first(av)
    if name == "BRANCH":
        firsts = [_first(alt) for alt in av[1]]
        return (frozenset().union(*(f for f, _ in firsts)), any(e for _, e in firsts))
    return _UNIVERSE.get(), True


_SINGLE = ("LITERAL", "NOT_LITERAL", "ANY", "IN")
_MAXREPEAT = re._constants.MAXREPEAT  # type: ignore[attr-defined]


def _unwrapped(body) -> list:
    """A repeated ``body`` seen through the groups that hold all of it: ``([a-z ])*``
    repeats what ``(?:[a-z ])*`` and ``[a-z ]*`` do."""
    while len(body) == 1 and str(body[0][0]) in ("SUBPATTERN", "ATOMIC_GROUP"):
        op, av = body[0]
        body = av[3] if str(op) == "SUBPATTERN" else av
    return list(body)


def _chars_in(seq) -> frozenset:
    """The characters of the universe (:data:`_UNIVERSE`) a match of ``seq`` can hold
    (every character when unsure)."""
    chars: set = set()
    for op, av in seq:
        name = str(op)
        if name in _SINGLE:
            chars |= _first_of(op, av)[0]
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name in ("SUBPATTERN", "ATOMIC_GROUP", "BRANCH") or name in _REPEATS:
            for sub in _children(op, av):
                chars |= _chars_in(sub)
        else:
            return _UNIVERSE.get()
    return frozenset(chars)


#: The most strings :func:`_strings` lists for a repeated group.
_MAX_STRINGS = 256


def _strings(seq) -> frozenset | None:
    """The strings ``seq`` matches when they are few (literals, small classes,
    alternatives, short bounded repeats), else None."""
    out = {""}
    for op, av in seq:
        name = str(op)
        if name == "LITERAL":
            each: frozenset | None = frozenset(chr(av))
        elif name == "IN":
            each = _class_chars(av)
            each = each if len(each) <= 8 else None
        elif name == "SUBPATTERN":
            each = _strings(av[3])
        elif name == "BRANCH":
            alts = [_strings(alt) for alt in av[1]]
            each = None if any(a is None for a in alts) else frozenset().union(*alts)
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and av[1] is not _MAXREPEAT and av[1] <= 4:
            one = _strings(av[2])
            each = None if one is None else frozenset(
                "".join(p) for k in range(av[0], av[1] + 1)
                for p in itertools.product(one, repeat=k)
                if len(one) ** k <= _MAX_STRINGS)
        else:
            each = None
        if each is None or len(out) * len(each) > _MAX_STRINGS:
            return None
        out = {a + b for a in out for b in each}
    return frozenset(out)


def _same_text(a: list, b: list) -> bool:
    """Whether repetitions of ``a`` and of ``b`` (unwrapped bodies) can match the same
    text; conservative: when unsure, yes when they can start alike."""
    one_a = len(a) == 1 and str(a[0][0]) in _SINGLE
    one_b = len(b) == 1 and str(b[0][0]) in _SINGLE
    if one_a and one_b:
        return bool(_first(a)[0] & _first(b)[0])
    if one_a or one_b:  # a run of one class takes the other's text when it holds all of it
        run, other = (a, b) if one_a else (b, a)
        held = _chars_in(other)
        return bool(held) and held <= _first(run)[0]
    sa, sb = _strings(a), _strings(b)
    if sa is not None and sb is not None:
        twice_a = sa | {x + y for x in sa for y in sa}
        twice_b = sb | {x + y for x in sb for y in sb}
        return bool((twice_a & twice_b) - {""})
    return bool(_first(a)[0] & _first(b)[0])


def _adjacent_runs(seq) -> bool:
    """Whether ``seq`` holds two unbounded (or long) greedy/lazy repetitions that can match
    the same text with nothing between them but what can match the empty string (``a*a*``,
    ``[a-z ]*\\s?[a-z ]*``, ``([a-z ])*([a-z ])*``, ``(?:ab|cd)*(?:ab|ef)*``): a run of
    such text can be split between them in many ways, and the search tries each at every
    start."""
    before: list = []
    for op, av in seq:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT") and (av[1] is _MAXREPEAT or av[1] > 16):
            body = _unwrapped(av[2])
            if any(_same_text(prev, body) for prev in before):
                return True
            # one that must match some text of its own separates the runs around it
            before = [body] if av[0] >= 1 else [*before, body]
            continue
        if not _first_of(op, av)[1]:  # something that must consume a character
            before = []
    return False


def _ambiguous(body) -> bool:
    """Whether a repeated ``body`` holds a choice (``|``) whose alternatives can start the
    same way: then a text can be split among the repetitions in exponentially many ways.
    An alternative that can match nothing counts with what may follow it: the rest of the
    body, then the body again."""
    return _ambiguous_seq(body, _first(body)[0])


def _ambiguous_seq(seq, after: frozenset) -> bool:
    """:func:`_ambiguous` for a sequence followed by characters in ``after``."""
    for i, (op, av) in enumerate(seq):
        name = str(op)
        if name not in ("BRANCH", "SUBPATTERN"):
            continue
        rest, rest_empty = _first(seq[i + 1:])
        follow = rest | after if rest_empty else rest
        if name == "SUBPATTERN":
            if _ambiguous_seq(av[3], follow):
                return True
            continue
        starts = []
        for alt in av[1]:
            chars, empty = _first(alt)
            starts.append(chars | follow if empty else chars)
        if any(a & b for k, a in enumerate(starts) for b in starts[k + 1:]):
            return True
        if any(_ambiguous_seq(alt, follow) for alt in av[1]):
            return True
    return False


def _optional(body) -> bool:
    """Whether a repeated ``body`` can match the empty string, or holds an optional item
    (``?``, ``{0,1}``) that can start like what may follow it (the rest of the body, then
    the body again): then each repetition may or may not take a character, and a text can
    be split among the repetitions in many ways (``(?:a?){30}a{30}``, ``(?:\\w?\\s?){25}!``,
    ``(?:\\w\\s?\\w?)+``). ``(?:ab?)+`` (what ``(a|ab)+`` parses to) is not: ``b`` never
    starts the body."""
    first, empty = _first(body)
    return empty or _optional_seq(body, first)


def _optional_seq(seq, after: frozenset) -> bool:
    """:func:`_optional` for a sequence followed by characters in ``after``."""
    for i, (op, av) in enumerate(seq):
        name = str(op)
        if name not in ("MAX_REPEAT", "MIN_REPEAT", "SUBPATTERN", "BRANCH"):
            continue  # possessive, atomic and lookaround parts do not give back
        rest, rest_empty = _first(seq[i + 1:])
        follow = rest | after if rest_empty else rest
        if name == "SUBPATTERN":
            subs = [av[3]]
        elif name == "BRANCH":
            subs = list(av[1])
        else:
            if av[0] == 0 and _first(av[2])[0] & follow:
                return True
            subs = [av[2]]
        if any(_optional_seq(sub, follow) for sub in subs):
            return True
    return False


def _children(op, av) -> list:
    """The sub-patterns of one node of ``re._parser``'s tree."""
    name = str(op)
    if name in _REPEATS:
        return [av[2]]
    if name == "SUBPATTERN":
        return [av[3]]
    if name == "BRANCH":
        return list(av[1])
    if name in ("ASSERT", "ASSERT_NOT"):
        return [av[1]]
    if name == "ATOMIC_GROUP":
        return [av]
    if name == "GROUPREF_EXISTS":
        return [x for x in av[1:] if x is not None]
    return []


def check_column_roles(where: str, roles: Sequence[tuple[str, str, str | Sequence[str] | None]]
                ) -> None:
    """Refuse one column named in two roles of a call (the outcome also the grouping column,
    the weights also a predictor).

    ``roles`` holds ``(argument, role, names)`` triples, e.g. ``("dv", "the outcome", "y")``;
    ``names`` is one column, several, or None (the role is not used). Raises
    :class:`ValueError` naming the column, both roles and both arguments.
    """
    seen: dict[object, tuple[str, str]] = {}
    for argument, role, names in roles:
        if names is None:
            continue
        for name in [names] if isinstance(names, str) else list(names):
            if name in seen and seen[name][0] != argument:
                arg0, role0 = seen[name]
                raise ValueError(f"{where}: column {name!r} is used in two roles: {role0} "
                                 f"cannot also be {role} ({arg0}= and {argument}= both name "
                                 "it); name a different column for one of them")
            seen.setdefault(name, (argument, role))


__all__ += ["check_column_roles"]


#: Column names of a ratings table that name its units rather than hold a coder's ratings.
_UNIT_ID_COLUMNS = ("unit", "unit_id", "id", "doc_id", "segment_id", "respondent")
#: Columns that mark a codings table (the codings contract's) given where ratings are expected.
_CODINGS_MARKS = ("doc_id", "code", "coder")


def _is_number_text(v: object) -> bool:
    try:
        return math.isfinite(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def check_ratings_frame(frame: pd.DataFrame, name: str = "ratings") -> None:
    """:class:`InputError` when a DataFrame given as ratings (units in rows, one column per
    coder) holds columns that are not a coder's ratings, since every column would be counted
    as a coder: a codings table (``doc_id``, ``code``, ``coder``: its agreement is
    ``ce.agreement``); a column naming the units (``unit``, ``id``, ``respondent``, ...: it
    belongs in the index); a column of dates; a column of text (not numbers written as text)
    beside columns of numbers."""
    columns = [str(c) for c in frame.columns]
    if all(c in columns for c in _CODINGS_MARKS):
        raise InputError(
            f"{name} is a codings table ({listed(columns, 8, quote=False)}), not a ratings "
            "table (units in rows, one column of ratings per coder); the agreement of codings "
            "is ce.agreement(codings, corpus=corpus) (and ce.presence_agreement)")
    ids = [c for c in frame.columns if str(c).strip().lower() in _UNIT_ID_COLUMNS]
    if ids:
        raise InputError(
            f"{name} has a column {ids[0]!r}, which names the units rather than holding a "
            f"coder's ratings (every column is read as a coder); make it the index first: "
            f"{name}.set_index({ids[0]!r})")
    dtypes = frame.dtypes
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(dtypes[c])
               and not pd.api.types.is_bool_dtype(dtypes[c])]
    for c in frame.columns:
        t = dtypes[c]
        if pd.api.types.is_datetime64_any_dtype(t) or pd.api.types.is_timedelta64_dtype(t):
            raise InputError(
                f"{name}: column {c!r} holds dates or times, not a coder's ratings (every "
                f"column is read as a coder); drop it, or make it the index: "
                f"{name}.set_index({c!r})")
        if numeric and c not in numeric and not pd.api.types.is_bool_dtype(t):
            texts = [v for v in frame[c].dropna().tolist()
                     if isinstance(v, str) and v.strip() and not _is_number_text(v)]
            if texts:
                raise InputError(
                    f"{name}: column {c!r} holds text (e.g. {texts[0]!r}) while column "
                    f"{numeric[0]!r} holds numbers, so it is not a coder's ratings (every "
                    f"column is read as a coder); drop it, or make it the index: "
                    f"{name}.set_index({c!r})")
