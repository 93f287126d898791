"""Mixed-methods integration: the joint display of themes and survey constructs.

Each strategy theme of the codebook that names a survey ``construct`` is set beside that
construct: what the interviews say (how many informants raise the theme, how much of their talk
it takes, how reliably it was coded, a quote) and what the survey says (the construct's mean,
its internal consistency, its standardised effect on the study's outcome). A documented rule
then states the meta-inference of each row: the two strands **converge**, **diverge**, or one
strand **expands** on something the other does not cover (Fetters, Curry & Creswell 2013).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import pandas as pd

from ._labels import label as text
from ._validation import (
    caller_stacklevel,
    check_choice,
    check_codebook,
    check_codings,
    check_corpus,
    check_frame,
    check_lang,
    check_proportion,
    check_seed,
    listed,
    roles_fix,
)
from .codings import CODING_COLUMNS
from .intercoder import agreement
from .psychometrics import scale_reliability as _scale_reliability
from .regression import ImageModelResult, image_model
from .survey import keyed_items, score_scales
from .themes import checked_codings, on_roles

__all__ = [
    "JOINT_COLUMNS",
    "construct_evidence",
    "joint_display",
    "meta_inferences",
    "theme_evidence",
]

THEME_COLUMNS = ["theme", "theme_label", "category", "category_label", "construct",
                 "n_informants", "n_informants_total", "informant_share", "n_segments",
                 "segment_share", "code_alpha", "quote", "quote_doc", "quote_speaker",
                 "quote_segment_id", "quote_start", "quote_end"]
#: The ``quote*`` columns of :func:`theme_evidence`.
QUOTE_KEYS = THEME_COLUMNS[THEME_COLUMNS.index("quote"):]
CONSTRUCT_COLUMNS = ["construct", "construct_label", "construct_mean", "mean_ci_low",
                     "mean_ci_high", "scale_midpoint", "scale_alpha", "std_effect", "std_ci_low",
                     "std_ci_high", "p_value", "quant_basis"]
RULE_COLUMNS = ["qual_evidence", "quant_evidence", "meta_inference", "meta_inference_label",
                "rationale", "caveat"]
#: Columns of :func:`joint_display`, in order.
JOINT_COLUMNS = [
    "theme", "theme_label", "category", "category_label", "construct", "construct_label",
    "n_informants", "n_informants_total", "informant_share", "n_segments", "segment_share",
    "code_alpha", "quote", "quote_doc", "quote_speaker", "quote_segment_id", "quote_start",
    "quote_end", "construct_mean", "mean_ci_low", "mean_ci_high", "scale_midpoint", "scale_alpha",
    "std_effect", "std_ci_low", "std_ci_high", "p_value", "quant_basis",
    *RULE_COLUMNS]

#: Krippendorff (2004, p. 241): alpha >= .800 reliable, >= .667 for tentative conclusions.
CODE_ALPHA_MIN = 0.667
#: Nunnally (1978): alpha >= .70 for research scales.
SCALE_ALPHA_MIN = 0.70

# --------------------------------------------------------------------------- qualitative side

def _speakers(segs: pd.DataFrame) -> set[tuple[str, str]]:
    """The distinct (document, speaker) pairs of ``segs``: its informants (a turn without a
    speaker label is the document's one informant)."""
    who = segs["speaker"].astype(object).where(segs["speaker"].notna(), "")
    return set(zip(segs["doc_id"].astype(str), who.astype(str), strict=True))


#: Longest ``quote`` of :func:`theme_evidence` (characters, before " …").
QUOTE_LIMIT = 220


def _shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def _quote(rows: pd.DataFrame, corpus, speaker_of: pd.Series, target: int = 140) -> dict:
    """The exemplar quote of one code (shortened), its document, its speaker
    (``speaker_of``: the corpus's label per ``(doc_id, segment_id)``) and the segment and
    offsets of its full text, as the ``quote*`` columns of :func:`theme_evidence`: the span
    of one codings row (never several joined), one both coders agree on if any, of readable
    length.

    Ranking: more coders on the same segment first, then length closest to ``target``
    characters, then document and offset (deterministic).
    """
    if rows.empty:
        return dict.fromkeys(QUOTE_KEYS)
    agree = rows.groupby(["doc_id", "segment_id"])["coder"].transform("nunique")
    cand = rows.assign(_agree=agree)
    cand = cand.drop_duplicates(["doc_id", "start", "end"])
    texts = [corpus.text(d)[s:e] for d, s, e in zip(cand["doc_id"], cand["start"], cand["end"],
                                                   strict=True)]
    cand = cand.assign(_text=texts, _dist=[abs(len(" ".join(t.split())) - target) for t in texts])
    best = cand.sort_values(["_agree", "_dist", "doc_id", "start"],
                            ascending=[False, True, True, True], kind="mergesort").iloc[0]
    who = speaker_of.get((best["doc_id"], int(best["segment_id"])))
    return dict(zip(QUOTE_KEYS, (_shorten(best["_text"]), str(best["doc_id"]),
                                 "" if pd.isna(who) else str(who), int(best["segment_id"]),
                                 int(best["start"]), int(best["end"])), strict=True))



def theme_evidence(codings: pd.DataFrame, *, corpus, codebook,
                   reliability: pd.DataFrame | None = None, lang: str = "id",
                   roles: Sequence[str] | None = ("informant",)) -> pd.DataFrame:
    """The qualitative side: one row per codable code of the codebook.

    Parameters
    ----------
    codings : DataFrame
        A codings table (the consensus or one coder's; with several coders, a segment counts
        as coded when any coder coded it).
    corpus : Corpus
        The transcripts; only the turns of ``roles`` count.
    codebook : Codebook
        Supplies the codes, their order, labels and linked constructs. Every code of
        ``codings`` must be codable in it (:class:`InputError` naming the row otherwise, as
        :func:`citra_eval.code_frequencies` gives it).
    reliability : DataFrame, optional
        An agreement table with ``code`` and ``krippendorff_alpha`` columns.
    lang : {"id", "en"}
        Language of the labels.
    roles : sequence of str or None
        Roles whose turns count (default informants), through the one role filter of the
        theme table (:func:`citra_eval.code_frequencies`), so the counts are its counts:
        in a corpus whose speakers have no role the default counts nothing (a
        ``UserWarning`` says how to give them roles); None counts every turn, the
        interviewer's included, and every speaker of them as an informant.

    Returns
    -------
    DataFrame
        ``theme, theme_label, category, category_label, construct, n_informants,
        n_informants_total, informant_share, n_segments, segment_share, code_alpha, quote,
        quote_doc, quote_speaker``: ``n_informants`` informants (distinct informant speakers of a
        document, as :func:`citra_eval.code_frequencies` counts them: each participant of
        a focus group is one) with at least one coded turn out of ``n_informants_total``
        informant speakers in the corpus (``informant_share`` their ratio; a document
        whose turns carry no speaker label is one informant); ``n_segments`` coded
        informant turns, ``segment_share`` their share of all informant turns;
        ``code_alpha`` Krippendorff's alpha of the code (NaN without ``reliability``);
        ``quote`` an exemplar informant quote, ``quote_doc`` its document and
        ``quote_speaker`` the label of the informant who said it (the corpus's, so a
        pseudonymised corpus gives the pseudonym; in a focus group, the participant; ``""``
        for a turn without a label; None without a quote); ``quote_segment_id``,
        ``quote_start`` and ``quote_end`` locate the coding quoted (its turn and
        offsets; missing without a quote). ``quote`` is for a table cell, not the coded
        text as it stands: its white space (line breaks included) is collapsed to single
        spaces, and a text longer than 220 characters is cut at the last word boundary
        before them, ending in ``" …"``; the full text is
        ``corpus.text(quote_doc)[quote_start:quote_end]``. It is one codings row's span,
        never several joined: from a consensus (:func:`citra_eval.consensus`), the hull
        of the coders' spans.

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> t = ce.theme_evidence(a, corpus=corpus, codebook=cb, lang="en")
    >>> t.loc[t.theme == "bamara", ["theme_label", "construct", "n_informants_total"]].values
    array([['Holding Bamara events', 'BM', 11]], dtype=object)
    """
    check_lang(lang)
    check_corpus(corpus)
    check_codebook(codebook, allow_none=False)
    check_codings(codings, columns=CODING_COLUMNS)
    coded, inf, roles, _ = on_roles(checked_codings(codings, corpus, allow_many=True,
                                                    codebook=codebook), corpus, roles)
    if roles is not None and inf.empty and not corpus.segments["role"].astype(bool).any():
        # a corpus without roles (check_roles warns when the speakers have other roles)
        warnings.warn(f"theme_evidence: no turn has the role(s) {listed(roles)} (the "
                      "speakers have no role), so the interviews count nothing; "
                      f"{roles_fix(corpus)}, or pass roles=None to count every turn (the "
                      "interviewer's included)", UserWarning, stacklevel=2)
    n_people = len(_speakers(inf))
    n_segs = len(inf)
    alphas: Mapping[str, float] = {}
    if reliability is not None:
        check_frame(reliability, "reliability", columns=["code", "krippendorff_alpha"])
        alphas = dict(zip(reliability["code"], reliability["krippendorff_alpha"], strict=True))
    speaker_of = inf.set_index(["doc_id", "segment_id"])["speaker"]

    rows = []
    for cid in codebook.codable_ids:
        mine = coded[coded["code"] == cid]
        n_inf = len(_speakers(mine))  # the corpus's speaker of each turn (on_roles)
        n_seg = int(mine[["doc_id", "segment_id"]].drop_duplicates().shape[0])
        quote = _quote(mine, corpus, speaker_of)
        cat = codebook.category(cid)
        rows.append({
            "theme": cid, "theme_label": codebook.label(cid, lang),
            "category": cat, "category_label": codebook.label(cat, lang),
            "construct": codebook[cid].construct,
            "n_informants": n_inf, "n_informants_total": n_people,
            "informant_share": n_inf / n_people if n_people else math.nan,
            "n_segments": n_seg, "segment_share": n_seg / n_segs if n_segs else math.nan,
            "code_alpha": float(alphas.get(cid, math.nan)),
            **quote,
        })
    out = pd.DataFrame(rows, columns=THEME_COLUMNS)
    return out.astype({c: "Int64" for c in ("quote_segment_id", "quote_start", "quote_end")})


# --------------------------------------------------------------------------- quantitative side

def _mean_ci(x: pd.Series, level: float = 0.95) -> tuple[float, float, float]:
    from scipy import stats

    v = pd.to_numeric(x, errors="coerce").dropna().to_numpy(dtype=float)
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    m = float(v.mean())
    if len(v) < 2:
        return m, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return m, m - half, m + half


def _scale_meta(instrument, lang: str) -> tuple[list[str], dict[str, str], dict[str, float]]:
    """Scale names in instrument order, their labels in ``lang``, and the midpoint of each
    scale's own response range."""
    names = list(instrument.scales)
    labels = {n: instrument.scales[n].text(lang) for n in names}
    ranges = {n: instrument.response_range(n) for n in names}
    return names, labels, {n: (float(r.min) + float(r.max)) / 2 for n, r in ranges.items()}


def construct_evidence(responses: pd.DataFrame, instrument, *, outcome: str | None,
                       model: ImageModelResult | pd.DataFrame | None = None, lang: str = "id",
                       scale_reliability: pd.DataFrame | None = None,
                       min_items: int | None = None) -> pd.DataFrame:
    """The quantitative side: one row per survey scale.

    Parameters
    ----------
    responses : DataFrame
        Validated survey responses (:func:`citra_eval.read_responses`).
    instrument : Instrument
        The survey instrument (scales, items, labels, response scale).
    outcome : str or None
        The scale the model explains (the study's ``outcome``): its row has no effect (an
        effect of the outcome on itself is undefined) and ``quant_basis`` ``outcome``.
        None: the study has no outcome, there is no model and every scale is judged by its
        level.
    model : ImageModelResult or DataFrame, optional
        The model of ``outcome`` (:func:`citra_eval.image_model`) or its coefficient table
        (``term, std_estimate, std_ci_low, std_ci_high, p_value``); computed with
        :func:`citra_eval.image_model` when None and ``outcome`` is given.
    lang : {"id", "en"}
        Language of the labels.
    scale_reliability : DataFrame, optional
        A :func:`citra_eval.scale_reliability` table; computed when None.
    min_items : int, optional
        Fewest answered items for a scale score (:func:`citra_eval.score_scales`), also for
        the reliability and the model computed here (a study's ``min_items``).

    Returns
    -------
    DataFrame
        ``construct, construct_label, construct_mean, mean_ci_low, mean_ci_high,
        scale_midpoint, scale_alpha, std_effect, std_ci_low, std_ci_high, p_value,
        quant_basis``: the mean scale score with its 95% t-interval, the midpoint of the
        scale's own response range, Cronbach's alpha, the standardised coefficient of the
        construct on ``outcome`` with its 95% CI and p-value; ``quant_basis`` is ``effect`` when the
        construct is a term of the model, ``outcome`` for the outcome itself and ``level``
        otherwise (the mean of the last two is judged against the scale midpoint).

    Examples
    --------
    >>> import citra_eval as ce
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> ev = ce.construct_evidence(resp, inst, outcome="CITRA", lang="en").set_index("construct")
    >>> ev.loc[["KS", "CITRA"], "quant_basis"].tolist()
    ['effect', 'outcome']
    >>> set(ce.construct_evidence(resp, inst, outcome=None)["quant_basis"])
    {'level'}
    """
    check_lang(lang)
    check_frame(responses, "responses")
    if outcome is not None:
        check_choice(outcome, "outcome", list(instrument.scales))
    elif model is not None:
        raise ValueError("outcome is None but a model was given; pass the model's outcome "
                         "scale as outcome=")
    names, labels, midpoints = _scale_meta(instrument, lang)
    scores = score_scales(responses, instrument, min_items=min_items)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rel = (scale_reliability if scale_reliability is not None
               else _scale_reliability(responses, instrument, min_items=min_items))
        if model is None and outcome is not None:
            model = image_model(responses, instrument, outcome=outcome, min_items=min_items)
    level = caller_stacklevel()  # the warnings point at the user's call, not at this line
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=level)
    check_frame(rel, "scale_reliability", columns=["scale", "alpha"])
    alpha = dict(zip(rel["scale"], rel["alpha"], strict=True))
    if isinstance(model, ImageModelResult):
        model = model.table
    if model is not None:
        check_frame(model, "model",
                    columns=["term", "std_estimate", "std_ci_low", "std_ci_high", "p_value"])
        terms = model.set_index("term")
    else:
        terms = pd.DataFrame(index=pd.Index([], name="term"))
    rows = []
    for name in names:
        m, lo, hi = _mean_ci(scores[name]) if name in scores else (math.nan,) * 3
        row = {"construct": name, "construct_label": labels[name], "construct_mean": m,
               "mean_ci_low": lo, "mean_ci_high": hi, "scale_midpoint": midpoints[name],
               "scale_alpha": float(alpha.get(name, math.nan))}
        if name in terms.index and name != outcome:
            t = terms.loc[name]
            row.update(std_effect=float(t["std_estimate"]), std_ci_low=float(t["std_ci_low"]),
                       std_ci_high=float(t["std_ci_high"]), p_value=float(t["p_value"]),
                       quant_basis="effect")
        else:
            row.update(std_effect=math.nan, std_ci_low=math.nan, std_ci_high=math.nan,
                       p_value=math.nan, quant_basis="outcome" if name == outcome else "level")
        rows.append(row)
    return pd.DataFrame(rows, columns=CONSTRUCT_COLUMNS)


