"""Codings -> units -> reliability table, disagreements, consensus."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import citra_eval as ce
from citra_eval.codings import WHOLE_TURN
from citra_eval.intercoder import AGREEMENT_COLUMNS, rated_documents

DOC1 = """---
id: D1
speakers: {P: interviewer, I1: informant}
---
P: Bagaimana humas membangun citra?
I1: Kami bekerja sama dengan media lokal.
P: Lalu apa lagi?
I1: Kami memakai Instagram dan situs web.
I1: Setiap pekan ada rapat koordinasi.
I1: Warga merasa puas dengan layanan.
"""
DOC2 = """---
id: D2
speakers: {P: interviewer, I2: informant}
---
P: Ceritakan strategi Anda.
I2: Kami menggelar jumpa pers.
I2: Kami bermitra dengan kampus.
I2: Keluhan warga dijawab lewat WhatsApp.
I2: Tidak ada anggaran khusus.
"""

# (doc, segment) -> {coder: codes}; D1 segment 1 and D2 segment 1 are interviewer turns.
PLAN = {
    ("D1", 2): {"A": ["kerja_sama", "media"], "B": ["kerja_sama"], "C": ["kerja_sama"]},
    ("D1", 4): {"A": ["digital"], "B": ["digital"], "C": ["digital", "media"]},
    ("D1", 5): {"A": ["kerja_sama"], "B": [], "C": []},
    ("D1", 6): {"A": [], "B": [], "C": []},
    ("D2", 2): {"A": ["media"], "B": ["media"], "C": ["media"]},
    ("D2", 3): {"A": ["kerja_sama"], "B": ["kerja_sama"], "C": ["media"]},
    ("D2", 4): {"A": ["digital"], "B": ["digital", "media"], "C": ["digital"]},
    ("D2", 5): {"A": [], "B": [], "C": ["media"]},
}
CODES = ["digital", "kerja_sama", "media"]


@pytest.fixture(scope="module")
def corpus():
    return ce.Corpus.from_texts({"d1.txt": DOC1, "d2.txt": DOC2})


def make_codings(corpus, plan=PLAN, coders=("A", "B", "C")) -> pd.DataFrame:
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    rows = []
    for (doc, sid), by_coder in plan.items():
        start, end = seg.loc[(doc, sid), ["start", "end"]]
        for coder in coders:
            for code in by_coder.get(coder, []):
                rows.append((doc, sid, int(start), int(end), code, coder))
    return pd.DataFrame(rows, columns=ce.CODING_COLUMNS)


def ratings_for(code: str | None, coders=("A", "B", "C"), plan=PLAN) -> np.ndarray:
    """Presence ratings (units x coders) of ``code``, or of every code stacked (None)."""
    codes = CODES if code is None else [code]
    return np.array([[float(k in plan[u][c]) for c in coders] for u in plan for k in codes])


@pytest.fixture(scope="module")
def codings(corpus):
    return make_codings(corpus)


def test_columns_and_rows(corpus, codings):
    t = ce.agreement(codings, corpus=corpus, n_boot=50)
    assert list(t.columns[:len(AGREEMENT_COLUMNS)]) == AGREEMENT_COLUMNS
    assert t["code"].tolist() == [*CODES, "ALL"]
    assert (t["n_units"] == 8).all()          # 8 informant segments; interviewer turns excluded
    assert (t["n_coders"] == 3).all()
    assert t.attrs["coders"] == ["A", "B", "C"]


@pytest.mark.parametrize("coders", [("A", "B"), ("A", "B", "C")])
def test_code_rows_equal_the_coefficients_on_the_ratings_matrix(corpus, codings, coders):
    t = ce.agreement(codings, corpus=corpus, coders=list(coders), n_boot=0).set_index("code")
    for code in [*CODES, None]:
        r = ratings_for(code, coders)
        row = t.loc[code or "ALL"]
        assert row.krippendorff_alpha == pytest.approx(ce.krippendorff_alpha(r))
        assert row.fleiss_kappa == pytest.approx(ce.fleiss_kappa(r))
        assert row.gwet_ac1 == pytest.approx(ce.gwet_ac1(r))
        assert row.percent_agreement == pytest.approx(ce.percent_agreement(r))
        assert row.brennan_prediger == pytest.approx(ce.brennan_prediger(r, categories=[0, 1]))
        if len(coders) == 2:
            assert row.cohen_kappa == pytest.approx(ce.cohen_kappa(r))
        else:
            assert np.isnan(row.cohen_kappa)
            assert "exactly 2 coders" in row.note


def test_absence_counts_as_agreement(corpus, codings):
    # Hand computation for 'kerja_sama', coders A and B: 8 units; A applies it to D1/2, D1/5,
    # D2/3; B to D1/2, D2/3. Disagreement only on D1/5 -> percent agreement 7/8.
    # Alpha (binary): n = 16, n_1 = 5, n_0 = 11, D_o-sum = 2 (one split unit):
    # alpha = 1 - 15 * 2 / (2 * 5 * 11) = 1 - 30/110 = 0.727273.
    t = ce.agreement(codings, corpus=corpus, coders=["A", "B"], n_boot=0).set_index("code")
    row = t.loc["kerja_sama"]
    assert row.percent_agreement == pytest.approx(7 / 8)
    assert row.krippendorff_alpha == pytest.approx(1 - 30 / 110)
    assert (row.n_positive, row.n_agreed) == (3, 2)


def test_all_row_masi_alpha(corpus, codings):
    t = ce.agreement(codings, corpus=corpus, n_boot=0).set_index("code")
    sets = [[set(PLAN[u][c]) for c in "ABC"] for u in PLAN]
    assert t.loc["ALL", "alpha_masi"] == pytest.approx(ce.krippendorff_alpha_sets(sets))
    assert t.loc[CODES, "alpha_masi"].isna().all()
    # ALL: 7 of 8 units got a code; no unit got the same non-empty set from all three coders
    # except D1/4? (A, B digital; C digital+media: no) -> D2/2 (media x3) only.
    assert t.loc["ALL", "n_positive"] == 7
    assert t.loc["ALL", "n_agreed"] == 1
    off = ce.agreement(codings, corpus=corpus, n_boot=0, masi=False).set_index("code")
    assert np.isnan(off.loc["ALL", "alpha_masi"]) and "masi=False" in off.loc["ALL", "note"]


def test_masi_auto_skips_many_distinct_sets(corpus, codings, monkeypatch):
    import importlib

    module = importlib.import_module("citra_eval.intercoder")
    monkeypatch.setattr(module, "_MASI_AUTO_MAX_SETS", 3)
    # A, B, C used 6 distinct sets over the 8 units ({}, {kerja_sama, media}, {kerja_sama},
    # {digital}, {digital, media}, {media}).
    auto = ce.agreement(codings, corpus=corpus, n_boot=0).set_index("code")
    assert np.isnan(auto.loc["ALL", "alpha_masi"])
    assert "6 distinct code sets (more than 3); pass masi=True" in auto.loc["ALL", "note"]
    forced = ce.agreement(codings, corpus=corpus, n_boot=0, masi=True).set_index("code")
    assert np.isfinite(forced.loc["ALL", "alpha_masi"])


def test_bootstrap_matches_naive_resampling(corpus, codings):
    # The vectorised bootstrap must equal recomputing alpha on resampled ratings with the same
    # draws (numpy default_rng(seed).integers(0, n_units, (n_boot, n_units))).
    n_boot, seed = 300, 7
    t = ce.agreement(codings, corpus=corpus, n_boot=n_boot, seed=seed).set_index("code")
    draws = np.random.default_rng(seed).integers(0, 8, size=(n_boot, 8))
    for code in ["media", None]:
        r = ratings_for(code)
        reps = []
        for d in draws:
            rows = d if code else (d[:, None] * len(CODES) + np.arange(len(CODES))).ravel()
            try:
                reps.append(ce.krippendorff_alpha(r[rows]))
            except ValueError:
                continue
        row = t.loc[code or "ALL"]
        assert row.n_boot == len(reps)
        assert row.alpha_ci_low == pytest.approx(np.quantile(reps, 0.025))
        assert row.alpha_ci_high == pytest.approx(np.quantile(reps, 0.975))
        assert row.alpha_ci_low <= row.krippendorff_alpha <= row.alpha_ci_high


def test_bootstrap_is_seeded(corpus, codings):
    a = ce.agreement(codings, corpus=corpus, n_boot=200, seed=1)
    b = ce.agreement(codings, corpus=corpus, n_boot=200, seed=1)
    c = ce.agreement(codings, corpus=corpus, n_boot=200, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["alpha_ci_low"], c["alpha_ci_low"])
    assert ce.agreement(codings, corpus=corpus, n_boot=0)["alpha_ci_low"].isna().all()


def test_roles_and_ignored_codings(corpus, codings):
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    s, e = seg.loc[("D1", 1), ["start", "end"]]
    extra = pd.DataFrame([("D1", 1, int(s), int(e), "media", "A")], columns=ce.CODING_COLUMNS)
    both = pd.concat([codings, extra], ignore_index=True)
    t = ce.agreement(both, corpus=corpus, n_boot=0)
    assert t.attrs["n_codings_ignored"] == 1
    assert "1 coding(s) on segments outside the units" in t["note"].iloc[-1]
    every = ce.agreement(both, corpus=corpus, n_boot=0, roles=None)
    assert (every["n_units"] == 11).all()   # 8 informant + 3 interviewer turns
    with pytest.raises(ce.InputError, match=r"roles names role\(s\) 'moderator' that no "
                                            r"segment of the corpus has"):
        ce.agreement(codings, corpus=corpus, roles=["moderator"])


def test_document_unit(corpus, codings):
    t = ce.agreement(codings, corpus=corpus, unit="document", n_boot=0).set_index("code")
    assert (t["n_units"] == 2).all()
    # At document level every coder used every code in D2; in D1 only C and A used media.
    assert t.loc["media", "percent_agreement"] == pytest.approx((1 / 3 + 1) / 2)
    assert t.loc["digital", "percent_agreement"] == 1.0
    assert np.isnan(t.loc["digital", "krippendorff_alpha"])
    assert "no variation" in t.loc["digital", "note"]


def test_unused_code_is_explained(corpus, codings):
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [
        {"id": c, "label": {"en": c}} for c in ("digital", "kerja_sama", "media", "anggaran")]})
    t = ce.agreement(codings, corpus=corpus, codes=book, n_boot=40)
    row = t.set_index("code").loc["anggaran"]
    assert row.percent_agreement == 1.0 and row.n_positive == 0
    assert np.isnan(row.krippendorff_alpha) and np.isnan(row.alpha_ci_low)
    assert "no coder applied this code" in row.note


def test_unknown_code_is_refused_not_perfect_agreement(corpus, codings):
    """A code in no coding (and no codebook given) is a typo, not perfect agreement."""
    with pytest.raises(ce.InputError, match=r"codes names code\(s\) 'zzz' that no coding has; "
                                            r"the known ones are 'digital', 'kerja_sama', "
                                            r"'media'; to report a code no coder applied, "
                                            r"pass the Codebook"):
        ce.agreement(codings, corpus=corpus, codes=["media", "zzz"], n_boot=0)
    with pytest.raises(ce.InputError, match="did you mean 'media'"):
        ce.agreement(codings, corpus=corpus, codes=["medai"], n_boot=0)


@pytest.mark.parametrize(("kw", "error", "said"), [
    ({"ci": "0.9"}, TypeError, "ci must be a confidence level, a number between 0 and 1 .*got "
                               "the string '0.9'"),
    ({"masi": "yes"}, TypeError, r"masi must be True or False \(or None\), got 'yes'"),
    ({"codes": ["media", None]}, ce.InputError, r"codes names code\(s\) 'None'"),
])
def test_arguments_of_the_wrong_type_are_named(corpus, codings, kw, error, said):
    with pytest.raises(error, match=said):
        ce.agreement(codings, corpus=corpus, n_boot=0, **kw)


def test_codebook_restricts_codes(corpus, codings):
    book = ce.Codebook.from_dict({"codebook": "t", "codes": [
        {"id": "digital", "label": {"en": "Digital"}},
        {"id": "media", "label": {"en": "Media"}}]})
    with pytest.raises(ce.InputError, match="'kerja_sama' is not in the codebook"):
        ce.agreement(codings, corpus=corpus, codes=book)
    ok = codings[codings["code"] != "kerja_sama"]
    t = ce.agreement(ok, corpus=corpus, codes=book, n_boot=0)
    assert t["code"].tolist() == ["digital", "media", "ALL"]


def test_coverage_documents_excludes_single_coded_units(corpus, codings):
    only_a_in_d2 = codings[(codings["doc_id"] == "D1") | (codings["coder"] == "A")]
    t = ce.agreement(only_a_in_d2, corpus=corpus, coders=["A", "B"], coverage="documents",
                     n_boot=0)
    assert (t["n_units"] == 4).all() and (t["n_units_excluded"] == 4).all()
    assert "4 segment(s) rated by fewer than two coders excluded" in t["note"].iloc[-1]
    d1 = {u: v for u, v in PLAN.items() if u[0] == "D1"}
    r = ratings_for("kerja_sama", ("A", "B"), d1)
    assert t.set_index("code").loc["kerja_sama", "krippendorff_alpha"] == pytest.approx(
        ce.krippendorff_alpha(r))
    only_a = codings[codings["coder"] == "A"]
    both = pd.concat([only_a[only_a["doc_id"] == "D1"],
                      codings[(codings["coder"] == "B") & (codings["doc_id"] == "D2")]])
    with pytest.raises(ce.InputError, match="no segment was rated by two or more coders"):
        ce.agreement(both, corpus=corpus, coverage="documents")


def test_bad_input(corpus, codings):
    with pytest.raises(ce.InputError, match=r"coder.*'Z'.*have A, B, C"):
        ce.agreement(codings, corpus=corpus, coders=["A", "Z"])
    with pytest.raises(ce.InputError, match=r"at least 2 coders.*1 \(A\)"):
        ce.agreement(codings[codings["coder"] == "A"], corpus=corpus)
    bad = codings.copy()
    bad.loc[0, "segment_id"] = 99
    with pytest.raises(ce.InputError, match="unknown segment_id 99"):
        ce.agreement(bad, corpus=corpus)
    bad = codings.copy()
    bad.loc[0, "end"] = 10_000
    with pytest.raises(ce.InputError, match="outside the text"):
        ce.agreement(bad, corpus=corpus)
    bad = codings.copy()
    bad.loc[0, "doc_id"] = "D9"
    with pytest.raises(ce.InputError, match="unknown doc_id 'D9'"):
        ce.agreement(bad, corpus=corpus)
    with pytest.raises(ValueError, match="unit must be"):
        ce.agreement(codings, corpus=corpus, unit="sentence")
    with pytest.raises(ValueError, match="ci must be a confidence level between 0 and 1"):
        ce.agreement(codings, corpus=corpus, ci=95)
    with pytest.raises(ValueError, match="n_boot"):
        ce.agreement(codings, corpus=corpus, n_boot=-1)
    # session 13 repro 5: the library took n_boot=1 (a zero-width interval) that the CLI
    # refuses; 2 / (1 - 0.95) = 40 replicates at least, as `agree --n-boot` says
    with pytest.raises(ValueError, match=r"n_boot: 1 replicates cannot give a 0\.95 "
                                         r"percentile interval .*at least 40"):
        ce.agreement(codings, corpus=corpus, n_boot=1)
    with pytest.raises(TypeError, match=r"corpus must be a citra_eval\.Corpus, got str; "
                                        r"read the transcripts"):
        ce.agreement(codings, corpus="transcripts/")
    with pytest.raises(TypeError, match="coders must be a list"):
        ce.agreement(codings, corpus=corpus, coders="A")


# --------------------------------------------------------------------------- disagreements


def test_disagreements_lists_each_disputed_segment(corpus, codings):
    d = ce.disagreements(codings, corpus=corpus, coders=["A", "B"])
    disputed = [u for u, v in PLAN.items() if set(v["A"]) != set(v["B"])]
    assert list(zip(d["doc_id"], d["segment_id"], strict=True)) == disputed
    first = d.iloc[0]
    assert (first.codes_A, first.codes_B) == ("kerja_sama; media", "kerja_sama")
    assert (first.agreed, first.disputed, first.n_disputed) == ("kerja_sama", "media", 1)
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    assert first.text == seg.loc[("D1", 2), "text"]
    assert first.speaker == "I1"
    # Agreement and disagreement report tell the same story: disputed segments = units whose
    # code sets differ.
    assert len(d) == sum(set(v["A"]) != set(v["B"]) for v in PLAN.values())


def test_disagreements_three_coders(corpus, codings):
    d = ce.disagreements(codings, corpus=corpus)
    assert {"codes_A", "codes_B", "codes_C"} <= set(d.columns)
    assert ("D2", 2) not in set(zip(d["doc_id"], d["segment_id"], strict=True))  # all agree
    assert ("D1", 6) not in set(zip(d["doc_id"], d["segment_id"], strict=True))  # none coded


# --------------------------------------------------------------------------- consensus


def _decided(frame) -> set:
    return set(zip(frame["doc_id"], frame["segment_id"], frame["code"], strict=True))


def _plan_set(rule) -> set:
    out = set()
    for (doc, sid), by in PLAN.items():
        for code in CODES:
            n = sum(code in by[c] for c in "ABC")
            if rule(n):
                out.add((doc, sid, code))
    return out


@pytest.mark.parametrize(("rule", "keep"), [("agreed", lambda n: n == 3),
                                            ("any", lambda n: n >= 1),
                                            ("majority", lambda n: n >= 2)])
def test_consensus_rules(codings, rule, keep):
    out = ce.consensus(codings, rule=rule)
    assert list(out.columns[:6]) == ce.CODING_COLUMNS
    assert (out["coder"] == "consensus").all()
    assert _decided(out) == _plan_set(keep)
    ce.validate_codings(out)


def test_consensus_adjudicator(codings, corpus):
    ab = codings[codings["coder"].isin(["A", "B"])]
    # C adjudicates A vs B: agreed codes kept, disputed ones follow C.
    out = ce.consensus(codings, rule="adjudicator", adjudicator="C")
    expected = set()
    for (doc, sid), by in PLAN.items():
        for code in CODES:
            a, b, c = (code in by[x] for x in "ABC")
            if (a and b) or ((a != b) and c):
                expected.add((doc, sid, code))
    assert _decided(out) == expected
    assert out["note"].str.startswith(("agreed by A, B", "adjudicated by C")).all()
    # A adjudicating A vs B gives A's codings.
    out_a = ce.consensus(ab, rule="adjudicator", adjudicator="A")
    assert _decided(out_a) == _decided(ab[ab["coder"] == "A"])
    ce.validate_codings(out_a, corpus=corpus)


def test_consensus_span_is_hull(corpus):
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    s, e = (int(v) for v in seg.loc[("D1", 2), ["start", "end"]])
    c = pd.DataFrame([("D1", 2, s, s + 10, "media", "A"), ("D1", 2, s + 5, e, "media", "B")],
                     columns=ce.CODING_COLUMNS)
    out = ce.consensus(c)
    assert (out.loc[0, "start"], out.loc[0, "end"]) == (s, e)


def test_consensus_carries_whole_turn_through(corpus):
    """Session 16, tester item 2: the coders' files of 'sheet import' say which codings are
    whole-turn marks (whole_turn), the consensus dropped it, so reanchor lost consensus
    codings that the coders' files kept. A consensus coding is whole-turn when a coding it
    was made from is (its hull is then that whole turn); without the column, none is added."""
    seg = corpus.segments.set_index(["doc_id", "segment_id"])
    s2, e2 = (int(v) for v in seg.loc[("D1", 2), ["start", "end"]])
    s4, e4 = (int(v) for v in seg.loc[("D1", 4), ["start", "end"]])
    c = pd.DataFrame([("D1", 2, s2, e2, "media", "A", "true"),
                      ("D1", 2, s2, e2, "media", "B", "true"),
                      ("D1", 4, s4, s4 + 4, "digital", "A", "false"),
                      ("D1", 4, s4, e4, "digital", "B", "true"),
                      ("D1", 4, s4, s4 + 4, "media", "A", "false"),
                      ("D1", 4, s4 + 1, s4 + 6, "media", "B", "false")],
                     columns=[*ce.CODING_COLUMNS, WHOLE_TURN])
    out = ce.consensus(c, corpus=corpus)
    assert out[["segment_id", "code", "start", "end", WHOLE_TURN]].values.tolist() == [
        [2, "media", s2, e2, "true"], [4, "digital", s4, e4, "true"],
        [4, "media", s4, s4 + 6, "false"]]
    ce.validate_codings(out, corpus=corpus)
    # the adjudicator's own codings decide a dispute, and their flags with them
    adj = pd.concat([c, pd.DataFrame([("D1", 2, s2, e2, "kerja_sama", "A", "true"),
                                      ("D1", 2, s2, s2 + 3, "kerja_sama", "C", "false")],
                                     columns=c.columns)])
    out = ce.consensus(adj, rule="adjudicator", adjudicator="C", coders=["A", "B"])
    assert out.set_index(["segment_id", "code"]).loc[(2, "kerja_sama"), WHOLE_TURN] == \
        "false"
    assert WHOLE_TURN not in ce.consensus(c.drop(columns=WHOLE_TURN)).columns


def test_consensus_bad_arguments(codings):
    with pytest.raises(ValueError, match="rule must be one of"):
        ce.consensus(codings, rule="vote")
    with pytest.raises(ValueError, match="adjudicator= is needed"):
        ce.consensus(codings, rule="adjudicator")
    with pytest.raises(ValueError, match="adjudicator= is needed"):
        ce.consensus(codings, adjudicator="A")
    with pytest.raises(ce.InputError, match="adjudicator 'Q' has no codings"):
        ce.consensus(codings, rule="adjudicator", adjudicator="Q")
    with pytest.raises(ValueError, match="already a coder"):
        ce.consensus(codings, coder="A")
    with pytest.raises(ce.InputError, match="at least 2 coders"):
        ce.consensus(codings[codings["coder"] == "A"])


def test_reference_codings_is_the_consensus_or_the_one_coder(codings):
    """Several coders: the agreed consensus; one coder (a thesis): that coder's codings."""
    pd.testing.assert_frame_equal(ce.reference_codings(codings), ce.consensus(codings))
    majority = ce.reference_codings(codings, rule="majority")
    assert _decided(majority) == _plan_set(lambda n: n >= 2)
    only_a = codings[codings["coder"] == "A"]
    ref = ce.reference_codings(only_a)
    assert _decided(ref) == _decided(only_a) and set(ref["coder"]) == {"A"}
    with pytest.raises(TypeError, match="codings"):
        ce.reference_codings(only_a.to_dict())


