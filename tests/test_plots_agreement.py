"""The reliability dot plot."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from _figures import figure_texts, foreign_words

from citra_eval.plots import plot_agreement


@pytest.fixture
def table():
    t = pd.DataFrame({
        "code": ["media", "digital", "unused", "ALL"],
        "n_units": 10,
        "percent_agreement": [0.9, 0.8, 1.0, 0.9],
        "cohen_kappa": [0.7, 0.5, np.nan, 0.6],
        "fleiss_kappa": [0.7, 0.5, np.nan, 0.6],
        "krippendorff_alpha": [0.72, 0.51, np.nan, 0.62],
        "gwet_ac1": [0.85, 0.7, np.nan, 0.8],
        "alpha_ci_low": [0.5, 0.2, np.nan, 0.45],
        "alpha_ci_high": [0.9, 0.8, np.nan, 0.78],
    })
    t.attrs["ci"] = 0.9
    return t


def test_plot_agreement_draws_points_intervals_thresholds(table):
    fig, ax = plt.subplots()
    out = plot_agreement(table, ax=ax, labels={"media": "Media relations"}, lang="en")
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Media relations", "digital", "unused", "ALL"]
    assert [float(ln.get_xdata()[0]) for ln in ax.lines[:2]] == [0.667, 0.8]
    code_points = ax.lines[2]
    # Codes go top to bottom: media at y=3, digital at y=2; 'unused' (NaN) is not plotted.
    assert list(code_points.get_xdata()) == [0.72, 0.51]
    assert list(code_points.get_ydata()) == [3, 2]
    assert list(ax.lines[3].get_xdata()) == [0.62]  # the ALL diamond
    segments = ax.collections[0].get_segments()
    assert [tuple(s[:, 0]) for s in segments] == [(0.5, 0.9), (0.2, 0.8), (0.45, 0.78)]
    assert any(t.get_text() == "n/a" for t in ax.texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "90% bootstrap interval" in legend
    plt.close(fig)


def test_plot_agreement_other_coefficient_has_no_interval(table):
    ax = plot_agreement(table, coefficient="gwet_ac1", lang="en")
    assert not ax.collections
    assert ax.get_xlabel() == "Gwet's AC1"
    plt.close(ax.figure)


def test_plot_agreement_bad_arguments(table):
    with pytest.raises(ValueError, match="coefficient must be one of"):
        plot_agreement(table, coefficient="kappa")
    with pytest.raises(ValueError, match="lacks column"):
        plot_agreement(table.drop(columns="gwet_ac1"), coefficient="gwet_ac1")
    with pytest.raises(TypeError, match="must be a DataFrame"):
        plot_agreement([1, 2])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_plot_agreement_every_text_follows_lang(table, lang):
    ax = plot_agreement(table, lang=lang)
    assert not foreign_words(ax.figure, lang)
    texts = figure_texts(ax.figure)
    expected = {"id": ["Alpha Krippendorff", "SEMUA", "interval bootstrap 90%",
                       "alpha = 0.667 (tentatif)", "tak terdefinisi", "semua kode (gabungan)"],
                "en": ["Krippendorff's alpha", "ALL", "90% bootstrap interval",
                       "alpha = 0.667 (tentative)", "n/a", "all codes (pooled)"]}[lang]
    assert set(expected) <= set(texts)
    plt.close(ax.figure)
    # every coefficient's axis label follows lang too
    for coefficient in ("cohen_kappa", "fleiss_kappa", "gwet_ac1", "percent_agreement"):
        ax = plot_agreement(table, coefficient=coefficient, lang=lang)
        assert not foreign_words(ax.figure, lang), coefficient
        plt.close(ax.figure)


def test_plot_agreement_labels_can_name_the_pooled_row(table):
    ax = plot_agreement(table, labels={"ALL": "Semua tema"}, lang="id")
    assert ax.get_yticklabels()[-1].get_text() == "Semua tema"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="lang"):
        plot_agreement(table, lang="de")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_plot_agreement_marks_agreement_on_coded_segments(table, lang):
    # Issue 14 item 10: the figure shows agreement without the segments nobody coded.
    t = table.assign(coded_agreement=[0.6, 0.4, np.nan, 0.48],
                     alpha_masi_coded=[np.nan, np.nan, np.nan, 0.55])
    ax = plot_agreement(t, lang=lang)
    squares, triangle = ax.lines[4], ax.lines[5]
    assert list(squares.get_xdata()) == [0.6, 0.4, 0.48]
    assert list(squares.get_ydata()) == [3, 2, 0]
    assert list(triangle.get_xdata()) == [0.55] and list(triangle.get_ydata()) == [0]
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert {"id": "kesepakatan pada segmen berkode",
            "en": "agreement on coded segments"}[lang] in legend
    assert not foreign_words(ax.figure, lang)
    plt.close(ax.figure)
    ax = plot_agreement(t, lang=lang, coded=False)
    assert len(ax.lines) == 4
    plt.close(ax.figure)
    ax = plot_agreement(t, coefficient="coded_agreement", lang="en")
    assert ax.get_xlabel() == "Agreement on coded segments"
    plt.close(ax.figure)


@pytest.mark.parametrize("n_codes", [1, 3, 15])
def test_the_legend_never_covers_the_axis_label(n_codes):
    """A study with few codes gets a short figure: the legend below it still clears the
    x label and the tick labels."""
    t = pd.DataFrame({"code": [f"c{i}" for i in range(n_codes)] + ["ALL"], "n_units": 10,
                      "krippendorff_alpha": 0.7, "alpha_ci_low": 0.5, "alpha_ci_high": 0.9})
    for lang in ("id", "en"):
        ax = plot_agreement(t, lang=lang)
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        legend = ax.get_legend().get_window_extent(renderer)
        above = [ax.xaxis.label.get_window_extent(renderer),
                 *(t.get_window_extent(renderer) for t in ax.get_xticklabels()
                   if t.get_text())]
        assert all(legend.y1 <= box.y0 for box in above), (n_codes, lang)
        plt.close(fig)
