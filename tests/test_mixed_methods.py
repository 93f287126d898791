"""integrate: the joint display's decision rules, the qualitative side, the join."""

from __future__ import annotations

import math
import warnings
from contextlib import nullcontext

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval import mixed_methods as ig

NAN = np.nan


def _row(**kw):
    base = {"theme": "t", "construct": "C", "n_informants": 6, "n_informants_total": 10,
            "informant_share": 0.6, "code_alpha": 0.85, "construct_mean": 3.5,
            "mean_ci_low": 3.4, "mean_ci_high": 3.6, "scale_midpoint": 3.0, "scale_alpha": 0.8,
            "std_effect": 0.3, "std_ci_low": 0.2, "std_ci_high": 0.4, "quant_basis": "effect"}
    base.update(kw)
    return base


def _rules(*rows, **kw):
    return ig.meta_inferences(pd.DataFrame(list(rows)), **kw)


@pytest.mark.parametrize(("share", "n", "lo", "hi", "qual", "quant", "meta"), [
    (0.6, 6, 0.2, 0.4, "salient", "positive", "converges"),
    (0.5, 5, 0.01, 0.4, "salient", "positive", "converges"),   # salience is inclusive
    (0.6, 6, -0.1, 0.4, "salient", "null", "diverges"),
    (0.6, 6, -0.4, -0.1, "salient", "negative", "diverges"),
    (0.4, 4, 0.2, 0.4, "minor", "positive", "diverges"),
    (0.4, 4, -0.1, 0.1, "minor", "null", "converges"),
    (0.0, 0, -0.1, 0.1, "absent", "null", "converges"),
    (0.0, 0, 0.1, 0.3, "absent", "positive", "diverges"),
    (0.4, 4, -0.3, -0.1, "minor", "negative", "diverges"),     # issue 14.11: not "converges"
    (0.0, 0, -0.3, -0.1, "absent", "negative", "diverges"),
    (0.6, 6, 0.0, 0.4, "salient", "null", "diverges"),          # a CI touching 0 includes it
])
def test_effect_rules(share, n, lo, hi, qual, quant, meta):
    out = _rules(_row(informant_share=share, n_informants=n, std_ci_low=lo, std_ci_high=hi))
    assert out.loc[0, ["qual_evidence", "quant_evidence", "meta_inference"]].tolist() == [
        qual, quant, meta]


@pytest.mark.parametrize(("lo", "hi", "quant"), [
    (3.1, 3.5, "positive"), (2.5, 2.9, "negative"), (2.9, 3.2, "null"), (3.0, 3.2, "null")])
def test_level_rules_use_scale_midpoint(lo, hi, quant):
    out = _rules(_row(quant_basis="level", mean_ci_low=lo, mean_ci_high=hi, std_ci_low=NAN,
                      std_ci_high=NAN, std_effect=NAN))
    assert out.loc[0, "quant_evidence"] == quant
    assert out.loc[0, "meta_inference"] == ("converges" if quant == "positive" else "diverges")


def test_one_sided_rows_expand():
    out = _rules(
        _row(theme="tata_kelola", construct=None, quant_basis=None),            # no construct
        _row(theme="kerja_sama", construct="KS", quant_basis=None),             # not measured
        _row(theme=None, construct="KP", n_informants=NAN, n_informants_total=NAN,
             informant_share=NAN),                                             # no theme
        lang="en")
    assert out["meta_inference"].tolist() == ["expands"] * 3
    assert out["meta_inference_label"].tolist() == ["expands"] * 3
    assert _rules(_row(), lang="id").loc[0, "meta_inference_label"] == "konvergen"
    assert out["qual_evidence"].tolist() == ["salient", "salient", None]
    assert out["quant_evidence"].tolist() == [None, None, "positive"]
    assert out.loc[0, "rationale"].startswith("only the interviews address this theme")
    assert out.loc[1, "rationale"].startswith("theme linked to construct KS, which the survey")
    assert out.loc[2, "rationale"].startswith("only the survey measures this construct (no "
                                              "interview theme); positive standardised effect")


def test_rationale_states_the_numbers_in_both_languages():
    row = _row(n_informants=7, n_informants_total=11, informant_share=7 / 11, std_effect=0.234,
               std_ci_low=0.12, std_ci_high=0.35)
    en = _rules(row, lang="en", outcome_label="patient trust").loc[0, "rationale"]
    assert en == ("raised by 7 of 11 informants (64%, salient); positive standardised effect "
                  "on patient trust (β = 0.23, 95% CI 0.12 to 0.35)")
    idn = _rules(row, lang="id", outcome_label="kepercayaan pasien").loc[0, "rationale"]
    assert idn == ("disebut oleh 7 dari 11 informan (64%, menonjol); pengaruh terstandar "
                   "positif terhadap kepercayaan pasien (β = 0.23, IK 95% 0.12 s.d. 0.35)")
    # without an outcome label the text names no construct of any study
    generic = _rules(row, lang="en").loc[0, "rationale"]
    assert "effect on the outcome (β" in generic and "image" not in generic
    assert "terhadap variabel terikat (β" in _rules(row, lang="id").loc[0, "rationale"]


def test_salience_threshold_is_a_parameter():
    row = _row(informant_share=0.4, n_informants=4)
    assert _rules(row).loc[0, "meta_inference"] == "diverges"
    assert _rules(row, salience=0.3).loc[0, "meta_inference"] == "converges"
    with pytest.raises(ValueError, match="salience"):
        _rules(row, salience=1.5)


def test_caveats_flag_low_reliability_without_changing_the_inference():
    out = _rules(_row(code_alpha=0.55, scale_alpha=0.62), _row(), lang="en")
    assert out.loc[0, "caveat"] == ("code reliability alpha = 0.55 < 0.667; "
                                    "scale alpha = 0.62 < 0.70")
    assert out.loc[1, "caveat"] == ""
    assert out["meta_inference"].tolist() == ["converges", "converges"]


