"""From codings to inter-coder reliability: units, per-code coefficients, bootstrap intervals,
a disagreement report for the consensus meeting, and consensus codings.

The coefficients themselves live in :mod:`citra_eval.reliability` and are re-exported here.

Units
-----
Every segment (speaker turn) of the given ``roles`` is a unit — by default the informants'
turns, because interviewer questions are not coded. With ``unit="document"`` every document
is a unit. For each code, each coder's rating of a unit is *present* (the coder applied the
code somewhere in the unit) or *absent*; an absence counts, so a segment that neither coder
coded agrees on "not this code". By default (``coverage="all"``) every coder is taken to have
rated every unit. A double-coded subset is declared (``coverage={"A": "all", "B": [doc ids]}``;
in a study, ``double_coded`` in study.yaml) or inferred (``coverage="documents"``: a coder
rated the documents in which they applied at least one code, with a warning); units rated by
fewer than two coders are excluded and counted.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import (
    CONTRACT_ROLES,
    caller_stacklevel,
    check_bool,
    check_choice,
    check_ci,
    check_codings,
    check_corpus,
    check_frame,
    check_known,
    check_n_boot,
    check_names,
    check_roles,
    check_seed,
    informants_fix,
    listed,
    roles_fix,
    without_speakers,
)
from .codebook import Codebook
from .codings import (
    CODING_COLUMNS,
    WHOLE_TURN,
    CoverageWarning,
    empty_codings,
    record_text,
    validate_codings,
    whole_turn_flags,
)
from .corpus import Corpus
from .errors import Advice, InputError, name_hint
from .reliability import (
    LEVELS,
    AlphaDetails,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_alpha_details,
    krippendorff_alpha_sets,
    masi_distance,
    percent_agreement,
    presence_agreement,
)

__all__ = [
    "AGREEMENT_COLUMNS",
    "CONSENSUS_CODER",
    "CONSENSUS_NOTE",
    "LEVELS",
    "NOT_RATED",
    "AlphaDetails",
    "CoverageWarning",
    "agreement",
    "brennan_prediger",
    "coded_documents",
    "cohen_kappa",
    "consensus",
    "disagreements",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "krippendorff_alpha_details",
    "krippendorff_alpha_sets",
    "masi_distance",
    "percent_agreement",
    "rated_documents",
    "reference_codings",
]

AGREEMENT_COLUMNS = ["code", "n_units", "percent_agreement", "cohen_kappa", "fleiss_kappa",
                     "krippendorff_alpha", "gwet_ac1", "alpha_ci_low", "alpha_ci_high"]
EXTRA_COLUMNS = ["brennan_prediger", "alpha_masi", "coded_agreement", "alpha_masi_coded",
                 "n_coders", "n_positive", "n_agreed", "n_units_excluded", "n_boot", "note"]
ALL = "ALL"
_RULES = ("agreed", "any", "majority", "adjudicator")
_MASI_AUTO_MAX_SETS = 5_000
#: The ``codes_<coder>`` cell of :func:`disagreements` for a coder who did not rate the
#: segment (an empty cell: rated, no code). No code id can be written so.
NOT_RATED = "(not rated)"


# --------------------------------------------------------------------------- units


@dataclass
class _Units:
    """Presence of each code for each coder and unit, and which coder rated which unit."""

    table: pd.DataFrame        # one row per unit: doc_id (, segment_id, speaker, role, ...)
    coders: list[str]
    codes: list[str]
    present: np.ndarray        # coders x units x codes (bool)
    rated: np.ndarray          # units x coders (bool)
    n_ignored: int             # codings outside the units (other roles)
    roles: tuple[str, ...] | None  # the roles whose segments are units (None: every role)


def _coders_option(message: str) -> Advice:
    """``message`` naming the ``coders=`` argument, as the command line names it
    (``--coders``)."""
    return Advice(message, message.replace("coders=", "--coders"))


def _select_coders(codings: pd.DataFrame, coders: Sequence[str] | None,
                   minimum: int = 2, *, purpose: str = "inter-coder agreement",
                   coverage=None) -> list[str]:
    """The coders compared: ``coders`` (each once, each with codings or declared in
    ``coverage``) or every coder of ``codings`` and of ``coverage``; at least ``minimum`` of
    them for ``purpose`` (named in the message)."""
    found = _all_coders(codings, coverage)
    if coders is None:
        chosen = found
    else:
        chosen = check_names(coders, "coders", allow_none=False, unique=True)
        unknown = [c for c in chosen if c not in found]
        if unknown:
            hints = [h for c in unknown if (h := name_hint(c, found, what="coder names"))]
            raise InputError(_coders_option(
                f"coders= names coder(s) {', '.join(map(repr, unknown))} that have no codings"
                f"{hints[0] if len(unknown) == 1 and hints else ''}; the codings have "
                f"{', '.join(found) or 'no coders'}"))
    if len(chosen) < minimum and len(found) >= minimum:
        raise InputError(_coders_option(
            f"{purpose} needs at least {minimum} coders; coders= names only {len(chosen)} "
            f"({', '.join(map(repr, chosen))}), and the codings have {len(found)} "
            f"({', '.join(map(repr, found))}): name at least {minimum} of them in coders=, or "
            "leave coders= out to compare them all"))
    if len(chosen) < minimum:
        raise InputError(
            f"{purpose} needs at least {minimum} coders; the codings have "
            f"{len(chosen)} ({', '.join(chosen) or 'none'}): add another coder's codings (one "
            "table holding every coder's rows, e.g. pd.concat of each coder's read_codings)")
    return chosen


def _select_codes(codings: pd.DataFrame, codes) -> list[str]:
    if codes is None:
        return sorted(codings["code"].astype(str).unique())
    if isinstance(codes, Codebook):
        return list(codes.codable_ids)
    if isinstance(codes, str):
        raise TypeError(f"codes must be a list of code ids or a Codebook, got the string "
                        f"{codes!r}")
    chosen = list(dict.fromkeys(str(c) for c in codes))
    if not chosen:
        raise ValueError("codes must name at least one code")
    # a code nobody applied would count as perfect agreement on its absence
    check_known(chosen, "codes", set(codings["code"].astype(str)), what="code(s)",
                absent="no coding has",
                fix="; to report a code no coder applied, pass the Codebook as codes=")
    return chosen


def _build_units(codings: pd.DataFrame, corpus: Corpus, *, coders, codes, unit: str,
                 roles, coverage, minimum_coders: int = 2,
                 unit_counts: bool = False) -> _Units:
    """The units and who rated them. ``unit_counts``: an interview no coder has codings in
    changes the result (agreement counts it as agreeing on "no code"), so without a
    ``coverage`` it is warned about as well."""
    check_codings(codings)
    check_corpus(corpus)
    check_choice(unit, "unit", ("segment", "document"))
    _check_coverage(coverage)
    roles = check_roles(roles, corpus)
    validate_codings(codings, corpus=corpus,
                     codebook=codes if isinstance(codes, Codebook) else None, warn=False)
    code_list = _select_codes(codings, codes)
    coder_list = _select_coders(codings, coders, minimum_coders, coverage=coverage)
    cod = codings[codings["coder"].astype(str).isin(coder_list)]
    cod = cod[cod["code"].astype(str).isin(code_list)]

    segs = corpus.segments
    if roles is not None:
        segs = segs[segs["role"].isin(roles)]
    in_units = pd.MultiIndex.from_frame(cod[["doc_id", "segment_id"]]).isin(
        pd.MultiIndex.from_frame(segs[["doc_id", "segment_id"]]))
    n_ignored = int((~in_units).sum())
    cod = cod[in_units]

    if unit == "segment":
        table = segs[["doc_id", "segment_id", "speaker", "role", "start", "end", "text"]]
        table = table.reset_index(drop=True)
        key = pd.MultiIndex.from_frame(table[["doc_id", "segment_id"]])
        uidx = key.get_indexer(pd.MultiIndex.from_frame(cod[["doc_id", "segment_id"]]))
    else:
        with_units = set(segs["doc_id"])
        docs = [d for d in corpus.doc_ids if d in with_units]
        table = pd.DataFrame({"doc_id": docs})
        uidx = pd.Index(docs).get_indexer(cod["doc_id"])
    cidx = pd.Index(coder_list).get_indexer(cod["coder"].astype(str))
    kidx = pd.Index(code_list).get_indexer(cod["code"].astype(str))
    present = np.zeros((len(coder_list), len(table), len(code_list)), dtype=bool)
    present[cidx, uidx, kidx] = True

    unit_docs = set(segs["doc_id"])
    rated_docs = _rated_documents(coverage, codings, corpus, coder_list,
                                  units=[d for d in corpus.doc_ids if d in unit_docs],
                                  uncoded=unit_counts)
    rated = np.column_stack([np.ones(len(table), bool) if rated_docs[c] is None
                             else table["doc_id"].isin(rated_docs[c]).to_numpy()
                             for c in coder_list])
    return _Units(table, coder_list, code_list, present, rated, n_ignored, roles)


_COVERAGE_KINDS = ("all", "documents")


def _all_coders(codings: pd.DataFrame, coverage) -> list[str]:
    """The coders of ``codings`` and those a declared ``coverage`` (mapping or table) names,
    sorted: a declared coder without codings rated their documents and applied no code."""
    found = set(codings["coder"].astype(str))
    if isinstance(coverage, pd.DataFrame) and "coder" in coverage.columns:
        found |= set(coverage["coder"].astype(str))
    elif isinstance(coverage, Mapping):
        found |= {str(k) for k in coverage}
    return sorted(found)


def _check_coverage(coverage) -> None:
    if coverage is None:  # not given: every coder rated everything, warned when unlikely
        return
    if isinstance(coverage, str):
        check_choice(coverage, "coverage", _COVERAGE_KINDS,
                     also="a mapping {coder: 'all' or [doc ids]}, or a table with columns "
                          "coder, doc_id")
    elif not isinstance(coverage, Mapping | pd.DataFrame):
        raise TypeError("coverage must be 'all', 'documents', a mapping {coder: 'all' or "
                        "[doc ids]} or a DataFrame with columns coder, doc_id; got "
                        f"{type(coverage).__name__}")


def _coverage_example(rated: dict[str, set], docs: list[str], *, most: int = 8) -> str:
    """The inferred coverage written as study.yaml's ``double_coded`` mapping (without the
    braces): ``all`` for a coder who coded in every document, else their documents in
    corpus order (``<doc ids>`` past ``most`` of them); the coders of every document first.

    >>> _coverage_example({"KM": {"R02", "R01"}, "LT": {"R01", "R02", "R03"}},
    ...                   ["R01", "R02", "R03"])
    'LT: all, KM: [R01, R02]'
    """
    order = {d: i for i, d in enumerate(docs)}
    whole = [c for c in rated if set(docs) <= rated[c]]
    parts = [f"{c}: all" for c in whole]
    for c in (c for c in rated if c not in whole):
        mine = sorted(rated[c], key=lambda d: order.get(d, len(order)))
        parts.append(f"{c}: [{', '.join(mine) if len(mine) <= most else '<doc ids>'}]")
    return ", ".join(parts)


#: What a coverage proposed from the codings (:func:`_coverage_example`) cannot know.
_EXAMPLE_CAVEAT = (
    "(this follows where each coder applied a code, so it cannot tell an interview a coder "
    "read and found nothing to code in from one they did not read: add each interview a "
    "coder read to their list, or 'all', before copying it)")


def _warn_coverage_not_given(codings: pd.DataFrame, coders: list[str], docs: list[str], *,
                             uncoded: bool) -> None:
    """:class:`CoverageWarning` when no coverage was given (every coder counts as having
    rated every document) but the ``coders``' codings are in different documents of
    ``docs`` (those with units, in corpus order), or, with ``uncoded``, some of ``docs``
    have no coding at all. Names each coder's documents without codings and the
    declaration that would fix it."""
    wanted = set(docs)
    coded = codings.groupby(codings["coder"].astype(str))["doc_id"].agg(
        lambda d: {str(x) for x in d} & wanted)
    have = {c: coded.get(c, set()) for c in coders}
    anyone = set().union(*have.values())
    differ = [c for c in coders if have[c] != anyone]
    nobody = [d for d in docs if d not in anyone] if uncoded and anyone else []
    if not differ and not nobody:
        return
    facts = []
    if differ:
        gaps = {c: [d for d in docs if d in anyone - have[c]] for c in differ}
        facts.append("the coders' codings are in different interviews: " + "; ".join(
            f"{c} has no codings in {listed(gaps[c], 6, quote=False)}" for c in differ))
    if nobody:
        facts.append(f"no coder has codings in {listed(nobody, 6, quote=False)} (counted as "
                     "every coder agreeing on 'no code' there)")
    example = _coverage_example({c: have[c] for c in coders}, docs)
    warnings.warn(CoverageWarning(
        "who rated which interview is not given (coverage=, --coverage or study.yaml's "
        "'double_coded'), so every coder counts as having rated every interview, one without "
        f"their codings as read and found to hold no code; but {'; and '.join(facts)}. If "
        "not every coder rated every interview, declare who did: in study.yaml "
        f"'double_coded: {{{example}}}' {_EXAMPLE_CAVEAT} (then coverage=study.coverage), "
        "coverage={coder: 'all' or [doc ids]}, or citra-eval agree --coverage FILE.csv "
        "(columns coder, doc_id); if every coder did, say coverage='all' (--coverage all)"),
        stacklevel=caller_stacklevel())


#: What ``coverage="documents"`` does, per use of the coverage (:func:`_warn_inferred`).
_INFERRED_EFFECT = {
    "agreement": "a document a coder read and found nothing to code in counts as not rated, "
                 "which can make agreement look better than it is",
    "training": "the learned coder trains on those documents, each of their turns a coder "
                "left without a code being that coder's negative example of it; a document "
                "a coder read and found nothing to code in is left out of training (its "
                "turns are no negatives) and coded like an unread one",
}
#: Cross-validating the learned coder: training, and with several coders their comparison.
_INFERRED_COMPARED = ("; and a human coder is compared with another only on the documents "
                      "both applied a code in, which can make their agreement look better "
                      "than it is")


def _warn_inferred(rated: dict[str, set], docs: list[str], purpose: str) -> None:
    """The :class:`CoverageWarning` of ``coverage="documents"``: what inferring each coder's
    documents (``rated``) from their codings does to ``purpose`` (``"agreement"``;
    ``"training"`` the learned coder; ``"validation"`` its cross-validation, which also
    compares several coders), and the declaration to write instead. Nothing when every
    coder has codings in every document of ``docs``: the inference then leaves no document
    out, and the numbers are those of ``"all"``."""
    if all(set(docs) <= r for r in rated.values()):
        return
    effect = _INFERRED_EFFECT["training" if purpose == "validation" else purpose]
    if purpose == "validation" and len(rated) > 1:
        effect += _INFERRED_COMPARED
    example = _coverage_example(rated, docs) or "<coder>: all"
    warnings.warn(CoverageWarning(
        "coverage='documents' infers which documents each coder rated from where they "
        f"applied a code: {effect}; declare it instead: in study.yaml "
        f"'double_coded: {{{example}}}' {_EXAMPLE_CAVEAT}, or "
        "coverage={coder: 'all' or [doc ids]}"),
        stacklevel=caller_stacklevel())


def _rated_documents(coverage, codings: pd.DataFrame, corpus: Corpus | None,
                     coders: list[str], *, units: list[str] | None = None,
                     uncoded: bool = False, purpose: str = "agreement"
                     ) -> dict[str, set | None]:
    """Coder -> the documents they rated (None: every document). ``coverage`` None (not
    given) is ``"all"``, with a :class:`CoverageWarning` when the codings make that unlikely
    (:func:`_warn_coverage_not_given` on the documents ``units``: default, the corpus's,
    else those of the codings). ``"documents"`` warns what the inference does to
    ``purpose`` (:func:`_warn_inferred`)."""
    if coverage is None:
        if units is None:
            units = (list(corpus.doc_ids) if corpus is not None
                     else sorted(set(codings["doc_id"].astype(str))))
        _warn_coverage_not_given(codings, coders, units, uncoded=uncoded)
        return dict.fromkeys(coders)
    if isinstance(coverage, str):
        if coverage == "all":
            return dict.fromkeys(coders)
        coded = codings.groupby(codings["coder"].astype(str))["doc_id"].agg(set)
        rated = {c: coded.get(c, set()) for c in coders}
        _warn_inferred(rated, list(corpus.doc_ids), purpose)
        return rated
    if isinstance(coverage, pd.DataFrame):
        check_frame(coverage, "coverage", columns=["coder", "doc_id"],
                    what="a table with columns coder, doc_id (one row per document a coder "
                         "rated)")
        declared = coverage.groupby(coverage["coder"].astype(str))["doc_id"].agg(
            lambda d: [str(x) for x in d]).to_dict()
    else:
        declared = {str(k): v for k, v in coverage.items()}
    have = set(codings["coder"].astype(str))
    check_known(declared, "coverage", have | set(coders), what="coder(s)",
                absent="have no codings", fix="; correct the coder's name or remove it")
    missing = [c for c in coders if c not in declared]
    if missing:
        raise InputError(f"coverage does not say which documents coder(s) "
                         f"{', '.join(map(repr, missing))} rated: add them ('all' or a list of "
                         "document ids)")
    known = list(corpus.doc_ids)
    out: dict[str, set | None] = {}
    for coder in coders:
        spec = declared[coder]
        if isinstance(spec, str) and spec == "all":
            out[coder] = None
            continue
        docs = [spec] if isinstance(spec, str) else [str(d) for d in spec]
        unknown = [d for d in docs if d not in set(known)]
        if unknown:
            hint = (name_hint(unknown[0], known, what="document ids")
                    or (f" (it has {', '.join(known)})" if len(known) <= 10 else ""))
            raise InputError(f"coverage for coder {coder!r} names "
                             f"{'documents' if len(unknown) > 1 else 'document'} "
                             f"{', '.join(map(repr, unknown))} that the corpus does not have"
                             + hint)
        out[coder] = set(docs)
        if coder not in have:
            _warn_rated_without_codings(coder, docs)
        outside = sorted(set(codings.loc[codings["coder"].astype(str) == coder, "doc_id"])
                         - out[coder])
        if outside:
            it = "them" if len(outside) > 1 else "it"
            raise InputError(f"coder {coder!r} has codings in {', '.join(map(repr, outside))} "
                             f"but coverage says they did not rate {it}: add {it} to their "
                             "coverage or remove those codings")
    for coder in (c for c in coders if c not in have and out[c] is None):
        _warn_rated_without_codings(coder, ["every document"])
    return out


def _warn_rated_without_codings(coder: str, docs: list[str]) -> None:
    """:class:`CoverageWarning`: a declared coder without a coding counts as having read
    ``docs`` and found nothing to code (agreement on absence), or forgot their codings."""
    warnings.warn(CoverageWarning(
        f"coder {coder!r} has no codings: counted as having rated "
        f"{listed(docs, 6, quote=False)} and applied no code there, as the coverage declares "
        "(a coder who read an interview and found nothing to code); if their codings are "
        "missing, add them, else correct the coder's name or remove it from the coverage"),
        stacklevel=caller_stacklevel())


def coded_documents(codings: pd.DataFrame, *, corpus: Corpus,
                    coverage: str | Mapping | pd.DataFrame = "documents") -> list[str]:
    """The documents the theme analyses count as coded: those at least one coder rated.

    An interview nobody coded yet (e.g. one left for the learned coder) is no interview
    "coded with no code": counting it would lower every theme's share, declare saturation on
    interviews nobody read, and count the auto-coder's codes there as false positives. An
    interview only one coder rated (a second coder double-coded some) is coded: its reference
    coding is that coder's (:func:`consensus` with the same ``coverage``).

    Parameters
    ----------
    codings : DataFrame
        A codings table of one or more coders.
    corpus : Corpus
        The transcripts.
    coverage : "documents", "all", mapping or DataFrame
        Which documents each coder rated, as :func:`agreement` takes it (in a study,
        :attr:`citra_eval.Study.coverage`: study.yaml's ``double_coded``). The default,
        ``"documents"``, takes the documents where the coder applied a code (no
        :class:`CoverageWarning` here: :func:`agreement` is where it matters).

    Returns
    -------
    list of str
        Document ids in corpus order, rated by at least one coder of ``codings`` (those
        :func:`reference_codings` with the same ``coverage`` forms a reference coding on);
        empty without codings.

    Examples
    --------
    >>> import citra_eval as ce
    >>> study = ce.example_study()
    >>> len(ce.coded_documents(study.codings, corpus=study.corpus)) == len(study.corpus)
    True
    >>> one = study.codings[study.codings.doc_id.isin(["INF01", "INF02"])]
    >>> ce.coded_documents(one, corpus=study.corpus)
    ['INF01', 'INF02']
    >>> a_all = study.codings[(study.codings.coder == "A")
    ...                       | study.codings.doc_id.isin(["INF01", "INF02"])]
    >>> docs = ce.coded_documents(a_all, corpus=study.corpus,
    ...                           coverage={"A": "all", "B": ["INF01", "INF02"]})
    >>> docs == study.corpus.doc_ids
    True
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        rated = rated_documents(codings, corpus=corpus, coverage=coverage)
    keep = {d for docs in rated.values() for d in docs}
    return [d for d in corpus.doc_ids if d in keep]


def rated_documents(codings: pd.DataFrame, *, corpus: Corpus,
                    coverage: str | Mapping | pd.DataFrame | None = "all",
                    purpose: str = "agreement") -> dict[str, list[str]]:
    """Which documents each coder rated, read from ``coverage`` as :func:`agreement` reads it.

    For the functions that compare coders beyond :func:`agreement` (e.g.
    :func:`citra_eval.cross_validate_coder`): one reading and one set of checks of the
    coverage for all of them.

    Parameters
    ----------
    codings : DataFrame
        The codings of every coder to say this for (checked against ``corpus``).
    corpus : Corpus
        The transcripts the documents are in.
    coverage : "all", "documents", mapping or DataFrame
        As :func:`agreement` takes it (in a study, :attr:`citra_eval.Study.coverage`):
        ``"all"`` every document; ``"documents"`` those where the coder applied a code (with
        a :class:`CoverageWarning`); ``{coder: "all" or [doc ids]}`` or a table with columns
        ``coder, doc_id`` as declared; None (not given) as ``"all"``, with a
        :class:`CoverageWarning` when the coders' codings are in different documents (as
        :func:`agreement` warns).
    purpose : {"agreement", "training", "validation"}
        What the coverage is for, which the warning of ``"documents"`` explains: comparing
        coders (default; an interview a coder found nothing in is left out, which can
        flatter agreement), training the learned coder (which turns are a coder's
        negatives) or cross-validating it (both). No warning when every coder has codings
        in every document (nothing is inferred away: as ``"all"``).

    Returns
    -------
    dict
        Coder (sorted) -> the document ids they rated, in corpus order.

    Raises
    ------
    InputError
        A declared coverage that leaves out a coder of ``codings``, names a document the
        corpus lacks, or leaves out a document the coder has codings in (a declared coder
        without codings is one, who applied no code: :class:`CoverageWarning`).

    Examples
    --------
    >>> import citra_eval as ce
    >>> study = ce.example_study()
    >>> some = study.codings[(study.codings.coder == "A") | (study.codings.doc_id == "INF01")]
    >>> rated = ce.intercoder.rated_documents(some, corpus=study.corpus,
    ...                                       coverage={"A": "all", "B": ["INF01"]})
    >>> rated["B"], rated["A"] == study.corpus.doc_ids
    (['INF01'], True)
    """
    check_codings(codings)
    check_corpus(corpus)
    _check_coverage(coverage)
    check_choice(purpose, "purpose", ("agreement", "training", "validation"))
    validate_codings(codings, corpus=corpus, warn=False)
    coders = _all_coders(codings, coverage)
    rated = _rated_documents(coverage, codings, corpus, coders, purpose=purpose)
    return {c: [d for d in corpus.doc_ids if docs is None or d in docs]
            for c, docs in rated.items()}


# --------------------------------------------------------------------------- coefficients


def _masi_alphas(x: np.ndarray, rated: np.ndarray, codes: list[str],
                 masi: bool | None) -> tuple[float, float, str]:
    """Set-valued (MASI) alpha over all units and over the units anyone coded, and a note."""
    if masi is False:
        return np.nan, np.nan, "alpha_masi not computed (masi=False)"
    n_sets = len(np.unique(x.transpose(1, 0, 2)[rated], axis=0))  # distinct (coder, unit) sets
    if masi is None and n_sets > _MASI_AUTO_MAX_SETS:
        return np.nan, np.nan, (f"alpha_masi not computed: {n_sets:,} distinct code sets (more "
                                f"than {_MASI_AUTO_MAX_SETS:,}); pass masi=True to compute it "
                                "anyway")
    rows = []
    for u in range(x.shape[1]):
        rows.append([frozenset(codes[k] for k in np.flatnonzero(x[c, u])) if rated[u, c]
                     else None for c in range(x.shape[0])])
    try:
        d = krippendorff_alpha_details(rows, level="masi")
    except ValueError as exc:
        return np.nan, np.nan, f"alpha_masi undefined: {exc}"
    # The units nobody coded hold only empty sets: no observed disagreement, and in the
    # expected disagreement only the empty set's count changes. With e = the empty set,
    # delta(e, S) = 1 for every other set S, removing those units' D empty values gives
    # n' = n - D and sum n_c n_k delta_ck' = E - 2 D (n - n_e): alpha over the coded units
    # without a second pass over every pair of sets.
    coded = (x & rated.T[:, :, None]).any(axis=(0, 2))
    drop = float(rated[~coded].sum())
    n = float(d.n_values)
    n_e = float(d.value_counts[d.categories.index(frozenset())]) if frozenset() in \
        d.categories else 0.0
    do_sum = d.observed_disagreement * n
    expected = d.expected_disagreement * n * (n - 1.0) - 2.0 * drop * (n - n_e)
    n_coded = n - drop
    if not coded.any():
        return d.alpha, np.nan, "alpha_masi_coded undefined: no unit was coded"
    if expected <= 0:
        return d.alpha, np.nan, ("alpha_masi_coded undefined: every coder gave every coded unit "
                                 "the same set (no variation)")
    return d.alpha, float(1.0 - (n_coded - 1.0) * do_sum / expected), ""


def _notes(core: pd.DataFrame, n_coders: int) -> list[str]:
    notes = []
    for k in range(len(core) - 1):
        parts = []
        if core["n_positive"].iat[k] == 0:
            parts.append("no coder applied this code: agreement is perfect but alpha and "
                         "kappas are undefined (no variation)")
        elif np.isnan(core["krippendorff_alpha"].iat[k]):
            parts.append("alpha undefined: no variation")
        if n_coders != 2:
            parts.append(f"cohen_kappa needs exactly 2 coders ({n_coders} here)")
        notes.append("; ".join(parts))
    return notes


def agreement(codings: pd.DataFrame, *, corpus: Corpus, coders: Sequence[str] | None = None,
              unit: str = "segment", codes: Sequence[str] | Codebook | None = None,
              n_boot: int = 1000, seed: int = 0, ci: float = 0.95,
              roles: Sequence[str] | None = ("informant",),
              coverage: str | Mapping | pd.DataFrame | None = None,
              masi: bool | None = None) -> pd.DataFrame:
    """Inter-coder reliability per code and for the whole codebook.

    Parameters
    ----------
    codings : DataFrame
        A codings table (contract columns ``doc_id, segment_id, start, end, code, coder``)
        holding the codings of two or more coders, e.g. ``pd.concat([codings_a, codings_b])``.
    corpus : Corpus
        The transcripts; its segments are the units. Codings are validated against it
        (unknown documents or segments, spans outside the text raise :class:`InputError`).
    coders : list of str, optional
        The coders to compare (default: every coder in ``codings``; at least two).
    unit : {"segment", "document"}
        The unit of analysis: each segment (speaker turn) or each document.
    codes : list of str or Codebook, optional
        Codes to report, in this order (default: every code used, sorted). A
        :class:`Codebook` reports all its codable codes and rejects codings with other codes.
    n_boot : int
        Bootstrap replicates for the alpha interval (0: no interval).
    seed : int
        Seed of the bootstrap's random generator (results are reproducible).
    ci : float
        Confidence level of the percentile interval, in (0, 1).
    roles : sequence of str or None
        Speaker roles whose segments are units (default: informants only, since interviewer
        questions are not coded); None for every segment. Codings on other segments are
        ignored and counted in the ``ALL`` row's note.
    coverage : "all", "documents", mapping, DataFrame or None
        Which units each coder rated. ``"all"``: every unit. None (default, not given): every
        unit too, but with a :class:`CoverageWarning` when the coders' codings are in
        different documents, or some documents with units have no coding at all (each
        coder's documents without codings, and the declaration that fits them, are named):
        counting those as "rated, no code" is right only if the coder read them. A
        declaration of a
        double-coded subset: a mapping ``{coder: "all" or [doc ids]}`` (e.g.
        ``{"A": "all", "B": ["INF01", "INF04"]}``) or a table with columns ``coder, doc_id``;
        every compared coder must be named, and a coder's codings outside their documents
        are an error; a declared coder without codings rated their documents and applied no
        code there (e.g. a second coder who found nothing to code in the interview they
        double-coded), with a :class:`CoverageWarning`. ``"documents"``: inferred, a coder
        rated the documents in which they applied at least one code; this cannot tell "did
        not rate" from "read it and coded nothing" (which biases agreement upward), so it
        warns (:class:`CoverageWarning`).
        In a study, :attr:`citra_eval.Study.coverage` is study.yaml's ``double_coded``
        (or ``"documents"`` when it is not set).
    masi : bool or None
        Compute ``alpha_masi`` on the ``ALL`` row: True always, False never, None (default)
        when the coders used at most 5,000 distinct code sets. Its expected disagreement
        compares every pair of distinct sets, so its cost grows with the square of their
        number (about a second at 5,000); when skipped, the ``ALL`` note says why.

    Returns
    -------
    DataFrame
        One row per code, then one ``ALL`` row. Columns:

        - ``code``: the code id, or ``ALL``.
        - ``n_units``: units rated by two or more coders (the units used).
        - ``percent_agreement``: share of agreeing coder pairs per unit, averaged.
        - ``cohen_kappa``: Cohen's kappa; NaN unless there are exactly two coders.
        - ``fleiss_kappa``, ``krippendorff_alpha`` (nominal), ``gwet_ac1``.
        - ``alpha_ci_low``, ``alpha_ci_high``: percentile bootstrap interval of alpha.
        - ``brennan_prediger``: free-marginal kappa (q = 2: present/absent).
        - ``alpha_masi``: on the ``ALL`` row, Krippendorff's alpha on each unit's *set* of
          codes with the MASI distance; NaN on code rows.
        - ``coded_agreement``: agreement on the units anyone coded, ``n_agreed / n_positive``:
          for a code, the share of the units where some coder applied it in which every
          coder did; on the ``ALL`` row, the share of the units anyone coded to which every
          coder gave the same set of codes (exact match). Unlike ``percent_agreement`` it is
          not inflated by the units nobody coded.
        - ``alpha_masi_coded``: on the ``ALL`` row, ``alpha_masi`` over the units anyone
          coded; NaN on code rows.
        - ``n_coders``; ``n_positive``: units where at least one coder applied the code;
          ``n_agreed``: units where every coder did; ``n_units_excluded``: units rated by
          fewer than two coders (left out); ``n_boot``: bootstrap replicates in which alpha
          was defined; ``note``: why a value is missing, what was ignored.

        ``DataFrame.attrs`` records ``unit``, ``coders``, ``roles``, ``coverage`` (``"all"``
        when it was not given), ``seed``, ``ci`` and ``n_codings_ignored``.

    Raises
    ------
    InputError
        Codings that do not fit the corpus (or codebook), fewer than two coders, ``coders=``
        naming a coder without codings, or no unit rated by two coders (e.g. two coders who
        share no interview: the message names the interviews of each).

    Warns
    -----
    CoverageWarning
        ``coverage`` not given while the codings suggest that not every coder rated every
        document (above), or ``coverage="documents"`` (inferred), or a declared coder
        without codings (counted as rating their documents with no code).
    ValueError, TypeError
        Wrong arguments (unknown ``unit``, ``ci`` outside (0, 1), ...).

    Notes
    -----
    For a code, the rating of unit ``u`` by coder ``c`` is 1 (applied) or 0 (not applied). With
    ``a_u`` coders saying 1 out of ``m_u`` raters, the per-unit alpha contributions are the
    observed disagreement ``2 a_u (m_u - a_u) / (m_u - 1)``, ``a_u`` and ``m_u``; alpha is
    ``1 - (n - 1) sum_u do_u / (2 n_1 n_0)`` with ``n_1 = sum a_u``, ``n_0 = sum (m_u - a_u)``,
    ``n = n_1 + n_0`` (Krippendorff 2011, binary data). The other coefficients are those of
    :mod:`citra_eval.reliability` on the same ratings matrix.

    The ``ALL`` row pools every (unit, code) decision: its coefficients are those of the ratings
    matrix stacking all codes (one row per unit and code); its interval resamples whole units,
    keeping a unit's codes together. Most (unit, code) cells are "absent" for every coder, so
    the pooled percent agreement and AC1 are dominated by agreement on absence (prevalence
    inflation); ``coded_agreement`` and ``alpha_masi_coded`` leave the uncoded units out and
    say how far the coders agree on the codes they did apply. ``alpha_masi`` is the set-valued
    alternative over all units (Passonneau 2006).

    The bootstrap draws units with replacement ``n_boot`` times (numpy ``default_rng(seed)``)
    and recomputes alpha from the resampled per-unit contributions with one matrix product for
    all codes; the interval holds the ``(1 - ci)/2`` and ``(1 + ci)/2`` quantiles of the
    replicates where alpha is defined. Segments are resampled as if independent, ignoring
    that they are nested in interviews; with strong interview effects the interval is too
    narrow.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
    measure for coding data. Communication Methods and Measures, 1(1), 77-89.

    Examples
    --------
    >>> import pandas as pd
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"d1.txt": (
    ...     "---\\nid: D1\\nspeakers: {P: interviewer, I: informant}\\n---\\n"
    ...     "P: Bagaimana?\\nI: Kami bekerja sama dengan media.\\nI: Kami pakai Instagram.\\n"
    ...     "I: Kami rapat tiap pekan.\\nI: Warga puas.\\n")})
    >>> seg = corpus.segments.set_index("segment_id")
    >>> def c(sid, code, coder):
    ...     return (seg.doc_id[sid], sid, seg.start[sid], seg.end[sid], code, coder)
    >>> codings = pd.DataFrame(
    ...     [c(2, "kerja_sama", "A"), c(2, "kerja_sama", "B"), c(3, "media", "A"),
    ...      c(3, "media", "B"), c(4, "media", "A")], columns=ce.CODING_COLUMNS)
    >>> table = ce.agreement(codings, corpus=corpus, n_boot=200)
    >>> table[["code", "n_units", "percent_agreement", "cohen_kappa"]].round(3)
             code  n_units  percent_agreement  cohen_kappa
    0  kerja_sama        4              1.000        1.000
    1       media        4              0.750        0.500
    2         ALL        4              0.875        0.714
    """
    n_boot = check_n_boot(n_boot, check_ci(ci))
    seed = check_seed(seed)
    check_bool(masi, "masi", allow_none=True)
    u = _build_units(codings, corpus, coders=coders, codes=codes, unit=unit, roles=roles,
                     coverage=coverage, unit_counts=True)
    pairable = u.rated.sum(axis=1) >= 2
    n_excluded = int((~pairable).sum())
    if not pairable.any():
        raise InputError(_nothing_shared(u, unit, corpus))
    x, rated = u.present[:, pairable, :], u.rated[pairable]
    n_units, n_codes = x.shape[1], x.shape[2]
    core = presence_agreement(x, rated=rated, codes=u.codes, pooled=ALL, n_boot=n_boot,
                              seed=seed, ci=ci)
    masi_alpha, masi_coded, masi_note = _masi_alphas(x, rated, u.codes, masi)
    notes = _notes(core, len(u.coders))
    all_note = [f"pooled over {n_codes} codes x {n_units} {unit}s"]
    if u.n_ignored:
        all_note.append(f"{u.n_ignored} coding(s) on segments outside the units (roles other "
                        f"than {', '.join(roles) if roles else 'any'}) ignored")
    if n_excluded:
        all_note.append(f"{n_excluded} {unit}(s) rated by fewer than two coders excluded")
    if masi_note:
        all_note.append(masi_note)
    if len(u.coders) != 2:
        all_note.append(f"cohen_kappa needs exactly 2 coders ({len(u.coders)} here)")
    table = core[[*AGREEMENT_COLUMNS, "brennan_prediger"]].assign(
        alpha_masi=[np.nan] * n_codes + [masi_alpha], coded_agreement=core["coded_agreement"],
        alpha_masi_coded=[np.nan] * n_codes + [masi_coded], n_coders=len(u.coders),
        n_positive=core["n_positive"], n_agreed=core["n_agreed"],
        n_units_excluded=n_excluded, n_boot=core["n_boot"],
        note=[*notes, "; ".join(all_note)])
    table.attrs.update(unit=unit, coders=list(u.coders), roles=None if roles is None
                       else list(u.roles), coverage="all" if coverage is None else coverage,
                       seed=int(seed),
                       ci=float(ci), n_boot=int(n_boot), n_codings_ignored=u.n_ignored)
    return table


def _nothing_shared(u: _Units, unit: str, corpus: Corpus) -> str:
    """Why no unit was rated by two coders: no turns of the roles compared (speakers with
    other roles: how to mark the informants; speakers without roles: how to give them
    roles), else which documents each coder rated, in words."""
    if not len(u.table) and u.roles:
        turns = " or ".join(u.roles)
        have = sorted({r for r in corpus.segments["role"].dropna().astype(str) if r})
        if have:  # roles in other words ('narasumber'), not none
            other = [r for r in have if r not in CONTRACT_ROLES][:1] or have[:1]
            return (f"no turn has the role(s) {listed(u.roles)} (roles here: "
                    f"{', '.join(have)}), so there is nothing to compare: "
                    f"{informants_fix(corpus)}; or compare the turns of other roles "
                    f"(e.g. roles={other!r}; "
                    "on the command line --roles)")
        again = ("" if without_speakers(corpus) else
                 "; for a project imported from a QDA program, import it again giving the "
                 "roles (citra-eval qdpx import --speakers LABEL=informant "
                 "LABEL=interviewer)")
        return (f"the transcripts have no {turns} turns (no speaker has the role), so there "
                f"is nothing to compare: {roles_fix(corpus)}{again}")
    docs = u.table["doc_id"].astype(str)
    mine = {c: list(dict.fromkeys(docs[u.rated[:, i]])) for i, c in enumerate(u.coders)}
    each = "; ".join(f"{c}: {listed(d, 6, quote=False) or 'none'}" for c, d in mine.items())
    pair = (f"{u.coders[0]} and {u.coders[1]}" if len(u.coders) == 2
            else f"no two of {', '.join(u.coders)}")
    return (f"{pair} share no interview ({each}), so no {unit} was rated by two or more "
            "coders: nothing to compare; compare coders who rated the same interviews, or "
            "correct the coverage if they did")


# --------------------------------------------------------------------------- disagreements


def _code_sets(u: _Units) -> list[list[frozenset | None]]:
    return [[frozenset(u.codes[k] for k in np.flatnonzero(u.present[c, i]))
             if u.rated[i, c] else None for c in range(len(u.coders))]
            for i in range(len(u.table))]


def disagreements(codings: pd.DataFrame, *, corpus: Corpus,
                  coders: Sequence[str] | None = None,
                  roles: Sequence[str] | None = ("informant",),
                  coverage: str | Mapping | pd.DataFrame | None = None) -> pd.DataFrame:
    """Every segment where the coders' codes differ, with its text: the consensus agenda.

    Parameters
    ----------
    codings : DataFrame
        A codings table with two or more coders.
    corpus : Corpus
        The transcripts (segments are the units, as in :func:`agreement`).
    coders : list of str, optional
        Coders to compare (default: all in ``codings``).
    roles : sequence of str or None
        Speaker roles whose segments are compared (default: informants), None for all.
    coverage : "all", "documents", mapping, DataFrame or None
        As in :func:`agreement` (None, the default: every coder rated every segment, with a
        :class:`CoverageWarning` when their codings are in different documents); segments
        only one coder rated are not listed.

    Returns
    -------
    DataFrame
        One row per disputed segment, in corpus order (wide form, one column per coder, so
        it reads as a meeting agenda in a spreadsheet):

        - ``doc_id, segment_id, speaker, role, start, end, text``: the segment.
        - ``codes_<coder>``: that coder's codes in the segment, sorted, ``"; "``-separated;
          empty when the coder rated the segment and applied none, :data:`NOT_RATED`
          (``"(not rated)"``) when the coder did not rate it (``coverage``), so that a CSV
          of the table tells the two apart.
        - ``agreed``: codes every coder applied; ``disputed``: codes some but not all applied;
          ``n_disputed``: how many.

    Examples
    --------
    >>> import pandas as pd
    >>> import citra_eval as ce
    >>> corpus = ce.Corpus.from_texts({"d1.txt": (
    ...     "---\\nid: D1\\nspeakers: {P: interviewer, I: informant}\\n---\\n"
    ...     "P: Bagaimana?\\nI: Kami bekerja sama dengan media.\\nI: Warga puas.\\n")})
    >>> s, e = corpus.segments.loc[1, ["start", "end"]]
    >>> codings = pd.DataFrame([("D1", 2, s, e, "kerja_sama", "A"),
    ...                         ("D1", 2, s, e, "media", "A"),
    ...                         ("D1", 2, s, e, "kerja_sama", "B")],
    ...                        columns=ce.CODING_COLUMNS)
    >>> d = ce.disagreements(codings, corpus=corpus)
    >>> d[["segment_id", "codes_A", "codes_B", "disputed"]]
       segment_id            codes_A     codes_B disputed
    0           2  kerja_sama; media  kerja_sama    media
    """
    u = _build_units(codings, corpus, coders=coders, codes=None, unit="segment", roles=roles,
                     coverage=coverage)
    sets = _code_sets(u)
    keep, agreed, disputed = [], [], []
    for i, row in enumerate(sets):
        given = [s for s in row if s is not None]
        if len(given) < 2 or len(set(given)) == 1:
            continue
        both = frozenset.intersection(*given)
        keep.append(i)
        agreed.append(both)
        disputed.append(frozenset.union(*given) - both)
    out = u.table.iloc[keep].reset_index(drop=True)
    for c, coder in enumerate(u.coders):
        out[f"codes_{coder}"] = ["; ".join(sorted(sets[i][c])) if sets[i][c] is not None
                                 else NOT_RATED for i in keep]
    out["agreed"] = ["; ".join(sorted(s)) for s in agreed]
    out["disputed"] = ["; ".join(sorted(s)) for s in disputed]
    out["n_disputed"] = [len(s) for s in disputed]
    return out


# --------------------------------------------------------------------------- consensus

#: The ``coder`` of a consensus coding (:func:`consensus`, ``agree --consensus``): how a
#: study recognises a consensus file among its coders' codings files and refuses it.
CONSENSUS_CODER = "consensus"

#: The ``note`` of every coding :func:`consensus` writes, a regular expression to match
#: whole: who agreed on the code, who adjudicated it, how many coders applied it, or the one
#: coder who rated the document. With it a study recognises a consensus saved under another
#: coder name than :data:`CONSENSUS_CODER` (``tests/test_intercoder.py`` holds it to every
#: rule's notes).
CONSENSUS_NOTE = (r"agreed by .+|adjudicated by .+ \(.+ applied it\)"
                  r"|(?:agreed|any|majority): \d+ of \d+ \(.+\)|only .+ rated .+")


def _raters_per_document(coverage, codings: pd.DataFrame, corpus: Corpus | None,
                         coders: list[str]) -> dict[str, int]:
    """Doc id -> how many of ``coders`` rated it ({} when all of them rated every one)."""
    if isinstance(coverage, str) and coverage == "all":
        return {}
    rated = _rated_documents(coverage, codings, corpus, coders)
    if coverage is None:
        return {}
    return {d: sum(docs is None or d in docs for docs in rated.values())
            for d in corpus.doc_ids}


def consensus(codings: pd.DataFrame, *, rule: str = "agreed", adjudicator: str | None = None,
              coder: str = CONSENSUS_CODER, coders: Sequence[str] | None = None,
              corpus: Corpus | None = None,
              coverage: str | Mapping | pd.DataFrame | None = None) -> pd.DataFrame:
    """Merge several coders' codings into one reference coding.

    Decisions are made per segment and code, among the coders who rated the segment's
    document (``coverage``): in a document only one of them rated, that coder's codings.

    Parameters
    ----------
    codings : DataFrame
        A codings table with two or more coders.
    rule : {"agreed", "any", "majority", "adjudicator"}
        Keep a code in a segment when every coder applied it (``agreed``), at least one did
        (``any``), more than half did (``majority``), or: agreed codes are kept and disputed
        ones (applied by some coders but not all) follow the ``adjudicator``'s codings
        (``adjudicator``).
    adjudicator : str, optional
        The coder whose codings settle disputes (only with ``rule="adjudicator"``). May be one
        of the coders or a separate person who coded the disputed segments.
    coder : str
        The name written in the ``coder`` column of the result.
    coders : list of str, optional
        The coders to merge (default: every coder in ``codings`` except the adjudicator; if
        that leaves fewer than two, the adjudicator is included).
    corpus : Corpus, optional
        The transcripts the codings point into; when given, the result records the coded
        characters of each merged span in a ``text`` column (as every codings file does)
        and the codings are checked against the corpus first.
    coverage : "all", "documents", mapping, DataFrame or None
        Which documents each coder rated, as :func:`agreement` takes it (in a study,
        :attr:`citra_eval.Study.coverage`: study.yaml's ``double_coded``). ``"all"`` has
        every coder rate every document; so has None (the default, not given), with a
        :class:`CoverageWarning` when the coders' codings are in different documents (then
        ``agreed`` keeps nothing there that a coder who did not rate it could not confirm);
        a declaration or ``"documents"`` needs ``corpus``.
        The rules count among a document's coders: with ``{A: all, B: [D2]}`` the agreed
        consensus of D2 keeps what A and B both applied, and that of every other document
        what A applied (``note``: "only A rated D1").

    Returns
    -------
    DataFrame
        A codings table: ``doc_id, segment_id, start, end, code, coder``, then ``text``
        (only when ``corpus`` is given), ``evidence, note``, and ``whole_turn`` when
        ``codings`` has that column (as ``sheet import`` writes it). The span is the hull
        (earliest start, latest end) of the spans of the coders who applied the code in the
        segment (the adjudicator's own spans when the adjudicator decided); ``note`` says who
        supported the code; ``whole_turn`` is ``"true"`` when one of the codings the span
        was made from is a coding of its whole turn (the hull is then that whole turn, and
        :func:`citra_eval.reanchor` follows an edited turn as it does for the coders'
        codings), else ``"false"``.

    Examples
    --------
    >>> import pandas as pd
    >>> import citra_eval as ce
    >>> codings = pd.DataFrame([("D1", 2, 0, 10, "media", "A"), ("D1", 2, 2, 12, "media", "B"),
    ...                         ("D1", 2, 0, 10, "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    >>> ce.consensus(codings)[["segment_id", "start", "end", "code", "coder", "note"]]
       segment_id  start  end   code      coder            note
    0           2      0   12  media  consensus  agreed by A, B
    >>> len(ce.consensus(codings, rule="any"))
    2
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> manual = pd.concat([ce.read_codings(ce.example_path(f"codings_{c}")) for c in "AB"])
    >>> part = manual[(manual.coder == "A") | (manual.doc_id == "INF01")]
    >>> some = ce.consensus(part, corpus=corpus, coverage={"A": "all", "B": ["INF01"]})
    >>> sorted(set(some["note"].str.startswith("only A rated")))
    [False, True]
    >>> agreed = ce.consensus(manual, corpus=corpus)
    >>> row = agreed.iloc[0]
    >>> corpus.text(row.doc_id)[row.start:row.end] == row.text
    True
    """
    check_codings(codings)
    check_choice(rule, "rule", _RULES)
    if (rule == "adjudicator") != (adjudicator is not None):
        raise ValueError("adjudicator= is needed with rule='adjudicator' and only then; got "
                         f"rule={rule!r}, adjudicator={adjudicator!r}")
    _check_coverage(coverage)
    if coverage is not None and not (isinstance(coverage, str) and coverage == "all") \
            and corpus is None:
        raise ValueError("coverage= names which documents each coder rated: it needs "
                         "corpus= (the transcripts); got coverage without a corpus")
    validate_codings(codings, corpus=corpus, warn=False)
    found = set(codings["coder"].astype(str))
    if adjudicator is not None and adjudicator not in found:
        raise InputError(f"adjudicator {adjudicator!r} has no codings"
                         f"{name_hint(str(adjudicator), found, what='coder names')}; the "
                         f"codings have {', '.join(sorted(found))}")
    if coders is None:
        rating = set(_all_coders(codings, coverage))
        others = sorted(rating - {adjudicator})
        coders = others if len(others) >= 2 else sorted(rating)
    chosen = _select_coders(codings, coders, purpose=f"a consensus coding (rule {rule!r})",
                            coverage=coverage)
    if coder in found:
        raise ValueError(f"coder={coder!r} is already a coder in the codings; choose another "
                         "name for the consensus")
    key = ["doc_id", "segment_id", "code"]
    flagged = WHOLE_TURN in codings.columns
    frame = codings.assign(coder=codings["coder"].astype(str),
                           _whole=whole_turn_flags(codings))
    cod = frame[frame["coder"].isin(chosen)]
    # One hull per (segment, code, coder), then one row per (segment, code).
    per_coder = cod.groupby([*key, "coder"], sort=True).agg(
        start=("start", "min"), end=("end", "max"), whole=("_whole", "any")).reset_index()
    per = per_coder.groupby(key, sort=True).agg(
        who=("coder", lambda c: ", ".join(sorted(c))), n=("coder", "size"),
        start=("start", "min"), end=("end", "max"), whole=("whole", "any")).reset_index()
    raters = _raters_per_document(coverage, frame, corpus, chosen)
    per["_r"] = per["doc_id"].map(raters).fillna(len(chosen)).astype(int)
    everyone = per["n"] == per["_r"]
    if rule == "adjudicator":
        adj = frame[frame["coder"] == adjudicator].groupby(key).agg(
            adj_start=("start", "min"), adj_end=("end", "max"), adj_whole=("_whole", "any"))
        per = per.join(adj, on=key)
        decided = ~everyone & per["adj_start"].notna()
        keep = everyone | decided
        per.loc[decided, "start"] = per.loc[decided, "adj_start"]
        per.loc[decided, "end"] = per.loc[decided, "adj_end"]
        per["whole"] = per["whole"].where(~decided, per["adj_whole"]).astype(bool)
        note = np.where(everyone, "agreed by " + per["who"],
                        f"adjudicated by {adjudicator} (" + per["who"] + " applied it)")
    else:
        need = {"agreed": per["_r"], "any": 1, "majority": per["_r"] // 2 + 1}[rule]
        keep = per["n"] >= need
        note = np.where(everyone, "agreed by " + per["who"],
                        rule + ": " + per["n"].astype(str) + " of " + per["_r"].astype(str)
                        + " (" + per["who"] + ")")
    alone = per["_r"] == 1
    note = np.where(alone, "only " + per["who"] + " rated " + per["doc_id"].astype(str), note)
    per["note"] = note
    per = per[keep]
    rows = [{"doc_id": r.doc_id, "segment_id": int(r.segment_id), "start": int(r.start),
             "end": int(r.end), "code": r.code, "coder": coder, "evidence": None,
             "note": r.note, WHOLE_TURN: "true" if r.whole else "false"}
            for r in per.itertuples(index=False)]
    columns = [*CODING_COLUMNS, "evidence", "note", *[WHOLE_TURN] * flagged]
    out = empty_codings().reindex(columns=columns) if not rows else pd.DataFrame(rows)
    out = out.sort_values(["doc_id", "segment_id", "start", "code"], kind="stable")
    out = out.reset_index(drop=True)[columns]
    return out if corpus is None else record_text(out, corpus=corpus)


def reference_codings(codings: pd.DataFrame, *, rule: str = "agreed",
                      corpus: Corpus | None = None,
                      coverage: str | Mapping | pd.DataFrame | None = None) -> pd.DataFrame:
    """The codings the theme analyses count: the coders' consensus, or the one coder's codings.

    Parameters
    ----------
    codings : DataFrame
        A codings table of one or more coders.
    rule : str
        The :func:`consensus` rule when there are two or more coders (default ``agreed``:
        a code is kept in a segment that every coder gave it).
    corpus : Corpus, optional
        The transcripts the codings point into; when given, the codings are checked against
        them and the result records the coded characters in a ``text`` column (as every
        codings file does).
    coverage : "all", "documents", mapping, DataFrame or None
        Which documents each coder rated (in a study, :attr:`citra_eval.Study.coverage`);
        the consensus of a document is formed among its coders, and a document one coder
        rated keeps that coder's codings (see :func:`consensus`: None, the default, is
        ``"all"`` with a warning when the coders' codings are in different documents; a
        declaration or ``"documents"`` needs ``corpus``).

    Returns
    -------
    DataFrame
        With two or more coders, :func:`consensus` (``coder`` is ``consensus``); with one,
        that coder's codings unchanged (a study coded by one person, e.g. a thesis, has no
        consensus to form; its reliability cannot be measured, which the notebooks say),
        with ``text`` recorded when ``corpus`` is given.

    Examples
    --------
    >>> import pandas as pd
    >>> import citra_eval as ce
    >>> two = pd.DataFrame([("D1", 2, 0, 10, "media", "A"), ("D1", 2, 2, 12, "media", "B"),
    ...                     ("D1", 3, 0, 10, "iklan", "A")], columns=ce.CODING_COLUMNS)
    >>> ce.reference_codings(two)[["segment_id", "code", "coder"]].values.tolist()
    [[2, 'media', 'consensus']]
    >>> ce.reference_codings(two[two.coder == "A"])["code"].tolist()
    ['media', 'iklan']
    >>> study = ce.example_study()
    >>> ref = ce.reference_codings(study.codings, corpus=study.corpus)
    >>> row = ref.iloc[0]
    >>> study.corpus.text(row.doc_id)[row.start:row.end] == row.text
    True
    """
    check_codings(codings)
    validate_codings(codings, corpus=corpus, warn=False)
    if codings["coder"].astype(str).nunique() >= 2:
        return consensus(codings, rule=rule, corpus=corpus, coverage=coverage)
    _check_coverage(coverage)
    one = codings.reset_index(drop=True)
    return one if corpus is None else record_text(one, corpus=corpus)
