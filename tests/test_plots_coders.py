"""The auto-coder quality figure."""

from __future__ import annotations

import pandas as pd
import pytest
from _figures import foreign_words

from citra_eval.plots import plot_coder_quality


def per_code() -> pd.DataFrame:
    return pd.DataFrame({"code": ["kerja_sama", "bamara", "micro", "macro"],
                         "both": [0.6, 0.8, 0.7, 0.7], "learned": [0.5, 0.7, 0.6, 0.6],
                         "dictionary": [0.4, 0.9, 0.6, 0.65], "B": [0.8, 0.9, 0.85, 0.85]})


@pytest.mark.parametrize("lang", ["id", "en"])
def test_codes_then_summary_rows_with_labels_from_the_codebook(lang, example_codebook):
    ax = plot_coder_quality(per_code(), reference="A", codebook=example_codebook, lang=lang)
    ticks = [t.get_text() for t in ax.get_yticklabels()]  # top to bottom
    assert ticks == [example_codebook.label("kerja_sama", lang),
                     example_codebook.label("bamara", lang),
                     *{"id": ["rata-rata mikro", "rata-rata makro"],
                       "en": ["micro average", "macro average"]}[lang]]
    assert "A" in ax.get_xlabel()
    assert len(ax.get_legend().get_texts()) == 3  # both, dictionary, coder B
    # every text follows lang: no word that only the other language's labels use
    assert not foreign_words(ax.figure, lang)


def test_bad_input():
    with pytest.raises(ValueError, match="per_code"):
        plot_coder_quality(pd.DataFrame({"code": []}), reference="A")
    with pytest.raises(TypeError):
        plot_coder_quality("x", reference="A")
    with pytest.raises(ValueError):
        plot_coder_quality(per_code(), reference="A", lang="fr")