def test_negative_effect_and_undefined_alpha_get_caveats():
    """Issue 14.11: a minor theme whose construct lowers the image was called "converges"
    without comment, and an undefined code alpha (NaN) passed silently."""
    out = _rules(_row(informant_share=0.2, n_informants=2, std_effect=-0.2, std_ci_low=-0.3,
                      std_ci_high=-0.1),
                 _row(code_alpha=NAN),
                 _row(theme=None, code_alpha=NAN, n_informants=NAN, n_informants_total=NAN,
                      informant_share=NAN),
                 lang="en")
    assert out.loc[0, "meta_inference"] == "diverges"
    assert out.loc[0, "caveat"] == ("negative effect on the outcome: the survey links this "
                                    "strategy to lower scores, which the interviews do not "
                                    "report")
    assert out.loc[1, "caveat"] == "code reliability unknown (alpha undefined or not computed)"
    assert out.loc[1, "meta_inference"] == "converges"  # a caveat, not a different inference
    assert out.loc[2, "caveat"] == ""  # no theme, no code to be reliable
    idn = _rules(_row(code_alpha=NAN), lang="id").loc[0, "caveat"]
    assert idn.startswith("reliabilitas kode tidak diketahui")


def test_rules_validate_arguments():
    with pytest.raises(TypeError, match="table"):
        ig.meta_inferences([1, 2])
    with pytest.raises(ValueError, match="lang"):
        _rules(_row(), lang="fr")
    with pytest.raises(ValueError, match="lacks column"):
        ig.meta_inferences(pd.DataFrame({"x": [1]}))


def test_join_orders_themes_then_unlinked_constructs():
    themes = pd.DataFrame({"theme": ["a", "b", "c"], "theme_label": ["A", "B", "C"],
                           "category": "s", "category_label": "S",
                           "construct": ["X", None, "Z"], "n_informants": [1, 2, 3]})
    constructs = pd.DataFrame({"construct": ["W", "X", "Y", "Z", "O"],
                               "construct_label": ["w", "x", "y", "z", "o"],
                               "construct_mean": [1.0, 2.0, 3.0, 4.0, 5.0],
                               "quant_basis": ["level"] * 4 + ["outcome"]})
    j = ig._join(themes, constructs)
    assert list(j.columns) == [c for c in ig.JOINT_COLUMNS if c not in ig.RULE_COLUMNS]
    assert j["theme"].tolist()[:3] == ["a", "b", "c"]
    assert j["construct"].isna().tolist() == [False, True, False, False, False]
    assert j["construct"].dropna().tolist() == ["X", "Z", "W", "Y"]
    assert j["construct_mean"].tolist()[:1] == [2.0] and math.isnan(j["construct_mean"][1])
    assert j["construct_mean"].tolist()[2:] == [4.0, 1.0, 3.0]
    assert j["theme"][3:].isna().all()


# --------------------------------------------------------------------------- qualitative side

@pytest.fixture(scope="module")
def study():
    corpus = ce.read_transcripts(ce.example_path("transcripts"))
    codebook = ce.Codebook.load(ce.example_path("codebook"))
    a = ce.read_codings(ce.example_path("codings_A"))
    b = ce.read_codings(ce.example_path("codings_B"))
    return corpus, codebook, a, b


def test_theme_evidence_counts_by_hand(study):
    corpus, codebook, a, _ = study
    t = ig.theme_evidence(a, corpus=corpus, codebook=codebook, lang="en").set_index("theme")
    assert list(t.index) == codebook.codable_ids
    segs = corpus.segments
    role = {(d, s): r for d, s, r in zip(segs.doc_id, segs.segment_id, segs.role, strict=True)}
    n_inf_segs = sum(r == "informant" for r in role.values())
    for code in ["bamara", "tata_kelola_egov", "citra_identitas"]:
        docs, seg = set(), set()
        for d, s, c in zip(a.doc_id, a.segment_id, a.code, strict=True):
            if c == code and role[(d, s)] == "informant":
                docs.add(d)
                seg.add((d, s))
        assert t.loc[code, "n_informants"] == len(docs)
        assert t.loc[code, "n_segments"] == len(seg)
        assert t.loc[code, "segment_share"] == pytest.approx(len(seg) / n_inf_segs)
        assert t.loc[code, "informant_share"] == pytest.approx(len(docs) / 11)
    assert (t["n_informants_total"] == 11).all()
    assert t.loc["bamara", "theme_label"] == "Holding Bamara events"
    assert t.loc["bamara", "category"] == "strategi"
    assert t.loc["bamara", "construct"] == "BM"
    assert t["code_alpha"].isna().all()  # no reliability table given



def test_theme_evidence_checks_the_codes_against_its_codebook(study):
    """Before: a code the codebook lacks (a typo, an old id) or a category was left out of
    every row without a word, so the theme it meant counted fewer informants. Now it is an
    InputError naming the row and the fix, as code_frequencies gives with a codebook."""
    corpus, codebook, a, _ = study
    typo = a.copy()
    typo.iloc[2, typo.columns.get_loc("code")] = "bamra"
    with pytest.raises(ce.InputError, match=r"row 2: .*'bamra' is not in the codebook \(did you "
                                            r"mean 'bamara'\?\)"):
        ig.theme_evidence(typo, corpus=corpus, codebook=codebook)
    category = a.assign(code=np.where(a.index == 0, "strategi", a["code"]))
    with pytest.raises(ce.InputError, match="'strategi' is a category"):
        ig.theme_evidence(category, corpus=corpus, codebook=codebook)

