"""Survey figures: they draw what the tables say."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from _figures import foreign_words, words

import citra_eval as ce
from citra_eval.plots import plot_coefficients, plot_likert

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def example():
    inst = ce.Instrument.load(ROOT / "data" / "raw" / "instrument.yaml")
    return ce.read_responses(ROOT / "data" / "raw" / "survey_responses.csv", inst), inst


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_likert_bars_are_the_percentages(example):
    resp, inst = example
    items = ["KS1", "KS4", "TK2"]
    _fig, ax = plt.subplots()
    out = plot_likert(resp, inst, items=items, ax=ax, lang="en")
    assert out is ax
    bars = ax.patches
    assert len(bars) == len(items) * 5
    tab = ce.likert_table(resp, inst, items=items)
    # bars are drawn option by option; within an option, items top to bottom
    for i, opt in enumerate(inst.options):
        expected = tab[tab["option"] == opt]["percent"].to_numpy()
        widths = [bars[i * len(items) + j].get_width() for j in range(len(items))]
        np.testing.assert_allclose(widths, expected)
    # diverging: the neutral option is centred on zero for every item
    for j in range(len(items)):
        mid = bars[2 * len(items) + j]
        assert mid.get_x() == pytest.approx(-mid.get_width() / 2)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    assert [t.get_text() for t in ax.get_yticklabels()] == items  # first item at the top
    assert bars[0].get_y() > bars[1].get_y()


def test_likert_indonesian_labels_and_wording(example):
    resp, inst = example
    ax = plot_likert(resp, inst, items=["BM1"], wording=True)
    assert next(t.get_text() for t in ax.get_legend().get_texts()) == "Sangat tidak setuju"
    assert ax.get_yticklabels()[0].get_text().startswith("Forum Bamara memberi")
    with pytest.raises(ValueError, match="not in the instrument"):
        plot_likert(resp, inst, items=["nope"])


def test_coefficient_plot_shows_standardised_estimates(example):
    resp, inst = example
    fit = ce.image_model(resp, inst, outcome="CITRA", controls=["district"])
    ax = plot_coefficients(fit, lang="en")
    fit = fit.table
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[:5] == ["KS", "BM", "BC", "IB", "TK"] and "Intercept" not in ticks
    points = ax.lines[0].get_xdata()
    shown = fit[fit["term"] != "Intercept"]["std_estimate"].to_numpy()
    np.testing.assert_allclose(points, shown)
    assert "Standardised" in ax.get_xlabel()
    raw = plot_coefficients(fit, standardised=False, terms=["TK", "KS"])
    np.testing.assert_allclose(raw.lines[0].get_xdata(),
                               fit.set_index("term").loc[["TK", "KS"], "estimate"])


def test_coefficient_plot_drops_thresholds():
    table = pd.DataFrame({"term": ["x", "1|2", "2|3"], "kind": ["beta", "threshold",
                                                                "threshold"],
                          "estimate": [0.5, -1.0, 1.0], "ci_low": [0.1, -2, 0],
                          "ci_high": [0.9, 0, 2]})
    ax = plot_coefficients(table)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x"]
    with pytest.raises(ValueError, match="lacks column"):
        plot_coefficients(table.drop(columns="ci_low"))
    with pytest.raises(TypeError, match=r"must be a .*DataFrame"):
        plot_coefficients(table.to_dict())


RSUD = ROOT / "tests" / "data" / "studies" / "rsud" / "data" / "raw"


@pytest.fixture(scope="module")
def hospital():
    """The second, fictional study: other scales, a 4-point scale, other demographics."""
    inst = ce.Instrument.load(RSUD / "instrument.yaml")
    return ce.read_responses(RSUD / "survey_responses.csv", inst), inst


def _instrument_words(inst, lang: str) -> set[str]:
    """Words of the instrument's scale labels in ``lang`` only."""
    texts = {lg: " ".join(s.text(lg) for s in inst.scales.values()) for lg in ("id", "en")}
    other = "en" if lang == "id" else "id"
    return words(texts[other]) - words(texts[lang])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_model_figure_names_terms_outcome_and_n(hospital, lang):
    resp, inst = hospital
    fit = ce.image_model(resp, inst, outcome="PERSEPSI_RS",
                         controls=["unit_layanan", "jenis_pasien"])
    ax = plot_coefficients(fit, instrument=inst, outcome="PERSEPSI_RS", responses=resp,
                           lang=lang)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    ref = {"id": "rujukan", "en": "ref"}[lang]
    # scale terms by their labels; dummies as variable: level (ref: reference); no raw terms
    assert ticks == [*(inst.scales[s].text(lang) for s in
                       ["PENGADUAN", "EDUKASI", "MEDSOS", "KETERBUKAAN"]),
                     f"unit_layanan: Rawat inap ({ref}: IGD)",
                     f"unit_layanan: Rawat jalan ({ref}: IGD)",
                     f"jenis_pasien: Umum ({ref}: BPJS)"]
    assert not any("[T." in t for t in ticks)
    n = fit.nobs
    outcome = inst.scales["PERSEPSI_RS"].text(lang)
    assert ax.get_title() == {"id": f"Variabel terikat: {outcome} (n = {n})",
                              "en": f"Outcome: {outcome} (n = {n})"}[lang]
    # the results object knows its outcome and reference levels: the same figure without them
    alone = plot_coefficients(fit, instrument=inst, lang=lang)
    assert [t.get_text() for t in alone.get_yticklabels()] == ticks
    assert alone.get_title() == ax.get_title()
    assert not foreign_words(ax.figure, lang, extra=_instrument_words(inst, lang))