def test_reference_codings_record_their_text(codings, corpus):
    """Issue 12: the consensus codings (notebook 02's reference coding) carry ``text``, for
    several coders and for one; a span outside the corpus is refused."""
    for frame in (codings, codings[codings["coder"] == "A"]):
        ref = ce.reference_codings(frame, corpus=corpus)
        assert list(ref.columns[:7]) == [*ce.CODING_COLUMNS, "text"]
        assert len(ref) and all(corpus.text(r.doc_id)[r.start:r.end] == r.text
                                for r in ref.itertuples())
        bare = ce.reference_codings(frame)
        pd.testing.assert_frame_equal(ref.drop(columns="text"), bare)
    shifted = codings.assign(end=codings["end"] + 10_000)
    with pytest.raises(ce.InputError, match="span"):
        ce.reference_codings(shifted, corpus=corpus)


# --------------------------------------------------------------------------- command line


@pytest.fixture
def study(tmp_path, corpus, codings):
    tdir = tmp_path / "interview_transcripts"
    tdir.mkdir()
    (tdir / "d1.txt").write_text(DOC1, encoding="utf-8")
    (tdir / "d2.txt").write_text(DOC2, encoding="utf-8")
    for coder in "AB":
        ce.write_codings(codings[codings["coder"] == coder], tmp_path / f"codings_{coder}.csv")
    return tmp_path