def test_theme_quote_is_informant_text_of_that_code(study):
    corpus, codebook, a, b = study
    both = pd.concat([a, b], ignore_index=True)
    t = ig.theme_evidence(both, corpus=corpus, codebook=codebook).set_index("theme")
    segs = corpus.segments.set_index(["doc_id", "segment_id"])
    for code, row in t.iterrows():
        if row["n_informants"] == 0:
            assert row["quote"] is None
            continue
        mine = both[both.code == code]
        texts = [" ".join(corpus.text(d)[s:e].split())
                 for d, s, e in zip(mine.doc_id, mine.start, mine.end, strict=True)]
        q = row["quote"].removesuffix(" …")
        assert any(x.startswith(q.rstrip(",;:")) for x in texts), code
        assert len(row["quote"]) <= 222
        doc_segs = segs.loc[row["quote_doc"]]
        assert (doc_segs["role"] == "informant").any()


def test_theme_evidence_reads_reliability(study):
    corpus, codebook, a, _ = study
    rel = pd.DataFrame({"code": ["bamara", "ALL"], "krippendorff_alpha": [0.91, 0.8]})
    t = ig.theme_evidence(a, corpus=corpus, codebook=codebook, reliability=rel)
    assert t.set_index("theme").loc["bamara", "code_alpha"] == 0.91
    assert t.set_index("theme")["code_alpha"].drop("bamara").isna().all()
    with pytest.raises(ValueError, match="krippendorff_alpha"):
        ig.theme_evidence(a, corpus=corpus, codebook=codebook,
                          reliability=pd.DataFrame({"code": ["x"]}))
    with pytest.raises(ValueError, match="codings lacks"):
        ig.theme_evidence(a.drop(columns="coder"), corpus=corpus, codebook=codebook)


def test_interviewer_turns_do_not_count():
    corpus = ce.Corpus.from_frames(
        pd.DataFrame({"doc_id": ["D1", "D2"]}),
        pd.DataFrame({"doc_id": ["D1", "D1", "D2"], "segment_id": [1, 2, 1],
                      "speaker": ["P", "I", "P"], "role": ["interviewer", "informant",
                                                           "interviewer"],
                      "start": [0, 10, 0], "end": [9, 30, 10],
                      "text": ["tanya apa", "kami kerja sama erat", "tanya lagi"]}),
        {"D1": "tanya apa\nkami kerja sama erat", "D2": "tanya lagi"})
    codebook = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "kerja_sama", "label": {"id": "Kerja sama"}, "construct": "KS"}]})
    codings = pd.DataFrame({"doc_id": ["D1", "D2"], "segment_id": [2, 1], "start": [15, 0],
                            "end": [25, 5], "code": ["kerja_sama"] * 2, "coder": ["A", "A"]})
    t = ig.theme_evidence(codings, corpus=corpus, codebook=codebook)
    assert t.loc[0, ["n_informants", "n_informants_total", "n_segments"]].tolist() == [1, 1, 1]
    assert t.loc[0, "quote"] == "kerja sama"
    assert t.loc[0, "segment_share"] == 1.0


# --------------------------------------------------------------------------- quantitative side

@pytest.fixture(scope="module")
def survey():
    pytest.importorskip("citra_eval.survey", reason="survey module not in this build")
    inst = ce.Instrument.load(ce.example_path("instrument"))
    resp = ce.read_responses(ce.example_path("responses"), inst)
    return inst, resp


def test_construct_evidence_by_hand(survey):
    from scipy import stats

    inst, resp = survey
    model = ce.image_model(resp, inst, outcome="CITRA", controls=["district"])
    q = ig.construct_evidence(resp, inst, outcome="CITRA", model=model,
                              lang="en").set_index("construct")
    assert list(q.index) == list(inst.scales)
    # the outcome has its level and reliability, no effect (on itself)
    assert q.loc["CITRA", "quant_basis"] == "outcome"
    assert q.loc[["CITRA"], ["std_effect", "std_ci_low", "std_ci_high", "p_value"]].isna().all(
        axis=None)
    assert q.loc["CITRA", "construct_mean"] == pytest.approx(
        ce.score_scales(resp, inst)["CITRA"].mean())
    scores = ce.score_scales(resp, inst)
    x = scores["TK"].dropna().to_numpy()
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    assert q.loc["TK", "construct_mean"] == pytest.approx(x.mean())
    assert q.loc["TK", "mean_ci_low"] == pytest.approx(x.mean() - half)
    assert q.loc["TK", "mean_ci_high"] == pytest.approx(x.mean() + half)
    rel = ce.scale_reliability(resp, inst).set_index("scale")
    assert q.loc["TK", "scale_alpha"] == pytest.approx(rel.loc["TK", "alpha"])
    tk = model.table.set_index("term").loc["TK"]
    assert q.loc["TK", ["std_effect", "std_ci_low", "std_ci_high", "p_value"]].tolist() == \
        pytest.approx([tk.std_estimate, tk.std_ci_low, tk.std_ci_high, tk.p_value])
    assert q.loc["TK", "quant_basis"] == "effect"
    assert q.loc["KP", "quant_basis"] == "level" and np.isnan(q.loc["KP", "std_effect"])
    assert q.loc["CK", "quant_basis"] == "level"
    assert q.loc["KS", "construct_label"] == inst.scales["KS"].text("en")
    assert (q["scale_midpoint"] == 3.0).all()


