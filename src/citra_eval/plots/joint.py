"""The joint display as a figure: interviews on the left, survey on the right, one row each."""

from __future__ import annotations

import math

import pandas as pd

from .._labels import label as text
from .._validation import check_ax, check_frame, check_lang
from ._panels import say_empty

__all__ = ["META_COLORS", "plot_joint_display"]

#: Colour of each meta-inference (colour-blind safe, from seaborn's "colorblind" palette).
META_COLORS = {"converges": "#029e73", "diverges": "#d55e00", "expands": "#949494"}


def _row_label(row) -> str:
    theme = row.get("theme_label")
    construct = row.get("construct")
    has_theme = isinstance(theme, str) and theme
    has_construct = isinstance(construct, str) and construct
    if has_theme and has_construct:
        return f"{theme} ({construct})"
    if has_theme:
        return str(theme)
    label = row.get("construct_label")
    return f"{label} ({construct})" if isinstance(label, str) else str(construct)


def plot_joint_display(table: pd.DataFrame, *, ax=None, lang: str = "id",
                       salience: float | None = 0.5, outcome_label: str | None = None):
    """Draw a joint display table (:func:`citra_eval.joint_display`).

    Left (on ``ax``): the share of informants raising each theme, coloured by the row's
    meta-inference. Right (an inset axes sharing the rows): the construct's standardised
    effect on the outcome with its 95% CI; constructs judged by their level show their mean,
    and so does the outcome itself when a theme is linked to it (marked as the outcome).
    Without any effect (a survey without an outcome) the survey panel is titled after the
    means against the scale midpoint and has no axis.
    A panel with nothing to show (a study without coded interviews, or without a survey)
    says so in its middle.

    Parameters
    ----------
    table : DataFrame
        The joint display (needs ``theme_label, construct, construct_label,
        informant_share, std_effect, std_ci_low, std_ci_high, quant_basis,
        construct_mean, meta_inference``).
    ax : matplotlib Axes, optional
        Where to draw the qualitative panel; a new figure is made when None.
    lang : {"id", "en"}
        Language of titles and legend.
    salience : float or None
        Draw the salience threshold at this share (None: no line; there is none either
        when no row has an informant share).
    outcome_label : str, optional
        The outcome's label in ``lang`` for the survey panel's title (e.g.
        ``instrument.scales[outcome].text(lang)``); a generic word when None.

    Returns
    -------
    matplotlib Axes
        The qualitative panel; the survey panel is ``ax.child_axes[0]``.

    Examples
    --------
    >>> import pandas as pd
    >>> import matplotlib.pyplot as plt
    >>> from citra_eval.mixed_methods import meta_inferences
    >>> t = meta_inferences(pd.DataFrame({"theme": ["a", None], "theme_label": ["A", None],
    ...     "construct": ["X", "Y"], "construct_label": ["x", "y"], "n_informants": [3, None],
    ...     "n_informants_total": [4, None], "informant_share": [0.75, None],
    ...     "quant_basis": ["effect", "effect"], "std_effect": [0.3, 0.1],
    ...     "std_ci_low": [0.1, -0.1], "std_ci_high": [0.5, 0.3]}))
    >>> ax = plot_joint_display(t, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['A (X)', 'y (Y)']
    >>> plt.close("all")
    """
    check_ax(ax)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import ScaledTranslation


    check_lang(lang)
    check_frame(table, "table", columns=["construct", "informant_share", "std_effect",
                                         "std_ci_low", "std_ci_high", "meta_inference"],
                what="a joint_display() table")
    if ax is None:
        n = max(len(table), 1)
        _, ax = plt.subplots(figsize=(6.0, 0.34 * n + 1.2))
    rows = table.reset_index(drop=True).to_dict("records")
    ys = list(range(len(rows)))
    colors = [META_COLORS.get(r["meta_inference"], "#000000") for r in rows]
    shares = [0.0 if _nan(r.get("informant_share")) else float(r["informant_share"])
              for r in rows]
    ax.barh(ys, shares, color=colors, height=0.65)
    ax.set_yticks(ys, [_row_label(r) for r in rows])
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(text("joint.qual_title", lang), fontsize="medium", loc="left")
    ax.grid(axis="y", visible=False)
    interviews = not all(_nan(r.get("informant_share")) for r in rows)
    if not interviews:
        salience = None  # no shares to hold against it
    if salience is not None:
        ax.axvline(salience, color="#555555", linestyle="--", linewidth=0.8)

    right = ax.inset_axes([1.1, 0, 0.75, 1], sharey=ax)
    effects = any(_has_effect(r) for r in rows)
    levels = any(_has_level(r) for r in rows)
    if effects:
        right.axvline(0, color="#555555", linewidth=0.8)
    for y, r, c in zip(ys, rows, colors, strict=True):
        if _has_effect(r):
            lo, hi = r["std_ci_low"], r["std_ci_high"]
            right.errorbar([r["std_effect"]], [y], xerr=[[r["std_effect"] - lo],
                                                          [hi - r["std_effect"]]],
                           fmt="o", color=c, markersize=4, capsize=2, linewidth=1.2)
        elif _has_level(r):
            key = "joint.level_outcome" if r["quant_basis"] == "outcome" else "joint.level"
            level = text(key, lang, m=r["construct_mean"], lo=r.get("mean_ci_low"),
                         hi=r.get("mean_ci_high"), mid=r.get("scale_midpoint"))
            right.text(0.02, y, level,
                       transform=right.get_yaxis_transform(), va="center", fontsize="small",
                       color="#555555", style="italic")
    if not interviews:
        say_empty(ax, text("joint.panel.no_interviews", lang))
    if not effects:  # means against the midpoint are written out: no axis to read
        right.set_xticks([])
    if not effects and not levels:
        say_empty(right, text("joint.panel.no_survey", lang))
    right.tick_params(axis="y", left=False, labelleft=False)
    right.grid(axis="y", visible=False)
    outcome = outcome_label or text("outcome.generic", lang)
    title = (text("joint.quant_title", lang, outcome=outcome) if effects
             else text("joint.level_title", lang) if levels
             else text("joint.survey_title", lang))
    right.set_title(title, fontsize="medium", loc="left")
    used = [m for m in META_COLORS if any(r["meta_inference"] == m for r in rows)]
    handles = [Patch(color=META_COLORS[m], label=text(f"meta.{m}", lang)) for m in used]
    if salience is not None:
        handles.append(Line2D([], [], color="#555555", linestyle="--", linewidth=0.8,
                              label=text("joint.salience", lang, s=salience)))
    # below the tick labels whatever the height of the figure (a fraction of a short
    # panel's height put it over them)
    below = ax.transAxes + ScaledTranslation(0, -_LEGEND_DROP / 72, ax.figure.dpi_scale_trans)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.9, 0),
              bbox_transform=below, ncol=len(handles) or 1, frameon=False, fontsize="small")
    return ax


#: How far below its panel the legend starts, in points (below the tick labels).
_LEGEND_DROP = 24


def _has_effect(row) -> bool:
    """A row judged by the construct's standardised effect on the outcome."""
    return row.get("quant_basis") == "effect" and not _nan(row.get("std_effect"))


def _has_level(row) -> bool:
    """A row judged by its level (a construct outside the model, or the outcome itself)."""
    return row.get("quant_basis") in ("level", "outcome") and not _nan(row.get("construct_mean"))


def _nan(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