def test_cli_agree_writes_table_and_disagreements(cli, study, corpus, codings):
    out, dis = study / "out" / "agreement.csv", study / "out" / "disagreements.csv"
    r = cli("agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
            str(study / "codings_A.csv"), str(study / "codings_B.csv"), "--out", str(out),
            "--n-boot", "100", "--seed", "3", "--disagreements", str(dis))
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stdout
    table = pd.read_csv(out)
    expected = ce.agreement(codings[codings["coder"].isin(["A", "B"])], corpus=corpus,
                            n_boot=100, seed=3)
    # written as save_table writes reports/ tables: rounded to 4 decimals (thesis study:
    # --out had 16-17 digits), fixed-point, so 1.0 reads 1.0000
    pd.testing.assert_frame_equal(table[AGREEMENT_COLUMNS],
                                  expected[AGREEMENT_COLUMNS].round(4), check_dtype=False,
                                  check_exact=False, rtol=0, atol=1e-12)
    text = pd.read_csv(out, dtype=str, keep_default_na=False)
    for col in ("percent_agreement", "krippendorff_alpha", "alpha_ci_low"):
        assert text[col].str.fullmatch(r"-?\d\.\d{4}|").all(), text[col].tolist()
    assert len(pd.read_csv(dis)) == sum(set(v["A"]) != set(v["B"]) for v in PLAN.values())


