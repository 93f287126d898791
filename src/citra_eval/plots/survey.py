"""Survey figures: a coefficient forest plot and a diverging stacked bar chart of Likert items."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .._labels import label as text
from .._validation import check_ax, check_frame, check_lang, check_type
from ..regression import ImageModelResult, OrdinalModelResult
from ..survey import Instrument, ResponseRange, likert_table

__all__ = ["plot_coefficients", "plot_likert", "term_labels"]

# ColorBrewer RdBu (colour-blind safe), disagree -> agree
_DIVERGING = ["#b2182b", "#ef8a62", "#f7f7f7", "#67a9cf", "#2166ac"]


def _axes(ax, size):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_coefficients(coef_table: ImageModelResult | OrdinalModelResult | pd.DataFrame, *,
                      ax=None, standardised: bool = True,
                      terms: Sequence[str] | None = None, intercept: bool = False,
                      title: str | None = None, instrument: Instrument | None = None,
                      outcome: str | None = None, responses: pd.DataFrame | None = None,
                      lang: str = "id"):
    """Forest plot of a coefficient table: estimates with their confidence intervals.

    Parameters
    ----------
    coef_table : ImageModelResult, OrdinalModelResult or DataFrame
        A model of :func:`citra_eval.image_model` or :func:`citra_eval.ordinal_model`
        (thresholds are left out; its outcome and reference levels are used when
        ``outcome``/``responses`` are not given), or a coefficient table (``term, estimate,
        ci_low, ci_high`` and, for ``standardised=True``, ``std_estimate, std_ci_low,
        std_ci_high``; ``n`` when present is shown).
    ax : matplotlib Axes, optional
        Where to draw (a new figure when None).
    standardised : bool
        Plot the standardised coefficients (default) when the table has them.
    terms : sequence of str, optional
        Terms to show, top to bottom (default: all but the intercept and thresholds).
    intercept : bool
        Include the intercept.
    title : str, optional
        Axes title (default: the outcome and n, as far as they are known).
    instrument : Instrument, optional
        Scale terms and the outcome are labelled with their scale labels in ``lang``.
    outcome : str, optional
        The outcome scale of the model (named in the title with n).
    responses : DataFrame, optional
        The data the model was fitted on: the reference level of each categorical control
        (the level without a dummy) is read from it and named in the term's label.
    lang : {"id", "en"}
        Language of every text in the figure.

    Returns
    -------
    matplotlib Axes
        One point and horizontal interval line per term (terms on the y axis, first at the
        top), a dashed vertical line at zero. A scale term is labelled by its scale label, a
        dummy ``variable[T.level]`` as ``variable: level (ref: reference)``.

    Examples
    --------
    >>> import citra_eval as ce
    >>> from citra_eval.plots import plot_coefficients
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> fit = ce.image_model(resp, inst, outcome="CITRA")
    >>> ax = plot_coefficients(fit)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['KS', 'BM', 'BC', 'IB', 'TK']
    >>> ax = plot_coefficients(fit, instrument=inst, outcome="CITRA", lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['Cooperation', 'Bamara two-way forum']
    >>> ax.get_title()
    'Outcome: Overall image of the city government (n = 400)'
    """
    check_ax(ax)
    references = None
    if isinstance(coef_table, ImageModelResult | OrdinalModelResult):
        outcome = outcome or coef_table.outcome
        references = getattr(coef_table, "reference_levels", None)
        coef_table = coef_table.table
    check_frame(coef_table, "coef_table")
    check_lang(lang)
    if instrument is not None:
        check_type("instrument", instrument, Instrument, "an Instrument (see Instrument.load)")
    if responses is not None:
        check_frame(responses, "responses")
    cols = (["std_estimate", "std_ci_low", "std_ci_high"]
            if standardised and "std_estimate" in coef_table.columns
            else ["estimate", "ci_low", "ci_high"])
    check_frame(coef_table, "coef_table", columns=["term", *cols],
                what="a coefficient table (image_model or ordinal_model)")
    tab = coef_table
    if "kind" in tab.columns:
        tab = tab[tab["kind"] != "threshold"]
    if terms is not None:
        unknown = [t for t in terms if t not in set(tab["term"])]
        if unknown:
            raise ValueError(f"terms not in coef_table: {', '.join(unknown)}")
        tab = tab.set_index("term").loc[list(terms)].reset_index()
    elif not intercept:
        tab = tab[tab["term"] != "Intercept"]
    if tab.empty:
        raise ValueError("no terms to plot")
    ax = _axes(ax, (6, 0.45 * len(tab) + 1.2))
    y = np.arange(len(tab))[::-1]
    est, lo, hi = (tab[c].to_numpy(float) for c in cols)
    ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt="o", color="#2166ac", ecolor="#2166ac",
                capsize=3, lw=1.5)
    ax.axvline(0, color="0.4", ls="--", lw=1)
    ax.set_yticks(y, term_labels(list(tab["term"]), instrument=instrument,
                                 responses=responses, lang=lang,
                                 references=None if responses is not None else references))
    axis = "model.std_axis" if cols[0] == "std_estimate" else "model.raw_axis"
    ax.set_xlabel(text(axis, lang, p=95))
    if title is None:
        title = _model_title(coef_table, instrument, outcome, lang)
    if title:
        ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    return ax


_DUMMY = re.compile(r"^(?P<variable>.+)\[T\.(?P<level>.*)\]$")


def term_labels(terms: Sequence[str], *, instrument: Instrument | None = None,
                responses: pd.DataFrame | None = None, lang: str = "id",
                references: Mapping[str, object] | None = None) -> list[str]:
    """Readable labels of model terms.

    Parameters
    ----------
    terms : sequence of str
        Term names of :func:`citra_eval.image_model` or :func:`citra_eval.ordinal_model`.
    instrument : Instrument, optional
        A term that is a scale of the instrument gets the scale's label in ``lang``.
    responses : DataFrame, optional
        The data of the fit: the reference level of a categorical variable is the level
        present there that has no dummy term.
    lang : {"id", "en"}
        Language of the labels.
    references : mapping, optional
        Variable -> its reference level (``ImageModelResult.reference_levels``), used for
        the variables it names instead of reading them from ``responses``.

    Returns
    -------
    list of str
        ``Intercept`` in ``lang``; a scale's label; ``variable: level (ref: reference)`` for
        a dummy ``variable[T.level]`` (``variable: level`` when the reference is unknown);
        any other term as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit": ["IGD", "Rawat inap", "Rawat jalan"]})
    >>> term_labels(["Intercept", "unit[T.Rawat inap]", "usia"], responses=d, lang="en")
    ['Intercept', 'unit: Rawat inap (ref: IGD)', 'usia']
    """
    check_lang(lang)
    if responses is not None:
        check_frame(responses, "responses")
    terms = list(terms)
    dummies: dict[str, set[str]] = {}
    for t in terms:
        m = _DUMMY.match(t)
        if m:
            dummies.setdefault(m["variable"], set()).add(m["level"])
    refs = {v: (str(references[v]) if references and v in references
                else _reference(responses, v, levels)) for v, levels in dummies.items()}
    out = []
    for t in terms:
        m = _DUMMY.match(t)
        if t == "Intercept":
            out.append(text("model.intercept", lang))
        elif instrument is not None and t in instrument.scales:
            out.append(instrument.scales[t].text(lang))
        elif m and refs.get(m["variable"]) is not None:
            out.append(text("model.level", lang, variable=m["variable"], level=m["level"],
                            reference=refs[m["variable"]]))
        elif m:
            out.append(f"{m['variable']}: {m['level']}")
        else:
            out.append(t)
    return out


def _reference(responses: pd.DataFrame | None, variable: str, levels: set[str]) -> str | None:
    """The level of ``variable`` in ``responses`` without a dummy (the first such, in the
    order of a Categorical or sorted), or None when it cannot be told."""
    if responses is None or variable not in responses.columns:
        return None
    col = responses[variable].dropna()
    order = (list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype)
             else sorted(col.unique(), key=str))
    rest = [v for v in order if str(v) not in levels]
    return str(rest[0]) if rest else None


def _model_title(coef_table: pd.DataFrame, instrument: Instrument | None, outcome: str | None,
                 lang: str) -> str | None:
    n = None
    if "n" in coef_table.columns and len(coef_table):
        values = pd.to_numeric(coef_table["n"], errors="coerce").dropna().unique()
        n = int(values[0]) if len(values) == 1 else None
    if outcome is not None:
        name = (instrument.scales[outcome].text(lang)
                if instrument is not None and outcome in instrument.scales else str(outcome))
        if n is None:
            return text("model.outcome", lang, outcome=name)
        return text("model.outcome_n", lang, outcome=name, n=n)
    return text("model.n", lang, n=n) if n is not None else None


def plot_likert(responses: pd.DataFrame, instrument: Instrument, *,
                items: Sequence[str] | None = None, ax=None, lang: str = "id",
                wording: bool = False):
    """Diverging stacked bar chart of Likert items (the standard survey figure).

    Each item is one horizontal bar of the percentages of its response options; disagreement
    extends left of zero, agreement right, and the middle option (odd scales) is split evenly
    across zero. Raw answers are shown (reverse-keyed items are not flipped).

    Items answered on different response ranges (a scale with its own ``scale:``, e.g. a
    0-10 outcome beside 1-4 items) are drawn in one panel per range, stacked top to bottom
    in order of first appearance, each with its own options, colours and legend: bars of
    different ranges never share a legend.

    Parameters
    ----------
    responses : DataFrame
        Validated responses.
    instrument : Instrument
        The instrument (options and their labels).
    items : sequence of str, optional
        Items to show, top to bottom (default: all).
    ax : matplotlib Axes, optional
        Where to draw; only for items that share one response range (several ranges need
        one panel each: leave ``ax`` out, or pass the items of one range).
    lang : str
        Language of the option labels in the legend and of the item wording.
    wording : bool
        Label bars with the item wording instead of the item name.

    Returns
    -------
    matplotlib Axes
        One bar segment per item and option (``len(items) * n_options`` patches), a legend
        with the option labels below the x axis ("%"), the x axis in percent. With several
        ranges, the Axes of the top panel; every panel is in ``ax.figure.axes``. A figure
        made here (no ``ax``) has constrained layout, which keeps every panel's legend and
        axis label clear of the next panel and inside the figure; with ``ax``, leave room
        below it (or save with ``bbox_inches="tight"``, as :func:`citra_eval.save_figure`
        does).

    Raises
    ------
    ValueError
        ``ax`` given for items on several response ranges.

    Examples
    --------
    >>> import citra_eval as ce
    >>> from citra_eval.plots import plot_likert
    >>> inst = ce.Instrument.load(ce.example_path("instrument"))
    >>> resp = ce.read_responses(ce.example_path("responses"), inst)
    >>> ax = plot_likert(resp, inst, items=["KS1", "KS2", "KS3"], lang="en")
    >>> [t.get_text() for t in ax.get_legend().get_texts()][0]
    'Strongly disagree'
    """
    check_ax(ax)
    tab = likert_table(responses, instrument, items=items, lang=lang)
    names = list(dict.fromkeys(tab["item"]))
    groups: list[tuple[ResponseRange, list[str]]] = []
    for item in names:
        rng = instrument.response_range(item)
        group = next((g for r, g in groups if r == rng), None)
        if group is None:
            groups.append((rng, [item]))
        else:
            group.append(item)
    if len(groups) > 1 and ax is not None:
        raise ValueError("the items use several response ranges ("
                         + ", ".join(str(r) for r, _ in groups) + "), drawn one panel each: "
                         "leave ax out, or pass items of one range")
    if ax is not None:
        panels = [ax]
    else:
        import matplotlib.pyplot as plt

        heights = [0.4 * len(g) + 1.5 for _, g in groups]
        # constrained layout makes room for each panel's legend and "%" label below it
        # (drawn outside the Axes, they would fall under the next panel or off the figure)
        _, axes = plt.subplots(len(groups), 1, figsize=(8, sum(heights)), squeeze=False,
                               gridspec_kw={"height_ratios": heights}, layout="constrained")
        panels = list(axes[:, 0])
    for panel, (rng, group) in zip(panels, groups, strict=True):
        _likert_panel(panel, tab[tab["item"].isin(group)], group, rng, instrument, lang,
                      wording)
    return panels[0]


def _likert_panel(ax, tab: pd.DataFrame, names: list[str], rng: ResponseRange,
                  instrument: Instrument, lang: str, wording: bool) -> None:
    """Draw the diverging bars of ``names`` (items of one response range ``rng``) on ``ax``."""
    opts = rng.options
    k = len(opts)
    pct = tab.pivot(index="item", columns="option", values="percent").loc[names, opts]
    pct = pct.fillna(0.0).to_numpy()
    mid = (k - 1) / 2
    left = pct[:, [i for i in range(k) if i < mid]].sum(axis=1)
    if k % 2:
        left = left + pct[:, int(mid)] / 2
    start = -left
    colors = _colors(k)
    y = np.arange(len(names))[::-1]
    for i, opt in enumerate(opts):
        ax.barh(y, pct[:, i], left=start, color=colors[i], edgecolor="white", lw=0.5,
                label=rng.label(opt, lang) or str(opt))
        start = start + pct[:, i]
    ax.axvline(0, color="0.3", lw=0.8)
    labels = [instrument.wording(i, lang) if wording else i for i in names]
    ax.set_yticks(y, labels)
    ax.set_xlabel("%")
    lim = float(np.ceil(max(np.abs(-left).max(), (pct.sum(axis=1) - left).max()) / 10) * 10)
    ax.set_xlim(-lim, lim)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=_below_xlabel(ax),
              ncol=min(k, 5 if k <= 7 else 6), frameon=False, fontsize="small")


def _below_xlabel(ax):
    """Axes coordinates moved down past the x tick labels and the x axis label (in points,
    whatever the panel's height), for a legend below them that covers neither."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import offset_copy

    rc = matplotlib.rcParams

    def points(size):
        return FontProperties(size=size).get_size_in_points()

    down = (rc["xtick.major.size"] + rc["xtick.major.pad"] + 1.2 * points(rc["xtick.labelsize"])
            + rc["axes.labelpad"] + 1.2 * points(rc["axes.labelsize"]) + 4)
    return offset_copy(ax.transAxes, fig=ax.figure, y=-down, units="points")


def _colors(k: int) -> list[str]:
    if k == 5:
        return _DIVERGING
    import matplotlib

    cmap = matplotlib.colormaps["RdBu"]
    return [matplotlib.colors.to_hex(cmap(x)) for x in np.linspace(0.1, 0.9, k)]
