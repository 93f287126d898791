"""The joint display figure: every text in the figure's language, the outcome named."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from _figures import figure_texts, foreign_words

from citra_eval.mixed_methods import meta_inferences
from citra_eval.plots import plot_joint_display


@pytest.fixture
def table():
    nan = np.nan
    return meta_inferences(pd.DataFrame({
        "theme": ["pengaduan", "relasi_media", None],
        "theme_label": ["Penanganan pengaduan", "Relasi media", None],
        "construct": ["PENGADUAN", None, "EDUKASI"],
        "construct_label": ["Pengaduan", None, "Edukasi"],
        "n_informants": [3, 1, nan], "n_informants_total": [4, 4, nan],
        "informant_share": [0.75, 0.25, nan],
        "quant_basis": ["effect", None, "level"], "std_effect": [0.3, nan, nan],
        "std_ci_low": [0.1, nan, nan], "std_ci_high": [0.5, nan, nan],
        "construct_mean": [3.1, nan, 2.8], "mean_ci_low": [3.0, nan, 2.7],
        "mean_ci_high": [3.2, nan, 2.9], "scale_midpoint": [2.5, nan, 2.5]}))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_text_follows_lang_and_names_the_outcome(table, lang):
    outcome = {"id": "Persepsi terhadap rumah sakit", "en": "Overall perception"}[lang]
    ax = plot_joint_display(table, lang=lang, outcome_label=outcome)
    texts = figure_texts(ax.figure)
    assert not foreign_words(ax.figure, lang)
    quant = ax.child_axes[0].get_title(loc="left")
    assert outcome in quant
    assert "citra" not in quant.lower() and "image" not in quant.lower()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == {"id": "ambang menonjol (50%)", "en": "salience threshold (50%)"}[lang]
    level = {"id": "rerata 2.80", "en": "mean 2.80"}[lang]
    assert any(t.startswith(level) for t in texts)
    plt.close("all")


def test_without_outcome_label_a_generic_word():
    t = meta_inferences(pd.DataFrame({"theme": ["a"], "construct": ["A"], "n_informants": [1],
                                      "n_informants_total": [2], "informant_share": [0.5],
                                      "quant_basis": ["effect"], "std_effect": [0.2],
                                      "std_ci_low": [0.1], "std_ci_high": [0.3]}))
    ax = plot_joint_display(t, lang="en")
    assert "effect on the outcome" in ax.child_axes[0].get_title(loc="left")
    plt.close("all")


def _panel_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_empty_panel_says_why(table, lang):
    """A study without a survey had an empty survey panel (axis 0-1, no point), one without
    coded interviews an empty interview panel, and nothing said why."""
    qual_only = table.assign(quant_basis=None, std_effect=np.nan, construct_mean=np.nan)
    ax = plot_joint_display(qual_only, lang=lang)
    assert _panel_texts(ax.child_axes[0]) == [{"id": "tanpa survei", "en": "no survey"}[lang]]
    assert _panel_texts(ax) == []
    survey_only = table.assign(informant_share=np.nan)
    ax = plot_joint_display(survey_only, lang=lang)
    assert _panel_texts(ax) == [{"id": "tanpa wawancara berkode",
                                 "en": "no coded interviews"}[lang]]
    assert not [t for t in _panel_texts(ax.child_axes[0]) if "survey" in t or "survei" in t]
    assert not ax.lines  # no shares: no salience threshold, nor its legend entry
    assert "50%" not in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    # both strands: neither panel says it is empty
    ax = plot_joint_display(table, lang=lang)
    assert _panel_texts(ax) == [] and "no survey" not in _panel_texts(ax.child_axes[0])
    plt.close("all")


def test_the_legend_stays_below_the_tick_labels_of_a_short_panel(table):
    """With few rows the legend, placed a fraction of the panel's height below it, lay over
    the '100%' tick label."""
    ax = plot_joint_display(table.head(1), lang="en")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(legend.y1 < t.y0 for t in ticks), (legend, ticks)
    plt.close("all")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_survey_panel_is_titled_after_what_it_shows(table, lang):
    """A survey without an outcome (means against the midpoint only), or no survey, kept the
    title of standardised effects (β, 95% CI) over a meaningless 0-1 axis."""
    levels = table.assign(quant_basis=["level", None, "level"], std_effect=np.nan,
                          std_ci_low=np.nan, std_ci_high=np.nan)
    right = plot_joint_display(levels, lang=lang).child_axes[0]
    title = right.get_title(loc="left")
    assert "β" not in title and {"id": "titik tengah", "en": "midpoint"}[lang] in title
    assert list(right.get_xticks()) == [] and not right.lines  # no axis, no zero line
    assert not foreign_words(right.figure, lang)
    no_survey = table.assign(quant_basis=None, std_effect=np.nan, construct_mean=np.nan)
    right = plot_joint_display(no_survey, lang=lang).child_axes[0]
    assert "β" not in right.get_title(loc="left") and not right.lines
    # with effects the title and the zero line stay
    right = plot_joint_display(table, lang=lang).child_axes[0]
    assert "β" in right.get_title(loc="left") and right.lines
    plt.close("all")