def test_cli_agree_bad_input_exit_2_nothing_written(cli, study, capsys):
    from citra_eval.cli import main

    out = study / "agreement.csv"
    base = ["agree", "--transcripts", str(study / "interview_transcripts"), "--out", str(out)]
    r = cli(*base, "--codings", str(study / "codings_A.csv"))  # one real process
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and "at least 2 coders" in r.stderr
    assert "Traceback" not in r.stderr
    bad = study / "codings_bad.csv"
    text = (study / "codings_B.csv").read_text(encoding="utf-8").splitlines()
    fields = text[1].split(",")
    fields[3] = "99999"
    bad.write_text("\n".join([text[0], ",".join(fields), *text[2:]]) + "\n", encoding="utf-8")
    a, b = str(study / "codings_A.csv"), str(study / "codings_B.csv")
    for extra, message in [
            (["--codings", a, str(bad)], f"error: {bad}:2: span"),
            (["--codings", a, b, "--coders", "A", "Q"], "'Q'"),
            (["--codings", a, a], "more than one file"),
            (["--codings", a, b, "--n-boot", "-5"], "error: --n-boot: must be 0 or more"),
            # stats report 12: one replicate gave the zero-width "interval" [-0.343, -0.343]
            # around alpha 0.095; a 95% percentile interval needs 2 / 0.05 = 40
            (["--codings", a, b, "--n-boot", "1"], "error: --n-boot: 1 replicates cannot give "
                                                   "a 0.95 percentile interval"),
            (["--codings", a, b, "--n-boot", "39"], "at least 40"),
            (["--codings", a, b, "--n-boot", "9", "--ci", "0.8"], "at least 10")]:
        assert main([*base, *extra]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and message in err, err
    assert not out.exists()


# --------------------------------------------------------------------------- example study


@pytest.fixture(scope="module")
def example_codings(example_corpus, example_codebook):
    manual = [ce.read_codings(ce.example_path(f"codings_{c}"), corpus=example_corpus,
                              codebook=example_codebook) for c in "AB"]
    auto = ce.autocode(example_corpus, example_codebook)  # coder "auto"
    return pd.concat([*manual, auto], ignore_index=True)


@pytest.mark.parametrize("pair", [("A", "B"), ("A", "auto"), ("B", "auto")])
def test_example_study_pairs(example_corpus, example_codebook, example_codings, pair):
    import krippendorff

    codings = example_codings[example_codings["coder"].isin(pair)]
    t = ce.agreement(codings, corpus=example_corpus, codes=example_codebook, n_boot=200)
    informant = example_corpus.segments[example_corpus.segments["role"] == "informant"]
    assert t["code"].tolist() == [*example_codebook.codable_ids, "ALL"]
    assert (t["n_units"] == len(informant)).all() and (t["n_units_excluded"] == 0).all()
    assert t.attrs["coders"] == sorted(pair)
    # Independent check of every code's alpha with the krippendorff package, on presence
    # ratings built straight from the codings (a segment a coder did not code = absent).
    keys = list(zip(informant["doc_id"], informant["segment_id"], strict=True))
    applied = set(zip(codings["coder"], codings["doc_id"], codings["segment_id"],
                      codings["code"], strict=True))
    for code, alpha in zip(t["code"][:-1], t["krippendorff_alpha"][:-1], strict=True):
        r = np.array([[float((c, d, s, code) in applied) for (d, s) in keys] for c in pair])
        assert alpha == pytest.approx(krippendorff.alpha(reliability_data=r,
                                                         level_of_measurement="nominal"))
    ok = t.dropna(subset=["alpha_ci_low"])
    assert ((ok["alpha_ci_low"] <= ok["krippendorff_alpha"])
            & (ok["krippendorff_alpha"] <= ok["alpha_ci_high"])).all()
    dis = ce.disagreements(codings, corpus=example_corpus)
    # The disputed segments are the units whose code sets differ.
    same_set = ce.percent_agreement(_sets_equal(codings, keys, pair))
    assert len(dis) == round((1 - same_set) * len(keys))


def test_example_study_three_coders(example_corpus, example_codings):
    t = ce.agreement(example_codings, corpus=example_corpus, n_boot=0).set_index("code")
    assert t["cohen_kappa"].isna().all() and (t["n_coders"] == 3).all()
    assert np.isfinite(t.loc["ALL", "fleiss_kappa"])
    ref = ce.consensus(example_codings, rule="majority")
    ce.validate_codings(ref, corpus=example_corpus)
    assert set(ref["coder"]) == {"consensus"}


def _sets_equal(codings, keys, coders) -> np.ndarray:
    """Units x coders ratings: each coder's code set as a sorted string (nominal); the empty
    set is "(none)" (an empty string is a missing rating)."""
    sets = codings.groupby(["coder", "doc_id", "segment_id"])["code"].agg(
        lambda s: ";".join(sorted(set(s))))
    return np.array([[sets.get((c, d, s), "(none)") for c in coders] for (d, s) in keys],
                    dtype=object)


def test_cli_agree_options(study, corpus, codings, capsys):
    from citra_eval.cli import main

    out = study / "doc.csv"
    args = ["agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
            str(study / "codings_A.csv"), str(study / "codings_B.csv"), "--out", str(out),
            "--n-boot", "0"]
    assert main([*args, "--unit", "document", "--no-masi"]) == 0
    table = pd.read_csv(out)
    assert (table["n_units"] == 2).all() and table["alpha_masi"].isna().all()
    assert main([*args, "--roles", "all"]) == 0
    assert (pd.read_csv(out)["n_units"] == 11).all()
    assert "11 segments" in capsys.readouterr().out


def test_cli_agree_one_coder_named_is_blamed_on_the_option(study, capsys):
    """'--coders A' with two coders' codings said "the codings have 1 (A): add another
    coder's codings": the data are fine, the option names too few coders."""
    from citra_eval.cli import main

    out = study / "one.csv"
    assert main(["agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
                 str(study / "codings_A.csv"), str(study / "codings_B.csv"), "--out", str(out),
                 "--coders", "A"]) == 2
    assert capsys.readouterr().err == (
        "error: --coders: names 1 coder (A); agreement compares two or more: name them all, or "
        "leave --coders out to compare every coder\n")
    assert not out.exists()


def test_cli_agree_coder_given_twice_is_named_not_blamed_on_the_data(study, capsys):
    from citra_eval.cli import main

    out = study / "twice.csv"
    assert main(["agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
                 str(study / "codings_A.csv"), str(study / "codings_B.csv"), "--out", str(out),
                 "--coders", "A", "A"]) == 2
    assert capsys.readouterr().err == ("error: --coders: coder(s) 'A' given more than once; "
                                       "name each coder once (e.g. --coders A B)\n")
    assert not out.exists()
    with pytest.raises(ValueError, match="coders names 'A' more than once"):
        ce.agreement(ce.read_codings([study / "codings_A.csv", study / "codings_B.csv"]),
                     corpus=ce.read_transcripts(study / "interview_transcripts"),
                     coders=["A", "A"])


def test_cli_agree_coverage_naming_a_coder_without_codings_is_refused(study, capsys):
    from citra_eval.cli import main

    cov, out = study / "coverage.csv", study / "cov_out.csv"
    cov.write_text("coder,doc_id\nA,all\nB,all\nZ,d1\n", encoding="utf-8")
    assert main(["agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
                 str(study / "codings_A.csv"), str(study / "codings_B.csv"), "--out", str(out),
                 "--coverage", str(cov)]) == 2
    assert capsys.readouterr().err == (f"error: {cov}:4: coder 'Z' has no codings (the "
                                       "codings have A, B); correct the name or remove the "
                                       "row\n")
    assert not out.exists()


def test_coverage_naming_a_coder_without_codings_is_said(corpus, codings):
    """Was refused; since session 16 a declared coder without codings rated their documents
    and applied no code (a second coder who found nothing to code): counted, and said, with
    the fix for a typo or missing codings (study.yaml and --coverage files still refuse a
    coder without a codings file)."""
    with pytest.warns(ce.CoverageWarning, match=r"coder 'Z' has no codings: counted as having "
                      r"rated D1 .* correct the coder's name or remove it from the coverage"):
        t = ce.agreement(codings, corpus=corpus, n_boot=0,
                         coverage={"A": "all", "B": "all", "C": "all", "Z": ["D1"]})
    assert t.attrs["coders"] == ["A", "B", "C", "Z"]


def test_coders_naming_one_of_several_coders_says_so(corpus, codings):
    """Exploratory stats report, repro 2: coders=["A"] on codings of A, B and C said "the
    codings have 1 (A)" and asked to add another coder's codings, which are there."""
    with pytest.raises(ce.InputError, match=r"^<input>: inter-coder agreement needs at least "
                       r"2 coders; coders= names only 1 \('A'\), and the codings have 3 "
                       r"\('A', 'B', 'C'\): name at least 2 of them in coders=, or leave "
                       r"coders= out to compare them all$"):
        ce.agreement(codings, corpus=corpus, coders=["A"], n_boot=0)
    # codings of a single coder keep asking for another coder's codings
    with pytest.raises(ce.InputError, match=r"the codings have 1 \(A\): add another coder"):
        ce.agreement(codings[codings["coder"] == "A"], corpus=corpus, n_boot=0)


def test_consensus_says_what_it_is_not_inter_coder_agreement(codings):
    with pytest.raises(ce.InputError, match=r"^<input>: a consensus coding \(rule 'majority'\) "
                                            r"needs at least 2 coders"):
        ce.consensus(codings[codings["coder"] == "A"], rule="majority", coders=["A"])


# --------------------------------------------------------------------------- random codings


#: CODES as a codebook: the rows of codes no drawn coder applied are reported too.
CODES_BOOK = ce.Codebook.from_dict({"codebook": "t", "codes": [
    {"id": c, "label": {"en": c}} for c in CODES]})


def _scalar_or_nan(fn, r, **kw) -> float:
    try:
        return fn(r, **kw)
    except ValueError:
        return np.nan


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_random_codings_rows_equal_scalar_coefficients(corpus, data):
    coders = data.draw(st.sampled_from([("A", "B"), ("A", "B", "C")]))
    coverage = data.draw(st.sampled_from(["all", "documents"]))
    plan = {u: {c: data.draw(st.lists(st.sampled_from(CODES), unique=True, max_size=2))
                for c in coders} for u in PLAN}
    codings = make_codings(corpus, plan, coders)
    if codings["coder"].nunique() < 2:
        return
    try:
        t = ce.agreement(codings, corpus=corpus, coders=list(coders), codes=CODES_BOOK,
                         n_boot=0, coverage=coverage).set_index("code")
    except ce.InputError as exc:
        assert ("no segment was rated by two or more coders" in str(exc)
                or "that have no codings" in str(exc))
        return
    # The ratings matrix as agreement() defines it: NaN where a coder did not rate the unit.
    coded_docs = {c: set(codings.loc[codings["coder"] == c, "doc_id"]) for c in coders}
    rated = np.array([[coverage == "all" or u[0] in coded_docs[c] for c in coders]
                      for u in plan])
    keep = rated.sum(axis=1) >= 2
    assert (t["n_units"] == keep.sum()).all()
    assert (t["n_units_excluded"] == (~keep).sum()).all()
    for code in [*CODES, None]:
        r = ratings_for(code, coders, plan)
        mask = np.repeat(rated, 1 if code else len(CODES), axis=0)
        r = np.where(mask, r, np.nan)[np.repeat(keep, 1 if code else len(CODES))]
        row = t.loc[code or "ALL"]
        for col, fn, kw in [("krippendorff_alpha", ce.krippendorff_alpha, {}),
                            ("fleiss_kappa", ce.fleiss_kappa, {}),
                            ("percent_agreement", ce.percent_agreement, {}),
                            ("gwet_ac1", ce.gwet_ac1, {"categories": [0.0, 1.0]}),
                            ("cohen_kappa", ce.cohen_kappa, {})]:
            if col == "cohen_kappa" and len(coders) != 2:
                assert np.isnan(row[col])
                continue
            expected = _scalar_or_nan(fn, r, **kw)
            assert row[col] == pytest.approx(expected, nan_ok=True), (col, code)
    # Set-valued alpha over all units and over the units anyone coded, computed directly.
    sets = [[frozenset(plan[u][c]) if rated[i, j] else None for j, c in enumerate(coders)]
            for i, u in enumerate(plan) if keep[i]]
    coded = [row for row in sets if any(s for s in row if s is not None)]
    all_row = t.loc["ALL"]
    assert all_row["alpha_masi"] == pytest.approx(
        _scalar_or_nan(ce.krippendorff_alpha_sets, sets), nan_ok=True)
    assert all_row["alpha_masi_coded"] == pytest.approx(
        _scalar_or_nan(ce.krippendorff_alpha_sets, coded) if coded else np.nan, nan_ok=True)


# --------------------------------------------------------------------------- issue 14

def test_issue14_item7_declared_coverage(corpus, codings):
    # B double-coded D1 and read D2 but found nothing to code there. Inferred coverage
    # ("documents") drops D2 for B, so D2's segments - where A coded and B rightly did not -
    # vanish and pooled alpha looks better; declaring that B rated both documents keeps them.
    ab = codings[codings["coder"].isin(["A", "B"])]
    b_read_d2 = ab[(ab["coder"] == "A") | (ab["doc_id"] == "D1")]
    with pytest.warns(ce.CoverageWarning, match="declare it instead"):
        inferred = ce.agreement(b_read_d2, corpus=corpus, coverage="documents",
                                n_boot=0).set_index("code")
    declared = ce.agreement(b_read_d2, corpus=corpus, coverage={"A": "all", "B": ["D1", "D2"]},
                            n_boot=0).set_index("code")
    table = pd.DataFrame({"coder": ["A", "A", "B", "B"], "doc_id": ["D1", "D2", "D1", "D2"]})
    pd.testing.assert_frame_equal(
        declared, ce.agreement(b_read_d2, corpus=corpus, coverage=table, n_boot=0
                               ).set_index("code"), check_like=True)
    assert inferred.loc["ALL", "n_units"] == 4 and declared.loc["ALL", "n_units"] == 8
    # The declared value is alpha on the presence ratings of all 8 segments, B absent in D2.
    plan = {u: ({"A": v["A"], "B": v["B"] if u[0] == "D1" else []}) for u, v in PLAN.items()}
    r = ratings_for(None, ("A", "B"), plan)
    assert declared.loc["ALL", "krippendorff_alpha"] == pytest.approx(ce.krippendorff_alpha(r))
    assert round(inferred.loc["ALL", "krippendorff_alpha"], 3) == 0.574
    assert round(declared.loc["ALL", "krippendorff_alpha"], 3) == 0.330
    # Declaring B's documents as D1 only reproduces the inferred table, without a warning.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        only_d1 = ce.agreement(b_read_d2, corpus=corpus, coverage={"A": "all", "B": ["D1"]},
                               n_boot=0).set_index("code")
    assert only_d1.loc["ALL", "krippendorff_alpha"] == pytest.approx(
        inferred.loc["ALL", "krippendorff_alpha"])