def test_joint_display_on_example_study(survey, study):
    pytest.importorskip("citra_eval.intercoder", reason="agreement module not in this build")
    inst, resp = survey
    corpus, codebook, a, b = study
    manual = pd.concat([a, b], ignore_index=True)
    j = ce.joint_display(manual, corpus=corpus, codebook=codebook, responses=resp,
                         instrument=inst, outcome="CITRA", lang="en", seed=0)
    assert list(j.columns) == ig.JOINT_COLUMNS
    # every codable theme, then the one construct without a theme (KP)
    assert j["theme"].tolist()[:15] == codebook.codable_ids
    assert j["construct"].iloc[15:].tolist() == ["KP"]
    assert j.loc[15, "meta_inference"] == "expands"
    # themes without construct expand; linked themes converge or diverge
    no_construct = j["theme"].notna() & j["construct"].isna()
    assert (j.loc[no_construct, "meta_inference"] == "expands").all()
    linked = j["theme"].notna() & j["construct"].notna()
    assert j.loc[linked, "meta_inference"].isin(["converges", "diverges"]).all()
    # reliability computed from the two coders (seeded), model computed without controls
    assert j["code_alpha"].iloc[:15].notna().all()
    again = ce.joint_display(manual, corpus=corpus, codebook=codebook, responses=resp,
                             instrument=inst, outcome="CITRA", lang="en", seed=0)
    pd.testing.assert_frame_equal(j, again)
    idn = ce.joint_display(manual, corpus=corpus, codebook=codebook, responses=resp,
                           instrument=inst, outcome="CITRA", lang="id", seed=0)
    assert idn.loc[0, "theme_label"] == codebook.label(j.loc[0, "theme"], "id")
    assert idn["meta_inference"].tolist() == j["meta_inference"].tolist()


def _outcome_study():
    """Two informants' interviews, two themes (one linked to a strategy scale, one to the
    outcome) and a survey whose outcome is rated well above the midpoint."""
    rng = np.random.default_rng(0)
    inst = ce.Instrument.from_dict({
        "scale": {"min": 1, "max": 5}, "id_column": "no",
        "scales": {"LAYANAN": {"label": {"en": "Service"}, "items": ["l1", "l2"],
                               "role": "strategy"},
                   "PERSEPSI": {"label": {"en": "Perception"}, "items": ["p1", "p2"],
                                "role": "image"}}})
    base = rng.integers(1, 6, 80)
    resp = pd.DataFrame({"no": range(80), "l1": base, "l2": np.clip(base + rng.integers(-1, 2, 80),
                                                                     1, 5),
                         "p1": np.clip(3 + (base > 2) + rng.integers(0, 2, 80), 1, 5),
                         "p2": np.clip(3 + (base > 3) + rng.integers(0, 2, 80), 1, 5)})
    corpus = ce.Corpus.from_frames(
        pd.DataFrame({"doc_id": ["D1", "D2"]}),
        pd.DataFrame({"doc_id": ["D1", "D1", "D2", "D2"], "segment_id": [1, 2, 1, 2],
                      "speaker": ["P", "I", "P", "J"],
                      "role": ["interviewer", "informant"] * 2,
                      "start": [0, 10, 0, 10], "end": [9, 32, 9, 32],
                      "text": ["tanya apa", "kami tepati janji kami", "tanya apa",
                               "kami tepati janji kami"]}),
        {"D1": "tanya apa\nkami tepati janji kami", "D2": "tanya apa\nkami tepati janji kami"})
    codebook = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "layanan", "label": {"en": "Service"}, "construct": "LAYANAN"},
        {"id": "janji", "label": {"en": "Keeping promises"}, "construct": "PERSEPSI"}]})
    codings = pd.DataFrame({"doc_id": ["D1", "D2"], "segment_id": [2, 2], "start": [22, 22],
                            "end": [27, 27], "code": ["janji"] * 2, "coder": ["A", "A"]})
    return corpus, codebook, codings, inst, resp


def test_a_theme_linked_to_the_outcome_shows_the_outcome_level():
    """A theme whose construct is the outcome was "linked to construct X, which the survey
    does not measure": no label, no survey side, grey. It shows the outcome's level and
    reliability (no effect: the outcome has none on itself), and the rationale says so."""
    import matplotlib.pyplot as plt

    from citra_eval.plots import plot_joint_display

    corpus, codebook, codings, inst, resp = _outcome_study()
    j = ce.joint_display(codings, corpus=corpus, codebook=codebook, responses=resp,
                         instrument=inst, outcome="PERSEPSI", lang="en")
    assert j["theme"].tolist() == ["layanan", "janji"]  # no row of the outcome's own
    row = j.set_index("theme").loc["janji"]
    assert row["construct_label"] == "Perception"
    assert row["construct_mean"] == pytest.approx(ce.score_scales(resp, inst)["PERSEPSI"].mean())
    assert row["scale_alpha"] == pytest.approx(
        ce.scale_reliability(resp, inst).set_index("scale").loc["PERSEPSI", "alpha"])
    assert row["quant_basis"] == "outcome" and math.isnan(row["std_effect"])
    assert row[["qual_evidence", "quant_evidence", "meta_inference"]].tolist() == [
        "salient", "positive", "converges"]
    assert "construct PERSEPSI is the outcome itself (an effect on itself is undefined); " \
        "rated above the scale midpoint (mean" in row["rationale"]
    assert "does not measure" not in row["rationale"]
    idn = ce.joint_display(codings, corpus=corpus, codebook=codebook, responses=resp,
                           instrument=inst, outcome="PERSEPSI", lang="id")
    assert "adalah variabel terikat itu sendiri" in idn.loc[1, "rationale"]
    ax = plot_joint_display(j, lang="en")
    assert [t.get_text()[:14] for t in ax.child_axes[0].texts] == ["outcome: mean "]
    plt.close("all")


def test_plot_joint_display_rows_and_colours():
    import matplotlib.pyplot as plt

    from citra_eval.plots import plot_joint_display
    from citra_eval.plots.joint import META_COLORS

    t = _rules(_row(theme_label="Kerja sama", construct="KS"),
               _row(theme_label="Bamara", construct="BM", std_ci_low=-0.1),
               _row(theme=None, theme_label=None, construct="KP", construct_label="Kepuasan",
                    n_informants=NAN, informant_share=NAN, quant_basis="level"))
    ax = plot_joint_display(t, lang="id")
    assert [x.get_text() for x in ax.get_yticklabels()] == ["Kerja sama (KS)", "Bamara (BM)",
                                                            "Kepuasan (KP)"]
    bars = ax.patches[:3]
    assert [b.get_width() for b in bars] == [0.6, 0.6, 0.0]
    from matplotlib.colors import to_hex
    assert [to_hex(b.get_facecolor()) for b in bars[:2]] == [META_COLORS["converges"],
                                                             META_COLORS["diverges"]]
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert legend[:3] == ["konvergen", "divergen", "ekspansi"]
    right = ax.child_axes[0]
    assert "rerata 3.50" in right.texts[0].get_text()
    plt.close("all")
    with pytest.raises(ValueError, match="lacks column"):
        plot_joint_display(pd.DataFrame({"x": [1]}))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 12), total=st.integers(1, 12), lo=st.floats(-1, 1), width=st.floats(0, 1),
       salience=st.floats(0.05, 1.0), has_construct=st.booleans())