# --------------------------------------------------------------------------- rules

def _qual(share: float, n: float, salience: float, total: float = math.nan) -> str | None:
    if _isna(n) or total == 0:  # no informant turn at all: no qualitative data
        return None
    if n == 0:
        return "absent"
    return "salient" if share >= salience else "minor"


def _quant(row: Mapping) -> str | None:
    basis = row.get("quant_basis")
    if basis == "effect":
        lo, hi = row.get("std_ci_low"), row.get("std_ci_high")
        ref = 0.0
    elif basis in ("level", "outcome"):
        lo, hi = row.get("mean_ci_low"), row.get("mean_ci_high")
        ref = row.get("scale_midpoint")
    else:
        return None
    if any(_isna(v) for v in (lo, hi, ref)):
        return None
    if lo > ref:
        return "positive"
    if hi < ref:
        return "negative"
    return "null"


def _isna(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def meta_inferences(table: pd.DataFrame, *, salience: float = 0.5, lang: str = "id",
                    code_alpha_min: float = CODE_ALPHA_MIN,
                    scale_alpha_min: float = SCALE_ALPHA_MIN,
                    outcome_label: str | None = None) -> pd.DataFrame:
    """Apply the joint display's decision rules to each row.

    Parameters
    ----------
    table : DataFrame
        Rows with the qualitative columns (``theme, construct, n_informants,
        n_informants_total, informant_share, code_alpha``) and the quantitative ones
        (``construct_mean, mean_ci_low, mean_ci_high, scale_midpoint, scale_alpha,
        std_effect, std_ci_low, std_ci_high, quant_basis``); a missing side is NaN/None.
    salience : float
        Share of informants from which a theme counts as salient (default one half).
    lang : {"id", "en"}
        Language of ``rationale`` and ``caveat``.
    code_alpha_min, scale_alpha_min : float
        Below these, the row gets a caveat (the meta-inference itself is not changed).
    outcome_label : str, optional
        What the effects are effects on, in ``lang``, for ``rationale`` (e.g. the outcome
        scale's label ``instrument.scales[outcome].text(lang)``); a generic word when None.

    Returns
    -------
    DataFrame
        ``table`` with ``qual_evidence``, ``quant_evidence``, ``meta_inference``
        (``converges``, ``diverges`` or ``expands``, whatever ``lang``),
        ``meta_inference_label`` (the same in ``lang``: konvergen, divergen, ekspansi),
        ``rationale`` and ``caveat`` columns added (or replaced).

    Notes
    -----
    Qualitative evidence: ``salient`` when ``informant_share >= salience``, ``minor`` when
    at least one informant but fewer raise the theme, ``absent`` when none does; None
    (no qualitative data) when there is no informant at all (``n_informants_total`` 0: no
    turn has the analysed role, e.g. speakers with the role ``narasumber``): such a row
    ``expands`` (only the survey has evidence) and its ``rationale`` says there are no
    qualitative data, since zero informants support no conclusion.

    Quantitative evidence: with ``quant_basis == "effect"`` (the construct is a predictor of
    the outcome) ``positive`` when the 95% CI of the standardised effect lies above 0,
    ``negative`` when it lies below 0, ``null`` when it includes 0 (no clear effect:
    "null" is not "no effect", only an effect the sample cannot tell from 0). With
    ``quant_basis == "level"`` (a construct that is not a predictor) the same with the 95% CI
    of the mean against the scale midpoint (``null``: the CI includes the midpoint). The same
    holds for ``quant_basis == "outcome"`` (a theme linked to the outcome itself, which can
    have no effect on itself); its ``rationale`` says that the construct is the outcome.

    Meta-inference:

    * ``expands`` — only one strand has the row: a theme without a construct, a theme whose
      construct the survey does not measure (or every theme, when the table has no survey
      side at all), or a construct no theme is linked to;
    * ``diverges`` — salient but null/negative, not salient but positive, or any theme whose
      construct has a *negative* effect on the outcome (a strategy the survey links to a
      worse outcome is never a convergence; the caveat says so);
    * ``converges`` — salient and positive, or not salient (minor/absent) and null (for a
      level: not salient and at or below the midpoint): both strands agree on whether the
      strategy matters.

    ``caveat`` flags a code with Krippendorff's alpha below ``code_alpha_min`` (.667,
    Krippendorff 2004) or undefined (NaN: no reliability table, or too little variation in
    the codings to compute it), a scale with Cronbach's alpha below ``scale_alpha_min``
    (.70) or undefined (NaN: a single-item scale, whose reliability cannot be estimated
    from one answer, or no reliability table), and a negative effect. A construct the
    survey does not measure (no ``quant_basis``: no survey, or no such scale in the
    instrument) has no scale, so no scale caveat; its ``rationale`` says it is not measured.

    References
    ----------
    Fetters, M. D., Curry, L. A., & Creswell, J. W. (2013). Achieving integration in
    mixed methods designs. *Health Services Research*, 48(6pt2), 2134-2156.
    Krippendorff, K. (2004). *Content analysis* (2nd ed.), p. 241. Sage.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> import numpy as np
    >>> t = pd.DataFrame({"theme": ["a", "b", None], "construct": ["A", "B", "C"],
    ...     "n_informants": [8, 2, np.nan], "n_informants_total": [10, 10, np.nan],
    ...     "informant_share": [0.8, 0.2, np.nan], "quant_basis": ["effect"] * 3,
    ...     "std_effect": [0.3, 0.25, 0.1], "std_ci_low": [0.2, 0.1, 0.0],
    ...     "std_ci_high": [0.4, 0.4, 0.2]})
    >>> ce.meta_inferences(t, lang="en")[["qual_evidence", "quant_evidence", "meta_inference"]]
      qual_evidence quant_evidence meta_inference
    0       salient       positive      converges
    1         minor       positive       diverges
    2          None           null        expands
    """
    check_lang(lang)
    salience = check_proportion(salience, "salience", zero=False)
    check_frame(table, "table", columns=["theme", "construct"])
    outcome = outcome_label or text("outcome.generic", lang)
    out = table.copy()
    no_survey = "quant_basis" not in out.columns or out["quant_basis"].isna().all()
    quals, quants, metas, whys, cavs = [], [], [], [], []
    for row in out.to_dict("records"):
        has_theme = not _isna(row.get("theme"))
        qual = (_qual(row.get("informant_share"), row.get("n_informants"), salience,
                      row.get("n_informants_total", math.nan)) if has_theme else None)
        quant = _quant(row)
        if has_theme and qual is None:  # no informant turn: no qualitative data
            meta, why = "expands", text("joint.no_qual_data", lang)
            if quant is not None:
                why += "; " + _quant_text(row, quant, lang, outcome)
        elif has_theme and quant is None:  # interviews only
            meta = "expands"
            if no_survey:
                why = text("joint.no_survey", lang)
            elif row.get("quant_basis") == "outcome":
                why = text("joint.is_outcome", lang, c=row["construct"])
            elif not _isna(row.get("construct")):
                why = text("joint.not_measured", lang, c=row["construct"])
            else:
                why = text("joint.theme_only", lang)
            if qual is not None:
                why += "; " + _qual_text(row, qual, lang, salience)
        elif not has_theme:  # survey only
            meta, why = "expands", text("joint.construct_only", lang)
            if quant is not None:
                why += "; " + _quant_text(row, quant, lang, outcome)
        else:
            harmful = quant == "negative" and row.get("quant_basis") == "effect"
            agree = (qual == "salient") == (quant == "positive") and not harmful
            meta = "converges" if agree else "diverges"
            why = (_qual_text(row, qual, lang, salience) + "; "
                   + _quant_text(row, quant, lang, outcome))
        cav = _caveat(row, lang, code_alpha_min, scale_alpha_min, has_theme=has_theme)
        if has_theme and quant == "negative" and row.get("quant_basis") == "effect":
            cav = "; ".join(c for c in (text("joint.negative_effect", lang, outcome=outcome),
                                        cav) if c)
        quals.append(qual)
        quants.append(quant)
        metas.append(meta)
        whys.append(why)
        cavs.append(cav)
    out["qual_evidence"] = pd.Series(quals, index=out.index, dtype="object")
    out["quant_evidence"] = pd.Series(quants, index=out.index, dtype="object")
    out["meta_inference"] = metas
    out["meta_inference_label"] = [text(f"meta.{m}", lang) for m in metas]
    out["rationale"] = whys
    out["caveat"] = cavs
    return out


def _qual_text(row, qual, lang, salience) -> str:
    return text(f"joint.qual.{qual}", lang, n=int(row["n_informants"]),
                t=int(row["n_informants_total"]), s=row["informant_share"], m=salience)


def _quant_text(row, quant, lang, outcome) -> str:
    basis = row.get("quant_basis")
    if basis == "effect":
        return text(f"joint.effect.{quant}", lang, outcome=outcome, b=row["std_effect"],
                    lo=row["std_ci_low"], hi=row["std_ci_high"])
    level = text(f"joint.level.{quant}", lang, b=row["construct_mean"], lo=row["mean_ci_low"],
                 hi=row["mean_ci_high"])
    if basis == "outcome":
        return text("joint.is_outcome", lang, c=row["construct"]) + "; " + level
    return level


def _caveat(row, lang, code_min, scale_min, *, has_theme: bool) -> str:
    out = []
    a = row.get("code_alpha")
    if not _isna(a) and a < code_min:
        out.append(text("joint.low_code_alpha", lang, a=a, m=code_min))
    elif _isna(a) and has_theme:
        out.append(text("joint.no_code_alpha", lang))
    s = row.get("scale_alpha")
    if not _isna(s) and s < scale_min:
        out.append(text("joint.low_scale_alpha", lang, a=s, m=scale_min))
    elif _isna(s) and not (_isna(row.get("construct")) or _isna(row.get("quant_basis"))):
        # only a scale of the instrument (quant_basis set) has a reliability to be unknown
        out.append(text("joint.no_scale_alpha", lang))
    return "; ".join(out)


# --------------------------------------------------------------------------- the display

def _join(themes: pd.DataFrame, constructs: pd.DataFrame) -> pd.DataFrame:
    """Themes in codebook order (with their construct's statistics), then constructs that no
    theme is linked to, in instrument order (not the outcome: the effects are on it)."""
    linked = themes.merge(constructs, on="construct", how="left", sort=False)
    used = set(themes["construct"].dropna())
    alone = constructs[~constructs["construct"].isin(used)
                       & (constructs["quant_basis"] != "outcome")]
    both = pd.concat([linked, alone], ignore_index=True, sort=False) if len(alone) else linked
    return both.reindex(columns=[c for c in JOINT_COLUMNS if c not in RULE_COLUMNS])


def joint_display(codings: pd.DataFrame | None, *, corpus, codebook,
                  responses: pd.DataFrame | None, instrument, outcome: str | None,
                  reliability: pd.DataFrame | None = None,
                  model: ImageModelResult | pd.DataFrame | None = None, lang: str = "id",
                  salience: float = 0.5, seed: int = 0,
                  min_items: int | None = None,
                  roles: Sequence[str] | None = ("informant",),
                  coverage: str | Mapping | pd.DataFrame | None = None) -> pd.DataFrame:
    """The joint display: interview themes beside survey constructs, with a meta-inference.

    Parameters
    ----------
    codings : DataFrame or None
        Codings of the transcripts (preferably the consensus of the coders). None (with
        ``corpus`` None) for a study without interviews: only survey rows.
    corpus : Corpus or None
        The transcripts.
    codebook : Codebook or None
        Themes, their labels and the ``construct`` each is measured by.
    responses : DataFrame or None
        Validated survey responses. None (with ``instrument`` None) for a study without a
        survey: only interview rows.
    instrument : Instrument or None
        The survey instrument.
    outcome : str or None
        The scale the model explains (the study's ``outcome``; its label names what the
        effects are effects on). It has no row of its own; a theme linked to it shows its
        level and reliability (an effect on itself is undefined). None: no model, every
        construct is judged by its level.
    reliability : DataFrame, optional
        Agreement table (``code, krippendorff_alpha``). When None and ``codings`` holds two
        or more coders it is computed with :func:`citra_eval.agreement` (``seed``,
        ``coverage``); else the ``code_alpha`` column is NaN.
    model : ImageModelResult or DataFrame, optional
        The model of ``outcome`` or its coefficient table; computed with
        :func:`citra_eval.image_model` when None.
    lang : {"id", "en"}
        Language of labels, ``rationale`` and ``caveat``.
    salience : float
        Share of informants from which a theme is salient.
    seed : int
        Seed of the agreement bootstrap when ``reliability`` is computed here.
    min_items : int, optional
        As for :func:`construct_evidence`.
    roles : sequence of str or None
        Roles whose turns the interview side counts (default informants), as in
        :func:`theme_evidence` and the theme table (:func:`citra_eval.code_frequencies`);
        None for every turn.
    coverage : str, mapping or DataFrame, optional
        Which coder read which interview, passed to :func:`citra_eval.agreement` when
        ``reliability`` is computed here (a study's ``double_coded``); as there, None
        assumes every coder read every interview and warns when their codings say
        otherwise.

    Returns
    -------
    DataFrame
        One row per codable theme (codebook order), then one per survey construct no theme
        is linked to. Columns: ``theme, theme_label, category, category_label, construct,
        construct_label`` (missing on the side that lacks the row), the qualitative
        columns of :func:`theme_evidence` (``n_informants, n_informants_total,
        informant_share, n_segments, segment_share, code_alpha, quote, quote_doc,
        quote_speaker, quote_segment_id, quote_start, quote_end``: ``quote`` collapsed
        to single spaces and cut at 220 characters with ``" …"``, its full text
        ``corpus.text(quote_doc)[quote_start:quote_end]``), the
        quantitative ones of :func:`construct_evidence` (``construct_mean, mean_ci_low,
        mean_ci_high, scale_midpoint, scale_alpha, std_effect, std_ci_low, std_ci_high,
        p_value, quant_basis``) and the rule columns of :func:`meta_inferences`
        (``qual_evidence, quant_evidence, meta_inference, meta_inference_label, rationale,
        caveat``).

    Notes
    -----
    The decision rules are those of :func:`meta_inferences`. Beyond its caveats, a row's
    ``caveat`` names the items of its scale that every respondent answered the same (no
    variance: the scale's alpha counts them, and ``validate`` warns about them).

    Examples
    --------
    >>> import citra_eval as ce
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> cb = ce.Codebook.load(ce.example_path("codebook"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> jd = ce.joint_display(a, corpus=corpus, codebook=cb, responses=resp, instrument=inst,
    ...                    outcome="CITRA", lang="en")
    >>> "CITRA" in set(jd["construct"])
    False
    >>> only_interviews = ce.joint_display(a, corpus=corpus, codebook=cb, responses=None,
    ...                                 instrument=None, outcome=None)
    >>> set(only_interviews["meta_inference"])
    {'expands'}
    """
    check_lang(lang)
    seed = check_seed(seed)
    salience = check_proportion(salience, "salience", zero=False)
    check_corpus(corpus, allow_none=True)
    check_codebook(codebook)
    check_codings(codings, allow_none=True)
    has_qual = codings is not None and corpus is not None and codebook is not None
    has_quant = responses is not None and instrument is not None
    if not (has_qual or has_quant):
        raise ValueError("joint_display needs the interviews (codings, corpus, codebook), the "
                         "survey (responses, instrument), or both; all are None")
    if has_qual:
        if reliability is None and codings["coder"].nunique() >= 2:
            reliability = agreement(codings, corpus=corpus, seed=seed, roles=roles,
                                    coverage=coverage)
        themes = theme_evidence(codings, corpus=corpus, codebook=codebook,
                                reliability=reliability, lang=lang, roles=roles)
    else:
        themes = pd.DataFrame(columns=THEME_COLUMNS)
    if has_quant:
        constructs = construct_evidence(responses, instrument, model=model, outcome=outcome,
                                        lang=lang, min_items=min_items)
        label = instrument.scales[outcome].text(lang) if outcome is not None else None
    else:
        constructs = pd.DataFrame(columns=CONSTRUCT_COLUMNS)
        label = None
    joint = meta_inferences(_join(themes, constructs), salience=salience, lang=lang,
                            outcome_label=label)
    if has_quant:  # an item without variance: its scale's alpha counts it (validate warns)
        for scale in instrument.scales:
            items = keyed_items(responses, instrument, scale)
            flat = [str(c) for c in items.columns if not items[c].var(ddof=1) > 0]
            rows = joint["construct"] == scale
            if flat and rows.any():
                note = text("joint.flat_items", lang, items=", ".join(flat))
                joint.loc[rows, "caveat"] = [f"{c}; {note}" if c else note
                                             for c in joint.loc[rows, "caveat"]]
    return joint