def test_coverage_conflict_message_reads_right_for_one_and_several_documents(corpus,
                                                                            codings):
    """Session 19 review: "has codings in 'D1', 'D2' but coverage says they did not rate
    it: add the document(s)": several documents were "it". Now one document is "it", several
    "them"; an unknown document is "document", several "documents"."""
    ab = codings[codings["coder"].isin(["A", "B"])]
    assert set(ab.loc[ab["coder"] == "B", "doc_id"]) == {"D1", "D2"}
    with pytest.raises(ce.InputError) as one:
        ce.agreement(ab, corpus=corpus, coverage={"A": "all", "B": ["D1"]}, n_boot=0)
    assert str(one.value).endswith(
        ": coder 'B' has codings in 'D2' but coverage says they did not rate it: add it to "
        "their coverage or remove those codings"), str(one.value)
    with pytest.raises(ce.InputError) as several:
        ce.agreement(ab, corpus=corpus, coverage={"A": "all", "B": []}, n_boot=0)
    assert str(several.value).endswith(
        ": coder 'B' has codings in 'D1', 'D2' but coverage says they did not rate them: add "
        "them to their coverage or remove those codings"), str(several.value)
    with pytest.raises(ce.InputError, match=r"names document 'D3' that the corpus"):
        ce.agreement(ab, corpus=corpus, coverage={"A": "all", "B": ["D1", "D3"]}, n_boot=0)
    with pytest.raises(ce.InputError, match=r"names documents 'D3', 'D4' that the corpus"):
        ce.agreement(ab, corpus=corpus, coverage={"A": "all", "B": ["D3", "D4"]}, n_boot=0)


def test_issue14_item7_coverage_errors(corpus, codings):
    ab = codings[codings["coder"].isin(["A", "B"])]
    with pytest.raises(ce.InputError, match=r"does not say which documents coder.*'B'"):
        ce.agreement(ab, corpus=corpus, coverage={"A": "all"}, n_boot=0)
    with pytest.raises(ce.InputError,
                       match=r"'D3' that the corpus does not have \(it has D1, D2\)"):
        ce.agreement(ab, corpus=corpus, coverage={"A": "all", "B": ["D3"]}, n_boot=0)
    with pytest.raises(ce.InputError, match="coder 'B' has codings in 'D2' but coverage"):
        ce.agreement(ab, corpus=corpus, coverage={"A": "all", "B": ["D1"]}, n_boot=0)
    with pytest.raises(ce.InputError, match="columns"):
        ce.agreement(ab, corpus=corpus, coverage=pd.DataFrame({"who": ["A"]}), n_boot=0)
    with pytest.raises(ValueError, match="coverage must be"):
        ce.agreement(ab, corpus=corpus, coverage="some", n_boot=0)
    with pytest.raises(TypeError, match="coverage must be"):
        ce.agreement(ab, corpus=corpus, coverage=3, n_boot=0)


def test_issue14_item10_agreement_on_coded_units(corpus, codings):
    # Pooled percent agreement counts the many (unit, code) cells nobody coded as agreement;
    # coded_agreement and alpha_masi_coded leave out the units nobody coded.
    t = ce.agreement(codings, corpus=corpus, coders=["A", "B"], n_boot=0).set_index("code")
    # A and B: 6 units coded by someone (not D1/6, D2/5), identical sets on D1/4, D2/2, D2/3:
    # 3 / 6. Per code: kerja_sama applied by someone in D1/2, D1/5, D2/3, by both in 2.
    assert t.loc["ALL", "coded_agreement"] == pytest.approx(3 / 6)
    assert t.loc["kerja_sama", "coded_agreement"] == pytest.approx(2 / 3)
    assert t.loc["ALL", "percent_agreement"] > 0.8 > t.loc["ALL", "coded_agreement"]
    sets = [[set(PLAN[u][c]) for c in "AB"] for u in PLAN if PLAN[u]["A"] or PLAN[u]["B"]]
    assert len(sets) == 6
    assert t.loc["ALL", "alpha_masi_coded"] == pytest.approx(ce.krippendorff_alpha_sets(sets))
    assert t.loc[CODES, "alpha_masi_coded"].isna().all()
    assert list(t.columns).index("coded_agreement") > list(t.columns).index("alpha_masi")


@pytest.mark.slow
def test_cli_agree_coverage_file(cli, study, corpus, codings):
    # citra-eval agree --coverage FILE.csv: the declaration of issue 14 item 7 from a table.
    ab = codings[codings["coder"].isin(["A", "B"])]
    b_read_d2 = ab[(ab["coder"] == "A") | (ab["doc_id"] == "D1")]
    ce.write_codings(b_read_d2[b_read_d2["coder"] == "B"], study / "codings_B.csv")
    (study / "coverage.csv").write_text("coder,doc_id\nA,all\nB,D1\nB,D2\n", encoding="utf-8")
    out = study / "out" / "agreement.csv"
    r = cli("agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
            str(study / "codings_A.csv"), str(study / "codings_B.csv"), "--out", str(out),
            "--n-boot", "0", "--coverage", str(study / "coverage.csv"))
    assert r.returncode == 0, r.stderr
    expected = ce.agreement(b_read_d2, corpus=corpus, n_boot=0,
                            coverage={"A": "all", "B": ["D1", "D2"]})
    got = pd.read_csv(out)
    assert got["krippendorff_alpha"].to_numpy() == pytest.approx(
        expected["krippendorff_alpha"].round(4).to_numpy(), nan_ok=True)  # as written
    (study / "bad.csv").write_text("coder,doc\nA,all\n", encoding="utf-8")
    r = cli("agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
            str(study / "codings_A.csv"), str(study / "codings_B.csv"), "--out",
            str(study / "out" / "other.csv"), "--coverage", str(study / "bad.csv"))
    assert r.returncode == 2 and "bad.csv" in r.stderr and "doc_id" in r.stderr
    assert not (study / "out" / "other.csv").exists()