def test_rules_are_a_function_of_the_two_evidences(n, total, lo, width, salience,
                                                   has_construct):
    n = min(n, total)
    row = _row(n_informants=n, n_informants_total=total, informant_share=n / total,
               std_ci_low=lo, std_ci_high=lo + width,
               quant_basis="effect" if has_construct else None,
               construct="C" if has_construct else None)
    out = _rules(row, salience=salience).iloc[0]
    qual = "absent" if n == 0 else ("salient" if n / total >= salience else "minor")
    assert out["qual_evidence"] == qual
    if not has_construct:
        assert out["quant_evidence"] is None and out["meta_inference"] == "expands"
        return
    quant = "positive" if lo > 0 else ("negative" if lo + width < 0 else "null")
    assert out["quant_evidence"] == quant
    agree = (qual == "salient") == (quant == "positive") and quant != "negative"
    assert out["meta_inference"] == ("converges" if agree else "diverges")


def test_the_joint_display_snippet_of_the_docs_runs(tmp_path, monkeypatch):
    """docs/reproduce.md shows how to build the joint display of a study; run it as shown."""
    import re
    from pathlib import Path

    import matplotlib.pyplot as plt

    docs = Path(__file__).resolve().parents[1] / "docs" / "reproduce.md"
    section = docs.read_text(encoding="utf-8").split("## The joint display", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, str(docs), "exec"), scope)
    plt.close("all")
    # it writes to scratch/, never into reports/, and builds what notebook 06 builds
    assert not (tmp_path / "reports").exists()
    lang = ce.load_study(ce.example_path()).settings.lang
    assert (tmp_path / "scratch" / "figures" / f"06-joint-display-{lang}.png").is_file()
    built = (tmp_path / "scratch" / "tables" / "06-joint-display.csv").read_bytes()
    shipped = Path(__file__).resolve().parents[1] / "reports" / "tables" / "06-joint-display.csv"
    assert built == shipped.read_bytes()


def test_joint_display_caveat_names_an_item_without_variance(survey):
    """Exploratory test 3: validate warns about an item every respondent answered the same,
    but the joint display's caveat for its scale said nothing (the scale alpha counts it)."""
    inst, resp = survey
    scale = next(s for s in inst.scales if s != "CITRA")
    item = inst.scales[scale].items[0]
    flat = resp.assign(**{item: 3.0})
    jd = ce.joint_display(None, corpus=None, codebook=None, responses=flat, instrument=inst,
                          outcome="CITRA", lang="en").set_index("construct")
    assert f"no variance (every respondent the same): {item}" in jd.loc[scale, "caveat"]
    others = jd.drop(index=scale)["caveat"]
    assert not others.str.contains("no variance").any()
    plain = ce.joint_display(None, corpus=None, codebook=None, responses=resp,
                             instrument=inst, outcome="CITRA", lang="en")
    assert not plain["caveat"].str.contains("no variance").any()


def test_joint_display_scores_with_min_items():
    """A study's ``min_items`` reaches the joint display's scale means (it scored every
    respondent who answered one item whatever the study said)."""
    import warnings

    inst = ce.Instrument.load(ce.example_path("instrument"))
    resp = ce.read_responses(ce.example_path("responses"), inst)
    strict = ce.score_scales(resp, inst, min_items=2)
    loose = ce.score_scales(resp, inst)
    changed = [s for s in inst.scales if strict[s].mean() != loose[s].mean()]
    assert changed  # some respondents answered one item of a scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ce.ScaleWarning)
        joint = ce.joint_display(None, corpus=None, codebook=None, responses=resp,
                                 instrument=inst, outcome=None, min_items=2)
    means = joint.set_index("construct")["construct_mean"]
    for scale in changed:
        assert means[scale] == pytest.approx(strict[scale].mean())
        assert means[scale] != pytest.approx(loose[scale].mean())


def test_construct_evidence_midpoint_is_each_scales_own(tmp_path):
    (tmp_path / "ins.yaml").write_text(
        "scale: {min: 1, max: 4}\nscales:\n  S: {items: [a, b], role: strategy}\n"
        "  Y: {items: [y], scale: {min: 0, max: 10}}\n", encoding="utf-8")
    inst = ce.Instrument.load(tmp_path / "ins.yaml")
    rng = np.random.default_rng(0)
    a = rng.integers(1, 5, 60)
    resp = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(60)], "a": a.astype(float),
                         "b": np.clip(a + rng.integers(-1, 2, 60), 1, 4).astype(float),
                         "y": np.clip(2 * a + rng.integers(-2, 3, 60), 0, 10).astype(float)})
    q = ig.construct_evidence(resp, inst, outcome="Y").set_index("construct")
    assert q.loc["S", "scale_midpoint"] == 2.5 and q.loc["Y", "scale_midpoint"] == 5.0


