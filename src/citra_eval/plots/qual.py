"""Figures of the qualitative analyses: code frequencies, co-occurrence, saturation.

Each helper takes the tidy table of the matching :mod:`citra_eval.themes` function, draws
on ``ax`` (a new figure when None) and returns the Axes; it never calls ``plt.show()``.
Code labels come from the codebook in ``lang`` (``"id"`` or ``"en"``) when one is given.
"""

from __future__ import annotations

import pandas as pd

from .._labels import label as text
from .._validation import (
    COOCCURRENCE_TABLE,
    check_ax,
    check_choice,
    check_codebook,
    check_frame,
    check_lang,
)
from ..themes import cooccurrence_matrix
from ._panels import say_empty

__all__ = ["plot_code_frequencies", "plot_cooccurrence", "plot_saturation"]

_VALUE = {"n_segments": "qual.segments", "n_documents": "qual.documents",
          "n_informants": "qual.informants", "n_codings": "qual.codings",
          "share_segments": "qual.share"}


def _ax(ax, size=(7, 4.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def _labeller(codebook, lang: str):
    def label(code: str) -> str:
        if codebook is not None and code in codebook:
            return codebook.label(code, lang)
        return code
    return label


def plot_code_frequencies(freq: pd.DataFrame, *, value: str = "n_segments", by: str | None = None,
                          codebook=None, lang: str = "id", ax=None):
    """Horizontal bars of :func:`~citra_eval.code_frequencies` output, most frequent on top.

    ``value`` is ``n_segments``, ``n_documents``, ``n_informants``, ``n_codings`` or
    ``share_segments`` (the columns of :func:`~citra_eval.code_frequencies`);
    ``by`` (the grouping column used in ``code_frequencies``) colours the bars by group.

    Examples
    --------
    >>> import citra_eval as ce
    >>> from citra_eval.plots import plot_code_frequencies
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> freq = ce.code_frequencies(ce.read_codings(ce.example_path("codings_A")), corpus=corpus)
    >>> ax = plot_code_frequencies(freq, lang="en")
    >>> ax.get_xlabel()
    'Segments'
    """
    check_ax(ax)
    check_codebook(codebook)
    import seaborn as sns

    check_lang(lang)
    check_choice(value, "value", _VALUE)
    check_frame(freq, "freq", columns=["code", value] + ([by] if by else []))
    label = _labeller(codebook, lang)
    data = freq.assign(_label=freq["code"].map(label))
    order = (data.groupby("_label", sort=False)[value].sum().sort_values(ascending=False).index)
    ax = _ax(ax)
    sns.barplot(data=data, y="_label", x=value, hue=by, order=list(order), ax=ax,
                orient="h", errorbar=None, **({} if by else {"color": "#3a7ca5"}))
    if value != "share_segments":  # a count: no tick at 0.5 of a segment
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text(_VALUE[value], lang))
    ax.set_ylabel(text("qual.code", lang))
    return ax


def plot_cooccurrence(table: pd.DataFrame, *, measure: str = "count", codebook=None,
                      lang: str = "id", annot: bool = True, ax=None):
    """Heatmap of :func:`~citra_eval.cooccurrence` output (code × code).

    With fewer than two codes in ``table``, or when no two codes share a segment, there is
    no pair to show: the axes say so instead of drawing a one-cell or a diagonal heatmap.

    Examples
    --------
    >>> import citra_eval as ce
    >>> from citra_eval.plots import plot_cooccurrence
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> co = ce.cooccurrence(ce.read_codings(ce.example_path("codings_A")), corpus=corpus)
    >>> ax = plot_cooccurrence(co, measure="jaccard")
    >>> bool(ax.collections[0].get_array().max() <= 1)
    True
    """
    check_ax(ax)
    check_codebook(codebook)
    import seaborn as sns


    check_lang(lang)
    check_frame(table, "table", columns=["code_a", "code_b", "count", "jaccard"],
                what=COOCCURRENCE_TABLE)
    mat = cooccurrence_matrix(table, measure=measure)
    if len(mat) < 2:
        ax = _ax(ax, size=(7, 3))
        ax.set_xticks([])
        ax.set_yticks([])
        say_empty(ax, text("qual.no_pairs", lang, n=len(mat)))
        return ax
    if not (table["code_a"] != table["code_b"]).any():  # only the diagonal
        ax = _ax(ax, size=(7, 3))
        ax.set_xticks([])
        ax.set_yticks([])
        say_empty(ax, text("qual.no_shared", lang, n=len(mat)))
        return ax
    label = _labeller(codebook, lang)
    mat = mat.rename(index=label, columns=label)
    n = max(len(mat), 1)
    ax = _ax(ax, size=(min(4 + 0.5 * n, 14), min(3 + 0.45 * n, 12)))
    sns.heatmap(mat, ax=ax, cmap="Blues", annot=annot and n <= 20,
                fmt="d" if measure == "count" else ".2f", square=True, linewidths=0.5,
                cbar_kws={"label": text(f"qual.{measure}", lang)})
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


#: Most document labels on the x axis of :func:`plot_saturation`; with more documents every
#: k-th is labelled (146 labels overlapped into one black band).
MAX_DOCUMENT_LABELS = 40


def plot_saturation(sat: pd.DataFrame, *, lang: str = "id", ax=None):
    """Cumulative codes (line) and new codes (bars) per interview; the saturation point of
    :func:`~citra_eval.saturation` (``sat.attrs``) as a dashed line when reached. With more
    than :data:`MAX_DOCUMENT_LABELS` documents, only every k-th is labelled.

    Examples
    --------
    >>> import citra_eval as ce
    >>> from citra_eval.plots import plot_saturation
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> sat = ce.saturation(ce.read_codings(ce.example_path("codings_A")), corpus=corpus)
    >>> ax = plot_saturation(sat, lang="en")
    >>> ax.get_ylabel()
    'Cumulative codes'
    """
    check_ax(ax)
    check_lang(lang)
    check_frame(sat, "sat", columns=["position", "doc_id", "new_codes", "cumulative_codes"])
    ax = _ax(ax)
    ax.bar(sat["position"], sat["new_codes"], color="#a9cce3", label=text("qual.new", lang))
    ax.plot(sat["position"], sat["cumulative_codes"], marker="o", color="#1f4e79",
            label=text("qual.cumulative", lang))
    info = sat.attrs.get("saturation", {})
    point = info.get("saturation_point")
    if point:
        ax.axvline(point, color="#c0392b", linestyle="--",
                   label=text("qual.saturation", lang, n=point))
    step = -(-len(sat) // MAX_DOCUMENT_LABELS)  # every document while they fit, else thinned
    ax.set_xticks(list(sat["position"])[::step])
    ax.set_xticklabels(list(sat["doc_id"])[::step], rotation=45, ha="right")
    ax.set_xlabel(text("qual.interview", lang))
    ax.set_ylabel(text("qual.cumulative", lang))
    ax.legend(frameon=False)
    return ax