@pytest.mark.slow
def test_cli_agree_inside_a_study_takes_double_coded(cli, tmp_path):
    # Issue 14 item 7 in a study: without double_coded the coverage is inferred and said as
    # a note; with it, the declaration is the coverage; a wrong one is an error at its line.
    import shutil

    from conftest import ROOT

    study = tmp_path / "rsud"
    shutil.copytree(ROOT / "tests" / "data" / "studies" / "rsud", study)
    loaded = ce.load_study(study)
    codings, corpus = loaded.codings, loaded.corpus
    # both coders coded every interview: the inference leaves nothing out, nothing to say
    r = cli("agree", "--out", "everyone.csv", "--n-boot", "0", cwd=study)
    assert r.returncode == 0 and "note:" not in r.stderr, r.stderr
    b_skips_4 = codings[(codings["coder"] == "A") | (codings["doc_id"] != "WWC-04")]
    ce.write_codings(b_skips_4[b_skips_4["coder"] == "B"],
                     study / "data/raw/codings_B.csv", replace_raw=True)
    r = cli("agree", "--out", "inferred.csv", "--n-boot", "0", cwd=study)
    assert r.returncode == 0, r.stderr
    assert "note: coverage='documents' infers which documents" in r.stderr
    assert "Warning" not in r.stderr
    with pytest.warns(ce.CoverageWarning):
        expected = ce.agreement(b_skips_4, corpus=corpus, codes=loaded.codebook, n_boot=0,
                                coverage="documents")
    got = pd.read_csv(study / "inferred.csv")
    assert got["n_units"].tolist() == expected["n_units"].tolist()
    yaml = (study / "study.yaml").read_text(encoding="utf-8")
    (study / "study.yaml").write_text(yaml + "double_coded: {A: all, B: all}\n",
                                      encoding="utf-8")
    r = cli("agree", "--out", "declared.csv", "--n-boot", "0", cwd=study)
    assert r.returncode == 0, r.stderr
    assert "note:" not in r.stderr
    declared = ce.agreement(b_skips_4, corpus=corpus, codes=loaded.codebook, n_boot=0,
                            coverage={"A": "all", "B": "all"})
    got = pd.read_csv(study / "declared.csv")
    assert got["n_units"].tolist() == declared["n_units"].tolist()
    assert got["krippendorff_alpha"].to_numpy() == pytest.approx(
        declared["krippendorff_alpha"].round(4).to_numpy(), nan_ok=True)  # as written
    assert got["n_units"].iloc[-1] > expected["n_units"].iloc[-1]
    # --coverage still wins over study.yaml
    r = cli("agree", "--out", "all.csv", "--n-boot", "0", "--coverage", "documents", cwd=study)
    assert r.returncode == 0 and "note: coverage='documents'" in r.stderr
    (study / "study.yaml").write_text(yaml + "double_coded: {A: all, B: [WWC-01]}\n",
                                      encoding="utf-8")
    r = cli("agree", "--out", "bad.csv", "--n-boot", "0", cwd=study)
    assert r.returncode == 2 and not (study / "bad.csv").exists()
    assert r.stderr.startswith("error: study.yaml:10: coder 'B' has codings in 'WWC-02'"), \
        r.stderr
    assert "'double_coded' says they did not rate them: add them" in r.stderr


def test_issue14_item10_example_numbers_of_the_docs(example_corpus, example_codebook):
    # Issue 14 item 10 on the example study (A and B): the numbers docs/agreement.md quotes
    # for prevalence inflation. Empty cells counted straight from the codings files.
    codings = pd.concat([ce.read_codings(ce.example_path(f"codings_{c}")) for c in "AB"])
    t = ce.agreement(codings, corpus=example_corpus, codes=example_codebook,
                     n_boot=0).set_index("code")
    informant = example_corpus.segments[example_corpus.segments["role"] == "informant"]
    units = set(zip(informant["doc_id"], informant["segment_id"], strict=True))
    cells = len(units) * len(example_codebook.codable_ids)
    used = {(d, s, k) for d, s, k in zip(codings["doc_id"], codings["segment_id"],
                                         codings["code"], strict=True) if (d, s) in units}
    empty = 1 - len(used) / cells
    coded = {(d, s) for d, s, _ in used}
    doc = " ".join((ce.project_root() / "docs" / "agreement.md").read_text(
        encoding="utf-8").split())
    quoted = {f"{100 * empty:.1f} % of the {cells:,} segment × code cells",
              f"pooled percent agreement (.{1000 * t.loc['ALL', 'percent_agreement']:.0f})",
              f"AC1 (.{1000 * t.loc['ALL', 'gwet_ac1']:.0f})",
              f"of the {len(coded)} segments anyone coded",
              f"same set of codes to {t.loc['ALL', 'n_agreed']}",
              f"(.{1000 * t.loc['ALL', 'coded_agreement']:.0f})",
              "the MASI alpha over those segments is "
              f".{1000 * t.loc['ALL', 'alpha_masi_coded']:.0f}"}
    for phrase in quoted:
        assert phrase in doc, phrase
    assert t.loc["ALL", "n_positive"] == len(coded)
    assert t.loc["ALL", "coded_agreement"] < 0.5 < 0.95 < t.loc["ALL", "percent_agreement"]


def test_inferred_coverage_hint_names_the_study_coders(corpus, codings):
    """The note suggested 'double_coded: {A: all, B: [<doc ids>]}', the example's coders,
    to a study whose coders are named otherwise."""
    renamed = codings[codings["coder"].isin(["A", "B"])].assign(
        coder=lambda d: d["coder"].map({"A": "ann", "B": "bob"}))
    # bob coded D1 only (with every coder in every document nothing is inferred: no note)
    renamed = renamed[(renamed["coder"] == "ann") | (renamed["doc_id"] == "D1")]
    with pytest.warns(ce.CoverageWarning) as got:
        ce.agreement(renamed, corpus=corpus, coverage="documents", n_boot=0)
    text = str(got[0].message)
    docs = {c: sorted(set(renamed.loc[renamed["coder"] == c, "doc_id"])) for c in ("ann", "bob")}
    shown = ", ".join(f"{c}: {'all' if d == list(corpus.doc_ids) else '[' + ', '.join(d) + ']'}"
                      for c, d in docs.items())
    assert f"'double_coded: {{{shown}}}'" in text
    assert "A: all" not in text


def test_inferred_coverage_hint_is_what_was_inferred(corpus, codings):
    """t1 finding 8: one coder coded every document, the other a subset, yet the note
    proposed 'double_coded: {KM: all, LT: [<doc ids>]}' (the first coder by name as
    'all'): the wrong way round. It proposes what was inferred: the coder of every
    document 'all', the other their documents."""
    ab = codings[codings["coder"].isin(["A", "B"])]
    assert sorted(set(ab["doc_id"])) == sorted(corpus.doc_ids) == ["D1", "D2"]
    subset = ab[(ab["coder"] == "B") | (ab["doc_id"] == "D1")]  # A coded D1 only
    with pytest.warns(ce.CoverageWarning) as got:
        ce.agreement(subset, corpus=corpus, coverage="documents", n_boot=0)
    assert "'double_coded: {B: all, A: [D1]}'" in str(got[0].message)

    # session 16: copied as it stands, it drops each interview a coder read and left
    # without a code (R04 of coder E): the note says it cannot tell the two apart
    text = " ".join(str(got[0].message).split())
    assert "where each coder applied a code, so it cannot tell an interview a coder read " \
           "and found nothing to code in from one they did not read" in text
    with pytest.warns(ce.CoverageWarning, match="cannot tell an interview a coder read"):
        ce.agreement(subset, corpus=corpus, n_boot=0)


def _coded_corpus(n_docs: int) -> ce.Corpus:
    return ce.Corpus.from_texts({
        f"D{i}.txt": f"---\nid: D{i}\nspeakers: {{P: interviewer, I: informant}}\n---\n"
                     "P: Bagaimana?\nI: Kami rilis berita.\n" for i in range(1, n_docs + 1)})


