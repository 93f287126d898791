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
