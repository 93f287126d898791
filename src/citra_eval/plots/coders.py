"""Figure of the auto-coders' quality per code beside the human coders' (cross-validated)."""

from __future__ import annotations

import pandas as pd

from .._labels import label
from .._validation import check_ax, check_codebook, check_columns, check_frame, check_lang

__all__ = ["plot_coder_quality"]

_MACHINES = ("both", "learned", "dictionary")
_STYLE = {"both": ("o", "#4C72B0"), "learned": ("s", "#55A868"),
          "dictionary": ("^", "#DD8452")}
#: The other human coders' markers and colors, taken in turn (7 markers, 6 colors: 42
#: coders before a pair repeats), none a machine's.
_HUMAN_MARKERS = ("x", "+", "D", "v", "P", "*", "h")
_HUMAN_COLORS = ("#333333", "#17BECF", "#8C564B", "#DA8BC3", "#7F7F7F", "#BCBD22")


def _human_style(i: int) -> tuple[str, str]:
    """The marker and color of the ``i``-th other human coder (in ``per_code``'s column
    order): the same coder the same style in every figure of the same table."""
    return _HUMAN_MARKERS[i % len(_HUMAN_MARKERS)], _HUMAN_COLORS[i % len(_HUMAN_COLORS)]


def plot_coder_quality(per_code: pd.DataFrame, *, reference: str, codebook=None,
                       machines: tuple[str, ...] = ("both", "dictionary"), lang: str = "id",
                       intervals: pd.DataFrame | None = None, ax=None):
    """F1 per code of the machine coders and of the other human coder(s), one row per code.

    Parameters
    ----------
    per_code : DataFrame
        ``CoderValidation.per_code(reference)``: ``code``, then one F1 column per coder
        (``both``, ``learned``, ``dictionary`` and the other human coders' names); the
        ``micro`` and ``macro`` rows are drawn last, below a line, labelled in ``lang``
        (micro and macro average).
    reference : str
        The reference coder (for the axis label): the one ``per_code`` was computed against
        (its ``attrs["reference"]``, which ``CoderValidation.per_code`` sets), never a coder
        drawn as one of its columns; another is a ``ValueError``.
    codebook : Codebook, optional
        Code labels in ``lang``.
    machines : tuple of str
        Which machine coders to draw.
    lang : {"id", "en"}
    intervals : DataFrame, optional
        ``CoderValidation.conf_int()``: each drawn coder's micro F1 against ``reference``
        gets its interval as a horizontal bar on the ``micro`` row (the bars side by side
        around the row, in the coders' colors).
    ax : matplotlib Axes, optional

    Notes
    -----
    Each other human coder gets a marker and color of their own, by their place among the
    human columns of ``per_code`` (a different marker for each of the first seven), and the
    legend names them.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from citra_eval.plots import plot_coder_quality
    >>> t = pd.DataFrame({"code": ["a", "b", "micro"], "both": [0.8, 0.5, 0.7],
    ...                   "dictionary": [0.6, 0.4, 0.5], "B": [0.9, 0.7, 0.8]})
    >>> ax = plot_coder_quality(t, reference="A", lang="en")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['learned + dictionary', 'dictionary only', 'human coder B']
    """
    check_ax(ax)
    check_codebook(codebook)
    check_frame(per_code, "per_code")
    check_lang(lang)
    check_columns(per_code, "per_code", ("code", *machines),
                  what="CoderValidation.per_code(reference)")
    _check_reference(per_code, reference)
    if intervals is not None:
        _check_intervals(intervals)
    humans = [c for c in per_code.columns if c not in ("code", *_MACHINES)]
    summary = per_code["code"].isin(["micro", "macro"])
    rows = pd.concat([per_code[~summary], per_code[summary]], ignore_index=True)
    n_codes = len(rows) - int(summary.sum())
    names = [label(f"coders.{c}", lang) if i >= n_codes
             else codebook.label(c, lang) if codebook is not None and c in codebook else c
             for i, c in enumerate(rows["code"])]
    y = list(range(len(rows)))[::-1]
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 0.32 * len(rows) + 1.5))
    for m in machines:
        marker, color = _STYLE.get(m, ("o", "#8172B3"))
        ax.scatter(rows[m], y, marker=marker, color=color, zorder=3,
                   label=label(f"coders.{m}", lang))
    for i, h in enumerate(humans):
        marker, color = _human_style(i)
        ax.scatter(rows[h], y, marker=marker, color=color, zorder=3,
                   label=label("coders.human", lang, coder=h))
    if intervals is not None:
        _micro_intervals(ax, intervals, reference, [*machines, *humans],
                         y[rows.index[rows["code"] == "micro"][0]]
                         if (rows["code"] == "micro").any() else None)
    ax.set_yticks(y, names)
    n_summary = int(summary.sum())
    if n_summary:
        ax.axhline(n_summary - 0.5, color="#999999", linewidth=0.8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(label("coders.f1", lang, reference=reference))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower left", fontsize=8, frameon=False, bbox_to_anchor=(0, 1.0), ncol=2)
    return ax


def _check_reference(per_code: pd.DataFrame, reference: str) -> None:
    """``ValueError`` when ``reference`` is not the coder ``per_code`` was scored against:
    another than its ``attrs["reference"]``, or a coder drawn as one of its columns."""
    held = per_code.attrs.get("reference")
    if held is not None and str(held) != str(reference):
        raise ValueError(f"reference={reference!r} but per_code holds the F1 against coder "
                         f"{str(held)!r} (CoderValidation.per_code({str(held)!r})); pass "
                         f"reference={str(held)!r}, or per_code(reference) of the reference "
                         "you mean")
    if str(reference) in map(str, per_code.columns.drop("code", errors="ignore")):
        raise ValueError(f"reference={reference!r} is a column of per_code (a coder scored "
                         "against the reference), not the reference it was scored against; "
                         "pass the coder given to CoderValidation.per_code(reference)")


def _micro_intervals(ax, intervals: pd.DataFrame, reference: str, coders: list[str],
                     y_micro) -> None:
    """The micro F1 intervals of ``coders`` as bars on the micro row, in each coder's color
    (the points are drawn over them)."""
    if y_micro is None:
        return
    f1 = intervals[(intervals["reference"].astype(str) == str(reference))
                   & (intervals["measure"] == "f1")].set_index("coder")
    humans = [c for c in coders if c not in _MACHINES]
    shown = [c for c in coders if c in f1.index]
    for k, c in enumerate(shown):
        color = _STYLE[c][1] if c in _STYLE else _human_style(humans.index(c))[1]
        # side by side just around the row, so that overlapping intervals stay apart
        offset = (k - (len(shown) - 1) / 2) * 0.14
        ax.hlines(y_micro + offset, f1.at[c, "ci_low"], f1.at[c, "ci_high"], color=color,
                  linewidth=2, alpha=0.75, zorder=2)


def _check_intervals(intervals) -> None:
    check_frame(intervals, "intervals")
    check_columns(intervals, "intervals", ("reference", "coder", "measure", "ci_low", "ci_high"),
                  what="CoderValidation.conf_int()")