def test_coded_documents_are_those_any_coder_rated():
    """Finding 2 (session 10): a document one coder coded and the second did not double-code
    was dropped from the themes, with a note saying nobody had rated it."""
    corpus = _coded_corpus(4)
    seg = corpus.segments[corpus.segments.role == "informant"].set_index("doc_id")

    def row(doc, coder):
        return (doc, int(seg.at[doc, "segment_id"]), int(seg.at[doc, "start"]),
                int(seg.at[doc, "end"]), "berita", coder)

    a = pd.DataFrame([row("D1", "A"), row("D2", "A")], columns=ce.CODING_COLUMNS)
    # one coder, nothing declared: where they applied a code (no warning here)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ce.coded_documents(a, corpus=corpus) == ["D1", "D2"]
    # declared: a document read and found without a code counts, one left for later not
    assert ce.coded_documents(a, corpus=corpus, coverage={"A": ["D1", "D2", "D3"]}) == [
        "D1", "D2", "D3"]
    assert ce.coded_documents(a, corpus=corpus, coverage={"A": "all"}) == corpus.doc_ids
    # two coders: the documents at least one of them rated
    ab = pd.concat([a, pd.DataFrame([row("D2", "B"), row("D3", "B")],
                                    columns=ce.CODING_COLUMNS)], ignore_index=True)
    assert ce.coded_documents(ab, corpus=corpus) == ["D1", "D2", "D3"]
    assert ce.coded_documents(ab, corpus=corpus, coverage={"A": ["D1", "D2"],
                                                           "B": ["D2", "D3"]}) == [
        "D1", "D2", "D3"]
    # the docs' own pattern: A coded everything, B double-coded two
    assert ce.coded_documents(ab, corpus=corpus, coverage={"A": "all", "B": ["D2", "D3"]}) == (
        corpus.doc_ids)
    assert ce.coded_documents(a.iloc[:0], corpus=corpus) == []
    with pytest.raises(ce.InputError, match="coverage does not say"):
        ce.coded_documents(ab, corpus=corpus, coverage={"A": "all"})
    with pytest.raises(ValueError, match="coverage must be"):
        ce.coded_documents(a, corpus=corpus, coverage="some")
    with pytest.raises(TypeError, match="corpus"):
        ce.coded_documents(a, corpus=corpus.segments)


def test_consensus_in_a_document_one_coder_rated_is_that_coder():
    """Finding 2 (session 10): with ``double_coded: {A: all, B: [D2, D3]}`` the agreed
    consensus dropped every code of A in D1 and D4 (B "disagreed" in documents B never read);
    with the coverage the consensus of a document is formed among the coders who rated it."""
    corpus = _coded_corpus(4)
    seg = corpus.segments[corpus.segments.role == "informant"].set_index("doc_id")

    def row(doc, coder, code="berita"):
        return (doc, int(seg.at[doc, "segment_id"]), int(seg.at[doc, "start"]),
                int(seg.at[doc, "end"]), code, coder)

    ab = pd.DataFrame([row("D1", "A"), row("D2", "A"), row("D2", "B"), row("D3", "A"),
                       row("D3", "B", "rilis"), row("D4", "A", "rilis")],
                      columns=ce.CODING_COLUMNS)
    cover = {"A": "all", "B": ["D2", "D3"]}
    # without a coverage every coder rated every document (as before), with a warning
    with pytest.warns(ce.CoverageWarning, match="B has no codings in D1, D4"):
        assert ce.consensus(ab)[["doc_id", "code"]].values.tolist() == [["D2", "berita"]]
    for merged in (ce.consensus(ab, coverage=cover, corpus=corpus),
                   ce.reference_codings(ab, coverage=cover, corpus=corpus)):
        got = merged[["doc_id", "code", "coder", "note"]].values.tolist()
        assert got == [["D1", "berita", "consensus", "only A rated D1"],
                       ["D2", "berita", "consensus", "agreed by A, B"],
                       ["D4", "rilis", "consensus", "only A rated D4"]]
    # "any" and "majority" count among the coders of the document too
    anyone = ce.consensus(ab, rule="any", coverage=cover, corpus=corpus)
    assert anyone[["doc_id", "code"]].values.tolist() == [
        ["D1", "berita"], ["D2", "berita"], ["D3", "berita"], ["D3", "rilis"], ["D4", "rilis"]]
    assert "any: 1 of 2 (A)" in set(anyone["note"])
    # inferred from where they applied a code: the same here, with its warning
    with pytest.warns(ce.CoverageWarning):
        inferred = ce.consensus(ab, coverage="documents", corpus=corpus)
    assert inferred["doc_id"].tolist() == ["D1", "D2", "D4"]
    # the coverage names the documents of a corpus
    with pytest.raises(ValueError, match="corpus"):
        ce.consensus(ab, coverage=cover)
    with pytest.raises(ce.InputError, match="coverage does not say"):
        ce.reference_codings(ab, coverage={"A": "all"}, corpus=corpus)


# --------------------------------------------------------------------------- coverage not given

DOC3 = DOC2.replace("id: D2", "id: D3").replace("I2", "I3")


@pytest.fixture(scope="module")
def corpus3():
    return ce.Corpus.from_texts({"d1.txt": DOC1, "d2.txt": DOC2, "d3.txt": DOC3})


def _partial(codings):
    """A coded D1 and D2, B only D1, C only D2 (each interview double-coded)."""
    return codings[(codings["coder"] == "A") | ((codings["coder"] == "B")
                                                & (codings["doc_id"] == "D1"))
                   | ((codings["coder"] == "C") & (codings["doc_id"] == "D2"))]


def _coverage_warnings(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, ce.CoverageWarning)]


def test_agreement_without_coverage_warns_when_coders_coded_different_interviews(corpus3,
                                                                                  codings):
    # team report item 1: four coders, two per interview, and interviews nobody coded yet:
    # every coder counted as having rated every interview, silently (alpha 0.183 for 0.557).
    part = _partial(codings)
    with pytest.warns(ce.CoverageWarning) as record:
        default = ce.agreement(part, corpus=corpus3, n_boot=0)
    [message] = _coverage_warnings(record)
    assert "B has no codings in D2" in message and "C has no codings in D1" in message
    assert "no coder has codings in D3" in message
    assert "A has no codings" not in message
    for fix in ("coverage=", "--coverage", "double_coded", "B: [D1]", "C: [D2]"):
        assert fix in message, fix
    # the numbers are those of coverage='all' (the default is unchanged); saying so is silent
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        stated = ce.agreement(part, corpus=corpus3, n_boot=0, coverage="all")
        declared = ce.agreement(part, corpus=corpus3, n_boot=0,
                                coverage={"A": "all", "B": ["D1"], "C": ["D2"]})
    pd.testing.assert_frame_equal(default, stated)
    assert default.attrs["coverage"] == "all"
    assert declared["n_units"].iloc[-1] < default["n_units"].iloc[-1]


def test_agreement_without_coverage_is_silent_when_every_coder_coded_every_interview(
        corpus, codings):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        ce.agreement(codings, corpus=corpus, n_boot=0)
        ce.disagreements(codings, corpus=corpus)
        ce.consensus(codings, corpus=corpus)
        ce.consensus(codings)


def test_inferred_coverage_is_silent_when_every_coder_coded_every_interview(corpus, codings):
    """coverage='documents' said "a document a coder read and found nothing to code in
    counts as not rated, which can make agreement look better than it is" (citra-eval agree
    in a study without double_coded, the example with --coverage documents) when every
    coder had codings in every document: nothing was inferred away, the numbers are those
    of coverage='all'. A document nobody coded is still noted (it is left out)."""
    ab = codings[codings["coder"].isin(["A", "B"])]
    assert all(set(ab.loc[ab["coder"] == c, "doc_id"]) == set(corpus.doc_ids) for c in "AB")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        inferred = ce.agreement(ab, corpus=corpus, coverage="documents", n_boot=0)
        ce.disagreements(ab, corpus=corpus, coverage="documents")
        ce.consensus(ab, corpus=corpus, coverage="documents")
        rated_documents(ab, corpus=corpus, coverage="documents")
    pd.testing.assert_frame_equal(
        inferred.drop(columns="note"),
        ce.agreement(ab, corpus=corpus, coverage="all", n_boot=0).drop(columns="note"),
        check_like=True)
    with pytest.warns(ce.CoverageWarning, match="agreement look better"):
        ce.agreement(ab[ab["coder"] == "A"].pipe(
            lambda a: pd.concat([a, ab[(ab["coder"] == "B") & (ab["doc_id"] == "D1")]])),
            corpus=corpus, coverage="documents", n_boot=0)


def test_consensus_and_disagreements_without_coverage_warn_the_same(corpus, codings):
    # team report item 2: 'agreed' and 'majority' kept nothing without coverage=, silently
    part = _partial(codings)
    for call in (lambda: ce.consensus(part, rule="agreed"),
                 lambda: ce.consensus(part, rule="majority", corpus=corpus),
                 lambda: ce.reference_codings(part, corpus=corpus),
                 lambda: ce.disagreements(part, corpus=corpus)):
        with pytest.warns(ce.CoverageWarning) as record:
            call()
        [message] = _coverage_warnings(record)
        assert "B has no codings in D2" in message and "coverage=" in message
        assert record[0].filename == __file__  # points at the caller
    with warnings.catch_warnings():
        warnings.simplefilter("error", ce.CoverageWarning)
        ce.consensus(part, rule="agreed", coverage="all")


