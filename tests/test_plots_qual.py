"""Figure helpers of the qualitative analyses: they draw what the tables say."""

from __future__ import annotations

import matplotlib.pyplot as plt  # conftest sets MPLBACKEND=Agg
import numpy as np
import pandas as pd
import pytest
from _figures import figure_texts, foreign_words

import citra_eval as ce
from citra_eval.plots import plot_code_frequencies, plot_cooccurrence, plot_saturation
from citra_eval.plots.qual import MAX_DOCUMENT_LABELS


@pytest.fixture(scope="module")
def coded(example_corpus):
    return ce.read_codings(ce.example_path("codings_A")), example_corpus


def test_plot_code_frequencies_bars_match_table(coded, example_codebook):
    a, corpus = coded
    freq = ce.code_frequencies(a, corpus=corpus, codebook=example_codebook)
    fig, ax = plt.subplots()
    out = plot_code_frequencies(freq, codebook=example_codebook, lang="en", ax=ax)
    assert out is ax
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == sorted(freq["n_segments"].astype(float))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == example_codebook.label(
        freq.sort_values("n_segments", ascending=False)["code"].iat[0], "en")
    assert "Bamara" in " ".join(labels)
    plt.close(fig)


def test_plot_code_frequencies_by_group_and_indonesian(coded):
    a, corpus = coded
    freq = ce.code_frequencies(a, corpus=corpus, by="group")
    ax = plot_code_frequencies(freq, by="group", value="n_codings")
    assert ax.get_xlabel() == "Jumlah koding"
    assert {t.get_text() for t in ax.get_legend().get_texts()} == set(freq["group"])
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="value"):
        plot_code_frequencies(freq, value="nope")


def test_plot_cooccurrence_heatmap_values(coded, example_codebook):
    a, corpus = coded
    co = ce.cooccurrence(a, corpus=corpus)
    ax = plot_cooccurrence(co, codebook=example_codebook, lang="en")
    mat = ce.cooccurrence_matrix(co)
    shown = np.asarray(ax.collections[0].get_array()).reshape(mat.shape)
    assert (shown == mat.to_numpy()).all()
    assert ax.get_xticklabels()[0].get_text() == example_codebook.label(mat.columns[0], "en")
    plt.close(ax.figure)


@pytest.mark.parametrize("codes", [[], ["x"]])
def test_plot_cooccurrence_with_fewer_than_two_codes_says_why_it_is_empty(codes):
    """One code gave a one-cell heatmap "x × x = 1.00" with a colour bar from 0.9 to 1.1."""
    table = pd.DataFrame({"code_a": codes, "code_b": codes, "count": [3] * len(codes),
                          "jaccard": [1.0] * len(codes)})
    ax = plot_cooccurrence(table, measure="jaccard", lang="en")
    assert not ax.collections and len(ax.figure.axes) == 1  # no heatmap, no colour bar
    assert [t.get_text() for t in ax.texts] == [
        f"co-occurrence needs two or more codes (codes that occur: {len(codes)})"]
    plt.close(ax.figure)


@pytest.mark.parametrize("lang, says", [("en", "no two codes share a segment\n(2 codes"),
                                        ("id", "tidak ada dua kode pada segmen yang sama")])
def test_plot_cooccurrence_without_a_shared_segment_says_so(lang, says):
    """Two themes never in the same turn drew an identity heatmap (1 on the diagonal, 0
    elsewhere) with no word that nothing co-occurs."""
    table = pd.DataFrame({"code_a": ["x", "y"], "code_b": ["x", "y"], "count": [3, 2],
                          "jaccard": [1.0, 1.0]})
    ax = plot_cooccurrence(table, measure="jaccard", lang=lang)
    assert not ax.collections and len(ax.figure.axes) == 1
    (said,) = [t.get_text() for t in ax.texts]
    assert said.startswith(says)
    plt.close(ax.figure)


@pytest.mark.parametrize(("lang", "xlabel"), [("en", "Informants"),
                                              ("id", "Jumlah informan")])
