"""Figures of the qualitative analyses: code frequencies, co-occurrence, saturation.

Each helper takes the tidy table of the matching :mod:`citra_eval.themes` function, draws
on ``ax`` (a new figure when None) and returns the Axes; it never calls ``plt.show()``.
Code labels come from the codebook in ``lang`` (``"id"`` or ``"en"``) when one is given.
"""

from __future__ import annotations

import pandas as pd

from ..themes import cooccurrence_matrix

__all__ = ["plot_code_frequencies", "plot_cooccurrence", "plot_saturation"]

_TEXT = {
    "id": {"segments": "Jumlah segmen", "documents": "Jumlah dokumen", "codings": "Jumlah koding",
           "share": "Proporsi segmen informan", "code": "Kode", "interview": "Wawancara ke-",
           "cumulative": "Kode kumulatif", "new": "Kode baru", "count": "Segmen bersama",
           "jaccard": "Indeks Jaccard", "saturation": "Titik jenuh"},
    "en": {"segments": "Segments", "documents": "Documents", "codings": "Codings",
           "share": "Share of informant segments", "code": "Code", "interview": "Interview",
           "cumulative": "Cumulative codes", "new": "New codes", "count": "Shared segments",
           "jaccard": "Jaccard index", "saturation": "Saturation point"},
}
_VALUE = {"n_segments": "segments", "n_documents": "documents", "n_codings": "codings",
          "share_segments": "share"}


def _ax(ax, size=(7, 4.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def _text(lang: str) -> dict[str, str]:
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    return _TEXT[lang]


def _labeller(codebook, lang: str):
    def label(code: str) -> str:
        if codebook is not None and code in codebook:
            return codebook.label(code, lang)
        return code
    return label


def _need(table: pd.DataFrame, cols: list[str], what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, got {type(table).__name__}")
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}")


def plot_code_frequencies(freq: pd.DataFrame, *, value: str = "n_segments", by: str | None = None,
                          codebook=None, lang: str = "id", ax=None):
    """Horizontal bars of :func:`~citra_eval.code_frequencies` output, most frequent on top.

    ``value`` is ``n_segments``, ``n_documents``, ``n_codings`` or ``share_segments``;
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
    import seaborn as sns

    words = _text(lang)
    if value not in _VALUE:
        raise ValueError(f"value must be one of {', '.join(_VALUE)}, got {value!r}")
    _need(freq, ["code", value] + ([by] if by else []), "freq")
    label = _labeller(codebook, lang)
    data = freq.assign(_label=freq["code"].map(label))
    order = (data.groupby("_label", sort=False)[value].sum().sort_values(ascending=False).index)
    ax = _ax(ax)
    sns.barplot(data=data, y="_label", x=value, hue=by, order=list(order), ax=ax,
                orient="h", errorbar=None, **({} if by else {"color": "#3a7ca5"}))
    ax.set_xlabel(words[_VALUE[value]])
    ax.set_ylabel(words["code"])
    return ax


def plot_cooccurrence(table: pd.DataFrame, *, measure: str = "count", codebook=None,
                      lang: str = "id", annot: bool = True, ax=None):
    """Heatmap of :func:`~citra_eval.cooccurrence` output (code × code).

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
    import seaborn as sns


    words = _text(lang)
    _need(table, ["code_a", "code_b", "count", "jaccard"], "table")
    mat = cooccurrence_matrix(table, measure=measure)
    label = _labeller(codebook, lang)
    mat = mat.rename(index=label, columns=label)
    n = max(len(mat), 1)
    ax = _ax(ax, size=(min(4 + 0.5 * n, 14), min(3 + 0.45 * n, 12)))
    sns.heatmap(mat, ax=ax, cmap="Blues", annot=annot and n <= 20,
                fmt="d" if measure == "count" else ".2f", square=True, linewidths=0.5,
                cbar_kws={"label": words[measure]})
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


def plot_saturation(sat: pd.DataFrame, *, lang: str = "id", ax=None):
    """Cumulative codes (line) and new codes (bars) per interview; the saturation point of
    :func:`~citra_eval.saturation` (``sat.attrs``) as a dashed line when reached.

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
    words = _text(lang)
    _need(sat, ["position", "doc_id", "new_codes", "cumulative_codes"], "sat")
    ax = _ax(ax)
    ax.bar(sat["position"], sat["new_codes"], color="#a9cce3", label=words["new"])
    ax.plot(sat["position"], sat["cumulative_codes"], marker="o", color="#1f4e79",
            label=words["cumulative"])
    info = sat.attrs.get("saturation", {})
    point = info.get("saturation_point")
    if point:
        ax.axvline(point, color="#c0392b", linestyle="--",
                   label=f"{words['saturation']} (n = {point})")
    ax.set_xticks(list(sat["position"]))
    ax.set_xticklabels(list(sat["doc_id"]), rotation=45, ha="right")
    ax.set_xlabel(words["interview"])
    ax.set_ylabel(words["cumulative"])
    ax.legend(frameon=False)
    return ax
