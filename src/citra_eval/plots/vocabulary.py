"""Figures of the vocabulary: key words of a code or group (:func:`citra_eval.keyness`)."""

from __future__ import annotations

import pandas as pd

from .._labels import label
from .._validation import (
    check_ax,
    check_codebook,
    check_columns,
    check_frame,
    check_lang,
    check_proportion,
)
from ._panels import say_empty

__all__ = ["plot_keyness"]


def plot_keyness(table: pd.DataFrame, *, top: int = 15, target: str | None = None,
                 codebook=None, lang: str = "id", alpha: float = 0.05, ax=None):
    """Horizontal bars of the key words' log-likelihood, the strongest at the top.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`citra_eval.keyness` (``word, log_likelihood, count_target,
        direction, p_value`` are used; only over-used words are drawn).
    top : int
        How many words.
    target : str, optional
        Name of the code or group, for the title.
    codebook : Codebook, optional
        A ``target`` that is one of its codes is shown as the code's label in ``lang``.
    lang : {"id", "en"}
        Language of the labels.
    alpha : float
        Only words whose over-use passes the log-likelihood test at this level are drawn
        (``p_value < alpha``; the default .05 is G² ≥ 3.84): a word a theme's turns use
        no more often than chance would is no key word of the theme.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Each bar is labelled with the word's count in the target; without a key word the
        axes say why instead of showing empty ticks: no word recurs often enough, or none
        passes the test (the strongest is named with its G² and p).

    Examples
    --------
    >>> import citra_eval as ce
    >>> from citra_eval.plots import plot_keyness
    >>> corpus = ce.read_transcripts(ce.example_path("transcripts"))
    >>> a = ce.read_codings(ce.example_path("codings_A"))
    >>> ax = plot_keyness(ce.keyness(corpus, codings=a, target="bamara"), target="Bamara")
    >>> len(ax.patches) > 0
    True
    """
    check_ax(ax)
    check_codebook(codebook)
    check_frame(table, "table")
    check_columns(table, "table", ("word", "log_likelihood", "count_target", "direction",
                                   "p_value"), what="the output of ce.keyness(...)")
    check_lang(lang)
    alpha = check_proportion(alpha, "alpha", zero=False, one=False)
    over = table[table["direction"] == "over"].nlargest(top, "log_likelihood", keep="first")
    rows = over[over["p_value"] < alpha].iloc[::-1]
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 0.3 * max(len(rows), 3) + 1.2))
    bars = ax.barh(rows["word"], rows["log_likelihood"], color="#4C72B0")
    for bar, n in zip(bars, rows["count_target"], strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {int(n)}",
                va="center", fontsize=8)
    ax.set_xlabel(label("vocab.ll", lang))
    ax.set_ylabel(label("vocab.word", lang))
    if not len(rows):
        ax.set_xticks([])
        ax.set_yticks([])
        if len(over):  # words recur, but none more often than chance would have it
            best = over.iloc[0]
            say_empty(ax, label("vocab.none_significant", lang, alpha=f"{alpha:g}",
                                word=best["word"], ll=f"{best['log_likelihood']:.2f}",
                                p=f"{best['p_value']:.2f}"))
        else:
            say_empty(ax, label("vocab.no_key_words", lang))
    if target is not None:
        if codebook is not None and target in codebook:
            target = codebook.label(target, lang)
        ax.set_title(label("vocab.title", lang, target=target))
    ax.margins(x=0.12)
    return ax
