"""Reliability figure: per-code coefficient with its bootstrap interval and alpha thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._labels import label as text
from .._validation import check_ax, check_choice, check_frame, check_lang

__all__ = ["ALPHA_THRESHOLDS", "plot_agreement"]

#: Krippendorff (2004, p. 241): rely on variables with alpha >= .800; consider those between
#: .667 and .800 only for tentative conclusions.
ALPHA_THRESHOLDS = (0.667, 0.8)
_COEFFICIENTS = ("krippendorff_alpha", "cohen_kappa", "fleiss_kappa", "gwet_ac1",
                 "brennan_prediger", "percent_agreement", "alpha_masi", "coded_agreement",
                 "alpha_masi_coded")


def plot_agreement(agreement_table: pd.DataFrame, *, ax=None,
                   coefficient: str = "krippendorff_alpha", labels: dict | None = None,
                   title: str | None = None, lang: str = "id", coded: bool = True):
    """Dot plot of a reliability coefficient per code, with the alpha interval and thresholds.

    Parameters
    ----------
    agreement_table : DataFrame
        The output of :func:`citra_eval.agreement` (``code`` and the coefficient columns;
        ``alpha_ci_low``/``alpha_ci_high`` for the interval).
    ax : matplotlib Axes, optional
        Where to draw (a new figure when None).
    coefficient : str
        Column to plot: ``krippendorff_alpha`` (default; drawn with its bootstrap interval),
        ``cohen_kappa``, ``fleiss_kappa``, ``gwet_ac1``, ``brennan_prediger``,
        ``percent_agreement``, ``alpha_masi``, ``coded_agreement``, ``alpha_masi_coded``.
    labels : dict, optional
        ``{code: label}`` for the y axis (e.g. ``codebook.labels("en")``).
    title : str, optional
        Axes title.
    lang : {"id", "en"}
        Language of the axis label, legend, the pooled row's name and "undefined".
    coded : bool
        Also mark the agreement on the segments anyone coded (open squares,
        ``coded_agreement``) and, on the pooled row, the MASI alpha of the code sets of those
        segments (open triangle, ``alpha_masi_coded``), when the table has them (default).
        They show what the pooled coefficients hide: most (segment, code) cells are empty for
        every coder, which inflates pooled percent agreement and AC1.

    Returns
    -------
    matplotlib Axes
        One row per code (first at the top, the ``ALL`` row last and in bold), a point for the
        coefficient and, for alpha, a horizontal line for its interval; dashed vertical lines
        at Krippendorff's thresholds 0.667 (tentative) and 0.800 (reliable). Codes whose
        coefficient is undefined are listed with "n/a" ("tak terdefinisi"). The ``ALL`` row
        is named ``ALL`` (``SEMUA``) unless ``labels`` names it.

    Examples
    --------
    >>> import citra_eval as ce
    >>> import pandas as pd
    >>> from citra_eval.plots import plot_agreement
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> codings = pd.concat([ce.read_codings(ce.example_path(f"codings_{c}"), corpus=corpus)
    ...                      for c in "AB"])
    >>> ax = plot_agreement(ce.agreement(codings, corpus=corpus, n_boot=200), lang="en")
    >>> ax.get_yticklabels()[-1].get_text()
    'ALL'
    >>> [float(line.get_xdata()[0]) for line in ax.lines[:2]]  # the thresholds
    [0.667, 0.8]
    """
    check_ax(ax)
    import matplotlib.pyplot as plt
    from matplotlib.transforms import offset_copy

    check_frame(agreement_table, "agreement_table",
                what="a DataFrame (the output of citra_eval.agreement())")
    check_choice(coefficient, "coefficient", _COEFFICIENTS)
    check_lang(lang)
    check_frame(agreement_table, "agreement_table", columns=["code", coefficient],
                what="the output of citra_eval.agreement()")
    tab = agreement_table.reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.35 * len(tab) + 1.9))
    y = np.arange(len(tab))[::-1]
    for x0, style, word in zip(ALPHA_THRESHOLDS, (":", "--"), ("tentative", "reliable"),
                               strict=True):
        ax.axvline(x0, color="0.45", linestyle=style, linewidth=1,
                   label=text(f"agreement.threshold_{word}", lang, x=x0))
    value = tab[coefficient].to_numpy(dtype=float)
    has_ci = coefficient == "krippendorff_alpha" and {"alpha_ci_low", "alpha_ci_high"} <= set(
        tab.columns)
    if has_ci:
        lo, hi = tab["alpha_ci_low"].to_numpy(float), tab["alpha_ci_high"].to_numpy(float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.hlines(y[ok], lo[ok], hi[ok], color="#2166ac", linewidth=2, alpha=0.6,
                  label=text("agreement.interval", lang, p=round(100 * _ci_level(tab))))
    is_all = (tab["code"] == "ALL").to_numpy()
    ok = np.isfinite(value)
    ax.plot(value[ok & ~is_all], y[ok & ~is_all], "o", color="#2166ac",
            label=text(f"coef.{coefficient}", lang))
    ax.plot(value[ok & is_all], y[ok & is_all], "D", color="#b2182b",
            label=text("agreement.pooled", lang))
    for yy in y[~ok]:
        ax.text(0.01, yy, text("agreement.undefined", lang), transform=ax.get_yaxis_transform(),
                va="center", fontsize=8, color="0.4")
    extra = []
    if coded and coefficient not in ("coded_agreement", "alpha_masi_coded"):
        for column, marker, key in (("coded_agreement", "s", "agreement.coded"),
                                    ("alpha_masi_coded", "^", "agreement.masi_coded")):
            if column in tab.columns:
                v = tab[column].to_numpy(dtype=float)
                shown = np.isfinite(v)
                if shown.any():
                    ax.plot(v[shown], y[shown], marker, mfc="none", color="0.35", ms=6,
                            label=text(key, lang))
                    extra.append(v[shown])
    names = {"ALL": text("agreement.all_row", lang), **(labels or {})}
    names = [names.get(c, c) for c in tab["code"]]
    ax.set_yticks(y, names)
    for tick, bold in zip(ax.get_yticklabels(), is_all, strict=True):
        if bold:
            tick.set_fontweight("bold")
    finite = np.concatenate([value[ok], *extra])
    low = min(0.0, float(np.nanmin(finite)) if finite.size else 0.0)
    if has_ci and np.isfinite(tab["alpha_ci_low"]).any():
        low = min(low, float(np.nanmin(tab["alpha_ci_low"])))
    ax.set_xlim(low - 0.05, 1.02)
    ax.set_ylim(-0.7, len(tab) - 0.3)
    ax.set_xlabel(text(f"coef.{coefficient}", lang))
    # Below the axes, so that it never hides the pooled row's markers, and below the tick
    # labels and the axis label whatever the figure's height (an offset in points).
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), ncol=2, fontsize=7, frameon=False,
              bbox_transform=offset_copy(ax.transAxes, fig=ax.figure, units="points",
                                         y=-_below_axis(ax)))
    if title:
        ax.set_title(title)
    return ax


def _below_axis(ax) -> float:
    """Points from the bottom of ``ax`` to below its x tick labels and x label."""
    import matplotlib as mpl

    ticks = ax.get_xticklabels()
    tick_font = ticks[0].get_size() if ticks else mpl.rcParams["font.size"]
    return (mpl.rcParams["xtick.major.size"] + mpl.rcParams["xtick.major.pad"]
            + 1.25 * tick_font + ax.xaxis.labelpad + 1.25 * ax.xaxis.label.get_size() + 3)


def _ci_level(tab: pd.DataFrame) -> float:
    return float(tab.attrs.get("ci", 0.95))
