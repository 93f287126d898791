"""Qualitative analyses of a codings table: frequencies, co-occurrence, case matrices,
saturation, exemplar quotes and keyword-in-context.

Every function takes a codings table (or a corpus) first and returns a tidy DataFrame with
fixed snake_case columns. A codings table that holds several coders must be narrowed with
``coder=`` (frequencies of coder A and coder B are different findings).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._dates import parse_date
from ._files import atomic_write, neutralise_workbook, write_csv, xml_safe_frame
from ._validation import (
    CODINGS_TABLE,
    COOCCURRENCE_TABLE,
    check_choice,
    check_codebook,
    check_codings,
    check_columns,
    check_corpus,
    check_document_attribute,
    check_frame,
    check_int,
    check_lang,
    check_names,
    check_proportion,
    check_roles,
    check_type,
    listed,
)
from .autocoding import coding_units
from .codings import CoverageWarning, check_codings_against, warn_uncoded
from .corpus import Corpus, is_missing_value
from .errors import InputError
from .matching import Matcher
from .normalise import Normaliser, fold_case, token_arrays, tokenize

if TYPE_CHECKING:  # for annotations only; keeps the modules free of import cycles
    from .codebook import Codebook
    from .corpus import Corpus


__all__ = [
    "SaturationWarning",
    "code_case_matrix",
    "code_frequencies",
    "cooccurrence",
    "cooccurrence_matrix",
    "exemplar_quotes",
    "grouping_attributes",
    "kwic",
    "saturation",
    "save_case_matrix",
    "ungrouped_attributes",
]

FREQ_COLUMNS = ["code", "label", "n_codings", "n_segments", "n_documents", "n_informants",
                "share_segments"]
COOC_COLUMNS = ["code_a", "code_b", "count", "jaccard"]
SATURATION_COLUMNS = ["position", "doc_id", "date", "n_codes", "new_codes", "new_code_ids",
                      "cumulative_codes", "in_base", "run_new_codes", "run_ratio",
                      "meets_threshold"]
QUOTE_COLUMNS = ["code", "label", "rank", "doc_id", "segment_id", "start", "end", "quote",
                 "speaker", "informant", "attribution", "n_coders", "n_hits", "n_chars",
                 "n_spans"]
#: What joins the separate coded spans of one quote (an omission, as in a printed quote).
QUOTE_GAP = " … "
KWIC_COLUMNS = ["doc_id", "segment_id", "left", "keyword", "right", "start", "end"]


# --------------------------------------------------------------------------- helpers


def checked_codings(codings: pd.DataFrame, corpus, coder: str | None = None,
                    *, allow_many: bool = False, codebook=None,
                    spans: bool = False) -> pd.DataFrame:
    """The codings check of the theme and vocabulary analyses (not API): the columns
    (``start`` and ``end`` too with ``spans``, for an analysis that slices the text), one
    coder (``coder=`` picks one; several without it is an :class:`InputError` unless
    ``allow_many``) and :func:`~citra_eval.codings.check_codings_against` the corpus (and
    ``codebook``, when given: every code codable in it): every span inside its turn, as
    :func:`~citra_eval.validate_codings` and :func:`~citra_eval.agreement` require; the
    kept codings with integer ``segment_id``."""
    check_codings(codings)
    check_corpus(corpus)
    if coder is not None:
        check_type("coder", coder, str, "one coder's name (a string) or None")
    check_columns(codings, "codings", ("doc_id", "segment_id", *(("start", "end") if spans
                                                                 else ()), "code"),
                  what=CODINGS_TABLE)
    if coder is not None:
        if "coder" not in codings.columns or coder not in set(codings["coder"]):
            have = sorted(map(str, codings["coder"].unique())) if "coder" in codings else []
            raise InputError(f"coder={coder!r} is not in codings (coders: "
                             f"{', '.join(have) or 'none'})")
        codings = codings[codings["coder"] == coder]
    elif not allow_many and "coder" in codings.columns and codings["coder"].nunique() > 1:
        have = ", ".join(sorted(map(str, codings["coder"].unique())))
        raise InputError(f"codings holds several coders ({have}); choose one with coder=...")
    check_codings_against(codings, corpus, codebook=codebook)
    return codings.assign(segment_id=codings["segment_id"].astype("int64"))


def documents_without_attribute(corpus: Corpus, by: str, doc_ids, what: str) -> set[str]:
    """The documents of ``doc_ids`` whose attribute ``by`` is missing; a ``UserWarning``
    names them. The one rule of every ``by=`` analysis (code_frequencies, word_frequencies,
    keyness): such a document is in no group (nor in keyness's rest) and the warning says
    so, rather than the totals quietly no longer adding up."""
    values = corpus.documents.set_index("doc_id")[by]
    wanted = set(doc_ids)
    missing = [d for d in corpus.doc_ids if d in wanted and is_missing_value(values.get(d))]
    if missing:
        warnings.warn(f"{what}: {len(missing)} interview(s) have no {by!r} "
                      f"({listed(missing, limit=5, quote=False)}) and are left out of every "
                      f"group; add '{by}: ...' to their front matter", UserWarning,
                      stacklevel=3)
    return set(missing)


def _code_list(codings: pd.DataFrame, codebook) -> list[str]:
    present = list(dict.fromkeys(codings["code"]))
    if codebook is None:
        return sorted(present)
    ids = list(codebook.codable_ids)
    return ids + [c for c in present if c not in ids]


def _label(codebook, code: str, lang: str | None = None) -> str:
    if codebook is not None and code in codebook:
        return codebook.label(code, lang)
    return code


def on_roles(codings: pd.DataFrame, corpus: Corpus, roles
              ) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...] | None, int]:
    """The one role filter of the analyses: ``roles`` checked (:func:`check_roles`), the
    codings on turns of ``roles`` (every coding for None) with the turn's ``speaker`` and
    ``role`` (the corpus's: a ``speaker`` column of the codings is not used), the turns of
    ``roles`` (:func:`coding_units`), and how many codings were left out."""
    roles = check_roles(roles, corpus)
    units = coding_units(corpus, roles)
    keys = ["doc_id", "segment_id"]
    data = codings.drop(columns=["speaker", "role"], errors="ignore").merge(
        units[[*keys, "speaker", "role"]], on=keys, how="left" if roles is None else "inner")
    return data, units, roles, len(codings) - len(data)


def warn_left_out(codings: pd.DataFrame, corpus: Corpus, roles: tuple[str, ...] | None,
                  n_ignored: int, what: str, *, consequence: str = "") -> None:
    """A ``UserWarning`` that ``n_ignored`` of ``codings`` were left out by the role filter
    (:func:`on_roles`): how many, the roles of their turns and how to count them
    (``roles=`` with those roles too, or None). ``consequence`` follows the count."""
    if not n_ignored or roles is None:
        return
    keys = ["doc_id", "segment_id"]
    turns = corpus.segments[[*keys, "role"]].astype({"segment_id": "int64"})
    on = codings[keys].astype({"segment_id": "int64"}).merge(turns, on=keys, how="left")
    theirs = [r for r in dict.fromkeys(on["role"].fillna("").astype(str)) if r not in roles]
    named = [r for r in theirs if r]
    said = listed([*map(repr, named), *(["no role"] if "" in theirs else [])], quote=False)
    share = f"all {n_ignored}" if n_ignored == len(codings) else f"{n_ignored} of {len(codings)}"
    fix = (f"pass roles={[*roles, *named]!r} to count them too, or roles=None to count every "
           "turn" if named else "pass roles=None to count every turn")
    warnings.warn(f"{what}: {share} codings are on turns of other roles than {listed(roles)} "
                  f"({said}) and are left out{consequence}; {fix}", UserWarning, stacklevel=3)


# --------------------------------------------------------------------------- frequencies


def code_frequencies(codings: pd.DataFrame, *, corpus: Corpus,
                     codebook: Codebook | None = None, by: str | None = None,
                     coder: str | None = None,
                     roles: Sequence[str] | None = ("informant",),
                     lang: str | None = None) -> pd.DataFrame:
    """How often each code was applied, in segments, documents and informants.

    Parameters
    ----------
    codings : DataFrame
        A codings table (one coder, or choose with ``coder=``).
    corpus : Corpus
    codebook : Codebook, optional
        Adds labels and lists every codable code, zeros included, in codebook order.
        Every code of ``codings`` must be codable in it (:class:`InputError` naming the
        row otherwise).
    by : str, optional
        A document attribute (a column of ``corpus.documents``, e.g. ``"group"``): counts
        per value of it, over the values of documents with a turn of ``roles``. A
        document without a value is in no group: a ``UserWarning`` names it and its
        codings count in ``attrs["n_codings_ignored"]``. One attribute: a list (such as a
        study's ``group_by``) is a ``TypeError``; call once per attribute.
    coder : str, optional
        Keep only this coder's codings.
    roles : sequence of str or None
        Roles whose segments are counted (default informants): a coding on a turn of
        another role (e.g. an interviewer's question) is left out of every count, and
        ``attrs["n_codings_ignored"]`` says how many; the segments of ``roles`` form the
        denominator of ``share_segments``. None for all segments.
    lang : {"id", "en"}, optional
        Language of ``label`` (default: the codebook's; a code without a label in ``lang``
        keeps the one it has).

    Returns
    -------
    DataFrame
        ``[by,] code, label, n_codings, n_segments, n_documents, n_informants,
        share_segments``: codings rows, distinct segments, documents and informants
        (distinct speakers of the coded turns of ``roles``: the informants by default, each
        participant of a focus group one; every speaker for ``roles=None``), and the share
        of the ``roles`` segments (of the group) that carry the code, all counted on the
        turns of ``roles``.

    Warns
    -----
    CoverageWarning
        Some interviews with a turn of ``roles`` have no coding at all: they count as coded
        with no code (lowering every ``share_segments``). If they are not coded yet, pass
        ``corpus=corpus.subset(ce.coded_documents(codings, corpus=corpus))``. And when
        ``codings`` holds no coding at all (every count 0; without a codebook, no row).
    UserWarning
        Some codings are on turns outside ``roles`` (a question of the interviewer coded,
        say) and are left out of every count: one warning says how many of how many, the
        roles of their turns and the ``roles=`` that counts them (``roles=None`` for every
        turn). When every coding is, every count is 0 and the warning says so.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> freq = ce.code_frequencies(a, corpus=corpus, by="group")
    >>> sorted(freq["group"].unique())
    ['akademisi', 'masyarakat', 'media', 'pemerintah']
    >>> int(ce.code_frequencies(a, corpus=corpus)["n_codings"].sum()) == len(a)
    True
    """
    check_codebook(codebook)
    codings = checked_codings(codings, corpus, coder, codebook=codebook)
    if lang is not None:
        check_lang(lang)
    if by is not None:
        check_document_attribute(by, corpus)
    data, base, roles, n_ignored = on_roles(codings, corpus, roles)
    # every coding left out makes a table of zeros: say so; some, how many the counts miss
    warn_left_out(codings, corpus, roles, n_ignored, "code_frequencies",
                  consequence=(", so every count is 0" if n_ignored == len(codings) else
                               " of every count"))
    if codings.empty:
        rows = ("a row of zeros per code of the codebook" if codebook is not None else
                "no row: the codes listed are those the codings apply")
        warnings.warn(CoverageWarning(
            f"code_frequencies: codings holds no coding at all, so every count is 0 ({rows}); "
            "check that it is the coded file (not an unfilled sheet or an empty export) and "
            "that a filter before it (by coder or document) kept what was meant"),
            stacklevel=2)
    warn_uncoded(codings, corpus, documents_with_roles(corpus, roles), "code_frequencies")
    codes = _code_list(codings, codebook)
    if by is not None:
        groups = corpus.documents.set_index("doc_id")[by]
        spoken = documents_with_roles(corpus, roles)
        lacking = documents_without_attribute(corpus, by, spoken | set(data["doc_id"]),
                                     "code_frequencies")
        n_ignored += int(data["doc_id"].isin(lacking).sum())
        data = data.assign(_g=data["doc_id"].map(groups))
        base = base.assign(_g=base["doc_id"].map(groups))
        # a group is one of the documents with a turn of ``roles``: the interviewer alone
        # (nothing to code) makes no group of zeros
        levels = list(pd.unique(groups[groups.index.isin(spoken)].dropna()))
        try:
            levels = sorted(levels)
        except TypeError:
            pass
    else:
        data = data.assign(_g=0)
        base = base.assign(_g=0)
        levels = [0]
    rows = []
    for level in levels:
        d = data[data["_g"] == level]
        n_base = int((base["_g"] == level).sum())
        for code in codes:
            c = d[d["code"] == code]
            segs = set(zip(c["doc_id"], c["segment_id"], strict=True))
            # the speakers of the turns of ``roles`` (every speaker for None), as
            # mixed_methods.theme_evidence counts them; a turn without a label is ""
            who = c["speaker"].astype(object).where(c["speaker"].notna(), "")
            row = {"code": code, "label": _label(codebook, code, lang), "n_codings": len(c),
                   "n_segments": len(segs), "n_documents": c["doc_id"].nunique(),
                   "n_informants": len(set(zip(c["doc_id"], who, strict=True))),
                   "share_segments": len(segs) / n_base if n_base else float("nan")}
            if by is not None:
                row = {by: level, **row}
            rows.append(row)
    cols = ([by] if by is not None else []) + FREQ_COLUMNS
    out = pd.DataFrame(rows, columns=cols)
    ints = ["n_codings", "n_segments", "n_documents", "n_informants"]
    out = out.astype(dict.fromkeys(ints, "int64"))
    out.attrs["n_codings_ignored"] = n_ignored
    return out


# --------------------------------------------------------------------------- co-occurrence


def _segment_codes(codings: pd.DataFrame) -> dict[tuple[str, int], set[str]]:
    out: dict[tuple[str, int], set[str]] = {}
    for d, s, c in zip(codings["doc_id"], codings["segment_id"], codings["code"], strict=True):
        out.setdefault((d, int(s)), set()).add(c)
    return out


def cooccurrence(codings: pd.DataFrame, *, corpus: Corpus, measure: str = "count",
                 codebook=None, coder: str | None = None,
                 roles: Sequence[str] | None = ("informant",)) -> pd.DataFrame:
    """Which codes occur together in the same segment.

    Parameters
    ----------
    codings : DataFrame
    corpus : Corpus
    measure : {"count", "jaccard"}
        The measure the rows are sorted by (descending); both are always returned.
    codebook : Codebook, optional
        Code order (codebook order instead of alphabetical). Every code of ``codings`` must be
        codable in it (:class:`InputError` naming the row otherwise).
    coder : str, optional
        Keep only this coder's codings.
    roles : sequence of str or None
        Roles whose segments are counted (default informants), as in
        :func:`code_frequencies`; None for all segments.

    Returns
    -------
    DataFrame
        Long form, one row per ordered pair of codes that were applied (``code_a == code_b``
        included, the diagonal): ``code_a, code_b, count, jaccard``. Pivot with
        :func:`cooccurrence_matrix`. ``attrs["n_codings_ignored"]``: the codings left out
        (on turns of other roles).

    Notes
    -----
    ``count`` is the number of segments coded with both codes;
    ``jaccard = count / (n_a + n_b - count)`` with ``n_a``, ``n_b`` the numbers of segments
    coded with each (1 on the diagonal).

    Only codings on turns of ``roles`` count, as in :func:`code_frequencies`: a coding on
    the interviewer's question pairs with nothing, so the diagonal equals the
    ``n_segments`` of the theme table of the same codings. In a corpus whose turns have no
    role, the default counts nothing (every coding is left out); pass ``roles=None``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> co = ce.cooccurrence(a, corpus=corpus, measure="jaccard")
    >>> bool(((co["jaccard"] >= 0) & (co["jaccard"] <= 1)).all())
    True
    """
    check_choice(measure, "measure", ("count", "jaccard"))
    check_codebook(codebook)
    codings, _, _, n_ignored = on_roles(checked_codings(codings, corpus, coder,
                                                        codebook=codebook), corpus, roles)
    codes = [c for c in _code_list(codings, codebook) if c in set(codings["code"])]
    index = {c: i for i, c in enumerate(codes)}
    counts = np.zeros((len(codes), len(codes)), dtype=np.int64)
    for present in _segment_codes(codings).values():
        ids = sorted(index[c] for c in present)
        counts[np.ix_(ids, ids)] += 1
    n = np.diag(counts)
    union = n[:, None] + n[None, :] - counts
    jac = np.divide(counts, union, out=np.zeros(counts.shape), where=union > 0)
    a, b = np.meshgrid(np.arange(len(codes)), np.arange(len(codes)), indexing="ij")
    out = pd.DataFrame({"code_a": np.asarray(codes, dtype=object)[a.ravel()],
                        "code_b": np.asarray(codes, dtype=object)[b.ravel()],
                        "count": counts.ravel(), "jaccard": jac.ravel()}, columns=COOC_COLUMNS)
    out = out[out["count"] > 0]
    out = out.sort_values(measure, ascending=False, kind="stable").reset_index(drop=True)
    out.attrs["n_codings_ignored"] = n_ignored
    return out


def cooccurrence_matrix(table: pd.DataFrame, *, measure: str = "count") -> pd.DataFrame:
    """Pivot :func:`cooccurrence` output to a square code × code matrix (0 where absent).

    Parameters
    ----------
    table : DataFrame
        :func:`cooccurrence` output: ``code_a, code_b`` and the ``measure`` column.
    measure : str
        The column to spread into the cells: ``count`` or ``jaccard``.

    Returns
    -------
    DataFrame
        Index ``code_a``, columns ``code_b`` (the codes in order of first appearance),
        values of ``measure``, 0 for pairs that never co-occur.

    Raises
    ------
    InputError
        ``table`` lacks ``code_a``, ``code_b`` or the ``measure`` column (a codings table
        passed instead of :func:`cooccurrence`'s result, say).

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> t = pd.DataFrame({"code_a": ["a", "a", "b", "b"], "code_b": ["a", "b", "a", "b"],
    ...                   "count": [3, 1, 1, 2], "jaccard": [1, .25, .25, 1]})
    >>> ce.cooccurrence_matrix(t)
    code_b  a  b
    code_a
    a       3  1
    b       1  2
    """
    check_type("table", table, pd.DataFrame, "a DataFrame from cooccurrence()")
    check_choice(measure, "measure", ("count", "jaccard"))
    check_columns(table, "table", ("code_a", "code_b", measure), what=COOCCURRENCE_TABLE)
    codes = list(dict.fromkeys([*table["code_a"], *table["code_b"]]))
    mat = table.pivot(index="code_a", columns="code_b", values=measure)
    mat = mat.reindex(index=codes, columns=codes).fillna(0)
    return mat.astype("int64") if measure == "count" else mat


def code_case_matrix(codings: pd.DataFrame, *, corpus: Corpus, codebook: Codebook | None = None,
                     coder: str | None = None,
                     roles: Sequence[str] | None = ("informant",)) -> pd.DataFrame:
    """Code × document matrix: 1 when the document has the code, else 0.

    Parameters
    ----------
    codings : DataFrame
        A codings table (:func:`read_codings`).
    corpus : Corpus
        The transcripts; their documents are the columns, in corpus order.
    codebook : Codebook, optional
        When given, every codable code is a row (all zeros if never applied). Every
        code of ``codings`` must be codable in it (:class:`InputError` naming the row
        otherwise).
    coder : str, optional
        Only this coder's codings (default: all rows).
    roles : sequence of str or None
        Roles whose segments are counted (default informants), as in
        :func:`code_frequencies`; None for all segments.

    Returns
    -------
    DataFrame
        Index ``code`` (every codable code when ``codebook`` is given, and every code of
        ``codings``, as :func:`code_frequencies` lists them), one int column per document
        in corpus order. ``.T`` gives cases in rows, the layout SPSS and R import.
        ``attrs["n_codings_ignored"]``: the codings left out (on turns of other roles).

    Notes
    -----
    A document has a code when a coding of it lies on a turn of ``roles``, as
    :func:`code_frequencies` counts ``n_documents``: a code only on the interviewer's
    question is not the informant's. In a corpus whose turns have no role, the default
    counts nothing (every coding is left out); pass ``roles=None``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> m = ce.code_case_matrix(a, corpus=corpus)
    >>> int(m.loc["bamara", "INF06"])
    1
    """
    check_codebook(codebook)
    codings = checked_codings(codings, corpus, coder, codebook=codebook)
    codes = _code_list(codings, codebook)  # a code on other turns only: a row of zeros
    codings, _, _, n_ignored = on_roles(codings, corpus, roles)
    present = set(zip(codings["code"], codings["doc_id"], strict=True))
    data = [[int((c, d) in present) for d in corpus.doc_ids] for c in codes]
    out = pd.DataFrame(data, index=pd.Index(codes, name="code"),
                       columns=pd.Index(corpus.doc_ids, name="doc_id"), dtype="int64")
    out.attrs["n_codings_ignored"] = n_ignored
    return out


def save_case_matrix(matrix: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a matrix (e.g. :func:`code_case_matrix`) as ``.csv`` or ``.xlsx``, atomically.

    Parameters
    ----------
    matrix : DataFrame
        The table to write; its index becomes the first column.
    path : str or path
        Target file; the suffix (``.csv`` or ``.xlsx``) picks the format. XLSX uses
        openpyxl. The file is written to a temporary name and renamed. Text that a
        spreadsheet would run as a formula is neutralised (a ``'`` prefix in CSV, a text
        cell with Excel's quote prefix in XLSX; see ``docs/security.md``).

    Returns
    -------
    None

    Examples
    --------
    >>> import tempfile, pathlib, citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> m = ce.code_case_matrix(ce.read_codings(ce.example_path("codings_A")), corpus=corpus)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "cases.csv"
    >>> ce.save_case_matrix(m.T, out)
    >>> out.read_text().splitlines()[0].split(",")[:3]
    ['doc_id', 'bamara', 'berita_cepat']
    """
    check_frame(matrix, "matrix")
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        write_csv(matrix, path, index=True)
    elif suffix == ".xlsx":
        with (atomic_write(path, "wb", encoding=None, newline=None) as fh,
              pd.ExcelWriter(fh, engine="openpyxl") as writer):
            xml_safe_frame(matrix).to_excel(writer, sheet_name="matrix")
            neutralise_workbook(writer.book)
    else:
        raise ValueError(f"path must end in .csv or .xlsx, got {os.fspath(path)!r}")


# --------------------------------------------------------------------------- saturation


#: Guest, Namey & Chen's (2020) run of interviews judged after the base: saturation's
#: default ``run_length`` (notebook 03 uses it).
SATURATION_RUN_LENGTH = 2


class SaturationWarning(UserWarning):
    """:func:`saturation` was computed, but not as the method asks: too few interviews for
    a run to follow the base (saturation cannot be judged), or a base smaller than Guest et
    al.'s 4. Notebooks show it as a note (:func:`citra_eval.notes_from_warnings`), which
    ``citra-eval reproduce`` repeats."""


def saturation(codings: pd.DataFrame, *, corpus: Corpus, order: str | Sequence[str] = "date",
               base_size: int | None = None, run_length: int = SATURATION_RUN_LENGTH,
               threshold: float = 0.05,
               coder: str | None = None,
               roles: Sequence[str] | None = ("informant",)) -> pd.DataFrame:
    """New codes per interview, cumulative count, and Guest et al.'s stopping rule.

    Parameters
    ----------
    codings : DataFrame
    corpus : Corpus
    order : "date", "auto" or sequence of doc ids
        Interview order: by the documents' ``date`` attribute as a calendar date (ties by
        ``doc_id``), or the given doc ids (every document of the corpus may appear once;
        others are left out). With ``"date"`` every document needs a date: a missing or
        unreadable one is an :class:`~citra_eval.InputError` naming the documents (it used
        to go last silently). ``"auto"`` orders by date when every document has one, else
        keeps the transcripts' order (an interview without a date has no place among the
        dated ones) and names the undated documents in ``attrs["saturation"]["undated"]``.
    base_size : int, optional
        Number of first interviews forming the base (Guest et al. suggest 4 or 6). A run of
        ``run_length`` interviews must follow it: at most ``n - run_length`` of the ``n``
        interviews counted, else a ``ValueError`` naming ``base_size`` (a base that leaves
        no run judges nothing, and a number chosen is not silently changed). None (the
        default): 4 when a run can follow it, else the largest base that leaves one run
        (``n - run_length``; a :class:`SaturationWarning` says it is smaller than the
        method's), and every interview when not even a base of one leaves a run (then
        saturation is not judged; see Warns).
    run_length : int
        Number of consecutive interviews in a run (2 or 3).
    threshold : float
        New-information threshold as a proportion of the base (0.05 or 0).
    coder : str, optional
        Keep only this coder's codings.
    roles : sequence of str or None
        The coded roles (default informants): a document without a turn of one of them is
        left out (see Notes); None keeps every document.

    Returns
    -------
    DataFrame
        One row per interview in order: ``position`` (1-based), ``doc_id``, ``date``,
        ``n_codes`` (distinct codes in it), ``new_codes`` (codes not seen before),
        ``new_code_ids`` (``;``-joined), ``cumulative_codes``, ``in_base``, and for the run
        that *ends* at this interview (none inside the base): ``run_new_codes`` (codes new
        in the run relative to all earlier interviews), ``run_ratio`` (that number divided
        by the number of distinct codes in the base) and ``meets_threshold``
        (``run_ratio <= threshold``). ``.attrs["saturation"]`` holds the summary:
        ``base_codes``, ``saturation_point`` (interviews before the first run that meets
        the threshold: the sample at which saturation is claimed), ``confirmed_at`` (the
        last interview of that run), ``left_out`` (the doc ids left out for want of a turn
        of ``roles``), ``order`` (``"date"``, ``"transcripts"`` or ``"given"``: the order
        used), ``undated`` (with ``"auto"``: the counted documents without a date) and the
        parameters; both points are None when no run meets the threshold.
        ``.attrs["n_codings_ignored"]``: the codings left out (on turns of other roles), as
        the other analyses count them.

    Warns
    -----
    SaturationWarning
        With the default base: when saturation cannot be judged (fewer than
        ``1 + run_length`` interviews: no run follows even a base of one), and when the base
        is smaller than 4.
    UserWarning
        Some codings are on turns outside ``roles`` and are left out: how many, the roles of
        their turns and the ``roles=`` that counts them.

    Notes
    -----
    Only documents with a turn of ``roles`` count: one without (a transcript of the
    interviewer alone, say, where nobody answered) had nothing to code, so its "no new code"
    would only make the stopping rule look met. They are left out before ordering (so they
    need no date), and named in ``attrs["saturation"]["left_out"]``. Only codings on turns
    of ``roles`` count (as in :func:`code_frequencies`: a code found only in the
    interviewer's question is no new code). When no turn of the corpus has one of ``roles``
    (speakers without roles, or with other role words such as ``narasumber``) every
    document counts but no coding does, as in :func:`code_frequencies` (no saturation is
    claimed; a warning names the roles); ``roles=None`` counts every coding.

    Guest, Namey & Chen (2020): the base is the number of unique themes in the first
    ``base_size`` interviews; a run of ``run_length`` consecutive interviews after it is
    examined for themes that are new relative to all interviews before the run; the runs
    advance one interview at a time. Saturation is reached when the new information in a
    run, as a proportion of the base, is at or below the threshold, and reported as
    "saturation at *n* interviews (base *b*, run *r*, threshold *t*)" with *n* the
    interviews before the run.

    References
    ----------
    Guest, G., Namey, E., & Chen, M. (2020). A simple method to assess and report thematic
    saturation in qualitative research. *PLoS ONE*, 15(5), e0232076.
    https://doi.org/10.1371/journal.pone.0232076

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> sat = ce.saturation(a, corpus=corpus)
    >>> int(sat["new_codes"].sum()) == a["code"].nunique()
    True
    """
    if base_size is not None:
        base_size = check_int(base_size, "base_size", minimum=1)
    run_length = check_int(run_length, "run_length", minimum=1)
    check_proportion(threshold, "threshold")
    codings = checked_codings(codings, corpus, coder)
    roles = check_roles(roles, corpus)
    spoken = documents_with_roles(corpus, roles)
    n_ignored = 0
    if roles is not None:
        kept, _, _, n_ignored = on_roles(codings, corpus, roles)  # as the other analyses count
        warn_left_out(codings, corpus, roles, n_ignored, "saturation")
        codings = kept
    docs = corpus.documents[corpus.documents["doc_id"].isin(spoken)]
    undated: list[str] = []
    if isinstance(order, str):
        check_choice(order, "order", ("date", "auto"), also="a list of doc ids")
        if order == "auto":
            undated = [str(d) for d, iso in _dates_of(docs).items() if iso is None]
        ordered = list(docs["doc_id"]) if undated else _by_date(docs)
        used = "transcripts" if undated else "date"
    else:
        used = "given"
        ordered = list(order)
        unknown = list(dict.fromkeys(d for d in ordered if d not in corpus))
        repeated = list(dict.fromkeys(d for d in ordered if ordered.count(d) > 1))
        if unknown or repeated:
            said = ([f"unknown: {listed(unknown)}"] if unknown else []) + (
                [f"repeated: {listed(repeated)}"] if repeated else [])
            raise ValueError(f"order must list distinct doc ids of the corpus; "
                             f"{'; '.join(said)}")
        ordered = [d for d in ordered if d in spoken]
    base_size = saturation_base_size(base_size, len(ordered), int(run_length))
    judged = len(ordered) >= base_size + run_length  # False only for the default base
    if not judged:
        warnings.warn(f"saturation cannot be judged: not even a base of one interview leaves "
                      f"a run of run_length={run_length} in the {len(ordered)} interview(s), "
                      "so every interview is in the base; saturation_point None here means "
                      "'not checked', not 'not saturated' (attrs['saturation']['judged'] is "
                      "False)", SaturationWarning, stacklevel=2)
    warn_uncoded(codings, corpus, set(ordered), "saturation")
    dates = _dates_of(docs) if "date" in docs.columns else None
    by_doc = codings.groupby("doc_id")["code"].agg(lambda s: set(s)).to_dict()
    seen: set[str] = set()
    rows = []
    for pos, doc in enumerate(ordered, start=1):
        codes = by_doc.get(doc, set())
        new = [c for c in sorted(codes) if c not in seen]
        seen |= codes
        rows.append({"position": pos, "doc_id": doc,
                     "date": dates.get(doc) if dates is not None else None,
                     "n_codes": len(codes), "new_codes": len(new),
                     "new_code_ids": "; ".join(new), "cumulative_codes": len(seen),
                     "in_base": pos <= base_size})
    out = pd.DataFrame(rows)
    base_codes = set().union(*(by_doc.get(d, set()) for d in ordered[:base_size]))
    run_new, ratio, meets = [], [], []
    for i in range(len(ordered)):
        first = i - run_length + 1  # 0-based index of the run's first interview
        if first < base_size or first < 0:
            run_new.append(np.nan)
            ratio.append(np.nan)
            meets.append(None)
            continue
        before = set().union(*(by_doc.get(d, set()) for d in ordered[:first]))
        in_run = set().union(*(by_doc.get(d, set()) for d in ordered[first:i + 1]))
        k = len(in_run - before)
        r = k / len(base_codes) if base_codes else np.nan
        run_new.append(k)
        ratio.append(r)
        meets.append(bool(r <= threshold) if base_codes else None)
    out["run_new_codes"] = pd.array(run_new, dtype="Int64") if len(out) else []
    out["run_ratio"] = ratio
    out["meets_threshold"] = pd.array(meets, dtype="boolean") if len(out) else []
    hit = out.index[out["meets_threshold"].fillna(False).astype(bool)] if len(out) else []
    confirmed = int(out.loc[hit[0], "position"]) if len(hit) else None
    out.attrs["n_codings_ignored"] = n_ignored
    out.attrs["saturation"] = {
        "base_size": base_size, "run_length": run_length, "threshold": threshold,
        "base_codes": len(base_codes),
        "saturation_point": confirmed - run_length if confirmed is not None else None,
        "confirmed_at": confirmed,
        "left_out": [d for d in corpus.doc_ids if d not in spoken],
        "order": used, "undated": undated, "judged": judged,
    }
    return out[SATURATION_COLUMNS] if len(out) else pd.DataFrame(columns=SATURATION_COLUMNS)


#: Guest, Namey & Chen's (2020) smaller base: the default when a study is large enough.
SATURATION_BASE = 4


def saturation_base_size(base_size: int | None, n: int, run_length: int, *,
                     name: str = "base_size",
                     fix: str = "leave base_size=None (saturation is then not judged, with a "
                                "SaturationWarning)") -> int:
    """The base of :func:`saturation` for ``n`` interviews: ``base_size`` checked to leave a
    run of ``run_length`` interviews after it (a ``ValueError`` naming ``name``, ending
    with ``fix`` when no base can), or for None :data:`SATURATION_BASE` when a run can
    follow it, else the largest base that leaves one run (warned), else all ``n``."""
    if base_size is not None:
        if n - run_length < 1:
            raise ValueError(f"{name} must leave a run of run_length={run_length} interviews "
                             f"after the base, and no base does in the {n} interview(s) "
                             f"counted (a base of one and a run need {run_length + 1}), got "
                             f"{base_size}; {fix}")
        return check_int(int(base_size), name, maximum=n - run_length,
                         why=f"a run of run_length={run_length} interviews must follow the "
                             f"base, in the {n} interviews counted")
    if n >= SATURATION_BASE + run_length:
        return SATURATION_BASE
    if n - run_length >= 1:
        warnings.warn(f"saturation: base_size={n - run_length} interview(s) of the {n} "
                      f"interviews (with a run of run_length={run_length}): Guest et al. "
                      f"suggest 4 or 6, too many for this study; report the smaller base "
                      f"with the result (or choose base_size=..., in a study saturation_base in "
                      f"study.yaml)", SaturationWarning, stacklevel=3)
        return n - run_length
    return max(n, 1)


def documents_with_roles(corpus: Corpus, roles: Sequence[str] | None) -> set[str]:
    """Doc ids with a turn of ``roles``; every doc id when None or when no turn has one."""
    if roles is not None:
        with_role = set(coding_units(corpus, roles)["doc_id"])
        if with_role:
            return with_role
    return set(corpus.doc_ids)


def _iso_or_none(value) -> str | None:
    return None if is_missing_value(value) else parse_date(value)


def _dates_of(docs: pd.DataFrame) -> dict[str, str | None]:
    """Doc id -> its ISO date, None without one; an unreadable date is an InputError."""
    if "date" not in docs.columns:
        return dict.fromkeys(docs["doc_id"])
    dates = {}
    for doc, value in zip(docs["doc_id"], docs["date"], strict=True):
        try:
            dates[doc] = _iso_or_none(value)
        except ValueError as exc:
            raise InputError(f"document {doc}: 'date' {exc}") from None
    return dates


def _by_date(docs: pd.DataFrame) -> list[str]:
    """Doc ids in date order (ties by doc id); every document needs a readable date."""
    if "date" not in docs.columns:
        raise InputError("order='date' needs a 'date' in the transcripts' front matter; add "
                         "'date: 2021-03-09' to each, or pass order=[doc ids]")
    dates = _dates_of(docs)
    missing = [str(d) for d, iso in dates.items() if iso is None]
    if missing:
        raise InputError(f"order='date' needs a date for every interview; {len(missing)} have "
                         f"none: {', '.join(missing[:10])}. Add 'date:' to their front matter, "
                         "or pass order=[doc ids] in interview order")
    return sorted(dates, key=lambda d: (dates[d], str(d)))


# --------------------------------------------------------------------------- quotes


def exemplar_quotes(codings: pd.DataFrame, *, corpus: Corpus, k: int = 3,
                    codebook: Codebook | None = None,
                    lang: str | None = None, min_chars: int = 60,
                    max_chars: int = 600, attribute: str | None = "auto",
                    roles: Sequence[str] | None = ("informant",)) -> pd.DataFrame:
    """The best ``k`` quotes per code, with their speaker and an attribution line.

    Parameters
    ----------
    codings : DataFrame
        Codings of one or several coders (agreement between coders ranks quotes up).
    corpus : Corpus
    k : int
        Quotes per code.
    codebook : Codebook, optional
        Labels (in ``lang``) and code order. Every code of ``codings`` must be
        codable in it (:class:`InputError` naming the row otherwise).
    lang : {"id", "en"}, optional
        Language of the ``label`` column (default: the codebook's; a code without a label
        in ``lang`` keeps the one it has). Without ``codebook`` the label is the code id.
    min_chars, max_chars : int
        Preferred quote length in characters.
    attribute : str or None
        The document attribute (front-matter key) that describes the informant in the
        attribution. ``"auto"`` (default): the transcript format's ``informant`` key when the
        transcripts have it, else the first front-matter attribute whose value differs for
        every document (e.g. the informant's position), dates excluded; None: none, the
        attribution is the document id.
    roles : sequence of str or None
        Roles whose turns are quoted (default informants), as in :func:`code_frequencies`;
        None for all turns.

    Returns
    -------
    DataFrame
        ``code, label, rank, doc_id, segment_id, start, end, quote, speaker, informant,
        attribution, n_coders, n_hits, n_chars, n_spans``. A quote is the text the code's
        codings cover in one segment and nothing else: ``n_spans`` separate spans (codings
        that overlap, touch or are apart by white space only are one span). With one span
        the quote is ``corpus.text(doc_id)[start:end]``; with several, ``start`` is the
        first span's start, ``end`` the last span's end, and the quote joins the spans'
        text (each stripped of white space at its ends) in order with ``" … "``, leaving out
        the uncoded text between them (the codings rows of the segment give each span's
        offsets). ``n_chars`` counts the coded characters quoted; ``speaker`` is the
        label of the turn's speaker (``corpus.segments["speaker"]``, ``""`` for a turn
        without one); ``informant`` is the document's ``attribute`` value (in a focus
        group it describes the group); ``attribution`` reads "<doc_id>, <informant>", or
        "<doc_id>, <speaker>, <informant>" when the document has several speakers of
        ``roles`` (a focus group: the participant who said it).

    Notes
    -----
    Ranking, per code: (1) ``n_coders``, the number of distinct coders who applied the code
    in the segment, descending (agreement first); (2) ``n_hits``, the number of evidence
    items (auto-coding) or codings rows, descending; (3) length inside
    ``[min_chars, max_chars]`` first; (4) among quotes equal on (1)-(3), speakers not yet
    quoted first (the top quotes come from different informants: in a focus group, from
    different participants, not merely different documents), then corpus order. One
    quote per segment.

    A consensus (:func:`consensus`) has one span per code and segment, the hull of the
    coders' spans (earliest start, latest end): quoting it quotes everything from the first
    coded character to the last, the text between two coders' separate spans (or one
    coder's) included, and ``n_coders`` is 1. Quote the coders' codings together (as
    ``codings``) for their coded text only, ranked by their agreement.

    The speaker label is the corpus's, never a ``speaker`` column of ``codings``: quoting
    a pseudonymised corpus (:func:`pseudonymise`) shows the pseudonym its key gave the
    speaker, as the quoted text does.

    Only codings on turns of ``roles`` are quoted, as :func:`code_frequencies` counts
    them: an interviewer's question coded by mistake is never an exemplar;
    ``attrs["n_codings_ignored"]`` says how many codings were left out. In a corpus whose
    turns have no role, the default quotes nothing; pass ``roles=None``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> both = pd.concat([ce.read_codings(ce.example_path("codings_A")),
    ...                   ce.read_codings(ce.example_path("codings_B"))])
    >>> q = ce.exemplar_quotes(both, corpus=corpus, k=2)
    >>> int(q.groupby("code").size().max())
    2
    >>> row = q.iloc[0]
    >>> corpus.text(row.doc_id)[row.start:row.end] == row.quote
    True
    """
    check_int(k, "k", minimum=1)
    if lang is not None:
        check_lang(lang)
    check_int(min_chars, "min_chars", minimum=0)
    check_int(max_chars, "max_chars", minimum=1)
    if min_chars > max_chars:
        raise ValueError(f"min_chars ({min_chars}) must not exceed max_chars ({max_chars}): "
                         "no quote could fit between them")
    check_codebook(codebook)
    codings = checked_codings(codings, corpus, allow_many=True, codebook=codebook, spans=True)
    codings, turns, _, n_ignored = on_roles(codings, corpus, roles)
    docs = corpus.documents.set_index("doc_id")
    if attribute == "auto":
        attribute = _describing_attribute(corpus.documents)
    elif attribute is not None:
        check_choice(attribute, "attribute", ["auto", *docs.columns])
    if codings.empty:
        out = pd.DataFrame(columns=QUOTE_COLUMNS)
        out.attrs["n_codings_ignored"] = n_ignored
        return out
    data = codings.copy()
    if "coder" not in data.columns:
        data["coder"] = "?"
    ev = data["evidence"] if "evidence" in data.columns else pd.Series(None, index=data.index)
    data["_hits"] = [len(str(e).split(" | ")) if isinstance(e, str) and e else 1 for e in ev]
    data["speaker"] = data["speaker"].fillna("").astype(str)
    data["_span"] = list(zip(data["start"].astype(int), data["end"].astype(int), strict=True))
    grouped = data.groupby(["code", "doc_id", "segment_id", "speaker"], sort=False).agg(
        start=("start", "min"), end=("end", "max"), n_coders=("coder", "nunique"),
        n_hits=("_hits", "sum"), _spans=("_span", list)).reset_index()
    grouped["_spans"] = [coded_spans(corpus.text(d), spans)
                         for d, spans in zip(grouped["doc_id"], grouped["_spans"], strict=True)]
    doc_pos = {d: i for i, d in enumerate(corpus.doc_ids)}
    grouped["n_chars"] = [sum(e - s for s, e in spans) for spans in grouped["_spans"]]
    grouped["n_spans"] = grouped["_spans"].map(len)
    grouped["_fits"] = grouped["n_chars"].between(min_chars, max_chars)
    grouped["_doc"] = grouped["doc_id"].map(doc_pos)
    grouped = grouped.sort_values(
        ["code", "n_coders", "n_hits", "_fits", "_doc", "segment_id"],
        ascending=[True, False, False, False, True, True], kind="stable")
    picks = []
    for _, cand in grouped.groupby("code", sort=False):
        picks.extend(_spread(cand, k))
    top = grouped.loc[[i for i, _ in picks]].copy()
    top["rank"] = [r for _, r in picks]
    informant = docs[attribute] if attribute is not None else pd.Series(dtype=object)
    top["quote"] = [quote_of(corpus.text(d), spans)
                    for d, spans in zip(top["doc_id"], top["_spans"], strict=True)]
    top["informant"] = top["doc_id"].map(informant)
    voices = turns.loc[turns["speaker"].fillna("").astype(str) != ""].groupby("doc_id")[
        "speaker"].nunique()
    top["attribution"] = [
        ", ".join([str(d), *([sp] if sp and voices.get(d, 0) > 1 else []),
                   *([i] if isinstance(i, str) and i else [])])
        for d, sp, i in zip(top["doc_id"], top["speaker"], top["informant"], strict=True)]
    top["label"] = [_label(codebook, c, lang) for c in top["code"]]
    order = {c: i for i, c in enumerate(_code_list(codings, codebook))}
    top = top.assign(_c=top["code"].map(order)).sort_values(["_c", "rank"], kind="stable")
    out = top[QUOTE_COLUMNS].reset_index(drop=True)
    out = out.astype({"segment_id": "int64", "start": "int64", "end": "int64",
                      "rank": "int64", "n_coders": "int64", "n_hits": "int64",
                      "n_chars": "int64", "n_spans": "int64"})
    out.attrs["n_codings_ignored"] = n_ignored
    return out


def coded_spans(text: str, spans) -> list[tuple[int, int]]:
    """The separate coded spans of ``spans`` (``(start, end)`` pairs into ``text``) in text
    order: spans that overlap, touch or are apart by white space only are one span (two
    coders' boundaries around the same words are one passage)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and (s <= out[-1][1] or not text[out[-1][1]:s].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def quote_of(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The coded text of ``spans`` (from :func:`coded_spans`): one span's characters as
    they are, several spans' joined in order with :data:`QUOTE_GAP`."""
    if len(spans) == 1:
        return text[spans[0][0]:spans[0][1]]
    return QUOTE_GAP.join(text[s:e].strip() for s, e in spans)


def _spread(cand: pd.DataFrame, k: int) -> list[tuple[int, int]]:
    """Pick ``k`` rows in rank order; among equally ranked rows, speakers not quoted yet
    come first (so the top quotes of a code come from different informants: the
    participants of a focus group are several)."""
    used: set[tuple[str, str]] = set()
    out: list[tuple[int, int]] = []
    tiers = cand.groupby(["n_coders", "n_hits", "_fits"], sort=False)
    for _, tier in tiers:
        rows = list(tier.itertuples())
        while rows and len(out) < k:
            fresh = [r for r in rows if (r.doc_id, r.speaker) not in used]
            r = (fresh or rows)[0]
            rows.remove(r)
            used.add((r.doc_id, r.speaker))
            out.append((r.Index, len(out) + 1))
        if len(out) >= k:
            break
    return out


# --------------------------------------------------------------------------- KWIC


def kwic(corpus: Corpus, term: str, *, window: int = 5, roles: Sequence[str] | None = None,
         codebook=None) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``term`` (any inflected or slang form the
    Indonesian normaliser knows; in another language only the forms written in ``term``).

    Parameters
    ----------
    corpus : Corpus
    term : str
        A word or phrase, matched like a phrase pattern: on normalised, stemmed tokens
        (``kerja sama`` finds *bekerja sama*, *kerjasama*, *dikerjasamakan*).
    window : int
        Tokens of context on each side (within the segment).
    roles : sequence of str or None
        Roles whose turns are searched (default all).
    codebook : Codebook, optional
        Use its slang and never-stem words.

    Returns
    -------
    DataFrame
        ``doc_id, segment_id, left, keyword, right, start, end``: the context as written,
        and the keyword's offsets in the document text.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: Kami bekerjasama dengan media, sudah lama sekali.\\n"})
    >>> ce.kwic(corpus, "kerja sama", window=2)[["left", "keyword", "right"]]
      left      keyword         right
    0 Kami  bekerjasama  dengan media
    """
    check_corpus(corpus)
    if not isinstance(term, str) or not tokenize(term):
        raise ValueError(f"term must be a word or phrase, got {term!r}")
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise ValueError(f"window must be a whole number >= 0, got {window!r}")
    check_codebook(codebook)
    units = coding_units(corpus, check_roles(roles, corpus))
    hits = _kwic_matcher([term], codebook).hits(units, progress=False, negation=False)
    seg = units.set_index(["doc_id", "segment_id"])
    rows = []
    turn = None
    for doc, sid, s, e in zip(hits["doc_id"], hits["segment_id"], hits["start"], hits["end"],
                              strict=True):
        if turn != (doc, sid):  # a turn's tokens once, not once per hit (a long turn's many)
            turn = (doc, sid)
            s0, text = int(seg.at[turn, "start"]), seg.at[turn, "text"]
            starts, ends, _, _ = token_arrays(fold_case(text))
        a, b = s - s0, e - s0
        # tokens ending by a, starting from b: sorted offsets, found by bisection
        i, j = int(np.searchsorted(ends, a, "right")), int(np.searchsorted(starts, b, "left"))
        left = text[int(starts[max(i - window, 0)]):a].strip() if window and i else ""
        right = (text[b:int(ends[min(j + window, len(ends)) - 1])].strip()
                 if window and j < len(ends) else "")
        rows.append({"doc_id": doc, "segment_id": int(sid), "left": left,
                     "keyword": text[a:b], "right": right, "start": int(s), "end": int(e)})
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def kwic_counts(corpus: Corpus, terms: Sequence[str], *, roles: Sequence[str] | None = None,
                codebook=None) -> dict[str, int]:
    """How often :func:`kwic` finds each of ``terms`` (one pass over the turns for all).

    Parameters
    ----------
    corpus : Corpus
    terms : sequence of str
        Words or phrases, each with at least one word.
    roles, codebook
        As for :func:`kwic`.

    Returns
    -------
    dict
        ``{term: number of occurrences}``, in the order of ``terms``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"x.txt": "---\\nid: D1\\nspeakers: {I: informant}\\n"
    ...     "---\\nI: Kami bekerjasama dengan media.\\n"})
    >>> kwic_counts(corpus, ["kerja sama", "radio"])
    {'kerja sama': 1, 'radio': 0}
    """
    terms = check_names(terms, "terms", allow_none=False)
    check_codebook(codebook)
    units = coding_units(corpus, check_roles(roles, corpus))
    hits = _kwic_matcher(terms, codebook).hits(units, progress=False, negation=False)
    found = hits["code"].value_counts()
    return {t: int(found.get(t, 0)) for t in terms}


def _kwic_matcher(terms: list[str], codebook) -> Matcher:
    """Each term a phrase pattern (its own code), normalised with the codebook's slang and
    never-stem words; its joined form (*kerjasama*) recognised like a pattern's."""
    norm = Normaliser(slang=getattr(codebook, "slang", None),
                      no_stem=getattr(codebook, "no_stem", ()), compounds=terms)
    return Matcher.from_patterns([(t, t, "phrase") for t in terms], normaliser=norm)


#: Columns of ``Corpus.documents`` that describe the file, not the interview.
_FILE_COLUMNS = ("doc_id", "path", "format", "n_segments", "n_words")


def _describing_attribute(docs: pd.DataFrame) -> str | None:
    """What names or describes each informant: the transcript format's ``informant`` key
    (CONTRACT.md), else the first front-matter attribute with a distinct value in every
    document (not a date)."""
    if "informant" in docs.columns:
        return "informant"
    for col in docs.columns:
        if col in _FILE_COLUMNS or col == "date":
            continue
        values = docs[col]
        if values.notna().all() and values.astype(str).nunique() == len(docs):
            return str(col)
    return None


def grouping_attributes(corpus: Corpus, *,
                        roles: Sequence[str] | None = ("informant",)) -> list[str]:
    """Document attributes that divide the interviews into groups (for ``code_frequencies(by=)``).

    Parameters
    ----------
    corpus : Corpus
        The transcripts; their front-matter keys are the candidate attributes.
    roles : sequence of str or None
        The coded roles (default informants): a transcript without a turn of one of them
        (the interviewer alone) has nothing to count and is left out, as in the theme
        tables; None, or a corpus where no turn has one of them, counts every transcript.

    Returns
    -------
    list of str
        In front-matter order, the attributes with at least two distinct values and at most
        half as many values as documents (so a value is shared by two documents on average):
        a grouping such as informant type, not a name, a date or a note that differs for
        every interview. Values are counted over the documents that have one. ``date`` is
        never a grouping: it orders the interviews (:func:`saturation`).

    Examples
    --------
    >>> import citra_eval as ce
    >>> ce.grouping_attributes(ce.read_transcripts(ce.example_path("transcripts")))
    ['group']
    """
    return [a for a, why in _attribute_groups(corpus, roles).items() if why is None]


def ungrouped_attributes(corpus: Corpus, *,
                         roles: Sequence[str] | None = ("informant",)) -> dict[str, str]:
    """The front-matter attributes that do *not* divide the interviews into groups, and why.

    Parameters
    ----------
    corpus : Corpus
        The transcripts.
    roles : sequence of str or None
        As for :func:`grouping_attributes`: transcripts without a turn of ``roles`` are
        not counted as interviews.

    Returns
    -------
    dict
        Attribute -> the reason, in front-matter order (e.g. ``"3 values for 4 interviews
        (a grouping has at most half as many: 2)"``, or ``"one value, in 1 of 4
        interviews"`` for an attribute the other interviews lack); the attributes
        :func:`grouping_attributes` leaves out, to say so in a note.

    Examples
    --------
    >>> import citra_eval as ce
    >>> why = ce.ungrouped_attributes(ce.read_transcripts(ce.example_path("transcripts")))
    >>> why["organisation"]
    '9 values for 11 interviews (a grouping has at most half as many: 5)'
    >>> why["interviewer"]
    'one value for 11 interviews'
    """
    return {a: why for a, why in _attribute_groups(corpus, roles).items() if why is not None}


def _attribute_groups(corpus: Corpus, roles) -> dict[str, str | None]:
    """Attribute -> None when it divides the interviews into groups, else why not."""
    check_corpus(corpus)
    spoken = documents_with_roles(corpus, check_roles(roles, corpus))
    docs = corpus.documents[corpus.documents["doc_id"].isin(spoken)]
    n = len(docs)
    out: dict[str, str | None] = {}
    for col in docs.columns:
        if col in _FILE_COLUMNS:
            continue
        if col == "date":  # interviews held on the same days are no group of interviews
            out[str(col)] = "a date orders the interviews (saturation), it does not group them"
            continue
        values = docs[col].dropna().astype(str)
        k = values.nunique()
        if k < 2:
            have = len(values)  # the interviews with a value (the others have none)
            out[str(col)] = (f"one value, in {have} of {n} interviews" if k and have < n else
                             f"{'one value' if k else 'no value'} for {n} interviews")
        elif k > n / 2:
            out[str(col)] = (f"{k} values for {n} interviews (a grouping has at most half "
                             f"as many: {n // 2})")
        else:
            out[str(col)] = None
    return out
