"""The auto-coder quality figure."""

from __future__ import annotations

import pandas as pd
import pytest
from _figures import foreign_words

import citra_eval as ce
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


def test_micro_intervals_are_bars_on_the_micro_row():
    intervals = pd.DataFrame({
        "reference": ["A", "A", "A", "A", "B"], "coder": ["both", "dictionary", "B", "both",
                                                          "both"],
        "measure": ["f1", "f1", "f1", "recall", "f1"], "ci_low": [0.6, 0.5, 0.8, 0.1, 0.0],
        "ci_high": [0.75, 0.7, 0.9, 0.2, 1.0]})
    ax = plot_coder_quality(per_code(), reference="A", lang="en", intervals=intervals)
    bars = sorted((float(seg[0][0]), float(seg[1][0]), float(seg[0][1]))
                  for coll in ax.collections if coll.__class__.__name__ == "LineCollection"
                  for seg in coll.get_segments())
    micro_y = 1.0  # rows top to bottom: kerja_sama 3, bamara 2, micro 1, macro 0
    # F1 against A only, one bar per drawn coder (learned is not drawn): no recall, no B
    assert [b[:2] for b in bars] == [(0.5, 0.7), (0.6, 0.75), (0.8, 0.9)]
    heights = [b[2] for b in bars]
    assert len(set(heights)) == 3 and all(abs(h - micro_y) < 0.25 for h in heights)
    with pytest.raises(ce.InputError, match=r"intervals lacks column\(s\) reference, measure, "
                                            r"ci_low, ci_high \(it has coder\); pass "
                                            r"CoderValidation\.conf_int\(\)"):
        plot_coder_quality(per_code(), reference="A", intervals=intervals[["coder"]])
    with pytest.raises(ce.InputError, match=r"per_code lacks column\(s\) dictionary \(it has "
                                            r".*\); pass CoderValidation\.per_code"):
        plot_coder_quality(per_code().drop(columns="dictionary"), reference="A")


def test_a_reference_the_table_does_not_hold_is_refused():
    """cv.per_code("RA") drawn with reference="A" was labelled "F1 against coder A"."""
    t = per_code()
    t.attrs["reference"] = "RA"
    with pytest.raises(ValueError, match=r"reference='A' but per_code holds the F1 against "
                                         r"coder 'RA'.*reference='RA'"):
        plot_coder_quality(t, reference="A")
    assert "RA" in plot_coder_quality(t, reference="RA", lang="en").get_xlabel()
    # a coder drawn as a column is not the reference the columns are scored against
    with pytest.raises(ValueError, match=r"reference='B' .*column"):
        plot_coder_quality(per_code(), reference="B")


def test_each_other_human_coder_has_a_marker_and_color_of_their_own():
    """With three other human coders, the first and the third got the same 'x' in the same
    grey (only two alternating greys): their points could not be told apart. Each now has
    their own marker and color, the same on every drawing, and the legend names them; a
    coder's interval bar has their color."""
    import matplotlib.colors as mcolors

    humans = ["rina", "sari", "tom", "udin"]
    table = per_code().drop(columns="B").assign(**{h: [0.5, 0.6, 0.7, 0.8] for h in humans})
    intervals = pd.DataFrame({"reference": "A", "coder": humans, "measure": "f1",
                              "ci_low": [0.1, 0.2, 0.3, 0.4], "ci_high": [0.5, 0.6, 0.7, 0.8]})

    def styles():
        ax = plot_coder_quality(table, reference="A", lang="en", intervals=intervals)
        points = {c.get_label(): (mcolors.to_hex(c.get_facecolor()[0]
                                                 if len(c.get_facecolor()) else
                                                 c.get_edgecolor()[0]),
                                  c.get_paths()[0].vertices.round(3).tobytes())
                  for c in ax.collections if not c.get_label().startswith("_")}
        bars = {round(float(seg[0][0]), 1): mcolors.to_hex(coll.get_color()[0])
                for coll in ax.collections if coll.__class__.__name__ == "LineCollection"
                for seg in coll.get_segments()}
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        return points, bars, legend

    points, bars, legend = styles()
    mine = {h: points[f"human coder {h}"] for h in humans}
    assert len({color for color, _ in mine.values()}) == len(humans)
    assert len({shape for _, shape in mine.values()}) == len(humans)
    machine_colors = {points[name][0] for name in points if not name.startswith("human")}
    assert not machine_colors & {color for color, _ in mine.values()}
    assert [bars[low] for low in (0.1, 0.2, 0.3, 0.4)] == [mine[h][0] for h in humans]
    assert [f"human coder {h}" for h in humans] == [t for t in legend if "human" in t]
    assert styles() == (points, bars, legend)  # deterministic