def test_plot_code_frequencies_draws_every_count_code_frequencies_gives(coded, lang, xlabel):
    """Student: value='n_informants', a column of code_frequencies, was refused."""
    from citra_eval.themes import FREQ_COLUMNS

    a, corpus = coded
    freq = ce.code_frequencies(a, corpus=corpus)
    ax = plot_code_frequencies(freq, value="n_informants", lang=lang)
    assert sorted(p.get_width() for p in ax.patches) == sorted(
        freq["n_informants"].astype(float))
    assert ax.get_xlabel() == xlabel
    ax.figure.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_xticks())  # a count of people
    plt.close(ax.figure)
    for value in FREQ_COLUMNS[2:]:  # every column but code and label
        plt.close(plot_code_frequencies(freq, value=value).figure)


def test_plot_code_frequencies_counts_have_whole_ticks():
    """A count axis ticked 0.0, 0.5, 1.0 (half a segment)."""
    freq = pd.DataFrame({"code": ["a", "b"], "n_segments": [1, 2],
                         "share_segments": [0.1, 0.25]})
    ax = plot_code_frequencies(freq, value="n_segments")
    ax.figure.canvas.draw()
    ticks = ax.get_xticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)
    plt.close(ax.figure)
    ax = plot_code_frequencies(freq, value="share_segments")  # a share keeps its fractions
    ax.figure.canvas.draw()
    assert not all(float(t).is_integer() for t in ax.get_xticks())
    plt.close(ax.figure)


def test_plot_saturation_draws_curve_and_point():
    src, rows = {}, []
    for i, codes in enumerate(["a b c", "b d", "a e", "f", "a", "b", "a", "b"]):
        doc = f"D{i}"
        src[f"{doc}.txt"] = (f"---\nid: {doc}\ndate: 2021-01-0{i + 1}\n"
                             "speakers: {I: informant}\n---\nI: x\n")
        rows += [(doc, 1, 3, 4, c, "A") for c in codes.split()]  # the turn's text 'x'
    corpus = ce.Corpus.from_texts(src)
    sat = ce.saturation(pd.DataFrame(rows, columns=ce.CODING_COLUMNS), corpus=corpus)
    ax = plot_saturation(sat, lang="en")
    line = ax.get_lines()[0]
    assert list(line.get_ydata()) == sat["cumulative_codes"].tolist()
    point = sat.attrs["saturation"]["saturation_point"]
    assert point == 4
    assert any(list(v.get_xdata()) == [point, point] for v in ax.get_lines()[1:])
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="lang"):
        plot_saturation(sat, lang="fr")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_text_follows_lang(coded, example_codebook, lang):
    """No word of the other language's labels in any text of any qualitative figure."""
    a, corpus = coded
    freq = ce.code_frequencies(a, corpus=corpus, codebook=example_codebook)
    co = ce.cooccurrence(a, corpus=corpus)
    sat = ce.saturation(a, corpus=corpus)
    for measure in ("count", "jaccard"):
        ax = plot_cooccurrence(co, measure=measure, codebook=example_codebook, lang=lang)
        assert not foreign_words(ax.figure, lang), measure
        cbar = ax.figure.axes[-1].get_ylabel()
        assert cbar == {"count": {"id": "Segmen bersama", "en": "Shared segments"},
                        "jaccard": {"id": "Indeks Jaccard", "en": "Jaccard index"}}[
                            measure][lang]
        plt.close(ax.figure)
    for value in ("n_segments", "n_documents", "n_codings", "share_segments"):
        ax = plot_code_frequencies(freq, value=value, codebook=example_codebook, lang=lang)
        assert not foreign_words(ax.figure, lang), value
        plt.close(ax.figure)
    ax = plot_saturation(sat, lang=lang)
    texts = figure_texts(ax.figure)
    assert not foreign_words(ax.figure, lang)
    assert ("Kode kumulatif" if lang == "id" else "Cumulative codes") in texts
    plt.close(ax.figure)


@pytest.mark.parametrize("n", [8, 146])
def test_plot_saturation_thins_the_document_labels_of_many_documents(n):
    sat = pd.DataFrame({"position": range(1, n + 1), "doc_id": [f"R{i:04d}" for i in range(n)],
                        "new_codes": [1] * n, "cumulative_codes": range(1, n + 1)})
    ax = plot_saturation(sat, lang="en")
    ticks = ax.get_xticks().tolist()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) <= (n if n <= MAX_DOCUMENT_LABELS else MAX_DOCUMENT_LABELS)
    assert ticks[0] == 1 and (n <= MAX_DOCUMENT_LABELS) == (len(labels) == n)
    # each label still names the document at its position
    assert labels == [sat["doc_id"].iloc[int(t) - 1] for t in ticks]
    plt.close(ax.figure)