def test_a_focus_group_counts_its_informant_speakers():
    """Finding 3 (session 10): a focus group of four and one interview gave "raised by 2 of 2
    informants (100%, salient)"; there are five informants, two of whom raised it (40%), as
    code_frequencies counts them."""
    corpus = ce.Corpus.from_texts({
        "FG1.txt": "---\nid: FG1\nspeakers: {MOD: interviewer, Ann: informant, "
                   "Ben: informant, Cat: informant, Dev: informant}\n---\n"
                   "MOD: Apa yang dulu?\nAnn: Kami minta maaf.\nBen: Kami cek fakta.\n"
                   "Cat: Kami tunggu.\nDev: Saya cuti.\n",
        "R1.txt": "---\nid: R1\nspeakers: {INT: interviewer, R1: informant}\n---\n"
                  "INT: Apa yang dulu?\nR1: Kami minta maaf.\n"})
    codebook = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "maaf", "label": {"id": "Maaf"}}, {"id": "fakta", "label": {"id": "Fakta"}}]})
    seg = corpus.segments.set_index(["doc_id", "segment_id"])

    def row(doc, s, code):
        return (doc, s, int(seg.at[(doc, s), "start"]), int(seg.at[(doc, s), "end"]), code, "A")

    codings = pd.DataFrame([row("FG1", 2, "maaf"), row("R1", 2, "maaf"), row("FG1", 3, "maaf"),
                            row("FG1", 3, "fakta")], columns=ce.CODING_COLUMNS)
    t = ig.theme_evidence(codings, corpus=corpus, codebook=codebook).set_index("theme")
    freq = ce.code_frequencies(codings, corpus=corpus).set_index("code")
    assert t.loc["maaf", ["n_informants", "n_informants_total"]].tolist() == [3, 5]
    assert t.loc["fakta", ["n_informants", "n_informants_total"]].tolist() == [1, 5]
    for code in ("maaf", "fakta"):
        assert t.loc[code, "n_informants"] == freq.loc[code, "n_informants"]
    assert t.loc["maaf", "informant_share"] == pytest.approx(3 / 5)
    codings = codings.iloc[[0, 1]]
    joint = ce.joint_display(codings, corpus=corpus, codebook=codebook, responses=None,
                             instrument=None, outcome=None, lang="en").set_index("theme")
    assert joint.loc["maaf", "informant_share"] == pytest.approx(2 / 5)
    assert joint.loc["maaf", "qual_evidence"] == "minor"
    assert "2 of 5 informants" in joint.loc["maaf", "rationale"]


def test_the_joint_display_names_the_speaker_of_its_quote():
    """Session 11: a focus-group quote in the joint display named only its document
    (``quote_doc``), not the participant who said it; ``quote_speaker`` is the turn's label
    in the corpus (the pseudonym in a pseudonymised one)."""
    corpus = ce.Corpus.from_texts({
        "FG1.txt": "---\nid: FG1\nspeakers: {MOD: interviewer, Ann: informant, "
                   "Ben: informant}\n---\nMOD: Apa yang dulu dilakukan?\n"
                   "Ann: Kami minta maaf.\nBen: Kami langsung minta maaf kepada warga.\n"})
    codebook = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "maaf", "label": {"id": "Maaf"}}, {"id": "fakta", "label": {"id": "Fakta"}}]})
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    codings = pd.DataFrame([("FG1", s, int(seg.at[("FG1", s), "start"]),
                             int(seg.at[("FG1", s), "end"]), "maaf", "A") for s in (2, 3)],
                           columns=ce.CODING_COLUMNS)
    t = ig.theme_evidence(codings, corpus=corpus, codebook=codebook).set_index("theme")
    assert t.loc["maaf", "quote"] == "Kami langsung minta maaf kepada warga."  # the longer
    assert t.loc["maaf", ["quote_doc", "quote_speaker"]].tolist() == ["FG1", "Ben"]
    assert pd.isna(t.loc["fakta", "quote_speaker"]) and pd.isna(t.loc["fakta", "quote_doc"])
    res = ce.pseudonymise(corpus, key={"Ann": "P1", "Ben": "P2"}, codings=codings, detect=())
    t = ig.theme_evidence(res.codings.assign(speaker="Ben"), corpus=res.corpus,
                          codebook=codebook).set_index("theme")
    assert t.loc["maaf", "quote_speaker"] == "P2"
    joint = ce.joint_display(codings, corpus=corpus, codebook=codebook, responses=None,
                             instrument=None, outcome=None).set_index("theme")
    assert joint.loc["maaf", "quote_speaker"] == "Ben"


def test_a_corpus_without_roles_is_counted_as_the_theme_table_counts_it():
    """Session 12: in a corpus whose speakers have no role, the joint display counted every
    turn, the interviewer's questions included, as an informant's, while the theme table
    (code_frequencies) counts the turns of ``roles`` only. Both now take the one role
    filter (``themes.on_roles``): the same counts, and ``roles=None`` for every turn."""
    corpus = ce.Corpus.from_texts({
        "R1.txt": "---\nid: R1\nspeakers: [INT, R1]\n---\n"
                  "INT: Apakah kalian minta maaf?\nR1: Kami minta maaf.\n",
        "R2.txt": "---\nid: R2\nspeakers: [INT, R2]\n---\n"
                  "INT: Apakah kalian cek fakta?\nR2: Tidak.\n"})
    assert not corpus.segments["role"].astype(bool).any()
    codebook = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "maaf", "label": {"id": "Maaf"}}, {"id": "fakta", "label": {"id": "Fakta"}}]})
    seg = corpus.segments.set_index(["doc_id", "segment_id"])

    def row(doc, s, code):
        return (doc, s, int(seg.at[(doc, s), "start"]), int(seg.at[(doc, s), "end"]), code, "A")

    # the interviewer's questions are coded too: only roles=None counts them
    codings = pd.DataFrame([row("R1", 1, "maaf"), row("R1", 2, "maaf"), row("R2", 1, "fakta")],
                           columns=ce.CODING_COLUMNS)
    for roles in (("informant",), None):
        freq = ce.code_frequencies(codings, corpus=corpus, roles=roles).set_index("code")
        with pytest.warns(UserWarning, match="no turn has the role") if roles else nullcontext():
            t = ig.theme_evidence(codings, corpus=corpus, codebook=codebook,
                                  roles=roles).set_index("theme")
        for code in ("maaf", "fakta"):
            assert t.loc[code, "n_segments"] == freq.loc[code, "n_segments"], (roles, code)
            assert t.loc[code, "segment_share"] == pytest.approx(
                freq.loc[code, "share_segments"], nan_ok=True)
        if roles:
            assert t["n_segments"].eq(0).all() and t["n_informants"].eq(0).all()
            assert t["n_informants_total"].eq(0).all()
            assert (t["n_informants"] == freq.loc[t.index, "n_informants"]).all()
    assert t.loc["maaf", "n_segments"] == 2 and t.loc["maaf", "segment_share"] == 0.5
    with pytest.warns(UserWarning, match=r"no turn has the role\(s\) 'informant'.*"
                                         r"speakers roles.*roles=None"):
        joint = ce.joint_display(codings, corpus=corpus, codebook=codebook, responses=None,
                                 instrument=None, outcome=None, lang="en")
    assert joint["n_segments"].eq(0).all()
    joint = ce.joint_display(codings, corpus=corpus, codebook=codebook, responses=None,
                             instrument=None, outcome=None, lang="en", roles=None)
    assert joint.set_index("theme").loc["maaf", "n_segments"] == 2