def test_model_figure_reference_follows_the_categories(hospital):
    """The reference is the level without a dummy: the first category of a Categorical."""
    resp, inst = hospital
    order = ["Rawat jalan", "Rawat inap", "IGD"]
    cat = resp.assign(unit_layanan=pd.Categorical(resp["unit_layanan"], categories=order))
    fit = ce.image_model(cat, inst, outcome="PERSEPSI_RS", controls=["unit_layanan"])
    labels = plot_coefficients(fit, responses=cat, lang="en").get_yticklabels()
    assert [t.get_text() for t in labels][-2:] == ["unit_layanan: Rawat inap (ref: Rawat jalan)",
                                                  "unit_layanan: IGD (ref: Rawat jalan)"]


def test_model_figure_without_instrument_keeps_names_and_states_n(example):
    resp, inst = example
    fit = ce.image_model(resp, inst, outcome="CITRA")
    ax = plot_coefficients(fit.table, lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["KS", "BM", "BC", "IB", "TK"]
    assert ax.get_title() == "n = 400"
    # a results object names its outcome (by its name, without an instrument)
    assert plot_coefficients(fit, lang="en").get_title() == "Outcome: CITRA (n = 400)"
    ax = plot_coefficients(fit, intercept=True, lang="id")
    assert ax.get_yticklabels()[0].get_text() == "Konstanta"
    with pytest.raises(ValueError, match="lang"):
        plot_coefficients(fit, lang="fr")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_likert_figure_follows_lang(hospital, lang):
    resp, inst = hospital
    ax = plot_likert(resp, inst, lang=lang, wording=True)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [inst.label(o, lang) for o in inst.options]
    assert ax.get_yticklabels()[0].get_text() == inst.wording("ADU1", lang)
    assert not foreign_words(ax.figure, lang)


MIXED = """\
scale: {min: 1, max: 4, labels: {1: {en: Never}, 4: {en: Always}}}
scales:
  S: {items: [a, b]}
  P: {items: [p], scale: {min: 1, max: 7, labels: {1: {en: Disagree}, 7: {en: Agree}}}}
  Y: {items: [y], scale: {min: 0, max: 10, labels: {0: {en: Not at all}, 10: {en: Fully}}}}
"""


@pytest.fixture
def mixed(tmp_path):
    (tmp_path / "ins.yaml").write_text(MIXED, encoding="utf-8")
    inst = ce.Instrument.load(tmp_path / "ins.yaml")
    (tmp_path / "resp.csv").write_text("respondent_id,a,b,p,y\nr1,1,4,7,0\nr2,2,4,1,10\n"
                                       "r3,4,,4,5\n", encoding="utf-8")
    return ce.read_responses(tmp_path / "resp.csv", inst), inst


def test_likert_mixed_ranges_one_panel_per_range(mixed):
    resp, inst = mixed
    ax = plot_likert(resp, inst, items=["y", "a", "p", "b"], lang="en")
    panels = ax.figure.axes
    assert panels[0] is ax and len(panels) == 3  # 0..10, 1..4, 1..7 in order of first use
    tab = ce.likert_table(resp, inst)
    for panel, items, n_opt in zip(panels, [["y"], ["a", "b"], ["p"]], [11, 4, 7],
                                   strict=True):
        assert [t.get_text() for t in panel.get_yticklabels()] == items
        assert len(panel.patches) == len(items) * n_opt
        legend = [t.get_text() for t in panel.get_legend().get_texts()]
        assert len(legend) == n_opt
        # bars drawn option by option: each item's widths are its own percentages
        for i, opt in enumerate(inst.response_range(items[0]).options):
            expected = [tab.set_index(["item", "option"]).loc[(it, opt), "percent"]
                        for it in items]
            got = [panel.patches[i * len(items) + j].get_width() for j in range(len(items))]
            np.testing.assert_allclose(got, expected)
    assert [t.get_text() for t in panels[0].get_legend().get_texts()][::10] == [
        "Not at all", "Fully"]
    assert [t.get_text() for t in panels[2].get_legend().get_texts()][::6] == [
        "Disagree", "Agree"]


def test_likert_mixed_ranges_refuse_a_single_axes(mixed):
    resp, inst = mixed
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"several response ranges \(1..4, 1..7\)"):
        plot_likert(resp, inst, items=["a", "p"], ax=ax)
    assert plot_likert(resp, inst, items=["a", "b"], ax=ax) is ax  # one range: fine


@pytest.mark.parametrize("items", [["a", "b", "p"], ["y", "a", "p", "b"], ["a"]])
def test_every_likert_legend_and_percent_label_is_visible(mixed, items):
    """Thesis study: with a 5-point and a 7-point range, the top panel's legend and "%"
    label were drawn under the bottom panel. No legend or "%" label may overlap another
    panel, its own panel's tick labels or "%" label, or fall outside the figure."""
    resp, inst = mixed
    fig = plot_likert(resp, inst, items=items, lang="en").figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    page = fig.bbox
    for panel in fig.axes:
        legend = panel.get_legend().get_window_extent(r)
        label = panel.xaxis.label.get_window_extent(r)
        ticks = [t.get_window_extent(r) for t in panel.get_xticklabels() if t.get_text()]
        assert not legend.overlaps(label) and not any(legend.overlaps(t) for t in ticks)
        assert legend.y1 < label.y0  # below the "%" label
        assert page.x0 <= legend.x0 and legend.x1 <= page.x1 and page.y0 <= legend.y0
        for other in fig.axes:
            if other is not panel:
                box = other.get_window_extent(r)
                assert not legend.overlaps(box) and not label.overlaps(box)
