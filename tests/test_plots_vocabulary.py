"""The keyness figure."""

from __future__ import annotations

import pandas as pd
import pytest

from citra_eval.plots import plot_keyness
from citra_eval.vocabulary import KEYNESS_COLUMNS


def table() -> pd.DataFrame:
    rows = [("bamara", 20, 1, 0, 0, 80.0, 0.0, 5.0, "over"),
            ("warga", 30, 40, 0, 0, 20.0, 0.0, 1.5, "over"),
            ("aplikasi", 0, 39, 0, 0, 15.0, 0.0, -4.0, "under")]
    return pd.DataFrame(rows, columns=KEYNESS_COLUMNS)


@pytest.mark.parametrize("lang, title", [("id", "Kata kunci: Bamara"),
                                         ("en", "Key words: Bamara")])
def test_only_over_used_words_strongest_on_top(lang, title):
    ax = plot_keyness(table(), target="Bamara", lang=lang)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["warga", "bamara"]  # bottom to top
    assert [p.get_width() for p in ax.patches] == [20.0, 80.0]
    assert ax.get_title() == title


def test_bad_input():
    with pytest.raises(TypeError):
        plot_keyness("x")
    with pytest.raises(ValueError, match="keyness"):
        plot_keyness(pd.DataFrame({"word": []}))
    with pytest.raises(ValueError, match="lang"):
        plot_keyness(table(), lang="fr")


@pytest.mark.parametrize("lang, says", [("id", "tidak ada kata kunci"), ("en", "no key words")])
def test_no_key_word_is_said_not_drawn_as_blank_axes(lang, says):
    """A study whose words never recur drew blank axes with ticks -0.06 ... 0.06."""
    import matplotlib.pyplot as plt

    empty = pd.DataFrame(columns=KEYNESS_COLUMNS).astype({"log_likelihood": float,
                                                         "count_target": "int64"})
    ax = plot_keyness(empty, target="x", lang=lang)
    assert [t.get_text().startswith(says) for t in ax.texts] == [True]
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
    plt.close("all")


@pytest.mark.parametrize("lang, says", [("id", "tidak ada kata kunci pada p < 0.05"),
                                        ("en", "no key words at p < 0.05")])
def test_only_words_passing_the_test_are_key_words(lang, says):
    """A theme's one "key word" was drawn with G² = 0.009 (p = .93) under the title "Key
    words": a word used no more often than chance is no key word."""
    import matplotlib.pyplot as plt

    t = table()
    t.loc[1, ["log_likelihood", "p_value"]] = [2.0, 0.157]  # warga: over, not significant
    ax = plot_keyness(t, target="x", lang=lang)
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["bamara"]
    assert [p.get_width() for p in ax.patches] == [80.0]
    weak = pd.DataFrame([("puskesmas", 1, 5, 0, 0, 0.009, 0.926, 0.2, "over")],
                        columns=KEYNESS_COLUMNS)
    ax = plot_keyness(weak, target="x", lang=lang)
    assert len(ax.patches) == 0
    (text,) = [x.get_text() for x in ax.texts]
    assert text.startswith(says) and "puskesmas" in text and "0.01" in text and "0.93" in text
    # a looser level is the caller's documented choice
    assert len(plot_keyness(t, target="x", lang=lang, alpha=0.2).patches) == 2
    for bad in (0, 1, 1.5):
        with pytest.raises(ValueError, match=r"^alpha must be a proportion in \(0, 1\)"):
            plot_keyness(t, alpha=bad)
    for bad in ("0.05", True):  # not a number: check_proportion's TypeError
        with pytest.raises(TypeError, match=r"^alpha must be a proportion, a number from 0"):
            plot_keyness(t, alpha=bad)
    plt.close("all")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_title_shows_the_code_label_from_the_codebook(lang, example_codebook):
    """plot_keyness titled the figure with the code id where the other figures show the
    code's label; with codebook= it shows the label, and a target not a code stays as given."""
    ax = plot_keyness(table(), target="bamara", codebook=example_codebook, lang=lang)
    assert ax.get_title().endswith(": " + example_codebook.label("bamara", lang))
    assert example_codebook.label("bamara", lang) != "bamara"
    ax = plot_keyness(table(), target="Unit IGD", codebook=example_codebook, lang=lang)
    assert ax.get_title().endswith(": Unit IGD")