def test_a_shortened_quote_keeps_the_offsets_of_its_full_text(study):
    """Thesis study: the ``quote`` of theme_evidence / joint_display is cut at ~220
    characters with " …" and its line breaks joined, undocumented and with no offsets; the
    full coded text is now ``corpus.text(quote_doc)[quote_start:quote_end]``."""
    import inspect

    long = ("When the outbreak started we set up a crisis team within two hours and issued a "
            "holding statement to the press.\nWe then briefed journalists every morning, "
            "answered calls from worried families at night, and coordinated with the city "
            "health office on every public message until the last patient went home.")
    corpus = ce.Corpus.from_texts({"H01.txt": (
        "---\nid: H01\nspeakers: {INT: interviewer, H01: informant}\n---\n"
        "INT: How did you handle it?\nH01: " + long + "\n")})
    book = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "en", "codes": [
        {"id": "crisis", "label": {"en": "Crisis response"}},
        {"id": "unused", "label": {"en": "Never coded"}}]})
    seg = corpus.segments.iloc[1]
    codings = pd.DataFrame([("H01", 2, int(seg.start), int(seg.end), "crisis", "A")],
                           columns=ce.CODING_COLUMNS)
    t = ig.theme_evidence(codings, corpus=corpus, codebook=book, lang="en").set_index("theme")
    row = t.loc["crisis"]
    full = corpus.text(row["quote_doc"])[row["quote_start"]:row["quote_end"]]
    assert full == long and row["quote_segment_id"] == 2
    assert row["quote"] != long and row["quote"].endswith(" …") and "\n" not in row["quote"]
    assert " ".join(long.split()).startswith(row["quote"].removesuffix(" …"))
    assert t.loc["unused", ["quote_segment_id", "quote_start", "quote_end"]].isna().all()
    for fn in (ig.theme_evidence, ig.joint_display):
        returns = " ".join(inspect.getdoc(fn).split("Returns")[1].split())
        assert "quote_start" in returns and "220" in returns, fn.__name__
    joint = ig.joint_display(codings, corpus=corpus, codebook=book, responses=None,
                             instrument=None, outcome=None, lang="en").set_index("theme")
    assert joint.loc["crisis", ["quote_segment_id", "quote_start", "quote_end"]].tolist() == [
        2, int(seg.start), int(seg.end)]


def test_joint_display_passes_coverage_to_the_agreement_it_computes():
    """The agreement the joint display computes itself warned, under partial coverage, to
    pass ``coverage=``, which joint_display did not take; now it does and passes it on."""
    import warnings

    texts = {f"D{i}.txt": (f"---\nid: D{i}\nspeakers: {{INT: interviewer, R{i}: informant}}\n"
                           f"---\nINT: Apa kabar?\nR{i}: Kami rapat tiap pekan dengan warga.\n"
                           "INT: Lalu?\nR{i}: Lalu kami menulis siaran pers.\n".replace(
                               "{i}", str(i)))
             for i in (1, 2)}
    corpus = ce.Corpus.from_texts(texts)
    book = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "rapat", "label": {"id": "Rapat"}}, {"id": "pers", "label": {"id": "Pers"}}]})
    seg = corpus.segments
    rows = []
    for coder, docs in (("A", ("D1", "D2")), ("B", ("D1",))):
        for doc in docs:
            turns = seg[(seg.doc_id == doc) & (seg.role == "informant")]
            for code, (_, t) in zip(("rapat", "pers"), turns.iterrows(), strict=True):
                if coder == "B" and code == "pers":
                    continue  # B disagrees on one turn, so alpha is not 1 by construction
                rows.append((doc, int(t.segment_id), int(t.start), int(t.end), code, coder))
    codings = pd.DataFrame(rows, columns=ce.CODING_COLUMNS)
    coverage = {"A": "all", "B": ["D1"]}
    kw = {"corpus": corpus, "codebook": book, "responses": None, "instrument": None,
          "outcome": None}
    with pytest.warns(ce.CoverageWarning):
        ig.joint_display(codings, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        joint = ig.joint_display(codings, coverage=coverage, **kw).set_index("theme")
        declared = ce.agreement(codings, corpus=corpus, coverage=coverage, n_boot=0)
    alpha = declared.set_index("code")["krippendorff_alpha"]
    for code in ("rapat", "pers"):
        assert joint.at[code, "code_alpha"] == pytest.approx(alpha[code], nan_ok=True)


# --------------------------------------------------------------------------- session 16 (quant)

def test_an_undefined_scale_alpha_gets_a_caveat():
    """Quant repro 7: a single-item scale (alpha not estimable, NaN) had an empty caveat,
    while a 3-item scale with alpha .51 was flagged."""
    out = _rules(_row(scale_alpha=NAN), _row(construct=None, construct_mean=NAN,
                                             scale_alpha=NAN), lang="en")
    assert out.loc[0, "caveat"] == ("scale reliability unknown (alpha undefined, e.g. a "
                                    "single item, or not computed)")
    assert out.loc[0, "meta_inference"] == "converges"
    assert "scale reliability" not in out.loc[1, "caveat"]  # no construct, no scale


def test_a_construct_the_survey_does_not_measure_gets_no_scale_caveat():
    """Session 17 (mixed repro 1): every theme with a ``construct`` was told "scale
    reliability unknown" even when the study has no survey or the survey has no such
    scale, while its rationale said the survey does not measure it: there is no scale
    whose reliability could be unknown."""
    out = _rules(_row(construct="KS", quant_basis=None, construct_mean=NAN, scale_alpha=NAN,
                      std_effect=NAN, std_ci_low=NAN, std_ci_high=NAN),
                 _row(construct="KS", quant_basis="level", scale_alpha=NAN), lang="en")
    assert out.loc[0, "rationale"].startswith("theme linked to construct KS, which the survey")
    assert out.loc[0, "caveat"] == ""
    assert out.loc[1, "caveat"].startswith("scale reliability unknown")  # a scale: unknown
    corpus = ce.Corpus.from_texts({"D1.txt": "---\nid: D1\nspeakers: {P: informant}\n---\n"
                                            "P: Kami kerja sama erat.\n"})
    codebook = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "kerja_sama", "label": {"id": "Kerja sama"}, "construct": "KS"}]})
    seg = corpus.segments.iloc[0]
    codings = pd.DataFrame([("D1", int(seg["segment_id"]), int(seg["start"]), int(seg["end"]),
                             "kerja_sama", "A")], columns=ce.CODING_COLUMNS)
    joint = ce.joint_display(codings, corpus=corpus, codebook=codebook, responses=None,
                             instrument=None, outcome=None, lang="en")
    assert "scale" not in joint.loc[0, "caveat"]
    assert joint.loc[0, "caveat"] == "code reliability unknown (alpha undefined or not computed)"