def test_disagreements_say_which_coder_did_not_rate_a_segment(corpus, codings, tmp_path):
    # team report item 3: "did not rate" and "rated, no code" were both an empty CSV cell
    part = _partial(codings)
    d = ce.disagreements(part, corpus=corpus,
                         coverage={"A": "all", "B": ["D1"], "C": ["D2"]})
    d1 = d[d["doc_id"] == "D1"].set_index("segment_id")
    assert d1.loc[5, "codes_B"] == "" and d1.loc[5, "codes_C"] == ce.intercoder.NOT_RATED
    ce.save_table(d, "dis", out_dir=tmp_path)
    back = pd.read_csv(tmp_path / "dis.csv", keep_default_na=False).set_index(
        ["doc_id", "segment_id"])
    assert back.loc[("D1", 5), "codes_B"] == "" and back.loc[("D1", 5), "codes_C"] == (
        ce.intercoder.NOT_RATED)
    assert back.loc[("D2", 3), "codes_B"] == ce.intercoder.NOT_RATED
    # every coder rated every segment: no marker
    full = ce.disagreements(codings, corpus=corpus)
    assert not full.filter(like="codes_").isin([ce.intercoder.NOT_RATED]).any().any()


def test_coders_sharing_no_interview_are_named_with_their_interviews(corpus, codings):
    # team report item 6: a Python dict dump instead of the pair and their interviews
    part = _partial(codings)
    cover = {"A": "all", "B": ["D1"], "C": ["D2"]}
    with pytest.raises(ce.InputError) as info:
        ce.agreement(part, corpus=corpus, coders=["B", "C"], coverage=cover, n_boot=0)
    message = str(info.value)
    assert "B and C share no interview (B: D1; C: D2)" in message
    assert "{" not in message


def test_cli_agree_outside_a_study_notes_codings_in_different_interviews(study, codings,
                                                                         capsys):
    from citra_eval.cli import main

    ce.write_codings(codings[(codings["coder"] == "B") & (codings["doc_id"] == "D1")],
                     study / "codings_B1.csv")
    base = ["agree", "--transcripts", str(study / "interview_transcripts"), "--codings",
            str(study / "codings_A.csv"), str(study / "codings_B1.csv"), "--n-boot", "0"]
    assert main([*base, "--out", str(study / "a.csv")]) == 0
    err = capsys.readouterr().err
    assert "note: who rated which interview is not given" in err
    assert "B has no codings in D2" in err and "--coverage" in err
    assert main([*base, "--out", str(study / "b.csv"), "--coverage", "all"]) == 0
    assert "not given" not in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_csv(study / "a.csv"), pd.read_csv(study / "b.csv"))


def test_coders_of_a_corpus_without_informant_turns_are_told_to_give_roles():
    """Speakers without roles (a project imported without --speakers): the coders share
    the interview, what they lack is informant turns to compare."""
    corpus = ce.Corpus.from_texts({"d.txt": (
        "---\nid: D1\nspeakers: {Interviewer: '', Informant: ''}\n---\nInterviewer: How?\n"
        "Informant: We meet journalists.\n")})
    seg = corpus.segments.iloc[-1]
    codings = pd.DataFrame([(seg.doc_id, seg.segment_id, seg.start, seg.end, "c", coder)
                            for coder in ("A", "B")], columns=ce.CODING_COLUMNS)
    with pytest.raises(ce.InputError) as info:
        ce.agreement(codings, corpus=corpus, n_boot=0)
    message = str(info.value)
    assert "share no interview" not in message
    assert "no informant turns" in message and "--speakers" in message


def test_every_note_consensus_writes_is_a_consensus_note(codings):
    """Session 16: a study recognises a consensus saved under another coder name by its
    notes; ``CONSENSUS_NOTE`` must match every note :func:`consensus` writes, and no other."""
    from citra_eval.intercoder import CONSENSUS_NOTE

    corpus = _coded_corpus(4)
    seg = corpus.segments[corpus.segments.role == "informant"].set_index("doc_id")
    ab = pd.DataFrame([(d, int(seg.at[d, "segment_id"]), int(seg.at[d, "start"]),
                        int(seg.at[d, "end"]), code, c)
                       for d, c, code in [("D1", "A", "berita"), ("D2", "A", "berita"),
                                          ("D2", "B", "berita"), ("D3", "B", "rilis"),
                                          ("D3", "A", "berita")]],
                      columns=ce.CODING_COLUMNS)
    merged = [ce.consensus(codings, rule=r) for r in ("agreed", "any", "majority")]
    merged.append(ce.consensus(codings, rule="adjudicator", adjudicator="A"))
    merged += [ce.consensus(ab, rule=r, coverage={"A": "all", "B": ["D2", "D3"]},
                            corpus=corpus) for r in ("agreed", "any")]
    notes = pd.concat([m["note"] for m in merged])
    assert {n.split(" ")[0] for n in notes} == {"agreed", "any:", "majority:", "adjudicated",
                                                "only"}
    assert notes.str.fullmatch(CONSENSUS_NOTE).all()
    others = pd.Series(["agreed", "agreed by", "discussed with B", "only once", "any: 1 of 2",
                        "adjudicated by C", "majority: two of three (A, B)", ""])
    assert not others.str.fullmatch(CONSENSUS_NOTE).any()


def test_a_declared_coder_without_codings_rated_and_coded_nothing(corpus, codings):
    """Session 16: a second coder who read an interview and found nothing to code has no
    codings row; declared in the coverage, they count as rating it with no code (was:
    "coverage names coder(s) 'Z' that have no codings"), and the note says so."""
    a = codings[codings["coder"] == "A"]
    with pytest.warns(ce.CoverageWarning, match=r"coder 'Z' has no codings: counted as having "
                                                r"rated D1 and applied no code there"):
        t = ce.agreement(a, corpus=corpus, coverage={"A": "all", "Z": ["D1"]}, n_boot=0)
    assert t.attrs["coders"] == ["A", "Z"]
    d1 = corpus.segments.query("doc_id == 'D1' and role == 'informant'")
    row = t.set_index("code").loc["ALL"]
    assert row["n_units"] == len(d1)
    coded = a.merge(d1, on=["doc_id", "segment_id"])[["doc_id", "segment_id"]].drop_duplicates()
    assert row["n_positive"] == len(coded) > 0  # A's codes: Z's "no code" disagrees
    # the other functions that take a coverage see the same coder
    with pytest.warns(ce.CoverageWarning):
        rated = ce.intercoder.rated_documents(a, corpus=corpus,
                                              coverage={"A": "all", "Z": ["D1"]})
    assert rated == {"A": ["D1", "D2"], "Z": ["D1"]}


@pytest.mark.parametrize(("given", "hint"), [
    ("rina", "did you mean 'Rina'? coder names are case-sensitive"),
    ("Rini", "did you mean 'Rina'?")])
def test_an_unknown_adjudicator_or_coder_gets_a_did_you_mean(codings, corpus, given, hint):
    """Coders s19, item 3: --adjudicator Rina (the coder is 'rina', or 'Rini') said only that
    it has no codings; a coder one typo or a letter case away is suggested."""
    named = codings.assign(coder=codings["coder"].map({"A": "Rina", "B": "Budi", "C": "Sari"}))
    with pytest.raises(ce.InputError, match="has no codings") as info:
        ce.consensus(named, rule="adjudicator", adjudicator=given)
    assert hint in info.value.message
    with pytest.raises(ce.InputError, match="no codings") as info:
        ce.agreement(named, corpus=corpus, coders=["Budi", given])
    assert hint in info.value.message
    for other in ("Zed", "Z"):  # nothing one typo away; a one-letter name is no guess
        with pytest.raises(ce.InputError) as info:
            ce.consensus(codings, rule="adjudicator", adjudicator=other)
        assert "did you mean" not in info.value.message


def test_nothing_to_compare_when_the_speakers_have_other_roles_says_how_to_mark_informants():
    """Session 19: speakers with the roles 'pewawancara'/'narasumber': agreement said "no
    speaker has the role ... give the speakers roles" (they have roles). It names the roles
    they have and how to mark the informants, or the roles to compare."""
    corpus = ce.Corpus.from_texts({
        "N1.txt": "---\nid: N1\nspeakers: {PEN: pewawancara, N1: narasumber}\n---\n"
                  "PEN: Apakah kalian minta maaf?\nN1: Kami minta maaf.\n"})
    seg = corpus.segments.set_index("segment_id")
    codings = pd.DataFrame([("N1", 2, int(seg.at[2, "start"]), int(seg.at[2, "end"]), "maaf", c)
                            for c in "AB"], columns=ce.CODING_COLUMNS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ce.InputError) as exc:
            ce.agreement(codings, corpus=corpus, n_boot=0)
    said = str(exc.value)
    assert "roles here: narasumber, pewawancara" in said, said
    assert "{PEN: pewawancara, N1: informant}" in said, said  # the YAML a user types
    assert "no speaker has the role" not in said, said
    assert "roles=['narasumber']" in said, said
    # a text without any role keeps its advice
    plain = ce.Corpus.from_texts({"X.txt": "---\nid: X\nspeakers: [INT, X]\n---\n"
                                           "INT: Tanya?\nX: Jawab.\n"})
    seg = plain.segments.set_index("segment_id")
    codings = codings.assign(doc_id="X", start=int(seg.at[2, "start"]),
                             end=int(seg.at[2, "end"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ce.InputError, match="give the speakers roles"):
            ce.agreement(codings, corpus=plain, n_boot=0)