def test_scale_warnings_of_the_joint_display_point_at_the_caller(tmp_path):
    """Quant repro 7: ScaleWarnings of construct_evidence/joint_display pointed at
    mixed_methods.py, not at the caller's line."""
    inst = ce.Instrument.from_dict({"scale": {"min": 1, "max": 4}, "id_column": "rid",
                                    "scales": {"S": {"items": ["a", "b"]},
                                               "T": {"items": ["t"]}}})
    resp = pd.DataFrame({"rid": [f"r{i}" for i in range(8)],
                         "a": [1, 2, 3, 4, 2, 3, 1, 4.], "b": [2, 2, 3, 4, 1, 3, 2, 3.],
                         "t": [1, 2, 2, 3, 4, 4, 1, 2.]})
    for call in (lambda: ce.construct_evidence(resp, inst, outcome=None),
                 lambda: ce.joint_display(None, corpus=None, codebook=None, responses=resp,
                                          instrument=inst, outcome=None)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        assert caught and {w.filename for w in caught} == {__file__}, \
            {(w.filename, w.lineno) for w in caught}


NARASUMBER = {  # informants with an Indonesian role word: no turn has the role 'informant'
    "N1.txt": "---\nid: N1\nspeakers: {PEN: pewawancara, N1: narasumber}\n---\n"
              "PEN: Apakah kalian minta maaf?\nN1: Kami minta maaf.\n",
    "N2.txt": "---\nid: N2\nspeakers: {PEN: pewawancara, N2: narasumber}\n---\n"
              "PEN: Apakah kalian cek fakta?\nN2: Kami cek fakta.\n"}


def test_zero_informants_is_no_qualitative_data_not_a_meta_inference():
    """Session 19: a study whose informants have the role 'narasumber' (no turn has the
    analysed role): the joint display said every theme was "raised by no informant" (0 of
    0) and labelled the themes with a positive survey effect 'diverges'. Zero informants
    are no qualitative evidence: qual_evidence is None, the row 'expands' (only the survey
    has it) and the rationale says there are no qualitative data."""
    for lang, said in (("en", "no qualitative data"), ("id", "tidak ada data kualitatif")):
        out = _rules(_row(n_informants=0, n_informants_total=0, informant_share=NAN),
                     _row(n_informants=0, n_informants_total=0, informant_share=NAN,
                          quant_basis=None), lang=lang)
        assert out["qual_evidence"].isna().all()
        assert out["meta_inference"].tolist() == ["expands", "expands"]
        assert out["rationale"].str.contains(said).all(), out["rationale"].tolist()
        assert not out["rationale"].str.contains("raised by no informant|mana pun").any()
    # a theme nobody of several informants raised is still 'absent'
    assert _rules(_row(n_informants=0, informant_share=0.0))["qual_evidence"].iat[0] == "absent"
    corpus = ce.Corpus.from_texts(NARASUMBER)
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    codings = pd.DataFrame([(d, 2, int(seg.at[(d, 2), "start"]), int(seg.at[(d, 2), "end"]),
                             code, "A") for d, code in (("N1", "maaf"), ("N2", "fakta"))],
                           columns=ce.CODING_COLUMNS)
    book = ce.Codebook.from_dict({"codebook": "x", "version": 1, "language": "id", "codes": [
        {"id": "maaf", "label": {"id": "Maaf"}}, {"id": "fakta", "label": {"id": "Fakta"}}]})
    with pytest.warns(UserWarning, match="narasumber"):
        joint = ce.joint_display(codings, corpus=corpus, codebook=book, responses=None,
                                 instrument=None, outcome=None, lang="en")
    assert joint["qual_evidence"].isna().all()
    assert joint["rationale"].str.contains("no qualitative data").all()
